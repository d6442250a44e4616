//! The decision screen: whether the action is forbidden, who decides now
//! and how to reach them, who comes next and at what clock time, the
//! preconditions to tick, who to consult, and what the action stops.

use super::{Theme, when};
use crate::engine::Verdict;
use crate::tui::live::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let Some((d, open)) = m.viewed() else { return };
    let rb = m.runbook();
    let mut lines = Vec::new();
    let what = match d.identity.as_deref() {
        Some(identity) => format!("{} {identity} in state {}", d.action, d.state),
        None => format!("declare state {} (now {})", d.state, m.state),
    };
    let status = match open {
        Some(o) => format!("OPEN {} since {}", o.id, o.opened_at.format("%H:%M:%S")),
        None => "not open yet: Enter starts calling, r records".to_owned(),
    };
    lines.push(Line::from(vec![
        Span::styled(what, theme.title()),
        Span::styled(format!("  [{status}]"), theme.dim()),
    ]));
    if let Some(why) = open.and_then(|o| o.frozen.as_deref()) {
        lines.push(Line::styled(
            format!("FROZEN CHAIN, as the log recorded it: {why}"),
            theme.alarm(),
        ));
    }
    match d.verdict {
        Verdict::Forbidden => {
            lines.push(Line::styled(
                format!("FORBIDDEN by rule {}", d.rules.join(", ")),
                theme.alarm(),
            ));
            for r in &d.reasons {
                lines.push(Line::raw(format!("  because: {r}")));
            }
        }
        Verdict::Ambiguous => lines.push(Line::styled(
            format!(
                "UNCLEAR: rules {} tie; the runbook must say who decides",
                d.rules.join(", ")
            ),
            theme.alarm(),
        )),
        Verdict::Uncovered if d.identity.is_none() => {
            lines.push(Line::styled(
                format!(
                    "NOBODY MAY DECLARE state {}: the runbook names nobody who may declare it",
                    d.state
                ),
                theme.alarm(),
            ));
            lines.push(Line::raw(
                "If the plant enters it anyway, r records who did, as NOT AUTHORIZED.",
            ));
        }
        Verdict::Uncovered => lines.push(Line::styled(
            "UNCOVERED: no rule says who decides this",
            theme.alarm(),
        )),
        Verdict::Chain => {
            let mut flags = vec![match (&d.rule, &d.identity) {
                (Some(rule), _) => format!("rule {rule}"),
                (None, None) => format!("the declare chain of state {}", d.state),
                (None, Some(_)) => "no rule named".to_owned(),
            }];
            if d.two_person && d.lone_of_two().is_none() {
                flags.push("TWO-PERSON: two deciders needed".into());
            }
            if d.pre_approved {
                flags.push("PRE-APPROVED: act now, tell the chain".into());
            }
            lines.push(Line::raw(flags.join(" | ")));
            if let Some(only) = d.lone_of_two() {
                lines.push(Line::styled(
                    format!(
                        "TWO-PERSON RULE CANNOT BE MET: only {} can be reached now; a second decider is NOT AUTHORIZED",
                        m.person_label(only)
                    ),
                    theme.alarm(),
                ));
            }
            let current = open.map(|o| o.level);
            for (i, step) in d.steps.iter().enumerate() {
                let mark = match current {
                    Some(c) if c == i => "> NOW ",
                    Some(c) if i < c => "  done",
                    _ if open.is_none()
                        && d.first_deciders().map(|s| s.offset) == Some(step.offset)
                        && !step.skipped =>
                    {
                        "> NOW "
                    }
                    _ => "      ",
                };
                let head = format!("{mark} {}. {}", i + 1, when(step.starts_at, m.now));
                if step.skipped {
                    lines.push(Line::styled(
                        format!("{head}  SKIPPED: {}", step.why),
                        theme.dim(),
                    ));
                    continue;
                }
                let now_style = mark == "> NOW ";
                let indent = " ".repeat(11);
                for (n, p) in step.people.iter().enumerate() {
                    let (who, contact) = person(m, step, p);
                    let text = if n == 0 {
                        format!("{head}  {who}")
                    } else {
                        format!("{indent}{who}")
                    };
                    lines.push(if now_style {
                        Line::styled(text, theme.title())
                    } else {
                        Line::raw(text)
                    });
                    if !contact.is_empty() {
                        lines.push(Line::raw(format!("{indent}{contact}")));
                    }
                }
            }
            if let Some(o) = open
                && o.next_level().is_none()
                && let Some(t) = o.runs_out_at()
            {
                lines.push(Line::raw(format!(
                    "       chain runs out {}",
                    when(t, m.now)
                )));
            }
        }
    }
    if !d.preconditions.is_empty() {
        lines.push(Line::styled(
            "Before acting (press the number to tick):",
            theme.title(),
        ));
        for (i, p) in d.preconditions.iter().enumerate() {
            let ticked = open.is_some_and(|o| o.acknowledged.get(i) == Some(&true));
            lines.push(Line::raw(format!(
                "  {} [{}] {p}",
                i + 1,
                if ticked { "x" } else { " " }
            )));
        }
    }
    if !d.consult.is_empty() {
        lines.push(Line::raw(format!(
            "Consult: {}",
            d.consult
                .iter()
                .map(|c| rb
                    .role(c)
                    .map_or_else(|| m.person_label(c), |r| r.label().to_owned()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if d.impact.is_empty() {
        if d.identity.is_some() {
            lines.push(Line::raw("Stops: nothing on the line"));
        }
    } else {
        lines.push(Line::styled("Stops:", theme.title()));
        for i in &d.impact {
            let text = format!(
                "  {} ({}){}",
                i.system,
                i.criticality.as_str(),
                i.safe_state
                    .as_deref()
                    .map_or(String::new(), |s| format!(", safe state: {s}"))
            );
            lines.push(if i.criticality.is_critical() {
                Line::styled(format!("{text} !"), theme.alarm())
            } else {
                Line::raw(text)
            });
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// A person of a level: name with role and shift end, then how to reach them.
fn person(
    m: &Model,
    step: &crate::engine::Step,
    d: &crate::engine::people::Decider,
) -> (String, String) {
    let rb = m.runbook();
    let mut about = Vec::new();
    if let crate::model::Target::Role(r) = &step.target
        && let Some(role) = rb.role(&r.value)
    {
        about.push(role.label().to_owned());
    }
    match (&d.backup_for, d.until) {
        (Some(absent), _) => about.push(format!("backup for {}", m.person_label(absent))),
        (None, Some(until)) => about.push(format!(
            "until {}",
            crate::model::clock::clock(until, m.now)
        )),
        (None, None) => {}
    }
    let name = m.person_label(&d.person);
    let who = if about.is_empty() {
        name
    } else {
        format!("{name}, {}", about.join(", "))
    };
    let contact = rb.person(&d.person).map_or_else(String::new, |p| {
        let c = &p.contact;
        [
            c.phone.as_deref().map(|v| format!("phone {v}")),
            c.radio.as_deref().map(|v| format!("radio {v}")),
            c.email.as_deref().map(str::to_owned),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" | ")
    });
    (who, contact)
}
