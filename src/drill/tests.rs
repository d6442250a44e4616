//! Drills on a small plant, on a manual clock: every expectation status,
//! every HSEEP rating, and the judging rules (unavailability, ahead of the
//! chain, two people, forbidden actions, the first matching decision).

use super::*;
use crate::engine::Engine;
use crate::load::load_scenario_with_runbook;
use crate::model::{Action, Duration, Runbook, Scenario, Text};

/// Friday 6 March 2026, 14:10. `lead` is Ann alone (Bo is her backup);
/// `sec` is Cy; Vic works for the vendor; `gone` has left.
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
  - { id: vic }
  - { id: gone, active: false }
roles:
  - { id: lead, members: [ann], after: 5m }
  - { id: sec, members: [cy] }
  - { id: vendor, members: [vic] }
systems:
  - { id: line, criticality: safety, zone: ot }
identities:
  - { id: vpn, kind: vendor-session, vendor: Acme, access: { line: { default: read } } }
  - { id: key, kind: api-key }
authority:
  - id: vendor
    match: { kind: vendor-session }
    actions: [disconnect]
    decide: [{ role: lead, after: 5m }, { role: sec, after: 10m }]
    preconditions: [Tell the operator]
  - id: no-override
    match: { system: line }
    actions: [override]
    forbid: Nobody overrides the line remotely
  - id: keys
    match: { kind: api-key }
    actions: [rotate]
    decide: [{ role: lead, after: 5m }, { role: sec }]
    two_person: true
  - id: vendor-back
    match: { kind: vendor-session }
    actions: [restore]
    decide: [{ person: gone, after: 5m }, { role: sec }]
";

/// The expectations `cut` (disconnect `vpn` within 10m) and `declare`
/// (emergency within 8m), then `extra`; Ann is out from 4m.
fn load(extra: &str) -> (tempfile::TempDir, Scenario, Runbook) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("rb.yaml"), RUNBOOK).expect("write runbook");
    let text = format!(
        "andon-scenario: 1
id: s
title: A test drill
runbook: rb.yaml
start: {{ at: 2026-03-06T14:10, state: normal }}
objectives:
  - {{ id: contain, text: Contain }}
  - {{ id: escalate, text: Escalate }}
  - {{ id: spare, text: Nothing scores this }}
injects:
  - {{ at: 0m, text: Writes, identities: [vpn] }}
  - {{ at: 4m, text: Ann is out, unavailable: [ann] }}
expect:
  - {{ id: cut, objective: contain, action: disconnect, identity: vpn, within: 10m }}
  - {{ id: declare, objective: escalate, action: declare, state: emergency, within: 8m }}
{extra}"
    );
    let path = dir.path().join("s.yaml");
    std::fs::write(&path, text).expect("write scenario");
    let (scenario, runbook) = load_scenario_with_runbook(&path).expect("loads");
    (dir, scenario, runbook)
}

fn secs(text: &str) -> Duration {
    Duration::parse(text).expect("duration")
}

/// `action` on `object` (an identity, or the state declared) at `at` by `by`.
fn act(at: &str, action: &str, object: &str, by: &[&str]) -> Act {
    let action = Action::parse(action).expect("action");
    let (identity, state) = if action == Action::Declare {
        (None, Some(Text::from(object)))
    } else {
        (Some(Text::from(object)), None)
    };
    Act {
        at: secs(at),
        action,
        identity,
        state,
        by: by.iter().map(|p| Text::from(*p)).collect(),
        acknowledged: None,
        approved: true,
    }
}

/// Plays `acts` and returns the drill's end.
fn run<'a>(scenario: &'a Scenario, engine: &'a Engine<'a>, acts: Vec<Act>) -> Finished<'a> {
    play(scenario, engine, acts)
}

fn status(f: &Finished, id: &str) -> Status {
    let i = f
        .scenario
        .expect
        .iter()
        .position(|e| e.id.value.as_str() == id)
        .expect("expectation");
    f.scores[i].status
}

fn rating(f: &Finished, objective: &str) -> Option<Rating> {
    f.ratings
        .iter()
        .find(|r| r.objective.as_str() == objective)
        .and_then(|r| r.rating)
}

#[test]
fn a_decision_by_the_first_level_in_time_is_met_and_rated_p() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, vec![act("3m", "disconnect", "vpn", &["ann"])]);
    assert_eq!(status(&f, "cut"), Status::Met);
    assert_eq!(f.scores[0].time_to_decision, Some(secs("3m")));
    assert_eq!(rating(&f, "contain"), Some(Rating::P));
    assert!(!f.met(), "declare is missed");
}

#[test]
fn exactly_at_the_deadline_is_met_and_one_second_after_is_late() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let at = run(&s, &engine, vec![act("10m", "disconnect", "vpn", &["bo"])]);
    assert_eq!(status(&at, "cut"), Status::Met);
    let after = run(
        &s,
        &engine,
        vec![act("10m1s", "disconnect", "vpn", &["bo"])],
    );
    assert_eq!(status(&after, "cut"), Status::Late);
    assert_eq!(rating(&after, "contain"), Some(Rating::S));
}

#[test]
fn unavailability_injected_mid_drill_changes_who_is_authorized() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    // Before 4m Ann answers: Bo is named nowhere.
    let early = run(&s, &engine, vec![act("2m", "disconnect", "vpn", &["bo"])]);
    assert_eq!(status(&early, "cut"), Status::Unauthorized);
    assert_eq!(rating(&early, "contain"), Some(Rating::M));
    // From 4m Bo stands in for Ann at the first level; Ann is no longer named.
    let late = run(
        &s,
        &engine,
        vec![
            act("5m", "disconnect", "vpn", &["bo"]),
            act("6m", "declare", "emergency", &["ann"]),
        ],
    );
    assert_eq!(status(&late, "cut"), Status::Met);
    assert_eq!(status(&late, "declare"), Status::Unauthorized);
    let flags = &late.taken[1].judgement.flags;
    assert!(
        flags.contains(&"`ann` was made unavailable at +4m".to_owned()),
        "{flags:?}"
    );
}

#[test]
fn the_drill_clock_shows_injects_as_they_fall_due_and_engages_the_backup() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let mut drill = Drill::new(&s, &engine);
    assert_eq!(drill.advance(Duration(0)).len(), 1);
    assert_eq!(drill.next_inject(), Some(secs("4m")));
    let first = |d: &Drill| {
        let chain = d.resolve(Action::Disconnect, Some("vpn"), None);
        chain.first_deciders().map(|s| s.people[0].person.clone())
    };
    assert_eq!(first(&drill), Some(Text::from("ann")));
    assert!(drill.advance(secs("3m59s")).is_empty());
    assert_eq!(drill.advance(secs("4m")).len(), 1);
    assert_eq!(drill.unavailable(), ["ann"]);
    assert_eq!(first(&drill), Some(Text::from("bo")));
    assert_eq!(drill.next_inject(), None);
}

#[test]
fn a_decision_before_the_drill_clock_is_refused() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let mut drill = Drill::new(&s, &engine);
    drill.advance(secs("5m"));
    let error = drill
        .decide(act("2m", "disconnect", "vpn", &["bo"]))
        .expect_err("in the past");
    assert_eq!(
        error.to_string(),
        "a decision at +2m comes after the drill clock reached +5m"
    );
}

#[test]
fn a_forbidden_action_ends_its_expectation_forbidden() {
    let extra =
        "  - { id: take, objective: contain, action: override, identity: vpn, within: 10m }\n";
    let (_dir, s, rb) = load(extra);
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, vec![act("2m", "override", "vpn", &["ann"])]);
    assert_eq!(status(&f, "take"), Status::Forbidden);
    let j = &f.taken[0].judgement;
    assert!(j.forbidden && !j.authorized);
    assert_eq!(
        j.flags[0],
        "forbidden by rule `no-override`: Nobody overrides the line remotely"
    );
    // `cut` is missed too: the worst rating of the objective wins.
    assert_eq!(rating(&f, "contain"), Some(Rating::U));
}

#[test]
fn nothing_decided_is_missed_and_unable_and_an_objective_without_expectations_is_not_rated() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, Vec::new());
    assert_eq!(status(&f, "cut"), Status::Missed);
    assert_eq!(status(&f, "declare"), Status::Missed);
    assert_eq!(rating(&f, "contain"), Some(Rating::U));
    assert_eq!(rating(&f, "spare"), None);
    assert_eq!(f.end, secs("10m"), "the last deadline");
    assert_eq!(f.entries.len(), 2, "every inject shown");
}

#[test]
fn a_two_person_rule_needs_a_second_distinct_decider() {
    let extra =
        "  - { id: rotate, objective: contain, action: rotate, identity: key, within: 10m }\n";
    let (_dir, s, rb) = load(extra);
    let engine = Engine::new(&rb);
    let alone = run(&s, &engine, vec![act("2m", "rotate", "key", &["ann"])]);
    assert_eq!(status(&alone, "rotate"), Status::Unauthorized);
    let j = &alone.taken[0].judgement;
    assert!(!j.authorized);
    assert!(
        j.flags.iter().any(|f| f.starts_with("two-person rule")),
        "{:?}",
        j.flags
    );
    let both = run(
        &s,
        &engine,
        vec![act("2m", "rotate", "key", &["ann", "cy"])],
    );
    assert_eq!(status(&both, "rotate"), Status::Met);
    assert!(
        both.taken[0].judgement.ahead_of_chain,
        "cy's level starts at +5m"
    );
}

#[test]
fn a_decider_from_a_level_not_yet_reached_is_authorized_ahead_of_the_chain() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, vec![act("2m", "disconnect", "vpn", &["cy"])]);
    let j = &f.taken[0].judgement;
    assert!(j.authorized && j.ahead_of_chain);
    assert_eq!(j.deciders[0].level, Some(2));
    assert_eq!(j.deciders[0].from, Some(secs("5m")));
    assert_eq!(status(&f, "cut"), Status::Met);
    // Once the clock has reached the level, it is not ahead any more.
    let f = run(&s, &engine, vec![act("5m", "disconnect", "vpn", &["cy"])]);
    assert!(!f.taken[0].judgement.ahead_of_chain);
}

#[test]
fn the_first_matching_decision_counts_and_a_declined_one_matches_nothing() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let f = run(
        &s,
        &engine,
        vec![
            act("3m", "disconnect", "vpn", &["ann"]),
            act("2m", "disconnect", "vpn", &["vic"]),
        ],
    );
    assert_eq!(status(&f, "cut"), Status::Unauthorized, "vic was first");
    assert_eq!(f.scores[0].decision, Some(0), "sorted by time");
    let mut declined = act("1m", "disconnect", "vpn", &["vic"]);
    declined.approved = false;
    let f = run(
        &s,
        &engine,
        vec![declined, act("3m", "disconnect", "vpn", &["ann"])],
    );
    assert_eq!(status(&f, "cut"), Status::Met);
    assert_eq!(f.scores[0].decision, Some(1));
}

#[test]
fn an_authorized_declare_changes_the_state_and_an_unauthorized_one_does_not() {
    let extra = "  - { id: cut-in-emergency, objective: escalate, action: disconnect, identity: vpn, state: emergency, within: 10m }\n";
    let (_dir, s, rb) = load(extra);
    let engine = Engine::new(&rb);
    let f = run(
        &s,
        &engine,
        vec![
            act("1m", "declare", "emergency", &["vic"]),
            act("2m", "disconnect", "vpn", &["ann"]),
            act("3m", "declare", "emergency", &["ann"]),
            act("6m", "disconnect", "vpn", &["bo"]),
        ],
    );
    assert!(!f.taken[0].declared);
    assert!(f.taken[2].declared);
    assert_eq!(f.taken[1].state, "normal");
    assert_eq!(f.taken[3].state, "emergency");
    assert_eq!(f.state, "emergency");
    assert_eq!(
        status(&f, "declare"),
        Status::Unauthorized,
        "vic declared first"
    );
    assert_eq!(status(&f, "cut-in-emergency"), Status::Met);
    assert_eq!(
        f.scores[2].decision,
        Some(3),
        "only the one taken in emergency"
    );
}

#[test]
fn preconditions_not_acknowledged_rate_the_objective_s() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let mut cut = act("3m", "disconnect", "vpn", &["ann"]);
    cut.acknowledged = Some(Vec::new());
    let f = run(&s, &engine, vec![cut]);
    assert_eq!(status(&f, "cut"), Status::Met);
    assert_eq!(
        f.taken[0].judgement.unacknowledged,
        [Text::from("Tell the operator")]
    );
    assert_eq!(rating(&f, "contain"), Some(Rating::S));
}

#[test]
fn a_decision_from_outside_by_is_unauthorized_and_counts_first() {
    let extra = "  - { id: sec-cut, objective: spare, action: disconnect, identity: vpn, within: 10m, by: sec }\n";
    let (_dir, s, rb) = load(extra);
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, vec![act("3m", "disconnect", "vpn", &["ann"])]);
    assert_eq!(status(&f, "sec-cut"), Status::Unauthorized);
    // The first matching decision counts: a later one from `sec` does not repair it.
    let f = run(
        &s,
        &engine,
        vec![
            act("3m", "disconnect", "vpn", &["ann"]),
            act("6m", "disconnect", "vpn", &["cy"]),
        ],
    );
    assert_eq!(status(&f, "sec-cut"), Status::Unauthorized);
    let f = run(&s, &engine, vec![act("6m", "disconnect", "vpn", &["cy"])]);
    assert_eq!(status(&f, "sec-cut"), Status::Met);
    assert_eq!(f.scores[2].decision, Some(0));
}

#[test]
fn the_log_events_run_from_opened_to_closed_on_the_plant_clock() {
    let (_dir, s, rb) = load("");
    let engine = Engine::new(&rb);
    let f = run(
        &s,
        &engine,
        vec![act("5m", "declare", "emergency", &["bo"])],
    );
    let source = LogSource {
        runbook: "rb.yaml",
        runbook_hash: "sha256:00",
    };
    let events = record::events(&f, source);
    let kinds: Vec<&str> = events.iter().map(|e| e.kind().as_str()).collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "inject",
            "inject",
            "note",
            "decision-opened",
            "decided",
            "state-declared",
            "closed"
        ]
    );
    let opened = events[0].body.to_fields();
    assert_eq!(opened["mode"], "drill");
    assert_eq!(opened["scenario"], "s");
    assert_eq!(events[4].at.to_rfc3339(), "2026-03-06T14:15:00+01:00");
    assert_eq!(events[5].body.to_fields()["authorized"], true);
    assert_eq!(events[7].at.to_rfc3339(), "2026-03-06T14:20:00+01:00");
}

#[test]
fn the_report_locates_a_skipped_level_and_draws_the_chains() {
    let extra = "  - { id: back, objective: spare, action: restore, identity: vpn, within: 10m }\n";
    let (_dir, s, rb) = load(extra);
    let engine = Engine::new(&rb);
    let f = run(&s, &engine, vec![act("12m", "disconnect", "vpn", &["vic"])]);
    let report = AfterAction::new(&f);
    assert!(!report.met);
    assert_eq!(report.summary, "0 of 3 expectations met");
    let skipped = report
        .findings
        .iter()
        .find(|x| x.message.starts_with("`gone` and their backups"))
        .expect("finding for the skipped level");
    assert_eq!(
        skipped.message,
        "`gone` and their backups cannot answer at 14:10 on Fridays"
    );
    assert!(
        skipped
            .location
            .as_deref()
            .is_some_and(|l| l.ends_with("rb.yaml:12")),
        "{:?}",
        skipped.location
    );
    assert!(report.unclear.iter().any(|u| u.kind == "skipped"));
    let unnamed = report
        .findings
        .iter()
        .find(|x| x.message.starts_with("`vic` decided"))
        .expect("finding for vic");
    assert!(
        unnamed
            .location
            .as_deref()
            .is_some_and(|l| l.ends_with("rb.yaml:23"))
    );
    let markdown = report.markdown();
    assert!(markdown.contains("```mermaid\ngantt\n"), "{markdown}");
    assert!(markdown.contains("section cut unauthorized"), "{markdown}");
    assert!(markdown.contains(
        "| `cut` | `contain` | disconnect vpn | +10m (14:20) | **unauthorized** | +12m |"
    ));
    let text = report.text_timeline();
    assert!(text.contains("  L1 lead"), "{text}");
    let json = serde_json::to_value(&report).expect("serializes");
    assert_eq!(json["expectations"][0]["status"], "unauthorized");
    assert_eq!(json["timeline"][1]["kind"], "inject");
    assert_eq!(json["timeline"][2]["kind"], "decision");
    assert_eq!(json["timeline"][2]["offset_s"], 720);
}

/// Report locations are relative to the runbook, whichever way it was named.
#[test]
fn locations_are_relative_to_the_runbook_folder_or_file() {
    use super::report::relative;
    use std::path::Path;
    let rel = |f: &str, r: &str| relative(Path::new(f), Path::new(r));
    assert_eq!(rel("runbooks/rb/50-a.yaml", "runbooks/rb"), "50-a.yaml");
    assert_eq!(
        rel("/home/f/rb/imported/x.yaml", "/home/f/rb"),
        "imported/x.yaml"
    );
    assert_eq!(rel("scenarios/../rb/10-p.yaml", "./rb"), "10-p.yaml");
    // A one-file runbook: the file's name.
    assert_eq!(
        rel("/home/f/plant.yaml", "/home/f/plant.yaml"),
        "plant.yaml"
    );
    // A file outside the runbook keeps its path.
    assert_eq!(rel("/etc/other.yaml", "/home/f/rb"), "/etc/other.yaml");
}
