//! What each key does on each screen (the list shown by `?` is
//! [`super::views::help::KEYS`]; a test checks they agree).
//!
//! Terminal habits (less, vim, k9s): `/` searches, `Esc` goes back or
//! clears, `Enter` selects, arrows and `j`/`k` move, `?` shows help, `q`
//! quits. While typing in the search box, letters are text: `Esc` leaves it.

use super::model::{
    IDENTITY_ACTIONS, Model, NoteBox, Overlay, Record, Screen, Subject, Viewing, people_ids,
};
use super::msg::Effect;
use super::search::step;
use super::steps;
use crate::model::Text;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        steps::quit(m, fx);
        return;
    }
    // Esc then a letter, sent together (over SSH, or typed fast), reads as
    // Alt+letter: take it as the two keys it was.
    if key.modifiers.contains(KeyModifiers::ALT) && matches!(key.code, KeyCode::Char(_)) {
        let mut plain = key;
        plain.modifiers.remove(KeyModifiers::ALT);
        self::key(m, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), fx);
        self::key(m, plain, fx);
        return;
    }
    if let Some(overlay) = m.overlay.clone() {
        overlay_key(m, overlay, key, fx);
        return;
    }
    if m.screen == Screen::Search && search_key(m, key, fx) {
        return;
    }
    // A letter held with Ctrl is never a command: Ctrl-S is not `s`.
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return;
    }
    if global_key(m, key, fx) {
        return;
    }
    match m.screen {
        Screen::Search | Screen::Results => results_key(m, key),
        Screen::Actions => actions_key(m, key),
        Screen::Decision => decision_key(m, key, fx),
        Screen::Open => open_key(m, key),
        Screen::Drill => {
            if key.code == KeyCode::Esc {
                m.screen = Screen::Results;
            }
        }
    }
}

/// Moves for `j`/`k`, arrows and page keys.
fn movement(key: KeyEvent) -> Option<isize> {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => Some(1),
        KeyCode::Up | KeyCode::Char('k') => Some(-1),
        KeyCode::PageDown => Some(10),
        KeyCode::PageUp => Some(-10),
        _ => None,
    }
}

/// Typing in the search box; returns whether the key was used. Only
/// printable and editing keys act here: a key held with Ctrl edits the
/// query as a shell line does (Ctrl-U clears it, Ctrl-W deletes the last
/// word, Ctrl-H deletes a letter) or does nothing; none opens
/// another screen. `/` is already where it leads, so it is not typed; `q`
/// in an empty box quits, as everywhere else.
fn search_key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        let mut q = m.search.query.clone();
        match key.code {
            KeyCode::Char('u') => q.clear(),
            KeyCode::Char('w') => {
                let kept = q.trim_end().rfind(' ').map_or(0, |i| i + 1);
                q.truncate(kept);
            }
            KeyCode::Char('h') => {
                q.pop();
            }
            _ => return true,
        }
        m.search.set_query(q);
        return true;
    }
    match key.code {
        KeyCode::Char('?') => return false,
        KeyCode::Char('/') => {}
        KeyCode::Char('q') if m.search.query.is_empty() => steps::quit(m, fx),
        KeyCode::Char(c) => {
            let mut q = m.search.query.clone();
            q.push(c);
            m.search.set_query(q);
        }
        KeyCode::Backspace => {
            let mut q = m.search.query.clone();
            q.pop();
            m.search.set_query(q);
        }
        KeyCode::Down => m.search.move_by(1),
        KeyCode::Up => m.search.move_by(-1),
        KeyCode::PageDown => m.search.move_by(10),
        KeyCode::PageUp => m.search.move_by(-10),
        KeyCode::Enter => choose_identity(m),
        KeyCode::Esc if !m.search.query.is_empty() => m.search.set_query(String::new()),
        KeyCode::Esc => m.screen = Screen::Results,
        KeyCode::Tab => return false,
        _ => return false,
    }
    true
}

/// Keys that work on every screen but the search box.
fn global_key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    match key.code {
        KeyCode::Char('?') => m.overlay = Some(Overlay::Help),
        KeyCode::Char('q') => steps::quit(m, fx),
        KeyCode::Char('/') => m.screen = Screen::Search,
        KeyCode::Char('s') => {
            let current = m
                .runbook()
                .states
                .iter()
                .position(|s| s.id.value == m.state)
                .unwrap_or(0);
            m.overlay = Some(Overlay::Declare { selected: current });
        }
        KeyCode::Char('u') => {
            m.overlay = Some(Overlay::People {
                selected: 0,
                confirming: false,
            });
        }
        KeyCode::Tab | KeyCode::Char('o') if m.screen != Screen::Open => {
            m.screen = Screen::Open;
        }
        KeyCode::Char('e') => fx.push(Effect::Report),
        KeyCode::Char('a') => m.overlay = Some(Overlay::Note(Box::default())),
        KeyCode::Char('l') => {
            m.seen = m.said;
            m.overlay = Some(Overlay::Timeline { scroll: 0 });
        }
        _ if m.drill.is_some() => return drill_key(m, key),
        _ => return false,
    }
    true
}

fn choose_identity(m: &mut Model) {
    if let Some(i) = m.search.current() {
        m.identity = Some(i);
        m.action_selected = 0;
        m.screen = Screen::Actions;
    }
}

fn results_key(m: &mut Model, key: KeyEvent) {
    if let Some(d) = movement(key) {
        m.search.move_by(d);
        return;
    }
    match key.code {
        KeyCode::Enter => choose_identity(m),
        KeyCode::Esc => m.search.set_query(String::new()),
        _ => {}
    }
}

fn actions_key(m: &mut Model, key: KeyEvent) {
    if let Some(d) = movement(key) {
        m.action_selected = step(m.action_selected, d, IDENTITY_ACTIONS.len());
        return;
    }
    let chosen = match key.code {
        KeyCode::Enter => Some(m.action_selected),
        KeyCode::Char(c @ '1'..='7') => Some(c as usize - '1' as usize),
        KeyCode::Esc => {
            m.screen = Screen::Results;
            None
        }
        _ => None,
    };
    if let (Some(index), Some(identity)) = (chosen, m.identity) {
        m.action_selected = index;
        steps::view(m, Subject::Identity(identity), IDENTITY_ACTIONS[index]);
    }
}

fn decision_key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Enter | KeyCode::Char('c') => {
            if let Some((d, None)) = m.viewed() {
                if Model::decidable(d) {
                    steps::open_viewed(m, fx);
                } else {
                    m.say(
                        "nobody can be called for this: record it with r if it was done anyway",
                        true,
                    );
                }
            }
        }
        KeyCode::Char('r') => open_record(m),
        KeyCode::Char('x') => steps::escalate_viewed(m, fx),
        KeyCode::Char(c @ '1'..='9') => steps::acknowledge(m, c as usize - '1' as usize, fx),
        KeyCode::Esc => m.screen = m.back,
        _ => {}
    }
}

fn open_key(m: &mut Model, key: KeyEvent) {
    if let Some(d) = movement(key) {
        m.open_selected = step(m.open_selected, d, m.open.len());
        return;
    }
    match key.code {
        KeyCode::Enter => {
            if let Some(open) = m.open.get(m.open_selected) {
                m.viewing = Some(Viewing::Open(open.id.clone()));
                m.back = Screen::Open;
                m.screen = Screen::Decision;
            }
        }
        KeyCode::Esc | KeyCode::Tab => m.screen = Screen::Results,
        _ => {}
    }
}

/// The record box: the chain's people first, by level, then everyone else.
fn open_record(m: &mut Model) {
    let Some((d, open)) = m.viewed() else { return };
    let from = open.map_or(0, |o| o.level);
    let mut candidates: Vec<Text> = Vec::new();
    // The level being called first, then the later ones, then earlier ones.
    let order = (from..d.steps.len()).chain(0..from);
    for i in order {
        for p in people_ids(&d.steps[i]) {
            if !candidates.contains(&p) {
                candidates.push(p);
            }
        }
    }
    let in_chain = candidates.len();
    for p in &m.runbook().people {
        if p.active && !candidates.contains(&p.id.value) {
            candidates.push(p.id.value.clone());
        }
    }
    m.overlay = Some(Overlay::Record(Record {
        candidates,
        in_chain,
        selected: 0,
        picked: Vec::new(),
        confirming: false,
    }));
}

fn overlay_key(m: &mut Model, overlay: Overlay, key: KeyEvent, fx: &mut Vec<Effect>) {
    match overlay {
        Overlay::Help => {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter
            ) {
                m.overlay = None;
            }
        }
        Overlay::Quit => match key.code {
            KeyCode::Char('y') => steps::quit(m, fx),
            KeyCode::Char('n') | KeyCode::Esc => m.overlay = None,
            _ => {}
        },
        Overlay::Declare { selected } => {
            let states = &m.runbook().states;
            if let Some(d) = movement(key) {
                m.overlay = Some(Overlay::Declare {
                    selected: step(selected, d, states.len()),
                });
            } else if key.code == KeyCode::Enter {
                let state = states[selected].id.value.clone();
                m.overlay = None;
                steps::view(m, Subject::Declare(state), crate::model::Action::Declare);
            } else if key.code == KeyCode::Esc {
                m.overlay = None;
            }
        }
        Overlay::People {
            selected,
            confirming: true,
        } => {
            // The box says what will be logged; only a yes logs it.
            let unconfirmed = Overlay::People {
                selected,
                confirming: false,
            };
            match key.code {
                KeyCode::Enter | KeyCode::Char('y') => {
                    if let Some(p) = m.runbook().people.get(selected) {
                        steps::toggle_availability(m, p.id.value.clone(), fx);
                    }
                    m.overlay = Some(unconfirmed);
                }
                KeyCode::Char('n') | KeyCode::Esc => m.overlay = Some(unconfirmed),
                _ => {}
            }
        }
        Overlay::People { selected, .. } => {
            let people = &m.runbook().people;
            if let Some(d) = movement(key) {
                m.overlay = Some(Overlay::People {
                    selected: step(selected, d, people.len()),
                    confirming: false,
                });
            } else if matches!(key.code, KeyCode::Enter | KeyCode::Char(' ')) {
                if !people.is_empty() {
                    m.overlay = Some(Overlay::People {
                        selected,
                        confirming: true,
                    });
                }
            } else if key.code == KeyCode::Esc || key.code == KeyCode::Char('u') {
                m.overlay = None;
            }
        }
        Overlay::Record(mut r) => record_key(m, &mut r, key, fx),
        Overlay::Timeline { scroll } => {
            if let Some(d) = movement(key) {
                let last = m.flash.len().saturating_sub(1);
                let scroll = scroll.saturating_add_signed(d).min(last);
                m.overlay = Some(Overlay::Timeline { scroll });
            } else if matches!(key.code, KeyCode::Esc | KeyCode::Char('l' | 'q')) {
                m.seen = m.said;
                m.overlay = None;
            }
        }
        Overlay::Note(mut note) => match key.code {
            KeyCode::Esc => m.overlay = None,
            KeyCode::Enter => {
                m.overlay = None;
                steps::note(m, note.text(), fx);
            }
            _ => {
                if note.text().chars().count() < NoteBox::MAX_CHARS
                    || matches!(key.code, KeyCode::Backspace | KeyCode::Delete)
                    || !matches!(key.code, KeyCode::Char(_))
                {
                    note.0.input(key);
                }
                m.overlay = Some(Overlay::Note(note));
            }
        },
    }
}

fn record_key(m: &mut Model, r: &mut Record, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.code == KeyCode::Esc {
        m.overlay = None;
        return;
    }
    if r.confirming {
        let approved = match key.code {
            KeyCode::Enter | KeyCode::Char('y') => true,
            KeyCode::Char('n') => false,
            _ => return,
        };
        m.overlay = None;
        steps::decide(m, r.picked.clone(), approved, fx);
        return;
    }
    if let Some(d) = movement(key) {
        r.selected = step(r.selected, d, r.candidates.len());
    } else if key.code == KeyCode::Enter {
        let Some(p) = r.candidates.get(r.selected).cloned() else {
            return;
        };
        if !r.picked.contains(&p) {
            r.picked.push(p);
        }
        let two = m.viewed().is_some_and(|(d, _)| d.two_person);
        if !two || r.picked.len() >= 2 {
            r.confirming = true;
        }
    } else if key.code == KeyCode::Char('d') && !r.picked.is_empty() {
        // Done picking: record with fewer people than the rule wants (flagged).
        r.confirming = true;
    }
    m.overlay = Some(Overlay::Record(r.clone()));
}

/// The facilitator's keys, in drill mode.
fn drill_key(m: &mut Model, key: KeyEvent) -> bool {
    let real = m.real;
    let Some(mode) = m.drill.as_mut() else {
        return false;
    };
    let said = match key.code {
        KeyCode::Char('p') => {
            mode.toggle(real);
            if mode.paused() {
                "drill paused"
            } else {
                "drill resumed"
            }
            .to_owned()
        }
        KeyCode::Char('n') => {
            mode.next_inject(real);
            "drill clock moved to the next inject".to_owned()
        }
        KeyCode::Char('+') => {
            mode.change_speed(true, real);
            format!("drill speed x{}", mode.speed)
        }
        KeyCode::Char('-') => {
            mode.change_speed(false, real);
            format!("drill speed x{}", mode.speed)
        }
        KeyCode::Char('d') => {
            m.screen = Screen::Drill;
            return true;
        }
        _ => return false,
    };
    m.say(said, false);
    true
}
