//! The picture of a drill against its clock: injects, decisions, and the
//! escalation levels of each expectation's chain with its deadline, as a
//! Mermaid `gantt` (for a wiki page or a pull request) and as plain text
//! (for the terminal).

use super::report::{AfterAction, Happened, LevelReport};
use crate::model::Duration;
use std::fmt::Write as _;

/// Widest chart of the plain-text picture, in columns.
const WIDTH: u64 = 60;
/// Width of the label column of the plain-text picture.
const LABEL: usize = 26;

impl AfterAction {
    /// Plant wall-clock time at `offset`, as Mermaid's `dateFormat` reads it.
    fn mermaid_time(&self, offset: u64) -> String {
        super::run::instant_at(self.start_time, Duration(offset))
            .naive_local()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// The last offset the picture shows: the drill's end, or a deadline.
    fn horizon(&self) -> u64 {
        let deadlines = self.expectations.iter().map(|e| e.deadline.offset_s);
        deadlines.chain([self.end.offset_s, 60]).max().unwrap_or(60)
    }

    /// A Mermaid `gantt` of the drill, in plant time.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("gantt\n");
        let _ = writeln!(
            out,
            "    title {} (drill clock from {})",
            label(&self.scenario),
            self.start.clock
        );
        out.push_str("    dateFormat YYYY-MM-DD HH:mm:ss\n    axisFormat %H:%M\n");
        out.push_str("    section Injects\n");
        let mut decisions = String::new();
        for line in &self.timeline {
            let at = self.mermaid_time(line.when.offset_s);
            match &line.what {
                Happened::Inject { n, text, .. } => {
                    let name = label(&format!("{n} {text}"));
                    let _ = writeln!(out, "    {name} :milestone, i{n}, {at}, 0s");
                }
                Happened::Decision(d) => {
                    let crit = if d.authorized { "" } else { "crit, " };
                    let name = label(&format!("{} {} by {}", d.id, d.what, d.by.join(" and ")));
                    let id = d.id.to_lowercase();
                    let _ = writeln!(decisions, "    {name} :{crit}milestone, {id}, {at}, 0s");
                }
                Happened::StateDeclared { .. } => {}
            }
        }
        if !decisions.is_empty() {
            out.push_str("    section Decisions\n");
            out.push_str(&decisions);
        }
        let horizon = self.horizon();
        for (k, e) in self.expectations.iter().enumerate() {
            let _ = writeln!(
                out,
                "    section {}",
                label(&format!("{} {}", e.id, e.status))
            );
            for level in &e.chain.levels {
                let Some((from, until)) = span(level, horizon) else {
                    continue;
                };
                let who = if level.skipped {
                    "skipped".to_owned()
                } else {
                    level.people.join(" or ")
                };
                let name = label(&format!("L{} {} {who}", level.level, via(&level.via)));
                let id = format!("e{}l{}", k + 1, level.level);
                if level.skipped {
                    let at = self.mermaid_time(from);
                    let _ = writeln!(out, "    {name} :milestone, {id}, {at}, 0s");
                } else {
                    let (a, b) = (self.mermaid_time(from), self.mermaid_time(until));
                    let _ = writeln!(out, "    {name} :{id}, {a}, {b}");
                }
            }
            let at = self.mermaid_time(e.deadline.offset_s);
            let name = label(&format!("deadline {}", e.deadline.offset));
            let _ = writeln!(out, "    {name} :crit, milestone, e{}dl, {at}, 0s", k + 1);
        }
        out
    }

    /// The same picture in plain text, then the timeline as a list.
    pub fn text_timeline(&self) -> String {
        // Offsets are drill-clock seconds, each an inject time or a
        // `within` of at most 366 days (`load::read::MAX_DURATION_DAYS`) or a
        // response's time: far from `u64::MAX`. `step` is at least 15 (or
        // `horizon / WIDTH + 1`, at least 1), so no division is by zero, and
        // `columns` is at most `WIDTH + 1`.
        let horizon = self.horizon();
        let step = [
            15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400,
        ]
        .into_iter()
        .find(|s| horizon / s < WIDTH)
        .unwrap_or(horizon / WIDTH + 1);
        let columns = (horizon / step + 1) as usize;
        let col = |offset: u64| ((offset / step) as usize).min(columns - 1);
        let mut out = String::new();
        let mut axis = vec![' '; columns + 8];
        let mut ticks = vec!['\''; columns];
        for c in (0..columns).step_by(10) {
            ticks[c] = '|';
            let mark = format!("+{}", Duration(c as u64 * step));
            for (i, ch) in mark.chars().enumerate() {
                if let Some(slot) = axis.get_mut(c + i) {
                    *slot = ch;
                }
            }
        }
        row(&mut out, "drill clock", &axis, "");
        row(&mut out, "", &ticks, "");
        let mut injects = vec![' '; columns];
        let mut decisions = vec![' '; columns];
        for line in &self.timeline {
            let c = col(line.when.offset_s);
            match &line.what {
                Happened::Inject { n, .. } => injects[c] = mark(*n),
                Happened::Decision(d) => {
                    let n = d.id.trim_start_matches('D').parse().unwrap_or(0);
                    decisions[c] = mark(n);
                }
                Happened::StateDeclared { .. } => {}
            }
        }
        row(&mut out, "injects", &injects, "");
        row(&mut out, "decisions (D1, D2...)", &decisions, "");
        for e in &self.expectations {
            let mut bar = vec![' '; columns];
            bar[col(e.deadline.offset_s)] = '!';
            if let Some(t) = e.time_to_decision_s {
                bar[col(t)] = '*';
            }
            let note = match (&e.decision, e.time_to_decision_s) {
                (Some(d), Some(t)) => format!("{} by {d} at +{}", e.status, Duration(t)),
                _ => e.status.to_owned(),
            };
            row(&mut out, &e.id, &bar, &note);
            for level in &e.chain.levels {
                let mut bar = vec![' '; columns];
                let Some((from, until)) = span(level, horizon) else {
                    continue;
                };
                if level.skipped {
                    bar[col(from)] = 'x';
                } else {
                    for slot in &mut bar[col(from)..=col(until.saturating_sub(1).max(from))] {
                        *slot = '=';
                    }
                }
                let name = format!("  L{} {}", level.level, via(&level.via));
                let who = if level.skipped {
                    "skipped".to_owned()
                } else {
                    level.people.join(", ")
                };
                row(&mut out, &name, &bar, &who);
            }
        }
        let _ = writeln!(
            out,
            "\none column = {}; 1-9 injects and decisions by number; = level running; x level skipped; ! deadline; * decision that counted\n",
            Duration(step)
        );
        for line in &self.timeline {
            let what = match &line.what {
                Happened::Inject {
                    n,
                    text,
                    unavailable,
                    ..
                } => {
                    let gone = if unavailable.is_empty() {
                        String::new()
                    } else {
                        format!(" [unavailable from now: {}]", unavailable.join(", "))
                    };
                    format!("inject {n}: {text}{gone}")
                }
                Happened::Decision(d) => {
                    let verdict = if d.authorized {
                        "authorized"
                    } else {
                        "NOT authorized"
                    };
                    format!(
                        "{}: {} by {}, {}, {verdict}",
                        d.id,
                        d.what,
                        d.by.join(" and "),
                        d.outcome
                    )
                }
                Happened::StateDeclared { state, from, .. } => {
                    format!("state: {from} -> {state}")
                }
            };
            let _ = writeln!(
                out,
                "{:>7}  {:>5}  {what}",
                line.when.offset, line.when.clock
            );
        }
        out
    }
}

/// Where a level runs on the drill clock, cut at `horizon`; `None` when it
/// starts after it.
fn span(level: &LevelReport, horizon: u64) -> Option<(u64, u64)> {
    if level.from_s > horizon {
        return None;
    }
    let until = level
        .until_s
        .unwrap_or(horizon)
        .min(horizon)
        .max(level.from_s);
    Some((level.from_s, until))
}

/// `role:shift-lead` -> `shift-lead`.
fn via(via: &str) -> &str {
    via.split_once(':').map_or(via, |(_, id)| id)
}

/// The digit (or letter, past 9) of the `n`th inject or decision.
fn mark(n: usize) -> char {
    match n {
        1..=9 => char::from(b'0' + n as u8),
        10..=35 => char::from(b'a' + (n - 10) as u8),
        _ => '+',
    }
}

fn row(out: &mut String, name: &str, chart: &[char], note: &str) {
    let chart: String = chart.iter().collect();
    let name = if name.chars().count() < LABEL {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(LABEL - 2).collect();
        format!("{cut}…")
    };
    let line = format!("{name:<LABEL$}{chart}  {note}");
    let _ = writeln!(out, "{}", line.trim_end());
}

/// A task or section name Mermaid reads whole: no `:`, `;` or `#`, one
/// line, at most 60 characters.
fn label(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            ':' | ';' | '#' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() > 60 {
        let cut: String = clean.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    } else {
        clean
    }
}
