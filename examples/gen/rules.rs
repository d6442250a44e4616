//! Authority rules: their model, their YAML, and the plant-wide rule families.

use std::collections::HashSet;
use std::io::{self, Write};

use crate::identities::{
    AI_AGENT, API_KEY, CERTIFICATE, HUMAN, KINDS, PLC_CREDENTIAL, SERVICE_ACCOUNT, SSH_KEY, TOKEN,
    VENDOR_SESSION, VENDORS,
};
use crate::line_rules::line_rules;
use crate::plant::Plant;
use crate::rng::Rng;
use crate::roles::{
    IT_MANAGER, IT_ONCALL, OT_ENGINEERING, OT_MANAGER, SAFETY_OFFICER, SECURITY_ONCALL, SHIFT_LEAD,
    VENDOR_MANAGER,
};
use crate::yaml::{flow_list, sc};

pub enum Target {
    Role(String),
    Person(String),
}

pub struct Level {
    pub target: Target,
    pub after: Option<&'static str>,
}

pub fn role(p: &Plant, r: usize, after: &'static str) -> Level {
    Level {
        target: Target::Role(p.role(r).into()),
        after: Some(after),
    }
}

pub fn person(id: &str, after: &'static str) -> Level {
    Level {
        target: Target::Person(id.into()),
        after: Some(after),
    }
}

#[derive(Default)]
pub struct Decide {
    pub levels: Vec<Level>,
    pub repeat: u8,
    pub consult: Vec<Target>,
    pub two_person: bool,
    pub pre_approved: bool,
    pub preconditions: Vec<String>,
}

pub enum Body {
    Decide(Decide),
    Forbid(String),
}

pub struct Rule {
    pub id: String,
    /// The inside of the `match` flow mapping.
    pub matcher: String,
    pub states: Option<&'static [&'static str]>,
    pub actions: &'static [&'static str],
    pub body: Body,
}

pub fn decide(levels: Vec<Level>) -> Body {
    Body::Decide(Decide {
        levels,
        ..Decide::default()
    })
}

pub fn with(body: Body, f: impl FnOnce(&mut Decide)) -> Body {
    match body {
        Body::Decide(mut d) => {
            f(&mut d);
            Body::Decide(d)
        }
        forbid => forbid,
    }
}

/// Every state but `emergency`: kind-specific line rules step aside there, so
/// the line's pre-approved emergency rule applies.
pub const NOT_EMERGENCY: &[&str] = &["normal", "commissioning", "maintenance", "vendor-support"];
pub const STOP: &[&str] = &["pause", "disconnect", "revoke"];
pub const CHANGE: &[&str] = &["rotate", "constrain", "restore", "override"];

pub fn target_text(t: &Target) -> String {
    match t {
        Target::Role(r) => format!("role: {r}"),
        Target::Person(p) => format!("person: {p}"),
    }
}

pub fn write_rule(w: &mut impl Write, r: &Rule) -> io::Result<()> {
    writeln!(w, "  - id: {}", r.id)?;
    if r.matcher.is_empty() {
        writeln!(w, "    match: {{}}")?;
    } else {
        writeln!(w, "    match: {{ {} }}", r.matcher)?;
    }
    if let Some(states) = r.states {
        writeln!(w, "    states: {}", flow_list(states))?;
    }
    writeln!(w, "    actions: {}", flow_list(r.actions))?;
    match &r.body {
        Body::Forbid(reason) => writeln!(w, "    forbid: {}", sc(reason))?,
        Body::Decide(d) => {
            writeln!(w, "    decide:")?;
            for level in &d.levels {
                match level.after {
                    Some(a) => writeln!(
                        w,
                        "      - {{ {}, after: {a} }}",
                        target_text(&level.target)
                    )?,
                    None => writeln!(w, "      - {{ {} }}", target_text(&level.target))?,
                }
            }
            if d.repeat > 0 {
                writeln!(w, "    repeat: {}", d.repeat)?;
            }
            if !d.consult.is_empty() {
                let items: Vec<String> = d
                    .consult
                    .iter()
                    .map(|t| format!("{{ {} }}", target_text(t)))
                    .collect();
                writeln!(w, "    consult: [{}]", items.join(", "))?;
            }
            if d.two_person {
                writeln!(w, "    two_person: true")?;
            }
            if d.pre_approved {
                writeln!(w, "    pre_approved: true")?;
            }
            if !d.preconditions.is_empty() {
                writeln!(w, "    preconditions:")?;
                for pc in &d.preconditions {
                    writeln!(w, "      - {}", sc(pc))?;
                }
            }
        }
    }
    Ok(())
}

/// Every rule, most important first; the caller keeps the first `--rules`.
///
/// Families are laid out so that two rules that can match the same identity,
/// action and state differ in specificity: kind rules split actions, line
/// rules name disjoint systems (an identity touches at most one line), kind
/// sub-rules name disjoint kinds, and each identity is pinned at most once.
pub fn build_rules(p: &Plant, want: usize) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let ot_lead = p.lead(OT_MANAGER).to_string();
    let it_lead = p.lead(IT_MANAGER).to_string();
    let safety_lead = p.lead(SAFETY_OFFICER).to_string();
    let kind_match = |k: usize| format!("kind: {}", KINDS[k]);

    // Base: two rules per kind (stopping it, changing it).
    for (k, kind) in KINDS.iter().enumerate() {
        let stop = match k {
            HUMAN => vec![role(p, SHIFT_LEAD, "10m"), role(p, SECURITY_ONCALL, "10m")],
            SERVICE_ACCOUNT => vec![role(p, OT_ENGINEERING, "15m"), role(p, IT_ONCALL, "15m")],
            API_KEY | CERTIFICATE => {
                vec![role(p, IT_ONCALL, "15m"), role(p, SECURITY_ONCALL, "10m")]
            }
            PLC_CREDENTIAL => vec![role(p, SHIFT_LEAD, "10m"), role(p, OT_ENGINEERING, "15m")],
            VENDOR_SESSION => vec![
                role(p, SHIFT_LEAD, "5m"),
                role(p, SECURITY_ONCALL, "10m"),
                person(&ot_lead, "15m"),
            ],
            AI_AGENT => vec![role(p, OT_ENGINEERING, "10m"), role(p, IT_ONCALL, "15m")],
            SSH_KEY => vec![role(p, SECURITY_ONCALL, "10m"), role(p, IT_ONCALL, "15m")],
            _ => vec![role(p, IT_ONCALL, "15m")],
        };
        let mut body = decide(stop);
        if k == VENDOR_SESSION {
            body = with(body, |d| {
                d.repeat = 1;
                d.consult = vec![Target::Role(p.role(VENDOR_MANAGER).into())];
            });
        }
        rules.push(Rule {
            id: format!("{kind}-stop"),
            matcher: kind_match(k),
            states: None,
            actions: STOP,
            body,
        });
        let change = match k {
            PLC_CREDENTIAL | HUMAN => vec![role(p, OT_ENGINEERING, "15m"), person(&ot_lead, "20m")],
            VENDOR_SESSION => vec![role(p, VENDOR_MANAGER, "30m")],
            AI_AGENT | SERVICE_ACCOUNT => vec![role(p, OT_ENGINEERING, "20m")],
            _ => vec![role(p, IT_ONCALL, "30m"), person(&it_lead, "30m")],
        };
        let body = with(decide(change), |d| {
            if k == PLC_CREDENTIAL {
                d.preconditions = vec![
                    "Agree a window with the shift lead; a PLC password change needs a download"
                        .into(),
                ];
            }
        });
        rules.push(Rule {
            id: format!("{kind}-change"),
            matcher: kind_match(k),
            states: None,
            actions: CHANGE,
            body,
        });
    }
    let l1 = &p.lines[0];
    let mut lockout = vec![p.sys(l1.sys).to_string(), p.sys(l1.drives).to_string()];
    lockout.extend(l1.robots.iter().map(|&r| p.sys(r).to_string()));
    rules.push(Rule {
        id: "no-remote-override-in-loto".into(),
        matcher: format!("system: {}", flow_list(&lockout)),
        states: Some(&["maintenance"]),
        actions: &["override"],
        body: Body::Forbid(
            "Lockout/tagout in effect; only the lockout holder on site may override".into(),
        ),
    });
    rules.push(Rule {
        id: "vendor-session-emergency".into(),
        matcher: kind_match(VENDOR_SESSION),
        states: Some(&["emergency"]),
        actions: STOP,
        body: with(
            decide(vec![
                role(p, SHIFT_LEAD, "2m"),
                role(p, SECURITY_ONCALL, "5m"),
            ]),
            |d| {
                d.pre_approved = true;
            },
        ),
    });

    // Emergency: quick, pre-approved stops for every other kind.
    for (k, kind) in KINDS.iter().enumerate() {
        if k == VENDOR_SESSION {
            continue;
        }
        let first = if matches!(k, PLC_CREDENTIAL | HUMAN | AI_AGENT) {
            SHIFT_LEAD
        } else {
            SECURITY_ONCALL
        };
        rules.push(Rule {
            id: format!("{kind}-emergency"),
            matcher: kind_match(k),
            states: Some(&["emergency"]),
            actions: STOP,
            body: with(
                decide(vec![role(p, first, "3m"), person(&safety_lead, "5m")]),
                |d| {
                    d.pre_approved = true;
                    d.repeat = 2;
                    if k == PLC_CREDENTIAL {
                        d.preconditions = vec![
                            "Check the line is in a safe state before pausing its PLC login".into(),
                        ];
                    }
                },
            ),
        });
    }
    // Things nobody may do.
    rules.push(Rule {
        id: "plc-no-rotate-in-production".into(),
        matcher: kind_match(PLC_CREDENTIAL),
        states: Some(&["normal", "emergency"]),
        actions: &["rotate"],
        body: Body::Forbid(
            "Rotating a PLC password means a project download; rotate in maintenance or commissioning".into(),
        ),
    });
    rules.push(Rule {
        id: "ai-agent-no-restore-in-emergency".into(),
        matcher: kind_match(AI_AGENT),
        states: Some(&["emergency"]),
        actions: &["restore"],
        body: Body::Forbid("AI agents stay paused until the incident is closed".into()),
    });
    rules.push(Rule {
        id: "vendor-restore-only-in-support".into(),
        matcher: kind_match(VENDOR_SESSION),
        states: Some(&["normal", "commissioning", "maintenance", "emergency"]),
        actions: &["restore"],
        body: Body::Forbid("Vendor access is restored only in the vendor-support state".into()),
    });
    rules.push(Rule {
        id: "no-override-fire-gas".into(),
        matcher: format!("system: {}", p.sys(p.core.fire_gas)),
        states: None,
        actions: &["override"],
        body: Body::Forbid(
            "The fire and gas system is never overridden remotely; call the site fire brigade"
                .into(),
        ),
    });
    // IT-ish kinds inside the OT zone: OT engineering decides first.
    for k in [SERVICE_ACCOUNT, CERTIFICATE, SSH_KEY, TOKEN, API_KEY] {
        let levels = vec![role(p, OT_ENGINEERING, "10m"), role(p, SHIFT_LEAD, "10m")];
        rules.push(Rule {
            id: format!("{}-in-ot", KINDS[k]),
            matcher: format!("{}, zone: ot", kind_match(k)),
            states: None,
            actions: STOP,
            body: with(decide(levels), |d| {
                d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
            }),
        });
    }
    rules.push(Rule {
        id: "safety-plc-credentials".into(),
        matcher: "kind: plc-credential, zone: ot, criticality: safety".into(),
        states: Some(NOT_EMERGENCY),
        actions: &["pause", "revoke", "override"],
        body: with(
            decide(vec![
                role(p, SHIFT_LEAD, "5m"),
                role(p, SAFETY_OFFICER, "10m"),
            ]),
            |d| {
                d.two_person = true;
                d.consult = vec![Target::Role(p.role(OT_ENGINEERING).into())];
                d.preconditions = vec![
                    "Confirm with the area operator that the cell is stopped and the gate closed"
                        .into(),
                    "Never bypass the safety PLC to keep production running".into(),
                ];
            },
        ),
    });
    for v in VENDORS {
        let slug = v.to_ascii_lowercase().replace(' ', "-");
        rules.push(Rule {
            id: format!("vendor-{slug}"),
            matcher: format!("kind: vendor-session, vendor: {}", sc(v)),
            states: Some(&["normal", "vendor-support"]),
            actions: &["disconnect", "pause", "revoke"],
            body: with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, VENDOR_MANAGER, "15m"),
                ]),
                |d| {
                    d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
                },
            ),
        });
    }
    let core_ids: Vec<&str> = p.core.all.iter().map(|&s| p.sys(s)).collect();
    for k in [API_KEY, TOKEN, SSH_KEY] {
        rules.push(Rule {
            id: format!("core-{}", KINDS[k]),
            matcher: format!("system: {}, {}", flow_list(&core_ids), kind_match(k)),
            states: None,
            actions: &["pause", "revoke", "rotate"],
            body: decide(vec![
                role(p, IT_ONCALL, "10m"),
                role(p, SECURITY_ONCALL, "10m"),
            ]),
        });
    }

    // Pins: a few notable identities get their own chain.
    let mut pinned = HashSet::new();
    let mut pin_rng = Rng::new(p.seed, 2);
    let pin = |rules: &mut Vec<Rule>, pinned: &mut HashSet<usize>, rng: &mut Rng| -> bool {
        let n = p.identities;
        if pinned.len() >= n {
            return false;
        }
        let mut i = rng.below(n);
        while !pinned.insert(i) {
            i = rng.below(n);
        }
        let x = p.identity(i);
        // Grouped with its next siblings of the same kind and home (the id
        // without its number), e.g. two certificates of one line's PLC.
        let family = x.id.rsplit_once('-').map_or("", |(f, _)| f);
        let want = rng.range(1, 3);
        let mut ids = vec![x.id.clone()];
        for j in i + 1..n.min(i + 1000) {
            if ids.len() >= want {
                break;
            }
            let y = p.identity(j);
            if y.id.rsplit_once('-').map_or("", |(f, _)| f) == family && pinned.insert(j) {
                ids.push(y.id);
            }
        }
        let lead = &p.people[p.roles[x.owner].members[0]];
        rules.push(Rule {
            id: format!("exception-{}", ids[0]),
            matcher: format!("identity: {}", flow_list(&ids)),
            states: None,
            actions: &[
                "pause",
                "revoke",
                "disconnect",
                "rotate",
                "constrain",
                "restore",
                "override",
            ],
            body: with(
                decide(vec![person(&lead.id, "10m"), role(p, x.owner, "10m")]),
                |d| {
                    d.two_person = rng.pct(30);
                    d.preconditions = vec![format!(
                        "Call {} first; this credential has a documented exception",
                        lead.name
                    )];
                },
            ),
        });
        true
    };
    for _ in 0..5 {
        pin(&mut rules, &mut pinned, &mut pin_rng);
    }

    // Per line, family by family, so a truncated list still spreads evenly.
    // One line in eight (line 4, 12, ...) has no rules of its own yet and
    // runs on the plant-wide ones above.
    let line_families: usize = 18;
    for family in 0..line_families {
        for (_, l) in p.lines.iter().enumerate().filter(|(n, _)| n % 8 != 3) {
            if rules.len() >= want {
                break;
            }
            line_rules(p, l, family, &mut rules);
        }
    }
    while rules.len() < want && pin(&mut rules, &mut pinned, &mut pin_rng) {}
    rules.truncate(want);
    rules
}
