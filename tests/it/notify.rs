//! Desktop notifications against a real D-Bus session: delivered to a
//! running daemon (seen on the bus by `dbus-monitor`), off when the bus is
//! missing, timed out when the daemon is frozen.
//!
//! The tests that need a session bus with dunst on it run only with
//! `ANDON_DBUS_TESTS=1`, inside the recipe of `.ci/run`:
//!
//! ```sh
//! xvfb-run -a dbus-run-session -- sh -c 'dunst >/dev/null 2>&1 & sleep 1;
//!   ANDON_DBUS_TESTS=1 cargo test --locked --test it notify -- --test-threads=1'
//! ```
//!
//! Run them in a session of their own, as there: one of them stops the
//! session's notification daemon (SIGSTOP) for about a second.

use andon::tui::notify::{Delivery, send};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Set to `1` to run the tests that need a session bus with dunst on it.
const DBUS_TESTS: &str = "ANDON_DBUS_TESTS";

/// Set in the child that [`a_missing_session_bus_is_off_not_a_hang`] starts.
const SENDER: &str = "ANDON_TEST_NOTIFY_SENDER";

const SUMMARY: &str = "andon: level 2 for vendor-acme-remote";
const BODY: &str = "disconnect vendor-acme-remote: call Dana Kowalski (security on-call) now";

/// One test at a time touches the daemon: one of them freezes it.
static DAEMON: Mutex<()> = Mutex::new(());

/// Whether the session-bus tests run; says so when they do not.
fn dbus_tests(test: &str) -> bool {
    let on = std::env::var_os(DBUS_TESTS).is_some_and(|v| v == "1");
    if !on {
        eprintln!("{test}: skipped (needs a D-Bus session with dunst; set {DBUS_TESTS}=1)");
    }
    on
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
}

/// Waits until `done` holds, checking every 50 ms, for at most `limit`;
/// returns whether it held. A bound against hanging, not a speed test.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if done() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process of the test, killed and reaped when dropped.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process id of whoever owns `org.freedesktop.Notifications` on this
/// session bus: the daemon our notifications go to, and no other.
fn daemon_pid() -> u32 {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.Notifications",
        ])
        .output()
        .expect("run dbus-send (package dbus)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "no notification daemon on the session bus (start dunst first): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.split_whitespace()
        .skip_while(|w| *w != "uint32")
        .nth(1)
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no process id in dbus-send's reply: {text}"))
}

/// Sends `signal` (`STOP`, `CONT`) to process `pid`.
fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// A process stopped with SIGSTOP, continued when dropped, even when the
/// test fails, so that the daemon is never left frozen.
struct Frozen(u32);

impl Frozen {
    fn new(pid: u32) -> Frozen {
        signal(pid, "STOP");
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.0.to_string()])
            .status();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn a_running_daemon_gets_a_critical_notify_from_andon() {
    if !dbus_tests("a_running_daemon_gets_a_critical_notify_from_andon") {
        return;
    }
    let _daemon = DAEMON.lock().unwrap_or_else(|e| e.into_inner());
    daemon_pid(); // fails clearly when no daemon is there
    let dir = tempfile::tempdir().expect("temporary directory");
    let seen = dir.path().join("monitor.txt");
    let monitor = Command::new("dbus-monitor")
        .args(["--session", "interface=org.freedesktop.Notifications"])
        .stdout(std::fs::File::create(&seen).expect("monitor output file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start dbus-monitor (package dbus)");
    let _monitor = Reaped(monitor);
    // dbus-monitor prints NameLost once it has become a monitor: from then
    // on it sees every call.
    assert!(
        eventually(Duration::from_secs(10), || read(&seen)
            .contains("member=NameLost")),
        "dbus-monitor did not start monitoring: {}",
        read(&seen)
    );

    let delivery = runtime().block_on(send(SUMMARY, BODY, Duration::from_secs(3)));
    assert_eq!(delivery, Delivery::Delivered);

    let arrived = eventually(Duration::from_secs(5), || {
        let text = read(&seen);
        text.contains("member=Notify") && text.contains(SUMMARY)
    });
    let text = read(&seen);
    assert!(arrived, "no Notify with the summary on the bus:\n{text}");
    let call = &text[text.find("member=Notify").expect("seen above")..];
    assert!(call.contains("string \"andon\""), "app name:\n{call}");
    assert!(
        call.contains(&format!("string \"{BODY}\"")),
        "body:\n{call}"
    );
    let urgency = &call[call.find("\"urgency\"").expect("an urgency hint")..];
    let level = urgency.split_whitespace().nth(3);
    assert_eq!(level, Some("2"), "critical urgency:\n{urgency}");
}

/// The sender child: sends once on the bus its environment names and
/// prints the outcome. Passes at once when [`SENDER`] is not set, as in an
/// ordinary test run.
#[test]
fn notify_sender_child() {
    if std::env::var_os(SENDER).is_none() {
        return;
    }
    let delivery = runtime().block_on(send(SUMMARY, BODY, Duration::from_secs(3)));
    println!("delivery: {delivery:?}");
}

// Needs no bus, so it always runs. It runs in a child process because the
// session bus address is process-wide: changing it here would race with
// the other tests of this binary.
#[test]
fn a_missing_session_bus_is_off_not_a_hang() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let nowhere = dir.path().join("no-bus-here");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "notify::notify_sender_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SENDER, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", nowhere.display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sender");
    // A bound so that a hang fails the test instead of stalling the run.
    let ended = eventually(Duration::from_secs(30), || {
        child.try_wait().ok().flatten().is_some()
    });
    if !ended {
        let _ = child.kill();
        let _ = child.wait();
        panic!("sending with no bus hung");
    }
    let out = child.wait_with_output().expect("the sender's output");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(
            "delivery: Off(\"no D-Bus session at the address in `DBUS_SESSION_BUS_ADDRESS`\")"
        ),
        "{out}"
    );
}

#[test]
fn a_frozen_daemon_times_out_instead_of_freezing_the_console() {
    if !dbus_tests("a_frozen_daemon_times_out_instead_of_freezing_the_console") {
        return;
    }
    let _daemon = DAEMON.lock().unwrap_or_else(|e| e.into_inner());
    let frozen = Frozen::new(daemon_pid());
    let limit = Duration::from_secs(1);
    let delivery = runtime().block_on(send(SUMMARY, BODY, limit));
    drop(frozen);
    assert_eq!(delivery, Delivery::TimedOut(limit));
    assert_eq!(
        delivery.off_reason().as_deref(),
        Some("the notification daemon did not answer within 1 s")
    );
}
