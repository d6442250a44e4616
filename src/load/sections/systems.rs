//! Systems and identities: access per state, credentials, labels.

use super::allow;
use crate::load::read::{BAD_VALUE, MAX_ROTATION_DAYS, Reader};
use crate::load::tree::{Node, Value};
use crate::model::*;

pub(super) fn system(r: &mut Reader, n: &Node) -> Option<System> {
    let known = [
        "id",
        "name",
        "zone",
        "level",
        "criticality",
        "owner",
        "depends_on",
        "safe_state",
        "lint",
    ];
    let f = r.fields(n, "a system", &known)?;
    let id = r
        .required(&f, "id", "a system")
        .and_then(|n| r.id(n, "a system id"));
    let name = r.opt_text(&f, "name", "a system name");
    let zone = f
        .value("zone")
        .and_then(|n| r.word(n, "zone", Zone::NAMES, Zone::parse));
    let level = f
        .value("level")
        .and_then(|n| r.int(n, "the Purdue `level`", 0, 5))
        .map(|l| l as u8);
    let criticality = r
        .required(&f, "criticality", "a system")
        .and_then(|n| r.word(n, "criticality", Criticality::NAMES, Criticality::parse));
    let owner = f.value("owner").and_then(|n| r.id(n, "a role id"));
    let depends_on = f
        .value("depends_on")
        .map(|n| r.id_list(n, "a system id"))
        .unwrap_or_default();
    let safe_state = r.opt_text(&f, "safe_state", "`safe_state`");
    let allow = allow(r, &f);
    // A bad criticality is already reported; keep the system for the other checks.
    let criticality = criticality.unwrap_or(Criticality::Low);
    Some(System {
        id: id?,
        name,
        zone,
        level,
        criticality,
        owner,
        depends_on,
        safe_state,
        allow,
        span: r.span(n),
    })
}

pub(super) fn identity(r: &mut Reader, n: &Node) -> Option<Identity> {
    let known = [
        "id",
        "kind",
        "name",
        "owner",
        "vendor",
        "purpose",
        "access",
        "serves",
        "credential",
        "last_used",
        "labels",
        "lint",
    ];
    let f = r.fields(n, "an identity", &known)?;
    let id = r
        .required(&f, "id", "an identity")
        .and_then(|n| r.id(n, "an identity id"));
    let kind = r
        .required(&f, "kind", "an identity")
        .and_then(|n| r.spanned_word(n, "identity kind", IdentityKind::NAMES, IdentityKind::parse));
    let name = r.opt_text(&f, "name", "an identity name");
    let owner = f.value("owner").and_then(|n| r.id(n, "a role id"));
    let vendor = f
        .value("vendor")
        .and_then(|n| r.spanned_text(n, "`vendor`"));
    let purpose = r.opt_text(&f, "purpose", "`purpose`");
    let access = f.value("access").map(|n| access(r, n)).unwrap_or_default();
    let serves = f.get("serves").map(|n| r.id_list(n, "a system id"));
    let credential = f.value("credential").and_then(|n| credential(r, n));
    let last_used = f.value("last_used").and_then(|n| r.date(n, "`last_used`"));
    let labels = f.value("labels").map(|n| labels(r, n)).unwrap_or_default();
    let allow = allow(r, &f);
    // A bad kind is already reported; keep the identity so that its
    // references are still checked.
    let kind = kind.unwrap_or_else(|| Spanned::new(IdentityKind::Human, r.span(n)));
    if kind.value == IdentityKind::VendorSession && vendor.is_none() {
        r.error(
            BAD_VALUE,
            n,
            "missing `vendor` in an identity of kind `vendor-session`",
        );
    }
    Some(Identity {
        id: id?,
        kind,
        name,
        owner,
        vendor,
        purpose,
        access,
        serves,
        credential,
        last_used,
        labels,
        allow,
        span: r.span(n),
    })
}

pub(super) fn access(r: &mut Reader, n: &Node) -> Vec<Access> {
    let Value::Map(entries) = &n.value else {
        r.error(
            BAD_VALUE,
            n,
            "expected a mapping of system id to access level for `access`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let Some(system) = r.id(key, "a system id") else {
            continue;
        };
        let level = |r: &mut Reader, n: &Node| {
            r.word(n, "access level", AccessLevel::NAMES, AccessLevel::parse)
        };
        match &value.value {
            Value::Map(levels) => {
                let mut default = AccessLevel::None;
                let mut states = Vec::new();
                for (state, l) in levels {
                    let Some(state) = r.id(state, "a state id") else {
                        continue;
                    };
                    let Some(l) = level(r, l) else { continue };
                    if state.value == "default" {
                        default = l;
                    } else {
                        states.push((state, l));
                    }
                }
                out.push(Access {
                    system,
                    default,
                    states,
                    span: r.span(key),
                });
            }
            _ => {
                if let Some(default) = level(r, value) {
                    out.push(Access {
                        system,
                        default,
                        states: Vec::new(),
                        span: r.span(key),
                    });
                }
            }
        }
    }
    out
}

fn credential(r: &mut Reader, n: &Node) -> Option<Credential> {
    let known = [
        "type",
        "rotation",
        "last_rotated",
        "expires",
        "storage",
        "origin",
        "shared_with",
    ];
    let f = r.fields(n, "`credential`", &known)?;
    Some(Credential {
        kind: f.value("type").and_then(|n| {
            r.word(
                n,
                "credential type",
                CredentialType::NAMES,
                CredentialType::parse,
            )
        }),
        rotation: f
            .value("rotation")
            .and_then(|n| r.duration_within(n, "`rotation`", Duration::ZERO, MAX_ROTATION_DAYS)),
        last_rotated: f
            .value("last_rotated")
            .and_then(|n| r.date(n, "`last_rotated`")),
        expires: f.value("expires").and_then(|n| r.moment(n, "`expires`")),
        storage: f
            .value("storage")
            .and_then(|n| r.spanned_word(n, "storage", Storage::NAMES, Storage::parse)),
        origin: f
            .value("origin")
            .and_then(|n| r.spanned_word(n, "origin", Origin::NAMES, Origin::parse)),
        shared_with: f
            .value("shared_with")
            .map(|n| r.id_list(n, "an identity id"))
            .unwrap_or_default(),
        span: r.span(n),
    })
}

pub(super) fn labels(r: &mut Reader, n: &Node) -> Vec<(Text, Text)> {
    let Value::Map(entries) = &n.value else {
        r.error(
            BAD_VALUE,
            n,
            "expected a mapping of label names to values for `labels`",
        );
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| Some((r.text(k, "a label name")?, r.text(v, "a label value")?)))
        .collect()
}
