//! `andon log verify` on logs written by the library, tampered with in the
//! ways a file is tampered with, and a writer killed mid-stream.

use crate::harness::Andon;
use andon::log::{Holder, Log, verify};
use chrono::{DateTime, FixedOffset};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Set in the child that [`a_writer_killed_mid_stream_loses_no_synced_event`] starts.
const WRITER: &str = "ANDON_TEST_LOG_WRITER";

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").expect("time")
}

/// A log of `n` events in a temporary directory.
fn log_of(n: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("drill.andonlog");
    let mut log = Log::create(&path, &Holder::this_process(at())).expect("create");
    for i in 1..=n {
        // A log begins with `opened` (`log verify` says so otherwise).
        let event = if i == 1 {
            andon::log::Event::new(at(), andon::log::event::Opened::default())
        } else {
            andon::log::events::note(at(), &format!("note {i}"))
        };
        assert_eq!(log.append(&event).expect("append"), i);
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("read log")
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect()
}

fn andon_verify(path: &Path) -> crate::harness::Run {
    Andon::new()
        .args(["log", "verify", path.to_str().expect("UTF-8 path")])
        .run()
}

#[test]
fn an_intact_log_verifies_and_prints_its_head() {
    let (_dir, path) = log_of(5);
    let mut log = Log::open_append(&path, &Holder::this_process(at())).expect("reopen");
    log.append(&andon::log::events::closed(at(), &[]))
        .expect("append closed");
    drop(log);
    let last = lines(&path).pop().expect("a last line");
    let hash = serde_json::from_str::<serde_json::Value>(&last).expect("JSON line")["hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    andon_verify(&path)
        .success()
        .stdout_has("ok: 6 events, chain intact")
        .stdout_has(&format!("head: seq 6, hash {hash}"))
        .stdout_lacks("warning");
}

#[test]
fn a_log_that_does_not_end_with_closed_says_so() {
    let (_dir, path) = log_of(3);
    andon_verify(&path)
        .success()
        .stdout_has("ok: 3 events, chain intact")
        .stdout_has("warning: not closed: the log has no `closed` event at its end");
}

#[test]
fn a_flipped_byte_is_named_by_line() {
    let (_dir, path) = log_of(6);
    let mut bytes = std::fs::read(&path).expect("read");
    let start: usize = lines(&path)[..3].iter().map(String::len).sum();
    bytes[start + 30] ^= 0x01;
    std::fs::write(&path, bytes).expect("write");
    andon_verify(&path)
        .fails(1)
        .stderr_has("error: line 4: ")
        .stderr_has("changed");
}

#[test]
fn a_deleted_line_is_named() {
    let (_dir, path) = log_of(6);
    let mut l = lines(&path);
    l.remove(4);
    std::fs::write(&path, l.concat()).expect("write");
    andon_verify(&path)
        .fails(1)
        .stderr_has("error: line 5: seq 6 where 5 was expected")
        .stderr_has("removed");
}

#[test]
fn swapped_lines_are_named() {
    let (_dir, path) = log_of(6);
    let mut l = lines(&path);
    l.swap(2, 3);
    std::fs::write(&path, l.concat()).expect("write");
    andon_verify(&path)
        .fails(1)
        .stderr_has("error: line 3: seq 4 where 3 was expected")
        .stderr_has("reordered");
}

#[test]
fn a_torn_last_line_is_a_warning_and_the_rest_verifies() {
    let (_dir, path) = log_of(6);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() - 25]).expect("write");
    andon_verify(&path)
        .success()
        .stdout_has("ok: 5 events, chain intact")
        .stdout_has("warning: line 6: torn last line");
}

#[test]
fn an_unreadable_log_exits_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing = dir.path().join("missing.andonlog");
    andon_verify(&missing)
        .fails(2)
        .stderr_has("error: cannot read `");
}

/// The writer child: appends notes to the log named by [`WRITER`], printing
/// each `seq` once `append` has returned (synced). Passes at once when the
/// variable is not set, as in an ordinary test run.
#[test]
fn log_writer_child() {
    let Some(path) = std::env::var_os(WRITER) else {
        return;
    };
    let mut log = Log::open_append(Path::new(&path), &Holder::this_process(at())).expect("open");
    // A bound in case the parent never kills us; a closed stdout ends us too.
    for i in 0..100_000 {
        let event = andon::log::events::note(at(), &format!("synced note {i}"));
        let seq = log.append(&event).expect("append");
        println!("synced {seq}");
    }
}

/// The `seq` in a child's `synced N` line (libtest may print its
/// `test ... ` prefix on the same line).
fn synced(line: &str) -> Option<u64> {
    let (_, seq) = line.trim().split_once("synced ")?;
    Some(seq.parse().expect("seq"))
}

#[test]
fn a_writer_killed_mid_stream_loses_no_synced_event() {
    let (_dir, path) = log_of(1);
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "log::log_writer_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WRITER, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the writer");
    let mut out = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut reported = Vec::new();
    let mut line = String::new();
    let mut lock_checked = false;
    while reported.len() < 300 {
        line.clear();
        if out.read_line(&mut line).expect("read child") == 0 {
            let _ = child.kill();
            panic!("the writer ended early after {reported:?}");
        }
        reported.extend(synced(&line));
        if !lock_checked && !reported.is_empty() {
            // While it writes, nobody else may, and we are told who it is.
            let err = Log::open_append(&path, &Holder::this_process(at()))
                .expect_err("the log is locked by the writer");
            let message = err.to_string();
            assert!(
                message.contains(&format!("in use by process {}", child.id())),
                "{message}"
            );
            lock_checked = true;
        }
    }
    child.kill().expect("SIGKILL the writer");
    child.wait().expect("reap the writer");
    // Lines already in the pipe were synced too.
    for rest in out.lines() {
        reported.extend(synced(&rest.expect("read child")));
    }

    let v = verify(&path).expect("read the log");
    assert!(v.intact(), "{:?}", v.problem);
    let last = *reported.last().expect("some events");
    assert_eq!(reported, (2..=last).collect::<Vec<_>>());
    assert!(
        v.events >= last,
        "{} events in the log, {last} reported synced",
        v.events
    );
    let expected = match &v.torn_tail {
        Some(t) => format!("warning: line {}: torn last line", t.line),
        None => format!("ok: {} events, chain intact", v.events),
    };
    andon_verify(&path).success().stdout_has(&expected);
    // The killed writer's lock went with it.
    if v.torn_tail.is_none() {
        let log = Log::open_append(&path, &Holder::this_process(at())).expect("reopen");
        assert_eq!(log.last_seq(), v.events);
    }
}

#[test]
fn verify_in_json_gives_the_verdict_the_head_and_closed() {
    let (_dir, path) = log_of(4);
    let run = Andon::new()
        .args([
            "log",
            "verify",
            path.to_str().expect("UTF-8 path"),
            "--format",
            "json",
        ])
        .run()
        .success();
    let json = run.json();
    assert_eq!(json["intact"], true);
    assert_eq!(json["events"], 4);
    assert_eq!(json["closed"], false);
    assert_eq!(json["head"]["seq"], 4);
    assert!(json["problem"].is_null() && json["torn_tail"].is_null());
    // A changed line: exit 1, and the line named.
    let mut text = std::fs::read_to_string(&path).expect("read");
    text = text.replacen("note 2", "note X", 1);
    std::fs::write(&path, text).expect("write");
    let run = Andon::new()
        .args([
            "log",
            "verify",
            path.to_str().expect("UTF-8 path"),
            "--format",
            "json",
        ])
        .run()
        .fails(1);
    let json = run.json();
    assert_eq!(json["intact"], false);
    assert_eq!(json["problem"]["line"], 2);
}
