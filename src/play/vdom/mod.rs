//! The virtual DOM of the player: the recorded page as rrweb's Replayer would have rebuilt it,
//! in plain Rust, so it can be tested natively, cloned into checkpoints and diffed into the
//! browser's DOM by the wasm edge (`play::web::dom`).
//!
//! Semantics follow rrweb 2.1.1's Replayer (`rebuildFullSnapshot`, `applyMutation`,
//! `applyInput`, `applyScroll`) and rrweb-snapshot's `buildNode` / `buildNodeWithSN`, case by
//! case: the order removes → adds (with the retry queue for adds whose parent or next sibling is
//! not there yet) → texts → attributes; insert before `nextId`; re-adding an id whose node is in
//! the mirror with an equal serialized form moves that node; `script` becomes `noscript`;
//! `link` with inlined `_cssText` becomes `style`; blocked elements get their recorded
//! `rr_width`/`rr_height` as inline width/height; and so on (see `build.rs`, `mutation.rs`).
//! Where rrweb would throw a DOM exception the change is skipped and counted in
//! [`Warnings`], as rrweb logs a warning.
//!
//! Storage: an arena of [`VNode`]s linked as DOM trees (parent, first/last child, siblings),
//! and the rrweb mirror (`id → slot`). A shadow root is an anonymous [`NodeData::ShadowRoot`]
//! node hanging off its host ([`Element::shadow_root`]), not among the host's children, as in
//! the DOM; an iframe's content document is the iframe element's [`NodeData::Document`] child.
//! Every walk is a loop, never recursion. Slots freed by an event are reused only from the next
//! event on, and while [`Change`]s are recorded only once the edge has taken them
//! ([`VDom::take_changes`]), so within one change list a slot always means one node.

mod build;
mod canvas;
mod dump;
mod extras;
mod focus;
mod hover;
mod hover_css;
mod media;
mod mutation;
mod outline;
mod sheets;
mod style;
mod tree;
mod webgl;

pub use canvas::{decode_base64, CanvasCmd, CanvasContext, CanvasLog, MAX_CANVAS_COMMANDS};
pub use extras::{Font, FontSource, SelRange};
pub use hover_css::{adapt_css, Adapted, MAX_HOVER_CSS};
pub use media::MediaState;
pub use outline::{Outline, MAX_LINE_CHARS, MAX_NAME_NODES, MAX_OUTLINE_LINES};
pub use sheets::{InsertAt, SheetKey, SheetLog, SheetOp, Sheets};
pub use webgl::{created_by, WEBGL_HEAD};

pub use style::{remove_style_property, set_style_property};
pub use tree::Children;

use crate::model::{Event, EventData, IncrementalData, InputData, ScrollData};
use rustc_hash::FxHashMap;

/// "No node": the end of a sibling list, a detached node's parent, an absent shadow root.
pub const NONE: u32 = u32::MAX;
/// The rrweb id of a node the Replayer creates without one (the text node holding a
/// `_cssText` or a textarea `value`, text set through `textContent` on an element, shadow roots).
pub const NO_ID: i64 = i64::MIN;

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeData {
    Document {
        compat_mode: Option<String>,
    },
    Doctype {
        name: String,
        public_id: String,
        system_id: String,
    },
    Element(Box<Element>),
    /// The open shadow root of [`VNode::parent`] (an element).
    ShadowRoot,
    Text(String),
    CData(String),
    Comment(String),
    /// An unused slot.
    Free,
}

/// An element as the Replayer builds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// The tag created (rrweb's `getTagName`: `script` → `noscript`, SVG camel case,
    /// `link` with `_cssText` → `style`).
    pub tag: String,
    pub svg: bool,
    /// DOM attributes in the order they were first set, values as strings.
    pub attrs: Vec<(String, String)>,
    /// Recorded as blocked (`rr_width`/`rr_height`): shown as a box of that size.
    pub blocked: bool,
    /// The shadow root's slot, or [`NONE`].
    pub shadow_root: u32,
    /// The `value` property set by Input events (`None`: never set).
    pub value: Option<String>,
    /// The `checked` property set by Input events.
    pub checked: Option<bool>,
    /// For `<audio>`/`<video>`: the playback state (`rr_media*` attributes, MediaInteraction).
    pub media: Option<Box<MediaState>>,
    /// For `<canvas>`: the starting picture and the 2D calls since (`rr_dataURL`, CanvasMutation).
    pub canvas: Option<Box<CanvasLog>>,
    /// For `link`/`style` elements only: their serialized form, which the Replayer rebuilds
    /// such an element from when `_cssText` changes.
    meta_css: Option<Box<CssMeta>>,
}

/// The serialized form of a `link` or `style` element.
#[derive(Clone, Debug, PartialEq)]
struct CssMeta {
    /// The recorded tag name.
    tag: String,
    attributes: Vec<(String, crate::model::AttrValue)>,
    /// How many serialized text children it had.
    text_children: usize,
}

impl Element {
    fn new(tag: String, svg: bool) -> Self {
        Element {
            tag,
            svg,
            attrs: Vec::new(),
            blocked: false,
            shadow_root: NONE,
            value: None,
            checked: None,
            media: None,
            canvas: None,
            meta_css: None,
        }
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Sets attribute `name` (in place when present, else appended), as `setAttribute` does.
    pub(crate) fn set_attr(&mut self, name: &str, value: String) {
        match self.attrs.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    /// Removes attribute `name`; true when it was there.
    pub(crate) fn remove_attr(&mut self, name: &str) -> bool {
        let before = self.attrs.len();
        self.attrs.retain(|(n, _)| n != name);
        self.attrs.len() != before
    }

    /// The HTML `nodeName` test rrweb uses (`target.nodeName === 'STYLE'`): an HTML element of
    /// this lower-case tag.
    fn is_html(&self, tag: &str) -> bool {
        !self.svg && self.tag == tag
    }
}

/// One node of the arena.
#[derive(Clone, Debug, PartialEq)]
pub struct VNode {
    /// rrweb id, or [`NO_ID`].
    pub id: i64,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub prev: u32,
    pub next: u32,
    pub data: NodeData,
    /// Scroll offset `(left, top)` in CSS px, for documents and elements (`None`: never scrolled).
    pub scroll: Option<(f64, f64)>,
    /// A hash of the serialized node the Replayer keeps as the node's meta (rrweb's
    /// `isNodeMetaEqual` decides whether a re-added id reuses this node); 0 when unknown.
    meta: u64,
}

/// What the Replayer would have warned about, counted since the last FullSnapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    /// A change named a node id the mirror does not have (rrweb's "Node with id … not found").
    pub node_not_found: u64,
    /// Added nodes dropped because their parent (or next sibling) never appeared.
    pub dropped_adds: u64,
    /// Changes the DOM would have refused (rrweb catches the DOMException and warns).
    pub refused: u64,
    /// CSSOM events rrweb skips: an unknown sheet (`id` not a `<style>`/`<link>` in the
    /// document, unknown `styleId`), `replace` on an element's sheet, adoption by a node that
    /// is neither a document nor a shadow host. (Rules the browser refuses are counted by the
    /// edge, which is where CSS is parsed.)
    pub sheets: u64,
    /// CanvasMutation calls not replayed: for a context other than the canvas's first, an
    /// unknown context type, targets that are no `<canvas>`, and calls dropped from a full
    /// seek log ([`MAX_CANVAS_COMMANDS`]). (Calls the browser refuses are counted by the edge.)
    pub canvas: u64,
    /// Style texts rrweb rewrites for hover (`adaptCssForReplay`) left as recorded: longer
    /// than [`MAX_HOVER_CSS`], or CSS postcss would not parse (rrweb warns and keeps them).
    pub hover_css: u64,
}

impl Warnings {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Warnings) {
        self.node_not_found += other.node_not_found;
        self.dropped_adds += other.dropped_adds;
        self.refused += other.refused;
        self.sheets += other.sheets;
        self.canvas += other.canvas;
        self.hover_css += other.hover_css;
    }

    /// The total.
    pub fn total(&self) -> u64 {
        self.node_not_found + self.dropped_adds + self.refused + self.sheets + self.canvas + self.hover_css
    }
}

/// A change to the virtual DOM, for the browser edge to mirror into the real DOM. Processed in
/// order after the event is fully applied, reading the virtual DOM's final state.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A FullSnapshot replaced everything: rebuild from scratch.
    Reset,
    /// The node (new, or moved) is now at its place among its parent's children; a new node's
    /// subtree is built with it.
    Insert(u32),
    /// The node left its parent.
    Remove(u32),
    /// The slot was freed (drop whatever the edge holds for it).
    Free(u32),
    /// The text of a text, comment or CDATA node changed.
    Text(u32),
    /// Attribute `name` of the element was set or removed.
    Attr(u32, String),
    /// The `value` / `checked` properties changed.
    Value(u32),
    /// The scroll offset changed.
    Scroll(u32),
    /// Ops `from..to` of the sheet log of element `slot` ([`Sheets::element`]) were applied;
    /// stale (skip it) unless that log still has generation `gen` (the sheet was re-parsed or
    /// dropped since, and the ops went with it).
    SheetOps { slot: u32, gen: u32, from: usize, to: usize },
    /// Ops `from..to` of constructed sheet `key` were applied (a key the edge has not seen is a
    /// new sheet: keys are never reused).
    StyleOps { key: SheetKey, from: usize, to: usize },
    /// The document or shadow root `slot` adopted the sheets [`Sheets::adopted`] lists.
    Adopt(u32),
    /// The media state ([`Element::media`]) of the element changed.
    Media(u32),
    /// Calls were added to the canvas log ([`Element::canvas`]) of element `slot`, whose bitmap
    /// had generation `gen` (a different generation now: the edge starts the canvas over).
    Canvas { slot: u32, gen: u32 },
    /// The selection of document `slot` changed ([`VDom::selection`]).
    Selection(u32),
    /// A font was added ([`VDom::fonts`]).
    Font,
    /// The pointer target changed: the hovered elements are [`VDom::hover_chain`].
    Hover,
    /// The focused element changed: it is [`VDom::focused`].
    Focus,
}

/// The virtual DOM.
#[derive(Clone, Debug)]
pub struct VDom {
    nodes: Vec<VNode>,
    free: Vec<u32>,
    pending_free: Vec<u32>,
    mirror: FxHashMap<i64, u32>,
    /// The top document's slot (the last FullSnapshot's root), or [`NONE`].
    document: u32,
    /// Iframe documents added before their iframe element: (iframe id, the added node). A
    /// FullSnapshot empties it (see `load_snapshot`).
    new_documents: Vec<(i64, crate::model::NodeTree)>,
    record: bool,
    changes: Vec<Change>,
    scratch: build::Scratch,
    sheets: Sheets,
    extras: extras::Extras,
    hover: hover::Hover,
    /// The focused element's id (`focus.rs`).
    focus: Option<i64>,
    /// The time of the event being applied (Unix epoch ms): media states are anchored to it.
    now: i64,
    pub warnings: Warnings,
}

impl Default for VDom {
    fn default() -> Self {
        VDom::new()
    }
}

impl PartialEq for VDom {
    /// Same tree, same mirror, same warnings (slot numbers may differ).
    fn eq(&self, other: &Self) -> bool {
        self.warnings == other.warnings && self.dump() == other.dump() && self.mirror_dump() == other.mirror_dump()
    }
}

impl VDom {
    /// Appends (when recording) a change; shared with `build.rs` and `mutation.rs`.
    fn push_change(&mut self, change: Change) {
        if self.record {
            self.changes.push(change);
        }
    }
}

impl VDom {
    /// An empty virtual DOM (no document until a FullSnapshot).
    pub fn new() -> Self {
        VDom {
            nodes: Vec::new(),
            free: Vec::new(),
            pending_free: Vec::new(),
            mirror: FxHashMap::default(),
            document: NONE,
            new_documents: Vec::new(),
            record: false,
            changes: Vec::new(),
            scratch: build::Scratch::default(),
            sheets: Sheets::default(),
            extras: Default::default(),
            hover: Default::default(),
            focus: None,
            now: 0,
            warnings: Warnings::default(),
        }
    }

    /// Whether [`VDom::apply`] records [`Change`]s (off by default: checkpoints and seeks do not
    /// need them).
    pub fn set_recording(&mut self, on: bool) {
        self.record = on;
        if !on {
            self.changes.clear();
            self.free.append(&mut self.pending_free);
        }
    }

    /// Whether changes are being recorded.
    pub fn is_recording(&self) -> bool {
        self.record
    }

    /// Drops the changes recorded so far and records [`Change::Reset`] (when recording).
    pub fn push_reset(&mut self) {
        self.changes.clear();
        self.push_change(Change::Reset);
    }

    /// Moves the changes recorded so far into `out` (cleared first). Slots freed by them
    /// become reusable only now: until the edge has seen a list, a slot in it means one node.
    pub fn take_changes(&mut self, out: &mut Vec<Change>) {
        out.clear();
        std::mem::swap(out, &mut self.changes);
        self.free.append(&mut self.pending_free);
    }

    /// True when `event` changes the virtual DOM (FullSnapshot, Mutation, Input, Scroll,
    /// StyleSheetRule, StyleDeclaration, AdoptedStyleSheet, MediaInteraction, CanvasMutation,
    /// Font, Selection; and the pointer events that choose the hovered element: MouseMove,
    /// TouchMove, Drag, MouseInteraction; Meta, where rrweb's seeks start).
    pub fn affects(event: &Event) -> bool {
        matches!(
            &event.data,
            EventData::FullSnapshot(_)
                | EventData::Meta(_)
                | EventData::IncrementalSnapshot(
                    IncrementalData::Mutation(_)
                        | IncrementalData::Input(_)
                        | IncrementalData::Scroll(_)
                        | IncrementalData::StyleSheetRule(_)
                        | IncrementalData::StyleDeclaration(_)
                        | IncrementalData::AdoptedStyleSheet(_)
                        | IncrementalData::MediaInteraction(_)
                        | IncrementalData::CanvasMutation(_)
                        | IncrementalData::Font(_)
                        | IncrementalData::Selection(_)
                        | IncrementalData::MouseMove(_)
                        | IncrementalData::TouchMove(_)
                        | IncrementalData::Drag(_)
                        | IncrementalData::MouseInteraction(_)
                )
        )
    }

    /// Applies one event as the Replayer does. Returns a rough cost (nodes and values touched),
    /// which checkpointing uses to space its copies.
    pub fn apply(&mut self, event: &Event) -> usize {
        if !self.record {
            self.free.append(&mut self.pending_free);
        }
        self.now = event.timestamp;
        match &event.data {
            EventData::FullSnapshot(s) => self.load_snapshot(&s.node, s.initial_offset.left, s.initial_offset.top),
            EventData::IncrementalSnapshot(IncrementalData::Mutation(m)) => self.apply_mutation(m),
            EventData::IncrementalSnapshot(IncrementalData::Input(i)) => {
                self.apply_input(i);
                1
            }
            EventData::IncrementalSnapshot(IncrementalData::Scroll(s)) => {
                self.apply_scroll(s);
                1
            }
            EventData::IncrementalSnapshot(IncrementalData::StyleSheetRule(d)) => self.apply_style_sheet_rule(d),
            EventData::IncrementalSnapshot(IncrementalData::StyleDeclaration(d)) => self.apply_style_declaration(d),
            EventData::IncrementalSnapshot(IncrementalData::AdoptedStyleSheet(d)) => self.apply_adopted_style_sheet(d),
            EventData::IncrementalSnapshot(IncrementalData::MediaInteraction(d)) => self.apply_media(d),
            EventData::IncrementalSnapshot(IncrementalData::CanvasMutation(d)) => self.apply_canvas(d),
            EventData::IncrementalSnapshot(IncrementalData::Font(d)) => self.apply_font(d),
            EventData::IncrementalSnapshot(IncrementalData::Selection(d)) => self.apply_selection(d),
            EventData::IncrementalSnapshot(
                IncrementalData::MouseMove(d) | IncrementalData::TouchMove(d) | IncrementalData::Drag(d),
            ) => {
                self.apply_positions(&d.positions);
                1
            }
            EventData::Meta(_) => {
                self.set_hover_target(None);
                1
            }
            EventData::IncrementalSnapshot(IncrementalData::MouseInteraction(d)) => {
                self.apply_mouse_interaction(d);
                self.focus_on_interaction(d);
                1
            }
            _ => 0,
        }
    }

    /// The top document's slot, or [`NONE`] before the first FullSnapshot.
    pub fn document(&self) -> u32 {
        self.document
    }

    /// The node in `slot`.
    pub fn node(&self, slot: u32) -> &VNode {
        &self.nodes[slot as usize]
    }

    /// The element in `slot`, if it is one.
    pub fn element(&self, slot: u32) -> Option<&Element> {
        match &self.nodes.get(slot as usize)?.data {
            NodeData::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The slot of rrweb node `id`.
    pub fn slot_of(&self, id: i64) -> Option<u32> {
        self.mirror.get(&id).copied()
    }

    /// Slots in use (attached or not).
    pub fn len(&self) -> usize {
        self.nodes.len() - self.free.len() - self.pending_free.len()
    }

    /// What a copy costs: slots in use plus logged CSSOM operations.
    pub fn weight(&self) -> usize {
        self.len() + self.sheets.size()
    }

    /// True when no slot is in use.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The arena's size in slots (the edge sizes its own tables by it).
    pub fn capacity(&self) -> usize {
        self.nodes.len()
    }

    /// The children of `slot`, in order (not its shadow root).
    pub fn children(&self, slot: u32) -> Children<'_> {
        Children { dom: self, next: self.nodes[slot as usize].first_child }
    }

    /// The document's scroll offset `(left, top)`.
    pub fn document_scroll(&self) -> (f64, f64) {
        self.nodes.get(self.document as usize).and_then(|n| n.scroll).unwrap_or((0.0, 0.0))
    }

    /// The document's `<html>` element slot (its first element child).
    pub fn document_element(&self, doc: u32) -> Option<u32> {
        self.children(doc).find(|&c| matches!(self.nodes[c as usize].data, NodeData::Element(_)))
    }

    fn apply_input(&mut self, d: &InputData) {
        let Some(slot) = self.slot_of(d.id) else {
            return; // rrweb: debugNodeNotFound (not a warning)
        };
        self.focus_on_input(d.id);
        if let NodeData::Element(e) = &mut self.nodes[slot as usize].data {
            e.checked = Some(d.is_checked);
            e.value = Some(d.text.clone());
            self.push_change(Change::Value(slot));
        }
    }

    fn apply_scroll(&mut self, d: &ScrollData) {
        let Some(slot) = self.slot_of(d.id) else { return };
        let n = &mut self.nodes[slot as usize];
        if matches!(n.data, NodeData::Element(_) | NodeData::Document { .. }) {
            n.scroll = Some((d.x, d.y));
            self.push_change(Change::Scroll(slot));
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_extras;
#[cfg(test)]
mod tests_focus;
#[cfg(test)]
mod tests_hover;
#[cfg(test)]
mod tests_media;
#[cfg(test)]
mod tests_sheets;
#[cfg(test)]
mod tests_webgl;
