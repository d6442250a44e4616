//! `andon oncall`: who is on call in each role over a span, and its
//! iCalendar form read back by a parser, across a daylight-saving change.

use crate::harness::Andon;
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use icalendar::parser::{Component, read_calendar, unfold};

fn prop<'a>(c: &'a Component<'_>, name: &str) -> &'a str {
    c.find_prop(name)
        .unwrap_or_else(|| panic!("no {name} in {}", c.name.as_str()))
        .val
        .as_str()
}

fn offset(text: &str) -> FixedOffset {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let h: i32 = text[1..3].parse().unwrap();
    let m: i32 = text[3..5].parse().unwrap();
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).unwrap()
}

/// A DTSTART/DTEND read with the calendar's own VTIMEZONE, as a client does:
/// the observance whose onset (in its TZOFFSETFROM) is the latest before it.
fn instant(c: &Component<'_>, name: &str, zone: &Component<'_>) -> DateTime<Utc> {
    let p = c.find_prop(name).unwrap();
    let value = p.val.as_str();
    if let Some(utc) = value.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").unwrap();
        return Utc.from_utc_datetime(&t);
    }
    let tzid = p.params.iter().find(|x| x.key.as_str() == "TZID").unwrap();
    assert_eq!(tzid.val.as_ref().unwrap().as_str(), prop(zone, "TZID"));
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
    let mut best: Option<(DateTime<Utc>, FixedOffset)> = None;
    for obs in &zone.components {
        let onset = NaiveDateTime::parse_from_str(prop(obs, "DTSTART"), "%Y%m%dT%H%M%S").unwrap();
        let onset = offset(prop(obs, "TZOFFSETFROM"))
            .from_local_datetime(&onset)
            .unwrap();
        let to = offset(prop(obs, "TZOFFSETTO"));
        let t = to.from_local_datetime(&local).unwrap();
        if onset <= t && best.is_none_or(|(b, _)| onset > b) {
            best = Some((onset.with_timezone(&Utc), to));
        }
    }
    let (_, to) = best.expect("an observance in force");
    to.from_local_datetime(&local).unwrap().with_timezone(&Utc)
}

fn ical(args: &[&str]) -> String {
    let mut all = vec!["oncall", "--format", "ical"];
    all.extend_from_slice(args);
    Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(all)
        .run()
        .success()
        .stdout()
}

#[test]
fn alices_calendar_keeps_the_06_00_handoff_across_the_autumn_change() {
    let text = ical(&[
        "--from",
        "2026-10-24T00:00",
        "--days",
        "2",
        "--person",
        "alice",
    ]);
    assert!(
        text.lines().all(|l| l.len() <= 75),
        "lines folded at 75 octets"
    );
    assert!(text.contains("\r\n"), "CRLF line ends");
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    assert!(
        cal.properties
            .iter()
            .any(|p| p.name.as_str() == "VERSION" && p.val.as_str() == "2.0")
    );
    let zone = cal
        .components
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .unwrap();
    assert_eq!(prop(zone, "TZID"), "Europe/Paris");
    assert!(zone.find_prop("UID").is_none() && zone.find_prop("DTSTAMP").is_none());
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    let turns: Vec<(DateTime<Utc>, DateTime<Utc>)> = events
        .iter()
        .map(|e| (instant(e, "DTSTART", zone), instant(e, "DTEND", zone)))
        .collect();
    let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    // Saturday 00:00-06:00 CEST (the span's start cuts the night turn), then
    // Sunday 06:00-14:00 CET: the clocks went back at 03:00 in between.
    assert_eq!(
        turns,
        [
            (utc("2026-10-23T22:00:00Z"), utc("2026-10-24T04:00:00Z")),
            (utc("2026-10-25T05:00:00Z"), utc("2026-10-25T13:00:00Z")),
        ]
    );
    assert_eq!(prop(events[1], "DTSTART"), "20261025T060000");
    assert!(prop(events[0], "SUMMARY").contains("OT shift lead"));
    for e in &events {
        assert!(prop(e, "UID").ends_with("@andon"));
        assert!(prop(e, "DTSTAMP").ends_with('Z'));
    }
    // Stable UIDs: the same turns exported again carry the same ones.
    let again = ical(&[
        "--from",
        "2026-10-24T00:00",
        "--days",
        "2",
        "--person",
        "alice",
    ]);
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&text), uids(&again));
}

#[test]
fn the_spring_change_is_in_the_zone_and_every_turn_is_an_event() {
    let text = ical(&["--from", "2026-03-28T00:00", "--days", "3"]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let zone = cal
        .components
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .unwrap();
    let daylight = zone
        .components
        .iter()
        .find(|c| c.name.as_str() == "DAYLIGHT" && prop(c, "DTSTART") == "20260329T020000")
        .unwrap();
    assert_eq!(
        (prop(daylight, "TZOFFSETFROM"), prop(daylight, "TZOFFSETTO")),
        ("+0100", "+0200")
    );
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    // The same walk as the CSV: one event per CSV row.
    let csv = Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args([
            "oncall",
            "--format",
            "csv",
            "--from",
            "2026-03-28T00:00",
            "--days",
            "3",
        ])
        .run()
        .success()
        .stdout();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(events.len(), rows.len());
    for (e, row) in events.iter().zip(&rows) {
        let cols: Vec<&str> = row.split(',').collect();
        let from = cols[1]
            .parse::<DateTime<FixedOffset>>()
            .unwrap()
            .with_timezone(&Utc);
        let to = cols[2]
            .parse::<DateTime<FixedOffset>>()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            (instant(e, "DTSTART", zone), instant(e, "DTEND", zone)),
            (from, to),
            "{row}"
        );
    }
    let mut uids: Vec<&str> = events.iter().map(|e| prop(e, "UID")).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "one UID per turn");
}

#[test]
fn gaps_are_shown_as_lint_sees_them() {
    let run = Andon::new()
        .files(&[("plant.yaml", "andon: 1
plant: { id: test-plant, name: Test plant, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
people:
  - { id: alice, name: Alice }
roles:
  - id: day-crew
    members: [alice]
    schedule:
      layers:
        - { rotation: [alice], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"22:00\" } }
systems: []
identities: []
authority: []
")])
        .args(["oncall", "--from", "2026-11-23T00:00", "--days", "1"])
        .run()
        .success()
        .stdout_has("day-crew (day-crew)\n")
        .stdout_has("  Mon 23 Nov 00:00 to Mon 23 Nov 06:00 (6h)  GAP: nobody on call\n")
        .stdout_has("  Mon 23 Nov 06:00 to Mon 23 Nov 22:00 (16h)  Alice\n")
        .stdout_has("2 gaps: stretches of a role with nobody on call.");
    assert!(!run.stdout().contains('\u{1b}'));
}

#[test]
fn an_unknown_person_is_named_with_the_nearest() {
    Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(["oncall", "--person", "alise"])
        .run()
        .fails(2);
}
