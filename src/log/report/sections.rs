//! The sections of the incident report, each from the log's facts.

use super::fields::{
    authorized, code, field, flag, id, list, md, number, people, reason, row, table, target, text,
    texts, verdict, yes_no,
};
use super::{Facts, Fields};
use crate::log::{Entry, Kind, LogRead, Verification};
use std::fmt::Write as _;
use std::path::Path;

pub(super) fn header(
    out: &mut String,
    log_path: &Path,
    f: &Facts,
    read: &LogRead,
    v: &Verification,
) {
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
pub(super) fn attention(out: &mut String, f: &Facts, read: &LogRead, v: &Verification) {
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

pub(super) fn timeline(out: &mut String, f: &Facts) {
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

pub(super) fn decisions(out: &mut String, f: &Facts) {
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

pub(super) fn escalations(out: &mut String, f: &Facts) {
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

pub(super) fn open_items(out: &mut String, f: &Facts) {
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

pub(super) fn state_changes(out: &mut String, f: &Facts) {
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

pub(super) fn unavailability(out: &mut String, f: &Facts) {
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
