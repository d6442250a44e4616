//! Typed reading of a spanned YAML tree, collecting every error instead of
//! stopping at the first.
//!
//! Written by hand rather than with serde derive: derive stops at the first
//! error of a file, and the format asks for all errors of a load, each with
//! its location and a "did you mean" hint.

use super::tree::{Node, Value};
use crate::diagnostics::Diagnostic;
use crate::model::{Duration, FileId, Span, Spanned, Text, WrittenTime};
use chrono::{NaiveDate, NaiveTime};
use std::borrow::Cow;
use std::collections::HashSet;

pub use crate::diagnostics::codes::{
    BAD_VALUE, DUPLICATE_ID, UNKNOWN_KEY, UNKNOWN_REFERENCE, YAML_SYNTAX,
};
pub use crate::diagnostics::nearest;

/// The longest duration a chain, a shift or a drill may write, in days.
pub const MAX_DURATION_DAYS: u64 = 366;
/// The longest credential rotation period, in days (certificates may rotate
/// every few years).
pub const MAX_ROTATION_DAYS: u64 = 3660;

/// The reading context of one file: where errors go, and the texts read so
/// far in this load (to share equal strings).
pub struct Reader<'d> {
    pub file: FileId,
    pub diagnostics: &'d mut Vec<Diagnostic>,
    pub texts: &'d mut HashSet<Text>,
}

/// The entries of a mapping whose keys were checked against a known list.
pub struct CheckedMapping<'n> {
    pub node: &'n Node,
    entries: &'n [(Node, Node)],
}

impl<'n> CheckedMapping<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(_, v)| v)
    }

    /// Like [`CheckedMapping::get`], treating an explicit null as absent.
    pub fn value(&self, key: &str) -> Option<&'n Node> {
        self.get(key).filter(|n| n.value != Value::Null)
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "a number",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

impl Reader<'_> {
    pub fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.line, node.col)
    }

    pub fn error(&mut self, code: &'static str, node: &Node, message: impl Into<String>) {
        let span = self.span(node);
        self.diagnostics
            .push(Diagnostic::error(code, Some(span), message));
    }

    pub fn error_help(
        &mut self,
        code: &'static str,
        node: &Node,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let span = self.span(node);
        self.diagnostics
            .push(Diagnostic::error(code, Some(span), message).with_help(help));
    }

    fn wrong_type(&mut self, node: &Node, expected: &str, what: &str) {
        let found = describe(&node.value);
        self.error(
            BAD_VALUE,
            node,
            format!("expected {expected} for {what}, found {found}"),
        );
    }

    /// Reads a mapping, reporting every key not in `known` (with a hint).
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> Option<CheckedMapping<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "a mapping", what);
            return None;
        };
        for (key, _) in entries {
            match key.scalar_text() {
                Some(text) if known.contains(&text.as_ref()) => {}
                Some(text) => {
                    let message = format!("unknown key `{text}` in {what}");
                    match nearest(&text, known.iter().copied()) {
                        Some(hint) => self.error_help(
                            UNKNOWN_KEY,
                            key,
                            message,
                            format!("did you mean `{hint}`?"),
                        ),
                        None => self.error_help(
                            UNKNOWN_KEY,
                            key,
                            message,
                            format!("known keys: {}", known.join(", ")),
                        ),
                    }
                }
                None => self.error(
                    BAD_VALUE,
                    key,
                    format!(
                        "a key in {what} must be a plain word, found {}",
                        describe(&key.value)
                    ),
                ),
            }
        }
        Some(CheckedMapping { node, entries })
    }

    /// A required key: reports it missing at the mapping.
    pub fn required<'n>(
        &mut self,
        fields: &CheckedMapping<'n>,
        key: &str,
        what: &str,
    ) -> Option<&'n Node> {
        let found = fields.value(key);
        if found.is_none() {
            self.error(BAD_VALUE, fields.node, format!("missing `{key}` in {what}"));
        }
        found
    }

    /// A scalar as text (numbers and booleans as written by YAML's core
    /// schema), for parsing it further.
    pub fn raw<'n>(&mut self, node: &'n Node, what: &str) -> Option<Cow<'n, str>> {
        let text = node.scalar_text();
        if text.is_none() {
            self.wrong_type(node, "a string", what);
        }
        text
    }

    /// A scalar as shared text: equal strings of a load share one allocation.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Text> {
        let raw = self.raw(node, what)?;
        if let Some(shared) = self.texts.get(raw.as_ref()) {
            return Some(shared.clone());
        }
        let shared = Text::from(raw.as_ref());
        self.texts.insert(shared.clone());
        Some(shared)
    }

    pub fn spanned_text(&mut self, node: &Node, what: &str) -> Option<Spanned<Text>> {
        let span = self.span(node);
        self.text(node, what).map(|t| Spanned::new(t, span))
    }

    /// An id: non-empty text without spaces.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<Spanned<Text>> {
        let id = self.spanned_text(node, what)?;
        if id.value.is_empty() || id.value.chars().any(char::is_whitespace) {
            self.error(
                BAD_VALUE,
                node,
                format!("{what} `{}` must be one word, without spaces", id.value),
            );
            return None;
        }
        Some(id)
    }

    pub fn opt_text(&mut self, fields: &CheckedMapping, key: &str, what: &str) -> Option<Text> {
        fields.value(key).and_then(|n| self.text(n, what))
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, "`true` or `false`", what);
                None
            }
        }
    }

    pub fn opt_bool(&mut self, fields: &CheckedMapping, key: &str, what: &str) -> Option<bool> {
        fields.value(key).and_then(|n| self.bool(n, what))
    }

    /// Every item of an optional list that reads, skipping (and having
    /// reported) the ones that do not.
    pub fn items<T>(
        &mut self,
        node: Option<&Node>,
        what: &str,
        read: fn(&mut Reader, &Node) -> Option<T>,
    ) -> Vec<T> {
        let Some(node) = node else { return Vec::new() };
        let items = self.list(node, what);
        items.iter().filter_map(|n| read(self, n)).collect()
    }

    /// The format version `key: 1` a scenario or responses file opens
    /// with (`file` names the file in messages, such as "the scenario").
    pub fn version(&mut self, f: &CheckedMapping, root: &Node, key: &str, file: &str) {
        match f.value(key) {
            Some(n) => {
                self.int(n, &format!("the format version `{key}`"), 1, 1);
            }
            None => self.error_help(
                BAD_VALUE,
                root,
                format!("missing `{key}` in {file}"),
                format!("add `{key}: 1` at the top of the file"),
            ),
        }
    }

    pub fn int(&mut self, node: &Node, what: &str, min: i64, max: i64) -> Option<i64> {
        match node.value {
            Value::Int(i) if (min..=max).contains(&i) => Some(i),
            Value::Int(i) => {
                self.error(
                    BAD_VALUE,
                    node,
                    format!("{what} must be between {min} and {max}, found {i}"),
                );
                None
            }
            _ => {
                self.wrong_type(node, "a whole number", what);
                None
            }
        }
    }

    /// One of a fixed vocabulary.
    pub fn word<T>(
        &mut self,
        node: &Node,
        what: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.raw(node, what)?;
        if let Some(value) = parse(&text) {
            return Some(value);
        }
        let message = format!("unknown {what} `{text}`");
        let help = match nearest(&text, names.iter().copied()) {
            Some(hint) => format!("did you mean `{hint}`?"),
            None => format!("expected one of: {}", names.join(", ")),
        };
        self.error_help(BAD_VALUE, node, message, help);
        None
    }

    pub fn spanned_word<T>(
        &mut self,
        node: &Node,
        what: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let span = self.span(node);
        self.word(node, what, names, parse)
            .map(|v| Spanned::new(v, span))
    }

    /// A list; a single scalar counts as a list of one; null is empty.
    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            Value::Map(_) => {
                self.wrong_type(node, "a list", what);
                &[]
            }
            _ => std::slice::from_ref(node),
        }
    }

    pub fn id_list(&mut self, node: &Node, what: &str) -> Vec<Spanned<Text>> {
        let items = self.list(node, what);
        items.iter().filter_map(|n| self.id(n, what)).collect()
    }

    pub fn word_list<T>(
        &mut self,
        node: &Node,
        what: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Vec<T> {
        let items = self.list(node, what);
        items
            .iter()
            .filter_map(|n| self.word(n, what, names, parse))
            .collect()
    }

    /// A duration of at most [`MAX_DURATION_DAYS`]: longer is a mistake or an
    /// attack, and time sums in the engine must not overflow.
    pub fn duration(&mut self, node: &Node, what: &str) -> Option<Spanned<Duration>> {
        self.duration_within(node, what, Duration::ZERO, MAX_DURATION_DAYS)
    }

    /// A duration between `min` and `max_days` days, else a located `TYP001`.
    pub fn duration_within(
        &mut self,
        node: &Node,
        what: &str,
        min: Duration,
        max_days: u64,
    ) -> Option<Spanned<Duration>> {
        let text = self.raw(node, what)?;
        match Duration::parse(&text) {
            Some(d) if d.secs() > max_days * 86_400 => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("duration `{text}` for {what} is over the limit of {max_days} days"),
                    format!("write at most `{max_days}d`"),
                );
                None
            }
            Some(d) if d < min => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("duration `{text}` for {what} is under the minimum of {min}"),
                    format!("write at least `{min}`"),
                );
                None
            }
            Some(d) => Some(Spanned::new(d, self.span(node))),
            None => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("bad duration `{text}` for {what}"),
                    "write a number and a unit: `30s`, `5m`, `2h`, `1d`, `90d`, or a sum like `1h30m`",
                );
                None
            }
        }
    }

    pub fn date(&mut self, node: &Node, what: &str) -> Option<Spanned<NaiveDate>> {
        let text = self.raw(node, what)?;
        match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(d) if !crate::model::in_calendar(d) => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("date `{text}` for {what} is outside the years 1 to 9999"),
                    "write an ISO 8601 date such as `2026-12-31`",
                );
                None
            }
            Ok(d) => Some(Spanned::new(d, self.span(node))),
            Err(_) => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("bad date `{text}` for {what}"),
                    "write an ISO 8601 date such as `2026-12-31`",
                );
                None
            }
        }
    }

    pub fn moment(&mut self, node: &Node, what: &str) -> Option<Spanned<WrittenTime>> {
        let text = self.raw(node, what)?;
        match WrittenTime::parse(&text) {
            Some(m) => Some(Spanned::new(m, self.span(node))),
            None if WrittenTime::parse_any_year(&text).is_some() => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("date-time `{text}` for {what} is outside the years 1 to 9999"),
                    "write ISO 8601 such as `2026-01-05T06:00`",
                );
                None
            }
            None => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("bad date-time `{text}` for {what}"),
                    "write ISO 8601 such as `2026-01-05T06:00` (plant-local) or `2026-01-05T06:00+01:00`",
                );
                None
            }
        }
    }

    pub fn time_of_day(&mut self, node: &Node, what: &str) -> Option<NaiveTime> {
        // `06:00` unquoted is a string in YAML 1.2; a bare number of minutes
        // (from YAML 1.1 sexagesimal readers) is not accepted.
        let text = self.raw(node, what)?;
        let parsed = NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"));
        match parsed {
            Ok(t) => Some(t),
            Err(_) if text.trim() == "24:00" => NaiveTime::from_hms_opt(0, 0, 0),
            Err(_) => {
                self.error_help(
                    BAD_VALUE,
                    node,
                    format!("bad time of day `{text}` for {what}"),
                    "write `HH:MM` in quotes, such as \"06:00\"",
                );
                None
            }
        }
    }
}
