//! `andon init PLANT-ID [DIR]`: the skeleton loads, its lint findings are
//! exactly the `FIX CODE` lines its comments name, it answers the command
//! its header suggests, and init never writes over anything.

use super::harness::Andon;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn init(dir: &Path, args: &[&str]) -> super::harness::Run {
    Andon::new().in_dir(dir).args(["init"]).args(args).run()
}

/// (code, line) of every `# FIX CODE` mark in `text`.
fn fix_marks(text: &str) -> BTreeSet<(String, u64)> {
    let mut marks = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let Some((_, comment)) = line.split_once("# FIX ") else {
            continue;
        };
        let code: String = comment
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if code.len() == 6 && code[3..].chars().all(|c| c.is_ascii_digit()) {
            marks.insert((code, n as u64 + 1));
        }
    }
    marks
}

#[test]
fn the_skeleton_loads_and_its_findings_are_exactly_its_fix_lines() {
    let tmp = tempfile::tempdir().unwrap();
    init(
        tmp.path(),
        &["acme-plant", "rb", "--timezone", "Europe/Paris"],
    )
    .success()
    .stdout_has("wrote rb/runbook.yaml for plant `acme-plant` (Europe/Paris)");
    let text = std::fs::read_to_string(tmp.path().join("rb/runbook.yaml")).unwrap();
    let marks = fix_marks(&text);
    assert!(marks.len() >= 2, "{marks:?}");
    // Linted at the real now, as a plant would the day it runs init.
    let run = Andon::new()
        .in_dir(tmp.path())
        .args(["lint", "rb", "--format", "json"])
        .run()
        .success();
    let findings: BTreeSet<(String, u64)> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "rb/runbook.yaml", "{f}");
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings, marks, "lint findings against the FIX lines");
    // Warnings only: CI passes on a new runbook, `--deny warnings` lists the to-dos.
    Andon::new()
        .in_dir(tmp.path())
        .args(["lint", "rb", "--deny", "warnings"])
        .run()
        .fails(1);
}

#[test]
fn the_skeleton_has_every_section_commented_and_answers_its_own_example() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), &["acme-plant", "rb"]).success();
    let text = std::fs::read_to_string(tmp.path().join("rb/runbook.yaml")).unwrap();
    let doc: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(doc["plant"]["id"], "acme-plant");
    assert_eq!(doc["plant"]["timezone"], "UTC", "the default time zone");
    let lines: Vec<&str> = text.lines().collect();
    for section in [
        "states",
        "people",
        "roles",
        "systems",
        "identities",
        "authority",
    ] {
        assert!(
            doc[section].as_array().is_some_and(|a| !a.is_empty()),
            "{section}: one example at least"
        );
        let at = lines
            .iter()
            .position(|l| *l == format!("{section}:"))
            .unwrap_or_else(|| panic!("{section}: a section of its own"));
        assert!(
            lines[at - 1].starts_with('#'),
            "{section}: a comment explains it"
        );
    }
    // Every key of a block mapping has a comment on its line or just above,
    // but for the plain names and ids that explain themselves.
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        if line.starts_with('#') || key.contains([' ', '{', '#']) || ["id", "name"].contains(&key) {
            continue;
        }
        let commented = line.contains(" # ") || lines[n - 1].trim_start().starts_with('#');
        let obvious = ["members", "contact", "credential", "line1", "andon"].contains(&key);
        assert!(
            commented || obvious,
            "line {}: `{key}` has no comment",
            n + 1
        );
    }
    // The command the header suggests answers.
    Andon::new()
        .in_dir(tmp.path())
        .args(["who", "line1-scada", "pause", "-r", "rb"])
        .run()
        .success()
        .stdout_has("First Shift Lead");
}

#[test]
fn init_never_writes_over_anything() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), &["acme-plant"]).success();
    let path = tmp.path().join("runbooks/acme-plant/runbook.yaml");
    let first = std::fs::read(&path).unwrap();
    // Again into the same folder: refused, the file left as it was.
    init(tmp.path(), &["other-plant", "runbooks/acme-plant"])
        .fails(2)
        .stderr_has("`runbooks/acme-plant` is not empty");
    assert_eq!(std::fs::read(&path).unwrap(), first);
    // A file, or a link to an empty folder, where the folder should be.
    std::fs::write(tmp.path().join("plain"), "x").unwrap();
    init(tmp.path(), &["p", "plain"])
        .fails(2)
        .stderr_has("cannot write into `plain`");
    std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join("link")).unwrap();
    init(tmp.path(), &["p", "link"])
        .fails(2)
        .stderr_has("symbolic link");
    assert!(!tmp.path().join("elsewhere/runbook.yaml").exists());
}

#[test]
fn bad_ids_time_zones_and_folder_names_are_refused_or_made_harmless() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path(), &["a b"])
        .fails(2)
        .stderr_has("bad plant id `a b`");
    init(tmp.path(), &["x", "rb", "--timezone", "Europe/Pariss"])
        .fails(2)
        .stderr_has("did you mean `Europe/Paris`?");
    assert!(!tmp.path().join("rb").exists());
    // A folder name with a newline would end the header's comment: it is
    // written with `?` instead, and the runbook still loads.
    let run = init(tmp.path(), &["x", "odd\nplant: { id: evil }"]).success();
    assert!(!run.stdout().contains("odd\n"), "{}", run.stdout());
    let dir = tmp.path().join("odd\nplant: { id: evil }");
    let text = std::fs::read_to_string(dir.join("runbook.yaml")).unwrap();
    assert!(text.contains("odd?plant"));
    Andon::new()
        .args(["who", "line1-scada", "pause", "-r", dir.to_str().unwrap()])
        .run()
        .success();
}

#[test]
fn the_example_in_commands_md_is_what_init_prints() {
    let doc = std::fs::read_to_string(super::harness::root().join("docs/commands.md")).unwrap();
    let command = "andon init lyon-packaging runbooks/lyon-packaging --timezone Europe/Paris";
    let start = doc.find(&format!("$ {command}\n")).unwrap() + command.len() + 3;
    let expected = &doc[start..start + doc[start..].find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let run = Andon::new()
        .in_dir(tmp.path())
        .args(command.split_whitespace().skip(1))
        .run()
        .success();
    assert_eq!(run.stdout(), expected);
}
