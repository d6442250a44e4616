//! The live console in the event loop of [`crate::tui::terminal`]: keys, ticks,
//! notification answers and signals become messages for [`update`], whose
//! effects are carried out here (a log append is synced before anything
//! is drawn).
//!
//! On SIGTERM or SIGHUP a `closed` event is appended before the console
//! quits. The log is whole on every way out, since every line is written
//! and synced in one piece.

use super::model::{Model, Notifications};
use super::shared;
use super::update::{Effect, Msg, update};
use super::views;
use crate::log::{Event, Log};
use crate::share::{Link, Outcome, Signal, Store};
use crate::tui::chrome::Theme;
use crate::tui::clock::Clock;
use crate::tui::notify::{self, Delivery};
use crate::tui::terminal::{Console, Input, Terminal};
use std::collections::VecDeque;
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Where effects go: the real log and terminal, or a test's record.
pub trait Effects {
    /// Appends and syncs one event; its `seq`, or why it failed.
    fn append(&mut self, event: &Event) -> Result<u64, String>;
    /// The answer to an append: [`Msg::Logged`] with [`Effects::append`]'s
    /// result, unless a shared incident did not record it.
    fn logged(&mut self, event: &Event) -> Msg {
        Msg::Logged(self.append(event))
    }
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
                Effect::Append(event) => queue.push_back(effects.logged(&event)),
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
struct TerminalEffects {
    log: Log,
    /// The shared incident, when the console shares one.
    link: Option<Link>,
    notices: mpsc::UnboundedSender<Delivery>,
}

impl Effects for TerminalEffects {
    fn append(&mut self, event: &Event) -> Result<u64, String> {
        match self.logged(event) {
            Msg::Logged(result) => result,
            _ => Err("the shared incident did not record it".to_owned()),
        }
    }

    fn logged(&mut self, event: &Event) -> Msg {
        let Some(link) = &mut self.link else {
            return Msg::Logged(self.log.append(event).map_err(|e| e.to_string()));
        };
        match link.append(&mut self.log, event) {
            Outcome::Recorded(seq) => Msg::Logged(Ok(seq)),
            Outcome::Failed(why) => Msg::Logged(Err(why)),
            // The plant keeps working: the step goes to the local log alone.
            Outcome::Unreachable(_) => Msg::Logged(link.record_offline(&mut self.log, event)),
            Outcome::AlreadyDone => Msg::NotShared(None),
            Outcome::Refused(why) => Msg::NotShared(Some(why)),
        }
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
                crate::log::report::write_incident_report(self.log.path(), &names(m))
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
    effects: TerminalEffects,
    clock: &'c dyn Clock,
    next_tick: Instant,
    /// Where the answers of desktop notifications go, until forwarded.
    deliveries: Option<mpsc::UnboundedReceiver<Delivery>>,
    heard: mpsc::UnboundedSender<Heard>,
    /// When to say again that this console is on the shared incident.
    next_presence: Instant,
    /// The listener's generation, one more after each reconnection.
    generation: u64,
    /// A reconnection is being tried, on a thread of its own.
    reconnecting: bool,
    /// When to try again to reach a database that was lost.
    next_retry: Instant,
}

/// How often a console on a shared incident says it is there.
const PRESENCE: Duration = Duration::from_secs(5);

/// What reaches the live console from its own background work.
#[derive(Debug)]
pub enum Heard {
    /// A desktop notification's answer.
    Delivery(Delivery),
    /// The shared incident has news, heard by the listener of this
    /// generation (a listener from before a reconnection is not heard).
    Shared(u64, Signal),
    /// A new connection to the database after it was lost, or why not.
    Reconnect(Result<Box<Store>, String>),
}

impl Running<'_, '_, '_> {
    /// Listens for the incident's news, as generation `generation`.
    fn follow(&mut self) {
        let Some(link) = &self.effects.link else {
            return;
        };
        let heard = self.heard.clone();
        let generation = self.generation;
        if let Err(why) = link.follow(move |signal| {
            let _ = heard.send(Heard::Shared(generation, signal));
        }) {
            self.m
                .say(format!("other consoles' events will not show: {why}"), true);
        }
    }

    /// Tries to reach the lost database again, off the event loop (a
    /// connection can take seconds to fail).
    fn retry(&mut self) {
        let Some(link) = &self.effects.link else {
            return;
        };
        if link.down.is_none() || self.reconnecting || Instant::now() < self.next_retry {
            return;
        }
        self.reconnecting = true;
        let target = link.store().target().clone();
        let heard = self.heard.clone();
        std::thread::spawn(move || {
            let store = Store::open(&target)
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = heard.send(Heard::Reconnect(store));
        });
    }

    /// Says this console is on the incident, and lists the others.
    fn presence(&mut self) {
        let Some(link) = &mut self.effects.link else {
            return;
        };
        self.next_presence = Instant::now() + PRESENCE;
        if let (Some(others), Some(status)) = (link.presence(true), &mut self.m.shared) {
            status.others = others;
        }
    }

    /// Takes the shared incident's state again after new events (its own
    /// or another console's), and says what others did.
    fn take_shared(&mut self, remote: &[crate::log::Entry]) {
        let Some(link) = &mut self.effects.link else {
            return;
        };
        if let Some(status) = &mut self.m.shared
            && link.down.is_none()
        {
            status.down = None;
            status.unshared = 0;
        }
        if let (Some(why), Some(status)) = (&link.down, &mut self.m.shared) {
            status.unshared = link.unshared;
            if status.down.is_none() {
                status.down = Some(why.clone());
                self.m.say(
                    format!(
                        "DATABASE UNREACHABLE: recording in the local log only, not shared ({why})"
                    ),
                    true,
                );
            }
            link.settle();
            return;
        }
        if !link.changed {
            return;
        }
        // Told first, so that what the state says about this console's
        // own screen ("already decided by ...") is the newest line.
        for entry in remote {
            shared::tell(self.m, &entry.event);
        }
        shared::resync(self.m, &link.entries);
        for notice in link.settle() {
            self.m.say(notice, false);
        }
        self.m.logged = self.effects.log.last_seq();
    }
}

/// How often the clock is read.
const TICK: Duration = Duration::from_millis(500);

impl Console for Running<'_, '_, '_> {
    type Other = Heard;

    fn start(&mut self) {
        if let Some(mut deliveries) = self.deliveries.take() {
            let heard = self.heard.clone();
            tokio::spawn(async move {
                while let Some(d) = deliveries.recv().await {
                    if heard.send(Heard::Delivery(d)).is_err() {
                        return;
                    }
                }
            });
        }
        self.follow();
        dispatch(self.m, Msg::Tick(self.clock.now()), &mut self.effects);
        if let Some(why) = notify::off_at_start() {
            dispatch(self.m, Msg::NotificationsOff(why), &mut self.effects);
        }
        self.next_tick = Instant::now() + TICK;
    }

    fn input(&mut self, input: Input<Heard>) {
        let msg = match input {
            Input::Key(key) => {
                dispatch(self.m, Msg::Tick(self.clock.now()), &mut self.effects);
                Some(Msg::Key(key))
            }
            Input::Timer => {
                self.next_tick = Instant::now() + TICK;
                if self.effects.link.is_some() && Instant::now() >= self.next_presence {
                    self.presence();
                }
                self.retry();
                Some(Msg::Tick(self.clock.now()))
            }
            Input::Other(Heard::Delivery(answer)) => answer.off_reason().map(Msg::NotificationsOff),
            Input::Other(Heard::Shared(generation, _)) if generation != self.generation => None,
            Input::Other(Heard::Reconnect(answer)) => {
                self.reconnecting = false;
                self.next_retry = Instant::now() + PRESENCE;
                let said = match (answer, &mut self.effects.link) {
                    (Ok(store), Some(link)) => link.reconnected(&mut self.effects.log, *store),
                    _ => Vec::new(),
                };
                if !said.is_empty() {
                    for line in said {
                        self.m.say(line, true);
                    }
                    self.generation += 1;
                    self.follow();
                    if let Some(link) = &mut self.effects.link {
                        match link.catch_up(&mut self.effects.log) {
                            Ok(new) => self.take_shared(&new),
                            Err(why) => self.m.say(
                                format!("the shared incident could not be read: {why}"),
                                true,
                            ),
                        }
                    }
                }
                None
            }
            Input::Other(Heard::Shared(_, Signal::Event(seq))) => {
                if let Some(link) = &mut self.effects.link
                    && seq > link.head()
                {
                    match link.catch_up(&mut self.effects.log) {
                        Ok(new) => self.take_shared(&new),
                        Err(why) => self.m.say(
                            format!("the shared incident could not be read: {why}"),
                            true,
                        ),
                    }
                }
                None
            }
            Input::Other(Heard::Shared(_, Signal::Lost(why))) => {
                if let Some(link) = &mut self.effects.link {
                    link.lost(why);
                }
                None
            }
            Input::Terminate => Some(Msg::Terminate),
        };
        if let Some(msg) = msg {
            dispatch(self.m, msg, &mut self.effects);
        }
        self.take_shared(&[]);
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
    link: Option<Link>,
    clock: &dyn Clock,
    terminal: &mut Terminal,
) -> std::io::Result<()> {
    let (notices, deliveries) = mpsc::unbounded_channel();
    let (heard, others) = mpsc::unbounded_channel();
    let mut running = Running {
        m,
        effects: TerminalEffects { log, link, notices },
        clock,
        next_tick: Instant::now(),
        deliveries: Some(deliveries),
        heard,
        next_presence: Instant::now(),
        generation: 0,
        reconnecting: false,
        next_retry: Instant::now(),
    };
    let result = crate::tui::terminal::run(&mut running, others, terminal);
    if let Some(link) = &mut running.effects.link {
        // Gone from the others' status lines at once, not in 30 s.
        let _ = link.presence(false);
    }
    result
}

/// People's names by id, for the incident report (the log holds ids).
fn names(m: &Model) -> crate::log::report::Names {
    (m.engine.runbook.people.iter())
        .map(|p| (p.id.value.to_string(), p.label().to_owned()))
        .collect()
}
