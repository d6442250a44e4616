//! `andon log verify`: checks a decision log's hash chain and names the first
//! line that was changed, removed or reordered. `andon log export --db URL
//! INCIDENT`: a shared incident as a `.andonlog`, on standard output.

mod human;
mod json;

use super::output::Render;
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

impl LogArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        matches!(&self.command, LogCommand::Verify { format, .. } if *format == super::Format::Json)
    }
}

pub fn log(args: &LogArgs) -> Result<ExitCode> {
    match &args.command {
        LogCommand::Verify { log, format } => verify(log, *format),
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

/// The verdict of `log verify` with the log's name: what the formats render.
pub struct Verified<'a> {
    pub log: &'a std::path::Path,
    pub verdict: &'a crate::log::Verification,
}

/// Exit 0 when the chain is intact, 1 when a line was changed, removed or
/// reordered, in either format.
fn verify(path: &std::path::Path, format: super::Format) -> Result<ExitCode> {
    let v = crate::log::verify(path)?;
    let verified = Verified {
        log: path,
        verdict: &v,
    };
    let render: &dyn Render<Verified> = match format {
        super::Format::Human => &human::Human,
        super::Format::Json => &json::Json,
    };
    if format == super::Format::Human
        && let Some(error) = human::broken(&verified)
    {
        eprint!("{}", crate::model::visible(&error));
    }
    super::output::print(render, &verified)?;
    Ok(if v.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
