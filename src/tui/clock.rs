//! Where the console's time comes from: the system clock, the system clock
//! shifted to start at a chosen moment (rehearsing "as if it were 02:10"),
//! or a clock a test moves by hand. Time is read here and passed in as
//! messages; nothing deeper reads a clock.

use chrono::{DateTime, TimeDelta, Utc};
use std::cell::Cell;
use std::time::Instant;

pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Real time running from a chosen start.
pub struct ShiftedClock {
    start: DateTime<Utc>,
    since: Instant,
}

impl ShiftedClock {
    pub fn starting_at(start: DateTime<Utc>) -> ShiftedClock {
        ShiftedClock {
            start,
            since: Instant::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        // `start` is an `--at` in the calendar's years (`model::YEARS`) and
        // `elapsed` the session's own running time: the sum stays far
        // inside chrono's range; checked all the same.
        let elapsed = TimeDelta::from_std(self.since.elapsed()).unwrap_or(TimeDelta::MAX);
        self.start
            .checked_add_signed(elapsed)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// A clock that moves only when told (tests, benchmarks).
pub struct ManualClock(Cell<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Cell::new(start))
    }

    pub fn advance(&self, by: TimeDelta) {
        self.0.set(self.0.get() + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.get()
    }
}
