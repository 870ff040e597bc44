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

mod build;
pub(super) mod canvas;
mod extras;
mod media;
mod sheets;
mod webgl;

use crate::play::vdom::{Change, NodeData, VDom, NONE};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlDocument, HtmlIFrameElement, Node, ShadowRoot, ShadowRootInit, ShadowRootMode};

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
    /// Nodes whose children are still to be built, each with the child to go on from (`NONE`:
    /// not started).
    stack: Vec<(u32, u32)>,
    /// The rebuild in progress, if any (`start_rebuild`, `build_step`).
    building: Option<build::Building>,
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
            building: None,
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

    /// Rebuilds the whole document from the virtual DOM, at once.
    pub(super) fn rebuild(&mut self, vdom: &VDom) {
        self.start_rebuild(vdom);
        self.build_step(vdom, &mut || 0.0, f64::INFINITY);
    }

    /// Starts rebuilding the document from the virtual DOM ([`DomView::build_step`] builds it),
    /// abandoning a rebuild in progress: the document is emptied and the page built into it
    /// from the top, in document order.
    pub(super) fn start_rebuild(&mut self, vdom: &VDom) {
        self.nodes.clear();
        self.nodes.resize(vdom.capacity(), None);
        self.scrolled.clear();
        self.media.clear();
        self.iframes.clear();
        self.pending_iframes.clear();
        self.pending_values.clear();
        self.pending_scrolls.clear();
        self.pending_dialogs.clear();
        self.canvases_reset();
        self.pending_selections.clear();
        self.hovered.clear(); // their document is gone
        self.focused = None;
        self.stack.clear();
        self.building = None;
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
        if top != NONE {
            self.nodes[top as usize] = Some(doc.clone().into());
            self.stack.push((top, vdom.node(top).first_child));
        }
        self.building = Some(build::Building { doc, top });
    }

    /// Whether a rebuild is in progress ([`DomView::start_rebuild`]).
    pub(super) fn building(&self) -> bool {
        self.building.is_some()
    }

    /// Continues the rebuild in progress for up to `budget_ms` of `clock` (ms; looked at every
    /// [`build::CHECK_NODES`] nodes, so a slice may run over by that many nodes); the browser
    /// lays out what is built between slices. True when there is no rebuild left (done, or
    /// none was in progress); the page is then complete: form values, scroll offsets, iframe
    /// documents, CSSOM, canvases, selections, hover and focus are set.
    pub(super) fn build_step(&mut self, vdom: &VDom, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> bool {
        let Some(b) = self.building.as_ref() else { return true };
        let (doc, top) = (b.doc.clone(), b.top);
        if top != NONE && (top as usize >= vdom.capacity() || !matches!(vdom.node(top).data, NodeData::Document { .. }))
        {
            // the virtual DOM is not the one this rebuild started from: start over
            self.start_rebuild(vdom);
            return self.build_step(vdom, clock, budget_ms);
        }
        let deadline = if budget_ms.is_finite() { clock() + budget_ms } else { f64::INFINITY };
        if !self.build_nodes(vdom, &doc, clock, deadline) {
            return false;
        }
        self.building = None;
        if top == NONE {
            return true;
        }
        self.finish(vdom);
        self.pending_sheets.clear();
        self.rebuild_sheets(vdom);
        self.sync_canvases(vdom);
        self.apply_all_selections(vdom);
        self.sync_hover(vdom);
        self.sync_focus(vdom);
        true
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
                                Some(v) => build::set_attribute(el, e.svg, &e.tag, name, v),
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
