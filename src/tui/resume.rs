//! Resuming an incident from its log (`andon console --resume LOG`): after
//! an SSH session dropped, a crash or a reboot, the console comes back with
//! the production state, the people unavailable, the decisions taken and
//! the open decisions where the log left them, and goes on appending to
//! the same log.
//!
//! The log holds each open decision's question and frozen chain; the
//! chain's full form (shift ends, backups, why) is resolved again from the
//! question, at the time and with the unavailability it was resolved with.
//! When the runbook changed since, the chain can differ from the log's: the
//! decision keeps the new answer and the console says so.

use super::model::{Model, OpenDecision, Settled, Subject};
use crate::engine::{Decision, Engine, Query};
use crate::log::replay::{Moment, Open};
use crate::model::{Action, Text};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;

/// Puts `moment` (the last moment of a log) into a fresh console model.
/// Returns what the console should say about it, one line each.
pub fn restore(m: &mut Model, moment: &Moment) -> Vec<String> {
    let mut said = Vec::new();
    let runbook = m.runbook();
    if let Some(state) = &moment.state {
        match runbook.state(state) {
            Some(s) => m.state = s.id.value.clone(),
            None => said.push(format!(
                "the log's state `{state}` is not in this runbook: staying in `{}`",
                m.state
            )),
        }
    }
    m.unavailable.clone_from(&moment.unavailable);
    let mut highest = 0;
    for open in &moment.open {
        highest = highest.max(number(&open.id));
        match reopen(m.engine, m.tz, open) {
            Ok((decision, same)) => {
                if !same {
                    said.push(format!(
                        "{}: the runbook now gives another chain than the log froze; showing today's",
                        open.id
                    ));
                }
                let level = open
                    .level
                    .saturating_sub(1)
                    .min(decision.steps.len().saturating_sub(1));
                let acknowledged = decision
                    .preconditions
                    .iter()
                    .map(|p| open.acknowledged.iter().any(|a| *a == **p))
                    .collect();
                let subject = subject(m, open);
                m.open.push(OpenDecision {
                    pass: 0,
                    id: open.id.clone(),
                    subject,
                    opened_at: open.opened_at.with_timezone(&m.tz),
                    level,
                    exhausted: false,
                    acknowledged,
                    decision,
                });
            }
            Err(why) => said.push(format!("{}: cannot be reopened: {why}", open.id)),
        }
    }
    for t in &moment.taken {
        highest = highest.max(number(&t.id));
        let subject = match &t.identity {
            Some(id) => match runbook.index.identities.get(id.as_str()) {
                Some(&i) => Subject::Identity(i),
                None => continue,
            },
            None => Subject::Declare(Text::from(t.state.as_str())),
        };
        let Some(action) = Action::parse(&t.action) else {
            continue;
        };
        m.taken.push(Settled {
            id: t.id.clone(),
            subject,
            action,
            at: t.at.with_timezone(&m.tz),
            by: t.by.iter().map(|p| Text::from(p.as_str())).collect(),
            approved: t.approved,
            authorized: t.authorized,
            flags: t.flags.clone(),
            acknowledged: Vec::new(),
        });
    }
    m.next_id = u32::try_from(highest + 1).unwrap_or(u32::MAX);
    said
}

/// `D12` -> 12.
fn number(id: &str) -> usize {
    id.trim_start_matches('D').parse().unwrap_or(0)
}

fn subject(m: &Model, open: &Open) -> Subject {
    match &open.identity {
        Some(id) => m.runbook().index.identities.get(id.as_str()).map_or_else(
            || Subject::Declare(Text::from(open.state.as_str())),
            |&i| Subject::Identity(i),
        ),
        None => Subject::Declare(Text::from(open.state.as_str())),
    }
}

/// The open decision's full chain, resolved again from its question; and
/// whether its people, level by level, are those the log froze.
fn reopen(engine: &Engine, tz: Tz, open: &Open) -> Result<(Decision, bool), String> {
    let action =
        Action::parse(&open.action).ok_or_else(|| format!("unknown action `{}`", open.action))?;
    let at: DateTime<FixedOffset> = open.resolved_at.unwrap_or(open.opened_at);
    let at = at.with_timezone(&tz);
    let decision = match (&open.identity, action) {
        (Some(identity), _) => {
            if engine.runbook.identity(identity).is_none() {
                return Err(format!("identity `{identity}` is not in this runbook"));
            }
            engine.resolve(&Query {
                identity,
                action,
                state: &open.state,
                at,
                unavailable: &open.unavailable,
            })
        }
        (None, _) => engine.declare(&open.state, at, &open.unavailable),
    };
    let people = |d: &Decision| -> Vec<Vec<String>> {
        d.steps
            .iter()
            .map(|s| s.people.iter().map(|p| p.person.to_string()).collect())
            .collect()
    };
    let logged: Vec<Vec<String>> = open.chain.iter().map(|l| l.people.clone()).collect();
    let same = people(&decision) == logged && decision.verdict.as_str() == open.verdict;
    Ok((decision, same))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Entry;
    use crate::log::events::Mode;
    use crate::log::replay::Replay;
    use crate::tui::update::tests::{Recorded, night, press, shipped};

    /// A console session driven by keys, then resumed from what it logged.
    #[test]
    fn a_resumed_console_has_the_state_people_and_decisions_of_its_log() {
        let engine = Engine::new(shipped());
        let mut before = Model::new(&engine, Mode::Live, "x".into(), "normal".into(), night());
        let mut fx = Recorded::default();
        // D1: rotate the shared PLC account, first precondition ticked, left open.
        press(&mut before, &mut fx, "plc-l3-eng\n41\x1b\x1b");
        // D2: disconnect the vendor session, recorded.
        press(&mut before, &mut fx, "\x1b/acme\n1r\n\n");
        // alice unavailable; emergency declared (D3).
        let emergency = shipped()
            .states
            .iter()
            .position(|s| &*s.id.value == "emergency")
            .unwrap();
        press(&mut before, &mut fx, "\x1bu y\x1bs");
        let normal = shipped()
            .states
            .iter()
            .position(|s| &*s.id.value == "normal")
            .unwrap();
        let moves = if emergency > normal { "j" } else { "k" }.repeat(emergency.abs_diff(normal));
        press(&mut before, &mut fx, &moves);
        press(&mut before, &mut fx, "\nr\n\n");
        assert_eq!(&*before.state, "emergency");
        assert_eq!(before.open.len(), 1);
        assert!(before.open[0].acknowledged[0]);
        assert_eq!(before.taken.len(), 2);
        assert_eq!(before.unavailable, ["alice"]);

        let entries = fx
            .events
            .iter()
            .enumerate()
            .map(|(i, event)| Entry {
                line: i + 1,
                seq: i as u64 + 1,
                event: event.clone(),
                prev: String::new(),
                hash: String::new(),
            })
            .collect();
        let replay = Replay::new(entries);
        let last = replay.moment(replay.len() - 1);
        let mut after = Model::new(&engine, Mode::Live, "x".into(), "normal".into(), night());
        let said = restore(&mut after, &last);
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(after.state, before.state);
        assert_eq!(after.unavailable, before.unavailable);
        let ids = |m: &Model| m.open.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&after), ids(&before));
        assert_eq!(after.open[0].decision, before.open[0].decision);
        assert_eq!(after.open[0].level, before.open[0].level);
        assert_eq!(after.open[0].acknowledged, before.open[0].acknowledged);
        let taken = |m: &Model| {
            m.taken
                .iter()
                .map(|t| (t.id.clone(), t.by.clone(), t.authorized))
                .collect::<Vec<_>>()
        };
        assert_eq!(taken(&after), taken(&before));
        assert_eq!(after.next_id, before.next_id);
    }
}
