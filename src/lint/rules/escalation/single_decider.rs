//! GR005: one person is the only decider of a critical action.

use super::{ACTIONS, Population, state_name};
use crate::engine::authority::Selection;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Action, Criticality};
use std::collections::BTreeMap;

// ---------------------------------------------------------------- GR005

pub static SINGLE_DECIDER: RuleInfo = RuleInfo {
    code: "GR005",
    name: "single-decider",
    severity: Severity::Warning,
    summary: "across its whole chain at all times, only one person can decide an action on a `high`/`safety` identity (error for `safety`)",
    rationale: "A chain that can only ever reach one person, whatever the shift, the backups and the escalation, fails the day that person is ill, on leave or the one under suspicion. For the OT security lead it is a single point of failure in incident response; for the auditor, a segregation-of-duties and continuity gap. It is an error when the identity touches a `safety` system.",
    mapping: &["GV.RR-02"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-pause\n    match: { identity: mes-service }\n    actions: [pause]\n    decide: [{ person: dana }]\n",
    passes: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-pause\n    match: { identity: mes-service }\n    actions: [pause]\n    decide: [{ person: dana, after: 10m }, { person: chen }]\n",
};

/// GR005: rules that win for a critical identity but can only ever reach one person.
pub struct SingleDecider;

/// How a rule is used on critical identities.
struct Use<'r> {
    identities: usize,
    last_cohort: usize,
    safety: bool,
    actions: Vec<Action>,
    example: (usize, Action, &'r str),
}

impl Rule for SingleDecider {
    fn info(&self) -> &'static RuleInfo {
        &SINGLE_DECIDER
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let population = Population::new(cx, |_| true);
        let mut uses: BTreeMap<usize, Use> = BTreeMap::new();
        for (c, cohort) in population.cohorts.iter().enumerate() {
            if !cohort.critical() {
                continue;
            }
            for &state in &population.states {
                for action in ACTIONS {
                    let Selection::Rule(k) = population.select(cx, cohort, action, state) else {
                        continue;
                    };
                    let used = uses.entry(k).or_insert(Use {
                        identities: 0,
                        last_cohort: usize::MAX,
                        safety: false,
                        actions: Vec::new(),
                        example: (cohort.first(), action, state),
                    });
                    if used.last_cohort != c {
                        used.last_cohort = c;
                        used.identities += cohort.identities.len();
                    }
                    used.safety |= cohort.top() == Some(Criticality::Safety);
                    if !used.actions.contains(&action) {
                        used.actions.push(action);
                    }
                }
            }
        }
        let graph = &cx.engine.graphs.escalation;
        for (k, used) in uses {
            let people = graph.people_reachable_from_rule(k);
            let [person] = people.as_slice() else {
                continue;
            };
            let rule = &rb.rules[k];
            let (identity, action, state) = used.example;
            let identity = &rb.identities[identity].id.value;
            let others = match used.identities.saturating_sub(1) {
                0 => String::new(),
                1 => " and 1 other identity".to_owned(),
                n => format!(" and {n} other identities"),
            };
            let mut actions = used.actions;
            actions.sort();
            let actions: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
            let (severity, level) = if used.safety {
                (Severity::Error, "safety")
            } else {
                (Severity::Warning, "high")
            };
            out.push(
                Finding::new(
                    &SINGLE_DECIDER,
                    Subject::Rule(k),
                    rule.id.span,
                    format!(
                        "only `{person}` can ever decide under rule `{}`, which governs `{identity}`{others}",
                        rule.id.value
                    ),
                )
                .severity(severity)
                .witness(format!(
                    "lone decider: {person} ({} of {identity} in {}, on a {level} system; actions: {})",
                    action,
                    state_name(state),
                    actions.join(", ")
                ))
                .help(format!(
                    "add a level, a second person to its roles, or a `backup` for `{person}`, so someone else can decide when `{person}` cannot"
                )),
            );
        }
    }
}

#[cfg(test)]
mod gr005 {
    use crate::lint::Severity;
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr005_names_the_lone_decider_and_errs_on_safety_identities() {
        let report = lint_case(
            "people:
  - { id: erin }
identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - id: plc-pause
    match: { kind: plc-credential }
    actions: [pause, revoke]
    decide: [{ person: erin }]
",
        );
        assert_eq!(lines(&report, "GR005"), [6]);
        let finding = of(&report, "GR005")[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(
            finding.message,
            "only `erin` can ever decide under rule `plc-pause`, which governs `plc-a`"
        );
        assert_eq!(
            finding.witness.as_deref(),
            Some(
                "lone decider: erin (pause of plc-a in normal, on a safety system; actions: pause, revoke)"
            )
        );
    }

    #[test]
    fn gr005_counts_backups_and_escalation_as_other_deciders() {
        let report = lint_case(
            "people:
  - { id: erin, backup: dana }
roles:
  - { id: solo, members: [dana], after: 5m, escalates_to: plant-manager }
identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - { id: by-erin, match: { kind: plc-credential }, actions: [pause], decide: [{ person: erin }] }
  - { id: by-solo, match: { kind: plc-credential }, actions: [revoke], decide: [{ role: solo }] }
",
        );
        assert!(of(&report, "GR005").is_empty());
    }
}
