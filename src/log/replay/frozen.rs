//! An open decision's chain as the log froze it, as an engine answer: what
//! a resumed console shows when today's runbook no longer gives the same
//! chain, or no longer has the identity or the rule. Frozen means frozen:
//! a decision opened under one runbook is finished under the chain it was
//! opened with.
//!
//! The log keeps each level's start, people, target and length; what it
//! does not keep (why each person is there, when their shift ends, whom a
//! backup stands in for) is said as "as the log froze it".

use super::Open;
use crate::engine::people::Decider;
use crate::engine::{Decision, Impact, Origin, Step, Verdict};
use crate::model::{Action, Criticality, Duration, Span, Spanned, Target, Text};
use chrono::TimeDelta;
use chrono_tz::Tz;

/// What the log cannot say about a person in a frozen level.
const FROZEN: &str = "as the log froze it";

impl Open {
    /// The decision as it was opened, in plant time `tz`; `None` when the
    /// log names an action or verdict this andon does not know, or a level
    /// whose target is neither a role nor a person.
    pub fn frozen(&self, tz: Tz) -> Option<Decision> {
        let action = Action::parse(&self.action)?;
        let verdict = Verdict::parse(&self.verdict)?;
        let at = self
            .resolved_at
            .unwrap_or(self.opened_at)
            .with_timezone(&tz);
        let steps = (self.chain.iter())
            .map(|level| {
                let offset = i64::try_from(level.offset_s).ok()?;
                let starts_at = match level.starts_at {
                    Some(t) => t.with_timezone(&tz),
                    None => at.checked_add_signed(TimeDelta::try_seconds(offset)?)?,
                };
                Some(Step {
                    offset: level.offset_s,
                    starts_at,
                    target: target(&level.via)?,
                    origin: Origin::Level(level.level.saturating_sub(1)),
                    people: (level.people.iter())
                        .map(|p| Decider {
                            person: Text::from(p.as_str()),
                            reason: FROZEN.to_owned(),
                            until: None,
                            backup_for: None,
                        })
                        .collect(),
                    skipped: level.skipped,
                    lasts: level.lasts_s.map(Duration),
                    why: format!("level {} {FROZEN}", level.level),
                })
            })
            .collect::<Option<Vec<Step>>>()?;
        let texts = |v: &[String]| v.iter().map(|s| Text::from(s.as_str())).collect();
        Some(Decision {
            identity: self.identity.as_deref().map(Text::from),
            action,
            state: Text::from(self.state.as_str()),
            at,
            verdict,
            rule: self.rule.as_deref().map(Text::from),
            rules: texts(&self.rules),
            reasons: texts(&self.reasons),
            steps,
            repeat: self.repeat,
            two_person: self.two_person,
            pre_approved: self.pre_approved,
            consult: texts(&self.consult),
            preconditions: texts(&self.preconditions),
            impact: (self.impact.iter())
                .filter_map(|i| {
                    Some(Impact {
                        system: Text::from(i.system.as_str()),
                        criticality: Criticality::parse(&i.criticality)?,
                        safe_state: None,
                        via: None,
                    })
                })
                .collect(),
        })
    }
}

/// `role:ID` or `person:ID`, as `via` writes them.
fn target(via: &str) -> Option<Target> {
    let unplaced = |id: &str| Spanned::new(Text::from(id), Span::default());
    match via.split_once(':')? {
        ("role", id) => Some(Target::Role(unplaced(id))),
        ("person", id) => Some(Target::Person(unplaced(id))),
        _ => None,
    }
}
