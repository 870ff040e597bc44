//! Multi-click gestures: rage bursts, and the clicks that select text.
//!
//! The rage definition is the bundle's `rage_clicks` signal
//! ([`crate::analyze::session::signals::rage_clicks`]) at its default parameters, applied as
//! the actions stream by, so the timeline's `Rage-clicked …` lines are exactly the friction
//! report's default rage findings: the same constants, the same control and text-entry facts
//! ([`element_facts`]) and the same notion of the page visibly responding. (The signal's
//! triple-click exclusion needs no counterpart: the clicks that select text are folded into
//! the `select` action before they could make a run.) `tests/bundle.rs` checks the two agree
//! on every recording.

use super::actions::{Action, ActionKind, FOCUS_CLICK_MS};
use super::dom::DomTracker;
use super::element::element_facts;
use crate::model::{EventData, IncrementalData};
use serde_json::{Map, Value};
use std::ops::Range;

/// Clicks that make a rage click. PostHog counts 3 clicks; the Mixpanel seed's
/// `rage_clicks` defaults to `threshold=3`.
pub const RAGE_CLICK_THRESHOLD: usize = 3;
/// Longest time from the first to the last of [`RAGE_CLICK_THRESHOLD`] clicks, in ms
/// (inclusive). Mixpanel seed `window_ms=1000`; PostHog "each ≤ 1000 ms";
/// Datadog "in a 1 s window".
pub const RAGE_CLICK_WINDOW_MS: i64 = 1_000;
/// Each click of a rage burst lands closer than this to the previous one, in CSS px, when both
/// positions are recorded. PostHog "< 30 px from the previous".
pub const RAGE_CLICK_RADIUS_PX: f64 = 30.0;
/// A text selection starting inside the clicked element up to this long after a click makes
/// the click part of a text selection (a double or triple click), not a click of its own
/// (a known false positive of rage-click detection, sentry-javascript#8300). rewind's own
/// value: Chromium reports the selection within a frame of the click, and rrweb emits it at
/// once.
pub const TRIPLE_CLICK_SELECTION_MS: i64 = 500;

/// A visible change on the page: what makes a click "answered" for the rage and dead-click
/// signals (DOM mutation, scroll, navigation or page load, an input value or checked state, a
/// non-empty selection, media, stylesheet or canvas change). `url` is the page before `data`.
pub(crate) fn is_visible_change(data: &EventData, url: Option<&str>) -> bool {
    match data {
        EventData::Meta(meta) => !meta.href.is_empty() && url != Some(meta.href.as_str()),
        EventData::DomContentLoaded(_) | EventData::Load(_) => true,
        EventData::IncrementalSnapshot(data) => match data {
            IncrementalData::Mutation(m) => {
                !m.adds.is_empty() || !m.removes.is_empty() || !m.texts.is_empty() || !m.attributes.is_empty()
            }
            IncrementalData::Scroll(_)
            | IncrementalData::Input(_)
            | IncrementalData::MediaInteraction(_)
            | IncrementalData::CanvasMutation(_)
            | IncrementalData::StyleSheetRule(_)
            | IncrementalData::StyleDeclaration(_)
            | IncrementalData::AdoptedStyleSheet(_) => true,
            IncrementalData::Selection(s) => {
                s.ranges.iter().any(|r| r.start != r.end || r.start_offset != r.end_offset)
            }
            _ => false,
        },
        _ => false,
    }
}

/// One click of the run in progress.
struct RunClick {
    /// Index of its action, and the action's time (to notice it was folded away since).
    index: usize,
    t: i64,
    position: Option<(f64, f64)>,
    /// The first visible change at or after its press.
    answered_at: Option<i64>,
}

/// Rage bursts, found as clicks arrive: a run is the `click`s on one control (not a
/// text-editing surface), each near the previous; the run's bursts are marked on its actions
/// (`metadata.rage`) when the run ends.
#[derive(Default)]
pub(super) struct RageTracker {
    control: i64,
    run: Vec<RunClick>,
    /// Clicks before this index in `run` have their answer: the unanswered ones are always a
    /// suffix, so a change touches only those (never the whole run again).
    answered: usize,
    last_press: Option<i64>,
    last_change: Option<i64>,
}

impl RageTracker {
    /// The page visibly changed at `t`: every click waiting for an answer has one.
    pub(super) fn change(&mut self, t: i64) {
        self.last_change = Some(t);
        for click in &mut self.run[self.answered..] {
            click.answered_at.get_or_insert(t);
        }
        self.answered = self.run.len();
    }

    /// A mouse button went down at `t`.
    pub(super) fn press(&mut self, t: i64) {
        self.last_press = Some(t);
    }

    /// The `click` action at `index` was just added.
    pub(super) fn click(&mut self, list: &mut [Action], dom: &DomTracker, index: usize) {
        // Clicks folded away since (into a tick or a text selection) are not part of the run.
        while self.run.last().is_some_and(|c| !is_run_click(list, c)) {
            self.run.pop();
        }
        self.answered = self.answered.min(self.run.len());
        let a = &list[index];
        let Some(target) = a.target_node_id else { return };
        let facts = element_facts(dom, target);
        let position = match (a.metadata.get("x").and_then(Value::as_f64), a.metadata.get("y").and_then(Value::as_f64))
        {
            (Some(x), Some(y)) => Some((x, y)),
            _ => None,
        };
        let t = a.t_ms;
        let continues = !facts.text_entry
            && self.run.last().is_some_and(|p| {
                let near = match (p.position, position) {
                    (Some((px, py)), Some((x, y))) => (x - px).hypot(y - py) < RAGE_CLICK_RADIUS_PX,
                    _ => true,
                };
                self.control == facts.control_id && near
            });
        if !continues {
            self.finish(list);
        }
        if facts.text_entry {
            return;
        }
        self.control = facts.control_id;
        let pressed = self.last_press.filter(|&p| t.saturating_sub(p) <= FOCUS_CLICK_MS);
        let answered_at = match (pressed, self.last_change) {
            (Some(press), Some(change)) if change >= press => Some(t),
            _ => None,
        };
        if answered_at.is_some() && self.answered == self.run.len() {
            self.answered += 1;
        }
        self.run.push(RunClick { index, t, position, answered_at });
    }

    /// Ends the run: marks its rage bursts. A burst is at least [`RAGE_CLICK_THRESHOLD`] clicks
    /// whose first and last are at most [`RAGE_CLICK_WINDOW_MS`] apart (overlapping windows
    /// make one burst), unless the page answered every click before the next one (within the
    /// window for the last): a stepper clicked quickly is in use, not raged at.
    pub(super) fn finish(&mut self, list: &mut [Action]) {
        self.answered = 0;
        let run: Vec<RunClick> = std::mem::take(&mut self.run).into_iter().filter(|c| is_run_click(list, c)).collect();
        for burst in bursts(run.len(), |k| run[k].t, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS) {
            let burst = &run[burst];
            let answered = burst.iter().enumerate().all(|(m, c)| {
                let next = burst.get(m + 1).map_or(c.t.saturating_add(RAGE_CLICK_WINDOW_MS), |n| n.t);
                c.answered_at.is_some_and(|r| r <= next)
            });
            if answered {
                continue;
            }
            let (start, end) = (burst[0].t, burst[burst.len() - 1].t);
            let mut rage = Map::new();
            rage.insert("start_ms".into(), start.into());
            rage.insert("count".into(), burst.len().into());
            rage.insert("span_ms".into(), (end - start).into());
            for c in burst {
                list[c.index].metadata.insert("rage".into(), Value::Object(rage.clone()));
            }
        }
    }
}

/// The bursts in a run of clicks on one control, as index ranges into the run: maximal spans of
/// clicks each inside some window of at most `window_ms` (first to last click) that holds at
/// least `threshold` clicks, so overlapping windows make one burst. `t(k)` is click `k`'s time
/// (Unix epoch ms, non-decreasing). A negative `window_ms` finds none. Shared by the timeline's
/// rage lines and the bundle's rage-click signal, so the two agree.
pub(crate) fn bursts(len: usize, t: impl Fn(usize) -> i64, threshold: usize, window_ms: i64) -> Vec<Range<usize>> {
    let mut marked = vec![false; len];
    let mut j = 0;
    for k in 0..len {
        while j < k && t(k) - t(j) > window_ms {
            j += 1;
        }
        if k + 1 - j >= threshold && window_ms >= 0 {
            marked[j..=k].iter_mut().for_each(|m| *m = true);
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < len {
        if !marked[k] {
            k += 1;
            continue;
        }
        let first = k;
        while k < len && marked[k] {
            k += 1;
        }
        out.push(first..k);
    }
    out
}

/// The run's click is still the `click` action it was added as (not folded away since).
fn is_run_click(list: &[Action], c: &RunClick) -> bool {
    list.get(c.index).is_some_and(|a| {
        a.t_ms == c.t
            && a.action == ActionKind::Click
            && a.metadata.get("interaction").and_then(Value::as_str) == Some("click")
    })
}
