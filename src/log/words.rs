//! Events in words: the one place that says what a logged event means, so
//! that the replay console, `andon replay --print` and the incident report
//! say the same thing the same way. Plain text; a caller that prints to a
//! terminal or writes Markdown escapes it for that medium.

use super::Event;
use super::event::{Body, DecisionOpened, Level, Mode, Reason};

/// One event in words, as a timeline shows it.
pub fn event(e: &Event) -> String {
    match &e.body {
        Body::Opened(o) => {
            let mode = match (o.mode, &o.scenario) {
                (Some(Mode::Drill), Some(s)) => format!("drill of scenario {s}"),
                (Some(Mode::Drill), None) => "drill".to_owned(),
                (Some(Mode::Live), _) => "live incident".to_owned(),
                (None, _) => "session".to_owned(),
            };
            let rehearsal = if o.rehearsal.is_some() {
                " (rehearsal: times are simulated)"
            } else {
                ""
            };
            let plant = o
                .plant
                .as_deref()
                .map_or_else(String::new, |p| format!(", plant {p}"));
            format!(
                "opened: {mode}{rehearsal}, runbook {}{plant}, state {}",
                or_unknown(o.runbook.as_deref()),
                or_unknown(o.state.as_deref())
            )
        }
        Body::StateDeclared(d) => {
            let by = if d.by.is_empty() {
                String::new()
            } else {
                format!(" by {}", d.by.join(" and "))
            };
            let decision = (d.decision.as_deref())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!(
                "state changed from {} to {}{by}{decision}, {}",
                or_unknown(Some(&d.from)),
                or_unknown(Some(&d.state)),
                authorized(d.authorized == Some(true))
            )
        }
        Body::Inject(i) => {
            let mut out = format!("inject {}: {}", i.n, or_unknown(Some(&i.text)));
            if !i.identities.is_empty() {
                out.push_str(&format!(" [identities: {}]", i.identities.join(", ")));
            }
            if !i.unavailable.is_empty() {
                out.push_str(&format!(
                    " [unavailable from now: {}]",
                    i.unavailable.join(", ")
                ));
            }
            if !i.attack.is_empty() {
                out.push_str(&format!(" [ATT&CK: {}]", i.attack.join(", ")));
            }
            out
        }
        Body::DecisionOpened(d) => {
            let state = match d.identity {
                Some(_) => format!(" in state {}", or_unknown(Some(&d.state))),
                None => String::new(),
            };
            format!(
                "{} opened: {}{state}: {}",
                or_unknown(Some(&d.decision)),
                action_phrase(&d.action, d.identity.as_deref(), &d.state),
                opened_verdict(d)
            )
        }
        Body::Escalated(x) => {
            let rechained = if x.chain.is_some() {
                ", chain re-resolved"
            } else {
                ""
            };
            let pass = x.pass.map_or(String::new(), |p| format!(" of pass {p}"));
            format!(
                "{} escalated to level {}{pass}: {} ({}{rechained})",
                or_unknown(Some(&x.decision)),
                x.level,
                people(&x.people, ", "),
                x.reason.map_or("reason not recorded", reason)
            )
        }
        Body::Acknowledged(a) => format!(
            "{} precondition acknowledged: {}",
            or_unknown(Some(&a.decision)),
            or_unknown(Some(&a.precondition))
        ),
        Body::Decided(d) => {
            let mut out = format!(
                "{} {} by {}: {}, {}",
                or_unknown(Some(&d.decision)),
                action_phrase(&d.action, d.identity.as_deref(), &d.state),
                people(&d.by, " and "),
                d.outcome.map_or("?", |o| o.as_str()),
                authorized(d.is_authorized())
            );
            if d.ahead_of_chain == Some(true) {
                out.push_str(", ahead of the chain");
            }
            if d.preconditions_acknowledged == Some(false) {
                out.push_str(", preconditions not all acknowledged");
            }
            if !d.flags.is_empty() {
                out.push_str(&format!(" ({})", d.flags.join("; ")));
            }
            out
        }
        Body::Note(n) => format!("note: {}", or_unknown(Some(&n.text))),
        Body::Closed(c) => {
            if c.open.is_empty() {
                "closed".to_owned()
            } else {
                format!("closed; still open: {}", c.open.join(", "))
            }
        }
        Body::Recovered(r) => format!(
            "recovered: a torn last line {} ({} bytes, sha256 {}) was cut off when the log was resumed; the bytes are kept in {}",
            r.line,
            r.bytes,
            or_unknown(Some(&r.sha256)),
            or_unknown(Some(&r.kept_in))
        ),
        Body::Signed(s) => format!(
            "signed: the head at seq {} (hash {}) signed with key {}",
            s.head_seq,
            or_unknown(Some(&s.head_hash)),
            or_unknown(Some(&s.key))
        ),
    }
}

/// `authorized` or `NOT AUTHORIZED`.
pub fn authorized(yes: bool) -> &'static str {
    if yes { "authorized" } else { "NOT AUTHORIZED" }
}

/// Why a decision moved on.
pub fn reason(r: Reason) -> &'static str {
    match r {
        Reason::Timeout => "level time ran out",
        Reason::Manual => "escalated by hand",
        Reason::Unavailable => "everyone at the level unavailable",
    }
}

/// What the runbook answered when a decision opened.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// `chain`, `forbidden`, `ambiguous` or `uncovered`.
    pub verdict: &'a str,
    pub rule: Option<&'a str>,
    /// Forbidding or tied rules.
    pub rules: &'a [String],
    /// Why each forbidding rule forbids, in the order of `rules`.
    pub reasons: &'a [String],
    /// The first level that engages someone.
    pub first: Option<&'a Level>,
    pub two_person: bool,
}

/// What the runbook answered when decision `d` opened, in words.
pub fn opened_verdict(d: &DecisionOpened) -> String {
    verdict(&Answer {
        verdict: &d.verdict,
        rule: d.rule.as_deref(),
        rules: &d.rules,
        reasons: &d.reasons,
        first: d.first_deciders(),
        two_person: d.two_person,
    })
}

/// The answer in words: `rule x, calling bob (level 1)`,
/// `FORBIDDEN by rule x: why`, `UNCLEAR: rules x, y tie`,
/// `UNCOVERED: no rule covers it`.
pub fn verdict(a: &Answer) -> String {
    match a.verdict {
        "chain" => {
            let source = match a.rule {
                Some(r) => format!("rule {r}"),
                None => "the declare chain".to_owned(),
            };
            let mut out = match a.first {
                Some(l) => format!(
                    "{source}, calling {} (level {})",
                    people(&l.people, ", "),
                    l.level
                ),
                None => format!("{source}, nobody can be called"),
            };
            if a.two_person {
                out.push_str(", two people must decide");
            }
            out
        }
        "forbidden" => {
            let why: Vec<String> = (a.rules.iter().enumerate())
                .map(|(i, r)| match a.reasons.get(i) {
                    Some(why) if !why.is_empty() => format!("rule {r}: {why}"),
                    _ => format!("rule {r}"),
                })
                .collect();
            format!("FORBIDDEN by {}", why.join("; "))
        }
        "ambiguous" => format!("UNCLEAR: rules {} tie", a.rules.join(", ")),
        "uncovered" => "UNCOVERED: no rule covers it".to_owned(),
        "" => "no verdict recorded".to_owned(),
        other => other.to_owned(),
    }
}

/// `disconnect vendor-acme-remote` or `declare emergency`.
pub fn action_phrase(action: &str, identity: Option<&str>, state: &str) -> String {
    match identity {
        Some(i) => format!("{} {i}", or_unknown(Some(action))),
        None => format!("{} {}", or_unknown(Some(action)), or_unknown(Some(state))),
    }
}

/// People joined with `sep`; `nobody` when none.
fn people(people: &[String], sep: &str) -> String {
    if people.is_empty() {
        "nobody".to_owned()
    } else {
        people.join(sep)
    }
}

/// `?` for a field the log does not hold.
fn or_unknown(text: Option<&str>) -> &str {
    match text {
        Some(t) if !t.is_empty() => t,
        _ => "?",
    }
}
