// The bundle projections pinned in `tests/expected/bundle/` — the one list both `tests/bundle.rs`
// (native: computes and pins them) and `tests/web.rs` (wasm, in headless Chromium: computes them
// through the exports and compares) read, so wasm == native is checked on the same projections.
// Each file is a JSON object: projection name → the projection's text, byte for byte.

/// The file (stem) holding the projections of one bundle of every listed recording.
const ALL_FIXTURES: &str = "all-fixtures";

/// Projections pinned for each recording, as a bundle of one.
const FIXTURE_PROJECTIONS: &[&str] = &[
    "report_json",
    "report_markdown",
    "friction_json",
    "friction_markdown",
    "sessions_csv",
    "sessions_json",
    "sessions_jsonl",
    "actions_jsonl",
    "events_csv",
    "elements_csv",
    "elements_jsonl",
    "top_clicks_3",
    "rage_clicks_2_2000",
    "findings",
    "dead_clicks",
    "long_pauses_1",
    "error_sessions",
    "labels_default",
    "labels_selector",
];

/// Projections pinned for the bundle of every recording.
const BUNDLE_PROJECTIONS: &[&str] = &[
    "report_json",
    "report_markdown",
    "report_markdown_top3",
    "friction_markdown",
    "sessions_csv",
    "elements_csv",
    "top_clicks_3",
    "sample_5_7",
    "where_errors",
    "where_duration",
    "find_pattern",
    "compare_halves",
];

/// `where` queries of the `where_*` projections.
const WHERE_ERRORS: &str = r#"{"has_event":"console_error"}"#;
const WHERE_DURATION: &str = r#"{"min_duration_s":1,"max_duration_s":10}"#;

/// The label pattern of the `find_pattern` projection (default labels).
const PATTERN: &[&str] = &["navigate@/cart", "click:button@/cart"];
