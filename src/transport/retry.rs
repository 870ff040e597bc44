//! Which delivery outcomes are retried, and when.

/// First retry delay (ms) before jitter.
pub const BACKOFF_BASE_MS: f64 = 1_000.0;
/// Longest retry delay (ms), also the cap on a server's `Retry-After`.
pub const BACKOFF_MAX_MS: f64 = 60_000.0;

/// What to do with a batch after one attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Stored (2xx): forget the batch.
    Accepted,
    /// Try again after `delay_ms`.
    Retry { delay_ms: f64 },
    /// Never accepted (another 4xx): forget the batch, counting `reason`.
    Drop { reason: String },
}

/// Classifies an attempt: `status` `None` is a network error (no response). Network errors,
/// 408, 429 and 5xx are retried after [`backoff_ms`] (or `Retry-After`, when given and
/// parseable, capped at [`BACKOFF_MAX_MS`]); other 4xx (and anything else) are dropped.
/// `jitter` is a uniform random number in [0, 1).
pub fn classify(status: Option<u16>, retry_after_ms: Option<f64>, attempts: u32, jitter: f64) -> Outcome {
    match status {
        Some(200..=299) => Outcome::Accepted,
        None | Some(408) | Some(429) | Some(500..=599) => {
            let delay_ms = match retry_after_ms {
                Some(ms) if ms.is_finite() && ms >= 0.0 => ms.min(BACKOFF_MAX_MS),
                _ => backoff_ms(attempts, jitter),
            };
            Outcome::Retry { delay_ms }
        }
        Some(s) => Outcome::Drop { reason: format!("http_{s}") },
    }
}

/// Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff And
/// Jitter", 2015): uniform in [0, min(max, base·2^(attempts−1))], never below 100 ms so a
/// dead server is not hammered.
pub fn backoff_ms(attempts: u32, jitter: f64) -> f64 {
    let exp = BACKOFF_BASE_MS * 2f64.powi(attempts.saturating_sub(1).min(30) as i32);
    (exp.min(BACKOFF_MAX_MS) * jitter.clamp(0.0, 1.0)).max(100.0)
}

/// `Retry-After` as delay-seconds (RFC 9110 §10.2.3) → ms; an HTTP-date is left to the
/// caller (the browser edge parses it with `Date.parse`).
pub fn retry_after_seconds_ms(header: &str) -> Option<f64> {
    let h = header.trim();
    if h.is_empty() || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    h.parse::<u64>().ok().map(|s| s.min(u32::MAX as u64) as f64 * 1000.0)
}
