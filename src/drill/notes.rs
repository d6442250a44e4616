//! What the chains met during a drill show about the runbook: where
//! authority was unclear, and findings located by `file:line`.

use super::judge::{self, Judged, Named, ticks};
use crate::engine::people::level_people;
use crate::engine::{Decision, Step, Verdict};
use crate::model::{Action, Duration, Runbook, Span, Target};
use serde::Serialize;
use std::path::{Component, Path, PathBuf};

/// A place where the runbook did not say clearly who decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unclear {
    /// The question: `disconnect vendor-acme-remote in normal`.
    pub question: String,
    /// `ambiguous`, `uncovered`, `skipped` or `backup`.
    pub kind: &'static str,
    pub detail: String,
    /// `file:line` of the rule, role or person involved.
    pub location: Option<String>,
}

/// A concrete finding about the runbook, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub message: String,
    pub location: Option<String>,
}

/// A path without `.` and `dir/..` (lexically), for reading.
pub fn tidy(path: &Path) -> String {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.display().to_string()
}

/// `file:line` of a span in the runbook.
fn location(runbook: &Runbook, span: Span) -> Option<String> {
    let file = runbook.file(span.file)?;
    Some(format!("{}:{}", tidy(file), span.line))
}

/// Collects what the chains met during the drill show about the runbook.
pub(super) struct Notes<'r> {
    pub(super) runbook: &'r Runbook,
    pub(super) unclear: Vec<Unclear>,
    pub(super) findings: Vec<Finding>,
}

impl Notes<'_> {
    fn unclear(&mut self, question: &str, kind: &'static str, detail: String, at: Option<Span>) {
        let item = Unclear {
            question: question.to_owned(),
            kind,
            detail,
            location: at.and_then(|s| location(self.runbook, s)),
        };
        if !self.unclear.contains(&item) {
            self.unclear.push(item);
        }
    }

    fn finding(&mut self, message: String, at: Option<Span>) {
        let item = Finding {
            message,
            location: at.and_then(|s| location(self.runbook, s)),
        };
        if !self.findings.contains(&item) {
            self.findings.push(item);
        }
    }

    /// The span of what decides a question: its rule, or the state declared.
    fn source_span(&self, d: &Decision) -> Option<Span> {
        match &d.rule {
            Some(rule) => self.runbook.rule(rule).map(|r| r.span),
            None => self.runbook.state(&d.state).map(|s| s.span),
        }
    }

    fn target_span(&self, target: &Target) -> Option<Span> {
        match target {
            Target::Role(r) => self.runbook.role(&r.value).map(|x| x.span),
            Target::Person(p) => self.runbook.person(&p.value).map(|x| x.span),
        }
    }

    /// Ambiguity, no cover, skipped levels and backups in one chain.
    pub(super) fn chain(&mut self, d: &Decision, question: &str, unavailable: &[String]) {
        let rb = self.runbook;
        match d.verdict {
            Verdict::Ambiguous => {
                let span = d.rules.first().and_then(|r| rb.rule(r)).map(|r| r.span);
                let detail = format!("rules {} tie: the runbook names nobody", ticks(&d.rules));
                self.unclear(question, "ambiguous", detail.clone(), span);
                self.finding(format!("{question}: {detail}"), span);
            }
            Verdict::Uncovered => {
                let span = match &d.identity {
                    Some(id) => rb.identity(id).map(|i| i.span),
                    None => rb.state(&d.state).map(|s| s.span),
                };
                let detail = match d.action {
                    Action::Declare => format!("state `{}` has no `declare` chain", d.state),
                    _ => "no rule covers it".to_owned(),
                };
                self.unclear(question, "uncovered", detail.clone(), span);
                self.finding(format!("{question}: {detail}"), span);
            }
            Verdict::Forbidden => {}
            Verdict::Chain => {
                for (i, step) in d.steps.iter().enumerate() {
                    self.step(question, i + 1, step, unavailable);
                }
            }
        }
    }

    fn step(&mut self, question: &str, level: usize, step: &Step, unavailable: &[String]) {
        let id = &step.target.id().value;
        let span = self.target_span(&step.target);
        let at = step.starts_at.format("%H:%M on %As").to_string();
        if step.skipped {
            let detail = format!("level {level} (`{id}`) skipped: nobody can answer at {at}");
            self.unclear(question, "skipped", detail, span);
            let nobody_on =
                level_people(self.runbook, &step.target, step.starts_at, &[]).is_empty();
            let message = match (&step.target, nobody_on) {
                (Target::Role(_), true) => format!("no one in `{id}` is on shift at {at}"),
                (Target::Person(_), true) => {
                    format!("`{id}` and their backups cannot answer at {at}")
                }
                (_, false) => format!(
                    "with {} unavailable, no one in `{id}` or their backups can answer at {at}",
                    ticks_str(unavailable)
                ),
            };
            self.finding(message, span);
            return;
        }
        for p in &step.people {
            if let Some(absent) = &p.backup_for {
                let detail = format!("level {level} (`{id}`): `{}`, {}", p.person, p.reason);
                let span = self.runbook.person(absent).map(|x| x.span);
                self.unclear(question, "backup", detail, span);
            }
        }
    }

    /// Findings a decision shows: forbidden, not named, ahead of the chain,
    /// a two-person rule decided alone.
    pub(super) fn decision(&mut self, t: &Judged) {
        let j = &t.judgement;
        let d = &j.decision;
        let what = format!("`{}`", t.act.action_phrase());
        let span = self.source_span(d);
        if j.forbidden {
            for (rule, reason) in d.rules.iter().zip(&d.reasons) {
                let span = self.runbook.rule(rule).map(|r| r.span);
                self.finding(
                    format!("rule `{rule}` forbids {what} in `{}`: {reason}", t.state),
                    span,
                );
            }
            return;
        }
        if d.verdict != Verdict::Chain {
            return;
        }
        let named: Vec<String> = people(d);
        for n in j.deciders.iter().filter(|n| n.level.is_none()) {
            self.finding(
                format!(
                    "`{}` decided {what} at +{}, but {} does not name them (its chain calls {})",
                    n.person,
                    t.act.at,
                    judge::source(d),
                    ticks_str(&named)
                ),
                span,
            );
        }
        for n in j
            .deciders
            .iter()
            .filter(|n| n.level.is_some() && !n.reached)
        {
            self.ahead(t, n, d);
        }
        let distinct = j.deciders.iter().filter(|n| n.level.is_some()).count();
        if d.two_person && distinct < 2 && j.deciders.iter().all(|n| n.level.is_some()) {
            self.finding(
                format!(
                    "{} needs two people for {what}; {} decided alone",
                    judge::source(d),
                    ticks(&t.act.by)
                ),
                span,
            );
        }
    }

    fn ahead(&mut self, t: &Judged, n: &Named, d: &Decision) {
        let (Some(level), Some(from)) = (n.level, n.from) else {
            return;
        };
        let span = d.steps.get(level - 1).map(|s| s.target.id().span);
        self.finding(
            format!(
                "`{}` decided `{}` at +{}, ahead of the chain: {} reaches them at level {level}, from +{from}",
                n.person,
                t.act.action_phrase(),
                t.act.at,
                judge::source(d)
            ),
            span,
        );
    }

    /// A late or missed expectation whose chain engages nobody in time.
    pub(super) fn slow_chain(&mut self, d: &Decision, within: Duration, expectation: &str) {
        if d.verdict != Verdict::Chain {
            return;
        }
        let first = d.first_deciders();
        match first {
            Some(step) if step.offset > within.secs() => {
                let span = self.source_span(d);
                self.finding(
                    format!(
                        "{} first engages a decider at +{}, after the +{within} that `{expectation}` allows",
                        judge::source(d),
                        Duration(step.offset)
                    ),
                    span,
                );
            }
            _ => {}
        }
    }
}

/// Everyone a chain names, in order, once.
fn people(d: &Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in d.steps.iter().flat_map(|s| &s.people) {
        if !out.iter().any(|x| x == p.person.as_str()) {
            out.push(p.person.to_string());
        }
    }
    out
}

fn ticks_str(ids: &[String]) -> String {
    if ids.is_empty() {
        return "nobody".to_owned();
    }
    ids.iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
