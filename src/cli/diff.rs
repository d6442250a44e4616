//! `andon diff BASE HEAD`: what a runbook change changes in authority, in
//! words for a reviewer (human), for a pull-request comment (markdown) or
//! for tools (json). The comparison itself is [`crate::engine::diff`].

use crate::engine::Engine;
use crate::engine::diff::{Change, Diff, Fact, diff as compare};
use crate::engine::horizon::Gap;
use crate::load;
use crate::model::clock::day_time;
use crate::model::{Duration, Runbook, Text, WrittenTime};
use anyhow::{Context as _, Result, bail};
use chrono::{SubsecRound, TimeDelta, Utc};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// The change opens a window in which nobody can decide, or a role has nobody on call
    Gaps,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The runbook before the change (file or directory)
    base: PathBuf,
    /// The runbook after the change (file or directory)
    head: PathBuf,
    /// Read BASE from this git revision (`git show REV:BASE`), e.g. `origin/main`
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Start of the horizon, ISO 8601; plant-local without an offset [default: now]
    #[arg(long)]
    from: Option<String>,
    /// Days of on-call schedule to walk
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Exit 1 when the change opens a gap
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

/// At most this much is read from git for BASE (as for a runbook on disk).
const GIT_LIMIT: usize = 128 * 1024 * 1024;

pub fn diff(args: &DiffArgs) -> Result<ExitCode> {
    let base = match &args.git {
        None => load::load(&args.base)?,
        Some(rev) => from_git(rev, &args.base)?,
    };
    let head = load::load(&args.head)?;
    let tz = head.plant.timezone.value;
    let from = match args.from.as_deref() {
        None => Utc::now().with_timezone(&tz).trunc_subsecs(0),
        Some(text) => match WrittenTime::parse(text) {
            Some(m) => m.instant(tz),
            None => bail!(
                "bad `--from` `{text}`: write ISO 8601 such as `2026-11-22T09:00` (plant-local) or `2026-11-22T09:00+01:00`"
            ),
        },
    };
    let Some(to) = from.checked_add_signed(TimeDelta::days(i64::from(args.days))) else {
        bail!("`--from` plus `--days` is past the end of the calendar");
    };
    let (be, he) = (Engine::new(&base), Engine::new(&head));
    let d = compare(&be, &he, from, to);
    match args.format {
        DiffFormat::Human => super::print_human(&human(&head, &d, args.days)),
        DiffFormat::Markdown => super::print_human(&markdown(&head, &d, args.days)),
        DiffFormat::Json => println!("{}", serde_json::to_string_pretty(&json(&d))?),
    }
    Ok(if args.fail_on == Some(FailOn::Gaps) && d.opens_gap() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `git` with `args`, bounded to [`GIT_LIMIT`] bytes of output.
fn git(args: &[&str]) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let mut child = std::process::Command::new("git")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run `git`")?;
    let mut out = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        stdout
            .take(GIT_LIMIT as u64 + 1)
            .read_to_end(&mut out)
            .context("reading from `git`")?;
    }
    let mut err = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let _ = stderr.take(4096).read_to_end(&mut err);
    }
    if out.len() > GIT_LIMIT {
        let _ = child.kill();
        let _ = child.wait();
        bail!("`git {}` gives more than 128 MiB", args.join(" "));
    }
    let status = child.wait().context("waiting for `git`")?;
    if !status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&err)
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
        );
    }
    Ok(out)
}

/// BASE as it is in git revision `rev`: one file, or the `.yaml` files of a
/// directory, merged in name order as the loader does.
fn from_git(rev: &str, path: &Path) -> Result<Runbook> {
    if rev.starts_with('-') {
        bail!(
            "bad `--git` `{}`: a revision, not an option",
            rev.escape_debug()
        );
    }
    let Some(text) = path.to_str() else {
        bail!("BASE path is not UTF-8");
    };
    let rel = text.trim_end_matches('/');
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    let kind = git(&["cat-file", "-t", &format!("{rev}:./{rel}")])?;
    if String::from_utf8_lossy(&kind).trim() == "blob" {
        let bytes = git(&["show", &format!("{rev}:./{rel}")])?;
        let yaml = String::from_utf8(bytes).context("BASE in git is not UTF-8")?;
        return Ok(load::load_str(&format!("{rev}:{rel}"), &yaml)?);
    }
    let list = git(&["ls-tree", "--name-only", &format!("{rev}:./{rel}")])?;
    let mut names: Vec<String> = String::from_utf8_lossy(&list)
        .lines()
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .map(str::to_owned)
        .collect();
    names.sort();
    // The loader reads a directory: copy the files into a fresh private one.
    let dir = std::env::temp_dir().join(format!(
        "andon-diff-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let loaded = (|| -> Result<Runbook> {
        let mut total = 0usize;
        for name in &names {
            if name.contains('/') || name.starts_with('.') {
                continue;
            }
            let bytes = git(&["show", &format!("{rev}:./{rel}/{name}")])?;
            total += bytes.len();
            if total > GIT_LIMIT {
                bail!("BASE in git is over 128 MiB");
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(name))?;
            std::io::Write::write_all(&mut file, &bytes)?;
        }
        Ok(load::load(&dir)?)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

// ------------------------------------------------------------------ words

fn list(ids: &[Text]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|i| format!("`{i}`")).collect();
    match ids.len() {
        0..=5 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 5),
    }
}

fn within(w: Option<u64>) -> String {
    match w {
        None => "never".to_owned(),
        Some(0) => "now".to_owned(),
        Some(s) => Duration(s).to_string(),
    }
}

fn window(g: &Gap, end: chrono::DateTime<chrono_tz::Tz>) -> String {
    crate::engine::horizon::window_text(g.from, g.to, end)
}

fn who(f: &Fact) -> String {
    match (f.outcome, f.rules.as_slice()) {
        ("covered", [rule]) => format!("rule `{rule}`"),
        ("forbidden", rules) => format!("forbidden by {}", list(rules)),
        ("ambiguous", rules) => format!("ambiguous between {}", list(rules)),
        _ => "no rule (uncovered)".to_owned(),
    }
}

fn ladder(f: &Fact) -> String {
    f.ladder
        .iter()
        .map(|(t, o)| {
            if *o == 0 {
                format!("{t}")
            } else {
                format!("{t} at {}", Duration(*o))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn people(p: &[Text]) -> String {
    if p.is_empty() {
        "nobody".to_owned()
    } else {
        p.iter()
            .map(Text::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// What differs in one decision, one phrase each.
pub fn phrases(c: &Change) -> Vec<String> {
    let (b, a) = match (&c.before, &c.after) {
        (None, Some(a)) => return vec![format!("new: {}", who(a))],
        (Some(b), None) => return vec![format!("no longer asked (was {})", who(b))],
        (Some(b), Some(a)) => (b, a),
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    if (b.outcome, &b.rules) != (a.outcome, &a.rules) {
        out.push(format!("{} -> {}", who(b), who(a)));
    }
    if b.first != a.first {
        out.push(format!(
            "first decider {} -> {}",
            people(&b.first),
            people(&a.first)
        ));
    }
    if b.within != a.within {
        out.push(format!(
            "time to first decider {} -> {}",
            within(b.within),
            within(a.within)
        ));
    }
    if b.single != a.single {
        let s = |x: &Option<Text>| x.as_ref().map_or("none".to_owned(), Text::to_string);
        out.push(format!("only decider {} -> {}", s(&b.single), s(&a.single)));
    }
    if b.two_person != a.two_person {
        out.push(format!(
            "two-person {} -> {}",
            yes(b.two_person),
            yes(a.two_person)
        ));
    }
    if b.pre_approved != a.pre_approved {
        out.push(format!(
            "break glass {} -> {}",
            yes(b.pre_approved),
            yes(a.pre_approved)
        ));
    }
    if b.ladder != a.ladder && !b.ladder.is_empty() && !a.ladder.is_empty() {
        out.push(format!("chain {} -> {}", ladder(b), ladder(a)));
    }
    out
}

/// The roles of the head's chain whose new on-call gaps meet `gap`.
fn causes(d: &Diff, c: &Change, gap: &Gap) -> Vec<Text> {
    let Some(after) = &c.after else {
        return Vec::new();
    };
    after
        .ladder
        .iter()
        .filter(|(t, _)| {
            d.roles.iter().any(|r| {
                r.role == *t && r.opened.iter().any(|o| o.from < gap.to && gap.from < o.to)
            })
        })
        .map(|(t, _)| t.clone())
        .collect()
}

/// `state `normal`` or `states `normal`, `emergency``.
fn states(states: &[Text], md: bool) -> String {
    let names: Vec<String> = states
        .iter()
        .map(|s| if md { format!("`{s}`") } else { s.to_string() })
        .collect();
    let noun = if states.len() == 1 { "state" } else { "states" };
    format!("{noun} {}", names.join(", "))
}

/// One sentence per opened or closed window of a decision.
fn gap_sentences(d: &Diff, c: &Change, md: bool) -> Vec<String> {
    let tick = |s: &str| if md { format!("`{s}`") } else { s.to_owned() };
    let mut out = Vec::new();
    for g in &c.opened {
        let mut s = format!(
            "after this change nobody can {} {} in {} {}",
            c.action.as_str(),
            list(&c.identities),
            states(&c.states, md),
            window(g, d.to)
        );
        let why = causes(d, c, g);
        if !why.is_empty() {
            let roles: Vec<String> = why.iter().map(|r| tick(r)).collect();
            let _ = write!(s, ": nobody of {} is on call then", roles.join(", "));
        }
        out.push(s);
    }
    for g in &c.closed {
        out.push(format!(
            "after this change someone can {} {} in {} {} (nobody could before)",
            c.action.as_str(),
            list(&c.identities),
            states(&c.states, md),
            window(g, d.to)
        ));
    }
    out
}

fn heading(rb: &Runbook, d: &Diff, days: u32) -> String {
    format!(
        "authority changes in {} over {} days from {} ({})",
        rb.plant.id.value,
        days,
        crate::model::clock::full_date_time(d.from),
        rb.plant.timezone.value
    )
}

fn human(rb: &Runbook, d: &Diff, days: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(rb, d, days));
    if d.is_empty() {
        let _ = writeln!(out, "no change in authority");
        return out;
    }
    for (what, ids) in [
        ("identities added", &d.identities_added),
        ("identities removed", &d.identities_removed),
        ("states added", &d.states_added),
        ("states removed", &d.states_removed),
        ("roles added", &d.roles_added),
        ("roles removed", &d.roles_removed),
    ] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(Text::to_string).collect();
            let _ = writeln!(out, "{what}: {}", ids.join(", "));
        }
    }
    if !d.decisions.is_empty() {
        let _ = writeln!(out, "\ndecisions that change ({}):", d.decisions.len());
    }
    for c in &d.decisions {
        let ids: Vec<String> = c.identities.iter().map(Text::to_string).collect();
        let _ = writeln!(
            out,
            "  {} {} in {}:",
            c.action.as_str(),
            ids.join(", "),
            c.states
                .iter()
                .map(Text::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        for p in phrases(c) {
            let _ = writeln!(out, "    {p}");
        }
        for s in gap_sentences(d, c, false) {
            let _ = writeln!(out, "    {s}");
        }
    }
    if !d.roles.is_empty() {
        let _ = writeln!(out, "\non-call gaps per role:");
    }
    for r in &d.roles {
        for g in &r.opened {
            let _ = writeln!(out, "  {}: new gap {}", r.role, window(g, d.to));
        }
        for g in &r.closed {
            let _ = writeln!(out, "  {}: gap closed {}", r.role, window(g, d.to));
        }
    }
    out
}

fn markdown(rb: &Runbook, d: &Diff, days: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### andon: {}\n", heading(rb, d, days));
    if d.is_empty() {
        let _ = writeln!(out, "No change in who may decide what.");
        return out;
    }
    let opened: Vec<String> = d
        .decisions
        .iter()
        .flat_map(|c| gap_sentences(d, c, true))
        .collect();
    if d.opens_gap() {
        let _ = writeln!(out, "**This change opens on-call gaps.**\n");
    }
    let listed = !opened.is_empty()
        || !d.roles.is_empty()
        || [
            &d.identities_added,
            &d.identities_removed,
            &d.states_added,
            &d.states_removed,
            &d.roles_added,
            &d.roles_removed,
        ]
        .iter()
        .any(|ids| !ids.is_empty());
    for s in &opened {
        let _ = writeln!(out, "- {}{}.", &s[..1].to_uppercase(), &s[1..]);
    }
    for r in &d.roles {
        for g in &r.opened {
            let _ = writeln!(
                out,
                "- Nobody of `{}` is on call {}.",
                r.role,
                window(g, d.to)
            );
        }
        for g in &r.closed {
            let _ = writeln!(
                out,
                "- `{}` now has someone on call {}.",
                r.role,
                window(g, d.to)
            );
        }
    }
    for (what, ids) in [
        ("New identities", &d.identities_added),
        ("Removed identities", &d.identities_removed),
        ("New states", &d.states_added),
        ("Removed states", &d.states_removed),
        ("New roles", &d.roles_added),
        ("Removed roles", &d.roles_removed),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(out, "- {what}: {}.", list(ids));
        }
    }
    if !d.decisions.is_empty() {
        if listed {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "| action | identities | states | what changes |\n|---|---|---|---|"
        );
    }
    for c in &d.decisions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.action.as_str(),
            list(&c.identities),
            list(&c.states),
            phrases(c).join("; ").replace('|', "\\|")
        );
    }
    out
}

fn gaps_json(gaps: &[Gap]) -> serde_json::Value {
    gaps.iter()
        .map(|g| {
            serde_json::json!({
                "from": g.from.to_rfc3339(),
                "to": g.to.to_rfc3339(),
                "text": format!("{} to {}", day_time(g.from), day_time(g.to)),
            })
        })
        .collect()
}

fn fact_json(f: &Fact) -> serde_json::Value {
    serde_json::json!({
        "outcome": f.outcome,
        "rules": f.rules.iter().map(Text::as_str).collect::<Vec<_>>(),
        "first_deciders": f.first.iter().map(Text::as_str).collect::<Vec<_>>(),
        "first_decider_within_s": f.within,
        "single_decider": f.single.as_ref().map(Text::as_str),
        "two_person": f.two_person,
        "pre_approved": f.pre_approved,
        "chain": f.ladder.iter().map(|(t, o)| serde_json::json!({"target": t.as_str(), "engaged_after_s": o})).collect::<Vec<_>>(),
        "gaps": gaps_json(&f.gaps),
    })
}

fn json(d: &Diff) -> serde_json::Value {
    fn ids(v: &[Text]) -> Vec<&str> {
        v.iter().map(Text::as_str).collect()
    }
    serde_json::json!({
        "from": d.from.to_rfc3339(),
        "to": d.to.to_rfc3339(),
        "opens_gap": d.opens_gap(),
        "identities_added": ids(&d.identities_added),
        "identities_removed": ids(&d.identities_removed),
        "states_added": ids(&d.states_added),
        "states_removed": ids(&d.states_removed),
        "roles_added": ids(&d.roles_added),
        "roles_removed": ids(&d.roles_removed),
        "decisions": d.decisions.iter().map(|c| serde_json::json!({
            "identities": ids(&c.identities),
            "states": ids(&c.states),
            "action": c.action.as_str(),
            "before": c.before.as_ref().map(fact_json),
            "after": c.after.as_ref().map(fact_json),
            "changes": phrases(c),
            "opened_gaps": gaps_json(&c.opened),
            "closed_gaps": gaps_json(&c.closed),
        })).collect::<Vec<_>>(),
        "roles": d.roles.iter().map(|r| serde_json::json!({
            "role": r.role.as_str(),
            "opened_gaps": gaps_json(&r.opened),
            "closed_gaps": gaps_json(&r.closed),
        })).collect::<Vec<_>>(),
    })
}
