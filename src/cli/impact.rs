//! `andon impact`: what stops when an identity is paused or revoked, and what
//! it can reach if it is compromised.

use super::{Format, RunbookArg, load_runbook, unknown};
use crate::engine::Engine;
use crate::model::Runbook;
use anyhow::Result;
use serde::Serialize;
use std::fmt::Write as _;
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
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Human => super::print_human(&human(&runbook, &report)),
    }
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

fn human(runbook: &Runbook, report: &Report) -> String {
    let mut out = String::new();
    let identity = runbook
        .identity(report.identity)
        .map_or(report.identity, |i| i.label());
    let _ = writeln!(out, "{} ({identity})\n", report.identity);
    if report.stops.is_empty() {
        let _ = writeln!(
            out,
            "Pausing or revoking it stops nothing the runbook knows of."
        );
    } else {
        let _ = writeln!(out, "Pausing or revoking it stops:");
        for s in &report.stops {
            let how = s
                .depends_on
                .map_or("it serves this".to_owned(), |on| format!("depends on {on}"));
            let _ = writeln!(
                out,
                "  {}- {} (criticality {}, {how})",
                "  ".repeat(s.depth),
                s.system,
                s.criticality
            );
            if let Some(safe) = s.safe_state {
                let _ = writeln!(out, "  {}  safe state: {safe}", "  ".repeat(s.depth));
            }
        }
    }
    out.push('\n');
    if report.reach.is_empty() {
        let _ = writeln!(
            out,
            "If compromised, it can reach nothing: no access above `none`."
        );
    } else {
        let _ = writeln!(out, "If compromised, it can reach:");
        for r in &report.reach {
            let how = r
                .access
                .map_or("stops if the above is disrupted".to_owned(), |a| {
                    format!("{a} access")
                });
            let _ = writeln!(
                out,
                "  {}- {} (criticality {}, {how})",
                "  ".repeat(r.depth),
                r.system,
                r.criticality
            );
        }
    }
    out
}
