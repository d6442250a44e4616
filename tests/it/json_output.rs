//! `--format json` for scripts: every result command has it, and a command
//! that fails under it (a runbook that does not load, an unknown id, an
//! unreadable log) prints one JSON object on standard output, exits 2, and
//! still says the error in words on standard error (docs/commands.md).

use super::harness::{Andon, Run, root, shipped};
use serde_json::Value;

/// A runbook whose plant zone is misspelt (line 2, column 35) and that has
/// no default state: two located load errors.
const BROKEN: &str = "andon: 1
plant: { id: test-plant, timezone: Europe/Pariss }
states:
  - { id: normal }
";

fn broken() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runbook.yaml"), BROKEN).unwrap();
    let path = dir.path().display().to_string();
    (dir, path)
}

/// The failure object of a load error: the first error's code and place,
/// every error in `diagnostics` in lint's finding shape.
#[track_caller]
fn assert_load_failure(run: &Run, file: &str) {
    let json = run.json();
    let error = &json["error"];
    assert!(
        error["code"].as_str().is_some_and(|c| c.len() == 6),
        "a code: {json}"
    );
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(
        error["file"].as_str().is_some_and(|f| f.ends_with(file)),
        "the file: {json}"
    );
    assert!(error["line"].as_u64().is_some_and(|l| l >= 1), "{json}");
    assert!(error["column"].as_u64().is_some_and(|c| c >= 1), "{json}");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        for key in ["code", "severity", "message", "file", "line", "column"] {
            assert!(!d[key].is_null(), "{key} in {d}");
        }
        assert_eq!(d["severity"], "error");
    }
    assert_eq!(
        diagnostics[0]["message"], error["message"],
        "the error is the first diagnostic"
    );
}

#[test]
fn every_runbook_command_gives_a_broken_runbook_as_one_json_object() {
    let (_dir, rb) = broken();
    let commands: [&[&str]; 6] = [
        &["who", "x", "pause"],
        &["declare", "normal"],
        &["impact", "x"],
        &["coverage", "--from", "2026-11-22T09:00"],
        &["oncall", "--from", "2026-11-22T09:00"],
        &["graph"],
    ];
    for args in commands {
        let run = Andon::new()
            .args(args.iter().copied())
            .args(["--format", "json", "-r", &rb])
            .run()
            .fails(2)
            .stderr_has("unknown time zone `Europe/Pariss`");
        assert_load_failure(&run, "runbook.yaml");
        let json = run.json();
        let messages: Vec<&str> = (json["diagnostics"].as_array().unwrap().iter())
            .filter_map(|d| d["message"].as_str())
            .collect();
        assert!(
            messages.contains(&"unknown time zone `Europe/Pariss`"),
            "{args:?}: {messages:?}"
        );
        let zone = (json["diagnostics"].as_array().unwrap().iter())
            .find(|d| d["message"] == "unknown time zone `Europe/Pariss`")
            .unwrap();
        assert_eq!(
            (zone["line"].as_u64(), zone["column"].as_u64()),
            (Some(2), Some(36))
        );
        assert_eq!(zone["help"], "did you mean `Europe/Paris`?");
    }
    // Without `--format json`, standard output stays empty.
    Andon::new()
        .args(["coverage", "-r", &rb])
        .run()
        .fails(2)
        .stdout_lacks("{");
}

#[test]
fn an_error_that_is_not_a_load_error_is_json_with_a_null_code() {
    let run = Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(["who", "vendor-acme-remot", "pause", "--format", "json"])
        .run()
        .fails(2)
        .stderr_has("did you mean");
    let json = run.json();
    assert!(json["error"]["code"].is_null());
    assert!(json["error"]["file"].is_null());
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown identity `vendor-acme-remot`; did you mean `vendor-acme-remote`?")
    );
    assert_eq!(json["diagnostics"], Value::Array(Vec::new()));

    // lint reports a runbook that does not load among its findings; a bad
    // flag value is a failure like any other.
    let run = Andon::new()
        .args(["lint", &shipped().display().to_string()])
        .args(["--now", "tomorrow", "--format", "json"])
        .run()
        .fails(2);
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("bad `--now` `tomorrow`")
    );

    let run = Andon::new()
        .args(["explain", "VEN999", "--format", "json"])
        .run()
        .fails(2);
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule `VEN999`")
    );
}

#[test]
fn diff_gives_a_broken_base_as_json() {
    let (_dir, rb) = broken();
    let run = Andon::new()
        .args(["diff", &rb, &shipped().display().to_string()])
        .args(["--from", "2026-11-22T09:00", "--format", "json"])
        .run()
        .fails(2);
    assert_load_failure(&run, "runbook.yaml");
}

#[test]
fn drill_check_and_run_give_a_broken_scenario_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(root().join("scenarios/vendor-session-night.yaml"))
        .unwrap()
        .replace(
            "runbook: ../runbooks/lyon-packaging",
            &format!("runbook: {}", shipped().display()),
        )
        .replacen("state: ", "state: no-such-", 1);
    std::fs::write(&scenario, text).unwrap();
    let scenario = scenario.display().to_string();
    let run = Andon::new()
        .args(["drill", "check", &scenario, "--format", "json"])
        .run()
        .fails(2);
    assert_load_failure(&run, "bad.yaml");
    let responses = root()
        .join("scenarios/responses/vendor-session-night.met.yaml")
        .display()
        .to_string();
    let log = dir.path().join("x.andonlog");
    let run = Andon::new()
        .args(["drill", "run", &scenario, "--responses", &responses])
        .args(["--log", &log.display().to_string(), "--format", "json"])
        .run()
        .fails(2);
    assert_load_failure(&run, "bad.yaml");
    assert!(!log.exists(), "nothing written");
}

#[test]
fn replay_against_a_broken_runbook_and_verify_of_a_missing_log_are_json() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("x.andonlog");
    Andon::new()
        .args([
            "drill",
            "run",
            &root()
                .join("scenarios/vendor-session-night.yaml")
                .display()
                .to_string(),
            "--responses",
            &root()
                .join("scenarios/responses/vendor-session-night.met.yaml")
                .display()
                .to_string(),
            "--log",
            &log.display().to_string(),
        ])
        .run()
        .success();
    let (_broken, rb) = broken();
    let log = log.display().to_string();
    let run = Andon::new()
        .args(["replay", &log, "--against", &rb, "--format", "json"])
        .run()
        .fails(2);
    assert_load_failure(&run, "runbook.yaml");

    let missing = dir.path().join("missing.andonlog").display().to_string();
    let run = Andon::new()
        .args(["log", "verify", &missing, "--format", "json"])
        .run()
        .fails(2);
    let json = run.json();
    assert!(json["error"]["code"].is_null());
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing.andonlog"),
        "{json}"
    );
}

#[test]
fn import_into_a_runbook_that_does_not_load_is_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runbook.yaml"), BROKEN).unwrap();
    let export = dir.path().join("report.csv");
    std::fs::write(
        &export,
        "user,arn,user_creation_time,password_enabled,access_key_1_active\n",
    )
    .unwrap();
    let run = Andon::new()
        .args([
            "import",
            "aws-credential-report",
            &export.display().to_string(),
        ])
        .args(["-r", &dir.path().display().to_string(), "--dry-run"])
        .args(["--format", "json", "--now", "2026-11-22"])
        .run()
        .fails(2);
    assert_load_failure(&run, "runbook.yaml");
}

#[test]
fn graph_json_lists_every_node_and_edge_by_id() {
    let run = Andon::new()
        .runbook("runbooks/lyon-packaging")
        .args(["graph", "--format", "json"])
        .run()
        .success();
    let json = run.json();
    assert_eq!(json["plant"], "lyon-packaging");
    let nodes = json["nodes"].as_array().unwrap();
    let named = |n: &str| nodes.iter().find(|x| x["node"] == n);
    let alice = named("person:alice").expect("alice is a node");
    assert_eq!(alice["kind"], "person");
    assert_eq!(alice["name"], "Alice Martin");
    assert_eq!(alice["active"], true);
    assert_eq!(named("role:shift-lead").expect("a role")["kind"], "role");
    let level = (nodes.iter())
        .find(|x| x["kind"] == "level")
        .expect("a rule level");
    assert_eq!(level["level"], 1);
    let keys: std::collections::BTreeSet<&str> =
        nodes.iter().filter_map(|n| n["node"].as_str()).collect();
    let edges = json["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    for e in edges {
        assert!(keys.contains(e["from"].as_str().unwrap()), "{e}");
        assert!(keys.contains(e["to"].as_str().unwrap()), "{e}");
    }
    let kinds: std::collections::BTreeSet<&str> =
        edges.iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["member", "decides", "next", "escalates_to"] {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    // Each level decides through one target: the level's `decides` edge
    // goes to a role or a person.
    let level_key = level["node"].as_str().unwrap();
    let decides = (edges.iter())
        .find(|e| e["from"] == level_key && e["kind"] == "decides")
        .expect("the level decides");
    let to = decides["to"].as_str().unwrap();
    assert!(to.starts_with("role:") || to.starts_with("person:"), "{to}");
}

#[test]
fn the_database_commands_give_an_unreachable_database_as_json() {
    // A socket folder that does not exist: libpq fails at once, no server
    // needed.
    let db = "host=/nonexistent-andon-socket user=andon dbname=andon";
    for args in [
        &["incidents", "--db", db, "--format", "json"][..],
        &["db", "migrate", "--db", db, "--format", "json"],
    ] {
        let run = Andon::new()
            .env("PGCONNECT_TIMEOUT", "2")
            .args(args.iter().copied())
            .run()
            .fails(2)
            .stderr_has("cannot reach database `andon`");
        let json = run.json();
        assert!(json["error"]["code"].is_null(), "{args:?}: {json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("cannot reach database `andon`"),
            "{json}"
        );
    }
}
