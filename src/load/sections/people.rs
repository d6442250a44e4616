//! People and roles: members, schedules and their layers.

use super::allow;
use crate::load::read::{BAD_VALUE, MAX_DURATION_DAYS, Reader};
use crate::load::tree::Node;
use crate::model::*;

pub(super) fn person(r: &mut Reader, n: &Node) -> Option<Person> {
    let f = r.fields(
        n,
        "a person",
        &["id", "name", "contact", "backup", "active", "lint"],
    )?;
    let id = r
        .required(&f, "id", "a person")
        .and_then(|n| r.id(n, "a person id"));
    let name = r.opt_text(&f, "name", "a person's name");
    let mut contact = Contact::default();
    if let Some(c) = f
        .value("contact")
        .and_then(|c| r.fields(c, "`contact`", &["phone", "radio", "email"]))
    {
        contact.phone = r.opt_text(&c, "phone", "`phone`");
        contact.radio = r.opt_text(&c, "radio", "`radio`");
        contact.email = r.opt_text(&c, "email", "`email`");
    }
    let backup = f.value("backup").and_then(|n| r.id(n, "a person id"));
    let active = r.opt_bool(&f, "active", "`active`").unwrap_or(true);
    let allow = allow(r, &f);
    Some(Person {
        id: id?,
        name,
        contact,
        backup,
        active,
        allow,
        span: r.span(n),
    })
}

pub(super) fn role(r: &mut Reader, n: &Node) -> Option<Role> {
    let known = [
        "id",
        "name",
        "function",
        "members",
        "after",
        "escalates_to",
        "schedule",
        "lint",
    ];
    let f = r.fields(n, "a role", &known)?;
    let id = r
        .required(&f, "id", "a role")
        .and_then(|n| r.id(n, "a role id"));
    let name = r.opt_text(&f, "name", "a role name");
    let function = f
        .value("function")
        .and_then(|n| r.word(n, "function", Function::NAMES, Function::parse));
    // A member listed twice is one member (the first place it is listed):
    // `members: [a, b, a, b, ...]` a hundred thousand times long once made
    // every on-call look-up walk the whole list, and lint take minutes.
    let mut members = f
        .value("members")
        .map(|n| r.id_list(n, "a person id"))
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    members.retain(|m| seen.insert(m.value.clone()));
    let after = f.value("after").and_then(|n| r.duration(n, "`after`"));
    let escalates_to = f.value("escalates_to").and_then(|n| r.id(n, "a role id"));
    let schedule = f.value("schedule").and_then(|n| schedule(r, n));
    let allow = allow(r, &f);
    Some(Role {
        id: id?,
        name,
        function,
        members,
        after,
        escalates_to,
        schedule,
        allow,
        span: r.span(n),
    })
}

fn schedule(r: &mut Reader, n: &Node) -> Option<Schedule> {
    let f = r.fields(n, "`schedule`", &["layers", "overrides"])?;
    let mut out = Schedule {
        span: r.span(n),
        ..Schedule::default()
    };
    if let Some(layers) = f.value("layers") {
        for l in r.list(layers, "`layers`") {
            let Some(lf) = r.fields(
                l,
                "a schedule layer",
                &["rotation", "shift", "start", "only"],
            ) else {
                continue;
            };
            let rotation = r
                .required(&lf, "rotation", "a schedule layer")
                .map(|n| r.id_list(n, "a person id"));
            let shift = r.required(&lf, "shift", "a schedule layer").and_then(|n| {
                r.duration_within(n, "`shift`", Duration::MIN_SHIFT, MAX_DURATION_DAYS)
            });
            if let Some(s) = &shift
                && s.value.secs() == 0
            {
                r.error(
                    BAD_VALUE,
                    lf.get("shift").unwrap_or(l),
                    "`shift` must be longer than zero",
                );
            }
            let start = r
                .required(&lf, "start", "a schedule layer")
                .and_then(|n| r.moment(n, "`start`"));
            let only = lf.value("only").and_then(|n| window(r, n));
            if let (Some(rotation), Some(shift), Some(start)) = (rotation, shift, start) {
                out.layers.push(Layer {
                    rotation,
                    shift,
                    start,
                    only,
                    span: r.span(l),
                });
            }
        }
    }
    if let Some(overrides) = f.value("overrides") {
        for o in r.list(overrides, "`overrides`") {
            let Some(of) = r.fields(o, "an override", &["person", "from", "to"]) else {
                continue;
            };
            let person = r
                .required(&of, "person", "an override")
                .and_then(|n| r.id(n, "a person id"));
            let from = r
                .required(&of, "from", "an override")
                .and_then(|n| r.moment(n, "`from`"));
            let to = r
                .required(&of, "to", "an override")
                .and_then(|n| r.moment(n, "`to`"));
            if let (Some(person), Some(from), Some(to)) = (person, from, to) {
                out.overrides.push(Override {
                    person,
                    from: from.value,
                    to: to.value,
                    span: r.span(o),
                });
            }
        }
    }
    Some(out)
}

fn window(r: &mut Reader, n: &Node) -> Option<Window> {
    let f = r.fields(n, "`only`", &["days", "from", "to"])?;
    let days = f
        .value("days")
        .map(|n| r.word_list(n, "day", Day::NAMES, Day::parse))
        .unwrap_or_default();
    let from = r
        .required(&f, "from", "`only`")
        .and_then(|n| r.time_of_day(n, "`from`"));
    let to = r
        .required(&f, "to", "`only`")
        .and_then(|n| r.time_of_day(n, "`to`"));
    Some(Window {
        days,
        from: from?,
        to: to?,
        span: r.span(n),
    })
}
