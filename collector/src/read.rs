//! The read API (read or admin key) and deletion (admin key).
//!
//! - `GET /v1/sessions?limit&offset&user&min_errors&min_rage_clicks`: index records, newest
//!   first (by first event); `min_errors=N` / `min_rage_clicks=N` keep sessions with at least
//!   N console errors / rage-click bursts (a session whose rage count is not known yet is left
//!   out by `min_rage_clicks`).
//! - `GET /v1/sessions/{id}`: the record, gaps in `seq`, and every event in `seq` order, each
//!   event's JSON exactly as it was stored: as received, unless server-side redaction or the
//!   stored-string cap changed it (`super::redact`).
//! - `GET /v1/sessions/{id}/analysis`: what `rewind analyze --format json` says of the session
//!   (one element of its `replays` array: [`rewind::analyze::Analysis::to_replay_json`]),
//!   redacted as the CLI's output is by default (emails, card numbers… as `[REDACTED:kind]`,
//!   counted in `redactions`); damaged batches are salvaged with a warning.
//! - `DELETE /v1/sessions/{id}`: the batches, then the index record.
//!
//! A session is read whole into memory (its batches are fetched 8 at a time); sessions are
//! bounded by the SDK, which starts a new one after 24 h.

use super::api::{json_text, ApiError};
use super::auth::{authorize, Need};
use super::index::{gaps, SessionRecord};
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

/// Sessions per page of `GET /v1/sessions` when `limit` is not given.
pub const DEFAULT_LIST_LIMIT: usize = 50;
/// Most sessions per page (the read API caps `limit` at 100); a larger `limit` is capped.
pub const MAX_LIST_LIMIT: usize = 100;
/// Batches fetched from the store at once when reading a session.
const FETCH_CONCURRENCY: usize = 8;

/// `GET /v1/sessions`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    authorize(&state.keys, &headers, Need::Read)?;
    let number = |name: &str, default: usize| match params.get(name) {
        None => Ok(default),
        Some(v) => v.parse::<usize>().map_err(|_| ApiError::bad_request(format!("`{name}` must be a whole number"))),
    };
    let limit = number("limit", DEFAULT_LIST_LIMIT)?.min(MAX_LIST_LIMIT);
    let offset = number("offset", 0)?;
    let user = params.get("user").filter(|u| !u.is_empty());
    let min_errors = number("min_errors", 0)? as u64;
    let min_rage = number("min_rage_clicks", 0)? as u64;
    let mut records = state.index.all(&state.store).await.map_err(ApiError::store)?;
    // Counts left behind by a restart, or by batches another collector stored.
    state.rage.push_pending(&records);
    // A record without batches is a session whose first batch is being written (or failed).
    records.retain(|r| {
        r.n_batches > 0
            && user.is_none_or(|u| r.distinct_id.as_ref() == Some(u))
            && r.n_errors >= min_errors
            && (min_rage == 0 || r.n_rage_clicks.is_some_and(|n| n >= min_rage))
    });
    records.sort_by(|a, b| {
        let newest = |r: &SessionRecord| r.start_time.unwrap_or(r.first_received_at);
        newest(b).cmp(&newest(a)).then_with(|| a.session_id.cmp(&b.session_id))
    });
    let page: Vec<_> = records.iter().skip(offset).take(limit).map(|r| r.view()).collect();
    let body = serde_json::json!({ "sessions": page, "total": records.len(), "limit": limit, "offset": offset });
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
    let record =
        state.index.get(&state.store, &id).await.map_err(ApiError::store)?.ok_or_else(|| ApiError::not_found(&id))?;
    let batches = delete_session(&state, &record).await.map_err(ApiError::store)?;
    state.metrics.sessions_deleted_api.fetch_add(1, Ordering::Relaxed);
    Ok(json_text(serde_json::json!({ "deleted": true, "session_id": id, "batches": batches }).to_string()))
}

/// Deletes a session's batches, then its index record (so an interrupted delete can be
/// repeated). The caller holds the session's lock. Returns the number of batches deleted.
pub async fn delete_session(state: &AppState, record: &SessionRecord) -> Result<usize, StoreError> {
    let batches = state.store.delete_prefix(&Store::session_prefix(&record.day, &record.session_id)).await?;
    state.store.delete(&Store::index_path(&record.session_id)).await?;
    state.index.forget(&record.session_id);
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
pub(crate) async fn load_session(state: &AppState, id: &str) -> Result<(Arc<SessionRecord>, Vec<Batch>), ApiError> {
    check_id(id)?;
    let record =
        state.index.get(&state.store, id).await.map_err(ApiError::store)?.ok_or_else(|| ApiError::not_found(id))?;
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
