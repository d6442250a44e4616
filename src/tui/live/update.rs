//! Every change to the console goes through [`update`]: a key, a clock tick
//! or the answer of the log turns into a new model and a list of effects
//! for the event loop (append to the log, ring the bell, notify, write the
//! report, quit).
//!
//! A step that must be recorded is not applied at once: `update` asks for a
//! log append and parks the step in `Model::pending`; the event loop appends
//! and syncs, then answers with [`Msg::Logged`], and only then is the step
//! applied and shown. A failed append leaves the screen as it was and says
//! so.

use super::keys;
use super::model::{Commit, Model, Overlay};
pub use super::msg::{Effect, Msg};
use super::steps::{apply, escalate_to, level_at, quit, restart};
use crate::log::events::Reason;
use chrono::{DateTime, SubsecRound, Utc};

/// Applies one message.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => keys::key(m, key, &mut fx),
        Msg::Tick(now) => tick(m, now, &mut fx),
        Msg::Logged(result) => logged(m, result, &mut fx),
        Msg::NotShared(why) => {
            if let Some(Commit::Open(open)) = m.pending.pop_front()
                && m.staged.as_ref().is_some_and(|s| s.id == open.id)
            {
                m.staged = None;
            }
            if let Some(why) = why {
                m.say(format!("not recorded: {why}"), true);
            }
        }
        Msg::NotificationsOff(why) => {
            if m.notifications == super::model::Notifications::On {
                m.say(format!("desktop notifications are off: {why}"), false);
                m.notifications = super::model::Notifications::Off(why);
            }
        }
        Msg::Terminate => {
            m.overlay = Some(Overlay::Quit);
            quit(m, &mut fx);
        }
        Msg::Reported(Ok(path)) => m.say(format!("report written: {path}"), false),
        Msg::Reported(Err(e)) => m.say(format!("the report could not be written: {e}"), true),
    }
    m.refresh_offered();
    m.refresh_preview();
    fx
}

fn logged(m: &mut Model, result: Result<u64, String>, fx: &mut Vec<Effect>) {
    let Some(commit) = m.pending.pop_front() else {
        return;
    };
    match result {
        Ok(seq) => {
            m.logged = seq;
            m.log_error = None;
            apply(m, commit, fx);
        }
        // Quitting never waits on a log that cannot be written (a full
        // disk, a lost mount): the session ends without `closed`, and the
        // command line says why once the terminal is restored.
        Err(e) if matches!(commit, super::model::Commit::Close) => {
            m.log_error = Some(e);
            m.quit = true;
            fx.push(Effect::Quit);
        }
        Err(e) => {
            m.say(
                format!("NOT RECORDED: the log could not be written: {e}"),
                true,
            );
            m.log_error = Some(e);
            fx.push(Effect::Bell);
        }
    }
}

/// Moves open decisions whose level's time has run out.
fn tick(m: &mut Model, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
    // Milliseconds are enough for a log read by people.
    let now = now.trunc_subsecs(3);
    m.real = now;
    if m.drill.is_some() {
        super::steps::drill_tick(m, now, fx);
    } else {
        m.now = now.with_timezone(&m.tz);
    }
    let mut moves = Vec::new();
    let mut restarts = Vec::new();
    let mut ran_out_said = Vec::new();
    for d in &mut m.open {
        let reached = level_at(&d.decision, m.now).max(d.level);
        let ran_out = d.next_level().is_none() && d.runs_out_at().is_some_and(|t| t <= m.now);
        if reached > d.level && !pending_escalation(&m.pending, &d.id) {
            moves.push((d.id.clone(), d.level, reached));
        } else if ran_out && d.pass < d.decision.repeat {
            if !pending_escalation(&m.pending, &d.id) {
                restarts.push(d.id.clone());
            }
        } else if !d.exhausted
            && d.next_level().is_none()
            && d.runs_out_at().is_some_and(|t| t <= m.now)
        {
            d.exhausted = true;
            let text = format!(
                "{}: the chain has run out and nobody has decided: escalate by hand (x) or record who decided (r)",
                d.id
            );
            ran_out_said.push(text);
            fx.push(Effect::Bell);
        }
    }
    for text in ran_out_said {
        m.say(text, true);
    }
    for (id, from, to) in moves {
        escalate_to(m, &id, from, to, Reason::Timeout, None, fx);
    }
    for id in restarts {
        restart(m, &id, fx);
    }
}

/// Whether an escalation of `id` is already waiting for the log.
fn pending_escalation(pending: &std::collections::VecDeque<Commit<'_>>, id: &str) -> bool {
    pending
        .iter()
        .any(|c| matches!(c, Commit::Escalate { id: i, .. } if i == id))
}

#[cfg(test)]
#[path = "update_tests.rs"]
pub(crate) mod tests;
