//! The session index: a database of sessions (one row each), their stored batches (one row per
//! `seq`) and the pages they visited, so listing and filtering sessions never reads a batch.
//!
//! Backends, through `sqlx`'s `Any` driver with one set of queries ([`IndexConfig`]):
//! - SQLite in the data directory (`index.sqlite`, WAL journal), the default: one collector;
//! - PostgreSQL (`--index postgres://…`), for several collectors sharing an S3-compatible store.
//!
//! The schema is versioned: `collector/migrations/{sqlite,postgres}/`, embedded in the binary
//! and applied at start (`sqlx::migrate!`). Index records of the old layout
//! (`index/{session_id}.json` in the store) are imported once at start ([`legacy`]).
//!
//! Counting. A batch is written to the store before the index learns of it. Indexing it is
//! part of one transaction: insert its `(session_id, seq)` row — a resent batch conflicts and
//! changes nothing — and, only when that row is new, add its counts to the session's row. So
//! however many collectors ingest the same session at once, each stored batch is counted
//! exactly once; and a batch whose indexing failed (the client got an error and resends) is
//! counted when the resent copy, already stored, is indexed. The batches waiting to be indexed
//! share a transaction ([`writer`]: group commit), and each ingest is answered after it
//! committed.
//!
//! Analysis. The analyzer's results ([`AnalysisRow`]: pages, rage/dead/error click counts,
//! findings by kind) are written by the background worker (`super::analysis`) once a session
//! has gone idle; `analysed_batches` says how many of the stored batches they cover.

mod bulk;
pub mod legacy;
mod list;
mod record;
mod writer;

pub use bulk::Seeded;
pub use record::{gaps, AnalysisRow, SessionRecord, SessionView};
use record::{record_from_row, RECORD_COLUMNS};

pub use list::{
    Cursor, ListFilter, ListPage, Signal, DEFAULT_LIST_LIMIT, MAX_COUNT_SCAN, MAX_LIST_LIMIT, MAX_LIST_TOTAL,
    MAX_WALKED_TOTAL, MAX_WALKED_USERS, MAX_WALKS, NARROW_PAGES,
};
pub use writer::{MAX_GROUP, WRITE_QUEUE};

use super::store::{utc_day, StoreError};
use super::wire::BatchInfo;
use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions};
use sqlx::query::Query;
use sqlx::{Any, AnyPool};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Lock stripes: sessions hashing to the same stripe are ingested one after another in this
/// process (the batch write and its indexing).
const LOCK_STRIPES: usize = 256;
/// Connections to a PostgreSQL index per collector.
const PG_CONNECTIONS: u32 = 8;
/// Set on every PostgreSQL connection. A listing with a page filter merges up to
/// [`list::MAX_WALKS`] short index walks; with parallel query on, PostgreSQL starts a worker
/// for each walk (Gather Merge), and starting them cost ~10× the walks themselves (a 22-walk
/// `q=` count: 284 ms with workers, 11–23 ms without, at 1M sessions).
const PG_SETUP: &str = "SET max_parallel_workers_per_gather = 0";
/// Connections to a SQLite index: readers run beside the one writer (WAL).
const SQLITE_CONNECTIONS: u32 = 4;
/// Set on every SQLite connection. WAL: readers never wait for the writer. `synchronous=NORMAL`:
/// a commit does not wait for fsync (a power cut may lose the last commits, never corrupt the
/// file). `busy_timeout`: a statement waits up to 5 s for another connection's write lock.
/// `cache_size`: 16 MB of page cache per connection (negative: KiB).
const SQLITE_SETUP: &str = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; \
     PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY";
/// Session days remembered per process (a session's day never changes while it exists);
/// the map is cleared when it reaches this size (about 100 bytes an entry).
const MAX_CACHED_DAYS: usize = 100_000;
/// File name of the SQLite index in the data directory.
pub const SQLITE_FILE: &str = "index.sqlite";

/// Which database holds the index (`--index`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexConfig {
    /// A SQLite file (created if missing), in WAL mode.
    Sqlite(std::path::PathBuf),
    /// A private in-memory SQLite database (tests).
    Memory,
    /// A PostgreSQL URL, `postgres://user:password@host:port/db`.
    Postgres(String),
}

impl IndexConfig {
    /// `--index`: `postgres://…` / `postgresql://…`, or `sqlite:PATH`; without it,
    /// [`SQLITE_FILE`] in `data_dir`.
    ///
    /// # Errors
    /// Any other scheme, named with the flag.
    pub fn parse(flag: Option<&str>, data_dir: &Path) -> Result<IndexConfig, String> {
        match flag {
            None => Ok(IndexConfig::Sqlite(data_dir.join(SQLITE_FILE))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(IndexConfig::Postgres(url.to_string()))
            }
            Some(url) => match url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
                Some(path) if !path.is_empty() => Ok(IndexConfig::Sqlite(path.into())),
                _ => Err(format!("--index {url}: expected postgres://user:password@host:port/db or sqlite:PATH")),
            },
        }
    }

    /// Where the index is, for the startup block (a PostgreSQL URL without its password).
    pub fn describe(&self) -> String {
        match self {
            IndexConfig::Sqlite(path) => format!("sqlite {} (WAL)", path.display()),
            IndexConfig::Memory => "sqlite in memory".into(),
            IndexConfig::Postgres(url) => {
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
                format!("postgres://{host}")
            }
        }
    }
}

/// The database behind the index; the few places where SQL differs ask it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// Case-insensitive `LIKE` (SQLite's `LIKE` already is, for ASCII).
    fn ilike(self) -> &'static str {
        match self {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }
}

/// A database error as the store's error type, which the handlers answer with 503, or with
/// 507 and `Retry-After` when the index's disk is full (`durable::is_disk_full` finds the
/// ENOSPC that [`IndexFull`] carries), as for a full batch directory.
pub(crate) fn db_error(e: impl std::fmt::Display + 'static) -> StoreError {
    let any = &e as &dyn std::any::Any;
    let full = any.downcast_ref::<sqlx::Error>().is_some_and(sqlx_disk_full)
        || any.downcast_ref::<StoreError>().is_some_and(|s| crate::durable::is_disk_full(s));
    let message = e.to_string();
    let source: Box<dyn std::error::Error + Send + Sync> = if full {
        Box::new(IndexFull { message, source: std::io::Error::from_raw_os_error(28) })
    } else {
        message.into()
    };
    StoreError::Generic { store: "index", source }
}

/// Whether the database said it is out of space: SQLite's `SQLITE_FULL` (13, "database or
/// disk is full"), PostgreSQL's `disk_full` (SQLSTATE 53100), or ENOSPC from the driver's I/O.
fn sqlx_disk_full(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("13" | "53100")),
        sqlx::Error::Io(io) => crate::durable::is_disk_full(io),
        _ => false,
    }
}

/// The index could not write for lack of space: its message, and ENOSPC as its source.
#[derive(Debug)]
struct IndexFull {
    message: String,
    source: std::io::Error,
}

impl std::fmt::Display for IndexFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IndexFull {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The index.
#[derive(Debug)]
pub struct Index {
    pool: AnyPool,
    backend: Backend,
    stripes: Vec<tokio::sync::Mutex<()>>,
    /// SQLite: one writer at a time in this process, so no write ever waits in SQLite's busy
    /// handler (which sleeps in steps of milliseconds).
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// The group-commit writer's queue ([`writer`]).
    writer: tokio::sync::mpsc::Sender<writer::Pending>,
    /// Session → day, for sessions this process has seen (only when this process is the only
    /// writer: SQLite; with PostgreSQL another collector may delete and recreate a session).
    days: Option<Mutex<HashMap<String, String>>>,
    /// Where the index is, for the startup block.
    pub description: String,
}

impl Index {
    /// Opens (creating if needed) the index and applies the migrations.
    ///
    /// # Errors
    /// One line naming the database and what failed (connect, migrate).
    pub async fn open(config: &IndexConfig) -> Result<Index, String> {
        sqlx::any::install_default_drivers();
        let description = config.describe();
        let fail = |e: &dyn std::fmt::Display| format!("index {description}: {e}");
        let (pool, backend) = match config {
            IndexConfig::Postgres(url) => {
                let options = AnyConnectOptions::from_str(url).map_err(|e| fail(&e))?;
                let pool = AnyPoolOptions::new()
                    .max_connections(PG_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::Executor::execute(conn, PG_SETUP).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
                    .map_err(|e| fail(&e))?;
                (pool, Backend::Postgres)
            }
            IndexConfig::Sqlite(_) | IndexConfig::Memory => {
                let (url, connections) = match config {
                    IndexConfig::Sqlite(path) => {
                        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
                        }
                        (format!("sqlite://{}?mode=rwc", path.display()), SQLITE_CONNECTIONS)
                    }
                    // One connection: every connection to `:memory:` is its own database.
                    _ => ("sqlite::memory:".to_string(), 1),
                };
                let options = AnyConnectOptions::from_str(&url).map_err(|e| fail(&e))?;
                let pool = AnyPoolOptions::new()
                    .max_connections(connections)
                    .min_connections(if connections == 1 { 1 } else { 0 })
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::Executor::execute(conn, SQLITE_SETUP).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
                    .map_err(|e| fail(&e))?;
                (pool, Backend::Sqlite)
            }
        };
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&pool).await.map_err(|e| fail(&e))?;
        let days = (backend == Backend::Sqlite).then(|| Mutex::new(HashMap::new()));
        let write_gate = Arc::new(tokio::sync::Mutex::new(()));
        let writer = writer::spawn(pool.clone(), backend, write_gate.clone());
        Ok(Index {
            pool,
            backend,
            stripes: (0..LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            write_gate,
            writer,
            days,
            description,
        })
    }

    /// The database behind the index.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Serializes ingest of one session within this process (hold the guard across the batch
    /// write and its indexing).
    pub async fn lock(&self, session_id: &str) -> tokio::sync::MutexGuard<'_, ()> {
        let hash =
            session_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        self.stripes[(hash % LOCK_STRIPES as u64) as usize].lock().await
    }

    /// Held around every write on SQLite; nothing on PostgreSQL.
    async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_gate.lock().await),
            Backend::Postgres => None,
        }
    }

    fn cached_day(&self, session_id: &str) -> Option<String> {
        self.days.as_ref()?.lock().unwrap_or_else(|e| e.into_inner()).get(session_id).cloned()
    }

    fn remember_day(&self, session_id: &str, day: &str) {
        if let Some(days) = &self.days {
            let mut days = days.lock().unwrap_or_else(|e| e.into_inner());
            if days.len() >= MAX_CACHED_DAYS {
                days.clear();
            }
            days.insert(session_id.to_string(), day.to_string());
        }
    }

    /// The session's day (`YYYY/MM/DD`), its row created (empty, dated `now_ms`) if the index
    /// has none, so the session's batch directory is fixed before its first batch is written.
    pub async fn ensure(&self, session_id: &str, now_ms: i64) -> Result<String, StoreError> {
        if let Some(day) = self.cached_day(session_id) {
            return Ok(day);
        }
        let day = utc_day(now_ms);
        {
            let _gate = self.write_guard().await;
            sqlx::query(
                "INSERT INTO sessions (session_id, day, sort_time, first_received_at, last_received_at) \
                 VALUES ($1, $2, $3, $3, $3) ON CONFLICT (session_id) DO NOTHING",
            )
            .bind(session_id)
            .bind(&day)
            .bind(now_ms)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        }
        // Another collector may have created it a moment earlier, with its own day.
        let day: String = sqlx::query_scalar("SELECT day FROM sessions WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        self.remember_day(session_id, &day);
        Ok(day)
    }

    /// Counts a stored batch of `stored_bytes` bytes (gzip), received at `now_ms`, in its
    /// session's row (which [`Index::ensure`] created), once the transaction of the group it
    /// joined committed ([`writer`]). Waits for room while [`WRITE_QUEUE`] records are queued.
    /// Returns false, changing nothing, when the batch's `seq` is already counted.
    ///
    /// # Errors
    /// A database error, [`StoreError::NotFound`] when the session was deleted meanwhile, or
    /// an error when the writer task is gone.
    pub async fn record_batch(&self, batch: &BatchInfo, stored_bytes: u64, now_ms: i64) -> Result<bool, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending = writer::Pending { row: writer::BatchRow::new(batch, stored_bytes, now_ms), reply };
        self.writer.send(pending).await.map_err(|_| db_error("the index writer stopped"))?;
        answer.await.map_err(|_| db_error("the index writer stopped"))?
    }

    /// The session's record, `None` when the index has none.
    pub async fn get(&self, session_id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM sessions s WHERE s.session_id = $1");
        let row = sqlx::query(&sql).bind(session_id).fetch_optional(&self.pool).await.map_err(db_error)?;
        row.map(|r| record_from_row(&r)).transpose().map_err(db_error)
    }

    /// The session's stored `seq`s, ascending.
    pub async fn seqs(&self, session_id: &str) -> Result<Vec<u64>, StoreError> {
        let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM batches WHERE session_id = $1 ORDER BY seq")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(seqs.into_iter().map(|s| s.max(0) as u64).collect())
    }

    /// Removes a session's rows (after its batches were deleted).
    pub async fn delete(&self, session_id: &str) -> Result<(), StoreError> {
        let _gate = self.write_guard().await;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for table in ["pages", "batches", "sessions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE session_id = $1"))
                .bind(session_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        if let Some(days) = &self.days {
            days.lock().unwrap_or_else(|e| e.into_inner()).remove(session_id);
        }
        Ok(())
    }

    /// Up to `limit` sessions whose retention end ([`SessionRecord::retention_end_ms`]) is
    /// before `cutoff_ms`.
    pub async fn expired(&self, cutoff_ms: i64, limit: usize) -> Result<Vec<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM sessions s WHERE s.last_received_at < $1 \
             UNION SELECT {RECORD_COLUMNS} FROM sessions s WHERE s.end_time < $1 LIMIT $2"
        );
        let rows =
            sqlx::query(&sql).bind(cutoff_ms).bind(int(limit as u64)).fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter().map(record_from_row).collect::<Result<_, _>>().map_err(db_error)
    }

    /// Up to `limit` sessions whose analysis is behind and that received nothing since
    /// `idle_before_ms`, least recently received first.
    pub async fn to_analyse(&self, idle_before_ms: i64, limit: usize) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT session_id FROM sessions WHERE analysed_batches < n_batches AND last_received_at <= $1 \
             ORDER BY last_received_at LIMIT $2",
        )
        .bind(idle_before_ms)
        .bind(int(limit as u64))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }

    /// Writes an analysis covering `batches` stored batches, done at `now_ms`, and its pages.
    /// Returns false, changing nothing, when the row already holds an analysis over more
    /// batches (a newer one, possibly by another collector) or the session is gone.
    pub async fn record_analysis(
        &self,
        session_id: &str,
        batches: u64,
        analysis: &AnalysisRow,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let opt = |v: Option<u64>| v.map(int);
        let _gate = self.write_guard().await;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let updated = sqlx::query(
            "UPDATE sessions SET analysed_batches = $2, analysed_at = $3, n_rage_clicks = $4, n_dead_clicks = $5, \
             n_error_clicks = $6, n_pages = $7, findings = $8, analysis_note = $9 \
             WHERE session_id = $1 AND analysed_batches <= $2",
        )
        .bind(session_id)
        .bind(int(batches))
        .bind(now_ms)
        .bind(opt(analysis.n_rage_clicks))
        .bind(opt(analysis.n_dead_clicks))
        .bind(opt(analysis.n_error_clicks))
        .bind(opt(analysis.n_pages))
        .bind(analysis.findings.as_deref())
        .bind(analysis.note.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        // Each page carries its session's listing key (migration 0004).
        for (url, title) in &analysis.pages {
            let upsert = match self.backend {
                Backend::Sqlite => {
                    "INSERT INTO pages (session_id, url, title, sort_time) \
                     VALUES ($1, $2, $3, (SELECT sort_time FROM sessions WHERE session_id = $1)) \
                     ON CONFLICT (session_id, url) DO UPDATE SET title = COALESCE(excluded.title, pages.title)"
                }
                Backend::Postgres => {
                    "INSERT INTO pages (session_id, url, title, sort_time) \
                     VALUES ($1, $2, $3, (SELECT sort_time FROM sessions WHERE session_id = $1)) \
                     ON CONFLICT (session_id, url) DO UPDATE SET title = COALESCE(EXCLUDED.title, pages.title)"
                }
            };
            sqlx::query(upsert)
                .bind(session_id)
                .bind(url)
                .bind(title.as_deref())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    /// Runs a listing query built by [`list`].
    async fn fetch_records<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let rows = query.fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter().map(record_from_row).collect::<Result<_, _>>().map_err(db_error)
    }
}

#[cfg(test)]
mod tests;
