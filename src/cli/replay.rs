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

use super::Format;
use crate::engine::Engine;
use crate::load;
use crate::log::event::Opened;
use crate::log::replay::{Change, Difference, Moment, Replay};
use crate::log::words;
use crate::log::{self, LogRead};
use crate::tui::replay::{Against, Integrity, Model};
use anyhow::{Result, bail};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde_json::{Value, json};
use std::fmt::Write as _;
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

/// The other runbook and what it answers differently.
struct Compared {
    path: PathBuf,
    hash: Option<String>,
    differences: Vec<Difference>,
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
    match (args.format, args.print) {
        (Format::Json, _) => {
            if let Some(warning) = warning(&integrity, replay.len()) {
                eprintln!("{warning}");
            }
            let out = as_json(&log_name, &replay, &integrity, compared.as_ref());
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(code)
        }
        (Format::Human, true) => {
            super::print_human(&human(&log_name, &replay, &integrity, compared.as_ref()));
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

/// Plant times in the log's own zone when it names one.
struct Clock(Option<Tz>);

impl Clock {
    fn of(session: &Opened) -> Clock {
        Clock(session.timezone.as_deref().and_then(|t| t.parse().ok()))
    }

    fn show(&self, at: DateTime<FixedOffset>, format: &str) -> String {
        match self.0 {
            Some(tz) => at.with_timezone(&tz).format(format).to_string(),
            None => at.format(&format.replace("%Z", "%:z")).to_string(),
        }
    }
}

fn human(log: &str, replay: &Replay, integrity: &Integrity, compared: Option<&Compared>) -> String {
    let mut out = String::new();
    if let Some(w) = warning(integrity, replay.len()) {
        let _ = writeln!(out, "{w}");
    }
    let clock = Clock::of(&replay.session);
    let s = &replay.session;
    let chain = match integrity {
        Integrity::Intact => "chain intact",
        Integrity::Broken { .. } => "CHAIN BROKEN",
        Integrity::Torn { .. } => "TORN LAST LINE",
    };
    let _ = writeln!(out, "replay of {log}: {} events, {chain}", replay.len());
    if let Some(runbook) = &s.runbook {
        let _ = writeln!(
            out,
            "written with runbook {runbook} ({}), plant {}",
            s.runbook_hash.as_deref().unwrap_or("no hash"),
            s.plant.as_deref().unwrap_or("?")
        );
    }
    let _ = writeln!(out, "\nTimeline:");
    let mut day = None;
    for e in &replay.entries {
        let date = clock.show(e.event.at, "%a %d %b %Y");
        let time = if day.as_ref() == Some(&date) {
            clock.show(e.event.at, "%H:%M:%S")
        } else {
            clock.show(e.event.at, "%a %d %b %Y %H:%M:%S %Z")
        };
        day = Some(date);
        let mark = match compared {
            Some(c) if c.differences.iter().any(|d| d.seq == e.seq) => "!",
            _ => " ",
        };
        let _ = writeln!(
            out,
            "{mark}{:>4}  {time}  {}",
            e.seq,
            words::event(&e.event)
        );
    }
    let end: Moment = replay.moment(replay.len().saturating_sub(1));
    let _ = writeln!(out, "\nDecisions taken ({}):", end.taken.len());
    for t in &end.taken {
        let _ = writeln!(
            out,
            "  {} {} {} by {}: {}, {}{}",
            t.id,
            clock.show(t.at, "%H:%M"),
            t.what(),
            t.by.join(" and "),
            if t.approved { "approved" } else { "declined" },
            words::authorized(t.authorized),
            if t.flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.flags.join("; "))
            }
        );
    }
    if !end.open.is_empty() {
        let _ = writeln!(out, "\nStill open at the end ({}):", end.open.len());
        for o in &end.open {
            let _ = writeln!(
                out,
                "  {} {} (opened {}, level {} of {})",
                o.id,
                o.what(),
                clock.show(o.opened_at, "%H:%M"),
                o.level,
                o.chain.len()
            );
        }
    }
    if let Some(c) = compared {
        let n = c.differences.len();
        let _ = writeln!(
            out,
            "\nAgainst {}{}: {}",
            c.path.display(),
            sameness(c, s),
            match n {
                0 => "no difference".to_owned(),
                1 => "1 difference".to_owned(),
                n => format!("{n} differences"),
            }
        );
        for d in &c.differences {
            let _ = writeln!(out, "  {d}");
        }
    }
    out
}

/// ` (the same runbook hash as the log's)` when it is. The hash covers
/// the files' paths too, so a different one may still be the same files
/// named from elsewhere: nothing is said then.
fn sameness(c: &Compared, s: &Opened) -> &'static str {
    match (&c.hash, &s.runbook_hash) {
        (Some(a), Some(b)) if a == b => " (the same runbook hash as the log's)",
        _ => "",
    }
}

fn as_json(
    log: &str,
    replay: &Replay,
    integrity: &Integrity,
    compared: Option<&Compared>,
) -> Value {
    let s = &replay.session;
    let end = replay.moment(replay.len().saturating_sub(1));
    let differs = |seq: u64| compared.is_some_and(|c| c.differences.iter().any(|d| d.seq == seq));
    let timeline: Vec<Value> = replay
        .entries
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq, "line": e.line, "at": e.event.at.to_rfc3339(),
                "kind": e.event.kind().as_str(), "words": words::event(&e.event), "differs": differs(e.seq),
            })
        })
        .collect();
    let taken: Vec<Value> = end
        .taken
        .iter()
        .map(|t| {
            json!({
                "decision": t.id, "at": t.at.to_rfc3339(), "identity": t.identity,
                "action": t.action, "state": t.state, "by": t.by, "approved": t.approved,
                "authorized": t.authorized, "ahead_of_chain": t.ahead_of_chain,
                "rule": t.rule, "flags": t.flags,
            })
        })
        .collect();
    let open: Vec<Value> = end
        .open
        .iter()
        .map(|o| {
            json!({
                "decision": o.id, "opened_at": o.opened_at.to_rfc3339(), "identity": o.identity,
                "action": o.action, "state": o.state, "verdict": o.verdict, "rule": o.rule,
                "level": o.level, "levels": o.chain.len(),
            })
        })
        .collect();
    let (broken, torn) = match integrity {
        Integrity::Intact => (Value::Null, Value::Null),
        Integrity::Broken { line, why } => (json!({"line": line, "fault": why}), Value::Null),
        Integrity::Torn { line, bytes } => (Value::Null, json!({"line": line, "bytes": bytes})),
    };
    let against = compared.map(|c| {
        let differences: Vec<Value> = c.differences.iter().map(difference).collect();
        json!({
            "runbook": c.path.display().to_string(),
            "runbook_hash": c.hash,
            "same_hash_as_log": c.hash.is_some() && c.hash == s.runbook_hash,
            "differences": differences,
        })
    });
    json!({
        "log": log,
        "chain": {
            "intact": matches!(integrity, Integrity::Intact | Integrity::Torn { .. }),
            "events": replay.len(),
            "broken": broken,
            "torn_tail": torn,
        },
        "session": {
            "runbook": s.runbook, "runbook_hash": s.runbook_hash, "plant": s.plant,
            "timezone": s.timezone, "mode": s.mode, "scenario": s.scenario, "rehearsal": s.rehearsal,
        },
        "timeline": timeline,
        "decisions": taken,
        "open_at_end": open,
        "state_at_end": end.state,
        "against": against,
    })
}

fn difference(d: &Difference) -> Value {
    let person = match &d.change {
        Change::Authority { person, .. } => Some(person.as_str()),
        _ => None,
    };
    json!({
        "decision": d.decision, "seq": d.seq, "line": d.line, "at": d.at.to_rfc3339(),
        "what": d.what, "change": d.change.as_str(), "person": person,
        "words": d.words, "text": d.to_string(),
    })
}
