//! Shell completions and man pages, generated from the clap definitions:
//! the bash script parses and completes for real, each command gets a page
//! that names its options and renders, and docs/commands.md lists every
//! command. Shells and `man` that are not installed are skipped, saying so.

use super::harness::{Andon, installed, root};
use clap::CommandFactory;
use std::path::Path;
use std::process::Command;

/// Every command's page name and long options, the root first, depth first.
fn commands() -> Vec<(String, Vec<String>)> {
    fn walk(command: &clap::Command, out: &mut Vec<(String, Vec<String>)>) {
        let name = command
            .get_display_name()
            .unwrap_or_else(|| command.get_name())
            .to_owned();
        let options = command
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(str::to_owned))
            .collect();
        out.push((name, options));
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut command = andon::cli::Cli::command().disable_help_subcommand(true);
    command.build();
    let mut out = Vec::new();
    walk(&command, &mut out);
    out
}

fn completions(shell: &str) -> String {
    Andon::new()
        .args(["completions", shell])
        .run()
        .success()
        .stdout()
}

/// What bash offers for the words typed so far (the last one being completed).
fn bash_offers(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _andon andon '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash").args(["-c", &line]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_bash_completion_parses_and_completes_commands_and_values() {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("andon.bash");
    std::fs::write(&script, completions("bash")).unwrap();
    let out = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(bash_offers(&script, &["andon", "li"]), ["lint"]);
    assert_eq!(
        bash_offers(&script, &["andon", "in"]),
        ["incidents", "init"]
    );
    assert_eq!(
        bash_offers(&script, &["andon", "lint", "--format", ""]),
        ["human", "json", "sarif", "github", "gitlab"]
    );
    let all = bash_offers(&script, &["andon", ""]);
    for (name, _) in commands().iter().skip(1) {
        let Some(sub) = name.strip_prefix("andon-") else {
            continue;
        };
        if !sub.contains('-') {
            assert!(
                all.contains(&sub.to_owned()),
                "`{sub}` not offered: {all:?}"
            );
        }
    }
}

#[test]
fn zsh_and_fish_completions_name_every_command_and_parse_where_installed() {
    for (shell, check) in [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])] {
        let script = completions(shell);
        for (name, _) in commands().iter().skip(1) {
            let last = name.rsplit('-').next().unwrap();
            assert!(script.contains(last), "{shell}: `{last}` missing");
        }
        if !installed(check[0]) {
            eprintln!(
                "skipped: `{}` is not installed, the {shell} script is not parsed",
                check[0]
            );
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(format!("andon.{shell}"));
        std::fs::write(&path, &script).unwrap();
        let out = Command::new(check[0])
            .arg(check[1])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn man_writes_one_page_per_command_naming_its_options() {
    let tmp = tempfile::tempdir().unwrap();
    Andon::new()
        .in_dir(tmp.path())
        .args(["man", "pages"])
        .run()
        .success();
    let dir = tmp.path().join("pages");
    let expected = commands();
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut names: Vec<String> = expected.iter().map(|(n, _)| format!("{n}.1")).collect();
    names.sort();
    assert_eq!(written, names);
    assert!(names.contains(&"andon-drill-run.1".to_owned()));
    for (name, options) in &expected {
        let page = std::fs::read_to_string(dir.join(format!("{name}.1"))).unwrap();
        assert!(
            page.starts_with(".ie") || page.contains(".TH"),
            "{name}: no title"
        );
        assert!(page.contains(&format!(".TH {name} 1")), "{name}: title");
        for option in options {
            // roff writes `-` as `\-`.
            assert!(
                page.contains(&format!("\\-\\-{}", option.replace('-', "\\-"))),
                "{name}: `--{option}` missing"
            );
        }
        if name != "andon" {
            assert!(
                page.contains("\\fBandon\\fR(1)"),
                "{name}: SEE ALSO andon(1)"
            );
        }
    }
    // The same bytes again (no date in the pages), over the old ones.
    let before = std::fs::read(dir.join("andon-lint.1")).unwrap();
    Andon::new()
        .in_dir(tmp.path())
        .args(["man", "pages"])
        .run()
        .success();
    assert_eq!(std::fs::read(dir.join("andon-lint.1")).unwrap(), before);
}

#[test]
fn man_pages_render_without_warnings() {
    if !installed("man") || !installed("groff") {
        eprintln!("skipped: `man` or `groff` is not installed (apt-get install man-db groff-base)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    Andon::new()
        .in_dir(tmp.path())
        .args(["man", "m"])
        .run()
        .success();
    for (name, options) in commands() {
        let page = tmp.path().join(format!("m/{name}.1"));
        let out = Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANWIDTH", "80")
            .env_remove("MAN_KEEP_FORMATTING")
            .env("MANPAGER", "cat")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).replace(['\u{2010}', '\u{2011}'], "-");
        assert!(
            text.contains("NAME") && text.contains("SYNOPSIS"),
            "{name}:\n{text}"
        );
        for option in options {
            assert!(
                text.contains(&format!("--{option}")),
                "{name}: `--{option}` not rendered:\n{text}"
            );
        }
        let warnings = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(&page)
            .output()
            .unwrap();
        assert!(
            warnings.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&warnings.stderr)
        );
    }
}

#[test]
fn man_never_writes_through_a_planted_link() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("m")).unwrap();
    std::fs::write(tmp.path().join("victim"), "keep").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("victim"), tmp.path().join("m/andon-who.1"))
        .unwrap();
    Andon::new()
        .in_dir(tmp.path())
        .args(["man", "m"])
        .run()
        .fails(2)
        .stderr_has("cannot write `m/andon-who.1`");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("victim")).unwrap(),
        "keep"
    );
}

#[test]
fn commands_md_lists_every_command() {
    let doc = std::fs::read_to_string(root().join("docs/commands.md")).unwrap();
    for (name, _) in commands().iter().skip(1) {
        let Some(sub) = name.strip_prefix("andon-") else {
            continue;
        };
        let top = sub.split('-').next().unwrap();
        assert!(
            doc.contains(&format!("`andon {top}")),
            "docs/commands.md lacks `andon {top}`"
        );
    }
}

#[test]
fn the_readme_tour_that_ci_runs_from_the_package_passes_with_this_binary() {
    // ci/deb/tour on the files the package puts under /usr/share/andon,
    // staged here, with the binary under test: the README's tour commands
    // keep working, and the script that CI runs after `dpkg -i` is sound.
    let share = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        let status = Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    };
    copy(&root().join("runbooks"), share.path());
    copy(&root().join("scenarios"), share.path());
    // The exports the tour's import reads (installed as docs/import/).
    std::fs::create_dir(share.path().join("docs")).unwrap();
    copy(&root().join("docs/import"), &share.path().join("docs"));
    let out = Command::new(root().join("ci/deb/tour"))
        .arg(env!("CARGO_BIN_EXE_andon"))
        .arg(share.path())
        .arg(root().join("README.md"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("the README tour: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the tour's count");
    assert!(ran >= 15, "{stdout}");
    assert!(stdout.contains("$ andon lint runbooks/lyon-packaging --now 2026-11-22T09:00\n0 errors, 0 warnings, 10 suppressed"));
}

#[test]
fn the_package_scripts_parse() {
    for script in ["ci/deb/build", "ci/deb/tour", ".ci/run"] {
        let out = Command::new("bash")
            .arg("-n")
            .arg(root().join(script))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
