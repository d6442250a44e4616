//! Once every file is read: duplicate ids, the index, and references to ids
//! that do not exist (with the nearest known id as a hint).

use super::read::{BAD_VALUE, DUPLICATE_ID, UNKNOWN_REFERENCE, nearest};
use crate::diagnostics::Diagnostic;
use crate::model::{Id, Ref, Runbook, Target, Text};

/// Builds the id index, reporting every id defined twice (naming both places).
pub fn index(runbook: &mut Runbook, diagnostics: &mut Vec<Diagnostic>) {
    fn build<'a>(
        what: &str,
        ids: impl Iterator<Item = &'a Id>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> crate::model::IdIndex {
        let mut map = crate::model::IdIndex::default();
        let mut first: Vec<&Id> = Vec::new();
        for (i, id) in ids.enumerate() {
            first.push(id);
            if let Some(&previous) = map.get(&id.value) {
                diagnostics.push(
                    Diagnostic::error(
                        DUPLICATE_ID,
                        Some(id.span),
                        format!("{what} `{}` is defined twice", id.value),
                    )
                    .with_related(first[previous].span, "first defined here"),
                );
            } else {
                map.insert(id.value.clone(), i);
            }
        }
        map
    }
    let rb = &*runbook;
    let index = crate::model::Index {
        states: build("state", rb.states.iter().map(|s| &s.id), diagnostics),
        people: build("person", rb.people.iter().map(|p| &p.id), diagnostics),
        roles: build("role", rb.roles.iter().map(|r| &r.id), diagnostics),
        systems: build("system", rb.systems.iter().map(|s| &s.id), diagnostics),
        identities: build("identity", rb.identities.iter().map(|i| &i.id), diagnostics),
        rules: build("rule", rb.rules.iter().map(|r| &r.id), diagnostics),
    };
    runbook.index = index;
}

/// REF001: `r` names a `what` that is not among `known`; the nearest
/// known id (ties broken alphabetically) is the hint.
pub fn unknown<'k>(what: &str, r: &Ref, known: impl IntoIterator<Item = &'k str>) -> Diagnostic {
    let mut known: Vec<&str> = known.into_iter().collect();
    known.sort_unstable();
    let d = Diagnostic::error(
        UNKNOWN_REFERENCE,
        Some(r.span),
        format!("unknown {what} `{}`", r.value),
    );
    match nearest(&r.value, known.iter().copied()) {
        Some(hint) => d.with_help(format!("did you mean `{hint}`?")),
        None if known.is_empty() => d.with_help(format!("no {what} is defined")),
        None => d,
    }
}

struct Checker<'a> {
    runbook: &'a Runbook,
    diagnostics: &'a mut Vec<Diagnostic>,
}

#[derive(Clone, Copy)]
enum Kind {
    State,
    Person,
    Role,
    System,
    Identity,
}

impl Checker<'_> {
    fn check(&mut self, kind: Kind, r: &Ref) {
        let (what, map) = match kind {
            Kind::State => ("state", &self.runbook.index.states),
            Kind::Person => ("person", &self.runbook.index.people),
            Kind::Role => ("role", &self.runbook.index.roles),
            Kind::System => ("system", &self.runbook.index.systems),
            Kind::Identity => ("identity", &self.runbook.index.identities),
        };
        if map.contains_key(&r.value) {
            return;
        }
        self.diagnostics
            .push(unknown(what, r, map.keys().map(Text::as_str)));
    }

    fn all<'r>(&mut self, kind: Kind, refs: impl IntoIterator<Item = &'r Ref>) {
        for r in refs {
            self.check(kind, r);
        }
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Role(r) => self.check(Kind::Role, r),
            Target::Person(r) => self.check(Kind::Person, r),
        }
    }
}

/// Reports every reference to an id that is not defined, and the default state.
pub fn check(runbook: &Runbook, diagnostics: &mut Vec<Diagnostic>) {
    let mut c = Checker {
        runbook,
        diagnostics,
    };
    for state in &runbook.states {
        c.all(Kind::System, &state.lockout);
        for level in &state.declare {
            c.target(&level.target);
        }
    }
    for person in &runbook.people {
        c.all(Kind::Person, &person.backup);
    }
    for role in &runbook.roles {
        c.all(Kind::Person, &role.members);
        c.all(Kind::Role, &role.escalates_to);
        if let Some(schedule) = &role.schedule {
            for layer in &schedule.layers {
                c.all(Kind::Person, &layer.rotation);
            }
            for o in &schedule.overrides {
                c.check(Kind::Person, &o.person);
            }
        }
    }
    for system in &runbook.systems {
        c.all(Kind::Role, &system.owner);
        c.all(Kind::System, &system.depends_on);
    }
    for identity in &runbook.identities {
        c.all(Kind::Role, &identity.owner);
        for access in &identity.access {
            c.check(Kind::System, &access.system);
            c.all(Kind::State, access.states.iter().map(|(s, _)| s));
        }
        c.all(Kind::System, identity.serves.iter().flatten());
        if let Some(credential) = &identity.credential {
            c.all(Kind::Identity, &credential.shared_with);
        }
    }
    for rule in &runbook.rules {
        c.all(Kind::Identity, rule.selector.identity.iter().flatten());
        c.all(Kind::System, rule.selector.system.iter().flatten());
        c.all(Kind::State, rule.states.iter().flatten());
        if let Some(decide) = rule.decide() {
            for level in &decide.levels {
                c.target(&level.target);
            }
            for t in &decide.consult {
                c.target(t);
            }
        }
    }
    let defaults: Vec<_> = runbook.states.iter().filter(|s| s.default).collect();
    match defaults.as_slice() {
        [_] => {}
        [] => {
            let span = runbook
                .states
                .first()
                .map_or(runbook.plant.span, |s| s.span);
            diagnostics.push(
                Diagnostic::error(BAD_VALUE, Some(span), "no state is marked `default: true`")
                    .with_help("mark the state the plant is normally in with `default: true`"),
            );
        }
        [first, rest @ ..] => {
            for other in rest {
                diagnostics.push(
                    Diagnostic::error(
                        BAD_VALUE,
                        Some(other.span),
                        format!("state `{}` is a second default state", other.id.value),
                    )
                    .with_related(first.span, "the first default state"),
                );
            }
        }
    }
}
