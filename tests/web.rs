//! The wasm exports (`analyzeJson`, `analyzeEventsJson`, `version`) in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome -- --test web`
//! (add `--release` to check the optimised build too).
//!
//! Every recording in `tests/support/fixtures.rs` must analyse to exactly the bytes of
//! `tests/expected/<stem>.json`, which `tests/expected.rs` pins to the native analyzer: wasm ==
//! native, proven in a real browser. Inputs are real JS values (strings, `Uint8Array`,
//! `ArrayBuffer`, parsed event objects).
#![cfg(target_arch = "wasm32")]

use js_sys::{Uint8Array, JSON};
use rewind::model::MAX_NODE_DEPTH;
use rewind::wasm::{analyze_events_json, analyze_json, version};
use std::io::Write;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!("support/fixtures.rs");

macro_rules! embed {
    ($dir:literal, $stem:literal) => {
        (
            $stem,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $stem, ".json")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected/", $stem, ".json")),
        )
    };
}

/// (stem, recording, expected replay JSON + "\n")
const FIXTURES: &[(&str, &str, &str)] = &with_fixtures!(embed);

fn fixture(stem: &str) -> (&'static str, &'static str) {
    let &(_, input, expected) = FIXTURES.iter().find(|f| f.0 == stem).expect("listed fixture");
    (input, expected.strip_suffix('\n').unwrap_or(expected))
}

/// The `message` of the JS `Error` an export threw.
fn message(result: Result<String, JsError>) -> String {
    let err = JsValue::from(result.expect_err("expected an error"));
    let err: js_sys::Error = err.dyn_into().expect("a JS Error");
    err.message().into()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Where two strings first differ, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let window = |s: &str| s.get(at.saturating_sub(40)..(at + 80).min(s.len())).unwrap_or("").to_string();
    format!("byte {at}: wasm …{}… vs native …{}…", window(a), window(b))
}

#[wasm_bindgen_test]
fn every_fixture_matches_the_native_expected_output() {
    let mut failures = Vec::new();
    for &(stem, input, expected) in FIXTURES {
        let expected = expected.strip_suffix('\n').unwrap_or(expected);
        match analyze_json(JsValue::from_str(input), Some(stem.to_string())) {
            Ok(json) if json == expected => {}
            Ok(json) => failures.push(format!("{stem}: {}", first_difference(&json, expected))),
            Err(e) => failures.push(format!("{stem}: error {}", message(Err(e)))),
        }
    }
    assert!(failures.is_empty(), "wasm output differs from tests/expected:\n{}", failures.join("\n"));
    assert!(FIXTURES.len() >= 6);
}

#[wasm_bindgen_test]
fn bytes_array_buffers_and_gzip_analyse_like_text() {
    for stem in ["input", "selection", "scroll", "iframe", "dialog-playback", "shadow-dom", "login-form"] {
        let (input, expected) = fixture(stem);
        let id = || Some(stem.to_string());
        let bytes = Uint8Array::from(input.as_bytes());
        assert_eq!(analyze_json(bytes.clone().into(), id()).unwrap(), expected, "{stem} as Uint8Array");
        assert_eq!(analyze_json(bytes.buffer().into(), id()).unwrap(), expected, "{stem} as ArrayBuffer");
        let gz = Uint8Array::from(gzip(input.as_bytes()).as_slice());
        assert_eq!(analyze_json(gz.into(), id()).unwrap(), expected, "{stem} gzipped");
        // JSON Lines: one event per line.
        let events: js_sys::Array = JSON::parse(input).unwrap().into();
        let lines: Vec<String> = events.iter().map(|e| String::from(JSON::stringify(&e).unwrap())).collect();
        let jsonl = lines.join("\n") + "\n";
        assert_eq!(analyze_json(JsValue::from_str(&jsonl), id()).unwrap(), expected, "{stem} as JSON Lines");
    }
}

#[wasm_bindgen_test]
fn event_objects_analyse_like_their_json_text() {
    for &(stem, input, _) in FIXTURES {
        let (_, expected) = fixture(stem);
        let events = JSON::parse(input).unwrap();
        assert_eq!(analyze_events_json(events, Some(stem.to_string())).unwrap(), expected, "{stem}");
    }
}

#[wasm_bindgen_test]
fn without_a_replay_id_the_id_falls_back_to_the_start_time() {
    let (input, _) = fixture("input");
    let json = analyze_json(JsValue::from_str(input), None).unwrap();
    assert!(json.starts_with(r#"{"replay_id":"rrweb-1700000000000","#), "{json}");
    // A recording's own session id wins over the caller's; a blank one does not (the CLI's rule).
    let events = r#"[{"type":4,"data":{"href":"http://x/","width":1,"height":1},"timestamp":5}]"#;
    for (session_id, want) in [(r#""s-1""#, "s-1"), (r#"" ""#, "given"), ("null", "given")] {
        let envelope = format!(r#"{{"session_id":{session_id},"events":{events}}}"#);
        let json = analyze_json(JsValue::from_str(&envelope), Some("given".into())).unwrap();
        assert!(json.starts_with(&format!(r#"{{"replay_id":"{want}","#)), "{session_id}: {json}");
    }
}

#[wasm_bindgen_test]
fn errors_carry_the_native_message() {
    let native = |bytes: &[u8]| rewind::codec::decode(bytes).unwrap_err().to_string();
    let (input, _) = fixture("input");
    let truncated = &input[..input.len() / 2];
    for bad in ["", "  \n", r#"{"foo":1}"#, truncated, "[1,2", r#"{"events":[{"type":"x"}]}"#] {
        let got = message(analyze_json(JsValue::from_str(bad), None));
        assert_eq!(got, native(bad.as_bytes()), "{bad:.40}");
    }
    assert_eq!(message(analyze_json(JsValue::from_str(""), None)), "empty input: no rrweb events");
    assert!(message(analyze_json(JsValue::from_str(r#"{"foo":1}"#), None)).starts_with("unsupported format:"));
    assert!(message(analyze_json(JsValue::from_str(truncated), None)).starts_with("invalid JSON:"));
    // Corrupt gzip: the magic bytes, then garbage.
    let corrupt = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff];
    let got = message(analyze_json(Uint8Array::from(&corrupt[..]).into(), None));
    assert_eq!(got, native(&corrupt));
    assert!(got.starts_with("invalid gzip:"), "{got}");

    for not_input in [JsValue::from_f64(42.0), JsValue::NULL, JsValue::UNDEFINED, js_sys::Object::new().into()] {
        let got = message(analyze_json(not_input, None));
        assert!(got.starts_with("analyze: expected a string or a Uint8Array"), "{got}");
    }
    for not_array in [JsValue::from_str("[]"), js_sys::Object::new().into(), JsValue::NULL] {
        assert_eq!(message(analyze_events_json(not_array, None)), "analyzeEvents: expected an array of rrweb events");
    }
    // An empty array goes through the decoder like the text "[]".
    let empty = analyze_events_json(js_sys::Array::new().into(), None).map_err(|e| message(Err(e)));
    let native_empty = rewind::analyze_bytes(b"[]").map(|a| a.to_replay_json()).map_err(|e| e.to_string());
    assert_eq!(empty, native_empty);
    // JSON.stringify throws on BigInt; the export reports it instead of panicking.
    let with_bigint = js_sys::Array::of1(&js_sys::BigInt::from(1u8).into());
    let got = message(analyze_events_json(with_bigint.into(), None));
    assert!(got.starts_with("analyzeEvents: cannot serialize events:"), "{got}");
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

/// A Meta event then a FullSnapshot whose node tree is `levels` nodes deep: a Document, then
/// nested `div`s, the innermost a text node.
fn nested_snapshot(levels: usize) -> String {
    let mut s = String::from(
        r#"[{"type":4,"data":{"href":"http://deep.test/","width":800,"height":600},"timestamp":1700000000000},{"type":2,"data":{"initialOffset":{"top":0,"left":0},"node":{"type":0,"id":1,"childNodes":["#,
    );
    for id in 2..levels {
        s.push_str(&format!(r#"{{"type":2,"tagName":"div","attributes":{{"class":"d"}},"id":{id},"childNodes":["#));
    }
    s.push_str(&format!(r#"{{"type":3,"textContent":"bottom","id":{levels}}}"#));
    for _ in 2..levels {
        s.push_str("]}");
    }
    s.push_str(r#"]}},"timestamp":1700000000001},{"type":3,"data":{"source":2,"type":2,"id":"#);
    s.push_str(&format!(r#"{},"x":1,"y":2}},"timestamp":1700000000500}}]"#, levels - 1));
    s
}

#[wasm_bindgen_test]
fn deep_trees_within_the_limit_analyse_on_the_wasm_stack() {
    for levels in [500, MAX_NODE_DEPTH] {
        let json = analyze_json(JsValue::from_str(&nested_snapshot(levels)), Some("deep".into()))
            .unwrap_or_else(|e| panic!("{levels} levels: {}", message(Err(e))));
        assert!(json.contains(r#""n_clicks":1"#), "{levels} levels: {json}");
        assert!(json.contains(r#""target_node_id":"#), "{levels} levels: {json}");
    }
}

/// Bytes of wasm stack `f` uses, by stack painting: zero the free stack below this frame, run
/// `f`, find the deepest byte written. Also returns the free stack there was. rustc lays wasm32
/// memory out stack-first (the stack grows down towards address 0), which this relies on.
fn stack_use(f: impl FnOnce()) -> (usize, usize) {
    let marker = 0u8;
    // Leave this function's own frame alone.
    let free = std::hint::black_box(&marker) as *const u8 as usize - 16 * 1024;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Uint8Array::new(&memory.buffer()).fill(0, 0, free as u32);
    f();
    // Allocate before taking the view: growing memory detaches the old buffer.
    let mut stack = vec![0u8; free];
    Uint8Array::new(&memory.buffer()).subarray(0, free as u32).copy_to(&mut stack);
    let deepest = stack.iter().position(|&b| b != 0).unwrap_or(free);
    (free - deepest, free)
}

#[wasm_bindgen_test]
fn the_deepest_accepted_tree_leaves_half_the_stack_free() {
    let input = JsValue::from_str(&nested_snapshot(MAX_NODE_DEPTH));
    let (used, free) = stack_use(|| {
        analyze_json(input, None).unwrap();
    });
    console_log!("{MAX_NODE_DEPTH}-level snapshot: {used} bytes of wasm stack used, {free} free before");
    assert!(used < free / 2, "{MAX_NODE_DEPTH} levels used {used} of {free} bytes of stack");
}

#[wasm_bindgen_test]
fn trees_past_the_limit_are_a_depth_error_not_a_crash() {
    for levels in [MAX_NODE_DEPTH + 1, 600, 5_000] {
        let got = message(analyze_json(JsValue::from_str(&nested_snapshot(levels)), None));
        assert!(got.contains(&format!("nested deeper than {MAX_NODE_DEPTH} levels")), "{levels} levels: {got}");
    }
    // The module is still usable afterwards.
    let (input, expected) = fixture("input");
    assert_eq!(analyze_json(JsValue::from_str(input), Some("input".into())).unwrap(), expected);
}

#[wasm_bindgen_test]
fn deeply_nested_json_outside_node_trees_does_not_overflow() {
    // Unknown fields and custom-event payloads are skipped or kept raw, not walked recursively.
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    for (what, json) in [
        (
            "custom event payload",
            format!(r#"[{{"type":5,"data":{{"tag":"t","payload":{}}},"timestamp":1}}]"#, deep(100_000)),
        ),
        (
            "unknown top-level key",
            format!(r#"{{"extra":{},"events":[{{"type":5,"data":{{"tag":"t"}},"timestamp":1}}]}}"#, deep(100_000)),
        ),
        ("unknown event type", format!(r#"[{{"type":99,"data":{},"timestamp":1}}]"#, deep(100_000))),
    ] {
        // Analysed or rejected with a decoder message; a stack overflow would trap and fail the run.
        if let Err(e) = analyze_json(JsValue::from_str(&json), None) {
            let got = message(Err(e));
            assert!(got.starts_with("invalid JSON:") || got.starts_with("unsupported format:"), "{what}: {got}");
        }
    }
}
