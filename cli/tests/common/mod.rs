//! Helpers shared by the `rewind analyze` integration tests.

#![allow(dead_code)] // each test crate uses a different subset

use assert_cmd::Command;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

/// rrweb's own test recordings (26 files plus `index.json`, which lists them).
pub fn rrweb_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rrweb")
}

/// This project's recordings (`fixtures/*.json`).
pub fn project_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The recordings of `rrweb_fixtures()`, sorted (without `index.json`).
pub fn rrweb_fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rrweb_fixtures())
        .expect("fixtures/rrweb exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("index.json"))
        .collect();
    files.sort();
    files
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(rrweb_fixtures().join(name)).expect("fixture readable")
}

pub fn rewind() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rewind"))
}

/// Runs `rewind analyze ARGS...` in `dir`.
pub fn analyze_in(dir: &Path, args: &[&str]) -> Output {
    rewind().current_dir(dir).arg("analyze").args(args).output().expect("rewind runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

pub fn parse_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(out)))
}

/// The actions of replay `i` of a `--format json` output.
pub fn actions(json: &Value, i: usize) -> Vec<Value> {
    json["replays"][i]["actions"].as_array().expect("actions array").clone()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

pub fn assert_no_crash(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("overflow"), "stack overflow: {err}");
    assert!(!err.contains("internal error"), "internal error: {err}");
    assert!(out.status.code().is_some(), "killed by a signal: {:?}", out.status);
}

/// Writes `events` split in two as gzipped batch envelopes of session `s1`, second batch first.
pub fn write_batch_dir(dir: &Path, events: &[Value]) {
    std::fs::create_dir_all(dir).unwrap();
    let (a, b) = events.split_at(events.len() / 2);
    for (seq, part) in [(1, b), (0, a)] {
        let envelope = serde_json::json!({"session_id": "s1", "seq": seq, "events": part});
        let bytes = gzip(serde_json::to_string(&envelope).unwrap().as_bytes());
        std::fs::write(dir.join(format!("{seq}.json.gz")), bytes).unwrap();
    }
}
