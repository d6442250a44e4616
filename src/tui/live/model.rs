//! Everything the console shows, in one value: the plant clock, the
//! production state, the search, the decision being looked at, the open
//! decisions with their frozen chains, and what is waiting for the log.
//! Views read it; only [`super::update::update`] changes it.

use super::search::Search;
use crate::engine::{Decision, Engine, Query, Step, Verdict};
use crate::log::events::Mode;
use crate::model::{Action, Runbook, Text};
use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use std::collections::VecDeque;

/// What a decision is about: an identity, or declaring a production state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Index into `runbook.identities`.
    Identity(usize),
    /// Declaring this state (action `declare`).
    Declare(Text),
    /// An identity the log names that the runbook no longer has (a
    /// decision resumed after the runbook changed): its id.
    Gone(Text),
}

/// Where the keyboard goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Typing in the search box.
    Search,
    /// Moving in the search results.
    Results,
    /// The actions of the chosen identity, each with its answer.
    Actions,
    /// One decision: its chain, preconditions, impact.
    Decision,
    /// The list of open decisions.
    Open,
    /// Drill mode: injects so far, the next one, the live score.
    Drill,
}

/// A box over the screen that takes the keys until it closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// Who decided: pick one person, or two for a two-person rule.
    Record(Record),
    /// Choose a state to declare.
    Declare {
        selected: usize,
    },
    /// Mark people unavailable or available again: a person is picked,
    /// then the box says what will be logged and waits for `y`/`Enter`.
    People {
        selected: usize,
        confirming: bool,
    },
    /// Quit with open decisions: `y`/`n`.
    Quit,
    /// Every message of the session, newest first; `scroll` rows down.
    Timeline {
        scroll: usize,
    },
    /// A free-text note being written; `Enter` logs it.
    Note(Box<NoteBox>),
}

/// The text input of a note (ratatui-textarea: cursor keys, word moves,
/// undo, as in a shell line). Two boxes are equal when their text is.
#[derive(Debug, Clone)]
pub struct NoteBox(pub ratatui_textarea::TextArea<'static>);

impl NoteBox {
    /// The longest note, in characters: a note is a line for the log, not a report.
    pub const MAX_CHARS: usize = 500;

    /// The note as one line (the box has one line; pasted newlines become spaces).
    pub fn text(&self) -> String {
        self.0.lines().join(" ").trim().to_owned()
    }
}

impl Default for NoteBox {
    fn default() -> NoteBox {
        let mut area = ratatui_textarea::TextArea::default();
        area.set_placeholder_text("what happened, e.g. Called Alice twice, voicemail");
        NoteBox(area)
    }
}

impl PartialEq for NoteBox {
    fn eq(&self, other: &NoteBox) -> bool {
        self.0.lines() == other.0.lines()
    }
}

impl Eq for NoteBox {}

/// The record dialog: candidates in chain order, then everyone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Person ids, chain people first.
    pub candidates: Vec<Text>,
    /// How many of `candidates` the chain names.
    pub in_chain: usize,
    pub selected: usize,
    /// People picked so far.
    pub picked: Vec<Text>,
    /// All deciders picked: waiting for approve or decline.
    pub confirming: bool,
}

/// A decision being worked on: the question, the chain frozen when it was
/// opened, and how far the escalation has gone.
#[derive(Debug, Clone)]
pub struct OpenDecision {
    /// `D1`, `D2`, ... in the log.
    pub id: String,
    pub subject: Subject,
    pub decision: Decision,
    pub opened_at: DateTime<Tz>,
    /// Index into `decision.steps` of the level being called now.
    pub level: usize,
    /// The chain's time has run out with nobody deciding (said once).
    pub exhausted: bool,
    /// How many times the chain has started again (`repeat`), 0 on its
    /// first pass.
    pub pass: u8,
    /// Preconditions ticked, by index.
    pub acknowledged: Vec<bool>,
    /// Set when the chain is the one the log froze, kept because the
    /// runbook loaded now gives another (or no longer has the identity or
    /// rule): why, in words. Such a chain is not re-resolved.
    pub frozen: Option<String>,
}

impl OpenDecision {
    /// The level after the current one that engages someone, if any.
    pub fn next_level(&self) -> Option<usize> {
        (self.level + 1..self.decision.steps.len()).find(|&i| !self.decision.steps[i].skipped)
    }

    /// When the chain ends if nobody decides: the last level's start plus its time.
    pub fn runs_out_at(&self) -> Option<DateTime<Tz>> {
        self.decision.steps.last()?.ends_at()
    }
}

/// A decision taken, as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub id: String,
    pub subject: Subject,
    pub action: Action,
    pub at: DateTime<Tz>,
    pub by: Vec<Text>,
    pub approved: bool,
    pub authorized: bool,
    pub flags: Vec<String>,
    /// The preconditions ticked before it.
    pub acknowledged: Vec<Text>,
}

/// A step waiting for its log line to be synced before it shows as done.
#[derive(Debug, Clone)]
pub enum Commit<'r> {
    /// A drill's inject fell due.
    Inject(&'r crate::model::Inject),
    Open(Box<OpenDecision>),
    Acknowledge {
        id: String,
        index: usize,
    },
    Escalate {
        id: String,
        level: usize,
        rechained: Option<Box<Decision>>,
        message: String,
        /// The chain's pass after this step (see [`OpenDecision::pass`]).
        pass: u8,
    },
    Decide(Box<Settled>),
    State {
        state: Text,
    },
    Availability {
        person: Text,
        available: bool,
    },
    /// A free-text note.
    Note(String),
    Close,
}

/// The shared incident this console is on, as the status line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub incident: String,
    /// This console's name (`--as`).
    pub console: String,
    /// Why the database could not be reached, once it could not: the
    /// console then records in its local log alone.
    pub down: Option<String>,
    /// Events in the local log alone since then.
    pub unshared: u64,
    /// The other consoles on the incident now, by name.
    pub others: Vec<String>,
}

/// Whether desktop notifications work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notifications {
    /// Not tried yet, or delivered.
    On,
    /// The console said once why they are off.
    Off(String),
}

/// A line of news at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub at: DateTime<Tz>,
    pub text: String,
    /// Needs attention (escalation, log failure), drawn reversed.
    pub alarm: bool,
}

/// The console's state.
pub struct Model<'r> {
    pub engine: &'r Engine<'r>,
    pub mode: Mode,
    /// The log file, as shown in the status line.
    pub log_path: String,
    pub tz: Tz,
    /// Plant time now (from the last tick; the drill's clock in a drill).
    pub now: DateTime<Tz>,
    /// Real time at the last tick (the drill clock runs from it).
    pub real: DateTime<Utc>,
    /// Drill mode: the scenario's clock, injects and live score.
    pub drill: Option<super::drill::DrillMode<'r>>,
    /// When this console was opened: the incident clock counts from here.
    pub started: DateTime<Tz>,
    pub state: Text,
    pub unavailable: Vec<String>,
    pub screen: Screen,
    /// Where `Esc` goes from the decision screen.
    pub back: Screen,
    pub overlay: Option<Overlay>,
    pub search: Search,
    /// The identity whose actions are shown.
    pub identity: Option<usize>,
    pub action_selected: usize,
    /// What resolution says for each action on `identity`, computed in
    /// `update` (views never call the engine while drawing).
    pub offered: Option<Offered>,
    /// The decision on the decision screen: an open one (by id) or a preview.
    pub viewing: Option<Viewing>,
    pub open: Vec<OpenDecision>,
    pub open_selected: usize,
    pub taken: Vec<Settled>,
    pub next_id: u32,
    pub pending: VecDeque<Commit<'r>>,
    /// A decision opened by the key being handled, until its log line is synced.
    pub staged: Option<OpenDecision>,
    /// Everything the console said, newest first (the timeline, `l`).
    pub flash: VecDeque<Flash>,
    /// How many messages were said, and how many of them the responder
    /// has seen in the timeline: the newest `said - seen` are unread.
    pub said: u64,
    pub seen: u64,
    pub notifications: Notifications,
    /// Events synced to the log so far (from the log itself).
    pub logged: u64,
    /// The last log failure: shown until the next successful append.
    pub log_error: Option<String>,
    /// The shared incident, when consoles share it (`--db`).
    pub shared: Option<Shared>,
    pub quit: bool,
}

/// What the decision screen shows.
#[derive(Debug, Clone)]
pub enum Viewing {
    /// An open decision, by id.
    Open(String),
    /// A preview resolved now, not open yet.
    Preview(Subject, Box<Decision>),
}

/// The answers offered for one identity's actions, and what they were
/// resolved against: they are computed again when any of it changes.
#[derive(Debug, Clone)]
pub struct Offered {
    pub identity: usize,
    pub state: Text,
    pub unavailable: Vec<String>,
    pub at: DateTime<Tz>,
    /// One per [`IDENTITY_ACTIONS`], in that order.
    pub decisions: Vec<Decision>,
}

/// The ids of the people a level engages.
pub fn people_ids(step: &Step) -> Vec<Text> {
    step.people.iter().map(|p| p.person.clone()).collect()
}

/// The actions offered for an identity (declare is a state change).
pub const IDENTITY_ACTIONS: [Action; 7] = [
    Action::Disconnect,
    Action::Pause,
    Action::Revoke,
    Action::Rotate,
    Action::Constrain,
    Action::Override,
    Action::Restore,
];

/// How many messages the timeline keeps (the log keeps every event).
const FLASH_KEPT: usize = 5_000;

impl<'r> Model<'r> {
    /// A console on `engine`'s runbook at `now`, in `state`.
    pub fn new(
        engine: &'r Engine<'r>,
        mode: Mode,
        log_path: String,
        state: Text,
        now: DateTime<Utc>,
    ) -> Model<'r> {
        let tz = engine.runbook.plant.timezone.value;
        let now = now.trunc_subsecs(3).with_timezone(&tz);
        Model {
            engine,
            mode,
            log_path,
            tz,
            now,
            real: now.to_utc(),
            drill: None,
            started: now,
            state,
            unavailable: Vec::new(),
            screen: Screen::Search,
            back: Screen::Results,
            overlay: None,
            search: Search::new(engine.runbook),
            identity: None,
            action_selected: 0,
            offered: None,
            viewing: None,
            open: Vec::new(),
            open_selected: 0,
            taken: Vec::new(),
            next_id: 1,
            pending: VecDeque::new(),
            staged: None,
            flash: VecDeque::new(),
            said: 0,
            seen: 0,
            notifications: Notifications::On,
            logged: 0,
            log_error: None,
            shared: None,
            quit: false,
        }
    }

    pub fn runbook(&self) -> &'r Runbook {
        self.engine.runbook
    }

    /// Resolves `subject` with `action` now, in the current state, with the
    /// people marked unavailable.
    pub fn resolve(&self, subject: &Subject, action: Action) -> Decision {
        self.resolve_at(subject, action, self.now)
    }

    /// Resolves a decision shown before it is opened (a preview) again at
    /// the current time, state and availability: it is the answer `andon
    /// who` gives now, not the one of the moment the screen was opened.
    pub fn refresh_preview(&mut self) {
        let Some(Viewing::Preview(subject, shown)) = &self.viewing else {
            return;
        };
        let subject = subject.clone();
        let fresh = self.resolve(&subject, shown.action);
        if fresh != **shown {
            self.viewing = Some(Viewing::Preview(subject, Box::new(fresh)));
        }
    }

    /// Resolves the actions of the identity on screen again when the
    /// identity, the state, who is unavailable or the time has changed.
    pub fn refresh_offered(&mut self) {
        let Some(identity) = self.identity else {
            self.offered = None;
            return;
        };
        let fresh = self.offered.as_ref().is_some_and(|o| {
            o.identity == identity
                && o.state == self.state
                && o.unavailable == self.unavailable
                && o.at == self.now
        });
        if fresh {
            return;
        }
        let subject = Subject::Identity(identity);
        let decisions = IDENTITY_ACTIONS
            .iter()
            .map(|a| self.resolve(&subject, *a))
            .collect();
        self.offered = Some(Offered {
            identity,
            state: self.state.clone(),
            unavailable: self.unavailable.clone(),
            at: self.now,
            decisions,
        });
    }

    /// The answer for `action` on the identity on screen, as last computed.
    pub fn offered(&self, action: Action) -> Option<&Decision> {
        let o = self.offered.as_ref()?;
        if Some(o.identity) != self.identity {
            return None;
        }
        let i = IDENTITY_ACTIONS.iter().position(|a| *a == action)?;
        o.decisions.get(i)
    }

    /// Resolves `subject` at `at` (a frozen chain is re-resolved at the time it was opened).
    pub fn resolve_at(&self, subject: &Subject, action: Action, at: DateTime<Tz>) -> Decision {
        match subject {
            Subject::Identity(i) => self.engine.resolve(&Query {
                identity: &self.runbook().identities[*i].id.value,
                action,
                state: &self.state,
                at,
                unavailable: &self.unavailable,
            }),
            Subject::Declare(state) => self.engine.declare(state, at, &self.unavailable),
            Subject::Gone(identity) => self.engine.resolve(&Query {
                identity,
                action,
                state: &self.state,
                at,
                unavailable: &self.unavailable,
            }),
        }
    }

    /// The open decision `id`.
    pub fn open_decision(&self, id: &str) -> Option<&OpenDecision> {
        self.open.iter().find(|d| d.id == id)
    }

    /// The open decision on `subject` and `action`, if one is open.
    pub fn open_on(&self, subject: &Subject, action: Action) -> Option<&OpenDecision> {
        self.open
            .iter()
            .find(|d| &d.subject == subject && d.decision.action == action)
    }

    /// The decision the decision screen shows, and the open one behind it.
    pub fn viewed(&self) -> Option<(&Decision, Option<&OpenDecision>)> {
        match self.viewing.as_ref()? {
            Viewing::Open(id) => {
                let open = self.open_decision(id)?;
                Some((&open.decision, Some(open)))
            }
            Viewing::Preview(_, d) => Some((d, None)),
        }
    }

    /// The subject of the decision screen.
    pub fn viewed_subject(&self) -> Option<Subject> {
        match self.viewing.as_ref()? {
            Viewing::Open(id) => self.open_decision(id).map(|d| d.subject.clone()),
            Viewing::Preview(s, _) => Some(s.clone()),
        }
    }

    /// How a subject reads on screen: the identity id, or `declare STATE`.
    pub fn subject_label(&self, subject: &Subject) -> String {
        match subject {
            Subject::Identity(i) => self.runbook().identities[*i].id.value.to_string(),
            Subject::Declare(s) => format!("state {s}"),
            Subject::Gone(id) => format!("{id} (no longer in the runbook)"),
        }
    }

    /// A person's name, or their id when they have none.
    pub fn person_label(&self, id: &str) -> String {
        self.runbook()
            .person(id)
            .map_or_else(|| id.to_owned(), |p| p.label().to_owned())
    }

    /// Names of people, joined with ` and `.
    pub fn people_label(&self, ids: &[Text]) -> String {
        if ids.is_empty() {
            return "nobody".to_owned();
        }
        ids.iter()
            .map(|p| self.person_label(p))
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The people of one level, any of whom may decide: `A or B`.
    pub fn anyone_of(&self, ids: &[Text]) -> String {
        if ids.is_empty() {
            return "nobody".to_owned();
        }
        ids.iter()
            .map(|p| self.person_label(p))
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// Adds a line of news.
    pub fn say(&mut self, text: impl Into<String>, alarm: bool) {
        self.flash.push_front(Flash {
            at: self.now,
            text: text.into(),
            alarm,
        });
        self.flash.truncate(FLASH_KEPT);
        self.said += 1;
    }

    /// How many of the newest messages are not seen yet.
    pub fn unread(&self) -> usize {
        usize::try_from(self.said - self.seen.min(self.said))
            .unwrap_or(usize::MAX)
            .min(self.flash.len())
    }

    /// The message the news line shows: the newest unread alarm, which
    /// stays there until the timeline is seen, else the newest message.
    pub fn headline(&self) -> Option<&Flash> {
        let unread = self.unread();
        self.flash
            .iter()
            .take(unread)
            .find(|f| f.alarm)
            .or_else(|| self.flash.front())
    }

    /// Whether a decision is chain, with someone to decide.
    pub fn decidable(d: &Decision) -> bool {
        d.verdict == Verdict::Chain
    }
}
