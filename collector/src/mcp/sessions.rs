//! `search_sessions` (the index, through the read API's filter) and `get_session_summary`
//! (the index record and the analysed session).

use super::filter::FilterPage;
use super::load::{analysed, record, SessionCache};
use super::output::{limit, offset_of, page, scrub_url, ToolOutcome};
use crate::analysis::pages_with_titles;
use crate::index::SessionRecord;
use crate::AppState;
use rewind::analyze::session::signals::{all_findings, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use rewind::analyze::session::Finding;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Sessions per `search_sessions` page when `limit` is not given.
pub const DEFAULT_SEARCH_ROWS: usize = 20;
/// Most sessions per `search_sessions` page.
pub const MAX_SEARCH_ROWS: usize = 50;
/// Pages listed by `get_session_summary` (the rest are counted).
pub const MAX_SUMMARY_PAGES: usize = 50;
/// Findings per `get_session_summary` page.
pub const MAX_SUMMARY_FINDINGS: usize = 20;
/// Evidence lines kept per finding (the actions around it).
pub const MAX_EVIDENCE: usize = 5;
/// Analyzer warnings shown per session.
pub const MAX_WARNINGS: usize = 10;

/// The argument of the one-session tools.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryParams {
    /// The session's id, as `search_sessions` lists it.
    pub session_id: String,
    /// The `cursor` of a previous answer, for the next findings.
    pub cursor: Option<String>,
}

/// Unix epoch milliseconds as an ISO 8601 UTC date-time (`2026-12-07T09:30:00.000Z`).
pub fn iso(ms: Option<i64>) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms?).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// A session as the tools list it: the index's counts, times as ISO 8601, the entry URL
/// without its query.
pub fn session_row(r: &SessionRecord) -> Value {
    let view = r.view();
    json!({
        "session_id": r.session_id,
        "user": r.distinct_id,
        "app": r.app_id,
        "started_at": iso(r.start_time),
        "ended_at": iso(r.end_time),
        "duration_s": view.duration_s,
        "entry_url": r.entry_url.as_deref().map(scrub_url),
        "n_events": r.n_events,
        "n_errors": r.n_errors,
        "n_pages": view.n_pages,
        "n_rage_clicks": view.n_rage_clicks,
        "n_dead_clicks": view.n_dead_clicks,
        "n_error_clicks": view.n_error_clicks,
        "findings_by_kind": view.findings,
        "analysis_pending": view.analysis_pending,
        "analysis_note": view.analysis_note,
    })
}

/// `search_sessions`: one page of the index's listing, newest first.
pub async fn search(state: &AppState, params: FilterPage) -> ToolOutcome {
    let rows = limit(params.limit, DEFAULT_SEARCH_ROWS, MAX_SEARCH_ROWS);
    let filter = params.filter.to_list_filter(rows, params.cursor.as_deref())?;
    let page = state.index.list(&filter).await.map_err(|e| format!("the session index is unavailable: {e}"))?;
    Ok(json!({
        "sessions": page.sessions.iter().map(session_row).collect::<Vec<_>>(),
        "total": page.total,
        "total_capped": page.total_capped,
        "truncated": page.next_cursor.is_some(),
        "cursor": page.next_cursor,
    }))
}

/// A finding as the tools show it: when (seconds into the session), what, where, and the
/// first [`MAX_EVIDENCE`] actions around it.
pub fn finding_json(f: &Finding) -> Value {
    json!({
        "kind": f.kind,
        "session_id": f.replay_id,
        "offset_s": f.offset_s,
        "element": f.element,
        "url": f.url,
        "count": f.count,
        "explanation": f.explanation,
        "evidence": f.evidence.iter().take(MAX_EVIDENCE)
            .map(|e| format!("{:.1}s: {}", e.offset_s, e.description)).collect::<Vec<_>>(),
    })
}

/// `get_session_summary`: the index row, pages visited, the analyzer's counts and one page of
/// its frustration findings.
pub async fn summary(state: &AppState, cache: &SessionCache, params: SummaryParams) -> ToolOutcome {
    let offset = offset_of(params.cursor.as_deref())?;
    let record = record(state, &params.session_id).await?;
    let row = session_row(&record);
    let replay = match analysed(state, cache, &record).await {
        Ok(replay) => replay,
        Err(why) => return Ok(json!({ "session": row, "analysis_error": why, "truncated": false, "cursor": null })),
    };
    let pages = pages_with_titles(&replay);
    let s = replay.session();
    let findings = all_findings(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS);
    let (range, truncated, cursor) = page(findings.len(), offset, MAX_SUMMARY_FINDINGS);
    Ok(json!({
        "session": row,
        "pages": pages.iter().take(MAX_SUMMARY_PAGES)
            .map(|(url, title)| json!({ "url": scrub_url(url), "title": title })).collect::<Vec<_>>(),
        "pages_truncated": pages.len() > MAX_SUMMARY_PAGES,
        "counts": {
            "actions": s.n_actions, "clicks": s.n_clicks, "inputs": s.n_inputs, "pages": s.n_pages,
            "console_errors": s.n_errors, "custom_events": s.n_custom, "findings": findings.len(),
        },
        "exit_url": s.exit_url.as_deref().map(scrub_url),
        "findings": findings[range].iter().map(finding_json).collect::<Vec<_>>(),
        "warnings": replay.warnings().iter().take(MAX_WARNINGS).collect::<Vec<_>>(),
        "redactions": replay.redactions(),
        "truncated": truncated,
        "cursor": cursor,
    }))
}
