//! Authority rules for one production line.

use crate::identities::{API_KEY, KINDS, SSH_KEY, TOKEN};
use crate::plant::Plant;
use crate::roles::{
    IT_ONCALL, OT_ENGINEERING, OT_MANAGER, SAFETY_OFFICER, SECURITY_ONCALL, SHIFT_LEAD,
    VENDOR_MANAGER,
};
use crate::rules::{Body, NOT_EMERGENCY, Rule, STOP, Target, decide, person, role, with};
use crate::systems::Line;
use crate::yaml::{flow_list, sc};

pub fn line_rules(p: &Plant, l: &Line, family: usize, rules: &mut Vec<Rule>) {
    let lid = p.sys(l.sys);
    let label = &l.label;
    let all: Vec<&str> = l.all.iter().map(|&s| p.sys(s)).collect();
    let systems = format!("system: {}", flow_list(&all));
    let eng = l.eng_role;
    let eng_lead = p.lead(eng).to_string();
    let mut push = |id: String, matcher: String, states, actions, body| {
        rules.push(Rule {
            id,
            matcher,
            states,
            actions,
            body,
        });
    };
    match family {
        0 => push(
            format!("{lid}-stop"),
            systems,
            None,
            STOP,
            with(
                decide(vec![role(p, eng, "10m"), role(p, SHIFT_LEAD, "10m")]),
                |d| {
                    d.repeat = 1;
                    d.preconditions = vec![format!("Put line {label} in manual at the HMI")];
                },
            ),
        ),
        1 => push(
            format!("{lid}-change"),
            systems,
            None,
            &["rotate", "constrain", "restore"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        2 => push(
            format!("{lid}-override"),
            systems,
            None,
            &["override"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, SAFETY_OFFICER, "10m"),
                ]),
                |d| {
                    d.two_person = true;
                    d.consult = vec![Target::Role(p.role(eng).into())];
                    d.preconditions = vec![format!(
                        "An operator is at the line {label} HMI before automation is overridden"
                    )];
                },
            ),
        ),
        3 => push(
            format!("{lid}-emergency"),
            systems,
            Some(&["emergency"]),
            &["pause", "disconnect", "revoke", "override"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "2m"),
                    role(p, SAFETY_OFFICER, "5m"),
                ]),
                |d| {
                    d.pre_approved = true;
                    d.repeat = 2;
                },
            ),
        ),
        4 => push(
            format!("{lid}-maintenance"),
            systems,
            Some(&["maintenance"]),
            &["pause", "revoke", "rotate", "restore"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        5 => push(
            format!("{lid}-plc-credentials"),
            format!("{systems}, kind: plc-credential"),
            Some(NOT_EMERGENCY),
            &["pause", "revoke", "override"],
            with(
                decide(vec![
                    role(p, eng, "10m"),
                    role(p, OT_ENGINEERING, "15m"),
                    person(p.lead(OT_MANAGER), "15m"),
                ]),
                |d| d.consult = vec![Target::Role(p.role(SAFETY_OFFICER).into())],
            ),
        ),
        6 => push(
            format!("{lid}-vendor-sessions"),
            format!("{systems}, kind: vendor-session"),
            Some(&["normal", "vendor-support"]),
            &["disconnect", "pause", "revoke"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, VENDOR_MANAGER, "10m"),
                ]),
                |d| {
                    d.consult = vec![Target::Person(eng_lead.clone())];
                },
            ),
        ),
        7 => push(
            format!("{lid}-service-accounts"),
            format!("{systems}, kind: service-account"),
            Some(NOT_EMERGENCY),
            &["pause", "revoke", "rotate"],
            decide(vec![role(p, eng, "15m"), role(p, OT_ENGINEERING, "15m")]),
        ),
        8 => {
            for (r, _) in l.robots.iter().enumerate() {
                push(
                    format!("{lid}-cell-r{}", r + 1),
                    format!(
                        "{systems}, kind: plc-credential, labels: {{ cell: r{} }}",
                        r + 1
                    ),
                    Some(NOT_EMERGENCY),
                    &["pause", "override"],
                    with(
                        decide(vec![role(p, eng, "5m"), role(p, SHIFT_LEAD, "10m")]),
                        |d| {
                            d.preconditions = vec![format!(
                                "Robot cell r{} on line {label} is stopped and its gate closed",
                                r + 1
                            )];
                        },
                    ),
                );
            }
        }
        9 => push(
            format!("{lid}-certificates"),
            format!("{systems}, kind: certificate"),
            Some(NOT_EMERGENCY),
            &["revoke", "rotate"],
            decide(vec![role(p, eng, "15m"), role(p, IT_ONCALL, "15m")]),
        ),
        10 => push(
            format!("{lid}-ai-agents-stay-paused"),
            format!("{systems}, kind: ai-agent"),
            Some(&["emergency", "maintenance"]),
            &["restore"],
            Body::Forbid(format!(
                "AI agents on line {label} stay paused until the line is back in production"
            )),
        ),
        12 => push(
            format!("{lid}-commissioning"),
            systems,
            Some(&["commissioning"]),
            &["pause", "revoke", "rotate", "restore"],
            with(
                decide(vec![role(p, OT_ENGINEERING, "10m"), role(p, eng, "15m")]),
                |d| {
                    d.preconditions = vec![format!(
                        "Check with the commissioning lead which line {label} trials are running"
                    )]
                },
            ),
        ),
        13 => push(
            format!("{lid}-vendor-support"),
            systems,
            Some(&["vendor-support"]),
            &["restore", "constrain"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "10m"),
                    role(p, VENDOR_MANAGER, "20m"),
                ]),
                |d| {
                    d.consult = vec![Target::Role(p.role(SECURITY_ONCALL).into())];
                },
            ),
        ),
        14 => push(
            format!("{lid}-ai-agents"),
            format!("{systems}, kind: ai-agent"),
            Some(NOT_EMERGENCY),
            &["pause", "constrain"],
            with(
                decide(vec![
                    role(p, SHIFT_LEAD, "5m"),
                    role(p, OT_ENGINEERING, "10m"),
                ]),
                |d| {
                    d.pre_approved = true; // the kill switch
                },
            ),
        ),
        15..=17 => {
            let (kind, actions): (usize, &'static [&'static str]) = match family {
                15 => (API_KEY, &["pause", "revoke", "rotate"]),
                16 => (TOKEN, &["pause", "revoke", "rotate"]),
                _ => (SSH_KEY, &["revoke", "rotate", "pause"]),
            };
            push(
                format!("{lid}-{}s", KINDS[kind]),
                format!(
                    "{systems}, kind: {}, labels: {{ line: {} }}",
                    KINDS[kind],
                    sc(label)
                ),
                None,
                actions,
                decide(vec![role(p, eng, "15m"), role(p, IT_ONCALL, "15m")]),
            )
        }
        _ => push(
            format!("{lid}-humans"),
            format!("{systems}, kind: human"),
            Some(NOT_EMERGENCY),
            &["disconnect", "pause"],
            with(decide(vec![role(p, SHIFT_LEAD, "10m")]), |d| {
                d.consult = vec![Target::Role(p.role(eng).into())];
            }),
        ),
    }
}
