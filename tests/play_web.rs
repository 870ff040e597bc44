//! The player's browser edge in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome -- --test play_web`.
//!
//! The `Player` export mounts a sandboxed iframe and a canvas, rebuilds recorded pages without
//! anything executable, advances with the frame clock at the chosen speed, applies incremental
//! changes that end in the same DOM as a rebuild, and seeks anywhere in a 30-minute recording
//! quickly (DOM rebuild included). The comparison with rrweb's own Replayer is in
//! `tests/e2e/player.test.mjs`.
#![cfg(target_arch = "wasm32")]

use rewind::wasm::player::{Player, FRAME_FINISH, FRAME_TIME};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Node};

#[path = "support/hostile.rs"]
mod hostile;
#[path = "../benches/play/synth.rs"]
mod synth;

wasm_bindgen_test_configure!(run_in_browser);

const LOGIN: &str = include_str!("../fixtures/login-form.json");
const SPA: &str = include_str!("../fixtures/spa-navigation.json");
const IFRAME: &str = include_str!("../fixtures/rrweb/iframe.json");
const SHADOW: &str = include_str!("../fixtures/rrweb/shadow-dom.json");
const HOVER: &str = include_str!("../fixtures/rrweb/hover.json");
const SHADOW_HOVER: &str = include_str!("../fixtures/rrweb/iframe-shadowdom-hover.json");
const WEBGL: &str = include_str!("../fixtures/rrweb/webgl.json");

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn container() -> Element {
    let el = document().create_element("div").unwrap();
    el.set_attribute("style", "width:800px;height:500px").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

fn player(recording: &str) -> (Player, Element) {
    let el = container();
    let mut p = Player::new(el.clone(), JsValue::from_str(recording), false, 1.0).unwrap_or_else(|e| {
        panic!("{:?}", JsValue::from(e));
    });
    assert!(p.build_step(f64::INFINITY), "an infinite budget builds the first page at once");
    (p, el)
}

/// The page as text: tags with sorted attributes (the `rewind-` class aside), text, form
/// values, shadow roots and iframe documents, one node per line.
fn serialize(node: &Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match node.node_type() {
        Node::ELEMENT_NODE => {
            let el: &Element = node.unchecked_ref();
            let mut attrs: Vec<String> = Vec::new();
            let names = el.get_attribute_names();
            for i in 0..names.length() {
                let name = names.get(i).as_string().unwrap();
                let mut value = el.get_attribute(&name).unwrap_or_default();
                if name == "style" {
                    let mut decls: Vec<String> =
                        value.split(';').map(|d| d.trim().replace(": ", ":")).filter(|d| !d.is_empty()).collect();
                    decls.sort();
                    value = decls.join(";");
                }
                attrs.push(format!("{name}={value:?}"));
            }
            attrs.sort();
            let value = js_sys::Reflect::get(el, &"value".into()).ok().and_then(|v| v.as_string());
            out.push_str(&format!("{pad}<{} {}> {:?}\n", el.local_name(), attrs.join(" "), value));
            if let Some(root) = el.shadow_root() {
                out.push_str(&format!("{pad}  #shadow\n"));
                children(root.as_ref(), depth + 2, out);
            }
            if el.local_name() == "iframe" {
                let frame: &web_sys::HtmlIFrameElement = el.unchecked_ref();
                if let Some(doc) = frame.content_document() {
                    children(doc.as_ref(), depth + 1, out);
                }
                return;
            }
            children(node, depth + 1, out);
        }
        Node::TEXT_NODE | Node::COMMENT_NODE => {
            out.push_str(&format!("{pad}{:?}\n", node.node_value().unwrap_or_default()));
        }
        Node::DOCUMENT_TYPE_NODE => out.push_str(&format!("{pad}<!doctype {}>\n", node.node_name())),
        _ => children(node, depth, out),
    }
}

fn children(node: &Node, depth: usize, out: &mut String) {
    let list = node.child_nodes();
    for i in 0..list.length() {
        serialize(&list.get(i).unwrap(), depth, out);
    }
}

fn page(p: &Player) -> String {
    let mut out = String::new();
    children(p.page_document().unwrap().as_ref(), 0, &mut out);
    out
}

#[wasm_bindgen_test]
fn the_page_is_sandboxed_and_nothing_recorded_can_run() {
    let (mut p, el) = player(LOGIN);
    let frame = p.page_frame();
    assert_eq!(frame.get_attribute("sandbox").as_deref(), Some("allow-same-origin"));
    assert!(el.query_selector(".rewind-player canvas").unwrap().is_some());
    p.seek(p.duration());
    let doc = p.page_document().unwrap();
    assert_eq!(doc.query_selector_all("script").unwrap().length(), 0);
    let all = doc.query_selector_all("*").unwrap();
    for i in 0..all.length() {
        let e: Element = all.get(i).unwrap().unchecked_into();
        let names = e.get_attribute_names();
        for k in 0..names.length() {
            let n = names.get(k).as_string().unwrap().to_ascii_lowercase();
            assert!(!n.starts_with("on"), "handler attribute {n} on <{}>", e.local_name());
        }
    }
    // the typed values are in the form fields (as recorded: masked where the recorder masked)
    let email = doc.query_selector("input[type=email]").unwrap().unwrap();
    let value = js_sys::Reflect::get(&email, &"value".into()).unwrap().as_string().unwrap();
    assert!(!value.is_empty());
    p.destroy();
    assert!(el.first_child().is_none());
}

#[wasm_bindgen_test]
fn frames_move_time_at_the_speed_and_finish_at_the_end() {
    let (mut p, el) = player(LOGIN);
    p.play();
    assert_eq!(p.frame(1000.0) & FRAME_TIME, FRAME_TIME);
    assert_eq!(p.current_time(), 0.0, "the first frame only starts the clock");
    p.frame(1100.0);
    assert_eq!(p.current_time(), 100.0);
    assert_eq!(p.set_speed(0.5), 0.5, "half speed, to follow fast interactions");
    assert_eq!(p.set_speed(4.0), 4.0);
    assert_eq!(p.set_speed(3.0), 4.0, "3x is not a speed");
    p.frame(1200.0);
    assert_eq!(p.current_time(), 500.0);
    p.frame(60_000.0);
    assert_eq!(p.current_time(), 1500.0, "a stalled tab resumes, it does not jump ahead");
    let mut now = 60_000.0;
    let mut finished = false;
    for _ in 0..10_000 {
        now += 16.0;
        if p.frame(now) & FRAME_FINISH != 0 {
            finished = true;
            break;
        }
    }
    assert!(finished);
    assert_eq!(p.current_time(), p.duration());
    assert!(!p.playing());
    p.destroy();
    el.remove();
}

/// The page after playing to the end in 16 ms frames, then the page a straight rebuild of the
/// whole recording gives.
fn played_and_rebuilt(p: &mut Player) -> (String, String) {
    p.play();
    let mut now = 0.0;
    while p.frame(now) & FRAME_FINISH == 0 {
        now += 16.0;
    }
    let played = page(p);
    p.rebuild_straight();
    (played, page(p))
}

#[wasm_bindgen_test]
fn playing_frame_by_frame_ends_in_the_page_a_rebuild_shows() {
    for recording in [SPA, LOGIN, IFRAME, SHADOW, HOVER, SHADOW_HOVER] {
        let (mut p, el) = player(recording);
        let (played, rebuilt) = played_and_rebuilt(&mut p);
        assert_eq!(played, rebuilt);
        assert!(played.contains("<body"));
        if recording == HOVER || recording == SHADOW_HOVER {
            // the pointer moved through the frames: the class followed (html, body, the target)
            assert_eq!(played.matches("class=\":hover\"").count(), 3, "{played}");
        }
        p.destroy();
        el.remove();
    }
}

#[wasm_bindgen_test]
fn damaged_recordings_play_into_the_page_a_rebuild_shows() {
    // Impossible DOM histories (tests/play_hostile.rs has the native side): the iframe must
    // take every change the player makes without a DOM exception, and end as a rebuild does.
    let mut rng = synth::Rng(0x1111);
    let mut played_copies = 0;
    for recording in [SPA, LOGIN, IFRAME, SHADOW, HOVER, SHADOW_HOVER] {
        let events: Vec<serde_json::Value> = serde_json::from_str(recording).unwrap();
        let pool = hostile::id_pool(&events);
        for _ in 0..16 {
            let damaged = serde_json::to_string(&hostile::damage(&events, &pool, &mut rng)).unwrap();
            let el = container();
            let Ok(mut p) = Player::new(el.clone(), JsValue::from_str(&damaged), false, 8.0) else {
                el.remove();
                continue; // a copy the codec refuses (a FullSnapshot without a document) is fine
            };
            p.build_step(f64::INFINITY);
            let (played, rebuilt) = played_and_rebuilt(&mut p);
            assert_eq!(played, rebuilt);
            p.destroy();
            el.remove();
            played_copies += 1;
        }
    }
    assert!(played_copies >= 80, "only {played_copies} damaged copies loaded");
}

/// The RGBA of pixel (`x`, `y`) of the page's first canvas, read from its WebGL context.
fn webgl_pixel(p: &Player, x: i32, y: i32) -> Vec<u8> {
    use js_sys::{Array, Function, Reflect, Uint8Array};
    let canvas = p.page_document().unwrap().query_selector("canvas").unwrap().unwrap();
    let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap();
    let ctx = get(&canvas, "getContext").unchecked_into::<Function>().call1(&canvas, &"webgl".into()).unwrap();
    assert!(!ctx.is_null(), "the canvas has a WebGL context");
    let px = Uint8Array::new_with_length(4);
    let args = Array::of5(&x.into(), &y.into(), &1.into(), &1.into(), &get(&ctx, "RGBA"));
    args.push(&get(&ctx, "UNSIGNED_BYTE"));
    args.push(&px);
    get(&ctx, "readPixels").unchecked_into::<Function>().apply(&ctx, &args).unwrap();
    px.to_vec()
}

#[wasm_bindgen_test]
fn webgl_calls_played_frame_by_frame_draw_on_a_webgl_context() {
    // as recorded; and with a snapshot picture, which the edge draws in 2D before the first
    // WebGL call arrives: that canvas element is replaced by a fresh one for the WebGL context
    let with_picture = WEBGL.replacen(
        r#""style":"border: 1px solid #000000""#,
        r#""style":"border: 1px solid #000000","rr_dataURL":"data:image/gif;base64,R0lGODlhAQABAAAAACw=""#,
        1,
    );
    assert_ne!(with_picture, WEBGL);
    for recording in [WEBGL, with_picture.as_str()] {
        let (mut p, el) = player(recording);
        p.play();
        let mut now = 0.0;
        while p.current_time() < 500.0 {
            p.frame(now);
            now += 16.0;
        }
        // before the first WebGL call (at 966 ms)
        let first = p.page_document().unwrap().query_selector("canvas").unwrap().unwrap();
        while p.frame(now) & FRAME_FINISH == 0 {
            now += 16.0;
        }
        let doc = p.page_document().unwrap();
        assert_eq!(doc.query_selector_all("canvas").unwrap().length(), 1);
        let canvas = doc.query_selector("canvas").unwrap().unwrap();
        assert_eq!(canvas.get_attribute("width").as_deref(), Some("200"));
        assert_eq!(canvas.is_same_node(Some(&first)), recording == WEBGL, "replaced only after a 2D picture");
        assert_eq!(webgl_pixel(&p, 100, 50), [255, 0, 0, 255], "cleared to red");
        p.destroy();
        el.remove();
    }
}

#[wasm_bindgen_test]
fn seeks_anywhere_in_a_long_recording_rebuild_the_page_quickly() {
    // 10 minutes of a ~1,300-node single page, one FullSnapshot (the debug build is slower
    // than release: BENCHMARKS.md has the release numbers for 30 minutes).
    let events = synth::single_page_from(&synth::parse(SPA), 10 * 60_000, None, 300);
    let json = String::from_utf8(synth::to_json(&events)).unwrap();
    let (mut p, el) = player(&json);
    assert!(!p.loaded(), "a JSON array is read progressively");
    while !p.load_step(1_000.0) {}
    while !p.index_step(1_000.0) {}
    let perf = web_sys::window().unwrap().performance().unwrap();
    let duration = p.duration();
    let mut worst: f64 = 0.0;
    let mut x: u64 = 7;
    for _ in 0..20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ms = (x % 1_000_000) as f64 / 1_000_000.0 * duration;
        let t0 = perf.now();
        p.seek(ms);
        p.page_document().unwrap().document_element().unwrap().get_bounding_client_rect();
        worst = worst.max(perf.now() - t0);
    }
    assert!(worst < 100.0, "slowest seek {worst} ms (target: under 100 ms anywhere)");
    assert!(page(&p).contains("filler"));
    p.destroy();
    el.remove();
}

#[wasm_bindgen_test]
fn the_first_page_builds_in_slices_and_a_seek_meanwhile_lands_where_it_went() {
    // A page of ~7,000 nodes with its mutations: built 32 nodes per step (a zero budget), the
    // first page fills in from the top; a seek halfway abandons that build and the page it ends
    // in is the one a player built at once shows at that time. The page is big enough that the
    // seek's own first slice (`BUILD_SLICE_MS`, 8 ms) cannot build all of it on a fast
    // machine either (a 1,300-node page could).
    const FILLER: usize = 3_000;
    let events = synth::single_page_from(&synth::parse(SPA), 2 * 60_000, None, FILLER);
    let json = String::from_utf8(synth::to_json(&events)).unwrap();
    let el = container();
    let mut p = Player::new(el.clone(), JsValue::from_str(&json), false, 1.0).unwrap_or_else(|e| {
        panic!("{:?}", JsValue::from(e));
    });
    assert!(p.building(), "mounting only lays out the stage");
    assert!(!p.build_step(0.0), "the first step brings the virtual DOM to the position");
    assert!(!p.build_step(0.0), "the next one starts the page");
    for _ in 0..5 {
        assert!(!p.build_step(0.0), "a zero budget builds a few nodes per step");
    }
    let partial = page(&p);
    assert!(partial.contains("<head"), "the page fills in from the top: {partial}");
    let items = |page: &str| page.matches("<li").count();
    assert!(items(&partial) < FILLER, "the list items further down are not all there yet: {}", items(&partial));
    let target = p.duration() * 0.6;
    p.seek(target);
    assert!(p.building(), "a seek during the build starts it over, still in slices");
    // playing meanwhile: the clock holds until the page is shown
    p.play();
    p.frame(1_000.0);
    p.frame(5_000.0);
    assert_eq!(p.current_time(), target, "no time passes while the page is built");
    p.pause();
    let mut steps = 0;
    while !p.build_step(0.0) {
        steps += 1;
        assert!(steps < 10_000);
    }
    let (mut whole, el2) = player(&json);
    while !whole.load_step(1_000.0) {}
    whole.seek(target);
    assert!(!whole.building(), "seeks after the first page are built at once");
    assert_eq!(page(&p), page(&whole));
    assert!(page(&p).contains("filler"));
    p.destroy();
    whole.destroy();
    el.remove();
    el2.remove();
}
