//! GR006: a two-person rule one person can approve alone.

use super::Population;
use super::{Link, expand};
use crate::engine::authority::matches;
use crate::engine::horizon::Alike as Cohort;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Function, IdentityKind};

// ---------------------------------------------------------------- GR006

pub static SELF_APPROVAL: RuleInfo = RuleInfo {
    code: "GR006",
    name: "self-approval",
    severity: Severity::Error,
    summary: "a `two_person` chain has fewer than two distinct people, or a vendor decides on its own sessions",
    rationale: "Two-person control only means something when the chain can reach two different people; otherwise the first decider confirms their own decision. Likewise a vendor role (or someone who only belongs to vendor roles) in the chain for vendor sessions lets the vendor keep its own door open. The OT security lead sees where the four-eyes principle is only on paper; the auditor sees a segregation-of-duties failure.",
    mapping: &["PR.AA-05", "SR 2.1"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-restore\n    match: { identity: mes-service }\n    actions: [restore]\n    decide: [{ person: dana }]\n    two_person: true\n",
    passes: "identities:\n  - id: mes-service\n    kind: service-account\n    access: { mes: { default: write } }\nauthority:\n  - id: mes-restore\n    match: { identity: mes-service }\n    actions: [restore]\n    decide: [{ person: dana, after: 10m }, { person: chen }]\n    two_person: true\n",
};

/// GR006: two-person chains of one person, and vendors deciding on vendor sessions.
pub struct SelfApproval;

impl Rule for SelfApproval {
    fn info(&self) -> &'static RuleInfo {
        &SELF_APPROVAL
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let graph = &cx.engine.graphs.escalation;
        for (k, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide().filter(|d| d.two_person) else {
                continue;
            };
            let people = graph.people_reachable_from_rule(k);
            if people.len() >= 2 {
                continue;
            }
            let who = match people.first() {
                Some(person) => format!("only `{person}`"),
                None => "nobody".to_owned(),
            };
            let span = decide.levels.first().map_or(rule.id.span, |l| l.span);
            out.push(
                Finding::new(
                    &SELF_APPROVAL,
                    Subject::Rule(k),
                    span,
                    format!("rule `{}` needs two people but its chain can reach {who}", rule.id.value),
                )
                .witness(format!("deciders: {}", if people.is_empty() { "none".to_owned() } else { people.join(", ") }))
                .help("add a level, a role member or a `backup` so that a second, distinct person can confirm"),
            );
        }
        self.vendors_deciding(cx, out);
    }
}

impl SelfApproval {
    /// Rules that match a vendor session and whose chain names a vendor role
    /// or someone who only belongs to vendor roles.
    fn vendors_deciding(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let is_vendor = |j: usize| rb.roles[j].function == Some(Function::Vendor);
        // Per person: (in some role, in a role that is not a vendor's).
        let mut belongs = vec![(false, false); rb.people.len()];
        for (j, role) in rb.roles.iter().enumerate() {
            let schedule = role.schedule.iter().flat_map(|s| {
                let rotations = s.layers.iter().flat_map(|l| &l.rotation);
                rotations.chain(s.overrides.iter().map(|o| &o.person))
            });
            for id in role.members.iter().chain(schedule) {
                if let Some(&p) = rb.index.people.get(id.value.as_str())
                    && let Some(b) = belongs.get_mut(p)
                {
                    b.0 = true;
                    b.1 |= !is_vendor(j);
                }
            }
        }
        let vendor_link = |link: &Link| match link.role {
            Some(j) => is_vendor(j).then(|| {
                let who = format!("vendor role `{}`", link.id);
                (who, format!("{} (function: vendor)", link.id))
            }),
            // A level that names a person (a role level always has a role here).
            None => rb
                .index
                .people
                .get(link.id.as_str())
                .filter(|&&i| belongs.get(i) == Some(&(true, false)))
                .map(|_| {
                    let who = format!("`{}`, who only belongs to vendor roles,", link.id);
                    (who, format!("{} (only in vendor roles)", link.id))
                }),
        };
        // Vendor sessions in cohorts, built only when some chain reaches a vendor.
        let mut sessions: Option<Vec<usize>> = None;
        for (k, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide() else {
                continue;
            };
            let chain = expand(rb, &decide.levels);
            let Some(((who, vendor), link)) = chain
                .iter()
                .find_map(|link| vendor_link(link).map(|who| (who, link)))
            else {
                continue;
            };
            let sessions = sessions.get_or_insert_with(|| {
                let population =
                    Population::new(cx, |i| i.kind.value == IdentityKind::VendorSession);
                population.cohorts.iter().map(Cohort::first).collect()
            });
            let Some(&session) = sessions
                .iter()
                .find(|&&i| matches(rb, &rule.selector, &rb.identities[i]))
            else {
                continue;
            };
            // An escalated role has no level of its own: point at the last level.
            let (span, position) = match link.level {
                Some((n, level)) => (level.span, format!("level {}", n + 1)),
                None => (
                    decide.levels.last().map_or(rule.id.span, |l| l.span),
                    "its escalation".to_owned(),
                ),
            };
            let session = &rb.identities[session].id.value;
            out.push(
                Finding::new(
                    &SELF_APPROVAL,
                    Subject::Rule(k),
                    span,
                    format!(
                        "{who} decides on vendor session `{session}` under rule `{}`",
                        rule.id.value
                    ),
                )
                .witness(format!(
                    "{position} of {}: {vendor} decides on {session}",
                    rule.id.value
                ))
                .help("let plant staff decide on vendor sessions; keep the vendor in `consult`"),
            );
        }
    }
}

#[cfg(test)]
mod gr006 {
    use crate::lint::rules::testing::{lines, lint_case, of};

    #[test]
    fn gr006_fires_on_a_one_person_two_person_chain_and_a_vendor_in_the_chain() {
        let report = lint_case(
            "people:
  - { id: klaus }
roles:
  - { id: acme-desk, function: vendor, members: [klaus], after: 30m }
identities:
  - { id: remote-acme, kind: vendor-session, vendor: Acme, access: { mes: { default: read } } }
authority:
  - id: solo-restore
    match: { identity: remote-acme }
    actions: [restore]
    decide: [{ person: dana }]
    two_person: true
  - id: acme-decides
    match: { kind: vendor-session }
    actions: [disconnect]
    decide:
      - { role: shift-lead, after: 5m }
      - { person: klaus }
",
        );
        assert_eq!(lines(&report, "GR006"), [11, 18]);
        let found = of(&report, "GR006");
        assert_eq!(
            found[0].message,
            "rule `solo-restore` needs two people but its chain can reach only `dana`"
        );
        assert_eq!(found[0].witness.as_deref(), Some("deciders: dana"));
        assert_eq!(
            found[1].message,
            "`klaus`, who only belongs to vendor roles, decides on vendor session `remote-acme` under rule `acme-decides`"
        );
        assert_eq!(
            found[1].witness.as_deref(),
            Some("level 2 of acme-decides: klaus (only in vendor roles) decides on remote-acme")
        );
    }

    #[test]
    fn gr006_is_quiet_when_the_vendor_is_only_consulted() {
        let report = lint_case(
            "roles:
  - { id: acme-desk, function: vendor, members: [dana], after: 30m }
identities:
  - { id: remote-acme, kind: vendor-session, vendor: Acme, access: { mes: { default: read } } }
authority:
  - id: cut-acme
    match: { kind: vendor-session }
    actions: [restore]
    decide: [{ role: shift-lead, after: 5m }, { person: dana }]
    two_person: true
    consult: [{ role: acme-desk }]
",
        );
        assert!(of(&report, "GR006").is_empty());
    }
}
