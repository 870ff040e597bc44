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
//!   - `q=TEXT`: a visited page's URL or title, or the user id, contains TEXT (ASCII
//!     case-insensitive; the exact user: `user=`);
//!   - `has=errors,rage,dead,error_clicks`: at least one console error / rage-click burst /
//!     dead click / error click (the last three once the session is analysed);
//!   - `min_errors=N`, `min_rage_clicks=N`: at least N; `min_duration_ms=MS`: at least that
//!     long (last event − first event), milliseconds;
//!   - `limit=N` (default 50, at most 100); `offset=N` or `cursor=C` (a previous page's
//!     `next_cursor`; cheaper than a deep offset).
//!
//!   Answer: `{"sessions": [...], "total": N, "total_capped": bool, "limit", "offset",
//!   "next_cursor": C|null}`. `total` is exact when `total_capped` is false; when true there
//!   are at least `total` matches: more than [`crate::index::MAX_LIST_TOTAL`], more than
//!   [`crate::index::MAX_WALKED_TOTAL`] with a `url`/`url_prefix`/`q` filter, or (with a
//!   `url`/`url_prefix`/`q` filter matching more than [`crate::index::MAX_WALKS`] URLs and
//!   titles, and many pages) matches counted among the next
//!   [`crate::index::MAX_COUNT_SCAN`] sessions the other filters select, so counting never
//!   costs more than a bounded walk (the same on SQLite and PostgreSQL). `url` and `q`
//!   substrings of 3 characters or more are found through a trigram index (FTS5 on SQLite,
//!   `pg_trgm` on PostgreSQL), whose case folding covers non-ASCII letters too. String filters
//!   longer than [`MAX_FILTER_BYTES`] and malformed numbers are refused with 400.
//! - `GET /v1/sessions/{id}` and `/analysis` also take a share token for that session
//!   (`Authorization: Bearer share.TOKEN`, [`crate::share`]); its readers share
//!   [`MAX_READS_PER_KEY`] slots.
//! - `GET /v1/sessions/{id}`: `{"session", "gaps", "events", "warnings"}`, in that order: the
//!   record, gaps in `seq`, every event in `seq` order, each event's JSON exactly as it was
//!   stored (as received, unless server-side redaction or the stored-string cap changed it:
//!   `super::redact`), and a warning per batch that could not be read. The head goes out before
//!   any batch is read, so a client can use the events as they arrive (the viewer's player
//!   shows the first page before the last byte: `js/viewer/sources.js`).
//! - `GET /v1/sessions/{id}/analysis`: what `rewind analyze --format json` says of the session
//!   (one element of its `replays` array: [`rewind::analyze::Analysis::to_replay_json`]),
//!   redacted as the CLI's output is by default (emails, card numbers… as `[REDACTED:kind]`,
//!   counted in `redactions`); damaged batches are salvaged with a warning.
//! - `DELETE /v1/sessions/{id}`: the batches, then the index rows.
//!
//! Memory is bounded per request, whatever the session's size: `GET /v1/sessions/{id}` streams
//! its events batch by batch, and `/analysis` streams the decompressed batches into the analyzer,
//! refusing (413) a session past [`MAX_ANALYSIS_BYTES`], one analysis at a time
//! ([`MAX_CONCURRENT_ANALYSES`]). Each read or admin key has at most
//! [`MAX_READS_PER_KEY`] reads in flight; more get 429 with `Retry-After`.

use super::api::Reason;
use super::api::{json_text, ApiError};
use super::auth::Role;
use super::auth::{authorize, Need};
use super::index::{gaps, Cursor, ListFilter, SessionRecord, Signal, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT};
use super::limits::{
    valid_session_id, MAX_ANALYSIS_BYTES, MAX_CONCURRENT_ANALYSES, MAX_DECOMPRESSED_BYTES, MAX_READS_PER_KEY,
};
use super::share::authorize_session;
use super::store::{Store, StoreError};
use super::wire::raw_events;
use super::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use object_store::path::Path as ObjPath;
use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// Longest text accepted in a string filter (`user`, `app`, `url`, `url_prefix`, `q`), bytes.
pub const MAX_FILTER_BYTES: usize = 2_048;

/// Read requests in flight per read or admin key ([`MAX_READS_PER_KEY`]).
#[derive(Debug)]
pub struct ReadSlots {
    read: Arc<tokio::sync::Semaphore>,
    admin: Arc<tokio::sync::Semaphore>,
    /// Every share link's reads together: a link may be passed around widely, and its readers
    /// must not take the read key's slots.
    share: Arc<tokio::sync::Semaphore>,
    /// Analyses running at once ([`MAX_CONCURRENT_ANALYSES`]).
    pub analyses: tokio::sync::Semaphore,
}

impl Default for ReadSlots {
    fn default() -> Self {
        ReadSlots {
            read: Arc::new(tokio::sync::Semaphore::new(MAX_READS_PER_KEY)),
            admin: Arc::new(tokio::sync::Semaphore::new(MAX_READS_PER_KEY)),
            share: Arc::new(tokio::sync::Semaphore::new(MAX_READS_PER_KEY)),
            analyses: tokio::sync::Semaphore::new(MAX_CONCURRENT_ANALYSES),
        }
    }
}

impl ReadSlots {
    /// A slot for `role`'s key, held until the response is sent (a streamed body holds it to
    /// its end). 429 with `Retry-After: 1` when the key has [`MAX_READS_PER_KEY`] in flight.
    pub(crate) fn take(&self, role: Role) -> Result<OwnedSemaphorePermit, ApiError> {
        let slots = match role {
            Role::Admin => &self.admin,
            Role::Share => &self.share,
            Role::Read | Role::Public(_) => &self.read,
        };
        slots.clone().try_acquire_owned().map_err(|_| {
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Reason::RateLimited,
                format!("this key already has {MAX_READS_PER_KEY} reads in flight; retry when one has finished"),
            );
            error.retry_after_s = Some(1);
            error
        })
    }
}

/// The filters of `GET /v1/sessions` from its query string. Errors name the parameter.
pub(crate) fn list_filter(params: &HashMap<String, String>) -> Result<ListFilter, ApiError> {
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
    let role = authorize(&state.keys, &headers, Need::Read)?;
    let _slot = state.reads.take(role)?;
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

/// `GET /v1/sessions/{id}`: streamed, one batch in memory at a time. The head (record, gaps)
/// goes out before any batch is read and the warnings come last, so the first batch's events
/// reach a client as soon as that batch is read, whatever the session's size (a player shows
/// its first page then: `js/viewer/sources.js`).
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let role = authorize_session(&state, &headers, &id)?;
    let slot = state.reads.take(role)?;
    let (record, listed) = list_session(&state, &id).await?;
    let head = format!(
        "{{\"session\":{},\"gaps\":{},\"events\":[",
        serde_json::to_string(&record.view()).unwrap_or_default(),
        serde_json::to_string(&gaps(listed.iter().map(|(seq, _)| (*seq, *seq)))).unwrap_or_default(),
    );
    // Each readable batch's events, as stored, comma-separated across batches; a batch that
    // cannot be read is a warning, and the warnings close the answer.
    let store = state.store.clone();
    let start = Some(Reading { rest: listed.into_iter(), any: false, warnings: Vec::new(), slot });
    let batches = futures_util::stream::unfold(start, move |reading| {
        let store = store.clone();
        async move {
            let mut r = reading?;
            loop {
                let Some((seq, path)) = r.rest.next() else {
                    let tail = format!("],\"warnings\":{}}}", serde_json::to_string(&r.warnings).unwrap_or_default());
                    drop(r.slot); // held until the last byte
                    return Some((Ok(Bytes::from(tail)), None));
                };
                let bytes = match store.get(&path).await {
                    Ok(Some((bytes, _))) => bytes,
                    Ok(None) => continue, // deleted since it was listed
                    Err(e) => return Some((Err(std::io::Error::other(e)), None)),
                };
                let text = match tokio::task::spawn_blocking(move || events_text(&bytes)).await {
                    Ok(Ok(text)) => text,
                    Ok(Err(e)) => {
                        r.warnings.push(format!("batch {seq}: {e}"));
                        continue;
                    }
                    Err(e) => return Some((Err(std::io::Error::other(e)), None)),
                };
                if text.is_empty() {
                    continue;
                }
                let chunk = if r.any { format!(",{text}") } else { text };
                r.any = true;
                return Some((Ok(Bytes::from(chunk)), Some(r)));
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) }).chain(batches);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(body))
        .map_err(ApiError::internal)
}

/// Where the body of `GET /v1/sessions/{id}` is: the batches left, whether an event was
/// written (the next needs a `,`), the batches that could not be read, and the read slot,
/// given back with the last byte.
struct Reading<I, S> {
    rest: I,
    any: bool,
    warnings: Vec<String>,
    slot: S,
}

/// A stored batch's events as their stored JSON texts joined by `,`; the warning text when
/// the batch cannot be read.
fn events_text(gzip: &[u8]) -> Result<String, String> {
    let json = rewind::codec::gunzip(gzip, MAX_DECOMPRESSED_BYTES).map_err(|e| e.to_string())?;
    let events = raw_events(&json).map_err(|e| format!("invalid JSON: {e}"))?;
    let mut out = String::with_capacity(json.len());
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(event.get());
    }
    Ok(out)
}

/// `GET /v1/sessions/{id}/analysis`.
pub async fn analysis(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let role = authorize_session(&state, &headers, &id)?;
    let _slot = state.reads.take(role)?;
    let (_, listed) = list_session(&state, &id).await?;
    let _analysis = state.reads.analyses.acquire().await.map_err(ApiError::internal)?;
    let store = state.store.clone();
    let runtime = tokio::runtime::Handle::current();
    let body = tokio::task::spawn_blocking(move || analyse(&id, &store, &runtime, &listed))
        .await
        .map_err(ApiError::internal)??;
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

pub(crate) fn check_id(id: &str) -> Result<(), ApiError> {
    if valid_session_id(id) {
        Ok(())
    } else {
        Err(ApiError::bad_request("session id must be 1 to 64 characters of A-Z a-z 0-9 _ -"))
    }
}

/// A session's index record and its stored batches (`seq`, object), in `seq` order.
pub(crate) async fn list_session(state: &AppState, id: &str) -> Result<(SessionRecord, Vec<(u64, ObjPath)>), ApiError> {
    check_id(id)?;
    let record = state.index.get(id).await.map_err(ApiError::store)?.ok_or_else(|| ApiError::not_found(id))?;
    let listed = state.store.list_batches(&record.day, id).await.map_err(ApiError::store)?;
    Ok((record, listed))
}

/// A session's batches, decompressed one at a time, as one JSON Lines stream of envelopes
/// (what `rewind::codec` reads like the batch directory). Stops with an error past
/// [`MAX_ANALYSIS_BYTES`] (setting `too_large`); a batch that cannot be decompressed is
/// left out and named in `skipped`.
struct SessionReader<'a> {
    store: &'a Store,
    runtime: &'a tokio::runtime::Handle,
    batches: std::slice::Iter<'a, (u64, ObjPath)>,
    current: std::io::Cursor<Vec<u8>>,
    total: usize,
    too_large: &'a AtomicBool,
    skipped: Vec<String>,
}

impl Read for SessionReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some((seq, path)) = self.batches.next() else { return Ok(0) };
            let Some((gzip, _)) = self.runtime.block_on(self.store.get(path)).map_err(std::io::Error::other)? else {
                continue;
            };
            let mut json = match rewind::codec::gunzip(&gzip, MAX_DECOMPRESSED_BYTES) {
                Ok(json) => json,
                Err(e) => {
                    self.skipped.push(format!("batch {seq}: {e}"));
                    continue;
                }
            };
            self.total += json.len() + 1;
            if self.total > MAX_ANALYSIS_BYTES {
                self.too_large.store(true, Ordering::Relaxed);
                return Err(std::io::Error::other("session too large to analyse"));
            }
            json.push(b'\n');
            self.current = std::io::Cursor::new(json);
        }
    }
}

fn batch_gaps(batches: &[(u64, ObjPath)]) -> Vec<[u64; 2]> {
    gaps(batches.iter().map(|(seq, _)| (*seq, *seq)))
}

/// The analyzer's JSON for a session: its batches streamed into the analyzer
/// (`rewind::analyze::analyze_reader_with`, the decoder `rewind analyze DIR` uses), with the
/// same missing-batch warning `rewind analyze DIR` gives. 413 past [`MAX_ANALYSIS_BYTES`] of
/// decompressed batches; 422 when nothing can be decoded.
fn analyse(
    id: &str,
    store: &Store,
    runtime: &tokio::runtime::Handle,
    batches: &[(u64, ObjPath)],
) -> Result<String, ApiError> {
    let too_large = AtomicBool::new(false);
    let skipped = std::sync::Mutex::new(Vec::new());
    let open = || {
        // A second opening (the decoder's fallback) reads the same batches again.
        Ok::<_, rewind::codec::DecodeError>(SessionReader {
            store,
            runtime,
            batches: batches.iter(),
            current: std::io::Cursor::new(Vec::new()),
            total: 0,
            too_large: &too_large,
            skipped: Vec::new(),
        })
    };
    let open_noting = || {
        let reader = open()?;
        Ok::<_, rewind::codec::DecodeError>(NotingReader { inner: reader, skipped: &skipped })
    };
    let analysed = rewind::analyze::analyze_reader_with(open_noting, Some(id), Default::default());
    if too_large.load(Ordering::Relaxed) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Reason::DecompressedTooLarge,
            format!(
                "session too large to analyse: more than {MAX_ANALYSIS_BYTES} bytes of batches after decompression (MAX_ANALYSIS_BYTES)"
            ),
        ));
    }
    let mut analysis = analysed.map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, Reason::BadRequest, format!("cannot analyse: {e}"))
    })?;
    let missing: Vec<String> =
        batch_gaps(batches).iter().map(|[a, b]| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
    let mut first = Vec::new();
    if !missing.is_empty() {
        first.push(format!("batches missing from the session: seq {}", missing.join(", ")));
    }
    first.extend(skipped.into_inner().unwrap_or_default());
    analysis.warnings.splice(0..0, first);
    Ok(analysis.to_replay_json())
}

/// A [`SessionReader`] that hands its skipped-batch warnings over when it is dropped (the
/// decoder owns the reader; the last opening's warnings are the ones kept).
struct NotingReader<'a, 'b> {
    inner: SessionReader<'a>,
    skipped: &'b std::sync::Mutex<Vec<String>>,
}

impl Read for NotingReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Drop for NotingReader<'_, '_> {
    fn drop(&mut self) {
        if let Ok(mut skipped) = self.skipped.lock() {
            *skipped = std::mem::take(&mut self.inner.skipped);
        }
    }
}
