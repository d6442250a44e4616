//! Parsing: each file's YAML to a spanned tree ([`super::tree`]) under the
//! loader's budget, and every file of a runbook read into its sections on
//! threads of their own.

use super::read::YAML_SYNTAX;
use super::sections::{self, FileSections};
use super::{Progress, Reader, file_id, tree, yaml_options};
use crate::diagnostics::Diagnostic;
use crate::model::{FileId, Source, Span};

/// The stack of a thread that parses: 48 levels of nesting (the parser's
/// depth limit) at well over the 40 KB a level takes when optimised.
const PARSE_STACK: usize = 64 << 20;

/// What one thread read: parts with their file's position, and errors.
type ThreadRead = (Vec<(usize, FileSections)>, Vec<Diagnostic>);

/// Parses and reads every file, on as many threads as the machine has cores
/// (a generated 100,000-identity plant is ten files of 5 MB): each thread
/// takes every n-th file; the parts come back in file order.
pub(super) fn read_files(
    sources: &[Source],
    unread: &[FileId],
    progress: &Progress,
) -> (Vec<FileSections>, Vec<Diagnostic>) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sources.len())
        .max(1);
    let work = |first: usize| {
        let mut parts = Vec::new();
        let mut diagnostics = Vec::new();
        // Equal strings share one allocation within a thread's files.
        let mut texts = std::collections::HashSet::new();
        for (i, source) in sources.iter().enumerate().skip(first).step_by(threads) {
            let file = file_id(i);
            if unread.contains(&file) {
                continue;
            }
            match parse(&source.text) {
                Ok(Some(root)) => {
                    let mut reader = Reader {
                        file,
                        diagnostics: &mut diagnostics,
                        texts: &mut texts,
                    };
                    parts.push((i, sections::read_file(&mut reader, &root)));
                }
                Ok(None) => {}
                Err((message, line, col)) => {
                    diagnostics.push(Diagnostic::error(
                        YAML_SYNTAX,
                        Some(Span::new(file, line, col)),
                        message,
                    ));
                }
            }
            progress.step();
        }
        (parts, diagnostics)
    };
    // Always on threads of their own, with a stack sized for the deepest
    // nesting the parser allows (48 levels): optimised, the YAML
    // deserializer takes tens of kilobytes of stack per level, and 47
    // nested flow mappings once overflowed a 2 MiB thread (an abort, not
    // an error). A thread that cannot be started reads on this one.
    let results: Vec<ThreadRead> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                std::thread::Builder::new()
                    .name("andon-load".to_owned())
                    .stack_size(PARSE_STACK)
                    .spawn_scoped(scope, move || work(first))
                    .map_err(|_| first)
            })
            .collect();
        // A panic while reading is a bug; carry it to the caller as one.
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(first) => work(first),
            })
            .collect()
    });
    let mut parts: Vec<(usize, FileSections)> = Vec::with_capacity(sources.len());
    let mut diagnostics = Vec::new();
    for (p, d) in results {
        parts.extend(p);
        diagnostics.extend(d);
    }
    parts.sort_by_key(|(i, _)| *i);
    (
        parts.into_iter().map(|(_, part)| part).collect(),
        diagnostics,
    )
}

/// Parses one YAML file of `file` (another format than a runbook's, such
/// as an import mapping) into a spanned tree under the loader's budget;
/// `None` for an empty document, a located `YML001` when it does not parse.
pub fn parse_tree(text: &str, file: FileId) -> Result<Option<tree::Node>, Box<Diagnostic>> {
    parse(text).map_err(|(message, line, col)| {
        Box::new(Diagnostic::error(
            YAML_SYNTAX,
            Some(Span::new(file, line, col)),
            message,
        ))
    })
}

/// Parses one file into a spanned tree; `None` for an empty document.
pub(super) fn parse(text: &str) -> Result<Option<tree::Node>, (String, u32, u32)> {
    match serde_saphyr::from_str_with_options::<Option<tree::Node>>(text, yaml_options()) {
        Ok(node) => Ok(node),
        Err(error) => {
            let (line, col) = error.location().map_or((1, 1), |l| {
                (l.line().max(1) as u32, l.column().max(1) as u32)
            });
            Err((yaml_message(&error), line, col))
        }
    }
}

/// The parser's message without its own location prefix and snippet (ours
/// renders those), lowercase as our messages are.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    // "line 2 column 2: illegal placement of ':' indicator" -> the part after the location.
    let message = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => first,
    };
    // Drop the parser's own location suffix and its advice about its API.
    let message = message.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => &message,
    };
    format!("invalid YAML: {message}")
}
