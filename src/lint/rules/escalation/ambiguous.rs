//! GR003: two rules that tie for the same identity, state and action.

use super::{ACTIONS, Population, same_chain, state_name};
use crate::engine::authority::Selection;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::Action;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- GR003

pub static AMBIGUOUS_AUTHORITY: RuleInfo = RuleInfo {
    code: "GR003",
    name: "ambiguous-authority",
    severity: Severity::Error,
    summary: "two most-specific rules tie with different chains",
    rationale: "When two rules are equally specific and name different deciders, resolution refuses to pick one: the console shows the tie instead of a chain, in the middle of an incident. For the OT security lead, the fix is one more selector key or a `states` list; for the auditor, a tie means the runbook does not say who holds the authority.",
    mapping: &["PR.AA-05"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: line1-plc-key\n    kind: plc-credential\n    access: { line1: { default: write } }\nauthority:\n  - id: plc-credentials\n    match: { kind: plc-credential }\n    actions: [rotate]\n    decide: [{ role: shift-lead }]\n  - id: ot-zone\n    match: { zone: ot }\n    actions: [rotate]\n    decide: [{ role: plant-manager }]\n",
    passes: "identities:\n  - id: line1-plc-key\n    kind: plc-credential\n    access: { line1: { default: write } }\nauthority:\n  - id: plc-credentials\n    match: { kind: plc-credential, zone: ot }\n    actions: [rotate]\n    decide: [{ role: shift-lead }]\n  - id: ot-zone\n    match: { zone: ot }\n    actions: [rotate]\n    decide: [{ role: plant-manager }]\n",
};

/// GR003: ties between most-specific rules with different chains, one finding per pair.
pub struct AmbiguousAuthority;

/// Where a pair of rules ties: how often, and the first query.
struct Tie<'r> {
    queries: usize,
    identity: usize,
    action: Action,
    state: &'r str,
}

impl Rule for AmbiguousAuthority {
    fn info(&self) -> &'static RuleInfo {
        &AMBIGUOUS_AUTHORITY
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let population = Population::new(cx, |_| true);
        let mut ties: BTreeMap<(usize, usize), Tie> = BTreeMap::new();
        for cohort in &population.cohorts {
            for &state in &population.states {
                for action in ACTIONS {
                    let Selection::Ambiguous(winners) =
                        population.select(cx, cohort, action, state)
                    else {
                        continue;
                    };
                    for (n, &a) in winners.iter().enumerate() {
                        for &b in winners[n + 1..].iter().filter(|&&b| !same_chain(rb, a, b)) {
                            let tie = ties.entry((a, b)).or_insert(Tie {
                                queries: 0,
                                identity: cohort.first(),
                                action,
                                state,
                            });
                            tie.queries += cohort.identities.len();
                        }
                    }
                }
            }
        }
        for ((a, b), tie) in ties {
            let (first, later) = (&rb.rules[a], &rb.rules[b]);
            let more = match tie.queries.saturating_sub(1) {
                0 => String::new(),
                n => format!(" (and {n} more identity, state and action combinations)"),
            };
            out.push(
                Finding::new(
                    &AMBIGUOUS_AUTHORITY,
                    Subject::Rule(b),
                    later.id.span,
                    format!(
                        "rules `{}` and `{}` tie as most specific with different chains",
                        first.id.value, later.id.value
                    ),
                )
                .related(first.id.span, format!("`{}` is defined here", first.id.value))
                .witness(format!(
                    "{} of {} in {}: {} and {} tie{more}",
                    tie.action,
                    rb.identities[tie.identity].id.value,
                    state_name(tie.state),
                    first.id.value,
                    later.id.value,
                ))
                .help("make one rule more specific (an `identity` or `system` key, another selector key, or `states`), or give both the same chain"),
            );
        }
    }
}

#[cfg(test)]
mod gr003 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr003_reports_each_tied_pair_once_at_the_later_rule() {
        let report = lint_case(
            "identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
  - { id: plc-b, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - id: plc-credentials
    match: { kind: plc-credential }
    actions: [rotate, constrain]
    decide: [{ role: shift-lead }]
  - id: ot-zone
    match: { zone: ot }
    actions: [rotate, constrain]
    decide: [{ role: plant-manager }]
  - id: same-as-plc-credentials
    match: { criticality: safety }
    actions: [rotate]
    decide: [{ role: shift-lead }]
",
        );
        assert_eq!(lines(&report, "GR003"), [9, 13]);
        let pair = of(&report, "GR003")[0];
        assert_eq!(
            pair.message,
            "rules `plc-credentials` and `ot-zone` tie as most specific with different chains"
        );
        assert_eq!(
            pair.witness.as_deref(),
            Some(
                "rotate of plc-a in normal: plc-credentials and ot-zone tie (and 11 more identity, state and action combinations)"
            )
        );
        assert_eq!(pair.related[0].span.line, 5);
        // `same-as-plc-credentials` ties with `ot-zone` only: its chain is that of `plc-credentials`.
        assert!(
            of(&report, "GR003")[1]
                .message
                .contains("`ot-zone` and `same-as-plc-credentials`")
        );
    }

    #[test]
    fn gr003_is_quiet_when_one_rule_is_more_specific() {
        let report = lint_case(
            "identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - { id: general, match: { kind: plc-credential }, actions: [rotate], decide: [{ role: shift-lead }] }
  - { id: in-maintenance, match: { zone: ot }, states: [maintenance], actions: [rotate], decide: [{ role: plant-manager }] }
",
        );
        assert!(of(&report, "GR003").is_empty());
    }
}
