//! Suppressions: `lint: { allow: [{ rule, reason, until }] }` on an entity.
//!
//! A suppression needs a reason (LNT001, error); past its `until` it no
//! longer suppresses and is reported (LNT001, warning); one that silenced
//! nothing is reported too (LNT002). `until` is the last day it applies.

use super::rules::suppressions::{SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION};
use super::{Context, Finding, Report, Severity, Subject, Suppressed, allows};
use std::collections::HashSet;

/// Every entity that carries suppressions, with its allow list.
fn subjects(cx: &Context) -> Vec<Subject> {
    let rb = cx.runbook;
    let mut out = Vec::new();
    out.extend((0..rb.states.len()).map(Subject::State));
    out.extend((0..rb.people.len()).map(Subject::Person));
    out.extend((0..rb.roles.len()).map(Subject::Role));
    out.extend((0..rb.systems.len()).map(Subject::System));
    out.extend((0..rb.identities.len()).map(Subject::Identity));
    out.extend((0..rb.rules.len()).map(Subject::Rule));
    out.retain(|s| !allows(rb, *s).is_empty());
    out
}

pub fn apply(cx: &Context, findings: Vec<Finding>) -> Report {
    let today = cx.today();
    let mut used: HashSet<(Subject, usize)> = HashSet::new();
    let mut report = Report::default();
    for finding in findings {
        let list = allows(cx.runbook, finding.subject);
        let silencing = list.iter().position(|a| {
            a.rule.value.eq_ignore_ascii_case(finding.diagnostic.code)
                && a.reason
                    .as_ref()
                    .is_some_and(|r| !r.value.trim().is_empty())
                && a.until.is_none_or(|u| u.value >= today)
        });
        match silencing {
            Some(i) => {
                used.insert((finding.subject, i));
                let reason = list[i]
                    .reason
                    .as_ref()
                    .map_or_else(String::new, |r| r.value.to_string());
                report.suppressed.push(Suppressed {
                    diagnostic: finding.diagnostic,
                    reason,
                });
            }
            None => report.findings.push(finding.diagnostic),
        }
    }
    for subject in subjects(cx) {
        for (i, allow) in allows(cx.runbook, subject).iter().enumerate() {
            let code = &allow.rule.value;
            let reason = allow.reason.as_ref().filter(|r| !r.value.trim().is_empty());
            if reason.is_none() {
                let f = Finding::new(&SUPPRESSION_WITHOUT_REASON, subject, allow.span, format!("suppression of `{code}` has no reason"))
                    .help("add `reason:` saying why this finding is accepted, so that an auditor can judge it");
                report.findings.push(f.diagnostic);
                continue;
            }
            if let Some(until) = allow.until
                && until.value < today
            {
                let f = Finding::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    subject,
                    until.span,
                    format!("suppression of `{code}` expired on {}", until.value),
                )
                .severity(Severity::Warning)
                .help("fix the finding, or renew the suppression with a new `until` and reason");
                report.findings.push(f.diagnostic);
                continue;
            }
            if !used.contains(&(subject, i)) {
                let known = super::rule(code).is_some();
                let message = if known {
                    format!("suppression of `{code}` silences nothing")
                } else {
                    format!("suppression of unknown rule `{code}`")
                };
                let mut f = Finding::new(&UNUSED_SUPPRESSION, subject, allow.rule.span, message)
                    .help("remove it");
                if !known {
                    let codes = super::all_rules().map(|r| r.info().code);
                    if let Some(hint) = crate::diagnostics::nearest(code, codes) {
                        f = f.help(format!("did you mean `{hint}`?"));
                    }
                }
                report.findings.push(f.diagnostic);
            }
        }
    }
    report
}
