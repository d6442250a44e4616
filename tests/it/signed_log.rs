//! What each mode of `andon log verify` detects, one test per line of the
//! table in docs/console.md ("What `log verify` proves"): the chain alone,
//! with a written-down head (`--head SEQ:HASH`), with the public key
//! (`--key PUB`). Also `andon log keygen` and a console that signs.

use crate::harness::{Andon, shipped};
use crate::tmux::Pane;
use andon::log::sign::{SIGN_EVERY, Signer};
use andon::log::{Event, GENESIS, Holder, Log, events};
use chrono::{DateTime, FixedOffset};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-06T02:10:00+01:00").expect("time")
}

/// A key pair made by `andon log keygen` in `dir`: (private, public).
fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(name);
    Andon::new()
        .args(["log", "keygen", key.to_str().expect("path")])
        .run()
        .success()
        .stdout_has("key: ed25519:");
    let public = dir.join(format!("{name}.pub"));
    (key, public)
}

/// A signed session: `opened`, `notes` notes, `closed`, signed as the
/// console signs (every SIGN_EVERY events and after `closed`).
fn signed_log(dir: &Path, key: &Path, notes: u64) -> PathBuf {
    let path = dir.join("signed.andonlog");
    let mut log = Log::create(&path, &Holder::this_process(at())).expect("create");
    log.sign_with(Signer::read(key).expect("the private key"));
    log.append(&Event::new(at(), andon::log::event::Opened::default()))
        .expect("opened");
    for i in 0..notes {
        log.append(&events::note(at(), &format!("note {i}")))
            .expect("note");
    }
    log.append(&events::closed(at(), &[])).expect("closed");
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("the log")
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect()
}

fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line).expect("a JSON line")
}

/// `andon log verify LOG EXTRA...`.
fn verify(path: &Path, extra: &[&str]) -> crate::harness::Run {
    let mut args = vec!["log", "verify", path.to_str().expect("path")];
    args.extend_from_slice(extra);
    Andon::new().args(args).run()
}

/// The head of the log as `log verify` prints it: `SEQ:HASH`.
fn head(path: &Path) -> String {
    let last = json(lines(path).last().expect("a line"));
    format!("{}:{}", last["seq"], last["hash"].as_str().expect("hash"))
}

/// The log's events edited by `edit` and sealed again from the first
/// line, as someone with the format but without the key rewrites it;
/// `signed` lines kept as they were unless `drop_signed`.
fn rewrite(path: &Path, drop_signed: bool, edit: impl Fn(&mut Event)) {
    let read = andon::log::read(path).expect("the log");
    let mut prev = GENESIS.to_owned();
    let mut text = String::new();
    let mut seq = 0;
    for mut entry in read.events {
        if drop_signed && entry.event.kind() == andon::log::Kind::Signed {
            continue;
        }
        edit(&mut entry.event);
        seq += 1;
        let (line, hash) = andon::log::seal(seq, &entry.event, &prev);
        text.push_str(&line);
        text.push('\n');
        prev = hash;
    }
    std::fs::write(path, text).expect("rewrite");
}

fn edit_note(e: &mut Event) {
    if let andon::log::Body::Note(n) = &mut e.body
        && n.text == "note 3"
    {
        n.text = "nothing happened".into();
    }
}

#[test]
fn keygen_writes_a_private_key_0600_and_refuses_to_overwrite_or_follow_a_link() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "console.key");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert!(
        std::fs::read_to_string(&public)
            .expect("public")
            .starts_with("andon-log-key ed25519 public\n")
    );
    Andon::new()
        .args(["log", "keygen", key.to_str().expect("path")])
        .run()
        .fails(2)
        .stderr_has("cannot create `");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").expect("victim");
    let planted = dir.path().join("planted.key");
    std::os::unix::fs::symlink(&victim, &planted).expect("link");
    Andon::new()
        .args(["log", "keygen", planted.to_str().expect("path")])
        .run()
        .fails(2);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "untouched"
    );
    assert!(!dir.path().join("planted.key.pub").exists());
    // A private key others can read is refused when signing.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = Signer::read(&key).expect_err("an open private key");
    assert!(err.to_string().contains("must be mode 0600"), "{err}");
}

#[test]
fn a_signing_log_signs_every_20_events_and_after_closed() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 44);
    let kinds: Vec<(u64, String)> = lines(&path)
        .iter()
        .map(|l| {
            let j = json(l);
            (
                j["seq"].as_u64().expect("seq"),
                j["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect();
    let signed: Vec<u64> = (kinds.iter())
        .filter(|(_, k)| k == "signed")
        .map(|(s, _)| *s)
        .collect();
    // 46 events (opened, 44 notes, closed): signed after the 20th, the
    // 40th, and `closed`.
    assert_eq!(SIGN_EVERY, 20);
    assert_eq!(signed, [21, 42, 49], "{kinds:?}");
    assert_eq!(kinds.last().map(|(_, k)| k.as_str()), Some("signed"));
    let last = json(lines(&path).last().expect("line"));
    assert_eq!(last["seq"], 49);
    assert_eq!(last["key"].as_str().map(|k| k.len()), Some(8 + 64));
    verify(&path, &["--key", public.to_str().expect("path")])
        .success()
        .stdout_has("ok: 49 events, chain intact")
        .stdout_has("ok: 3 signature(s) by ed25519:")
        .stdout_has("the last covers the log up to seq 48")
        .stdout_lacks("not closed");
}

// Chain only --------------------------------------------------------------

#[test]
fn chain_only_detects_an_edit_inside() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, _) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 5);
    let text = std::fs::read_to_string(&path).expect("log");
    std::fs::write(&path, text.replacen("note 3", "note 4", 1)).expect("edit");
    verify(&path, &[])
        .fails(1)
        .stderr_has("error: line 5: content does not match its hash");
}

#[test]
fn chain_only_does_not_detect_a_cut_at_a_line_boundary_an_emptied_log_or_a_rewrite() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, _) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 5);
    let all = lines(&path);
    // Cut after line 4: the chain is intact; only "not closed" is said.
    std::fs::write(&path, all[..4].concat()).expect("cut");
    verify(&path, &[])
        .success()
        .stdout_has("ok: 4 events, chain intact")
        .stdout_has("warning: not closed");
    // Emptied: nothing to check, nothing found.
    std::fs::write(&path, "").expect("empty");
    verify(&path, &[])
        .success()
        .stdout_has("ok: 0 events, chain intact");
    // Rewritten and sealed again from the first line.
    std::fs::write(&path, all.concat()).expect("restore");
    rewrite(&path, true, edit_note);
    verify(&path, &[])
        .success()
        .stdout_has("ok: 7 events, chain intact");
}

// With a written-down head --------------------------------------------------

#[test]
fn a_written_down_head_detects_a_cut_an_emptied_log_and_a_rewrite() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, _) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 5);
    let written = head(&path);
    let all = lines(&path);
    verify(&path, &["--head", &written])
        .success()
        .stdout_has("ok: the written-down head seq 8 is the log's last line, with its hash");
    std::fs::write(&path, all[..4].concat()).expect("cut");
    verify(&path, &["--head", &written])
        .fails(1)
        .stderr_has("error: the log ends at seq 4, before the written-down head seq 8: it was cut");
    std::fs::write(&path, "").expect("empty");
    verify(&path, &["--head", &written]).fails(1).stderr_has(
        "error: the log holds no event, so not the written-down head seq 8: it was emptied",
    );
    std::fs::write(&path, all.concat()).expect("restore");
    rewrite(&path, false, edit_note);
    verify(&path, &["--head", &written])
        .fails(1)
        .stderr_has("error: line 8 (seq 8) has hash ")
        .stderr_has("not the written-down one: the log was rewritten");
    // A head written down earlier still holds when the log grew after it.
    std::fs::write(&path, all.concat()).expect("restore");
    let earlier = {
        let j = json(&all[3]);
        format!("{}:{}", j["seq"], j["hash"].as_str().expect("hash"))
    };
    verify(&path, &["--head", &earlier])
        .success()
        .stdout_has("seq 4 is in the log with its hash; 4 event(s) were written after it");
    verify(&path, &["--head", "8:nothex"])
        .fails(2)
        .stderr_has("is not a head: give SEQ:HASH");
}

// With the key ----------------------------------------------------------------

#[test]
fn the_key_detects_a_rewrite_without_it_signatures_kept_or_removed() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "k");
    let public = public.to_str().expect("path").to_owned();
    let path = signed_log(dir.path(), &key, 25);
    let all = lines(&path);
    // Signatures kept: they sign heads the new lines no longer have.
    rewrite(&path, false, edit_note);
    verify(&path, &["--key", &public])
        .fails(1)
        .stderr_has("(seq 21): the signature is of head seq 20, not of the line before it");
    // Signatures removed: the key vouches for nothing.
    std::fs::write(&path, all.concat()).expect("restore");
    rewrite(&path, true, edit_note);
    verify(&path, &["--key", &public])
        .fails(1)
        .stderr_has("error: no signature by ed25519:")
        .stderr_has("error: seq 1 to 27 come after the last good signature");
    // A signature forged with another key.
    std::fs::write(&path, all.concat()).expect("restore");
    let (other, _) = keygen(dir.path(), "other");
    let forged = signed_log(&dir.path().join("o").tap_dir(), &other, 25);
    verify(&forged, &["--key", &public])
        .fails(1)
        .stderr_has("signed with another key (ed25519:");
    // The genuine log passes.
    verify(&path, &["--key", &public])
        .success()
        .stdout_has("ok: 2 signature(s)");
}

#[test]
fn the_key_reports_events_after_the_last_signature_but_not_a_cut_right_after_one() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "k");
    let public = public.to_str().expect("path").to_owned();
    let path = signed_log(dir.path(), &key, 25);
    let all = lines(&path);
    // Cut in the middle of the second stretch: its events are unsigned.
    std::fs::write(&path, all[..25].concat()).expect("cut");
    verify(&path, &["--key", &public]).fails(1).stderr_has(
        "error: seq 22 to 25 come after the last good signature: the key does not vouch for them",
    );
    // Lines added by someone without the key: the same.
    std::fs::write(&path, all.concat()).expect("restore");
    let last = json(all.last().expect("line"));
    let (line, _) = andon::log::seal(
        last["seq"].as_u64().expect("seq") + 1,
        &events::note(at(), "added later"),
        last["hash"].as_str().expect("hash"),
    );
    std::fs::write(&path, format!("{}{line}\n", all.concat())).expect("append");
    verify(&path, &["--key", &public])
        .fails(1)
        .stderr_has("error: seq 30 to 30 come after the last good signature");
    // Cut right after a signature: the key alone cannot tell (the log
    // then says it is not closed; a written-down head tells).
    std::fs::write(&path, all[..21].concat()).expect("cut");
    verify(&path, &["--key", &public])
        .success()
        .stdout_has("the last covers the log up to seq 20")
        .stdout_has("warning: not closed");
}

/// A console given `--sign-key`, ended by SIGTERM with D1 open: the log
/// ends with `signed` after `closed`, and verifies with the public key.
#[test]
fn a_console_with_a_sign_key_signs_its_head_at_close() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "console.key");
    let log = dir.path().join("incident.andonlog");
    let pane = Pane::andon(
        "signing",
        &format!(
            "console {} --log {} --at 2026-03-06T02:10 --sign-key {}",
            shipped().display(),
            log.display(),
            key.display()
        ),
    );
    pane.wait_for("Find identity");
    pane.keys(&["acme", "Enter", "Enter", "Enter"]);
    pane.wait_for("D1 opened");
    let pid = pane.format("#{pane_pid}");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    pane.wait_exit();
    let screen = pane.screen();
    let all = lines(&log);
    let kinds: Vec<String> = (all.iter())
        .map(|l| json(l)["kind"].as_str().expect("kind").to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["opened", "decision-opened", "closed", "signed"],
        "{screen}"
    );
    // The head at close is printed, to write down.
    let written = head(&log);
    let (seq, hash) = written.split_once(':').expect("head");
    assert!(
        screen.contains(&format!("head: seq {seq}, hash {}", &hash[..20])),
        "{screen}"
    );
    verify(
        &log,
        &["--key", public.to_str().expect("path"), "--head", &written],
    )
    .success()
    .stdout_has("ok: 1 signature(s)")
    .stdout_has("ok: the written-down head seq 4 is the log's last line")
    .stdout_lacks("not closed");
}

trait TapDir {
    fn tap_dir(self) -> PathBuf;
}

impl TapDir for PathBuf {
    /// The folder, created.
    fn tap_dir(self) -> PathBuf {
        std::fs::create_dir_all(&self).expect("folder");
        self
    }
}

#[test]
fn verify_in_json_gives_the_signatures_and_the_written_down_head() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 5);
    let written = head(&path);
    let public = public.to_str().expect("path").to_owned();
    let args = ["--format", "json", "--key", &public, "--head", &written];
    let json = verify(&path, &args).success().json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["story_holds"], true);
    assert_eq!(json["signatures"]["hold"], true);
    assert_eq!(json["signatures"]["good"], 1);
    assert_eq!(json["signatures"]["covered_seq"], 7);
    assert!(json["signatures"]["unsigned"].is_null());
    assert_eq!(json["written_head"]["holds"], true);
    // Cut: both anchors say so, with the exit code.
    let all = lines(&path);
    std::fs::write(&path, all[..5].concat()).expect("cut");
    let json = verify(&path, &args).fails(1).json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["intact"], true);
    assert_eq!(json["signatures"]["unsigned"]["first_seq"], 1);
    assert_eq!(json["signatures"]["unsigned"]["last_seq"], 5);
    assert_eq!(json["written_head"]["holds"], false);
}

/// The forger's best try without the key: every line sealed again, and
/// each `signed` event pointed at the new head it follows, its old
/// signature kept.
#[test]
fn the_key_detects_old_signatures_moved_onto_new_heads() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = keygen(dir.path(), "k");
    let path = signed_log(dir.path(), &key, 25);
    let read = andon::log::read(&path).expect("the log");
    let mut prev = GENESIS.to_owned();
    let mut text = String::new();
    for (i, mut entry) in read.events.into_iter().enumerate() {
        edit_note(&mut entry.event);
        if let andon::log::Body::Signed(s) = &mut entry.event.body {
            s.head_seq = i as u64;
            s.head_hash.clone_from(&prev);
        }
        let (line, hash) = andon::log::seal(i as u64 + 1, &entry.event, &prev);
        text.push_str(&line);
        text.push('\n');
        prev = hash;
    }
    std::fs::write(&path, text).expect("rewrite");
    // The chain and the story hold: only the key tells.
    verify(&path, &[])
        .success()
        .stdout_has("ok: 29 events, chain intact");
    verify(&path, &["--key", public.to_str().expect("path")])
        .fails(1)
        .stderr_has(
            "error: line 21 (seq 21): the signature of head seq 20 does not verify with ed25519:",
        )
        .stderr_has("the log was rewritten by someone without the private key")
        .stderr_has("error: no signature by ed25519:");
}
