//! Frustration signals: where a replay shows a user struggling.
//!
//! Definitions follow the tools compared in `../shared/field-notes.md` ("Frustration signals");
//! every threshold is a constant below that says where it comes from. Each detector returns
//! [`Finding`]s: one per episode (a burst of rage clicks is one finding with `count` clicks),
//! with the element, the page, a one-line explanation and the actions around it as evidence.
//! All text comes from the recording's own (already masked) descriptions; URLs are normalized
//! ([`normalize_url`]), so query strings never reach a finding.
//!
//! Detectors that need every pointer position or scroll offset (thrashed cursor, excessive
//! scrolling) run during the replay's single pass (`session/pass.rs`); the others read the actions and
//! the per-action facts kept in [`Replay`].

use super::facts::{ElementFacts, Episode, Replay};
use crate::analyze::normalize::{normalize_path, normalize_url};
use crate::analyze::{timeline, Action, ActionKind, Outcome, OutcomeKind, OUTCOME_WINDOW_MS};
use serde::Serialize;
use serde_json::Value;

pub use crate::analyze::gestures::{
    RAGE_CLICK_RADIUS_PX, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS, TRIPLE_CLICK_SELECTION_MS,
};
/// A click on something clickable with no visible response (DOM mutation, scroll, navigation,
/// selection, input state, media, stylesheet or canvas change) within this long is dead, in
/// ms: the click outcome window ([`OUTCOME_WINDOW_MS`], 1.5 s), so a dead click is exactly a
/// click whose outcome is `nothing`. field-notes.md: OpenReplay 1.234 s, PostHog 2.5 s,
/// Sentry 7 s.
pub const DEAD_CLICK_TIMEOUT_MS: i64 = OUTCOME_WINDOW_MS;
/// A console error this soon after a click makes it an error click, in ms. field-notes.md
/// ("a click followed shortly by a console/JS error"); the 1 s comes from the issue.
pub const ERROR_CLICK_WINDOW_MS: i64 = 1_000;
/// Going to a page and back to the previous one within this long is a u-turn, in ms
/// (field-notes.md: "quick backs (u-turns)"; the 10 s comes from the issue).
pub const U_TURN_MAX_MS: i64 = 10_000;
/// Pointer direction changes that make a thrashed cursor. field-notes.md: OpenReplay, "> 4
/// direction changes".
pub const THRASH_DIRECTION_CHANGES: usize = 5;
/// Longest gap between consecutive direction changes of one thrash, in ms. field-notes.md:
/// OpenReplay's "~225 ms windows". rrweb samples the pointer at most every 50 ms, so five
/// changes inside one 225 ms window cannot be recorded; rewind applies the window between
/// consecutive changes instead.
pub const THRASH_MAX_GAP_MS: i64 = 225;
/// Least movement along an axis between two pointer samples for it to count towards a
/// direction change, in CSS px: rewind's stand-in for OpenReplay's "high acceleration" (20 px
/// per ≤ 50 ms sample is ≥ 400 px/s); slower drift and hand tremor never count.
pub const THRASH_MIN_SEGMENT_PX: f64 = 20.0;
/// Scroll direction reversals that make excessive scrolling. field-notes.md lists the signal
/// without numbers; rewind's definition is scrolling back and forth (searching): at least 3
/// reversals within [`EXCESSIVE_SCROLL_WINDOW_MS`], each leg at least
/// [`EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS`] viewport heights.
pub const EXCESSIVE_SCROLL_TURNS: usize = 3;
/// See [`EXCESSIVE_SCROLL_TURNS`], in ms.
pub const EXCESSIVE_SCROLL_WINDOW_MS: i64 = 10_000;
/// See [`EXCESSIVE_SCROLL_TURNS`]: half a screen, so reading back a line or two never counts.
pub const EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS: f64 = 0.5;
/// Viewport height assumed before a Meta or ViewportResize event gives one, in CSS px.
pub const FALLBACK_VIEWPORT_HEIGHT_PX: f64 = 720.0;
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
    /// Quick repeated clicks on one control ([`rage_clicks`]).
    RageClick,
    /// A click the page did not respond to ([`dead_clicks`]).
    DeadClick,
    /// A console error right after a click ([`error_clicks`]).
    ErrorClick,
    /// To a page and straight back ([`u_turns`]).
    UTurn,
    /// Fields filled in, never submitted ([`form_abandonments`]).
    FormAbandonment,
    /// The pointer darting back and forth ([`thrashed_cursors`]).
    ThrashedCursor,
    /// Scrolling back and forth ([`excessive_scrolling`]).
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

/// Every kind of finding in `replay`, rage clicks with the given parameters, sorted by time
/// then kind.
pub fn all_findings(replay: &Replay, rage_threshold: usize, rage_window_ms: i64) -> Vec<Finding> {
    let mut out = rage_clicks(replay, rage_threshold, rage_window_ms);
    out.extend(dead_clicks(replay));
    out.extend(error_clicks(replay));
    out.extend(u_turns(replay));
    out.extend(form_abandonments(replay));
    out.extend(thrashed_cursors(replay));
    out.extend(excessive_scrolling(replay));
    out.sort_by_key(|f| (f.t_ms, f.kind));
    out
}

fn interaction(a: &Action) -> Option<&str> {
    a.metadata.get("interaction").and_then(Value::as_str)
}

/// A `click` interaction (not dblclick, right_click or focus).
fn is_click(a: &Action) -> bool {
    a.action == ActionKind::Click && interaction(a) == Some("click")
}

/// click, dblclick or right_click: the genuine clicks of `n_clicks`.
fn is_genuine_click(a: &Action) -> bool {
    a.action == ActionKind::Click && interaction(a) != Some("focus")
}

/// The click's outcome says the page visibly responded at most `limit_ms` after it.
fn responded_within(a: &Action, limit_ms: i64) -> bool {
    Outcome::of(a).is_some_and(|o| o.kind != OutcomeKind::Nothing && o.after_ms.is_some_and(|ms| ms <= limit_ms))
}

fn element(replay: &Replay, i: usize) -> Option<&ElementFacts> {
    replay.facts.get(i).and_then(|f| f.element.as_ref())
}

fn position(a: &Action) -> Option<(f64, f64)> {
    Some((a.metadata.get("x")?.as_f64()?, a.metadata.get("y")?.as_f64()?))
}

fn seconds(ms: i64) -> String {
    format!("{:.1}", ms as f64 / 1000.0)
}

fn times(n: usize) -> String {
    if n == 1 {
        String::new()
    } else {
        format!(" {n} times")
    }
}

/// The actions from [`EVIDENCE_BEFORE`] before `start_ms` to [`EVIDENCE_AFTER`] after
/// `end_ms` (inclusive), at most [`MAX_EVIDENCE_DURING`] from inside, as the timeline reads
/// them (the clicks of a rage burst are one entry).
pub(crate) fn evidence(replay: &Replay, start_ms: i64, end_ms: i64) -> Vec<Evidence> {
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

struct Draft<'a> {
    kind: FindingKind,
    start: i64,
    end: i64,
    element: Option<&'a str>,
    node: Option<i64>,
    url: Option<&'a str>,
    count: usize,
    explanation: String,
}

fn finding(replay: &Replay, d: Draft) -> Finding {
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

/// Rage clicks: at least `threshold` `click`s on one control, the first and last at most
/// `window_ms` apart (inclusive), each within [`RAGE_CLICK_RADIUS_PX`] of the previous when
/// both positions are known. A click elsewhere ends the run; clicks on text-editing surfaces
/// never count ([`ElementFacts::text_entry`]), nor does a burst that selected text in the
/// clicked element within [`TRIPLE_CLICK_SELECTION_MS`] (a triple click), nor one in which the
/// page visibly responded to every click before the next (within `window_ms` for the last;
/// read from the clicks' outcomes, [`crate::analyze::Outcome`]):
/// a quantity stepper or an "Add item" button clicked quickly is in use, not raged at
/// (field-notes.md: Sentry counts clicks on an *unresponsive* element). Overlapping windows
/// make one finding whose `count` is its clicks. `threshold` below 1 is taken as 1.
pub fn rage_clicks(replay: &Replay, threshold: usize, window_ms: i64) -> Vec<Finding> {
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
fn rage_runs(replay: &Replay, run: &[usize], threshold: usize, window_ms: i64, out: &mut Vec<Finding>) {
    let t = |k: usize| replay.actions[run[k]].t_ms;
    let mut marked = vec![false; run.len()];
    let mut j = 0;
    for k in 0..run.len() {
        while j < k && t(k) - t(j) > window_ms {
            j += 1;
        }
        if k + 1 - j >= threshold && window_ms >= 0 {
            marked[j..=k].iter_mut().for_each(|m| *m = true);
        }
    }
    let mut k = 0;
    while k < run.len() {
        if !marked[k] {
            k += 1;
            continue;
        }
        let first = k;
        while k < run.len() && marked[k] {
            k += 1;
        }
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

/// Dead clicks: a `click` on something clickable ([`ElementFacts::clickable`]; not a
/// text-editing surface) whose outcome ([`crate::analyze::Outcome`]) is `nothing`: the page
/// did not visibly respond within [`DEAD_CLICK_TIMEOUT_MS`], or before the user moved on —
/// clicked, touched, focused or typed into another control, or selected text (a `select`
/// action starts at the first click of the double or triple click that made it) — because
/// what happens next is that action's doing. A click whose wait the end of the recording cuts
/// short is not judged. Consecutive dead clicks on one control, each within the timeout of the
/// previous, make one finding whose `count` is the clicks.
pub fn dead_clicks(replay: &Replay) -> Vec<Finding> {
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

/// Error clicks: console errors (including uncaught exceptions, which the console plugin
/// records as errors) within [`ERROR_CLICK_WINDOW_MS`] after a genuine click (click, dblclick,
/// right_click), each error credited to the latest such click before it. One finding per
/// click; `count` is its errors.
pub fn error_clicks(replay: &Replay) -> Vec<Finding> {
    let actions = &replay.actions;
    let mut credited: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut last_click = None;
    for (i, a) in actions.iter().enumerate() {
        if is_genuine_click(a) {
            last_click = Some(i);
        } else if a.action == ActionKind::ConsoleError {
            let Some(c) = last_click.filter(|&c| a.t_ms - actions[c].t_ms <= ERROR_CLICK_WINDOW_MS) else { continue };
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
                        "Clicked {el}; console error {} s later: \"{message}\"{more}",
                        seconds(error.t_ms - click.t_ms)
                    ),
                },
            )
        })
        .collect()
}

/// A page's identity for u-turns: its URL without query string or fragment.
fn page_of(url: &str) -> &str {
    &url[..url.find(['?', '#']).unwrap_or(url.len())]
}

/// U-turns: a navigation to a page, then back to the page before it within
/// [`U_TURN_MAX_MS`]. Pages are compared without query string and fragment, so jumping to an
/// anchor and back is not one. The finding's `url` is the page left quickly, its `element` the last click
/// that led there.
pub fn u_turns(replay: &Replay) -> Vec<Finding> {
    let actions = &replay.actions;
    let navs: Vec<usize> =
        actions.iter().enumerate().filter(|(_, a)| a.action == ActionKind::Navigate).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for w in navs.windows(3) {
        let [from, to, back] = [&actions[w[0]], &actions[w[1]], &actions[w[2]]];
        let page = |a: &Action| a.url.as_deref().map(page_of).unwrap_or("").to_string();
        if page(back) != page(from) || page(to) == page(from) || back.t_ms - to.t_ms > U_TURN_MAX_MS {
            continue;
        }
        let click = (w[0] + 1..w[1]).rev().map(|i| &actions[i]).find(|a| is_genuine_click(a));
        let path = |a: &Action| a.url.as_deref().map(normalize_path).unwrap_or_default();
        out.push(finding(
            replay,
            Draft {
                kind: FindingKind::UTurn,
                start: to.t_ms,
                end: back.t_ms,
                element: click.and_then(|c| c.target_desc.as_deref()),
                node: click.and_then(|c| c.target_node_id),
                url: to.url.as_deref(),
                count: 1,
                explanation: format!(
                    "Went from {} to {} and came back after {} s",
                    path(from),
                    path(to),
                    seconds(back.t_ms - to.t_ms)
                ),
            },
        ));
    }
    out
}

/// Form abandonment: on the last page of the replay (a later navigation means the user went
/// on), values typed (masked ones too) or chosen in text fields or selects, and after the last
/// of them no click on a button ([`ElementFacts::button_like`]). Checkbox and radio changes
/// alone do not count.
/// `count` is the fields touched; `element` the last one.
pub fn form_abandonments(replay: &Replay) -> Vec<Finding> {
    let actions = &replay.actions;
    let page_start = actions.iter().rposition(|a| a.action == ActionKind::Navigate).map_or(0, |i| i + 1);
    let inputs: Vec<usize> = (page_start..actions.len())
        .filter(|&i| {
            actions[i].action == ActionKind::Input
                && (actions[i].metadata.contains_key("value") || actions[i].metadata.contains_key("masked"))
                && element(replay, i).is_some_and(|e| e.text_entry)
        })
        .collect();
    let (Some(&first), Some(&last)) = (inputs.first(), inputs.last()) else { return Vec::new() };
    let submitted = (last + 1..actions.len())
        .any(|i| is_genuine_click(&actions[i]) && element(replay, i).is_some_and(|e| e.button_like));
    if submitted {
        return Vec::new();
    }
    let mut fields: Vec<i64> = inputs.iter().filter_map(|&i| actions[i].target_node_id).collect();
    fields.sort_unstable();
    fields.dedup();
    let a = &actions[last];
    let el = a.target_desc.as_deref().unwrap_or("element");
    let n = fields.len();
    vec![finding(
        replay,
        Draft {
            kind: FindingKind::FormAbandonment,
            start: actions[first].t_ms,
            end: a.t_ms,
            element: a.target_desc.as_deref(),
            node: a.target_node_id,
            url: a.url.as_deref(),
            count: n,
            explanation: format!(
                "Filled in {n} field{} (last: {el}), then left without submitting",
                if n == 1 { "" } else { "s" }
            ),
        },
    )]
}

fn episode_findings(replay: &Replay, kind: FindingKind, episodes: &[Episode]) -> Vec<Finding> {
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

/// Thrashed cursor: more than four pointer direction changes ([`THRASH_DIRECTION_CHANGES`]),
/// each within [`THRASH_MAX_GAP_MS`] of the previous, counting movements of at least
/// [`THRASH_MIN_SEGMENT_PX`] per sample. `element` is what the pointer was over.
pub fn thrashed_cursors(replay: &Replay) -> Vec<Finding> {
    episode_findings(replay, FindingKind::ThrashedCursor, &replay.thrash)
}

/// Excessive scrolling: one element (or the page) scrolled back and forth, at least
/// [`EXCESSIVE_SCROLL_TURNS`] reversals within [`EXCESSIVE_SCROLL_WINDOW_MS`], each leg at
/// least [`EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS`] of the viewport's height. `count` is the
/// reversals.
pub fn excessive_scrolling(replay: &Replay) -> Vec<Finding> {
    episode_findings(replay, FindingKind::ExcessiveScrolling, &replay.scrolls)
}
