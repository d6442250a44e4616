//! Values of a logged event in Markdown: escaped, and `?` or `not recorded` for what the log does not hold.

use std::fmt::Write as _;

/// A text from the log, escaped; `?` when the log does not hold it.
pub(super) fn field(x: &str) -> String {
    if x.is_empty() { "?".into() } else { md(x) }
}

/// A list from the log, escaped and joined.
pub(super) fn list(items: &[String], sep: &str) -> String {
    items.iter().map(|i| md(i)).collect::<Vec<_>>().join(sep)
}

pub(super) fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
    .to_owned()
}

/// `disconnect vendor-acme-remote in normal`, or `declare emergency`.
pub(super) fn target(action: &str, identity: Option<&str>, state: &str) -> String {
    match identity {
        Some(identity) => format!("{} {} in {}", field(action), md(identity), field(state)),
        None => format!("{} {}", field(action), field(state)),
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
