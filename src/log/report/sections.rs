//! The sections of the incident report, each from the log's events as
//! `EventIndex` sorts them.

use super::EventIndex;
use super::fields::{code, field, list, md, row, table, target, yes_no};
use crate::log::event::{Body, Decided};
use crate::log::words;
use crate::log::{Entry, LogRead, Verification};
use std::fmt::Write as _;
use std::path::Path;

pub(super) fn header(
    out: &mut String,
    log_path: &Path,
    f: &EventIndex,
    read: &LogRead,
    v: &Verification,
) {
    let o = f.opened.map(|(_, o)| o);
    let plant = (o.and_then(|o| o.plant.as_deref())).map_or_else(|| "unknown plant".to_owned(), md);
    let mode = (o.and_then(|o| o.mode)).map_or("mode unknown", |m| m.as_str());
    let title = if mode == "drill" {
        "Drill report"
    } else {
        "Incident report"
    };
    let _ = write!(out, "# {title}: {plant} ({}", md(mode));
    if let Some(s) = o.and_then(|o| o.scenario.as_deref()) {
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
        (o.and_then(|o| o.runbook.as_deref())).map_or_else(|| "not recorded".into(), code),
    );
    line(
        "Runbook hash",
        (o.and_then(|o| o.runbook_hash.as_deref())).map_or_else(|| "not recorded".into(), code),
    );
    if let Some(tz) = o.and_then(|o| o.timezone.as_deref()) {
        let offset = f
            .offset
            .map_or_else(String::new, |o| format!(", UTC{o} at the start"));
        line(
            "Plant time zone",
            format!("{}{offset}; the times below are plant-local", md(tz)),
        );
    }
    match f.opened {
        Some((e, o)) => {
            let state =
                (o.state.as_deref()).map_or_else(String::new, |s| format!(", in state {}", md(s)));
            line("Opened", format!("{}{state}", clock.stamp(&e.event.at)));
        }
        None => line("Opened", "no `opened` event in the log".into()),
    }
    match (f.closed, read.events.last()) {
        (Some((e, _)), _) => line("Closed", clock.stamp(&e.event.at)),
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
    if let Some((seq, hash)) = &v.head {
        line(
            "Head",
            format!(
                "seq {seq}, hash {} (write it down: `andon log verify --head {seq}:{hash} LOG` checks a later copy against it)",
                code(hash)
            ),
        );
    }
    let errors: Vec<&crate::log::Finding> = (v.story.iter())
        .filter(|f| f.weight == crate::log::Weight::Error)
        .collect();
    if let Some(first) = errors.first() {
        line(
            "Story",
            format!(
                "**DOES NOT HOLD**: {} finding(s) of `andon log verify`, the first at {}",
                errors.len(),
                md(&first.to_string())
            ),
        );
    }
    let participants = f.participants();
    if !participants.is_empty() {
        let named: Vec<String> = participants.iter().map(|p| f.person(p)).collect();
        line("Participants", named.join(", "));
    }
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
pub(super) fn attention(out: &mut String, f: &EventIndex, read: &LogRead, v: &Verification) {
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
    for (_, d) in f.of(decided) {
        if d.authorized == Some(false) {
            items.push(format!(
                "{} was decided by {}, who the runbook does not authorize",
                field(&d.decision),
                f.people(&d.by)
            ));
        }
    }
    for (_, d) in f.of(|b| match b {
        Body::StateDeclared(d) => Some(d),
        _ => None,
    }) {
        if d.authorized == Some(false) {
            items.push(format!(
                "state {} was declared by {}, who the runbook does not authorize",
                field(&d.state),
                f.people(&d.by)
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

pub(super) fn timeline(out: &mut String, f: &EventIndex) {
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
                e.event.kind().as_str().replace('-', " "),
                md(&words::event(&e.event)),
            ],
        );
    }
    out.push('\n');
}

pub(super) fn decisions(out: &mut String, f: &EventIndex) {
    out.push_str("## Decisions\n\n");
    let taken: Vec<(&Entry, &Decided)> = f.of(decided).collect();
    if taken.is_empty() {
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
    for (e, d) in taken {
        let authorized = match d.authorized {
            Some(true) => "yes".to_owned(),
            Some(false) => "**no**".to_owned(),
            None => "not recorded".to_owned(),
        };
        row(
            out,
            &[
                field(&d.decision),
                clock.stamp(&e.event.at),
                (d.identity.as_deref()).map_or_else(|| "none (state)".into(), md),
                field(&d.action),
                field(&d.state),
                f.people(&d.by),
                d.outcome
                    .map_or_else(|| "?".into(), |o| o.as_str().to_owned()),
                authorized,
                yes_no(d.ahead_of_chain),
                preconditions(d, f),
                list(&d.flags, "; "),
            ],
        );
    }
    out.push('\n');
}

/// `yes (1 of 1)`, `no (0 of 2)`, `none required`.
fn preconditions(decided: &Decided, f: &EventIndex) -> String {
    let ack = yes_no(decided.preconditions_acknowledged);
    let id = decided.decision.as_str();
    let Some((_, asked)) = f.asked.get(id) else {
        return ack;
    };
    let wanted = &asked.preconditions;
    if wanted.is_empty() {
        return "none required".into();
    }
    let done = f.acknowledged.get(id).map_or(&[][..], Vec::as_slice);
    let count = wanted.iter().filter(|p| done.contains(&p.as_str())).count();
    let ack = if ack == "no" {
        "**no**".to_owned()
    } else {
        ack
    };
    format!("{ack} ({count} of {})", wanted.len())
}

pub(super) fn escalations(out: &mut String, f: &EventIndex) {
    out.push_str("## Escalations\n\n");
    let escalated: Vec<_> = f.of(escalated).collect();
    if escalated.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    table(out, &["Decision", "Time", "Level", "People", "Reason"]);
    let mut clock = f.clock();
    for (e, x) in escalated {
        let mut why = x.reason.map_or("not recorded", words::reason).to_owned();
        if x.chain.is_some() {
            why.push_str("; chain resolved again");
        }
        row(
            out,
            &[
                field(&x.decision),
                clock.stamp(&e.event.at),
                x.level.to_string(),
                f.people(&x.people),
                why,
            ],
        );
    }
    out.push('\n');
}

pub(super) fn open_items(out: &mut String, f: &EventIndex) {
    out.push_str("## Open items\n\n");
    let open = f.open();
    if open.is_empty() {
        out.push_str("None: every decision opened was decided.\n\n");
        return;
    }
    let mut clock = f.clock();
    for decision in open {
        let Some(&(asked, x)) = f.asked.get(decision) else {
            let _ = writeln!(
                out,
                "- **{}**: listed open when the session closed, but not opened in this log",
                md(decision)
            );
            continue;
        };
        let mut s = format!(
            "- **{}**: {}, opened {}; ",
            md(decision),
            target(&x.action, x.identity.as_deref(), &x.state),
            clock.stamp(&asked.event.at)
        );
        let last = (f.of(escalated))
            .filter(|(_, y)| y.decision == decision)
            .last();
        match last {
            Some((e, y)) => {
                let _ = write!(
                    s,
                    "last called: level {} ({}) at {}",
                    y.level,
                    f.people(&y.people),
                    clock.stamp(&e.event.at)
                );
            }
            None => {
                let _ = write!(s, "first called: {}", md(&words::opened_verdict(x)));
            }
        }
        s.push_str("; never decided");
        let _ = writeln!(out, "{s}");
    }
    out.push('\n');
}

pub(super) fn state_changes(out: &mut String, f: &EventIndex) {
    out.push_str("## State changes\n\n");
    let declared: Vec<_> = f
        .of(|b| match b {
            Body::StateDeclared(d) => Some(d),
            _ => None,
        })
        .collect();
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
    for (e, x) in declared {
        let authorized = match x.authorized {
            Some(false) => "**no**".to_owned(),
            other => yes_no(other),
        };
        row(
            out,
            &[
                clock.stamp(&e.event.at),
                field(&x.from),
                field(&x.state),
                f.people(&x.by),
                authorized,
                x.decision.as_deref().map_or_else(String::new, md),
            ],
        );
    }
    out.push('\n');
}

pub(super) fn unavailability(out: &mut String, f: &EventIndex) {
    out.push_str("## Unavailability\n\n");
    let mut rows = Vec::new();
    let mut clock = f.clock();
    for e in f.events {
        let none: &[String] = &[];
        let (source, unavailable, available) = match &e.event.body {
            Body::Note(n) => ("note".to_owned(), &n.unavailable[..], &n.available[..]),
            Body::Inject(i) => (format!("inject {}", i.n), &i.unavailable[..], none),
            _ => continue,
        };
        for (list, change) in [(unavailable, "unavailable"), (available, "available again")] {
            for person in list {
                rows.push([
                    clock.stamp(&e.event.at),
                    f.person(person),
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

fn decided(b: &Body) -> Option<&Decided> {
    match b {
        Body::Decided(d) => Some(d),
        _ => None,
    }
}

fn escalated(b: &Body) -> Option<&crate::log::event::Escalated> {
    match b {
        Body::Escalated(x) => Some(x),
        _ => None,
    }
}
