use super::*;
use crate::model::{Duration, Span, Spanned, WrittenTime};
use chrono::{NaiveTime, Utc};
use chrono_tz::Europe::Paris;
use proptest::prelude::*;

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

fn wall(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .unwrap()
}

/// An instant given as Paris wall-clock time (first occurrence).
fn local(text: &str) -> DateTime<Tz> {
    local_instant(Paris, wall(text))
}

/// An instant given as UTC, seen from Paris.
fn utc(text: &str) -> DateTime<Tz> {
    Utc.from_utc_datetime(&wall(text)).with_timezone(&Paris)
}

fn layer(rotation: &[&str], shift: &str, start: &str) -> Layer {
    Layer {
        rotation: rotation.iter().map(|p| spanned(Text::from(*p))).collect(),
        shift: spanned(Duration::parse(shift).unwrap()),
        start: spanned(WrittenTime::Local(wall(start))),
        only: None,
        span: Span::default(),
    }
}

fn only(mut layer: Layer, days: &[Day], from: &str, to: &str) -> Layer {
    let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").unwrap();
    layer.only = Some(Window {
        days: days.to_vec(),
        from: time(from),
        to: time(to),
        span: Span::default(),
    });
    layer
}

fn cover(person: &str, from: &str, to: &str) -> Override {
    Override {
        person: spanned(Text::from(person)),
        from: WrittenTime::Local(wall(from)),
        to: WrittenTime::Local(wall(to)),
        span: Span::default(),
    }
}

/// A role of alice, bob and chen, with a schedule when given layers or overrides.
fn role(layers: Vec<Layer>, overrides: Vec<Override>) -> Role {
    let schedule = (!layers.is_empty() || !overrides.is_empty()).then(|| Schedule {
        layers,
        overrides,
        span: Span::default(),
    });
    Role {
        id: spanned(Text::from("shift-lead")),
        name: None,
        function: None,
        members: ["alice", "bob", "chen"]
            .iter()
            .map(|p| spanned(Text::from(*p)))
            .collect(),
        after: None,
        escalates_to: None,
        schedule,
        allow: Vec::new(),
        span: Span::default(),
    }
}

/// The spec's example: three 8h turns a day, handing off at 06, 14 and 22.
fn three_shifts() -> Role {
    role(
        vec![layer(&["alice", "bob", "chen"], "8h", "2026-01-05T06:00")],
        vec![],
    )
}

fn who(role: &Role, at: DateTime<Tz>) -> Vec<String> {
    on_call(role, Paris, at)
        .into_iter()
        .map(|c| c.person.to_string())
        .collect()
}

fn one(role: &Role, at: DateTime<Tz>) -> OnCall {
    let mut all = on_call(role, Paris, at);
    assert_eq!(all.len(), 1, "{all:?} at {at}");
    all.remove(0)
}

#[test]
fn three_shifts_hand_off_every_eight_hours() {
    let role = three_shifts();
    assert_eq!(who(&role, local("2026-01-05T06:00")), ["alice"]);
    assert_eq!(who(&role, local("2026-01-05T13:59")), ["alice"]);
    assert_eq!(who(&role, local("2026-01-05T14:00")), ["bob"]);
    assert_eq!(who(&role, local("2026-01-05T22:00")), ["chen"]);
    assert_eq!(who(&role, local("2026-01-06T05:59")), ["chen"]);
    assert_eq!(who(&role, local("2026-01-06T06:00")), ["alice"]);
    let on = one(&role, local("2026-01-05T10:00"));
    assert_eq!(on.reason, OnCallReason::Layer { index: 0 });
    assert_eq!(on.until, Some(local("2026-01-05T14:00")));
}

#[test]
fn spring_forward_shortens_the_night_turn_and_keeps_the_06_00_handoff() {
    // 2026-03-29: Paris goes from 02:00 CET to 03:00 CEST at 01:00 UTC.
    let role = three_shifts();
    assert_eq!(who(&role, local("2026-03-29T05:59")), ["chen"]);
    assert_eq!(who(&role, local("2026-03-29T06:00")), ["alice"]);
    assert_eq!(local("2026-03-29T06:00"), utc("2026-03-29T04:00"));
    let night = next_change(&role, Paris, local("2026-03-28T14:00")).unwrap();
    assert_eq!(night, local("2026-03-28T22:00"));
    let morning = next_change(&role, Paris, night).unwrap();
    assert_eq!(morning, utc("2026-03-29T04:00"));
    assert_eq!(morning - night, TimeDelta::hours(7));
    assert_eq!(one(&role, local("2026-03-28T23:00")).until, Some(morning));
}

#[test]
fn fall_back_reads_the_repeated_02_30_as_one_turn_and_lengthens_the_night_turn() {
    // 2026-10-25: Paris goes from 03:00 CEST back to 02:00 CET at 01:00 UTC,
    // so 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    let role = three_shifts();
    let first = one(&role, utc("2026-10-25T00:30"));
    let second = one(&role, utc("2026-10-25T01:30"));
    assert_eq!(first.person, "chen");
    assert_eq!(second.person, "chen");
    assert_eq!(first.until, second.until);
    let night = next_change(&role, Paris, local("2026-10-24T14:00")).unwrap();
    assert_eq!(night, local("2026-10-24T22:00"));
    let morning = next_change(&role, Paris, night).unwrap();
    assert_eq!(morning, utc("2026-10-25T05:00"));
    assert_eq!(morning - night, TimeDelta::hours(9));
    assert_eq!(who(&role, morning), ["alice"]);
}

#[test]
fn a_handoff_at_a_skipped_wall_time_happens_when_the_clock_jumps_over_it() {
    // 02:30 does not exist on 2026-03-29: the clock reads 01:59:59 then 03:00.
    let role = role(
        vec![layer(&["alice", "bob"], "1d", "2026-03-22T02:30")],
        vec![],
    );
    assert_eq!(who(&role, utc("2026-03-29T00:59:59")), ["alice"]);
    assert_eq!(who(&role, utc("2026-03-29T01:00")), ["bob"]);
    let jump = next_change(&role, Paris, utc("2026-03-29T00:00")).unwrap();
    assert_eq!(jump, utc("2026-03-29T01:00"));
    assert_eq!(
        next_change(&role, Paris, jump),
        Some(local("2026-03-30T02:30"))
    );
}

#[test]
fn a_layer_starting_at_a_skipped_wall_time_starts_when_the_clock_jumps_over_it() {
    let role = role(
        vec![layer(&["alice", "bob"], "1d", "2026-03-29T02:30")],
        vec![],
    );
    assert!(who(&role, utc("2026-03-29T00:59:59")).is_empty());
    assert_eq!(who(&role, utc("2026-03-29T01:00")), ["alice"]);
    assert_eq!(
        next_change(&role, Paris, utc("2026-03-28T12:00")),
        Some(utc("2026-03-29T01:00"))
    );
}

#[test]
fn a_handoff_inside_the_repeated_hour_follows_the_wall_clock_both_times() {
    // Wall-clock turns: bob from 02:30, but 02:00-02:30 (read again after
    // the clock goes back) is still alice's turn on the wall clock.
    let role = role(
        vec![layer(&["alice", "bob"], "1d", "2026-10-24T02:30")],
        vec![],
    );
    assert_eq!(who(&role, utc("2026-10-25T00:29")), ["alice"]);
    assert_eq!(who(&role, utc("2026-10-25T00:30")), ["bob"]);
    assert_eq!(who(&role, utc("2026-10-25T01:00")), ["alice"]);
    assert_eq!(who(&role, utc("2026-10-25T01:30")), ["bob"]);
    let mut t = utc("2026-10-25T00:00");
    let mut changes = Vec::new();
    for _ in 0..4 {
        t = next_change(&role, Paris, t).unwrap();
        changes.push(t);
    }
    let expected = [
        "2026-10-25T00:30",
        "2026-10-25T01:00",
        "2026-10-25T01:30",
        "2026-10-26T01:30",
    ];
    assert_eq!(changes, expected.map(utc));
}

#[test]
fn an_only_window_hands_over_to_the_fallback_layer_outside_weekday_hours() {
    let weekdays = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];
    let day = only(
        layer(&["alice", "bob"], "1d", "2026-01-05T06:00"),
        &weekdays,
        "06:00",
        "22:00",
    );
    let role = role(
        vec![day, layer(&["chen"], "7d", "2026-01-01T00:00")],
        vec![],
    );
    // 2026-01-05 is a Monday.
    let monday = one(&role, local("2026-01-05T10:00"));
    assert_eq!(
        (monday.person.as_str(), monday.reason),
        ("alice", OnCallReason::Layer { index: 0 })
    );
    assert_eq!(monday.until, Some(local("2026-01-05T22:00")));
    let night = one(&role, local("2026-01-05T23:00"));
    assert_eq!(
        (night.person.as_str(), night.reason),
        ("chen", OnCallReason::Layer { index: 1 })
    );
    assert_eq!(night.until, Some(local("2026-01-06T06:00")));
    assert_eq!(who(&role, local("2026-01-06T06:00")), ["bob"]);
    assert_eq!(who(&role, local("2026-01-09T21:59")), ["alice"]);
    assert_eq!(who(&role, local("2026-01-10T10:00")), ["chen"]);
    assert_eq!(
        one(&role, local("2026-01-09T23:00")).until,
        Some(local("2026-01-12T06:00"))
    );
}

#[test]
fn a_window_past_midnight_belongs_to_the_day_it_started() {
    let role = role(
        vec![only(
            layer(&["alice"], "1d", "2026-01-01T00:00"),
            &[Day::Fri],
            "22:00",
            "06:00",
        )],
        vec![],
    );
    // 2026-01-09 is a Friday.
    assert!(who(&role, local("2026-01-09T03:00")).is_empty());
    assert_eq!(who(&role, local("2026-01-09T22:00")), ["alice"]);
    let saturday = one(&role, local("2026-01-10T03:00"));
    assert_eq!(saturday.person, "alice");
    assert_eq!(saturday.until, Some(local("2026-01-10T06:00")));
    assert!(who(&role, local("2026-01-10T06:00")).is_empty());
    assert!(who(&role, local("2026-01-10T23:00")).is_empty());
    assert!(who(&role, local("2026-01-11T03:00")).is_empty());
    assert_eq!(
        next_change(&role, Paris, local("2026-01-10T06:00")),
        Some(local("2026-01-16T22:00"))
    );
}

#[test]
fn overrides_beat_layers_for_a_half_open_period() {
    let role = role(
        vec![layer(&["alice", "bob", "chen"], "8h", "2026-01-05T06:00")],
        vec![cover("chen", "2026-01-06T10:00", "2026-01-06T12:00")],
    );
    let before = one(&role, local("2026-01-06T09:59"));
    assert_eq!(before.person, "alice");
    assert_eq!(before.until, Some(local("2026-01-06T10:00")));
    let during = one(&role, local("2026-01-06T10:00"));
    assert_eq!(
        (during.person.as_str(), during.reason),
        ("chen", OnCallReason::Override { index: 0 })
    );
    assert_eq!(during.until, Some(local("2026-01-06T12:00")));
    assert_eq!(who(&role, local("2026-01-06T11:59:59")), ["chen"]);
    assert_eq!(who(&role, local("2026-01-06T12:00")), ["alice"]);
    assert_eq!(
        next_change(&role, Paris, local("2026-01-06T09:00")),
        Some(local("2026-01-06T10:00"))
    );
    assert_eq!(
        next_change(&role, Paris, local("2026-01-06T10:00")),
        Some(local("2026-01-06T12:00"))
    );
}

#[test]
fn the_later_listed_override_wins_where_two_overlap() {
    let role = role(
        vec![],
        vec![
            cover("bob", "2026-01-06T10:00", "2026-01-06T14:00"),
            cover("chen", "2026-01-06T12:00", "2026-01-06T13:00"),
        ],
    );
    let early = one(&role, local("2026-01-06T11:00"));
    assert_eq!(
        (early.person.as_str(), early.until),
        ("bob", Some(local("2026-01-06T12:00")))
    );
    let overlap = one(&role, local("2026-01-06T12:00"));
    assert_eq!(overlap.reason, OnCallReason::Override { index: 1 });
    assert_eq!(
        (overlap.person.as_str(), overlap.until),
        ("chen", Some(local("2026-01-06T13:00")))
    );
    let late = one(&role, local("2026-01-06T13:00"));
    assert_eq!(
        (late.person.as_str(), late.until),
        ("bob", Some(local("2026-01-06T14:00")))
    );
    assert!(who(&role, local("2026-01-06T14:00")).is_empty());
    assert_eq!(next_change(&role, Paris, local("2026-01-06T14:00")), None);
}

#[test]
fn a_layer_is_empty_before_its_start() {
    let role = three_shifts();
    assert!(who(&role, local("2026-01-05T05:59:59")).is_empty());
    assert!(who(&role, local("2025-06-01T12:00")).is_empty());
    assert_eq!(
        next_change(&role, Paris, local("2025-06-01T12:00")),
        Some(local("2026-01-05T06:00"))
    );
}

#[test]
fn a_role_without_schedule_has_every_member_on_call() {
    let role = role(vec![], vec![]);
    let all = on_call(&role, Paris, local("2026-01-05T10:00"));
    let expected: Vec<OnCall> = ["alice", "bob", "chen"]
        .iter()
        .map(|p| OnCall {
            person: Text::from(*p),
            reason: OnCallReason::NoSchedule,
            until: None,
        })
        .collect();
    assert_eq!(all, expected);
    assert_eq!(next_change(&role, Paris, local("2026-01-05T10:00")), None);
}

#[test]
fn next_change_walks_a_week_of_eight_hour_handoffs() {
    let role = three_shifts();
    let from = local("2026-03-23T00:00"); // a week with the spring-forward night in it
    let mut t = from;
    let mut seen = Vec::new();
    while let Some(next) = next_change(&role, Paris, t).filter(|n| *n < local("2026-03-30T00:00")) {
        seen.push((next.naive_local().to_string(), who(&role, next)));
        t = next;
    }
    let mut expected = Vec::new();
    for day in 23..=29 {
        for (hour, person) in [("06", "alice"), ("14", "bob"), ("22", "chen")] {
            expected.push((
                format!("2026-03-{day} {hour}:00:00"),
                vec![person.to_owned()],
            ));
        }
    }
    assert_eq!(seen, expected);
}

#[test]
fn a_single_person_rotation_never_hands_off() {
    let role = role(vec![layer(&["alice"], "8h", "2026-01-05T06:00")], vec![]);
    assert_eq!(one(&role, local("2026-06-01T10:00")).until, None);
    assert_eq!(next_change(&role, Paris, local("2026-06-01T10:00")), None);
}

#[test]
fn zero_or_huge_shifts_neither_divide_by_zero_nor_overflow() {
    let mut zero = layer(&["alice"], "1s", "2026-01-05T06:00");
    zero.shift = spanned(Duration(0));
    let role_zero = role(vec![zero], vec![]);
    assert!(who(&role_zero, local("2026-01-06T00:00")).is_empty());
    assert_eq!(
        next_change(&role_zero, Paris, local("2026-01-06T00:00")),
        None
    );
    let mut huge = layer(&["alice", "bob"], "1s", "2026-01-05T06:00");
    huge.shift = spanned(Duration(u64::MAX));
    let role_huge = role(vec![huge], vec![]);
    assert_eq!(one(&role_huge, local("2026-01-06T00:00")).until, None);
    assert_eq!(
        next_change(&role_huge, Paris, local("2026-01-06T00:00")),
        None
    );
}

fn zones() -> impl Strategy<Value = Tz> {
    prop::sample::select(vec![
        Paris,
        chrono_tz::UTC,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Pacific::Apia,
    ])
}

/// Plant wall-clock times from 2000 to 2030 to the minute, often in the
/// early hours of a day (or a few days before one) on which some of
/// [`zones`] change their clocks.
fn walls() -> impl Strategy<Value = NaiveDateTime> {
    let anywhere =
        (0i64..30 * 365 * 1440).prop_map(|m| wall("2000-01-01T00:00") + TimeDelta::minutes(m));
    let days = [
        "2026-03-29",
        "2026-10-25",
        "2026-03-08",
        "2026-11-01",
        "2026-04-05",
        "2026-10-04",
        "2011-12-30",
    ];
    let near = (prop::sample::select(days.to_vec()), 0i64..4, 0i64..6 * 60).prop_map(
        |(day, before, m)| {
            wall(&format!("{day}T00:00")) - TimeDelta::days(before) + TimeDelta::minutes(m)
        },
    );
    prop_oneof![anywhere, near]
}

fn shifts() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..100_000,
        (1u64..400).prop_map(|h| h * 3600),
        Just(u64::MAX),
        any::<u64>()
    ]
}

fn windows() -> impl Strategy<Value = Option<Window>> {
    let day = prop::sample::select(Day::ALL.to_vec());
    let time = (0u32..24, prop::sample::select(vec![0u32, 30, 59]))
        .prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
    prop::option::of(
        (prop::collection::vec(day, 0..3), time.clone(), time).prop_map(|(days, from, to)| {
            Window {
                days,
                from,
                to,
                span: Span::default(),
            }
        }),
    )
}

fn layers() -> impl Strategy<Value = Layer> {
    let people = prop::collection::vec(prop::sample::select(vec!["alice", "bob", "chen"]), 0..4);
    (people, shifts(), walls(), windows()).prop_map(|(people, shift, start, only)| Layer {
        rotation: people.into_iter().map(|p| spanned(Text::from(p))).collect(),
        shift: spanned(Duration(shift)),
        start: spanned(WrittenTime::Local(start)),
        only,
        span: Span::default(),
    })
}

fn overrides() -> impl Strategy<Value = Override> {
    (
        prop::sample::select(vec!["alice", "bob", "chen"]),
        walls(),
        0i64..72 * 60,
    )
        .prop_map(|(p, from, minutes)| Override {
            person: spanned(Text::from(p)),
            from: WrittenTime::Local(from),
            to: WrittenTime::Local(from + TimeDelta::minutes(minutes)),
            span: Span::default(),
        })
}

fn same(a: &[OnCall], b: &[OnCall]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.person == y.person && x.reason == y.reason)
}

proptest! {
    #[test]
    fn schedules_answer_one_person_and_hold_until_the_next_change(
        tz in zones(),
        layers in prop::collection::vec(layers(), 1..4),
        overrides in prop::collection::vec(overrides(), 0..3),
        at in walls(),
        seconds in 0i64..60,
        fraction in 0.0f64..1.0,
    ) {
        let role = role(layers, overrides);
        let t = local_instant(tz, at) + TimeDelta::seconds(seconds);
        let now = on_call(&role, tz, t);
        prop_assert!(now.len() <= 1, "{now:?}");
        if let Some(until) = now.first().and_then(|c| c.until) {
            prop_assert!(until > t);
            let last = on_call(&role, tz, until - TimeDelta::nanoseconds(1));
            prop_assert!(same(&now, &last), "{now:?} then {last:?} before {until}");
        }
        if let Some(next) = next_change(&role, tz, t) {
            prop_assert!(next > t, "{next} is not after {t}");
            for u in [next - TimeDelta::nanoseconds(1), t + (next - t).to_std().map_or(TimeDelta::zero(), |d| {
                TimeDelta::from_std(d.mul_f64(fraction)).unwrap_or_default()
            })] {
                let then = on_call(&role, tz, u);
                prop_assert!(same(&now, &then), "{now:?} at {t}, {then:?} at {u}, next {next}");
            }
        }
    }
}
