//! One rule of a mapping: the test on a record's field (`match`) and what
//! it assigns (`owner`, `serves`, `access`, `labels`, `vendor`,
//! `credential`, `allow`), read with the loader's located reader.

use super::matching::{RuleAllow, Test};
use crate::diagnostics::codes::BAD_VALUE;
use crate::load::Reader;
use crate::load::tree::{Node, Value};
use crate::model::{AccessLevel, CredentialType, Origin, Ref, Span, Spanned, Storage, Text};

/// One rule: a test on a record's field, and what it assigns.
#[derive(Debug, Clone)]
pub struct MappingRule {
    pub field: Spanned<Text>,
    pub test: Test,
    pub owner: Option<Ref>,
    pub vendor: Option<Spanned<Text>>,
    /// `None` when the rule does not say (an explicit `[]` declares none).
    pub serves: Option<Vec<Ref>>,
    pub access: Vec<(Ref, AccessLevel)>,
    pub labels: Vec<(Text, Text)>,
    /// `credential: { type, rotation, storage, origin }`, each as the
    /// runbook writes it (checked against the runbook's vocabulary).
    pub credential: Vec<(&'static str, Text)>,
    /// Lint suppressions for the identities it matches, each with the
    /// reason a reviewer reads: written as the identity's `lint: allow`.
    pub allow: Vec<RuleAllow>,
    pub span: Span,
}

const RULE: &[&str] = &[
    "match",
    "owner",
    "serves",
    "access",
    "labels",
    "vendor",
    "credential",
    "allow",
];
const ALLOW: &[&str] = &["rule", "reason", "until"];
const CREDENTIAL: &[&str] = &["type", "rotation", "storage", "origin"];
const MATCH: &[&str] = &["field", "equals", "prefix", "glob"];

pub fn rule(r: &mut Reader, n: &Node) -> Option<MappingRule> {
    let f = r.fields(n, "a mapping rule", RULE)?;
    let (field, test) = r
        .required(&f, "match", "a mapping rule")
        .and_then(|m| test(r, m))?;
    let owner = f.value("owner").and_then(|n| r.id(n, "a role id"));
    let vendor = f
        .value("vendor")
        .and_then(|n| r.spanned_text(n, "`vendor`"));
    let serves = f.get("serves").map(|n| r.id_list(n, "a system id"));
    let mut access = Vec::new();
    if let Some(a) = f.value("access") {
        match &a.value {
            Value::Map(entries) => {
                for (system, level) in entries {
                    let system = r.id(system, "a system id");
                    let level = r.word(
                        level,
                        "access level",
                        AccessLevel::NAMES,
                        AccessLevel::parse,
                    );
                    if let (Some(s), Some(l)) = (system, level) {
                        access.push((s, l));
                    }
                }
            }
            _ => r.error(
                BAD_VALUE,
                a,
                "expected a mapping of system id to access level for `access`",
            ),
        }
    }
    let mut labels = Vec::new();
    if let Some(l) = f.value("labels") {
        match &l.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if let (Some(k), Some(v)) =
                        (r.text(k, "a label name"), r.text(v, "a label value"))
                    {
                        labels.push((k, v));
                    }
                }
            }
            _ => r.error(
                BAD_VALUE,
                l,
                "expected a mapping of label names to values for `labels`",
            ),
        }
    }
    let credential = f
        .value("credential")
        .map(|c| credential(r, c))
        .unwrap_or_default();
    let allow = r.items(f.value("allow"), "`allow`", |r, n| {
        let f = r.fields(n, "a rule's `allow`", ALLOW)?;
        let rule = r
            .required(&f, "rule", "a rule's `allow`")
            .and_then(|n| r.text(n, "`rule`"));
        let reason = r
            .required(&f, "reason", "a rule's `allow`: a suppression says why")
            .and_then(|n| r.text(n, "`reason`"));
        let until = f
            .value("until")
            .and_then(|n| r.date(n, "`until`"))
            .map(|d| d.value.format("%Y-%m-%d").to_string());
        Some(RuleAllow {
            rule: rule?,
            reason: reason?,
            until,
        })
    });
    Some(MappingRule {
        field,
        test,
        owner,
        vendor,
        serves,
        access,
        labels,
        credential,
        allow,
        span: r.span(n),
    })
}

/// A rule's `credential`: the same words and durations as a runbook's.
fn credential(r: &mut Reader, c: &Node) -> Vec<(&'static str, Text)> {
    let Some(f) = r.fields(c, "a rule's `credential`", CREDENTIAL) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(n) = f.value("type")
        && let Some(t) = r.word(
            n,
            "credential type",
            CredentialType::NAMES,
            CredentialType::parse,
        )
    {
        out.push(("type", Text::from(t.as_str())));
    }
    if let Some(n) = f.value("rotation")
        && let Some(d) = r.duration(n, "`rotation`")
    {
        out.push(("rotation", Text::from(d.value.to_string())));
    }
    if let Some(n) = f.value("storage")
        && let Some(s) = r.word(n, "storage", Storage::NAMES, Storage::parse)
    {
        out.push(("storage", Text::from(s.as_str())));
    }
    if let Some(n) = f.value("origin")
        && let Some(o) = r.word(n, "origin", Origin::NAMES, Origin::parse)
    {
        out.push(("origin", Text::from(o.as_str())));
    }
    out
}

/// `match: { field: F, equals | prefix | glob: V }`: exactly one test.
fn test(r: &mut Reader, m: &Node) -> Option<(Spanned<Text>, Test)> {
    let f = r.fields(m, "`match`", MATCH)?;
    let field = r
        .required(&f, "field", "`match`")
        .and_then(|n| r.spanned_text(n, "`field`"));
    let given: Vec<(&str, &Node)> = ["equals", "prefix", "glob"]
        .into_iter()
        .filter_map(|k| f.value(k).map(|n| (k, n)))
        .collect();
    let [(key, node)] = given.as_slice() else {
        r.error_help(
            BAD_VALUE,
            m,
            format!(
                "`match` needs exactly one of `equals`, `prefix` and `glob`, found {}",
                given.len()
            ),
            "write `match: { field: arn, prefix: \"arn:aws:iam::123456789012:user/plant/\" }`",
        );
        return None;
    };
    let value = r.text(node, &format!("`{key}`"))?;
    let test = match *key {
        "equals" => Test::Equals(value),
        "prefix" => Test::Prefix(value),
        _ => Test::Glob(value),
    };
    Some((field?, test))
}
