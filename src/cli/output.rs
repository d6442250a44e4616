//! How a command prints its result: one output format per file, behind
//! [`Render`]. A command builds its result once, picks the format's type
//! once from `--format`, and hands both to [`print`]; adding a format is a
//! file with one `impl Render<Result> for Format` and a name in the
//! command's `--format` value enum.
//!
//! Also the one JSON shape of a located finding ([`finding`]: lint's
//! findings and load errors alike) and of a failed command under
//! `--format json` ([`failure`]).

use crate::diagnostics::Diagnostic;
use crate::load::LoadError;
use crate::model::Source;
use anyhow::Result;
use serde::Serialize;

/// One output format of a command's result `R`.
pub trait Render<R: ?Sized> {
    /// The whole output, as it goes to standard output.
    fn render(&self, result: &R) -> Result<String>;

    /// Whether the text goes through [`crate::model::visible`] on its way
    /// to the terminal: true for text that carries runbook values as they
    /// are (human text, Markdown, CSV). A format that escapes its values
    /// itself (JSON, iCalendar, SARIF) says false.
    fn escaped_on_print(&self) -> bool {
        true
    }
}

/// Renders `result` in `format` and prints it.
pub fn print<R: ?Sized>(format: &dyn Render<R>, result: &R) -> Result<()> {
    let text = format.render(result)?;
    if format.escaped_on_print() {
        super::print_human(&text);
    } else {
        print!("{text}");
    }
    Ok(())
}

/// Pretty JSON with its final newline, as every JSON format prints it.
pub fn json_text(value: &impl Serialize) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// A located finding as JSON (lint's `--format json`, load errors).
#[derive(Serialize)]
pub struct Finding<'a> {
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

fn file(sources: &[Source], index: usize) -> Option<String> {
    sources.get(index).map(|s| s.path.display().to_string())
}

/// `d` as JSON, its file named from `sources`.
pub fn finding<'a>(sources: &[Source], d: &'a Diagnostic) -> Finding<'a> {
    Finding {
        code: d.code,
        name: crate::lint::rule(d.code).map(|r| r.info().name),
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

/// What went wrong, for a script: the first error's code and place.
#[derive(Serialize)]
struct Error<'a> {
    /// The first load error's code (`YAML001`, `REF001`...); `null` for an
    /// error that is not about a file's content (an unknown id, a bad flag
    /// value, a file that cannot be read).
    code: Option<&'a str>,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u16>,
}

#[derive(Serialize)]
struct Failure<'a> {
    error: Error<'a>,
    /// Every load error, in the shape of lint's findings; empty otherwise.
    diagnostics: Vec<Finding<'a>>,
}

/// A failed command under `--format json`: one object, printed on
/// standard output (docs/commands.md, "Errors under `--format json`").
pub fn failure(error: &anyhow::Error) -> Result<String> {
    let doc = match error.downcast_ref::<LoadError>() {
        Some(load) => {
            let first = load.diagnostics.first();
            Failure {
                error: Error {
                    code: first.map(|d| d.code),
                    message: first.map_or_else(|| load.to_string(), |d| d.message.clone()),
                    file: first
                        .and_then(|d| d.span)
                        .and_then(|s| file(&load.sources, s.file.0 as usize)),
                    line: first.and_then(|d| d.span).map(|s| s.line),
                    column: first.and_then(|d| d.span).map(|s| s.col),
                },
                diagnostics: (load.diagnostics.iter())
                    .map(|d| finding(&load.sources, d))
                    .collect(),
            }
        }
        None => Failure {
            error: Error {
                code: None,
                message: format!("{error:#}"),
                file: None,
                line: None,
                column: None,
            },
            diagnostics: Vec::new(),
        },
    };
    json_text(&doc)
}
