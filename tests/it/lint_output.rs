//! `andon lint` through the real binary: exit codes, `--deny warnings`, each
//! output format (human, json, github, sarif), and deterministic output.
//!
//! Runbooks are written under `rb/` in a temporary directory and linted from
//! there, so paths in the output are relative (`rb/00-base.yaml`).

use super::harness::{Andon, Run, root};
use serde_json::Value;

const NOW: &str = "2026-11-22T09:00";

/// A small plant that no rule finds fault with at `NOW` (the base plant of
/// the rules' own tests).
const BASE: &str = include_str!("../fixtures/base-plant.yaml");

const ALICE: &str = "{ id: alice, name: Alice Martin, backup: chen }";

/// `BASE` with a `lint.allow` list on person `alice` (line 14).
fn base_allowing(allow: &str) -> String {
    BASE.replace(
        ALICE,
        &format!("{{ id: alice, name: Alice Martin, backup: chen, lint: {{ allow: [{allow}] }} }}"),
    )
}

/// An allow that silences nothing: LNT002, a warning.
fn warning_only() -> String {
    base_allowing("{ rule: CRD002, reason: accepted until the February shutdown }")
}

/// An allow without a reason: LNT001, an error.
fn error_only() -> String {
    base_allowing("{ rule: CRD002 }")
}

/// `andon lint rb --now NOW ARGS...` on `files` (names under `rb/`).
fn lint(files: &[(&str, &str)], args: &[&str]) -> Run {
    let files: Vec<(String, &str)> = files
        .iter()
        .map(|(name, text)| (format!("rb/{name}"), *text))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    Andon::new()
        .workdir(&files)
        .args(["lint", "rb", "--now", NOW])
        .args(args)
        .run()
}

#[test]
fn a_clean_runbook_exits_0_with_an_empty_summary() {
    let run = lint(&[("00-base.yaml", BASE)], &["--deny", "warnings"]).success();
    assert_eq!(run.stdout(), "0 errors, 0 warnings, 0 suppressed\n");
}

#[test]
fn a_warning_exits_0_and_fails_under_deny_warnings() {
    lint(&[("00-base.yaml", &warning_only())], &[])
        .success()
        .stdout_has("warning[LNT002]: suppression of `CRD002` silences nothing")
        .stdout_has("0 errors, 1 warning, 0 suppressed");
    lint(
        &[("00-base.yaml", &warning_only())],
        &["--deny", "warnings"],
    )
    .fails(1)
    .stdout_has("0 errors, 1 warning, 0 suppressed");
}

#[test]
fn an_error_exits_1_and_reads_like_a_compiler_message() {
    let run = lint(&[("00-base.yaml", &error_only())], &[]).fails(1);
    assert_eq!(
        run.stdout(),
        "error[LNT001]: suppression of `CRD002` has no reason
  --> rb/00-base.yaml:14:68
   |
14 |   - { id: alice, name: Alice Martin, backup: chen, lint: { allow: [{ rule: CRD002 }] } }
   |                                                                    ^
   = help: add `reason:` saying why this finding is accepted, so that an auditor can judge it

1 error, 0 warnings, 0 suppressed
"
    );
}

#[test]
fn suppressed_findings_are_counted_not_shown() {
    // ST003: a `safety` system that cutting `mes-svc` stops, without
    // `safe_state`, accepted with a reason. Other rules may fire on the
    // identity; only ST003 is looked at.
    let base = BASE
        .replace(", safe_state: Switch line 1 to manual at the HMI", "")
        .replace(
            "depends_on: [mes]",
            "depends_on: [mes], lint: { allow: [{ rule: ST003, reason: safe state kept in the line 1 binder }] }",
        );
    let identity = "identities:
  - { id: mes-svc, kind: service-account, owner: shift-lead, serves: [mes] }
";
    let files = [
        ("00-base.yaml", base.as_str()),
        ("10-identity.yaml", identity),
    ];
    let doc = lint(&files, &["--format", "json"]).json();
    assert_eq!(doc["summary"]["suppressed"], 1, "{doc:#}");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        !codes.contains(&"ST003") && !codes.contains(&"LNT002"),
        "{codes:?}"
    );
    lint(&files, &[])
        .stdout_lacks("ST003")
        .stdout_has(", 1 suppressed");
}

#[test]
fn a_runbook_that_does_not_load_exits_2_with_a_located_error() {
    let base = BASE.replace("escalates_to: plant-manager", "escalates_to: plant-manger");
    lint(&[("00-base.yaml", &base)], &[])
        .fails(2)
        .stdout_has("error[REF001]: unknown role `plant-manger`")
        .stdout_has("--> rb/00-base.yaml:19:")
        .stdout_has("did you mean `plant-manager`?")
        .stdout_has("error: `rb` could not be loaded; it was not linted");
}

#[test]
fn one_runbook_that_does_not_load_does_not_hide_the_findings_of_another() {
    let run = Andon::new()
        .workdir(&[
            ("good/00-base.yaml", &warning_only()),
            ("bad/00-base.yaml", "andon: 1\nplant: [\n"),
        ])
        .args(["lint", "bad", "good", "--now", NOW])
        .run()
        .fails(2)
        .stdout_has("error[YML001]")
        .stdout_has("--> bad/00-base.yaml:")
        .stdout_has("warning[LNT002]");
    let out = run.stdout();
    assert!(
        out.find("YML001") < out.find("LNT002"),
        "paths in given order"
    );
}

#[test]
fn misuse_exits_2() {
    Andon::new()
        .workdir(&[("rb/00-base.yaml", BASE)])
        .args(["lint", "rb", "--now", "yesterday"])
        .run()
        .fails(2)
        .stderr_has("bad `--now` `yesterday`");
    lint(&[("00-base.yaml", BASE)], &["--format", "xml"]).fails(2);
    Andon::new()
        .workdir(&[("rb/00-base.yaml", BASE)])
        .args(["lint", "missing", "--now", NOW])
        .run()
        .fails(2);
}

#[test]
fn json_output_has_every_field_of_a_finding_and_the_summary() {
    let dup = "people:\n  - { id: alice, name: Alice Again }\n";
    let run = lint(
        &[("00-base.yaml", BASE), ("10-dup.yaml", dup)],
        &["--format", "json"],
    )
    .fails(2);
    let doc = run.json();
    let finding = &doc["findings"][0];
    assert_eq!(finding["code"], "REF002");
    assert_eq!(finding["name"], "duplicate-id");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "rb/10-dup.yaml");
    assert_eq!(finding["line"], 2);
    assert!(finding["column"].as_u64().is_some_and(|c| c >= 1));
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("`alice`"))
    );
    assert_eq!(finding["related"][0]["file"], "rb/00-base.yaml");
    assert_eq!(finding["related"][0]["line"], 14);
    assert!(finding.get("help").is_some() && finding.get("witness").is_some());
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["summary"]["unloadable"], 1);

    let run = lint(&[("00-base.yaml", &warning_only())], &["--format", "json"]).success();
    let doc = run.json();
    assert_eq!(doc["findings"][0]["code"], "LNT002");
    assert_eq!(doc["findings"][0]["help"], "remove it");
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(doc["summary"]["suppressed"], 0);
}

#[test]
fn github_annotations_carry_file_line_column_and_title() {
    let run = lint(&[("00-base.yaml", &error_only())], &["--format", "github"]).fails(1);
    assert_eq!(
        run.stdout(),
        "::error file=rb/00-base.yaml,line=14,col=68,title=LNT001 suppression-without-reason::\
         suppression of `CRD002` has no reason%0Ahelp: add `reason:` saying why this finding \
         is accepted, so that an auditor can judge it\n\
         1 error, 0 warnings, 0 suppressed\n"
    );
    lint(
        &[("00-base.yaml", &warning_only())],
        &["--format", "github"],
    )
    .success()
    .stdout_has("::warning file=rb/00-base.yaml,line=14,");
}

#[test]
fn github_annotations_escape_properties_and_data() {
    // A file name with `,` and `:` would end the property early; a `%` in a
    // message would start an escape.
    let run = Andon::new()
        .workdir(&[(
            "a,b:c/00-base.yaml",
            &base_allowing("{ rule: X%1, reason: \"50%\" }"),
        )])
        .args(["lint", "a,b:c", "--now", NOW, "--format", "github"])
        .run()
        .success();
    let out = run.stdout();
    assert!(
        out.starts_with("::warning file=a%2Cb%3Ac/00-base.yaml,line=14,"),
        "{out}"
    );
    assert!(
        out.contains("::suppression of unknown rule `X%251`"),
        "{out}"
    );
}

#[test]
fn a_load_error_is_an_annotation_too() {
    let run = lint(
        &[("00-base.yaml", "andon: 1\nplant: [\n")],
        &["--format", "github"],
    )
    .fails(2);
    let out = run.stdout();
    assert!(
        out.starts_with("::error file=rb/00-base.yaml,line="),
        "{out}"
    );
    assert!(out.contains(",title=YML001::"), "{out}");
    assert!(out.contains("::error title=andon::`rb` could not be loaded; it was not linted\n"));
}

/// The SARIF 2.1.0 schema (draft-04), as a validator with formats checked.
fn sarif_validator() -> jsonschema::Validator {
    let path = root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("SARIF schema fixture");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[track_caller]
fn assert_valid_sarif(run: &Run) -> Value {
    let doc = run.json();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    doc
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    // Guards the SARIF tests: a validator that accepted anything would pass them.
    let validator = sarif_validator();
    let bad = serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": {} }] });
    assert!(!validator.is_valid(&bad));
    let bad_level = serde_json::json!({ "version": "2.1.0", "runs": [{
        "tool": { "driver": { "name": "andon" } },
        "results": [{ "message": { "text": "x" }, "level": "fatal" }]
    }]});
    assert!(!validator.is_valid(&bad_level));
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let findings = lint(
        &[(
            "00-base.yaml",
            &base_allowing("{ rule: CRD002 }, { rule: VEN03, reason: typo }"),
        )],
        &["--format", "sarif"],
    )
    .fails(1);
    let doc = assert_valid_sarif(&findings);
    let run = &doc["runs"][0];
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "andon");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "LNT001");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[1]["ruleId"], "LNT002");
    assert_eq!(results[1]["level"], "warning");
    let place = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "rb/00-base.yaml");
    assert_eq!(place["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(place["region"]["startLine"], 14);
    assert_eq!(place["region"]["startColumn"], 68);
    // Every result names a rule of the driver, by id and by index.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    // A load error with a related place, and a YAML syntax error.
    let dup = "people:\n  - { id: alice, name: Alice Again }\n";
    let load = lint(
        &[("00-base.yaml", BASE), ("10-dup.yaml", dup)],
        &["--format", "sarif"],
    )
    .fails(2);
    let doc = assert_valid_sarif(&load);
    let run = &doc["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "REF002");
    let related = &result["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "rb/00-base.yaml"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 14);
    assert!(related["message"]["text"].is_string());
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let syntax = lint(
        &[("00-base.yaml", "andon: 1\nplant: [\n")],
        &["--format", "sarif"],
    )
    .fails(2);
    let doc = assert_valid_sarif(&syntax);
    assert_eq!(doc["runs"][0]["results"][0]["ruleId"], "YML001");

    // A clean run is valid too, with no result.
    let clean = lint(&[("00-base.yaml", BASE)], &["--format", "sarif"]).success();
    let doc = assert_valid_sarif(&clean);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn sarif_of_the_shipped_and_bad_example_runbooks_validates() {
    // Real findings: witnesses, related places, suppressions, several paths.
    let mut paths = vec!["runbooks/lyon-packaging".to_owned()];
    let bad = root().join("runbooks/examples-bad");
    let mut examples: Vec<String> = std::fs::read_dir(&bad)
        .expect("runbooks/examples-bad")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| {
            format!(
                "runbooks/examples-bad/{}",
                p.file_name().expect("name").to_string_lossy()
            )
        })
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    paths.extend(examples);
    let run = Andon::new()
        .in_dir(&root())
        .args(["lint", "--now", NOW, "--format", "sarif"])
        .args(&paths)
        .run()
        .fails(1);
    let doc = assert_valid_sarif(&run);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["witness"].is_string())
    );
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("runbooks/"), "{uri}");
    }
}

#[test]
fn sarif_rules_carry_the_catalogue() {
    let run = lint(&[("00-base.yaml", BASE)], &["--format", "sarif"]).success();
    let doc = run.json();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .clone();
    let catalogue: Vec<_> = andon::lint::all_rules().map(|r| r.info()).collect();
    assert_eq!(rules.len(), catalogue.len());
    for (rule, info) in rules.iter().zip(&catalogue) {
        assert_eq!(rule["id"], info.code);
        assert_eq!(rule["name"], info.name);
        assert_eq!(rule["fullDescription"]["text"], info.rationale);
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            info.severity.as_str()
        );
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for id in info.mapping {
            assert!(tags.contains(id), "{}: tag {id} missing", info.code);
        }
    }
}

#[test]
fn every_format_prints_the_same_bytes_twice() {
    let dup = "people:\n  - { id: alice, name: Alice Again }\n";
    for files in [
        vec![("00-base.yaml", error_only())],
        vec![
            ("00-base.yaml", BASE.to_owned()),
            ("10-dup.yaml", dup.to_owned()),
        ],
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        for format in ["human", "json", "github", "sarif"] {
            let first = lint(&files, &["--format", format]).stdout();
            let second = lint(&files, &["--format", format]).stdout();
            assert!(!first.is_empty(), "{format}: no output");
            assert_eq!(first, second, "{format} output differs between two runs");
        }
    }
}

#[test]
fn the_yaml_test_suite_through_lint_exits_2_with_a_located_message_per_case() {
    // None of these files is a runbook: each must end in a located error,
    // never a panic, a hang or a result.
    let dir = root().join("tests/fixtures/yaml-test-suite");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .map(|e| e.expect("corpus entry").path().join("in.yaml"))
        .filter(|p| p.exists())
        .map(|p| {
            p.strip_prefix(root())
                .expect("under the root")
                .display()
                .to_string()
        })
        .collect();
    cases.sort();
    assert!(cases.len() > 300, "only {} corpus cases found", cases.len());
    let run = Andon::new()
        .in_dir(&root())
        .args(["lint", "--now", NOW])
        .args(&cases)
        .run()
        .fails(2);
    let out = run.stdout();
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    for case in &cases {
        assert!(
            out.contains(&format!("--> {case}:")),
            "{case}: no located message"
        );
        assert!(
            out.contains(&format!("error: `{case}` could not be loaded")),
            "{case}: not reported as unloadable"
        );
    }
}

#[test]
fn the_github_example_in_ci_md_is_what_the_binary_prints() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let command =
        "andon lint runbooks/examples-bad/expired-cert --now 2026-11-22T09:00 --format github";
    let start = doc
        .find(&format!("$ {command}\n"))
        .expect("the example in docs/ci.md")
        + command.len()
        + 3;
    let end = start + doc[start..].find("```").expect("end of the example");
    let run = Andon::new()
        .in_dir(&root())
        .args(command.split_whitespace().skip(1))
        .run()
        .fails(1);
    assert_eq!(run.stdout(), &doc[start..end]);
}

#[test]
fn the_yaml_in_ci_md_parses() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").expect("closed block")])
        .collect();
    assert!(blocks.len() >= 3, "workflow, annotations step, suppression");
    for block in &blocks {
        let parsed: Result<Value, _> = serde_saphyr::from_str(block);
        assert!(parsed.is_ok(), "{parsed:?}\n{block}");
    }
    let workflow = blocks[0];
    assert!(workflow.contains("--format sarif > andon.sarif"));
    assert!(workflow.contains("github/codeql-action/upload-sarif"));
}

#[test]
fn suppressed_findings_are_sarif_results_marked_suppressed_with_their_reason() {
    let run = Andon::new()
        .args([
            "lint",
            "runbooks/lyon-packaging",
            "--now",
            NOW,
            "--format",
            "sarif",
        ])
        .in_dir(&super::harness::root())
        .run()
        .success();
    let doc = assert_valid_sarif(&run);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        10,
        "the shipped runbook's ten accepted risks: eight written by hand, two from its import mapping"
    );
    for r in results {
        let suppression = &r["suppressions"][0];
        assert_eq!(suppression["kind"], "inSource", "{r}");
        assert!(
            suppression["justification"]
                .as_str()
                .is_some_and(|j| j.len() > 20),
            "{r}"
        );
    }
}
