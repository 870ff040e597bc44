//! Hover styles, as rrweb 2.1.1's Replayer shows them after a seek.
//!
//! rrweb's `hoverElements(el)` removes the class `:hover` from the elements that have it (in the
//! last hovered element's root) and adds it to `el` and each `parentElement` up from it, so it
//! stops at a shadow root or a document: a shadow host, or the `<iframe>` of an iframe
//! document, is not hovered with its content. The rewritten style sheets (`hover_css.rs`) have
//! a `.\:hover` twin for every `:hover` selector, which the class makes apply.
//!
//! Which element: while seeking (`isSync`), rrweb only remembers the target of the last pointer
//! event (`mousePos`) and hovers it once the events are applied (the `Flush` handler's
//! `moveAndHover`), looking the id up in the mirror then:
//! - MouseMove / TouchMove / Drag: the last position's `id`, whatever it is;
//! - MouseInteraction MouseUp / MouseDown / Click / TouchStart / TouchEnd with `id` ≠ -1: that
//!   id, if the Replayer's real mirror has it, which while seeking (mutations go to its virtual
//!   DOM) holds the nodes of the FullSnapshot the seek started from;
//! - a Meta event forgets it: a seek replays the events from the last Meta before the target
//!   time on (`discardPriorSnapshots`), so pointer events before it are never seen (a Meta
//!   then a FullSnapshot starts every page; the FullSnapshot forgets it too).
//!
//! The virtual DOM keeps exactly that (the target id, the FullSnapshot's ids) and derives the
//! hovered elements from the tree when asked ([`VDom::hover_chain`]), so a seek, a straight
//! replay and playing forward all show what rrweb shows after a seek. rrweb's live playback
//! differs in corners this does not follow: it hovers each position as it comes (a target
//! missing then is skipped, leaving the previous hover; a class attribute set later drops the
//! class until the pointer moves).

use super::hover_css::Adapted;
use super::{Change, NodeData, VDom, NONE};
use crate::model::{MouseInteraction, MouseInteractionData, PointerPosition};
use rustc_hash::FxHashSet;
use std::fmt::Write;
use std::sync::Arc;

/// The pointer target of the last pointer event since the FullSnapshot; part of checkpoints.
#[derive(Clone, Debug, Default)]
pub(super) struct Hover {
    /// rrweb's `mousePos.id` (`None`: no pointer event yet, or a position without an id).
    target: Option<i64>,
    /// The ids the last FullSnapshot built (rrweb's real mirror while seeking). Shared by
    /// the checkpoints made after that snapshot.
    snapshot_ids: Arc<FxHashSet<i64>>,
}

impl VDom {
    /// A FullSnapshot was built: no target; its ids are what MouseInteraction targets are
    /// checked against.
    pub(super) fn hover_on_snapshot(&mut self) {
        self.hover = Hover { target: None, snapshot_ids: Arc::new(self.mirror.keys().copied().collect()) };
    }

    /// MouseMove (1), TouchMove (6), Drag (12): the last position's target.
    pub(super) fn apply_positions(&mut self, positions: &[PointerPosition]) {
        // rrweb reads `positions[length - 1]`; an empty list would throw before changing anything
        if let Some(last) = positions.last() {
            self.set_hover_target(last.id);
        }
    }

    /// MouseInteraction (2): the pressing and releasing kinds move the pointer to their target.
    pub(super) fn apply_mouse_interaction(&mut self, d: &MouseInteractionData) {
        use MouseInteraction::*;
        if d.id == -1 || !self.hover.snapshot_ids.contains(&d.id) {
            return; // rrweb: ignored, or "node not found" (debug only)
        }
        if matches!(d.interaction, Click | TouchStart | TouchEnd | MouseDown | MouseUp) {
            self.set_hover_target(Some(d.id));
        }
    }

    pub(super) fn set_hover_target(&mut self, id: Option<i64>) {
        if self.hover.target != id {
            self.hover.target = id;
            self.push_change(Change::Hover);
        }
    }

    /// `css` as rrweb's Replayer puts it in a `<style>` (`adaptCssForReplay`), counting the
    /// texts kept as recorded ([`super::Warnings::hover_css`]).
    pub(super) fn adapt_css(&mut self, css: &str) -> String {
        match super::hover_css::adapt_css(css) {
            Adapted::Changed(text) => text,
            Adapted::Same => css.to_string(),
            Adapted::TooLong | Adapted::Unparsable => {
                self.warnings.hover_css += 1;
                css.to_string()
            }
        }
    }

    /// The pointer target id (rrweb's `mousePos.id`), if any.
    pub fn hover_target(&self) -> Option<i64> {
        self.hover.target
    }

    /// The elements rrweb's `hoverElements` gives the class `:hover`, as slots from the target
    /// up: the target's node (when an element) and each parent that is an element. Empty when
    /// the target is not in the mirror.
    pub fn hover_chain(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let Some(mut slot) = self.hover.target.and_then(|id| self.slot_of(id)) else {
            return out;
        };
        let first = slot;
        // the number of slots bounds the walk even if links were ever corrupt
        for _ in 0..self.nodes.len() {
            let n = &self.nodes[slot as usize];
            match n.data {
                NodeData::Element(_) => out.push(slot),
                // `currentEl.classList` is undefined for other nodes; the walk goes on
                _ if slot == first => {}
                _ => break,
            }
            if n.parent == NONE || !matches!(self.nodes[n.parent as usize].data, NodeData::Element(_)) {
                break;
            }
            slot = n.parent;
        }
        out
    }

    /// The `@hover` line of [`VDom::dump`]: the target and the hovered ids.
    pub(super) fn dump_hover(&self, out: &mut String) {
        if let Some(id) = self.hover.target {
            let ids: Vec<i64> = self.hover_chain().iter().map(|&s| self.nodes[s as usize].id).collect();
            let _ = writeln!(out, "@hover {id} {ids:?}");
        }
    }
}
