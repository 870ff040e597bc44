//! Long recordings synthesised from the fixtures, shared by `tests/play.rs`, `tests/play_web.rs`,
//! `benches/play.rs` and (written to files by `benches/play.rs`) the Chromium harness
//! `benches/browser/play.mjs`.
//!
//! - [`single_page`]: `fixtures/spa-navigation.json` played again and again on one page: its Meta
//!   and FullSnapshot once, then its incremental events round after round. After each round a
//!   mutation puts back what the round changed (the snapshot's subtrees under the nodes its
//!   mutations touched — for spa-navigation the `<title>` and the `<main>` view — removed and
//!   re-added node by node, as an SPA re-rendering a view would), so every round starts from the
//!   same page and the DOM does not grow. Optionally a Meta + FullSnapshot every `checkout_every_ms`
//!   (rrweb's `checkoutEveryNms`; PostHog uses 5 min). `filler` list items (3 elements and 2
//!   texts each) make the page the size of a typical one rather than a demo's.
//! - [`page_loads`]: every fixture whole, in turn (each copy a page load), until the JSON is at
//!   least `min_bytes`.
//!
//! Every copy keeps its own relative timing and starts [`GAP_MS`] after the previous one ends.
//! Events copied from fixtures keep their JSON text and key order (rrweb's `type`, `data`,
//! `timestamp`; `source` first in incremental data), only `timestamp` is rewritten.
#![allow(dead_code)]

use serde::Deserialize;
use serde_json::{json, Value};

#[path = "../support/raw_event.rs"]
mod raw_event;
pub use raw_event::RawEvent;

/// A small deterministic generator (xorshift): the same seek times and orders on every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Pause between copies, in ms.
pub const GAP_MS: i64 = 500;

/// The events of a recording's JSON text (an array, or an object with `events`).
pub fn parse(text: &str) -> Vec<RawEvent> {
    #[derive(Deserialize)]
    struct Wrapped {
        events: Vec<RawEvent>,
    }
    serde_json::from_str::<Vec<RawEvent>>(text)
        .or_else(|_| serde_json::from_str::<Wrapped>(text).map(|w| w.events))
        .expect("fixture JSON")
}

/// The events of `fixtures/{name}.json` (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn fixture(name: &str) -> Vec<RawEvent> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format!("{name}.json"));
    parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// An event's JSON text in rrweb's key order.
fn event(t: i64, ty: i64, data: &Value) -> String {
    format!(r#"{{"type":{ty},"data":{},"timestamp":{t}}}"#, serde_json::to_string(data).expect("data"))
}

/// The adds that rebuild `node` (a serialized node) under `parent`, parent before child, in
/// document order, each node without its children.
fn flatten(node: &Value, parent: i64, out: &mut Vec<Value>) {
    let mut stack = vec![(node, parent)];
    while let Some((n, p)) = stack.pop() {
        let mut bare = n.clone();
        bare["childNodes"] = json!([]);
        out.push(json!({"parentId": p, "nextId": null, "node": bare}));
        if let Some(children) = n["childNodes"].as_array() {
            let id = n["id"].as_i64().expect("node id");
            for c in children.iter().rev() {
                stack.push((c, id));
            }
        }
    }
}

/// Adds `filler` list items (`<li class="row">Item n <span>details</span></li>`) at the end of
/// the snapshot's `<body>`, with ids from `first_id`.
fn add_filler(snapshot: &mut Value, filler: usize, first_id: i64) {
    if filler == 0 {
        return;
    }
    let mut id = first_id;
    let mut next = || {
        id += 1;
        id
    };
    let mut items = Vec::new();
    for i in 0..filler {
        items.push(
            json!({"type": 2, "tagName": "li", "attributes": {"class": "row", "data-row": i.to_string()}, "id": next(),
            "childNodes": [
                {"type": 3, "textContent": format!("Item {i} "), "id": next()},
                {"type": 2, "tagName": "span", "attributes": {"class": "muted"}, "id": next(),
                 "childNodes": [{"type": 3, "textContent": "details", "id": next()}]}]}),
        );
    }
    let list =
        json!({"type": 2, "tagName": "ul", "attributes": {"class": "filler"}, "childNodes": items, "id": next()});
    let html = snapshot["node"]["childNodes"]
        .as_array_mut()
        .and_then(|c| c.iter_mut().find(|n| n["tagName"] == "html"))
        .expect("html");
    let body =
        html["childNodes"].as_array_mut().and_then(|c| c.iter_mut().find(|n| n["tagName"] == "body")).expect("body");
    body["childNodes"].as_array_mut().expect("body children").push(list);
}

fn max_id(v: &Value) -> i64 {
    let mut m = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(id) = o.get("id").and_then(Value::as_i64) {
                    m = m.max(id);
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    m
}

/// The mutation that undoes a round: the snapshot subtrees under every snapshot node the
/// round's mutations add to, remove from or change (topmost ones only), removed and re-added
/// as they were, in reverse document order so each one's next sibling is there first.
fn restore_mutation(doc: &Value, round: &[&RawEvent]) -> Value {
    // id → (parent id, next sibling id, node), in document order
    let mut index: Vec<(i64, i64, Option<i64>, &Value)> = Vec::new();
    let mut stack: Vec<(&Value, i64, Option<i64>)> = vec![(doc, 0, None)];
    while let Some((n, parent, next)) = stack.pop() {
        let id = n["id"].as_i64().expect("node id");
        index.push((id, parent, next, n));
        if let Some(children) = n["childNodes"].as_array() {
            for (k, c) in children.iter().enumerate().rev() {
                stack.push((c, id, children.get(k + 1).and_then(|s| s["id"].as_i64())));
            }
        }
    }
    let find = |id: i64| index.iter().position(|e| e.0 == id);
    let mut touched = std::collections::BTreeSet::new();
    for e in round {
        let d = e.data();
        if d["source"] != 0 {
            continue;
        }
        let ids = d["adds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| &a["parentId"])
            .chain(d["removes"].as_array().into_iter().flatten().map(|r| &r["parentId"]))
            .chain(d["attributes"].as_array().into_iter().flatten().map(|a| &a["id"]))
            .chain(d["texts"].as_array().into_iter().flatten().map(|t| &t["id"]));
        touched.extend(ids.filter_map(Value::as_i64).filter(|&id| find(id).is_some()));
    }
    let topmost: Vec<usize> = touched
        .iter()
        .filter(|&&id| {
            let mut p = index[find(id).expect("indexed")].1;
            while let Some(k) = find(p) {
                if touched.contains(&p) {
                    return false;
                }
                p = index[k].1;
            }
            true
        })
        .map(|&id| find(id).expect("indexed"))
        .collect();
    let mut order = topmost.clone();
    order.sort_unstable_by(|a, b| b.cmp(a)); // reverse document order
    let removes: Vec<Value> = order.iter().map(|&k| json!({"parentId": index[k].1, "id": index[k].0})).collect();
    let mut adds = Vec::new();
    for &k in &order {
        let (_, parent, next, node) = index[k];
        let first = adds.len();
        flatten(node, parent, &mut adds);
        adds[first]["nextId"] = json!(next);
    }
    json!({"source": 0, "texts": [], "attributes": [], "removes": removes, "adds": adds})
}

/// See the module docs: `source` is spa-navigation's events. At least `min_duration_ms` long.
pub fn single_page_from(
    source: &[RawEvent],
    min_duration_ms: i64,
    checkout_every_ms: Option<i64>,
    filler: usize,
) -> Vec<String> {
    let meta = source.iter().find(|e| e.is_type(4)).expect("Meta");
    let snapshot_event = source.iter().find(|e| e.is_type(2)).expect("FullSnapshot");
    let mut snapshot = snapshot_event.data();
    let ids = source.iter().filter(|e| !e.is_type(2)).map(|e| max_id(&e.data())).max().unwrap_or(0);
    let first_filler_id = ids.max(max_id(&snapshot)) + 1000;
    add_filler(&mut snapshot, filler, first_filler_id);
    let incremental: Vec<&RawEvent> = source.iter().filter(|e| e.is_type(3)).collect();
    let restore = restore_mutation(&snapshot["node"], &incremental);
    let first = source[0].timestamp();
    let round_start = incremental[0].timestamp();
    let round_len = incremental[incremental.len() - 1].timestamp() - round_start;

    let mut out = vec![meta.json_at(first), event(snapshot_event.timestamp(), 2, &snapshot)];
    let mut t = snapshot_event.timestamp() + GAP_MS;
    let mut last_checkout = first;
    while t - first < min_duration_ms {
        if let Some(every) = checkout_every_ms {
            if t - last_checkout >= every {
                out.push(meta.json_at(t));
                out.push(event(t, 2, &snapshot));
                last_checkout = t;
                t += GAP_MS;
            }
        }
        for e in &incremental {
            out.push(e.json_at(t + e.timestamp() - round_start));
        }
        t += round_len + GAP_MS / 2;
        out.push(event(t, 3, &restore));
        t += GAP_MS / 2;
    }
    out
}

/// [`single_page_from`] with `fixtures/spa-navigation.json`.
#[cfg(not(target_arch = "wasm32"))]
pub fn single_page(min_duration_ms: i64, checkout_every_ms: Option<i64>, filler: usize) -> Vec<String> {
    single_page_from(&fixture("spa-navigation"), min_duration_ms, checkout_every_ms, filler)
}

/// Every fixture whole, in turn (file-name order), until the JSON is at least `min_bytes`.
#[cfg(not(target_arch = "wasm32"))]
pub fn page_loads(min_bytes: usize) -> Vec<String> {
    let names = [
        "checkout-dynamic",
        "console-error",
        "dead-button",
        "hesitant-signup",
        "login-form",
        "scroll-select",
        "spa-navigation",
        "touch",
        "u-turn",
    ];
    let sources: Vec<Vec<RawEvent>> = names.iter().map(|n| fixture(n)).collect();
    let mut out = Vec::new();
    let (mut bytes, mut t) = (2usize, 1_800_000_000_000i64);
    loop {
        for events in &sources {
            let base = events[0].timestamp();
            for e in events {
                let text = e.json_at(t + e.timestamp() - base);
                bytes += text.len() + 1;
                out.push(text);
            }
            t += events[events.len() - 1].timestamp() - base + GAP_MS;
            if bytes >= min_bytes {
                return out;
            }
        }
    }
}

/// The events as one JSON array.
pub fn to_json(events: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(e.as_bytes());
    }
    out.push(b']');
    out
}
