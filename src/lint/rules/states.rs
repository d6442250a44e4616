//! ST: production states: emergency pre-approval, declared impact, safe states.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
