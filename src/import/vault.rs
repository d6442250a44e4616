//! Source `vault`: HashiCorp Vault token and AppRole secret-id lookups, one
//! record per token or secret id.
//!
//! The input is the JSON answers, saved one after another, of
//! `vault token lookup -format=json -accessor ACCESSOR` (or
//! `POST /v1/auth/token/lookup-accessor`) and of
//! `vault write -format=json auth/approle/role/ROLE/secret-id-accessor/lookup
//! secret_id_accessor=...`: each `{"data": {...}, ...}`. A token has
//! `accessor`, `display_name`, `creation_time` (epoch seconds),
//! `expire_time` (RFC 3339, or `null` for a token that never expires),
//! `policies` and `meta`; an AppRole secret id has `secret_id_accessor`,
//! `creation_time` and `expiration_time` (RFC 3339, where
//! `0001-01-01T00:00:00Z` means never) and `metadata`.
//!
//! Each record has `type` (`token` or `secret-id`), `accessor`, `kind`
//! (`token`), `name` (`display_name`, or the metadata's `role_name` for a
//! secret id when given), `policies` (comma-separated), `last_rotated` (the
//! date of `creation_time`), `expires` where it expires, every `meta` or
//! `metadata` entry as `meta:KEY`, and `path` (the token's auth path).

use super::json::{documents, epoch_date, required_date, required_moment};
use super::matching::Record;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Answer {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    accessor: Option<String>,
    secret_id_accessor: Option<String>,
    display_name: Option<String>,
    creation_time: Option<Time>,
    expire_time: Option<String>,
    expiration_time: Option<String>,
    #[serde(default)]
    policies: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    meta: Option<BTreeMap<String, String>>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
}

/// Epoch seconds for a token, RFC 3339 for a secret id.
#[derive(Deserialize)]
#[serde(untagged)]
enum Time {
    Epoch(i64),
    Text(String),
}

/// What Vault writes for "never expires" in an AppRole secret id.
pub const NEVER: &str = "0001-01-01T00:00:00Z";

/// Reads every lookup answer into records, by accessor (a later answer for
/// the same accessor wins).
pub fn read_lookups(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let answers: Vec<Answer> = documents(
        bytes,
        "a Vault token or AppRole secret-id lookup (`{\"data\": {...}}`)",
    )?;
    let mut by_accessor = BTreeMap::new();
    for (n, a) in answers.into_iter().enumerate() {
        let d = a.data;
        let at = format!("answer {}", n + 1);
        let (kind, accessor) = match (&d.accessor, &d.secret_id_accessor) {
            (Some(a), _) if !a.is_empty() => ("token", a.clone()),
            (_, Some(a)) if !a.is_empty() => ("secret-id", a.clone()),
            _ => {
                return Err(format!(
                    "{at}: neither `accessor` nor `secret_id_accessor`: not a token or secret-id lookup"
                ));
            }
        };
        let mut r = Record::default()
            .with("type", kind)
            .with("accessor", &accessor)
            .with("kind", "token");
        let meta = d.meta.or(d.metadata).unwrap_or_default();
        let name = d
            .display_name
            .or_else(|| meta.get("role_name").cloned())
            .filter(|n| !n.is_empty());
        if let Some(name) = name {
            r = r.with("name", &name);
        }
        if !d.policies.is_empty() {
            r = r.with("policies", &d.policies.join(","));
        }
        if let Some(path) = d.path.filter(|p| !p.is_empty()) {
            r = r.with("path", &path);
        }
        for (k, v) in &meta {
            r = r.with(&format!("meta:{k}"), v);
        }
        match d.creation_time {
            Some(Time::Epoch(s)) => {
                let date = epoch_date(s)
                    .ok_or_else(|| format!("{at}: `creation_time` {s} is out of range"))?;
                r = r.with("last_rotated", &date);
            }
            Some(Time::Text(t)) => {
                r = r.with("last_rotated", &required_date("creation_time", &t, &at)?);
            }
            None => {}
        }
        let (field, expiry) = match kind {
            "token" => ("expire_time", d.expire_time),
            _ => ("expiration_time", d.expiration_time),
        };
        if let Some(t) = expiry.filter(|t| !t.is_empty() && t != NEVER) {
            r = r.with("expires", &required_moment(field, &t, &at)?);
        }
        by_accessor.insert(accessor, r);
    }
    Ok(by_accessor.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/vault-lookups.json");

    #[test]
    fn tokens_and_secret_ids_become_records_never_is_no_expiry() {
        let records = read_lookups(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.get("accessor").unwrap(), r.get("type").unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("1f6a3c2e-ab51-7e4d-90c8-2b7d5e3f8a11", "secret-id"),
                ("8c4e2a7f-3d91-b6e0-5f2a-7c1d9e4b6a03", "token"),
                ("c0d9e8f7-a6b5-4c3d-2e1f-0a9b8c7d6e5f", "token"),
            ]
        );
        let secret = &records[0];
        assert_eq!(secret.get("expires"), None, "0001-01-01 is never");
        assert_eq!(secret.get("name"), Some("historian-push"));
        assert_eq!(secret.get("last_rotated"), Some("2026-09-14"));
        let token = &records[1];
        assert_eq!(token.get("name"), Some("approle-mes-erp"));
        assert_eq!(token.get("expires"), Some("2026-12-15T09:00:00+00:00"));
        assert_eq!(token.get("last_rotated"), Some("2026-11-15"));
        assert_eq!(token.get("policies"), Some("default,mes-read"));
        assert_eq!(token.get("meta:role_name"), Some("mes-erp"));
        assert_eq!(records[2].get("expires"), None, "a null expire_time");
    }

    #[test]
    fn an_answer_without_an_accessor_is_refused() {
        let e = read_lookups(b"{\"data\": {\"display_name\": \"x\"}}").unwrap_err();
        assert_eq!(
            e,
            "answer 1: neither `accessor` nor `secret_id_accessor`: not a token or secret-id lookup"
        );
        let e = read_lookups(b"{\"data\": []}").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
    }
}
