//! `graph --format json`: every node of the escalation graph (people,
//! roles, the levels of each rule's chain) and every edge with its kind,
//! one edge per reason (a member who is also on call is two edges).
//!
//! Nodes are named `person:ID`, `role:ID` and `level:RULE#N` (N from 1),
//! so a script can join them to the runbook without the drawing's names.

use super::Drawn;
use crate::cli::output::{Render, json_text};
use crate::engine::graph::EscNode;
use crate::model::Runbook;
use anyhow::Result;
use petgraph::visit::EdgeRef;
use serde::Serialize;

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    plant: &'a str,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge>,
}

#[derive(Serialize)]
struct Node<'a> {
    node: String,
    /// person | role | level
    kind: &'static str,
    /// The person's or role's id; the rule's id for a level.
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    /// People only: `false` for someone inactive.
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    /// Levels only: the level's place in its chain, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<usize>,
}

#[derive(Serialize)]
struct Edge {
    from: String,
    to: String,
    /// member | on call | escalates_to | backup | decides | next
    kind: &'static str,
}

/// A node's name in the JSON; `None` for a position the runbook does not
/// have (never for a graph built from it).
fn name(runbook: &Runbook, node: EscNode) -> Option<String> {
    Some(match node {
        EscNode::Person(i) => format!("person:{}", runbook.people.get(i)?.id.value),
        EscNode::Role(j) => format!("role:{}", runbook.roles.get(j)?.id.value),
        EscNode::Level { rule, level } => {
            format!("level:{}#{}", runbook.rules.get(rule)?.id.value, level + 1)
        }
    })
}

fn node(runbook: &Runbook, n: EscNode) -> Option<Node<'_>> {
    let key = name(runbook, n)?;
    Some(match n {
        EscNode::Person(i) => {
            let p = runbook.people.get(i)?;
            Node {
                node: key,
                kind: "person",
                id: &p.id.value,
                name: p.name.as_deref(),
                active: Some(p.active),
                level: None,
            }
        }
        EscNode::Role(j) => {
            let r = runbook.roles.get(j)?;
            Node {
                node: key,
                kind: "role",
                id: &r.id.value,
                name: r.name.as_deref(),
                active: None,
                level: None,
            }
        }
        EscNode::Level { rule, level } => Node {
            node: key,
            kind: "level",
            id: &runbook.rules.get(rule)?.id.value,
            name: None,
            active: None,
            level: Some(level + 1),
        },
    })
}

impl Render<Drawn<'_>> for Json {
    fn render(&self, drawn: &Drawn) -> Result<String> {
        let (runbook, graph) = (drawn.runbook, drawn.graph.graph());
        let nodes = (graph.node_weights())
            .filter_map(|&n| node(runbook, n))
            .collect();
        let edges = (graph.edge_references())
            .filter_map(|e| {
                Some(Edge {
                    from: name(runbook, graph[e.source()])?,
                    to: name(runbook, graph[e.target()])?,
                    kind: e.weight().label(),
                })
            })
            .collect();
        json_text(&Document {
            plant: &runbook.plant.id.value,
            nodes,
            edges,
        })
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
