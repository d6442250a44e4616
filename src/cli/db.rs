//! The shared incidents' database (docs/shared-incident.md): `andon db
//! migrate` applies the schema, `andon incidents` lists the incidents to
//! join, and the reading of one incident for `log export` and `replay`.
//!
//! `--db URL` is a libpq connection string; without it,
//! `ANDON_DATABASE_URL`; `--db ''` is that or, unset, the `PG*` variables.

mod human;
mod json;

use super::Format;
use super::output::Render;
use crate::log::LogRead;
use crate::share::{Store, Target};
use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::process::ExitCode;

/// `--db`, for the commands that need a database.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArg {
    /// The database: a libpq URL such as `postgresql://andon@db.plant/andon`
    /// [default: ANDON_DATABASE_URL; PGHOST, PGUSER... fill what it leaves out]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

impl DbArg {
    /// The database named, or an error saying how to name one.
    pub fn target(&self) -> Result<Target> {
        match Target::from_flag(self.db.as_deref(), &crate::share::config::process_env)? {
            Some(t) => Ok(t),
            None => bail!(
                "no database: give `--db URL` or set ANDON_DATABASE_URL (`--db ''` takes PGHOST, PGUSER... alone)"
            ),
        }
    }

    /// Connected, with the schema checked.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.target()?)?)
    }
}

#[derive(clap::Args, Debug)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(clap::Subcommand, Debug)]
enum DbCommand {
    /// Create or upgrade andon's schema in the database; applies only what is missing
    #[command(
        after_help = "Example:\n  andon db migrate --db postgresql://andon_admin@db.plant/andon"
    )]
    Migrate {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

/// What the formats of `andon db migrate` render: the schema versions
/// applied now (none when it was up to date), the version it is at, and
/// the database.
pub struct Migrated<'a> {
    applied: &'a [(i32, &'static str)],
    version: i32,
    database: String,
}

pub fn db(args: &DbArgs) -> Result<ExitCode> {
    match &args.command {
        DbCommand::Migrate { db, format } => {
            let target = db.target()?;
            let store = Store::open_for_migration(&target)?;
            let applied = store.migrate()?;
            let version = crate::share::schema::current();
            let render: &dyn Render<Migrated> = match format {
                Format::Human => &human::Human,
                Format::Json => &json::Json,
            };
            let migrated = Migrated {
                applied: &applied,
                version,
                database: target.describe(),
            };
            super::output::print(render, &migrated)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct IncidentsArgs {
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// What the formats of `andon incidents` render: the incidents, and the
/// database they are in (for the empty list's words).
pub struct Listed<'a> {
    incidents: &'a [crate::share::Incident],
    database: String,
}

impl DbArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            DbCommand::Migrate { format, .. } => *format == Format::Json,
        }
    }
}

impl IncidentsArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

/// `andon incidents`: every shared incident, the latest first.
pub fn incidents(args: &IncidentsArgs) -> Result<ExitCode> {
    let store = args.db.open()?;
    let list = store.incidents()?;
    let format: &dyn Render<Listed> = match args.format {
        Format::Human => &human::Human,
        Format::Json => &json::Json,
    };
    let listed = Listed {
        incidents: &list,
        database: store.target().describe(),
    };
    super::output::print(format, &listed)?;
    Ok(ExitCode::SUCCESS)
}

/// `t` in the plant's zone (UTC when the zone is unknown).
pub fn plant_time(t: DateTime<Utc>, zone: &str) -> DateTime<chrono::FixedOffset> {
    match zone.parse::<Tz>() {
        Ok(tz) => t.with_timezone(&tz).fixed_offset(),
        Err(_) => t.fixed_offset(),
    }
}

/// Every event of `incident`, with its line, the chain checked.
pub fn read_incident(db: &DbArg, incident: &str) -> Result<(LogRead, Vec<String>)> {
    let store = db.open()?;
    let fresh = store.read(incident, 0)?;
    let (events, lines) = fresh.into_iter().unzip();
    Ok((
        LogRead {
            events,
            torn_tail: None,
        },
        lines,
    ))
}
