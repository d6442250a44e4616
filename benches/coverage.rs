//! The on-call horizon on the generated 100,000-identity plant: `andon
//! coverage` over 7 days, and the two lint rules that walk the horizon
//! (GR004, GR007), next to a full lint.
//!
//! Target: the 7-day horizon adds at most 50% to the time of a full lint.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use andon::engine::Engine;
use andon::engine::horizon::Coverage;
use andon::lint::{Context, Options};
use andon::model::WrittenTime;
use chrono::TimeDelta;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn coverage(c: &mut Criterion) {
    let dir = plant::plant(100_000);
    let runbook = andon::load::load(&dir).expect("generated plant loads");
    let engine = Engine::new(&runbook);
    let from = WrittenTime::parse("2026-11-20T09:00")
        .expect("time")
        .instant(runbook.plant.timezone.value);
    let to = from + TimeDelta::days(7);
    let mut group = c.benchmark_group("horizon 7 days, 100k plant");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("coverage (Coverage::build)", |b| {
        b.iter(|| std::hint::black_box(Coverage::build(&engine, from, to)))
    });
    let cx = Context {
        runbook: &runbook,
        engine: &engine,
        now: from,
        horizon: (from, to),
    };
    for code in ["GR004", "GR007"] {
        let rule = andon::lint::rule(code).expect("rule in the catalogue");
        group.bench_function(format!("lint rule {code}"), |b| {
            b.iter(|| {
                let mut out = Vec::new();
                rule.check(&cx, &mut out);
                std::hint::black_box(out)
            })
        });
    }
    group.bench_function("full lint (every rule, suppressions)", |b| {
        b.iter(|| {
            std::hint::black_box(andon::lint::lint(
                &runbook,
                &engine,
                &Options {
                    now: from,
                    horizon_days: 7,
                },
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, coverage);
criterion_main!(benches);
