//! `diff --format json`: every changed decision and role, for tools.

use super::Compared;
use super::phrases::phrases;
use crate::cli::output::{Render, json_text};
use crate::engine::diff::{Diff, Fact};
use crate::engine::horizon::Gap;
use crate::model::Text;
use crate::model::clock::day_time;
use anyhow::Result;

fn gaps_json(gaps: &[Gap]) -> serde_json::Value {
    gaps.iter()
        .map(|g| {
            serde_json::json!({
                "from": g.from.to_rfc3339(),
                "to": g.to.to_rfc3339(),
                "text": format!("{} to {}", day_time(g.from), day_time(g.to)),
            })
        })
        .collect()
}

fn fact_json(f: &Fact) -> serde_json::Value {
    serde_json::json!({
        "outcome": f.outcome,
        "rules": f.rules.iter().map(Text::as_str).collect::<Vec<_>>(),
        "first_deciders": f.first.iter().map(Text::as_str).collect::<Vec<_>>(),
        "first_decider_within_s": f.within,
        "single_decider": f.single.as_ref().map(Text::as_str),
        "two_person": f.two_person,
        "pre_approved": f.pre_approved,
        "chain": f.ladder.iter().map(|(t, o)| serde_json::json!({"target": t.as_str(), "engaged_after_s": o})).collect::<Vec<_>>(),
        "gaps": gaps_json(&f.gaps),
    })
}

pub struct Json;

impl Render<Compared<'_>> for Json {
    fn render(&self, c: &Compared) -> Result<String> {
        json_text(&document(c.diff))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn document(d: &Diff) -> serde_json::Value {
    fn ids(v: &[Text]) -> Vec<&str> {
        v.iter().map(Text::as_str).collect()
    }
    serde_json::json!({
        "from": d.from.to_rfc3339(),
        "to": d.to.to_rfc3339(),
        "opens_gap": d.opens_gap(),
        "identities_added": ids(&d.identities_added),
        "identities_removed": ids(&d.identities_removed),
        "states_added": ids(&d.states_added),
        "states_removed": ids(&d.states_removed),
        "roles_added": ids(&d.roles_added),
        "roles_removed": ids(&d.roles_removed),
        "decisions": d.decisions.iter().map(|c| serde_json::json!({
            "identities": ids(&c.identities),
            "states": ids(&c.states),
            "action": c.action.as_str(),
            "before": c.before.as_ref().map(fact_json),
            "after": c.after.as_ref().map(fact_json),
            "changes": phrases(c),
            "opened_gaps": gaps_json(&c.opened),
            "closed_gaps": gaps_json(&c.closed),
        })).collect::<Vec<_>>(),
        "roles": d.roles.iter().map(|r| serde_json::json!({
            "role": r.role.as_str(),
            "opened_gaps": gaps_json(&r.opened),
            "closed_gaps": gaps_json(&r.closed),
        })).collect::<Vec<_>>(),
    })
}
