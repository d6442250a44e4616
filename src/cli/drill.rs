//! `andon drill check SCENARIO...`: the static readiness of scenarios, as
//! text or JSON; exit 0 when every expectation is ready, 1 otherwise.

use super::{Format, clock};
use crate::drill::{self, Readiness, Report};
use crate::load::load_scenario_with_runbook;
use anyhow::Result;
use clap::Subcommand;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DrillArgs {
    #[command(subcommand)]
    command: DrillCommand,
}

#[derive(Subcommand, Debug)]
enum DrillCommand {
    /// Can the runbook meet each expectation at all? Exit 1 when one is not ready
    #[command(after_help = "Example:\n  andon drill check scenarios/*.yaml")]
    Check(CheckArgs),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario files (`andon-scenario: 1`); each names its runbook
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn drill(args: &DrillArgs) -> Result<ExitCode> {
    match &args.command {
        DrillCommand::Check(args) => check(args),
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    // Every scenario loads before anything is printed: bad input exits 2
    // with no partial report.
    let mut reports = Vec::new();
    for path in &args.scenarios {
        let (scenario, runbook) = load_scenario_with_runbook(path)?;
        reports.push(drill::check(&scenario, &runbook));
    }
    match args.format {
        Format::Json => {
            let json: Vec<JsonReport> = reports.iter().map(JsonReport::from).collect();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Human => print!("{}", human(&reports)),
    }
    Ok(if reports.iter().all(Report::ready) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn human(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        let _ = writeln!(
            out,
            "{}: {}\nstart {} in state {}",
            report.scenario,
            report.title,
            report.start.format("%a %d %b %Y %H:%M %Z"),
            report.state
        );
        for c in &report.checks {
            let what = match &c.identity {
                Some(identity) => format!("{} {identity}", c.action),
                None => format!("{} {}", c.action, c.state),
            };
            let by =
                c.by.as_ref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<9}  {}: {what}{by} within {}",
                c.readiness.as_str(),
                c.expectation,
                c.within
            );
            let when = c
                .engaged
                .as_ref()
                .map(|e| format!(" (at {})", clock(e.at, report.start)))
                .unwrap_or_default();
            let _ = writeln!(out, "             {}{when}", c.why);
            if !c.unavailable.is_empty() {
                let _ = writeln!(
                    out,
                    "             unavailable: {}",
                    c.unavailable.join(", ")
                );
            }
        }
        let ready = report
            .checks
            .iter()
            .filter(|c| c.readiness == Readiness::Ready)
            .count();
        let _ = writeln!(
            out,
            "{ready} of {} expectations ready\n",
            report.checks.len()
        );
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    title: &'a str,
    start: String,
    state: &'a str,
    ready: bool,
    expectations: Vec<JsonCheck<'a>>,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    id: &'a str,
    objective: &'a str,
    action: &'a str,
    identity: Option<&'a str>,
    state: &'a str,
    within_seconds: u64,
    by: Option<&'a str>,
    unavailable: &'a [String],
    /// `chain`, `forbidden`, `ambiguous` or `uncovered`.
    verdict: &'a str,
    rule: Option<&'a str>,
    /// `ready`, `late` or `not-ready`.
    readiness: &'a str,
    engaged: Option<JsonEngaged<'a>>,
    why: &'a str,
}

#[derive(Serialize)]
struct JsonEngaged<'a> {
    offset_seconds: u64,
    at: String,
    level: &'a str,
    people: Vec<&'a str>,
}

impl<'a> From<&'a Report> for JsonReport<'a> {
    fn from(r: &'a Report) -> Self {
        JsonReport {
            scenario: &r.scenario,
            title: &r.title,
            start: r.start.to_rfc3339(),
            state: &r.state,
            ready: r.ready(),
            expectations: r
                .checks
                .iter()
                .map(|c| JsonCheck {
                    id: &c.expectation,
                    objective: &c.objective,
                    action: c.action.as_str(),
                    identity: c.identity.as_deref(),
                    state: &c.state,
                    within_seconds: c.within.secs(),
                    by: c.by.as_deref(),
                    unavailable: &c.unavailable,
                    verdict: c.verdict.as_str(),
                    rule: c.rule.as_deref(),
                    readiness: match c.readiness {
                        Readiness::Ready => "ready",
                        Readiness::Late => "late",
                        Readiness::NotReady => "not-ready",
                    },
                    engaged: c.engaged.as_ref().map(|e| JsonEngaged {
                        offset_seconds: e.offset.secs(),
                        at: e.at.to_rfc3339(),
                        level: &e.level,
                        people: e.people.iter().map(|p| p.as_str()).collect(),
                    }),
                    why: &c.why,
                })
                .collect(),
        }
    }
}
