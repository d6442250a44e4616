use super::*;
use crate::engine::authority;
use crate::model::Action;
use crate::model::clock::day_time;
use crate::model::{Duration, Span, Spanned, WrittenTime};

/// `day` is on call 06:00-22:00 only; `boss` always; `desk` is a vendor's.
const PLANT: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
people:
  - { id: alice }
  - { id: bob }
  - { id: chen }
  - { id: klaus }
roles:
  - id: day
    members: [alice, bob]
    after: 10m
    schedule:
      layers:
        - { rotation: [alice, bob], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"22:00\" } }
  - { id: boss, members: [chen], after: 20m }
  - { id: desk, members: [klaus], function: vendor, after: 30m }
systems:
  - { id: line1, criticality: safety, owner: boss }
identities:
  - { id: k, kind: api-key, owner: boss, access: { line1: { default: write } } }
";

fn load(text: &str) -> Runbook {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("plant.yaml"), text).expect("write");
    crate::load::load(dir.path()).expect("loads")
}

fn at(rb: &Runbook, text: &str) -> DateTime<Tz> {
    WrittenTime::parse(text)
        .expect("time")
        .instant(rb.plant.timezone.value)
}

/// A chain of roles, each with its own `after` (seconds) or the role's.
fn chain(rb: &Runbook, roles: &[(&str, Option<u64>)]) -> Vec<Level> {
    roles
        .iter()
        .map(|(role, after)| Level {
            target: Target::Role(rb.role(role).expect("role").id.clone()),
            after: after.map(|s| Spanned::new(Duration(s), Span::default())),
            span: Span::default(),
        })
        .collect()
}

#[test]
fn a_daytime_role_leaves_a_nightly_gap_nine_hours_long_when_the_clocks_go_back() {
    let rb = load(PLANT);
    let engine = Engine::new(&rb);
    let from = at(&rb, "2026-10-23T00:00");
    let mut horizon = Horizon::new(&engine, from, at(&rb, "2026-10-26T12:00"));
    let windows = horizon.windows(&chain(&rb, &[("day", None)])).to_vec();
    let gaps: Vec<(String, TimeDelta)> = windows
        .iter()
        .filter(|w| w.yields_nobody())
        .map(|w| {
            let text = format!("{} to {}", day_time(w.from), day_time(w.to));
            (text, w.to - w.from)
        })
        .collect();
    let expected = [
        ("Fri 23 Oct 00:00 to Fri 23 Oct 06:00", 6),
        ("Fri 23 Oct 22:00 to Sat 24 Oct 06:00", 8),
        ("Sat 24 Oct 22:00 to Sun 25 Oct 06:00", 9),
        ("Sun 25 Oct 22:00 to Mon 26 Oct 06:00", 8),
    ];
    let expected: Vec<(String, TimeDelta)> = expected
        .iter()
        .map(|(t, h)| (t.to_string(), TimeDelta::hours(*h)))
        .collect();
    assert_eq!(gaps, expected);
}

#[test]
fn a_gap_seen_through_an_offset_starts_that_much_earlier() {
    // The day role is engaged 20 minutes after the question: a question
    // at 21:40 already finds nobody there.
    let rb = load(PLANT);
    let engine = Engine::new(&rb);
    let from = at(&rb, "2026-11-23T12:00");
    let levels = chain(&rb, &[("boss", Some(1200)), ("day", None)]);
    let mut horizon = Horizon::new(&engine, from, from + TimeDelta::days(1));
    let windows = horizon.windows(&levels);
    let starts: Vec<String> = windows.iter().map(|w| day_time(w.from)).collect();
    assert_eq!(
        starts,
        ["Mon 23 Nov 12:00", "Mon 23 Nov 21:40", "Tue 24 Nov 05:40"]
    );
    assert!(windows[1].steps[1].skipped);
    assert!(!windows[2].steps[1].skipped);
}

#[test]
fn windows_agree_with_resolution_at_every_five_minutes() {
    let rb = load(PLANT);
    let engine = Engine::new(&rb);
    // Over the autumn clock change, with a gap seen through an offset
    // and a skipped level that moves the next one earlier.
    let from = at(&rb, "2026-10-22T07:10");
    let to = from + TimeDelta::days(6);
    let levels = chain(
        &rb,
        &[("day", Some(600)), ("boss", Some(1200)), ("day", None)],
    );
    let mut horizon = Horizon::new(&engine, from, to);
    let windows = horizon.windows(&levels).to_vec();
    assert_eq!(windows.first().map(|w| w.from), Some(from));
    assert_eq!(windows.last().map(|w| w.to), Some(to));
    for pair in windows.windows(2) {
        assert_eq!(pair[0].to, pair[1].from);
        assert!(!same_answer(&pair[0].steps, &pair[1].steps));
    }
    let mut t = from;
    while t < to {
        let w = windows
            .iter()
            .find(|w| w.from <= t && t < w.to)
            .expect("a window covers every instant");
        let steps = engine.walk(&levels, "chain", t, &[], 0);
        assert!(same_answer(&w.steps, &steps), "at {t}");
        t += TimeDelta::minutes(5);
    }
}

#[test]
fn role_windows_show_who_is_on_call_and_the_gaps() {
    let rb = load(PLANT);
    let engine = Engine::new(&rb);
    let from = at(&rb, "2026-11-23T00:00");
    let horizon = Horizon::new(&engine, from, from + TimeDelta::days(1));
    let seen: Vec<(String, Vec<String>)> = horizon
        .role_windows(rb.index.roles["day"])
        .iter()
        .map(|w| {
            let people = w.people.iter().map(|d| d.person.to_string()).collect();
            (day_time(w.from), people)
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = vec![
        ("Mon 23 Nov 00:00".into(), vec![]),
        ("Mon 23 Nov 06:00".into(), vec!["alice".into()]),
        ("Mon 23 Nov 22:00".into(), vec![]),
    ];
    assert_eq!(seen, expected);
    assert_eq!(horizon.role_windows(rb.index.roles["boss"]).len(), 1);
}

#[test]
fn two_person_chains_wait_for_the_second_decider_and_vendor_roles_do_not_decide() {
    let rb = load(PLANT);
    let engine = Engine::new(&rb);
    let noon = at(&rb, "2026-11-23T12:00");
    let night = at(&rb, "2026-11-23T23:00");
    let boss_then_day = chain(&rb, &[("boss", Some(1200)), ("day", None)]);
    let one = Quorum {
        people: 1,
        vendor_roles_count: true,
    };
    let two = Quorum { people: 2, ..one };
    let steps = engine.walk(&boss_then_day, "chain", noon, &[], 0);
    assert_eq!(first_decider(&rb, &steps, one), Some(0));
    assert_eq!(first_decider(&rb, &steps, two), Some(1200));
    let steps = engine.walk(&boss_then_day, "chain", night, &[], 0);
    assert_eq!(first_decider(&rb, &steps, two), None);
    let desk_first = chain(&rb, &[("desk", None), ("boss", None)]);
    let steps = engine.walk(&desk_first, "chain", noon, &[], 0);
    assert_eq!(first_decider(&rb, &steps, one), Some(0));
    let vendor_session = Quorum {
        vendor_roles_count: false,
        ..one
    };
    assert_eq!(first_decider(&rb, &steps, vendor_session), Some(1800));
    let step = first_deciding_step(&rb, &steps, vendor_session).expect("boss");
    assert_eq!(step.people[0].person, "chen");
}

/// Every critical identity of `rb`, in every state and for every
/// action, gets from its group what resolution gives it.
fn assert_groups_agree(rb: &Runbook) -> Critical {
    let engine = Engine::new(rb);
    let critical = Critical::build(&engine);
    let mut seen = 0;
    for group in &critical.groups {
        for &i in &group.identities {
            seen += 1;
            for state in &rb.states {
                for &action in Action::ALL {
                    let candidates = engine.candidates(i, action, &state.id.value);
                    assert_eq!(
                        group.select(rb, &state.id.value, action),
                        authority::select(rb, &candidates),
                        "{} {action} in {}",
                        rb.identities[i].id.value,
                        state.id.value
                    );
                }
            }
        }
    }
    assert_eq!(seen, critical.identities);
    critical
}

#[test]
fn groups_select_what_resolution_selects_on_the_shipped_runbook() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rb = crate::load::load(&root.join("runbooks/lyon-packaging")).expect("loads");
    let critical = assert_groups_agree(&rb);
    assert!(critical.groups.len() < critical.identities);
}

#[test]
fn groups_select_what_resolution_selects_for_every_kind_of_selector() {
    let rb = load(&format!(
            "{}{}",
            PLANT
                .replace(
                    "  - { id: normal, default: true }\n",
                    "  - { id: normal, default: true }\n  - { id: emergency, emergency: true }\n",
                )
                .replace(
                "systems:\n  - { id: line1, criticality: safety, owner: boss }\n",
                "systems:
  - { id: line1, criticality: safety, zone: ot, owner: boss }
  - { id: line2, criticality: high, zone: ot, owner: boss }
  - { id: erp, criticality: high, zone: it, owner: boss }
  - { id: wiki, criticality: low, zone: it, owner: boss }
",
            )
            .replace(
                "identities:\n  - { id: k, kind: api-key, owner: boss, access: { line1: { default: write } } }\n",
                "identities:
  - { id: a, kind: api-key, owner: boss, access: { line1: { default: write } }, labels: { cell: r1 } }
  - { id: b, kind: api-key, owner: boss, access: { line1: { default: none } }, labels: { cell: r2 } }
  - { id: c, kind: api-key, owner: boss, access: { erp: { default: read } }, serves: [line2] }
  - { id: d, kind: vendor-session, vendor: Acme, owner: boss, access: { line2: { default: none } } }
  - { id: e, kind: vendor-session, vendor: Other, owner: boss, access: { line2: { default: none } } }
  - { id: f, kind: token, owner: boss, access: { wiki: { default: write }, erp: { default: none } } }
  - { id: g, kind: token, owner: boss, access: { wiki: { default: write } } }
  - { id: h, kind: api-key, owner: boss, access: { line1: { default: write } }, labels: { cell: r1, line: \"1\" } }
",
            ),
            "authority:
  - { id: all, match: {}, actions: [pause, revoke], decide: [{ role: boss }] }
  - { id: ot, match: { zone: ot }, actions: [pause], decide: [{ role: day }] }
  - { id: it-crit, match: { zone: it, criticality: high }, actions: [revoke], decide: [{ role: day }] }
  - { id: r1, match: { labels: { cell: r1 } }, states: [emergency], actions: [pause], decide: [{ role: day }] }
  - { id: r1-line, match: { labels: { cell: r1, line: \"1\" } }, actions: [pause], decide: [{ role: boss }] }
  - { id: acme, match: { vendor: Acme }, actions: [disconnect], decide: [{ role: boss }] }
  - { id: sessions, match: { kind: vendor-session }, actions: [disconnect], decide: [{ role: day }] }
  - { id: line2, match: { system: line2 }, actions: [revoke], decide: [{ role: boss }] }
  - { id: line2-b, match: { system: [line2, erp] }, actions: [revoke], decide: [{ role: day }] }
  - { id: just-c, match: { identity: [c, f] }, actions: [pause], forbid: no }
",
        ));
    let critical = assert_groups_agree(&rb);
    // g touches only a low system; the rest are critical.
    assert_eq!(critical.identities, 7);
}

#[test]
fn times_show_the_zone_only_in_the_repeated_hour() {
    let rb = load(PLANT);
    let first = at(&rb, "2026-10-25T02:30");
    assert_eq!(day_time(first), "Sun 25 Oct 02:30 CEST");
    assert_eq!(
        day_time(first + TimeDelta::hours(1)),
        "Sun 25 Oct 02:30 CET"
    );
    let from = at(&rb, "2026-10-24T22:00");
    let to = at(&rb, "2026-10-25T06:00");
    assert_eq!(
        window_text(from, to, to + TimeDelta::hours(1)),
        "Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h)"
    );
    assert_eq!(
        window_text(from, to, to),
        "Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h, to the end of the horizon)"
    );
}
