//! `andon log verify`: checks a decision log's hash chain and names the first
//! line that was changed, removed or reordered. `andon log export --db URL
//! INCIDENT`: a shared incident as a `.andonlog`, on standard output.

use crate::log::Weight;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(clap::Subcommand, Debug)]
enum LogCommand {
    /// Check the hash chain: exit 0 when intact, 1 when a line was changed, removed or reordered
    #[command(after_help = "Example:\n  andon log verify incident-2026-03-06.andonlog")]
    Verify {
        /// The log file (`*.andonlog`)
        log: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: super::Format,
    },
    /// Write a shared incident from the database as a decision log, on standard output
    #[command(
        after_help = "Example:\n  andon log export --db postgresql://andon@db.plant/andon lyon-packaging-20260306T021000 > incident.andonlog\n  andon log verify incident.andonlog"
    )]
    Export {
        #[command(flatten)]
        db: super::db::DbArg,
        /// The incident's id (`andon incidents --db URL` lists them)
        incident: String,
    },
}

pub fn log(args: &LogArgs) -> Result<ExitCode> {
    match &args.command {
        LogCommand::Verify { log, format } => match format {
            super::Format::Human => verify(log),
            super::Format::Json => verify_json(log),
        },
        LogCommand::Export { db, incident } => export(db, incident),
    }
}

/// The incident's lines exactly as stored: the chain was checked as read,
/// so what is written verifies as a file.
fn export(db: &super::db::DbArg, incident: &str) -> Result<ExitCode> {
    let (_, lines) = super::db::read_incident(db, incident)?;
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, text.as_bytes())?;
    std::io::Write::flush(&mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// The verdict for scripts and auditors' tools: the same exit codes as the
/// human form (0 intact, 1 broken), the first fault, a torn tail, the head,
/// whether the log ends with `closed`, and what the events say that does
/// not hold together (`story`, each finding an error or a warning).
fn verify_json(path: &std::path::Path) -> Result<ExitCode> {
    let v = crate::log::verify(path)?;
    let json = serde_json::json!({
        "log": path.display().to_string(),
        "intact": v.intact(),
        "story_holds": v.story_holds(),
        "events": v.events,
        "problem": v.problem.as_ref().map(|p| serde_json::json!({
            "line": p.line,
            "fault": p.fault.to_string(),
        })),
        "story": v.story.iter().map(|f| serde_json::json!({
            "line": f.line,
            "seq": f.seq,
            "severity": weight(f.weight),
            "message": f.text,
        })).collect::<Vec<_>>(),
        "torn_tail": v.torn_tail.as_ref().map(|t| serde_json::json!({
            "line": t.line,
            "bytes": t.bytes.len(),
        })),
        "head": v.head.as_ref().map(|(seq, hash)| serde_json::json!({
            "seq": seq,
            "hash": hash,
        })),
        "closed": v.closed,
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(if v.intact() && v.story_holds() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn weight(w: Weight) -> &'static str {
    match w {
        Weight::Error => "error",
        Weight::Warning => "warning",
    }
}

fn verify(path: &std::path::Path) -> Result<ExitCode> {
    let v = crate::log::verify(path)?;
    if let Some(problem) = &v.problem {
        eprintln!("error: line {}: {}", problem.line, problem.fault);
        eprintln!(
            "note: the {} line(s) before it are intact; nothing after it can be trusted",
            v.events
        );
        return Ok(ExitCode::from(1));
    }
    let plural = if v.events == 1 { "" } else { "s" };
    if v.story_holds() {
        println!("ok: {} event{plural}, chain intact", v.events);
    }
    for f in &v.story {
        match f.weight {
            Weight::Error => eprintln!("error: {f}"),
            Weight::Warning => println!("warning: {f}"),
        }
    }
    if !v.story_holds() {
        eprintln!(
            "note: the chain is intact ({} event{plural}): the lines are as they were written, but what they say is not one session's story (a forged log, or two logs joined)",
            v.events
        );
    }
    if let Some((seq, hash)) = &v.head {
        println!(
            "head: seq {seq}, hash {hash} (write it down: a later copy must still have this line)"
        );
    }
    if !v.closed && v.events > 0 {
        println!(
            "warning: not closed: the log has no `closed` event at its end (the session is still running, or was cut short)"
        );
    }
    if let Some(torn) = &v.torn_tail {
        println!(
            "warning: line {}: torn last line ({} bytes without a newline, a write cut short by a crash); the chain is intact up to it",
            torn.line,
            torn.bytes.len()
        );
    }
    Ok(if v.story_holds() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
