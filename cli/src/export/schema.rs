//! The lake's tables: one Arrow schema per table, and the conversion of one analysed session
//! into a record batch per table.
//!
//! The columns are the bundle tables' ([`rewind::analyze::bundle::tables`]), in the same order
//! and with the same names, so the CSV/JSON exports and the lake read alike. Arrow types:
//!
//! | kind | Arrow type | values |
//! |---|---|---|
//! | text | `Utf8` | |
//! | time | `Timestamp(Millisecond, "UTC")` | Unix epoch ms, as the tables' `start_time`, `end_time`, `t_ms`, `end_ms` |
//! | integer | `Int64` | counts, rrweb numbers (EventType, IncrementalSource, MouseInteraction), node ids |
//! | real | `Float64` | seconds (`duration_s`, `offset_s`), web vitals in ms, `cls` unitless |
//! | json | `Utf8` | compact JSON text: `metadata` (object), `evidence` (array) |
//!
//! Every column is nullable except the key `replay_id`. No partition column is stored in the
//! files: `day` comes from the Hive-style path (`table/day=YYYY-MM-DD/…`).

use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use rewind::analyze::bundle::tables::{Cell, TableRow};
#[cfg(test)]
use rewind::analyze::bundle::SessionRow;
use rewind::analyze::bundle::{ActionRow, ElementRow, Finding, PageRow, ReplayBundle};
use rewind::analyze::session::signals::{all_findings, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use rewind::analyze::session::{AnalyzedSession, EventRow};
use std::sync::{Arc, OnceLock};

/// A column's kind (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Utf8`.
    Text,
    /// `Timestamp(Millisecond, "UTC")`: Unix epoch ms.
    Time,
    /// `Int64`.
    Int,
    /// `Float64`.
    Real,
    /// `Utf8` holding compact JSON.
    Json,
}

use Kind::{Int, Json, Real, Text, Time};

/// One column: name and kind.
pub type Column = (&'static str, Kind);

/// `sessions`, one row per replay ([`SessionRow`]).
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | distinct_id | text | |
/// | start_time, end_time | time | UTC, ms |
/// | duration_s | real | s |
/// | n_events, n_actions, n_clicks, n_inputs, n_pages, n_errors, n_custom | int | count |
/// | entry_url, exit_url | text | |
/// | lcp_ms, inp_ms, fcp_ms, ttfb_ms, long_task_ms | real | ms |
/// | cls | real | unitless |
/// | long_tasks | int | count |
pub const SESSIONS: &[Column] = &[
    ("replay_id", Text),
    ("distinct_id", Text),
    ("start_time", Time),
    ("end_time", Time),
    ("duration_s", Real),
    ("n_events", Int),
    ("n_actions", Int),
    ("n_clicks", Int),
    ("n_inputs", Int),
    ("n_pages", Int),
    ("n_errors", Int),
    ("n_custom", Int),
    ("entry_url", Text),
    ("exit_url", Text),
    ("lcp_ms", Real),
    ("cls", Real),
    ("inp_ms", Real),
    ("fcp_ms", Real),
    ("ttfb_ms", Real),
    ("long_tasks", Int),
    ("long_task_ms", Real),
];

/// `actions`, one row per user action ([`ActionRow`]).
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | t_ms | time | UTC, ms |
/// | action | text | `click`, `input`, `navigation`, `console_error`… |
/// | target_node_id | int | rrweb node id |
/// | target_desc, description, url | text | |
/// | metadata | json | object |
pub const ACTIONS: &[Column] = &[
    ("replay_id", Text),
    ("t_ms", Time),
    ("action", Text),
    ("target_node_id", Int),
    ("target_desc", Text),
    ("description", Text),
    ("url", Text),
    ("metadata", Json),
];

/// `events`, one row per rrweb event ([`EventRow`]).
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | t_ms | time | UTC, ms |
/// | type, source, mouse_type | int | rrweb EventType, IncrementalSource, MouseInteraction |
/// | target_node_id | int | rrweb node id |
/// | url | text | the page URL at the event |
pub const EVENTS: &[Column] = &[
    ("replay_id", Text),
    ("t_ms", Time),
    ("type", Int),
    ("source", Int),
    ("mouse_type", Int),
    ("target_node_id", Int),
    ("url", Text),
];

/// `elements`, one row per replay, clicked element and page: the bundle's elements table
/// ([`ElementRow`]) kept per replay, so any set of days adds up. `n_unique_replays` is not
/// stored: it is `count(DISTINCT replay_id)` over the rows of an element.
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | target_desc | text | |
/// | normalized_url | text | the page, normalized |
/// | n_clicks | int | genuine clicks (click, dblclick, right_click) |
pub const ELEMENTS: &[Column] =
    &[("replay_id", Text), ("target_desc", Text), ("normalized_url", Text), ("n_clicks", Int)];

/// `findings`, one row per frustration finding ([`Finding`]; rage clicks with the default
/// threshold and window, as `rewind report`).
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | kind | text | `rage_click`, `dead_click`, `error_click`, `u_turn`, `form_abandonment`, `thrashed_cursor`, `excessive_scrolling` |
/// | distinct_id | text | |
/// | t_ms, end_ms | time | UTC, ms |
/// | offset_s | real | s since the replay's first event |
/// | element | text | |
/// | target_node_id | int | rrweb node id |
/// | url | text | the page, normalized |
/// | count | int | clicks, errors, fields or direction changes |
/// | explanation | text | |
/// | evidence | json | array of `{t_ms, offset_s, description}` |
pub const FINDINGS: &[Column] = &[
    ("replay_id", Text),
    ("kind", Text),
    ("distinct_id", Text),
    ("t_ms", Time),
    ("end_ms", Time),
    ("offset_s", Real),
    ("element", Text),
    ("target_node_id", Int),
    ("url", Text),
    ("count", Int),
    ("explanation", Text),
    ("evidence", Json),
];

/// `pages`, one row per page with web vitals ([`PageRow`]).
///
/// | column | type | unit |
/// |---|---|---|
/// | replay_id | text | |
/// | t_ms | time | UTC, ms |
/// | href | text | |
/// | lcp_ms, inp_ms, fcp_ms, ttfb_ms, long_task_ms | real | ms |
/// | cls | real | unitless |
/// | long_tasks | int | count |
pub const PAGES: &[Column] = &[
    ("replay_id", Text),
    ("t_ms", Time),
    ("href", Text),
    ("lcp_ms", Real),
    ("cls", Real),
    ("inp_ms", Real),
    ("fcp_ms", Real),
    ("ttfb_ms", Real),
    ("long_tasks", Int),
    ("long_task_ms", Real),
];

/// The lake's tables, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LakeTable {
    /// [`SESSIONS`].
    Sessions,
    /// [`ACTIONS`].
    Actions,
    /// [`EVENTS`].
    Events,
    /// [`ELEMENTS`].
    Elements,
    /// [`FINDINGS`].
    Findings,
    /// [`PAGES`].
    Pages,
}

impl LakeTable {
    /// Every table.
    pub const ALL: [LakeTable; 6] = [
        LakeTable::Sessions,
        LakeTable::Actions,
        LakeTable::Events,
        LakeTable::Elements,
        LakeTable::Findings,
        LakeTable::Pages,
    ];

    /// The table's directory name.
    pub fn name(self) -> &'static str {
        match self {
            LakeTable::Sessions => "sessions",
            LakeTable::Actions => "actions",
            LakeTable::Events => "events",
            LakeTable::Elements => "elements",
            LakeTable::Findings => "findings",
            LakeTable::Pages => "pages",
        }
    }

    /// The columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            LakeTable::Sessions => SESSIONS,
            LakeTable::Actions => ACTIONS,
            LakeTable::Events => EVENTS,
            LakeTable::Elements => ELEMENTS,
            LakeTable::Findings => FINDINGS,
            LakeTable::Pages => PAGES,
        }
    }

    /// The Arrow schema (built once per table).
    pub fn schema(self) -> SchemaRef {
        static SCHEMAS: OnceLock<Vec<SchemaRef>> = OnceLock::new();
        let all = SCHEMAS.get_or_init(|| LakeTable::ALL.iter().map(|t| build_schema(t.columns())).collect());
        all[self as usize].clone()
    }
}

fn build_schema(columns: &[Column]) -> SchemaRef {
    let fields: Vec<Field> = columns
        .iter()
        .map(|&(name, kind)| {
            let data_type = match kind {
                Text | Json => DataType::Utf8,
                Time => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                Int => DataType::Int64,
                Real => DataType::Float64,
            };
            Field::new(name, data_type, name != "replay_id")
        })
        .collect();
    Arc::new(Schema::new(fields))
}

enum ColumnBuilder {
    Text(StringBuilder),
    Time(TimestampMillisecondBuilder),
    Int(Int64Builder),
    Real(Float64Builder),
}

/// Rows of one table, column by column, turned into a [`RecordBatch`] by
/// [`TableBuilder::finish`].
pub struct TableBuilder {
    table: LakeTable,
    columns: Vec<ColumnBuilder>,
}

impl TableBuilder {
    /// An empty builder for `table`.
    pub fn new(table: LakeTable) -> TableBuilder {
        let columns = table
            .columns()
            .iter()
            .map(|&(_, kind)| match kind {
                Text | Json => ColumnBuilder::Text(StringBuilder::new()),
                Time => ColumnBuilder::Time(TimestampMillisecondBuilder::new()),
                Int => ColumnBuilder::Int(Int64Builder::new()),
                Real => ColumnBuilder::Real(Float64Builder::new()),
            })
            .collect();
        TableBuilder { table, columns }
    }

    /// Appends one row given as the bundle tables' cells, one per column.
    ///
    /// # Errors
    /// A cell count or kind that does not fit the schema (a bug: the schemas mirror the
    /// bundle tables, which the unit tests check), naming the column.
    pub fn push(&mut self, cells: &[Cell]) -> Result<(), String> {
        let columns = self.table.columns();
        if cells.len() != columns.len() {
            return Err(format!("{}: {} cells for {} columns", self.table.name(), cells.len(), columns.len()));
        }
        for ((builder, cell), (name, _)) in self.columns.iter_mut().zip(cells).zip(columns) {
            match (builder, cell) {
                (ColumnBuilder::Text(b), Cell::Empty) => b.append_null(),
                (ColumnBuilder::Text(b), Cell::Text(s)) => b.append_value(s),
                (ColumnBuilder::Text(b), Cell::Json(v)) => b.append_value(v.to_string()),
                (ColumnBuilder::Text(b), Cell::JsonMap(m)) => {
                    b.append_value(serde_json::to_string(m).unwrap_or_default())
                }
                (ColumnBuilder::Time(b), Cell::Empty) => b.append_null(),
                (ColumnBuilder::Time(b), Cell::Int(n)) => b.append_value(*n),
                (ColumnBuilder::Int(b), Cell::Empty) => b.append_null(),
                (ColumnBuilder::Int(b), Cell::Int(n)) => b.append_value(*n),
                (ColumnBuilder::Real(b), Cell::Empty) => b.append_null(),
                (ColumnBuilder::Real(b), Cell::Float(x)) => b.append_value(*x),
                (ColumnBuilder::Real(b), Cell::Int(n)) => b.append_value(*n as f64),
                (_, cell) => return Err(format!("{}.{name}: cell {cell:?} does not fit", self.table.name())),
            }
        }
        Ok(())
    }

    /// The rows as one batch of the table's schema.
    ///
    /// # Errors
    /// Arrow's error (a bug: the arrays are built from the schema).
    pub fn finish(self) -> Result<RecordBatch, String> {
        let arrays: Vec<ArrayRef> = self
            .columns
            .into_iter()
            .map(|builder| -> ArrayRef {
                match builder {
                    ColumnBuilder::Text(mut b) => Arc::new(b.finish()),
                    ColumnBuilder::Time(mut b) => Arc::new(b.finish().with_timezone("UTC")),
                    ColumnBuilder::Int(mut b) => Arc::new(b.finish()),
                    ColumnBuilder::Real(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(self.table.schema(), arrays).map_err(|e| format!("{}: {e}", self.table.name()))
    }
}

fn count(n: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The cells of a findings row ([`FINDINGS`]).
fn finding_cells(f: &Finding) -> Vec<Cell<'_>> {
    fn text(v: &Option<String>) -> Cell<'_> {
        v.as_deref().map_or(Cell::Empty, Cell::Text)
    }
    vec![
        Cell::Text(&f.replay_id),
        Cell::Text(f.kind.as_str()),
        text(&f.distinct_id),
        Cell::Int(f.t_ms),
        Cell::Int(f.end_ms),
        Cell::Float(f.offset_s),
        text(&f.element),
        f.target_node_id.map_or(Cell::Empty, Cell::Int),
        text(&f.url),
        count(f.count),
    ]
}

/// One replay's rows, one batch per table in [`LakeTable::ALL`] order.
pub type ReplayBatches = Vec<(LakeTable, RecordBatch)>;

/// Converts one analysed replay into its rows of every table. Findings are every kind, rage
/// clicks with [`RAGE_CLICK_THRESHOLD`] and [`RAGE_CLICK_WINDOW_MS`] (as `rewind report`).
///
/// # Errors
/// As [`TableBuilder::push`] and [`TableBuilder::finish`].
pub fn replay_batches(replay: AnalyzedSession) -> Result<ReplayBatches, String> {
    let mut builders: Vec<TableBuilder> = LakeTable::ALL.iter().map(|&t| TableBuilder::new(t)).collect();
    let id = replay.replay_id().to_string();
    builders[LakeTable::Sessions as usize].push(&replay.session().cells())?;
    for action in replay.actions() {
        builders[LakeTable::Actions as usize].push(&ActionRow { replay_id: &id, action }.cells())?;
    }
    for event in replay.events() {
        builders[LakeTable::Events as usize].push(&EventRow::cells(&event))?;
    }
    for page in &replay.session().page_vitals {
        builders[LakeTable::Pages as usize].push(&PageRow { replay_id: &id, page }.cells())?;
    }
    for finding in all_findings(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS) {
        let evidence = serde_json::to_value(&finding.evidence).unwrap_or_default();
        let mut cells = finding_cells(&finding);
        cells.push(Cell::Text(&finding.explanation));
        cells.push(Cell::Json(&evidence));
        builders[LakeTable::Findings as usize].push(&cells)?;
    }
    // The bundle's element tally of a bundle of one: this replay's clicks per element and page.
    for element in ReplayBundle::from(replay).elements() {
        let ElementRow { target_desc, normalized_url, n_clicks, .. } = &element;
        let cells = [
            Cell::Text(&id),
            Cell::Text(target_desc),
            normalized_url.as_deref().map_or(Cell::Empty, Cell::Text),
            count(*n_clicks),
        ];
        builders[LakeTable::Elements as usize].push(&cells)?;
    }
    LakeTable::ALL.iter().zip(builders).map(|(&table, builder)| Ok((table, builder.finish()?))).collect()
}

/// The sessions row's table, for [`SessionRow`]'s `COLUMNS`: kept to check the schema against.
#[cfg(test)]
fn bundle_columns(table: LakeTable) -> Vec<&'static str> {
    match table {
        LakeTable::Sessions => SessionRow::COLUMNS.to_vec(),
        LakeTable::Actions => ActionRow::COLUMNS.to_vec(),
        LakeTable::Events => EventRow::COLUMNS.to_vec(),
        LakeTable::Pages => PageRow::COLUMNS.to_vec(),
        // The bundle's elements row, per replay: replay_id first, n_unique_replays dropped.
        LakeTable::Elements => {
            let mut columns = vec!["replay_id"];
            columns.extend(ElementRow::COLUMNS.iter().filter(|c| **c != "n_unique_replays"));
            columns
        }
        // Finding's serde fields, in order.
        LakeTable::Findings => vec![
            "replay_id",
            "kind",
            "distinct_id",
            "t_ms",
            "end_ms",
            "offset_s",
            "element",
            "target_node_id",
            "url",
            "count",
            "explanation",
            "evidence",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    #[test]
    fn schemas_mirror_the_bundle_tables() {
        for table in LakeTable::ALL {
            let names: Vec<&str> = table.columns().iter().map(|(name, _)| *name).collect();
            assert_eq!(names, bundle_columns(table), "{}", table.name());
            assert_eq!(table.schema().fields().len(), names.len());
        }
        // Finding's JSON keys are the findings columns (kind moves first as the report's groups do).
        let fixture = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/rage-after-click.json")).unwrap();
        let replay = AnalyzedSession::from_bytes(&fixture, Some("r")).unwrap();
        let finding = all_findings(&replay, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS).remove(0);
        let json: serde_json::Value = serde_json::to_value(&finding).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut columns: Vec<&str> = FINDINGS.iter().map(|(n, _)| *n).collect();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns);
    }

    #[test]
    fn every_fixture_converts_and_rows_match_the_tables() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let replay = AnalyzedSession::from_bytes(&std::fs::read(&path).unwrap(), Some("r")).unwrap();
            let (n_events, n_actions) = (replay.n_events(), replay.actions().len());
            let batches = replay_batches(replay).unwrap();
            let rows = |t: LakeTable| batches.iter().find(|(table, _)| *table == t).unwrap().1.num_rows();
            assert_eq!(rows(LakeTable::Sessions), 1);
            assert_eq!(rows(LakeTable::Events), n_events);
            assert_eq!(rows(LakeTable::Actions), n_actions);
            let sessions = &batches[0].1;
            assert_eq!(sessions.column(0).null_count(), 0);
            seen += 1;
        }
        assert!(seen >= 10, "fixtures found: {seen}");
    }

    #[test]
    fn a_cell_of_the_wrong_kind_is_an_error_not_a_panic() {
        let mut b = TableBuilder::new(LakeTable::Elements);
        let err = b.push(&[Cell::Int(1), Cell::Text("a"), Cell::Empty, Cell::Int(2)]).unwrap_err();
        assert!(err.contains("elements.replay_id"), "{err}");
        assert!(b.push(&[Cell::Text("r")]).unwrap_err().contains("1 cells for 4 columns"));
    }
}
