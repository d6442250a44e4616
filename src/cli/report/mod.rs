//! `andon report RUNBOOK --html OUT`: the authority map for an auditor, one
//! self-contained HTML file. The runbook's name, content hash and horizon;
//! the coverage matrix as a heat map; each role's on-call timeline with its
//! gaps; the escalation graph; every identity with its lint findings and
//! accepted risks. It is computed by the code `andon coverage`, `andon
//! oncall`, `andon graph` and `andon lint` use, so it never disagrees with
//! them, and with `--from` the same runbook gives the same bytes.

mod graph;
mod matrix;
mod timeline;

use crate::engine::Engine;
use crate::engine::horizon::{Coverage, Horizon};
use crate::lint::{self, Diagnostic, Options, Suppressed};
use crate::load;
use crate::log::report::html::{self, esc};
use crate::model::Runbook;
use crate::model::clock::day_time;
use anyhow::{Context as _, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The runbook (file or directory)
    runbook: PathBuf,
    /// The HTML file to write (replaced atomically; a link there is refused)
    #[arg(long, value_name = "OUT")]
    html: PathBuf,
    /// Start of the horizon and the date lint judges at, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    from: Option<String>,
    /// Days of on-call schedule to walk
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=31))]
    days: u32,
}

pub fn report(args: &ReportArgs) -> Result<ExitCode> {
    let runbook = load::load(&args.runbook)?;
    let (from, to) = super::horizon(&runbook, args.from.as_deref(), args.days)?;
    let engine = Engine::new(&runbook);
    let coverage = Coverage::build(&engine, from, to);
    let horizon = Horizon::new(&engine, from, to);
    let linted = lint::lint(
        &runbook,
        &engine,
        &Options {
            now: from,
            horizon_days: args.days,
        },
    );
    let plant = runbook
        .plant
        .name
        .as_deref()
        .unwrap_or(&runbook.plant.id.value);
    let mut body = header(&runbook, args, &day_time(from), &day_time(to));
    body.push_str(&matrix::section(&runbook, &coverage));
    body.push_str(&timeline::section(&horizon));
    body.push_str(&graph::section(
        &runbook,
        &engine.graphs.escalation.to_dot(&runbook),
    ));
    body.push_str(&identities(&runbook, &linted.findings, &linted.suppressed));
    let page = html::page(&format!("Authority map of {plant}"), &body);
    let shown = args
        .html
        .display()
        .to_string()
        .replace(char::is_control, "?");
    crate::fsio::write_atomically(&args.html, page.as_bytes())
        .with_context(|| format!("cannot write `{shown}`"))?;
    println!(
        "wrote {shown}: {} critical identities, {} roles, {} findings, {} accepted risks",
        coverage.identities,
        runbook.roles.len(),
        linted.findings.len(),
        linted.suppressed.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn header(runbook: &Runbook, args: &ReportArgs, from: &str, to: &str) -> String {
    let mut out = String::from("<dl class=\"meta\">\n");
    let rows = [
        (
            "Plant",
            format!(
                "{} (<code>{}</code>)",
                esc(runbook.plant.name.as_deref().unwrap_or("")),
                esc(&runbook.plant.id.value)
            ),
        ),
        (
            "Runbook",
            format!("<code>{}</code>", esc(&args.runbook.display().to_string())),
        ),
        (
            "Content hash",
            format!("<code>{}</code>", esc(&runbook.content_hash)),
        ),
        (
            "Horizon",
            format!(
                "{} to {} ({} days, {})",
                esc(from),
                esc(to),
                args.days,
                esc(runbook.plant.timezone.value.name())
            ),
        ),
        ("Made by", format!("andon {}", env!("CARGO_PKG_VERSION"))),
    ];
    for (term, value) in rows {
        let _ = writeln!(out, "<dt>{term}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n<p>Contents: <a href=\"#coverage\">coverage</a>, <a href=\"#oncall\">on-call timeline</a>, <a href=\"#escalation\">escalation graph</a>, <a href=\"#identities\">identities and findings</a>.</p>\n");
    out
}

/// Whether a finding is about identity `id`: its message or witness names it.
fn names(d: &Diagnostic, id: &str) -> bool {
    let quoted = format!("`{id}`");
    d.message.contains(&quoted) || d.witness.as_deref().is_some_and(|w| w.contains(&quoted))
}

fn finding_text(d: &Diagnostic) -> String {
    format!(
        "<span class=\"{}\">{} {}</span>: {}",
        if d.severity == lint::Severity::Error {
            "err"
        } else {
            ""
        },
        esc(d.severity.as_str()),
        esc(d.code),
        esc(&d.message)
    )
}

fn identities(runbook: &Runbook, findings: &[Diagnostic], suppressed: &[Suppressed]) -> String {
    let mut out = String::from(
        "<h2 id=\"identities\">Identities and their findings</h2>\n<p>Lint findings at the start of the horizon (<code>andon lint --now</code> that date); a finding is listed with each identity it names. Accepted risks are suppressions in the runbook, with their reason.</p>\n<table>\n<caption>Every identity</caption>\n<thead><tr><th scope=\"col\">identity</th><th scope=\"col\">kind</th><th scope=\"col\">owner</th><th scope=\"col\">findings</th><th scope=\"col\">accepted risks</th></tr></thead>\n<tbody>\n",
    );
    let mut claimed = vec![false; findings.len()];
    for identity in &runbook.identities {
        let id = identity.id.value.as_str();
        let mine: Vec<String> = findings
            .iter()
            .enumerate()
            .filter(|(_, d)| names(d, id))
            .map(|(i, d)| {
                claimed[i] = true;
                finding_text(d)
            })
            .collect();
        let accepted: Vec<String> = suppressed
            .iter()
            .filter(|s| names(&s.diagnostic, id))
            .map(|s| {
                format!(
                    "{} {}: {}",
                    esc(s.diagnostic.code),
                    esc(&s.diagnostic.message),
                    esc(&s.reason)
                )
            })
            .collect();
        let list = |items: &[String]| {
            if items.is_empty() {
                "none".to_owned()
            } else {
                format!("<ul><li>{}</li></ul>", items.join("</li><li>"))
            }
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\"><code>{}</code><br>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(id),
            esc(identity.label()),
            esc(identity.kind.value.as_str()),
            esc(identity.owner.as_ref().map_or("none", |o| o.value.as_str())),
            list(&mine),
            list(&accepted)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let others: Vec<String> = findings
        .iter()
        .zip(&claimed)
        .filter(|(_, c)| !**c)
        .map(|(d, _)| finding_text(d))
        .collect();
    if !others.is_empty() {
        out.push_str("<h3>Other findings</h3>\n<ul>\n");
        for f in others {
            let _ = writeln!(out, "<li>{f}</li>");
        }
        out.push_str("</ul>\n");
    }
    out
}
