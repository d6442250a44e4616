//! Median and 99th percentile of one `resolve` (and of its steps 1 to 4,
//! candidates and winner) over 10,000 spread-out questions on a runbook:
//!
//! ```text
//! cargo run --release --example latency -- /tmp/plant100k [ROUNDS]
//! ```
//!
//! `ROUNDS` (default 2, the last one counts) repeats the questions, to
//! profile resolution rather than the load.
//!
//! Each question is timed on its own (criterion's `benches/resolve.rs`
//! gives the mean of batches; this gives the tail).

use andon::engine::{Engine, Query};
use andon::model::{Action, WrittenTime};
use std::process::ExitCode;
use std::time::Instant;

fn percentiles(mut ns: Vec<u128>) -> (u128, u128) {
    ns.sort_unstable();
    let at = |p: usize| ns[(ns.len() - 1) * p / 100];
    (at(50), at(99))
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: latency RUNBOOK");
        return ExitCode::from(2);
    };
    let runbook = match andon::load::load(std::path::Path::new(&dir)) {
        Ok(rb) => rb,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(2)
        .max(1);
    let engine = Engine::new(&runbook);
    let Some(at) = WrittenTime::parse("2026-03-06T02:10") else {
        return ExitCode::FAILURE;
    };
    let at = at.instant(runbook.plant.timezone.value);
    let states: Vec<&str> = runbook.states.iter().map(|s| s.id.value.as_str()).collect();
    let actions = [
        Action::Pause,
        Action::Revoke,
        Action::Disconnect,
        Action::Override,
        Action::Rotate,
    ];
    let n = runbook.identities.len();
    let questions: Vec<(usize, Action, &str)> = (0..10_000)
        .map(|i| {
            (
                (i * 7919) % n,
                actions[i % actions.len()],
                states[i % states.len().max(1)],
            )
        })
        .collect();
    let mut whole = Vec::with_capacity(questions.len());
    let mut steps = Vec::with_capacity(questions.len());
    for _ in 0..rounds {
        whole.clear();
        steps.clear();
        for &(i, action, state) in &questions {
            let q = Query {
                identity: &runbook.identities[i].id.value,
                action,
                state,
                at,
                unavailable: &[],
            };
            let t = Instant::now();
            std::hint::black_box(engine.resolve(&q));
            whole.push(t.elapsed().as_nanos());
            let t = Instant::now();
            let candidates = engine.candidates(i, action, state);
            std::hint::black_box(andon::engine::authority::select(&runbook, &candidates));
            steps.push(t.elapsed().as_nanos());
        }
    }
    let (m, p) = percentiles(whole);
    let (sm, sp) = percentiles(steps);
    println!(
        "{} identities, {} rules: resolve median {:.2} us, p99 {:.2} us; candidates and winner median {:.2} us, p99 {:.2} us",
        n,
        runbook.rules.len(),
        m as f64 / 1000.0,
        p as f64 / 1000.0,
        sm as f64 / 1000.0,
        sp as f64 / 1000.0
    );
    ExitCode::SUCCESS
}
