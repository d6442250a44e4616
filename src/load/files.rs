//! Which files make a runbook, and reading each one bounded.

use super::{MAPPING_FILE, MAX_FILE_BYTES, MAX_RUNBOOK_BYTES};
use crate::model::FileId;
use std::path::{Path, PathBuf};

/// Every runbook file under `path`, sorted by path (name order, recursively).
pub(super) fn list_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let p = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(p);
            } else if dir == path && p.file_name().is_some_and(|n| n == MAPPING_FILE) {
                // The import mapping, not a runbook file.
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    if out.len() > FileId::MAX_FILES {
        return Err(format!(
            "`{}` holds {} runbook files, more than the {} one runbook may have",
            path.display(),
            out.len(),
            FileId::MAX_FILES
        ));
    }
    Ok(out)
}

/// Reads a file as UTF-8 text, without a leading byte-order mark.
pub(super) fn read_source(path: &Path) -> Result<String, (String, u32, u32)> {
    let text = read_source_within(path, MAX_FILE_BYTES)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text, without a
/// leading byte-order mark.
pub(super) fn read_source_within(path: &Path, limit: u64) -> Result<String, (String, u32, u32)> {
    let bytes = crate::fsio::read(path, limit).map_err(|e| {
        let message = if crate::fsio::over_limit(&e) && limit < MAX_FILE_BYTES {
            format!(
                "cannot read file: the runbook's files together are over the limit of {MAX_RUNBOOK_BYTES} bytes for one runbook"
            )
        } else if crate::fsio::over_limit(&e) {
            format!(
                "file is over the limit of {MAX_FILE_BYTES} bytes for one runbook file"
            )
        } else {
            format!("cannot read file: {e}")
        };
        (message, 1, 1)
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // Safe: `good` is the valid prefix by construction.
            let prefix = std::str::from_utf8(good).unwrap_or("");
            // A file is at most `MAX_FILE_BYTES` (64 MiB, checked before it
            // is read), so a line or column count fits a `u32` with room.
            let line = prefix.matches('\n').count() as u32 + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            return Err(("file is not valid UTF-8".to_owned(), line, col));
        }
    };
    // The byte-order mark is taken off by `load`, after hashing.
    Ok(text)
}
