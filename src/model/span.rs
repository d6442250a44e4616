//! Where a value came from: file, line and column.

use std::fmt;
use std::path::PathBuf;

/// Index of a source file in [`crate::model::Runbook::files`]; a runbook
/// has at most [`FileId::MAX_FILES`] files.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct FileId(pub u16);

impl FileId {
    pub const MAX_FILES: usize = u16::MAX as usize + 1;
}

/// A position in a source file; line and column are 1-based (columns count
/// characters).
///
/// Eight bytes, because every value of a 100,000-identity plant carries one:
/// columns past 65,535 (only on a line longer than any runbook needs) are
/// shown as 65,535.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub file: FileId,
    pub col: u16,
    pub line: u32,
}

/// Spans order as a reader goes: by file, then line, then column.
impl Ord for Span {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file, self.line, self.col).cmp(&(other.file, other.line, other.col))
    }
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Span {
    pub fn new(file: FileId, line: u32, col: u32) -> Self {
        Span {
            file,
            line,
            col: u16::try_from(col).unwrap_or(u16::MAX),
        }
    }
}

/// A value with the span of the node it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// One file of a runbook, with its text kept for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of each line's start, found on the first [`Source::line`]
    /// call: a report of thousands of findings must not rescan the file for each.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(path: PathBuf, text: String) -> Source {
        Source {
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(index)?;
        // An empty text (a file refused unread, or never to be quoted) has
        // no line to show, not one empty line.
        if start >= self.text.len() && (index > 0 || self.text.is_empty()) {
            return None;
        }
        let end = starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let text = &self.text[start..end];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines_are_found_by_number_without_their_endings() {
        let source = Source::new("f.yaml".into(), "a: 1\r\nb: 2\n\nc: 3".into());
        assert_eq!(source.line(1), Some("a: 1"));
        assert_eq!(source.line(2), Some("b: 2"));
        assert_eq!(source.line(3), Some(""));
        assert_eq!(source.line(4), Some("c: 3"));
        assert_eq!(source.line(5), None);
        assert_eq!(source.line(0), None);
        let ended = Source::new("g.yaml".into(), "x\n".into());
        assert_eq!(ended.line(1), Some("x"));
        assert_eq!(ended.line(2), None, "like str::lines, no empty last line");
    }

    #[test]
    fn spans_are_eight_bytes_saturate_long_columns_and_order_by_line_first() {
        assert_eq!(std::mem::size_of::<Span>(), 8);
        assert_eq!(Span::new(FileId(0), 1, 70_000).col, u16::MAX);
        let early = Span::new(FileId(0), 2, 40);
        let late = Span::new(FileId(0), 3, 1);
        assert!(early < late, "line before column");
        assert!(late < Span::new(FileId(1), 1, 1), "file before line");
    }
}
