//! Who of each role is on call, remembered per role for the stretch of time
//! in which the answer holds.
//!
//! [`schedule::on_call`] is exact but not cheap: each layer's next handoff
//! is looked for across the plant clock's jumps, hour by hour over days.
//! Yet the answer only changes at a handoff: [`schedule::next_change`]
//! promises that `on_call` at `t` holds on `[t, next_change)`, the same
//! people for the same reasons until the same end. So each role keeps the
//! last answer with that stretch, and a question inside it (every level of
//! every chain asked in the same shift turn) reads it back; a question
//! outside it, earlier or later, asks the schedule again and keeps that.
//! The answers are the schedule's own, only not computed twice.

use super::schedule::{self, OnCall};
use crate::model::Runbook;
use chrono::DateTime;
use chrono_tz::Tz;
use std::sync::{Arc, Mutex};

/// One role's last answer and the stretch `[from, until)` it holds for
/// (`until` `None`: for good).
struct Held {
    from: DateTime<Tz>,
    until: Option<DateTime<Tz>>,
    people: Arc<[OnCall]>,
}

impl Held {
    fn covers(&self, at: DateTime<Tz>) -> bool {
        self.from <= at && self.until.is_none_or(|u| at < u)
    }
}

/// The last answer of each role (by its position in `runbook.roles`).
pub struct OnCallCache {
    roles: Vec<Mutex<Option<Held>>>,
    /// Off: every question asks the schedule (tests compare the two).
    off: bool,
}

impl OnCallCache {
    pub fn new(runbook: &Runbook) -> OnCallCache {
        OnCallCache {
            roles: runbook.roles.iter().map(|_| Mutex::new(None)).collect(),
            off: false,
        }
    }

    /// A cache that remembers nothing: every question asks the schedule.
    #[cfg(test)]
    pub fn off() -> OnCallCache {
        OnCallCache {
            roles: Vec::new(),
            off: true,
        }
    }

    /// Who is on call for role `role` at `at`: [`schedule::on_call`]'s answer.
    pub fn on_call(&self, runbook: &Runbook, role: usize, at: DateTime<Tz>) -> Arc<[OnCall]> {
        let Some(r) = runbook.roles.get(role) else {
            return Arc::from([]);
        };
        let tz = runbook.plant.timezone.value;
        // A poisoned slot (a panic elsewhere while it was held) is not read.
        let slot = self.roles.get(role).and_then(|m| m.lock().ok());
        let Some(mut slot) = slot.filter(|_| !self.off) else {
            return schedule::on_call(r, tz, at).into();
        };
        if let Some(held) = slot.as_ref().filter(|h| h.covers(at)) {
            return Arc::clone(&held.people);
        }
        let people: Arc<[OnCall]> = schedule::on_call(r, tz, at).into();
        *slot = Some(Held {
            from: at,
            until: schedule::next_change(r, tz, at),
            people: Arc::clone(&people),
        });
        people
    }
}
