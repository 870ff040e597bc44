//! Same-origin iframes, recorded as rrweb 2.x does (rrweb-snapshot `serializeNodeWithId` with
//! `onIframeLoad`, rrweb's `IframeManager.attachIframe`).
//!
//! - The `<iframe>` element is serialized like any element, without `src` (its `rr_src` only
//!   when its document cannot be read: cross-origin). Its document is not in the FullSnapshot
//!   (rrweb's rebuild would re-open the replay's own document for a Document node there): it
//!   follows as a Mutation whose one add is the whole document tree, `parentId` = the iframe's
//!   id, `nextId: null`, with `isAttachIframe: true` on the Mutation. Every node of that
//!   document but the document itself carries `rootId` = the document's id, in that add and in
//!   every later Mutation add inside it (rrweb's Replayer builds an add in the document its
//!   `rootId` names).
//! - An iframe document is attached when its `<iframe>` is serialized (by each FullSnapshot,
//!   checkouts included, or by an add), unless it is the transient `about:blank` of an iframe
//!   that is still loading its `src`/`srcdoc`, and again on the iframe's `load` event when the
//!   document changed (navigation): the old document's ids are forgotten, the new document is
//!   attached. Nested same-origin iframes are attached after their parent document.
//! - Each attached document is observed like the top one: the recorder's one MutationObserver
//!   observes it, and the events of [`FRAME_EVENTS`] are listened to on it (they do not reach
//!   the top document): mouse interactions and movement (`clientX`/`clientY` in the iframe's
//!   viewport, as rrweb records them), scroll (the document's own scroll is named by the
//!   iframe document's id), input, media, and nested iframes' `load`. The document's
//!   `adoptedStyleSheets` at attach time are recorded (AdoptedStyleSheet with its id).
//! - Privacy: the rules apply inside as outside, and `rr-block`/`rr-mask`/`rr-ignore` on the
//!   `<iframe>` or above apply inside its document (`shadow::composed_closest` climbs out
//!   through the iframe). A blocked iframe is a placeholder: its document is never read.
//!
//! Not recorded inside iframe documents: the hooks on prototypes (CSSOM `insertRule`/
//! `deleteRule`/`replace`/`replaceSync`, `setProperty`/`removeProperty`, the
//! `adoptedStyleSheets` setter, form value setters, `attachShadow`) are installed on the top
//! window's prototypes, and each iframe has its own window and prototypes. Sheets and values as
//! they are at attach time are recorded (`_cssText`, adopted sheets, values); later CSSOM-only
//! changes and values set from script inside an iframe are not. Neither are selection changes
//! and viewport resizes inside an iframe. Cross-origin iframes are never read (the browser
//! forbids it; rrweb needs a recorder inside them, `recordCrossOriginIframes`).

use super::serialize::Ctx;
use super::snapshot::SnapshotJob;
use super::state::{document, observer_init, State, INCREMENTAL};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlIFrameElement, Node};

/// The events listened to (capturing) on each attached iframe document.
pub const FRAME_EVENTS: [&str; 19] = [
    "mousemove",
    "touchmove",
    "pointerdown",
    "pointerup",
    "click",
    "dblclick",
    "contextmenu",
    "focus",
    "blur",
    "touchcancel",
    "scroll",
    "input",
    "change",
    "load",
    "play",
    "pause",
    "seeked",
    "volumechange",
    "ratechange",
];

/// The `<iframe>` of `node` when `node` is a same-origin iframe's document (not the recorder's
/// own document, nor a document without a frame).
pub fn frame_of(node: &Node) -> Option<Element> {
    if node.node_type() != Node::DOCUMENT_NODE || *node == Node::from(document()) {
        return None;
    }
    node.unchecked_ref::<Document>().default_view()?.frame_element().ok().flatten()
}

/// The document of `el` when it is an `<iframe>` whose document the recorder may read
/// (same-origin; `None` for cross-origin ones and other elements).
pub fn content_document(el: &Element) -> Option<Document> {
    as_iframe(el)?.unchecked_ref::<HtmlIFrameElement>().content_document()
}

/// Whether `doc` is the transient `about:blank` an iframe shows before the `src` or `srcdoc`
/// it is loading: its `load` event brings the real document (also for `src="about:blank"`,
/// whose `load` comes in a later task).
fn navigation_pending(iframe: &Element, doc: &Document) -> bool {
    (iframe.has_attribute("src") || iframe.has_attribute("srcdoc")) && doc.url().ok().as_deref() == Some("about:blank")
}

impl State {
    /// Attaches the documents of `frames` (iframes just serialized), as after a FullSnapshot or
    /// the Mutation that added them: each is serialized again even if it was attached before
    /// (the replayer rebuilt the iframe).
    pub fn attach_frames(&mut self, frames: Vec<Element>) {
        for iframe in frames {
            self.attach_frame(&iframe, true);
        }
    }

    /// An `<iframe>` fired `load`: its document is attached if it is a new one (navigation).
    pub fn frame_loaded(&mut self, iframe: &Element) {
        // A just-added iframe gets its id (and its first attach); the document a load replaced
        // is forgotten, also when the new one is cross-origin.
        self.flush_mutations();
        self.unwatch_frames(false);
        self.attach_frame(iframe, false);
    }

    /// Emits the attach Mutation of `iframe`'s document (and then of the nested iframes'),
    /// and observes it. Without `force`, a document already attached is left as it is.
    fn attach_frame(&mut self, iframe: &Element, force: bool) {
        let mut queue = vec![(iframe.clone(), force)];
        while let Some((iframe, force)) = queue.pop() {
            let Some(doc) = content_document(&iframe) else { continue };
            let Some(iframe_id) = self.mirror.known_id(iframe.as_ref()) else { continue };
            if !self.mirror.children_recorded(iframe_id) || navigation_pending(&iframe, &doc) {
                continue; // blocked, or its real document comes with `load`
            }
            match self.frames.iter().position(|(f, _)| *f == iframe) {
                Some(i) if self.frames[i].1 == doc => {
                    if !force {
                        continue;
                    }
                }
                Some(i) => {
                    let (_, old) = self.frames.swap_remove(i);
                    self.forget_frame_document(&old);
                    self.frames.push((iframe.clone(), doc.clone()));
                }
                None => self.frames.push((iframe.clone(), doc.clone())),
            }
            let doc_node: &Node = doc.as_ref();
            let root_id = self.mirror.id_or_assign(doc_node);
            let mut job = SnapshotJob::new(doc_node, 0.0, 0.0, String::new(), String::new());
            job.root_id = Some(root_id);
            let ctx = Ctx::for_document(&self.privacy, &self.sheets, &doc);
            job.run(&mut self.mirror, &ctx, f64::INFINITY, &|| 0.0);
            let (roots, nested) = (ctx.roots.take(), ctx.frames.take());
            self.stats.nodes_serialized += job.count as u64;
            let Some(tree) = job.finish() else { continue };
            let data = format!(
                "{{\"source\":0,\"adds\":[{{\"parentId\":{iframe_id},\"nextId\":null,\"node\":{tree}}}],\"removes\":[],\"texts\":[],\"attributes\":[],\"isAttachIframe\":true}}"
            );
            self.push(INCREMENTAL, data);
            let adopted = js_sys::Reflect::get(doc.as_ref(), &"adoptedStyleSheets".into()).unwrap_or_default();
            self.push_adopted(root_id, &adopted, false);
            self.push_roots_adopted(&roots);
            self.watch_roots(roots);
            if let Some(observer) = &self.observer {
                let _ = observer.observe_with_options(doc_node, &observer_init());
            }
            self.listen_inner(doc.as_ref(), &FRAME_EVENTS, true);
            queue.extend(nested.into_iter().rev().map(|f| (f, true)));
        }
    }

    /// Adds (`add`) or removes the shared listener of shadow roots and iframe documents for
    /// `events` on `target` (capturing, passive; adding twice is a no-op for the browser).
    pub fn listen_inner(&self, target: &web_sys::EventTarget, events: &[&str], add: bool) {
        let Some(f) = &self.inner_listener else { return };
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(true);
        options.set_passive(true);
        for name in events {
            let _ = if add {
                target.add_event_listener_with_callback_and_add_event_listener_options(name, f, &options)
            } else {
                target.remove_event_listener_with_callback_and_bool(name, f, true)
            };
        }
    }

    /// An iframe document left the recording (navigated away, its iframe removed, or the
    /// recording stopped): its ids are forgotten and its listeners removed. The observer keeps
    /// it (a MutationObserver cannot drop one target), but its records name no known node.
    fn forget_frame_document(&mut self, doc: &Document) {
        self.mirror.remove_subtree(doc.as_ref());
        self.listen_inner(doc.as_ref(), &FRAME_EVENTS, false);
    }

    /// Forgets the documents of iframes no longer in the page (all of them with `all`, on stop:
    /// then the page's own `load` listener goes too).
    pub fn unwatch_frames(&mut self, all: bool) {
        if all {
            self.listen_inner(document().as_ref(), &["load"], false);
        }
        let frames = std::mem::take(&mut self.frames);
        for (iframe, doc) in frames {
            if !all && iframe.is_connected() && content_document(&iframe).as_ref() == Some(&doc) {
                self.frames.push((iframe, doc));
            } else {
                self.forget_frame_document(&doc);
            }
        }
    }
}

/// `v` as an `<iframe>` element (of any window, see `shadow::as_node`).
pub fn as_iframe(v: &JsValue) -> Option<&Element> {
    super::shadow::as_element(v).filter(|e| e.tag_name().eq_ignore_ascii_case("iframe"))
}
