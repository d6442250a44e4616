//! Replay of logs built in memory with the builders of `log::events`: the
//! moments after each event, the words of the timeline, and `--against`.

use super::*;
use crate::engine::{Decision, Engine, Query};
use crate::load::load_str;
use crate::log::events::{self, Deciding, Mode, Opening, Reason};
use crate::log::words::event as words;
use crate::log::{Event, Kind};
use crate::model::{Action, Runbook};
use chrono::TimeZone;
use chrono_tz::Tz;

/// Friday 6 March 2026. `lead` is Ann (Bo is her backup); `sec` is Cy.
const RUNBOOK: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: emergency, declare: [{ role: lead, after: 5m }, { person: sam }] }
people:
  - { id: ann, backup: bo }
  - { id: bo }
  - { id: cy }
  - { id: sam }
roles:
  - { id: lead, members: [ann], after: 5m }
  - { id: sec, members: [cy] }
systems:
  - { id: line, criticality: safety, zone: ot }
identities:
  - { id: vpn, kind: vendor-session, vendor: Acme, access: { line: { default: read } } }
authority:
  - id: vendor
    match: { kind: vendor-session }
    actions: [disconnect]
    decide: [{ role: lead, after: 5m }, { role: sec, after: 10m }]
";

fn runbook(text: &str) -> Runbook {
    load_str("rb.yaml", text).expect("the test runbook loads")
}

/// `RUNBOOK` with `from` replaced by `to`.
fn changed(from: &str, to: &str) -> Runbook {
    assert!(RUNBOOK.contains(from), "{from}");
    runbook(&RUNBOOK.replace(from, to))
}

fn at(h: u32, m: u32) -> chrono::DateTime<Tz> {
    Tz::Europe__Paris
        .with_ymd_and_hms(2026, 3, 6, h, m, 0)
        .unwrap()
}

/// Events as read back from a log: lines and seqs from 1.
fn entries(events: Vec<Event>) -> Vec<Entry> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Entry {
            line: i + 1,
            seq: i as u64 + 1,
            event,
            prev: String::new(),
            hash: String::new(),
        })
        .collect()
}

fn opened(state: &str) -> Event {
    events::opened(
        at(14, 10).fixed_offset(),
        &Opening {
            runbook: "rb.yaml",
            runbook_hash: "sha256:0",
            plant: "p",
            timezone: "Europe/Paris",
            mode: Mode::Drill,
            state,
            scenario: Some("s"),
            rehearsal: false,
        },
    )
}

fn resolve(engine: &Engine, h: u32, m: u32, unavailable: &[String]) -> Decision {
    engine.resolve(&Query {
        identity: "vpn",
        action: Action::Disconnect,
        state: "normal",
        at: at(h, m),
        unavailable,
    })
}

fn decided(
    h: u32,
    m: u32,
    id: &str,
    what: (Option<&str>, &str, &str),
    by: &[&str],
    authorized: bool,
) -> Event {
    let by: Vec<String> = by.iter().map(|s| s.to_string()).collect();
    events::decided(
        at(h, m).fixed_offset(),
        &Deciding {
            decision: id,
            identity: what.0,
            action: what.1,
            state: what.2,
            by: &by,
            approved: true,
            authorized,
            ahead_of_chain: false,
            rule: Some("vendor"),
            preconditions_acknowledged: true,
            flags: &[],
        },
    )
}

/// A night: Ann is out at 14:11, D1 (disconnect vpn) is opened at 14:12
/// and called on Bo, escalates to Cy at 14:17, Cy decides at 14:18; Ann is
/// back at 14:20; the emergency is declared by Bo; closed.
fn night(engine: &Engine) -> Replay {
    let ann = vec!["ann".to_owned()];
    let d1 = resolve(engine, 14, 12, &ann);
    let declare = engine.declare("emergency", at(14, 21), &[]);
    Replay::new(entries(vec![
        opened("normal"),
        events::inject(at(14, 11).fixed_offset(), 1, "Ann is out", &[], &ann, &[]),
        events::decision_opened(at(14, 12).fixed_offset(), "D1", &d1),
        events::acknowledged(at(14, 13).fixed_offset(), "D1", "Tell the operator"),
        events::escalated(
            at(14, 17).fixed_offset(),
            "D1",
            2,
            &["cy".to_owned()],
            Reason::Timeout,
            None,
            0,
        ),
        decided(
            14,
            18,
            "D1",
            (Some("vpn"), "disconnect", "normal"),
            &["cy"],
            true,
        ),
        events::availability(at(14, 20).fixed_offset(), "ann", true),
        events::decision_opened(at(14, 21).fixed_offset(), "D2", &declare),
        decided(14, 21, "D2", (None, "declare", "emergency"), &["ann"], true),
        events::state_declared(
            at(14, 21).fixed_offset(),
            "emergency",
            "normal",
            &ann,
            true,
            Some("D2"),
        ),
        events::closed(at(14, 30).fixed_offset(), &[]),
    ]))
}

#[test]
fn each_moment_shows_the_state_the_unavailable_the_open_and_the_taken() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    assert_eq!(r.session.scenario.as_deref(), Some("s"));
    assert_eq!(r.session.timezone.as_deref(), Some("Europe/Paris"));

    let start = r.moment(0);
    assert_eq!(start.state.as_deref(), Some("normal"));
    assert!(start.open.is_empty() && start.unavailable.is_empty());

    let out = r.moment(1);
    assert_eq!(out.unavailable, ["ann"]);
    assert_eq!(out.injects.len(), 1);

    let asked = r.moment(2);
    let d1 = &asked.open[0];
    assert_eq!(
        (d1.id.as_str(), d1.action_phrase()),
        ("D1", "disconnect vpn".to_owned())
    );
    assert_eq!(d1.rule.as_deref(), Some("vendor"));
    assert_eq!(d1.level, 1);
    assert_eq!(d1.chain[0].people, ["bo"], "Bo stands in for Ann");
    assert_eq!(d1.chain[1].people, ["cy"]);
    assert_eq!(d1.chain[1].starts_at, Some(at(14, 17).fixed_offset()));
    assert_eq!(d1.unavailable, ["ann"]);

    assert_eq!(r.moment(3).open[0].acknowledged, ["Tell the operator"]);
    assert_eq!(r.moment(4).open[0].level, 2);

    let taken = r.moment(5);
    assert!(taken.open.is_empty());
    assert_eq!(taken.taken[0].by, ["cy"]);
    assert!(taken.taken[0].authorized && taken.taken[0].approved);

    assert!(r.moment(6).unavailable.is_empty(), "Ann is back");
    let end = r.moment(99);
    assert_eq!(end.index, Some(10));
    assert_eq!(end.state.as_deref(), Some("emergency"));
    assert_eq!(end.taken.len(), 2);
    assert!(end.closed);
    assert_eq!(r.moments().last(), Some(end));
}

#[test]
fn an_escalation_that_re_resolved_the_chain_replaces_the_frozen_chain() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let d1 = resolve(&engine, 14, 12, &[]);
    let cy_out = vec!["cy".to_owned()];
    let again = resolve(&engine, 14, 12, &cy_out);
    let r = Replay::new(entries(vec![
        opened("normal"),
        events::decision_opened(at(14, 12).fixed_offset(), "D1", &d1),
        events::availability(at(14, 13).fixed_offset(), "cy", false),
        events::escalated(
            at(14, 13).fixed_offset(),
            "D1",
            1,
            &["ann".to_owned()],
            Reason::Unavailable,
            Some(&again),
            0,
        ),
    ]));
    assert_eq!(r.moment(1).open[0].chain[1].people, ["cy"]);
    let m = r.moment(3);
    assert!(m.open[0].chain[1].skipped, "{:?}", m.open[0].chain);
    assert_eq!(m.open[0].unavailable, ["cy"]);
}

#[test]
fn the_same_runbook_finds_no_difference() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    assert_eq!(night(&engine).differences(&engine), []);
}

#[test]
fn a_decider_no_longer_in_the_chain_is_named_with_the_decision_and_the_rule() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let today = changed("{ role: sec, after: 10m }", "{ person: sam, after: 10m }");
    let found = r.differences(&Engine::new(&today));
    let words: Vec<String> = found.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        words,
        [
            "D1 disconnect vpn at 14:18: today cy could no longer decide this (not in the chain of rule vendor)"
        ]
    );
    assert_eq!(
        found[0].change,
        Change::Authority {
            person: "cy".into(),
            now: false
        }
    );
    assert_eq!((found[0].seq, found[0].line), (6, 6));
}

#[test]
fn other_people_called_first_and_another_rule_are_differences() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let today = runbook(
        &RUNBOOK
            .replace("  - id: vendor\n", "  - id: vendor-v2\n")
            .replace(
                "decide: [{ role: lead, after: 5m }, { role: sec, after: 10m }]",
                "decide: [{ role: sec, after: 5m }, { role: lead }]",
            ),
    );
    let found = r.differences(&Engine::new(&today));
    let changes: Vec<&str> = found.iter().map(|d| d.change.as_str()).collect();
    assert_eq!(changes, ["rule", "first-deciders"], "{found:#?}");
    assert_eq!(
        found[1].words,
        "first called was bo (role:lead), today cy (role:sec)"
    );
    assert_eq!(
        found[0].words,
        "decided by rule vendor in the log, today by rule vendor-v2"
    );
}

#[test]
fn a_forbidden_action_today_changes_the_verdict_and_the_deciders() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let today = runbook(&format!(
        "{RUNBOOK}  - id: no-cut\n    match: {{ identity: vpn }}\n    actions: [disconnect]\n    forbid: The vendor must finish\n"
    ));
    let found = r.differences(&Engine::new(&today));
    let words: Vec<String> = found.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        words,
        [
            "D1 disconnect vpn at 14:12: the log says rule vendor, calling bo (level 1); today FORBIDDEN by rule no-cut: The vendor must finish",
            "D1 disconnect vpn at 14:18: today cy could no longer decide this (rule no-cut forbids it: The vendor must finish)",
        ]
    );
}

#[test]
fn an_identity_or_state_the_other_runbook_lacks_is_said_once_per_decision() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let today = runbook(
        &RUNBOOK
            .replace("{ id: vpn,", "{ id: vpn2,")
            .replace("{ id: emergency,", "{ id: crisis,"),
    );
    let found = r.differences(&Engine::new(&today));
    let words: Vec<String> = found.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        words,
        [
            "D1 disconnect vpn at 14:12: today the runbook has no identity `vpn`",
            "D2 declare emergency at 14:21: today the runbook has no state `emergency`",
        ]
    );
}

#[test]
fn someone_not_authorized_then_but_named_today_is_a_difference() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let d1 = resolve(&engine, 14, 12, &[]);
    let r = Replay::new(entries(vec![
        opened("normal"),
        events::decision_opened(at(14, 12).fixed_offset(), "D1", &d1),
        decided(
            14,
            12,
            "D1",
            (Some("vpn"), "disconnect", "normal"),
            &["sam"],
            false,
        ),
    ]));
    assert_eq!(r.differences(&engine), []);
    let today = changed("{ role: sec, after: 10m }", "{ person: sam, after: 10m }");
    let found = r.differences(&Engine::new(&today));
    let words: Vec<String> = found.iter().map(|d| d.words.clone()).collect();
    assert_eq!(
        words,
        ["today sam could decide this (level 2 of rule vendor)",]
    );
}

#[test]
fn a_two_person_rule_today_is_a_difference_for_one_decider() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let today = changed(
        "decide: [{ role: lead, after: 5m }, { role: sec, after: 10m }]\n",
        "decide: [{ role: lead, after: 5m }, { role: sec, after: 10m }]\n    two_person: true\n",
    );
    let found = r.differences(&Engine::new(&today));
    let words: Vec<String> = found.iter().map(|d| d.words.clone()).collect();
    assert_eq!(
        words,
        ["today rule vendor wants two people and only cy decided"]
    );
}

#[test]
fn the_timeline_says_each_event_in_words() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let r = night(&engine);
    let words: Vec<String> = r.entries.iter().map(|e| words(&e.event)).collect();
    assert_eq!(
        words,
        [
            "opened: drill of scenario s, runbook rb.yaml, plant p, state normal",
            "inject 1: Ann is out [unavailable from now: ann]",
            "D1 opened: disconnect vpn in state normal: rule vendor, calling bo (level 1)",
            "D1 precondition acknowledged: Tell the operator",
            "D1 escalated to level 2: cy (level time ran out)",
            "D1 disconnect vpn by cy: approved, authorized",
            "note: ann is available again",
            "D2 opened: declare emergency: the declare chain, calling ann (level 1)",
            "D2 declare emergency by ann: approved, authorized",
            "state changed from normal to emergency by ann (D2), authorized",
            "closed",
        ]
    );
}

#[test]
fn events_without_their_fields_are_replayed_without_panicking() {
    let rb = runbook(RUNBOOK);
    let engine = Engine::new(&rb);
    let bare: Vec<Event> = Kind::ALL
        .iter()
        .map(|&k| Event::empty(at(14, 10).fixed_offset(), k))
        .collect();
    let r = Replay::new(entries(bare));
    for e in &r.entries {
        assert!(!words(&e.event).is_empty());
    }
    let end = r.moment(r.len() - 1);
    assert_eq!(end.taken.len(), 1);
    assert!(
        !end.taken[0].authorized,
        "a decision that does not say it is authorized is not"
    );
    // The bare `decided` names no one, so nothing can differ about a person;
    // its unknown action is said.
    let found = r.differences(&engine);
    assert!(
        found.iter().all(|d| d.change == Change::UnknownAction),
        "{found:#?}"
    );
}
