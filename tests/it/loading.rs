//! Bad runbooks get located errors, all of them at once, and exit code 2.

use super::harness::{Andon, MINIMAL as HEADER};

fn load_errors(files: &[(&str, &str)]) -> String {
    Andon::new()
        .files(files)
        .args(["who", "x", "pause"])
        .run()
        .fails(2)
        .stderr()
}

const BASE: &str = "people:
  - { id: alice, name: Alice Martin }
  - { id: bob, name: Bob Durand, backup: alice }
roles:
  - id: shift-lead
    members: [alice, bob]
    after: 10m
systems:
  - { id: line3, criticality: safety, owner: shift-lead }
";

#[test]
fn an_unknown_key_is_located_with_a_hint() {
    let text =
        format!("{HEADER}{BASE}identities:\n  - id: x\n    kind: api-key\n    ownr: shift-lead\n");
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(
        err.contains("error[REF003]: unknown key `ownr` in an identity"),
        "{err}"
    );
    assert!(err.contains("--> RB/rb.yaml:17:5"), "{err}");
    assert!(err.contains("help: did you mean `owner`?"), "{err}");
}

#[test]
fn every_error_of_a_load_is_reported_not_just_the_first() {
    let text = format!(
        "{HEADER}{BASE}identities:\n  - id: x\n    kind: api-keys\n    owner: shift-leed\n    last_used: 2026-13-01\n    credential: {{ rotation: 90 }}\n"
    );
    let err = load_errors(&[("rb.yaml", &text)]);
    for expected in [
        "unknown identity kind `api-keys`",
        "--> RB/rb.yaml:16:11",
        "unknown role `shift-leed`",
        "--> RB/rb.yaml:17:12",
        "did you mean `shift-lead`?",
        "bad date `2026-13-01` for `last_used`",
        "--> RB/rb.yaml:18:16",
        "bad duration `90` for `rotation`",
        "4 errors",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn a_duplicate_id_across_files_names_both_places() {
    let people = "people:\n  - { id: alice }\n";
    let more = "people:\n  - { id: bob }\n  - { id: alice }\n";
    let err = load_errors(&[
        ("00.yaml", HEADER),
        ("10-people.yaml", people),
        ("20-more.yaml", more),
    ]);
    assert!(
        err.contains("error[REF002]: person `alice` is defined twice"),
        "{err}"
    );
    assert!(err.contains("--> RB/20-more.yaml:3:11"), "{err}");
    assert!(err.contains("--> RB/10-people.yaml:2:11"), "{err}");
    assert!(err.contains("first defined here"), "{err}");
}

#[test]
fn bad_time_zone_and_bad_date_time_are_located() {
    let text = HEADER.replace("Europe/Paris", "Europe/Pariss")
        + "people: [{ id: a }]\nroles:\n  - id: r\n    members: [a]\n    schedule:\n      layers:\n        - { rotation: [a], shift: 8h, start: 2026-01-05T25:00 }\n";
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(err.contains("unknown time zone `Europe/Pariss`"), "{err}");
    assert!(err.contains("did you mean `Europe/Paris`?"), "{err}");
    assert!(
        err.contains("bad date-time `2026-01-05T25:00` for `start`"),
        "{err}"
    );
    assert!(err.contains("--> RB/rb.yaml:11:46"), "{err}");
}

#[test]
fn wrong_types_say_what_was_expected() {
    let text = format!(
        "{HEADER}people:\n  - id: a\n    active: maybe\nroles:\n  - id: r\n    members: {{ a: 1 }}\n"
    );
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(
        err.contains("expected `true` or `false` for `active`, found a string"),
        "{err}"
    );
    assert!(
        err.contains("expected a list for a person id, found a mapping"),
        "{err}"
    );
}

#[test]
fn a_rule_needs_exactly_one_of_decide_and_forbid() {
    let text = format!(
        "{HEADER}{BASE}authority:\n  - {{ id: both, actions: [pause], decide: [{{ role: shift-lead }}], forbid: no }}\n  - {{ id: neither, actions: [pause] }}\n"
    );
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(
        err.contains("a rule has `decide` or `forbid`, not both"),
        "{err}"
    );
    assert!(
        err.contains("a rule needs `decide` (who decides) or `forbid` (why nobody may)"),
        "{err}"
    );
}

#[test]
fn yaml_syntax_errors_are_located() {
    let text = format!("{HEADER}people: [{{ id: a }}\nroles: []\n");
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(err.contains("error[YML001]: invalid YAML"), "{err}");
    assert!(err.contains("--> RB/rb.yaml:"), "{err}");
}

#[test]
fn a_duplicate_mapping_key_is_located() {
    let text = format!("{HEADER}people:\n  - id: a\n    id: b\n");
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(
        err.contains("invalid YAML: duplicate mapping key: id\n"),
        "{err}"
    );
    assert!(err.contains("--> RB/rb.yaml:7:5"), "{err}");
    assert!(
        !err.contains("format version"),
        "a file that does not parse hides nothing else: {err}"
    );
}

#[test]
fn missing_version_plant_and_default_state_are_reported() {
    let err = load_errors(&[("rb.yaml", "states:\n  - { id: normal }\n")]);
    assert!(err.contains("no file says which format version"), "{err}");
    assert!(err.contains("no `plant` section"), "{err}");
    assert!(err.contains("no state is marked `default: true`"), "{err}");
}

#[test]
fn a_directory_without_runbook_files_is_an_error() {
    let err = load_errors(&[("notes.txt", "hello")]);
    assert!(err.contains("no runbook files"), "{err}");
}

#[test]
fn files_merge_in_name_order_recursively() {
    let people = "people:\n  - { id: alice, name: Alice Martin }\n";
    let roles = "roles:\n  - { id: shift-lead, members: [alice] }\nidentities:\n  - { id: x, kind: api-key }\nauthority:\n  - { id: r, actions: [pause], decide: [{ role: shift-lead }] }\n";
    Andon::new()
        .files(&[
            ("a/00.yaml", HEADER),
            ("b/nested/people.yml", people),
            ("c.yaml", roles),
            ("ignored.txt", "not: yaml: at all"),
        ])
        .args(["who", "x", "pause", "--at", "2026-03-06T02:10"])
        .run()
        .success()
        .stdout_has("Call Alice Martin");
}

#[test]
fn a_state_called_default_and_declare_as_a_rule_action_are_refused() {
    let text = format!(
        "{HEADER}  - {{ id: default }}\n{BASE}authority:\n  - {{ id: r, actions: [declare], decide: [{{ role: shift-lead }}] }}\n"
    );
    let err = load_errors(&[("rb.yaml", &text)]);
    assert!(err.contains("a state cannot be called `default`"), "{err}");
    assert!(
        err.contains("`declare` is not an action on an identity"),
        "{err}"
    );
}

/// The import mapping (`import.yaml` at the runbook's root) is not a
/// runbook file: read as one it would fail on its unknown top-level keys.
/// Only the root one is skipped; a file of that name deeper down is read.
#[test]
fn the_import_mapping_at_the_root_is_not_read_as_a_runbook_file() {
    let plant = format!("{HEADER}{BASE}");
    let mapping = "andon-import: 1\nsources: []\n";
    // The runbook loads: the only error is the unknown identity asked about.
    let err = load_errors(&[("rb.yaml", &plant), ("import.yaml", mapping)]);
    assert!(!err.contains("andon-import"), "{err}");
    assert!(err.contains("unknown identity `x`"), "{err}");
    let err = load_errors(&[("rb.yaml", &plant), ("deeper/import.yaml", mapping)]);
    assert!(err.contains("import.yaml` is not a runbook file"), "{err}");
}

#[test]
fn the_content_hash_is_of_the_bytes_read_in_load_order() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    // The second file starts with a byte-order mark: it is parsed without
    // it, but hashed as it is on disk.
    let files = [
        ("a.yaml", format!("{HEADER}{BASE}")),
        ("b.yaml", "\u{feff}identities: []\n".to_owned()),
    ];
    let mut hasher = Sha256::new();
    for (name, text) in &files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(text.len().to_string().as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
    }
    let expected: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let runbook = andon::load::load(dir.path()).unwrap();
    assert_eq!(runbook.content_hash, format!("sha256:{expected}"));
    // Changing a file after loading does not change what the load saw.
    std::fs::write(dir.path().join("b.yaml"), "identities: []\n").unwrap();
    assert_eq!(runbook.content_hash, format!("sha256:{expected}"));
    assert_ne!(
        andon::load::load(dir.path()).unwrap().content_hash,
        runbook.content_hash
    );
}

/// A file that is not a runbook file (a scenario's `runbook: /etc/passwd`,
/// a stray config file) is named, never quoted: its lines would otherwise
/// reach a CI log as the "source" of findings.
#[test]
fn a_file_that_is_not_a_runbook_file_is_named_never_quoted() {
    let secret = "root:x:0:0:root:/root:/bin/bash\nAWS_SECRET=abc123\n";
    let err = load_errors(&[
        ("rb.yaml", &format!("{HEADER}{BASE}")),
        ("secrets.yaml", secret),
    ]);
    assert!(err.contains("secrets.yaml` is not a runbook file"), "{err}");
    assert!(!err.contains("root:x:0"), "{err}");
    assert!(!err.contains("abc123"), "{err}");
    // No empty source line under it either.
    assert!(!err.contains("1 | \n"), "{err}");
    // A runbook file with a typo in its only section is still quoted, with the hint.
    let typo = "identites:\n  - { id: a, kind: api-key }\n";
    let err = load_errors(&[("rb.yaml", &format!("{HEADER}{BASE}")), ("typo.yaml", typo)]);
    assert!(err.contains("1 | identites:"), "{err}");
    assert!(err.contains("identities"), "{err}");
}
