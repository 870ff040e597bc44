//! Rage clicks: quick repeated clicks on one control that did not answer them.

use super::finding::{element, finding, is_click, position, responded_within, seconds, Draft, Finding, FindingKind};
use crate::analyze::gestures::bursts;
use crate::analyze::session::facts::AnalyzedSession;

pub use crate::analyze::gestures::{
    RAGE_CLICK_RADIUS_PX, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS, TRIPLE_CLICK_SELECTION_MS,
};

/// Rage clicks: at least `threshold` `click`s on one control, the first and last at most
/// `window_ms` apart (inclusive), each within [`RAGE_CLICK_RADIUS_PX`] of the previous when
/// both positions are known. A click elsewhere ends the run; clicks on text-editing surfaces
/// never count (`ElementFacts::text_entry`), nor does a burst that selected text in the
/// clicked element within [`TRIPLE_CLICK_SELECTION_MS`] (a triple click), nor one in which the
/// page visibly responded to every click before the next (within `window_ms` for the last;
/// read from the clicks' outcomes, [`crate::analyze::Outcome`]):
/// a quantity stepper or an "Add item" button clicked quickly is in use, not raged at
/// (Sentry counts clicks on an *unresponsive* element). Overlapping windows
/// make one finding whose `count` is its clicks. `threshold` below 1 is taken as 1.
pub fn rage_clicks(replay: &AnalyzedSession, threshold: usize, window_ms: i64) -> Vec<Finding> {
    let threshold = threshold.max(1);
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for (i, a) in replay.actions.iter().enumerate() {
        if !is_click(a) {
            continue;
        }
        let facts = element(replay, i).filter(|e| !e.text_entry);
        let continues = match (facts, run.last()) {
            (Some(e), Some(&p)) => {
                let near = match (position(&replay.actions[p]), position(a)) {
                    (Some((px, py)), Some((x, y))) => (x - px).hypot(y - py) < RAGE_CLICK_RADIUS_PX,
                    _ => true,
                };
                element(replay, p).is_some_and(|pe| pe.control_id == e.control_id) && near
            }
            _ => false,
        };
        if !continues {
            rage_runs(replay, &run, threshold, window_ms, &mut out);
            run.clear();
        }
        if facts.is_some() {
            run.push(i);
        }
    }
    rage_runs(replay, &run, threshold, window_ms, &mut out);
    out
}

/// The rage bursts within one run of clicks on a control.
fn rage_runs(replay: &AnalyzedSession, run: &[usize], threshold: usize, window_ms: i64, out: &mut Vec<Finding>) {
    let t = |k: usize| replay.actions[run[k]].t_ms;
    for burst in bursts(run.len(), t, threshold, window_ms) {
        let (first, k) = (burst.start, burst.end);
        let (a, b) = (&replay.actions[run[first]], &replay.actions[run[k - 1]]);
        let chain = element(replay, run[first]).map(|e| &e.chain[..]).unwrap_or_default();
        let selects_text = replay.selections.iter().any(|s| {
            s.t_ms >= a.t_ms
                && s.t_ms <= b.t_ms.saturating_add(TRIPLE_CLICK_SELECTION_MS)
                && s.chain.iter().any(|n| chain.contains(n))
        });
        if selects_text {
            continue;
        }
        // The page answered every click before the next one (a quantity stepper, an "Add item"
        // button clicked three times): the user is using it, not raging at it.
        let answered = (first..k).all(|m| {
            let limit = if m + 1 < k { t(m + 1) - t(m) } else { window_ms };
            responded_within(&replay.actions[run[m]], limit)
        });
        if answered {
            continue;
        }
        let n = k - first;
        let el = a.target_desc.as_deref().unwrap_or("element");
        out.push(finding(
            replay,
            Draft {
                kind: FindingKind::RageClick,
                start: a.t_ms,
                end: b.t_ms,
                element: a.target_desc.as_deref(),
                node: a.target_node_id,
                url: a.url.as_deref(),
                count: n,
                explanation: format!("Clicked {el} {n} times in {} s", seconds(b.t_ms - a.t_ms)),
            },
        ));
    }
}
