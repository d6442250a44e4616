//! The drill state machine: one run of a scenario on a clock it is given,
//! never one it reads. The headless `andon drill run` drives it from a
//! responses file; the console's drill mode drives it from the keyboard.
//!
//! Advancing the clock shows the injects that fall due (in time order; at
//! equal times, in file order) and takes away the people they make
//! unavailable. Recording a decision first advances the clock to it, so an
//! inject at the same offset comes first; then the decision is judged
//! ([`super::judge`]) against the runbook resolved at that moment: at the
//! decision's plant time, in the production state of that moment, with the
//! unavailability injected so far. Its chain's levels are then read against
//! the drill clock, every question being open from the drill's start (the
//! deadlines count from there too): a level is reached once the clock has
//! passed its offset, and a decider from a later level decided ahead of the
//! chain. An approved and authorized `declare` changes the production state
//! for the decisions after it.

use super::judge::{self, Act, Judged, ObjectiveRating, Score};
use crate::engine::{Decision, Engine, Query};
use crate::model::{Action, Duration, Expectation, Inject, Runbook, Scenario, Text};
use chrono::DateTime;
use chrono_tz::Tz;

/// Plant time at `offset` on the drill clock of a drill started at `start`.
/// Past chrono's last representable instant (the year 262143, which only a
/// hostile file reaches), the start itself rather than a panic.
pub fn instant_at(start: DateTime<Tz>, offset: Duration) -> DateTime<Tz> {
    start
        .checked_add_signed(offset.to_chrono())
        .unwrap_or(start)
}

/// What happened during a drill, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// An inject was shown.
    Inject {
        /// Index in the scenario's injects (file order).
        index: usize,
        at: Duration,
        /// People it made unavailable who were not already.
        unavailable: Vec<Text>,
    },
    /// A decision was taken (index in [`Drill::taken`]).
    Decision { index: usize },
}

/// A decision could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrillError {
    #[error("a decision at +{at} comes after the drill clock reached +{now}")]
    InThePast { at: Duration, now: Duration },
}

/// One run of a scenario.
#[derive(Clone)]
pub struct Drill<'a> {
    scenario: &'a Scenario,
    engine: &'a Engine<'a>,
    start: DateTime<Tz>,
    clock: Duration,
    /// Inject indices in the order they fall due.
    order: Vec<usize>,
    shown: usize,
    unavailable: Vec<String>,
    state: Text,
    taken: Vec<Judged>,
    entries: Vec<Entry>,
}

impl<'a> Drill<'a> {
    /// A drill of `scenario` on `engine` (built over the scenario's
    /// runbook), with its clock at the start and nothing shown yet.
    pub fn new(scenario: &'a Scenario, engine: &'a Engine<'a>) -> Drill<'a> {
        let tz = engine.runbook.plant.timezone.value;
        let mut order: Vec<usize> = (0..scenario.injects.len()).collect();
        order.sort_by_key(|&i| scenario.injects[i].at.value);
        Drill {
            scenario,
            engine,
            start: scenario.start.at.value.instant(tz),
            clock: Duration(0),
            order,
            shown: 0,
            unavailable: Vec::new(),
            state: scenario.start.state.value.clone(),
            taken: Vec::new(),
            entries: Vec::new(),
        }
    }

    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// Plant time of the drill's start.
    pub fn start(&self) -> DateTime<Tz> {
        self.start
    }

    /// Plant time at `offset` on the drill clock.
    pub fn time(&self, offset: Duration) -> DateTime<Tz> {
        instant_at(self.start, offset)
    }

    /// The drill clock, from the start.
    pub fn clock(&self) -> Duration {
        self.clock
    }

    /// The production state now.
    pub fn state(&self) -> &Text {
        &self.state
    }

    /// Everyone the injects shown so far made unavailable.
    pub fn unavailable(&self) -> &[String] {
        &self.unavailable
    }

    /// The decisions taken so far.
    pub fn taken(&self) -> &[Judged] {
        &self.taken
    }

    /// What happened so far, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// When the next inject falls due, if one is left (for "next inject").
    pub fn next_inject(&self) -> Option<Duration> {
        self.order
            .get(self.shown)
            .map(|&i| self.scenario.injects[i].at.value)
    }

    /// Moves the clock to `to` (never back) and returns the injects that
    /// fell due, in order.
    pub fn advance(&mut self, to: Duration) -> Vec<&'a Inject> {
        let mut due = Vec::new();
        self.clock = self.clock.max(to);
        while let Some(&index) = self.order.get(self.shown) {
            let inject = &self.scenario.injects[index];
            if inject.at.value > self.clock {
                break;
            }
            self.shown += 1;
            let mut gone = Vec::new();
            for person in &inject.unavailable {
                if !self.unavailable.iter().any(|p| p == person.value.as_str()) {
                    self.unavailable.push(person.value.to_string());
                    gone.push(person.value.clone());
                }
            }
            self.entries.push(Entry::Inject {
                index,
                at: inject.at.value,
                unavailable: gone,
            });
            due.push(inject);
        }
        due
    }

    /// The chain for `action` on `identity` (or declaring `state`) as the
    /// runbook resolves it now: at the clock's plant time, in the current
    /// production state, with the unavailability so far.
    pub fn resolve(&self, action: Action, identity: Option<&str>, state: Option<&str>) -> Decision {
        let at = self.time(self.clock);
        self.resolve_with(
            action,
            identity,
            state,
            (&self.state, at),
            &self.unavailable,
        )
    }

    fn resolve_with(
        &self,
        action: Action,
        identity: Option<&str>,
        declared: Option<&str>,
        (state, at): (&str, DateTime<Tz>),
        unavailable: &[String],
    ) -> Decision {
        match identity {
            Some(identity) if action != Action::Declare => self.engine.resolve(&Query {
                identity,
                action,
                state,
                at,
                unavailable,
            }),
            _ => self
                .engine
                .declare(declared.unwrap_or(state), at, unavailable),
        }
    }

    /// Records `act` at its time: advances the clock to it, judges it, and
    /// changes the production state when it is an approved, authorized
    /// `declare`. A decision before the clock is refused.
    pub fn decide(&mut self, act: Act) -> Result<&Judged, DrillError> {
        if act.at < self.clock {
            return Err(DrillError::InThePast {
                at: act.at,
                now: self.clock,
            });
        }
        self.advance(act.at);
        let decision = self.resolve(act.action, act.identity.as_deref(), act.state.as_deref());
        let mut judgement = judge::judge(decision, &act);
        for person in &act.by {
            if let Some(at) = self.gone_at(person) {
                judgement
                    .flags
                    .push(format!("`{person}` was made unavailable at +{at}"));
            }
        }
        let declared = act.action == Action::Declare
            && act.approved
            && judgement.authorized
            && act.state.as_ref().is_some_and(|s| *s != self.state);
        let state = self.state.clone();
        if declared && let Some(new) = &act.state {
            self.state = new.clone();
        }
        let index = self.taken.len();
        self.taken.push(Judged {
            id: format!("D{}", index + 1),
            act,
            state,
            unavailable: self.unavailable.clone(),
            judgement,
            declared,
        });
        self.entries.push(Entry::Decision { index });
        Ok(&self.taken[index])
    }

    /// When an inject shown so far made `person` unavailable.
    fn gone_at(&self, person: &str) -> Option<Duration> {
        self.entries.iter().find_map(|e| match e {
            Entry::Inject {
                at, unavailable, ..
            } if unavailable.iter().any(|p| p.as_str() == person) => Some(*at),
            _ => None,
        })
    }

    /// Each expectation's score as if the drill ended now.
    pub fn scores(&self) -> Vec<Score> {
        let runbook = self.engine.runbook;
        self.scenario
            .expect
            .iter()
            .map(|e| judge::score(runbook, e, &self.taken))
            .collect()
    }

    /// The chain an expectation is measured against: its counted
    /// decision's, or else, as `drill check` resolves it, the one at the
    /// drill's start with everyone made unavailable by its deadline, in its
    /// `state` (or the start state).
    pub fn chain(&self, e: &Expectation, score: &Score) -> Decision {
        if let Some(t) = score.decision.and_then(|i| self.taken.get(i)) {
            return t.judgement.decision.clone();
        }
        let unavailable: Vec<String> = self
            .scenario
            .injects
            .iter()
            .filter(|i| i.at.value <= e.within.value)
            .flat_map(|i| i.unavailable.iter().map(|p| p.value.to_string()))
            .collect();
        let start_state = &self.scenario.start.state.value;
        let state = match e.action.value {
            Action::Declare => start_state,
            _ => e.state.as_ref().map_or(start_state, |s| &s.value),
        };
        let identity = e.identity.as_ref().map(|i| i.value.as_str());
        let declared = e.state.as_ref().map(|s| s.value.as_str());
        self.resolve_with(
            e.action.value,
            identity,
            declared,
            (state, self.start),
            &unavailable,
        )
    }

    /// When the drill ends: the last inject, decision or deadline.
    pub fn end(&self) -> Duration {
        let injects = self.scenario.injects.iter().map(|i| i.at.value);
        let deadlines = self.scenario.expect.iter().map(|e| e.within.value);
        let decisions = self.taken.iter().map(|t| t.act.at);
        injects
            .chain(deadlines)
            .chain(decisions)
            .chain([self.clock])
            .max()
            .unwrap_or_default()
    }

    /// Ends the drill: shows the injects still due, then scores every
    /// expectation and rates every objective.
    pub fn finish(mut self) -> Finished<'a> {
        let end = self.end();
        self.advance(end);
        let scores = self.scores();
        let chains = self
            .scenario
            .expect
            .iter()
            .zip(&scores)
            .map(|(e, s)| self.chain(e, s))
            .collect();
        let ratings = self
            .scenario
            .objectives
            .iter()
            .map(|o| judge::rate(o, &scores))
            .collect();
        Finished {
            scenario: self.scenario,
            runbook: self.engine.runbook,
            start: self.start,
            end,
            start_state: self.scenario.start.state.value.clone(),
            state: self.state,
            unavailable: self.unavailable,
            taken: self.taken,
            entries: self.entries,
            scores,
            chains,
            ratings,
        }
    }
}

/// A drill that has ended, scored.
#[derive(Debug, Clone)]
pub struct Finished<'a> {
    pub scenario: &'a Scenario,
    pub runbook: &'a Runbook,
    pub start: DateTime<Tz>,
    /// The drill clock at the end.
    pub end: Duration,
    pub start_state: Text,
    /// The production state at the end.
    pub state: Text,
    pub unavailable: Vec<String>,
    pub taken: Vec<Judged>,
    pub entries: Vec<Entry>,
    /// One per expectation, in the scenario's order.
    pub scores: Vec<Score>,
    /// The chain each expectation was measured against (same order).
    pub chains: Vec<Decision>,
    /// One per objective, in the scenario's order.
    pub ratings: Vec<ObjectiveRating>,
}

impl Finished<'_> {
    /// Whether every expectation is met.
    pub fn met(&self) -> bool {
        self.scores.iter().all(|s| s.status == judge::Status::Met)
    }

    /// Plant time at `offset` on the drill clock.
    pub fn time(&self, offset: Duration) -> DateTime<Tz> {
        instant_at(self.start, offset)
    }
}

/// Plays every decision of `acts` (sorted by time, ties in order) on a
/// drill of `scenario` and ends it.
pub fn play<'a>(
    scenario: &'a Scenario,
    engine: &'a Engine<'a>,
    mut acts: Vec<Act>,
) -> Finished<'a> {
    acts.sort_by_key(|a| a.at);
    let mut drill = Drill::new(scenario, engine);
    drill.advance(Duration(0));
    for act in acts {
        // Sorted by time: no decision is before the clock.
        let _ = drill.decide(act);
    }
    drill.finish()
}
