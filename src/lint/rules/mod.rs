//! The rule catalogue, one family per file. Each rule is a unit struct with
//! its [`RuleInfo`](super::RuleInfo) and its tests right below it; each family
//! lists its rules once in its `RULES`.

use super::Rule;

pub mod credentials;
pub mod escalation;
pub mod imported;
pub mod lifecycle;
pub mod oncall;
pub mod ownership;
pub mod privilege;
pub mod references;
pub mod states;
pub mod suppressions;
pub mod vendors;

/// Every family's rules, in catalogue order.
pub static FAMILIES: &[&[&dyn Rule]] = &[
    references::RULES,
    ownership::RULES,
    lifecycle::RULES,
    credentials::RULES,
    privilege::RULES,
    vendors::RULES,
    escalation::RULES,
    oncall::RULES,
    states::RULES,
    suppressions::RULES,
    imported::RULES,
];

/// Helpers for the rules' tests: a small, healthy plant (`BASE`) to which a
/// test adds a second file, linted at a fixed "now".
#[cfg(test)]
pub mod testing {
    use crate::engine::Engine;
    use crate::lint::{Diagnostic, Options, Report, lint};
    use crate::model::WrittenTime;

    /// A plant that no rule of the catalogue finds fault with by itself.
    pub const BASE: &str = include_str!("../../../tests/fixtures/base-plant.yaml");

    /// \"Now\" of every rule test: Sunday 22 November 2026, 09:00 in Paris.
    pub const NOW: &str = "2026-11-22T09:00";

    /// Lints `BASE` plus `case` (as a second file, `10-case.yaml`).
    pub fn lint_case(case: &str) -> Report {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("00-base.yaml"), BASE).expect("write base");
        std::fs::write(dir.path().join("10-case.yaml"), case).expect("write case");
        let runbook = crate::load::load(dir.path())
            .unwrap_or_else(|e| panic!("test runbook does not load:\\n{e}"));
        let engine = Engine::new(&runbook);
        let now = WrittenTime::parse(NOW)
            .expect("now")
            .instant(runbook.plant.timezone.value);
        lint(
            &runbook,
            &engine,
            &Options {
                now,
                horizon_days: 7,
            },
        )
    }

    /// The findings of `code` that stand.
    pub fn of<'r>(report: &'r Report, code: &str) -> Vec<&'r Diagnostic> {
        report.findings.iter().filter(|d| d.code == code).collect()
    }

    /// Lines of `code`'s findings in the case file, sorted.
    pub fn lines(report: &Report, code: &str) -> Vec<u32> {
        let mut out: Vec<u32> = of(report, code)
            .iter()
            .filter_map(|d| d.span)
            .filter(|s| s.file.0 == 1)
            .map(|s| s.line)
            .collect();
        out.sort_unstable();
        out
    }

    /// The load errors of `case` (added to `BASE`), or none.
    pub fn load_errors(case: &str) -> Vec<Diagnostic> {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("00-base.yaml"), BASE).expect("write base");
        std::fs::write(dir.path().join("10-case.yaml"), case).expect("write case");
        crate::load::load(dir.path())
            .err()
            .map(|e| e.diagnostics)
            .unwrap_or_default()
    }

    /// Every rule's `fires` example fires it and its `passes` example does
    /// not: `andon explain` and the docs show examples that are true.
    #[test]
    fn every_rules_catalogue_examples_are_true() {
        for rule in crate::lint::all_rules() {
            let info = rule.info();
            if info.stage == crate::lint::Stage::Load {
                let fires = load_errors(info.fires);
                assert!(
                    fires.iter().any(|d| d.code == info.code),
                    "{}: its `fires` example does not fail to load with it: {fires:#?}",
                    info.code
                );
                assert!(
                    load_errors(info.passes).is_empty(),
                    "{}: its `passes` example does not load",
                    info.code
                );
                continue;
            }
            let fires = lint_case(info.fires);
            assert!(
                !of(&fires, info.code).is_empty(),
                "{}: its `fires` example does not fire; findings: {:#?}",
                info.code,
                fires.findings
            );
            let passes = lint_case(info.passes);
            assert!(
                of(&passes, info.code).is_empty(),
                "{}: its `passes` example fires: {:#?}",
                info.code,
                of(&passes, info.code)
            );
        }
    }

    /// The base plant is clean: every finding a rule test sees comes from its case.
    #[test]
    fn the_base_plant_has_no_finding() {
        let report = lint_case("");
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
    }
}
