//! REF: references between ids (REF001-REF003 are checked by the loader) and inactive people still reachable.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
