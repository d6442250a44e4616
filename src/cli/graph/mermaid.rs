//! `graph --format mermaid`: a Mermaid flowchart, drawn by the engine's graph.

use super::Drawn;
use crate::cli::output::Render;
use anyhow::Result;

pub struct Mermaid;

impl Render<Drawn<'_>> for Mermaid {
    fn render(&self, drawn: &Drawn) -> Result<String> {
        Ok(drawn.graph.to_mermaid(drawn.runbook))
    }
}
