//! One terminal and one event loop for every console (live, drill, resume,
//! replay). One tokio task merges keys, a timer, signals and the console's
//! own answers (desktop notifications) into inputs, hands each to the
//! console, and draws after each.
//!
//! The terminal is taken in raw mode on the alternate screen by
//! [`Terminal::start`] and restored on every way out: when dropped, and by
//! ratatui's panic hook on a panic. SIGTERM, SIGHUP, SIGINT and SIGQUIT
//! (sent with `kill`: in raw mode Ctrl-C is a key) reach the console as
//! [`Input::Terminate`], so it can record that it closed before it quits.
//! They are caught from the moment the terminal is taken: one that comes
//! while the loading frame is up ends the console as soon as its loop
//! starts, with the terminal restored and `closed` written, instead of
//! killing the process in raw mode (`tests/it/console_signals.rs` sends
//! SIGTERM, SIGHUP and SIGINT during the loading frame of a large plant and
//! checks the terminal it leaves: off the alternate screen, echoing, in
//! canonical mode).

use super::chrome::{Theme, centered};
use futures::StreamExt;
use ratatui::Frame;
use ratatui::crossterm::event::{Event as TermEvent, EventStream, KeyEvent};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The terminal in raw mode on the alternate screen, restored when
/// dropped (and by ratatui's panic hook on a panic); with the runtime the
/// event loop runs on and the signals it listens to, caught from the start.
pub struct Terminal {
    terminal: ratatui::DefaultTerminal,
    runtime: tokio::runtime::Runtime,
    signals: Signals,
}

/// The signals that end a console.
struct Signals {
    kinds: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Catches them from now on (inside `runtime`'s context).
    fn catch(runtime: &tokio::runtime::Runtime) -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        let _context = runtime.enter();
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
            SignalKind::quit(),
        ];
        let kinds = kinds
            .into_iter()
            .map(signal)
            .collect::<std::io::Result<_>>()?;
        Ok(Signals { kinds })
    }

    /// Waits for any of them (also one that came before this was called).
    async fn recv(&mut self) {
        let waits = self.kinds.iter_mut().map(|s| Box::pin(s.recv()));
        futures::future::select_all(waits).await;
    }
}

impl Terminal {
    /// Takes over the terminal; an error when there is none (piped output).
    pub fn start() -> std::io::Result<Terminal> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let signals = Signals::catch(&runtime)?;
        let terminal = ratatui::try_init().map_err(|e| {
            std::io::Error::new(e.kind(), format!("the console needs a terminal: {e}"))
        })?;
        Ok(Terminal {
            terminal,
            runtime,
            signals,
        })
    }

    /// Runs `load` on another thread while the loading frame shows `title`
    /// and how far the load has come (its stage, files done of how many, as
    /// a bar and in words), redrawn every 100 ms; returns what `load` gave.
    /// A signal that comes meanwhile waits for the console's loop (see the
    /// module's doc): no log is open yet, and the load is not cut halfway.
    pub fn loading<T: Send>(
        &mut self,
        title: &str,
        load: impl FnOnce(&crate::load::Progress) -> T + Send,
    ) -> std::io::Result<T> {
        let progress = crate::load::Progress::default();
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| load(&progress));
            while !worker.is_finished() {
                self.progress_frame(title, &progress)?;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            worker
                .join()
                .map_err(|_| std::io::Error::other("loading the runbook failed"))
        })
    }

    /// The loading frame: the title, the stage in words, and a bar with its
    /// count (`parsing the files: 7 of 12`), not colour alone.
    fn progress_frame(
        &mut self,
        title: &str,
        progress: &crate::load::Progress,
    ) -> std::io::Result<()> {
        // The path as given may hold anything a file name can.
        let title = crate::model::visible(title).replace('\n', " ");
        let (stage, done, of) = progress.now();
        let words = if of > 0 {
            format!("{}: {done} of {of}", stage.words())
        } else {
            stage.words().to_owned()
        };
        let width = (title.chars().count().max(words.chars().count()) + 4).clamp(40, 100);
        self.terminal.draw(|f| {
            let area = centered(f.area(), u16::try_from(width).unwrap_or(100), 5);
            let block = ratatui::widgets::Block::bordered().title(" andon ");
            let inner = block.inner(area);
            f.render_widget(block, area);
            let rows = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Length(1),
                ratatui::layout::Constraint::Length(1),
                ratatui::layout::Constraint::Length(1),
            ])
            .split(inner);
            f.render_widget(ratatui::widgets::Paragraph::new(&*title), rows[0]);
            f.render_widget(ratatui::widgets::Paragraph::new(words.as_str()), rows[1]);
            let ratio = if of > 0 { done as f64 / of as f64 } else { 0.0 };
            f.render_widget(
                ratatui::widgets::Gauge::default()
                    .ratio(ratio.clamp(0.0, 1.0))
                    .label(format!("{:.0}%", ratio * 100.0))
                    .use_unicode(true),
                rows[2],
            );
        })?;
        Ok(())
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// What reaches a console from the outside.
#[derive(Debug)]
pub enum Input<O> {
    Key(KeyEvent),
    /// The time it asked for ([`Console::wake_at`]) has come.
    Timer,
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT.
    Terminate,
    /// An answer from work the console started (a desktop notification).
    Other(O),
}

/// A console the event loop can run.
pub trait Console {
    /// Answers from the console's own background work.
    type Other;
    /// Called once inside the loop, before the first frame.
    fn start(&mut self) {}
    fn input(&mut self, input: Input<Self::Other>);
    fn draw(&self, frame: &mut Frame, theme: Theme);
    /// When to send the next [`Input::Timer`]; `None` for no timer.
    fn wake_at(&self) -> Option<Instant>;
    fn done(&self) -> bool;
}

/// Runs `console` in `terminal` until it is done or the keyboard closes.
pub fn run<C: Console>(
    console: &mut C,
    others: UnboundedReceiver<C::Other>,
    terminal: &mut Terminal,
) -> std::io::Result<()> {
    let Terminal {
        terminal,
        runtime,
        signals,
    } = terminal;
    runtime.block_on(event_loop(console, others, terminal, signals))
}

async fn event_loop<C: Console>(
    console: &mut C,
    mut others: UnboundedReceiver<C::Other>,
    terminal: &mut ratatui::DefaultTerminal,
    signals: &mut Signals,
) -> std::io::Result<()> {
    let theme = Theme::from_env();
    let mut keys = EventStream::new();
    // One timer, re-armed to what the console asks for after each input.
    let timer = tokio::time::sleep_until(Instant::now());
    tokio::pin!(timer);
    console.start();
    terminal.draw(|f| console.draw(f, theme))?;
    while !console.done() {
        let wake = console.wake_at();
        if let Some(at) = wake
            && at != timer.deadline()
        {
            timer.as_mut().reset(at);
        }
        let input = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(TermEvent::Key(key))) => Some(Input::Key(key)),
                Some(Ok(_)) => None, // resize and the rest: just redraw
                Some(Err(e)) => return Err(e),
                None => break,
            },
            () = &mut timer, if wake.is_some() => Some(Input::Timer),
            Some(other) = others.recv() => Some(Input::Other(other)),
            () = signals.recv() => Some(Input::Terminate),
        };
        if let Some(input) = input {
            console.input(input);
        }
        terminal.draw(|f| console.draw(f, theme))?;
    }
    Ok(())
}
