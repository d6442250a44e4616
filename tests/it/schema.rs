//! `andon schema`: the JSON Schema of the format accepts what the loader
//! accepts (the shipped and example runbooks) and rejects what it rejects.

use super::harness::{Andon, root};
use std::path::Path;

fn validator() -> jsonschema::Validator {
    let run = Andon::new().args(["schema"]).run().success();
    let schema: serde_json::Value =
        serde_json::from_str(&run.stdout()).expect("the schema is JSON");
    jsonschema::draft7::new(&schema).expect("the schema is a valid draft-07 schema")
}

/// A YAML file as the JSON value an editor's language server would check.
fn as_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("YAML")
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml")
            && path.file_name().is_some_and(|n| n != "import.yaml")
        {
            // (`import.yaml` at a runbook's root is the import mapping.)
            out.push(path);
        }
    }
    out
}

#[test]
fn every_shipped_and_example_runbook_file_validates_against_the_schema() {
    let validator = validator();
    let files = yaml_files(&root().join("runbooks"));
    assert!(files.len() >= 10, "only {} runbook files", files.len());
    for file in files {
        let value = as_json(&std::fs::read_to_string(&file).expect("read"));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            file.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let validator = validator();
    for bad in [
        "andon: 2\n",
        "identities:\n  - { id: x, kind: api-key, ownr: ops }\n",
        "identities:\n  - { id: x, kind: api-keys }\n",
        "identities:\n  - { id: v, kind: vendor-session }\n",
        "states:\n  - { id: default }\n",
        "authority:\n  - { id: r, actions: [pause], decide: [{ role: a }], forbid: no }\n",
        "authority:\n  - { id: r, actions: [pause] }\n",
        "authority:\n  - { id: r, actions: [declare], decide: [{ role: a }] }\n",
        "roles:\n  - { id: r, after: 10x }\n",
        "systems:\n  - { id: s, criticality: severe }\n",
    ] {
        assert!(
            !validator.is_valid(&as_json(bad)),
            "the schema accepts:\n{bad}"
        );
    }
}
