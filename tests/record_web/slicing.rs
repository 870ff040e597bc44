//! Big pages: the time-sliced FullSnapshot (one task vs sliced, mutations and events while
//! slicing) and mutation storms (`mutationLimit` on a 2,000-row table re-rendered 10×).

use super::support::*;
use gloo_timers::future::TimeoutFuture;
use rewind::wasm::Recorder;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// The 10,000-element page: one FullSnapshot in one task (`snapshotSliceMs: 0`, the old
/// behaviour) vs time-sliced (the default). Logs the longest task; asserts only correctness.
#[wasm_bindgen_test]
async fn snapshot_of_10000_elements_in_one_task_and_sliced() {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let mut report = Vec::new();
    let mut n = 0;
    for (label, options) in [
        ("one task", r#"{"checkoutEveryMs":0,"snapshotSliceMs":0}"#),
        ("sliced", r#"{"checkoutEveryMs":0,"snapshotSliceMs":12}"#),
    ] {
        // a fresh table each time: both snapshots pay for its first style and layout
        page("");
        TimeoutFuture::new(20).await;
        table_page(2000);
        n = document().get_elements_by_tag_name("*").length();
        assert!(n >= 10_000, "{n} elements");
        TimeoutFuture::new(50).await;
        let long = LongTasks::watch();
        let (rec, sink) = recorder(options);
        let t0 = perf.now();
        rec.start().map_err(JsValue::from).unwrap();
        let start_ms = perf.now() - t0;
        let sync_events = sink.borrow().len();
        snapshot_done(&rec).await;
        let wall = perf.now() - t0;
        let (slices, slice_max, busy) =
            (stat(&rec, "snapshotSlices"), stat(&rec, "snapshotSliceMsMax"), stat(&rec, "snapshotMs"));
        let longest = match long {
            Some(l) => format!("{:.0} ms", l.stop().await),
            None => "n/a".into(),
        };
        let nodes = stat(&rec, "snapshotNodes");
        rec.stop();
        let events = parsed(&sink);
        let types: Vec<i64> = events.iter().map(|e| e["type"].as_i64().unwrap()).collect();
        assert_eq!(types, vec![4, 2], "{label}");
        if label == "one task" {
            assert_eq!(sync_events, 2, "emitted before start() returns");
            assert_eq!(slices, 1.0);
        } else {
            assert_eq!(sync_events, 0, "a 10,000-element page does not fit one slice");
            assert!(slices > 1.0);
        }
        assert_eq!(events[1]["timestamp"], events[0]["timestamp"], "Meta and FullSnapshot share the start time");
        let all = nodes_of(&events[1]["data"]["node"]);
        assert_eq!(all.len() as f64, nodes);
        let mut ids: Vec<i64> = all.iter().map(|n| n["id"].as_i64().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "unique ids");
        assert_replays(&events, "page");
        report.push(format!(
            "{label}: start() {start_ms:.1} ms, {slices} slice(s), longest slice {slice_max:.1} ms, serialize {busy:.1} ms, \
             start→emit {wall:.1} ms; longest task (PerformanceObserver) {longest}"
        ));
    }
    let msg = format!("snapshot of {n} elements: {}", report.join(" | "));
    web_sys::console::log_1(&msg.into());
}

/// Mutates `tbody` in many ways, one round per task, while a snapshot is in progress: adds,
/// removes and moves in the written and the unwritten part, text and attribute changes. Returns
/// the rounds run.
async fn mutate_while_snapshotting(rec: &Recorder, tbody: &web_sys::Element, salt: u32) -> u32 {
    let doc = document();
    let mut round = 0;
    while stat(rec, "snapshotInProgress") == 1.0 && round < 400 {
        let rows = tbody.children();
        let len = rows.length();
        let at = |i: u32| rows.item(i % len).unwrap();
        let r = round + salt;
        // Adding or moving rows dirties <tbody>, so that Mutation writes every row the snapshot
        // has not written yet (correct, and it ends the slicing): only from round 16 on.
        let kinds = if round < 16 { 6 } else { 8 };
        match r % kinds {
            0 => at(len - 1 - r).remove(), // late (likely unwritten)
            1 => at(r).remove(),           // early (written)
            2 => {
                // adds inside rows, early (written) and late (not yet)
                for i in [r, len - 2 - r] {
                    let b = doc.create_element("b").unwrap();
                    b.set_text_content(Some(&format!("added {r}")));
                    let row = at(i);
                    let td = row.last_element_child().unwrap_or_else(|| row.clone());
                    td.insert_before(&b, td.first_child().as_ref()).unwrap();
                }
            }
            3 => {
                for (i, text) in [(r * 7, "changed"), (len - 1 - r * 3, "late")] {
                    let row = at(i);
                    row.first_element_child().unwrap_or(row).set_text_content(Some(&format!("{text} {r}")));
                }
            }
            4 => {
                at(len - 2 - r).set_attribute("data-state", "late").unwrap();
                at(r).set_attribute("data-state", "early").unwrap();
            }
            5 => {
                // a cell moved from a late row to an early one and back, a row emptied, a text
                // node edited in place
                let (early, late) = (at(r + 2), at(len - 4 - r));
                if let Some(td) = late.first_element_child() {
                    early.append_child(&td).unwrap();
                }
                if let Some(td) = early.first_element_child() {
                    late.append_child(&td).unwrap();
                }
                at(len - 10 - r).set_inner_html("");
                if let Some(t) = at(r + 1).first_element_child().and_then(|c| c.first_child()) {
                    t.set_node_value(Some("edited"));
                }
            }
            6 => drop(tbody.insert_before(&at(len - 3), Some(&at(r))).unwrap()), // late → early
            _ => {
                let tr = doc.create_element("tr").unwrap();
                tr.set_inner_html(&format!("<td>new {r}</td><td><b>x</b></td>"));
                tbody.insert_before(&tr, Some(&at(len / 2 + r))).unwrap();
            }
        }
        round += 1;
        tick().await;
    }
    round
}

/// Mutations while a sliced snapshot is in progress (a 1 ms budget, so many slices), during
/// the first snapshot and during a checkout (where every node already has an id): the
/// FullSnapshot plus the Mutations after it must replay to the live DOM.
#[wasm_bindgen_test]
async fn mutations_during_a_sliced_snapshot_replay_to_the_live_dom() {
    table_page(800);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0,"snapshotSliceMs":0.25}"#);
    rec.start().map_err(JsValue::from).unwrap();
    let tbody = el("#page tbody");
    let first_rounds = mutate_while_snapshotting(&rec, &tbody, 0).await;
    let first_slices = stat(&rec, "snapshotSlices");
    tbody.first_element_child().unwrap().remove();
    tbody.append_child(&document().create_element("tr").unwrap()).unwrap();
    tick().await;
    let first_live = render_live(el("#page").as_ref());
    let first_events = parsed(&sink);

    rec.take_full_snapshot().map_err(JsValue::from).unwrap();
    let checkout_rounds = mutate_while_snapshotting(&rec, &tbody, 3).await;
    let checkout_slices = stat(&rec, "snapshotSlices");
    tbody.last_element_child().unwrap().remove();
    tick().await;
    rec.stop();
    web_sys::console::log_1(
        &format!(
            "first snapshot: {first_slices} slices, {first_rounds} rounds of mutations meanwhile; \
             checkout: {checkout_slices} slices, {checkout_rounds} rounds"
        )
        .into(),
    );
    for (slices, rounds) in [(first_slices, first_rounds), (checkout_slices, checkout_rounds)] {
        assert!(slices > 3.0, "the snapshot was sliced ({slices})");
        assert!(rounds >= 8, "mutations happened while slicing ({rounds} rounds)");
    }
    let events = parsed(&sink);
    let types: Vec<i64> = events.iter().map(|e| e["type"].as_i64().unwrap()).collect();
    assert_eq!(&types[..2], &[4, 2], "Meta + FullSnapshot first (held events after)");
    assert_eq!(types.iter().filter(|t| **t == 2).count(), 2);
    let ts: Vec<i64> = events.iter().map(|e| e["timestamp"].as_i64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "timestamps in order");
    // the first snapshot and what followed, against the page as it was then
    let snap = &first_events[1]["data"]["node"];
    let root_id = find_element(snap, |n| attr(n, "id") == "page").unwrap()["id"].as_i64().unwrap();
    let mut r = replay(&first_events);
    r.nodes.get_mut(&root_id).unwrap().0 = "ROOT".into();
    assert!(r.render("ROOT").replacen("ROOT", "div", 1) == first_live, "first snapshot + mutations replay");
    // the checkout and what followed, against the page now
    assert_replays(&events, "page");
    rewind::codec::decode(joined(&sink).as_bytes()).expect("codec decodes");
}

/// Events of the page while a sliced snapshot runs (an input, a custom event) come after it; a
/// field not written yet when its value changes is written with the new value.
#[wasm_bindgen_test]
async fn events_during_a_sliced_snapshot_follow_it() {
    table_page(1500);
    el("#page").insert_adjacent_html("afterbegin", r#"<input id="early">"#).unwrap();
    page_append(r#"<input id="late">"#);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0,"snapshotSliceMs":1}"#);
    rec.start().map_err(JsValue::from).unwrap();
    assert!(sink.borrow().is_empty(), "sliced: nothing yet");
    tick().await;
    assert_eq!(stat(&rec, "snapshotInProgress"), 1.0);
    el("#early").unchecked_into::<web_sys::HtmlInputElement>().set_value("typed");
    el("#late").unchecked_into::<web_sys::HtmlInputElement>().set_value("later");
    rec.add_custom_event("during", JsValue::NULL).map_err(JsValue::from).unwrap();
    rec.take_full_snapshot().map_err(JsValue::from).unwrap(); // in progress: the same snapshot
    rec.stop(); // finishes the snapshot first
    let events = parsed(&sink);
    let types: Vec<i64> = events.iter().map(|e| e["type"].as_i64().unwrap()).collect();
    assert_eq!(types, vec![4, 2, 3, 5], "{:?}", types);
    assert_eq!(events[2]["data"]["source"], 5);
    let snap = &events[1]["data"]["node"];
    let early = find_element(snap, |n| attr(n, "id") == "early").unwrap();
    assert_eq!(events[2]["data"]["id"], early["id"]);
    assert_eq!(events[2]["data"]["text"], "*****");
    let late = find_element(snap, |n| attr(n, "id") == "late").unwrap();
    assert_eq!(attr(late, "value"), "*****", "written after the change, with the new value");
    assert_eq!(stat(&rec, "snapshots"), 1.0);
}

/// A 2,000-row table whose rows are all replaced (`tbody.innerHTML`) 10×: each re-render is one
/// MutationObserver record of 2,000 removed + 2,000 added rows, which `mutationLimit` counts as
/// 4,000. Under the limit it is recorded as Mutations; over it (a lower limit, or ten
/// re-renders in one task) it is dropped, counted, and replaced by a fresh snapshot, and the
/// mirror lets go of the dropped rows. Every variant must replay to the live table. (Rows are
/// one cell: the batch size counts rows, not their content, and the debug build that
/// `wasm-pack test` runs is ~10× slower than release.) Returns `(mutationsDropped, snapshots, Mutation events)`.
async fn table_rerendered_10_times(label: &str, options: &str, per_task: bool) -> (f64, f64, usize) {
    let rows = |v: usize| -> String { (0..2000).map(|i| format!("<tr><td>row {i} version {v}</td></tr>")).collect() };
    let perf = web_sys::window().unwrap().performance().unwrap();
    page(&format!("<table><tbody>{}</tbody></table>", rows(0)));
    let tbody = el("#page tbody");
    let (rec, sink) = recorder(options);
    rec.start().map_err(JsValue::from).unwrap();
    snapshot_done(&rec).await;
    let t0 = perf.now();
    for v in 1..=10 {
        tbody.set_inner_html(&rows(v));
        if per_task {
            tick().await;
        }
    }
    tick().await;
    snapshot_done(&rec).await;
    let loop_ms = perf.now() - t0;
    let (dropped, snapshots, batches) =
        (stat(&rec, "mutationsDropped"), stat(&rec, "snapshots"), stat(&rec, "mutationBatches"));
    let mirror = stat(&rec, "mirrorSize");
    rec.stop();
    let bytes: usize = sink.borrow().iter().map(|e| e.len()).sum();
    web_sys::console::log_1(
        &format!(
            "2,000-row table × 10, {label}: {dropped} dropped, {snapshots} snapshots, {batches} mutation batches, \
             mirror {mirror} nodes, {bytes} bytes, re-render loop {loop_ms:.0} ms"
        )
        .into(),
    );
    // Only the events from the last FullSnapshot on matter to the replay (it starts over there).
    let raw = sink.borrow();
    let from = raw.iter().rposition(|e| e.starts_with("{\"type\":2")).unwrap();
    let events: Vec<Value> = raw[from..].iter().map(|e| serde_json::from_str(e).unwrap()).collect();
    let ts: Vec<i64> = events.iter().map(|e| e["timestamp"].as_i64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{label}: timestamps in order");
    assert_replays(&events, "page");
    // the replayer's node count: the mirror held exactly the live recorded nodes
    assert_eq!(replay(&events).nodes.len() as f64, mirror, "{label}: the mirror holds the live nodes only");
    let mutations = raw.iter().filter(|e| e.starts_with("{\"type\":3,\"data\":{\"source\":0,")).count();
    (dropped, snapshots, mutations)
}

#[wasm_bindgen_test]
async fn a_2000_row_table_rerendered_10_times_under_the_limit() {
    let (dropped, snapshots, mutations) = table_rerendered_10_times(
        "limit 10000, a re-render per task",
        r#"{"checkoutEveryMs":0,"snapshotSliceMs":12}"#,
        true,
    )
    .await;
    assert_eq!(dropped, 0.0);
    assert_eq!(snapshots, 1.0);
    assert_eq!(mutations, 10, "one Mutation per re-render");
}

#[wasm_bindgen_test]
async fn a_2000_row_table_rerendered_10_times_over_a_lower_limit() {
    let options = r#"{"checkoutEveryMs":0,"mutationLimit":1000,"snapshotSliceMs":12}"#;
    let (dropped, snapshots, mutations) =
        table_rerendered_10_times("limit 1000, a re-render per task", options, true).await;
    assert_eq!(dropped, 10.0 * 4000.0, "each re-render counts its 2,000 removed + 2,000 added rows");
    assert_eq!(snapshots, 11.0, "the first, then one per dropped re-render");
    assert_eq!(mutations, 0);
}

#[wasm_bindgen_test]
async fn a_2000_row_table_rerendered_10_times_in_one_task() {
    let (dropped, snapshots, mutations) = table_rerendered_10_times(
        "limit 10000, ten re-renders in one task",
        r#"{"checkoutEveryMs":0,"snapshotSliceMs":12}"#,
        false,
    )
    .await;
    assert_eq!(dropped, 10.0 * 4000.0, "one batch of 40,000");
    assert_eq!(snapshots, 2.0);
    assert_eq!(mutations, 0);
}

/// A script-built DOM deeper than the decoder accepts (`MAX_NODE_DEPTH`; Chromium's HTML parser
/// stops at 512, `appendChild` does not): the element whose children would be too deep is a
/// blocked placeholder, the recording decodes and analyses, and later adds below the cut are
/// not recorded while adds above it are.
#[wasm_bindgen_test]
async fn a_dom_deeper_than_the_decoder_accepts_is_cut_into_a_placeholder() {
    const LEVELS: usize = rewind::MAX_NODE_DEPTH + 100;
    page("");
    let doc = document();
    let mut chain = Vec::with_capacity(LEVELS);
    let mut parent: web_sys::Element = el("#page");
    for i in 0..LEVELS {
        let div = doc.create_element("div").unwrap();
        div.set_attribute("data-level", &i.to_string()).unwrap();
        parent.append_child(&div).unwrap();
        chain.push(div.clone());
        parent = div;
    }
    parent.set_attribute("data-bottom", "").unwrap();
    // Text unmasked: the marks below are `data-*` values, masked with the text by default.
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0,"snapshotSliceMs":12,"privacy":{"maskAllText":false}}"#);
    rec.start().map_err(JsValue::from).unwrap();
    snapshot_done(&rec).await;
    let mark = |div: &web_sys::Element, name: &str| {
        let p = doc.create_element("p").unwrap();
        p.set_attribute("data-added", name).unwrap();
        div.append_child(&p).unwrap();
    };
    mark(&chain[100], "above the cut");
    mark(&chain[LEVELS - 1], "below the cut");
    tick().await;
    rec.stop();

    let recording = rewind::codec::decode(joined(&sink).as_bytes()).expect("the recorder's own snapshot decodes");
    let analysis = rewind::analyze::analyze(recording);
    assert!(analysis.session.n_events >= 3);
    // serde_json's default recursion limit (128) is below this page's depth
    let snapshot_event: Value = sink
        .borrow()
        .iter()
        .find(|e| e.starts_with(r#"{"type":2"#))
        .map(|e| {
            let mut de = serde_json::Deserializer::from_str(e);
            de.disable_recursion_limit();
            serde::Deserialize::deserialize(&mut de).unwrap()
        })
        .expect("a FullSnapshot");
    let snapshot = &snapshot_event["data"]["node"];
    // depth of each node, the document being 0
    let mut stack = vec![(snapshot, 0usize)];
    let (mut deepest, mut placeholders) = (0, Vec::new());
    while let Some((n, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        if n["needBlock"] == true {
            placeholders.push((depth, attr(n, "rr_width").clone(), n["childNodes"].as_array().map_or(0, Vec::len)));
        }
        if let Some(children) = n["childNodes"].as_array() {
            stack.extend(children.iter().map(|c| (c, depth + 1)));
        }
    }
    assert_eq!(deepest, rewind::MAX_NODE_DEPTH - 1);
    assert_eq!(placeholders.len(), 1, "{placeholders:?}");
    let (depth, width, children) = &placeholders[0];
    assert_eq!((*depth, *children), (rewind::MAX_NODE_DEPTH - 1, 0));
    assert!(width.as_str().is_some_and(|w| w.ends_with("px")), "{width}");
    let raw = joined(&sink);
    assert!(raw.contains("above the cut"));
    assert!(!raw.contains("below the cut"));
    assert!(!raw.contains("data-bottom"), "nothing below the cut");
}
