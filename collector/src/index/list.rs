//! Listing sessions: the filters of `GET /v1/sessions` as one SQL query, newest first, paged
//! by offset or by cursor.
//!
//! Order: `sort_time` (the first event, else when the collector first saw the session)
//! descending, then `session_id` ascending — the order of the `sessions_listed*` indexes, so a
//! page is read from an index without sorting. Sessions whose first batch is still being
//! written (no batch counted yet) are left out.
//!
//! Page filters (`url`, `url_prefix`, `q`) are written one of three ways, chosen per request:
//! - walked: when the filter matches at most [`MAX_WALKS`] URLs and titles (and for `q=` at
//!   most [`MAX_WALKED_USERS`] user ids), their index walks in listing order are merged
//!   ([`walk`]), which reads about one page of rows per walk;
//! - else narrow or broad by how many page rows match ([`NARROW_PAGES`], counted from the
//!   indexes first). Narrow: the matching sessions are collected from the indexes
//!   (`pages_listed_by_url`, `pages_listed_by_title`, and for substrings the `page_texts`
//!   dictionary: FTS5 trigram on SQLite, `pg_trgm` on PostgreSQL; `q=` also looks user ids up
//!   in the `user_texts` dictionary, the same way, and their sessions in
//!   `sessions_listed_by_user`), then sorted. Broad: sessions are walked in listing order and
//!   each is checked against its own pages (primary key), and for `q=` its user id, which
//!   stops as soon as the page is full.
//!
//! `total` is exact up to [`MAX_LIST_TOTAL`] ([`MAX_WALKED_TOTAL`] with a walked page filter); with a broad page filter it counts the matches
//! among the next [`MAX_COUNT_SCAN`] sessions the other filters select, and is a lower bound
//! (`total_capped`) when there are more to look at. Either way counting costs a bounded walk.

mod walk;

use super::{db_error, int, Backend, Index, SessionRecord, RECORD_COLUMNS};
use crate::store::StoreError;
pub use walk::{MAX_WALKED_TOTAL, MAX_WALKED_USERS, MAX_WALKS};

/// Sessions per page when `limit` is not given.
pub const DEFAULT_LIST_LIMIT: usize = 50;
/// Most sessions per page; a larger `limit` is capped.
pub const MAX_LIST_LIMIT: usize = 100;
/// `total` counts matching sessions up to this many (counting every match of a broad filter
/// over a million sessions would cost more than the page itself); `total_capped` says when
/// there are more.
pub const MAX_LIST_TOTAL: u64 = 10_000;
/// A page filter matching at most this many page rows is narrow (its sessions are collected
/// and sorted); above, it is broad (sessions are walked in listing order and checked). Past
/// this, collecting costs more than the walk: at 1M sessions both stay under ~10 ms
/// (BENCHMARKS.md, "Collector session listing").
pub const NARROW_PAGES: u64 = 5_000;
/// Distinct URLs and titles a substring may match and still be narrow (each is one lookup in
/// `pages_listed_by_url` / `pages_listed_by_title`).
const NARROW_TEXTS: u64 = 1_000;
/// With a broad page filter, `total` counts the matches among at most this many sessions (in
/// listing order) that the other filters select, so counting checks a bounded number of
/// sessions' pages; when there were more to check, `total` is a lower bound (`total_capped`).
pub const MAX_COUNT_SCAN: u64 = 5_000;
/// Shortest substring the trigram indexes can serve (FTS5's trigram tokenizer): shorter ones
/// are matched by scanning the dictionary of distinct URLs and titles.
const MIN_TRIGRAM_CHARS: usize = 3;

pub use rewind::protocol::Signal;

/// The SQL condition of a signal, written exactly as the partial index it uses
/// (`sessions_listed_with_*`).
fn condition(signal: Signal) -> &'static str {
    match signal {
        Signal::Errors => "s.n_errors > 0",
        Signal::Rage => "s.n_rage_clicks > 0",
        Signal::Dead => "s.n_dead_clicks > 0",
        Signal::ErrorClicks => "s.n_error_clicks > 0",
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
    /// A visited page's URL or title, or the user id (`distinct_id`), contains this
    /// (case-insensitive for ASCII). [`ListFilter::user`] is the exact user.
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
    /// Matching sessions (with the cursor: after it), counted up to [`MAX_LIST_TOTAL`]; a
    /// lower bound when `total_capped`.
    pub total: u64,
    /// True when there may be more than `total` matching sessions (more than
    /// [`MAX_LIST_TOTAL`], or a broad page filter counted over [`MAX_COUNT_SCAN`] sessions).
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

/// A `WHERE` clause being built: `?` in each part becomes the next `$n`.
struct Where {
    sql: String,
    args: Vec<Arg>,
}

impl Where {
    /// `template` with its `?`s numbered, taking `values` as the next arguments.
    fn part(&mut self, template: &str, values: Vec<Arg>) -> String {
        let mut part = template.to_string();
        for value in values {
            self.args.push(value);
            part = part.replacen('?', &format!("${}", self.args.len()), 1);
        }
        part
    }

    /// Adds a condition (AND).
    fn push(&mut self, template: &str, values: Vec<Arg>) {
        let part = self.part(template, values);
        if !self.sql.is_empty() {
            self.sql.push_str(" AND ");
        }
        self.sql.push_str(&part);
    }
}

/// A page filter of a listing: which pages a session must have visited.
#[derive(Clone, Copy)]
enum PageFilter<'a> {
    /// `url=`: a URL contains this.
    UrlContains(&'a str),
    /// `url_prefix=`: a URL starts with this.
    UrlPrefix(&'a str),
    /// `q=`: a URL or title, or the session's user id, contains this.
    Text(&'a str),
}

/// A dictionary of distinct texts searched by substring (migrations 0002 and 0003).
#[derive(Clone, Copy)]
enum Dictionary {
    /// `page_texts`: every URL and title pages hold.
    Pages,
    /// `user_texts`: every user id (`distinct_id`) sessions hold.
    Users,
}

impl Dictionary {
    /// The table and its FTS5 index (SQLite).
    fn tables(self) -> (&'static str, &'static str) {
        match self {
            Dictionary::Pages => ("page_texts", "page_texts_fts"),
            Dictionary::Users => ("user_texts", "user_texts_fts"),
        }
    }
}

impl PageFilter<'_> {
    /// A subquery of the distinct texts of `dictionary` that contain `text`.
    fn texts(dictionary: Dictionary, text: &str, backend: Backend, w: &mut Where) -> String {
        let (table, fts) = dictionary.tables();
        let condition = match backend {
            Backend::Sqlite if text.chars().count() >= MIN_TRIGRAM_CHARS => {
                // An FTS5 phrase: the text in double quotes, its own quotes doubled.
                let phrase = format!("\"{}\"", text.replace('"', "\"\""));
                w.part(&format!("t.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"), vec![Arg::Text(phrase)])
            }
            _ => {
                let template = format!("t.text {} ? ESCAPE '\\'", backend.ilike());
                w.part(&template, vec![Arg::Text(format!("%{}%", like_escape(text)))])
            }
        };
        format!("SELECT t.text FROM {table} t WHERE {condition}")
    }

    /// A URL range for a prefix (a range, not LIKE, so both databases read `pages_listed_by_url`).
    fn prefix_range(prefix: &str, w: &mut Where) -> String {
        w.part(
            "p.url >= ? AND p.url < ?",
            vec![Arg::Text(prefix.to_string()), Arg::Text(format!("{prefix}\u{10FFFF}"))],
        )
    }

    /// The narrow form: a subquery of the matching session ids (with repeats), served by the
    /// pages' indexes and, for `q=`, `sessions_listed_by_user`. One set, so the listing stays
    /// a single semi-join on `session_id` (an `OR` of two sets would be checked per session).
    fn narrow(self, backend: Backend, w: &mut Where) -> String {
        let pages = |condition: String| format!("SELECT p.session_id FROM pages p WHERE {condition}");
        match self {
            PageFilter::UrlContains(text) => {
                pages(format!("p.url IN ({})", Self::texts(Dictionary::Pages, text, backend, w)))
            }
            PageFilter::UrlPrefix(prefix) => pages(Self::prefix_range(prefix, w)),
            PageFilter::Text(text) => {
                let urls = Self::texts(Dictionary::Pages, text, backend, w);
                let titles = Self::texts(Dictionary::Pages, text, backend, w);
                let users = Self::texts(Dictionary::Users, text, backend, w);
                format!(
                    "{} UNION ALL SELECT u.session_id FROM sessions u WHERE u.n_batches > 0 AND u.distinct_id IN ({users})",
                    pages(format!("(p.url IN ({urls}) OR p.title IN ({titles}))"))
                )
            }
        }
    }

    /// The broad form: a condition on one session `s`, checking its pages `p` (read by
    /// primary key) and, for `q=`, its user id.
    fn broad(self, backend: Backend, w: &mut Where) -> String {
        let like = backend.ilike();
        let pages = |condition: String| {
            format!("EXISTS (SELECT 1 FROM pages p WHERE p.session_id = s.session_id AND {condition})")
        };
        match self {
            PageFilter::UrlContains(text) => pages(
                w.part(&format!("p.url {like} ? ESCAPE '\\'"), vec![Arg::Text(format!("%{}%", like_escape(text)))]),
            ),
            PageFilter::UrlPrefix(prefix) => pages(Self::prefix_range(prefix, w)),
            PageFilter::Text(text) => {
                let pattern = format!("%{}%", like_escape(text));
                let on_pages = pages(w.part(
                    &format!("(p.url {like} ? ESCAPE '\\' OR p.title {like} ? ESCAPE '\\')"),
                    vec![Arg::Text(pattern.clone()), Arg::Text(pattern.clone())],
                ));
                let on_user = w.part(&format!("s.distinct_id {like} ? ESCAPE '\\'"), vec![Arg::Text(pattern)]);
                format!("({on_pages} OR {on_user})")
            }
        }
    }
}

/// The page filters of `filter`.
fn page_filters(filter: &ListFilter) -> Vec<PageFilter<'_>> {
    let mut out = Vec::new();
    if let Some(text) = &filter.url_contains {
        out.push(PageFilter::UrlContains(text));
    }
    if let Some(prefix) = &filter.url_prefix {
        out.push(PageFilter::UrlPrefix(prefix));
    }
    if let Some(text) = &filter.text {
        out.push(PageFilter::Text(text));
    }
    out
}

/// The `WHERE` clause of a listing without its page filters (the sessions table `s` alone)
/// and its arguments, in `$n` order.
fn conditions(filter: &ListFilter) -> (String, Vec<Arg>) {
    let mut w = Where { sql: "s.n_batches > 0".into(), args: Vec::new() };
    if let Some(user) = &filter.user {
        w.push("s.distinct_id = ?", vec![Arg::Text(user.clone())]);
    }
    if let Some(app) = &filter.app {
        w.push("s.app_id = ?", vec![Arg::Text(app.clone())]);
    }
    if let Some(from) = filter.from_ms {
        w.push("s.sort_time >= ?", vec![Arg::Int(from)]);
    }
    if let Some(to) = filter.to_ms {
        w.push("s.sort_time < ?", vec![Arg::Int(to)]);
    }
    for signal in &filter.has {
        w.push(condition(*signal), vec![]);
    }
    if filter.min_errors > 0 {
        w.push("s.n_errors > 0 AND s.n_errors >= ?", vec![Arg::Int(int(filter.min_errors))]);
    }
    if filter.min_rage_clicks > 0 {
        w.push("s.n_rage_clicks > 0 AND s.n_rage_clicks >= ?", vec![Arg::Int(int(filter.min_rage_clicks))]);
    }
    if let Some(ms) = filter.min_duration_ms {
        w.push("s.end_time - s.start_time >= ?", vec![Arg::Int(ms)]);
    }
    if let Some(cursor) = &filter.cursor {
        w.push(
            "(s.sort_time < ? OR (s.sort_time = ? AND s.session_id > ?))",
            vec![Arg::Int(cursor.sort_time), Arg::Int(cursor.sort_time), Arg::Text(cursor.session_id.clone())],
        );
    }
    (w.sql, w.args)
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

/// How one page filter of a listing is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Its sessions are collected from the indexes, then sorted.
    Narrow,
    /// Sessions are walked in listing order and each is checked.
    Broad,
    /// Its URLs' (titles', users') index walks are merged in listing order ([`walk`]); not a
    /// condition of the `WHERE` clause.
    Walked,
}

/// The listing's conditions with its page filters, each in its form (`forms[i]` for the
/// `i`th of [`page_filters`]): those checked per session ("broad") go to `checks` when given,
/// else into the `WHERE` clause with the rest.
fn with_page_filters(
    filter: &ListFilter,
    backend: Backend,
    forms: &[Form],
    mut checks: Option<&mut Vec<String>>,
) -> Where {
    let (sql, args) = conditions(filter);
    let mut w = Where { sql, args };
    for (page, form) in page_filters(filter).into_iter().zip(forms) {
        match form {
            Form::Walked => {}
            Form::Narrow => {
                let sessions = page.narrow(backend, &mut w);
                w.push(&format!("s.session_id IN ({sessions})"), vec![]);
            }
            Form::Broad => {
                let check = page.broad(backend, &mut w);
                match checks.as_deref_mut() {
                    Some(checks) => checks.push(check),
                    None => w.push(&check, vec![]),
                }
            }
        }
    }
    w
}

impl Index {
    /// One page of sessions matching `filter`, newest first.
    pub async fn list(&self, filter: &ListFilter) -> Result<ListPage, StoreError> {
        let mut forms = Vec::new();
        let mut walks = None;
        for page in page_filters(filter) {
            if walks.is_none() {
                walks = self.walks(page).await?;
                if walks.is_some() {
                    forms.push(Form::Walked);
                    continue;
                }
            }
            forms.push(if self.is_narrow(page).await? { Form::Narrow } else { Form::Broad });
        }
        let limit = filter.limit.min(MAX_LIST_LIMIT);
        if let Some(walks) = walks {
            return self.list_walked(filter, &forms, &walks, limit).await;
        }
        let narrow: Vec<bool> = forms.iter().map(|f| *f == Form::Narrow).collect();
        let w = with_page_filters(filter, self.backend, &forms, None);
        let n = w.args.len();
        let page_sql = format!(
            "SELECT {RECORD_COLUMNS} FROM sessions s WHERE {} \
             ORDER BY s.sort_time DESC, s.session_id ASC LIMIT ${} OFFSET ${}",
            w.sql,
            n + 1,
            n + 2
        );
        let page = bind_all(sqlx::query(&page_sql), &w.args).bind(int(limit as u64)).bind(int(filter.offset as u64));
        let sessions = self.fetch_records(page).await?;
        let (total, total_capped) = if narrow.iter().all(|n| *n) {
            let sql = format!(
                "SELECT COUNT(*), CAST(0 AS BIGINT) FROM (SELECT 1 FROM sessions s WHERE {} LIMIT {}) AS matching",
                w.sql,
                MAX_LIST_TOTAL + 1
            );
            let (count, _) = self.counts(&sql, &w.args).await?;
            (count.min(MAX_LIST_TOTAL), count > MAX_LIST_TOTAL)
        } else {
            let mut checks = Vec::new();
            let window = with_page_filters(filter, self.backend, &forms, Some(&mut checks));
            let sql = format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) FROM \
                 (SELECT s.session_id, s.distinct_id FROM sessions s WHERE {} ORDER BY s.sort_time DESC, s.session_id LIMIT {MAX_COUNT_SCAN}) AS s",
                checks.join(" AND "),
                window.sql
            );
            let (scanned, matching) = self.counts(&sql, &window.args).await?;
            (matching, scanned >= MAX_COUNT_SCAN)
        };
        Ok(page_of(sessions, limit, total, total_capped))
    }

    /// A listing whose first walkable page filter is answered by merging index walks in
    /// listing order ([`walk`]); its other page filters are conditions on each session.
    /// `total` is exact up to [`MAX_WALKED_TOTAL`], a lower bound (`total_capped`) past it.
    async fn list_walked(
        &self,
        filter: &ListFilter,
        forms: &[Form],
        walks: &walk::Walks,
        limit: usize,
    ) -> Result<ListPage, StoreError> {
        if walks.is_empty() {
            return Ok(page_of(Vec::new(), limit, 0, false));
        }
        let mut w = with_page_filters(filter, self.backend, forms, None);
        let rows = (filter.offset as u64).saturating_add(limit as u64);
        let ordered = walk::ordered(walks, filter, self.backend, &mut w, rows);
        let n = w.args.len();
        let page_sql = format!(
            "SELECT {RECORD_COLUMNS} FROM ({ordered} LIMIT ${} OFFSET ${}) AS hit \
             JOIN sessions s ON s.session_id = hit.session_id ORDER BY s.sort_time DESC, s.session_id ASC",
            n + 1,
            n + 2
        );
        let page = bind_all(sqlx::query(&page_sql), &w.args).bind(int(limit as u64)).bind(int(filter.offset as u64));
        let sessions = self.fetch_records(page).await?;
        let mut w = with_page_filters(filter, self.backend, forms, None);
        let ordered = walk::ordered(walks, filter, self.backend, &mut w, MAX_WALKED_TOTAL + 1);
        let sql = format!("SELECT COUNT(*), CAST(0 AS BIGINT) FROM ({ordered} LIMIT {}) AS hit", MAX_WALKED_TOTAL + 1);
        let (count, _) = self.counts(&sql, &w.args).await?;
        Ok(page_of(sessions, limit, count.min(MAX_WALKED_TOTAL), count > MAX_WALKED_TOTAL))
    }

    /// Whether a page filter is narrow: at most [`NARROW_PAGES`] page rows (and, for `q=`,
    /// sessions of matching users) match it, and for a substring at most [`NARROW_TEXTS`]
    /// distinct texts (URLs and titles, plus user ids for `q=`), counted from indexes.
    async fn is_narrow(&self, page: PageFilter<'_>) -> Result<bool, StoreError> {
        let (text, dictionaries): (&str, &[Dictionary]) = match page {
            PageFilter::UrlContains(text) => (text, &[Dictionary::Pages]),
            PageFilter::Text(text) => (text, &[Dictionary::Pages, Dictionary::Users]),
            PageFilter::UrlPrefix(_) => ("", &[]),
        };
        let mut texts = 0;
        for dictionary in dictionaries {
            let mut w = Where { sql: String::new(), args: Vec::new() };
            let found = PageFilter::texts(*dictionary, text, self.backend, &mut w);
            let sql = format!("SELECT COUNT(*), CAST(0 AS BIGINT) FROM ({found} LIMIT {}) AS found", NARROW_TEXTS + 1);
            texts += self.counts(&sql, &w.args).await?.0;
            if texts > NARROW_TEXTS {
                return Ok(false);
            }
        }
        let mut w = Where { sql: String::new(), args: Vec::new() };
        let sessions = page.narrow(self.backend, &mut w);
        let sql = format!("SELECT COUNT(*), CAST(0 AS BIGINT) FROM ({sessions} LIMIT {}) AS found", NARROW_PAGES + 1);
        Ok(self.counts(&sql, &w.args).await?.0 <= NARROW_PAGES)
    }

    /// The two counts a counting query answers.
    async fn counts(&self, sql: &str, args: &[Arg]) -> Result<(u64, u64), StoreError> {
        let row = bind_all(sqlx::query(sql), args).fetch_one(&self.pool).await.map_err(db_error)?;
        let get = |i: usize| -> Result<u64, StoreError> {
            Ok(sqlx::Row::try_get::<i64, _>(&row, i).map_err(db_error)?.max(0) as u64)
        };
        Ok((get(0)?, get(1)?))
    }
}

/// A page of `sessions` (at most `limit`) with its counts, and the cursor after it when full.
fn page_of(sessions: Vec<SessionRecord>, limit: usize, total: u64, total_capped: bool) -> ListPage {
    let next_cursor = (sessions.len() == limit && limit > 0).then(|| sessions.last()).flatten().map(|last| {
        Cursor { sort_time: last.start_time.unwrap_or(last.first_received_at), session_id: last.session_id.clone() }
            .encode()
    });
    ListPage { sessions, total, total_capped, next_cursor }
}
