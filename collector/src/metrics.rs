//! `GET /metrics`: Prometheus text exposition (version 0.0.4) of the collector's counters.
//! Counters only, and no content: no session ids, users, URLs or keys ever appear.

use super::api::Reason;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// The collector's counters, all monotonic since start.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Batches stored (first time a `(session_id, seq)` was seen).
    pub batches_accepted: AtomicU64,
    /// Batches answered as duplicates (already stored, nothing written).
    pub batches_duplicate: AtomicU64,
    /// Ingest requests refused, by [`Reason`] (indexed like [`Reason::ALL`]).
    rejected: [AtomicU64; Reason::ALL.len()],
    /// Events in stored batches.
    pub events_stored: AtomicU64,
    /// Request body bytes read by `POST /v1/ingest`, as sent (compressed), accepted or not.
    pub bytes_received: AtomicU64,
    /// Sessions deleted through `DELETE /v1/sessions/{id}`.
    pub sessions_deleted_api: AtomicU64,
    /// Sessions deleted by the retention sweep.
    pub sessions_deleted_retention: AtomicU64,
}

impl Metrics {
    /// Counts one refused ingest request.
    pub fn reject(&self, reason: Reason) {
        let i = Reason::ALL.iter().position(|r| *r == reason).unwrap_or(Reason::ALL.len() - 1);
        self.rejected[i].fetch_add(1, Ordering::Relaxed);
    }

    /// Refused ingest requests so far for `reason`.
    pub fn rejected(&self, reason: Reason) -> u64 {
        Reason::ALL.iter().position(|r| *r == reason).map_or(0, |i| self.rejected[i].load(Ordering::Relaxed))
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        counter(
            "rewind_ingest_batches_total",
            "Ingested batches by outcome: stored, or duplicate of a stored (session_id, seq).",
            &[
                ("{outcome=\"stored\"}", get(&self.batches_accepted)),
                ("{outcome=\"duplicate\"}", get(&self.batches_duplicate)),
            ],
        );
        let rejected: Vec<(String, u64)> =
            Reason::ALL.iter().map(|r| (format!("{{reason=\"{}\"}}", r.label()), self.rejected(*r))).collect();
        let rejected: Vec<(&str, u64)> = rejected.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        counter("rewind_ingest_rejected_total", "Ingest requests refused, by reason.", &rejected);
        counter("rewind_ingest_events_total", "Events in stored batches.", &[("", get(&self.events_stored))]);
        counter(
            "rewind_ingest_received_bytes_total",
            "Request body bytes read by POST /v1/ingest, as sent (usually gzip).",
            &[("", get(&self.bytes_received))],
        );
        counter(
            "rewind_sessions_deleted_total",
            "Sessions deleted, by cause.",
            &[
                ("{cause=\"api\"}", get(&self.sessions_deleted_api)),
                ("{cause=\"retention\"}", get(&self.sessions_deleted_retention)),
            ],
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition() {
        let m = Metrics::default();
        m.batches_accepted.fetch_add(3, Ordering::Relaxed);
        m.reject(Reason::TooManyEvents);
        m.reject(Reason::TooManyEvents);
        let text = m.render();
        assert!(text.contains("rewind_ingest_batches_total{outcome=\"stored\"} 3\n"), "{text}");
        assert!(text.contains("rewind_ingest_rejected_total{reason=\"too_many_events\"} 2\n"));
        assert!(text.contains("rewind_ingest_rejected_total{reason=\"bad_gzip\"} 0\n"));
        assert!(text.contains("# TYPE rewind_ingest_events_total counter\nrewind_ingest_events_total 0\n"));
        // Every sample line is `name{labels} value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap();
            value.parse::<u64>().unwrap();
        }
    }
}
