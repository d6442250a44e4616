//! `andon oncall`: who is on call in each role over a span, with the gaps,
//! in words, JSON, CSV or iCalendar.
//!
//! The turns come from [`Horizon::role_windows`], the walk lint's horizon
//! rules and `andon coverage` use, so a calendar never disagrees with lint:
//! a gap here is a gap there. A turn is one person on call for one role
//! over a stretch of time (backups included: someone inactive is replaced by
//! their backup, as in resolution). Turns that begin before `--from` or end
//! after the span are cut at its edges.

mod ical;

use super::{RunbookArg, load_runbook, unknown};
use crate::engine::Engine;
use crate::engine::horizon::{Horizon, window_text};
use crate::model::clock::full_date_time;
use crate::model::{Runbook, Text};
use anyhow::Result;
use chrono::DateTime;
use chrono_tz::Tz;
use clap::ValueEnum;
use serde::Serialize;
use std::fmt::Write as _;
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
        }
    }

    fn person_label(&self, id: &str) -> String {
        self.runbook
            .person(id)
            .map_or_else(|| id.to_owned(), |p| p.label().to_owned())
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
    match args.format {
        OncallFormat::Human => super::print_human(&human(&oncall, args.person.as_deref())),
        OncallFormat::Json => println!("{}", serde_json::to_string_pretty(&json(&oncall))?),
        OncallFormat::Csv => super::print_human(&csv(&oncall)),
        OncallFormat::Ical => print!("{}", ical::calendar(&oncall)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// Control characters out of text bound for a terminal.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn human(oncall: &Oncall, person: Option<&str>) -> String {
    let rb = oncall.runbook;
    let mut out = String::new();
    let plant = rb.plant.name.as_deref().unwrap_or(&rb.plant.id.value);
    let who = person.map_or_else(String::new, |p| {
        format!(" for {}", shown(&oncall.person_label(p)))
    });
    let _ = writeln!(
        out,
        "On call{who} at {} ({}), {} to {}",
        shown(plant),
        rb.plant.timezone.value.name(),
        full_date_time(oncall.from),
        full_date_time(oncall.to),
    );
    let mut gaps = 0usize;
    for role in &rb.roles {
        let turns: Vec<&Turn> = oncall
            .turns
            .iter()
            .filter(|t| std::ptr::eq(t.role, role))
            .collect();
        if turns.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", shown(&role.id.value), shown(role.label()));
        for turn in turns {
            let when = window_text(turn.from, turn.to, oncall.to);
            match &turn.person {
                None => {
                    gaps += 1;
                    let _ = writeln!(out, "  {when}  GAP: nobody on call");
                }
                Some(p) => {
                    let backup = turn.backup_for.as_ref().map_or_else(String::new, |b| {
                        format!(", backing up {}", shown(&oncall.person_label(b)))
                    });
                    let _ = writeln!(out, "  {when}  {}{backup}", shown(&oncall.person_label(p)));
                }
            }
        }
    }
    if person.is_none() {
        let _ = match gaps {
            0 => writeln!(out, "\nNo gaps: every role has someone on call throughout."),
            1 => writeln!(out, "\n1 gap: a role with nobody on call."),
            n => writeln!(out, "\n{n} gaps: stretches of a role with nobody on call."),
        };
    } else if oncall.turns.is_empty() {
        let _ = writeln!(out, "\nNo turns in this span.");
    }
    out
}

#[derive(Serialize)]
struct JsonOncall<'a> {
    plant: &'a str,
    timezone: &'a str,
    from: String,
    to: String,
    turns: Vec<JsonTurn<'a>>,
}

#[derive(Serialize)]
struct JsonTurn<'a> {
    role: &'a str,
    from: String,
    to: String,
    /// `None` in a gap.
    person: Option<&'a str>,
    gap: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_for: Option<&'a str>,
}

fn json<'a>(oncall: &'a Oncall) -> JsonOncall<'a> {
    let rb = oncall.runbook;
    JsonOncall {
        plant: &rb.plant.id.value,
        timezone: rb.plant.timezone.value.name(),
        from: oncall.from.to_rfc3339(),
        to: oncall.to.to_rfc3339(),
        turns: oncall
            .turns
            .iter()
            .map(|t| JsonTurn {
                role: &t.role.id.value,
                from: t.from.to_rfc3339(),
                to: t.to.to_rfc3339(),
                person: t.person.as_deref(),
                gap: t.person.is_none(),
                backup_for: t.backup_for.as_deref(),
            })
            .collect(),
    }
}

/// A CSV field (RFC 4180), kept from being read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
fn field(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv(oncall: &Oncall) -> String {
    let mut out = String::from("role,from,to,person,name,backup_for,gap\r\n");
    for t in &oncall.turns {
        let name = t
            .person
            .as_deref()
            .map(|p| oncall.person_label(p))
            .unwrap_or_default();
        let row = [
            field(&t.role.id.value),
            t.from.to_rfc3339(),
            t.to.to_rfc3339(),
            field(t.person.as_deref().unwrap_or_default()),
            field(&name),
            field(t.backup_for.as_deref().unwrap_or_default()),
            t.person.is_none().to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
