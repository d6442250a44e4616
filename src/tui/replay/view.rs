//! Drawing the replay: pure functions of the model, with the console's look
//! (header, status lines, a list with a cursor, the keys at the bottom).
//!
//! Top to bottom: the header (`REPLAY`, plant, state, plant clock, time
//! since the log opened), the status (log file, event n of N, player),
//! whether the hash chain verifies and what `--against` found, the
//! timeline with the cursor on the current event, that event in full, the
//! moment after it (state, unavailable people, latest inject, open
//! decisions with their frozen chains, decisions taken), and the keys.
//! Meaning never rides on colour alone: `>` marks the cursor, `!` an event
//! whose answer differs today, and words say `NOT AUTHORIZED`, `FORBIDDEN`,
//! `DIFFERS`, `CHAIN BROKEN`.

use super::model::{Integrity, Model, SPEEDS};
use super::update::KEYS;
use crate::log::replay::{Open, Taken};
use crate::log::words::{self, Answer, authorized};
use crate::tui::chrome::{self, Header, HelpKey, Theme, duration, window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Draws the whole replay console.
pub fn draw(frame: &mut Frame, m: &Model, theme: Theme) {
    let area = frame.area();
    let (evidence, alarm) = evidence(m);
    let evidence_rows = if evidence.chars().count() > usize::from(area.width) {
        2
    } else {
        1
    };
    let timeline_rows = (area.height.saturating_sub(6) * 4 / 9).max(3);
    let [header, status, proof, timeline, event, now, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(evidence_rows),
        Constraint::Length(timeline_rows),
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header_line(m, theme, header.width), header);
    frame.render_widget(status_line(m, theme), status);
    let style = if alarm { theme.alarm() } else { theme.dim() };
    frame.render_widget(
        Paragraph::new(Line::styled(evidence, style)).wrap(Wrap { trim: false }),
        proof,
    );
    draw_timeline(frame, timeline, m, theme);
    if let Some(entry) = m.replay.entries.get(m.cursor) {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!("Event {} (line {}): ", entry.seq, entry.line),
                    theme.title(),
                ),
                Span::raw(words::event(&entry.event)),
            ]))
            .wrap(Wrap { trim: false }),
            event,
        );
    }
    frame.render_widget(
        Paragraph::new(moment_lines(m, theme)).wrap(Wrap { trim: false }),
        now,
    );
    frame.render_widget(hints(theme), keys);
    if m.help {
        draw_help(frame, area, theme);
    }
}

fn header_line<'a>(m: &'a Model, theme: Theme, width: u16) -> Paragraph<'a> {
    let clock = match (m.time(m.cursor), m.time(0)) {
        (Some(now), Some(start)) => format!(
            " | {} | T+{}",
            m.clock(now, "%a %H:%M:%S %Z"),
            duration(now - start)
        ),
        _ => String::new(),
    };
    let h = Header {
        mode: "REPLAY".to_owned(),
        plant: (m.replay.session.plant.as_deref()).unwrap_or("(no `opened` event)"),
        state: (m.moment.state.as_deref()).map_or("STATE UNKNOWN".to_owned(), str::to_uppercase),
        alarm: false,
        clock,
    };
    chrome::header(h, theme, width)
}

fn status_line<'a>(m: &'a Model, theme: Theme) -> Paragraph<'a> {
    let player = if m.playing { "PLAYING" } else { "paused" };
    let mut spans = vec![
        Span::styled(format!("log {} | ", m.log), theme.dim()),
        Span::styled(
            format!("event {} of {}", (m.cursor + 1).min(m.len()), m.len()),
            theme.title(),
        ),
        Span::raw(format!(" | {player} x{}", SPEEDS[m.speed])),
    ];
    if let Some(said) = &m.said {
        spans.push(Span::raw(format!(" | {said}")));
    }
    Paragraph::new(Line::from(spans))
}

/// Whether the log is whole, and what `--against` found; and whether that
/// needs attention.
fn evidence(m: &Model) -> (String, bool) {
    let (mut text, mut alarm) = match &m.integrity {
        Integrity::Intact => ("chain intact: every line verifies".to_owned(), false),
        Integrity::Broken { line, why } => (
            format!(
                "CHAIN BROKEN at line {line}: {why}; only the {} events before it are replayed",
                m.len()
            ),
            true,
        ),
        Integrity::Torn { line, bytes } => (
            format!(
                "TORN LAST LINE {line} ({bytes} bytes without a newline, a write cut short); the {} whole events are replayed",
                m.len()
            ),
            true,
        ),
    };
    if let Some(a) = &m.against {
        let n = a.differences.len();
        let found = match n {
            0 => "no difference".to_owned(),
            1 => "1 DIFFERENCE (!)".to_owned(),
            n => format!("{n} DIFFERENCES (!)"),
        };
        text.push_str(&format!(" | against {}: {found}", a.runbook));
        alarm |= n > 0;
    }
    (text, alarm)
}

fn draw_timeline(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let block = Block::default()
        .borders(Borders::TOP)
        .title(" Timeline: plant time | event (! differs today) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = window(m.len(), m.cursor, usize::from(inner.height));
    let lines: Vec<Line> = rows
        .map(|i| {
            let entry = &m.replay.entries[i];
            let text = format!(
                "{}{} {}  {}",
                if i == m.cursor { ">" } else { " " },
                if m.differs(i) { "!" } else { " " },
                m.clock(entry.event.at, "%H:%M:%S"),
                words::event(&entry.event)
            );
            chrome::row(text, i == m.cursor, m.differs(i), theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The moment after the current event.
fn moment_lines<'a>(m: &'a Model, theme: Theme) -> Vec<Line<'a>> {
    let now = &m.moment;
    let mut head = vec![
        Span::raw("State "),
        Span::styled(
            now.state.as_deref().unwrap_or("unknown").to_uppercase(),
            theme.title(),
        ),
    ];
    if now.unavailable.is_empty() {
        head.push(Span::raw(" | everyone reachable"));
    } else {
        head.push(Span::raw(" | unavailable: "));
        head.push(Span::styled(now.unavailable.join(", "), theme.alarm()));
    }
    if now.closed {
        head.push(Span::raw(" | session closed"));
    }
    let mut lines = vec![Line::from(head)];
    if let Some(inject) = now.injects.last() {
        lines.push(Line::raw(format!(
            "Inject {} at {}: {}",
            inject.n,
            m.clock(inject.at, "%H:%M"),
            inject.text
        )));
    }
    if now.open.is_empty() {
        lines.push(Line::styled("No decision open", theme.dim()));
    } else {
        lines.push(Line::styled(
            format!(
                "Open decisions ({}), chains frozen when opened:",
                now.open.len()
            ),
            theme.title(),
        ));
        for open in &now.open {
            open_lines(m, open, theme, &mut lines);
        }
    }
    if now.taken.is_empty() {
        lines.push(Line::styled("No decision taken yet", theme.dim()));
    } else {
        lines.push(Line::styled(
            format!("Decisions taken ({}), newest first:", now.taken.len()),
            theme.title(),
        ));
        for taken in now.taken.iter().rev() {
            taken_lines(m, taken, theme, &mut lines);
        }
    }
    lines
}

fn open_lines<'a>(m: &'a Model, open: &'a Open, theme: Theme, lines: &mut Vec<Line<'a>>) {
    let asked = match &open.identity {
        Some(_) => format!("{} in {}", open.action_phrase(), open.state),
        None => open.action_phrase(),
    };
    let verdict = match (open.verdict.as_str(), &open.rule) {
        ("chain", Some(rule)) => format!("rule {rule}"),
        ("chain", None) => "the declare chain".to_owned(),
        (verdict, _) => words::verdict(&Answer {
            verdict,
            rule: None,
            rules: &open.rules,
            reasons: &open.reasons,
            first: None,
            two_person: false,
        }),
    };
    let mut tail = String::new();
    if !open.chain.is_empty() {
        tail.push_str(&format!(", level {}/{}", open.level, open.chain.len()));
    }
    if !open.preconditions.is_empty() {
        tail.push_str(&format!(
            ", preconditions {}/{} acknowledged",
            open.acknowledged.len(),
            open.preconditions.len()
        ));
    }
    let style = if open.verdict == "chain" {
        theme.title()
    } else {
        theme.alarm()
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{} {asked}: ", open.id), theme.title()),
        Span::styled(verdict, style),
        Span::raw(tail),
    ]));
    for level in &open.chain {
        let mark = if level.level == open.level {
            "> NOW "
        } else if level.level < open.level {
            "  done"
        } else {
            "      "
        };
        let time = level
            .starts_at
            .map_or("--:--".to_owned(), |t| m.clock(t, "%H:%M"));
        let who = if level.skipped {
            "SKIPPED: nobody could answer".to_owned()
        } else {
            level.people.join(", ")
        };
        let text = format!("{mark} {}. {time}  {who} ({})", level.level, level.via);
        lines.push(if level.level == open.level {
            Line::styled(text, theme.title())
        } else if level.skipped {
            Line::styled(text, theme.dim())
        } else {
            Line::raw(text)
        });
    }
    differs_lines(m, &open.id, theme, lines);
}

fn taken_lines<'a>(m: &'a Model, taken: &'a Taken, theme: Theme, lines: &mut Vec<Line<'a>>) {
    let by = if taken.by.is_empty() {
        "nobody".to_owned()
    } else {
        taken.by.join(" and ")
    };
    let outcome = if taken.approved {
        "approved"
    } else {
        "declined"
    };
    let mut spans = vec![
        Span::styled(format!("{} ", taken.id), theme.title()),
        Span::raw(format!(
            "{} {} by {by}: {outcome}, ",
            m.clock(taken.at, "%H:%M"),
            taken.action_phrase()
        )),
        Span::styled(
            authorized(taken.authorized),
            if taken.authorized {
                theme.good()
            } else {
                theme.alarm()
            },
        ),
    ];
    if taken.ahead_of_chain {
        spans.push(Span::raw(", ahead of the chain"));
    }
    if !taken.authorized && !taken.flags.is_empty() {
        spans.push(Span::raw(format!(" ({})", taken.flags.join("; "))));
    }
    lines.push(Line::from(spans));
    differs_lines(m, &taken.id, theme, lines);
}

fn differs_lines<'a>(m: &'a Model, id: &str, theme: Theme, lines: &mut Vec<Line<'a>>) {
    for d in m.differences_of(id) {
        lines.push(Line::from(vec![
            Span::styled("  DIFFERS: ", theme.alarm()),
            Span::raw(format!("{} ({})", d.words, m.clock(d.at, "%H:%M"))),
        ]));
    }
}

fn hints<'a>(theme: Theme) -> Paragraph<'a> {
    chrome::hints(
        &[
            ("j/k", "step"),
            ("g/G", "first/last"),
            ("Space", "play"),
            ("+/-", "speed"),
            ("?", "help"),
            ("q", "quit"),
        ],
        theme,
    )
}

fn draw_help(frame: &mut Frame, area: Rect, theme: Theme) {
    let keys: Vec<HelpKey> = KEYS
        .iter()
        .map(|(key, what)| HelpKey {
            key,
            what,
            place: "",
        })
        .collect();
    chrome::help(
        frame,
        area,
        "Replay a decision log: read-only, nothing is written.",
        &keys,
        &["> the current event; ! an answer that differs today (--against)"],
        theme,
    );
}
