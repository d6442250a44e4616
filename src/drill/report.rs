//! The after-action report of a drill: header, timeline, expectations with
//! their status and time to decision, objective ratings, where authority
//! was unclear, and runbook findings located by `file:line`.
//!
//! [`AfterAction`] is plain data, built once from a [`Finished`] drill; it
//! serializes as the JSON report, and [`AfterAction::markdown`] renders the
//! Markdown one (with a Mermaid picture and a plain-text timeline,
//! [`AfterAction::text_timeline`], for the terminal).

use super::judge::{self, Judged, Status};
use super::notes::Notes;
pub use super::notes::{Finding, Improvement, Unclear, relative, tidy};
use super::run::{Entry, Finished};
use crate::engine::Decision;
use crate::model::{Duration, Expectation};
use chrono::{DateTime, SubsecRound};
use chrono_tz::Tz;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The after-action report.
#[derive(Debug, Clone, Serialize)]
pub struct AfterAction {
    pub scenario: String,
    pub title: String,
    pub scenario_path: String,
    pub runbook: String,
    pub plant: String,
    pub timezone: String,
    pub start: When,
    pub start_state: String,
    pub end: When,
    pub final_state: String,
    /// Whether every expectation is met.
    pub met: bool,
    /// `1 of 2 expectations met`.
    pub summary: String,
    pub timeline: Vec<Line>,
    pub expectations: Vec<ExpectationReport>,
    pub objectives: Vec<ObjectiveReport>,
    /// Ambiguous or uncovered questions and skipped levels.
    pub unclear: Vec<Unclear>,
    /// Backups who stood in for someone unavailable: the runbook working
    /// as written, not a gap (kind `backup`).
    pub stood_in: Vec<Unclear>,
    pub findings: Vec<Finding>,
    /// Each finding with its corrective action and owner, then each
    /// expectation the team missed with a chain that was not at fault.
    pub improvements: Vec<Improvement>,
    /// The content hash of the runbook's files (`sha256:...`).
    pub runbook_hash: String,
    /// Everyone who decided, by name: `Klaus Becker (klaus)`.
    pub participants: Vec<String>,
    /// People's names by id, for the report's text.
    pub names: std::collections::BTreeMap<String, String>,
    /// When the exercise was run, real time (RFC 3339), when known.
    pub exercised_at: Option<String>,
    /// The decision log of the drill and its verification, when written.
    pub log: Option<LogFacts>,
    #[serde(skip)]
    pub(super) start_time: DateTime<Tz>,
}

/// The drill's decision log as the report names it: an auditor checks the
/// copy they hold against `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogFacts {
    pub path: String,
    pub events: u64,
    /// `chain intact`, or what `andon log verify` found.
    pub verification: String,
    /// `seq` and `hash` of the last line.
    pub head_seq: Option<u64>,
    pub head_hash: Option<String>,
}

impl LogFacts {
    /// Reads back and verifies the log at `path`.
    pub fn of(path: &Path) -> LogFacts {
        let shown = tidy(path);
        match crate::log::verify(path) {
            Ok(v) => LogFacts {
                path: shown,
                events: v.events,
                verification: match &v.problem {
                    None if !v.story_holds() => {
                        "chain intact, but the story does not hold (see andon log verify)"
                            .to_owned()
                    }
                    None if v.closed => "chain intact".to_owned(),
                    None => "chain intact, not closed".to_owned(),
                    Some(p) => format!("BROKEN at line {}: {}", p.line, p.fault),
                },
                head_seq: v.head.as_ref().map(|h| h.0),
                head_hash: v.head.map(|h| h.1),
            },
            Err(e) => LogFacts {
                path: shown,
                events: 0,
                verification: format!("not verified: {e}"),
                head_seq: None,
                head_hash: None,
            },
        }
    }
}

/// A moment of the drill: its offset and its plant time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct When {
    pub offset_s: u64,
    /// `+4m`.
    pub offset: String,
    /// Plant clock, `02:14` (with the date when it is not the start's).
    pub clock: String,
    /// RFC 3339.
    pub at: String,
}

/// One line of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub when: When,
    #[serde(flatten)]
    pub what: Happened,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Happened {
    Inject {
        /// From 1, in the scenario's order.
        n: usize,
        text: String,
        identities: Vec<String>,
        attack: Vec<String>,
        /// People it made unavailable.
        unavailable: Vec<String>,
    },
    Decision(DecisionLine),
    StateDeclared {
        state: String,
        from: String,
        decision: String,
    },
}

/// A decision as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionLine {
    pub id: String,
    /// `disconnect vendor-acme-remote`, `declare emergency`.
    pub what: String,
    pub action: String,
    pub identity: Option<String>,
    /// The production state it was taken in.
    pub state: String,
    pub by: Vec<String>,
    /// `approved` or `declined`.
    pub outcome: &'static str,
    /// `chain`, `forbidden`, `ambiguous` or `uncovered`.
    pub verdict: &'static str,
    pub rule: Option<String>,
    /// The first level that names each decider (from 1), if any.
    pub levels: Vec<Option<usize>>,
    pub authorized: bool,
    pub ahead_of_chain: bool,
    pub preconditions_acknowledged: bool,
    pub flags: Vec<String>,
}

/// One expectation's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectationReport {
    pub id: String,
    pub objective: String,
    /// `disconnect vendor-acme-remote`, `declare emergency`.
    pub what: String,
    pub by: Option<String>,
    pub deadline: When,
    /// `met`, `late`, `unauthorized`, `forbidden` or `missed`.
    pub status: &'static str,
    /// The decision that counted (`D2`).
    pub decision: Option<String>,
    pub time_to_decision_s: Option<u64>,
    pub why: String,
    /// The chain it was measured against, on the drill clock.
    pub chain: ChainReport,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub verdict: &'static str,
    pub rule: Option<String>,
    pub two_person: bool,
    pub pre_approved: bool,
    pub levels: Vec<LevelReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelReport {
    pub level: usize,
    /// `role:shift-lead` or `person:dana`.
    pub via: String,
    pub people: Vec<String>,
    pub from_s: u64,
    /// When the next level takes over; `None`: the chain ends with it.
    pub until_s: Option<u64>,
    pub skipped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveReport {
    pub id: String,
    pub text: String,
    /// `P`, `S`, `M` or `U`; `None`: no expectation scores it.
    pub rating: Option<&'static str>,
    pub meaning: Option<&'static str>,
    pub reason: String,
}

impl AfterAction {
    /// Writes the report next to the drill's log, as `LOG.report.html` (a
    /// self-contained page to print on A4), `LOG.report.md` and
    /// `LOG.report.json`; returns their paths.
    pub fn write_beside(&self, log: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
        use anyhow::Context as _;
        let beside = |ext: &str| {
            let mut name = log.as_os_str().to_owned();
            name.push(ext);
            PathBuf::from(name)
        };
        let (md_path, json_path) = (beside(".report.md"), beside(".report.json"));
        let html_path = beside(".report.html");
        let json = serde_json::to_string_pretty(self)?;
        let markdown = self.markdown();
        // The page has its own title: the Markdown's first heading is dropped.
        let body = markdown.split_once('\n').map_or("", |(_, rest)| rest);
        let html = crate::log::report::html::page(
            &format!("After-action report: {}", self.title),
            &crate::log::report::html::from_markdown(body),
        );
        // Mode 0600 like the log, never through a link planted there.
        for (path, bytes) in [
            (&md_path, markdown.as_bytes()),
            (&json_path, format!("{json}\n").as_bytes()),
            (&html_path, html.as_bytes()),
        ] {
            crate::fsio::write_atomically(path, bytes)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        Ok((md_path, json_path))
    }
}

impl AfterAction {
    /// Builds the report of a finished drill.
    pub fn new(f: &Finished) -> AfterAction {
        let rb = f.runbook;
        let when = |offset: Duration| When::new(f.start, offset);
        let met = f.scores.iter().filter(|s| s.status == Status::Met).count();
        let mut report = AfterAction {
            scenario: f.scenario.id.value.to_string(),
            title: f.scenario.title.to_string(),
            scenario_path: tidy(&f.scenario.path),
            runbook: tidy(&f.scenario.runbook_path),
            plant: rb
                .plant
                .name
                .as_deref()
                .unwrap_or(&rb.plant.id.value)
                .to_owned(),
            timezone: rb.plant.timezone.value.name().to_owned(),
            start: when(Duration(0)),
            start_state: f.start_state.to_string(),
            end: when(f.end),
            final_state: f.state.to_string(),
            met: f.met(),
            summary: format!(
                "{met} of {} met",
                judge::plural(f.scores.len(), "expectation")
            ),
            timeline: timeline(f),
            expectations: Vec::new(),
            objectives: f
                .ratings
                .iter()
                .map(|r| ObjectiveReport {
                    id: r.objective.to_string(),
                    text: r.text.to_string(),
                    rating: r.rating.map(|r| r.as_str()),
                    meaning: r.rating.map(|r| r.meaning()),
                    reason: r.reason.clone(),
                })
                .collect(),
            unclear: Vec::new(),
            stood_in: Vec::new(),
            findings: Vec::new(),
            improvements: Vec::new(),
            runbook_hash: rb.content_hash.clone(),
            participants: Vec::new(),
            names: (rb.people.iter())
                .map(|p| (p.id.value.to_string(), p.label().to_owned()))
                .collect(),
            exercised_at: None,
            log: None,
            start_time: f.start,
        };
        let mut deciders: Vec<&str> = Vec::new();
        for t in &f.taken {
            for p in &t.act.by {
                if !deciders.contains(&p.as_str()) {
                    deciders.push(p);
                }
            }
        }
        report.participants = deciders.iter().map(|p| report.person(p)).collect();
        for ((e, score), chain) in f.scenario.expect.iter().zip(&f.scores).zip(&f.chains) {
            report.expectations.push(ExpectationReport {
                id: e.id.value.to_string(),
                objective: e.objective.value.to_string(),
                what: expected(e),
                by: e.by.as_ref().map(|b| b.value.to_string()),
                deadline: when(e.within.value),
                status: score.status.as_str(),
                decision: score.decision.map(|i| f.taken[i].id.clone()),
                time_to_decision_s: score.time_to_decision.map(Duration::secs),
                why: score.why.clone(),
                chain: ChainReport::new(chain),
            });
        }
        let mut notes = Notes {
            runbook: rb,
            root: &f.scenario.runbook_path,
            unclear: Vec::new(),
            findings: Vec::new(),
            improvements: Vec::new(),
        };
        for t in &f.taken {
            notes.chain(
                &t.judgement.decision,
                &question(&t.act.action_phrase(), &t.state),
                &t.unavailable,
            );
            notes.decision(t);
        }
        for ((e, score), chain) in f.scenario.expect.iter().zip(&f.scores).zip(&f.chains) {
            if score.decision.is_none() {
                notes.chain(chain, &question(&expected(e), &chain.state), &[]);
            }
            if matches!(score.status, Status::Late | Status::Missed)
                && !notes.slow_chain(chain, e.within.value, &e.id.value)
                && chain.verdict == crate::engine::Verdict::Chain
            {
                let took = match score.time_to_decision {
                    Some(t) => format!("decided at +{t}"),
                    None => "not decided".to_owned(),
                };
                let owner = notes.first_role(chain);
                notes.improve(
                    format!(
                        "`{}` ({}) was {}: expected within +{}, {took}",
                        e.id.value,
                        expected(e),
                        score.status,
                        e.within.value
                    ),
                    None,
                    format!(
                        "rehearse {} within +{} with the chain as written: it reaches a decider in time",
                        expected(e),
                        e.within.value
                    ),
                    owner,
                );
            }
        }
        let (stood_in, unclear) = notes.unclear.into_iter().partition(|u| u.kind == "backup");
        report.stood_in = stood_in;
        report.unclear = unclear;
        report.findings = notes.findings;
        report.improvements = notes.improvements;
        report
    }

    /// `Klaus Becker (klaus)`, or the id alone when the runbook has no name.
    pub fn person(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(name) if name != id => format!("{name} ({id})"),
            _ => id.to_owned(),
        }
    }

    /// The real time the exercise was run, and its decision log, for the header.
    pub fn exercised(
        mut self,
        at: chrono::DateTime<chrono::Utc>,
        log: Option<&Path>,
    ) -> AfterAction {
        self.exercised_at = Some(at.trunc_subsecs(0).to_rfc3339());
        self.log = log.map(LogFacts::of);
        self
    }
}

/// `disconnect vendor-acme-remote`, `declare emergency`.
fn expected(e: &Expectation) -> String {
    match (&e.identity, &e.state) {
        (Some(identity), _) => format!("{} {identity}", e.action.value),
        (None, Some(state)) => format!("{} {state}", e.action.value),
        (None, None) => e.action.value.to_string(),
    }
}

/// A question as the report names it: `disconnect vpn in normal`, or
/// `declare emergency` (a declaration is asked in no particular state).
fn question(what: &str, state: &str) -> String {
    if what.starts_with("declare ") {
        what.to_owned()
    } else {
        format!("{what} in {state}")
    }
}

impl When {
    pub fn new(start: DateTime<Tz>, offset: Duration) -> When {
        let t = super::run::instant_at(start, offset);
        When {
            offset_s: offset.secs(),
            offset: format!("+{offset}"),
            clock: crate::model::clock::clock_seconds(t, start),
            at: t.to_rfc3339(),
        }
    }
}

impl ChainReport {
    fn new(d: &Decision) -> ChainReport {
        ChainReport {
            verdict: d.verdict.as_str(),
            rule: d.rule.as_ref().map(|r| r.to_string()),
            two_person: d.two_person,
            pre_approved: d.pre_approved,
            levels: d
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| LevelReport {
                    level: i + 1,
                    via: crate::log::events::via(&s.target),
                    people: s.people.iter().map(|p| p.person.to_string()).collect(),
                    from_s: s.offset,
                    until_s: s.lasts.map(|l| s.offset.saturating_add(l.secs())),
                    skipped: s.skipped,
                })
                .collect(),
        }
    }
}

fn timeline(f: &Finished) -> Vec<Line> {
    let mut lines = Vec::new();
    for e in &f.entries {
        match e {
            Entry::Inject {
                index,
                at,
                unavailable,
            } => {
                let inject = &f.scenario.injects[*index];
                let ids =
                    |ids: &[crate::model::Ref]| ids.iter().map(|i| i.value.to_string()).collect();
                lines.push(Line {
                    when: When::new(f.start, *at),
                    what: Happened::Inject {
                        n: index + 1,
                        text: inject.text.to_string(),
                        identities: ids(&inject.identities),
                        attack: inject.attack.iter().map(|a| a.value.to_string()).collect(),
                        unavailable: unavailable.iter().map(|p| p.to_string()).collect(),
                    },
                });
            }
            Entry::Decision { index } => {
                let Some(t) = f.taken.get(*index) else {
                    continue;
                };
                let when = When::new(f.start, t.act.at);
                lines.push(Line {
                    when: when.clone(),
                    what: Happened::Decision(decision_line(t)),
                });
                if t.declared {
                    lines.push(Line {
                        when,
                        what: Happened::StateDeclared {
                            state: t.act.state.as_deref().unwrap_or_default().to_owned(),
                            from: t.state.to_string(),
                            decision: t.id.clone(),
                        },
                    });
                }
            }
        }
    }
    lines
}

fn decision_line(t: &Judged) -> DecisionLine {
    let j = &t.judgement;
    DecisionLine {
        id: t.id.clone(),
        what: t.act.action_phrase(),
        action: t.act.action.to_string(),
        identity: t.act.identity.as_ref().map(|i| i.to_string()),
        state: t.state.to_string(),
        by: t.act.by.iter().map(|p| p.to_string()).collect(),
        outcome: if t.act.approved {
            "approved"
        } else {
            "declined"
        },
        verdict: j.decision.verdict.as_str(),
        rule: j.decision.rule.as_ref().map(|r| r.to_string()),
        levels: j.deciders.iter().map(|d| d.level).collect(),
        authorized: j.authorized,
        ahead_of_chain: j.ahead_of_chain,
        preconditions_acknowledged: j.preconditions_acknowledged(),
        flags: j.flags.clone(),
    }
}
