//! `log verify --format json`: the verdict for scripts and auditors' tools,
//! with the same exit codes as the human form: the first fault, a torn
//! tail, the head, whether the log ends with `closed`, what the events say
//! that does not hold together (`story`, each finding an error or a
//! warning), and the anchors checked (`signatures`, `written_head`).

use super::Checked;
use super::human::{at_head, weight};
use crate::cli::output::{Render, json_text};
use crate::log::sign::AtHead;
use anyhow::Result;

pub struct Json;

impl Render<Checked<'_>> for Json {
    fn render(&self, checked: &Checked) -> Result<String> {
        let v = &checked.v;
        let finding = |f: &crate::log::Finding| {
            serde_json::json!({
                "line": f.line,
                "seq": f.seq,
                "severity": weight(f.weight),
                "message": f.text,
            })
        };
        json_text(&serde_json::json!({
            "log": checked.log.display().to_string(),
            "ok": checked.holds(),
            "intact": v.intact(),
            "story_holds": v.story_holds(),
            "events": v.events,
            "problem": v.problem.as_ref().map(|p| serde_json::json!({
                "line": p.line,
                "fault": p.fault.to_string(),
            })),
            "story": v.story.iter().map(finding).collect::<Vec<_>>(),
            "torn_tail": v.torn_tail.as_ref().map(|t| serde_json::json!({
                "line": t.line,
                "bytes": t.bytes.len(),
            })),
            "head": v.head.as_ref().map(|(seq, hash)| serde_json::json!({
                "seq": seq,
                "hash": hash,
            })),
            "closed": v.closed,
            "signatures": checked.signatures.as_ref().map(|(key, s)| serde_json::json!({
                "key": key,
                "hold": s.hold(),
                "good": s.good,
                "covered_seq": s.covered,
                "unsigned": s.unsigned.map(|(first, last)| serde_json::json!({
                    "first_seq": first,
                    "last_seq": last,
                })),
                "findings": s.findings.iter().map(finding).collect::<Vec<_>>(),
            })),
            "written_head": checked.head.as_ref().map(|((seq, hash), at)| serde_json::json!({
                "seq": seq,
                "hash": hash,
                "holds": matches!(at, AtHead::Holds { .. }),
                "message": at_head(*seq, at),
            })),
        }))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
