//! Two real consoles on one shared incident, each in its own tmux pane
//! (tmux.rs), against the PostgreSQL of `pg_virtualenv` (shared.rs):
//! what one records shows in the other, a console joining later sees the
//! open decisions, and two responders deciding at once record it once.

use super::harness::{Andon, shipped};
use super::shared::database;
use super::tmux::Pane;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A console in a pane, with its local log in a temporary directory.
struct Console {
    pane: Pane,
    dir: tempfile::TempDir,
}

impl std::ops::Deref for Console {
    type Target = Pane;
    fn deref(&self) -> &Pane {
        &self.pane
    }
}

impl Console {
    fn run(name: &str, args: &str) -> Console {
        Console::on("''", name, args)
    }

    /// With `--db DB` (quoted for the shell).
    fn on(db: &str, name: &str, args: &str) -> Console {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("local.andonlog");
        let pane = Pane::andon(
            name,
            &format!(
                "console -r {} --log {} --db {db} --as {name} {args}",
                shipped().display(),
                log.display()
            ),
        );
        Console { pane, dir }
    }

    /// A console starting a shared incident; its id.
    fn start(name: &str) -> (Console, String) {
        let c = Console::run(name, "");
        c.wait_for("Find identity");
        let first = std::fs::read_to_string(c.log()).unwrap();
        let opened: serde_json::Value =
            serde_json::from_str(first.lines().next().unwrap()).unwrap();
        let id = opened["incident"].as_str().unwrap().to_owned();
        c.wait_for("| shared lyon-packaging-");
        (c, id)
    }

    fn join(name: &str, incident: &str) -> Console {
        let c = Console::run(name, &format!("--join {incident}"));
        c.wait_for("| shared lyon-packaging-");
        c.wait_for("Find identity");
        c
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("local.andonlog")
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits until `what` holds (20 s at most).
fn eventually(what: &str, mut check: impl FnMut() -> bool, shown: impl Fn() -> String) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never: {what}; the screens:\n{}",
            shown()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Opens the decision to disconnect the Acme vendor session and brings
/// up the confirm step of recording it, by the first decider offered.
fn up_to_confirm(c: &Console) {
    c.keys(&["acme"]);
    c.wait_for("> vendor-acme-remote");
    c.keys(&["Enter"]);
    c.wait_for("Choose an action");
    c.keys(&["Enter"]);
    c.wait_for("disconnect vendor-acme-remote in state");
    c.keys(&["r"]);
    c.wait_for("Who decided?");
    c.keys(&["Enter"]);
    c.wait_for("approved: they decided to do it");
}

#[test]
fn a_decision_in_one_console_shows_in_the_other_and_both_logs_are_the_incident() {
    let Some(_) = database() else { return };
    let (floor, id) = Console::start("floor");
    let soc = Console::join("soc", &id);
    up_to_confirm(&floor);
    floor.keys(&["Enter"]);
    floor.wait_for("D1 recorded");
    let screen = soc.wait_for("shared: D1 disconnect vendor-acme-remote");
    assert!(screen.contains("SHARED INCIDENT"), "{screen}");
    // Each lists the other as connected.
    soc.wait_for("| with floor | shared");
    floor.wait_for("| with soc | shared");
    // The SOC's open decisions and decisions taken are the floor's.
    soc.keys(&["Escape", "o"]);
    soc.wait_for("D1");
    // Each local log is a copy of the shared chain: the same lines, and
    // the export is the longest of them.
    let exported = Andon::new()
        .args(["log", "export", "--db", "", &id])
        .run()
        .success()
        .stdout();
    let exported: Vec<String> = exported.lines().map(str::to_owned).collect();
    eventually(
        "the floor's log has every shared event",
        || lines(&floor.log()) == exported,
        || floor.screen(),
    );
    eventually(
        "the SOC's log has every shared event",
        || lines(&soc.log()) == exported,
        || soc.screen(),
    );
    for log in [floor.log(), soc.log()] {
        Andon::new()
            .args(["log", "verify", log.to_str().unwrap()])
            .run()
            .success();
    }
}

#[test]
fn a_console_joining_later_sees_the_open_decision_with_its_chain() {
    let Some(_) = database() else { return };
    let (floor, id) = Console::start("early");
    // An open decision: the Acme session's disconnect, opened from its
    // screen (the first `x` opens it, calling its first level).
    floor.keys(&["acme"]);
    floor.wait_for("> vendor-acme-remote");
    floor.keys(&["Enter"]);
    floor.wait_for("Choose an action");
    floor.keys(&["Enter"]);
    floor.wait_for("disconnect vendor-acme-remote in state");
    floor.keys(&["x"]);
    floor.wait_for("D1");
    let before = floor.wait_for("Open decisions (1)");
    let late = Console::join("late", &id);
    let screen = late.wait_for("Open decisions (1)");
    assert!(screen.contains("SHARED INCIDENT"), "{screen}");
    // The same decision at the same level, with the same next level and time.
    let row = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("D1 disconnect vendor-acme-remote"))
            .map(str::to_owned)
    };
    assert!(row(&before).is_some(), "{before}");
    assert_eq!(row(&screen), row(&before), "{screen}");
}

#[test]
fn two_responders_recording_one_decision_at_once_record_it_once() {
    let Some(_) = database() else { return };
    let (a, id) = Console::start("racea");
    let b = Console::join("raceb", &id);
    up_to_confirm(&a);
    up_to_confirm(&b);
    // Both confirm at once.
    a.keys(&["Enter"]);
    b.keys(&["Enter"]);
    // The one that lost is told: decided already, or (when its opening
    // came between the other's opening and decision) open already; then
    // the other's decision shows, and says who took it.
    eventually(
        "one console says it was not recorded",
        || {
            let said = |c: &Console| {
                let s = c.screen();
                s.contains("already decided by")
                    || s.contains("already open as D1")
                    || s.contains("shared: D1 disconnect vendor-acme-remote by")
            };
            said(&a) || said(&b)
        },
        || format!("{}\n{}", a.screen(), b.screen()),
    );
    let exported = Andon::new()
        .args(["log", "export", "--db", "", &id])
        .run()
        .success()
        .stdout();
    let decided = exported
        .lines()
        .filter(|l| l.contains(r#""kind":"decided""#))
        .count();
    assert_eq!(decided, 1, "{exported}");
}

/// A database of its own for a test that cuts it off, migrated; its name.
fn own_database(name: &str) -> String {
    let db = format!("andon_{name}_{}", std::process::id());
    super::shared::psql(&format!("CREATE DATABASE {db}")).unwrap();
    Andon::new()
        .args(["db", "migrate", "--db", &format!("dbname={db}")])
        .run()
        .success();
    db
}

/// The incident a console's local log was opened for.
fn incident_of(c: &Console) -> String {
    let first = std::fs::read_to_string(c.log()).unwrap();
    let opened: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    opened["incident"].as_str().unwrap().to_owned()
}

/// Ends the connections of the console run as `app`.
fn cut(app: &str) {
    super::shared::psql(&format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{app}'"
    ))
    .unwrap();
}

#[test]
fn a_console_cut_off_from_the_database_says_so_at_once_and_keeps_recording_locally() {
    let Some(_) = database() else { return };
    let db = own_database("cut");
    let app = format!("andon-offline-{}", std::process::id());
    let cutoff = Console::on(
        &format!("'dbname={db} application_name={app}'"),
        "cutoff",
        "",
    );
    cutoff.wait_for("Find identity");
    let id = incident_of(&cutoff);
    let other = Console::on(&format!("dbname={db}"), "other", &format!("--join {id}"));
    other.wait_for("| shared lyon-packaging-");
    // The link drops and stays down: the database takes no new connection.
    super::shared::psql(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).unwrap();
    cut(&app);
    cutoff.wait_for("DATABASE UNREACHABLE");
    up_to_confirm(&cutoff);
    cutoff.keys(&["Enter"]);
    let screen = cutoff.wait_for("D1 recorded");
    // Its opening and its decision, said on the first two lines.
    assert!(
        screen.contains("DATABASE LOST: 2 events not shared"),
        "{screen}"
    );
    assert!(screen.starts_with("INCIDENT NOT SHARED"), "{screen}");
    // The local log holds the decision and verifies; the shared incident
    // does not have it, and the other console does not show it.
    let local = lines(&cutoff.log());
    assert!(local.iter().any(|l| l.contains(r#""kind":"decided""#)));
    Andon::new()
        .args(["log", "verify", cutoff.log().to_str().unwrap()])
        .run()
        .success();
    let export = |db: &str| {
        Andon::new()
            .args(["log", "export", "--db", &format!("dbname={db}"), &id])
            .run()
            .success()
            .stdout()
    };
    // (The database takes no connection now: the other console's own copy
    // of the shared chain is read instead of an export.)
    assert!(
        !lines(&other.log())
            .iter()
            .any(|l| l.contains(r#""kind":"decided""#))
    );
    assert!(!other.screen().contains("D1"), "{}", other.screen());
    // The database back: the offline events are appended after the shared
    // head, with a note naming each by its local seq and hash.
    super::shared::psql(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).unwrap();
    cutoff.wait_for("SHARED INCIDENT");
    other.wait_for("shared: note: console cutoff was cut off");
    let shared = export(&db);
    assert_eq!(shared.matches(r#""kind":"decided""#).count(), 1, "{shared}");
    let hash = local.last().unwrap().rsplit_once(r#""hash":""#).unwrap().1[..64].to_owned();
    assert!(
        shared.contains(&hash),
        "the note names the local hash {hash}:\n{shared}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.andonlog");
    std::fs::write(&file, &shared).unwrap();
    for log in [file, cutoff.log()] {
        Andon::new()
            .args(["log", "verify", log.to_str().unwrap()])
            .run()
            .success();
    }
}

#[test]
fn a_console_whose_link_drops_with_nothing_made_meanwhile_shares_again() {
    let Some(_) = database() else { return };
    let app = format!("andon-relink-{}", std::process::id());
    let back = Console::on(&format!("'application_name={app}'"), "back", "");
    back.wait_for("Find identity");
    let id = incident_of(&back);
    let other = Console::join("relinked", &id);
    cut(&app);
    back.wait_for("database back: sharing again");
    // What the other console records reaches it again, over the new link.
    up_to_confirm(&other);
    other.keys(&["Enter"]);
    other.wait_for("D1 recorded");
    let screen = back.wait_for("shared: D1 disconnect vendor-acme-remote");
    assert!(screen.starts_with("SHARED INCIDENT"), "{screen}");
    let exported = Andon::new()
        .args(["log", "export", "--db", "", &id])
        .run()
        .success()
        .stdout();
    let exported: Vec<String> = exported.lines().map(str::to_owned).collect();
    eventually(
        "its log is the shared chain",
        || lines(&back.log()) == exported,
        || back.screen(),
    );
}

#[test]
fn a_decision_made_offline_that_another_console_took_meanwhile_is_shown_not_merged() {
    let Some(_) = database() else { return };
    let db = own_database("partition");
    let app = format!("andon-partition-{}", std::process::id());
    let cutoff = Console::on(
        &format!("'dbname={db} application_name={app}'"),
        "island",
        "",
    );
    cutoff.wait_for("Find identity");
    let id = incident_of(&cutoff);
    let other = Console::on(&format!("dbname={db}"), "mainland", &format!("--join {id}"));
    other.wait_for("| shared lyon-packaging-");
    super::shared::psql(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).unwrap();
    cut(&app);
    cutoff.wait_for("DATABASE UNREACHABLE");
    // Both decide the same question, one cut off, one not.
    up_to_confirm(&other);
    other.keys(&["Enter"]);
    other.wait_for("D1 recorded");
    up_to_confirm(&cutoff);
    cutoff.keys(&["Enter"]);
    cutoff.wait_for("D1 recorded");
    super::shared::psql(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).unwrap();
    cutoff.wait_for("SHARED INCIDENT");
    let screen = other.wait_for("shared: note: console island was cut off");
    let shared = Andon::new()
        .args(["log", "export", "--db", &format!("dbname={db}"), &id])
        .run()
        .success()
        .stdout();
    // One decision in the incident, and the other one named in the note.
    assert_eq!(shared.matches(r#""kind":"decided""#).count(), 1, "{shared}");
    assert!(
        shared.contains("not shared: D1 was already decided by "),
        "{shared}"
    );
    assert!(screen.contains("SHARED INCIDENT"), "{screen}");
    // The island's own log still holds what it decided.
    let local = lines(&cutoff.log());
    assert!(
        local
            .iter()
            .filter(|l| l.contains(r#""kind":"decided""#))
            .count()
            >= 1
    );
    Andon::new()
        .args(["log", "verify", cutoff.log().to_str().unwrap()])
        .run()
        .success();
}
