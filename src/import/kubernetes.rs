//! Source `kubernetes`: `kubectl get serviceaccounts,secrets -A -o json`,
//! one record per service account.
//!
//! The input is a `List` whose `items` are `ServiceAccount`s and `Secret`s
//! (several such lists one after another are merged). A secret of type
//! `kubernetes.io/service-account-token` belongs to the service account its
//! annotation `kubernetes.io/service-account.name` names in its namespace:
//! a long-lived legacy token. Kubernetes records the last day such a token
//! was used in the label `kubernetes.io/legacy-token-last-used`; the latest
//! one is the account's `last_used`.
//!
//! Each record has `id` (`namespace/name`), `namespace`, `name`, `uid`,
//! `kind` (`service-account`), `created` (the date of
//! `creationTimestamp`), `legacy_tokens` (how many token secrets it has),
//! `last_used` where known, `last_rotated` (the date of the newest token
//! secret's `creationTimestamp`, when it has one), and every label and
//! annotation as `label:KEY` and `annotation:KEY`.

use super::json::{documents, required_date};
use super::matching::Record;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct List {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    kind: String,
    metadata: Metadata,
    #[serde(rename = "type")]
    secret_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    name: String,
    namespace: Option<String>,
    uid: Option<String>,
    creation_timestamp: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// The secret type of a legacy service-account token.
pub const TOKEN_TYPE: &str = "kubernetes.io/service-account-token";
/// The annotation naming the service account a token secret belongs to.
pub const ACCOUNT_ANNOTATION: &str = "kubernetes.io/service-account.name";
/// The label with the last day a legacy token was used.
pub const LAST_USED_LABEL: &str = "kubernetes.io/legacy-token-last-used";

/// Reads the lists into one record per service account, by `namespace/name`.
pub fn read_list(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let lists: Vec<List> = documents(
        bytes,
        "a Kubernetes `List` (`kubectl get serviceaccounts,secrets -A -o json`)",
    )?;
    let items: Vec<Item> = lists.into_iter().flat_map(|l| l.items).collect();
    let mut accounts: BTreeMap<String, Record> = BTreeMap::new();
    for item in items.iter().filter(|i| i.kind == "ServiceAccount") {
        let m = &item.metadata;
        let namespace = m.namespace.as_deref().unwrap_or("default");
        let id = format!("{namespace}/{}", m.name);
        let mut r = Record::default()
            .with("id", &id)
            .with("namespace", namespace)
            .with("name", &m.name)
            .with("kind", "service-account")
            .with("legacy_tokens", "0");
        if let Some(uid) = &m.uid {
            r = r.with("uid", uid);
        }
        if let Some(t) = &m.creation_timestamp {
            r = r.with("created", &required_date("creationTimestamp", t, &id)?);
        }
        for (k, v) in &m.labels {
            r = r.with(&format!("label:{k}"), v);
        }
        for (k, v) in &m.annotations {
            r = r.with(&format!("annotation:{k}"), v);
        }
        accounts.insert(id, r);
    }
    for item in &items {
        let m = &item.metadata;
        if item.kind != "Secret" || item.secret_type.as_deref() != Some(TOKEN_TYPE) {
            continue;
        }
        let Some(account) = m.annotations.get(ACCOUNT_ANNOTATION) else {
            continue;
        };
        let namespace = m.namespace.as_deref().unwrap_or("default");
        let at = format!("secret `{namespace}/{}`", m.name);
        let Some(r) = accounts.get_mut(&format!("{namespace}/{account}")) else {
            continue;
        };
        let n: u32 = r
            .get("legacy_tokens")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        r.fields.insert("legacy_tokens".into(), (n + 1).to_string());
        let mut latest = |field: &'static str, date: String| {
            if r.get(field).is_none_or(|d| d < date.as_str()) {
                r.fields.insert(field.into(), date);
            }
        };
        if let Some(used) = m.labels.get(LAST_USED_LABEL) {
            latest("last_used", required_date(LAST_USED_LABEL, used, &at)?);
        }
        if let Some(t) = &m.creation_timestamp {
            latest("last_rotated", required_date("creationTimestamp", t, &at)?);
        }
    }
    Ok(accounts.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        include_str!("../../tests/fixtures/import/kubernetes-serviceaccounts.json");

    #[test]
    fn one_record_per_service_account_with_its_legacy_tokens_last_use() {
        let records = read_list(SAMPLE.as_bytes()).unwrap();
        let ids: Vec<&str> = records.iter().map(|r| r.get("id").unwrap()).collect();
        assert_eq!(
            ids,
            [
                "line3/historian-writer",
                "line3/opcua-bridge",
                "mes/default",
                "mes/erp-sync"
            ]
        );
        let hist = &records[0];
        assert_eq!(hist.get("legacy_tokens"), Some("2"));
        assert_eq!(
            hist.get("last_used"),
            Some("2026-11-18"),
            "the later of two tokens"
        );
        assert_eq!(hist.get("last_rotated"), Some("2025-03-02"));
        assert_eq!(
            hist.get("label:app.kubernetes.io/part-of"),
            Some("historian")
        );
        let bridge = &records[1];
        assert_eq!(bridge.get("legacy_tokens"), Some("0"));
        assert_eq!(
            bridge.get("last_used"),
            None,
            "bound tokens leave no trace here"
        );
        assert_eq!(bridge.get("created"), Some("2026-02-10"));
    }

    #[test]
    fn something_else_than_a_list_is_refused_with_its_place() {
        let e = read_list(b"{\"kind\": \"List\", \"items\": {}}").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
        assert!(e.contains("not a Kubernetes `List`"), "{e}");
    }
}
