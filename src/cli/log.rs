//! `andon log verify`: checks a decision log's hash chain and the story its
//! events tell, names the first line that was changed, removed or
//! reordered, and with `--key PUB` or `--head SEQ:HASH` checks the log
//! against an anchor a chain alone lacks (`log::sign`). `andon log keygen
//! FILE`: a key pair to sign logs with. `andon log export --db URL
//! INCIDENT`: a shared incident as a `.andonlog`, on standard output.

mod human;
mod json;

use super::output::Render;
use crate::log::Verification;
use crate::log::sign::{self, AtHead, PublicKey, Signatures};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(clap::Subcommand, Debug)]
enum LogCommand {
    /// Check the hash chain and the story: exit 0 when both hold, 1 when a line was changed, removed or reordered, the events do not hold together, or an anchor (--key, --head) fails
    #[command(
        after_help = "Example:\n  andon log verify incident-2026-03-06.andonlog\n  andon log verify --key console.key.pub --head 42:HASH incident-2026-03-06.andonlog"
    )]
    Verify {
        /// The log file (`*.andonlog`)
        log: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: super::Format,
        /// Check every `signed` event with this public key (`andon log
        /// keygen` wrote it as KEY.pub), and that the last signature covers
        /// the end of the log
        #[arg(long, value_name = "PUB")]
        key: Option<PathBuf>,
        /// Check the log against a head written down earlier (printed at
        /// close and in the incident report): that line must still be there
        /// with that hash
        #[arg(long, value_name = "SEQ:HASH")]
        head: Option<String>,
    },
    /// Make a key pair to sign decision logs with: FILE (private, mode 0600) and FILE.pub
    #[command(
        after_help = "Example:\n  andon log keygen /etc/andon/console.key\n  andon console --sign-key /etc/andon/console.key\n  andon log verify --key console.key.pub incident.andonlog"
    )]
    Keygen {
        /// The private key file to create (an existing file is refused)
        file: PathBuf,
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
        LogCommand::Verify {
            log,
            format,
            key,
            head,
        } => {
            // The anchors are read first: a wrong key file or head is said
            // before anything about the log.
            let key = key.as_deref().map(PublicKey::read).transpose()?;
            let head = match head {
                Some(h) => Some(sign::parse_head(h).map_err(anyhow::Error::msg)?),
                None => None,
            };
            let checked = Checked::of(log, key.as_ref(), head)?;
            let render: &dyn Render<Checked> = match format {
                super::Format::Human => &human::Human,
                super::Format::Json => &json::Json,
            };
            // The human form says what fails on standard error, so that
            // standard output holds only what verifies.
            if *format == super::Format::Human {
                eprint!("{}", crate::model::visible(&human::errors(&checked)));
            }
            super::output::print(render, &checked)?;
            Ok(checked.exit())
        }
        LogCommand::Keygen { file } => keygen(file),
        LogCommand::Export { db, incident } => export(db, incident),
    }
}

fn keygen(path: &Path) -> Result<ExitCode> {
    let (public, id) = sign::keygen(path)?;
    println!(
        "private key: {} (mode 0600; it stays on the console's host: andon console --sign-key {})",
        crate::model::visible(&path.display().to_string()),
        crate::model::visible(&path.display().to_string())
    );
    println!(
        "public key: {} (for the auditor: andon log verify --key {} LOG)",
        crate::model::visible(&public.display().to_string()),
        crate::model::visible(&public.display().to_string())
    );
    println!("key: {id}");
    Ok(ExitCode::SUCCESS)
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

/// A log checked: its chain and story, and the anchors asked for; what
/// the formats render.
pub struct Checked<'a> {
    log: &'a Path,
    v: Verification,
    /// With `--key`: the key's id and what its signatures say.
    signatures: Option<(String, Signatures)>,
    /// With `--head`: the head given and what the log holds there.
    head: Option<((u64, String), AtHead)>,
}

impl Checked<'_> {
    fn of<'a>(
        path: &'a Path,
        key: Option<&PublicKey>,
        head: Option<(u64, String)>,
    ) -> Result<Checked<'a>> {
        let (v, events) = crate::log::verify_events(path)?;
        Ok(Checked {
            log: path,
            signatures: key.map(|k| (k.id().to_owned(), sign::check(&events, k))),
            head: head.map(|(seq, hash)| {
                let at = sign::check_head(&events, seq, &hash);
                ((seq, hash), at)
            }),
            v,
        })
    }

    /// Whether everything checked holds: the exit code.
    fn holds(&self) -> bool {
        self.v.intact()
            && self.v.story_holds()
            && self.signatures.as_ref().is_none_or(|(_, s)| s.hold())
            && (self.head.as_ref()).is_none_or(|(_, at)| matches!(at, AtHead::Holds { .. }))
    }

    fn exit(&self) -> ExitCode {
        if self.holds() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}
