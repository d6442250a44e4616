//! Questions on a loaded runbook: who is on call, who decides, what an action
//! stops. No I/O and no clock reads: time is always passed in.

pub mod authority;
pub mod diff;
pub mod graph;
pub mod horizon;
pub mod people;
pub mod resolve;
pub mod schedule;

use crate::model::Runbook;
use authority::RuleIndex;
use graph::Graphs;

pub use resolve::{Decision, Impact, Origin, Query, Step, Verdict};

/// A runbook with its indexes and graphs, built once per load.
pub struct Engine<'r> {
    pub runbook: &'r Runbook,
    pub graphs: Graphs,
    rules: RuleIndex,
}

impl<'r> Engine<'r> {
    pub fn new(runbook: &'r Runbook) -> Engine<'r> {
        Engine {
            runbook,
            graphs: Graphs::build(runbook),
            rules: RuleIndex::build(runbook),
        }
    }

    /// Indices of the rules whose `match`, `states` and `actions` cover the query.
    pub fn candidates(
        &self,
        identity: usize,
        action: crate::model::Action,
        state: &str,
    ) -> Vec<usize> {
        self.rules.candidates(
            self.runbook,
            &self.runbook.identities[identity],
            action,
            state,
        )
    }
}
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
