//! Action extraction on hand-built event streams, edges included.

use super::*;
use crate::codec::decode;

/// A page: button#go "Go" (id 5) with an icon span (6), input#q labelled "Search" (8),
/// checkbox "Remember" (10), select "Size" (12), paragraph text node (14).
const SNAPSHOT: &str = r#"{"type":2,"timestamp":1000,"data":{"initialOffset":{"top":0,"left":0},"node":
 {"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
  {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[
   {"type":2,"id":5,"tagName":"button","attributes":{"id":"go","data-testid":"go-btn"},"childNodes":[
     {"type":2,"id":6,"tagName":"span","attributes":{"class":"icon"},"childNodes":[]},{"type":3,"id":4,"textContent":"Go"}]},
   {"type":2,"id":7,"tagName":"label","attributes":{"for":"q"},"childNodes":[{"type":3,"id":15,"textContent":"Search"}]},
   {"type":2,"id":8,"tagName":"input","attributes":{"id":"q","type":"search"},"childNodes":[]},
   {"type":2,"id":9,"tagName":"label","attributes":{},"childNodes":[
     {"type":2,"id":10,"tagName":"input","attributes":{"type":"checkbox"},"childNodes":[]},{"type":3,"id":11,"textContent":"Remember"}]},
   {"type":2,"id":12,"tagName":"select","attributes":{"aria-label":"Size"},"childNodes":[]},
   {"type":2,"id":13,"tagName":"p","attributes":{},"childNodes":[{"type":3,"id":14,"textContent":"Hello wide world"}]}
 ]}]}]}}}"#;

fn run(events: &[String]) -> Analysis {
    let mut all = vec![
        r#"{"type":4,"timestamp":1000,"data":{"href":"https://shop.test/a?x=1","width":1280,"height":720}}"#
            .to_string(),
        SNAPSHOT.to_string(),
    ];
    all.extend_from_slice(events);
    analyze(decode(format!("[{}]", all.join(",")).as_bytes()).unwrap())
}

fn inc(t: i64, data: &str) -> String {
    format!(r#"{{"type":3,"timestamp":{t},"data":{data}}}"#)
}

fn mouse(t: i64, kind: i64, id: i64) -> String {
    inc(t, &format!(r#"{{"source":2,"type":{kind},"id":{id},"x":10,"y":20}}"#))
}

fn lines(a: &Analysis) -> Vec<&str> {
    a.summary_markdown.lines().collect()
}

#[test]
fn click_family_and_focus_merging() {
    let a = run(&[
        mouse(2000, 1, 6), // mousedown
        mouse(2001, 5, 5), // focus on the button
        mouse(2050, 0, 6), // mouseup
        mouse(2051, 2, 6), // click on the icon inside it
        mouse(3000, 4, 14),
        mouse(3500, 3, 13),
        mouse(4000, 5, 8), // keyboard focus: no click follows
    ]);
    assert_eq!(
        lines(&a),
        [
            "0.0s: Navigated to https://shop.test/a?x=1",
            r#"1.1s: Clicked span in button "Go" → nothing visible happened"#,
            r#"2.0s: Double-clicked p "Hello wide world""#,
            r#"2.5s: Right-clicked p "Hello wide world""#,
            r#"3.0s: Focused input "Search" type=search"#,
        ]
    );
    let click = &a.actions[1];
    assert_eq!((click.action, click.target_node_id), (ActionKind::Click, Some(6)));
    assert_eq!(click.metadata["interaction"], "click");
    assert_eq!(click.metadata["selectors"]["data-testid"], "go-btn");
    assert_eq!((click.metadata["x"].as_i64(), click.url.as_deref()), (Some(10), Some("https://shop.test/a?x=1")));
    assert_eq!(a.actions[2].metadata["interaction"], "dblclick");
    assert_eq!(a.actions[3].metadata["interaction"], "right_click");
    assert_eq!(a.actions[4].metadata["interaction"], "focus");
    // Focus is not a genuine click.
    assert_eq!((a.session.n_clicks, a.session.n_actions), (3, 5));
}

#[test]
fn input_debounces_per_node_at_exactly_one_second() {
    let input = |t, id, text: &str| inc(t, &format!(r#"{{"source":5,"id":{id},"text":"{text}","isChecked":false}}"#));
    let a = run(&[
        input(2000, 8, "s"),
        input(2500, 8, "sh"),
        input(2600, 12, "XL"),  // another node does not break the burst
        input(3500, 8, "sho"),  // exactly DEBOUNCE_MS after the previous one: same action
        input(4501, 8, "shoe"), // 1,001 ms later: a new action
        input(5000, 8, ""),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "sho" into input "Search" type=search"#,
            r#"1.6s: Chose "XL" in select "Size""#,
            r#"3.5s: Cleared input "Search" type=search"#,
        ]
    );
    assert_eq!(a.actions[1].metadata["value"], "sho");
    assert_eq!(a.actions[3].metadata["value"], "");
    assert_eq!(a.session.n_inputs, 3);
}

#[test]
fn checkbox_and_programmatic_input() {
    let check = |t, checked: bool| inc(t, &format!(r#"{{"source":5,"id":10,"text":"on","isChecked":{checked}}}"#));
    let scripted = inc(2100, r#"{"source":5,"id":8,"text":"auto","isChecked":false,"userTriggered":false}"#);
    let a = run(&[check(2000, true), scripted, check(4000, false)]);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.0s: Checked input "Remember" type=checkbox"#, r#"3.0s: Unchecked input "Remember" type=checkbox"#]
    );
    assert_eq!(a.actions[1].metadata["checked"], true);
}

#[test]
fn scroll_debounce_per_target() {
    let scroll = |t, id, y| inc(t, &format!(r#"{{"source":3,"id":{id},"x":0,"y":{y}}}"#));
    let a = run(&[
        scroll(2000, 1, 100),
        scroll(2900, 1, 300),
        scroll(3000, 13, 50),
        scroll(3100, 1, 400),
        scroll(5000, 1, 900),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [
            "1.0s: Scrolled page to y=300",
            r#"2.0s: Scrolled p "Hello wide world" to y=50"#,
            "2.1s: Scrolled page to y=400",
            "4.0s: Scrolled page to y=900",
        ]
    );
    assert_eq!(a.actions[1].metadata["y"], 300);
}

#[test]
fn selection_excerpt_in_utf16_offsets_and_cleared_selections() {
    let select = |t, start, so, end, eo| {
        inc(
            t,
            &format!(
                r#"{{"source":14,"ranges":[{{"start":{start},"startOffset":{so},"end":{end},"endOffset":{eo}}}]}}"#
            ),
        )
    };
    let a = run(&[
        select(2000, 14, 6, 14, 8),
        select(2300, 14, 6, 14, 10), // the drag goes on: same action, final excerpt
        inc(2400, r#"{"source":14,"ranges":[]}"#),
        select(5000, 14, 3, 14, 3), // collapsed caret
        select(6000, 11, 0, 14, 5), // across nodes
    ]);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.0s: Selected text "wide" in p "Hello wide world""#, r#"5.0s: Selected text in label "Remember""#]
    );
    assert_eq!(a.actions[1].metadata["excerpt"], "wide");
}

#[test]
fn console_errors_custom_events_and_navigation() {
    let console = |t, level: &str| {
        format!(
            r#"{{"type":6,"timestamp":{t},"data":{{"plugin":"rrweb/console@1","payload":{{"level":"{level}","trace":["at f (app.js:1:2)"],"payload":["\"Failed to load\"","{{\"code\":500}}"]}}}}}}"#
        )
    };
    let meta =
        |t, href: &str| format!(r#"{{"type":4,"timestamp":{t},"data":{{"href":"{href}","width":1,"height":1}}}}"#);
    let a = run(&[
        console(2000, "warn"),
        console(2100, "error"),
        r#"{"type":5,"timestamp":2200,"data":{"tag":"checkout-started","payload":{"items":2}}}"#.into(),
        meta(3000, "https://shop.test/a?x=1"), // a periodic checkout: same URL, not a navigation
        meta(4000, "https://shop.test/b"),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.1s: Console error: Failed to load {"code":500}"#,
            "1.2s: checkout-started",
            "3.0s: Navigated to https://shop.test/b",
        ]
    );
    assert_eq!(a.actions[1].metadata["trace"], "at f (app.js:1:2)");
    assert_eq!(a.actions[2].metadata["payload"]["items"], 2);
    let s = &a.session;
    assert_eq!((s.n_errors, s.n_pages, s.n_events), (1, 2, 7));
    assert_eq!(s.entry_url.as_deref(), Some("https://shop.test/a?x=1"));
    assert_eq!(s.exit_url.as_deref(), Some("https://shop.test/b"));
    assert_eq!((s.start_time, s.end_time, s.duration_s), (Some(1000), Some(4000), 3.0));
    assert_eq!(s.replay_id, "rrweb-1000");
}

#[test]
fn touch_and_mutations_feed_descriptions() {
    let add = inc(
        2000,
        r#"{"source":0,"adds":[{"parentId":3,"nextId":null,"node":{"type":2,"id":20,"tagName":"button","attributes":{"title":"Remove item"},"childNodes":[]}}],
            "attributes":[{"id":5,"attributes":{"aria-label":"Checkout"}}],"texts":[],"removes":[{"parentId":3,"id":13}]}"#,
    );
    let a = run(&[add, mouse(2500, 7, 20), mouse(2600, 2, 5), mouse(2700, 2, 14)]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.5s: Touched button "Remove item""#,
            r#"1.6s: Clicked button "Checkout" → nothing visible happened"#,
            "1.7s: Clicked element"
        ]
    );
    assert_eq!(a.actions[1].action, ActionKind::TouchStart);
}

#[test]
fn full_snapshot_replaces_the_dom() {
    let reload = r#"{"type":2,"timestamp":3000,"data":{"initialOffset":{"top":0,"left":0},"node":{"type":0,"id":1,"childNodes":[
        {"type":2,"id":2,"tagName":"a","attributes":{"href":"https://shop.test/help"},"childNodes":[{"type":3,"id":3,"textContent":"Help"}]}]}}}"#;
    let a = run(&[reload.into(), mouse(3100, 2, 2), mouse(3200, 2, 5)]);
    assert_eq!(
        lines(&a)[1..],
        [r#"2.1s: Clicked a "Help" to /help → nothing visible happened"#, "2.2s: Clicked element"]
    );
}

#[test]
fn empty_recording() {
    let a = analyze(decode(b"[]").unwrap());
    assert_eq!(a.summary_markdown, "No user actions recorded.\n");
    assert_eq!((a.session.start_time, a.session.n_events, a.session.duration_s), (None, 0, 0.0));
}

#[test]
fn replay_json_has_the_contract_fields_in_order() {
    let a = run(&[mouse(2000, 2, 5)]);
    let json = a.to_replay_json();
    let keys = [
        "replay_id",
        "distinct_id",
        "start_time",
        "end_time",
        "duration_s",
        "n_events",
        "n_actions",
        "n_clicks",
        "n_inputs",
        "n_pages",
        "n_errors",
        "entry_url",
        "exit_url",
        "summary_markdown",
        "actions",
        "warnings",
    ];
    let mut at = 0;
    for key in keys {
        let found = json[at..].find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} missing or out of order"));
        at += found;
    }
    assert!(json.contains(
        r#"{"t_ms":2000,"action":"click","target_node_id":5,"target_desc":"button \"Go\"","description":"Clicked button \"Go\" → nothing visible happened","url":"https://shop.test/a?x=1","metadata":"#
    ));
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let json = format!(
        "[{},{},{}]",
        r#"{"type":3,"timestamp":-9223372036854775808,"data":{"source":3,"id":1,"x":0,"y":1}}"#,
        r#"{"type":3,"timestamp":9223372036854775807,"data":{"source":3,"id":1,"x":0,"y":2}}"#,
        r#"{"type":3,"timestamp":9223372036854775807,"data":{"source":2,"type":2,"id":1}}"#
    );
    let a = analyze(decode(json.as_bytes()).unwrap());
    assert_eq!(a.actions.len(), 3);
    assert!(a.session.duration_s > 0.0);
}
