//! JSON output: every finding with its location, and the summary.

use super::{Output, Run, Summary};
use crate::lint::{Diagnostic, rule};
use crate::model::Source;
use serde::Serialize;

pub struct Json;

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: Option<&'static str>,
    severity: &'static str,
    message: &'a str,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u16>,
    help: Option<&'a str>,
    witness: Option<&'a str>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    file: Option<String>,
    line: u32,
    column: u16,
    message: &'a str,
}

#[derive(Serialize)]
struct Document<'a> {
    findings: Vec<Finding<'a>>,
    summary: &'a Summary,
}

fn file(sources: &[Source], index: usize) -> Option<String> {
    sources.get(index).map(|s| s.path.display().to_string())
}

fn finding<'a>(sources: &[Source], d: &'a Diagnostic) -> Finding<'a> {
    Finding {
        code: d.code,
        name: rule(d.code).map(|r| r.info().name),
        severity: d.severity.as_str(),
        message: &d.message,
        file: d.span.and_then(|s| file(sources, s.file.0 as usize)),
        line: d.span.map(|s| s.line),
        column: d.span.map(|s| s.col),
        help: d.help.as_deref(),
        witness: d.witness.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| Related {
                file: file(sources, r.span.file.0 as usize),
                line: r.span.line,
                column: r.span.col,
                message: &r.message,
            })
            .collect(),
    }
}

impl Output for Json {
    fn render(&self, runs: &[Run], summary: &Summary) -> String {
        let findings = runs
            .iter()
            .flat_map(|run| run.findings.iter().map(|d| finding(&run.sources, d)))
            .collect();
        let doc = Document { findings, summary };
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}
