//! GR001: an escalation chain that comes back to itself.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};

// ---------------------------------------------------------------- GR001

pub static ESCALATION_CYCLE: RuleInfo = RuleInfo {
    code: "GR001",
    name: "escalation-cycle",
    severity: Severity::Error,
    summary: "`escalates_to` or `backup` edges form a cycle",
    rationale: "An escalation that loops never reaches anyone new: resolution stops at the first role it has already called, and a backup loop stops at the first person it has already tried, so the chain ends early exactly when everyone in the loop is away. For the OT security lead it is a silent dead end in the call-out at 3 a.m.; for the auditor, evidence that escalation paths were never drawn end to end.",
    mapping: &["RS.MA-04"],
    stage: Stage::Lint,
    fires: "roles:\n  - { id: security, name: Security, function: security, members: [dana], after: 10m, escalates_to: duty-manager }\n  - { id: duty-manager, name: Duty manager, function: management, members: [chen], after: 15m, escalates_to: security }\n",
    passes: "roles:\n  - { id: security, name: Security, function: security, members: [dana], after: 10m, escalates_to: duty-manager }\n  - { id: duty-manager, name: Duty manager, function: management, members: [chen], after: 15m }\n",
};

/// GR001: cycles of `escalates_to` among roles and of `backup` among people.
pub struct EscalationCycle;

impl Rule for EscalationCycle {
    fn info(&self) -> &'static RuleInfo {
        &ESCALATION_CYCLE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let graph = &cx.engine.graphs.escalation;
        // A path is `a -> ... -> z -> a`: the edge that closes it leaves `z`.
        let closing = |path: &[String]| path.len().checked_sub(2).map(|i| path[i].clone());
        for path in graph.escalation_cycles(rb) {
            let Some(&j) = closing(&path).and_then(|z| rb.index.roles.get(z.as_str())) else {
                continue;
            };
            let Some(edge) = &rb.roles[j].escalates_to else {
                continue;
            };
            let cycle = path.join(" -> ");
            out.push(
                Finding::new(
                    &ESCALATION_CYCLE,
                    Subject::Role(j),
                    edge.span,
                    format!("`escalates_to` forms a cycle: `{cycle}`"),
                )
                .witness(cycle)
                .help(
                    "end the escalation at a role without `escalates_to`, usually plant management",
                ),
            );
        }
        for path in graph.backup_cycles(rb) {
            let Some(&i) = closing(&path).and_then(|z| rb.index.people.get(z.as_str())) else {
                continue;
            };
            let Some(edge) = &rb.people[i].backup else {
                continue;
            };
            let cycle = path.join(" -> ");
            out.push(
                Finding::new(
                    &ESCALATION_CYCLE,
                    Subject::Person(i),
                    edge.span,
                    format!("`backup` forms a cycle: `{cycle}`"),
                )
                .witness(cycle)
                .help("end the backup chain with someone outside it, so it still reaches a person when everyone in the loop is away"),
            );
        }
    }
}

#[cfg(test)]
mod gr001 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr001_prints_the_whole_path_at_the_edge_that_closes_it() {
        let report = lint_case(
            "people:
  - { id: erin, backup: fred }
  - { id: fred, backup: erin }
roles:
  - { id: a-team, members: [erin], after: 5m, escalates_to: b-team }
  - { id: b-team, members: [fred], after: 5m, escalates_to: c-team }
  - { id: c-team, members: [dana], after: 5m, escalates_to: a-team }
",
        );
        assert_eq!(lines(&report, "GR001"), [3, 7]);
        let witnesses: Vec<_> = of(&report, "GR001")
            .iter()
            .filter_map(|d| d.witness.clone())
            .collect();
        assert_eq!(
            witnesses,
            [
                "erin -> fred -> erin",
                "a-team -> b-team -> c-team -> a-team"
            ]
        );
        assert!(
            of(&report, "GR001")[1]
                .message
                .contains("`a-team -> b-team -> c-team -> a-team`")
        );
    }

    #[test]
    fn gr001_is_quiet_on_chains_that_end() {
        let report = lint_case(
            "people:
  - { id: erin, backup: fred }
  - { id: fred, backup: dana }
roles:
  - { id: a-team, members: [erin], after: 5m, escalates_to: plant-manager }
",
        );
        assert!(of(&report, "GR001").is_empty());
    }
}
