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

mod draw;
mod escalation;
mod system;
#[cfg(test)]
mod tests;

pub use escalation::{EscEdge, EscNode, EscalationGraph};
pub use system::{ImpactEntry, ReachEntry, SysEdge, SysNode, SystemGraph, Via};

use crate::model::Runbook;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};
use std::collections::{HashMap, HashSet, VecDeque};

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
fn position(index: &crate::model::IdIndex, id: &str, len: usize) -> Option<usize> {
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
