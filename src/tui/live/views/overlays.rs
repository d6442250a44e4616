//! Boxes over the screen: record who decided, declare a state, mark people
//! unavailable, confirm quitting, the timeline of everything said, and the
//! note being written.

use super::{Theme, centered};
use crate::tui::live::model::{Model, NoteBox, Overlay, Record};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, overlay: &Overlay, theme: Theme) {
    let (title, lines) = match overlay {
        Overlay::Help => return,
        Overlay::Note(note) => return note_box(frame, area, m, note, theme),
        Overlay::Timeline { scroll } => (
            " Timeline: everything said, newest first (Esc closes) ",
            timeline(m, *scroll, theme, area.height),
        ),
        Overlay::Record(r) => (" Who decided? ", record(m, r, theme, area.height)),
        Overlay::Declare { selected } => {
            (" Declare a production state ", declare(m, *selected, theme))
        }
        Overlay::People {
            selected,
            confirming,
        } => (
            " Who cannot be reached? ",
            if *confirming {
                people_confirm(m, *selected, theme)
            } else {
                people(m, *selected, theme, area.height)
            },
        ),
        Overlay::Quit => {
            let ids: Vec<&str> = m.open.iter().map(|d| d.id.as_str()).collect();
            (
                " Quit? ",
                vec![
                    Line::styled(
                        format!(
                            "{} still open ({}).",
                            if ids.len() == 1 {
                                "1 decision is".to_owned()
                            } else {
                                format!("{} decisions are", ids.len())
                            },
                            ids.join(", ")
                        ),
                        theme.alarm(),
                    ),
                    Line::raw("They stay open in the log. Quit anyway?"),
                    Line::raw(""),
                    Line::raw("y quit    n stay"),
                ],
            )
        }
    };
    // The timeline wraps long messages: it takes the whole height.
    let height = match overlay {
        Overlay::Timeline { .. } => area.height.saturating_sub(2),
        _ => (lines.len() as u16 + 2).min(area.height),
    };
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

/// Rows of a scrolled list: `>` marks the cursor.
fn rows<'a>(items: Vec<String>, selected: usize, room: usize, theme: Theme) -> Vec<Line<'a>> {
    let start = selected.saturating_sub(room.saturating_sub(1));
    items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(room)
        .map(|(i, text)| {
            if i == selected {
                Line::styled(format!("> {text}"), theme.cursor())
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect()
}

fn record<'a>(m: &Model, r: &Record, theme: Theme, height: u16) -> Vec<Line<'a>> {
    let Some((d, _)) = m.viewed() else {
        return Vec::new();
    };
    let picked = m.people_label(&r.picked);
    if r.confirming {
        return vec![
            Line::styled(
                format!(
                    "{picked}: {} {}?",
                    d.action,
                    d.identity
                        .as_deref()
                        .map_or_else(|| format!("state {}", d.state), str::to_owned)
                ),
                theme.title(),
            ),
            if crate::tui::live::model::Model::decidable(d) {
                Line::raw("")
            } else {
                Line::styled(
                    "NOT AUTHORIZED by the runbook: it is recorded as such",
                    theme.alarm(),
                )
            },
            Line::raw("Enter  approved: they decided to do it"),
            Line::raw("n      declined: they decided not to"),
            Line::raw("Esc    cancel, nothing is recorded"),
        ];
    }
    let mut lines = vec![Line::raw(if d.two_person && r.picked.len() == 1 {
        format!("Two-person rule: {picked} picked; now the second decider (d: record without)")
    } else if d.two_person {
        "Two-person rule: pick the first of two deciders".to_owned()
    } else {
        "Pick who decided (people outside the chain are recorded as NOT AUTHORIZED)".to_owned()
    })];
    let items = r
        .candidates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let place = if i < r.in_chain {
                "in chain    "
            } else {
                "NOT IN CHAIN"
            };
            let mark = if r.picked.contains(p) {
                "[picked] "
            } else {
                ""
            };
            format!("{place} {mark}{} ({p})", m.person_label(p))
        })
        .collect();
    lines.extend(rows(
        items,
        r.selected,
        height.saturating_sub(6) as usize,
        theme,
    ));
    lines
}

fn declare<'a>(m: &Model, selected: usize, theme: Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::raw("Enter shows who may declare it, then r records")];
    let items = m
        .runbook()
        .states
        .iter()
        .map(|s| {
            let mut text = format!("{} ({})", s.label(), s.id.value);
            if s.emergency {
                text.push_str(" EMERGENCY");
            }
            if s.id.value == m.state {
                text.push_str(" <- current");
            }
            text
        })
        .collect();
    lines.extend(rows(items, selected, 20, theme));
    lines
}

/// What a yes will log, before it is logged.
fn people_confirm<'a>(m: &Model, selected: usize, theme: Theme) -> Vec<Line<'a>> {
    let Some(p) = m.runbook().people.get(selected) else {
        return Vec::new();
    };
    let off = m.unavailable.iter().any(|u| *u == *p.id.value);
    let (now, logged) = if off {
        ("available again", "available")
    } else {
        ("UNAVAILABLE", "unavailable")
    };
    let open = match m.open.len() {
        0 => String::new(),
        1 => "1 open decision re-resolves from its current level".to_owned(),
        n => format!("{n} open decisions re-resolve from their current level"),
    };
    vec![
        Line::styled(
            format!("Mark {} ({}) {now}?", p.label(), p.id.value),
            theme.title(),
        ),
        Line::raw(format!(
            "Logged as `{logged}` at {}",
            crate::model::clock::clock(m.now, m.now)
        )),
        Line::raw(open),
        Line::raw(""),
        Line::raw("y/Enter  yes, log it"),
        Line::raw("n/Esc    no, nothing is logged"),
    ]
}

fn people<'a>(m: &Model, selected: usize, theme: Theme, height: u16) -> Vec<Line<'a>> {
    let mut lines = vec![Line::raw(
        "Space/Enter picks who to mark; the next box says what is logged",
    )];
    let items = m
        .runbook()
        .people
        .iter()
        .map(|p| {
            let off = m.unavailable.iter().any(|u| *u == *p.id.value);
            format!(
                "[{}] {} ({}){}",
                if off { "x" } else { " " },
                p.label(),
                p.id.value,
                if off { " UNAVAILABLE" } else { "" }
            )
        })
        .collect();
    lines.extend(rows(
        items,
        selected,
        height.saturating_sub(5) as usize,
        theme,
    ));
    lines
}

/// Every message of the session with its clock time, newest first, from
/// `scroll` on; alarms are marked `!` (not only coloured).
fn timeline<'a>(m: &Model, scroll: usize, theme: Theme, height: u16) -> Vec<Line<'a>> {
    let room = usize::from(height.saturating_sub(5));
    let total = m.flash.len();
    let mut lines = vec![Line::raw(format!(
        "{total} message(s); j/k scroll; the log holds every event (andon replay)"
    ))];
    if total == 0 {
        lines.push(Line::raw("nothing yet"));
    }
    for f in m.flash.iter().skip(scroll).take(room) {
        let text = format!(
            "{} {} {}",
            f.at.format("%H:%M:%S"),
            if f.alarm { "!" } else { " " },
            f.text
        );
        lines.push(if f.alarm {
            Line::styled(text, theme.alarm())
        } else {
            Line::raw(text)
        });
    }
    let below = total.saturating_sub(scroll + room);
    if below > 0 {
        lines.push(Line::styled(format!("... {below} older"), theme.dim()));
    }
    lines
}

/// The note box: what is typed, and what `Enter` will log.
fn note_box(frame: &mut Frame, area: Rect, m: &Model, note: &NoteBox, theme: Theme) {
    let rect = centered(area, 76, 7);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Note for the log ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [input, _, hint] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(2),
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Length(2),
    ])
    .areas(inner);
    frame.render_widget(&note.0, input);
    let length = note.text().chars().count();
    frame.render_widget(
        Paragraph::new(vec![
            Line::raw(format!(
                "Enter  log it as a `note` at {} ({length}/{} characters)",
                crate::model::clock::clock(m.now, m.now),
                NoteBox::MAX_CHARS
            )),
            Line::styled("Esc    discard, nothing is logged", theme.dim()),
        ]),
        hint,
    );
}
