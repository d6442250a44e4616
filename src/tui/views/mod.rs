//! Drawing: pure functions of the model. The screen, top to bottom: the
//! header (plant, state, plant clock, incident clock), the status line (log,
//! notifications, unavailable people), the body of the current screen, the
//! open decisions with their countdowns, the latest news, and the keys.
//!
//! Meaning never rides on colour alone: every state also has a word or a
//! mark (`FORBIDDEN`, `>`, `[x]`, `!`); with `NO_COLOR` only bold, reverse
//! and underline are used.

pub mod decision;
pub mod drill;
pub mod help;
pub mod lists;
pub mod overlays;
#[cfg(test)]
mod tests;

use super::model::{Model, Notifications, Overlay, Screen};
use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Styles, with or without colour.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to something (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn with(self, style: Style, color: Color) -> Style {
        if self.color { style.fg(color) } else { style }
    }

    pub fn title(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    /// Needs attention: forbidden, not authorized, escalated.
    pub fn alarm(self) -> Style {
        self.with(Style::default().add_modifier(Modifier::BOLD), Color::Red)
    }
    /// Fine: authorized, delivered.
    pub fn good(self) -> Style {
        self.with(Style::default(), Color::Green)
    }
    /// Secondary text.
    pub fn dim(self) -> Style {
        self.with(Style::default(), Color::DarkGray)
    }
    /// The line under the cursor.
    pub fn cursor(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// Keys in hints.
    pub fn key(self) -> Style {
        self.with(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
    }
}

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

fn header_line<'a>(m: &'a Model, theme: Theme, width: u16) -> Paragraph<'a> {
    let plant = &m.runbook().plant;
    let plant = plant.name.as_deref().unwrap_or(&plant.id.value);
    let emergency = m.runbook().state(&m.state).is_some_and(|s| s.emergency);
    let state_style = if emergency {
        theme.alarm()
    } else {
        theme.title()
    };
    let mode = match &m.drill {
        None => "INCIDENT".to_owned(),
        Some(d) => format!(
            "DRILL +{} x{}{}",
            d.drill.clock(),
            d.speed,
            if d.paused() { " PAUSED" } else { "" }
        ),
    };
    let state = format!(
        "{}{}",
        m.state.to_uppercase(),
        if emergency { " (emergency)" } else { "" }
    );
    let clock = format!(
        " | {} | T+{}",
        m.now.format("%a %H:%M:%S %Z"),
        duration(m.now - m.started)
    );
    // The plant's name gives way first when the line is too long.
    let fixed = mode.len() + 1 + 3 + state.chars().count() + clock.chars().count();
    let room = usize::from(width).saturating_sub(fixed);
    let plant: String = plant.chars().take(room).collect();
    Paragraph::new(Line::from(vec![
        Span::styled(format!("{mode} "), theme.title()),
        Span::raw(format!("{plant} | ")),
        Span::styled(state, state_style),
        Span::raw(clock),
    ]))
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

fn news_line<'a>(m: &'a Model, theme: Theme) -> Paragraph<'a> {
    let Some(f) = m.flash.front() else {
        return Paragraph::new("");
    };
    let style = if f.alarm {
        theme.alarm().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    let mark = if f.alarm { "! " } else { "" };
    Paragraph::new(Line::from(Span::styled(
        format!("{mark}{} {}", f.at.format("%H:%M:%S"), f.text),
        style,
    )))
    .wrap(ratatui::widgets::Wrap { trim: false })
}

/// `1:02:03` or `12:03`.
pub fn duration(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// A clock time and its countdown: `02:25 (in 14:31)`, `02:10 (now)`,
/// `02:10 (3:12 ago)`.
pub fn when(t: DateTime<Tz>, now: DateTime<Tz>) -> String {
    let clock = crate::model::clock::clock(t, now);
    let d = t - now;
    if d.num_seconds() > 0 {
        format!("{clock} (in {})", duration(d))
    } else if d.num_seconds() > -1 {
        format!("{clock} (now)")
    } else {
        format!("{clock} ({} ago)", duration(-d))
    }
}

/// A box of `width` x `height` in the middle of `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
