//! The turns role by role, in words, with the gaps counted.

use super::{Oncall, Turn};
use crate::cli::output::Render;
use crate::engine::horizon::window_text;
use crate::model::clock::full_date_time;
use anyhow::Result;
use std::fmt::Write as _;

/// Control characters out of text bound for a terminal.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub struct Human;

impl Render<Oncall<'_>> for Human {
    fn render(&self, oncall: &Oncall) -> Result<String> {
        Ok(text(oncall))
    }
}

fn text(oncall: &Oncall) -> String {
    let person = oncall.person.as_deref();
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
