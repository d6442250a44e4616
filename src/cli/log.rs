//! `andon log verify`: checks a decision log's hash chain and names the first
//! line that was changed, removed or reordered.

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
    },
}

pub fn log(args: &LogArgs) -> Result<ExitCode> {
    match &args.command {
        LogCommand::Verify { log } => verify(log),
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
    println!("ok: {} event{plural}, chain intact", v.events);
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
    Ok(ExitCode::SUCCESS)
}
