//! Drill mode: the console on a scenario's clock. The drill clock starts at
//! the scenario's start and runs at a speed the facilitator sets (or stands
//! still while paused); injects appear when it reaches them, their
//! unavailability re-resolves open decisions, and every decision recorded
//! is also judged by the drill ([`crate::drill::Drill`]) for the live score.
//!
//! The clock is computed from the real time each tick carries: drill offset
//! = offset at the last resume + real time since, times the speed.

use super::model::{Commit, Model};
use super::update::{Effect, rechain, record};
use crate::drill::{Act, Drill, Status};
use crate::log::events;
use crate::model::{Duration, Inject, Text};
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

    pub fn paused(&self) -> bool {
        self.since.is_none()
    }

    /// The drill clock at real time `real`.
    pub fn offset(&self, real: DateTime<Utc>) -> Duration {
        let run = self.since.map_or(0, |since| {
            u64::try_from((real - since).num_seconds()).unwrap_or(0)
        });
        Duration(self.base + run * u64::from(self.speed))
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

/// Moves the drill to the time of `real`: the model's clock becomes the
/// drill's plant time, and injects that fell due are recorded and shown.
pub fn tick(m: &mut Model, real: DateTime<Utc>, fx: &mut Vec<Effect>) {
    let Some(mode) = m.drill.as_mut() else { return };
    let offset = mode.offset(real);
    let due: Vec<&Inject> = mode.drill.advance(offset);
    m.now = mode.drill.time(offset);
    for inject in due {
        let strings = |refs: &[crate::model::Ref]| -> Vec<String> {
            refs.iter().map(|r| r.value.to_string()).collect()
        };
        let n = m.drill.as_ref().map_or(0, |d| d.shown.len() + 1);
        let event = events::inject(
            m.now.fixed_offset(),
            n,
            &inject.text,
            &strings(&inject.identities),
            &strings(&inject.unavailable),
            &inject
                .attack
                .iter()
                .map(|a| a.value.to_string())
                .collect::<Vec<_>>(),
        );
        record(m, event, Commit::Inject(inject), fx);
    }
}

/// Shows an inject whose log line is on disk, and marks its people unavailable.
pub fn show_inject<'r>(m: &mut Model<'r>, inject: &'r Inject, fx: &mut Vec<Effect>) {
    let Some(mode) = m.drill.as_mut() else { return };
    mode.shown.push((inject.at.value, inject));
    let attack: Vec<&str> = inject.attack.iter().map(|a| &*a.value).collect();
    let attack = if attack.is_empty() {
        String::new()
    } else {
        format!(" [{}]", attack.join(", "))
    };
    m.say(
        format!("INJECT +{}: {}{attack}", inject.at.value, inject.text),
        true,
    );
    fx.push(Effect::Bell);
    let mut gone = Vec::new();
    for person in &inject.unavailable {
        if !m.unavailable.iter().any(|p| **p == *person.value) {
            m.unavailable.push(person.value.to_string());
            gone.push(m.person_label(&person.value));
        }
    }
    if !gone.is_empty() {
        m.say(
            format!("{} cannot be reached from now on", gone.join(", ")),
            true,
        );
        rechain(m, fx);
    }
}

/// Judges a recorded decision in the drill, for the live score.
pub fn judge(m: &mut Model, taken: &super::model::Taken, acknowledged: Vec<Text>) {
    let Some(mode) = m.drill.as_mut() else { return };
    let at = Duration(u64::try_from((taken.at - mode.drill.start()).num_seconds()).unwrap_or(0));
    let (identity, state) = match &taken.subject {
        super::model::Subject::Identity(i) => {
            (Some(m.engine.runbook.identities[*i].id.value.clone()), None)
        }
        super::model::Subject::Declare(s) => (None, Some(s.clone())),
    };
    let act = Act {
        at: at.max(mode.drill.clock()),
        action: taken.action,
        identity,
        state,
        by: taken.by.clone(),
        acknowledged: Some(acknowledged),
        approved: taken.approved,
    };
    // The drill's clock never runs ahead of the console's: the decision is
    // at or after it.
    let _ = mode.drill.decide(act);
}
