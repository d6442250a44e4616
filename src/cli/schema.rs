//! `andon schema`: the JSON Schema of the runbook format, for editors' YAML
//! language servers and for CI checks outside andon.

use anyhow::Result;
use std::process::ExitCode;

/// The schema, kept next to the loader that it describes.
pub const RUNBOOK_SCHEMA: &str = include_str!("../load/runbook.schema.json");

pub fn schema() -> Result<ExitCode> {
    print!("{RUNBOOK_SCHEMA}");
    Ok(ExitCode::SUCCESS)
}
