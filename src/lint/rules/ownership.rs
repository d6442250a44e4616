//! OWN: every identity and system has an accountable owner role with people in it.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
