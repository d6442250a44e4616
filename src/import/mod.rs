//! `andon import`: identity-inventory exports (a cloud credential report, a
//! PAM vault's account list) become runbook identities.
//!
//! A plant says how in a mapping file ([`mapping`]): per source, the id
//! pattern and kind of the identities, and rules that assign `owner`,
//! `serves`, `access`, `labels` and `vendor` to the records they match
//! ([`matching`]). The mapping is `import.yaml` at the root of the runbook
//! directory ([`crate::load::MAPPING_FILE`]), which the loader skips.
//!
//! Layer: above `load` (it reads with the loader's located reader), below
//! `lint` (whose import rules read what this module writes).

pub mod aws;
pub mod cyberark;
pub mod entra;
pub mod generate;
pub mod github;
pub mod gitlab;
mod json;
pub mod kubernetes;
pub mod mapping;
pub mod matching;
pub mod reimport;
mod rule;
pub mod table;
pub mod vault;

pub use mapping::{Mapping, MappingRule, SourceMapping, load_mapping, mapping_from_str};
pub use matching::{Assigned, Record, RuleAllow, Test, expand_id, glob_match};

/// The sources `andon import` knows, as named on its command line and in a
/// mapping's `sources`.
pub const SOURCES: &[&str] = &[
    "aws-credential-report",
    "cyberark",
    "entra",
    "kubernetes",
    "vault",
    "github",
    "gitlab",
    "csv",
];

/// Reads an export of `source` into records; the error names the line
/// (and column where the format has one) of what is wrong.
pub fn read_records(
    source: &str,
    bytes: &[u8],
    mapping: Option<&SourceMapping>,
) -> Result<Vec<Record>, String> {
    match source {
        "aws-credential-report" => aws::read_report(bytes).map_err(|e| e.to_string()),
        "cyberark" => cyberark::read_accounts(bytes),
        "entra" => entra::read_principals(bytes),
        "kubernetes" => kubernetes::read_list(bytes),
        "vault" => vault::read_lookups(bytes),
        "github" => github::read_github(bytes),
        "gitlab" => gitlab::read_gitlab(bytes),
        "csv" => table::read_table(bytes, mapping.map_or(&[], |m| m.columns.as_slice())),
        other => Err(format!("unknown source `{other}`")),
    }
}
