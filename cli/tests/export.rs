//! `rewind export --format parquet`: the lake read back by the real DuckDB (the Python package,
//! through `python3 cli/tests/export/duckdb_queries.py`) with the queries documented in
//! docs/lake.md, against `rewind report` on the same recordings; and the incremental rule
//! (a re-run writes only new or changed days, other files keep their mtime).
//!
//! The DuckDB tests print a skip message and pass when python3 cannot import duckdb
//! (`pip install duckdb`; scripts/setup.sh installs it).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[path = "export/common.rs"]
mod common;

use common::*;
/// The funnel sessions (docs/lake.md's /cart → /checkout → /thanks), in the order of their
/// first visits; written as files under `dir`.
fn funnel_corpus(dir: &Path) {
    let journeys: [&[&str]; 6] = [
        &["/", "/cart", "/checkout", "/thanks"],
        &["/cart", "/checkout?step=2", "/thanks#done"],
        &["/checkout", "/cart", "/thanks"],
        &["/cart", "/thanks", "/checkout", "/thanks"],
        &["/cart", "/checkout"],
        &["/shop", "/cart/items"],
    ];
    for (i, journey) in journeys.iter().enumerate() {
        let user = ["ann", "bob", "ann"].get(i).copied();
        write(&dir.join(format!("funnel-{i}.json")), &recording(day_ms(i as i64 % 3), journey, user));
    }
}

/// The funnel counted from each session's page list ([`AnalyzedSession::urls`], in order of
/// first visit), independently of the lake: (cart, cart → checkout, cart → checkout → thanks).
fn funnel_from_page_lists(files: &[PathBuf]) -> [i64; 3] {
    let path_of = |url: &str| -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let path = rest.find('/').map_or("", |i| &rest[i..]);
        path.split(['?', '#']).next().unwrap_or_default().to_string()
    };
    let mut counts = [0; 3];
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let replay = rewind::analyze::session::AnalyzedSession::from_bytes(&bytes, Some("x")).unwrap();
        let paths: Vec<String> = replay.urls().iter().map(|u| path_of(u)).collect();
        let first = |p: &str| paths.iter().position(|x| x == p);
        let (cart, checkout, thanks) = (first("/cart"), first("/checkout"), first("/thanks"));
        if cart.is_some() {
            counts[0] += 1;
        }
        if cart.is_some() && checkout > cart {
            counts[1] += 1;
            if thanks > checkout {
                counts[2] += 1;
            }
        }
    }
    counts
}

#[test]
fn documented_duckdb_queries_equal_rewind_report() {
    let corpus = tempfile::tempdir().unwrap();
    let mut files = fixture_corpus(corpus.path());
    funnel_corpus(corpus.path());
    files.extend((0..6).map(|i| corpus.path().join(format!("funnel-{i}.json"))));
    let lake = tempfile::tempdir().unwrap();
    export(lake.path().to_str().unwrap(), &[corpus.path()]);

    let (views, mut queries) = documented_sql(lake.path());
    let top = queries["top_clicks"].replace("LIMIT 10", "LIMIT 1000");
    queries.insert("top_clicks".into(), top);
    let Some(result) = duckdb(&views, &queries) else { return };

    let report = rewind().args(["report", "--format", "json", "--top", "1000"]).arg(corpus.path()).assert().success();
    let report: Value = serde_json::from_slice(&report.get_output().stdout).unwrap();

    let top_clicks: Vec<Vec<Value>> = report["top_clicks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            vec![
                r["target_desc"].clone(),
                r["normalized_url"].clone(),
                r["n_clicks"].clone(),
                r["n_unique_replays"].clone(),
            ]
        })
        .collect();
    assert!(top_clicks.len() > 20, "{top_clicks:?}");
    assert_eq!(rows(&result, "top_clicks"), top_clicks);

    let rage: Vec<Vec<Value>> = report["rage_clicks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            ["element", "url", "n_users", "n_replays", "n_findings", "total_count"]
                .iter()
                .map(|k| g[*k].clone())
                .collect()
        })
        .collect();
    assert!(!rage.is_empty());
    assert_eq!(rows(&result, "rage_clicks"), rage);

    let sessions = report["sessions"].as_array().unwrap();
    let errors: i64 = sessions.iter().map(|s| s["n_errors"].as_i64().unwrap()).sum();
    let error_sessions = report["error_sessions"].as_array().unwrap().len() as i64;
    assert!(errors > 0 && error_sessions > 0);
    let totals = json!([[report["n_replays"], report["n_users"], errors, error_sessions]]);
    assert_eq!(result["totals"]["rows"], totals);
    assert_eq!(report["n_replays"], files.len(), "every recording is a session");
    assert!(report["n_users"].as_i64() < report["n_replays"].as_i64(), "two funnel sessions share a user");

    let funnel = funnel_from_page_lists(&files);
    // As designed: journeys 0-4 reach /cart, 0, 1, 3 and 4 then /checkout, 0 and 1 then /thanks
    // (two fixtures visit /cart too, never /checkout after it).
    assert_eq!(funnel, [7, 4, 2]);
    assert_eq!(rows(&result, "funnel"), vec![funnel.iter().map(|n| json!(n)).collect::<Vec<_>>()]);
}

/// Path → (length, mtime) of every file under `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), (meta.len(), meta.modified().unwrap()));
            }
        }
    }
    out
}

fn under_day(
    snapshot: &BTreeMap<PathBuf, (u64, std::time::SystemTime)>,
    day: &str,
) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let (part, manifest) = (format!("/day={day}/"), format!("_rewind/days/{day}.json"));
    snapshot
        .iter()
        .filter(|(p, _)| {
            let p = p.to_string_lossy();
            p.contains(&part) || p == manifest
        })
        .map(|(p, v)| (p.clone(), *v))
        .collect()
}

fn gz(value: &Value) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(value.to_string().as_bytes()).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn a_re_run_writes_only_new_or_changed_days() {
    let data = tempfile::tempdir().unwrap();
    let lake = tempfile::tempdir().unwrap();
    let out = lake.path().to_str().unwrap();
    // A collector data directory: sessions/YYYY/MM/DD/<id>/<seq>.json.gz, one session in two
    // batches on 2026-12-01; and a plain file on 2026-12-02.
    let batches = recording(day_ms(0), &["/cart", "/checkout"], None);
    let events = batches.as_array().unwrap();
    let session = data.path().join("sessions/2026/12/01/s-one");
    std::fs::create_dir_all(&session).unwrap();
    std::fs::write(session.join("0.json.gz"), gz(&Value::Array(events[..3].to_vec()))).unwrap();
    std::fs::write(session.join("1.json.gz"), gz(&Value::Array(events[3..].to_vec()))).unwrap();
    write(&data.path().join("exports/two.json"), &recording(day_ms(1), &["/cart"], None));

    let first = export(out, &[data.path()]);
    assert!(
        first.contains("day=2026-12-01: written, 1 sessions") && first.contains("day=2026-12-02: written"),
        "{first}"
    );
    assert!(first.contains("2 days written, 0 days unchanged"), "{first}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(lake.path().join("_rewind/days/2026-12-01.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"][0]["replay_id"], "s-one");
    assert_eq!(manifest["rows"]["events"], 6, "both batches: {manifest}");
    let before = snapshot(lake.path());
    assert_eq!(before.len(), 2 * 6 + 2, "a part per table and day, a manifest per day: {before:?}");
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Nothing changed: nothing is written.
    let again = export(out, &[data.path()]);
    assert!(again.contains("0 days written, 2 days unchanged"), "{again}");
    assert_eq!(snapshot(lake.path()), before);

    // A new day: only it is written.
    write(&data.path().join("exports/three.json"), &recording(day_ms(2), &["/thanks"], None));
    let third = export(out, &[data.path()]);
    assert!(
        third.contains("day=2026-12-03: written, 1 sessions") && third.contains("1 days written, 2 days unchanged"),
        "{third}"
    );
    let after = snapshot(lake.path());
    for day in ["2026-12-01", "2026-12-02"] {
        assert_eq!(under_day(&after, day), under_day(&before, day), "{day} untouched");
    }
    assert_eq!(under_day(&after, "2026-12-03").len(), 7);

    // A new batch of the collector's session: its day is rewritten from both inputs on it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let more = recording(day_ms(0) + 5000, &["/thanks"], None);
    std::fs::write(session.join("2.json.gz"), gz(&more)).unwrap();
    write(&data.path().join("exports/one-b.json"), &recording(day_ms(0) + 60_000, &["/"], None));
    let fourth = export(out, &[data.path()]);
    assert!(
        fourth.contains("day=2026-12-01: written, 2 sessions") && fourth.contains("1 days written, 2 days unchanged"),
        "{fourth}"
    );
    let last = snapshot(lake.path());
    for day in ["2026-12-02", "2026-12-03"] {
        assert_eq!(under_day(&last, day), under_day(&after, day), "{day} untouched");
    }
    assert_ne!(under_day(&last, "2026-12-01"), under_day(&after, "2026-12-01"));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(lake.path().join("_rewind/days/2026-12-01.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows"]["events"], 6 + 3 + 3, "{manifest}");

    // Other options (a filter) rewrite the days they touch.
    let filtered = rewind().args(["export", "--out", out, "--url", "/thanks"]).arg(data.path()).assert().success();
    let filtered = String::from_utf8_lossy(&filtered.get_output().stdout).into_owned();
    assert!(filtered.contains("day=2026-12-02: written, 0 sessions (1 inputs)"), "{filtered}");
    assert!(filtered.contains("3 days written"), "{filtered}");
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_exported() {
    let data = tempfile::tempdir().unwrap();
    let lake = tempfile::tempdir().unwrap();
    write(&data.path().join("good.json"), &recording(day_ms(0), &["/cart"], None));
    std::fs::write(data.path().join("bad.json"), "{\"type\": 2, \"data\": 5}").unwrap();
    let run = rewind().args(["export", "--out", lake.path().to_str().unwrap()]).arg(data.path()).assert().code(2);
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(stdout.contains("day=2026-12-01: written, 1 sessions (1 inputs)"), "{stdout}");

    let run = rewind().args(["export", "--out", "s3://", "x"]).assert().code(2);
    assert!(String::from_utf8_lossy(&run.get_output().stderr).contains("expected s3://bucket/prefix"));
    let out = lake.path().to_str().unwrap();
    let run = rewind().args(["export", "--out", out, "--s3-endpoint", "http://127.0.0.1:1", "x"]).assert().code(2);
    assert!(String::from_utf8_lossy(&run.get_output().stderr).contains("--s3-endpoint needs --out s3://"));
}
