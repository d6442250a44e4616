//! The console's steps, each a change of the model plus the effects it asks
//! for: open, acknowledge, escalate, decide, mark unavailable, quit, view.
//! Called by [`super::keys`] (a key), [`super::update`] (a tick, a synced
//! append, a drill's tick). The drill's own steps are in [`drill`].

mod drill;

use super::model::{
    Commit, Model, OpenDecision, Overlay, Screen, Settled, Subject, Viewing, people_ids,
};
use super::msg::Effect;
use crate::engine::{Decision, Verdict};
use crate::log::Event;
use crate::log::events::{self, Deciding, Reason};
use crate::model::{Action, Text};
use chrono::{DateTime, FixedOffset, TimeDelta};
use chrono_tz::Tz;
pub use drill::{drill_tick, judge, show_inject};

/// The time of an event: plant time now.
pub(crate) fn at(m: &Model) -> DateTime<FixedOffset> {
    m.now.fixed_offset()
}

/// Parks `commit` until `event` is synced.
pub(crate) fn record<'r>(
    m: &mut Model<'r>,
    event: Event,
    commit: Commit<'r>,
    fx: &mut Vec<Effect>,
) {
    m.pending.push_back(commit);
    fx.push(Effect::Append(Box::new(event)));
}

/// Shows a step whose log line is on disk.
pub(crate) fn apply<'r>(m: &mut Model<'r>, commit: Commit<'r>, fx: &mut Vec<Effect>) {
    match commit {
        Commit::Inject(inject) => show_inject(m, inject, fx),
        Commit::Open(open) => {
            if m.staged.as_ref().is_some_and(|s| s.id == open.id) {
                m.staged = None;
            }
            if let Some(Viewing::Preview(s, d)) = &m.viewing
                && *s == open.subject
                && d.action == open.decision.action
            {
                m.viewing = Some(Viewing::Open(open.id.clone()));
            }
            let first = open.decision.steps.get(open.level);
            let who = first.map_or(String::new(), |s| m.anyone_of(&people_ids(s)));
            m.say(format!("{} opened: calling {who}", open.id), false);
            m.open.push(*open);
        }
        Commit::Acknowledge { id, index } => {
            if let Some(d) = m.open.iter_mut().find(|d| d.id == id)
                && let Some(slot) = d.acknowledged.get_mut(index)
            {
                *slot = true;
            }
        }
        Commit::Escalate {
            id,
            level,
            rechained,
            message,
            pass,
        } => {
            if let Some(d) = m.open.iter_mut().find(|d| d.id == id) {
                if let Some(new) = rechained {
                    d.decision = *new;
                }
                d.level = level;
                if pass != d.pass {
                    d.pass = pass;
                    d.exhausted = false;
                }
            }
            m.say(message, true);
        }
        Commit::Decide(taken) => {
            m.open.retain(|d| d.id != taken.id);
            m.open_selected = m.open_selected.min(m.open.len().saturating_sub(1));
            if matches!(&m.viewing, Some(Viewing::Open(id)) if *id == taken.id) {
                m.viewing = None;
                // Back where the responder came from: the identity's
                // actions, the list of open decisions, the search.
                if m.screen == Screen::Decision {
                    m.screen = m.back;
                }
            }
            let who = m.people_label(&taken.by);
            let verdict = if taken.authorized {
                "authorized".to_owned()
            } else {
                format!("NOT AUTHORIZED ({})", taken.flags.join("; "))
            };
            let what = if taken.approved {
                "approved"
            } else {
                "declined"
            };
            m.say(
                format!(
                    "{} recorded: {who} {what} {} {}, {verdict}",
                    taken.id,
                    taken.action,
                    m.subject_label(&taken.subject)
                ),
                !taken.authorized,
            );
            let acknowledged = taken.acknowledged.clone();
            judge(m, &taken, acknowledged);
            m.taken.push(*taken);
        }
        Commit::State { state } => {
            m.say(format!("production state is now {state}"), true);
            m.state = state;
        }
        Commit::Availability { person, available } => {
            let name = m.person_label(&person);
            if available {
                m.unavailable.retain(|p| **p != *person);
                m.say(format!("{name} is available again"), false);
            } else if !m.unavailable.iter().any(|p| **p == *person) {
                m.unavailable.push(person.to_string());
                m.say(format!("{name} is marked unavailable"), false);
            }
        }
        Commit::Note(text) => m.say(format!("note: {text}"), false),
        Commit::Close => {
            m.quit = true;
            fx.push(Effect::Quit);
        }
    }
}

/// The last level that engages someone and has started by `now`.
pub fn level_at(d: &Decision, now: DateTime<Tz>) -> usize {
    d.steps
        .iter()
        .enumerate()
        .rfind(|(_, s)| !s.skipped && s.starts_at <= now)
        .map(|(i, _)| i)
        .unwrap_or_else(|| d.steps.iter().position(|s| !s.skipped).unwrap_or(0))
}

/// Records that decision `id` moved from level `from` to `to`, and tells
/// everyone: on screen, with the bell and a desktop notification.
pub fn escalate_to(
    m: &mut Model,
    id: &str,
    from: usize,
    to: usize,
    reason: Reason,
    rechained: Option<Decision>,
    fx: &mut Vec<Effect>,
) {
    let Some(open) = m.open_decision(id) else {
        return;
    };
    let chain = rechained.as_ref().unwrap_or(&open.decision);
    let Some(step) = chain.steps.get(to) else {
        return;
    };
    let people = people_ids(step);
    let who = m.anyone_of(&people);
    let before = open
        .decision
        .steps
        .get(from)
        .map_or(String::new(), |s| m.anyone_of(&people_ids(s)));
    let what = format!(
        "{} {}",
        open.decision.action,
        m.subject_label(&open.subject)
    );
    let why = match reason {
        Reason::Timeout => format!("{before} did not decide in time"),
        Reason::Manual => "escalated by hand".to_owned(),
        Reason::Unavailable => "people marked unavailable".to_owned(),
    };
    let phone = people
        .first()
        .and_then(|p| m.runbook().person(p))
        .and_then(|p| p.contact.phone.as_deref().or(p.contact.radio.as_deref()));
    let contact = phone.map(|c| format!(" on {c}")).unwrap_or_default();
    let message = format!("{id} level {}: call {who}{contact} ({why}; {what})", to + 1);
    let pass = open.pass;
    let event = events::escalated(
        at(m),
        id,
        to + 1,
        &people.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        reason,
        rechained.as_ref(),
        pass,
    );
    let commit = Commit::Escalate {
        id: id.to_owned(),
        level: to,
        rechained: rechained.map(Box::new),
        message: message.clone(),
        pass,
    };
    record(m, event, commit, fx);
    if reason == Reason::Timeout {
        fx.push(Effect::Bell);
        fx.push(Effect::Notify {
            summary: format!("andon: {id} level {}: {who}", to + 1),
            body: format!("{what}: {why}; call {who}{contact}"),
        });
    }
}

/// Moves every level of `chain` from `from` on by `shift` (each keeps its
/// length); offsets are counted from `opened`.
fn retime(chain: &mut Decision, from: usize, shift: TimeDelta, opened: DateTime<Tz>) {
    for step in chain.steps.iter_mut().skip(from) {
        // The shift is the console clock's distance from a level's start;
        // a level past the calendar's end (a hostile chain of thousands of
        // years) stays where it was rather than overflow.
        step.starts_at = step
            .starts_at
            .checked_add_signed(shift)
            .unwrap_or(step.starts_at);
        step.offset = u64::try_from((step.starts_at - opened).num_seconds()).unwrap_or(0);
    }
}

/// The chain of decision `id` ran out with nobody deciding and its rule
/// repeats it (`repeat`): it starts again from its first level, now, with
/// every level re-timed from now; said on screen, with the bell and a
/// desktop notification, and logged as an escalation with its pass.
pub fn restart(m: &mut Model, id: &str, fx: &mut Vec<Effect>) {
    let Some(open) = m.open_decision(id) else {
        return;
    };
    let mut chain = open.decision.clone();
    let first = chain.steps.iter().position(|s| !s.skipped).unwrap_or(0);
    let Some(shift) = chain.steps.get(first).map(|s| m.now - s.starts_at) else {
        return;
    };
    // Levels before the first engaged one (skipped) move with it.
    retime(&mut chain, 0, shift, open.opened_at);
    let pass = open.pass.saturating_add(1);
    let people = people_ids(&chain.steps[first]);
    let who = m.anyone_of(&people);
    let what = format!(
        "{} {}",
        open.decision.action,
        m.subject_label(&open.subject)
    );
    let passes = u16::from(chain.repeat) + 1;
    let message = format!(
        "{id}: nobody decided in the whole chain; it starts again (pass {} of {passes}): level {}: call {who} ({what})",
        pass + 1,
        first + 1,
    );
    let event = events::escalated(
        at(m),
        id,
        first + 1,
        &people.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        Reason::Timeout,
        Some(&chain),
        pass,
    );
    record(
        m,
        event,
        Commit::Escalate {
            id: id.to_owned(),
            level: first,
            rechained: Some(Box::new(chain)),
            message,
            pass,
        },
        fx,
    );
    fx.push(Effect::Bell);
    fx.push(Effect::Notify {
        summary: format!("andon: {id} starts again: {who}"),
        body: format!(
            "{what}: nobody decided; pass {} of {passes}, call {who}",
            pass + 1
        ),
    });
}

/// Opens a decision on the viewed subject, if it is not open yet; returns its id.
pub fn open_viewed(m: &mut Model, fx: &mut Vec<Effect>) -> Option<String> {
    match m.viewing.clone()? {
        Viewing::Open(id) => Some(id),
        Viewing::Preview(subject, decision) => {
            // Resolved again now: the chain frozen is the one at opening time.
            let decision = m.resolve(&subject, decision.action);
            let id = format!("D{}", m.next_id);
            m.next_id += 1;
            let level = level_at(&decision, m.now);
            let open = OpenDecision {
                pass: 0,
                frozen: None,
                id: id.clone(),
                subject,
                acknowledged: vec![false; decision.preconditions.len()],
                opened_at: m.now,
                level,
                exhausted: false,
                decision,
            };
            let event = events::decision_opened(at(m), &id, &open.decision);
            record(m, event, Commit::Open(Box::new(open.clone())), fx);
            // Shown as open once logged; until then the steps of this key
            // (tick, escalate, record) find it here.
            m.staged = Some(open);
            Some(id)
        }
    }
}

/// The open decision `id`, whether applied or still waiting for the log.
pub fn staged_or_open<'m>(m: &'m Model, id: &str) -> Option<&'m OpenDecision> {
    m.open_decision(id)
        .or_else(|| m.staged.as_ref().filter(|d| d.id == id))
}

/// Ticks precondition `index` of the viewed decision.
pub fn acknowledge(m: &mut Model, index: usize, fx: &mut Vec<Effect>) {
    let Some((d, open)) = m.viewed() else { return };
    let Some(text) = d.preconditions.get(index).cloned() else {
        return;
    };
    if open.is_some_and(|o| o.acknowledged.get(index) == Some(&true)) {
        return;
    }
    let Some(id) = open_viewed(m, fx) else { return };
    let event = events::acknowledged(at(m), &id, &text);
    record(m, event, Commit::Acknowledge { id, index }, fx);
}

/// Escalates the viewed decision by hand to its next level.
pub fn escalate_viewed(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(id) = open_viewed(m, fx) else { return };
    let Some(open) = staged_or_open(m, &id).cloned() else {
        return;
    };
    match open.next_level() {
        Some(next) => {
            // The level called now starts now, and every later one keeps
            // its length from there: the chain is re-timed, its people
            // stay as they were frozen when it opened.
            let mut chain = open.decision.clone();
            let shift = chain.steps.get(next).map(|s| m.now - s.starts_at);
            let retimed = match shift {
                Some(shift) if shift != TimeDelta::zero() => {
                    retime(&mut chain, next, shift, open.opened_at);
                    Some(chain)
                }
                _ => None,
            };
            escalate_to(m, &id, open.level, next, Reason::Manual, retimed, fx);
        }
        None => m.say(format!("{id}: there is no next level in the chain"), true),
    }
}

/// Records the decision on the viewed subject by `by`.
pub fn decide(m: &mut Model, by: Vec<Text>, approved: bool, fx: &mut Vec<Effect>) {
    let Some(id) = open_viewed(m, fx) else { return };
    let Some(open) = staged_or_open(m, &id).cloned() else {
        return;
    };
    m.staged = None;
    let d = &open.decision;
    let mut flags = Vec::new();
    match d.verdict {
        Verdict::Chain => {}
        Verdict::Forbidden => flags.push(format!(
            "forbidden by {}: {}",
            d.rules.join(", "),
            d.reasons.join("; ")
        )),
        Verdict::Ambiguous => flags.push(format!(
            "no rule decides: tied rules {}",
            d.rules.join(", ")
        )),
        Verdict::Uncovered if d.identity.is_none() => flags.push(format!(
            "the runbook names nobody who may declare state {}",
            d.state
        )),
        Verdict::Uncovered => flags.push("no rule covers this".to_owned()),
    }
    let level_of = |p: &str| {
        d.steps
            .iter()
            .position(|s| s.people.iter().any(|x| &*x.person == p))
    };
    let mut ahead = false;
    for p in &by {
        match level_of(p) {
            None => flags.push(format!("{} is not in the chain", m.person_label(p))),
            Some(l) if l > open.level => ahead = true,
            Some(_) => {}
        }
    }
    let mut distinct = by.clone();
    distinct.dedup();
    if d.two_person && distinct.len() < 2 {
        flags.push("two-person rule: a second decider is needed".to_owned());
    }
    let acknowledged = open.acknowledged.iter().all(|a| *a);
    let authorized = flags.is_empty();
    if !acknowledged {
        flags.push("preconditions not all acknowledged".to_owned());
    }
    let by_ids: Vec<String> = by.iter().map(|p| p.to_string()).collect();
    let (identity, state) = match &open.subject {
        Subject::Identity(i) => (
            Some(m.runbook().identities[*i].id.value.to_string()),
            m.state.to_string(),
        ),
        Subject::Declare(s) => (None, s.to_string()),
        Subject::Gone(id) => (Some(id.to_string()), open.decision.state.to_string()),
    };
    let event = events::decided(
        at(m),
        &Deciding {
            decision: &id,
            identity: identity.as_deref(),
            action: d.action.as_str(),
            state: &state,
            by: &by_ids,
            approved,
            authorized,
            ahead_of_chain: ahead,
            rule: d.rule.as_deref(),
            preconditions_acknowledged: acknowledged,
            flags: &flags,
        },
    );
    let acknowledged_texts = d
        .preconditions
        .iter()
        .zip(&open.acknowledged)
        .filter(|(_, a)| **a)
        .map(|(p, _)| p.clone())
        .collect();
    let taken = Settled {
        acknowledged: acknowledged_texts,
        id: id.clone(),
        subject: open.subject.clone(),
        action: d.action,
        at: m.now,
        by: by.clone(),
        approved,
        authorized,
        flags,
    };
    record(m, event, Commit::Decide(Box::new(taken)), fx);
    // A drill changes state only on an authorized declaration (as `drill
    // run` judges it); a live console records what the plant did.
    let takes_effect = approved && (authorized || m.drill.is_none());
    if let (Subject::Declare(state), true) = (&open.subject, takes_effect) {
        let event = events::state_declared(at(m), state, &m.state, &by_ids, authorized, Some(&id));
        record(
            m,
            event,
            Commit::State {
                state: state.clone(),
            },
            fx,
        );
    }
}

/// Logs a free-text note (empty notes are not logged).
pub fn note(m: &mut Model, text: String, fx: &mut Vec<Effect>) {
    if text.is_empty() {
        return;
    }
    let event = events::note(at(m), &text);
    record(m, event, Commit::Note(text), fx);
}

/// Marks `person` unavailable (or available again) and re-resolves every
/// open decision from its current level.
pub fn toggle_availability(m: &mut Model, person: Text, fx: &mut Vec<Effect>) {
    let available = m.unavailable.iter().any(|p| **p == *person);
    let event = events::availability(at(m), &person, available);
    record(
        m,
        event,
        Commit::Availability {
            person: person.clone(),
            available,
        },
        fx,
    );
    let saved = m.unavailable.clone();
    if available {
        m.unavailable.retain(|p| **p != *person);
    } else {
        m.unavailable.push(person.to_string());
    }
    rechain(m, fx);
    m.unavailable = saved;
}

/// Re-resolves every open decision with the people unavailable now, from
/// the time it was opened, and moves on from its current level where the
/// chain changed.
pub(crate) fn rechain(m: &mut Model, fx: &mut Vec<Effect>) {
    let mut changes = Vec::new();
    // A chain the log froze under another runbook is kept as it is.
    for open in m.open.iter().filter(|o| o.frozen.is_none()) {
        let mut new = m.resolve_at(&open.subject, open.decision.action, open.opened_at);
        // A chain re-timed in the session (escalated by hand, a repeated
        // pass) stays re-timed: the level called now keeps its start, and
        // the later ones their lengths from it.
        if let (Some(old), Some(fresh)) = (
            open.decision.steps.get(open.level),
            new.steps.get(open.level),
        ) {
            let shift = old.starts_at - fresh.starts_at;
            if shift != TimeDelta::zero() {
                retime(&mut new, open.level, shift, open.opened_at);
            }
        }
        if new.steps == open.decision.steps {
            continue;
        }
        let last = new.steps.len().saturating_sub(1);
        let mut level = level_at(&new, m.now).max(open.level).min(last);
        if new.steps.get(level).is_some_and(|s| s.skipped) {
            level = (level..new.steps.len())
                .find(|&i| !new.steps[i].skipped)
                .unwrap_or(level);
        }
        changes.push((open.id.clone(), open.level, level, new));
    }
    for (id, from, to, new) in changes {
        escalate_to(m, &id, from, to, Reason::Unavailable, Some(new), fx);
    }
}

/// Asks to quit: at once when nothing is open, else through the `y`/`n` box.
pub fn quit(m: &mut Model, fx: &mut Vec<Effect>) {
    if m.open.is_empty() || m.overlay == Some(Overlay::Quit) {
        let open: Vec<String> = m.open.iter().map(|d| d.id.clone()).collect();
        let event = events::closed(at(m), &open);
        record(m, event, Commit::Close, fx);
    } else {
        m.overlay = Some(Overlay::Quit);
    }
}

/// Shows `action` on `subject`: the open decision if there is one, else a
/// preview resolved now.
pub fn view(m: &mut Model, subject: Subject, action: Action) {
    m.viewing = Some(match m.open_on(&subject, action) {
        Some(open) => Viewing::Open(open.id.clone()),
        None => Viewing::Preview(subject.clone(), Box::new(m.resolve(&subject, action))),
    });
    if m.screen != Screen::Decision {
        m.back = m.screen;
    }
    m.screen = Screen::Decision;
}
