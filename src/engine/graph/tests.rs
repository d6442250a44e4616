use super::*;
use crate::load::load_str;
use crate::model::{AccessLevel, Runbook};

const HEAD: &str = "andon: 1\nplant: { id: p, timezone: Europe/Paris }\n";
const STATES: &str = "states: [{ id: normal, default: true }]\n";

fn runbook(body: &str) -> Runbook {
    let text = format!("{HEAD}{STATES}{body}");
    match load_str("t.yaml", &text) {
        Ok(runbook) => runbook,
        Err(e) => panic!("{e}: {:?}", e.diagnostics),
    }
}

fn ids(runbook: &Runbook, systems: impl IntoIterator<Item = usize>) -> Vec<&str> {
    systems
        .into_iter()
        .map(|s| runbook.systems[s].id.value.as_str())
        .collect()
}

fn system(runbook: &Runbook, id: &str) -> usize {
    runbook.index.systems[id]
}

fn identity(runbook: &Runbook, id: &str) -> usize {
    runbook.index.identities[id]
}

#[test]
fn escalation_cycle_of_three_roles_gives_the_whole_path() {
    let rb = runbook(
        "roles:
  - { id: b, escalates_to: c }
  - { id: a, escalates_to: b }
  - { id: c, escalates_to: a }
  - { id: d, escalates_to: a }
",
    );
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.escalation_cycles(&rb),
        vec![vec!["a", "b", "c", "a"]]
    );
    assert!(g.escalation.backup_cycles(&rb).is_empty());
}

#[test]
fn backup_cycle_gives_the_whole_path_and_leaves_out_people_leading_into_it() {
    let rb = runbook(
        "people:
  - { id: carol, backup: alice }
  - { id: bob, backup: alice }
  - { id: alice, backup: bob }
",
    );
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.backup_cycles(&rb),
        vec![vec!["alice", "bob", "alice"]]
    );
    assert!(g.escalation.escalation_cycles(&rb).is_empty());
}

#[test]
fn role_escalating_to_itself_and_person_backing_up_themself_are_one_step_cycles() {
    let rb = runbook(
        "people: [{ id: alice, backup: alice }]
roles: [{ id: a, escalates_to: a }]
",
    );
    let g = Graphs::build(&rb);
    assert_eq!(g.escalation.escalation_cycles(&rb), vec![vec!["a", "a"]]);
    assert_eq!(
        g.escalation.backup_cycles(&rb),
        vec![vec!["alice", "alice"]]
    );
}

#[test]
fn several_cycles_are_sorted_and_each_starts_at_its_smallest_id() {
    let rb = runbook(
        "roles:
  - { id: z, escalates_to: w }
  - { id: w, escalates_to: z }
  - { id: m, escalates_to: k }
  - { id: k, escalates_to: m }
",
    );
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.escalation_cycles(&rb),
        vec![vec!["k", "m", "k"], vec!["w", "z", "w"]]
    );
}

const PLANT: &str = "systems:
  - { id: mes, criticality: high }
  - { id: line3, criticality: safety, depends_on: [mes] }
  - { id: packaging, criticality: high, depends_on: [line3] }
  - { id: historian, criticality: low }
  - { id: reports, criticality: low, depends_on: [historian] }
";

#[test]
fn impact_follows_a_depends_on_chain_breadth_first_from_what_the_identity_serves() {
    let rb = runbook(&format!(
        "{PLANT}identities: [{{ id: mes-svc, kind: service-account, serves: [mes] }}]\n"
    ));
    let g = Graphs::build(&rb);
    let impact = g.systems.impact(identity(&rb, "mes-svc"));
    assert_eq!(
        ids(&rb, impact.iter().map(|e| e.system)),
        ["mes", "line3", "packaging"]
    );
    let (mes, line3) = (system(&rb, "mes"), system(&rb, "line3"));
    assert_eq!(
        impact[0],
        ImpactEntry {
            system: mes,
            via: Via::Serves,
            depth: 0
        }
    );
    assert_eq!(
        impact[1],
        ImpactEntry {
            system: line3,
            via: Via::DependsOn(mes),
            depth: 1
        }
    );
    assert_eq!(impact[2].via, Via::DependsOn(line3));
    assert_eq!(impact[2].depth, 2);
}

#[test]
fn impact_lists_served_systems_first_in_their_order_then_dependents() {
    let rb = runbook(&format!(
        "{PLANT}identities: [{{ id: x, kind: token, serves: [historian, mes, historian] }}]\n"
    ));
    let g = Graphs::build(&rb);
    let impact = g.systems.impact(identity(&rb, "x"));
    assert_eq!(
        ids(&rb, impact.iter().map(|e| e.system)),
        ["historian", "mes", "reports", "line3", "packaging"]
    );
}

#[test]
fn impact_of_a_diamond_lists_each_system_once() {
    let rb = runbook(
        "systems:
  - { id: top, criticality: high, depends_on: [left, right] }
  - { id: left, criticality: high, depends_on: [base] }
  - { id: right, criticality: high, depends_on: [base] }
  - { id: base, criticality: high }
identities: [{ id: x, kind: token, serves: [base] }]
",
    );
    let g = Graphs::build(&rb);
    let impact = g.systems.impact(identity(&rb, "x"));
    assert_eq!(
        ids(&rb, impact.iter().map(|e| e.system)),
        ["base", "left", "right", "top"]
    );
    assert_eq!(impact[3].depth, 2);
    assert_eq!(impact[3].via, Via::DependsOn(system(&rb, "left")));
}

#[test]
fn impact_ends_on_a_dependency_cycle_which_is_reported_whole() {
    let rb = runbook(
        "systems:
  - { id: b, criticality: low, depends_on: [c] }
  - { id: a, criticality: low, depends_on: [b] }
  - { id: c, criticality: low, depends_on: [a] }
  - { id: d, criticality: low, depends_on: [d] }
identities: [{ id: x, kind: token, serves: [a] }]
",
    );
    let g = Graphs::build(&rb);
    let impact = g.systems.impact(identity(&rb, "x"));
    assert_eq!(ids(&rb, impact.iter().map(|e| e.system)), ["a", "c", "b"]);
    assert_eq!(
        g.systems.dependency_cycles(&rb),
        vec![vec!["a", "b", "c", "a"], vec!["d", "d"]]
    );
    assert_eq!(ids(&rb, g.systems.dependents(system(&rb, "a"))), ["c", "b"]);
}

#[test]
fn impact_is_empty_without_serves_or_for_an_unknown_identity() {
    let rb = runbook(&format!(
        "{PLANT}identities: [{{ id: x, kind: token, access: {{ mes: write }} }}]\n"
    ));
    let g = Graphs::build(&rb);
    assert!(g.systems.impact(identity(&rb, "x")).is_empty());
    assert!(g.systems.impact(99).is_empty());
    assert!(g.systems.impact(usize::MAX).is_empty());
    assert!(g.systems.compromise_reach(usize::MAX).is_empty());
    assert!(g.systems.dependents(usize::MAX).is_empty());
}

#[test]
fn dependents_are_transitive_breadth_first_without_the_system_itself() {
    let rb = runbook(PLANT);
    let g = Graphs::build(&rb);
    assert_eq!(
        ids(&rb, g.systems.dependents(system(&rb, "mes"))),
        ["line3", "packaging"]
    );
    assert!(g.systems.dependents(system(&rb, "packaging")).is_empty());
}

#[test]
fn compromise_reach_gives_highest_level_with_its_states_and_spreads_only_from_write_or_control() {
    let text = format!(
            "{HEAD}states: [{{ id: normal, default: true }}, {{ id: maintenance }}, {{ id: vendor-support }}]
{PLANT}identities:
  - id: x
    kind: vendor-session
    vendor: Acme
    access:
      historian: read
      line3: {{ default: none, maintenance: control }}
      mes: {{ default: write, vendor-support: read }}
      reports: none
"
        );
    let rb = load_str("t.yaml", &text).expect("loads");
    let g = Graphs::build(&rb);
    let reach = g.systems.compromise_reach(identity(&rb, "x"));
    assert_eq!(
        ids(&rb, reach.iter().map(|e| e.system)),
        ["historian", "line3", "mes", "packaging"]
    );
    let state = |id: &str| rb.index.states[id];
    assert_eq!(reach[0].level, Some(AccessLevel::Read));
    assert_eq!(reach[0].states.len(), 3);
    assert_eq!(reach[1].level, Some(AccessLevel::Control));
    assert_eq!(reach[1].states, [state("maintenance")]);
    assert_eq!(reach[2].level, Some(AccessLevel::Write));
    assert_eq!(reach[2].states, [state("normal"), state("maintenance")]);
    let packaging = &reach[3];
    assert_eq!((packaging.level, packaging.depth), (None, 1));
    assert_eq!(packaging.via, Via::DependsOn(system(&rb, "line3")));
    // `reports` depends on `historian`, where x can only read.
    assert!(!reach.iter().any(|e| e.system == system(&rb, "reports")));
    // The drawn graph holds the systems and their `depends_on` alone.
    let graph = g.systems.graph();
    assert_eq!(graph.node_count(), rb.systems.len());
    assert!(graph.edge_weights().all(|e| *e == SysEdge::DependsOn));
}

const PEOPLE: &str = "people:
  - { id: alice, backup: bob }
  - { id: bob }
  - { id: chen, active: false, backup: dana }
  - { id: dana }
  - { id: erin }
  - { id: frank }
";

#[test]
fn people_reachable_from_role_follow_members_escalation_and_backups_but_list_no_inactive() {
    let rb = runbook(&format!(
        "{PEOPLE}roles:
  - {{ id: shift-lead, members: [alice, alice], escalates_to: manager }}
  - {{ id: manager, members: [chen] }}
  - {{ id: other, members: [erin] }}
"
    ));
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.people_reachable_from_role("shift-lead"),
        ["alice", "bob", "dana"]
    );
    assert_eq!(g.escalation.people_reachable_from_role("manager"), ["dana"]);
    assert!(g.escalation.people_reachable_from_role("nobody").is_empty());
    let members = g
        .escalation
        .graph()
        .edge_weights()
        .filter(|e| **e == EscEdge::Member)
        .count();
    assert_eq!(members, 3, "a member listed twice is one edge");
}

#[test]
fn role_with_a_schedule_reaches_only_the_people_it_puts_on_call() {
    let rb = runbook(&format!(
        "{PEOPLE}roles:
  - id: shift-lead
    members: [erin, frank]
    schedule:
      layers: [{{ rotation: [frank, dana], shift: 8h, start: 2026-01-05T06:00 }}]
      overrides: [{{ person: bob, from: 2026-11-23T06:00, to: 2026-11-24T06:00 }}]
"
    ));
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.people_reachable_from_role("shift-lead"),
        ["bob", "dana", "frank"]
    );
}

#[test]
fn people_reachable_from_rule_escalate_only_from_the_last_level() {
    let rb = runbook(&format!(
        "{PEOPLE}roles:
  - {{ id: first, members: [erin], escalates_to: skipped }}
  - {{ id: skipped, members: [frank] }}
  - {{ id: last, members: [dana], escalates_to: top }}
  - {{ id: top, members: [alice] }}
authority:
  - id: r
    actions: [pause]
    decide: [{{ role: first, after: 5m }}, {{ person: chen, after: 5m }}, {{ role: last }}]
  - {{ id: f, actions: [override], forbid: no }}
"
    ));
    let g = Graphs::build(&rb);
    assert_eq!(
        g.escalation.people_reachable_from_rule(0),
        ["alice", "bob", "dana", "erin"]
    );
    assert!(g.escalation.people_reachable_from_rule(1).is_empty());
    assert!(g.escalation.people_reachable_from_rule(7).is_empty());
}

#[test]
fn articulation_people_are_lone_deciders_and_both_deciders_of_a_thin_two_person_rule() {
    let rb = runbook(&format!(
        "{PEOPLE}roles:
  - {{ id: solo, members: [erin] }}
  - {{ id: covered, members: [alice] }}
  - {{ id: pair, members: [erin, frank] }}
authority:
  - {{ id: lone, actions: [pause], decide: [{{ role: solo }}] }}
  - {{ id: lone-too, actions: [revoke], decide: [{{ person: erin }}, {{ role: solo }}] }}
  - {{ id: backed-up, actions: [pause], decide: [{{ role: covered }}] }}
  - {{ id: inactive-first, actions: [pause], decide: [{{ person: chen }}] }}
  - {{ id: two, actions: [disconnect], two_person: true, decide: [{{ role: pair }}] }}
  - {{ id: one-needed, actions: [rotate], decide: [{{ role: pair }}] }}
"
    ));
    let g = Graphs::build(&rb);
    let expected = vec![
        ("dana".to_owned(), vec!["inactive-first".to_owned()]),
        (
            "erin".to_owned(),
            vec!["lone".to_owned(), "lone-too".to_owned(), "two".to_owned()],
        ),
        ("frank".to_owned(), vec!["two".to_owned()]),
    ];
    assert_eq!(g.escalation.articulation_people(&rb), expected);
}

#[test]
fn build_skips_references_the_loader_would_reject() {
    let mut rb = runbook(&format!(
        "{PEOPLE}{PLANT}roles: [{{ id: a, members: [alice] }}]
identities: [{{ id: x, kind: token, serves: [mes], access: {{ mes: write }} }}]
authority: [{{ id: r, actions: [pause], decide: [{{ role: a }}] }}]
"
    ));
    let ghost = |s: &str| {
        crate::model::Spanned::new(crate::model::Text::from(s), crate::model::Span::default())
    };
    rb.people[0].backup = Some(ghost("ghost"));
    rb.roles[0].members.push(ghost("ghost"));
    rb.roles[0].escalates_to = Some(ghost("ghost"));
    rb.systems[1].depends_on.push(ghost("ghost"));
    rb.identities[0].serves = Some(vec![ghost("ghost"), ghost("mes")]);
    rb.index.people.insert("ghost".into(), 1000);
    let g = Graphs::build(&rb);
    assert_eq!(g.escalation.people_reachable_from_rule(0), ["alice"]);
    assert_eq!(
        ids(&rb, g.systems.impact(0).iter().map(|e| e.system)),
        ["mes", "line3", "packaging"]
    );
    assert!(g.escalation.escalation_cycles(&rb).is_empty());
}

const DRAWN: &str = "people:
  - { id: alice, name: \"Alice \\\"Al\\\" <Martin> & co\", backup: bob }
  - { id: bob, active: false }
roles:
  - { id: shift-lead, name: OT shift lead, members: [alice], escalates_to: \"x#1\" }
  - id: \"x#1\"
    members: [bob]
    schedule: { layers: [{ rotation: [bob], shift: 8h, start: 2026-01-05T06:00 }] }
authority:
  - { id: vendor-sessions, actions: [pause], decide: [{ role: shift-lead, after: 5m }, { person: bob }] }
";

#[test]
fn dot_draws_people_roles_levels_and_labelled_edges_with_escaped_text() {
    let rb = runbook(DRAWN);
    let dot = Graphs::build(&rb).escalation.to_dot(&rb);
    assert!(dot.starts_with("digraph escalation {"), "{dot}");
    assert!(dot.contains(
        "p0 [shape=ellipse, label=<Alice &quot;Al&quot; &lt;Martin&gt; &amp; co<br/>alice>];"
    ));
    assert!(dot.contains("p1 [shape=ellipse, style=dashed, label=<bob (inactive)>];"));
    assert!(dot.contains("r0 [shape=box, label=<OT shift lead<br/>shift-lead>];"));
    assert!(dot.contains("l0_0 [shape=cds, label=<vendor-sessions #1>];"));
    assert!(dot.contains("l0_1 [shape=cds, label=<vendor-sessions #2>];"));
    for edge in [
        "p0 -> p1 [label=\"backup\"];",
        "r0 -> p0 [label=\"member\"];",
        "r0 -> r1 [label=\"escalates_to\"];",
        "r1 -> p1 [label=\"member, on call\"];",
        "l0_0 -> r0 [label=\"decides\"];",
        "l0_0 -> l0_1 [label=\"next\"];",
        "l0_1 -> p1 [label=\"decides\"];",
    ] {
        assert!(dot.contains(edge), "missing {edge} in\n{dot}");
    }
    assert!(dot.trim_end().ends_with('}'));
    assert_eq!(
        dot,
        Graphs::build(&rb).escalation.to_dot(&rb),
        "deterministic"
    );
}

#[test]
fn mermaid_draws_the_same_graph_with_entity_codes_for_syntax_characters() {
    let rb = runbook(DRAWN);
    let mermaid = Graphs::build(&rb).escalation.to_mermaid(&rb);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(
        mermaid.contains("p0([\"Alice #34;Al#34; #60;Martin#62; #38; co<br/>alice\"])"),
        "{mermaid}"
    );
    assert!(mermaid.contains("r1[\"x#35;1\"]"));
    assert!(mermaid.contains("subgraph rule_0[\"vendor-sessions\"]"));
    assert!(mermaid.contains("l0_0{{\"vendor-sessions #1\"}}"));
    assert!(mermaid.contains("r1 -->|\"member, on call\"| p1"));
    assert!(mermaid.contains("l0_0 -->|\"next\"| l0_1"));
    assert!(mermaid.contains("class p1 inactive"));
}
