//! OWN: every identity and system has an accountable owner role with people
//! in it, and the owners of critical identities do not rest on one person.

use crate::lint::{Context, Finding, Rule, RuleInfo, Severity, Stage, Subject};
use crate::model::{Identity, Ref, Runbook};

/// Who is at the plant in each role: the number of distinct active members,
/// and the one active member when there is exactly one.
struct Staffing {
    active: Vec<(usize, Option<usize>)>,
}

impl Staffing {
    fn of(rb: &Runbook) -> Staffing {
        let active = rb
            .roles
            .iter()
            .map(|role| {
                let mut people: Vec<usize> = role
                    .members
                    .iter()
                    .filter_map(|m| rb.index.people.get(&m.value).copied())
                    .filter(|&p| rb.people.get(p).is_some_and(|p| p.active))
                    .collect();
                people.sort_unstable();
                people.dedup();
                let sole = match people.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                };
                (people.len(), sole)
            })
            .collect();
        Staffing { active }
    }

    /// The owner role's index, its number of active members and its sole
    /// active member.
    fn owner(&self, rb: &Runbook, owner: &Ref) -> Option<(usize, usize, Option<usize>)> {
        let role = *rb.index.roles.get(&owner.value)?;
        let (count, sole) = *self.active.get(role)?;
        Some((role, count, sole))
    }
}

pub static MISSING_OWNER: RuleInfo = RuleInfo {
    code: "OWN001",
    name: "missing-owner",
    severity: Severity::Error,
    summary: "an identity or system has no `owner`, or its owner role has no active member",
    rationale: "An identity nobody owns is an identity nobody reviews, rotates or retires: it is how service accounts from a 2019 project still write to a PLC in 2026. The owner role is who approves the identity's access, answers the auditor's questions and is told when it is paused. A role whose members have all left is no owner at all. IEC 62443 SR 1.3 (account management) and NIST CSF GV.RR-02 both expect a named accountable party.",
    mapping: &["NHI1", "PR.AA-01", "GV.RR-02", "SR 1.3"],
    stage: Stage::Lint,
    fires: "identities:\n  - id: historian-export-key\n    kind: api-key\n    last_used: 2026-11-20\n",
    passes: "identities:\n  - id: historian-export-key\n    kind: api-key\n    owner: plant-manager\n    last_used: 2026-11-20\n",
};

/// OWN001: identities and systems without an owner role with people in it.
pub struct MissingOwner;

impl Rule for MissingOwner {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_OWNER
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let staffing = Staffing::of(rb);
        let systems = rb
            .systems
            .iter()
            .enumerate()
            .map(|(i, s)| (Subject::System(i), "system", &s.id, s.owner.as_ref()));
        let identities = rb
            .identities
            .iter()
            .enumerate()
            .map(|(i, x)| (Subject::Identity(i), "identity", &x.id, x.owner.as_ref()));
        for (subject, what, id, owner) in systems.chain(identities) {
            let Some(owner) = owner else {
                let f = Finding::new(
                    &MISSING_OWNER,
                    subject,
                    id.span,
                    format!("{what} `{id}` has no `owner`"),
                )
                .help(format!(
                    "add `owner:` naming the role accountable for this {what}: who approves its access, reviews it and retires it"
                ));
                out.push(f);
                continue;
            };
            let Some((role, 0, _)) = staffing.owner(rb, owner) else {
                continue;
            };
            let mut f = Finding::new(
                &MISSING_OWNER,
                subject,
                owner.span,
                format!("owner role `{owner}` of {what} `{id}` has no active member"),
            )
            .help(format!(
                "add someone who is at the plant to role `{owner}`, or make another role the owner"
            ));
            if let Some(role) = rb.roles.get(role) {
                f = f.related(role.id.span, "role defined here");
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod own001_tests {
    use super::super::testing::{lines, lint_case, of};

    #[test]
    fn own001_points_at_the_entity_without_owner_and_at_an_empty_owner_role() {
        let report = lint_case(
            "people:
  - { id: marc, name: Marc Vidal, active: false }
roles:
  - { id: old-team, name: Former automation team, function: ot, members: [marc] }
  - { id: empty-team, name: Nobody yet, function: ot }
systems:
  - { id: labeller, name: Labeller, zone: ot, criticality: low }
identities:
  - id: orphan-key
    kind: api-key
    last_used: 2026-11-20
  - id: legacy-svc
    kind: service-account
    owner: old-team
    last_used: 2026-11-20
  - { id: new-svc, kind: service-account, owner: empty-team, last_used: 2026-11-20 }
",
        );
        assert_eq!(lines(&report, "OWN001"), [7, 9, 14, 16]);
        let messages: Vec<&str> = of(&report, "OWN001")
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(messages.contains(&"system `labeller` has no `owner`"));
        assert!(
            messages
                .contains(&"owner role `old-team` of identity `legacy-svc` has no active member")
        );
    }

    #[test]
    fn own001_is_quiet_when_the_owner_role_has_someone_at_the_plant() {
        let report = lint_case(
            "people:
  - { id: marc, name: Marc Vidal, active: false }
roles:
  - { id: team, name: Automation team, function: ot, members: [marc, alice] }
identities:
  - { id: svc, kind: service-account, owner: team, last_used: 2026-11-20 }
",
        );
        assert_eq!(lines(&report, "OWN001"), Vec::<u32>::new());
    }
}

pub static THIN_OWNERSHIP: RuleInfo = RuleInfo {
    code: "OWN002",
    name: "thin-ownership",
    severity: Severity::Warning,
    summary: "the owner role of an identity on a `high`/`safety` system has one active member, who has no active backup",
    rationale: "When the only owner of the robot cell's service account is on leave, nobody can say whether pausing it is safe, and nobody approves its emergency rotation. One backup is enough to close the gap, since andon calls a person's backup when they cannot answer: the rule is quiet when the sole member's `backup` chain, followed past people who left, reaches someone active, in the role or not. NIST CSF GV.RR-02 asks that roles and responsibilities are not left to a single person.",
    mapping: &["GV.RR-02"],
    stage: Stage::Lint,
    fires: "people:\n  - { id: erin, name: Erin Blanc }\nroles:\n  - { id: robot-team, name: Robot team, function: ot, members: [erin] }\nidentities:\n  - id: robot-svc\n    kind: service-account\n    owner: robot-team\n    access: { line1: read }\n    serves: []\n    last_used: 2026-11-20\n",
    passes: "people:\n  - { id: erin, name: Erin Blanc, backup: dana }\nroles:\n  - { id: robot-team, name: Robot team, function: ot, members: [erin] }\nidentities:\n  - id: robot-svc\n    kind: service-account\n    owner: robot-team\n    access: { line1: read }\n    serves: []\n    last_used: 2026-11-20\n",
};

/// OWN002: owners of critical identities that rest on one person.
///
/// "No backup" means that the `backup` chain of the sole active member
/// (followed past people who left, as resolution does) reaches nobody
/// active but themselves. The backup need not be in the role: resolution
/// calls a person's backup whatever their role.
pub struct ThinOwnership;

impl Rule for ThinOwnership {
    fn info(&self) -> &'static RuleInfo {
        &THIN_OWNERSHIP
    }

    fn check(&self, cx: &Context, out: &mut Vec<Finding>) {
        let rb = cx.runbook;
        let staffing = Staffing::of(rb);
        let mut backups = ActiveBackup::new(rb);
        for (i, identity) in rb.identities.iter().enumerate() {
            let Some(owner) = &identity.owner else {
                continue;
            };
            let Some((_, 1, Some(sole))) = staffing.owner(rb, owner) else {
                continue;
            };
            if !touches_critical(rb, identity) {
                continue;
            }
            if backups.of(sole).is_some_and(|b| b != sole) {
                continue;
            }
            let Some(person) = rb.people.get(sole) else {
                continue;
            };
            let f = Finding::new(
                &THIN_OWNERSHIP,
                Subject::Identity(i),
                owner.span,
                format!(
                    "owner role `{owner}` of identity `{}` rests on one person, `{}`, who has no active backup",
                    identity.id, person.id
                ),
            )
            .help(format!(
                "add a second active member to role `{owner}`, or give `{}` a `backup` who is at the plant",
                person.id
            ))
            .related(person.id.span, "the only active member");
            out.push(f);
        }
    }
}

/// Whether the identity touches a `high` or `safety` system.
fn touches_critical(rb: &Runbook, identity: &Identity) -> bool {
    let serves = identity.serves.iter().flatten();
    identity
        .access
        .iter()
        .map(|a| &a.system)
        .chain(serves)
        .any(|s| {
            rb.system(&s.value)
                .is_some_and(|s| s.criticality.is_critical())
        })
}

/// For each person, the first active person down their `backup` chain (not
/// counting the start), found once per person so that long chains of
/// leavers keep the rule linear.
struct ActiveBackup<'r> {
    rb: &'r Runbook,
    /// `None`: not computed yet.
    memo: Vec<Option<Option<usize>>>,
    on_path: Vec<bool>,
}

impl<'r> ActiveBackup<'r> {
    fn new(rb: &'r Runbook) -> Self {
        ActiveBackup {
            rb,
            memo: vec![None; rb.people.len()],
            on_path: vec![false; rb.people.len()],
        }
    }

    fn backup(&self, person: usize) -> Option<usize> {
        let b = self.rb.people.get(person)?.backup.as_ref()?;
        self.rb.index.people.get(&b.value).copied()
    }

    /// The first active person after `person` in its backup chain; may be
    /// `person` itself when the chain loops back through leavers.
    fn of(&mut self, person: usize) -> Option<usize> {
        if let Some(known) = self.memo.get(person).copied().flatten() {
            return known;
        }
        let mut path = vec![person];
        if let Some(mark) = self.on_path.get_mut(person) {
            *mark = true;
        }
        let mut next = self.backup(person);
        let found = loop {
            let Some(b) = next else { break None };
            if self.rb.people.get(b).is_some_and(|p| p.active) {
                break Some(b);
            }
            if let Some(known) = self.memo.get(b).copied().flatten() {
                break known;
            }
            if self.on_path.get(b).copied().unwrap_or(true) {
                break None; // a loop of leavers
            }
            if let Some(mark) = self.on_path.get_mut(b) {
                *mark = true;
            }
            path.push(b);
            next = self.backup(b);
        };
        // Everyone on the path is followed by the same people.
        for p in path {
            if let (Some(memo), Some(mark)) = (self.memo.get_mut(p), self.on_path.get_mut(p)) {
                *memo = Some(found);
                *mark = false;
            }
        }
        found
    }
}

#[cfg(test)]
mod own002_tests {
    use super::super::testing::{lines, lint_case};

    const ROLES: &str = "roles:
  - { id: robot-team, name: Robot team, function: ot, members: [erin, marc] }
identities:
  - id: robot-svc
    kind: service-account
    owner: robot-team
    access: { line1: read }
    serves: []
    last_used: 2026-11-20
";

    #[test]
    fn own002_points_at_the_owner_of_a_critical_identity_with_one_person() {
        // Marc has left; Erin's backup chain goes through him and back to her.
        let report = lint_case(&format!(
            "people:
  - {{ id: erin, name: Erin Blanc, backup: marc }}
  - {{ id: marc, name: Marc Vidal, active: false, backup: erin }}
{ROLES}"
        ));
        assert_eq!(lines(&report, "OWN002"), [9]);
        let d = &super::super::testing::of(&report, "OWN002")[0];
        assert_eq!(d.severity, crate::lint::Severity::Warning);
        assert_eq!(
            d.message,
            "owner role `robot-team` of identity `robot-svc` rests on one person, `erin`, who has no active backup"
        );
    }

    #[test]
    fn own002_is_quiet_when_the_backup_chain_reaches_someone_active_past_a_leaver() {
        let report = lint_case(&format!(
            "people:
  - {{ id: erin, name: Erin Blanc, backup: marc }}
  - {{ id: marc, name: Marc Vidal, active: false, backup: dana }}
{ROLES}"
        ));
        assert_eq!(lines(&report, "OWN002"), Vec::<u32>::new());
    }

    #[test]
    fn own002_is_quiet_on_identities_that_touch_no_critical_system() {
        let report = lint_case(
            "people:
  - { id: erin, name: Erin Blanc }
roles:
  - { id: label-team, name: Labelling, function: ot, members: [erin] }
systems:
  - { id: labeller, name: Labeller, zone: ot, criticality: medium, owner: shift-lead }
identities:
  - { id: label-svc, kind: service-account, owner: label-team, access: { labeller: write }, last_used: 2026-11-20 }
",
        );
        assert_eq!(lines(&report, "OWN002"), Vec::<u32>::new());
    }
}

pub static RULES: &[&dyn Rule] = &[&MissingOwner, &ThinOwnership];
