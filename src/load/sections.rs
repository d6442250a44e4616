//! Reading each top-level section of one file into model values.

use super::read::{BAD_VALUE, Fields, MAX_DURATION_DAYS, MAX_ROTATION_DAYS, Reader};
use super::tree::{Node, Value};
use crate::model::*;

/// What one file contributes; merged with the other files afterwards.
#[derive(Default)]
pub struct Part {
    pub version: Option<Spanned<u32>>,
    pub plant: Option<Plant>,
    pub states: Vec<State>,
    pub people: Vec<Person>,
    pub roles: Vec<Role>,
    pub systems: Vec<System>,
    pub identities: Vec<Identity>,
    pub rules: Vec<Rule>,
}

pub const SECTIONS: &[&str] = &[
    "andon",
    "plant",
    "states",
    "people",
    "roles",
    "systems",
    "identities",
    "authority",
];

/// Reads a whole file's top-level mapping.
pub fn read_file(r: &mut Reader, root: &Node) -> Part {
    let mut part = Part::default();
    if root.value == Value::Null {
        return part;
    }
    let Some(f) = r.fields(root, "a runbook file", SECTIONS) else {
        return part;
    };
    if let Some(n) = f.value("andon") {
        let span = r.span(n);
        part.version = r
            .int(n, "the format version `andon`", 1, 1)
            .map(|v| Spanned::new(v as u32, span));
    }
    if let Some(n) = f.value("plant") {
        part.plant = plant(r, n);
    }
    part.states = each(r, f.get("states"), "states", state);
    part.people = each(r, f.get("people"), "people", person);
    part.roles = each(r, f.get("roles"), "roles", role);
    part.systems = each(r, f.get("systems"), "systems", system);
    part.identities = each(r, f.get("identities"), "identities", identity);
    part.rules = each(r, f.get("authority"), "authority", rule);
    part
}

fn each<T>(
    r: &mut Reader,
    node: Option<&Node>,
    what: &str,
    read: fn(&mut Reader, &Node) -> Option<T>,
) -> Vec<T> {
    let Some(node) = node else { return Vec::new() };
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|n| read(r, n)).collect(),
        Value::Null => Vec::new(),
        _ => {
            r.error(BAD_VALUE, node, format!("expected a list for `{what}`"));
            Vec::new()
        }
    }
}

fn allow(r: &mut Reader, f: &Fields) -> Vec<Allow> {
    let Some(lint) = f.value("lint") else {
        return Vec::new();
    };
    let Some(lf) = r.fields(lint, "`lint`", &["allow"]) else {
        return Vec::new();
    };
    let Some(list) = lf.value("allow") else {
        return Vec::new();
    };
    let items = r.list(list, "`lint.allow`");
    let mut out = Vec::new();
    for n in items {
        let Some(af) = r.fields(n, "a suppression", &["rule", "reason", "until"]) else {
            continue;
        };
        let Some(rule) = r
            .required(&af, "rule", "a suppression")
            .and_then(|n| r.spanned_text(n, "`rule`"))
        else {
            continue;
        };
        let reason = af
            .value("reason")
            .and_then(|n| r.spanned_text(n, "`reason`"));
        let until = af.value("until").and_then(|n| r.date(n, "`until`"));
        out.push(Allow {
            rule,
            reason,
            until,
            span: r.span(n),
        });
    }
    out
}

fn plant(r: &mut Reader, n: &Node) -> Option<Plant> {
    let f = r.fields(n, "`plant`", &["id", "name", "timezone"])?;
    let id = r
        .required(&f, "id", "`plant`")
        .and_then(|n| r.id(n, "the plant id"));
    let name = r.opt_text(&f, "name", "the plant name");
    let tz_node = r.required(&f, "timezone", "`plant`");
    let timezone = tz_node.and_then(|n| {
        let text = r.raw(n, "`timezone`")?;
        match text.parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(Spanned::new(tz, r.span(n))),
            Err(_) => {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
                let help = match super::read::nearest(&text, names) {
                    Some(hint) => format!("did you mean `{hint}`?"),
                    None => "use an IANA time zone name such as `Europe/Paris`".to_owned(),
                };
                r.error_help(BAD_VALUE, n, format!("unknown time zone `{text}`"), help);
                None
            }
        }
    });
    // A bad time zone is already reported; keep the plant so the rest of
    // the load is still checked.
    let timezone = timezone.unwrap_or_else(|| Spanned::new(chrono_tz::UTC, r.span(n)));
    Some(Plant {
        id: id?,
        name,
        timezone,
        span: r.span(n),
    })
}

fn state(r: &mut Reader, n: &Node) -> Option<State> {
    let f = r.fields(
        n,
        "a state",
        &[
            "id",
            "name",
            "default",
            "emergency",
            "lockout",
            "declare",
            "lint",
        ],
    )?;
    let id = r
        .required(&f, "id", "a state")
        .and_then(|n| r.id(n, "a state id"));
    let name = r.opt_text(&f, "name", "a state name");
    let default = r.opt_bool(&f, "default", "`default`").unwrap_or(false);
    let emergency = r.opt_bool(&f, "emergency", "`emergency`").unwrap_or(false);
    let lockout = f
        .value("lockout")
        .map(|n| r.id_list(n, "a system id"))
        .unwrap_or_default();
    let declare = f
        .value("declare")
        .map(|n| chain(r, n, "`declare`"))
        .unwrap_or_default();
    let allow = allow(r, &f);
    let id = id?;
    if id.value == "default" {
        r.error_help(
            BAD_VALUE,
            n,
            "a state cannot be called `default`",
            "`default` is the key for every other state in an identity's `access`; choose another id",
        );
        return None;
    }
    Some(State {
        id,
        name,
        default,
        emergency,
        lockout,
        declare,
        allow,
        span: r.span(n),
    })
}

fn person(r: &mut Reader, n: &Node) -> Option<Person> {
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

fn role(r: &mut Reader, n: &Node) -> Option<Role> {
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
    let members = f
        .value("members")
        .map(|n| r.id_list(n, "a person id"))
        .unwrap_or_default();
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

fn system(r: &mut Reader, n: &Node) -> Option<System> {
    let known = [
        "id",
        "name",
        "zone",
        "level",
        "criticality",
        "owner",
        "depends_on",
        "safe_state",
        "lint",
    ];
    let f = r.fields(n, "a system", &known)?;
    let id = r
        .required(&f, "id", "a system")
        .and_then(|n| r.id(n, "a system id"));
    let name = r.opt_text(&f, "name", "a system name");
    let zone = f
        .value("zone")
        .and_then(|n| r.word(n, "zone", Zone::NAMES, Zone::parse));
    let level = f
        .value("level")
        .and_then(|n| r.int(n, "the Purdue `level`", 0, 5))
        .map(|l| l as u8);
    let criticality = r
        .required(&f, "criticality", "a system")
        .and_then(|n| r.word(n, "criticality", Criticality::NAMES, Criticality::parse));
    let owner = f.value("owner").and_then(|n| r.id(n, "a role id"));
    let depends_on = f
        .value("depends_on")
        .map(|n| r.id_list(n, "a system id"))
        .unwrap_or_default();
    let safe_state = r.opt_text(&f, "safe_state", "`safe_state`");
    let allow = allow(r, &f);
    // A bad criticality is already reported; keep the system for the other checks.
    let criticality = criticality.unwrap_or(Criticality::Low);
    Some(System {
        id: id?,
        name,
        zone,
        level,
        criticality,
        owner,
        depends_on,
        safe_state,
        allow,
        span: r.span(n),
    })
}

fn identity(r: &mut Reader, n: &Node) -> Option<Identity> {
    let known = [
        "id",
        "kind",
        "name",
        "owner",
        "vendor",
        "purpose",
        "access",
        "serves",
        "credential",
        "last_used",
        "labels",
        "lint",
    ];
    let f = r.fields(n, "an identity", &known)?;
    let id = r
        .required(&f, "id", "an identity")
        .and_then(|n| r.id(n, "an identity id"));
    let kind = r
        .required(&f, "kind", "an identity")
        .and_then(|n| r.spanned_word(n, "identity kind", IdentityKind::NAMES, IdentityKind::parse));
    let name = r.opt_text(&f, "name", "an identity name");
    let owner = f.value("owner").and_then(|n| r.id(n, "a role id"));
    let vendor = f
        .value("vendor")
        .and_then(|n| r.spanned_text(n, "`vendor`"));
    let purpose = r.opt_text(&f, "purpose", "`purpose`");
    let access = f.value("access").map(|n| access(r, n)).unwrap_or_default();
    let serves = f.get("serves").map(|n| r.id_list(n, "a system id"));
    let credential = f.value("credential").and_then(|n| credential(r, n));
    let last_used = f.value("last_used").and_then(|n| r.date(n, "`last_used`"));
    let labels = f.value("labels").map(|n| labels(r, n)).unwrap_or_default();
    let allow = allow(r, &f);
    // A bad kind is already reported; keep the identity so that its
    // references are still checked.
    let kind = kind.unwrap_or_else(|| Spanned::new(IdentityKind::Human, r.span(n)));
    if kind.value == IdentityKind::VendorSession && vendor.is_none() {
        r.error(
            BAD_VALUE,
            n,
            "missing `vendor` in an identity of kind `vendor-session`",
        );
    }
    Some(Identity {
        id: id?,
        kind,
        name,
        owner,
        vendor,
        purpose,
        access,
        serves,
        credential,
        last_used,
        labels,
        allow,
        span: r.span(n),
    })
}

fn access(r: &mut Reader, n: &Node) -> Vec<Access> {
    let Value::Map(entries) = &n.value else {
        r.error(
            BAD_VALUE,
            n,
            "expected a mapping of system id to access level for `access`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let Some(system) = r.id(key, "a system id") else {
            continue;
        };
        let level = |r: &mut Reader, n: &Node| {
            r.word(n, "access level", AccessLevel::NAMES, AccessLevel::parse)
        };
        match &value.value {
            Value::Map(levels) => {
                let mut default = AccessLevel::None;
                let mut states = Vec::new();
                for (state, l) in levels {
                    let Some(state) = r.id(state, "a state id") else {
                        continue;
                    };
                    let Some(l) = level(r, l) else { continue };
                    if state.value == "default" {
                        default = l;
                    } else {
                        states.push((state, l));
                    }
                }
                out.push(Access {
                    system,
                    default,
                    states,
                    span: r.span(key),
                });
            }
            _ => {
                if let Some(default) = level(r, value) {
                    out.push(Access {
                        system,
                        default,
                        states: Vec::new(),
                        span: r.span(key),
                    });
                }
            }
        }
    }
    out
}

fn credential(r: &mut Reader, n: &Node) -> Option<Credential> {
    let known = [
        "type",
        "rotation",
        "last_rotated",
        "expires",
        "storage",
        "origin",
        "shared_with",
    ];
    let f = r.fields(n, "`credential`", &known)?;
    Some(Credential {
        kind: f.value("type").and_then(|n| {
            r.word(
                n,
                "credential type",
                CredentialType::NAMES,
                CredentialType::parse,
            )
        }),
        rotation: f
            .value("rotation")
            .and_then(|n| r.duration_within(n, "`rotation`", Duration::ZERO, MAX_ROTATION_DAYS)),
        last_rotated: f
            .value("last_rotated")
            .and_then(|n| r.date(n, "`last_rotated`")),
        expires: f.value("expires").and_then(|n| r.moment(n, "`expires`")),
        storage: f
            .value("storage")
            .and_then(|n| r.spanned_word(n, "storage", Storage::NAMES, Storage::parse)),
        origin: f
            .value("origin")
            .and_then(|n| r.spanned_word(n, "origin", Origin::NAMES, Origin::parse)),
        shared_with: f
            .value("shared_with")
            .map(|n| r.id_list(n, "an identity id"))
            .unwrap_or_default(),
        span: r.span(n),
    })
}

fn labels(r: &mut Reader, n: &Node) -> Vec<(Text, Text)> {
    let Value::Map(entries) = &n.value else {
        r.error(
            BAD_VALUE,
            n,
            "expected a mapping of label names to values for `labels`",
        );
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| Some((r.text(k, "a label name")?, r.text(v, "a label value")?)))
        .collect()
}

/// A chain of levels (`decide` or a state's `declare`).
fn chain(r: &mut Reader, n: &Node, what: &str) -> Vec<Level> {
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

fn rule(r: &mut Reader, n: &Node) -> Option<Rule> {
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
