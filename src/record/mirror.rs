//! Node ↔ id. Ids are small positive integers handed out in order and never reused; the
//! document is 1. `WeakMap` node→id answers "does this node have an id" without keeping
//! nodes alive; the id→node map (needed to drop subtrees and check liveness) holds only nodes
//! currently in the recorded tree and is pruned on removal.

use js_sys::WeakMap;
use rustc_hash::{FxHashMap, FxHashSet};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Node;

pub struct Mirror {
    ids: WeakMap,
    nodes: FxHashMap<i32, Node>,
    /// Elements whose children are not recorded (blocked, `<script>`, `<textarea>`).
    opaque: FxHashSet<i32>,
    /// Blocked elements (a subset of `opaque`).
    blocked: FxHashSet<i32>,
    next: i32,
    /// While a sliced FullSnapshot is in progress: the ids the replayer will have when it
    /// applies the Mutations recorded meanwhile, i.e. the nodes written by the snapshot so far
    /// or added by those Mutations (ids stay stable from snapshot to snapshot, so "has an id"
    /// is not enough). `None` otherwise: every live id is known.
    known: Option<FxHashSet<i32>>,
}

impl Mirror {
    pub fn new() -> Self {
        Mirror {
            ids: WeakMap::new(),
            nodes: FxHashMap::default(),
            opaque: FxHashSet::default(),
            blocked: FxHashSet::default(),
            next: 1,
            known: None,
        }
    }

    pub fn id(&self, node: &Node) -> Option<i32> {
        let v = self.ids.get(node.as_ref());
        v.as_f64().map(|n| n as i32)
    }

    /// The node's id, assigning the next one when it has none.
    pub fn id_or_assign(&mut self, node: &Node) -> i32 {
        if let Some(id) = self.id(node) {
            if self.nodes.contains_key(&id) {
                self.mark_known(id);
                return id;
            }
        }
        let id = self.next;
        self.next += 1;
        self.ids.set(node.as_ref(), &JsValue::from(id));
        self.nodes.insert(id, node.clone());
        self.mark_known(id);
        id
    }

    /// The node's id while it is in the recorded tree (`None` once removed).
    pub fn live_id(&self, node: &Node) -> Option<i32> {
        self.id(node).filter(|id| self.nodes.contains_key(id))
    }

    /// Starts (`true`) or ends tracking the known ids (see `known`).
    pub fn track_known(&mut self, on: bool) {
        self.known = on.then(FxHashSet::default);
    }

    fn mark_known(&mut self, id: i32) {
        if let Some(known) = &mut self.known {
            known.insert(id);
        }
    }

    /// The node's live id if the replayer has it (always, outside a sliced snapshot).
    pub fn known_id(&self, node: &Node) -> Option<i32> {
        self.live_id(node).filter(|id| self.known.as_ref().is_none_or(|k| k.contains(id)))
    }

    /// Whether id `id` is live and the replayer has it.
    pub fn is_known(&self, id: i32) -> bool {
        self.nodes.contains_key(&id) && self.known.as_ref().is_none_or(|k| k.contains(&id))
    }

    pub fn set_opaque(&mut self, id: i32, opaque: bool, blocked: bool) {
        // (most nodes are neither: no hashing for them while the sets are empty)
        if opaque {
            self.opaque.insert(id);
        } else if !self.opaque.is_empty() {
            self.opaque.remove(&id);
        }
        if blocked {
            self.blocked.insert(id);
        } else if !self.blocked.is_empty() {
            self.blocked.remove(&id);
        }
    }

    /// Whether events on `node` are left out: it is a blocked element, or it is not recorded
    /// at all (inside a blocked element, a `<script>`…).
    pub fn event_blocked(&self, node: &Node) -> bool {
        match self.id(node) {
            Some(id) => self.blocked.contains(&id),
            None => true,
        }
    }

    /// Whether node `id` is a blocked element (recorded as rrweb's placeholder box).
    pub fn is_blocked_id(&self, id: i32) -> bool {
        self.blocked.contains(&id)
    }

    /// Whether the children of node `id` are recorded.
    pub fn children_recorded(&self, id: i32) -> bool {
        !self.opaque.contains(&id)
    }

    /// The id of `node` or of its nearest recorded ancestor (events on unrecorded nodes,
    /// e.g. inside a blocked element, are attributed to the nearest recorded one).
    pub fn nearest_id(&self, node: &Node) -> Option<i32> {
        let mut cur = Some(node.clone());
        while let Some(n) = cur {
            if let Some(id) = self.id(&n) {
                if self.nodes.contains_key(&id) {
                    return Some(id);
                }
            }
            cur = super::shadow::composed_parent(&n);
        }
        None
    }

    /// The id to name `parent` by as the parent of its children, if the replayer has it, and
    /// whether `parent` is a shadow root (then the id is its host's: rrweb gives roots no
    /// node of their own).
    pub fn parent_known_id(&self, parent: &Node) -> Option<(i32, bool)> {
        match super::shadow::as_shadow_root(parent) {
            Some(root) => Some((self.known_id(root.host().as_ref())?, true)),
            None => Some((self.known_id(parent)?, false)),
        }
    }

    /// Drops `node` and every recorded descendant (iteratively).
    pub fn remove_subtree(&mut self, node: &Node) {
        let mut stack = vec![node.clone()];
        while let Some(n) = stack.pop() {
            let Some(id) = self.id(&n) else { continue };
            self.ids.delete(n.as_ref());
            if self.nodes.remove(&id).is_none() {
                continue;
            }
            self.opaque.remove(&id);
            self.blocked.remove(&id);
            let mut child = n.first_child();
            while let Some(c) = child {
                child = c.next_sibling();
                stack.push(c);
            }
            // an open shadow root's children were recorded as the host's
            let el = (n.node_type() == Node::ELEMENT_NODE).then(|| n.unchecked_ref::<web_sys::Element>());
            if let Some(root) = el.and_then(|e| e.shadow_root()) {
                let mut child = root.first_child();
                while let Some(c) = child {
                    child = c.next_sibling();
                    stack.push(c);
                }
            }
        }
    }

    /// Drops every node no longer in the document (after mutation records were dropped
    /// unprocessed, the mirror still holds what they removed). Ids of the others are kept.
    pub fn prune_disconnected(&mut self) -> usize {
        let gone: Vec<i32> = self.nodes.iter().filter(|(_, n)| !n.is_connected()).map(|(id, _)| *id).collect();
        for id in &gone {
            if let Some(n) = self.nodes.remove(id) {
                self.ids.delete(n.as_ref());
            }
            self.opaque.remove(id);
            self.blocked.remove(id);
        }
        gone.len()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }
}

impl Mirror {
    /// The id the next new node will get (ids only grow, so `id >= next_id()` at the start of
    /// a batch means "added during this batch").
    pub fn next_id(&self) -> i32 {
        self.next
    }
}
