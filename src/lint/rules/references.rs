//! REF: references between ids. REF001-REF003 are checked by the loader (a
//! runbook with a dangling reference, a duplicate id or an unknown key does
//! not load at all); their entries here carry the catalogue text. REF004
//! finds people who left the plant but can still be called.

use crate::diagnostics::codes;
use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Level, Ref, Target};

/// The load errors of `case` (added to the base plant), as a report.
#[cfg(test)]
fn load_report(case: &str) -> crate::lint::Report {
    crate::lint::Report {
        findings: super::testing::load_errors(case),
        ..crate::lint::Report::default()
    }
}

pub static UNKNOWN_REFERENCE: RuleInfo = RuleInfo {
    code: codes::UNKNOWN_REFERENCE,
    name: "unknown-reference",
    severity: Severity::Error,
    summary: "an id (state, role, person, system, identity) is used but not defined; the hint names the nearest known id",
    rationale: "A chain that names a role nobody defined calls nobody: at 3 a.m. the responder reads a name and finds no phone number. A typo in a state or a system silently narrows what a rule covers. andon refuses to load such a runbook, so the mistake is caught in review rather than in an incident.",
    mapping: &[],
    stage: Stage::Load,
    fires: "roles:\n  - { id: night-shift, name: Night shift, function: ot, members: [alise], after: 10m }\n",
    passes: "roles:\n  - { id: night-shift, name: Night shift, function: ot, members: [alice], after: 10m }\n",
};

/// REF001; the loader reports it.
pub struct UnknownReference;

impl Rule for UnknownReference {
    fn info(&self) -> &'static RuleInfo {
        &UNKNOWN_REFERENCE
    }
    fn check(&self, _: &Context, _: &mut Vec<Finding>) {}
}

#[cfg(test)]
mod ref001_tests {
    use super::super::testing::lines;
    use super::load_report;

    #[test]
    fn ref001_points_at_the_unknown_id_and_hints_the_nearest() {
        let report = load_report(
            "roles:
  - id: night-shift
    members: [alice, alise]
    escalates_to: plant-manger
",
        );
        assert_eq!(lines(&report, "REF001"), [3, 4]);
        assert!(
            report
                .findings
                .iter()
                .any(|d| d.help.as_deref() == Some("did you mean `plant-manager`?"))
        );
    }

    #[test]
    fn ref001_is_quiet_when_every_id_is_defined() {
        let report = load_report("roles:\n  - id: night-shift\n    members: [alice]\n");
        assert_eq!(lines(&report, "REF001"), Vec::<u32>::new());
    }
}

pub static DUPLICATE_ID: RuleInfo = RuleInfo {
    code: codes::DUPLICATE_ID,
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "an id is defined twice; both places are named",
    rationale: "When two files define the same person or role, which one the plant meant is a guess: one of them has the wrong phone number or the wrong members. andon refuses to guess and names both places, so that the owner of the runbook decides.",
    mapping: &[],
    stage: Stage::Load,
    fires: "people:\n  - { id: alice, name: Alice Martin (night shift) }\n",
    passes: "people:\n  - { id: erin, name: Erin Blanc }\n",
};

/// REF002; the loader reports it.
pub struct DuplicateId;

impl Rule for DuplicateId {
    fn info(&self) -> &'static RuleInfo {
        &DUPLICATE_ID
    }
    fn check(&self, _: &Context, _: &mut Vec<Finding>) {}
}

#[cfg(test)]
mod ref002_tests {
    use super::super::testing::lines;
    use super::load_report;

    #[test]
    fn ref002_points_at_the_second_definition_and_names_the_first() {
        let report = load_report("people:\n  - { id: erin }\n  - { id: chen, name: Chen again }\n");
        assert_eq!(lines(&report, "REF002"), [3]);
        assert_eq!(report.findings[0].related.len(), 1);
    }

    #[test]
    fn ref002_is_quiet_on_a_new_id() {
        let report = load_report("people:\n  - { id: erin }\n");
        assert_eq!(lines(&report, "REF002"), Vec::<u32>::new());
    }
}

pub static UNKNOWN_KEY: RuleInfo = RuleInfo {
    code: codes::UNKNOWN_KEY,
    name: "unknown-key",
    severity: Severity::Error,
    summary: "a key the format does not know; the hint names the nearest known key",
    rationale: "A misspelt key is a statement the runbook believes it makes and does not: `backpu: bob` leaves Alice without a backup, `expire:` leaves a vendor credential without an end. Refusing unknown keys keeps what the plant wrote and what andon reads the same.",
    mapping: &[],
    stage: Stage::Load,
    fires: "people:\n  - { id: erin, name: Erin Blanc, backpu: dana }\n",
    passes: "people:\n  - { id: erin, name: Erin Blanc, backup: dana }\n",
};

/// REF003; the loader reports it.
pub struct UnknownKey;

impl Rule for UnknownKey {
    fn info(&self) -> &'static RuleInfo {
        &UNKNOWN_KEY
    }
    fn check(&self, _: &Context, _: &mut Vec<Finding>) {}
}

#[cfg(test)]
mod ref003_tests {
    use super::super::testing::lines;
    use super::load_report;

    #[test]
    fn ref003_points_at_the_unknown_key_and_hints_the_nearest() {
        let report = load_report("people:\n  - id: erin\n    backpu: dana\n");
        assert_eq!(lines(&report, "REF003"), [3]);
        assert!(
            report.findings[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("`backup`"))
        );
    }

    #[test]
    fn ref003_is_quiet_on_known_keys() {
        let report = load_report("people:\n  - id: erin\n    backup: dana\n");
        assert_eq!(lines(&report, "REF003"), Vec::<u32>::new());
    }
}

pub static INACTIVE_PERSON_REACHABLE: RuleInfo = RuleInfo {
    code: "REF004",
    name: "inactive-person-reachable",
    severity: Severity::Error,
    summary: "a person with `active: false` is a role member, a backup, on a schedule, or a level or `consult` of a chain",
    rationale: "People who left the plant keep their entry for the audit trail, but a chain that still reaches them calls a number nobody answers, or worse, gives a former employee or contractor a say over a live machine identity. andon skips them at run time, which hides the hole; the fix is to take them out of every role, backup, schedule and chain. Auditors look for exactly this in leaver reviews.",
    mapping: &["PR.AA-01", "NHI1"],
    stage: Stage::Lint,
    fires: "people:\n  - { id: marc, name: Marc Vidal, active: false }\nroles:\n  - { id: night-shift, name: Night shift, function: ot, members: [alice, marc], after: 10m, escalates_to: plant-manager }\n",
    passes: "people:\n  - { id: marc, name: Marc Vidal, active: false }\nroles:\n  - { id: night-shift, name: Night shift, function: ot, members: [alice, bob], after: 10m, escalates_to: plant-manager }\n",
};

/// REF004: every reference to an inactive person from somewhere a chain can
/// reach. The finding points at the reference (what has to change), and is
/// about the entity that holds it.
pub struct InactivePersonReachable;

impl Rule for InactivePersonReachable {
    fn info(&self) -> &'static RuleInfo {
        &INACTIVE_PERSON_REACHABLE
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let mut flag = |subject: Subject, r: &Ref, place: &dyn Fn() -> String| {
            let Some(person) = rb.person(&r.value) else {
                return;
            };
            if person.active {
                return;
            }
            let f = Finding::new(
                &INACTIVE_PERSON_REACHABLE,
                subject,
                r.span,
                format!("`{}` is inactive but is {}", r.value, place()),
            )
            .help(format!(
                "replace `{}` with someone who is at the plant, or set `active: true` if they are back",
                r.value
            ))
            .related(person.id.span, "marked `active: false` here");
            out.push(f);
        };
        for (i, state) in rb.states.iter().enumerate() {
            for r in person_levels(&state.declare) {
                flag(Subject::State(i), r, &|| {
                    format!("a level of the `declare` chain of state `{}`", state.id)
                });
            }
        }
        for (i, rule) in rb.rules.iter().enumerate() {
            let Some(decide) = rule.decide() else {
                continue;
            };
            for r in person_levels(&decide.levels) {
                flag(Subject::Rule(i), r, &|| {
                    format!("a level of the `decide` chain of rule `{}`", rule.id)
                });
            }
            for target in &decide.consult {
                if let Target::Person(r) = target {
                    flag(Subject::Rule(i), r, &|| {
                        format!("consulted by rule `{}`", rule.id)
                    });
                }
            }
        }
        for (i, person) in rb.people.iter().enumerate() {
            // The backup of someone who left is reached only through them,
            // and they are reported wherever they are still referenced.
            if let (true, Some(backup)) = (person.active, &person.backup) {
                flag(Subject::Person(i), backup, &|| {
                    format!("the backup of `{}`", person.id)
                });
            }
        }
        for (i, role) in rb.roles.iter().enumerate() {
            let id = &role.id;
            for member in &role.members {
                flag(Subject::Role(i), member, &|| {
                    format!("a member of role `{id}`")
                });
            }
            let Some(schedule) = &role.schedule else {
                continue;
            };
            for r in schedule.layers.iter().flat_map(|l| &l.rotation) {
                flag(Subject::Role(i), r, &|| {
                    format!("in the rotation of role `{id}`")
                });
            }
            for o in &schedule.overrides {
                flag(Subject::Role(i), &o.person, &|| {
                    format!("on call for role `{id}` through an override")
                });
            }
        }
    }
}

/// The people a chain names directly.
fn person_levels(levels: &[Level]) -> impl Iterator<Item = &Ref> {
    levels.iter().filter_map(|level| match &level.target {
        Target::Person(r) => Some(r),
        Target::Role(_) => None,
    })
}

#[cfg(test)]
mod ref004_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn ref004_points_at_each_reference_to_someone_who_left() {
        let report = lint_case(
            "people:
  - { id: marc, name: Marc Vidal, active: false, backup: alice }
  - { id: erin, name: Erin Blanc, backup: marc }
states:
  - id: drill
    declare: [{ person: marc, after: 5m }, { role: plant-manager }]
roles:
  - id: night-shift
    members: [alice, marc]
    after: 10m
    schedule:
      layers:
        - { rotation: [alice, marc], shift: 12h, start: 2026-01-05T06:00 }
      overrides:
        - { person: marc, from: 2026-11-23T06:00, to: 2026-11-24T06:00 }
identities:
  - { id: k, kind: api-key, owner: shift-lead, last_used: 2026-11-20 }
authority:
  - id: k-pause
    match: { identity: k }
    actions: [pause]
    decide: [{ person: marc, after: 5m }, { role: shift-lead }]
    consult: [{ person: marc }]
",
        );
        assert_eq!(lines(&report, "REF004"), [3, 6, 9, 13, 15, 22, 23]);
        let member = of(&report, "REF004")
            .into_iter()
            .find(|d| d.span.is_some_and(|s| s.line == 9))
            .expect("member finding");
        assert_eq!(
            member.message,
            "`marc` is inactive but is a member of role `night-shift`"
        );
        assert!(member.help.is_some());
    }

    #[test]
    fn ref004_is_quiet_when_the_leaver_is_kept_only_for_the_record() {
        // Marc's own backup is not a way to reach anyone: nobody reaches Marc.
        let report = lint_case(
            "people:
  - { id: marc, name: Marc Vidal, active: false, backup: paul }
  - { id: paul, name: Paul Roy, active: false }
",
        );
        assert_eq!(lines(&report, "REF004"), Vec::<u32>::new());
    }

    #[test]
    fn ref004_can_be_suppressed_on_the_role_that_holds_the_reference() {
        let report = lint_case(
            "people:
  - { id: marc, name: Marc Vidal, active: false }
roles:
  - id: night-shift
    members: [alice, marc]
    lint:
      allow:
        - { rule: REF004, reason: Marc returns from leave on 1 December, until: 2026-12-01 }
",
        );
        assert_eq!(lines(&report, "REF004"), Vec::<u32>::new());
        assert_eq!(report.suppressed.len(), 1);
    }
}

pub static RULES: &[&dyn Rule] = &[
    &UnknownReference,
    &DuplicateId,
    &UnknownKey,
    &InactivePersonReachable,
];
