//! GR002: an identity, state and action that no authority rule covers.

use super::{Population, state_name};
use crate::engine::authority::Selection;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::Action;

// ---------------------------------------------------------------- GR002

pub static UNCOVERED_AUTHORITY: RuleInfo = RuleInfo {
    code: "GR002",
    name: "uncovered-authority",
    severity: Severity::Error,
    summary: "an identity touching a `high`/`safety` system has no rule for `pause` or `revoke` (and `disconnect` for vendor sessions) in some state",
    rationale: "When an identity on a critical system misbehaves, the first question is who may pause it or pull its credential. An uncovered query has no answer: responders improvise, or wait. A `forbid` rule is an answer (someone decided that nobody may); silence is not. The OT security lead gets the exact states and actions to write down; the auditor gets evidence that response authority is assigned for every critical identity.",
    mapping: &["GV.RR-02", "RS.MA-01", "RS.MI-01"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: line1-plc-key\n    kind: plc-credential\n    owner: shift-lead\n    access: { line1: { default: write } }\n    serves: [line1]\nauthority:\n  - id: line1-pause\n    match: { system: line1 }\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n",
    passes: "identities:\n  - id: line1-plc-key\n    kind: plc-credential\n    owner: shift-lead\n    access: { line1: { default: write } }\n    serves: [line1]\nauthority:\n  - id: line1-pause-revoke\n    match: { system: line1 }\n    actions: [pause, revoke]\n    decide: [{ role: shift-lead }]\n",
};

/// GR002: critical identities whose `pause`, `revoke` (or `disconnect`) is uncovered.
pub struct UncoveredAuthority;

impl Rule for UncoveredAuthority {
    fn info(&self) -> &'static RuleInfo {
        &UNCOVERED_AUTHORITY
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let population = Population::new(cx, |_| true);
        for cohort in population.cohorts.iter().filter(|c| c.critical()) {
            let mut actions = vec![Action::Pause, Action::Revoke];
            if cohort.vendor_session {
                actions.push(Action::Disconnect);
            }
            // Per action, the states in which it is uncovered.
            let mut gaps: Vec<(Action, Vec<&str>)> = Vec::new();
            for action in actions {
                let states: Vec<&str> = population
                    .states
                    .iter()
                    .copied()
                    .filter(|state| {
                        population.select(cx, cohort, action, state) == Selection::Uncovered
                    })
                    .collect();
                if !states.is_empty() {
                    gaps.push((action, states));
                }
            }
            let Some((action, Some(state))) = gaps.first().map(|(a, s)| (a, s.first())) else {
                continue;
            };
            let pairs: usize = gaps.iter().map(|(_, s)| s.len()).sum();
            let more = match pairs.saturating_sub(1) {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            let witness = gaps
                .iter()
                .map(|(action, states)| {
                    let states: Vec<&str> = states.iter().map(|s| state_name(s)).collect();
                    format!("{action} in {}", states.join(", "))
                })
                .collect::<Vec<_>>()
                .join("; ");
            for &i in &cohort.identities {
                let identity = &rb.identities[i];
                let system = identity
                    .touches()
                    .into_iter()
                    .filter_map(|id| rb.system(id))
                    .find(|s| Some(s.criticality) == cohort.top());
                let on = system.map_or_else(String::new, |s| {
                    format!(" ({} system `{}`)", s.criticality, s.id.value)
                });
                out.push(
                    Finding::new(
                        &UNCOVERED_AUTHORITY,
                        Subject::Identity(i),
                        identity.id.span,
                        format!(
                            "no rule covers `{action}` of `{}`{on} in `{}`{more}",
                            identity.id.value,
                            state_name(state),
                        ),
                    )
                    .witness(format!("uncovered: {witness}"))
                    .help("add a rule that says who decides, or a `forbid` rule if nobody may"),
                );
            }
        }
    }
}

#[cfg(test)]
mod gr002 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr002_lists_every_uncovered_state_and_action_of_a_critical_identity() {
        let report = lint_case(
            "identities:
  - id: remote-acme
    kind: vendor-session
    vendor: Acme
    access: { mes: { default: read } }
  - id: tidy-agent
    kind: ai-agent
    access: { mes: { default: read } }
authority:
  - id: pause-everything
    match: {}
    actions: [pause]
    decide: [{ role: shift-lead }]
  - id: no-revoke-in-maintenance
    match: {}
    states: [maintenance]
    actions: [revoke]
    forbid: Lockout in effect
  - id: revoke-elsewhere
    match: {}
    states: [normal, emergency]
    actions: [revoke]
    decide: [{ role: plant-manager }]
",
        );
        assert_eq!(lines(&report, "GR002"), [2]);
        let finding = of(&report, "GR002")[0];
        assert_eq!(
            finding.message,
            "no rule covers `disconnect` of `remote-acme` (high system `mes`) in `normal` (and 2 more)"
        );
        assert_eq!(
            finding.witness.as_deref(),
            Some("uncovered: disconnect in normal, maintenance, emergency")
        );
    }

    #[test]
    fn gr002_is_quiet_on_identities_off_critical_systems() {
        let report = lint_case(
            "systems:
  - { id: canteen, name: Canteen tills, zone: it, criticality: low, owner: plant-manager }
identities:
  - id: till-key
    kind: api-key
    access: { canteen: { default: write } }
",
        );
        assert!(of(&report, "GR002").is_empty());
    }
}
