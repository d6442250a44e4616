//! What the JSON sources share: documents saved one after another in one
//! file (as `curl ... >> export.json` or `gh api --paginate` write them),
//! each read with serde and refused with its line and column; and the
//! readings of vendors' dates into the runbook's forms.

use serde::de::DeserializeOwned;

/// Every JSON document in `bytes`, in order, as `T`; `what` names the
/// expected shape in the error ("line L, column C: not WHAT: ...").
pub fn documents<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<T>() {
        out.push(doc.map_err(|e| {
            // serde_json ends its message with the place, given here first.
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |i| &message[..i]);
            format!(
                "line {}, column {}: not {what}: {message}",
                e.line(),
                e.column().max(1)
            )
        })?);
    }
    if out.is_empty() {
        return Err(format!(
            "line 1, column 1: no JSON document: expected {what}"
        ));
    }
    Ok(out)
}

/// The first byte that is not white space: `[` for a list, `{` for an object.
pub fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// An ISO 8601 date-time with an offset (or `Z`), or a bare date: the
/// instant, in UTC. `None` when it is neither.
fn instant(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// The UTC date (`YYYY-MM-DD`) of an ISO 8601 date-time or date.
pub fn date(text: &str) -> Option<String> {
    instant(text).map(|t| t.format("%Y-%m-%d").to_string())
}

/// An ISO 8601 date-time or date as the runbook writes a moment: UTC,
/// `YYYY-MM-DDTHH:MM:SS+00:00`.
pub fn moment(text: &str) -> Option<String> {
    instant(text).map(|t| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
}

/// The UTC date of epoch seconds.
pub fn epoch_date(seconds: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.format("%Y-%m-%d").to_string())
}

/// A date field that must read, or an error naming the field and value.
pub fn required_date(field: &str, text: &str, at: &str) -> Result<String, String> {
    date(text)
        .ok_or_else(|| format!("{at}: `{field}` is `{text}`, not an ISO 8601 date or date-time"))
}

/// A moment field that must read, or an error naming the field and value.
pub fn required_moment(field: &str, text: &str, at: &str) -> Result<String, String> {
    moment(text)
        .ok_or_else(|| format!("{at}: `{field}` is `{text}`, not an ISO 8601 date or date-time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_utc_and_moments_written_with_their_offset() {
        assert_eq!(
            date("2026-03-06T23:30:00-02:00").as_deref(),
            Some("2026-03-07")
        );
        assert_eq!(date("2026-03-06").as_deref(), Some("2026-03-06"));
        assert_eq!(
            moment("2026-03-06T23:30:00.1234567Z").as_deref(),
            Some("2026-03-06T23:30:00+00:00")
        );
        assert_eq!(date("06/03/2026"), None);
        assert_eq!(epoch_date(1_763_251_200).as_deref(), Some("2025-11-16"));
    }

    #[test]
    fn documents_one_after_another_are_read_and_a_bad_one_is_located() {
        let docs: Vec<Vec<u8>> = documents(b"[1]\n[2, 3]", "a list").unwrap();
        assert_eq!(docs, [vec![1], vec![2, 3]]);
        let e = documents::<Vec<u8>>(b"[1]\n{\"a\": 1}", "a list").unwrap_err();
        assert_eq!(
            e,
            "line 2, column 1: not a list: invalid type: map, expected a sequence"
        );
        assert!(documents::<Vec<u8>>(b"  ", "a list").is_err());
    }
}
