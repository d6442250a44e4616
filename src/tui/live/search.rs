//! Fuzzy search over identities by id, name, kind, systems and vendor
//! (nucleo-matcher, the matcher of the helix editor: about 8x faster than
//! skim's on our lists). Each identity's text is built once; a query that
//! extends the previous one only re-scores the previous matches, so typing
//! stays fast on a 100,000-identity plant.
//!
//! Results come in tiers, then by fuzzy score: the identity whose id is
//! the query; ids that start with it; ids or names that contain it; ids or
//! names that match it fuzzily; last, identities found only through their
//! kind, systems or vendor. "filler" puts `svc-mes-filler` above every
//! identity that merely serves the filler.

use crate::model::Runbook;
use nucleo_matcher::{Config, Matcher, Utf32String};

/// How many of the best matches are kept in order to show and scroll.
pub const SHOWN: usize = 1_000;

/// The search box and its results.
pub struct Search {
    pub query: String,
    /// Identity indices, best match first, at most [`SHOWN`]; the first
    /// identities when the query is empty.
    pub results: Vec<usize>,
    /// How many identities match (all of them when the query is empty).
    pub matched: usize,
    /// Every identity that matches the query, in runbook order: the pool
    /// the next, longer query narrows.
    pool: Vec<usize>,
    /// Index into `results`.
    pub selected: usize,
    /// The text each identity is matched on.
    haystacks: Vec<Utf32String>,
    /// Its id and name alone, lowercase, for the first tiers.
    names: Vec<Names>,
    /// The query `results` were computed for, to narrow on the next key.
    last: String,
    matcher: Matcher,
}

/// An identity's id and name, for ranking.
struct Names {
    id: String,
    /// The id and the name, space-separated, lowercase.
    text: String,
    /// The same, for the fuzzy matcher.
    both: Utf32String,
}

/// How well an identity matches, best first (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact,
    Prefix,
    Contains,
    Fuzzy,
    Elsewhere,
}

impl Search {
    pub fn new(runbook: &Runbook) -> Search {
        let names = (runbook.identities.iter())
            .map(|i| {
                let mut both = i.id.value.to_string();
                if let Some(name) = i.name.as_deref() {
                    both.push(' ');
                    both.push_str(name);
                }
                let text = both.to_lowercase();
                Names {
                    id: i.id.value.to_lowercase(),
                    both: Utf32String::from(text.as_str()),
                    text,
                }
            })
            .collect();
        let haystacks = runbook
            .identities
            .iter()
            .map(|i| {
                let mut text = format!("{} {}", i.id.value, i.kind.value);
                for part in [i.name.as_deref(), i.vendor.as_ref().map(|v| &*v.value)]
                    .into_iter()
                    .flatten()
                {
                    text.push(' ');
                    text.push_str(part);
                }
                for access in &i.access {
                    text.push(' ');
                    text.push_str(&access.system.value);
                }
                Utf32String::from(text.as_str())
            })
            .collect::<Vec<_>>();
        Search {
            query: String::new(),
            results: (0..haystacks.len().min(SHOWN)).collect(),
            matched: haystacks.len(),
            pool: (0..haystacks.len()).collect(),
            selected: 0,
            haystacks,
            names,
            last: String::new(),
            matcher: Matcher::new(matcher_config()),
        }
    }

    /// The identity under the cursor.
    pub fn current(&self) -> Option<usize> {
        self.results.get(self.selected).copied()
    }

    /// Sets the query and recomputes the results.
    pub fn set_query(&mut self, query: String) {
        self.query = query;
        self.refresh();
    }

    fn refresh(&mut self) {
        self.selected = 0;
        let all = self.haystacks.len();
        if self.query.trim().is_empty() {
            self.pool = (0..all).collect();
            self.matched = all;
            self.results = (0..all.min(SHOWN)).collect();
            self.last.clear();
            return;
        }
        // Every match of `abc` matches `ab`: narrow the previous matches
        // when the query only grew.
        let narrowing = !self.last.is_empty() && self.query.starts_with(&self.last);
        let pool: Vec<usize> = if narrowing {
            std::mem::take(&mut self.pool)
        } else {
            (0..all).collect()
        };
        let words: Vec<Utf32String> = self
            .query
            .split_whitespace()
            .map(|w| Utf32String::from(w.to_lowercase().as_str()))
            .collect();
        let haystacks = &self.haystacks;
        let scored: Vec<(u32, usize)> = pool
            .into_iter()
            .filter_map(|i| {
                score(&mut self.matcher, &words, haystacks[i].slice(..)).map(|s| (s, i))
            })
            .collect();
        self.pool = scored.iter().map(|&(_, i)| i).collect();
        self.matched = scored.len();
        let query = self.query.trim().to_lowercase();
        let (names, matcher) = (&self.names, &mut self.matcher);
        let mut ranked: Vec<(Tier, u32, usize)> = scored
            .into_iter()
            .map(|(s, i)| (tier(matcher, &names[i], &query, &words), s, i))
            .collect();
        // Best tier, then best score, equal ones in runbook order; only the
        // best SHOWN are sorted (a screen shows twenty).
        let best = |a: &(Tier, u32, usize), b: &(Tier, u32, usize)| {
            a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
        };
        if ranked.len() > SHOWN {
            ranked.select_nth_unstable_by(SHOWN, best);
            ranked.truncate(SHOWN);
        }
        ranked.sort_unstable_by(best);
        self.results = ranked.into_iter().map(|(_, _, i)| i).collect();
        self.last.clone_from(&self.query);
    }

    /// Moves the cursor by `delta`, staying in the list.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = step(self.selected, delta, self.results.len());
    }
}

/// The score of `haystack` for every word of the query (each must match,
/// in any order), or `None`. The greedy matcher: about three times faster
/// than the optimal one on long texts, and the ranking a responder sees
/// differs little.
fn score(
    matcher: &mut Matcher,
    words: &[Utf32String],
    haystack: nucleo_matcher::Utf32Str,
) -> Option<u32> {
    let mut total = 0;
    for word in words {
        total += u32::from(matcher.fuzzy_match_greedy(haystack, word.slice(..))?);
    }
    Some(total)
}

/// The tier of an identity that matches `words` somewhere; `query` is
/// the whole query, trimmed and lowercase.
fn tier(matcher: &mut Matcher, names: &Names, query: &str, words: &[Utf32String]) -> Tier {
    if names.id == query {
        Tier::Exact
    } else if names.id.starts_with(query) {
        Tier::Prefix
    } else if names.text.contains(query) {
        Tier::Contains
    } else if score(matcher, words, names.both.slice(..)).is_some() {
        Tier::Fuzzy
    } else {
        Tier::Elsewhere
    }
}

/// Case and accents ignored (`lefevre` finds `Lefèvre`).
fn matcher_config() -> Config {
    let mut config = Config::DEFAULT;
    config.ignore_case = true;
    config.normalize = true;
    config
}

/// `at` moved by `delta` within `0..len`.
pub fn step(at: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    at.saturating_add_signed(delta).min(len - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;
    use std::path::Path;

    fn shipped() -> Runbook {
        load(Path::new("runbooks/lyon-packaging")).unwrap()
    }

    fn ids(rb: &Runbook, s: &Search) -> Vec<String> {
        s.results
            .iter()
            .map(|&i| rb.identities[i].id.value.to_string())
            .collect()
    }

    #[test]
    fn finds_by_part_of_the_id_the_vendor_the_kind_or_a_system() {
        let rb = shipped();
        let mut s = Search::new(&rb);
        s.set_query("acme".into());
        assert_eq!(ids(&rb, &s)[0], "vendor-acme-remote");
        s.set_query("vndr acm".into());
        assert_eq!(ids(&rb, &s)[0], "vendor-acme-remote");
        s.set_query("ai-agent".into());
        let found = ids(&rb, &s);
        assert!(found.contains(&"ai-maint-agent".to_owned()), "{found:?}");
        s.set_query("plc-l3".into());
        assert!(ids(&rb, &s).contains(&"plc-l3-eng-shared".to_owned()));
        // Words in any order, case and accents ignored.
        s.set_query("SYSTEMES integra".into());
        assert_eq!(ids(&rb, &s)[0], "vendor-integra-mes");
    }

    #[test]
    fn narrowing_gives_the_same_results_as_searching_afresh() {
        let rb = shipped();
        let mut typed = Search::new(&rb);
        for end in 1..="histo".len() {
            typed.set_query("histo"[..end].to_owned());
        }
        let mut fresh = Search::new(&rb);
        fresh.set_query("histo".into());
        assert_eq!(typed.results, fresh.results);
        assert!(!typed.results.is_empty());
        // Deleting a character searches everything again.
        typed.set_query("hist".into());
        fresh.set_query("hist".into());
        assert_eq!(typed.results, fresh.results);
    }

    #[test]
    fn an_empty_query_lists_everything_and_nonsense_lists_nothing() {
        let rb = shipped();
        let mut s = Search::new(&rb);
        assert_eq!(s.results.len(), rb.identities.len());
        assert_eq!(s.matched, rb.identities.len());
        s.set_query("zzzzqqq".into());
        assert!(s.results.is_empty());
        assert_eq!(s.current(), None);
        s.move_by(3);
        assert_eq!(s.selected, 0);
    }

    /// The base plant of the lint tests, with `identities`.
    fn plant(identities: &str) -> Runbook {
        let dir = tempfile::tempdir().unwrap();
        let base = include_str!("../../../tests/fixtures/base-plant.yaml");
        std::fs::write(dir.path().join("00.yaml"), base).unwrap();
        let systems =
            "systems:\n  - { id: filler-2, name: Filler 2, zone: ot, criticality: high }\n";
        std::fs::write(dir.path().join("10.yaml"), format!("{systems}{identities}")).unwrap();
        load(dir.path()).unwrap()
    }

    #[test]
    fn id_and_name_matches_rank_above_matches_only_in_systems_exact_and_prefix_first() {
        // Listed so that runbook order would give the wrong answer.
        let rb = plant(
            "identities:
  - { id: robot-cell-2, kind: service-account, access: { filler-2: { default: write } } }
  - { id: hmi-panel-4, name: Filler HMI, kind: service-account }
  - { id: svc-mes-filler, kind: service-account, access: { mes: { default: read } } }
  - { id: fi-ller-thing, kind: api-key }
  - { id: filler-plc-key, kind: plc-credential }
  - { id: filler, kind: service-account }
",
        );
        let mut s = Search::new(&rb);
        s.set_query("filler".into());
        assert_eq!(
            ids(&rb, &s),
            [
                "filler",         // the id is the query
                "filler-plc-key", // the id starts with it
                "hmi-panel-4",    // contained in the name (runbook order among equals)
                "svc-mes-filler", // contained in the id
                "fi-ller-thing",  // a fuzzy match of the id
                "robot-cell-2",   // found only through the system it reaches
            ]
        );
        // Case does not matter for the tiers either.
        s.set_query("FILLER-P".into());
        assert_eq!(ids(&rb, &s)[0], "filler-plc-key");
    }
}
