//! Walking the on-call schedules over a horizon: the windows in which a
//! chain's answer stays the same, the gaps in which it yields nobody, how
//! long a chain takes to reach someone who can decide, and which chains the
//! critical identities of a plant depend on. Shared by lint (GR004, GR007)
//! and `andon coverage`.
//!
//! ## Why walking schedule boundaries is exact
//!
//! A chain asked at `t` engages level *k* at `t + o_k`, where the offset
//! `o_k` sums the times of the non-skipped levels before it (a skipped level
//! takes no time). [`schedule::next_change`] promises that a role's on-call
//! answer at `x` holds on `[x, c)`, `c` its next change. Walk the chain at
//! `t`, and let `n` be the least `c_k - o_k` over the levels it reached,
//! `c_k` the next change of level *k*'s role after `t + o_k`. For every `t'`
//! in `[t, n)`, by induction on *k*: the levels before *k* yield the same
//! people at `t'` as at `t`, so they are skipped or not alike and `o_k` is
//! the same; then `t' + o_k` lies in `[t + o_k, c_k)`, so level *k* yields
//! the same people too. People named in person and `backup` chains do not
//! depend on time. So the answer is constant on `[t, n)`, and the walk goes
//! from one such `n` to the next: as many steps as there are boundaries
//! `b - o` (a schedule change `b` seen through an offset `o`), never minute
//! by minute. Schedules are wall-clock (a 06:00 handoff stays at 06:00 across
//! daylight-saving changes); offsets are elapsed time, as in resolution.
//!
//! For gaps alone a simpler rule holds: when every level is skipped, every
//! offset is zero, so a chain yields nobody at `t` exactly when each level
//! of its expanded chain yields nobody at `t` itself. Offsets matter for who
//! is engaged and when, which coverage and GR007 need; so one walk serves all.
//!
//! ## Time to first decider
//!
//! Skipped levels take no time, so a chain that reaches anyone has its first
//! engaged person at once. What can keep a decision waiting is who may make
//! it: a `two_person` chain that is not `pre_approved` acts when its second,
//! distinct decider is engaged; on a vendor session, people reached through
//! a `vendor` role do not count (they would approve their own session,
//! GR006). [`first_decider`] measures that wait.
//!
//! ## Critical identities, grouped
//!
//! Identities touching a `high` or `safety` system are grouped by what
//! selectors can see of them ([`Critical`]); each group asks steps 1 to 4 of
//! resolution once per state and action, and each winning chain is walked
//! once, however many identities share it.
//!
//! Nothing here reads the clock or does I/O.

mod decider;
pub use decider::{Quorum, cuts, first_decider, first_deciding_step};
mod likeness;
pub use likeness::{Alike, Critical, Group};
mod coverage;
pub use coverage::{Answer, AnswerGroup, ChainFacts, Coverage, Gap, window_text};

use super::Engine;
use super::people::{Decider, level_people};
use super::resolve::Step;
use super::schedule;
use crate::model::{Level, Runbook, Target, Text};
use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use std::collections::HashMap;

/// How far past the horizon's end role changes are kept: chains engage
/// their later levels after the question's time.
const SLACK: TimeDelta = TimeDelta::days(1);
/// At most this many windows per chain or role: a bound that no real
/// schedule reaches in a year, so that no input can make a walk run away.
const MAX_WINDOWS: usize = 200_000;

/// In an emergency, the longest acceptable wait for the first decider (GR007).
pub const EMERGENCY_FIRST_DECIDER: u64 = 15 * 60;

/// A stretch `[from, to)` of the horizon over which a chain's answer stays
/// the same.
#[derive(Debug, Clone)]
pub struct Window {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// The chain as resolved at `from` (and at every instant of the window,
    /// up to the start times of its steps).
    pub steps: Vec<Step>,
}

impl Window {
    /// Every level is skipped: nobody at all can be reached.
    pub fn yields_nobody(&self) -> bool {
        self.steps.iter().all(|s| s.skipped)
    }

    /// The targets of the steps (roles and people), without duplicates, in order.
    pub fn targets(&self) -> Vec<&Text> {
        let mut out: Vec<&Text> = Vec::new();
        for step in &self.steps {
            let id = &step.target.id().value;
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// Who is on call for a role over `[from, to)`.
#[derive(Debug, Clone)]
pub struct RoleWindow {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// After backups; empty in a gap.
    pub people: Vec<Decider>,
}

/// The change points of one role's schedule, kept for quick look-ups.
#[derive(Debug, Clone)]
struct Changes {
    /// Sorted change instants after the horizon's start; the last one is at
    /// or past `end` unless the schedule stops changing.
    at: Vec<DateTime<Tz>>,
    /// Look-ups of instants in `[horizon start, end)` are answered from `at`.
    end: DateTime<Tz>,
}

/// A horizon `[from, to)` of one runbook, with every role's schedule
/// changes in it worked out once.
pub struct Horizon<'a> {
    engine: &'a Engine<'a>,
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// By role index; `None` for roles without a schedule (they never change).
    changes: Vec<Option<Changes>>,
    /// Windows of each distinct chain asked so far.
    chains: HashMap<ChainKey, Vec<Window>>,
}

/// What makes two chains the same: their levels' targets and times.
type ChainKey = Vec<(bool, Text, Option<u64>)>;

fn chain_key(levels: &[Level]) -> ChainKey {
    levels
        .iter()
        .map(|l| {
            (
                matches!(l.target, Target::Role(_)),
                l.target.id().value.clone(),
                l.after.map(|a| a.value.secs()),
            )
        })
        .collect()
}

impl<'a> Horizon<'a> {
    pub fn new(engine: &'a Engine<'a>, from: DateTime<Tz>, to: DateTime<Tz>) -> Horizon<'a> {
        let tz = engine.runbook.plant.timezone.value;
        let end = to.checked_add_signed(SLACK).unwrap_or(to);
        let changes = engine
            .runbook
            .roles
            .iter()
            .map(|role| {
                role.schedule.as_ref()?;
                let mut at = Vec::new();
                let mut x = from;
                while let Some(next) = schedule::next_change(role, tz, x) {
                    at.push(next);
                    if next >= end || at.len() >= MAX_WINDOWS {
                        break;
                    }
                    x = next;
                }
                let end = at.last().map_or(end, |last| (*last).max(from).min(end));
                Some(Changes { at, end })
            })
            .collect();
        Horizon {
            engine,
            from,
            to,
            changes,
            chains: HashMap::new(),
        }
    }

    pub fn runbook(&self) -> &'a Runbook {
        self.engine.runbook
    }

    /// The plant's time zone.
    pub fn tz(&self) -> Tz {
        self.engine.runbook.plant.timezone.value
    }

    /// The next instant after `after` at which role `role`'s on-call answer
    /// may change ([`schedule::next_change`], from the kept changes when it can).
    fn next_change(&self, role: usize, after: DateTime<Tz>) -> Option<DateTime<Tz>> {
        let changes = self.changes.get(role)?.as_ref()?;
        if after < self.from || after >= changes.end {
            let role = &self.engine.runbook.roles[role];
            return schedule::next_change(role, self.tz(), after);
        }
        let i = changes.at.partition_point(|c| *c <= after);
        changes.at.get(i).copied()
    }

    /// When the answer of `step` (engaged `step.starts_at - t` after a
    /// question at `t`) may change, as a question time.
    fn step_change(&self, step: &Step, t: DateTime<Tz>) -> Option<DateTime<Tz>> {
        let Target::Role(id) = &step.target else {
            return None;
        };
        let role = *self.engine.runbook.index.roles.get(&id.value)?;
        let change = self.next_change(role, step.starts_at)?;
        // `change > step.starts_at >= t` (a next change is after the instant
        // asked, a step starts at or after its question), so the difference
        // is at least `t`: checked all the same.
        change.checked_sub_signed(step.starts_at.signed_duration_since(t))
    }

    /// The maximal windows of the horizon over which a chain of `levels`
    /// (extended through `escalates_to`, as in resolution) gives the same
    /// people at every level, everyone available. Worked out once per
    /// distinct chain; the steps' `why` texts say "chain", not a rule.
    pub fn windows(&mut self, levels: &[Level]) -> &[Window] {
        let key = chain_key(levels);
        if !self.chains.contains_key(&key) {
            let windows = self.walk(levels);
            self.chains.insert(key.clone(), windows);
        }
        self.chains.get(&key).map_or(&[], Vec::as_slice)
    }

    fn walk(&self, levels: &[Level]) -> Vec<Window> {
        let mut out: Vec<Window> = Vec::new();
        let mut t = self.from;
        while t < self.to {
            let steps = self.engine.walk(levels, "chain", t, &[], 0);
            let next = steps
                .iter()
                .filter_map(|s| self.step_change(s, t))
                .min()
                .map_or(self.to, |n| n.min(self.to));
            let full = out.len() >= MAX_WINDOWS;
            match out.last_mut() {
                Some(last) if same_answer(&last.steps, &steps) => last.to = next,
                _ if full => break,
                _ => out.push(Window {
                    from: t,
                    to: next,
                    steps,
                }),
            }
            t = next;
        }
        if let Some(last) = out.last_mut() {
            last.to = self.to;
        }
        out
    }

    /// Who is on call for role `role` (by index) over the horizon, backups
    /// included, in maximal windows.
    pub fn role_windows(&self, role: usize) -> Vec<RoleWindow> {
        let rb = self.engine.runbook;
        let Some(r) = rb.roles.get(role) else {
            return Vec::new();
        };
        let target = Target::Role(r.id.clone());
        let mut out: Vec<RoleWindow> = Vec::new();
        let mut t = self.from;
        while t < self.to {
            let people = level_people(rb, &target, t, &[]);
            let next = self
                .next_change(role, t)
                .map_or(self.to, |n| n.min(self.to));
            let full = out.len() >= MAX_WINDOWS;
            match out.last_mut() {
                Some(last) if same_people(&last.people, &people) => last.to = next,
                _ if full => break,
                _ => out.push(RoleWindow {
                    from: t,
                    to: next,
                    people,
                }),
            }
            t = next;
        }
        if let Some(last) = out.last_mut() {
            last.to = self.to;
        }
        out
    }
}

fn same_people(a: &[Decider], b: &[Decider]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.person == y.person)
}

/// Same levels, same offsets, same people: the same answer for a responder.
fn same_answer(a: &[Step], b: &[Step]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.offset == y.offset
                && x.skipped == y.skipped
                && x.target == y.target
                && same_people(&x.people, &y.people)
        })
}

#[cfg(test)]
mod tests;
