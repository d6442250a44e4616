//! IMP: what `andon import` makes visible. Imported identities carry the
//! labels `import::generate` writes; these rules read them.

use crate::import::generate::{SOURCE_LABEL, UNCLASSIFIED_LABEL};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};

pub static UNCLASSIFIED_RECORD: RuleInfo = RuleInfo {
    code: "IMP001",
    name: "unclassified-record",
    severity: Severity::Warning,
    summary: "an imported identity's source record matched no rule of the import mapping (it has the label `import-unclassified: \"true\"`)",
    rationale: "An export lists every account the source knows, including the ones nobody has thought about: a forgotten service user, a vendor's key created during commissioning. An imported identity that no mapping rule classified has no owner, no system and no authority rule: it is exactly the identity an inventory exists to find. Add a rule to the mapping (`import.yaml`) that says whose it is, or revoke it at the source.",
    mapping: &["NHI1", "ID.AM-08"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: aws-forgotten-key1\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report, import-unclassified: \"true\" }\n",
    passes: "identities:\n  - id: aws-forgotten-key1\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report }\n",
};

/// IMP001: imported identities no mapping rule classified.
pub struct UnclassifiedRecord;

impl Rule for UnclassifiedRecord {
    fn info(&self) -> &'static RuleInfo {
        &UNCLASSIFIED_RECORD
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let label = |key: &str| {
                identity
                    .labels
                    .iter()
                    .find(|(k, _)| k.as_str() == key)
                    .map(|(_, v)| v.as_str())
            };
            if label(UNCLASSIFIED_LABEL) != Some("true") {
                continue;
            }
            let source = label(SOURCE_LABEL).unwrap_or("an import");
            out.push(
                Finding::new(
                    &UNCLASSIFIED_RECORD,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "identity `{}` from `{source}` matched no rule of the import mapping",
                        identity.id
                    ),
                )
                .help("add a rule to `import.yaml` that assigns its owner and systems, then import again"),
            );
        }
    }
}

pub static RULES: &[&dyn Rule] = &[&UnclassifiedRecord];

#[cfg(test)]
mod imp001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn imp001_points_at_each_unclassified_identity_and_names_its_source() {
        let report = lint_case(
            "identities:
  - { id: a, kind: api-key, owner: plant-manager, last_used: 2026-11-20, labels: { import-source: cyberark, import-unclassified: \"true\" } }
  - { id: b, kind: api-key, owner: plant-manager, last_used: 2026-11-20, labels: { import-source: cyberark } }
  - { id: c, kind: api-key, owner: plant-manager, last_used: 2026-11-20, labels: { import-unclassified: \"false\" } }
",
        );
        assert_eq!(lines(&report, "IMP001"), [2]);
        assert_eq!(
            of(&report, "IMP001")[0].message,
            "identity `a` from `cyberark` matched no rule of the import mapping"
        );
    }
}
