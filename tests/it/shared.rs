//! A shared incident in a real PostgreSQL (docs/shared-incident.md). These
//! tests need a server: run them under `pg_virtualenv -t cargo test --test
//! it shared` (Debian's postgresql-common), which sets PGHOST and the rest.
//! Without PGHOST each one says it is skipped and passes.

use crate::harness::Andon;
use andon::log::event::{Decided, DecisionOpened, Level, Mode, Note, Opened, Outcome};
use andon::log::{Event, Kind};
use andon::share::{Judged, NewIncident, Store, Target};
use chrono::{DateTime, FixedOffset};
use std::process::Command;
use std::sync::OnceLock;

/// The database of `pg_virtualenv`, migrated once; `None` (and a printed
/// reason) when there is none.
pub fn database() -> Option<Target> {
    if std::env::var_os("PGHOST").is_none() {
        eprintln!("skipped: PGHOST is not set; run under `pg_virtualenv -t cargo test`");
        return None;
    }
    static MIGRATED: OnceLock<()> = OnceLock::new();
    MIGRATED.get_or_init(|| {
        Andon::new()
            .args(["db", "migrate", "--db", ""])
            .run()
            .success();
    });
    Some(Target::parse("", &andon::share::config::process_env).unwrap())
}

/// `psql -c SQL` in the test database; its output, or its error.
pub fn psql(sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn at(second: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-06T02:10:{second:02}+01:00")).unwrap()
}

/// A new incident with its `opened` event; its id.
fn incident(store: &Store, name: &str) -> String {
    let opened = Event::new(
        at(0),
        Opened {
            plant: Some("lyon-packaging".into()),
            timezone: Some("Europe/Paris".into()),
            mode: Some(Mode::Live),
            state: Some("normal".into()),
            ..Opened::default()
        },
    );
    store
        .create(
            NewIncident {
                id: format!("test-{name}"),
                plant: "lyon-packaging".into(),
                timezone: "Europe/Paris".into(),
                mode: Mode::Live,
                runbook_hash: "sha256:test".into(),
                console: "tests".into(),
            },
            opened,
        )
        .unwrap()
}

fn note(text: &str) -> Event {
    Event::new(
        at(1),
        Note {
            text: text.into(),
            ..Note::default()
        },
    )
}

#[test]
fn migrate_twice_applies_once_then_nothing() {
    let Some(_) = database() else { return };
    let name = format!("andon_migrate_{}", std::process::id());
    psql(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("dbname={name}");
    let current = andon::share::schema::current();
    Andon::new()
        .args(["db", "migrate", "--db", &url])
        .run()
        .success()
        .stdout_has("applied schema version 1: incidents")
        .stdout_has("applied schema version 2: presence")
        .stdout_has(&format!("schema now at version {current}"));
    Andon::new()
        .args(["db", "migrate", "--db", &url])
        .run()
        .success()
        .stdout_has(&format!("schema already at version {current}"))
        .stdout_has("nothing to apply");
    let json = Andon::new()
        .args(["db", "migrate", "--db", &url, "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(
        json,
        serde_json::json!({ "applied": [], "version": current })
    );
    // A schema newer than the binary is refused at start, with what to do.
    let out = Command::new("psql")
        .args(["-X", "-q", "-d", &name, "-c"])
        .arg("INSERT INTO andon.schema_version (version, description) VALUES (99, 'future')")
        .output()
        .unwrap();
    assert!(out.status.success());
    Andon::new()
        .args(["incidents", "--db", &url])
        .run()
        .fails(2)
        .stderr_has(&format!(
            "version 99, newer than this andon's {current}: use a newer andon"
        ));
    psql(&format!("DROP DATABASE {name}")).unwrap();
}

#[test]
fn the_database_refuses_to_change_or_remove_an_event() {
    let Some(target) = database() else { return };
    let store = Store::open(&target).unwrap();
    let id = incident(&store, "triggers");
    let scope = format!("incident = '{id}'");
    let update = psql(&format!("UPDATE andon.events SET line = 'x' WHERE {scope}"));
    assert!(
        update.as_ref().is_err_and(|e| e.contains("append-only")),
        "{update:?}"
    );
    let delete = psql(&format!("DELETE FROM andon.events WHERE {scope}"));
    assert!(
        delete.as_ref().is_err_and(|e| e.contains("append-only")),
        "{delete:?}"
    );
    let truncate = psql("TRUNCATE andon.events CASCADE");
    assert!(
        truncate.as_ref().is_err_and(|e| e.contains("append-only")),
        "{truncate:?}"
    );
    // An event that does not follow the chain is refused too.
    let forged = psql(&format!(
        "INSERT INTO andon.events (incident, seq, at, kind, line, prev, hash, console)
         VALUES ('{id}', 2, now(), 'note', '{{}}', repeat('a', 64), repeat('b', 64), 'forger')"
    ));
    assert!(
        forged
            .as_ref()
            .is_err_and(|e| e.contains("does not follow the chain")),
        "{forged:?}"
    );
    assert_eq!(
        psql(&format!("SELECT count(*) FROM andon.events WHERE {scope}")).unwrap(),
        "1"
    );
}

#[test]
fn ten_writers_racing_on_one_incident_make_one_gapless_chain_that_verifies() {
    let Some(target) = database() else { return };
    let store = Store::open(&target).unwrap();
    let id = incident(&store, "race");
    let writers: Vec<_> = (0..10)
        .map(|w| {
            let target = target.clone();
            let id = id.clone();
            std::thread::spawn(move || {
                let store = Store::open(&target).unwrap();
                for n in 0..20 {
                    let a = store
                        .append(&id, &format!("w{w}"), &note(&format!("w{w} n{n}")), 0)
                        .unwrap();
                    assert!(matches!(a.judged, Judged::Append(_)), "{:?}", a.judged);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let read = store.read(&id, 0).unwrap();
    let seqs: Vec<u64> = read.iter().map(|(e, _)| e.seq).collect();
    assert_eq!(seqs, (1..=201).collect::<Vec<u64>>());
    // The export is a log file that `andon log verify` accepts.
    let out = Andon::new()
        .args(["log", "export", "--db", "", &id])
        .run()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.andonlog");
    std::fs::write(&path, out.stdout()).unwrap();
    Andon::new()
        .args(["log", "verify", path.to_str().unwrap()])
        .run()
        .success()
        .stdout_has("ok: 201 events, chain intact");
}

fn opened_d1(second: u32) -> Event {
    Event::new(
        at(second),
        DecisionOpened {
            decision: "D1".into(),
            identity: Some("vendor-acme-remote".into()),
            action: "disconnect".into(),
            state: "normal".into(),
            verdict: "chain".into(),
            chain: vec![Level {
                level: 1,
                people: vec!["alice".into()],
                ..Level::default()
            }],
            ..DecisionOpened::default()
        },
    )
}

fn decided_d1(by: &str) -> Event {
    Event::new(
        at(9),
        Decided {
            decision: "D1".into(),
            identity: Some("vendor-acme-remote".into()),
            action: "disconnect".into(),
            state: "normal".into(),
            by: vec![by.into()],
            outcome: Some(Outcome::Approved),
            authorized: Some(true),
            ..Decided::default()
        },
    )
}

#[test]
fn two_consoles_deciding_one_decision_at_once_record_it_once() {
    let Some(target) = database() else { return };
    let store = Store::open(&target).unwrap();
    let id = incident(&store, "double");
    store.append(&id, "floor", &opened_d1(2), 0).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let racers: Vec<_> = ["alice", "bob"]
        .into_iter()
        .map(|by| {
            let (target, id, barrier) = (target.clone(), id.clone(), barrier.clone());
            std::thread::spawn(move || {
                let store = Store::open(&target).unwrap();
                barrier.wait();
                store.append(&id, by, &decided_d1(by), 0).unwrap().judged
            })
        })
        .collect();
    let judged: Vec<Judged> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    let recorded = judged
        .iter()
        .filter(|j| matches!(j, Judged::Append(_)))
        .count();
    assert_eq!(recorded, 1, "{judged:?}");
    let refused = judged
        .iter()
        .find_map(|j| match j {
            Judged::Refused(why) => Some(why.clone()),
            _ => None,
        })
        .unwrap();
    assert!(
        refused.starts_with("D1 was already decided by ") && refused.ends_with(" at 02:10:09"),
        "{refused}"
    );
    let read = store.read(&id, 0).unwrap();
    let decided = read
        .iter()
        .filter(|(e, _)| e.event.kind() == Kind::Decided)
        .count();
    assert_eq!(decided, 1);
}

#[test]
fn incidents_lists_and_replay_reads_from_the_database() {
    let Some(target) = database() else { return };
    let store = Store::open(&target).unwrap();
    let id = incident(&store, "listed");
    store.append(&id, "floor", &opened_d1(2), 0).unwrap();
    let out = Andon::new()
        .args(["incidents", "--db", "", "--format", "json"])
        .run()
        .success();
    let list = out.json();
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["incident"] == id.as_str())
        .unwrap();
    assert_eq!(mine["events"], 2);
    assert_eq!(mine["open"], serde_json::json!(["D1"]));
    assert_eq!(mine["state"], "normal");
    assert_eq!(mine["opened_at"], "2026-03-06T02:10:00+01:00");
    Andon::new()
        .args(["incidents", "--db", ""])
        .run()
        .success()
        .stdout_has(&format!(
            "{id}  lyon-packaging  live, opened 2026-03-06 02:10 CET"
        ));
    Andon::new()
        .args(["replay", "--db", "", &id, "--print"])
        .run()
        .success()
        .stdout_has("2 events, chain intact")
        .stdout_has("D1");
    Andon::new()
        .args(["log", "export", "--db", "", "no-such-incident"])
        .run()
        .fails(2)
        .stderr_has("no incident `no-such-incident`");
}
