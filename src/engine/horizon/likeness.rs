//! The critical groups of coverage: the plant's classes ([`Alike`], see
//! `engine::classes`) that touch a `high` or `safety` system, merged by the
//! rules that select them.

use crate::engine::Engine;
use crate::engine::authority::Selection;
pub use crate::engine::classes::Alike;
use crate::model::{Action, Runbook};
use std::collections::HashMap;

/// Identities that touch a `high` or `safety` system, grouped by the rules
/// whose `match` selects them: identities of one group get the same answer
/// to every question of action and state. A 100,000-identity plant has a
/// few thousand groups, so questions are asked per group.
#[derive(Debug, Clone, Default)]
pub struct Critical {
    pub groups: Vec<Group>,
    /// Critical identities in all.
    pub identities: usize,
}

/// Critical identities that the same rules select.
#[derive(Debug, Clone)]
pub struct Group {
    /// Identity indices, in runbook order.
    pub identities: Vec<usize>,
    pub vendor_session: bool,
    /// Indices of the rules whose `match` selects them, in definition order.
    rules: Vec<usize>,
}

impl Group {
    /// Resolution steps 1 to 4 for the group's identities.
    pub fn select(&self, runbook: &Runbook, state: &str, action: Action) -> Selection {
        let candidates = crate::engine::classes::candidates(runbook, &self.rules, action, state);
        crate::engine::authority::select(runbook, &candidates)
    }
}

impl Critical {
    pub fn build(engine: &Engine) -> Critical {
        let mut same_rules: HashMap<(&[usize], bool), usize> = HashMap::new();
        let mut out = Critical::default();
        for a in engine.classes().iter().filter(|a| a.critical()) {
            out.identities += a.identities.len();
            let g = *same_rules
                .entry((a.rules(), a.vendor_session))
                .or_insert_with(|| {
                    out.groups.push(Group {
                        identities: Vec::new(),
                        vendor_session: a.vendor_session,
                        rules: a.rules().to_vec(),
                    });
                    out.groups.len() - 1
                });
            out.groups[g].identities.extend(&a.identities);
        }
        // In runbook order, as they were added one by one.
        for group in &mut out.groups {
            group.identities.sort_unstable();
        }
        out
    }
}
