//! GR008: a rule that never wins.

use super::{ACTIONS, Population, same_chain, state_name};
use crate::engine::authority::{Selection, select, specificity};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::Action;

// ---------------------------------------------------------------- GR008

pub static DEAD_RULE: RuleInfo = RuleInfo {
    code: "GR008",
    name: "dead-rule",
    severity: Severity::Warning,
    summary: "a rule matches no identity, or never wins for any identity, state and action it covers",
    rationale: "A rule that never applies is a promise the runbook does not keep: readers believe the chain it names is in force, and it is not. Usually a typo in a selector, an identity retired without its rule, or a more specific rule written later. The OT security lead learns which chains are dead letters; the auditor, that the runbook says what it does.",
    mapping: &[],
    stage: Stage::Lint,
    fires: "authority:\n  - id: ai-agents\n    match: { kind: ai-agent }\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n",
    passes: "identities:\n  - id: tuning-agent\n    kind: ai-agent\n    access: { mes: { default: read } }\nauthority:\n  - id: ai-agents\n    match: { kind: ai-agent }\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n",
};

/// GR008: rules that match nothing, or always lose.
pub struct DeadRule;

impl Rule for DeadRule {
    fn info(&self) -> &'static RuleInfo {
        &DEAD_RULE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let population = Population::new(cx, |_| true);
        let rules = rb.rules.len();
        let mut won = vec![false; rules];
        // The first query in which a rule was a candidate but did not win.
        let mut lost: Vec<Option<(usize, Action, &str, Selection)>> = vec![None; rules];
        for cohort in &population.cohorts {
            for &state in &population.states {
                for action in ACTIONS {
                    let candidates = cohort.candidates(rb, action, state);
                    if candidates.is_empty() {
                        continue;
                    }
                    let selection = select(rb, &candidates);
                    // A tie is a win for GR008's purpose: GR003 reports it.
                    match &selection {
                        Selection::Rule(k) => won[*k] = true,
                        Selection::Forbidden(ks) | Selection::Ambiguous(ks) => {
                            ks.iter().for_each(|&k| won[k] = true);
                        }
                        Selection::Uncovered => {}
                    }
                    for k in candidates {
                        if !won[k] && lost[k].is_none() {
                            lost[k] = Some((cohort.first(), action, state, selection.clone()));
                        }
                    }
                }
            }
        }
        for (k, rule) in rb.rules.iter().enumerate() {
            if won[k] {
                continue;
            }
            let finding = match &lost[k] {
                None => Finding::new(
                    &DEAD_RULE,
                    Subject::Rule(k),
                    rule.id.span,
                    format!("rule `{}` matches no identity", rule.id.value),
                )
                .witness(match rb.identities.len() {
                    1 => "its match does not select the only identity".to_owned(),
                    n => format!("its match selects none of the {n} identities"),
                })
                .help(
                    "check the `match` keys for a typo or a retired identity, or remove the rule",
                ),
                Some((identity, action, state, selection)) => {
                    let (winner, why) = match selection {
                        Selection::Rule(w)
                            if same_chain(rb, *w, k)
                                && specificity(&rb.rules[*w]) == specificity(rule) =>
                        {
                            (*w, "is defined first with the same chain")
                        }
                        Selection::Rule(w) => (*w, "is more specific"),
                        Selection::Forbidden(ws) => match ws.first() {
                            Some(&w) => (w, "forbids the action"),
                            None => continue,
                        },
                        Selection::Ambiguous(ws) => match ws.first() {
                            Some(&w) => (w, "is more specific"),
                            None => continue,
                        },
                        // Not recorded: the rule was a candidate, so there was one.
                        Selection::Uncovered => continue,
                    };
                    let winner_id = &rb.rules[winner].id;
                    Finding::new(
                        &DEAD_RULE,
                        Subject::Rule(k),
                        rule.id.span,
                        format!("rule `{}` never wins: `{}` {why}", rule.id.value, winner_id.value),
                    )
                    .related(winner_id.span, format!("`{}` wins here", winner_id.value))
                    .witness(format!(
                        "{action} of {} in {}: {} wins",
                        rb.identities[*identity].id.value,
                        state_name(state),
                        winner_id.value
                    ))
                    .help("remove the rule, or narrow the rule that wins so this one applies where intended")
                }
            };
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod gr008 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr008_reports_rules_that_match_nothing_or_always_lose() {
        let report = lint_case(
            "identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - { id: agents, match: { kind: ai-agent }, actions: [pause], decide: [{ role: shift-lead }] }
  - { id: plc-general, match: { kind: plc-credential }, actions: [pause], decide: [{ role: shift-lead }] }
  - { id: plc-a-only, match: { identity: plc-a }, actions: [pause], decide: [{ role: plant-manager }] }
  - { id: plc-twin, match: { identity: plc-a }, actions: [pause], decide: [{ role: plant-manager }] }
",
        );
        assert_eq!(lines(&report, "GR008"), [4, 5, 7]);
        let found = of(&report, "GR008");
        assert_eq!(found[0].message, "rule `agents` matches no identity");
        assert_eq!(
            found[0].witness.as_deref(),
            Some("its match does not select the only identity")
        );
        assert_eq!(
            found[1].message,
            "rule `plc-general` never wins: `plc-a-only` is more specific"
        );
        assert_eq!(
            found[1].witness.as_deref(),
            Some("pause of plc-a in normal: plc-a-only wins")
        );
        assert_eq!(
            found[2].message,
            "rule `plc-twin` never wins: `plc-a-only` is defined first with the same chain"
        );
    }

    #[test]
    fn gr008_is_quiet_on_a_rule_that_wins_in_one_state() {
        let report = lint_case(
            "identities:
  - { id: plc-a, kind: plc-credential, access: { line1: { default: write } } }
authority:
  - { id: plc-general, match: { kind: plc-credential }, actions: [pause], decide: [{ role: shift-lead }] }
  - { id: plc-a-only, match: { identity: plc-a }, states: [normal, emergency], actions: [pause], decide: [{ role: plant-manager }] }
",
        );
        assert!(of(&report, "GR008").is_empty());
    }
}
