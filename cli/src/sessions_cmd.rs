//! `rewind sessions`: the sessions table (one row per replay) of every recording under the
//! given paths, filtered, as a text table, CSV, JSON or JSON Lines. Streams like `rewind
//! report`: each recording is analysed on the worker pool and reduced to its row at once.
//!
//! With `--collector` and no paths, the rows are the collector's own session index (`GET
//! /v1/sessions`, newest first, paged with its cursor), filtered there: no recording is
//! downloaded. Those rows have the collector's columns ([`RemoteSession`]).

use crate::remote::query::{parse_time, signal_parser, DayEnd, ListQuery, RemoteSession, Signal, MAX_PAGE};
use crate::remote::{Collector, CollectorArgs, RemoteError};
use crate::report_cmd::{analyse_all, finish};
use crate::{remote_failure, source, Source, EXIT_BAD_INPUT};
use clap::{Args, ValueEnum};
use rewind::analyze::bundle::tables::{write_rows, Cell, TableRow};
use rewind::analyze::bundle::{TableFormat, Where};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Sessions listed from a collector when `--limit` is not given (the read API's own default).
pub const DEFAULT_REMOTE_LIMIT: usize = 50;
/// Widest column of the text table, in characters; longer cells end in `…`.
pub const MAX_TABLE_CELL_CHARS: usize = 48;

/// Output formats of `rewind sessions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SessionsFormat {
    /// An aligned text table for people (times as UTC, long cells cut).
    Table,
    /// A header line, then one line per replay.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One row object per line.
    Jsonl,
}

/// Arguments of `rewind sessions`.
#[derive(Debug, Args)]
pub struct SessionsArgs {
    /// Recordings: files, directories, or `-` for stdin (as `rewind analyze`). Without any,
    /// the sessions of `--collector`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: table, csv, json or jsonl.
    ///
    /// Columns: replay_id, distinct_id, start_time, end_time (Unix epoch ms), duration_s,
    /// n_events, n_actions, n_clicks, n_inputs, n_pages, n_errors, n_custom, entry_url, exit_url.
    /// From a collector: session_id, app_id, distinct_id, start_time, end_time, duration_s,
    /// entry_url, n_events, n_errors, n_rage_clicks, n_dead_clicks, n_error_clicks, n_pages,
    /// analysis_pending.
    #[arg(long, short, value_enum, default_value_t = SessionsFormat::Csv, value_name = "FORMAT")]
    pub format: SessionsFormat,

    /// Which replays.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Which sessions of a collector.
    #[command(flatten)]
    pub remote: CollectorFilterArgs,

    /// At most N rows (from a collector: default 50, newest first).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Show personal data in clear (by default emails, card numbers, phone numbers, SSNs and
    /// tokens in URLs are replaced by `[REDACTED:kind]`).
    #[arg(long)]
    pub no_redact: bool,
}

/// The replay filters of `rewind sessions` and `rewind export` ([`Where`]).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only replays whose distinct_id is U.
    #[arg(long, value_name = "U")]
    pub user: Option<String>,

    /// Only replays that visited a page whose URL contains S (case-sensitive; a collector
    /// matches any ASCII case).
    #[arg(long, value_name = "S")]
    pub url: Option<String>,

    /// Only replays lasting at least SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub min_duration: Option<f64>,

    /// Only replays lasting at most SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub max_duration: Option<f64>,

    /// Only replays with an action of this kind (click, input, console_error, dblclick…) or a
    /// custom event with this tag.
    #[arg(long, value_name = "EVENT")]
    pub has_event: Option<String>,
}

impl FilterArgs {
    /// The filters as a [`Where`].
    pub fn to_where(&self) -> Where {
        Where {
            distinct_id: self.user.clone(),
            contains_url: self.url.clone(),
            has_event: self.has_event.clone(),
            min_duration_s: self.min_duration,
            max_duration_s: self.max_duration,
        }
    }
}

/// The filters only a collector has (`GET /v1/sessions`, collector/src/read.rs). `--user`,
/// `--url` and `--min-duration` ([`FilterArgs`]) filter there too.
#[derive(Debug, Default, Args)]
pub struct CollectorFilterArgs {
    /// Only sessions of this app (exact app_id). Collector only.
    #[arg(long, value_name = "APP")]
    pub app: Option<String>,

    /// Only sessions starting at or after this: a UTC date (2026-12-01), an RFC 3339 time
    /// (2026-12-01T09:30:00Z) or epoch milliseconds. Collector only.
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,

    /// Only sessions starting before this; a date includes that whole day (UTC). Collector only.
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,

    /// Only sessions that visited a page whose URL starts with PREFIX. Collector only.
    #[arg(long, value_name = "PREFIX")]
    pub url_prefix: Option<String>,

    /// Only sessions with TEXT in a visited page's URL or title or in the user id. Collector only.
    #[arg(long, value_name = "TEXT")]
    pub query: Option<String>,

    /// Only sessions with console errors, rage clicks, dead clicks or error clicks (repeat
    /// or comma-separate for all of them). Collector only; rage, dead and error_clicks once
    /// the collector has analysed the session.
    #[arg(long, value_parser = signal_parser(), value_delimiter = ',', value_name = "SIGNAL")]
    pub has: Vec<Signal>,

    /// Only sessions with at least N console errors. Collector only.
    #[arg(long, value_name = "N")]
    pub min_errors: Option<u64>,

    /// Only sessions with at least N rage-click bursts. Collector only.
    #[arg(long, value_name = "N")]
    pub min_rage_clicks: Option<u64>,
}

impl CollectorFilterArgs {
    /// The first collector-only option given, for the "needs --collector" message.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.app.is_some(), "--app"),
            (self.from.is_some(), "--from"),
            (self.to.is_some(), "--to"),
            (self.url_prefix.is_some(), "--url-prefix"),
            (self.query.is_some(), "--query"),
            (!self.has.is_empty(), "--has"),
            (self.min_errors.is_some(), "--min-errors"),
            (self.min_rage_clicks.is_some(), "--min-rage-clicks"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

/// Refuses collector-only filters on local recordings: one line, exit 2.
pub(crate) fn local_only(remote: &CollectorFilterArgs) -> Result<(), ExitCode> {
    match remote.first_given() {
        Some(flag) => {
            eprintln!("rewind: {flag} filters a collector's sessions: use it with --collector and no PATH");
            Err(ExitCode::from(EXIT_BAD_INPUT))
        }
        None => Ok(()),
    }
}

/// The collector query for these filters (`limit` and `cursor` left to the caller). Filters
/// the read API does not have (`--max-duration`, `--has-event`) are refused.
pub(crate) fn list_query(filters: &FilterArgs, remote: &CollectorFilterArgs) -> Result<ListQuery, String> {
    if filters.max_duration.is_some() {
        return Err("--max-duration works on recordings only, not with --collector".into());
    }
    if filters.has_event.is_some() {
        return Err(
            "--has-event works on recordings only; with --collector use --has errors|rage|dead|error_clicks".into()
        );
    }
    let min_duration_ms = match filters.min_duration {
        Some(s) if !(s.is_finite() && s >= 0.0) => return Err("--min-duration must be a number of seconds ≥ 0".into()),
        Some(s) => Some((s * 1000.0).ceil() as u64),
        None => None,
    };
    let time = |flag: &str, value: &Option<String>, end| {
        value.as_deref().map(|v| parse_time(v, end).map_err(|e| format!("{flag}: {e}"))).transpose()
    };
    Ok(ListQuery {
        user: filters.user.clone(),
        app: remote.app.clone(),
        from_ms: time("--from", &remote.from, DayEnd::Start)?,
        to_ms: time("--to", &remote.to, DayEnd::AfterEnd)?,
        url: filters.url.clone(),
        url_prefix: remote.url_prefix.clone(),
        text: remote.query.clone(),
        has: remote.has.clone(),
        min_errors: remote.min_errors,
        min_rage_clicks: remote.min_rage_clicks,
        min_duration_ms,
        limit: None,
        cursor: None,
    })
}

/// Walks the collector's sessions matching `query`, newest first, page by page (one page in
/// memory), calling `each` for each until `limit` sessions or the last page. Returns the
/// collector's `total` (and whether it is capped) from the first page.
pub(crate) fn each_session(
    collector: &Collector,
    mut query: ListQuery,
    limit: Option<usize>,
    mut each: impl FnMut(RemoteSession, (u64, bool)) -> Result<(), RemoteError>,
) -> Result<(u64, bool), RemoteError> {
    let mut left = limit.unwrap_or(usize::MAX);
    let mut total = None;
    while left > 0 {
        query.limit = Some(left.min(MAX_PAGE));
        let page = collector.list(&query)?;
        let counted = *total.get_or_insert((page.total, page.total_capped));
        let last = page.next_cursor.is_none() || page.sessions.is_empty();
        for session in page.sessions.into_iter().take(left) {
            each(session, counted)?;
            left -= 1;
        }
        if last {
            break;
        }
        query.cursor = page.next_cursor;
    }
    Ok(total.unwrap_or((0, false)))
}

/// Runs `rewind sessions`; exit codes as `rewind report`, and 2 with one line when the
/// collector cannot be read.
pub fn run(args: &SessionsArgs, collector: &CollectorArgs) -> ExitCode {
    match source(&args.paths, collector) {
        Err(code) => code,
        Ok(Source::Collector(collector)) => run_remote(args, &collector),
        Ok(Source::Files(_)) => match local_only(&args.remote) {
            Err(code) => code,
            Ok(()) => run_local(args),
        },
    }
}

fn run_remote(args: &SessionsArgs, collector: &Collector) -> ExitCode {
    let query = match list_query(&args.filters, &args.remote) {
        Ok(query) => query,
        Err(message) => {
            eprintln!("rewind: {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let mut rows = Vec::new();
    let counted = each_session(collector, query, Some(args.limit.unwrap_or(DEFAULT_REMOTE_LIMIT)), |row, _| {
        rows.push(if args.no_redact { row } else { redact_row(row) });
        Ok(())
    });
    let (total, capped) = match counted {
        Ok(counted) => counted,
        Err(e) => return remote_failure(&e),
    };
    if args.format == SessionsFormat::Table && (rows.len() as u64) < total {
        eprintln!(
            "rewind: showing the newest {} of {}{total} sessions (--limit N for more)",
            rows.len(),
            if capped { "over " } else { "" }
        );
    }
    finish(|out| out.write_all(render(args.format, rows).as_bytes()), false)
}

/// A collector's row with personal data in the user and entry URL replaced by
/// `[REDACTED:kind]`, as every CLI output is by default (the collector redacts at ingest
/// too, unless it runs with `--no-server-redaction`).
fn redact_row(mut row: RemoteSession) -> RemoteSession {
    let redact = |text: &mut Option<String>| {
        if let Some(t) = text {
            *t = rewind::privacy::redact::redact_text_seen(t, &[], &mut |_| {});
        }
    };
    redact(&mut row.distinct_id);
    redact(&mut row.entry_url);
    row
}

/// Rows in `format`.
fn render<R: TableRow>(format: SessionsFormat, rows: impl IntoIterator<Item = R>) -> String {
    match format {
        SessionsFormat::Table => text_table(rows),
        SessionsFormat::Csv => write_rows(TableFormat::Csv, rows),
        SessionsFormat::Json => write_rows(TableFormat::Json, rows),
        SessionsFormat::Jsonl => write_rows(TableFormat::Jsonl, rows),
    }
}

/// Rows as an aligned text table: the CSV columns and cells, control characters as spaces,
/// cells past [`MAX_TABLE_CELL_CHARS`] cut with `…`, and `*_time` columns (epoch ms) as UTC
/// `YYYY-MM-DD HH:MM:SS`.
pub fn text_table<R: TableRow>(rows: impl IntoIterator<Item = R>) -> String {
    let time_columns: Vec<bool> = R::COLUMNS.iter().map(|c| c.ends_with("_time")).collect();
    let mut grid: Vec<Vec<String>> = vec![R::COLUMNS.iter().map(|c| c.to_string()).collect()];
    for row in rows {
        let cells = row.cells();
        grid.push(cells.iter().enumerate().map(|(i, cell)| table_cell(cell, time_columns[i])).collect());
    }
    let widths: Vec<usize> =
        (0..R::COLUMNS.len()).map(|i| grid.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &grid {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let _ = write!(line, "{cell:<width$}", width = widths[i]);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn table_cell(cell: &Cell, time: bool) -> String {
    let text = match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.to_string(),
        Cell::Int(n) if time => chrono::DateTime::from_timestamp_millis(*n)
            .map_or_else(|| n.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Int(n) => n.to_string(),
        Cell::Float(f) => format!("{f:.1}"),
        Cell::Json(v) => v.to_string(),
        Cell::JsonMap(m) => serde_json::to_string(m).unwrap_or_default(),
    };
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > MAX_TABLE_CELL_CHARS {
        let mut cut: String = text.chars().take(MAX_TABLE_CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

fn run_local(args: &SessionsArgs) -> ExitCode {
    let query = args.filters.to_where();
    let (rows, failed) = match analyse_all(&args.paths, args.no_redact, |replay| {
        query.matches(&replay).then(|| replay.session().clone())
    }) {
        Ok(result) => result,
        Err(code) => return code,
    };
    if rows.is_empty() && failed {
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let rows = rows.into_iter().flatten().take(args.limit.unwrap_or(usize::MAX));
    let text = render(args.format, rows);
    finish(|out| out.write_all(text.as_bytes()), failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tables_align_cut_and_show_times_in_utc() {
        let row = RemoteSession {
            session_id: "s1".into(),
            start_time: Some(1_796_083_200_000),
            duration_s: 83.25,
            entry_url: Some(format!("https://shop.example/{}\n", "a".repeat(80))),
            n_events: 12,
            ..Default::default()
        };
        let table = text_table([row]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "{table}");
        assert!(
            lines[0].starts_with("session_id  app_id  distinct_id  start_time           end_time  duration_s"),
            "{table}"
        );
        assert!(lines[1].contains("2026-12-01 00:00:00") && lines[1].contains("83.2"), "{table}");
        assert!(
            lines[1].contains(&format!("https://shop.example/{}…", "a".repeat(MAX_TABLE_CELL_CHARS - 22))),
            "{table}"
        );
    }

    #[test]
    fn filters_the_read_api_lacks_are_refused() {
        let filters =
            FilterArgs { user: None, url: None, min_duration: None, max_duration: Some(5.0), has_event: None };
        assert!(list_query(&filters, &CollectorFilterArgs::default()).unwrap_err().contains("--max-duration"));
        let filters = FilterArgs { min_duration: Some(1.5), max_duration: None, ..filters };
        let remote = CollectorFilterArgs { to: Some("2026-12-01".into()), ..Default::default() };
        let query = list_query(&filters, &remote).unwrap();
        assert_eq!((query.min_duration_ms, query.to_ms), (Some(1500), Some(1_796_169_600_000)));
        let remote = CollectorFilterArgs { from: Some("soon".into()), ..Default::default() };
        assert!(list_query(&filters, &remote).unwrap_err().starts_with("--from: "));
    }
}
