//! The list screens: search results, an identity's actions with their
//! answers, and the open decisions with their countdowns.

use super::{Theme, when};
use crate::engine::Verdict;
use crate::tui::chrome::window;
use crate::tui::live::model::{IDENTITY_ACTIONS, Model, OpenDecision, Screen, Subject, people_ids};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn search(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let [input, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let typing = m.screen == crate::tui::live::model::Screen::Search;
    let cursor = if typing { "_" } else { "" };
    let total = m.runbook().identities.len();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("Find identity: ", theme.title()),
            Span::raw(format!("{}{cursor}", m.search.query)),
            Span::styled(
                if m.search.matched > m.search.results.len() {
                    format!(
                        "  ({} of {total}; the best {} listed)",
                        m.search.matched,
                        m.search.results.len()
                    )
                } else {
                    format!("  ({} of {total})", m.search.matched)
                },
                theme.dim(),
            ),
        ])),
        input,
    );
    let block = Block::default()
        .borders(Borders::TOP)
        .title(" id | kind | name | vendor | systems ");
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let rows = window(
        m.search.results.len(),
        m.search.selected,
        inner.height as usize,
    );
    let width = m.search.results[rows.clone()]
        .iter()
        .map(|&i| m.runbook().identities[i].id.value.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = m.search.results[rows.clone()]
        .iter()
        .zip(rows)
        .map(|(&i, n)| {
            let id = &m.runbook().identities[i];
            let systems: Vec<&str> = id.access.iter().map(|a| &*a.system.value).collect();
            let text = format!(
                "{} {:<width$} {:<15} {} {}{}",
                if n == m.search.selected { ">" } else { " " },
                &*id.id.value,
                id.kind.value.as_str(),
                id.name.as_deref().unwrap_or(""),
                id.vendor
                    .as_ref()
                    .map_or(String::new(), |v| format!("[{}] ", v.value)),
                systems.join(",")
            );
            if n == m.search.selected {
                Line::styled(text, theme.cursor())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new("no identity matches: Backspace to widen, Esc to clear"),
            inner,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

pub fn actions(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let Some(index) = m.identity else { return };
    let rb = m.runbook();
    let id = &rb.identities[index];
    let mut lines = vec![
        Line::from(vec![
            Span::styled(id.id.value.to_string(), theme.title()),
            Span::raw(format!(
                "  {}{}",
                id.kind.value.as_str(),
                id.name
                    .as_deref()
                    .map_or(String::new(), |n| format!(", {n}"))
            )),
        ]),
        Line::raw(format!(
            "owner {}{}  in state {}",
            id.owner.as_ref().map_or("none", |o| &o.value),
            id.vendor
                .as_ref()
                .map_or(String::new(), |v| format!("  vendor {}", v.value)),
            m.state
        )),
        Line::raw(format!(
            "reaches {}",
            id.access
                .iter()
                .map(|a| format!("{} ({})", a.system.value, a.level_in(&m.state).as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Line::raw(""),
        Line::styled("Choose an action (Enter or 1-7):", theme.title()),
    ];
    for (n, action) in IDENTITY_ACTIONS.iter().enumerate() {
        let subject = Subject::Identity(index);
        let (answer, alarm) = match m.open_on(&subject, *action) {
            Some(open) => (format!("OPEN {}: {}", open.id, level_text(m, open)), false),
            None => m.offered(*action).map_or_else(
                || ("resolving...".to_owned(), false),
                |d| resolution_line(m, d),
            ),
        };
        let selected = n == m.action_selected;
        let text = format!(
            "{} {} {:<11} {answer}",
            if selected { ">" } else { " " },
            n + 1,
            action.as_str()
        );
        lines.push(if selected {
            Line::styled(text, theme.cursor())
        } else if alarm {
            Line::styled(text, theme.alarm())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One line on what resolution says, and whether it needs attention.
fn resolution_line(m: &Model, d: &crate::engine::Decision) -> (String, bool) {
    match d.verdict {
        Verdict::Forbidden => (format!("FORBIDDEN: {}", d.reasons.join("; ")), true),
        Verdict::Ambiguous => (format!("UNCLEAR: tied rules {}", d.rules.join(", ")), true),
        Verdict::Uncovered => ("UNCOVERED: no rule says who decides".to_owned(), true),
        Verdict::Chain => match d.first_deciders() {
            Some(step) => {
                let mut text = format!("{} decides now", m.anyone_of(&people_ids(step)));
                if d.two_person {
                    text.push_str(" (two-person)");
                }
                if d.pre_approved {
                    text.push_str(" (pre-approved)");
                }
                (text, false)
            }
            None => ("NOBODY reachable: every level is skipped".to_owned(), true),
        },
    }
}

/// `level 2/3 Bob Durand, next Carla at 02:40 (in 14:31)`.
fn level_text(m: &Model, d: &OpenDecision) -> String {
    let steps = &d.decision.steps;
    let who = steps
        .get(d.level)
        .map_or("nobody".to_owned(), |s| m.anyone_of(&people_ids(s)));
    let mut text = format!("level {}/{} {who}", d.level + 1, steps.len());
    match d.next_level() {
        Some(next) => {
            let s = &steps[next];
            text.push_str(&format!(
                ", next {} at {}",
                m.anyone_of(&people_ids(s)),
                when(s.starts_at, m.now)
            ));
        }
        None => match d.runs_out_at() {
            Some(t) if t <= m.now => text.push_str(", CHAIN RUN OUT"),
            Some(t) => text.push_str(&format!(", last level, runs out {}", when(t, m.now))),
            None => text.push_str(", last level"),
        },
    }
    text
}

/// The open decisions above the news line: at most four.
pub fn open_strip(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let mut lines = vec![Line::styled(
        format!("Open decisions ({}), Tab to list:", m.open.len()),
        theme.title(),
    )];
    for d in m.open.iter().take(4) {
        lines.push(Line::raw(format!(
            "{} {} {}: {}",
            d.id,
            d.decision.action,
            m.subject_label(&d.subject),
            level_text(m, d)
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Every open decision, and the decisions taken.
pub fn open_full(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let mut lines = vec![Line::styled(
        format!("Open decisions ({}): Enter to work on one", m.open.len()),
        theme.title(),
    )];
    if m.open.is_empty() {
        lines.push(Line::raw("  none"));
    }
    for (n, d) in m.open.iter().enumerate() {
        let selected = n == m.open_selected && m.screen == Screen::Open;
        let text = format!(
            "{} {} {} {} opened {}: {}",
            if selected { ">" } else { " " },
            d.id,
            d.decision.action,
            m.subject_label(&d.subject),
            d.opened_at.format("%H:%M:%S"),
            level_text(m, d)
        );
        lines.push(if selected {
            Line::styled(text, theme.cursor())
        } else {
            Line::raw(text)
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Decided ({})", m.taken.len()),
        theme.title(),
    ));
    for t in m.taken.iter().rev() {
        let verdict = if t.authorized {
            "authorized"
        } else {
            "NOT AUTHORIZED"
        };
        let text = format!(
            "  {} {} {} {} by {}: {} {}{}",
            t.id,
            t.at.format("%H:%M:%S"),
            t.action,
            m.subject_label(&t.subject),
            m.people_label(&t.by),
            if t.approved { "approved" } else { "declined" },
            verdict,
            if t.flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.flags.join("; "))
            }
        );
        lines.push(if t.authorized {
            Line::styled(text, theme.good())
        } else {
            Line::styled(text, theme.alarm())
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}
