//! What stops and what it reaches, in words, the chains indented.

use super::{Impact, Report};
use crate::cli::output::Render;
use crate::model::Runbook;
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

impl Render<Impact<'_>> for Human {
    fn render(&self, impact: &Impact) -> Result<String> {
        Ok(text(impact.runbook, impact.report))
    }
}

fn text(runbook: &Runbook, report: &Report) -> String {
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
