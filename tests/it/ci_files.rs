//! The CI integration files shipped in the repository (`action.yml`, the
//! GitLab template) and the examples in docs/ci.md cannot rot: they parse as
//! YAML, and every andon command they run is a real subcommand with real
//! flags and values, checked against the clap definitions themselves.

use super::harness::{Andon, root, shipped};
use clap::CommandFactory;
use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).expect(path);
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Shell words of `line`, with double and single quotes kept as one word.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            (None, ';') => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                out.push(";".to_owned());
            }
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            (_, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Every andon command line in a shell script: the words after `andon` or
/// `"$ANDON"` up to the end of the command (a redirect, a pipe, `||`, `;`).
fn andon_commands(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut commands = Vec::new();
    for line in joined.lines() {
        let line = line.split(" #").next().unwrap_or_default();
        let words = words(line);
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            let starts =
                i == 0 || matches!(words[i - 1].as_str(), "||" | "&&" | ";" | "|" | "then");
            if starts && (w == "andon" || w == "\"$ANDON\"") {
                let rest: Vec<String> = words[i + 1..]
                    .iter()
                    .take_while(|w| {
                        !matches!(w.as_str(), "||" | "&&" | ";" | "|")
                            && !w.starts_with('>')
                            && !w.starts_with("2>")
                    })
                    .cloned()
                    .collect();
                i += rest.len();
                commands.push(rest);
            }
            i += 1;
        }
    }
    commands
}

/// Checks one command line against the clap definitions: the subcommand
/// (and its own subcommand) exists, each `--flag` is one of its options,
/// and a literal value of an option with fixed values is one of them.
fn check(words: &[String]) -> Result<String, String> {
    let mut command = andon::cli::Cli::command();
    command.build();
    let mut name = String::new();
    let mut current = &command;
    let mut rest = words;
    while let Some(first) = rest.first()
        && !first.starts_with('-')
        && current.has_subcommands()
    {
        current = current
            .find_subcommand(first)
            .ok_or_else(|| format!("`andon {name}{first}` is not a subcommand"))?;
        name.push_str(first);
        name.push(' ');
        rest = &rest[1..];
    }
    let mut i = 0;
    while i < rest.len() {
        let word = &rest[i];
        i += 1;
        let Some(flag) = word.strip_prefix("--") else {
            continue;
        };
        if flag == "version" || flag == "help" {
            continue;
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (flag, None),
        };
        let arg = current
            .get_arguments()
            .find(|a| a.get_long() == Some(flag))
            .ok_or_else(|| format!("`andon {name}` has no `--{flag}`"))?;
        if !arg.get_action().takes_values() {
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                rest.get(i - 1)
                    .cloned()
                    .ok_or_else(|| format!("`--{flag}` without a value"))?
            }
        };
        let possible = arg.get_possible_values();
        if !possible.is_empty()
            && !value.contains('$')
            && !possible.iter().any(|p| p.matches(&value, false))
        {
            return Err(format!(
                "`andon {name}--{flag} {value}`: not a value of `--{flag}`"
            ));
        }
    }
    Ok(format!("{name}{}", rest.join(" ")))
}

/// Every string under the given keys, anywhere in a YAML document.
fn scripts(value: &Value, keys: &[&str], out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if keys.contains(&k.as_str()) {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(items) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                } else {
                    scripts(v, keys, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| scripts(i, keys, out)),
        _ => {}
    }
}

/// `bash -n`: the script parses.
fn assert_parses(script: &str) {
    let out = std::process::Command::new("bash")
        .args(["-n", "-c", script])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The andon commands of a document, each checked; panics on the first bad one.
fn checked(doc: &Value, keys: &[&str]) -> Vec<String> {
    let mut texts = Vec::new();
    scripts(doc, keys, &mut texts);
    let mut found = Vec::new();
    for text in &texts {
        for command in andon_commands(text) {
            match check(&command) {
                Ok(line) => found.push(line),
                Err(e) => panic!("{e}\nin:\n{text}"),
            }
        }
    }
    found
}

#[test]
fn the_checker_rejects_what_andon_would_reject() {
    let bad = |line: &str| check(&words(line)).is_err();
    assert!(bad("lnt runbooks"));
    assert!(bad("lint runbooks --format gitlabb"));
    assert!(bad("lint runbooks --fromm 2026-11-22T09:00"));
    assert!(bad("log verfy a.andonlog"));
    assert!(bad("diff a b --format sarif"));
    assert!(!bad("lint \"$RUNBOOK\" \"${now[@]}\" --format sarif"));
    assert!(!bad("log verify a.andonlog"));
    assert_eq!(
        andon_commands("x=1; \"$ANDON\" lint a --now \"$n\" > out || true\nandon --version"),
        vec![words("lint a --now \"$n\""), words("--version"),]
    );
}

#[test]
fn the_github_action_runs_real_andon_commands() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["runbook", "andon"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "{input}"
        );
    }
    let steps = action["runs"]["steps"].as_array().expect("steps");
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))),
        "a SARIF upload step"
    );
    for step in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(step["shell"], "bash", "a composite step names its shell");
        assert_parses(step["run"].as_str().expect("run"));
    }
    let commands = checked(&action, &["run"]);
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("lint ") && c.contains("--format sarif")),
        "{commands:?}"
    );
    let diff = commands
        .iter()
        .find(|c| c.starts_with("diff "))
        .expect("andon diff on pull requests");
    assert!(
        diff.contains("--git") && diff.contains("--format markdown"),
        "{diff}"
    );
    let summary = steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(" diff ")))
        .expect("the diff step");
    assert!(
        summary["run"]
            .as_str()
            .expect("run")
            .contains(">> \"$GITHUB_STEP_SUMMARY\"")
    );
    assert!(
        summary["if"]
            .as_str()
            .expect("if")
            .contains("github.event_name == 'pull_request'")
    );
}

#[test]
fn the_gitlab_template_runs_real_andon_commands_and_keeps_the_report() {
    let template = yaml("ci/gitlab/andon.gitlab-ci.yml");
    let commands = checked(&template, &["script", "before_script"]);
    for job in ["andon-lint", "andon-diff"] {
        let mut lines = Vec::new();
        scripts(&template[".andon"], &["before_script"], &mut lines);
        scripts(&template[job], &["script"], &mut lines);
        assert_parses(&lines.join("\n"));
    }
    let lint = commands
        .iter()
        .find(|c| c.starts_with("lint "))
        .expect("andon lint");
    assert!(lint.contains("--format gitlab"), "{lint}");
    let script = template["andon-lint"]["script"].as_array().expect("script");
    let report = template["andon-lint"]["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("the codequality report");
    assert!(
        script.iter().any(|l| l
            .as_str()
            .is_some_and(|l| l.contains("--format gitlab") && l.contains(&format!("> {report}")))),
        "the report artifact is the file lint writes"
    );
    assert_eq!(template["andon-lint"]["artifacts"]["when"], "always");
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("diff ") && c.contains("--format markdown"))
    );
}

#[test]
fn the_yaml_examples_in_ci_md_run_real_andon_commands() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let mut found = Vec::new();
    for block in doc.split("```yaml\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        let value: Value = serde_saphyr::from_str(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        found.extend(checked(
            &value,
            &["run", "script", "before_script", "entry"],
        ));
    }
    assert!(
        found.iter().any(|c| c.contains("--format sarif")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|c| c.contains("--format github")),
        "{found:?}"
    );
}

/// The example in docs/ci.md under `$ COMMAND` (a `console` block), as written.
fn example<'d>(doc: &'d str, command: &str) -> &'d str {
    let start = doc
        .find(&format!("$ {command}\n"))
        .unwrap_or_else(|| panic!("`{command}` in docs/ci.md"))
        + command.len()
        + 3;
    &doc[start..start + doc[start..].find("```").expect("end of the example")]
}

#[test]
fn the_gitlab_report_in_ci_md_is_what_the_binary_prints() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let command =
        "andon lint runbooks/examples-bad/expired-cert --now 2026-11-22T09:00 --format gitlab";
    let run = Andon::new()
        .in_dir(&root())
        .args(command.split_whitespace().skip(1))
        .run()
        .fails(1);
    assert_eq!(run.stdout(), example(&doc, command));
}

#[test]
fn the_job_summary_in_ci_md_is_what_diff_prints_for_its_edit() {
    // The edit docs/ci.md describes: the `ot-engineering` night layer removed.
    let dir = tempfile::tempdir().expect("temporary directory");
    let head = dir.path().join("lyon-packaging");
    super::harness::copy_runbook(&shipped(), &head);
    let roles = head.join("20-roles.yaml");
    let text = std::fs::read_to_string(&roles).expect("roles");
    let layer = "        - rotation: [nadia, farid, lucas]\n          shift: 1w\n          start: 2026-01-05T06:00\n";
    assert!(text.contains(layer));
    std::fs::write(&roles, text.replacen(layer, "", 1)).expect("edit");
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let start = doc.find("```markdown\n").expect("the job summary") + "```markdown\n".len();
    let expected = &doc[start..start + doc[start..].find("```").expect("end")];
    let run = Andon::new()
        .args([
            "diff",
            shipped().to_str().expect("path"),
            head.to_str().expect("path"),
        ])
        .args(["--from", "2026-11-22T09:00", "--format", "markdown"])
        .run()
        .success();
    assert_eq!(run.stdout(), expected);
}
