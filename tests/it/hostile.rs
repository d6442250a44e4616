//! Hostile input ends in a result or a located error in bounded time:
//! never a panic, a hang, or unbounded memory.

use super::harness::root;
use andon::load;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Loads `path` on a thread, failing the test if it panics or does not end
/// within a generous bound (a hang, not a speed check).
fn load_bounded(path: &Path) -> Result<andon::model::Runbook, load::LoadError> {
    let (tx, rx) = mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(load::load(&owned));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("loading {} hung", path.display()),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("loading {} panicked", path.display()),
    }
}

fn assert_located(result: Result<andon::model::Runbook, load::LoadError>, what: &str) -> String {
    let err = match result {
        Ok(_) => panic!("{what} loaded as a runbook"),
        Err(e) => e,
    };
    assert!(!err.diagnostics.is_empty(), "{what}: no diagnostic");
    for d in &err.diagnostics {
        let span = d
            .span
            .unwrap_or_else(|| panic!("{what}: diagnostic without location: {}", d.message));
        assert!(
            span.line >= 1 && span.col >= 1,
            "{what}: bad location {span:?}"
        );
    }
    err.to_string()
}

#[test]
fn every_yaml_test_suite_case_loads_or_fails_with_a_location() {
    let dir = root().join("tests/fixtures/yaml-test-suite");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let case = entry.expect("corpus entry").path();
        let input = case.join("in.yaml");
        if !input.exists() {
            continue;
        }
        cases += 1;
        // None of these is a runbook (no `andon: 1`, no plant), so each must
        // fail, with every diagnostic located.
        assert_located(load_bounded(&input), &input.display().to_string());
    }
    assert!(cases > 300, "only {cases} corpus cases found");
}

fn write(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

#[test]
fn billion_laughs_is_stopped_by_the_budget() {
    let mut text =
        String::from("andon: 1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let (_dir, path) = write("bomb.yaml", text.as_bytes());
    let err = assert_located(load_bounded(&path), "billion laughs");
    assert!(err.contains("YML001"), "{err}");
}

#[test]
fn deep_flow_nesting_is_an_error_not_a_stack_overflow() {
    let text = "[".repeat(100_000);
    let (_dir, path) = write("deep.yaml", text.as_bytes());
    assert_located(load_bounded(&path), "nested [");
}

#[test]
fn deep_block_nesting_is_an_error_not_a_stack_overflow() {
    let mut text = String::new();
    for depth in 0..20_000 {
        text.push_str(&" ".repeat(depth * 2));
        text.push_str("-\n");
    }
    let (_dir, path) = write("deep.yaml", text.as_bytes());
    assert_located(load_bounded(&path), "nested -");
}

#[test]
fn invalid_utf8_is_located_at_the_bad_byte() {
    let (_dir, path) = write("bad.yaml", b"andon: 1\nplant:\n  id: caf\xe9\n");
    let err = assert_located(load_bounded(&path), "invalid UTF-8");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("bad.yaml:3:10"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = "\u{feff}andon: 1\nplant: { id: p, timezone: UTC }\nstates: [{ id: normal, default: true }]\n";
    let (_dir, path) = write("bom.yaml", text.as_bytes());
    load_bounded(&path).unwrap_or_else(|e| panic!("BOM rejected:\n{e}"));
}

#[test]
fn tabs_in_indentation_are_a_located_error() {
    let (_dir, path) = write("tabs.yaml", b"andon: 1\nplant:\n\tid: p\n");
    let err = assert_located(load_bounded(&path), "tabs");
    assert!(err.contains("tabs.yaml:3:"), "{err}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: the size check must refuse it without reading it.
    file.set_len(load::MAX_FILE_BYTES + 1).expect("set_len");
    let err = assert_located(load_bounded(&path), "huge file");
    assert!(err.contains("over the limit"), "{err}");
}

#[test]
fn several_documents_in_one_file_are_an_error() {
    let (_dir, path) = write("multi.yaml", b"andon: 1\n---\nandon: 1\n");
    assert_located(load_bounded(&path), "two documents");
}

/// Copies the shipped runbook with `from` replaced by `to` in `file`.
fn shipped_with(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let shipped = root().join("runbooks/lyon-packaging");
    for entry in std::fs::read_dir(&shipped).expect("shipped runbook") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let mut text = std::fs::read_to_string(&path).expect("read");
            if path.file_name().is_some_and(|n| n == file) {
                assert!(text.contains(from), "{file} has no `{from}`");
                text = text.replacen(from, to, 1);
            }
            std::fs::write(dir.path().join(path.file_name().expect("name")), text).expect("write");
        }
    }
    dir
}

/// `after: 99999999d` once panicked with `DateTime + TimeDelta overflowed` in
/// who, lint, coverage and the console: durations are bounded at load.
#[test]
fn an_absurd_after_is_a_located_error_not_an_overflow_panic() {
    let dir = shipped_with("50-authority.yaml", "after: 5m", "after: 99999999d");
    let text = assert_located(load_bounded(dir.path()), "after: 99999999d");
    assert!(text.contains("TYP001"), "{text}");
    assert!(text.contains("over the limit of 366 days"), "{text}");
    assert!(text.contains("50-authority.yaml:32:"), "{text}");
}

/// `shift: 1s` once made lint take seconds and gigabytes walking 604,800
/// turns a week: a turn is at least a minute.
#[test]
fn a_one_second_shift_is_a_located_error_not_a_blow_up() {
    let dir = shipped_with("20-roles.yaml", "shift: 8h", "shift: 1s");
    let text = assert_located(load_bounded(dir.path()), "shift: 1s");
    assert!(text.contains("TYP001"), "{text}");
    assert!(text.contains("under the minimum of 1m"), "{text}");
    assert!(text.contains("20-roles.yaml:21:"), "{text}");
}

/// Runs the real binary under `prlimit` (2 GiB of address space) and kills
/// it if it has not ended after a generous minute: a safety net that turns a
/// hang or a blow-up into a failure, never a speed check.
fn andon_bounded(args: &[&str], cwd: &Path) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new("prlimit")
        .arg("--as=2147483648")
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_andon"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("ANDON_CACHE_DIR", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run andon under prlimit");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("andon {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[track_caller]
fn refused_with(args: &[&str], cwd: &Path, message: &str) {
    let out = andon_bounded(args, cwd);
    // `lint` reports on standard output, the other commands on standard error.
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "andon {args:?}: {stderr}");
    assert!(stderr.contains(message), "andon {args:?}: {stderr}");
}

/// A folder with a FIFO `f.yaml` and a link `zero.yaml -> /dev/zero`.
fn special_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("f.yaml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).expect("symlink");
    dir
}

/// `99-zero.yaml -> /dev/zero` in a runbook folder once took 10 GB.
#[test]
fn a_runbook_file_linked_to_dev_zero_is_named_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    crate::harness::copy_runbook(&root().join("runbooks/lyon-packaging"), dir.path());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("99-zero.yaml")).expect("symlink");
    let rb = dir.path().to_str().expect("utf-8 path");
    refused_with(
        &["who", "--runbook", rb, "mes-erp-api-key", "revoke"],
        dir.path(),
        "99-zero.yaml:1:1",
    );
    refused_with(
        &["who", "--runbook", rb, "mes-erp-api-key", "revoke"],
        dir.path(),
        "is a character device, not a file",
    );
}

/// A FIFO named `x.yaml` once made `lint` wait forever.
#[test]
fn a_fifo_named_yaml_in_a_runbook_folder_is_named_not_waited_on() {
    let dir = special_files();
    std::fs::remove_file(dir.path().join("zero.yaml")).expect("remove");
    refused_with(&["lint", "."], dir.path(), "is a FIFO, not a file");
}

/// `log verify`, `replay`, `drill run`, `drill check` and `--responses` on
/// `/dev/zero` or a FIFO once grew to gigabytes or hung.
#[test]
fn every_command_refuses_a_fifo_or_a_device_as_its_input_file() {
    let dir = special_files();
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    let scenario = scenario.to_str().expect("utf-8 path");
    for (input, what) in [
        ("/dev/zero", "is a character device, not a file"),
        ("zero.yaml", "is a character device, not a file"),
        ("f.yaml", "is a FIFO, not a file"),
    ] {
        refused_with(&["log", "verify", input], dir.path(), what);
        refused_with(&["replay", "--print", input], dir.path(), what);
        refused_with(&["drill", "check", input], dir.path(), what);
        refused_with(
            &["drill", "run", input, "--responses", input],
            dir.path(),
            what,
        );
        refused_with(
            &[
                "drill",
                "run",
                scenario,
                "--responses",
                input,
                "--log",
                "new.andonlog",
            ],
            dir.path(),
            what,
        );
    }
    assert!(!dir.path().join("new.andonlog").exists());
}

/// Four 60 MB files once loaded (241 MB, 2.1 GB of memory): the runbook as a
/// whole has a limit, not only each file. Sparse files just under the file
/// limit, one more than the total holds, so nothing is read.
#[test]
fn a_runbook_over_its_total_limit_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = load::MAX_RUNBOOK_BYTES / (load::MAX_FILE_BYTES - 1) + 1;
    for i in 0..files {
        let file = std::fs::File::create(dir.path().join(format!("{i}.yaml"))).expect("create");
        file.set_len(load::MAX_FILE_BYTES - 1).expect("set_len");
    }
    let err = assert_located(load_bounded(dir.path()), "large files");
    assert!(
        err.contains(&format!(
            "together are over the limit of {} bytes",
            load::MAX_RUNBOOK_BYTES
        )),
        "{err}"
    );
}

/// `drill run --log c.andonlog` once wrote through pre-planted links
/// `c.andonlog.lock`, `.report.md` and `.report.json`: each victim stays as
/// it was, and so does each link.
#[test]
fn a_drill_never_writes_through_links_planted_beside_its_log() {
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    let responses = root().join("scenarios/responses/vendor-session-night.met.yaml");
    for side in [".lock", ".report.md", ".report.json"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me\n").expect("victim");
        let link = dir.path().join(format!("c.andonlog{side}"));
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        let out = andon_bounded(
            &[
                "drill",
                "run",
                scenario.to_str().expect("utf-8"),
                "--responses",
                responses.to_str().expect("utf-8"),
                "--log",
                "c.andonlog",
            ],
            dir.path(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{side}: {stderr}");
        assert!(
            stderr.contains("is a symbolic link, not a file"),
            "{side}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "keep me\n"
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
    }
}

/// Names, reasons and preconditions come from pull requests and vendors:
/// OSC 52 (the clipboard), a carriage return overwriting the line, U+202E
/// reversing it, BEL, and a newline followed by a GitHub workflow command
/// once reached the terminal and the CI log raw.
#[test]
fn control_characters_and_workflow_commands_in_a_runbook_never_reach_the_output() {
    let hostile = r#"name: "Alice \e]52;c;aGk=\a\u202eMartin\r\n::add-mask::secret\n##[error]x""#;
    let dir = shipped_with("10-people.yaml", "name: Alice Martin", hostile);
    let rb = dir.path().to_str().expect("UTF-8 path").to_owned();
    // (arguments, whether the output names Alice)
    let runs: [(&[&str], bool); 5] = [
        (
            &[
                "who",
                "vendor-acme-remote",
                "disconnect",
                "--at",
                "2026-03-06T02:10",
                "-r",
                &rb,
            ],
            true,
        ),
        (
            &[
                "declare",
                "emergency",
                "--at",
                "2026-03-06T02:10",
                "-r",
                &rb,
            ],
            true,
        ),
        (
            &[
                "oncall",
                "-r",
                &rb,
                "--from",
                "2026-03-06T02:10",
                "--days",
                "1",
            ],
            true,
        ),
        (
            &[
                "coverage",
                "-r",
                &rb,
                "--from",
                "2026-03-06T02:10",
                "--days",
                "1",
            ],
            false,
        ),
        (
            &[
                "lint",
                &rb,
                "--now",
                "2026-03-06T02:10",
                "--format",
                "github",
            ],
            false,
        ),
    ];
    for (args, names) in runs {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
            .args(args)
            .output()
            .expect("run andon");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !names || text.contains("Alice"),
            "{args:?} never names Alice:\n{text}"
        );
        for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\r'] {
            assert!(!text.contains(bad), "{args:?} printed {bad:?} raw:\n{text}");
        }
        for line in text.lines() {
            assert!(
                !line.starts_with("::add-mask") && !line.starts_with("##["),
                "{args:?} printed a workflow command line: {line}"
            );
        }
        // Shown escaped, so that a reader sees something is wrong.
        if args[0] == "who" {
            assert!(
                text.contains(r"\u{1b}]52"),
                "{args:?} hides the escape:\n{text}"
            );
        }
    }
}

/// A file-size limit (`ulimit -f`, `prlimit --fsize`) once killed andon
/// with SIGXFSZ when a log line could not be written at all. Now the write
/// fails, the log keeps its whole lines, and the command says why. The
/// limit falls exactly after the third line (the case that signals) and in
/// the middle of the fourth (a short write, cut back).
#[test]
fn a_file_size_limit_cuts_the_log_at_a_whole_line_and_says_so() {
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: prlimit (util-linux) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = root().join("scenarios/vendor-session-night.yaml");
    let responses = root().join("scenarios/responses/vendor-session-night.fail.yaml");
    let drill = |log: &Path, limit: Option<usize>| {
        let mut cmd = match limit {
            Some(bytes) => {
                let mut c = std::process::Command::new("prlimit");
                c.arg(format!("--fsize={bytes}"))
                    .arg(env!("CARGO_BIN_EXE_andon"));
                c
            }
            None => std::process::Command::new(env!("CARGO_BIN_EXE_andon")),
        };
        cmd.args(["drill", "run"])
            .arg(&scenario)
            .arg("--responses")
            .arg(&responses)
            .arg("--log")
            .arg(log)
            .output()
            .expect("run andon")
    };
    let free = dir.path().join("free.andonlog");
    drill(&free, None);
    let three: usize = std::fs::read_to_string(&free)
        .expect("the log")
        .split_inclusive('\n')
        .take(3)
        .map(str::len)
        .sum();
    for (name, limit) in [("at-a-line", three), ("mid-line", three + 40)] {
        let log = dir.path().join(format!("{name}.andonlog"));
        let out = drill(&log, Some(limit));
        let stderr = String::from_utf8_lossy(&out.stderr);
        // An exit code, not a signal: the limit did not kill the process.
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("cannot append to"), "{name}: {stderr}");
        let bytes = std::fs::read(&log).expect("the log");
        assert_eq!(bytes.len(), three, "{name}: cut back to three whole lines");
        let verify = std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
            .args(["log", "verify"])
            .arg(&log)
            .output()
            .expect("verify");
        let said = String::from_utf8_lossy(&verify.stdout);
        assert!(verify.status.success(), "{name}: {said}");
        assert!(
            said.contains("ok: 3 events, chain intact"),
            "{name}: {said}"
        );
        assert!(
            said.contains("not closed") && !said.contains("torn"),
            "{name}: {said}"
        );
    }
}

/// `who --at +262142-12-31T23:59` (chrono's last year) once panicked
/// reading the plant clock, `declare` formatting it and `lint --now`
/// adding its horizon. Times are in the years 1 to 9999: past them, a clear
/// error; at both ends, an answer.
#[test]
fn times_at_the_ends_of_the_calendar_are_answered_or_refused_never_a_panic() {
    let rb = crate::harness::shipped();
    let rb = rb.to_str().expect("UTF-8 path");
    let cwd = root();
    for (flag, when) in [
        ("--at", "+262142-12-31T23:59"),
        ("--at", "+10000-01-01T00:00"),
    ] {
        let at = format!("{flag}={when}");
        refused_with(
            &["who", "vendor-acme-remote", "disconnect", &at, "-r", rb],
            &cwd,
            "bad `--at`",
        );
        refused_with(&["declare", "emergency", &at, "-r", rb], &cwd, "bad `--at`");
        refused_with(&["lint", rb, &format!("--now={when}")], &cwd, "bad `--now`");
        refused_with(
            &["coverage", "-r", rb, &format!("--from={when}")],
            &cwd,
            "bad `--from`",
        );
    }
    for when in ["0001-01-01T00:00", "9999-12-31T23:59"] {
        let at = format!("--at={when}");
        for args in [
            vec!["who", "vendor-acme-remote", "disconnect", &at, "-r", rb],
            vec!["declare", "emergency", &at, "-r", rb],
        ] {
            let out = andon_bounded(&args, &cwd);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let from = format!("--from={when}");
        let out = andon_bounded(&["coverage", "-r", rb, &from, "--days", "366"], &cwd);
        assert_eq!(out.status.code(), Some(0), "coverage {from}");
        let now = format!("--now={when}");
        let out = andon_bounded(&["lint", rb, &now], &cwd);
        // Findings (expired credentials, year 1 before every rotation) are
        // exit 1; a panic would be 101.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "lint {now}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A runbook date past the year 9999 is a located error, like a bad date.
#[test]
fn a_runbook_date_past_the_year_9999_is_a_located_error() {
    let dir = shipped_with(
        "40-identities.yaml",
        "expires: 2027-03-09",
        "expires: +262142-12-31",
    );
    let text = assert_located(load_bounded(dir.path()), "expires: +262142-12-31");
    assert!(text.contains("TYP001"), "{text}");
    assert!(text.contains("outside the years 1 to 9999"), "{text}");
    assert!(text.contains("40-identities.yaml:29:"), "{text}");
    let dir = shipped_with(
        "20-roles.yaml",
        "start: 2026-01-05T06:00",
        "start: +262142-12-31T06:00",
    );
    let text = assert_located(load_bounded(dir.path()), "start: +262142-12-31T06:00");
    assert!(text.contains("outside the years 1 to 9999"), "{text}");
    assert!(text.contains("20-roles.yaml:22:"), "{text}");
}

/// 47 nested flow mappings (under the parser's depth limit of 48) once
/// overflowed the 2 MiB stack of a loading thread once the YAML
/// deserializer was optimised: an abort, not an error. Every depth around
/// the limit, in every style of nesting, ends in an answer or a located
/// error.
#[test]
fn nesting_up_to_the_depth_limit_never_overflows_the_stack() {
    let shipped = crate::harness::shipped();
    let text = std::fs::read_to_string(shipped.join("40-identities.yaml")).expect("read");
    for depth in [40, 46, 47, 48, 49] {
        for (open, inner, close) in [("{ a: ", "x: 1", " }"), ("[", "x", "]")] {
            let dir = tempfile::tempdir().expect("temp dir");
            crate::harness::copy_runbook(&shipped, dir.path());
            let nested = format!("{}{inner}{}", open.repeat(depth), close.repeat(depth));
            let mutated = text.replacen(
                "kind: ",
                &format!("labels: {{ deep: {nested} }}\n    kind: "),
                1,
            );
            std::fs::write(dir.path().join("40-identities.yaml"), mutated).expect("write");
            let rb = dir.path().to_str().expect("UTF-8 path");
            let out = andon_bounded(&["lint", rb, "--now", "2026-03-06T02:10"], dir.path());
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(
                matches!(out.status.code(), Some(0..=2)),
                "{depth} x {open:?}: {:?}\n{said}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// `members: [pierre, claire, pierre, claire, ...]` 100,000 long once made
/// every on-call look-up walk the whole list, and lint take minutes: a
/// person listed twice is one member, in the order first listed.
#[test]
fn a_role_listing_its_members_a_hundred_thousand_times_has_each_member_once() {
    let repeated = format!("members: [{}]", vec!["pierre, claire"; 50_000].join(", "));
    let dir = shipped_with("20-roles.yaml", "members: [pierre, claire]", &repeated);
    let runbook = load_bounded(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let role = runbook.role("plant-manager").expect("plant-manager");
    let members: Vec<&str> = role.members.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(members, ["pierre", "claire"]);
}
