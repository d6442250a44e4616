//! Source `github`: fine-grained personal access tokens with access to an
//! organization and repository deploy keys, as the GitHub REST API lists
//! them, one record per active token or key.
//!
//! The input is JSON lists saved one after another (`gh api --paginate`
//! writes them so): the answers of `GET /orgs/ORG/personal-access-tokens`
//! (`id`, `owner.login`, `token_id`, `token_name`, `token_expired`,
//! `token_expires_at`, `token_last_used_at`) and of
//! `GET /repos/OWNER/REPO/keys` (`id`, `title`, `key`, `created_at`,
//! `read_only`, `last_used`, `enabled`). Expired tokens and disabled keys
//! are left out: they no longer open anything.
//!
//! Each record has `type` (`pat` or `deploy-key`), `id` (the `token_id` of
//! a token, else its `id`; the key's `id`), `name` (`token_name` or
//! `title`), `kind` (`token` or `ssh-key`), `owner_login` for a token,
//! `read_only` for a key, `expires` and `last_used` where known, and
//! `last_rotated` (the date of a key's `created_at`).

use super::json::{documents, required_date, required_moment};
use super::matching::Record;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    id: u64,
    // A fine-grained token.
    token_id: Option<u64>,
    token_name: Option<String>,
    token_expired: Option<bool>,
    token_expires_at: Option<String>,
    token_last_used_at: Option<String>,
    owner: Option<Owner>,
    // A deploy key.
    title: Option<String>,
    key: Option<String>,
    created_at: Option<String>,
    read_only: Option<bool>,
    last_used: Option<String>,
    enabled: Option<bool>,
}

#[derive(Deserialize)]
struct Owner {
    login: String,
}

/// Reads the lists into records, tokens and keys in the order given.
pub fn read_github(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let lists: Vec<Vec<Item>> = documents(
        bytes,
        "GitHub lists of fine-grained tokens or deploy keys (`[{...}, ...]`)",
    )?;
    let mut records = Vec::new();
    for (n, item) in lists.into_iter().flatten().enumerate() {
        let at = format!("item {}", n + 1);
        if let Some(name) = &item.token_name {
            if item.token_expired == Some(true) {
                continue;
            }
            let id = item.token_id.unwrap_or(item.id).to_string();
            let mut r = Record::default()
                .with("type", "pat")
                .with("id", &id)
                .with("name", name)
                .with("kind", "token");
            if let Some(owner) = &item.owner {
                r = r.with("owner_login", &owner.login);
            }
            if let Some(t) = &item.token_expires_at {
                r = r.with("expires", &required_moment("token_expires_at", t, &at)?);
            }
            if let Some(t) = &item.token_last_used_at {
                r = r.with("last_used", &required_date("token_last_used_at", t, &at)?);
            }
            records.push(r);
        } else if item.key.is_some() || item.title.is_some() {
            if item.enabled == Some(false) {
                continue;
            }
            let mut r = Record::default()
                .with("type", "deploy-key")
                .with("id", &item.id.to_string())
                .with("kind", "ssh-key");
            if let Some(title) = item.title.as_deref().filter(|t| !t.is_empty()) {
                r = r.with("name", title);
            }
            if let Some(ro) = item.read_only {
                r = r.with("read_only", if ro { "true" } else { "false" });
            }
            if let Some(t) = &item.created_at {
                r = r.with("last_rotated", &required_date("created_at", t, &at)?);
            }
            if let Some(t) = &item.last_used {
                r = r.with("last_used", &required_date("last_used", t, &at)?);
            }
            records.push(r);
        } else {
            return Err(format!(
                "{at}: neither a fine-grained token (`token_name`) nor a deploy key (`key`, `title`)"
            ));
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/github-tokens-and-keys.json");

    #[test]
    fn active_tokens_and_enabled_keys_become_records() {
        let records = read_github(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.get("type").unwrap(), r.get("id").unwrap()))
            .collect();
        // The expired token and the disabled key are left out.
        assert_eq!(
            got,
            [
                ("pat", "48213"),
                ("pat", "48877"),
                ("deploy-key", "90211044")
            ]
        );
        let pat = &records[0];
        assert_eq!(pat.get("name"), Some("plc-backup-sync"));
        assert_eq!(pat.get("owner_login"), Some("m-bernard"));
        assert_eq!(pat.get("expires"), Some("2027-02-01T00:00:00+00:00"));
        assert_eq!(pat.get("last_used"), Some("2026-11-30"));
        let key = &records[2];
        assert_eq!(key.get("kind"), Some("ssh-key"));
        assert_eq!(key.get("read_only"), Some("false"));
        assert_eq!(key.get("last_rotated"), Some("2025-04-08"));
    }

    #[test]
    fn an_item_of_neither_kind_is_refused() {
        let e = read_github(b"[{\"id\": 1, \"login\": \"x\"}]").unwrap_err();
        assert_eq!(
            e,
            "item 1: neither a fine-grained token (`token_name`) nor a deploy key (`key`, `title`)"
        );
        let e = read_github(b"{\"id\": 1}").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
    }
}
