//! The canonical form of a line (see the module above), its hash, and
//! parsing a line back with the demand that it be exactly canonical.

use super::{Body, Event, Kind};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A line as it was read back.
pub(super) struct Parsed {
    pub seq: u64,
    pub event: Event,
    pub prev: String,
    pub hash: String,
}

/// What is wrong with one line on its own.
pub(super) enum LineFault {
    Malformed(String),
    HashMismatch,
    NotCanonical,
}

/// The canonical form of event `seq` after the line hashed `prev`.
pub(super) fn canonical(seq: u64, event: &Event, prev: &str) -> String {
    render(seq, &event.at, event.kind(), &event.body.to_fields(), prev)
}

/// The canonical form of a line from its parts.
fn render(
    seq: u64,
    at: &DateTime<FixedOffset>,
    kind: Kind,
    fields: &Map<String, Value>,
    prev: &str,
) -> String {
    let mut out = String::with_capacity(256);
    let _ = write!(out, "{{\"seq\":{seq},\"at\":");
    string(&at.to_rfc3339_opts(SecondsFormat::AutoSi, false), &mut out);
    out.push_str(",\"kind\":");
    string(kind.as_str(), &mut out);
    for (key, value) in sorted(fields) {
        out.push(',');
        string(key, &mut out);
        out.push(':');
        self::value(value, &mut out);
    }
    out.push_str(",\"prev\":");
    string(prev, &mut out);
    out.push('}');
    out
}

/// The line on disk (without its newline) and its hash, from the canonical form.
pub(super) fn seal(canonical: &str) -> (String, String) {
    let hash = sha256_hex(canonical.as_bytes());
    let open = canonical.strip_suffix('}').unwrap_or(canonical);
    let line = format!("{open},\"hash\":\"{hash}\"}}");
    (line, hash)
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Parses one line (without its newline) and checks it is canonical and
/// that its hash is right.
pub(super) fn parse(line: &[u8]) -> Result<Parsed, LineFault> {
    let malformed = |why: &str| LineFault::Malformed(why.to_owned());
    let text = std::str::from_utf8(line).map_err(|_| malformed("not UTF-8"))?;
    if text.is_empty() {
        return Err(malformed("empty line"));
    }
    let mut fields: Map<String, Value> =
        serde_json::from_str(text).map_err(|e| LineFault::Malformed(format!("not JSON: {e}")))?;
    let seq = fields
        .remove("seq")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| malformed("no whole-number `seq`"))?;
    let at = match fields.remove("at") {
        Some(Value::String(s)) => {
            DateTime::parse_from_rfc3339(&s).map_err(|_| malformed("`at` is not RFC 3339"))?
        }
        _ => return Err(malformed("no `at`")),
    };
    let kind = match fields.remove("kind") {
        Some(Value::String(s)) => {
            Kind::parse(&s).ok_or_else(|| LineFault::Malformed(format!("unknown kind `{s}`")))?
        }
        _ => return Err(malformed("no `kind`")),
    };
    let mut hex_field = |name: &str| match fields.remove(name) {
        Some(Value::String(s)) if is_hex64(&s) => Ok(s),
        _ => Err(LineFault::Malformed(format!(
            "no `{name}` of 64 hex digits"
        ))),
    };
    let prev = hex_field("prev")?;
    let hash = hex_field("hash")?;
    let (expected, expected_hash) = seal(&render(seq, &at, kind, &fields, &prev));
    if expected.as_bytes() != line {
        return Err(if expected_hash != hash {
            LineFault::HashMismatch
        } else {
            LineFault::NotCanonical
        });
    }
    Ok(Parsed {
        seq,
        event: Event {
            at,
            body: Body::from_fields(kind, fields),
        },
        prev,
        hash,
    })
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries
}

fn value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in sorted(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(key, out);
                out.push(':');
                value(item, out);
            }
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").unwrap()
    }

    /// Fields of any shape, as a hand-edited line can hold.
    fn fields() -> Map<String, Value> {
        let value = serde_json::json!({
            "who": "dana",
            "authorized": true,
            "chain": {"z": [1, 2.5, null], "a": "tab\there \"q\" é\u{1}"},
        });
        value.as_object().unwrap().clone()
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        let text = render(1, &at(), Kind::Decided, &fields(), GENESIS);
        assert_eq!(
            text,
            format!(
                r#"{{"seq":1,"at":"2026-03-06T02:10:00+01:00","kind":"decided","authorized":true,"chain":{{"a":"tab\there \"q\" é\u0001","z":[1,2.5,null]}},"who":"dana","prev":"{GENESIS}"}}"#
            )
        );
        let (line, hash) = seal(&text);
        assert_eq!(hash, sha256_hex(text.as_bytes()));
        assert!(line.ends_with(&format!(r#""prev":"{GENESIS}","hash":"{hash}"}}"#)));
    }

    #[test]
    fn a_sealed_line_parses_back_to_the_same_event() {
        let (line, hash) = seal(&render(7, &at(), Kind::Decided, &fields(), GENESIS));
        let parsed = parse(line.as_bytes()).ok().expect("parses");
        assert_eq!(parsed.seq, 7);
        assert_eq!(parsed.hash, hash);
        let Body::Decided(d) = &parsed.event.body else {
            panic!("{:?}", parsed.event);
        };
        // Known fields are read, unknown ones ignored, odd ones absent.
        assert_eq!(d.authorized, Some(true));
        assert!(d.by.is_empty());
    }

    #[test]
    fn a_reformatted_line_with_the_right_hash_is_not_canonical() {
        let (line, _) = seal(&render(1, &at(), Kind::Decided, &fields(), GENESIS));
        let spaced = line.replacen(",", ", ", 1);
        assert!(matches!(
            parse(spaced.as_bytes()),
            Err(LineFault::NotCanonical)
        ));
    }
}
