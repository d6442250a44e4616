//! `oncall --format csv`: one row per turn, for a spreadsheet.

use super::Oncall;
use crate::cli::output::Render;
use anyhow::Result;

/// A CSV field (RFC 4180), kept from being read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
fn field(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub struct Csv;

impl Render<Oncall<'_>> for Csv {
    fn render(&self, oncall: &Oncall) -> Result<String> {
        Ok(table(oncall))
    }
}

fn table(oncall: &Oncall) -> String {
    let mut out = String::from("role,from,to,person,name,backup_for,gap\r\n");
    for t in &oncall.turns {
        let name = t
            .person
            .as_deref()
            .map(|p| oncall.person_label(p))
            .unwrap_or_default();
        let row = [
            field(&t.role.id.value),
            t.from.to_rfc3339(),
            t.to.to_rfc3339(),
            field(t.person.as_deref().unwrap_or_default()),
            field(&name),
            field(t.backup_for.as_deref().unwrap_or_default()),
            t.person.is_none().to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
