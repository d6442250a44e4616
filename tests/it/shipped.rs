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
    let at = andon::model::WrittenTime::parse("2026-03-06T02:10")
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

/// `andon ... | head` closed the pipe early and `print!` panicked with
/// "failed printing to stdout: Broken pipe": a printing command must end
/// quietly instead (default SIGPIPE, as other command-line tools).
#[test]
fn a_closed_pipe_ends_the_command_without_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_andon"))
        .env("ANDON_CACHE_DIR", "off")
        .args(["coverage", "--format", "json", "-r"])
        .arg(super::harness::shipped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the runbook is even loaded.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
