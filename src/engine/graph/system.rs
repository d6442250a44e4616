//! The system graph: systems and identities, what stops when an identity is
//! cut off, and what a compromise of it can reach.

use super::{Adjacency, cycles, mark, position};
use crate::model::{AccessLevel, Runbook};
use petgraph::graph::{DiGraph, NodeIndex};

/// A node of the system graph: a system, by position in `runbook.systems`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SysNode {
    System(usize),
}

/// Why one node of the system graph leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SysEdge {
    /// System to a system it `depends_on`.
    DependsOn,
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
/// The petgraph graph holds the systems (node `i` is system `i`) and their
/// `depends_on` edges; each identity's `serves` and `access` are flat lists.
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
        // Only systems are nodes: an identity's serves and access are the
        // flat lists below (petgraph nodes and edges for every identity were
        // a fifth of a large plant's memory, and nothing walks them).
        let mut graph = DiGraph::with_capacity(systems, systems);
        for i in 0..systems {
            graph.add_node(SysNode::System(i));
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
            for s in identity.serves.iter().flatten().filter_map(|s| system(s)) {
                if stamp[s] != (i, false) {
                    stamp[s] = (i, false);
                    serves.targets.push(s as u32);
                }
            }
            serves.close();
            for a in &identity.access {
                let Some(s) = system(&a.system) else { continue };
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

    /// The underlying petgraph graph, for questions this type does not
    /// answer: the systems (node `i` is system `i`) and their `depends_on`
    /// edges. Identities are not in it: their `serves` and `access` are
    /// answered by [`SystemGraph::impact`] and [`SystemGraph::compromise_reach`].
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
