//! `andon coverage`: the matrix of critical identities x states x actions,
//! over an on-call horizon.

use crate::harness::Andon;

/// A small plant with one of each answer: a chain with nightly gaps (the
/// day crew), a forbid, a tie, an uncovered identity, and a two-person
/// chain in an emergency.
const PLANT: &str = "andon: 1
plant: { id: test-plant, name: Test plant, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: emergency, emergency: true }
people:
  - { id: alice }
  - { id: bob }
  - { id: chen }
roles:
  - id: day-crew
    members: [alice]
    after: 20m
    schedule:
      layers:
        - { rotation: [alice], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"22:00\" } }
  - { id: managers, members: [bob, chen], after: 30m }
systems:
  - { id: line1, criticality: safety, owner: managers }
  - { id: mes, criticality: high, owner: managers }
  - { id: printer, criticality: low, owner: managers }
identities:
  - { id: plc-a, kind: plc-credential, owner: managers, access: { line1: { default: write } } }
  - { id: plc-b, kind: plc-credential, owner: managers, access: { line1: { default: write } } }
  - { id: mes-svc, kind: service-account, owner: managers, access: { mes: { default: write } } }
  - { id: mes-key, kind: api-key, owner: managers, access: { mes: { default: read } } }
  - { id: printer-key, kind: api-key, owner: managers, access: { printer: { default: write } } }
authority:
  - id: plc-cut
    match: { kind: plc-credential }
    actions: [pause, revoke]
    decide: [{ role: day-crew }]
  - id: plc-cut-in-emergency
    match: { kind: plc-credential }
    states: [emergency]
    actions: [pause, revoke]
    decide: [{ role: day-crew }, { role: managers }]
    two_person: true
  - id: mes-no-pause
    match: { kind: service-account }
    actions: [pause]
    forbid: The MES must be stopped at its console
  - id: mes-revoke-a
    match: { system: mes }
    actions: [revoke]
    decide: [{ person: bob }]
  - id: mes-revoke-b
    match: { system: mes }
    actions: [revoke]
    decide: [{ person: chen }]
";

fn plant() -> Andon {
    Andon::new().files(&[("plant.yaml", PLANT)])
}

#[track_caller]
fn fits_100_columns(text: &str) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn the_shipped_runbook_is_covered_everywhere_with_no_gap() {
    let run = Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(["coverage", "--from", "2026-11-22T09:00"])
        .run()
        .success()
        .stdout_has("horizon: Sun 22 Nov 2026 09:00 to Sun 29 Nov 2026 09:00 (7 days, Europe/Paris)")
        .stdout_has(" critical identities x 6 states x pause, revoke (+ disconnect for vendor sessions):")
        .stdout_has(" forbidden, 0 ambiguous, 0 uncovered\n")
        .stdout_has("of the covered: 0 single decider, 0 with an on-call gap, 0 slow in an emergency")
        .stdout_has("  none: every role has someone on call at all times")
        .stdout_has("  disconnect covered   acme-session-in-incident   alice            now\n             1: vendor-acme-remote\n");
    fits_100_columns(&run.stdout());
}

#[test]
fn the_shipped_runbook_in_json_lists_every_critical_identity_once() {
    let run = Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(["coverage", "--from", "2026-11-22T09:00", "--format", "json"])
        .run()
        .success();
    let json = run.json();
    assert_eq!(json["days"], 7);
    assert_eq!(json["from"], "2026-11-22T09:00:00+01:00");
    let critical = json["summary"]["identities"].as_u64().expect("count");
    assert!(critical > 20, "{critical}");
    let groups = json["groups"].as_array().expect("groups");
    let mut ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["identities"].as_array().expect("identities"))
        .map(|i| i.as_str().expect("id"))
        .collect();
    let listed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(listed as u64, critical);
    assert_eq!(ids.len(), listed);
    let acme = groups
        .iter()
        .find(|g| g["identities"][0] == "vendor-acme-remote")
        .expect("vendor-acme-remote");
    let cut = acme["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["state"] == "cyber-incident" && a["action"] == "disconnect")
        .expect("disconnect in cyber-incident");
    assert_eq!(cut["outcome"], "covered");
    assert_eq!(cut["rule"], "acme-session-in-incident");
    assert_eq!(cut["first_deciders"][0], "alice");
    assert_eq!(cut["first_decider_within_s"], 0);
    assert_eq!(cut["gaps"].as_array().map(Vec::len), Some(0));
    let roles = json["roles"].as_array().expect("roles");
    assert!(
        roles
            .iter()
            .all(|r| r["gaps"].as_array().is_some_and(Vec::is_empty))
    );
}

#[test]
fn coverage_shows_each_outcome_and_groups_identities_with_the_same_answer() {
    let run = plant()
        .args(["coverage", "--from", "2026-11-23T09:00", "--days", "2"])
        .run()
        .success()
        .stdout_has("4 critical identities x 2 states x pause, revoke")
        .stdout_has("16 questions: 8 covered, 2 forbidden, 4 ambiguous, 2 uncovered")
        .stdout_has("of the covered: 4 single decider, 4 with an on-call gap, 4 slow in an emergency")
        .stdout_has("in every state\n")
        .stdout_has("  pause      uncovered                            -                -\n             1: mes-key\n")
        .stdout_has("  pause      forbidden mes-no-pause               -                -\n             1: mes-svc\n")
        .stdout_has("  revoke     ambiguous mes-revoke-a, mes-revoke-b -                -\n             2: mes-svc, mes-key\n")
        .stdout_has("in state normal\n")
        .stdout_has("  pause      covered   plc-cut                    alice            never   single gap\n             2: plc-a, plc-b\n")
        .stdout_has("in state emergency (emergency)\n")
        .stdout_has("  revoke     covered   plc-cut-in-emergency       alice            20m     slow\n")
        .stdout_lacks("printer-key");
    fits_100_columns(&run.stdout());
}

#[test]
fn coverage_lists_the_on_call_gaps_per_role_across_the_autumn_clock_change() {
    // The 06:00 handoff stays at 06:00 when the clocks go back on Sunday 25
    // October: that night's gap is nine hours long.
    plant()
        .args(["coverage", "--from", "2026-10-23T09:00", "--days", "4"])
        .run()
        .success()
        .stdout_has("  day-crew: nobody on call in 4 windows\n    Fri 23 Oct 22:00 to Sat 24 Oct 06:00 (8h)\n    Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h)\n    Sun 25 Oct 22:00 to Mon 26 Oct 06:00 (8h)\n    and 1 more (see `--format json`)\n")
        .stdout_has("chains that yield nobody at some time:\n  plc-cut: 4 windows\n")
        .stdout_lacks("managers: nobody");
}

#[test]
fn a_two_person_emergency_chain_is_slow_while_the_day_crew_is_on() {
    let run = plant()
        .args([
            "coverage",
            "--from",
            "2026-11-23T09:00",
            "--days",
            "1",
            "--format",
            "json",
        ])
        .run()
        .success();
    let json = run.json();
    let plc = json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["identities"][0] == "plc-a")
        .expect("plc-a");
    let emergency = plc["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["state"] == "emergency" && a["action"] == "pause")
        .expect("pause in emergency");
    assert_eq!(emergency["rule"], "plc-cut-in-emergency");
    assert_eq!(emergency["first_deciders"][0], "alice");
    assert_eq!(emergency["first_decider_within_s"], 1200);
    assert_eq!(emergency["slow"], true);
    assert_eq!(emergency["single_decider"], serde_json::Value::Null);
    assert_eq!(json["summary"]["slow_in_emergency"], 4);
    let gaps = json["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["role"] == "day-crew")
        .expect("day-crew")["gaps"]
        .clone();
    assert_eq!(gaps[0]["from"], "2026-11-23T22:00:00+01:00");
    assert_eq!(gaps[0]["to"], "2026-11-24T06:00:00+01:00");
    assert_eq!(gaps[0]["text"], "Mon 23 Nov 22:00 to Tue 24 Nov 06:00");
}

#[test]
fn many_identities_with_one_answer_make_one_row_that_fits() {
    let extra: String = (0..300)
        .map(|i| {
            format!(
                "  - {{ id: plc-extra-{i:04}, kind: plc-credential, owner: managers, access: {{ line1: {{ default: write }} }} }}\n"
            )
        })
        .collect();
    let text = PLANT.replace("authority:\n", &format!("{extra}authority:\n"));
    let run = Andon::new()
        .files(&[("plant.yaml", &text)])
        .args(["coverage", "--from", "2026-11-23T09:00"])
        .run()
        .success()
        .stdout_has("             302: plc-a, plc-b, plc-extra-0000, plc-extra-0001, plc-extra-0002, plc-extra-0003, +296\n");
    fits_100_columns(&run.stdout());
}

#[test]
fn a_bad_from_or_days_is_a_usage_error() {
    plant()
        .args(["coverage", "--from", "next friday"])
        .run()
        .fails(2)
        .stderr_has("bad `--from` `next friday`");
    plant().args(["coverage", "--days", "0"]).run().fails(2);
}
