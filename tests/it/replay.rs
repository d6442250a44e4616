//! `andon replay`: a log written by `andon drill run` on the vendor-session
//! night, printed, compared with the runbook it was written with and with a
//! changed copy, tampered with; and the console in a tmux pane (tmux.rs).

use super::harness::{Andon, root, shipped};
use super::tmux::Pane;
use std::path::{Path, PathBuf};

/// The log of the vendor-session night with every expectation met, in a
/// temporary directory: Bob declares the emergency at 02:15 and cuts the
/// Acme session at 02:17 under rule `acme-session-in-incident`.
fn night_log() -> (tempfile::TempDir, PathBuf) {
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
    (dir, log)
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// A copy of the shipped runbook in `dir` where the rule that decides the
/// Acme session in an incident (and the vendor sessions' general rule)
/// call OT engineering first instead of the shift lead.
fn without_the_shift_lead(dir: &Path) -> PathBuf {
    let copy = dir.join("lyon-packaging-v2");
    crate::harness::copy_runbook(&shipped(), &copy);
    for file in std::fs::read_dir(shipped()).unwrap() {
        let file = file.unwrap().path();
        if file.is_dir() {
            continue;
        }
        let mut text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("50-authority.yaml") {
            for rule in ["id: vendor-sessions\n", "id: acme-session-in-incident\n"] {
                let at = text.find(rule).expect("the rule is in 50-authority.yaml");
                let level = at
                    + text[at..]
                        .find("role: shift-lead")
                        .expect("its first level");
                text.replace_range(
                    level..level + "role: shift-lead".len(),
                    "role: ot-engineering",
                );
            }
        }
        std::fs::write(copy.join(file.file_name().unwrap()), text).unwrap();
    }
    copy
}

#[test]
fn print_shows_the_timeline_and_the_decisions_taken() {
    let (_dir, log) = night_log();
    Andon::new()
        .args(["replay", &path(&log), "--print"])
        .run()
        .success()
        .stdout_has("11 events, chain intact")
        .stdout_has("inject 2: The line 3 operator reports conveyor speed changes")
        .stdout_has("[unavailable from now: alice]")
        .stdout_has("state changed from normal to emergency by bob (D1), authorized")
        .stdout_has("D2 02:17 disconnect vendor-acme-remote by bob: approved, authorized")
        .stdout_has("D1 02:15 declare emergency by bob: approved, authorized")
        .stdout_lacks("Against");
}

#[test]
fn against_the_runbook_it_was_written_with_nothing_differs() {
    let (_dir, log) = night_log();
    Andon::new()
        .args([
            "replay",
            &path(&log),
            "--print",
            "--against",
            &path(&shipped()),
        ])
        .run()
        .success()
        .stdout_has(": no difference");
}

#[test]
fn against_a_runbook_without_the_shift_lead_it_names_the_decision_and_the_person() {
    let (dir, log) = night_log();
    let v2 = without_the_shift_lead(dir.path());
    let run = Andon::new()
        .args(["replay", &path(&log), "--print", "--against", &path(&v2)])
        .run()
        .fails(1)
        .stdout_has(": 2 differences")
        .stdout_has(
            "D2 disconnect vendor-acme-remote at 02:17: today bob could no longer decide this (not in the chain of rule acme-session-in-incident)",
        )
        .stdout_has("D2 disconnect vendor-acme-remote at 02:17: first called was bob (role:shift-lead), today ");
    // The declaration is not touched by the change.
    assert!(
        !run.stdout().contains("D1 declare emergency at"),
        "{}",
        run.stdout()
    );

    let json = Andon::new()
        .args([
            "replay",
            &path(&log),
            "--format",
            "json",
            "--against",
            &path(&v2),
        ])
        .run()
        .fails(1)
        .json();
    assert_eq!(json["timeline"].as_array().unwrap().len(), 11);
    assert_eq!(json["chain"]["intact"], true);
    let found = json["against"]["differences"].as_array().unwrap();
    let authority = found.iter().find(|d| d["change"] == "authority").unwrap();
    assert_eq!(authority["decision"], "D2");
    assert_eq!(authority["person"], "bob");
    assert_eq!(authority["seq"], 10);
}

#[test]
fn a_tampered_log_says_where_the_chain_breaks_then_replays_what_is_intact() {
    let (dir, log) = night_log();
    let text = std::fs::read_to_string(&log).unwrap();
    let tampered = dir.path().join("tampered.andonlog");
    let changed = text.replacen(
        r#""by":["bob"],"decision":"D2""#,
        r#""by":["eve"],"decision":"D2""#,
        1,
    );
    assert_ne!(changed, text);
    std::fs::write(&tampered, changed).unwrap();
    let run = Andon::new()
        .args(["replay", &path(&tampered), "--print"])
        .run()
        .success();
    let first = run.stdout().lines().next().unwrap_or_default().to_owned();
    assert!(
        first
            .starts_with("warning: line 10: content does not match its hash: the line was changed"),
        "{}",
        run.stdout()
    );
    let run = run
        .stdout_has("9 events, CHAIN BROKEN")
        .stdout_has("D1 02:15 declare emergency by bob: approved, authorized");
    assert!(!run.stdout().contains("by eve"), "{}", run.stdout());
    Andon::new()
        .args(["replay", &path(&tampered), "--format", "json"])
        .run()
        .success()
        .stderr_has("warning: line 10:");
}

#[test]
fn a_log_that_cannot_be_read_or_holds_nothing_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    Andon::new()
        .args([
            "replay",
            &path(&dir.path().join("none.andonlog")),
            "--print",
        ])
        .run()
        .fails(2)
        .stderr_has("cannot read");
    let empty = dir.path().join("empty.andonlog");
    std::fs::write(&empty, "").unwrap();
    Andon::new()
        .args(["replay", &path(&empty), "--print"])
        .run()
        .fails(2)
        .stderr_has("holds no event to replay");
}

#[test]
fn the_console_goes_to_the_last_event_and_quits_with_q() {
    let (_dir, log) = night_log();
    let pane = Pane::andon("replay", &format!("replay {}", log.display()));
    let screen = pane.wait_for("event 1 of 11");
    assert!(
        screen.contains("REPLAY lyon-packaging | NORMAL"),
        "{screen}"
    );
    assert!(screen.contains("chain intact"), "{screen}");
    pane.keys(&["G"]);
    // The frame is drawn top to bottom: the decisions taken come last.
    let screen = pane.wait_for("Decisions taken (2)");
    assert!(screen.contains("event 11 of 11"), "{screen}");
    assert!(screen.contains(">  02:20:00  closed"), "{screen}");
    assert!(
        screen.contains("D2 02:17 disconnect vendor-acme-remote by bob: approved, authorized"),
        "{screen}"
    );
    assert!(screen.contains("EMERGENCY"), "{screen}");
    pane.keys(&["q"]);
    pane.wait_exit();
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "the terminal is restored"
    );
}
