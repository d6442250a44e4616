//! The compiled runbook image on the generated 100,000-identity plants of
//! both shapes: the two content hashes over the plant's bytes (SHA-256, the
//! log's `runbook_hash`, against BLAKE3, the image key), encoding and
//! decoding the image, a whole load from the image, the load `andon who`
//! does (one identity decoded), against a parse.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

#[path = "support/plant.rs"]
mod plant;

use andon::load::image;
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::time::Duration;

fn files(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("plant directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read plant file")))
        .collect()
}

fn bench(c: &mut Criterion) {
    for shape in plant::SHAPES {
        let dir = plant::shaped(100_000, shape);
        let files = files(&dir);
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let runbook = andon::load::load(&dir).expect("generated plant loads");
        let mut key = image::Key::default();
        for (path, b) in &files {
            key.add(path, b);
        }
        let key = key.finish();
        let encoded = image::encode(&runbook, &key).expect("encodes");
        println!(
            "100k {shape}: {bytes} bytes of YAML, image {} bytes",
            encoded.len()
        );
        let mut group = c.benchmark_group(format!("image 100k {shape}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
        group.bench_function("SHA-256 of the files", |b| {
            b.iter(|| {
                use sha2::Digest;
                let mut h = sha2::Sha256::new();
                for (_, bytes) in &files {
                    h.update(bytes);
                }
                std::hint::black_box(h.finalize())
            })
        });
        group.bench_function("BLAKE3 of the files", |b| {
            b.iter(|| {
                let mut h = blake3::Hasher::new();
                for (_, bytes) in &files {
                    h.update(bytes);
                }
                std::hint::black_box(h.finalize())
            })
        });
        group.bench_function("encode the image", |b| {
            b.iter(|| std::hint::black_box(image::encode(&runbook, &key)))
        });
        group.bench_function("decode the image", |b| {
            b.iter(|| std::hint::black_box(image::decode(&encoded, &key).expect("decodes")))
        });
        let cache = tempfile::tempdir().expect("cache folder");
        let cache = andon::load::Cache::Dir(cache.path().to_path_buf());
        andon::load::load_cached(&dir, &cache).expect("loads");
        group.bench_function("load through the image (read, key, decode, index)", |b| {
            b.iter(|| {
                let (rb, outcome) = andon::load::load_cached(&dir, &cache).expect("loads");
                assert_eq!(outcome, andon::load::Outcome::Hit);
                std::hint::black_box(rb)
            })
        });
        // What `andon who` reads: the small sections and one identity.
        let last = runbook
            .identities
            .last()
            .expect("identities")
            .id
            .value
            .clone();
        group.bench_function("load through the image for one identity (who)", |b| {
            b.iter(|| {
                let (rb, outcome) =
                    andon::load::load_for_identity(&dir, &cache, &last).expect("loads");
                assert_eq!(outcome, andon::load::Outcome::Hit);
                assert_eq!(rb.identities.len(), 1);
                std::hint::black_box(rb)
            })
        });
        group.bench_function("load by parsing the YAML", |b| {
            b.iter(|| std::hint::black_box(andon::load::load(&dir).expect("loads")))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
