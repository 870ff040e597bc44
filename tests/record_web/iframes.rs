//! Same-origin iframes: each document attached as rrweb does (an `isAttachIframe` Mutation
//! whose add is the document under the iframe's id, `rootId` on every node below it), then
//! observed (mutations, input inside it), iframes added after start, navigation re-attaching,
//! `rr-block` iframes never read, masking inside, and unreadable (sandboxed, opaque-origin)
//! iframes kept as placeholders with `rr_src`.

use super::support::*;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn frame(selector: &str) -> web_sys::HtmlIFrameElement {
    el(selector).dyn_into().unwrap()
}

fn frame_doc(selector: &str) -> web_sys::Document {
    frame(selector).content_document().expect("a same-origin iframe's document")
}

/// The attach Mutations (`isAttachIframe`), in order.
fn attaches(events: &[Value]) -> Vec<&Value> {
    incremental(events, 0).into_iter().filter(|m| m["isAttachIframe"] == true).collect()
}

/// A FullSnapshot + Mutations replayed with iframe documents: an attach replaces the iframe's
/// document. Returns the replay.
fn replay_frames(events: &[Value]) -> Replay {
    let mut r = Replay::default();
    for e in events {
        if e["type"] == 2 {
            r = Replay::default();
            r.insert_tree(&e["data"]["node"], None);
        } else if e["type"] == 3 && e["data"]["source"] == 0 {
            if e["data"]["isAttachIframe"] == true {
                let add = &e["data"]["adds"][0];
                let iframe = add["parentId"].as_i64().unwrap();
                let old: Vec<i64> = r.nodes[&iframe].1.iter().copied().filter(|id| r.nodes[id].0 == "#0").collect();
                for id in old {
                    let mut stack = vec![id];
                    while let Some(n) = stack.pop() {
                        if let Some((_, kids)) = r.nodes.remove(&n) {
                            stack.extend(kids);
                        }
                    }
                    r.nodes.get_mut(&iframe).unwrap().1.retain(|c| *c != id);
                }
                r.insert_tree(&add["node"], Some(iframe));
            } else {
                r.apply(&e["data"]);
            }
        }
    }
    r
}

/// The replayed `<html>` of the iframe document attached last under `iframe_id`, rendered as
/// `render_live` renders the live one.
/// Nested iframe documents are left out, as `render_live` does not enter iframes.
fn replayed_frame(r: &Replay, iframe_id: i64) -> String {
    let doc = *r.nodes[&iframe_id].1.iter().rev().find(|id| r.nodes[id].0 == "#0").expect("an attached document");
    let html = *r.nodes[&doc].1.iter().find(|id| r.nodes[id].0 == "html").unwrap();
    let mut view = Replay::default();
    for (id, (label, kids)) in &r.nodes {
        let kids = kids.iter().copied().filter(|k| r.nodes[k].0 != "#0").collect();
        let label = if *id == html { "FRAMEROOT".to_string() } else { label.clone() };
        view.nodes.insert(*id, (label, kids));
    }
    view.render("FRAMEROOT").replacen("FRAMEROOT", "html", 1)
}

fn live_frame(selector: &str) -> String {
    render_live(frame_doc(selector).document_element().unwrap().as_ref())
}

/// Every node below the attached document names it with `rootId`; the document itself not.
fn assert_root_ids(attach: &Value) {
    let doc = &attach["adds"][0]["node"];
    assert_eq!(doc["type"], 0);
    assert!(doc.get("rootId").is_none(), "the document has no rootId: {doc}");
    let id = doc["id"].as_i64().unwrap();
    for n in nodes_of(doc).into_iter().skip(1) {
        assert_eq!(n["rootId"].as_i64(), Some(id), "rootId of {n}");
    }
}

fn iframe_id(events: &[Value], dom_id: &str) -> i64 {
    let snap = events.iter().find(|e| e["type"] == 2).unwrap();
    if let Some(n) = find_element(&snap["data"]["node"], |n| attr(n, "id") == dom_id) {
        return n["id"].as_i64().unwrap();
    }
    for m in incremental(events, 0) {
        for a in m["adds"].as_array().unwrap() {
            if attr(&a["node"], "id") == dom_id {
                return a["node"]["id"].as_i64().unwrap();
            }
        }
    }
    panic!("no #{dom_id} recorded")
}

#[wasm_bindgen_test]
async fn snapshot_attaches_same_origin_documents_and_keeps_others_out() {
    page(
        r#"<iframe id="f1"></iframe><iframe id="fb" class="rr-block" style="width:40px;height:20px"></iframe>
        <iframe id="fx" sandbox src="/frame-never-read.html?token=1"></iframe>"#,
    );
    frame_doc("#f1").body().unwrap().set_inner_html(
        r#"<p>Frame Secret Text</p><input id="fi" value="frame-typed-SECRET"><span class="rr-mask">m</span>
        <iframe id="nested"></iframe>"#,
    );
    frame_doc("#fb").body().unwrap().set_inner_html("<p>blocked-frame-content</p>");
    let nested = frame_doc("#f1").get_element_by_id("nested").unwrap().unchecked_into::<web_sys::HtmlIFrameElement>();
    nested.content_document().unwrap().body().unwrap().set_inner_html("<b>Nested Secret</b>");
    assert!(frame("#fx").content_document().is_none(), "a sandboxed iframe's document is unreadable");

    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    rec.stop();
    let events = parsed(&sink);
    let raw = joined(&sink);
    for secret in ["Secret", "frame-typed-SECRET", "blocked-frame-content"] {
        assert!(!raw.contains(secret), "{secret} leaked: {raw}");
    }

    let snap = &events[1]["data"]["node"];
    let f1 = find_element(snap, |n| attr(n, "id") == "f1").unwrap_or_else(|| panic!("{raw}"));
    assert_eq!(f1["childNodes"], serde_json::json!([]), "as rrweb: the document is not in the FullSnapshot");
    assert!(f1["attributes"].get("rr_src").is_none() && f1["attributes"].get("src").is_none());
    let fx = find_element(snap, |n| attr(n, "id") == "fx").unwrap();
    assert!(fx["attributes"].get("src").is_none());
    assert!(attr(fx, "rr_src").as_str().unwrap().ends_with("/frame-never-read.html"), "placeholder: {fx}");
    let fb = find_element(snap, |n| n["tagName"] == "iframe" && n["needBlock"] == true).unwrap();
    assert_eq!(attr(fb, "class"), "rr-block", "a blocked iframe is a placeholder: {fb}");

    // one attach for #f1, then one for the nested iframe; none for the blocked and the
    // unreadable ones
    let list = attaches(&events);
    assert_eq!(list.len(), 2, "{list:?}");
    let f1_id = f1["id"].as_i64().unwrap();
    assert_eq!(list[0]["adds"][0]["parentId"].as_i64(), Some(f1_id));
    assert_eq!(list[0]["adds"][0]["nextId"], Value::Null);
    assert_root_ids(list[0]);
    assert_root_ids(list[1]);
    let doc = &list[0]["adds"][0]["node"];
    let input = find_element(doc, |n| attr(n, "id") == "fi").unwrap();
    assert_eq!(attr(input, "value"), "******************", "inputs masked inside");
    let nested_el = find_element(doc, |n| attr(n, "id") == "nested").unwrap();
    assert_eq!(list[1]["adds"][0]["parentId"], nested_el["id"]);
    assert_ne!(list[1]["adds"][0]["node"]["id"], doc["id"]);

    let r = replay_frames(&events);
    assert_eq!(replayed_frame(&r, f1_id), live_frame("#f1"));
    // the core codec and analyzer read it
    rewind::analyze_bytes(raw.as_bytes()).expect("the recording analyses");
}

#[wasm_bindgen_test]
async fn mutations_input_and_late_iframes_are_recorded_inside() {
    page(r#"<iframe id="f1"></iframe>"#);
    frame_doc("#f1").body().unwrap().set_inner_html(r#"<p id="t">Before</p><input id="fi">"#);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();

    // inside the attached document: text, an added subtree, typing
    let doc = frame_doc("#f1");
    doc.get_element_by_id("t").unwrap().set_text_content(Some("After change"));
    let div = doc.create_element("div").unwrap();
    div.set_inner_html("<b>Added inside</b><i>more</i>");
    doc.body().unwrap().append_child(&div).unwrap();
    let input = doc.get_element_by_id("fi").unwrap();
    input.unchecked_ref::<web_sys::HtmlInputElement>().set_value("Typed-IN-frame");
    input.dispatch_event(&event("input")).unwrap();
    tick().await;

    // an iframe added after start, then content written into it
    page_append(r#"<iframe id="late"></iframe>"#);
    tick().await;
    frame_doc("#late").body().unwrap().set_inner_html("<h2>Late frame</h2>");
    tick().await;
    rec.stop();

    let events = parsed(&sink);
    let raw = joined(&sink);
    assert!(!raw.contains("Typed-IN-frame") && !raw.contains("Added inside"), "masked: {raw}");
    let list = attaches(&events);
    assert_eq!(list.len(), 2, "#f1 at start, #late when added: {list:?}");
    let (f1, late) = (iframe_id(&events, "f1"), iframe_id(&events, "late"));
    assert_eq!(list[1]["adds"][0]["parentId"].as_i64(), Some(late));
    let f1_doc = list[0]["adds"][0]["node"]["id"].as_i64().unwrap();
    let late_doc = list[1]["adds"][0]["node"]["id"].as_i64().unwrap();

    // adds inside a frame name its document; adds in the page do not
    let mut inside = 0;
    for m in incremental(&events, 0).into_iter().filter(|m| m["isAttachIframe"] != true) {
        for a in m["adds"].as_array().unwrap() {
            let node = &a["node"];
            match node["rootId"].as_i64() {
                Some(root) => {
                    assert!(root == f1_doc || root == late_doc, "{node}");
                    inside += 1;
                }
                None => assert_eq!(node["tagName"], "iframe", "only #late is added in the page: {node}"),
            }
        }
    }
    assert!(inside >= 5, "the div, b, i, their texts and the h2 subtree: {inside}");
    let typed: Vec<&Value> = incremental(&events, 5);
    assert_eq!(typed.len(), 1, "{typed:?}");
    assert_eq!(typed[0]["text"], "**************");
    assert_eq!(typed[0]["id"], find_element(&list[0]["adds"][0]["node"], |n| attr(n, "id") == "fi").unwrap()["id"]);

    let r = replay_frames(&events);
    assert_eq!(replayed_frame(&r, f1), live_frame("#f1"));
    assert_eq!(replayed_frame(&r, late), live_frame("#late"));
}

/// Waits for `#selector`'s `load`, up to `ms`.
async fn loaded(selector: &str, url: &str, ms: u32) {
    for _ in 0..ms / 10 {
        let doc = frame_doc(selector);
        if doc.url().ok().as_deref() == Some(url) && doc.ready_state() == "complete" {
            gloo_timers::future::TimeoutFuture::new(20).await; // the load listeners ran
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("{selector} never loaded {url}");
}

#[wasm_bindgen_test]
async fn navigation_reattaches_and_blocked_iframes_stay_unread() {
    page(r#"<iframe id="nav"></iframe><div class="rr-block"><iframe id="inblock"></iframe></div>"#);
    frame_doc("#nav").body().unwrap().set_inner_html("<p>First document</p>");
    frame_doc("#inblock").body().unwrap().set_inner_html("<p>inblock-content</p>");
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();

    frame("#nav").set_srcdoc("<p>Second document</p><ul><li>one</li></ul>");
    loaded("#nav", "about:srcdoc", 3000).await;
    // a change in the new document is recorded against it
    let doc = frame_doc("#nav");
    doc.query_selector("li").unwrap().unwrap().first_child().unwrap().set_node_value(Some("changed"));
    frame("#inblock").set_srcdoc("<p>inblock-second</p>");
    loaded("#inblock", "about:srcdoc", 3000).await;
    tick().await;
    rec.stop();

    let events = parsed(&sink);
    let raw = joined(&sink);
    assert!(!raw.contains("inblock"), "a blocked iframe's document is never read: {raw}");
    assert!(!raw.contains("srcdoc"), "srcdoc (the frame's HTML) is dropped when text is masked");
    let list = attaches(&events);
    assert_eq!(list.len(), 2, "at start and after the navigation: {list:?}");
    let nav = iframe_id(&events, "nav");
    let (first, second) = (&list[0]["adds"][0], &list[1]["adds"][0]);
    assert_eq!((first["parentId"].as_i64(), second["parentId"].as_i64()), (Some(nav), Some(nav)));
    assert_root_ids(list[1]);
    // the new document has new ids; the old document's are not reused
    let old_ids: Vec<i64> = nodes_of(&first["node"]).iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert!(nodes_of(&second["node"]).iter().all(|n| !old_ids.contains(&n["id"].as_i64().unwrap())));
    let texts =
        incremental(&events, 0).into_iter().flat_map(|m| m["texts"].as_array().unwrap().clone()).collect::<Vec<_>>();
    assert_eq!(texts.len(), 1, "{texts:?}");
    let li_text = find_element(&second["node"], |n| n["tagName"] == "li").unwrap()["childNodes"][0]["id"].clone();
    assert_eq!(texts[0]["id"], li_text);
    let r = replay_frames(&events);
    assert_eq!(replayed_frame(&r, nav), live_frame("#nav"));
}
