//! The compiled runbook image is the parsed runbook, and a stale, short,
//! damaged, foreign or half-written image is never used.

use super::image::{self, Cache, Outcome};
use super::{load, load_cached};
use crate::model::Runbook;
use std::path::{Path, PathBuf};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/lyon-packaging")
}

/// A copy of the shipped runbook in a fresh folder, and a cache beside it.
fn setup() -> (tempfile::TempDir, PathBuf, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let runbook = dir.path().join("runbook");
    std::fs::create_dir(&runbook).unwrap();
    for entry in std::fs::read_dir(shipped()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), runbook.join(entry.file_name())).unwrap();
        }
    }
    let cache = Cache::Dir(dir.path().join("cache"));
    (dir, runbook, cache)
}

/// Everything of a runbook but its index (a map, printed in no set order).
fn facts(rb: &Runbook) -> String {
    format!(
        "{:?}",
        (
            &rb.files,
            &rb.content_hash,
            rb.version,
            &rb.plant,
            &rb.states,
            &rb.people,
            &rb.roles,
            &rb.systems,
            &rb.identities,
            &rb.rules,
        )
    )
}

fn image_file(cache: &Cache, root: &Path) -> PathBuf {
    match cache {
        Cache::Dir(dir) => image::path_in(dir, root),
        Cache::Off => unreachable!(),
    }
}

#[test]
fn the_image_gives_the_parsed_runbook_with_its_spans_hash_and_index() {
    let (_dir, root, cache) = setup();
    let parsed = load(&root).unwrap();
    let (first, outcome) = load_cached(&root, &cache).unwrap();
    assert_eq!(outcome, Outcome::Written);
    let (cached, outcome) = load_cached(&root, &cache).unwrap();
    assert_eq!(outcome, Outcome::Hit);
    assert_eq!(facts(&first), facts(&parsed));
    assert_eq!(facts(&cached), facts(&parsed));
    // The log's runbook_hash is that of the bytes read, as without a cache.
    assert_eq!(cached.content_hash, parsed.content_hash);
    assert_eq!(cached.index.identities, parsed.index.identities);
    assert_eq!(cached.index.rules, parsed.index.rules);
    // Equal texts share one allocation, as the parser's do.
    let owners: Vec<&crate::model::Text> = cached
        .identities
        .iter()
        .filter_map(|i| i.owner.as_ref().map(|o| &o.value))
        .collect();
    let shared = owners.iter().any(|a| {
        owners
            .iter()
            .any(|b| !std::ptr::eq(*a, *b) && a.as_ptr() == b.as_ptr())
    });
    assert!(shared, "owners named twice share their text");
    // Answers are the same.
    let engine = crate::engine::Engine::new(&cached);
    let reference = crate::engine::Engine::new(&parsed);
    for i in 0..cached.identities.len() {
        for action in crate::model::Action::ON_IDENTITIES {
            assert_eq!(
                engine.candidates(i, action, "normal"),
                reference.candidates(i, action, "normal")
            );
        }
    }
}

#[test]
fn an_edit_that_keeps_size_and_mtime_misses() {
    let (_dir, root, cache) = setup();
    load_cached(&root, &cache).unwrap();
    let file = root.join("40-identities.yaml");
    let meta = std::fs::metadata(&file).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    // Same length: one name changed by a letter.
    assert!(text.contains("name: MES to ERP API key"));
    let edited = text.replacen("name: MES to ERP API key", "name: MES to ERP API kez", 1);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&file, &edited).unwrap();
    // As `touch -r`: the old modification time back.
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
    drop(f);
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(after.len(), meta.len());
    assert_eq!(after.modified().unwrap(), meta.modified().unwrap());
    let (rb, outcome) = load_cached(&root, &cache).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome, Outcome::Written);
    let identity = rb.identity("mes-erp-api-key").unwrap();
    assert_eq!(identity.name.as_deref(), Some("MES to ERP API kez"));
    assert_eq!(rb.content_hash, load(&root).unwrap().content_hash);
}

/// Loads through a damaged image: parsed again, rewritten, then a hit.
fn damaged_is_ignored(damage: impl Fn(&mut Vec<u8>)) {
    let (_dir, root, cache) = setup();
    load_cached(&root, &cache).unwrap();
    let at = image_file(&cache, &root);
    let mut bytes = std::fs::read(&at).unwrap();
    damage(&mut bytes);
    std::fs::write(&at, &bytes).unwrap();
    let (rb, outcome) = load_cached(&root, &cache).unwrap();
    assert_eq!(outcome, Outcome::Written, "a damaged image is not used");
    assert_eq!(facts(&rb), facts(&load(&root).unwrap()));
    assert_eq!(load_cached(&root, &cache).unwrap().1, Outcome::Hit);
}

#[test]
fn a_truncated_image_is_ignored_and_rewritten() {
    damaged_is_ignored(|b| b.truncate(b.len() / 2));
    damaged_is_ignored(|b| b.truncate(20));
    damaged_is_ignored(|b| b.clear());
}

#[test]
fn a_damaged_image_is_ignored_and_rewritten() {
    damaged_is_ignored(|b| {
        let last = b.len() - 1;
        b[last] ^= 0x20;
    });
    // One byte more after the body.
    damaged_is_ignored(|b| b.push(0));
    // A body that does not decode, with a checksum that matches it.
    damaged_is_ignored(|b| {
        let header = 8 + 4 + 2 + env!("CARGO_PKG_VERSION").len() + 32 + 8 + 32;
        let end = b.len();
        b[end - 40..].copy_from_slice(&[0xff; 40]);
        let sum = blake3::hash(&b[header..]);
        b[header - 32..header].copy_from_slice(sum.as_bytes());
        assert!(image::decode(b, &[0; 32]).is_none());
    });
}

#[test]
fn an_image_of_another_version_or_format_is_ignored() {
    let version = env!("CARGO_PKG_VERSION");
    // The andon version that wrote it, one digit changed.
    damaged_is_ignored(|b| {
        let at = 14 + version.len() - 1;
        b[at] = if b[at] == b'9' { b'8' } else { b[at] + 1 };
    });
    // The format version.
    damaged_is_ignored(|b| b[8] = b[8].wrapping_add(1));
    // Not an image at all.
    damaged_is_ignored(|b| b[..8].copy_from_slice(b"NOTANIMG"));
}

#[test]
fn writers_at_once_leave_a_whole_image() {
    let (_dir, root, cache) = setup();
    let expected = facts(&load(&root).unwrap());
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| load_cached(&root, &cache).unwrap()))
            .collect();
        for run in runs {
            let (rb, outcome) = run.join().unwrap();
            assert_ne!(outcome, Outcome::Unwritten);
            assert_eq!(facts(&rb), expected);
        }
    });
    let (rb, outcome) = load_cached(&root, &cache).unwrap();
    assert_eq!(outcome, Outcome::Hit);
    assert_eq!(facts(&rb), expected);
    // No temporary file is left behind.
    let Cache::Dir(dir) = &cache else {
        unreachable!()
    };
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let (dir, root, _) = setup();
    let (_, outcome) = load_cached(&root, &Cache::Off).unwrap();
    assert_eq!(outcome, Outcome::Off);
    assert!(!dir.path().join("cache").exists());
    assert_eq!(Cache::choose(true, Some(dir.path())), Cache::Off);
    assert_eq!(
        Cache::choose(false, Some(dir.path())),
        Cache::Dir(dir.path().to_path_buf())
    );
}

#[test]
fn a_runbook_that_does_not_load_leaves_no_image() {
    let (dir, root, cache) = setup();
    std::fs::write(root.join("99-bad.yaml"), "identities: [ { id: x } ]\n").unwrap();
    assert!(load_cached(&root, &cache).is_err());
    assert!(!dir.path().join("cache").exists());
}

#[test]
fn a_question_about_one_identity_reads_it_alone_and_answers_the_same() {
    let (_dir, root, cache) = setup();
    let parsed = load(&root).unwrap();
    // No image yet: the whole runbook, parsed, and the image written.
    let (first, outcome) = super::load_for_identity(&root, &cache, "vendor-acme-remote").unwrap();
    assert_eq!(outcome, Outcome::Written);
    assert_eq!(facts(&first), facts(&parsed));
    let reference = crate::engine::Engine::new(&parsed);
    let at = crate::model::WrittenTime::parse("2026-03-06T02:10")
        .unwrap()
        .instant(parsed.plant.timezone.value);
    for identity in &parsed.identities {
        let id = identity.id.value.as_str();
        let (one, outcome) = super::load_for_identity(&root, &cache, id).unwrap();
        assert_eq!(outcome, Outcome::Hit);
        // That identity alone, every other list whole.
        assert_eq!(one.identities.len(), 1);
        assert_eq!(format!("{:?}", one.identities[0]), format!("{identity:?}"));
        assert_eq!(format!("{:?}", one.rules), format!("{:?}", parsed.rules));
        assert_eq!(
            format!("{:?}", one.systems),
            format!("{:?}", parsed.systems)
        );
        assert_eq!(one.content_hash, parsed.content_hash);
        let engine = crate::engine::Engine::new(&one);
        for state in &parsed.states {
            for action in crate::model::Action::ON_IDENTITIES {
                let q = crate::engine::Query {
                    identity: id,
                    action,
                    state: &state.id.value,
                    at,
                    unavailable: &[],
                };
                assert_eq!(engine.resolve(&q), reference.resolve(&q), "{id} {action:?}");
            }
        }
    }
    // An id the runbook does not have: the whole runbook, for the hint.
    let (all, outcome) = super::load_for_identity(&root, &cache, "no-such-identity").unwrap();
    assert_eq!(outcome, Outcome::Hit);
    assert_eq!(facts(&all), facts(&parsed));
}

#[test]
fn a_damaged_image_is_not_used_for_one_identity_either() {
    let (_dir, root, cache) = setup();
    load_cached(&root, &cache).unwrap();
    let at = image_file(&cache, &root);
    let mut bytes = std::fs::read(&at).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    std::fs::write(&at, &bytes).unwrap();
    let (rb, outcome) = super::load_for_identity(&root, &cache, "vendor-acme-remote").unwrap();
    assert_eq!(outcome, Outcome::Written, "a damaged image is not used");
    assert_eq!(facts(&rb), facts(&load(&root).unwrap()));
}
