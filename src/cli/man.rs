//! `andon man [DIR]`: one man page per command (`andon.1`, `andon-who.1`,
//! `andon-drill-run.1`, ...), generated from the clap definitions
//! (clap_mangen), so the pages say what the binary does. Written through
//! `fsio` (atomically, never through a planted link); the pages carry no
//! date, so two runs write the same bytes.

use anyhow::{Context as _, Result};
use clap::CommandFactory as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// The folder to write the pages into; created if missing
    #[arg(default_value = "man")]
    dir: PathBuf,
}

pub fn man(args: &ManArgs) -> Result<ExitCode> {
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, &[], &mut pages)?;
    let shown = args
        .dir
        .display()
        .to_string()
        .replace(char::is_control, "?");
    crate::fsio::create_folders(&args.dir).with_context(|| format!("cannot create `{shown}`"))?;
    for (name, page) in &pages {
        crate::fsio::write_atomically(&args.dir.join(name), page)
            .with_context(|| format!("cannot write `{shown}/{name}`"))?;
    }
    println!("wrote {} man pages to {shown}", pages.len());
    Ok(ExitCode::SUCCESS)
}

/// The page of `command` and of each of its subcommands, depth first;
/// `parents` are the pages above it, for SEE ALSO.
fn collect(
    command: &clap::Command,
    parents: &[String],
    pages: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_owned();
    let man = clap_mangen::Man::new(command.clone())
        .manual("andon")
        .source(concat!("andon ", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render(&mut page)?;
    let subcommands: Vec<String> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| {
            s.get_display_name()
                .unwrap_or_else(|| s.get_name())
                .to_owned()
        })
        .collect();
    let related: Vec<String> = parents
        .iter()
        .chain(&subcommands)
        .map(|p| format!("\\fB{p}\\fR(1)"))
        .collect();
    if !related.is_empty() {
        page.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", related.join(", ")).as_bytes());
    }
    pages.push((format!("{name}.1"), page));
    let mut above = parents.to_vec();
    above.push(name);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, &above, pages)?;
    }
    Ok(())
}
