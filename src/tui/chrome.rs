//! The console's chrome, shared by the live console and the replay: the
//! styles, the header line, the key hints at the bottom, the help box, how
//! a list scrolls and marks its cursor, and the clock texts. Each console
//! fills these with its own words; none draws its own.
//!
//! Meaning never rides on colour alone: every state also has a word or a
//! mark (`FORBIDDEN`, `>`, `[x]`, `!`); with `NO_COLOR` only bold, reverse
//! and underline are used.

use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

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

/// What the header line says, left to right.
pub struct Header<'a> {
    /// `INCIDENT`, `DRILL +00:12 x10`, `REPLAY`.
    pub mode: String,
    pub plant: &'a str,
    /// The production state, as shown (upper case, `(emergency)`).
    pub state: String,
    /// An emergency state is shown as an alarm.
    pub alarm: bool,
    /// ` | Fri 02:10:00 CET | T+00:00`, or nothing when unknown.
    pub clock: String,
}

/// The header line; the plant's name gives way first when it is too long.
pub fn header<'a>(h: Header<'_>, theme: Theme, width: u16) -> Paragraph<'a> {
    let fixed = h.mode.chars().count() + 1 + 3 + h.state.chars().count() + h.clock.chars().count();
    let room = usize::from(width).saturating_sub(fixed);
    let plant: String = h.plant.chars().take(room).collect();
    let state_style = if h.alarm {
        theme.alarm()
    } else {
        theme.title()
    };
    Paragraph::new(Line::from(vec![
        Span::styled(format!("{} ", h.mode), theme.title()),
        Span::raw(format!("{plant} | ")),
        Span::styled(h.state, state_style),
        Span::raw(h.clock),
    ]))
}

/// The keys that matter now, in one line: `key what  key what`.
pub fn hints<'a>(pairs: &[(&str, &str)], theme: Theme) -> Paragraph<'a> {
    let mut spans = Vec::new();
    for (key, what) in pairs {
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Paragraph::new(Line::from(spans))
}

/// One key in the help box: the key, what it does, and where it works
/// (empty when everywhere in that console).
pub struct HelpKey<'a> {
    pub key: &'a str,
    pub what: &'a str,
    pub place: &'a str,
}

/// The help box (`?`) in the middle of `area`: a first line saying what
/// the console is for, every key, and lines after them.
pub fn help(
    frame: &mut Frame,
    area: Rect,
    intro: &str,
    keys: &[HelpKey],
    after: &[&str],
    theme: Theme,
) {
    let inner = keys
        .iter()
        .map(|k| {
            let place = if k.place.is_empty() {
                0
            } else {
                k.place.chars().count() + 2
            };
            13 + k.what.chars().count() + 1 + place
        })
        .chain(std::iter::once(intro.chars().count()))
        .chain(after.iter().map(|a| a.chars().count()))
        .max()
        .unwrap_or(40);
    let width = (inner + 2).min(78) as u16;
    let extra = if after.is_empty() { 0 } else { after.len() + 1 };
    let rect = centered(area, width, (keys.len() + extra) as u16 + 3);
    let mut lines = vec![Line::styled(intro.to_owned(), theme.title())];
    for k in keys {
        let mut spans = vec![
            Span::styled(format!("{:>12} ", k.key), theme.key()),
            Span::raw(format!("{} ", k.what)),
        ];
        if !k.place.is_empty() {
            spans.push(Span::styled(format!("[{}]", k.place), theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    if !after.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(after.iter().map(|a| Line::raw(a.to_string())));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (Esc closes) "),
        ),
        rect,
    );
}

/// The rows of a list of `len` that fit in `height`, keeping `cursor` in
/// the middle when it can (so that what comes after it shows too).
pub fn window(len: usize, cursor: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 {
        return 0..0;
    }
    let start = cursor
        .saturating_sub(height / 2)
        .min(len.saturating_sub(height));
    start..(start + height).min(len)
}

/// A list row: `>` and reversed under the cursor, the alarm style when it
/// needs attention, plain otherwise.
pub fn row<'a>(text: String, cursor: bool, alarm: bool, theme: Theme) -> Line<'a> {
    if cursor {
        Line::styled(text, theme.cursor())
    } else if alarm {
        Line::styled(text, theme.alarm())
    } else {
        Line::raw(text)
    }
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
