//! `andon diff BASE HEAD`: what a runbook change changes in authority, in
//! words for a reviewer (human), for a pull-request comment (markdown) or
//! for tools (json). The comparison itself is [`crate::engine::diff`].

mod human;
mod json;
mod markdown;
mod phrases;

use super::output::Render;
use crate::engine::Engine;
use crate::engine::diff::{Diff, diff as compare};
use crate::load;
use crate::model::{Runbook, WrittenTime};
use anyhow::{Context as _, Result, bail};
use chrono::{SubsecRound, TimeDelta, Utc};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// The change opens a window in which nobody can decide, or a role has nobody on call
    Gaps,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The runbook before the change (file or directory)
    base: PathBuf,
    /// The runbook after the change (file or directory)
    head: PathBuf,
    /// Read BASE from this git revision (`git show REV:BASE`), e.g. `origin/main`
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Start of the horizon, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    from: Option<String>,
    /// Days of on-call schedule to walk
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Exit 1 when the change opens a gap
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

impl DiffArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == DiffFormat::Json
    }
}

/// What the formats render: the comparison, the head runbook (for the
/// plant's name and zone) and the horizon's length in days.
pub struct Compared<'a> {
    head: &'a Runbook,
    diff: &'a Diff,
    days: u32,
}

/// At most this much is read from git for BASE: the limit of a runbook on
/// disk (`fsio::MAX_RUNBOOK_BYTES`).
const GIT_LIMIT: usize = crate::fsio::MAX_RUNBOOK_BYTES as usize;
const GIT_LIMIT_MIB: usize = GIT_LIMIT / (1024 * 1024);

pub fn diff(args: &DiffArgs) -> Result<ExitCode> {
    let base = match &args.git {
        None => load::load(&args.base)?,
        Some(rev) => from_git(rev, &args.base)?,
    };
    let head = load::load(&args.head)?;
    let tz = head.plant.timezone.value;
    let from = match args.from.as_deref() {
        None => Utc::now().with_timezone(&tz).trunc_subsecs(0),
        Some(text) => match WrittenTime::parse(text) {
            Some(m) => m.instant(tz),
            None => bail!(
                "bad `--from` `{text}`: write ISO 8601 such as `2026-11-22T09:00` (plant-local) or `2026-11-22T09:00+01:00`"
            ),
        },
    };
    let Some(to) = from.checked_add_signed(TimeDelta::days(i64::from(args.days))) else {
        bail!("`--from` plus `--days` is past the end of the calendar");
    };
    let (be, he) = (Engine::new(&base), Engine::new(&head));
    let d = compare(&be, &he, from, to);
    let format: &dyn Render<Compared> = match args.format {
        DiffFormat::Human => &human::Human,
        DiffFormat::Markdown => &markdown::Markdown,
        DiffFormat::Json => &json::Json,
    };
    let compared = Compared {
        head: &head,
        diff: &d,
        days: args.days,
    };
    super::output::print(format, &compared)?;
    Ok(if args.fail_on == Some(FailOn::Gaps) && d.opens_gap() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `git` with `args`, bounded to [`GIT_LIMIT`] bytes of output.
fn git(args: &[&str]) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let mut child = std::process::Command::new("git")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run `git`")?;
    let mut out = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        stdout
            .take(GIT_LIMIT as u64 + 1)
            .read_to_end(&mut out)
            .context("reading from `git`")?;
    }
    let mut err = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let _ = stderr.take(4096).read_to_end(&mut err);
    }
    if out.len() > GIT_LIMIT {
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "`git {}` gives more than {GIT_LIMIT_MIB} MiB",
            args.join(" ")
        );
    }
    let status = child.wait().context("waiting for `git`")?;
    if !status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&err)
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
        );
    }
    Ok(out)
}

/// BASE as it is in git revision `rev`: one file, or the `.yaml` files of a
/// directory, merged in name order as the loader does.
fn from_git(rev: &str, path: &Path) -> Result<Runbook> {
    if rev.starts_with('-') {
        bail!(
            "bad `--git` `{}`: a revision, not an option",
            rev.escape_debug()
        );
    }
    let Some(text) = path.to_str() else {
        bail!("BASE path is not UTF-8");
    };
    let rel = text.trim_end_matches('/');
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    let kind = git(&["cat-file", "-t", &format!("{rev}:./{rel}")])?;
    if String::from_utf8_lossy(&kind).trim() == "blob" {
        let bytes = git(&["show", &format!("{rev}:./{rel}")])?;
        let yaml = String::from_utf8(bytes).context("BASE in git is not UTF-8")?;
        return Ok(load::load_str(&format!("{rev}:{rel}"), &yaml)?);
    }
    let list = git(&["ls-tree", "--name-only", &format!("{rev}:./{rel}")])?;
    let mut names: Vec<String> = String::from_utf8_lossy(&list)
        .lines()
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .map(str::to_owned)
        .collect();
    names.sort();
    // The loader reads a directory: copy the files into a fresh private one.
    let dir = std::env::temp_dir().join(format!(
        "andon-diff-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let loaded = (|| -> Result<Runbook> {
        let mut total = 0usize;
        for name in &names {
            if name.contains('/') || name.starts_with('.') {
                continue;
            }
            let bytes = git(&["show", &format!("{rev}:./{rel}/{name}")])?;
            total += bytes.len();
            if total > GIT_LIMIT {
                bail!("BASE in git is over {GIT_LIMIT_MIB} MiB");
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(name))?;
            std::io::Write::write_all(&mut file, &bytes)?;
        }
        Ok(load::load(&dir)?)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}
