//! The iCalendar (RFC 5545) form of `andon oncall`: one VEVENT per turn,
//! written by the `icalendar` crate (escaping, line folding), with times in
//! the plant's zone and that zone's VTIMEZONE.
//!
//! `icalendar` has no VTIMEZONE (and writes a DTSTAMP and a random UID into
//! every component, which RFC 5545 forbids in a VTIMEZONE), so the zone is
//! written here: one observance per offset change chrono-tz knows over the
//! span, plus the one in force at its start. Each observance is a single
//! onset (no RRULE), exact for the span whatever the zone's rules; event
//! times are local times with `TZID`, so a client shows 06:00 on both sides
//! of a daylight-saving change. A start or end whose wall-clock time occurs
//! twice (the repeated hour in autumn) is written in UTC instead, which is
//! never ambiguous.
//!
//! UIDs are stable: a hash of the plant, role, person and start, so
//! importing the same turns again updates them instead of doubling them.

use super::{Oncall, Turn};
use crate::cli::output::Render;
use anyhow::{Result, anyhow};
use chrono::{DateTime, FixedOffset, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{CalendarDateTime, Component, Event, EventLike};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// How far before the span the observance in force at its start is looked for.
const LOOK_BACK: TimeDelta = TimeDelta::days(400);

pub struct Ical;

impl Render<Oncall<'_>> for Ical {
    fn render(&self, oncall: &Oncall) -> Result<String> {
        calendar(oncall)
    }

    /// Values are escaped as iCalendar text where they are written.
    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn calendar(oncall: &Oncall) -> Result<String> {
    let rb = oncall.runbook;
    let tz = rb.plant.timezone.value;
    let plant = rb.plant.name.as_deref().unwrap_or(&rb.plant.id.value);
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//andon//andon oncall//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", text(&format!("On call, {plant}"))),
        format!("X-WR-TIMEZONE:{}", tz.name()),
    ] {
        push_line(&mut out, &line);
    }
    out.push_str(&vtimezone(tz, oncall.from, oncall.to));
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for turn in &oncall.turns {
        let event = event(oncall, turn, &stamp);
        out.push_str(
            &event
                .try_into_string()
                .map_err(|e| anyhow!("writing an event: {e}"))?,
        );
    }
    push_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

fn event(oncall: &Oncall, turn: &Turn, stamp: &str) -> Event {
    let rb = oncall.runbook;
    let role = turn.role.label();
    let (summary, description) = match &turn.person {
        None => (
            format!("GAP: nobody on call for {role}"),
            format!(
                "Nobody in role {} is on call: escalations through it go to the next level.",
                turn.role.id.value
            ),
        ),
        Some(p) => {
            let backup = turn.backup_for.as_ref().map_or_else(String::new, |b| {
                format!(" (backing up {})", oncall.person_label(b))
            });
            (
                format!("On call: {role}, {}{backup}", oncall.person_label(p)),
                format!("Person {p} on call for role {}.", turn.role.id.value),
            )
        }
    };
    let mut event = Event::new();
    event
        .uid(&uid(&rb.plant.id.value, turn))
        .add_property("DTSTAMP", stamp)
        .summary(&summary)
        .description(&format!(
            "{description} From the runbook of plant {} by andon oncall.",
            rb.plant.id.value
        ))
        .starts(when(turn.from))
        .ends(when(turn.to))
        .add_property(
            "TRANSP",
            if turn.person.is_some() {
                "OPAQUE"
            } else {
                "TRANSPARENT"
            },
        );
    event.done()
}

/// `t` as local time with the plant's TZID, or in UTC when that wall-clock
/// time occurs twice.
fn when(t: DateTime<Tz>) -> CalendarDateTime {
    let tz = t.timezone();
    match tz.from_local_datetime(&t.naive_local()) {
        chrono::LocalResult::Single(_) => CalendarDateTime::WithTimezone {
            date_time: t.naive_local(),
            tzid: tz.name().to_owned(),
        },
        _ => CalendarDateTime::Utc(t.with_timezone(&Utc)),
    }
}

fn uid(plant: &str, turn: &Turn) -> String {
    let mut hash = Sha256::new();
    for part in [
        plant,
        &turn.role.id.value,
        turn.person.as_deref().unwrap_or("\u{0}gap"),
        &turn.from.with_timezone(&Utc).to_rfc3339(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut hex = String::new();
    for byte in digest.iter().take(16) {
        let _ = write!(hex, "{byte:02x}");
    }
    format!("{hex}@andon")
}

/// An offset change of `tz`: at `at`, from `before` to the offset `after`.
struct Transition {
    at: DateTime<Utc>,
    before: FixedOffset,
    after: chrono_tz::TzOffset,
}

fn offset(tz: Tz, t: DateTime<Utc>) -> chrono_tz::TzOffset {
    tz.offset_from_utc_datetime(&t.naive_utc())
}

/// Every offset change of `tz` in `[from, to)`, to the second.
fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let step = TimeDelta::hours(6);
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let next = t + step;
        let before = offset(tz, t).fix();
        if offset(tz, next).fix() != before {
            // The change lies in (lo, hi]: halve down to one second.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > TimeDelta::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset(tz, mid).fix() == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(Transition {
                at: hi,
                before,
                after: offset(tz, hi),
            });
        }
        t = next;
    }
    out
}

/// `+0100`.
fn utc_offset(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", secs / 3600, secs % 3600 / 60)
}

/// The VTIMEZONE of `tz` for events in `[from, to)`.
fn vtimezone(tz: Tz, from: DateTime<Tz>, to: DateTime<Tz>) -> String {
    let from = from.with_timezone(&Utc);
    let to = to.with_timezone(&Utc) + TimeDelta::days(1);
    let all = transitions(tz, from - LOOK_BACK, to);
    let first = all.iter().rposition(|t| t.at <= from);
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VTIMEZONE");
    push_line(&mut out, &format!("TZID:{}", tz.name()));
    let kept = first.map_or(&all[..], |i| &all[i..]);
    if first.is_none() {
        // No change in the look-back: the offset of the span's start, since ever.
        let now = offset(tz, from);
        observance(&mut out, "19700101T000000", now.fix(), &now);
    }
    for t in kept {
        let onset = (t.at + TimeDelta::seconds(i64::from(t.before.local_minus_utc())))
            .format("%Y%m%dT%H%M%S")
            .to_string();
        observance(&mut out, &onset, t.before, &t.after);
    }
    push_line(&mut out, "END:VTIMEZONE");
    out
}

fn observance(out: &mut String, onset: &str, before: FixedOffset, after: &chrono_tz::TzOffset) {
    let kind = if after.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    push_line(out, &format!("BEGIN:{kind}"));
    push_line(out, &format!("DTSTART:{onset}"));
    push_line(out, &format!("TZOFFSETFROM:{}", utc_offset(before)));
    push_line(out, &format!("TZOFFSETTO:{}", utc_offset(after.fix())));
    if let Some(name) = after.abbreviation() {
        push_line(out, &format!("TZNAME:{}", text(name)));
    }
    push_line(out, &format!("END:{kind}"));
}

/// A TEXT value (RFC 5545 3.3.11): backslash, `;`, `,` and newlines escaped,
/// other control characters dropped.
fn text(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line, folded at 75 octets (RFC 5545 3.1) and ended with CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}
