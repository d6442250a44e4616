//! Drawing the live console: pure functions of the model, in the shared
//! chrome ([`crate::tui::chrome`]). The screen, top to bottom: the header
//! (plant, state, plant clock, incident clock), the status line (log,
//! notifications, unavailable people), the body of the current screen, the
//! open decisions with their countdowns, the latest news, and the keys.

pub mod decision;
pub mod drill;
pub mod help;
pub mod lists;
pub mod overlays;
#[cfg(test)]
mod tests;

use super::model::{Model, Notifications, Overlay, Screen};
use crate::tui::chrome::{Header, header};
pub use crate::tui::chrome::{Theme, centered, duration, when};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the whole console.
pub fn draw(frame: &mut Frame, m: &Model, theme: Theme) {
    let area = frame.area();
    let open_rows = if m.open.is_empty() {
        0
    } else {
        (m.open.len().min(4) + 1) as u16
    };
    let [header, status, body, open, news, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(open_rows),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header_line(m, theme, header.width), header);
    frame.render_widget(status_line(m, theme), status);
    match m.screen {
        Screen::Search | Screen::Results => lists::search(frame, body, m, theme),
        Screen::Actions => lists::actions(frame, body, m, theme),
        Screen::Decision => decision::draw(frame, body, m, theme),
        Screen::Open => lists::open_full(frame, body, m, theme),
        Screen::Drill => drill::draw(frame, body, m, theme),
    }
    if open_rows > 0 {
        lists::open_strip(frame, open, m, theme);
    }
    frame.render_widget(news_line(m, theme), news);
    frame.render_widget(help::hints(m, theme), keys);
    if let Some(overlay) = &m.overlay {
        match overlay {
            Overlay::Help => help::draw(frame, area, m, theme),
            other => overlays::draw(frame, area, m, other, theme),
        }
    }
}

fn header_line<'a>(m: &'a Model, theme: Theme, width: u16) -> ratatui::widgets::Paragraph<'a> {
    let plant = &m.runbook().plant;
    let emergency = m.runbook().state(&m.state).is_some_and(|s| s.emergency);
    let mode = match &m.drill {
        None => match &m.shared {
            Some(s) if s.down.is_some() => "INCIDENT NOT SHARED".to_owned(),
            Some(_) => "SHARED INCIDENT".to_owned(),
            None => "INCIDENT".to_owned(),
        },
        Some(d) => format!(
            "DRILL +{} x{}{}",
            d.drill.clock(),
            d.speed,
            if d.paused() { " PAUSED" } else { "" }
        ),
    };
    let h = Header {
        mode,
        plant: plant.name.as_deref().unwrap_or(&plant.id.value),
        state: format!(
            "{}{}",
            m.state.to_uppercase(),
            if emergency { " (emergency)" } else { "" }
        ),
        alarm: emergency,
        clock: format!(
            " | {} | T+{}",
            m.now.format("%a %H:%M:%S %Z"),
            duration(m.now - m.started)
        ),
    };
    header(h, theme, width)
}

/// What needs attention first (a failing log, people unreachable, the
/// score), then the rest; the log's path, the longest, comes last.
fn status_line<'a>(m: &'a Model, theme: Theme) -> Paragraph<'a> {
    let mut spans = Vec::new();
    match &m.log_error {
        Some(e) => spans.push(Span::styled(format!("LOG FAILING: {e}"), theme.alarm())),
        None => spans.push(Span::styled(
            format!("andon | {} events logged", m.logged),
            theme.dim(),
        )),
    }
    if let Some(shared) = &m.shared {
        match &shared.down {
            // Who else is on it first: the id is long and may be cut at 80
            // columns.
            None => spans.push(Span::raw(format!(
                " | {} | shared {} as {}",
                if shared.others.is_empty() {
                    "alone".to_owned()
                } else {
                    format!("with {}", shared.others.join(", "))
                },
                shared.incident,
                shared.console,
            ))),
            Some(_) => spans.push(Span::styled(
                format!(" | DATABASE LOST: {} events not shared", shared.unshared),
                theme.alarm(),
            )),
        }
    }
    if !m.unavailable.is_empty() {
        spans.push(Span::raw(" | unavailable: "));
        spans.push(Span::styled(m.unavailable.join(", "), theme.alarm()));
    }
    if let Some(d) = &m.drill {
        let (met, open, other) = d.tally();
        spans.push(Span::raw(format!(
            " | score {met} met, {open} open, {other} not met (d)"
        )));
    }
    if let Notifications::Off(_) = m.notifications {
        spans.push(Span::raw(" | desktop notifications off"));
    }
    spans.push(Span::styled(format!(" | log {}", m.log_path), theme.dim()));
    Paragraph::new(Line::from(spans))
}

/// The newest message, and below it the newest unread alarm when that is
/// an older one: an escalation stays on screen until the timeline (`l`)
/// is seen, whatever is said after it. One message alone wraps over both
/// lines.
fn news_line<'a>(m: &'a Model, theme: Theme) -> Paragraph<'a> {
    let Some(newest) = m.flash.front() else {
        return Paragraph::new("");
    };
    let line = |f: &crate::tui::live::model::Flash, tail: String| {
        let style = if f.alarm {
            theme.alarm().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let mark = if f.alarm { "! " } else { "" };
        Line::from(Span::styled(
            format!("{mark}{} {tail}{}", f.at.format("%H:%M:%S"), f.text),
            style,
        ))
    };
    match m.headline() {
        Some(pinned) if !std::ptr::eq(pinned, newest) => {
            let unread = m.unread();
            let others = (m.flash.iter().take(unread))
                .filter(|x| x.alarm && !std::ptr::eq(*x, pinned))
                .count();
            let tail = match others {
                0 => "[unread, l] ".to_owned(),
                n => format!("[+{n} more unread, l] "),
            };
            Paragraph::new(vec![line(newest, String::new()), line(pinned, tail)])
        }
        _ => {
            Paragraph::new(line(newest, String::new())).wrap(ratatui::widgets::Wrap { trim: false })
        }
    }
}
