//! Diagnostics: one finding with its location, rendered like a compiler
//! message, the table of codes, and the "did you mean" hint.
//!
//! Below both `load` (which reports load-stage codes) and `lint` (which adds
//! the rules): neither imports the other for these.

pub mod codes;
mod hint;

pub use hint::nearest;

use crate::model::{Source, Span};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A second place a finding is about ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A finding: a load error or a lint result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule or error code, such as `REF001`.
    pub code: &'static str,
    pub severity: Severity,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where it is; `None` only when the finding is about no file at all.
    pub span: Option<Span>,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// For graph rules: what proves the finding (the cycle path, the
    /// uncovered state and action, the on-call gap's window, the lone decider).
    pub witness: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, span, message)
    }

    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            help: None,
            related: Vec::new(),
            witness: None,
        }
    }

    pub fn with_witness(mut self, witness: impl Into<String>) -> Self {
        self.witness = Some(witness.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// `file:line:column` of the finding, or `-` without a span.
    pub fn location(&self, sources: &[Source]) -> String {
        self.span
            .map_or_else(|| "-".to_owned(), |s| location(sources, s))
    }

    /// Renders like rustc: header, `--> file:line:col`, the source line with a
    /// caret, related places and the help line.
    pub fn render_human(&self, sources: &[Source]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        );
        if let Some(span) = self.span {
            snippet(&mut out, sources, span, None);
        }
        for related in &self.related {
            snippet(&mut out, sources, related.span, Some(&related.message));
        }
        let gutter = gutter(sources, self.span);
        if let Some(witness) = &self.witness {
            let _ = writeln!(out, "{gutter} = witness: {witness}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{gutter} = help: {help}");
        }
        out
    }
}

/// `file:line:column` of a span.
pub fn location(sources: &[Source], span: Span) -> String {
    let path = sources
        .get(span.file.0 as usize)
        .map_or_else(|| "<unknown>".to_owned(), |s| s.path.display().to_string());
    format!("{path}:{}:{}", span.line, span.col)
}

/// Blank space as wide as the line-number gutter of `span`'s snippet.
fn gutter(sources: &[Source], span: Option<Span>) -> String {
    let shown = span.filter(|s| {
        sources
            .get(s.file.0 as usize)
            .and_then(|src| src.line(s.line))
            .is_some()
    });
    " ".repeat(shown.map_or(1, |s| s.line.to_string().len()))
}

/// The most characters of a source line a finding quotes.
const QUOTED: usize = 160;

fn snippet(out: &mut String, sources: &[Source], span: Span, label: Option<&str>) {
    let _ = writeln!(out, "  --> {}", location(sources, span));
    let Some(line) = sources
        .get(span.file.0 as usize)
        .and_then(|s| s.line(span.line))
    else {
        if let Some(label) = label {
            let _ = writeln!(out, "  = note: {label}");
        }
        return;
    };
    let number = span.line.to_string();
    let pad = " ".repeat(number.len());
    // Tabs would shift the caret; show them as one space each. At most
    // `QUOTED` characters of the line: a list repeated 100,000 times on one
    // line (1.3 MB) once made each of its 100,000 findings quote all of it,
    // and lint grow to gigabytes for a minute.
    let mut shown: String = line
        .chars()
        .take(QUOTED)
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if shown.len() < line.len() {
        shown.push_str(" ...");
    }
    let column = span.col.saturating_sub(1) as usize;
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{number} | {shown}");
    if column <= QUOTED {
        let caret_at = " ".repeat(column);
        let _ = writeln!(out, "{pad} | {caret_at}^ {}", label.unwrap_or(""));
    } else {
        let _ = writeln!(
            out,
            "{pad} | ^ at column {}, past what is shown {}",
            span.col,
            label.unwrap_or("")
        );
    }
    if out.ends_with(" \n") {
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileId;

    /// A line of a megabyte once was quoted whole by each finding on it.
    #[test]
    fn a_long_source_line_is_quoted_in_part() {
        let long = format!("members: [{}]", vec!["pierre"; 100_000].join(", "));
        let sources = vec![Source::new("rb/roles.yaml".into(), format!("{long}\n"))];
        let near = Diagnostic::error("REF001", Some(Span::new(FileId(0), 1, 12)), "unknown");
        let text = near.render_human(&sources);
        assert!(text.len() < 600, "{text}");
        assert!(text.contains("1 | members: [pierre, pierre"), "{text}");
        assert!(text.contains(" ...\n"), "{text}");
        assert!(text.contains(&format!("  | {}^", " ".repeat(11))), "{text}");
        let far = Diagnostic::error("REF001", Some(Span::new(FileId(0), 1, 60_000)), "unknown");
        let text = far.render_human(&sources);
        assert!(text.len() < 600, "{text}");
        assert!(
            text.contains("^ at column 60000, past what is shown"),
            "{text}"
        );
    }

    #[test]
    fn human_rendering_points_a_caret_at_the_column() {
        let sources = vec![Source::new(
            "rb/roles.yaml".into(),
            "roles:\n  - id: x\n    escalates_to: shift-leed\n".into(),
        )];
        let d = Diagnostic::error(
            "REF001",
            Some(Span::new(FileId(0), 3, 19)),
            "unknown role `shift-leed`",
        )
        .with_help("did you mean `shift-lead`?");
        let text = d.render_human(&sources);
        assert_eq!(
            text,
            "error[REF001]: unknown role `shift-leed`\n  --> rb/roles.yaml:3:19\n  |\n3 |     escalates_to: shift-leed\n  |                   ^\n  = help: did you mean `shift-lead`?\n"
        );
    }
}
