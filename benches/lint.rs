//! Full lint of a generated plant, against its load.
//!
//! Target: a full lint takes at most 3x the time of loading the plant, on
//! both of the generator's shapes (the project's plant, and an imported
//! inventory where every identity differs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use andon::engine::Engine;
use andon::lint::{Options, lint};
use andon::model::WrittenTime;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn full_lint(c: &mut Criterion) {
    for (identities, shape) in [10_000, 100_000]
        .into_iter()
        .flat_map(|n| plant::SHAPES.map(|s| (n, s)))
    {
        let dir = plant::shaped(identities, shape);
        let runbook = andon::load::load(&dir).expect("generated plant loads");
        let now = WrittenTime::parse("2026-11-20T09:00")
            .expect("now")
            .instant(runbook.plant.timezone.value);
        let mut group = c.benchmark_group(format!("lint {identities} {shape}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(if identities > 50_000 {
                60
            } else {
                15
            }));
        group.bench_function("load", |b| {
            b.iter(|| std::hint::black_box(andon::load::load(&dir).expect("load")))
        });
        group.bench_function("engine and every rule (7-day horizon)", |b| {
            b.iter(|| {
                let engine = Engine::new(&runbook);
                std::hint::black_box(lint(
                    &runbook,
                    &engine,
                    &Options {
                        now,
                        horizon_days: 7,
                    },
                ))
            })
        });
        group.finish();
    }
}

criterion_group!(benches, full_lint);
criterion_main!(benches);
