//! The mapping file (`import.yaml`): how a source's records become
//! identities. Read with the loader's reader, so every mistake is a located
//! error with a "did you mean" hint, like a runbook's.
//!
//! ```yaml
//! andon-import: 1
//! hand_written_wins: false      # true: an id also written by hand keeps the hand-written one
//! sources:
//!   - source: aws-credential-report
//!     id: "aws-{user}-{credential}"   # `{field}` is a record field
//!     kind: api-key                   # else the source's own kind
//!     rules:                          # every matching rule applies, in order
//!       - match: { field: arn, glob: "arn:aws:iam::*:user/plant/line3/*" }
//!         owner: line3-engineering
//!         serves: [line3]
//!         access: { line3: read }
//!         labels: { line: "3" }
//!         vendor: Acme Robotics
//! ```

use super::SOURCES;
use super::matching::{Assigned, Record};
pub use super::rule::MappingRule;
use super::rule::rule;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::codes::{BAD_VALUE, DUPLICATE_ID};
use crate::load::tree::{Node, Value};
use crate::load::{LoadError, Reader};
use crate::model::{FileId, IdentityKind, Source, Span, Spanned, Text};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A whole mapping file.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// The file read, for locating errors found later (at import time).
    pub path: PathBuf,
    /// An id both imported and written by hand keeps the hand-written
    /// identity (the imported record is left out) instead of being an error.
    pub hand_written_wins: bool,
    pub sources: Vec<SourceMapping>,
}

impl Mapping {
    /// The mapping of `source`, if the file has one.
    pub fn source(&self, source: &str) -> Option<&SourceMapping> {
        self.sources.iter().find(|s| s.source.value == source)
    }
}

/// How one source's records become identities.
#[derive(Debug, Clone)]
pub struct SourceMapping {
    pub source: Spanned<Text>,
    /// The id pattern; `None` keeps the source's own id.
    pub id: Option<Spanned<Text>>,
    /// The kind of every identity; `None` keeps the source's own kind.
    pub kind: Option<Spanned<IdentityKind>>,
    /// Source `csv` only: record field to the CSV column that holds it
    /// (`last_used: "Last logon"`); every column is also a field by its
    /// own header.
    pub columns: Vec<(Text, Spanned<Text>)>,
    pub rules: Vec<MappingRule>,
    pub span: Span,
}
impl SourceMapping {
    /// Applies every rule that matches `record`, in order: a later rule's
    /// `owner`, `vendor`, `serves` or level on a system replaces an earlier
    /// one's; labels are merged, the later value winning.
    pub fn assign(&self, record: &Record) -> Assigned {
        let mut out = Assigned::default();
        for rule in &self.rules {
            let value = record.get(&rule.field.value).unwrap_or("");
            if !rule.test.matches(value) {
                continue;
            }
            out.matched = true;
            if rule.owner.is_some() {
                out.owner.clone_from(&rule.owner);
            }
            if rule.vendor.is_some() {
                out.vendor.clone_from(&rule.vendor);
            }
            if let Some(serves) = &rule.serves {
                out.serves.clone_from(serves);
            }
            for (system, level) in &rule.access {
                match out.access.iter_mut().find(|(s, _)| s.value == system.value) {
                    Some(found) => found.1 = *level,
                    None => out.access.push((system.clone(), *level)),
                }
            }
            for (k, v) in &rule.labels {
                out.labels.insert(k.clone(), v.clone());
            }
            for (k, v) in &rule.credential {
                out.credential.insert(k, v.clone());
            }
            for a in &rule.allow {
                out.allow.retain(|b| !b.rule.eq_ignore_ascii_case(&a.rule));
                out.allow.push(a.clone());
            }
        }
        out
    }
}

const TOP: &[&str] = &["andon-import", "hand_written_wins", "sources"];
const SOURCE: &[&str] = &["source", "id", "kind", "columns", "rules"];
/// Reads the mapping file at `path` (bounded like every runbook file).
pub fn load_mapping(path: &Path) -> Result<Mapping, LoadError> {
    let text =
        crate::fsio::read_to_string(path, crate::fsio::MAX_FILE_BYTES).map_err(|e| LoadError {
            diagnostics: vec![Diagnostic::error(
                BAD_VALUE,
                None,
                format!("cannot read the mapping `{}`: {e}", path.display()),
            )],
            sources: Vec::new(),
        })?;
    mapping_from_str(path, &text)
}

/// Reads a mapping from its text; `path` names it in errors.
pub fn mapping_from_str(path: &Path, text: &str) -> Result<Mapping, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diagnostics = Vec::new();
    let mut mapping = Mapping {
        path: path.to_path_buf(),
        ..Mapping::default()
    };
    match crate::load::parse_tree(text, FileId(0)) {
        Err(d) => diagnostics.push(*d),
        Ok(root) => {
            let root = root.unwrap_or(Node {
                value: Value::Null,
                line: 1,
                col: 1,
            });
            let mut texts = HashSet::new();
            let mut r = Reader {
                file: FileId(0),
                diagnostics: &mut diagnostics,
                texts: &mut texts,
            };
            read(&mut r, &root, &mut mapping);
        }
    }
    if diagnostics.is_empty() {
        return Ok(mapping);
    }
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.line, s.col)));
    Err(LoadError {
        diagnostics,
        sources: vec![Source::new(path.to_path_buf(), text.to_owned())],
    })
}

fn read(r: &mut Reader, root: &Node, mapping: &mut Mapping) {
    let Some(f) = r.fields(root, "an import mapping", TOP) else {
        return;
    };
    r.version(&f, root, "andon-import", "the import mapping");
    mapping.hand_written_wins = r
        .opt_bool(&f, "hand_written_wins", "`hand_written_wins`")
        .unwrap_or(false);
    let Some(list) = f.value("sources") else {
        return;
    };
    for n in r.list(list, "`sources`") {
        let Some(source) = source(r, n) else { continue };
        if let Some(first) = mapping.source(&source.source.value) {
            r.diagnostics.push(
                Diagnostic::error(
                    DUPLICATE_ID,
                    Some(source.source.span),
                    format!("source `{}` is mapped twice", source.source.value),
                )
                .with_related(first.source.span, "first mapped here"),
            );
            continue;
        }
        mapping.sources.push(source);
    }
}

fn source(r: &mut Reader, n: &Node) -> Option<SourceMapping> {
    let f = r.fields(n, "a source mapping", SOURCE)?;
    let name = r.required(&f, "source", "a source mapping").and_then(|n| {
        r.spanned_word(n, "source", SOURCES, |s| {
            SOURCES.contains(&s).then(|| Text::from(s))
        })
    });
    let id = f
        .value("id")
        .and_then(|n| r.spanned_text(n, "the id pattern"));
    if let Some(pattern) = &id {
        if pattern.value.chars().any(char::is_whitespace) || pattern.value.is_empty() {
            r.diagnostics.push(Diagnostic::error(
                BAD_VALUE,
                Some(pattern.span),
                format!(
                    "the id pattern `{}` must be one word, without spaces",
                    pattern.value
                ),
            ));
        } else if pattern.value.matches('{').count() != pattern.value.matches('}').count() {
            r.diagnostics.push(
                Diagnostic::error(
                    BAD_VALUE,
                    Some(pattern.span),
                    format!("unbalanced braces in the id pattern `{}`", pattern.value),
                )
                .with_help("write each field as `{field}`"),
            );
        }
    }
    let kind = f
        .value("kind")
        .and_then(|n| r.spanned_word(n, "identity kind", IdentityKind::NAMES, IdentityKind::parse));
    let mut columns = Vec::new();
    if let Some(c) = f.value("columns") {
        match &c.value {
            Value::Map(entries) if name.as_ref().is_some_and(|n| n.value == "csv") => {
                for (field, column) in entries {
                    if let (Some(field), Some(column)) = (
                        r.text(field, "a record field"),
                        r.spanned_text(column, "a CSV column"),
                    ) {
                        columns.push((field, column));
                    }
                }
            }
            Value::Map(_) => r.error(
                BAD_VALUE,
                c,
                "`columns` is for the source `csv` only: the other sources have their vendors' fields",
            ),
            _ => r.error(
                BAD_VALUE,
                c,
                "expected a mapping of record field to CSV column for `columns`",
            ),
        }
    }
    let rules = r.items(f.value("rules"), "`rules`", rule);
    Some(SourceMapping {
        source: name?,
        id,
        kind,
        columns,
        rules,
        span: r.span(n),
    })
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccessLevel;

    const GOOD: &str = r#"andon-import: 1
sources:
  - source: aws-credential-report
    id: "aws-{user}-{credential}"
    kind: api-key
    rules:
      - match: { field: arn, glob: "arn:aws:iam::*:user/plant/line3/*" }
        owner: line3-engineering
        serves: [line3]
        access: { line3: read }
        labels: { line: "3" }
      - match: { field: user, prefix: acme- }
        vendor: Acme Robotics
        access: { line3: write }
"#;

    fn errors(text: &str) -> Vec<String> {
        let e = mapping_from_str(Path::new("import.yaml"), text).unwrap_err();
        e.diagnostics
            .iter()
            .map(|d| {
                let at = d
                    .span
                    .map_or("-".to_owned(), |s| format!("{}:{}", s.line, s.col));
                format!(
                    "{at} {} {}{}",
                    d.code,
                    d.message,
                    d.help
                        .as_deref()
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn a_mapping_assigns_from_every_matching_rule_in_order() {
        let m = mapping_from_str(Path::new("import.yaml"), GOOD).unwrap();
        let aws = m.source("aws-credential-report").unwrap();
        assert_eq!(aws.kind.unwrap().value, IdentityKind::ApiKey);
        let record = Record::default().with("user", "acme-remote").with(
            "arn",
            "arn:aws:iam::123456789012:user/plant/line3/acme-remote",
        );
        let a = aws.assign(&record);
        assert!(a.matched);
        assert_eq!(a.owner.unwrap().value.as_str(), "line3-engineering");
        assert_eq!(a.vendor.unwrap().value.as_str(), "Acme Robotics");
        let access: Vec<_> = a
            .access
            .iter()
            .map(|(s, l)| (s.value.as_str(), *l))
            .collect();
        assert_eq!(
            access,
            [("line3", AccessLevel::Write)],
            "the later rule's level wins"
        );
        let other = aws.assign(
            &Record::default()
                .with("user", "x")
                .with("arn", "arn:aws:iam::1:user/office/x"),
        );
        assert!(!other.matched, "no rule matched: an unclassified record");
        assert!(other.owner.is_none());
    }

    #[test]
    fn mistakes_in_a_mapping_are_located_with_a_hint() {
        let text = "andon-import: 1\nsources:\n  - source: aws-credential-reprot\n    kind: api-kee\n    rules:\n      - match: { field: arn, prefx: x }\n        ownr: a\n";
        assert_eq!(
            errors(text),
            [
                "3:13 TYP001 unknown source `aws-credential-reprot` (did you mean `aws-credential-report`?)",
                "4:11 TYP001 unknown identity kind `api-kee` (did you mean `api-key`?)",
                "6:16 TYP001 `match` needs exactly one of `equals`, `prefix` and `glob`, found 0 (write `match: { field: arn, prefix: \"arn:aws:iam::123456789012:user/plant/\" }`)",
                "6:30 REF003 unknown key `prefx` in `match` (did you mean `prefix`?)",
                "7:9 REF003 unknown key `ownr` in a mapping rule (did you mean `owner`?)",
            ]
        );
    }

    #[test]
    fn a_source_mapped_twice_names_both_places_and_the_version_is_required() {
        let text = "sources:\n  - source: cyberark\n  - source: cyberark\n";
        let found = errors(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("1:1 TYP001 missing `andon-import`"),
            "{found:?}"
        );
        assert_eq!(found[1], "3:13 REF002 source `cyberark` is mapped twice");
        let e = mapping_from_str(Path::new("import.yaml"), text).unwrap_err();
        assert_eq!(e.diagnostics[1].related[0].span.line, 2);
    }

    #[test]
    fn a_mapping_that_is_not_yaml_is_a_located_syntax_error() {
        let found = errors("andon-import: 1\nsources: [\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("YML001"), "{found:?}");
    }

    #[test]
    fn columns_are_for_the_csv_source_only() {
        let m = mapping_from_str(
            Path::new("import.yaml"),
            "andon-import: 1\nsources:\n  - source: csv\n    columns: { id: Account, last_used: Last logon }\n",
        )
        .unwrap();
        let columns: Vec<(&str, &str)> = m
            .source("csv")
            .unwrap()
            .columns
            .iter()
            .map(|(f, c)| (f.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(columns, [("id", "Account"), ("last_used", "Last logon")]);
        let found = errors(
            "andon-import: 1\nsources:\n  - source: cyberark\n    columns: { id: Account }\n",
        );
        assert_eq!(
            found,
            [
                "4:14 TYP001 `columns` is for the source `csv` only: the other sources have their vendors' fields"
            ]
        );
    }

    #[test]
    fn a_rules_credential_is_read_in_the_runbooks_words() {
        let m = mapping_from_str(
            Path::new("import.yaml"),
            "andon-import: 1\nsources:\n  - source: aws-credential-report\n    rules:\n      - match: { field: user, prefix: svc- }\n        credential: { type: static, rotation: 90d, storage: vault, origin: generated }\n",
        )
        .unwrap();
        let a = m
            .source("aws-credential-report")
            .unwrap()
            .assign(&Record::default().with("user", "svc-x"));
        let got: Vec<(&str, &str)> = a.credential.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            got,
            [
                ("origin", "generated"),
                ("rotation", "90d"),
                ("storage", "vault"),
                ("type", "static")
            ]
        );
        let found = errors(
            "andon-import: 1\nsources:\n  - source: cyberark\n    rules:\n      - match: { field: id, equals: x }\n        credential: { type: statik, rotashun: 9d }\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("unknown credential type `statik` (did you mean `static`?)"),
            "{found:?}"
        );
        assert!(found[1].contains("unknown key `rotashun`"), "{found:?}");
    }
}
