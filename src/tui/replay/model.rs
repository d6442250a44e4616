//! Everything the replay console shows, in one value: the log's events, the
//! event under the cursor and the moment after it, whether the hash chain
//! verifies, the differences found `--against` another runbook, and the
//! player (playing or paused, speed). Views read it; only
//! [`super::update::update`] changes it.

use crate::log::replay::{Difference, Moment, Replay};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use std::time::Duration;

/// Play speeds: plant time per real time.
pub const SPEEDS: [u32; 4] = [1, 10, 60, 600];

/// The speed a replay starts at (x60: a minute of the log a second).
pub const START_SPEED: usize = 2;

/// The longest real time one step waits while playing, whatever the gap.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// Whether the log is whole: what `andon log verify` would say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// Every line checks.
    Intact,
    /// Line `line` was changed, removed or reordered (`why`); the events
    /// before it are replayed, nothing after it.
    Broken { line: usize, why: String },
    /// The last line is torn (a write cut short by a crash): `bytes`
    /// without a newline at `line`; the events before it are replayed.
    Torn { line: usize, bytes: usize },
}

/// The runbook the log was compared with, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Against {
    /// As given on the command line.
    pub runbook: String,
    pub differences: Vec<Difference>,
}

/// The replay console's state.
#[derive(Debug, Clone)]
pub struct Model {
    pub replay: Replay,
    /// The log file, as given.
    pub log: String,
    pub integrity: Integrity,
    pub against: Option<Against>,
    /// The plant's time zone, from `opened`, for clock times with their
    /// abbreviation; `None`: the offsets written in the log.
    pub tz: Option<Tz>,
    /// The event under the cursor, from 0.
    pub cursor: usize,
    /// The moment after the event under the cursor.
    pub moment: Moment,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The wake-up the player waits for; an older one is ignored.
    pub ticket: u64,
    pub help: bool,
    pub quit: bool,
    /// The last thing said (end of the log, speed), if any.
    pub said: Option<String>,
}

impl Model {
    /// A replay at its first event, paused.
    pub fn new(
        replay: Replay,
        log: String,
        integrity: Integrity,
        against: Option<Against>,
    ) -> Model {
        let tz = replay
            .session
            .timezone
            .as_deref()
            .and_then(|name| name.parse::<Tz>().ok());
        let moment = replay.moment(0);
        Model {
            replay,
            log,
            integrity,
            against,
            tz,
            cursor: 0,
            moment,
            playing: false,
            speed: START_SPEED,
            ticket: 0,
            help: false,
            quit: false,
            said: None,
        }
    }

    /// How many events can be replayed.
    pub fn len(&self) -> usize {
        self.replay.len()
    }

    pub fn is_empty(&self) -> bool {
        self.replay.is_empty()
    }

    pub fn at_end(&self) -> bool {
        self.cursor + 1 >= self.len()
    }

    /// Puts the cursor on event `index` (clamped) and works out its moment:
    /// one event on is applied to the current moment, any other jump
    /// replays from the start.
    pub fn seek(&mut self, index: usize) {
        let index = index.min(self.len().saturating_sub(1));
        if index == self.cursor + 1 {
            self.moment.apply(index, &self.replay.entries[index]);
        } else if index != self.cursor {
            self.moment = self.replay.moment(index);
        }
        self.cursor = index;
    }

    /// When the event at `index` happened, on the plant's clock.
    pub fn time(&self, index: usize) -> Option<DateTime<FixedOffset>> {
        self.replay.entries.get(index).map(|e| e.event.at)
    }

    /// A plant time formatted with `format`, with the zone's abbreviation
    /// when the log names its zone.
    pub fn clock(&self, at: DateTime<FixedOffset>, format: &str) -> String {
        match self.tz {
            Some(tz) => at.with_timezone(&tz).format(format).to_string(),
            None => at.format(&format.replace("%Z", "%:z")).to_string(),
        }
    }

    /// How long to wait, in real time, before playing the next event: the
    /// gap in the log divided by the speed, at most [`MAX_WAIT`]; `None` at
    /// the last event.
    pub fn wait(&self) -> Option<Duration> {
        let now = self.time(self.cursor)?;
        let next = self.time(self.cursor + 1)?;
        let gap = (next - now).to_std().unwrap_or(Duration::ZERO);
        Some((gap / SPEEDS[self.speed]).min(MAX_WAIT))
    }

    /// The differences about decision `id` found at or before the cursor.
    pub fn differences_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Difference> + 'a {
        let seq = self.replay.entries.get(self.cursor).map_or(0, |e| e.seq);
        self.against
            .iter()
            .flat_map(|a| a.differences.iter())
            .filter(move |d| d.decision == id && d.seq <= seq)
    }

    /// Whether event `index` asked or decided something the other runbook
    /// answers differently.
    pub fn differs(&self, index: usize) -> bool {
        let Some(seq) = self.replay.entries.get(index).map(|e| e.seq) else {
            return false;
        };
        self.against
            .as_ref()
            .is_some_and(|a| a.differences.iter().any(|d| d.seq == seq))
    }
}
