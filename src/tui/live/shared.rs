//! A console on a shared incident (docs/shared-incident.md): starting one
//! (`andon console --db URL`), joining one (`--join INCIDENT`), and taking
//! the incident's state again after new events, this console's or
//! another's.
//!
//! The state is always the incident's: after each event the console's
//! production state, unavailable people, open decisions (their chains, at
//! the times the events gave them, so that every console shows the same
//! countdown) and decisions taken are rebuilt from the shared chain, by the
//! same path that resumes a console from its log ([`super::resume`]). What
//! is on the screen (the search, the identity or decision looked at) stays.

use super::model::{Model, Overlay, Screen, Settled, Shared, Viewing};
use super::resume;
use super::session::{LiveStart, Session, StartError, create};
use crate::engine::Engine;
use crate::log::event::{Body, Mode};
use crate::log::events;
use crate::log::replay::Replay;
use crate::log::{Entry, Event, Holder};
use crate::model::Text;
use crate::share::{Link, NewIncident, Outcome, Store, printable};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::Path;

/// A console joining a shared incident.
#[derive(Debug, Clone)]
pub struct Join<'a> {
    pub incident: &'a str,
    /// The runbook as given, and the hash of what was loaded.
    pub runbook: &'a str,
    pub runbook_hash: &'a str,
    pub log_path: &'a Path,
    pub holder: &'a Holder,
    pub now: DateTime<Utc>,
}

impl<'r> Session<'r> {
    /// A new shared incident in `store`, its first event (`opened`, with
    /// the incident's id) in the database and in a new local log.
    pub fn shared(
        engine: &'r Engine<'r>,
        s: &LiveStart,
        store: Store,
        console: &str,
    ) -> Result<Session<'r>, StartError> {
        let mut log = create(s.log_path, s.holder)?;
        let runbook = engine.runbook;
        let tz = runbook.plant.timezone.value;
        let local = s.now.with_timezone(&tz);
        let opened = s.opened(runbook);
        let incident = store.create(
            NewIncident {
                id: format!(
                    "{}-{}",
                    runbook.plant.id.value,
                    local.format("%Y%m%dT%H%M%S")
                ),
                plant: runbook.plant.id.value.to_string(),
                timezone: tz.name().to_owned(),
                mode: Mode::Live,
                runbook_hash: s.runbook_hash.to_owned(),
                console: console.to_owned(),
            },
            opened,
        )?;
        let mut link = Link::new(store, &incident, console, &process(s.holder), Vec::new());
        link.catch_up(&mut log)
            .map_err(crate::share::ShareError::Db)?;
        let mut model = Model::new(
            engine,
            Mode::Live,
            s.log_path.display().to_string(),
            s.state.clone(),
            s.now,
        );
        model.shared = Some(Shared {
            incident: printable(&incident),
            console: printable(console),
            down: None,
            unshared: 0,
            others: Vec::new(),
        });
        resync(&mut model, &link.entries);
        link.settle();
        model.logged = log.last_seq();
        model.say(
            format!(
                "shared incident {incident} started: other consoles join with --join {incident}"
            ),
            false,
        );
        Ok(Session {
            model,
            log,
            link: Some(link),
        })
    }

    /// The shared incident `j.incident` from its events, in a new local
    /// log that copies them; a `note` says this console joined.
    pub fn join(
        engine: &'r Engine<'r>,
        j: &Join,
        store: Store,
        console: &str,
    ) -> Result<Session<'r>, StartError> {
        let fresh = store.read(j.incident, 0)?;
        let first = fresh.first().map(|(e, _)| e.event.clone());
        if let Some(Body::Opened(o)) = first.as_ref().map(|e| &e.body)
            && o.mode == Some(Mode::Drill)
        {
            return Err(StartError::SharedDrill(printable(j.incident)));
        }
        let mut log = create(j.log_path, j.holder)?;
        let mut link = Link::new(store, j.incident, console, &process(j.holder), Vec::new());
        link.catch_up(&mut log)
            .map_err(crate::share::ShareError::Db)?;
        let default_state = (engine.runbook.default_state())
            .map_or_else(|| Text::from("normal"), |s| s.id.value.clone());
        let mut model = Model::new(
            engine,
            Mode::Live,
            j.log_path.display().to_string(),
            default_state,
            j.now,
        );
        model.shared = Some(Shared {
            incident: printable(j.incident),
            console: printable(console),
            down: None,
            unshared: 0,
            others: Vec::new(),
        });
        if let Some(first) = &first {
            model.started = first.at.with_timezone(&model.tz);
        }
        let mut said = resync(&mut model, &link.entries);
        if let Some(Body::Opened(o)) = first.as_ref().map(|e| &e.body)
            && o.runbook_hash.as_deref() != Some(j.runbook_hash)
        {
            said.push(format!(
                "the runbook `{}` is not the one the incident was opened with (its hash differs)",
                j.runbook
            ));
        }
        let at = j.now.with_timezone(&model.tz).fixed_offset();
        let text = format!(
            "console {} joined ({}) with {} open decisions; runbook {} ({})",
            console,
            j.holder_words(),
            model.open.len(),
            j.runbook,
            j.runbook_hash
        );
        match link.append(&mut log, &events::note(at, &text)) {
            Outcome::Recorded(_) => {}
            Outcome::Failed(why) | Outcome::Refused(why) | Outcome::Unreachable(why) => {
                return Err(crate::share::ShareError::Db(why).into());
            }
            Outcome::AlreadyDone => {}
        }
        resync(&mut model, &link.entries);
        link.settle();
        model.logged = log.last_seq();
        for line in said {
            model.say(line, true);
        }
        model.say(
            format!(
                "joined {}: {} open decisions, state {}",
                j.incident,
                model.open.len(),
                model.state
            ),
            false,
        );
        Ok(Session {
            model,
            log,
            link: Some(link),
        })
    }
}

impl Join<'_> {
    fn holder_words(&self) -> String {
        process(self.holder)
    }
}

/// `process 812 on scada-01`.
fn process(holder: &Holder) -> String {
    match &holder.host {
        Some(host) => format!("process {} on {host}", holder.pid),
        None => format!("process {}", holder.pid),
    }
}

/// Takes the incident's state from `entries` (the whole shared chain);
/// returns what to say about it (a decision the runbook now answers
/// differently, a state it does not have).
pub fn resync(m: &mut Model, entries: &[Entry]) -> Vec<String> {
    let replay = Replay::new(entries.to_vec());
    let Some(last) = replay.len().checked_sub(1).map(|i| replay.moment(i)) else {
        return Vec::new();
    };
    // What the events do not hold (that a chain's end was said), and the
    // pass this console is on: a pass only grows, so the log's (another
    // console restarted the chain) wins unless this one is ahead with a
    // restart not yet in the shared chain.
    let kept: HashMap<String, (usize, u8, bool)> = (m.open.iter())
        .map(|d| (d.id.clone(), (d.level, d.pass, d.exhausted)))
        .collect();
    let before: Vec<String> = m.taken.iter().map(|t| t.id.clone()).collect();
    m.open.clear();
    m.taken.clear();
    m.unavailable.clear();
    let runbook_hash = m.runbook().content_hash.clone();
    let hashes = resume::Hashes {
        logged: replay.session.runbook_hash.as_deref(),
        now: &runbook_hash,
    };
    let said = resume::restore(m, &last, hashes);
    // `restore` starts each level when the events say (a chain re-timed by
    // a manual escalation in another console included).
    for d in &mut m.open {
        if let Some(&(level, pass, exhausted)) = kept.get(&d.id) {
            if level == d.level && pass == d.pass {
                d.exhausted = exhausted;
            }
            d.pass = d.pass.max(pass);
        }
    }
    let settled =
        |id: &str| m.open.iter().any(|d| d.id == id) || m.taken.iter().any(|t| t.id == id);
    if m.staged.as_ref().is_some_and(|s| settled(&s.id)) {
        m.staged = None;
    }
    // Another console decided what this one was looking at (open, or a
    // preview of the same question): its record box would record nothing
    // true, so it closes, and says who decided.
    let looked_at = |t: &Settled| match &m.viewing {
        Some(Viewing::Open(id)) => *id == t.id,
        Some(Viewing::Preview(subject, d)) => t.subject == *subject && t.action == d.action,
        None => false,
    };
    let decided_meanwhile = (m.taken.iter())
        .filter(|t| !before.contains(&t.id))
        .find(|t| looked_at(t))
        .cloned();
    let gone = matches!(&m.viewing, Some(Viewing::Open(id)) if !m.open.iter().any(|d| d.id == *id));
    if gone || decided_meanwhile.is_some() {
        m.viewing = None;
        if m.screen == Screen::Decision {
            m.screen = m.back;
        }
    }
    if let Some(t) = decided_meanwhile {
        if matches!(m.overlay, Some(Overlay::Record(_))) {
            m.overlay = None;
        }
        let by = m.people_label(&t.by);
        let at = t.at.format("%H:%M:%S");
        m.say(
            format!("{} was already decided by {by} at {at}", t.id),
            true,
        );
    }
    m.open_selected = m.open_selected.min(m.open.len().saturating_sub(1));
    m.refresh_offered();
    said
}

/// Says on the screen what another console recorded.
pub fn tell(m: &mut Model, event: &Event) {
    let alarm = matches!(
        event.body,
        Body::Decided(_) | Body::StateDeclared(_) | Body::Escalated(_)
    );
    let text = printable(&crate::log::words::event(event));
    m.say(format!("shared: {text}"), alarm);
}

/// The local log of a joining console, created beside the others.
pub fn join_log_name(incident: &str, now: DateTime<Utc>) -> String {
    let safe: String = incident
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-joined-{}.andonlog", now.format("%Y%m%dT%H%M%SZ"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::live::update::tests::{Recorded, night, press, shipped};
    use crate::tui::live::update::{Msg, update};

    /// The events a console made, as the shared chain holds them.
    fn entries(events: &[Event]) -> Vec<Entry> {
        let mut text = String::new();
        let mut prev = crate::log::GENESIS.to_owned();
        for (i, e) in events.iter().enumerate() {
            let (line, hash) = crate::log::seal(i as u64 + 1, e, &prev);
            text.push_str(&line);
            text.push('\n');
            prev = hash;
        }
        crate::log::read_bytes(text.as_bytes(), None).0.events
    }

    #[test]
    fn a_console_taking_the_incident_shows_the_same_chain_at_the_same_times() {
        let engine = Engine::new(shipped());
        let mut floor = Model::new(&engine, Mode::Live, "f".into(), "normal".into(), night());
        let mut fx = Recorded::default();
        // D1: disconnect the vendor session, escalated by hand a minute in
        // (the chain is re-timed from then).
        press(&mut floor, &mut fx, "acme\n\n");
        update(
            &mut floor,
            Msg::Tick(night() + chrono::TimeDelta::seconds(60)),
        );
        press(&mut floor, &mut fx, "xx");
        assert_eq!(floor.open.len(), 1);
        assert_eq!(floor.open[0].level, 1, "{:?}", fx.events);
        let mut soc = Model::new(&engine, Mode::Live, "s".into(), "normal".into(), night());
        let said = resync(&mut soc, &entries(&fx.events));
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(soc.open.len(), 1);
        assert_eq!(soc.open[0].id, floor.open[0].id);
        assert_eq!(soc.open[0].level, floor.open[0].level);
        let times = |m: &Model| -> Vec<_> {
            m.open[0]
                .decision
                .steps
                .iter()
                .map(|s| s.starts_at)
                .collect()
        };
        assert_eq!(times(&soc), times(&floor));
        assert_eq!(soc.next_id, floor.next_id);
    }

    /// Another console restarted a repeating chain: the log's pass wins
    /// over the one this console held, so the chain does not start again
    /// here a pass too many.
    #[test]
    fn a_chain_restarted_in_another_console_is_on_its_logged_pass() {
        use crate::tui::live::update::tests::tick;
        let engine = Engine::new(shipped());
        let mut floor = Model::new(&engine, Mode::Live, "f".into(), "normal".into(), night());
        let mut fx = Recorded::default();
        press(&mut floor, &mut fx, "acme\n\n\n");
        assert_eq!(floor.open.len(), 1, "{:?}", fx.events);
        let mut soc = Model::new(&engine, Mode::Live, "s".into(), "normal".into(), night());
        resync(&mut soc, &entries(&fx.events));
        assert_eq!(soc.open[0].pass, 0);
        // vendor-sessions runs out after 30 minutes and repeats once.
        tick(&mut floor, &mut fx, 31);
        tick(&mut floor, &mut fx, 1);
        assert_eq!(floor.open[0].pass, 1, "the floor restarted the chain");
        resync(&mut soc, &entries(&fx.events));
        assert_eq!(soc.open[0].pass, floor.open[0].pass);
    }

    #[test]
    fn a_record_box_on_a_question_decided_elsewhere_closes_and_says_who() {
        let engine = Engine::new(shipped());
        let mut floor = Model::new(&engine, Mode::Live, "f".into(), "normal".into(), night());
        let mut fx = Recorded::default();
        press(&mut floor, &mut fx, "acme\n\nr\n\n");
        assert_eq!(floor.taken.len(), 1);
        // The SOC had the same question's record box open, not yet opened there.
        let mut soc = Model::new(&engine, Mode::Live, "s".into(), "normal".into(), night());
        let mut none = Recorded::default();
        press(&mut soc, &mut none, "acme\n\nr");
        assert!(matches!(soc.overlay, Some(Overlay::Record(_))));
        resync(&mut soc, &entries(&fx.events));
        assert_eq!(soc.overlay, None);
        assert!(soc.viewing.is_none());
        let said = &soc.flash.front().unwrap().text;
        assert!(said.starts_with("D1 was already decided by "), "{said}");
        assert!(said.ends_with(" at 02:10:00"), "{said}");
        assert_eq!(soc.taken.len(), 1);
    }
}
