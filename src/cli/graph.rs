//! `andon graph`: the escalation graph for a picture.

use super::{RunbookArg, load_runbook};
use crate::engine::Engine;
use anyhow::Result;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(ValueEnum, Debug, Clone, Copy)]
enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
    #[command(flatten)]
    runbook: RunbookArg,
}

pub fn graph(args: &GraphArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let engine = Engine::new(&runbook);
    let text = match args.format {
        GraphFormat::Dot => engine.graphs.escalation.to_dot(&runbook),
        GraphFormat::Mermaid => engine.graphs.escalation.to_mermaid(&runbook),
    };
    super::print_human(&text);
    Ok(ExitCode::SUCCESS)
}
