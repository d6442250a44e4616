//! Model tests: keys and ticks in, model, log events and effects out, on a
//! manual clock (no sleeping), on the shipped runbook at 02:10 on a Friday.

use super::*;
use crate::engine::Engine;
use crate::load::load;
use crate::log::Event;
use crate::log::Kind;
use crate::log::events::Mode;
use crate::model::Action;
use crate::model::Runbook;
use crate::tui::live::model::{Notifications, Overlay, Screen, Viewing};
use crate::tui::live::run::{Effects, dispatch};
use chrono::{TimeDelta, TimeZone};
use ratatui::crossterm::event::KeyEvent;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::path::Path;
use std::sync::OnceLock;

pub(crate) fn shipped() -> &'static Runbook {
    static RUNBOOK: OnceLock<Runbook> = OnceLock::new();
    RUNBOOK.get_or_init(|| load(Path::new("runbooks/lyon-packaging")).unwrap())
}

/// Friday 6 March 2026, 02:10 in Lyon (01:10 UTC): alice is the shift lead.
pub(crate) fn night() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 1, 10, 0).unwrap()
}

/// Effects kept for the test to look at; appends can be made to fail.
#[derive(Default)]
pub(crate) struct Recorded {
    pub events: Vec<Event>,
    pub others: Vec<Effect>,
    pub failing: bool,
}

impl Effects for Recorded {
    fn append(&mut self, event: &Event) -> Result<u64, String> {
        if self.failing {
            return Err("disk full".into());
        }
        self.events.push(event.clone());
        Ok(self.events.len() as u64)
    }
    fn other(&mut self, effect: Effect, _m: &Model) -> Option<Msg> {
        self.others.push(effect);
        None
    }
}

impl Recorded {
    fn kinds(&self) -> Vec<Kind> {
        self.events.iter().map(Event::kind).collect()
    }
    fn last(&self, kind: Kind) -> &Event {
        self.events.iter().rev().find(|e| e.kind() == kind).unwrap()
    }
}

pub(crate) fn press(m: &mut Model, fx: &mut impl Effects, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        dispatch(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), fx);
    }
}

pub(crate) fn tick(m: &mut Model, fx: &mut Recorded, minutes: i64) {
    let now = m.now.to_utc() + TimeDelta::minutes(minutes);
    dispatch(m, Msg::Tick(now), fx);
}

/// A field as written on the event's line.
fn field(e: &Event, key: &str) -> serde_json::Value {
    e.body.to_fields().get(key).cloned().unwrap_or_default()
}

fn console<'a>(engine: &'a Engine<'static>) -> Model<'a> {
    Model::new(
        engine,
        Mode::Live,
        "test.andonlog".into(),
        "normal".into(),
        night(),
    )
}

fn engine() -> Engine<'static> {
    Engine::new(shipped())
}

#[test]
fn a_vendor_session_is_found_disconnected_and_recorded_in_a_few_keys() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // Type, choose the identity, choose disconnect (first action), record,
    // pick the first person (the one called now), approve.
    press(&mut m, &mut fx, "acme\n\nr\n\n");
    assert_eq!(fx.kinds(), [Kind::DecisionOpened, Kind::Decided]);
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "by"), serde_json::json!(["alice"]));
    assert_eq!(field(decided, "identity"), "vendor-acme-remote");
    assert_eq!(field(decided, "action"), "disconnect");
    assert_eq!(field(decided, "authorized"), true);
    assert_eq!(field(decided, "outcome"), "approved");
    assert_eq!(m.taken.len(), 1);
    assert!(m.open.is_empty());
    assert!(m.flash[0].text.contains("authorized"), "{:?}", m.flash[0]);
}

/// A decision on screen but not opened yet follows the clock and who is
/// unavailable: hours later, or with the caller out, it shows the chain
/// `andon who` gives then, never the one of the moment it was first shown.
#[test]
fn a_decision_not_opened_yet_is_the_answer_of_now() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n");
    let shown = |m: &Model| match &m.viewing {
        Some(Viewing::Preview(_, d)) => (**d).clone(),
        other => panic!("not a preview: {other:?}"),
    };
    let first = shown(&m);
    tick(&mut m, &mut fx, 4 * 60);
    let later = shown(&m);
    assert_ne!(later, first, "four hours on, the chain starts now");
    assert_eq!(later.steps[0].starts_at, m.now, "level 1 is called now");
    let Some(Viewing::Preview(subject, _)) = &m.viewing else {
        panic!("preview")
    };
    let subject = subject.clone();
    assert_eq!(later, m.resolve(&subject, Action::Disconnect));
    assert!(fx.events.is_empty(), "a preview logs nothing");
}

#[test]
fn a_decider_outside_the_chain_is_recorded_and_flagged() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\nr");
    let Some(Overlay::Record(r)) = &m.overlay else {
        panic!("no record box")
    };
    let bob = r.candidates.iter().position(|p| &**p == "bob").unwrap();
    assert!(bob >= r.in_chain, "bob is not in this chain");
    press(&mut m, &mut fx, &"j".repeat(bob));
    press(&mut m, &mut fx, "\n\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "by"), serde_json::json!(["bob"]));
    assert_eq!(field(decided, "authorized"), false);
    let flags = field(decided, "flags").to_string();
    assert!(flags.contains("not in the chain"), "{flags}");
    assert!(m.flash[0].alarm && m.flash[0].text.contains("NOT AUTHORIZED"));
}

#[test]
fn a_later_level_may_decide_ahead_of_the_chain() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // dana is level 2 of the vendor chain at 02:10.
    press(&mut m, &mut fx, "acme\n\nrj\n\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "by"), serde_json::json!(["dana"]));
    assert_eq!(field(decided, "authorized"), true);
    assert_eq!(field(decided, "ahead_of_chain"), true);
}

#[test]
fn an_open_decision_moves_to_the_next_level_when_its_time_runs_out() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n\n");
    assert_eq!(m.open.len(), 1, "Enter opened the decision");
    assert_eq!(m.open[0].level, 0);
    tick(&mut m, &mut fx, 4);
    assert_eq!(m.open[0].level, 0, "level 1 has 5 minutes");
    assert!(!fx.kinds().contains(&Kind::Escalated));
    tick(&mut m, &mut fx, 1);
    assert_eq!(m.open[0].level, 1);
    let escalated = fx.last(Kind::Escalated);
    assert_eq!(field(escalated, "reason"), "timeout");
    assert_eq!(field(escalated, "level"), 2);
    assert_eq!(field(escalated, "people"), serde_json::json!(["dana"]));
    assert!(fx.others.contains(&Effect::Bell));
    assert!(
        fx.others
            .iter()
            .any(|e| matches!(e, Effect::Notify { summary, .. } if summary.contains("D1 level 2")))
    );
    assert!(m.flash[0].alarm && m.flash[0].text.contains("Alice Martin did not decide"));
    // Another tick at the same level changes nothing.
    let before = fx.events.len();
    tick(&mut m, &mut fx, 1);
    assert_eq!(fx.events.len(), before);
}

#[test]
fn escalating_by_hand_calls_the_next_level_now_and_re_times_the_rest() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // Opened at 02:10: level 2 at 02:15, level 3 at 02:25.
    press(&mut m, &mut fx, "acme\n\n\n");
    tick(&mut m, &mut fx, 2);
    press(&mut m, &mut fx, "x");
    let at = |h: u32, min: u32| m.tz.with_ymd_and_hms(2026, 3, 6, h, min, 0).unwrap();
    let open = &m.open[0];
    assert_eq!(open.level, 1);
    assert_eq!(open.decision.steps[0].starts_at, at(2, 10));
    assert_eq!(open.decision.steps[1].starts_at, at(2, 12), "called now");
    assert_eq!(
        open.decision.steps[2].starts_at,
        at(2, 22),
        "10 minutes after"
    );
    let escalated = fx.last(Kind::Escalated);
    assert_eq!(field(escalated, "reason"), "manual");
    assert!(
        field(escalated, "chain").is_array(),
        "the re-timed chain is logged"
    );
    // 02:21: level 2 still has a minute; 02:22: level 3 is called.
    tick(&mut m, &mut fx, 9);
    assert_eq!(m.open[0].level, 1);
    tick(&mut m, &mut fx, 1);
    assert_eq!(m.open[0].level, 2);
    assert_eq!(field(fx.last(Kind::Escalated), "reason"), "timeout");
}

#[test]
fn a_repeating_chain_starts_again_from_level_one_when_it_runs_out() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // `vendor-sessions` has `repeat: 1`: levels at 02:10, 02:15 and 02:25,
    // nobody by 02:40, then once more from level 1.
    press(&mut m, &mut fx, "acme\n\n\n");
    assert_eq!(field(fx.last(Kind::DecisionOpened), "repeat"), 1);
    let tz = m.tz;
    let at = |h: u32, min: u32| tz.with_ymd_and_hms(2026, 3, 6, h, min, 0).unwrap();
    tick(&mut m, &mut fx, 15);
    assert_eq!(m.open[0].level, 2);
    fx.others.clear();
    tick(&mut m, &mut fx, 15);
    let open = &m.open[0];
    assert_eq!((open.level, open.pass), (0, 1), "level 1 of pass 2");
    assert_eq!(open.decision.steps[0].starts_at, at(2, 40));
    assert_eq!(open.decision.steps[1].starts_at, at(2, 45));
    let again = fx.last(Kind::Escalated);
    assert_eq!(field(again, "level"), 1);
    assert_eq!(field(again, "pass"), 2);
    assert_eq!(field(again, "people"), serde_json::json!(["alice"]));
    assert!(fx.others.contains(&Effect::Bell));
    assert!(m.flash[0].alarm && m.flash[0].text.contains("pass 2 of 2"));
    assert!(!m.open[0].exhausted);
    // The second pass moves on like the first, and says which pass.
    tick(&mut m, &mut fx, 5);
    assert_eq!(m.open[0].level, 1);
    assert_eq!(field(fx.last(Kind::Escalated), "pass"), 2);
    // After the last pass the chain has run out: escalate by hand.
    tick(&mut m, &mut fx, 10);
    assert_eq!(m.open[0].level, 2);
    tick(&mut m, &mut fx, 15);
    assert!(m.open[0].exhausted);
    assert_eq!(m.open[0].pass, 1);
    assert!(m.flash[0].text.contains("the chain has run out"));
}

#[test]
fn marking_the_caller_unavailable_re_resolves_from_the_current_level() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n\n");
    tick(&mut m, &mut fx, 1);
    // u, then the people list is in runbook order: alice is first. Space
    // picks her; the box then says what will be logged, and y logs it.
    press(&mut m, &mut fx, "u ");
    assert!(m.unavailable.is_empty(), "picking alone logs nothing");
    press(&mut m, &mut fx, "y");
    assert_eq!(m.unavailable, ["alice"]);
    let note = fx.last(Kind::Note);
    assert_eq!(field(note, "unavailable"), serde_json::json!(["alice"]));
    let escalated = fx.last(Kind::Escalated);
    assert_eq!(field(escalated, "reason"), "unavailable");
    assert!(escalated.body.to_fields().contains_key("chain"));
    let open = &m.open[0];
    let now_calling = &open.decision.steps[open.level];
    assert!(!now_calling.skipped);
    assert!(now_calling.people.iter().all(|p| &*p.person != "alice"));
    // No bell for a change the responder made.
    assert!(!fx.others.contains(&Effect::Bell));
}

#[test]
fn nothing_is_shown_done_when_the_log_cannot_be_written() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded {
        failing: true,
        ..Recorded::default()
    };
    press(&mut m, &mut fx, "acme\n\nr\n\n");
    assert!(m.taken.is_empty());
    assert!(m.open.is_empty());
    assert!(m.pending.is_empty());
    assert!(m.log_error.is_some());
    assert!(m.flash[0].text.starts_with("NOT RECORDED"));
    // When the disk comes back, the next step is recorded and the error goes.
    fx.failing = false;
    press(&mut m, &mut fx, "r\n\n");
    assert_eq!(m.taken.len(), 1);
    assert!(m.log_error.is_none());
}

#[test]
fn quitting_with_open_decisions_asks_first() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n\n\x1b\x1bq");
    assert_eq!(m.overlay, Some(Overlay::Quit));
    assert!(!m.quit);
    press(&mut m, &mut fx, "n");
    assert_eq!(m.overlay, None);
    press(&mut m, &mut fx, "qy");
    assert!(m.quit);
    let closed = fx.last(Kind::Closed);
    assert_eq!(field(closed, "open"), serde_json::json!(["D1"]));
    assert!(fx.others.contains(&Effect::Quit));
}

#[test]
fn quitting_with_nothing_open_does_not_ask() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "\x1bq");
    assert!(m.quit);
    assert_eq!(fx.kinds(), [Kind::Closed]);
}

#[test]
fn a_state_is_declared_through_its_own_chain() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    let emergency = shipped()
        .states
        .iter()
        .position(|s| &*s.id.value == "emergency")
        .unwrap();
    let normal = shipped()
        .states
        .iter()
        .position(|s| &*s.id.value == "normal")
        .unwrap();
    press(&mut m, &mut fx, "\x1bs");
    let moves = if emergency > normal { "j" } else { "k" }.repeat(emergency.abs_diff(normal));
    press(&mut m, &mut fx, &moves);
    press(&mut m, &mut fx, "\n");
    let (d, _) = m.viewed().unwrap();
    assert_eq!(d.action, Action::Declare);
    assert_eq!(&*d.state, "emergency", "{d:?}");
    let first = d.first_deciders().unwrap().people[0].person.to_string();
    press(&mut m, &mut fx, "r\n\n");
    let declared = fx.last(Kind::StateDeclared);
    assert_eq!(field(declared, "state"), "emergency");
    assert_eq!(field(declared, "from"), "normal");
    assert_eq!(field(declared, "by"), serde_json::json!([first]));
    assert_eq!(field(declared, "authorized"), true);
    assert_eq!(&*m.state, "emergency");
    // Later questions resolve in the new state.
    // Back in the list it was declared from.
    assert_eq!(m.screen, Screen::Results);
    press(&mut m, &mut fx, "/acme\n1");
    assert_eq!(&*m.viewed().unwrap().0.state, "emergency");
}

#[test]
fn a_state_nobody_may_declare_is_said_plainly_and_recorded_as_not_authorized() {
    let base = include_str!("../../../tests/fixtures/base-plant.yaml");
    let text = base.replacen("states:\n", "states:\n  - id: cleaning\n", 1);
    let runbook: &'static Runbook = Box::leak(Box::new(
        crate::load::load_str("plant.yaml", &text).unwrap(),
    ));
    let e = Engine::new(runbook);
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // `cleaning` is the first state in the list; the console is in `normal`.
    press(&mut m, &mut fx, "\x1bsk\n");
    let (d, _) = m.viewed().unwrap();
    assert_eq!(&*d.state, "cleaning", "{d:?}");
    let mut screen = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    let theme = crate::tui::live::views::Theme { color: false };
    let text = |t: &ratatui::Terminal<ratatui::backend::TestBackend>| {
        (t.backend().buffer().content().iter())
            .map(|c| c.symbol())
            .collect::<String>()
    };
    screen
        .draw(|f| crate::tui::live::views::draw(f, &m, theme))
        .unwrap();
    assert!(
        text(&screen).contains("NOBODY MAY DECLARE state cleaning"),
        "{}",
        text(&screen)
    );
    // Record it: the confirmation says it is not authorized.
    press(&mut m, &mut fx, "r\n");
    screen
        .draw(|f| crate::tui::live::views::draw(f, &m, theme))
        .unwrap();
    assert!(text(&screen).contains("NOT AUTHORIZED by the runbook"));
    press(&mut m, &mut fx, "\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "authorized"), false);
    assert_eq!(
        field(decided, "flags")[0],
        "the runbook names nobody who may declare state cleaning"
    );
    // A live console records what the plant did: the state changed,
    // not authorized.
    let declared = fx.last(Kind::StateDeclared);
    assert_eq!(field(declared, "authorized"), false);
    assert_eq!(&*m.state, "cleaning");
}

#[test]
fn a_two_person_rule_with_one_decider_is_flagged() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // restore (7) on the vendor session is two-person.
    press(&mut m, &mut fx, "acme\n7");
    assert!(m.viewed().unwrap().0.two_person);
    press(&mut m, &mut fx, "r\nd\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "authorized"), false);
    assert!(field(decided, "flags").to_string().contains("two-person"));
    // With two people of the chain it is authorized.
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n7r\nj\n\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "by").as_array().unwrap().len(), 2);
    assert_eq!(field(decided, "authorized"), true, "{decided:?}");
}

#[test]
fn ticked_preconditions_are_recorded_and_unticked_ones_flagged() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "plc-l3-eng\n");
    // rotate (4) on a PLC credential has preconditions.
    press(&mut m, &mut fx, "4");
    let n = m.viewed().unwrap().0.preconditions.len();
    assert!(n >= 1);
    press(&mut m, &mut fx, "1");
    assert_eq!(fx.kinds(), [Kind::DecisionOpened, Kind::Acknowledged]);
    assert!(m.open[0].acknowledged[0]);
    press(&mut m, &mut fx, "1");
    assert_eq!(fx.events.len(), 2, "ticking twice records once");
    // Two-person: the two line 3 engineers of level 1.
    press(&mut m, &mut fx, "r\nj\n\n");
    let decided = fx.last(Kind::Decided);
    assert_eq!(field(decided, "preconditions_acknowledged"), n == 1);
}

#[test]
fn notifications_being_off_is_said_once() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    dispatch(
        &mut m,
        Msg::NotificationsOff("no D-Bus session".into()),
        &mut fx,
    );
    dispatch(
        &mut m,
        Msg::NotificationsOff("no D-Bus session".into()),
        &mut fx,
    );
    assert_eq!(
        m.notifications,
        Notifications::Off("no D-Bus session".into())
    );
    let said = m
        .flash
        .iter()
        .filter(|f| f.text.contains("notifications are off"))
        .count();
    assert_eq!(said, 1);
}

#[test]
fn esc_goes_back_and_help_opens_and_closes() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n");
    assert_eq!(m.screen, Screen::Decision);
    press(&mut m, &mut fx, "\x1b");
    assert_eq!(m.screen, Screen::Actions);
    press(&mut m, &mut fx, "?");
    assert_eq!(m.overlay, Some(Overlay::Help));
    press(&mut m, &mut fx, "\x1b");
    assert_eq!(m.overlay, None);
    press(&mut m, &mut fx, "\x1b");
    assert_eq!(m.screen, Screen::Results);
    press(&mut m, &mut fx, "\x1b");
    assert!(
        m.search.query.is_empty(),
        "Esc in the list clears the search"
    );
    assert!(fx.events.is_empty(), "looking records nothing");
}

mod drill_mode {
    use super::*;
    use crate::drill::Drill;
    use crate::load::load_scenario_with_runbook;
    use crate::model::Scenario;
    use crate::tui::live::drill::DrillMode;

    fn scenario() -> &'static (Scenario, Runbook) {
        static LOADED: OnceLock<(Scenario, Runbook)> = OnceLock::new();
        LOADED.get_or_init(|| {
            load_scenario_with_runbook(Path::new("scenarios/vendor-session-night.yaml")).unwrap()
        })
    }

    fn real(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap() + TimeDelta::seconds(seconds)
    }

    /// The vendor-session drill at x60 (a real second is a drill minute).
    fn drill<'a>(engine: &'a Engine<'static>) -> Model<'a> {
        let (s, _) = scenario();
        let d = Drill::new(s, engine);
        let start = d.start().to_utc();
        let mut m = Model::new(
            engine,
            Mode::Drill,
            "drill.andonlog".into(),
            "normal".into(),
            start,
        );
        m.drill = Some(DrillMode::new(d, 60, false, real(0)));
        m
    }

    fn at(m: &mut Model, fx: &mut Recorded, seconds: i64) {
        dispatch(m, Msg::Tick(real(seconds)), fx);
    }

    #[test]
    fn injects_arrive_on_the_drill_clock_with_their_unavailability() {
        let engine = Engine::new(&scenario().1);
        let mut m = drill(&engine);
        let mut fx = Recorded::default();
        at(&mut m, &mut fx, 0);
        assert_eq!(fx.kinds(), [Kind::Inject]);
        assert!(m.flash[0].text.starts_with("INJECT +0s"));
        at(&mut m, &mut fx, 3);
        assert_eq!(m.now.format("%H:%M").to_string(), "02:13");
        assert_eq!(fx.events.len(), 1, "the next inject is at 4m");
        assert!(m.unavailable.is_empty());
        at(&mut m, &mut fx, 4);
        assert_eq!(field(fx.last(Kind::Inject), "n"), 2);
        assert_eq!(m.unavailable, ["alice"]);
    }

    #[test]
    fn an_open_decision_re_resolves_when_an_inject_takes_its_caller_away() {
        let engine = Engine::new(&scenario().1);
        let mut m = drill(&engine);
        let mut fx = Recorded::default();
        at(&mut m, &mut fx, 1);
        press(&mut m, &mut fx, "acme\n\n\n");
        assert_eq!(
            m.open[0].decision.steps[0].people[0].person.as_str(),
            "alice"
        );
        at(&mut m, &mut fx, 4);
        let escalated = fx.last(Kind::Escalated);
        assert_eq!(field(escalated, "reason"), "unavailable");
        let open = &m.open[0];
        assert!(
            open.decision.steps[open.level]
                .people
                .iter()
                .all(|p| &*p.person != "alice")
        );
    }

    #[test]
    fn a_recorded_decision_is_scored_live() {
        let engine = Engine::new(&scenario().1);
        let mut m = drill(&engine);
        let mut fx = Recorded::default();
        at(&mut m, &mut fx, 2);
        assert_eq!(m.drill.as_ref().unwrap().tally(), (0, 2, 0));
        press(&mut m, &mut fx, "acme\n\nr\n\n");
        assert_eq!(
            field(fx.last(Kind::Decided), "by"),
            serde_json::json!(["alice"])
        );
        assert_eq!(m.drill.as_ref().unwrap().tally(), (1, 1, 0));
        // Past the 8 minutes of the declare expectation, it is no longer open.
        at(&mut m, &mut fx, 9);
        assert_eq!(m.drill.as_ref().unwrap().tally(), (1, 0, 1));
    }

    #[test]
    fn pause_next_inject_and_speed_move_the_drill_clock() {
        let engine = Engine::new(&scenario().1);
        let mut m = drill(&engine);
        let mut fx = Recorded::default();
        at(&mut m, &mut fx, 1);
        press(&mut m, &mut fx, "\x1bp");
        let paused = m.now;
        at(&mut m, &mut fx, 30);
        assert_eq!(m.now, paused, "a paused drill clock stands still");
        press(&mut m, &mut fx, "n");
        at(&mut m, &mut fx, 31);
        assert_eq!(
            m.now.format("%H:%M").to_string(),
            "02:14",
            "jumped to the 4m inject"
        );
        assert_eq!(m.unavailable, ["alice"]);
        press(&mut m, &mut fx, "p+");
        assert_eq!(m.drill.as_ref().unwrap().speed, 600);
        at(&mut m, &mut fx, 32);
        assert_eq!(m.now.format("%H:%M").to_string(), "02:24");
    }

    #[test]
    fn an_unauthorized_declaration_does_not_change_the_drill_state() {
        let engine = Engine::new(&scenario().1);
        let mut m = drill(&engine);
        let mut fx = Recorded::default();
        at(&mut m, &mut fx, 1);
        let emergency = shipped()
            .states
            .iter()
            .position(|s| &*s.id.value == "emergency")
            .unwrap();
        press(&mut m, &mut fx, "\x1bs");
        press(&mut m, &mut fx, &"j".repeat(emergency));
        press(&mut m, &mut fx, "\nr");
        let Some(Overlay::Record(r)) = &m.overlay else {
            panic!("no record box")
        };
        let outsider = r.in_chain;
        press(&mut m, &mut fx, &"j".repeat(outsider));
        press(&mut m, &mut fx, "\n\n");
        assert_eq!(field(fx.last(Kind::Decided), "authorized"), false);
        assert!(!fx.kinds().contains(&Kind::StateDeclared));
        assert_eq!(&*m.state, "normal");
    }
}

fn chord(m: &mut Model, fx: &mut Recorded, modifiers: KeyModifiers, c: char) {
    dispatch(m, Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers)), fx);
}

#[test]
fn ctrl_keys_in_the_search_box_edit_the_query_and_open_nothing() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "svc mes");
    // Ctrl-S, Ctrl-E and Ctrl-O would be `s` (declare), `e` (report) and
    // `o` (open decisions) if letters with Ctrl were commands.
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 's');
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 'e');
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 'o');
    assert_eq!(m.screen, Screen::Search);
    assert_eq!(m.overlay, None);
    assert_eq!(m.search.query, "svc mes");
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 'w');
    assert_eq!(m.search.query, "svc ");
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 'h');
    assert_eq!(m.search.query, "svc");
    chord(&mut m, &mut fx, KeyModifiers::CONTROL, 'u');
    assert_eq!(m.search.query, "");
    assert!(fx.events.is_empty(), "{:?}", fx.kinds());
    assert!(fx.others.is_empty(), "{:?}", fx.others);
}

#[test]
fn ctrl_letters_are_no_commands_outside_the_search_box_either() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n");
    assert_eq!(m.screen, Screen::Actions);
    for c in ['s', 'u', 'e', 'q', 'o'] {
        chord(&mut m, &mut fx, KeyModifiers::CONTROL, c);
    }
    assert_eq!(m.screen, Screen::Actions);
    assert_eq!(m.overlay, None);
    assert!(fx.events.is_empty() && fx.others.is_empty());
}

#[test]
fn slash_focuses_the_search_box_and_is_never_typed() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "/acme/");
    assert_eq!(m.search.query, "acme");
    // From the actions back to the results, then `/` into the box again.
    press(&mut m, &mut fx, "\n\x1b/");
    assert_eq!(m.screen, Screen::Search);
    assert_eq!(m.search.query, "acme");
}

#[test]
fn q_quits_from_an_empty_search_box_and_is_a_letter_in_a_query() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "aq");
    assert_eq!(m.search.query, "aq");
    assert!(fx.events.is_empty());
    press(&mut m, &mut fx, "\x1bq");
    assert_eq!(fx.kinds(), [Kind::Closed]);
}

#[test]
fn the_people_box_logs_only_after_saying_what_it_will_log() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "\x1bu");
    // Enter picks; Esc and n at the question log nothing.
    press(&mut m, &mut fx, "\n\x1b");
    press(&mut m, &mut fx, " n");
    assert!(fx.events.is_empty(), "{:?}", fx.kinds());
    assert!(m.unavailable.is_empty());
    press(&mut m, &mut fx, " y");
    assert_eq!(fx.kinds(), [Kind::Note]);
    assert_eq!(m.unavailable, ["alice"]);
    // Available again takes the same two steps.
    press(&mut m, &mut fx, " ");
    assert_eq!(m.unavailable, ["alice"]);
    press(&mut m, &mut fx, "\n");
    assert!(m.unavailable.is_empty());
}

#[test]
fn a_chain_escalated_by_hand_stays_re_timed_when_someone_becomes_unavailable() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // D1 at 02:10: alice (5m), the security on-call (10m), dana (15m).
    press(&mut m, &mut fx, "acme\n\n\n");
    tick(&mut m, &mut fx, 1);
    press(&mut m, &mut fx, "x");
    // Level 3 names dana (she is also alice's backup, at level 1).
    let dana = |m: &Model| {
        let last = m.open[0].decision.steps.last().unwrap();
        assert_eq!(last.target.id().value, "dana");
        last.starts_at.format("%H:%M").to_string()
    };
    // Called by hand at 02:11: dana comes 10 minutes later.
    assert_eq!(dana(&m), "02:21");
    // alice (level 1, already passed) becomes unavailable: the chain is
    // resolved again, and keeps the re-timing.
    press(&mut m, &mut fx, "\x1bu y");
    assert_eq!(m.unavailable, ["alice"]);
    assert_eq!(dana(&m), "02:21");
}

#[test]
fn a_note_is_typed_edited_and_logged_only_on_enter() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // In the box, letters are text: `q`, `s` and `u` are not commands.
    press(&mut m, &mut fx, "\x1baCalled Alice twice, voicemail qsu");
    for _ in 0..4 {
        dispatch(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            &mut fx,
        );
    }
    assert!(fx.events.is_empty(), "{:?}", fx.kinds());
    press(&mut m, &mut fx, "\n");
    assert_eq!(fx.kinds(), [Kind::Note]);
    assert_eq!(
        field(&fx.events[0], "text"),
        serde_json::json!("Called Alice twice, voicemail")
    );
    assert_eq!(m.overlay, None);
    assert_eq!(m.flash[0].text, "note: Called Alice twice, voicemail");
    // Esc discards; an empty note is not logged.
    press(&mut m, &mut fx, "aforget it\x1ba\n");
    assert_eq!(fx.kinds(), [Kind::Note]);
}

#[test]
fn an_escalation_stays_on_screen_until_the_timeline_is_seen() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    press(&mut m, &mut fx, "acme\n\n\n");
    tick(&mut m, &mut fx, 6);
    let escalation = m.flash[0].clone();
    assert!(escalation.alarm, "{escalation:?}");
    // Later news does not push the escalation off the screen.
    m.say("desktop notifications are off: no D-Bus", false);
    press(&mut m, &mut fx, "\x1ba\x1b");
    assert_eq!(m.headline(), Some(&escalation));
    // The timeline has both, newest first, and seeing it unpins the alarm.
    press(&mut m, &mut fx, "l");
    assert_eq!(m.overlay, Some(Overlay::Timeline { scroll: 0 }));
    let texts: Vec<String> = m.flash.iter().map(|f| f.text.clone()).collect();
    assert_eq!(texts[0], "desktop notifications are off: no D-Bus");
    assert!(texts.contains(&escalation.text));
    press(&mut m, &mut fx, "\x1b");
    assert_eq!(m.headline().map(|f| f.text.clone()), Some(texts[0].clone()));
}

#[test]
fn alt_and_a_letter_is_esc_then_the_letter_as_a_fast_ssh_link_sends_them() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded::default();
    // Esc leaves the (empty) search box, then `u` opens who is unavailable.
    chord(&mut m, &mut fx, KeyModifiers::ALT, 'u');
    assert_eq!(m.screen, Screen::Results);
    assert!(matches!(m.overlay, Some(Overlay::People { .. })));
}

#[test]
fn the_console_quits_even_when_closed_cannot_be_written() {
    let e = engine();
    let mut m = console(&e);
    let mut fx = Recorded {
        failing: true,
        ..Recorded::default()
    };
    press(&mut m, &mut fx, "\x1bq");
    assert!(m.quit);
    assert!(fx.others.contains(&Effect::Quit));
    assert_eq!(m.log_error.as_deref(), Some("disk full"));
}
