//! GR009: a level that can never be reached in time.

use super::expand;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};

// ---------------------------------------------------------------- GR009

pub static STALLED_LEVEL: RuleInfo = RuleInfo {
    code: "GR009",
    name: "stalled-level",
    severity: Severity::Error,
    summary: "a level that is not the last has no `after` (neither its own nor its role's)",
    rationale: "A level without a timer is where the chain ends: resolution never moves on, so the levels after it (and any escalation) are written down but never called. When the person at that level does not answer, nobody else is asked. The OT security lead gets a call-out that silently stops; the auditor, an escalation path that exists only on paper.",
    mapping: &["RS.MA-04"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-pause\n    match: { identity: mes-service }\n    actions: [pause]\n    decide: [{ person: dana }, { role: plant-manager }]\n",
    passes: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-pause\n    match: { identity: mes-service }\n    actions: [pause]\n    decide: [{ person: dana, after: 10m }, { role: plant-manager }]\n",
};

/// GR009: levels without a timer before the end of a chain, in rules and in `declare`.
pub struct StalledLevel;

impl Rule for StalledLevel {
    fn info(&self) -> &'static RuleInfo {
        &STALLED_LEVEL
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut roles_reported = vec![false; rb.roles.len()];
        let rules = rb.rules.iter().enumerate().filter_map(|(k, rule)| {
            let decide = rule.decide()?;
            let name = format!("rule `{}`", rule.id.value);
            Some((Subject::Rule(k), name, &decide.levels[..]))
        });
        let states = rb.states.iter().enumerate().map(|(i, state)| {
            let name = format!("the `declare` chain of state `{}`", state.id.value);
            (Subject::State(i), name, &state.declare[..])
        });
        for (subject, name, levels) in rules.chain(states) {
            let chain = expand(rb, levels);
            for pair in chain.windows(2) {
                let [link, next] = pair else { continue };
                let own = link.level.and_then(|(_, l)| l.after);
                if own.is_some() || link.role.is_some_and(|j| rb.roles[j].after.is_some()) {
                    continue;
                }
                let (this, then) = (link.id, next.id);
                let witness = format!("{this} waits forever; {then} is never reached");
                if let Some((n, level)) = link.level {
                    let never = match next.level {
                        Some((m, _)) => format!("level {} (`{then}`) is never called", m + 1),
                        None => format!("its escalation to `{then}` never happens"),
                    };
                    let message = format!(
                        "level {} (`{this}`) of {name} has no `after`, so {never}",
                        n + 1
                    );
                    out.push(
                        Finding::new(&STALLED_LEVEL, subject, level.span, message)
                            .witness(witness)
                            .help(
                                "give the level an `after` (or its role one), such as `after: 10m`",
                            ),
                    );
                    continue;
                }
                // A role reached by escalation: its own `after` is its only timer.
                let Some(j) = link.role.filter(|&j| !roles_reported[j]) else {
                    continue;
                };
                roles_reported[j] = true;
                let role = &rb.roles[j];
                let span = role.escalates_to.as_ref().map_or(role.id.span, |e| e.span);
                let message = format!(
                    "role `{this}` escalates to `{then}` but has no `after`, so chains that reach it by escalation stop there"
                );
                out.push(
                    Finding::new(&STALLED_LEVEL, Subject::Role(j), span, message)
                        .witness(witness)
                        .help(format!(
                            "give role `{this}` an `after`, such as `after: 15m`"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod gr009 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr009_points_at_levels_without_a_timer_in_rules_declare_and_escalation() {
        let report = lint_case(
            "states:
  - id: commissioning
    declare: [{ person: dana }, { role: plant-manager }]
roles:
  - { id: night-desk, members: [bob], escalates_to: plant-manager }
identities:
  - { id: mes-service, kind: service-account, access: { mes: { default: write } } }
authority:
  - id: mes-pause
    match: { identity: mes-service }
    actions: [pause]
    decide: [{ person: dana }, { role: plant-manager }]
  - id: mes-revoke
    match: { identity: mes-service }
    actions: [revoke]
    decide: [{ role: shift-lead, after: 5m }, { role: night-desk, after: 5m }]
  - id: mes-rotate
    match: { identity: mes-service }
    actions: [rotate]
    decide: [{ role: night-desk }]
",
        );
        assert_eq!(lines(&report, "GR009"), [3, 12, 20]);
        let found = of(&report, "GR009");
        assert_eq!(
            found[1].message,
            "level 1 (`dana`) of rule `mes-pause` has no `after`, so level 2 (`plant-manager`) is never called"
        );
        assert_eq!(
            found[1].witness.as_deref(),
            Some("dana waits forever; plant-manager is never reached")
        );
        assert_eq!(
            found[2].message,
            "level 1 (`night-desk`) of rule `mes-rotate` has no `after`, so its escalation to `plant-manager` never happens"
        );
    }

    #[test]
    fn gr009_reports_a_role_reached_by_escalation_without_a_timer() {
        let report = lint_case(
            "roles:
  - { id: day-desk, members: [alice], after: 5m, escalates_to: night-desk }
  - { id: night-desk, members: [bob], escalates_to: plant-manager }
identities:
  - { id: mes-service, kind: service-account, access: { mes: { default: write } } }
authority:
  - { id: mes-pause, match: { identity: mes-service }, actions: [pause], decide: [{ role: day-desk }] }
",
        );
        assert_eq!(lines(&report, "GR009"), [3]);
        assert_eq!(
            of(&report, "GR009")[0].message,
            "role `night-desk` escalates to `plant-manager` but has no `after`, so chains that reach it by escalation stop there"
        );
    }

    #[test]
    fn gr009_is_quiet_when_only_the_last_level_has_no_timer() {
        let report = lint_case(
            "identities:
  - { id: mes-service, kind: service-account, access: { mes: { default: write } } }
authority:
  - id: mes-pause
    match: { identity: mes-service }
    actions: [pause]
    decide: [{ person: dana, after: 10m }, { role: shift-lead }, { person: chen }]
",
        );
        assert!(of(&report, "GR009").is_empty());
    }
}
