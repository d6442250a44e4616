//! Files in a runbook that are not runbook files: named, never quoted.

use super::file_id;
use super::read::BAD_VALUE;
use super::sections;
use crate::diagnostics::Diagnostic;
use crate::model::{FileId, Source, Span};

/// A file that is not a runbook file is named, never quoted: a scenario's
/// `runbook: /etc/shadow` (or `/proc/self/environ`) must not print that
/// file into a CI log as "source lines" of findings. A runbook file has a
/// line that starts with one of the format's sections (`plant:`,
/// `identities:`...), or is empty or comments only. Every finding about
/// another file is replaced by one that names it, and its text is dropped
/// so that nothing can quote it. Whether any file was refused.
pub(super) fn refuse(
    sources: &mut [Source],
    unread: &[FileId],
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut refused = false;
    for (i, source) in sources.iter_mut().enumerate() {
        let id = file_id(i);
        if unread.contains(&id) || looks_like_a_runbook_file(&source.text) {
            continue;
        }
        refused = true;
        diagnostics.retain(|d| d.span.is_none_or(|s| s.file != id));
        diagnostics.push(Diagnostic::error(
            BAD_VALUE,
            Some(Span::new(id, 1, 1)),
            format!(
                "`{}` is not a runbook file: no line starts with a section of the format (`andon:`, `plant:`, `identities:`, ...); it is not used, and not quoted here",
                source.path.display()
            ),
        ));
        *source = Source::new(source.path.clone(), String::new());
    }
    refused
}

/// Empty, comments only, or a line that starts with a section key or a
/// near miss of one (`identites:` is a runbook file with a typo, and its
/// finding says "did you mean `identities`").
fn looks_like_a_runbook_file(text: &str) -> bool {
    let mut content = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#') && *l != "---")
        .peekable();
    if content.peek().is_none() {
        return true;
    }
    content.any(|l| {
        l.split_once(':').is_some_and(|(key, _)| {
            sections::SECTIONS
                .iter()
                .any(|s| *s == key || (key.len() >= 4 && strsim::levenshtein(s, key) <= 2))
        })
    })
}
