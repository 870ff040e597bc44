//! Damaged recordings and redaction at the command line: a truncated file is analysed from
//! its intact events, with the damage warning on stderr and exit 0; a file with nothing intact
//! exits 2; outputs are redacted unless `--no-redact`.

mod common;

use common::*;

/// `fixtures/login-form.json`: a real rrweb recording with an email and a card number typed
/// into unmasked inputs.
fn login_form() -> Vec<u8> {
    std::fs::read(project_fixtures().join("login-form.json")).expect("fixture")
}

const EMAIL: &str = "jane.doe@example.com";
const CARD: &str = "4111 1111 1111 1111";

/// The byte where the `n`-th top-level event of a compact event array starts.
fn event_start(bytes: &[u8], n: usize) -> usize {
    let events: Vec<Box<serde_json::value::RawValue>> = serde_json::from_slice(bytes).unwrap();
    let mut at = 1;
    for e in &events[..n] {
        at += e.get().len() + 1;
    }
    at
}

#[test]
fn truncated_file_is_analysed_with_a_warning_on_stderr_and_exit_0() {
    let bytes = login_form();
    let cut = event_start(&bytes, 5) + 7;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cut.json"), &bytes[..cut]).unwrap();
    for command in [&["analyze", "--format", "json"][..], &["report"], &["sessions"]] {
        let out = rewind().current_dir(dir.path()).args(command).arg("cut.json").output().unwrap();
        assert_no_crash(&out);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{command:?}: {err}");
        let want = format!(
            "rewind: cut.json: warning: damaged recording: recovered 5 events, skipped 0 unreadable events; the damage starts at byte {} (the input ends inside an event)",
            cut - 7
        );
        assert!(err.lines().any(|l| l == want), "{command:?}:\n{err}\nwant {want}");
        if command[0] == "analyze" {
            let json = parse_json(&out);
            let replay = &json["replays"][0];
            assert_eq!(replay["n_events"], 5);
            assert!(replay["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| format!("rewind: cut.json: warning: {}", w.as_str().unwrap()) == want));
        }
    }
}

#[test]
fn nothing_recovered_exits_2() {
    let bytes = login_form();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cut.json"), &bytes[..event_start(&bytes, 0) + 30]).unwrap();
    let out = analyze_in(dir.path(), &["cut.json"]);
    assert_no_crash(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("rewind: cut.json: invalid JSON: EOF"), "{}", stderr(&out));
}

#[test]
fn outputs_are_redacted_unless_no_redact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("login-form.json"), login_form()).unwrap();
    for format in ["markdown", "json", "csv"] {
        let out = analyze_in(dir.path(), &["--format", format, "login-form.json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains(EMAIL) && !text.contains(CARD), "{format}: PII in clear:\n{text}");
        assert!(text.contains("[REDACTED:email]") && text.contains("[REDACTED:card]"), "{format}:\n{text}");
        let out = analyze_in(dir.path(), &["--no-redact", "--format", format, "login-form.json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(EMAIL) && text.contains(CARD), "{format} --no-redact:\n{text}");
        assert!(!text.contains("[REDACTED:"), "{format} --no-redact:\n{text}");
    }
    let out = analyze_in(dir.path(), &["--format", "json", "login-form.json"]);
    let json = parse_json(&out);
    let replay = &json["replays"][0];
    let redactions = replay["redactions"].as_u64().unwrap();
    assert!(redactions >= 2, "{replay}");
    let warning = format!("{redactions} personal data values redacted");
    assert!(
        replay["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with(&warning)),
        "{replay}"
    );
    let out = analyze_in(dir.path(), &["--no-redact", "--format", "json", "login-form.json"]);
    assert_eq!(parse_json(&out)["replays"][0]["redactions"], 0);

    // The report: redacted and counted in it; --no-redact turns both off.
    for format in ["markdown", "json"] {
        let out =
            rewind().current_dir(dir.path()).args(["report", "--format", format, "login-form.json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains(EMAIL) && !text.contains(CARD), "report {format}:\n{text}");
        match format {
            "json" => assert_eq!(parse_json(&out)["redactions"], redactions),
            _ => assert!(text.contains(&format!("> {warning}")), "{text}"),
        }
        let out = rewind()
            .current_dir(dir.path())
            .args(["report", "--no-redact", "--format", format, "login-form.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stdout(&out).contains("redacted"), "{}", stdout(&out));
        if format == "json" {
            assert_eq!(parse_json(&out)["redactions"], 0);
        }
    }
}
