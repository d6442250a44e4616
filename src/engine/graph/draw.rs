//! The escalation graph drawn for `andon graph`: Graphviz DOT and Mermaid,
//! every id and name escaped for the format.

use super::EscNode;
use super::EscalationGraph;
use crate::model::Runbook;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::HashMap;
use std::fmt::Write as _;

impl EscalationGraph {
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
