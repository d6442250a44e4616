//! `oncall --format json`: the span and every turn, gaps included.

use super::Oncall;
use crate::cli::output::{Render, json_text};
use anyhow::Result;
use serde::Serialize;

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

pub struct Json;

impl Render<Oncall<'_>> for Json {
    fn render(&self, oncall: &Oncall) -> Result<String> {
        json_text(&document(oncall))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn document<'a>(oncall: &'a Oncall) -> JsonOncall<'a> {
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
