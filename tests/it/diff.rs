//! `andon diff BASE HEAD`: the shipped runbook against edited copies (made
//! here, in a temporary directory), one kind of change each; every test
//! names the decision that changes.

use crate::harness::{Andon, copy_runbook, shipped};
use std::path::Path;

/// A copy of the shipped runbook with `edits` (file, old text, new text)
/// applied; each old text must be found.
fn edited(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_runbook(&shipped(), dir.path());
    for (file, old, new) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{old} not in {file}");
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }
    dir
}

fn diff(head: &Path, extra: &[&str]) -> (String, Option<i32>) {
    let out = Andon::new()
        .args(["diff", shipped().to_str().unwrap(), head.to_str().unwrap()])
        .args(["--from", "2026-11-22T09:00"])
        .args(extra)
        .run();
    (out.stdout(), Some(out.code()))
}

const NIGHT_LAYER: &str =
    "        # Nights and weekends: one engineer on call from home for the week.
        # This layer always has someone, so the role never goes dark.
        - rotation: [nadia, farid, lucas]
          shift: 1w
          start: 2026-01-05T06:00
";

#[test]
fn the_same_runbook_changes_nothing() {
    let (out, code) = diff(&shipped(), &["--fail-on", "gaps"]);
    assert!(out.contains("no change in authority"), "{out}");
    assert_eq!(code, Some(0));
}

#[test]
fn a_removed_layer_opens_role_gaps_and_fails_on_gaps() {
    let head = edited(&[("20-roles.yaml", NIGHT_LAYER, "")]);
    let (out, code) = diff(head.path(), &["--fail-on", "gaps"]);
    assert!(
        out.contains("  ot-engineering: new gap Mon 23 Nov 22:00 to Tue 24 Nov 06:00 (8h)\n"),
        "{out}"
    );
    assert!(
        out.contains("  ot-engineering: new gap Fri 27 Nov 22:00 to Sun 29 Nov 09:00 (1d11h, to the end of the horizon)\n"),
        "{out}"
    );
    assert_eq!(code, Some(1));
    // Without --fail-on, a gap is reported, not an error.
    let (_, code) = diff(head.path(), &[]);
    assert_eq!(code, Some(0));
}

#[test]
fn a_removed_layer_under_a_one_level_chain_leaves_nobody_to_disconnect() {
    let head = edited(&[
        ("20-roles.yaml", NIGHT_LAYER, ""),
        (
            "20-roles.yaml",
            "    escalates_to: plant-manager\n    schedule:\n      layers:\n        # Duty engineer",
            "    schedule:\n      layers:\n        # Duty engineer",
        ),
        (
            "50-authority.yaml",
            "      - { role: shift-lead, after: 5m }\n      - { role: security-oncall, after: 10m }\n      - { person: dana, after: 15m }\n    repeat: 1",
            "      - { role: ot-engineering }\n    repeat: 1",
        ),
    ]);
    let (out, code) = diff(head.path(), &["--format", "markdown", "--fail-on", "gaps"]);
    assert!(
        out.contains("- After this change nobody can disconnect `vendor-acme-remote`, `vendor-integra-mes` in states `normal`, `commissioning`, `maintenance`, `vendor-support` Mon 23 Nov 22:00 to Tue 24 Nov 06:00 (8h): nobody of `ot-engineering` is on call then.\n"),
        "{out}"
    );
    assert!(out.contains("**This change opens on-call gaps.**"), "{out}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_new_forbid_names_the_forbidding_rule() {
    let head = edited(&[(
        "50-authority.yaml",
        "  # The kill switch:",
        "  - id: no-acme-cut-in-normal\n    match: { identity: vendor-acme-remote }\n    states: [normal]\n    actions: [disconnect]\n    forbid: Acme's session is cut by Acme only\n\n  # The kill switch:",
    )]);
    let (out, _) = diff(head.path(), &[]);
    assert!(
        out.contains("  disconnect vendor-acme-remote in normal:\n    rule `vendor-sessions` -> forbidden by `no-acme-cut-in-normal`\n"),
        "{out}"
    );
    // Only that question changes.
    assert!(out.contains("decisions that change (1):"), "{out}");
}

#[test]
fn a_reordered_chain_changes_the_first_decider() {
    let head = edited(&[(
        "50-authority.yaml",
        "      - { role: shift-lead, after: 5m }\n      - { role: security-oncall, after: 10m }\n      - { person: dana, after: 15m }\n    repeat: 1",
        "      - { role: security-oncall, after: 10m }\n      - { role: shift-lead, after: 5m }\n      - { person: dana, after: 15m }\n    repeat: 1",
    )]);
    let (out, code) = diff(head.path(), &["--fail-on", "gaps"]);
    assert!(
        out.contains("  disconnect vendor-acme-remote, vendor-integra-mes in normal, commissioning, maintenance, vendor-support:\n    first decider alice -> karim\n    chain shift-lead, security-oncall at 5m, dana at 15m -> security-oncall, shift-lead at 10m, dana at 15m\n"),
        "{out}"
    );
    assert_eq!(code, Some(0), "a reordered chain opens no gap");
}

#[test]
fn a_changed_after_moves_the_later_levels() {
    let head = edited(&[(
        "50-authority.yaml",
        "    actions: [pause, revoke]\n    decide:\n      - { role: shift-lead, after: 5m }\n      - { role: line3-engineering }\n    repeat: 2",
        "    actions: [pause, revoke]\n    decide:\n      - { role: shift-lead, after: 20m }\n      - { role: line3-engineering }\n    repeat: 2",
    )]);
    let (out, _) = diff(head.path(), &[]);
    assert!(
        out.contains("  pause h-lucas-fontaine, svc-historian-collector, svc-scada-opc, plc-l3-eng-shared, plc-l3-hmi-account, plc-r3-safety-pw, vendor-acme-remote in normal, commissioning, maintenance, vendor-support:\n    chain shift-lead, line3-engineering at 5m, ot-engineering at 20m, plant-manager at 35m -> shift-lead, line3-engineering at 20m, ot-engineering at 35m, plant-manager at 50m\n"),
        "{out}"
    );
}

#[test]
fn a_new_identity_with_no_rule_of_its_own_falls_to_the_catch_all() {
    let head = edited(&[(
        "40-identities.yaml",
        "identities:\n",
        "identities:\n  - id: scada-export-key\n    kind: api-key\n    owner: ot-engineering\n    access:\n      scada: { default: read }\n",
    )]);
    let (out, _) = diff(head.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["identities_added"],
        serde_json::json!(["scada-export-key"])
    );
    let first = &json["decisions"][0];
    assert_eq!(first["identities"], serde_json::json!(["scada-export-key"]));
    assert_eq!(
        first["states"],
        serde_json::json!([
            "normal",
            "commissioning",
            "maintenance",
            "vendor-support",
            "cyber-incident"
        ])
    );
    assert_eq!(first["action"], "pause");
    assert_eq!(first["before"], serde_json::Value::Null);
    assert_eq!(
        first["after"]["rules"],
        serde_json::json!(["everything-else"])
    );
    assert_eq!(
        first["after"]["first_deciders"],
        serde_json::json!(["karim"])
    );
}

#[test]
fn a_changed_selector_hands_an_identity_to_another_rule() {
    let head = edited(&[(
        "50-authority.yaml",
        "  - id: line3-cell\n    match: { system: [line3, plc-l3, robot-r3] }",
        "  - id: line3-cell\n    match: { system: [line3, plc-l3] }",
    )]);
    let (out, _) = diff(head.path(), &[]);
    assert!(
        out.contains("  pause plc-r3-safety-pw in normal, commissioning, maintenance, vendor-support:\n    rule `line3-cell` -> rule `plc-credentials`\n    first decider alice -> farid + sophie\n"),
        "{out}"
    );
}

#[test]
fn git_reads_base_from_a_revision() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("skipped: no git");
        return;
    }
    let repo = edited(&[]);
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(ok.status.success(), "{ok:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let roles = repo.path().join("20-roles.yaml");
    let text = std::fs::read_to_string(&roles).unwrap();
    std::fs::write(&roles, text.replacen(NIGHT_LAYER, "", 1)).unwrap();
    let out = Andon::new()
        .in_dir(repo.path())
        .args([
            "diff",
            "--git",
            "HEAD",
            ".",
            ".",
            "--from",
            "2026-11-22T09:00",
        ])
        .args(["--fail-on", "gaps"])
        .run();
    assert!(
        out.stdout()
            .contains("  ot-engineering: new gap Mon 23 Nov 22:00 to Tue 24 Nov 06:00 (8h)\n"),
        "{}",
        out.stdout()
    );
    assert_eq!(out.code(), 1);
}
