//! The decision log: appending one event with its `sync_data` (the time a
//! console step waits before it shows done), and reading a long log back
//! (every line parsed, its hash and canonical form checked, and its event
//! typed), as `replay`, `--resume`, `log verify` and the reports do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

use andon::log::{Holder, Log, events};
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
    let event = events::note(at, "line 3 vendor session cut, waiting for the integrator");
    let mut group = c.benchmark_group("log");
    group.sample_size(50);
    group.bench_function("append one event with sync_data", |b| {
        b.iter(|| std::hint::black_box(log.append(&event).expect("append")))
    });
    group.finish();
}

/// A log of 10,000 events: notes and people marked unavailable and back.
fn read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").expect("time");
    let path = dir.path().join("long.andonlog");
    let mut log = Log::create(&path, &Holder::this_process(at)).expect("log created");
    for i in 0..10_000 {
        let event = match i % 3 {
            0 => events::note(at, &format!("note {i}: line 3 waiting for the integrator")),
            1 => events::availability(at, &format!("person-{}", i % 40), false),
            _ => events::availability(at, &format!("person-{}", i % 40), true),
        };
        log.append(&event).expect("append");
    }
    drop(log);
    let mut group = c.benchmark_group("log");
    group.sample_size(20);
    group.bench_function("read back 10,000 events", |b| {
        b.iter(|| std::hint::black_box(andon::log::read(&path).expect("read").events.len()))
    });
    group.finish();
}

/// A signing console's log of 10,000 notes (a `signed` event every 20),
/// checked as `log verify --key` checks it: the chain, the story and
/// every signature.
fn signed(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").expect("time");
    let key = dir.path().join("bench.key");
    let (public, _) = andon::log::sign::keygen(&key).expect("keygen");
    let public = andon::log::sign::PublicKey::read(&public).expect("public key");
    let path = dir.path().join("signed.andonlog");
    let mut log = Log::create(&path, &Holder::this_process(at)).expect("log created");
    log.sign_with(andon::log::sign::Signer::read(&key).expect("private key"));
    for i in 0..10_000 {
        let event = events::note(at, &format!("note {i}: line 3 waiting for the integrator"));
        log.append(&event).expect("append");
    }
    drop(log);
    let mut group = c.benchmark_group("log");
    group.sample_size(10);
    group.bench_function("verify 10,000 events and 500 signatures with --key", |b| {
        b.iter(|| {
            let (v, events) = andon::log::verify_events(&path).expect("verify");
            let signatures = andon::log::sign::check(&events, &public);
            assert!(v.intact() && signatures.good == 500);
            std::hint::black_box(signatures.covered)
        })
    });
    group.finish();
}

criterion_group!(benches, append, read, signed);
criterion_main!(benches);
