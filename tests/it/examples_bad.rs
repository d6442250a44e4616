//! The runbooks of `runbooks/examples-bad/` each show one classic failure;
//! `andon lint` finds exactly the findings their `expected.txt` lists.

use super::harness::root;

#[test]
fn each_bad_example_produces_exactly_its_expected_findings() {
    let dir = root().join("runbooks/examples-bad");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("examples-bad") {
        let example = entry.expect("entry").path();
        if !example.is_dir() {
            continue;
        }
        let expected_text =
            std::fs::read_to_string(example.join("expected.txt")).expect("expected.txt");
        let mut expected: Vec<String> = expected_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        expected.sort();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
            .args(["lint", "--now", "2026-11-22T09:00", "--format", "json"])
            .arg(&example)
            .output()
            .expect("run andon lint");
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}: lint must fail",
            example.display()
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        let mut actual: Vec<String> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{} {}", f["code"].as_str().unwrap_or("?"), f["line"]))
            .collect();
        actual.sort();
        assert_eq!(actual, expected, "{}", example.display());
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} examples");
}
