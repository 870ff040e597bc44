//! Inferred navigation (`routes.rs`) and click outcomes (`outcome.rs`) on hand-built event
//! streams shaped like rrweb 2.x's (every added node its own `adds` entry, children after
//! their parents).

use super::*;
use crate::codec::decode;
use serde_json::{json, Value};

/// An SPA page at https://app.test/app titled "Home – App":
/// - `<title>` 4 (text 5) in `<head>` 3;
/// - links: 7 "Settings" to /app/settings (text 8), 9 "Top" to #top (10), 27 "Elsewhere" to
///   another origin (28), 29 "New tab" with target=_blank (30);
/// - button#back 11 "← Back" (12); button#go 23 "Go" (24); input#q 22;
/// - `<main>` 13 holding the view: div 14 (h1 15 "Dashboard" 16, p 17 "Hello there" 18,
///   span 19 "x" 20): 7 nodes;
/// - an empty `role=alert` div 21; a plain p 25 "plain" (26);
/// - a closed `<dialog>` 31 "Delete project?" (32).
const SNAPSHOT: &str = r##"{"type":2,"timestamp":1000,"data":{"initialOffset":{"top":0,"left":0},"node":
 {"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
  {"type":2,"id":3,"tagName":"head","attributes":{},"childNodes":[
   {"type":2,"id":4,"tagName":"title","attributes":{},"childNodes":[{"type":3,"id":5,"textContent":"Home – App"}]}]},
  {"type":2,"id":6,"tagName":"body","attributes":{},"childNodes":[
   {"type":2,"id":7,"tagName":"a","attributes":{"href":"https://app.test/app/settings"},"childNodes":[{"type":3,"id":8,"textContent":"Settings"}]},
   {"type":2,"id":9,"tagName":"a","attributes":{"href":"#top"},"childNodes":[{"type":3,"id":10,"textContent":"Top"}]},
   {"type":2,"id":11,"tagName":"button","attributes":{"id":"back"},"childNodes":[{"type":3,"id":12,"textContent":"← Back"}]},
   {"type":2,"id":13,"tagName":"main","attributes":{"id":"view"},"childNodes":[
    {"type":2,"id":14,"tagName":"div","attributes":{},"childNodes":[
     {"type":2,"id":15,"tagName":"h1","attributes":{},"childNodes":[{"type":3,"id":16,"textContent":"Dashboard"}]},
     {"type":2,"id":17,"tagName":"p","attributes":{},"childNodes":[{"type":3,"id":18,"textContent":"Hello there"}]},
     {"type":2,"id":19,"tagName":"span","attributes":{},"childNodes":[{"type":3,"id":20,"textContent":"x"}]}]}]},
   {"type":2,"id":21,"tagName":"div","attributes":{"role":"alert"},"childNodes":[]},
   {"type":2,"id":22,"tagName":"input","attributes":{"id":"q","type":"text"},"childNodes":[]},
   {"type":2,"id":23,"tagName":"button","attributes":{"id":"go"},"childNodes":[{"type":3,"id":24,"textContent":"Go"}]},
   {"type":2,"id":25,"tagName":"p","attributes":{},"childNodes":[{"type":3,"id":26,"textContent":"plain"}]},
   {"type":2,"id":27,"tagName":"a","attributes":{"href":"https://other.test/x"},"childNodes":[{"type":3,"id":28,"textContent":"Elsewhere"}]},
   {"type":2,"id":29,"tagName":"a","attributes":{"href":"https://app.test/app/new","target":"_blank"},"childNodes":[{"type":3,"id":30,"textContent":"New tab"}]},
   {"type":2,"id":31,"tagName":"dialog","attributes":{},"childNodes":[{"type":3,"id":32,"textContent":"Delete project?"}]}
 ]}]}]}}}"##;

const HOME: &str = "https://app.test/app";
const SETTINGS: &str = "https://app.test/app/settings";

fn run(events: &[String]) -> Analysis {
    let mut all = vec![meta(1000, HOME), SNAPSHOT.to_string()];
    all.extend_from_slice(events);
    analyze(decode(format!("[{}]", all.join(",")).as_bytes()).unwrap())
}

fn meta(t: i64, href: &str) -> String {
    format!(r#"{{"type":4,"timestamp":{t},"data":{{"href":"{href}","width":1280,"height":720}}}}"#)
}

fn inc(t: i64, data: &str) -> String {
    format!(r#"{{"type":3,"timestamp":{t},"data":{data}}}"#)
}

fn mouse(t: i64, kind: i64, id: i64) -> String {
    inc(t, &format!(r#"{{"source":2,"type":{kind},"id":{id},"x":10,"y":20}}"#))
}

/// MouseDown, MouseUp, Click on `id` at `t`.
fn click(t: i64, id: i64) -> Vec<String> {
    vec![mouse(t, 1, id), mouse(t, 0, id), mouse(t, 2, id)]
}

fn mutation(t: i64, body: Value) -> String {
    let mut m = json!({"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []});
    for (k, v) in body.as_object().unwrap() {
        m[k] = v.clone();
    }
    inc(t, &m.to_string())
}

fn text_node(parent: i64, id: i64, text: &str) -> Value {
    json!({"parentId": parent, "nextId": null, "node": {"type": 3, "id": id, "textContent": text}})
}

fn element(parent: i64, id: i64, tag: &str, attributes: Value) -> Value {
    json!({"parentId": parent, "nextId": null, "node": {"type": 2, "id": id, "tagName": tag, "attributes": attributes, "childNodes": []}})
}

/// `document.title = title` (rrweb: the old text node removed, a new one added).
fn title_change(old_text_id: i64, new_text_id: i64, title: &str) -> (Value, Value) {
    (json!({"parentId": 4, "id": old_text_id}), text_node(4, new_text_id, title))
}

/// The view swapped: `old_view` removed from main, a new 6-node view (ids from `id`) added.
fn swap(old_view: i64, id: i64, heading: &str) -> (Value, Vec<Value>) {
    let adds = vec![
        element(13, id, "div", json!({})),
        element(id, id + 1, "h1", json!({})),
        text_node(id + 1, id + 2, heading),
        element(id, id + 3, "p", json!({})),
        text_node(id + 3, id + 4, "Some text"),
        element(id, id + 5, "hr", json!({})),
    ];
    (json!({"parentId": 13, "id": old_view}), adds)
}

/// A route change as a router renders it: title and view in one Mutation.
fn route_render(t: i64, old: (i64, i64), new: (i64, i64), title: &str) -> String {
    let (title_remove, title_add) = title_change(old.0, new.0, title);
    let (view_remove, mut adds) = swap(old.1, new.1, title);
    adds.insert(0, title_add);
    mutation(t, json!({"removes": [title_remove, view_remove], "adds": adds}))
}

fn lines(a: &Analysis) -> Vec<&str> {
    a.summary_markdown.lines().collect()
}

fn navigations(a: &Analysis) -> Vec<&Action> {
    a.actions.iter().filter(|x| x.action == ActionKind::Navigate).collect()
}

fn outcome(a: &Analysis, i: usize) -> &Value {
    &a.actions[i].metadata["outcome"]
}

// ---- inferred navigation ----

#[test]
fn link_click_then_title_and_swap_is_an_inferred_navigate() {
    let a =
        run(&[click(2000, 8), vec![route_render(2010, (5, 14), (100, 200), "Settings – App")], click(3000, 23)]
            .concat());
    assert_eq!(
        lines(&a),
        [
            "0.0s: Navigated to https://app.test/app",
            r#"1.0s: Clicked a "Settings" to /app/settings → navigated to /app/settings"#,
            r#"1.0s: Navigated to https://app.test/app/settings "Settings – App" (inferred)"#,
            r#"2.0s: Clicked button "Go" → nothing visible happened"#,
        ]
    );
    let nav = &a.actions[2];
    assert_eq!((nav.t_ms, nav.url.as_deref()), (2010, Some(SETTINGS)));
    assert_eq!(nav.metadata["inferred"], true);
    assert_eq!(nav.metadata["trigger"], "link");
    assert_eq!(nav.metadata["title"], "Settings – App");
    // The actions that follow are on the new page.
    assert_eq!(a.actions[3].url.as_deref(), Some(SETTINGS));
    assert_eq!((a.session.n_pages, a.session.exit_url.as_deref()), (2, Some(SETTINGS)));
    assert_eq!(
        outcome(&a, 1),
        &json!({"kind": "navigated", "after_ms": 10, "url": SETTINGS, "title": "Settings – App"})
    );
}

#[test]
fn a_title_change_or_a_swap_alone_follows_a_link() {
    let (title_remove, title_add) = title_change(5, 100, "Settings – App");
    let title_only = mutation(2100, json!({"removes": [title_remove], "adds": [title_add]}));
    let a = run(&[click(2000, 8), vec![title_only]].concat());
    assert_eq!(navigations(&a).len(), 2);
    let (view_remove, adds) = swap(14, 200, "Settings");
    let swap_only = mutation(2100, json!({"removes": [view_remove], "adds": adds}));
    let a = run(&[click(2000, 8), vec![swap_only]].concat());
    let navs = navigations(&a);
    assert_eq!(navs.len(), 2);
    // The title did not change: the page keeps its title.
    assert_eq!(navs[1].description, r#"Navigated to https://app.test/app/settings "Home – App" (inferred)"#);
}

#[test]
fn the_route_change_must_come_within_one_second_of_the_link_click() {
    let at = |dt| run(&[click(2000, 8), vec![route_render(2000 + dt, (5, 14), (100, 200), "Settings – App")]].concat());
    assert_eq!(navigations(&at(NAVIGATION_INFER_MS)).len(), 2);
    assert_eq!(navigations(&at(NAVIGATION_INFER_MS + 1)).len(), 1);
}

#[test]
fn small_changes_after_a_link_are_not_route_changes() {
    // A link that opens a menu: nodes added, none removed; no title change.
    let adds: Vec<Value> = (0..8).map(|i| element(6, 300 + i, "li", json!({}))).collect();
    let a = run(&[click(2000, 8), vec![mutation(2050, json!({"adds": adds}))]].concat());
    assert_eq!(navigations(&a).len(), 1);
}

#[test]
fn a_title_change_without_a_click_is_not_a_navigation() {
    // Decision: titles change for unread counters, timers, "typing…"; only a link click, or a
    // content swap back to a page seen before, makes a title change a route change.
    let (title_remove, title_add) = title_change(5, 100, "(3) Home – App");
    let a = run(&[mutation(2000, json!({"removes": [title_remove], "adds": [title_add]}))]);
    assert_eq!(navigations(&a).len(), 1);
    // Even with a content swap, a title never seen has no URL to name.
    let a = run(&[route_render(2000, (5, 14), (100, 200), "Unseen – App")]);
    assert_eq!(navigations(&a).len(), 1);
}

#[test]
fn links_that_stay_or_leave_are_not_inferred() {
    for link in [10, 28, 30] {
        // #top (same document), another origin, target=_blank: the swap has another cause.
        let a = run(&[click(2000, link), vec![route_render(2010, (5, 14), (100, 200), "Settings – App")]].concat());
        assert_eq!(navigations(&a).len(), 1, "link {link}");
    }
}

#[test]
fn history_back_returns_to_a_page_seen_before() {
    let a = run(&[
        click(2000, 8),
        vec![route_render(2010, (5, 14), (100, 200), "Settings – App")],
        // A "Back" button (no link): history.back() re-renders the first page.
        click(3000, 12),
        vec![route_render(3020, (100, 200), (300, 400), "Home – App")],
    ]
    .concat());
    let navs = navigations(&a);
    assert_eq!(navs.len(), 3);
    assert_eq!((navs[2].url.as_deref(), navs[2].t_ms), (Some(HOME), 3020));
    assert_eq!(navs[2].metadata["trigger"], "history");
    assert_eq!(
        lines(&a)[3..],
        [
            r#"2.0s: Clicked button "← Back" → navigated to /app"#,
            r#"2.0s: Navigated to https://app.test/app "Home – App" (inferred)"#,
        ]
    );
}

#[test]
fn a_stated_meta_is_not_counted_twice() {
    // rewind's recorder states the route change (Meta with the new href) before the render.
    let a =
        run(&[click(2000, 8), vec![meta(2001, SETTINGS), route_render(2010, (5, 14), (100, 200), "Settings – App")]]
            .concat());
    let navs = navigations(&a);
    assert_eq!(navs.len(), 2);
    assert_eq!(navs[1].metadata.get("inferred"), None);
    assert_eq!(navs[1].t_ms, 2001);
    // Stated after the render: the inferred action is confirmed in place, not repeated.
    let a =
        run(&[click(2000, 8), vec![route_render(2010, (5, 14), (100, 200), "Settings – App"), meta(2020, SETTINGS)]]
            .concat());
    let navs = navigations(&a);
    assert_eq!(navs.len(), 2);
    assert_eq!(navs[1].metadata.get("inferred"), None);
    assert_eq!(navs[1].description, r#"Navigated to https://app.test/app/settings "Settings – App""#);
    assert_eq!(navs[1].metadata["width"], 1280);
    // A Meta for the same URL much later (a periodic checkout) does not make it stated.
    let a =
        run(&[click(2000, 8), vec![route_render(2010, (5, 14), (100, 200), "Settings – App"), meta(9000, SETTINGS)]]
            .concat());
    let navs = navigations(&a);
    assert_eq!((navs.len(), &navs[1].metadata["inferred"]), (2, &json!(true)));
}

#[test]
fn rewind_navigation_custom_event_is_a_stated_navigate() {
    let custom = |t: i64, href: &str| {
        format!(
            r#"{{"type":5,"timestamp":{t},"data":{{"tag":"rewind.navigation","payload":{{"href":"{href}","title":"Settings – App"}}}}}}"#
        )
    };
    // A relative href resolves against the current page.
    let a = run(&[
        click(2000, 8),
        vec![custom(2001, "/app/settings"), route_render(2010, (5, 14), (100, 200), "Settings – App")],
    ]
    .concat());
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Clicked a "Settings" to /app/settings → navigated to /app/settings"#,
            r#"1.0s: Navigated to https://app.test/app/settings "Settings – App""#,
        ]
    );
    assert!(a.actions.iter().all(|x| x.action != ActionKind::Custom));
    assert_eq!(a.actions[2].metadata.get("inferred"), None);
    assert_eq!(a.session.n_pages, 2);
    // Without a usable href it stays a custom event.
    let broken = r#"{"type":5,"timestamp":2000,"data":{"tag":"rewind.navigation","payload":{"title":"x"}}}"#;
    let a = run(&[broken.to_string()]);
    assert_eq!(a.actions[1].action, ActionKind::Custom);
    assert_eq!(a.actions[1].metadata["payload"]["title"], "x");
}

// ---- click outcomes ----

#[test]
fn alert_text_is_preferred_over_text_added_first() {
    let m = mutation(
        2100,
        json!({"adds": [element(6, 100, "p", json!({})), text_node(100, 101, "Saved draft"), text_node(21, 102, "You must agree to the Terms of Service.")]}),
    );
    let a = run(&[click(2000, 23), vec![m]].concat());
    assert_eq!(lines(&a)[1], r#"1.0s: Clicked button "Go" → showed "You must agree to the Terms of Service.""#);
    assert_eq!(
        outcome(&a, 1),
        &json!({"kind": "text", "after_ms": 100, "source": "alert", "text": "You must agree to the Terms of Service."})
    );
}

#[test]
fn first_added_text_otherwise_as_recorded() {
    let m = mutation(
        2100,
        json!({"adds": [element(6, 100, "p", json!({})), text_node(100, 101, "Order   #10482 placed"), element(6, 102, "p", json!({})), text_node(102, 103, "Later")]}),
    );
    let a = run(&[click(2000, 23), vec![m]].concat());
    assert_eq!(
        outcome(&a, 1),
        &json!({"kind": "text", "after_ms": 100, "source": "added", "text": "Order #10482 placed"})
    );
    // Masked text stays masked: the outcome shows what the recording holds.
    let masked = mutation(2100, json!({"adds": [text_node(21, 100, "*********")]}));
    let a = run(&[click(2000, 23), vec![masked]].concat());
    assert!(a.actions[1].description.ends_with(r#" → showed "*********""#));
}

#[test]
fn rerendered_text_is_not_new() {
    // The view re-rendered with the same text: the page changed, no text appeared.
    let m =
        mutation(2100, json!({"removes": [{"parentId": 17, "id": 18}], "adds": [text_node(17, 100, "Hello there")]}));
    let a = run(&[click(2000, 23), vec![m]].concat());
    assert_eq!(outcome(&a, 1), &json!({"kind": "changed", "after_ms": 100}));
    assert_eq!(lines(&a)[1], r#"1.0s: Clicked button "Go""#);
}

#[test]
fn dialogs_opening() {
    // A role=dialog added, with its text.
    let m = mutation(
        2100,
        json!({"adds": [element(6, 100, "div", json!({"role": "dialog", "aria-modal": "true"})), element(100, 101, "h2", json!({})), text_node(101, 102, "Invite people")]}),
    );
    let a = run(&[click(2000, 23), vec![m]].concat());
    assert_eq!(lines(&a)[1], r#"1.0s: Clicked button "Go" → opened dialog "Invite people""#);
    assert_eq!(outcome(&a, 1), &json!({"kind": "dialog", "after_ms": 100, "text": "Invite people"}));
    // showModal() on the page's <dialog>: the `open` attribute set.
    let m = mutation(2050, json!({"attributes": [{"id": 31, "attributes": {"open": ""}}]}));
    let a = run(&[click(2000, 23), vec![m]].concat());
    assert_eq!(outcome(&a, 1), &json!({"kind": "dialog", "after_ms": 50, "text": "Delete project?"}));
}

#[test]
fn nothing_visible_and_changed() {
    // A button that does nothing; plain text that does nothing (ordinary: no suffix).
    let a = run(&[
        click(2000, 23),
        click(4000, 26),
        vec![mutation(6000, json!({"attributes": [{"id": 25, "attributes": {"class": "x"}}]}))],
    ]
    .concat());
    assert_eq!(
        lines(&a)[1..3],
        [r#"1.0s: Clicked button "Go" → nothing visible happened"#, r#"3.0s: Clicked p "plain""#]
    );
    assert_eq!(outcome(&a, 1), &json!({"kind": "nothing"}));
    assert_eq!(outcome(&a, 2), &json!({"kind": "nothing"}));
    // A class toggled: a response without text.
    let a = run(&[
        click(2000, 23),
        vec![mutation(2200, json!({"attributes": [{"id": 25, "attributes": {"class": "x"}}]}))],
    ]
    .concat());
    assert_eq!(outcome(&a, 1), &json!({"kind": "changed", "after_ms": 200}));
}

#[test]
fn the_window_is_one_and_a_half_seconds_inclusive() {
    let text_at = |dt| {
        let a =
            run(&[click(2000, 23), vec![mutation(2000 + dt, json!({"adds": [text_node(21, 100, "Done")]}))]].concat());
        a.actions[1].metadata["outcome"]["kind"].as_str().unwrap().to_string()
    };
    assert_eq!(text_at(OUTCOME_WINDOW_MS), "text");
    assert_eq!(text_at(OUTCOME_WINDOW_MS + 1), "nothing");
}

#[test]
fn the_next_gesture_ends_the_window_and_the_end_of_the_recording_resolves_it() {
    // The user clicks elsewhere before the page answers: the answer is the second click's.
    let a =
        run(&[click(2000, 23), click(2300, 12), vec![mutation(2400, json!({"adds": [text_node(21, 100, "Done")]}))]]
            .concat());
    assert_eq!(outcome(&a, 1), &json!({"kind": "nothing"}));
    assert_eq!(outcome(&a, 2)["text"], "Done");
    // The recording ends 100 ms after the click: resolved with what was seen.
    let a = run(&[click(2000, 23), vec![mutation(2050, json!({"adds": [text_node(21, 100, "Done")]}))]].concat());
    assert_eq!(outcome(&a, 1)["kind"], "text");
    let a = run(&click(2000, 23));
    assert_eq!(outcome(&a, 1)["kind"], "nothing");
}

#[test]
fn a_response_to_the_press_counts() {
    // A handler on mousedown: the page answers before the click event.
    let a = run(&[
        mouse(2000, 1, 23),
        mutation(2005, json!({"adds": [text_node(21, 100, "Pressed")]})),
        mouse(2050, 0, 23),
        mouse(2050, 2, 23),
    ]);
    assert_eq!(outcome(&a, 1), &json!({"kind": "text", "after_ms": 0, "source": "alert", "text": "Pressed"}));
}

#[test]
fn a_full_page_load_is_navigated() {
    let a =
        run(&[click(2000, 28), vec![meta(2300, "https://other.test/x"), SNAPSHOT.replace("1000", "2301")]].concat());
    assert_eq!(outcome(&a, 1)["kind"], "navigated");
    assert_eq!(lines(&a)[1], r#"1.0s: Clicked a "Elsewhere" to /x → navigated to /x"#);
}

#[test]
fn text_edited_in_place_counts_only_when_announced() {
    // A counter's text node edited (characterData): the page changed, no text appeared.
    let counter = mutation(2100, json!({"texts": [{"id": 26, "value": "3"}]}));
    let a = run(&[click(2000, 23), vec![counter]].concat());
    assert_eq!(outcome(&a, 1)["kind"], "changed");
    // The same inside a live region is announced, so it counts.
    let status = mutation(2050, json!({"adds": [text_node(21, 100, "Saving…")]}));
    let edited = mutation(2100, json!({"texts": [{"id": 100, "value": "Saved"}]}));
    let a = run(&[vec![status], click(2070, 23), vec![edited]].concat());
    assert_eq!(outcome(&a, 1)["text"], "Saved");
}
