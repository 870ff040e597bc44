use super::*;
use std::io::Write;

const META: &str = r#"{"type":4,"data":{"href":"http://x/","width":10,"height":10},"timestamp":100}"#;
const CLICK: &str = r#"{"type":3,"data":{"source":2,"type":2,"id":1},"timestamp":200}"#;

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn types(r: &Recording) -> Vec<(i64, i64)> {
    r.events.iter().map(|e| (e.timestamp, e.type_number())).collect()
}

#[test]
fn plain_array() {
    let r = decode(format!("[{META},{CLICK}]").as_bytes()).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
    assert_eq!(r.session_id, None);
}

#[test]
fn envelope_with_metadata() {
    let json = format!(r#"{{"session_id":"s1","distinct_id":"u9","seq":0,"window_id":"w","events":[{META},{CLICK}]}}"#);
    let r = decode(json.as_bytes()).unwrap();
    assert_eq!((r.session_id.as_deref(), r.distinct_id.as_deref()), (Some("s1"), Some("u9")));
    assert_eq!(r.events.len(), 2);
}

#[test]
fn json_lines_of_events_and_of_batches_sorted_by_time() {
    let r = decode(format!("{CLICK}\n{META}\n").as_bytes()).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
    let r = decode(format!("[{CLICK}]\n{{\"events\":[{META}]}}").as_bytes()).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
}

#[test]
fn gzip_detected_by_magic_bytes() {
    let plain = format!("[{META},{CLICK}]");
    let r = decode(&gz(plain.as_bytes())).unwrap();
    assert_eq!(r.events.len(), 2);
    // Two gzip members, as appended batch files are.
    let mut two = gz(format!("{META}\n").as_bytes());
    two.extend(gz(CLICK.as_bytes()));
    assert_eq!(decode(&two).unwrap().events.len(), 2);
}

#[test]
fn posthog_export() {
    let json =
        format!(r#"{{"version":"2023-04-28","data":{{"id":"ph-1","person":null,"snapshots":[{META},{CLICK}]}}}}"#);
    let r = decode(json.as_bytes()).unwrap();
    assert_eq!(r.session_id.as_deref(), Some("ph-1"));
    assert_eq!(r.events.len(), 2);
}

#[test]
fn equal_timestamps_keep_recorded_order() {
    let snap = r#"{"type":2,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"top":0,"left":0}},"timestamp":100}"#;
    let r = decode(format!("[{CLICK},{META},{snap}]").as_bytes()).unwrap();
    assert_eq!(types(&r), [(100, 4), (100, 2), (200, 3)]);
}

#[test]
fn errors_are_typed_and_readable() {
    assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
    assert_eq!(decode(b" \n\t").unwrap_err(), DecodeError::Empty);
    // Cut inside the first event: nothing to salvage, the strict error stands.
    let err = decode(&META.as_bytes()[..META.len() - 10]).unwrap_err();
    assert!(matches!(&err, DecodeError::Json { message } if message.contains("EOF")), "{err}");
    let err = decode(format!("[{}", &META[..20]).as_bytes()).unwrap_err();
    assert!(matches!(&err, DecodeError::Json { message } if message.contains("EOF")), "{err}");
    let cut = gz(format!("[{META},{CLICK}]").as_bytes());
    assert!(matches!(decode(&cut[..8]), Err(DecodeError::Gzip { .. })));
    for (input, seen) in [
        (r#"{"foo":1}"#, "keys [foo]"),
        ("42", "JSON number"),
        (r#""text""#, "JSON string"),
        ("[1,2,3]", "array of numbers"),
        (r#"[{"name":"pageview","ts":1}]"#, "keys [name, ts]"),
    ] {
        match decode(input.as_bytes()) {
            Err(DecodeError::UnsupportedFormat { seen: s }) => assert!(s.contains(seen), "{input}: {s}"),
            other => panic!("{input}: {other:?}"),
        }
    }
    let mobile = r#"[{"type":2,"data":{"wireframes":[]},"timestamp":1}]"#;
    assert!(
        matches!(decode(mobile.as_bytes()), Err(DecodeError::UnsupportedFormat { seen }) if seen.contains("mobile"))
    );
    let wrong = r#"[{"type":4,"data":{"href":5},"timestamp":1}]"#;
    let err = decode(wrong.as_bytes()).unwrap_err().to_string();
    assert!(err.starts_with("invalid JSON: invalid type: integer `5`"), "{err}");
}

#[test]
fn nesting_100k_deep_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(decode(deep.as_bytes()), Err(DecodeError::UnsupportedFormat { .. })));
    // Deep JSON inside a payload rrweb leaves open (custom event payload) is skipped
    // iteratively and kept raw, never recursed into.
    let payload = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let custom = format!(r#"[{{"type":5,"data":{{"tag":"t","payload":{payload}}},"timestamp":1}}]"#);
    assert_eq!(decode(custom.as_bytes()).unwrap().events.len(), 1);
    let unbalanced = format!(r#"[{{"type":5,"data":{{"tag":"t","payload":{}"#, "[".repeat(100_000));
    assert!(matches!(decode(unbalanced.as_bytes()), Err(DecodeError::Json { .. })));
}

#[test]
fn gzip_bombs_stop_at_the_limit() {
    let zeros = gz(&vec![b' '; 1 << 20]);
    assert_eq!(gunzip(&zeros, 1000), Err(DecodeError::TooLarge { limit: 1000 }));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn batch_directory_joins_in_seq_order_once() {
    let dir = std::env::temp_dir().join(format!("rewind-codec-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = |seq: u64, event: &str| format!(r#"{{"session_id":"s1","seq":{seq},"events":[{event}]}}"#);
    std::fs::write(dir.join("1.json.gz"), gz(batch(1, CLICK).as_bytes())).unwrap();
    std::fs::write(dir.join("0.json"), batch(0, META)).unwrap();
    std::fs::write(dir.join("00.json"), batch(0, META)).unwrap(); // resent batch
    assert!(is_batch_dir(&dir));
    let r = decode_dir(&dir).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
    assert!(r.warnings.is_empty());
    assert_eq!(r.session_id.as_deref(), Some("s1"));
    std::fs::write(dir.join("4.json"), batch(4, CLICK)).unwrap();
    let r = decode_dir(&dir).unwrap();
    assert_eq!(r.warnings, ["batches missing from the session: seq 2–3"]);
    // A file with nothing intact is left out with a warning while others decode; alone, it is
    // the error.
    std::fs::write(dir.join("3.json"), "[").unwrap();
    let r = decode_dir(&dir).unwrap();
    assert_eq!(r.events.len(), 3);
    assert!(
        r.warnings[0].starts_with("damaged recording: 3.json left out, nothing recovered: invalid JSON: EOF"),
        "{:?}",
        r.warnings
    );
    let lone = dir.join("lone");
    std::fs::create_dir_all(&lone).unwrap();
    std::fs::write(lone.join("0.json"), "[").unwrap();
    let err = decode_dir(&lone).unwrap_err().to_string();
    assert!(err.starts_with("0.json: invalid JSON: EOF"), "{err}");
    std::fs::remove_dir_all(&lone).unwrap();
    std::fs::remove_file(dir.join("3.json")).unwrap();
    std::fs::write(dir.join("2.json"), r#"{"session_id":"other","seq":2,"events":[]}"#).unwrap();
    assert!(matches!(decode_dir(&dir), Err(DecodeError::UnsupportedFormat { .. })));
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    assert!(!is_batch_dir(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn isolated_clock_spikes_are_retimed_and_reported() {
    let ev = |t: i64| format!(r#"{{"type":3,"data":{{"source":2,"type":2,"id":1}},"timestamp":{t}}}"#);
    let day = MAX_CLOCK_SPIKE_MS;
    let json = format!("[{},{},{},{}]", ev(1000), ev(1000 + 10 * day), ev(2000), ev(3000));
    let r = decode(json.as_bytes()).unwrap();
    assert_eq!(r.events.iter().map(|e| e.timestamp).collect::<Vec<_>>(), [1000, 1000, 2000, 3000]);
    assert_eq!(r.warnings.len(), 1);
    // A real gap (everything after it moves too) is not a spike.
    let json = format!("[{},{},{}]", ev(1000), ev(1000 + 2 * day), ev(1001 + 2 * day));
    assert!(decode(json.as_bytes()).unwrap().warnings.is_empty());
}

#[test]
fn unsupported_keys_are_escaped_to_one_line() {
    let err = decode(br#"{"a\nb":1}"#).unwrap_err().to_string();
    assert!(!err.contains('\n') && err.contains(r"a\nb"), "{err}");
}

#[test]
fn truncated_input_keeps_the_intact_prefix_with_one_warning() {
    let text = format!("[{META},{CLICK},{CLICK}]");
    let cut = 1 + META.len() + 1 + CLICK.len() + 1 + 5;
    let r = decode(&text.as_bytes()[..cut]).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
    let at = cut - 5;
    assert_eq!(
        r.warnings,
        [format!(
            "damaged recording: recovered 2 events, skipped 0 unreadable events; the damage starts at byte {at} (the input ends inside an event)"
        )]
    );
}

#[test]
fn unreadable_events_are_skipped_and_counted() {
    let bad = r#"{"type":3,"data":null,"timestamp":150}"#;
    let text = format!("[{META},{bad},{CLICK},{bad}]");
    let r = decode(text.as_bytes()).unwrap();
    assert_eq!(types(&r), [(100, 4), (200, 3)]);
    let at = 1 + META.len() + 1;
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].starts_with(&format!(
            "damaged recording: recovered 2 events, skipped 2 unreadable events; the damage starts at byte {at} (unreadable event: invalid type: null"
        )),
        "{}",
        r.warnings[0]
    );
    // Only unreadable events: the strict error.
    assert!(matches!(decode(format!("[{bad}]").as_bytes()), Err(DecodeError::Json { .. })));
}

#[test]
fn truncated_gzip_salvages_what_decompressed() {
    let text = format!("[{META},{CLICK},{CLICK}]");
    let whole = gz(text.as_bytes());
    // Without its 8-byte trailer (CRC, size) the stream is cut, but all the text inflates.
    let r = decode(&whole[..whole.len() - 8]).unwrap();
    assert_eq!(r.events.len(), 3);
    assert!(
        r.warnings[0].contains("of the decompressed text (the text itself is intact); gzip stream: "),
        "{:?}",
        r.warnings
    );
}

#[test]
fn mobile_recordings_stay_unsupported() {
    let mobile = format!(r#"[{META},{{"type":2,"data":{{"wireframes":[]}},"timestamp":150}},{CLICK}]"#);
    assert!(matches!(decode(mobile.as_bytes()), Err(DecodeError::UnsupportedFormat { .. })));
}

#[test]
fn resynchronising_over_hostile_nesting_stays_linear() {
    // A syntax error, then 200,000 nested objects never closed: every `{` is a resync candidate
    // whose parse runs to the end of the input. Without the budget this takes hours.
    let hostile = format!("[{META},{{]]{}x]", r#"{"type":"#.repeat(200_000));
    let started = std::time::Instant::now();
    let r = decode(hostile.as_bytes()).unwrap();
    assert_eq!(r.events.len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    // Within the budget, resync finds the next event after garbage.
    let text = format!("[{META},{{]]]{{\"a\":{{}}}},{CLICK}]");
    assert_eq!(types(&decode(text.as_bytes()).unwrap()), [(100, 4), (200, 3)]);
}

#[test]
fn check_accepts_what_decode_reads_whole_and_refuses_the_rest() {
    let good = br#"{"session_id":"s","events":[{"type":4,"data":{"href":"https://a.test/","width":1,"height":1},"timestamp":1},{"type":3,"data":{"source":1,"positions":[]},"timestamp":2}]}"#;
    assert_eq!(check(good), Ok(2));
    assert_eq!(check(&gz(good)), Ok(2));
    assert_eq!(decode(good).unwrap().events.len(), 2);
    // Read by the collector's envelope check, but not by the model: refused here.
    for bad in [
        &br#"{"events":[{"type":2,"data":5,"timestamp":1}]}"#[..],
        br#"{"events":[{"type":3,"data":{"source":"x"},"timestamp":1}]}"#,
        br#"{"events":[{"type":4,"data":{"href":1},"timestamp":1}]"#,
        b"  ",
    ] {
        assert!(check(bad).is_err(), "{}", String::from_utf8_lossy(bad));
    }
}
