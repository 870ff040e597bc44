//! The read API (read or admin key) and deletion (admin key).
//!
//! - `GET /v1/sessions`: sessions from the index ([`crate::index`]), newest first (by first
//!   event, else by when the collector first saw them). Parameters, all optional, combined
//!   with AND:
//!   - `user=ID`, `app=ID`: exact `distinct_id` / `app_id`;
//!   - `from=MS`, `to=MS`: first event at or after / before, Unix epoch milliseconds;
//!   - `url=TEXT`: a visited page's URL contains TEXT (ASCII case-insensitive);
//!     `url_prefix=TEXT`: a visited page's URL starts with TEXT (exact). Pages are the entry
//!     URL of every batch at ingest, and every page the analysis found;
//!   - `q=TEXT`: a visited page's URL or title, or the entry URL, contains TEXT;
//!   - `has=errors,rage,dead,error_clicks`: at least one console error / rage-click burst /
//!     dead click / error click (the last three once the session is analysed);
//!   - `min_errors=N`, `min_rage_clicks=N`: at least N; `min_duration_ms=MS`: at least that
//!     long (last event − first event), milliseconds;
//!   - `limit=N` (default 50, at most 100); `offset=N` or `cursor=C` (a previous page's
//!     `next_cursor`; cheaper than a deep offset).
//!
//!   Answer: `{"sessions": [...], "total": N, "total_capped": bool, "limit", "offset",
//!   "next_cursor": C|null}`; `total` counts matches up to
//!   [`crate::index::MAX_LIST_TOTAL`] (`total_capped` when there are more); string filters
//!   longer than [`MAX_FILTER_BYTES`] and malformed numbers are refused with 400.
//! - `GET /v1/sessions/{id}`: the record, gaps in `seq`, and every event in `seq` order, each
//!   event's JSON exactly as it was stored: as received, unless server-side redaction or the
//!   stored-string cap changed it (`super::redact`).
//! - `GET /v1/sessions/{id}/analysis`: what `rewind analyze --format json` says of the session
//!   (one element of its `replays` array: [`rewind::analyze::Analysis::to_replay_json`]),
//!   redacted as the CLI's output is by default (emails, card numbers… as `[REDACTED:kind]`,
//!   counted in `redactions`); damaged batches are salvaged with a warning.
//! - `DELETE /v1/sessions/{id}`: the batches, then the index rows.
//!
//! A session is read whole into memory (its batches are fetched 8 at a time); sessions are
//! bounded by the SDK, which starts a new one after 24 h.

use super::api::{json_text, ApiError};
use super::auth::{authorize, Need};
use super::index::{gaps, Cursor, ListFilter, SessionRecord, Signal, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT};
use super::limits::{valid_session_id, MAX_DECOMPRESSED_BYTES};
use super::store::{Store, StoreError};
use super::wire::raw_events;
use super::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::{stream, StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Batches fetched from the store at once when reading a session.
const FETCH_CONCURRENCY: usize = 8;
/// Longest text accepted in a string filter (`user`, `app`, `url`, `url_prefix`, `q`), bytes.
pub const MAX_FILTER_BYTES: usize = 2_048;

/// The filters of `GET /v1/sessions` from its query string. Errors name the parameter.
fn list_filter(params: &HashMap<String, String>) -> Result<ListFilter, ApiError> {
    let number = |name: &str| -> Result<Option<u64>, ApiError> {
        params
            .get(name)
            .map(|v| v.parse::<u64>().map_err(|_| ApiError::bad_request(format!("`{name}` must be a whole number"))))
            .transpose()
    };
    let time = |name: &str| -> Result<Option<i64>, ApiError> {
        params
            .get(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::bad_request(format!("`{name}` must be a time in Unix epoch milliseconds")))
            })
            .transpose()
    };
    let text = |name: &str| -> Result<Option<String>, ApiError> {
        match params.get(name).filter(|v| !v.is_empty()) {
            Some(v) if v.len() > MAX_FILTER_BYTES => {
                Err(ApiError::bad_request(format!("`{name}` is longer than {MAX_FILTER_BYTES} bytes")))
            }
            v => Ok(v.cloned()),
        }
    };
    let mut has = Vec::new();
    for name in params.get("has").map(String::as_str).unwrap_or("").split(',').filter(|n| !n.is_empty()) {
        has.push(Signal::parse(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "`has` takes errors, rage, dead or error_clicks (comma-separated), not {name:?}"
            ))
        })?);
    }
    let cursor = match params.get("cursor").filter(|c| !c.is_empty()) {
        Some(c) => Some(
            Cursor::decode(c).ok_or_else(|| ApiError::bad_request("`cursor` must be a `next_cursor` of this API"))?,
        ),
        None => None,
    };
    let offset = number("offset")?.unwrap_or(0);
    if cursor.is_some() && offset > 0 {
        return Err(ApiError::bad_request("give `cursor` or `offset`, not both"));
    }
    Ok(ListFilter {
        user: text("user")?,
        app: text("app")?,
        from_ms: time("from")?,
        to_ms: time("to")?,
        url_contains: text("url")?,
        url_prefix: text("url_prefix")?,
        text: text("q")?,
        has,
        min_errors: number("min_errors")?.unwrap_or(0),
        min_rage_clicks: number("min_rage_clicks")?.unwrap_or(0),
        min_duration_ms: number("min_duration_ms")?.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
        cursor,
        limit: number("limit")?
            .map_or(DEFAULT_LIST_LIMIT, |v| usize::try_from(v).unwrap_or(usize::MAX))
            .min(MAX_LIST_LIMIT),
        offset: usize::try_from(offset).unwrap_or(usize::MAX),
    })
}

/// `GET /v1/sessions`: one page of sessions, newest first (by first event). The filters (all
/// optional, combined with AND) and the answer are in the module docs.
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    authorize(&state.keys, &headers, Need::Read)?;
    let filter = list_filter(&params)?;
    let page = state.index.list(&filter).await.map_err(ApiError::store)?;
    let views: Vec<_> = page.sessions.iter().map(|r| r.view()).collect();
    let body = serde_json::json!({
        "sessions": views,
        "total": page.total,
        "total_capped": page.total_capped,
        "limit": filter.limit,
        "offset": filter.offset,
        "next_cursor": page.next_cursor,
    });
    Ok(json_text(body.to_string()))
}

/// `GET /v1/sessions/{id}`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state.keys, &headers, Need::Read)?;
    let (record, batches) = load_session(&state, &id).await?;
    let body =
        tokio::task::spawn_blocking(move || session_json(&record, &batches)).await.map_err(ApiError::internal)?;
    Ok(json_text(body))
}

/// `GET /v1/sessions/{id}/analysis`.
pub async fn analysis(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state.keys, &headers, Need::Read)?;
    let (_, batches) = load_session(&state, &id).await?;
    let body = tokio::task::spawn_blocking(move || analyse(&id, &batches)).await.map_err(ApiError::internal)??;
    Ok(json_text(body))
}

/// `DELETE /v1/sessions/{id}`.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state.keys, &headers, Need::Admin)?;
    check_id(&id)?;
    let _session = state.index.lock(&id).await;
    let record = state.index.get(&id).await.map_err(ApiError::store)?.ok_or_else(|| ApiError::not_found(&id))?;
    let batches = delete_session(&state, &record).await.map_err(ApiError::store)?;
    state.metrics.sessions_deleted_api.fetch_add(1, Ordering::Relaxed);
    Ok(json_text(serde_json::json!({ "deleted": true, "session_id": id, "batches": batches }).to_string()))
}

/// Deletes a session's batches, then its index rows (so an interrupted delete can be
/// repeated). The caller holds the session's lock. Returns the number of batches deleted.
pub async fn delete_session(state: &AppState, record: &SessionRecord) -> Result<usize, StoreError> {
    let batches = state.store.delete_prefix(&Store::session_prefix(&record.day, &record.session_id)).await?;
    state.index.delete(&record.session_id).await?;
    Ok(batches)
}

fn check_id(id: &str) -> Result<(), ApiError> {
    if valid_session_id(id) {
        Ok(())
    } else {
        Err(ApiError::bad_request("session id must be 1 to 64 characters of A-Z a-z 0-9 _ -"))
    }
}

/// A stored batch: its `seq` and gzip bytes.
type Batch = (u64, Bytes);

/// A session's index record and its stored batches (in `seq` order).
pub(crate) async fn load_session(state: &AppState, id: &str) -> Result<(SessionRecord, Vec<Batch>), ApiError> {
    check_id(id)?;
    let record = state.index.get(id).await.map_err(ApiError::store)?.ok_or_else(|| ApiError::not_found(id))?;
    let listed = state.store.list_batches(&record.day, id).await.map_err(ApiError::store)?;
    let store = &state.store;
    let batches: Vec<Option<Batch>> = stream::iter(listed)
        .map(|(seq, path)| async move { Ok::<_, StoreError>(store.get(&path).await?.map(|(bytes, _)| (seq, bytes))) })
        .buffered(FETCH_CONCURRENCY)
        .try_collect()
        .await
        .map_err(ApiError::store)?;
    // A batch deleted between listing and reading is simply absent.
    Ok((record, batches.into_iter().flatten().collect()))
}

fn batch_gaps(batches: &[Batch]) -> Vec<[u64; 2]> {
    gaps(batches.iter().map(|(seq, _)| (*seq, *seq)))
}

/// `{"session": {...}, "gaps": [[first, last], ...], "warnings": [...], "events": [...]}`.
fn session_json(record: &SessionRecord, batches: &[Batch]) -> String {
    let mut warnings = Vec::new();
    let mut events = String::with_capacity(batches.iter().map(|(_, b)| b.len() * 8).sum());
    for (seq, bytes) in batches {
        let json = match rewind::codec::gunzip(bytes, MAX_DECOMPRESSED_BYTES) {
            Ok(json) => json,
            Err(e) => {
                warnings.push(format!("batch {seq}: {e}"));
                continue;
            }
        };
        match raw_events(&json) {
            Ok(list) => {
                for event in list {
                    if !events.is_empty() {
                        events.push(',');
                    }
                    events.push_str(event.get());
                }
            }
            Err(e) => warnings.push(format!("batch {seq}: invalid JSON: {e}")),
        }
    }
    let mut out = String::with_capacity(events.len() + 1024);
    let _ = write!(
        out,
        "{{\"session\":{},\"gaps\":{},\"warnings\":{},\"events\":[{events}]}}",
        serde_json::to_string(&record.view()).unwrap_or_default(),
        serde_json::to_string(&batch_gaps(batches)).unwrap_or_default(),
        serde_json::to_string(&warnings).unwrap_or_default(),
    );
    out
}

/// The analyzer's JSON for a session: its batches decoded as one multi-member gzip stream by
/// `rewind::codec::decode` (which joins the envelopes and sorts the events), with the same
/// missing-batch warning `rewind analyze DIR` gives.
fn analyse(id: &str, batches: &[Batch]) -> Result<String, ApiError> {
    let mut joined = Vec::with_capacity(batches.iter().map(|(_, b)| b.len()).sum());
    batches.iter().for_each(|(_, bytes)| joined.extend_from_slice(bytes));
    let mut recording = rewind::codec::decode(&joined).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, super::api::Reason::BadRequest, format!("cannot analyse: {e}"))
    })?;
    let missing: Vec<String> =
        batch_gaps(batches).iter().map(|[a, b]| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
    if !missing.is_empty() {
        recording.warnings.insert(0, format!("batches missing from the session: seq {}", missing.join(", ")));
    }
    recording.fill_session_id(id.to_string());
    Ok(rewind::analyze::analyze(recording).to_replay_json())
}
