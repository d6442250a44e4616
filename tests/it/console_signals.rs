//! SIGTERM, SIGHUP and SIGINT sent while the console shows its loading
//! frame (a generated plant of 30,000 identities, read without the
//! compiled image, takes seconds): the console ends, and the terminal it
//! leaves is as it found it: off the alternate screen, not raw (what is
//! typed echoes, lines are cooked).

use super::tmux::Pane;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `examples/gen`, built by `cargo test` beside the test binaries.
fn generator() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let generator = exe.parent()?.parent()?.join("examples/gen");
    generator.is_file().then_some(generator)
}

/// The process ids that are children of `pid` (Linux's /proc).
fn children(pid: &str) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_signal_during_the_loading_frame_ends_the_console_and_restores_the_terminal() {
    let Some(generator) = generator() else {
        eprintln!("skipped: examples/gen is not built (cargo test builds it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let plant = dir.path().join("plant");
    let made = std::process::Command::new(generator)
        .args(["--identities", "30000", "--out"])
        .arg(&plant)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    std::thread::scope(|scope| {
        for signal in ["TERM", "HUP", "INT"] {
            let (plant, dir) = (&plant, dir.path());
            scope.spawn(move || killed_while_loading(signal, plant, dir));
        }
    });
}

fn killed_while_loading(signal: &str, plant: &std::path::Path, dir: &std::path::Path) {
    let log = dir.join(format!("{signal}.andonlog"));
    // After andon: its exit status, then the terminal's modes as stty
    // reads them, then `cat`, to show what typing does.
    let script = format!(
        "\"$ANDON\" console {} --no-cache --log {} --at 2026-03-06T02:10; echo exit=$?; stty -a | tr -s \"; \" \"\\n\\n\" | grep -x -e echo -e -echo -e icanon -e -icanon | tr \"\\n\" \" \"; echo; exec cat",
        plant.display(),
        log.display()
    );
    let pane = Pane::shell(&format!("loading-{signal}"), &script);
    pane.wait_for("loading runbook");
    // The frame says how far the load is, in words and with a count.
    let frame = pane.wait_for("parsing the files: ");
    assert!(frame.contains(" of "), "SIG{signal}: no count:\n{frame}");
    let shell = pane.format("#{pane_pid}");
    let andon = children(&shell);
    assert_eq!(
        andon.len(),
        1,
        "SIG{signal}: andon is the shell's one child"
    );
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(&andon[0])
        .status()
        .unwrap();
    assert!(status.success());
    let still_loading = pane.screen().contains("loading runbook");
    // Loading ends in its own time; then the console ends at once.
    let start = Instant::now();
    let screen = loop {
        let screen = pane.screen();
        // The exit status, then the modes stty prints a moment later.
        if screen
            .split_once("exit=")
            .is_some_and(|(_, after)| after.contains("icanon"))
        {
            break screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "SIG{signal}: andon did not end; the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        still_loading,
        "SIG{signal} came after the loading frame: a bigger plant is needed"
    );
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "SIG{signal}: off the alternate screen:\n{screen}"
    );
    assert!(
        screen.contains("icanon echo") && !screen.contains("-icanon") && !screen.contains("-echo"),
        "SIG{signal}: the terminal is left raw:\n{screen}"
    );
    // Typed text echoes (the terminal) and comes back (cat): twice.
    pane.keys(&["typed-after-exit", "Enter"]);
    let screen = pane.wait_for("typed-after-exit");
    let start = Instant::now();
    let mut screen = screen;
    while screen.matches("typed-after-exit").count() < 2
        && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(50));
        screen = pane.screen();
    }
    assert_eq!(
        screen.matches("typed-after-exit").count(),
        2,
        "SIG{signal}: typing echoes once and cat repeats it:\n{screen}"
    );
    // The console had not begun: no log, or one that verifies and is closed.
    if log.exists() {
        let verify = std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
            .args(["log", "verify"])
            .arg(&log)
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "SIG{signal}: {}",
            String::from_utf8_lossy(&verify.stdout)
        );
        let text = std::fs::read_to_string(&log).unwrap();
        let last = text.lines().last().unwrap_or_default();
        assert!(
            last.contains("\"closed\""),
            "SIG{signal}: the log ends with closed:\n{text}"
        );
    }
}
