//! `log verify`: `ok` with the event count and the head to write down, or
//! the first line that was changed, removed or reordered.

use super::Verified;
use crate::cli::output::Render;
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

impl Render<Verified<'_>> for Human {
    fn render(&self, verified: &Verified) -> Result<String> {
        let v = verified.verdict;
        let mut out = String::new();
        if v.problem.is_some() {
            // Said on standard error by [`broken`]: standard output stays
            // empty for a log that cannot be trusted.
            return Ok(out);
        }
        let plural = if v.events == 1 { "" } else { "s" };
        let _ = writeln!(out, "ok: {} event{plural}, chain intact", v.events);
        if let Some((seq, hash)) = &v.head {
            let _ = writeln!(
                out,
                "head: seq {seq}, hash {hash} (write it down: a later copy must still have this line)"
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
        Ok(out)
    }
}

/// A broken chain, as an error is said (on standard error): the line and
/// the fault, and how much before it is intact.
pub fn broken(verified: &Verified) -> Option<String> {
    let v = verified.verdict;
    let problem = v.problem.as_ref()?;
    Some(format!(
        "error: line {}: {}\nnote: the {} line(s) before it are intact; nothing after it can be trusted\n",
        problem.line, problem.fault, v.events
    ))
}
