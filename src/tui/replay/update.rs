//! Every change to the replay console goes through [`update`]: a key or
//! the player's wake-up turns into a new model and, while playing, a
//! request to be woken for the next event. Nothing is written anywhere:
//! replay is read-only.

use super::model::{Model, SPEEDS};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Duration;

/// Every key: the key, what it does (the `?` box and docs/replay.md).
pub const KEYS: &[(&str, &str)] = &[
    ("j Down", "next event"),
    ("k Up", "previous event"),
    ("PgDn PgUp", "10 events on or back"),
    ("g Home", "first event"),
    ("G End", "last event"),
    (
        "Space",
        "play or pause (from the first event when at the end)",
    ),
    ("+ -", "play faster or slower: x1, x10, x60, x600"),
    ("?", "this help (Esc closes it)"),
    ("q Esc Ctrl-C", "quit"),
];

/// What happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The player's wait for ticket `n` is over.
    Wake(u64),
    /// SIGTERM or SIGHUP.
    Terminate,
}

/// What the event loop must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Answer [`Msg::Wake`] with `ticket` after `after` (replacing any
    /// earlier wait).
    WakeAfter { after: Duration, ticket: u64 },
}

/// Applies one message.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => key_pressed(m, key, &mut fx),
        Msg::Wake(ticket) if ticket == m.ticket && m.playing => {
            m.seek(m.cursor + 1);
            schedule(m, &mut fx);
        }
        Msg::Wake(_) => {}
        Msg::Terminate => m.quit = true,
    }
    fx
}

fn key_pressed(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        if key.code == KeyCode::Char('c') {
            m.quit = true;
        }
        return;
    }
    if m.help {
        match key.code {
            KeyCode::Esc | KeyCode::Char('?') => m.help = false,
            KeyCode::Char('q') => m.quit = true,
            _ => {}
        }
        return;
    }
    let last = m.len().saturating_sub(1);
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => m.quit = true,
        KeyCode::Char('?') => m.help = true,
        KeyCode::Char('j') | KeyCode::Down => moved(m, m.cursor + 1, fx),
        KeyCode::Char('k') | KeyCode::Up => moved(m, m.cursor.saturating_sub(1), fx),
        KeyCode::PageDown => moved(m, m.cursor + 10, fx),
        KeyCode::PageUp => moved(m, m.cursor.saturating_sub(10), fx),
        KeyCode::Char('g') | KeyCode::Home => moved(m, 0, fx),
        KeyCode::Char('G') | KeyCode::End => moved(m, last, fx),
        KeyCode::Char(' ') => {
            if m.playing {
                m.playing = false;
                m.ticket += 1;
                m.said = Some("paused".to_owned());
            } else {
                if m.at_end() {
                    m.seek(0);
                }
                m.playing = true;
                m.said = None;
                schedule(m, fx);
            }
        }
        KeyCode::Char('+') | KeyCode::Char('=') => speed(m, 1, fx),
        KeyCode::Char('-') => speed(m, -1, fx),
        _ => {}
    }
}

/// The cursor moved by hand; a playing replay goes on from there.
fn moved(m: &mut Model, to: usize, fx: &mut Vec<Effect>) {
    m.seek(to);
    m.said = None;
    if m.playing {
        schedule(m, fx);
    }
}

fn speed(m: &mut Model, by: isize, fx: &mut Vec<Effect>) {
    m.speed = m.speed.saturating_add_signed(by).min(SPEEDS.len() - 1);
    m.said = Some(format!("speed x{}", SPEEDS[m.speed]));
    if m.playing {
        schedule(m, fx);
    }
}

/// Asks to be woken for the next event, or stops at the last one.
fn schedule(m: &mut Model, fx: &mut Vec<Effect>) {
    m.ticket += 1;
    match m.wait() {
        Some(after) => fx.push(Effect::WakeAfter {
            after,
            ticket: m.ticket,
        }),
        None => {
            m.playing = false;
            m.said = Some("end of the log".to_owned());
        }
    }
}
