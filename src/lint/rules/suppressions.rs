//! LNT: the suppressions themselves. They are checked by
//! [`super::super::suppress`] after every other rule has run; these structs
//! carry their catalogue entries.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage};

pub static SUPPRESSION_WITHOUT_REASON: RuleInfo = RuleInfo {
    code: "LNT001",
    name: "suppression-without-reason",
    severity: Severity::Error,
    summary: "an `allow` has no `reason` (error), or is past its `until` (warning)",
    rationale: "A suppression is an accepted risk. Without a reason an auditor cannot tell an accepted risk from a silenced alarm; past its date, the acceptance has lapsed and the finding stands again.",
    mapping: &[],
    stage: Stage::Lint,
    fires: "identities:\n  - id: legacy-key\n    kind: api-key\n    lint:\n      allow:\n        - { rule: CRD002 }\n",
    passes: "identities:\n  - id: legacy-key\n    kind: api-key\n    lint:\n      allow:\n        - { rule: CRD002, reason: \"Vendor connector reads only its config file; replaced at the February shutdown\", until: 2027-02-28 }\n",
};

pub static UNUSED_SUPPRESSION: RuleInfo = RuleInfo {
    code: "LNT002",
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "an `allow` suppressed nothing",
    rationale: "A suppression that silences nothing hides the next real finding of that rule on the entity, and tells readers a risk exists that does not.",
    mapping: &[],
    stage: Stage::Lint,
    fires: "identities:\n  - id: tidy-key\n    kind: api-key\n    lint:\n      allow:\n        - { rule: CRD002, reason: \"no longer needed\" }\n",
    passes: "identities:\n  - id: tidy-key\n    kind: api-key\n",
};

/// LNT001; its check runs with the suppressions, after every rule.
pub struct SuppressionWithoutReason;

impl Rule for SuppressionWithoutReason {
    fn info(&self) -> &'static RuleInfo {
        &SUPPRESSION_WITHOUT_REASON
    }
    fn check(&self, _: &Context, _: &mut Vec<Finding>) {}
}

/// LNT002; its check runs with the suppressions, after every rule.
pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn info(&self) -> &'static RuleInfo {
        &UNUSED_SUPPRESSION
    }
    fn check(&self, _: &Context, _: &mut Vec<Finding>) {}
}

pub static RULES: &[&dyn Rule] = &[&SuppressionWithoutReason, &UnusedSuppression];

#[cfg(test)]
mod tests {
    use super::super::testing::{lines, lint_case};

    #[test]
    fn lnt001_fires_on_an_allow_without_reason_and_warns_past_until() {
        let report = lint_case(
            "identities:
  - id: k
    kind: api-key
    lint:
      allow:
        - { rule: LNT002 }
        - { rule: LNT002, reason: old, until: 2026-11-21 }
",
        );
        assert_eq!(lines(&report, "LNT001"), [6, 7]);
        let expired = report
            .findings
            .iter()
            .find(|d| d.message.contains("expired"))
            .expect("expired");
        assert_eq!(expired.severity, crate::lint::Severity::Warning);
    }

    #[test]
    fn lnt001_is_quiet_on_a_reasoned_allow_until_its_last_day() {
        let report = lint_case(
            "identities:
  - id: k
    kind: api-key
    lint:
      allow:
        - { rule: LNT002, reason: accepted, until: 2026-11-22 }
",
        );
        assert_eq!(lines(&report, "LNT001"), Vec::<u32>::new());
    }

    #[test]
    fn lnt002_fires_on_an_allow_that_silences_nothing_and_names_unknown_rules() {
        let report = lint_case(
            "identities:
  - id: k
    kind: api-key
    lint:
      allow:
        - { rule: LNT001, reason: nothing to silence }
        - { rule: VEN03, reason: typo }
",
        );
        assert_eq!(lines(&report, "LNT002"), [6, 7]);
        assert!(
            report
                .findings
                .iter()
                .any(|d| d.message == "suppression of unknown rule `VEN03`")
        );
    }
}
