//! What every signal returns ([`Finding`], [`Evidence`]) and what the detectors share: reading
//! an action's facts, drafting a finding with its evidence, and the episodes that the thrash
//! and scroll trackers recognise during the pass.

use crate::analyze::normalize::normalize_url;
use crate::analyze::session::facts::{AnalyzedSession, ElementFacts, Episode};
use crate::analyze::{timeline, Action, ActionKind, Outcome, OutcomeKind};
use serde::Serialize;
use serde_json::Value;

/// Actions shown as evidence before a finding's first action, and after its last.
pub const EVIDENCE_BEFORE: usize = 3;
/// See [`EVIDENCE_BEFORE`].
pub const EVIDENCE_AFTER: usize = 2;
/// Most actions shown as evidence from inside a finding (a long burst is cut, and then no
/// actions after it are shown).
pub const MAX_EVIDENCE_DURING: usize = 10;

/// The kinds of findings, in the order the friction report lists equally ranked groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Quick repeated clicks on one control ([`rage_clicks`](super::rage_clicks)).
    RageClick,
    /// A click the page did not respond to ([`dead_clicks`](super::dead_clicks)).
    DeadClick,
    /// A console error or a failed request right after a click ([`error_clicks`](super::error_clicks)).
    ErrorClick,
    /// To a page and straight back ([`u_turns`](super::u_turns)).
    UTurn,
    /// Fields filled in, never submitted ([`form_abandonments`](super::form_abandonments)).
    FormAbandonment,
    /// The pointer darting back and forth ([`thrashed_cursors`](super::thrashed_cursors)).
    ThrashedCursor,
    /// Scrolling back and forth ([`excessive_scrolling`](super::excessive_scrolling)).
    ExcessiveScrolling,
}

impl FindingKind {
    /// Every kind, in order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::RageClick,
        FindingKind::DeadClick,
        FindingKind::ErrorClick,
        FindingKind::UTurn,
        FindingKind::FormAbandonment,
        FindingKind::ThrashedCursor,
        FindingKind::ExcessiveScrolling,
    ];

    /// The snake_case name used in JSON (`rage_click`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::RageClick => "rage_click",
            FindingKind::DeadClick => "dead_click",
            FindingKind::ErrorClick => "error_click",
            FindingKind::UTurn => "u_turn",
            FindingKind::FormAbandonment => "form_abandonment",
            FindingKind::ThrashedCursor => "thrashed_cursor",
            FindingKind::ExcessiveScrolling => "excessive_scrolling",
        }
    }

    /// For people (`Rage click`).
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::RageClick => "Rage click",
            FindingKind::DeadClick => "Dead click",
            FindingKind::ErrorClick => "Error click",
            FindingKind::UTurn => "U-turn",
            FindingKind::FormAbandonment => "Form abandonment",
            FindingKind::ThrashedCursor => "Thrashed cursor",
            FindingKind::ExcessiveScrolling => "Excessive scrolling",
        }
    }
}

/// One action shown as evidence: when (Unix epoch ms, and seconds since the replay's first
/// event) and its description.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// Unix epoch ms.
    pub t_ms: i64,
    /// Seconds since the replay's first event.
    pub offset_s: f64,
    /// The action's description, or for a rage burst its timeline line (`Rage-clicked …`).
    pub description: String,
}

/// One frustration episode in one replay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// The replay it was found in.
    pub replay_id: String,
    /// Its user, when known.
    pub distinct_id: Option<String>,
    /// Start and end of the episode, Unix epoch ms (equal for a single click).
    pub t_ms: i64,
    /// See `start_ms`.
    pub end_ms: i64,
    /// `t_ms` in seconds since the replay's first event.
    pub offset_s: f64,
    /// The element, as the timeline describes it (the clicked control, the last field typed
    /// into, the element under the pointer or scrolled; for a u-turn the link that led away).
    pub element: Option<String>,
    /// The element's rrweb node id.
    pub target_node_id: Option<i64>,
    /// The page, normalized ([`normalize_url`]); for a u-turn, the page left quickly.
    pub url: Option<String>,
    /// Clicks in the burst, dead clicks, console errors, fields typed into, or direction
    /// changes; 1 for a u-turn.
    pub count: usize,
    /// One line for people and LLMs.
    pub explanation: String,
    /// The actions around it, in time order.
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// Who hit it, for counting users: `distinct_id`, else the replay id.
    pub fn user(&self) -> &str {
        self.distinct_id.as_deref().unwrap_or(&self.replay_id)
    }
}

pub(super) fn interaction(a: &Action) -> Option<&str> {
    a.metadata.get("interaction").and_then(Value::as_str)
}

/// A `click` interaction (not dblclick, right_click or focus).
pub(super) fn is_click(a: &Action) -> bool {
    a.action == ActionKind::Click && interaction(a) == Some("click")
}

/// click, dblclick or right_click: the genuine clicks of `n_clicks`.
pub(super) fn is_genuine_click(a: &Action) -> bool {
    a.action == ActionKind::Click && interaction(a) != Some("focus")
}

/// The click's outcome says the page visibly responded at most `limit_ms` after it.
pub(super) fn responded_within(a: &Action, limit_ms: i64) -> bool {
    Outcome::of(a).is_some_and(|o| o.kind != OutcomeKind::Nothing && o.after_ms.is_some_and(|ms| ms <= limit_ms))
}

pub(super) fn element(replay: &AnalyzedSession, i: usize) -> Option<&ElementFacts> {
    replay.facts.get(i).and_then(|f| f.element.as_ref())
}

pub(super) fn position(a: &Action) -> Option<(f64, f64)> {
    Some((a.metadata.get("x")?.as_f64()?, a.metadata.get("y")?.as_f64()?))
}

pub(super) fn seconds(ms: i64) -> String {
    format!("{:.1}", ms as f64 / 1000.0)
}

pub(super) fn times(n: usize) -> String {
    if n == 1 {
        String::new()
    } else {
        format!(" {n} times")
    }
}

/// The actions from [`EVIDENCE_BEFORE`] before `start_ms` to [`EVIDENCE_AFTER`] after
/// `end_ms` (inclusive), at most [`MAX_EVIDENCE_DURING`] from inside, as the timeline reads
/// them (the clicks of a rage burst are one entry).
pub(super) fn evidence(replay: &AnalyzedSession, start_ms: i64, end_ms: i64) -> Vec<Evidence> {
    let actions = &replay.actions;
    let lo = actions.partition_point(|a| a.t_ms < start_ms);
    let hi = actions.partition_point(|a| a.t_ms <= end_ms).max(lo);
    let during_end = hi.min(lo + MAX_EVIDENCE_DURING);
    let end = if during_end == hi { (hi + EVIDENCE_AFTER).min(actions.len()) } else { during_end };
    timeline::entries(&actions[lo.saturating_sub(EVIDENCE_BEFORE)..end])
        .into_iter()
        .map(|(t_ms, description)| Evidence { t_ms, offset_s: replay.offset_s(t_ms), description })
        .collect()
}

pub(super) struct Draft<'a> {
    pub(super) kind: FindingKind,
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) element: Option<&'a str>,
    pub(super) node: Option<i64>,
    pub(super) url: Option<&'a str>,
    pub(super) count: usize,
    pub(super) explanation: String,
}

pub(super) fn finding(replay: &AnalyzedSession, d: Draft) -> Finding {
    Finding {
        kind: d.kind,
        replay_id: replay.session.replay_id.clone(),
        distinct_id: replay.session.distinct_id.clone(),
        t_ms: d.start,
        end_ms: d.end,
        offset_s: replay.offset_s(d.start),
        element: d.element.map(str::to_string),
        target_node_id: d.node,
        url: d.url.map(normalize_url),
        count: d.count,
        explanation: d.explanation,
        evidence: evidence(replay, d.start, d.end),
    }
}

pub(super) fn episode_findings(replay: &AnalyzedSession, kind: FindingKind, episodes: &[Episode]) -> Vec<Finding> {
    episodes
        .iter()
        .map(|e| {
            let el = e.element.as_deref().unwrap_or("element");
            let span = seconds(e.end_ms - e.start_ms);
            let explanation = match kind {
                FindingKind::ThrashedCursor => {
                    format!("Moved the pointer back and forth over {el}: {} direction changes in {span} s", e.count)
                }
                _ => format!("Scrolled {el} up and down: {} reversals in {span} s", e.count),
            };
            finding(
                replay,
                Draft {
                    kind,
                    start: e.start_ms,
                    end: e.end_ms,
                    element: e.element.as_deref(),
                    node: e.node_id,
                    url: e.url.and_then(|u| replay.url(u)),
                    count: e.count,
                    explanation,
                },
            )
        })
        .collect()
}

/// A thrash or scroll episode recognised (or extended) by a tracker.
pub(crate) struct EpisodeUpdate {
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    pub(crate) count: usize,
    pub(crate) node: Option<i64>,
    /// Continues the tracker's last episode rather than starting one.
    pub(crate) extends: bool,
}
