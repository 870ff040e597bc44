//! `POST /v1/ingest`: one batch per request, checked in order of cost.
//!
//! 1. key (401 / 403) and the key's rate limit (429 with `Retry-After`);
//! 2. `Content-Length` (413) and `Content-Encoding` (gzip, identity or none; else 415);
//! 3. the body, read while counting (413 past [`MAX_BODY_BYTES`]);
//! 4. gunzip, stopping at [`MAX_DECOMPRESSED_BYTES`] (413), and the envelope (400, or 413 past
//!    [`super::limits::MAX_EVENTS_PER_BATCH`] events), on a blocking thread; `seq` past
//!    `--max-seq` (413);
//! 5. readability ([`readable`], 400): UTF-8, and every event read by the analyzer's own
//!    decoder (`rewind::codec::check`), so a stored batch always reads back whole;
//!    then server-side redaction and the stored-string cap ([`super::redact`]), on a blocking
//!    thread; the session index is fed from the redacted batch;
//! 6. storage: `PutMode::Create` at `sessions/{day}/{session_id}/{seq}.json.gz`, so a resent
//!    batch is stored once (`{"stored":false,"duplicate":true}`), then the session index.
//!
//! Nothing is written before step 6, so a refused request stores nothing. A request refused
//! before its body was read whole has the rest of its body drained (bounded), so the client
//! gets the answer rather than a reset connection.

use super::api::{ApiError, Reason};
use super::auth::{authorize, Need, Role};
use super::limits::{
    retry_after_secs, DRAIN_TIMEOUT, MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES, MAX_DRAIN_BYTES, MAX_REDACTING_KIB,
};
use super::redact::{process_batch, Policy, ProcessError};
use super::store::{now_ms, Store};
use super::wire::{parse_batch, BatchInfo, WireError};
use super::AppState;
use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use rewind::codec::{gunzip, is_gzip, DecodeError};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// gzip level for bodies stored in another form than they came: uncompressed ones (small
/// keepalive batches) and redacted ones (1: fastest).
const RECOMPRESS_LEVEL: u32 = 1;

/// The handler.
pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    match ingest(&state, &headers, body).await {
        Ok((batch, created)) => {
            let counter = if created { &state.metrics.batches_accepted } else { &state.metrics.batches_duplicate };
            counter.fetch_add(1, Ordering::Relaxed);
            if created {
                state.metrics.events_stored.fetch_add(batch.n_events, Ordering::Relaxed);
            }
            Json(serde_json::json!({
                "stored": created,
                "duplicate": !created,
                "session_id": batch.session_id,
                "seq": batch.seq,
                "events": batch.n_events,
            }))
            .into_response()
        }
        Err(error) => {
            state.metrics.reject(error.reason);
            error.into_response()
        }
    }
}

async fn ingest(state: &Arc<AppState>, headers: &HeaderMap, body: Body) -> Result<(BatchInfo, bool), ApiError> {
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let gzip = match precheck(state, headers, length) {
        Ok(gzip) => gzip,
        Err(error) => {
            discard(body.into_data_stream(), length, state).await;
            return Err(error);
        }
    };
    let (bytes, _body_share) =
        tokio::time::timeout(state.body_timeout, read_body(body, length, state)).await.map_err(|_| {
            let mut error = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                Reason::BadRequest,
                "the request body took too long to arrive",
            );
            error.close = true;
            error
        })??;
    let decode_slot = state.decode_slots.acquire().await.map_err(ApiError::internal)?;
    let policy = state.policy;
    let max_seq = state.max_seq;
    // One blocking task decodes, checks and redacts when the redaction budget has room at
    // once (the usual case): each hop between the runtime and a blocking thread costs two
    // thread wake-ups. Only a batch that must wait for the budget waits on the runtime and
    // finishes in a second blocking task.
    let shared = Arc::clone(state);
    let first = tokio::task::spawn_blocking(move || {
        let (batch, json, body) = decode(bytes, gzip)?;
        check_seq(&batch, max_seq)?;
        match shared.redact_budget.try_acquire_many(redacting_kib(&json)) {
            Ok(_share) => finish(batch, &json, body, &policy).map(Decoded::Done),
            Err(_) => Ok(Decoded::Waiting(batch, json, body)),
        }
    })
    .await
    .map_err(ApiError::internal)??;
    let (batch, stored) = match first {
        Decoded::Done(done) => done,
        Decoded::Waiting(batch, json, body) => {
            let share = state.redact_budget.acquire_many(redacting_kib(&json)).await.map_err(ApiError::internal)?;
            let done = tokio::task::spawn_blocking(move || finish(batch, &json, body, &policy))
                .await
                .map_err(ApiError::internal)??;
            drop(share);
            done
        }
    };
    drop(decode_slot);

    let now = now_ms();
    let _session = state.index.lock(&batch.session_id).await;
    let day = state.index.ensure(&batch.session_id, now).await.map_err(ApiError::store)?;
    let path = Store::batch_path(&day, &batch.session_id, batch.seq);
    let stored_bytes = stored.len() as u64;
    let created = state.store.create(&path, stored).await.map_err(ApiError::store)?;
    // Also for a duplicate: the index may have missed it if an earlier attempt failed midway.
    if state.index.record_batch(&batch, stored_bytes, now).await.map_err(ApiError::store)? {
        state.analysis.nudge();
    }
    Ok((batch, created))
}

/// What the first blocking task of an ingest hands back.
enum Decoded {
    /// Checked, redacted and ready to store: the batch as stored and its gzip bytes.
    Done((BatchInfo, Bytes)),
    /// Decoded, waiting for its share of the redaction budget: the batch, its JSON and the
    /// client's gzip body.
    Waiting(BatchInfo, Bytes, Option<Bytes>),
}

/// Refuses (413) a `seq` past `--max-seq`.
fn check_seq(batch: &BatchInfo, max_seq: u64) -> Result<(), ApiError> {
    if batch.seq > max_seq {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Reason::SeqTooHigh,
            format!("seq {} is past this collector's limit of {} batches per session (--max-seq)", batch.seq, max_seq),
        ));
    }
    Ok(())
}

/// The share of [`MAX_REDACTING_KIB`] a batch of `json` holds while it is checked and
/// redacted: the model's decoder and redaction build trees several times the JSON's size.
fn redacting_kib(json: &[u8]) -> u32 {
    u32::try_from(json.len().div_ceil(1024)).unwrap_or(u32::MAX).clamp(1, MAX_REDACTING_KIB)
}

/// [`prepare`], then the gzip bytes to store: the client's own when nothing changed and it
/// sent gzip. Runs on a blocking thread, holding its share of the redaction budget.
fn finish(batch: BatchInfo, json: &[u8], body: Option<Bytes>, policy: &Policy) -> Result<(BatchInfo, Bytes), ApiError> {
    match prepare(batch, json, policy)? {
        (batch, Some(new)) => Ok((batch, compress(&new)?)),
        (batch, None) => Ok((
            batch,
            match body {
                Some(gzip) => gzip,
                None => compress(json)?,
            },
        )),
    }
}

/// What is checked before the body is read: the key, its rate limit, `Content-Encoding` (the
/// answer: `Some(true)` for gzip, `None` for none or identity) and `Content-Length`.
fn precheck(state: &AppState, headers: &HeaderMap, length: Option<u64>) -> Result<Option<bool>, ApiError> {
    let Role::Public(key) = authorize(&state.keys, headers, Need::Ingest)? else {
        return Err(ApiError::forbidden("this key cannot ingest: use a public key"));
    };
    if let Err(wait) = state.limiter.take(key, Instant::now()) {
        let mut error =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, Reason::RateLimited, "rate limit exceeded for this key");
        error.retry_after_s = Some(retry_after_secs(wait));
        return Err(error);
    }
    if length.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(body_too_large());
    }
    let encoding = headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("" | "identity") => Ok(None),
        Some("gzip" | "x-gzip") => Ok(Some(true)),
        Some(e) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::UnsupportedEncoding,
            format!("unsupported Content-Encoding {e:?}: send gzip or an uncompressed body"),
        )),
    }
}

/// Reads and drops the rest of a refused request's body — at most [`MAX_DRAIN_BYTES`], within
/// [`DRAIN_TIMEOUT`], nothing kept — so that a client still sending it reads the refusal
/// instead of a reset connection. A body declared larger than that is not read at all.
async fn discard(mut stream: BodyDataStream, declared: Option<u64>, state: &AppState) {
    if declared.is_some_and(|n| n > MAX_DRAIN_BYTES as u64) {
        return;
    }
    let drain = async {
        let mut drained = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            state.metrics.bytes_received.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            drained += chunk.len();
            if drained > MAX_DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, drain).await;
}

fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        Reason::BodyTooLarge,
        format!("request body larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// Reads the body, refusing it as soon as it passes [`MAX_BODY_BYTES`], taking its share of
/// [`MAX_INFLIGHT_BODY_KIB`] as its bytes arrive (held until the batch is stored).
async fn read_body<'a>(
    body: Body,
    length: Option<u64>,
    state: &'a AppState,
) -> Result<(Bytes, Option<tokio::sync::SemaphorePermit<'a>>), ApiError> {
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::with_capacity(1);
    let mut total = 0usize;
    let mut share: Option<tokio::sync::SemaphorePermit<'a>> = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, Reason::BadRequest, format!("reading the body: {e}"))
        })?;
        state.metrics.bytes_received.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        total += chunk.len();
        if total > MAX_BODY_BYTES {
            drop(share);
            discard(stream, None, state).await;
            return Err(body_too_large());
        }
        let held = share.as_ref().map_or(0, |s| s.num_permits());
        let needed = total.div_ceil(1024).saturating_sub(held) as u32;
        if needed > 0 {
            let more = state.body_budget.acquire_many(needed).await.map_err(ApiError::internal)?;
            match &mut share {
                Some(share) => share.merge(more),
                None => share = Some(more),
            }
        }
        chunks.push(chunk);
    }
    // Usually the whole body is one chunk: keep it without copying.
    if chunks.len() == 1 {
        return Ok((chunks.remove(0), share));
    }
    let mut body = Vec::with_capacity(length.map_or(total, |n| n as usize).max(total));
    chunks.iter().for_each(|c| body.extend_from_slice(c));
    Ok((Bytes::from(body), share))
}

/// Decompresses (when gzip) and checks a body: the batch's envelope, its JSON, and the
/// client's gzip body if it sent one (stored as is when the policy changes nothing).
fn decode(body: Bytes, gzip_header: Option<bool>) -> Result<(BatchInfo, Bytes, Option<Bytes>), ApiError> {
    // Without a Content-Encoding header a body is taken as it is: gzip is recognised by its
    // magic bytes, anything else is JSON.
    let gzip = gzip_header.unwrap_or_else(|| is_gzip(&body));
    if gzip {
        if !is_gzip(&body) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, Reason::BadGzip, "invalid gzip: not a gzip stream"));
        }
        let json = gunzip(&body, MAX_DECOMPRESSED_BYTES).map_err(|e| match e {
            DecodeError::TooLarge { limit } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Reason::DecompressedTooLarge,
                format!("batch larger than {limit} bytes after decompression"),
            ),
            other => ApiError::new(StatusCode::BAD_REQUEST, Reason::BadGzip, other.to_string()),
        })?;
        let batch = parse(&json)?;
        Ok((batch, Bytes::from(json), Some(body)))
    } else {
        if body.len() > MAX_DECOMPRESSED_BYTES {
            return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Reason::DecompressedTooLarge, "batch too large"));
        }
        let batch = parse(&body)?;
        Ok((batch, body, None))
    }
}

/// Every check ingest makes of a decompressed batch, in its order: the envelope
/// ([`parse_batch`]: 400 or 413) and [`readable`] (400). What passes is stored (after the
/// policy: [`prepare`]) and reads back whole; the fuzz target `ingest_roundtrip` (fuzz/,
/// FUZZING.md) checks that.
///
/// # Errors
/// The refusal ingest answers with.
pub fn check_batch(json: &[u8]) -> Result<BatchInfo, ApiError> {
    let batch = parse(json)?;
    readable(json)?;
    Ok(batch)
}

/// Refuses (400) a batch the read path could not read back whole: text that is not UTF-8
/// (every reader needs it; serde_json skips unknown fields without checking it), or an event
/// the analyzer's decoder cannot read (`rewind::codec::check`, the decoder
/// `/v1/sessions/{id}/analysis` and `rewind analyze` use), e.g. `{"type":2,"data":5}`.
pub fn readable(json: &[u8]) -> Result<(), ApiError> {
    if let Err(e) = std::str::from_utf8(json) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Reason::Invalid,
            format!("unreadable batch: invalid UTF-8 at byte {}", e.valid_up_to()),
        ));
    }
    rewind::codec::check(json)
        .map(drop)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, Reason::Invalid, format!("unreadable batch: {e}")))
}

/// Step 5 for a decompressed batch whose envelope ([`parse_batch`]) is `batch`: [`readable`],
/// then redaction and the string cap by `policy` ([`process_batch`]). Returns the batch as
/// stored and, when the policy changed it, the JSON to store instead of `json`, its index
/// facts read again from it. Of a changed batch only the envelope and the changed events are
/// checked again: every other event is byte for byte one that [`readable`] passed. The fuzz
/// target `ingest_roundtrip` reads what this returns back through every read path.
///
/// # Errors
/// 400 for an unreadable batch or an event too deep to redact; 500 if redaction's output is
/// not JSON (a bug).
pub fn prepare(batch: BatchInfo, json: &[u8], policy: &Policy) -> Result<(BatchInfo, Option<Vec<u8>>), ApiError> {
    readable(json)?;
    if !policy.may_change(json.len()) {
        return Ok((batch, None));
    }
    match process_batch(json, policy) {
        Ok(None) => Ok((batch, None)),
        Ok(Some(processed)) => {
            readable(processed.changed_events.as_bytes())?;
            Ok((parse(&processed.json)?, Some(processed.json)))
        }
        Err(e @ ProcessError::TooDeep(_)) => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, Reason::Invalid, format!("invalid batch: {e}")))
        }
        Err(e @ ProcessError::Json(_)) => Err(ApiError::internal(e)),
    }
}

/// gzip of `json` at [`RECOMPRESS_LEVEL`].
fn compress(json: &[u8]) -> Result<Bytes, ApiError> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(json.len() / 4), flate2::Compression::new(RECOMPRESS_LEVEL));
    encoder.write_all(json).map_err(ApiError::internal)?;
    Ok(Bytes::from(encoder.finish().map_err(ApiError::internal)?))
}

fn parse(json: &[u8]) -> Result<BatchInfo, ApiError> {
    parse_batch(json).map_err(|e| {
        let (status, reason) = match e {
            WireError::TooManyEvents => (StatusCode::PAYLOAD_TOO_LARGE, Reason::TooManyEvents),
            WireError::Json(_) => (StatusCode::BAD_REQUEST, Reason::BadJson),
            WireError::Invalid(_) => (StatusCode::BAD_REQUEST, Reason::Invalid),
        };
        ApiError::new(status, reason, e.to_string())
    })
}
