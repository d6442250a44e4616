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

/// The runbook a log was opened with and the one loaded now, by content
/// hash, for what the console says about a changed runbook.
#[derive(Debug, Clone, Copy)]
pub struct Hashes<'a> {
    /// `runbook_hash` of the log's `opened`, when it has one.
    pub logged: Option<&'a str>,
    pub now: &'a str,
}

/// Puts `moment` (the last moment of a log) into a fresh console model.
/// Returns what the console should say about it, one line each.
///
/// Frozen means frozen: an open decision keeps the chain its
/// `decision-opened` (or a later `escalated`) recorded. When the runbook
/// loaded now resolves the question to the same chain, its full form is
/// used (why each person is there, shift ends, backups); when it gives
/// another, or no longer has the identity or the rule, the logged chain is
/// kept, marked, and the console says so with both hashes. An open decision
/// is never dropped.
pub fn restore(m: &mut Model, moment: &Moment, hashes: Hashes) -> Vec<String> {
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
    let changed = format!(
        "the runbook changed since it opened (log {}, now {})",
        hashes.logged.unwrap_or("unknown"),
        hashes.now
    );
    let mut highest = 0;
    for open in &moment.open {
        highest = highest.max(number(&open.id));
        let (decision, frozen) = match reopen(m.engine, m.tz, open) {
            Ok((decision, true)) => (decision, None),
            Ok((_, false)) => match open.frozen(m.tz) {
                Some(d) => (d, Some(format!("{changed}: today's chain differs"))),
                None => {
                    said.push(format!(
                        "{}: cannot be reopened: the log's chain is unreadable",
                        open.id
                    ));
                    continue;
                }
            },
            Err(why) => match open.frozen(m.tz) {
                Some(d) => (d, Some(format!("{changed}: {why}"))),
                None => {
                    said.push(format!("{}: cannot be reopened: {why}", open.id));
                    continue;
                }
            },
        };
        if let Some(why) = &frozen {
            said.push(format!(
                "{}: {why}; its chain is kept as the log froze it",
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
            pass: open.pass,
            frozen,
            id: open.id.clone(),
            subject,
            opened_at: open.opened_at.with_timezone(&m.tz),
            level,
            exhausted: false,
            acknowledged,
            decision,
        });
    }
    for t in &moment.taken {
        highest = highest.max(number(&t.id));
        // Never dropped in silence: a decision taken on an identity the
        // runbook no longer has is listed under the log's name for it.
        let subject = match &t.identity {
            Some(id) => runbook.index.identities.get(id.as_str()).map_or_else(
                || Subject::Gone(Text::from(id.as_str())),
                |&i| Subject::Identity(i),
            ),
            None => Subject::Declare(Text::from(t.state.as_str())),
        };
        let Some(action) = Action::parse(&t.action) else {
            said.push(format!(
                "{}: decided `{}`, an action this andon does not know: not listed among the decisions taken (the log has it)",
                t.id,
                crate::model::visible(&t.action)
            ));
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
            acknowledged: t
                .acknowledged
                .iter()
                .map(|a| Text::from(a.as_str()))
                .collect(),
        });
    }
    m.next_id = u32::try_from(highest.saturating_add(1)).unwrap_or(u32::MAX);
    said
}

/// `D12` -> 12; 0 for a number a log cannot hold (`log::story` refuses
/// such a log before it is resumed).
fn number(id: &str) -> u64 {
    crate::log::story::number(id).unwrap_or(0)
}

fn subject(m: &Model, open: &Open) -> Subject {
    match &open.identity {
        Some(id) => m.runbook().index.identities.get(id.as_str()).map_or_else(
            || Subject::Gone(Text::from(id.as_str())),
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
        (None, _) => {
            if engine.runbook.state(&open.state).is_none() {
                return Err(format!("state `{}` is not in this runbook", open.state));
            }
            engine.declare(&open.state, at, &open.unavailable)
        }
    };
    if let Some(rule) = &open.rule
        && decision.rule.as_deref() != Some(rule.as_str())
    {
        return Ok((decision, false));
    }
    let people = |d: &Decision| -> Vec<Vec<String>> {
        d.steps
            .iter()
            .map(|s| s.people.iter().map(|p| p.person.to_string()).collect())
            .collect()
    };
    let logged: Vec<Vec<String>> = open.chain.iter().map(|l| l.people.clone()).collect();
    let same = people(&decision) == logged && decision.verdict.as_str() == open.verdict;
    let mut decision = decision;
    if same {
        keep_times(&mut decision, open, tz);
    }
    Ok((decision, same))
}

/// The log's times on a chain resolved again: a level re-timed in the
/// session (escalated by hand, a repeated pass) starts when the log says,
/// not when a fresh answer would.
fn keep_times(decision: &mut Decision, open: &Open, tz: Tz) {
    for (step, level) in decision.steps.iter_mut().zip(&open.chain) {
        if let Some(t) = level.starts_at {
            step.starts_at = t.with_timezone(&tz);
            step.offset = level.offset_s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Entry;
    use crate::log::events::Mode;
    use crate::log::replay::Replay;
    use crate::tui::live::update::tests::{Recorded, night, press, shipped, tick};

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

        let replay = Replay::new(entries(&fx));
        let last = replay.moment(replay.len() - 1);
        let mut after = Model::new(&engine, Mode::Live, "x".into(), "normal".into(), night());
        let hash = "sha256:same";
        let hashes = Hashes {
            logged: Some(hash),
            now: hash,
        };
        let said = restore(&mut after, &last, hashes);
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

    /// What a session appended, as a log read back.
    fn entries(fx: &Recorded) -> Vec<Entry> {
        (fx.events.iter().enumerate())
            .map(|(i, event)| Entry {
                line: i + 1,
                seq: i as u64 + 1,
                event: event.clone(),
                prev: String::new(),
                hash: String::new(),
            })
            .collect()
    }

    /// A console resumed from what `fx` logged, on `engine`'s runbook.
    fn resumed<'e>(engine: &'e Engine<'e>, fx: &Recorded, same: bool) -> (Model<'e>, Vec<String>) {
        let replay = Replay::new(entries(fx));
        let last = replay.moment(replay.len() - 1);
        let mut after = Model::new(engine, Mode::Live, "x".into(), "normal".into(), night());
        let hashes = Hashes {
            logged: Some("sha256:before"),
            now: if same {
                "sha256:before"
            } else {
                "sha256:after"
            },
        };
        let said = restore(&mut after, &last, hashes);
        (after, said)
    }

    /// The shipped runbook with `from` replaced by `to` in every file.
    fn edited(from: &str, to: &str) -> crate::model::Runbook {
        fn copy(
            from_dir: &std::path::Path,
            to_dir: &std::path::Path,
            edit: &dyn Fn(String) -> String,
        ) {
            std::fs::create_dir_all(to_dir).unwrap();
            for entry in std::fs::read_dir(from_dir).unwrap() {
                let path = entry.unwrap().path();
                let target = to_dir.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target, edit);
                } else {
                    std::fs::write(target, edit(std::fs::read_to_string(&path).unwrap())).unwrap();
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let replaced = std::cell::Cell::new(false);
        copy(
            std::path::Path::new("runbooks/lyon-packaging"),
            dir.path(),
            &|text| {
                replaced.set(replaced.get() || text.contains(from));
                text.replace(from, to)
            },
        );
        assert!(
            replaced.get(),
            "{from:?} is in no file of the shipped runbook"
        );
        crate::load::load(dir.path()).unwrap()
    }

    fn people(d: &Decision) -> Vec<Vec<String>> {
        (d.steps.iter())
            .map(|s| s.people.iter().map(|p| p.person.to_string()).collect())
            .collect()
    }

    /// D1: disconnect the vendor session, opened at 02:10 (alice, then the
    /// security on-call, then dana).
    fn vendor_disconnect_open() -> (Model<'static>, Recorded) {
        static ENGINE: std::sync::OnceLock<Engine<'static>> = std::sync::OnceLock::new();
        let engine = ENGINE.get_or_init(|| Engine::new(shipped()));
        let mut m = Model::new(engine, Mode::Live, "x".into(), "normal".into(), night());
        let mut fx = Recorded::default();
        press(&mut m, &mut fx, "acme\n\n\n");
        assert_eq!(m.open.len(), 1);
        (m, fx)
    }

    #[test]
    fn a_resumed_decision_keeps_its_frozen_chain_when_the_runbook_reorders_it() {
        let (before, fx) = vendor_disconnect_open();
        let reordered = edited(
            "      - { role: shift-lead, after: 5m }\n      - { role: security-oncall, after: 10m }\n      - { person: dana, after: 15m }",
            "      - { person: dana, after: 15m }\n      - { role: security-oncall, after: 10m }\n      - { role: shift-lead, after: 5m }",
        );
        let engine = Engine::new(&reordered);
        let (after, said) = resumed(&engine, &fx, false);
        assert_eq!(after.open.len(), 1);
        let (was, is) = (&before.open[0], &after.open[0]);
        assert_eq!(people(&is.decision), people(&was.decision));
        let starts = |d: &Decision| d.steps.iter().map(|s| s.starts_at).collect::<Vec<_>>();
        assert_eq!(starts(&is.decision), starts(&was.decision));
        assert_eq!(is.runs_out_at(), was.runs_out_at());
        assert!(is.frozen.is_some());
        assert!(
            said.iter().any(|l| l.starts_with(
                "D1: the runbook changed since it opened (log sha256:before, now sha256:after)"
            ) && l.ends_with("kept as the log froze it")),
            "{said:?}"
        );
    }

    #[test]
    fn a_resumed_decision_on_an_identity_the_runbook_lost_stays_open_and_can_be_recorded() {
        let (before, fx) = vendor_disconnect_open();
        let renamed = edited("vendor-acme-remote", "vendor-acme-renamed");
        let engine = Engine::new(&renamed);
        let (mut after, said) = resumed(&engine, &fx, false);
        assert_eq!(after.open.len(), 1, "{said:?}");
        let open = &after.open[0];
        assert_eq!(open.subject, Subject::Gone("vendor-acme-remote".into()));
        assert_eq!(people(&open.decision), people(&before.open[0].decision));
        assert!(
            said.iter()
                .any(|l| l.contains("identity `vendor-acme-remote` is not in this runbook")),
            "{said:?}"
        );
        // Recorded from the list of open decisions, it names the identity the log had.
        let mut fx = Recorded::default();
        press(&mut after, &mut fx, "\x1b\t\nr\n\n");
        let decided = fx.events.last().unwrap();
        assert_eq!(decided.kind(), crate::log::Kind::Decided);
        let fields = decided.body.to_fields();
        assert_eq!(fields["identity"], "vendor-acme-remote");
        assert_eq!(fields["by"], serde_json::json!(["alice"]));
        assert!(after.open.is_empty());
    }

    #[test]
    fn a_decision_taken_on_an_identity_the_runbook_lost_is_still_listed() {
        let (mut before, mut fx) = vendor_disconnect_open();
        press(&mut before, &mut fx, "r\n\n");
        assert_eq!(before.taken.len(), 1);
        let renamed = edited("vendor-acme-remote", "vendor-acme-renamed");
        let engine = Engine::new(&renamed);
        let (after, said) = resumed(&engine, &fx, false);
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(after.taken.len(), 1);
        assert_eq!(
            after.taken[0].subject,
            Subject::Gone("vendor-acme-remote".into())
        );
        assert_eq!(after.next_id, before.next_id);
    }

    #[test]
    fn a_resumed_decision_keeps_its_pass_so_the_chain_repeats_no_more_than_the_rule_says() {
        let (mut before, mut fx) = vendor_disconnect_open();
        // 5 + 10 + 15 minutes: the chain runs out and starts again (repeat: 1).
        for minutes in [6, 10, 15] {
            tick(&mut before, &mut fx, minutes);
        }
        assert_eq!(before.open[0].pass, 1);
        let engine = Engine::new(shipped());
        let (mut after, said) = resumed(&engine, &fx, true);
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(after.open[0].pass, 1);
        assert_eq!(after.open[0].decision.steps, before.open[0].decision.steps);
        // The second pass runs out: the chain is over, it does not start a third time.
        let mut fx = Recorded::default();
        after.now = before.now;
        for minutes in [6, 10, 15, 30] {
            tick(&mut after, &mut fx, minutes);
        }
        assert!(after.open[0].exhausted);
        assert_eq!(after.open[0].pass, 1);
    }

    #[test]
    fn a_resumed_decision_keeps_the_times_of_a_level_escalated_by_hand() {
        let (mut before, mut fx) = vendor_disconnect_open();
        tick(&mut before, &mut fx, 1);
        press(&mut before, &mut fx, "x");
        assert_eq!(before.open[0].level, 1);
        let engine = Engine::new(shipped());
        let (after, said) = resumed(&engine, &fx, true);
        assert!(said.is_empty(), "{said:?}");
        assert!(after.open[0].frozen.is_none());
        assert_eq!(after.open[0].level, 1);
        assert_eq!(after.open[0].decision.steps, before.open[0].decision.steps);
    }
}
