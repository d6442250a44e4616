//! The command line: clap definitions, one file per subcommand, and the
//! shared steps (finding and loading the runbook, reading `--at`).

mod completions;
pub(crate) mod console;
mod coverage;
pub(crate) mod db;
mod diff;
pub(crate) mod drill;
mod graph;
mod impact;
mod import;
mod init;
mod lint;
mod log;
mod man;
mod oncall;
pub(crate) mod output;
mod replay;
mod report;
pub mod schema;
pub(crate) mod who;

use crate::load::{self, LoadError};
use crate::model::{Runbook, WrittenTime};
use anyhow::{Result, bail};
use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "andon",
    version,
    about = "Who may pull which cord: decision authority over the machine identities of a plant"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Neither read nor write the compiled runbook image (parse the YAML every time)
    #[arg(long, global = true)]
    no_cache: bool,
    /// Folder of compiled runbook images [default: $ANDON_CACHE_DIR (`off` disables), else $XDG_CACHE_HOME/andon, else ~/.cache/andon]
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

/// The cache of compiled runbook images this process uses, from the flags.
static CACHE: std::sync::OnceLock<load::Cache> = std::sync::OnceLock::new();

#[derive(Subcommand, Debug)]
enum Command {
    /// Who decides an action on an identity, in what order, from when, and what it stops
    #[command(
        after_help = "Example:\n  andon who vendor-acme-remote disconnect --at 2026-03-06T02:10 -r runbooks/lyon-packaging"
    )]
    Who(who::WhoArgs),
    /// The live incident console: find an identity, see who decides, record it
    #[command(
        after_help = "Example:\n  andon console runbooks/lyon-packaging --log incident.andonlog\n\nKeys: press ? in the console. Rehearse a night shift with --at 2026-03-06T02:10."
    )]
    Console(console::ConsoleArgs),
    /// Who may declare a production state
    #[command(after_help = "Example:\n  andon declare emergency --at 2026-03-06T02:10")]
    Declare(who::DeclareArgs),
    /// What stops if an identity is paused or revoked, and what it can reach if compromised
    #[command(after_help = "Example:\n  andon impact mes-erp-api-key")]
    Impact(impact::ImpactArgs),
    /// Check runbooks like a compiler: located findings, exit 1 when any reaches the fail level
    #[command(
        after_help = "Example:\n  andon lint runbooks/ --now 2026-11-22T09:00 --format sarif > andon.sarif"
    )]
    Lint(lint::LintArgs),
    /// Explain a lint rule: why it matters, an example that fires and one that does not
    #[command(after_help = "Example:\n  andon explain VEN002")]
    Explain(lint::ExplainArgs),
    /// Print the JSON Schema of the runbook format, for editors
    #[command(after_help = "Example:\n  andon schema > andon-runbook.schema.json")]
    Schema,
    /// The matrix of critical identities x states x actions over an on-call horizon
    #[command(
        after_help = "Example:\n  andon coverage --from 2026-11-22T09:00 --days 7 -r runbooks/lyon-packaging"
    )]
    Coverage(coverage::CoverageArgs),
    /// What a runbook change changes in authority: decisions, deciders, on-call gaps
    #[command(
        after_help = "Example:\n  andon diff runbooks/lyon-packaging edited/lyon-packaging --from 2026-11-22T09:00 --format markdown\n  andon diff --git origin/main runbooks/lyon-packaging runbooks/lyon-packaging --fail-on gaps\n\nExit codes: 0 compared, 1 --fail-on gaps and the change opens a gap, 2 bad input."
    )]
    Diff(diff::DiffArgs),
    /// The escalation graph, as Graphviz dot or Mermaid, or JSON for scripts
    #[command(after_help = "Example:\n  andon graph --format mermaid > escalation.mmd")]
    Graph(graph::GraphArgs),
    /// The decision log: check its hash chain; export a shared incident as a log
    #[command(
        after_help = "Example:\n  andon log verify incident.andonlog\n  andon log export --db URL INCIDENT > incident.andonlog"
    )]
    Log(log::LogArgs),
    /// Shared incidents' database: create or upgrade its schema
    #[command(
        after_help = "Example:\n  andon db migrate --db postgresql://andon_admin@db.plant/andon"
    )]
    Db(db::DbArgs),
    /// The shared incidents in the database, to join one with `andon console --join`
    #[command(
        after_help = "Example:\n  andon incidents --db postgresql://andon@db.plant/andon --format json"
    )]
    Incidents(db::IncidentsArgs),
    /// Tabletop drills: check that a runbook can meet a scenario's expectations
    #[command(after_help = "Example:\n  andon drill check scenarios/vendor-session-night.yaml")]
    Drill(drill::DrillArgs),
    /// Replay a decision log read-only: step, seek and play its events; --against another runbook marks what differs
    #[command(
        after_help = "Example:\n  andon replay night.andonlog --against runbooks/lyon-packaging --print\n\nExit codes with --print or --format json: 0 nothing differs, 1 --against found differences, 2 bad input.\nKeys in the console: press ? there."
    )]
    Replay(replay::ReplayArgs),
    /// Who is on call in each role over a span, with the gaps; human, JSON, CSV or iCalendar
    #[command(
        after_help = "Example:\n  andon oncall -r runbooks/lyon-packaging --from 2026-10-23T00:00 --days 4 --person alice --format ical > alice.ics"
    )]
    Oncall(oncall::OncallArgs),
    /// Start a runbook: a small commented skeleton, every section with one example
    #[command(
        after_help = "Example:\n  andon init lyon-packaging runbooks/lyon-packaging --timezone Europe/Paris\n\nNever overwrites: the folder must be new or empty."
    )]
    Init(init::InitArgs),
    /// Print the shell completion script: bash, zsh or fish
    #[command(
        after_help = "Example:\n  andon completions bash > ~/.local/share/bash-completion/completions/andon"
    )]
    Completions(completions::CompletionsArgs),
    /// Write one man page per command into a folder
    #[command(after_help = "Example:\n  andon man target/man && man -l target/man/andon-lint.1")]
    Man(man::ManArgs),
    /// The authority map for an auditor: one self-contained HTML file
    #[command(
        after_help = "Example:\n  andon report runbooks/lyon-packaging --html authority-map.html --from 2026-11-22T09:00"
    )]
    Report(report::ReportArgs),
    /// Identities from an inventory export into RUNBOOK/imported/SOURCE.yaml, with what changed since the last import
    #[command(
        after_help = "Example:\n  andon import aws-credential-report report.csv -r runbooks/lyon-packaging --dry-run --format markdown"
    )]
    Import(import::ImportArgs),
}

impl Command {
    /// Whether `--format json` was asked: a failure is then one JSON object
    /// on standard output (as well as the message on standard error).
    fn wants_json(&self) -> bool {
        match self {
            Command::Who(args) => args.wants_json(),
            Command::Declare(args) => args.wants_json(),
            Command::Impact(args) => args.wants_json(),
            Command::Lint(args) => args.wants_json(),
            Command::Explain(args) => args.wants_json(),
            Command::Coverage(args) => args.wants_json(),
            Command::Diff(args) => args.wants_json(),
            Command::Graph(args) => args.wants_json(),
            Command::Log(args) => args.wants_json(),
            Command::Db(args) => args.wants_json(),
            Command::Incidents(args) => args.wants_json(),
            Command::Drill(args) => args.wants_json(),
            Command::Replay(args) => args.wants_json(),
            Command::Oncall(args) => args.wants_json(),
            Command::Import(args) => args.wants_json(),
            Command::Console(_)
            | Command::Schema
            | Command::Init(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Report(_) => false,
        }
    }
}

/// `--runbook`, shared by every command that reads one.
#[derive(clap::Args, Debug, Clone)]
pub struct RunbookArg {
    /// Runbook file or directory [default: ./runbooks]
    #[arg(short = 'r', long = "runbook", value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// Parses the arguments and runs the command; the exit code is 0 when it
/// answered, 2 on bad input or usage.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let _ = CACHE.set(load::Cache::choose(cli.no_cache, cli.cache_dir.as_deref()));
    let console = match &cli.command {
        Command::Console(_) => true,
        Command::Drill(args) => args.is_console(),
        _ => false,
    };
    ignore_sigxfsz();
    if !console {
        restore_sigpipe();
    }
    let json = cli.command.wants_json();
    let result = match cli.command {
        Command::Console(args) => console::console(&args),
        Command::Who(args) => who::who(&args),
        Command::Declare(args) => who::declare(&args),
        Command::Impact(args) => impact::impact(&args),
        Command::Graph(args) => graph::graph(&args),
        Command::Coverage(args) => coverage::coverage(&args),
        Command::Diff(args) => diff::diff(&args),
        Command::Schema => schema::schema(),
        Command::Lint(args) => lint::lint(&args),
        Command::Explain(args) => lint::explain(&args),
        Command::Log(args) => log::log(&args),
        Command::Db(args) => db::db(&args),
        Command::Incidents(args) => db::incidents(&args),
        Command::Drill(args) => drill::drill(&args),
        Command::Replay(args) => replay::replay(&args),
        Command::Oncall(args) => oncall::oncall(&args),
        Command::Init(args) => init::init(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => man::man(&args),
        Command::Report(args) => report::report(&args),
        Command::Import(args) => import::import(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A script reading `--format json` gets the failure as JSON on
            // standard output; a person still reads it on standard error.
            if json && let Ok(text) = output::failure(&e) {
                print!("{text}");
            }
            // Errors name files, ids and source lines of untrusted input.
            if let Some(load_error) = e.downcast_ref::<LoadError>() {
                eprintln!("{}", crate::model::visible(&load_error.to_string()));
            } else {
                eprintln!("error: {}", crate::model::visible(&format!("{e:#}")));
            }
            ExitCode::from(2)
        }
    }
}

/// A write past the file-size limit (`ulimit -f`, a quota enforced as
/// RLIMIT_FSIZE) would kill andon with SIGXFSZ in the middle of a log
/// line; ignored, the write fails with EFBIG instead, and the log is cut
/// back to its last whole line like any failed append.
fn ignore_sigxfsz() {
    #[cfg(unix)]
    // SAFETY: called at start-up on the main thread, before any other
    // thread exists; SIG_IGN is a valid disposition for SIGXFSZ.
    #[expect(unsafe_code, reason = "libc::signal has no safe wrapper in std")]
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Lets a printing command end quietly when its reader goes away
/// (`andon lint --format json | head`): Rust ignores SIGPIPE, so `print!`
/// would panic on the closed pipe; the default action ends the process as
/// other command-line tools do. Not for the console, whose D-Bus socket
/// must never end it.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called at start-up on the main thread, before any other
    // thread exists; SIG_DFL is a valid disposition for SIGPIPE.
    #[expect(unsafe_code, reason = "libc::signal has no safe wrapper in std")]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Loads the runbook named by `--runbook`, or `./runbooks`.
pub fn load_runbook(arg: &RunbookArg) -> Result<Runbook> {
    let path = runbook_path(arg)?;
    // Commands that load a runbook to answer read its compiled image when
    // one matches the files' content (docs/performance.md).
    let cache = CACHE.get().cloned().unwrap_or(load::Cache::Off);
    Ok(load::load_cached(&path, &cache)?.0)
}

/// [`load_runbook`], saying how far it has come in `progress` (the
/// console's loading frame).
pub fn load_runbook_showing(arg: &RunbookArg, progress: &load::Progress) -> Result<Runbook> {
    let path = runbook_path(arg)?;
    let cache = CACHE.get().cloned().unwrap_or(load::Cache::Off);
    Ok(load::load_cached_showing(&path, &cache, progress)?.0)
}

/// [`load_runbook`] for a question about one identity: through the image,
/// only that identity is decoded ([`load::load_for_identity`]).
pub fn load_runbook_for(arg: &RunbookArg, identity: &str) -> Result<Runbook> {
    let path = runbook_path(arg)?;
    let cache = CACHE.get().cloned().unwrap_or(load::Cache::Off);
    Ok(load::load_for_identity(&path, &cache, identity)?.0)
}

fn runbook_path(arg: &RunbookArg) -> Result<PathBuf> {
    match &arg.path {
        Some(p) => Ok(p.clone()),
        None if Path::new("runbooks").exists() => Ok(PathBuf::from("runbooks")),
        None => bail!("no runbook given and no `./runbooks` here; pass `--runbook PATH`"),
    }
}

/// The instant `--at` names (plant-local without an offset), or now.
pub fn instant(runbook: &Runbook, at: Option<&str>) -> Result<DateTime<Tz>> {
    let tz = runbook.plant.timezone.value;
    match at {
        None => Ok(Utc::now().with_timezone(&tz).trunc_subsecs(0)),
        Some(text) => match WrittenTime::parse(text) {
            Some(m) => Ok(m.instant(tz)),
            None => bail!(
                "bad `--at` `{text}`: write ISO 8601 in the years 1 to 9999, such as `2026-03-06T02:10` (plant-local) or `2026-03-06T02:10+01:00`"
            ),
        },
    }
}

/// The horizon `[from, from + days)` that `--from` (plant-local without an
/// offset, or now) and `--days` name: the one reading of both for
/// `andon coverage` and `andon oncall`.
pub fn horizon(
    runbook: &Runbook,
    from: Option<&str>,
    days: u32,
) -> Result<(DateTime<Tz>, DateTime<Tz>)> {
    let tz = runbook.plant.timezone.value;
    let from = match from {
        None => Utc::now().with_timezone(&tz).trunc_subsecs(0),
        Some(text) => match WrittenTime::parse(text) {
            Some(m) => m.instant(tz),
            None => bail!(
                "bad `--from` `{text}`: write ISO 8601 in the years 1 to 9999, such as `2026-11-22T09:00` (plant-local) or `2026-11-22T09:00+01:00`"
            ),
        },
    };
    let Some(to) = from.checked_add_signed(chrono::TimeDelta::days(i64::from(days))) else {
        bail!("`--from` plus `--days` is past the end of the calendar");
    };
    Ok((from, to))
}

/// An error for an id that the runbook does not define, with the nearest one.
pub fn unknown(
    what: &str,
    id: &str,
    known: impl IntoIterator<Item = impl AsRef<str>>,
) -> anyhow::Error {
    let known: Vec<String> = known.into_iter().map(|k| k.as_ref().to_owned()).collect();
    match load::nearest(id, known.iter().map(String::as_str)) {
        Some(hint) => anyhow::anyhow!("unknown {what} `{id}`; did you mean `{hint}`?"),
        None => anyhow::anyhow!("unknown {what} `{id}`"),
    }
}

/// The runbook's state `--state` names, or its default state.
pub fn state<'r>(runbook: &'r Runbook, wanted: Option<&str>) -> Result<&'r crate::model::State> {
    match wanted {
        Some(id) => runbook
            .state(id)
            .ok_or_else(|| unknown("state", id, runbook.states.iter().map(|s| &s.id.value))),
        None => match runbook.default_state() {
            Some(s) => Ok(s),
            None => bail!("the runbook has no default state"),
        },
    }
}

pub use crate::model::clock::clock;

/// A default log name that no file has yet: `STEM.andonlog`, else
/// `STEM-2.andonlog`, `STEM-3.andonlog`... (two drills of one scenario in
/// the same second each get their own). The log is still created with
/// `create_new`, so a name taken in between is refused, never overwritten.
pub fn fresh_log_path(stem: &str) -> PathBuf {
    let named = |n: u32| match n {
        1 => PathBuf::from(format!("{stem}.andonlog")),
        n => PathBuf::from(format!("{stem}-{n}.andonlog")),
    };
    (1..10_000)
        .map(named)
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| named(10_000))
}

/// Prints a human output (text, Markdown, CSV) through
/// [`crate::model::visible`]: the one place where runbook values reach a
/// terminal or a CI log, escaped.
pub fn print_human(text: &str) {
    print!("{}", crate::model::visible(text));
}
