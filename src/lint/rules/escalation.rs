//! GR001-GR003, GR005, GR006, GR008, GR009: the authority and escalation graph: cycles, uncovered and ambiguous authority, single deciders, self-approval, dead rules, stalled levels.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
