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
//! ([`Plant::identity`]), so they stream straight to disk: a million take a
//! second or two and little memory.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

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

/// The plant's notion of today: credentials and last use are dated around it.
const TODAY: (i64, u32, u32) = (2026, 11, 20);
/// Monday, where every rotation starts.
const ROTATION_START: &str = "2026-01-05";
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
        const FLAGS: [&str; 7] = [
            "--out",
            "--identities",
            "--rules",
            "--systems",
            "--people",
            "--seed",
            "--per-file",
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
    let systems = systems.unwrap_or((identities / 100).clamp(48, 20_000));
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
    }))
}

// ---------------------------------------------------------------- PRNG

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast, and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(splitmix(
            seed ^ splitmix(stream.wrapping_mul(0xD134_2543_DE82_EF95)),
        ))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `pct`/100.
    fn pct(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index into `weights`, chosen in proportion to them.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------- dates

/// A calendar date as days since 1970-01-01.
#[derive(Clone, Copy)]
struct Date(i64);

impl Date {
    fn ymd(y: i64, m: u32, d: u32) -> Date {
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }
    fn today() -> Date {
        Date::ymd(TODAY.0, TODAY.1, TODAY.2)
    }
    fn plus(self, days: i64) -> Date {
        Date(self.0 + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

// ---------------------------------------------------------------- YAML text

/// A scalar as YAML text: plain when it cannot be misread (in block or flow
/// context), double-quoted otherwise.
fn sc(s: &str) -> String {
    let plain = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " -./()';".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        s.to_string()
    } else {
        let mut q = String::with_capacity(s.len() + 2);
        q.push('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    }
}

/// A system name inside a sentence: "the line 01 main PLC", "the Active Directory".
fn the(name: &str) -> String {
    let mut chars = name.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return format!("the {name}");
    };
    if second.is_lowercase() && !name.starts_with("Active ") {
        format!("the {}{}", first.to_lowercase(), &name[first.len_utf8()..])
    } else {
        format!("the {name}")
    }
}

/// `[a, b, c]`.
fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut s = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&sc(item.as_ref()));
    }
    s.push(']');
    s
}

// ---------------------------------------------------------------- plant model

const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chen", "Dana", "Elodie", "Farid", "Gaelle", "Hugo", "Ines", "Jonas",
    "Karima", "Louis", "Manon", "Nicolas", "Oceane", "Pierre", "Quentin", "Rania", "Samuel",
    "Thea", "Ugo", "Valentin", "Wassim", "Xavier", "Yasmine", "Zoe", "Amadou", "Beatrice",
    "Cedric", "Diane", "Emeric", "Fatou", "Gregoire", "Helene", "Ilyes", "Julie", "Kevin", "Laura",
    "Mehdi", "Nadia", "Olivier", "Pauline", "Romain", "Sofia", "Thomas", "Vincent", "Yann", "Lea",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
];

struct Person {
    id: String,
    name: String,
    phone: String,
    radio: Option<String>,
    backup: Option<usize>,
    active: bool,
}

/// Fixed roles, by index into `Plant::roles`; line engineering roles follow.
const PLANT_MANAGER: usize = 0;
const OT_MANAGER: usize = 1;
const IT_MANAGER: usize = 2;
const SAFETY_OFFICER: usize = 3;
const SECURITY_ONCALL: usize = 4;
const SHIFT_LEAD: usize = 5;
const OT_ENGINEERING: usize = 6;
const IT_ONCALL: usize = 7;
const VENDOR_MANAGER: usize = 8;
const FIXED_ROLES: usize = 9;

struct Role {
    id: String,
    name: String,
    function: &'static str,
    after: &'static str,
    escalates_to: Option<usize>,
    members: Vec<usize>,
    schedule: Option<String>,
}

struct System {
    id: String,
    name: String,
    zone: &'static str,
    level: u8,
    criticality: &'static str,
    owner: usize,
    depends_on: Vec<usize>,
    safe_state: Option<String>,
}

struct Line {
    label: String,
    /// The line itself (`lineNN`).
    sys: usize,
    plc: usize,
    sis: usize,
    hmi: usize,
    drives: usize,
    vision: usize,
    checkweigher: usize,
    edge: usize,
    office_pc: usize,
    robots: Vec<usize>,
    /// Every system of the line, in file order.
    all: Vec<usize>,
    eng_role: usize,
}

/// The plant-wide systems, by index into `Plant::systems`.
struct Core {
    ad: usize,
    erp: usize,
    mail: usize,
    lims: usize,
    wms: usize,
    backup: usize,
    firewall: usize,
    jump_host: usize,
    remote_access: usize,
    patch_server: usize,
    historian: usize,
    mes: usize,
    scada: usize,
    eng_ws: usize,
    fire_gas: usize,
    all: Vec<usize>,
}

struct Plant {
    seed: u64,
    people: Vec<Person>,
    roles: Vec<Role>,
    systems: Vec<System>,
    core: Core,
    lines: Vec<Line>,
    id_width: usize,
    identities: usize,
}

impl Plant {
    fn sys(&self, i: usize) -> &str {
        &self.systems[i].id
    }
    fn role(&self, i: usize) -> &str {
        &self.roles[i].id
    }
    /// The first member of a role: the person named in `person:` levels.
    fn lead(&self, role: usize) -> &str {
        &self.people[self.roles[role].members[0]].id
    }
}

fn build_people(n: usize, rng: &mut Rng) -> Vec<Person> {
    let mut seen = HashMap::new();
    let mut people = Vec::with_capacity(n);
    for i in 0..n {
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let base = format!(
            "{}-{}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        );
        // Namesakes get -2, -3, ...: bases never end in a digit, so these stay unique.
        let count = seen.entry(base.clone()).or_insert(0usize);
        *count += 1;
        let id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
        // About one in thirty has left the plant; never the plant manager.
        let active = i == 0 || i % 30 != 17;
        people.push(Person {
            name: format!("{first} {last}"),
            phone: format!(
                "+33 6 {:02} {:02} {:02} {:02}",
                rng.below(100),
                rng.below(100),
                rng.below(100),
                rng.below(100)
            ),
            radio: rng.pct(60).then(|| format!("ch {}", rng.range(1, 16))),
            id,
            backup: None,
            active,
        });
    }
    people
}

/// Rotations, `only` windows, a fallback layer and a few overrides.
fn schedule_text(role: usize, members: &[String], rng: &mut Rng) -> Option<String> {
    let all = flow_list(members);
    let half = members.len().div_ceil(2);
    let (day_crew, night_crew) = if members.len() >= 2 {
        (flow_list(&members[..half]), flow_list(&members[half..]))
    } else {
        (all.clone(), all.clone())
    };
    let mut s = String::from("    schedule:\n      layers:\n");
    let layer = |s: &mut String, rotation: &str, shift: &str, hour: &str, only: Option<&str>| {
        s.push_str(&format!(
            "        - rotation: {rotation}\n          shift: {shift}\n          start: {ROTATION_START}T{hour}\n"
        ));
        if let Some(only) = only {
            s.push_str(&format!("          only: {only}\n"));
        }
    };
    const WEEKDAYS: &str = "[mon, tue, wed, thu, fri]";
    match role {
        SHIFT_LEAD => {
            // Three eight-hour shifts, around the clock.
            layer(&mut s, &all, "8h", "06:00", None);
        }
        SECURITY_ONCALL | IT_ONCALL => {
            let only = format!("{{ days: {WEEKDAYS}, from: \"08:00\", to: \"18:00\" }}");
            layer(&mut s, &day_crew, "1d", "08:00", Some(&only));
            layer(&mut s, &all, "7d", "08:00", None);
        }
        OT_ENGINEERING => {
            let day = format!("{{ days: {WEEKDAYS}, from: \"07:00\", to: \"19:00\" }}");
            let night = "{ from: \"19:00\", to: \"07:00\" }";
            layer(&mut s, &day_crew, "1d", "07:00", Some(&day));
            layer(&mut s, &night_crew, "7d", "19:00", Some(night));
            layer(&mut s, &all, "7d", "07:00", None);
        }
        SAFETY_OFFICER => {
            layer(&mut s, &all, "7d", "07:00", None);
        }
        r if r >= FIXED_ROLES => {
            if rng.pct(40) {
                return None;
            }
            let only = format!("{{ days: {WEEKDAYS}, from: \"06:00\", to: \"22:00\" }}");
            layer(&mut s, &all, "1d", "06:00", Some(&only));
            let weekend = "{ days: [fri], from: \"22:00\", to: \"06:00\" }";
            if rng.pct(50) {
                layer(&mut s, &night_crew, "7d", "22:00", Some(weekend));
            }
            layer(&mut s, &all, "7d", "06:00", None);
        }
        _ => return None,
    }
    if rng.pct(70) {
        s.push_str("      overrides:\n");
        let mut day = Date::today().plus(rng.range(0, 10) as i64);
        for _ in 0..rng.range(1, 3) {
            let person = rng.pick(members);
            let len = rng.range(1, 3) as i64;
            s.push_str(&format!(
                "        - {{ person: {person}, from: {day}T06:00, to: {}T06:00 }}\n",
                day.plus(len)
            ));
            day = day.plus(len + rng.range(2, 20) as i64);
        }
    }
    Some(s)
}

/// id, name, function, after, escalates_to, base size.
type RoleSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    usize,
);

fn build_roles(people: &mut [Person], lines: usize, rng: &mut Rng) -> Vec<Role> {
    let n = people.len();
    let active: Vec<usize> = (0..n).filter(|&i| people[i].active).collect();
    let eng_roles = lines.div_ceil(4).clamp(1, 60);
    let grow = (n / 40).min(20);
    let fixed: [RoleSpec; FIXED_ROLES] = [
        (
            "plant-manager",
            "Plant manager",
            "management",
            "30m",
            None,
            2,
        ),
        (
            "ot-manager",
            "OT manager",
            "management",
            "20m",
            Some(PLANT_MANAGER),
            2,
        ),
        (
            "it-manager",
            "IT manager",
            "management",
            "20m",
            Some(PLANT_MANAGER),
            2,
        ),
        (
            "safety-officer",
            "Safety officer (HSE)",
            "safety",
            "15m",
            Some(PLANT_MANAGER),
            3,
        ),
        (
            "security-oncall",
            "Security on-call",
            "security",
            "10m",
            Some(IT_MANAGER),
            4 + grow / 2,
        ),
        (
            "shift-lead",
            "OT shift lead",
            "ot",
            "10m",
            Some(OT_MANAGER),
            5 + grow,
        ),
        (
            "ot-engineering",
            "OT engineering",
            "ot",
            "15m",
            Some(OT_MANAGER),
            4 + grow,
        ),
        (
            "it-oncall",
            "IT on-call",
            "it",
            "15m",
            Some(IT_MANAGER),
            4 + grow / 2,
        ),
        (
            "vendor-manager",
            "Vendor and contracts manager",
            // Plant staff who manage vendors: `function: vendor` is for the
            // vendor's own people, who must not decide on their sessions.
            "management",
            "30m",
            Some(OT_MANAGER),
            2,
        ),
    ];
    let mut roles: Vec<Role> = fixed
        .iter()
        .map(|&(id, name, function, after, escalates_to, _)| Role {
            id: id.into(),
            name: name.into(),
            function,
            after,
            escalates_to,
            members: Vec::new(),
            schedule: None,
        })
        .collect();
    for k in 0..eng_roles {
        roles.push(Role {
            id: format!("line-eng-{:02}", k + 1),
            name: format!("Line engineering team {}", k + 1),
            function: "ot",
            after: "15m",
            escalates_to: Some(SHIFT_LEAD),
            members: Vec::new(),
            schedule: None,
        });
    }
    // Hand out active people in order, wrapping when the plant is small; the
    // plant manager (person 0) is only in their own role.
    let mut sizes: Vec<usize> = fixed.iter().map(|f| f.5).collect();
    let used: usize = sizes.iter().sum();
    let rest = active.len().saturating_sub(used).max(2 * eng_roles);
    sizes.extend(
        (0..eng_roles).map(|k| (rest / eng_roles + usize::from(k < rest % eng_roles)).max(2)),
    );
    let pool: Vec<usize> = active.iter().copied().filter(|&p| p != 0).collect();
    let mut next = 0;
    for (r, &size) in sizes.iter().enumerate() {
        let mut members = Vec::new();
        if r == PLANT_MANAGER {
            members.push(0);
        }
        let size = size.min(pool.len() + members.len());
        while members.len() < size {
            let p = pool[next % pool.len()];
            next += 1;
            if !members.contains(&p) {
                members.push(p);
            }
        }
        roles[r].members = members;
    }
    // Backups point to an earlier person, so they never form a cycle.
    for role in &roles {
        for w in role.members.windows(2) {
            let (before, after) = (w[0], w[1]);
            if before < after && people[after].backup.is_none() {
                people[after].backup = Some(before);
            }
        }
    }
    for (i, person) in people.iter_mut().enumerate().skip(1) {
        if person.backup.is_none() && (!person.active || rng.pct(50)) {
            // `active` is sorted: the first `earlier` entries come before `i`.
            let earlier = active.partition_point(|&p| p < i);
            if earlier > 0 {
                person.backup = Some(active[rng.below(earlier)]);
            }
        }
    }
    for (r, role) in roles.iter_mut().enumerate() {
        let names: Vec<String> = role.members.iter().map(|&p| people[p].id.clone()).collect();
        role.schedule = schedule_text(r, &names, rng);
    }
    roles
}

/// A system with no dependencies and no safe state; see [`System::deps`] and [`System::safe`].
fn system(
    id: impl Into<String>,
    name: impl Into<String>,
    zone: &'static str,
    level: u8,
    crit: &'static str,
    owner: usize,
) -> System {
    System {
        id: id.into(),
        name: name.into(),
        zone,
        level,
        criticality: crit,
        owner,
        depends_on: Vec::new(),
        safe_state: None,
    }
}

impl System {
    fn deps(mut self, deps: &[usize]) -> System {
        self.depends_on = deps.to_vec();
        self
    }
    fn zone(mut self, zone: &'static str) -> System {
        self.zone = zone;
        self
    }
    fn safe(mut self, text: impl Into<String>) -> System {
        self.safe_state = Some(text.into());
        self
    }
}

/// Appends a system and returns its index.
fn add(systems: &mut Vec<System>, s: System) -> usize {
    systems.push(s);
    systems.len() - 1
}

/// Robots per line: lines are added until the system count reaches `target`,
/// at least four.
fn plan_lines(target: usize, core: usize, rng: &mut Rng) -> Vec<usize> {
    let mut plan = Vec::new();
    let mut total = core;
    while plan.len() < 4 || total < target {
        let robots = rng.range(1, 4);
        plan.push(robots);
        total += LINE_SYSTEMS + robots;
    }
    plan
}

const CORE_SYSTEMS: usize = 15;
/// Systems of a line besides its robot cells.
const LINE_SYSTEMS: usize = 9;

fn build_systems(plan: &[usize], eng_roles: usize) -> (Vec<System>, Core, Vec<Line>) {
    let mut v: Vec<System> = Vec::new();
    let s = &mut v;
    let (it, dmz, ot) = ("it", "dmz", "ot");
    let ad = add(
        s,
        system("ad", "Active Directory", it, 4, "high", IT_ONCALL),
    );
    let erp = add(
        s,
        system("erp", "ERP", it, 4, "medium", IT_ONCALL).deps(&[ad]),
    );
    let mail = add(
        s,
        system("mail", "Mail and calendar", it, 4, "low", IT_ONCALL).deps(&[ad]),
    );
    let lims = add(
        s,
        system("lims", "Quality lab LIMS", it, 4, "medium", IT_ONCALL).deps(&[ad, erp]),
    );
    let wms = add(
        s,
        system("wms", "Warehouse management", it, 4, "medium", IT_ONCALL).deps(&[erp]),
    );
    let backup = add(
        s,
        system("backup", "Backup and restore", it, 4, "medium", IT_ONCALL).deps(&[ad]),
    );
    let firewall = add(
        s,
        system(
            "ot-firewall",
            "IT/OT boundary firewall",
            dmz,
            3,
            "high",
            SECURITY_ONCALL,
        ),
    );
    let jump_host = add(
        s,
        system(
            "jump-host",
            "DMZ jump host",
            dmz,
            3,
            "high",
            SECURITY_ONCALL,
        )
        .deps(&[firewall]),
    );
    let remote_access = add(
        s,
        system(
            "remote-access",
            "Vendor remote access gateway",
            dmz,
            3,
            "medium",
            SECURITY_ONCALL,
        )
        .deps(&[firewall, jump_host]),
    );
    let patch_server = add(
        s,
        system(
            "patch-server",
            "OT patch and antivirus server",
            dmz,
            3,
            "low",
            SECURITY_ONCALL,
        )
        .deps(&[firewall]),
    );
    let historian = add(
        s,
        system(
            "historian",
            "Process historian",
            dmz,
            3,
            "medium",
            OT_ENGINEERING,
        ),
    );
    let mes = add(
        s,
        system(
            "mes",
            "Manufacturing execution system",
            ot,
            3,
            "high",
            OT_ENGINEERING,
        )
        .deps(&[erp, firewall]),
    );
    let scada = add(
        s,
        system("scada", "Plant SCADA", ot, 2, "high", OT_ENGINEERING)
            .deps(&[historian])
            .safe("Operate the lines from their local HMIs; SCADA supervision is not needed to run them"),
    );
    let eng_ws = add(
        s,
        system(
            "eng-ws",
            "OT engineering workstations",
            ot,
            2,
            "medium",
            OT_ENGINEERING,
        ),
    );
    let fire_gas = add(
        s,
        system(
            "fire-gas",
            "Fire and gas detection",
            ot,
            1,
            "safety",
            SAFETY_OFFICER,
        )
        .safe("Keep the fire and gas panel in automatic; call the site fire brigade before any change"),
    );
    debug_assert_eq!(s.len(), CORE_SYSTEMS);
    let core = Core {
        ad,
        erp,
        mail,
        lims,
        wms,
        backup,
        firewall,
        jump_host,
        remote_access,
        patch_server,
        historian,
        mes,
        scada,
        eng_ws,
        fire_gas,
        all: (0..s.len()).collect(),
    };

    let width = plan.len().to_string().len().max(2);
    let mut lines = Vec::with_capacity(plan.len());
    for (n, &robots) in plan.iter().enumerate() {
        let label = format!("{:0width$}", n + 1);
        let id = format!("line{label}");
        let eng = FIXED_ROLES + n * eng_roles / plan.len();
        let first = s.len();
        let named = |suffix: &str, name: &str, level: u8, crit: &'static str| {
            system(
                format!("{id}-{suffix}"),
                format!("Line {label} {name}"),
                ot,
                level,
                crit,
                eng,
            )
        };
        let plc = add(
            s,
            named("plc", "main PLC", 1, "high").safe(format!(
                "Switch line {label} to manual at the HMI before cutting PLC automation"
            )),
        );
        let sis = add(
            s,
            named("sis", "safety PLC", 1, "safety").safe(format!(
                "Stop line {label} with the main emergency stop; keep the safety PLC running"
            )),
        );
        let hmi = add(
            s,
            named("hmi", "operator HMI", 2, "medium").deps(&[plc, scada]),
        );
        let drives = add(
            s,
            named("drives", "conveyor drives", 0, "high")
                .deps(&[plc])
                .safe(format!("Ramp the line {label} drives down from the HMI")),
        );
        let vision = add(
            s,
            named("vision", "vision inspection", 2, "low").deps(&[plc]),
        );
        let checkweigher = add(
            s,
            named("checkweigher", "checkweigher", 1, "medium").deps(&[plc]),
        );
        // The line's own IT and DMZ footprint.
        let edge = named("edge", "edge gateway", 3, "medium").deps(&[plc, firewall]);
        let edge = add(s, edge.zone("dmz"));
        let office_pc = named("office-pc", "shop-floor office PC", 4, "low").deps(&[ad]);
        let office_pc = add(s, office_pc.zone("it"));
        let mut robot_ids = Vec::new();
        for r in 1..=robots {
            let crit = if r % 2 == 1 { "safety" } else { "high" };
            let robot = named(&format!("robot-r{r}"), &format!("robot cell r{r}"), 1, crit)
                .deps(&[plc, sis])
                .safe(format!(
                    "Stop robot cell r{r} with the cell emergency stop and keep its gate closed"
                ));
            robot_ids.push(add(s, robot));
        }
        let mut deps = vec![plc, hmi, drives];
        deps.extend(&robot_ids);
        deps.push(mes);
        let line = system(
            id.clone(),
            format!("Packaging line {label}"),
            ot,
            2,
            "high",
            eng,
        )
        .deps(&deps)
        .safe(format!(
            "Empty line {label} and switch it to manual at the HMI"
        ));
        let sys = add(s, line);
        lines.push(Line {
            label,
            sys,
            plc,
            sis,
            hmi,
            drives,
            vision,
            checkweigher,
            edge,
            office_pc,
            robots: robot_ids,
            all: (first..s.len()).collect(),
            eng_role: eng,
        });
    }
    (v, core, lines)
}

fn build_plant(o: &Opts) -> Plant {
    let mut rng = Rng::new(o.seed, 0);
    let mut people = build_people(o.people, &mut rng);
    // Lines are planned before roles: line engineering teams scale with them.
    let plan = plan_lines(o.systems, CORE_SYSTEMS, &mut Rng::new(o.seed, 1));
    let roles = build_roles(&mut people, plan.len(), &mut rng);
    let (systems, core, lines) = build_systems(&plan, roles.len() - FIXED_ROLES);
    Plant {
        seed: o.seed,
        people,
        roles,
        systems,
        core,
        lines,
        id_width: (o.identities.saturating_sub(1)).to_string().len().max(6),
        identities: o.identities,
    }
}

// ---------------------------------------------------------------- identities

const KINDS: [&str; 9] = [
    "human",
    "service-account",
    "api-key",
    "certificate",
    "plc-credential",
    "vendor-session",
    "ai-agent",
    "ssh-key",
    "token",
];
/// Out of 100, in the order of `KINDS`.
const KIND_WEIGHTS: [usize; 9] = [8, 24, 12, 14, 16, 4, 3, 10, 9];
const HUMAN: usize = 0;
const SERVICE_ACCOUNT: usize = 1;
const API_KEY: usize = 2;
const CERTIFICATE: usize = 3;
const PLC_CREDENTIAL: usize = 4;
const VENDOR_SESSION: usize = 5;
const AI_AGENT: usize = 6;
const SSH_KEY: usize = 7;
const TOKEN: usize = 8;

const VENDORS: [&str; 7] = [
    "Acme Robotics",
    "Helio Automation",
    "Nordic Drives",
    "Vistaline Vision",
    "Sentinel Safety Systems",
    "Brightwater Controls",
    "Kessler MES Services",
];

struct Credential {
    kind: &'static str,
    rotation: Option<&'static str>,
    last_rotated: Option<Date>,
    expires: Option<Date>,
    storage: &'static str,
    origin: &'static str,
    shared_with: Option<String>,
}

struct Identity {
    id: String,
    kind: usize,
    name: String,
    owner: usize,
    vendor: Option<&'static str>,
    purpose: String,
    /// System index and the inside of its flow mapping (`default: read, ...`).
    access: Vec<(usize, &'static str)>,
    serves: Option<Vec<usize>>,
    credential: Credential,
    last_used: Option<Date>,
    labels: Vec<(&'static str, String)>,
}

fn credential(
    rng: &mut Rng,
    kind: &'static str,
    rotation: Option<&'static str>,
    storage: &'static str,
) -> Credential {
    let back = match rotation {
        Some("30d") => rng.range(1, 40),
        Some("90d") => rng.range(1, 120),
        _ => rng.range(10, 700),
    } as i64;
    Credential {
        kind,
        rotation,
        last_rotated: (kind != "ephemeral").then(|| Date::today().plus(-back)),
        expires: None,
        storage,
        origin: "generated",
        shared_with: None,
    }
}

/// A storage location: mostly vaulted, with the usual stragglers.
fn storage(
    rng: &mut Rng,
    vault: usize,
    config: usize,
    plain: usize,
    unknown: usize,
) -> &'static str {
    ["vault", "config-file", "plaintext", "unknown"][rng.weighted(&[vault, config, plain, unknown])]
}

impl Plant {
    /// Identity number `i`: a pure function of the seed and `i`, so rules can
    /// name identities without keeping them all in memory.
    fn identity(&self, i: usize) -> Identity {
        self.identity_at(i, true)
    }

    /// `follow`: look back for a PLC sharing the same vendor-default password.
    fn identity_at(&self, i: usize, follow: bool) -> Identity {
        let mut rng = Rng::new(self.seed, 0x1D00_0000 + i as u64);
        let kind = rng.weighted(&KIND_WEIGHTS);
        let core_pct = [20, 25, 60, 30, 0, 10, 45, 30, 70][kind];
        let line = (!rng.pct(core_pct)).then(|| rng.below(self.lines.len()));
        let c = &self.core;
        let today = Date::today();
        let mut labels: Vec<(&'static str, String)> = Vec::new();
        let mut vendor = None;
        let mut serves = Some(Vec::new());
        let (prefix, name, purpose, owner, access, cred): (
            &str,
            String,
            String,
            usize,
            Vec<(usize, &'static str)>,
            Credential,
        );
        let l = line.map(|n| &self.lines[n]);
        if let Some(l) = l {
            labels.push(("line", l.label.clone()));
        }
        let owner_ot = l.map_or(OT_ENGINEERING, |l| l.eng_role);
        match kind {
            HUMAN => {
                prefix = "user";
                let first = rng.pick(FIRST);
                let last = rng.pick(LAST);
                let shift = *rng.pick(&["a", "b", "c"]);
                owner = SHIFT_LEAD;
                match l {
                    Some(l) if rng.pct(25) => {
                        name = format!("{first} {last} (line {} team leader)", l.label);
                        purpose =
                            format!("Plans line {} production and signs off quality", l.label);
                        access = vec![
                            (l.office_pc, "default: write"),
                            (l.hmi, "default: read, commissioning: write"),
                            (c.mes, "default: write"),
                        ];
                    }
                    Some(l) => {
                        name = format!("{first} {last} (line {} operator)", l.label);
                        purpose = format!("Operates line {} from the HMI", l.label);
                        access = vec![
                            (l.hmi, "default: write, maintenance: read"),
                            (c.scada, "default: read"),
                            (c.mes, "default: read"),
                        ];
                        labels.push(("shift", shift.into()));
                    }
                    None => {
                        name = format!("{first} {last} (control room)");
                        purpose = "Supervises the plant from the control room".into();
                        access = vec![
                            (c.scada, "default: write, emergency: control"),
                            (c.mes, "default: write"),
                        ];
                        labels.push(("shift", shift.into()));
                    }
                }
                cred = credential(&mut rng, "rotated", Some("180d"), "vault");
            }
            SERVICE_ACCOUNT => {
                prefix = "svc";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match (l, rng.below(3)) {
                    (Some(l), 0) => {
                        name = format!("Line {} OPC UA collector", l.label);
                        purpose = format!("Collects line {} PLC tags for the historian", l.label);
                        access = vec![
                            (l.plc, "default: read"),
                            (l.edge, "default: write"),
                            (c.historian, "default: write"),
                        ];
                        serves = Some(vec![l.edge]);
                    }
                    (Some(l), 1) => {
                        name = format!("Line {} MES connector", l.label);
                        purpose =
                            format!("Sends orders and recipes from the MES to line {}", l.label);
                        access = vec![
                            (l.sys, "default: write, maintenance: none"),
                            (c.mes, "default: write"),
                        ];
                        serves = Some(vec![l.sys]);
                    }
                    (Some(l), _) => {
                        name = format!("Line {} SCADA driver", l.label);
                        purpose = format!("Drives the line {} PLC from SCADA", l.label);
                        access = vec![
                            (
                                l.plc,
                                "default: control, maintenance: read, emergency: read",
                            ),
                            (c.scada, "default: write"),
                        ];
                        serves = Some(vec![l.hmi]);
                    }
                    (None, _) => {
                        let k = rng.below(4);
                        let (n, p, a, s): (&str, &str, Vec<(usize, &'static str)>, Vec<usize>) =
                            match k {
                                0 => (
                                    "ERP to MES order interface",
                                    "Pushes production orders from the ERP to the MES",
                                    vec![(c.erp, "default: read"), (c.mes, "default: write")],
                                    vec![c.mes],
                                ),
                                1 => (
                                    "Backup agent",
                                    "Backs up servers nightly",
                                    vec![(c.backup, "default: write"), (c.ad, "default: read")],
                                    vec![c.backup],
                                ),
                                2 => (
                                    "Fire and gas alarm gateway",
                                    "Relays fire and gas alarms to mail and pagers",
                                    vec![(c.fire_gas, "default: read"), (c.mail, "default: write")],
                                    vec![],
                                ),
                                _ => (
                                    "Historian replication",
                                    "Replicates the historian to the IT data lake",
                                    vec![(c.historian, "default: read"), (c.erp, "default: write")],
                                    vec![],
                                ),
                            };
                        name = n.into();
                        purpose = p.into();
                        access = a;
                        serves = Some(s);
                    }
                }
                cred = if rng.pct(60) {
                    credential(&mut rng, "rotated", Some("90d"), "vault")
                } else {
                    let st = storage(&mut rng, 30, 55, 10, 5);
                    credential(&mut rng, "static", Some("365d"), st)
                };
            }
            API_KEY => {
                prefix = "key";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match l {
                    Some(l) => {
                        name = format!("Line {} vision analytics key", l.label);
                        purpose = format!(
                            "Uploads line {} inspection images to the quality service",
                            l.label
                        );
                        access = vec![
                            (l.vision, "default: read"),
                            (l.edge, "default: read"),
                            (c.lims, "default: write"),
                        ];
                        serves = Some(vec![l.vision]);
                    }
                    None => {
                        let (sys, n, data) = *rng.pick(&[
                            (c.mes, "MES reporting API key", "MES"),
                            (c.erp, "ERP integration API key", "ERP"),
                            (c.lims, "LIMS results API key", "LIMS"),
                            (c.wms, "WMS shipping API key", "WMS"),
                            (c.historian, "Historian query API key", "historian"),
                        ]);
                        name = n.into();
                        purpose = format!("Reads and writes {data} data for reporting");
                        access = if rng.pct(40) && sys != c.erp {
                            vec![(sys, "default: write"), (c.erp, "default: read")]
                        } else {
                            vec![(sys, "default: read")]
                        };
                        serves = Some(if rng.pct(30) { vec![sys] } else { vec![] });
                    }
                }
                let st = storage(&mut rng, 50, 40, 5, 5);
                cred = credential(&mut rng, "static", Some("365d"), st);
            }
            CERTIFICATE => {
                prefix = "cert";
                owner = if l.is_some() {
                    owner_ot
                } else {
                    SECURITY_ONCALL
                };
                let sys = match l {
                    Some(l) => *rng.pick(&[l.plc, l.hmi, l.checkweigher]),
                    None => *rng.pick(&[c.scada, c.mes, c.historian, c.remote_access, c.jump_host]),
                };
                let s = &self.systems[sys];
                name = format!("{} OPC UA certificate", s.name);
                purpose = format!("Authenticates {} to its clients", the(&s.name));
                access = vec![(sys, "default: read")];
                serves = Some(vec![sys]);
                let st = ["vault", "hsm", "config-file"][rng.weighted(&[40, 20, 40])];
                let mut cr = credential(&mut rng, "rotated", Some("365d"), st);
                let rotated = cr.last_rotated.unwrap_or(today);
                // Two-year certificates; a few have lapsed.
                cr.expires = Some(if rng.pct(4) {
                    today.plus(-(rng.range(1, 60) as i64))
                } else {
                    rotated.plus(730)
                });
                cred = cr;
            }
            PLC_CREDENTIAL => {
                prefix = "plc";
                let l = l.unwrap_or(&self.lines[0]);
                owner = l.eng_role;
                let pick = rng.weighted(&[45, 15, 25, 10, 5]);
                let (sys, n, lv): (usize, String, &'static str) = match pick {
                    0 => (
                        l.plc,
                        format!("Line {} PLC programming password", l.label),
                        "default: control, maintenance: read",
                    ),
                    1 => (
                        l.sis,
                        format!("Line {} safety PLC password", l.label),
                        "default: read, commissioning: control",
                    ),
                    2 => {
                        let r = rng.below(l.robots.len());
                        labels.push(("cell", format!("r{}", r + 1)));
                        (
                            l.robots[r],
                            format!("Line {} robot cell r{} controller login", l.label, r + 1),
                            "default: control, maintenance: none",
                        )
                    }
                    3 => (
                        l.drives,
                        format!("Line {} drive parameter password", l.label),
                        "default: write, maintenance: read",
                    ),
                    _ => (
                        l.checkweigher,
                        format!("Line {} checkweigher service login", l.label),
                        "default: write",
                    ),
                };
                name = n;
                purpose = format!(
                    "Program downloads and online changes to {}",
                    the(&self.systems[sys].name)
                );
                access = if rng.pct(40) {
                    vec![(sys, lv), (l.hmi, "default: read")]
                } else {
                    vec![(sys, lv)]
                };
                serves = Some(vec![sys]);
                let st = ["plc-project", "config-file", "vault", "plaintext"]
                    [rng.weighted(&[55, 15, 25, 5])];
                let mut cr = credential(&mut rng, "static", Some("365d"), st);
                cr.origin =
                    ["generated", "vendor-default", "hardcoded"][rng.weighted(&[82, 12, 6])];
                if follow && cr.origin == "vendor-default" {
                    // The same factory password, found on another PLC.
                    cr.shared_with = (1..=64)
                        .filter_map(|back| i.checked_sub(back))
                        .map(|j| self.identity_head(j))
                        .find(|(k, origin_default, _)| *k == PLC_CREDENTIAL && *origin_default)
                        .map(|(_, _, id)| id);
                }
                cred = cr;
            }
            VENDOR_SESSION => {
                prefix = "vnd";
                owner = VENDOR_MANAGER;
                let (sys, v) = match l {
                    Some(l) => *rng.pick(&[
                        (l.robots[0], VENDORS[0]),
                        (l.plc, VENDORS[1]),
                        (l.drives, VENDORS[2]),
                        (l.vision, VENDORS[3]),
                        (l.sis, VENDORS[4]),
                    ]),
                    None => *rng.pick(&[
                        (c.scada, VENDORS[5]),
                        (c.historian, VENDORS[5]),
                        (c.mes, VENDORS[6]),
                    ]),
                };
                vendor = Some(v);
                name = format!("{v} remote support");
                purpose = format!("Remote diagnostics of {}", the(&self.systems[sys].name));
                access = vec![
                    (sys, "default: none, vendor-support: write"),
                    (c.remote_access, "default: none, vendor-support: read"),
                ];
                let mut cr = if rng.pct(60) {
                    credential(&mut rng, "ephemeral", None, "vault")
                } else {
                    let st = storage(&mut rng, 40, 30, 10, 20);
                    let mut cr = credential(&mut rng, "static", Some("90d"), st);
                    cr.origin = if rng.pct(25) {
                        "vendor-default"
                    } else {
                        "generated"
                    };
                    cr
                };
                cr.expires = Some(today.plus(rng.range(20, 400) as i64));
                cred = cr;
            }
            AI_AGENT => {
                prefix = "agent";
                owner = OT_ENGINEERING;
                match l {
                    Some(l) if rng.pct(50) => {
                        name = format!("Line {} quality inspection agent", l.label);
                        purpose = format!(
                            "Classifies defects and tunes line {} vision thresholds",
                            l.label
                        );
                        access = vec![
                            (l.vision, "default: write, maintenance: read"),
                            (c.historian, "default: read"),
                        ];
                        serves = Some(vec![l.vision]);
                    }
                    Some(l) => {
                        name = format!("Line {} predictive maintenance agent", l.label);
                        purpose = format!(
                            "Predicts line {} drive failures from vibration data",
                            l.label
                        );
                        access = vec![(l.drives, "default: read"), (c.historian, "default: read")];
                    }
                    None => {
                        name = "Energy optimisation agent".into();
                        purpose = "Suggests and applies SCADA setpoints to cut energy use".into();
                        access = vec![
                            (
                                c.scada,
                                "default: write, commissioning: read, emergency: none",
                            ),
                            (c.historian, "default: read"),
                        ];
                        serves = Some(vec![]);
                    }
                }
                labels.push(("model", (*rng.pick(&["vendor-hosted", "on-prem"])).into()));
                cred = credential(&mut rng, "rotated", Some("30d"), "vault");
            }
            SSH_KEY => {
                prefix = "ssh";
                owner = if l.is_some() {
                    owner_ot
                } else {
                    SECURITY_ONCALL
                };
                match l {
                    Some(l) => {
                        name = format!("Line {} HMI deploy key", l.label);
                        purpose = format!(
                            "Deploys HMI projects to line {} from the engineering workstations",
                            l.label
                        );
                        access = vec![
                            (c.jump_host, "default: read"),
                            (l.hmi, "default: write, emergency: none"),
                        ];
                    }
                    None => {
                        let (sys, n) = *rng.pick(&[
                            (c.eng_ws, "Engineering workstation admin key"),
                            (c.patch_server, "Patch server sync key"),
                            (c.historian, "Historian maintenance key"),
                            (c.firewall, "Firewall configuration backup key"),
                        ]);
                        name = n.into();
                        purpose = "Administration through the DMZ jump host".into();
                        access = vec![(sys, "default: write"), (c.jump_host, "default: read")];
                    }
                }
                if rng.pct(15) {
                    serves = None; // nobody wrote down what it serves
                }
                let st = storage(&mut rng, 40, 45, 10, 5);
                cred = credential(&mut rng, "static", Some("365d"), st);
            }
            _ => {
                prefix = "tok";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match l {
                    Some(l) => {
                        name = format!("Line {} checkweigher cloud token", l.label);
                        purpose = format!("Sends line {} weights to the vendor portal", l.label);
                        access = vec![(l.checkweigher, "default: read"), (l.edge, "default: read")];
                        serves = Some(vec![]);
                    }
                    None => {
                        let (sys, n) = *rng.pick(&[
                            (c.ad, "Directory sync token"),
                            (c.mail, "Alert mail relay token"),
                            (c.erp, "ERP reporting token"),
                            (c.backup, "Backup catalogue token"),
                            (c.patch_server, "Patch feed token"),
                        ]);
                        name = n.into();
                        purpose = format!("Automation against {}", the(&self.systems[sys].name));
                        access = vec![(
                            sys,
                            if rng.pct(50) {
                                "default: read"
                            } else {
                                "default: write"
                            },
                        )];
                        serves = Some(if rng.pct(30) { vec![sys] } else { vec![] });
                    }
                }
                let mut cr = if rng.pct(50) {
                    credential(&mut rng, "ephemeral", None, "vault")
                } else {
                    let st = storage(&mut rng, 60, 30, 5, 5);
                    credential(&mut rng, "rotated", Some("90d"), st)
                };
                if cr.kind == "ephemeral" || rng.pct(30) {
                    cr.expires = Some(today.plus(rng.range(1, 90) as i64));
                }
                cred = cr;
            }
        }
        let home = match l {
            Some(l) => &self.systems[l.sys].id,
            None => {
                // Plant-wide identities are labelled with the zone they live in.
                let home = &self.systems[access[0].0];
                labels.insert(0, ("area", home.zone.to_string()));
                &home.id
            }
        };
        let id = format!("{prefix}-{home}-{i:0w$}", w = self.id_width);
        let last_used = match rng.below(100) {
            0..=84 => Some(today.plus(-(rng.range(0, 30) as i64))),
            85..=96 => Some(today.plus(-(rng.range(31, 500) as i64))),
            _ => None,
        };
        Identity {
            id,
            kind,
            name,
            owner,
            vendor,
            purpose,
            access,
            serves,
            credential: cred,
            last_used,
            labels,
        }
    }

    /// Kind, "vendor-default origin", and id of identity `j`, for `shared_with`.
    fn identity_head(&self, j: usize) -> (usize, bool, String) {
        let mut rng = Rng::new(self.seed, 0x1D00_0000 + j as u64);
        let kind = rng.weighted(&KIND_WEIGHTS);
        if kind != PLC_CREDENTIAL {
            return (kind, false, String::new());
        }
        // Rare enough (12% of 16%) that regenerating in full is cheap.
        let full = self.identity_at(j, false);
        (kind, full.credential.origin == "vendor-default", full.id)
    }
}

// ---------------------------------------------------------------- writers

struct Out {
    dir: PathBuf,
    files: usize,
    bytes: u64,
}

impl Out {
    fn write(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.dir.join(name);
        let file = File::create(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        body(&mut w)?;
        w.flush()?;
        self.files += 1;
        self.bytes += fs::metadata(&path)?.len();
        Ok(())
    }
}

fn write_plant(w: &mut impl Write, p: &Plant) -> io::Result<()> {
    let l1 = &p.lines[0];
    let mut lockout = vec![p.sys(l1.sys), p.sys(l1.drives)];
    lockout.extend(l1.robots.iter().map(|&r| p.sys(r)));
    writeln!(
        w,
        "# Synthetic plant generated by examples/gen.rs (seed {}).",
        p.seed
    )?;
    writeln!(w, "andon: 1")?;
    writeln!(
        w,
        "plant:\n  id: lyon-packaging\n  name: Lyon packaging plant\n  timezone: Europe/Paris"
    )?;
    writeln!(w, "\nstates:")?;
    writeln!(
        w,
        "  - id: normal\n    name: Normal production\n    default: true"
    )?;
    writeln!(
        w,
        "  - id: commissioning\n    name: Commissioning and trials"
    )?;
    writeln!(
        w,
        "  - id: maintenance\n    name: Maintenance lockout (LOTO)\n    lockout: {}",
        flow_list(&lockout)
    )?;
    writeln!(
        w,
        "  - id: vendor-support\n    name: Vendor remote support session"
    )?;
    writeln!(
        w,
        "  - id: emergency\n    name: Emergency (live incident)\n    emergency: true\n    declare:"
    )?;
    writeln!(w, "      - {{ role: shift-lead, after: 5m }}")?;
    writeln!(w, "      - {{ role: safety-officer, after: 10m }}")?;
    writeln!(w, "      - {{ person: {} }}", p.lead(PLANT_MANAGER))
}

fn write_people(w: &mut impl Write, p: &Plant) -> io::Result<()> {
    writeln!(w, "people:")?;
    for person in &p.people {
        writeln!(w, "  - id: {}\n    name: {}", person.id, sc(&person.name))?;
        write!(w, "    contact: {{ phone: \"{}\"", person.phone)?;
        if let Some(radio) = &person.radio {
            write!(w, ", radio: \"{radio}\"")?;
        }
        writeln!(
            w,
            ", email: {}@lyon-packaging.example }}",
            person.id.replace('-', ".")
        )?;
        if let Some(b) = person.backup {
            writeln!(w, "    backup: {}", p.people[b].id)?;
        }
        if !person.active {
            writeln!(w, "    active: false")?;
        }
    }
    Ok(())
}

fn write_roles(w: &mut impl Write, p: &Plant) -> io::Result<()> {
    writeln!(w, "roles:")?;
    for role in &p.roles {
        let members: Vec<&str> = role
            .members
            .iter()
            .map(|&m| p.people[m].id.as_str())
            .collect();
        writeln!(
            w,
            "  - id: {}\n    name: {}\n    function: {}",
            role.id,
            sc(&role.name),
            role.function
        )?;
        writeln!(
            w,
            "    members: {}\n    after: {}",
            flow_list(&members),
            role.after
        )?;
        if let Some(e) = role.escalates_to {
            writeln!(w, "    escalates_to: {}", p.role(e))?;
        }
        if let Some(s) = &role.schedule {
            w.write_all(s.as_bytes())?;
        }
    }
    Ok(())
}

fn write_systems(w: &mut impl Write, p: &Plant) -> io::Result<()> {
    writeln!(w, "systems:")?;
    for s in &p.systems {
        writeln!(w, "  - id: {}\n    name: {}", s.id, sc(&s.name))?;
        writeln!(
            w,
            "    zone: {}\n    level: {}\n    criticality: {}",
            s.zone, s.level, s.criticality
        )?;
        writeln!(w, "    owner: {}", p.role(s.owner))?;
        if !s.depends_on.is_empty() {
            let deps: Vec<&str> = s.depends_on.iter().map(|&d| p.sys(d)).collect();
            writeln!(w, "    depends_on: {}", flow_list(&deps))?;
        }
        if let Some(safe) = &s.safe_state {
            writeln!(w, "    safe_state: {}", sc(safe))?;
        }
    }
    Ok(())
}

fn write_identity(w: &mut impl Write, p: &Plant, x: &Identity) -> io::Result<()> {
    writeln!(
        w,
        "  - id: {}\n    kind: {}\n    name: {}",
        x.id,
        KINDS[x.kind],
        sc(&x.name)
    )?;
    writeln!(w, "    owner: {}", p.role(x.owner))?;
    if let Some(v) = x.vendor {
        writeln!(w, "    vendor: {}", sc(v))?;
    }
    writeln!(w, "    purpose: {}\n    access:", sc(&x.purpose))?;
    for (sys, levels) in &x.access {
        writeln!(w, "      {}: {{ {levels} }}", p.sys(*sys))?;
    }
    if let Some(serves) = &x.serves {
        let ids: Vec<&str> = serves.iter().map(|&s| p.sys(s)).collect();
        writeln!(w, "    serves: {}", flow_list(&ids))?;
    }
    let c = &x.credential;
    writeln!(w, "    credential:\n      type: {}", c.kind)?;
    if let Some(r) = c.rotation {
        writeln!(w, "      rotation: {r}")?;
    }
    if let Some(d) = c.last_rotated {
        writeln!(w, "      last_rotated: {d}")?;
    }
    if let Some(d) = c.expires {
        writeln!(w, "      expires: {d}")?;
    }
    writeln!(
        w,
        "      storage: {}\n      origin: {}",
        c.storage, c.origin
    )?;
    if let Some(s) = &c.shared_with {
        writeln!(w, "      shared_with: [{s}]")?;
    }
    if let Some(d) = x.last_used {
        writeln!(w, "    last_used: {d}")?;
    }
    if !x.labels.is_empty() {
        write!(w, "    labels: {{ ")?;
        for (i, (k, v)) in x.labels.iter().enumerate() {
            let sep = if i > 0 { ", " } else { "" };
            // Label values are strings: quote the ones that look like numbers.
            write!(w, "{sep}{k}: {}", sc(v))?;
        }
        writeln!(w, " }}")?;
    }
    Ok(())
}

// ---------------------------------------------------------------- rules

enum Target {
    Role(String),
    Person(String),
}

struct Level {
    target: Target,
    after: Option<&'static str>,
}

fn role(p: &Plant, r: usize, after: &'static str) -> Level {
    Level {
        target: Target::Role(p.role(r).into()),
        after: Some(after),
    }
}

fn person(id: &str, after: &'static str) -> Level {
    Level {
        target: Target::Person(id.into()),
        after: Some(after),
    }
}

#[derive(Default)]
struct Decide {
    levels: Vec<Level>,
    repeat: u8,
    consult: Vec<Target>,
    two_person: bool,
    pre_approved: bool,
    preconditions: Vec<String>,
}

enum Body {
    Decide(Decide),
    Forbid(String),
}

struct Rule {
    id: String,
    /// The inside of the `match` flow mapping.
    matcher: String,
    states: Option<&'static [&'static str]>,
    actions: &'static [&'static str],
    body: Body,
}

fn decide(levels: Vec<Level>) -> Body {
    Body::Decide(Decide {
        levels,
        ..Decide::default()
    })
}

fn with(body: Body, f: impl FnOnce(&mut Decide)) -> Body {
    match body {
        Body::Decide(mut d) => {
            f(&mut d);
            Body::Decide(d)
        }
        forbid => forbid,
    }
}

/// Every state but `emergency`: kind-specific line rules step aside there, so
/// the line's pre-approved emergency rule applies.
const NOT_EMERGENCY: &[&str] = &["normal", "commissioning", "maintenance", "vendor-support"];
const STOP: &[&str] = &["pause", "disconnect", "revoke"];
const CHANGE: &[&str] = &["rotate", "constrain", "restore", "override"];

fn target_text(t: &Target) -> String {
    match t {
        Target::Role(r) => format!("role: {r}"),
        Target::Person(p) => format!("person: {p}"),
    }
}

fn write_rule(w: &mut impl Write, r: &Rule) -> io::Result<()> {
    writeln!(w, "  - id: {}", r.id)?;
    if r.matcher.is_empty() {
        writeln!(w, "    match: {{}}")?;
    } else {
        writeln!(w, "    match: {{ {} }}", r.matcher)?;
    }
    if let Some(states) = r.states {
        writeln!(w, "    states: {}", flow_list(states))?;
    }
    writeln!(w, "    actions: {}", flow_list(r.actions))?;
    match &r.body {
        Body::Forbid(reason) => writeln!(w, "    forbid: {}", sc(reason))?,
        Body::Decide(d) => {
            writeln!(w, "    decide:")?;
            for level in &d.levels {
                match level.after {
                    Some(a) => writeln!(
                        w,
                        "      - {{ {}, after: {a} }}",
                        target_text(&level.target)
                    )?,
                    None => writeln!(w, "      - {{ {} }}", target_text(&level.target))?,
                }
            }
            if d.repeat > 0 {
                writeln!(w, "    repeat: {}", d.repeat)?;
            }
            if !d.consult.is_empty() {
                let items: Vec<String> = d
                    .consult
                    .iter()
                    .map(|t| format!("{{ {} }}", target_text(t)))
                    .collect();
                writeln!(w, "    consult: [{}]", items.join(", "))?;
            }
            if d.two_person {
                writeln!(w, "    two_person: true")?;
            }
            if d.pre_approved {
                writeln!(w, "    pre_approved: true")?;
            }
            if !d.preconditions.is_empty() {
                writeln!(w, "    preconditions:")?;
                for pc in &d.preconditions {
                    writeln!(w, "      - {}", sc(pc))?;
                }
            }
        }
    }
    Ok(())
}

/// Every rule, most important first; the caller keeps the first `--rules`.
///
/// Families are laid out so that two rules that can match the same identity,
/// action and state differ in specificity: kind rules split actions, line
/// rules name disjoint systems (an identity touches at most one line), kind
/// sub-rules name disjoint kinds, and each identity is pinned at most once.
fn build_rules(p: &Plant, want: usize) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let ot_lead = p.lead(OT_MANAGER).to_string();
    let it_lead = p.lead(IT_MANAGER).to_string();
    let safety_lead = p.lead(SAFETY_OFFICER).to_string();
    let kind_match = |k: usize| format!("kind: {}", KINDS[k]);

    // Base: two rules per kind (stopping it, changing it).
    for (k, kind) in KINDS.iter().enumerate() {
        let stop = match k {
            HUMAN => vec![role(p, SHIFT_LEAD, "10m"), role(p, SECURITY_ONCALL, "10m")],
            SERVICE_ACCOUNT => vec![role(p, OT_ENGINEERING, "15m"), role(p, IT_ONCALL, "15m")],
            API_KEY | CERTIFICATE => {
                vec![role(p, IT_ONCALL, "15m"), role(p, SECURITY_ONCALL, "10m")]
            }
            PLC_CREDENTIAL => vec![role(p, SHIFT_LEAD, "10m"), role(p, OT_ENGINEERING, "15m")],
            VENDOR_SESSION => vec![
                role(p, SHIFT_LEAD, "5m"),
                role(p, SECURITY_ONCALL, "10m"),
                person(&ot_lead, "15m"),
            ],
            AI_AGENT => vec![role(p, OT_ENGINEERING, "10m"), role(p, IT_ONCALL, "15m")],
            SSH_KEY => vec![role(p, SECURITY_ONCALL, "10m"), role(p, IT_ONCALL, "15m")],
            _ => vec![role(p, IT_ONCALL, "15m")],
        };
        let mut body = decide(stop);
        if k == VENDOR_SESSION {
            body = with(body, |d| {
                d.repeat = 1;
                d.consult = vec![Target::Role(p.role(VENDOR_MANAGER).into())];
            });
        }
        rules.push(Rule {
            id: format!("{kind}-stop"),
            matcher: kind_match(k),
            states: None,
            actions: STOP,
            body,
        });
        let change = match k {
            PLC_CREDENTIAL | HUMAN => vec![role(p, OT_ENGINEERING, "15m"), person(&ot_lead, "20m")],
            VENDOR_SESSION => vec![role(p, VENDOR_MANAGER, "30m")],
            AI_AGENT | SERVICE_ACCOUNT => vec![role(p, OT_ENGINEERING, "20m")],
            _ => vec![role(p, IT_ONCALL, "30m"), person(&it_lead, "30m")],
        };
        let body = with(decide(change), |d| {
            if k == PLC_CREDENTIAL {
                d.preconditions = vec![
                    "Agree a window with the shift lead; a PLC password change needs a download"
                        .into(),
                ];
            }
        });
        rules.push(Rule {
            id: format!("{kind}-change"),
            matcher: kind_match(k),
            states: None,
            actions: CHANGE,
            body,
        });
    }
    let l1 = &p.lines[0];
    let mut lockout = vec![p.sys(l1.sys).to_string(), p.sys(l1.drives).to_string()];
    lockout.extend(l1.robots.iter().map(|&r| p.sys(r).to_string()));
    rules.push(Rule {
        id: "no-remote-override-in-loto".into(),
        matcher: format!("system: {}", flow_list(&lockout)),
        states: Some(&["maintenance"]),
        actions: &["override"],
        body: Body::Forbid(
            "Lockout/tagout in effect; only the lockout holder on site may override".into(),
        ),
    });
    rules.push(Rule {
        id: "vendor-session-emergency".into(),
        matcher: kind_match(VENDOR_SESSION),
        states: Some(&["emergency"]),
        actions: STOP,
        body: with(
            decide(vec![
                role(p, SHIFT_LEAD, "2m"),
                role(p, SECURITY_ONCALL, "5m"),
            ]),
            |d| {
                d.pre_approved = true;
            },
        ),
    });

    // Emergency: quick, pre-approved stops for every other kind.
    for (k, kind) in KINDS.iter().enumerate() {
        if k == VENDOR_SESSION {
            continue;
        }
        let first = if matches!(k, PLC_CREDENTIAL | HUMAN | AI_AGENT) {
            SHIFT_LEAD
        } else {
            SECURITY_ONCALL
        };
        rules.push(Rule {
            id: format!("{kind}-emergency"),
            matcher: kind_match(k),
            states: Some(&["emergency"]),
            actions: STOP,
            body: with(
                decide(vec![role(p, first, "3m"), person(&safety_lead, "5m")]),
                |d| {
                    d.pre_approved = true;
                    d.repeat = 2;
                    if k == PLC_CREDENTIAL {
                        d.preconditions = vec![
                            "Check the line is in a safe state before pausing its PLC login".into(),
                        ];
                    }
                },
            ),
        });
    }
    // Things nobody may do.
    rules.push(Rule {
        id: "plc-no-rotate-in-production".into(),
        matcher: kind_match(PLC_CREDENTIAL),
        states: Some(&["normal", "emergency"]),
        actions: &["rotate"],
        body: Body::Forbid(
            "Rotating a PLC password means a project download; rotate in maintenance or commissioning".into(),
        ),
    });
    rules.push(Rule {
        id: "ai-agent-no-restore-in-emergency".into(),
        matcher: kind_match(AI_AGENT),
        states: Some(&["emergency"]),
        actions: &["restore"],
        body: Body::Forbid("AI agents stay paused until the incident is closed".into()),
    });
    rules.push(Rule {
        id: "vendor-restore-only-in-support".into(),
        matcher: kind_match(VENDOR_SESSION),
        states: Some(&["normal", "commissioning", "maintenance", "emergency"]),
        actions: &["restore"],
        body: Body::Forbid("Vendor access is restored only in the vendor-support state".into()),
    });
    rules.push(Rule {
        id: "no-override-fire-gas".into(),
        matcher: format!("system: {}", p.sys(p.core.fire_gas)),
        states: None,
        actions: &["override"],
        body: Body::Forbid(
            "The fire and gas system is never overridden remotely; call the site fire brigade"
                .into(),
        ),
    });
    // IT-ish kinds inside the OT zone: OT engineering decides first.
    for k in [SERVICE_ACCOUNT, CERTIFICATE, SSH_KEY, TOKEN, API_KEY] {
        let levels = vec![role(p, OT_ENGINEERING, "10m"), role(p, SHIFT_LEAD, "10m")];
        rules.push(Rule {
            id: format!("{}-in-ot", KINDS[k]),
            matcher: format!("{}, zone: ot", kind_match(k)),
            states: None,
            actions: STOP,
            body: with(decide(levels), |d| {
                d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
            }),
        });
    }
    rules.push(Rule {
        id: "safety-plc-credentials".into(),
        matcher: "kind: plc-credential, zone: ot, criticality: safety".into(),
        states: Some(NOT_EMERGENCY),
        actions: &["pause", "revoke", "override"],
        body: with(
            decide(vec![
                role(p, SHIFT_LEAD, "5m"),
                role(p, SAFETY_OFFICER, "10m"),
            ]),
            |d| {
                d.two_person = true;
                d.consult = vec![Target::Role(p.role(OT_ENGINEERING).into())];
                d.preconditions = vec![
                    "Confirm with the area operator that the cell is stopped and the gate closed"
                        .into(),
                    "Never bypass the safety PLC to keep production running".into(),
                ];
            },
        ),
    });
    for v in VENDORS {
        let slug = v.to_ascii_lowercase().replace(' ', "-");
        rules.push(Rule {
            id: format!("vendor-{slug}"),
            matcher: format!("kind: vendor-session, vendor: {}", sc(v)),
            states: Some(&["normal", "vendor-support"]),
            actions: &["disconnect", "pause", "revoke"],
            body: with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, VENDOR_MANAGER, "15m"),
                ]),
                |d| {
                    d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
                },
            ),
        });
    }
    let core_ids: Vec<&str> = p.core.all.iter().map(|&s| p.sys(s)).collect();
    for k in [API_KEY, TOKEN, SSH_KEY] {
        rules.push(Rule {
            id: format!("core-{}", KINDS[k]),
            matcher: format!("system: {}, {}", flow_list(&core_ids), kind_match(k)),
            states: None,
            actions: &["pause", "revoke", "rotate"],
            body: decide(vec![
                role(p, IT_ONCALL, "10m"),
                role(p, SECURITY_ONCALL, "10m"),
            ]),
        });
    }

    // Pins: a few notable identities get their own chain.
    let mut pinned = HashSet::new();
    let mut pin_rng = Rng::new(p.seed, 2);
    let pin = |rules: &mut Vec<Rule>, pinned: &mut HashSet<usize>, rng: &mut Rng| -> bool {
        let n = p.identities;
        if pinned.len() >= n {
            return false;
        }
        let mut i = rng.below(n);
        while !pinned.insert(i) {
            i = rng.below(n);
        }
        let x = p.identity(i);
        // Grouped with its next siblings of the same kind and home (the id
        // without its number), e.g. two certificates of one line's PLC.
        let family = x.id.rsplit_once('-').map_or("", |(f, _)| f);
        let want = rng.range(1, 3);
        let mut ids = vec![x.id.clone()];
        for j in i + 1..n.min(i + 1000) {
            if ids.len() >= want {
                break;
            }
            let y = p.identity(j);
            if y.id.rsplit_once('-').map_or("", |(f, _)| f) == family && pinned.insert(j) {
                ids.push(y.id);
            }
        }
        let lead = &p.people[p.roles[x.owner].members[0]];
        rules.push(Rule {
            id: format!("exception-{}", ids[0]),
            matcher: format!("identity: {}", flow_list(&ids)),
            states: None,
            actions: &[
                "pause",
                "revoke",
                "disconnect",
                "rotate",
                "constrain",
                "restore",
                "override",
            ],
            body: with(
                decide(vec![person(&lead.id, "10m"), role(p, x.owner, "10m")]),
                |d| {
                    d.two_person = rng.pct(30);
                    d.preconditions = vec![format!(
                        "Call {} first; this credential has a documented exception",
                        lead.name
                    )];
                },
            ),
        });
        true
    };
    for _ in 0..5 {
        pin(&mut rules, &mut pinned, &mut pin_rng);
    }

    // Per line, family by family, so a truncated list still spreads evenly.
    // One line in eight (line 4, 12, ...) has no rules of its own yet and
    // runs on the plant-wide ones above.
    let line_families: usize = 18;
    for family in 0..line_families {
        for (_, l) in p.lines.iter().enumerate().filter(|(n, _)| n % 8 != 3) {
            if rules.len() >= want {
                break;
            }
            line_rules(p, l, family, &mut rules);
        }
    }
    while rules.len() < want && pin(&mut rules, &mut pinned, &mut pin_rng) {}
    rules.truncate(want);
    rules
}

fn line_rules(p: &Plant, l: &Line, family: usize, rules: &mut Vec<Rule>) {
    let lid = p.sys(l.sys);
    let label = &l.label;
    let all: Vec<&str> = l.all.iter().map(|&s| p.sys(s)).collect();
    let systems = format!("system: {}", flow_list(&all));
    let eng = l.eng_role;
    let eng_lead = p.lead(eng).to_string();
    let mut push = |id: String, matcher: String, states, actions, body| {
        rules.push(Rule {
            id,
            matcher,
            states,
            actions,
            body,
        });
    };
    match family {
        0 => push(
            format!("{lid}-stop"),
            systems,
            None,
            STOP,
            with(
                decide(vec![role(p, eng, "10m"), role(p, SHIFT_LEAD, "10m")]),
                |d| {
                    d.repeat = 1;
                    d.preconditions = vec![format!("Put line {label} in manual at the HMI")];
                },
            ),
        ),
        1 => push(
            format!("{lid}-change"),
            systems,
            None,
            &["rotate", "constrain", "restore"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        2 => push(
            format!("{lid}-override"),
            systems,
            None,
            &["override"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, SAFETY_OFFICER, "10m"),
                ]),
                |d| {
                    d.two_person = true;
                    d.consult = vec![Target::Role(p.role(eng).into())];
                    d.preconditions = vec![format!(
                        "An operator is at the line {label} HMI before automation is overridden"
                    )];
                },
            ),
        ),
        3 => push(
            format!("{lid}-emergency"),
            systems,
            Some(&["emergency"]),
            &["pause", "disconnect", "revoke", "override"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "2m"),
                    role(p, SAFETY_OFFICER, "5m"),
                ]),
                |d| {
                    d.pre_approved = true;
                    d.repeat = 2;
                },
            ),
        ),
        4 => push(
            format!("{lid}-maintenance"),
            systems,
            Some(&["maintenance"]),
            &["pause", "revoke", "rotate", "restore"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        5 => push(
            format!("{lid}-plc-credentials"),
            format!("{systems}, kind: plc-credential"),
            Some(NOT_EMERGENCY),
            &["pause", "revoke", "override"],
            with(
                decide(vec![
                    role(p, eng, "10m"),
                    role(p, OT_ENGINEERING, "15m"),
                    person(p.lead(OT_MANAGER), "15m"),
                ]),
                |d| d.consult = vec![Target::Role(p.role(SAFETY_OFFICER).into())],
            ),
        ),
        6 => push(
            format!("{lid}-vendor-sessions"),
            format!("{systems}, kind: vendor-session"),
            Some(&["normal", "vendor-support"]),
            &["disconnect", "pause", "revoke"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, VENDOR_MANAGER, "10m"),
                ]),
                |d| {
                    d.consult = vec![Target::Person(eng_lead.clone())];
                },
            ),
        ),
        7 => push(
            format!("{lid}-service-accounts"),
            format!("{systems}, kind: service-account"),
            Some(NOT_EMERGENCY),
            &["pause", "revoke", "rotate"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        8 => {
            for (r, _) in l.robots.iter().enumerate() {
                push(
                    format!("{lid}-cell-r{}", r + 1),
                    format!(
                        "{systems}, kind: plc-credential, labels: {{ cell: r{} }}",
                        r + 1
                    ),
                    Some(NOT_EMERGENCY),
                    &["pause", "override"],
                    with(
                        decide(vec![role(p, eng, "5m"), role(p, SHIFT_LEAD, "10m")]),
                        |d| {
                            d.preconditions = vec![format!(
                                "Robot cell r{} on line {label} is stopped and its gate closed",
                                r + 1
                            )];
                        },
                    ),
                );
            }
        }
        9 => push(
            format!("{lid}-certificates"),
            format!("{systems}, kind: certificate"),
            Some(NOT_EMERGENCY),
            &["revoke", "rotate"],
            decide(vec![role(p, eng, "15m"), role(p, IT_ONCALL, "15m")]),
        ),
        10 => push(
            format!("{lid}-ai-agents-stay-paused"),
            format!("{systems}, kind: ai-agent"),
            Some(&["emergency", "maintenance"]),
            &["restore"],
            Body::Forbid(format!(
                "AI agents on line {label} stay paused until the line is back in production"
            )),
        ),
        12 => push(
            format!("{lid}-commissioning"),
            systems,
            Some(&["commissioning"]),
            &["pause", "revoke", "rotate", "restore"],
            with(
                decide(vec![role(p, OT_ENGINEERING, "10m"), role(p, eng, "15m")]),
                |d| {
                    d.preconditions = vec![format!(
                        "Check with the commissioning lead which line {label} trials are running"
                    )]
                },
            ),
        ),
        13 => push(
            format!("{lid}-vendor-support"),
            systems,
            Some(&["vendor-support"]),
            &["restore", "constrain"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "10m"),
                    role(p, VENDOR_MANAGER, "20m"),
                ]),
                |d| {
                    d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
                },
            ),
        ),
        14 => push(
            format!("{lid}-ai-agents"),
            format!("{systems}, kind: ai-agent"),
            Some(NOT_EMERGENCY),
            &["pause", "constrain"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, OT_ENGINEERING, "10m"),
                ]),
                |d| {
                    d.pre_approved = true; // the kill switch
                },
            ),
        ),
        15..=17 => {
            let (kind, actions): (usize, &'static [&'static str]) = match family {
                15 => (API_KEY, &["pause", "revoke", "rotate"]),
                16 => (TOKEN, &["pause", "revoke", "rotate"]),
                _ => (SSH_KEY, &["revoke", "rotate", "pause"]),
            };
            push(
                format!("{lid}-{}s", KINDS[kind]),
                format!(
                    "{systems}, kind: {}, labels: {{ line: {} }}",
                    KINDS[kind],
                    sc(label)
                ),
                None,
                actions,
                decide(vec![role(p, eng, "15m"), role(p, IT_ONCALL, "15m")]),
            )
        }
        _ => push(
            format!("{lid}-humans"),
            format!("{systems}, kind: human"),
            Some(NOT_EMERGENCY),
            &["disconnect", "pause"],
            with(decide(vec![role(p, SHIFT_LEAD, "10m")]), |d| {
                d.consult = vec![Target::Role(p.role(eng).into())];
            }),
        ),
    }
}

// ---------------------------------------------------------------- main

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
    let rules = build_rules(&plant, o.rules);
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
