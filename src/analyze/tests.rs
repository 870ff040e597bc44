//! Action extraction on hand-built event streams, edges included.

use super::*;
use crate::codec::decode;

/// A page: button#go "Go" (id 5) with an icon span (6), input#q labelled "Search" (8),
/// checkbox "Remember" (10) inside its label (9, text 11), select "Size" (12) with options
/// m "Medium" and (in an optgroup) xl "Extra large", paragraph 13 with text node 14, password
/// input 20 inside label "Password" (21), checkbox "Gift" (23), checked in the snapshot.
const SNAPSHOT: &str = r#"{"type":2,"timestamp":1000,"data":{"initialOffset":{"top":0,"left":0},"node":
 {"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
  {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[
   {"type":2,"id":5,"tagName":"button","attributes":{"id":"go","data-testid":"go-btn"},"childNodes":[
     {"type":2,"id":6,"tagName":"span","attributes":{"class":"icon"},"childNodes":[]},{"type":3,"id":4,"textContent":"Go"}]},
   {"type":2,"id":7,"tagName":"label","attributes":{"for":"q"},"childNodes":[{"type":3,"id":15,"textContent":"Search"}]},
   {"type":2,"id":8,"tagName":"input","attributes":{"id":"q","type":"search","data-testid":"q"},"childNodes":[]},
   {"type":2,"id":9,"tagName":"label","attributes":{},"childNodes":[
     {"type":2,"id":10,"tagName":"input","attributes":{"type":"checkbox"},"childNodes":[]},{"type":3,"id":11,"textContent":"Remember"}]},
   {"type":2,"id":12,"tagName":"select","attributes":{"aria-label":"Size"},"childNodes":[
     {"type":2,"id":16,"tagName":"option","attributes":{"value":"m"},"childNodes":[{"type":3,"id":17,"textContent":"Medium"}]},
     {"type":2,"id":18,"tagName":"optgroup","attributes":{},"childNodes":[
       {"type":2,"id":19,"tagName":"option","attributes":{"value":"xl"},"childNodes":[{"type":3,"id":24,"textContent":" Extra large "}]}]}]},
   {"type":2,"id":13,"tagName":"p","attributes":{},"childNodes":[{"type":3,"id":14,"textContent":"Hello wide world"}]},
   {"type":2,"id":21,"tagName":"label","attributes":{},"childNodes":[
     {"type":3,"id":22,"textContent":"Password"},{"type":2,"id":20,"tagName":"input","attributes":{"type":"password"},"childNodes":[]}]},
   {"type":2,"id":23,"tagName":"input","attributes":{"type":"checkbox","aria-label":"Gift","checked":true},"childNodes":[]}
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

fn input(t: i64, id: i64, text: &str) -> String {
    inc(t, &format!(r#"{{"source":5,"id":{id},"text":"{text}","isChecked":false}}"#))
}

/// Keystrokes typing `text` into node `id`, one Input event per character, `gap` ms apart.
fn typing(t: i64, id: i64, text: &str, gap: i64) -> Vec<String> {
    (1..=text.chars().count())
        .map(|n| input(t + gap * (n as i64 - 1), id, &text.chars().take(n).collect::<String>()))
        .collect()
}

#[test]
fn a_clear_ends_an_entry_and_each_entry_keeps_its_value() {
    // The todo-app pattern: type, submit (the app clears the field), type again at once.
    let mut events = typing(2000, 8, "Buy milk", 40);
    events.push(input(2400, 8, ""));
    events.extend(typing(2500, 8, "Walk", 40));
    events.push(input(2700, 8, ""));
    let a = run(&events);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "Buy milk" into input "Search" type=search"#,
            r#"1.5s: Typed "Walk" into input "Search" type=search"#
        ]
    );
    assert_eq!((a.actions[1].metadata["value"].as_str(), a.actions[1].t_ms), (Some("Buy milk"), 2000));
    assert_eq!(a.session.n_inputs, 2);
}

#[test]
fn an_entry_keeps_its_elements_selectors_as_it_grows() {
    let a = run(&typing(2000, 8, "milk", 40));
    assert_eq!(a.actions[1].metadata["value"], "milk");
    assert_eq!(a.actions[1].metadata["selectors"]["data-testid"], "q", "{:?}", a.actions[1].metadata);
}

#[test]
fn a_replacement_starts_an_entry_but_an_edit_does_not() {
    let a = run(&[input(2000, 8, "shoe"), input(2100, 8, "shoes"), input(2200, 8, "shoos"), input(2300, 8, "boot")]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "shoos" into input "Search" type=search"#,
            r#"1.3s: Typed "boot" into input "Search" type=search"#
        ]
    );
}

#[test]
fn a_click_or_focus_elsewhere_or_a_blur_ends_an_entry() {
    let a = run(&[
        input(2000, 8, "a"),
        mouse(2100, 2, 5), // click on the button
        input(2200, 8, "ab"),
        mouse(2300, 5, 12), // focus moves to the select
        input(2400, 8, "abc"),
        mouse(2500, 6, 8), // the field loses focus
        input(2600, 8, "abcd"),
        mouse(2700, 2, 8), // a click in the field itself does not end its entry
        input(2800, 8, "abcde"),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "a" into input "Search" type=search"#,
            r#"1.1s: Clicked button "Go""#,
            r#"1.2s: Typed "ab" into input "Search" type=search"#,
            r#"1.3s: Focused select "Size""#,
            r#"1.4s: Typed "abc" into input "Search" type=search"#,
            r#"1.6s: Typed "abcde" into input "Search" type=search"#,
            r#"1.7s: Clicked input "Search" type=search"#,
        ]
    );
}

#[test]
fn a_pause_of_more_than_one_second_ends_an_entry() {
    let a = run(&[input(2000, 8, "s"), input(3000, 8, "sh"), input(4001, 8, "sho")]);
    // Exactly DEBOUNCE_MS later still continues; 1,001 ms later starts a new entry.
    assert_eq!(
        lines(&a)[1..],
        [r#"1.0s: Typed "sh" into input "Search" type=search"#, r#"3.0s: Typed "sho" into input "Search" type=search"#]
    );
}

#[test]
fn clears_the_user_made_are_actions_the_apps_reset_after_a_submit_is_not() {
    let a = run(&[
        input(2000, 8, "abc"),
        mouse(2200, 2, 5), // "Go" submits; the app resets the field right after
        input(2210, 8, ""),
        input(5000, 8, "x"),
        input(8000, 8, ""), // long after the entry: the user emptied the field
    ]);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "abc" into input "Search" type=search"#,
            r#"1.2s: Clicked button "Go""#,
            r#"4.0s: Typed "x" into input "Search" type=search"#,
            r#"7.0s: Cleared input "Search" type=search"#,
        ]
    );
}

#[test]
fn enter_submits_through_a_synthetic_click_and_the_apps_clear_ends_the_entry() {
    // Chromium submits a form on Enter by clicking its default button at (0, 0); the app then
    // clears the field, and the user types the next entry at once.
    let synthetic = inc(2300, r#"{"source":2,"type":2,"id":5,"x":0,"y":0,"pointerType":0}"#);
    let mut events = typing(2000, 8, "milk", 40);
    events.extend([synthetic, input(2303, 8, "")]);
    events.extend(typing(2400, 8, "eggs", 40));
    let a = run(&events);
    assert_eq!(
        lines(&a)[1..],
        [
            r#"1.0s: Typed "milk" into input "Search" type=search"#,
            r#"1.3s: Clicked button "Go""#,
            r#"1.4s: Typed "eggs" into input "Search" type=search"#,
        ]
    );
}

#[test]
fn masked_values_are_counted_never_shown() {
    let a = run(&typing(2000, 20, "***************", 30));
    assert_eq!(lines(&a)[1..], [r#"1.0s: Typed 15 masked characters into input "Password" type=password"#]);
    let m = &a.actions[1].metadata;
    assert_eq!((m.get("value"), m["masked"].as_bool(), m["length"].as_u64()), (None, Some(true), Some(15)));
    assert!(!a.to_replay_json().contains("**"));
}

#[test]
fn select_shows_the_chosen_options_text() {
    let a = run(&[input(2000, 12, "xl"), input(4000, 12, "zz")]);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.0s: Chose "Extra large" in select "Size""#, r#"3.0s: Chose "zz" in select "Size""#]
    );
    assert_eq!(
        (a.actions[1].metadata["value"].as_str(), a.actions[1].metadata["option"].as_str()),
        (Some("xl"), Some("Extra large"))
    );
    assert_eq!(a.actions[2].metadata.get("option"), None);
}

#[test]
fn inputs_that_leave_the_known_state_unchanged_are_not_actions() {
    let check =
        |t, id, checked: bool| inc(t, &format!(r#"{{"source":5,"id":{id},"text":"on","isChecked":{checked}}}"#));
    let set_value = inc(
        2500,
        r#"{"source":0,"adds":[],"removes":[],"texts":[],"attributes":[{"id":8,"attributes":{"value":"hello"}}]}"#,
    );
    let a = run(&[
        check(2000, 23, true),  // checked in the snapshot
        check(2100, 10, false), // unchecked: no attribute
        input(2200, 8, ""),     // an empty field emptied again
        set_value,
        input(2600, 8, "hello"), // the value the attribute mutation already set
        check(3000, 23, false),  // a real change
        check(3100, 23, false),  // … re-rendered
        input(3200, 12, "m"),
        input(5200, 12, "m"),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [r#"2.0s: Unchecked input "Gift" type=checkbox"#, r#"2.2s: Chose "Medium" in select "Size""#]
    );
}

#[test]
fn user_triggered_is_trusted_when_recorded() {
    let a = run(&[
        inc(2000, r#"{"source":5,"id":23,"text":"on","isChecked":true,"userTriggered":true}"#),
        inc(2100, r#"{"source":5,"id":8,"text":"auto","isChecked":false,"userTriggered":false}"#),
        inc(2200, r#"{"source":5,"id":8,"text":"auto","isChecked":false}"#), // now known: no change
    ]);
    assert_eq!(lines(&a)[1..], [r#"1.0s: Checked input "Gift" type=checkbox"#]);
}

#[test]
fn a_tick_and_the_click_that_made_it_are_one_input_action() {
    let check = |t, checked: bool| inc(t, &format!(r#"{{"source":5,"id":10,"text":"on","isChecked":{checked}}}"#));
    let a = run(&[
        mouse(2000, 1, 11),
        mouse(2001, 5, 10), // the label focuses its box
        mouse(2050, 0, 11),
        mouse(2051, 2, 11), // click on the label's text
        check(2052, true),
        mouse(4000, 2, 10), // click on the box itself
        check(4001, false),
    ]);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.1s: Checked input "Remember" type=checkbox"#, r#"3.0s: Unchecked input "Remember" type=checkbox"#]
    );
    let tick = &a.actions[1];
    assert_eq!(
        (tick.action, tick.t_ms, tick.target_node_id, tick.metadata["x"].as_i64()),
        (ActionKind::Input, 2051, Some(10), Some(10))
    );
    assert_eq!((a.session.n_clicks, a.session.n_inputs), (0, 2));
}

#[test]
fn a_rage_burst_is_one_line_and_an_earlier_click_is_not_part_of_it() {
    let mut events = vec![mouse(2000, 2, 5)];
    for k in 0..5 {
        events.push(mouse(4950 + k * 150, 1, 5));
        events.push(mouse(5000 + k * 150, 2, 5));
    }
    let a = run(&events);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.0s: Clicked button "Go" → nothing visible happened"#, r#"4.0s: Rage-clicked button "Go" 5× in 0.6 s"#]
    );
    assert_eq!(a.actions.len(), 7, "the clicks stay actions");
    assert_eq!(a.actions[1].metadata.get("rage"), None);
    assert_eq!(a.actions[2].metadata["rage"], serde_json::json!({"start_ms": 5000, "count": 5, "span_ms": 600}));
    assert_eq!(a.session.n_clicks, 6);
}

#[test]
fn quick_clicks_the_page_answers_each_time_are_not_rage() {
    let answer = |t| {
        inc(
            t,
            r#"{"source":0,"adds":[],"removes":[],"texts":[],"attributes":[{"id":13,"attributes":{"class":"busy"}}]}"#,
        )
    };
    let mut events = Vec::new();
    for k in 0..4 {
        events.push(mouse(2000 + k * 200, 2, 5));
        events.push(answer(2050 + k * 200));
    }
    let a = run(&events);
    assert_eq!(lines(&a)[1..], [r#"1.0s: Clicked button "Go" (×4 over 0.6 s)"#]);
}

#[test]
fn a_triple_click_that_selects_text_is_one_select_action() {
    let select = |t, so, eo| {
        inc(t, &format!(r#"{{"source":14,"ranges":[{{"start":14,"startOffset":{so},"end":14,"endOffset":{eo}}}]}}"#))
    };
    let a = run(&[
        mouse(2000, 1, 13),
        mouse(2050, 0, 13),
        mouse(2051, 2, 13),
        mouse(2150, 1, 13),
        mouse(2200, 0, 13),
        mouse(2201, 2, 13),
        mouse(2202, 4, 13),
        select(2210, 6, 10), // the double click selected a word
        mouse(2300, 1, 13),
        select(2301, 0, 16), // the third press selects the paragraph
        mouse(2350, 0, 13),
        mouse(2351, 2, 13),
        mouse(5000, 2, 13), // a later click is a click
    ]);
    assert_eq!(
        lines(&a)[1..],
        [r#"1.1s: Selected text "Hello wide world" in p "Hello wide world""#, r#"4.0s: Clicked p "Hello wide world""#]
    );
    assert_eq!((a.actions[1].action, a.actions[1].t_ms), (ActionKind::Select, 2051));
    assert_eq!(a.session.n_clicks, 1);
}

#[test]
fn a_drag_that_selects_text_is_one_select_action() {
    let select = |t, eo| {
        inc(t, &format!(r#"{{"source":14,"ranges":[{{"start":14,"startOffset":0,"end":14,"endOffset":{eo}}}]}}"#))
    };
    let a = run(&[mouse(2000, 1, 14), select(2100, 3), select(2200, 5), mouse(2300, 0, 13), mouse(2301, 2, 13)]);
    assert_eq!(lines(&a)[1..], [r#"1.1s: Selected text "Hello" in p "Hello wide world""#]);
    assert_eq!(a.session.n_clicks, 0);
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
