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

use super::verify::scan;
use super::{Entry, Kind, LogError, LogRead, Verification};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

type Fields = Map<String, Value>;

/// Reads and checks the log at `log_path`, writes its report to
/// `LOG.report.md` (mode 0600, replaced atomically) and returns that path.
/// A broken chain or a torn tail is written into the report, not an error.
pub fn write_incident_report(log_path: &Path) -> Result<PathBuf, LogError> {
    // One read for both the events and the verdict on the chain, so that
    // they describe the same bytes while the console keeps appending; and a
    // broken chain still gives the events before it (`read` would refuse).
    let bytes = std::fs::read(log_path).map_err(|e| LogError::io("read", log_path, e))?;
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

/// Writes a temporary file in the same directory, syncs it, renames it over
/// `path` and syncs the directory: a reader sees the old report or the new
/// one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    let temp = dir.join(name);
    // Left by a crash of an earlier process with this id, if it exists.
    let _ = std::fs::remove_file(&temp);
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(LogError::io("write", path, e));
    }
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| LogError::io("sync the directory of", path, e))
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

fn header(out: &mut String, log_path: &Path, f: &Facts, read: &LogRead, v: &Verification) {
    let o = f.opened.map(|e| &e.event.fields);
    let get = |key| o.and_then(|o| text(o, key));
    let plant = get("plant").map_or_else(|| "unknown plant".to_owned(), md);
    let mode = get("mode").unwrap_or("mode unknown");
    let title = if mode == "drill" {
        "Drill report"
    } else {
        "Incident report"
    };
    let _ = write!(out, "# {title}: {plant} ({}", md(mode));
    if let Some(s) = get("scenario") {
        let _ = write!(out, ", scenario {}", md(s));
    }
    out.push_str(")\n\n");
    let mut clock = f.clock();
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "- **{label}:** {value}");
    };
    line("Log", code(&log_path.display().to_string()));
    line(
        "Runbook",
        get("runbook").map_or_else(|| "not recorded".into(), code),
    );
    line(
        "Runbook hash",
        get("runbook_hash").map_or_else(|| "not recorded".into(), code),
    );
    if let Some(tz) = get("timezone") {
        let offset = f
            .offset
            .map_or_else(String::new, |o| format!(", UTC{o} at the start"));
        line(
            "Plant time zone",
            format!("{}{offset}; the times below are plant-local", md(tz)),
        );
    }
    match f.opened {
        Some(e) => {
            let state = get("state").map_or_else(String::new, |s| format!(", in state {}", md(s)));
            line("Opened", format!("{}{state}", clock.stamp(&e.event.at)));
        }
        None => line("Opened", "no `opened` event in the log".into()),
    }
    match (f.closed, read.events.last()) {
        (Some(e), _) => line("Closed", clock.stamp(&e.event.at)),
        (None, Some(last)) => line(
            "Closed",
            format!(
                "not closed: the log ends at {} (the session is still running, or ended without closing)",
                clock.stamp(&last.event.at)
            ),
        ),
        (None, None) => line("Closed", "not closed: the log holds no event".into()),
    }
    let chain = match &v.problem {
        None => format!(
            "verifies ({} events, each line chained to the one before)",
            v.events
        ),
        Some(p) => format!(
            "**BROKEN at line {}**: {}. The lines before it verify; nothing from line {} on is in this report",
            p.line,
            md(&p.fault.to_string()),
            p.line
        ),
    };
    line("Hash chain", chain);
    if let Some(torn) = v.torn_tail.as_ref().or(read.torn_tail.as_ref()) {
        let preview: String = String::from_utf8_lossy(&torn.bytes)
            .chars()
            .take(80)
            .collect();
        line(
            "Torn tail",
            format!(
                "**line {} is torn**: {} bytes without a newline, from a crash mid-write; it is not in this report, and the file is kept as it is. It begins: {}",
                torn.line,
                torn.bytes.len(),
                md(&preview)
            ),
        );
    }
    out.push('\n');
}

/// What a shift lead must look at first.
fn attention(out: &mut String, f: &Facts, read: &LogRead, v: &Verification) {
    let mut items = Vec::new();
    if let Some(p) = &v.problem {
        items.push(format!(
            "the hash chain is broken at line {}: the log was changed after it was written",
            p.line
        ));
    }
    if let Some(torn) = v.torn_tail.as_ref().or(read.torn_tail.as_ref()) {
        items.push(format!("the last line ({}) is torn", torn.line));
    }
    for e in f.of(Kind::Decided) {
        let fields = &e.event.fields;
        if flag(fields, "authorized") == Some(false) {
            items.push(format!(
                "{} was decided by {}, who the runbook does not authorize",
                id(fields),
                people(fields, "by")
            ));
        }
    }
    for e in f.of(Kind::StateDeclared) {
        let fields = &e.event.fields;
        if flag(fields, "authorized") == Some(false) {
            items.push(format!(
                "state {} was declared by {}, who the runbook does not authorize",
                field(fields, "state"),
                people(fields, "by")
            ));
        }
    }
    let open = f.open();
    if !open.is_empty() {
        let ids: Vec<String> = open.iter().map(|i| md(i)).collect();
        items.push(format!("still open: {}", ids.join(", ")));
    }
    if items.is_empty() {
        return;
    }
    out.push_str("## Needs attention\n\n");
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
    out.push('\n');
}

fn timeline(out: &mut String, f: &Facts) {
    out.push_str("## Timeline\n\n");
    if f.events.is_empty() {
        out.push_str("No event.\n\n");
        return;
    }
    table(out, &["Time", "Event", "What"]);
    let mut clock = f.clock();
    for e in f.events {
        row(
            out,
            &[
                clock.stamp(&e.event.at),
                e.event.kind.as_str().replace('-', " "),
                what(e),
            ],
        );
    }
    out.push('\n');
}

/// One event in words.
fn what(e: &Entry) -> String {
    let x = &e.event.fields;
    match e.event.kind {
        Kind::Opened => {
            let mut s = format!(
                "session opened ({}) on runbook {}, plant {}, state {}",
                field(x, "mode"),
                field(x, "runbook"),
                field(x, "plant"),
                field(x, "state")
            );
            if let Some(sc) = text(x, "scenario") {
                let _ = write!(s, ", scenario {}", md(sc));
            }
            s
        }
        Kind::StateDeclared => {
            let mut s = format!(
                "state changed from {} to {}, declared by {}{}",
                field(x, "from"),
                field(x, "state"),
                people(x, "by"),
                authorized(x)
            );
            if let Some(d) = text(x, "decision") {
                let _ = write!(s, ", decision {}", md(d));
            }
            s
        }
        Kind::Inject => {
            let mut s = format!("inject {}: {}", number(x, "n"), field(x, "text"));
            for (key, label) in [
                ("identities", "identities"),
                ("unavailable", "unavailable"),
                ("attack", "attack"),
            ] {
                if !texts(x, key).is_empty() {
                    let _ = write!(s, "; {label}: {}", people(x, key));
                }
            }
            s
        }
        Kind::DecisionOpened => format!("{} opened: {}, {}", id(x), target(x), verdict(x)),
        Kind::Escalated => {
            let mut s = format!(
                "{} escalated to level {} ({}): {}",
                id(x),
                number(x, "level"),
                people(x, "people"),
                reason(x)
            );
            if x.contains_key("chain") {
                s.push_str("; chain resolved again");
            }
            s
        }
        Kind::Acknowledged => format!(
            "{} precondition acknowledged: {}",
            id(x),
            field(x, "precondition")
        ),
        Kind::Decided => {
            let mut s = format!(
                "{} decided: {}, {} by {}{}",
                id(x),
                target(x),
                field(x, "outcome"),
                people(x, "by"),
                authorized(x)
            );
            if flag(x, "ahead_of_chain") == Some(true) {
                s.push_str(", ahead of the chain");
            }
            if flag(x, "preconditions_acknowledged") == Some(false) {
                s.push_str(", preconditions not all acknowledged");
            }
            if !texts(x, "flags").is_empty() {
                let _ = write!(s, "; flags: {}", list(x, "flags", "; "));
            }
            s
        }
        Kind::Note => {
            let mut parts = Vec::new();
            for p in texts(x, "unavailable") {
                parts.push(format!("{} marked unavailable", md(p)));
            }
            for p in texts(x, "available") {
                parts.push(format!("{} available again", md(p)));
            }
            if parts.is_empty() {
                field(x, "text")
            } else {
                parts.join("; ")
            }
        }
        Kind::Closed => {
            let open = texts(x, "open");
            if open.is_empty() {
                "session closed; no decision open".into()
            } else {
                format!("session closed; still open: {}", list(x, "open", ", "))
            }
        }
    }
}

fn decisions(out: &mut String, f: &Facts) {
    out.push_str("## Decisions\n\n");
    let decided: Vec<&Entry> = f.of(Kind::Decided).collect();
    if decided.is_empty() {
        out.push_str("None taken.\n\n");
        return;
    }
    table(
        out,
        &[
            "Decision",
            "Decided at",
            "Identity",
            "Action",
            "State",
            "Decided by",
            "Outcome",
            "Authorized",
            "Ahead of chain",
            "Preconditions acknowledged",
            "Flags",
        ],
    );
    let mut clock = f.clock();
    for e in decided {
        let x = &e.event.fields;
        let authorized = match flag(x, "authorized") {
            Some(true) => "yes".to_owned(),
            Some(false) => "**no**".to_owned(),
            None => "not recorded".to_owned(),
        };
        row(
            out,
            &[
                id(x),
                clock.stamp(&e.event.at),
                text(x, "identity").map_or_else(|| "none (state)".into(), md),
                field(x, "action"),
                field(x, "state"),
                people(x, "by"),
                field(x, "outcome"),
                authorized,
                yes_no(flag(x, "ahead_of_chain")),
                preconditions(x, f),
                list(x, "flags", "; "),
            ],
        );
    }
    out.push('\n');
}

/// `yes (1 of 1)`, `no (0 of 2)`, `none required`.
fn preconditions(decided: &Fields, f: &Facts) -> String {
    let ack = yes_no(flag(decided, "preconditions_acknowledged"));
    let Some(id) = text(decided, "decision") else {
        return ack;
    };
    let Some(asked) = f.asked.get(id) else {
        return ack;
    };
    let wanted = texts(&asked.event.fields, "preconditions");
    if wanted.is_empty() {
        return "none required".into();
    }
    let done = f.acknowledged.get(id).map_or(&[][..], Vec::as_slice);
    let count = wanted.iter().filter(|p| done.contains(p)).count();
    let ack = if ack == "no" {
        "**no**".to_owned()
    } else {
        ack
    };
    format!("{ack} ({count} of {})", wanted.len())
}

fn escalations(out: &mut String, f: &Facts) {
    out.push_str("## Escalations\n\n");
    let escalated: Vec<&Entry> = f.of(Kind::Escalated).collect();
    if escalated.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    table(out, &["Decision", "Time", "Level", "People", "Reason"]);
    let mut clock = f.clock();
    for e in escalated {
        let x = &e.event.fields;
        let mut why = reason(x);
        if x.contains_key("chain") {
            why.push_str("; chain resolved again");
        }
        row(
            out,
            &[
                id(x),
                clock.stamp(&e.event.at),
                number(x, "level"),
                people(x, "people"),
                why,
            ],
        );
    }
    out.push('\n');
}

fn open_items(out: &mut String, f: &Facts) {
    out.push_str("## Open items\n\n");
    let open = f.open();
    if open.is_empty() {
        out.push_str("None: every decision opened was decided.\n\n");
        return;
    }
    let mut clock = f.clock();
    for decision in open {
        let Some(asked) = f.asked.get(decision) else {
            let _ = writeln!(
                out,
                "- **{}**: listed open when the session closed, but not opened in this log",
                md(decision)
            );
            continue;
        };
        let x = &asked.event.fields;
        let mut s = format!(
            "- **{}**: {}, opened {}; ",
            md(decision),
            target(x),
            clock.stamp(&asked.event.at)
        );
        let last = (f.events.iter().rev()).find(|e| {
            e.event.kind == Kind::Escalated && text(&e.event.fields, "decision") == Some(decision)
        });
        match last {
            Some(e) => {
                let y = &e.event.fields;
                let _ = write!(
                    s,
                    "last called: level {} ({}) at {}",
                    number(y, "level"),
                    people(y, "people"),
                    clock.stamp(&e.event.at)
                );
            }
            None => {
                let _ = write!(s, "first called: {}", verdict(x));
            }
        }
        s.push_str("; never decided");
        let _ = writeln!(out, "{s}");
    }
    out.push('\n');
}

fn state_changes(out: &mut String, f: &Facts) {
    out.push_str("## State changes\n\n");
    let declared: Vec<&Entry> = f.of(Kind::StateDeclared).collect();
    if declared.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    table(
        out,
        &[
            "Time",
            "From",
            "To",
            "Declared by",
            "Authorized",
            "Decision",
        ],
    );
    let mut clock = f.clock();
    for e in declared {
        let x = &e.event.fields;
        let authorized = match flag(x, "authorized") {
            Some(false) => "**no**".to_owned(),
            other => yes_no(other),
        };
        row(
            out,
            &[
                clock.stamp(&e.event.at),
                field(x, "from"),
                field(x, "state"),
                people(x, "by"),
                authorized,
                text(x, "decision").map_or_else(String::new, md),
            ],
        );
    }
    out.push('\n');
}

fn unavailability(out: &mut String, f: &Facts) {
    out.push_str("## Unavailability\n\n");
    let mut rows = Vec::new();
    let mut clock = f.clock();
    for e in f.events {
        let x = &e.event.fields;
        let source = match e.event.kind {
            Kind::Note => "note".to_owned(),
            Kind::Inject => format!("inject {}", number(x, "n")),
            _ => continue,
        };
        for (key, change) in [
            ("unavailable", "unavailable"),
            ("available", "available again"),
        ] {
            for person in texts(x, key) {
                rows.push([
                    clock.stamp(&e.event.at),
                    md(person),
                    change.to_owned(),
                    source.clone(),
                ]);
            }
        }
    }
    if rows.is_empty() {
        out.push_str("Nobody was marked unavailable.\n\n");
        return;
    }
    table(out, &["Time", "Person", "Now", "From"]);
    for r in rows {
        row(out, &r);
    }
    out.push('\n');
}

// Fields, read leniently: a missing or odd field shows as such, never panics.

fn text<'a>(x: &'a Fields, key: &str) -> Option<&'a str> {
    x.get(key).and_then(Value::as_str)
}

fn texts<'a>(x: &'a Fields, key: &str) -> Vec<&'a str> {
    x.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn flag(x: &Fields, key: &str) -> Option<bool> {
    x.get(key).and_then(Value::as_bool)
}

/// A text field, escaped; `?` when missing.
fn field(x: &Fields, key: &str) -> String {
    text(x, key).map_or_else(|| "?".into(), md)
}

fn number(x: &Fields, key: &str) -> String {
    x.get(key)
        .and_then(Value::as_u64)
        .map_or_else(|| "?".into(), |n| n.to_string())
}

/// A list field, escaped and joined.
fn list(x: &Fields, key: &str, sep: &str) -> String {
    texts(x, key)
        .into_iter()
        .map(md)
        .collect::<Vec<_>>()
        .join(sep)
}

/// People, joined with `, `; `nobody` when none.
fn people(x: &Fields, key: &str) -> String {
    let names = list(x, key, ", ");
    if names.is_empty() {
        "nobody".into()
    } else {
        names
    }
}

fn id(x: &Fields) -> String {
    field(x, "decision")
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
    .to_owned()
}

fn authorized(x: &Fields) -> &'static str {
    match flag(x, "authorized") {
        Some(true) => " (authorized)",
        Some(false) => " (NOT AUTHORIZED)",
        None => "",
    }
}

/// `disconnect vendor-acme-remote in normal`, or `declare emergency`.
fn target(x: &Fields) -> String {
    match text(x, "identity") {
        Some(identity) => format!(
            "{} {} in {}",
            field(x, "action"),
            md(identity),
            field(x, "state")
        ),
        None => format!("{} {}", field(x, "action"), field(x, "state")),
    }
}

/// Who a `decision-opened` calls first, or why nobody may act.
fn verdict(x: &Fields) -> String {
    match text(x, "verdict") {
        Some("chain") => {
            let levels = x.get("chain").and_then(Value::as_array);
            let first = levels.and_then(|levels| {
                levels.iter().enumerate().find_map(|(i, level)| {
                    let skipped = level.get("skipped").and_then(Value::as_bool);
                    (skipped != Some(true)).then(|| {
                        let n = level.get("level").and_then(Value::as_u64);
                        (n.unwrap_or(i as u64 + 1), level)
                    })
                })
            });
            let mut s = match first {
                Some((n, level)) => {
                    let names: Vec<String> = (level.get("people").and_then(Value::as_array))
                        .map(|p| p.iter().filter_map(Value::as_str).map(md).collect())
                        .unwrap_or_default();
                    format!("level {n} {}", names.join(", "))
                }
                None => "no level engages anyone".into(),
            };
            if flag(x, "two_person") == Some(true) {
                s.push_str(", two people must decide");
            }
            s
        }
        Some("forbidden") => {
            let rules = texts(x, "rules");
            let reasons = texts(x, "reasons");
            let why: Vec<String> = rules
                .iter()
                .enumerate()
                .map(|(i, r)| match reasons.get(i) {
                    Some(why) => format!("rule {}: {}", md(r), md(why)),
                    None => format!("rule {}", md(r)),
                })
                .collect();
            format!("forbidden ({})", why.join("; "))
        }
        Some("ambiguous") => format!("ambiguous: rules {} tie", list(x, "rules", ", ")),
        Some("uncovered") => "uncovered: no rule names anyone".into(),
        Some(other) => md(other),
        None => "?".into(),
    }
}

/// Why a decision moved on, in words.
fn reason(x: &Fields) -> String {
    match text(x, "reason") {
        Some("timeout") => "level time ran out".into(),
        Some("manual") => "escalated by hand".into(),
        Some("unavailable") => "everyone at the level unavailable".into(),
        Some(other) => md(other),
        None => "?".into(),
    }
}

// Markdown.

fn table(out: &mut String, headers: &[&str]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
}

/// One table row of escaped cells.
fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// Text from the log, safe in a table cell or a list item: `\`, `|`, `` ` ``,
/// `[` and `]` escaped, HTML as entities, line breaks as `<br>`, other
/// control characters as spaces.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A path or hash as code when it can be one, else escaped text.
fn code(s: &str) -> String {
    if s.chars().any(|c| c == '`' || c == '|' || c.is_control()) {
        md(s)
    } else {
        format!("`{s}`")
    }
}

#[cfg(test)]
mod tests;
