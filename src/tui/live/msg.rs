//! What reaches the console's [`super::update::update`] ([`Msg`]) and what
//! it asks of the event loop ([`Effect`]).

use crate::log::Event;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

/// What happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock: timers move on.
    Tick(DateTime<Utc>),
    /// The oldest pending log append was synced (its `seq`), or failed.
    Logged(Result<u64, String>),
    /// The oldest pending step was not recorded: the shared incident
    /// already has it (`None`), or refuses it (why, to be shown).
    NotShared(Option<String>),
    /// A desktop notification could not be delivered: why.
    NotificationsOff(String),
    /// SIGTERM or SIGHUP: record `closed` and quit without asking.
    Terminate,
    /// The incident report was written (its path), or could not be.
    Reported(Result<String, String>),
}

/// What the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append and sync, then answer [`Msg::Logged`].
    Append(Box<Event>),
    Bell,
    Notify {
        summary: String,
        body: String,
    },
    /// Write the incident report next to the log, then answer [`Msg::Reported`].
    Report,
    Quit,
}
