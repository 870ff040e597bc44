//! Style sheets in rrweb's format: what the FullSnapshot inlines (`_cssText`), the style mirror
//! of constructed sheets (`styleId`s), rule index paths, and the event data of
//! IncrementalSource 8 (StyleSheetRule), 13 (StyleDeclaration) and 15 (AdoptedStyleSheet).
//! The CSSOM hooks that produce those events are in `observers::sheets`.
//!
//! Shapes (rrweb 2.1 `@rrweb/types`, as in its fixtures `style-sheet-rule-events`,
//! `nested-style-declaration`, `adopted-style-sheet*`):
//! - 8: `{source:8, id | styleId, adds?:[{rule, index}], removes?:[{index}], replace?,
//!   replaceSync?}`; `index` is a number for a rule of the sheet, an array (the path through
//!   grouping rules such as `@media`, outermost first) for a nested one.
//! - 13: `{source:13, id | styleId, index:[…path of the rule], set?:{property, value,
//!   priority?}, remove?:{property}}`.
//! - 15: `{source:15, id (the document, or a shadow host), styleIds:[…], styles?:[{styleId,
//!   rules:[{rule, index}]}]}`; a sheet's rules are sent once, with its first `styleId`.
//!
//! `id` names the `<style>`/`<link>` element owning the sheet; `styleId` a constructed sheet
//! (`new CSSStyleSheet()`), numbered from 1 in the order they are first adopted. rrweb's
//! Replayer forgets its style mirror at each FullSnapshot, so the numbering starts again with
//! each snapshot ([`Sheets::reset`]) and the snapshot re-sends what is adopted.

use super::json::{array, push_str, Obj};
use js_sys::{Array, Reflect, WeakMap, WeakSet};
use wasm_bindgen::{JsCast, JsValue};

/// The constructed sheets with a `styleId`, and the sheets changed through the CSSOM while
/// recording (their `<style>` is inlined as `_cssText` by later snapshots).
pub struct Sheets {
    ids: WeakMap,
    next: i32,
    modified: WeakSet,
}

/// Where a sheet is, for rrweb's events: `"id":N` (owner element) or `"styleId":N`.
pub struct Target(pub &'static str, pub i32);

impl Target {
    /// `"id":N` / `"styleId":N`, to follow `"source":…,` in an event's data.
    pub fn json(&self) -> String {
        format!("\"{}\":{}", self.0, self.1)
    }
}

impl Sheets {
    pub fn new() -> Self {
        Sheets { ids: WeakMap::new(), next: 1, modified: WeakSet::new() }
    }

    /// Forgets every `styleId` (at each FullSnapshot, as rrweb's Replayer does).
    pub fn reset(&mut self) {
        self.ids = WeakMap::new();
        self.next = 1;
    }

    /// The sheet's `styleId`, if it has one since the last snapshot.
    pub fn style_id(&self, sheet: &JsValue) -> Option<i32> {
        if !sheet.is_object() {
            return None;
        }
        self.ids.get(sheet.unchecked_ref()).as_f64().map(|n| n as i32)
    }

    pub fn mark_modified(&self, sheet: &JsValue) {
        if sheet.is_object() {
            self.modified.add(sheet.unchecked_ref());
        }
    }

    pub fn is_modified(&self, sheet: &JsValue) -> bool {
        sheet.is_object() && self.modified.has(sheet.unchecked_ref())
    }

    /// The AdoptedStyleSheet data for `target_id` (the document or a shadow host) adopting
    /// `sheets` (an `adoptedStyleSheets` array): sheets seen for the first time get a `styleId`
    /// and their rules. `None` when `sheets` is not an array, or is empty and `keep_empty` is
    /// false (a snapshot has nothing to say then; a setter that emptied the list has).
    pub fn adopted(&mut self, target_id: i32, sheets: &JsValue, keep_empty: bool) -> Option<String> {
        if !Array::is_array(sheets) {
            return None;
        }
        let sheets: &Array = sheets.unchecked_ref();
        if sheets.length() == 0 && !keep_empty {
            return None;
        }
        let mut ids = Vec::new();
        let mut styles = Vec::new();
        for sheet in sheets.iter() {
            let id = match self.style_id(&sheet) {
                Some(id) => id,
                None => {
                    let id = self.next;
                    self.next += 1;
                    self.ids.set(sheet.unchecked_ref(), &JsValue::from(id));
                    let rules = rule_texts(&get(&sheet, "cssRules"))
                        .into_iter()
                        .enumerate()
                        .map(|(i, rule)| Obj::new().str("rule", &rule).num("index", i as f64).end());
                    styles.push(Obj::new().num("styleId", id as f64).raw("rules", &array(rules)).end());
                    id
                }
            };
            ids.push(id.to_string());
        }
        let mut data = format!("\"id\":{target_id},\"styleIds\":{}", array(ids));
        if !styles.is_empty() {
            data.push_str(",\"styles\":");
            data.push_str(&array(styles));
        }
        Some(data)
    }
}

/// `object[key]` (`undefined` when it throws).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The `cssText` of each rule of a `CSSRuleList` (none when it is not one).
pub fn rule_texts(list: &JsValue) -> Vec<String> {
    let n = get(list, "length").as_f64().unwrap_or(0.0) as u32;
    let list: &web_sys::CssRuleList = list.unchecked_ref();
    (0..n).filter_map(|i| list.item(i)).map(|r| r.css_text()).collect()
}

/// A sheet's rules joined, or `None` when the sheet is missing or cross-origin (`cssRules`
/// throws).
pub fn sheet_text(sheet: &JsValue) -> Option<String> {
    if !sheet.is_object() {
        return None;
    }
    let rules = Reflect::get(sheet, &JsValue::from_str("cssRules")).ok().filter(|r| r.is_object())?;
    Some(rule_texts(&rules).concat())
}

/// rrweb's rule index path of `rule`: its index in its parent's `cssRules`, after the index of
/// that parent in its own parent's, and so on up to the sheet (outermost first). `None` when
/// the rule is not (any more) in a sheet.
pub fn rule_path(rule: &JsValue) -> Option<Vec<u32>> {
    let mut path = Vec::new();
    let mut cur = rule.clone();
    loop {
        let parent = get(&cur, "parentRule");
        let owner = if parent.is_object() { parent.clone() } else { get(&cur, "parentStyleSheet") };
        let list = get(&owner, "cssRules");
        let n = get(&list, "length").as_f64()? as u32;
        let list: &web_sys::CssRuleList = list.unchecked_ref();
        let index = (0..n).find(|&i| list.item(i).is_some_and(|r| JsValue::from(r) == cur))?;
        path.push(index);
        if !parent.is_object() {
            break;
        }
        cur = parent;
    }
    path.reverse();
    Some(path)
}

/// A rule index: a number for a rule of the sheet itself (`prefix` empty), else the path.
pub fn index_json(prefix: &[u32], index: u32) -> String {
    if prefix.is_empty() {
        return index.to_string();
    }
    array(prefix.iter().chain(std::iter::once(&index)).map(u32::to_string))
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

/// `{"rule":…,"index":…}`.
pub fn rule_json(rule: &str, index: &str) -> String {
    let mut out = String::from("{\"rule\":");
    push_str(&mut out, rule);
    out.push_str(",\"index\":");
    out.push_str(index);
    out.push('}');
    out
}
