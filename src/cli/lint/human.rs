//! rustc-like output: code, message, `--> file:line:col`, the source line
//! with a caret, help; then a summary line.

use super::Lints;
use crate::cli::output::Render;
use crate::lint::RuleInfo;
use anyhow::Result;
use std::fmt::Write as _;

pub struct Human;

impl Render<Lints> for Human {
    fn render(&self, lints: &Lints) -> Result<String> {
        let mut out = String::new();
        for run in &lints.paths {
            for d in &run.findings {
                out.push_str(&d.render_human(&run.sources));
                out.push('\n');
            }
            if !run.loaded {
                let _ = writeln!(
                    out,
                    "error: `{}` could not be loaded; it was not linted\n",
                    run.path.display()
                );
            }
        }
        out.push_str(&lints.summary.line());
        out.push('\n');
        Ok(out)
    }
}

impl Render<RuleInfo> for Human {
    fn render(&self, info: &RuleInfo) -> Result<String> {
        Ok(explanation(info))
    }
}

/// `andon explain`: the rule's entry of the catalogue, as text.
pub fn explanation(info: &RuleInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})\n",
        info.code,
        info.name,
        info.severity.as_str()
    );
    let _ = writeln!(out, "Fires when {}.\n", info.summary);
    let _ = writeln!(out, "{}\n", info.rationale);
    if !info.mapping.is_empty() {
        let _ = writeln!(out, "Mapping: {}\n", info.mapping.join(", "));
    }
    let _ = writeln!(out, "Fires on:\n");
    for line in info.fires.lines() {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out, "\nDoes not fire on:\n");
    for line in info.passes.lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}
