//! Source `csv`: any CSV file with a header row (an OT asset tool's account
//! list, a spreadsheet), one record per row.
//!
//! Every column is a field by its header (trimmed), so a mapping can match
//! on `{ field: "Account type", equals: service }` and build ids from
//! `{Account}`. The mapping's `columns` names which column holds which
//! runbook field: `id`, `kind`, `last_used`, `last_rotated`, `expires`, or
//! any other field name. `last_used` and `last_rotated` are read as dates,
//! `expires` as a moment: ISO 8601 dates, date-times with an offset, or
//! `YYYY-MM-DD HH:MM[:SS]` (plant-local). Empty cells are no value. Each
//! record has `row`, the CSV line of its row.

use super::json::{date, moment};
use crate::import::matching::Record;
use crate::model::{Spanned, Text};

/// The runbook fields read as dates, and as a moment.
const DATES: &[&str] = &["last_used", "last_rotated"];
const MOMENT: &str = "expires";

fn naive(text: &str) -> Option<chrono::NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

/// Reads a CSV export; `columns` (field, column) from the mapping.
pub fn read_table(bytes: &[u8], columns: &[(Text, Spanned<Text>)]) -> Result<Vec<Record>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    for (field, column) in columns {
        if !headers.iter().any(|h| h == column.value.as_str()) {
            return Err(format!(
                "line 1: no column `{}` (the mapping's `columns` reads `{field}` from it)",
                column.value
            ));
        }
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| format!("line {}: {e}", e.position().map_or(0, |p| p.line())))?;
        let line = row.position().map_or(0, |p| p.line());
        let mut r = Record::default().with("row", &line.to_string());
        for (header, value) in headers.iter().zip(row.iter()) {
            let value = value.trim();
            if !value.is_empty() && !header.is_empty() {
                r = r.with(header, value);
            }
        }
        for (field, column) in columns {
            let Some(value) = r.get(&column.value).map(str::to_owned) else {
                continue;
            };
            let read = if DATES.contains(&field.as_str()) {
                date(&value)
                    .or_else(|| naive(&value).map(|t| t.date().format("%Y-%m-%d").to_string()))
            } else if field.as_str() == MOMENT {
                moment(&value)
                    .or_else(|| naive(&value).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()))
            } else {
                Some(value.clone())
            };
            let Some(read) = read else {
                return Err(format!(
                    "line {line}: column `{}` is `{value}`, not an ISO 8601 date or date-time for `{field}`",
                    column.value
                ));
            };
            r = r.with(field, &read);
        }
        records.push(r);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/ot-accounts.csv");

    fn columns(pairs: &[(&str, &str)]) -> Vec<(Text, Spanned<Text>)> {
        pairs
            .iter()
            .map(|(f, c)| {
                (
                    Text::from(*f),
                    Spanned::new(Text::from(*c), Span::default()),
                )
            })
            .collect()
    }

    #[test]
    fn every_column_is_a_field_and_mapped_columns_are_read_as_dates() {
        let cols = columns(&[
            ("id", "Account"),
            ("last_used", "Last logon"),
            ("last_rotated", "Password set"),
            ("expires", "Expires"),
        ]);
        let records = read_table(SAMPLE.as_bytes(), &cols).unwrap();
        assert_eq!(records.len(), 4);
        let r = &records[0];
        assert_eq!(r.get("id"), Some("ews-line3-eng"));
        assert_eq!(r.get("Asset"), Some("EWS-L3-01"));
        assert_eq!(r.get("last_used"), Some("2026-11-19"));
        assert_eq!(r.get("last_rotated"), Some("2026-06-02"));
        assert_eq!(r.get("row"), Some("2"));
        assert_eq!(records[1].get("expires"), Some("2027-01-31T00:00:00+00:00"));
        assert_eq!(
            records[2].get("last_used"),
            None,
            "an empty cell is no value"
        );
        assert_eq!(
            records[3].get("Notes"),
            Some("Vendor account, \"break-glass\" only"),
            "quoted fields with commas and quotes"
        );
    }

    #[test]
    fn a_missing_column_or_a_bad_date_names_its_line() {
        let e = read_table(SAMPLE.as_bytes(), &columns(&[("id", "Login")])).unwrap_err();
        assert_eq!(
            e,
            "line 1: no column `Login` (the mapping's `columns` reads `id` from it)"
        );
        let bad = SAMPLE.replacen("2026-11-19 06:12", "19.11.2026", 1);
        let e = read_table(bad.as_bytes(), &columns(&[("last_used", "Last logon")])).unwrap_err();
        assert_eq!(
            e,
            "line 2: column `Last logon` is `19.11.2026`, not an ISO 8601 date or date-time for `last_used`"
        );
    }
}
