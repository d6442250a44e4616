//! The examples in `docs/` are real: every `$ andon ... $R ...` command in a
//! `console` block, run on the shipped runbook, prints exactly what the doc
//! shows under it.

use super::harness::root;

/// (line number, command line, expected output) for each checkable example.
fn examples(doc: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<(usize, String, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        if line.starts_with("```") {
            if let Some(example) = current.take() {
                out.push(example);
            }
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            if let Some(example) = current.take() {
                out.push(example);
            }
            // Only plain commands on the shipped runbook; shell plumbing and
            // what-if copies are shown for reading, not checked.
            let checkable = command.starts_with("andon ")
                && command.contains("$R")
                && !command.contains(['|', ';', '>', '"', '\''])
                && !command.contains("/tmp/");
            if checkable {
                current = Some((i + 1, command.to_owned(), String::new()));
            }
        } else if let Some((_, _, expected)) = current.as_mut() {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    out
}

#[test]
fn the_worked_examples_in_resolution_md_match_the_binary() {
    let doc =
        std::fs::read_to_string(root().join("docs/resolution.md")).expect("docs/resolution.md");
    let examples = examples(&doc);
    assert!(
        examples.len() >= 20,
        "only {} checkable examples found",
        examples.len()
    );
    let mut wrong = Vec::new();
    for (line, command, expected) in &examples {
        let args: Vec<&str> = command
            .split_whitespace()
            .skip(1)
            .flat_map(|a| {
                if a == "$R" {
                    vec!["-r", "runbooks/lyon-packaging"]
                } else {
                    vec![a]
                }
            })
            .collect();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_andon"))
            .env("ANDON_CACHE_DIR", "off")
            .args(&args)
            .current_dir(root())
            .output()
            .expect("run andon");
        let mut actual = String::from_utf8_lossy(&output.stdout).into_owned();
        actual.push_str(&String::from_utf8_lossy(&output.stderr));
        if actual.trim_end() != expected.trim_end() {
            wrong.push(format!(
                "docs/resolution.md:{line}: `{command}`\n--- doc\n{expected}--- binary\n{actual}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} examples differ:\n{}",
        wrong.len(),
        examples.len(),
        wrong.join("\n")
    );
}
