//! `andon import` of a 100,000-row AWS credential report, against reading
//! the same file with the csv crate alone.
//!
//! Target: reading the report into records and generating the file takes
//! at most 2x the time of the csv crate reading every row.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure"
)]

use andon::import::{aws, generate, mapping_from_str};
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// A report of `rows` users: most with one active key, one in ten with
/// two, one in twenty with a certificate, one in five a console user.
fn report(rows: usize) -> String {
    let mut out = String::with_capacity(rows * 330);
    out.push_str(HEADER);
    out.push('\n');
    for i in 0..rows {
        let line = i % 40;
        let key1 = i % 5 != 0;
        let key2 = i % 10 == 1;
        let cert = i % 20 == 3;
        let day = 1 + i % 28;
        let _ = writeln!(
            out,
            "svc-{i:06},arn:aws:iam::123456789012:user/plant/line{line}/svc-{i:06},2024-01-{day:02}T08:00:00+00:00,false,N/A,N/A,N/A,false,{},2026-0{}-{day:02}T10:15:00+00:00,2026-11-{day:02}T23:40:00+00:00,eu-west-3,s3,{},2026-10-{day:02}T08:00:00+00:00,no_information,N/A,N/A,{},2025-12-{day:02}T00:00:00+00:00,false,N/A",
            if key1 { "true" } else { "false" },
            1 + i % 9,
            if key2 { "TRUE" } else { "false" },
            if cert { "true" } else { "false" },
        );
    }
    out
}

const MAPPING: &str = "andon-import: 1
sources:
  - source: aws-credential-report
    rules:
      - match: { field: path, prefix: /plant/line1 }
        owner: line1-engineering
        access: { line1: read }
        serves: []
      - match: { field: arn, glob: \"arn:aws:iam::*:user/plant/line2*/*\" }
        owner: line2-engineering
        access: { line2: write }
        serves: [line2]
      - match: { field: path, prefix: /plant/ }
        credential: { type: static, rotation: 90d, storage: vault }
        labels: { cloud: aws }
";

fn import(c: &mut Criterion) {
    let text = report(100_000);
    let bytes = text.as_bytes();
    let mapping = mapping_from_str(Path::new("import.yaml"), MAPPING).expect("mapping");
    let source = mapping.source("aws-credential-report");
    let mut group = c.benchmark_group("import 100k-row credential report");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("csv crate: read every row", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
            let mut fields = 0usize;
            for row in reader.records() {
                fields += row.expect("row").len();
            }
            std::hint::black_box(fields)
        })
    });
    group.bench_function("read the report into records", |b| {
        b.iter(|| std::hint::black_box(aws::read_report(bytes).expect("report")))
    });
    group.bench_function("read, map and generate the file", |b| {
        b.iter(|| {
            let records = aws::read_report(bytes).expect("report");
            std::hint::black_box(generate::generate(
                "aws-credential-report",
                &records,
                source,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
