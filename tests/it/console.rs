//! The console as a person uses it: the real binary in a tmux pane at 80x24,
//! keys sent with `send-keys`, the screen read with `capture-pane`. Each test
//! has its own tmux server (`-L`), so tests run side by side. Needs tmux
//! (`.ci/run` installs it).

use super::harness::{root, shipped};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A console running in its own tmux server.
struct Pane {
    socket: String,
    dir: tempfile::TempDir,
}

impl Pane {
    /// Starts `andon console` on the shipped runbook at 02:10 on a Friday
    /// night, with no desktop session and `NO_COLOR`.
    fn console(name: &str) -> Pane {
        let dir = tempfile::tempdir().unwrap();
        let pane = Pane {
            socket: format!("andon-test-{}-{name}", std::process::id()),
            dir,
        };
        let command = format!(
            "exec env -u DBUS_SESSION_BUS_ADDRESS NO_COLOR=1 {} console {} --log {} --at 2026-03-06T02:10",
            env!("CARGO_BIN_EXE_andon"),
            shipped().display(),
            pane.log().display()
        );
        pane.tmux(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "t",
            &command,
        ]);
        // Keep the pane after the console exits, to read what it left.
        pane.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        pane.wait_for("Find identity");
        pane
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("incident.andonlog")
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    fn format(&self, what: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "t", what]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Waits until the screen shows `text` (a slow machine gets 20 s).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the screen never showed {text:?}; it shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the console process has ended.
    fn wait_exit(&self) {
        let start = Instant::now();
        while self.format("#{pane_dead}") != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the console did not exit; it shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
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
    let pane = Pane::console("e2e");
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
    let pane = Pane::console("term");
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    // Without a desktop session the escalation is still shown.
    let pid = pane.format("#{pane_pid}");
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    pane.wait_exit();
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "the terminal is restored"
    );
    assert!(verify(&pane.log()).status.success());
    let events = lines(&pane.log());
    let closed = events.last().unwrap();
    assert_eq!(closed["kind"], "closed");
    assert_eq!(closed["open"], serde_json::json!(["D1"]));
}

#[test]
fn ctrl_c_with_an_open_decision_asks_first() {
    let pane = Pane::console("ctrlc");
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
    let pane = Pane::console("lock");
    let out = Command::new(env!("CARGO_BIN_EXE_andon"))
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
