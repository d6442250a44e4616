//! `log verify --format json`: the verdict for scripts and auditors' tools:
//! whether the chain is intact, the first fault, a torn tail, the head and
//! whether the log ends with `closed`.

use super::Verified;
use crate::cli::output::{Render, json_text};
use anyhow::Result;

pub struct Json;

impl Render<Verified<'_>> for Json {
    fn render(&self, verified: &Verified) -> Result<String> {
        let v = verified.verdict;
        json_text(&serde_json::json!({
            "log": verified.log.display().to_string(),
            "intact": v.intact(),
            "events": v.events,
            "problem": v.problem.as_ref().map(|p| serde_json::json!({
                "line": p.line,
                "fault": p.fault.to_string(),
            })),
            "torn_tail": v.torn_tail.as_ref().map(|t| serde_json::json!({
                "line": t.line,
                "bytes": t.bytes.len(),
            })),
            "head": v.head.as_ref().map(|(seq, hash)| serde_json::json!({
                "seq": seq,
                "hash": hash,
            })),
            "closed": v.closed,
        }))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
