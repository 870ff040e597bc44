//! CSSOM events (StyleSheetRule 8, StyleDeclaration 13, AdoptedStyleSheet 15) against
//! hand-built streams: which sheet each names, when the browser throws a sheet's changes
//! away (as it does under rrweb's Replayer), and what the edge is told.

use super::tests::{add, el, events, mutation_full, page, text};
use super::*;

fn ev(t: i64, source: u32, body: &str) -> String {
    format!(r#"{{"type":3,"data":{{"source":{source},{body}}},"timestamp":{t}}}"#)
}

/// A page with `<style id=6>` holding text 7 in the body, then `rest`.
fn styled(rest: &[String]) -> Vec<Event> {
    let mut parts = vec![page(&el(6, "style", "", &text(7, "p { color: red; }")))];
    parts.extend(rest.iter().cloned());
    events(&format!("[{}]", parts.join(",")))
}

fn run(evs: &[Event]) -> VDom {
    let mut dom = VDom::new();
    for e in evs {
        dom.apply(e);
    }
    dom
}

fn ops_of(dom: &VDom, id: i64) -> Option<Vec<SheetOp>> {
    dom.sheets().element(dom.slot_of(id)?).map(|l| l.ops.clone())
}

fn insert(rule: &str, at: InsertAt) -> SheetOp {
    SheetOp::Insert { rule: rule.into(), at }
}

#[test]
fn rule_events_log_adds_then_removes_in_rrweb_order() {
    let evs = styled(&[
        ev(
            1100,
            8,
            r#""id":6,"removes":[{"index":0}],"adds":[{"rule":"a{}","index":1},{"rule":"b{}"},{"rule":"c{}","index":[0,2]}]"#,
        ),
        ev(
            1200,
            13,
            r#""id":6,"index":[0,1],"set":{"property":"color","value":"blue","priority":"important"},"remove":{"property":"margin"}"#,
        ),
    ]);
    let dom = run(&evs);
    let path = vec![0, 1];
    assert_eq!(
        ops_of(&dom, 6).unwrap(),
        [
            insert("a{}", InsertAt::Clamped(1)),
            insert("b{}", InsertAt::Front),
            insert("c{}", InsertAt::Path(vec![0, 2])),
            SheetOp::Delete { path: vec![0] },
            SheetOp::SetProperty {
                path: path.clone(),
                property: "color".into(),
                value: "blue".into(),
                priority: "important".into()
            },
            SheetOp::RemoveProperty { path, property: "margin".into() },
        ]
    );
    assert_eq!(dom.warnings, Warnings::default());
}

#[test]
fn a_style_whose_text_changes_is_re_parsed_and_loses_its_rule_changes() {
    let rule = ev(1100, 8, r#""id":6,"adds":[{"rule":"a{}","index":0}]"#);
    // the text edited
    let dom = run(&styled(&[rule.clone(), mutation_full(1200, r#"{"id":7,"value":"b{}"}"#, "", "", "")]));
    assert_eq!(ops_of(&dom, 6), None);
    // a text child added, then a rule: only the later rule applies to the new sheet
    let dom = run(&styled(&[
        rule.clone(),
        mutation_full(1200, "", "", "", &add(6, None, &text(8, "i{}"))),
        ev(1300, 8, r#""id":6,"adds":[{"rule":"c{}","index":0}]"#),
    ]));
    assert_eq!(ops_of(&dom, 6).unwrap(), [insert("c{}", InsertAt::Clamped(0))]);
    // a text child removed
    let dom = run(&styled(&[rule.clone(), mutation_full(1200, "", "", r#"{"parentId":6,"id":7}"#, "")]));
    assert_eq!(ops_of(&dom, 6), None);
    // an unrelated change elsewhere keeps it
    let dom = run(&styled(&[rule, mutation_full(1200, "", "", "", &add(5, None, &el(9, "p", "", "")))]));
    assert_eq!(ops_of(&dom, 6).unwrap().len(), 1);
}

#[test]
fn a_style_that_leaves_the_document_has_no_sheet() {
    let move_body = mutation_full(1200, "", "", r#"{"parentId":3,"id":5}"#, "");
    let dom = run(&styled(&[ev(1100, 8, r#""id":6,"adds":[{"rule":"a{}"}]"#), move_body.clone()]));
    // removed with its ancestor: the log is gone, and rules for a detached style are skipped
    assert_eq!(dom.slot_of(6), None);
    assert!(dom.sheets().elements().is_empty());
    // rules for a node that is not a style, or unknown: skipped and counted (rrweb: no sheet)
    let dom = run(&styled(&[
        ev(1100, 8, r#""id":5,"adds":[{"rule":"a{}"}]"#),
        ev(1100, 8, r#""id":99,"adds":[{"rule":"a{}"}]"#),
        ev(1100, 8, r##""id":6,"replace":"a{}""##),
    ]));
    assert!(dom.sheets().elements().is_empty());
    assert_eq!(dom.warnings.sheets, 3);
}

#[test]
fn adopted_sheets_are_constructed_per_style_id_and_adopted_by_documents_and_shadow_roots() {
    let host = r#"{"type":2,"id":8,"tagName":"div","attributes":{},"isShadowHost":true,"childNodes":[
        {"type":2,"id":9,"tagName":"span","attributes":{},"childNodes":[],"isShadow":true}]}"#;
    let mut parts = vec![page(host)];
    parts.push(ev(1100, 15, r#""id":1,"styleIds":[1,7],"styles":[{"styleId":1,"rules":[{"rule":"a{}","index":0}]}]"#));
    parts.push(ev(1200, 15, r#""id":8,"styleIds":[1,2],"styles":[{"styleId":2,"rules":[]}]"#));
    parts.push(ev(1300, 8, r#""styleId":1,"replaceSync":"b{}","adds":[{"rule":"c{}","index":1}]"#));
    parts.push(ev(1400, 15, r#""id":9,"styleIds":[1]"#)); // a span: not a document nor a host
    let evs = events(&format!("[{}]", parts.join(",")));
    let mut dom = run(&evs);
    let doc = dom.document();
    let root = dom.element(dom.slot_of(8).unwrap()).unwrap().shadow_root;
    let k1 = dom.sheets().adopted(doc).unwrap()[0];
    assert_eq!(dom.sheets().adopted(doc).unwrap().len(), 1, "styleId 7 does not exist");
    assert_eq!(dom.sheets().adopted(root).unwrap(), [k1, (2, k1.1 + 1)]);
    assert_eq!(
        dom.sheets().constructed(k1).unwrap().ops,
        [insert("a{}", InsertAt::Clamped(0)), insert("c{}", InsertAt::Clamped(1)), SheetOp::Replace("b{}".into())]
    );
    assert_eq!(dom.sheets().constructed(k1).unwrap().realm, doc);
    assert_eq!(dom.warnings.sheets, 2);

    // A new sheet under styleId 1: the document keeps the old one until it adopts again.
    let later = events(&format!(
        "[{}]",
        ev(1500, 15, r#""id":8,"styleIds":[1],"styles":[{"styleId":1,"rules":[{"rule":"d{}"}]}]"#)
    ));
    dom.apply(&later[0]);
    let new1 = dom.sheets().adopted(root).unwrap()[0];
    assert_ne!(new1, k1);
    assert_eq!(dom.sheets().adopted(doc).unwrap(), [k1]);
    // the replaced sheet is still adopted; styleId 2 is no longer adopted but stays in rrweb's
    // style mirror (a later event may adopt it by id)
    assert!(dom.sheets().constructed(k1).is_some() && dom.sheets().constructed((2, k1.1 + 1)).is_some());
    let readopt = events(&format!("[{}]", ev(1600, 15, r#""id":1,"styleIds":[1]"#)));
    dom.apply(&readopt[0]);
    assert_eq!(dom.sheets().adopted(doc).unwrap(), [new1]);
    assert!(dom.sheets().constructed(k1).is_none(), "the replaced sheet is unreachable now");
}

#[test]
fn sheet_changes_reach_the_edge_with_their_generation_and_a_snapshot_forgets_them() {
    let evs = styled(&[
        ev(1100, 8, r#""id":6,"adds":[{"rule":"a{}"},{"rule":"b{}"}]"#),
        ev(1200, 8, r#""id":6,"removes":[{"index":0}]"#),
        ev(1300, 15, r#""id":1,"styleIds":[3],"styles":[{"styleId":3,"rules":[{"rule":"x{}","index":0}]}]"#),
    ]);
    let mut dom = VDom::new();
    dom.set_recording(true);
    let mut changes = Vec::new();
    dom.apply(&evs[1]);
    dom.take_changes(&mut changes);
    let style = dom.slot_of(6).unwrap();
    dom.apply(&evs[2]);
    dom.apply(&evs[3]);
    dom.take_changes(&mut changes);
    let gen = dom.sheets().element(style).unwrap().gen;
    assert_eq!(
        changes,
        [Change::SheetOps { slot: style, gen, from: 0, to: 2 }, Change::SheetOps { slot: style, gen, from: 2, to: 3 }]
    );
    dom.apply(&evs[4]);
    dom.take_changes(&mut changes);
    let key = dom.sheets().adopted(dom.document()).unwrap()[0];
    assert_eq!(changes, [Change::StyleOps { key, from: 0, to: 1 }, Change::Adopt(dom.document())]);
    assert!(dom.dump().contains("@sheet 3#"), "{}", dom.dump());
    dom.apply(&evs[0]);
    dom.apply(&evs[1]);
    assert!(dom.sheets().elements().is_empty() && dom.sheets().all_constructed().next().is_none());
}

#[test]
fn rules_inserted_later_are_not_rewritten_for_hover() {
    // rrweb 2.1.1's applyStyleSheetRule inserts the recorded rule as is (only style text gets
    // the .\:hover twins)
    let dom = run(&styled(&[ev(1100, 8, r#""id":6,"adds":[{"rule":"a:hover{}","index":0}]"#)]));
    assert_eq!(ops_of(&dom, 6).unwrap(), [insert("a:hover{}", InsertAt::Clamped(0))]);
}
