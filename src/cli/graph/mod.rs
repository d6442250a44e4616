//! `andon graph`: the escalation graph for a picture (Graphviz dot,
//! Mermaid) or for a script (JSON: every node and edge).

mod dot;
mod json;
mod mermaid;

use super::output::Render;
use super::{RunbookArg, load_runbook};
use crate::engine::Engine;
use crate::engine::graph::EscalationGraph;
use crate::model::Runbook;
use anyhow::Result;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum GraphFormat {
    Dot,
    Mermaid,
    /// Every node (people, roles, rule levels) and every edge with its kind
    Json,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
    #[command(flatten)]
    runbook: RunbookArg,
}

impl GraphArgs {
    pub fn wants_json(&self) -> bool {
        self.format == GraphFormat::Json
    }
}

/// What the formats render: the graph, and the runbook for its ids and names.
pub struct Drawn<'a> {
    runbook: &'a Runbook,
    graph: &'a EscalationGraph,
}

pub fn graph(args: &GraphArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let engine = Engine::new(&runbook);
    let format: &dyn Render<Drawn> = match args.format {
        GraphFormat::Dot => &dot::Dot,
        GraphFormat::Mermaid => &mermaid::Mermaid,
        GraphFormat::Json => &json::Json,
    };
    let drawn = Drawn {
        runbook: &runbook,
        graph: &engine.graphs.escalation,
    };
    super::output::print(format, &drawn)?;
    Ok(ExitCode::SUCCESS)
}
