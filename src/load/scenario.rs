//! Scenario files (`andon-scenario: 1`) to a [`Scenario`], with the same
//! located diagnostics as runbooks; then every reference (identities,
//! people, roles, states, objectives) is checked against the runbook the
//! scenario names, relative to the scenario file.

use super::read::{BAD_VALUE, DUPLICATE_ID, Reader, YAML_SYNTAX};
use super::tree::Node;
use super::{LoadError, parse, read_source};
use crate::diagnostics::Diagnostic;
use crate::model::{
    Action, Expectation, FileId, Inject, Objective, Runbook, Scenario, Source, Span, Spanned,
    Start, Text,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const TOP: &[&str] = &[
    "andon-scenario",
    "id",
    "title",
    "runbook",
    "start",
    "objectives",
    "injects",
    "expect",
];
const START: &[&str] = &["at", "state"];
const OBJECTIVE: &[&str] = &["id", "text"];
const INJECT: &[&str] = &["at", "text", "identities", "attack", "unavailable"];
const EXPECTATION: &[&str] = &[
    "id",
    "objective",
    "action",
    "identity",
    "state",
    "within",
    "by",
];

/// The scenario file's id in its diagnostics; the runbook's files follow it.
const SCENARIO_FILE: FileId = FileId(0);

/// Loads a scenario and checks its references against its runbook.
pub fn load_scenario(path: &Path) -> Result<Scenario, LoadError> {
    load_scenario_with_runbook(path).map(|(scenario, _)| scenario)
}

/// Loads a scenario and the runbook it names.
pub fn load_scenario_with_runbook(path: &Path) -> Result<(Scenario, Runbook), LoadError> {
    let text = match read_source(path) {
        Ok(text) => text,
        Err((message, line, col)) => {
            return Err(LoadError {
                diagnostics: vec![Diagnostic::error(
                    YAML_SYNTAX,
                    Some(Span::new(SCENARIO_FILE, line, col)),
                    message,
                )],
                sources: vec![Source::new(path.to_path_buf(), String::new())],
            });
        }
    };
    let source = Source::new(path.to_path_buf(), text);
    let fail = |diagnostics: Vec<Diagnostic>, source: Source| LoadError {
        diagnostics,
        sources: vec![source],
    };
    let mut diagnostics = Vec::new();
    let root = match parse(&source.text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            diagnostics.push(Diagnostic::error(
                BAD_VALUE,
                Some(Span::new(SCENARIO_FILE, 1, 1)),
                "the scenario file is empty",
            ));
            return Err(fail(diagnostics, source));
        }
        Err((message, line, col)) => {
            diagnostics.push(Diagnostic::error(
                YAML_SYNTAX,
                Some(Span::new(SCENARIO_FILE, line, col)),
                message,
            ));
            return Err(fail(diagnostics, source));
        }
    };
    let mut texts = HashSet::new();
    let mut reader = Reader {
        file: SCENARIO_FILE,
        diagnostics: &mut diagnostics,
        texts: &mut texts,
    };
    let scenario = read_scenario(&mut reader, &root, path);
    let Some(scenario) = scenario.filter(|_| diagnostics.is_empty()) else {
        diagnostics.sort_by_key(|d| d.span);
        return Err(fail(diagnostics, source));
    };
    let runbook = match super::load(&scenario.runbook_path) {
        Ok(runbook) => runbook,
        Err(error) => return Err(runbook_failed(&scenario, source, error)),
    };
    check_refs(&scenario, &runbook, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok((scenario, runbook))
    } else {
        diagnostics.sort_by_key(|d| d.span);
        Err(fail(diagnostics, source))
    }
}

/// The scenario's runbook did not load: one error at `runbook:`, then the
/// runbook's own, their files numbered after the scenario's.
fn runbook_failed(scenario: &Scenario, source: Source, error: LoadError) -> LoadError {
    let shift = |span: Span| Span {
        file: FileId(span.file.0.saturating_add(1)),
        ..span
    };
    let mut diagnostics = vec![Diagnostic::error(
        BAD_VALUE,
        Some(scenario.runbook.span),
        format!(
            "the runbook `{}` could not be loaded",
            scenario.runbook.value
        ),
    )];
    for mut d in error.diagnostics {
        d.span = d.span.map(shift);
        for related in &mut d.related {
            related.span = shift(related.span);
        }
        diagnostics.push(d);
    }
    let mut sources = vec![source];
    sources.extend(error.sources);
    LoadError {
        diagnostics,
        sources,
    }
}

fn read_scenario(r: &mut Reader, root: &Node, path: &Path) -> Option<Scenario> {
    let f = r.fields(root, "the scenario", TOP)?;
    r.version(&f, root, "andon-scenario", "the scenario");
    let id = r
        .required(&f, "id", "the scenario")
        .and_then(|n| r.id(n, "scenario id"));
    let title = r
        .required(&f, "title", "the scenario")
        .and_then(|n| r.text(n, "the scenario title"));
    let runbook = r
        .required(&f, "runbook", "the scenario")
        .and_then(|n| r.spanned_text(n, "the runbook path"));
    let start = r
        .required(&f, "start", "the scenario")
        .and_then(|n| read_start(r, n));
    let objectives = r.items(f.value("objectives"), "objectives", read_objective);
    let injects = r.items(f.value("injects"), "injects", read_inject);
    let expect = r.items(f.value("expect"), "expectations", read_expectation);
    duplicates(r, objectives.iter().map(|o| &o.id), "objective");
    duplicates(r, expect.iter().map(|e| &e.id), "expectation");
    let runbook = runbook?;
    let base = path.parent().unwrap_or(Path::new(""));
    Some(Scenario {
        path: path.to_path_buf(),
        id: id?,
        title: title?,
        runbook_path: base.join(runbook.value.as_str()),
        runbook,
        start: start?,
        objectives,
        injects,
        expect,
    })
}

fn duplicates<'a>(r: &mut Reader, ids: impl Iterator<Item = &'a Spanned<Text>>, what: &str) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for id in ids {
        if let Some(first) = seen.get(id.value.as_str()) {
            r.diagnostics.push(
                Diagnostic::error(
                    DUPLICATE_ID,
                    Some(id.span),
                    format!("{what} `{}` is defined twice", id.value),
                )
                .with_related(*first, "first defined here"),
            );
        } else {
            seen.insert(id.value.as_str(), id.span);
        }
    }
}

fn read_start(r: &mut Reader, node: &Node) -> Option<Start> {
    let f = r.fields(node, "`start`", START)?;
    let at = r
        .required(&f, "at", "`start`")
        .and_then(|n| r.moment(n, "the start time"));
    let state = r
        .required(&f, "state", "`start`")
        .and_then(|n| r.id(n, "state"));
    Some(Start {
        at: at?,
        state: state?,
    })
}

fn read_objective(r: &mut Reader, node: &Node) -> Option<Objective> {
    let f = r.fields(node, "an objective", OBJECTIVE)?;
    let id = r
        .required(&f, "id", "an objective")
        .and_then(|n| r.id(n, "objective id"));
    let text = r
        .required(&f, "text", "an objective")
        .and_then(|n| r.text(n, "the objective text"));
    Some(Objective {
        id: id?,
        text: text?,
    })
}

fn read_inject(r: &mut Reader, node: &Node) -> Option<Inject> {
    let f = r.fields(node, "an inject", INJECT)?;
    let at = r
        .required(&f, "at", "an inject")
        .and_then(|n| r.duration(n, "the inject time"));
    let text = r
        .required(&f, "text", "an inject")
        .and_then(|n| r.text(n, "the inject text"));
    let identities = f
        .value("identities")
        .map_or_else(Vec::new, |n| r.id_list(n, "identity"));
    let attack = f
        .value("attack")
        .map_or_else(Vec::new, |n| r.id_list(n, "ATT&CK technique"));
    for technique in &attack {
        if !is_attack_id(&technique.value) {
            r.diagnostics.push(
                Diagnostic::error(
                    BAD_VALUE,
                    Some(technique.span),
                    format!(
                        "`{}` is not a MITRE ATT&CK technique id",
                        technique.value
                    ),
                )
                .with_help("write `T` and four digits, such as `T0822`, or `T1078.001` for a sub-technique"),
            );
        }
    }
    let unavailable = f
        .value("unavailable")
        .map_or_else(Vec::new, |n| r.id_list(n, "person"));
    Some(Inject {
        at: at?,
        text: text?,
        identities,
        attack,
        unavailable,
        span: r.span(node),
    })
}

/// `T` and four digits, optionally `.` and three: `T0822`, `T1078.001`.
fn is_attack_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('T') else {
        return false;
    };
    let (main, sub) = rest.split_once('.').unwrap_or((rest, "000"));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(main, 4) && digits(sub, 3)
}

fn read_expectation(r: &mut Reader, node: &Node) -> Option<Expectation> {
    let what = "an expectation";
    let f = r.fields(node, what, EXPECTATION)?;
    let id = r
        .required(&f, "id", what)
        .and_then(|n| r.id(n, "expectation id"));
    let objective = r
        .required(&f, "objective", what)
        .and_then(|n| r.id(n, "objective"));
    let action = r
        .required(&f, "action", what)
        .and_then(|n| r.spanned_word(n, "action", Action::NAMES, Action::parse));
    let identity = f.value("identity").and_then(|n| r.id(n, "identity"));
    let state = f.value("state").and_then(|n| r.id(n, "state"));
    let within = r
        .required(&f, "within", what)
        .and_then(|n| r.duration(n, "`within`"));
    let by = f.value("by").and_then(|n| r.id(n, "`by`"));
    let action = action?;
    if action.value == Action::Declare {
        if let Some(n) = f.value("identity") {
            r.error_help(
                BAD_VALUE,
                n,
                "a `declare` expectation names a state, not an identity",
                "remove `identity` and give the declared `state`",
            );
        }
        if f.value("state").is_none() {
            r.error(
                BAD_VALUE,
                node,
                "missing `state` in a `declare` expectation",
            );
        }
    } else if f.value("identity").is_none() {
        r.error(
            BAD_VALUE,
            node,
            format!("missing `identity` in a `{}` expectation", action.value),
        );
    }
    Some(Expectation {
        id: id?,
        objective: objective?,
        action,
        identity,
        state,
        within: within?,
        by,
        span: r.span(node),
    })
}

/// The ids of an index, sorted (so that hints do not depend on hash order).
fn keys(map: &crate::model::IdIndex) -> Vec<&str> {
    map.keys().map(Text::as_str).collect()
}

/// REF001 for every reference the runbook (or the scenario) does not define.
fn check_refs(scenario: &Scenario, runbook: &Runbook, diagnostics: &mut Vec<Diagnostic>) {
    let index = &runbook.index;
    let mut unknown = |what: &str, id: &Spanned<Text>, known: Vec<&str>| {
        diagnostics.push(super::refs::unknown(what, id, known));
    };
    let state_ok = |id: &Spanned<Text>| index.states.contains_key(id.value.as_str());
    if !state_ok(&scenario.start.state) {
        unknown("state", &scenario.start.state, keys(&index.states));
    }
    for inject in &scenario.injects {
        for id in &inject.identities {
            if !index.identities.contains_key(id.value.as_str()) {
                unknown("identity", id, keys(&index.identities));
            }
        }
        for person in &inject.unavailable {
            if !index.people.contains_key(person.value.as_str()) {
                unknown("person", person, keys(&index.people));
            }
        }
    }
    let objectives: Vec<&str> = scenario
        .objectives
        .iter()
        .map(|o| o.id.value.as_str())
        .collect();
    for e in &scenario.expect {
        if !objectives.contains(&e.objective.value.as_str()) {
            unknown("objective", &e.objective, objectives.clone());
        }
        if let Some(id) = &e.identity
            && !index.identities.contains_key(id.value.as_str())
        {
            unknown("identity", id, keys(&index.identities));
        }
        if let Some(state) = &e.state
            && !state_ok(state)
        {
            unknown("state", state, keys(&index.states));
        }
        if let Some(by) = &e.by
            && !index.people.contains_key(by.value.as_str())
            && !index.roles.contains_key(by.value.as_str())
        {
            let mut known = keys(&index.people);
            known.extend(keys(&index.roles));
            unknown("role or person", by, known);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNBOOK: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: emergency, declare: [{ person: ann }] }
people:
  - { id: ann }
identities:
  - { id: key, kind: api-key }
";

    /// Loads `scenario` next to a one-file runbook `rb.yaml`.
    fn load(scenario: &str) -> Result<Scenario, LoadError> {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("rb.yaml"), RUNBOOK).expect("write runbook");
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, scenario).expect("write scenario");
        load_scenario(&path)
    }

    const GOOD: &str = "andon-scenario: 1
id: s
title: T
runbook: rb.yaml
start: { at: 2026-03-06T02:10, state: normal }
objectives: [{ id: o, text: O }]
injects:
  - { at: 4m, text: Ann is out, unavailable: [ann], attack: [T0822] }
expect:
  - { id: e, objective: o, action: declare, state: emergency, within: 8m }
";

    #[test]
    fn a_good_scenario_resolves_its_runbook_next_to_it() {
        let s = load(GOOD).expect("loads");
        assert_eq!(s.id.value, "s");
        assert!(s.runbook_path.ends_with("rb.yaml"));
        assert_eq!(s.injects[0].at.value, crate::model::Duration(240));
        assert_eq!(s.expect[0].action.value, Action::Declare);
    }

    #[test]
    fn attack_ids_are_techniques_or_sub_techniques() {
        assert!(is_attack_id("T0822"));
        assert!(is_attack_id("T1078.001"));
        assert!(!is_attack_id("t0822"));
        assert!(!is_attack_id("T082"));
        assert!(!is_attack_id("T0822.1"));
    }

    #[test]
    fn a_declare_expectation_needs_a_state_and_no_identity() {
        let text = GOOD.replace("state: emergency", "identity: key");
        let error = load(&text).expect_err("fails");
        let messages: Vec<&str> = error
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "missing `state` in a `declare` expectation",
                "a `declare` expectation names a state, not an identity"
            ]
        );
        assert_eq!(error.diagnostics[0].span.map(|s| s.line), Some(10));
    }

    #[test]
    fn duplicate_expectation_ids_point_at_the_first() {
        let text = format!(
            "{GOOD}  - {{ id: e, objective: o, action: revoke, identity: key, within: 8m }}\n"
        );
        let error = load(&text).expect_err("fails");
        let d = &error.diagnostics[0];
        assert_eq!(d.code, DUPLICATE_ID);
        assert_eq!(d.related[0].span.line, 10);
    }

    #[test]
    fn a_missing_version_is_an_error_with_the_line_to_add() {
        let error = load(&GOOD.replace("andon-scenario: 1\n", "")).expect_err("fails");
        assert_eq!(
            error.diagnostics[0].help.as_deref(),
            Some("add `andon-scenario: 1` at the top of the file")
        );
    }
}
