//! The arena and tree primitives under every event: allocating and freeing slots, linking
//! and unlinking nodes, and keeping the rrweb mirror (`id → slot`) in step. Every walk is a
//! loop (see the module docs of `vdom`).

use super::{Change, NodeData, VDom, VNode, NONE, NO_ID};

impl VDom {
    pub(super) fn alloc(&mut self, id: i64, data: NodeData, meta: u64) -> u32 {
        let node = VNode {
            id,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev: NONE,
            next: NONE,
            data,
            scroll: None,
            meta,
        };
        match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        }
    }

    /// Unlinks `slot` from its parent (no-op when detached). Records [`Change::Remove`].
    pub(super) fn detach(&mut self, slot: u32) {
        let (parent, prev, next) = {
            let n = &self.nodes[slot as usize];
            (n.parent, n.prev, n.next)
        };
        if parent == NONE {
            return;
        }
        if matches!(self.nodes[slot as usize].data, NodeData::ShadowRoot) {
            return; // shadow roots never leave their host
        }
        self.sheets_on_detach(slot, parent);
        if prev == NONE {
            self.nodes[parent as usize].first_child = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NONE {
            self.nodes[parent as usize].last_child = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        let n = &mut self.nodes[slot as usize];
        n.parent = NONE;
        n.prev = NONE;
        n.next = NONE;
        self.push_change(Change::Remove(slot));
    }

    /// Inserts `slot` into `parent` before `before` (a child of `parent`, or [`NONE`] to
    /// append), moving it from wherever it was. Records [`Change::Insert`].
    pub(super) fn insert(&mut self, parent: u32, slot: u32, before: u32) {
        self.detach(slot);
        let prev =
            if before == NONE { self.nodes[parent as usize].last_child } else { self.nodes[before as usize].prev };
        {
            let n = &mut self.nodes[slot as usize];
            n.parent = parent;
            n.prev = prev;
            n.next = before;
        }
        if prev == NONE {
            self.nodes[parent as usize].first_child = slot;
        } else {
            self.nodes[prev as usize].next = slot;
        }
        if before == NONE {
            self.nodes[parent as usize].last_child = slot;
        } else {
            self.nodes[before as usize].prev = slot;
        }
        self.sheets_on_child_change(parent);
        self.push_change(Change::Insert(slot));
    }

    /// `ancestor` is `slot` or contains it (within one tree: shadow roots and documents end the
    /// walk, like DOM `contains`).
    pub(super) fn contains(&self, ancestor: u32, slot: u32) -> bool {
        let mut s = slot;
        loop {
            if s == ancestor {
                return true;
            }
            let n = &self.nodes[s as usize];
            if n.parent == NONE || matches!(n.data, NodeData::ShadowRoot | NodeData::Document { .. }) {
                return false;
            }
            s = n.parent;
        }
    }

    /// `slot` is `parent` or one of its host-including ancestors (inserting it there would
    /// make a cycle: the DOM's HierarchyRequestError).
    pub(super) fn is_host_including_ancestor(&self, slot: u32, parent: u32) -> bool {
        let mut s = parent;
        loop {
            if s == slot {
                return true;
            }
            let p = self.nodes[s as usize].parent;
            if p == NONE {
                return false;
            }
            s = p;
        }
    }

    /// rrweb's `mirror.removeNodeFromMap`: forgets the id of `slot` and of its descendants
    /// through `childNodes` (not through shadow roots or iframe documents).
    pub(super) fn unmap_subtree(&mut self, slot: u32) {
        let mut stack = vec![slot];
        while let Some(s) = stack.pop() {
            let id = self.nodes[s as usize].id;
            if id != NO_ID {
                self.mirror.remove(&id);
            }
            let mut c = self.nodes[s as usize].first_child;
            while c != NONE {
                if !matches!(self.nodes[c as usize].data, NodeData::Document { .. }) {
                    stack.push(c);
                }
                c = self.nodes[c as usize].next;
            }
        }
    }

    /// Frees the detached subtree rooted at `slot`, except nodes the mirror still maps to (they
    /// stay as detached roots, reachable by id, as they are in rrweb's mirror).
    pub(super) fn free_subtree(&mut self, slot: u32) {
        let mut stack = vec![slot];
        while let Some(s) = stack.pop() {
            let n = &self.nodes[s as usize];
            if n.id != NO_ID && self.mirror.get(&n.id) == Some(&s) {
                if s != slot {
                    self.detach_quiet(s);
                }
                continue;
            }
            let mut c = n.first_child;
            if let NodeData::Element(e) = &n.data {
                if e.shadow_root != NONE {
                    stack.push(e.shadow_root);
                }
            }
            while c != NONE {
                stack.push(c);
                c = self.nodes[c as usize].next;
            }
            let n = &mut self.nodes[s as usize];
            n.data = NodeData::Free;
            n.parent = NONE;
            n.first_child = NONE;
            n.last_child = NONE;
            n.prev = NONE;
            n.next = NONE;
            n.id = NO_ID;
            self.sheets_on_free(s);
            self.extras.on_free(s);
            self.pending_free.push(s);
            self.push_change(Change::Free(s));
        }
    }

    /// Unlinks without recording a change (the parent is being freed).
    pub(super) fn detach_quiet(&mut self, slot: u32) {
        let record = std::mem::replace(&mut self.record, false);
        self.detach(slot);
        self.record = record;
    }

    /// `textContent = value` on an element or document fragment: the children leave (they stay
    /// in the mirror, detached, as in rrweb), and a new anonymous text node holds the value.
    pub(super) fn set_text_content(&mut self, slot: u32, value: &str) {
        match &mut self.nodes[slot as usize].data {
            NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) => {
                t.clear();
                t.push_str(value);
                let parent = self.nodes[slot as usize].parent;
                self.sheets_on_child_change(parent);
                self.push_change(Change::Text(slot));
            }
            NodeData::Element(_) | NodeData::ShadowRoot => {
                while self.nodes[slot as usize].first_child != NONE {
                    let c = self.nodes[slot as usize].first_child;
                    self.detach(c);
                    self.release_if_unmapped(c);
                }
                if !value.is_empty() {
                    let t = self.alloc(NO_ID, NodeData::Text(value.to_string()), 0);
                    self.insert(slot, t, NONE);
                }
            }
            _ => {}
        }
    }

    /// A node just detached: free it (and what under it is unmapped) unless the mirror still
    /// maps it.
    pub(super) fn release_if_unmapped(&mut self, slot: u32) {
        let n = &self.nodes[slot as usize];
        if n.id == NO_ID || self.mirror.get(&n.id) != Some(&slot) {
            self.free_subtree(slot);
        }
    }

    // ---- Input and Scroll ----
}

/// Iterator over a node's children.
pub struct Children<'a> {
    pub(super) dom: &'a VDom,
    pub(super) next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let s = self.next;
        self.next = self.dom.nodes[s as usize].next;
        Some(s)
    }
}
