//! The live console in the event loop of [`super::terminal`]: keys, ticks,
//! notification answers and signals become messages for [`update`], whose
//! effects are carried out here (a log append is synced before anything
//! is drawn).
//!
//! On SIGTERM or SIGHUP a `closed` event is appended before the console
//! quits. The log is whole on every way out, since every line is written
//! and synced in one piece.

use super::chrome::Theme;
use super::clock::Clock;
use super::model::{Model, Notifications};
use super::notify::{self, Delivery};
use super::terminal::{Console, Input, Terminal};
use super::update::{Effect, Msg, update};
use super::views;
use crate::log::{Event, Log};
use std::collections::VecDeque;
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Where effects go: the real log and terminal, or a test's record.
pub trait Effects {
    /// Appends and syncs one event; its `seq`, or why it failed.
    fn append(&mut self, event: &Event) -> Result<u64, String>;
    /// The bell, a notification, the report or quitting.
    fn other(&mut self, effect: Effect, m: &Model) -> Option<Msg>;
}

/// Applies `msg` and everything it leads to: log appends are carried out
/// in order and answered before this returns, so the next frame shows only
/// what is on disk.
pub fn dispatch(m: &mut Model, msg: Msg, effects: &mut impl Effects) {
    let mut queue: VecDeque<Msg> = VecDeque::from([msg]);
    while let Some(msg) = queue.pop_front() {
        for effect in update(m, msg) {
            match effect {
                Effect::Append(event) => queue.push_back(Msg::Logged(effects.append(&event))),
                other => {
                    if let Some(answer) = effects.other(other, m) {
                        queue.push_back(answer);
                    }
                }
            }
        }
    }
}

/// The live terminal's effects.
struct Live {
    log: Log,
    notices: mpsc::UnboundedSender<Delivery>,
}

impl Effects for Live {
    fn append(&mut self, event: &Event) -> Result<u64, String> {
        self.log.append(event).map_err(|e| e.to_string())
    }

    fn other(&mut self, effect: Effect, m: &Model) -> Option<Msg> {
        match effect {
            Effect::Append(_) | Effect::Quit => None,
            Effect::Bell => {
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
                None
            }
            Effect::Notify { summary, body } => {
                if m.notifications == Notifications::On {
                    notify::spawn(summary, body, self.notices.clone());
                }
                None
            }
            Effect::Report if m.drill.is_some() => {
                let mode = m.drill.as_ref()?;
                let finished = mode.drill.clone().finish();
                let report = crate::drill::AfterAction::new(&finished);
                Some(Msg::Reported(
                    report
                        .write_beside(self.log.path())
                        .map(|(md, _)| md.display().to_string())
                        .map_err(|e| format!("{e:#}")),
                ))
            }
            Effect::Report => Some(Msg::Reported(
                crate::log::report::write_incident_report(self.log.path())
                    .map(|p| p.display().to_string())
                    .map_err(|e| e.to_string()),
            )),
        }
    }
}

/// The live console in the event loop: a tick every half second, one
/// more before each key (so a key acts on the time it was pressed), and
/// the answers of desktop notifications.
struct Running<'m, 'r, 'c> {
    m: &'m mut Model<'r>,
    effects: Live,
    clock: &'c dyn Clock,
    next_tick: Instant,
}

/// How often the clock is read.
const TICK: Duration = Duration::from_millis(500);

impl Console for Running<'_, '_, '_> {
    type Other = Delivery;

    fn start(&mut self) {
        dispatch(self.m, Msg::Tick(self.clock.now()), &mut self.effects);
        if let Some(why) = notify::off_at_start() {
            dispatch(self.m, Msg::NotificationsOff(why), &mut self.effects);
        }
        self.next_tick = Instant::now() + TICK;
    }

    fn input(&mut self, input: Input<Delivery>) {
        let msg = match input {
            Input::Key(key) => {
                dispatch(self.m, Msg::Tick(self.clock.now()), &mut self.effects);
                Some(Msg::Key(key))
            }
            Input::Timer => {
                self.next_tick = Instant::now() + TICK;
                Some(Msg::Tick(self.clock.now()))
            }
            Input::Other(answer) => answer.off_reason().map(Msg::NotificationsOff),
            Input::Terminate => Some(Msg::Terminate),
        };
        if let Some(msg) = msg {
            dispatch(self.m, msg, &mut self.effects);
        }
    }

    fn draw(&self, frame: &mut ratatui::Frame, theme: Theme) {
        views::draw(frame, self.m, theme);
    }

    fn wake_at(&self) -> Option<Instant> {
        Some(self.next_tick)
    }

    fn done(&self) -> bool {
        self.m.quit
    }
}

/// Runs the console until the user quits or a signal arrives. The first
/// event (`opened`) must already be in `log`.
pub fn run(
    m: &mut Model,
    log: Log,
    clock: &dyn Clock,
    terminal: &mut Terminal,
) -> std::io::Result<()> {
    let (notices, answers) = mpsc::unbounded_channel();
    let mut running = Running {
        m,
        effects: Live { log, notices },
        clock,
        next_tick: Instant::now(),
    };
    super::terminal::run(&mut running, answers, terminal)
}
