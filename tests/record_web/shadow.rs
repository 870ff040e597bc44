//! Shadow DOM and dialogs: open shadow roots serialized as rrweb does (`isShadowHost` on the
//! host, the root's children after the light-DOM ones, `isShadow` on each direct child),
//! nested and declarative roots, roots attached after start, mutations and events inside
//! roots, masking inside roots, closed roots left out; `<dialog>` modality (`rr_open_mode`).

use super::support::*;
use serde_json::Value;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn attach_shadow(host: &web_sys::Element, mode: &str, html: &str) -> web_sys::ShadowRoot {
    let init = web_sys::ShadowRootInit::new(if mode == "open" {
        web_sys::ShadowRootMode::Open
    } else {
        web_sys::ShadowRootMode::Closed
    });
    let root = host.attach_shadow(&init).unwrap();
    root.set_inner_html(html);
    root
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    let f: js_sys::Function = js_sys::Reflect::get(target, &method.into()).unwrap().unchecked_into();
    f.apply(target, &args.iter().cloned().collect::<js_sys::Array>()).unwrap()
}

/// A serialized tree or Mutation stream replayed with shadow roots: per node its label, its
/// light-DOM children and its shadow children (those added with `isShadow`).
#[derive(Default)]
struct ShadowReplay {
    nodes: HashMap<i64, (String, Vec<i64>, Vec<i64>)>,
}

impl ShadowReplay {
    fn insert(&mut self, n: &Value, parent: Option<i64>, at: Option<usize>) {
        let id = n["id"].as_i64().unwrap();
        assert!(!self.nodes.contains_key(&id), "id {id} serialized twice");
        self.nodes.insert(id, (Replay::label(n), Vec::new(), Vec::new()));
        if let Some(p) = parent {
            let p = self.nodes.get_mut(&p).unwrap_or_else(|| panic!("unknown parent of {n}"));
            let list = if n["isShadow"] == true { &mut p.2 } else { &mut p.1 };
            list.insert(at.unwrap_or(list.len()), id);
        }
        for c in n["childNodes"].as_array().into_iter().flatten() {
            self.insert(c, Some(id), None);
        }
    }

    fn of(events: &[Value]) -> ShadowReplay {
        let mut r = ShadowReplay::default();
        for e in events {
            if e["type"] == 2 {
                r = ShadowReplay::default();
                r.insert(&e["data"]["node"], None, None);
            } else if e["type"] == 3 && e["data"]["source"] == 0 {
                for rm in e["data"]["removes"].as_array().unwrap() {
                    let (pid, id) = (rm["parentId"].as_i64().unwrap(), rm["id"].as_i64().unwrap());
                    let p = self_get(&mut r.nodes, pid);
                    let list = if rm["isShadow"] == true { &mut p.2 } else { &mut p.1 };
                    let before = list.len();
                    list.retain(|c| *c != id);
                    assert_eq!(list.len() + 1, before, "remove of a node not in its parent: {rm}");
                }
                for a in e["data"]["adds"].as_array().unwrap() {
                    let pid = a["parentId"].as_i64().unwrap();
                    let p = self_get(&mut r.nodes, pid);
                    let list = if a["node"]["isShadow"] == true { &p.2 } else { &p.1 };
                    let at = a["nextId"].as_i64().map(|next| {
                        list.iter().position(|c| *c == next).unwrap_or_else(|| panic!("nextId not a sibling: {a}"))
                    });
                    r.insert(&a["node"], Some(pid), at);
                }
                for t in e["data"]["texts"].as_array().unwrap() {
                    let n = self_get(&mut r.nodes, t["id"].as_i64().unwrap());
                    n.0 = format!("'{}'", t["value"].as_str().unwrap());
                }
            }
        }
        r
    }

    /// `tag (light… #shadow (…))` under node `id`.
    fn render(&self, id: i64) -> String {
        let (label, light, shadow) = &self.nodes[&id];
        if label.starts_with('\'') {
            return format!("{label} ");
        }
        let mut out = format!("{label} (");
        for c in light {
            out.push_str(&self.render(*c));
        }
        if !shadow.is_empty() {
            out.push_str("#shadow (");
            for c in shadow {
                out.push_str(&self.render(*c));
            }
            out.push(')');
        }
        out.push(')');
        out
    }
}

fn self_get(nodes: &mut HashMap<i64, (String, Vec<i64>, Vec<i64>)>, id: i64) -> &mut (String, Vec<i64>, Vec<i64>) {
    nodes.get_mut(&id).unwrap_or_else(|| panic!("unknown node {id}"))
}

/// The same rendering of the live DOM (open roots only; text masked as by default, `<style>`
/// text as is, `rr-block` elements empty; comments and other nodes left out, as `render_live`
/// does).
fn render_live_shadow(n: &web_sys::Node) -> String {
    if n.node_type() == web_sys::Node::TEXT_NODE {
        let text = n.text_content().unwrap_or_default();
        let style = n.parent_element().is_some_and(|p| p.tag_name().eq_ignore_ascii_case("style"));
        return format!("'{}' ", if style { text } else { rewind::privacy::mask_text(&text) });
    }
    if n.node_type() != web_sys::Node::ELEMENT_NODE {
        return String::new();
    }
    let e: &web_sys::Element = n.unchecked_ref();
    let mut out = format!("{} (", e.tag_name().to_ascii_lowercase());
    if e.class_list().contains("rr-block") {
        return out + ")"; // recorded without children
    }
    let kids = |parent: &web_sys::Node, out: &mut String| {
        let mut c = parent.first_child();
        while let Some(x) = c {
            c = x.next_sibling();
            out.push_str(&render_live_shadow(&x));
        }
    };
    kids(n, &mut out);
    if let Some(root) = e.shadow_root().filter(|r| r.first_child().is_some()) {
        out.push_str("#shadow (");
        kids(root.as_ref(), &mut out);
        out.push(')');
    }
    out.push(')');
    out
}

/// The replay of `#id`'s subtree equals the live one.
fn assert_shadow_replays(events: &[Value], id: &str) {
    let snap = events.iter().rev().find(|e| e["type"] == 2).unwrap();
    let host = find_element(&snap["data"]["node"], |n| attr(n, "id") == id).unwrap()["id"].as_i64().unwrap();
    let got = ShadowReplay::of(events).render(host);
    let live = render_live_shadow(el(&format!("#{id}")).as_ref());
    assert_eq!(got, live, "replayed #{id} differs from the live DOM");
}

fn shadow_children(n: &Value) -> Vec<&Value> {
    n["childNodes"].as_array().unwrap().iter().filter(|c| c["isShadow"] == true).collect()
}

#[wasm_bindgen_test]
async fn snapshot_of_open_nested_and_declarative_shadow_roots() {
    page(
        r#"<div id="host"><b>light text</b></div><div id="closed">light</div>
        <div id="blockedhost" class="rr-block" style="width:50px;height:20px"></div><div id="decl"></div>"#,
    );
    let root = attach_shadow(
        &el("#host"),
        "open",
        r#"<style>p { color: rgb(255, 0, 0); }</style><p class="t">Secret Shadow Text</p>
        <input id="sin" value="shadow-typed-SECRET"><div id="inner"></div><span class="rr-block">hidden</span>"#,
    );
    let inner = root.get_element_by_id("inner").unwrap();
    attach_shadow(&inner, "open", "<i>Nested Secret</i>");
    attach_shadow(&el("#closed"), "closed", "<em>closed-root-content</em>");
    attach_shadow(&el("#blockedhost"), "open", "<em>blocked-root-content</em>");
    // declarative shadow DOM, parsed as the HTML parser does for a page
    call(
        el("#decl").as_ref(),
        "setHTMLUnsafe",
        &[r#"<section id="dhost"><template shadowrootmode="open"><u>Declared Secret</u></template></section>"#.into()],
    );
    assert!(el("#dhost").shadow_root().is_some(), "the browser parses declarative shadow DOM");

    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    rec.stop();
    let events = parsed(&sink);
    let snap = &events[1]["data"]["node"];
    let raw = joined(&sink);
    for secret in ["Secret", "shadow-typed-SECRET", "closed-root-content", "blocked-root-content", "hidden"] {
        assert!(!raw.contains(secret), "{secret} leaked: {raw}");
    }

    let host = find_element(snap, |n| attr(n, "id") == "host").unwrap();
    assert_eq!(host["isShadowHost"], true);
    assert!(host.get("isShadow").is_none());
    let kids = host["childNodes"].as_array().unwrap();
    assert_eq!(kids[0]["tagName"], "b", "light-DOM children first");
    assert!(kids[0].get("isShadow").is_none());
    let shadow = shadow_children(host);
    let tags: Vec<&str> = shadow.iter().filter_map(|c| c["tagName"].as_str()).collect();
    assert_eq!(tags, ["style", "p", "input", "div", "span"]);
    assert_eq!(shadow[0]["childNodes"][0]["textContent"], "p { color: rgb(255, 0, 0); }", "styles in the root kept");
    assert!(shadow[1]["childNodes"][0].get("isShadow").is_none(), "only direct children of the root carry isShadow");
    let sin = find_element(host, |n| attr(n, "id") == "sin").unwrap();
    assert!(attr(sin, "value").as_str().unwrap().chars().all(|c| c == '*'), "inputs masked inside roots");
    let span = find_element(host, |n| n["tagName"] == "span").unwrap();
    assert_eq!(span["needBlock"], true, "rr-block inside a root");
    // nested
    let inner = find_element(host, |n| attr(n, "id") == "inner").unwrap();
    assert_eq!(inner["isShadowHost"], true);
    assert_eq!(shadow_children(inner)[0]["tagName"], "i");
    assert_eq!(shadow_children(inner)[0]["childNodes"][0]["textContent"], "****** ******");
    // closed: the host only, with its light DOM
    let closed = find_element(snap, |n| attr(n, "id") == "closed").unwrap();
    assert!(closed.get("isShadowHost").is_none());
    assert_eq!(closed["childNodes"].as_array().unwrap().len(), 1);
    // a blocked host (it keeps only its class and size): no children at all
    let blocked = find_element(snap, |n| n["tagName"] == "div" && attr(n, "class") == "rr-block").unwrap();
    assert_eq!(blocked["childNodes"].as_array().unwrap().len(), 0);
    assert!(blocked.get("isShadowHost").is_none());
    // declarative
    let dhost = find_element(snap, |n| attr(n, "id") == "dhost").unwrap();
    assert_eq!(dhost["isShadowHost"], true);
    assert_eq!(shadow_children(dhost)[0]["tagName"], "u");

    for id in ["host", "decl"] {
        assert_shadow_replays(&events, id);
    }
    let recording = rewind::codec::decode(raw.as_bytes()).expect("codec decodes the recording");
    assert_eq!(recording.events.len(), 2);
}

#[wasm_bindgen_test]
async fn mutations_and_events_inside_roots_and_roots_attached_after_start() {
    page(r#"<div id="host"></div><div id="late"><b>late light</b></div><div id="wrap"></div>"#);
    let root =
        attach_shadow(&el("#host"), "open", r#"<p id="p1">one</p><p id="p2">two</p><input id="sin"><input id="sin2">"#);
    let original = js_sys::Reflect::get(
        &js_sys::Reflect::get(&web_sys::window().unwrap(), &"Element".into()).unwrap(),
        &"prototype".into(),
    )
    .unwrap();
    let attach_before = js_sys::Reflect::get(&original, &"attachShadow".into()).unwrap();
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    assert!(
        js_sys::Reflect::get(&original, &"attachShadow".into()).unwrap() != attach_before,
        "attachShadow is hooked while recording"
    );
    let doc = document();

    // inside an existing root: add, remove, text, attribute
    let added = doc.create_element("em").unwrap();
    added.set_text_content(Some("added text"));
    root.insert_before(&added, root.get_element_by_id("p2").map(web_sys::Node::from).as_ref()).unwrap();
    root.get_element_by_id("p1").unwrap().remove();
    root.get_element_by_id("p2").unwrap().first_child().unwrap().set_node_value(Some("changed"));
    root.get_element_by_id("p2").unwrap().set_attribute("data-x", "1").unwrap();
    tick().await;

    // a root attached after start to a recorded element, then filled
    let late = attach_shadow(&el("#late"), "open", "");
    late.set_inner_html("<span>late shadow</span>");
    tick().await;
    late.append_with_str_1("more").unwrap();

    // a custom-element-like host built detached (its root filled before it is added), nested
    let comp = doc.create_element("x-comp").unwrap();
    let croot = attach_shadow(&comp, "open", r#"<style>b{color:red}</style><b>comp</b><div id="cin"></div>"#);
    attach_shadow(&croot.get_element_by_id("cin").unwrap(), "open", "<i>deep</i>");
    el("#wrap").append_child(&comp).unwrap();
    tick().await;
    croot.get_element_by_id("cin").unwrap().shadow_root().unwrap().set_inner_html("<i>deep 2</i><u>u</u>");
    tick().await;

    // events inside the root: a click (composed) and typed input
    let p2 = root.get_element_by_id("p2").unwrap();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    p2.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap()).unwrap();
    let input: web_sys::HtmlInputElement = root.get_element_by_id("sin").unwrap().unchecked_into();
    input.set_value("typed-SECRET");
    let ev_init = web_sys::EventInit::new();
    ev_init.set_bubbles(true);
    ev_init.set_composed(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &ev_init).unwrap()).unwrap();
    // `change` is not composed: only a listener on the root sees it (a value set through the
    // attribute, which no setter hook sees)
    let input2 = root.get_element_by_id("sin2").unwrap();
    input2.set_attribute("value", "attr-SECRET").unwrap();
    let ev_init = web_sys::EventInit::new();
    ev_init.set_bubbles(true);
    input2.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &ev_init).unwrap()).unwrap();
    tick().await;
    rec.stop();
    assert_eq!(
        js_sys::Reflect::get(&original, &"attachShadow".into()).unwrap(),
        attach_before,
        "attachShadow restored on stop"
    );

    let events = parsed(&sink);
    let raw = joined(&sink);
    assert!(!raw.contains("SECRET") && !raw.contains("late shadow"), "masked: {raw}");
    let snap = &events[1]["data"]["node"];
    let host_id = find_element(snap, |n| attr(n, "id") == "host").unwrap()["id"].as_i64().unwrap();
    let muts = incremental(&events, 0);
    let adds: Vec<&Value> = muts.iter().flat_map(|m| m["adds"].as_array().unwrap()).collect();
    let em = adds.iter().find(|a| a["node"]["tagName"] == "em").expect("the add inside the root");
    assert_eq!(em["parentId"], host_id, "adds inside a root name the host");
    assert_eq!(em["node"]["isShadow"], true);
    let removes: Vec<&Value> = muts.iter().flat_map(|m| m["removes"].as_array().unwrap()).collect();
    assert!(removes.iter().any(|r| r["parentId"] == host_id && r["isShadow"] == true), "{removes:?}");
    let comp = adds.iter().find(|a| a["node"]["tagName"] == "x-comp").unwrap();
    assert_eq!(comp["node"]["isShadowHost"], true);
    for id in ["host", "late", "wrap"] {
        assert_shadow_replays(&events, id);
    }

    let id_of = |id: &str| find_element(snap, |n| attr(n, "id") == id).unwrap()["id"].clone();
    let clicks: Vec<&Value> = incremental(&events, 2).into_iter().filter(|d| d["type"] == 2).collect();
    assert_eq!(clicks.len(), 1);
    assert_eq!(clicks[0]["id"], id_of("p2"), "a click inside a root is on the element, not the host");
    let inputs = incremental(&events, 5);
    let ids: Vec<&Value> = inputs.iter().map(|i| &i["id"]).collect();
    assert_eq!(ids, [&id_of("sin"), &id_of("sin2")], "the typed field, and the change seen on the root: {inputs:?}");
    assert!(inputs.iter().all(|i| i["text"].as_str().unwrap().chars().all(|c| c == '*')));
}

#[wasm_bindgen_test]
async fn scroll_media_and_radio_groups_inside_a_shadow_root_are_recorded() {
    page(r#"<div id="host"></div>"#);
    let root = attach_shadow(
        &el("#host"),
        "open",
        r#"<div id="sc" style="height:40px;overflow:auto"><div style="height:400px">tall</div></div><audio id="au"></audio>
        <input type="radio" name="g" id="r1" checked><input type="radio" name="g" id="r2">"#,
    );
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0,"scrollThrottleMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    root.get_element_by_id("sc").unwrap().set_scroll_top(120);
    // media events are not composed either (dispatched as the browser does: no bubbling)
    root.get_element_by_id("au").unwrap().dispatch_event(&web_sys::Event::new("pause").unwrap()).unwrap();
    // a radio group inside the root: checking one unchecks the other
    root.get_element_by_id("r2").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    gloo_timers::future::TimeoutFuture::new(100).await;
    rec.stop();
    let events = parsed(&sink);
    let snap = &events[1]["data"]["node"];
    let id_of = |id: &str| find_element(snap, |n| attr(n, "id") == id).unwrap()["id"].clone();
    let radios: Vec<(Value, Value)> =
        incremental(&events, 5).iter().map(|i| (i["id"].clone(), i["isChecked"].clone())).collect();
    assert_eq!(radios, [(id_of("r2"), Value::Bool(true)), (id_of("r1"), Value::Bool(false))]);
    let scrolls = incremental(&events, 3);
    let sc = find_element(&events[1]["data"]["node"], |n| attr(n, "id") == "sc").unwrap();
    assert!(scrolls.iter().any(|s| s["id"] == sc["id"] && s["y"] == 120), "{scrolls:?}");
    let au = find_element(&events[1]["data"]["node"], |n| attr(n, "id") == "au").unwrap();
    let media = incremental(&events, 7);
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!((&media[0]["id"], &media[0]["type"]), (&au["id"], &Value::from(1)));
}

#[wasm_bindgen_test]
async fn dialogs_record_their_modal_state() {
    page(r#"<dialog id="d1">one</dialog><dialog id="d2" open>two</dialog><dialog id="d3">three</dialog>"#);
    let d3 = el("#d3");
    call(d3.as_ref(), "showModal", &[]);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    call(d3.as_ref(), "close", &[]);
    tick().await;
    let d1 = el("#d1");
    call(d1.as_ref(), "showModal", &[]);
    tick().await;
    call(d1.as_ref(), "close", &[]);
    tick().await;
    call(d1.as_ref(), "show", &[]);
    tick().await;
    call(d1.as_ref(), "close", &[]);
    rec.stop();
    let events = parsed(&sink);
    let snap = &events[1]["data"]["node"];
    let mode = |id: &str| attr(find_element(snap, |n| attr(n, "id") == id).unwrap(), "rr_open_mode").clone();
    assert_eq!(mode("d1"), Value::Null, "closed: no mode");
    assert_eq!(mode("d2"), "non-modal");
    assert_eq!(mode("d3"), "modal");
    let d1_id = find_element(snap, |n| attr(n, "id") == "d1").unwrap()["id"].clone();
    let changes: Vec<&Value> = incremental(&events, 0)
        .iter()
        .flat_map(|m| m["attributes"].as_array().unwrap())
        .filter(|a| a["id"] == d1_id)
        .map(|a| &a["attributes"])
        .collect();
    assert_eq!(changes.len(), 4, "{changes:?}");
    assert_eq!((&changes[0]["open"], &changes[0]["rr_open_mode"]), (&"".into(), &"modal".into()));
    assert_eq!((&changes[1]["open"], changes[1].get("rr_open_mode")), (&Value::Null, None));
    assert_eq!((&changes[2]["open"], &changes[2]["rr_open_mode"]), (&"".into(), &"non-modal".into()));
    assert_eq!(changes[3]["open"], Value::Null);
}
