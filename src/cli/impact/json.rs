//! `--format json`: the report as it is built.

use super::Reach;
use crate::cli::output::{Render, json_text};
use anyhow::Result;

pub struct Json;

impl Render<Reach<'_>> for Json {
    fn render(&self, reach: &Reach) -> Result<String> {
        json_text(reach.report)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
