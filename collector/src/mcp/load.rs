//! Sessions as the tools read them: the index record, the analysed session (the analyzer's
//! redacted actions and facts, never events) and, for `get_page_at` only, the decoded events,
//! all loaded through the background analysis's own loader ([`crate::analysis::load_session`])
//! with its size limits, one analysis at a time ([`crate::read::ReadSlots::analyses`]).

use crate::analysis::load_session;
use crate::index::SessionRecord;
use crate::limits::valid_session_id;
use crate::AppState;
use rewind::analyze::session::AnalyzedSession;
use rewind::model::Event;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Analysed sessions kept in memory between tool calls (an agent pages through one session's
/// timeline, then asks for its summary): 16. An analysed session holds its actions and a few
/// facts, no events: tens of KB for a typical session.
pub const MAX_CACHED_SESSIONS: usize = 16;

/// The most recently analysed sessions, each with the number of stored batches it covers (a
/// session that received batches since is analysed again).
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<VecDeque<(String, u64, Arc<AnalyzedSession>)>>,
}

impl SessionCache {
    fn get(&self, id: &str, batches: u64) -> Option<Arc<AnalyzedSession>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let at = entries.iter().position(|(i, b, _)| i == id && *b == batches)?;
        let entry = entries.remove(at)?;
        let replay = entry.2.clone();
        entries.push_front(entry);
        Some(replay)
    }

    fn put(&self, id: &str, batches: u64, replay: Arc<AnalyzedSession>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(i, _, _)| i != id);
        entries.push_front((id.to_string(), batches, replay));
        entries.truncate(MAX_CACHED_SESSIONS);
    }
}

/// The index record of session `id`.
///
/// # Errors
/// A malformed id, an unknown session, or the index's error, in one line.
pub async fn record(state: &AppState, id: &str) -> Result<SessionRecord, String> {
    if !valid_session_id(id) {
        return Err("`session_id` must be 1 to 64 characters of A-Z a-z 0-9 _ -".into());
    }
    match state.index.get(id).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => Err(format!("no session {id}")),
        Err(e) => Err(format!("the session index is unavailable: {e}")),
    }
}

/// The stored batches of `record`, joined, within the analysis limits.
async fn joined(state: &AppState, record: &SessionRecord) -> Result<(Vec<u8>, u64), String> {
    let (joined, covered) = load_session(state, record).await.map_err(|e| format!("cannot read the session: {e}"))?;
    Ok((joined.map_err(|skip| skip.note())?, covered))
}

/// The session analysed (redacted outputs: [`rewind::analyze::AnalyzeOptions::default`]), from
/// `cache` when it covers the same batches.
///
/// # Errors
/// The session is too large or cannot be decoded, or the store failed, in one line.
pub async fn analysed(
    state: &AppState,
    cache: &SessionCache,
    record: &SessionRecord,
) -> Result<Arc<AnalyzedSession>, String> {
    if let Some(replay) = cache.get(&record.session_id, record.n_batches) {
        return Ok(replay);
    }
    let _slot = state.reads.analyses.acquire().await.map_err(|e| e.to_string())?;
    let (bytes, covered) = joined(state, record).await?;
    let id = record.session_id.clone();
    let replay = tokio::task::spawn_blocking(move || AnalyzedSession::from_bytes(&bytes, Some(&id)))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot analyse: {e}"))?;
    let replay = Arc::new(replay);
    cache.put(&record.session_id, covered, replay.clone());
    Ok(replay)
}

/// `work` applied, on a blocking thread, to the session's events decoded and sorted
/// ([`rewind::codec::decode`]), while this holds one of the analysis slots (the events are
/// the largest thing a tool holds). The events never leave this process.
///
/// # Errors
/// As [`analysed`].
pub async fn with_events<T: Send + 'static>(
    state: &AppState,
    record: &SessionRecord,
    work: impl FnOnce(Vec<Event>) -> T + Send + 'static,
) -> Result<T, String> {
    let _slot = state.reads.analyses.acquire().await.map_err(|e| e.to_string())?;
    let (bytes, _) = joined(state, record).await?;
    let events = tokio::task::spawn_blocking(move || rewind::codec::decode(&bytes).map(|r| work(r.events)))
        .await
        .map_err(|e| e.to_string())?;
    events.map_err(|e| format!("cannot decode: {e}"))
}
