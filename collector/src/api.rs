//! Error responses: a status, a one-line reason in `{"error": "..."}`, and the reason's
//! metrics label.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why a request was refused, as counted in `/metrics`
/// (`rewind_ingest_rejected_total{reason="..."}` for ingest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No key or an unknown key (401).
    Unauthorized,
    /// A known key of the wrong kind (403).
    Forbidden,
    /// The key's token bucket is empty (429).
    RateLimited,
    /// A `Content-Encoding` other than gzip or identity (415).
    UnsupportedEncoding,
    /// Body over [`super::limits::MAX_BODY_BYTES`] (413).
    BodyTooLarge,
    /// Decompressed body over [`super::limits::MAX_DECOMPRESSED_BYTES`] (413).
    DecompressedTooLarge,
    /// More than [`super::limits::MAX_EVENTS_PER_BATCH`] events (413).
    TooManyEvents,
    /// A `seq` past the collector's `--max-seq` (413): the session is longer than it keeps.
    SeqTooHigh,
    /// Corrupt or truncated gzip (400).
    BadGzip,
    /// Malformed JSON (400).
    BadJson,
    /// Well-formed JSON that is not a valid batch: missing or bad `session_id`, `seq`, events (400).
    Invalid,
    /// A bad path or query parameter (400), or an unknown session (404).
    BadRequest,
    /// The store's disk is full (507): nothing was stored, the client should retry later.
    DiskFull,
    /// The store failed (503) or an internal error happened (500).
    Internal,
}

impl Reason {
    /// The label in `/metrics`.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Unauthorized => "unauthorized",
            Reason::Forbidden => "forbidden",
            Reason::RateLimited => "rate_limited",
            Reason::UnsupportedEncoding => "unsupported_encoding",
            Reason::BodyTooLarge => "body_too_large",
            Reason::DecompressedTooLarge => "decompressed_too_large",
            Reason::TooManyEvents => "too_many_events",
            Reason::SeqTooHigh => "seq_too_high",
            Reason::BadGzip => "bad_gzip",
            Reason::BadJson => "bad_json",
            Reason::Invalid => "invalid_batch",
            Reason::BadRequest => "bad_request",
            Reason::DiskFull => "disk_full",
            Reason::Internal => "internal",
        }
    }

    /// Every reason, in the order `/metrics` lists them.
    pub const ALL: [Reason; 14] = [
        Reason::Unauthorized,
        Reason::Forbidden,
        Reason::RateLimited,
        Reason::UnsupportedEncoding,
        Reason::BodyTooLarge,
        Reason::DecompressedTooLarge,
        Reason::TooManyEvents,
        Reason::SeqTooHigh,
        Reason::BadGzip,
        Reason::BadJson,
        Reason::Invalid,
        Reason::BadRequest,
        Reason::DiskFull,
        Reason::Internal,
    ];
}

/// `Retry-After` of a 507 (disk full), in seconds: 30. Space comes back when an operator or
/// the retention sweep frees it, which takes longer than a passing store error (503, 1 s).
pub const DISK_FULL_RETRY_AFTER_S: u64 = 30;

/// A refused request.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// One line saying why (no newlines; shown to the client).
    pub message: String,
    /// Metrics label.
    pub reason: Reason,
    /// `Retry-After`, in seconds (429, 503 and 507 only).
    pub retry_after_s: Option<u64>,
    /// Close the connection after the answer (`Connection: close`): a client whose body timed
    /// out may still be trickling it.
    pub close: bool,
}

impl ApiError {
    /// An error with `status`, `reason` and `message` (newlines replaced by spaces).
    pub fn new(status: StatusCode, reason: Reason, message: impl Into<String>) -> Self {
        let message: String = message.into();
        let message = if message.contains(['\n', '\r']) { message.replace(['\n', '\r'], " ") } else { message };
        ApiError { status, message, reason, retry_after_s: None, close: false }
    }
    /// 401.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Reason::Unauthorized, message)
    }
    /// 403.
    pub fn forbidden(message: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, Reason::Forbidden, message)
    }
    /// 400 for a bad path or query parameter.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Reason::BadRequest, message)
    }
    /// 404 for an unknown session.
    pub fn not_found(session_id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, Reason::BadRequest, format!("no session {session_id}"))
    }
    /// 503 for a store failure: the client should retry (the SDK retries 5xx with backoff);
    /// 507 Insufficient Storage with `Retry-After: DISK_FULL_RETRY_AFTER_S` when the store's
    /// disk is full (or its quota exhausted). Nothing partial is left behind either way
    /// (`super::durable`), so the retry succeeds by itself once space returns.
    pub fn store(e: impl std::error::Error + 'static) -> Self {
        if super::durable::is_disk_full(&e) {
            eprintln!("rewind serve: disk full: {e}");
            let mut error = Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                Reason::DiskFull,
                "the collector's disk is full: nothing was stored, retry later",
            );
            error.retry_after_s = Some(DISK_FULL_RETRY_AFTER_S);
            return error;
        }
        eprintln!("rewind serve: store error: {e}");
        let mut error =
            Self::new(StatusCode::SERVICE_UNAVAILABLE, Reason::Internal, "storage unavailable, retry later");
        error.retry_after_s = Some(1);
        error
    }
    /// 500 for a bug (a panicked task).
    pub fn internal(e: impl std::fmt::Display) -> Self {
        eprintln!("rewind serve: internal error: {e}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, Reason::Internal, "internal error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message }).to_string();
        let mut response = (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if let Some(secs) = self.retry_after_s {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.close {
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A `200 OK` JSON response from already serialized text.
pub fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}
