//! Integration tests for `rewind report` and `rewind sessions`: real recordings, every input
//! kind, filters, bad input, exit codes, and output that does not depend on the order the
//! parallel workers finish in.

mod common;

use common::*;
use flate2::write::GzEncoder;
use flate2::Compression;
use rewind::analyze::bundle::{BundleReport, ReplayBundle, ReportOptions};
use rewind::analyze::session::AnalyzedSession;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The project's recordings made for the frustration signals, plus two of ordinary use.
const RECORDINGS: [&str; 6] = ["dead-button", "console-error", "u-turn", "hesitant-signup", "login-form", "touch"];

fn paths() -> Vec<PathBuf> {
    RECORDINGS.iter().map(|n| project_fixtures().join(format!("{n}.json"))).collect()
}

fn run(args: &[&str], paths: &[PathBuf]) -> Output {
    let out = rewind().args(args).args(paths).output().expect("rewind runs");
    assert_no_crash(&out);
    out
}

/// The report the library gives for the same files (replay ids = file stems).
fn library_report(paths: &[PathBuf], top: usize) -> BundleReport {
    let bundle: ReplayBundle = paths
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap();
            AnalyzedSession::from_bytes(&std::fs::read(p).unwrap(), Some(stem)).unwrap()
        })
        .collect();
    bundle.report(&ReportOptions { top, ..ReportOptions::default() })
}

#[test]
fn report_json_is_the_librarys_report() {
    let out = run(&["report", "--format", "json"], &paths());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "quiet stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), library_report(&paths(), 10).to_json());
    let json = parse_json(&out);
    assert_eq!(json["n_replays"], 6);
    let kinds: Vec<&str> =
        json["friction"]["groups"].as_array().unwrap().iter().map(|g| g["kind"].as_str().unwrap()).collect();
    for kind in [
        "rage_click",
        "dead_click",
        "error_click",
        "u_turn",
        "form_abandonment",
        "thrashed_cursor",
        "excessive_scrolling",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(json["rage_clicks"][0]["element"], "button \"Apply coupon\"");
    assert_eq!(json["error_sessions"][0]["replay_id"], "console-error");
}

#[test]
fn report_markdown_has_every_section_and_honours_top() {
    let out = run(&["report", "--top", "2"], &paths());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text, library_report(&paths(), 2).to_markdown(2));
    assert!(text.starts_with("# rewind report: 6 replays, 6 users\n"), "{text}");
    for section in
        ["Sessions", "Top clicks", "Rage clicks", "Dead clicks", "Error sessions", "Long pauses", "Friction report"]
    {
        assert!(text.contains(&format!("\n## {section}\n")), "{section}");
    }
    let top_clicks = text.split("## Top clicks").nth(1).unwrap().split("\n## ").next().unwrap();
    assert_eq!(top_clicks.matches("\n| ").count(), 3, "header + 2 rows: {top_clicks}");
    assert_eq!(text.matches("\n### ").count(), 2, "two friction groups shown");
    assert!(text.contains("more friction points in the JSON report."), "{text}");
}

#[test]
fn output_keeps_input_order_whatever_the_workers_do() {
    // 24 copies of six recordings, analysed by 4 workers: rows come out in path order.
    let dir = tempfile::tempdir().unwrap();
    let mut want = Vec::new();
    for i in 0..4 {
        for (name, path) in RECORDINGS.iter().zip(paths()) {
            let stem = format!("{i}-{name}");
            std::fs::copy(&path, dir.path().join(format!("{stem}.json"))).unwrap();
            want.push(stem);
        }
    }
    want.sort();
    let out = rewind()
        .env("RAYON_NUM_THREADS", "4")
        .args(["sessions", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["replay_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, want);
    let report =
        rewind().env("RAYON_NUM_THREADS", "4").args(["report", "-f", "json"]).arg(dir.path()).output().unwrap();
    let json: Value = serde_json::from_slice(&report.stdout).unwrap();
    let groups = json["friction"]["groups"].as_array().unwrap();
    // Each finding appears in 4 replays; without distinct ids each replay is its own user.
    assert!(groups.iter().all(|g| g["n_replays"] == 4 && g["n_users"] == 4), "{groups:?}");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `recording` wrapped in an envelope naming the session and the user.
fn envelope(recording: &Path, session: &str, user: &str) -> String {
    let events = std::fs::read_to_string(recording).unwrap();
    format!(r#"{{"session_id":"{session}","distinct_id":"{user}","events":{events}}}"#)
}

#[test]
fn sessions_filters_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let fixtures = project_fixtures();
    std::fs::write(p.join("a.json"), envelope(&fixtures.join("dead-button.json"), "s-a", "ana")).unwrap();
    std::fs::write(p.join("b.json.gz"), gzip(envelope(&fixtures.join("u-turn.json"), "s-b", "ben").as_bytes()))
        .unwrap();
    std::fs::write(p.join("c.json"), envelope(&fixtures.join("console-error.json"), "s-c", "ana")).unwrap();
    let sessions = |args: &[&str]| -> Vec<String> {
        let out = rewind().arg("sessions").args(args).arg(p).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out).lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
    };
    assert_eq!(sessions(&[]), ["s-a", "s-b", "s-c"]);
    assert_eq!(sessions(&["--user", "ana"]), ["s-a", "s-c"]);
    assert_eq!(sessions(&["--url", "/shop/items/"]), ["s-b"]);
    assert_eq!(sessions(&["--min-duration", "2.5"]), ["s-b"]);
    assert_eq!(sessions(&["--max-duration", "2.5"]), ["s-a", "s-c"]);
    assert_eq!(sessions(&["--has-event", "console_error"]), ["s-c"]);
    assert_eq!(sessions(&["--user", "ana", "--min-duration", "2"]), ["s-a"]);
    assert_eq!(sessions(&["--user", "nobody"]), Vec::<String>::new());

    let out = rewind().args(["sessions", "--format", "json", "--user", "ben"]).arg(p).output().unwrap();
    let rows = parse_json(&out);
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!((rows[0]["distinct_id"].as_str(), rows[0]["n_pages"].as_u64()), (Some("ben"), Some(3)));
    let header = stdout(&rewind().args(["sessions"]).arg(p).output().unwrap()).lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "replay_id,distinct_id,start_time,end_time,duration_s,n_events,n_actions,n_clicks,n_inputs,n_pages,n_errors,n_custom,entry_url,exit_url,lcp_ms,cls,inp_ms,fcp_ms,ttfb_ms,long_tasks,long_task_ms"
    );
}

#[test]
fn stdin_and_batch_directories() {
    let dead = std::fs::read(project_fixtures().join("dead-button.json")).unwrap();
    let out = rewind().args(["report", "-f", "json", "-"]).write_stdin(dead).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(parse_json(&out)["sessions"][0]["replay_id"], "stdin");
    // A directory of {seq}.json.gz batch files is one session.
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("session-7");
    std::fs::create_dir(&batch).unwrap();
    let events: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(project_fixtures().join("u-turn.json")).unwrap()).unwrap();
    for (seq, chunk) in events.chunks(6).enumerate() {
        let body =
            serde_json::json!({"session_id": "s-7", "window_id": "w", "seq": seq, "app_id": "a", "events": chunk});
        std::fs::write(batch.join(format!("{seq}.json.gz")), gzip(body.to_string().as_bytes())).unwrap();
    }
    let out = rewind().args(["report", "-f", "json"]).arg(&batch).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    assert_eq!(json["n_replays"], 1);
    assert_eq!(json["friction"]["groups"][0]["kind"], "u_turn");
}

#[test]
fn bad_inputs_are_named_and_the_rest_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "[{\"type\":4,").unwrap();
    let good = project_fixtures().join("dead-button.json");
    let out = run(&["report", "-f", "json"], &[good.clone(), bad.clone(), dir.path().join("missing.json")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("broken.json: invalid JSON"), "{err}");
    assert!(err.contains("missing.json: No such file or directory"), "{err}");
    assert_eq!(parse_json(&out)["n_replays"], 1);
    // Nothing readable: the error lines say it all, stdout stays empty.
    for cmd in ["report", "sessions"] {
        let out = run(&[cmd], std::slice::from_ref(&bad));
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(out.stdout.is_empty(), "{cmd}");
    }
    // Usage errors are clap's (exit 2).
    assert_eq!(rewind().args(["report"]).output().unwrap().status.code(), Some(2));
    assert_eq!(rewind().args(["sessions", "--format", "xml", "x"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn unwritable_output_is_exit_74() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else { return };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"))
        .arg("report")
        .args(paths())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("rewind: stdout:"), "{}", stderr(&out));
}
