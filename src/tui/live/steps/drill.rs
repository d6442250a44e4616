//! The drill's steps: the drill clock moving on, injects arriving, and
//! a recorded decision judged against the scenario.

use super::{rechain, record};
use crate::drill::Act;
use crate::log::events;
use crate::model::{Duration, Inject, Text};
use crate::tui::live::model::{Commit, Model, Settled, Subject};
use crate::tui::live::msg::Effect;
use chrono::{DateTime, Utc};

/// Moves the drill to the time of `real`: the model's clock becomes the
/// drill's plant time, and injects that fell due are recorded and shown.
pub fn drill_tick(m: &mut Model, real: DateTime<Utc>, fx: &mut Vec<Effect>) {
    let Some(mode) = m.drill.as_mut() else { return };
    let offset = mode.offset(real);
    let due: Vec<&Inject> = mode.drill.advance(offset);
    m.now = mode.drill.time(offset);
    for inject in due {
        let strings = |refs: &[crate::model::Ref]| -> Vec<String> {
            refs.iter().map(|r| r.value.to_string()).collect()
        };
        let n = m.drill.as_ref().map_or(0, |d| d.shown.len() + 1);
        let event = events::inject(
            m.now.fixed_offset(),
            n,
            &inject.text,
            &strings(&inject.identities),
            &strings(&inject.unavailable),
            &inject
                .attack
                .iter()
                .map(|a| a.value.to_string())
                .collect::<Vec<_>>(),
        );
        record(m, event, Commit::Inject(inject), fx);
    }
}

/// Shows an inject whose log line is on disk, and marks its people unavailable.
pub fn show_inject<'r>(m: &mut Model<'r>, inject: &'r Inject, fx: &mut Vec<Effect>) {
    let Some(mode) = m.drill.as_mut() else { return };
    mode.shown.push((inject.at.value, inject));
    let attack: Vec<&str> = inject.attack.iter().map(|a| &*a.value).collect();
    let attack = if attack.is_empty() {
        String::new()
    } else {
        format!(" [{}]", attack.join(", "))
    };
    m.say(
        format!("INJECT +{}: {}{attack}", inject.at.value, inject.text),
        true,
    );
    fx.push(Effect::Bell);
    let mut gone = Vec::new();
    for person in &inject.unavailable {
        if !m.unavailable.iter().any(|p| **p == *person.value) {
            m.unavailable.push(person.value.to_string());
            gone.push(m.person_label(&person.value));
        }
    }
    if !gone.is_empty() {
        m.say(
            format!("{} cannot be reached from now on", gone.join(", ")),
            true,
        );
        rechain(m, fx);
    }
}

/// Judges a recorded decision in the drill, for the live score.
pub fn judge(m: &mut Model, taken: &Settled, acknowledged: Vec<Text>) {
    let Some(mode) = m.drill.as_mut() else { return };
    let at = Duration(u64::try_from((taken.at - mode.drill.start()).num_seconds()).unwrap_or(0));
    let (identity, state) = match &taken.subject {
        Subject::Identity(i) => (Some(m.engine.runbook.identities[*i].id.value.clone()), None),
        Subject::Declare(s) => (None, Some(s.clone())),
        Subject::Gone(id) => (Some(id.clone()), None),
    };
    let act = Act {
        at: at.max(mode.drill.clock()),
        action: taken.action,
        identity,
        state,
        by: taken.by.clone(),
        acknowledged: Some(acknowledged),
        approved: taken.approved,
    };
    // The drill's clock never runs ahead of the console's: the decision is
    // at or after it.
    let _ = mode.drill.decide(act);
}
