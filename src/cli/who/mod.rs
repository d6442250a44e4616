//! `andon who` and `andon declare`: the resolved chain, as advice to a shift
//! lead (`human.rs`) or as the stable JSON of the spec (`json.rs`).

mod human;
mod json;

use super::output::Render;
use super::{Format, RunbookArg, instant, load_runbook, load_runbook_for, state, unknown};
use crate::engine::{Decision, Engine, Query};
use crate::model::{Action, Runbook};
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct WhoArgs {
    /// The identity's id (e.g. `vendor-acme-remote`)
    identity: String,
    /// pause | revoke | override | disconnect | rotate | constrain | restore
    action: String,
    /// Production state [default: the runbook's default state]
    #[arg(long)]
    state: Option<String>,
    /// When, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    at: Option<String>,
    /// People who do not answer, comma-separated person ids
    #[arg(long, value_delimiter = ',')]
    unavailable: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    runbook: RunbookArg,
}

#[derive(clap::Args, Debug)]
pub struct DeclareArgs {
    /// The state to enter (e.g. `emergency`)
    state: String,
    /// When, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    at: Option<String>,
    /// People who do not answer, comma-separated person ids
    #[arg(long, value_delimiter = ',')]
    unavailable: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    runbook: RunbookArg,
}

impl WhoArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

impl DeclareArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub fn who(args: &WhoArgs) -> Result<ExitCode> {
    // The identity asked alone (with every other list whole), when the
    // compiled image has it: the answer needs no other identity.
    let runbook = load_runbook_for(&args.runbook, &args.identity)?;
    let identities = || runbook.identities.iter().map(|i| &i.id.value);
    if runbook.identity(&args.identity).is_none() {
        return Err(unknown("identity", &args.identity, identities()));
    }
    let action = match Action::parse(&args.action) {
        Some(Action::Declare) => anyhow::bail!("`declare` is asked with `andon declare STATE`"),
        Some(a) => a,
        None => {
            return Err(unknown(
                "action",
                &args.action,
                Action::NAMES.iter().filter(|a| **a != "declare"),
            ));
        }
    };
    let state = state(&runbook, args.state.as_deref())?;
    check_people(&runbook, &args.unavailable)?;
    let at = instant(&runbook, args.at.as_deref())?;
    let engine = Engine::new(&runbook);
    let query = Query {
        identity: &args.identity,
        action,
        state: &state.id.value,
        at,
        unavailable: &args.unavailable,
    };
    let decision = engine.resolve(&query);
    print(&runbook, &decision, args.format)
}

pub fn declare(args: &DeclareArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let state = state(&runbook, Some(&args.state))?;
    check_people(&runbook, &args.unavailable)?;
    let at = instant(&runbook, args.at.as_deref())?;
    let engine = Engine::new(&runbook);
    let decision = engine.declare(&state.id.value, at, &args.unavailable);
    print(&runbook, &decision, args.format)
}

fn check_people(runbook: &Runbook, people: &[String]) -> Result<()> {
    for p in people {
        if runbook.person(p).is_none() {
            return Err(unknown(
                "person",
                p,
                runbook.people.iter().map(|p| &p.id.value),
            ));
        }
    }
    Ok(())
}

/// What the formats render: the decision, and the runbook for its names.
pub struct Resolved<'a> {
    pub runbook: &'a Runbook,
    pub decision: &'a Decision,
}

fn print(runbook: &Runbook, decision: &Decision, format: Format) -> Result<ExitCode> {
    let render: &dyn Render<Resolved> = match format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    super::output::print(render, &Resolved { runbook, decision })?;
    Ok(ExitCode::SUCCESS)
}
