//! Source `entra`: Microsoft Entra ID service principals or app
//! registrations as JSON, one record per secret or certificate.
//!
//! The input is what Microsoft Graph answers for `GET /servicePrincipals`
//! or `GET /applications` (pages `{"value": [...], "@odata.nextLink": ...}`
//! saved one after another), or the JSON list `az ad sp list` and
//! `az ad app list` print. Both the Graph names (`id`, `startDateTime`,
//! `endDateTime`) and those of the older Azure AD Graph CLI (`objectId`,
//! `startDate`, `endDate`) are read.
//!
//! Each record has `id` (the object id), `appId`, `displayName`,
//! `servicePrincipalType` and `enabled` (`accountEnabled`) where given,
//! `credential` (`secret-` or `cert-` and the first 8 characters of the
//! `keyId`), `credential_name` (its `displayName`), `kind` (`api-key` for a
//! secret, `certificate` for a certificate), `last_rotated` (the date of
//! `startDateTime`), `expires` (`endDateTime`) and `holder` (the `appId`:
//! lint IMP003 finds an application's two active credentials). A principal without any
//! credential (a managed identity) gives one record, `credential:
//! principal`, kind `service-account`.

use super::json::{documents, first_byte, required_date, required_moment};
use super::matching::Record;
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    value: Vec<Principal>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Principal {
    #[serde(alias = "objectId")]
    id: String,
    app_id: Option<String>,
    display_name: Option<String>,
    service_principal_type: Option<String>,
    /// A boolean in Graph, the text `"True"`/`"False"` in the older CLI.
    account_enabled: Option<serde_json::Value>,
    #[serde(default)]
    password_credentials: Vec<Credential>,
    #[serde(default)]
    key_credentials: Vec<Credential>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Credential {
    key_id: String,
    display_name: Option<String>,
    #[serde(alias = "startDate")]
    start_date_time: Option<String>,
    #[serde(alias = "endDate")]
    end_date_time: Option<String>,
}

/// Reads Graph pages or a CLI list of principals into records, in order.
pub fn read_principals(bytes: &[u8]) -> Result<Vec<Record>, String> {
    const WHAT: &str =
        "Entra service principals (Graph `{\"value\": [...]}` pages or an `az ad sp list` list)";
    let principals: Vec<Principal> = if first_byte(bytes) == Some(b'[') {
        documents::<Vec<Principal>>(bytes, WHAT)?
            .into_iter()
            .flatten()
            .collect()
    } else {
        documents::<Page>(bytes, WHAT)?
            .into_iter()
            .flat_map(|p| p.value)
            .collect()
    };
    let mut records = Vec::new();
    for p in principals {
        let mut base = Record::default().with("id", &p.id);
        for (field, value) in [
            ("appId", &p.app_id),
            ("displayName", &p.display_name),
            ("servicePrincipalType", &p.service_principal_type),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                base = base.with(field, v);
            }
        }
        let enabled = match &p.account_enabled {
            Some(serde_json::Value::Bool(b)) => Some(*b),
            Some(serde_json::Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
            _ => None,
        };
        if let Some(enabled) = enabled {
            base = base.with("enabled", if enabled { "true" } else { "false" });
        }
        if p.password_credentials.is_empty() && p.key_credentials.is_empty() {
            records.push(
                base.with("credential", "principal")
                    .with("kind", "service-account"),
            );
            continue;
        }
        let at = format!("principal `{}`", p.id);
        let creds = p
            .password_credentials
            .iter()
            .map(|c| (c, "secret", "api-key"))
            .chain(p.key_credentials.iter().map(|c| (c, "cert", "certificate")));
        for (c, prefix, kind) in creds {
            let short: String = c.key_id.chars().take(8).collect();
            let mut r = base
                .clone()
                .with("credential", &format!("{prefix}-{short}"))
                .with("keyId", &c.key_id)
                .with("holder", p.app_id.as_deref().unwrap_or(&p.id))
                .with("kind", kind);
            if let Some(name) = c.display_name.as_deref().filter(|n| !n.is_empty()) {
                r = r.with("credential_name", name);
            }
            if let Some(start) = &c.start_date_time {
                r = r.with("last_rotated", &required_date("startDateTime", start, &at)?);
            }
            if let Some(end) = &c.end_date_time {
                r = r.with("expires", &required_moment("endDateTime", end, &at)?);
            }
            records.push(r);
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/import/entra-service-principals.json");
    const CLI: &str = include_str!("../../tests/fixtures/import/entra-az-cli.json");

    #[test]
    fn one_record_per_secret_or_certificate_and_one_for_a_principal_without() {
        let records = read_principals(SAMPLE.as_bytes()).unwrap();
        let ids: Vec<String> = records
            .iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r.get("displayName").unwrap(),
                    r.get("credential").unwrap()
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                "mes-reporting-connector/secret-5f1c8a02",
                "mes-reporting-connector/cert-9b7e4d10",
                "line3-historian-uploader/secret-c2a4e6f8",
                "plant-automation-mi/principal",
            ]
        );
        let secret = &records[0];
        assert_eq!(secret.get("kind"), Some("api-key"));
        assert_eq!(secret.get("last_rotated"), Some("2026-05-12"));
        assert_eq!(secret.get("expires"), Some("2027-05-12T08:30:00+00:00"));
        assert_eq!(records[1].get("kind"), Some("certificate"));
        assert_eq!(records[3].get("kind"), Some("service-account"));
        assert_eq!(records[2].get("enabled"), Some("false"));
    }

    #[test]
    fn the_older_cli_names_are_read_too() {
        let records = read_principals(CLI.as_bytes()).unwrap();
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r.get("id"), Some("0b6f0c5e-54a1-4f55-9f2e-3d9c7a1b2e40"));
        assert_eq!(r.get("expires"), Some("2026-01-31T00:00:00+00:00"));
        assert_eq!(r.get("last_rotated"), Some("2025-02-01"));
        assert_eq!(r.get("enabled"), Some("true"), "the CLI's \"True\"");
    }

    #[test]
    fn the_wrong_shape_or_a_bad_date_is_refused_with_its_place() {
        let e = read_principals(b"{\"value\": [{\"appId\": \"x\"}]}").unwrap_err();
        assert!(e.starts_with("line 1, column "), "{e}");
        assert!(e.contains("missing field `id`"), "{e}");
        let bad = SAMPLE.replacen("2027-05-12T08:30:00Z", "12/05/2027", 1);
        let e = read_principals(bad.as_bytes()).unwrap_err();
        assert!(e.contains("`endDateTime` is `12/05/2027`"), "{e}");
    }
}
