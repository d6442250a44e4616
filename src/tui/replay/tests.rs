//! The replay console on a night drill of the shipped runbook built in
//! memory: keys and the player in, model and wake-ups out (no sleeping),
//! and screen snapshots at 80x24 (insta, `TestBackend`, no colour).

use super::model::{Against, Integrity, MAX_WAIT, Model};
use super::update::{Effect, Msg, update};
use super::view::draw;
use crate::engine::{Decision, Engine, Query};
use crate::log::events::{self, Deciding, Mode, Opening, Reason};
use crate::log::replay::Replay;
use crate::log::{Entry, Event};
use crate::model::{Action, Runbook};
use crate::tui::live::update::tests::shipped;
use crate::tui::live::views::Theme;
use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

const ACME: &str = "vendor-acme-remote";
const TELL: &str = "Tell the line 3 operator first that the robot cells may stop mid-cycle";

/// Friday 6 March 2026 in Lyon.
fn at(h: u32, m: u32) -> DateTime<Tz> {
    Tz::Europe__Paris
        .with_ymd_and_hms(2026, 3, 6, h, m, 0)
        .unwrap()
}

fn disconnect(engine: &Engine, h: u32, m: u32, unavailable: &[String]) -> Decision {
    engine.resolve(&Query {
        identity: ACME,
        action: Action::Disconnect,
        state: "emergency",
        at: at(h, m),
        unavailable,
    })
}

fn decided(
    h: u32,
    m: u32,
    id: &str,
    identity: Option<&str>,
    action: &str,
    state: &str,
    rule: Option<&str>,
) -> Event {
    events::decided(
        at(h, m).fixed_offset(),
        &Deciding {
            decision: id,
            identity,
            action,
            state,
            by: &["bob".to_owned()],
            approved: true,
            authorized: true,
            ahead_of_chain: false,
            rule,
            preconditions_acknowledged: true,
            flags: &[],
        },
    )
}

/// The vendor-session night: Alice stops answering at 02:14, Bob (her
/// backup) declares the emergency at 02:15, D2 (cut the Acme session) is
/// opened at 02:16, escalates to Dana at 02:21 and Bob cuts it at 02:22.
fn night() -> Replay {
    let engine = Engine::new(shipped());
    let alice = vec!["alice".to_owned()];
    let declare = engine.declare("emergency", at(2, 15), &alice);
    let d2 = disconnect(&engine, 2, 16, &alice);
    let t = |h, m| at(h, m).fixed_offset();
    let events = vec![
        events::opened(
            t(2, 10),
            &Opening {
                runbook: "runbooks/lyon-packaging",
                runbook_hash: "sha256:0",
                plant: "lyon-packaging",
                timezone: "Europe/Paris",
                mode: Mode::Drill,
                state: "normal",
                scenario: Some("vendor-session-night"),
                rehearsal: false,
            },
        ),
        events::inject(
            t(2, 10),
            1,
            "The historian shows unexpected writes to PLC-L3 from the Acme remote session.",
            &[ACME.to_owned()],
            &[],
            &[],
        ),
        events::inject(
            t(2, 14),
            2,
            "Alice does not answer her phone.",
            &[],
            &alice,
            &[],
        ),
        events::availability(t(2, 14), "alice", false),
        events::decision_opened(t(2, 15), "D1", &declare),
        decided(2, 15, "D1", None, "declare", "emergency", None),
        events::state_declared(
            t(2, 15),
            "emergency",
            "normal",
            &["bob".to_owned()],
            true,
            Some("D1"),
        ),
        events::decision_opened(t(2, 16), "D2", &d2),
        events::acknowledged(t(2, 16), "D2", TELL),
        events::escalated(
            t(2, 21),
            "D2",
            2,
            &["dana".to_owned()],
            Reason::Timeout,
            None,
            0,
        ),
        decided(
            2,
            22,
            "D2",
            Some(ACME),
            "disconnect",
            "emergency",
            Some("acme-session-in-incident"),
        ),
        events::closed(t(2, 25), &[]),
    ];
    let entries = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Entry {
            line: i + 1,
            seq: i as u64 + 1,
            event,
            prev: String::new(),
            hash: String::new(),
        })
        .collect();
    Replay::new(entries)
}

/// The shipped runbook where the Acme session in an incident is first
/// for OT engineering, no longer for the shift lead.
fn changed() -> (tempfile::TempDir, Runbook) {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new("runbooks/lyon-packaging");
    for file in std::fs::read_dir(shipped).unwrap() {
        let path = file.unwrap().path();
        if path.is_dir() {
            // `imported/`: the generated files, copied as they are.
            let to = dir.path().join(path.file_name().unwrap());
            std::fs::create_dir(&to).unwrap();
            for f in std::fs::read_dir(&path).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
            continue;
        }
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("50-authority.yaml") {
            let from = "    actions: [pause, disconnect, revoke]\n    decide:\n      - { role: shift-lead, after: 5m }\n      - { role: security-oncall, after: 10m }\n      - { person: dana }\n    pre_approved: true\n    consult: [{ role: acme-support }]";
            assert!(text.contains(from));
            text = text.replace(
                from,
                &from.replace("role: shift-lead", "role: ot-engineering"),
            );
        }
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let runbook = crate::load::load(dir.path()).unwrap();
    (dir, runbook)
}

fn model() -> Model {
    Model::new(night(), "night.andonlog".into(), Integrity::Intact, None)
}

fn against() -> Model {
    let replay = night();
    let (_dir, runbook) = changed();
    let differences = replay.differences(&Engine::new(&runbook));
    Model::new(
        replay,
        "night.andonlog".into(),
        Integrity::Intact,
        Some(Against {
            runbook: "lyon-packaging-v2".into(),
            differences,
        }),
    )
}

fn press(m: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(m: &mut Model, text: &str) {
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
}

fn screen(m: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| draw(f, m, Theme { color: false }))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn stepping_seeking_and_paging_keep_the_moment_of_the_event_under_the_cursor() {
    let mut m = model();
    let replay = night();
    for i in 1..m.len() {
        press(&mut m, KeyCode::Char('j'));
        assert_eq!(m.cursor, i);
        assert_eq!(m.moment, replay.moment(i), "after event {i}");
    }
    press(&mut m, KeyCode::Down);
    assert_eq!(m.cursor, m.len() - 1, "the last event stays the last");
    keys(&mut m, "g");
    assert_eq!((m.cursor, &m.moment), (0, &replay.moment(0)));
    press(&mut m, KeyCode::Up);
    assert_eq!(m.cursor, 0);
    press(&mut m, KeyCode::PageDown);
    assert_eq!((m.cursor, &m.moment), (10, &replay.moment(10)));
    press(&mut m, KeyCode::PageUp);
    assert_eq!(m.cursor, 0);
    press(&mut m, KeyCode::End);
    assert_eq!(m.cursor, 11);
    press(&mut m, KeyCode::Home);
    keys(&mut m, "G");
    assert_eq!((m.cursor, &m.moment), (11, &replay.moment(11)));
}

#[test]
fn playing_waits_the_gap_divided_by_the_speed_at_most_two_seconds() {
    let mut m = model();
    keys(&mut m, "jj"); // inject 2 at 02:14; next: its note, at the same time
    let fx = press(&mut m, KeyCode::Char(' '));
    assert!(m.playing);
    assert_eq!(
        fx,
        [Effect::WakeAfter {
            after: Duration::ZERO,
            ticket: m.ticket
        }]
    );
    let fx = wake(&mut m);
    assert_eq!(m.cursor, 3);
    // The next event is a minute later: a second at x60.
    assert_eq!(
        fx,
        [Effect::WakeAfter {
            after: Duration::from_secs(1),
            ticket: m.ticket
        }]
    );
    keys(&mut m, "+");
    assert_eq!(m.said.as_deref(), Some("speed x600"));
    let fx = keys_fx(&mut m, "++");
    assert_eq!(m.said.as_deref(), Some("speed x600"), "x600 is the fastest");
    assert_eq!(
        fx.last(),
        Some(&Effect::WakeAfter {
            after: Duration::from_millis(100),
            ticket: m.ticket
        })
    );
    let fx = keys_fx(&mut m, "----");
    assert_eq!(m.said.as_deref(), Some("speed x1"));
    assert_eq!(
        fx.last(),
        Some(&Effect::WakeAfter {
            after: MAX_WAIT,
            ticket: m.ticket
        }),
        "a minute at x1 waits 2 s"
    );
}

/// The player's wake-up for the ticket it asked last.
fn wake(m: &mut Model) -> Vec<Effect> {
    let ticket = m.ticket;
    update(m, Msg::Wake(ticket))
}

fn keys_fx(m: &mut Model, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(m, KeyCode::Char(c)))
        .collect()
}

#[test]
fn an_old_wake_up_is_ignored_and_the_end_stops_the_player() {
    let mut m = model();
    press(&mut m, KeyCode::Char(' '));
    let old = m.ticket;
    keys(&mut m, "j");
    assert_eq!(m.cursor, 1);
    update(&mut m, Msg::Wake(old));
    assert_eq!(m.cursor, 1, "the wake-up asked before the key is stale");
    while m.playing {
        wake(&mut m);
    }
    assert_eq!(m.cursor, m.len() - 1);
    assert_eq!(m.said.as_deref(), Some("end of the log"));
    // Space at the end plays again from the first event.
    press(&mut m, KeyCode::Char(' '));
    assert!(m.playing);
    assert_eq!(m.cursor, 0);
    press(&mut m, KeyCode::Char(' '));
    assert!(!m.playing);
    wake(&mut m);
    assert_eq!(m.cursor, 0, "paused: nothing moves");
}

#[test]
fn help_closes_with_esc_and_q_or_esc_quit() {
    let mut m = model();
    keys(&mut m, "?");
    assert!(m.help);
    press(&mut m, KeyCode::Esc);
    assert!(!m.help && !m.quit);
    press(&mut m, KeyCode::Esc);
    assert!(m.quit);
    let mut m = model();
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(m.quit);
}

#[test]
fn the_same_night_against_a_runbook_without_the_shift_lead_differs_twice() {
    let m = against();
    let words: Vec<String> = m
        .against
        .iter()
        .flat_map(|a| &a.differences)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(words.len(), 2, "{words:#?}");
    assert!(words[0].starts_with("D2 disconnect vendor-acme-remote at 02:16: first called was bob (role:shift-lead), today "), "{words:#?}");
    assert_eq!(
        words[1],
        "D2 disconnect vendor-acme-remote at 02:22: today bob could no longer decide this (not in the chain of rule acme-session-in-incident)"
    );
}

#[test]
fn start() {
    insta::assert_snapshot!(screen(&model()));
}

#[test]
fn middle_with_an_open_decision() {
    let mut m = model();
    keys(&mut m, "jjjjjjjjj"); // D2 escalated to Dana
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn end() {
    let mut m = model();
    keys(&mut m, "G");
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn end_against_another_runbook() {
    let mut m = against();
    keys(&mut m, "G");
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn broken_log() {
    let mut m = model();
    m.replay.entries.truncate(6);
    m.integrity = Integrity::Broken {
        line: 7,
        why: "content does not match its hash: the line was changed".into(),
    };
    keys(&mut m, "G");
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn help() {
    let mut m = model();
    keys(&mut m, "?");
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn every_moment_draws_at_tiny_sizes_without_panicking() {
    let mut m = against();
    let empty = Model::new(
        Replay::new(Vec::new()),
        "empty.andonlog".into(),
        Integrity::Intact,
        None,
    );
    for (w, h) in [(1, 1), (20, 5), (40, 10), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| draw(f, &empty, Theme { color: true }))
            .unwrap();
    }
    for _ in 0..m.len() {
        for (w, h) in [(1, 1), (20, 5), (40, 10), (200, 60)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| draw(f, &m, Theme { color: true }))
                .unwrap();
        }
        keys(&mut m, "j?");
        keys(&mut m, "?");
    }
}

/// docs/replay.md lists every key of the help box, and each
/// `<!-- screen: NAME -->` is followed by that snapshot as it is.
#[test]
fn docs_replay_md_lists_every_key_and_shows_the_current_screens() {
    use crate::tui::testing::{snapshot_text, with_screens};
    let path = format!("{}/docs/replay.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap();
    for (key, what) in super::update::KEYS {
        assert!(
            doc.contains(&format!("| `{key}` | {what} |")),
            "docs/replay.md does not list `{key}`"
        );
    }
    let (out, screens) = with_screens(&doc, |name| {
        snapshot_text(&format!(
            "src/tui/replay/snapshots/andon__tui__replay__tests__{name}.snap"
        ))
    });
    assert_eq!(screens, 2);
    assert!(out == doc, "docs/replay.md shows old screens");
}
