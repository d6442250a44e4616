//! The escalation graph: people, roles and rule levels, and who can end up
//! deciding.

use super::{cycles, position};
use crate::model::{Runbook, Target};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;

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
    pub(super) graph: DiGraph<EscNode, EscEdge>,
    pub(super) person_ids: Vec<String>,
    pub(super) active: Vec<bool>,
    /// Per role: whether it has a schedule (then only the people it names are ever on call).
    pub(super) scheduled: Vec<bool>,
    pub(super) roles: crate::model::IdIndex,
    /// Node indices of each rule's levels, in order; empty for a rule that forbids.
    pub(super) rule_levels: Vec<Range<usize>>,
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
}
