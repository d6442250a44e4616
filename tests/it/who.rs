//! `andon who` and `andon declare`: advice a shift lead can act on, and the
//! stable JSON of the spec.

use super::harness::{Andon, HEADER};

const PLANT: &str = "people:
  - { id: alice, name: Alice Martin, contact: { phone: \"+33 6 00 00 00 01\", radio: ch 4 }, backup: bob }
  - { id: bob, name: Bob Durand, contact: { phone: \"+33 6 00 00 00 02\" } }
  - { id: dana, name: Dana Petit, contact: { email: dana@example.com } }
roles:
  - id: shift-lead
    name: OT shift lead
    members: [alice, bob]
    after: 10m
    escalates_to: security
    schedule:
      layers:
        - { rotation: [alice, bob], shift: 12h, start: 2026-01-05T06:00 }
  - { id: security, name: Security on-call, members: [dana], after: 15m }
systems:
  - { id: mes, criticality: high, zone: dmz }
  - { id: line3, name: Packaging line 3, criticality: safety, zone: ot, depends_on: [mes], safe_state: Switch line 3 to manual at the HMI }
identities:
  - id: vendor-acme
    name: Acme remote support
    kind: vendor-session
    vendor: Acme
    access: { line3: { default: none, maintenance: write } }
    serves: [line3]
  - { id: mes-key, kind: api-key, serves: [mes] }
authority:
  - id: vendor-sessions
    match: { kind: vendor-session }
    actions: [disconnect, pause]
    decide: [{ role: shift-lead, after: 5m }]
    two_person: true
    consult: [{ role: security }]
    preconditions: [Confirm the robot cells are idle]
  - { id: loto, match: { system: line3 }, states: [maintenance], actions: [override], forbid: Lockout in effect }
  - { id: a, match: { kind: api-key }, actions: [revoke], decide: [{ person: alice }] }
  - { id: b, match: { zone: dmz }, actions: [revoke], decide: [{ person: dana }] }
";

fn plant() -> Andon {
    Andon::new().files(&[("00.yaml", HEADER), ("10.yaml", PLANT)])
}

#[test]
fn who_names_the_decider_with_role_shift_end_and_contact_then_the_next_at_a_clock_time() {
    // Friday 02:10: Alice's turn is 18:00-06:00? No: turns of 12 h from
    // Monday 06:00 alternate alice (day) and bob (night).
    plant()
        .args(["who", "vendor-acme", "disconnect", "--at", "2026-03-06T14:10"])
        .run()
        .success()
        .stdout_has("Call Alice Martin (OT shift lead, on shift until 18:00, phone +33 6 00 00 00 01, radio ch 4) now (rule vendor-sessions).")
        .stdout_has("At 14:15 (in 5m), if no decision yet: Dana Petit (Security on-call, dana@example.com).")
        .stdout_has("The chain ends at 14:30")
        .stdout_has("Two people: a second, different decider from this chain must confirm.")
        .stdout_has("Consult before acting (does not block): Security on-call (security).")
        .stdout_has("  [ ] Confirm the robot cells are idle")
        .stdout_has("  - line3 (Packaging line 3), criticality safety, served by this identity")
        .stdout_has("    safe state: Switch line 3 to manual at the HMI");
}

#[test]
fn who_follows_the_night_shift_and_unavailability() {
    plant()
        .args([
            "who",
            "vendor-acme",
            "disconnect",
            "--at",
            "2026-03-06T02:10",
        ])
        .run()
        .success()
        .stdout_has("Call Bob Durand (OT shift lead, on shift until 06:00");
    plant()
        .args([
            "who",
            "vendor-acme",
            "disconnect",
            "--at",
            "2026-03-06T14:10",
            "--unavailable",
            "alice",
        ])
        .run()
        .success()
        .stdout_has(
            "Call Bob Durand (OT shift lead, backup for Alice Martin, phone +33 6 00 00 00 02) now",
        );
}

#[test]
fn who_json_has_exactly_the_fields_of_the_spec() {
    let run = plant()
        .args([
            "who",
            "vendor-acme",
            "disconnect",
            "--at",
            "2026-03-06T14:10",
            "--format",
            "json",
        ])
        .run()
        .success();
    let json = run.json();
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "identity",
        "action",
        "state",
        "at",
        "outcome",
        "rule",
        "rules",
        "reasons",
        "steps",
        "repeat",
        "two_person",
        // Beyond the spec, only beside `two_person: true`: whether the
        // chain reaches two different people at this time.
        "two_person_met",
        "pre_approved",
        "consult",
        "preconditions",
        "impact",
    ];
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(json["identity"], "vendor-acme");
    assert_eq!(json["state"], "normal");
    assert_eq!(json["at"], "2026-03-06T14:10:00+01:00");
    assert_eq!(json["outcome"], "chain");
    assert_eq!(json["rule"], "vendor-sessions");
    assert_eq!(json["two_person"], true);
    let step = &json["steps"][0];
    let mut step_keys: Vec<&str> = step
        .as_object()
        .expect("step")
        .keys()
        .map(String::as_str)
        .collect();
    step_keys.sort_unstable();
    assert_eq!(
        step_keys,
        ["offset_s", "people", "skipped", "starts_at", "via", "why"]
    );
    assert_eq!(step["people"], serde_json::json!(["alice"]));
    assert_eq!(step["via"], "role:shift-lead");
    assert_eq!(json["steps"][1]["offset_s"], 300);
    assert_eq!(json["steps"][1]["starts_at"], "2026-03-06T14:15:00+01:00");
    assert_eq!(json["steps"][1]["via"], "role:security");
    assert!(
        step["why"]
            .as_str()
            .expect("why")
            .contains("rule vendor-sessions level 1; alice on shift")
    );
    assert_eq!(
        json["impact"],
        serde_json::json!([
            { "system": "line3", "criticality": "safety", "safe_state": "Switch line 3 to manual at the HMI" }
        ])
    );
}

#[test]
fn a_forbidden_action_says_why_and_names_the_rule() {
    plant()
        .args([
            "who",
            "vendor-acme",
            "override",
            "--state",
            "maintenance",
            "--at",
            "2026-03-06T14:10",
        ])
        .run()
        .success()
        .stdout_has("FORBIDDEN: nobody may override this in state maintenance.")
        .stdout_has("rule loto: Lockout in effect")
        .stdout_lacks("Call ");
    let run = plant()
        .args([
            "who",
            "vendor-acme",
            "override",
            "--state",
            "maintenance",
            "--format",
            "json",
        ])
        .run()
        .success();
    let json = run.json();
    assert_eq!(json["outcome"], "forbidden");
    assert_eq!(json["rules"], serde_json::json!(["loto"]));
    assert_eq!(json["reasons"], serde_json::json!(["Lockout in effect"]));
    assert_eq!(json["steps"], serde_json::json!([]));
    assert_eq!(json["rule"], serde_json::Value::Null);
}

#[test]
fn an_ambiguous_answer_names_the_tied_rules_and_their_first_levels() {
    plant()
        .args(["who", "mes-key", "revoke"])
        .run()
        .success()
        .stdout_has("AMBIGUOUS: rules a, b are equally specific")
        .stdout_has("rule a: Alice Martin")
        .stdout_has("rule b: Dana Petit");
}

#[test]
fn an_uncovered_answer_says_so_and_still_shows_what_stops() {
    plant()
        .args(["who", "mes-key", "pause"])
        .run()
        .success()
        .stdout_has("UNCOVERED: no rule says who may pause mes-key in state normal.")
        .stdout_has("  - mes, criticality high, served by this identity")
        .stdout_has("  - line3 (Packaging line 3), criticality safety, depends on mes");
}

#[test]
fn declare_resolves_the_states_chain_and_its_json_has_no_identity() {
    plant()
        .args(["declare", "emergency", "--at", "2026-03-06T02:10"])
        .run()
        .success()
        .stdout_has("declare state emergency")
        .stdout_has("Call Bob Durand (OT shift lead, on shift until 06:00")
        .stdout_has("At 02:15 (in 5m), if no decision yet: Dana Petit");
    let run = plant()
        .args([
            "declare",
            "emergency",
            "--at",
            "2026-03-06T02:10",
            "--format",
            "json",
        ])
        .run()
        .success();
    let json = run.json();
    assert!(json.get("identity").is_none());
    assert_eq!(json["action"], "declare");
    assert_eq!(json["state"], "emergency");
    assert_eq!(json["steps"][1]["via"], "person:dana");
}

#[test]
fn bad_questions_exit_2_with_a_hint() {
    plant()
        .args(["who", "vendor-acm", "pause"])
        .run()
        .fails(2)
        .stderr_has("unknown identity `vendor-acm`; did you mean `vendor-acme`?");
    plant()
        .args(["who", "vendor-acme", "paus"])
        .run()
        .fails(2)
        .stderr_has("unknown action `paus`; did you mean `pause`?");
    plant()
        .args(["who", "vendor-acme", "pause", "--state", "maintenace"])
        .run()
        .fails(2)
        .stderr_has("did you mean `maintenance`?");
    plant()
        .args(["who", "vendor-acme", "pause", "--at", "yesterday"])
        .run()
        .fails(2)
        .stderr_has("bad `--at` `yesterday`");
    // Past the calendar's years: said, with the range.
    plant()
        .args(["who", "vendor-acme", "pause", "--at", "10000-01-01T00:00"])
        .run()
        .fails(2)
        .stderr_has("in the years 1 to 9999");
    plant()
        .args(["who", "vendor-acme", "pause", "--unavailable", "alize"])
        .run()
        .fails(2)
        .stderr_has("did you mean `alice`?");
    plant()
        .args(["declare", "emergencyy"])
        .run()
        .fails(2)
        .stderr_has("did you mean `emergency`?");
    Andon::new()
        .args(["who"])
        .run()
        .fails(2)
        .stderr_has("Usage");
}

#[test]
fn the_runbook_defaults_to_runbooks_in_the_current_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("runbooks")).expect("mkdir");
    std::fs::write(dir.path().join("runbooks/00.yaml"), HEADER).expect("write");
    std::fs::write(dir.path().join("runbooks/10.yaml"), PLANT).expect("write");
    Andon::new()
        .in_dir(dir.path())
        .args(["who", "vendor-acme", "pause", "--at", "2026-03-06T14:10"])
        .run()
        .success()
        .stdout_has("Call Alice Martin");
    let empty = tempfile::tempdir().expect("tempdir");
    Andon::new()
        .in_dir(empty.path())
        .args(["who", "x", "pause"])
        .run()
        .fails(2)
        .stderr_has("pass `--runbook PATH`");
}

#[test]
fn impact_lists_what_stops_and_what_a_compromise_reaches() {
    plant()
        .args(["impact", "vendor-acme"])
        .run()
        .success()
        .stdout_has("Pausing or revoking it stops:")
        .stdout_has("- line3 (criticality safety, it serves this)")
        .stdout_has("If compromised, it can reach:")
        .stdout_has("- line3 (criticality safety, write access)");
}

#[test]
fn graph_draws_people_roles_and_chains() {
    let run = plant().args(["graph", "--format", "dot"]).run().success();
    let dot = run.stdout();
    assert!(dot.starts_with("digraph"), "{dot}");
    for name in [
        "Alice Martin",
        "OT shift lead",
        "vendor-sessions #1",
        "escalates_to",
    ] {
        assert!(dot.contains(name), "dot lacks {name}:\n{dot}");
    }
    plant()
        .args(["graph", "--format", "mermaid"])
        .run()
        .success()
        .stdout_has("flowchart");
}

#[test]
fn a_person_named_again_at_a_later_level_is_shown_as_already_called() {
    // Dana is security on-call at level 2 and named again at level 3.
    let extra = "  - { id: again, match: { identity: mes-key }, actions: [pause], decide: [{ role: shift-lead, after: 5m }, { person: dana, after: 5m }, { person: dana }] }\n";
    Andon::new()
        .files(&[("00.yaml", HEADER), ("10.yaml", &format!("{PLANT}{extra}"))])
        .args(["who", "mes-key", "pause", "--at", "2026-03-06T14:10"])
        .run()
        .success()
        .stdout_has("At 14:15 (in 5m), if no decision yet: Dana Petit (dana@example.com).")
        .stdout_has(
            "At 14:20 (in 10m), if no decision yet: Dana Petit again (already called at 14:15).",
        )
        .stdout_has("No time limit at the last level: nobody else is named after it.");
}

#[test]
fn clock_times_in_the_repeated_autumn_hour_carry_their_zone() {
    // 2026-10-25: 02:00-03:00 happens twice in Paris. 02:58 CEST + 10m is 02:08 CET.
    plant()
        .args(["declare", "emergency", "--at", "2026-10-25T02:58"])
        .run()
        .success()
        .stdout_has("at Sun 25 Oct 2026 02:58 CEST")
        .stdout_has("At 02:03 CET (in 5m)");
}

#[test]
fn at_accepts_utc_with_z_and_minutes_only() {
    let run = plant()
        .args([
            "who",
            "vendor-acme",
            "pause",
            "--at",
            "2026-03-06T13:10Z",
            "--format",
            "json",
        ])
        .run()
        .success();
    assert_eq!(run.json()["at"], "2026-03-06T14:10:00+01:00");
}

#[test]
fn a_two_person_rule_whose_chain_reaches_one_person_says_it_cannot_be_met() {
    // vendor-sessions is two-person: the shift lead (alice at 14:10), then
    // security (dana) through `escalates_to`. With dana away, alice alone.
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "who",
            "vendor-acme",
            "disconnect",
            "--at",
            "2026-03-06T14:10",
        ];
        args.extend_from_slice(extra);
        plant().args(args).run().success()
    };
    ask(&["--unavailable", "dana"]).stdout_has(
        "TWO-PERSON RULE CANNOT BE MET: at this time the chain reaches only Alice Martin (alice); a second decider would come from outside the chain and be recorded as NOT AUTHORIZED.",
    );
    let json = ask(&["--unavailable", "dana", "--format", "json"]).json();
    assert_eq!(json["two_person"], true);
    assert_eq!(json["two_person_met"], false);
    ask(&[]).stdout_has("Two people: a second, different decider from this chain must confirm.");
    assert_eq!(ask(&["--format", "json"]).json()["two_person_met"], true);
}
