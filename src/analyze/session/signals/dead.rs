//! Dead clicks: a click on something clickable that the page did not respond to.

use super::finding::{element, finding, is_click, seconds, times, Draft, Finding, FindingKind};
use crate::analyze::session::facts::AnalyzedSession;
use crate::analyze::{ActionKind, Outcome, OutcomeKind, OUTCOME_WINDOW_MS};

/// A click on something clickable with no visible response (DOM mutation, scroll, navigation,
/// selection, input state, media, stylesheet or canvas change) within this long is dead, in
/// ms: the click outcome window ([`OUTCOME_WINDOW_MS`], 1.5 s), so a dead click is exactly a
/// click whose outcome is `nothing`. Elsewhere: OpenReplay 1.234 s, PostHog 2.5 s,
/// Sentry 7 s.
pub const DEAD_CLICK_TIMEOUT_MS: i64 = OUTCOME_WINDOW_MS;

/// Dead clicks: a `click` on something clickable (`ElementFacts::clickable`; not a
/// text-editing surface) whose outcome ([`crate::analyze::Outcome`]) is `nothing`: the page
/// did not visibly respond within [`DEAD_CLICK_TIMEOUT_MS`], or before the user moved on —
/// clicked, touched, focused or typed into another control, or selected text (a `select`
/// action starts at the first click of the double or triple click that made it) — because
/// what happens next is that action's doing. A click whose wait the end of the recording cuts
/// short is not judged. Consecutive dead clicks on one control, each within the timeout of the
/// previous, make one finding whose `count` is the clicks.
pub fn dead_clicks(replay: &AnalyzedSession) -> Vec<Finding> {
    let actions = &replay.actions;
    let recording_end = replay.session.end_time.unwrap_or(i64::MIN);
    // (action index, control, milliseconds watched, whether the user moved on)
    let mut dead: Vec<(usize, i64, i64, bool)> = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        let Some(e) = element(replay, i).filter(|e| is_click(a) && e.clickable && !e.text_entry) else { continue };
        if Outcome::of(a).is_none_or(|o| o.kind != OutcomeKind::Nothing) {
            continue;
        }
        let deadline = a.t_ms.saturating_add(DEAD_CLICK_TIMEOUT_MS);
        let moved_on = (i + 1..actions.len()).take_while(|&j| actions[j].t_ms <= deadline).find(|&j| {
            matches!(
                actions[j].action,
                ActionKind::Click | ActionKind::TouchStart | ActionKind::Input | ActionKind::Select
            ) && element(replay, j).is_none_or(|f| f.control_id != e.control_id)
        });
        let moved_on = moved_on.map(|j| &actions[j]);
        if moved_on.is_none() && recording_end < deadline {
            continue;
        }
        let until = moved_on.map_or(deadline, |b| b.t_ms);
        dead.push((i, e.control_id, until - a.t_ms, moved_on.is_some()));
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < dead.len() {
        let mut last = k;
        while last + 1 < dead.len()
            && dead[last + 1].1 == dead[k].1
            && actions[dead[last + 1].0].t_ms - actions[dead[last].0].t_ms <= DEAD_CLICK_TIMEOUT_MS
        {
            last += 1;
        }
        let (first, end) = (&actions[dead[k].0], &actions[dead[last].0]);
        let (_, _, watched, moved_on) = dead[last];
        let n = last - k + 1;
        let el = first.target_desc.as_deref().unwrap_or("element");
        let wait = if moved_on {
            format!("in the {} s before the user moved on", seconds(watched))
        } else {
            format!("within {} s", seconds(DEAD_CLICK_TIMEOUT_MS))
        };
        out.push(finding(
            replay,
            Draft {
                kind: FindingKind::DeadClick,
                start: first.t_ms,
                end: end.t_ms,
                element: first.target_desc.as_deref(),
                node: first.target_node_id,
                url: first.url.as_deref(),
                count: n,
                explanation: format!("Clicked {el}{}; nothing on the page changed {wait}", times(n)),
            },
        ));
        k = last + 1;
    }
    out
}
