//! Style sheets: `_cssText` of `<style>` sheets changed through the CSSOM, and the events of
//! CSSOM changes — StyleSheetRule (8), StyleDeclaration (13), AdoptedStyleSheet (15) — in
//! rrweb's shapes (its fixtures `style-sheet-rule-events`, `nested-style-declaration`,
//! `adopted-style-sheet-modification`). Replaying them is checked in tests/e2e/stylesheets.

use super::support::*;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// Runs JavaScript in the test page (returns its value).
fn js(code: &str) -> JsValue {
    js_sys::eval(code).unwrap_or_else(|e| panic!("{code}: {e:?}"))
}

/// The serialized element with `id` attribute `id` in the last FullSnapshot.
fn snapshot_element(events: &[Value], id: &str) -> Value {
    let snap = events.iter().rev().find(|e| e["type"] == 2).expect("a FullSnapshot");
    find_element(&snap["data"]["node"], |n| attr(n, "id") == id).unwrap_or_else(|| panic!("#{id}")).clone()
}

/// The data of the incremental events of `source`, without `source`.
fn of_source(events: &[Value], source: i64) -> Vec<Value> {
    incremental(events, source)
        .into_iter()
        .map(|d| {
            let mut d = d.clone();
            d.as_object_mut().unwrap().remove("source");
            d
        })
        .collect()
}

#[wasm_bindgen_test]
fn rules_inserted_before_the_start_are_inlined_into_css_text() {
    page(
        r#"<style id="empty"></style>
        <style id="text">.a { color: red; }</style>
        <style id="plain">/* { */ .c { content: "}"; } @media (min-width: 1px) { .d { color: red; } }</style>
        <style id="two">.e { color: red; }</style>
        <style id="blocked" class="rr-block">.f { color: red; }</style>"#,
    );
    js(r#"
        document.getElementById('empty').sheet.insertRule('.x { color: blue; }');
        document.getElementById('text').sheet.insertRule('.b { color: blue; }', 1);
        const two = document.getElementById('two');
        two.appendChild(document.createTextNode('.g { color: red; }'));
        two.sheet.insertRule('.h { color: blue; }', 2);
        document.getElementById('blocked').sheet.insertRule('.i { color: blue; }');
    "#);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    rec.stop();
    let events = parsed(&sink);
    let css = |id: &str| snapshot_element(&events, id)["attributes"]["_cssText"].clone();
    assert_eq!(css("empty"), ".x { color: blue; }", "CSS-in-JS: no text, rules in the sheet only");
    assert_eq!(css("text"), ".a { color: red; }.b { color: blue; }", "text plus an inserted rule");
    assert_eq!(snapshot_element(&events, "text")["childNodes"][0]["textContent"], ".a { color: red; }");
    assert_eq!(css("plain"), Value::Null, "braces in comments and strings are not rules: {:?}", css("plain"));
    // two text children: the whole sheet goes into the first, a blank into the second
    assert_eq!(css("two"), ".e { color: red; }.g { color: red; }.h { color: blue; }/* rr_split */ ");
    let snap = events.iter().rev().find(|e| e["type"] == 2).unwrap();
    // a blocked element keeps only class, rr_width and rr_height
    let blocked =
        find_element(&snap["data"]["node"], |n| n["tagName"] == "style" && attr(n, "class") == "rr-block").unwrap();
    assert_eq!(blocked["attributes"]["_cssText"], Value::Null);
    assert_eq!(blocked["childNodes"], json!([]));
}

#[wasm_bindgen_test]
async fn cssom_rule_and_declaration_changes_are_recorded() {
    page(
        r#"<style id="s">.a { color: red; } @media (min-width: 1px) { .m { color: red; } }</style>
        <style id="blocked" class="rr-block">.z { color: red; }</style><p id="p">x</p>"#,
    );
    let original = js("CSSStyleSheet.prototype.insertRule");
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    let before = sink.borrow().len();
    js(r#"
        const sheet = document.getElementById('s').sheet;
        sheet.insertRule('.b{color:blue}', 1);
        try { sheet.insertRule('.two { } .rules { }', 0); } catch (e) {}
        sheet.deleteRule(0);
        const media = sheet.cssRules[1];
        media.insertRule('.n { color: green }', 1);
        media.deleteRule(0);
        sheet.cssRules[0].style.setProperty('color', 'green', 'important');
        sheet.cssRules[0].style.removeProperty('color');
        media.cssRules[0].style.setProperty('margin-top', '2px');
        document.getElementById('p').style.setProperty('color', 'red');
        document.getElementById('blocked').sheet.insertRule('.y { color: blue; }');
        // a style added and filled in the same task (emotion): added first, then the rule
        const added = document.createElement('style');
        added.id = 'added';
        document.head.appendChild(added);
        added.sheet.insertRule('.late { color: red; }');
    "#);
    tick().await;
    rec.stop();
    assert_eq!(js("CSSStyleSheet.prototype.insertRule"), original, "the method is restored on stop");
    js("document.getElementById('s').sheet.insertRule('.after { color: red; }')");
    let events: Vec<Value> = parsed(&sink).split_off(before);
    let s = snapshot_element(&parsed(&sink), "s")["id"].clone();
    let rules = of_source(&events, 8);
    let added = events
        .iter()
        .find_map(|e| {
            e["data"]["adds"]
                .as_array()?
                .iter()
                .find(|a| a["node"]["attributes"]["id"] == "added")
                .map(|a| a["node"]["id"].clone())
        })
        .expect("the added <style> is in a Mutation");
    assert_eq!(
        rules,
        [
            json!({"id": s, "adds": [{"rule": ".b { color: blue; }", "index": 1}]}),
            json!({"id": s, "removes": [{"index": 0}]}),
            json!({"id": s, "adds": [{"rule": ".n { color: green; }", "index": [1, 1]}]}),
            json!({"id": s, "removes": [{"index": [1, 0]}]}),
            json!({"id": added, "adds": [{"rule": ".late { color: red; }", "index": 0}]}),
        ],
        "a refused rule, a blocked style's rules and changes after stop are not recorded"
    );
    let mutation_at =
        events.iter().position(|e| e["data"]["source"] == 0 && e.to_string().contains("\"added\"")).unwrap();
    let rule_at = events.iter().position(|e| e.to_string().contains(".late")).unwrap();
    assert!(mutation_at < rule_at, "the <style> is added before its rule");
    assert_eq!(
        of_source(&events, 13),
        [
            json!({"id": s, "index": [0], "set": {"property": "color", "value": "green", "priority": "important"}}),
            json!({"id": s, "index": [0], "remove": {"property": "color"}}),
            json!({"id": s, "index": [1, 0], "set": {"property": "margin-top", "value": "2px"}}),
        ],
        "an element's inline style is a Mutation, not a StyleDeclaration"
    );
    assert!(events.iter().any(|e| e["data"]["source"] == 0 && e.to_string().contains("color: red")));
    // A later snapshot inlines the changed sheet.
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    js("document.getElementById('s').sheet.insertRule('.c { color: blue; }', 0)");
    rec.take_full_snapshot().map_err(JsValue::from).unwrap();
    rec.stop();
    let css = snapshot_element(&parsed(&sink), "s")["attributes"]["_cssText"].clone();
    assert!(
        css.as_str().is_some_and(|c| c.starts_with(".c { color: blue; }.after { color: red; }.b { }@media")),
        "{css}"
    );
    js("document.getElementById('added').remove()");
}

#[wasm_bindgen_test]
fn adopted_style_sheets_before_and_after_the_start() {
    page(r#"<p id="p">x</p>"#);
    let setter = setter_of("Document", "adoptedStyleSheets");
    js(r#"
        window.__s1 = new CSSStyleSheet();
        __s1.replaceSync('.a { color: red; }');
        document.adoptedStyleSheets = [__s1];
    "#);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    js(r#"
        window.__s2 = new CSSStyleSheet();
        __s2.replaceSync('.b { color: blue; }');
        document.adoptedStyleSheets = [__s1, __s2];
        __s1.insertRule('.c { color: green; }', 1);
        __s2.replaceSync('.d { color: red; }');
        __s1.cssRules[0].style.setProperty('color', 'purple');
        __s1.deleteRule(1);
        const loose = new CSSStyleSheet();
        loose.insertRule('.e { color: red; }');
    "#);
    rec.take_full_snapshot().map_err(JsValue::from).unwrap();
    js("document.adoptedStyleSheets = [];");
    rec.stop();
    assert_eq!(setter_of("Document", "adoptedStyleSheets"), setter, "the setter is restored on stop");
    let events = parsed(&sink);
    let types: Vec<String> = events
        .iter()
        .map(|e| format!("{}{}", e["type"], e["data"]["source"].as_i64().map_or(String::new(), |s| format!(".{s}"))))
        .collect();
    assert_eq!(types, ["4", "2", "3.15", "3.15", "3.8", "3.8", "3.13", "3.8", "4", "2", "3.15", "3.15"]);
    let rule = |r: &str, i: i64| json!({"rule": r, "index": i});
    assert_eq!(
        of_source(&events, 15),
        [
            // adopted before the start: right after the FullSnapshot
            json!({"id": 1, "styleIds": [1], "styles": [{"styleId": 1, "rules": [rule(".a { color: red; }", 0)]}]}),
            // a new sheet's rules are sent once, with its first styleId
            json!({"id": 1, "styleIds": [1, 2], "styles": [{"styleId": 2, "rules": [rule(".b { color: blue; }", 0)]}]}),
            // a new FullSnapshot numbers the sheets again (rrweb's Replayer forgets them)
            json!({"id": 1, "styleIds": [1, 2], "styles": [
                {"styleId": 1, "rules": [rule(".a { color: purple; }", 0)]},
                {"styleId": 2, "rules": [rule(".d { color: red; }", 0)]}]}),
            json!({"id": 1, "styleIds": []}),
        ]
    );
    assert_eq!(
        of_source(&events, 8),
        [
            json!({"styleId": 1, "adds": [rule(".c { color: green; }", 1)]}),
            json!({"styleId": 2, "replaceSync": ".d { color: red; }"}),
            json!({"styleId": 1, "removes": [{"index": 1}]}),
        ],
        "a sheet nobody adopted is not recorded"
    );
    assert_eq!(
        of_source(&events, 13),
        [json!({"styleId": 1, "index": [0], "set": {"property": "color", "value": "purple"}})]
    );
}

#[wasm_bindgen_test]
async fn shadow_roots_adopted_style_sheets_are_named_by_their_host() {
    page(r#"<div id="before"></div><div id="later"></div>"#);
    let setter = setter_of("ShadowRoot", "adoptedStyleSheets");
    js(r#"
        window.__r1 = document.getElementById('before').attachShadow({mode: 'open'});
        __r1.innerHTML = '<p class="a">in a root</p>';
        window.__t1 = new CSSStyleSheet();
        __t1.replaceSync('.a { color: red; }');
        __r1.adoptedStyleSheets = [__t1];
    "#);
    let (rec, sink) = recorder(r#"{"checkoutEveryMs":0}"#);
    rec.start().map_err(JsValue::from).unwrap();
    js(r#"
        window.__t2 = new CSSStyleSheet();
        __t2.replaceSync('.b { color: blue; }');
        __r1.adoptedStyleSheets = [__t1, __t2];
        // a host added after the start, its root's sheet set before it is added
        const host = document.createElement('section');
        host.id = 'added';
        const root = host.attachShadow({mode: 'open'});
        root.innerHTML = '<p class="c">added</p>';
        const t3 = new CSSStyleSheet();
        t3.replaceSync('.c { color: green; }');
        root.adoptedStyleSheets = [t3];
        document.getElementById('later').appendChild(host);
    "#);
    tick().await;
    rec.stop();
    assert_eq!(setter_of("ShadowRoot", "adoptedStyleSheets"), setter, "the setter is restored on stop");
    let events = parsed(&sink);
    let host_id = |id: &str| snapshot_element(&events, id)["id"].as_i64().unwrap();
    let before = host_id("before");
    let adopted = of_source(&events, 15);
    let rule = |r: &str, i: i64| json!({"rule": r, "index": i});
    assert_eq!(
        adopted[0],
        json!({"id": before, "styleIds": [1], "styles": [{"styleId": 1, "rules": [rule(".a { color: red; }", 0)]}]})
    );
    assert_eq!(
        adopted[1],
        json!({"id": before, "styleIds": [1, 2], "styles": [{"styleId": 2, "rules": [rule(".b { color: blue; }", 0)]}]})
    );
    assert_eq!(adopted.len(), 3, "{adopted:?}");
    // The added host's id comes from the Mutation that added it, which precedes its sheets.
    let added_at =
        events.iter().position(|e| e["data"]["source"] == 0 && e.to_string().contains("\"added\"")).expect("the add");
    let sheet_at = events
        .iter()
        .position(|e| e["data"]["source"] == 15 && e.to_string().contains(".c { color: green; }"))
        .expect("its sheet");
    assert!(added_at < sheet_at, "the host's Mutation comes first");
    let add = events[added_at]["data"]["adds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| attr(&a["node"], "id") == "added")
        .unwrap();
    assert_eq!(adopted[2]["id"], add["node"]["id"]);
    assert_eq!(adopted[2]["styles"][0]["rules"], json!([rule(".c { color: green; }", 0)]));
}
