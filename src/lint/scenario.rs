//! `andon lint` on scenario files (`andon-scenario: 1`): the references
//! (runbook, identities, states, people, objectives) are checked by the
//! loader with located errors; here, the expectations the runbook can never
//! meet, or never in time, found with the static readiness check of
//! `andon drill check`.
//!
//! These rules are not in the runbook families (their examples are
//! scenarios, not runbook files); `andon explain` and docs/lint-rules.md
//! list them too.

use super::{Diagnostic, RuleInfo, Severity, Stage};
use crate::drill::{self, Readiness};
use crate::model::{Runbook, Scenario};

pub static NEVER_MET: RuleInfo = RuleInfo {
    code: "SCN001",
    name: "expectation-never-met",
    severity: Severity::Error,
    summary: "no decider the runbook resolves can ever meet a scenario's expectation: the action is forbidden, ambiguous or uncovered at the drill's start, every level is skipped, or the expectation's `by` is never reached",
    rationale: "A drill whose expectation cannot be met teaches the team the wrong lesson: they fail for a gap in the runbook, not in their response. Either the runbook has the gap (fix it, the drill found it before an incident did) or the scenario asks for something the plant never intended.",
    mapping: &["NIST CSF 2.0 ID.IM-02", "NIST CSF 2.0 ID.IM-04"],
    stage: Stage::Lint,
    fires: "expect:\n  - id: cut\n    objective: contain\n    action: override          # forbidden in maintenance\n    identity: plc-l3-eng-shared\n    state: maintenance\n    within: 10m",
    passes: "expect:\n  - id: cut\n    objective: contain\n    action: constrain\n    identity: plc-l3-eng-shared\n    state: maintenance\n    within: 15m",
};

pub static NOT_IN_TIME: RuleInfo = RuleInfo {
    code: "SCN002",
    name: "expectation-not-in-time",
    severity: Severity::Warning,
    summary: "the runbook's chain reaches an authorized decider for a scenario's expectation only after its `within`, even if everyone answers at once",
    rationale: "The escalation timings of the runbook and the scenario's deadline disagree: a team that follows the runbook to the letter is scored late. One of the two is wrong, and the drill is the cheap place to find out which.",
    mapping: &["NIST CSF 2.0 ID.IM-02"],
    stage: Stage::Lint,
    fires: "expect:\n  - id: rotate\n    objective: kill-key\n    action: rotate\n    identity: mes-erp-api-key\n    within: 1m\n    by: plant-manager         # reached after 45m",
    passes: "expect:\n  - id: rotate\n    objective: kill-key\n    action: rotate\n    identity: mes-erp-api-key\n    within: 30m",
};

/// The scenario rules, for `andon explain` and the docs.
pub static RULES: [&RuleInfo; 2] = [&NEVER_MET, &NOT_IN_TIME];

/// Findings on a loaded scenario and the runbook it names. Spans point
/// into the scenario file.
pub fn lint_scenario(scenario: &Scenario, runbook: &Runbook) -> Vec<Diagnostic> {
    let report = drill::check(scenario, runbook);
    let mut findings = Vec::new();
    for (check, e) in report.checks.iter().zip(&scenario.expect) {
        let (info, span) = match check.readiness {
            Readiness::Ready => continue,
            Readiness::NotReady => (&NEVER_MET, e.span),
            Readiness::Late => (&NOT_IN_TIME, e.within.span),
        };
        let message = match check.readiness {
            Readiness::NotReady => format!("expectation `{}` can never be met", check.expectation),
            _ => format!(
                "expectation `{}` cannot be met within {}",
                check.expectation, check.within
            ),
        };
        let mut d = Diagnostic::new(info.code, info.severity, Some(span), message);
        d.help = Some(check.why.clone());
        findings.push(d);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_scenario_with_runbook;
    use std::path::Path;

    /// A copy of a shipped scenario with `expect` replaced, next to the
    /// shipped runbook.
    fn with_expect(expect: &str) -> Vec<Diagnostic> {
        with_expect_text(expect).0
    }

    /// The findings and the scenario text they point into.
    fn with_expect_text(expect: &str) -> (Vec<Diagnostic>, String) {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("scenarios/mes-erp-key-leaked.yaml")).unwrap();
        let head = &text[..text.find("\nexpect:").unwrap() + 1];
        let head = head.replace(
            "runbook: ../runbooks/lyon-packaging",
            &format!(
                "runbook: {}",
                root.join("runbooks/lyon-packaging").display()
            ),
        );
        let objectives = "  - id: contain\n    text: Contain\n";
        let head = head.replace("objectives:\n", &format!("objectives:\n{objectives}"));
        let path = dir.path().join("s.yaml");
        let text = format!("{head}{expect}\n");
        std::fs::write(&path, &text).unwrap();
        let (scenario, runbook) = load_scenario_with_runbook(&path).unwrap();
        (lint_scenario(&scenario, &runbook), text)
    }

    #[test]
    fn every_shipped_scenario_is_clean() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for entry in std::fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let (s, rb) = load_scenario_with_runbook(&path).unwrap();
                assert!(lint_scenario(&s, &rb).is_empty(), "{}", path.display());
            }
        }
    }

    #[test]
    fn the_examples_of_each_rule_fire_and_pass() {
        for info in RULES {
            let codes = |yaml: &str| -> Vec<&str> {
                let expect = yaml.replace("kill-key", "contain");
                with_expect(&expect).iter().map(|d| d.code).collect()
            };
            let fired = codes(info.fires);
            assert_eq!(fired, [info.code], "{} fires", info.code);
            assert!(codes(info.passes).is_empty(), "{} passes", info.code);
        }
    }

    #[test]
    fn a_never_met_expectation_points_at_its_item() {
        let (found, text) = with_expect_text(
            "expect:\n  - id: cut\n    objective: contain\n    action: override\n    identity: plc-l3-eng-shared\n    state: maintenance\n    within: 10m",
        );
        assert_eq!(found.len(), 1);
        let span = found[0].span.unwrap();
        let line = text.lines().position(|l| l == "  - id: cut").unwrap() + 1;
        assert_eq!(span.line as usize, line);
        assert!(
            found[0].help.as_deref().unwrap().contains("forbidden"),
            "{:?}",
            found[0].help
        );
    }
}
