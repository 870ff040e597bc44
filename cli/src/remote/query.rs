//! `GET /v1/sessions`: its filters as a [`ListQuery`], its answer as a [`SessionPage`] of
//! [`RemoteSession`] rows (collector/src/read.rs documents both), and the date parsing of
//! `--from/--to`.

use reqwest::Url;
use rewind::analyze::bundle::tables::{Cell, TableRow};
use serde::{Deserialize, Serialize};

/// The signals `has=` filters on: the collector's own definition, so client and server share
/// one vocabulary.
pub use rewind::protocol::Signal;

/// `--has`'s parser: one of [`Signal::ALL`]'s names (`errors`, `rage`, `dead`,
/// `error_clicks`), which clap lists in `--help` and in the error for any other word.
pub fn signal_parser() -> impl clap::builder::TypedValueParser<Value = Signal> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Signal::ALL.map(Signal::name))
        .try_map(|name| Signal::parse(&name).ok_or_else(|| format!("not a signal: {name}")))
}

/// Sessions per page the collector gives at most (collector `MAX_LIST_LIMIT`).
pub const MAX_PAGE: usize = 100;

/// The filters of `GET /v1/sessions`, all optional, combined with AND. Times are Unix epoch
/// milliseconds; `from` inclusive, `to` exclusive (the collector's "at or after" / "before").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Exact `distinct_id`.
    pub user: Option<String>,
    /// Exact `app_id`.
    pub app: Option<String>,
    /// First event at or after, epoch ms.
    pub from_ms: Option<i64>,
    /// First event before, epoch ms.
    pub to_ms: Option<i64>,
    /// A visited page's URL contains this (ASCII case-insensitive).
    pub url: Option<String>,
    /// A visited page's URL starts with this.
    pub url_prefix: Option<String>,
    /// A visited page's URL or title, the entry URL, or the user id contains this.
    pub text: Option<String>,
    /// Signals every session must have.
    pub has: Vec<Signal>,
    /// At least this many console errors.
    pub min_errors: Option<u64>,
    /// At least this many rage-click bursts.
    pub min_rage_clicks: Option<u64>,
    /// At least this long (last event − first event), ms.
    pub min_duration_ms: Option<u64>,
    /// Sessions on this page (the collector caps it at [`MAX_PAGE`]).
    pub limit: Option<usize>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl ListQuery {
    /// Sets the query string of `url` (the sessions endpoint) to these filters.
    pub fn apply(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                pairs.append_pair(name, &value);
            }
        };
        put("user", self.user.clone());
        put("app", self.app.clone());
        put("from", self.from_ms.map(|v| v.to_string()));
        put("to", self.to_ms.map(|v| v.to_string()));
        put("url", self.url.clone());
        put("url_prefix", self.url_prefix.clone());
        put("q", self.text.clone());
        if !self.has.is_empty() {
            put("has", Some(self.has.iter().map(|h| h.name()).collect::<Vec<_>>().join(",")));
        }
        put("min_errors", self.min_errors.map(|v| v.to_string()));
        put("min_rage_clicks", self.min_rage_clicks.map(|v| v.to_string()));
        put("min_duration_ms", self.min_duration_ms.map(|v| v.to_string()));
        put("limit", self.limit.map(|v| v.min(MAX_PAGE).to_string()));
        put("cursor", self.cursor.clone());
        drop(pairs);
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
}

/// One page of `GET /v1/sessions`.
#[derive(Clone, Debug, Deserialize)]
pub struct SessionPage {
    /// The sessions, newest first.
    pub sessions: Vec<RemoteSession>,
    /// Matches in all, up to the collector's cap (`total_capped` when there are more).
    #[serde(default)]
    pub total: u64,
    /// More matches than `total` counts.
    #[serde(default)]
    pub total_capped: bool,
    /// The cursor of the next page; `None` on the last.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// One session as the collector lists it: the sessions table of `rewind sessions --collector`.
/// Times are Unix epoch milliseconds, `duration_s` seconds. The analysis counts
/// (`n_rage_clicks`, `n_dead_clicks`, `n_error_clicks`, `n_pages`) are empty until the
/// collector has analysed the session (`analysis_pending` says it is behind).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RemoteSession {
    /// The session id.
    pub session_id: String,
    /// The app.
    pub app_id: Option<String>,
    /// The user (`identify`).
    pub distinct_id: Option<String>,
    /// Earliest event (browser clock), epoch ms.
    pub start_time: Option<i64>,
    /// Latest event (browser clock), epoch ms.
    pub end_time: Option<i64>,
    /// `end_time − start_time`, seconds.
    pub duration_s: f64,
    /// First page URL.
    pub entry_url: Option<String>,
    /// Events stored.
    pub n_events: u64,
    /// Console errors.
    pub n_errors: u64,
    /// Rage-click bursts.
    pub n_rage_clicks: Option<u64>,
    /// Dead clicks.
    pub n_dead_clicks: Option<u64>,
    /// Clicks followed by an error.
    pub n_error_clicks: Option<u64>,
    /// Distinct pages visited.
    pub n_pages: Option<u64>,
    /// The analysis does not yet cover every stored batch.
    pub analysis_pending: bool,
}

impl TableRow for RemoteSession {
    const COLUMNS: &'static [&'static str] = &[
        "session_id",
        "app_id",
        "distinct_id",
        "start_time",
        "end_time",
        "duration_s",
        "entry_url",
        "n_events",
        "n_errors",
        "n_rage_clicks",
        "n_dead_clicks",
        "n_error_clicks",
        "n_pages",
        "analysis_pending",
    ];

    fn cells(&self) -> Vec<Cell<'_>> {
        fn text(v: &Option<String>) -> Cell<'_> {
            v.as_deref().map_or(Cell::Empty, Cell::Text)
        }
        let int = |v: Option<i64>| v.map_or(Cell::Empty, Cell::Int);
        let count = |v: Option<u64>| int(v.map(|n| i64::try_from(n).unwrap_or(i64::MAX)));
        vec![
            Cell::Text(&self.session_id),
            text(&self.app_id),
            text(&self.distinct_id),
            int(self.start_time),
            int(self.end_time),
            Cell::Float(self.duration_s),
            text(&self.entry_url),
            count(Some(self.n_events)),
            count(Some(self.n_errors)),
            count(self.n_rage_clicks),
            count(self.n_dead_clicks),
            count(self.n_error_clicks),
            count(self.n_pages),
            Cell::Text(if self.analysis_pending { "true" } else { "false" }),
        ]
    }
}

/// Which end of a day a bare date stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayEnd {
    /// Its first millisecond (`--from`).
    Start,
    /// The first millisecond of the next day (`--to`: a bare date includes that whole day).
    AfterEnd,
}

/// A `--from`/`--to` value as Unix epoch milliseconds: a UTC date (`2026-12-01`, its start or
/// the end of that day, see [`DayEnd`]), an RFC 3339 time (`2026-12-01T09:30:00Z`,
/// `2026-12-01T10:30:00+01:00`) or epoch milliseconds (`1796083200000`).
pub fn parse_time(text: &str, end: DayEnd) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let date = match end {
            DayEnd::Start => date,
            DayEnd::AfterEnd => date.succ_opt().ok_or("date out of range")?,
        };
        return Ok(date.and_hms_opt(0, 0, 0).ok_or("date out of range")?.and_utc().timestamp_millis());
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp_millis());
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().map_err(|_| "epoch milliseconds out of range".to_string());
    }
    Err(format!(
        "{:?} is not a date (2026-12-01), an RFC 3339 time (2026-12-01T09:30:00Z) or epoch milliseconds",
        crate::escape_controls(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_epoch_milliseconds() {
        assert_eq!(parse_time("2026-12-01", DayEnd::Start), Ok(1_796_083_200_000));
        assert_eq!(parse_time("2026-12-01", DayEnd::AfterEnd), Ok(1_796_083_200_000 + 86_400_000));
        assert_eq!(parse_time("2026-12-01T01:00:00+01:00", DayEnd::Start), Ok(1_796_083_200_000));
        assert_eq!(parse_time("2026-12-01T00:00:00.5Z", DayEnd::AfterEnd), Ok(1_796_083_200_500));
        assert_eq!(parse_time("1796083200000", DayEnd::Start), Ok(1_796_083_200_000));
        assert!(parse_time("yesterday", DayEnd::Start).unwrap_err().contains("not a date"));
        assert!(parse_time("2026-13-01", DayEnd::Start).is_err());
    }

    #[test]
    fn filters_become_the_read_api_query() {
        let mut url = Url::parse("http://h/v1/sessions").unwrap();
        ListQuery::default().apply(&mut url);
        assert_eq!(url.as_str(), "http://h/v1/sessions");
        let query = ListQuery {
            user: Some("jane doe".into()),
            from_ms: Some(5),
            url: Some("/checkout?x=1".into()),
            has: vec![Signal::Rage, Signal::ErrorClicks],
            min_duration_ms: Some(1500),
            limit: Some(500),
            ..Default::default()
        };
        query.apply(&mut url);
        assert_eq!(
            url.query(),
            Some("user=jane+doe&from=5&url=%2Fcheckout%3Fx%3D1&has=rage%2Cerror_clicks&min_duration_ms=1500&limit=100")
        );
    }
}
