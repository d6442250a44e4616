//! `andon replay LOG [--against RUNBOOK] [--print] [--format human|json]`:
//! a decision log replayed on its own timeline, in the console (read-only)
//! or printed; with `--against`, every decision asked again of another
//! runbook, and where today's answer differs.
//!
//! The replay needs only the log: the runbook it was written with is named
//! in `opened` but never loaded, since every answer the session saw is
//! frozen in the log. A broken hash chain or a torn last line is said
//! first, then the intact part is replayed.
//!
//! Exit codes (`--print`, `--format json`): 0 replayed and nothing
//! differs, 1 `--against` found differences, 2 bad input (an unreadable or
//! empty log, a runbook that does not load).

mod human;
mod json;

use super::Format;
use crate::engine::Engine;
use crate::load;
use crate::log::replay::{Difference, Replay};
use crate::log::{self, LogRead};
use crate::tui::replay::{Against, Integrity, Model};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// The decision log (`*.andonlog`); with `--db`, the shared incident's id
    log: PathBuf,
    /// Replay the shared incident named LOG straight from this database
    /// (`--db ''`: ANDON_DATABASE_URL or PGHOST...)
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Ask every decision again of this runbook (file or directory) and mark where the answer differs
    #[arg(long, value_name = "RUNBOOK")]
    against: Option<PathBuf>,
    /// Print the timeline, the decisions and the differences instead of opening the console
    #[arg(long)]
    print: bool,
    /// `json` prints too (no console)
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// What the printed formats render: the log's name, its replay and
/// integrity, and the comparison with `--against`.
pub struct Replayed<'a> {
    log: &'a str,
    replay: &'a Replay,
    integrity: &'a Integrity,
    compared: Option<&'a Compared>,
}

/// The other runbook and what it answers differently.
struct Compared {
    path: PathBuf,
    hash: Option<String>,
    differences: Vec<Difference>,
}

impl ReplayArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub fn replay(args: &ReplayArgs) -> Result<ExitCode> {
    let (read, integrity) = match &args.db {
        // The chain is checked as it is read: a break is an error there.
        Some(url) => {
            let db = super::db::DbArg {
                db: Some(url.clone()),
            };
            let incident = args.log.to_string_lossy();
            (
                super::db::read_incident(&db, &incident)?.0,
                Integrity::Intact,
            )
        }
        None => read_log(&args.log)?,
    };
    if read.events.is_empty() {
        match &integrity {
            Integrity::Broken { line, why } => bail!(
                "`{}` has no intact event to replay: line {line}: {why}",
                args.log.display()
            ),
            _ => bail!("`{}` holds no event to replay", args.log.display()),
        }
    }
    let replay = Replay::new(read.events);
    let compared = match &args.against {
        Some(path) => {
            let runbook = load::load(path)?;
            let differences = replay.differences(&Engine::new(&runbook));
            Some(Compared {
                path: path.clone(),
                hash: Some(runbook.content_hash.clone()),
                differences,
            })
        }
        None => None,
    };
    let code = match &compared {
        Some(c) if !c.differences.is_empty() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    };
    let log_name = args.log.display().to_string();
    let replayed = Replayed {
        log: &log_name,
        replay: &replay,
        integrity: &integrity,
        compared: compared.as_ref(),
    };
    match (args.format, args.print) {
        (Format::Json, _) => {
            if let Some(warning) = warning(&integrity, replay.len()) {
                eprintln!("{warning}");
            }
            super::output::print(&json::Json, &replayed)?;
            Ok(code)
        }
        (Format::Human, true) => {
            super::output::print(&human::Human, &replayed)?;
            Ok(code)
        }
        (Format::Human, false) => {
            let against = compared.map(|c| Against {
                runbook: c.path.display().to_string(),
                differences: c.differences,
            });
            let mut model = Model::new(replay, log_name, integrity, against);
            let mut screen = crate::tui::terminal::Terminal::start()
                .map_err(|e| anyhow::anyhow!("{e}; use `--print` to print the replay instead"))?;
            crate::tui::replay::run::run(&mut model, &mut screen)?;
            drop(screen);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The events of the log that can be trusted, and whether the log is whole.
fn read_log(path: &Path) -> Result<(LogRead, Integrity)> {
    let (read, problem) = log::read_intact(path)?;
    let integrity = match (problem, &read.torn_tail) {
        (Some(problem), _) => Integrity::Broken {
            line: problem.line,
            why: problem.fault.to_string(),
        },
        (None, Some(t)) => Integrity::Torn {
            line: t.line,
            bytes: t.bytes.len(),
        },
        (None, None) => Integrity::Intact,
    };
    Ok((read, integrity))
}

/// What to say first about a log that is not whole.
fn warning(integrity: &Integrity, events: usize) -> Option<String> {
    match integrity {
        Integrity::Intact => None,
        Integrity::Broken { line, why } => Some(format!(
            "warning: line {line}: {why}; the hash chain breaks there: replaying the {events} intact event(s) before it, nothing after it can be trusted"
        )),
        Integrity::Torn { line, bytes } => Some(format!(
            "warning: line {line}: torn last line ({bytes} bytes without a newline, a write cut short by a crash); replaying the {events} whole event(s) before it"
        )),
    }
}
