//! Hostile decision logs: forged and re-hashed so that the chain holds,
//! and broken in the ways a forger or a bad writer breaks a story. `log
//! verify` names each by line and `seq` and fails on what breaks the
//! story; `console --resume` and `drill --resume` refuse such a log with
//! the reason and leave it as it was; nothing panics or hangs.

use crate::harness::{Andon, shipped};
use andon::log::event::{Decided, DecisionOpened, Escalated, Level, Opened};
use andon::log::{Event, GENESIS, events};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

fn at(minute: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-06T02:{minute:02}:00+01:00")).expect("time")
}

fn opened(minute: u32) -> Event {
    Event::new(
        at(minute),
        Opened {
            runbook: Some(shipped().display().to_string()),
            plant: Some("lyon-packaging".into()),
            timezone: Some("Europe/Paris".into()),
            mode: Some(events::Mode::Live),
            state: Some("normal".into()),
            ..Opened::default()
        },
    )
}

/// `disconnect vendor-acme-remote` opened as `id`, calling alice first.
fn decision_opened(minute: u32, id: &str, identity: &str) -> Event {
    let level = |n: usize, via: &str, people: &[&str], offset_s: u64| Level {
        level: n,
        offset_s,
        starts_at: None,
        people: people.iter().map(|p| (*p).to_owned()).collect(),
        via: via.to_owned(),
        skipped: false,
        lasts_s: Some(300),
    };
    Event::new(
        at(minute),
        DecisionOpened {
            decision: id.to_owned(),
            identity: Some(identity.to_owned()),
            action: "disconnect".into(),
            state: "normal".into(),
            resolved_at: Some(at(minute)),
            verdict: "chain".into(),
            rule: Some("vendor-sessions".into()),
            chain: vec![
                level(1, "role:shift-lead", &["alice"], 0),
                level(2, "person:dana", &["dana"], 300),
            ],
            ..DecisionOpened::default()
        },
    )
}

fn decided(minute: u32, id: &str, identity: &str) -> Event {
    Event::new(
        at(minute),
        Decided {
            decision: id.to_owned(),
            identity: Some(identity.to_owned()),
            action: "disconnect".into(),
            state: "normal".into(),
            by: vec!["alice".into()],
            outcome: Some(andon::log::event::Outcome::Approved),
            authorized: Some(true),
            ..Decided::default()
        },
    )
}

/// `events` sealed into a chain that verifies, as a forger with the
/// format (docs/console.md) writes it: `seq` from 1.
fn forge(events: &[Event]) -> String {
    forge_numbered(events.iter().enumerate().map(|(i, e)| (i as u64 + 1, e)))
}

/// Lines sealed with the `seq` given for each, the chain's `prev` kept.
fn forge_numbered<'e>(events: impl IntoIterator<Item = (u64, &'e Event)>) -> String {
    let mut prev = GENESIS.to_owned();
    let mut text = String::new();
    for (seq, event) in events {
        let (line, hash) = andon::log::seal(seq, event, &prev);
        text.push_str(&line);
        text.push('\n');
        prev = hash;
    }
    text
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the log");
    path
}

fn verify(path: &Path) -> crate::harness::Run {
    Andon::new()
        .args(["log", "verify", path.to_str().expect("UTF-8 path")])
        .run()
}

/// `console --resume` (and `drill --resume`) on `path`: refused before the
/// screen is taken, with `reason`, and the log left byte for byte.
fn resume_refused(path: &Path, reason: &str) {
    let before = std::fs::read(path).expect("the log");
    let log = path.to_str().expect("UTF-8 path");
    Andon::new()
        .args(["console", "--resume", log])
        .run()
        .fails(2)
        .stderr_has(reason)
        .stderr_has("the log is not resumed");
    let scenario = crate::harness::root().join("scenarios/vendor-session-night.yaml");
    Andon::new()
        .args(["drill", scenario.to_str().expect("path"), "--resume", log])
        .run()
        .fails(2)
        .stderr_has(reason);
    assert_eq!(
        std::fs::read(path).expect("the log"),
        before,
        "the log changed"
    );
}

#[test]
fn a_second_opened_breaks_the_story() {
    let dir = tempfile::tempdir().expect("dir");
    let text = forge(&[opened(0), events::note(at(1), "x"), opened(2)]);
    let log = write(dir.path(), "joined.andonlog", text);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 3 (seq 3): a second `opened` (the first is line 1)")
        .stderr_has("note: the chain is intact (3 events)")
        .stdout_lacks("ok:");
    resume_refused(&log, "line 3 (seq 3): a second `opened`");
}

#[test]
fn a_log_that_does_not_begin_with_opened_breaks_the_story() {
    let dir = tempfile::tempdir().expect("dir");
    let text = forge(&[
        events::note(at(0), "x"),
        decided(1, "D1", "vendor-acme-remote"),
    ]);
    let log = write(dir.path(), "headless.andonlog", text);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 1 (seq 1): the log does not begin with `opened`")
        .stderr_has("error: line 2 (seq 2): `decided` for `D1`, which was never opened");
    resume_refused(&log, "line 1 (seq 1): the log does not begin with `opened`");
}

#[test]
fn an_event_for_a_decision_never_opened_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let escalated = Event::new(
        at(2),
        Escalated {
            decision: "D7".into(),
            level: 2,
            ..Escalated::default()
        },
    );
    let text = forge(&[opened(0), escalated]);
    let log = write(dir.path(), "ghost.andonlog", text);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 2 (seq 2): `escalated` for `D7`, which was never opened");
    resume_refused(&log, "`escalated` for `D7`, which was never opened");
}

#[test]
fn a_decision_decided_twice_is_named_with_the_first() {
    let dir = tempfile::tempdir().expect("dir");
    let id = "vendor-acme-remote";
    let text = forge(&[
        opened(0),
        decision_opened(1, "D1", id),
        decided(2, "D1", id),
        decided(3, "D1", id),
    ]);
    let log = write(dir.path(), "twice.andonlog", text);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 4 (seq 4): D1 is decided a second time (first decided line 3)");
    resume_refused(&log, "D1 is decided a second time");
}

#[test]
fn a_decision_opened_twice_or_decided_for_another_identity_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let id = "vendor-acme-remote";
    let text = forge(&[
        opened(0),
        decision_opened(1, "D1", id),
        decision_opened(2, "D1", "plc-l3-eng"),
        decided(3, "D1", "plc-l3-eng"),
    ]);
    let log = write(dir.path(), "swapped.andonlog", text);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 3 (seq 3): D1 is opened again (first opened line 2)")
        .stderr_has(
            "error: line 4 (seq 4): `decided` for D1 names `disconnect plc-l3-eng`, but it was opened (line 2) for `disconnect vendor-acme-remote`",
        );
}

#[test]
fn absurd_decision_numbers_are_refused_not_overflowed() {
    let dir = tempfile::tempdir().expect("dir");
    for (n, id) in [
        "D18446744073709551615",
        "D4294967296",
        "D0",
        "D-1",
        "D01",
        "7",
        "",
    ]
    .into_iter()
    .enumerate()
    {
        let text = forge(&[opened(0), decision_opened(1, id, "vendor-acme-remote")]);
        let log = write(dir.path(), &format!("absurd-{n}.andonlog"), text);
        let run = verify(&log).fails(1);
        let said = run.stderr();
        assert!(
            said.contains("error: line 2 (seq 2): decision ")
                && said.contains("is not numbered D1 to D1000000"),
            "{id}: {said}"
        );
        resume_refused(&log, "is not numbered D1 to D1000000");
    }
}

#[test]
fn an_escalation_past_the_end_of_its_chain_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let escalated = Event::new(
        at(2),
        Escalated {
            decision: "D1".into(),
            level: usize::MAX,
            ..Escalated::default()
        },
    );
    let text = forge(&[
        opened(0),
        decision_opened(1, "D1", "vendor-acme-remote"),
        escalated,
    ]);
    let log = write(dir.path(), "level.andonlog", text);
    verify(&log).fails(1).stderr_has(&format!(
        "error: line 3 (seq 3): D1 escalated to level {}, but its chain has 2 level(s)",
        usize::MAX
    ));
    resume_refused(&log, "but its chain has 2 level(s)");
}

#[test]
fn a_decision_with_an_action_or_chain_andon_cannot_read_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let mut unknown = decision_opened(1, "D1", "vendor-acme-remote");
    if let andon::log::Body::DecisionOpened(d) = &mut unknown.body {
        d.action = "detonate\u{1b}[2J".into();
    }
    let mut far = decision_opened(1, "D1", "vendor-acme-remote");
    if let andon::log::Body::DecisionOpened(d) = &mut far.body {
        d.chain[1].offset_s = u64::MAX;
        d.chain[1].via = "group:all".into();
    }
    for (name, event, said) in [
        (
            "action",
            unknown,
            "D1: its action `detonate\\u{1b}[2J` is not one andon knows",
        ),
        ("chain", far, "D1: level 2 of its chain is unreadable"),
    ] {
        let log = write(
            dir.path(),
            &format!("{name}.andonlog"),
            forge(&[opened(0), event]),
        );
        let run = verify(&log).fails(1).stderr_has(said);
        assert!(!run.stderr().contains('\u{1b}'), "{}", run.stderr());
        resume_refused(&log, said);
    }
}

#[test]
fn a_time_that_runs_backwards_is_a_warning_and_the_log_resumes() {
    let dir = tempfile::tempdir().expect("dir");
    let text = forge(&[opened(10), events::note(at(5), "clock stepped back")]);
    let log = write(dir.path(), "backwards.andonlog", text);
    verify(&log)
        .success()
        .stdout_has("ok: 2 events, chain intact")
        .stdout_has("warning: line 2 (seq 2): its time 2026-03-06T02:05:00+01:00 is before the previous event's 2026-03-06T02:10:00+01:00 (line 1)");
    // Resumed, the console says it on its screen.
    let runbook = andon::load::load(&shipped()).expect("the shipped runbook");
    let engine = andon::engine::Engine::new(&runbook);
    let holder = andon::log::Holder::this_process(at(0));
    let session = andon::tui::live::session::Resumable::open(&log, &holder, false)
        .expect("a warning does not stop the resumption")
        .start(
            &engine,
            "runbook",
            &runbook.content_hash,
            chrono::Utc::now(),
        )
        .map_err(|e| e.to_string())
        .expect("resumed");
    let said: Vec<&str> = (session.model.flash.iter())
        .map(|f| f.text.as_str())
        .collect();
    assert!(
        said.iter()
            .any(|t| t.starts_with("log line 2 (seq 2): its time")),
        "{said:?}"
    );
}

#[test]
fn absurd_seq_numbers_are_named_by_line() {
    let dir = tempfile::tempdir().expect("dir");
    let note = events::note(at(1), "n");
    let cases = [
        ("max", forge_numbered([(1, &opened(0)), (u64::MAX, &note)])),
        ("gap", forge_numbered([(1, &opened(0)), (3, &note)])),
        ("zero", forge_numbered([(0, &opened(0))])),
        (
            "negative",
            forge(&[opened(0), note.clone()]).replacen("\"seq\":2,", "\"seq\":-2,", 1),
        ),
    ];
    for (name, text) in cases {
        let log = write(dir.path(), &format!("{name}.andonlog"), text);
        let run = verify(&log).fails(1);
        let said = run.stderr();
        let expected = match name {
            "max" => format!("error: line 2: seq {} where 2 was expected", u64::MAX),
            "gap" => "error: line 2: seq 3 where 2 was expected".to_owned(),
            "zero" => "error: line 1: seq 0 where 1 was expected".to_owned(),
            _ => "error: line 2: not a log line (no whole-number `seq`)".to_owned(),
        };
        assert!(said.contains(&expected), "{name}: {said}");
        Andon::new()
            .args(["console", "--resume", log.to_str().expect("path")])
            .run()
            .fails(2)
            .stderr_has(&expected["error: ".len()..]);
    }
}

#[test]
fn invalid_utf8_and_huge_lines_are_named_without_a_panic() {
    let dir = tempfile::tempdir().expect("dir");
    let mut bytes = forge(&[opened(0), events::note(at(1), "abc")]).into_bytes();
    let at_abc = bytes
        .windows(3)
        .position(|w| w == b"abc")
        .expect("the note's text");
    bytes[at_abc] = 0xff;
    let log = write(dir.path(), "utf8.andonlog", &bytes);
    verify(&log)
        .fails(1)
        .stderr_has("error: line 2: not a log line (not UTF-8)");
    // A whole line of 8 MiB, sealed: read and checked, not refused.
    let huge = "x".repeat(8 << 20);
    let log = write(
        dir.path(),
        "huge.andonlog",
        forge(&[opened(0), events::note(at(1), &huge)]),
    );
    verify(&log)
        .success()
        .stdout_has("ok: 2 events, chain intact");
    // A log over the limit is refused, with the limit, before it is read.
    let mut over = forge(&[opened(0)]);
    over.push_str(&"y".repeat(65 << 20));
    let log = write(dir.path(), "over.andonlog", over);
    verify(&log).fails(2).stderr_has("cannot read `");
}

/// A log cut by SIGKILL mid-write: D1 open, then half of a line.
fn torn_log(dir: &Path) -> (PathBuf, Vec<u8>) {
    let id = "vendor-acme-remote";
    let whole = forge(&[opened(0), decision_opened(1, "D1", id)]);
    let next = forge(&[
        opened(0),
        decision_opened(1, "D1", id),
        decided(2, "D1", id),
    ]);
    let torn = next.as_bytes()[whole.len()..whole.len() + 40].to_vec();
    let mut bytes = whole.into_bytes();
    bytes.extend_from_slice(&torn);
    (write(dir, "torn.andonlog", &bytes), torn)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_torn_log_is_refused_by_resume_with_the_flag_that_recovers_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (log, _) = torn_log(dir.path());
    let before = std::fs::read(&log).expect("the log");
    Andon::new()
        .args(["console", "--resume", log.to_str().expect("path")])
        .run()
        .fails(2)
        .stderr_has("ends with a torn line 3 (40 bytes without a newline")
        .stderr_has("add `--recover` to the resume command");
    assert_eq!(std::fs::read(&log).expect("the log"), before);
    assert!(!dir.path().join("torn.andonlog.torn").exists());
}

#[test]
fn a_torn_log_resumed_with_recover_keeps_the_torn_bytes_and_says_what_was_cut() {
    let dir = tempfile::tempdir().expect("dir");
    let (log, torn) = torn_log(dir.path());
    // A link planted where the torn bytes go is not followed.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").expect("victim");
    std::os::unix::fs::symlink(&victim, dir.path().join("torn.andonlog.torn")).expect("link");
    let runbook = andon::load::load(&shipped()).expect("the shipped runbook");
    let engine = andon::engine::Engine::new(&runbook);
    let holder = andon::log::Holder::this_process(at(0));
    let session = andon::tui::live::session::Resumable::open(&log, &holder, true)
        .expect("recovered")
        .start(
            &engine,
            "runbook",
            &runbook.content_hash,
            chrono::Utc::now(),
        )
        .map_err(|e| e.to_string())
        .expect("resumed");
    // D1 is open again, and the screen says what was cut.
    assert_eq!(session.model.open.len(), 1);
    assert_eq!(session.model.open[0].id, "D1");
    let said: Vec<&str> = (session.model.flash.iter())
        .map(|f| f.text.as_str())
        .collect();
    assert!(
        said.iter().any(|t| t
            .starts_with("the log's torn last line 3 (40 bytes) was cut off and kept in ")
            && t.contains("torn.andonlog.torn.2")),
        "{said:?}"
    );
    drop(session);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "untouched"
    );
    let kept = dir.path().join("torn.andonlog.torn.2");
    assert_eq!(std::fs::read(&kept).expect("the torn bytes"), torn);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&kept).expect("meta").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    // The log: its two whole lines, `recovered`, then the resumption's note.
    let text = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a whole JSON line"))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[2]["kind"], "recovered");
    assert_eq!(lines[2]["seq"], 3);
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["bytes"], 40);
    assert_eq!(lines[2]["sha256"], sha256_hex(&torn).as_str());
    assert_eq!(lines[2]["kept_in"], "torn.andonlog.torn.2");
    assert_eq!(lines[3]["kind"], "note");
    // verify: intact, and the recovery is a warning, not silence.
    verify(&log)
        .success()
        .stdout_has("ok: 4 events, chain intact")
        .stdout_has(&format!(
            "warning: line 3 (seq 3): the log was recovered: a torn last line 3 (40 bytes, sha256 {}) was cut off when it was resumed; the bytes are kept in torn.andonlog.torn.2",
            sha256_hex(&torn)
        ));
}

/// The shift lead's way: `console --resume LOG --recover` in a terminal.
#[test]
fn console_resume_with_recover_goes_on_in_the_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let (log, torn) = torn_log(dir.path());
    let pane = crate::tmux::Pane::andon(
        "recover",
        &format!("console --resume {} --recover", log.display()),
    );
    pane.wait_for("Open decisions (1)");
    pane.keys(&["Escape", "q"]);
    pane.wait_for("Quit?");
    pane.keys(&["y"]);
    pane.wait_exit();
    let kept = dir.path().join("torn.andonlog.torn");
    assert_eq!(std::fs::read(&kept).expect("the torn bytes"), torn);
    let kinds: Vec<String> = std::fs::read_to_string(&log)
        .expect("the log")
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            j["kind"].as_str().expect("kind").to_owned()
        })
        .collect();
    // D1's chain ran out long ago: escalations may follow the note.
    assert_eq!(
        kinds[..4],
        ["opened", "decision-opened", "recovered", "note"]
    );
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("closed"),
        "{kinds:?}"
    );
    verify(&log)
        .success()
        .stdout_has("warning: line 3 (seq 3): the log was recovered");
}

#[test]
fn the_after_action_report_does_not_call_a_broken_story_intact() {
    let dir = tempfile::tempdir().expect("dir");
    let log = write(
        dir.path(),
        "joined.andonlog",
        forge(&[opened(0), opened(1)]),
    );
    let facts = andon::drill::report::LogFacts::of(&log);
    assert_eq!(
        facts.verification,
        "chain intact, but the story does not hold (see andon log verify)"
    );
}

#[test]
fn a_torn_drill_log_of_another_scenario_is_refused_before_anything_is_cut() {
    let dir = tempfile::tempdir().expect("dir");
    let mut drill = opened(0);
    if let andon::log::Body::Opened(o) = &mut drill.body {
        o.mode = Some(events::Mode::Drill);
        o.scenario = Some("another-scenario".into());
    }
    let mut bytes = forge(&[drill, events::note(at(1), "x")]).into_bytes();
    bytes.extend_from_slice(b"{\"seq\":3,\"at\":\"2026-03-06T02:");
    let log = write(dir.path(), "drill.andonlog", &bytes);
    let scenario = crate::harness::root().join("scenarios/vendor-session-night.yaml");
    Andon::new()
        .args([
            "drill",
            scenario.to_str().expect("path"),
            "--resume",
            log.to_str().expect("path"),
            "--recover",
        ])
        .run()
        .fails(2)
        .stderr_has("is the log of scenario `another-scenario`");
    assert_eq!(std::fs::read(&log).expect("the log"), bytes);
    assert!(!dir.path().join("drill.andonlog.torn").exists());
}

/// A console of a shared incident cut off from the database records D1 on
/// its own; back online it copies the incident's D1, another console's.
#[test]
fn in_a_shared_incidents_log_a_decision_number_opened_again_is_a_warning() {
    let dir = tempfile::tempdir().expect("dir");
    let mut first = opened(0);
    if let andon::log::Body::Opened(o) = &mut first.body {
        o.incident = Some("lyon-packaging-20260306T020000".into());
    }
    let text = forge(&[
        first,
        decision_opened(1, "D1", "vendor-acme-remote"),
        decided(2, "D1", "vendor-acme-remote"),
        decision_opened(3, "D1", "plc-l3-eng"),
        decided(4, "D1", "plc-l3-eng"),
    ]);
    let log = write(dir.path(), "island.andonlog", text);
    verify(&log)
        .success()
        .stdout_has("ok: 5 events, chain intact")
        .stdout_has("warning: line 4 (seq 4): D1 is opened again (first opened line 2): in a shared incident's log");
}
