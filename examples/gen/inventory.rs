//! The `inventory` shape: a plant as an imported inventory looks, where every
//! identity differs. Each identity touches one to three systems drawn from
//! the whole plant and carries one of [`PAIRS`] label pairs (`team`, `app`);
//! a share of the rules select on labels alone.
//!
//! Label rules rank above the kind rules and below the system rules: a
//! `team` rule is limited to the states outside an emergency (one label and
//! `states` beats one kind), an `app` rule names the pair's two labels (two
//! keys beat one), so no two most-specific label rules tie.

use crate::identities::Identity;
use crate::plant::Plant;
use crate::rng::Rng;
use crate::roles::{IT_ONCALL, OT_ENGINEERING, SECURITY_ONCALL, SHIFT_LEAD};
use crate::rules::{Body, CHANGE, NOT_EMERGENCY, Rule, STOP, decide, role};

/// Label pairs: `TEAMS` teams, each with `PAIRS / TEAMS` applications.
pub const PAIRS: usize = 1200;
pub const TEAMS: usize = 40;

/// The labels of pair `p`.
fn pair(p: usize) -> (String, String) {
    (format!("team-{:02}", p % TEAMS), format!("app-{p:04}"))
}

impl Plant {
    /// Identity `i` of the inventory shape: the standard identity (kind,
    /// owner, credential...) moved onto random systems, with one label pair.
    pub fn inventory(&self, mut x: Identity, i: usize) -> Identity {
        let mut rng = Rng::new(self.seed, 0x1E00_0000 + i as u64);
        let level = x.access.first().map_or("default: read", |(_, l)| *l);
        let touches = rng.range(1, 3);
        let mut systems: Vec<usize> = Vec::new();
        while systems.len() < touches {
            let s = rng.below(self.systems.len());
            if !systems.contains(&s) {
                systems.push(s);
            }
        }
        x.serves = match &x.serves {
            Some(list) if !list.is_empty() => Some(vec![systems[0]]),
            other => other.as_ref().map(|_| Vec::new()),
        };
        x.access = systems.into_iter().map(|s| (s, level)).collect();
        let (team, app) = pair(rng.below(PAIRS));
        x.labels = vec![("team", team), ("app", app)];
        x
    }
}

/// `count` label-only rules: one per team first, then one per application.
pub fn label_rules(p: &Plant, count: usize, rules: &mut Vec<Rule>) {
    let chains = [
        [SHIFT_LEAD, SECURITY_ONCALL],
        [OT_ENGINEERING, SHIFT_LEAD],
        [IT_ONCALL, SECURITY_ONCALL],
    ];
    for n in 0..count {
        let chain = chains[n % chains.len()];
        let body = decide(vec![role(p, chain[0], "10m"), role(p, chain[1], "15m")]);
        rules.push(if n < TEAMS {
            let team = format!("team-{n:02}");
            Rule {
                id: format!("label-{team}"),
                matcher: format!("labels: {{ team: {team} }}"),
                states: Some(NOT_EMERGENCY),
                actions: STOP,
                body,
            }
        } else {
            let (team, app) = pair((n - TEAMS) % PAIRS);
            let actions = if n % 2 == 0 { STOP } else { CHANGE };
            Rule {
                id: format!("label-{app}"),
                matcher: format!("labels: {{ team: {team}, app: {app} }}"),
                states: None,
                actions,
                body: match n % 7 {
                    0 => Body::Forbid(format!("{app} is frozen: ask its team first")),
                    _ => body,
                },
            }
        });
    }
}
