//! The import report for a pull request, in Markdown.

use super::report::{Report, outcome};
use crate::cli::output::Render;
use crate::import::generate::MISSING_LABEL;
use anyhow::Result;
use std::fmt::Write as _;

/// `text` as Markdown inline code when it can be, else escaped text.
fn code(text: &str) -> String {
    if text.contains('`') || text.contains('|') || text.chars().any(char::is_control) {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '\\' | '|' | '`' | '*' | '_' | '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out
    } else {
        format!("`{text}`")
    }
}

/// The report for a pull request.
pub struct Markdown;

/// Every value is escaped for Markdown where it is written ([`code`]).
impl Render<Report> for Markdown {
    fn render(&self, report: &Report) -> Result<String> {
        Ok(comment(report))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn comment(r: &Report) -> String {
    let mut out = String::new();
    let m = &r.merge;
    let _ = writeln!(
        out,
        "### andon import `{}`: {} new, {} changed, {} disappeared\n",
        r.source,
        m.new.len(),
        m.changed.len(),
        m.disappeared.len()
    );
    let _ = writeln!(out, "{}: {}.", code(&r.file), outcome(r));
    let bullets = |out: &mut String, title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n**{title}** ({})\n", items.len());
        for item in items {
            let _ = writeln!(out, "- {item}");
        }
    };
    bullets(&mut out, "New", m.new.iter().map(|i| code(i)).collect());
    if !m.changed.is_empty() {
        let _ = writeln!(out, "\n**Changed** ({})\n", m.changed.len());
        let _ = writeln!(out, "| identity | field | before | after |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &m.changed {
            for f in &c.changes {
                let v = |x: &Option<String>| x.as_deref().map_or("(none)".to_owned(), code);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(&c.id),
                    f.field,
                    v(&f.before),
                    v(&f.after)
                );
            }
        }
    }
    bullets(
        &mut out,
        &format!(
            "Disappeared from the source: kept, marked `{MISSING_LABEL}`, until a person removes them"
        ),
        m.disappeared.iter().map(|x| code(&x.id)).collect(),
    );
    bullets(
        &mut out,
        "Still missing from the source",
        m.still_missing
            .iter()
            .map(|x| format!("{} since {}", code(&x.id), code(&x.since)))
            .collect(),
    );
    bullets(
        &mut out,
        "Back in the source",
        m.back.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Unclassified (no mapping rule matched)",
        r.unclassified.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Left out, a hand-written identity has the id",
        r.hand_written_wins.iter().map(|i| code(i)).collect(),
    );
    bullets(
        &mut out,
        "Records left out",
        r.left_out.iter().map(|i| code(i)).collect(),
    );
    out
}
