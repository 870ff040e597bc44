//! Integration tests for `rewind analyze` on good input: real recordings in every format,
//! every input kind (files, gzip, JSON Lines, stdin, directories, batch directories) and
//! `--out`. Bad input is in `analyze_bad_input.rs`.

mod common;

use common::*;
use serde_json::Value;
use std::path::PathBuf;

#[test]
fn rrweb_fixtures_analyse_in_all_formats() {
    let files = rrweb_fixture_files();
    assert_eq!(files.len(), 26, "the 26 rrweb test recordings");
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().expect("UTF-8 path")).collect();
    for format in ["markdown", "json", "csv"] {
        let out = analyze_in(&rrweb_fixtures(), &[&["--format", format], paths.as_slice()].concat());
        assert_no_crash(&out);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{format}: quiet stderr, got {}", stderr(&out));
        let text = stdout(&out);
        match format {
            "markdown" => {
                assert!(text.starts_with("# rewind analysis: 26 replays\n"), "{text}");
                for file in &files {
                    let id = file.file_stem().unwrap().to_str().unwrap();
                    assert!(text.contains(&format!("\n## {id}\n")), "section for {id}");
                }
            }
            "json" => assert_eq!(parse_json(&out)["replays"].as_array().unwrap().len(), 26),
            _ => assert!(text.starts_with("replay_id,t_ms,action,"), "{text}"),
        }
    }
}

#[test]
fn each_rrweb_fixture_analyses_alone() {
    for file in rrweb_fixture_files() {
        let out = analyze_in(&rrweb_fixtures(), &["--format", "json", file.to_str().unwrap()]);
        assert_no_crash(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {}", file.display(), stderr(&out));
        let json = parse_json(&out);
        let replay = &json["replays"][0];
        assert_eq!(replay["replay_id"], file.file_stem().unwrap().to_str().unwrap());
        assert_eq!(replay["n_actions"].as_u64().unwrap() as usize, replay["actions"].as_array().unwrap().len());
    }
}

/// The project's own recordings; some may still be in the making, so missing ones are skipped.
#[test]
fn project_fixtures_analyse_in_all_formats() {
    let expected =
        ["checkout-dynamic", "console-error", "dead-button", "login-form", "scroll-select", "spa-navigation", "touch"];
    let dir = project_fixtures();
    let mut files: Vec<PathBuf> = expected.iter().map(|n| dir.join(format!("{n}.json"))).collect();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_some_and(|e| e == "json") && !files.contains(&path) {
                files.push(path);
            }
        }
    }
    let (present, missing): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| p.is_file());
    for path in &missing {
        eprintln!("skipping {}: not recorded yet", path.display());
    }
    for path in &present {
        for format in ["markdown", "json", "csv"] {
            let out = analyze_in(&dir, &["--format", format, path.to_str().unwrap()]);
            assert_no_crash(&out);
            assert_eq!(out.status.code(), Some(0), "{} ({format}): {}", path.display(), stderr(&out));
            assert!(!out.stdout.is_empty());
        }
    }
}

#[test]
fn markdown_has_totals_table_and_timelines() {
    let out = analyze_in(&rrweb_fixtures(), &["input.json", "selection.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "# rewind analysis: 2 replays");
    assert_eq!(lines[2], "| replays | events | actions | clicks | inputs | pages | errors | duration |");
    assert!(lines[4].starts_with("| 2 | 18 | "), "{}", lines[4]);
    assert!(text.contains("\n## input\n4.0 s · 11 events · 3 actions · entry http://localhost\n\n0.1s: Navigated to"));
    assert!(text.contains("\n## selection\n"));
    assert!(text.find("## input").unwrap() < text.find("## selection").unwrap(), "input order kept");
    assert!(!text.contains("/work/"), "no absolute paths");
    // Deterministic.
    assert_eq!(out.stdout, analyze_in(&rrweb_fixtures(), &["input.json", "selection.json"]).stdout);
}

#[test]
fn json_output_shape() {
    let out = analyze_in(&rrweb_fixtures(), &["--format", "json", "input.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("{\"replays\":[{\"replay_id\":\"input\","), "{text}");
    assert!(text.ends_with("]}\n"));
    assert!(text.contains("{\"t_ms\":"), "action keys in the core's order");
    let json = parse_json(&out);
    let actions = actions(&json, 0);
    assert!(!actions.is_empty());
    let keys = ["t_ms", "action", "target_node_id", "target_desc", "description", "url", "metadata"];
    for action in &actions {
        let object = action.as_object().expect("action object");
        let mut got: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut want = keys.to_vec();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
    }
    assert_eq!(json["replays"][0]["warnings"], Value::Array(vec![]));
}

#[test]
fn csv_output_has_header_and_one_row_per_action() {
    let out = analyze_in(&rrweb_fixtures(), &["--format", "csv", "input.json", "selection.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().next(), Some("replay_id,t_ms,action,target_node_id,target_desc,description,url,metadata"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV row")).collect();
    assert_eq!(rows.len(), 5, "3 actions in input, 2 in selection");
    assert_eq!(&rows[0][0], "input");
    assert_eq!(&rows[0][2], "navigate");
    assert_eq!(&rows[0][3], "", "no target: empty cell");
    for row in &rows {
        serde_json::from_str::<Value>(&row[7]).expect("metadata is JSON");
    }
}

#[test]
fn stdin_dash() {
    let out = rewind()
        .args(["analyze", "--format", "json", "-"])
        .write_stdin(fixture("input.json"))
        .output()
        .expect("rewind runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    assert_eq!(json["replays"][0]["replay_id"], "stdin");
    assert_eq!(json["replays"][0]["n_actions"], 3);
}

#[test]
fn gzip_input_detected_from_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&fixture("input.json"));
    std::fs::write(dir.path().join("input.json.gz"), &gz).unwrap();
    std::fs::write(dir.path().join("recording"), &gz).unwrap();
    let plain = parse_json(&analyze_in(&rrweb_fixtures(), &["-f", "json", "input.json"]));
    let out = analyze_in(dir.path(), &["-f", "json", "input.json.gz", "recording"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    assert_eq!(json["replays"][0]["replay_id"], "input");
    assert_eq!(json["replays"][1]["replay_id"], "recording");
    assert_eq!(actions(&json, 0), actions(&plain, 0));
    assert_eq!(actions(&json, 1), actions(&plain, 0));
}

#[test]
fn json_lines_input() {
    let events: Vec<Value> = serde_json::from_slice(&fixture("input.json")).unwrap();
    let lines: Vec<String> = events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.jsonl"), lines.join("\n") + "\n").unwrap();
    let plain = parse_json(&analyze_in(&rrweb_fixtures(), &["-f", "json", "input.json"]));
    let out = analyze_in(dir.path(), &["-f", "json", "input.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    assert_eq!(json["replays"][0]["replay_id"], "input");
    assert_eq!(json["replays"][0]["n_events"], events.len());
    assert_eq!(actions(&json, 0), actions(&plain, 0));
}

#[test]
fn batch_dir_matches_whole_file() {
    for name in ["input.json", "selection.json", "scroll.json"] {
        let events: Vec<Value> = serde_json::from_slice(&fixture(name)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let session = dir.path().join("session");
        write_batch_dir(&session, &events);
        let whole = parse_json(&analyze_in(&rrweb_fixtures(), &["-f", "json", name]));
        let out = analyze_in(dir.path(), &["-f", "json", "session"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let json = parse_json(&out);
        assert_eq!(json["replays"].as_array().unwrap().len(), 1, "one session");
        assert_eq!(json["replays"][0]["replay_id"], "s1");
        assert_eq!(json["replays"][0]["n_events"], events.len());
        assert_eq!(actions(&json, 0), actions(&whole, 0), "{name}");
    }
}

#[test]
fn directory_walk_is_recursive_sorted_and_skips_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("recordings");
    std::fs::create_dir_all(root.join("b/deeper")).unwrap();
    std::fs::write(root.join("z.json"), fixture("input.json")).unwrap();
    std::fs::write(root.join("a.jsonl.gz"), gzip(&fixture("selection.json"))).unwrap();
    std::fs::write(root.join("notes.txt"), "not a recording").unwrap();
    std::fs::write(root.join("b/deeper/scroll.json"), fixture("scroll.json")).unwrap();
    let events: Vec<Value> = serde_json::from_slice(&fixture("input.json")).unwrap();
    write_batch_dir(&root.join("b/session"), &events);
    let out = analyze_in(dir.path(), &["-f", "json", "recordings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    let ids: Vec<&str> = json["replays"].as_array().unwrap().iter().map(|r| r["replay_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "scroll", "s1", "z"]);
}

#[test]
fn out_dir_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = rrweb_fixtures();
    let input = fixtures.join("input.json");
    let selection = fixtures.join("selection.json");
    let (input, selection) = (input.to_str().unwrap(), selection.to_str().unwrap());
    for (format, files) in [
        ("markdown", &["input.md", "selection.md"][..]),
        ("json", &["analysis.json"][..]),
        ("csv", &["actions.csv"][..]),
    ] {
        let out = analyze_in(dir.path(), &["--format", format, "--out", "out", input, selection]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{format}: nothing on stdout");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), files.len(), "{format}: one line per file: {err}");
        for file in files {
            let path = dir.path().join("out").join(file);
            assert!(path.is_file(), "{format}: {} written", path.display());
            assert!(err.contains(file), "{format}: {file} named on stderr: {err}");
        }
    }
    let md = std::fs::read_to_string(dir.path().join("out/input.md")).unwrap();
    assert!(md.starts_with("# input\n"), "{md}");
    let json: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out/analysis.json")).unwrap()).unwrap();
    assert_eq!(json["replays"].as_array().unwrap().len(), 2);
    let csv = std::fs::read_to_string(dir.path().join("out/actions.csv")).unwrap();
    assert!(csv.starts_with("replay_id,t_ms,action,target_node_id,target_desc,description,url,metadata\n"));
}

#[test]
fn out_dir_sanitizes_replay_ids() {
    let events: Vec<Value> = serde_json::from_slice(&fixture("input.json")).unwrap();
    let envelope = serde_json::json!({"session_id": "../../escape/me", "events": events});
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rec.json"), serde_json::to_vec(&envelope).unwrap()).unwrap();
    let out = analyze_in(dir.path(), &["--out", "out/md", "rec.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written: Vec<String> = std::fs::read_dir(dir.path().join("out/md"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["_.._escape_me.md"]);
}

#[test]
fn usage_errors_exit_2() {
    let out = rewind().arg("analyze").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no PATH");
    let out = rewind().args(["analyze", "--format", "xml", "x.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown format");
    let out = rewind().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown subcommand");
}

#[test]
fn help_documents_formats_and_out() {
    let out = rewind().args(["analyze", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for word in ["--format", "markdown", "json", "csv", "--out", "milliseconds", "stdin"] {
        assert!(help.contains(word), "help mentions {word}: {help}");
    }
}

/// The binary allocates with mimalloc, with the two options `cli/src/allocator.rs` sets (its
/// constants are positions in mimalloc's option table: this checks them by name).
#[test]
#[cfg(target_os = "linux")]
fn the_allocator_is_mimalloc_with_its_options() {
    let out = rewind().arg("--version").env("MIMALLOC_VERBOSE", "1").output().expect("rewind runs");
    assert_eq!(out.status.code(), Some(0));
    let options = stderr(&out);
    for line in ["option 'arena_eager_commit': 0", "option 'arena_purge_mult': 1"] {
        assert!(options.lines().any(|l| l.trim_end() == line), "{line:?} in mimalloc's options:\n{options}");
    }
}
