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
    // Columns by position, found once: a report has 100,000 rows.
    let column = |name: &str| headers.iter().position(|h| h == name);
    let mut needed = [0usize; 2];
    for (slot, name) in needed.iter_mut().zip(["user", "arn"]) {
        *slot = column(name).ok_or_else(|| ReportError {
            line: 1,
            message: format!("no `{name}` column: is this an IAM credential report?"),
        })?;
    }
    let [user_at, arn_at] = needed;
    struct Credential {
        name: &'static str,
        prefix: &'static str,
        kind: &'static str,
        active: Option<usize>,
        dates: [(&'static str, &'static str, Option<usize>); 2],
        service: Option<usize>,
    }
    let credential = |name, prefix: &'static str, kind, rotated, used| Credential {
        name,
        prefix,
        kind,
        active: column(&format!("{prefix}_active")),
        dates: [
            ("last_rotated", rotated, column(rotated)),
            ("last_used", used, used_column(&column, used)),
        ],
        service: column(&format!("{prefix}_last_used_service")),
    };
    let credentials = [
        credential(
            "key1",
            "access_key_1",
            "api-key",
            "access_key_1_last_rotated",
            "access_key_1_last_used_date",
        ),
        credential(
            "key2",
            "access_key_2",
            "api-key",
            "access_key_2_last_rotated",
            "access_key_2_last_used_date",
        ),
        credential("cert1", "cert_1", "certificate", "cert_1_last_rotated", ""),
        credential("cert2", "cert_2", "certificate", "cert_2_last_rotated", ""),
    ];
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| ReportError {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        // The line the row starts on (a quoted field may span lines).
        let line = row.position().map_or(0, |p| p.line());
        let get = |at: Option<usize>| {
            at.and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty() && !SENTINELS.contains(v))
        };
        let user = get(Some(user_at)).ok_or_else(|| ReportError {
            line,
            message: "empty `user`".to_owned(),
        })?;
        let arn = get(Some(arn_at)).unwrap_or("");
        let root = user == "<root_account>";
        let path = arn.split_once(":user").map_or("/", |(_, rest)| {
            rest.rfind('/').map_or("/", |i| &rest[..=i])
        });
        for c in &credentials {
            match get(c.active) {
                None => continue,
                Some(v) if v.eq_ignore_ascii_case("false") => continue,
                Some(v) if v.eq_ignore_ascii_case("true") => {}
                Some(other) => {
                    return Err(ReportError {
                        line,
                        message: format!(
                            "`{}_active` is `{}`, not true or false",
                            c.prefix,
                            other.to_ascii_lowercase()
                        ),
                    });
                }
            }
            let mut r = Record::default()
                .set("user", user)
                .set("arn", arn)
                .set("path", path)
                .set("root", if root { "true" } else { "false" })
                .set("credential", c.name)
                .set("kind", c.kind)
                .set("row", &line.to_string())
                .set("holder", user);
            for (field, column, at) in c.dates {
                if let Some(text) = get(at) {
                    let date =
                        chrono::DateTime::parse_from_rfc3339(text).map_err(|_| ReportError {
                            line,
                            message: format!("`{column}` is `{text}`, not an ISO 8601 date-time"),
                        })?;
                    let utc = date.with_timezone(&chrono::Utc).date_naive();
                    r = r.set(field, &ymd(utc));
                }
            }
            if let Some(service) = get(c.service) {
                r = r.set("last_used_service", service);
            }
            records.push(r);
        }
    }
    Ok(records)
}

/// `YYYY-MM-DD`, without parsing a format string for each of 100,000 dates.
fn ymd(date: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// The column of a last-use date; certificates have none (`""`).
fn used_column(column: &dyn Fn(&str) -> Option<usize>, name: &str) -> Option<usize> {
    if name.is_empty() { None } else { column(name) }
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
