//! `andon impact`: what stops when an identity is paused or revoked, and what
//! it can reach if it is compromised.

mod human;
mod json;

use super::output::Render;
use super::{Format, RunbookArg, load_runbook, unknown};
use crate::engine::Engine;
use crate::model::Runbook;
use anyhow::Result;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ImpactArgs {
    /// The identity's id
    identity: String,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    runbook: RunbookArg,
}

/// What the formats render: the report, and the runbook for its names.
pub struct Impact<'a> {
    runbook: &'a Runbook,
    report: &'a Report<'a>,
}

/// What stops and what it reaches; serialised as is by `--format json`.
#[derive(Serialize)]
struct Report<'a> {
    identity: &'a str,
    stops: Vec<Stop<'a>>,
    reach: Vec<Reach<'a>>,
}

#[derive(Serialize)]
struct Stop<'a> {
    system: &'a str,
    criticality: &'a str,
    safe_state: Option<&'a str>,
    /// `null` when the identity serves it; else the system it depends on.
    depends_on: Option<&'a str>,
    depth: usize,
}

#[derive(Serialize)]
struct Reach<'a> {
    system: &'a str,
    criticality: &'a str,
    /// Highest access level it holds on the system; `null` when reached only
    /// through what depends on a system it can write to.
    access: Option<&'a str>,
    depth: usize,
}

impl ImpactArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub fn impact(args: &ImpactArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let Some(&index) = runbook.index.identities.get(args.identity.as_str()) else {
        return Err(unknown(
            "identity",
            &args.identity,
            runbook.identities.iter().map(|i| &i.id.value),
        ));
    };
    let engine = Engine::new(&runbook);
    let report = build(&runbook, &engine, index);
    let format: &dyn Render<Impact> = match args.format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    super::output::print(
        format,
        &Impact {
            runbook: &runbook,
            report: &report,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

fn build<'a>(runbook: &'a Runbook, engine: &Engine, index: usize) -> Report<'a> {
    let system = |i: usize| &runbook.systems[i];
    let stops = engine
        .graphs
        .systems
        .impact(index)
        .into_iter()
        .map(|e| Stop {
            system: &system(e.system).id.value,
            criticality: system(e.system).criticality.as_str(),
            safe_state: system(e.system).safe_state.as_deref(),
            depends_on: match e.via {
                crate::engine::graph::Via::Serves | crate::engine::graph::Via::Access => None,
                crate::engine::graph::Via::DependsOn(on) => Some(system(on).id.value.as_str()),
            },
            depth: e.depth,
        })
        .collect();
    let reach = engine
        .graphs
        .systems
        .compromise_reach(index)
        .into_iter()
        .map(|e| Reach {
            system: &system(e.system).id.value,
            criticality: system(e.system).criticality.as_str(),
            access: e.level.map(|l| l.as_str()),
            depth: e.depth,
        })
        .collect();
    Report {
        identity: &runbook.identities[index].id.value,
        stops,
        reach,
    }
}
