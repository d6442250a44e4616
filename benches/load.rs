//! Loading a generated plant, against the YAML parser alone.
//!
//! Target: loading takes at most 2x the time serde-saphyr takes to parse the
//! same files into a generic value (`serde_json::Value`), and keeps under
//! 1 KiB of memory per identity once loaded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use criterion::{Criterion, criterion_group, criterion_main};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts live heap bytes, to measure what a loaded runbook keeps.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts sizes.
#[expect(
    unsafe_code,
    reason = "a counting allocator must implement GlobalAlloc"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same pointer and layout, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn report_memory(identities: usize, shape: &str) {
    let dir = plant::shaped(identities, shape);
    let before = LIVE.load(Ordering::Relaxed);
    let runbook = andon::load::load(&dir).expect("generated plant loads");
    let model = LIVE.load(Ordering::Relaxed) - before;
    let engine = andon::engine::Engine::new(&runbook);
    let with_engine = LIVE.load(Ordering::Relaxed) - before;
    let n = runbook.identities.len();
    println!(
        "memory {n} identities ({shape}): runbook {} B/identity, with engine indexes and graphs {} B/identity",
        model / n,
        with_engine / n
    );
    drop(engine);
    drop(runbook);
    // The same runbook decoded from its compiled image.
    let cache = tempfile::tempdir().expect("cache folder");
    let cache = andon::load::Cache::Dir(cache.path().to_path_buf());
    andon::load::load_cached(&dir, &cache).expect("loads");
    let before = LIVE.load(Ordering::Relaxed);
    let (decoded, outcome) = andon::load::load_cached(&dir, &cache).expect("loads");
    assert_eq!(outcome, andon::load::Outcome::Hit);
    let from_image = LIVE.load(Ordering::Relaxed) - before;
    println!(
        "memory {n} identities ({shape}): decoded from the image {} B/identity",
        from_image / decoded.identities.len()
    );
}

/// The YAML files of a plant, in load order, with their text.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("plant directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.clone(),
                std::fs::read_to_string(&p).expect("read plant file"),
            )
        })
        .collect()
}

fn load(c: &mut Criterion) {
    for (identities, shape) in [10_000, 100_000]
        .into_iter()
        .flat_map(|n| plant::SHAPES.map(|s| (n, s)))
    {
        report_memory(identities, shape);
        let dir = plant::shaped(identities, shape);
        let files = files(&dir);
        let mut group = c.benchmark_group(format!("load {identities} {shape}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(if identities > 50_000 {
                40
            } else {
                10
            }));
        group.bench_function("parse only (serde-saphyr to a generic value)", |b| {
            b.iter(|| {
                for (_, text) in &files {
                    let value: serde_json::Value =
                        serde_saphyr::from_str_with_options(text, andon::load::yaml_options())
                            .expect("parse");
                    std::hint::black_box(value);
                }
            })
        });
        group.bench_function("andon load", |b| {
            b.iter(|| std::hint::black_box(andon::load::load(&dir).expect("load")))
        });
        group.finish();
    }
}

criterion_group!(benches, load);
criterion_main!(benches);
