//! `andon import SOURCE FILE -r RUNBOOK`: an inventory export becomes the
//! generated runbook file `RUNBOOK/imported/SOURCE.yaml`, and a re-import
//! says what is new, what changed and what disappeared from the source.
//!
//! The order is what makes it safe: read the export and the mapping, merge
//! with the file written last time, load the whole runbook with the new
//! text in place of the old ([`load::load_replacing`]), and only when that
//! loads write it (atomically, and not at all when the bytes are the
//! same). A failure at any step writes nothing.

mod human;
mod json;
mod markdown;
mod report;

use super::output::Render;
use crate::fsio;
use crate::import::generate::{HEADER, UNCLASSIFIED_LABEL, entries, read_generated, render};
use crate::import::reimport::merge;
use crate::import::{Mapping, SOURCES, load_mapping, read_records};
use crate::load::{self, DUPLICATE_ID, LoadError, MAPPING_FILE};
use crate::model::WrittenTime;
use anyhow::{Context as _, Result, bail};
use report::{Outcome, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The kind of export
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(SOURCES))]
    source: String,
    /// The export file; `-` reads standard input
    file: PathBuf,
    #[command(flatten)]
    runbook: super::RunbookArg,
    /// The mapping file [default: RUNBOOK/import.yaml, when it exists]
    #[arg(long, value_name = "PATH")]
    mapping: Option<PathBuf>,
    /// Report what the import would change, and write nothing
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value = "human")]
    format: ImportFormat,
    /// The date of the import, which marks disappeared records; ISO 8601 [default: today, UTC]
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// An export bigger than this is refused (a 100,000-row credential report
/// is about 30 MB).
const MAX_EXPORT_BYTES: u64 = fsio::MAX_FILE_BYTES;

impl ImportArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == ImportFormat::Json
    }
}

pub fn import(args: &ImportArgs) -> Result<ExitCode> {
    let dir = match &args.runbook.path {
        Some(p) => p.clone(),
        None => PathBuf::from("runbooks"),
    };
    if !std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
        bail!(
            "`{}` is not a runbook directory: `andon import` writes `imported/{}.yaml` under one; pass `--runbook DIR`",
            dir.display(),
            args.source
        );
    }
    let today = today(args.now.as_deref())?;
    let mapping = mapping(&dir, args.mapping.as_deref())?;
    let source = args.source.as_str();
    let source_mapping = mapping.as_ref().and_then(|m| m.source(source));
    let (bytes, name) = read_export(&args.file)?;
    let records = read_records(source, &bytes, source_mapping)
        .map_err(|e| anyhow::anyhow!("{name}: {e}; nothing was written"))?;

    let target = dir.join("imported").join(format!("{source}.yaml"));
    let old_text = match fsio::read_to_string(&target, fsio::MAX_FILE_BYTES) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => bail!("cannot read `{}`: {e}", target.display()),
    };
    let old = match &old_text {
        None => BTreeMap::new(),
        Some(text) if !text.starts_with(HEADER) => bail!(
            "`{}` was not written by `andon import` (it does not start with the generated header), and andon never overwrites a hand-written file: move it elsewhere, then import again",
            target.display()
        ),
        Some(text) => read_generated(text).map_err(|e| {
            anyhow::anyhow!(
                "`{}` is not as `andon import` writes it ({e}): it was edited by hand; remove it (the next import writes it again) and move hand edits to the mapping",
                target.display()
            )
        })?,
    };

    let (fresh, left_out) = entries(source, &records, source_mapping);
    let hand_wins = mapping.as_ref().is_some_and(|m| m.hand_written_wins);
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    let (merged, report, text) = loop {
        let mut kept = fresh.clone();
        kept.retain(|id, _| !dropped.contains(id));
        let (merged, report) = merge(&old, kept, &dropped, &today);
        let text = render(source, &merged);
        let Err(e) = load::load_replacing(&dir, &target, Some(&text)) else {
            break (merged, report, text);
        };
        let found = clashes(&e, &target, &text);
        if found.is_empty() {
            eprintln!(
                "error: with the identities imported from `{name}`, the runbook does not load; nothing was written"
            );
            return Err(e.into());
        }
        let new: Vec<&Clash> = found
            .iter()
            .filter(|c| c.hand_written && !dropped.contains(&c.id))
            .collect();
        if hand_wins && !new.is_empty() && new.len() == found.len() {
            dropped.extend(new.iter().map(|c| c.id.clone()));
            continue;
        }
        let mut message = String::new();
        for c in &found {
            message.push_str(&format!(
                "error: identity `{}` is imported from `{source}` ({}:{}) and also defined {} at {}:{}\n",
                report::shown(&c.id),
                report::shown(&c.generated.0),
                c.generated.1,
                if c.hand_written {
                    "by hand"
                } else {
                    "by another import"
                },
                report::shown(&c.other.0),
                c.other.1,
            ));
        }
        let help = if found.iter().all(|c| c.hand_written) {
            format!(
                "  = help: remove one of the two, or set `hand_written_wins: true` in {MAPPING_FILE} to keep the hand-written identity\n"
            )
        } else {
            "  = help: give the two sources' identities different ids (the `id` pattern in the mapping)\n".to_owned()
        };
        eprint!("{message}{help}");
        bail!("nothing was written");
    };

    let outcome = if args.dry_run {
        Outcome::DryRun
    } else if old_text.as_deref() == Some(text.as_str()) {
        Outcome::Unchanged
    } else {
        fsio::create_folder(fsio::folder(&target))
            .with_context(|| format!("cannot create `{}`", fsio::folder(&target).display()))?;
        fsio::write_atomically(&target, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        Outcome::Written
    };
    let shown_path = target.strip_prefix(&dir).unwrap_or(&target).to_path_buf();
    let report = Report {
        source: source.to_owned(),
        file: shown_path.display().to_string(),
        outcome,
        identities: merged.len(),
        unclassified: merged
            .values()
            .filter(|e| e.label(UNCLASSIFIED_LABEL) == Some("true"))
            .map(|e| e.id.clone())
            .collect(),
        left_out,
        hand_written_wins: dropped.into_iter().collect(),
        merge: report,
    };
    let format: &dyn Render<Report> = match args.format {
        ImportFormat::Human => &human::Human,
        ImportFormat::Markdown => &markdown::Markdown,
        ImportFormat::Json => &json::Json,
    };
    super::output::print(format, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// The date of `--now` as written (UTC for a time with an offset), or today.
fn today(now: Option<&str>) -> Result<String> {
    let date = match now {
        None => chrono::Utc::now().date_naive(),
        Some(text) => match WrittenTime::parse(text) {
            Some(WrittenTime::Local(t)) => t.date(),
            Some(WrittenTime::Fixed(t)) => t.with_timezone(&chrono::Utc).date_naive(),
            None => bail!(
                "bad `--now` `{}`: write ISO 8601 such as `2026-11-22` or `2026-11-22T09:00`",
                report::shown(text)
            ),
        },
    };
    Ok(date.format("%Y-%m-%d").to_string())
}

/// The mapping `--mapping` names, else `import.yaml` in the runbook
/// directory when there is one, else none (every record unclassified).
fn mapping(dir: &Path, given: Option<&Path>) -> Result<Option<Mapping>> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let p = dir.join(MAPPING_FILE);
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok(None);
            }
            p
        }
    };
    Ok(Some(load_mapping(&path)?))
}

/// The export's bytes (bounded) and how to name it in errors.
fn read_export(file: &Path) -> Result<(Vec<u8>, String)> {
    if file == Path::new("-") {
        let bytes = fsio::read_stream(std::io::stdin().lock(), MAX_EXPORT_BYTES)
            .context("cannot read standard input")?;
        return Ok((bytes, "standard input".to_owned()));
    }
    let name = report::shown(&file.display().to_string());
    let bytes =
        fsio::read(file, MAX_EXPORT_BYTES).with_context(|| format!("cannot read `{name}`"))?;
    Ok((bytes, format!("`{name}`")))
}

/// An imported id also defined elsewhere: the id, the place in the
/// generated file, the other place, and whether that one is hand-written.
struct Clash {
    id: String,
    generated: (String, u32),
    other: (String, u32),
    hand_written: bool,
}

/// The duplicate-id errors of a load that involve the generated file.
fn clashes(e: &LoadError, target: &Path, text: &str) -> Vec<Clash> {
    // The id on each line of the generated text that starts an identity.
    let ids: BTreeMap<u32, String> = text
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let quoted = line.strip_prefix("  - id: ")?;
            let id: String = serde_json::from_str(quoted).ok()?;
            Some((u32::try_from(n + 1).ok()?, id))
        })
        .collect();
    let path = |file: crate::model::FileId| e.sources.get(usize::from(file.0)).map(|s| &s.path);
    let generated_folder = fsio::folder(target);
    let mut out = Vec::new();
    for d in e.diagnostics.iter().filter(|d| d.code == DUPLICATE_ID) {
        let (Some(here), Some(first)) = (d.span, d.related.first().map(|r| r.span)) else {
            continue;
        };
        let (ours, theirs) = if path(here.file).is_some_and(|p| p == target) {
            (here, first)
        } else if path(first.file).is_some_and(|p| p == target) {
            (first, here)
        } else {
            continue;
        };
        let Some(id) = ids.get(&ours.line) else {
            continue;
        };
        let other = path(theirs.file).cloned().unwrap_or_default();
        let by_import = other.parent() == Some(generated_folder)
            && other
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| SOURCES.contains(&s));
        out.push(Clash {
            id: id.clone(),
            generated: (target.display().to_string(), ours.line),
            other: (other.display().to_string(), theirs.line),
            hand_written: !by_import,
        });
    }
    out
}
