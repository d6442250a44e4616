//! Responses files (`andon-responses: 1`) to [`Responses`], with the same
//! located diagnostics as scenarios; then every reference (identities,
//! people, states, acknowledged preconditions) is checked against the
//! scenario's runbook, and the file must name the scenario it is played with.

use super::read::{BAD_VALUE, Reader, YAML_SYNTAX};
use super::tree::Node;
use super::{LoadError, parse, read_source};
use crate::diagnostics::Diagnostic;
use crate::model::{
    Action, FileId, Response, Responses, Runbook, Scenario, Source, Span, Spanned, Text,
};
use std::collections::HashSet;
use std::path::Path;

const TOP: &[&str] = &["andon-responses", "scenario", "decisions"];
const DECISION: &[&str] = &[
    "at",
    "action",
    "identity",
    "state",
    "by",
    "acknowledged",
    "outcome",
];
const OUTCOMES: &[&str] = &["approved", "declined"];

/// The responses file's id in its diagnostics.
const RESPONSES_FILE: FileId = FileId(0);

/// Loads the responses file at `path` for `scenario` (loaded with its
/// `runbook`), checking that the file names that scenario and that every
/// reference exists.
pub fn load_responses(
    path: &Path,
    scenario: &Scenario,
    runbook: &Runbook,
) -> Result<Responses, LoadError> {
    let text = match read_source(path) {
        Ok(text) => text,
        Err((message, line, col)) => {
            return Err(failed(
                vec![located(YAML_SYNTAX, line, col, message)],
                Source::new(path.to_path_buf(), String::new()),
            ));
        }
    };
    let source = Source::new(path.to_path_buf(), text);
    let root = match parse(&source.text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            let d = located(BAD_VALUE, 1, 1, "the responses file is empty".to_owned());
            return Err(failed(vec![d], source));
        }
        Err((message, line, col)) => {
            return Err(failed(
                vec![located(YAML_SYNTAX, line, col, message)],
                source,
            ));
        }
    };
    let mut diagnostics = Vec::new();
    let mut texts = HashSet::new();
    let mut reader = Reader {
        file: RESPONSES_FILE,
        diagnostics: &mut diagnostics,
        texts: &mut texts,
    };
    let responses = read_responses(&mut reader, &root, path);
    if let Some(responses) = responses.as_ref().filter(|_| diagnostics.is_empty()) {
        check_scenario(responses, scenario, &mut diagnostics);
        check_refs(responses, runbook, &mut diagnostics);
    }
    match responses {
        Some(responses) if diagnostics.is_empty() => Ok(responses),
        _ => {
            diagnostics.sort_by_key(|d| d.span);
            Err(failed(diagnostics, source))
        }
    }
}

fn located(code: &'static str, line: u32, col: u32, message: String) -> Diagnostic {
    Diagnostic::error(code, Some(Span::new(RESPONSES_FILE, line, col)), message)
}

fn failed(diagnostics: Vec<Diagnostic>, source: Source) -> LoadError {
    LoadError {
        diagnostics,
        sources: vec![source],
    }
}

fn read_responses(r: &mut Reader, root: &Node, path: &Path) -> Option<Responses> {
    let f = r.fields(root, "the responses file", TOP)?;
    r.version(&f, root, "andon-responses", "the responses file");
    let scenario = r
        .required(&f, "scenario", "the responses file")
        .and_then(|n| r.spanned_text(n, "the scenario path"));
    let decisions = r.items(f.value("decisions"), "decisions", read_decision);
    let scenario = scenario?;
    let base = path.parent().unwrap_or(Path::new(""));
    Some(Responses {
        path: path.to_path_buf(),
        scenario_path: base.join(scenario.value.as_str()),
        scenario,
        decisions,
    })
}

fn read_decision(r: &mut Reader, node: &Node) -> Option<Response> {
    let what = "a decision";
    let f = r.fields(node, what, DECISION)?;
    let at = r
        .required(&f, "at", what)
        .and_then(|n| r.duration(n, "the decision time"));
    let action = r
        .required(&f, "action", what)
        .and_then(|n| r.spanned_word(n, "action", Action::NAMES, Action::parse));
    let identity = f.value("identity").and_then(|n| r.id(n, "identity"));
    let state = f.value("state").and_then(|n| r.id(n, "state"));
    let by = r
        .required(&f, "by", what)
        .map(|n| read_by(r, n))
        .unwrap_or_default();
    let acknowledged = f.value("acknowledged").map(|n| {
        let items = r.list(n, "`acknowledged`");
        items
            .iter()
            .filter_map(|item| r.spanned_text(item, "an acknowledged precondition"))
            .collect()
    });
    let approved = f
        .value("outcome")
        .and_then(|n| {
            r.word(n, "outcome", OUTCOMES, |w| {
                OUTCOMES.iter().position(|o| *o == w)
            })
        })
        .is_none_or(|i| i == 0);
    let action = action?;
    if action.value == Action::Declare {
        if let Some(n) = f.value("identity") {
            r.error_help(
                BAD_VALUE,
                n,
                "a `declare` decision names a state, not an identity",
                "remove `identity` and give the declared `state`",
            );
        }
        if f.value("state").is_none() {
            r.error(BAD_VALUE, node, "missing `state` in a `declare` decision");
        }
    } else {
        if let Some(n) = f.value("state") {
            r.error_help(
                BAD_VALUE,
                n,
                format!(
                    "a `{}` decision is taken in the drill's current state and names no `state`",
                    action.value
                ),
                "remove `state`; a `declare` decision changes the current state",
            );
        }
        if f.value("identity").is_none() {
            r.error(
                BAD_VALUE,
                node,
                format!("missing `identity` in a `{}` decision", action.value),
            );
        }
    }
    Some(Response {
        at: at?,
        action,
        identity,
        state,
        by,
        acknowledged,
        approved,
        span: r.span(node),
    })
}

/// `by`: one person, or a list of two distinct people.
fn read_by(r: &mut Reader, node: &Node) -> Vec<Spanned<Text>> {
    let by = r.id_list(node, "person in `by`");
    if by.is_empty() {
        r.error(BAD_VALUE, node, "`by` names nobody");
    } else if by.len() > 2 {
        r.error_help(
            BAD_VALUE,
            node,
            format!("`by` names {} people", by.len()),
            "name the one person who decided, or the two of a two-person rule",
        );
    } else if by.len() == 2 && by[0].value == by[1].value {
        r.error_help(
            BAD_VALUE,
            node,
            format!("`{}` is named twice in `by`", by[1].value),
            "a two-person rule needs two different people",
        );
    }
    by
}

/// The responses must be played with the scenario they name.
fn check_scenario(responses: &Responses, scenario: &Scenario, diagnostics: &mut Vec<Diagnostic>) {
    let same = match (
        std::fs::canonicalize(&responses.scenario_path),
        std::fs::canonicalize(&scenario.path),
    ) {
        (Ok(named), Ok(given)) => named == given,
        _ => false,
    };
    if !same {
        diagnostics.push(
            Diagnostic::error(
                BAD_VALUE,
                Some(responses.scenario.span),
                format!(
                    "these responses are for the scenario `{}`, not `{}`",
                    responses.scenario.value,
                    scenario.path.display()
                ),
            )
            .with_help("give the scenario the file names, or correct `scenario` (relative to the responses file)"),
        );
    }
}

/// The ids of an index, sorted (so that hints do not depend on hash order).
fn keys(map: &crate::model::IdIndex) -> Vec<&str> {
    map.keys().map(Text::as_str).collect()
}

/// REF001 for every identity, person, state or precondition the runbook
/// does not define.
fn check_refs(responses: &Responses, runbook: &Runbook, diagnostics: &mut Vec<Diagnostic>) {
    let index = &runbook.index;
    let mut unknown = |what: &str, id: &Spanned<Text>, known: &[&str]| {
        diagnostics.push(super::refs::unknown(what, id, known.iter().copied()));
    };
    let mut preconditions: Vec<&str> = runbook
        .rules
        .iter()
        .filter_map(|rule| rule.decide())
        .flat_map(|d| d.preconditions.iter().map(Text::as_str))
        .collect();
    preconditions.sort_unstable();
    preconditions.dedup();
    for d in &responses.decisions {
        if let Some(id) = &d.identity
            && !index.identities.contains_key(id.value.as_str())
        {
            unknown("identity", id, &keys(&index.identities));
        }
        if let Some(state) = &d.state
            && !index.states.contains_key(state.value.as_str())
        {
            unknown("state", state, &keys(&index.states));
        }
        for person in &d.by {
            if !index.people.contains_key(person.value.as_str()) {
                unknown("person", person, &keys(&index.people));
            }
        }
        for text in d.acknowledged.iter().flatten() {
            if preconditions.binary_search(&text.value.as_str()).is_err() {
                unknown("precondition", text, &preconditions);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{UNKNOWN_KEY, UNKNOWN_REFERENCE, load_scenario_with_runbook};

    const RUNBOOK: &str = "andon: 1
plant: { id: p, timezone: Europe/Paris }
states:
  - { id: normal, default: true }
  - { id: emergency, declare: [{ person: ann }] }
people:
  - { id: ann }
  - { id: bo }
identities:
  - { id: key, kind: api-key }
authority:
  - id: keys
    match: { kind: api-key }
    actions: [revoke]
    decide: [{ person: ann }]
    preconditions: [Tell the MES team]
";

    const SCENARIO: &str = "andon-scenario: 1
id: s
title: T
runbook: rb.yaml
start: { at: 2026-03-06T02:10, state: normal }
objectives: [{ id: o, text: O }]
expect:
  - { id: e, objective: o, action: declare, state: emergency, within: 8m }
";

    /// Loads `responses` (as `r/s.responses.yaml`) for the scenario `s.yaml`.
    fn load(responses: &str) -> Result<Responses, LoadError> {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("rb.yaml"), RUNBOOK).expect("write runbook");
        let scenario = dir.path().join("s.yaml");
        std::fs::write(&scenario, SCENARIO).expect("write scenario");
        std::fs::create_dir(dir.path().join("r")).expect("create directory");
        let path = dir.path().join("r/s.responses.yaml");
        std::fs::write(&path, responses).expect("write responses");
        let (scenario, runbook) = load_scenario_with_runbook(&scenario).expect("scenario loads");
        load_responses(&path, &scenario, &runbook)
    }

    const GOOD: &str = "andon-responses: 1
scenario: ../s.yaml
decisions:
  - { at: 3m, action: revoke, identity: key, by: ann, acknowledged: [Tell the MES team] }
  - { at: 5m, action: declare, state: emergency, by: [ann, bo], outcome: declined }
";

    fn messages(error: &LoadError) -> Vec<(u32, &str)> {
        error
            .diagnostics
            .iter()
            .map(|d| (d.span.map_or(0, |s| s.line), d.message.as_str()))
            .collect()
    }

    #[test]
    fn a_good_file_reads_every_decision() {
        let r = load(GOOD).expect("loads");
        assert_eq!(r.decisions.len(), 2);
        let revoke = &r.decisions[0];
        assert_eq!(revoke.at.value, crate::model::Duration(180));
        assert!(revoke.approved);
        assert_eq!(revoke.acknowledged.as_ref().map(Vec::len), Some(1));
        let declare = &r.decisions[1];
        assert_eq!(declare.by.len(), 2);
        assert!(!declare.approved);
        assert!(declare.acknowledged.is_none(), "omitted: all acknowledged");
    }

    #[test]
    fn unknown_references_name_the_nearest_id() {
        let text = GOOD
            .replace("by: ann,", "by: anne,")
            .replace("identity: key", "identity: kye")
            .replace("the MES", "the MSE");
        let error = load(&text).expect_err("fails");
        assert!(
            error
                .diagnostics
                .iter()
                .all(|d| d.code == UNKNOWN_REFERENCE)
        );
        let helps: Vec<_> = error.diagnostics.iter().map(|d| d.help.clone()).collect();
        assert_eq!(
            messages(&error),
            [
                (4, "unknown identity `kye`"),
                (4, "unknown person `anne`"),
                (4, "unknown precondition `Tell the MSE team`"),
            ]
        );
        assert_eq!(helps[1].as_deref(), Some("did you mean `ann`?"));
    }

    #[test]
    fn unknown_keys_and_bad_durations_are_located() {
        let text = GOOD.replace("at: 3m, action", "at: 3 min, acton");
        let error = load(&text).expect_err("fails");
        let found = |message: &str| {
            error
                .diagnostics
                .iter()
                .find(|d| d.message == message)
                .unwrap_or_else(|| panic!("no {message:?} in {:?}", error.diagnostics))
        };
        let duration = found("bad duration `3 min` for the decision time");
        assert_eq!(duration.code, BAD_VALUE);
        assert_eq!(duration.span.map(|s| (s.line, s.col)), Some((4, 11)));
        let key = found("unknown key `acton` in a decision");
        assert_eq!(key.code, UNKNOWN_KEY);
        assert_eq!(key.help.as_deref(), Some("did you mean `action`?"));
        assert_eq!(key.span.map(|s| (s.line, s.col)), Some((4, 18)));
        found("missing `action` in a decision");
    }

    #[test]
    fn a_declare_names_a_state_and_other_actions_do_not() {
        let text = GOOD
            .replace("identity: key, by", "identity: key, state: normal, by")
            .replace("state: emergency, by", "identity: key, by");
        let error = load(&text).expect_err("fails");
        assert_eq!(
            messages(&error),
            [
                (
                    4,
                    "a `revoke` decision is taken in the drill's current state and names no `state`"
                ),
                (5, "missing `state` in a `declare` decision"),
                (5, "a `declare` decision names a state, not an identity"),
            ]
        );
    }

    #[test]
    fn by_names_one_or_two_different_people() {
        let error = load(&GOOD.replace("[ann, bo]", "[bo, bo]")).expect_err("fails");
        assert_eq!(messages(&error), [(5, "`bo` is named twice in `by`")]);
        let error = load(&GOOD.replace("[ann, bo]", "[ann, bo, ann]")).expect_err("fails");
        assert_eq!(messages(&error), [(5, "`by` names 3 people")]);
    }

    #[test]
    fn responses_for_another_scenario_are_refused_at_scenario() {
        let error = load(&GOOD.replace("../s.yaml", "../other.yaml")).expect_err("fails");
        let d = &error.diagnostics[0];
        assert_eq!(error.diagnostics.len(), 1);
        assert_eq!(d.span.map(|s| (s.line, s.col)), Some((2, 11)));
        assert!(
            d.message
                .starts_with("these responses are for the scenario `../other.yaml`, not `"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_missing_version_says_what_to_add() {
        let error = load(&GOOD.replace("andon-responses: 1\n", "")).expect_err("fails");
        assert_eq!(
            error.diagnostics[0].help.as_deref(),
            Some("add `andon-responses: 1` at the top of the file")
        );
    }
}
