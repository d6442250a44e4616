//! Authority rules: chains, targets and selectors.

use super::allow;
use super::systems::labels;
use crate::load::read::{BAD_VALUE, Reader};
use crate::load::tree::{Node, Value};
use crate::model::*;

/// A chain of levels (`decide` or a state's `declare`).
pub(super) fn chain(r: &mut Reader, n: &Node, what: &str) -> Vec<Level> {
    let items = r.list(n, what);
    let mut out = Vec::new();
    for l in items {
        let Some(lf) = r.fields(l, "a level", &["role", "person", "after"]) else {
            continue;
        };
        let target = match (lf.value("role"), lf.value("person")) {
            (Some(role), None) => r.id(role, "a role id").map(Target::Role),
            (None, Some(person)) => r.id(person, "a person id").map(Target::Person),
            (Some(_), Some(_)) => {
                r.error(
                    BAD_VALUE,
                    l,
                    "a level names a `role` or a `person`, not both",
                );
                None
            }
            (None, None) => {
                r.error(BAD_VALUE, l, "a level needs a `role` or a `person`");
                None
            }
        };
        let after = lf.value("after").and_then(|n| r.duration(n, "`after`"));
        if let Some(target) = target {
            out.push(Level {
                target,
                after,
                span: r.span(l),
            });
        }
    }
    out
}

pub(super) fn rule(r: &mut Reader, n: &Node) -> Option<Rule> {
    let known = [
        "id",
        "match",
        "states",
        "actions",
        "decide",
        "forbid",
        "repeat",
        "consult",
        "two_person",
        "pre_approved",
        "preconditions",
        "lint",
    ];
    let f = r.fields(n, "an authority rule", &known)?;
    let id = r
        .required(&f, "id", "an authority rule")
        .and_then(|n| r.id(n, "a rule id"));
    let selector = match f.get("match") {
        Some(m) => selector(r, m)?,
        None => Selector {
            span: r.span(n),
            ..Selector::default()
        },
    };
    let states = f.value("states").map(|n| r.id_list(n, "a state id"));
    let actions_node = r.required(&f, "actions", "an authority rule");
    let actions: Vec<Spanned<Action>> = actions_node
        .map(|n| r.list(n, "`actions`"))
        .unwrap_or_default()
        .iter()
        .filter_map(|a| r.spanned_word(a, "action", Action::NAMES, Action::parse))
        .collect();
    if let Some(a) = actions.iter().find(|a| a.value == Action::Declare) {
        r.diagnostics.push(
            crate::diagnostics::Diagnostic::error(
                BAD_VALUE,
                Some(a.span),
                "`declare` is not an action on an identity",
            )
            .with_help("who may declare a state goes in that state's `declare` chain"),
        );
    }
    let outcome = match (f.value("decide"), f.value("forbid")) {
        (Some(d), None) => {
            let levels = chain(r, d, "`decide`");
            if levels.is_empty() && matches!(&d.value, Value::Seq(v) if v.is_empty()) {
                r.error(BAD_VALUE, d, "`decide` must name at least one level");
            }
            let repeat = f
                .value("repeat")
                .and_then(|n| r.int(n, "`repeat`", 0, 9))
                .unwrap_or(0) as u8;
            let consult = f
                .value("consult")
                .map(|n| targets(r, n))
                .unwrap_or_default();
            let two_person = r
                .opt_bool(&f, "two_person", "`two_person`")
                .unwrap_or(false);
            let pre_approved = r
                .opt_bool(&f, "pre_approved", "`pre_approved`")
                .unwrap_or(false);
            let preconditions = f
                .value("preconditions")
                .map(|n| {
                    r.list(n, "`preconditions`")
                        .iter()
                        .filter_map(|p| r.text(p, "a precondition"))
                        .collect()
                })
                .unwrap_or_default();
            Outcome::Decide(Decide {
                levels,
                repeat,
                consult,
                two_person,
                pre_approved,
                preconditions,
            })
        }
        (None, Some(reason)) => {
            for key in [
                "repeat",
                "consult",
                "two_person",
                "pre_approved",
                "preconditions",
            ] {
                if let Some(k) = f.get(key) {
                    r.error(
                        BAD_VALUE,
                        k,
                        format!("`{key}` has no meaning in a rule that forbids"),
                    );
                }
            }
            Outcome::Forbid(r.spanned_text(reason, "the `forbid` reason")?)
        }
        (Some(_), Some(_)) => {
            r.error(BAD_VALUE, n, "a rule has `decide` or `forbid`, not both");
            return None;
        }
        (None, None) => {
            r.error_help(
                BAD_VALUE,
                n,
                "a rule needs `decide` (who decides) or `forbid` (why nobody may)",
                "add `decide: [{ role: ... }]` or `forbid: \"reason\"`",
            );
            return None;
        }
    };
    let allow = allow(r, &f);
    Some(Rule {
        id: id?,
        selector,
        states,
        actions,
        outcome,
        allow,
        span: r.span(n),
    })
}

fn targets(r: &mut Reader, n: &Node) -> Vec<Target> {
    let items = r.list(n, "`consult`");
    let mut out = Vec::new();
    for t in items {
        let Some(tf) = r.fields(t, "a `consult` entry", &["role", "person"]) else {
            continue;
        };
        match (tf.value("role"), tf.value("person")) {
            (Some(role), None) => out.extend(r.id(role, "a role id").map(Target::Role)),
            (None, Some(person)) => out.extend(r.id(person, "a person id").map(Target::Person)),
            _ => r.error(
                BAD_VALUE,
                t,
                "a `consult` entry names one `role` or one `person`",
            ),
        }
    }
    out
}

fn selector(r: &mut Reader, n: &Node) -> Option<Selector> {
    let known = [
        "identity",
        "kind",
        "system",
        "zone",
        "criticality",
        "vendor",
        "labels",
    ];
    let f = r.fields(n, "`match`", &known)?;
    Some(Selector {
        identity: f.value("identity").map(|n| r.id_list(n, "an identity id")),
        kind: f
            .value("kind")
            .map(|n| r.word_list(n, "identity kind", IdentityKind::NAMES, IdentityKind::parse)),
        system: f.value("system").map(|n| r.id_list(n, "a system id")),
        zone: f
            .value("zone")
            .map(|n| r.word_list(n, "zone", Zone::NAMES, Zone::parse)),
        criticality: f
            .value("criticality")
            .map(|n| r.word_list(n, "criticality", Criticality::NAMES, Criticality::parse)),
        vendor: f.value("vendor").map(|n| {
            let items = r.list(n, "`vendor`");
            items.iter().filter_map(|v| r.text(v, "a vendor")).collect()
        }),
        labels: f.value("labels").map(|n| labels(r, n)).unwrap_or_default(),
        span: r.span(n),
    })
}
