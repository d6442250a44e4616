//! 3,000 mutants of the shipped runbook (see mutate.rs), each run through
//! what `lint`, `who` and `coverage` do: no panic, each under 10 seconds
//! and under 1 GiB. Most run in this process (the library functions the
//! commands call, under `catch_unwind`, timed, with the growth of the
//! process's peak resident memory measured); every fifteenth also runs as
//! the real binary under `prlimit --as=1GiB` and a 10-second timeout.
//!
//! A failing mutant is kept under `target/tmp/mutant-N` and named in the
//! failure; `ANDON_MUTANT=N cargo test --test it mutants` runs that one
//! alone, `ANDON_MUTANTS=N` the first N, and `ANDON_MUTANT_TRACE=1`
//! prints each mutant's edits and time.

use super::harness::shipped;
use super::mutate::{self, Mutant};
use andon::engine::Engine;
use andon::engine::horizon::Coverage;
use andon::model::{Action, WrittenTime};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SEED: u64 = 0x616e_646f_6e11;
const MUTANTS: u64 = 3_000;
/// Every this many, the mutant also runs as a process.
const AS_PROCESS: u64 = 15;
const TIME: Duration = Duration::from_secs(10);
const MEMORY: u64 = 1 << 30;
/// The on-call horizon of lint and coverage in process: two days, where
/// the commands walk seven by default (the runs as processes do), so that
/// 3,000 mutants stay within about two minutes on two cores.
const HORIZON_DAYS: u32 = 2;

/// The "now" of each run, by mutant number: ordinary, both ends of the
/// calendar, the hour that does not exist and the one that occurs twice.
const NOWS: [&str; 5] = [
    "2026-03-06T02:10",
    "0001-01-01T00:00",
    "9999-12-31T23:00",
    "2026-03-29T02:30",
    "2026-10-25T02:30",
];

/// What went wrong with one mutant.
struct Failure {
    n: u64,
    what: String,
    why: String,
}

#[test]
fn three_thousand_mutants_of_the_shipped_runbook_neither_panic_nor_blow_up() {
    let base = mutate::read_folder(&shipped());
    let count = std::env::var("ANDON_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MUTANTS);
    let only: Option<u64> = std::env::var("ANDON_MUTANT")
        .ok()
        .and_then(|n| n.parse().ok());
    let numbers: Vec<u64> = match only {
        Some(n) => vec![n],
        None => (0..count).collect(),
    };
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("work folder");
    let prlimit = std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok();
    if !prlimit {
        eprintln!("mutants as processes skipped: prlimit (util-linux) is not installed");
    }
    let processes: Vec<u64> = numbers
        .iter()
        .copied()
        .filter(|n| prlimit && (only.is_some() || n % AS_PROCESS == 0))
        .collect();
    let started = Instant::now();
    let (failures, slowest, peak) = std::thread::scope(|scope| {
        let as_processes = scope.spawn(|| run_as_processes(&base, &processes, work.path()));
        let (mut failures, slowest, peak) = run_in_process(&base, &numbers, work.path());
        failures.extend(as_processes.join().expect("the process runs"));
        (failures, slowest, peak)
    });
    eprintln!(
        "{} mutants in process, {} as processes, in {:.1?}; slowest {:.2?} (mutant {}), most memory {} MiB (mutant {})",
        numbers.len(),
        processes.len(),
        started.elapsed(),
        slowest.1,
        slowest.0,
        peak.1 >> 20,
        peak.0
    );
    if failures.is_empty() {
        return;
    }
    let mut message = format!("{} mutants failed:\n", failures.len());
    for f in failures.iter().take(20) {
        let kept = keep(&base, f.n);
        message.push_str(&format!(
            "mutant {} ({}): {}\n  its files: {}\n  again: ANDON_MUTANT={} cargo test --test it mutants\n",
            f.n,
            f.what,
            f.why,
            kept.display(),
            f.n
        ));
    }
    panic!("{message}");
}

/// Writes mutant `n` where it stays after the test, with what was done.
fn keep(base: &[(PathBuf, Vec<u8>)], n: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutant-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder for the failed mutant");
    let m = mutate::mutant(base, SEED, n);
    m.write(&dir);
    let note = dir.with_extension("txt");
    std::fs::write(note, format!("{}\n", m.describe())).expect("mutant note");
    dir
}

/// A fresh folder `dir` holding mutant `m`.
fn fresh(dir: &Path, m: &Mutant) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("mutant folder");
    m.write(dir);
}

type Slowest = (u64, Duration);
type Peak = (u64, u64);

/// Mutants running now (number, since when), for the watchdog.
type Running = std::sync::Mutex<Vec<(u64, Instant)>>;

/// What one mutant did: its number, time, growth of the process's peak,
/// and its failure if it failed.
type Outcome = (u64, Duration, u64, Option<Failure>);

/// Runs `numbers` on two threads in this process. The peak resident memory
/// of the process (VmHWM) is read before and after each mutant: a mutant
/// fails when the process's peak has grown past 1 GiB over what it was
/// when the run began (a mutant running beside it is named with it). A
/// watchdog ends the whole test at once, naming the mutants running, if
/// one runs for a minute or the process grows by 3 GiB: a hang or a
/// blow-up must not take the machine down with it.
fn run_in_process(
    base: &[(PathBuf, Vec<u8>)],
    numbers: &[u64],
    work: &Path,
) -> (Vec<Failure>, Slowest, Peak) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let baseline = memory::status("VmRSS:");
    let next = AtomicUsize::new(0);
    let running: Running = std::sync::Mutex::new(Vec::new());
    let finished = AtomicBool::new(false);
    let results: std::sync::Mutex<Vec<Outcome>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        scope.spawn(|| watchdog(base, &running, &finished, baseline));
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let dir = work.join(format!("in-process-{w}"));
                let (next, running, results) = (&next, &running, &results);
                scope.spawn(move || {
                    while let Some(&n) = numbers.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let outcome = one_in_process(base, n, &dir, running, baseline);
                        results.lock().expect("results").push(outcome);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("a mutant worker");
        }
        finished.store(true, Ordering::Relaxed);
    });
    let mut failures = Vec::new();
    let mut slowest = (0, Duration::ZERO);
    let mut peak = (0, 0);
    for (n, took, grew, failure) in results.into_inner().expect("results") {
        if took > slowest.1 {
            slowest = (n, took);
        }
        if grew > peak.1 {
            peak = (n, grew);
        }
        failures.extend(failure);
    }
    failures.sort_by_key(|f| f.n);
    (failures, slowest, peak)
}

fn one_in_process(
    base: &[(PathBuf, Vec<u8>)],
    n: u64,
    dir: &Path,
    running: &Running,
    baseline: u64,
) -> Outcome {
    let m = mutate::mutant(base, SEED, n);
    fresh(dir, &m);
    running.lock().expect("running").push((n, Instant::now()));
    let before = memory::peak();
    let start = Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| exercise(dir, n)));
    let took = start.elapsed();
    let after = memory::peak();
    running.lock().expect("running").retain(|(r, _)| *r != n);
    if std::env::var_os("ANDON_MUTANT_TRACE").is_some() {
        eprintln!("mutant {n}: {took:.2?}: {}", m.describe());
    }
    let grown = after.saturating_sub(baseline);
    let why = match result {
        Err(panic) => Some(format!("panicked: {}", panic_text(&panic))),
        Ok(()) if took > TIME => Some(format!("took {took:.1?}, over {TIME:?}")),
        Ok(()) if grown > MEMORY => Some(format!(
            "the process grew by {} MiB, over 1 GiB",
            grown >> 20
        )),
        Ok(()) => None,
    };
    let failure = why.map(|why| Failure {
        n,
        what: m.describe(),
        why,
    });
    (n, took, after.saturating_sub(before), failure)
}

/// Ends the test process, naming the mutants running, if one runs for a
/// minute or the process grows by 3 GiB over `baseline`.
fn watchdog(
    base: &[(PathBuf, Vec<u8>)],
    running: &Running,
    finished: &std::sync::atomic::AtomicBool,
    baseline: u64,
) {
    while !finished.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
        let rss = memory::status("VmRSS:");
        let now: Vec<(u64, Instant)> = running.lock().expect("running").clone();
        let hung = now
            .iter()
            .any(|(_, since)| since.elapsed() > Duration::from_secs(60));
        if hung || rss.saturating_sub(baseline) > 3 * MEMORY {
            for (n, since) in &now {
                let kept = keep(base, *n);
                eprintln!(
                    "mutant {n} running for {:.1?} with the process at {} MiB; its files: {}",
                    since.elapsed(),
                    rss >> 20,
                    kept.display()
                );
            }
            eprintln!("the mutant run is stopped: a hang or a blow-up (see above)");
            std::process::exit(101);
        }
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// What `andon lint`, `andon who` (and `declare`) and `andon coverage` do
/// with the runbook at `dir`, output text included, at mutant `n`'s now.
fn exercise(dir: &Path, n: u64) {
    let runbook = match andon::load::load(dir) {
        Ok(runbook) => runbook,
        Err(e) => {
            // What lint prints for a runbook that does not load.
            let text = e.to_string();
            assert!(!text.is_empty(), "a load error says nothing");
            return;
        }
    };
    let tz = runbook.plant.timezone.value;
    let now = WrittenTime::parse(NOWS[(n % NOWS.len() as u64) as usize])
        .expect("a time of NOWS")
        .instant(tz);
    let engine = Engine::new(&runbook);
    // lint
    let options = andon::lint::Options {
        now,
        horizon_days: HORIZON_DAYS,
    };
    let report = andon::lint::lint(&runbook, &engine, &options);
    let sources = andon::load::read_sources(&runbook);
    for finding in &report.findings {
        let _ = finding.render_human(&sources);
    }
    // who: sixteen questions drawn for this mutant (identity, action,
    // state), and every action on the first identity; declare: every
    // state. Each answer as its times are printed.
    let mut states: Vec<&str> = runbook.states.iter().map(|s| s.id.value.as_str()).collect();
    if states.is_empty() {
        states.push("normal");
    }
    let actions: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| *a != Action::Declare)
        .collect();
    let mut rng = mutate::Rng::new(n);
    let first_state = states[0];
    let mut questions: Vec<(usize, Action, &str)> =
        actions.iter().map(|a| (0, *a, first_state)).collect();
    for _ in 0..16 {
        let identity = rng.below(runbook.identities.len());
        questions.push((identity, *rng.pick(&actions), *rng.pick(&states)));
    }
    for (identity, action, state) in questions {
        let Some(identity) = runbook.identities.get(identity) else {
            continue;
        };
        let query = andon::engine::Query {
            identity: &identity.id.value,
            action,
            state,
            at: now,
            unavailable: &[],
        };
        print_times(&engine.resolve(&query));
    }
    for state in &states {
        print_times(&engine.declare(state, now, &[]));
    }
    // coverage
    let to = now
        .checked_add_signed(chrono::TimeDelta::days(HORIZON_DAYS.into()))
        .expect("days after a time in the calendar");
    let coverage = Coverage::build(&engine, now, to);
    for gap in coverage.roles.iter().flatten() {
        let _ = andon::engine::horizon::window_text(gap.from, gap.to, coverage.to);
    }
}

fn print_times(d: &andon::engine::Decision) {
    for step in &d.steps {
        let _ = andon::model::clock::clock(step.starts_at, d.at);
        if let Some(end) = step.ends_at() {
            let _ = andon::model::clock::clock(end, d.at);
        }
    }
}

/// Each of `numbers` through the real `andon lint`, `who` and `coverage`
/// (through a compiled-image cache of its own), bounded in time and memory.
fn run_as_processes(base: &[(PathBuf, Vec<u8>)], numbers: &[u64], work: &Path) -> Vec<Failure> {
    let dir = work.join("as-process");
    let cache = work.join("cache");
    let mut failures = Vec::new();
    for &n in numbers {
        let m = mutate::mutant(base, SEED, n);
        fresh(&dir, &m);
        let now = NOWS[(n % NOWS.len() as u64) as usize];
        let rb = dir.to_str().expect("UTF-8 path");
        let runs: [Vec<String>; 3] = [
            vec!["lint".into(), rb.into(), format!("--now={now}")],
            vec![
                "who".into(),
                "vendor-acme-remote".into(),
                "disconnect".into(),
                format!("--at={now}"),
                "-r".into(),
                rb.into(),
            ],
            vec![
                "coverage".into(),
                "-r".into(),
                rb.into(),
                format!("--from={now}"),
            ],
        ];
        for args in runs {
            if let Err(why) = bounded(&args, &cache) {
                failures.push(Failure {
                    n,
                    what: m.describe(),
                    why: format!("andon {}: {why}", args[0]),
                });
            }
        }
    }
    failures
}

/// Runs andon under `prlimit --as=1GiB`, killed after [`TIME`]: an exit
/// code of 0, 1 or 2 without a panic message, else why not.
fn bounded(args: &[String], cache: &Path) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("prlimit")
        .arg(format!("--as={MEMORY}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_andon"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("ANDON_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run: {e}"))?;
    // Read as it comes: 100,000 errors fill a pipe, and a child blocked
    // writing to it would look hung.
    let mut pipe = child.stderr.take().ok_or("no standard error")?;
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut pipe, &mut text);
        text
    });
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > TIME {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {TIME:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let stderr = reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr);
    match status.code() {
        _ if stderr.contains("panicked") => Err(format!("panicked: {stderr}")),
        Some(0..=2) => Ok(()),
        Some(code) => Err(format!("exit code {code}: {stderr}")),
        None => Err(format!("killed by a signal ({status:?}): {stderr}")),
    }
}

/// The process's resident memory, now and at its peak (/proc/self/status).
mod memory {
    pub fn status(field: &str) -> u64 {
        let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    }

    pub fn peak() -> u64 {
        status("VmHWM:")
    }
}
