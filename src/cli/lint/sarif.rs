//! SARIF 2.1.0 output, for code-scanning upload (GitHub, GitLab, Azure).
//!
//! One run: the driver `andon` with every rule of the catalogue, then one
//! result per finding, load errors included. Paths are relative to the
//! current directory under `%SRCROOT%` (the repository root in CI); columns
//! count Unicode characters, as the loader's spans do. Nothing in the output
//! depends on the clock or the machine, so two runs print the same bytes.

use super::{LintedPath, Lints, docs, human, relative};
use crate::cli::output::{Render, json_text};
use crate::lint::{Diagnostic, RuleInfo, Severity, all_rules};
use crate::model::{Source, Span};
use anyhow::Result;
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run as SarifRun, Sarif as SarifLog, Suppression, Tool,
    ToolComponent,
};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Sarif;

/// The schema the output declares (OASIS, errata 01).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of relative artifact URIs; GitHub reads it as the repository root.
const SRCROOT: &str = "%SRCROOT%";

impl Render<Lints> for Sarif {
    fn render(&self, lints: &Lints) -> Result<String> {
        let (runs, summary) = (&lints.paths[..], &lints.summary);
        let mut rules: Vec<ReportingDescriptor> =
            all_rules().map(|r| descriptor(r.info())).collect();
        let mut index: BTreeMap<&str, usize> = all_rules()
            .enumerate()
            .map(|(i, r)| (r.info().code, i))
            .collect();
        // Loader codes outside the catalogue (YML001, TYP001) get a plain
        // descriptor, so that every result names a rule of the run.
        for d in runs.iter().flat_map(|r| &r.findings) {
            if !index.contains_key(d.code) {
                index.insert(d.code, rules.len());
                rules.push(loader_descriptor(d.code));
            }
        }
        let mut results: Vec<SarifResult> = runs
            .iter()
            .flat_map(|run| run.findings.iter().map(move |d| (run, d)))
            .map(|(run, d)| result(run, d, index[d.code]))
            .collect();
        // Suppressed findings are results too, marked as suppressed in the
        // source with the runbook's reason: code scanning shows them as
        // dismissed, and an auditor sees every accepted risk.
        for run in runs {
            for s in &run.suppressed {
                let Some(&rule_index) = index.get(s.diagnostic.code) else {
                    continue;
                };
                let mut r = result(run, &s.diagnostic, rule_index);
                let suppression = Suppression::builder()
                    .kind(json!("inSource"))
                    .justification(s.reason.clone())
                    .build();
                r.suppressions = Some(vec![suppression]);
                results.push(r);
            }
        }
        let notifications: Vec<Notification> = runs
            .iter()
            .filter(|run| !run.loaded)
            .map(|run| {
                Notification::builder()
                    .level(json!("error"))
                    .message(text(format!(
                        "`{}` could not be loaded; it was not linted",
                        run.path.display()
                    )))
                    .locations(vec![path_location(&run.path)])
                    .build()
            })
            .collect();
        let mut invocation = Invocation::builder()
            .execution_successful(summary.unloadable == 0)
            .build();
        if !notifications.is_empty() {
            invocation.tool_execution_notifications = Some(notifications);
        }
        let driver = ToolComponent::builder()
            .name("andon")
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .full_name(concat!("andon ", env!("CARGO_PKG_VERSION")))
            .rules(rules)
            .build();
        let counts = [
            ("errors", summary.errors),
            ("warnings", summary.warnings),
            ("notes", summary.notes),
            ("suppressed", summary.suppressed),
            ("unloadable", summary.unloadable),
        ];
        let mut run = SarifRun::builder()
            .tool(Tool::builder().driver(driver).build())
            .invocations(vec![invocation])
            .column_kind(json!("unicodeCodePoints"))
            .results(results)
            .build();
        run.properties = bag(Vec::new(), counts.map(|(k, n)| (k, json!(n))));
        let log = SarifLog::builder()
            .schema(SCHEMA)
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build();
        json_text(&log)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}

/// A rule of the catalogue as a SARIF reporting descriptor.
fn descriptor(info: &RuleInfo) -> ReportingDescriptor {
    let mut tags: Vec<String> = Vec::new();
    let mut extra = Vec::new();
    if !info.mapping.is_empty() {
        // GitHub files rules tagged `security` under security alerts and
        // ranks them by `security-severity` (>= 7 high, 4-6.9 medium).
        tags.push("security".to_owned());
        tags.extend(info.mapping.iter().map(|m| (*m).to_owned()));
        let score = match info.severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Note => "2.0",
        };
        extra.push(("security-severity", json!(score)));
    }
    let mut descriptor = ReportingDescriptor::builder()
        .id(info.code)
        .name(info.name)
        .short_description(multiformat(format!("Fires when {}", info.summary)))
        .full_description(multiformat(info.rationale))
        .help(
            MultiformatMessageString::builder()
                .text(human::explanation(info))
                .markdown(docs::rule_body(info))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(info.severity.as_str()))
                .build(),
        )
        .build();
    descriptor.properties = bag(tags, extra);
    descriptor
}

/// A code the loader reports that is not a lint rule (`YML001`, `TYP001`).
fn loader_descriptor(code: &str) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(code)
        .short_description(multiformat(
            "Fires when the runbook cannot be loaded (see docs/loading.md)",
        ))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!("error"))
                .build(),
        )
        .build()
}

fn result(run: &LintedPath, d: &Diagnostic, rule_index: usize) -> SarifResult {
    let mut message = d.message.clone();
    if let Some(witness) = &d.witness {
        message.push_str("\nwitness: ");
        message.push_str(witness);
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let location = match d.span {
        Some(span) => span_location(&run.sources, span, None),
        // GitHub rejects results without a location: name the runbook.
        None => path_location(&run.path),
    };
    let extra: Vec<(&str, Value)> = [("witness", &d.witness), ("help", &d.help)]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, json!(v))))
        .collect();
    let mut result = SarifResult::builder()
        .rule_id(d.code)
        .rule_index(i64::try_from(rule_index).unwrap_or(-1))
        .level(level(d.severity))
        .message(text(message))
        .locations(vec![location])
        .build();
    if !d.related.is_empty() {
        let related = d.related.iter().enumerate();
        result.related_locations = Some(
            related
                .map(|(i, r)| span_location(&run.sources, r.span, Some((i, &r.message))))
                .collect(),
        );
    }
    result.properties = bag(Vec::new(), extra);
    result
}

/// The place a span points at; related places carry an id and a message.
fn span_location(sources: &[Source], span: Span, related: Option<(usize, &str)>) -> Location {
    let artifact = sources
        .get(span.file.0 as usize)
        .map_or_else(|| artifact(Path::new("<unknown>")), |s| artifact(&s.path));
    let mut region = Region::builder()
        .start_line(i64::from(span.line.max(1)))
        .build();
    if span.col >= 1 {
        region.start_column = Some(i64::from(span.col));
    }
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    let location = Location::builder().physical_location(physical);
    match related {
        None => location.build(),
        Some((id, message)) => location
            .id(i64::try_from(id).unwrap_or(0))
            .message(text(message))
            .build(),
    }
}

/// A location that names a file or directory, without a region.
fn path_location(path: &Path) -> Location {
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(path))
                .build(),
        )
        .build()
}

/// A relative `uri` under `%SRCROOT%` when the file is under the current
/// directory, else an absolute `file://` URI.
fn artifact(path: &Path) -> ArtifactLocation {
    match relative(path) {
        Some(rel) => ArtifactLocation::builder()
            .uri(encode(&rel))
            .uri_base_id(SRCROOT)
            .build(),
        None => {
            let absolute = path.to_string_lossy().replace('\\', "/");
            let slash = if absolute.starts_with('/') { "" } else { "/" };
            ArtifactLocation::builder()
                .uri(format!("file://{slash}{}", encode(&absolute)))
                .build()
        }
    }
}

/// Percent-encodes every byte of `path` but unreserved characters and `/`
/// (RFC 3986), so that spaces, `#`, `%` or a `:` in a file name stay a path.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

fn text(message: impl Into<String>) -> Message {
    Message::builder().text(message.into()).build()
}

fn multiformat(text: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(text.into())
        .build()
}

/// A property bag, or none when it would be empty.
fn bag<'k>(
    tags: Vec<String>,
    extra: impl IntoIterator<Item = (&'k str, Value)>,
) -> Option<PropertyBag> {
    let additional: BTreeMap<String, Value> =
        extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    if tags.is_empty() && additional.is_empty() {
        return None;
    }
    let mut bag = PropertyBag::builder()
        .additional_properties(additional)
        .build();
    if !tags.is_empty() {
        bag.tags = Some(tags);
    }
    Some(bag)
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn uris_keep_slashes_and_encode_the_rest() {
        assert_eq!(
            encode("runbooks/lyon packaging/10-people.yaml"),
            "runbooks/lyon%20packaging/10-people.yaml"
        );
        assert_eq!(encode("a:b#c%d.yaml"), "a%3Ab%23c%25d.yaml");
        assert_eq!(encode("café.yaml"), "caf%C3%A9.yaml");
    }
}
