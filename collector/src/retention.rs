//! `--retention-days N`: a background sweep deletes sessions whose end is more than N days
//! old. A session's end is its last event, capped at the last time the collector received a
//! batch of it ([`super::index::SessionRecord::retention_end_ms`]); the index finds them
//! ([`super::index::Index::expired`]).

use super::read::delete_session;
use super::store::{now_ms, StoreError};
use super::AppState;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Time between sweeps: one hour. The first sweep runs at startup.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(3_600);

/// Expired sessions read from the index at a time.
const SWEEP_PAGE: usize = 500;

/// One day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// Deletes every session that ended more than `days` days before `now_ms` (Unix epoch
/// milliseconds). Returns how many were deleted.
pub async fn sweep(state: &AppState, days: u32, now_ms: i64) -> Result<usize, StoreError> {
    let cutoff = now_ms.saturating_sub(i64::from(days) * DAY_MS);
    let mut deleted = 0;
    loop {
        let expired = state.index.expired(cutoff, SWEEP_PAGE).await?;
        let mut progress = false;
        for record in &expired {
            let _session = state.index.lock(&record.session_id).await;
            // Read again under the lock: a batch may have arrived since the query.
            if let Some(current) = state.index.get(&record.session_id).await? {
                if current.retention_end_ms() < cutoff {
                    delete_session(state, &current).await?;
                    state.metrics.sessions_deleted_retention.fetch_add(1, Ordering::Relaxed);
                    deleted += 1;
                    progress = true;
                }
            }
        }
        if expired.len() < SWEEP_PAGE || !progress {
            return Ok(deleted);
        }
    }
}

/// Runs [`sweep`] now and then every [`SWEEP_INTERVAL`], until the runtime shuts down.
pub fn spawn(state: Arc<AppState>, days: u32) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(SWEEP_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match sweep(&state, days, now_ms()).await {
                Ok(0) => {}
                Ok(n) => eprintln!("rewind serve: retention: deleted {n} sessions older than {days} days"),
                Err(e) => eprintln!("rewind serve: retention sweep failed: {e}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreConfig};
    use crate::wire::BatchInfo;
    use axum::body::Bytes;

    #[tokio::test]
    async fn sweep_deletes_only_expired_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreConfig::Local(dir.path().to_path_buf())).unwrap();
        let state = AppState::for_tests(store).await;
        let day_ms = DAY_MS;
        let now = 1_795_248_208_007; // 2026-11-21
        for (id, end) in [("old", now - 40 * day_ms), ("recent", now - 2 * day_ms)] {
            let received = end + 1_000;
            let day = state.index.ensure(id, received).await.unwrap();
            let path = Store::batch_path(&day, id, 0);
            assert!(state.store.create(&path, Bytes::from_static(b"x")).await.unwrap());
            let batch = BatchInfo {
                session_id: id.into(),
                seq: 0,
                n_events: 1,
                start_time: Some(end - 5_000),
                end_time: Some(end),
                ..Default::default()
            };
            assert!(state.index.record_batch(&batch, 1, received).await.unwrap());
        }
        assert_eq!(sweep(&state, 30, now).await.unwrap(), 1);
        assert!(state.index.get("old").await.unwrap().is_none());
        assert!(state.index.get("recent").await.unwrap().is_some());
        // Nothing of the old session is left on disk: no batch, no empty dirs.
        let files: Vec<String> = walk(dir.path());
        assert!(files.iter().all(|f| !f.contains("old")), "{files:?}");
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(sweep(&state, 30, now).await.unwrap(), 0);
        // 40 days later everything has expired.
        assert_eq!(sweep(&state, 30, now + 40 * day_ms).await.unwrap(), 1);
        assert_eq!(state.metrics.sessions_deleted_retention.load(Ordering::Relaxed), 2);
    }

    fn walk(dir: &std::path::Path) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path.display().to_string());
            }
        }
        out
    }
}
