//! Whole sessions inserted at once (the old JSON layout's import, benchmarks' seeding) and the
//! `meta` table.

use super::writer::placeholders;
use super::{db_error, int, Index, SessionRecord};
use crate::store::StoreError;

/// A whole session for [`Index::insert_records`]: its row, its stored `seq`s, its pages
/// `(url, title)`.
pub type Seeded = (SessionRecord, Vec<u64>, Vec<(String, Option<String>)>);

/// Parameters per multi-row statement (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_PARAMS: usize = 3_000;

impl Index {
    /// Inserts whole sessions as they are, in one transaction (the old JSON layout's import,
    /// benchmarks' seeding): each [`Seeded`] session's row, its `seqs` as batch rows (their
    /// bytes unknown: 0) and its pages. A session already indexed is left alone. Returns how
    /// many were inserted.
    pub async fn insert_records(&self, sessions: &[Seeded]) -> Result<usize, StoreError> {
        let _gate = self.write_guard().await;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let mut inserted = 0;
        let mut batches: Vec<(&str, i64, i64)> = Vec::new();
        let mut page_rows: Vec<(&str, &str, Option<&str>)> = Vec::new();
        for (record, seqs, pages) in sessions {
            let a = &record.analysis;
            let opt = |v: Option<u64>| v.map(int);
            let new = sqlx::query(
                "INSERT INTO sessions (session_id, day, app_id, distinct_id, sdk_version, start_time, end_time, \
                 sort_time, first_received_at, last_received_at, entry_url, n_events, n_batches, n_errors, bytes, \
                 max_seq, analysed_batches, n_rage_clicks, n_dead_clicks, n_error_clicks, n_pages, findings, \
                 analysis_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                 $18, $19, $20, $21, $22, $23) ON CONFLICT (session_id) DO NOTHING",
            )
            .bind(&record.session_id)
            .bind(&record.day)
            .bind(record.app_id.as_deref())
            .bind(record.distinct_id.as_deref())
            .bind(record.sdk_version.as_deref())
            .bind(record.start_time)
            .bind(record.end_time)
            .bind(record.start_time.unwrap_or(record.first_received_at))
            .bind(record.first_received_at)
            .bind(record.last_received_at)
            .bind(record.entry_url.as_deref())
            .bind(int(record.n_events))
            .bind(int(record.n_batches))
            .bind(int(record.n_errors))
            .bind(int(record.bytes))
            .bind(record.max_seq.map(int))
            .bind(int(record.analysed_batches))
            .bind(opt(a.n_rage_clicks))
            .bind(opt(a.n_dead_clicks))
            .bind(opt(a.n_error_clicks))
            .bind(opt(a.n_pages))
            .bind(a.findings.as_deref())
            .bind(a.note.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
            if new == 0 {
                continue;
            }
            inserted += 1;
            for seq in seqs {
                batches.push((record.session_id.as_str(), int(*seq), record.last_received_at));
            }
            for (url, title) in pages {
                page_rows.push((record.session_id.as_str(), url.as_str(), title.as_deref()));
            }
        }
        // Many rows per statement: a million-session seed would otherwise be millions of
        // round trips.
        for chunk in batches.chunks(MAX_PARAMS / 3) {
            let values = placeholders(chunk.len(), 3, ", 0");
            let sql = format!(
                "INSERT INTO batches (session_id, seq, received_at, bytes) VALUES {values} \
                 ON CONFLICT (session_id, seq) DO NOTHING"
            );
            let mut query = sqlx::query(&sql);
            for (id, seq, at) in chunk {
                query = query.bind(*id).bind(*seq).bind(*at);
            }
            query.execute(&mut *tx).await.map_err(db_error)?;
        }
        for chunk in page_rows.chunks(MAX_PARAMS / 3) {
            let values = placeholders(chunk.len(), 3, "");
            let sql = format!(
                "INSERT INTO pages (session_id, url, title, sort_time) SELECT v.column1, v.column2, v.column3, s.sort_time \
                 FROM (VALUES {values}) AS v JOIN sessions s ON s.session_id = v.column1 WHERE true \
                 ON CONFLICT (session_id, url) DO NOTHING"
            );
            let mut query = sqlx::query(&sql);
            for (id, url, title) in chunk {
                query = query.bind(*id).bind(*url).bind(*title);
            }
            query.execute(&mut *tx).await.map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(inserted)
    }

    /// A value from the `meta` table.
    pub(crate) async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    /// Sets a value in the `meta` table.
    pub(crate) async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let _gate = self.write_guard().await;
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
