//! A re-import: the entries of the new export merged with those of the
//! file written last time, and the report of what changed.
//!
//! - an id only in the new export is **new**;
//! - an id in both whose fields differ is **changed**, field by field with
//!   the value before and after (`last_rotated` is a rotation, `expires`
//!   an expiry, `last_used` a use; the rest come from the mapping);
//! - an id only in the old file has **disappeared** from the source: it is
//!   kept, marked with the label `import-missing-since: DATE` (the date of
//!   the first import that missed it, kept on later ones) until a person
//!   removes it, and reported; one that comes back loses the mark.

use super::generate::{Entry, MISSING_LABEL};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One field of an identity that differs between two imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The runbook field: `last_rotated`, `expires`, `last_used`, `owner`, ...
    pub field: String,
    /// What the change means: `rotated`, `expiry`, `used`, `mapping`.
    pub what: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An identity whose fields changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub id: String,
    pub changes: Vec<FieldChange>,
}

/// An identity no longer in the source, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub id: String,
    pub since: String,
}

/// What a re-import found, beside the merged entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Merge {
    pub new: Vec<String>,
    pub changed: Vec<Changed>,
    /// Disappeared from the source with this import.
    pub disappeared: Vec<Missing>,
    /// Missing already at an earlier import, still missing.
    pub still_missing: Vec<Missing>,
    /// Missing at an earlier import, back in the source now.
    pub back: Vec<String>,
    pub unchanged: usize,
}

impl Merge {
    /// Whether the import changes nothing in the file's identities.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.changed.is_empty()
            && self.disappeared.is_empty()
            && self.back.is_empty()
    }
}

/// Merges `new` (this export) with `old` (the file as written last time):
/// the entries to write, and the report. `dropped` are ids left out on
/// purpose (a hand-written identity wins): not reported as missing.
pub fn merge(
    old: &BTreeMap<String, Entry>,
    mut new: BTreeMap<String, Entry>,
    dropped: &BTreeSet<String>,
    today: &str,
) -> (BTreeMap<String, Entry>, Merge) {
    let mut report = Merge::default();
    for (id, entry) in &new {
        match old.get(id) {
            None => report.new.push(id.clone()),
            Some(before) => {
                let mut before = before.clone();
                if before.labels.remove(MISSING_LABEL).is_some() {
                    report.back.push(id.clone());
                }
                let changes = compare(&before, entry);
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.changed.push(Changed {
                        id: id.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for (id, before) in old {
        if new.contains_key(id) || dropped.contains(id) {
            continue;
        }
        let mut kept = before.clone();
        match before.label(MISSING_LABEL) {
            Some(since) => report.still_missing.push(Missing {
                id: id.clone(),
                since: since.to_owned(),
            }),
            None => {
                kept.labels.insert(MISSING_LABEL.into(), today.into());
                report.disappeared.push(Missing {
                    id: id.clone(),
                    since: today.to_owned(),
                });
            }
        }
        new.insert(id.clone(), kept);
    }
    (new, report)
}

fn compare(before: &Entry, after: &Entry) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |name: &str, what: &'static str, b: Option<String>, a: Option<String>| {
        if b != a {
            out.push(FieldChange {
                field: name.to_owned(),
                what,
                before: b,
                after: a,
            });
        }
    };
    let own = |s: Option<&str>| s.map(str::to_owned);
    field(
        "last_rotated",
        "rotated",
        own(before.last_rotated()),
        own(after.last_rotated()),
    );
    field(
        "expires",
        "expiry",
        own(before.expires()),
        own(after.expires()),
    );
    field(
        "last_used",
        "used",
        before.last_used.clone(),
        after.last_used.clone(),
    );
    field(
        "kind",
        "mapping",
        Some(before.kind.clone()),
        Some(after.kind.clone()),
    );
    field(
        "owner",
        "mapping",
        before.owner.clone(),
        after.owner.clone(),
    );
    field(
        "vendor",
        "mapping",
        before.vendor.clone(),
        after.vendor.clone(),
    );
    let listed = |m: &BTreeMap<String, String>| {
        (!m.is_empty()).then(|| {
            m.iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    field(
        "access",
        "mapping",
        listed(&before.access),
        listed(&after.access),
    );
    field(
        "serves",
        "mapping",
        before.serves.as_ref().map(|s| s.join(", ")),
        after.serves.as_ref().map(|s| s.join(", ")),
    );
    type Part = fn(&super::generate::EntryCredential) -> &Option<String>;
    let parts: [(&str, Part); 4] = [
        ("type", |c| &c.kind),
        ("rotation", |c| &c.rotation),
        ("storage", |c| &c.storage),
        ("origin", |c| &c.origin),
    ];
    for (name, part) in parts {
        let get = |e: &Entry| e.credential.as_ref().and_then(|c| part(c).clone());
        field(
            &format!("credential.{name}"),
            "mapping",
            get(before),
            get(after),
        );
    }
    field(
        "labels",
        "mapping",
        listed(&before.labels),
        listed(&after.labels),
    );
    let allowed = |e: &Entry| {
        e.lint.as_ref().map(|l| {
            l.allow
                .iter()
                .map(|a| format!("{} ({})", a.rule, a.reason))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    field("lint.allow", "mapping", allowed(before), allowed(after));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::generate::EntryCredential;

    fn entry(id: &str, rotated: &str) -> Entry {
        Entry {
            id: id.into(),
            kind: "api-key".into(),
            credential: Some(EntryCredential {
                last_rotated: Some(rotated.into()),
                ..EntryCredential::default()
            }),
            ..Entry::default()
        }
    }

    fn by_id(entries: &[Entry]) -> BTreeMap<String, Entry> {
        entries.iter().map(|e| (e.id.clone(), e.clone())).collect()
    }

    #[test]
    fn new_changed_and_disappeared_are_told_apart_and_the_missing_one_is_kept_marked() {
        let old = by_id(&[entry("a", "2026-01-01"), entry("b", "2026-01-01")]);
        let new = by_id(&[entry("a", "2026-06-01"), entry("c", "2026-06-01")]);
        let (merged, report) = merge(&old, new, &BTreeSet::new(), "2026-12-04");
        assert_eq!(report.new, ["c"]);
        assert_eq!(report.changed.len(), 1);
        let change = &report.changed[0].changes[0];
        assert_eq!(
            (
                change.what,
                change.before.as_deref(),
                change.after.as_deref()
            ),
            ("rotated", Some("2026-01-01"), Some("2026-06-01"))
        );
        assert_eq!(report.disappeared[0].id, "b");
        assert_eq!(merged["b"].label(MISSING_LABEL), Some("2026-12-04"));
        // The next import that still misses it keeps the first date.
        let new = by_id(&[entry("a", "2026-06-01"), entry("c", "2026-06-01")]);
        let (again, report) = merge(&merged, new, &BTreeSet::new(), "2026-12-05");
        assert_eq!(again, merged);
        assert!(report.is_empty());
        assert_eq!(report.still_missing[0].since, "2026-12-04");
        // Back in the source: the mark goes.
        let new = by_id(&[entry("b", "2026-01-01")]);
        let (back, report) = merge(&merged, new, &BTreeSet::new(), "2026-12-06");
        assert_eq!(report.back, ["b"]);
        assert_eq!(back["b"].label(MISSING_LABEL), None);
    }
}
