//! `andon lint` and `andon explain`: check runbooks in CI like a compiler.
//!
//! Each path is loaded and linted on its own, so one bad runbook does not
//! hide the findings of the others. Exit code: 0 when no finding reaches the
//! fail level, 1 when one does, 2 when a runbook could not be loaded or the
//! command was misused. One output format per file, behind [`Output`].

mod docs;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use super::output::Render;
use crate::engine::Engine;
use crate::lint::{self, Diagnostic, Options, Severity, Suppressed};
use crate::load;
use crate::model::{Source, WrittenTime};
use anyhow::{Result, bail};
use chrono::{SubsecRound, Utc};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Runbook files or directories, or scenario files [default: ./runbooks]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: LintFormat,
    /// `--deny warnings` fails on warnings too
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// The date-time date rules and the on-call horizon start from (ISO 8601,
    /// plant-local without an offset) [default: now]; set it in CI
    #[arg(long)]
    now: Option<String>,
    /// Days of on-call schedule to check for gaps
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum LintFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning upload
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
    /// GitLab Code Quality report (`artifacts:reports:codequality`)
    Gitlab,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Deny {
    Warnings,
}

/// The lint of one path: its findings, or the errors that kept it from loading.
pub struct LintedPath {
    pub path: PathBuf,
    /// The files, for source lines in the output.
    pub sources: Vec<Source>,
    /// Load errors when `loaded` is false, else the findings that stand.
    pub findings: Vec<Diagnostic>,
    /// Findings silenced by a suppression, with its reason.
    pub suppressed: Vec<Suppressed>,
    pub loaded: bool,
}

/// Every path's lint and the counts over them: what the formats render.
pub struct Lints {
    pub paths: Vec<LintedPath>,
    pub summary: Summary,
}

/// Counts over every run.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
    pub unloadable: usize,
}

impl Summary {
    /// `2 errors, 1 warning, 0 suppressed`, and the notes when there are any.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "{}, {}, {} suppressed",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.suppressed
        );
        if self.notes > 0 {
            line.push_str(", ");
            line.push_str(&plural(self.notes, "note"));
        }
        line
    }
}

/// `path` as the output formats for CI name it: relative to the current
/// directory (the repository root in CI) when it is under it, with `/`
/// separators and no leading `./`. `None` when it is elsewhere.
fn relative(path: &Path) -> Option<String> {
    use std::path::Component;
    let cwd = std::env::current_dir().ok();
    let rest = if path.is_absolute() {
        path.strip_prefix(cwd.as_deref()?).ok()?
    } else {
        path
    };
    let parts: Vec<_> = rest
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    Some(parts.join("/"))
}

/// Whether `path` is a scenario file: a YAML file whose first key is
/// `andon-scenario` (comments and blank lines aside).
fn is_scenario(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(text) = crate::fsio::read_to_string(path, crate::fsio::MAX_FILE_BYTES) else {
        return false;
    };
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("---"))
        .is_some_and(|l| l.starts_with("andon-scenario:"))
}

/// A folder of scenarios (every YAML file directly in it is one, as in
/// `scenarios/`) becomes its scenario files, in name order; any other path
/// stays as it is (a runbook folder, or a file).
fn scenario_folder(path: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return vec![path.to_path_buf()];
    };
    let mut yaml: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    yaml.sort();
    if !yaml.is_empty() && yaml.iter().all(|p| is_scenario(p)) {
        yaml
    } else {
        vec![path.to_path_buf()]
    }
}

/// A scenario: loaded with the runbook it names (unknown references are
/// located load errors), then its expectations checked against it.
fn lint_scenario_path(path: &Path) -> LintedPath {
    match load::load_scenario_with_runbook(path) {
        Err(e) => LintedPath {
            path: path.to_path_buf(),
            sources: e.sources,
            findings: e.diagnostics,
            suppressed: Vec::new(),
            loaded: false,
        },
        Ok((scenario, runbook)) => LintedPath {
            path: path.to_path_buf(),
            sources: vec![Source::new(
                path.to_path_buf(),
                crate::fsio::read_to_string(path, crate::fsio::MAX_FILE_BYTES).unwrap_or_default(),
            )],
            findings: lint::scenario::lint_scenario(&scenario, &runbook),
            suppressed: Vec::new(),
            loaded: true,
        },
    }
}

fn lint_path(path: &Path, now: Option<&str>, days: u32) -> Result<LintedPath> {
    if is_scenario(path) {
        return Ok(lint_scenario_path(path));
    }
    let runbook = match load::load(path) {
        Ok(runbook) => runbook,
        Err(e) => {
            return Ok(LintedPath {
                path: path.to_path_buf(),
                sources: e.sources,
                findings: e.diagnostics,
                suppressed: Vec::new(),
                loaded: false,
            });
        }
    };
    let tz = runbook.plant.timezone.value;
    let now = match now {
        None => Utc::now().with_timezone(&tz).trunc_subsecs(0),
        Some(text) => match WrittenTime::parse(text) {
            Some(m) => m.instant(tz),
            None => bail!(
                "bad `--now` `{text}`: write ISO 8601 in the years 1 to 9999, such as `2026-11-22T09:00`"
            ),
        },
    };
    let engine = Engine::new(&runbook);
    let report = lint::lint(
        &runbook,
        &engine,
        &Options {
            now,
            horizon_days: days,
        },
    );
    Ok(LintedPath {
        path: path.to_path_buf(),
        sources: load::read_sources(&runbook),
        findings: report.findings,
        suppressed: report.suppressed,
        loaded: true,
    })
}

impl LintArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == LintFormat::Json
    }
}

pub fn lint(args: &LintArgs) -> Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        if !Path::new("runbooks").exists() {
            bail!("no path given and no `./runbooks` here; pass the runbook files or directories");
        }
        vec![PathBuf::from("runbooks")]
    } else {
        args.paths.clone()
    };
    let paths: Vec<PathBuf> = paths.iter().flat_map(|p| scenario_folder(p)).collect();
    let mut runs = Vec::new();
    for path in &paths {
        runs.push(lint_path(path, args.now.as_deref(), args.days)?);
    }
    let mut summary = Summary::default();
    for run in &runs {
        summary.suppressed += run.suppressed.len();
        summary.unloadable += usize::from(!run.loaded);
        for d in &run.findings {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Note => summary.notes += 1,
            }
        }
    }
    let lints = Lints {
        paths: runs,
        summary,
    };
    // JSON formats escape control characters themselves; GitHub's
    // messages are escaped where they are made (`github::escape_data`).
    let format: &dyn Render<Lints> = match args.format {
        LintFormat::Human => &human::Human,
        LintFormat::Json => &json::Json,
        LintFormat::Sarif => &sarif::Sarif,
        LintFormat::Github => &github::Github,
        LintFormat::Gitlab => &gitlab::Gitlab,
    };
    super::output::print(format, &lints)?;
    let (runs, summary) = (&lints.paths, &lints.summary);
    let fail_level = if args.deny == Some(Deny::Warnings) {
        Severity::Warning
    } else {
        Severity::Error
    };
    let failed = runs
        .iter()
        .flat_map(|r| &r.findings)
        .any(|d| d.severity >= fail_level);
    Ok(ExitCode::from(if summary.unloadable > 0 {
        2
    } else if failed {
        1
    } else {
        0
    }))
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A rule code, such as `VEN002`
    code: String,
    #[arg(long, value_enum, default_value = "human")]
    format: super::Format,
}

impl ExplainArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == super::Format::Json
    }
}

pub fn explain(args: &ExplainArgs) -> Result<ExitCode> {
    let scenario_rule = lint::scenario::RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(&args.code));
    let Some(info) = lint::rule(&args.code)
        .map(|r| r.info())
        .or(scenario_rule.copied())
    else {
        let codes = lint::all_rules()
            .map(|r| r.info().code)
            .chain(lint::scenario::RULES.iter().map(|r| r.code));
        return Err(super::unknown(
            "rule",
            &args.code,
            codes.collect::<Vec<_>>(),
        ));
    };
    let format: &dyn Render<lint::RuleInfo> = match args.format {
        super::Format::Human => &human::Human,
        super::Format::Json => &json::Json,
    };
    super::output::print(format, info)?;
    Ok(ExitCode::SUCCESS)
}
