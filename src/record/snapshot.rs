//! The FullSnapshot, serialized in time slices so a big page does not freeze.
//!
//! The tree is written straight to JSON text with an explicit stack (no recursion), in
//! pre-order, by [`SnapshotJob::run`], which stops when its deadline passes; the recorder then
//! yields to the page (a macrotask, see `State::schedule_slice`) and resumes with the same
//! stack. A page that fits in one budget is serialized in one call, with no yielding.
//!
//! **Consistency while slicing.** rrweb's replayer needs the FullSnapshot tree and the Mutations
//! after it to describe one consistent DOM. The page can change between slices, so:
//!
//! 1. The MutationObserver is attached before the first slice and keeps running. Its records are
//!    processed as they arrive (between slices; every slice also takes the queued records
//!    first), with the mirror as it is then: a node has an id exactly when it is in the part of
//!    the tree already written (the written prefix) or was added by an earlier record. The
//!    resulting Mutation events, and every other event recorded meanwhile, are held back and
//!    emitted after the FullSnapshot, in order. The FullSnapshot (and its Meta) carry the
//!    timestamp of the start.
//! 2. The replayer applies those Mutations to the written tree, so they must only be about the
//!    written prefix, and the rest of the snapshot must show the page as it is when written.
//!    This is what mutation processing does anyway: removes, texts and attributes are recorded
//!    only for nodes with ids (written ones); a node without an id is not yet written and will
//!    be written with its current state. Adds under a written parent serialize every child
//!    without an id, including the parent's not-yet-written children, which then get ids: they
//!    are in the Mutation (placed by `nextId` among the written siblings), not in the snapshot.
//! 3. So each stacked child still to write (pushed before a yield) is checked when its turn
//!    comes, and skipped if it was written meanwhile (it has a live id: added by a Mutation), if
//!    it is no longer a child of the parent it was stacked under, or if that parent was removed
//!    (its id is gone or changed). A skipped node is then either gone from the page, or under a
//!    parent whose subtree is written later, or recorded by an add.
//!
//! Children stacked within the current slice need no check: no page code runs inside a slice.
//! The privacy views (`ElView`) of the open elements are reused across slices, as they are
//! within one mutation batch (a class added to an ancestor mid-snapshot applies from the next
//! snapshot).

use super::json::push_num;
use super::mirror::Mirror;
use super::serialize::{open_node, Ctx, ElView, Tail};
use std::rc::Rc;
use web_sys::Node;

enum Frame {
    /// A node to write, with the parent it was stacked under (and that parent's id: the
    /// host's for a shadow root), the parent's privacy view, the slice it was stacked in, its
    /// depth (the root is 0), and whether it is a shadow root's child (`isShadow`).
    /// The parent is shared by its children's frames (no handle clone per child).
    Visit {
        node: Node,
        parent: Option<Rc<(Node, i32)>>,
        view: Option<Rc<ElView>>,
        slice: u32,
        depth: usize,
        shadow: bool,
    },
    /// The end of an element's `childNodes`, and the keys that follow them.
    Close(Tail),
}

/// A FullSnapshot in progress.
pub struct SnapshotJob {
    out: String,
    /// For the page's FullSnapshot ([`SnapshotJob::event`]): the event text written so far,
    /// handed to JS in pieces of about [`SPILL_BYTES`] (a rope of JS strings), so the wasm
    /// memory never holds the whole snapshot (it cannot shrink after a peak).
    spilled: Option<js_sys::JsString>,
    event: bool,
    firsts: Vec<bool>,
    stack: Vec<Frame>,
    /// Nodes written.
    pub count: usize,
    /// Slices run so far (the current one, while running).
    pub slices: u32,
    /// Check every stacked frame, not only those from earlier slices (set when mutation records
    /// were dropped unprocessed, so the mirror may be stale).
    pub check_all: bool,
    /// `Date.now()` at the start: the timestamp of the Meta and FullSnapshot events.
    pub timestamp: f64,
    /// The Meta event's and the FullSnapshot's `initialOffset` data, read at the start.
    pub meta: String,
    pub offset: String,
    /// Events recorded while the snapshot was in progress, emitted after it.
    pub deferred: Vec<String>,
    /// Time spent serializing (all slices), and the longest slice.
    pub busy_ms: f64,
    pub slice_ms_max: f64,
    /// `performance.now()` at the start.
    pub started: f64,
    /// For an iframe's document (see `frames`): its id, written as `rootId` on every node below
    /// the root.
    pub root_id: Option<i32>,
}

/// How many nodes are written between two looks at the clock.
const CLOCK_EVERY: u32 = 32;

/// The FullSnapshot event's text is handed to JS whenever this much is written (bytes): the
/// recorder's wasm memory holds about this much of it (plus the node being written) instead of
/// the whole tree, whose growth by doubling left 12 MB of linear memory behind on a
/// 10,000-element page (BENCHMARKS.md, "Recorder vs rrweb.record").
const SPILL_BYTES: usize = 1 << 16;

impl SnapshotJob {
    pub fn new(root: &Node, timestamp: f64, started: f64, meta: String, offset: String) -> Self {
        SnapshotJob {
            out: String::new(),
            spilled: None,
            event: false,
            firsts: Vec::new(),
            stack: vec![Frame::Visit {
                node: root.clone(),
                parent: None,
                view: None,
                slice: 0,
                depth: 0,
                shadow: false,
            }],
            count: 0,
            slices: 0,
            check_all: false,
            timestamp,
            meta,
            offset,
            deferred: Vec::new(),
            busy_ms: 0.0,
            slice_ms_max: 0.0,
            started,
            root_id: None,
        }
    }

    /// The page's FullSnapshot: written as the whole event (`{"type":2,"data":{"node":…,
    /// "initialOffset":…},"timestamp":…}`) and handed to JS in pieces as it grows; finish with
    /// [`SnapshotJob::finish_event`].
    pub fn event(root: &Node, timestamp: f64, started: f64, meta: String, offset: String) -> Self {
        let mut job = Self::new(root, timestamp, started, meta, offset);
        job.event = true;
        job.out.reserve(SPILL_BYTES + 4096);
        job.out.push_str("{\"type\":2,\"data\":{\"node\":");
        job
    }

    /// Hands the text written so far to JS (appended to the rope) and empties the buffer,
    /// keeping its capacity.
    fn spill(&mut self) {
        let piece = js_sys::JsString::from(self.out.as_str());
        self.spilled = Some(match self.spilled.take() {
            Some(rope) => rope.concat(&piece),
            None => piece,
        });
        self.out.clear();
    }

    /// Writes nodes until the tree is done (true) or `clock()` passes `deadline` (false).
    pub fn run(&mut self, mirror: &mut Mirror, ctx: &Ctx, deadline: f64, clock: &dyn Fn() -> f64) -> bool {
        self.slices += 1;
        let slice = self.slices;
        let mut children: Vec<(Node, bool)> = Vec::new();
        let mut until_clock = CLOCK_EVERY;
        while let Some(frame) = self.stack.pop() {
            let (node, view, depth, shadow) = match frame {
                Frame::Close(tail) => {
                    self.firsts.pop();
                    self.out.push(']');
                    tail.push(&mut self.out);
                    self.out.push('}');
                    continue;
                }
                Frame::Visit { node, parent, view, slice: stacked, depth, shadow } => {
                    if (stacked < slice || self.check_all) && !still_unwritten_child(&node, parent.as_deref(), mirror) {
                        continue;
                    }
                    (node, view, depth, shadow)
                }
            };
            let too_deep = depth + 1 >= crate::MAX_NODE_DEPTH;
            let Some((open, own_view)) = open_node(&node, view.as_ref(), mirror, ctx, too_deep) else { continue };
            self.count += 1;
            if let Some(first) = self.firsts.last_mut() {
                if !*first {
                    self.out.push(',');
                }
                *first = false;
            }
            self.out.push_str(&open.head);
            let mut tail = open.tail;
            tail.shadow = shadow;
            tail.root_id = self.root_id.filter(|_| depth > 0).unwrap_or(0);
            if !open.recurse {
                if open.container {
                    self.out.push_str(",\"childNodes\":[]");
                }
                tail.push(&mut self.out);
                self.out.push('}');
            } else {
                self.out.push_str(",\"childNodes\":[");
                self.firsts.push(true);
                self.stack.push(Frame::Close(tail));
                let id = tail.id;
                children.clear();
                // Light-DOM children, then the open shadow root's (rrweb's order).
                let mut child = node.first_child();
                while let Some(c) = child {
                    child = c.next_sibling();
                    children.push((c, false));
                }
                let root: Option<Node> = open.shadow.map(Into::into);
                if let Some(root) = &root {
                    let mut child = root.first_child();
                    while let Some(c) = child {
                        child = c.next_sibling();
                        children.push((c, true));
                    }
                }
                let light = Rc::new((node.clone(), id));
                let in_root = root.clone().map(|r| Rc::new((r, id)));
                self.stack.extend(children.drain(..).rev().map(|(c, shadow)| Frame::Visit {
                    parent: Some(if shadow { in_root.clone().unwrap_or_else(|| light.clone()) } else { light.clone() }),
                    shadow,
                    node: c,
                    view: own_view.clone(),
                    slice,
                    depth: depth + 1,
                }));
            }
            if self.event && self.out.len() >= SPILL_BYTES {
                self.spill();
            }
            until_clock -= 1;
            if until_clock == 0 {
                until_clock = CLOCK_EVERY;
                if !self.stack.is_empty() && clock() >= deadline {
                    return false;
                }
            }
        }
        true
    }

    /// The finished tree (`None` when nothing was written), for a job made with `new`.
    pub fn finish(self) -> Option<String> {
        (self.count > 0).then_some(self.out)
    }

    /// For a job made with [`SnapshotJob::event`]: the FullSnapshot event as a JS string
    /// (`None` when nothing was written), the Meta data, and the events recorded meanwhile.
    pub fn finish_event(mut self) -> (Option<js_sys::JsString>, String, Vec<String>) {
        if self.count == 0 {
            return (None, self.meta, self.deferred);
        }
        self.out.push_str(",\"initialOffset\":");
        self.out.push_str(&self.offset);
        self.out.push_str("},\"timestamp\":");
        push_num(&mut self.out, self.timestamp);
        self.out.push('}');
        self.spill();
        (self.spilled, self.meta, self.deferred)
    }
}

/// Whether a node stacked under `parent` before a yield is still to be written there (the
/// root, stacked without a parent, always is: it keeps its id from snapshot to snapshot).
fn still_unwritten_child(node: &Node, parent: Option<&(Node, i32)>, mirror: &Mirror) -> bool {
    let Some((p, pid)) = parent else { return true };
    // not written meanwhile (by an add), still a child of `p`, and `p` still the node written
    // (`p` is a shadow root for its children: `parent_known_id` names it by its host)
    mirror.known_id(node).is_none()
        && node.parent_node().as_ref() == Some(p)
        && mirror.parent_known_id(p).map(|(id, _)| id) == Some(*pid)
}
