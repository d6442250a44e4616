//! The plant clock as people read it: `02:15`, `Fri 27 Nov 18:00`, and the
//! zone (`02:30 CET`) only when that wall-clock time occurs twice (the hour
//! repeated when daylight-saving time ends). The one formatter of plant
//! times for every output, so the repeated-hour check is never forgotten.

use chrono::{DateTime, TimeZone, Timelike};
use chrono_tz::Tz;

/// Whether `t`'s wall-clock time occurs twice on its day.
pub fn repeated_hour(t: DateTime<Tz>) -> bool {
    matches!(
        t.timezone().from_local_datetime(&t.naive_local()),
        chrono::LocalResult::Ambiguous(..)
    )
}

/// `t` in `format`, followed by the zone when the time occurs twice.
pub fn format(t: DateTime<Tz>, format: &str) -> String {
    let text = t.format(format).to_string();
    if repeated_hour(t) {
        format!("{text} {}", t.format("%Z"))
    } else {
        text
    }
}

/// `02:15`, with the day when it is not `reference`'s (`Sat 07 Mar 02:15`).
pub fn clock(t: DateTime<Tz>, reference: DateTime<Tz>) -> String {
    if t.date_naive() == reference.date_naive() {
        format(t, "%H:%M")
    } else {
        format(t, "%a %d %b %H:%M")
    }
}

/// Like [`clock`], with the seconds when there are any (`02:14:30`).
pub fn clock_seconds(t: DateTime<Tz>, reference: DateTime<Tz>) -> String {
    let time = if t.second() == 0 { "%H:%M" } else { "%H:%M:%S" };
    if t.date_naive() == reference.date_naive() {
        format(t, time)
    } else {
        format(t, &format!("%a %d %b {time}"))
    }
}

/// An instant with its day: `Fri 27 Nov 18:00`.
pub fn day_time(t: DateTime<Tz>) -> String {
    format(t, "%a %d %b %H:%M")
}

/// An instant with its day and year, for headings: `Sun 22 Nov 2026 09:00`.
pub fn full_date_time(t: DateTime<Tz>) -> String {
    format(t, "%a %d %b %Y %H:%M")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn paris(s: &str) -> DateTime<Tz> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").expect("time");
        chrono_tz::Europe::Paris
            .from_local_datetime(&naive)
            .earliest()
            .expect("exists")
    }

    #[test]
    fn the_zone_is_shown_only_in_the_repeated_hour() {
        let first = paris("2026-10-25T02:30:00");
        assert_eq!(day_time(first), "Sun 25 Oct 02:30 CEST");
        assert_eq!(
            day_time(first + TimeDelta::hours(1)),
            "Sun 25 Oct 02:30 CET"
        );
        assert_eq!(day_time(first + TimeDelta::hours(2)), "Sun 25 Oct 03:30");
        assert_eq!(clock(first, first), "02:30 CEST");
        assert_eq!(
            clock_seconds(first + TimeDelta::seconds(30), first),
            "02:30:30 CEST"
        );
        assert_eq!(full_date_time(first), "Sun 25 Oct 2026 02:30 CEST");
    }

    #[test]
    fn another_day_is_named() {
        let t = paris("2026-03-06T02:10:00");
        assert_eq!(clock(t, t), "02:10");
        assert_eq!(clock(t + TimeDelta::days(1), t), "Sat 07 Mar 02:10");
        assert_eq!(clock_seconds(t + TimeDelta::seconds(5), t), "02:10:05");
    }
}
