//! Canvas and font capture, the wasm side (`Recorder.canvasId`, `Recorder.addMediaEvent`; the
//! sampling, encoding and `FontFace` wrapping are js/capture-media.js, tested end to end with
//! rrweb's Replayer in tests/e2e/canvas.test.mjs): which canvases get an id (never a blocked
//! one), and which events are queued.

use super::support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn id_of(events: &[serde_json::Value], pred: impl Fn(&serde_json::Value) -> bool) -> i32 {
    let snap = events.iter().find(|e| e["type"] == 2).expect("a FullSnapshot");
    find_element(&snap["data"]["node"], pred).expect("the element is recorded")["id"].as_i64().unwrap() as i32
}

#[wasm_bindgen_test]
async fn canvas_ids_and_events_only_for_recorded_unblocked_canvases() {
    page(
        r#"<canvas id="cv" width="10" height="10"></canvas><canvas id="cvb" class="rr-block"></canvas>
           <div class="rr-block"><canvas id="cvin"></canvas></div>"#,
    );
    let (rec, sink) = recorder(r#"{"snapshotSliceMs":0}"#);
    assert_eq!(rec.canvas_id(&el("#cv").into()), -1, "no id before start");
    rec.start().unwrap();
    let events = parsed(&sink);
    let a = id_of(&events, |n| attr(n, "id") == "cv");
    let blocked = id_of(&events, |n| n["tagName"] == "canvas" && attr(n, "class") == "rr-block");
    assert_eq!(rec.canvas_id(&el("#cv").into()), a);
    assert_eq!(rec.canvas_id(&el("#cvb").into()), -1, "rr-block canvas");
    assert_eq!(rec.canvas_id(&el("#cvin").into()), -1, "canvas inside a blocked element");
    assert_eq!(rec.canvas_id(&JsValue::from_str("not a node")), -1);

    let frame = |id: i32| format!(r#"{{"source":9,"id":{id},"type":0,"commands":[]}}"#);
    let font = r#"{"source":10,"family":"F","fontSource":"url(f.woff2)","buffer":false}"#;
    assert!(rec.add_media_event(a, frame(a)));
    assert!(!rec.add_media_event(blocked, frame(blocked)), "a blocked canvas's frame is refused");
    assert!(!rec.add_media_event(9999, frame(9999)), "an unknown id is refused");
    assert!(!rec.add_media_event(-1, r#"{"source":0,"adds":[]}"#.into()), "only sources 9 and 10");
    assert!(!rec.add_media_event(-1, "{\"source\":10,".into()), "not an object");
    assert!(rec.add_media_event(-1, font.into()));
    // a canvas removed from the page has no frames any more
    el("#cv").remove();
    tick().await;
    assert_eq!(rec.canvas_id(&JsValue::NULL), -1);
    assert!(!rec.add_media_event(a, frame(a)), "a removed canvas's frame is refused");
    rec.stop();
    assert!(!rec.add_media_event(-1, font.into()), "nothing after stop");

    let events = parsed(&sink);
    let media: Vec<_> =
        events.iter().filter(|e| e["type"] == 3 && (e["data"]["source"] == 9 || e["data"]["source"] == 10)).collect();
    assert_eq!(media.len(), 2, "{media:?}");
    assert_eq!(media[0]["data"]["id"], a);
    assert_eq!(media[1]["data"]["family"], "F");
    assert!(media.iter().all(|e| e["timestamp"].as_f64().is_some()));
}
