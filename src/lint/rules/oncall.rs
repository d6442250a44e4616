//! GR004, GR007: walking the on-call schedules over the horizon: gaps where a chain yields nobody, and slow first deciders in emergencies.

use crate::lint::Rule;

pub static RULES: &[&dyn Rule] = &[];
