//! `andon drill run`: headless drills of the shipped scenarios from their
//! responses files, the decision log and report files they write, and bad
//! input.

use super::harness::{Andon, Run, printed_pdf_text, root};
use std::path::{Path, PathBuf};

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `andon drill run SCENARIO --responses RESPONSES --log LOG` (paths from
/// the project root, the log anywhere), plus `extra`.
fn drill_run(scenario: &str, responses: &Path, log: &Path, extra: &[&str]) -> Run {
    Andon::new()
        .args(["drill", "run", text(&root().join(scenario)), "--responses"])
        .args([text(responses), "--log", text(log)])
        .args(extra)
        .run()
}

/// `scenarios/X.yaml` for `scenarios/responses/X.met.yaml` or `X.fail.yaml`.
fn scenario_of(responses: &Path) -> (String, bool) {
    let name = responses
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    let (stem, met) = match name.strip_suffix(".met.yaml") {
        Some(stem) => (stem, true),
        None => (
            name.strip_suffix(".fail.yaml")
                .unwrap_or_else(|| panic!("`{name}` is neither .met.yaml nor .fail.yaml")),
            false,
        ),
    };
    (format!("scenarios/{stem}.yaml"), met)
}

fn beside(log: &Path, ext: &str) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(ext);
    PathBuf::from(name)
}

#[test]
fn every_shipped_responses_file_exits_0_when_met_and_1_when_failing_and_its_log_verifies() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios/responses"))
        .expect("scenarios/responses")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for shipped in [
        "vendor-session-night.met.yaml",
        "vendor-session-night.fail.yaml",
        "mes-erp-key-leaked.met.yaml",
        "mes-erp-key-leaked.fail.yaml",
    ] {
        assert!(
            files.iter().any(|f| f.ends_with(shipped)),
            "{shipped} is shipped"
        );
    }
    for responses in &files {
        let (scenario, met) = scenario_of(responses);
        let name = responses
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        let log = dir.path().join(format!("{name}.andonlog"));
        let run = drill_run(&scenario, responses, &log, &[]);
        let run = if met { run.success() } else { run.fails(1) };
        run.stdout_has("# After-action report: ")
            .stdout_has("```mermaid\ngantt\n");
        Andon::new()
            .args(["log", "verify", text(&log)])
            .run()
            .success()
            .stdout_has("chain intact");
        let markdown = std::fs::read_to_string(beside(&log, ".report.md")).expect("report.md");
        assert!(markdown.contains("```mermaid\ngantt\n"), "{name}");
        let json = std::fs::read_to_string(beside(&log, ".report.json")).expect("report.json");
        let json: serde_json::Value = serde_json::from_str(&json).expect("report.json is JSON");
        assert_eq!(json["met"], met, "{name}");
    }
}

#[test]
fn the_failing_vendor_drill_is_unauthorized_and_late_in_json() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = root().join("scenarios/responses/vendor-session-night.fail.yaml");
    let log = dir.path().join("night.andonlog");
    let run = drill_run(
        "scenarios/vendor-session-night.yaml",
        &responses,
        &log,
        &["--format", "json"],
    )
    .fails(1);
    let json = run.json();
    let status = |i: usize| {
        json["expectations"][i]["status"]
            .as_str()
            .map(str::to_owned)
    };
    assert_eq!(
        status(0).as_deref(),
        Some("unauthorized"),
        "klaus cut the session"
    );
    assert_eq!(status(1).as_deref(), Some("late"), "bob declared at +9m");
    assert_eq!(json["objectives"][0]["rating"], "M");
    assert_eq!(json["objectives"][1]["rating"], "S");
    assert_eq!(json["final_state"], "emergency");
    assert_eq!(json["start"]["at"], "2026-03-06T02:10:00+01:00");
    // Located relative to the runbook, which the report names once.
    let location = json["findings"][0]["location"].as_str().unwrap_or_default();
    assert!(location.starts_with("50-authority.yaml:"), "{location}");
    let runbook = json["runbook"].as_str().unwrap_or_default();
    assert!(runbook.ends_with("runbooks/lyon-packaging"), "{runbook}");
    // The improvement plan: the unauthorized cut is for the plant's
    // management to settle in the runbook, the late declaration for the
    // shift lead to rehearse; each with a due date still to agree.
    let plan = json["improvements"].as_array().cloned().unwrap_or_default();
    assert_eq!(plan.len(), 2, "{plan:?}");
    assert_eq!(plan[0]["owner_role"], "plant-manager");
    assert!(
        plan[0]["action"]
            .as_str()
            .unwrap_or_default()
            .contains("`klaus`"),
        "{plan:?}"
    );
    assert_eq!(plan[1]["owner_role"], "shift-lead");
    assert!(
        plan[1]["finding"]
            .as_str()
            .unwrap_or_default()
            .contains("`declare-emergency`"),
        "{plan:?}"
    );
    assert!(plan.iter().all(|i| i["due"].is_null()), "{plan:?}");
    // The log: opened in drill mode, each event on the plant clock.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .expect("log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines[0]["kind"], "opened");
    assert_eq!(lines[0]["mode"], "drill");
    assert_eq!(lines[0]["scenario"], "vendor-session-night");
    let decided: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["kind"] == "decided").collect();
    assert_eq!(decided[0]["at"], "2026-03-06T02:16:00+01:00");
    assert_eq!(decided[0]["authorized"], false);
    assert_eq!(
        lines.last().map(|l| l["kind"].clone()),
        Some("closed".into())
    );
}

#[test]
fn without_log_the_log_is_named_after_the_scenario_in_the_current_directory() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = root().join("scenarios/responses/mes-erp-key-leaked.met.yaml");
    Andon::new()
        .in_dir(dir.path())
        .args([
            "drill",
            "run",
            text(&root().join("scenarios/mes-erp-key-leaked.yaml")),
        ])
        .args(["--responses", text(&responses)])
        .run()
        .success();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let log = names
        .iter()
        .find(|n| n.ends_with(".andonlog"))
        .unwrap_or_else(|| panic!("no log in {names:?}"));
    // mes-erp-key-leaked-YYYYmmddTHHMMSSZ.andonlog
    let stamp = log
        .strip_prefix("mes-erp-key-leaked-")
        .and_then(|s| s.strip_suffix("Z.andonlog"))
        .expect("named after the scenario");
    assert_eq!(stamp.len(), 15, "{log}");
    assert_eq!(stamp.as_bytes()[8], b'T', "{log}");
    assert!(names.contains(&format!("{log}.report.md")), "{names:?}");
    assert!(names.contains(&format!("{log}.report.json")), "{names:?}");
}

#[test]
fn drills_run_at_once_without_log_each_get_their_own_log() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let scenario = root().join("scenarios/mes-erp-key-leaked.yaml");
    let responses = root().join("scenarios/responses/mes-erp-key-leaked.met.yaml");
    // Started together, most share the second their default name is made of.
    let runs: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
                .current_dir(dir.path())
                .args([
                    "drill",
                    "run",
                    text(&scenario),
                    "--responses",
                    text(&responses),
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start andon")
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut logs: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".andonlog"))
        .collect();
    logs.sort();
    assert_eq!(logs.len(), 4, "{logs:?}");
    for log in &logs {
        Andon::new()
            .in_dir(dir.path())
            .args(["log", "verify", log])
            .run()
            .success();
    }
}

#[test]
fn an_existing_log_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = dir.path().join("taken.andonlog");
    std::fs::write(&log, "evidence\n").expect("write");
    let responses = root().join("scenarios/responses/vendor-session-night.met.yaml");
    drill_run("scenarios/vendor-session-night.yaml", &responses, &log, &[])
        .fails(2)
        .stderr_has("already exists and a decision log is never overwritten");
    assert_eq!(std::fs::read_to_string(&log).expect("read"), "evidence\n");
    assert!(!beside(&log, ".report.md").exists());
}

/// A responses file for the shipped night scenario, written in a temporary
/// directory as `r.yaml`.
fn responses_file(dir: &Path, decisions: &str) -> PathBuf {
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    let path = dir.join("r.yaml");
    let text = format!(
        "andon-responses: 1\nscenario: {}\ndecisions:\n{decisions}",
        scenario.display()
    );
    std::fs::write(&path, text).expect("write responses");
    path
}

#[test]
fn a_bad_responses_file_gives_located_errors_exit_2_and_no_log() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = responses_file(
        dir.path(),
        "  - { at: 3m, action: disconnect, identity: vendor-acme-remote, by: bobb }\n  - { at: 5 min, action: declare, state: emergency, by: bob }\n",
    );
    let log = dir.path().join("bad.andonlog");
    drill_run("scenarios/vendor-session-night.yaml", &responses, &log, &[])
        .fails(2)
        .stderr_has("error[TYP001]: bad duration `5 min` for the decision time")
        .stderr_has("r.yaml:5:11")
        .stderr_has("= help: write a number and a unit");
    assert!(!log.exists(), "nothing written on bad input");
    let responses = responses_file(
        dir.path(),
        "  - { at: 3m, action: disconnect, identity: vendor-acme-remote, by: bobb }\n",
    );
    drill_run("scenarios/vendor-session-night.yaml", &responses, &log, &[])
        .fails(2)
        .stderr_has("error[REF001]: unknown person `bobb`")
        .stderr_has("r.yaml:4:69")
        .stderr_has("= help: did you mean `bob`?");
    assert!(!log.exists());
}

#[test]
fn responses_for_another_scenario_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = root().join("scenarios/responses/vendor-session-night.met.yaml");
    let log = dir.path().join("x.andonlog");
    drill_run("scenarios/mes-erp-key-leaked.yaml", &responses, &log, &[])
        .fails(2)
        .stderr_has("these responses are for the scenario `../vendor-session-night.yaml`");
    assert!(!log.exists());
}

#[test]
fn the_after_action_report_names_people_the_runbook_hash_the_log_head_and_who_stood_in() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = root().join("scenarios/responses/vendor-session-night.fail.yaml");
    let log = dir.path().join("night.andonlog");
    let run = drill_run("scenarios/vendor-session-night.yaml", &responses, &log, &[]).fails(1);
    let md = run.stdout();
    // The runbook hash is the one the log recorded when it opened.
    let opened: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&log)
            .expect("log")
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("JSON");
    let hash = format!(
        "| Runbook hash | `{}` |",
        opened["runbook_hash"].as_str().expect("hash")
    );
    assert!(md.contains(&hash), "{md}");
    assert!(
        md.contains("| Participants | Klaus Becker (klaus), Bob Durand (bob) |"),
        "{md}"
    );
    assert!(md.contains("| Exercise run | "), "{md}");
    // The head the auditor writes down is the log's last line.
    let last: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&log)
            .expect("log")
            .lines()
            .last()
            .expect("a line"),
    )
    .expect("JSON");
    let head = format!(
        "chain intact; head seq {}, hash `{}`",
        last["seq"],
        last["hash"].as_str().expect("hash")
    );
    assert!(md.contains(&head), "{md}");
    assert!(
        md.contains("by Klaus Becker (klaus): approved, **not authorized**"),
        "{md}"
    );
    // Bob standing in for alice is the runbook working, not a gap.
    let stood_in = md
        .split("## Who stood in")
        .nth(1)
        .expect("a who-stood-in section");
    assert!(stood_in.contains("`bob`, backup for alice"), "{md}");
    let unclear = md
        .split("## Where authority was unclear")
        .nth(1)
        .expect("section");
    let unclear = unclear.split("## Who stood in").next().unwrap_or_default();
    assert!(!unclear.contains("backup for alice"), "{md}");
}

/// The after-action report a facilitator hands out: one HTML page with
/// no script, printed to an A4 PDF by headless Chromium whose text names
/// the decider and the rating.
#[test]
fn the_after_action_report_prints_from_html_to_a_pdf_that_names_the_decider_and_the_rating() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let responses = root().join("scenarios/responses/vendor-session-night.fail.yaml");
    let log = dir.path().join("night.andonlog");
    drill_run("scenarios/vendor-session-night.yaml", &responses, &log, &[]).fails(1);
    let page = beside(&log, ".report.html");
    let html = std::fs::read_to_string(&page).expect("the HTML report");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!html.to_lowercase().contains("<script"), "no script");
    assert!(html.contains("Content-Security-Policy"));
    assert!(
        html.contains("<table>") && html.contains("<th>"),
        "tables with headers"
    );
    let Some(text) = printed_pdf_text(&page, dir.path()) else {
        return;
    };
    for key in [
        "After-action report",
        "Klaus Becker (klaus)",
        "M (performed with major challenges)",
        "Who stood in",
        "Improvement plan",
        "Plant management (plant-manager)",
        "__________",
    ] {
        assert!(text.contains(key), "the PDF lacks {key:?}:\n{text}");
    }
}
