//! Helpers of the recorder tests: the test page, a recorder with a collecting sink, event
//! access, a small rrweb-like replayer (`Replay`) and the live-DOM rendering it is compared with.

use gloo_timers::future::TimeoutFuture;
use rewind::wasm::Recorder;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub type Sink = Rc<RefCell<Vec<String>>>;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn body() -> web_sys::HtmlElement {
    document().body().unwrap()
}

/// Replaces the test page's content (a `<div id="page">` in the body: the test runner keeps
/// its own output element in the body, which must stay).
pub fn page(html: &str) {
    let doc = document();
    let div = match doc.get_element_by_id("page") {
        Some(d) => d,
        None => {
            let d = doc.create_element("div").unwrap();
            d.set_id("page");
            body().append_child(&d).unwrap();
            d
        }
    };
    div.set_inner_html(html);
}

pub fn recorder(options: &str) -> (Recorder, Sink) {
    let sink: Sink = Rc::new(RefCell::new(Vec::new()));
    let s = sink.clone();
    let emit = Closure::<dyn FnMut(String)>::new(move |event: String| s.borrow_mut().push(event));
    let emit: js_sys::Function = emit.into_js_value().unchecked_into();
    let options = js_sys::JSON::parse(options).unwrap();
    // The small pages here snapshot in well under the default 12 ms slice, but a debug build on
    // a loaded machine can take longer, and a sliced snapshot turns the tests' Mutations into
    // snapshot content. So one task unless a test asks for slicing (tests/record_web/slicing.rs).
    let slice_key = JsValue::from_str("snapshotSliceMs");
    if !js_sys::Reflect::has(&options, &slice_key).unwrap() {
        js_sys::Reflect::set(&options, &slice_key, &JsValue::from_f64(0.0)).unwrap();
    }
    (Recorder::new(options, emit).map_err(JsValue::from).unwrap(), sink)
}

pub async fn tick() {
    TimeoutFuture::new(0).await;
}

pub fn parsed(sink: &Sink) -> Vec<Value> {
    sink.borrow().iter().map(|e| serde_json::from_str(e).expect("each event is JSON")).collect()
}

pub fn incremental(events: &[Value], source: i64) -> Vec<&Value> {
    events.iter().filter(|e| e["type"] == 3 && e["data"]["source"] == source).map(|e| &e["data"]).collect()
}

pub fn joined(sink: &Sink) -> String {
    format!("[{}]", sink.borrow().join(","))
}

pub fn el(selector: &str) -> web_sys::Element {
    document().query_selector(selector).unwrap().unwrap()
}

/// Every serialized node of a tree, pre-order (iterative).
pub fn nodes_of(root: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        if let Some(children) = n["childNodes"].as_array() {
            stack.extend(children.iter().rev());
        }
    }
    out
}

pub fn find_element(root: &Value, pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    nodes_of(root).into_iter().find(|n| n["type"] == 2 && pred(n))
}

pub fn attr<'a>(n: &'a Value, name: &str) -> &'a Value {
    &n["attributes"][name]
}

/// The rrweb Replayer's tree bookkeeping, reduced to structure: tag names and text.
#[derive(Default)]
pub struct Replay {
    pub nodes: HashMap<i64, (String, Vec<i64>)>,
    pub parent: HashMap<i64, i64>,
}

impl Replay {
    pub fn label(n: &Value) -> String {
        match n["type"].as_i64() {
            Some(2) => n["tagName"].as_str().unwrap().to_string(),
            Some(3) => format!("'{}'", n["textContent"].as_str().unwrap_or("")),
            Some(t) => format!("#{t}"),
            None => panic!("node without type: {n}"),
        }
    }

    pub fn insert_tree(&mut self, root: &Value, parent: Option<i64>) {
        let mut stack = vec![(root, parent)];
        while let Some((n, p)) = stack.pop() {
            let id = n["id"].as_i64().unwrap();
            assert!(!self.nodes.contains_key(&id), "id {id} serialized twice");
            self.nodes.insert(id, (Self::label(n), Vec::new()));
            if let Some(p) = p {
                self.nodes.get_mut(&p).unwrap().1.push(id);
                self.parent.insert(id, p);
            }
            if let Some(children) = n["childNodes"].as_array() {
                for c in children.iter().rev() {
                    stack.push((c, Some(id)));
                }
            }
        }
    }

    pub fn apply(&mut self, m: &Value) {
        for r in m["removes"].as_array().unwrap() {
            let (pid, id) = (r["parentId"].as_i64().unwrap(), r["id"].as_i64().unwrap());
            let Some(parent) = self.nodes.get_mut(&pid) else { panic!("remove from unknown parent {r}") };
            let before = parent.1.len();
            parent.1.retain(|c| *c != id);
            assert_eq!(parent.1.len() + 1, before, "remove of a node not in its parent: {r}");
            let mut stack = vec![id];
            while let Some(n) = stack.pop() {
                if let Some((_, children)) = self.nodes.remove(&n) {
                    stack.extend(children);
                }
                self.parent.remove(&n);
            }
        }
        for a in m["adds"].as_array().unwrap() {
            let pid = a["parentId"].as_i64().unwrap();
            let node = &a["node"];
            assert!(node["childNodes"].as_array().is_none_or(|c| c.is_empty()), "adds are shallow: {a}");
            let id = node["id"].as_i64().unwrap();
            assert!(!self.nodes.contains_key(&id), "add of an existing id: {a}");
            let Some(parent) = self.nodes.get(&pid) else { panic!("add under unknown parent: {a}") };
            let at = match a["nextId"].as_i64() {
                None => parent.1.len(),
                Some(next) => {
                    parent.1.iter().position(|c| *c == next).unwrap_or_else(|| panic!("nextId not yet known: {a}"))
                }
            };
            self.nodes.insert(id, (Self::label(node), Vec::new()));
            self.nodes.get_mut(&pid).unwrap().1.insert(at, id);
            self.parent.insert(id, pid);
        }
        for t in m["texts"].as_array().unwrap() {
            let id = t["id"].as_i64().unwrap();
            let n = self.nodes.get_mut(&id).unwrap_or_else(|| panic!("text of unknown node {t}"));
            n.0 = format!("'{}'", t["value"].as_str().unwrap());
        }
        for a in m["attributes"].as_array().unwrap() {
            let id = a["id"].as_i64().unwrap();
            assert!(self.nodes.contains_key(&id), "attributes of unknown node {a}");
        }
    }

    /// `tag(child child …)` of the subtree under the first element labelled `tag`.
    pub fn render(&self, tag: &str) -> String {
        let root = *self.nodes.iter().find(|(_, n)| n.0 == tag).map(|(id, _)| id).unwrap();
        let mut out = String::new();
        enum F {
            Open(i64),
            Close,
        }
        let mut stack = vec![F::Open(root)];
        while let Some(f) = stack.pop() {
            match f {
                F::Close => out.push(')'),
                F::Open(id) => {
                    let (label, children) = &self.nodes[&id];
                    out.push_str(label);
                    out.push(' ');
                    if !label.starts_with('\'') {
                        out.push('(');
                        stack.push(F::Close);
                        stack.extend(children.iter().rev().map(|c| F::Open(*c)));
                    }
                }
            }
        }
        out
    }
}

/// The same rendering of the live DOM, text masked as the default privacy options do.
pub fn render_live(root: &web_sys::Node) -> String {
    let mut out = String::new();
    enum F {
        Open(web_sys::Node),
        Close,
    }
    let mut stack = vec![F::Open(root.clone())];
    while let Some(f) = stack.pop() {
        match f {
            F::Close => out.push(')'),
            F::Open(n) => {
                if n.node_type() == web_sys::Node::TEXT_NODE {
                    let masked = rewind::privacy::mask_text(&n.text_content().unwrap_or_default());
                    out.push_str(&format!("'{masked}' "));
                } else if n.node_type() == web_sys::Node::ELEMENT_NODE {
                    let e: &web_sys::Element = n.unchecked_ref();
                    out.push_str(&e.tag_name().to_ascii_lowercase());
                    out.push_str(" (");
                    stack.push(F::Close);
                    let mut children = Vec::new();
                    let mut c = n.first_child();
                    while let Some(x) = c {
                        c = x.next_sibling();
                        children.push(F::Open(x));
                    }
                    stack.extend(children.into_iter().rev());
                }
            }
        }
    }
    out
}

pub fn replay(events: &[Value]) -> Replay {
    let mut r = Replay::default();
    for e in events {
        if e["type"] == 2 {
            r = Replay::default();
            r.insert_tree(&e["data"]["node"], None);
        } else if e["type"] == 3 && e["data"]["source"] == 0 {
            r.apply(&e["data"]);
        }
    }
    r
}

pub fn stat(rec: &Recorder, key: &str) -> f64 {
    let v = js_sys::Reflect::get(&rec.stats(), &key.into()).unwrap();
    v.as_f64().or_else(|| v.as_bool().map(f64::from)).unwrap_or_else(|| panic!("no stat {key}"))
}

/// Waits (yielding to the recorder's slices) until no FullSnapshot is in progress.
pub async fn snapshot_done(rec: &Recorder) {
    for _ in 0..10_000 {
        if stat(rec, "snapshotInProgress") == 0.0 {
            return;
        }
        tick().await;
    }
    panic!("the snapshot never finished");
}

/// Longest-task watcher: a `PerformanceObserver` of `longtask` entries (tasks over 50 ms).
pub struct LongTasks {
    observer: JsValue,
    max: Rc<RefCell<f64>>,
    _cb: Closure<dyn FnMut(JsValue)>,
}

impl LongTasks {
    pub fn watch() -> Option<LongTasks> {
        let max = Rc::new(RefCell::new(0.0f64));
        let m = max.clone();
        let cb = Closure::<dyn FnMut(JsValue)>::new(move |list: JsValue| {
            let get: js_sys::Function = js_sys::Reflect::get(&list, &"getEntries".into()).unwrap().unchecked_into();
            let entries: js_sys::Array = get.call0(&list).unwrap().unchecked_into();
            for e in entries.iter() {
                let d = js_sys::Reflect::get(&e, &"duration".into()).unwrap().as_f64().unwrap_or(0.0);
                let mut m = m.borrow_mut();
                *m = m.max(d);
            }
        });
        let ctor: js_sys::Function =
            js_sys::Reflect::get(&web_sys::window().unwrap(), &"PerformanceObserver".into()).ok()?.dyn_into().ok()?;
        let observer = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(cb.as_ref())).ok()?;
        let observe: js_sys::Function = js_sys::Reflect::get(&observer, &"observe".into()).ok()?.unchecked_into();
        observe.call1(&observer, &js_sys::JSON::parse(r#"{"type":"longtask"}"#).unwrap()).ok()?;
        Some(LongTasks { observer, max, _cb: cb })
    }

    /// The longest task seen (0 when none was over 50 ms); stops watching.
    pub async fn stop(self) -> f64 {
        TimeoutFuture::new(100).await; // entries are delivered asynchronously
        let take: js_sys::Function =
            js_sys::Reflect::get(&self.observer, &"takeRecords".into()).unwrap().unchecked_into();
        let records: js_sys::Array = take.call0(&self.observer).unwrap().unchecked_into();
        for e in records.iter() {
            let d = js_sys::Reflect::get(&e, &"duration".into()).unwrap().as_f64().unwrap_or(0.0);
            let mut m = self.max.borrow_mut();
            *m = m.max(d);
        }
        let disconnect: js_sys::Function =
            js_sys::Reflect::get(&self.observer, &"disconnect".into()).unwrap().unchecked_into();
        disconnect.call0(&self.observer).unwrap();
        let max = *self.max.borrow();
        max
    }
}

pub fn table_page(rows: usize) {
    let mut html = String::with_capacity(rows * 200);
    html.push_str("<table><tbody>");
    for r in 0..rows {
        html.push_str(&format!(
            "<tr class=\"row\" data-i=\"{r}\"><td>cell {r}</td><td><a href=\"/x/{r}\">link</a></td><td>v</td></tr>"
        ));
    }
    html.push_str("</tbody></table>");
    page(&html);
}

/// The replayed subtree of the element with `id` (from the last FullSnapshot) against the live one.
pub fn assert_replays(events: &[Value], id: &str) {
    let snap = events.iter().rev().find(|e| e["type"] == 2).expect("a FullSnapshot");
    let root_id = find_element(&snap["data"]["node"], |n| attr(n, "id") == id).unwrap()["id"].as_i64().unwrap();
    let mut r = replay(events);
    r.nodes.get_mut(&root_id).unwrap().0 = "ROOT".into();
    let got = r.render("ROOT").replacen("ROOT", "div", 1);
    let live = render_live(el(&format!("#{id}")).as_ref());
    assert!(got == live, "replayed #{id} differs from the live DOM ({} vs {} chars)", got.len(), live.len());
}

pub fn page_append(html: &str) {
    let div = el("#page");
    div.insert_adjacent_html("beforeend", html).unwrap();
}

pub fn event(name: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(name, &init).unwrap()
}

/// The `set` function of `window[class].prototype[key]`'s own descriptor.
pub fn setter_of(class: &str, key: &str) -> JsValue {
    let ctor = js_sys::Reflect::get(&web_sys::window().unwrap(), &class.into()).unwrap();
    let proto: js_sys::Object = js_sys::Reflect::get(&ctor, &"prototype".into()).unwrap().unchecked_into();
    let desc = js_sys::Reflect::get_own_property_descriptor(&proto, &key.into()).unwrap();
    js_sys::Reflect::get(&desc, &"set".into()).unwrap()
}
