//! A drill as decision-log events, built with the shared builders of
//! [`crate::log::events`] so that a headless drill, the console's drill mode
//! and replay read and write the same shapes. Every event is timed on the
//! plant clock: the drill's start plus its offset. Nothing here writes.

use super::judge::Judged;
use super::run::{Entry, Finished, instant_at};
use crate::log::Event;
use crate::log::events::{self, Deciding, Mode, Opening};
use crate::model::Scenario;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;

/// The runbook a drill log names in its `opened` event.
#[derive(Debug, Clone, Copy)]
pub struct LogSource<'a> {
    /// The runbook path as the scenario resolves it.
    pub runbook: &'a str,
    /// `Runbook::content_hash` of the runbook's files.
    pub runbook_hash: &'a str,
}

/// `opened` for a drill of `scenario` starting at `start` in `state`.
pub fn opened(scenario: &Scenario, source: LogSource, start: DateTime<Tz>, plant: &str) -> Event {
    let timezone = start.timezone().name().to_owned();
    events::opened(
        start.fixed_offset(),
        &Opening {
            runbook: source.runbook,
            runbook_hash: source.runbook_hash,
            plant,
            timezone: &timezone,
            mode: Mode::Drill,
            state: &scenario.start.state.value,
            rehearsal: false,
            scenario: Some(&scenario.id.value),
        },
    )
}

/// The events of one entry of a drill: an inject with a note for each
/// person it made unavailable; or a decision opened (with its frozen
/// chain), its acknowledged preconditions, the decision, and the state
/// change it made.
pub fn entry(scenario: &Scenario, start: DateTime<Tz>, taken: &[Judged], e: &Entry) -> Vec<Event> {
    match e {
        Entry::Inject {
            index,
            at,
            unavailable,
        } => {
            let at = instant_at(start, *at).fixed_offset();
            let inject = &scenario.injects[*index];
            let texts = |ids: &[crate::model::Ref]| -> Vec<String> {
                ids.iter().map(|i| i.value.to_string()).collect()
            };
            let attack: Vec<String> = inject.attack.iter().map(|a| a.value.to_string()).collect();
            let mut out = vec![events::inject(
                at,
                index + 1,
                &inject.text,
                &texts(&inject.identities),
                &texts(&inject.unavailable),
                &attack,
            )];
            out.extend(
                unavailable
                    .iter()
                    .map(|p| events::availability(at, p, false)),
            );
            out
        }
        Entry::Decision { index } => taken
            .get(*index)
            .map(|t| decision(t, instant_at(start, t.act.at).fixed_offset()))
            .unwrap_or_default(),
    }
}

fn decision(t: &Judged, at: DateTime<FixedOffset>) -> Vec<Event> {
    let j = &t.judgement;
    let mut out = vec![events::decision_opened(at, &t.id, &j.decision)];
    for p in j
        .decision
        .preconditions
        .iter()
        .filter(|p| !j.unacknowledged.contains(p))
    {
        out.push(events::acknowledged(at, &t.id, p));
    }
    let by: Vec<String> = t.act.by.iter().map(|p| p.to_string()).collect();
    let state = match &t.act.state {
        Some(declared) => declared.as_str(),
        None => t.state.as_str(),
    };
    out.push(events::decided(
        at,
        &Deciding {
            decision: &t.id,
            identity: t.act.identity.as_deref(),
            action: t.act.action.as_str(),
            state,
            by: &by,
            approved: t.act.approved,
            authorized: j.authorized,
            ahead_of_chain: j.ahead_of_chain,
            rule: j.decision.rule.as_deref(),
            preconditions_acknowledged: j.preconditions_acknowledged(),
            flags: &j.flags,
        },
    ));
    if t.declared {
        out.push(events::state_declared(
            at,
            state,
            &t.state,
            &by,
            j.authorized,
            Some(&t.id),
        ));
    }
    out
}

/// Every event of a finished drill, from `opened` to `closed`.
pub fn events(f: &Finished, source: LogSource) -> Vec<Event> {
    let mut out = vec![opened(
        f.scenario,
        source,
        f.start,
        &f.runbook.plant.id.value,
    )];
    for e in &f.entries {
        out.extend(entry(f.scenario, f.start, &f.taken, e));
    }
    out.push(events::closed(f.time(f.end).fixed_offset(), &[]));
    out
}
