//! Open shadow roots, recorded as rrweb-snapshot 2.x does.
//!
//! - The host element carries `isShadowHost: true`; the shadow root itself has no node and no
//!   id. Its children are serialized as children of the host, after the host's light-DOM
//!   children, each direct child with `isShadow: true` (their own descendants without it).
//! - A Mutation about a shadow root names the host: adds under the root have `parentId` = the
//!   host's id and `isShadow: true` on the added direct child; removes from the root carry
//!   `isShadow: true` (rrweb's `removes[{parentId, id, isShadow?}]`).
//! - Closed roots (`attachShadow({mode: "closed"})`) are not recorded: `Element.shadowRoot` is
//!   null for them, as for rrweb. Events from inside them are attributed to the host.
//!
//! Each open root found while serializing a host is watched (see `State::watch_roots`): the
//! recorder's one MutationObserver also observes it (one observer for every root keeps their
//! records in page order and under one `takeRecords`), and `scroll`, `change` and media
//! listeners go on the root, as those events are not composed and never reach the document's
//! listeners (`state::SHADOW_ROOT_EVENTS`).
//! Roots attached after start are found through a hook on `Element.prototype.attachShadow`
//! (observers.rs), or when their host is added.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{Element, Event, EventTarget, Node, ShadowRoot};

/// `node` as a shadow root, when it is one (cheap for every other node: a type check). Not by
/// `instanceof` (see [`as_node`]).
pub fn as_shadow_root(node: &Node) -> Option<&ShadowRoot> {
    if node.node_type() != Node::DOCUMENT_FRAGMENT_NODE || !has(node, "host") {
        return None;
    }
    Some(node.unchecked_ref())
}

/// Whether `v` has property `key` (on itself or its prototypes).
pub fn has(v: &JsValue, key: &str) -> bool {
    js_sys::Reflect::has(v, &JsValue::from_str(key)).unwrap_or(false)
}

/// `v` as a DOM node, from any window. Nodes and events of a same-origin iframe belong to the
/// iframe's window, whose `Node`, `Element`, `MouseEvent`… are not the recorder's: `instanceof`
/// (wasm-bindgen's `dyn_ref`) is false for them, so DOM objects that may come from an iframe
/// are told apart by their properties.
pub fn as_node(v: &JsValue) -> Option<&Node> {
    has(v, "nodeType").then(|| v.unchecked_ref())
}

/// `v` as an element, from any window (see [`as_node`]).
pub fn as_element(v: &JsValue) -> Option<&Element> {
    as_node(v).filter(|n| n.node_type() == Node::ELEMENT_NODE).map(JsCast::unchecked_ref)
}

/// The parent of `node` across shadow boundaries: a shadow root's child climbs to the host.
pub fn composed_parent(node: &Node) -> Option<Node> {
    let parent = node.parent_node()?;
    match as_shadow_root(&parent) {
        Some(root) => Some(root.host().into()),
        None => Some(parent),
    }
}

/// The parent element of `node` across shadow boundaries (the host for a root's child) and out
/// of same-origin iframe documents (the `<iframe>` for the document's root element).
pub fn composed_parent_element(node: &Node) -> Option<Element> {
    if let Some(parent) = node.parent_element() {
        return Some(parent);
    }
    let parent = node.parent_node()?;
    as_shadow_root(&parent).map(ShadowRoot::host).or_else(|| super::frames::frame_of(&parent))
}

/// Whether `el` or an ancestor matches `selector`, climbing out of shadow trees through their
/// hosts and out of same-origin iframe documents through their `<iframe>`, so
/// `rr-block`/`rr-mask`/`rr-ignore` on a host or an iframe or above apply inside, as in the light
/// DOM. An invalid selector matches nothing.
pub fn composed_closest(el: &Element, selector: &str) -> bool {
    let mut el = el.clone();
    loop {
        match el.closest(selector) {
            Ok(Some(_)) => return true,
            Err(_) => return false,
            Ok(None) => {}
        }
        let root: Node = el.get_root_node();
        match as_shadow_root(&root).map(ShadowRoot::host).or_else(|| super::frames::frame_of(&root)) {
            Some(up) => el = up,
            None => return false,
        }
    }
}

/// The node an event really happened on: `composedPath()[0]` (the innermost target inside
/// open shadow roots, which `event.target` retargets to the host), else `event.target`.
pub fn origin_target(event: &Event) -> Option<EventTarget> {
    let first = event.composed_path().get(0);
    if first.is_object() {
        Some(first.unchecked_into())
    } else {
        event.target()
    }
}
