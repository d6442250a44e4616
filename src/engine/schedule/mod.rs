//! On-call schedules: who of a role is on shift at an instant, and when that
//! can next change.
//!
//! The format lays turns and `only` windows out on the plant's wall clock
//! ("Schedules follow the wall clock" in the format spec), so that a 06:00
//! handoff stays at 06:00 across daylight-saving changes. Every question is
//! therefore answered by reading the instant on the plant clock and doing the
//! arithmetic there. Only the points at which the answer changes are mapped
//! back to instants, and that is where the clock's jumps are handled: a wall
//! time skipped in spring takes effect when the clock jumps over it, and in
//! autumn the repeated hour is read twice, with the same answer both times.
//!
//! Nothing here reads the clock or does I/O: time is always passed in.

use crate::model::{Day, Layer, Override, Role, Schedule, Text, Window, local_instant};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// Why a person is on call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCallReason {
    /// `schedule.overrides[index]` is in effect.
    Override { index: usize },
    /// It is their turn in `schedule.layers[index]`, the first layer with
    /// someone on shift.
    Layer { index: usize },
    /// The role has no schedule: every member is on call.
    NoSchedule,
}

/// A person on call for a role at some instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCall {
    /// Person id.
    pub person: Text,
    pub reason: OnCallReason,
    /// When this stops holding: their turn, window or override ends, or an
    /// override or an earlier layer takes over. `None` when the schedule never
    /// ends it (or the role has no schedule).
    pub until: Option<DateTime<Tz>>,
}

/// How far ahead a search for a clock change (a daylight-saving transition)
/// looks from one point; longer than any jump of a real plant clock.
const SCAN: TimeDelta = TimeDelta::days(3);
/// Step of that search: no time zone changes its offset twice within it.
const PROBE_SECS: i64 = 3600;
/// Clock changes crossed in one search for the next handoff before giving up
/// and reporting the last one as a point where the answer may change.
const MAX_JUMPS: usize = 32;

/// Who is on call for `role` at `at`, before any availability or backup
/// handling.
///
/// Without a schedule, every member (in member order). With one, the person
/// of the last-listed override in effect, else the person on shift in the
/// first layer that has someone on shift; nobody when no layer does.
pub fn on_call(role: &Role, tz: Tz, at: DateTime<Tz>) -> Vec<OnCall> {
    let Some(schedule) = &role.schedule else {
        return role
            .members
            .iter()
            .map(|m| OnCall {
                person: m.value.clone(),
                reason: OnCallReason::NoSchedule,
                until: None,
            })
            .collect();
    };
    if let Some(index) = override_in_effect(schedule, tz, at) {
        let chosen = &schedule.overrides[index];
        let (_, end) = period(chosen, tz);
        let later = &schedule.overrides[index + 1..];
        let beaten = later.iter().filter_map(|o| starts_after(o, tz, at)).min();
        let until = earliest(Some(end), beaten);
        return vec![OnCall {
            person: chosen.person.value.clone(),
            reason: OnCallReason::Override { index },
            until,
        }];
    }
    let rotas: Vec<Option<Rota>> = schedule.layers.iter().map(|l| Rota::new(l, tz)).collect();
    for (index, rota) in rotas.iter().enumerate() {
        let Some(person) = rota.as_ref().and_then(|r| r.person(at.naive_local())) else {
            continue;
        };
        // This holds until the person's turn or window ends, an earlier layer
        // gets someone on shift, or an override starts.
        let layers = rotas[..=index]
            .iter()
            .flatten()
            .filter_map(|r| r.next_change(tz, at))
            .min();
        let overrides = schedule
            .overrides
            .iter()
            .filter_map(|o| starts_after(o, tz, at))
            .min();
        let until = earliest(layers, overrides);
        return vec![OnCall {
            person: person.clone(),
            reason: OnCallReason::Layer { index },
            until,
        }];
    }
    Vec::new()
}

/// The next instant strictly after `after` at which `on_call(role, tz, ·)`
/// may change: a handoff, an `only` window edge, an override edge, or a clock
/// jump over one of those. `None` when it never changes again.
///
/// `on_call` gives the same people for the same reasons at every instant in
/// `[after, next_change)`, so a horizon can be walked from change to change.
pub fn next_change(role: &Role, tz: Tz, after: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let schedule = role.schedule.as_ref()?;
    let edges = schedule.overrides.iter().filter_map(|o| {
        let (from, to) = period(o, tz);
        (from < to).then_some([from, to])
    });
    let edges = edges.flatten().filter(|t| *t > after);
    let turns = schedule
        .layers
        .iter()
        .filter_map(|l| Rota::new(l, tz)?.next_change(tz, after));
    edges.chain(turns).min()
}

/// The instants an override covers, `[from, to)`.
fn period(o: &Override, tz: Tz) -> (DateTime<Tz>, DateTime<Tz>) {
    (o.from.instant(tz), o.to.instant(tz))
}

/// The index of the override in effect at `at`: the last listed of those
/// whose period contains it.
fn override_in_effect(schedule: &Schedule, tz: Tz, at: DateTime<Tz>) -> Option<usize> {
    schedule.overrides.iter().rposition(|o| {
        let (from, to) = period(o, tz);
        from <= at && at < to
    })
}

/// When `o` starts, if that is after `at` and it covers any time at all.
fn starts_after(o: &Override, tz: Tz, at: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let (from, to) = period(o, tz);
    (from > at && from < to).then_some(from)
}

fn earliest<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    a.into_iter().chain(b).min()
}

/// A layer that can have someone on shift, with its start read on the plant
/// clock. Layers with an empty rotation or a zero shift have nobody, ever.
struct Rota<'a> {
    layer: &'a Layer,
    /// Plant wall-clock start of turn 0.
    start: NaiveDateTime,
    /// Length of a turn in seconds, never zero.
    shift: u64,
    /// The rotation's length, never zero.
    len: u64,
}

impl<'a> Rota<'a> {
    fn new(layer: &'a Layer, tz: Tz) -> Option<Rota<'a>> {
        let shift = layer.shift.value.secs();
        let len = u64::try_from(layer.rotation.len()).ok()?;
        (shift > 0 && len > 0).then(|| Rota {
            layer,
            start: layer.start.value.wall_clock(tz),
            shift,
            len,
        })
    }

    /// The turn running at wall-clock time `w`, ignoring the window; `None`
    /// before the start.
    fn turn(&self, w: NaiveDateTime) -> Option<u64> {
        if w < self.start {
            return None;
        }
        // Whole seconds since the start, rounded down (`w >= start`).
        let elapsed = u64::try_from((w - self.start).num_seconds()).ok()?;
        Some(elapsed / self.shift)
    }

    /// Wall-clock start of turn `k`; `None` when it is beyond the calendar.
    fn turn_start(&self, k: u64) -> Option<NaiveDateTime> {
        let secs = i64::try_from(k.checked_mul(self.shift)?).ok()?;
        self.start.checked_add_signed(TimeDelta::try_seconds(secs)?)
    }

    /// Who has turn `k`.
    fn person_of(&self, k: u64) -> &'a Text {
        let index = usize::try_from(k % self.len).unwrap_or_default();
        &self.layer.rotation[index].value
    }

    /// Who is on shift at wall-clock time `w`.
    fn person(&self, w: NaiveDateTime) -> Option<&'a Text> {
        let k = self.turn(w)?;
        let open = self
            .layer
            .only
            .as_ref()
            .is_none_or(|window| in_window(window, w));
        open.then(|| self.person_of(k))
    }

    /// The first wall-clock time after `w` at which the person on shift (or
    /// having nobody) changes; `None` if it never does.
    fn next_change_wall(&self, w: NaiveDateTime) -> Option<NaiveDateTime> {
        let mut from = w;
        if w < self.start {
            if self.person(self.start).is_some() {
                return Some(self.start);
            }
            from = self.start;
        }
        let window = self.layer.only.as_ref();
        let Some(k) = self.turn(from).filter(|_| self.person(from).is_some()) else {
            // Past the start with nobody on shift: the window is closed.
            return window.and_then(|window| next_opening(window, from));
        };
        let person = self.person_of(k);
        // The next turn that belongs to someone else; repeated entries in the
        // rotation are one longer stint.
        let handoff = (1..=self.len)
            .filter_map(|step| k.checked_add(step))
            .find(|&next| self.person_of(next) != person)
            .and_then(|next| self.turn_start(next));
        earliest(
            handoff,
            window.and_then(|window| next_closing(window, from)),
        )
    }

    /// The first instant after `after` at which the person on shift may
    /// change, the plant clock's jumps included.
    fn next_change(&self, tz: Tz, after: DateTime<Tz>) -> Option<DateTime<Tz>> {
        let mut t = after;
        for _ in 0..MAX_JUMPS {
            let offset = TimeDelta::seconds(i64::from(t.offset().fix().local_minus_utc()));
            let wall = self.next_change_wall(t.naive_local());
            // While the offset holds, the clock reads `wall` at `direct`.
            let direct = wall
                .and_then(|w| w.checked_sub_signed(offset))
                .map(|utc| tz.from_utc_datetime(&utc));
            let horizon = t.checked_add_signed(SCAN)?;
            let scan_to = direct.filter(|d| *d < horizon).unwrap_or(horizon);
            let Some(jump) = next_jump(tz, t, scan_to) else {
                return match direct {
                    Some(d) if d <= horizon => Some(d),
                    // Far ahead: any jump before it only moves the instant the
                    // clock first reads `wall` (or first passes it).
                    _ => wall
                        .map(|w| local_instant(tz, w))
                        .map(|x| if x > t { x } else { horizon }),
                };
            };
            let before = jump.checked_sub_signed(TimeDelta::nanoseconds(1))?;
            if self.person(before.naive_local()) != self.person(jump.naive_local()) {
                return Some(jump);
            }
            t = jump;
        }
        // Many jumps and no change: the last is still a safe place to look again.
        Some(t)
    }
}

/// The first instant in `(from, to]` at which the plant clock's offset
/// changes (a daylight-saving transition), if any.
fn next_jump(tz: Tz, from: DateTime<Tz>, to: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let offset_at = |secs: i64| {
        DateTime::from_timestamp(secs, 0).map(|t| tz.offset_from_utc_datetime(&t.naive_utc()).fix())
    };
    let end = to.timestamp();
    let mut lo = from.timestamp();
    let before = offset_at(lo)?;
    while lo < end {
        let mut hi = (lo + PROBE_SECS).min(end);
        if offset_at(hi)? != before {
            // The offset changes in (lo, hi]: find the second it does.
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid)? == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return DateTime::from_timestamp(hi, 0).map(|t| t.with_timezone(&tz));
        }
        lo = hi;
    }
    None
}

/// The length of a window: `to <= from` spans midnight.
fn window_len(window: &Window) -> TimeDelta {
    let len = window.to - window.from;
    if len > TimeDelta::zero() {
        len
    } else {
        len + TimeDelta::days(1)
    }
}

fn starts_on(window: &Window, date: NaiveDate) -> bool {
    window.days.is_empty() || window.days.contains(&Day::from_weekday(date.weekday()))
}

/// The days whose windows can matter around `date`: the day before it (a
/// window spanning midnight) to a week and a day after it.
fn days_around(date: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let first = date.checked_sub_days(Days::new(1));
    (0..10).filter_map(move |i| first?.checked_add_days(Days::new(i)))
}

/// Whether wall-clock time `w` lies in `window`; the part after midnight
/// belongs to the day the window started.
fn in_window(window: &Window, w: NaiveDateTime) -> bool {
    let len = window_len(window);
    days_around(w.date()).take(2).any(|day| {
        let open = day.and_time(window.from);
        starts_on(window, day)
            && open <= w
            && open.checked_add_signed(len).is_some_and(|close| w < close)
    })
}

/// The first time after `w` at which `window` opens.
fn next_opening(window: &Window, w: NaiveDateTime) -> Option<NaiveDateTime> {
    days_around(w.date())
        .filter(|&day| starts_on(window, day))
        .map(|day| day.and_time(window.from))
        .find(|&open| open > w)
}

/// The first time after `w` outside `window` (a window that closes as the
/// next one opens stays open); `None` when it never closes.
fn next_closing(window: &Window, w: NaiveDateTime) -> Option<NaiveDateTime> {
    let len = window_len(window);
    days_around(w.date())
        .filter(|&day| starts_on(window, day))
        .filter_map(|day| day.and_time(window.from).checked_add_signed(len))
        .find(|&close| close > w && !in_window(window, close))
}

#[cfg(test)]
mod tests;
