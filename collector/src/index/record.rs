//! A session's row as the index keeps it ([`SessionRecord`]) and as the read API shows it
//! ([`SessionView`]).

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// What the index knows of a session. Times are Unix epoch milliseconds: `start_time` and
/// `end_time` by the browser's clock (event timestamps), `*_received_at` by the collector's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionRecord {
    /// The session id.
    pub session_id: String,
    /// UTC day (`YYYY/MM/DD`) the collector first saw the session: its batches' directory.
    pub day: String,
    /// The app, from the first batch that named one.
    pub app_id: Option<String>,
    /// The user (`identify`), from the latest batch (by `seq`) that carried one.
    pub distinct_id: Option<String>,
    /// SDK version of the latest batch received.
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
    /// Highest stored `seq`.
    pub max_seq: Option<u64>,
    /// The analysis, once one ran.
    pub analysis: AnalysisRow,
    /// How many of the stored batches `analysis` covers (batches are only ever added, so fewer
    /// than `n_batches` means it is behind).
    pub analysed_batches: u64,
}

/// What the background analysis (`super::analysis`) found in a session; all `None` until it
/// ran, or when it could not run (`note` says why: too large, undecodable).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnalysisRow {
    /// Rage-click bursts (one per burst).
    pub n_rage_clicks: Option<u64>,
    /// Dead clicks (the page did not respond).
    pub n_dead_clicks: Option<u64>,
    /// Clicks followed by a console error or a failed request.
    pub n_error_clicks: Option<u64>,
    /// Distinct pages visited.
    pub n_pages: Option<u64>,
    /// Findings by kind, a JSON object such as `{"rage_click":1,"u_turn":2}`.
    pub findings: Option<String>,
    /// Why the counts are `None` after an analysis.
    pub note: Option<String>,
    /// Pages visited, `(url, title)`, in order of first visit (written to the pages table; not
    /// read back into a record).
    pub pages: Vec<(String, Option<String>)>,
}

impl SessionRecord {
    /// True when the analysis does not cover every stored batch yet.
    pub fn analysis_pending(&self) -> bool {
        self.analysed_batches < self.n_batches
    }

    /// The session's end for retention: its last event, but never later than the last time
    /// the collector received a batch (a browser clock set in the future cannot keep a session
    /// forever).
    pub fn retention_end_ms(&self) -> i64 {
        self.end_time.map_or(self.last_received_at, |end| end.min(self.last_received_at))
    }

    /// The record as the read API shows it.
    pub fn view(&self) -> SessionView<'_> {
        let a = &self.analysis;
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
            n_rage_clicks: a.n_rage_clicks,
            n_dead_clicks: a.n_dead_clicks,
            n_error_clicks: a.n_error_clicks,
            n_pages: a.n_pages,
            findings: a.findings.as_deref().and_then(|f| serde_json::from_str(f).ok()),
            rage_clicks_pending: self.analysis_pending(),
            analysis_pending: self.analysis_pending(),
            rage_note: a.note.as_deref(),
            analysis_note: a.note.as_deref(),
            bytes: self.bytes,
            max_seq: self.max_seq,
            missing_batches: self.max_seq.map_or(0, |m| (m + 1).saturating_sub(self.n_batches)),
            first_received_at: self.first_received_at,
            last_received_at: self.last_received_at,
        }
    }
}

/// One session in the read API (`GET /v1/sessions`, `GET /v1/sessions/{id}`). Times are Unix
/// epoch milliseconds, `duration_s` seconds. The analysis fields are `null` until the
/// background analysis ran (`analysis_pending` says it is behind), or when it could not
/// (`analysis_note` says why).
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
    /// Rage-click bursts (one per burst, however many clicks it has).
    pub n_rage_clicks: Option<u64>,
    /// Dead clicks.
    pub n_dead_clicks: Option<u64>,
    /// Clicks followed by an error.
    pub n_error_clicks: Option<u64>,
    /// Distinct pages visited.
    pub n_pages: Option<u64>,
    /// Findings by kind (`{"rage_click": 1, …}`).
    pub findings: Option<serde_json::Value>,
    /// True while the analysis does not cover every stored batch (the viewer's name for it).
    pub rage_clicks_pending: bool,
    /// True while the analysis does not cover every stored batch.
    pub analysis_pending: bool,
    /// Why the analysis fields are `null` after an analysis (the viewer's name for it).
    pub rage_note: Option<&'a str>,
    /// Why the analysis fields are `null` after an analysis (too large, undecodable).
    pub analysis_note: Option<&'a str>,
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

/// Columns of a [`SessionRecord`], in [`record_from_row`]'s order.
pub(super) const RECORD_COLUMNS: &str =
    "s.session_id, s.day, s.app_id, s.distinct_id, s.sdk_version, s.start_time, s.end_time, \
     s.first_received_at, s.last_received_at, s.entry_url, s.n_events, s.n_batches, s.n_errors, s.bytes, s.max_seq, \
     s.analysed_batches, s.n_rage_clicks, s.n_dead_clicks, s.n_error_clicks, s.n_pages, s.findings, s.analysis_note";

pub(super) fn record_from_row(row: &AnyRow) -> Result<SessionRecord, sqlx::Error> {
    let u = |i: usize| -> Result<u64, sqlx::Error> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
    let ou = |i: usize| -> Result<Option<u64>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(i)?.map(|v| v.max(0) as u64))
    };
    Ok(SessionRecord {
        session_id: row.try_get(0)?,
        day: row.try_get(1)?,
        app_id: row.try_get(2)?,
        distinct_id: row.try_get(3)?,
        sdk_version: row.try_get(4)?,
        start_time: row.try_get(5)?,
        end_time: row.try_get(6)?,
        first_received_at: row.try_get(7)?,
        last_received_at: row.try_get(8)?,
        entry_url: row.try_get(9)?,
        n_events: u(10)?,
        n_batches: u(11)?,
        n_errors: u(12)?,
        bytes: u(13)?,
        max_seq: ou(14)?,
        analysed_batches: u(15)?,
        analysis: AnalysisRow {
            n_rage_clicks: ou(16)?,
            n_dead_clicks: ou(17)?,
            n_error_clicks: ou(18)?,
            n_pages: ou(19)?,
            findings: row.try_get(20)?,
            note: row.try_get(21)?,
            pages: Vec::new(),
        },
    })
}
