//! The page layer: the virtual DOM mirrored into a sandboxed iframe.
//!
//! The iframe has `sandbox="allow-same-origin"` and nothing else: this code can build inside
//! it, but nothing recorded ever runs (no scripts, no forms, no popups, no top navigation).
//! On top of that the edge never sets event-handler attributes (`on*`), never creates a
//! `<script>` (the virtual DOM already turned them into `noscript`, as rrweb does) and leaves
//! `noscript` empty, drops `http-equiv="refresh"`, and disables pointer events on the iframe.
//!
//! A seek rebuilds the whole document ([`DomView::rebuild`]); playback applies the virtual
//! DOM's [`Change`]s ([`DomView::apply`]), so a frame touches only what changed. Nodes are
//! kept in a table by virtual-DOM slot.

pub(super) mod canvas;
mod extras;
mod media;
mod sheets;
mod webgl;

use crate::play::vdom::{Change, NodeData, VDom, NONE};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlDocument, HtmlIFrameElement, Node, ShadowRoot, ShadowRootInit, ShadowRootMode};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
/// Class added to blocked elements (drawn as grey boxes by [`PLAYER_CSS`]).
pub(super) const BLOCKED_CLASS: &str = "rewind-blocked";
/// The player's own rules in the replayed document, adopted (not in the DOM tree): blocked
/// elements as hatched grey boxes; `noscript` hidden (rrweb's Replayer injects the same).
///
/// The `canvas` rule: in a document without scripting (the sandbox) a canvas renders as its
/// fallback content, an empty inline box, not as a picture of its `width` × `height`. This
/// gives it that box back (at zero specificity, so the page's own canvas rules still win), and
/// the overlay paints the replayed bitmap there (`DomView::painted_canvases`).
///
/// The `.rewind-focus` rule is the replayed focus ring (`extras::FOCUS_CLASS`): `!important`
/// so a page's `outline: none` cannot hide it, in the viewer's accent colour.
const PLAYER_CSS: &str = ".rewind-focus{outline:3px solid #4053d6!important;outline-offset:2px!important;}.rewind-blocked{background:#d4d4d8 repeating-linear-gradient(45deg,#d4d4d8 0 6px,#c4c4cc 6px 12px)!important;}noscript{display:none!important;}:where(canvas){display:inline-block;width:attr(width px,300px);height:attr(height px,150px)}";

/// The iframe and the DOM nodes mirroring the virtual DOM's slots.
pub(super) struct DomView {
    pub(super) iframe: HtmlIFrameElement,
    nodes: Vec<Option<Node>>,
    /// Slots whose `value`/`checked` or scroll offset must be set once their subtree is in place.
    pending_values: Vec<u32>,
    pending_scrolls: Vec<u32>,
    /// `<dialog>` slots whose open state (`open`, `rr_open_mode`) must be applied once they are
    /// in the page (`extras::sync_dialog`).
    pub(super) pending_dialogs: Vec<u32>,
    /// Iframes (slots) whose content document must be built once they are in the page.
    pending_iframes: Vec<u32>,
    /// Every iframe element built (slots; stale ones are dropped as found). An iframe that
    /// leaves the page and comes back (a move) gets a fresh empty document: those are rebuilt.
    iframes: Vec<u32>,
    /// Elements with a scroll offset, re-applied while the page loads (images and styles
    /// change the scrollable size after the rebuild).
    scrolled: Vec<u32>,
    stack: Vec<(u32, u32)>,
    /// Constructed sheets of the page (rrweb's style mirror), by virtual-DOM key.
    pub(super) constructed: rustc_hash::FxHashMap<crate::play::vdom::SheetKey, JsValue>,
    /// Sheet changes of the current step, applied once the tree is in place.
    pub(super) pending_sheets: Vec<Change>,
    /// CSSOM calls the browser refused (bad rules, indices past the end), since creation.
    pub(super) css_refused: u64,
    /// `<audio>`/`<video>` slots with a recorded state (stale ones dropped as found).
    pub(super) media: Vec<u32>,
    /// Canvas drawing queues (`canvas`).
    pub(super) canvases: canvas::Canvases,
    /// Documents whose selection changed in the current step.
    pending_selections: Vec<u32>,
    /// Fonts of the virtual DOM already added to the document; fonts the browser refused.
    pub(super) fonts_added: usize,
    pub(super) fonts_refused: u64,
    /// The elements given the class `:hover` (`extras`), to take it off when the hovered
    /// elements change.
    pub(super) hovered: Vec<(u32, Element)>,
    /// The element showing the focus ring (`extras`), to take it off when focus moves.
    pub(super) focused: Option<(u32, Element)>,
    /// Swallows rejected `play()` promises.
    pub(super) ignore: wasm_bindgen::prelude::Closure<dyn FnMut(JsValue)>,
}

impl DomView {
    /// Creates the sandboxed iframe inside `stage`.
    pub(super) fn new(host: &Document, stage: &Element) -> Result<Self, JsValue> {
        let iframe: HtmlIFrameElement = host.create_element("iframe")?.unchecked_into();
        iframe.set_attribute("sandbox", "allow-same-origin")?;
        iframe.set_attribute("title", "Replayed page")?;
        iframe.set_attribute("aria-hidden", "true")?;
        iframe.set_attribute("tabindex", "-1")?;
        iframe.set_attribute("scrolling", "no")?;
        iframe.set_attribute(
            "style",
            "position:absolute;left:0;top:0;border:0;margin:0;padding:0;background:#fff;pointer-events:none;",
        )?;
        iframe.set_attribute("class", "rewind-player__page")?;
        stage.append_child(&iframe)?;
        Ok(DomView {
            iframe,
            nodes: Vec::new(),
            pending_values: Vec::new(),
            pending_scrolls: Vec::new(),
            pending_dialogs: Vec::new(),
            pending_iframes: Vec::new(),
            iframes: Vec::new(),
            scrolled: Vec::new(),
            stack: Vec::new(),
            constructed: Default::default(),
            pending_sheets: Vec::new(),
            css_refused: 0,
            media: Vec::new(),
            canvases: Default::default(),
            pending_selections: Vec::new(),
            fonts_added: 0,
            fonts_refused: 0,
            hovered: Vec::new(),
            focused: None,
            ignore: media::ignore(),
        })
    }

    /// The replayed document.
    pub(super) fn document(&self) -> Option<Document> {
        self.iframe.content_document()
    }

    /// Sets the iframe's size (the recorded viewport, CSS px).
    pub(super) fn set_size(&self, width: f64, height: f64) {
        let _ = self.iframe.set_attribute("width", &format!("{}", width.round()));
        let _ = self.iframe.set_attribute("height", &format!("{}", height.round()));
    }

    /// The document's scrollable height and the window's height (CSS px), for the scroll
    /// indicator.
    pub(super) fn scroll_metrics(&self) -> Option<(f64, f64, f64)> {
        let doc = self.document()?;
        let root = doc.document_element()?;
        let win = self.iframe.content_window()?;
        let y = win.scroll_y().ok()?;
        Some((y, f64::from(root.scroll_height()), f64::from(root.client_height())))
    }

    /// Rebuilds the whole document from the virtual DOM.
    pub(super) fn rebuild(&mut self, vdom: &VDom) {
        self.nodes.clear();
        self.nodes.resize(vdom.capacity(), None);
        self.scrolled.clear();
        self.media.clear();
        self.iframes.clear();
        self.pending_iframes.clear();
        self.canvases_reset();
        self.pending_selections.clear();
        self.hovered.clear(); // their document is gone
        self.focused = None;
        let Some(doc) = self.document() else { return };
        let top = vdom.document();
        let quirks = top != NONE
            && matches!(&vdom.node(top).data, NodeData::Document { compat_mode: Some(m) } if m == "BackCompat");
        // Reset the document: re-opened, with a doctype parsed for standards mode (a DOM-built
        // doctype does not change the mode), then emptied.
        {
            let html: &HtmlDocument = doc.unchecked_ref();
            let _ = html.open();
            let _ = html.write(&Array::of1(&JsValue::from_str(if quirks { "" } else { "<!DOCTYPE html>" })));
            let _ = html.close();
        }
        clear_children(doc.as_ref());
        adopt_player_css(&doc, &self.iframe);
        self.sync_fonts(vdom, true);
        if top == NONE {
            return;
        }
        self.nodes[top as usize] = Some(doc.clone().into());
        self.build_children(vdom, top, &doc);
        self.finish(vdom);
        self.pending_sheets.clear();
        self.rebuild_sheets(vdom);
        self.sync_canvases(vdom);
        self.apply_all_selections(vdom);
        self.sync_hover(vdom);
        self.sync_focus(vdom);
    }

    /// Applies the changes of one step of playback (in order, reading the final state).
    pub(super) fn apply(&mut self, vdom: &VDom, changes: &[Change]) {
        if changes.iter().any(|c| matches!(c, Change::Reset)) {
            self.rebuild(vdom);
            return;
        }
        if self.nodes.len() < vdom.capacity() {
            self.nodes.resize(vdom.capacity(), None);
        }
        for change in changes {
            match change {
                Change::Reset => {}
                Change::Insert(slot) => self.insert(vdom, *slot),
                Change::Remove(slot) => {
                    if let Some(node) = self.node(*slot) {
                        if matches!(vdom.node(*slot).data, NodeData::Document { .. }) {
                            clear_children(node);
                        } else if let Some(parent) = node.parent_node() {
                            let _ = parent.remove_child(node);
                        }
                    }
                }
                Change::Free(slot) => {
                    if let Some(n) = self.nodes.get_mut(*slot as usize) {
                        *n = None;
                    }
                    self.canvas_freed(*slot);
                }
                Change::Text(slot) => {
                    if let (Some(node), Some(text)) = (self.node(*slot), text_of(vdom, *slot)) {
                        node.set_node_value(Some(text));
                    }
                }
                Change::Attr(slot, name) => {
                    if let (Some(node), Some(e)) = (self.node(*slot), vdom.element(*slot)) {
                        if let Some(el) = as_element(node) {
                            match e.attr(name) {
                                Some(v) => set_attribute(el, e.svg, &e.tag, name, v),
                                None => {
                                    let _ = el.remove_attribute(name);
                                }
                            }
                        }
                    }
                    let dialog = vdom.element(*slot).is_some_and(|e| e.tag == "dialog");
                    if dialog && (name == "open" || name == "rr_open_mode") {
                        self.pending_dialogs.push(*slot);
                    }
                }
                Change::Value(slot) => self.pending_values.push(*slot),
                Change::Scroll(slot) => self.pending_scrolls.push(*slot),
                Change::Media(slot) => self.track_media(*slot),
                Change::Canvas { slot, .. } => self.canvas_changed(*slot),
                Change::Selection(doc) => {
                    if !self.pending_selections.contains(doc) {
                        self.pending_selections.push(*doc);
                    }
                }
                Change::Font => self.sync_fonts(vdom, false),
                Change::Hover | Change::Focus => {} // below, after every change list
                Change::SheetOps { .. } | Change::StyleOps { .. } | Change::Adopt(_) => {
                    self.pending_sheets.push(change.clone());
                }
            }
        }
        self.finish(vdom);
        self.apply_sheet_changes(vdom);
        self.sync_canvases(vdom);
        for doc in std::mem::take(&mut self.pending_selections) {
            self.apply_selection(vdom, doc);
        }
        if !changes.is_empty() {
            // any change may touch a hovered element (a new class attribute, a rebuilt node)
            self.sync_hover(vdom);
            self.sync_focus(vdom);
        }
    }

    /// Re-applies the recorded scroll offsets (cheap when they already hold).
    pub(super) fn reapply_scrolls(&mut self, vdom: &VDom) {
        for k in 0..self.scrolled.len() {
            let slot = self.scrolled[k];
            self.scroll(vdom, slot);
        }
    }

    fn node(&self, slot: u32) -> Option<&Node> {
        self.nodes.get(slot as usize).and_then(Option::as_ref)
    }

    /// The DOM node (element, text, document or shadow root) showing `slot`.
    pub(super) fn dom_node(&self, slot: u32) -> Option<Node> {
        self.node(slot).cloned()
    }

    /// Puts `new` in the page in place of slot `slot`'s node, with its children (a canvas
    /// whose context must start over: a context lives as long as its element).
    pub(super) fn replace_node(&mut self, slot: u32, new: &Node) -> bool {
        let Some(old) = self.node(slot).cloned() else { return false };
        while let Some(c) = old.first_child() {
            if new.append_child(&c).is_err() {
                break;
            }
        }
        if let Some(parent) = old.parent_node() {
            if parent.replace_child(new, &old).is_err() {
                return false;
            }
        }
        self.nodes[slot as usize] = Some(new.clone());
        true
    }

    /// A node (new or moved) at its place: built if new, inserted before the next sibling the
    /// page already shows.
    fn insert(&mut self, vdom: &VDom, slot: u32) {
        let vn = vdom.node(slot);
        if matches!(vn.data, NodeData::Free) || vn.parent == NONE {
            return;
        }
        if matches!(vn.data, NodeData::ShadowRoot) {
            self.ensure_shadow_root(vdom, slot);
            return;
        }
        let Some(parent) = self.node(vn.parent).cloned() else { return };
        if matches!(vn.data, NodeData::Document { .. }) {
            // an iframe's new document
            self.pending_iframes.push(vn.parent);
            return;
        }
        if vdom.element(vn.parent).is_some_and(|e| !e.svg && (e.tag == "noscript" || e.tag == "iframe")) {
            // What a rebuild never shows (recorded script text, an iframe's fallback content,
            // see `build_children`) is not shown when it is added or moved there later either.
            if let Some(n) = self.node(slot) {
                if let Some(p) = n.parent_node() {
                    let _ = p.remove_child(n);
                }
            }
            return;
        }
        let Some(doc) = self.owner_document(&parent) else { return };
        let node = match self.node(slot).cloned() {
            Some(n) => n,
            None => match self.create(vdom, slot, &doc) {
                Some(n) => {
                    self.build_children(vdom, slot, &doc);
                    n
                }
                None => return,
            },
        };
        let mut next = vn.next;
        let mut before = None;
        while next != NONE {
            if let Some(candidate) = self.node(next) {
                if candidate.parent_node().as_ref() == Some(&parent) {
                    before = Some(candidate.clone());
                    break;
                }
            }
            next = vdom.node(next).next;
        }
        let _ = parent.insert_before(&node, before.as_ref());
    }

    fn owner_document(&self, parent: &Node) -> Option<Document> {
        match as_document(parent) {
            Some(d) => Some(d.clone()),
            None => parent.owner_document(),
        }
    }

    fn ensure_shadow_root(&mut self, vdom: &VDom, root: u32) {
        let host = vdom.node(root).parent;
        if self.node(root).is_some() {
            return;
        }
        let Some(el) = self.node(host).and_then(as_element).cloned() else { return };
        let shadow: Option<ShadowRoot> =
            el.shadow_root().or_else(|| el.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok());
        if let Some(s) = shadow {
            self.nodes[root as usize] = Some(s.into());
        }
    }

    /// Builds (or moves in) the children of `slot` under its DOM node, depth first, without
    /// recursion. Children that already have a DOM node are moved in as they are.
    fn build_children(&mut self, vdom: &VDom, slot: u32, doc: &Document) {
        self.stack.clear();
        self.stack.push((slot, NONE));
        while let Some((s, _)) = self.stack.pop() {
            let Some(parent) = self.node(s).cloned() else { continue };
            if let Some(e) = vdom.element(s) {
                if e.tag == "noscript" && !e.svg {
                    continue; // recorded script text is never shown
                }
                if e.shadow_root != NONE {
                    self.ensure_shadow_root(vdom, e.shadow_root);
                    if self.node(e.shadow_root).is_some() {
                        self.stack.push((e.shadow_root, NONE));
                    }
                }
                if e.tag == "iframe" && !e.svg {
                    if vdom.children(s).any(|c| matches!(vdom.node(c).data, NodeData::Document { .. })) {
                        self.pending_iframes.push(s);
                    }
                    continue;
                }
            }
            let mut c = vdom.node(s).first_child;
            while c != NONE {
                let existing = self.node(c).cloned();
                let child = match existing {
                    Some(n) => Some(n),
                    None => {
                        let made = self.create(vdom, c, doc);
                        if made.is_some() {
                            self.stack.push((c, NONE));
                        }
                        made
                    }
                };
                if let Some(child) = child {
                    let _ = parent.append_child(&child);
                }
                c = vdom.node(c).next;
            }
        }
    }

    /// Creates the DOM node of one slot (no children).
    fn create(&mut self, vdom: &VDom, slot: u32, doc: &Document) -> Option<Node> {
        let vn = vdom.node(slot);
        let node: Node = match &vn.data {
            NodeData::Element(e) => {
                let el = if e.svg {
                    doc.create_element_ns(Some(SVG_NS), &e.tag).ok()?
                } else {
                    doc.create_element(&e.tag).ok()?
                };
                let refresh =
                    e.tag == "meta" && e.attr("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
                for (name, value) in &e.attrs {
                    if refresh && name == "http-equiv" {
                        continue;
                    }
                    set_attribute(&el, e.svg, &e.tag, name, value);
                }
                if e.blocked {
                    let _ = el.class_list().add_1(BLOCKED_CLASS);
                }
                if e.tag == "iframe" && !e.svg {
                    self.iframes.push(slot);
                }
                if e.tag == "dialog" && !e.svg && e.attr("rr_open_mode").is_some() {
                    self.pending_dialogs.push(slot);
                }
                if e.value.is_some() || e.checked.is_some() {
                    self.pending_values.push(slot);
                }
                if vn.scroll.is_some() {
                    self.pending_scrolls.push(slot);
                }
                if e.media.is_some() {
                    self.track_media(slot);
                }
                if e.canvas.is_some() {
                    self.canvas_changed(slot);
                }
                el.into()
            }
            NodeData::Text(t) => doc.create_text_node(t).into(),
            NodeData::Comment(t) => doc.create_comment(t).into(),
            NodeData::Doctype { name, public_id, system_id } => {
                doc.implementation().ok()?.create_document_type(name, public_id, system_id).ok()?.into()
            }
            // CDATA sections cannot exist in HTML documents (rrweb's build throws there too);
            // documents and shadow roots are not created, they are attached.
            NodeData::CData(_) | NodeData::Document { .. } | NodeData::ShadowRoot | NodeData::Free => return None,
        };
        if self.nodes.len() <= slot as usize {
            self.nodes.resize(slot as usize + 1, None);
        }
        self.nodes[slot as usize] = Some(node.clone());
        Some(node)
    }

    /// What must wait until nodes are in the page: iframe documents, form values, scrolls.
    fn finish(&mut self, vdom: &VDom) {
        // Building a document can move iframes inside other frames: repeat until every iframe
        // shows the document built for it (bounded: nesting is).
        for _ in 0..16 {
            let mut k = 0;
            while k < self.iframes.len() {
                let slot = self.iframes[k];
                let live = vdom.element(slot).is_some_and(|e| e.tag == "iframe") && self.node(slot).is_some();
                if !live {
                    self.iframes.swap_remove(k);
                    continue;
                }
                if self.iframe_needs_build(vdom, slot) && !self.pending_iframes.contains(&slot) {
                    self.pending_iframes.push(slot);
                }
                k += 1;
            }
            if self.pending_iframes.is_empty() {
                break;
            }
            while let Some(iframe) = self.pending_iframes.pop() {
                if self.iframe_needs_build(vdom, iframe) {
                    self.build_iframe_document(vdom, iframe);
                }
            }
        }
        for k in 0..self.pending_values.len() {
            let slot = self.pending_values[k];
            if let (Some(node), Some(e)) = (self.node(slot), vdom.element(slot)) {
                if let Some(checked) = e.checked {
                    let _ = Reflect::set(node, &JsValue::from_str("checked"), &JsValue::from_bool(checked));
                }
                if let Some(v) = &e.value {
                    let _ = Reflect::set(node, &JsValue::from_str("value"), &JsValue::from_str(v));
                }
            }
        }
        self.pending_values.clear();
        for slot in std::mem::take(&mut self.pending_dialogs) {
            self.sync_dialog(vdom, slot);
        }
        let top = vdom.document();
        if top != NONE && vdom.node(top).scroll.is_some() {
            self.pending_scrolls.push(top);
        }
        while let Some(slot) = self.pending_scrolls.pop() {
            if !self.scrolled.contains(&slot) {
                self.scrolled.push(slot);
            }
            self.scroll(vdom, slot);
        }
    }

    fn scroll(&self, vdom: &VDom, slot: u32) {
        let vn = vdom.node(slot);
        let Some((x, y)) = vn.scroll else { return };
        let Some(node) = self.node(slot) else { return };
        if let Some(doc) = as_document(node) {
            if let Some(win) = doc.default_view() {
                if win.scroll_x().ok() != Some(x) || win.scroll_y().ok() != Some(y) {
                    win.scroll_to_with_x_and_y(x, y);
                }
            }
        } else if let Some(el) = as_element(node) {
            if f64::from(el.scroll_left()) != x.round() {
                el.set_scroll_left(x as i32);
            }
            if f64::from(el.scroll_top()) != y.round() {
                el.set_scroll_top(y as i32);
            }
        }
    }

    /// Iframe `slot` has a recorded document, and its frame does not show the one built for it
    /// (never built, or the frame was moved and re-created its document).
    fn iframe_needs_build(&self, vdom: &VDom, slot: u32) -> bool {
        let Some(frame) = self.node(slot).filter(|n| n.is_connected()) else { return false };
        let frame: &HtmlIFrameElement = frame.unchecked_ref();
        let Some(doc_slot) = vdom.children(slot).find(|&c| matches!(vdom.node(c).data, NodeData::Document { .. }))
        else {
            return false; // no recorded document (yet): the frame's own blank one
        };
        match (frame.content_document(), self.node(doc_slot)) {
            (Some(current), Some(built)) => !JsValue::from(current).eq(&JsValue::from(built.clone())),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Builds the document child of iframe `slot` into the iframe's own document.
    fn build_iframe_document(&mut self, vdom: &VDom, slot: u32) {
        let Some(frame) = self.node(slot).filter(|n| n.node_name() == "IFRAME") else { return };
        let frame: HtmlIFrameElement = frame.clone().unchecked_into();
        let Some(doc_slot) = vdom.children(slot).find(|&c| matches!(vdom.node(c).data, NodeData::Document { .. }))
        else {
            return;
        };
        let Some(doc) = frame.content_document() else { return };
        clear_children(doc.as_ref());
        adopt_player_css(&doc, &frame);
        self.nodes[doc_slot as usize] = Some(doc.clone().into());
        let stack = std::mem::take(&mut self.stack);
        self.stack = Vec::new();
        self.build_children(vdom, doc_slot, &doc);
        self.stack = stack;
    }
}

// Nodes of the replayed page belong to the iframe's window: `instanceof` checks against this
// window's classes (`dyn_ref`) fail for them, so types are told by `nodeType` / `nodeName`.

fn as_element(node: &Node) -> Option<&Element> {
    (node.node_type() == Node::ELEMENT_NODE).then(|| node.unchecked_ref())
}

fn as_document(node: &Node) -> Option<&Document> {
    (node.node_type() == Node::DOCUMENT_NODE).then(|| node.unchecked_ref())
}

/// A function of any window (`instanceof Function` fails across windows).
fn function(v: JsValue) -> Result<js_sys::Function, JsValue> {
    if v.is_function() {
        Ok(v.unchecked_into())
    } else {
        Err(JsValue::from_str("not a function"))
    }
}

fn clear_children(node: &Node) {
    while let Some(c) = node.last_child() {
        if node.remove_child(&c).is_err() {
            break;
        }
    }
}

fn text_of(vdom: &VDom, slot: u32) -> Option<&str> {
    match &vdom.node(slot).data {
        NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) => Some(t),
        _ => None,
    }
}

/// Sets one recorded attribute, refusing event handlers.
fn set_attribute(el: &Element, svg: bool, tag: &str, name: &str, value: &str) {
    if name.len() >= 2 && name[..2].eq_ignore_ascii_case("on") {
        return;
    }
    if tag == "iframe" && name.eq_ignore_ascii_case("srcdoc") {
        return; // recorded content only comes in through the virtual DOM
    }
    let _ = if svg && name == "xlink:href" {
        el.set_attribute_ns(Some(XLINK_NS), name, value)
    } else {
        el.set_attribute(name, value)
    };
}

/// Adopts the player's style sheet in `doc` (constructed in the frame's own window, as
/// adoption requires). Not part of the DOM tree, so the rebuilt tree stays the recorded one.
fn adopt_player_css(doc: &Document, frame: &HtmlIFrameElement) {
    let Some(win) = frame.content_window() else { return };
    let sheet = (|| -> Result<JsValue, JsValue> {
        let ctor = function(Reflect::get(&win, &"CSSStyleSheet".into())?)?;
        let sheet = Reflect::construct(&ctor, &Array::new())?;
        let replace = function(Reflect::get(&sheet, &"replaceSync".into())?)?;
        replace.call1(&sheet, &PLAYER_CSS.into())?;
        Reflect::set(&sheet, &sheets::PLAYER_SHEET_MARK.into(), &JsValue::TRUE)?;
        Ok(sheet)
    })();
    if let Ok(sheet) = sheet {
        let _ = Reflect::set(doc, &"adoptedStyleSheets".into(), &Array::of1(&sheet));
    }
}
