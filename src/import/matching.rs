//! A source record, the rules of a mapping applied to it, and the id
//! pattern filled from its fields.

use crate::model::{AccessLevel, Ref, Spanned, Text};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One record of an export: field name to value, as the source gives them
/// (`user`, `arn`, `safeName`, ...), after the source's own sentinels
/// (`N/A`, `no_information`) have been dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Field names are mostly the source's own constants: those are not
    /// copied for each of 100,000 records.
    pub fields: BTreeMap<Cow<'static, str>, String>,
}

impl Record {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// With `field` (a name made at run time, such as `label:KEY`) set.
    pub fn with(mut self, field: &str, value: &str) -> Record {
        self.fields
            .insert(Cow::Owned(field.to_owned()), value.to_owned());
        self
    }

    /// With the field `field`, a name known at compile time, set.
    pub fn set(mut self, field: &'static str, value: &str) -> Record {
        self.fields.insert(Cow::Borrowed(field), value.to_owned());
        self
    }
}

/// One suppression a mapping rule gives its identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleAllow {
    pub rule: Text,
    pub reason: Text,
    /// `YYYY-MM-DD`, the last day it applies.
    pub until: Option<String>,
}

/// How a rule tests one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The whole value, exactly.
    Equals(Text),
    /// The value starts with this text.
    Prefix(Text),
    /// A shell-style pattern over the whole value: `*` any run of
    /// characters (`/` included), `?` one character.
    Glob(Text),
}

impl Test {
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Test::Equals(v) => value == v.as_str(),
            Test::Prefix(p) => value.starts_with(p.as_str()),
            Test::Glob(g) => glob_match(g, value),
        }
    }
}

/// Whether `value` matches the glob `pattern` as a whole (`*`, `?`; every
/// other character stands for itself). Linear backtracking over the last
/// `*`: no pattern makes it exponential.
pub fn glob_match(pattern: &str, value: &str) -> bool {
    if pattern.is_ascii() && value.is_ascii() {
        // The common case, without collecting characters.
        return glob(pattern.as_bytes(), value.as_bytes(), b'*', b'?');
    }
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    glob(&p, &v, '*', '?')
}

fn glob<T: PartialEq + Copy>(p: &[T], v: &[T], any: T, one: T) -> bool {
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        match p.get(pi) {
            Some(&c) if c == any => {
                star = Some((pi, vi));
                pi += 1;
            }
            Some(&c) if c == one || c == v[vi] => {
                pi += 1;
                vi += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == any)
}

/// What a mapping's rules assign to one record; `matched` is false when no
/// rule matched it (an unclassified record).
#[derive(Debug, Clone, Default)]
pub struct Assigned {
    pub matched: bool,
    pub owner: Option<Ref>,
    pub vendor: Option<Spanned<Text>>,
    pub serves: Vec<Ref>,
    pub access: Vec<(Ref, AccessLevel)>,
    pub labels: BTreeMap<Text, Text>,
    /// `type`, `rotation`, `storage`, `origin` of the credential.
    pub credential: BTreeMap<&'static str, Text>,
    /// Lint suppressions, one per rule code.
    pub allow: Vec<RuleAllow>,
}

/// The id `pattern` names for `record`: each `{field}` replaced by that
/// field's value, whitespace turned into `-`. An unknown or empty field is
/// an error naming it (the record cannot be given a stable id).
pub fn expand_id(pattern: &str, record: &Record) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("`{{` without `}}` in the id pattern `{pattern}`"));
        };
        let field = &after[..close];
        match record.get(field).filter(|v| !v.is_empty()) {
            Some(value) => out.extend(
                value
                    .chars()
                    .map(|c| if c.is_whitespace() { '-' } else { c }),
            ),
            None => {
                return Err(format!(
                    "the record has no field `{field}` for the id pattern"
                ));
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.is_empty() {
        return Err(format!("the id pattern `{pattern}` gives an empty id"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_matches_the_whole_value_with_star_and_question_mark() {
        assert!(glob_match(
            "arn:aws:iam::*:user/plant/line3/*",
            "arn:aws:iam::1:user/plant/line3/scada"
        ));
        assert!(!glob_match(
            "arn:aws:iam::*:user/plant/line3/*",
            "arn:aws:iam::1:user/plant/line4/x"
        ));
        assert!(glob_match("svc-??", "svc-01"));
        assert!(!glob_match("svc-??", "svc-1"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a", "ab"), "the whole value, not a prefix");
        assert!(glob_match("*a*b*c*", "xxaxxbxxc"));
        // Many stars against a long near-miss end quickly (no exponential backtracking).
        assert!(!glob_match(&"*a".repeat(50), &"a".repeat(49)));
    }

    #[test]
    fn tests_compare_exact_prefix_and_glob() {
        assert!(Test::Equals("a".into()).matches("a"));
        assert!(!Test::Equals("a".into()).matches("ab"));
        assert!(Test::Prefix("/plant/".into()).matches("/plant/line3/"));
        assert!(!Test::Prefix("/plant/".into()).matches("/"));
    }

    #[test]
    fn an_id_pattern_is_filled_from_fields_and_names_a_missing_one() {
        let r = Record::default()
            .with("user", "scada historian")
            .with("n", "1");
        assert_eq!(
            expand_id("aws-{user}-key{n}", &r).unwrap(),
            "aws-scada-historian-key1"
        );
        assert_eq!(
            expand_id("aws-{arn}", &r).unwrap_err(),
            "the record has no field `arn` for the id pattern"
        );
        assert!(expand_id("aws-{user", &r).is_err());
    }
}
