//! The codes the loader reports. Lint rules' codes live with each rule (its
//! `RuleInfo`); the load-stage rules' catalogue entries (`lint::rules::
//! references`) take their codes from here, so the two cannot drift apart.

/// The YAML does not parse.
pub const YAML_SYNTAX: &str = "YML001";
/// A value of the wrong type or out of range.
pub const BAD_VALUE: &str = "TYP001";
/// An id is used but not defined.
pub const UNKNOWN_REFERENCE: &str = "REF001";
/// An id is defined twice.
pub const DUPLICATE_ID: &str = "REF002";
/// A key the format does not know.
pub const UNKNOWN_KEY: &str = "REF003";
