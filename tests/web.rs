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
        match analyze_json(JsValue::from_str(input), Some(stem.to_string()), None) {
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
        assert_eq!(analyze_json(bytes.clone().into(), id(), None).unwrap(), expected, "{stem} as Uint8Array");
        assert_eq!(analyze_json(bytes.buffer().into(), id(), None).unwrap(), expected, "{stem} as ArrayBuffer");
        let gz = Uint8Array::from(gzip(input.as_bytes()).as_slice());
        assert_eq!(analyze_json(gz.into(), id(), None).unwrap(), expected, "{stem} gzipped");
        // JSON Lines: one event per line.
        let events: js_sys::Array = JSON::parse(input).unwrap().into();
        let lines: Vec<String> = events.iter().map(|e| String::from(JSON::stringify(&e).unwrap())).collect();
        let jsonl = lines.join("\n") + "\n";
        assert_eq!(analyze_json(JsValue::from_str(&jsonl), id(), None).unwrap(), expected, "{stem} as JSON Lines");
    }
}

#[wasm_bindgen_test]
fn event_objects_analyse_like_their_json_text() {
    for &(stem, input, _) in FIXTURES {
        let (_, expected) = fixture(stem);
        let events = JSON::parse(input).unwrap();
        assert_eq!(analyze_events_json(events, Some(stem.to_string()), None).unwrap(), expected, "{stem}");
    }
}

#[wasm_bindgen_test]
fn without_a_replay_id_the_id_falls_back_to_the_start_time() {
    let (input, _) = fixture("input");
    let json = analyze_json(JsValue::from_str(input), None, None).unwrap();
    assert!(json.starts_with(r#"{"replay_id":"rrweb-1700000000000","#), "{json}");
    // A recording's own session id wins over the caller's; a blank one does not (the CLI's rule).
    let events = r#"[{"type":4,"data":{"href":"http://x/","width":1,"height":1},"timestamp":5}]"#;
    for (session_id, want) in [(r#""s-1""#, "s-1"), (r#"" ""#, "given"), ("null", "given")] {
        let envelope = format!(r#"{{"session_id":{session_id},"events":{events}}}"#);
        let json = analyze_json(JsValue::from_str(&envelope), Some("given".into()), None).unwrap();
        assert!(json.starts_with(&format!(r#"{{"replay_id":"{want}","#)), "{session_id}: {json}");
    }
}

#[wasm_bindgen_test]
fn errors_carry_the_native_message() {
    let native = |bytes: &[u8]| rewind::codec::decode(bytes).unwrap_err().to_string();
    let (input, _) = fixture("input");
    // Cut inside the first event: nothing to salvage (a longer cut is salvaged, see below).
    let truncated = &input[..40];
    for bad in ["", "  \n", r#"{"foo":1}"#, truncated, "[1,2", r#"{"events":[{"type":"x"}]}"#] {
        let got = message(analyze_json(JsValue::from_str(bad), None, None));
        assert_eq!(got, native(bad.as_bytes()), "{bad:.40}");
    }
    assert_eq!(message(analyze_json(JsValue::from_str(""), None, None)), "empty input: no rrweb events");
    assert!(message(analyze_json(JsValue::from_str(r#"{"foo":1}"#), None, None)).starts_with("unsupported format:"));
    assert!(message(analyze_json(JsValue::from_str(truncated), None, None)).starts_with("invalid JSON:"));
    // Corrupt gzip: the magic bytes, then garbage.
    let corrupt = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff];
    let got = message(analyze_json(Uint8Array::from(&corrupt[..]).into(), None, None));
    assert_eq!(got, native(&corrupt));
    assert!(got.starts_with("invalid gzip:"), "{got}");

    for not_input in [JsValue::from_f64(42.0), JsValue::NULL, JsValue::UNDEFINED, js_sys::Object::new().into()] {
        let got = message(analyze_json(not_input, None, None));
        assert!(got.starts_with("analyze: expected a string or a Uint8Array"), "{got}");
    }
    for not_array in [JsValue::from_str("[]"), js_sys::Object::new().into(), JsValue::NULL] {
        assert_eq!(
            message(analyze_events_json(not_array, None, None)),
            "analyzeEvents: expected an array of rrweb events"
        );
    }
    // An empty array goes through the decoder like the text "[]".
    let empty = analyze_events_json(js_sys::Array::new().into(), None, None).map_err(|e| message(Err(e)));
    let native_empty = rewind::analyze_bytes(b"[]").map(|a| a.to_replay_json()).map_err(|e| e.to_string());
    assert_eq!(empty, native_empty);
    // JSON.stringify throws on BigInt; the export reports it instead of panicking.
    let with_bigint = js_sys::Array::of1(&js_sys::BigInt::from(1u8).into());
    let got = message(analyze_events_json(with_bigint.into(), None, None));
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
        let json = analyze_json(JsValue::from_str(&nested_snapshot(levels)), Some("deep".into()), None)
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
        analyze_json(input, None, None).unwrap();
    });
    console_log!("{MAX_NODE_DEPTH}-level snapshot: {used} bytes of wasm stack used, {free} free before");
    assert!(used < free / 2, "{MAX_NODE_DEPTH} levels used {used} of {free} bytes of stack");
}

#[wasm_bindgen_test]
fn trees_past_the_limit_are_a_depth_error_not_a_crash() {
    for levels in [MAX_NODE_DEPTH + 1, 600, 5_000] {
        // The Meta and the click around the snapshot are salvaged; the warning names the cap.
        let json = analyze_json(JsValue::from_str(&nested_snapshot(levels)), None, None).unwrap();
        let native = rewind::analyze_bytes(nested_snapshot(levels).as_bytes()).unwrap();
        assert_eq!(json, native.to_replay_json(), "{levels} levels: wasm == native");
        assert_eq!(native.session.n_events, 2, "{levels} levels");
        assert!(
            native.warnings[0].starts_with("damaged recording: recovered 2 events, skipped 1 unreadable event")
                && native.warnings[0].contains(&format!(
                    "node tree too deep: a serialized DOM tree nests more than {MAX_NODE_DEPTH} levels"
                )),
            "{levels} levels: {:?}",
            native.warnings
        );
    }
    // The module is still usable afterwards.
    let (input, expected) = fixture("input");
    assert_eq!(analyze_json(JsValue::from_str(input), Some("input".into()), None).unwrap(), expected);
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
        if let Err(e) = analyze_json(JsValue::from_str(&json), None, None) {
            let got = message(Err(e));
            assert!(got.starts_with("invalid JSON:") || got.starts_with("unsupported format:"), "{what}: {got}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ReplayBundle: every projection pinned natively in tests/expected/bundle/ (tests/bundle.rs)
// must come out of the wasm exports byte for byte, for each recording as a bundle of one and
// for all of them in one bundle.

use rewind::wasm::{default_label_of, normalize_url, selector_label_of, WasmReplayBundle};

include!("support/bundle_projections.rs");

macro_rules! embed_bundle {
    ($dir:literal, $stem:literal) => {
        ($stem, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected/bundle/", $stem, ".json")))
    };
}

/// (stem, pinned projections)
const BUNDLE_EXPECTED: &[(&str, &str)] = &with_fixtures!(embed_bundle);
const ALL_FIXTURES_EXPECTED: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected/bundle/all-fixtures.json"));

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

fn ids(b: &WasmReplayBundle) -> String {
    to_json(&b.replay_ids())
}

fn bundle_of(stems: &[&str]) -> WasmReplayBundle {
    let mut b = WasmReplayBundle::new();
    for stem in stems {
        let (input, _) = fixture(stem);
        b.add(JsValue::from_str(input), Some(stem.to_string()), None).unwrap();
    }
    b
}

/// A JS function from its parameter list and body.
fn js_fn(args: &str, body: &str) -> js_sys::Function {
    js_sys::Function::new_with_args(args, body)
}

/// The wasm side of tests/bundle.rs' `project`.
fn wasm_project(b: &WasmReplayBundle, name: &str) -> String {
    let label = |name: &str| JsValue::from_str(name);
    match name {
        "report_json" => b.report_json(None),
        "report_markdown" => b.report_markdown(None),
        "report_markdown_top3" => b.report_markdown(Some(3)),
        "friction_json" => b.friction_json(),
        "friction_markdown" => b.friction_markdown(None),
        "top_clicks_3" => b.top_clicks_json(3),
        "rage_clicks_2_2000" => b.rage_clicks_json(Some(2), Some(2000.0)),
        "findings" => b.findings_json(None).unwrap(),
        "dead_clicks" => b.findings_json(Some("dead_click".into())).unwrap(),
        "long_pauses_1" => b.long_pauses_json(Some(1.0)),
        "error_sessions" => b.error_sessions_json(),
        "labels_default" => b.labels_json(label("default")).unwrap(),
        "labels_selector" => b.labels_json(label("selector")).unwrap(),
        "sample_5_7" => ids(&b.sample(5, 7.0).unwrap()),
        "where_errors" => ids(&b.where_json(WHERE_ERRORS).unwrap()),
        "where_duration" => ids(&b.where_json(WHERE_DURATION).unwrap()),
        "find_pattern" => {
            let pattern = PATTERN.iter().map(|p| p.to_string()).collect();
            ids(&b.find_pattern(pattern, JsValue::UNDEFINED).unwrap())
        }
        "compare_halves" => {
            // The first half by a JS filter callback over the replay objects.
            let first = to_json(&b.replay_ids().into_iter().take(b.length() / 2).collect::<Vec<_>>());
            let keep = |not: &str| js_fn("replay", &format!("return {not}{first}.includes(replay.session.replay_id);"));
            let (a, rest) = (b.filter(&keep("")).unwrap(), b.filter(&keep("!")).unwrap());
            a.compare_json(&rest, label("selector")).unwrap()
        }
        table => {
            let (table, format) = table.rsplit_once('_').expect("a table projection");
            b.export_table(table, format).unwrap()
        }
    }
}

fn compare_projections(what: &str, b: &WasmReplayBundle, pinned: &str, names: &[&str], failures: &mut Vec<String>) {
    let pinned: std::collections::BTreeMap<String, String> = serde_json::from_str(pinned).expect("pinned JSON");
    for &name in names {
        let got = wasm_project(b, name);
        match pinned.get(name) {
            Some(want) if *want == got => {}
            Some(want) => failures.push(format!("{what} {name}: {}", first_difference(&got, want))),
            None => failures.push(format!("{what} {name}: not pinned")),
        }
    }
}

#[wasm_bindgen_test]
fn every_bundle_projection_matches_the_native_one() {
    let mut failures = Vec::new();
    for &(stem, pinned) in BUNDLE_EXPECTED {
        compare_projections(stem, &bundle_of(&[stem]), pinned, FIXTURE_PROJECTIONS, &mut failures);
    }
    let stems: Vec<&str> = FIXTURES.iter().map(|f| f.0).collect();
    let all = bundle_of(&stems);
    assert_eq!(all.length(), FIXTURES.len());
    compare_projections(ALL_FIXTURES, &all, ALL_FIXTURES_EXPECTED, BUNDLE_PROJECTIONS, &mut failures);
    assert!(failures.is_empty(), "wasm bundle differs from tests/expected/bundle:\n{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn bundles_take_bytes_gzip_and_event_objects() {
    let (input, _) = fixture("dead-button");
    let from_text = bundle_of(&["dead-button"]).report_json(None);
    let mut b = WasmReplayBundle::new();
    b.add(Uint8Array::from(gzip(input.as_bytes()).as_slice()).into(), Some("dead-button".into()), None).unwrap();
    assert_eq!(b.report_json(None), from_text);
    let mut b = WasmReplayBundle::new();
    b.add_events(JSON::parse(input).unwrap(), Some("dead-button".into()), None).unwrap();
    assert_eq!(b.report_json(None), from_text);
    assert_eq!(b.concat(&b).length(), 2);
}

#[wasm_bindgen_test]
fn bundle_errors_and_callbacks() {
    let mut b = WasmReplayBundle::new();
    let err = |e: JsError| -> String { JsValue::from(e).dyn_into::<js_sys::Error>().unwrap().message().into() };
    assert_eq!(err(b.add(JsValue::from_str(""), None, None).unwrap_err()), "empty input: no rrweb events");
    assert!(
        err(b.add(JsValue::from_f64(1.0), None, None).unwrap_err()).starts_with("ReplayBundle.add: expected a string")
    );
    assert_eq!(
        err(b.add_events(JsValue::NULL, None, None).unwrap_err()),
        "ReplayBundle.addEvents: expected an array of rrweb events"
    );
    assert_eq!(b.length(), 0, "failed adds leave the bundle unchanged");
    let b = bundle_of(&["dead-button", "console-error", "u-turn"]);
    assert!(err(b.where_json(r#"{"user":"x"}"#).unwrap_err()).starts_with("where: unknown field `user`"));
    assert!(err(b.sample(1, 0.5).unwrap_err()).starts_with("sample: seed must be an integer"));
    assert!(err(b.export_table("rows", "csv").unwrap_err()).starts_with("unknown table `rows`"));
    assert!(err(b.findings_json(Some("bad".into())).unwrap_err()).starts_with("unknown finding kind"));
    // A throwing callback's exception comes through unchanged.
    let thrown = b.filter(&js_fn("r", "throw new RangeError('from the callback');")).map(|_| ()).unwrap_err();
    assert_eq!(thrown.dyn_into::<js_sys::RangeError>().unwrap().message(), "from the callback");
    let bad_label = b.labels_json(js_fn("a", "return 42;").into()).unwrap_err();
    assert_eq!(
        bad_label.dyn_into::<js_sys::Error>().unwrap().message(),
        "labelFn must return a string, null or undefined"
    );
    // A JS labeller that skips actions, against the same rule in Rust.
    let labels =
        b.labels_json(js_fn("a", "return a.action === 'navigate' ? null : a.action + '|' + a.t_ms;").into()).unwrap();
    let mut want = Vec::new();
    for stem in ["dead-button", "console-error", "u-turn"] {
        let (input, _) = fixture(stem);
        let r = rewind::analyze::session::AnalyzedSession::from_bytes(input.as_bytes(), Some(stem)).unwrap();
        let l: Vec<String> = r
            .actions()
            .iter()
            .filter(|a| a.action.as_str() != "navigate")
            .map(|a| format!("{}|{}", a.action.as_str(), a.t_ms))
            .collect();
        want.push((stem.to_string(), l));
    }
    assert_eq!(labels, to_json(&want));
    let kept = b.filter(&js_fn("r", "return r.session.n_errors > 0 && r.actions.length > 0;")).unwrap();
    assert_eq!(kept.replay_ids(), ["console-error"]);
}

#[wasm_bindgen_test]
fn label_and_url_helpers() {
    let action = r#"{"t_ms":1,"action":"click","target_node_id":4,"target_desc":"svg in button \"Pay\"","description":"Clicked svg in button \"Pay\"","url":"https://shop.test/orders/1042?x=1","metadata":{"interaction":"click","selectors":{"data-testid":"pay"}}}"#;
    assert_eq!(default_label_of(action).unwrap(), "click:button@/orders/:id");
    assert_eq!(selector_label_of(action).unwrap(), r#"click:[data-testid="pay"]@/orders/:id"#);
    assert!(default_label_of(r#"{"action":"jump"}"#).is_err());
    assert_eq!(normalize_url("https://shop.test/a/9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6f#x"), "https://shop.test/a/:id");
}

// ---------------------------------------------------------------------------------------------
// Damaged recordings and redaction: wasm == native, warnings and counts included.

/// The native replay JSON, or the native error message.
fn native_json(bytes: &[u8], stem: &str, redact: bool) -> Result<String, String> {
    let mut recording = rewind::codec::decode(bytes).map_err(|e| e.to_string())?;
    recording.fill_session_id(stem);
    Ok(rewind::analyze::analyze_with(recording, rewind::analyze::AnalyzeOptions { redact }).to_replay_json())
}

#[wasm_bindgen_test]
fn damaged_recordings_analyse_like_native_with_their_warning() {
    let mut salvaged = 0;
    for &(stem, input, _) in FIXTURES {
        let events: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(input).unwrap();
        let mut cuts: Vec<Vec<u8>> = [input.len() / 3, input.len() / 2].map(|n| input.as_bytes()[..n].to_vec()).into();
        // One unreadable event spliced in after the first.
        let texts: Vec<&str> = events.iter().map(|e| e.get()).collect();
        if texts.len() >= 2 {
            let bad = r#"{"type":3,"data":null,"timestamp":1}"#;
            cuts.push(format!("[{},{bad},{}]", texts[0], texts[1..].join(",")).into_bytes());
        }
        for bytes in cuts {
            let wasm = analyze_json(Uint8Array::from(&bytes[..]).into(), Some(stem.to_string()), None);
            match native_json(&bytes, stem, true) {
                Ok(native) => {
                    let wasm = wasm.unwrap_or_else(|e| panic!("{stem}: {}", message(Err(e))));
                    assert_eq!(wasm, native, "{stem} ({} bytes): {}", bytes.len(), first_difference(&wasm, &native));
                    salvaged += usize::from(native.contains("damaged recording: recovered "));
                }
                Err(native) => assert_eq!(message(wasm), native, "{stem}"),
            }
        }
    }
    assert!(salvaged >= FIXTURES.len(), "most damaged copies salvage something ({salvaged})");
}

#[wasm_bindgen_test]
fn redaction_is_on_by_default_and_off_on_request_like_native() {
    let (input, expected) = fixture("login-form");
    let id = || Some("login-form".to_string());
    let redacted = analyze_json(JsValue::from_str(input), id(), None).unwrap();
    assert_eq!(redacted, expected);
    assert_eq!(analyze_json(JsValue::from_str(input), id(), Some(true)).unwrap(), expected);
    assert!(!redacted.contains("jane.doe@example.com") && !redacted.contains("4111 1111 1111 1111"));
    let clear = analyze_json(JsValue::from_str(input), id(), Some(false)).unwrap();
    assert_eq!(Ok(clear.clone()), native_json(input.as_bytes(), "login-form", false));
    assert!(clear.contains("jane.doe@example.com") && clear.contains("4111 1111 1111 1111"));
    assert!(clear.contains(r#""redactions":0,"#));
    let events = JSON::parse(input).unwrap();
    assert_eq!(analyze_events_json(events, id(), Some(false)).unwrap(), clear);
    // The bundle: tables redacted unless the recording was added with redact = false.
    for (redact, clear_text) in [(None, false), (Some(false), true)] {
        let mut b = WasmReplayBundle::new();
        b.add(JsValue::from_str(input), id(), redact).unwrap();
        let csv = b.export_table("actions", "csv").unwrap();
        assert_eq!(csv.contains("jane.doe@example.com"), clear_text, "{csv}");
        let native = rewind::analyze::session::AnalyzedSession::from_bytes_with(
            input.as_bytes(),
            Some("login-form"),
            rewind::analyze::AnalyzeOptions { redact: redact.unwrap_or(true) },
        )
        .unwrap();
        let native = rewind::analyze::bundle::ReplayBundle::from(native);
        assert_eq!(
            csv,
            native.export(rewind::analyze::bundle::Table::Actions, rewind::analyze::bundle::TableFormat::Csv)
        );
    }
}
