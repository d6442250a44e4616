//! CRD: how secrets are kept, rotated, shared and where they came from.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{CredentialType, Identity, Origin, Runbook, Span, Storage, Zone, local_instant};
use std::collections::HashMap;

pub static ROTATION_OVERDUE: RuleInfo = RuleInfo {
    code: "CRD001",
    name: "rotation-overdue",
    severity: Severity::Error,
    summary: "a static or rotated credential has no `rotation`, no `last_rotated`, or `last_rotated` + `rotation` is before now",
    rationale: "A secret that never changes outlives everyone who ever saw it: the integrator who set it up, the contractor who copied it into a script, the laptop it was pasted on. A rotation period is the plant's promise of how long a leaked secret stays useful; `last_rotated` is the evidence the promise is kept. A credential that states no `type` is treated as static, and one with a `rotation` but no `last_rotated` fires too, since nobody can show it was ever rotated. A rotation is due at midnight (plant time) starting the day `last_rotated` + `rotation`.",
    mapping: &["NHI7", "SR 1.5"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-erp-key\n    kind: api-key\n    owner: plant-manager\n    credential: { type: static, rotation: 90d, last_rotated: 2026-06-01, storage: vault, origin: generated }\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: mes-erp-key\n    kind: api-key\n    owner: plant-manager\n    credential: { type: static, rotation: 90d, last_rotated: 2026-10-01, storage: vault, origin: generated }\n    last_used: 2026-11-20\n",
};

/// CRD001: static and rotated credentials without a kept rotation.
pub struct RotationOverdue;

impl Rule for RotationOverdue {
    fn info(&self) -> &'static RuleInfo {
        &ROTATION_OVERDUE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let tz = cx.runbook.plant.timezone.value;
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let Some(credential) = &identity.credential else {
                continue;
            };
            // A credential that does not say it is ephemeral is taken as static.
            let what = match credential.kind {
                Some(CredentialType::Ephemeral) => continue,
                Some(kind) => format!("`{kind}` credential"),
                None => "credential".to_owned(),
            };
            let id = &identity.id;
            let subject = Subject::Identity(i);
            let Some(rotation) = credential.rotation else {
                let f = Finding::new(
                    &ROTATION_OVERDUE,
                    subject,
                    credential.span,
                    match credential.kind {
                        Some(_) => format!("{what} of `{id}` has no `rotation`"),
                        None => format!("credential of `{id}` has neither `type` nor `rotation`"),
                    },
                )
                .help("set `rotation:` to how often the secret must change (for example `rotation: 90d`), or `type: ephemeral` if it is issued per session");
                out.push(f);
                continue;
            };
            let Some(last) = credential.last_rotated else {
                let f = Finding::new(
                    &ROTATION_OVERDUE,
                    subject,
                    rotation.span,
                    format!("{what} of `{id}` must rotate every {rotation} but has no `last_rotated`"),
                )
                .help("rotate the secret and record the day in `last_rotated`: until then nobody can show it was ever rotated");
                out.push(f);
                continue;
            };
            let Some(due) = last
                .value
                .and_hms_opt(0, 0, 0)
                .and_then(|midnight| midnight.checked_add_signed(rotation.value.to_chrono()))
            else {
                continue; // a rotation so long that it is never due
            };
            if local_instant(tz, due) > cx.now {
                continue;
            }
            let f = Finding::new(
                &ROTATION_OVERDUE,
                subject,
                last.span,
                format!(
                    "{what} of `{id}` was last rotated on {last} and was due for rotation on {} (every {rotation})",
                    due.format("%Y-%m-%d")
                ),
            )
            .help("rotate the secret now and update `last_rotated`");
            out.push(f);
        }
    }
}

#[cfg(test)]
mod crd001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn crd001_points_at_what_is_missing_or_overdue() {
        let report = lint_case(
            "identities:
  - id: no-rotation
    kind: api-key
    owner: plant-manager
    credential: { type: static, storage: vault }
    last_used: 2026-11-20
  - id: never-rotated
    kind: api-key
    owner: plant-manager
    credential: { type: rotated, rotation: 90d, storage: vault }
    last_used: 2026-11-20
  - id: overdue
    kind: api-key
    owner: plant-manager
    credential:
      type: static
      rotation: 90d
      last_rotated: 2026-08-24
      storage: vault
    last_used: 2026-11-20
  - id: untyped
    kind: api-key
    owner: plant-manager
    credential: { storage: vault }
    last_used: 2026-11-20
",
        );
        assert_eq!(lines(&report, "CRD001"), [5, 10, 18, 24]);
        assert!(
            of(&report, "CRD001")
                .iter()
                .any(|d| d.message == "credential of `untyped` has neither `type` nor `rotation`")
        );
        assert!(of(&report, "CRD001").iter().any(|d| d.message
            == "`static` credential of `overdue` was last rotated on 2026-08-24 and was due for rotation on 2026-11-22 (every 90d)"));
    }

    #[test]
    fn crd001_is_quiet_on_ephemeral_and_on_time_credentials() {
        // 2026-08-25 + 90 days is 23 November: still on time on the 22nd.
        let report = lint_case(
            "identities:
  - id: session
    kind: token
    owner: plant-manager
    credential: { type: ephemeral, storage: vault }
    last_used: 2026-11-20
  - id: on-time
    kind: api-key
    owner: plant-manager
    credential: { type: static, rotation: 90d, last_rotated: 2026-08-25, storage: vault }
    last_used: 2026-11-20
",
        );
        assert_eq!(lines(&report, "CRD001"), Vec::<u32>::new());
    }
}

pub static SECRET_OUTSIDE_VAULT: RuleInfo = RuleInfo {
    code: "CRD002",
    name: "secret-outside-vault",
    severity: Severity::Error,
    summary: "`storage` is `config-file`, `plc-project` or `plaintext` (a warning for `unknown` or no `storage`)",
    rationale: "A secret in a configuration file, a PLC project or a spreadsheet is copied with every backup, every project archive sent to an integrator, every USB stick that carries the project to the line. A vault or HSM keeps one copy, logs who read it and can rotate it. A secret whose location nobody knows cannot be protected or rotated either; a credential with no `storage` is taken as `unknown`.",
    mapping: &["NHI2", "PR.AA-01"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-erp-key\n    kind: api-key\n    owner: plant-manager\n    credential: { type: static, rotation: 180d, last_rotated: 2026-09-01, storage: config-file, origin: generated }\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: mes-erp-key\n    kind: api-key\n    owner: plant-manager\n    credential: { type: static, rotation: 180d, last_rotated: 2026-09-01, storage: vault, origin: generated }\n    last_used: 2026-11-20\n",
};

/// CRD002: secrets kept outside a vault or HSM.
pub struct SecretOutsideVault;

impl Rule for SecretOutsideVault {
    fn info(&self) -> &'static RuleInfo {
        &SECRET_OUTSIDE_VAULT
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let Some(credential) = &identity.credential else {
                continue;
            };
            let id = &identity.id;
            let subject = Subject::Identity(i);
            let unknown = |span, message| {
                Finding::new(&SECRET_OUTSIDE_VAULT, subject, span, message)
                    .severity(Severity::Warning)
                    .help("find where the secret lives and record it in `storage`; if it is outside a vault or HSM, move it there")
            };
            let f = match credential.storage.map(|s| (s.value, s.span)) {
                None => unknown(
                    credential.span,
                    format!("credential of `{id}` does not say where its secret is kept"),
                ),
                Some((Storage::Vault | Storage::Hsm, _)) => continue,
                Some((Storage::Unknown, span)) => unknown(
                    span,
                    format!("nobody knows where the secret of `{id}` is kept"),
                ),
                Some((kept, span)) => {
                    let place = match kept {
                        Storage::ConfigFile => "in a configuration file",
                        Storage::PlcProject => "in a PLC project",
                        Storage::Plaintext => "in plain text",
                        Storage::Vault | Storage::Hsm | Storage::Unknown => continue,
                    };
                    Finding::new(
                        &SECRET_OUTSIDE_VAULT,
                        subject,
                        span,
                        format!("secret of `{id}` is kept {place}"),
                    )
                    .help(format!(
                        "move the secret into the vault (or an HSM) and have `{id}` fetch it from there"
                    ))
                }
            };
            out.push(f);
        }
    }
}

#[cfg(test)]
mod crd002_tests {
    use super::super::testing::{lines, lint_case, of};
    use crate::lint::Severity::{Error, Warning};

    #[test]
    fn crd002_errors_outside_a_vault_and_warns_when_nobody_knows() {
        let report = lint_case(
            "identities:
  - { id: a, kind: api-key, credential: { type: ephemeral, storage: config-file } }
  - { id: b, kind: plc-credential, credential: { type: ephemeral, storage: plc-project } }
  - { id: c, kind: api-key, credential: { type: ephemeral, storage: plaintext } }
  - { id: d, kind: api-key, credential: { type: ephemeral, storage: unknown } }
  - id: e
    kind: api-key
    credential:
      type: ephemeral
",
        );
        assert_eq!(lines(&report, "CRD002"), [2, 3, 4, 5, 9]);
        let severities: Vec<_> = of(&report, "CRD002").iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Error, Error, Error, Warning, Warning]);
        assert_eq!(
            of(&report, "CRD002")[1].message,
            "secret of `b` is kept in a PLC project"
        );
    }

    #[test]
    fn crd002_is_quiet_on_vault_and_hsm() {
        let report = lint_case(
            "identities:
  - { id: a, kind: api-key, credential: { type: ephemeral, storage: vault } }
  - { id: b, kind: certificate, credential: { type: ephemeral, storage: hsm } }
  - { id: c, kind: human }
",
        );
        assert_eq!(lines(&report, "CRD002"), Vec::<u32>::new());
    }
}

pub static SHARED_CREDENTIAL: RuleInfo = RuleInfo {
    code: "CRD003",
    name: "shared-credential",
    severity: Severity::Error,
    summary: "`shared_with` is not empty, or one secret spans identities in different zones",
    rationale: "A secret shared by two identities cannot be revoked for one without stopping the other, so in an incident nobody dares revoke it; its logs cannot tell who acted. Shared across zones it is worse: the same password opens the IT side and the PLC, and one phished laptop crosses the conduit the zones were meant to enforce (ATT&CK for ICS T0859, valid accounts). Identities linked by `shared_with`, in either direction and transitively, hold one secret; an identity's zones are those of the systems it touches.",
    mapping: &["NHI9", "NHI8", "T0859"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: ews-plc-login\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault, shared_with: [hmi-plc-login] }\n    last_used: 2026-11-20\n  - id: hmi-plc-login\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault }\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: ews-plc-login\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault, shared_with: [] }\n    last_used: 2026-11-20\n  - id: hmi-plc-login\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault }\n    last_used: 2026-11-20\n",
};

/// CRD003: secrets held by more than one identity.
pub struct SharedCredential;

/// Most identities a witness names before "and N more".
const WITNESS_LIMIT: usize = 8;

impl Rule for SharedCredential {
    fn info(&self) -> &'static RuleInfo {
        &SHARED_CREDENTIAL
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let secrets = Secrets::of(rb);
        let mut groups: HashMap<usize, Group> = HashMap::new();
        for &(i, root) in &secrets.linked {
            let group = groups.entry(root).or_default();
            group.zones |= zone_mask(rb, &rb.identities[i]);
            group.members.push(i);
        }
        for group in groups.values_mut() {
            group.members.sort_unstable();
            group.witness = witness(rb, &group.members);
        }
        for &(i, root) in &secrets.linked {
            let identity = &rb.identities[i];
            let Some(group) = groups.get(&root) else {
                continue;
            };
            let across = zone_names(group.zones);
            let shared = identity
                .credential
                .as_ref()
                .map_or(&[][..], |c| &c.shared_with[..]);
            let id = &identity.id;
            let mut f = if let Some(first) = shared.first() {
                let with: Vec<String> = shared.iter().map(|r| format!("`{r}`")).collect();
                let mut message = format!("secret of `{id}` is shared with {}", with.join(", "));
                if let Some(zones) = &across {
                    message += &format!(", across zones {zones}");
                }
                Finding::new(
                    &SHARED_CREDENTIAL,
                    Subject::Identity(i),
                    first.span,
                    message,
                )
            } else if let Some(zones) = &across {
                let span = identity.credential.as_ref().map_or(id.span, |c| c.span);
                let mut f = Finding::new(
                    &SHARED_CREDENTIAL,
                    Subject::Identity(i),
                    span,
                    format!("secret of `{id}` is shared across zones {zones}"),
                );
                if let Some(&by) = secrets.named_at.get(&i) {
                    f = f.related(by, "named in `shared_with` here");
                }
                f
            } else {
                continue;
            };
            if across.is_some() {
                f = f.witness(group.witness.clone());
            }
            out.push(f.help(
                "give each identity its own secret, so that one can be revoked without stopping the others",
            ));
        }
    }
}

/// Identities that hold one secret, linked by `shared_with` in either
/// direction (a union-find over identity positions, so the rule stays
/// linear).
struct Secrets {
    /// Identities that name or are named in a `shared_with`, in order, with
    /// the representative of their secret.
    linked: Vec<(usize, usize)>,
    /// Where each identity is first named in another's `shared_with`.
    named_at: HashMap<usize, Span>,
}

impl Secrets {
    fn of(rb: &Runbook) -> Secrets {
        let n = rb.identities.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let mut size = vec![1usize; n];
        let mut is_linked = vec![false; n];
        let mut named_at = HashMap::new();
        for (i, identity) in rb.identities.iter().enumerate() {
            let Some(credential) = &identity.credential else {
                continue;
            };
            for r in &credential.shared_with {
                let Some(&j) = rb.index.identities.get(&r.value) else {
                    continue;
                };
                named_at.entry(j).or_insert(r.span);
                is_linked[i] = true;
                is_linked[j] = true;
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                if a != b {
                    let (big, small) = if size[a] >= size[b] { (a, b) } else { (b, a) };
                    parent[small] = big;
                    size[big] += size[small];
                }
            }
        }
        let linked = (0..n)
            .filter(|&i| is_linked[i])
            .map(|i| (i, find(&mut parent, i)))
            .collect();
        Secrets { linked, named_at }
    }
}

/// The representative of `i`'s set, halving the path on the way.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[derive(Default)]
struct Group {
    members: Vec<usize>,
    zones: u8,
    witness: String,
}

fn zone_bit(zone: Zone) -> u8 {
    match zone {
        Zone::It => 1,
        Zone::Dmz => 2,
        Zone::Ot => 4,
    }
}

/// The zones of the systems an identity touches, as bits.
fn zone_mask(rb: &Runbook, identity: &Identity) -> u8 {
    let serves = identity.serves.iter().flatten();
    identity
        .access
        .iter()
        .map(|a| &a.system)
        .chain(serves)
        .filter_map(|s| rb.system(&s.value)?.zone)
        .fold(0, |mask, zone| mask | zone_bit(zone))
}

/// The zones in a mask, in the format's order.
fn zones(mask: u8) -> impl Iterator<Item = Zone> {
    Zone::ALL
        .iter()
        .copied()
        .filter(move |&z| mask & zone_bit(z) != 0)
}

/// "`it`, `ot`" when the mask holds more than one zone.
fn zone_names(mask: u8) -> Option<String> {
    let names: Vec<String> = zones(mask).map(|z| format!("`{z}`")).collect();
    (names.len() > 1).then(|| names.join(", "))
}

/// "`a` (ot), `b` (it, dmz)", at most [`WITNESS_LIMIT`] identities.
fn witness(rb: &Runbook, members: &[usize]) -> String {
    let mut parts: Vec<String> = members
        .iter()
        .take(WITNESS_LIMIT)
        .map(|&i| {
            let identity = &rb.identities[i];
            let zones: Vec<&str> = zones(zone_mask(rb, identity)).map(Zone::as_str).collect();
            let zones = if zones.is_empty() {
                "no zone".to_owned()
            } else {
                zones.join(", ")
            };
            format!("`{}` ({zones})", identity.id)
        })
        .collect();
    if members.len() > WITNESS_LIMIT {
        parts.push(format!("and {} more", members.len() - WITNESS_LIMIT));
    }
    format!("one secret: {}", parts.join(", "))
}

#[cfg(test)]
mod crd003_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn crd003_points_at_shared_with_and_at_the_other_zone_of_the_secret() {
        let report = lint_case(
            "identities:
  - id: mes-plc
    kind: plc-credential
    owner: shift-lead
    access: { mes: read }
    credential: { type: ephemeral, storage: vault, shared_with: [line1-plc] }
    last_used: 2026-11-20
  - id: line1-plc
    kind: plc-credential
    owner: shift-lead
    access: { line1: write }
    credential: { type: ephemeral, storage: vault }
    last_used: 2026-11-20
",
        );
        assert_eq!(lines(&report, "CRD003"), [6, 12]);
        let found = of(&report, "CRD003");
        assert_eq!(
            found[0].message,
            "secret of `mes-plc` is shared with `line1-plc`, across zones `dmz`, `ot`"
        );
        assert_eq!(
            found[1].message,
            "secret of `line1-plc` is shared across zones `dmz`, `ot`"
        );
        assert_eq!(
            found[1].witness.as_deref(),
            Some("one secret: `mes-plc` (dmz), `line1-plc` (ot)")
        );
    }

    #[test]
    fn crd003_names_only_the_sharing_side_within_one_zone() {
        let report = lint_case(
            "identities:
  - { id: a, kind: plc-credential, access: { line1: write }, credential: { type: ephemeral, storage: vault, shared_with: [b] } }
  - { id: b, kind: plc-credential, access: { line1: read }, credential: { type: ephemeral, storage: vault } }
  - { id: c, kind: plc-credential, access: { mes: read }, credential: { type: ephemeral, storage: vault, shared_with: [] } }
",
        );
        assert_eq!(lines(&report, "CRD003"), [2]);
    }
}

pub static DEFAULT_OR_HARDCODED: RuleInfo = RuleInfo {
    code: "CRD004",
    name: "default-or-hardcoded",
    severity: Severity::Error,
    summary: "`credential.origin` is `vendor-default` or `hardcoded`",
    rationale: "Vendor default passwords are printed in manuals and built into attack tools; hardcoded ones are in every copy of the firmware and cannot be changed at all. Both are among the first things used against control systems (ATT&CK for ICS default and hardcoded credentials). IEC 62443 SR 1.5 requires that default authenticators can be changed. A default must be changed now; a hardcoded secret calls for compensating measures until the vendor removes it.",
    mapping: &["T1694.001/.002 (formerly T0812/T0891)", "SR 1.5"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: robot-controller-admin\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: static, rotation: 180d, last_rotated: 2026-09-01, storage: vault, origin: vendor-default }\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: robot-controller-admin\n    kind: plc-credential\n    owner: shift-lead\n    credential: { type: static, rotation: 180d, last_rotated: 2026-09-01, storage: vault, origin: generated }\n    last_used: 2026-11-20\n",
};

/// CRD004: vendor-default and hardcoded secrets.
pub struct DefaultOrHardcoded;

impl Rule for DefaultOrHardcoded {
    fn info(&self) -> &'static RuleInfo {
        &DEFAULT_OR_HARDCODED
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let Some(origin) = identity.credential.as_ref().and_then(|c| c.origin) else {
                continue;
            };
            let id = &identity.id;
            let (message, help) = match origin.value {
                Origin::Generated => continue,
                Origin::VendorDefault => (
                    format!("secret of `{id}` is the vendor's default"),
                    "change it now (defaults are published in manuals and attack tools), then set `origin: generated`".to_owned(),
                ),
                Origin::Hardcoded => (
                    format!("secret of `{id}` is hardcoded and cannot be changed"),
                    "ask the vendor for a version that lets the secret be changed; until then, isolate what uses it and watch its use".to_owned(),
                ),
            };
            let f = Finding::new(
                &DEFAULT_OR_HARDCODED,
                Subject::Identity(i),
                origin.span,
                message,
            )
            .help(help);
            out.push(f);
        }
    }
}

#[cfg(test)]
mod crd004_tests {
    use super::super::testing::{lines, lint_case};

    #[test]
    fn crd004_points_at_the_origin() {
        let report = lint_case(
            "identities:
  - id: robot-admin
    kind: plc-credential
    credential:
      type: ephemeral
      origin: vendor-default
  - { id: drive-service, kind: plc-credential, credential: { type: ephemeral, origin: hardcoded } }
",
        );
        assert_eq!(lines(&report, "CRD004"), [6, 7]);
    }

    #[test]
    fn crd004_is_quiet_on_generated_secrets_and_unstated_origins() {
        let report = lint_case(
            "identities:
  - { id: a, kind: api-key, credential: { type: ephemeral, origin: generated } }
  - { id: b, kind: api-key, credential: { type: ephemeral } }
",
        );
        assert_eq!(lines(&report, "CRD004"), Vec::<u32>::new());
    }
}

pub static RULES: &[&dyn Rule] = &[
    &RotationOverdue,
    &SecretOutsideVault,
    &SharedCredential,
    &DefaultOrHardcoded,
];
