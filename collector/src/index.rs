//! The session index: one small JSON record per session at `index/{session_id}.json`, updated
//! on every stored batch, so listing sessions never reads a batch.
//!
//! Concurrency. Within one collector, updates of a session are serialized by a striped lock
//! and the records are cached in memory. Across collectors sharing an S3-compatible store,
//! each update is a conditional put on the record's e-tag (`If-Match`), retried from a fresh
//! read when another collector got there first, so no update is lost. A local directory has
//! no conditional overwrite: it must be served by one collector process at a time.
//!
//! Crash safety. A batch is written before the index learns of it; if the index update fails,
//! the client gets an error and resends, and the resent batch — already stored, so a
//! duplicate — is still applied to the index because the record lists the stored `seq`s.

use super::store::{utc_day, valid_day, Store, StoreError};
use super::wire::BatchInfo;
use axum::body::Bytes;
use futures_util::{stream, StreamExt, TryStreamExt};
use object_store::UpdateVersion;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Index records fetched at once when listing refreshes changed records.
const FETCH_CONCURRENCY: usize = 16;
/// Conditional index updates tried before giving up (each retry follows another collector's
/// successful update of the same session, so this is only reached under extreme contention).
const MAX_UPDATE_TRIES: usize = 32;
/// Lock stripes: sessions hashing to the same stripe are updated one after another.
const LOCK_STRIPES: usize = 256;

/// What the index knows of a session. Times are Unix epoch milliseconds: `start_time` and
/// `end_time` by the browser's clock (event timestamps), `*_received_at` by the collector's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The session id.
    pub session_id: String,
    /// UTC day (`YYYY/MM/DD`) the collector first saw the session: its batches' directory.
    pub day: String,
    /// The app, from the first batch that named one.
    pub app_id: Option<String>,
    /// The user (`identify`), from the latest batch (by `seq`) that carried one.
    pub distinct_id: Option<String>,
    /// SDK version of the latest batch.
    pub sdk_version: Option<String>,
    /// Earliest event.
    pub start_time: Option<i64>,
    /// Latest event.
    pub end_time: Option<i64>,
    /// When the collector created the record.
    pub first_received_at: i64,
    /// When the collector last stored a batch of the session.
    pub last_received_at: i64,
    /// `data.href` of the first Meta event of the lowest-`seq` batch that has one.
    pub entry_url: Option<String>,
    /// Events stored.
    pub n_events: u64,
    /// Batches stored.
    pub n_batches: u64,
    /// Console errors in the stored events.
    pub n_errors: u64,
    /// Stored batch bytes (gzip).
    pub bytes: u64,
    /// Stored `seq`s as sorted, disjoint, inclusive ranges `[first, last]`.
    pub seqs: Vec<[u64; 2]>,
    /// `seq` of the batch `entry_url` came from.
    #[serde(default)]
    entry_seq: Option<u64>,
    /// `seq` of the batch `distinct_id` came from.
    #[serde(default)]
    distinct_seq: Option<u64>,
    /// Rage-click bursts in the first [`SessionRecord::rage_batches`] stored batches, by the
    /// analyzer's definition (`super::rage`); `None` until computed, or when it could not be
    /// (`rage_note` says why).
    #[serde(default)]
    pub n_rage_clicks: Option<u64>,
    /// How many of the stored batches `n_rage_clicks` covers (batches are only ever added, so
    /// fewer than `n_batches` means the count is behind).
    #[serde(default)]
    pub rage_batches: u64,
    /// Why `n_rage_clicks` is `None` after a computation (session too large, undecodable).
    #[serde(default)]
    pub rage_note: Option<String>,
}

impl SessionRecord {
    /// An empty record for a session first seen at `now_ms`.
    pub fn new(session_id: &str, now_ms: i64) -> Self {
        SessionRecord {
            session_id: session_id.to_string(),
            day: utc_day(now_ms),
            first_received_at: now_ms,
            last_received_at: now_ms,
            ..Default::default()
        }
    }

    /// True when batch `seq` is counted in this record.
    pub fn contains(&self, seq: u64) -> bool {
        self.seqs.iter().any(|[a, b]| (*a..=*b).contains(&seq))
    }

    /// Counts a stored batch of `stored_bytes` bytes, received at `now_ms`. Returns false (and
    /// changes nothing) when its `seq` is already counted.
    pub fn apply(&mut self, batch: &BatchInfo, stored_bytes: u64, now_ms: i64) -> bool {
        if self.contains(batch.seq) {
            return false;
        }
        let seq = batch.seq;
        self.seqs.push([seq, seq]);
        self.seqs.sort_unstable();
        let mut merged: Vec<[u64; 2]> = Vec::with_capacity(self.seqs.len());
        for [a, b] in self.seqs.drain(..) {
            match merged.last_mut() {
                Some(last) if a <= last[1].saturating_add(1) => last[1] = last[1].max(b),
                _ => merged.push([a, b]),
            }
        }
        self.seqs = merged;
        self.n_batches += 1;
        self.n_events += batch.n_events;
        self.n_errors += batch.n_errors;
        self.bytes += stored_bytes;
        self.last_received_at = self.last_received_at.max(now_ms);
        self.start_time = min_opt(self.start_time, batch.start_time);
        self.end_time = max_opt(self.end_time, batch.end_time);
        if self.app_id.is_none() {
            self.app_id.clone_from(&batch.app_id);
        }
        if batch.sdk_version.is_some() {
            self.sdk_version.clone_from(&batch.sdk_version);
        }
        if batch.first_href.is_some() && self.entry_seq.is_none_or(|s| seq < s) {
            self.entry_url.clone_from(&batch.first_href);
            self.entry_seq = Some(seq);
        }
        if batch.distinct_id.is_some() && self.distinct_seq.is_none_or(|s| seq > s) {
            self.distinct_id.clone_from(&batch.distinct_id);
            self.distinct_seq = Some(seq);
        }
        true
    }

    /// True when the rage-click count does not cover every stored batch yet.
    pub fn rage_pending(&self) -> bool {
        self.rage_batches < self.n_batches
    }

    /// Records a rage-click count computed over `batches` stored batches (`count` `None` with
    /// `note` when it could not be computed). Returns false, changing nothing, when the record
    /// already holds a count over at least as many batches (a newer computation, possibly by
    /// another collector) or the same result.
    pub fn apply_rage(&mut self, batches: u64, count: Option<u64>, note: Option<String>) -> bool {
        if batches < self.rage_batches
            || (batches == self.rage_batches && count == self.n_rage_clicks && note == self.rage_note)
        {
            return false;
        }
        self.rage_batches = batches;
        self.n_rage_clicks = count;
        self.rage_note = note;
        true
    }

    /// Missing `seq`s between 0 and the highest stored one, as inclusive ranges.
    pub fn gaps(&self) -> Vec<[u64; 2]> {
        gaps(self.seqs.iter().map(|[a, b]| (*a, *b)))
    }

    /// The session's end for retention: its last event, but never later than the last time
    /// the collector received a batch (a browser clock set in the future cannot keep a session
    /// forever).
    pub fn retention_end_ms(&self) -> i64 {
        self.end_time.map_or(self.last_received_at, |end| end.min(self.last_received_at))
    }

    /// The record as the read API shows it.
    pub fn view(&self) -> SessionView<'_> {
        let gaps = self.gaps();
        SessionView {
            session_id: &self.session_id,
            app_id: self.app_id.as_deref(),
            distinct_id: self.distinct_id.as_deref(),
            sdk_version: self.sdk_version.as_deref(),
            start_time: self.start_time,
            end_time: self.end_time,
            duration_s: match (self.start_time, self.end_time) {
                (Some(s), Some(e)) => (e - s) as f64 / 1000.0,
                _ => 0.0,
            },
            entry_url: self.entry_url.as_deref(),
            n_events: self.n_events,
            n_batches: self.n_batches,
            n_errors: self.n_errors,
            n_rage_clicks: self.n_rage_clicks,
            rage_clicks_pending: self.rage_pending(),
            rage_note: self.rage_note.as_deref(),
            bytes: self.bytes,
            max_seq: self.seqs.last().map(|r| r[1]),
            missing_batches: gaps.iter().map(|[a, b]| b - a + 1).sum(),
            first_received_at: self.first_received_at,
            last_received_at: self.last_received_at,
        }
    }
}

/// One session in the read API (`GET /v1/sessions`, `GET /v1/sessions/{id}`). Times are Unix
/// epoch milliseconds, `duration_s` seconds.
#[derive(Debug, Serialize)]
pub struct SessionView<'a> {
    /// The session id.
    pub session_id: &'a str,
    /// The app.
    pub app_id: Option<&'a str>,
    /// The user (`identify`).
    pub distinct_id: Option<&'a str>,
    /// SDK version of the latest batch.
    pub sdk_version: Option<&'a str>,
    /// Earliest event (browser clock).
    pub start_time: Option<i64>,
    /// Latest event (browser clock).
    pub end_time: Option<i64>,
    /// `end_time - start_time`, seconds.
    pub duration_s: f64,
    /// First page URL.
    pub entry_url: Option<&'a str>,
    /// Events stored.
    pub n_events: u64,
    /// Batches stored.
    pub n_batches: u64,
    /// Console errors.
    pub n_errors: u64,
    /// Rage-click bursts (one per burst, however many clicks it has), computed in the
    /// background after batches arrive (`super::rage`); `null` before the first computation
    /// or when the session is too large or undecodable.
    pub n_rage_clicks: Option<u64>,
    /// True while `n_rage_clicks` does not cover every stored batch yet.
    pub rage_clicks_pending: bool,
    /// Why `n_rage_clicks` is `null` after a computation (session too large, undecodable).
    pub rage_note: Option<&'a str>,
    /// Stored bytes (gzip).
    pub bytes: u64,
    /// Highest stored `seq`.
    pub max_seq: Option<u64>,
    /// `seq`s below `max_seq` not stored (lost or not yet arrived).
    pub missing_batches: u64,
    /// First batch received (collector clock).
    pub first_received_at: i64,
    /// Last batch received (collector clock).
    pub last_received_at: i64,
}

/// Missing numbers from 0 up to the last range, given sorted disjoint inclusive ranges.
pub fn gaps(ranges: impl IntoIterator<Item = (u64, u64)>) -> Vec<[u64; 2]> {
    let mut next = 0u64;
    let mut out = Vec::new();
    for (a, b) in ranges {
        if a > next {
            out.push([next, a - 1]);
        }
        next = next.max(b.saturating_add(1));
    }
    out
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[derive(Clone, Debug)]
struct Cached {
    record: Arc<SessionRecord>,
    version: UpdateVersion,
}

/// The index: records cached in memory, kept in the store.
///
/// On a local store this process is the only writer, so once every record has been read
/// (the first listing) the cache is the index and listing reads nothing. On S3 each listing
/// lists `index/` and re-reads the records whose e-tag changed.
#[derive(Debug)]
pub struct Index {
    cache: Mutex<HashMap<String, Cached>>,
    stripes: Vec<tokio::sync::Mutex<()>>,
    /// Local store only: every record in the store is in the cache.
    complete: AtomicBool,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            cache: Mutex::default(),
            stripes: (0..LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            complete: AtomicBool::new(false),
        }
    }
}

impl Index {
    /// Serializes updates of one session within this process (hold the guard across the batch
    /// write and the index update).
    pub async fn lock(&self, session_id: &str) -> tokio::sync::MutexGuard<'_, ()> {
        let hash =
            session_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        self.stripes[(hash % LOCK_STRIPES as u64) as usize].lock().await
    }

    fn cached(&self, session_id: &str) -> Option<Cached> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(session_id).cloned()
    }

    fn remember(&self, record: SessionRecord, version: UpdateVersion) -> Arc<SessionRecord> {
        let record = Arc::new(record);
        let cached = Cached { record: record.clone(), version };
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(record.session_id.clone(), cached);
        record
    }

    /// Drops a session from the cache (after a delete, or when its state is unknown).
    pub fn forget(&self, session_id: &str) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).remove(session_id);
    }

    /// Reads a record from the store (not the cache) and caches it.
    async fn fetch(&self, store: &Store, session_id: &str) -> Result<Option<Cached>, StoreError> {
        let Some((bytes, version)) = store.get(&Store::index_path(session_id)).await? else {
            self.forget(session_id);
            return Ok(None);
        };
        let record = parse_record(&bytes, session_id)?;
        let record = self.remember(record, version.clone());
        Ok(Some(Cached { record, version }))
    }

    /// The session's record: from the cache when the store is local (this process is the only
    /// writer), else from the store.
    pub async fn get(&self, store: &Store, session_id: &str) -> Result<Option<Arc<SessionRecord>>, StoreError> {
        if !store.conditional_update {
            if let Some(cached) = self.cached(session_id) {
                return Ok(Some(cached.record));
            }
        }
        Ok(self.fetch(store, session_id).await?.map(|c| c.record))
    }

    /// The session's record, created (empty, dated `now_ms`) if the store has none, so the
    /// session's day directory is fixed before its first batch is written.
    pub async fn ensure(&self, store: &Store, session_id: &str, now_ms: i64) -> Result<Arc<SessionRecord>, StoreError> {
        if let Some(cached) = self.cached(session_id) {
            return Ok(cached.record);
        }
        if let Some(cached) = self.fetch(store, session_id).await? {
            return Ok(cached.record);
        }
        let record = SessionRecord::new(session_id, now_ms);
        let path = Store::index_path(session_id);
        match store.create_versioned(&path, to_bytes(&record)).await? {
            Some(version) => Ok(self.remember(record, version)),
            // Another collector created it a moment ago.
            None => self.fetch(store, session_id).await?.map(|c| c.record).ok_or_else(|| not_found(&path)),
        }
    }

    /// Counts a stored batch in its session's record (which [`Index::ensure`] created).
    /// Returns false when the record already counted this `seq`.
    pub async fn record_batch(
        &self,
        store: &Store,
        batch: &BatchInfo,
        stored_bytes: u64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.update(store, &batch.session_id, |r| r.apply(batch, stored_bytes, now_ms)).await
    }

    /// Applies `change` to the session's record and writes it back; `change` returns false
    /// when it changed nothing (then nothing is written and this returns false). On S3 the
    /// write is conditional on the record's e-tag and `change` is re-applied to a fresh read
    /// when another collector wrote first. Within this process, hold [`Index::lock`].
    ///
    /// Errors: the store's, or `NotFound` when the record does not exist (or vanished).
    pub async fn update(
        &self,
        store: &Store,
        id: &str,
        mut change: impl FnMut(&mut SessionRecord) -> bool,
    ) -> Result<bool, StoreError> {
        let path = Store::index_path(id);
        let mut current = match self.cached(id) {
            Some(cached) => cached,
            None => self.fetch(store, id).await?.ok_or_else(|| not_found(&path))?,
        };
        for _ in 0..MAX_UPDATE_TRIES {
            let mut record = SessionRecord::clone(&current.record);
            if !change(&mut record) {
                return Ok(false);
            }
            match store.replace(&path, to_bytes(&record), Some(current.version.clone())).await {
                Ok(version) => {
                    self.remember(record, version);
                    return Ok(true);
                }
                Err(StoreError::Precondition { .. }) => {
                    current = self.fetch(store, id).await?.ok_or_else(|| not_found(&path))?;
                }
                Err(e) => {
                    self.forget(id);
                    return Err(e);
                }
            }
        }
        Err(StoreError::Generic { store: "index", source: format!("{path}: too many concurrent updates").into() })
    }

    /// Every session's record. Lists `index/` once and reads only the records this process
    /// has not cached (local store) or whose e-tag changed (S3); on a local store, after the
    /// first call, only the cache.
    pub async fn all(&self, store: &Store) -> Result<Vec<Arc<SessionRecord>>, StoreError> {
        let local = !store.conditional_update;
        if local && self.complete.load(Ordering::Acquire) {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            return Ok(cache.values().map(|c| c.record.clone()).collect());
        }
        let listed = store.list(&Store::index_prefix()).await?;
        let mut fresh = Vec::with_capacity(listed.len());
        let mut stale = Vec::new();
        {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let mut present = std::collections::HashSet::with_capacity(listed.len());
            for meta in listed {
                let Some(id) = meta.location.filename().and_then(|f| f.strip_suffix(".json")) else { continue };
                present.insert(id.to_string());
                match cache.get(id) {
                    // Local: the cached record is never older than the file (only this process
                    // writes), and re-reading it could race an in-place rewrite.
                    Some(c) if local || (c.version.e_tag.is_some() && c.version.e_tag == meta.e_tag) => {
                        fresh.push(c.record.clone())
                    }
                    _ => stale.push(id.to_string()),
                }
            }
            if !local {
                cache.retain(|id, _| present.contains(id));
            }
        }
        let fetched: Vec<Option<Cached>> = stream::iter(stale)
            .map(|id| async move {
                match self.fetch(store, &id).await {
                    Err(StoreError::Generic { store: "index", source }) => {
                        eprintln!("rewind serve: skipping index record {id}: {source}");
                        Ok(None)
                    }
                    other => other,
                }
            })
            .buffer_unordered(FETCH_CONCURRENCY)
            .try_collect()
            .await?;
        fresh.extend(fetched.into_iter().flatten().map(|c| c.record));
        if local {
            self.complete.store(true, Ordering::Release);
        }
        Ok(fresh)
    }
}

fn to_bytes(record: &SessionRecord) -> Bytes {
    Bytes::from(serde_json::to_vec(record).expect("index record serializes"))
}

fn parse_record(bytes: &[u8], session_id: &str) -> Result<SessionRecord, StoreError> {
    let record: SessionRecord = serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Generic { store: "index", source: format!("index/{session_id}.json: {e}").into() })?;
    if record.session_id != session_id || !valid_day(&record.day) {
        let source = format!("index/{session_id}.json: wrong session id or day").into();
        return Err(StoreError::Generic { store: "index", source });
    }
    Ok(record)
}

fn not_found(path: &object_store::path::Path) -> StoreError {
    StoreError::NotFound { path: path.to_string(), source: "index record vanished during an update".into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn batch(seq: u64, t: (i64, i64), href: Option<&str>, user: Option<&str>) -> BatchInfo {
        BatchInfo {
            session_id: "s".into(),
            seq,
            n_events: 10,
            start_time: Some(t.0),
            end_time: Some(t.1),
            first_href: href.map(String::from),
            distinct_id: user.map(String::from),
            n_errors: 1,
            ..Default::default()
        }
    }

    #[test]
    fn apply_counts_each_seq_once_in_any_order() {
        let mut r = SessionRecord::new("s", 1_000);
        assert!(r.apply(&batch(2, (300, 400), Some("https://a/2"), Some("u2")), 100, 2_000));
        assert!(r.apply(&batch(0, (100, 200), Some("https://a/0"), Some("u0")), 100, 3_000));
        assert!(!r.apply(&batch(0, (100, 200), None, None), 100, 4_000));
        assert_eq!(r.seqs, vec![[0, 0], [2, 2]]);
        assert_eq!(r.gaps(), vec![[1, 1]]);
        assert!(r.apply(&batch(1, (200, 300), None, None), 100, 5_000));
        assert_eq!(r.seqs, vec![[0, 2]]);
        assert!(r.gaps().is_empty());
        assert_eq!((r.n_batches, r.n_events, r.n_errors, r.bytes), (3, 30, 3, 300));
        assert_eq!((r.start_time, r.end_time, r.last_received_at), (Some(100), Some(400), 5_000));
        assert_eq!(r.entry_url.as_deref(), Some("https://a/0"));
        assert_eq!(r.distinct_id.as_deref(), Some("u2"));
        let view = serde_json::to_value(r.view()).unwrap();
        assert_eq!(view["duration_s"], 0.3);
        assert_eq!(view["max_seq"], 2);
        assert!(view.get("seqs").is_none() && view.get("day").is_none());
    }

    #[test]
    fn rage_counts_only_move_forward() {
        let mut r = SessionRecord::new("s", 1_000);
        assert!(r.apply(&batch(0, (100, 200), None, None), 100, 2_000));
        assert!(r.rage_pending());
        assert_eq!(serde_json::to_value(r.view()).unwrap()["n_rage_clicks"], Value::Null);
        assert!(r.apply_rage(1, Some(2), None));
        assert!(!r.rage_pending());
        assert!(!r.apply_rage(1, Some(2), None), "the same result is not written again");
        assert!(r.apply(&batch(1, (200, 300), None, None), 100, 3_000));
        assert!(r.rage_pending());
        assert!(r.apply_rage(2, Some(3), None));
        // A slower computation over fewer batches (another collector's) finishing later.
        assert!(!r.apply_rage(1, Some(2), None));
        assert_eq!((r.n_rage_clicks, r.rage_batches), (Some(3), 2));
        let view = serde_json::to_value(r.view()).unwrap();
        assert_eq!((view["n_rage_clicks"].clone(), view["rage_clicks_pending"].clone()), (json!(3), json!(false)));
        assert!(r.apply_rage(2, None, Some("too large".into())));
        assert_eq!(r.n_rage_clicks, None);
        let view = serde_json::to_value(r.view()).unwrap();
        assert_eq!((view["n_rage_clicks"].clone(), view["rage_note"].clone()), (Value::Null, json!("too large")));
    }

    #[test]
    fn records_without_rage_fields_still_parse() {
        let old = r#"{"session_id":"abc","day":"2026/11/21","app_id":null,"distinct_id":null,"sdk_version":null,
            "start_time":1,"end_time":2,"first_received_at":3,"last_received_at":4,"entry_url":null,
            "n_events":5,"n_batches":1,"n_errors":0,"bytes":10,"seqs":[[0,0]]}"#;
        let r = parse_record(old.as_bytes(), "abc").unwrap();
        assert_eq!((r.n_rage_clicks, r.rage_batches), (None, 0));
        assert!(r.rage_pending(), "an index written before rage counts is computed again");
    }

    #[test]
    fn gap_ranges() {
        assert_eq!(gaps([(3, 4), (6, 6), (9, 10)]), vec![[0, 2], [5, 5], [7, 8]]);
        assert!(gaps([(0, 5)]).is_empty());
    }

    #[test]
    fn retention_end_is_capped_by_receipt() {
        let mut r = SessionRecord::new("s", 1_000);
        r.end_time = Some(9_999_999);
        assert_eq!(r.retention_end_ms(), 1_000);
        r.end_time = Some(500);
        assert_eq!(r.retention_end_ms(), 500);
    }

    #[test]
    fn records_round_trip_and_are_checked() {
        let r = SessionRecord::new("abc", 1_795_248_208_007);
        let bytes = to_bytes(&r);
        assert_eq!(parse_record(&bytes, "abc").unwrap(), r);
        assert!(parse_record(&bytes, "abd").is_err());
        let evil = String::from_utf8(bytes.to_vec()).unwrap().replace("2026/11/21", "../../../x");
        assert!(parse_record(evil.as_bytes(), "abc").is_err());
    }
}
