//! `--format json` of `drill check` and `drill run`.

use crate::cli::output::{Render, json_text};
use crate::drill::{AfterAction, Readiness, Report};
use anyhow::Result;
use serde::Serialize;

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

pub struct Json;

/// `drill check --format json`: one object per scenario.
impl Render<[Report]> for Json {
    fn render(&self, reports: &[Report]) -> Result<String> {
        json_text(&reports.iter().map(JsonReport::from).collect::<Vec<_>>())
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

/// `drill run --format json`: the after-action report, as written beside
/// the log.
impl Render<AfterAction> for Json {
    fn render(&self, report: &AfterAction) -> Result<String> {
        json_text(report)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
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
