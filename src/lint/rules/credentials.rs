//! CRD: how secrets are kept, rotated, shared and where they came from.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
