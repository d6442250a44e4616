//! Shared by the benchmarks: a generated plant of a given size, made once
//! with `examples/gen.rs` and kept under `target/bench-plants/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of a generated plant with `identities` identities.
pub fn plant(identities: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench-plants/{identities}"));
    if !dir.join("done").exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--release",
                "--example",
                "gen",
                "--",
                "--identities",
            ])
            .arg(identities.to_string())
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("run the plant generator");
        assert!(status.success(), "the plant generator failed");
        std::fs::write(dir.join("done"), "").expect("mark the plant as generated");
    }
    dir
}
