//! A responses file (`andon-responses: 1`) as plain data: the timed
//! decisions that a headless drill (`andon drill run`) plays against a
//! scenario, as if responders had taken them.
//!
//! `load` builds these values and checks their references against the
//! scenario's runbook; `drill` judges them.

use super::{Action, Duration, Ref, Span, Spanned, Text};
use std::path::PathBuf;

/// The decisions of one drill run.
#[derive(Debug, Clone)]
pub struct Responses {
    /// The responses file.
    pub path: PathBuf,
    /// The scenario as written, and the path it resolves to (relative to the
    /// responses file).
    pub scenario: Spanned<Text>,
    pub scenario_path: PathBuf,
    /// In the order of the file.
    pub decisions: Vec<Response>,
}

/// One decision responders took during the drill.
#[derive(Debug, Clone)]
pub struct Response {
    /// From the drill's start.
    pub at: Spanned<Duration>,
    pub action: Spanned<Action>,
    /// The identity acted on; `None` for `declare`.
    pub identity: Option<Ref>,
    /// For `declare`, the state declared; `None` otherwise (an action on an
    /// identity is taken in the drill's current state).
    pub state: Option<Ref>,
    /// The person who decided, or the two of a two-person rule.
    pub by: Vec<Ref>,
    /// The preconditions acknowledged first (exact texts); `None` when the
    /// file does not say, which counts as all acknowledged.
    pub acknowledged: Option<Vec<Spanned<Text>>>,
    /// `approved` (do it, the default) or `declined` (decided not to).
    pub approved: bool,
    pub span: Span,
}
