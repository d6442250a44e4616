//! The shipped runbook answers the questions a shift lead asks.

use super::harness::{Andon, shipped};

const RB: &str = "runbooks/lyon-packaging";

#[test]
fn the_shipped_runbook_loads_without_errors() {
    andon::load::load(&shipped()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn cutting_the_vendor_session_at_night_names_someone_to_call_now() {
    Andon::new()
        .runbook(RB)
        .args([
            "who",
            "vendor-acme-remote",
            "disconnect",
            "--at",
            "2026-03-06T02:10",
        ])
        .run()
        .success()
        .stdout_has("Call ")
        .stdout_has(" now (rule ");
}

#[test]
fn every_identity_has_an_unambiguous_answer_for_pause_and_revoke_in_every_state() {
    let runbook = andon::load::load(&shipped()).unwrap_or_else(|e| panic!("{e}"));
    let engine = andon::engine::Engine::new(&runbook);
    let at = andon::model::Moment::parse("2026-03-06T02:10")
        .expect("time")
        .instant(runbook.plant.timezone.value);
    for identity in &runbook.identities {
        for state in &runbook.states {
            for action in [andon::model::Action::Pause, andon::model::Action::Revoke] {
                let query = andon::engine::Query {
                    identity: &identity.id.value,
                    action,
                    state: &state.id.value,
                    at,
                    unavailable: &[],
                };
                let d = engine.resolve(&query);
                assert_ne!(
                    d.verdict,
                    andon::engine::Verdict::Ambiguous,
                    "{} {action} in {}: {:?}",
                    identity.id.value,
                    state.id.value,
                    d.rules
                );
            }
        }
    }
}
