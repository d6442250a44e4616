//! Drill results for a facilitator: the readiness of each expectation
//! (`drill check`), the after-action report in Markdown (`drill run`).

use crate::cli::clock;
use crate::cli::output::Render;
use crate::drill::{AfterAction, Readiness, Report};
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

/// `drill check`: each expectation's readiness, with why.
impl Render<[Report]> for Human {
    fn render(&self, reports: &[Report]) -> Result<String> {
        Ok(readiness(reports))
    }
}

/// `drill run`: the after-action report, in Markdown.
impl Render<AfterAction> for Human {
    fn render(&self, report: &AfterAction) -> Result<String> {
        Ok(report.markdown())
    }
}

fn readiness(reports: &[Report]) -> String {
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
