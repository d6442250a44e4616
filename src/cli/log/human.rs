//! `log verify`: on standard output what verifies (`ok` with the event
//! count, the head to write down, warnings); on standard error, from
//! [`errors`], what does not (the first broken line, a story that does not
//! hold, a signature or a written-down head that fails), so that a script
//! reading standard output never takes a failing log for a good one.

use super::Checked;
use crate::cli::output::Render;
use crate::log::Weight;
use crate::log::sign::{AtHead, Signatures};
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

impl Render<Checked<'_>> for Human {
    fn render(&self, checked: &Checked) -> Result<String> {
        let v = &checked.v;
        let mut out = String::new();
        if v.problem.is_some() {
            // Said by [`errors`]: standard output stays empty for a log
            // whose chain cannot be trusted.
            return Ok(out);
        }
        let plural = if v.events == 1 { "" } else { "s" };
        if v.story_holds() {
            let _ = writeln!(out, "ok: {} event{plural}, chain intact", v.events);
        }
        for f in v.story.iter().filter(|f| f.weight == Weight::Warning) {
            let _ = writeln!(out, "warning: {f}");
        }
        if let Some((seq, hash)) = &v.head {
            let _ = writeln!(
                out,
                "head: seq {seq}, hash {hash} (write it down: a later copy must still have this line; andon log verify --head {seq}:{hash})"
            );
        }
        if !v.closed && v.events > 0 {
            let _ = writeln!(
                out,
                "warning: not closed: the log has no `closed` event at its end (the session is still running, or was cut short)"
            );
        }
        if let Some(torn) = &v.torn_tail {
            let _ = writeln!(
                out,
                "warning: line {}: torn last line ({} bytes without a newline, a write cut short by a crash); the chain is intact up to it",
                torn.line,
                torn.bytes.len()
            );
        }
        if let Some((key, s)) = &checked.signatures
            && let Some(seq) = s.covered
        {
            let _ = writeln!(
                out,
                "ok: {} signature(s) by {key} verify; the last covers the log up to seq {seq}",
                s.good
            );
        }
        if let Some(((seq, _), at @ AtHead::Holds { .. })) = &checked.head {
            let _ = writeln!(out, "ok: {}", at_head(*seq, at));
        }
        Ok(out)
    }
}

/// What fails, for standard error: a broken chain (and nothing else, since
/// nothing after it can be trusted), or the story's errors, the signatures
/// and the written-down head that fail.
pub fn errors(checked: &Checked) -> String {
    let v = &checked.v;
    let mut out = String::new();
    if let Some(problem) = &v.problem {
        let _ = writeln!(out, "error: line {}: {}", problem.line, problem.fault);
        let _ = writeln!(
            out,
            "note: the {} line(s) before it are intact; nothing after it can be trusted",
            v.events
        );
        return out;
    }
    for f in v.story.iter().filter(|f| f.weight == Weight::Error) {
        let _ = writeln!(out, "error: {f}");
    }
    if !v.story_holds() {
        let plural = if v.events == 1 { "" } else { "s" };
        let _ = writeln!(
            out,
            "note: the chain is intact ({} event{plural}): the lines are as they were written, but what they say is not one session's story (a forged log, or two logs joined)",
            v.events
        );
    }
    if let Some((key, s)) = &checked.signatures {
        signature_errors(&mut out, key, s);
    }
    if let Some(((seq, _), at)) = &checked.head
        && !matches!(at, AtHead::Holds { .. })
    {
        let _ = writeln!(out, "error: {}", at_head(*seq, at));
    }
    out
}

/// What `--key` found that fails, in words.
fn signature_errors(out: &mut String, key: &str, s: &Signatures) {
    for f in &s.findings {
        let _ = writeln!(out, "error: {f}");
    }
    if s.covered.is_none() {
        let _ = writeln!(
            out,
            "error: no signature by {key} verifies: the key does not vouch for any of this log (not signed with it, its signatures removed, or the log rewritten)"
        );
    }
    if let Some((first, last)) = s.unsigned {
        let _ = writeln!(
            out,
            "error: seq {first} to {last} come after the last good signature: the key does not vouch for them (a session killed before it signed, or lines added by someone without the key)"
        );
    }
}

/// What the log holds at the written-down head, in words.
pub fn at_head(seq: u64, at: &AtHead) -> String {
    match at {
        AtHead::Holds { after: 0 } => {
            format!("the written-down head seq {seq} is the log's last line, with its hash")
        }
        AtHead::Holds { after } => format!(
            "the written-down head seq {seq} is in the log with its hash; {after} event(s) were written after it"
        ),
        AtHead::Missing { last: 0 } => {
            format!(
                "the log holds no event, so not the written-down head seq {seq}: it was emptied"
            )
        }
        AtHead::Missing { last } => format!(
            "the log ends at seq {last}, before the written-down head seq {seq}: it was cut"
        ),
        AtHead::Differs { line, hash } => format!(
            "line {line} (seq {seq}) has hash {hash}, not the written-down one: the log was rewritten"
        ),
    }
}

pub fn weight(w: Weight) -> &'static str {
    match w {
        Weight::Error => "error",
        Weight::Warning => "warning",
    }
}
