//! Error clicks: console errors and failed requests right after a click.

use super::finding::{finding, is_genuine_click, seconds, Draft, Finding, FindingKind};
use crate::analyze::session::facts::AnalyzedSession;
use crate::analyze::{Action, ActionKind};
use serde_json::Value;

/// A console error this soon after a click makes it an error click, in ms, and so does a
/// failed request (`network_error`) that started this soon after it (an error click is "a click followed
/// shortly by a console/JS error" in the replay tools that have it); the 1 s comes from the issue.
pub const ERROR_CLICK_WINDOW_MS: i64 = 1_000;

/// Error clicks: console errors (including uncaught exceptions, which the console plugin
/// records as errors) within [`ERROR_CLICK_WINDOW_MS`] after a genuine click (click, dblclick,
/// right_click), and failed requests (`network_error`) that started within that window after
/// it (start = the action's time minus its `duration_ms`: a slow API that fails 3 s later
/// still answers the click), each error credited to the latest such click before it. One
/// finding per click; `count` is its errors.
pub fn error_clicks(replay: &AnalyzedSession) -> Vec<Finding> {
    let actions = &replay.actions;
    let mut credited: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut last_click = None;
    for (i, a) in actions.iter().enumerate() {
        if is_genuine_click(a) {
            last_click = Some(i);
        } else if let Some(at) = error_start(a) {
            let Some(c) = last_click.filter(|&c| (0..=ERROR_CLICK_WINDOW_MS).contains(&(at - actions[c].t_ms))) else {
                continue;
            };
            match credited.last_mut() {
                Some((click, errors)) if *click == c => errors.push(i),
                _ => credited.push((c, vec![i])),
            }
        }
    }
    credited
        .into_iter()
        .map(|(c, errors)| {
            let (click, error) = (&actions[c], &actions[errors[0]]);
            let message = error.metadata.get("message").and_then(Value::as_str).unwrap_or(&error.description);
            let what = if error.action == ActionKind::NetworkError { "failed request" } else { "console error" };
            let el = click.target_desc.as_deref().unwrap_or("element");
            let more = if errors.len() > 1 { format!(" (and {} more)", errors.len() - 1) } else { String::new() };
            finding(
                replay,
                Draft {
                    kind: FindingKind::ErrorClick,
                    start: click.t_ms,
                    end: actions[*errors.last().unwrap_or(&c)].t_ms,
                    element: click.target_desc.as_deref(),
                    node: click.target_node_id,
                    url: click.url.as_deref(),
                    count: errors.len(),
                    explanation: format!(
                        "Clicked {el}; {what} {} s later: \"{message}\"{more}",
                        seconds(error.t_ms - click.t_ms)
                    ),
                },
            )
        })
        .collect()
}

/// When an error action began, for [`error_clicks`]: a console error at its time, a failed
/// request at its start (its time minus `duration_ms`); other actions are not errors.
fn error_start(a: &Action) -> Option<i64> {
    match a.action {
        ActionKind::ConsoleError => Some(a.t_ms),
        ActionKind::NetworkError => {
            Some(a.t_ms - a.metadata.get("duration_ms").and_then(Value::as_i64).unwrap_or(0).max(0))
        }
        _ => None,
    }
}
