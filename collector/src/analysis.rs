//! The background analysis: once a session has gone idle, a worker runs the analyzer over its
//! stored batches — exactly those the index lists — and fills the session's row: pages visited
//! (with titles), rage-click bursts, dead clicks, error clicks and the findings by kind
//! ([`rewind::analyze::session::signals::all_findings`] with the analyzer's documented rage
//! defaults, [`RAGE_CLICK_THRESHOLD`] clicks within [`RAGE_CLICK_WINDOW_MS`]).
//!
//! Why over the stored batches, once idle, not per batch. Whether a click is rage or dead
//! depends on the element under it and on what the page did next, which only the DOM rebuilt
//! from the session's FullSnapshot knows; a burst may span two batches, which may arrive in any
//! order; and state kept per live session would not survive a restart or another collector
//! writing to the same store. The analysis records how many batches it covers
//! ([`crate::index::Index::record_analysis`]; one over more batches always wins, so collectors
//! racing cannot move it backwards), and the list API says when it is behind
//! (`analysis_pending`).
//!
//! The queue is the index itself (sessions whose analysis covers fewer batches than are
//! stored, idle for [`ServeArgs::analysis_idle_secs`](crate::ServeArgs)), so nothing is lost
//! by a restart and batches another collector stored are analysed too.
//!
//! Bounded, by construction:
//! - memory: a session is loaded only when its stored (gzip) bytes are at most
//!   [`MAX_ANALYSIS_STORED_BYTES`] and its batches decompress to at most
//!   [`MAX_ANALYSIS_DECOMPRESSED_BYTES`] in all (measured by streaming through each batch
//!   first, nothing kept); past either limit the session is marked "too large to analyse" and
//!   never decoded. The analyzer itself reads the batches as a stream
//!   ([`AnalyzedSession::from_bytes`]), without an event list of the whole session;
//! - CPU: [`MAX_CONCURRENT_ANALYSES`] at once, and after each the worker rests as long as it
//!   worked (at most [`MAX_ANALYSIS_REST`]), so it takes at most half a core however fast
//!   batches arrive.

use super::index::{AnalysisRow, SessionRecord};
use super::store::{now_ms, Store};
use super::AppState;
use futures_util::{stream, StreamExt};
use rewind::analyze::session::signals::{all_findings, FindingKind, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use rewind::analyze::session::AnalyzedSession;
use rewind::analyze::ActionKind;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Largest session (stored gzip bytes, as the index counts them) that is loaded for analysis:
/// 32 MiB. rrweb JSON gzips to about 14–17 % (17 % on this repository's small fixtures,
/// gzip -6), so this is ~200 MB of events.
pub const MAX_ANALYSIS_STORED_BYTES: u64 = 32 << 20;

/// Largest session, decompressed (all its batches' JSON), that is analysed: 256 MiB. Batches
/// that repeat themselves compress far better than real ones (a 20 MB batch of one repeated
/// string is a few KB of gzip), so the stored size alone does not bound the work: the
/// decompressed size is measured before anything is decoded.
pub const MAX_ANALYSIS_DECOMPRESSED_BYTES: u64 = 256 << 20;

/// Sessions analysed at once: 1 (one core at most, and one session's memory).
pub const MAX_CONCURRENT_ANALYSES: usize = 1;

/// Sessions taken from the index per look.
const CLAIM_BATCH: usize = 8;

/// How often the worker looks for idle sessions when nothing wakes it: 1 s.
pub const ANALYSIS_POLL: Duration = Duration::from_secs(1);

/// Longest rest after an analysis: 30 s. The worker rests as long as its last analysis took,
/// up to this, so a huge session cannot park the queue for long.
pub const MAX_ANALYSIS_REST: Duration = Duration::from_secs(30);

/// Default of `--analysis-idle-secs`: a session is analysed once no batch arrived for 10 s.
pub const DEFAULT_ANALYSIS_IDLE_SECS: u64 = 10;

/// Wakes the worker early (after a batch is indexed, so an idle time of 0 analyses at once).
#[derive(Debug, Default)]
pub struct AnalysisQueue {
    wake: Notify,
}

impl AnalysisQueue {
    /// Tells the worker a session has new batches.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }
}

/// Why a session is not analysed.
#[derive(Debug, PartialEq, Eq)]
pub enum Skip {
    /// Past [`MAX_ANALYSIS_STORED_BYTES`] or [`MAX_ANALYSIS_DECOMPRESSED_BYTES`].
    TooLarge(String),
    /// The decoder refused it.
    Undecodable(String),
}

impl Skip {
    /// One line saying why, as the index keeps it in `analysis_note`.
    pub fn note(self) -> String {
        match self {
            Skip::TooLarge(why) => format!("too large to analyse: {why}"),
            Skip::Undecodable(why) => format!("cannot analyse: {why}"),
        }
    }
}

/// Decompressed size of `batches` (each a gzip stream, possibly multi-member), stopping as
/// soon as it passes `limit` (then `Err` with the size reached). Streams through a small
/// buffer: nothing is kept. A batch that is not valid gzip counts what it yielded.
pub fn decompressed_size(batches: &[axum::body::Bytes], limit: u64) -> Result<u64, u64> {
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    for batch in batches {
        let mut decoder = flate2::read::MultiGzDecoder::new(&batch[..]);
        loop {
            match decoder.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n as u64;
                    if total > limit {
                        return Err(total);
                    }
                }
            }
        }
    }
    Ok(total)
}

/// The analysis of a session's joined batches (gzip members, as stored). Runs the analyzer:
/// call it on a blocking thread.
pub fn analyse_session(session_id: &str, joined_gzip: &[u8]) -> Result<AnalysisRow, Skip> {
    let replay =
        AnalyzedSession::from_bytes(joined_gzip, Some(session_id)).map_err(|e| Skip::Undecodable(e.to_string()))?;
    let findings = all_findings(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS);
    let mut by_kind: BTreeMap<&str, u64> = BTreeMap::new();
    for finding in &findings {
        *by_kind.entry(finding.kind.as_str()).or_default() += 1;
    }
    let count = |kind: FindingKind| by_kind.get(kind.as_str()).copied().unwrap_or(0);
    let pages = pages_with_titles(&replay);
    Ok(AnalysisRow {
        n_rage_clicks: Some(count(FindingKind::RageClick)),
        n_dead_clicks: Some(count(FindingKind::DeadClick)),
        n_error_clicks: Some(count(FindingKind::ErrorClick)),
        n_pages: Some(pages.len() as u64),
        findings: Some(serde_json::to_string(&by_kind).unwrap_or_else(|_| "{}".into())),
        note: None,
        pages,
    })
}

/// The pages a session visited, in order of first visit, each with the title its first
/// navigation there recorded (`metadata.title` of a Navigate action), if any.
pub fn pages_with_titles(replay: &AnalyzedSession) -> Vec<(String, Option<String>)> {
    let mut titles: BTreeMap<&str, &str> = BTreeMap::new();
    for action in replay.actions().iter().filter(|a| a.action == ActionKind::Navigate) {
        if let (Some(url), Some(title)) = (action.url.as_deref(), action.metadata.get("title").and_then(|t| t.as_str()))
        {
            titles.entry(url).or_insert(title);
        }
    }
    replay.urls().iter().map(|u| (u.clone(), titles.get(u.as_str()).map(|t| t.to_string()))).collect()
}

/// A session's stored batches as one gzip byte string (one member per batch, in `seq` order:
/// what [`AnalyzedSession::from_bytes`] and [`rewind::codec::decode`] read): exactly the
/// batches the index counts, so one written a moment ago but not yet indexed is left to the
/// next analysis. With the number of batches covered.
///
/// # Errors
/// `Ok((Err(skip), _))` when the session is past [`MAX_ANALYSIS_STORED_BYTES`] stored or
/// [`MAX_ANALYSIS_DECOMPRESSED_BYTES`] decompressed (measured before anything is decoded);
/// `Err` with the store's or the index's error.
pub async fn load_session(state: &AppState, record: &SessionRecord) -> Result<(Result<Vec<u8>, Skip>, u64), String> {
    let id = record.session_id.as_str();
    let seqs = state.index.seqs(id).await.map_err(|e| e.to_string())?;
    let covered = seqs.len() as u64;
    if record.bytes > MAX_ANALYSIS_STORED_BYTES {
        let why = format!("{} stored bytes, more than {MAX_ANALYSIS_STORED_BYTES}", record.bytes);
        return Ok((Err(Skip::TooLarge(why)), covered));
    }
    let store = &state.store;
    let day = &record.day;
    let batches: Vec<_> = stream::iter(seqs)
        .map(|seq| async move { store.get(&Store::batch_path(day, id, seq)).await })
        .buffered(8)
        .collect()
        .await;
    let mut loaded = Vec::with_capacity(batches.len());
    for batch in batches {
        match batch {
            Ok(Some((bytes, _))) => loaded.push(bytes),
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    let joined = tokio::task::spawn_blocking(move || {
        if let Err(reached) = decompressed_size(&loaded, MAX_ANALYSIS_DECOMPRESSED_BYTES) {
            return Err(Skip::TooLarge(format!(
                "more than {MAX_ANALYSIS_DECOMPRESSED_BYTES} bytes decompressed (stopped at {reached})"
            )));
        }
        let mut joined = Vec::with_capacity(loaded.iter().map(|b| b.len()).sum());
        loaded.iter().for_each(|bytes| joined.extend_from_slice(bytes));
        Ok(joined)
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok((joined, covered))
}

/// Analyses one session and writes the result to the index. Returns how long it took.
async fn refresh(state: &AppState, id: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let Some(record) = state.index.get(id).await.map_err(|e| e.to_string())? else {
        return Ok(started.elapsed()); // deleted meanwhile
    };
    let (joined, covered) = load_session(state, &record).await?;
    let result = match joined {
        Ok(joined) => {
            let id = id.to_string();
            tokio::task::spawn_blocking(move || analyse_session(&id, &joined)).await.map_err(|e| e.to_string())?
        }
        Err(skip) => Err(skip),
    };
    let row = result.unwrap_or_else(|skip| AnalysisRow { note: Some(skip.note()), ..Default::default() });
    state.index.record_analysis(id, covered, &row, now_ms()).await.map_err(|e| e.to_string())?;
    Ok(started.elapsed())
}

/// Runs the worker until the runtime shuts down: sessions idle for `idle` are analysed,
/// [`MAX_CONCURRENT_ANALYSES`] at a time.
pub fn spawn(state: Arc<AppState>, idle: Duration) {
    tokio::spawn(async move {
        loop {
            let idle_before = now_ms() - i64::try_from(idle.as_millis()).unwrap_or(i64::MAX);
            let ids = match state.index.to_analyse(idle_before, CLAIM_BATCH).await {
                Ok(ids) => ids,
                Err(e) => {
                    eprintln!("rewind serve: analysis: cannot read the index: {e}");
                    Vec::new()
                }
            };
            if ids.is_empty() {
                // A batch arriving now is analysed after `idle` at the latest poll after it.
                let _ = tokio::time::timeout(ANALYSIS_POLL, state.analysis.wake.notified()).await;
                continue;
            }
            let state = &state;
            let took: Vec<Duration> = stream::iter(ids)
                .map(|id| async move {
                    refresh(state, &id).await.unwrap_or_else(|why| {
                        eprintln!("rewind serve: session {id} not analysed: {why}");
                        Duration::ZERO
                    })
                })
                .buffer_unordered(MAX_CONCURRENT_ANALYSES)
                .collect()
                .await;
            let worked: Duration = took.iter().sum();
            if worked.is_zero() {
                // Only failures: do not spin on them.
                tokio::time::sleep(ANALYSIS_POLL).await;
            } else {
                tokio::time::sleep(worked.min(MAX_ANALYSIS_REST)).await;
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
    fn counts_signals_by_the_analyzers_definitions() {
        // dead-button: one burst of 5 clicks on "Apply coupon" (tests/expected/bundle).
        let row = analyse_session("s", &fixture_gzip("dead-button")).unwrap();
        assert_eq!(row.n_rage_clicks, Some(1));
        assert!(row.n_dead_clicks.unwrap() >= 1, "{row:?}");
        assert!(row.findings.as_deref().unwrap().contains("\"rage_click\":1"), "{row:?}");
        assert_eq!(row.n_pages, Some(row.pages.len() as u64));
        assert!(!row.pages.is_empty());
        // checkout-dynamic: quick clicks the page answered one by one are not rage.
        assert_eq!(analyse_session("s", &fixture_gzip("checkout-dynamic")).unwrap().n_rage_clicks, Some(0));
    }

    #[test]
    fn undecodable_sessions_say_why() {
        let err = analyse_session("s", b"\x1f\x8b\x08\x00garbage").unwrap_err();
        assert!(matches!(&err, Skip::Undecodable(_)), "{err:?}");
        assert!(err.note().starts_with("cannot analyse: "));
    }

    #[test]
    fn decompressed_size_stops_at_the_limit() {
        let zeros = vec![0u8; 3 << 20];
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &zeros).unwrap();
        let gzip = axum::body::Bytes::from(encoder.finish().unwrap());
        assert!(gzip.len() < 64 << 10, "repetition compresses far");
        let two = [gzip.clone(), gzip];
        assert_eq!(decompressed_size(&two, 6 << 20), Ok(6 << 20));
        let over = decompressed_size(&two, (6 << 20) - 1).unwrap_err();
        assert!(over > (6 << 20) - 1 && over <= 6 << 20);
    }
}
