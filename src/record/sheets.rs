//! Style sheets in rrweb's format: what the FullSnapshot inlines (`_cssText`), and the style
//! mirror of constructed sheets (`styleId`s) that the FullSnapshot's AdoptedStyleSheet events
//! (IncrementalSource 15) and the CSSOM hooks share.
//!
//! The style mirror, the CSSOM hooks (StyleSheetRule 8, StyleDeclaration 13, AdoptedStyleSheet
//! 15 from the `adoptedStyleSheets` setters) and the event shapes are browser glue in
//! `js/sheets.js` (shapes and rules in its header), imported by the recorder's wasm glue: a
//! hooked CSSOM call then crosses into wasm twice (`observers::sheets`) instead of ~30 times,
//! and the recorder's wasm carries no CSSOM reading or event building (BENCHMARKS.md,
//! "Recorder size now"). `raw_module`: the glue imports `../js/sheets.js` as written, so it
//! resolves beside `pkg/` and `pkg-record/` in the package, on a server, in a bundler and in
//! `wasm-pack test` (whose server falls back to the crate root), with no `snippets/` copy.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "../js/sheets.js")]
extern "C" {
    /// The style mirror of one recorder (`js/sheets.js` `Sheets`): constructed sheets'
    /// `styleId`s since the last snapshot, and the sheets changed through the CSSOM while
    /// recording.
    pub type Sheets;

    #[wasm_bindgen(constructor)]
    pub fn new() -> Sheets;

    /// Forgets every `styleId` (at each FullSnapshot, as rrweb's Replayer does).
    #[wasm_bindgen(method)]
    pub fn reset(this: &Sheets);

    /// Whether `sheet` was changed through the CSSOM while recording.
    #[wasm_bindgen(method, js_name = isModified)]
    pub fn is_modified(this: &Sheets, sheet: &JsValue) -> bool;

    /// The AdoptedStyleSheet data (after `"source":15,`) of node `target_id` (the document or
    /// a shadow host) adopting `sheets` (an `adoptedStyleSheets` array): sheets seen for the
    /// first time get a `styleId` and their rules. `None` when `sheets` is not an array, or is
    /// empty and `keep_empty` is false (a snapshot has nothing to say then).
    #[wasm_bindgen(method)]
    pub fn adopted(this: &Sheets, target_id: i32, sheets: &JsValue, keep_empty: bool) -> Option<String>;

    /// Wraps the CSSOM methods and hooks the `adoptedStyleSheets` setters, calling
    /// `record(op, node, rest)` (see `observers::sheets`); returns the undo.
    #[wasm_bindgen(method)]
    pub fn hook(this: &Sheets, record: &JsValue) -> js_sys::Function;

    /// A sheet's rules joined, or `None` when the sheet is missing or cross-origin (`cssRules`
    /// throws).
    #[wasm_bindgen(js_name = sheetText)]
    pub fn sheet_text(sheet: &JsValue) -> Option<String>;
}

/// `object[key]` (`undefined` when it throws).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `_cssText` for a `<style>` element whose sheet differs from its text: the sheet's CSS, then
/// one `/* rr_split */` and a space per further text child. rrweb's Replayer (`applyCssSplits`)
/// writes split `i` into text child `i`, so the first child gets the whole sheet and the others
/// a space (not an empty split, which it would skip, keeping their text: the rules twice). An
/// empty sheet is a space too, for the same reason.
pub fn style_css_text(css: String, text_children: usize) -> String {
    let mut out = if css.is_empty() { " ".to_string() } else { css };
    for _ in 1..text_children {
        out.push_str("/* rr_split */ ");
    }
    out
}

/// The number of top-level rules in CSS `text`, counted as the browser would at most keep
/// them: each `{…}` block at the top level, and each `@…;` statement (`@import`, `@layer a;`,
/// `@namespace`), skipping comments and strings. A sheet with more rules than its text has
/// had rules inserted through the CSSOM (invalid rules the browser dropped only lower its
/// count, so they never make a plain sheet look changed).
pub fn top_level_rules(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth, mut count) = (0usize, 0usize, 0usize);
    // Whether the current top-level prelude starts with `@` (a statement at-rule on `;`).
    let (mut at_rule, mut in_prelude) = (false, false);
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find_from(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\\' => i += 1,
            b'{' => {
                depth += 1;
                in_prelude = false;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    count += 1;
                }
            }
            b';' if depth == 0 => {
                if in_prelude && at_rule {
                    count += 1;
                }
                in_prelude = false;
            }
            _ if depth == 0 && !in_prelude && !c.is_ascii_whitespace() => {
                in_prelude = true;
                at_rule = c == b'@';
            }
            _ => {}
        }
        i += 1;
    }
    count
}

fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    (from..b.len().saturating_sub(needle.len() - 1)).find(|&k| b.get(k..k + needle.len()) == Some(needle))
}
