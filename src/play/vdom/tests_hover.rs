//! Hover in the virtual DOM: the pointer target rrweb's Replayer hovers after a seek, and the
//! `.\:hover` rewrite of style texts.

use super::hover_css::{adapt_css, split_adapted, Adapted, MAX_HOVER_CSS};
use super::tests::{add, el, events, mutation_full, page};
use super::*;

fn changed(css: &str) -> String {
    match adapt_css(css) {
        Adapted::Changed(s) => s,
        other => panic!("{css:?} → {other:?}"),
    }
}

fn run(json: &str) -> VDom {
    let mut dom = VDom::new();
    for e in events(json) {
        dom.apply(&e);
    }
    dom
}

fn inc(t: i64, source: u8, body: &str) -> String {
    format!(r#"{{"type":3,"data":{{"source":{source},{body}}},"timestamp":{t}}}"#)
}

fn mouse_move(t: i64, ids: &[i64]) -> String {
    let p: Vec<String> = ids.iter().map(|id| format!(r#"{{"x":1,"y":2,"id":{id},"timeOffset":0}}"#)).collect();
    inc(t, 1, &format!(r#""positions":[{}]"#, p.join(",")))
}

fn interaction(t: i64, kind: u8, id: i64) -> String {
    inc(t, 2, &format!(r#""type":{kind},"id":{id},"x":1,"y":2"#))
}

fn hovered(dom: &VDom) -> Vec<i64> {
    dom.hover_chain().iter().map(|&s| dom.node(s).id).collect()
}

/// The text of the first child of the element with id `id`.
fn style_text(dom: &VDom, id: i64) -> String {
    let s = dom.slot_of(id).expect("style");
    let c = dom.children(s).next().expect("a text child");
    match &dom.node(c).data {
        NodeData::Text(t) => t.clone(),
        d => panic!("{d:?}"),
    }
}

#[test]
fn hover_selectors_get_a_class_twin_as_postcss_hover_classes_adds() {
    assert_eq!(changed("div:hover { color: red; }"), "div:hover,\ndiv.\\:hover { color: red; }");
    // per selector of the list, in order; every :hover of a selector replaced
    assert_eq!(
        changed("a, b:hover , c:hover>d:hover{x:y}"),
        "a, b:hover , c:hover>d:hover,\nb.\\:hover,\nc.\\:hover>d.\\:hover{x:y}"
    );
    // nested rules (in @media, CSS nesting) too; commas inside :is() and strings do not split
    assert_eq!(
        changed("@media screen { p :is(a,b):hover[title=\"x,y\"] { c: d } }"),
        "@media screen { p :is(a,b):hover[title=\"x,y\"],\np :is(a,b).\\:hover[title=\"x,y\"] { c: d } }"
    );
    assert_eq!(changed("a { b:hover { c: d } }"), "a { b:hover,\nb.\\:hover { c: d } }");
    // the media rewrite of the same pass (postcss-custom-selectors), for every at-rule
    assert_eq!(
        changed("@media (max-device-width: 5px) and (min-device-height: 2px) { a { b: c } }"),
        "@media (max-width: 5px) and (min-height: 2px) { a { b: c } }"
    );
    assert_eq!(changed("@import url(x.css) (min-device-width: 1px);"), "@import url(x.css) (min-width: 1px);");
    // declarations, strings, comments and url() that mention :hover are not selectors
    assert_eq!(adapt_css("a { content: \":hover\"; b: url(:hover) } /* c:hover {} */"), Adapted::Same);
    assert_eq!(adapt_css("a { color: red }"), Adapted::Same);
    // text outside the rewritten selectors is copied as is
    assert_eq!(changed("/* é */\n  a:hover\n{x:y}\n\n"), "/* é */\n  a:hover,\na.\\:hover\n{x:y}\n\n");
}

#[test]
fn css_postcss_refuses_is_kept_as_recorded() {
    for bad in [
        "a:hover { color: red",        // Unclosed block
        "a:hover { color: red } }",    // Unexpected }
        "a:hover { color: red } /* x", // Unclosed comment
        "a:hover { content: \"x }",    // Unclosed string
        "a:hover { b: url(x }",        // Unclosed bracket
        "a:hover { b: c } d;",         // Unknown word
        "a:hover { b: c } d",          // Unknown word
        "a:hover { b }",               // Unknown word
    ] {
        assert_eq!(adapt_css(bad), Adapted::Unparsable, "{bad:?}");
    }
    // no :hover and no device media: not even parsed (rrweb's output equals its input)
    assert_eq!(adapt_css("a { b"), Adapted::Same);
}

#[test]
fn the_rewrite_is_bounded_and_linear() {
    // at the limit: rewritten, and quickly even for the worst shapes (one huge selector list,
    // deep brackets) — a quadratic pass over 2 MiB would not finish in a test run
    let unit = "a:hover,";
    let mut big = unit.repeat((MAX_HOVER_CSS - 10) / unit.len());
    big.push_str("b{c:d}");
    assert!(big.len() <= MAX_HOVER_CSS);
    let t = std::time::Instant::now();
    let out = changed(&big);
    assert_eq!(out.matches(".\\:hover").count(), (MAX_HOVER_CSS - 10) / unit.len());
    let deep = format!("a:hover{}{{x:y}}", "(".repeat(MAX_HOVER_CSS - 20));
    assert_eq!(adapt_css(&deep), Adapted::Unparsable); // "Unclosed bracket"
    assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());
    // one byte over: kept as recorded
    let mut over = "x".repeat(MAX_HOVER_CSS - "a:hover{b:c}".len() + 1);
    over.push_str("a:hover{b:c}");
    assert_eq!(over.len(), MAX_HOVER_CSS + 1);
    assert_eq!(adapt_css(&over), Adapted::TooLong);
    // and counted where the virtual DOM meets it
    let css = over.replace('"', "");
    let json = format!("[{}]", page(&el(6, "style", &format!(r#""_cssText":"{css}""#), "")));
    let dom = run(&json);
    assert_eq!(dom.warnings.hover_css, 1);
    assert_eq!(style_text(&dom, 6).len(), MAX_HOVER_CSS + 1);
}

#[test]
fn style_texts_are_rewritten_where_rrweb_rewrites_them() {
    let css = "p:hover { color: red; }";
    let twin = "p:hover,\np.\\:hover { color: red; }";
    let is_style = |id: i64, t: &str| format!(r#"{{"type":3,"id":{id},"textContent":"{t}","isStyle":true}}"#);
    let plain = |id: i64, t: &str| format!(r#"{{"type":3,"id":{id},"textContent":"{t}"}}"#);
    let body = [
        el(6, "style", &format!(r#""_cssText":"{css}""#), ""),
        el(7, "style", "", &is_style(8, css)),
        el(9, "style", "", &plain(10, css)),
        // two text children: the rewritten whole is cut where the second split starts
        el(
            11,
            "style",
            r#""_cssText":"a:hover { b: c }/* rr_split */d { e: f }""#,
            &format!("{},{}", plain(12, ""), plain(13, "")),
        ),
    ]
    .join(",");
    let later = [
        mutation_full(2000, &format!(r#"{{"id":10,"value":"{css}"}}"#), "", "", ""),
        mutation_full(3000, "", "", "", &add(5, None, &el(14, "style", &format!(r#""_cssText":"{css}""#), ""))),
    ];
    let json = |n: usize| format!("[{},{}]", page(&body), later[..n].join(","));
    let dom = run(&format!("[{}]", page(&body)));
    assert_eq!(style_text(&dom, 6), twin, "_cssText");
    assert_eq!(style_text(&dom, 7), twin, "isStyle");
    assert_eq!(style_text(&dom, 9), css, "a plain text child is built as recorded");
    let s = dom.slot_of(11).unwrap();
    let texts: Vec<String> = dom
        .children(s)
        .map(|c| match &dom.node(c).data {
            NodeData::Text(t) => t.clone(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(texts, ["a:hover,\na.\\:hover { b: c }", "d { e: f }"]);
    let dom = run(&json(1));
    assert_eq!(style_text(&dom, 9), twin, "a text mutation in a <style>");
    let dom = run(&json(2));
    assert_eq!(style_text(&dom, 14), twin, "an added <style>");
    assert_eq!(dom.warnings, Warnings::default());
    // rrweb's split search falls back to the recorded split's length
    assert_eq!(split_adapted(&["ab".into(), "zz".into()], "abcd"), ["ab", "cd"]);
    // and is bounded: many splits whose prefixes are nowhere (each search gives up within its
    // window, so this is linear; searching the whole rest, as rrweb does, would not finish)
    let splits: Vec<String> = (0..10_000).map(|k| format!("q{k:05}{}", "x".repeat(190))).collect();
    let whole = "y".repeat(10_000 * 196);
    let t = std::time::Instant::now();
    let cut = split_adapted(&splits, &whole);
    assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(cut.concat(), whole, "the cuts cover the text, in order");
    assert!(cut[..9_999].iter().all(|c| c.len() == 196));
}

#[test]
fn the_hovered_element_is_the_last_pointer_target_and_its_parent_elements() {
    // body 5 > div 6 > span 7 > text 8; div 9 is a shadow host with p 10 inside
    let shadow = r#"{"type":2,"id":9,"tagName":"div","attributes":{},"isShadowHost":true,"childNodes":[{"type":2,"id":10,"tagName":"p","attributes":{},"isShadow":true,"childNodes":[]}]}"#;
    let body = format!("{},{}", el(6, "div", "", &el(7, "span", "", r#"{"type":3,"id":8,"textContent":"t"}"#)), shadow);
    let run_with = |more: &[String]| run(&format!("[{},{}]", page(&body), more.join(",")));
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[6, 7])])), [7, 6, 5, 3], "the last position");
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[8])])), [7, 6, 5, 3], "a text target: from its parent");
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[10])])), [10], "parentElement stops at the shadow root");
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[1])])), Vec::<i64>::new(), "the document");
    // pressing kinds move the pointer; others (Focus 5, DblClick 4) and id -1 do not
    for (kind, want) in [
        (0u8, vec![6, 5, 3]),
        (1, vec![6, 5, 3]),
        (2, vec![6, 5, 3]),
        (7, vec![6, 5, 3]),
        (9, vec![6, 5, 3]),
        (5, vec![7, 6, 5, 3]),
        (4, vec![7, 6, 5, 3]),
    ] {
        let dom = run_with(&[mouse_move(1100, &[7]), interaction(1200, kind, 6)]);
        assert_eq!(hovered(&dom), want, "MouseInteraction {kind}");
    }
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[7]), interaction(1200, 2, -1)])), [7, 6, 5, 3]);
    // a position naming an unknown node replaces the target: nothing is hovered
    let dom = run_with(&[mouse_move(1100, &[7]), mouse_move(1200, &[99])]);
    assert_eq!((dom.hover_target(), hovered(&dom)), (Some(99), vec![]));
    // the target is looked up when asked: added after the move, removed after it
    let added = mutation_full(1300, "", "", "", &add(5, None, &el(99, "b", "", "")));
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[99]), added.clone()])), [99, 5, 3]);
    let removed = mutation_full(1300, "", "", r#"{"parentId":6,"id":7}"#, "");
    assert_eq!(hovered(&run_with(&[mouse_move(1100, &[7]), removed])), Vec::<i64>::new());
    // a click on a node the FullSnapshot did not build is not seen while rrweb seeks
    let dom = run_with(&[added, mouse_move(1400, &[7]), interaction(1500, 2, 99)]);
    assert_eq!(hovered(&dom), [7, 6, 5, 3]);
    // a FullSnapshot forgets the target
    let dom = run_with(&[mouse_move(1100, &[7]), page(&body).replace("1000", "2000")]);
    assert_eq!((dom.hover_target(), hovered(&dom)), (None, vec![]));
    // so does a Meta event: rrweb's seek starts at the last Meta before the time
    let meta = r#"{"type":4,"data":{"href":"http://a.test/","width":800,"height":600},"timestamp":1500}"#;
    let dom = run_with(&[mouse_move(1100, &[7]), meta.to_string()]);
    assert_eq!((dom.hover_target(), hovered(&dom)), (None, vec![]));
    // the dump shows it, so checkpoints and straight replays compare it
    assert!(run_with(&[mouse_move(1100, &[7])]).dump().ends_with("@hover 7 [7, 6, 5, 3]\n"));
}

#[test]
fn pointer_changes_are_recorded_for_the_edge_only_when_the_target_changes() {
    let body = el(6, "div", "", "");
    let evs = events(&format!(
        "[{},{},{},{}]",
        page(&body),
        mouse_move(1100, &[6]),
        mouse_move(1200, &[6]),
        mouse_move(1300, &[5])
    ));
    let mut dom = VDom::new();
    dom.set_recording(true);
    let mut out = Vec::new();
    let mut n = Vec::new();
    for e in &evs {
        dom.apply(e);
        dom.take_changes(&mut out);
        n.push(out.iter().filter(|c| matches!(c, Change::Hover)).count());
    }
    assert_eq!(n, [0, 0, 1, 0, 1]);
}
