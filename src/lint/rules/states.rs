//! ST: production states and what stops: who may declare a state, break-glass pre-approval in an
//! emergency, declared impact (`serves`), and safe states of safety systems.
//!
//! ST001 selects rules with the engine's candidate index (no people are
//! looked up: pre-approval is a property of the winning rule); ST002 reads
//! identities; ST003 walks `depends_on` once from everything any identity
//! serves.

use crate::engine::authority::{Selection, select};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Action, Criticality, IdentityKind, Runbook};
use std::collections::VecDeque;

/// The first system `identity` touches whose criticality passes `wanted`, by position.
fn touched(rb: &Runbook, identity: usize, wanted: impl Fn(Criticality) -> bool) -> Option<usize> {
    rb.identities[identity]
        .touches()
        .into_iter()
        .filter_map(|id| rb.index.systems.get(id).copied())
        .find(|&s| rb.systems.get(s).is_some_and(|s| wanted(s.criticality)))
}

pub static EMERGENCY_WITHOUT_PREAPPROVAL: RuleInfo = RuleInfo {
    code: "ST001",
    name: "emergency-without-preapproval",
    severity: Severity::Warning,
    summary: "in a state with `emergency: true`, an identity that touches a `safety` system has no pre-approved `pause`, `disconnect` or `revoke`",
    rationale: "In a live incident on a safety system, the minutes spent escalating to a second approver are minutes an attacker or a runaway automation keeps its hands on the machine. A break-glass rule (`pre_approved: true`) lets the first decider the chain reaches act at once and justify afterwards; the decision log keeps the record. This rule fires when, in an emergency state, none of `pause`, `disconnect` and `revoke` resolves to a chain from a pre-approved rule for an identity that touches a `safety` system; the witness says what each action resolves to instead. It looks at rule selection only: whether the chain reaches someone at a given hour is GR004's question. IEC 62443-3-3 SR 1.1 (emergency actions must not be blocked by authentication and authorization steps); NIST CSF RS.MI-01 (incidents are contained).",
    mapping: &["SR 1.1 (emergency actions)", "RS.MI-01"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: line1-plc-writer\n    kind: plc-credential\n    owner: shift-lead\n    access:\n      line1: { default: write, maintenance: none }\n    serves: []\nauthority:\n  - id: line1-cut\n    match: { system: line1 }\n    actions: [pause, revoke]\n    decide: [{ role: shift-lead }]\n",
    passes: "identities:\n  - id: line1-plc-writer\n    kind: plc-credential\n    owner: shift-lead\n    access:\n      line1: { default: write, maintenance: none }\n    serves: []\nauthority:\n  - id: line1-cut\n    match: { system: line1 }\n    actions: [pause, revoke]\n    decide: [{ role: shift-lead }]\n  - id: line1-break-glass\n    match: { system: line1 }\n    states: [emergency]\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n    pre_approved: true\n",
};

/// ST001: identities on safety systems without break glass in an emergency.
pub struct EmergencyWithoutPreapproval;

/// The actions that cut an identity off, in the order the witness lists them.
const CUTS: [Action; 3] = [Action::Pause, Action::Disconnect, Action::Revoke];

impl EmergencyWithoutPreapproval {
    /// `None` when some cut resolves to a pre-approved chain in `state`;
    /// otherwise what each cut resolves to instead.
    fn missing(cx: &Context, identity: usize, state: &str) -> Option<String> {
        let rb = cx.runbook;
        let rule = |i: usize| format!("`{}`", rb.rules[i].id.value);
        let rules = |list: &[usize]| list.iter().map(|&i| rule(i)).collect::<Vec<_>>().join(", ");
        let mut why = Vec::with_capacity(CUTS.len());
        for action in CUTS {
            let candidates = cx.engine.candidates(identity, action, state);
            why.push(match select(rb, &candidates) {
                Selection::Rule(i) if rb.rules[i].decide().is_some_and(|d| d.pre_approved) => {
                    return None;
                }
                Selection::Rule(i) => format!("`{action}` by rule {} is not pre-approved", rule(i)),
                Selection::Uncovered => format!("no rule covers `{action}`"),
                Selection::Forbidden(list) => {
                    format!("`{action}` is forbidden by {}", rules(&list))
                }
                Selection::Ambiguous(list) => format!("rules {} tie for `{action}`", rules(&list)),
            });
        }
        Some(format!("in state `{state}`, {}", why.join(", ")))
    }
}

impl Rule for EmergencyWithoutPreapproval {
    fn info(&self) -> &'static RuleInfo {
        &EMERGENCY_WITHOUT_PREAPPROVAL
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let emergencies: Vec<&str> = rb
            .states
            .iter()
            .filter(|s| s.emergency)
            .map(|s| s.id.value.as_str())
            .collect();
        if emergencies.is_empty()
            || !rb
                .systems
                .iter()
                .any(|s| s.criticality == Criticality::Safety)
        {
            return;
        }
        for (i, identity) in rb.identities.iter().enumerate() {
            let Some(system) = touched(rb, i, |c| c == Criticality::Safety) else {
                continue;
            };
            let mut states = Vec::new();
            let mut witness = Vec::new();
            for &state in &emergencies {
                if let Some(why) = Self::missing(cx, i, state) {
                    states.push(format!("`{state}`"));
                    witness.push(why);
                }
            }
            if states.is_empty() {
                continue;
            }
            let plural = if states.len() == 1 { "" } else { "s" };
            out.push(
                Finding::new(
                    &EMERGENCY_WITHOUT_PREAPPROVAL,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "nobody is pre-approved to pause, disconnect or revoke `{}`, which touches safety system `{}`, in emergency state{plural} {}",
                        identity.id.value,
                        rb.systems[system].id.value,
                        states.join(", ")
                    ),
                )
                .witness(witness.join("; "))
                .help("add a rule with `pre_approved: true` for `pause` or `disconnect` in the emergency states (for example `match: { criticality: safety }` with `states: [emergency]`), so the first decider reached may act at once"),
            );
        }
    }
}

pub static UNDECLARABLE_STATE: RuleInfo = RuleInfo {
    code: "ST004",
    name: "undeclarable-state",
    severity: Severity::Warning,
    summary: "nobody may declare a production state: it has no `declare` chain (an error when the state widens some identity's access)",
    rationale: "A state change is a decision like any other: entering a vendor window opens a door, entering maintenance locks systems out. When the runbook names nobody who may declare a state, the console can only record the change as not authorized, and at 3 a.m. the shift lead must guess whether they may. Worst is a state in which some identity reaches more than it does by default (a vendor session that writes in the vendor window): whoever flips it widens access with nobody's authority. The default state needs no chain when it is only the starting point, but returning to it is also a declaration, so it is checked too. NIST CSF GV.RR-02 (roles and authorities are established); IEC 62443-3-3 SR 2.1 (authorization enforcement).",
    mapping: &["GV.RR-02", "SR 2.1"],
    stage: Stage::Lint,
    fires: "states:\n  - id: vendor-window\nidentities:\n  - id: remote-svc\n    kind: service-account\n    owner: shift-lead\n    access:\n      mes: { default: none, vendor-window: write }\n    serves: []\n",
    passes: "states:\n  - id: vendor-window\n    declare: [{ role: shift-lead }]\nidentities:\n  - id: remote-svc\n    kind: service-account\n    owner: shift-lead\n    access:\n      mes: { default: none, vendor-window: write }\n    serves: []\n",
};

/// ST004: states nobody may declare.
pub struct UndeclarableState;

impl Rule for UndeclarableState {
    fn info(&self) -> &'static RuleInfo {
        &UNDECLARABLE_STATE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        for (i, state) in rb.states.iter().enumerate() {
            if !state.declare.is_empty() {
                continue;
            }
            let id = state.id.value.as_str();
            // The first identity that reaches more in this state than by default.
            let widened = rb.identities.iter().find_map(|identity| {
                identity
                    .access
                    .iter()
                    .find(|a| a.level_in(id) > a.default)
                    .map(|a| (identity, a))
            });
            let mut finding = Finding::new(
                &UNDECLARABLE_STATE,
                Subject::State(i),
                state.id.span,
                format!("nobody may declare state `{id}`: it has no `declare` chain"),
            )
            .help(format!(
                "add `declare: [{{ role: ... }}]` to state `{id}`, naming who may put the plant in it"
            ));
            if let Some((identity, access)) = widened {
                finding = finding.severity(Severity::Error).witness(format!(
                    "in `{id}`, `{}` reaches `{}` with `{}` access instead of `{}`",
                    identity.id.value,
                    access.system.value,
                    access.level_in(id).as_str(),
                    access.default.as_str()
                ));
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod st001_tests {
    use super::super::testing::{lines, lint_case, of};

    const IDENTITIES: &str = "identities:
  - id: line1-plc-writer
    kind: plc-credential
    access:
      line1: { default: write, maintenance: none }
    serves: []
  - id: mes-reader
    kind: service-account
    access:
      mes: read
    serves: []
";

    #[test]
    fn st001_fires_on_a_safety_identity_without_break_glass_and_says_why() {
        let report = lint_case(&format!(
            "{IDENTITIES}authority:
  - id: line1-cut
    match: {{ system: line1 }}
    actions: [pause, revoke]
    decide: [{{ role: shift-lead }}]
  - id: no-disconnect
    match: {{ kind: plc-credential }}
    states: [emergency]
    actions: [disconnect]
    forbid: Disconnecting a PLC mid-cycle is not safe
"
        ));
        assert_eq!(lines(&report, "ST001"), [2]);
        let finding = of(&report, "ST001")[0];
        assert_eq!(
            finding.message,
            "nobody is pre-approved to pause, disconnect or revoke `line1-plc-writer`, which touches safety system `line1`, in emergency state `emergency`"
        );
        assert_eq!(
            finding.witness.as_deref(),
            Some(
                "in state `emergency`, `pause` by rule `line1-cut` is not pre-approved, `disconnect` is forbidden by `no-disconnect`, `revoke` by rule `line1-cut` is not pre-approved"
            )
        );
    }

    #[test]
    fn st001_is_quiet_when_one_cut_is_pre_approved() {
        let report = lint_case(&format!(
            "{IDENTITIES}authority:
  - id: line1-cut
    match: {{ system: line1 }}
    actions: [pause, revoke]
    decide: [{{ role: shift-lead }}]
  - id: line1-break-glass
    match: {{ criticality: safety }}
    states: [emergency]
    actions: [disconnect]
    decide: [{{ role: shift-lead }}]
    pre_approved: true
"
        ));
        assert!(of(&report, "ST001").is_empty());
    }
}

pub static IMPACT_UNDECLARED: RuleInfo = RuleInfo {
    code: "ST002",
    name: "impact-undeclared",
    severity: Severity::Warning,
    summary: "a non-human identity on a `high`/`safety` system has no `serves` key (an explicit `[]` declares none)",
    rationale: "Before pausing or revoking a machine identity at 3 a.m., the responder needs to know what stops with it: the MES, and line 3 behind it, or nothing at all. `serves` is where the runbook says so, and resolution turns it into the impact shown with every decision, with each system's safe state. A missing `serves` on an identity that reaches a critical system means nobody has asked the question; `serves: []` records that somebody did and the answer is nothing (NIST CSF RS.MA-03, incidents are categorized and prioritized).",
    mapping: &["RS.MA-03"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-sync\n    kind: service-account\n    owner: shift-lead\n    access:\n      mes: write\n",
    passes: "identities:\n  - id: mes-sync\n    kind: service-account\n    owner: shift-lead\n    access:\n      mes: write\n    serves: []\n",
};

/// ST002: critical non-human identities that do not say what they serve.
pub struct ImpactUndeclared;

impl Rule for ImpactUndeclared {
    fn info(&self) -> &'static RuleInfo {
        &IMPACT_UNDECLARED
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.kind.value == IdentityKind::Human || identity.serves.is_some() {
                continue;
            }
            let Some(system) = touched(rb, i, Criticality::is_critical) else {
                continue;
            };
            let system = &rb.systems[system];
            out.push(
                Finding::new(
                    &IMPACT_UNDECLARED,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "`{}` reaches {} system `{}` but does not say what stops when it is cut off",
                        identity.id.value, system.criticality, system.id.value
                    ),
                )
                .help("add `serves: [...]` listing the systems that stop when it is paused or revoked, or `serves: []` when none do"),
            );
        }
    }
}

#[cfg(test)]
mod st002_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn st002_points_at_a_critical_machine_identity_without_serves() {
        let report = lint_case(
            "systems:
  - { id: labeller, name: Labeller, zone: ot, criticality: low, owner: shift-lead }
identities:
  - id: mes-sync
    kind: service-account
    access:
      labeller: write
      mes: { default: none, maintenance: read }
  - id: labeller-key
    kind: api-key
    access:
      labeller: write
  - id: h-alice
    kind: human
    access:
      mes: write
",
        );
        assert_eq!(lines(&report, "ST002"), [4]);
        assert_eq!(
            of(&report, "ST002")[0].message,
            "`mes-sync` reaches high system `mes` but does not say what stops when it is cut off"
        );
    }

    #[test]
    fn st002_is_quiet_with_an_explicit_empty_serves() {
        let report = lint_case(
            "identities:
  - id: mes-sync
    kind: service-account
    access:
      mes: write
    serves: []
",
        );
        assert!(of(&report, "ST002").is_empty());
    }
}

pub static MISSING_SAFE_STATE: RuleInfo = RuleInfo {
    code: "ST003",
    name: "missing-safe-state",
    severity: Severity::Warning,
    summary: "a `safety` system that cutting off some identity can stop has no `safe_state`",
    rationale: "Cutting an identity off can stop a safety system: the identity serves it, or serves something it depends on. Stopping a press, a robot cell or a burner the wrong way can hurt someone (a load left in a gripper, a line stopped mid-seal), so the responder must be told how to bring it to a safe state first; `safe_state` is the sentence resolution shows with every decision that stops it. The rule fires only for safety systems that some identity's impact reaches, and the witness gives the path from the identity to the system.",
    mapping: &[],
    stage: Stage::Lint,
    fires: "systems:\n  - { id: press, name: Press, zone: ot, criticality: safety, owner: shift-lead, depends_on: [mes] }\nidentities:\n  - id: mes-svc\n    kind: service-account\n    owner: shift-lead\n    serves: [mes]\n",
    passes: "systems:\n  - { id: press, name: Press, zone: ot, criticality: safety, owner: shift-lead, depends_on: [mes], safe_state: Bring the ram to top dead centre and stop from the press panel }\nidentities:\n  - id: mes-svc\n    kind: service-account\n    owner: shift-lead\n    serves: [mes]\n",
};

/// ST003: safety systems some identity's impact reaches, without a safe state.
pub struct MissingSafeState;

/// How the walk from what identities serve first reached a system.
#[derive(Clone, Copy)]
enum Reached {
    No,
    /// Identity (by position) serves it.
    Served(usize),
    /// It depends on this system (by position), reached before it.
    DependsOn(usize),
}

impl MissingSafeState {
    /// The path from the identity that reaches system `s` to it:
    /// "`svc` serves `mes`, `line1` depends on `mes`".
    fn path(rb: &Runbook, reached: &[Reached], s: usize) -> String {
        let mut hops = Vec::new();
        let mut current = s;
        // Each hop goes to a system reached earlier, so the walk ends; the
        // bound only guards against a broken invariant.
        for _ in 0..=reached.len() {
            match reached[current] {
                Reached::DependsOn(on) => {
                    hops.push(format!(
                        "`{}` depends on `{}`",
                        rb.systems[current].id.value, rb.systems[on].id.value
                    ));
                    current = on;
                }
                Reached::Served(i) => {
                    hops.push(format!(
                        "`{}` serves `{}`",
                        rb.identities[i].id.value, rb.systems[current].id.value
                    ));
                    break;
                }
                Reached::No => break,
            }
        }
        hops.reverse();
        hops.join(", ")
    }
}

impl Rule for MissingSafeState {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_SAFE_STATE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let unsafe_safety = |s: &crate::model::System| {
            s.criticality == Criticality::Safety && s.safe_state.is_none()
        };
        if !rb.systems.iter().any(unsafe_safety) {
            return;
        }
        let n = rb.systems.len();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (a, system) in rb.systems.iter().enumerate() {
            for b in system
                .depends_on
                .iter()
                .filter_map(|d| rb.index.systems.get(&d.value))
            {
                if let Some(list) = dependents.get_mut(*b) {
                    list.push(a);
                }
            }
        }
        let mut reached = vec![Reached::No; n];
        let mut queue = VecDeque::new();
        for (i, identity) in rb.identities.iter().enumerate() {
            for s in identity.serves.iter().flatten() {
                if let Some(&s) = rb.index.systems.get(&s.value)
                    && s < n
                    && matches!(reached[s], Reached::No)
                {
                    reached[s] = Reached::Served(i);
                    queue.push_back(s);
                }
            }
        }
        while let Some(s) = queue.pop_front() {
            for &d in &dependents[s] {
                if matches!(reached[d], Reached::No) {
                    reached[d] = Reached::DependsOn(s);
                    queue.push_back(d);
                }
            }
        }
        for (s, system) in rb.systems.iter().enumerate() {
            if !unsafe_safety(system) || matches!(reached[s], Reached::No) {
                continue;
            }
            out.push(
                Finding::new(
                    &MISSING_SAFE_STATE,
                    Subject::System(s),
                    system.id.span,
                    format!(
                        "safety system `{}` can be stopped by cutting off an identity but has no `safe_state`",
                        system.id.value
                    ),
                )
                .witness(Self::path(rb, &reached, s))
                .help("add `safe_state:` saying how to bring it to a safe stop before its automation is cut"),
            );
        }
    }
}

#[cfg(test)]
mod st003_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn st003_points_at_a_reachable_safety_system_and_gives_the_path() {
        let report = lint_case(
            "systems:
  - { id: press, name: Press, zone: ot, criticality: safety, owner: shift-lead, depends_on: [line1] }
  - { id: oven, name: Oven, zone: ot, criticality: safety, owner: shift-lead }
identities:
  - id: mes-svc
    kind: service-account
    serves: [mes]
",
        );
        assert_eq!(lines(&report, "ST003"), [2]);
        let finding = of(&report, "ST003")[0];
        assert_eq!(
            finding.witness.as_deref(),
            Some("`mes-svc` serves `mes`, `line1` depends on `mes`, `press` depends on `line1`")
        );
    }

    #[test]
    fn st003_is_quiet_when_nothing_can_stop_it() {
        let report = lint_case(
            "systems:
  - { id: oven, name: Oven, zone: ot, criticality: safety, owner: shift-lead }
identities:
  - id: oven-reader
    kind: service-account
    access:
      oven: read
    serves: []
",
        );
        assert!(of(&report, "ST003").is_empty());
    }

    #[test]
    fn st004_is_an_error_when_the_undeclarable_state_widens_access() {
        let report = lint_case(
            "states:
  - id: cleaning
  - id: vendor-window
identities:
  - id: remote-svc
    kind: service-account
    owner: shift-lead
    access:
      mes: { default: read, vendor-window: write, cleaning: none }
    serves: []
",
        );
        assert_eq!(lines(&report, "ST004"), [2, 3]);
        let found = of(&report, "ST004");
        // Cleaning only narrows access: a warning without a witness.
        assert_eq!(found[0].severity, crate::lint::Severity::Warning);
        assert_eq!(found[0].witness, None);
        assert_eq!(found[1].severity, crate::lint::Severity::Error);
        assert_eq!(
            found[1].witness.as_deref(),
            Some(
                "in `vendor-window`, `remote-svc` reaches `mes` with `write` access instead of `read`"
            )
        );
        // The base plant's states all have a chain.
        assert!(found.iter().all(|d| !d.message.contains("`normal`")));
    }
}

pub static RULES: &[&dyn Rule] = &[
    &EmergencyWithoutPreapproval,
    &ImpactUndeclared,
    &MissingSafeState,
    &UndeclarableState,
];
