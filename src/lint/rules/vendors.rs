//! VEN and AGT: vendor remote sessions and AI agents, the two identities a
//! plant must be able to cut off at any hour without asking their owner.
//!
//! VEN002 and AGT001 resolve with the engine's candidate index and rule
//! selection, then walk each winning rule's chain once at `--now` (a chain's
//! people depend on the rule and the time, not on the identity or the state),
//! so they stay cheap on a plant of 100,000 identities.

use crate::engine::authority::{Selection, select};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{AccessLevel, Action, Function, IdentityKind, Target};
use std::collections::HashMap;

/// Why an action on an identity has no usable chain in a state at `cx.now`.
enum Gap {
    Uncovered,
    Forbidden(Vec<usize>),
    Ambiguous(Vec<usize>),
    /// The winning rule's chain engages nobody at `cx.now`.
    Nobody(usize),
    /// The winning rule's chain asks a `function: vendor` role (by position) first.
    VendorFirst {
        rule: usize,
        role: usize,
    },
}

/// What a rule's chain does at `cx.now`.
#[derive(Clone, Copy)]
struct Walked {
    engages: bool,
    /// A vendor role that is the chain's first level, or its first level that engages someone.
    vendor_first: Option<usize>,
}

/// Resolution of many queries at `cx.now`, walking each winning rule once.
struct Chains<'c, 'a> {
    cx: &'c Context<'a>,
    walked: HashMap<usize, Walked>,
}

impl<'c, 'a> Chains<'c, 'a> {
    fn new(cx: &'c Context<'a>) -> Self {
        Chains {
            cx,
            walked: HashMap::new(),
        }
    }

    /// Why `action` on identity `identity` in `state` has no chain that
    /// engages someone at `cx.now` (or, with `vendor_first`, one that asks a
    /// vendor role first); `None` when it has one.
    fn gap(
        &mut self,
        identity: usize,
        action: Action,
        state: &str,
        vendor_first: bool,
    ) -> Option<Gap> {
        let rb = self.cx.runbook;
        let candidates = self.cx.engine.candidates(identity, action, state);
        let rule = match select(rb, &candidates) {
            Selection::Uncovered => return Some(Gap::Uncovered),
            Selection::Forbidden(rules) => return Some(Gap::Forbidden(rules)),
            Selection::Ambiguous(rules) => return Some(Gap::Ambiguous(rules)),
            Selection::Rule(rule) => rule,
        };
        let walked = *self
            .walked
            .entry(rule)
            .or_insert_with(|| walk(self.cx, rule));
        match walked {
            Walked { engages: false, .. } => Some(Gap::Nobody(rule)),
            Walked {
                vendor_first: Some(role),
                ..
            } if vendor_first => Some(Gap::VendorFirst { rule, role }),
            _ => None,
        }
    }

    /// One clause of a message or witness about a gap.
    fn sentence(&self, action: Action, state: &str, gap: &Gap) -> String {
        let rb = self.cx.runbook;
        let rule = |i: usize| format!("`{}`", rb.rules[i].id.value);
        let rules = |list: &[usize]| list.iter().map(|&i| rule(i)).collect::<Vec<_>>().join(", ");
        match gap {
            Gap::Uncovered => format!("no rule covers `{action}` in state `{state}`"),
            Gap::Forbidden(list) => format!(
                "`{action}` is forbidden in state `{state}` by {}",
                rules(list)
            ),
            Gap::Ambiguous(list) => format!(
                "rules {} tie for `{action}` in state `{state}`",
                rules(list)
            ),
            Gap::Nobody(i) => format!(
                "rule {} for `{action}` in state `{state}` reaches nobody at {}",
                rule(*i),
                self.cx.now.format("%Y-%m-%d %H:%M")
            ),
            Gap::VendorFirst { rule: i, role } => format!(
                "rule {} for `{action}` in state `{state}` asks vendor role `{}` first",
                rule(*i),
                rb.roles.get(*role).map_or("?", |r| r.id.value.as_str())
            ),
        }
    }
}

/// Walks rule `rule`'s chain at `cx.now`, as resolution would.
fn walk(cx: &Context, rule: usize) -> Walked {
    let rb = cx.runbook;
    let Some(decide) = rb.rules.get(rule).and_then(|r| r.decide()) else {
        return Walked {
            engages: false,
            vendor_first: None,
        };
    };
    let steps = cx.engine.walk(&decide.levels, "lint", cx.now, &[], 0);
    let vendor_role = |target: &Target| match target {
        Target::Role(r) => rb
            .index
            .roles
            .get(&r.value)
            .copied()
            .filter(|&j| rb.roles.get(j).and_then(|r| r.function) == Some(Function::Vendor)),
        Target::Person(_) => None,
    };
    let first_engaged = steps.iter().find(|s| !s.skipped);
    let first = steps.first().and_then(|s| vendor_role(&s.target));
    Walked {
        engages: first_engaged.is_some(),
        vendor_first: first.or_else(|| first_engaged.and_then(|s| vendor_role(&s.target))),
    }
}

/// A message head, then the first gap and how many more; the witness lists them all.
fn summarize(chains: &Chains, head: &str, gaps: &[(&str, Action, Gap)]) -> (String, String) {
    let sentences: Vec<String> = gaps
        .iter()
        .map(|(state, action, gap)| chains.sentence(*action, state, gap))
        .collect();
    let mut message = match sentences.first() {
        Some(first) => format!("{head}: {first}"),
        None => head.to_string(),
    };
    if gaps.len() > 1 {
        let more = gaps.len() - 1;
        let cases = if more == 1 { "case" } else { "cases" };
        message.push_str(&format!(" (and {more} more {cases})"));
    }
    (message, sentences.join("; "))
}

pub static VENDOR_NO_EXPIRY: RuleInfo = RuleInfo {
    code: "VEN001",
    name: "vendor-no-expiry",
    severity: Severity::Error,
    summary: "a `vendor-session` has no `credential.expires`",
    rationale: "Remote access for a vendor is granted for a contract or a support window, never for ever. A vendor session without an expiry date outlives the contract, the engineer who used it and the plant's memory of why it exists; it is the way in of many OT intrusions (MITRE ATT&CK for ICS T0822, external remote services). An expiry date makes the end of the access a fact the linter checks, not a task someone must remember (OWASP NHI3, vulnerable third-party NHI; NIST SP 800-53 AC-17(9), disconnect or disable remote access). Per-session (ephemeral) credentials still need the date the vendor's right to open sessions ends.",
    mapping: &["NHI3", "T0822", "AC-17(9)"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault }\n",
    passes: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\n    credential: { type: ephemeral, storage: vault, expires: 2027-06-30 }\n",
};

/// VEN001: vendor sessions that never expire.
pub struct VendorNoExpiry;

impl Rule for VendorNoExpiry {
    fn info(&self) -> &'static RuleInfo {
        &VENDOR_NO_EXPIRY
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            if identity.kind.value != IdentityKind::VendorSession {
                continue;
            }
            let credential = identity.credential.as_ref();
            if credential.is_some_and(|c| c.expires.is_some()) {
                continue;
            }
            let span = credential.map_or(identity.id.span, |c| c.span);
            out.push(
                Finding::new(
                    &VENDOR_NO_EXPIRY,
                    Subject::Identity(i),
                    span,
                    format!(
                        "vendor session `{}` has no `credential.expires`",
                        identity.id.value
                    ),
                )
                .help(
                    "set `credential.expires` to the end of the vendor's contract or support window",
                ),
            );
        }
    }
}

#[cfg(test)]
mod ven001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn ven001_points_at_the_credential_or_at_the_session_without_one() {
        let report = lint_case(
            "identities:
  - id: vendor-acme
    kind: vendor-session
    vendor: Acme Robotics
    credential:
      type: ephemeral
  - id: vendor-bolt
    kind: vendor-session
    vendor: Bolt
  - id: acme-key
    kind: api-key
    vendor: Acme Robotics
",
        );
        assert_eq!(lines(&report, "VEN001"), [6, 7]);
        assert_eq!(
            of(&report, "VEN001")[1].message,
            "vendor session `vendor-bolt` has no `credential.expires`"
        );
    }

    #[test]
    fn ven001_is_quiet_with_an_expiry() {
        let report = lint_case(
            "identities:
  - id: vendor-acme
    kind: vendor-session
    vendor: Acme Robotics
    credential: { type: ephemeral, expires: 2027-01-31T18:00 }
",
        );
        assert!(of(&report, "VEN001").is_empty());
    }
}

pub static VENDOR_NO_DISCONNECT: RuleInfo = RuleInfo {
    code: "VEN002",
    name: "vendor-no-disconnect",
    severity: Severity::Error,
    summary: "in some state, `disconnect` or `revoke` of a vendor session resolves to no chain that reaches someone, or asks a `vendor` role first",
    rationale: "When a vendor's remote session misbehaves, or the vendor is compromised, the plant must be able to end it at once, in every production state, without asking the vendor. This rule resolves `disconnect` and `revoke` for every vendor session in every state and fires when the answer is no rule, a forbid, a tie, a chain that reaches nobody, or a chain whose first level is a role with `function: vendor`. The witness names each state and action. People are looked up at `--now` only (a single check; the on-call rule GR004 walks the schedules over the horizon). IEC 62443-3-3 SR 2.6 (remote session termination); NIST CSF RS.MI-01 (incidents are contained); MITRE ATT&CK for ICS T0822 (external remote services).",
    mapping: &["SR 2.6", "RS.MI-01", "T0822"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\nauthority:\n  - id: cut-vendors\n    match: { kind: vendor-session }\n    states: [normal, emergency]\n    actions: [disconnect, revoke]\n    decide: [{ role: shift-lead }]\n",
    passes: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\nauthority:\n  - id: cut-vendors\n    match: { kind: vendor-session }\n    actions: [disconnect, revoke]\n    decide: [{ role: shift-lead }]\n",
};

/// VEN002: vendor sessions the plant cannot cut off in some state.
pub struct VendorNoDisconnect;

impl Rule for VendorNoDisconnect {
    fn info(&self) -> &'static RuleInfo {
        &VENDOR_NO_DISCONNECT
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut chains = Chains::new(cx);
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.kind.value != IdentityKind::VendorSession {
                continue;
            }
            let mut gaps = Vec::new();
            for state in &rb.states {
                for action in [Action::Disconnect, Action::Revoke] {
                    if let Some(gap) = chains.gap(i, action, &state.id.value, true) {
                        gaps.push((state.id.value.as_str(), action, gap));
                    }
                }
            }
            if gaps.is_empty() {
                continue;
            }
            let head = format!(
                "vendor session `{}` cannot always be cut off by the plant",
                identity.id.value
            );
            let (message, witness) = summarize(&chains, &head, &gaps);
            out.push(
                Finding::new(&VENDOR_NO_DISCONNECT, Subject::Identity(i), identity.id.span, message)
                    .witness(witness)
                    .help("give every state a rule for `disconnect` and `revoke` of vendor sessions (for example `match: { kind: vendor-session }`) whose first level is a plant role with someone on call; never forbid cutting a vendor off"),
            );
        }
    }
}

#[cfg(test)]
mod ven002_tests {
    use super::super::testing::{lines, lint_case, of};

    const SESSION: &str = "identities:
  - id: vendor-acme
    kind: vendor-session
    vendor: Acme Robotics
";

    #[test]
    fn ven002_names_each_state_and_action_without_a_chain() {
        let report = lint_case(&format!(
            "{SESSION}authority:
  - id: cut-vendors
    match: {{ kind: vendor-session }}
    states: [normal, maintenance]
    actions: [disconnect, revoke]
    decide: [{{ role: shift-lead }}]
  - id: no-cut-in-emergency
    match: {{ identity: vendor-acme }}
    states: [emergency]
    actions: [revoke]
    forbid: Keep the vendor on the line during an incident
"
        ));
        assert_eq!(lines(&report, "VEN002"), [2]);
        let finding = of(&report, "VEN002")[0];
        assert_eq!(
            finding.message,
            "vendor session `vendor-acme` cannot always be cut off by the plant: no rule covers `disconnect` in state `emergency` (and 1 more case)"
        );
        assert_eq!(
            finding.witness.as_deref(),
            Some(
                "no rule covers `disconnect` in state `emergency`; `revoke` is forbidden in state `emergency` by `no-cut-in-emergency`"
            )
        );
    }

    #[test]
    fn ven002_fires_when_the_vendor_is_asked_first_or_nobody_answers() {
        let report = lint_case(&format!(
            "people:
  - {{ id: klaus, name: Klaus Becker }}
  - {{ id: marc, name: Marc Vidal, active: false }}
roles:
  - {{ id: acme-support, name: Acme support, function: vendor, members: [klaus], after: 30m }}
  - {{ id: night-crew, name: Night crew, function: ot, members: [marc] }}
{SESSION}authority:
  - id: cut-vendors
    match: {{ kind: vendor-session }}
    actions: [disconnect]
    decide: [{{ role: acme-support, after: 30m }}, {{ role: shift-lead }}]
  - id: revoke-vendors
    match: {{ kind: vendor-session }}
    actions: [revoke]
    decide: [{{ role: night-crew }}]
"
        ));
        assert_eq!(lines(&report, "VEN002"), [8]);
        let witness = of(&report, "VEN002")[0].witness.clone().unwrap_or_default();
        assert!(
            witness.contains(
                "rule `cut-vendors` for `disconnect` in state `normal` asks vendor role `acme-support` first"
            ),
            "{witness}"
        );
        assert!(
            witness.contains(
                "rule `revoke-vendors` for `revoke` in state `normal` reaches nobody at 2026-11-22 09:00"
            ),
            "{witness}"
        );
    }

    #[test]
    fn ven002_is_quiet_when_every_state_has_a_plant_chain() {
        let report = lint_case(&format!(
            "{SESSION}authority:
  - id: cut-vendors
    match: {{ kind: vendor-session }}
    actions: [disconnect, revoke]
    decide: [{{ role: shift-lead }}]
"
        ));
        assert!(of(&report, "VEN002").is_empty());
    }
}

pub static VENDOR_STANDING_ACCESS: RuleInfo = RuleInfo {
    code: "VEN003",
    name: "vendor-standing-access",
    severity: Severity::Warning,
    summary: "a vendor identity (`vendor` set, or a `vendor-session`) has access above `none` in the default state",
    rationale: "A vendor needs access to the plant during a support window, not during normal production. Access in the default state means the vendor's account, and anyone who steals it from the vendor, can reach the system at any time, watched by nobody (MITRE ATT&CK for ICS T0822, external remote services; OWASP NHI3, vulnerable third-party NHI). Grant vendor access per state (`{ default: none, vendor-support: write }`) so that declaring the support window is what opens the door. When a contract truly requires standing access, suppress the finding with the contract's end as `until`: the acceptance is then on record and lapses by itself.",
    mapping: &["T0822", "NHI3"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\n    access:\n      line1: { default: read }\n",
    passes: "identities:\n  - id: vendor-acme\n    kind: vendor-session\n    vendor: Acme Robotics\n    owner: shift-lead\n    access:\n      line1: { default: none, maintenance: read }\n",
};

/// VEN003: vendor access in the default state.
pub struct VendorStandingAccess;

impl Rule for VendorStandingAccess {
    fn info(&self) -> &'static RuleInfo {
        &VENDOR_STANDING_ACCESS
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let default = rb.default_state();
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.vendor.is_none() && identity.kind.value != IdentityKind::VendorSession {
                continue;
            }
            for access in &identity.access {
                let level = default.map_or(access.default, |s| access.level_in(&s.id.value));
                if level == AccessLevel::None {
                    continue;
                }
                let state = default.map_or_else(String::new, |s| format!(" `{}`", s.id.value));
                out.push(
                    Finding::new(
                        &VENDOR_STANDING_ACCESS,
                        Subject::Identity(i),
                        access.span,
                        format!(
                            "vendor identity `{}` has `{level}` on `{}` in the default state{state}",
                            identity.id.value, access.system.value
                        ),
                    )
                    .help("set `default: none` and grant access only in the states of a support window; if a contract requires standing access, suppress with the contract's end as `until`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod ven003_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn ven003_points_at_each_access_above_none_in_the_default_state() {
        let report = lint_case(
            "identities:
  - id: vendor-acme
    kind: vendor-session
    vendor: Acme Robotics
    access:
      line1: { default: none, normal: read }
      mes: { default: none, maintenance: write }
  - id: acme-engineer
    kind: human
    vendor: Acme Robotics
    access:
      mes: write
  - id: svc-mes
    kind: service-account
    access:
      mes: write
",
        );
        assert_eq!(lines(&report, "VEN003"), [6, 12]);
        assert_eq!(
            of(&report, "VEN003")[0].message,
            "vendor identity `vendor-acme` has `read` on `line1` in the default state `normal`"
        );
    }

    #[test]
    fn ven003_is_quiet_when_vendor_access_is_per_state() {
        let report = lint_case(
            "identities:
  - id: vendor-acme
    kind: vendor-session
    vendor: Acme Robotics
    access:
      line1: { default: write, normal: none }
",
        );
        assert!(of(&report, "VEN003").is_empty());
    }
}

pub static AGENT_NO_KILLSWITCH: RuleInfo = RuleInfo {
    code: "AGT001",
    name: "agent-no-killswitch",
    severity: Severity::Error,
    summary: "an `ai-agent` has no `pause` that resolves to a chain reaching someone, in some state",
    rationale: "An AI agent acts on its own, at machine speed, on setpoints and systems that people answer for. When it misbehaves, whoever is on the floor must be able to stop it now, in whatever state the plant is in: a kill switch that only works in normal production is no kill switch. This rule resolves `pause` for every AI agent in every state and fires when the answer is no rule, a forbid, a tie, or a chain that reaches nobody; the finding names the state. People are looked up at `--now` only (a single check; the on-call rule GR004 walks the schedules over the horizon). OWASP NHI5 (overprivileged NHI); NIST CSF GV.RR-02 (roles and authorities are established).",
    mapping: &["NHI5", "GV.RR-02"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: ai-tuner\n    kind: ai-agent\n    owner: shift-lead\nauthority:\n  - id: pause-agents\n    match: { kind: ai-agent }\n    states: [normal]\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n",
    passes: "identities:\n  - id: ai-tuner\n    kind: ai-agent\n    owner: shift-lead\nauthority:\n  - id: pause-agents\n    match: { kind: ai-agent }\n    actions: [pause]\n    decide: [{ role: shift-lead }]\n",
};

/// AGT001: AI agents that cannot be paused in some state.
pub struct AgentNoKillswitch;

impl Rule for AgentNoKillswitch {
    fn info(&self) -> &'static RuleInfo {
        &AGENT_NO_KILLSWITCH
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut chains = Chains::new(cx);
        for (i, identity) in rb.identities.iter().enumerate() {
            if identity.kind.value != IdentityKind::AiAgent {
                continue;
            }
            let gaps: Vec<(&str, Action, Gap)> = rb
                .states
                .iter()
                .filter_map(|state| {
                    let gap = chains.gap(i, Action::Pause, &state.id.value, false)?;
                    Some((state.id.value.as_str(), Action::Pause, gap))
                })
                .collect();
            if gaps.is_empty() {
                continue;
            }
            let head = format!(
                "ai agent `{}` has no kill switch in every state",
                identity.id.value
            );
            let (message, witness) = summarize(&chains, &head, &gaps);
            out.push(
                Finding::new(&AGENT_NO_KILLSWITCH, Subject::Identity(i), identity.id.span, message)
                    .witness(witness)
                    .help("add a `pause` rule for this agent (or for `match: { kind: ai-agent }`) that covers every state and reaches someone at all hours; consider `pre_approved: true`"),
            );
        }
    }
}

#[cfg(test)]
mod agt001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn agt001_names_the_state_without_a_pause() {
        let report = lint_case(
            "identities:
  - id: ai-tuner
    kind: ai-agent
  - id: svc-mes
    kind: service-account
authority:
  - id: pause-agents
    match: { kind: ai-agent }
    states: [normal, maintenance]
    actions: [pause]
    decide: [{ role: shift-lead }]
",
        );
        assert_eq!(lines(&report, "AGT001"), [2]);
        assert_eq!(
            of(&report, "AGT001")[0].message,
            "ai agent `ai-tuner` has no kill switch in every state: no rule covers `pause` in state `emergency`"
        );
    }

    #[test]
    fn agt001_is_quiet_with_a_pause_in_every_state() {
        let report = lint_case(
            "identities:
  - id: ai-tuner
    kind: ai-agent
authority:
  - id: pause-agents
    match: { kind: ai-agent }
    actions: [pause]
    decide: [{ role: shift-lead }]
  - id: pause-in-emergency
    match: { identity: ai-tuner }
    states: [emergency]
    actions: [pause]
    decide: [{ person: alice }]
",
        );
        assert!(of(&report, "AGT001").is_empty());
    }
}

pub static RULES: &[&dyn Rule] = &[
    &VendorNoExpiry,
    &VendorNoDisconnect,
    &VendorStandingAccess,
    &AgentNoKillswitch,
];
