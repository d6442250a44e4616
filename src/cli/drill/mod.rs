//! `andon drill check SCENARIO...`: the static readiness of scenarios, as
//! text or JSON; exit 0 when every expectation is ready, 1 otherwise.
//!
//! `andon drill run SCENARIO --responses FILE`: a headless drill on a
//! virtual clock; writes the decision log and the after-action report next
//! to it, prints the report, and exits 0 when every expectation is met, 1
//! otherwise.

mod human;
mod json;

use super::Format;
use super::output::Render;
use crate::drill::{self, Act, AfterAction, LogSource, Report};
use crate::engine::Engine;
use crate::load::{load_responses, load_scenario_with_runbook};
use crate::log::{Holder, Log, LogError};
use anyhow::{Context, Result, bail};
use chrono::{SubsecRound, Utc};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DrillArgs {
    #[command(subcommand)]
    command: Option<DrillCommand>,
    #[command(flatten)]
    console: super::console::DrillConsoleArgs,
}

#[derive(Subcommand, Debug)]
enum DrillCommand {
    /// Can the runbook meet each expectation at all? Exit 1 when one is not ready
    #[command(after_help = "Example:\n  andon drill check scenarios/*.yaml")]
    Check(CheckArgs),
    /// Play a responses file on a virtual clock; write the decision log and the after-action report. Exit 1 when an expectation is not met
    #[command(
        after_help = "Example:\n  andon drill run scenarios/vendor-session-night.yaml --responses scenarios/responses/vendor-session-night.met.yaml"
    )]
    Run(RunArgs),
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The scenario file (`andon-scenario: 1`); it names its runbook
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// The decisions taken (`andon-responses: 1`), naming this scenario
    #[arg(long, value_name = "FILE")]
    responses: PathBuf,
    /// The decision log to write (never overwritten) [default: SCENARIO-ID-UTCSTAMP.andonlog here]
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario files (`andon-scenario: 1`); each names its runbook
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

impl DrillArgs {
    /// `andon drill SCENARIO`: the console, not a subcommand.
    pub fn is_console(&self) -> bool {
        self.command.is_none()
    }
}

impl DrillArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Some(DrillCommand::Check(args)) => args.format == Format::Json,
            Some(DrillCommand::Run(args)) => args.format == Format::Json,
            None => false,
        }
    }
}

pub fn drill(args: &DrillArgs) -> Result<ExitCode> {
    match &args.command {
        Some(DrillCommand::Check(args)) => check(args),
        Some(DrillCommand::Run(args)) => run(args),
        None => super::console::drill(&args.console),
    }
}

fn run(args: &RunArgs) -> Result<ExitCode> {
    // Everything loads before anything is written: bad input exits 2 and
    // leaves no log behind.
    let (scenario, runbook) = load_scenario_with_runbook(&args.scenario)?;
    let responses = load_responses(&args.responses, &scenario, &runbook)?;
    let hash = runbook.content_hash.clone();
    let engine = Engine::new(&runbook);
    let acts = responses.decisions.iter().map(Act::from).collect();
    let finished = drill::play(&scenario, &engine, acts);
    let report = AfterAction::new(&finished);

    let now = Utc::now().trunc_subsecs(0);
    let stem = format!("{}-{}", scenario.id.value, now.format("%Y%m%dT%H%M%SZ"));
    let mut path = match &args.log {
        Some(path) => path.clone(),
        None => super::fresh_log_path(&stem),
    };
    if path.exists() {
        bail!(
            "`{}` already exists and a decision log is never overwritten; give another `--log`",
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory `{}`", dir.display()))?;
    }
    let runbook_path = drill::report::tidy(&scenario.runbook_path);
    let source = LogSource {
        runbook: &runbook_path,
        runbook_hash: &hash,
    };
    let holder = Holder::this_process(now.fixed_offset());
    let taken = |e: &LogError| matches!(e, LogError::Io { cause, .. } if cause.kind() == std::io::ErrorKind::AlreadyExists);
    let mut created = Log::create(&path, &holder);
    // Another drill took the default name since it was chosen: the next one.
    for _ in 0..100 {
        match &created {
            Err(e) if args.log.is_none() && taken(e) => {
                path = super::fresh_log_path(&stem);
                created = Log::create(&path, &holder);
            }
            _ => break,
        }
    }
    let mut log = created.map_err(|e| {
        if taken(&e) {
            anyhow::anyhow!(
                "`{}` already exists and a decision log is never overwritten; give another `--log`",
                path.display()
            )
        } else {
            e.into()
        }
    })?;
    for event in drill::record::events(&finished, source) {
        log.append(&event)?;
    }
    drop(log);

    let report = report.exercised(now, Some(&path));
    let (md_path, json_path) = report.write_beside(&path)?;
    let mut html_path = path.as_os_str().to_owned();
    html_path.push(".report.html");
    let html_path = PathBuf::from(html_path);
    let format: &dyn Render<AfterAction> = match args.format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    super::output::print(format, &report)?;
    eprintln!(
        "wrote `{}`, `{}`, `{}` and `{}`",
        path.display(),
        md_path.display(),
        json_path.display(),
        html_path.display()
    );
    Ok(if finished.met() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    // Every scenario loads before anything is printed: bad input exits 2
    // with no partial report.
    let mut reports = Vec::new();
    for path in &args.scenarios {
        let (scenario, runbook) = load_scenario_with_runbook(path)?;
        reports.push(drill::check(&scenario, &runbook));
    }
    let format: &dyn Render<[Report]> = match args.format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    super::output::print(format, reports.as_slice())?;
    Ok(if reports.iter().all(Report::ready) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
