//! `incidents --format json`: one object per shared incident, times in the
//! plant's zone; `db migrate --format json`: the versions applied.

use super::{Listed, Migrated, plant_time};
use crate::cli::output::{Render, json_text};
use anyhow::Result;
use serde_json::json;

pub struct Json;

impl Render<Listed<'_>> for Json {
    fn render(&self, listed: &Listed) -> Result<String> {
        let items: Vec<_> = (listed.incidents.iter())
            .map(|i| {
                json!({
                    "incident": i.id,
                    "plant": i.plant,
                    "mode": i.mode,
                    "opened_at": plant_time(i.opened_at, &i.timezone).to_rfc3339(),
                    "opened_by": i.opened_by,
                    "events": i.events,
                    "last_event_at": i.last_at.map(|t| plant_time(t, &i.timezone).to_rfc3339()),
                    "state": i.state,
                    "open": i.open,
                    "last_event": i.last_kind,
                })
            })
            .collect();
        json_text(&items)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

impl Render<Migrated<'_>> for Json {
    fn render(&self, migrated: &Migrated) -> Result<String> {
        let applied: Vec<_> = (migrated.applied.iter())
            .map(|(v, d)| json!({ "version": v, "description": d }))
            .collect();
        json_text(&json!({ "applied": applied, "version": migrated.version }))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
