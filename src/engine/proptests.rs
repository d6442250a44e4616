//! Invariants of resolution on random runbooks: it never panics, offsets
//! never decrease along a chain, an unavailable or inactive person never
//! appears, a forbidden action never has a chain, and nobody is listed twice
//! at one level.

use super::{Engine, Query, Verdict};
use crate::model::{Action, Runbook};
use proptest::prelude::*;
use std::fmt::Write as _;

const PEOPLE: &[&str] = &["alice", "bob", "chen", "dana", "eve"];
const ROLES: &[&str] = &["lead", "sec", "mgr"];
const SYSTEMS: &[&str] = &["erp", "mes", "line3"];
const KINDS: &[&str] = &["api-key", "vendor-session", "ai-agent"];
const STATES: &[&str] = &["normal", "maint", "emergency"];

/// A role: members, `after` in minutes, `escalates_to`, an optional layer
/// (shift hours, window start hour) and with it an optional override
/// (person, start hour from 2026-03-28T18:00, hours).
type RolePlan = (
    Vec<usize>,
    Option<u8>,
    Option<usize>,
    Option<(u8, u8)>,
    Option<(usize, u8, u8)>,
);
/// A level: role (else person), whom, `after` in minutes.
type LevelPlan = (bool, usize, Option<u8>);
/// A rule: selector kind, levels, state, actions, forbid.
type RulePlan = (u8, Vec<LevelPlan>, Option<usize>, Vec<usize>, bool);

#[derive(Debug, Clone)]
struct Plan {
    inactive: Vec<bool>,
    backups: Vec<Option<usize>>,
    roles: Vec<RolePlan>,
    depends: Vec<Option<usize>>,
    identities: Vec<(usize, usize, usize)>,
    rules: Vec<RulePlan>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let n = PEOPLE.len();
    (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec(prop::option::of(0..n), n),
        prop::collection::vec(
            (
                prop::collection::vec(0..n, 1..4),
                prop::option::of(1u8..30),
                prop::option::of(0..ROLES.len()),
                prop::option::of((1u8..24, 0u8..24)),
                prop::option::of((0..n, 0u8..60, 1u8..12)),
            ),
            ROLES.len(),
        ),
        prop::collection::vec(prop::option::of(0..SYSTEMS.len()), SYSTEMS.len()),
        prop::collection::vec((0..KINDS.len(), 0..SYSTEMS.len(), 0..SYSTEMS.len()), 1..4),
        prop::collection::vec(
            (
                0u8..4,
                prop::collection::vec(
                    (
                        any::<bool>(),
                        0..ROLES.len().max(n),
                        prop::option::of(0u8..20),
                    ),
                    0..4,
                ),
                prop::option::of(0..STATES.len()),
                prop::collection::vec(0..7usize, 1..4),
                any::<bool>(),
            ),
            0..6,
        ),
    )
        .prop_map(
            |(inactive, backups, roles, depends, identities, rules)| Plan {
                inactive,
                backups,
                roles,
                depends,
                identities,
                rules,
            },
        )
}

fn yaml(p: &Plan) -> String {
    let mut y = String::from("andon: 1\nplant: { id: p, timezone: Europe/Paris }\nstates:\n");
    for (i, s) in STATES.iter().enumerate() {
        let _ = writeln!(y, "  - {{ id: {s}, default: {} }}", i == 0);
    }
    y.push_str("people:\n");
    for (i, person) in PEOPLE.iter().enumerate() {
        let backup = p.backups[i].map_or(String::new(), |b| format!(", backup: {}", PEOPLE[b]));
        let _ = writeln!(
            y,
            "  - {{ id: {person}, active: {}{backup} }}",
            !p.inactive[i]
        );
    }
    y.push_str("roles:\n");
    for (i, (members, after, escalates, schedule, cover)) in p.roles.iter().enumerate() {
        let members: Vec<&str> = members.iter().map(|&m| PEOPLE[m]).collect();
        let _ = writeln!(
            y,
            "  - id: {}\n    members: [{}]",
            ROLES[i],
            members.join(", ")
        );
        if let Some(a) = after {
            let _ = writeln!(y, "    after: {a}m");
        }
        if let Some(e) = escalates {
            let _ = writeln!(y, "    escalates_to: {}", ROLES[*e]);
        }
        if let Some((shift, from)) = schedule {
            let _ = writeln!(
                y,
                "    schedule:\n      layers:\n        - {{ rotation: [{}], shift: {shift}h, start: 2026-03-28T{from:02}:00, only: {{ from: \"{from:02}:00\", to: \"06:00\" }} }}",
                members.join(", ")
            );
            if let Some((person, start, hours)) = cover {
                let from = chrono::NaiveDate::from_ymd_opt(2026, 3, 28)
                    .and_then(|d| d.and_hms_opt(18, 0, 0))
                    .expect("a date")
                    + chrono::TimeDelta::hours(i64::from(*start));
                let to = from + chrono::TimeDelta::hours(i64::from(*hours));
                let _ = writeln!(
                    y,
                    "      overrides:\n        - {{ person: {}, from: {}, to: {} }}",
                    PEOPLE[*person],
                    from.format("%Y-%m-%dT%H:%M"),
                    to.format("%Y-%m-%dT%H:%M")
                );
            }
        }
    }
    y.push_str("systems:\n");
    for (i, s) in SYSTEMS.iter().enumerate() {
        let depends =
            p.depends[i].map_or(String::new(), |d| format!(", depends_on: [{}]", SYSTEMS[d]));
        let _ = writeln!(y, "  - {{ id: {s}, criticality: high{depends} }}");
    }
    y.push_str("identities:\n");
    for (i, (kind, access, serves)) in p.identities.iter().enumerate() {
        let _ = writeln!(
            y,
            "  - {{ id: id{i}, kind: {}, vendor: V, access: {{ {}: write }}, serves: [{}] }}",
            KINDS[*kind], SYSTEMS[*access], SYSTEMS[*serves]
        );
    }
    y.push_str("authority:\n");
    for (i, (selector, levels, state, actions, forbid)) in p.rules.iter().enumerate() {
        let selector = match selector {
            0 => String::new(),
            1 => format!("kind: {}", KINDS[i % KINDS.len()]),
            2 => format!("system: {}", SYSTEMS[i % SYSTEMS.len()]),
            _ => format!("identity: id{}", i % p.identities.len()),
        };
        let actions: Vec<&str> = actions.iter().map(|&a| Action::ALL[a].as_str()).collect();
        let _ = write!(
            y,
            "  - {{ id: r{i}, match: {{ {selector} }}, actions: [{}]",
            actions.join(", ")
        );
        if let Some(s) = state {
            let _ = write!(y, ", states: [{}]", STATES[*s]);
        }
        if *forbid || levels.is_empty() {
            y.push_str(", forbid: no }\n");
            continue;
        }
        let levels: Vec<String> = levels
            .iter()
            .map(|(is_role, who, after)| {
                let target = if *is_role {
                    format!("role: {}", ROLES[who % ROLES.len()])
                } else {
                    format!("person: {}", PEOPLE[who % PEOPLE.len()])
                };
                match after {
                    Some(a) => format!("{{ {target}, after: {a}m }}"),
                    None => format!("{{ {target} }}"),
                }
            })
            .collect();
        let _ = writeln!(y, ", decide: [{}], repeat: 1 }}", levels.join(", "));
    }
    y
}

fn check(runbook: &Runbook, at_secs: i64, unavailable: &[String]) -> Result<(), TestCaseError> {
    let engine = Engine::new(runbook);
    let tz = runbook.plant.timezone.value;
    // Around the spring-forward change in Paris (2026-03-29 01:00 UTC).
    let base = chrono::DateTime::parse_from_rfc3339("2026-03-28T20:00:00Z")
        .expect("base time")
        .with_timezone(&tz);
    let at = base + chrono::TimeDelta::seconds(at_secs);
    for identity in &runbook.identities {
        for state in STATES {
            for &action in Action::ALL.iter().filter(|a| **a != Action::Declare) {
                let q = Query {
                    identity: &identity.id.value,
                    action,
                    state,
                    at,
                    unavailable,
                };
                let d = engine.resolve(&q);
                if d.verdict != Verdict::Chain {
                    prop_assert!(d.steps.is_empty(), "{:?} with steps", d.verdict);
                }
                prop_assert!(
                    d.steps.windows(2).all(|w| w[0].offset <= w[1].offset),
                    "offsets decrease"
                );
                for step in &d.steps {
                    prop_assert_eq!(step.skipped, step.people.is_empty());
                    for (i, p) in step.people.iter().enumerate() {
                        prop_assert!(
                            !unavailable.iter().any(|u| p.person == *u),
                            "unavailable {} appears",
                            p.person
                        );
                        prop_assert!(
                            runbook.person(&p.person).is_some_and(|x| x.active),
                            "inactive {} appears",
                            p.person
                        );
                        prop_assert!(
                            !step.people[..i].iter().any(|o| o.person == p.person),
                            "{} twice at one level",
                            p.person
                        );
                    }
                }
            }
        }
    }
    for state in STATES {
        let d = engine.declare(state, at, unavailable);
        prop_assert!(d.steps.windows(2).all(|w| w[0].offset <= w[1].offset));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn resolution_invariants_hold_on_random_runbooks(
        p in plan(),
        at_secs in 0i64..(3 * 86_400),
        unavailable in prop::collection::vec(0..PEOPLE.len(), 0..3),
    ) {
        let text = yaml(&p);
        let runbook = match crate::load::load_str("random.yaml", &text) {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("generated runbook does not load:\n{e}\n{text}"))),
        };
        let unavailable: Vec<String> = unavailable.iter().map(|&i| PEOPLE[i].to_owned()).collect();
        check(&runbook, at_secs, &unavailable)?;
    }

    /// One engine asked many questions at times in any order (its on-call
    /// answers remembered per role and stretch of time) answers exactly as
    /// an engine that asks the schedules every time.
    #[test]
    fn remembered_on_call_answers_as_the_schedules_do(
        p in plan(),
        times in prop::collection::vec(0i64..(3 * 86_400), 1..12),
        unavailable in prop::collection::vec(0..PEOPLE.len(), 0..2),
    ) {
        let text = yaml(&p);
        let runbook = match crate::load::load_str("random.yaml", &text) {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("generated runbook does not load:\n{e}\n{text}"))),
        };
        let unavailable: Vec<String> = unavailable.iter().map(|&i| PEOPLE[i].to_owned()).collect();
        let engine = Engine::new(&runbook);
        let reference = Engine::uncached(&runbook);
        let base = chrono::DateTime::parse_from_rfc3339("2026-03-28T20:00:00Z")
            .expect("base time")
            .with_timezone(&runbook.plant.timezone.value);
        for secs in times {
            let at = base + chrono::TimeDelta::seconds(secs);
            for identity in &runbook.identities {
                for state in STATES {
                    for action in Action::ON_IDENTITIES {
                        let q = Query { identity: &identity.id.value, action, state, at, unavailable: &unavailable };
                        prop_assert_eq!(engine.resolve(&q), reference.resolve(&q));
                    }
                }
            }
            for state in STATES {
                prop_assert_eq!(engine.declare(state, at, &unavailable), reference.declare(state, at, &unavailable));
            }
        }
    }

    #[test]
    fn loading_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = crate::load::load_str("any.yaml", &text);
    }
}

/// The shipped runbook's files, to mutate: its own and the generated ones
/// under `imported/` (not the import mapping, which is no runbook file).
fn shipped_files() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/lyon-packaging");
    let list = |d: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(d)
            .expect("shipped runbook")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n != crate::load::MAPPING_FILE)
            })
            .collect()
    };
    let mut paths = list(&dir);
    paths.extend(list(&dir.join("imported")));
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Near-valid input is the hostile input that matters most: a real
    /// runbook with bytes flipped, lines cut or duplicated must load or fail
    /// with located errors, and whatever loads must resolve and lint
    /// without panicking.
    #[test]
    fn mutated_shipped_runbooks_load_or_fail_with_located_errors(
        file in 0usize..6,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6),
    ) {
        let files = shipped_files();
        let mut text = files[file % files.len()].clone().into_bytes();
        for (at, op, byte) in edits {
            if text.is_empty() {
                break;
            }
            let i = at.index(text.len());
            match op {
                0 => text[i] = byte,
                1 => { text.remove(i); }
                2 => { let end = (i + 40).min(text.len()); text.drain(i..end); }
                _ => { let end = (i + 40).min(text.len()); let chunk = text[i..end].to_vec(); text.splice(i..i, chunk); }
            }
        }
        let Ok(text) = String::from_utf8(text) else { return Ok(()) };
        let dir = tempfile::tempdir().expect("temporary directory");
        for (i, f) in files.iter().enumerate() {
            let body = if i == file % files.len() { &text } else { f };
            std::fs::write(dir.path().join(format!("{i:02}.yaml")), body).expect("write");
        }
        match crate::load::load(dir.path()) {
            Err(e) => prop_assert!(e.diagnostics.iter().all(|d| d.span.is_some_and(|s| s.line >= 1)), "{e}"),
            Ok(runbook) => {
                let engine = Engine::new(&runbook);
                let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+01:00").expect("time").with_timezone(&runbook.plant.timezone.value);
                for identity in &runbook.identities {
                    for state in &runbook.states {
                        for &action in Action::ALL.iter().filter(|a| **a != Action::Declare) {
                            let q = Query { identity: &identity.id.value, action, state: &state.id.value, at, unavailable: &[] };
                            let d = engine.resolve(&q);
                            prop_assert!(d.steps.windows(2).all(|w| w[0].offset <= w[1].offset));
                        }
                    }
                }
                let report = crate::lint::lint(&runbook, &engine, &crate::lint::Options { now: at, horizon_days: 2 });
                prop_assert!(report.findings.iter().all(|d| d.span.is_some()));
            }
        }
    }
}
