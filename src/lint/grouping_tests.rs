//! Lint asks its questions once per class of identities that the rules
//! cannot tell apart; on seeded random plants (every selector key, forbids,
//! ties, uncovered identities) the findings are those of asking for every
//! identity on its own.

use super::{Options, lint};
use crate::engine::Engine;
use crate::engine::classes::PER_IDENTITY;
use crate::engine::random_plant;
use crate::model::WrittenTime;

fn report(rb: &crate::model::Runbook, per_identity: bool) -> (String, usize) {
    PER_IDENTITY.with(|p| p.set(per_identity));
    let engine = Engine::new(rb);
    let classes = engine.classes().len();
    let now = WrittenTime::parse("2026-11-20T09:00")
        .expect("time")
        .instant(rb.plant.timezone.value);
    let report = lint(
        rb,
        &engine,
        &Options {
            now,
            horizon_days: 2,
        },
    );
    PER_IDENTITY.with(|p| p.set(false));
    (
        format!("{:#?}\n{:#?}", report.findings, report.suppressed),
        classes,
    )
}

#[test]
fn grouped_findings_are_those_of_each_identity_alone() {
    let mut fewer = 0;
    for seed in 0..60 {
        let rb = random_plant::runbook(1000 + seed, 50, 20);
        let (grouped, classes) = report(&rb, false);
        let (alone, singletons) = report(&rb, true);
        assert_eq!(singletons, rb.identities.len());
        assert!(!grouped.is_empty());
        assert_eq!(grouped, alone, "seed {}", 1000 + seed);
        fewer += usize::from(classes < singletons);
    }
    // The comparison means something only where classes group identities.
    assert!(
        fewer > 30,
        "only {fewer} plants had fewer classes than identities"
    );
}
