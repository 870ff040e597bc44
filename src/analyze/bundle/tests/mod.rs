//! Unit tests of the bundle on hand-built rrweb event streams: one small page, events written
//! as rrweb writes them, then the aggregation under test.

mod clicks;
mod filters;
mod signals;
mod vitals;

use super::*;
use crate::analyze::{analyze, Action};

/// The first event's timestamp.
pub(super) const T0: i64 = 1_700_000_000_000;

/// Node ids of the test page.
pub(super) const BUTTON: i64 = 4; // button#apply "Apply coupon" (text 5)
pub(super) const ICON: i64 = 6; // svg inside the button
pub(super) const SEARCH: i64 = 7; // input#q type=text placeholder "Search"
pub(super) const PARA: i64 = 8; // p#para (text 9)
pub(super) const PARA_TEXT: i64 = 9;
pub(super) const LINK: i64 = 10; // a href=/next "Next" (text 11)
pub(super) const PLAIN: i64 = 12; // div (text 13)
pub(super) const SUBMIT: i64 = 14; // button type=submit "Send" (text 15)
pub(super) const EDITOR: i64 = 16; // div contenteditable (text 17)
pub(super) const BOX: i64 = 18; // div#box aria-label "Notes": a scrollable box
pub(super) const CHECKBOX: i64 = 19; // input type=checkbox

const SNAPSHOT: &str = r#"{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
  {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[
    {"type":2,"id":4,"tagName":"button","attributes":{"id":"apply","data-testid":"apply"},"childNodes":[
      {"type":3,"id":5,"textContent":"Apply coupon"},{"type":2,"id":6,"tagName":"svg","attributes":{},"childNodes":[]}]},
    {"type":2,"id":7,"tagName":"input","attributes":{"id":"q","type":"text","placeholder":"Search"},"childNodes":[]},
    {"type":2,"id":8,"tagName":"p","attributes":{"id":"para"},"childNodes":[{"type":3,"id":9,"textContent":"Some paragraph text"}]},
    {"type":2,"id":10,"tagName":"a","attributes":{"href":"https://shop.test/next"},"childNodes":[{"type":3,"id":11,"textContent":"Next"}]},
    {"type":2,"id":12,"tagName":"div","attributes":{},"childNodes":[{"type":3,"id":13,"textContent":"Plain"}]},
    {"type":2,"id":14,"tagName":"button","attributes":{"type":"submit"},"childNodes":[{"type":3,"id":15,"textContent":"Send"}]},
    {"type":2,"id":16,"tagName":"div","attributes":{"contenteditable":"true"},"childNodes":[{"type":3,"id":17,"textContent":"Edit me"}]},
    {"type":2,"id":18,"tagName":"div","attributes":{"id":"box","aria-label":"Notes"},"childNodes":[]},
    {"type":2,"id":19,"tagName":"input","attributes":{"type":"checkbox","aria-label":"Remember"},"childNodes":[]}
  ]}]}]}"#;

/// Milliseconds after [`T0`] as a timestamp.
pub(super) fn at(ms: i64) -> i64 {
    T0 + ms
}

pub(super) fn meta(ms: i64, href: &str) -> String {
    format!(r#"{{"type":4,"timestamp":{},"data":{{"href":"{href}","width":1280,"height":720}}}}"#, at(ms))
}

pub(super) fn snapshot(ms: i64) -> String {
    format!(r#"{{"type":2,"timestamp":{},"data":{{"initialOffset":{{"top":0,"left":0}},"node":{SNAPSHOT}}}}}"#, at(ms))
}

fn inc(ms: i64, data: &str) -> String {
    format!(r#"{{"type":3,"timestamp":{},"data":{data}}}"#, at(ms))
}

/// A MouseInteraction of rrweb type `kind` (1 down, 2 click, 4 dblclick, 5 focus) at (x, y).
pub(super) fn mouse(ms: i64, kind: i64, id: i64, xy: Option<(f64, f64)>) -> String {
    match xy {
        Some((x, y)) => inc(ms, &format!(r#"{{"source":2,"type":{kind},"id":{id},"x":{x},"y":{y}}}"#)),
        None => inc(ms, &format!(r#"{{"source":2,"type":{kind},"id":{id}}}"#)),
    }
}

/// MouseDown then Click on `id` at (100, 100).
pub(super) fn click(ms: i64, id: i64) -> Vec<String> {
    vec![mouse(ms, 1, id, Some((100.0, 100.0))), mouse(ms, 2, id, Some((100.0, 100.0)))]
}

/// An attribute mutation: a visible DOM change.
pub(super) fn mutation(ms: i64) -> String {
    inc(
        ms,
        &format!(
            r#"{{"source":0,"texts":[],"attributes":[{{"id":{PLAIN},"attributes":{{"class":"x"}}}}],"removes":[],"adds":[]}}"#
        ),
    )
}

pub(super) fn scroll(ms: i64, id: i64, y: f64) -> String {
    inc(ms, &format!(r#"{{"source":3,"id":{id},"x":0,"y":{y}}}"#))
}

pub(super) fn input(ms: i64, id: i64, text: &str, checked: bool) -> String {
    inc(ms, &format!(r#"{{"source":5,"id":{id},"text":"{text}","isChecked":{checked},"userTriggered":true}}"#))
}

pub(super) fn selection(ms: i64, node: i64, from: i64, to: i64) -> String {
    inc(
        ms,
        &format!(r#"{{"source":14,"ranges":[{{"start":{node},"startOffset":{from},"end":{node},"endOffset":{to}}}]}}"#),
    )
}

pub(super) fn console_error(ms: i64, message: &str) -> String {
    format!(
        r#"{{"type":6,"timestamp":{},"data":{{"plugin":"rrweb/console@1","payload":{{"level":"error","trace":[],"payload":["\"{message}\""]}}}}}}"#,
        at(ms)
    )
}

/// A MouseMove event at `ms` with positions `(x, y, ms)` (absolute ms after T0).
pub(super) fn moves(ms: i64, positions: &[(f64, f64, i64)]) -> String {
    let list: Vec<String> = positions
        .iter()
        .map(|(x, y, t)| format!(r#"{{"x":{x},"y":{y},"id":{PLAIN},"timeOffset":{}}}"#, t - ms))
        .collect();
    inc(ms, &format!(r#"{{"source":1,"positions":[{}]}}"#, list.join(",")))
}

/// A custom event (nothing visible; extends the recording).
pub(super) fn custom(ms: i64, tag: &str) -> String {
    format!(r#"{{"type":5,"timestamp":{},"data":{{"tag":"{tag}","payload":{{}}}}}}"#, at(ms))
}

/// Meta + FullSnapshot at 0 ms on https://shop.test/cart, then `events`.
pub(super) fn stream(events: &[String]) -> String {
    let mut all = vec![meta(0, "https://shop.test/cart?coupon=X"), snapshot(0)];
    all.extend_from_slice(events);
    format!("[{}]", all.join(","))
}

pub(super) fn replay_of(id: &str, user: Option<&str>, events: &[String]) -> AnalyzedSession {
    let mut recording = crate::codec::decode(stream(events).as_bytes()).unwrap();
    recording.session_id = Some(id.to_string());
    recording.distinct_id = user.map(str::to_string);
    AnalyzedSession::from_recording(recording)
}

pub(super) fn replay(events: &[String]) -> AnalyzedSession {
    replay_of("r1", None, events)
}

pub(super) fn counts(findings: &[Finding]) -> Vec<(FindingKind, usize)> {
    findings.iter().map(|f| (f.kind, f.count)).collect()
}

#[test]
fn replays_carry_exactly_the_analyzers_actions_and_session() {
    let events: Vec<String> = [
        click(100, ICON),
        vec![mouse(300, 5, SEARCH, None), input(400, SEARCH, "shoes", false), scroll(600, 1, 300.0)],
        vec![selection(700, PARA_TEXT, 0, 4), console_error(800, "boom"), custom(900, "checkout")],
    ]
    .concat();
    let r = replay(&events);
    let mut recording = crate::codec::decode(stream(&events).as_bytes()).unwrap();
    recording.session_id = Some("r1".into());
    let a = analyze(recording);
    assert_eq!(r.actions(), &a.actions[..]);
    assert_eq!(r.summary_markdown(), a.summary_markdown);
    assert_eq!(r.facts.len(), r.actions.len());
    let s = r.session();
    assert_eq!((s.n_events, s.n_clicks, s.n_errors, s.n_custom), (a.session.n_events, 1, 1, 1));
    assert_eq!(r.n_events(), s.n_events);
    assert_eq!(r.urls(), ["https://shop.test/cart?coupon=X"]);
    // The events table: the click, the scroll, and the selection name their node.
    let rows: Vec<EventRow> = r.events().collect();
    assert_eq!(rows.len(), 10);
    assert_eq!((rows[0].event_type, rows[0].source, rows[0].url), (4, None, Some("https://shop.test/cart?coupon=X")));
    assert_eq!((rows[3].source, rows[3].mouse_type, rows[3].target_node_id), (Some(2), Some(2), Some(ICON)));
    assert_eq!((rows[6].source, rows[6].target_node_id), (Some(3), Some(1)));
    assert_eq!((rows[7].source, rows[7].target_node_id), (Some(14), Some(PARA_TEXT)));
    assert_eq!((rows[8].event_type, rows[9].event_type, rows[9].source), (6, 5, None));
}

#[test]
fn element_facts_find_the_control_and_text_surfaces() {
    let events: Vec<String> =
        [click(100, ICON), click(200, SEARCH), click(300, EDITOR + 1), click(400, LINK + 1), click(500, PLAIN)]
            .concat();
    let r = replay(&events);
    let facts: Vec<_> = r.facts.iter().filter_map(|f| f.element.as_ref()).collect();
    assert_eq!(facts.len(), 5);
    assert_eq!((facts[0].control_id, facts[0].clickable, facts[0].button_like), (BUTTON, true, true));
    assert_eq!(&facts[0].chain[..], &[ICON, BUTTON]);
    assert!(facts[1].text_entry && !facts[1].clickable);
    assert!(facts[2].text_entry && !facts[2].clickable, "inside contenteditable");
    assert_eq!((facts[3].control_id, facts[3].clickable, facts[3].button_like), (LINK, true, false));
    assert!(!facts[4].clickable && !facts[4].text_entry);
}

#[test]
fn an_empty_bundle_has_empty_projections() {
    let b = ReplayBundle::new();
    assert!(b.is_empty() && b.top_clicks(5).is_empty() && b.rage_clicks(3, 1000).is_empty());
    assert!(b.dead_clicks().is_empty() && b.error_sessions().is_empty() && b.long_pauses(10.0).is_empty());
    assert_eq!(b.export(Table::Sessions, TableFormat::Csv).lines().count(), 1);
    assert_eq!(b.export(Table::Events, TableFormat::Json), "[]\n");
    let friction = b.friction();
    assert_eq!((friction.n_replays, friction.n_users, friction.groups.len()), (0, 0, 0));
    assert_eq!(friction.to_markdown(10), "## Friction report\n\nNo friction found in 0 replays.\n");
    let report = b.report(&ReportOptions::default());
    assert!(report.to_markdown(10).starts_with("# rewind report: 0 replays, 0 users\n"));
    assert_eq!(b.sample(3, 1).len(), 0);
}
