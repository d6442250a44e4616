//! The incident report: `e` in the console writes the log as Markdown next
//! to it (`LOG.report.md`) for the handover and for the people who were not
//! there: what happened when, who decided what and whether they could, who
//! was called, what is still open.
//!
//! It is built from the log alone, so it says what the evidence says, and it
//! says first whether the evidence is whole: a broken hash chain and a torn
//! last line are stated at the top, never left out. Everything taken from
//! the log (notes, names, flags) is escaped, so that no text typed during an
//! incident can break a table or pull in a link.

mod fields;
mod sections;

use super::verify::scan;
use super::{Entry, Kind, LogError, LogRead, Verification};
use chrono::{DateTime, FixedOffset, NaiveDate};
use fields::{text, texts};
use sections::{
    attention, decisions, escalations, header, open_items, state_changes, timeline, unavailability,
};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type Fields = Map<String, Value>;

/// Reads and checks the log at `log_path`, writes its report to
/// `LOG.report.md` (mode 0600, replaced atomically) and returns that path.
/// A broken chain or a torn tail is written into the report, not an error.
pub fn write_incident_report(log_path: &Path) -> Result<PathBuf, LogError> {
    // One read for both the events and the verdict on the chain, so that
    // they describe the same bytes while the console keeps appending; and a
    // broken chain still gives the events before it (`read` would refuse).
    let bytes = crate::fsio::read(log_path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", log_path, e))?;
    let scan = scan(&bytes);
    let verification = Verification {
        events: scan.events.len() as u64,
        problem: scan.problem,
        torn_tail: scan.torn_tail.clone(),
    };
    let read = LogRead {
        events: scan.events,
        torn_tail: scan.torn_tail,
    };
    let path = report_path(log_path);
    let text = incident_markdown(log_path, &read, &verification);
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// `LOG.report.md` next to `LOG`.
fn report_path(log_path: &Path) -> PathBuf {
    let mut name = log_path.as_os_str().to_owned();
    name.push(".report.md");
    PathBuf::from(name)
}

/// Writes through a temporary file renamed over `path` (never through a
/// link): a reader sees the old report or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    crate::fsio::write_atomically(path, bytes).map_err(|e| LogError::io("write", path, e))
}

/// The report of the log at `log_path`, from its events and the check of
/// its chain.
pub fn incident_markdown(log_path: &Path, read: &LogRead, verification: &Verification) -> String {
    let facts = Facts::gather(&read.events);
    let mut out = String::new();
    header(&mut out, log_path, &facts, read, verification);
    attention(&mut out, &facts, read, verification);
    timeline(&mut out, &facts);
    decisions(&mut out, &facts);
    escalations(&mut out, &facts);
    open_items(&mut out, &facts);
    state_changes(&mut out, &facts);
    unavailability(&mut out, &facts);
    out
}

/// The events sorted by what the sections need.
struct Facts<'a> {
    events: &'a [Entry],
    opened: Option<&'a Entry>,
    closed: Option<&'a Entry>,
    /// `decision-opened` by decision id.
    asked: HashMap<&'a str, &'a Entry>,
    /// Decision ids in the order they were opened.
    order: Vec<&'a str>,
    decided: HashSet<&'a str>,
    /// Preconditions acknowledged, by decision id.
    acknowledged: HashMap<&'a str, Vec<&'a str>>,
    /// The plant's offset when the session opened; times in another offset
    /// (after a DST change) show theirs.
    offset: Option<FixedOffset>,
}

impl<'a> Facts<'a> {
    fn gather(events: &'a [Entry]) -> Facts<'a> {
        let mut facts = Facts {
            events,
            opened: events.iter().find(|e| e.event.kind == Kind::Opened),
            closed: events.iter().rev().find(|e| e.event.kind == Kind::Closed),
            asked: HashMap::new(),
            order: Vec::new(),
            decided: HashSet::new(),
            acknowledged: HashMap::new(),
            offset: events.first().map(|e| *e.event.at.offset()),
        };
        for e in events {
            let Some(id) = text(&e.event.fields, "decision") else {
                continue;
            };
            match e.event.kind {
                // The first one counts, should an id be opened twice.
                Kind::DecisionOpened if !facts.asked.contains_key(id) => {
                    facts.asked.insert(id, e);
                    facts.order.push(id);
                }
                Kind::Decided => {
                    facts.decided.insert(id);
                }
                Kind::Acknowledged => {
                    if let Some(p) = text(&e.event.fields, "precondition") {
                        facts.acknowledged.entry(id).or_default().push(p);
                    }
                }
                _ => {}
            }
        }
        facts
    }

    fn of(&self, kind: Kind) -> impl Iterator<Item = &'a Entry> {
        self.events.iter().filter(move |e| e.event.kind == kind)
    }

    /// Decisions opened and never decided, in the order they were opened.
    fn open(&self) -> Vec<&'a str> {
        let mut open: Vec<&str> = (self.order.iter().copied())
            .filter(|id| !self.decided.contains(id))
            .collect();
        // Named open at closing without being opened in this log: still open.
        if let Some(closed) = self.closed {
            for id in texts(&closed.event.fields, "open") {
                if !open.contains(&id) && !self.decided.contains(id) {
                    open.push(id);
                }
            }
        }
        open
    }

    /// A clock for one table: the date on its first row and when it changes.
    fn clock(&self) -> Clock {
        Clock {
            offset: self.offset,
            date: None,
        }
    }
}

struct Clock {
    offset: Option<FixedOffset>,
    date: Option<NaiveDate>,
}

impl Clock {
    /// `2026-03-06 02:10:00` on a new date, `02:15:00` after; the offset
    /// too when it is not the session's.
    fn stamp(&mut self, at: &DateTime<FixedOffset>) -> String {
        let date = at.date_naive();
        let mut s = if self.date == Some(date) {
            at.format("%H:%M:%S").to_string()
        } else {
            at.format("%Y-%m-%d %H:%M:%S").to_string()
        };
        self.date = Some(date);
        if self.offset != Some(*at.offset()) {
            let _ = write!(s, " ({})", at.format("%:z"));
        }
        s
    }
}

#[cfg(test)]
mod tests;
