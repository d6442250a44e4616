//! `andon oncall`: who is on call in each role over a span, with the gaps,
//! in words, JSON, CSV or iCalendar.
//!
//! The turns come from [`Horizon::role_windows`], the walk lint's horizon
//! rules and `andon coverage` use, so a calendar never disagrees with lint:
//! a gap here is a gap there. A turn is one person on call for one role
//! over a stretch of time (backups included: someone inactive is replaced by
//! their backup, as in resolution). Turns that begin before `--from` or end
//! after the span are cut at its edges.

mod csv;
mod human;
mod ical;
mod json;

use super::output::Render;
use super::{RunbookArg, load_runbook, unknown};
use crate::engine::Engine;
use crate::engine::horizon::Horizon;
use crate::model::{Runbook, Text};
use anyhow::Result;
use chrono::DateTime;
use chrono_tz::Tz;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OncallFormat {
    Human,
    Json,
    Csv,
    /// iCalendar (RFC 5545), one event per turn, for Thunderbird, Outlook or Google Calendar
    Ical,
}

#[derive(clap::Args, Debug)]
pub struct OncallArgs {
    /// Start of the span, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    from: Option<String>,
    /// Days of on-call schedule to show
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    /// Only this person's turns (a person id), in every role
    #[arg(long)]
    person: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: OncallFormat,
    #[command(flatten)]
    runbook: RunbookArg,
}

/// One person on call for one role over `[from, to)`, or a gap (`person`
/// is `None`: nobody at all is on call).
#[derive(Debug, Clone)]
pub struct Turn<'r> {
    pub role: &'r crate::model::Role,
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    pub person: Option<Text>,
    /// The person they stand in for, when reached through `backup`.
    pub backup_for: Option<Text>,
}

/// The span and its turns, role by role in runbook order, each role's in time order.
pub struct Oncall<'r> {
    pub runbook: &'r Runbook,
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    pub turns: Vec<Turn<'r>>,
    /// The one person whose turns these are (`--person`), or everyone's.
    pub person: Option<String>,
}

impl<'r> Oncall<'r> {
    /// Walks every role over `[from, to)`; with `person`, keeps that
    /// person's turns only (and no gaps).
    pub fn build(
        runbook: &'r Runbook,
        from: DateTime<Tz>,
        to: DateTime<Tz>,
        person: Option<&str>,
    ) -> Oncall<'r> {
        let engine = Engine::new(runbook);
        let horizon = Horizon::new(&engine, from, to);
        let mut turns = Vec::new();
        for (r, role) in runbook.roles.iter().enumerate() {
            for window in horizon.role_windows(r) {
                if window.people.is_empty() && person.is_none() {
                    turns.push(Turn {
                        role,
                        from: window.from,
                        to: window.to,
                        person: None,
                        backup_for: None,
                    });
                }
                for decider in &window.people {
                    if person.is_some_and(|p| p != decider.person.as_str()) {
                        continue;
                    }
                    turns.push(Turn {
                        role,
                        from: window.from,
                        to: window.to,
                        person: Some(decider.person.clone()),
                        backup_for: decider.backup_for.clone(),
                    });
                }
            }
        }
        Oncall {
            runbook,
            from,
            to,
            turns,
            person: person.map(str::to_owned),
        }
    }

    pub fn person_label(&self, id: &str) -> String {
        self.runbook
            .person(id)
            .map_or_else(|| id.to_owned(), |p| p.label().to_owned())
    }
}

impl OncallArgs {
    /// `--format json`: a failure is then one JSON object on standard output.
    pub fn wants_json(&self) -> bool {
        self.format == OncallFormat::Json
    }
}

pub fn oncall(args: &OncallArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    if let Some(p) = args.person.as_deref()
        && runbook.person(p).is_none()
    {
        return Err(unknown(
            "person",
            p,
            runbook.people.iter().map(|p| &p.id.value),
        ));
    }
    let (from, to) = super::horizon(&runbook, args.from.as_deref(), args.days)?;
    let oncall = Oncall::build(&runbook, from, to, args.person.as_deref());
    let format: &dyn Render<Oncall> = match args.format {
        OncallFormat::Human => &human::Human,
        OncallFormat::Json => &json::Json,
        OncallFormat::Csv => &csv::Csv,
        OncallFormat::Ical => &ical::Ical,
    };
    super::output::print(format, &oncall)?;
    Ok(ExitCode::SUCCESS)
}
