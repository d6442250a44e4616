//! GR004, GR007, GR010: walking the on-call schedules over the horizon: gaps
//! where a chain yields nobody, slow first deciders in emergencies, and
//! two-person chains that reach one person only.
//!
//! Both ask, for the critical identities (those touching a `high` or
//! `safety` system), which rules win, then walk each winning chain once over
//! `[now, now + days)` at its schedule boundaries (see
//! [`crate::engine::horizon`]): a 100,000-identity plant shares a few
//! hundred distinct chains.

use crate::engine::Engine;
use crate::engine::authority::Selection;
use crate::engine::horizon::{
    Critical, EMERGENCY_FIRST_DECIDER, Horizon, Quorum, Window, cuts, first_decider, window_text,
};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Action, Duration, Level, Runbook, Target};
use chrono::DateTime;
use chrono_tz::Tz;
use std::collections::BTreeMap;

pub static RULES: &[&dyn Rule] = &[&OnCallGap, &SlowFirstDecider, &TwoPersonAlone];

/// Windows a witness lists before it says how many more there are.
const SHOWN: usize = 10;

/// The actions an authority rule can cover (`declare` lives on states).
const ACTIONS: [Action; 7] = Action::ON_IDENTITIES;

/// Where a rule wins for critical identities.
struct Wins {
    /// Critical identities it decides for (each counted once).
    identities: usize,
    last_group: usize,
    /// One identity, action and state it decides, to name in the message.
    example: (usize, Action, usize),
    /// Whether it wins for vendor sessions, for other identities, or both.
    vendor_session: bool,
    other: bool,
}

/// The rules that win, for critical identities, some question among
/// `actions` in a state that `states` keeps; by rule index.
fn winning_rules(
    engine: &Engine,
    actions: impl Fn(bool) -> Vec<Action>,
    states: impl Fn(usize) -> bool,
) -> BTreeMap<usize, Wins> {
    let rb = engine.runbook;
    let critical = Critical::build(engine);
    let mut wins: BTreeMap<usize, Wins> = BTreeMap::new();
    for (g, group) in critical.groups.iter().enumerate() {
        for (s, state) in rb.states.iter().enumerate().filter(|(s, _)| states(*s)) {
            for action in actions(group.vendor_session) {
                let Selection::Rule(k) = group.select(rb, &state.id.value, action) else {
                    continue;
                };
                let win = wins.entry(k).or_insert(Wins {
                    identities: 0,
                    last_group: usize::MAX,
                    example: (group.identities[0], action, s),
                    vendor_session: false,
                    other: false,
                });
                if win.last_group != g {
                    win.last_group = g;
                    win.identities += group.identities.len();
                }
                win.vendor_session |= group.vendor_session;
                win.other |= !group.vendor_session;
            }
        }
    }
    wins
}

/// `` `a`, `b` or `c` ``
fn either(ids: &[&str]) -> String {
    listed(ids, "or")
}

/// `` `a`, `b` and `c` ``
fn both(ids: &[&str]) -> String {
    listed(ids, "and")
}

fn listed(ids: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// "`x` and 3 other critical identities"
fn and_others(rb: &Runbook, wins: &Wins) -> String {
    let identity = &rb.identities[wins.example.0].id.value;
    match wins.identities.saturating_sub(1) {
        0 => format!("`{identity}`"),
        1 => format!("`{identity}` and 1 other critical identity"),
        n => format!("`{identity}` and {n} other critical identities"),
    }
}

fn horizon_label(cx: &Context) -> String {
    let (from, to) = cx.horizon;
    let days = (to - from).num_days();
    let tz = cx.runbook.plant.timezone.value;
    if days == 1 {
        format!("the next day ({tz})")
    } else {
        format!("the next {days} days ({tz})")
    }
}

// ------------------------------------------------------------------ GR004

pub static ON_CALL_GAP: RuleInfo = RuleInfo {
    code: "GR004",
    name: "on-call-gap",
    severity: Severity::Error,
    summary: "over the horizon (default 7 days from now, plant time zone, DST included) some chain for a critical identity, or a state's `declare` chain, yields nobody at all; prints the window",
    rationale: "An on-call rota that leaves a night or a weekend uncovered is invisible on a Tuesday afternoon and fatal at 3 a.m.: every level of the chain is skipped and the shift lead is left with no one to call. The windows come from the schedules themselves (turns, `only` windows, overrides, backups, inactive people, daylight-saving changes, with handoffs kept on the wall clock), walked from boundary to boundary, never sampled. Every rule that decides some action for an identity touching a `high` or `safety` system is checked, and every state's `declare` chain. NIST CSF RS.MA-04 (incidents are escalated or elevated as needed); GV.RR-02 (roles, responsibilities and authorities are established and communicated).",
    mapping: &["RS.MA-04", "GV.RR-02"],
    stage: Stage::Lint,
    fires: "roles:\n  - id: security-oncall\n    name: Security on-call\n    function: security\n    members: [dana]\n    after: 10m\n    schedule:\n      layers:\n        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }\nidentities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-cut\n    match: { system: line1 }\n    actions: [pause, revoke]\n    decide: [{ role: security-oncall }]\n",
    passes: "roles:\n  - id: security-oncall\n    name: Security on-call\n    function: security\n    members: [dana]\n    after: 10m\n    escalates_to: plant-manager\n    schedule:\n      layers:\n        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }\nidentities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-cut\n    match: { system: line1 }\n    actions: [pause, revoke]\n    decide: [{ role: security-oncall }]\n",
};

/// GR004: chains that, at some time of the horizon, reach nobody.
pub struct OnCallGap;

impl Rule for OnCallGap {
    fn info(&self) -> &'static RuleInfo {
        &ON_CALL_GAP
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut horizon = Horizon::new(cx.engine, cx.horizon.0, cx.horizon.1);
        let wins = winning_rules(cx.engine, |_| ACTIONS.to_vec(), |_| true);
        for (k, wins) in wins {
            let rule = &rb.rules[k];
            let Some(decide) = rule.decide() else {
                continue;
            };
            let gaps = gaps(horizon.windows(&decide.levels));
            let Some(first) = gaps.first() else {
                continue;
            };
            let (identity, action, state) = wins.example;
            let message = format!(
                "{}; chain `{}` yields nobody{}",
                nobody_in(first, cx.horizon.1),
                rule.id.value,
                more(gaps.len())
            );
            out.push(
                Finding::new(&ON_CALL_GAP, Subject::Rule(k), rule.id.span, message)
                    .witness(witness(
                        cx,
                        &gaps,
                        &format!(
                            "the chain decides for {}, such as `{action}` of `{}` in state `{}`",
                            and_others(rb, &wins),
                            rb.identities[identity].id.value,
                            rb.states[state].id.value
                        ),
                    ))
                    .help(help(first)),
            );
        }
        for (s, state) in rb.states.iter().enumerate() {
            if state.declare.is_empty() {
                continue;
            }
            let gaps = gaps(horizon.windows(&state.declare));
            let Some(first) = gaps.first() else {
                continue;
            };
            let message = format!(
                "{}; the `declare` chain of state `{}` yields nobody{}",
                nobody_in(first, cx.horizon.1),
                state.id.value,
                more(gaps.len())
            );
            out.push(
                Finding::new(&ON_CALL_GAP, Subject::State(s), state.id.span, message)
                    .witness(witness(cx, &gaps, "nobody can declare the state then"))
                    .help(help(first)),
            );
        }
    }
}

/// The windows in which every level is skipped.
fn gaps(windows: &[Window]) -> Vec<&Window> {
    windows.iter().filter(|w| w.yields_nobody()).collect()
}

/// "no one in `security-oncall` from Fri 27 Nov 18:00 to Mon 30 Nov 08:00 (2d14h)"
fn nobody_in(gap: &Window, end: DateTime<Tz>) -> String {
    let targets: Vec<&str> = gap.targets().iter().map(|t| t.as_str()).collect();
    format!(
        "no one in {} from {}",
        either(&targets),
        window_text(gap.from, gap.to, end)
    )
}

fn more(gaps: usize) -> String {
    match gaps {
        0 | 1 => String::new(),
        2 => " (and 1 more window)".to_owned(),
        n => format!(" (and {} more windows)", n - 1),
    }
}

fn witness(cx: &Context, gaps: &[&Window], tail: &str) -> String {
    let windows: Vec<String> = gaps
        .iter()
        .map(|w| window_text(w.from, w.to, cx.horizon.1))
        .collect();
    format!(
        "nobody to call in {}: {}; {tail}",
        horizon_label(cx),
        shorten(windows)
    )
}

/// At most [`SHOWN`] windows, then how many more.
fn shorten(mut windows: Vec<String>) -> String {
    let hidden = windows.len().saturating_sub(SHOWN);
    windows.truncate(SHOWN);
    let mut text = windows.join("; ");
    if hidden > 0 {
        text.push_str(&format!(
            "; and {hidden} more (`andon coverage` lists them all)"
        ));
    }
    text
}

fn help(gap: &Window) -> String {
    let roles: Vec<&str> = gap
        .steps
        .iter()
        .filter_map(|s| match &s.target {
            Target::Role(r) => Some(r.value.as_str()),
            Target::Person(_) => None,
        })
        .collect();
    if roles.is_empty() {
        return "give these people an active `backup`, or end the chain with a role that has someone on call at all hours".to_owned();
    }
    format!(
        "put someone on call in {} at these times (a layer without `only`, or an override), or end the chain with a role that has someone at all hours",
        either(&roles)
    )
}

// ------------------------------------------------------------------ GR007

pub static SLOW_FIRST_DECIDER: RuleInfo = RuleInfo {
    code: "GR007",
    name: "slow-first-decider",
    severity: Severity::Warning,
    summary: "in a state with `emergency: true`, the first decider for a critical identity is engaged after more than 15 minutes at some time in the horizon",
    rationale: "In a live incident the first person able to act must be reached within minutes. Skipped levels take no time, so the wait comes from who may decide: a `two_person` chain that is not `pre_approved` cannot act before its second decider is engaged, and on a vendor session the people of a `vendor` role may not decide (they would approve their own session). The time is measured at every schedule boundary of the horizon, for `pause` and `revoke` (and `disconnect` of vendor sessions) of identities touching a `high` or `safety` system. NIST CSF RS.MA-04 (incidents are escalated or elevated as needed); NIST SP 800-53 AC-17(9) (disconnect or disable remote access quickly).",
    mapping: &["RS.MA-04", "AC-17(9)"],
    stage: Stage::Lint,
    fires: "identities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-cut-in-emergency\n    match: { system: line1 }\n    states: [emergency]\n    actions: [pause, revoke]\n    decide: [{ person: alice, after: 20m }, { role: plant-manager }]\n    two_person: true\n",
    passes: "identities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-cut-in-emergency\n    match: { system: line1 }\n    states: [emergency]\n    actions: [pause, revoke]\n    decide: [{ person: alice, after: 20m }, { role: plant-manager }]\n    two_person: true\n    pre_approved: true\n",
};

/// GR007: emergency chains whose first decider comes too late.
pub struct SlowFirstDecider;

/// A stretch of the horizon in which the first decider comes too late.
struct Slow {
    from: DateTime<Tz>,
    to: DateTime<Tz>,
    /// Seconds to the first decider, the longest in the stretch.
    delay: u64,
}

impl Rule for SlowFirstDecider {
    fn info(&self) -> &'static RuleInfo {
        &SLOW_FIRST_DECIDER
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        if !rb.states.iter().any(|s| s.emergency) {
            return;
        }
        let mut horizon = Horizon::new(cx.engine, cx.horizon.0, cx.horizon.1);
        let wins = winning_rules(cx.engine, |v| cuts(v).to_vec(), |s| rb.states[s].emergency);
        for (k, wins) in wins {
            let rule = &rb.rules[k];
            let Some(decide) = rule.decide() else {
                continue;
            };
            let windows = horizon.windows(&decide.levels);
            let kinds = [(false, wins.other), (true, wins.vendor_session)];
            let Some((quorum, slow)) = kinds
                .iter()
                .filter(|(_, wins)| *wins)
                .map(|&(vendor, _)| Quorum::of(decide, vendor))
                .map(|q| (q, slow_windows(rb, windows, q)))
                .find(|(_, slow)| !slow.is_empty())
            else {
                continue;
            };
            let worst = slow.iter().map(|s| s.delay).max().unwrap_or_default();
            let (_, action, state) = wins.example;
            let states: Vec<&str> = rb
                .states
                .iter()
                .filter(|s| s.emergency && rule.covers_state(&s.id.value))
                .map(|s| s.id.value.as_str())
                .collect();
            let message = format!(
                "in state {}, the first decider under rule `{}` is engaged after {}, more than {}",
                both(&states),
                rule.id.value,
                Duration(worst),
                Duration(EMERGENCY_FIRST_DECIDER)
            );
            let shown: Vec<String> = slow
                .iter()
                .map(|s| {
                    format!(
                        "{}: first decider after {}",
                        window_text(s.from, s.to, cx.horizon.1),
                        Duration(s.delay)
                    )
                })
                .collect();
            let witness = format!(
                "in {}: {}; the rule decides for {}, such as `{action}` in state `{}`",
                horizon_label(cx),
                shorten(shown),
                and_others(rb, &wins),
                rb.states[state].id.value
            );
            out.push(
                Finding::new(&SLOW_FIRST_DECIDER, Subject::Rule(k), rule.id.span, message)
                    .witness(witness)
                    .help(slow_help(quorum, &decide.levels)),
            );
        }
    }
}

/// The windows (merged when adjacent) in which the first decider comes after
/// more than [`EMERGENCY_FIRST_DECIDER`]. A chain that never reaches a
/// decider is GR004's (or GR006's) finding, not this one's.
fn slow_windows(rb: &Runbook, windows: &[Window], quorum: Quorum) -> Vec<Slow> {
    let mut out: Vec<Slow> = Vec::new();
    for w in windows {
        let Some(delay) = first_decider(rb, &w.steps, quorum) else {
            continue;
        };
        if delay <= EMERGENCY_FIRST_DECIDER {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.to == w.from => {
                last.to = w.to;
                last.delay = last.delay.max(delay);
            }
            _ => out.push(Slow {
                from: w.from,
                to: w.to,
                delay,
            }),
        }
    }
    out
}

fn slow_help(quorum: Quorum, levels: &[Level]) -> String {
    if quorum.people > 1 {
        return "a `two_person` chain waits for its second decider: in an emergency make the rule `pre_approved: true` (the first decider acts, the second confirms afterwards), or start the chain with a level that reaches two people at once".to_owned();
    }
    if !quorum.vendor_roles_count {
        return "people of a `vendor` role do not decide on a vendor session: start the chain with a plant role that has someone on call at all hours".to_owned();
    }
    let first = levels.first().map_or(String::new(), |l| {
        format!(" before `{}`", l.target.id().value)
    });
    format!("start the chain with a level that has someone on call at all hours{first}")
}

// ------------------------------------------------------------------ GR010

pub static TWO_PERSON_ALONE: RuleInfo = RuleInfo {
    code: "GR010",
    name: "two-person-alone",
    severity: Severity::Warning,
    summary: "over the horizon, a `two_person` chain reaches only one person at some times: the rule cannot be met then; prints the windows",
    rationale: "A two-person rule is there because one person must not act alone on this identity. If at night or at the weekend its chain reaches a single person, the rule cannot be met inside the chain: the shift lead either waits for someone who is not called, or takes a second decider from outside the chain, recorded as not authorized. GR006 finds chains that can never reach two people; this rule walks the on-call schedules (turns, `only` windows, overrides, backups, daylight-saving changes) and finds the hours when they do not. NIST CSF PR.AA-05 (access permissions, with separation of duties); GV.RR-02 (roles, responsibilities and authorities).",
    mapping: &["PR.AA-05", "GV.RR-02"],
    stage: Stage::Lint,
    fires: "roles:\n  - id: security-oncall\n    function: security\n    members: [dana]\n    after: 10m\n    schedule:\n      layers:\n        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }\nidentities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-restore\n    match: { system: line1 }\n    actions: [restore]\n    decide: [{ person: alice, after: 10m }, { role: security-oncall }]\n    two_person: true\n",
    passes: "roles:\n  - id: security-oncall\n    function: security\n    members: [dana]\n    after: 10m\n    schedule:\n      layers:\n        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }\nidentities:\n  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }\nauthority:\n  - id: line1-restore\n    match: { system: line1 }\n    actions: [restore]\n    decide: [{ person: alice, after: 10m }, { role: security-oncall }, { role: plant-manager }]\n    two_person: true\n",
};

/// GR010: two-person chains that, at some times, reach one person only.
pub struct TwoPersonAlone;

/// A stretch of the horizon in which a two-person chain reaches one person.
struct Alone<'w> {
    from: DateTime<Tz>,
    to: DateTime<Tz>,
    person: &'w str,
}

impl Rule for TwoPersonAlone {
    fn info(&self) -> &'static RuleInfo {
        &TWO_PERSON_ALONE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut horizon = Horizon::new(cx.engine, cx.horizon.0, cx.horizon.1);
        for (k, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide().filter(|d| d.two_person) else {
                continue;
            };
            let alone = alone_windows(horizon.windows(&decide.levels));
            if alone.is_empty() {
                continue;
            }
            let mut people: Vec<&str> = alone.iter().map(|a| a.person).collect();
            people.sort_unstable();
            people.dedup();
            let shown: Vec<String> = alone
                .iter()
                .map(|a| {
                    format!(
                        "{}: only {}",
                        window_text(a.from, a.to, cx.horizon.1),
                        a.person
                    )
                })
                .collect();
            out.push(
                Finding::new(
                    &TWO_PERSON_ALONE,
                    Subject::Rule(k),
                    rule.id.span,
                    format!(
                        "the two-person rule `{}` reaches only {} at some times: nobody in the chain can be the second decider then",
                        rule.id.value,
                        either(&people)
                    ),
                )
                .witness(format!("in {}: {}", horizon_label(cx), shorten(shown)))
                .help(
                    "add a level that reaches a second person at these times (a role with someone on call then, or a `backup`), so two people of the chain can decide at every hour",
                ),
            );
        }
    }
}

/// The windows (merged when adjacent, with the same person) in which the
/// chain reaches exactly one person. A chain that reaches nobody is
/// GR004's finding.
fn alone_windows(windows: &[Window]) -> Vec<Alone<'_>> {
    let mut out: Vec<Alone> = Vec::new();
    for w in windows {
        let mut people = w
            .steps
            .iter()
            .flat_map(|s| &s.people)
            .map(|d| d.person.as_str());
        let Some(first) = people.next() else {
            continue;
        };
        if people.any(|p| p != first) {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.to == w.from && last.person == first => last.to = w.to,
            _ => out.push(Alone {
                from: w.from,
                to: w.to,
                person: first,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;
