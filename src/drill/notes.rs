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

/// One line of the improvement plan: what the drill showed, what to change,
/// and the role that owns the change. `due` is left for the facilitator
/// and the owner to agree (the report prints a blank to fill in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Improvement {
    /// The finding it answers, or the expectation the team missed.
    pub finding: String,
    pub location: Option<String>,
    /// The corrective action.
    pub action: String,
    /// The owning role as people know it: `Plant manager (plant-manager)`.
    pub owner: String,
    /// The owning role's id, when the runbook has such a role.
    pub owner_role: Option<String>,
    pub due: Option<String>,
}

/// Who owns a corrective action.
pub(super) enum Owner {
    /// The authority matrix itself: the runbook's management role.
    Authority,
    /// A role of the runbook.
    Role(String),
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

/// `file:line` of a span, the file relative to the runbook at `root` (the
/// report names the runbook once; a hand-out shows no one's home folder).
fn location(runbook: &Runbook, root: &Path, span: Span) -> Option<String> {
    let file = runbook.file(span.file)?;
    Some(format!("{}:{}", relative(file, root), span.line))
}

/// `file` relative to the runbook at `root` (a folder, or the file itself).
pub fn relative(file: &Path, root: &Path) -> String {
    let (file, root) = (PathBuf::from(tidy(file)), PathBuf::from(tidy(root)));
    if file == root
        && let Some(name) = file.file_name()
    {
        return Path::new(name).display().to_string();
    }
    match file.strip_prefix(&root) {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.display().to_string(),
        _ => file.display().to_string(),
    }
}

/// Collects what the chains met during the drill show about the runbook.
pub(super) struct Notes<'r> {
    pub(super) runbook: &'r Runbook,
    /// The runbook's path as the scenario gives it: locations are relative to it.
    pub(super) root: &'r Path,
    pub(super) unclear: Vec<Unclear>,
    pub(super) findings: Vec<Finding>,
    pub(super) improvements: Vec<Improvement>,
}

impl Notes<'_> {
    fn unclear(&mut self, question: &str, kind: &'static str, detail: String, at: Option<Span>) {
        let item = Unclear {
            question: question.to_owned(),
            kind,
            detail,
            location: at.and_then(|s| location(self.runbook, self.root, s)),
        };
        if !self.unclear.contains(&item) {
            self.unclear.push(item);
        }
    }

    /// A finding, and the corrective action it calls for in the plan.
    fn finding(&mut self, message: String, at: Option<Span>, action: String, owner: Owner) {
        let item = Finding {
            message,
            location: at.and_then(|s| location(self.runbook, self.root, s)),
        };
        if self.findings.contains(&item) {
            return;
        }
        self.improve(item.message.clone(), item.location.clone(), action, owner);
        self.findings.push(item);
    }

    /// A line of the improvement plan.
    pub(super) fn improve(
        &mut self,
        finding: String,
        location: Option<String>,
        action: String,
        owner: Owner,
    ) {
        let role = match owner {
            Owner::Role(id) => Some(id),
            Owner::Authority => (self.runbook.management_role()).map(|r| r.id.value.to_string()),
        };
        let (owner, owner_role) = match role {
            Some(id) => match self.runbook.role(&id) {
                Some(r) if r.label() != id => (format!("{} ({id})", r.label()), Some(id)),
                _ => (id.clone(), Some(id)),
            },
            None => (crate::model::NO_MANAGEMENT_ROLE.to_owned(), None),
        };
        self.improvements.push(Improvement {
            finding,
            location,
            action,
            owner,
            owner_role,
            due: None,
        });
    }

    /// The role that acts first in a chain: its first level's role, or the
    /// first role that has the person of a person level among its members.
    pub(super) fn first_role(&self, d: &Decision) -> Owner {
        match d.steps.first().map(|s| &s.target) {
            Some(Target::Role(r)) => Owner::Role(r.value.to_string()),
            Some(Target::Person(p)) => self.role_of(&p.value),
            None => Owner::Authority,
        }
    }

    /// The first role `person` belongs to (member or on its rota).
    fn role_of(&self, person: &str) -> Owner {
        (self.runbook.roles.iter())
            .find(|r| judge::is_by(self.runbook, &r.id.value, person))
            .map_or(Owner::Authority, |r| Owner::Role(r.id.value.to_string()))
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
                let action = format!(
                    "make one rule win for {question}: give one of {} a higher `priority`, or narrow a selector",
                    ticks(&d.rules)
                );
                self.finding(
                    format!("{question}: {detail}"),
                    span,
                    action,
                    Owner::Authority,
                );
            }
            Verdict::Uncovered => {
                let span = match &d.identity {
                    Some(id) => rb.identity(id).map(|i| i.span),
                    None => rb.state(&d.state).map(|s| s.span),
                };
                let (detail, action) = match d.action {
                    Action::Declare => (
                        format!("state `{}` has no `declare` chain", d.state),
                        format!("add a `declare` chain to state `{}`", d.state),
                    ),
                    _ => (
                        "no rule covers it".to_owned(),
                        format!("add a rule that says who may {question}"),
                    ),
                };
                self.unclear(question, "uncovered", detail.clone(), span);
                self.finding(
                    format!("{question}: {detail}"),
                    span,
                    action,
                    Owner::Authority,
                );
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
            let (message, action) = match (&step.target, nobody_on) {
                (Target::Role(_), true) => (
                    format!("no one in `{id}` is on shift at {at}"),
                    format!("cover `{id}` at {at} in its schedule (a layer or an override)"),
                ),
                (Target::Person(_), true) => (
                    format!("`{id}` and their backups cannot answer at {at}"),
                    format!("give `{id}` a backup who can answer at {at}"),
                ),
                (_, false) => (
                    format!(
                        "with {} unavailable, no one in `{id}` or their backups can answer at {at}",
                        ticks_str(unavailable)
                    ),
                    format!(
                        "add backups to `{id}` so that someone answers when {} cannot",
                        ticks_str(unavailable)
                    ),
                ),
            };
            let owner = match &step.target {
                Target::Role(r) => Owner::Role(r.value.to_string()),
                Target::Person(_) => Owner::Authority,
            };
            self.finding(message, span, action, owner);
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
                let owner = (t.act.by.first()).map_or(Owner::Authority, |p| self.role_of(p));
                self.finding(
                    format!("rule `{rule}` forbids {what} in `{}`: {reason}", t.state),
                    span,
                    format!(
                        "brief {} that rule `{rule}` forbids {what} in `{}`, and why",
                        ticks(&t.act.by),
                        t.state
                    ),
                    owner,
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
                format!(
                    "decide whether `{}` should hold this authority: name them (or their role) in {}, or brief them that its chain calls {}",
                    n.person,
                    judge::source(d),
                    ticks_str(&named)
                ),
                Owner::Authority,
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
            let owner = self.first_role(d);
            self.finding(
                format!(
                    "{} needs two people for {what}; {} decided alone",
                    judge::source(d),
                    ticks(&t.act.by)
                ),
                span,
                format!("rehearse {what} with a second person of the chain confirming"),
                owner,
            );
        }
    }

    fn ahead(&mut self, t: &Judged, n: &Named, d: &Decision) {
        let (Some(level), Some(from)) = (n.level, n.from) else {
            return;
        };
        let span = d.steps.get(level - 1).map(|s| s.target.id().span);
        let owner = self.first_role(d);
        self.finding(
            format!(
                "`{}` decided `{}` at +{}, ahead of the chain: {} reaches them at level {level}, from +{from}",
                n.person,
                t.act.action_phrase(),
                t.act.at,
                judge::source(d)
            ),
            span,
            format!(
                "rehearse the escalation order of {}, or move `{}` to an earlier level if they should decide first",
                judge::source(d),
                n.person
            ),
            owner,
        );
    }

    /// A late or missed expectation whose chain engages nobody in time;
    /// false when the chain did, so the delay was the team's.
    pub(super) fn slow_chain(&mut self, d: &Decision, within: Duration, expectation: &str) -> bool {
        if d.verdict != Verdict::Chain {
            return false;
        }
        match d.first_deciders() {
            Some(step) if step.offset > within.secs() => {
                let span = self.source_span(d);
                self.finding(
                    format!(
                        "{} first engages a decider at +{}, after the +{within} that `{expectation}` allows",
                        judge::source(d),
                        Duration(step.offset)
                    ),
                    span,
                    format!(
                        "engage a decider within +{within}: shorten the first levels' `after` in {}, or put a decider at level 1",
                        judge::source(d)
                    ),
                    Owner::Authority,
                );
                true
            }
            _ => false,
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
