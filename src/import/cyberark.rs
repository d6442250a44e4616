//! Source `cyberark`: the PVWA `GET /PasswordVault/API/Accounts` JSON, one
//! record per account. The API pages its answer (`value`, `count`,
//! `nextLink`); the pages may be saved one after another in one file (as
//! `curl ... >> accounts.json` in a loop writes them) and are merged. An id
//! on two pages keeps its later page's account.
//!
//! Each record has the fields `id`, `name`, `address`, `userName`,
//! `platformId`, `safeName`, `secretType` as the API names them, and
//! `managed` (`true` when `secretManagement.automaticManagementEnabled`),
//! `last_rotated` (the date of `secretManagement.lastModifiedTime`, epoch
//! seconds, in UTC) and `remote_machines` (`remoteMachinesAccess.
//! remoteMachines`, a `;`-separated list) where the account has them.

use super::matching::Record;
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    value: Vec<Account>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    id: String,
    name: Option<String>,
    address: Option<String>,
    user_name: Option<String>,
    platform_id: Option<String>,
    safe_name: Option<String>,
    secret_type: Option<String>,
    secret_management: Option<SecretManagement>,
    remote_machines_access: Option<RemoteMachines>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretManagement {
    automatic_management_enabled: Option<bool>,
    last_modified_time: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoteMachines {
    remote_machines: Option<String>,
}

/// Reads every page of an accounts export, in order, into records sorted
/// by account id.
pub fn read_accounts(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let mut by_id = std::collections::BTreeMap::new();
    for page in super::json::documents::<Page>(bytes, "a PVWA accounts page")? {
        for account in page.value {
            by_id.insert(account.id.clone(), record(account));
        }
    }
    Ok(by_id.into_values().collect())
}

fn record(a: Account) -> Record {
    let mut r = Record::default().with("id", &a.id);
    for (field, value) in [
        ("name", a.name),
        ("address", a.address),
        ("userName", a.user_name),
        ("platformId", a.platform_id),
        ("safeName", a.safe_name),
        ("secretType", a.secret_type),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            r = r.with(field, &v);
        }
    }
    if let Some(m) = a.secret_management {
        let managed = m.automatic_management_enabled.unwrap_or(false);
        r = r.with("managed", if managed { "true" } else { "false" });
        if let Some(date) = m
            .last_modified_time
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        {
            r = r.with(
                "last_rotated",
                &date.date_naive().format("%Y-%m-%d").to_string(),
            );
        }
    }
    if let Some(machines) = a
        .remote_machines_access
        .and_then(|m| m.remote_machines)
        .filter(|m| !m.is_empty())
    {
        r = r.with("remote_machines", &machines);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/cyberark-accounts.json");

    #[test]
    fn pages_saved_one_after_another_are_merged_by_account_id() {
        let records = read_accounts(SAMPLE.as_bytes()).unwrap();
        let ids: Vec<&str> = records.iter().map(|r| r.get("id").unwrap()).collect();
        assert_eq!(ids, ["27_3", "27_4", "31_9"]);
        let hist = &records[0];
        assert_eq!(hist.get("safeName"), Some("OT-Line3"));
        assert_eq!(hist.get("managed"), Some("true"));
        assert_eq!(
            hist.get("last_rotated"),
            Some("2025-11-16"),
            "1763251200 is 2025-11-16 00:00 UTC"
        );
        assert_eq!(
            hist.get("remote_machines"),
            Some("hist01.plant.local;hist02.plant.local")
        );
        assert_eq!(records[1].get("managed"), Some("false"));
        assert_eq!(records[1].get("remote_machines"), None);
        // A later page's copy of an account replaces the earlier one.
        let again = format!("{SAMPLE}{{\"value\":[{{\"id\":\"27_3\",\"safeName\":\"Moved\"}}]}}");
        let records = read_accounts(again.as_bytes()).unwrap();
        assert_eq!(records[0].get("safeName"), Some("Moved"));
    }

    #[test]
    fn something_else_than_accounts_pages_is_refused_with_its_place() {
        let e = read_accounts(b"{\"value\": [{\"name\": \"no id\"}]}").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
        assert!(e.contains("missing field `id`"), "{e}");
    }
}
