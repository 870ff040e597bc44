//! Group commit of ingest's index writes: one writer task takes every batch record waiting in
//! its queue and indexes them all in one transaction, so the per-transaction cost (a commit,
//! and on SQLite the one-writer-at-a-time gate) is paid once per group rather than once per
//! batch. An ingest is answered only after the transaction holding its record committed.
//!
//! A transaction is three statements whatever the group's size: a multi-row insert of the
//! `(session_id, seq)` rows that reports which were new (`RETURNING`), one `UPDATE … FROM
//! (VALUES …)` adding the new batches' figures to their sessions' rows, and a multi-row insert
//! of their entry pages. When the group's transaction fails (a session deleted meanwhile, a
//! PostgreSQL deadlock with another collector's group), nothing of it was written, and each
//! record is then written in a transaction of its own, so each ingest gets its own answer.

use super::{db_error, int, Backend};
use crate::store::StoreError;
use crate::wire::BatchInfo;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Batch records queued for the writer at most; an ingest that finds the queue full waits for
/// room (backpressure: a database slower than the network holds clients back instead of
/// piling up memory). Sized for every ingest that can be in flight at once (bodies share a
/// 128 MiB budget; decode and redaction are bounded further).
pub const WRITE_QUEUE: usize = 1_024;
/// Batch records per transaction at most. The session update binds 15 parameters per session,
/// so a group stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
pub const MAX_GROUP: usize = 256;
/// Columns of a session's figures in the `UPDATE … FROM (VALUES …)`.
const UPDATE_WIDTH: usize = 15;

/// What indexing one stored batch adds. Times are Unix epoch milliseconds.
#[derive(Debug)]
pub(super) struct BatchRow {
    session_id: String,
    seq: i64,
    n_events: i64,
    n_errors: i64,
    bytes: i64,
    start_time: Option<i64>,
    end_time: Option<i64>,
    app_id: Option<String>,
    sdk_version: Option<String>,
    first_href: Option<String>,
    distinct_id: Option<String>,
    received_at: i64,
}

impl BatchRow {
    /// The record of `batch`, stored as `stored_bytes` bytes at `now_ms`.
    pub(super) fn new(batch: &BatchInfo, stored_bytes: u64, now_ms: i64) -> BatchRow {
        BatchRow {
            session_id: batch.session_id.clone(),
            seq: int(batch.seq),
            n_events: int(batch.n_events),
            n_errors: int(batch.n_errors),
            bytes: int(stored_bytes),
            start_time: batch.start_time,
            end_time: batch.end_time,
            app_id: batch.app_id.clone(),
            sdk_version: batch.sdk_version.clone(),
            first_href: batch.first_href.clone(),
            distinct_id: batch.distinct_id.clone(),
            received_at: now_ms,
        }
    }
}

/// A record waiting for the writer, and where its answer goes: whether its `seq` was new.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) row: BatchRow,
    pub(super) reply: oneshot::Sender<Result<bool, StoreError>>,
}

/// Starts the writer task on the current runtime; it ends when every sender is dropped.
/// `gate` is the index's one-writer gate (SQLite), held for each transaction.
pub(super) fn spawn(pool: AnyPool, backend: Backend, gate: Arc<Mutex<()>>) -> mpsc::Sender<Pending> {
    let (sender, receiver) = mpsc::channel(WRITE_QUEUE);
    tokio::spawn(run(pool, backend, gate, receiver));
    sender
}

async fn run(pool: AnyPool, backend: Backend, gate: Arc<Mutex<()>>, mut receiver: mpsc::Receiver<Pending>) {
    let mut group: Vec<Pending> = Vec::with_capacity(MAX_GROUP);
    // The writer keeps one connection rather than taking one from the pool per group (each
    // acquire pings the connection first); it is given back after an error, in case that
    // error broke it, and a new one is taken for the next group. A pool of one connection
    // (an in-memory index) is never kept from its other users.
    let keep = pool.options().get_max_connections() > 1;
    let mut held: Option<PoolConnection<Any>> = None;
    while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
        let rows: Vec<&BatchRow> = group.iter().map(|p| &p.row).collect();
        let result = {
            let _gate = lock(&gate, backend).await;
            write_group(&pool, &mut held, &rows).await
        };
        if !keep {
            held = None;
        }
        drop(rows);
        match result {
            Ok(new) => {
                for (pending, new) in group.drain(..).zip(new) {
                    // The ingest may have gone (client disconnected): its batch stays indexed.
                    let _ = pending.reply.send(Ok(new));
                }
            }
            Err(_) if group.len() > 1 => {
                for pending in group.drain(..) {
                    let result = {
                        let _gate = lock(&gate, backend).await;
                        write_group(&pool, &mut held, &[&pending.row]).await
                    };
                    if !keep {
                        held = None;
                    }
                    let _ = pending.reply.send(result.map(|new| new[0]));
                }
            }
            // One batch: a group of several was retried one by one above.
            Err(e) => {
                if let Some(pending) = group.pop() {
                    let _ = pending.reply.send(Err(db_error(e)));
                }
            }
        }
    }
}

async fn lock(gate: &Mutex<()>, backend: Backend) -> Option<tokio::sync::MutexGuard<'_, ()>> {
    match backend {
        Backend::Sqlite => Some(gate.lock().await),
        Backend::Postgres => None,
    }
}

/// `($1, $2, …), (…)`: `rows` groups of `width` parameters, numbered from `$1`.
pub(super) fn placeholders(rows: usize, width: usize, extra: &str) -> String {
    let mut out = String::with_capacity(rows * (width * 6 + extra.len() + 4));
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for col in 0..width {
            if col > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", row * width + col + 1));
        }
        out.push_str(extra);
        out.push(')');
    }
    out
}

/// What the new batches of a group add to one session's row (several batches of one session
/// can share a group when several collectors share a PostgreSQL index).
#[derive(Default)]
struct SessionDelta<'a> {
    n_batches: i64,
    n_events: i64,
    n_errors: i64,
    bytes: i64,
    start_time: Option<i64>,
    end_time: Option<i64>,
    max_seq: i64,
    /// The first app named, in the order the batches arrived (the row keeps the first).
    app_id: Option<&'a str>,
    /// The last SDK version named, in the order the batches arrived.
    sdk_version: Option<&'a str>,
    /// The entry page of the lowest `seq` that has one, and that `seq`.
    entry: Option<(&'a str, i64)>,
    /// The user of the highest `seq` that names one, and that `seq`.
    distinct: Option<(&'a str, i64)>,
    received_at: i64,
}

impl<'a> SessionDelta<'a> {
    fn add(&mut self, row: &'a BatchRow) {
        self.n_batches += 1;
        self.n_events += row.n_events;
        self.n_errors += row.n_errors;
        self.bytes += row.bytes;
        self.start_time = min_some(self.start_time, row.start_time);
        self.end_time = max_some(self.end_time, row.end_time);
        self.max_seq = if self.n_batches == 1 { row.seq } else { self.max_seq.max(row.seq) };
        self.app_id = self.app_id.or(row.app_id.as_deref());
        self.sdk_version = row.sdk_version.as_deref().or(self.sdk_version);
        if let Some(href) = &row.first_href {
            if self.entry.is_none_or(|(_, seq)| row.seq < seq) {
                self.entry = Some((href, row.seq));
            }
        }
        if let Some(user) = &row.distinct_id {
            if self.distinct.is_none_or(|(_, seq)| row.seq > seq) {
                self.distinct = Some((user, row.seq));
            }
        }
        self.received_at = self.received_at.max(row.received_at);
    }
}

fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Indexes `rows` in one transaction; for each, whether its `seq` was new (a resent batch's
/// is not, and changes nothing). Nothing is written when it fails.
///
/// # Errors
/// A database error, or [`StoreError::NotFound`] when a new batch's session row is gone
/// (deleted during its ingest: the client resends).
async fn write_group(
    pool: &AnyPool,
    held: &mut Option<PoolConnection<Any>>,
    rows: &[&BatchRow],
) -> Result<Vec<bool>, StoreError> {
    let conn = match held {
        Some(conn) => conn,
        None => held.insert(pool.acquire().await.map_err(db_error)?),
    };
    let result = write_rows(conn, rows).await;
    if result.is_err() {
        *held = None;
    }
    result
}

/// [`write_group`] on `conn`.
async fn write_rows(conn: &mut AnyConnection, rows: &[&BatchRow]) -> Result<Vec<bool>, StoreError> {
    let mut tx = conn.begin().await.map_err(db_error)?;
    let sql = format!(
        "INSERT INTO batches (session_id, seq, bytes, received_at) VALUES {} \
         ON CONFLICT (session_id, seq) DO NOTHING RETURNING session_id, seq",
        placeholders(rows.len(), 4, "")
    );
    let mut insert = sqlx::query(&sql);
    for row in rows {
        insert = insert.bind(row.session_id.as_str()).bind(row.seq).bind(row.bytes).bind(row.received_at);
    }
    let mut inserted: HashSet<(String, i64)> = HashSet::with_capacity(rows.len());
    for returned in insert.fetch_all(&mut *tx).await.map_err(db_error)? {
        let id: String = sqlx::Row::try_get(&returned, 0).map_err(db_error)?;
        let seq: i64 = sqlx::Row::try_get(&returned, 1).map_err(db_error)?;
        inserted.insert((id, seq));
    }
    // A row is new when the insert reported it; the same (session, seq) twice in one group
    // (a resend racing its original) is new the first time only.
    let new: Vec<bool> = rows.iter().map(|r| inserted.remove(&(r.session_id.clone(), r.seq))).collect();
    let mut sessions: BTreeMap<&str, SessionDelta> = BTreeMap::new();
    for (row, _) in rows.iter().zip(&new).filter(|(_, new)| **new) {
        sessions.entry(row.session_id.as_str()).or_default().add(row);
    }
    if sessions.is_empty() {
        tx.commit().await.map_err(db_error)?;
        return Ok(new);
    }
    // Every SET expression reads the row as it was before the update (SQL semantics in both
    // databases), so `start_time` in `sort_time`'s expression is the old one. VALUES columns
    // are `column1`… in both databases.
    let start = "CASE WHEN start_time IS NULL OR v.column6 < start_time THEN COALESCE(v.column6, start_time) \
                 ELSE start_time END";
    let sql = format!(
        "UPDATE sessions SET n_batches = n_batches + v.column2, n_events = n_events + v.column3, \
         n_errors = n_errors + v.column4, bytes = bytes + v.column5, \
         last_received_at = CASE WHEN last_received_at > v.column15 THEN last_received_at ELSE v.column15 END, \
         start_time = {start}, \
         sort_time = COALESCE({start}, first_received_at), \
         end_time = CASE WHEN end_time IS NULL OR v.column7 > end_time THEN COALESCE(v.column7, end_time) ELSE end_time END, \
         max_seq = CASE WHEN max_seq IS NULL OR v.column8 > max_seq THEN v.column8 ELSE max_seq END, \
         app_id = COALESCE(app_id, v.column9), \
         sdk_version = COALESCE(v.column10, sdk_version), \
         entry_url = CASE WHEN v.column11 IS NOT NULL AND (entry_seq IS NULL OR v.column12 < entry_seq) \
             THEN v.column11 ELSE entry_url END, \
         entry_seq = CASE WHEN v.column11 IS NOT NULL AND (entry_seq IS NULL OR v.column12 < entry_seq) \
             THEN v.column12 ELSE entry_seq END, \
         distinct_id = CASE WHEN v.column13 IS NOT NULL AND (distinct_seq IS NULL OR v.column14 > distinct_seq) \
             THEN v.column13 ELSE distinct_id END, \
         distinct_seq = CASE WHEN v.column13 IS NOT NULL AND (distinct_seq IS NULL OR v.column14 > distinct_seq) \
             THEN v.column14 ELSE distinct_seq END \
         FROM (VALUES {}) AS v WHERE sessions.session_id = v.column1 RETURNING sessions.session_id",
        placeholders(sessions.len(), UPDATE_WIDTH, "")
    );
    let mut update = sqlx::query(&sql);
    for (id, d) in &sessions {
        update = update
            .bind(*id)
            .bind(d.n_batches)
            .bind(d.n_events)
            .bind(d.n_errors)
            .bind(d.bytes)
            .bind(d.start_time)
            .bind(d.end_time)
            .bind(d.max_seq)
            .bind(d.app_id)
            .bind(d.sdk_version)
            .bind(d.entry.map(|e| e.0))
            .bind(d.entry.map(|e| e.1))
            .bind(d.distinct.map(|e| e.0))
            .bind(d.distinct.map(|e| e.1))
            .bind(d.received_at);
    }
    let updated = update.fetch_all(&mut *tx).await.map_err(db_error)?;
    if updated.len() < sessions.len() {
        // A row vanished (deleted meanwhile): roll back, the batch stays uncounted, the
        // client resends.
        let found: HashSet<String> = updated.iter().filter_map(|r| sqlx::Row::try_get(r, 0).ok()).collect();
        let gone = sessions.keys().find(|id| !found.contains(**id)).map_or("?", |id| *id);
        return Err(StoreError::NotFound {
            path: format!("index: session {gone}"),
            source: "session deleted during ingest".into(),
        });
    }
    let pages: HashSet<(&str, &str)> = rows
        .iter()
        .zip(&new)
        .filter(|(_, new)| **new)
        .filter_map(|(row, _)| Some((row.session_id.as_str(), row.first_href.as_deref()?)))
        .collect();
    if !pages.is_empty() {
        let sql = format!(
            // Each page carries its session's listing key (migration 0004). `WHERE true`: SQLite
            // needs it to tell the upsert's `ON` from a join's.
            "INSERT INTO pages (session_id, url, sort_time) SELECT v.column1, v.column2, s.sort_time \
             FROM (VALUES {}) AS v JOIN sessions s ON s.session_id = v.column1 WHERE true \
             ON CONFLICT (session_id, url) DO NOTHING",
            placeholders(pages.len(), 2, "")
        );
        let mut insert = sqlx::query(&sql);
        for (id, url) in &pages {
            insert = insert.bind(*id).bind(*url);
        }
        insert.execute(&mut *tx).await.map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(new)
}
