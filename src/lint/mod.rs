//! Findings about a runbook: the one diagnostic type shared by the loader and
//! the lint rules, and its renderers.

mod diagnostic;

pub use diagnostic::{Diagnostic, Related, Severity};
