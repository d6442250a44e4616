//! YAML files to a [`Runbook`]: the only place that parses.
//!
//! A runbook is one file or a directory of `*.yaml`/`*.yml` files, read
//! recursively in name order and merged. Each file is parsed by serde-saphyr
//! into a spanned tree ([`tree`]) under an explicit budget, then read into
//! model values ([`sections`]) collecting every error; references are checked
//! once every file is in ([`refs`]).

mod files;
mod foreign;
pub mod image;
mod image_body;
mod parse;
mod progress;
mod read;
mod refs;
mod responses;
mod scenario;
mod sections;
pub mod tree;

use crate::diagnostics::Diagnostic;
use crate::model::{FileId, Index, Plant, Runbook, Source, Span, Spanned, Text};
use files::{list_files, read_source, read_source_within};
pub use parse::parse_tree;
use parse::{parse, read_files};
use read::{BAD_VALUE, YAML_SYNTAX};
use sections::FileSections;
use std::path::{Path, PathBuf};

pub use image::{Cache, Outcome};
pub use progress::{Progress, Stage};
pub use read::{CheckedMapping, DUPLICATE_ID, Reader, UNKNOWN_KEY, UNKNOWN_REFERENCE, nearest};

/// The name of the import mapping file (`andon import`, see docs/import.md).
/// At the root of a runbook directory it is not a runbook file: the loader
/// skips it, and `andon import` reads it.
pub const MAPPING_FILE: &str = "import.yaml";
pub use responses::load_responses;
pub use scenario::{load_scenario, load_scenario_with_runbook};

/// Largest runbook file read, in bytes. A generated 100,000-identity plant
/// splits into files of a few MiB; 64 MiB leaves room and keeps a hostile
/// file from exhausting memory. All files of one runbook together may have
/// at most [`MAX_RUNBOOK_BYTES`].
pub use crate::fsio::{MAX_FILE_BYTES, MAX_RUNBOOK_BYTES};

/// A load that failed: every error found, with the files for rendering them.
#[derive(Debug)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<Source>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.diagnostics {
            f.write_str(&d.render_human(&self.sources))?;
        }
        let n = self.diagnostics.len();
        // A runbook, a scenario or a responses file: the first file named is
        // the one that was asked for.
        let what = match self.sources.as_slice() {
            [] => String::new(),
            [one] => format!(" from `{}`", one.path.display()),
            many => format!(" from its {} files", many.len()),
        };
        write!(
            f,
            "{n} error{}: nothing was loaded{what}",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for LoadError {}

/// The parser's limits, sized for a 100,000-identity plant (about 60 nodes
/// per identity, split over files of 10,000) and no larger: anything beyond
/// is an attack or a mistake, and ends in a located error.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 20_000_000;
    budget.max_nodes = 10_000_000;
    budget.max_depth = 48;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // YAML 1.2 core schema: `yes`, `no`, `y`, `n`, `on` and `off` are text
    // (a person may be called `n`), and `03` stays `03`.
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    options
}

/// Loads a runbook from a file or a directory.
pub fn load(path: &Path) -> Result<Runbook, LoadError> {
    load_cached(path, &Cache::Off).map(|(runbook, _)| runbook)
}

/// Loads the runbook directory `path` as it would be with `file` (a path
/// under it) holding `text` instead of what is on disk: added when absent,
/// left out when `text` is `None`. `andon import` checks a generated file
/// this way before it writes it (never through the image cache).
pub fn load_replacing(path: &Path, file: &Path, text: Option<&str>) -> Result<Runbook, LoadError> {
    load_with(
        path,
        &Cache::Off,
        Some((file, text)),
        None,
        &Progress::default(),
    )
    .map(|(runbook, _)| runbook)
}

/// Loads a runbook, through its compiled image in `cache` when there is a
/// valid one for the files' content (see [`image`]); otherwise parses them
/// and writes a fresh image. The runbook is the same either way, its
/// `content_hash` included.
pub fn load_cached(path: &Path, cache: &Cache) -> Result<(Runbook, Outcome), LoadError> {
    load_with(path, cache, None, None, &Progress::default())
}

/// [`load_cached`], saying how far it has come in `progress` (a loading
/// frame reads it from another thread).
pub fn load_cached_showing(
    path: &Path,
    cache: &Cache,
    progress: &Progress,
) -> Result<(Runbook, Outcome), LoadError> {
    load_with(path, cache, None, None, progress)
}

/// [`load_cached`] for a question about identity `id` alone (`andon
/// who`): when the image has it, the runbook comes back with that identity
/// as its only one (every other list whole), decoded without the others;
/// otherwise (no image, or no such identity) the whole runbook, as
/// [`load_cached`] gives it.
pub fn load_for_identity(
    path: &Path,
    cache: &Cache,
    id: &str,
) -> Result<(Runbook, Outcome), LoadError> {
    load_with(path, cache, None, Some(id), &Progress::default())
}

fn load_with(
    path: &Path,
    cache: &Cache,
    replace: Option<(&Path, Option<&str>)>,
    only: Option<&str>,
    progress: &Progress,
) -> Result<(Runbook, Outcome), LoadError> {
    progress.start(Stage::Listing, 0);
    let mut diagnostics = Vec::new();
    let listed = list_files(path).map(|mut files| {
        if let Some((file, text)) = replace {
            files.retain(|f| f != file);
            if text.is_some() {
                files.push(file.to_path_buf());
                files.sort();
            }
        }
        files
    });
    let files = match listed {
        Ok(files) => files,
        Err(message) => {
            diagnostics.push(Diagnostic::error(BAD_VALUE, None, message));
            return Err(LoadError {
                diagnostics,
                sources: Vec::new(),
            });
        }
    };
    // A warm load reads the files only to hash them; a miss reads them
    // again below, and the image is written under the key of those bytes,
    // the ones parsed.
    if let (Cache::Dir(dir), None) = (cache, replace)
        && let Some(runbook) = warm(path, dir, &files, only, progress)
    {
        return Ok((runbook, Outcome::Hit));
    }
    let mut read: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut key = image::Key::default();
    let mut left = MAX_RUNBOOK_BYTES;
    progress.start(Stage::Reading, files.len());
    for file in files {
        progress.step();
        let replaced = replace
            .filter(|(f, _)| *f == file.as_path())
            .and_then(|(_, text)| text);
        let text = if let Some(text) = replaced {
            Ok(text.to_owned())
        } else if left == 0 {
            Err((
                format!(
                    "not read: the runbook's files before it already hold the limit of {MAX_RUNBOOK_BYTES} bytes for one runbook"
                ),
                1,
                1,
            ))
        } else {
            read_source_within(&file, left.min(MAX_FILE_BYTES))
        };
        match text {
            Ok(text) => {
                left = left.saturating_sub(text.len() as u64);
                key.add(&file, text.as_bytes());
                read.push((file, Some(text)));
            }
            Err((message, line, col)) => {
                let id = file_id(read.len());
                read.push((file, None));
                diagnostics.push(Diagnostic::error(
                    YAML_SYNTAX,
                    Some(Span::new(id, line, col)),
                    message,
                ));
            }
        }
    }
    // Only a runbook whose every file was read has an image.
    let image = match cache {
        Cache::Dir(dir) if diagnostics.is_empty() => {
            Some((image::path_in(dir, path), key.finish()))
        }
        _ => None,
    };
    let mut hash = ContentHash::default();
    let mut sources = Vec::with_capacity(read.len());
    for (file, text) in read {
        let text = text.map_or_else(String::new, |text| {
            hash.add(&file, text.as_bytes());
            match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            }
        });
        sources.push(Source::new(file, text));
    }
    let runbook = load_sources(sources, diagnostics, hash.finish(), progress)?;
    let outcome = match image {
        None => Outcome::Off,
        Some((at, key)) => match image::write(&at, &runbook, &key) {
            Ok(()) => Outcome::Written,
            Err(_) => Outcome::Unwritten,
        },
    };
    Ok((runbook, outcome))
}

/// The runbook from its image in `dir` when the files' bytes, as read now,
/// give its key: each file read into one buffer and hashed, no text kept
/// and no UTF-8 checked (an image is only written for files that loaded).
/// `None` at the first file that cannot be read, or without a usable image.
fn warm(
    path: &Path,
    dir: &Path,
    files: &[PathBuf],
    only: Option<&str>,
    progress: &Progress,
) -> Option<Runbook> {
    progress.start(Stage::Checking, files.len());
    let mut key = image::Key::default();
    let mut buffer = Vec::new();
    let mut left = MAX_RUNBOOK_BYTES;
    for file in files {
        if left == 0 {
            return None;
        }
        crate::fsio::read_into(file, left.min(MAX_FILE_BYTES), &mut buffer).ok()?;
        progress.step();
        left = left.saturating_sub(buffer.len() as u64);
        key.add(file, &buffer);
    }
    let at = image::path_in(dir, path);
    let key = key.finish();
    let mut runbook = match only {
        None => image::read(&at, &key, &mut buffer),
        Some(id) => image::read_one(&at, &key, id, &mut buffer),
    }?;
    drop(buffer);
    let mut found = Vec::new();
    refs::index(&mut runbook, &mut found);
    found.is_empty().then_some(runbook)
}

/// Loads a runbook from texts already in memory (tests, fuzzing).
pub fn load_str(path: &str, text: &str) -> Result<Runbook, LoadError> {
    let mut hash = ContentHash::default();
    hash.add(Path::new(path), text.as_bytes());
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    load_sources(
        vec![Source::new(PathBuf::from(path), text.to_owned())],
        Vec::new(),
        hash.finish(),
        &Progress::default(),
    )
}

fn load_sources(
    sources: Vec<Source>,
    mut diagnostics: Vec<Diagnostic>,
    content_hash: String,
    progress: &Progress,
) -> Result<Runbook, LoadError> {
    // Files that could not even be read are not parsed.
    let unread: Vec<FileId> = diagnostics
        .iter()
        .filter_map(|d| d.span.map(|s| s.file))
        .collect();
    progress.start(Stage::Parsing, sources.len());
    let (parts, found) = read_files(&sources, &unread, progress);
    progress.start(Stage::Finishing, 0);
    diagnostics.extend(found);
    let mut sources = sources;
    let foreign = foreign::refuse(&mut sources, &unread, &mut diagnostics);
    if sources.is_empty() {
        diagnostics.push(Diagnostic::error(
            BAD_VALUE,
            None,
            "no runbook files (`*.yaml`, `*.yml`) found",
        ));
    }
    // A file that could not be parsed would make the others look wrong
    // (missing ids, no plant): report only what was read.
    let unparsed = foreign || diagnostics.iter().any(|d| d.code == YAML_SYNTAX);
    let mut runbook = merge(parts, &sources, &mut diagnostics, !unparsed);
    runbook.content_hash = content_hash;
    // In file, line and column order, as a reader goes through the files.
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.file, s.line, s.col)));
    if diagnostics.is_empty() {
        Ok(runbook)
    } else {
        Err(LoadError {
            diagnostics,
            sources,
        })
    }
}

/// The id of the `index`th file; [`list_files`] keeps their number in range.
fn file_id(index: usize) -> FileId {
    FileId(u16::try_from(index).unwrap_or(u16::MAX))
}

/// `v` without spare capacity.
fn exact<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// The files of a loaded runbook, read again to show findings about them.
/// A file that can no longer be read gets an empty text: findings then show
/// its location without the source line.
pub fn read_sources(runbook: &Runbook) -> Vec<Source> {
    runbook
        .files
        .iter()
        .map(|path| Source::new(path.clone(), read_source(path).unwrap_or_default()))
        .collect()
}

/// The digest of a runbook's files as the loader read them, in load order,
/// each as its path, a NUL byte, its length in decimal, a NUL byte and its
/// bytes: the `runbook_hash` of a decision log, so that an auditor can tell
/// which runbook version the responders saw. It is taken over the very
/// bytes that were parsed, never over a second read of the files.
#[derive(Default)]
struct ContentHash(sha2::Sha256);

impl ContentHash {
    fn add(&mut self, path: &Path, bytes: &[u8]) {
        use sha2::Digest;
        self.0.update(path.to_string_lossy().as_bytes());
        self.0.update([0]);
        self.0.update(bytes.len().to_string().as_bytes());
        self.0.update([0]);
        self.0.update(bytes);
    }

    /// `sha256:` and the hex digest.
    fn finish(self) -> String {
        use sha2::Digest;
        let mut hex = String::with_capacity(71);
        hex.push_str("sha256:");
        for b in self.0.finalize() {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
        }
        hex
    }
}

/// Merges the files' parts, checks ids and references, and builds the index.
fn merge(
    parts: Vec<FileSections>,
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
    whole: bool,
) -> Runbook {
    let mut version = None;
    let mut plant = None;
    let mut runbook_parts = FileSections::default();
    for part in parts {
        if let Some(v) = part.version {
            match &version {
                None => version = Some(v),
                Some(first) if first.value != v.value => {
                    diagnostics.push(Diagnostic::error(
                        BAD_VALUE,
                        Some(v.span),
                        "format versions disagree between files",
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(p) = part.plant {
            match &plant {
                None => plant = Some(p),
                Some(first) => {
                    diagnostics.push(
                        Diagnostic::error(
                            read::DUPLICATE_ID,
                            Some(p.span),
                            "`plant` is defined twice",
                        )
                        .with_related(first.span, "first defined here"),
                    );
                }
            }
        }
        runbook_parts.states.extend(part.states);
        runbook_parts.people.extend(part.people);
        runbook_parts.roles.extend(part.roles);
        runbook_parts.systems.extend(part.systems);
        runbook_parts.identities.extend(part.identities);
        runbook_parts.rules.extend(part.rules);
    }
    let first_file = (!sources.is_empty()).then(|| Span::new(FileId(0), 1, 1));
    if version.is_none() && whole && !sources.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                BAD_VALUE,
                first_file,
                "no file says which format version it is in",
            )
            .with_help("add `andon: 1` at the top of one file"),
        );
    }
    let plant = plant.unwrap_or_else(|| {
        if whole && !sources.is_empty() {
            diagnostics.push(
                Diagnostic::error(BAD_VALUE, first_file, "no `plant` section")
                    .with_help("add `plant: { id: ..., timezone: Europe/Paris }`"),
            );
        }
        // A stand-in so that the rest of the runbook is still checked; the
        // load fails on the error above.
        let span = first_file.unwrap_or_default();
        Plant {
            id: Spanned::new(Text::default(), span),
            name: None,
            timezone: Spanned::new(chrono_tz::UTC, span),
            span,
        }
    });
    // Merged lists grow by doubling; a large plant would keep up to half
    // of each as unused capacity.
    let mut runbook = Runbook {
        files: sources.iter().map(|s| s.path.clone()).collect(),
        content_hash: String::new(),
        version: version.map_or(1, |v| v.value),
        plant,
        states: exact(runbook_parts.states),
        people: exact(runbook_parts.people),
        roles: exact(runbook_parts.roles),
        systems: exact(runbook_parts.systems),
        identities: exact(runbook_parts.identities),
        rules: exact(runbook_parts.rules),
        index: Index::default(),
    };
    refs::index(&mut runbook, diagnostics);
    if whole {
        refs::check(&runbook, diagnostics);
    }
    runbook
}
#[cfg(test)]
mod image_tests;
