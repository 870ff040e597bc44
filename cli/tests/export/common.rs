//! Helpers of the export tests (cli/tests/export.rs, cli/tests/export_s3.rs).
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const SKIP_DUCKDB: &str = "skipped: python3 cannot import duckdb (pip install duckdb)";

pub fn rewind() -> Command {
    Command::cargo_bin("rewind").unwrap()
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The SQL blocks of docs/lake.md tagged `-- query: NAME`, and the DuckDB views block with
/// `lake/` pointed at `lake`.
pub fn documented_sql(lake: &Path) -> (String, BTreeMap<String, String>) {
    let doc = std::fs::read_to_string(repo().join("docs/lake.md")).unwrap();
    let mut views = None;
    let mut queries = BTreeMap::new();
    for block in doc.split("```sql\n").skip(1) {
        let body = block.split("```").next().unwrap();
        let first = body.lines().next().unwrap_or_default();
        if let Some(name) = first.strip_prefix("-- query: ") {
            queries.insert(name.trim().to_string(), body.to_string());
        } else if first == "-- views: duckdb" {
            views = Some(body.replace("'lake/", &format!("'{}/", lake.display())));
        }
    }
    assert_eq!(queries.keys().collect::<Vec<_>>(), ["funnel", "rage_clicks", "top_clicks", "totals"]);
    (views.expect("docs/lake.md has a `-- views: duckdb` block"), queries)
}

/// Runs the queries in DuckDB; `None` (after printing the skip message) without duckdb.
pub fn duckdb(views: &str, queries: &BTreeMap<String, String>) -> Option<Value> {
    let script = repo().join("cli/tests/export/duckdb_queries.py");
    let mut child = match std::process::Command::new("python3")
        .arg(&script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            eprintln!("{SKIP_DUCKDB}");
            return None;
        }
    };
    let request = json!({ "views": views, "queries": queries });
    child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.code() == Some(3) {
        eprintln!("{SKIP_DUCKDB}");
        return None;
    }
    assert!(out.status.success(), "duckdb: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

pub fn rows(result: &Value, name: &str) -> Vec<Vec<Value>> {
    serde_json::from_value(result[name]["rows"].clone()).unwrap()
}

/// An rrweb recording visiting `paths` of shop.rewind.test, one page a second from `start_ms`:
/// a Meta and a FullSnapshot per page, and a click on the page's button.
pub fn recording(start_ms: i64, paths: &[&str], user: Option<&str>) -> Value {
    let mut events = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let t = start_ms + 1000 * i as i64;
        events.push(json!({"type": 4, "data": {"href": format!("http://shop.rewind.test{path}"), "width": 1280, "height": 720}, "timestamp": t}));
        events.push(json!({"type": 2, "timestamp": t + 1, "data": {"initialOffset": {"top": 0, "left": 0}, "node":
            {"type": 0, "id": 1, "childNodes": [{"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
                {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [
                    {"type": 2, "id": 4, "tagName": "button", "attributes": {}, "childNodes": [
                        {"type": 3, "id": 5, "textContent": "Next"}]}]}]}]}}}));
        events.push(
            json!({"type": 3, "timestamp": t + 500, "data": {"source": 2, "type": 2, "id": 4, "x": 10, "y": 10}}),
        );
    }
    match user {
        Some(user) => json!({"distinct_id": user, "events": events}),
        None => Value::Array(events),
    }
}

/// 2026-12-01T10:00:00Z plus `days`, in Unix epoch ms.
pub fn day_ms(days: i64) -> i64 {
    1_796_119_200_000 + days * 86_400_000
}

pub fn write(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, value.to_string()).unwrap();
}

/// Every fixture recording (the rrweb suite's too), copied under `dir`; returns the files.
pub fn fixture_corpus(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["", "rrweb"] {
        for entry in std::fs::read_dir(repo().join("fixtures").join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_file() && name.ends_with(".json") && name != "index.json" {
                let to = dir.join(format!("{}{name}", if sub.is_empty() { "" } else { "rrweb-" }));
                std::fs::copy(&path, &to).unwrap();
                files.push(to);
            }
        }
    }
    files.sort();
    files
}

pub fn export(out: &str, inputs: &[&Path]) -> String {
    let run = rewind().args(["export", "--format", "parquet", "--out", out]).args(inputs).assert().success();
    String::from_utf8(run.get_output().stdout.clone()).unwrap()
}
