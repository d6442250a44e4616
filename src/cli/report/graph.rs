//! The escalation graph as SVG: drawn by Graphviz (`dot -Tsvg`) when it is
//! installed, from the same dot text `andon graph` prints; without it, the
//! edges as a table. The page says which. `dot` gets 10 seconds and its
//! output is bounded; anything odd falls back to the table.

use crate::log::report::html::esc;
use crate::model::Runbook;
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Largest SVG taken from `dot`.
const MAX_SVG: u64 = 16 * 1024 * 1024;

pub fn section(runbook: &Runbook, dot: &str) -> String {
    let mut out = String::from("<h2 id=\"escalation\">Escalation graph</h2>\n");
    match graphviz(dot) {
        Some(svg) => {
            out.push_str("<p>Roles escalate along the arrows (<code>escalates_to</code>); people to their <code>backup</code>. Drawn by Graphviz (<code>dot</code>).</p>\n<figure>\n");
            out.push_str(&svg.replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"Escalation graph: roles and their escalation, people and their backups\" ",
                1,
            ));
            out.push_str("<figcaption>The escalation graph, as <code>andon graph</code> gives it.</figcaption>\n</figure>\n");
        }
        None => out.push_str(
            "<p>Graphviz (<code>dot</code>) is not installed here, so the graph is listed as a table instead of drawn.</p>\n",
        ),
    }
    out.push_str("<table>\n<caption>Escalations and backups</caption>\n<thead><tr><th scope=\"col\">from</th><th scope=\"col\">to</th><th scope=\"col\">kind</th></tr></thead>\n<tbody>\n");
    for role in &runbook.roles {
        if let Some(next) = &role.escalates_to {
            let _ = writeln!(
                out,
                "<tr><td>{} (role)</td><td>{}</td><td>escalates to</td></tr>",
                esc(&role.id.value),
                esc(&next.value)
            );
        }
    }
    for person in &runbook.people {
        if let Some(backup) = &person.backup {
            let _ = writeln!(
                out,
                "<tr><td>{} (person)</td><td>{}</td><td>backed up by</td></tr>",
                esc(&person.id.value),
                esc(&backup.value)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// `dot -Tsvg` of `dot`, from `<svg` on; `None` when Graphviz is absent,
/// fails, or takes too long.
fn graphviz(dot: &str) -> Option<String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = dot.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stdout).take(MAX_SVG).read_to_end(&mut bytes);
        bytes
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    let _ = writer.join();
    let bytes = reader.join().ok()?;
    if !status.success() {
        return None;
    }
    let text = String::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let end = text.rfind("</svg>")? + "</svg>".len();
    let svg = &text[start..end];
    // Graphviz writes no script; refuse anything that would run or fetch.
    let lower = svg.to_ascii_lowercase();
    if lower.contains("<script")
        || lower.contains("href=\"http")
        || lower.contains("<foreignobject")
    {
        return None;
    }
    Some(svg.to_owned())
}
