//! Generates a synthetic but realistic plant runbook of any size, for
//! benchmarks, load tests and demos.
//!
//! ```text
//! cargo run --release --example gen -- --identities 100000 --out /tmp/plant100k
//! ```
//!
//! The output is a directory of YAML files in the runbook format (version 1),
//! split the way a plant would keep them: plant and states, people, roles,
//! systems, identities (several files), authority rules. Everything is derived
//! from `--seed` by a small PRNG (splitmix64), so the same flags always give
//! the same bytes. Every id is unique and every reference resolves; rules are
//! laid out so that no two most-specific rules tie (see `build_rules`).
//!
//! Identities are a pure function of the seed and their number
//! ([`Plant::identity`](plant::Plant::identity)), so they stream straight to
//! disk: a million take a second or two and little memory.

mod identities;
mod inventory;
mod line_rules;
mod people;
mod plant;
mod rng;
mod roles;
mod rules;
mod systems;
mod write;
mod yaml;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use plant::build_plant;
use rules::{build_rules, write_rule};
use write::{Out, write_identity, write_people, write_plant, write_roles, write_systems};

const USAGE: &str = "\
gen: write a synthetic plant runbook (a directory of YAML files)

USAGE:
    cargo run --release --example gen -- --identities N --out DIR [OPTIONS]

OPTIONS:
    --out DIR         directory to write, created if missing; files a previous
                      run wrote there are removed first                [required]
    --identities N    identities, 1 to 50000000                       [default: 1000]
    --rules N         authority rules, at least 20; fewer are written (and the
                      summary says so) when the plant cannot hold N distinct ones
                      [default: identities/50, at least 20, at most 2000]
    --systems N       systems, approximately: 15 plant-wide systems plus whole
                      production lines of 10 to 13 systems, at least 4 lines
                      [default: identities/100, at least 48, at most 20000]
    --people N        people, 4 to 100000
                      [default: 12 + identities/1000, at most 600]
    --seed S          PRNG seed: the same flags give the same bytes       [default: 1]
    --per-file N      identities per 40-identities-NNN.yaml file      [default: 10000]
    --shape S         plant: identities of a line's few kinds of machines, which
                      selectors see in a few thousand groups; inventory: as an
                      imported inventory, every identity different (1 to 3
                      random systems of the plant, one of 1,200 label pairs
                      `team`/`app`, 30% of the rules on labels alone, systems
                      default to identities/40, 2,500 for 100,000) [default: plant]
    -h, --help        print this help

Numbers may contain '_' (100_000); flags also accept --flag=value.

OUTPUT (in DIR):
    00-plant.yaml            andon: 1, the plant (Europe/Paris) and its 5 states
    10-people.yaml           people, with contacts and backups
    20-roles.yaml            roles, on-call schedules, escalation
    30-systems.yaml          IT, DMZ and OT systems, dependencies, safe states
    40-identities-NNN.yaml   identities of all 9 kinds
    50-authority.yaml        the rules

Dates are laid out around 2026-11-20: lint with --now 2026-11-20 to reproduce.
A one-line summary goes to stderr. Exit status: 0 done, 1 I/O error, 2 bad usage.
";

const MAX_IDENTITIES: usize = 50_000_000;

// ---------------------------------------------------------------- options

struct Opts {
    out: PathBuf,
    identities: usize,
    rules: usize,
    systems: usize,
    people: usize,
    seed: u64,
    per_file: usize,
    inventory: bool,
}

fn parse_number(flag: &str, text: &str) -> Result<u64, String> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{flag} expects a whole number, got {text:?}"));
    }
    digits
        .parse::<u64>()
        .map_err(|_| format!("{flag}: {text:?} is too large"))
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Parses the command line; `Ok(None)` means `--help` was asked for.
fn parse_args(args: &[String]) -> Result<Option<Opts>, String> {
    let mut out = None;
    let mut identities = 1000usize;
    let mut rules = None;
    let mut systems = None;
    let mut people = None;
    let mut seed = 1u64;
    let mut per_file = 10_000usize;
    let mut inventory = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        const FLAGS: [&str; 8] = [
            "--out",
            "--identities",
            "--rules",
            "--systems",
            "--people",
            "--seed",
            "--per-file",
            "--shape",
        ];
        if !FLAGS.contains(&flag) {
            return Err(if flag.starts_with('-') {
                let close = FLAGS
                    .iter()
                    .map(|f| (edit_distance(f, flag), f))
                    .min()
                    .filter(|(d, _)| *d <= 3)
                    .map(|(_, f)| f);
                match close {
                    Some(f) => format!("unknown flag {flag:?} (did you mean {f}?)"),
                    None => format!("unknown flag {flag:?}"),
                }
            } else {
                format!("unexpected argument {flag:?}")
            });
        }
        let value = match inline {
            Some(v) => v,
            None => {
                let Some(v) = args.get(i) else {
                    return Err(format!("{flag} needs a value"));
                };
                i += 1;
                v.clone()
            }
        };
        let usize_of = |v: &str| -> Result<usize, String> {
            usize::try_from(parse_number(flag, v)?)
                .map_err(|_| format!("{flag}: {v:?} is too large"))
        };
        match flag {
            "--out" => {
                if value.is_empty() {
                    return Err("--out needs a directory".into());
                }
                out = Some(PathBuf::from(value));
            }
            "--identities" => identities = usize_of(&value)?,
            "--rules" => rules = Some(usize_of(&value)?),
            "--systems" => systems = Some(usize_of(&value)?),
            "--people" => people = Some(usize_of(&value)?),
            "--seed" => seed = parse_number(flag, &value)?,
            "--per-file" => per_file = usize_of(&value)?,
            "--shape" => {
                inventory = match value.as_str() {
                    "plant" => false,
                    "inventory" => true,
                    other => {
                        return Err(format!("--shape is plant or inventory, got {other:?}"));
                    }
                }
            }
            _ => unreachable!(),
        }
    }
    let Some(out) = out else {
        return Err("--out DIR is required".into());
    };
    if identities == 0 || identities > MAX_IDENTITIES {
        return Err(format!(
            "--identities must be between 1 and {MAX_IDENTITIES}"
        ));
    }
    let rules = rules.unwrap_or((identities / 50).clamp(20, 2000));
    if rules < 20 {
        return Err("--rules must be at least 20 (the per-kind base rules)".into());
    }
    let per_system = if inventory { 40 } else { 100 };
    let systems = systems.unwrap_or((identities / per_system).clamp(48, 20_000));
    if systems == 0 || systems > 1_000_000 {
        return Err("--systems must be between 1 and 1000000".into());
    }
    let people = people.unwrap_or((12 + identities / 1000).min(600));
    if !(4..=100_000).contains(&people) {
        return Err("--people must be between 4 and 100000".into());
    }
    if per_file == 0 {
        return Err("--per-file must be at least 1".into());
    }
    Ok(Some(Opts {
        out,
        identities,
        rules,
        systems,
        people,
        seed,
        per_file,
        inventory,
    }))
}

/// Removes what an earlier run wrote, so a smaller plant leaves no stale
/// identity files behind (they would be merged, with duplicate ids).
fn clean(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = matches!(
            name.as_ref(),
            "00-plant.yaml"
                | "10-people.yaml"
                | "20-roles.yaml"
                | "30-systems.yaml"
                | "50-authority.yaml"
        ) || (name.starts_with("40-identities-") && name.ends_with(".yaml"));
        if ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn run(o: &Opts) -> io::Result<()> {
    let started = Instant::now();
    let plant = build_plant(o);
    fs::create_dir_all(&o.out)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", o.out.display())))?;
    clean(&o.out)?;
    let mut out = Out {
        dir: o.out.clone(),
        files: 0,
        bytes: 0,
    };
    out.write("00-plant.yaml", |w| write_plant(w, &plant))?;
    out.write("10-people.yaml", |w| write_people(w, &plant))?;
    out.write("20-roles.yaml", |w| write_roles(w, &plant))?;
    out.write("30-systems.yaml", |w| write_systems(w, &plant))?;
    let chunks = o.identities.div_ceil(o.per_file);
    let width = (chunks - 1).to_string().len().max(3);
    for chunk in 0..chunks {
        let lo = chunk * o.per_file;
        let hi = (lo + o.per_file).min(o.identities);
        out.write(&format!("40-identities-{chunk:0width$}.yaml"), |w| {
            writeln!(w, "identities:")?;
            for i in lo..hi {
                write_identity(w, &plant, &plant.identity(i))?;
            }
            Ok(())
        })?;
    }
    let rules = if o.inventory {
        let labels = (o.rules * 3 / 10).min(inventory::TEAMS + inventory::PAIRS);
        let mut rules = build_rules(&plant, o.rules - labels);
        inventory::label_rules(&plant, labels, &mut rules);
        rules
    } else {
        build_rules(&plant, o.rules)
    };
    out.write("50-authority.yaml", |w| {
        writeln!(w, "authority:")?;
        rules.iter().try_for_each(|r| write_rule(w, r))
    })?;
    let note = if rules.len() < o.rules {
        format!(" (only {} possible)", rules.len())
    } else {
        String::new()
    };
    eprintln!(
        "gen: {} files in {}: {} identities, {} rules{note}, {} systems, {} lines, {} roles, {} people, {:.1} MiB ({} bytes), {:.2}s",
        out.files,
        o.out.display(),
        o.identities,
        rules.len(),
        plant.systems.len(),
        plant.lines.len(),
        plant.roles.len(),
        plant.people.len(),
        out.bytes as f64 / (1024.0 * 1024.0),
        out.bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("gen: error: {message}; try --help");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: error: {e}");
            ExitCode::FAILURE
        }
    }
}
