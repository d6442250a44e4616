//! `andon coverage`: the matrix of critical identities x states x actions,
//! over an on-call horizon: who decides first, covered, forbidden,
//! ambiguous or uncovered, single deciders, time to first decider, and the
//! on-call gaps of every role.
//!
//! The actions are `pause` and `revoke` for every identity touching a `high`
//! or `safety` system, and `disconnect` too for vendor sessions: the actions
//! lint's GR002 asks a rule for. Identities with the same answer to every
//! question are shown together, so a large plant stays readable: the human
//! table has one row per state, action and answer, with a count of
//! identities, and fits 100 columns; `--format json` lists every identity.

mod human;
mod json;

use super::output::Render;
use super::{Format, RunbookArg, load_runbook};
use crate::engine::Engine;
use crate::engine::authority::Selection;
use crate::engine::horizon::{ChainFacts, Coverage};
use crate::model::Runbook;
use anyhow::Result;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    /// Start of the horizon, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    from: Option<String>,
    /// Days of on-call schedule to walk
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    runbook: RunbookArg,
}

impl CoverageArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

/// What the formats render: the coverage over the horizon, the runbook for
/// its names, and the horizon's length in days.
pub struct Covered<'a> {
    runbook: &'a Runbook,
    coverage: &'a Coverage,
    days: u32,
}

pub fn coverage(args: &CoverageArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let (from, to) = super::horizon(&runbook, args.from.as_deref(), args.days)?;
    let engine = Engine::new(&runbook);
    let coverage = Coverage::build(&engine, from, to);
    let format: &dyn Render<Covered> = match args.format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    let covered = Covered {
        runbook: &runbook,
        coverage: &coverage,
        days: args.days,
    };
    super::output::print(format, &covered)?;
    Ok(ExitCode::SUCCESS)
}

/// What a question's answer is, in words.
fn outcome(selection: &Selection) -> &'static str {
    match selection {
        Selection::Rule(_) => "covered",
        Selection::Forbidden(_) => "forbidden",
        Selection::Ambiguous(_) => "ambiguous",
        Selection::Uncovered => "uncovered",
    }
}

fn rule_ids<'r>(runbook: &'r Runbook, selection: &Selection) -> Vec<&'r str> {
    let ids = match selection {
        Selection::Rule(k) => std::slice::from_ref(k),
        Selection::Forbidden(rules) | Selection::Ambiguous(rules) => rules.as_slice(),
        Selection::Uncovered => &[],
    };
    ids.iter()
        .filter_map(|&k| runbook.rules.get(k))
        .map(|r| r.id.value.as_str())
        .collect()
}

/// Notes on a covered question: one decider, a gap, slow in an emergency.
fn notes(facts: &ChainFacts, emergency: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if facts.single.is_some() {
        out.push("single");
    }
    if !facts.gaps.is_empty() {
        out.push("gap");
    }
    if emergency && facts.slow() {
        out.push("slow");
    }
    out
}

/// Counts over every question (identity, state, action).
#[derive(Debug, Default, Serialize)]
struct Summary {
    identities: usize,
    questions: usize,
    covered: usize,
    forbidden: usize,
    ambiguous: usize,
    uncovered: usize,
    single_decider: usize,
    gap: usize,
    slow_in_emergency: usize,
}

fn summary(runbook: &Runbook, c: &Coverage) -> Summary {
    let mut s = Summary {
        identities: c.identities,
        ..Summary::default()
    };
    for g in &c.groups {
        let n = g.identities.len();
        for a in &g.answers {
            s.questions += n;
            match &a.selection {
                Selection::Rule(_) => s.covered += n,
                Selection::Forbidden(_) => s.forbidden += n,
                Selection::Ambiguous(_) => s.ambiguous += n,
                Selection::Uncovered => s.uncovered += n,
            }
            let Some(facts) = a.chain.and_then(|i| c.chains.get(i)) else {
                continue;
            };
            let emergency = runbook.states.get(a.state).is_some_and(|st| st.emergency);
            for note in notes(facts, emergency) {
                match note {
                    "single" => s.single_decider += n,
                    "gap" => s.gap += n,
                    _ => s.slow_in_emergency += n,
                }
            }
        }
    }
    s
}
