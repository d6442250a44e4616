//! GR001-GR003, GR005, GR006, GR008, GR009: the authority and escalation
//! graph: cycles, uncovered and ambiguous authority, single deciders,
//! self-approval, dead rules, stalled levels.
//!
//! Several of these rules ask "which rule wins" for every identity, state and
//! action. A large plant has a hundred thousand identities but only a few
//! thousand kinds of them as far as selectors can tell, so the identities are
//! first grouped into [`Cohort`]s that share their candidate rules for every
//! query, and each question is asked once per cohort (steps 1 to 4 of
//! resolution only: no people, no clock).

use crate::engine::authority::{Selection, matches, select, specificity};
use crate::engine::horizon::{Alike as Cohort, alike};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{
    Action, Criticality, Function, Identity, IdentityKind, Level, Runbook, Target, Text,
};
use std::collections::BTreeMap;

pub static RULES: &[&dyn Rule] = &[
    &EscalationCycle,
    &UncoveredAuthority,
    &AmbiguousAuthority,
    &SingleDecider,
    &SelfApproval,
    &DeadRule,
    &StalledLevel,
];

// ------------------------------------------------------------------ cohorts

/// The actions an authority rule can cover (`declare` lives on states).
const ACTIONS: [Action; 7] = [
    Action::Pause,
    Action::Revoke,
    Action::Override,
    Action::Disconnect,
    Action::Rotate,
    Action::Constrain,
    Action::Restore,
];

/// The plant's identities in cohorts ([`Alike`]: identities no selector can
/// tell apart, with the same candidate rules for every query), and the
/// states to ask about.
struct Population<'r> {
    /// State ids; one empty id when the runbook defines no states.
    states: Vec<&'r str>,
    cohorts: Vec<Cohort>,
}

impl<'r> Population<'r> {
    /// The identities `keep` accepts, in cohorts.
    fn new(rb: &'r Runbook, keep: impl Fn(&Identity) -> bool) -> Population<'r> {
        let mut states: Vec<&str> = rb.states.iter().map(|s| s.id.value.as_str()).collect();
        if states.is_empty() {
            states.push("");
        }
        Population {
            states,
            cohorts: alike(rb, keep),
        }
    }

    /// Steps 1 to 4 of resolution for every identity of `cohort`.
    fn select(&self, cx: &Context, cohort: &Cohort, action: Action, state: &str) -> Selection {
        let candidates = cx.engine.candidates(cohort.first(), action, state);
        select(cx.runbook, &candidates)
    }
}

/// A state id for a message; the runbook may define none.
fn state_name(state: &str) -> &str {
    if state.is_empty() {
        "every state"
    } else {
        state
    }
}

/// Whether two chains are the same levels (the tie-break of resolution step 3).
fn same_chain(rb: &Runbook, a: usize, b: usize) -> bool {
    let levels = |i: usize| rb.rules[i].decide().map_or(&[][..], |d| &d.levels[..]);
    let (a, b) = (levels(a), levels(b));
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let kind = |t: &Target| matches!(t, Target::Role(_));
            kind(&x.target) == kind(&y.target)
                && x.target.id().value == y.target.id().value
                && x.after.map(|d| d.value) == y.after.map(|d| d.value)
        })
}

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
    use super::super::testing::{lines, lint_case, of};

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
        let population = Population::new(rb, |_| true);
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
    use super::super::testing::{lines, lint_case, of};

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
        let population = Population::new(rb, |_| true);
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
    use super::super::testing::{lines, lint_case, of};

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
        let population = Population::new(rb, |_| true);
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
    use super::super::testing::{lines, lint_case, of};
    use crate::lint::Severity;

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

// ---------------------------------------------------------------- GR006

pub static SELF_APPROVAL: RuleInfo = RuleInfo {
    code: "GR006",
    name: "self-approval",
    severity: Severity::Error,
    summary: "a `two_person` chain has fewer than two distinct people, or a vendor decides on its own sessions",
    rationale: "Two-person control only means something when the chain can reach two different people; otherwise the first decider confirms their own decision. Likewise a vendor role (or someone who only belongs to vendor roles) in the chain for vendor sessions lets the vendor keep its own door open. The OT security lead sees where the four-eyes principle is only on paper; the auditor sees a segregation-of-duties failure.",
    mapping: &["PR.AA-05", "SR 2.1"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-restore\n    match: { identity: mes-service }\n    actions: [restore]\n    decide: [{ person: dana }]\n    two_person: true\n",
    passes: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-restore\n    match: { identity: mes-service }\n    actions: [restore]\n    decide: [{ person: dana, after: 10m }, { person: chen }]\n    two_person: true\n",
};

/// GR006: two-person chains of one person, and vendors deciding on vendor sessions.
pub struct SelfApproval;

/// One position of a chain as resolution expands it (step 5): a level of the
/// rule, or a role reached by `escalates_to` from the last level.
struct Link<'r> {
    /// The role or person id.
    id: &'r Text,
    /// The level of the chain (0-based), or `None` for a role reached by escalation.
    level: Option<(usize, &'r Level)>,
    /// For a role: its position in `runbook.roles`.
    role: Option<usize>,
}

/// The chain of `levels` as resolution expands it: the levels, then
/// `escalates_to` from a last level that names a role, each role once.
fn expand<'r>(rb: &'r Runbook, levels: &'r [Level]) -> Vec<Link<'r>> {
    let mut chain: Vec<Link> = levels
        .iter()
        .enumerate()
        .map(|(n, level)| Link {
            id: &level.target.id().value,
            level: Some((n, level)),
            role: match &level.target {
                Target::Role(r) => rb.index.roles.get(r.value.as_str()).copied(),
                Target::Person(_) => None,
            },
        })
        .collect();
    let mut current = chain.last().and_then(|l| l.role);
    while let Some(j) = current {
        let next = rb.roles[j]
            .escalates_to
            .as_ref()
            .and_then(|e| rb.index.roles.get(e.value.as_str()).copied())
            .filter(|&n| !chain.iter().any(|l| l.role == Some(n)));
        let Some(n) = next else { break };
        chain.push(Link {
            id: &rb.roles[n].id.value,
            level: None,
            role: Some(n),
        });
        current = Some(n);
    }
    chain
}

impl Rule for SelfApproval {
    fn info(&self) -> &'static RuleInfo {
        &SELF_APPROVAL
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let graph = &cx.engine.graphs.escalation;
        for (k, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide().filter(|d| d.two_person) else {
                continue;
            };
            let people = graph.people_reachable_from_rule(k);
            if people.len() >= 2 {
                continue;
            }
            let who = match people.first() {
                Some(person) => format!("only `{person}`"),
                None => "nobody".to_owned(),
            };
            let span = decide.levels.first().map_or(rule.id.span, |l| l.span);
            out.push(
                Finding::new(
                    &SELF_APPROVAL,
                    Subject::Rule(k),
                    span,
                    format!("rule `{}` needs two people but its chain can reach {who}", rule.id.value),
                )
                .witness(format!("deciders: {}", if people.is_empty() { "none".to_owned() } else { people.join(", ") }))
                .help("add a level, a role member or a `backup` so that a second, distinct person can confirm"),
            );
        }
        self.vendors_deciding(cx, out);
    }
}

impl SelfApproval {
    /// Rules that match a vendor session and whose chain names a vendor role
    /// or someone who only belongs to vendor roles.
    fn vendors_deciding(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let is_vendor = |j: usize| rb.roles[j].function == Some(Function::Vendor);
        // Per person: (in some role, in a role that is not a vendor's).
        let mut belongs = vec![(false, false); rb.people.len()];
        for (j, role) in rb.roles.iter().enumerate() {
            let schedule = role.schedule.iter().flat_map(|s| {
                let rotations = s.layers.iter().flat_map(|l| &l.rotation);
                rotations.chain(s.overrides.iter().map(|o| &o.person))
            });
            for id in role.members.iter().chain(schedule) {
                if let Some(&p) = rb.index.people.get(id.value.as_str())
                    && let Some(b) = belongs.get_mut(p)
                {
                    b.0 = true;
                    b.1 |= !is_vendor(j);
                }
            }
        }
        let vendor_link = |link: &Link| match link.role {
            Some(j) => is_vendor(j).then(|| {
                let who = format!("vendor role `{}`", link.id);
                (who, format!("{} (function: vendor)", link.id))
            }),
            // A level that names a person (a role level always has a role here).
            None => rb
                .index
                .people
                .get(link.id.as_str())
                .filter(|&&i| belongs.get(i) == Some(&(true, false)))
                .map(|_| {
                    let who = format!("`{}`, who only belongs to vendor roles,", link.id);
                    (who, format!("{} (only in vendor roles)", link.id))
                }),
        };
        // Vendor sessions in cohorts, built only when some chain reaches a vendor.
        let mut sessions: Option<Vec<usize>> = None;
        for (k, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide() else {
                continue;
            };
            let chain = expand(rb, &decide.levels);
            let Some(((who, vendor), link)) = chain
                .iter()
                .find_map(|link| vendor_link(link).map(|who| (who, link)))
            else {
                continue;
            };
            let sessions = sessions.get_or_insert_with(|| {
                let population =
                    Population::new(rb, |i| i.kind.value == IdentityKind::VendorSession);
                population.cohorts.iter().map(Cohort::first).collect()
            });
            let Some(&session) = sessions
                .iter()
                .find(|&&i| matches(rb, &rule.selector, &rb.identities[i]))
            else {
                continue;
            };
            // An escalated role has no level of its own: point at the last level.
            let (span, position) = match link.level {
                Some((n, level)) => (level.span, format!("level {}", n + 1)),
                None => (
                    decide.levels.last().map_or(rule.id.span, |l| l.span),
                    "its escalation".to_owned(),
                ),
            };
            let session = &rb.identities[session].id.value;
            out.push(
                Finding::new(
                    &SELF_APPROVAL,
                    Subject::Rule(k),
                    span,
                    format!(
                        "{who} decides on vendor session `{session}` under rule `{}`",
                        rule.id.value
                    ),
                )
                .witness(format!(
                    "{position} of {}: {vendor} decides on {session}",
                    rule.id.value
                ))
                .help("let plant staff decide on vendor sessions; keep the vendor in `consult`"),
            );
        }
    }
}

#[cfg(test)]
mod gr006 {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn gr006_fires_on_a_one_person_two_person_chain_and_a_vendor_in_the_chain() {
        let report = lint_case(
            "people:
  - { id: klaus }
roles:
  - { id: acme-desk, function: vendor, members: [klaus], after: 30m }
identities:
  - { id: remote-acme, kind: vendor-session, vendor: Acme, access: { mes: { default: read } } }
authority:
  - id: solo-restore
    match: { identity: remote-acme }
    actions: [restore]
    decide: [{ person: dana }]
    two_person: true
  - id: acme-decides
    match: { kind: vendor-session }
    actions: [disconnect]
    decide:
      - { role: shift-lead, after: 5m }
      - { person: klaus }
",
        );
        assert_eq!(lines(&report, "GR006"), [11, 18]);
        let found = of(&report, "GR006");
        assert_eq!(
            found[0].message,
            "rule `solo-restore` needs two people but its chain can reach only `dana`"
        );
        assert_eq!(found[0].witness.as_deref(), Some("deciders: dana"));
        assert_eq!(
            found[1].message,
            "`klaus`, who only belongs to vendor roles, decides on vendor session `remote-acme` under rule `acme-decides`"
        );
        assert_eq!(
            found[1].witness.as_deref(),
            Some("level 2 of acme-decides: klaus (only in vendor roles) decides on remote-acme")
        );
    }

    #[test]
    fn gr006_is_quiet_when_the_vendor_is_only_consulted() {
        let report = lint_case(
            "roles:
  - { id: acme-desk, function: vendor, members: [dana], after: 30m }
identities:
  - { id: remote-acme, kind: vendor-session, vendor: Acme, access: { mes: { default: read } } }
authority:
  - id: cut-acme
    match: { kind: vendor-session }
    actions: [restore]
    decide: [{ role: shift-lead, after: 5m }, { person: dana }]
    two_person: true
    consult: [{ role: acme-desk }]
",
        );
        assert!(of(&report, "GR006").is_empty());
    }
}

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
        let population = Population::new(rb, |_| true);
        let rules = rb.rules.len();
        let mut won = vec![false; rules];
        // The first query in which a rule was a candidate but did not win.
        let mut lost: Vec<Option<(usize, Action, &str, Selection)>> = vec![None; rules];
        for cohort in &population.cohorts {
            for &state in &population.states {
                for action in ACTIONS {
                    let candidates = cx.engine.candidates(cohort.first(), action, state);
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
    use super::super::testing::{lines, lint_case, of};

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
    use super::super::testing::{lines, lint_case, of};

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
