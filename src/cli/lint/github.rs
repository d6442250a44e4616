//! GitHub Actions workflow annotations: one `::error file=...,line=...,col=...,
//! title=CODE name::message` command per finding, which GitHub shows on the
//! pull request's diff, then the summary line for the log.
//!
//! Values are escaped as GitHub's toolkit does: `%`, `\r` and `\n` in the
//! message; those and `:` and `,` in properties.

use super::{Lints, relative};
use crate::cli::output::Render;
use crate::lint::{Diagnostic, Severity, rule};
use crate::model::Source;
use anyhow::Result;
use std::fmt::Write as _;

pub struct Github;

impl Render<Lints> for Github {
    fn render(&self, lints: &Lints) -> Result<String> {
        let mut out = String::new();
        for run in &lints.paths {
            for d in &run.findings {
                out.push_str(&annotation(&run.sources, d));
                out.push('\n');
            }
            if !run.loaded {
                let _ = writeln!(
                    out,
                    "::error title=andon::{}",
                    escape_data(&format!(
                        "`{}` could not be loaded; it was not linted",
                        run.path.display()
                    ))
                );
            }
        }
        out.push_str(&lints.summary.line());
        out.push('\n');
        Ok(out)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn annotation(sources: &[Source], d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(span) = d.span
        && let Some(source) = sources.get(span.file.0 as usize)
    {
        properties.push(("file", path(source)));
        properties.push(("line", span.line.to_string()));
        if span.col >= 1 {
            properties.push(("col", span.col.to_string()));
        }
    }
    let title = match rule(d.code) {
        Some(r) => format!("{} {}", d.code, r.info().name),
        None => d.code.to_owned(),
    };
    properties.push(("title", title));
    let mut message = d.message.clone();
    if let Some(witness) = &d.witness {
        message.push_str("\nwitness: ");
        message.push_str(witness);
    }
    for related in &d.related {
        let file = sources
            .get(related.span.file.0 as usize)
            .map_or_else(|| "<unknown>".to_owned(), path);
        let span = related.span;
        let _ = write!(
            message,
            "\n{file}:{}:{}: {}",
            span.line, span.col, related.message
        );
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let properties: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// The file as the workflow's checkout names it.
fn path(source: &Source) -> String {
    relative(&source.path).unwrap_or_else(|| source.path.display().to_string())
}

/// A message: `%`, `\r`, `\n` (GitHub's `escapeData`); other control
/// characters (ESC, BEL: the log viewer would interpret them) and bidi
/// overrides shown escaped, never emitted.
fn escape_data(text: &str) -> String {
    let data = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::model::visible(&data).into_owned()
}

/// A property value: also `:` and `,` (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn escaping_follows_githubs_toolkit() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\nd"), "50%25 a%3Ab%2Cc%0Ad");
    }
}
