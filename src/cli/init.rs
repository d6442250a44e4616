//! `andon init PLANT-ID [DIR]`: a small commented runbook to start from.
//!
//! One file, `DIR/runbook.yaml`, with every section and one example in each,
//! a comment on each key, and `FIX CODE` marks on the lines `andon lint`
//! reports until the plant fills them in (a test holds the marks and the
//! findings to each other). It never overwrites: DIR must be new or empty,
//! and the file is created new, without following a link.

use crate::load;
use anyhow::{Context as _, Result, bail};
use chrono::{Datelike as _, Months, Utc};
use chrono_tz::Tz;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The plant's id: one word of letters, digits, `-`, `_` or `.`, such as `lyon-packaging`
    plant: String,
    /// The folder to write `runbook.yaml` into; new or empty [default: runbooks/PLANT-ID]
    dir: Option<PathBuf>,
    /// The plant's IANA time zone, such as `Europe/Paris`: shift times are plant-local
    #[arg(long, default_value = "UTC")]
    timezone: String,
}

const SKELETON: &str = include_str!("init-skeleton.yaml");

pub fn init(args: &InitArgs) -> Result<ExitCode> {
    let plant = &args.plant;
    let valid = plant
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && plant.len() <= 64
        && plant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        bail!(
            "bad plant id `{}`: write one word of letters, digits, `-`, `_` or `.` (at most 64), such as `lyon-packaging`",
            printable(plant)
        );
    }
    let tz: Tz = match args.timezone.parse() {
        Ok(tz) => tz,
        Err(_) => {
            return Err(super::unknown(
                "time zone",
                &printable(&args.timezone),
                chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
            ));
        }
    };
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| Path::new("runbooks").join(plant));
    let shown = printable(&dir.display().to_string());
    let empty = crate::fsio::absent_or_empty_folder(&dir)
        .with_context(|| format!("cannot write into `{shown}`"))?;
    if !empty {
        bail!(
            "`{shown}` is not empty; andon init writes only into a new or empty folder, and never over a file"
        );
    }
    let today = Utc::now().with_timezone(&tz).date_naive();
    let next_year = today.checked_add_months(Months::new(12)).unwrap_or(today);
    let text = SKELETON
        .replace("{{PLANT}}", plant)
        .replace("{{TZ}}", tz.name())
        .replace("{{DIR}}", &shown)
        .replace("{{TODAY}}", &iso(today))
        .replace("{{NEXT_YEAR}}", &iso(next_year));
    crate::fsio::create_folders(&dir).with_context(|| format!("cannot create `{shown}`"))?;
    let path = dir.join("runbook.yaml");
    let written = crate::fsio::create_new(&path)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
        })
        .and_then(|()| crate::fsio::sync_folder(&path));
    written.with_context(|| format!("cannot write `{shown}/runbook.yaml`"))?;
    // The skeleton always loads; if it ever did not, say so now, not at 3 a.m.
    load::load(&dir)?;
    println!(
        "wrote {shown}/runbook.yaml for plant `{plant}` ({})",
        tz.name()
    );
    println!(
        "next: replace the examples with the plant's own, then `andon lint {shown} --deny warnings` lists what is left (the FIX lines)"
    );
    Ok(ExitCode::SUCCESS)
}

fn iso(date: chrono::NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// `text` with control characters shown as `?`: a path typed by the user
/// goes into a YAML comment and onto the terminal, where a newline or an
/// escape sequence must not act.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
