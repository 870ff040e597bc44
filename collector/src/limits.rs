//! The collector's limits, each a constant with its unit and its source, and the per-key token
//! bucket that rate-limits ingest.
//!
//! Sources: the body, decompression and event-count limits are the batch contract's
//! (ARCHITECTURE.md, "Collector"; README's "Limits" table); the rest are this module's own
//! choices, explained where they are defined.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Largest request body `POST /v1/ingest` reads, in bytes, as it arrives on the wire
/// (compressed or not): 2 MiB (the batch contract: 2 MB compressed). A larger body is refused with 413,
/// by its `Content-Length` before any byte is read, or as soon as the streamed body passes it.
pub const MAX_BODY_BYTES: usize = 2 << 20;

/// Largest decompressed batch, in bytes: 20 MiB (the batch contract: 20 MB decompressed). Gunzip stops
/// reading as soon as its output passes this, so a gzip bomb costs at most this much memory
/// per request; the batch is refused with 413. An uncompressed body is held to it as well
/// (it cannot reach it: [`MAX_BODY_BYTES`] is smaller).
pub const MAX_DECOMPRESSED_BYTES: usize = 20 << 20;

/// Most events one batch may carry: 5,000 (the batch contract). More is refused with 413; the parser stops
/// at the 5,001st event. The SDK closes a batch at 1,000 events by default.
pub const MAX_EVENTS_PER_BATCH: usize = 5_000;

/// Longest session id, in bytes: 64. Ids are `[A-Za-z0-9_-]{1,64}` because they become a
/// directory name and an object key ([`valid_session_id`]).
pub const MAX_SESSION_ID_BYTES: usize = 64;

/// Longest `app_id`, `window_id`, `sdk_version` or `distinct_id`, in bytes: 256. They are copied
/// into the session index, which listing reads, so they are kept short.
pub const MAX_LABEL_BYTES: usize = 256;

/// Largest `seq`: 2^53 − 1, the largest integer a JavaScript number holds exactly.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Default `--max-seq`: 720, the sequence cap of rerun's collector (`MAX_REPLAY_SEQUENCE`).
/// A batch with a larger `seq` is refused with 413 and nothing is stored: at the SDK's
/// 5-second batch interval a session reaches it after an hour of continuous activity, and
/// the SDK drops a batch refused with 413 instead of retrying it.
pub const DEFAULT_MAX_SEQ: u64 = 720;

/// Decompressed batch JSON being redacted at once, in KiB: 20 MiB, one batch of the largest
/// size ([`MAX_DECOMPRESSED_BYTES`]). Redaction decodes each event into a tree of values,
/// several times larger than its JSON text, so this bounds that memory; a batch waits for its
/// share (its size, at most all of it) before it is redacted.
pub const MAX_REDACTING_KIB: u32 = (MAX_DECOMPRESSED_BYTES >> 10) as u32;

/// Ingest body bytes held in memory at once, in KiB: 128 MiB (64 bodies of the largest size,
/// [`MAX_BODY_BYTES`]). A request takes its share as its bytes arrive, so clients trickling
/// their bodies hold only what they have sent, and cannot starve a normal ingest (they used
/// to take whole slots: 70 slow clients made a normal ingest wait 27 s); a request whose next
/// chunk does not fit waits, its bytes staying in the kernel's socket buffers.
pub const MAX_INFLIGHT_BODY_KIB: u32 = 128 << 10;

/// Batches decompressed and parsed at once. Decoding is CPU work on blocking threads; with at
/// most 8 at a time, decompressed buffers cost at most 8 × 2 × [`MAX_DECOMPRESSED_BYTES`]
/// (growth headroom included) = 320 MiB even when every request is a gzip bomb. Redaction's
/// decoded events come on top, bounded by [`MAX_REDACTING_KIB`].
pub const MAX_INFLIGHT_DECODES: usize = 8;

/// Default longest time an ingest request may take to send its body (`--body-timeout-secs`):
/// 30 s. A client that trickles its body (slowloris) gets 408 after this and its connection
/// is closed. 2 MiB takes 30 s at 70 KB/s, far slower than any connection that can run the
/// recorder.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default longest time a connection may take to send a complete request head
/// (`--header-timeout-secs`): 10 s, counted from the connection's opening or from its previous
/// response. So it is also the idle timeout of a keep-alive connection: an idle or
/// trickling (1 byte/s) client is disconnected after 10 s. The SDK sends a batch every 5 s
/// when active, so its connection is reused while it records.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default most connections open at once (`--max-connections`): 512, well under the usual
/// 1,024 file descriptors per process, so connections can never take the descriptors storage
/// needs. A connection past the limit is closed at once (the client retries); idle ones go
/// after [`HEADER_READ_TIMEOUT`]. (1,100 idle connections used to exhaust the descriptors and
/// make `/health` time out.)
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long a graceful shutdown (Ctrl-C, SIGTERM) waits for requests in flight: 10 s.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Most body bytes read and dropped after a request is refused before or while its body is
/// read: 8 MiB (four times [`MAX_BODY_BYTES`]). Answering without reading would make the
/// kernel reset the connection under a client still sending, which then sees a network error
/// instead of the 4xx. A body declared larger is not read at all.
pub const MAX_DRAIN_BYTES: usize = 8 << 20;

/// Longest time spent draining a refused body ([`MAX_DRAIN_BYTES`]): 5 s.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Read requests (listing, `GET /v1/sessions/{id}`, `/analysis`) one read or admin key may
/// have in flight: 4. More get 429 with `Retry-After: 1`. A streamed session holds its slot
/// until its last byte is sent. With [`MAX_DECOMPRESSED_BYTES`] per batch in memory (twice:
/// the decompressed batch and its events' text), streamed reads cost at most 4 × 40 MiB.
pub const MAX_READS_PER_KEY: usize = 4;

/// Largest session `/v1/sessions/{id}/analysis` analyses, in bytes of decompressed batch JSON:
/// 128 MiB. Past it the answer is 413 "session too large to analyse", found while reading
/// (nothing past the limit is read). The analyzer streams in-order sessions; an out-of-order
/// or damaged one is decoded whole, about 4–5× its JSON in memory (the measure: 1 GB
/// took 4.7 GB), so this keeps one analysis under ~600 MB. Real sessions are far smaller:
/// rrweb's own test recordings are 0.1–5 MB.
pub const MAX_ANALYSIS_BYTES: usize = 128 << 20;

/// Analyses running at once: 1 (others wait). Each may use up to ~600 MB
/// ([`MAX_ANALYSIS_BYTES`]), and the goal is one process under 1 GB.
pub const MAX_CONCURRENT_ANALYSES: usize = 1;

/// Default sustained ingest rate per public key, in batches per second (`--rate-limit`).
/// The SDK sends a batch per tab every 5 s at most when idle, so 1,000/s serves ~5,000 active
/// tabs per key; raise it for bigger sites or set 0 to turn the limit off.
pub const DEFAULT_RATE_PER_KEY: f64 = 1_000.0;

/// Default burst per public key, in batches (`--rate-burst`): two seconds at the default rate,
/// enough for every tab of a site flushing at once after an outage.
pub const DEFAULT_BURST_PER_KEY: f64 = 2_000.0;

/// True for a session id the collector accepts: 1 to [`MAX_SESSION_ID_BYTES`] bytes of ASCII
/// letters, digits, `_` and `-`. Nothing else may reach a storage path (no `/`, `.`, `%`).
pub fn valid_session_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_SESSION_ID_BYTES
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A token bucket per key: `rate` tokens per second refill up to `burst`; each batch takes one.
/// Keys are small integers (the position of the public key in the configuration), so the map
/// stays as small as the configuration.
#[derive(Debug)]
pub struct RateLimiter {
    /// Tokens added per second; `0` disables the limiter.
    rate: f64,
    /// Bucket capacity, in tokens (at least 1).
    burst: f64,
    buckets: Mutex<HashMap<usize, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// A limiter refilling `rate` batches per second up to `burst` batches (`rate` 0: no limit).
    pub fn new(rate: f64, burst: f64) -> Self {
        RateLimiter { rate: rate.max(0.0), burst: burst.max(1.0), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `key` at `now`. `Err(wait)` when the bucket is empty: the time until
    /// a token is available, for `Retry-After`.
    pub fn take(&self, key: usize, now: Instant) -> Result<(), Duration> {
        if self.rate == 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: self.burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate))
        }
    }
}

/// Whole seconds for a `Retry-After` header: the wait rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids() {
        assert!(valid_session_id("a"));
        assert!(valid_session_id("0195f1c2-7d3e_AB"));
        assert!(valid_session_id(&"x".repeat(MAX_SESSION_ID_BYTES)));
        assert!(!valid_session_id(&"x".repeat(MAX_SESSION_ID_BYTES + 1)));
        for bad in ["", "..", "../etc", "a/b", "a.b", "a%2Fb", "a b", "é", "a\0"] {
            assert!(!valid_session_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn bucket_refills_at_rate_up_to_burst() {
        let limiter = RateLimiter::new(2.0, 3.0);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take(0, t0).is_ok());
        }
        let wait = limiter.take(0, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        // Another key has its own bucket.
        assert!(limiter.take(1, t0).is_ok());
        // Half a second later one token is back; ten seconds later at most `burst`.
        assert!(limiter.take(0, t0 + Duration::from_millis(500)).is_ok());
        assert!(limiter.take(0, t0 + Duration::from_millis(500)).is_err());
        let later = t0 + Duration::from_secs(10);
        for _ in 0..3 {
            assert!(limiter.take(0, later).is_ok());
        }
        assert!(limiter.take(0, later).is_err());
    }

    #[test]
    fn zero_rate_is_unlimited() {
        let limiter = RateLimiter::new(0.0, 1.0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.take(0, now).is_ok()));
    }
}
