//! The focused element in the virtual DOM: Focus and Input give it, a Blur of it and a new
//! FullSnapshot take it away, and a checkpoint (a clone) carries it.

use super::tests::{el, events, page};
use super::*;

fn inc(t: i64, source: u8, body: &str) -> String {
    format!(r#"{{"type":3,"data":{{"source":{source},{body}}},"timestamp":{t}}}"#)
}

fn interaction(t: i64, kind: u8, id: i64) -> String {
    inc(t, 2, &format!(r#""type":{kind},"id":{id},"x":1,"y":2"#))
}

fn input(t: i64, id: i64) -> String {
    inc(t, 5, &format!(r#""id":{id},"text":"a","isChecked":false"#))
}

/// The id of the focused element after `more` on a page with inputs 6 and 7 and a text node 8.
fn focused_after(more: &[String]) -> Option<i64> {
    let body =
        format!("{},{},{}", el(6, "input", "", ""), el(7, "input", "", ""), r#"{"type":3,"id":8,"textContent":"t"}"#);
    let mut dom = VDom::new();
    for e in events(&format!("[{}{}{}]", page(&body), if more.is_empty() { "" } else { "," }, more.join(","))) {
        dom.apply(&e);
    }
    dom.focused().map(|s| dom.node(s).id)
}

#[test]
fn focus_follows_focus_blur_and_input_events() {
    assert_eq!(focused_after(&[]), None, "nothing focused on a new page");
    assert_eq!(focused_after(&[interaction(1100, 5, 6)]), Some(6), "Focus (5)");
    assert_eq!(focused_after(&[interaction(1100, 5, 6), interaction(1200, 6, 6)]), None, "its Blur (6)");
    assert_eq!(
        focused_after(&[interaction(1100, 5, 6), interaction(1200, 5, 7), interaction(1300, 6, 6)]),
        Some(7),
        "a late Blur of another element"
    );
    assert_eq!(focused_after(&[input(1100, 7)]), Some(7), "typing into a field focuses it");
    assert_eq!(focused_after(&[interaction(1100, 2, 6)]), None, "a click alone says nothing about focus");
    assert_eq!(focused_after(&[interaction(1100, 5, 8)]), None, "a text node is no focused element");
    assert_eq!(focused_after(&[interaction(1100, 5, 99)]), None, "an unknown id");
    assert_eq!(
        focused_after(&[interaction(1100, 5, 6), page(&el(6, "input", "", "")).replace("1000", "2000")]),
        None,
        "a new FullSnapshot"
    );
}

#[test]
fn a_focus_change_is_recorded_for_the_edge_and_kept_by_a_checkpoint() {
    let body = el(6, "input", "", "");
    let mut dom = VDom::new();
    dom.set_recording(true);
    for e in events(&format!("[{},{},{}]", page(&body), interaction(1100, 5, 6), interaction(1150, 5, 6))) {
        dom.apply(&e);
    }
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    assert_eq!(changes.iter().filter(|c| matches!(c, Change::Focus)).count(), 1, "once, not per repeated Focus");
    let checkpoint = dom.clone();
    assert_eq!(checkpoint.focused(), dom.focused());
}
