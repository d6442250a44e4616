//! `--format json`: the report as it is built.

use super::Impact;
use crate::cli::output::{Render, json_text};
use anyhow::Result;

pub struct Json;

impl Render<Impact<'_>> for Json {
    fn render(&self, impact: &Impact) -> Result<String> {
        json_text(impact.report)
    }

    fn escaped_on_print(&self) -> bool {
        false
    }
}
