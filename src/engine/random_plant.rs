//! Seeded random plants for tests that compare two ways of answering (the
//! rule index against a scan of every rule, classes against each identity
//! on its own). Every selector key is used, alone and together: identity,
//! kind, system, zone, criticality, vendor and labels, with states, forbids
//! and ties, so that the answers differ from identity to identity.

use crate::model::{Action, Runbook};
use std::fmt::Write as _;

const STATES: &[&str] = &["normal", "maint", "emergency"];
const PEOPLE: &[&str] = &["alice", "bob", "chen", "dana"];
const ROLES: &[&str] = &["lead", "sec", "eng"];
const KINDS: &[&str] = &["api-key", "vendor-session", "plc-credential", "token"];
const ZONES: &[&str] = &["it", "dmz", "ot"];
const CRITICALITIES: &[&str] = &["low", "medium", "high", "safety"];
const VENDORS: &[&str] = &["Acme", "Helio"];
const LABELS: &[(&str, &str)] = &[
    ("team", "a"),
    ("team", "b"),
    ("app", "x"),
    ("app", "y"),
    ("app", "z"),
];

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pct(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
    /// One to `most` distinct items of `items`, as `[a, b]`.
    fn some(&mut self, items: &[&str], most: usize) -> String {
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..1 + self.below(most) {
            let item = items[self.below(items.len())];
            if !out.contains(&item) {
                out.push(item);
            }
        }
        format!("[{}]", out.join(", "))
    }
}

/// The YAML of plant `seed`, with `identities` identities and `rules` rules.
pub fn yaml(seed: u64, identities: usize, rules: usize) -> String {
    let mut r = Rng(seed);
    let systems = 6;
    let mut y = String::from("andon: 1\nplant: { id: p, timezone: Europe/Paris }\nstates:\n");
    for (i, s) in STATES.iter().enumerate() {
        let _ = writeln!(y, "  - {{ id: {s}, default: {} }}", i == 0);
    }
    y.push_str("people:\n");
    for p in PEOPLE {
        let _ = writeln!(y, "  - {{ id: {p} }}");
    }
    y.push_str("roles:\n");
    for (i, role) in ROLES.iter().enumerate() {
        let members = if i == 2 {
            "[dana]".to_owned()
        } else {
            r.some(PEOPLE, 3)
        };
        let _ = writeln!(y, "  - {{ id: {role}, members: {members}, after: 10m }}");
    }
    y.push_str("systems:\n");
    for s in 0..systems {
        let zone = ZONES[r.below(ZONES.len())];
        let criticality = CRITICALITIES[r.below(CRITICALITIES.len())];
        let _ = writeln!(
            y,
            "  - {{ id: s{s}, zone: {zone}, criticality: {criticality} }}"
        );
    }
    y.push_str("identities:\n");
    // Most identities repeat one of a few templates, as a line's machines
    // do; the rest are drawn afresh, so classes hold one to many identities.
    let templates: Vec<String> = (0..6).map(|_| attributes(&mut r, systems)).collect();
    for i in 0..identities {
        let attributes = if r.pct(60) {
            templates[r.below(templates.len())].clone()
        } else {
            attributes(&mut r, systems)
        };
        let _ = writeln!(y, "  - {{ id: id{i}, {attributes} }}");
    }
    y.push_str("authority:\n");
    for k in 0..rules {
        let mut keys: Vec<String> = Vec::new();
        if r.pct(8) {
            let ids: Vec<String> = (0..1 + r.below(2))
                .map(|_| format!("id{}", r.below(identities)))
                .collect();
            keys.push(format!("identity: [{}]", ids.join(", ")));
        }
        if r.pct(30) {
            keys.push(format!("kind: {}", r.some(KINDS, 2)));
        }
        if r.pct(25) {
            let names: Vec<String> = (0..systems).map(|s| format!("s{s}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            keys.push(format!("system: {}", r.some(&names, 2)));
        }
        if r.pct(15) {
            keys.push(format!("zone: {}", r.some(ZONES, 2)));
        }
        if r.pct(15) {
            keys.push(format!("criticality: {}", r.some(CRITICALITIES, 2)));
        }
        if r.pct(20) {
            keys.push(format!("vendor: {}", r.some(VENDORS, 2)));
        }
        if r.pct(40) {
            let (key, value) = LABELS[r.below(LABELS.len())];
            let mut labels = format!("{key}: {value}");
            if r.pct(25) {
                let (k2, v2) = LABELS[r.below(LABELS.len())];
                if k2 != key {
                    let _ = write!(labels, ", {k2}: {v2}");
                }
            }
            keys.push(format!("labels: {{ {labels} }}"));
        }
        let actions: Vec<&str> = (0..1 + r.below(3))
            .map(|_| Action::ON_IDENTITIES[r.below(Action::ON_IDENTITIES.len())].as_str())
            .fold(Vec::new(), |mut all, a| {
                if !all.contains(&a) {
                    all.push(a);
                }
                all
            });
        let _ = write!(
            y,
            "  - {{ id: r{k}, match: {{ {} }}, actions: [{}]",
            keys.join(", "),
            actions.join(", ")
        );
        if r.pct(35) {
            let _ = write!(y, ", states: {}", r.some(STATES, 2));
        }
        if r.pct(12) {
            y.push_str(", forbid: no }\n");
            continue;
        }
        let first = ROLES[r.below(ROLES.len())];
        let second = if r.pct(50) {
            format!(", {{ person: {} }}", PEOPLE[r.below(PEOPLE.len())])
        } else {
            String::new()
        };
        let _ = writeln!(y, ", decide: [{{ role: {first}, after: 5m }}{second}] }}");
    }
    y
}

/// An identity's keys but its id, drawn at random.
fn attributes(r: &mut Rng, systems: usize) -> String {
    let kind = KINDS[r.below(KINDS.len())];
    let mut y = format!("kind: {kind}, owner: lead");
    if kind == "vendor-session" || r.pct(50) {
        let _ = write!(y, ", vendor: {}", VENDORS[r.below(VENDORS.len())]);
    }
    let mut access: Vec<usize> = Vec::new();
    for _ in 0..1 + r.below(3) {
        let s = r.below(systems);
        if !access.contains(&s) {
            access.push(s);
        }
    }
    let access: Vec<String> = access.iter().map(|s| format!("s{s}: write")).collect();
    let _ = write!(y, ", access: {{ {} }}", access.join(", "));
    if r.pct(40) {
        let _ = write!(y, ", serves: [s{}]", r.below(systems));
    }
    let mut labels: Vec<(&str, &str)> = Vec::new();
    for _ in 0..r.below(3) {
        let pair = LABELS[r.below(LABELS.len())];
        if !labels.iter().any(|(k, _)| *k == pair.0) {
            labels.push(pair);
        }
    }
    if !labels.is_empty() {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = write!(y, ", labels: {{ {} }}", labels.join(", "));
    }
    y
}

/// Plant `seed`, loaded.
pub fn runbook(seed: u64, identities: usize, rules: usize) -> Runbook {
    let text = yaml(seed, identities, rules);
    match crate::load::load_str("random.yaml", &text) {
        Ok(runbook) => runbook,
        Err(e) => panic!("random plant {seed} does not load: {e}\n{text}"),
    }
}
