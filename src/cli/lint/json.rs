//! JSON output: every finding with its location, and the summary.

use super::{Lints, Summary};
use crate::cli::output::{Finding, Render, finding, json_text};
use crate::lint::{RuleInfo, Stage};
use anyhow::Result;
use serde::Serialize;

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    findings: Vec<Finding<'a>>,
    summary: &'a Summary,
}

impl Render<Lints> for Json {
    fn render(&self, lints: &Lints) -> Result<String> {
        let findings = (lints.paths.iter())
            .flat_map(|run| run.findings.iter().map(|d| finding(&run.sources, d)))
            .collect();
        json_text(&Document {
            findings,
            summary: &lints.summary,
        })
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

/// `andon explain --format json`: the rule's entry of the catalogue.
impl Render<RuleInfo> for Json {
    fn render(&self, info: &RuleInfo) -> Result<String> {
        json_text(&serde_json::json!({
            "code": info.code,
            "name": info.name,
            "severity": info.severity.as_str(),
            "stage": match info.stage {
                Stage::Load => "load",
                Stage::Lint => "lint",
            },
            "summary": info.summary,
            "rationale": info.rationale,
            "mapping": info.mapping,
            "fires": info.fires,
            "passes": info.passes,
        }))
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
