//! `andon lint --format gitlab`: the GitLab Code Quality report. Each field
//! GitLab reads, fingerprints that name a finding and not a run (GitLab
//! compares a merge request's report with its target's by fingerprint), and
//! hostile text that stays inside its JSON string.

use super::harness::{Andon, root};
use serde_json::Value;
use std::collections::BTreeSet;

const NOW: &str = "2026-11-22T09:00";

fn report(run: &super::harness::Run) -> Vec<Value> {
    run.json().as_array().expect("a JSON array").clone()
}

/// The fingerprint of each issue, by check and line.
fn fingerprints(issues: &[Value]) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().expect("check_name").to_owned(),
                i["fingerprint"].as_str().expect("fingerprint").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_issue_has_the_fields_gitlab_reads() {
    let run = Andon::new()
        .in_dir(&root())
        .args(["lint", "runbooks/examples-bad/vendor-night"])
        .args(["runbooks/examples-bad/plc-secret-in-project", "--now", NOW])
        .args(["--format", "gitlab"])
        .run()
        .fails(1);
    let issues = report(&run);
    assert!(issues.len() >= 8, "{}", run.stdout());
    let mut seen = BTreeSet::new();
    for issue in &issues {
        let code = issue["check_name"].as_str().expect("check_name");
        assert!(
            code.len() >= 5 && code.chars().all(|c| c.is_ascii_alphanumeric()),
            "{issue}"
        );
        let description = issue["description"].as_str().expect("description");
        assert!(description.starts_with(&format!("{code} ")), "{issue}");
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert_eq!(fingerprint.len(), 32, "{issue}");
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(seen.insert(fingerprint.to_owned()), "repeated: {issue}");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().expect("severity")),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(!path.starts_with('/') && !path.starts_with("./"), "{path}");
        assert!(root().join(path).is_file(), "{path}");
        let line = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("location.lines.begin");
        assert!(line >= 1);
        assert_eq!(issue["type"], "issue");
    }
    // Errors are critical (they fail the build), warnings minor.
    let severity_of = |code: &str| {
        issues
            .iter()
            .find(|i| i["check_name"] == code)
            .map(|i| i["severity"].clone())
    };
    assert_eq!(severity_of("GR004"), Some("critical".into()));
    assert_eq!(severity_of("ST001"), Some("minor".into()));
}

#[test]
fn a_clean_runbook_is_an_empty_report_and_a_load_error_a_blocker() {
    let clean = Andon::new()
        .in_dir(&root())
        .args(["lint", "runbooks/lyon-packaging", "--now", NOW])
        .args(["--format", "gitlab"])
        .run()
        .success();
    assert_eq!(clean.stdout(), "[]\n", "suppressed findings are left out");
    let broken = Andon::new()
        .workdir(&[("rb/a.yaml", "andon: 1\nplant: [\n")])
        .args(["lint", "rb", "--format", "gitlab"])
        .run()
        .fails(2);
    let issues = report(&broken);
    assert_eq!(issues.len(), 1, "{}", broken.stdout());
    assert_eq!(issues[0]["severity"], "blocker");
    assert_eq!(issues[0]["location"]["path"], "rb/a.yaml");
}

#[test]
fn a_finding_keeps_its_fingerprint_when_lines_move_and_the_clock_moves() {
    let text =
        std::fs::read_to_string(root().join("runbooks/examples-bad/vendor-night/runbook.yaml"))
            .expect("example");
    let lint = |text: &str, now: &str| {
        let run = Andon::new()
            .workdir(&[("rb/runbook.yaml", text)])
            .args(["lint", "rb", "--now", now, "--format", "gitlab"])
            .run()
            .fails(1);
        report(&run)
    };
    let before = lint(&text, NOW);
    // The same bytes twice.
    assert_eq!(before, lint(&text, NOW));
    // Three lines added at the top: every line number moves, no fingerprint does.
    let moved = lint(&format!("# reviewed\n# by the\n# shift leads\n{text}"), NOW);
    assert_eq!(fingerprints(&before), fingerprints(&moved));
    let line = |issues: &[Value], i: usize| issues[i]["location"]["lines"]["begin"].as_u64();
    assert_eq!(line(&moved, 0), line(&before, 0).map(|l| l + 3));
    // Three days later the on-call gap's window in the message moves; it is
    // the same finding, so the same fingerprint.
    let later = lint(&text, "2026-11-25T09:00");
    let gap = |issues: &[Value]| {
        issues
            .iter()
            .find(|i| i["check_name"] == "GR004")
            .map(|i| (i["description"].clone(), i["fingerprint"].clone()))
            .expect("GR004")
    };
    assert_ne!(gap(&before).0, gap(&later).0, "the window moved");
    assert_eq!(gap(&before).1, gap(&later).1);
}

#[test]
fn hostile_text_stays_inside_its_json_strings() {
    // A rule code with an escape sequence, a newline and markup, in a
    // directory whose name holds a quote and a backslash.
    let base = include_str!("../fixtures/base-plant.yaml").replace(
        "{ id: alice, name: Alice Martin, backup: chen }",
        "{ id: alice, name: Alice Martin, backup: chen, lint: { allow: [{ rule: \"X\\e[31m\\n<b>\", reason: a test } ] } }",
    );
    let run = Andon::new()
        .workdir(&[("q\"b\\s/00-base.yaml", &base)])
        .args(["lint", "q\"b\\s", "--now", NOW, "--format", "gitlab"])
        .run()
        .success();
    let out = run.stdout();
    assert!(!out.contains('\u{1b}'), "{out}");
    let issues = report(&run);
    assert_eq!(issues.len(), 1, "{out}");
    assert_eq!(issues[0]["location"]["path"], "q\"b\\s/00-base.yaml");
    let description = issues[0]["description"].as_str().expect("description");
    assert!(description.contains("X\u{1b}[31m\n<b>"), "{description}");
}
