//! The two graphs of a runbook, built once per load: the escalation graph
//! (people, roles and rule levels: who can end up deciding) and the system
//! graph (systems and identities: what stops when an identity is cut off, and
//! what a compromise of it can reach).
//!
//! Each keeps a petgraph graph for the structural questions (cycles, strongly
//! connected components, drawings) and, where a question is asked on every
//! resolution, flat adjacency lists next to it so the answer is a small
//! breadth-first walk. References the loader would reject are skipped, never
//! a panic: a flawed runbook still answers.

use crate::model::{AccessLevel, Runbook, Target, Text};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::ops::Range;

/// Both graphs of one loaded runbook.
#[derive(Debug, Clone)]
pub struct Graphs {
    pub escalation: EscalationGraph,
    pub systems: SystemGraph,
}

impl Graphs {
    /// Builds both graphs in time linear in the runbook's entities and references.
    pub fn build(runbook: &Runbook) -> Graphs {
        Graphs {
            escalation: EscalationGraph::build(runbook),
            systems: SystemGraph::build(runbook),
        }
    }
}

/// A node of the escalation graph; numbers are positions in the runbook's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EscNode {
    Person(usize),
    Role(usize),
    /// Level `level` (0-based) of the `decide` chain of rule `rule`.
    Level {
        rule: usize,
        level: usize,
    },
}

/// Why one node of the escalation graph leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EscEdge {
    /// Role to one of its `members`.
    Member,
    /// Role to a person its `schedule` names (in a rotation or an override).
    OnCall,
    /// Role to its `escalates_to` role.
    EscalatesTo,
    /// Person to their `backup`.
    Backup,
    /// Level to the role or person it names.
    Decides,
    /// Level to the next level of the same chain.
    Next,
}

impl EscEdge {
    /// The word drawings use for this edge.
    pub fn label(self) -> &'static str {
        match self {
            EscEdge::Member => "member",
            EscEdge::OnCall => "on call",
            EscEdge::EscalatesTo => "escalates_to",
            EscEdge::Backup => "backup",
            EscEdge::Decides => "decides",
            EscEdge::Next => "next",
        }
    }
}

/// People, roles and the levels of every `decide` chain, with the edges a
/// chain follows to reach a decider.
///
/// Node `i` is person `i`; then come the roles, then the levels, rule by rule.
#[derive(Debug, Clone)]
pub struct EscalationGraph {
    graph: DiGraph<EscNode, EscEdge>,
    person_ids: Vec<String>,
    active: Vec<bool>,
    /// Per role: whether it has a schedule (then only the people it names are ever on call).
    scheduled: Vec<bool>,
    roles: HashMap<Text, usize>,
    /// Node indices of each rule's levels, in order; empty for a rule that forbids.
    rule_levels: Vec<Range<usize>>,
}

impl EscalationGraph {
    /// Builds the graph; unknown references are left out.
    pub fn build(runbook: &Runbook) -> EscalationGraph {
        let people = runbook.people.len();
        let roles = runbook.roles.len();
        let levels: usize = runbook
            .rules
            .iter()
            .filter_map(|r| r.decide())
            .map(|d| d.levels.len())
            .sum();
        let mut graph = DiGraph::with_capacity(people + roles + levels, people + 2 * levels);
        for i in 0..people {
            graph.add_node(EscNode::Person(i));
        }
        for i in 0..roles {
            graph.add_node(EscNode::Role(i));
        }
        let person = |id: &str| position(&runbook.index.people, id, people);
        let role = |id: &str| position(&runbook.index.roles, id, roles).map(|i| people + i);

        for (i, p) in runbook.people.iter().enumerate() {
            if let Some(b) = p.backup.as_ref().and_then(|b| person(b)) {
                graph.add_edge(NodeIndex::new(i), NodeIndex::new(b), EscEdge::Backup);
            }
        }
        // `seen[p] == (role, kind)` marks an edge already drawn, so repeated ids add one edge.
        let mut seen = vec![(usize::MAX, EscEdge::Next); people];
        for (j, r) in runbook.roles.iter().enumerate() {
            let from = NodeIndex::new(people + j);
            let schedule = r.schedule.iter().flat_map(|s| {
                let rotations = s.layers.iter().flat_map(|l| &l.rotation);
                rotations.chain(s.overrides.iter().map(|o| &o.person))
            });
            let members = r.members.iter().map(|m| (m, EscEdge::Member));
            for (id, kind) in members.chain(schedule.map(|m| (m, EscEdge::OnCall))) {
                if let Some(p) = person(id)
                    && seen[p] != (j, kind)
                {
                    seen[p] = (j, kind);
                    graph.add_edge(from, NodeIndex::new(p), kind);
                }
            }
            if let Some(to) = r.escalates_to.as_ref().and_then(|e| role(e)) {
                graph.add_edge(from, NodeIndex::new(to), EscEdge::EscalatesTo);
            }
        }
        let mut rule_levels = Vec::with_capacity(runbook.rules.len());
        for (k, rule) in runbook.rules.iter().enumerate() {
            let start = graph.node_count();
            for (l, level) in rule
                .decide()
                .into_iter()
                .flat_map(|d| d.levels.iter().enumerate())
            {
                let node = graph.add_node(EscNode::Level { rule: k, level: l });
                let target = match &level.target {
                    Target::Role(r) => role(r),
                    Target::Person(p) => person(p),
                };
                if let Some(t) = target {
                    graph.add_edge(node, NodeIndex::new(t), EscEdge::Decides);
                }
                if l > 0 {
                    graph.add_edge(NodeIndex::new(node.index() - 1), node, EscEdge::Next);
                }
            }
            rule_levels.push(start..graph.node_count());
        }
        EscalationGraph {
            graph,
            person_ids: runbook
                .people
                .iter()
                .map(|p| p.id.value.to_string())
                .collect(),
            active: runbook.people.iter().map(|p| p.active).collect(),
            scheduled: runbook.roles.iter().map(|r| r.schedule.is_some()).collect(),
            roles: runbook.index.roles.clone(),
            rule_levels,
        }
    }

    /// The underlying petgraph graph, for questions this type does not answer.
    pub fn graph(&self) -> &DiGraph<EscNode, EscEdge> {
        &self.graph
    }

    /// Every cycle of `escalates_to` among roles, as the whole path of role
    /// ids from its smallest id back to it (`["a", "b", "a"]`; a role that
    /// escalates to itself gives `["a", "a"]`), sorted.
    pub fn escalation_cycles(&self, runbook: &Runbook) -> Vec<Vec<String>> {
        cycles(&self.graph, EscEdge::EscalatesTo, |n| match self.graph[n] {
            EscNode::Role(i) => runbook.roles.get(i).map(|r| r.id.value.as_str()),
            _ => None,
        })
    }

    /// Every cycle of `backup` among people, as [`Self::escalation_cycles`] gives roles.
    pub fn backup_cycles(&self, runbook: &Runbook) -> Vec<Vec<String>> {
        cycles(&self.graph, EscEdge::Backup, |n| match self.graph[n] {
            EscNode::Person(i) => runbook.people.get(i).map(|p| p.id.value.as_str()),
            _ => None,
        })
    }

    /// Ids of the people who could end up deciding for a chain whose last
    /// level is `role`, sorted: its members (or, when it has a schedule, the
    /// people the schedule names), the same for every role it escalates to,
    /// and every backup of those, transitively. Inactive people are passed
    /// through (their backups count) but not listed: they never decide.
    /// Empty for an unknown role.
    pub fn people_reachable_from_role(&self, role: &str) -> Vec<String> {
        match self.roles.get(role) {
            Some(&j) if j < self.scheduled.len() => {
                let node = NodeIndex::new(self.person_ids.len() + j);
                self.deciders(&[node], &[])
            }
            _ => Vec::new(),
        }
    }

    /// Ids of the people who could end up deciding for rule `rule` (a
    /// position in `runbook.rules`), sorted, following resolution: every
    /// level's person or role (members, or the schedule's people), every
    /// backup transitively, and `escalates_to` only from a last level that
    /// names a role. It is an upper bound: a timer without `after` that would
    /// end the chain early is not taken into account (GR009 reports it).
    /// Empty for a rule that forbids or does not exist.
    pub fn people_reachable_from_rule(&self, rule: usize) -> Vec<String> {
        let Some(levels) = self.rule_levels.get(rule) else {
            return Vec::new();
        };
        let target = |l: usize| {
            let mut edges = self.graph.edges(NodeIndex::new(l));
            edges
                .find(|e| *e.weight() == EscEdge::Decides)
                .map(|e| e.target())
        };
        let targets: Vec<NodeIndex> = levels.clone().filter_map(target).collect();
        let last = levels.clone().next_back().and_then(target);
        self.deciders(last.as_slice(), &targets)
    }

    /// The single points of failure among people: for each person, sorted by
    /// id, the ids (sorted) of the `decide` rules that cannot be decided
    /// without them.
    ///
    /// A person fails a rule alone when they are one of the rule's possible
    /// deciders ([`Self::people_reachable_from_rule`]) and, with them absent,
    /// too few remain: nobody, or fewer than two for a `two_person` rule.
    /// "Absent" means what resolution does with an unavailable or inactive
    /// person: their backups still stand in for them. So a person whose backup
    /// chain reaches someone else is not a failure point, and a rule that can
    /// reach nobody at all names nobody here (the on-call gap rule reports it).
    ///
    /// Graph articulation points were rejected as the definition: in the
    /// undirected view a person who belongs to two roles "connects" them, so
    /// removing them splits the graph without leaving any rule without a
    /// decider; and in the directed view removing a person also removes their
    /// `backup` edge, which resolution would still follow.
    pub fn articulation_people(&self, runbook: &Runbook) -> Vec<(String, Vec<String>)> {
        let mut by_person: HashMap<String, Vec<String>> = HashMap::new();
        for (k, rule) in runbook.rules.iter().enumerate() {
            let Some(decide) = rule.decide() else {
                continue;
            };
            let needed = if decide.two_person { 2 } else { 1 };
            let deciders = self.people_reachable_from_rule(k);
            if deciders.len() <= needed {
                for person in deciders {
                    by_person
                        .entry(person)
                        .or_default()
                        .push(rule.id.value.to_string());
                }
            }
        }
        let mut out: Vec<(String, Vec<String>)> = by_person.into_iter().collect();
        for (_, rules) in &mut out {
            rules.sort();
            rules.dedup();
        }
        out.sort();
        out
    }

    /// Active people reached from `escalating` (following `escalates_to`) and
    /// from `others` (not following it), sorted by id.
    fn deciders(&self, escalating: &[NodeIndex], others: &[NodeIndex]) -> Vec<String> {
        let mut visited = vec![false; self.graph.node_count()];
        let mut queue = VecDeque::new();
        // Escalating starts go first: a node they reach is explored with every
        // edge, a superset of what a later start would follow.
        for (starts, escalate) in [(escalating, true), (others, false)] {
            for &start in starts {
                if !visited[start.index()] {
                    visited[start.index()] = true;
                    queue.push_back(start);
                }
            }
            while let Some(node) = queue.pop_front() {
                for edge in self.graph.edges(node) {
                    let follow = match (self.graph[node], *edge.weight()) {
                        (EscNode::Person(_), EscEdge::Backup) => true,
                        (EscNode::Role(j), EscEdge::Member) => !self.scheduled[j],
                        (EscNode::Role(j), EscEdge::OnCall) => self.scheduled[j],
                        (EscNode::Role(_), EscEdge::EscalatesTo) => escalate,
                        _ => false,
                    };
                    if follow && !visited[edge.target().index()] {
                        visited[edge.target().index()] = true;
                        queue.push_back(edge.target());
                    }
                }
            }
        }
        let mut out: Vec<String> = (0..self.person_ids.len())
            .filter(|&p| visited[p] && self.active[p])
            .map(|p| self.person_ids[p].clone())
            .collect();
        out.sort();
        out
    }

    /// Graphviz DOT for `andon graph --format dot`: people as ellipses
    /// (dashed when inactive), roles as boxes, each rule's levels in a
    /// cluster labelled `rule-id #1`, `#2`..., edges labelled with their kind.
    /// Node names are generated (`p0`, `r0`, `l0_0`); ids and names only
    /// appear in escaped labels.
    pub fn to_dot(&self, runbook: &Runbook) -> String {
        let mut out = String::from("digraph escalation {\n  rankdir=LR;\n");
        out.push_str(
            "  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        );
        for (i, p) in runbook.people.iter().enumerate() {
            let style = if p.active { "" } else { ", style=dashed" };
            let label = two_lines(p.name.as_deref(), &p.id, !p.active, dot_text);
            let _ = writeln!(out, "  p{i} [shape=ellipse{style}, label=<{label}>];");
        }
        for (j, r) in runbook.roles.iter().enumerate() {
            let label = two_lines(r.name.as_deref(), &r.id, false, dot_text);
            let _ = writeln!(out, "  r{j} [shape=box, label=<{label}>];");
        }
        for (k, levels) in self.rule_levels.iter().enumerate() {
            let Some(rule) = runbook.rules.get(k).filter(|_| !levels.is_empty()) else {
                continue;
            };
            let id = dot_text(&rule.id);
            let _ = writeln!(out, "  subgraph cluster_rule_{k} {{\n    label=<{id}>;");
            for l in 0..levels.len() {
                let _ = writeln!(out, "    l{k}_{l} [shape=cds, label=<{id} #{}>];", l + 1);
            }
            out.push_str("  }\n");
        }
        for (from, to, labels) in self.edges() {
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{labels}\"];",
                self.name(from),
                self.name(to)
            );
        }
        out.push_str("}\n");
        out
    }

    /// Mermaid flowchart for `andon graph --format mermaid`, with the same
    /// content as [`Self::to_dot`]: people rounded, roles as boxes, levels in
    /// one subgraph per rule.
    pub fn to_mermaid(&self, runbook: &Runbook) -> String {
        let mut out = String::from("flowchart LR\n");
        let mut inactive = Vec::new();
        for (i, p) in runbook.people.iter().enumerate() {
            let label = two_lines(p.name.as_deref(), &p.id, !p.active, mermaid_text);
            let _ = writeln!(out, "  p{i}([\"{label}\"])");
            if !p.active {
                inactive.push(format!("p{i}"));
            }
        }
        for (j, r) in runbook.roles.iter().enumerate() {
            let label = two_lines(r.name.as_deref(), &r.id, false, mermaid_text);
            let _ = writeln!(out, "  r{j}[\"{label}\"]");
        }
        for (k, levels) in self.rule_levels.iter().enumerate() {
            let Some(rule) = runbook.rules.get(k).filter(|_| !levels.is_empty()) else {
                continue;
            };
            let id = mermaid_text(&rule.id);
            let _ = writeln!(out, "  subgraph rule_{k}[\"{id}\"]");
            for l in 0..levels.len() {
                let _ = writeln!(out, "    l{k}_{l}{{{{\"{id} #{}\"}}}}", l + 1);
            }
            out.push_str("  end\n");
        }
        for (from, to, labels) in self.edges() {
            let _ = writeln!(
                out,
                "  {} -->|\"{labels}\"| {}",
                self.name(from),
                self.name(to)
            );
        }
        if !inactive.is_empty() {
            out.push_str("  classDef inactive stroke-dasharray: 5 5\n");
            let _ = writeln!(out, "  class {} inactive", inactive.join(","));
        }
        out
    }

    /// Edges in insertion order, those between the same two nodes merged
    /// into one with their labels joined (`member, on call`).
    fn edges(&self) -> Vec<(NodeIndex, NodeIndex, String)> {
        let mut out: Vec<(NodeIndex, NodeIndex, String)> = Vec::new();
        let mut at: HashMap<(NodeIndex, NodeIndex), usize> = HashMap::new();
        for e in self.graph.edge_references() {
            let label = e.weight().label();
            match at.get(&(e.source(), e.target())) {
                Some(&i) => {
                    out[i].2.push_str(", ");
                    out[i].2.push_str(label);
                }
                None => {
                    at.insert((e.source(), e.target()), out.len());
                    out.push((e.source(), e.target(), label.to_owned()));
                }
            }
        }
        out
    }

    /// The generated drawing name of a node.
    fn name(&self, node: NodeIndex) -> String {
        match self.graph[node] {
            EscNode::Person(i) => format!("p{i}"),
            EscNode::Role(j) => format!("r{j}"),
            EscNode::Level { rule, level } => format!("l{rule}_{level}"),
        }
    }
}

/// A node of the system graph; numbers are positions in the runbook's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SysNode {
    System(usize),
    Identity(usize),
}

/// Why one node of the system graph leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SysEdge {
    /// System to a system it `depends_on`.
    DependsOn,
    /// Identity to a system it `serves`.
    Serves,
    /// Identity to a system it has access to above `none`, in `state`
    /// (a position in `runbook.states`), or by `default` when `None`.
    Access {
        level: AccessLevel,
        state: Option<usize>,
    },
}

/// How a system came into an impact or a reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// The identity serves it.
    Serves,
    /// The identity has access to it.
    Access,
    /// It depends on this system (a position in `runbook.systems`), already listed.
    DependsOn(usize),
}

/// A system that stops when an identity is paused, revoked or disconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImpactEntry {
    /// Position in `runbook.systems`.
    pub system: usize,
    pub via: Via,
    /// 0 for a system the identity serves, then one more per `depends_on` step.
    pub depth: usize,
}

/// A system a compromise of an identity reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReachEntry {
    /// Position in `runbook.systems`.
    pub system: usize,
    /// The highest access level the identity has there in any state; `None`
    /// for a system reached through `depends_on`.
    pub level: Option<AccessLevel>,
    /// Positions in `runbook.states` of the states in which it has that level
    /// (empty when the runbook defines no states, or for `depends_on`).
    pub states: Vec<usize>,
    pub via: Via,
    /// 0 for direct access, then one more per `depends_on` step.
    pub depth: usize,
}

/// Systems and identities, with `depends_on`, `serves` and `access` edges.
///
/// Node `i` is system `i`; identity `i` is node `systems + i`.
#[derive(Debug, Clone)]
pub struct SystemGraph {
    graph: DiGraph<SysNode, SysEdge>,
    systems: usize,
    /// For each system, the systems that depend on it directly, in runbook order.
    dependents: Adjacency<u32>,
    /// For each identity, the systems it serves, in listed order, once each.
    serves: Adjacency<u32>,
    /// For each identity, its access above `none`, in listed order, once per system.
    access: Adjacency<DirectAccess>,
    /// The states of every [`DirectAccess`], in runbook order.
    access_states: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct DirectAccess {
    system: u32,
    level: AccessLevel,
    /// Positions in `access_states` of the states at that level.
    states: (u32, u32),
}

impl SystemGraph {
    /// Builds the graph; unknown references are left out.
    pub fn build(runbook: &Runbook) -> SystemGraph {
        let systems = runbook.systems.len();
        let identities = runbook.identities.len();
        let system = |id: &str| position(&runbook.index.systems, id, systems);
        let mut graph = DiGraph::with_capacity(systems + identities, systems + 2 * identities);
        for i in 0..systems {
            graph.add_node(SysNode::System(i));
        }
        for i in 0..identities {
            graph.add_node(SysNode::Identity(i));
        }

        let mut stamp = vec![usize::MAX; systems];
        let mut depends = Vec::with_capacity(systems);
        for (a, s) in runbook.systems.iter().enumerate() {
            for b in s.depends_on.iter().filter_map(|d| system(d)) {
                if stamp[b] != a {
                    stamp[b] = a;
                    graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), SysEdge::DependsOn);
                    depends.push((b, a as u32));
                }
            }
        }
        let dependents = Adjacency::from_pairs(systems, depends);

        let states: Vec<&str> = runbook.states.iter().map(|s| s.id.value.as_str()).collect();
        let mut stamp = vec![(usize::MAX, false); systems];
        let mut serves = Adjacency::with_capacity(identities);
        let mut access = Adjacency::with_capacity(identities);
        let mut access_states = Vec::new();
        for (i, identity) in runbook.identities.iter().enumerate() {
            let node = NodeIndex::new(systems + i);
            for s in identity.serves.iter().flatten().filter_map(|s| system(s)) {
                if stamp[s] != (i, false) {
                    stamp[s] = (i, false);
                    graph.add_edge(node, NodeIndex::new(s), SysEdge::Serves);
                    serves.targets.push(s as u32);
                }
            }
            serves.close();
            for a in &identity.access {
                let Some(s) = system(&a.system) else { continue };
                if a.default > AccessLevel::None {
                    let edge = SysEdge::Access {
                        level: a.default,
                        state: None,
                    };
                    graph.add_edge(node, NodeIndex::new(s), edge);
                }
                for (state, level) in &a.states {
                    let known = runbook
                        .index
                        .states
                        .get(&state.value)
                        .filter(|&&k| k < states.len());
                    if let Some(&k) = known
                        && *level > AccessLevel::None
                    {
                        let edge = SysEdge::Access {
                            level: *level,
                            state: Some(k),
                        };
                        graph.add_edge(node, NodeIndex::new(s), edge);
                    }
                }
                if stamp[s] == (i, true) {
                    continue;
                }
                // The level in force in each state the runbook defines (the
                // default alone when it defines none).
                let level_in = |k: usize| a.level_in(states[k]);
                let level = match states.len() {
                    0 => a.default,
                    n => (0..n).map(level_in).max().unwrap_or(AccessLevel::None),
                };
                if level == AccessLevel::None {
                    continue;
                }
                stamp[s] = (i, true);
                let from = access_states.len() as u32;
                access_states.extend(
                    (0..states.len())
                        .filter(|&k| level_in(k) == level)
                        .map(|k| k as u32),
                );
                let to = access_states.len() as u32;
                access.targets.push(DirectAccess {
                    system: s as u32,
                    level,
                    states: (from, to),
                });
            }
            access.close();
        }
        SystemGraph {
            graph,
            systems,
            dependents,
            serves,
            access,
            access_states,
        }
    }

    /// The underlying petgraph graph, for questions this type does not answer.
    pub fn graph(&self) -> &DiGraph<SysNode, SysEdge> {
        &self.graph
    }

    /// What stops if identity `identity` (a position in `runbook.identities`)
    /// is paused, revoked or disconnected: the systems it serves, in their
    /// listed order, then breadth-first every system that transitively
    /// depends on them, each once. Empty for an unknown identity.
    pub fn impact(&self, identity: usize) -> Vec<ImpactEntry> {
        let serves = self.serves.of(identity);
        if serves.is_empty() {
            return Vec::new();
        }
        let mut seen = vec![0u64; self.systems.div_ceil(64)];
        let mut out = Vec::with_capacity(serves.len());
        for &s in serves {
            if mark(&mut seen, s as usize) {
                out.push(ImpactEntry {
                    system: s as usize,
                    via: Via::Serves,
                    depth: 0,
                });
            }
        }
        self.spread(
            &mut out,
            &mut seen,
            |e| Some((e.system, e.depth)),
            |system, from, depth| ImpactEntry {
                system,
                via: Via::DependsOn(from),
                depth,
            },
        );
        out
    }

    /// What a compromise of identity `identity` can reach: the systems it has
    /// access to above `none` in some state, in listed order, with the highest
    /// level and the states in which it has it; then, breadth-first, the
    /// systems that transitively depend on those where it can `write` or
    /// `control` (what a malicious write there can stop; a `read` stops
    /// nothing). Each system once. Empty for an unknown identity.
    pub fn compromise_reach(&self, identity: usize) -> Vec<ReachEntry> {
        let direct = self.access.of(identity);
        if direct.is_empty() {
            return Vec::new();
        }
        let mut seen = vec![0u64; self.systems.div_ceil(64)];
        let mut out = Vec::with_capacity(direct.len());
        for a in direct {
            if mark(&mut seen, a.system as usize) {
                let states = self
                    .access_states
                    .get(a.states.0 as usize..a.states.1 as usize);
                out.push(ReachEntry {
                    system: a.system as usize,
                    level: Some(a.level),
                    states: states
                        .unwrap_or_default()
                        .iter()
                        .map(|&k| k as usize)
                        .collect(),
                    via: Via::Access,
                    depth: 0,
                });
            }
        }
        let spreads = |e: &ReachEntry| match e.level {
            Some(level) if level < AccessLevel::Write => None,
            _ => Some((e.system, e.depth)),
        };
        self.spread(&mut out, &mut seen, spreads, |system, from, depth| {
            ReachEntry {
                system,
                level: None,
                states: Vec::new(),
                via: Via::DependsOn(from),
                depth,
            }
        });
        out
    }

    /// The systems that depend on `system`, transitively, breadth-first and
    /// each once; `system` itself is not listed even when a cycle leads back to it.
    pub fn dependents(&self, system: usize) -> Vec<usize> {
        if system >= self.systems {
            return Vec::new();
        }
        let mut seen = vec![0u64; self.systems.div_ceil(64)];
        mark(&mut seen, system);
        let mut out = vec![system];
        self.spread(&mut out, &mut seen, |&s| Some((s, 0)), |s, _, _| s);
        out.remove(0);
        out
    }

    /// Every cycle of `depends_on`, as the whole path of system ids from the
    /// cycle's smallest id back to it (`["a", "b", "a"]`; a system that
    /// depends on itself gives `["a", "a"]`), sorted. One cycle per strongly
    /// connected group of systems: the shortest through its smallest id.
    pub fn dependency_cycles(&self, runbook: &Runbook) -> Vec<Vec<String>> {
        cycles(&self.graph, SysEdge::DependsOn, |n| match self.graph[n] {
            SysNode::System(i) => runbook.systems.get(i).map(|s| s.id.value.as_str()),
            SysNode::Identity(_) => None,
        })
    }

    /// Breadth-first through reverse `depends_on`, using `out` as the queue:
    /// each entry `expand` accepts (giving its system and depth) adds the
    /// systems depending on it not yet `seen`, made by `make(system, from, depth)`.
    fn spread<T>(
        &self,
        out: &mut Vec<T>,
        seen: &mut [u64],
        expand: impl Fn(&T) -> Option<(usize, usize)>,
        make: impl Fn(usize, usize, usize) -> T,
    ) {
        let mut next = 0;
        while let Some(entry) = out.get(next) {
            next += 1;
            let Some((from, depth)) = expand(entry) else {
                continue;
            };
            for &s in self.dependents.of(from) {
                if mark(seen, s as usize) {
                    out.push(make(s as usize, from, depth + 1));
                }
            }
        }
    }
}

/// Compressed adjacency lists: the targets of node `i` are
/// `targets[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone)]
struct Adjacency<T> {
    offsets: Vec<u32>,
    targets: Vec<T>,
}

impl<T> Adjacency<T> {
    fn with_capacity(nodes: usize) -> Self {
        let mut offsets = Vec::with_capacity(nodes + 1);
        offsets.push(0);
        Adjacency {
            offsets,
            targets: Vec::new(),
        }
    }

    /// Ends the list of the current node: what was pushed since belongs to it.
    fn close(&mut self) {
        self.offsets.push(self.targets.len() as u32);
    }

    fn of(&self, node: usize) -> &[T] {
        let end = node.checked_add(1).and_then(|n| self.offsets.get(n));
        match (self.offsets.get(node), end) {
            (Some(&from), Some(&to)) => &self.targets[from as usize..to as usize],
            _ => &[],
        }
    }
}

impl Adjacency<u32> {
    /// Lists of `nodes` nodes from `(node, target)` pairs, keeping their order within each node.
    fn from_pairs(nodes: usize, pairs: Vec<(usize, u32)>) -> Self {
        let mut offsets = vec![0u32; nodes + 1];
        for &(n, _) in &pairs {
            offsets[n + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0; pairs.len()];
        for (n, t) in pairs {
            targets[fill[n] as usize] = t;
            fill[n] += 1;
        }
        Adjacency { offsets, targets }
    }
}

/// The position of `id` in a list of `len` entities, if it names one.
fn position(index: &HashMap<Text, usize>, id: &str, len: usize) -> Option<usize> {
    index.get(id).copied().filter(|&i| i < len)
}

/// Sets bit `i`; true when it was not set before.
fn mark(seen: &mut [u64], i: usize) -> bool {
    let (word, bit) = (i / 64, 1u64 << (i % 64));
    match seen.get_mut(word) {
        Some(w) if *w & bit == 0 => {
            *w |= bit;
            true
        }
        _ => false,
    }
}

/// Cycles formed by edges of kind `kind`: one per strongly connected
/// component (and per self-loop), the shortest path from the component's
/// smallest id back to it, as ids with the first repeated at the end; sorted.
/// Nodes without an id are left out.
fn cycles<'a, N, E: Copy + PartialEq>(
    graph: &DiGraph<N, E>,
    kind: E,
    id: impl Fn(NodeIndex) -> Option<&'a str>,
) -> Vec<Vec<String>> {
    let only = EdgeFiltered::from_fn(graph, |e| *e.weight() == kind);
    let mut out = Vec::new();
    for component in tarjan_scc(&only) {
        let Some(start) = component
            .iter()
            .copied()
            .filter(|&n| id(n).is_some())
            .min_by_key(|&n| id(n))
        else {
            continue;
        };
        let members: HashSet<NodeIndex> = component.iter().copied().collect();
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(node) = queue.pop_front() {
            for edge in graph.edges(node).filter(|e| *e.weight() == kind) {
                let to = edge.target();
                if to == start {
                    last = Some(node);
                    break 'search;
                }
                if members.contains(&to) && !parent.contains_key(&to) {
                    parent.insert(to, node);
                    queue.push_back(to);
                }
            }
        }
        // A component of one node without a self-loop has no cycle.
        let Some(mut node) = last else { continue };
        let mut path = vec![start];
        while node != start {
            path.push(node);
            // Every node the search queued, other than `start`, has a parent.
            node = parent[&node];
        }
        path[1..].reverse();
        path.push(start);
        out.push(
            path.into_iter()
                .filter_map(|n| id(n).map(str::to_owned))
                .collect(),
        );
    }
    out.sort();
    out
}

/// A drawing label: the name, then the id on a second line (with
/// "(inactive)" when asked); the id alone when there is no name.
fn two_lines(name: Option<&str>, id: &str, inactive: bool, escape: fn(&str) -> String) -> String {
    let note = if inactive { " (inactive)" } else { "" };
    match name.filter(|n| !n.trim().is_empty() && *n != id) {
        Some(name) => format!("{}<br/>{}{note}", escape(name), escape(id)),
        None => format!("{}{note}", escape(id)),
    }
}

/// Text for a Graphviz HTML-like label: markup characters as entities,
/// control characters as spaces.
fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a quoted Mermaid label: characters Mermaid or HTML would read as
/// syntax as Mermaid entity codes (`#34;`), control characters as spaces.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '%' | '|' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_str;

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
    fn compromise_reach_gives_highest_level_with_its_states_and_spreads_only_from_write_or_control()
    {
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
        let access_edges = g
            .systems
            .graph()
            .edge_weights()
            .filter(|e| matches!(e, SysEdge::Access { .. }));
        // historian default, line3 maintenance, mes default and vendor-support; no edge at `none`.
        assert_eq!(access_edges.count(), 4);
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
}
