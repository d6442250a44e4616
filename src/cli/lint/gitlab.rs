//! GitLab Code Quality report: a JSON array of issues, the subset of the
//! Code Climate format that GitLab reads from `artifacts:reports:codequality`
//! (`description`, `check_name`, `fingerprint`, `severity`,
//! `location.path`, `location.lines.begin`), with Code Climate's `type` and
//! `categories` so that other Code Climate readers accept it too.
//!
//! GitLab compares the report of a merge request with its target branch's by
//! fingerprint, so a fingerprint must name the finding, not the run: it is
//! the SHA-256 of the code, the file and the text of the line the finding is
//! about (not its number, so that a line added above does not make an old
//! finding look new; not the message, which for on-call rules names windows
//! that move with `--now`). Findings that would share one are told apart by
//! their order. Suppressed findings are left out, as in the human output:
//! GitLab has no place for an accepted risk. JSON escapes every control
//! character, so nothing in the report can drive a terminal or a log viewer.

use super::{LintedPath, Lints, relative};
use crate::cli::output::{Render, json_text};
use crate::lint::{Diagnostic, Severity, rule};
use crate::model::Source;
use anyhow::Result;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct Gitlab;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

impl Render<Lints> for Gitlab {
    fn render(&self, lints: &Lints) -> Result<String> {
        let mut issues = Vec::new();
        // How many findings so far had each fingerprint's inputs.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for run in &lints.paths {
            for d in &run.findings {
                let (path, line, anchor) = place(run, d);
                let key = format!("{}\0{path}\0{anchor}", d.code);
                let count = seen.entry(key.clone()).or_insert(0);
                let fingerprint = fingerprint(&key, *count);
                *count += 1;
                issues.push(Issue {
                    kind: "issue",
                    description: description(d),
                    check_name: d.code,
                    fingerprint,
                    severity: severity(d.severity, run.loaded),
                    categories: [category(d.code)],
                    location: Location {
                        path,
                        lines: Lines { begin: line },
                    },
                });
            }
        }
        json_text(&issues)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

/// The file (relative to the current directory, the repository root in CI),
/// the line (1 when the finding names no line) and what the fingerprint
/// anchors on: the trimmed source line, or the message when there is none.
fn place(run: &LintedPath, d: &Diagnostic) -> (String, u32, String) {
    let source = d
        .span
        .and_then(|span| run.sources.get(span.file.0 as usize).map(|s| (span, s)));
    match source {
        Some((span, source)) => {
            let anchor = source
                .line(span.line)
                .map_or_else(|| d.message.clone(), |text| text.trim().to_owned());
            (path_of(source), span.line.max(1), anchor)
        }
        None => (
            relative(&run.path).unwrap_or_else(|| run.path.display().to_string()),
            1,
            d.message.clone(),
        ),
    }
}

fn path_of(source: &Source) -> String {
    relative(&source.path).unwrap_or_else(|| source.path.display().to_string())
}

/// GitLab does not show `check_name`, so the description starts with the
/// code and the rule's name; the help line follows the message.
fn description(d: &Diagnostic) -> String {
    let mut text = match rule(d.code) {
        Some(r) => format!("{} {}: {}", d.code, r.info().name, d.message),
        None => format!("{}: {}", d.code, d.message),
    };
    if let Some(help) = &d.help {
        text.push_str(" (help: ");
        text.push_str(help);
        text.push(')');
    }
    text
}

/// 32 hex digits of SHA-256, as long as GitLab's own examples.
fn fingerprint(key: &str, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(key.as_bytes());
    if occurrence > 0 {
        hasher.update(format!("\0{occurrence}").as_bytes());
    }
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A runbook that does not load blocks everything; an error fails the
/// build (`critical`); a warning is `minor`, a note `info`.
fn severity(severity: Severity, loaded: bool) -> &'static str {
    match (loaded, severity) {
        (false, Severity::Error) => "blocker",
        (_, Severity::Error) => "critical",
        (_, Severity::Warning) => "minor",
        (_, Severity::Note) => "info",
    }
}

/// Code Climate's category: `Security` for the rules mapped to a security
/// framework, `Bug Risk` for the rest and for load errors.
fn category(code: &str) -> &'static str {
    match rule(code) {
        Some(r) if !r.info().mapping.is_empty() => "Security",
        _ => "Bug Risk",
    }
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_are_32_hex_digits_and_differ_by_occurrence() {
        let first = fingerprint("GR004\0rb/a.yaml\0- id: x", 0);
        assert_eq!(first.len(), 32);
        assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(first, fingerprint("GR004\0rb/a.yaml\0- id: x", 0));
        assert_ne!(first, fingerprint("GR004\0rb/a.yaml\0- id: x", 1));
        assert_ne!(first, fingerprint("GR005\0rb/a.yaml\0- id: x", 0));
    }
}
