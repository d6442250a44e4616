//! Source `aws-credential-report`: the IAM credential report (CSV), one
//! record per **active** access key or signing certificate of a user.
//!
//! Column names are AWS's (`user`, `arn`, `access_key_1_active`,
//! `access_key_1_last_rotated`, `access_key_1_last_used_date`,
//! `access_key_1_last_used_service`, the same for `_2_`, `cert_1_active`,
//! `cert_1_last_rotated`, `cert_2_...`). Date-times are ISO 8601 with an
//! offset; `N/A`, `no_information` and `not_supported` mean "no value" and
//! are dropped; booleans are `true`/`false` in any case. The root user's
//! row (`<root_account>`) is read like the others, with `root: true`.
//!
//! Each record has the fields `user`, `arn`, `path` (the IAM path of the
//! ARN, such as `/plant/line3/`), `root`, `credential` (`key1`, `key2`,
//! `cert1`, `cert2`), `kind` (`api-key` or `certificate`), `row` (the CSV
//! line), `holder` (the user: lint IMP003 finds a user's two active
//! keys), and where the report has them `last_rotated`, `last_used` (plant
//! dates, `YYYY-MM-DD`, of the UTC instant) and `last_used_service`.

use super::matching::Record;
use std::collections::HashMap;

/// The values the report writes for "no value".
pub const SENTINELS: &[&str] = &["N/A", "no_information", "not_supported"];

/// Why a report could not be read: the CSV line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ReportError {
    pub line: u64,
    pub message: String,
}

/// Reads a credential report: one record per active key or certificate.
pub fn read_report(bytes: &[u8]) -> Result<Vec<Record>, ReportError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ReportError {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    for needed in ["user", "arn"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(ReportError {
                line: 1,
                message: format!("no `{needed}` column: is this an IAM credential report?"),
            });
        }
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| ReportError {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        // The line the row starts on (a quoted field may span lines).
        let line = row.position().map_or(0, |p| p.line());
        let row: HashMap<String, String> =
            row.deserialize(Some(&headers)).map_err(|e| ReportError {
                line,
                message: e.to_string(),
            })?;
        let get = |k: &str| {
            row.get(k)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty() && !SENTINELS.contains(v))
        };
        let user = get("user").ok_or_else(|| ReportError {
            line,
            message: "empty `user`".to_owned(),
        })?;
        let arn = get("arn").unwrap_or("");
        let root = user == "<root_account>";
        let path = arn.split_once(":user").map_or("/", |(_, rest)| {
            rest.rfind('/').map_or("/", |i| &rest[..=i])
        });
        let credentials = [
            ("key1", "access_key_1", "api-key"),
            ("key2", "access_key_2", "api-key"),
            ("cert1", "cert_1", "certificate"),
            ("cert2", "cert_2", "certificate"),
        ];
        for (name, prefix, kind) in credentials {
            let active = get(&format!("{prefix}_active"));
            match active.map(str::to_ascii_lowercase).as_deref() {
                Some("true") => {}
                Some("false") | None => continue,
                Some(other) => {
                    return Err(ReportError {
                        line,
                        message: format!("`{prefix}_active` is `{other}`, not true or false"),
                    });
                }
            }
            let mut r = Record::default()
                .with("user", user)
                .with("arn", arn)
                .with("path", path)
                .with("root", if root { "true" } else { "false" })
                .with("credential", name)
                .with("kind", kind)
                .with("row", &line.to_string())
                .with("holder", user);
            for (field, column) in [
                ("last_rotated", format!("{prefix}_last_rotated")),
                ("last_used", format!("{prefix}_last_used_date")),
            ] {
                if let Some(text) = get(&column) {
                    let date =
                        chrono::DateTime::parse_from_rfc3339(text).map_err(|_| ReportError {
                            line,
                            message: format!("`{column}` is `{text}`, not an ISO 8601 date-time"),
                        })?;
                    let utc = date.with_timezone(&chrono::Utc).date_naive();
                    r = r.with(field, &utc.format("%Y-%m-%d").to_string());
                }
            }
            if let Some(service) = get(&format!("{prefix}_last_used_service")) {
                r = r.with("last_used_service", service);
            }
            records.push(r);
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/aws-credential-report.csv");

    #[test]
    fn one_record_per_active_key_or_certificate_sentinels_dropped() {
        let records = read_report(SAMPLE.as_bytes()).unwrap();
        let ids: Vec<String> = records
            .iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r.get("user").unwrap(),
                    r.get("credential").unwrap()
                )
            })
            .collect();
        // The root account and j.durand have no active key; opcua-gateway's
        // key is inactive but its certificate is active; TRUE and True count.
        assert_eq!(
            ids,
            [
                "line3-historian-export/key1",
                "line3-historian-export/key2",
                "mes-erp-sync/key1",
                "opcua-gateway/cert1",
            ]
        );
        let key1 = &records[0];
        assert_eq!(key1.get("path"), Some("/plant/line3/"));
        assert_eq!(key1.get("last_rotated"), Some("2026-06-01"));
        assert_eq!(key1.get("last_used"), Some("2026-11-21"));
        assert_eq!(key1.get("last_used_service"), Some("s3"));
        assert_eq!(key1.get("row"), Some("3"));
        let key2 = &records[1];
        assert_eq!(key2.get("last_used"), None, "`no_information` is no value");
        assert_eq!(records[3].get("kind"), Some("certificate"));
    }

    #[test]
    fn a_bad_boolean_or_date_names_its_line() {
        let bad = SAMPLE.replacen(",TRUE,", ",yes,", 1);
        let e = read_report(bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(
            e.message,
            "`access_key_1_active` is `yes`, not true or false"
        );
        let bad = SAMPLE.replacen("2026-06-01T10:15:00+00:00", "01/06/2026", 1);
        let e = read_report(bad.as_bytes()).unwrap_err();
        assert_eq!(
            e.message,
            "`access_key_1_last_rotated` is `01/06/2026`, not an ISO 8601 date-time"
        );
        let e = read_report(b"name,id\nx,1\n").unwrap_err();
        assert_eq!(
            e.message,
            "no `user` column: is this an IAM credential report?"
        );
    }
}
