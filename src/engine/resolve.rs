//! Who decides, in what order, from when, and what the action stops (spec,
//! Resolution steps 5 to 8).

use super::Engine;
use super::authority::Selection;
use super::people::{Decider, level_people_with};
use crate::model::{Action, Criticality, Duration, Level, Outcome, Target, Text};
use chrono::DateTime;
use chrono_tz::Tz;

/// Room kept after each step's start: a level's time (at most 366 days,
/// `load::read::MAX_DURATION_DAYS`) and a day of slack, so that
/// `starts_at + lasts` ([`Step::ends_at`]) and a day's look-ahead from it
/// never overflow.
const LAST_LEVEL_ROOM: chrono::TimeDelta = chrono::TimeDelta::days(368);

/// What resolution concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Chain,
    Forbidden,
    Ambiguous,
    Uncovered,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Chain => "chain",
            Verdict::Forbidden => "forbidden",
            Verdict::Ambiguous => "ambiguous",
            Verdict::Uncovered => "uncovered",
        }
    }

    /// The verdict [`Verdict::as_str`] spells `text`, as a log writes it.
    pub fn parse(text: &str) -> Option<Verdict> {
        [
            Verdict::Chain,
            Verdict::Forbidden,
            Verdict::Ambiguous,
            Verdict::Uncovered,
        ]
        .into_iter()
        .find(|v| v.as_str() == text)
    }
}

/// Where a step's level came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Level `index` (0-based) of the winning rule or of the state's `declare` chain.
    Level(usize),
    /// Reached by following `escalates_to` from this role.
    EscalatesFrom(Text),
}

/// One level of the resolved chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Seconds from the query time at which this level is engaged.
    pub offset: u64,
    pub starts_at: DateTime<Tz>,
    pub target: Target,
    pub origin: Origin,
    /// Empty when the level is skipped.
    pub people: Vec<Decider>,
    pub skipped: bool,
    /// How long this level has before the next; `None` ends the chain.
    pub lasts: Option<Duration>,
    /// Why this level, and why these people.
    pub why: String,
}

impl Step {
    /// When this level's time runs out (`starts_at + lasts`); `None` when
    /// it ends the chain. Cannot overflow: [`Engine::walk`] keeps room for
    /// it after every start.
    pub fn ends_at(&self) -> Option<DateTime<Tz>> {
        self.starts_at.checked_add_signed(self.lasts?.to_chrono())
    }
}

/// A system an action stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    pub system: Text,
    pub criticality: Criticality,
    pub safe_state: Option<Text>,
    /// `serves`, or the system it depends on.
    pub via: Option<Text>,
}

/// The full answer to "who may do this, and what happens if they do".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// `None` for a `declare` question.
    pub identity: Option<Text>,
    pub action: Action,
    pub state: Text,
    pub at: DateTime<Tz>,
    pub verdict: Verdict,
    /// The winning rule (chain only).
    pub rule: Option<Text>,
    /// Forbidding or tied rules.
    pub rules: Vec<Text>,
    /// Forbid reasons, one per forbidding rule.
    pub reasons: Vec<Text>,
    pub steps: Vec<Step>,
    pub repeat: u8,
    pub two_person: bool,
    pub pre_approved: bool,
    pub consult: Vec<Text>,
    pub preconditions: Vec<Text>,
    pub impact: Vec<Impact>,
}

impl Decision {
    /// An uncovered decision, to be filled in.
    fn open(identity: Option<Text>, action: Action, state: Text, at: DateTime<Tz>) -> Decision {
        Decision {
            identity,
            action,
            state,
            at,
            verdict: Verdict::Uncovered,
            rule: None,
            rules: Vec::new(),
            reasons: Vec::new(),
            steps: Vec::new(),
            repeat: 0,
            two_person: false,
            pre_approved: false,
            consult: Vec::new(),
            preconditions: Vec::new(),
            impact: Vec::new(),
        }
    }

    /// The first level that engages someone.
    pub fn first_deciders(&self) -> Option<&Step> {
        self.steps.iter().find(|s| !s.skipped)
    }

    /// Everyone the chain can reach, in the order it calls them, each once.
    pub fn reachable(&self) -> Vec<&Text> {
        let mut people: Vec<&Text> = Vec::new();
        for d in self.steps.iter().flat_map(|s| &s.people) {
            if !people.contains(&&d.person) {
                people.push(&d.person);
            }
        }
        people
    }

    /// A `two_person` chain that reaches one person only, at this time:
    /// the rule cannot be met inside the chain. That person's id.
    pub fn lone_of_two(&self) -> Option<&Text> {
        if !self.two_person || self.verdict != Verdict::Chain {
            return None;
        }
        match self.reachable().as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// A question to resolve.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub identity: &'a str,
    pub action: Action,
    pub state: &'a str,
    pub at: DateTime<Tz>,
    pub unavailable: &'a [String],
}

impl Engine<'_> {
    /// Resolves a query (spec, Resolution). An unknown identity is uncovered.
    pub fn resolve(&self, q: &Query) -> Decision {
        let rb = self.runbook;
        let state = self.text(&rb.index.states, q.state);
        let Some(&identity_index) = rb.index.identities.get(q.identity) else {
            return Decision::open(Some(Text::from(q.identity)), q.action, state, q.at);
        };
        let mut decision = Decision::open(
            Some(rb.identities[identity_index].id.value.clone()),
            q.action,
            state,
            q.at,
        );
        let identity = &rb.identities[identity_index];
        if q.action.stops_service() {
            decision.impact = self.impact(identity_index);
        }
        let candidates = self.rules.candidates(rb, identity, q.action, q.state);
        match super::authority::select(rb, &candidates) {
            Selection::Uncovered => {}
            Selection::Forbidden(rules) => {
                decision.verdict = Verdict::Forbidden;
                for i in rules {
                    let rule = &rb.rules[i];
                    decision.rules.push(rule.id.value.clone());
                    if let Outcome::Forbid(reason) = &rule.outcome {
                        decision.reasons.push(reason.value.clone());
                    }
                }
            }
            Selection::Ambiguous(rules) => {
                decision.verdict = Verdict::Ambiguous;
                decision.rules = rules
                    .iter()
                    .map(|&i| rb.rules[i].id.value.clone())
                    .collect();
            }
            Selection::Rule(i) => self.fill_chain(&mut decision, i, q.unavailable),
        }
        decision
    }

    fn fill_chain(&self, decision: &mut Decision, index: usize, unavailable: &[String]) {
        let rule = &self.runbook.rules[index];
        let Some(decide) = rule.decide() else { return };
        decision.verdict = Verdict::Chain;
        decision.rule = Some(rule.id.value.clone());
        decision.repeat = decide.repeat;
        decision.two_person = decide.two_person;
        decision.pre_approved = decide.pre_approved;
        decision.consult = decide
            .consult
            .iter()
            .map(|t| t.id().value.clone())
            .collect();
        decision.preconditions = decide.preconditions.clone();
        decision.steps = match self.chains.get(index) {
            Some(chain) => self.walk_chain(chain, decision.at, unavailable, 0),
            None => {
                let label = format!("rule {}", rule.id.value);
                self.walk(&decide.levels, &label, decision.at, unavailable, 0)
            }
        };
    }

    /// Who may declare `state` (its `declare` chain). No chain: uncovered.
    pub fn declare(&self, state: &str, at: DateTime<Tz>, unavailable: &[String]) -> Decision {
        let state_id = self.text(&self.runbook.index.states, state);
        let mut decision = Decision::open(None, Action::Declare, state_id, at);
        if let Some(s) = self.runbook.state(state)
            && !s.declare.is_empty()
        {
            decision.verdict = Verdict::Chain;
            let label = format!("state {} declare", s.id.value);
            decision.steps = self.walk(&s.declare, &label, at, unavailable, 0);
        }
        decision
    }

    /// Expands a chain (step 5), maps each level to people at the time it
    /// starts (step 6) and lays out timers (step 7), from level `from` on
    /// (the console resolves open decisions again from their current level).
    pub fn walk(
        &self,
        levels: &[Level],
        label: &str,
        at: DateTime<Tz>,
        unavailable: &[String],
        from: usize,
    ) -> Vec<Step> {
        let chain = chain(self.runbook, levels, label);
        self.walk_chain(&chain, at, unavailable, from)
    }

    /// [`Engine::walk`] over a chain already expanded.
    fn walk_chain(
        &self,
        chain: &[ChainLevel],
        at: DateTime<Tz>,
        unavailable: &[String],
        from: usize,
    ) -> Vec<Step> {
        let rb = self.runbook;
        let mut steps = Vec::with_capacity(chain.len().saturating_sub(from));
        let mut offset: u64 = 0;
        for link in chain.iter().skip(from) {
            // `at` is in the calendar's years (`model::YEARS`, enforced where
            // times are parsed) and each level lasts at most 366 days
            // (`load::read::MAX_DURATION_DAYS`), but a chain has no bound on
            // its length (levels, then `escalates_to` through every role):
            // a level that would start past chrono's last instant, or too
            // near it for its own time to be added, ends the chain there.
            let Some(starts_at) = at
                .checked_add_signed(Duration(offset).to_chrono())
                .filter(|s| s.checked_add_signed(LAST_LEVEL_ROOM).is_some())
            else {
                break;
            };
            let people = level_people_with(rb, &link.level.target, unavailable, |role| {
                self.on_call.on_call(rb, role, starts_at)
            });
            let skipped = people.is_empty();
            let lasts = if skipped {
                None
            } else {
                link.level.after.map(|a| a.value).or(link.role_after)
            };
            let why = why(&link.head, &link.level.target, &people);
            steps.push(Step {
                offset,
                starts_at,
                target: link.level.target.clone(),
                origin: link.origin.clone(),
                people,
                skipped,
                lasts,
                why,
            });
            if skipped {
                continue;
            }
            match lasts {
                Some(d) => offset = offset.saturating_add(d.secs()),
                None => break,
            }
        }
        steps
    }

    /// The runbook's shared text for `id` when it defines it, else a copy.
    fn text(&self, index: &crate::model::IdIndex, id: &str) -> Text {
        index
            .get_key_value(id)
            .map_or_else(|| Text::from(id), |(k, _)| k.clone())
    }

    /// Step 8: the systems an action that stops the identity would stop.
    fn impact(&self, identity: usize) -> Vec<Impact> {
        let rb = self.runbook;
        self.graphs
            .systems
            .impact(identity)
            .into_iter()
            .map(|entry| {
                let system = &rb.systems[entry.system];
                Impact {
                    system: system.id.value.clone(),
                    criticality: system.criticality,
                    safe_state: system.safe_state.clone(),
                    via: match entry.via {
                        super::graph::Via::Serves | super::graph::Via::Access => None,
                        super::graph::Via::DependsOn(on) => Some(rb.systems[on].id.value.clone()),
                    },
                }
            })
            .collect()
    }
}

/// One level of an expanded chain, with what walking it needs ready.
#[derive(Debug, Clone)]
pub struct ChainLevel {
    level: Level,
    origin: Origin,
    /// The `after` of the level's role (a role level), used when the level has none.
    role_after: Option<Duration>,
    /// The start of the level's explanation: `rule r1 level 2`.
    head: String,
}

/// The expanded chain of every rule that decides (empty for one that
/// forbids), by position: built once per engine, so that a question walks
/// it without looking roles up or writing its labels again.
pub fn rule_chains(runbook: &crate::model::Runbook) -> Vec<Vec<ChainLevel>> {
    runbook
        .rules
        .iter()
        .map(|rule| match rule.decide() {
            Some(decide) => chain(runbook, &decide.levels, &format!("rule {}", rule.id.value)),
            None => Vec::new(),
        })
        .collect()
}

/// Step 5 on `levels`, labelled `label` in the explanations.
fn chain(runbook: &crate::model::Runbook, levels: &[Level], label: &str) -> Vec<ChainLevel> {
    expand(runbook, levels)
        .into_iter()
        .map(|(level, origin)| {
            let role_after = match &level.target {
                Target::Role(r) => runbook
                    .role(&r.value)
                    .and_then(|role| role.after)
                    .map(|a| a.value),
                Target::Person(_) => None,
            };
            let head = match &origin {
                Origin::Level(i) => format!("{label} level {}", i + 1),
                Origin::EscalatesFrom(role) => format!("escalates_to from {role} ({label})"),
            };
            ChainLevel {
                level,
                origin,
                role_after,
                head,
            }
        })
        .collect()
}

/// Step 5: the rule's levels, then `escalates_to` from the last role until a
/// role has none or one is already in the chain.
fn expand(rb: &crate::model::Runbook, levels: &[Level]) -> Vec<(Level, Origin)> {
    let mut chain: Vec<(Level, Origin)> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), Origin::Level(i)))
        .collect();
    let mut roles: Vec<&str> = levels
        .iter()
        .filter_map(|l| match &l.target {
            Target::Role(r) => Some(r.value.as_str()),
            Target::Person(_) => None,
        })
        .collect();
    let Some(Target::Role(last)) = levels.last().map(|l| &l.target) else {
        return chain;
    };
    let mut current = &last.value;
    while let Some(next) = rb.role(current).and_then(|r| r.escalates_to.as_ref()) {
        if roles.contains(&next.value.as_str()) {
            break;
        }
        roles.push(&next.value);
        let level = Level {
            target: Target::Role(next.clone()),
            after: None,
            span: next.span,
        };
        chain.push((level, Origin::EscalatesFrom(current.clone())));
        current = &next.value;
    }
    chain
}

/// Why a level, and why these people: its head, then each person and why
/// they are here (or why nobody is).
fn why(head: &str, target: &Target, people: &[Decider]) -> String {
    if people.is_empty() {
        let what = match target {
            Target::Role(r) => format!("nobody in {} can answer", r.value),
            Target::Person(p) => format!("{} and their backups cannot answer", p.value),
        };
        return format!("{head}; {what}, level skipped");
    }
    let length: usize = people
        .iter()
        .map(|d| d.person.len() + d.reason.len() + 3)
        .sum();
    let mut out = String::with_capacity(head.len() + 2 + length);
    out.push_str(head);
    out.push_str("; ");
    for (i, d) in people.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&d.person);
        out.push(' ');
        out.push_str(&d.reason);
    }
    out
}
