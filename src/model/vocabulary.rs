//! The fixed vocabularies of the format (actions, kinds, zones, levels) and
//! small value types (durations, moments).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::fmt;

/// Declares an enum whose variants are spelt in YAML as the given names.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the format lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every spelling, in the order the format lists them.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The YAML spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the YAML spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What a responder may do to an identity.
    Action {
        Pause = "pause", Revoke = "revoke", Override = "override", Disconnect = "disconnect",
        Rotate = "rotate", Constrain = "constrain", Restore = "restore", Declare = "declare",
    }
}

impl Action {
    /// The actions an authority rule can cover, in the format's order
    /// (`declare` lives on states).
    pub const ON_IDENTITIES: [Action; 7] = [
        Action::Pause,
        Action::Revoke,
        Action::Override,
        Action::Disconnect,
        Action::Rotate,
        Action::Constrain,
        Action::Restore,
    ];

    /// Actions that stop what the identity serves.
    pub fn stops_service(self) -> bool {
        matches!(self, Action::Pause | Action::Revoke | Action::Disconnect)
    }
}

vocabulary! {
    /// What sort of machine (or human) identity it is.
    IdentityKind {
        Human = "human", ServiceAccount = "service-account", ApiKey = "api-key",
        Certificate = "certificate", PlcCredential = "plc-credential",
        VendorSession = "vendor-session", AiAgent = "ai-agent", SshKey = "ssh-key", Token = "token",
    }
}

vocabulary! {
    /// Network zone of a system.
    Zone { It = "it", Dmz = "dmz", Ot = "ot" }
}

vocabulary! {
    /// How bad it is when a system stops or misbehaves; ordered from least to most.
    Criticality { Low = "low", Medium = "medium", High = "high", Safety = "safety" }
}

impl Criticality {
    /// `high` or `safety`: the systems lint and coverage care most about.
    pub fn is_critical(self) -> bool {
        self >= Criticality::High
    }
}

vocabulary! {
    /// Access of an identity to a system; ordered `none < read < write < control`.
    AccessLevel { None = "none", Read = "read", Write = "write", Control = "control" }
}

vocabulary! {
    /// The job a role does in the plant.
    Function {
        Ot = "ot", It = "it", Security = "security", Safety = "safety",
        Management = "management", Vendor = "vendor",
    }
}

vocabulary! {
    /// How a credential's secret is renewed.
    CredentialType { Static = "static", Rotated = "rotated", Ephemeral = "ephemeral" }
}

vocabulary! {
    /// Where a credential's secret is kept.
    Storage {
        Vault = "vault", Hsm = "hsm", ConfigFile = "config-file", PlcProject = "plc-project",
        Plaintext = "plaintext", Unknown = "unknown",
    }
}

vocabulary! {
    /// Where a credential's secret came from.
    Origin { Generated = "generated", VendorDefault = "vendor-default", Hardcoded = "hardcoded" }
}

vocabulary! {
    /// A day of the week in `only.days`.
    Day { Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun" }
}

impl Day {
    pub fn from_weekday(day: chrono::Weekday) -> Day {
        Day::ALL[day.num_days_from_monday() as usize]
    }
}

/// A length of time, in whole seconds (`30s`, `5m`, `2h`, `1d`, `90d`, or `1h30m`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Duration(pub u64);

impl Duration {
    /// No time at all (`after: 0s`), the least a duration may be.
    pub const ZERO: Duration = Duration(0);
    /// The shortest on-call turn: shorter turns would make the on-call
    /// horizon's walk explode in time and memory (a `1s` shift is 604,800
    /// turns a week).
    pub const MIN_SHIFT: Duration = Duration(60);

    pub fn secs(self) -> u64 {
        self.0
    }

    pub fn to_chrono(self) -> chrono::TimeDelta {
        // Durations parse from at most a few digits per unit; clamp so the
        // conversion cannot overflow (about 292 billion years).
        chrono::TimeDelta::seconds(i64::try_from(self.0).unwrap_or(i64::MAX / 1000))
    }

    /// Parses `30s`, `5m`, `2h`, `1d`, `90d`, and sums such as `1h30m`.
    pub fn parse(text: &str) -> Option<Duration> {
        let mut total: u64 = 0;
        let mut digits = String::new();
        let mut seen_unit = false;
        for c in text.trim().chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'w' => 7 * 86_400,
                _ => return None,
            };
            if digits.is_empty() || digits.len() > 9 {
                return None;
            }
            let n: u64 = digits.parse().ok()?;
            total = total.checked_add(n.checked_mul(unit)?)?;
            digits.clear();
            seen_unit = true;
        }
        (seen_unit && digits.is_empty()).then_some(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, secs) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if rest >= secs {
                write!(f, "{}{unit}", rest / secs)?;
                rest %= secs;
            }
        }
        Ok(())
    }
}

/// The years a written date or time may name: ISO 8601's four-digit years
/// (`0001` to `9999`). chrono reaches the year 262,143, but a plant time
/// near that end cannot be read on the plant clock (`naive_local` panics
/// past it) nor moved by a chain's levels: every time andon is given
/// (`--at`, `--from`, `--now`, a runbook's dates and moments, a scenario's
/// start) is in these years, which leaves 252,000 years of room for every
/// sum the engine makes on it.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Whether `date` is in [`YEARS`].
pub fn in_calendar(date: NaiveDate) -> bool {
    YEARS.contains(&chrono::Datelike::year(&date))
}

/// A point in time as written: plant-local when it has no offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WrittenTime {
    Local(NaiveDateTime),
    Fixed(DateTime<FixedOffset>),
}

impl WrittenTime {
    /// Parses an ISO 8601 date-time, with or without seconds and offset; a
    /// bare date means its midnight. Only in the years [`YEARS`].
    pub fn parse(text: &str) -> Option<WrittenTime> {
        WrittenTime::parse_any_year(text).filter(|t| match t {
            WrittenTime::Local(t) => in_calendar(t.date()),
            WrittenTime::Fixed(t) => in_calendar(t.date_naive()),
        })
    }

    /// [`WrittenTime::parse`] in any year chrono reads (to say why a time
    /// out of [`YEARS`] is refused).
    pub fn parse_any_year(text: &str) -> Option<WrittenTime> {
        let text = text.trim();
        if let Some(utc) = text.strip_suffix(['Z', 'z'])
            && !utc.ends_with(['Z', 'z'])
        {
            return WrittenTime::parse_any_year(&format!("{utc}+00:00"));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(WrittenTime::Fixed(t));
        }
        for format in [
            "%Y-%m-%dT%H:%M%:z",
            "%Y-%m-%d %H:%M%:z",
            "%Y-%m-%d %H:%M:%S%:z",
        ] {
            if let Ok(t) = DateTime::parse_from_str(text, format) {
                return Some(WrittenTime::Fixed(t));
            }
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Some(WrittenTime::Local(t));
            }
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(WrittenTime::Local(date.and_hms_opt(0, 0, 0)?))
    }

    /// The plant-local wall-clock time of this moment.
    pub fn wall_clock(self, tz: Tz) -> NaiveDateTime {
        match self {
            WrittenTime::Local(t) => t,
            WrittenTime::Fixed(t) => t.with_timezone(&tz).naive_local(),
        }
    }

    /// The instant of this moment; a local time that occurs twice takes its
    /// first occurrence, one that does not occur takes the first instant after the gap.
    pub fn instant(self, tz: Tz) -> DateTime<Tz> {
        match self {
            WrittenTime::Local(t) => local_instant(tz, t),
            WrittenTime::Fixed(t) => t.with_timezone(&tz),
        }
    }
}

/// The instant at which plant wall clock `t` reads; see [`WrittenTime::instant`].
pub fn local_instant(tz: Tz, t: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&t) {
        chrono::LocalResult::Single(x) => x,
        chrono::LocalResult::Ambiguous(first, _) => first,
        chrono::LocalResult::None => {
            // In a spring-forward gap: move forward minute by minute until the
            // wall clock exists again (gaps are at most a few hours).
            let mut probe = t;
            for _ in 0..(24 * 60) {
                probe += chrono::TimeDelta::minutes(1);
                if let Some(x) = tz.from_local_datetime(&probe).earliest() {
                    return x;
                }
            }
            tz.from_utc_datetime(&t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_the_spec_units_and_reject_the_rest() {
        assert_eq!(Duration::parse("30s"), Some(Duration(30)));
        assert_eq!(Duration::parse("5m"), Some(Duration(300)));
        assert_eq!(Duration::parse("2h"), Some(Duration(7200)));
        assert_eq!(Duration::parse("90d"), Some(Duration(90 * 86_400)));
        assert_eq!(Duration::parse("1h30m"), Some(Duration(5400)));
        for bad in ["", "5", "m", "5x", "-5m", "5 m", "99999999999d", "1.5h"] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
        assert_eq!(Duration(5400).to_string(), "1h30m");
    }

    #[test]
    fn moments_keep_local_or_offset() {
        let tz: Tz = "Europe/Paris".parse().unwrap();
        let local = WrittenTime::parse("2026-03-06T02:10").unwrap();
        assert!(matches!(local, WrittenTime::Local(_)));
        assert_eq!(local.instant(tz).to_rfc3339(), "2026-03-06T02:10:00+01:00");
        assert_eq!(
            WrittenTime::parse("2026-03-06T02:10Z"),
            WrittenTime::parse("2026-03-06T02:10:00+00:00")
        );
        let fixed = WrittenTime::parse("2026-03-06T02:10:00Z").unwrap();
        assert_eq!(fixed.wall_clock(tz).to_string(), "2026-03-06 03:10:00");
        assert!(WrittenTime::parse("2026-02-30").is_none());
        assert!(WrittenTime::parse("tomorrow").is_none());
        // 02:30 does not exist on 2026-03-29 in Paris: the first instant after the gap.
        let gap = WrittenTime::parse("2026-03-29T02:30").unwrap();
        assert_eq!(gap.instant(tz).to_rfc3339(), "2026-03-29T03:00:00+02:00");
    }
}
