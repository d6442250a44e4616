//! `replay --print`: the timeline, the decisions taken, what was still
//! open, and what differs `--against` another runbook.

use super::{Compared, Replayed, warning};
use crate::cli::output::Render;
use crate::log::event::Opened;
use crate::log::replay::{Moment, Replay};
use crate::log::words;
use crate::tui::replay::Integrity;
use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use std::fmt::Write as _;

/// Plant times in the log's own zone when it names one.
struct Clock(Option<Tz>);

impl Clock {
    fn of(session: &Opened) -> Clock {
        Clock(session.timezone.as_deref().and_then(|t| t.parse().ok()))
    }

    fn show(&self, at: DateTime<FixedOffset>, format: &str) -> String {
        match self.0 {
            Some(tz) => at.with_timezone(&tz).format(format).to_string(),
            None => at.format(&format.replace("%Z", "%:z")).to_string(),
        }
    }
}

pub struct Human;

impl Render<Replayed<'_>> for Human {
    fn render(&self, r: &Replayed) -> Result<String> {
        Ok(printed(r.log, r.replay, r.integrity, r.compared))
    }
}

fn printed(
    log: &str,
    replay: &Replay,
    integrity: &Integrity,
    compared: Option<&Compared>,
) -> String {
    let mut out = String::new();
    if let Some(w) = warning(integrity, replay.len()) {
        let _ = writeln!(out, "{w}");
    }
    let clock = Clock::of(&replay.session);
    let s = &replay.session;
    let chain = match integrity {
        Integrity::Intact => "chain intact",
        Integrity::Broken { .. } => "CHAIN BROKEN",
        Integrity::Torn { .. } => "TORN LAST LINE",
    };
    let _ = writeln!(out, "replay of {log}: {} events, {chain}", replay.len());
    if let Some(runbook) = &s.runbook {
        let _ = writeln!(
            out,
            "written with runbook {runbook} ({}), plant {}",
            s.runbook_hash.as_deref().unwrap_or("no hash"),
            s.plant.as_deref().unwrap_or("?")
        );
    }
    let _ = writeln!(out, "\nTimeline:");
    let mut day = None;
    for e in &replay.entries {
        let date = clock.show(e.event.at, "%a %d %b %Y");
        let time = if day.as_ref() == Some(&date) {
            clock.show(e.event.at, "%H:%M:%S")
        } else {
            clock.show(e.event.at, "%a %d %b %Y %H:%M:%S %Z")
        };
        day = Some(date);
        let mark = match compared {
            Some(c) if c.differences.iter().any(|d| d.seq == e.seq) => "!",
            _ => " ",
        };
        let _ = writeln!(
            out,
            "{mark}{:>4}  {time}  {}",
            e.seq,
            words::event(&e.event)
        );
    }
    let end: Moment = replay.moment(replay.len().saturating_sub(1));
    let _ = writeln!(out, "\nDecisions taken ({}):", end.taken.len());
    for t in &end.taken {
        let _ = writeln!(
            out,
            "  {} {} {} by {}: {}, {}{}",
            t.id,
            clock.show(t.at, "%H:%M"),
            t.action_phrase(),
            t.by.join(" and "),
            if t.approved { "approved" } else { "declined" },
            words::authorized(t.authorized),
            if t.flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.flags.join("; "))
            }
        );
    }
    if !end.open.is_empty() {
        let _ = writeln!(out, "\nStill open at the end ({}):", end.open.len());
        for o in &end.open {
            let _ = writeln!(
                out,
                "  {} {} (opened {}, level {} of {})",
                o.id,
                o.action_phrase(),
                clock.show(o.opened_at, "%H:%M"),
                o.level,
                o.chain.len()
            );
        }
    }
    if let Some(c) = compared {
        let n = c.differences.len();
        let _ = writeln!(
            out,
            "\nAgainst {}{}: {}",
            c.path.display(),
            sameness(c, s),
            match n {
                0 => "no difference".to_owned(),
                1 => "1 difference".to_owned(),
                n => format!("{n} differences"),
            }
        );
        for d in &c.differences {
            let _ = writeln!(out, "  {d}");
        }
    }
    out
}

/// ` (the same runbook hash as the log's)` when it is. The hash covers
/// the files' paths too, so a different one may still be the same files
/// named from elsewhere: nothing is said then.
fn sameness(c: &Compared, s: &Opened) -> &'static str {
    match (&c.hash, &s.runbook_hash) {
        (Some(a), Some(b)) if a == b => " (the same runbook hash as the log's)",
        _ => "",
    }
}
