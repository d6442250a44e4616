//! The drill screen (`d`): the scenario, the injects shown so far, when
//! the next one comes, and the live score of each expectation.

use super::Theme;
use crate::drill::Status;
use crate::model::Duration;
use crate::tui::live::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: Theme) {
    let Some(mode) = &m.drill else { return };
    let drill = &mode.drill;
    let scenario = drill.scenario();
    let now = drill.clock();
    let mut lines = vec![Line::styled(
        format!("{} ({})", scenario.title, scenario.id.value),
        theme.title(),
    )];
    lines.push(Line::styled("Injects", theme.title()));
    for (at, inject) in &mode.shown {
        let attack: Vec<&str> = inject.attack.iter().map(|a| &*a.value).collect();
        lines.push(Line::raw(format!(
            "  +{at} {} {}{}",
            drill.time(*at).format("%H:%M"),
            inject.text,
            if attack.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attack.join(", "))
            }
        )));
    }
    match drill.next_inject() {
        Some(next) => lines.push(Line::raw(format!(
            "  next at +{next} (in {} of drill time; n jumps to it)",
            Duration(next.0.saturating_sub(now.0))
        ))),
        None => lines.push(Line::raw("  no inject left")),
    }
    lines.push(Line::styled("Expectations (live score)", theme.title()));
    for (score, e) in drill.scores().iter().zip(&scenario.expect) {
        let what = match (&e.identity, &e.state) {
            (Some(i), _) => format!("{} {}", e.action.value, i.value),
            (None, Some(s)) => format!("{} {}", e.action.value, s.value),
            (None, None) => e.action.value.to_string(),
        };
        let (status, alarm) = match score.status {
            Status::Missed if now <= e.within.value => (
                // `now <= within`, so this cannot underflow.
                format!("OPEN, {} left", Duration(e.within.value.0 - now.0)),
                false,
            ),
            other => (
                format!("{}: {}", other.as_str().to_uppercase(), score.why),
                other != Status::Met,
            ),
        };
        let text = format!(
            "  {} {what} within {}: {status}",
            e.id.value, e.within.value
        );
        lines.push(if alarm {
            Line::styled(text, theme.alarm())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
