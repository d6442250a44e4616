//! `andon drill check`: static readiness of scenarios, and scenario loading
//! with located diagnostics.

use super::harness::{Andon, HEADER, root};

const PLANT: &str = "people:
  - { id: alice, name: Alice Martin, backup: bob }
  - { id: bob, name: Bob Durand }
  - { id: dana, name: Dana Petit }
roles:
  - id: shift-lead
    members: [alice, bob]
    after: 10m
    escalates_to: security
    schedule:
      layers:
        - { rotation: [alice, bob], shift: 12h, start: 2026-01-05T06:00 }
  - { id: security, members: [dana], after: 15m }
systems:
  - { id: mes, criticality: high, zone: dmz }
  - { id: line3, criticality: safety, zone: ot, depends_on: [mes] }
identities:
  - id: vendor-acme
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
  - { id: loto, match: { system: line3 }, states: [maintenance], actions: [override], forbid: Lockout in effect }
  - { id: a, match: { kind: api-key }, actions: [revoke], decide: [{ person: alice }] }
  - { id: b, match: { zone: dmz }, actions: [revoke], decide: [{ person: dana }] }
";

/// A scenario on Friday 6 March 2026 at 14:10 (Alice's day turn) with
/// `injects` and `expect` (YAML lists, indented by two).
fn scenario(injects: &str, expect: &str) -> String {
    format!(
        "andon-scenario: 1
id: test
title: A test drill
runbook: runbook
start: {{ at: 2026-03-06T14:10, state: normal }}
objectives:
  - {{ id: o, text: Contain }}
injects:
{injects}expect:
{expect}"
    )
}

/// Runs `andon drill check s.yaml` over the test plant and `text` as `s.yaml`.
fn check(text: &str, extra: &[&str]) -> super::harness::Run {
    Andon::new()
        .workdir(&[
            ("runbook/00.yaml", HEADER),
            ("runbook/10.yaml", PLANT),
            ("s.yaml", text),
        ])
        .args(["drill", "check", "s.yaml"])
        .args(extra)
        .run()
}

const START: &str =
    "  - { at: 0m, text: Writes to the PLC, identities: [vendor-acme], attack: [T0822] }\n";

#[test]
fn the_first_level_with_someone_on_shift_makes_an_expectation_ready() {
    let text = scenario(
        START,
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 10m }\n",
    );
    check(&text, &[])
        .success()
        .stdout_has("ready      cut: disconnect vendor-acme within 10m")
        .stdout_has("`alice` (shift-lead) engaged at +0s (at 14:10)")
        .stdout_has("1 of 1 expectations ready");
}

#[test]
fn by_waits_for_the_level_that_names_it_and_the_deadline_itself_is_in_time() {
    // security is reached by escalates_to after shift-lead's 5m.
    let at_deadline = scenario(
        START,
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 5m, by: security }\n",
    );
    check(&at_deadline, &[])
        .success()
        .stdout_has("`dana` (security) engaged at +5m");
    let too_short = scenario(
        START,
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 4m, by: dana }\n",
    );
    check(&too_short, &[])
        .fails(1)
        .stdout_has("late       cut")
        .stdout_has("engaged only at +5m, after 4m");
}

#[test]
fn unavailability_injected_before_the_deadline_counts_and_after_it_does_not() {
    let expect =
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 10m }\n";
    let before = format!("{START}  - {{ at: 4m, text: Alice is out, unavailable: [alice] }}\n");
    check(&scenario(&before, expect), &[])
        .success()
        .stdout_has("`bob` (shift-lead) engaged at +0s")
        .stdout_has("unavailable: alice");
    let after = format!("{START}  - {{ at: 11m, text: Alice is out, unavailable: [alice] }}\n");
    check(&scenario(&after, expect), &[])
        .success()
        .stdout_has("`alice` (shift-lead)")
        .stdout_lacks("unavailable:");
}

#[test]
fn forbidden_ambiguous_and_uncovered_are_not_ready() {
    let expect = "  - { id: lock, objective: o, action: override, identity: vendor-acme, state: maintenance, within: 10m }
  - { id: tie, objective: o, action: revoke, identity: mes-key, within: 10m }
  - { id: none, objective: o, action: rotate, identity: mes-key, within: 10m }
";
    check(&scenario(START, expect), &[])
        .fails(1)
        .stdout_has("not ready  lock")
        .stdout_has("forbidden by `loto`")
        .stdout_has("not ready  tie")
        .stdout_has("ambiguous: rules `a`, `b` tie")
        .stdout_has("not ready  none")
        .stdout_has("no rule covers it")
        .stdout_has("0 of 3 expectations ready");
}

#[test]
fn json_gives_each_expectation_its_readiness_and_engagement() {
    let expect =
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 10m }
  - { id: em, objective: o, action: declare, state: emergency, within: 1m, by: dana }
";
    let run = check(&scenario(START, expect), &["--format", "json"]).fails(1);
    let json = run.json();
    let report = &json[0];
    assert_eq!(report["scenario"], "test");
    assert_eq!(report["ready"], false);
    let cut = &report["expectations"][0];
    assert_eq!(cut["readiness"], "ready");
    assert_eq!(cut["verdict"], "chain");
    assert_eq!(cut["rule"], "vendor-sessions");
    assert_eq!(cut["engaged"]["offset_seconds"], 0);
    assert_eq!(cut["engaged"]["people"][0], "alice");
    let em = &report["expectations"][1];
    assert_eq!(em["identity"], serde_json::Value::Null);
    assert_eq!(em["state"], "emergency");
    assert_eq!(em["readiness"], "late");
    assert_eq!(em["engaged"]["offset_seconds"], 300);
}

#[test]
fn unknown_keys_bad_durations_and_bad_attack_ids_are_located_with_hints() {
    let text = scenario(
        "  - { at: 0m, text: Writes, attack: [X0822] }\n",
        "  - { id: cut, objective: o, action: disconect, identity: vendor-acme, withn: 10m }
  - { id: late, objective: o, action: pause, identity: vendor-acme, within: soon }
",
    );
    check(&text, &[])
        .fails(2)
        .stderr_has("s.yaml:9:38")
        .stderr_has("`X0822` is not a MITRE ATT&CK technique id")
        .stderr_has("unknown action `disconect`")
        .stderr_has("did you mean `disconnect`?")
        .stderr_has("unknown key `withn` in an expectation")
        .stderr_has("did you mean `within`?")
        .stderr_has("bad duration `soon` for `within`");
}

#[test]
fn references_the_runbook_does_not_define_are_ref001_with_the_nearest_id() {
    let text = scenario(
        "  - { at: 0m, text: Writes, identities: [vendor-acm], unavailable: [alise] }\n",
        "  - { id: cut, objective: p, action: disconnect, identity: vendor-acme, state: mainenance, within: 10m, by: securty }\n",
    );
    check(&text, &[])
        .fails(2)
        .stderr_has("REF001")
        .stderr_has("unknown identity `vendor-acm`")
        .stderr_has("did you mean `vendor-acme`?")
        .stderr_has("unknown person `alise`")
        .stderr_has("did you mean `alice`?")
        .stderr_has("unknown objective `p`")
        .stderr_has("unknown state `mainenance`")
        .stderr_has("did you mean `maintenance`?")
        .stderr_has("unknown role or person `securty`")
        .stderr_has("did you mean `security`?");
}

#[test]
fn a_runbook_that_does_not_load_is_named_at_the_scenario_line() {
    let text = scenario(START, "").replace("runbook: runbook", "runbook: nowhere");
    check(&text, &[])
        .fails(2)
        .stderr_has("s.yaml:4:10")
        .stderr_has("the runbook `nowhere` could not be loaded");
}

#[test]
fn shipped_scenarios_are_ready_against_the_shipped_runbook() {
    Andon::new()
        .args(["drill", "check"])
        .args(
            [
                root().join("scenarios/vendor-session-night.yaml"),
                root().join("scenarios/mes-erp-key-leaked.yaml"),
            ]
            .iter()
            .map(|p| p.display().to_string()),
        )
        .run()
        .success()
        .stdout_has("vendor-session-night: Vendor session writes to the line 3 PLC at night")
        .stdout_has("ready      cut-vendor: disconnect vendor-acme-remote within 10m")
        .stdout_has("ready      declare-emergency: declare emergency within 8m")
        .stdout_has("mes-erp-key-leaked");
}

#[test]
fn lint_of_a_folder_of_scenarios_lints_each_scenario() {
    let never = "  - { id: lock, objective: o, action: override, identity: vendor-acme, state: maintenance, within: 10m }\n";
    let fine =
        "  - { id: cut, objective: o, action: disconnect, identity: vendor-acme, within: 10m }\n";
    let in_folder =
        |expect: &str| scenario(START, expect).replace("runbook: runbook", "runbook: ../runbook");
    let (a, b) = (in_folder(never), in_folder(fine));
    let run = Andon::new()
        .workdir(&[
            ("runbook/00.yaml", HEADER),
            ("runbook/10.yaml", PLANT),
            ("scenarios/a.yaml", &a),
            ("scenarios/b.yaml", &b),
        ])
        .args(["lint", "scenarios", "--now", "2026-11-22T09:00"])
        .run();
    // One finding, in a.yaml, as a scenario finding: the folder is not read as a runbook.
    run.fails(1)
        .stdout_has("SCN001")
        .stdout_has("scenarios/a.yaml:")
        .stdout_has("1 error, 0 warnings");
}
