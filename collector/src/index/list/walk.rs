//! Page filters walked in listing order (migration 0004: `pages.sort_time` and the
//! `pages_listed_by_url` / `pages_listed_by_title` indexes, ordered as listings are).
//!
//! A page filter first resolves the few texts it matches: the URLs of a prefix (a range of the
//! `page_texts` dictionary), the URLs and titles holding a substring (its trigram index), and
//! for `q=` the user ids holding it (`user_texts`). Each URL or title is then one index walk
//! newest first, and the walks are merged, so a page of 50 reads about 50 page rows per walk at
//! most, however many sessions visited those URLs. Matching users' sessions are one more run,
//! read from `sessions_listed_by_user` and sorted (a user has few sessions).
//!
//! The merge: SQLite merges a compound `UNION … ORDER BY` whose terms are each in that order
//! (one cursor per term, duplicates dropped as they meet); PostgreSQL merges a `UNION ALL`
//! under `ORDER BY … LIMIT` (Merge Append) and drops the duplicates of the sorted stream
//! (`DISTINCT`). A session that visited two matching URLs meets itself with the same
//! `(sort_time, session_id)`, since a page carries its session's `sort_time`.
//!
//! A filter matching more texts than [`MAX_WALKS`] walks (or more than [`MAX_WALKED_USERS`]
//! user ids) is answered the older way (narrow or broad, see the parent module).

use super::{bind_all, Arg, Dictionary, ListFilter, PageFilter, Where};
use crate::index::{db_error, Backend, Index};
use crate::store::StoreError;

/// Most index walks (one per matching URL, or per URL and per title for `q=`) one page filter
/// is merged from. Each walk is a cursor the merge keeps open and reads at least once, so a
/// filter matching more texts than this (a two-letter substring matching most URLs) is served
/// by walking sessions instead; 64 also keeps the compound far under SQLite's limit of 500
/// terms (`SQLITE_MAX_COMPOUND_SELECT`).
pub const MAX_WALKS: usize = 64;
/// Most user ids `q=` may match and still be walked: their sessions are read and sorted
/// before the merge (at the bench's ~14 sessions a user, 1,000 users sort ~14,000 rows).
pub const MAX_WALKED_USERS: usize = 1_000;

/// A walked filter's `total` counts matching sessions up to this many, and is a lower bound
/// (`total_capped`) past it. Counting reads one page row and its session per match: at 1M
/// sessions on SQLite, 1,001 of them cost ~40 ms and 10,001 ~600 ms (BENCHMARKS.md,
/// "Collector session listing"), so the sessions table's own cap (10,000) would cost more
/// than the whole goal of a listing.
pub const MAX_WALKED_TOTAL: u64 = 1_000;

/// What one page filter walks: exact URLs, exact titles and (for `q=`) exact user ids.
#[derive(Debug, Default)]
pub(super) struct Walks {
    urls: Vec<String>,
    titles: Vec<String>,
    users: Vec<String>,
}

impl Walks {
    /// Nothing matches: the listing is empty.
    pub(super) fn is_empty(&self) -> bool {
        self.urls.is_empty() && self.titles.is_empty() && self.users.is_empty()
    }
}

/// `(sort_time, session_id)` of the sessions `walks` finds that also meet the conditions on
/// `s` in `w.sql` (their arguments already in `w`), distinct and in listing order: a query to
/// which a `LIMIT` of at most `rows` (with its `OFFSET`) may be appended.
///
/// On PostgreSQL each walk is limited to `rows` itself: without it the planner costs every walk
/// as read to its end (`DISTINCT` hides the outer `LIMIT`) and hash-joins it against a scan of
/// `sessions`; with it each walk is a nested loop stopped after `rows`, merged (Merge Append).
/// A walk's rows are distinct sessions, so the first `rows` of the merge are among the first
/// `rows` of the walks.
pub(super) fn ordered(walks: &Walks, filter: &ListFilter, backend: Backend, w: &mut Where, rows: u64) -> String {
    let conditions = w.sql.clone();
    // The listing's time bounds, on the page rows too, so each walk starts and stops in its
    // index instead of skipping rows the join would drop.
    let mut bounds = String::new();
    if let Some(from) = filter.from_ms {
        bounds += &w.part(" AND p.sort_time >= ?", vec![Arg::Int(from)]);
    }
    if let Some(to) = filter.to_ms {
        bounds += &w.part(" AND p.sort_time < ?", vec![Arg::Int(to)]);
    }
    if let Some(cursor) = &filter.cursor {
        bounds += &w.part(" AND p.sort_time <= ?", vec![Arg::Int(cursor.sort_time)]);
    }
    let mut terms = Vec::new();
    for (column, texts) in [("url", &walks.urls), ("title", &walks.titles)] {
        for text in texts {
            let equal = w.part(&format!("p.{column} = ?"), vec![Arg::Text(text.clone())]);
            // CROSS JOIN: SQLite keeps `pages` as the outer loop, so the walk stays in index order.
            terms.push(format!(
                "SELECT p.sort_time AS sort_time, p.session_id AS session_id FROM pages p CROSS JOIN sessions s \
                 WHERE {equal}{bounds} AND s.session_id = p.session_id AND {conditions}"
            ));
        }
    }
    if !walks.users.is_empty() {
        let list = vec!["?"; walks.users.len()].join(", ");
        let users = w.part(&list, walks.users.iter().map(|u| Arg::Text(u.clone())).collect());
        terms.push(format!(
            "SELECT s.sort_time AS sort_time, s.session_id AS session_id FROM sessions s \
             WHERE s.distinct_id IN ({users}) AND {conditions}"
        ));
    }
    match backend {
        Backend::Sqlite => format!("{} ORDER BY 1 DESC, 2", terms.join(" UNION ")),
        Backend::Postgres => {
            let limited: Vec<String> = terms.iter().map(|t| format!("({t} ORDER BY 1 DESC, 2 LIMIT {rows})")).collect();
            format!(
                "SELECT DISTINCT m.sort_time, m.session_id FROM ({}) AS m ORDER BY m.sort_time DESC, m.session_id",
                limited.join(" UNION ALL ")
            )
        }
    }
}

impl Index {
    /// The walks of `page`, or `None` when it matches more than [`MAX_WALKS`] texts or
    /// [`MAX_WALKED_USERS`] user ids (then it is narrow or broad).
    pub(super) async fn walks(&self, page: PageFilter<'_>) -> Result<Option<Walks>, StoreError> {
        let mut walks = Walks::default();
        match page {
            PageFilter::UrlPrefix(prefix) => {
                let mut w = Where { sql: String::new(), args: Vec::new() };
                let range = w.part(
                    "t.text >= ? AND t.text < ?",
                    vec![Arg::Text(prefix.to_string()), Arg::Text(format!("{prefix}\u{10FFFF}"))],
                );
                let sql = format!("SELECT t.text FROM page_texts t WHERE {range}");
                let Some(urls) = self.texts(&sql, &w.args, MAX_WALKS).await? else { return Ok(None) };
                walks.urls = urls;
            }
            PageFilter::UrlContains(text) => {
                let mut w = Where { sql: String::new(), args: Vec::new() };
                let sql = PageFilter::texts(Dictionary::Pages, text, self.backend, &mut w);
                let Some(urls) = self.texts(&sql, &w.args, MAX_WALKS).await? else { return Ok(None) };
                walks.urls = urls;
            }
            PageFilter::Text(text) => {
                let mut w = Where { sql: String::new(), args: Vec::new() };
                let sql = PageFilter::texts(Dictionary::Pages, text, self.backend, &mut w);
                let Some(texts) = self.texts(&sql, &w.args, MAX_WALKS / 2).await? else { return Ok(None) };
                let mut w = Where { sql: String::new(), args: Vec::new() };
                let sql = PageFilter::texts(Dictionary::Users, text, self.backend, &mut w);
                let Some(users) = self.texts(&sql, &w.args, MAX_WALKED_USERS).await? else { return Ok(None) };
                walks.titles = texts.clone();
                walks.urls = texts;
                walks.users = users;
            }
        }
        Ok(Some(walks))
    }

    /// The texts `sql` selects, or `None` when there are more than `max`.
    async fn texts(&self, sql: &str, args: &[Arg], max: usize) -> Result<Option<Vec<String>>, StoreError> {
        let sql = format!("{sql} LIMIT {}", max + 1);
        let rows = bind_all(sqlx::query(&sql), args).fetch_all(&self.pool).await.map_err(db_error)?;
        if rows.len() > max {
            return Ok(None);
        }
        rows.iter()
            .map(|row| sqlx::Row::try_get::<String, _>(row, 0).map_err(db_error))
            .collect::<Result<_, _>>()
            .map(Some)
    }
}
