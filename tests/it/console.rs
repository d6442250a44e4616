//! The console as a person uses it, in tmux (see tmux.rs): a decision end
//! to end, SIGTERM, Ctrl-C, a second console on the same log, and a drill
//! at high speed replayed from its log.

use super::harness::{printed_pdf_text, root, shipped};
use super::tmux::Pane;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A console in a tmux pane, with its log in a temporary directory.
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
    /// `andon console` on the shipped runbook at 02:10 on a Friday night.
    fn start(name: &str) -> Console {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("incident.andonlog");
        let pane = Pane::andon(
            name,
            &format!(
                "console {} --log {} --at 2026-03-06T02:10",
                shipped().display(),
                log.display()
            ),
        );
        let screen = pane.wait_for("Find identity");
        // No D-Bus session here (tmux.rs unsets it): said once, at start.
        assert!(screen.contains("desktop notifications off"), "{screen}");
        Console { pane, dir }
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("incident.andonlog")
    }
}

fn verify(log: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_andon"))
        .args(["log", "verify"])
        .arg(log)
        .current_dir(root())
        .output()
        .unwrap()
}

fn lines(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_vendor_session_is_disconnected_end_to_end_and_the_log_verifies() {
    let pane = Console::start("e2e");
    pane.keys(&["acme"]);
    pane.wait_for("> vendor-acme-remote");
    pane.keys(&["Enter"]);
    pane.wait_for("Choose an action");
    pane.keys(&["Enter"]);
    let screen = pane.wait_for("disconnect vendor-acme-remote in state normal");
    assert!(screen.contains("> NOW  1. 02:10"), "{screen}");
    assert!(screen.contains("Alice Martin, OT shift lead"), "{screen}");
    pane.keys(&["r"]);
    pane.wait_for("Who decided?");
    pane.keys(&["Enter"]);
    pane.wait_for("approved: they decided to do it");
    pane.keys(&["Enter"]);
    let screen = pane.wait_for("D1 recorded");
    assert!(
        screen.contains("Alice Martin approved disconnect vendor-acme-remote,"),
        "{screen}"
    );
    assert!(
        screen.contains("authorized") && !screen.contains("NOT AUTHORIZED"),
        "{screen}"
    );
    // `e` writes the incident report next to the log.
    pane.keys(&["e"]);
    pane.wait_for("report written:");
    let report =
        std::fs::read_to_string(pane.dir.path().join("incident.andonlog.report.md")).unwrap();
    assert!(report.contains("vendor-acme-remote"), "{report}");
    assert!(
        report.contains("- **Participants:** Alice Martin (alice)\n"),
        "{report}"
    );
    assert!(report.contains("- **Head:** seq "), "{report}");
    // The printable page of the same report, as a shift lead hands it over.
    let page = pane.dir.path().join("incident.andonlog.report.html");
    if let Some(text) = printed_pdf_text(&page, pane.dir.path()) {
        for key in [
            "Incident report",
            "Alice Martin (alice)",
            "disconnect",
            "vendor-acme-remote",
        ] {
            assert!(text.contains(key), "the PDF lacks {key:?}:\n{text}");
        }
    }
    pane.keys(&["q"]);
    pane.wait_exit();
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "the terminal is restored"
    );
    let out = verify(&pane.log());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let events = lines(&pane.log());
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opened", "decision-opened", "decided", "closed"]);
    assert_eq!(events[2]["by"], serde_json::json!(["alice"]));
    assert_eq!(events[2]["authorized"], true);
    assert_eq!(events[0]["mode"], "live");
}

#[test]
fn sigterm_restores_the_terminal_and_closes_the_log_with_what_is_open() {
    // Without a desktop session the escalation is still shown.
    killed_with_d1_open("TERM");
}

/// A console with D1 open, ended by `kill -SIGNAL`: the terminal is
/// restored and `closed` names D1 as still open.
fn killed_with_d1_open(signal: &str) {
    let pane = Console::start(&format!("sig{signal}"));
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    let pid = pane.format("#{pane_pid}");
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    pane.wait_exit();
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "SIG{signal}: the terminal is restored"
    );
    assert!(verify(&pane.log()).status.success(), "SIG{signal}");
    let events = lines(&pane.log());
    let closed = events.last().unwrap();
    assert_eq!(closed["kind"], "closed", "SIG{signal}");
    assert_eq!(closed["open"], serde_json::json!(["D1"]), "SIG{signal}");
}

#[test]
fn a_note_typed_in_the_console_is_logged_and_shown_in_the_timeline() {
    let pane = Console::start("note");
    pane.keys(&["Escape", "a"]);
    pane.wait_for("Note for the log");
    // Letters are text in the box: q does not quit, s does not declare.
    pane.keys(&["Called Alice twice, voicemail; q s"]);
    pane.wait_for("Called Alice twice, voicemail; q s");
    pane.keys(&["Enter"]);
    pane.wait_for("note: Called Alice twice, voicemail; q s");
    pane.keys(&["l"]);
    pane.wait_for("Timeline: everything said");
    pane.keys(&["Escape", "q"]);
    pane.wait_exit();
    assert!(verify(&pane.log()).status.success());
    let events = lines(&pane.log());
    let notes: Vec<&serde_json::Value> = events.iter().filter(|e| e["kind"] == "note").collect();
    assert_eq!(notes.len(), 1, "{events:?}");
    assert_eq!(notes[0]["text"], "Called Alice twice, voicemail; q s");
    assert_eq!(events.last().unwrap()["kind"], "closed");
}

/// `kill -INT` and `kill -QUIT` are not the Ctrl-C key (raw mode turns
/// that into a key): they once killed the console in raw mode, with the
/// alternate screen on and no `closed`.
#[test]
fn sigint_and_sigquit_sent_by_kill_restore_the_terminal_and_close_the_log() {
    for signal in ["INT", "QUIT"] {
        killed_with_d1_open(signal);
    }
}

#[test]
fn ctrl_c_with_an_open_decision_asks_first() {
    let pane = Console::start("ctrlc");
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    pane.keys(&["C-c"]);
    pane.wait_for("1 decision is still open (D1)");
    pane.keys(&["n"]);
    pane.keys(&["C-c"]);
    pane.wait_for("Quit anyway?");
    pane.keys(&["y"]);
    pane.wait_exit();
    assert!(verify(&pane.log()).status.success());
}

#[test]
fn a_second_console_on_the_same_log_is_told_who_holds_it() {
    let pane = Console::start("lock");
    let out = Command::new(env!("CARGO_BIN_EXE_andon"))
        .env("ANDON_CACHE_DIR", "off")
        .arg("console")
        .arg(shipped())
        .arg("--log")
        .arg(pane.log())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is in use by"), "{err}");
    assert!(err.contains("process"), "{err}");
}

/// The night drill at x600 in a tmux pane, logging to `log`.
fn night_drill(name: &str, log: &Path) -> Pane {
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    Pane::andon(
        name,
        &format!(
            "drill {} --speed 600 --log {}",
            scenario.display(),
            log.display()
        ),
    )
}

/// In the night drill at x600: once Alice is out (the 4-minute inject),
/// the vendor session is cut and the first person offered is recorded.
fn record_the_vendor_cut(pane: &Pane) {
    pane.wait_for("Alice Martin cannot be reached");
    pane.keys(&["acme"]);
    pane.wait_for("> vendor-acme-remote");
    pane.keys(&["Enter"]);
    pane.wait_for("Choose an action");
    pane.keys(&["Enter"]);
    pane.wait_for("disconnect vendor-acme-remote in state normal");
    pane.keys(&["r"]);
    pane.wait_for("Who decided?");
    pane.keys(&["Enter"]);
    pane.wait_for("approved: they decided to do it");
    pane.keys(&["Enter"]);
}

#[test]
fn a_drill_at_high_speed_is_scored_and_its_log_replays() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("drill.andonlog");
    let pane = night_drill("drill", &log);
    // At x600 the 4-minute inject comes 0.4 s in: Alice stops answering.
    record_the_vendor_cut(&pane);
    let screen = pane.wait_for("D1 recorded");
    assert!(!screen.contains("NOT AUTHORIZED"), "{screen}");
    pane.keys(&["q"]);
    pane.wait_exit();
    assert!(verify(&log).status.success());
    let report = std::fs::read_to_string(dir.path().join("drill.andonlog.report.md")).unwrap();
    assert!(report.contains("cut-vendor"), "{report}");
    assert!(report.contains("mermaid"), "{report}");
    let kinds: Vec<String> = lines(&log)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds[..3], ["opened", "inject", "inject"], "{kinds:?}");
    assert!(kinds.contains(&"decided".to_owned()));

    let replay = Pane::andon("drill-replay", &format!("replay {}", log.display()));
    replay.wait_for("chain intact");
    replay.keys(&["G"]);
    let screen = replay.wait_for("Decisions taken (1)");
    assert!(screen.contains("disconnect vendor-acme-remote"), "{screen}");
    replay.keys(&["q"]);
    replay.wait_exit();
}

/// The night drill at x600: the vendor session's decision is opened and
/// nobody decides. Its rule (`vendor-sessions`: 5m, 10m, 15m, `repeat: 1`)
/// runs out at +30m, three seconds in: the chain starts again from level 1
/// on screen, and the log records the restart as an escalation with its
/// pass, after the decision-opened event that recorded `repeat`.
#[test]
fn a_repeating_chain_restarts_on_screen_and_in_the_log_in_a_fast_drill() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("drill.andonlog");
    let pane = night_drill("drill-repeat", &log);
    pane.keys(&["acme"]);
    pane.wait_for("> vendor-acme-remote");
    pane.keys(&["Enter"]);
    pane.wait_for("Choose an action");
    pane.keys(&["Enter"]);
    pane.wait_for("disconnect vendor-acme-remote in state normal");
    pane.keys(&["Enter"]);
    pane.wait_for("D1 opened");
    let screen = pane.wait_for("it starts again (pass 2 of 2)");
    assert!(screen.contains("level 1"), "{screen}");
    pane.keys(&["Escape", "q"]);
    pane.wait_for("Quit?");
    pane.keys(&["y"]);
    pane.wait_exit();
    assert!(verify(&log).status.success());
    let events = lines(&log);
    let opened = events
        .iter()
        .find(|e| e["kind"] == "decision-opened")
        .expect("the decision was opened");
    assert_eq!(opened["repeat"], 1, "{opened}");
    let restart = events
        .iter()
        .find(|e| e["kind"] == "escalated" && e["pass"] == 2)
        .expect("the restart is logged with its pass");
    assert_eq!(restart["level"], 1, "{restart}");
    assert_eq!(restart["reason"], "timeout", "{restart}");
    // On the drill's clock, when the chain's 30 minutes ran out.
    let time = |e: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap()
    };
    let ran = time(restart) - time(opened);
    assert_eq!(ran.num_minutes(), 30, "{opened}\n{restart}");
}

#[test]
fn a_rehearsal_resumes_on_its_simulated_clock() {
    // The README's first command rehearses a night with --at, then resumes it.
    let pane = Console::start("rehearsal");
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    let pid = pane.format("#{pane_pid}");
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    pane.wait_exit();
    let log = pane.log();
    let resumed = Pane::andon(
        "rehearsal-resumed",
        &format!("console --resume {}", log.display()),
    );
    let screen = resumed.wait_for("Open decisions (1)");
    // Still the night of 6 March, not the real time.
    assert!(screen.contains("Fri 02:1"), "{screen}");
    assert!(
        screen.contains("D1 disconnect vendor-acme-remote"),
        "{screen}"
    );
    resumed.keys(&["Escape", "l"]);
    resumed.wait_for("a rehearsal (--at) resumed");
    resumed.keys(&["Escape", "q"]);
    resumed.wait_for("Quit?");
    resumed.keys(&["y"]);
    resumed.wait_exit();
    assert!(verify(&log).status.success());
}

#[test]
fn a_drill_goes_on_after_the_session_drops() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("drill.andonlog");
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    let pane = night_drill("drill-before-drop", &log);
    record_the_vendor_cut(&pane);
    let before = pane.wait_for("D1 recorded");
    let score = |screen: &str| {
        screen
            .lines()
            .find_map(|l| {
                l.split(" | ")
                    .find(|p| p.starts_with("score "))
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let scored = score(&before);
    assert!(scored.contains("1 met"), "{before}");
    // The SSH session drops.
    let pid = pane.format("#{pane_pid}");
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    pane.wait_exit();

    let resumed = Pane::andon(
        "drill-resumed",
        &format!("drill {} --resume {}", scenario.display(), log.display()),
    );
    let screen = resumed.wait_for("PAUSED");
    assert!(screen.contains("DRILL +"), "{screen}");
    // The decision taken before the drop still counts.
    assert!(score(&screen).contains("1 met"), "{screen}");
    resumed.keys(&["Escape", "l"]);
    resumed.wait_for("drill resumed at +");
    resumed.keys(&["Escape", "q"]);
    resumed.wait_exit();
    assert!(verify(&log).status.success());
    let kinds: Vec<String> = lines(&log)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    // One `opened`, the injects once each, the resumption noted.
    assert_eq!(
        kinds.iter().filter(|k| *k == "opened").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "decided").count(),
        1,
        "{kinds:?}"
    );
    let notes: Vec<serde_json::Value> = lines(&log)
        .into_iter()
        .filter(|e| e["kind"] == "note")
        .collect();
    assert!(
        notes.iter().any(|n| n["text"]
            .as_str()
            .unwrap()
            .starts_with("drill resumed by process")),
        "{notes:?}"
    );
    let injects = lines(&log)
        .into_iter()
        .filter(|e| e["kind"] == "inject")
        .map(|e| e["n"].as_u64().unwrap())
        .collect::<Vec<_>>();
    let mut unique = injects.clone();
    unique.dedup();
    assert_eq!(injects, unique, "no inject logged twice");
}

#[test]
fn an_incident_resumes_from_its_log_after_the_session_drops() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("incident.andonlog");
    let args = format!("console {} --log {}", shipped().display(), log.display());
    let pane = Pane::andon("before-drop", &args);
    pane.wait_for("Find identity");
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    pane.keys(&["u"]);
    pane.wait_for("Who cannot be reached?");
    pane.keys(&["Space"]);
    pane.wait_for("Mark Alice Martin (alice) UNAVAILABLE?");
    pane.keys(&["y"]);
    pane.wait_for("[x] Alice Martin (alice) UNAVAILABLE");
    // The SSH session drops: tmux goes away, the console gets SIGHUP.
    drop(pane);
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("\"kind\":\"closed\"")
    {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no `closed`"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let pane = Pane::andon("resumed", &format!("console --resume {}", log.display()));
    let screen = pane.wait_for("Open decisions (1)");
    assert!(
        screen.contains("D1 disconnect vendor-acme-remote"),
        "{screen}"
    );
    assert!(screen.contains("unavailable: alice"), "{screen}");
    pane.keys(&["Escape"]);
    pane.keys(&["Tab"]);
    pane.wait_for("Enter to work on one");
    pane.keys(&["Enter"]);
    pane.wait_for("[OPEN D1");
    pane.keys(&["r"]);
    pane.wait_for("Who decided?");
    pane.keys(&["Enter", "Enter"]);
    pane.wait_for("D1 recorded");
    pane.keys(&["q"]);
    pane.wait_exit();
    assert!(verify(&log).status.success());
    let events = lines(&log);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // Whether alice's absence moved D1 depends on who is on shift now;
    // the rest does not.
    assert_eq!(
        kinds[..3],
        ["opened", "decision-opened", "note"],
        "{kinds:?}"
    );
    let dropped = kinds.iter().position(|k| *k == "closed").unwrap();
    assert_eq!(
        kinds[dropped + 1..],
        ["note", "decided", "closed"],
        "{kinds:?}"
    );
    assert!(
        events[dropped + 1]["text"]
            .as_str()
            .unwrap()
            .contains("resumed")
    );
    let decided = events.iter().find(|e| e["kind"] == "decided").unwrap();
    assert_eq!(decided["decision"], "D1");
}

#[test]
fn a_runbook_that_does_not_load_leaves_no_log_and_a_restored_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plant.yaml"),
        "andon: 1\nplant: [unclosed\n",
    )
    .unwrap();
    let log = dir.path().join("incident.andonlog");
    let pane = Pane::andon(
        "bad-runbook",
        &format!("console {} --log {}", dir.path().display(), log.display()),
    );
    pane.wait_exit();
    let screen = pane.screen();
    assert!(screen.contains("plant.yaml:2:"), "{screen}");
    assert!(screen.contains("nothing was loaded"), "{screen}");
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "the terminal is restored"
    );
    assert!(!log.exists(), "no empty log is left behind");
}
