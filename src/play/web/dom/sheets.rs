//! The page layer's CSSOM: the virtual DOM's sheet logs ([`Sheets`]) replayed on the real
//! sheets of the iframe, as rrweb 2.1.1's Replayer does (`insertRule` / `deleteRule` /
//! `replaceSync` / `style.setProperty` / `style.removeProperty`, constructed `CSSStyleSheet`s
//! adopted through `adoptedStyleSheets`).
//!
//! Everything goes through `Reflect`: the sheets and rules belong to the iframe's window, where
//! wasm-bindgen's `instanceof` checks fail. A call the browser refuses (a rule it cannot parse,
//! an index past the end, a rule path that names nothing) is skipped and counted, as rrweb
//! catches and ignores it.

use super::DomView;
use crate::play::vdom::{InsertAt, SheetKey, SheetOp, VDom, NONE};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Marks the player's own adopted sheet, which stays first in a document's list.
pub(super) const PLAYER_SHEET_MARK: &str = "__rewindPlayerSheet";

impl DomView {
    /// After a full rebuild: every logged sheet replayed, constructed sheets made, adoptions set.
    pub(super) fn rebuild_sheets(&mut self, vdom: &VDom) {
        self.constructed.clear();
        let sheets = vdom.sheets();
        for (slot, log) in sheets.elements() {
            self.replay_element_ops(vdom, slot, log.gen, 0, log.ops.len());
        }
        let keys: Vec<SheetKey> = sheets.all_constructed().map(|(k, _)| k).collect();
        for key in keys {
            self.replay_constructed_ops(vdom, key, 0, usize::MAX);
        }
        for (root, _) in sheets.all_adopted() {
            self.adopt(vdom, root);
        }
    }

    /// The sheet changes of one step, once the tree is in place (in the order recorded).
    pub(super) fn apply_sheet_changes(&mut self, vdom: &VDom) {
        let pending = std::mem::take(&mut self.pending_sheets);
        for change in &pending {
            match *change {
                crate::play::vdom::Change::SheetOps { slot, gen, from, to } => {
                    self.replay_element_ops(vdom, slot, gen, from, to);
                }
                crate::play::vdom::Change::StyleOps { key, from, to } => {
                    self.replay_constructed_ops(vdom, key, from, to)
                }
                crate::play::vdom::Change::Adopt(root) => self.adopt(vdom, root),
                _ => {}
            }
        }
        self.pending_sheets = pending;
        self.pending_sheets.clear();
    }

    /// Ops `from..to` of element `slot`'s log, if it is still generation `gen` (else the
    /// browser has since re-parsed or dropped that sheet, and the ops with it).
    fn replay_element_ops(&mut self, vdom: &VDom, slot: u32, gen: u32, from: usize, to: usize) {
        let Some(log) = vdom.sheets().element(slot).filter(|l| l.gen == gen) else { return };
        let Some(node) = self.dom_node(slot) else { return };
        // A `<link>` whose file did not load has no sheet: rrweb skips it too (not counted).
        let Ok(sheet) = Reflect::get(&node, &"sheet".into()) else { return };
        if sheet.is_null() || sheet.is_undefined() {
            return;
        }
        for op in log.ops.get(from..to.min(log.ops.len())).unwrap_or(&[]) {
            if apply_op(&sheet, op).is_err() {
                self.css_refused += 1;
            }
        }
    }

    /// Ops `from..to` of constructed sheet `key`, constructed first (in the window of its realm
    /// document) if the page does not have it yet: a key is never reused for a new sheet.
    fn replay_constructed_ops(&mut self, vdom: &VDom, key: SheetKey, from: usize, to: usize) {
        let Some(log) = vdom.sheets().constructed(key) else { return };
        if !self.constructed.contains_key(&key) {
            let Some(sheet) = self.construct(log.realm) else {
                self.css_refused += 1;
                return;
            };
            self.constructed.insert(key, sheet);
        }
        let sheet = self.constructed[&key].clone();
        for op in log.ops.get(from..to.min(log.ops.len())).unwrap_or(&[]) {
            if apply_op(&sheet, op).is_err() {
                self.css_refused += 1;
            }
        }
    }

    /// A new `CSSStyleSheet` of the window showing document `realm` (the top frame's when that
    /// document is not shown).
    fn construct(&self, realm: u32) -> Option<JsValue> {
        let win: JsValue = match self.dom_node(realm).filter(|_| realm != NONE) {
            Some(doc) => Reflect::get(&doc, &"defaultView".into()).ok().filter(|w| !w.is_null())?,
            None => self.iframe.content_window()?.into(),
        };
        let ctor = Reflect::get(&win, &"CSSStyleSheet".into()).ok()?;
        let ctor: js_sys::Function = ctor.is_function().then(|| ctor.unchecked_into())?;
        Reflect::construct(&ctor, &Array::new()).ok()
    }

    /// Sets `adoptedStyleSheets` of document or shadow root `root` to the sheets the virtual
    /// DOM lists, after the player's own sheet when the document has it.
    fn adopt(&mut self, vdom: &VDom, root: u32) {
        let Some(node) = self.dom_node(root) else { return };
        let list = Array::new();
        if let Ok(current) = Reflect::get(&node, &"adoptedStyleSheets".into()) {
            // An array of the frame's window: read through its indices, not `instanceof`.
            let current: &Array = current.unchecked_ref();
            for s in current.iter() {
                if Reflect::get(&s, &PLAYER_SHEET_MARK.into()).is_ok_and(|v| v.is_truthy()) {
                    list.push(&s);
                }
            }
        }
        for key in vdom.sheets().adopted(root).unwrap_or(&[]) {
            if let Some(s) = self.constructed.get(key) {
                list.push(s);
            }
        }
        if Reflect::set(&node, &"adoptedStyleSheets".into(), &list).is_err() {
            self.css_refused += 1; // a sheet of another window: the browser refuses them all
        }
    }
}

/// rrweb's rule path: `[i]` is rule `i` of `sheet`, `[i, j]` rule `j` of rule `i`'s
/// `cssRules`, …; an error when a step names nothing.
fn rule_at(sheet: &JsValue, path: &[i64]) -> Result<JsValue, JsValue> {
    let mut cur = sheet.clone();
    for &i in path {
        let rules = Reflect::get(&cur, &"cssRules".into())?;
        if rules.is_null() || rules.is_undefined() || i < 0 {
            return Err(JsValue::from_str("no such rule"));
        }
        cur = Reflect::get(&rules, &JsValue::from_f64(i as f64))?;
        if cur.is_null() || cur.is_undefined() {
            return Err(JsValue::from_str("no such rule"));
        }
    }
    Ok(cur)
}

/// Calls method `name` of `target` with `args`.
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f = Reflect::get(target, &name.into())?;
    if !f.is_function() {
        return Err(JsValue::from_str("not a function"));
    }
    let f: &js_sys::Function = f.unchecked_ref();
    f.apply(target, &args.iter().collect::<Array>())
}

/// One logged CSSOM call on `sheet`.
fn apply_op(sheet: &JsValue, op: &SheetOp) -> Result<(), JsValue> {
    match op {
        SheetOp::Insert { rule, at } => {
            let rule = JsValue::from_str(rule);
            match at {
                InsertAt::Front => call(sheet, "insertRule", &[rule])?,
                InsertAt::Clamped(i) => {
                    let rules = Reflect::get(sheet, &"cssRules".into())?;
                    let len = Reflect::get(&rules, &"length".into())?.as_f64().unwrap_or(0.0);
                    call(sheet, "insertRule", &[rule, JsValue::from_f64((*i as f64).min(len))])?
                }
                InsertAt::Path(p) => {
                    let (last, parents) = p.split_last().ok_or_else(|| JsValue::from_str("empty index"))?;
                    let target = rule_at(sheet, parents)?;
                    call(&target, "insertRule", &[rule, JsValue::from_f64(*last as f64)])?
                }
            }
        }
        SheetOp::Delete { path } => {
            let (last, parents) = path.split_last().ok_or_else(|| JsValue::from_str("empty index"))?;
            let target = rule_at(sheet, parents)?;
            call(&target, "deleteRule", &[JsValue::from_f64(*last as f64)])?
        }
        SheetOp::Replace(text) => call(sheet, "replaceSync", &[JsValue::from_str(text)])?,
        SheetOp::SetProperty { path, property, value, priority } => {
            let style = Reflect::get(&rule_at(sheet, path)?, &"style".into())?;
            call(&style, "setProperty", &[property.into(), value.into(), priority.into()])?
        }
        SheetOp::RemoveProperty { path, property } => {
            let style = Reflect::get(&rule_at(sheet, path)?, &"style".into())?;
            call(&style, "removeProperty", &[property.into()])?
        }
    };
    Ok(())
}
