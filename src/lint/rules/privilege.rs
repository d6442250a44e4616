//! PRV: standing privilege on critical systems and access kept during a lockout.
//!
//! Both rules read an identity's `access` table state by state; neither
//! resolves anything, so they cost one pass over the identities.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Access, AccessLevel, IdentityKind, Runbook};
use std::collections::HashMap;

/// The level of `access` in each state the runbook defines, or its
/// `default` alone when it defines none.
fn levels<'a>(rb: &'a Runbook, access: &'a Access) -> impl Iterator<Item = AccessLevel> + 'a {
    let default = rb.states.is_empty().then_some(access.default);
    let states = rb.states.iter().map(|s| access.level_in(&s.id.value));
    default.into_iter().chain(states)
}

pub static STANDING_PRIVILEGE: RuleInfo = RuleInfo {
    code: "PRV001",
    name: "standing-privilege",
    severity: Severity::Warning,
    summary: "a non-human identity has `write` or `control` on a `high`/`safety` system in every state",
    rationale: "A machine identity that can write to a critical system at every hour of every state is the first thing an intruder looks for: its secret is rarely watched, it never goes home, and whoever steals it inherits its reach on the PLC, the MES or the robot cell. Per-state access lets a runbook grant write only when production needs it (commissioning, a vendor window) and read the rest of the time. The rule fires when the lowest level over all states is still `write` or `control`; an auditor reads a finding, or its suppression and reason, as the record that standing write access to this system was considered and accepted (least privilege, NIST CSF PR.AA-05; OWASP NHI5, overprivileged NHI).",
    mapping: &["NHI5", "PR.AA-05"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: recipe-loader\n    kind: service-account\n    owner: shift-lead\n    access:\n      line1: { default: write }\n    serves: []\n",
    passes: "identities:\n  - id: recipe-loader\n    kind: service-account\n    owner: shift-lead\n    access:\n      line1: { default: read, normal: write }\n    serves: []\n",
};

/// PRV001: write or control on a critical system that never drops in any state.
pub struct StandingPrivilege;

impl Rule for StandingPrivilege {
    fn info(&self) -> &'static RuleInfo {
        &STANDING_PRIVILEGE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.kind.value == IdentityKind::Human {
                continue;
            }
            for access in &identity.access {
                let Some(system) = rb.system(&access.system.value) else {
                    continue;
                };
                if !system.criticality.is_critical() || access.max_level() < AccessLevel::Write {
                    continue;
                }
                let lowest = levels(rb, access).min().unwrap_or(access.default);
                if lowest < AccessLevel::Write {
                    continue;
                }
                let level = if lowest == access.max_level() {
                    format!("`{lowest}`")
                } else {
                    format!("`{lowest}` or more")
                };
                out.push(
                    Finding::new(
                        &STANDING_PRIVILEGE,
                        Subject::Identity(i),
                        access.span,
                        format!(
                            "`{}` has {level} on {} system `{}` in every state",
                            identity.id.value, system.criticality, system.id.value
                        ),
                    )
                    .help(format!(
                        "lower `default` to `read` or `none` and grant `{lowest}` only in the states that need it (for example `{{ default: read, commissioning: {lowest} }}`)"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod prv001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn prv001_points_at_standing_write_or_control_on_critical_systems() {
        let report = lint_case(
            "systems:
  - { id: labeller, name: Labeller, zone: ot, criticality: low, owner: shift-lead }
identities:
  - id: mes-writer
    kind: service-account
    access:
      mes: { default: write, maintenance: control }
      line1: { default: control }
      labeller: { default: control }
    serves: []
  - id: h-alice
    kind: human
    access:
      line1: { default: control }
    serves: []
",
        );
        assert_eq!(lines(&report, "PRV001"), [7, 8]);
        let messages: Vec<&str> = of(&report, "PRV001")
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            messages
                .contains(&"`mes-writer` has `write` or more on high system `mes` in every state"),
            "{messages:?}"
        );
        assert!(
            messages
                .contains(&"`mes-writer` has `control` on safety system `line1` in every state"),
            "{messages:?}"
        );
    }

    #[test]
    fn prv001_looks_at_the_level_in_each_state_and_is_quiet_when_one_drops_below_write() {
        let report = lint_case(
            "identities:
  - id: mes-writer
    kind: service-account
    access:
      mes: { default: write, emergency: read }
      line1: { default: none, maintenance: control, normal: control, emergency: control }
    serves: []
",
        );
        // `default: none` covers no state here: every state is listed at `control`.
        assert_eq!(lines(&report, "PRV001"), [6]);
        let report = lint_case(
            "identities:
  - id: mes-writer
    kind: service-account
    access:
      mes: { default: write, emergency: read }
    serves: []
",
        );
        assert!(of(&report, "PRV001").is_empty());
    }
}

pub static LOCKOUT_ACCESS: RuleInfo = RuleInfo {
    code: "PRV002",
    name: "lockout-access",
    severity: Severity::Error,
    summary: "in a state whose `lockout` lists a system, a non-human identity keeps `write` or `control` on it",
    rationale: "Lockout/tagout protects the people working inside a de-energised machine: the padlock says nothing will move. An automation account that can still write to the locked-out PLC or robot controller can undo that promise from the network (a recipe download, a restart, a setpoint), whoever holds the padlock. The runbook already says which systems a state locks out; every non-human identity must drop to `read` or `none` on them in that state. The finding points at the access entry and names the state, so the fix is one line (IEC 62443-3-3 SR 2.1, authorization enforcement).",
    mapping: &["SR 2.1"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: recipe-loader\n    kind: service-account\n    owner: shift-lead\n    access:\n      line1: { default: write }\n    serves: []\n",
    passes: "identities:\n  - id: recipe-loader\n    kind: service-account\n    owner: shift-lead\n    access:\n      line1: { default: write, maintenance: read }\n    serves: []\n",
};

/// PRV002: write or control kept on a system its state locks out.
pub struct LockoutAccess;

impl Rule for LockoutAccess {
    fn info(&self) -> &'static RuleInfo {
        &LOCKOUT_ACCESS
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        // Locked-out system id -> (state, the lockout entry), in state order.
        let mut locked: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (k, state) in rb.states.iter().enumerate() {
            for (e, system) in state.lockout.iter().enumerate() {
                let states = locked.entry(system.value.as_str()).or_default();
                if !states.iter().any(|&(s, _)| s == k) {
                    states.push((k, e));
                }
            }
        }
        if locked.is_empty() {
            return;
        }
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.kind.value == IdentityKind::Human {
                continue;
            }
            for access in &identity.access {
                let Some(states) = locked.get(access.system.value.as_str()) else {
                    continue;
                };
                for &(k, e) in states {
                    let state = &rb.states[k];
                    let level = access.level_in(&state.id.value);
                    if level < AccessLevel::Write {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &LOCKOUT_ACCESS,
                            Subject::Identity(i),
                            access.span,
                            format!(
                                "`{}` keeps `{level}` on `{}` in state `{}`, which locks it out",
                                identity.id.value, access.system.value, state.id.value
                            ),
                        )
                        .related(state.lockout[e].span, "locked out here")
                        .help(format!(
                            "add `{}: none` (or `read`) to this access entry",
                            state.id.value
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod prv002_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn prv002_points_at_the_access_entry_and_names_the_state() {
        let report = lint_case(
            "identities:
  - id: plc-writer
    kind: plc-credential
    access:
      mes: { default: write }
      line1: { default: read, maintenance: control }
    serves: []
  - id: h-alice
    kind: human
    access:
      line1: { default: control }
    serves: []
",
        );
        assert_eq!(lines(&report, "PRV002"), [6]);
        assert_eq!(
            of(&report, "PRV002")[0].message,
            "`plc-writer` keeps `control` on `line1` in state `maintenance`, which locks it out"
        );
    }

    #[test]
    fn prv002_is_quiet_when_the_lockout_state_drops_to_read() {
        let report = lint_case(
            "identities:
  - id: plc-writer
    kind: plc-credential
    access:
      line1: { default: write, maintenance: read }
    serves: []
",
        );
        assert!(of(&report, "PRV002").is_empty());
    }
}

pub static RULES: &[&dyn Rule] = &[&StandingPrivilege, &LockoutAccess];
