//! Integration tests for `rewind analyze` on bad and hostile input: each must exit with code
//! 2 and one stderr line `rewind: {path}: {reason}`, never a panic or a crash. Also the
//! pathological-but-valid inputs (deep payloads, a 60,000-node snapshot).

mod common;

use common::*;

/// Writes `bytes` as `name` in a fresh tempdir, runs `rewind analyze name` there, and checks
/// exit code 2, nothing on stdout, and exactly one stderr line `rewind: name: …` containing
/// `reason`.
fn assert_bad_input(name: &str, bytes: &[u8], reason: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), bytes).expect("write input");
    let out = analyze_in(dir.path(), &[name]);
    assert_no_crash(&out);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: exit code; stderr: {err}");
    assert!(out.stdout.is_empty(), "{name}: nothing on stdout, got {}", stdout(&out));
    assert_eq!(err.lines().count(), 1, "{name}: one stderr line, got {err:?}");
    assert!(err.starts_with(&format!("rewind: {name}: ")), "{name}: names the file: {err}");
    assert!(err.contains(reason), "{name}: reason {reason:?} in {err}");
}

/// `n` opening brackets: JSON nested `n` levels deep, never closed.
fn unclosed(n: usize) -> String {
    "[".repeat(n)
}

#[test]
fn bad_truncated_json() {
    // Cut inside the first event: nothing to salvage (cli/tests/salvage.rs has the cuts that
    // leave intact events).
    let bytes = fixture("input.json");
    assert_bad_input("truncated.json", &bytes[..40], "invalid JSON: EOF while parsing");
}

#[test]
fn bad_not_an_array() {
    assert_bad_input("object.json", br#"{"foo": 1}"#, "unsupported format");
    assert_bad_input("number.json", b"42", "unsupported format");
}

#[test]
fn bad_control_characters_in_quoted_input_stay_on_one_line() {
    assert_bad_input("keys.json", b"{\"a\\nb\\u0007\": 1}", "keys [a\\nb\\u{7}]");
}

#[test]
fn bad_wrong_types() {
    assert_bad_input("type.json", br#"[{"type":"4","data":{},"timestamp":1}]"#, "invalid JSON");
    assert_bad_input("href.json", br#"[{"type":4,"data":{"href":5},"timestamp":"x"}]"#, "invalid JSON");
}

#[test]
fn bad_empty_and_whitespace() {
    assert_bad_input("empty.json", b"", "empty input");
    assert_bad_input("blank.json", b" \n\t\r\n ", "empty input");
}

#[test]
fn bad_truncated_gzip() {
    let gz = gzip(&fixture("input.json"));
    // Cut inside the gzip header: nothing decompresses.
    assert_bad_input("cut.json.gz", &gz[..6], "invalid gzip");
}

#[test]
fn bad_deep_arrays() {
    assert_bad_input("deep-open.json", unclosed(100_000).as_bytes(), "invalid JSON");
    let balanced = unclosed(100_000) + &"]".repeat(100_000);
    assert_bad_input("deep-balanced.json", balanced.as_bytes(), "unsupported format");
    let payload = format!(r#"[{{"type":5,"timestamp":1,"data":{{"tag":"x","payload":{}"#, unclosed(100_000));
    assert_bad_input("deep-payload-open.json", payload.as_bytes(), "invalid JSON");
}

#[test]
fn deep_balanced_custom_payload_does_not_crash() {
    let json = format!(
        r#"[{{"type":5,"timestamp":1,"data":{{"tag":"x","payload":{}{}}}}}]"#,
        unclosed(100_000),
        "]".repeat(100_000)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deep.json"), json).unwrap();
    let out = analyze_in(dir.path(), &["deep.json"]);
    assert_no_crash(&out);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{:?}: {}", out.status, stderr(&out));
}

#[test]
fn bad_mobile_recording() {
    let mobile = br#"[{"type":4,"data":{"href":"app://x","width":1,"height":1},"timestamp":1},{"type":2,"data":{"wireframes":[],"initialOffset":{"top":0,"left":0}},"timestamp":2}]"#;
    assert_bad_input("mobile.json", mobile, "unsupported format");
}

#[test]
fn missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze_in(dir.path(), &["nope.json"]);
    assert_no_crash(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "rewind: nope.json: No such file or directory\n");
}

#[test]
fn directory_without_recordings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("empty/readme.txt"), "no recordings here").unwrap();
    let out = analyze_in(dir.path(), &["empty"]);
    assert_no_crash(&out);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rewind: empty: no recordings found"), "{err}");
}

#[test]
fn one_bad_input_among_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.json"), fixture("input.json")).unwrap();
    std::fs::write(dir.path().join("bad.json"), b"[{").unwrap();
    std::fs::write(dir.path().join("selection.json"), fixture("selection.json")).unwrap();
    let out = analyze_in(dir.path(), &["-f", "json", "input.json", "bad.json", "missing.json", "selection.json"]);
    assert_no_crash(&out);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines.iter().any(|l| l.starts_with("rewind: bad.json: invalid JSON: ")), "{err}");
    assert!(lines.contains(&"rewind: missing.json: No such file or directory"), "{err}");
    let json = parse_json(&out);
    let ids: Vec<&str> = json["replays"].as_array().unwrap().iter().map(|r| r["replay_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["input", "selection"]);
}

#[test]
fn full_snapshot_of_60000_nodes_warns_about_node_limit() {
    let divs: Vec<String> = (0..60_000)
        .map(|i| {
            let id = 10 + 2 * i;
            format!(
                r#"{{"type":2,"tagName":"div","attributes":{{}},"id":{id},"childNodes":[{{"type":3,"textContent":"item {i}","id":{}}}]}}"#,
                id + 1
            )
        })
        .collect();
    let document = format!(
        r#"{{"type":0,"id":1,"childNodes":[{{"type":2,"tagName":"html","attributes":{{}},"id":2,"childNodes":[{{"type":2,"tagName":"body","attributes":{{}},"id":3,"childNodes":[{}]}}]}}]}}"#,
        divs.join(",")
    );
    let recording = format!(
        r#"[{{"type":4,"data":{{"href":"http://big.test/","width":800,"height":600}},"timestamp":1}},{{"type":2,"data":{{"node":{document},"initialOffset":{{"top":0,"left":0}}}},"timestamp":2}},{{"type":3,"data":{{"source":2,"type":2,"id":10,"x":5,"y":5}},"timestamp":3}}]"#
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.json"), recording).unwrap();
    let out = analyze_in(dir.path(), &["-f", "json", "big.json"]);
    assert_no_crash(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse_json(&out);
    let warnings = json["replays"][0]["warnings"].as_array().expect("warnings");
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("limit")), "{warnings:?}");
    assert_eq!(json["replays"][0]["n_clicks"], 1);
}
