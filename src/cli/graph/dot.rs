//! `graph --format dot`: Graphviz DOT, drawn by the engine's graph.

use super::Drawn;
use crate::cli::output::Render;
use anyhow::Result;

pub struct Dot;

impl Render<Drawn<'_>> for Dot {
    fn render(&self, drawn: &Drawn) -> Result<String> {
        Ok(drawn.graph.to_dot(drawn.runbook))
    }
}
