//! One resolution on the generated 100,000-identity plant, in both of the
//! generator's shapes (the project's plant and an imported inventory where
//! every identity differs and 30% of the rules select on labels alone).
//!
//! Target: under 2 microseconds median per `resolve` on both shapes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use andon::engine::{Engine, Query};
use andon::model::{Action, WrittenTime};
use criterion::{Criterion, criterion_group, criterion_main};

fn resolve(c: &mut Criterion) {
    for shape in plant::SHAPES {
        resolve_on(c, shape);
    }
}

fn resolve_on(c: &mut Criterion, shape: &str) {
    let dir = plant::shaped(100_000, shape);
    let runbook = andon::load::load(&dir).expect("generated plant loads");
    let engine = Engine::new(&runbook);
    let at = WrittenTime::parse("2026-03-06T02:10")
        .expect("time")
        .instant(runbook.plant.timezone.value);
    let states: Vec<&str> = runbook.states.iter().map(|s| s.id.value.as_str()).collect();
    let actions = [
        Action::Pause,
        Action::Revoke,
        Action::Disconnect,
        Action::Override,
        Action::Rotate,
    ];
    // A fixed, spread-out sample of questions, cycled through.
    let queries: Vec<Query> = (0..4096)
        .map(|i| {
            let identity = &runbook.identities[(i * 7919) % runbook.identities.len()]
                .id
                .value;
            Query {
                identity,
                action: actions[i % actions.len()],
                state: states[i % states.len()],
                at,
                unavailable: &[],
            }
        })
        .collect();
    let mut next = 0;
    c.bench_function(&format!("resolve on the 100k {shape}"), |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            std::hint::black_box(engine.resolve(&queries[next]))
        })
    });
    // Steps 1 to 4 alone (candidates through the rule index, then the
    // winner): what the index decides; the rest of `resolve` is people,
    // schedules, impact and the explanation texts.
    let picks: Vec<(usize, Action, &str)> = queries
        .iter()
        .map(|q| (runbook.index.identities[q.identity], q.action, q.state))
        .collect();
    let mut next = 0;
    c.bench_function(&format!("candidates and winner on the 100k {shape}"), |b| {
        b.iter(|| {
            next = (next + 1) % picks.len();
            let (i, action, state) = picks[next];
            let candidates = engine.candidates(i, action, state);
            std::hint::black_box(andon::engine::authority::select(&runbook, &candidates))
        })
    });
    let mut group = c.benchmark_group("engine build");
    group.sample_size(10);
    group.bench_function(format!("Engine::new on the 100k {shape}"), |b| {
        b.iter(|| std::hint::black_box(Engine::new(&runbook)))
    });
    group.finish();
}

criterion_group!(benches, resolve);
criterion_main!(benches);
