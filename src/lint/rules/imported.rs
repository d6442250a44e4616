//! IMP: what `andon import` makes visible. Imported identities carry the
//! labels `import::generate` writes; these rules read them.

use crate::engine::authority::matches;
use crate::import::generate::{HOLDER_LABEL, MISSING_LABEL, SOURCE_LABEL, UNCLASSIFIED_LABEL};
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::Identity;
use std::collections::BTreeMap;

/// The value of `identity`'s label `key`.
fn label<'i>(identity: &'i Identity, key: &str) -> Option<&'i str> {
    identity
        .labels
        .iter()
        .find(|(k, _)| k.as_str() == key)
        .map(|(_, v)| v.as_str())
}

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

pub static NO_AUTHORITY: RuleInfo = RuleInfo {
    code: "IMP002",
    name: "imported-without-authority",
    severity: Severity::Warning,
    summary: "an imported identity is covered by no authority rule, for any action in any state (identities on `high`/`safety` systems are GR002's)",
    rationale: "An import brings in the identities nobody wrote a runbook entry for. Once classified they have an owner and systems, but if no authority rule selects them, `andon who` has no answer for them at all: at 3 a.m. nobody knows who may pause or revoke the key. Critical identities are already an error (GR002); this is the same question for the rest of the inventory. A rule that matches them by system, kind or label (`import-source`) answers it for all of them at once.",
    mapping: &["GV.RR-02", "RS.MA-01"],
    stage: Stage::Lint,
    fires: "systems:\n  - { id: label-printer, name: Label printer, zone: ot, level: 2, criticality: low, owner: shift-lead }\nidentities:\n  - id: aws-printer-key1\n    kind: api-key\n    owner: shift-lead\n    access: { label-printer: write }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report }\n",
    passes: "systems:\n  - { id: label-printer, name: Label printer, zone: ot, level: 2, criticality: low, owner: shift-lead }\nidentities:\n  - id: aws-printer-key1\n    kind: api-key\n    owner: shift-lead\n    access: { label-printer: write }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report }\nauthority:\n  - id: imported-keys\n    match: { labels: { import-source: aws-credential-report } }\n    actions: [pause, revoke]\n    decide: [{ role: shift-lead }]\n",
};

/// IMP002: imported identities no authority rule selects.
pub struct NoAuthority;

impl Rule for NoAuthority {
    fn info(&self) -> &'static RuleInfo {
        &NO_AUTHORITY
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        for (i, identity) in rb.identities.iter().enumerate() {
            let Some(source) = label(identity, SOURCE_LABEL) else {
                continue;
            };
            // IMP001 and GR002 already speak for these.
            if label(identity, UNCLASSIFIED_LABEL) == Some("true")
                || identity
                    .touches()
                    .into_iter()
                    .filter_map(|id| rb.system(id))
                    .any(|s| s.criticality.is_critical())
            {
                continue;
            }
            if rb.rules.iter().any(|r| matches(rb, &r.selector, identity)) {
                continue;
            }
            out.push(
                Finding::new(
                    &NO_AUTHORITY,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "identity `{}` imported from `{source}` is covered by no authority rule: nobody is named to pause or revoke it",
                        identity.id
                    ),
                )
                .help(format!(
                    "add an authority rule that selects it, for example `match: {{ labels: {{ {SOURCE_LABEL}: {source} }} }}` for every identity of that import"
                )),
            );
        }
    }
}

pub static TWO_ACTIVE_KEYS: RuleInfo = RuleInfo {
    code: "IMP003",
    name: "two-active-keys",
    severity: Severity::Warning,
    summary: "one holder has two or more active imported credentials of one kind (an AWS user's two access keys, an Entra application's two secrets)",
    rationale: "A second active key is how a rotation is done, and how it is left half-done: the new key is deployed, the old one is never deactivated, and it keeps working wherever it was copied. Two active keys on one user also make it impossible to tell from the logs which copy acted. Deactivate the old key at the source once the new one is in use; the next import then shows one.",
    mapping: &["NHI7", "PR.AA-01"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: aws-historian-key1\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report, import-holder: historian }\n  - id: aws-historian-key2\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-21\n    labels: { import-source: aws-credential-report, import-holder: historian }\n",
    passes: "identities:\n  - id: aws-historian-key2\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-21\n    labels: { import-source: aws-credential-report, import-holder: historian }\n",
};

/// IMP003: several active credentials of one holder in one import.
pub struct TwoActiveKeys;

impl Rule for TwoActiveKeys {
    fn info(&self) -> &'static RuleInfo {
        &TWO_ACTIVE_KEYS
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        // One holder's credentials of one kind: a key and a certificate
        // side by side are two different things, two keys are one too many.
        let mut by_holder: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
        for (i, identity) in rb.identities.iter().enumerate() {
            if label(identity, MISSING_LABEL).is_some() {
                continue;
            }
            if let (Some(source), Some(holder)) =
                (label(identity, SOURCE_LABEL), label(identity, HOLDER_LABEL))
            {
                by_holder
                    .entry((source, holder, identity.kind.value.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        for ((source, holder, _), members) in by_holder.into_iter().filter(|(_, m)| m.len() > 1) {
            for &i in &members {
                let identity = &rb.identities[i];
                let others: Vec<String> = members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| format!("`{}`", rb.identities[j].id))
                    .collect();
                let mut finding = Finding::new(
                    &TWO_ACTIVE_KEYS,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "identity `{}` is one of {} active credentials of `{holder}` in `{source}` (also {})",
                        identity.id,
                        members.len(),
                        others.join(", ")
                    ),
                )
                .help("deactivate the credential that is no longer in use at the source, then import again");
                for &j in members.iter().filter(|&&j| j != i) {
                    finding = finding.related(
                        rb.identities[j].id.span,
                        "another active credential of the same holder",
                    );
                }
                out.push(finding);
            }
        }
    }
}

pub static MISSING_FROM_SOURCE: RuleInfo = RuleInfo {
    code: "IMP004",
    name: "missing-from-source",
    severity: Severity::Warning,
    summary: "an imported identity is no longer in its source's export (it has the label `import-missing-since`)",
    rationale: "When an account disappears from the inventory it came from, either it was removed there (and the runbook still names it), or it moved somewhere the export does not see (and it still works). Either way a person must look: `andon import` keeps the identity, marked with the date it went missing, so that its authority rules keep answering until someone confirms it is gone. Remove it from the export's source of truth and delete the entry (or fix the export), then import again.",
    mapping: &["NHI1", "ID.AM-08"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: aws-old-export-key1\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report, import-missing-since: \"2026-11-21\" }\n",
    passes: "identities:\n  - id: aws-old-export-key1\n    kind: api-key\n    owner: plant-manager\n    access: { mes: read }\n    serves: []\n    last_used: 2026-11-20\n    labels: { import-source: aws-credential-report }\n",
};

/// IMP004: imported identities their source no longer lists.
pub struct MissingFromSource;

impl Rule for MissingFromSource {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_FROM_SOURCE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        for (i, identity) in cx.runbook.identities.iter().enumerate() {
            let Some(since) = label(identity, MISSING_LABEL) else {
                continue;
            };
            let source = label(identity, SOURCE_LABEL).unwrap_or("its import");
            out.push(
                Finding::new(
                    &MISSING_FROM_SOURCE,
                    Subject::Identity(i),
                    identity.id.span,
                    format!(
                        "identity `{}` is no longer in `{source}` (missing since {since}): a candidate for offboarding",
                        identity.id
                    ),
                )
                .help("confirm it is removed at the source, then delete it from the import; if it still exists, find why the export no longer lists it"),
            );
        }
    }
}

pub static RULES: &[&dyn Rule] = &[
    &UnclassifiedRecord,
    &NoAuthority,
    &TwoActiveKeys,
    &MissingFromSource,
];

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

#[cfg(test)]
mod imp002_tests {
    use super::super::testing::{lines, lint_case, of};

    const PRINTER: &str = "systems:
  - { id: label-printer, name: Label printer, zone: ot, level: 2, criticality: low, owner: shift-lead }
identities:
  - { id: a, kind: api-key, owner: shift-lead, access: { label-printer: write }, serves: [], last_used: 2026-11-20, labels: { import-source: vault } }
  - { id: b, kind: api-key, owner: shift-lead, access: { label-printer: write }, serves: [], last_used: 2026-11-20 }
  - { id: c, kind: api-key, owner: shift-lead, access: { label-printer: write }, serves: [], last_used: 2026-11-20, labels: { import-source: vault, import-unclassified: \"true\" } }
  - { id: d, kind: token, owner: shift-lead, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: vault } }
";

    #[test]
    fn imp002_names_imported_identities_no_rule_selects_and_leaves_the_rest_to_others() {
        let report = lint_case(PRINTER);
        // b is hand-written, c is IMP001's, d touches the MES (GR002's).
        assert_eq!(lines(&report, "IMP002"), [4]);
        assert_eq!(
            of(&report, "IMP002")[0].message,
            "identity `a` imported from `vault` is covered by no authority rule: nobody is named to pause or revoke it"
        );
        let covered = format!(
            "{PRINTER}authority:\n  - id: printer\n    match: {{ kind: api-key }}\n    actions: [pause]\n    decide: [{{ role: shift-lead }}]\n"
        );
        assert!(of(&lint_case(&covered), "IMP002").is_empty());
    }

    #[test]
    fn imp003_points_at_each_of_a_holders_active_keys_of_one_kind() {
        let report = lint_case(
            "identities:
  - { id: k1, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: aws-credential-report, import-holder: hist } }
  - { id: k2, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: aws-credential-report, import-holder: hist } }
  - { id: c1, kind: certificate, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: aws-credential-report, import-holder: hist } }
  - { id: k3, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: aws-credential-report, import-holder: other } }
  - { id: k4, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: aws-credential-report, import-holder: other, import-missing-since: \"2026-11-01\" } }
",
        );
        assert_eq!(lines(&report, "IMP003"), [2, 3]);
        assert_eq!(
            of(&report, "IMP003")[0].message,
            "identity `k1` is one of 2 active credentials of `hist` in `aws-credential-report` (also `k2`)"
        );
    }

    #[test]
    fn imp004_names_each_identity_missing_from_its_source_with_the_date() {
        let report = lint_case(
            "identities:
  - { id: gone, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: github, import-missing-since: \"2026-11-21\" } }
  - { id: here, kind: api-key, owner: plant-manager, access: { mes: read }, serves: [], last_used: 2026-11-20, labels: { import-source: github } }
",
        );
        assert_eq!(lines(&report, "IMP004"), [2]);
        assert_eq!(
            of(&report, "IMP004")[0].message,
            "identity `gone` is no longer in `github` (missing since 2026-11-21): a candidate for offboarding"
        );
    }
}
