//! Fields of a logged event, read leniently, and Markdown escaping: a missing or odd field shows as such, never panics.

use super::Fields;
use serde_json::Value;
use std::fmt::Write as _;

// Fields, read leniently: a missing or odd field shows as such, never panics.

pub(super) fn text<'a>(x: &'a Fields, key: &str) -> Option<&'a str> {
    x.get(key).and_then(Value::as_str)
}

pub(super) fn texts<'a>(x: &'a Fields, key: &str) -> Vec<&'a str> {
    x.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub(super) fn flag(x: &Fields, key: &str) -> Option<bool> {
    x.get(key).and_then(Value::as_bool)
}

/// A text field, escaped; `?` when missing.
pub(super) fn field(x: &Fields, key: &str) -> String {
    text(x, key).map_or_else(|| "?".into(), md)
}

pub(super) fn number(x: &Fields, key: &str) -> String {
    x.get(key)
        .and_then(Value::as_u64)
        .map_or_else(|| "?".into(), |n| n.to_string())
}

/// A list field, escaped and joined.
pub(super) fn list(x: &Fields, key: &str, sep: &str) -> String {
    texts(x, key)
        .into_iter()
        .map(md)
        .collect::<Vec<_>>()
        .join(sep)
}

/// People, joined with `, `; `nobody` when none.
pub(super) fn people(x: &Fields, key: &str) -> String {
    let names = list(x, key, ", ");
    if names.is_empty() {
        "nobody".into()
    } else {
        names
    }
}

pub(super) fn id(x: &Fields) -> String {
    field(x, "decision")
}

pub(super) fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
    .to_owned()
}

pub(super) fn authorized(x: &Fields) -> &'static str {
    match flag(x, "authorized") {
        Some(true) => " (authorized)",
        Some(false) => " (NOT AUTHORIZED)",
        None => "",
    }
}

/// `disconnect vendor-acme-remote in normal`, or `declare emergency`.
pub(super) fn target(x: &Fields) -> String {
    match text(x, "identity") {
        Some(identity) => format!(
            "{} {} in {}",
            field(x, "action"),
            md(identity),
            field(x, "state")
        ),
        None => format!("{} {}", field(x, "action"), field(x, "state")),
    }
}

/// Who a `decision-opened` calls first, or why nobody may act.
pub(super) fn verdict(x: &Fields) -> String {
    match text(x, "verdict") {
        Some("chain") => {
            let levels = x.get("chain").and_then(Value::as_array);
            let first = levels.and_then(|levels| {
                levels.iter().enumerate().find_map(|(i, level)| {
                    let skipped = level.get("skipped").and_then(Value::as_bool);
                    (skipped != Some(true)).then(|| {
                        let n = level.get("level").and_then(Value::as_u64);
                        (n.unwrap_or(i as u64 + 1), level)
                    })
                })
            });
            let mut s = match first {
                Some((n, level)) => {
                    let names: Vec<String> = (level.get("people").and_then(Value::as_array))
                        .map(|p| p.iter().filter_map(Value::as_str).map(md).collect())
                        .unwrap_or_default();
                    format!("level {n} {}", names.join(", "))
                }
                None => "no level engages anyone".into(),
            };
            if flag(x, "two_person") == Some(true) {
                s.push_str(", two people must decide");
            }
            s
        }
        Some("forbidden") => {
            let rules = texts(x, "rules");
            let reasons = texts(x, "reasons");
            let why: Vec<String> = rules
                .iter()
                .enumerate()
                .map(|(i, r)| match reasons.get(i) {
                    Some(why) => format!("rule {}: {}", md(r), md(why)),
                    None => format!("rule {}", md(r)),
                })
                .collect();
            format!("forbidden ({})", why.join("; "))
        }
        Some("ambiguous") => format!("ambiguous: rules {} tie", list(x, "rules", ", ")),
        Some("uncovered") => "uncovered: no rule names anyone".into(),
        Some(other) => md(other),
        None => "?".into(),
    }
}

/// Why a decision moved on, in words.
pub(super) fn reason(x: &Fields) -> String {
    match text(x, "reason") {
        Some("timeout") => "level time ran out".into(),
        Some("manual") => "escalated by hand".into(),
        Some("unavailable") => "everyone at the level unavailable".into(),
        Some(other) => md(other),
        None => "?".into(),
    }
}

// Markdown.

pub(super) fn table(out: &mut String, headers: &[&str]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
}

/// One table row of escaped cells.
pub(super) fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// Text from the log, safe in a table cell or a list item: `\`, `|`, `` ` ``,
/// `[` and `]` escaped, HTML as entities, line breaks as `<br>`, other
/// control characters as spaces.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A path or hash as code when it can be one, else escaped text.
pub(super) fn code(s: &str) -> String {
    if s.chars().any(|c| c == '`' || c == '|' || c.is_control()) {
        md(s)
    } else {
        format!("`{s}`")
    }
}
