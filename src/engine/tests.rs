//! One test (at least) per numbered rule of the spec's Resolution section;
//! each fails when its rule is broken.

use super::{Engine, Query, Verdict};
use crate::load::load_str;
use crate::model::{Action, Runbook};
use chrono::DateTime;
use chrono_tz::Tz;

const PLANT: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: maintenance, lockout: [line3] }
  - id: emergency
    emergency: true
    declare: [{ role: shift-lead, after: 5m }, { person: dana }]
people:
  - { id: alice, name: Alice Martin, backup: bob }
  - { id: bob, name: Bob Durand, backup: chen }
  - { id: chen, name: Chen Li }
  - { id: dana, name: Dana Petit }
  - { id: eve, name: Eve Moreau, active: false, backup: dana }
  - { id: frank, name: Frank Roux, active: false }
roles:
  - id: shift-lead
    members: [alice, bob]
    after: 10m
    escalates_to: security-oncall
    schedule:
      layers:
        - { rotation: [alice, bob], shift: 12h, start: 2026-01-05T06:00 }
  - id: security-oncall
    members: [chen]
    after: 15m
    escalates_to: plant-manager
  - { id: plant-manager, members: [dana] }
  - { id: no-timer, members: [chen] }
  - id: loop-a
    members: [alice]
    after: 5m
    escalates_to: loop-b
  - { id: loop-b, members: [bob], after: 5m, escalates_to: loop-a }
  - { id: nobody, members: [frank] }
systems:
  - { id: erp, zone: it, criticality: medium }
  - { id: mes, zone: dmz, criticality: high, depends_on: [erp] }
  - { id: line3, zone: ot, criticality: safety, depends_on: [mes], safe_state: Manual at the HMI }
  - { id: pack, zone: ot, criticality: low, depends_on: [line3, mes] }
identities:
  - id: vendor
    kind: vendor-session
    vendor: Acme
    access: { line3: { default: none, maintenance: write } }
    serves: []
    labels: { cell: r3, line: \"3\" }
  - { id: mes-key, kind: api-key, access: { erp: read }, serves: [mes] }
  - { id: agent, kind: ai-agent, access: { line3: control }, labels: { line: \"3\" } }
  - { id: lonely, kind: token }
";

fn runbook(rules: &str) -> Runbook {
    let text = format!("{PLANT}authority:\n{rules}");
    load_str("t.yaml", &text).unwrap_or_else(|e| panic!("test runbook does not load:\n{e}"))
}

fn at(text: &str) -> DateTime<Tz> {
    crate::model::WrittenTime::parse(text)
        .expect("test time")
        .instant(chrono_tz::Europe::Paris)
}

/// Resolves at Friday 2026-03-06 02:10, in bob's turn (18:00 to 06:00).
fn who(
    rb: &Runbook,
    identity: &str,
    action: Action,
    state: &str,
    unavailable: &[&str],
) -> super::Decision {
    let unavailable: Vec<String> = unavailable.iter().map(|s| s.to_string()).collect();
    let engine = Engine::new(rb);
    engine.resolve(&Query {
        identity,
        action,
        state,
        at: at("2026-03-06T02:10"),
        unavailable: &unavailable,
    })
}

fn people(d: &super::Decision) -> Vec<Vec<String>> {
    d.steps
        .iter()
        .map(|s| s.people.iter().map(|p| p.person.to_string()).collect())
        .collect()
}

// Step 1: candidate rules are those whose match, states and actions cover the query.

#[test]
fn step1_a_rule_applies_only_in_its_states_and_to_its_actions() {
    let rb = runbook(
        "  - { id: r, match: { kind: vendor-session }, states: [maintenance], actions: [disconnect], decide: [{ person: dana }] }\n",
    );
    assert_eq!(
        who(&rb, "vendor", Action::Disconnect, "maintenance", &[]).verdict,
        Verdict::Chain
    );
    assert_eq!(
        who(&rb, "vendor", Action::Disconnect, "normal", &[]).verdict,
        Verdict::Uncovered
    );
    assert_eq!(
        who(&rb, "vendor", Action::Pause, "maintenance", &[]).verdict,
        Verdict::Uncovered
    );
    assert_eq!(
        who(&rb, "agent", Action::Disconnect, "maintenance", &[]).verdict,
        Verdict::Uncovered
    );
}

#[test]
fn step1_system_selector_matches_identities_that_touch_it_by_access_even_none_or_serves() {
    let rb = runbook(
        "  - { id: r, match: { system: line3 }, actions: [pause], decide: [{ person: dana }] }\n  - { id: m, match: { system: mes }, actions: [revoke], decide: [{ person: chen }] }\n",
    );
    // `vendor` has access `none` by default to line3: it still touches it.
    assert_eq!(
        who(&rb, "vendor", Action::Pause, "normal", &[])
            .rule
            .as_deref(),
        Some("r")
    );
    assert_eq!(
        who(&rb, "mes-key", Action::Revoke, "normal", &[])
            .rule
            .as_deref(),
        Some("m")
    );
    assert_eq!(
        who(&rb, "mes-key", Action::Pause, "normal", &[]).verdict,
        Verdict::Uncovered
    );
    assert_eq!(
        who(&rb, "lonely", Action::Pause, "normal", &[]).verdict,
        Verdict::Uncovered
    );
}

#[test]
fn step1_zone_criticality_vendor_and_labels_select_and_keys_are_anded() {
    let rb = runbook(
        "  - { id: z, match: { zone: ot, criticality: [safety, high] }, actions: [pause], decide: [{ person: dana }] }
  - { id: v, match: { vendor: [Other, Acme] }, actions: [revoke], decide: [{ person: dana }] }
  - { id: l, match: { labels: { line: \"3\", cell: r3 } }, actions: [rotate], decide: [{ person: dana }] }
  - { id: and, match: { kind: ai-agent, zone: it }, actions: [constrain], decide: [{ person: dana }] }
",
    );
    assert_eq!(
        who(&rb, "agent", Action::Pause, "normal", &[])
            .rule
            .as_deref(),
        Some("z")
    );
    assert_eq!(
        who(&rb, "mes-key", Action::Pause, "normal", &[]).verdict,
        Verdict::Uncovered,
        "erp/mes are not ot"
    );
    assert_eq!(
        who(&rb, "vendor", Action::Revoke, "normal", &[])
            .rule
            .as_deref(),
        Some("v")
    );
    assert_eq!(
        who(&rb, "agent", Action::Revoke, "normal", &[]).verdict,
        Verdict::Uncovered,
        "agent has no vendor"
    );
    assert_eq!(
        who(&rb, "vendor", Action::Rotate, "normal", &[])
            .rule
            .as_deref(),
        Some("l")
    );
    assert_eq!(
        who(&rb, "agent", Action::Rotate, "normal", &[]).verdict,
        Verdict::Uncovered,
        "every label must be equal"
    );
    assert_eq!(
        who(&rb, "agent", Action::Constrain, "normal", &[]).verdict,
        Verdict::Uncovered,
        "kind and zone are ANDed"
    );
}

#[test]
fn step1_an_empty_match_matches_every_identity() {
    let rb = runbook(
        "  - { id: all, match: {}, actions: [pause], decide: [{ person: dana }] }\n  - { id: none-given, actions: [revoke], decide: [{ person: dana }] }\n",
    );
    for id in ["vendor", "mes-key", "agent", "lonely"] {
        assert_eq!(
            who(&rb, id, Action::Pause, "normal", &[]).rule.as_deref(),
            Some("all"),
            "{id}"
        );
        assert_eq!(
            who(&rb, id, Action::Revoke, "normal", &[]).rule.as_deref(),
            Some("none-given"),
            "{id}"
        );
    }
}

// Step 2: forbid wins.

#[test]
fn step2_forbid_beats_a_more_specific_decide_and_lists_every_reason() {
    let rb = runbook(
        "  - { id: mine, match: { identity: agent }, actions: [override], decide: [{ person: dana }] }
  - { id: loto, match: { system: line3 }, states: [maintenance], actions: [override], forbid: LOTO in effect }
  - { id: ot, match: { zone: ot }, states: [maintenance], actions: [override], forbid: No remote override in OT }
",
    );
    let d = who(&rb, "agent", Action::Override, "maintenance", &[]);
    assert_eq!(d.verdict, Verdict::Forbidden);
    assert_eq!(d.rules, ["loto", "ot"]);
    assert_eq!(d.reasons, ["LOTO in effect", "No remote override in OT"]);
    assert!(
        d.steps.is_empty() && d.rule.is_none(),
        "a forbidden action has no chain"
    );
    assert_eq!(
        who(&rb, "agent", Action::Override, "normal", &[])
            .rule
            .as_deref(),
        Some("mine")
    );
}

// Step 3: most specific wins, in the spec's order.

#[test]
fn step3_identity_beats_system_beats_more_keys_beats_states() {
    let rules = [
        "  - { id: states, match: { kind: ai-agent }, states: [normal], actions: [pause], decide: [{ person: eve }] }\n",
        "  - { id: keys, match: { kind: ai-agent, zone: ot }, actions: [pause], decide: [{ person: chen }] }\n",
        "  - { id: system, match: { system: line3 }, actions: [pause], decide: [{ person: bob }] }\n",
        "  - { id: identity, match: { identity: agent }, actions: [pause], decide: [{ person: alice }] }\n",
        "  - { id: base, match: { kind: ai-agent }, actions: [pause], decide: [{ person: dana }] }\n",
    ];
    // Removing the winner each time reveals the next in the order.
    let mut present: Vec<&str> = rules.to_vec();
    for expected in ["identity", "system", "keys", "states", "base"] {
        let rb = runbook(&present.concat());
        assert_eq!(
            who(&rb, "agent", Action::Pause, "normal", &[])
                .rule
                .as_deref(),
            Some(expected)
        );
        present.retain(|r| !r.contains(&format!("id: {expected},")));
    }
}

#[test]
fn step3_each_label_counts_as_one_key() {
    let rb = runbook(
        "  - { id: two-keys, match: { kind: vendor-session, vendor: Acme }, actions: [pause], decide: [{ person: dana }] }
  - { id: three-labels, match: { labels: { line: \"3\", cell: r3 }, kind: vendor-session }, actions: [pause], decide: [{ person: chen }] }
",
    );
    assert_eq!(
        who(&rb, "vendor", Action::Pause, "normal", &[])
            .rule
            .as_deref(),
        Some("three-labels")
    );
}

#[test]
fn step3_equal_specificity_with_different_chains_is_ambiguous() {
    let rb = runbook(
        "  - { id: a, match: { kind: ai-agent }, actions: [pause], decide: [{ person: dana }] }
  - { id: b, match: { zone: ot }, actions: [pause], decide: [{ person: chen }] }
",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    assert_eq!(d.verdict, Verdict::Ambiguous);
    assert_eq!(d.rules, ["a", "b"]);
    assert!(
        d.steps.is_empty() && d.rule.is_none(),
        "an ambiguous outcome returns no chain"
    );
}

#[test]
fn step3_ties_with_identical_chains_go_to_the_first_defined_in_file_order() {
    let first = "authority:\n  - { id: in-b, match: { kind: ai-agent }, actions: [pause], decide: [{ person: dana, after: 5m }] }\n";
    let second = "authority:\n  - { id: in-a, match: { zone: ot }, actions: [pause], decide: [{ person: dana, after: 5m }] }\n";
    // Files are read in name order: `a.yaml` (holding rule in-a) comes first.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("0.yaml"), PLANT).expect("write");
    std::fs::write(dir.path().join("b.yaml"), first).expect("write");
    std::fs::write(dir.path().join("a.yaml"), second).expect("write");
    let rb = crate::load::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        who(&rb, "agent", Action::Pause, "normal", &[])
            .rule
            .as_deref(),
        Some("in-a")
    );
}

// Step 4: no candidate.

#[test]
fn step4_no_candidate_is_uncovered_with_impact_still_shown() {
    let rb = runbook(
        "  - { id: r, match: { kind: token }, actions: [pause], decide: [{ person: dana }] }\n",
    );
    let d = who(&rb, "mes-key", Action::Pause, "normal", &[]);
    assert_eq!(d.verdict, Verdict::Uncovered);
    assert!(d.steps.is_empty());
    assert!(
        !d.impact.is_empty(),
        "what the action stops is known even when nobody is"
    );
}

// Step 5: chain expansion.

#[test]
fn step5_escalates_to_is_followed_from_the_last_role_until_a_role_has_none() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: shift-lead }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    let via: Vec<String> = d
        .steps
        .iter()
        .map(|s| s.target.id().value.to_string())
        .collect();
    assert_eq!(via, ["shift-lead", "security-oncall", "plant-manager"]);
    assert_eq!(
        d.steps[1].origin,
        super::Origin::EscalatesFrom("shift-lead".into())
    );
}

#[test]
fn step5_a_person_as_last_level_is_not_expanded() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: shift-lead }, { person: dana, after: 5m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    assert_eq!(d.steps.len(), 2);
}

#[test]
fn step5_a_role_already_in_the_chain_stops_the_expansion() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: loop-a }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    let via: Vec<String> = d
        .steps
        .iter()
        .map(|s| s.target.id().value.to_string())
        .collect();
    assert_eq!(via, ["loop-a", "loop-b"]);
}

// Step 6: levels to people at the time each level starts.

#[test]
fn step6_a_level_is_staffed_at_its_own_start_time_not_the_query_time() {
    // Query 05:55: bob (night turn 18:00-06:00) first; the second level
    // starts at 06:05, when alice's turn has begun.
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: shift-lead }, { role: shift-lead, after: 5m }] }\n",
    );
    let engine = Engine::new(&rb);
    let d = engine.resolve(&Query {
        identity: "agent",
        action: Action::Pause,
        state: "normal",
        at: at("2026-03-06T05:55"),
        unavailable: &[],
    });
    assert_eq!(people(&d)[0], ["bob"]);
    assert_eq!(people(&d)[1], ["alice"]);
}

#[test]
fn step6_an_unavailable_or_inactive_person_is_replaced_through_backup_transitively() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ person: alice, after: 5m }, { person: eve, after: 5m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &["alice", "bob"]);
    assert_eq!(
        people(&d),
        [vec!["chen".to_string()], vec!["dana".to_string()]]
    );
    assert_eq!(d.steps[0].people[0].backup_for.as_deref(), Some("alice"));
    assert!(d.steps.iter().all(|s| {
        s.people
            .iter()
            .all(|p| p.person != "alice" && p.person != "eve")
    }));
}

#[test]
fn step6_role_members_are_replaced_by_backups_without_duplicates() {
    // No schedule: every member; alice unavailable -> bob, who is already there.
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: loop-a }] }\n",
    );
    let rb2 = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: security-oncall }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &["alice"]);
    assert_eq!(people(&d)[0], ["bob"]);
    let d = who(&rb2, "agent", Action::Pause, "normal", &["chen"]);
    assert!(
        d.steps[0].skipped,
        "chen has no backup: the level yields nobody"
    );
}

#[test]
fn step6_a_level_that_yields_nobody_is_skipped_at_once_and_reported() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: nobody, after: 5m }, { person: chen, after: 5m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    assert!(d.steps[0].skipped);
    assert!(d.steps[0].people.is_empty());
    assert!(d.steps[0].why.contains("skipped"), "{}", d.steps[0].why);
    assert_eq!(people(&d)[1], ["chen"]);
    assert_eq!(d.steps[1].offset, 0, "the skipped level took no time");
}

// Step 7: timers.

#[test]
fn step7_offsets_sum_the_durations_of_non_skipped_levels_using_role_after_as_default() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: shift-lead, after: 5m }, { role: security-oncall }, { person: dana, after: 1m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    let offsets: Vec<u64> = d.steps.iter().map(|s| s.offset).collect();
    assert_eq!(offsets, [0, 300, 300 + 900]);
    assert_eq!(d.steps[2].starts_at, at("2026-03-06T02:30"));
}

#[test]
fn step7_a_skipped_level_starts_when_the_next_one_does() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ person: chen, after: 5m }, { role: security-oncall, after: 7m }, { person: dana, after: 1m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &["chen"]);
    assert!(d.steps[0].skipped && d.steps[1].skipped);
    assert_eq!(
        d.steps.iter().map(|s| s.offset).collect::<Vec<_>>(),
        [0, 0, 0]
    );
    assert_eq!(people(&d)[2], ["dana"]);
}

#[test]
fn step7_a_level_without_any_after_ends_the_chain() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], decide: [{ role: no-timer }, { person: dana, after: 5m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    assert_eq!(
        d.steps.len(),
        1,
        "levels after a level with no timer are not part of the result"
    );
    assert_eq!(d.steps[0].lasts, None);
}

#[test]
fn step7_repeat_is_reported_with_one_pass() {
    let rb = runbook(
        "  - { id: r, match: { identity: agent }, actions: [pause], repeat: 2, decide: [{ person: chen, after: 5m }, { person: dana, after: 5m }] }\n",
    );
    let d = who(&rb, "agent", Action::Pause, "normal", &[]);
    assert_eq!(d.repeat, 2);
    assert_eq!(d.steps.len(), 2);
}

// Step 8: the result.

#[test]
fn step8_the_result_carries_consult_two_person_pre_approval_and_preconditions() {
    let rb = runbook(
        "  - id: r
    match: { identity: vendor }
    actions: [disconnect]
    decide: [{ person: chen, after: 5m }]
    consult: [{ role: plant-manager }, { person: alice }]
    two_person: true
    pre_approved: true
    preconditions: [Robot cells idle]
",
    );
    let d = who(&rb, "vendor", Action::Disconnect, "normal", &[]);
    assert_eq!(d.consult, ["plant-manager", "alice"]);
    assert!(d.two_person && d.pre_approved);
    assert_eq!(d.preconditions, ["Robot cells idle"]);
    assert!(
        d.steps[0].why.contains("rule r level 1"),
        "{}",
        d.steps[0].why
    );
}

#[test]
fn step8_impact_follows_serves_then_transitive_depends_on_for_stopping_actions_only() {
    let rb =
        runbook("  - { id: r, match: {}, actions: [pause, rotate], decide: [{ person: dana }] }\n");
    let d = who(&rb, "mes-key", Action::Pause, "normal", &[]);
    let systems: Vec<&str> = d.impact.iter().map(|i| i.system.as_str()).collect();
    assert_eq!(
        systems,
        ["mes", "line3", "pack"],
        "pack depends on line3 and mes: listed once"
    );
    let line3 = &d.impact[1];
    assert_eq!(line3.safe_state.as_deref(), Some("Manual at the HMI"));
    assert_eq!(line3.via.as_deref(), Some("mes"));
    assert!(
        who(&rb, "mes-key", Action::Rotate, "normal", &[])
            .impact
            .is_empty(),
        "rotate stops nothing"
    );
}

#[test]
fn declare_resolves_the_states_own_chain() {
    let rb = runbook("  - { id: r, actions: [pause], decide: [{ person: dana }] }\n");
    let engine = Engine::new(&rb);
    let d = engine.declare("emergency", at("2026-03-06T02:10"), &[]);
    assert_eq!(d.verdict, Verdict::Chain);
    assert_eq!(
        people(&d),
        [vec!["bob".to_string()], vec!["dana".to_string()]]
    );
    assert_eq!(
        engine
            .declare("normal", at("2026-03-06T02:10"), &[])
            .verdict,
        Verdict::Uncovered
    );
}

/// A chain has no bound on its length, and a level lasts up to 366 days:
/// 260,000 of them from the year 9999 once overflowed `DateTime +
/// TimeDelta` in `walk`. The chain now ends at the last level that starts
/// (with room for its own time) before chrono's last instant.
#[test]
fn a_chain_longer_than_the_calendar_ends_at_its_end_instead_of_overflowing() {
    use crate::model::{Duration, Level, Span, Spanned, Target, Text};
    let rb = runbook("  - { id: r, actions: [pause], decide: [{ person: dana }] }\n");
    let engine = Engine::new(&rb);
    let span = Span::new(crate::model::FileId(0), 1, 1);
    let year = Duration(366 * 86_400);
    let levels: Vec<Level> = (0..260_000)
        .map(|_| Level {
            target: Target::Person(Spanned::new(Text::from("dana"), span)),
            after: Some(Spanned::new(year, span)),
            span,
        })
        .collect();
    let start = at("9999-12-31T23:59");
    let steps = engine.walk(&levels, "chain", start, &[], 0);
    assert!(
        steps.len() > 200_000 && steps.len() < levels.len(),
        "{} steps",
        steps.len()
    );
    let last = steps.last().expect("steps");
    let ends = last
        .ends_at()
        .expect("the last kept level has room for its time");
    assert!(ends > last.starts_at && last.starts_at > start);
    assert!(
        steps.windows(2).all(|w| w[0].starts_at < w[1].starts_at),
        "levels in order"
    );
}

/// Times are read in ISO 8601's four-digit years: chrono's own range ends
/// in the year 262,142, where the plant clock cannot be read (`who --at
/// +262142-12-31T23:59` once panicked in the schedule and the clock).
#[test]
fn written_times_are_in_the_years_1_to_9999() {
    use crate::model::WrittenTime;
    for good in [
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "9999-12-31T23:59:59+14:00",
    ] {
        assert!(WrittenTime::parse(good).is_some(), "{good}");
    }
    for bad in [
        "+262142-12-31T23:59",
        "+10000-01-01T00:00",
        "0000-12-31T23:59",
        "-0001-01-01",
        "+262142-12-31T23:59Z",
    ] {
        assert!(WrittenTime::parse(bad).is_none(), "{bad}");
    }
}
