//! Delivery policy: how recorded events become batches that reach the collector — pure Rust,
//! no browser APIs, tested natively. The browser edge (`fetch`, timers, `sessionStorage`,
//! `pagehide`) is `record::transport`, which drives these types.
//!
//! - [`outbox`] — pending events → closed batches (on an interval, an event count or a byte
//!   size, whichever comes first) in a queue bounded in bytes; on overflow the oldest
//!   incremental events are dropped (counted) and a fresh FullSnapshot is asked for.
//! - [`envelope`] — the wire envelope `{session_id, window_id, seq, app_id, sdk_version,
//!   sent_at, distinct_id, events}` (the batch contract, ARCHITECTURE.md), gzip-compressed with flate2, and
//!   the split of a final flush into requests under the keepalive quota.
//! - [`retry`] — which HTTP outcomes are retried (network errors, 408, 429, 5xx), with
//!   exponential backoff, full jitter and `Retry-After`.
//! - [`session`] — session ids: a new session after 30 minutes without activity or 24 hours
//!   in all, kept across reloads of the tab.
//! - [`buffer`] — error-triggered buffering (`sampling: {session, onError}`): the per-session
//!   decision, and the rolling last-minute window (starting at a Meta + FullSnapshot) that an
//!   unsampled session keeps in memory until an error, sending nothing before it. Its browser
//!   edge is its own opt-in wasm (`wasm::buffering`, feature `buffering`), not the recorder's.
//!
//! Times are milliseconds since the Unix epoch (`Date.now()`), sizes bytes.

pub mod buffer;
#[cfg(feature = "record")]
pub mod envelope;
pub mod outbox;
pub mod retry;
pub mod session;

#[cfg(all(test, feature = "record"))]
mod tests;

/// A batch closes after this long (ms) since its first event (the batch contract's default: 5 s).
pub const BATCH_INTERVAL_MS: f64 = 5_000.0;
/// A batch closes at this many events (default; the collector accepts at most 5,000).
pub const BATCH_MAX_EVENTS: usize = 1_000;
/// A batch closes at this many bytes of event JSON (default 512 KiB, before gzip).
pub const BATCH_MAX_BYTES: usize = 512 * 1024;
/// The whole outbox (pending events plus closed, unsent batches: event JSON bytes) is kept
/// under this (default 8 MiB); past it the oldest incremental events are dropped.
pub const BUFFER_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Bytes of request bodies a page may have in flight with `fetch(…, {keepalive: true})`:
/// 64 KiB (Fetch standard, "keepalive" inflight quota).
pub const KEEPALIVE_QUOTA_BYTES: usize = 64 * 1024;
/// The body budget of the final flush: the quota minus headroom for another library's
/// keepalive requests made in the same `pagehide`.
pub const KEEPALIVE_BUDGET_BYTES: usize = 60 * 1024;
