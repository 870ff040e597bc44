//! One session over time: `get_session_timeline` (the analyzer's markdown timeline, windowed and
//! paged) and `get_page_at` (the page at a moment, from the player's virtual DOM, as a text
//! outline).

use super::load::{analysed, record, with_events, SessionCache};
use super::output::{limit, offset_of, page, scrub_url, ToolOutcome};
use rewind::analyze::bundle::labels::action_name;
use rewind::analyze::{timeline_markdown, Action};
use rewind::model::EventData;
use rewind::play::seek::Playback;
use rewind::privacy::PrivacyOptions;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;

/// Timeline lines per page when `limit` is not given.
pub const DEFAULT_TIMELINE_LINES: usize = 100;
/// Most timeline lines per page.
pub const MAX_TIMELINE_LINES: usize = 200;
/// Outline lines per `get_page_at` page when `limit` is not given.
pub const DEFAULT_OUTLINE_LINES: usize = 150;
/// Most outline lines per `get_page_at` page (the whole outline is capped at
/// [`rewind::play::vdom::MAX_OUTLINE_LINES`]).
pub const MAX_OUTLINE_PAGE_LINES: usize = 400;

/// An action kind, or a click's interaction.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ActionFilter {
    /// A page load or route change.
    Navigate,
    /// Every click (including double and right clicks and focus).
    Click,
    /// A double click.
    Dblclick,
    /// A right click.
    RightClick,
    /// A focus without a click (keyboard).
    Focus,
    /// A touch.
    TouchStart,
    /// Scrolling.
    Scroll,
    /// Typing, choosing, ticking or clearing a field.
    Input,
    /// Selecting text.
    Select,
    /// A console error.
    ConsoleError,
    /// A failed request.
    NetworkError,
    /// An app-defined event.
    Custom,
}

impl ActionFilter {
    fn matches(self, action: &Action) -> bool {
        let name = serde_json::to_value(self).ok();
        let name = name.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        action.action.as_str() == name || action_name(action) == name
    }
}

/// `get_session_timeline`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineParams {
    /// The session's id, as `search_sessions` lists it.
    pub session_id: String,
    /// Only actions at or after this time, in seconds from the session's start.
    pub start_s: Option<f64>,
    /// Only actions before this time, in seconds from the session's start.
    pub end_s: Option<f64>,
    /// Only actions of these kinds (all when left out).
    pub kinds: Option<Vec<ActionFilter>>,
    /// Lines per page, 1 to 200 (default 100).
    pub limit: Option<u32>,
    /// The `cursor` of a previous page, to continue after it (with the same other arguments).
    pub cursor: Option<String>,
}

/// `get_page_at`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageAtParams {
    /// The session's id, as `search_sessions` lists it.
    pub session_id: String,
    /// The moment, in seconds from the session's start (the timeline's `12.5s:` times).
    pub t_s: f64,
    /// Outline lines per page, 1 to 400 (default 150).
    pub limit: Option<u32>,
    /// The `cursor` of a previous page, to continue after it (with the same other arguments).
    pub cursor: Option<String>,
}

fn seconds(name: &str, value: Option<f64>) -> Result<Option<i64>, String> {
    match value {
        Some(s) if !s.is_finite() || s < 0.0 => Err(format!("`{name}` must be a number of seconds, 0 or more")),
        Some(s) => Ok(Some((s * 1000.0).round() as i64)),
        None => Ok(None),
    }
}

/// `get_session_timeline`: the timeline of the actions in the window and of the kinds asked,
/// one page of lines.
pub async fn timeline(state: &AppState, cache: &SessionCache, params: TimelineParams) -> ToolOutcome {
    let from = seconds("start_s", params.start_s)?;
    let to = seconds("end_s", params.end_s)?;
    let offset = offset_of(params.cursor.as_deref())?;
    let lines = limit(params.limit, DEFAULT_TIMELINE_LINES, MAX_TIMELINE_LINES);
    let record = record(state, &params.session_id).await?;
    let replay = analysed(state, cache, &record).await?;
    let start = replay.session().start_time.unwrap_or(0);
    let kinds = params.kinds.unwrap_or_default();
    let actions: Vec<Action> = replay
        .actions()
        .iter()
        .filter(|a| from.is_none_or(|f| a.t_ms - start >= f) && to.is_none_or(|t| a.t_ms - start < t))
        .filter(|a| kinds.is_empty() || kinds.iter().any(|k| k.matches(a)))
        .cloned()
        .collect();
    let markdown = if actions.is_empty() { String::new() } else { timeline_markdown(&actions, start) };
    let all: Vec<&str> = markdown.lines().collect();
    let (range, truncated, cursor) = page(all.len(), offset, lines);
    Ok(json!({
        "session_id": record.session_id,
        "duration_s": replay.session().duration_s,
        "n_lines": all.len(),
        "timeline": all[range].iter().map(|l| format!("{l}\n")).collect::<String>(),
        "truncated": truncated,
        "cursor": cursor,
    }))
}

/// `get_page_at`: the page at `t_s` as an outline ([`rewind::play::vdom::VDom::outline`]),
/// one page of lines, with the page's URL and viewport.
pub async fn page_at(state: &AppState, params: PageAtParams) -> ToolOutcome {
    let t = seconds("t_s", Some(params.t_s))?.unwrap_or(0);
    let offset = offset_of(params.cursor.as_deref())?;
    let lines = limit(params.limit, DEFAULT_OUTLINE_LINES, MAX_OUTLINE_PAGE_LINES);
    let record = record(state, &params.session_id).await?;
    let (outline, meta, duration_ms) = with_events(state, &record, move |events| {
        let start = events.first().map_or(0, |e| e.timestamp);
        let duration_ms = events.last().map_or(0, |e| e.timestamp - start);
        let seen = events.partition_point(|e| e.timestamp <= start + t);
        let meta = events[..seen].iter().rev().find_map(|e| match &e.data {
            EventData::Meta(m) => Some((m.href.clone(), m.width, m.height)),
            _ => None,
        });
        let mut playback = Playback::new(events);
        let outline = playback.state_at(start + t).outline(&PrivacyOptions::default());
        (outline, meta, duration_ms)
    })
    .await?;
    let (range, truncated, cursor) = page(outline.lines.len(), offset, lines);
    Ok(json!({
        "session_id": record.session_id,
        "t_s": t as f64 / 1000.0,
        "duration_s": duration_ms as f64 / 1000.0,
        "url": meta.as_ref().map(|(href, _, _)| scrub_url(href)),
        "viewport": meta.as_ref().map(|(_, w, h)| json!({ "width": w, "height": h })),
        "n_lines": outline.lines.len(),
        "outline_capped": outline.truncated,
        "outline": outline.lines[range].iter().map(|l| format!("{l}\n")).collect::<String>(),
        "truncated": truncated || (outline.truncated && cursor.is_none()),
        "cursor": cursor,
    }))
}
