//! The crate's layers point one way (docs/architecture.md): each top-level
//! module may import only the modules below it, and within a module no two
//! files import each other. Read from the source text, so a new `use` that
//! breaks a layer fails here with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module may import those before it, never those after.
const LAYERS: &[&str] = &[
    "fsio",
    "model",
    "diagnostics",
    "load",
    "engine",
    "log",
    "share",
    "drill",
    "import",
    "lint",
    "tui",
    "cli",
];

/// A source file's text without its tests: test files are skipped, and a
/// file's `#[cfg(test)]` module (always last) is cut off.
fn non_test_source(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs"
        || name == "proptests.rs"
        || name == "testing.rs"
        || name.ends_with("_tests.rs")
    {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        match text
            .find("#[cfg(test)]\nmod ")
            .or_else(|| text.find("#[cfg(test)]\n#[path"))
        {
            Some(i) => text[..i].to_owned(),
            None => text,
        },
    )
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The identifiers that follow `prefix` in code (not in comments).
fn paths_after<'t>(text: &'t str, prefix: &str) -> Vec<(usize, &'t str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().next_back();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            found.push((n + 1, &rest[..end]));
        }
    }
    found
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (rank, module) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no source for module `{module}`");
        for file in files {
            let Some(text) = non_test_source(&file) else {
                continue;
            };
            for (line, used) in paths_after(&text, "crate::") {
                let Some(used_rank) = LAYERS.iter().position(|l| *l == used) else {
                    continue;
                };
                if used_rank > rank {
                    wrong.push(format!(
                        "{}:{line}: `{module}` imports `{used}`, a layer above it",
                        file.strip_prefix(&src).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    let mut top = Vec::new();
    rust_files(&src, &mut top);
    for file in top {
        let rel = file.strip_prefix(&src).unwrap_or(&file);
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        let in_layer = first.is_some_and(|f| LAYERS.contains(&f) && rel.components().count() > 1);
        let root = matches!(rel.to_str(), Some("lib.rs" | "main.rs"));
        if !in_layer && !root {
            wrong.push(format!("{}: not in any layer of LAYERS", rel.display()));
        }
    }
    assert!(wrong.is_empty(), "layer violations:\n{}", wrong.join("\n"));
}

#[test]
fn no_two_files_of_a_module_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // file -> the sibling files it names through `super::`.
    let mut uses: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let Some(text) = non_test_source(file) else {
            continue;
        };
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if name == "mod" || name == "lib" || name == "main" {
            continue;
        }
        let dir = file.parent().unwrap_or(&src);
        for (_, sibling) in paths_after(&text, "super::") {
            let as_file = dir.join(format!("{sibling}.rs"));
            let as_dir = dir.join(sibling).join("mod.rs");
            let target = if as_file.exists() {
                as_file
            } else if as_dir.exists() {
                as_dir
            } else {
                continue;
            };
            if &target != file {
                uses.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    let mut cycles = Vec::new();
    for (a, targets) in &uses {
        for b in targets {
            if a < b && uses.get(b).is_some_and(|back| back.contains(a)) {
                cycles.push(format!(
                    "{} <-> {}",
                    a.strip_prefix(&src).unwrap_or(a).display(),
                    b.strip_prefix(&src).unwrap_or(b).display()
                ));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that import each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn every_source_file_reads_in_one_sitting() {
    const MAX_LINES: usize = 600;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == "tests.rs" || name == "proptests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let lines = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .count();
        if lines > MAX_LINES {
            long.push(format!(
                "{}: {lines} lines",
                file.strip_prefix(&src).unwrap_or(&file).display()
            ));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them by concern):\n{}",
        long.join("\n")
    );
}
