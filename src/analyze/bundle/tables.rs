//! The bundle's tables, in long format keyed by `replay_id`, and their export as CSV, JSON and
//! JSON Lines.
//!
//! | table | one row per | columns |
//! |---|---|---|
//! | `sessions` | replay | [`SessionRow`] |
//! | `actions` | action | `replay_id`, then the [`Action`] fields |
//! | `events` | rrweb event | [`EventRow`] |
//! | `elements` | clicked element and page | [`ElementRow`] |
//! | `pages` | page with web vitals (`capture.performance`) | [`PageRow`] |
//!
//! Times are Unix epoch milliseconds (`start_time`, `end_time`, `t_ms`); durations are seconds
//! (`duration_s`). Web vitals are in ms (`lcp_ms`, `inp_ms`, `fcp_ms`, `ttfb_ms`,
//! `long_task_ms`) except `cls` (unitless) and `long_tasks` (a count): see [`Vitals`].

pub use crate::analyze::session::{EventRow, SessionRow};
use crate::analyze::{Action, PageVitals, Vitals};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// One row of the elements table (and of `top_clicks`): an element as described
/// (`target_desc`) on a page ([`crate::analyze::normalize::normalize_url`] of the click's URL), with its
/// genuine clicks (click, dblclick, right_click; focus excluded) over the bundle and the number
/// of distinct replays they came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElementRow {
    /// The element, as descriptions read it.
    pub target_desc: String,
    /// The page ([`crate::analyze::normalize::normalize_url`]).
    pub normalized_url: Option<String>,
    /// Genuine clicks on it.
    pub n_clicks: usize,
    /// Distinct replays with such clicks.
    pub n_unique_replays: usize,
}

/// One row of the pages table: a page of a replay with its web vitals (`rewind/web-vitals@1`,
/// see [`crate::analyze::VITALS_PLUGIN`]).
#[derive(Clone, Debug, Serialize)]
pub struct PageRow<'a> {
    /// The replay.
    pub replay_id: &'a str,
    /// The page and its vitals (`t_ms`, `href`, then the [`Vitals`] fields).
    #[serde(flatten)]
    pub page: &'a PageVitals,
}

/// One row of the actions table: the replay id, then the action's own fields in their JSON
/// order (`t_ms, action, target_node_id, target_desc, description, url, metadata`).
#[derive(Clone, Debug, Serialize)]
pub struct ActionRow<'a> {
    /// The replay.
    pub replay_id: &'a str,
    #[serde(flatten)]
    /// The action.
    pub action: &'a Action,
}

/// The four tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// One row per replay.
    Sessions,
    /// One row per action.
    Actions,
    /// One row per rrweb event.
    Events,
    /// One row per clicked element and page.
    Elements,
    /// One row per page with web vitals.
    Pages,
}

impl FromStr for Table {
    type Err = String;
    /// `sessions`, `actions`, `events`, `elements` or `pages`.
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "sessions" => Table::Sessions,
            "actions" => Table::Actions,
            "events" => Table::Events,
            "elements" => Table::Elements,
            "pages" => Table::Pages,
            _ => return Err(format!("unknown table `{s}`: expected sessions, actions, events, elements or pages")),
        })
    }
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// RFC 4180 CSV: a header line, then one line per row; `\n` line ends; a field is quoted
    /// (`"` doubled) when it holds a comma, quote, CR or LF. Absent values are empty;
    /// `metadata` is compact JSON.
    Csv,
    /// One JSON array of row objects, then a newline.
    Json,
    /// JSON Lines: one row object per line.
    Jsonl,
}

impl FromStr for TableFormat {
    type Err = String;
    /// `csv`, `json` or `jsonl`.
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "csv" => TableFormat::Csv,
            "json" => TableFormat::Json,
            "jsonl" => TableFormat::Jsonl,
            _ => return Err(format!("unknown format `{s}`: expected csv, json or jsonl")),
        })
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Table::Sessions => "sessions",
            Table::Actions => "actions",
            Table::Events => "events",
            Table::Elements => "elements",
            Table::Pages => "pages",
        })
    }
}

/// A row the table writer can export: JSON through `Serialize`, CSV through its cells.
pub trait TableRow: Serialize {
    /// CSV header, in `Serialize` field order.
    const COLUMNS: &'static [&'static str];
    /// The CSV cells, one per column.
    fn cells(&self) -> Vec<Cell<'_>>;
}

/// A CSV cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// An absent value: an empty field.
    Empty,
    /// Text, quoted when needed.
    Text(&'a str),
    /// An integer.
    Int(i64),
    /// Written as serde_json writes the number (so CSV and JSON agree: `1.5`, `2.0`).
    Float(f64),
    /// Written as compact JSON.
    Json(&'a Value),
    /// A JSON object, written as compact JSON.
    JsonMap(&'a serde_json::Map<String, Value>),
}

fn opt_str(v: &Option<String>) -> Cell<'_> {
    v.as_deref().map_or(Cell::Empty, Cell::Text)
}

fn opt_int(v: Option<i64>) -> Cell<'static> {
    v.map_or(Cell::Empty, Cell::Int)
}

fn count(n: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl TableRow for SessionRow {
    const COLUMNS: &'static [&'static str] = &[
        "replay_id",
        "distinct_id",
        "start_time",
        "end_time",
        "duration_s",
        "n_events",
        "n_actions",
        "n_clicks",
        "n_inputs",
        "n_pages",
        "n_errors",
        "n_custom",
        "entry_url",
        "exit_url",
        "lcp_ms",
        "cls",
        "inp_ms",
        "fcp_ms",
        "ttfb_ms",
        "long_tasks",
        "long_task_ms",
    ];
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(&self.replay_id),
            opt_str(&self.distinct_id),
            opt_int(self.start_time),
            opt_int(self.end_time),
            Cell::Float(self.duration_s),
            count(self.n_events),
            count(self.n_actions),
            count(self.n_clicks),
            count(self.n_inputs),
            count(self.n_pages),
            count(self.n_errors),
            count(self.n_custom),
            opt_str(&self.entry_url),
            opt_str(&self.exit_url),
        ]
        .into_iter()
        .chain(vitals_cells(&self.vitals))
        .collect()
    }
}

const VITALS_COLUMNS: [&str; 7] = ["lcp_ms", "cls", "inp_ms", "fcp_ms", "ttfb_ms", "long_tasks", "long_task_ms"];

fn vitals_cells(v: &Vitals) -> [Cell<'static>; 7] {
    let f = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Float);
    [
        f(v.lcp_ms),
        f(v.cls),
        f(v.inp_ms),
        f(v.fcp_ms),
        f(v.ttfb_ms),
        v.long_tasks.map_or(Cell::Empty, |n| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))),
        f(v.long_task_ms),
    ]
}

impl TableRow for PageRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "replay_id",
        "t_ms",
        "href",
        VITALS_COLUMNS[0],
        VITALS_COLUMNS[1],
        VITALS_COLUMNS[2],
        VITALS_COLUMNS[3],
        VITALS_COLUMNS[4],
        VITALS_COLUMNS[5],
        VITALS_COLUMNS[6],
    ];
    fn cells(&self) -> Vec<Cell<'_>> {
        [Cell::Text(self.replay_id), Cell::Int(self.page.t_ms), opt_str(&self.page.href)]
            .into_iter()
            .chain(vitals_cells(&self.page.vitals))
            .collect()
    }
}

impl TableRow for ActionRow<'_> {
    const COLUMNS: &'static [&'static str] =
        &["replay_id", "t_ms", "action", "target_node_id", "target_desc", "description", "url", "metadata"];
    fn cells(&self) -> Vec<Cell<'_>> {
        let a = self.action;
        vec![
            Cell::Text(self.replay_id),
            Cell::Int(a.t_ms),
            Cell::Text(a.action.as_str()),
            opt_int(a.target_node_id),
            opt_str(&a.target_desc),
            Cell::Text(&a.description),
            opt_str(&a.url),
            Cell::JsonMap(&a.metadata),
        ]
    }
}

impl TableRow for EventRow<'_> {
    const COLUMNS: &'static [&'static str] =
        &["replay_id", "t_ms", "type", "source", "mouse_type", "target_node_id", "url"];
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(self.replay_id),
            Cell::Int(self.t_ms),
            Cell::Int(self.event_type),
            opt_int(self.source),
            opt_int(self.mouse_type),
            opt_int(self.target_node_id),
            self.url.map_or(Cell::Empty, Cell::Text),
        ]
    }
}

impl TableRow for ElementRow {
    const COLUMNS: &'static [&'static str] = &["target_desc", "normalized_url", "n_clicks", "n_unique_replays"];
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(&self.target_desc),
            opt_str(&self.normalized_url),
            count(self.n_clicks),
            count(self.n_unique_replays),
        ]
    }
}

/// Writes rows in `format`. JSON rows keep `Serialize` field order; CSV quoting as
/// [`TableFormat::Csv`] says.
pub fn write_rows<R: TableRow>(format: TableFormat, rows: impl IntoIterator<Item = R>) -> String {
    let mut out = String::new();
    match format {
        TableFormat::Csv => {
            let header: Vec<Cell> = R::COLUMNS.iter().map(|c| Cell::Text(c)).collect();
            push_csv_line(&mut out, &header);
            for row in rows {
                push_csv_line(&mut out, &row.cells());
            }
        }
        TableFormat::Json => {
            out.push('[');
            for (i, row) in rows.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&to_json(&row));
            }
            out.push_str("]\n");
        }
        TableFormat::Jsonl => {
            for row in rows {
                out.push_str(&to_json(&row));
                out.push('\n');
            }
        }
    }
    out
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("bundle rows serialize: string keys, finite numbers")
}

fn push_csv_line(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Empty => {}
            Cell::Text(s) => push_csv_field(out, s),
            Cell::Int(n) => out.push_str(&n.to_string()),
            Cell::Float(f) => out.push_str(&to_json(f)),
            Cell::Json(v) => push_csv_field(out, &to_json(v)),
            Cell::JsonMap(m) => push_csv_field(out, &to_json(m)),
        }
    }
    out.push('\n');
}

fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it_and_json_keeps_field_order() {
        let row = ElementRow {
            target_desc: "button \"Pay, now\"".into(),
            normalized_url: None,
            n_clicks: 3,
            n_unique_replays: 1,
        };
        assert_eq!(
            write_rows(TableFormat::Csv, [row.clone()]),
            "target_desc,normalized_url,n_clicks,n_unique_replays\n\"button \"\"Pay, now\"\"\",,3,1\n"
        );
        let json = r#"{"target_desc":"button \"Pay, now\"","normalized_url":null,"n_clicks":3,"n_unique_replays":1}"#;
        assert_eq!(write_rows(TableFormat::Json, [row.clone(), row.clone()]), format!("[{json},{json}]\n"));
        assert_eq!(write_rows(TableFormat::Jsonl, [row]), format!("{json}\n"));
        assert_eq!(write_rows::<ElementRow>(TableFormat::Json, []), "[]\n");
        assert_eq!(write_rows::<ElementRow>(TableFormat::Jsonl, []), "");
        assert_eq!("events".parse::<Table>(), Ok(Table::Events));
        assert!("rows".parse::<Table>().is_err() && "tsv".parse::<TableFormat>().is_err());
    }
}
