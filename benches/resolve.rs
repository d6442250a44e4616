//! One resolution on the generated 100,000-identity plant.
//!
//! Target: under 10 microseconds median per `resolve`.

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
    let dir = plant::plant(100_000);
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
    c.bench_function("resolve on the 100k plant", |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            std::hint::black_box(engine.resolve(&queries[next]))
        })
    });
    let mut group = c.benchmark_group("engine build");
    group.sample_size(10);
    group.bench_function("Engine::new on the 100k plant", |b| {
        b.iter(|| std::hint::black_box(Engine::new(&runbook)))
    });
    group.finish();
}

criterion_group!(benches, resolve);
criterion_main!(benches);
