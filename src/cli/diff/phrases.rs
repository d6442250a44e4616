//! The words a change is said in, shared by the human and the Markdown
//! formats: who decides, the chain, the gaps a change opens or closes.

use crate::engine::diff::{Change, Diff, Fact};
use crate::engine::horizon::Gap;
use crate::model::{Duration, Runbook, Text};
use std::fmt::Write as _;

pub fn list(ids: &[Text]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|i| format!("`{i}`")).collect();
    match ids.len() {
        0..=5 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 5),
    }
}

pub fn within(w: Option<u64>) -> String {
    match w {
        None => "never".to_owned(),
        Some(0) => "now".to_owned(),
        Some(s) => Duration(s).to_string(),
    }
}

pub fn window(g: &Gap, end: chrono::DateTime<chrono_tz::Tz>) -> String {
    crate::engine::horizon::window_text(g.from, g.to, end)
}

pub fn who(f: &Fact) -> String {
    match (f.outcome, f.rules.as_slice()) {
        ("covered", [rule]) => format!("rule `{rule}`"),
        ("forbidden", rules) => format!("forbidden by {}", list(rules)),
        ("ambiguous", rules) => format!("ambiguous between {}", list(rules)),
        _ => "no rule (uncovered)".to_owned(),
    }
}

pub fn ladder(f: &Fact) -> String {
    f.ladder
        .iter()
        .map(|(t, o)| {
            if *o == 0 {
                format!("{t}")
            } else {
                format!("{t} at {}", Duration(*o))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn people(p: &[Text]) -> String {
    if p.is_empty() {
        "nobody".to_owned()
    } else {
        p.iter()
            .map(Text::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

pub fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// What differs in one decision, one phrase each.
pub fn phrases(c: &Change) -> Vec<String> {
    let (b, a) = match (&c.before, &c.after) {
        (None, Some(a)) => return vec![format!("new: {}", who(a))],
        (Some(b), None) => return vec![format!("no longer asked (was {})", who(b))],
        (Some(b), Some(a)) => (b, a),
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    if (b.outcome, &b.rules) != (a.outcome, &a.rules) {
        out.push(format!("{} -> {}", who(b), who(a)));
    }
    if b.first != a.first {
        out.push(format!(
            "first decider {} -> {}",
            people(&b.first),
            people(&a.first)
        ));
    }
    if b.within != a.within {
        out.push(format!(
            "time to first decider {} -> {}",
            within(b.within),
            within(a.within)
        ));
    }
    if b.single != a.single {
        let s = |x: &Option<Text>| x.as_ref().map_or("none".to_owned(), Text::to_string);
        out.push(format!("only decider {} -> {}", s(&b.single), s(&a.single)));
    }
    if b.two_person != a.two_person {
        out.push(format!(
            "two-person {} -> {}",
            yes(b.two_person),
            yes(a.two_person)
        ));
    }
    if b.pre_approved != a.pre_approved {
        out.push(format!(
            "break glass {} -> {}",
            yes(b.pre_approved),
            yes(a.pre_approved)
        ));
    }
    if b.ladder != a.ladder && !b.ladder.is_empty() && !a.ladder.is_empty() {
        out.push(format!("chain {} -> {}", ladder(b), ladder(a)));
    }
    out
}

/// The roles of the head's chain whose new on-call gaps meet `gap`.
pub fn causes(d: &Diff, c: &Change, gap: &Gap) -> Vec<Text> {
    let Some(after) = &c.after else {
        return Vec::new();
    };
    after
        .ladder
        .iter()
        .filter(|(t, _)| {
            d.roles.iter().any(|r| {
                r.role == *t && r.opened.iter().any(|o| o.from < gap.to && gap.from < o.to)
            })
        })
        .map(|(t, _)| t.clone())
        .collect()
}

/// `state `normal`` or `states `normal`, `emergency``.
pub fn states(states: &[Text], md: bool) -> String {
    let names: Vec<String> = states
        .iter()
        .map(|s| if md { format!("`{s}`") } else { s.to_string() })
        .collect();
    let noun = if states.len() == 1 { "state" } else { "states" };
    format!("{noun} {}", names.join(", "))
}

/// One sentence per opened or closed window of a decision.
pub fn gap_sentences(d: &Diff, c: &Change, md: bool) -> Vec<String> {
    let tick = |s: &str| if md { format!("`{s}`") } else { s.to_owned() };
    let mut out = Vec::new();
    for g in &c.opened {
        let mut s = format!(
            "after this change nobody can {} {} in {} {}",
            c.action.as_str(),
            list(&c.identities),
            states(&c.states, md),
            window(g, d.to)
        );
        let why = causes(d, c, g);
        if !why.is_empty() {
            let roles: Vec<String> = why.iter().map(|r| tick(r)).collect();
            let _ = write!(s, ": nobody of {} is on call then", roles.join(", "));
        }
        out.push(s);
    }
    for g in &c.closed {
        out.push(format!(
            "after this change someone can {} {} in {} {} (nobody could before)",
            c.action.as_str(),
            list(&c.identities),
            states(&c.states, md),
            window(g, d.to)
        ));
    }
    out
}

pub fn heading(rb: &Runbook, d: &Diff, days: u32) -> String {
    format!(
        "authority changes in {} over {} days from {} ({})",
        rb.plant.id.value,
        days,
        crate::model::clock::full_date_time(d.from),
        rb.plant.timezone.value
    )
}
