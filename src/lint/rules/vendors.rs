//! VEN and AGT: vendor remote sessions and AI agents.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
