//! A shared incident in PostgreSQL (docs/shared-incident.md): what the
//! database path costs over the file path per event, how long an event
//! made in one console takes to be read by another (NOTIFY, then the read
//! by seq), and how many appends per second ten consoles on one incident,
//! and a hundred incidents at once, get.
//!
//! Needs a server: `pg_virtualenv -t cargo bench --bench shared`. Without
//! PGHOST it says so and measures nothing. The latency and throughput
//! figures (median and worst over 200 events) are printed before
//! criterion's own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

use andon::log::event::{Mode, Opened};
use andon::log::{Event, Holder, Log, events};
use andon::share::{Link, NewIncident, Signal, Store, Target};
use chrono::DateTime;
use criterion::Criterion;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn target() -> Target {
    Target::parse("", &andon::share::config::process_env).expect("PG* variables")
}

fn incident(store: &Store, name: &str) -> String {
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").unwrap();
    let opened = Event::new(
        at,
        Opened {
            plant: Some("bench".into()),
            mode: Some(Mode::Live),
            ..Opened::default()
        },
    );
    store
        .create(
            NewIncident {
                id: format!("bench-{name}"),
                plant: "bench".into(),
                timezone: "Europe/Paris".into(),
                mode: Mode::Live,
                runbook_hash: "sha256:bench".into(),
                console: "bench".into(),
            },
            opened,
        )
        .unwrap()
}

fn note(i: usize) -> Event {
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").unwrap();
    events::note(at, &format!("note {i}: line 3 waiting for the integrator"))
}

/// Median and worst of `samples`.
fn summary(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[samples.len() / 2], samples[samples.len() - 1])
}

/// One event appended by console A until console B, following the
/// incident, has read it: 200 times.
fn latency(target: &Target) {
    let a = Store::open(target).unwrap();
    let id = incident(&a, "latency");
    let b = Store::open(target).unwrap();
    let (tx, rx) = mpsc::channel();
    b.follow(&id, move |s| {
        let _ = tx.send(s);
    })
    .unwrap();
    let mut seen = b.read(&id, 0).unwrap().len() as u64;
    let mut samples = Vec::with_capacity(200);
    for i in 0..200 {
        let start = Instant::now();
        a.append(&id, "a", &note(i), 0).unwrap();
        loop {
            match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
                Signal::Event(seq) if seq > seen => break,
                Signal::Event(_) => {}
                Signal::Lost(why) => panic!("{why}"),
            }
        }
        seen += b.read(&id, seen).unwrap().len() as u64;
        samples.push(start.elapsed());
    }
    let (median, worst) = summary(samples);
    println!(
        "shared/event in one console read by another: median {:.2} ms, worst {:.2} ms over 200",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}

/// `writers` threads, each appending `each` events round-robin over
/// its `incidents`; appends per second overall.
fn throughput(target: &Target, writers: usize, incidents_each: usize, each: usize, name: &str) {
    let setup = Store::open(target).unwrap();
    let shared = incident(&setup, name);
    let start = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let target = target.clone();
            let shared = shared.clone();
            let name = name.to_owned();
            std::thread::spawn(move || {
                let store = Store::open(&target).unwrap();
                let mine: Vec<String> = if incidents_each == 0 {
                    vec![shared]
                } else {
                    (0..incidents_each)
                        .map(|i| incident(&store, &format!("{name}-{w}-{i}")))
                        .collect()
                };
                let begin = Instant::now();
                for i in 0..each {
                    store
                        .append(&mine[i % mine.len()], "w", &note(i), 0)
                        .unwrap();
                }
                begin.elapsed()
            })
        })
        .collect();
    let slowest = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .max()
        .unwrap();
    let total = writers * each;
    println!(
        "shared/{name}: {total} appends by {writers} writers in {:.2} s: {:.0} appends/s (setup included: {:.2} s)",
        slowest.as_secs_f64(),
        total as f64 / slowest.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

fn per_event(c: &mut Criterion, target: &Target) {
    let dir = tempfile::tempdir().unwrap();
    let at = DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").unwrap();
    let holder = Holder::this_process(at);
    let mut file = Log::create(&dir.path().join("file.andonlog"), &holder).unwrap();
    let store = Store::open(target).unwrap();
    let id = incident(&store, "per-event");
    let mut shared_log = Log::create(&dir.path().join("shared.andonlog"), &holder).unwrap();
    let mut link = Link::new(store, &id, "bench", "bench", Vec::new());
    link.catch_up(&mut shared_log).unwrap();
    let event = note(0);
    let mut group = c.benchmark_group("shared");
    group.sample_size(50);
    group.bench_function("file path: append one event with sync_data", |b| {
        b.iter(|| std::hint::black_box(file.append(&event).unwrap()))
    });
    group.bench_function(
        "database path: append to the incident, then to the local log",
        |b| b.iter(|| std::hint::black_box(link.append(&mut shared_log, &event))),
    );
    group.finish();
}

fn main() {
    if std::env::var_os("PGHOST").is_none() {
        eprintln!("skipped: PGHOST is not set; run `pg_virtualenv -t cargo bench --bench shared`");
        return;
    }
    let target = target();
    let migrate = Store::open_for_migration(&target).unwrap();
    migrate.migrate().unwrap();
    drop(migrate);
    latency(&target);
    throughput(&target, 10, 0, 200, "ten-writers-one-incident");
    throughput(&target, 10, 10, 200, "hundred-incidents");
    let mut c = Criterion::default().configure_from_args();
    per_event(&mut c, &target);
    c.final_summary();
}
