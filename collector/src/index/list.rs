//! Listing sessions: the filters of `GET /v1/sessions` as one SQL query, newest first, paged
//! by offset or by cursor.
//!
//! Order: `sort_time` (the first event, else when the collector first saw the session)
//! descending, then `session_id` ascending — the order of the `sessions_by_*` indexes, so a
//! page is read from an index without sorting. Sessions whose first batch is still being
//! written (no batch counted yet) are left out.

use super::{db_error, int, Backend, Index, SessionRecord, RECORD_COLUMNS};
use crate::store::StoreError;

/// Sessions per page when `limit` is not given.
pub const DEFAULT_LIST_LIMIT: usize = 50;
/// Most sessions per page; a larger `limit` is capped.
pub const MAX_LIST_LIMIT: usize = 100;
/// `total` counts matching sessions up to this many (counting every match of a broad filter
/// over a million sessions would cost more than the page itself); `total_capped` says when
/// there are more.
pub const MAX_LIST_TOTAL: u64 = 10_000;

/// A frustration signal or error a session has (`has=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// At least one console error (`errors`).
    Errors,
    /// At least one rage-click burst (`rage`).
    Rage,
    /// At least one dead click (`dead`).
    Dead,
    /// At least one click followed by an error (`error_clicks`).
    ErrorClicks,
}

impl Signal {
    /// The `has=` name: `errors`, `rage`, `dead`, `error_clicks`.
    pub fn parse(name: &str) -> Option<Signal> {
        match name {
            "errors" => Some(Signal::Errors),
            "rage" => Some(Signal::Rage),
            "dead" => Some(Signal::Dead),
            "error_clicks" => Some(Signal::ErrorClicks),
            _ => None,
        }
    }

    /// The SQL condition, written exactly as the partial index it uses (`sessions_with_*`).
    fn condition(self) -> &'static str {
        match self {
            Signal::Errors => "s.n_errors > 0",
            Signal::Rage => "s.n_rage_clicks > 0",
            Signal::Dead => "s.n_dead_clicks > 0",
            Signal::ErrorClicks => "s.n_error_clicks > 0",
        }
    }
}

/// The filters and page of a listing. Times are Unix epoch milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Exact user (`distinct_id`).
    pub user: Option<String>,
    /// Exact app (`app_id`).
    pub app: Option<String>,
    /// Sessions that started at or after this time.
    pub from_ms: Option<i64>,
    /// Sessions that started before this time.
    pub to_ms: Option<i64>,
    /// A visited page's URL contains this (case-insensitive for ASCII).
    pub url_contains: Option<String>,
    /// A visited page's URL starts with this (exact case).
    pub url_prefix: Option<String>,
    /// A visited page's URL or title, the entry URL or the user (`distinct_id`) contains this
    /// (case-insensitive for ASCII).
    pub text: Option<String>,
    /// Signals the session must all have.
    pub has: Vec<Signal>,
    /// At least this many console errors.
    pub min_errors: u64,
    /// At least this many rage-click bursts (a session not analysed yet is left out when > 0).
    pub min_rage_clicks: u64,
    /// Sessions at least this long, milliseconds (`end_time - start_time`).
    pub min_duration_ms: Option<i64>,
    /// Sessions after this position (a previous page's `next_cursor`).
    pub cursor: Option<Cursor>,
    /// Sessions per page, at most [`MAX_LIST_LIMIT`].
    pub limit: usize,
    /// Sessions skipped before the page (offset paging; prefer the cursor for deep pages).
    pub offset: usize,
}

/// A position in the listing order: the last session of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Its `sort_time`.
    pub sort_time: i64,
    /// Its id.
    pub session_id: String,
}

impl Cursor {
    /// `{sort_time}.{session_id}`, as `next_cursor` gives it.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.sort_time, self.session_id)
    }

    /// The inverse of [`Cursor::encode`]; `None` for anything else.
    pub fn decode(text: &str) -> Option<Cursor> {
        let (time, id) = text.split_once('.')?;
        let valid_id =
            !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let sort_time = time.parse().ok()?;
        valid_id.then(|| Cursor { sort_time, session_id: id.to_string() })
    }
}

/// One page of a listing.
#[derive(Debug)]
pub struct ListPage {
    /// The sessions, newest first.
    pub sessions: Vec<SessionRecord>,
    /// Matching sessions (with the cursor: after it), counted up to [`MAX_LIST_TOTAL`].
    pub total: u64,
    /// True when there are more than `total` matching sessions.
    pub total_capped: bool,
    /// Where the next page starts, when this one is full.
    pub next_cursor: Option<String>,
}

enum Arg {
    Int(i64),
    Text(String),
}

/// `%` and `_` (and the escape itself) taken literally in a `LIKE … ESCAPE '\'` pattern.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `WHERE` clause of a listing and its arguments, in `$n` order.
fn conditions(filter: &ListFilter, backend: Backend) -> (String, Vec<Arg>) {
    let mut sql = String::from("s.n_batches > 0");
    let mut args = Vec::new();
    let mut push = |sql: &mut String, template: &str, values: Vec<Arg>| {
        let mut part = template.to_string();
        for value in values {
            args.push(value);
            part = part.replacen("?", &format!("${}", args.len()), 1);
        }
        sql.push_str(" AND ");
        sql.push_str(&part);
    };
    if let Some(user) = &filter.user {
        push(&mut sql, "s.distinct_id = ?", vec![Arg::Text(user.clone())]);
    }
    if let Some(app) = &filter.app {
        push(&mut sql, "s.app_id = ?", vec![Arg::Text(app.clone())]);
    }
    if let Some(from) = filter.from_ms {
        push(&mut sql, "s.sort_time >= ?", vec![Arg::Int(from)]);
    }
    if let Some(to) = filter.to_ms {
        push(&mut sql, "s.sort_time < ?", vec![Arg::Int(to)]);
    }
    for signal in &filter.has {
        push(&mut sql, signal.condition(), vec![]);
    }
    if filter.min_errors > 0 {
        push(&mut sql, "s.n_errors > 0 AND s.n_errors >= ?", vec![Arg::Int(int(filter.min_errors))]);
    }
    if filter.min_rage_clicks > 0 {
        push(&mut sql, "s.n_rage_clicks > 0 AND s.n_rage_clicks >= ?", vec![Arg::Int(int(filter.min_rage_clicks))]);
    }
    if let Some(ms) = filter.min_duration_ms {
        push(&mut sql, "s.end_time - s.start_time >= ?", vec![Arg::Int(ms)]);
    }
    let like = backend.ilike();
    if let Some(url) = &filter.url_contains {
        let pattern = format!("%{}%", like_escape(url));
        let template = format!("s.session_id IN (SELECT p.session_id FROM pages p WHERE p.url {like} ? ESCAPE '\\')");
        push(&mut sql, &template, vec![Arg::Text(pattern)]);
    }
    if let Some(prefix) = &filter.url_prefix {
        // A range, not LIKE, so both databases read it from `pages_by_url`.
        let template = "s.session_id IN (SELECT p.session_id FROM pages p WHERE p.url >= ? AND p.url < ?)";
        push(&mut sql, template, vec![Arg::Text(prefix.clone()), Arg::Text(format!("{prefix}\u{10FFFF}"))]);
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", like_escape(text));
        let template = format!(
            "(s.entry_url {like} ? ESCAPE '\\' OR s.distinct_id {like} ? ESCAPE '\\' OR s.session_id IN \
             (SELECT p.session_id FROM pages p WHERE p.url {like} ? ESCAPE '\\' OR p.title {like} ? ESCAPE '\\'))"
        );
        let texts = vec![
            Arg::Text(pattern.clone()),
            Arg::Text(pattern.clone()),
            Arg::Text(pattern.clone()),
            Arg::Text(pattern),
        ];
        push(&mut sql, &template, texts);
    }
    if let Some(cursor) = &filter.cursor {
        push(
            &mut sql,
            "(s.sort_time < ? OR (s.sort_time = ? AND s.session_id > ?))",
            vec![Arg::Int(cursor.sort_time), Arg::Int(cursor.sort_time), Arg::Text(cursor.session_id.clone())],
        );
    }
    (sql, args)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

impl Index {
    /// One page of sessions matching `filter`, newest first.
    pub async fn list(&self, filter: &ListFilter) -> Result<ListPage, StoreError> {
        let (condition, args) = conditions(filter, self.backend);
        let limit = filter.limit.min(MAX_LIST_LIMIT);
        let n = args.len();
        let page_sql = format!(
            "SELECT {RECORD_COLUMNS} FROM sessions s WHERE {condition} \
             ORDER BY s.sort_time DESC, s.session_id ASC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let page = bind_all(sqlx::query(&page_sql), &args).bind(int(limit as u64)).bind(int(filter.offset as u64));
        let sessions = self.fetch_records(page).await?;
        let count_sql =
            format!("SELECT COUNT(*) FROM (SELECT 1 FROM sessions s WHERE {condition} LIMIT ${}) AS matching", n + 1);
        let row = bind_all(sqlx::query(&count_sql), &args)
            .bind(int(MAX_LIST_TOTAL + 1))
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        let count: i64 = sqlx::Row::try_get(&row, 0).map_err(db_error)?;
        let count = count.max(0) as u64;
        let next_cursor = (sessions.len() == limit && limit > 0).then(|| sessions.last()).flatten().map(|last| {
            Cursor { sort_time: last.start_time.unwrap_or(last.first_received_at), session_id: last.session_id.clone() }
                .encode()
        });
        Ok(ListPage { sessions, total: count.min(MAX_LIST_TOTAL), total_capped: count > MAX_LIST_TOTAL, next_cursor })
    }
}
