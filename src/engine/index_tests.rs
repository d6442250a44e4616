//! The rule index and the classes against the plain definition: on seeded
//! random plants where every selector key is used, the index's candidates
//! are those of a scan of every rule, and every identity of a class has the
//! class's candidates.

use super::Engine;
use super::authority::RuleIndex;
use super::random_plant;
use crate::model::Action;

const SEEDS: u64 = 150;

#[test]
fn indexed_candidates_are_those_of_a_scan_of_every_rule() {
    for seed in 0..SEEDS {
        let rb = random_plant::runbook(seed, 40, 30);
        let engine = Engine::new(&rb);
        for (i, identity) in rb.identities.iter().enumerate() {
            for state in ["normal", "maint", "emergency", "elsewhere"] {
                for action in Action::ALL.iter().copied() {
                    assert_eq!(
                        engine.candidates(i, action, state),
                        RuleIndex::scan(&rb, identity, action, state),
                        "seed {seed}, {}, {action}, {state}",
                        identity.id.value
                    );
                }
            }
        }
    }
}

#[test]
fn label_rules_are_indexed_and_resolve_as_before() {
    // A rule on labels alone is found through the index, not the scan list.
    let rb = random_plant::runbook(7, 40, 30);
    let index = RuleIndex::build(&rb);
    let general = index.general_len();
    let label_only = rb
        .rules
        .iter()
        .filter(|r| {
            let s = &r.selector;
            s.identity.is_none() && s.system.is_none() && s.kind.is_none() && !s.labels.is_empty()
        })
        .count();
    assert!(label_only > 0, "the plant has rules on labels alone");
    let unindexed = rb
        .rules
        .iter()
        .filter(|r| {
            let s = &r.selector;
            s.identity.is_none()
                && s.system.is_none()
                && s.kind.is_none()
                && s.labels.is_empty()
                && s.vendor.is_none()
        })
        .count();
    assert_eq!(general, unindexed);
}

#[test]
fn every_identity_of_a_class_has_the_class_candidates() {
    for seed in 0..SEEDS {
        let rb = random_plant::runbook(seed, 60, 25);
        let engine = Engine::new(&rb);
        let classes = engine.classes();
        let mut seen = vec![0; rb.identities.len()];
        for class in classes {
            assert!(
                class.identities.windows(2).all(|w| w[0] < w[1]),
                "in runbook order"
            );
            for &i in &class.identities {
                seen[i] += 1;
                let identity = &rb.identities[i];
                assert_eq!(
                    class.vendor_session,
                    identity.kind.value == crate::model::IdentityKind::VendorSession
                );
                for state in ["normal", "maint", "emergency"] {
                    for action in Action::ON_IDENTITIES {
                        assert_eq!(
                            class.candidates(&rb, action, state),
                            RuleIndex::scan(&rb, identity, action, state),
                            "seed {seed}, {}, {action}, {state}",
                            identity.id.value
                        );
                    }
                }
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "each identity in one class");
        // Classes are fewer than identities: rules do not tell them all apart.
        assert!(classes.len() <= rb.identities.len());
    }
}
