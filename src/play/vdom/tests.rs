//! The virtual DOM against hand-built event streams, each case checked against what rrweb
//! 2.1.1's Replayer does with the same events.

use super::*;
use crate::codec;

/// Decodes `[...]` rrweb events.
pub(super) fn events(json: &str) -> Vec<Event> {
    codec::decode(json.as_bytes()).expect("test events decode").events
}

fn replay(json: &str) -> VDom {
    let mut dom = VDom::new();
    for e in events(json) {
        dom.apply(&e);
    }
    dom
}

/// A page: document 1, doctype 2, html 3, head 4, body 5, and `body` children as given.
pub(super) fn page(body: &str) -> String {
    format!(
        r#"{{"type":4,"data":{{"href":"http://a.test/","width":800,"height":600}},"timestamp":1000}},
        {{"type":2,"data":{{"node":{{"type":0,"id":1,"childNodes":[
          {{"type":1,"id":2,"name":"html","publicId":"","systemId":""}},
          {{"type":2,"id":3,"tagName":"html","attributes":{{}},"childNodes":[
            {{"type":2,"id":4,"tagName":"head","attributes":{{}},"childNodes":[]}},
            {{"type":2,"id":5,"tagName":"body","attributes":{{}},"childNodes":[{body}]}}]}}]}},
          "initialOffset":{{"top":0,"left":0}}}},"timestamp":1000}}"#
    )
}

/// Later keys win in rrweb's JSON; our decoder reads the first of duplicated keys' last value,
/// so build mutation bodies with each key once.
pub(super) fn mutation_full(t: i64, texts: &str, attributes: &str, removes: &str, adds: &str) -> String {
    format!(
        r#"{{"type":3,"data":{{"source":0,"texts":[{texts}],"attributes":[{attributes}],"removes":[{removes}],"adds":[{adds}]}},"timestamp":{t}}}"#
    )
}

pub(super) fn el(id: i64, tag: &str, attrs: &str, children: &str) -> String {
    format!(r#"{{"type":2,"id":{id},"tagName":"{tag}","attributes":{{{attrs}}},"childNodes":[{children}]}}"#)
}

pub(super) fn text(id: i64, t: &str) -> String {
    format!(r#"{{"type":3,"id":{id},"textContent":"{t}"}}"#)
}

pub(super) fn add(parent: i64, next: Option<i64>, node: &str) -> String {
    let next = next.map_or("null".to_string(), |n| n.to_string());
    format!(r#"{{"parentId":{parent},"nextId":{next},"node":{node}}}"#)
}

/// The body's children as `tag#id` / `"text"` tokens, one level deep.
fn body_children(dom: &VDom) -> Vec<String> {
    let body = dom.slot_of(5).expect("body");
    dom.children(body).map(|c| token(dom, c)).collect()
}

fn token(dom: &VDom, c: u32) -> String {
    let n = dom.node(c);
    match &n.data {
        NodeData::Element(e) => format!("{}#{}", e.tag, n.id),
        NodeData::Text(t) => format!("{t:?}"),
        other => format!("{other:?}"),
    }
}

fn children_of(dom: &VDom, id: i64) -> Vec<String> {
    let s = dom.slot_of(id).expect("node");
    dom.children(s).map(|c| token(dom, c)).collect()
}

#[test]
fn full_snapshot_builds_the_tree_and_mirror() {
    let dom = replay(&format!("[{}]", page(&el(6, "p", r#""class":"x""#, &text(7, "hi")))));
    assert_eq!(body_children(&dom), ["p#6"]);
    assert_eq!(children_of(&dom, 6), ["\"hi\""]);
    assert_eq!(dom.element(dom.slot_of(6).unwrap()).unwrap().attr("class"), Some("x"));
    assert_eq!(dom.len(), 7);
    assert_eq!(dom.warnings, Warnings::default());
}

#[test]
fn adds_insert_before_next_id_whatever_the_order_they_come_in() {
    // rrweb's recorder lists adds so that a node's next sibling comes first; an add whose next
    // sibling is not there yet is queued and retried.
    let adds = [
        add(5, None, &el(9, "li", "", "")),
        add(5, Some(9), &el(8, "li", "", "")),
        add(5, Some(6), &el(7, "li", "", "")),
        add(5, Some(12), &el(11, "li", "", "")), // 12 comes later in this same mutation
        add(5, None, &el(12, "li", "", "")),
    ];
    let json = format!("[{},{}]", page(&el(6, "li", "", "")), mutation_full(1100, "", "", "", &adds.join(",")));
    let dom = replay(&json);
    assert_eq!(body_children(&dom), ["li#7", "li#6", "li#8", "li#9", "li#11", "li#12"]);
    assert_eq!(dom.warnings, Warnings::default());
}

#[test]
fn children_added_before_their_parent_are_resolved_as_a_tree() {
    let adds = [
        add(10, None, &text(11, "inside")),
        add(10, Some(11), &el(12, "b", "", "")),
        add(5, None, &el(10, "div", "", "")),
    ];
    let dom = replay(&format!("[{},{}]", page(""), mutation_full(1100, "", "", "", &adds.join(","))));
    assert_eq!(body_children(&dom), ["div#10"]);
    assert_eq!(children_of(&dom, 10), ["b#12", "\"inside\""]);
}

#[test]
fn an_unknown_parent_is_skipped_and_counted() {
    let adds = [add(999, None, &el(20, "div", "", "")), add(5, None, &el(21, "span", "", ""))];
    let dom = replay(&format!("[{},{}]", page(""), mutation_full(1100, "", "", "", &adds.join(","))));
    assert_eq!(body_children(&dom), ["span#21"]);
    assert_eq!(dom.warnings.dropped_adds, 1);
    assert!(dom.slot_of(20).is_none());
}

#[test]
fn removing_a_subtree_forgets_every_id_in_it() {
    let list = el(6, "ul", "", &[el(7, "li", "", &text(8, "a")), el(9, "li", "", &text(10, "b"))].join(","));
    let json = format!(
        "[{},{},{}]",
        page(&list),
        mutation_full(1100, "", "", r#"{"parentId":5,"id":6}"#, ""),
        // the removed text is not there any more: rrweb warns "node not found"
        mutation_full(1200, r#"{"id":8,"value":"changed"}"#, "", "", ""),
    );
    let dom = replay(&json);
    assert!(body_children(&dom).is_empty());
    for id in 6..=10 {
        assert!(dom.slot_of(id).is_none(), "id {id} still mapped");
    }
    assert_eq!(dom.len(), 5);
    assert_eq!(dom.warnings.node_not_found, 1);
}

#[test]
fn a_removed_node_re_added_is_a_new_node_and_an_unremoved_one_moves() {
    let json = format!(
        "[{},{},{}]",
        page(&[el(6, "p", "", &text(7, "one")), el(8, "p", "", "")].join(",")),
        // move #6 after #8 without a remove: equal serialized form → the node itself moves,
        // with its children
        mutation_full(1100, "", "", "", &add(5, None, &el(6, "p", "", ""))),
        // remove and re-add #8: a new, empty node
        mutation_full(1200, "", "", r#"{"parentId":5,"id":8}"#, &add(5, Some(6), &el(8, "p", "", ""))),
    );
    let dom = replay(&json);
    assert_eq!(body_children(&dom), ["p#8", "p#6"]);
    assert_eq!(children_of(&dom, 6), ["\"one\""]);
}

#[test]
fn texts_and_attributes_change_in_place() {
    let json = format!(
        "[{},{}]",
        page(&el(6, "p", r#""class":"a","title":"t""#, &text(7, "old"))),
        mutation_full(
            1100,
            r#"{"id":7,"value":"first"},{"id":7,"value":"last"}"#,
            r#"{"id":6,"attributes":{"class":"b","title":null,"data-x":"1","style":{"color":"red","margin":["0","important"]}}}"#,
            "",
            "",
        ),
    );
    let dom = replay(&json);
    assert_eq!(children_of(&dom, 6), ["\"last\""]);
    let p = dom.element(dom.slot_of(6).unwrap()).unwrap();
    assert_eq!(
        p.attrs,
        [
            ("class".to_string(), "b".to_string()),
            ("data-x".to_string(), "1".to_string()),
            ("style".to_string(), "color: red; margin: 0 !important;".to_string())
        ]
    );
}

#[test]
fn the_builder_follows_rrweb_snapshot() {
    let body = [
        el(6, "script", r#""src":"x.js""#, &text(7, "SCRIPT_PLACEHOLDER")),
        el(8, "div", r#""class":"rr-block","rr_width":"120px","rr_height":"40px""#, ""),
        el(9, "link", r#""rel":"stylesheet","href":"a.css","_cssText":"p { color: red; }""#, ""),
        el(10, "textarea", r#""value":"typed""#, &text(11, "ignored")),
        el(12, "button", r#""onclick":"evil()","disabled":true,"tabindex":3"#, ""),
        el(13, "option", r#""selected":false"#, ""),
    ];
    let dom = replay(&format!("[{}]", page(&body.join(","))));
    assert_eq!(body_children(&dom), ["noscript#6", "div#8", "style#9", "textarea#10", "button#12", "option#13"]);
    let e = |id| dom.element(dom.slot_of(id).unwrap()).unwrap();
    assert_eq!(e(8).attr("style"), Some("width: 120px; height: 40px;"));
    assert!(e(8).blocked);
    assert_eq!(e(8).attr("rr_width"), None);
    assert_eq!(children_of(&dom, 9), ["\"p { color: red; }\""]);
    assert_eq!(children_of(&dom, 10), ["\"typed\""]);
    assert!(dom.slot_of(11).is_none(), "a textarea value replaces its serialized children");
    assert_eq!(
        e(12).attrs,
        [
            ("_onclick".to_string(), "evil()".to_string()),
            ("disabled".to_string(), String::new()),
            ("tabindex".to_string(), "3".to_string())
        ]
    );
    assert_eq!(e(13).attr("selected"), None);
}

#[test]
fn shadow_roots_hold_their_children() {
    let host = r#"{"type":2,"id":6,"tagName":"div","attributes":{},"isShadowHost":true,"childNodes":[
        {"type":2,"id":7,"tagName":"span","attributes":{},"childNodes":[],"isShadow":true},
        {"type":3,"id":8,"textContent":"light"}]}"#;
    let json = format!(
        "[{},{}]",
        page(host),
        mutation_full(
            1100,
            "",
            "",
            "",
            r#"{"parentId":6,"nextId":null,"node":{"type":2,"id":9,"tagName":"b","attributes":{},"childNodes":[],"isShadow":true}}"#
        ),
    );
    let dom = replay(&json);
    let host = dom.slot_of(6).unwrap();
    let root = dom.element(host).unwrap().shadow_root;
    assert_ne!(root, NONE);
    let shadow: Vec<String> = dom.children(root).map(|c| token(&dom, c)).collect();
    assert_eq!(shadow, ["span#7", "b#9"]);
    assert_eq!(children_of(&dom, 6), ["\"light\""]);
}

#[test]
fn inputs_and_scrolls_set_properties() {
    let json = format!(
        r#"[{},{{"type":3,"data":{{"source":5,"text":"abc","isChecked":false,"id":6}},"timestamp":1100}},
            {{"type":3,"data":{{"source":3,"id":1,"x":0,"y":250}},"timestamp":1200}},
            {{"type":3,"data":{{"source":3,"id":5,"x":3,"y":4}},"timestamp":1300}},
            {{"type":3,"data":{{"source":5,"text":"x","isChecked":true,"id":404}},"timestamp":1400}}]"#,
        page(&el(6, "input", r#""type":"text""#, ""))
    );
    let dom = replay(&json);
    let input = dom.element(dom.slot_of(6).unwrap()).unwrap();
    assert_eq!((input.value.as_deref(), input.checked), (Some("abc"), Some(false)));
    assert_eq!(dom.document_scroll(), (0.0, 250.0));
    assert_eq!(dom.node(dom.slot_of(5).unwrap()).scroll, Some((3.0, 4.0)));
    // an Input for an unknown node is rrweb's debug message, not a warning
    assert_eq!(dom.warnings, Warnings::default());
}

#[test]
fn a_new_html_element_replaces_the_old_one_and_a_new_doctype_the_old_one() {
    // fixtures/rrweb/document-replacement.json, reduced.
    let adds = [
        add(1, None, &el(6, "html", "", "")),
        add(6, None, &el(7, "body", "", "")),
        add(1, Some(6), r#"{"type":1,"name":"html","publicId":"","systemId":"","id":8}"#),
        add(6, Some(7), &el(9, "head", "", "")),
    ];
    let dom = replay(&format!("[{},{}]", page(""), mutation_full(1100, "", "", "", &adds.join(","))));
    let doc = dom.document();
    let top: Vec<i64> = dom.children(doc).map(|c| dom.node(c).id).collect();
    assert_eq!(top, [8, 6]);
    assert_eq!(children_of(&dom, 6), ["head#9", "body#7"]);
}

#[test]
fn changes_describe_each_step_for_the_browser_edge() {
    let json = format!(
        "[{},{}]",
        page(&el(6, "p", "", &text(7, "x"))),
        mutation_full(
            1100,
            r#"{"id":7,"value":"y"}"#,
            r#"{"id":6,"attributes":{"class":"on"}}"#,
            r#"{"parentId":5,"id":6}"#,
            &add(5, None, &el(8, "i", "", "")),
        ),
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.set_recording(true);
    dom.apply(&evs[1]);
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    assert_eq!(changes, [Change::Reset]);
    dom.apply(&evs[2]);
    dom.take_changes(&mut changes);
    let p = 5; // slots: doc 0, doctype 1, html 2, head 3, body 4, p 5, text 6
    assert_eq!(changes[0], Change::Remove(p));
    assert!(changes.contains(&Change::Free(p)) && changes.contains(&Change::Free(p + 1)));
    assert!(matches!(changes.last(), Some(Change::Insert(_))));
    // the attribute change names a removed node: silently skipped; the text change names a
    // node removed with its parent, which rrweb warns about (it only checks the removed ids)
    assert_eq!(dom.warnings, Warnings { node_not_found: 1, ..Warnings::default() });
}

#[test]
fn freed_slots_are_reused_only_by_later_events() {
    let json = format!(
        "[{},{},{}]",
        page(&el(6, "p", "", "")),
        mutation_full(1100, "", "", r#"{"parentId":5,"id":6}"#, &add(5, None, &el(7, "i", "", ""))),
        mutation_full(1200, "", "", "", &add(5, None, &el(8, "b", "", ""))),
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.apply(&evs[1]);
    let p = dom.slot_of(6).unwrap();
    dom.apply(&evs[2]);
    assert_ne!(dom.slot_of(7), Some(p), "reused within the event that freed it");
    dom.apply(&evs[3]);
    assert_eq!(dom.slot_of(8), Some(p));
}

#[test]
fn a_text_child_of_a_textarea_replaces_its_text() {
    let json = format!(
        "[{},{}]",
        page(&el(6, "textarea", "", &text(7, "a"))),
        mutation_full(1100, "", "", "", &add(6, None, &text(8, "b"))),
    );
    let dom = replay(&json);
    assert_eq!(children_of(&dom, 6), ["\"b\""]);
}

#[test]
fn iframe_documents_attach_to_their_iframe() {
    let doc = r#"{"type":0,"id":20,"childNodes":[{"type":2,"id":21,"tagName":"html","attributes":{},"rootId":20,"childNodes":[
        {"type":2,"id":22,"tagName":"head","attributes":{},"rootId":20,"childNodes":[]},
        {"type":2,"id":23,"tagName":"body","attributes":{},"rootId":20,"childNodes":[{"type":3,"id":24,"textContent":"framed","rootId":20}]}]}]}"#;
    let json = format!(
        "[{},{},{}]",
        page(""),
        // the document arrives before its iframe: queued until the iframe is added
        mutation_full(1100, "", "", "", &add(6, None, doc)),
        mutation_full(1200, "", "", "", &add(5, None, &el(6, "iframe", "", ""))),
    );
    let dom = replay(&json);
    assert_eq!(children_of(&dom, 23), ["\"framed\""]);
    let iframe = dom.slot_of(6).unwrap();
    assert_eq!(dom.children(iframe).map(|c| dom.node(c).id).collect::<Vec<_>>(), [20]);
}

#[test]
fn while_recording_freed_slots_wait_until_the_changes_are_taken() {
    let json = format!(
        "[{},{},{},{}]",
        page(&el(6, "p", "", "")),
        mutation_full(1100, "", "", r#"{"parentId":5,"id":6}"#, ""),
        mutation_full(1200, "", "", "", &add(5, None, &el(8, "b", "", ""))),
        mutation_full(1300, "", "", "", &add(5, None, &el(9, "i", "", ""))),
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.set_recording(true);
    dom.apply(&evs[1]);
    let p = dom.slot_of(6).unwrap();
    dom.apply(&evs[2]);
    dom.apply(&evs[3]);
    assert_ne!(dom.slot_of(8), Some(p));
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    dom.apply(&evs[4]);
    assert_eq!(dom.slot_of(9), Some(p));
}
