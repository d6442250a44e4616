//! Starting a console session, in one place for its three ways in: a live
//! incident, a drill, and a live incident resumed from its log. Each opens
//! (or reopens) the decision log, records how the session began, and
//! returns the console's model with the log it appends to; the command
//! line only parses flags, loads the runbook and shows the loading frame.
//!
//! A later way in (a shared incident) is a fourth constructor here.

use super::drill::DrillMode;
use super::model::Model;
use super::resume;
use crate::drill::Drill;
use crate::engine::Engine;
use crate::log::event::{Mode, Opened};
use crate::log::events::{self, Opening};
use crate::log::replay::{Moment, Replay};
use crate::log::{Holder, Log, LogError, Weight};
use crate::model::{Scenario, Text};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// A console session ready to run: its model, the log it appends to,
/// and the shared incident when it shares one (`tui::live::shared`).
pub struct Session<'r> {
    pub model: Model<'r>,
    pub log: Log,
    pub link: Option<crate::share::Link>,
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(
        "`{0}` exists: give a new `--log FILE` (a console starts a new log; the old one stays as evidence), or continue it with `--resume`"
    )]
    Exists(PathBuf),
    #[error(
        "`{0}` is a drill's log: go on with the drill with `andon drill SCENARIO --resume {0}`, or see it with `andon replay`"
    )]
    DrillLog(PathBuf),
    #[error("`{0}` is not a drill's log: resume an incident with `andon console --resume {0}`")]
    NotADrill(PathBuf),
    #[error("`{path}` is the log of scenario `{logged}`, not of `{given}`")]
    OtherScenario {
        path: PathBuf,
        logged: String,
        given: String,
    },
    #[error("`{0}` holds no event to resume from")]
    Empty(PathBuf),
    #[error(
        "`{path}` {finding}; the log is not resumed (`andon log verify {path}` lists every finding)"
    )]
    Story {
        path: PathBuf,
        finding: crate::log::Finding,
    },
    #[error(transparent)]
    Share(#[from] crate::share::ShareError),
    #[error("incident `{0}` is a drill: join a live incident")]
    SharedDrill(String),
}

/// A live incident to start.
#[derive(Debug, Clone)]
pub struct LiveStart<'a> {
    /// The runbook as given on the command line, for `opened`.
    pub runbook: &'a str,
    pub runbook_hash: &'a str,
    pub log_path: &'a Path,
    pub holder: &'a Holder,
    /// The production state now.
    pub state: Text,
    pub now: DateTime<Utc>,
    /// Times are simulated from `--at`.
    pub rehearsal: bool,
}

/// A drill to start.
#[derive(Debug, Clone)]
pub struct DrillStart<'a> {
    pub scenario: &'a Scenario,
    pub runbook_hash: &'a str,
    pub log_path: &'a Path,
    pub holder: &'a Holder,
    /// Drill seconds per real second.
    pub speed: u32,
    pub paused: bool,
    /// The real time now.
    pub real: DateTime<Utc>,
}

/// An error when `path` exists: a console starts a new log (or resumes one
/// with `--resume`), and one still running on it is named.
pub fn check_free(path: &Path, holder: &Holder) -> Result<(), StartError> {
    if path.exists() {
        // Opening it tells whether another console holds it.
        return match Log::open_append(path, holder) {
            Err(e @ LogError::Locked { .. }) => Err(e.into()),
            _ => Err(StartError::Exists(path.to_path_buf())),
        };
    }
    Ok(())
}

/// A new log; an existing file is refused, with its holder when a console
/// has it open.
pub(crate) fn create(path: &Path, holder: &Holder) -> Result<Log, StartError> {
    check_free(path, holder)?;
    Ok(Log::create(path, holder)?)
}

impl LiveStart<'_> {
    /// The `opened` event of this live incident, on `runbook`'s plant clock.
    pub(super) fn opened(&self, runbook: &crate::model::Runbook) -> crate::log::Event {
        let tz = runbook.plant.timezone.value;
        events::opened(
            self.now.with_timezone(&tz).fixed_offset(),
            &Opening {
                runbook: self.runbook,
                runbook_hash: self.runbook_hash,
                plant: &runbook.plant.id.value,
                timezone: tz.name(),
                mode: Mode::Live,
                state: &self.state,
                scenario: None,
                rehearsal: self.rehearsal,
            },
        )
    }
}

impl<'r> Session<'r> {
    /// A live incident in a new log.
    pub fn live(engine: &'r Engine<'r>, s: &LiveStart) -> Result<Session<'r>, StartError> {
        let mut log = create(s.log_path, s.holder)?;
        let opened = s.opened(engine.runbook);
        let seq = log.append(&opened)?;
        let mut model = Model::new(
            engine,
            Mode::Live,
            s.log_path.display().to_string(),
            s.state.clone(),
            s.now,
        );
        model.logged = seq;
        Ok(Session {
            model,
            log,
            link: None,
        })
    }

    /// A drill of `scenario` in a new log, its clock at the scenario's start.
    pub fn drill(engine: &'r Engine<'r>, s: &DrillStart<'r>) -> Result<Session<'r>, StartError> {
        let mut log = create(s.log_path, s.holder)?;
        let runbook = engine.runbook;
        let scenario = s.scenario;
        let drill = Drill::new(scenario, engine);
        let start = drill.start();
        let state = scenario.start.state.value.clone();
        let opened = events::opened(
            start.fixed_offset(),
            &Opening {
                runbook: &crate::drill::report::tidy(&scenario.runbook_path),
                runbook_hash: s.runbook_hash,
                plant: &runbook.plant.id.value,
                timezone: runbook.plant.timezone.value.name(),
                mode: Mode::Drill,
                state: &state,
                scenario: Some(&scenario.id.value),
                rehearsal: false,
            },
        );
        let seq = log.append(&opened)?;
        let mut model = Model::new(
            engine,
            Mode::Drill,
            s.log_path.display().to_string(),
            state,
            start.to_utc(),
        );
        model.logged = seq;
        model.drill = Some(DrillMode::new(drill, s.speed, s.paused, s.real));
        model.say(
            format!(
                "drill {} started at x{}: {}",
                scenario.id.value,
                s.speed.max(1),
                if s.paused {
                    "paused, p starts the clock"
                } else {
                    "d shows injects and score"
                }
            ),
            false,
        );
        Ok(Session {
            model,
            log,
            link: None,
        })
    }
}

/// A live incident's log, opened to be continued: the lock is held and the
/// whole chain and story were checked (a torn last line is refused unless
/// the user asked to recover it).
pub struct Resumable {
    log: Log,
    path: PathBuf,
    /// How the session began.
    pub opened: Opened,
    started: Option<DateTime<chrono::FixedOffset>>,
    last_at: Option<DateTime<chrono::FixedOffset>>,
    last: Moment,
    /// What the log's events say that is worth saying but does not stop
    /// the resumption (a time that runs backwards), for the screen.
    warnings: Vec<String>,
}

impl Resumable {
    /// Opens `path` for append and reads it back; a drill's log, a
    /// broken chain or story, and an empty log are refused. A torn last
    /// line is refused unless `recover` (`--recover`): then, when the
    /// session starts, its bytes are kept in `LOG.torn`, cut off, and a
    /// `recovered` event says so.
    pub fn open(path: &Path, holder: &Holder, recover: bool) -> Result<Resumable, StartError> {
        Self::read(path, holder, Mode::Live, recover)
    }

    /// A drill's log, opened to go on with the exercise after a dropped
    /// session (`andon drill SCENARIO --resume LOG`), as [`Resumable::open`].
    pub fn open_drill(
        path: &Path,
        holder: &Holder,
        recover: bool,
    ) -> Result<Resumable, StartError> {
        Self::read(path, holder, Mode::Drill, recover)
    }

    fn read(
        path: &Path,
        holder: &Holder,
        mode: Mode,
        recover: bool,
    ) -> Result<Resumable, StartError> {
        let log = Log::open_recoverable(path, holder)?;
        let read = crate::log::read(path)?;
        // The chain says the lines are those written; the story, that they
        // are one session's: a forged or joined log is not continued.
        let story = crate::log::story::check(&read.events);
        if let Some(finding) = story.iter().find(|f| f.weight == Weight::Error) {
            return Err(StartError::Story {
                path: path.to_path_buf(),
                finding: finding.clone(),
            });
        }
        let warnings = story.iter().map(|f| format!("log {f}")).collect();
        let started = read.events.first().map(|e| e.event.at);
        let last_at = read.events.last().map(|e| e.event.at);
        let replay = Replay::new(read.events);
        let opened = replay.session.clone();
        let Some(last) = replay.len().checked_sub(1).map(|i| replay.moment(i)) else {
            return Err(StartError::Empty(path.to_path_buf()));
        };
        match (mode, opened.mode) {
            (Mode::Live, Some(Mode::Drill)) => {
                return Err(StartError::DrillLog(path.to_path_buf()));
            }
            (Mode::Drill, m) if m != Some(Mode::Drill) => {
                return Err(StartError::NotADrill(path.to_path_buf()));
            }
            _ => {}
        }
        // A torn line is set aside and cut only when the user asked, and
        // only once everything else lets it resume (`Resumable::recover`).
        if let Some(torn) = log.torn()
            && !recover
        {
            return Err(StartError::Log(LogError::Torn {
                path: path.to_path_buf(),
                line: torn.line,
                bytes: torn.bytes.len(),
            }));
        }
        Ok(Resumable {
            log,
            path: path.to_path_buf(),
            opened,
            started,
            last_at,
            last,
            warnings,
        })
    }

    /// Sets a torn last line aside and cuts it off (the user asked with
    /// `--recover`, and every check passed, the runbook's and the
    /// scenario's included): done first when the session starts. A
    /// drill's or a rehearsal's clock is the log's own, so the cut is
    /// recorded at its last event; a live one's, now.
    fn recover(&mut self, mode: Mode) -> Result<(), StartError> {
        let at = match self.last_at {
            Some(t) if mode == Mode::Drill || self.rehearsal() => t,
            Some(t) => Utc::now().with_timezone(t.offset()),
            None => Utc::now().fixed_offset(),
        };
        if let Some(r) = self.log.recover(at)? {
            self.warnings.push(format!(
                "the log's torn last line {} ({} bytes) was cut off and kept in {} (sha256 {}); a `recovered` event says so",
                r.line,
                r.bytes,
                r.kept_in.display(),
                r.sha256
            ));
        }
        Ok(())
    }

    /// Whether the log is a rehearsal (`--at`): its clock is simulated, and
    /// a resumed rehearsal goes on from [`Resumable::last_at`], not from
    /// the real time.
    pub fn rehearsal(&self) -> bool {
        self.opened.rehearsal.is_some()
    }

    /// The time of the log's last event.
    pub fn last_at(&self) -> Option<DateTime<chrono::FixedOffset>> {
        self.last_at
    }

    /// The session where the log left it, resolved with `engine`'s runbook
    /// (whose files hash to `runbook_hash`, shown as `runbook`); a
    /// `note` records the resumption. What the console should say about
    /// the restored state is on its screen.
    pub fn start<'r>(
        mut self,
        engine: &'r Engine<'r>,
        runbook: &str,
        runbook_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Session<'r>, StartError> {
        // Until the log's state is restored; a loaded runbook has a default.
        let default_state = (engine.runbook.default_state())
            .map_or_else(|| Text::from("normal"), |s| s.id.value.clone());
        let mut model = Model::new(
            engine,
            Mode::Live,
            self.path.display().to_string(),
            default_state,
            now,
        );
        if let Some(started) = self.started {
            model.started = started.with_timezone(&model.tz);
        }
        self.recover(Mode::Live)?;
        let hashes = resume::Hashes {
            logged: self.opened.runbook_hash.as_deref(),
            now: runbook_hash,
        };
        let mut said = std::mem::take(&mut self.warnings);
        said.extend(resume::restore(&mut model, &self.last, hashes));
        if self.opened.runbook_hash.as_deref() != Some(runbook_hash) {
            said.push(format!(
                "the runbook `{runbook}` is not the one the log was opened with (its hash differs)"
            ));
        }
        let text = format!(
            "console resumed by process {} with {} open decisions; runbook {runbook} ({runbook_hash})",
            std::process::id(),
            model.open.len(),
        );
        let at = now.with_timezone(&model.tz).fixed_offset();
        model.logged = self.log.append(&events::note(at, &text))?;
        for line in said {
            model.say(line, true);
        }
        model.say(
            format!(
                "resumed: {} open decisions, state {}",
                model.open.len(),
                model.state
            ),
            false,
        );
        Ok(Session {
            model,
            log: self.log,
            link: None,
        })
    }

    /// The drill of `scenario` where its log left it: the decisions judged
    /// again in order for the score, the injects due by then shown (not
    /// logged again), open decisions with their frozen chains, and the
    /// drill clock standing paused at the log's last event (`p` starts it)
    /// at `speed`; a `note` records the resumption.
    pub fn start_drill<'r>(
        mut self,
        engine: &'r Engine<'r>,
        scenario: &'r Scenario,
        runbook_hash: &str,
        speed: u32,
        real: DateTime<Utc>,
    ) -> Result<Session<'r>, StartError> {
        if self.opened.scenario.as_deref() != Some(scenario.id.value.as_str()) {
            return Err(StartError::OtherScenario {
                path: self.path.clone(),
                logged: self.opened.scenario.clone().unwrap_or_default(),
                given: scenario.id.value.to_string(),
            });
        }
        self.recover(Mode::Drill)?;
        let drill = Drill::new(scenario, engine);
        let start = drill.start();
        let tz = start.timezone();
        let last = self.last_at.map_or(start, |t| t.with_timezone(&tz));
        let offset =
            crate::model::Duration(u64::try_from((last - start).num_seconds()).unwrap_or(0));
        let mut model = Model::new(
            engine,
            Mode::Drill,
            self.path.display().to_string(),
            scenario.start.state.value.clone(),
            last.to_utc(),
        );
        model.started = start;
        model.drill = Some(DrillMode::new(drill, speed, true, real));
        let hashes = resume::Hashes {
            logged: self.opened.runbook_hash.as_deref(),
            now: runbook_hash,
        };
        let mut said = std::mem::take(&mut self.warnings);
        said.extend(resume::restore(&mut model, &self.last, hashes));
        for taken in model.taken.clone() {
            super::steps::judge(&mut model, &taken, taken.acknowledged.clone());
        }
        if let Some(mode) = model.drill.take() {
            model.drill = Some(DrillMode::resumed(mode.drill, speed, offset));
        }
        let text = format!(
            "drill resumed by process {} at +{offset}, paused, with {} open decisions",
            std::process::id(),
            model.open.len(),
        );
        let at = last.fixed_offset();
        model.logged = self.log.append(&events::note(at, &text))?;
        for line in said {
            model.say(line, true);
        }
        model.say(
            format!("drill resumed at +{offset}, paused: p starts the clock"),
            false,
        );
        Ok(Session {
            model,
            log: self.log,
            link: None,
        })
    }
}
