//! Findings about a runbook: the one diagnostic type shared by the loader and
//! the lint rules, the rule catalogue, and suppressions.
//!
//! A linter returns a [`Report`], never an error: the command line decides
//! the exit code. Each rule is a unit struct listed once in its family's
//! `RULES` (see [`rules`]); [`lint`] runs them all, then applies the
//! runbook's suppressions (`lint: { allow: [...] }`).

#[cfg(test)]
mod grouping_tests;
pub mod rules;
pub mod scenario;
mod suppress;

pub use crate::diagnostics::{Diagnostic, Related, Severity, location};

use crate::engine::Engine;
use crate::model::{Allow, Runbook, Span};
use chrono::{DateTime, NaiveDate, TimeDelta};
use chrono_tz::Tz;

/// What a rule is, for `andon explain`, the docs and SARIF.
#[derive(Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    /// Severity when it fires; some rules lower or raise it case by case
    /// (LIF001 warns before expiry, errors after).
    pub severity: Severity,
    /// When it fires, in one sentence.
    pub summary: &'static str,
    /// Why it matters in a plant.
    pub rationale: &'static str,
    /// OWASP NHI Top 10, NIST CSF 2.0, IEC 62443-3-3 and MITRE ATT&CK for ICS ids.
    pub mapping: &'static [&'static str],
    /// `Load` for the checks the loader makes (the runbook does not load at
    /// all when they fire); `Lint` for the rest.
    pub stage: Stage,
    /// A runbook (YAML, added as a second file to a small base plant) on
    /// which it fires.
    pub fires: &'static str,
    /// A runbook on which it does not.
    pub passes: &'static str,
}

/// When a rule's check is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// By the loader: a finding stops the load (exit code 2).
    Load,
    /// By `andon lint` on a runbook that loaded.
    Lint,
}

/// One lint rule.
pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, cx: &Context, out: &mut Vec<Finding>);
}

/// The entity a finding is about: its `lint.allow` may suppress it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Plant,
    State(usize),
    Person(usize),
    Role(usize),
    System(usize),
    Identity(usize),
    Rule(usize),
}

/// A rule's finding, with the entity it is about.
#[derive(Debug, Clone)]
pub struct Finding {
    pub subject: Subject,
    pub diagnostic: Diagnostic,
}

impl Finding {
    /// A finding of `rule` at its own severity.
    pub fn new(
        rule: &RuleInfo,
        subject: Subject,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            subject,
            diagnostic: Diagnostic::new(rule.code, rule.severity, Some(span), message),
        }
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.diagnostic.severity = severity;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.diagnostic.help = Some(help.into());
        self
    }

    pub fn witness(mut self, witness: impl Into<String>) -> Finding {
        self.diagnostic.witness = Some(witness.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.diagnostic = self.diagnostic.with_related(span, message);
        self
    }
}

/// Settings of a lint run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// "Now" for date rules and the start of the on-call horizon.
    pub now: DateTime<Tz>,
    /// Days of schedule to walk for on-call gaps (GR004, GR007).
    pub horizon_days: u32,
}

/// What the rules see.
pub struct Context<'a> {
    pub runbook: &'a Runbook,
    pub engine: &'a Engine<'a>,
    pub now: DateTime<Tz>,
    /// `[now, now + horizon_days)`, plant time.
    pub horizon: (DateTime<Tz>, DateTime<Tz>),
}

impl Context<'_> {
    /// Today's date in plant time.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// A finding silenced by a suppression, with the suppression's reason.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

/// The outcome of a lint run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings that stand, sorted by file, line, code.
    pub findings: Vec<Diagnostic>,
    /// Findings a suppression with a reason silenced.
    pub suppressed: Vec<Suppressed>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The most severe finding that stands, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|d| d.severity).max()
    }
}

/// Every rule, in catalogue order.
pub fn all_rules() -> impl Iterator<Item = &'static dyn Rule> {
    rules::FAMILIES
        .iter()
        .flat_map(|family| family.iter().copied())
}

/// The rule with code `code`.
pub fn rule(code: &str) -> Option<&'static dyn Rule> {
    all_rules().find(|r| r.info().code.eq_ignore_ascii_case(code))
}

/// Runs every rule on a loaded runbook, then its suppressions.
pub fn lint(runbook: &Runbook, engine: &Engine, options: &Options) -> Report {
    // `now` is in the calendar's years (`model::YEARS`); the CLI takes at
    // most 366 days, but a caller may pass any `u32`: a horizon past the
    // calendar's end is empty rather than a panic.
    let end = options
        .now
        .checked_add_signed(TimeDelta::days(i64::from(options.horizon_days)))
        .unwrap_or(options.now);
    let cx = Context {
        runbook,
        engine,
        now: options.now,
        horizon: (options.now, end),
    };
    let mut findings = Vec::new();
    for rule in all_rules() {
        rule.check(&cx, &mut findings);
    }
    let mut report = suppress::apply(&cx, findings);
    let key = |d: &Diagnostic| (d.span, d.code, d.message.clone());
    report.findings.sort_by_key(key);
    report.suppressed.sort_by_key(|s| key(&s.diagnostic));
    report
}

/// The `lint.allow` list of an entity.
pub fn allows(runbook: &Runbook, subject: Subject) -> &[Allow] {
    match subject {
        Subject::Plant => &[],
        Subject::State(i) => &runbook.states[i].allow,
        Subject::Person(i) => &runbook.people[i].allow,
        Subject::Role(i) => &runbook.roles[i].allow,
        Subject::System(i) => &runbook.systems[i].allow,
        Subject::Identity(i) => &runbook.identities[i].allow,
        Subject::Rule(i) => &runbook.rules[i].allow,
    }
}
