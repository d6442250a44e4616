//! `andon log verify`: checks a decision log's hash chain and the story its
//! events tell, names the first line that was changed, removed or
//! reordered, and with `--key PUB` or `--head SEQ:HASH` checks the log
//! against an anchor a chain alone lacks (`log::sign`). `andon log keygen
//! FILE`: a key pair to sign logs with. `andon log export --db URL
//! INCIDENT`: a shared incident as a `.andonlog`, on standard output.

use crate::log::sign::{self, AtHead, PublicKey, Signatures};
use crate::log::{Verification, Weight};
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
            Ok(match format {
                super::Format::Human => checked.human(),
                super::Format::Json => checked.json(log)?,
            })
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

/// A log checked: its chain and story, and the anchors asked for.
struct Checked {
    v: Verification,
    /// With `--key`: the key's id and what its signatures say.
    signatures: Option<(String, Signatures)>,
    /// With `--head`: the head given and what the log holds there.
    head: Option<((u64, String), AtHead)>,
}

impl Checked {
    fn of(path: &Path, key: Option<&PublicKey>, head: Option<(u64, String)>) -> Result<Checked> {
        let (v, events) = crate::log::verify_events(path)?;
        Ok(Checked {
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

    /// The verdict for scripts and auditors' tools: the same exit codes as
    /// the human form, the first fault, a torn tail, the head, whether the
    /// log ends with `closed`, what the events say that does not hold
    /// together (`story`, each finding an error or a warning), and the
    /// anchors checked (`signatures`, `written_head`).
    fn json(&self, path: &Path) -> Result<ExitCode> {
        let v = &self.v;
        let finding = |f: &crate::log::Finding| {
            serde_json::json!({
                "line": f.line,
                "seq": f.seq,
                "severity": weight(f.weight),
                "message": f.text,
            })
        };
        let json = serde_json::json!({
            "log": path.display().to_string(),
            "ok": self.holds(),
            "intact": v.intact(),
            "story_holds": v.story_holds(),
            "events": v.events,
            "problem": v.problem.as_ref().map(|p| serde_json::json!({
                "line": p.line,
                "fault": p.fault.to_string(),
            })),
            "story": v.story.iter().map(finding).collect::<Vec<_>>(),
            "torn_tail": v.torn_tail.as_ref().map(|t| serde_json::json!({
                "line": t.line,
                "bytes": t.bytes.len(),
            })),
            "head": v.head.as_ref().map(|(seq, hash)| serde_json::json!({
                "seq": seq,
                "hash": hash,
            })),
            "closed": v.closed,
            "signatures": self.signatures.as_ref().map(|(key, s)| serde_json::json!({
                "key": key,
                "hold": s.hold(),
                "good": s.good,
                "covered_seq": s.covered,
                "unsigned": s.unsigned.map(|(first, last)| serde_json::json!({
                    "first_seq": first,
                    "last_seq": last,
                })),
                "findings": s.findings.iter().map(finding).collect::<Vec<_>>(),
            })),
            "written_head": self.head.as_ref().map(|((seq, hash), at)| serde_json::json!({
                "seq": seq,
                "hash": hash,
                "holds": matches!(at, AtHead::Holds { .. }),
                "message": at_head(*seq, at),
            })),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        Ok(self.exit())
    }

    fn human(&self) -> ExitCode {
        let v = &self.v;
        if let Some(problem) = &v.problem {
            eprintln!("error: line {}: {}", problem.line, problem.fault);
            eprintln!(
                "note: the {} line(s) before it are intact; nothing after it can be trusted",
                v.events
            );
            return ExitCode::from(1);
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
                "head: seq {seq}, hash {hash} (write it down: a later copy must still have this line; andon log verify --head {seq}:{hash})"
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
        if let Some((key, s)) = &self.signatures {
            signatures(key, s);
        }
        if let Some(((seq, _), at)) = &self.head {
            match at {
                AtHead::Holds { .. } => println!("ok: {}", at_head(*seq, at)),
                _ => eprintln!("error: {}", at_head(*seq, at)),
            }
        }
        self.exit()
    }
}

/// What `--key` found, in words.
fn signatures(key: &str, s: &Signatures) {
    for f in &s.findings {
        eprintln!("error: {f}");
    }
    match s.covered {
        Some(seq) => println!(
            "ok: {} signature(s) by {key} verify; the last covers the log up to seq {seq}",
            s.good
        ),
        None => eprintln!(
            "error: no signature by {key} verifies: the key does not vouch for any of this log (not signed with it, its signatures removed, or the log rewritten)"
        ),
    }
    if let Some((first, last)) = s.unsigned {
        eprintln!(
            "error: seq {first} to {last} come after the last good signature: the key does not vouch for them (a session killed before it signed, or lines added by someone without the key)"
        );
    }
}

/// What the log holds at the written-down head, in words.
fn at_head(seq: u64, at: &AtHead) -> String {
    match at {
        AtHead::Holds { after: 0 } => {
            format!("the written-down head seq {seq} is the log's last line, with its hash")
        }
        AtHead::Holds { after } => format!(
            "the written-down head seq {seq} is in the log with its hash; {after} event(s) were written after it"
        ),
        AtHead::Missing { last: 0 } => {
            format!(
                "the log holds no event, so not the written-down head seq {seq}: it was emptied"
            )
        }
        AtHead::Missing { last } => format!(
            "the log ends at seq {last}, before the written-down head seq {seq}: it was cut"
        ),
        AtHead::Differs { line, hash } => format!(
            "line {line} (seq {seq}) has hash {hash}, not the written-down one: the log was rewritten"
        ),
    }
}

fn weight(w: Weight) -> &'static str {
    match w {
        Weight::Error => "error",
        Weight::Warning => "warning",
    }
}
