//! Shared by the benchmarks: a generated plant of a given size and shape,
//! made once with `examples/gen` and kept under `target/bench-plants/`.

#![allow(dead_code, reason = "each benchmark uses part of it")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The generator's two shapes (`--shape`): the project's own plant, whose
/// identities fall in a few thousand classes, and an imported inventory,
/// where every identity differs.
pub const SHAPES: [&str; 2] = ["plant", "inventory"];

/// The directory of a generated plant with `identities` identities.
pub fn plant(identities: usize) -> PathBuf {
    shaped(identities, "plant")
}

/// The directory of a generated plant of `shape` with `identities` identities.
pub fn shaped(identities: usize, shape: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = match shape {
        "plant" => identities.to_string(),
        other => format!("{other}-{identities}"),
    };
    let dir = root.join(format!("target/bench-plants/{name}"));
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
                "--shape",
                shape,
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
