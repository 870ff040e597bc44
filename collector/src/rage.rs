//! Rage-click counts for the session index, computed with the analyzer's own definition
//! ([`rewind::analyze::session::signals::rage_clicks`] with its documented defaults:
//! [`RAGE_CLICK_THRESHOLD`] clicks within [`RAGE_CLICK_WINDOW_MS`], on one unresponsive
//! control, not a text surface, not a triple-click selection).
//!
//! Why a recomputation over the stored batches, not a per-batch count. Whether clicks are rage
//! depends on the element under them (its control, whether it edits text, whether the page
//! responded), which only the DOM rebuilt from the session's FullSnapshot knows; and a burst
//! may span two batches, which may arrive in any order. So a batch cannot be judged alone,
//! and keeping each live session's analyzer state in memory would not survive a restart,
//! another collector writing to the same bucket, or batches arriving out of order. Instead,
//! after a batch is indexed its session is queued, and one background worker decodes the
//! session's stored batches — exactly those the index record lists — as `rewind analyze`
//! would, counts the bursts and writes the count with how many batches it covers
//! ([`SessionRecord::apply_rage`]; a count over more batches always wins, so collectors
//! racing on S3 cannot move it backwards).
//!
//! Limits, by construction:
//! - the count lags ingest: the list API says so (`rage_clicks_pending`) until it catches up;
//! - cost is bounded: one session at a time (one core at most), and after each computation
//!   the worker rests as long as it worked, so it takes at most half a core however fast
//!   batches arrive; batches arriving meanwhile are coalesced into the next computation;
//! - a session larger than [`MAX_RAGE_SCAN_BYTES`] stored is not counted
//!   (`n_rage_clicks: null`, `rage_note` says why), nor is one the decoder refuses;
//! - the queue lives in memory: sessions left behind by a restart, or ingested by another
//!   collector, are queued again when a listing shows them pending.

use super::index::SessionRecord;
use super::read::load_session;
use super::AppState;
use rewind::analyze::session::signals::{rage_clicks, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use rewind::analyze::session::AnalyzedSession;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Largest session (stored gzip bytes, as the index counts them) whose rage clicks are
/// counted: 32 MiB. rrweb JSON gzips to about 14–17 % (17 % on this repository's small fixtures, gzip -6), so this is ~200–230 MB of
/// events, a few hundred MB of memory for one decode at a time; the SDK ends sessions after
/// 24 h, and real sessions are far smaller.
pub const MAX_RAGE_SCAN_BYTES: u64 = 32 << 20;

/// Longest rest between two computations: 30 s. The worker rests as long as its last
/// computation took, up to this, so a huge session cannot park the queue for long.
pub const MAX_RAGE_REST: Duration = Duration::from_secs(30);

/// True when a session of `stored_bytes` (gzip) is small enough to count ([`MAX_RAGE_SCAN_BYTES`]).
pub fn scan_allowed(stored_bytes: u64) -> bool {
    stored_bytes <= MAX_RAGE_SCAN_BYTES
}

/// Sessions waiting for a rage-click count.
#[derive(Debug, Default)]
pub struct RageQueue {
    pending: Mutex<BTreeSet<String>>,
    wake: Notify,
}

impl RageQueue {
    /// Queues a session (once however often it is queued before the worker takes it).
    pub fn push(&self, session_id: &str) {
        let added = self.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(session_id.to_string());
        if added {
            self.wake.notify_one();
        }
    }

    /// Queues every record whose count does not cover all its batches.
    pub fn push_pending<'a>(&self, records: impl IntoIterator<Item = &'a Arc<SessionRecord>>) {
        for record in records {
            if record.rage_pending() {
                self.push(&record.session_id);
            }
        }
    }

    fn pop(&self) -> Option<String> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).pop_first()
    }
}

/// The rage-click count of decoded-and-joined session batches (gzip members, as stored), or
/// why there is none. Runs the analyzer: call it on a blocking thread.
pub fn count_rage_bursts(session_id: &str, joined_gzip: &[u8]) -> Result<u64, String> {
    let replay =
        AnalyzedSession::from_bytes(joined_gzip, Some(session_id)).map_err(|e| format!("cannot analyse: {e}"))?;
    Ok(rage_clicks(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS).len() as u64)
}

/// Computes one session's count and writes it to the index. Returns how long the analysis took.
async fn refresh(state: &AppState, id: &str) -> Result<Duration, String> {
    let (record, batches) = match load_session(state, id).await {
        Ok(loaded) => loaded,
        // Deleted meanwhile (404) or a store error: nothing to count now; a later batch or
        // listing queues it again.
        Err(e) => return Err(e.message),
    };
    // Exactly the batches the record counts: one written a moment ago but not yet indexed is
    // left to the computation its indexing queues.
    let batches: Vec<_> = batches.into_iter().filter(|(seq, _)| record.contains(*seq)).collect();
    let covered = batches.len() as u64;
    let started = Instant::now();
    let (count, note) = if !scan_allowed(record.bytes) {
        (None, Some(format!("session larger than {MAX_RAGE_SCAN_BYTES} stored bytes: rage clicks not counted")))
    } else {
        let id = id.to_string();
        let counted = tokio::task::spawn_blocking(move || {
            let mut joined = Vec::with_capacity(batches.iter().map(|(_, b)| b.len()).sum());
            batches.iter().for_each(|(_, bytes)| joined.extend_from_slice(bytes));
            count_rage_bursts(&id, &joined)
        })
        .await
        .map_err(|e| e.to_string())?;
        match counted {
            Ok(n) => (Some(n), None),
            Err(why) => (None, Some(why)),
        }
    };
    let took = started.elapsed();
    let _session = state.index.lock(id).await;
    state
        .index
        .update(&state.store, id, |r| r.apply_rage(covered, count, note.clone()))
        .await
        .map_err(|e| e.to_string())?;
    Ok(took)
}

/// Runs the worker until the runtime shuts down.
pub fn spawn(state: Arc<AppState>) {
    tokio::spawn(async move {
        loop {
            let Some(id) = state.rage.pop() else {
                state.rage.wake.notified().await;
                continue;
            };
            match refresh(&state, &id).await {
                Ok(took) => tokio::time::sleep(took.min(MAX_RAGE_REST)).await,
                Err(why) => eprintln!("rewind serve: rage clicks of {id} not counted: {why}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_gzip(name: &str) -> Vec<u8> {
        let path = format!("{}/../fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &std::fs::read(path).unwrap()).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn counts_bursts_by_the_analyzers_definition() {
        // dead-button: one burst of 5 clicks on "Apply coupon" (tests/expected/bundle).
        assert_eq!(count_rage_bursts("s", &fixture_gzip("dead-button")), Ok(1));
        // checkout-dynamic: quick clicks the page answered one by one are not rage.
        assert_eq!(count_rage_bursts("s", &fixture_gzip("checkout-dynamic")), Ok(0));
    }

    #[test]
    fn undecodable_sessions_say_why() {
        let err = count_rage_bursts("s", b"\x1f\x8b\x08\x00garbage").unwrap_err();
        assert!(err.starts_with("cannot analyse: "), "{err}");
    }

    #[test]
    fn sessions_past_the_scan_limit_are_not_counted() {
        assert!(scan_allowed(MAX_RAGE_SCAN_BYTES));
        assert!(!scan_allowed(MAX_RAGE_SCAN_BYTES + 1));
    }

    #[test]
    fn the_queue_holds_a_session_once() {
        let q = RageQueue::default();
        q.push("b");
        q.push("a");
        q.push("b");
        assert_eq!((q.pop(), q.pop(), q.pop()), (Some("a".into()), Some("b".into()), None));
    }
}
