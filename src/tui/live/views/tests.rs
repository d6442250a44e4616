//! Screen snapshots (insta, ratatui's `TestBackend`) at 80x24, the size a
//! jump host's terminal often has, and one larger. The clock is manual, so
//! times are fixed; the log path is a fixed name.

use crate::engine::Engine;
use crate::log::events::Mode;
use crate::tui::live::model::Model;
use crate::tui::live::run::dispatch;
use crate::tui::live::update::Msg;
use crate::tui::live::update::tests::{Recorded, night, press, shipped};
use crate::tui::live::views::{Theme, draw};
use chrono::TimeDelta;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(m: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| draw(f, m, Theme { color: false }))
        .unwrap();
    terminal.backend().to_string()
}

/// The console after `keys`, with the clock moved `minutes` on.
fn after(keys: &str, minutes: i64, width: u16, height: u16) -> String {
    after_in("normal", keys, minutes, width, height)
}

/// The same, in production state `state`.
fn after_in(state: &str, keys: &str, minutes: i64, width: u16, height: u16) -> String {
    let engine = Engine::new(shipped());
    let mut m = Model::new(
        &engine,
        Mode::Live,
        "incident.andonlog".into(),
        state.into(),
        night(),
    );
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, keys);
    if minutes > 0 {
        dispatch(
            &mut m,
            Msg::Tick(night() + TimeDelta::minutes(minutes)),
            &mut fx,
        );
    }
    screen(&m, width, height)
}

#[test]
fn start() {
    insta::assert_snapshot!(after("", 0, 80, 24));
}

#[test]
fn search_typed() {
    insta::assert_snapshot!(after("acme", 0, 80, 24));
}

#[test]
fn actions_of_the_vendor_session() {
    insta::assert_snapshot!(after("acme\n", 0, 80, 24));
}

#[test]
fn decision_preview() {
    insta::assert_snapshot!(after("acme\n\n", 0, 80, 24));
}

#[test]
fn decision_open_after_its_first_level_ran_out() {
    insta::assert_snapshot!(after("acme\n\n\n", 6, 80, 24));
}

#[test]
fn declare_box() {
    insta::assert_snapshot!(after("\x1bs", 0, 80, 24));
}

#[test]
fn forbidden_action() {
    // Restoring a vendor session in a cyber incident is forbidden.
    insta::assert_snapshot!(after_in("cyber-incident", "acme\n7", 0, 80, 24));
}

#[test]
fn actions_show_access_in_the_current_state() {
    // The vendor session reads by default, writes in the vendor window and
    // reaches nothing in an emergency: the screen says which applies now.
    let support = after_in("vendor-support", "acme\n", 0, 80, 24);
    assert!(
        support.contains("reaches robot-r3 (write), line3 (write)"),
        "{support}"
    );
    let emergency = after_in("emergency", "acme\n", 0, 80, 24);
    assert!(
        emergency.contains("reaches robot-r3 (none), line3 (none)"),
        "{emergency}"
    );
}

#[test]
fn actions_in_an_emergency() {
    insta::assert_snapshot!(after_in("emergency", "plc-l3-eng\n", 0, 80, 24));
}

#[test]
fn record_box() {
    insta::assert_snapshot!(after("acme\n\nr", 0, 80, 24));
}

#[test]
fn record_confirm() {
    insta::assert_snapshot!(after("acme\n\nr\n", 0, 80, 24));
}

#[test]
fn help() {
    insta::assert_snapshot!(after("?", 0, 80, 24));
}

#[test]
fn quit_with_open_decisions() {
    insta::assert_snapshot!(after("acme\n\n\n\x1b\x1bq", 0, 80, 24));
}

#[test]
fn people_box() {
    insta::assert_snapshot!(after("\x1bu", 0, 80, 24));
}

#[test]
fn note_box() {
    insta::assert_snapshot!(after("\x1baCalled Alice twice, voicemail", 0, 80, 24));
}

#[test]
fn timeline() {
    insta::assert_snapshot!(after("acme\n\n\n\x1b2r\n\n\x1bl", 0, 80, 24));
}

#[test]
fn people_box_says_what_it_will_log() {
    insta::assert_snapshot!(after("acme\n\n\n\x1bu ", 0, 80, 24));
}

#[test]
fn open_and_taken_list() {
    insta::assert_snapshot!(after("acme\n\n\n\x1b2r\n\n\t", 0, 80, 24));
}

#[test]
fn decision_preview_wide() {
    insta::assert_snapshot!(after("plc-l3-eng\n4", 0, 120, 36));
}

#[test]
fn every_screen_draws_at_tiny_sizes_without_panicking() {
    for keys in [
        "",
        "acme",
        "acme\n",
        "acme\n\n",
        "acme\n\nr",
        "?",
        "\x1bu",
        "\x1bs",
        "acme\n\n\n\t",
    ] {
        for (w, h) in [(1, 1), (20, 5), (40, 10), (80, 24), (200, 60)] {
            after(keys, 0, w, h);
        }
    }
}

/// docs/console.md shows the screens as they are: each
/// `<!-- screen: NAME -->` is followed by that snapshot, and the key table
/// lists every key of the help screen. `ANDON_BLESS=1` rewrites the screens.
#[test]
fn docs_console_md_shows_the_current_screens_and_every_key() {
    use crate::tui::testing::{snapshot_text, with_screens};
    let path = format!("{}/docs/console.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap();
    let (out, screens) = with_screens(&doc, |name| {
        snapshot_text(&format!(
            "src/tui/live/views/snapshots/andon__tui__live__views__tests__{name}.snap"
        ))
    });
    assert!(screens >= 8, "docs/console.md shows {screens} screens");
    for (_, key, what) in crate::tui::live::views::help::KEYS {
        assert!(
            doc.contains(&format!("| `{key}` | {what} |")),
            "docs/console.md does not list `{key}`"
        );
    }
    if std::env::var_os("ANDON_BLESS").is_some() {
        std::fs::write(&path, out).unwrap();
    } else {
        assert!(
            out == doc,
            "docs/console.md shows old screens: run ANDON_BLESS=1 cargo test --lib docs_console_md"
        );
    }
}

#[test]
fn drill_screen() {
    use crate::drill::Drill;
    use crate::tui::live::drill::DrillMode;
    use chrono::TimeZone;
    let (scenario, runbook) = crate::load::load_scenario_with_runbook(std::path::Path::new(
        "scenarios/vendor-session-night.yaml",
    ))
    .unwrap();
    let engine = Engine::new(&runbook);
    let d = Drill::new(&scenario, &engine);
    let start = d.start().to_utc();
    let real = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let mut m = Model::new(
        &engine,
        Mode::Drill,
        "drill.andonlog".into(),
        "normal".into(),
        start,
    );
    m.drill = Some(DrillMode::new(d, 60, false, real));
    let mut fx = Recorded::default();
    dispatch(&mut m, Msg::Tick(real + TimeDelta::seconds(5)), &mut fx);
    press(&mut m, &mut fx, "acme\n\nr\n\n\x1b\x1b\x1bd");
    insta::assert_snapshot!(screen(&m, 80, 24));
}

#[test]
fn a_two_person_chain_that_reaches_one_person_says_it_cannot_be_met() {
    let engine = Engine::new(shipped());
    let mut m = Model::new(
        &engine,
        Mode::Live,
        "incident.andonlog".into(),
        "normal".into(),
        night(),
    );
    // Nobody of OT engineering or plant management answers: restoring the
    // vendor session (two people) reaches the security on-call alone.
    m.unavailable = ["lucas", "nadia", "farid", "pierre", "claire"]
        .map(String::from)
        .to_vec();
    let mut fx = Recorded::default();
    let restore = crate::tui::live::model::IDENTITY_ACTIONS
        .iter()
        .position(|a| *a == crate::model::Action::Restore)
        .unwrap();
    press(&mut m, &mut fx, &format!("acme\n{}", restore + 1));
    let shown = screen(&m, 100, 30);
    assert!(
        shown.contains("TWO-PERSON RULE CANNOT BE MET: only Dana Kowalski can be reached now"),
        "{shown}"
    );
    assert!(
        !shown.contains("TWO-PERSON: two deciders needed"),
        "{shown}"
    );
}
