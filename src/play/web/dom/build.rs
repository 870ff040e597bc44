//! Building the page: a virtual-DOM node and its subtree made into DOM nodes of the replayed
//! document (elements, text, shadow roots, iframe documents), put in place, and finished once
//! the tree is there (values, scroll offsets, dialogs, iframes whose document follows).

use super::*;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// A sliced rebuild looks at the clock once per this many children visited: a `performance.now()`
/// call costs about as much as making a few nodes, and 32 nodes take well under a millisecond
/// (the 18,000-node table builds at roughly 10-20 nodes per 0.1 ms in Chromium).
pub(super) const CHECK_NODES: u32 = 32;

/// A rebuild in progress (`DomView::start_rebuild`).
pub(super) struct Building {
    /// The replayed document the nodes are made in.
    pub(super) doc: Document,
    /// The virtual document's slot, `NONE` for an empty virtual DOM.
    pub(super) top: u32,
}

impl DomView {
    /// A node (new or moved) at its place: built if new, inserted before the next sibling the
    /// page already shows.
    pub(super) fn insert(&mut self, vdom: &VDom, slot: u32) {
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

    pub(super) fn owner_document(&self, parent: &Node) -> Option<Document> {
        match as_document(parent) {
            Some(d) => Some(d.clone()),
            None => parent.owner_document(),
        }
    }

    pub(super) fn ensure_shadow_root(&mut self, vdom: &VDom, root: u32) {
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
    /// recursion, at once. Children that already have a DOM node are moved in as they are.
    pub(super) fn build_children(&mut self, vdom: &VDom, slot: u32, doc: &Document) {
        self.stack.clear();
        self.enter(vdom, slot);
        self.build_nodes(vdom, doc, &mut || 0.0, f64::INFINITY);
    }

    /// Puts `slot` on the stack of nodes whose children are to be built (with its shadow root
    /// above it, so that is built first), unless what it holds is never shown (`noscript`) or
    /// comes later (an iframe's document, built once the frame is in the page).
    fn enter(&mut self, vdom: &VDom, slot: u32) {
        if let Some(e) = vdom.element(slot) {
            if e.tag == "noscript" && !e.svg {
                return; // recorded script text is never shown
            }
            if e.tag == "iframe" && !e.svg {
                if vdom.children(slot).any(|c| matches!(vdom.node(c).data, NodeData::Document { .. })) {
                    self.pending_iframes.push(slot);
                }
                if e.shadow_root == NONE {
                    return;
                }
            } else {
                self.stack.push((slot, vdom.node(slot).first_child));
            }
            if e.shadow_root != NONE {
                self.ensure_shadow_root(vdom, e.shadow_root);
                if self.node(e.shadow_root).is_some() {
                    self.stack.push((e.shadow_root, vdom.node(e.shadow_root).first_child));
                }
            }
            return;
        }
        self.stack.push((slot, vdom.node(slot).first_child));
    }

    /// Works through `self.stack` in document order (each node put under its parent, then its
    /// own children, then its next sibling), so a page shown while it is being built has its
    /// `<head>` and style sheets before its body. Stops when the stack is empty (true) or when
    /// `clock()` reaches `deadline` (false; the stack says where to go on).
    pub(super) fn build_nodes(
        &mut self,
        vdom: &VDom,
        doc: &Document,
        clock: &mut dyn FnMut() -> f64,
        deadline: f64,
    ) -> bool {
        let mut visited = 0u32;
        // the parent's node, kept while its children are made (a clone costs two calls to JS)
        let mut parent: Option<(u32, Node)> = None;
        while let Some(&(s, c)) = self.stack.last() {
            if c == NONE {
                self.stack.pop();
                continue;
            }
            visited += 1;
            if visited.is_multiple_of(CHECK_NODES) && clock() >= deadline {
                return false;
            }
            if let Some(top) = self.stack.last_mut() {
                top.1 = vdom.node(c).next;
            }
            if parent.as_ref().is_none_or(|(p, _)| *p != s) {
                parent = self.node(s).cloned().map(|n| (s, n));
            }
            let Some((_, parent)) = parent.as_ref() else { continue };
            let (child, made) = match self.node(c).cloned() {
                Some(n) => (n, false),
                None => match self.create(vdom, c, doc) {
                    Some(n) => (n, true),
                    None => continue,
                },
            };
            let _ = parent.append_child(&child);
            if made {
                self.enter(vdom, c);
            }
        }
        true
    }

    /// Creates the DOM node of one slot (no children).
    pub(super) fn create(&mut self, vdom: &VDom, slot: u32, doc: &Document) -> Option<Node> {
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
    pub(super) fn finish(&mut self, vdom: &VDom) {
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

    pub(super) fn scroll(&self, vdom: &VDom, slot: u32) {
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
    pub(super) fn iframe_needs_build(&self, vdom: &VDom, slot: u32) -> bool {
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
    pub(super) fn build_iframe_document(&mut self, vdom: &VDom, slot: u32) {
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

/// Sets one recorded attribute, refusing event handlers.
pub(super) fn set_attribute(el: &Element, svg: bool, tag: &str, name: &str, value: &str) {
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
