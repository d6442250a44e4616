//! Appending one event to the decision log, with its `sync_data`, in a
//! temporary directory: the time a console step waits before it shows done.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

use andon::log::{Event, Holder, Kind, Log};
use chrono::DateTime;
use criterion::{Criterion, criterion_group, criterion_main};

fn append(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").expect("time");
    let mut log = Log::create(
        &dir.path().join("bench.andonlog"),
        &Holder::this_process(at),
    )
    .expect("log created");
    let event = Event::new(at, Kind::Note).with("by", "dana").with(
        "text",
        "line 3 vendor session cut, waiting for the integrator",
    );
    let mut group = c.benchmark_group("log");
    group.sample_size(50);
    group.bench_function("append one event with sync_data", |b| {
        b.iter(|| std::hint::black_box(log.append(&event).expect("append")))
    });
    group.finish();
}

criterion_group!(benches, append);
criterion_main!(benches);
