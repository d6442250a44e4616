//! A drill scenario as plain data: where and when it starts, what it tests,
//! the timed injects shown to responders, and the scored expectations.
//!
//! `load` builds these values (and checks their references against the
//! runbook the scenario names); `drill` plays and judges them.

use super::{Action, Duration, Ref, Span, Spanned, Text, WrittenTime};
use std::path::PathBuf;

/// A tabletop exercise template (`andon-scenario: 1`).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario file.
    pub path: PathBuf,
    pub id: Ref,
    pub title: Text,
    /// The runbook as written, and the path it resolves to (relative to the
    /// scenario file).
    pub runbook: Spanned<Text>,
    pub runbook_path: PathBuf,
    pub start: Start,
    pub objectives: Vec<Objective>,
    pub injects: Vec<Inject>,
    pub expect: Vec<Expectation>,
}

/// When the drill clock starts, and in which production state.
#[derive(Debug, Clone)]
pub struct Start {
    /// Plant-local unless written with an offset; decides who is on shift.
    pub at: Spanned<WrittenTime>,
    pub state: Ref,
}

/// What the exercise tests (HSEEP-style).
#[derive(Debug, Clone)]
pub struct Objective {
    pub id: Ref,
    pub text: Text,
}

/// A timed event shown to the responders.
#[derive(Debug, Clone)]
pub struct Inject {
    /// From the drill's start.
    pub at: Spanned<Duration>,
    pub text: Text,
    pub identities: Vec<Ref>,
    /// MITRE ATT&CK for ICS technique ids, such as `T0822`.
    pub attack: Vec<Spanned<Text>>,
    /// People who do not answer from this inject on.
    pub unavailable: Vec<Ref>,
    pub span: Span,
}

/// A scored expectation: some authorized decider takes `action` in time.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub id: Ref,
    pub objective: Ref,
    pub action: Spanned<Action>,
    /// The identity acted on; `None` for `declare`.
    pub identity: Option<Ref>,
    /// For `declare`, the state declared; otherwise the production state the
    /// action is taken in (the start state when absent).
    pub state: Option<Ref>,
    /// From the drill's start; a decision exactly at the deadline is in time.
    pub within: Spanned<Duration>,
    /// A role or person the decision must come from.
    pub by: Option<Ref>,
    pub span: Span,
}
