//! The after-action report as Markdown, for people: a wiki page, a pull
//! request, or the terminal.

use super::report::{AfterAction, Happened};
use std::fmt::Write as _;

impl AfterAction {
    /// The report as Markdown, with its Mermaid picture and plain-text timeline.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# After-action report: {}\n", self.title);
        out.push_str("| | |\n|---|---|\n");
        let start = self.start_time.format("%a %d %b %Y %H:%M %Z");
        let rows = [
            (
                "Scenario",
                format!("`{}` ({})", self.scenario, self.scenario_path),
            ),
            ("Runbook", format!("`{}` ({})", self.runbook, self.plant)),
            ("Start", format!("{start}, state `{}`", self.start_state)),
            (
                "End",
                format!(
                    "{} ({}), state `{}`",
                    self.end.offset, self.end.clock, self.final_state
                ),
            ),
            ("Result", format!("**{}**", self.summary)),
        ];
        let mut rows = rows.to_vec();
        rows.insert(2, ("Runbook hash", format!("`{}`", self.runbook_hash)));
        if let Some(at) = &self.exercised_at {
            rows.push((
                "Exercise run",
                format!("{at} (real time; the plant times are the scenario's)"),
            ));
        }
        rows.push((
            "Participants",
            if self.participants.is_empty() {
                "nobody decided".to_owned()
            } else {
                self.participants.join(", ")
            },
        ));
        if let Some(log) = &self.log {
            let head = match (&log.head_seq, &log.head_hash) {
                (Some(seq), Some(hash)) => format!("; head seq {seq}, hash `{hash}`"),
                _ => String::new(),
            };
            rows.push((
                "Decision log",
                format!(
                    "`{}`: {} events, {}{head}",
                    log.path, log.events, log.verification
                ),
            ));
        }
        for (key, value) in rows {
            let _ = writeln!(out, "| {key} | {} |", cell(&value));
        }

        out.push_str("\n## Objectives (HSEEP)\n\n");
        out.push_str("| Objective | Rating | Reason |\n|---|---|---|\n");
        for o in &self.objectives {
            let rating = match (o.rating, o.meaning) {
                (Some(r), Some(m)) => format!("**{r}** ({m})"),
                _ => "not rated".to_owned(),
            };
            let _ = writeln!(
                out,
                "| `{}`: {} | {rating} | {} |",
                o.id,
                cell(&o.text),
                cell(&o.reason)
            );
        }

        out.push_str("\n## Expectations\n\n");
        out.push_str(
            "| Expectation | Objective | Expected | Deadline | Status | Time to decision | Why |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|\n");
        for e in &self.expectations {
            let by =
                e.by.as_ref()
                    .map(|b| format!(" by `{b}`"))
                    .unwrap_or_default();
            let time = e
                .time_to_decision_s
                .map(|t| format!("+{}", crate::model::Duration(t)))
                .unwrap_or_else(|| "-".to_owned());
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {}{by} | {} ({}) | **{}** | {time} | {} |",
                e.id,
                e.objective,
                e.what,
                e.deadline.offset,
                e.deadline.clock,
                e.status,
                cell(&e.why)
            );
        }

        out.push_str("\n## Timeline\n\n");
        out.push_str("| Drill clock | Plant time | Event |\n|---|---|---|\n");
        for line in &self.timeline {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                line.when.offset,
                line.when.clock,
                cell(&event(self, &line.what))
            );
        }

        out.push_str("\n## Picture\n\n");
        let _ = writeln!(out, "```mermaid\n{}```\n", self.mermaid());
        let _ = writeln!(out, "```text\n{}```", self.text_timeline());

        out.push_str("\n## Where authority was unclear\n\n");
        if self.unclear.is_empty() {
            out.push_str(
                "Nowhere: every chain met during the drill named someone at every level.\n",
            );
        }
        for u in &self.unclear {
            let at = u
                .location
                .as_ref()
                .map(|l| format!(" (`{l}`)"))
                .unwrap_or_default();
            let _ = writeln!(out, "- **{}**, {}: {}{at}", u.kind, u.question, u.detail);
        }

        out.push_str("\n## Who stood in\n\n");
        if self.stood_in.is_empty() {
            out.push_str("Nobody: no backup had to stand in.\n");
        }
        for u in &self.stood_in {
            let at = u
                .location
                .as_ref()
                .map(|l| format!(" (`{l}`)"))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}: {}{at}", u.question, u.detail);
        }

        out.push_str("\n## Runbook findings\n\n");
        if self.findings.is_empty() {
            out.push_str("None.\n");
        }
        for f in &self.findings {
            let at = f
                .location
                .as_ref()
                .map(|l| format!(" (`{l}`)"))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}{at}", f.message);
        }

        out.push_str("\n## Improvement plan\n\n");
        if self.improvements.is_empty() {
            out.push_str(
                "Nothing to change: every expectation was met and the runbook showed no gap.\n",
            );
            return out;
        }
        out.push_str(
            "Agree a due date with each owner and write it in.\n\n\
             | # | Finding | Corrective action | Owner (role) | Due |\n|---|---|---|---|---|\n",
        );
        for (n, i) in self.improvements.iter().enumerate() {
            let at = (i.location.as_ref())
                .map(|l| format!(" (`{l}`)"))
                .unwrap_or_default();
            let due = i
                .due
                .as_deref()
                .map_or_else(|| "__________".to_owned(), cell);
            let _ = writeln!(
                out,
                "| {} | {}{at} | {} | {} | {due} |",
                n + 1,
                cell(&i.finding),
                cell(&i.action),
                cell(&i.owner)
            );
        }
        out
    }
}

/// A timeline event in words.
fn event(report: &AfterAction, what: &Happened) -> String {
    match what {
        Happened::Inject {
            n,
            text,
            identities,
            attack,
            unavailable,
        } => {
            let mut s = format!("inject {n}: {text}");
            if !identities.is_empty() {
                let _ = write!(s, " (identities: {})", ticks(identities));
            }
            if !attack.is_empty() {
                let _ = write!(s, " (ATT&CK: {})", attack.join(", "));
            }
            if !unavailable.is_empty() {
                let _ = write!(s, "; from now on unavailable: {}", ticks(unavailable));
            }
            s
        }
        Happened::Decision(d) => {
            let by: Vec<String> = d.by.iter().map(|p| report.person(p)).collect();
            let mut s = format!(
                "**{}** {} by {}: {}, ",
                d.id,
                d.what,
                by.join(", "),
                d.outcome
            );
            s.push_str(if d.authorized {
                "authorized"
            } else {
                "**not authorized**"
            });
            let levels: Vec<String> = d.levels.iter().flatten().map(usize::to_string).collect();
            let levels = match levels.as_slice() {
                [] => String::new(),
                [one] => format!(", level {one}"),
                many => format!(", levels {}", many.join(" and ")),
            };
            match &d.rule {
                Some(rule) => {
                    let _ = write!(s, " (rule `{rule}`{levels})");
                }
                None if !levels.is_empty() => {
                    let _ = write!(s, " (`declare` chain{levels})");
                }
                None => {}
            }
            if d.ahead_of_chain {
                s.push_str(", ahead of the chain");
            }
            if !d.flags.is_empty() {
                let _ = write!(s, "; {}", d.flags.join("; "));
            }
            s
        }
        Happened::StateDeclared {
            state,
            from,
            decision,
        } => format!("state `{from}` -> `{state}` ({decision})"),
    }
}

fn ticks(ids: &[String]) -> String {
    ids.iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text safe in a table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
