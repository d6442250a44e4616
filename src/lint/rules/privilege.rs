//! PRV: standing privilege on critical systems and access kept during a lockout.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
