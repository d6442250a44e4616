//! `andon explain CODE`: the catalogue entry of a rule, as the real binary
//! prints it.

use super::harness::Andon;

#[test]
fn explain_ven002_prints_rationale_both_examples_and_the_mapping() {
    let info = andon::lint::rule("VEN002")
        .expect("VEN002 is in the catalogue")
        .info();
    let run = Andon::new()
        .args(["explain", "VEN002"])
        .run()
        .success()
        .stdout_has("VEN002 vendor-no-disconnect (error)")
        .stdout_has(info.rationale)
        .stdout_has(&format!("Mapping: {}", info.mapping.join(", ")))
        .stdout_has("Fires on:")
        .stdout_has("Does not fire on:");
    let out = run.stdout();
    for (what, example) in [("fires", info.fires), ("passes", info.passes)] {
        for line in example.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                out.contains(&format!("    {line}\n")),
                "{what} example line {line:?} missing:\n{out}"
            );
        }
    }
    for id in ["SR 2.6", "RS.MI-01", "T0822"] {
        assert!(out.contains(id), "mapping lacks {id}");
    }
}

#[test]
fn explain_takes_a_code_in_any_case() {
    let upper = Andon::new()
        .args(["explain", "VEN002"])
        .run()
        .success()
        .stdout();
    let lower = Andon::new()
        .args(["explain", "ven002"])
        .run()
        .success()
        .stdout();
    assert_eq!(upper, lower);
}

#[test]
fn every_rule_of_the_catalogue_can_be_explained() {
    for rule in andon::lint::all_rules() {
        let info = rule.info();
        Andon::new()
            .args(["explain", info.code])
            .run()
            .success()
            .stdout_has(&format!("{} {}", info.code, info.name))
            .stdout_has(info.rationale);
    }
}

#[test]
fn an_unknown_code_exits_2_with_the_nearest_code() {
    Andon::new()
        .args(["explain", "VEN02"])
        .run()
        .fails(2)
        .stderr_has("unknown rule `VEN02`; did you mean `VEN002`?");
    Andon::new()
        .args(["explain", "NOPE999"])
        .run()
        .fails(2)
        .stderr_has("unknown rule `NOPE999`");
}

#[test]
fn explain_without_a_code_is_misuse() {
    Andon::new().args(["explain"]).run().fails(2);
}

#[test]
fn explain_in_json_is_the_catalogue_entry() {
    let json = Andon::new()
        .args(["explain", "gr010", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(json["code"], "GR010");
    assert_eq!(json["name"], "two-person-alone");
    assert_eq!(json["severity"], "warning");
    assert_eq!(json["stage"], "lint");
    assert!(
        json["fires"]
            .as_str()
            .is_some_and(|f| f.contains("two_person: true"))
    );
    assert_eq!(json["mapping"][0], "PR.AA-05");
}
