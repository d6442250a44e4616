//! `import --format json`: the report as it is built, for tools.

use super::report::Report;
use crate::cli::output::{Render, json_text};
use anyhow::Result;

pub struct Json;

impl Render<Report> for Json {
    fn render(&self, report: &Report) -> Result<String> {
        json_text(report)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
