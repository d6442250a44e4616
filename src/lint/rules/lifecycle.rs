//! LIF: credentials that expired (or are about to) and identities nobody
//! uses any more.
//!
//! Both rules read the clock only through [`Context::now`], so CI runs with
//! `--now` are reproducible.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Criticality, Identity, Runbook};
use chrono::TimeDelta;

/// LIF001 warns this many days before a credential expires.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// LIF002 fires when an identity was last used more than this many days
/// before today.
pub const UNUSED_AFTER_DAYS: i64 = 90;

pub static CREDENTIAL_EXPIRED: RuleInfo = RuleInfo {
    code: "LIF001",
    name: "credential-expired",
    severity: Severity::Error,
    summary: "`credential.expires` is before now (a warning within 30 days of it)",
    rationale: "An expired certificate or vendor credential fails at the worst moment: the historian's TLS certificate lapses on a Sunday night and the MES, then the line, stop with it. Or it does not fail, because the system does not check expiry, and a credential the plant believes dead still opens a session. Thirty days' warning leaves time to renew through change control. A bare date means midnight at the start of that day, plant time: `expires: 2026-12-31` is expired from 31 December 00:00.",
    mapping: &["NHI7", "SR 1.5"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: historian-tls-cert\n    kind: certificate\n    owner: plant-manager\n    credential: { type: rotated, rotation: 365d, last_rotated: 2026-11-01, expires: 2026-11-15, storage: vault }\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: historian-tls-cert\n    kind: certificate\n    owner: plant-manager\n    credential: { type: rotated, rotation: 365d, last_rotated: 2026-11-01, expires: 2027-11-01, storage: vault }\n    last_used: 2026-11-20\n",
};

/// LIF001: credentials past (error) or near (warning) their `expires`.
pub struct CredentialExpired;

impl Rule for CredentialExpired {
    fn info(&self) -> &'static RuleInfo {
        &CREDENTIAL_EXPIRED
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let tz = cx.runbook.plant.timezone.value;
        let soon = TimeDelta::days(EXPIRY_WARNING_DAYS);
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let Some(expires) = identity.credential.as_ref().and_then(|c| c.expires) else {
                continue;
            };
            let at = expires.value.instant(tz);
            let when = at.format("%Y-%m-%d %H:%M");
            let id = &identity.id;
            let left = at - cx.now;
            let finding = if left <= TimeDelta::zero() {
                Finding::new(
                    &CREDENTIAL_EXPIRED,
                    Subject::Identity(i),
                    expires.span,
                    format!("credential of `{id}` expired on {when}"),
                )
                .help(format!(
                    "renew the credential and update `expires`, or revoke `{id}` if nothing needs it any more"
                ))
            } else if left <= soon {
                let days = match left.num_days() {
                    0 => "less than a day".to_owned(),
                    1 => "1 day".to_owned(),
                    n => format!("{n} days"),
                };
                Finding::new(
                    &CREDENTIAL_EXPIRED,
                    Subject::Identity(i),
                    expires.span,
                    format!("credential of `{id}` expires in {days}, on {when}"),
                )
                .severity(Severity::Warning)
                .help("plan the renewal now and update `expires` once it is done")
            } else {
                continue;
            };
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod lif001_tests {
    use super::super::testing::{lines, lint_case, of};
    use crate::lint::Severity;

    fn cert(id: &str, expires: &str) -> String {
        format!(
            "  - id: {id}
    kind: certificate
    owner: plant-manager
    credential:
      type: ephemeral
      expires: {expires}
    last_used: 2026-11-20
"
        )
    }

    #[test]
    fn lif001_errors_past_expiry_and_warns_within_thirty_days() {
        let case = format!(
            "identities:\n{}{}{}",
            cert("old", "2026-11-01"),
            cert("soon", "2026-12-15T18:00"),
            cert("today", "2026-11-22T09:00"),
        );
        let report = lint_case(&case);
        assert_eq!(lines(&report, "LIF001"), [7, 14, 21]);
        let found = of(&report, "LIF001");
        let severity = |id: &str| {
            found
                .iter()
                .find(|d| d.message.contains(&format!("`{id}`")))
                .map(|d| d.severity)
        };
        assert_eq!(severity("old"), Some(Severity::Error));
        assert_eq!(severity("soon"), Some(Severity::Warning));
        // Expired at the very instant of `expires`.
        assert_eq!(severity("today"), Some(Severity::Error));
        assert!(
            found.iter().any(
                |d| d.message == "credential of `soon` expires in 23 days, on 2026-12-15 18:00"
            )
        );
    }

    #[test]
    fn lif001_reads_a_bare_date_as_the_start_of_that_day() {
        // Now is 22 November 09:00: a credential "expiring on the 22nd" is already expired.
        let report = lint_case(&format!("identities:\n{}", cert("k", "2026-11-22")));
        let found = of(&report, "LIF001");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].message,
            "credential of `k` expired on 2026-11-22 00:00"
        );
    }

    #[test]
    fn lif001_is_quiet_beyond_thirty_days_and_without_expires() {
        let case = format!(
            "identities:\n{}{}",
            cert("later", "2026-12-22T09:01"),
            "  - { id: no-expiry, kind: api-key, owner: plant-manager, last_used: 2026-11-20 }\n"
        );
        let report = lint_case(&case);
        assert_eq!(lines(&report, "LIF001"), Vec::<u32>::new());
    }
}

pub static UNUSED_BUT_ACTIVE: RuleInfo = RuleInfo {
    code: "LIF002",
    name: "unused-but-active",
    severity: Severity::Warning,
    summary: "`last_used` is missing or more than 90 days before today (an error when the identity touches a `safety` system)",
    rationale: "A dormant identity is pure risk: it does no work, nobody watches it, and its credential still opens the door. Attackers favour valid accounts nobody uses (MITRE ATT&CK for ICS T0859). An identity with no recorded last use is one nobody can show is needed. On a safety system the stakes are a safety function, hence an error. Every identity counts, human accounts included: a named account idle for 90 days is usually a leaver's.",
    mapping: &["NHI1", "ID.AM-08", "T0859"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: old-export-key\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-05-04\n",
    passes: "identities:\n  - id: old-export-key\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n",
};

/// LIF002: identities with no recorded use in the last 90 days.
pub struct UnusedButActive;

impl Rule for UnusedButActive {
    fn info(&self) -> &'static RuleInfo {
        &UNUSED_BUT_ACTIVE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let today = cx.today();
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let id = &identity.id;
            let (span, message) = match identity.last_used {
                None => (id.span, format!("identity `{id}` has no `last_used`")),
                Some(used) => {
                    let days = (today - used.value).num_days();
                    if days <= UNUSED_AFTER_DAYS {
                        continue;
                    }
                    let message =
                        format!("identity `{id}` was last used on {used}, {days} days ago");
                    (used.span, message)
                }
            };
            let help = "ask its owner whether it is still needed: record `last_used` if it is, revoke it if it is not";
            let mut f = Finding::new(&UNUSED_BUT_ACTIVE, Subject::Identity(i), span, message);
            if let Some(system) = safety_system(cx.runbook, identity) {
                f.diagnostic.message += &format!(", and it touches safety system `{system}`");
                f = f.severity(Severity::Error);
            }
            out.push(f.help(help));
        }
    }
}

/// The first `safety` system the identity touches, if any.
fn safety_system<'r>(rb: &'r Runbook, identity: &'r Identity) -> Option<&'r str> {
    let serves = identity.serves.iter().flatten();
    identity
        .access
        .iter()
        .map(|a| &a.system)
        .chain(serves)
        .find(|s| {
            rb.system(&s.value)
                .is_some_and(|s| s.criticality == Criticality::Safety)
        })
        .map(|s| s.value.as_str())
}

#[cfg(test)]
mod lif002_tests {
    use super::super::testing::{lines, lint_case, of};
    use crate::lint::Severity;

    #[test]
    fn lif002_points_at_last_used_or_the_id_and_errors_on_safety_systems() {
        let report = lint_case(
            "identities:
  - id: never-seen
    kind: api-key
    owner: plant-manager
  - id: idle-mes
    kind: api-key
    owner: plant-manager
    access: { mes: read }
    last_used: 2026-08-23
  - id: idle-line1
    kind: plc-credential
    owner: shift-lead
    access: { line1: none }
    last_used: 2026-08-01
",
        );
        assert_eq!(lines(&report, "LIF002"), [2, 9, 14]);
        let found = of(&report, "LIF002");
        let severities: Vec<Severity> = found.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities,
            [Severity::Warning, Severity::Warning, Severity::Error]
        );
        assert_eq!(
            found[2].message,
            "identity `idle-line1` was last used on 2026-08-01, 113 days ago, and it touches safety system `line1`"
        );
    }

    #[test]
    fn lif002_is_quiet_up_to_ninety_days() {
        // 24 August is exactly 90 days before 22 November.
        let report = lint_case(
            "identities:
  - { id: k, kind: api-key, owner: plant-manager, access: { line1: read }, last_used: 2026-08-24 }
",
        );
        assert_eq!(lines(&report, "LIF002"), Vec::<u32>::new());
    }
}

pub static RULES: &[&dyn Rule] = &[&CredentialExpired, &UnusedButActive];
