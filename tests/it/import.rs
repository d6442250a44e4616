//! `andon import`: each source's sample export imported into a runbook
//! that then loads and lints; a re-import with added, changed and removed
//! records; byte-identical re-imports; the hand-written clash; standard
//! input; bad input that writes nothing.

use crate::harness::{Andon, root};
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BASE: &str = include_str!("../fixtures/base-plant.yaml");

/// One mapping for every source: some records classified, some not.
const MAPPING: &str = r#"andon-import: 1
sources:
  - source: aws-credential-report
    rules:
      - match: { field: path, prefix: /plant/line3/ }
        owner: shift-lead
        access: { line1: read }
        serves: []
  - source: cyberark
    rules:
      - match: { field: safeName, prefix: OT- }
        owner: plant-manager
        access: { mes: write }
        serves: [mes]
  - source: entra
    rules:
      - match: { field: displayName, prefix: mes- }
        owner: plant-manager
        access: { mes: read }
        serves: []
  - source: kubernetes
    rules:
      - match: { field: namespace, equals: line3 }
        owner: shift-lead
        access: { line1: read }
        serves: []
  - source: vault
    rules:
      - match: { field: "meta:role_name", equals: mes-erp }
        owner: plant-manager
        access: { mes: read }
        serves: []
  - source: github
    rules:
      - match: { field: type, equals: deploy-key }
        owner: shift-lead
        access: { line1: read }
        serves: []
  - source: gitlab
    rules:
      - match: { field: type, equals: pat }
        owner: plant-manager
        access: { mes: read }
        serves: []
  - source: csv
    columns: { id: Account, last_used: Last logon, last_rotated: Password set, expires: Expires }
    rules:
      - match: { field: Zone, equals: ot }
        owner: shift-lead
        access: { line1: read }
        serves: []
"#;

/// A source's sample export and its re-import, and what the re-import
/// must report.
struct Case {
    source: &'static str,
    first: &'static str,
    second: &'static str,
    /// Identities after the first import, sorted.
    ids: &'static [&'static str],
    /// Unclassified after the first import.
    unclassified: &'static [&'static str],
    new: &'static [&'static str],
    /// (id, field) that changed.
    changed: &'static [(&'static str, &'static str)],
    disappeared: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        source: "aws-credential-report",
        first: "aws-credential-report.csv",
        second: "aws-credential-report-reimport.csv",
        ids: &[
            "aws-line3-historian-export-key1",
            "aws-line3-historian-export-key2",
            "aws-mes-erp-sync-key1",
            "aws-opcua-gateway-cert1",
        ],
        unclassified: &["aws-mes-erp-sync-key1"],
        new: &["aws-line3-scada-bridge-key1"],
        changed: &[
            ("aws-line3-historian-export-key1", "last_rotated"),
            ("aws-line3-historian-export-key1", "last_used"),
        ],
        disappeared: &["aws-mes-erp-sync-key1"],
    },
    Case {
        source: "cyberark",
        first: "cyberark-accounts.json",
        second: "cyberark-accounts-reimport.json",
        ids: &["cyberark-27_3", "cyberark-27_4", "cyberark-31_9"],
        unclassified: &["cyberark-31_9"],
        new: &["cyberark-27_5"],
        changed: &[("cyberark-27_3", "last_rotated")],
        disappeared: &["cyberark-31_9"],
    },
    Case {
        source: "entra",
        first: "entra-service-principals.json",
        second: "entra-service-principals-reimport.json",
        ids: &[
            "entra-3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d11-cert-9b7e4d10",
            "entra-3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d11-secret-5f1c8a02",
            "entra-4d2f6b8c-0e3a-4c7b-9d1f-2a4b6c8d0e22-secret-c2a4e6f8",
            "entra-5e3a7c9d-1f4b-4d8c-a0e2-3b5c7d9e1f33-principal",
        ],
        unclassified: &[
            "entra-4d2f6b8c-0e3a-4c7b-9d1f-2a4b6c8d0e22-secret-c2a4e6f8",
            "entra-5e3a7c9d-1f4b-4d8c-a0e2-3b5c7d9e1f33-principal",
        ],
        new: &["entra-6f4b8d0e-2a5c-4e9d-b1f3-4c6d8e0f2a44-secret-d3b5f7a9"],
        changed: &[
            (
                "entra-3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d11-secret-5f1c8a02",
                "last_rotated",
            ),
            (
                "entra-3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d11-secret-5f1c8a02",
                "expires",
            ),
        ],
        disappeared: &["entra-4d2f6b8c-0e3a-4c7b-9d1f-2a4b6c8d0e22-secret-c2a4e6f8"],
    },
    Case {
        source: "kubernetes",
        first: "kubernetes-serviceaccounts.json",
        second: "kubernetes-serviceaccounts-reimport.json",
        ids: &[
            "line3/historian-writer",
            "line3/opcua-bridge",
            "mes/default",
            "mes/erp-sync",
        ],
        unclassified: &["mes/default", "mes/erp-sync"],
        new: &["line3/vision-inspector"],
        changed: &[("line3/historian-writer", "last_used")],
        disappeared: &["mes/default"],
    },
    Case {
        source: "vault",
        first: "vault-lookups.json",
        second: "vault-lookups-reimport.json",
        ids: &[
            "vault-1f6a3c2e-ab51-7e4d-90c8-2b7d5e3f8a11",
            "vault-8c4e2a7f-3d91-b6e0-5f2a-7c1d9e4b6a03",
            "vault-c0d9e8f7-a6b5-4c3d-2e1f-0a9b8c7d6e5f",
        ],
        unclassified: &[
            "vault-1f6a3c2e-ab51-7e4d-90c8-2b7d5e3f8a11",
            "vault-c0d9e8f7-a6b5-4c3d-2e1f-0a9b8c7d6e5f",
        ],
        new: &["vault-4b6d8f0a-2c4e-6a8c-0e2a-4c6e8a0c2e4a"],
        changed: &[("vault-8c4e2a7f-3d91-b6e0-5f2a-7c1d9e4b6a03", "expires")],
        disappeared: &["vault-c0d9e8f7-a6b5-4c3d-2e1f-0a9b8c7d6e5f"],
    },
    Case {
        source: "github",
        first: "github-tokens-and-keys.json",
        second: "github-tokens-and-keys-reimport.json",
        ids: &[
            "github-deploy-key-90211044",
            "github-pat-48213",
            "github-pat-48877",
        ],
        unclassified: &["github-pat-48213", "github-pat-48877"],
        new: &["github-deploy-key-91500310"],
        changed: &[("github-pat-48877", "last_used")],
        disappeared: &["github-pat-48213"],
    },
    Case {
        source: "gitlab",
        first: "gitlab-tokens-and-keys.json",
        second: "gitlab-tokens-and-keys-reimport.json",
        ids: &[
            "gitlab-deploy-key-57",
            "gitlab-deploy-key-58",
            "gitlab-pat-311",
        ],
        unclassified: &["gitlab-deploy-key-57", "gitlab-deploy-key-58"],
        new: &["gitlab-pat-320"],
        changed: &[("gitlab-pat-311", "last_used")],
        disappeared: &["gitlab-deploy-key-58"],
    },
    Case {
        source: "csv",
        first: "ot-accounts.csv",
        second: "ot-accounts-reimport.csv",
        ids: &[
            "acme-remote",
            "ews-line3-eng",
            "hmi-line3-operator",
            "plc-r3a-maint",
        ],
        unclassified: &["acme-remote"],
        new: &["scada-historian-svc"],
        changed: &[("ews-line3-eng", "last_rotated")],
        disappeared: &["plc-r3a-maint"],
    },
];

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/import").join(name)
}

/// A runbook directory with the base plant and the mapping.
fn plant(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("00-base.yaml"), BASE).unwrap();
    std::fs::write(dir.path().join("import.yaml"), MAPPING).unwrap();
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn import(dir: &Path, source: &str, file: &Path, more: &[&str]) -> crate::harness::Run {
    Andon::new()
        .args(["import", source])
        .args([file.to_str().unwrap()])
        .args(["-r", dir.to_str().unwrap()])
        .args(if more.contains(&"--now") {
            &[][..]
        } else {
            &["--now", "2026-12-04"][..]
        })
        .args(more)
        .run()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

fn generated(dir: &Path, source: &str) -> PathBuf {
    dir.join("imported").join(format!("{source}.yaml"))
}

/// The lint findings of the runbook (it must load: exit 0 or 1, never 2).
fn lint(dir: &Path) -> Vec<(String, String)> {
    let run = Andon::new()
        .args(["lint", dir.to_str().unwrap(), "--now", "2026-11-22T09:00"])
        .args(["--format", "json"])
        .run();
    assert!(run.code() == 0 || run.code() == 1, "{}", run.stderr());
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_source_round_trips_import_load_lint() {
    for case in CASES {
        let dir = plant(&[]);
        let run = import(
            dir.path(),
            case.source,
            &fixture(case.first),
            &["--format", "json"],
        )
        .success();
        let report = run.json();
        assert_eq!(report["outcome"], "written", "{}", case.source);
        assert_eq!(strings(&report["new"]), case.ids, "{}", case.source);
        assert_eq!(
            strings(&report["unclassified"]),
            case.unclassified,
            "{}",
            case.source
        );
        let text = std::fs::read_to_string(generated(dir.path(), case.source)).unwrap();
        assert!(text.starts_with("# Generated by `andon import"), "{text}");
        let findings = lint(dir.path());
        let imp001: Vec<&str> = findings
            .iter()
            .filter(|(c, _)| c == "IMP001")
            .map(|(_, m)| m.as_str())
            .collect();
        assert_eq!(imp001.len(), case.unclassified.len(), "{findings:?}");
        for id in case.unclassified {
            assert!(
                imp001.iter().any(|m| m.contains(&format!("`{id}`"))),
                "{findings:?}"
            );
        }
        // The AWS user with two active keys (IMP003), on each of them.
        let two: Vec<&str> = findings
            .iter()
            .filter(|(c, _)| c == "IMP003")
            .map(|(_, m)| m.as_str())
            .collect();
        if case.source == "aws-credential-report" {
            assert_eq!(two.len(), 2, "{findings:?}");
            assert!(two[0].contains("active credentials of `line3-historian-export`"));
        } else {
            assert!(two.is_empty(), "{findings:?}");
        }
        // A classified identity has its owner: no OWN001 on it.
        let classified = case
            .ids
            .iter()
            .find(|id| !case.unclassified.contains(id))
            .unwrap();
        assert!(
            !findings
                .iter()
                .any(|(c, m)| c == "OWN001" && m.contains(&format!("`{classified}`"))),
            "{findings:?}"
        );
    }
}

#[test]
fn every_source_reimport_reports_added_changed_and_removed_records() {
    for case in CASES {
        let dir = plant(&[]);
        import(dir.path(), case.source, &fixture(case.first), &[]).success();
        let run = import(
            dir.path(),
            case.source,
            &fixture(case.second),
            &["--format", "json"],
        )
        .success();
        let r = run.json();
        assert_eq!(strings(&r["new"]), case.new, "{}", case.source);
        let changed: Vec<(String, String)> = r["changed"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| {
                c["changes"].as_array().unwrap().iter().map(|f| {
                    (
                        c["id"].as_str().unwrap().to_owned(),
                        f["field"].as_str().unwrap().to_owned(),
                    )
                })
            })
            .collect();
        let want: Vec<(String, String)> = case
            .changed
            .iter()
            .map(|(i, f)| ((*i).to_owned(), (*f).to_owned()))
            .collect();
        assert_eq!(changed, want, "{}", case.source);
        for c in r["changed"].as_array().unwrap() {
            for f in c["changes"].as_array().unwrap() {
                assert_ne!(f["before"], f["after"], "{f}");
                assert!(f["before"].is_string() || f["after"].is_string());
            }
        }
        let gone: Vec<&str> = r["disappeared"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                assert_eq!(m["since"], "2026-12-04");
                m["id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(gone, case.disappeared, "{}", case.source);
        // Kept in the file, marked, and the runbook still loads.
        let text = std::fs::read_to_string(generated(dir.path(), case.source)).unwrap();
        for id in case.disappeared {
            let at = text.find(&format!("id: \"{id}\"")).unwrap();
            let rest = &text[at..];
            let end = rest[1..].find("  - id:").map_or(rest.len(), |i| i + 1);
            assert!(
                rest[..end].contains("\"import-missing-since\": \"2026-12-04\""),
                "{text}"
            );
        }
        lint(dir.path());
        // The human and Markdown reports of the same re-import, dry run.
        import(
            dir.path(),
            case.source,
            &fixture(case.first),
            &["--dry-run"],
        )
        .success()
        .stdout_has("Back in the source (")
        .stdout_has("dry run, nothing written");
        import(
            dir.path(),
            case.source,
            &fixture(case.first),
            &["--dry-run", "--format", "markdown"],
        )
        .success()
        .stdout_has(&format!("### andon import `{}`: 0 new, ", case.source))
        .stdout_has("| identity | field | before | after |");
    }
}

#[test]
fn the_human_report_says_what_rotated_with_before_and_after() {
    let dir = plant(&[]);
    let case = &CASES[0];
    import(dir.path(), case.source, &fixture(case.first), &[]).success();
    let run = import(dir.path(), case.source, &fixture(case.second), &[]).success();
    let out = run.stdout();
    assert!(
        out.contains("aws-line3-historian-export-key1: rotated 2026-06-01 -> 2026-11-25; last used 2026-11-21 -> 2026-12-03"),
        "{out}"
    );
    assert!(
        out.starts_with("andon import aws-credential-report: imported/aws-credential-report.yaml written, 5 identities\n1 new, 1 changed, 1 disappeared from the source, 2 unchanged\n"),
        "{out}"
    );
}

#[test]
fn a_reimport_that_changes_nothing_leaves_the_file_byte_identical_and_unwritten() {
    for case in CASES {
        let dir = plant(&[]);
        import(dir.path(), case.source, &fixture(case.first), &[]).success();
        import(dir.path(), case.source, &fixture(case.second), &[]).success();
        let path = generated(dir.path(), case.source);
        let before = std::fs::read(&path).unwrap();
        // An old mtime: a rewrite would move it to now.
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let run = import(
            dir.path(),
            case.source,
            &fixture(case.second),
            &["--format", "json", "--now", "2026-12-09"],
        )
        .success();
        assert_eq!(run.json()["outcome"], "unchanged");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
        // The still-missing record keeps its first date.
        assert_eq!(run.json()["still_missing"][0]["since"], "2026-12-04");
    }
}

#[test]
fn a_dry_run_writes_nothing() {
    let dir = plant(&[]);
    let case = &CASES[1];
    import(
        dir.path(),
        case.source,
        &fixture(case.first),
        &["--dry-run"],
    )
    .success()
    .stdout_has("3 new");
    assert!(!dir.path().join("imported").exists());
    import(dir.path(), case.source, &fixture(case.first), &[]).success();
    let before = std::fs::read(generated(dir.path(), case.source)).unwrap();
    let run = import(
        dir.path(),
        case.source,
        &fixture(case.second),
        &["--dry-run", "--format", "json"],
    )
    .success();
    assert_eq!(run.json()["outcome"], "dry-run");
    assert_eq!(strings(&run.json()["new"]), ["cyberark-27_5"]);
    assert_eq!(
        std::fs::read(generated(dir.path(), case.source)).unwrap(),
        before
    );
}

const HAND: &str = "identities:
  - id: aws-mes-erp-sync-key1
    kind: api-key
    owner: plant-manager
    access: { mes: read }
    serves: []
    last_used: 2026-11-20
";

#[test]
fn an_id_also_written_by_hand_is_an_error_naming_both_places() {
    let dir = plant(&[("40-hand.yaml", HAND)]);
    let run = import(
        dir.path(),
        "aws-credential-report",
        &fixture("aws-credential-report.csv"),
        &[],
    )
    .fails(2);
    let shown = dir.path().display().to_string();
    let stderr = run.stderr().replace(&shown, "RB");
    assert_eq!(
        stderr,
        "error: identity `aws-mes-erp-sync-key1` is imported from `aws-credential-report` (RB/imported/aws-credential-report.yaml:27) and also defined by hand at RB/40-hand.yaml:2\n  = help: remove one of the two, or set `hand_written_wins: true` in import.yaml to keep the hand-written identity\nerror: nothing was written\n"
    );
    assert!(!dir.path().join("imported").exists());
}

#[test]
fn hand_written_wins_keeps_the_hand_written_identity_and_leaves_the_record_out() {
    let dir = plant(&[("40-hand.yaml", HAND)]);
    let mapping = MAPPING.replace(
        "andon-import: 1\n",
        "andon-import: 1\nhand_written_wins: true\n",
    );
    std::fs::write(dir.path().join("import.yaml"), mapping).unwrap();
    let run = import(
        dir.path(),
        "aws-credential-report",
        &fixture("aws-credential-report.csv"),
        &["--format", "json"],
    )
    .success();
    assert_eq!(
        strings(&run.json()["hand_written_wins"]),
        ["aws-mes-erp-sync-key1"]
    );
    let text = std::fs::read_to_string(generated(dir.path(), "aws-credential-report")).unwrap();
    assert!(!text.contains("aws-mes-erp-sync-key1"), "{text}");
    lint(dir.path());
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let dir = plant(&[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_andon"))
        .args(["import", "cyberark", "-", "-r"])
        .arg(dir.path())
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let export = std::fs::read(fixture("cyberark-accounts.json")).unwrap();
    child.stdin.take().unwrap().write_all(&export).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        strings(&report["new"]),
        ["cyberark-27_3", "cyberark-27_4", "cyberark-31_9"]
    );
    assert!(generated(dir.path(), "cyberark").exists());
}

#[test]
fn bad_input_is_a_located_error_and_writes_nothing() {
    let dir = plant(&[]);
    let bad = dir.path().join("bad.csv");
    let report = std::fs::read_to_string(fixture("aws-credential-report.csv")).unwrap();
    // A row with one field too many on line 4.
    let mut lines: Vec<String> = report.lines().map(str::to_owned).collect();
    lines[3].push_str(",extra");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    import(dir.path(), "aws-credential-report", &bad, &[])
        .fails(2)
        .stderr_has("bad.csv`: line 4: ")
        .stderr_has("nothing was written");
    let json = dir.path().join("bad.json");
    std::fs::write(&json, "{\"value\": {\"id\": \"1\"}}\n").unwrap();
    import(dir.path(), "cyberark", &json, &[])
        .fails(2)
        .stderr_has("bad.json`: line 1, column ")
        .stderr_has("not a PVWA accounts page");
    assert!(!dir.path().join("imported").exists());
    // An earlier import is kept as it was.
    import(
        dir.path(),
        "cyberark",
        &fixture("cyberark-accounts.json"),
        &[],
    )
    .success();
    let before = std::fs::read(generated(dir.path(), "cyberark")).unwrap();
    import(dir.path(), "cyberark", &json, &[]).fails(2);
    assert_eq!(
        std::fs::read(generated(dir.path(), "cyberark")).unwrap(),
        before
    );
}

#[test]
fn an_import_that_would_not_load_writes_nothing_and_says_why() {
    let dir = plant(&[]);
    import(
        dir.path(),
        "cyberark",
        &fixture("cyberark-accounts.json"),
        &[],
    )
    .success();
    let before = std::fs::read(generated(dir.path(), "cyberark")).unwrap();
    let broken = MAPPING.replace("owner: plant-manager", "owner: plant-manger");
    std::fs::write(dir.path().join("import.yaml"), broken).unwrap();
    import(
        dir.path(),
        "cyberark",
        &fixture("cyberark-accounts-reimport.json"),
        &[],
    )
    .fails(2)
    .stderr_has("the runbook does not load; nothing was written")
    .stderr_has("unknown role `plant-manger`");
    assert_eq!(
        std::fs::read(generated(dir.path(), "cyberark")).unwrap(),
        before
    );
}

#[test]
fn a_hand_written_file_where_the_generated_one_goes_is_never_overwritten() {
    let dir = plant(&[]);
    std::fs::create_dir(dir.path().join("imported")).unwrap();
    let mine = "identities: []\n";
    std::fs::write(generated(dir.path(), "cyberark"), mine).unwrap();
    import(
        dir.path(),
        "cyberark",
        &fixture("cyberark-accounts.json"),
        &[],
    )
    .fails(2)
    .stderr_has("was not written by `andon import`");
    assert_eq!(
        std::fs::read_to_string(generated(dir.path(), "cyberark")).unwrap(),
        mine
    );
}

#[test]
fn control_characters_from_an_export_never_reach_the_terminal() {
    let dir = plant(&[]);
    let json = dir.path().join("evil.json");
    std::fs::write(
        &json,
        "{\"value\": [{\"id\": \"x\\u001b[2Jy\", \"safeName\": \"Vendors\"}]}",
    )
    .unwrap();
    let run = import(dir.path(), "cyberark", &json, &[]).success();
    assert!(!run.stdout().contains('\u{1b}'), "{:?}", run.stdout());
    assert!(
        run.stdout().contains("cyberark-x\\u{1b}[2Jy"),
        "{}",
        run.stdout()
    );
    let md = import(
        dir.path(),
        "cyberark",
        &json,
        &["--format", "markdown", "--dry-run"],
    )
    .success();
    assert!(!md.stdout().contains('\u{1b}'));
}

#[test]
fn the_shipped_imported_files_are_what_the_shipped_exports_and_mapping_give() {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::copy_runbook(&crate::harness::shipped(), dir.path());
    for (source, export) in [
        ("aws-credential-report", "lyon-credential-report.csv"),
        ("cyberark", "lyon-cyberark-accounts.json"),
    ] {
        let run = import(
            dir.path(),
            source,
            &root().join("docs/import").join(export),
            &["--format", "json", "--now", "2026-11-22"],
        )
        .success();
        assert_eq!(run.json()["outcome"], "unchanged", "{source}");
    }
    let run = Andon::new()
        .args([
            "lint",
            "runbooks/lyon-packaging",
            "--now",
            "2026-11-22T09:00",
        ])
        .args(["--deny", "warnings"])
        .in_dir(&root())
        .run()
        .success();
    assert!(
        run.stdout().contains("0 errors, 0 warnings"),
        "{}",
        run.stdout()
    );
}

/// `(command, expected output)` of every `$ andon ...` line of the
/// `console` blocks of `doc`, in order.
fn walkthrough(doc: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut in_console = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        match line.strip_prefix("$ ") {
            Some(command) => out.push((command.to_owned(), String::new())),
            None => {
                let (_, expected) = out.last_mut().expect("output after a command");
                expected.push_str(line);
                expected.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_walkthrough_in_import_md_matches_the_binary() {
    let doc = std::fs::read_to_string(root().join("docs/import.md")).unwrap();
    let steps = walkthrough(&doc);
    assert!(steps.len() >= 9, "only {} commands found", steps.len());
    // The shipped runbook before its first import, and the exports.
    let dir = tempfile::tempdir().unwrap();
    let rb = dir.path().join("runbooks/lyon-packaging");
    crate::harness::copy_runbook(&crate::harness::shipped(), &rb);
    std::fs::remove_dir_all(rb.join("imported")).unwrap();
    crate::harness::copy_runbook(&root().join("docs/import"), &dir.path().join("docs/import"));
    for (command, expected) in steps {
        let args: Vec<&str> = command
            .strip_prefix("andon ")
            .expect("an andon command")
            .split_whitespace()
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_andon"))
            .args(&args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(got.trim_end(), expected.trim_end(), "`{command}`");
    }
}

#[test]
fn a_runbook_given_as_one_file_is_refused_it_has_no_imported_folder() {
    let dir = plant(&[]);
    import(
        &dir.path().join("00-base.yaml"),
        "cyberark",
        &fixture("cyberark-accounts.json"),
        &[],
    )
    .fails(2)
    .stderr_has("is not a runbook directory");
    assert!(!dir.path().join("imported").exists());
}
