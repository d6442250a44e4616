//! Source `gitlab`: GitLab personal access tokens and deploy keys, as the
//! GitLab REST API lists them, one record per active token or key.
//!
//! The input is JSON lists saved one after another: the answers of
//! `GET /personal_access_tokens` (`id`, `name`, `revoked`, `active`,
//! `created_at`, `scopes`, `user_id`, `last_used_at`, `expires_at` as a
//! date) and of `GET /deploy_keys` or `GET /projects/ID/deploy_keys`
//! (`id`, `title`, `key`, `fingerprint`, `created_at`, `expires_at`,
//! `can_push`). Revoked and inactive (expired) tokens are left out.
//!
//! Each record has `type` (`pat` or `deploy-key`), `id`, `name` (`name` or
//! `title`), `kind` (`token` or `ssh-key`), `scopes` (comma-separated) and
//! `user_id` for a token, `can_push` for a key where given,
//! `last_rotated` (the date of `created_at`), `last_used`, and `expires`
//! (a date means its midnight, UTC).

use super::json::{documents, required_date, required_moment};
use super::matching::Record;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    id: u64,
    name: Option<String>,
    revoked: Option<bool>,
    active: Option<bool>,
    scopes: Option<Vec<String>>,
    user_id: Option<u64>,
    last_used_at: Option<String>,
    title: Option<String>,
    key: Option<String>,
    fingerprint: Option<String>,
    can_push: Option<bool>,
    created_at: Option<String>,
    expires_at: Option<String>,
}

/// Reads the lists into records, tokens and keys in the order given.
pub fn read_gitlab(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let lists: Vec<Vec<Item>> = documents(
        bytes,
        "GitLab lists of personal access tokens or deploy keys (`[{...}, ...]`)",
    )?;
    let mut records = Vec::new();
    for (n, item) in lists.into_iter().flatten().enumerate() {
        let at = format!("item {}", n + 1);
        let token = item.scopes.is_some() || item.revoked.is_some();
        let key = item.key.is_some() || item.fingerprint.is_some();
        let mut r = if token {
            if item.revoked == Some(true) || item.active == Some(false) {
                continue;
            }
            let mut r = Record::default().with("type", "pat").with("kind", "token");
            if let Some(scopes) = &item.scopes {
                r = r.with("scopes", &scopes.join(","));
            }
            if let Some(user) = item.user_id {
                r = r.with("user_id", &user.to_string());
            }
            if let Some(name) = item.name.as_deref().filter(|n| !n.is_empty()) {
                r = r.with("name", name);
            }
            r
        } else if key {
            let mut r = Record::default()
                .with("type", "deploy-key")
                .with("kind", "ssh-key");
            if let Some(title) = item.title.as_deref().filter(|t| !t.is_empty()) {
                r = r.with("name", title);
            }
            if let Some(push) = item.can_push {
                r = r.with("can_push", if push { "true" } else { "false" });
            }
            r
        } else {
            return Err(format!(
                "{at}: neither a personal access token (`scopes`, `revoked`) nor a deploy key (`key`, `fingerprint`)"
            ));
        };
        r = r.with("id", &item.id.to_string());
        if let Some(t) = &item.created_at {
            r = r.with("last_rotated", &required_date("created_at", t, &at)?);
        }
        if let Some(t) = &item.last_used_at {
            r = r.with("last_used", &required_date("last_used_at", t, &at)?);
        }
        if let Some(t) = &item.expires_at {
            r = r.with("expires", &required_moment("expires_at", t, &at)?);
        }
        records.push(r);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/gitlab-tokens-and-keys.json");

    #[test]
    fn active_tokens_and_deploy_keys_become_records_a_date_is_its_midnight() {
        let records = read_gitlab(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.get("type").unwrap(), r.get("id").unwrap()))
            .collect();
        // The revoked token and the expired (inactive) one are left out.
        assert_eq!(
            got,
            [("pat", "311"), ("deploy-key", "57"), ("deploy-key", "58")]
        );
        let pat = &records[0];
        assert_eq!(pat.get("expires"), Some("2027-03-31T00:00:00+00:00"));
        assert_eq!(pat.get("scopes"), Some("read_repository,read_registry"));
        assert_eq!(pat.get("last_used"), Some("2026-12-01"));
        assert_eq!(pat.get("last_rotated"), Some("2026-03-31"));
        assert_eq!(records[1].get("can_push"), Some("true"));
        assert_eq!(records[2].get("expires"), None);
    }

    #[test]
    fn an_item_of_neither_kind_is_refused() {
        let e = read_gitlab(b"[{\"id\": 1, \"username\": \"x\"}]").unwrap_err();
        assert!(
            e.starts_with("item 1: neither a personal access token"),
            "{e}"
        );
        let e = read_gitlab(b"[{\"id\": \"x\"}]").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
    }
}
