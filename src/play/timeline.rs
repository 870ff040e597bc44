//! The playback index: everything a player shows besides the page itself, looked up by time.
//!
//! Built in one pass over the events ([`Timeline::new`]): the recorded viewport (Meta
//! width/height, ViewportResize), the page URL (Meta href, and the `href` of the recorder's
//! route changes, Custom `rewind.navigation` events; see [`NAVIGATION_TAG`]), pointer positions (MouseMove,
//! TouchMove, Drag samples at `timestamp + timeOffset`, and the position of every mouse
//! interaction), clicks and touches, and the spans without user activity. The analyzer's
//! actions and rage clicks ([`Timeline::set_analysis`], from [`analysis`]) add the captions and
//! the scrubber's ticks. Times are Unix epoch milliseconds, like the events'.

use crate::analyze::session::signals::{rage_clicks, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use crate::analyze::session::{AnalyzedSession, Finding};
use crate::analyze::{Action, ActionKind};
use crate::model::{Event, EventData, IncrementalData, MouseInteraction, Recording};
use serde::Serialize;

/// A gap between two user interactions longer than this is inactivity, in ms (rrweb-player's
/// `inactivePeriodThreshold`, 10 s).
pub const INACTIVITY_THRESHOLD_MS: i64 = 10_000;
/// Skipping an inactive span keeps this much of it at each end, in ms: the second after the
/// last interaction (to see its effect) and the second before the next one.
pub const SKIP_MARGIN_MS: i64 = 1_000;
/// Pointer samples further apart than this are not interpolated between (the pointer jumped or
/// left the page), in ms.
pub const MAX_INTERPOLATION_GAP_MS: i64 = 500;
/// How long an action's description stays as the caption, in ms.
pub const CAPTION_MS: i64 = 3_000;
pub use crate::NAVIGATION_TAG;

/// Viewport assumed before a Meta gives one, in CSS px (rrweb-player's default size).
pub const DEFAULT_VIEWPORT: (f64, f64) = (1024.0, 576.0);

/// A pointer sample: where the pointer was at `t_ms`, in CSS px of the recorded viewport.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PointerSample {
    pub t_ms: i64,
    pub x: f64,
    pub y: f64,
}

/// The kind of a click drawn by the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClickKind {
    Click,
    DoubleClick,
    RightClick,
    Touch,
}

/// A click or touch, with where it landed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Click {
    pub t_ms: i64,
    pub x: f64,
    pub y: f64,
    pub kind: ClickKind,
    /// The clicked node.
    pub node_id: i64,
    /// Part of a rage-click burst (from the analyzer's rage clicks).
    pub rage: bool,
}

/// A span of time without user activity, `[start_ms, end_ms]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// What a scrubber tick marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TickKind {
    Click,
    Scroll,
    Input,
    Page,
    Error,
    Rage,
}

/// A mark on the scrubber: the action's time, kind, index in the actions, and description.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tick {
    pub t_ms: i64,
    pub kind: TickKind,
    /// Index into the actions ([`Timeline::actions`]).
    pub action: usize,
    pub label: String,
}

/// The playback index of one recording.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// First and last event (Unix epoch ms); equal for an empty recording.
    pub start_ms: i64,
    pub end_ms: i64,
    viewports: Vec<(i64, f64, f64)>,
    urls: Vec<(i64, String)>,
    pointer: Vec<PointerSample>,
    clicks: Vec<Click>,
    inactive: Vec<Span>,
    /// First and last user interaction.
    activity: Option<(i64, i64)>,
    actions: Vec<Action>,
    ticks: Vec<Tick>,
}

/// The analyzer's view of a recording: its actions and rage clicks (the bundle analytics'
/// definitions, `crate::analyze::session::signals`). Consumes a copy of the recording.
pub fn analysis(recording: Recording) -> (Vec<Action>, Vec<Finding>) {
    analysis_of(AnalyzedSession::from_recording(recording))
}

/// [`analysis`] of an already analysed replay (the player builds it in slices).
pub fn analysis_of(replay: AnalyzedSession) -> (Vec<Action>, Vec<Finding>) {
    let rage = rage_clicks(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS);
    (replay.into_actions(), rage)
}

impl Timeline {
    /// Indexes `events` (sorted by time).
    pub fn new(events: &[Event]) -> Self {
        let start_ms = events.first().map_or(0, |e| e.timestamp);
        let end_ms = events.last().map_or(start_ms, |e| e.timestamp);
        let mut t = Timeline { start_ms, end_ms, ..Timeline::default() };
        let mut activity: Vec<i64> = Vec::new();
        for e in events {
            match &e.data {
                EventData::Meta(m) => {
                    if m.width > 0.0 && m.height > 0.0 {
                        t.viewports.push((e.timestamp, m.width, m.height));
                    }
                    t.push_url(e.timestamp, &m.href);
                }
                EventData::Custom(c) if c.tag == NAVIGATION_TAG => {
                    if let Some(href) = c.payload.as_deref().and_then(navigation_href) {
                        t.push_url(e.timestamp, &href);
                    }
                }
                EventData::IncrementalSnapshot(data) => {
                    if (1..=5).contains(&data.source_number()) {
                        activity.push(e.timestamp);
                    }
                    match data {
                        IncrementalData::MouseMove(p) | IncrementalData::TouchMove(p) | IncrementalData::Drag(p) => {
                            for s in &p.positions {
                                let at = e.timestamp.saturating_add(s.time_offset.round() as i64);
                                t.pointer.push(PointerSample { t_ms: at, x: s.x, y: s.y });
                            }
                        }
                        IncrementalData::MouseInteraction(m) => {
                            if let (Some(x), Some(y)) = (m.x, m.y) {
                                t.pointer.push(PointerSample { t_ms: e.timestamp, x, y });
                                let kind = match m.interaction {
                                    MouseInteraction::Click => Some(ClickKind::Click),
                                    MouseInteraction::DblClick => Some(ClickKind::DoubleClick),
                                    MouseInteraction::ContextMenu => Some(ClickKind::RightClick),
                                    MouseInteraction::TouchStart => Some(ClickKind::Touch),
                                    _ => None,
                                };
                                if let Some(kind) = kind {
                                    t.clicks.push(Click { t_ms: e.timestamp, x, y, kind, node_id: m.id, rage: false });
                                }
                            }
                        }
                        IncrementalData::ViewportResize(v) if v.width > 0.0 && v.height > 0.0 => {
                            t.viewports.push((e.timestamp, v.width, v.height));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        // Samples of one event are in order, but a later event's first samples may precede an
        // earlier event's last (timeOffset ≤ 0): sort, stably.
        t.pointer.sort_by_key(|p| p.t_ms);
        t.inactive = inactive_spans(start_ms, end_ms, &activity);
        t.activity = activity.first().zip(activity.iter().max()).map(|(a, b)| (*a, *b));
        t
    }

    /// Adds the analyzer's actions (captions, ticks) and rage clicks (marks the clicks in them).
    pub fn set_analysis(&mut self, actions: Vec<Action>, rage: &[Finding]) {
        for c in &mut self.clicks {
            c.rage = rage.iter().any(|f| {
                c.t_ms >= f.t_ms
                    && c.t_ms <= f.end_ms
                    && (f.target_node_id.is_none() || f.target_node_id == Some(c.node_id))
            });
        }
        let mut ticks = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            let interaction = a.metadata.get("interaction").and_then(|v| v.as_str());
            let kind = match a.action {
                ActionKind::Click if interaction == Some("focus") => None,
                ActionKind::Click | ActionKind::TouchStart => Some(TickKind::Click),
                ActionKind::Scroll => Some(TickKind::Scroll),
                ActionKind::Input => Some(TickKind::Input),
                ActionKind::Navigate => Some(TickKind::Page),
                ActionKind::ConsoleError | ActionKind::NetworkError => Some(TickKind::Error),
                _ => None,
            };
            if let Some(kind) = kind {
                ticks.push(Tick { t_ms: a.t_ms, kind, action: i, label: a.description.clone() });
            }
        }
        for f in rage {
            let action = actions.partition_point(|a| a.t_ms < f.t_ms).min(actions.len().saturating_sub(1));
            ticks.push(Tick { t_ms: f.t_ms, kind: TickKind::Rage, action, label: f.explanation.clone() });
        }
        ticks.sort_by_key(|t| t.t_ms);
        self.ticks = ticks;
        self.actions = actions;
    }

    /// Duration in ms.
    pub fn duration_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }

    /// The recorded viewport `(width, height)` in CSS px at `t_ms`.
    pub fn viewport_at(&self, t_ms: i64) -> (f64, f64) {
        let k = self.viewports.partition_point(|v| v.0 <= t_ms);
        match k.checked_sub(1).or_else(|| (!self.viewports.is_empty()).then_some(0)) {
            Some(k) => (self.viewports[k].1, self.viewports[k].2),
            None => DEFAULT_VIEWPORT,
        }
    }

    /// A page URL from `t_ms` on (empty ones and repeats are not changes).
    fn push_url(&mut self, t_ms: i64, href: &str) {
        if !href.is_empty() && self.urls.last().is_none_or(|(_, u)| u != href) {
            self.urls.push((t_ms, href.to_string()));
        }
    }

    /// The page URL at `t_ms` (the last Meta or route-change href), if any yet.
    pub fn url_at(&self, t_ms: i64) -> Option<&str> {
        let k = self.urls.partition_point(|u| u.0 <= t_ms);
        k.checked_sub(1).map(|k| self.urls[k].1.as_str())
    }

    /// Where the pointer is at `t_ms`: the last sample, moving linearly towards the next one
    /// when that is at most [`MAX_INTERPOLATION_GAP_MS`] away. `None` before the first sample.
    pub fn pointer_at(&self, t_ms: i64) -> Option<(f64, f64)> {
        let k = self.pointer.partition_point(|p| p.t_ms <= t_ms);
        let a = self.pointer.get(k.checked_sub(1)?)?;
        match self.pointer.get(k) {
            Some(b) if b.t_ms - a.t_ms <= MAX_INTERPOLATION_GAP_MS && b.t_ms > a.t_ms => {
                let f = (t_ms - a.t_ms) as f64 / (b.t_ms - a.t_ms) as f64;
                Some((a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f))
            }
            _ => Some((a.x, a.y)),
        }
    }

    /// The pointer samples in `(from_ms, to_ms]` (the trail), oldest first.
    pub fn pointer_between(&self, from_ms: i64, to_ms: i64) -> &[PointerSample] {
        let lo = self.pointer.partition_point(|p| p.t_ms <= from_ms);
        let hi = self.pointer.partition_point(|p| p.t_ms <= to_ms);
        &self.pointer[lo..hi.max(lo)]
    }

    /// The clicks in `(from_ms, to_ms]`, oldest first.
    pub fn clicks_between(&self, from_ms: i64, to_ms: i64) -> &[Click] {
        let lo = self.clicks.partition_point(|c| c.t_ms <= from_ms);
        let hi = self.clicks.partition_point(|c| c.t_ms <= to_ms);
        &self.clicks[lo..hi.max(lo)]
    }

    /// Every click, in time order.
    pub fn clicks(&self) -> &[Click] {
        &self.clicks
    }

    /// Every pointer sample, in time order.
    pub fn pointer(&self) -> &[PointerSample] {
        &self.pointer
    }

    /// The spans without user activity (gaps over [`INACTIVITY_THRESHOLD_MS`] between user
    /// interactions — rrweb's IncrementalSource MouseMove..Input — and at either end).
    pub fn inactive(&self) -> &[Span] {
        &self.inactive
    }

    /// Where playback at `t_ms` jumps to when skipping inactivity: the end of the inactive span
    /// `t_ms` is in (minus [`SKIP_MARGIN_MS`] before the next interaction), once the first
    /// [`SKIP_MARGIN_MS`] of it have played. `None` when there is nothing to skip.
    pub fn skip_from(&self, t_ms: i64) -> Option<i64> {
        let k = self.inactive.partition_point(|s| s.end_ms <= t_ms);
        let s = self.inactive.get(k)?;
        // Nothing to see before the first interaction or after the last one.
        let (first, last) = self.activity.unwrap_or((i64::MAX, i64::MIN));
        let lead = if s.start_ms < first { 0 } else { SKIP_MARGIN_MS };
        let tail = if s.end_ms > last { 0 } else { SKIP_MARGIN_MS };
        let (from, to) = (s.start_ms + lead, s.end_ms - tail);
        (t_ms >= from && t_ms < to).then_some(to)
    }

    /// The analyzer's actions, in time order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The scrubber's ticks, in time order.
    pub fn ticks(&self) -> &[Tick] {
        &self.ticks
    }

    /// The index of the last action at or before `t_ms`.
    pub fn action_at(&self, t_ms: i64) -> Option<usize> {
        self.actions.partition_point(|a| a.t_ms <= t_ms).checked_sub(1)
    }

    /// The caption at `t_ms`: the description of the last action in the [`CAPTION_MS`] before.
    pub fn caption_at(&self, t_ms: i64) -> Option<&str> {
        let a = &self.actions[self.action_at(t_ms)?];
        (t_ms - a.t_ms <= CAPTION_MS).then_some(a.description.as_str())
    }
}

/// Gaps longer than [`INACTIVITY_THRESHOLD_MS`] between consecutive activity times, and from
/// the start to the first / from the last to the end.
fn inactive_spans(start_ms: i64, end_ms: i64, activity: &[i64]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut last = start_ms;
    for &a in activity.iter().chain(std::iter::once(&end_ms)) {
        if a - last > INACTIVITY_THRESHOLD_MS {
            spans.push(Span { start_ms: last, end_ms: a });
        }
        last = last.max(a);
    }
    spans
}

/// The `href` of a route change's payload; `None` when the payload is not an object with a
/// string `href` (a Custom event of an app that happens to use the tag).
fn navigation_href(payload: &serde_json::value::RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Navigation {
        href: String,
    }
    serde_json::from_str::<Navigation>(payload.get()).ok().map(|n| n.href)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_long_gaps_and_the_ends() {
        let s = |a, b| Span { start_ms: a, end_ms: b };
        assert_eq!(
            inactive_spans(0, 100_000, &[20_000, 25_000, 40_000]),
            [s(0, 20_000), s(25_000, 40_000), s(40_000, 100_000)]
        );
        assert_eq!(inactive_spans(0, 10_000, &[]), []);
        assert_eq!(inactive_spans(0, 30_000, &[]), [s(0, 30_000)]);
        assert_eq!(inactive_spans(0, 30_000, &[5_000, 10_000, 20_000, 29_000]), []);
    }
}
