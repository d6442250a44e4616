//! The event loop: one tokio task merges keys, ticks, notification answers
//! and signals into messages, hands each to [`update`], carries out the
//! effects (a log append is synced before anything is drawn), and draws.
//!
//! The terminal is restored on every way out: quitting, SIGTERM or SIGHUP
//! (a `closed` event is appended first), and panics (ratatui's panic hook).
//! The log is whole in all of them, since every line is written and synced
//! in one piece.

use super::clock::Clock;
use super::model::{Model, Notifications};
use super::notify::{self, Delivery};
use super::update::{Effect, Msg, update};
use super::views::{self, Theme};
use crate::log::{Event, Log};
use futures::StreamExt;
use ratatui::crossterm::event::{Event as TermEvent, EventStream};
use std::collections::VecDeque;
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;

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

/// The terminal in raw mode on the alternate screen, restored when
/// dropped (and by ratatui's panic hook on a panic).
pub struct Screen(ratatui::DefaultTerminal);

impl Screen {
    /// Takes over the terminal; an error when there is none (piped output).
    pub fn start() -> std::io::Result<Screen> {
        let terminal = ratatui::try_init().map_err(|e| {
            std::io::Error::new(e.kind(), format!("the console needs a terminal: {e}"))
        })?;
        Ok(Screen(terminal))
    }

    /// Shows `text` in the middle of the screen while something slow runs
    /// (loading a large runbook): the first frame comes at once.
    pub fn wait(&mut self, text: &str) -> std::io::Result<()> {
        self.0.draw(|f| {
            let area = views::centered(f.area(), text.chars().count() as u16 + 4, 3);
            f.render_widget(
                ratatui::widgets::Paragraph::new(text)
                    .block(ratatui::widgets::Block::bordered().title(" andon ")),
                area,
            );
        })?;
        Ok(())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the console until the user quits or a signal arrives. The first
/// event (`opened`) must already be in `log`.
pub fn run(m: &mut Model, log: Log, clock: &dyn Clock, screen: &mut Screen) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(event_loop(m, log, clock, &mut screen.0))
}

async fn event_loop(
    m: &mut Model<'_>,
    log: Log,
    clock: &dyn Clock,
    terminal: &mut ratatui::DefaultTerminal,
) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let theme = Theme::from_env();
    let (notices, mut answers) = mpsc::unbounded_channel();
    let mut effects = Live { log, notices };
    let mut keys = EventStream::new();
    let mut ticks = tokio::time::interval(Duration::from_millis(500));
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    dispatch(m, Msg::Tick(clock.now()), &mut effects);
    if let Some(why) = notify::off_at_start() {
        dispatch(m, Msg::NotificationsOff(why), &mut effects);
    }
    terminal.draw(|f| views::draw(f, m, theme))?;
    while !m.quit {
        let msg = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(TermEvent::Key(key))) => {
                    dispatch(m, Msg::Tick(clock.now()), &mut effects);
                    Some(Msg::Key(key))
                }
                Some(Ok(_)) => None, // resize and the rest: just redraw
                Some(Err(e)) => return Err(e),
                None => break,
            },
            _ = ticks.tick() => Some(Msg::Tick(clock.now())),
            Some(answer) = answers.recv() => answer.off_reason().map(Msg::NotificationsOff),
            _ = term.recv() => Some(Msg::Terminate),
            _ = hangup.recv() => Some(Msg::Terminate),
        };
        if let Some(msg) = msg {
            dispatch(m, msg, &mut effects);
        }
        terminal.draw(|f| views::draw(f, m, theme))?;
    }
    Ok(())
}
