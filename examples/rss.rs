//! Memory of a loaded runbook as the system counts it: the process's
//! resident set (`VmRSS` in `/proc/self/status`) before the load, after it,
//! and after the engine is built, per identity:
//!
//! ```text
//! cargo run --release --example rss -- DIR [CACHE_DIR]
//! ```
//!
//! With `CACHE_DIR` the runbook is loaded through its compiled image there
//! (run it twice: the first run parses and writes the image); without, it
//! is parsed. Linux only (it reads `/proc`).

use andon::engine::Engine;
use andon::load::Cache;
use std::path::Path;
use std::process::ExitCode;

/// The resident set in bytes, from `/proc/self/status`.
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: rss RUNBOOK [CACHE_DIR]");
        return ExitCode::from(2);
    };
    let cache = args.next().map_or(Cache::Off, |c| Cache::Dir(c.into()));
    let Some(before) = rss() else {
        eprintln!("no /proc/self/status here");
        return ExitCode::FAILURE;
    };
    let (runbook, outcome) = match andon::load::load_cached(Path::new(&dir), &cache) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let loaded = rss().unwrap_or(0);
    let engine = Engine::new(&runbook);
    let built = rss().unwrap_or(0);
    let n = runbook.identities.len().max(1) as f64;
    let per = |bytes: u64| bytes.saturating_sub(before) as f64 / n;
    println!(
        "{} identities ({outcome:?}): RSS {:.0} MB before the load, {:.0} MB after; {:.0} B per identity, {:.0} B with the engine",
        runbook.identities.len(),
        before as f64 / 1e6,
        loaded as f64 / 1e6,
        per(loaded),
        per(built),
    );
    std::hint::black_box(&engine);
    ExitCode::SUCCESS
}
