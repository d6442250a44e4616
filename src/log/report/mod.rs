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
pub mod html;
mod sections;

use super::event::{Body, Closed, DecisionOpened, Opened};
use super::verify::scan;
use super::{Entry, LogError, LogRead, Verification};
use chrono::{DateTime, FixedOffset, NaiveDate};
use sections::{
    attention, decisions, escalations, header, open_items, state_changes, timeline, unavailability,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// People's names by id, as the runbook gives them: the log records ids
/// only, so the console passes the names it knows, and the report shows
/// `Alice Martin (alice)`. An id with no name shows alone.
pub type Names = BTreeMap<String, String>;

/// Reads and checks the log at `log_path`, writes its report to
/// `LOG.report.md`, and the same as a printable page `LOG.report.html`
/// (each mode 0600, replaced atomically), and returns the Markdown's path.
/// A broken chain or a torn tail is written into the report, not an error.
pub fn write_incident_report(log_path: &Path, names: &Names) -> Result<PathBuf, LogError> {
    // One read for both the events and the verdict on the chain, so that
    // they describe the same bytes while the console keeps appending; and a
    // broken chain still gives the events before it (`read` would refuse).
    let bytes = crate::fsio::read(log_path, crate::fsio::MAX_LOG_BYTES)
        .map_err(|e| LogError::io("read", log_path, e))?;
    let scan = scan(&bytes);
    let verification = scan.verification();
    let read = LogRead {
        events: scan.events,
        torn_tail: scan.torn_tail,
    };
    let path = report_path(log_path, ".report.md");
    let text = incident_markdown(log_path, &read, &verification, names);
    write_atomically(&path, text.as_bytes())?;
    // The same report as a page to print and hand out (`LOG.report.html`).
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    let page = html::page(title.trim_start_matches("# "), &html::from_markdown(body));
    write_atomically(&report_path(log_path, ".report.html"), page.as_bytes())?;
    Ok(path)
}

/// `LOG.report.md` (or another `ext`) next to `LOG`.
fn report_path(log_path: &Path, ext: &str) -> PathBuf {
    let mut name = log_path.as_os_str().to_owned();
    name.push(ext);
    PathBuf::from(name)
}

/// Writes through a temporary file renamed over `path` (never through a
/// link): a reader sees the old report or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    crate::fsio::write_atomically(path, bytes).map_err(|e| LogError::io("write", path, e))
}

/// The report of the log at `log_path`, from its events and the check of
/// its chain.
pub fn incident_markdown(
    log_path: &Path,
    read: &LogRead,
    verification: &Verification,
    names: &Names,
) -> String {
    let index = EventIndex::gather(&read.events, names);
    let mut out = String::new();
    header(&mut out, log_path, &index, read, verification);
    attention(&mut out, &index, read, verification);
    timeline(&mut out, &index);
    decisions(&mut out, &index);
    escalations(&mut out, &index);
    open_items(&mut out, &index);
    state_changes(&mut out, &index);
    unavailability(&mut out, &index);
    out
}

/// The events sorted by what the sections need.
struct EventIndex<'a> {
    events: &'a [Entry],
    /// The `opened` event and when it happened.
    opened: Option<(&'a Entry, &'a Opened)>,
    closed: Option<(&'a Entry, &'a Closed)>,
    /// `decision-opened` by decision id, with its event.
    asked: HashMap<&'a str, (&'a Entry, &'a DecisionOpened)>,
    /// Decision ids in the order they were opened.
    order: Vec<&'a str>,
    decided: HashSet<&'a str>,
    /// Preconditions acknowledged, by decision id.
    acknowledged: HashMap<&'a str, Vec<&'a str>>,
    /// The plant's offset when the session opened; times in another offset
    /// (after a DST change) show theirs.
    offset: Option<FixedOffset>,
    names: &'a Names,
}

impl<'a> EventIndex<'a> {
    fn gather(events: &'a [Entry], names: &'a Names) -> EventIndex<'a> {
        let mut index = EventIndex {
            events,
            opened: events.iter().find_map(|e| match &e.event.body {
                Body::Opened(o) => Some((e, o)),
                _ => None,
            }),
            closed: events.iter().rev().find_map(|e| match &e.event.body {
                Body::Closed(c) => Some((e, c)),
                _ => None,
            }),
            asked: HashMap::new(),
            order: Vec::new(),
            decided: HashSet::new(),
            acknowledged: HashMap::new(),
            offset: events.first().map(|e| *e.event.at.offset()),
            names,
        };
        for e in events {
            match &e.event.body {
                // The first one counts, should an id be opened twice.
                Body::DecisionOpened(d) if !index.asked.contains_key(d.decision.as_str()) => {
                    index.asked.insert(&d.decision, (e, d));
                    index.order.push(&d.decision);
                }
                Body::Decided(d) => {
                    index.decided.insert(&d.decision);
                }
                Body::Acknowledged(a) => {
                    (index.acknowledged.entry(&a.decision).or_default()).push(&a.precondition);
                }
                _ => {}
            }
        }
        index
    }

    /// The events of one kind, with their bodies.
    fn of<T: 'a>(
        &self,
        pick: impl Fn(&'a Body) -> Option<&'a T>,
    ) -> impl Iterator<Item = (&'a Entry, &'a T)> {
        self.events
            .iter()
            .filter_map(move |e| pick(&e.event.body).map(|b| (e, b)))
    }

    /// Decisions opened and never decided, in the order they were opened.
    fn open(&self) -> Vec<&'a str> {
        let mut open: Vec<&str> = (self.order.iter().copied())
            .filter(|id| !self.decided.contains(id))
            .collect();
        // Named open at closing without being opened in this log: still open.
        if let Some((_, closed)) = self.closed {
            for id in &closed.open {
                if !open.contains(&id.as_str()) && !self.decided.contains(id.as_str()) {
                    open.push(id);
                }
            }
        }
        open
    }

    /// `Alice Martin (alice)`, escaped; the id alone when no name is known.
    fn person(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(name) if !name.is_empty() && name != id => {
                format!("{} ({})", fields::md(name), fields::md(id))
            }
            _ => fields::field(id),
        }
    }

    /// People by name, joined with `, `; `nobody` when none.
    fn people(&self, ids: &[String]) -> String {
        if ids.is_empty() {
            return "nobody".into();
        }
        ids.iter()
            .map(|p| self.person(p))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Everyone who decided or declared a state, in the order they first did.
    fn participants(&self) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for e in self.events {
            let by = match &e.event.body {
                Body::Decided(d) => &d.by,
                Body::StateDeclared(d) => &d.by,
                _ => continue,
            };
            for p in by {
                if !out.contains(&p.as_str()) {
                    out.push(p);
                }
            }
        }
        out
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
