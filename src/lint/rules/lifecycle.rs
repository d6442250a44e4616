//! LIF: credentials that expired and identities nobody uses.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
