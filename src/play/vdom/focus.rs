//! The focused element, for the focus ring the player draws (rrweb's Replayer shows none).
//!
//! rrweb records focus moving as MouseInteraction Focus (5) and Blur (6) with the element's id,
//! and typing as Input on the field (a field typed into has the focus, even when the Focus
//! event came before the recording started or was sampled away). So: Focus and Input make their
//! element the focused one, a Blur of that element clears it, and a FullSnapshot (a new page, or
//! the start of a seek's replay) starts with none. Part of the virtual DOM's state, so a
//! checkpoint carries it and a seek shows the focus as it was at the target time.

use super::{Change, NodeData, VDom};
use crate::model::{MouseInteraction, MouseInteractionData};

impl VDom {
    /// A FullSnapshot was built: nothing is focused yet.
    pub(super) fn focus_on_snapshot(&mut self) {
        self.set_focus(None);
    }

    /// MouseInteraction Focus / Blur.
    pub(super) fn focus_on_interaction(&mut self, d: &MouseInteractionData) {
        match d.interaction {
            MouseInteraction::Focus => self.set_focus(Some(d.id)),
            MouseInteraction::Blur if self.focus == Some(d.id) => self.set_focus(None),
            _ => {}
        }
    }

    /// Input on element `id`: the field typed into has the focus.
    pub(super) fn focus_on_input(&mut self, id: i64) {
        self.set_focus(Some(id));
    }

    fn set_focus(&mut self, id: Option<i64>) {
        if self.focus != id {
            self.focus = id;
            self.push_change(Change::Focus);
        }
    }

    /// The slot of the focused element, when there is one and it is an element in the tree.
    pub fn focused(&self) -> Option<u32> {
        let slot = self.slot_of(self.focus?)?;
        matches!(self.node(slot).data, NodeData::Element(_)).then_some(slot)
    }
}
