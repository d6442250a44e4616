//! The console on the generated 100,000-identity plant.
//!
//! Targets: one keystroke in the search box to the redrawn frame under
//! 16 ms (update + render into an 80x24 `TestBackend`); the console ready
//! to search (load, engine, search index, first frame) measured and
//! reported next to the 1 s goal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use andon::engine::Engine;
use andon::log::events::Mode;
use andon::tui::live::run::{Effects, dispatch};
use andon::tui::live::views::{Theme, draw};
use andon::tui::{Effect, Model, Msg};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// No log: looking and typing record nothing.
struct Nothing;

impl Effects for Nothing {
    fn append(&mut self, _: &andon::log::Event) -> Result<u64, String> {
        Ok(0)
    }
    fn other(&mut self, _: Effect, _: &Model) -> Option<Msg> {
        None
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn console(c: &mut Criterion) {
    let dir = plant::plant(100_000);
    let now = Utc.with_ymd_and_hms(2026, 3, 6, 1, 10, 0).unwrap();
    let mut group = c.benchmark_group("console");
    group.sample_size(10);
    group.bench_function(
        "ready on the 100k plant: load, engine, index, first frame",
        |b| {
            b.iter(|| {
                let runbook = andon::load::load(&dir).expect("generated plant loads");
                let engine = Engine::new(&runbook);
                let state = runbook
                    .default_state()
                    .expect("default state")
                    .id
                    .value
                    .clone();
                let m = Model::new(&engine, Mode::Live, "bench.andonlog".into(), state, now);
                let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
                terminal
                    .draw(|f| draw(f, &m, Theme { color: true }))
                    .expect("draw");
            })
        },
    );
    group.finish();

    let runbook = andon::load::load(&dir).expect("generated plant loads");
    let engine = Engine::new(&runbook);
    let state = runbook
        .default_state()
        .expect("default state")
        .id
        .value
        .clone();
    let mut m = Model::new(&engine, Mode::Live, "bench.andonlog".into(), state, now);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    // The worst case: each key searches all 100,000 identities (a first
    // letter, then Backspace back to the empty box, and again).
    let keys = [key(KeyCode::Char('v')), key(KeyCode::Backspace)];
    let mut next = 0;
    c.bench_function(
        "keystroke in the search box to the redrawn frame (100k, full scan)",
        |b| {
            b.iter(|| {
                next = (next + 1) % keys.len();
                dispatch(&mut m, keys[next].clone(), &mut Nothing);
                terminal
                    .draw(|f| draw(f, &m, Theme { color: true }))
                    .expect("draw");
            })
        },
    );
    // Typing on: each key narrows the previous results.
    m.screen = andon::tui::live::model::Screen::Search;
    m.search.set_query(String::new());
    c.bench_function("typing `vendor-1` key by key, each redrawn (100k)", |b| {
        b.iter(|| {
            for ch in "vendor-1".chars() {
                dispatch(&mut m, key(KeyCode::Char(ch)), &mut Nothing);
                terminal
                    .draw(|f| draw(f, &m, Theme { color: true }))
                    .expect("draw");
            }
            // Esc clears the box (it stays in the box).
            dispatch(&mut m, key(KeyCode::Esc), &mut Nothing);
        })
    });
    // The decision screen of the first result.
    dispatch(&mut m, key(KeyCode::Enter), &mut Nothing);
    dispatch(&mut m, key(KeyCode::Enter), &mut Nothing);
    c.bench_function("redraw the decision screen (100k)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| draw(f, &m, Theme { color: true }))
                .expect("draw");
        })
    });
}

criterion_group!(benches, console);
criterion_main!(benches);
