use super::super::testing::{BASE, lines, lint_case, of};
use crate::engine::Engine;
use crate::lint::{Options, Report, lint};
use crate::model::WrittenTime;

/// Lints `BASE` plus `case`, with the horizon starting at `now`.
fn lint_at(case: &str, now: &str, days: u32) -> Report {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("00-base.yaml"), BASE).expect("write base");
    std::fs::write(dir.path().join("10-case.yaml"), case).expect("write case");
    let runbook = crate::load::load(dir.path()).expect("test runbook loads");
    let engine = Engine::new(&runbook);
    let now = WrittenTime::parse(now)
        .expect("now")
        .instant(runbook.plant.timezone.value);
    lint(
        &runbook,
        &engine,
        &Options {
            now,
            horizon_days: days,
        },
    )
}

/// Security on call on weekdays 08:00-18:00 only; a line 1 key whose
/// cuts it decides alone.
const WEEKDAYS_ONLY: &str = "roles:
  - id: security-oncall
    function: security
    members: [dana]
    after: 10m
    schedule:
      layers:
        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }
identities:
  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }
authority:
  - id: line1-cut
    match: { system: line1 }
    actions: [pause, revoke]
    decide: [{ role: security-oncall }]
";

#[test]
fn gr004_prints_the_weekend_and_the_nights_nobody_covers() {
    let report = lint_case(WEEKDAYS_ONLY);
    assert_eq!(lines(&report, "GR004"), [12]);
    let d = of(&report, "GR004")[0];
    assert_eq!(
        d.message,
        "no one in `security-oncall` from Sun 22 Nov 09:00 to Mon 23 Nov 08:00 (23h); chain `line1-cut` yields nobody (and 5 more windows)"
    );
    let witness = d.witness.as_deref().expect("witness");
    assert!(
            witness.starts_with(
                "nobody to call in the next 7 days (Europe/Paris): Sun 22 Nov 09:00 to Mon 23 Nov 08:00 (23h); Mon 23 Nov 18:00 to Tue 24 Nov 08:00 (14h); "
            ),
            "{witness}"
        );
    assert!(
            witness.contains(
                "Fri 27 Nov 18:00 to Sun 29 Nov 09:00 (1d15h, to the end of the horizon); the chain decides for `line1-plc-key`, such as `pause` of `line1-plc-key` in state `normal`"
            ),
            "{witness}"
        );
    assert_eq!(d.severity, crate::lint::Severity::Error);
}

#[test]
fn gr004_is_quiet_when_the_chain_escalates_to_someone_always_there() {
    let case = WEEKDAYS_ONLY.replace(
        "after: 10m\n",
        "after: 10m\n    escalates_to: plant-manager\n",
    );
    assert_eq!(lines(&lint_case(&case), "GR004"), Vec::<u32>::new());
}

#[test]
fn gr004_ignores_chains_that_decide_for_no_critical_identity() {
    let case = WEEKDAYS_ONLY.replace("line1: { default: write }", "printer: { default: write }");
    let case =
        format!("{case}systems:\n  - {{ id: printer, criticality: low, owner: shift-lead }}\n");
    assert_eq!(lines(&lint_case(&case), "GR004"), Vec::<u32>::new());
}

#[test]
fn gr004_checks_declare_chains_of_states() {
    let report = lint_case(
            "roles:
  - id: duty
    members: [dana]
    after: 10m
    schedule:
      layers:
        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { from: \"08:00\", to: \"20:00\" } }
states:
  - id: vendor-support
    declare: [{ role: duty }]
",
        );
    assert_eq!(lines(&report, "GR004"), [9]);
    assert_eq!(
        of(&report, "GR004")[0].message,
        "no one in `duty` from Sun 22 Nov 20:00 to Mon 23 Nov 08:00 (12h); the `declare` chain of state `vendor-support` yields nobody (and 6 more windows)"
    );
}

#[test]
fn gr004_keeps_a_06_00_handoff_at_06_00_across_the_autumn_clock_change() {
    let case = "roles:
  - id: day-crew
    members: [dana]
    after: 10m
    schedule:
      layers:
        - { rotation: [dana], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"22:00\" } }
identities:
  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }
authority:
  - id: line1-cut
    match: { system: line1 }
    actions: [pause, revoke]
    decide: [{ role: day-crew }]
";
    let report = lint_at(case, "2026-10-23", 7);
    assert_eq!(lines(&report, "GR004"), [11]);
    let d = of(&report, "GR004")[0];
    assert_eq!(
        d.message,
        "no one in `day-crew` from Fri 23 Oct 00:00 to Fri 23 Oct 06:00 (6h); chain `line1-cut` yields nobody (and 7 more windows)"
    );
    let witness = d.witness.as_deref().expect("witness");
    assert!(
            witness.starts_with(
                "nobody to call in the next 7 days (Europe/Paris): Fri 23 Oct 00:00 to Fri 23 Oct 06:00 (6h); Fri 23 Oct 22:00 to Sat 24 Oct 06:00 (8h); Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h); Sun 25 Oct 22:00 to Mon 26 Oct 06:00 (8h); "
            ),
            "{witness}"
        );
    // Seven days of elapsed time end at 23:00 wall-clock, an hour into that night's gap.
    assert!(
        witness.contains("Thu 29 Oct 22:00 to Thu 29 Oct 23:00 (1h, to the end of the horizon); "),
        "{witness}"
    );
}

#[test]
fn gr004_reports_a_gap_inside_the_repeated_hour_with_its_zone() {
    // On call until 02:30 wall-clock: when the clocks go back at 03:00
    // CEST, 02:00-02:30 comes again and is covered both times; the gap
    // from 02:30 CEST lasts until the clock reads 02:00 again.
    let case = "roles:
  - id: early
    members: [dana]
    after: 10m
    schedule:
      layers:
        - { rotation: [dana], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"02:30\" } }
identities:
  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }
authority:
  - id: line1-cut
    match: { system: line1 }
    actions: [pause]
    decide: [{ role: early }]
";
    let report = lint_at(case, "2026-10-24T12:00", 1);
    let d = of(&report, "GR004")[0];
    assert!(
        d.message.starts_with(
            "no one in `early` from Sun 25 Oct 02:30 CEST to Sun 25 Oct 02:00 CET (30m)"
        ),
        "{}",
        d.message
    );
}

/// Line 1 cuts in an emergency: a two-person chain whose first level is
/// a day crew (08:00-18:00, one person), then plant management.
const TWO_PERSON_IN_EMERGENCY: &str = "roles:
  - id: day-crew
    members: [erin]
    after: 20m
    schedule:
      layers:
        - { rotation: [erin], shift: 1d, start: 2026-01-05T08:00, only: { from: \"08:00\", to: \"18:00\" } }
people:
  - { id: erin }
identities:
  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }
authority:
  - id: line1-cut-in-emergency
    match: { system: line1 }
    states: [emergency]
    actions: [pause, revoke]
    decide: [{ role: day-crew }, { role: plant-manager }]
    two_person: true
";

#[test]
fn gr007_fires_in_the_hours_a_two_person_chain_waits_for_its_second_decider() {
    let report = lint_case(TWO_PERSON_IN_EMERGENCY);
    assert_eq!(lines(&report, "GR007"), [13]);
    let d = of(&report, "GR007")[0];
    assert_eq!(
        d.message,
        "in state `emergency`, the first decider under rule `line1-cut-in-emergency` is engaged after 20m, more than 15m"
    );
    let witness = d.witness.as_deref().expect("witness");
    assert!(
            witness.starts_with(
                "in the next 7 days (Europe/Paris): Sun 22 Nov 09:00 to Sun 22 Nov 18:00 (9h): first decider after 20m; Mon 23 Nov 08:00 to Mon 23 Nov 18:00 (10h): first decider after 20m; "
            ),
            "{witness}"
        );
    assert!(
        witness.ends_with(
            "the rule decides for `line1-plc-key`, such as `pause` in state `emergency`"
        )
    );
    assert_eq!(d.severity, crate::lint::Severity::Warning);
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("pre_approved")
    );
}

#[test]
fn gr007_is_quiet_for_a_pre_approved_chain_and_outside_emergencies() {
    let pre_approved = format!("{TWO_PERSON_IN_EMERGENCY}    pre_approved: true\n");
    assert_eq!(lines(&lint_case(&pre_approved), "GR007"), Vec::<u32>::new());
    let normal = TWO_PERSON_IN_EMERGENCY.replace("states: [emergency]", "states: [normal]");
    assert_eq!(lines(&lint_case(&normal), "GR007"), Vec::<u32>::new());
}

#[test]
fn gr007_does_not_count_a_vendor_role_deciding_on_its_own_session() {
    let case = "roles:
  - { id: acme-desk, function: vendor, members: [erin], after: 30m }
people:
  - { id: erin }
identities:
  - id: acme-remote
    kind: vendor-session
    vendor: Acme
    owner: shift-lead
    access: { line1: { default: none, emergency: read } }
authority:
  - id: acme-in-emergency
    match: { kind: vendor-session }
    states: [emergency]
    actions: [pause, revoke, disconnect]
    decide: [{ role: acme-desk }, { role: shift-lead }]
";
    let report = lint_case(case);
    assert_eq!(lines(&report, "GR007"), [12]);
    let d = of(&report, "GR007")[0];
    assert!(d.message.contains("engaged after 30m"), "{}", d.message);
    let witness = d.witness.as_deref().unwrap_or_default();
    assert!(
            witness.starts_with(
                "in the next 7 days (Europe/Paris): Sun 22 Nov 09:00 to Sun 29 Nov 09:00 (7d, to the end of the horizon): first decider after 30m; "
            ),
            "{witness}"
        );
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("`vendor` role")
    );
}

/// A two-person restore: alice, then the security on-call (weekdays
/// 08:00-18:00 only).
const TWO_PERSON_DAYTIME: &str = "roles:
  - id: security-oncall
    function: security
    members: [dana]
    after: 10m
    schedule:
      layers:
        - { rotation: [dana], shift: 1d, start: 2026-01-05T08:00, only: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" } }
identities:
  - { id: line1-plc-key, kind: plc-credential, owner: shift-lead, access: { line1: { default: write } } }
authority:
  - id: line1-restore
    match: { system: line1 }
    actions: [restore]
    decide: [{ person: alice, after: 10m }, { role: security-oncall }]
    two_person: true
";

#[test]
fn gr010_prints_the_hours_a_two_person_chain_reaches_one_person() {
    let report = lint_case(TWO_PERSON_DAYTIME);
    assert_eq!(lines(&report, "GR010"), [12]);
    let d = of(&report, "GR010")[0];
    assert_eq!(
        d.message,
        "the two-person rule `line1-restore` reaches only `alice` at some times: nobody in the chain can be the second decider then"
    );
    // Asked at 07:50, the chain reaches dana at its second level, 08:00.
    let witness = d.witness.as_deref().expect("witness");
    assert!(
        witness.starts_with(
            "in the next 7 days (Europe/Paris): Sun 22 Nov 09:00 to Mon 23 Nov 07:50 (22h50m): only alice; Mon 23 Nov 17:50 to Tue 24 Nov 07:50 (14h): only alice; "
        ),
        "{witness}"
    );
    assert_eq!(d.severity, crate::lint::Severity::Warning);
    // Not GR006's finding: two people can decide, only not at every hour.
    assert!(of(&report, "GR006").is_empty());
}

#[test]
fn gr010_is_quiet_when_a_later_level_always_reaches_a_second_person() {
    let case = TWO_PERSON_DAYTIME.replace(
        "{ role: security-oncall }]",
        "{ role: security-oncall }, { role: plant-manager }]",
    );
    assert_ne!(case, TWO_PERSON_DAYTIME);
    assert!(of(&lint_case(&case), "GR010").is_empty());
    // A chain that is not two-person may reach one person.
    let single = TWO_PERSON_DAYTIME.replace("    two_person: true\n", "");
    assert!(of(&lint_case(&single), "GR010").is_empty());
}
