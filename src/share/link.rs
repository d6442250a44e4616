//! A console's link to its shared incident: each event it makes goes to
//! the database first (judged there against the incident as it stands),
//! then every event it had not seen, its own included, is copied byte for
//! byte into its local `.andonlog`, which so stays a verifiable copy of the
//! shared chain as far as this console saw it.
//!
//! One key can make several events (open a decision, decide it, declare
//! the state). When the database renumbers the opening (its number was
//! taken meanwhile), the later events of that key follow the new number;
//! when it refuses a step, the later steps on the same decision are not
//! recorded either. Both are forgotten at [`Link::settle`], once the
//! console has taken the incident's state again.

use super::chain::Judged;
use super::store::Store;
use super::worker::{Presence, Signal};
use crate::log::event::Body;
use crate::log::{Entry, Event, Log};
use std::collections::{HashMap, HashSet};

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Recorded in the database and in the local log, with this `seq`.
    Recorded(u64),
    /// Already so in the incident: not recorded, nothing to say.
    AlreadyDone,
    /// Not recorded, for this reason.
    Refused(String),
    /// The database or the local log could not be written.
    Failed(String),
    /// The database cannot be reached (now or earlier in this session):
    /// nothing was written; the console records in its local log alone.
    Unreachable(String),
}

/// A console on a shared incident.
pub struct Link {
    store: Store,
    pub incident: String,
    /// The console's name (`--as`), stored with each event it appends.
    pub console: String,
    /// The shared chain as far as this console has it, in order.
    pub entries: Vec<Entry>,
    /// New events since the console last took the incident's state.
    pub changed: bool,
    /// Things to say once the state is taken again (a renumbering).
    pub notices: Vec<String>,
    /// Why the database was lost, once it was: from then on this console
    /// records in its local log alone (its chain goes on from the last
    /// shared event). Once it has done so, it shares nothing more this
    /// session; until then it may come back ([`Link::reconnected`]).
    pub down: Option<String>,
    /// Events in the local log alone since the database was lost.
    pub unshared: u64,
    /// Those events, with their `seq` and hash in the local log, to be
    /// shared when the database answers again.
    offline: Vec<(u64, String, Event)>,
    /// The local log went its own way (events were made offline): the
    /// shared events are added to it as events of its own chain, no
    /// longer byte for byte.
    diverged: bool,
    /// The shared `seq`s of this console's offline events, once shared:
    /// they are in the local log already.
    reshared: HashSet<u64>,
    /// The offline events are being shared.
    resharing: bool,
    /// The shared head when the database was lost: what the offline
    /// events were made knowing, and are judged against.
    lost_head: u64,
    renames: HashMap<String, String>,
    refused: HashSet<String>,
    /// This console in the presence list.
    me: Presence,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Link({} as {})", self.incident, self.console)
    }
}

impl Link {
    /// The link of console `console` (run by `process`, such as `process
    /// 812 on scada-01`) whose local log holds `entries`, the shared chain
    /// so far.
    pub fn new(
        store: Store,
        incident: &str,
        console: &str,
        process: &str,
        entries: Vec<Entry>,
    ) -> Link {
        Link {
            me: Presence {
                incident: incident.to_owned(),
                console: console.to_owned(),
                process: process.to_owned(),
            },
            store,
            incident: incident.to_owned(),
            console: console.to_owned(),
            entries,
            changed: false,
            notices: Vec::new(),
            down: None,
            unshared: 0,
            offline: Vec::new(),
            diverged: false,
            reshared: HashSet::new(),
            resharing: false,
            lost_head: 0,
            renames: HashMap::new(),
            refused: HashSet::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The `seq` of the last shared event this console has.
    pub fn head(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.seq)
    }

    /// Records `event` in `log` alone (the database is lost), to be shared
    /// when it answers again; its local `seq`.
    pub fn record_offline(&mut self, log: &mut Log, event: &Event) -> Result<u64, String> {
        let seq = log.append(event).map_err(|e| e.to_string())?;
        self.offline
            .push((seq, log.last_hash().to_owned(), event.clone()));
        self.unshared += 1;
        Ok(seq)
    }

    /// Records `event` in the incident, then in `log`.
    pub fn append(&mut self, log: &mut Log, event: &Event) -> Outcome {
        if let Some(why) = &self.down {
            return Outcome::Unreachable(why.clone());
        }
        let mut event = event.clone();
        if let Some(id) = decision_mut(&mut event) {
            if self.refused.contains(id.as_str()) {
                return Outcome::AlreadyDone;
            }
            if let Some(new) = self.renames.get(id.as_str()) {
                id.clone_from(new);
            }
        }
        let after = if self.resharing {
            self.lost_head
        } else {
            self.head()
        };
        let appended = match (self.store).append(&self.incident, &self.console, &event, after) {
            Ok(a) => a,
            Err(e) if e.is_unreachable() => {
                self.lost(e.to_string());
                return Outcome::Unreachable(e.to_string());
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        if self.resharing
            && let Some(seq) = appended.seq
        {
            // Already in the local log, as the original.
            self.reshared.insert(seq);
        }
        if let Err(e) = self.mirror(log, appended.fresh) {
            return Outcome::Failed(e);
        }
        match appended.judged {
            Judged::Append(_) => appended.seq.map_or(
                Outcome::Failed("the database gave no seq".to_owned()),
                Outcome::Recorded,
            ),
            Judged::Renumbered { from, to, .. } => {
                self.notices.push(format!(
                    "recorded as {to}: {from} was opened meanwhile in another console"
                ));
                self.renames.insert(from, to);
                appended.seq.map_or(
                    Outcome::Failed("the database gave no seq".to_owned()),
                    Outcome::Recorded,
                )
            }
            Judged::AlreadyDone => Outcome::AlreadyDone,
            Judged::Refused(why) => {
                if let Some(id) = event.decision() {
                    self.refused.insert(id.to_owned());
                }
                Outcome::Refused(why)
            }
        }
    }

    /// Says this console is on the incident (`here`) or leaves it; the
    /// other consoles on it, by name (`None` once the database is lost).
    pub fn presence(&mut self, here: bool) -> Option<Vec<String>> {
        if self.down.is_some() {
            return None;
        }
        match self.store.presence(&self.me, here) {
            Ok(others) => Some(others),
            Err(e) if e.is_unreachable() => {
                self.lost(e.to_string());
                None
            }
            // Presence is a courtesy: a refusal (an old grant) costs nothing.
            Err(_) => None,
        }
    }

    /// The database answers again, through `store`: what others recorded
    /// meanwhile is read by `seq`, then the events made offline are
    /// appended after the shared head, each judged like any other (a
    /// decision taken meanwhile by another console is not recorded twice,
    /// and said), followed by a note that names each by its local `seq`
    /// and hash, so that both records verify and show what happened
    /// offline. Returns what to say.
    pub fn reconnected(&mut self, log: &mut Log, store: Store) -> Vec<String> {
        if self.down.is_none() {
            return Vec::new();
        }
        self.store = store;
        self.down = None;
        self.changed = true;
        if self.offline.is_empty() {
            return vec!["database back: sharing again".to_owned()];
        }
        self.diverged = true;
        let mut said = Vec::new();
        let mut fates = Vec::new();
        let offline = std::mem::take(&mut self.offline);
        let count = offline.len();
        self.resharing = true;
        for (local, hash, event) in offline {
            let fate = match self.append(log, &event) {
                Outcome::Recorded(seq) => format!("local {local} ({hash}) shared as {seq}"),
                Outcome::AlreadyDone => format!(
                    "local {local} ({hash}) not shared: already so, or it follows a step not shared"
                ),
                Outcome::Refused(why) => {
                    said.push(format!("made offline, not shared: {why}"));
                    format!("local {local} ({hash}) not shared: {why}")
                }
                Outcome::Failed(why) | Outcome::Unreachable(why) => {
                    said.push(format!("made offline, not shared: {why}"));
                    format!("local {local} ({hash}) not shared: {why}")
                }
            };
            fates.push(fate);
        }
        self.resharing = false;
        let at = self
            .entries
            .last()
            .map(|e| e.event.at)
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        let note = crate::log::events::note(
            at,
            &format!(
                "console {} was cut off from the database; {count} events recorded in its local log `{}` alone first: {}",
                self.console,
                log.path().display(),
                fates.join("; ")
            ),
        );
        let _ = self.append(log, &note);
        said.insert(
            0,
            format!("database back: {count} events made offline are shared now (see the note)"),
        );
        self.unshared = 0;
        said
    }

    /// The database is lost (why): nothing more is shared this session.
    pub fn lost(&mut self, why: String) {
        if self.down.is_none() {
            self.down = Some(why);
            self.lost_head = self.head();
            self.changed = true;
        }
    }

    /// Reads what this console has not seen into `log`; the new events.
    /// Nothing once the database is lost: the local log has gone its own way.
    pub fn catch_up(&mut self, log: &mut Log) -> Result<Vec<Entry>, String> {
        if self.down.is_some() {
            return Ok(Vec::new());
        }
        let fresh = match self.store.read(&self.incident, self.head()) {
            Ok(fresh) => fresh,
            Err(e) if e.is_unreachable() => {
                self.lost(e.to_string());
                return Ok(Vec::new());
            }
            Err(e) => return Err(e.to_string()),
        };
        let new: Vec<Entry> = fresh.iter().map(|(e, _)| e.clone()).collect();
        self.mirror(log, fresh)?;
        Ok(new)
    }

    /// Calls `listener` on each event committed to the incident.
    pub fn follow(&self, listener: impl Fn(Signal) + Send + 'static) -> Result<(), String> {
        self.store
            .follow(&self.incident, listener)
            .map_err(|e| e.to_string())
    }

    /// The console has taken the incident's state again: renumberings and
    /// refusals of the last key are done with.
    pub fn settle(&mut self) -> Vec<String> {
        self.changed = false;
        self.renames.clear();
        self.refused.clear();
        std::mem::take(&mut self.notices)
    }

    fn mirror(&mut self, log: &mut Log, fresh: Vec<(Entry, String)>) -> Result<(), String> {
        for (entry, line) in fresh {
            if entry.seq <= self.head() {
                continue;
            }
            if !self.diverged {
                log.append_entry(&entry, &line).map_err(|e| e.to_string())?;
            } else if !self.reshared.contains(&entry.seq) {
                log.append(&entry.event).map_err(|e| e.to_string())?;
            }
            self.entries.push(entry);
            self.changed = true;
        }
        Ok(())
    }
}

/// The decision an event names, to be renumbered.
fn decision_mut(event: &mut Event) -> Option<&mut String> {
    match &mut event.body {
        Body::DecisionOpened(e) => Some(&mut e.decision),
        Body::Escalated(e) => Some(&mut e.decision),
        Body::Acknowledged(e) => Some(&mut e.decision),
        Body::Decided(e) => Some(&mut e.decision),
        Body::StateDeclared(e) => e.decision.as_mut(),
        _ => None,
    }
}
