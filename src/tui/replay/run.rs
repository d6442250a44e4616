//! The replay's event loop: one tokio task merges keys, the player's
//! wake-ups and signals into messages, hands each to [`update`], arms the
//! timer it asks for, and draws. Nothing is written: the log is only read.
//!
//! The terminal is taken and restored by [`Screen`], as in the live
//! console: on quitting, on SIGTERM or SIGHUP, and on a panic.

use super::model::Model;
use super::update::{Effect, Msg, update};
use super::view;
use crate::tui::run::Screen;
use crate::tui::views::Theme;
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event as TermEvent, EventStream};
use std::io::Stdout;
use std::time::Duration;
use tokio::time::Instant;

/// Runs the replay until the user quits or a signal arrives. `_screen`
/// holds the terminal in raw mode on the alternate screen for as long as
/// this runs, and restores it when the caller drops it.
pub fn run(m: &mut Model, _screen: &mut Screen) -> std::io::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(event_loop(m, &mut terminal))
}

async fn event_loop(
    m: &mut Model,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let theme = Theme::from_env();
    let mut keys = EventStream::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    // One timer for the player, re-armed on every request; a request for
    // an older ticket is ignored by `update`.
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    let mut armed: Option<u64> = None;
    terminal.draw(|f| view::draw(f, m, theme))?;
    while !m.quit {
        let msg = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(TermEvent::Key(key))) => Some(Msg::Key(key)),
                Some(Ok(_)) => None, // resize and the rest: just redraw
                Some(Err(e)) => return Err(e),
                None => break,
            },
            () = &mut timer, if armed.is_some() => armed.take().map(Msg::Wake),
            _ = term.recv() => Some(Msg::Terminate),
            _ = hangup.recv() => Some(Msg::Terminate),
        };
        if let Some(msg) = msg {
            for effect in update(m, msg) {
                match effect {
                    Effect::WakeAfter { after, ticket } => {
                        timer.as_mut().reset(Instant::now() + after);
                        armed = Some(ticket);
                    }
                }
            }
        }
        terminal.draw(|f| view::draw(f, m, theme))?;
    }
    Ok(())
}
