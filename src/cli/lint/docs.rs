//! `docs/lint-rules.md`, generated from the rule catalogue so that the
//! reference and `andon explain` cannot disagree.
//!
//! A test below compares the file with [`catalogue_markdown`]; run
//! `ANDON_BLESS=1 cargo test --lib lint_rules_md` to write it anew after a
//! rule changes.

use crate::lint::{RuleInfo, Stage, all_rules};
use std::fmt::Write as _;

/// The whole of `docs/lint-rules.md`.
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "only the docs test, which writes and checks the file, calls it"
    )
)]
pub fn catalogue_markdown() -> String {
    let rules: Vec<&RuleInfo> = all_rules()
        .map(|r| r.info())
        .chain(crate::lint::scenario::RULES.iter().copied())
        .collect();
    // GitHub's anchor of a heading such as `## VEN002 vendor-no-disconnect`.
    let anchor = |info: &RuleInfo| format!("{}-{}", info.code.to_lowercase(), info.name);
    let mut out = String::new();
    out.push_str(
        "# Lint rules\n\n\
         *Generated from the code (`src/lint/rules/`); do not edit by hand.\n\
         Regenerate with `ANDON_BLESS=1 cargo test --lib lint_rules_md`.*\n\n\
         Every rule that `andon lint` runs, with what `andon explain CODE`\n\
         prints for it: when it fires, why it matters in a plant, its mapping\n\
         to OWASP Non-Human Identities Top 10 (NHI), NIST CSF 2.0,\n\
         IEC 62443-3-3 (SR) and MITRE ATT&CK for ICS, and two examples. Each\n\
         example is a second file added to a small, healthy plant; the first\n\
         makes the rule fire, the second does not, and a test checks both.\n\n\
         Rules marked *load* are checked by the loader: when one fires, the\n\
         runbook does not load and `andon lint` exits with 2. The loader's own\n\
         codes (`YML001`, `TYP001`) are listed in [loading.md](loading.md).\n\
         Exit codes, `--deny warnings`, `--now` and suppressions are described\n\
         in [ci.md](ci.md).\n\n\
         The `SCN` rules apply to scenario files (`andon lint scenarios/`);\n\
         their examples are a scenario's `expect` list against the shipped\n\
         runbook, and a test checks both.\n\n",
    );
    out.push_str("| Code | Name | Severity | Mapping |\n|---|---|---|---|\n");
    for info in &rules {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {}{} | {} |",
            info.code,
            anchor(info),
            info.name,
            info.severity.as_str(),
            if info.stage == Stage::Load {
                " (load)"
            } else {
                ""
            },
            if info.mapping.is_empty() {
                "—".to_owned()
            } else {
                info.mapping.join(", ")
            }
        );
    }
    for info in &rules {
        let _ = write!(
            out,
            "\n## {} {}\n\n{}",
            info.code,
            info.name,
            rule_body(info)
        );
    }
    out
}

/// A rule's entry, without its heading: severity, when it fires, why,
/// mapping, and both examples. Also the Markdown help of SARIF rules.
pub fn rule_body(info: &RuleInfo) -> String {
    let mut out = String::new();
    let stage = match info.stage {
        Stage::Load => ", checked when loading",
        Stage::Lint => "",
    };
    let severity = info.severity.as_str();
    let _ = writeln!(out, "Severity: **{severity}**{stage}\n");
    let _ = writeln!(out, "Fires when {}.\n", info.summary);
    let _ = writeln!(out, "{}\n", info.rationale);
    if !info.mapping.is_empty() {
        let _ = writeln!(out, "Mapping: {}\n", info.mapping.join(", "));
    }
    let _ = writeln!(
        out,
        "Fires on:\n\n```yaml\n{}```\n",
        newline_ended(info.fires)
    );
    let _ = writeln!(
        out,
        "Does not fire on:\n\n```yaml\n{}```",
        newline_ended(info.passes)
    );
    out
}

fn newline_ended(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::catalogue_markdown;
    use std::path::Path;

    /// docs/lint-rules.md is the catalogue as the code has it. With
    /// `ANDON_BLESS=1` the test writes the file instead of comparing.
    #[test]
    fn lint_rules_md_is_generated_from_the_catalogue() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint-rules.md");
        let expected = catalogue_markdown();
        if std::env::var_os("ANDON_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &expected).expect("write docs/lint-rules.md");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/lint-rules.md is stale; regenerate it with \
             `ANDON_BLESS=1 cargo test --lib lint_rules_md`"
        );
    }

    #[test]
    fn every_rule_has_a_heading_and_an_index_link() {
        let md = catalogue_markdown();
        for rule in crate::lint::all_rules() {
            let info = rule.info();
            assert!(md.contains(&format!("\n## {} {}\n", info.code, info.name)));
            let anchor = format!("{}-{}", info.code.to_lowercase(), info.name);
            assert!(md.contains(&format!("[{}](#{anchor})", info.code)));
        }
    }
}
