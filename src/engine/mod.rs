//! Questions on a loaded runbook: who is on call, who decides, what an action
//! stops. No I/O and no clock reads: time is always passed in.

pub mod authority;
pub mod classes;
pub mod diff;
pub mod graph;
pub mod horizon;
pub mod oncall;
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
    /// Who of each role is on call, per stretch of time (see [`oncall`]).
    on_call: oncall::OnCallCache,
    /// Each rule's expanded chain, by position.
    chains: Vec<Vec<resolve::ChainLevel>>,
    /// The identities in classes, built when first asked for (lint, coverage).
    classes: std::sync::OnceLock<Vec<classes::Alike>>,
}

impl<'r> Engine<'r> {
    pub fn new(runbook: &'r Runbook) -> Engine<'r> {
        Engine {
            runbook,
            graphs: Graphs::build(runbook),
            rules: RuleIndex::build(runbook),
            on_call: oncall::OnCallCache::new(runbook),
            chains: resolve::rule_chains(runbook),
            classes: std::sync::OnceLock::new(),
        }
    }

    /// An engine that asks the schedules on every question, as resolution
    /// did before [`oncall`] (tests compare the two).
    #[cfg(test)]
    pub(crate) fn uncached(runbook: &'r Runbook) -> Engine<'r> {
        Engine {
            on_call: oncall::OnCallCache::off(),
            ..Engine::new(runbook)
        }
    }

    /// The plant's identities in classes that no rule tells apart (see
    /// [`classes`]), computed once per engine.
    pub fn classes(&self) -> &[classes::Alike] {
        self.classes.get_or_init(|| classes::classes(self.runbook))
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
mod index_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod random_plant;
#[cfg(test)]
mod tests;
