//! The replay in the event loop of [`crate::tui::terminal`]: keys, the
//! player's wake-ups and signals become messages for [`update`]. Nothing
//! is written: the log is only read.

use super::model::Model;
use super::update::{Effect, Msg, update};
use super::view;
use crate::tui::chrome::Theme;
use crate::tui::terminal::{Console, Input, Terminal};
use tokio::time::Instant;

/// The replay and the one wait its player asked for.
struct Player<'m> {
    m: &'m mut Model,
    /// When to wake, for which ticket (an older ticket is ignored by
    /// `update`).
    armed: Option<(Instant, u64)>,
}

impl Console for Player<'_> {
    type Other = std::convert::Infallible;

    fn input(&mut self, input: Input<Self::Other>) {
        let msg = match input {
            Input::Key(key) => Msg::Key(key),
            Input::Timer => match self.armed.take() {
                Some((_, ticket)) => Msg::Wake(ticket),
                None => return,
            },
            Input::Terminate => Msg::Terminate,
            Input::Other(never) => match never {},
        };
        for effect in update(self.m, msg) {
            match effect {
                Effect::WakeAfter { after, ticket } => {
                    self.armed = Some((Instant::now() + after, ticket));
                }
            }
        }
    }

    fn draw(&self, frame: &mut ratatui::Frame, theme: Theme) {
        view::draw(frame, self.m, theme);
    }

    fn wake_at(&self) -> Option<Instant> {
        self.armed.map(|(at, _)| at)
    }

    fn done(&self) -> bool {
        self.m.quit
    }
}

/// Runs the replay in `terminal` until the user quits or a signal arrives.
pub fn run(m: &mut Model, terminal: &mut Terminal) -> std::io::Result<()> {
    let (_, nothing) = tokio::sync::mpsc::unbounded_channel();
    super::super::terminal::run(&mut Player { m, armed: None }, nothing, terminal)
}
