//! Reading each top-level section of one file into model values.

mod authority;
mod people;
mod systems;

use super::read::{BAD_VALUE, CheckedMapping, Reader};
use super::tree::{Node, Value};
use crate::model::*;
use authority::{chain, rule};
use people::{person, role};
use systems::{identity, system};

/// What one file contributes; merged with the other files afterwards.
#[derive(Default)]
pub struct FileSections {
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
pub fn read_file(r: &mut Reader, root: &Node) -> FileSections {
    let mut part = FileSections::default();
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

fn allow(r: &mut Reader, f: &CheckedMapping) -> Vec<Allow> {
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
