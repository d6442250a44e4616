//! The on-call timeline: one SVG bar per role over the horizon, a segment
//! per stretch with the same people (named on the bar when it is wide
//! enough, and in the segment's tooltip), gaps hatched red and labelled
//! `GAP`. Under the picture, the gaps in words, so nothing rests on the
//! picture or its colours alone. The walk is [`Horizon::role_windows`], the
//! one `andon oncall` and lint use.

use crate::engine::horizon::{Horizon, window_text};
use crate::log::report::html::esc;
use crate::model::clock::day_time;
use chrono::{DateTime, Duration, Timelike as _};
use chrono_tz::Tz;
use std::fmt::Write as _;

const LABEL: f64 = 190.0;
const WIDTH: f64 = 1000.0;
const ROW: f64 = 26.0;
const TOP: f64 = 22.0;
/// Segment colours, by person order; gaps are red and hatched.
const FILLS: [&str; 6] = [
    "#9cc3e6", "#b5d99c", "#f3d18a", "#c9b3e0", "#9fd8d0", "#e6b3c4",
];

pub fn section(horizon: &Horizon) -> String {
    let rb = horizon.runbook();
    let (from, to) = (horizon.from, horizon.to);
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Tz>| LABEL + (t - from).num_seconds() as f64 / span * WIDTH;
    let height = TOP + ROW * rb.roles.len() as f64 + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"timeline-title\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">\n<title id=\"timeline-title\">On-call timeline of every role from {} to {}, gaps marked GAP</title>\n\
         <defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f7b9b3\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b3261e\" stroke-width=\"2\"/></pattern></defs>\n",
        esc(&day_time(from)),
        esc(&day_time(to)),
        w = LABEL + WIDTH + 10.0,
    );
    // A tick at each plant-local midnight.
    let mut day = from;
    for _ in 0..400 {
        let Some(next) = next_midnight(day) else {
            break;
        };
        if next >= to {
            break;
        }
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{height}\" stroke=\"#888\" stroke-dasharray=\"2,3\"/><text x=\"{tx:.1}\" y=\"14\">{}</text>",
            esc(&next.format("%a %d").to_string()),
            x = x(next),
            tx = x(next) + 2.0,
        );
        day = next;
    }
    let mut words = String::new();
    for (r, role) in rb.roles.iter().enumerate() {
        let y = TOP + ROW * r as f64;
        let _ = writeln!(
            svg,
            "<text x=\"4\" y=\"{:.1}\">{}</text>",
            y + 16.0,
            esc(&role.id.value)
        );
        let mut people: Vec<String> = Vec::new();
        let mut gaps = Vec::new();
        for w in horizon.role_windows(r) {
            let (x0, x1) = (x(w.from), x(w.to));
            let when = window_text(w.from, w.to, to);
            if w.people.is_empty() {
                gaps.push(when.clone());
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"20\" fill=\"url(#hatch)\" stroke=\"#b3261e\"><title>GAP in {}: nobody on call {}</title></rect>",
                    (x1 - x0).max(1.0),
                    esc(&role.id.value),
                    esc(&when)
                );
                if x1 - x0 > 34.0 {
                    let _ = writeln!(
                        svg,
                        "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#8a1c12\">GAP</text>",
                        x0 + 3.0,
                        y + 15.0
                    );
                }
                continue;
            }
            let names: Vec<&str> = w
                .people
                .iter()
                .map(|d| {
                    rb.person(&d.person)
                        .map_or(d.person.as_str(), |p| p.label())
                })
                .collect();
            let key = names.join(", ");
            let index = people.iter().position(|p| *p == key).unwrap_or_else(|| {
                people.push(key.clone());
                people.len() - 1
            });
            let _ = writeln!(
                svg,
                "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"20\" fill=\"{}\" stroke=\"#fff\"><title>{}: {} on call {}</title></rect>",
                (x1 - x0).max(1.0),
                FILLS[index % FILLS.len()],
                esc(&role.id.value),
                esc(&key),
                esc(&when)
            );
            let fits = (x1 - x0) / 7.0;
            if fits >= 4.0 {
                let shown: String = key.chars().take(fits as usize - 1).collect();
                let _ = writeln!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    x0 + 3.0,
                    y + 15.0,
                    esc(&shown)
                );
            }
        }
        if !gaps.is_empty() {
            let _ = writeln!(
                words,
                "<li><code>{}</code>: nobody on call {}</li>",
                esc(&role.id.value),
                esc(&gaps.join("; "))
            );
        }
    }
    svg.push_str("</svg>\n");
    let mut out = String::from(
        "<h2 id=\"oncall\">On-call timeline</h2>\n<p>Who of each role (backups included) is on call over the horizon; hover a bar for its people and times.</p>\n<figure>\n",
    );
    out.push_str(&svg);
    out.push_str("<figcaption>Each row a role; red hatched stretches, marked GAP, have nobody on call.</figcaption>\n</figure>\n");
    if words.is_empty() {
        out.push_str("<p>No role has a gap over the horizon.</p>\n");
    } else {
        out.push_str("<h3>Gaps</h3>\n<ul>\n");
        out.push_str(&words);
        out.push_str("</ul>\n");
    }
    out
}

/// The next plant-local midnight after `t`, DST aware.
fn next_midnight(t: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let date = t.date_naive().succ_opt()?;
    let naive = date.and_hms_opt(0, 0, 0)?;
    naive
        .and_local_timezone(t.timezone())
        .earliest()
        .or_else(|| {
            (naive + Duration::hours(1))
                .and_local_timezone(t.timezone())
                .earliest()
        })
        .filter(|m| m.hour() <= 1)
}
