//! The DOM tracker's tests (`dom.rs`): snapshots, mutations, moves, the node cap, live values.

use super::*;
use crate::model::Event;

fn tree(json: &str) -> NodeTree {
    serde_json::from_str(json).unwrap()
}

fn mutation(json: &str) -> MutationData {
    let e: Event =
        serde_json::from_str(&format!(r#"{{"type":3,"timestamp":1,"data":{{"source":0,{json}}}}}"#)).unwrap();
    match e.data {
        crate::model::EventData::IncrementalSnapshot(crate::model::IncrementalData::Mutation(m)) => *m,
        _ => unreachable!(),
    }
}

fn page() -> DomTracker {
    let mut dom = DomTracker::new();
    dom.load_snapshot(tree(
        r#"{"type":0,"id":1,"childNodes":[{"type":2,"tagName":"HTML","id":2,"attributes":{},"childNodes":[
            {"type":2,"tagName":"style","id":3,"attributes":{},"childNodes":[{"type":3,"id":4,"textContent":"a{color:red}"}]},
            {"type":2,"tagName":"ul","id":5,"attributes":{"id":"list","class":"big"},"childNodes":[
              {"type":2,"tagName":"li","id":6,"attributes":{},"childNodes":[{"type":3,"id":7,"textContent":"  one \n"}]}]}]}]}"#,
    ));
    dom
}

#[test]
fn snapshot_keeps_naming_attributes_and_visible_text() {
    let dom = page();
    assert_eq!(dom.len(), 7);
    assert_eq!(dom.tag(2), Some("html"));
    assert_eq!(dom.attr(5, "id"), Some("list"));
    assert_eq!(dom.attr(5, "class"), None);
    assert_eq!(dom.by_html_id("list"), Some(5));
    assert_eq!(dom.text_of(2, 100), "one");
}

#[test]
fn adds_respect_next_id_and_removes_drop_subtrees() {
    let mut dom = page();
    dom.apply_mutation(mutation(
        r#""adds":[{"parentId":5,"nextId":6,"node":{"type":2,"tagName":"li","id":8,"attributes":{"id":"first"},"childNodes":[]}},
                   {"parentId":8,"nextId":null,"node":{"type":3,"id":9,"textContent":"zero"}}]"#,
    ));
    assert_eq!(dom.text_of(5, 100), "zero one");
    dom.apply_mutation(mutation(
        r#""texts":[{"id":7,"value":"uno"}],"attributes":[{"id":5,"attributes":{"id":"items"}}]"#,
    ));
    assert_eq!(dom.text_of(5, 100), "zero uno");
    assert_eq!(dom.by_html_id("list"), None);
    assert_eq!(dom.by_html_id("items"), Some(5));
    dom.apply_mutation(mutation(r#""removes":[{"parentId":5,"id":8}]"#));
    assert!(dom.get(8).is_none() && dom.get(9).is_none());
    assert_eq!(dom.by_html_id("first"), None);
    assert_eq!(dom.text_of(5, 100), "uno");
}

#[test]
fn moved_nodes_change_parent() {
    let mut dom = page();
    dom.apply_mutation(mutation(
        r#""adds":[{"parentId":2,"nextId":null,"node":{"type":2,"tagName":"li","id":6,"attributes":{},"childNodes":[]}}]"#,
    ));
    assert_eq!(dom.get(6).unwrap().parent, Some(2));
    assert!(!dom.get(5).unwrap().children.contains(&6));
    assert_eq!(dom.text_of(6, 100), "one");
}

#[test]
fn moves_under_itself_or_a_descendant_are_refused() {
    // Found by tests/play_hostile.rs: a damaged export made the tree a cycle and text_of spun.
    let mut dom = page();
    for (parent, id) in [(5, 5), (6, 5), (7, 2)] {
        dom.apply_mutation(mutation(&format!(
            r#""adds":[{{"parentId":{parent},"nextId":null,"node":{{"type":2,"tagName":"x","id":{id},"attributes":{{}},"childNodes":[]}}}}]"#
        )));
    }
    assert_eq!(dom.skipped_nodes(), 3);
    assert_eq!(dom.get(5).unwrap().parent, Some(2));
    assert_eq!(dom.get(2).unwrap().parent, Some(1));
    assert_eq!(dom.text_of(1, 100), "one");
}

#[test]
fn live_values_replace_the_recorded_ones() {
    let mut dom = DomTracker::new();
    // A repeated name (possible in a hand-made export) is replaced whole, as always.
    dom.load_snapshot(tree(
        r#"{"type":0,"id":1,"childNodes":[{"type":2,"tagName":"input","id":2,"attributes":{"value":"a","name":"q","value":"b"},"childNodes":[]},
            {"type":2,"tagName":"input","id":3,"attributes":{"name":"r"},"childNodes":[]}]}"#,
    ));
    for (id, typed) in [(2, "c"), (2, "cd"), (2, "cd"), (3, "x"), (3, "xy")] {
        dom.set_live_state(id, "value", Some(typed));
        assert_eq!(dom.attr(id, "value"), Some(typed));
    }
    let Some(TrackedNode { data: NodeData::Element { attributes, .. }, .. }) = dom.get(2) else { panic!() };
    let names: Vec<&str> = attributes.iter().map(|(k, _)| &**k).collect();
    assert_eq!(names, ["name", "value"]);
    dom.set_live_state(3, "value", None);
    assert_eq!(dom.attr(3, "value"), None);
}

#[test]
fn node_cap_skips_and_counts_without_growing() {
    let mut dom = DomTracker::new();
    let mut json = String::from(r#"{"type":0,"id":1,"childNodes":["#);
    for i in 0..MAX_TRACKED_NODES + 10 {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(r#"{{"type":3,"id":{},"textContent":"x"}}"#, i + 2));
    }
    json.push_str("]}");
    dom.load_snapshot(tree(&json));
    assert_eq!(dom.len(), MAX_TRACKED_NODES);
    assert_eq!(dom.skipped_nodes(), 11);
    dom.apply_mutation(mutation(
        r#""adds":[{"parentId":1,"nextId":null,"node":{"type":3,"id":999999,"textContent":"y"}}]"#,
    ));
    assert_eq!(dom.len(), MAX_TRACKED_NODES);
    assert_eq!(dom.skipped_nodes(), 12);
}
