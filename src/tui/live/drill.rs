//! Drill mode: the console on a scenario's clock. The drill clock starts at
//! the scenario's start and runs at a speed the facilitator sets (or stands
//! still while paused); injects appear when it reaches them, their
//! unavailability re-resolves open decisions, and every decision recorded
//! is also judged by the drill ([`crate::drill::Drill`]) for the live score.
//!
//! The console's steps in a drill (an inject falls due, a decision is
//! judged) are in [`super::steps`]; this is the drill's own state.
//!
//! The clock is computed from the real time each tick carries: drill offset
//! = offset at the last resume + real time since, times the speed.

use crate::drill::{Drill, Status};
use crate::model::{Duration, Inject};
use chrono::{DateTime, Utc};

/// The speeds `+` and `-` step through.
pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 30, 60, 600];

/// The drill's clock and state, inside the console's model.
#[derive(Clone)]
pub struct DrillMode<'r> {
    pub drill: Drill<'r>,
    pub speed: u32,
    /// Drill seconds at `since`.
    base: u64,
    /// Real time the clock last resumed; `None` while paused.
    since: Option<DateTime<Utc>>,
    /// Injects shown so far, with their offset.
    pub shown: Vec<(Duration, &'r Inject)>,
}

impl<'r> DrillMode<'r> {
    /// A drill at its start, running at `speed` from `now` (or paused).
    pub fn new(drill: Drill<'r>, speed: u32, paused: bool, now: DateTime<Utc>) -> DrillMode<'r> {
        DrillMode {
            drill,
            speed: speed.max(1),
            base: 0,
            since: (!paused).then_some(now),
            shown: Vec::new(),
        }
    }

    /// A drill resumed from its log: the drill's own record (decisions
    /// judged, injects consumed) was replayed into `drill`; the clock stands
    /// paused at `offset`, where the log ended, with the injects due by then
    /// shown.
    pub fn resumed(drill: Drill<'r>, speed: u32, offset: Duration) -> DrillMode<'r> {
        let mut drill = drill;
        drill.advance(offset);
        let scenario = drill.scenario();
        let mut shown: Vec<(Duration, &'r Inject)> = (scenario.injects.iter())
            .filter(|i| i.at.value <= offset)
            .map(|i| (i.at.value, i))
            .collect();
        shown.sort_by_key(|(at, _)| *at);
        DrillMode {
            drill,
            speed: speed.max(1),
            base: offset.0,
            since: None,
            shown,
        }
    }

    pub fn paused(&self) -> bool {
        self.since.is_none()
    }

    /// The drill clock at real time `real`.
    pub fn offset(&self, real: DateTime<Utc>) -> Duration {
        let run = self.since.map_or(0, |since| {
            u64::try_from((real - since).num_seconds()).unwrap_or(0)
        });
        // Real seconds times a speed of at most a few hundred: saturating
        // only so that a clock left running for ages cannot wrap.
        Duration(
            self.base
                .saturating_add(run.saturating_mul(u64::from(self.speed))),
        )
    }

    /// Pauses or resumes at real time `real`.
    pub fn toggle(&mut self, real: DateTime<Utc>) {
        self.base = self.offset(real).0;
        self.since = match self.since {
            Some(_) => None,
            None => Some(real),
        };
    }

    /// Jumps the clock to the next inject (nothing when none is left).
    pub fn next_inject(&mut self, real: DateTime<Utc>) {
        if let Some(next) = self.drill.next_inject() {
            self.base = next.0.max(self.offset(real).0);
            if self.since.is_some() {
                self.since = Some(real);
            }
        }
    }

    /// One step faster (`up`) or slower.
    pub fn change_speed(&mut self, up: bool, real: DateTime<Utc>) {
        self.base = self.offset(real).0;
        if self.since.is_some() {
            self.since = Some(real);
        }
        let at = SPEEDS.iter().position(|&s| s >= self.speed).unwrap_or(0);
        let at = if up {
            (at + 1).min(SPEEDS.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        self.speed = SPEEDS[at];
    }

    /// Expectations: met so far, still open (deadline not passed), and the
    /// rest, as the status line counts them.
    pub fn tally(&self) -> (usize, usize, usize) {
        let now = self.drill.clock();
        let mut tally = (0, 0, 0);
        for (score, e) in self
            .drill
            .scores()
            .iter()
            .zip(&self.drill.scenario().expect)
        {
            match score.status {
                Status::Met => tally.0 += 1,
                Status::Missed if now <= e.within.value => tally.1 += 1,
                _ => tally.2 += 1,
            }
        }
        tally
    }
}
