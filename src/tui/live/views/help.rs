//! `?`: every key, by screen, and the one-line hints at the bottom.

use super::Theme;
use crate::tui::chrome::{self, HelpKey};
use crate::tui::live::model::{Model, Overlay, Screen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

/// Every key: where it works, the key, what it does.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("everywhere", "?", "this help (Esc closes it)"),
    (
        "everywhere",
        "Ctrl-C",
        "quit (asks y/n first when decisions are open)",
    ),
    (
        "not in a query",
        "q",
        "quit (asks y/n first when decisions are open)",
    ),
    (
        "not typing",
        "/",
        "search identities: id, name, kind, system, vendor",
    ),
    (
        "not typing",
        "s",
        "declare a production state (through its chain)",
    ),
    (
        "not typing",
        "u",
        "mark people unavailable; open decisions re-resolve",
    ),
    (
        "not typing",
        "Tab o l",
        "open and taken decisions; l: the timeline",
    ),
    (
        "not typing",
        "a e",
        "write a note for the log; e: the report",
    ),
    (
        "lists",
        "j k arrows",
        "move (PgUp PgDn by 10); Enter chooses",
    ),
    (
        "search box",
        "letters",
        "filter (Backspace deletes); Enter chooses",
    ),
    (
        "search box",
        "Esc Ctrl-U",
        "clear the search; Esc again leaves the box",
    ),
    ("actions", "1-7", "see who decides that action now"),
    ("decision", "Enter c", "open it: start calling, timers run"),
    (
        "decision",
        "r",
        "record who decided, then Enter approved / n declined",
    ),
    ("decision", "x", "escalate by hand to the next level"),
    ("decision", "1-9", "tick a precondition (recorded)"),
    (
        "record",
        "d",
        "record with fewer people than the rule wants",
    ),
    (
        "unavailable",
        "Space Enter",
        "pick a person; y then logs it, n does not",
    ),
    ("drill", "p", "pause / resume the drill clock"),
    ("drill", "n + -", "jump to the next inject; faster / slower"),
    ("drill", "d", "injects so far, the next one, the live score"),
];

pub fn draw(frame: &mut Frame, area: Rect, _m: &Model, theme: Theme) {
    let keys: Vec<HelpKey> = KEYS
        .iter()
        .map(|(place, key, what)| HelpKey { key, what, place })
        .collect();
    chrome::help(
        frame,
        area,
        "Find an identity, choose an action, see who decides, record it.",
        &keys,
        &[],
        theme,
    );
}

/// The keys that matter on the current screen, in one line.
pub fn hints<'a>(m: &Model, theme: Theme) -> Paragraph<'a> {
    let pairs: &[(&str, &str)] = if let Some(overlay) = &m.overlay {
        match overlay {
            Overlay::Note(_) => &[
                ("type", "the note"),
                ("Enter", "log it"),
                ("Esc", "discard"),
            ],
            Overlay::Timeline { .. } => &[("j/k", "scroll"), ("Esc", "close")],
            _ => &[("Esc", "close"), ("Enter", "choose"), ("j/k", "move")],
        }
    } else {
        match m.screen {
            Screen::Search => &[
                ("type", "filter"),
                ("Enter", "choose"),
                ("Esc", "clear/leave"),
                ("?", "help"),
            ],
            Screen::Results => &[
                ("/", "search"),
                ("Enter", "choose"),
                ("s", "state"),
                ("u", "unavailable"),
                ("a", "note"),
                ("l", "timeline"),
                ("q", "quit"),
                ("?", "help"),
            ],
            Screen::Actions => &[
                ("Enter/1-7", "action"),
                ("Esc", "back"),
                ("s", "state"),
                ("?", "help"),
            ],
            Screen::Decision => &[
                ("Enter", "open"),
                ("r", "record"),
                ("x", "escalate"),
                ("1-9", "tick"),
                ("a", "note"),
                ("Esc", "back"),
                ("?", "help"),
            ],
            Screen::Open => &[
                ("Enter", "work on"),
                ("Esc", "back"),
                ("e", "report"),
                ("?", "help"),
            ],
            Screen::Drill => &[
                ("p", "pause/resume"),
                ("n", "next inject"),
                ("+/-", "speed"),
                ("Esc", "back"),
                ("?", "help"),
            ],
        }
    };
    chrome::hints(pairs, theme)
}
