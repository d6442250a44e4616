//! `replay --format json`: the chain, the session, the timeline, the
//! decisions, and the differences `--against` another runbook.

use super::{Compared, Replayed};
use crate::cli::output::{Render, json_text};
use crate::log::replay::{Change, Difference, Replay};
use crate::log::words;
use crate::tui::replay::Integrity;
use anyhow::Result;
use serde_json::{Value, json};

pub struct Json;

impl Render<Replayed<'_>> for Json {
    fn render(&self, r: &Replayed) -> Result<String> {
        json_text(&document(r.log, r.replay, r.integrity, r.compared))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

fn document(
    log: &str,
    replay: &Replay,
    integrity: &Integrity,
    compared: Option<&Compared>,
) -> Value {
    let s = &replay.session;
    let end = replay.moment(replay.len().saturating_sub(1));
    let differs = |seq: u64| compared.is_some_and(|c| c.differences.iter().any(|d| d.seq == seq));
    let timeline: Vec<Value> = replay
        .entries
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq, "line": e.line, "at": e.event.at.to_rfc3339(),
                "kind": e.event.kind().as_str(), "words": words::event(&e.event), "differs": differs(e.seq),
            })
        })
        .collect();
    let taken: Vec<Value> = end
        .taken
        .iter()
        .map(|t| {
            json!({
                "decision": t.id, "at": t.at.to_rfc3339(), "identity": t.identity,
                "action": t.action, "state": t.state, "by": t.by, "approved": t.approved,
                "authorized": t.authorized, "ahead_of_chain": t.ahead_of_chain,
                "rule": t.rule, "flags": t.flags,
            })
        })
        .collect();
    let open: Vec<Value> = end
        .open
        .iter()
        .map(|o| {
            json!({
                "decision": o.id, "opened_at": o.opened_at.to_rfc3339(), "identity": o.identity,
                "action": o.action, "state": o.state, "verdict": o.verdict, "rule": o.rule,
                "level": o.level, "levels": o.chain.len(),
            })
        })
        .collect();
    let (broken, torn) = match integrity {
        Integrity::Intact => (Value::Null, Value::Null),
        Integrity::Broken { line, why } => (json!({"line": line, "fault": why}), Value::Null),
        Integrity::Torn { line, bytes } => (Value::Null, json!({"line": line, "bytes": bytes})),
    };
    let against = compared.map(|c| {
        let differences: Vec<Value> = c.differences.iter().map(difference).collect();
        json!({
            "runbook": c.path.display().to_string(),
            "runbook_hash": c.hash,
            "same_hash_as_log": c.hash.is_some() && c.hash == s.runbook_hash,
            "differences": differences,
        })
    });
    json!({
        "log": log,
        "chain": {
            "intact": matches!(integrity, Integrity::Intact | Integrity::Torn { .. }),
            "events": replay.len(),
            "broken": broken,
            "torn_tail": torn,
        },
        "session": {
            "runbook": s.runbook, "runbook_hash": s.runbook_hash, "plant": s.plant,
            "timezone": s.timezone, "mode": s.mode, "scenario": s.scenario, "rehearsal": s.rehearsal,
        },
        "timeline": timeline,
        "decisions": taken,
        "open_at_end": open,
        "state_at_end": end.state,
        "against": against,
    })
}

fn difference(d: &Difference) -> Value {
    let person = match &d.change {
        Change::Authority { person, .. } => Some(person.as_str()),
        _ => None,
    };
    json!({
        "decision": d.decision, "seq": d.seq, "line": d.line, "at": d.at.to_rfc3339(),
        "what": d.what, "change": d.change.as_str(), "person": person,
        "words": d.words, "text": d.to_string(),
    })
}
