//! The compiled runbook image seen from the command line: `who` answers the
//! same with and without it, processes filling the cache at once are safe,
//! a hit leaves the image alone, and an edit replaces it.

use super::harness::{Andon, shipped};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn copy_shipped(to: &Path) {
    super::harness::copy_runbook(&shipped(), to);
}

fn who(runbook: &Path, cache: &Path) -> String {
    Andon::new()
        .env("ANDON_CACHE_DIR", cache)
        .args([
            "who",
            "mes-erp-api-key",
            "rotate",
            "--at",
            "2026-03-06T02:10",
        ])
        .args(["--format", "json", "-r"])
        .args([runbook.to_str().unwrap()])
        .run()
        .success()
        .stdout()
}

fn images(cache: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn who_answers_the_same_from_the_image_and_processes_fill_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let runbook = dir.path().join("runbook");
    let cache = dir.path().join("cache");
    copy_shipped(&runbook);
    let uncached = who(&runbook, Path::new("off"));
    assert!(images(&cache).is_empty());
    // Four processes start with an empty cache.
    let children: Vec<_> = (0..4)
        .map(|_| {
            let (runbook, cache) = (runbook.clone(), cache.clone());
            std::thread::spawn(move || who(&runbook, &cache))
        })
        .collect();
    for child in children {
        assert_eq!(child.join().unwrap(), uncached);
    }
    let written = images(&cache);
    assert_eq!(written.len(), 1, "one whole image, no temporary file");
    let inode = std::fs::metadata(&written[0]).unwrap().ino();
    // A hit reads the image and leaves it as it is.
    assert_eq!(who(&runbook, &cache), uncached);
    assert_eq!(std::fs::metadata(&written[0]).unwrap().ino(), inode);
    // An edit is a new image with the new answer.
    let file = runbook.join("50-authority.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let from = "      - { role: it-oncall, after: 30m }\n      - { role: ot-engineering }";
    assert!(text.contains(from));
    let to = "      - { role: it-oncall, after: 20m }\n      - { role: ot-engineering }";
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    let edited = who(&runbook, &cache);
    assert_ne!(edited, uncached);
    assert_eq!(edited, who(&runbook, Path::new("off")));
    assert_ne!(std::fs::metadata(&written[0]).unwrap().ino(), inode);
}

#[test]
fn no_cache_writes_no_image() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    Andon::new()
        .env("ANDON_CACHE_DIR", &cache)
        .args(["--no-cache", "who", "mes-erp-api-key", "pause", "-r"])
        .args([shipped().to_str().unwrap()])
        .run()
        .success();
    assert!(images(&cache).is_empty());
}
