//! The coverage table for a reader: one row per state, action and answer,
//! with a count of identities, within 100 columns; then the on-call gaps.

use super::{Covered, notes, outcome, rule_ids, summary};
use crate::cli::output::Render;
use crate::engine::authority::Selection;
use crate::engine::horizon::{Answer, ChainFacts, Coverage, EMERGENCY_FIRST_DECIDER, window_text};
use crate::model::{Action, Duration, Runbook};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// The widest line of the human table.
const WIDTH: usize = 100;
/// Gap windows shown per role or chain in the human output.
const SHOWN: usize = 3;

/// Problems first.
fn rank(selection: &Selection) -> u8 {
    match selection {
        Selection::Uncovered => 0,
        Selection::Ambiguous(_) => 1,
        Selection::Forbidden(_) => 2,
        Selection::Rule(_) => 3,
    }
}

/// `now`, `20m`, or `never`.
fn within(facts: &ChainFacts) -> String {
    match facts.within {
        None => "never".to_owned(),
        Some(0) => "now".to_owned(),
        Some(secs) => Duration(secs).to_string(),
    }
}

/// Action, outcome, rule, first decider, within, note: as printed.
type Cells = [String; 6];

/// One row of the human table: one action and answer, the states in which
/// it is given and the identities that get it.
struct Row {
    action: Action,
    rank: u8,
    cells: Cells,
    states: Vec<usize>,
    identities: Vec<usize>,
}

/// `text` cut to `width` characters, with `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `6: plc-a, plc-b, +4`: the identities, as many as fit in `width`.
fn identities_line(runbook: &Runbook, identities: &[usize], width: usize) -> String {
    let mut out = format!("{}:", identities.len());
    for (shown, &i) in identities.iter().enumerate() {
        let id = &runbook.identities[i].id.value;
        let rest = identities.len() - shown - 1;
        let tail = if rest > 0 {
            format!(", +{rest}")
        } else {
            String::new()
        };
        let sep = if shown == 0 { " " } else { ", " };
        if out.chars().count() + sep.len() + id.chars().count() + tail.len() > width {
            let _ = write!(out, "{sep}+{}", rest + 1);
            return out;
        }
        let _ = write!(out, "{sep}{id}");
    }
    out
}

/// The printed cells of an answer.
fn cells(runbook: &Runbook, c: &Coverage, a: &Answer) -> Cells {
    let rule = rule_ids(runbook, &a.selection).join(", ");
    let facts = a.chain.and_then(|i| c.chains.get(i));
    let (first, time, note) = match facts {
        Some(f) => {
            let first = match f.first.as_slice() {
                [] => "nobody".to_owned(),
                [one] => one.to_string(),
                [one, rest @ ..] => format!("{one} +{}", rest.len()),
            };
            let emergency = runbook.states[a.state].emergency;
            (first, within(f), notes(f, emergency).join(" "))
        }
        None => ("-".to_owned(), "-".to_owned(), String::new()),
    };
    [
        a.action.as_str().to_owned(),
        outcome(&a.selection).to_owned(),
        fit(&rule, COLUMNS[2] - 1),
        fit(&first, COLUMNS[3] - 1),
        time,
        note,
    ]
}

/// Widths of the columns but the last.
const COLUMNS: [usize; 5] = [11, 10, 27, 17, 8];

fn table_line(cells: &[&str; 6]) -> String {
    let mut line = String::from("  ");
    for (cell, width) in cells.iter().zip(COLUMNS) {
        let _ = write!(line, "{cell:<width$}");
    }
    line.push_str(cells[5]);
    line.trim_end().to_owned()
}

/// `normal, commissioning, emergency (emergency)`
fn states_heading(runbook: &Runbook, states: &[usize]) -> String {
    if states.len() == runbook.states.len() && states.len() > 1 {
        return "in every state".to_owned();
    }
    let names: Vec<String> = states
        .iter()
        .map(|&s| {
            let st = &runbook.states[s];
            if st.emergency {
                format!("{} (emergency)", st.id.value)
            } else {
                st.id.value.to_string()
            }
        })
        .collect();
    let noun = if states.len() == 1 { "state" } else { "states" };
    format!("in {noun} {}", names.join(", "))
}

pub struct Human;

impl Render<Covered<'_>> for Human {
    fn render(&self, covered: &Covered) -> Result<String> {
        Ok(table(covered.runbook, covered.coverage, covered.days))
    }
}

fn table(runbook: &Runbook, c: &Coverage, days: u32) -> String {
    let mut out = String::new();
    let plant = runbook
        .plant
        .name
        .as_deref()
        .unwrap_or(&runbook.plant.id.value);
    let _ = writeln!(out, "coverage of {plant} ({})", runbook.plant.id.value);
    let _ = writeln!(
        out,
        "horizon: {} to {} ({days} days, {})",
        crate::model::clock::full_date_time(c.from),
        crate::model::clock::full_date_time(c.to),
        runbook.plant.timezone.value
    );
    let s = summary(runbook, c);
    let _ = writeln!(
        out,
        "{} critical identities x {} states x pause, revoke (+ disconnect for vendor sessions):",
        s.identities,
        runbook.states.len()
    );
    let _ = writeln!(
        out,
        "{} questions: {} covered, {} forbidden, {} ambiguous, {} uncovered",
        s.questions, s.covered, s.forbidden, s.ambiguous, s.uncovered
    );
    let _ = writeln!(
        out,
        "of the covered: {} single decider, {} with an on-call gap, {} slow in an emergency",
        s.single_decider, s.gap, s.slow_in_emergency
    );
    // The identities of each printed answer in each state; then one row
    // per printed answer and set of identities, with the states it holds in.
    let mut per_state: HashMap<(Cells, usize), Row> = HashMap::new();
    for g in &c.groups {
        for a in &g.answers {
            let cells = cells(runbook, c, a);
            per_state
                .entry((cells.clone(), a.state))
                .or_insert_with(|| Row {
                    action: a.action,
                    rank: rank(&a.selection),
                    cells,
                    states: Vec::new(),
                    identities: Vec::new(),
                })
                .identities
                .extend(&g.identities);
        }
    }
    let mut at: HashMap<(Cells, Vec<usize>), usize> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut per_state: Vec<((Cells, usize), Row)> = per_state.into_iter().collect();
    per_state.sort_by_key(|((_, state), _)| *state);
    for ((cells, state), row) in per_state {
        let Row {
            action,
            rank,
            mut identities,
            ..
        } = row;
        identities.sort_unstable();
        let r = *at
            .entry((cells.clone(), identities.clone()))
            .or_insert_with(|| {
                rows.push(Row {
                    action,
                    rank,
                    cells,
                    states: Vec::new(),
                    identities,
                });
                rows.len() - 1
            });
        rows[r].states.push(state);
    }
    // Rows in the same states are shown together, under one heading.
    let mut blocks: BTreeMap<Vec<usize>, Vec<&Row>> = BTreeMap::new();
    for row in &rows {
        blocks.entry(row.states.clone()).or_default().push(row);
    }
    for (states, mut block) in blocks {
        block.sort_by(|x, y| {
            (
                cuts_order(x.action),
                x.rank,
                std::cmp::Reverse(x.identities.len()),
                &x.cells,
            )
                .cmp(&(
                    cuts_order(y.action),
                    y.rank,
                    std::cmp::Reverse(y.identities.len()),
                    &y.cells,
                ))
        });
        let _ = writeln!(out, "\n{}", states_heading(runbook, &states));
        let head = [
            "ACTION",
            "OUTCOME",
            "RULE",
            "FIRST DECIDER",
            "WITHIN",
            "NOTE",
        ];
        let _ = writeln!(out, "{}", table_line(&head));
        for row in block {
            let cells = row.cells.each_ref().map(String::as_str);
            let _ = writeln!(out, "{}", table_line(&cells));
            let indent = 2 + COLUMNS[0];
            let _ = writeln!(
                out,
                "{}{}",
                " ".repeat(indent),
                identities_line(runbook, &row.identities, WIDTH - indent)
            );
        }
    }
    gaps_section(&mut out, runbook, c);
    let _ = writeln!(
        out,
        "\nFIRST DECIDER: who the chain engages first at the start of the horizon. WITHIN: the longest\n\
         wait over the horizon until the chain has the deciders it needs (a second one for a\n\
         `two_person` rule that is not `pre_approved`; a vendor's role never decides on its own\n\
         session). single: one person only can ever decide; gap: at some time nobody at all;\n\
         slow: more than {} in an emergency state. `andon who` shows one question in full.",
        Duration(EMERGENCY_FIRST_DECIDER)
    );
    out
}

/// Position of an action in the table: pause, revoke, disconnect.
fn cuts_order(action: Action) -> usize {
    match action {
        Action::Pause => 0,
        Action::Revoke => 1,
        _ => 2,
    }
}

fn gaps_section(out: &mut String, runbook: &Runbook, c: &Coverage) {
    let _ = writeln!(out, "\non-call gaps per role over the horizon:");
    let mut any = false;
    for (r, gaps) in c.roles.iter().enumerate() {
        if gaps.is_empty() {
            continue;
        }
        any = true;
        let id = &runbook.roles[r].id.value;
        let _ = writeln!(out, "  {id}: nobody on call in {} windows", gaps.len());
        for gap in gaps.iter().take(SHOWN) {
            let _ = writeln!(out, "    {}", window_text(gap.from, gap.to, c.to));
        }
        if gaps.len() > SHOWN {
            let _ = writeln!(
                out,
                "    and {} more (see `--format json`)",
                gaps.len() - SHOWN
            );
        }
    }
    if !any {
        let _ = writeln!(out, "  none: every role has someone on call at all times");
    }
    let mut chains: Vec<&ChainFacts> = c.chains.iter().filter(|f| !f.gaps.is_empty()).collect();
    chains.sort_by_key(|f| f.rule);
    chains.dedup_by_key(|f| f.rule);
    if chains.is_empty() {
        let _ = writeln!(out, "every chain above reaches someone at all times");
        return;
    }
    let _ = writeln!(out, "chains that yield nobody at some time:");
    for f in chains {
        let id = &runbook.rules[f.rule].id.value;
        let _ = writeln!(out, "  {id}: {} windows", f.gaps.len());
        for gap in f.gaps.iter().take(SHOWN) {
            let _ = writeln!(out, "    {}", window_text(gap.from, gap.to, c.to));
        }
        if f.gaps.len() > SHOWN {
            let _ = writeln!(
                out,
                "    and {} more (see `--format json`)",
                f.gaps.len() - SHOWN
            );
        }
    }
}
