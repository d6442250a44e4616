//! `andon incidents`: one line per shared incident, and how to join one;
//! `andon db migrate`: the schema versions applied.

use super::{Listed, Migrated};
use crate::cli::output::Render;
use crate::share::printable;
use anyhow::Result;
use chrono_tz::Tz;
use std::fmt::Write as _;

pub struct Human;

/// Every value from the database is escaped where it is written
/// ([`printable`]).
impl Render<Listed<'_>> for Human {
    fn render(&self, listed: &Listed) -> Result<String> {
        let mut out = String::new();
        if listed.incidents.is_empty() {
            let _ = writeln!(
                out,
                "no shared incident yet in {}; `andon console --db URL` starts one",
                printable(&listed.database)
            );
        }
        for i in listed.incidents {
            let opened = match i.timezone.parse::<Tz>() {
                Ok(tz) => i.opened_at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"),
                Err(_) => i.opened_at.fixed_offset().format("%Y-%m-%d %H:%M %Z"),
            }
            .to_string();
            let open = if i.open.is_empty() {
                "nothing open".to_owned()
            } else {
                format!("open {}", printable(&i.open.join(", ")))
            };
            let events = match i.events {
                1 => "1 event".to_owned(),
                n => format!("{n} events"),
            };
            let closed = if i.last_kind.as_deref() == Some("closed") {
                ", last event: a console closed"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{}  {}  {}, opened {opened} by {}, {events}, state {}, {open}{closed}",
                printable(&i.id),
                printable(&i.plant),
                printable(&i.mode),
                printable(&i.opened_by),
                printable(i.state.as_deref().unwrap_or("?")),
            );
        }
        if let Some(first) = listed.incidents.first() {
            let _ = writeln!(
                out,
                "\njoin one with: andon console --db URL --join {}",
                printable(&first.id)
            );
        }
        Ok(out)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

impl Render<Migrated<'_>> for Human {
    fn render(&self, migrated: &Migrated) -> Result<String> {
        let mut out = String::new();
        let (version, place) = (migrated.version, printable(&migrated.database));
        if migrated.applied.is_empty() {
            let _ = writeln!(
                out,
                "schema already at version {version} in {place}: nothing to apply"
            );
        }
        for (v, description) in migrated.applied {
            let _ = writeln!(
                out,
                "applied schema version {v}: {}",
                printable(description)
            );
        }
        if !migrated.applied.is_empty() {
            let _ = writeln!(out, "schema now at version {version} in {place}");
        }
        Ok(out)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
