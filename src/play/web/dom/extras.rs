//! The page layer's selection and fonts: the virtual DOM's [`SelRange`](crate::play::vdom::SelRange)s
//! become the iframe documents' selections (`getSelection()`: `removeAllRanges`, then a `Range`
//! per recorded range, as rrweb's `applySelection`), and its [`Font`]s `FontFace`s in the
//! replayed document's `fonts` (as rrweb's Replayer adds them).
//!
//! Once set, a selection is the browser's own: later DOM changes move its boundaries as they
//! would have on the recorded page. A range the DOM refuses when rebuilt (a boundary past a text
//! that changed since) is left out.

use super::DomView;
use crate::play::vdom::{Font, FontSource, VDom};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// The class rrweb's Replayer gives hovered elements (its style rewrite matches `.\:hover`).
const HOVER_CLASS: &str = ":hover";

/// The class the focused element gets; the player's own sheet (`PLAYER_CSS` in [`super`])
/// draws the focus ring for it.
pub(super) const FOCUS_CLASS: &str = "rewind-focus";

impl DomView {
    /// Gives the class `:hover` to the elements [`VDom::hover_chain`] lists, through
    /// `classList` as rrweb's `hoverElements` does (so the `class` attribute reads as rrweb
    /// leaves it: tokens deduplicated, `:hover` last). Elements that leave the chain get their
    /// recorded `class` back (a removed token would leave `class=""` where the recorded element
    /// had none: not what a rebuild, or rrweb after a seek, shows). Cheap: the chain is the
    /// target's ancestors.
    pub(super) fn sync_hover(&mut self, vdom: &VDom) {
        let now: Vec<(u32, Element)> = vdom
            .hover_chain()
            .into_iter()
            .filter_map(|slot| Some((slot, self.dom_node(slot)?)))
            .filter(|(_, n)| n.node_type() == web_sys::Node::ELEMENT_NODE)
            .map(|(slot, n)| (slot, n.unchecked_into::<Element>()))
            .collect();
        for (slot, old) in std::mem::take(&mut self.hovered) {
            if now.iter().any(|(_, e)| e == &old) {
                continue;
            }
            let same = self.dom_node(slot).is_some_and(|n| JsValue::from(n) == JsValue::from(&old));
            match vdom.element(slot).filter(|_| same) {
                Some(e) => {
                    let _ = match e.attr("class") {
                        Some(v) => old.set_attribute("class", v),
                        None => old.remove_attribute("class"),
                    };
                }
                None => {
                    let _ = old.class_list().remove_1(HOVER_CLASS);
                }
            }
        }
        for (_, el) in &now {
            let list = el.class_list();
            if !list.contains(HOVER_CLASS) {
                let _ = list.add_1(HOVER_CLASS);
            }
        }
        self.hovered = now;
    }

    /// Gives [`FOCUS_CLASS`] to [`VDom::focused`] and takes it off the element that had it
    /// (its `class` attribute goes when the token was all of it and the recording has none).
    /// Run after every change list and after `sync_hover`, so a recorded `class` (or hover's
    /// restoring it) that dropped the token gets it back.
    pub(super) fn sync_focus(&mut self, vdom: &VDom) {
        let now = vdom
            .focused()
            .and_then(|slot| Some((slot, self.dom_node(slot)?)))
            .filter(|(_, n)| n.node_type() == web_sys::Node::ELEMENT_NODE)
            .map(|(slot, n)| (slot, n.unchecked_into::<Element>()));
        if let Some((slot, old)) = self.focused.take() {
            if now.as_ref().is_none_or(|(_, e)| e != &old) {
                let _ = old.class_list().remove_1(FOCUS_CLASS);
                let recorded = vdom.element(slot).and_then(|e| e.attr("class")).is_some();
                if !recorded && old.get_attribute("class").is_some_and(|c| c.trim().is_empty()) {
                    let _ = old.remove_attribute("class");
                }
            }
        }
        if let Some((_, el)) = &now {
            // Last among the tokens, whichever of hover and focus came first, so playing and a
            // rebuild (hover synced before focus) leave the same `class`.
            let list = el.class_list();
            let n = list.length();
            if n == 0 || list.item(n - 1).as_deref() != Some(FOCUS_CLASS) {
                let _ = list.remove_1(FOCUS_CLASS);
                let _ = list.add_1(FOCUS_CLASS);
            }
        }
        self.focused = now;
    }

    /// Sets document `doc`'s selection to the virtual DOM's ranges for it.
    pub(super) fn apply_selection(&self, vdom: &VDom, doc: u32) {
        let Some(document) = self.dom_node(doc) else { return };
        let Ok(selection) = invoke(&document, "getSelection", &Array::new()) else { return };
        if selection.is_null() || selection.is_undefined() {
            return;
        }
        let _ = invoke(&selection, "removeAllRanges", &Array::new());
        for r in vdom.selection(doc) {
            let (Some(start), Some(end)) = (self.dom_node(r.start), self.dom_node(r.end)) else { continue };
            if !start.is_connected() || !end.is_connected() {
                continue;
            }
            let Ok(range) = invoke(&document, "createRange", &Array::new()) else { continue };
            let ok = invoke(&range, "setStart", &Array::of2(&start, &r.start_offset.into())).is_ok()
                && invoke(&range, "setEnd", &Array::of2(&end, &r.end_offset.into())).is_ok();
            if ok {
                let _ = invoke(&selection, "addRange", &Array::of1(&range));
            }
        }
    }

    /// Sets every document's selection (after a rebuild).
    pub(super) fn apply_all_selections(&self, vdom: &VDom) {
        for (doc, _) in vdom.selections() {
            self.apply_selection(vdom, doc);
        }
    }

    /// Adds the fonts the replayed document does not have yet; `rebuilt`: the document was
    /// re-opened, so the player's fonts are removed first (`fonts.clear()` removes only fonts
    /// added by script, never the page's `@font-face` rules).
    pub(super) fn sync_fonts(&mut self, vdom: &VDom, rebuilt: bool) {
        let Some(doc) = self.document() else { return };
        let Ok(set) = Reflect::get(&doc, &"fonts".into()) else { return };
        if rebuilt {
            let _ = invoke(&set, "clear", &Array::new());
            self.fonts_added = 0;
        }
        let Some(win) = self.iframe.content_window() else { return };
        let Ok(ctor) = Reflect::get(&win, &"FontFace".into()) else { return };
        for font in vdom.fonts().iter().skip(self.fonts_added) {
            let added = font_face(&ctor, font).and_then(|face| invoke(&set, "add", &Array::of1(&face)));
            if added.is_err() {
                self.fonts_refused += 1;
            }
        }
        self.fonts_added = vdom.fonts().len();
    }
}

/// `new FontFace(family, source, descriptors)` in the frame's window.
fn font_face(ctor: &JsValue, font: &Font) -> Result<JsValue, JsValue> {
    let source: JsValue = match &font.source {
        FontSource::Css(s) => s.into(),
        FontSource::Bytes(b) => Uint8Array::from(&b[..]).into(),
    };
    let descriptors = match &font.descriptors {
        Some(d) => js_sys::JSON::parse(d)?,
        None => JsValue::UNDEFINED,
    };
    if !ctor.is_function() {
        return Err(JsValue::NULL);
    }
    Reflect::construct(
        ctor.unchecked_ref::<js_sys::Function>(),
        &Array::of3(&font.family.as_str().into(), &source, &descriptors),
    )
}

/// `target[name](...args)` on an object of any window.
fn invoke(target: &JsValue, name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f = Reflect::get(target, &name.into())?;
    if !f.is_function() {
        return Err(JsValue::NULL);
    }
    f.unchecked_ref::<js_sys::Function>().apply(target, args)
}

impl DomView {
    /// Opens or closes replayed `<dialog>` `slot` as it was on the page: with the `open`
    /// attribute and `rr_open_mode: "modal"` (rrweb 2.x's record of `showModal()`), through
    /// `showModal()`, so it is in the top layer with the page behind it inert, as rrweb's
    /// Replayer does; a modal dialog recorded closed or non-modal is closed (and re-opened
    /// non-modal). `showModal()` may move focus into the replayed document: focus is given
    /// back to the player's page, so its keyboard controls keep working.
    pub(super) fn sync_dialog(&self, vdom: &VDom, slot: u32) {
        let (Some(node), Some(e)) = (self.dom_node(slot), vdom.element(slot)) else { return };
        if node.node_type() != web_sys::Node::ELEMENT_NODE || !node.is_connected() {
            return;
        }
        let el: &Element = node.unchecked_ref();
        let open = e.attr("open").is_some();
        let want_modal = open && e.attr("rr_open_mode") == Some("modal");
        if el.matches(":modal").unwrap_or(false) == want_modal {
            return;
        }
        let call = |name: &str| {
            if let Ok(f) = Reflect::get(el, &name.into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
                let _ = f.call0(el);
            }
        };
        if want_modal {
            let host = self.iframe.owner_document();
            let focused = host.as_ref().and_then(|d| d.active_element());
            let _ = el.remove_attribute("open"); // showModal() refuses an open dialog
            call("showModal");
            if let Some(prev) = focused {
                if host.and_then(|d| d.active_element()).as_ref() != Some(&prev) {
                    let _ = prev.unchecked_ref::<web_sys::HtmlElement>().focus();
                }
            }
        } else {
            call("close");
            if open {
                let _ = el.set_attribute("open", "");
            }
        }
    }
}
