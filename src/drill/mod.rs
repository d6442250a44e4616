//! Drills: runs of a scenario against the runbook it names.
//!
//! This first increment holds the static readiness check ([`check`]): with
//! no responses, can the runbook meet each expectation at all?

pub mod check;

pub use check::{Check, Engaged, Readiness, Report, check};
