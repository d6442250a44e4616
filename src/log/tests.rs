//! The log against tampering, truncation, a second writer and file modes.

use super::event::{Decided, DecisionOpened, Escalated, Note, Opened};
use super::*;
use chrono::{DateTime, FixedOffset};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn at(minute: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-06T02:{minute:02}:00+01:00")).unwrap()
}

fn holder() -> Holder {
    Holder::this_process(at(0))
}

/// A log of five events; returns the directory and the file's path.
fn sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.andonlog");
    let mut log = Log::create(&path, &holder()).unwrap();
    let events = [
        Event::new(
            at(0),
            Opened {
                plant: Some("lyon-packaging".into()),
                ..Opened::default()
            },
        ),
        Event::new(
            at(1),
            DecisionOpened {
                identity: Some("vendor-acme-remote".into()),
                ..DecisionOpened::default()
            },
        ),
        Event::new(
            at(2),
            Escalated {
                people: vec!["dana".into()],
                ..Escalated::default()
            },
        ),
        Event::new(
            at(3),
            Decided {
                by: vec!["dana".into()],
                authorized: Some(true),
                ..Decided::default()
            },
        ),
        Event::empty(at(4), Kind::Closed),
    ];
    for (i, e) in events.iter().enumerate() {
        assert_eq!(log.append(e).unwrap(), i as u64 + 1);
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    std::fs::write(path, lines.concat()).unwrap();
}

#[test]
fn a_written_log_reads_back_and_verifies() {
    let (_dir, path) = sample();
    let read = read(&path).unwrap();
    assert_eq!(read.events.len(), 5);
    assert_eq!(read.torn_tail, None);
    assert_eq!(read.events[0].prev, GENESIS);
    let Body::Decided(d) = &read.events[3].event.body else {
        panic!("{:?}", read.events[3]);
    };
    assert_eq!(d.by, ["dana"]);
    assert_eq!(d.authorized, Some(true));
    let v = verify(&path).unwrap();
    assert!(v.intact());
    assert_eq!(v.events, 5);
}

#[test]
fn flipping_any_byte_of_a_line_is_caught_at_that_line() {
    let (_dir, path) = sample();
    let original = lines(&path);
    let target = 3; // the fourth line, the decision
    let body = original[target].len() - 1; // every byte but the newline
    for pos in 0..body {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut changed = original.clone();
            changed[target][pos] ^= mask;
            write_lines(&path, &changed);
            let v = verify(&path).unwrap();
            let problem = v
                .problem
                .unwrap_or_else(|| panic!("byte {pos} ^ {mask:#x} not caught"));
            assert_eq!(
                problem.line,
                target + 1,
                "byte {pos} ^ {mask:#x}: {problem:?}"
            );
            assert_eq!(v.events, 3);
        }
    }
}

#[test]
fn a_deleted_line_is_caught() {
    let (_dir, path) = sample();
    let mut changed = lines(&path);
    changed.remove(2);
    write_lines(&path, &changed);
    let problem = verify(&path).unwrap().problem.unwrap();
    assert_eq!(problem.line, 3);
    assert_eq!(
        problem.fault,
        Fault::Seq {
            expected: 3,
            found: 4
        }
    );
    assert!(problem.fault.to_string().contains("removed"));
}

#[test]
fn a_deleted_first_line_is_caught() {
    let (_dir, path) = sample();
    let mut changed = lines(&path);
    changed.remove(0);
    write_lines(&path, &changed);
    assert_eq!(verify(&path).unwrap().problem.unwrap().line, 1);
}

#[test]
fn swapped_lines_are_caught() {
    let (_dir, path) = sample();
    let mut changed = lines(&path);
    changed.swap(1, 2);
    write_lines(&path, &changed);
    let problem = verify(&path).unwrap().problem.unwrap();
    assert_eq!(problem.line, 2);
    assert!(problem.fault.to_string().contains("reordered"));
}

#[test]
fn a_rehashed_change_is_caught_at_the_next_line() {
    // Someone who recomputes the changed line's own hash still breaks `prev`.
    let (_dir, path) = sample();
    let mut changed = lines(&path);
    let entry = &read(&path).unwrap().events[1];
    let forged = Event::new(
        entry.event.at,
        DecisionOpened {
            identity: Some("other".into()),
            ..DecisionOpened::default()
        },
    );
    let (line, _) = canon::seal(&canon::canonical(2, &forged, &entry.prev));
    changed[1] = format!("{line}\n").into_bytes();
    write_lines(&path, &changed);
    let problem = verify(&path).unwrap().problem.unwrap();
    assert_eq!((problem.line, problem.fault), (3, Fault::Prev));
}

#[test]
fn a_line_cut_mid_write_is_a_torn_tail_and_the_rest_verifies() {
    let (_dir, path) = sample();
    let bytes = std::fs::read(&path).unwrap();
    let cut = bytes.len() - 40;
    std::fs::write(&path, &bytes[..cut]).unwrap();
    let v = verify(&path).unwrap();
    assert!(v.intact());
    assert_eq!(v.events, 4);
    let torn = v.torn_tail.unwrap();
    assert_eq!(torn.line, 5);
    let start = bytes[..cut].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(torn.bytes, bytes[start..cut]);
    let read = read(&path).unwrap();
    assert_eq!(read.events.len(), 4);
    assert_eq!(read.torn_tail.unwrap().line, 5);
    // Appending to it would bury the torn line: refused, and the file untouched.
    let err = Log::open_append(&path, &holder()).unwrap_err();
    assert!(matches!(err, LogError::Torn { line: 5, .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes[..cut]);
}

#[test]
fn a_missing_newline_alone_is_a_torn_tail() {
    let (_dir, path) = sample();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    let v = verify(&path).unwrap();
    assert_eq!((v.events, v.torn_tail.unwrap().line), (4, 5));
}

#[test]
fn the_log_and_its_lock_note_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.andonlog");
    let _log = Log::create(&path, &holder()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("x.andonlog.lock")), 0o600);
}

#[test]
fn a_second_writer_is_told_who_holds_the_log() {
    let (_dir, path) = sample();
    let first = Log::open_append(&path, &holder()).unwrap();
    let err = Log::open_append(&path, &holder()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, LogError::Locked { .. }), "{message}");
    assert!(
        message.contains(&format!("process {}", std::process::id())),
        "{message}"
    );
    assert!(
        message.contains("since 2026-03-06T02:00:00+01:00"),
        "{message}"
    );
    drop(first);
    let mut again = Log::open_append(&path, &holder()).unwrap();
    assert_eq!(again.last_seq(), 5);
    assert_eq!(
        again.append(&Event::new(at(9), Note::default())).unwrap(),
        6
    );
    drop(again);
    assert!(verify(&path).unwrap().intact());
    assert_eq!(verify(&path).unwrap().events, 6);
}

#[test]
fn create_refuses_an_existing_log() {
    let (_dir, path) = sample();
    assert!(matches!(
        Log::create(&path, &holder()),
        Err(LogError::Io { .. })
    ));
    assert_eq!(verify(&path).unwrap().events, 5);
}

#[test]
fn an_empty_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.andonlog");
    drop(Log::create(&path, &holder()).unwrap());
    let v = verify(&path).unwrap();
    assert_eq!((v.events, v.problem, v.torn_tail), (0, None, None));
}

#[test]
fn the_intact_part_of_a_broken_log_reads_up_to_the_break() {
    let (_dir, path) = sample();
    let mut changed = lines(&path);
    changed.remove(2);
    write_lines(&path, &changed);
    assert!(read(&path).is_err(), "a broken log does not read whole");
    let (intact, problem) = read_intact(&path).unwrap();
    assert_eq!(intact.events.len(), 2);
    assert_eq!(problem.unwrap().line, 3);
    let (whole, problem) = read_intact(&sample().1).unwrap();
    assert_eq!((whole.events.len(), problem), (5, None));
}
