//! The judgement of an event against the incident as it stands, without
//! a database: each conflict two consoles can run into.

use super::*;
use crate::log::event::{
    Acknowledged, Decided, DecisionOpened, Level, Note, Opened, Outcome, StateDeclared,
};

fn at(minute: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-06T02:{minute:02}:00+01:00")).unwrap()
}

fn opened(id: &str, identity: &str) -> Event {
    Event::new(
        at(1),
        DecisionOpened {
            decision: id.into(),
            identity: Some(identity.into()),
            action: "disconnect".into(),
            state: "normal".into(),
            verdict: "chain".into(),
            chain: vec![
                Level {
                    level: 1,
                    people: vec!["alice".into()],
                    ..Level::default()
                },
                Level {
                    level: 2,
                    people: vec!["bob".into()],
                    ..Level::default()
                },
            ],
            preconditions: vec!["call the line".into()],
            ..DecisionOpened::default()
        },
    )
}

fn decided(id: &str, by: &str, minute: u32) -> Event {
    Event::new(
        at(minute),
        Decided {
            decision: id.into(),
            identity: Some("vendor".into()),
            action: "disconnect".into(),
            by: vec![by.into()],
            outcome: Some(Outcome::Approved),
            authorized: Some(true),
            ..Decided::default()
        },
    )
}

fn escalated(id: &str, level: usize, reason: Reason) -> Event {
    Event::new(
        at(5),
        Escalated {
            decision: id.into(),
            level,
            reason: Some(reason),
            ..Escalated::default()
        },
    )
}

/// A chain holding `events`, sealed as the database holds them.
fn chain(events: &[Event]) -> Chain {
    let mut c = Chain::new("inc");
    let mut all = vec![Event::new(
        at(0),
        Opened {
            plant: Some("lyon".into()),
            ..Opened::default()
        },
    )];
    all.extend(events.iter().cloned());
    for e in &all {
        let (line, _) = crate::log::seal(c.head_seq() + 1, e, c.head_hash());
        c.extend(vec![line]).unwrap();
    }
    c
}

impl Chain {
    /// Judged from a console that has seen everything.
    fn judge_all(&self, event: &Event) -> Judged {
        self.judge(event, self.head_seq())
    }
}

#[test]
fn the_same_question_decided_by_another_console_unseen_is_not_opened_again() {
    let c = chain(&[opened("D1", "vendor"), decided("D1", "alice", 7)]);
    // Seen up to the opening only: the decision by alice was not on screen.
    assert_eq!(
        c.judge(&opened("D2", "vendor"), 2),
        Judged::Refused("D1 was already decided by alice at 02:07:00".into())
    );
    // Seen: a new decision on the same question is the responder's choice.
    assert_eq!(
        c.judge_all(&opened("D2", "vendor")),
        Judged::Append(opened("D2", "vendor"))
    );
}

#[test]
fn a_decision_already_taken_is_refused_with_who_and_when() {
    let c = chain(&[opened("D1", "vendor"), decided("D1", "alice", 7)]);
    assert_eq!(
        c.judge_all(&decided("D1", "bob", 8)),
        Judged::Refused("D1 was already decided by alice at 02:07:00".into())
    );
    // So is ticking a precondition of it, or escalating it by hand.
    let ack = Event::new(
        at(8),
        Acknowledged {
            decision: "D1".into(),
            precondition: "call the line".into(),
        },
    );
    assert!(matches!(c.judge_all(&ack), Judged::Refused(_)));
    assert!(matches!(
        c.judge_all(&escalated("D1", 2, Reason::Manual)),
        Judged::Refused(_)
    ));
    // A timer that ran out in a console that had not seen it yet: nothing said.
    assert_eq!(
        c.judge_all(&escalated("D1", 2, Reason::Timeout)),
        Judged::AlreadyDone
    );
}

#[test]
fn an_open_decision_is_decided_once() {
    let c = chain(&[opened("D1", "vendor")]);
    let first = decided("D1", "alice", 7);
    assert_eq!(c.judge_all(&first), Judged::Append(first));
}

#[test]
fn an_escalation_already_made_by_another_console_is_not_made_twice() {
    let c = chain(&[opened("D1", "vendor"), escalated("D1", 2, Reason::Timeout)]);
    assert_eq!(
        c.judge_all(&escalated("D1", 2, Reason::Timeout)),
        Judged::AlreadyDone
    );
    assert!(matches!(
        c.judge_all(&escalated("D1", 2, Reason::Manual)),
        Judged::Refused(why) if why.contains("already at level 2")
    ));
    let fresh = chain(&[opened("D1", "vendor")]);
    let up = escalated("D1", 2, Reason::Timeout);
    assert_eq!(fresh.judge_all(&up), Judged::Append(up));
}

#[test]
fn a_number_taken_meanwhile_is_renumbered() {
    let c = chain(&[opened("D1", "vendor"), opened("D2", "plc")]);
    let mine = opened("D2", "historian");
    let Judged::Renumbered { event, from, to } = c.judge_all(&mine) else {
        panic!("{:?}", c.judge_all(&mine));
    };
    assert_eq!((from.as_str(), to.as_str()), ("D2", "D3"));
    assert_eq!(event.decision(), Some("D3"));
}

#[test]
fn the_same_question_opened_twice_is_refused() {
    let c = chain(&[opened("D1", "vendor")]);
    assert!(matches!(
        c.judge_all(&opened("D2", "vendor")),
        Judged::Refused(why) if why.contains("already open as D1")
    ));
}

#[test]
fn marking_unavailable_twice_is_refused_and_a_declaration_is_recorded_once() {
    let away = Event::new(
        at(3),
        Note {
            text: "alice unavailable".into(),
            unavailable: vec!["alice".into()],
            ..Note::default()
        },
    );
    let declared = Event::new(
        at(4),
        StateDeclared {
            state: "emergency".into(),
            decision: Some("D1".into()),
            ..StateDeclared::default()
        },
    );
    let c = chain(&[away.clone(), declared.clone()]);
    assert_eq!(
        c.judge_all(&away),
        Judged::Refused("alice is already marked unavailable since 02:03:00".into())
    );
    assert_eq!(c.judge_all(&declared), Judged::AlreadyDone);
}

#[test]
fn a_line_that_does_not_follow_the_chain_is_refused() {
    let mut c = chain(&[]);
    let (line, _) = crate::log::seal(5, &decided("D1", "alice", 7), c.head_hash());
    let err = c.extend(vec![line]).unwrap_err();
    assert!(
        err.to_string().contains("seq 5 where 2 was expected"),
        "{err}"
    );
    assert_eq!(c.head_seq(), 1);
}

/// A forged incident whose numbers reach the limit `log verify` holds to
/// refuses a new number rather than overflow or go past it.
#[test]
fn a_number_past_the_last_one_is_refused() {
    let last = format!("D{}", crate::log::story::MAX_DECISION);
    let c = chain(&[opened(&last, "vendor")]);
    assert!(matches!(
        c.judge_all(&opened(&last, "plc")),
        Judged::Refused(why) if why.contains("every decision number")
    ));
}
