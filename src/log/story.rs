//! What a log's events say, checked for sense: the hash chain proves the
//! lines are those written, not that they tell one session's story. A log
//! forged and re-hashed, two logs joined, or a writer with a wrong clock
//! shows here, each finding located by line and `seq`.
//!
//! Errors break the story (`log verify` exits 1 on them, `--resume` refuses
//! the log): the first event is not `opened`, a second `opened`, a decision
//! numbered outside `D1`..`D1000000` or opened twice, an event about a
//! decision never opened, a decision decided twice or acted on after it was
//! decided, a `decided` about another identity or action than its decision,
//! an escalation to a level its chain does not have, a decision whose
//! action, verdict or chain this andon cannot read. Warnings are said and
//! do not fail: a time earlier than the event before it (a clock stepped
//! back, or two consoles' clocks in a shared incident), a `recovered`
//! event (a torn last line was cut off on `--resume --recover`), and, in a
//! shared incident's log only, a decision number opened again (a console
//! cut off from the database recorded its own, then copied the
//! incident's).

use super::event::Body;
use super::{Entry, Kind};
use std::collections::HashMap;
use std::fmt;

/// The highest decision number a log may hold: a console numbers its
/// decisions from `D1`, one more each; more than a million in one incident
/// is not a session but a forged line, and a number near the integer
/// limits would overflow the next one.
pub const MAX_DECISION: u64 = 1_000_000;

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// The story does not hold: `log verify` fails, `--resume` refuses.
    Error,
    /// Worth saying; the log is still one session's story.
    Warning,
}

/// One thing wrong with what the events say, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The event's line in the file, from 1.
    pub line: usize,
    pub seq: u64,
    pub weight: Weight,
    pub text: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} (seq {}): {}", self.line, self.seq, self.text)
    }
}

/// Where a decision was opened and decided.
#[derive(Debug, Clone, Default)]
struct Seen {
    opened: usize,
    decided: Option<usize>,
    identity: Option<String>,
    action: String,
    levels: usize,
}

/// The findings on `events` (a chain already checked), in line order.
pub fn check(events: &[Entry]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut say = |e: &Entry, weight: Weight, text: String| {
        out.push(Finding {
            line: e.line,
            seq: e.seq,
            weight,
            text,
        });
    };
    let mut opened: Option<usize> = None;
    // The log of a console on a shared incident (`opened` names it).
    let mut shared = false;
    let mut decisions: HashMap<String, Seen> = HashMap::new();
    let mut previous: Option<&Entry> = None;
    for e in events {
        if let Some(p) = previous
            && e.event.at < p.event.at
        {
            say(
                e,
                Weight::Warning,
                format!(
                    "its time {} is before the previous event's {} (line {}): a clock stepped back, two consoles' clocks disagree, or the line was forged",
                    e.event.at.to_rfc3339(),
                    p.event.at.to_rfc3339(),
                    p.line
                ),
            );
        }
        previous = Some(e);
        if opened.is_none() && e.event.kind() != Kind::Opened {
            say(
                e,
                Weight::Error,
                format!(
                    "the log does not begin with `opened` (its first event is `{}`): its beginning was cut off, or it was forged",
                    e.event.kind().as_str()
                ),
            );
            // Said once: every later event would repeat it.
            opened = Some(0);
        }
        let about =
            |kind: &str, id: &str, decisions: &HashMap<String, Seen>| match decisions.get(id) {
                None => Err(format!(
                    "`{kind}` for {}, which was never opened in this log",
                    shown(id)
                )),
                Some(s) => Ok(s.clone()),
            };
        match &e.event.body {
            Body::Opened(o) => match opened {
                Some(first) if first > 0 => say(
                    e,
                    Weight::Error,
                    format!(
                        "a second `opened` (the first is line {first}): two sessions' logs joined, or a line forged"
                    ),
                ),
                _ => {
                    opened = Some(e.line);
                    shared = o.incident.is_some();
                }
            },
            Body::DecisionOpened(d) => {
                if let Err(why) = number(&d.decision) {
                    say(e, Weight::Error, why);
                } else if let Some(why) = unreadable(d) {
                    say(e, Weight::Error, format!("{}: {why}", d.decision));
                } else if let Some(s) = decisions.get(&d.decision)
                    && !shared
                {
                    say(
                        e,
                        Weight::Error,
                        format!(
                            "{} is opened again (first opened line {}): decision numbers are never reused",
                            d.decision, s.opened
                        ),
                    );
                } else {
                    // A shared incident's console cut off from the database
                    // records on its own log; back online, it copies the
                    // incident's events, which may number another decision
                    // the same: said, and the later one followed.
                    if let Some(s) = decisions.get(&d.decision) {
                        say(
                            e,
                            Weight::Warning,
                            format!(
                                "{} is opened again (first opened line {}): in a shared incident's log, the incident's {} after what this console recorded while it was cut off",
                                d.decision, s.opened, d.decision
                            ),
                        );
                    }
                    decisions.insert(
                        d.decision.clone(),
                        Seen {
                            opened: e.line,
                            decided: None,
                            identity: d.identity.clone(),
                            action: d.action.clone(),
                            levels: d.chain.len(),
                        },
                    );
                }
            }
            Body::Escalated(x) => match about("escalated", &x.decision, &decisions) {
                Err(why) => say(e, Weight::Error, why),
                Ok(s) => {
                    let levels = x.chain.as_ref().map_or(s.levels, Vec::len);
                    if let Some(line) = s.decided {
                        say(
                            e,
                            Weight::Error,
                            after_decided("escalated", &x.decision, line),
                        );
                    } else if x.level == 0 || x.level > levels {
                        say(
                            e,
                            Weight::Error,
                            format!(
                                "{} escalated to level {}, but its chain has {levels} level(s)",
                                x.decision, x.level
                            ),
                        );
                    }
                    if let Some(s) = decisions.get_mut(&x.decision) {
                        s.levels = levels;
                    }
                }
            },
            Body::Acknowledged(a) => match about("acknowledged", &a.decision, &decisions) {
                Err(why) => say(e, Weight::Error, why),
                Ok(Seen {
                    decided: Some(line),
                    ..
                }) => say(
                    e,
                    Weight::Error,
                    after_decided("acknowledged", &a.decision, line),
                ),
                Ok(_) => {}
            },
            Body::Decided(d) => match about("decided", &d.decision, &decisions) {
                Err(why) => say(e, Weight::Error, why),
                Ok(s) => {
                    if let Some(line) = s.decided {
                        say(
                            e,
                            Weight::Error,
                            format!(
                                "{} is decided a second time (first decided line {line})",
                                d.decision
                            ),
                        );
                    } else if s.identity != d.identity || s.action != d.action {
                        say(
                            e,
                            Weight::Error,
                            format!(
                                "`decided` for {} names {}, but it was opened (line {}) for {}",
                                d.decision,
                                question(&d.action, d.identity.as_deref()),
                                s.opened,
                                question(&s.action, s.identity.as_deref()),
                            ),
                        );
                    }
                    if let Some(s) = decisions.get_mut(&d.decision) {
                        s.decided.get_or_insert(e.line);
                    }
                }
            },
            Body::StateDeclared(s) => {
                if let Some(id) = s.decision.as_deref().filter(|d| !d.is_empty())
                    && let Err(why) = about("state-declared", id, &decisions)
                {
                    say(e, Weight::Error, why);
                }
            }
            Body::Recovered(r) => say(
                e,
                Weight::Warning,
                format!(
                    "the log was recovered: a torn last line {} ({} bytes, sha256 {}) was cut off when it was resumed; the bytes are kept in {}",
                    r.line,
                    r.bytes,
                    one_line(&r.sha256),
                    one_line(&r.kept_in)
                ),
            ),
            Body::Signed(x) => {
                if x.head_seq != e.seq.saturating_sub(1) || x.head_hash != e.prev {
                    say(
                        e,
                        Weight::Error,
                        format!(
                            "`signed` names the head seq {}, not the line before it (seq {})",
                            x.head_seq,
                            e.seq.saturating_sub(1)
                        ),
                    );
                }
            }
            Body::Inject(_) | Body::Note(_) | Body::Closed(_) => {}
        }
    }
    out
}

/// `D12` -> 12, or why it is not a decision number this log can hold.
pub fn number(id: &str) -> Result<u64, String> {
    let digits = id.strip_prefix('D').unwrap_or_default();
    let n = if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        None
    } else {
        digits.parse::<u64>().ok()
    };
    match n {
        Some(n) if (1..=MAX_DECISION).contains(&n) => Ok(n),
        _ => Err(format!(
            "decision {} is not numbered D1 to D{MAX_DECISION}",
            shown(id)
        )),
    }
}

/// What in a `decision-opened` this andon cannot act on: an action or a
/// verdict it does not know, a chain level it cannot read back.
fn unreadable(d: &super::event::DecisionOpened) -> Option<String> {
    if crate::model::Action::parse(&d.action).is_none() {
        return Some(format!(
            "its action {} is not one andon knows",
            shown(&d.action)
        ));
    }
    if crate::engine::Verdict::parse(&d.verdict).is_none() {
        return Some(format!(
            "its verdict {} is not one andon knows",
            shown(&d.verdict)
        ));
    }
    (d.chain.iter())
        .find(|l| {
            i64::try_from(l.offset_s).is_err()
                || !(l.via.starts_with("role:") || l.via.starts_with("person:"))
        })
        .map(|l| {
            format!(
                "level {} of its chain is unreadable (`via` {}, `offset_s` {})",
                l.level,
                shown(&l.via),
                l.offset_s
            )
        })
}

fn after_decided(kind: &str, id: &str, line: usize) -> String {
    format!("`{kind}` for {id} after it was decided (line {line})")
}

/// `disconnect vendor-acme-remote`, or `declare` for a declaration.
fn question(action: &str, identity: Option<&str>) -> String {
    match identity {
        Some(i) => format!("`{} {}`", one_line(action), one_line(i)),
        None => format!("`{}` of a state", one_line(action)),
    }
}

/// An id from the log as it may be shown: quoted, cut short, escaped.
fn shown(id: &str) -> String {
    if id.is_empty() {
        return "`` (empty)".to_owned();
    }
    format!("`{}`", one_line(id))
}

/// A value from the log on one line of a terminal or a CI log: at most 80
/// characters, control characters and bidi overrides escaped, newlines
/// and tabs too.
pub(super) fn one_line(text: &str) -> String {
    let cut: String = text.chars().take(80).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    let shown = crate::model::visible(&cut)
        .replace('\n', "\\n")
        .replace('\t', "\\t");
    format!("{shown}{more}")
}
