//! Walking the on-call schedules over a horizon: the windows in which a
//! chain's answer stays the same, the gaps in which it yields nobody, how
//! long a chain takes to reach someone who can decide, and which chains the
//! critical identities of a plant depend on. Shared by lint (GR004, GR007)
//! and `andon coverage`.
//!
//! ## Why walking schedule boundaries is exact
//!
//! A chain asked at `t` engages level *k* at `t + o_k`, where the offset
//! `o_k` sums the times of the non-skipped levels before it (a skipped level
//! takes no time). [`schedule::next_change`] promises that a role's on-call
//! answer at `x` holds on `[x, c)`, `c` its next change. Walk the chain at
//! `t`, and let `n` be the least `c_k - o_k` over the levels it reached,
//! `c_k` the next change of level *k*'s role after `t + o_k`. For every `t'`
//! in `[t, n)`, by induction on *k*: the levels before *k* yield the same
//! people at `t'` as at `t`, so they are skipped or not alike and `o_k` is
//! the same; then `t' + o_k` lies in `[t + o_k, c_k)`, so level *k* yields
//! the same people too. People named in person and `backup` chains do not
//! depend on time. So the answer is constant on `[t, n)`, and the walk goes
//! from one such `n` to the next: as many steps as there are boundaries
//! `b - o` (a schedule change `b` seen through an offset `o`), never minute
//! by minute. Schedules are wall-clock (a 06:00 handoff stays at 06:00 across
//! daylight-saving changes); offsets are elapsed time, as in resolution.
//!
//! For gaps alone a simpler rule holds: when every level is skipped, every
//! offset is zero, so a chain yields nobody at `t` exactly when each level
//! of its expanded chain yields nobody at `t` itself. Offsets matter for who
//! is engaged and when, which coverage and GR007 need; so one walk serves all.
//!
//! ## Time to first decider
//!
//! Skipped levels take no time, so a chain that reaches anyone has its first
//! engaged person at once. What can keep a decision waiting is who may make
//! it: a `two_person` chain that is not `pre_approved` acts when its second,
//! distinct decider is engaged; on a vendor session, people reached through
//! a `vendor` role do not count (they would approve their own session,
//! GR006). [`first_decider`] measures that wait.
//!
//! ## Critical identities, grouped
//!
//! Identities touching a `high` or `safety` system are grouped by what
//! selectors can see of them ([`Critical`]); each group asks steps 1 to 4 of
//! resolution once per state and action, and each winning chain is walked
//! once, however many identities share it.
//!
//! Nothing here reads the clock or does I/O.

use super::Engine;
use super::authority::{self, Selection};
use super::people::{Decider, level_people};
use super::resolve::Step;
use super::schedule;
use crate::model::clock::day_time;
use crate::model::{Action, Criticality, Function, IdentityKind, Level, Runbook, Target, Text};
use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};

/// How far past the horizon's end role changes are kept: chains engage
/// their later levels after the question's time.
const SLACK: TimeDelta = TimeDelta::days(1);
/// At most this many windows per chain or role: a bound that no real
/// schedule reaches in a year, so that no input can make a walk run away.
const MAX_WINDOWS: usize = 200_000;

/// In an emergency, the longest acceptable wait for the first decider (GR007).
pub const EMERGENCY_FIRST_DECIDER: u64 = 15 * 60;

/// A stretch `[from, to)` of the horizon over which a chain's answer stays
/// the same.
#[derive(Debug, Clone)]
pub struct Window {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// The chain as resolved at `from` (and at every instant of the window,
    /// up to the start times of its steps).
    pub steps: Vec<Step>,
}

impl Window {
    /// Every level is skipped: nobody at all can be reached.
    pub fn yields_nobody(&self) -> bool {
        self.steps.iter().all(|s| s.skipped)
    }

    /// The targets of the steps (roles and people), without duplicates, in order.
    pub fn targets(&self) -> Vec<&Text> {
        let mut out: Vec<&Text> = Vec::new();
        for step in &self.steps {
            let id = &step.target.id().value;
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// Who is on call for a role over `[from, to)`.
#[derive(Debug, Clone)]
pub struct RoleWindow {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// After backups; empty in a gap.
    pub people: Vec<Decider>,
}

/// The change points of one role's schedule, kept for quick look-ups.
#[derive(Debug, Clone)]
struct Changes {
    /// Sorted change instants after the horizon's start; the last one is at
    /// or past `end` unless the schedule stops changing.
    at: Vec<DateTime<Tz>>,
    /// Look-ups of instants in `[horizon start, end)` are answered from `at`.
    end: DateTime<Tz>,
}

/// A horizon `[from, to)` of one runbook, with every role's schedule
/// changes in it worked out once.
pub struct Horizon<'a> {
    engine: &'a Engine<'a>,
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// By role index; `None` for roles without a schedule (they never change).
    changes: Vec<Option<Changes>>,
    /// Windows of each distinct chain asked so far.
    chains: HashMap<ChainKey, Vec<Window>>,
}

/// What makes two chains the same: their levels' targets and times.
type ChainKey = Vec<(bool, Text, Option<u64>)>;

fn chain_key(levels: &[Level]) -> ChainKey {
    levels
        .iter()
        .map(|l| {
            (
                matches!(l.target, Target::Role(_)),
                l.target.id().value.clone(),
                l.after.map(|a| a.value.secs()),
            )
        })
        .collect()
}

impl<'a> Horizon<'a> {
    pub fn new(engine: &'a Engine<'a>, from: DateTime<Tz>, to: DateTime<Tz>) -> Horizon<'a> {
        let tz = engine.runbook.plant.timezone.value;
        let end = to.checked_add_signed(SLACK).unwrap_or(to);
        let changes = engine
            .runbook
            .roles
            .iter()
            .map(|role| {
                role.schedule.as_ref()?;
                let mut at = Vec::new();
                let mut x = from;
                while let Some(next) = schedule::next_change(role, tz, x) {
                    at.push(next);
                    if next >= end || at.len() >= MAX_WINDOWS {
                        break;
                    }
                    x = next;
                }
                let end = at.last().map_or(end, |last| (*last).max(from).min(end));
                Some(Changes { at, end })
            })
            .collect();
        Horizon {
            engine,
            from,
            to,
            changes,
            chains: HashMap::new(),
        }
    }

    pub fn runbook(&self) -> &'a Runbook {
        self.engine.runbook
    }

    /// The plant's time zone.
    pub fn tz(&self) -> Tz {
        self.engine.runbook.plant.timezone.value
    }

    /// The next instant after `after` at which role `role`'s on-call answer
    /// may change ([`schedule::next_change`], from the kept changes when it can).
    fn next_change(&self, role: usize, after: DateTime<Tz>) -> Option<DateTime<Tz>> {
        let changes = self.changes.get(role)?.as_ref()?;
        if after < self.from || after >= changes.end {
            let role = &self.engine.runbook.roles[role];
            return schedule::next_change(role, self.tz(), after);
        }
        let i = changes.at.partition_point(|c| *c <= after);
        changes.at.get(i).copied()
    }

    /// When the answer of `step` (engaged `step.starts_at - t` after a
    /// question at `t`) may change, as a question time.
    fn step_change(&self, step: &Step, t: DateTime<Tz>) -> Option<DateTime<Tz>> {
        let Target::Role(id) = &step.target else {
            return None;
        };
        let role = *self.engine.runbook.index.roles.get(&id.value)?;
        let change = self.next_change(role, step.starts_at)?;
        Some(change - (step.starts_at - t))
    }

    /// The maximal windows of the horizon over which a chain of `levels`
    /// (extended through `escalates_to`, as in resolution) gives the same
    /// people at every level, everyone available. Worked out once per
    /// distinct chain; the steps' `why` texts say "chain", not a rule.
    pub fn windows(&mut self, levels: &[Level]) -> &[Window] {
        let key = chain_key(levels);
        if !self.chains.contains_key(&key) {
            let windows = self.walk(levels);
            self.chains.insert(key.clone(), windows);
        }
        self.chains.get(&key).map_or(&[], Vec::as_slice)
    }

    fn walk(&self, levels: &[Level]) -> Vec<Window> {
        let mut out: Vec<Window> = Vec::new();
        let mut t = self.from;
        while t < self.to {
            let steps = self.engine.walk(levels, "chain", t, &[], 0);
            let next = steps
                .iter()
                .filter_map(|s| self.step_change(s, t))
                .min()
                .map_or(self.to, |n| n.min(self.to));
            let full = out.len() >= MAX_WINDOWS;
            match out.last_mut() {
                Some(last) if same_answer(&last.steps, &steps) => last.to = next,
                _ if full => break,
                _ => out.push(Window {
                    from: t,
                    to: next,
                    steps,
                }),
            }
            t = next;
        }
        if let Some(last) = out.last_mut() {
            last.to = self.to;
        }
        out
    }

    /// Who is on call for role `role` (by index) over the horizon, backups
    /// included, in maximal windows.
    pub fn role_windows(&self, role: usize) -> Vec<RoleWindow> {
        let rb = self.engine.runbook;
        let Some(r) = rb.roles.get(role) else {
            return Vec::new();
        };
        let target = Target::Role(r.id.clone());
        let mut out: Vec<RoleWindow> = Vec::new();
        let mut t = self.from;
        while t < self.to {
            let people = level_people(rb, &target, t, &[]);
            let next = self
                .next_change(role, t)
                .map_or(self.to, |n| n.min(self.to));
            let full = out.len() >= MAX_WINDOWS;
            match out.last_mut() {
                Some(last) if same_people(&last.people, &people) => last.to = next,
                _ if full => break,
                _ => out.push(RoleWindow {
                    from: t,
                    to: next,
                    people,
                }),
            }
            t = next;
        }
        if let Some(last) = out.last_mut() {
            last.to = self.to;
        }
        out
    }
}

fn same_people(a: &[Decider], b: &[Decider]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.person == y.person)
}

/// Same levels, same offsets, same people: the same answer for a responder.
fn same_answer(a: &[Step], b: &[Step]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.offset == y.offset
                && x.skipped == y.skipped
                && x.target == y.target
                && same_people(&x.people, &y.people)
        })
}

/// Who may act on a decision: how many distinct deciders it needs, and
/// whether people reached through a `vendor` role count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quorum {
    /// 2 for a `two_person` chain that is not `pre_approved` (the action
    /// waits for the second decider), else 1.
    pub people: usize,
    /// On a vendor session, a vendor role's people would approve their own
    /// session (GR006): they do not count as deciders.
    pub vendor_roles_count: bool,
}

impl Quorum {
    pub fn of(decide: &crate::model::Decide, vendor_session: bool) -> Quorum {
        Quorum {
            people: if decide.two_person && !decide.pre_approved {
                2
            } else {
                1
            },
            vendor_roles_count: !vendor_session,
        }
    }
}

/// Seconds from the question until the chain has engaged the deciders
/// `quorum` needs: its **time to first decider**. `None` when it never does.
///
/// Skipped levels take no time, so a plain chain that reaches anyone has its
/// first decider at once; the wait comes from a second decider that a
/// `two_person` chain needs, or from levels whose people may not decide.
pub fn first_decider(runbook: &Runbook, steps: &[Step], quorum: Quorum) -> Option<u64> {
    let mut seen: Vec<&Text> = Vec::new();
    for step in steps.iter().filter(|s| !s.skipped) {
        if !quorum.vendor_roles_count && is_vendor_role(runbook, &step.target) {
            continue;
        }
        for d in &step.people {
            if !seen.contains(&&d.person) {
                seen.push(&d.person);
            }
        }
        if seen.len() >= quorum.people {
            return Some(step.offset);
        }
    }
    None
}

/// The first step whose people may decide: the first decider, even when a
/// `two_person` chain then waits for a second one.
pub fn first_deciding_step<'s>(
    runbook: &Runbook,
    steps: &'s [Step],
    quorum: Quorum,
) -> Option<&'s Step> {
    steps
        .iter()
        .find(|s| !s.skipped && (quorum.vendor_roles_count || !is_vendor_role(runbook, &s.target)))
}

fn is_vendor_role(runbook: &Runbook, target: &Target) -> bool {
    match target {
        Target::Role(r) => runbook
            .role(&r.value)
            .is_some_and(|role| role.function == Some(Function::Vendor)),
        Target::Person(_) => false,
    }
}

/// The actions whose chains must be quick and never empty for a critical
/// identity: `pause` and `revoke`, and `disconnect` for a vendor session
/// (the actions GR002 asks a rule for).
pub fn cuts(vendor_session: bool) -> &'static [Action] {
    if vendor_session {
        &[Action::Pause, Action::Revoke, Action::Disconnect]
    } else {
        &[Action::Pause, Action::Revoke]
    }
}

/// Identities that touch a `high` or `safety` system, grouped by the rules
/// whose `match` selects them: identities of one group get the same answer
/// to every question of action and state. A 100,000-identity plant has a
/// few thousand groups, so questions are asked per group.
#[derive(Debug, Clone, Default)]
pub struct Critical {
    pub groups: Vec<Group>,
    /// Critical identities in all.
    pub identities: usize,
}

/// Critical identities that the same rules select.
#[derive(Debug, Clone)]
pub struct Group {
    /// Identity indices, in runbook order.
    pub identities: Vec<usize>,
    pub vendor_session: bool,
    /// Indices of the rules whose `match` selects them, in definition order.
    rules: Vec<usize>,
}

impl Group {
    /// Resolution steps 1 to 4 for the group's identities.
    pub fn select(&self, runbook: &Runbook, state: &str, action: Action) -> Selection {
        let candidates: Vec<usize> = self
            .rules
            .iter()
            .copied()
            .filter(|&i| {
                let rule = &runbook.rules[i];
                rule.covers_action(action) && rule.covers_state(state)
            })
            .collect();
        authority::select(runbook, &candidates)
    }
}

/// Rules by the key that selects them most narrowly (as the engine's
/// index), and the labels selectors name.
#[derive(Default)]
struct ByKey<'r> {
    labels: HashSet<(&'r str, &'r str)>,
    identity: HashMap<&'r str, Vec<usize>>,
    /// By system index.
    system: Vec<Vec<usize>>,
    kind: HashMap<IdentityKind, Vec<usize>>,
    general: Vec<usize>,
}

/// What makes two identities alike to every selector of a runbook: the same
/// id where a rule names it, kind, vendor, the labels and systems that
/// selectors name, and the zones and criticalities of the systems they
/// touch. Alike identities are matched by the same rules.
#[derive(PartialEq, Eq, Hash)]
struct Likeness<'r> {
    id: Option<&'r str>,
    kind: IdentityKind,
    vendor: Option<&'r str>,
    labels: Vec<(&'r str, &'r str)>,
    /// Indices of the systems it touches that a rule's `system` names.
    systems: Vec<usize>,
    zones: u8,
    criticalities: u8,
}

/// Identities that no selector of the runbook can tell apart (see
/// [`Likeness`]): they have the same candidate rules for every state and
/// action, so one stands for all.
#[derive(Debug, Clone)]
pub struct Alike {
    /// Identity indices, in runbook order; never empty.
    pub identities: Vec<usize>,
    /// The criticalities of the systems they touch, as bits (`1 << c`).
    pub criticalities: u8,
    pub vendor_session: bool,
    /// The systems they touch that a rule's `system` names (indices).
    named_systems: Vec<usize>,
}

impl Alike {
    /// The identity that stands for all.
    pub fn first(&self) -> usize {
        // Created with its first identity, it only grows.
        self.identities[0]
    }

    /// The highest criticality among the systems they touch.
    pub fn top(&self) -> Option<Criticality> {
        Criticality::ALL
            .iter()
            .rev()
            .copied()
            .find(|&c| self.criticalities & (1 << c as u8) != 0)
    }

    /// Whether they touch a `high` or `safety` system.
    pub fn critical(&self) -> bool {
        self.top().is_some_and(Criticality::is_critical)
    }
}

/// The identities `keep` accepts, grouped by [`Likeness`]. Groups come in
/// the order of their first identity.
pub fn alike(runbook: &Runbook, keep: impl Fn(&crate::model::Identity) -> bool) -> Vec<Alike> {
    group(runbook, &ByKey::new(runbook), keep, |_| true)
}

impl<'r> ByKey<'r> {
    fn new(runbook: &'r Runbook) -> ByKey<'r> {
        let mut by = ByKey {
            system: vec![Vec::new(); runbook.systems.len()],
            ..ByKey::default()
        };
        for (i, rule) in runbook.rules.iter().enumerate() {
            let s = &rule.selector;
            by.labels
                .extend(s.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            if let Some(ids) = &s.identity {
                for id in ids {
                    by.identity.entry(&id.value).or_default().push(i);
                }
            } else if let Some(systems) = &s.system {
                for id in systems {
                    if let Some(&k) = runbook.index.systems.get(&id.value) {
                        by.system[k].push(i);
                    }
                }
            } else if let Some(kinds) = &s.kind {
                for kind in kinds {
                    by.kind.entry(*kind).or_default().push(i);
                }
            } else {
                by.general.push(i);
            }
        }
        by
    }

    /// The rules whose `match` selects the identities of `a`, in definition order.
    fn rules(&self, runbook: &Runbook, a: &Alike) -> Vec<usize> {
        let identity = &runbook.identities[a.first()];
        let from_identity = self.identity.get(identity.id.value.as_str());
        let from_systems = a.named_systems.iter().map(|&k| &self.system[k]);
        let from_kind = self.kind.get(&identity.kind.value);
        let mut rules: Vec<usize> = Vec::new();
        for list in from_identity
            .into_iter()
            .chain(from_systems)
            .chain(from_kind)
            .chain(std::iter::once(&self.general))
        {
            rules.extend(
                list.iter()
                    .copied()
                    .filter(|&i| authority::matches(runbook, &runbook.rules[i].selector, identity)),
            );
        }
        rules.sort_unstable();
        rules.dedup();
        rules
    }
}

/// [`alike`], keeping only identities whose systems' criticality bits
/// `touching` accepts (checked before the rest of the likeness is built).
fn group(
    runbook: &Runbook,
    by: &ByKey,
    keep: impl Fn(&crate::model::Identity) -> bool,
    touching: impl Fn(u8) -> bool,
) -> Vec<Alike> {
    let mut at: HashMap<Likeness, usize> = HashMap::new();
    let mut out: Vec<Alike> = Vec::new();
    for (n, identity) in runbook.identities.iter().enumerate() {
        if !keep(identity) {
            continue;
        }
        let (mut zones, mut criticalities) = (0u8, 0u8);
        let mut systems: Vec<usize> = Vec::new();
        let touched = identity.access.iter().map(|a| &a.system);
        for id in touched.chain(identity.serves.iter().flatten()) {
            let Some(&k) = runbook.index.systems.get(&id.value) else {
                continue;
            };
            let system = &runbook.systems[k];
            criticalities |= 1 << system.criticality as u8;
            if let Some(zone) = system.zone {
                zones |= 1 << zone as u8;
            }
            if !by.system[k].is_empty() {
                systems.push(k);
            }
        }
        if !touching(criticalities) {
            continue;
        }
        systems.sort_unstable();
        systems.dedup();
        let id = identity.id.value.as_str();
        let mut labels: Vec<(&str, &str)> = identity
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .filter(|pair| by.labels.contains(pair))
            .collect();
        labels.sort_unstable();
        let likeness = Likeness {
            id: by.identity.contains_key(id).then_some(id),
            kind: identity.kind.value,
            vendor: identity.vendor.as_ref().map(|v| v.value.as_str()),
            labels,
            systems,
            zones,
            criticalities,
        };
        if let Some(&g) = at.get(&likeness) {
            out[g].identities.push(n);
            continue;
        }
        out.push(Alike {
            identities: vec![n],
            criticalities,
            vendor_session: identity.kind.value == IdentityKind::VendorSession,
            named_systems: likeness.systems.clone(),
        });
        at.insert(likeness, out.len() - 1);
    }
    out
}

impl Critical {
    pub fn build(runbook: &Runbook) -> Critical {
        let by = ByKey::new(runbook);
        let mut same_rules: HashMap<(Vec<usize>, bool), usize> = HashMap::new();
        let mut out = Critical::default();
        let critical_bits = (1u8 << Criticality::High as u8) | (1u8 << Criticality::Safety as u8);
        for a in group(runbook, &by, |_| true, |bits| bits & critical_bits != 0) {
            out.identities += a.identities.len();
            let rules = by.rules(runbook, &a);
            let g = *same_rules
                .entry((rules.clone(), a.vendor_session))
                .or_insert_with(|| {
                    out.groups.push(Group {
                        identities: Vec::new(),
                        vendor_session: a.vendor_session,
                        rules,
                    });
                    out.groups.len() - 1
                });
            out.groups[g].identities.extend(&a.identities);
        }
        // In runbook order, as they were added one by one.
        for group in &mut out.groups {
            group.identities.sort_unstable();
        }
        out
    }
}

/// A stretch `[from, to)` of the horizon in which nobody can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
}

/// What walking one winning chain over the horizon shows.
#[derive(Debug, Clone)]
pub struct ChainFacts {
    /// The winning rule's index.
    pub rule: usize,
    /// Asked for vendor sessions (a `vendor` role's people do not decide).
    pub vendor_session: bool,
    /// Who decides first at the start of the horizon (person ids), even if
    /// a `two_person` chain then waits for a second; empty in a gap.
    pub first: Vec<Text>,
    /// The longest [time to first decider](first_decider) over the horizon,
    /// in seconds; `None` when at some time it never comes.
    pub within: Option<u64>,
    /// The only person who can ever decide, at any level and any time, when
    /// there is just one.
    pub single: Option<Text>,
    /// Where the chain yields nobody.
    pub gaps: Vec<Gap>,
}

impl ChainFacts {
    fn walk(horizon: &mut Horizon, rule: usize, vendor_session: bool) -> ChainFacts {
        let rb = horizon.runbook();
        let mut facts = ChainFacts {
            rule,
            vendor_session,
            first: Vec::new(),
            within: Some(0),
            single: None,
            gaps: Vec::new(),
        };
        let Some(decide) = rb.rules.get(rule).and_then(|r| r.decide()) else {
            facts.within = None;
            return facts;
        };
        let quorum = Quorum::of(decide, vendor_session);
        let windows = horizon.windows(&decide.levels);
        if let Some(step) = windows
            .first()
            .and_then(|w| first_deciding_step(rb, &w.steps, quorum))
        {
            facts.first = step.people.iter().map(|d| d.person.clone()).collect();
        }
        let mut deciders: Vec<&Text> = Vec::new();
        for w in windows {
            facts.within = match (facts.within, first_decider(rb, &w.steps, quorum)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            if w.yields_nobody() {
                facts.gaps.push(Gap {
                    from: w.from,
                    to: w.to,
                });
            }
            let counted = w.steps.iter().filter(|s| {
                !s.skipped && (quorum.vendor_roles_count || !is_vendor_role(rb, &s.target))
            });
            for d in counted.flat_map(|s| &s.people) {
                if !deciders.contains(&&d.person) {
                    deciders.push(&d.person);
                }
            }
        }
        if let [one] = deciders.as_slice() {
            facts.single = Some((*one).clone());
        }
        facts
    }

    /// Slower than an emergency allows ([`EMERGENCY_FIRST_DECIDER`]), or never.
    pub fn slow(&self) -> bool {
        self.within.is_none_or(|w| w > EMERGENCY_FIRST_DECIDER)
    }
}

/// The answer to one question of the coverage matrix.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Index in `runbook.states`.
    pub state: usize,
    pub action: Action,
    pub selection: Selection,
    /// For a chain: its facts, an index in [`Coverage::chains`].
    pub chain: Option<usize>,
}

/// Critical identities with the same answer to every question.
#[derive(Debug, Clone)]
pub struct AnswerGroup {
    /// Identity indices, in runbook order.
    pub identities: Vec<usize>,
    pub vendor_session: bool,
    /// By state (runbook order), then by action ([`cuts`] order).
    pub answers: Vec<Answer>,
}

/// The coverage matrix: every critical identity, in every state, for every
/// action of [`cuts`]; who decides, how fast, and the on-call gaps of every
/// role, over a horizon.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// Critical identities in all.
    pub identities: usize,
    pub groups: Vec<AnswerGroup>,
    pub chains: Vec<ChainFacts>,
    /// For every role (by index, in runbook order), where nobody of it,
    /// backups included, is on call.
    pub roles: Vec<Vec<Gap>>,
}

/// A [`Selection`] as a map key.
fn selection_key(selection: &Selection) -> (u8, Vec<usize>) {
    match selection {
        Selection::Rule(k) => (0, vec![*k]),
        Selection::Forbidden(rules) => (1, rules.clone()),
        Selection::Ambiguous(rules) => (2, rules.clone()),
        Selection::Uncovered => (3, Vec::new()),
    }
}

impl Coverage {
    pub fn build(engine: &Engine, from: DateTime<Tz>, to: DateTime<Tz>) -> Coverage {
        let rb = engine.runbook;
        let critical = Critical::build(rb);
        let mut horizon = Horizon::new(engine, from, to);
        let mut chains: Vec<ChainFacts> = Vec::new();
        let mut chain_at: HashMap<(usize, bool), usize> = HashMap::new();
        let mut groups: Vec<AnswerGroup> = Vec::new();
        type Key = (bool, Vec<(u8, Vec<usize>)>);
        let mut group_at: HashMap<Key, usize> = HashMap::new();
        for group in &critical.groups {
            let vendor = group.vendor_session;
            let mut answers = Vec::new();
            for (s, state) in rb.states.iter().enumerate() {
                for &action in cuts(vendor) {
                    let selection = group.select(rb, &state.id.value, action);
                    let chain = match selection {
                        Selection::Rule(k) => {
                            Some(*chain_at.entry((k, vendor)).or_insert_with(|| {
                                chains.push(ChainFacts::walk(&mut horizon, k, vendor));
                                chains.len() - 1
                            }))
                        }
                        _ => None,
                    };
                    answers.push(Answer {
                        state: s,
                        action,
                        selection,
                        chain,
                    });
                }
            }
            let key: Key = (
                vendor,
                answers
                    .iter()
                    .map(|a| selection_key(&a.selection))
                    .collect(),
            );
            match group_at.get(&key) {
                Some(&g) => groups[g].identities.extend(&group.identities),
                None => {
                    group_at.insert(key, groups.len());
                    groups.push(AnswerGroup {
                        identities: group.identities.clone(),
                        vendor_session: vendor,
                        answers,
                    });
                }
            }
        }
        for g in &mut groups {
            g.identities.sort_unstable();
        }
        groups.sort_by_key(|g| g.identities.first().copied());
        let roles = (0..rb.roles.len())
            .map(|r| {
                horizon
                    .role_windows(r)
                    .into_iter()
                    .filter(|w| w.people.is_empty())
                    .map(|w| Gap {
                        from: w.from,
                        to: w.to,
                    })
                    .collect()
            })
            .collect();
        Coverage {
            from,
            to,
            identities: critical.identities,
            groups,
            chains,
            roles,
        }
    }
}

/// A window as text: `Fri 27 Nov 18:00 to Mon 30 Nov 08:00 (2d14h)`; a
/// window reaching the end of the horizon says so (it may go on after it).
pub fn window_text(from: DateTime<Tz>, to: DateTime<Tz>, horizon_end: DateTime<Tz>) -> String {
    let secs = u64::try_from((to - from).num_seconds()).unwrap_or_default();
    let end = if to >= horizon_end {
        ", to the end of the horizon"
    } else {
        ""
    };
    format!(
        "{} to {} ({}{end})",
        day_time(from),
        day_time(to),
        crate::model::Duration(secs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Duration, Moment, Span, Spanned};

    /// `day` is on call 06:00-22:00 only; `boss` always; `desk` is a vendor's.
    const PLANT: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
people:
  - { id: alice }
  - { id: bob }
  - { id: chen }
  - { id: klaus }
roles:
  - id: day
    members: [alice, bob]
    after: 10m
    schedule:
      layers:
        - { rotation: [alice, bob], shift: 1d, start: 2026-01-05T06:00, only: { from: \"06:00\", to: \"22:00\" } }
  - { id: boss, members: [chen], after: 20m }
  - { id: desk, members: [klaus], function: vendor, after: 30m }
systems:
  - { id: line1, criticality: safety, owner: boss }
identities:
  - { id: k, kind: api-key, owner: boss, access: { line1: { default: write } } }
";

    fn load(text: &str) -> Runbook {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("plant.yaml"), text).expect("write");
        crate::load::load(dir.path()).expect("loads")
    }

    fn at(rb: &Runbook, text: &str) -> DateTime<Tz> {
        Moment::parse(text)
            .expect("time")
            .instant(rb.plant.timezone.value)
    }

    /// A chain of roles, each with its own `after` (seconds) or the role's.
    fn chain(rb: &Runbook, roles: &[(&str, Option<u64>)]) -> Vec<Level> {
        roles
            .iter()
            .map(|(role, after)| Level {
                target: Target::Role(rb.role(role).expect("role").id.clone()),
                after: after.map(|s| Spanned::new(Duration(s), Span::default())),
                span: Span::default(),
            })
            .collect()
    }

    #[test]
    fn a_daytime_role_leaves_a_nightly_gap_nine_hours_long_when_the_clocks_go_back() {
        let rb = load(PLANT);
        let engine = Engine::new(&rb);
        let from = at(&rb, "2026-10-23T00:00");
        let mut horizon = Horizon::new(&engine, from, at(&rb, "2026-10-26T12:00"));
        let windows = horizon.windows(&chain(&rb, &[("day", None)])).to_vec();
        let gaps: Vec<(String, TimeDelta)> = windows
            .iter()
            .filter(|w| w.yields_nobody())
            .map(|w| {
                let text = format!("{} to {}", day_time(w.from), day_time(w.to));
                (text, w.to - w.from)
            })
            .collect();
        let expected = [
            ("Fri 23 Oct 00:00 to Fri 23 Oct 06:00", 6),
            ("Fri 23 Oct 22:00 to Sat 24 Oct 06:00", 8),
            ("Sat 24 Oct 22:00 to Sun 25 Oct 06:00", 9),
            ("Sun 25 Oct 22:00 to Mon 26 Oct 06:00", 8),
        ];
        let expected: Vec<(String, TimeDelta)> = expected
            .iter()
            .map(|(t, h)| (t.to_string(), TimeDelta::hours(*h)))
            .collect();
        assert_eq!(gaps, expected);
    }

    #[test]
    fn a_gap_seen_through_an_offset_starts_that_much_earlier() {
        // The day role is engaged 20 minutes after the question: a question
        // at 21:40 already finds nobody there.
        let rb = load(PLANT);
        let engine = Engine::new(&rb);
        let from = at(&rb, "2026-11-23T12:00");
        let levels = chain(&rb, &[("boss", Some(1200)), ("day", None)]);
        let mut horizon = Horizon::new(&engine, from, from + TimeDelta::days(1));
        let windows = horizon.windows(&levels);
        let starts: Vec<String> = windows.iter().map(|w| day_time(w.from)).collect();
        assert_eq!(
            starts,
            ["Mon 23 Nov 12:00", "Mon 23 Nov 21:40", "Tue 24 Nov 05:40"]
        );
        assert!(windows[1].steps[1].skipped);
        assert!(!windows[2].steps[1].skipped);
    }

    #[test]
    fn windows_agree_with_resolution_at_every_five_minutes() {
        let rb = load(PLANT);
        let engine = Engine::new(&rb);
        // Over the autumn clock change, with a gap seen through an offset
        // and a skipped level that moves the next one earlier.
        let from = at(&rb, "2026-10-22T07:10");
        let to = from + TimeDelta::days(6);
        let levels = chain(
            &rb,
            &[("day", Some(600)), ("boss", Some(1200)), ("day", None)],
        );
        let mut horizon = Horizon::new(&engine, from, to);
        let windows = horizon.windows(&levels).to_vec();
        assert_eq!(windows.first().map(|w| w.from), Some(from));
        assert_eq!(windows.last().map(|w| w.to), Some(to));
        for pair in windows.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
            assert!(!same_answer(&pair[0].steps, &pair[1].steps));
        }
        let mut t = from;
        while t < to {
            let w = windows
                .iter()
                .find(|w| w.from <= t && t < w.to)
                .expect("a window covers every instant");
            let steps = engine.walk(&levels, "chain", t, &[], 0);
            assert!(same_answer(&w.steps, &steps), "at {t}");
            t += TimeDelta::minutes(5);
        }
    }

    #[test]
    fn role_windows_show_who_is_on_call_and_the_gaps() {
        let rb = load(PLANT);
        let engine = Engine::new(&rb);
        let from = at(&rb, "2026-11-23T00:00");
        let horizon = Horizon::new(&engine, from, from + TimeDelta::days(1));
        let seen: Vec<(String, Vec<String>)> = horizon
            .role_windows(rb.index.roles["day"])
            .iter()
            .map(|w| {
                let people = w.people.iter().map(|d| d.person.to_string()).collect();
                (day_time(w.from), people)
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = vec![
            ("Mon 23 Nov 00:00".into(), vec![]),
            ("Mon 23 Nov 06:00".into(), vec!["alice".into()]),
            ("Mon 23 Nov 22:00".into(), vec![]),
        ];
        assert_eq!(seen, expected);
        assert_eq!(horizon.role_windows(rb.index.roles["boss"]).len(), 1);
    }

    #[test]
    fn two_person_chains_wait_for_the_second_decider_and_vendor_roles_do_not_decide() {
        let rb = load(PLANT);
        let engine = Engine::new(&rb);
        let noon = at(&rb, "2026-11-23T12:00");
        let night = at(&rb, "2026-11-23T23:00");
        let boss_then_day = chain(&rb, &[("boss", Some(1200)), ("day", None)]);
        let one = Quorum {
            people: 1,
            vendor_roles_count: true,
        };
        let two = Quorum { people: 2, ..one };
        let steps = engine.walk(&boss_then_day, "chain", noon, &[], 0);
        assert_eq!(first_decider(&rb, &steps, one), Some(0));
        assert_eq!(first_decider(&rb, &steps, two), Some(1200));
        let steps = engine.walk(&boss_then_day, "chain", night, &[], 0);
        assert_eq!(first_decider(&rb, &steps, two), None);
        let desk_first = chain(&rb, &[("desk", None), ("boss", None)]);
        let steps = engine.walk(&desk_first, "chain", noon, &[], 0);
        assert_eq!(first_decider(&rb, &steps, one), Some(0));
        let vendor_session = Quorum {
            vendor_roles_count: false,
            ..one
        };
        assert_eq!(first_decider(&rb, &steps, vendor_session), Some(1800));
        let step = first_deciding_step(&rb, &steps, vendor_session).expect("boss");
        assert_eq!(step.people[0].person, "chen");
    }

    /// Every critical identity of `rb`, in every state and for every
    /// action, gets from its group what resolution gives it.
    fn assert_groups_agree(rb: &Runbook) -> Critical {
        let engine = Engine::new(rb);
        let critical = Critical::build(rb);
        let mut seen = 0;
        for group in &critical.groups {
            for &i in &group.identities {
                seen += 1;
                for state in &rb.states {
                    for &action in Action::ALL {
                        let candidates = engine.candidates(i, action, &state.id.value);
                        assert_eq!(
                            group.select(rb, &state.id.value, action),
                            authority::select(rb, &candidates),
                            "{} {action} in {}",
                            rb.identities[i].id.value,
                            state.id.value
                        );
                    }
                }
            }
        }
        assert_eq!(seen, critical.identities);
        critical
    }

    #[test]
    fn groups_select_what_resolution_selects_on_the_shipped_runbook() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rb = crate::load::load(&root.join("runbooks/lyon-packaging")).expect("loads");
        let critical = assert_groups_agree(&rb);
        assert!(critical.groups.len() < critical.identities);
    }

    #[test]
    fn groups_select_what_resolution_selects_for_every_kind_of_selector() {
        let rb = load(&format!(
            "{}{}",
            PLANT
                .replace(
                    "  - { id: normal, default: true }\n",
                    "  - { id: normal, default: true }\n  - { id: emergency, emergency: true }\n",
                )
                .replace(
                "systems:\n  - { id: line1, criticality: safety, owner: boss }\n",
                "systems:
  - { id: line1, criticality: safety, zone: ot, owner: boss }
  - { id: line2, criticality: high, zone: ot, owner: boss }
  - { id: erp, criticality: high, zone: it, owner: boss }
  - { id: wiki, criticality: low, zone: it, owner: boss }
",
            )
            .replace(
                "identities:\n  - { id: k, kind: api-key, owner: boss, access: { line1: { default: write } } }\n",
                "identities:
  - { id: a, kind: api-key, owner: boss, access: { line1: { default: write } }, labels: { cell: r1 } }
  - { id: b, kind: api-key, owner: boss, access: { line1: { default: none } }, labels: { cell: r2 } }
  - { id: c, kind: api-key, owner: boss, access: { erp: { default: read } }, serves: [line2] }
  - { id: d, kind: vendor-session, vendor: Acme, owner: boss, access: { line2: { default: none } } }
  - { id: e, kind: vendor-session, vendor: Other, owner: boss, access: { line2: { default: none } } }
  - { id: f, kind: token, owner: boss, access: { wiki: { default: write }, erp: { default: none } } }
  - { id: g, kind: token, owner: boss, access: { wiki: { default: write } } }
  - { id: h, kind: api-key, owner: boss, access: { line1: { default: write } }, labels: { cell: r1, line: \"1\" } }
",
            ),
            "authority:
  - { id: all, match: {}, actions: [pause, revoke], decide: [{ role: boss }] }
  - { id: ot, match: { zone: ot }, actions: [pause], decide: [{ role: day }] }
  - { id: it-crit, match: { zone: it, criticality: high }, actions: [revoke], decide: [{ role: day }] }
  - { id: r1, match: { labels: { cell: r1 } }, states: [emergency], actions: [pause], decide: [{ role: day }] }
  - { id: r1-line, match: { labels: { cell: r1, line: \"1\" } }, actions: [pause], decide: [{ role: boss }] }
  - { id: acme, match: { vendor: Acme }, actions: [disconnect], decide: [{ role: boss }] }
  - { id: sessions, match: { kind: vendor-session }, actions: [disconnect], decide: [{ role: day }] }
  - { id: line2, match: { system: line2 }, actions: [revoke], decide: [{ role: boss }] }
  - { id: line2-b, match: { system: [line2, erp] }, actions: [revoke], decide: [{ role: day }] }
  - { id: just-c, match: { identity: [c, f] }, actions: [pause], forbid: no }
",
        ));
        let critical = assert_groups_agree(&rb);
        // g touches only a low system; the rest are critical.
        assert_eq!(critical.identities, 7);
    }

    #[test]
    fn times_show_the_zone_only_in_the_repeated_hour() {
        let rb = load(PLANT);
        let first = at(&rb, "2026-10-25T02:30");
        assert_eq!(day_time(first), "Sun 25 Oct 02:30 CEST");
        assert_eq!(
            day_time(first + TimeDelta::hours(1)),
            "Sun 25 Oct 02:30 CET"
        );
        let from = at(&rb, "2026-10-24T22:00");
        let to = at(&rb, "2026-10-25T06:00");
        assert_eq!(
            window_text(from, to, to + TimeDelta::hours(1)),
            "Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h)"
        );
        assert_eq!(
            window_text(from, to, to),
            "Sat 24 Oct 22:00 to Sun 25 Oct 06:00 (9h, to the end of the horizon)"
        );
    }
}
