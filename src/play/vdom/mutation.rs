//! rrweb's `applyMutation`, step by step: removes, adds (with the queue for adds whose parent or
//! next sibling is not there yet, resolved as rrweb's `queueToResolveTrees` /
//! `iterateResolveTree` do), texts (last value per node, `uniqueTextMutations`), attributes.

use super::build::{valid_attr_name, Built};
use super::style::{remove_style_property, set_style_property};
use super::{Change, NodeData, VDom, NONE, NO_ID};
use crate::model::{AddedNode, AttrValue, MutationData, NodeKind, StyleValue};
use rustc_hash::FxHashMap;

/// What happened to one add.
enum Appended {
    Done,
    /// Parent or next sibling missing: retried after the other adds.
    Queued,
    /// Dropped for good (counted where it happened).
    Dropped,
}

impl VDom {
    pub(super) fn apply_mutation(&mut self, d: &MutationData) -> usize {
        let mut cost = d.removes.len() + d.texts.len() + d.attributes.len();
        self.apply_removes(d);
        cost += self.apply_adds(&d.adds);
        self.apply_texts(d);
        self.apply_attributes(d);
        cost
    }

    fn apply_removes(&mut self, d: &MutationData) {
        // rrweb first drops (and warns about) removes whose node it does not know.
        let known: Vec<usize> = (0..d.removes.len())
            .filter(|&k| {
                let found = self.mirror.contains_key(&d.removes[k].id);
                if !found {
                    self.warnings.node_not_found += 1;
                }
                found
            })
            .collect();
        for k in known {
            let r = &d.removes[k];
            let Some(target) = self.slot_of(r.id) else {
                continue; // unmapped with an ancestor removed earlier in this loop
            };
            let Some(mut parent) = self.slot_of(r.parent_id) else {
                self.warnings.node_not_found += 1;
                continue;
            };
            if r.is_shadow == Some(true) {
                if let Some(e) = self.element(parent) {
                    if e.shadow_root != NONE {
                        parent = e.shadow_root;
                    }
                }
            }
            self.unmap_subtree(target);
            if self.nodes[target as usize].parent == parent {
                self.detach(target);
                self.free_subtree(target);
            } else {
                // parent.removeChild(target) throws: the node stays where it is, unmapped
                self.warnings.refused += 1;
            }
        }
    }

    fn apply_adds(&mut self, adds: &[AddedNode]) -> usize {
        let mut cost = 0;
        let mut queue: Vec<usize> = Vec::new();
        for (k, add) in adds.iter().enumerate() {
            cost += 1;
            if let Appended::Queued = self.append_node(add) {
                queue.push(k);
            }
        }
        // rrweb retries queued adds as trees (an add whose parent or next sibling is itself
        // queued goes under it), dropping trees whose root parent is still missing; it gives up
        // after 500 ms. Here a round that appends nothing ends it: the next would be the same.
        while !queue.is_empty() {
            let trees = resolve_trees(adds, &queue);
            let before = queue.len();
            queue.clear();
            let mut progressed = false;
            for (root, order) in trees {
                if self.slot_of(adds[root].parent_id).is_none() {
                    self.warnings.dropped_adds += order.len() as u64;
                    progressed = true;
                    continue;
                }
                for k in order {
                    cost += 1;
                    match self.append_node(&adds[k]) {
                        Appended::Queued => queue.push(k),
                        _ => progressed = true,
                    }
                }
            }
            if !progressed && queue.len() >= before {
                self.warnings.dropped_adds += queue.len() as u64;
                break;
            }
        }
        cost
    }

    /// rrweb's `appendNode`.
    fn append_node(&mut self, m: &AddedNode) -> Appended {
        let Some(root) = m.node.nodes.first() else { return Appended::Dropped };
        let Some(mut parent) = self.slot_of(m.parent_id) else {
            if matches!(root.kind, NodeKind::Document { .. }) {
                // an iframe's document before its iframe: attached when the iframe is added
                self.new_documents.push((m.parent_id, m.node.clone()));
                return Appended::Dropped;
            }
            return Appended::Queued;
        };
        if root.is_shadow {
            match &self.nodes[parent as usize].data {
                NodeData::Element(e) if e.shadow_root != NONE => parent = e.shadow_root,
                NodeData::Element(_) => {
                    let sr = self.alloc(NO_ID, NodeData::ShadowRoot, 0);
                    self.nodes[sr as usize].parent = parent;
                    if let NodeData::Element(e) = &mut self.nodes[parent as usize].data {
                        e.shadow_root = sr;
                    }
                    self.push_change(Change::Insert(sr));
                    parent = sr;
                }
                _ => {
                    self.warnings.refused += 1; // attachShadow on a non-element throws
                    return Appended::Dropped;
                }
            }
        }
        // JavaScript truthiness: id 0 counts as absent for the lookups, not for the check.
        let previous = m.previous_id.filter(|&p| p != 0).and_then(|p| self.slot_of(p));
        let next = m.next_id.filter(|&n| n != 0).and_then(|n| self.slot_of(n));
        if matches!(m.next_id, Some(n) if n != -1) && next.is_none() {
            return Appended::Queued;
        }
        if root.root_id.is_some_and(|r| r != 0 && self.slot_of(r).is_none()) {
            return Appended::Dropped;
        }
        if self.element(parent).is_some_and(|e| e.tag == "iframe") && self.nodes[parent as usize].meta != 0 {
            self.attach_document(parent, &m.node);
            return Appended::Done;
        }
        let target = match self.build_node(&m.node, 0) {
            Built::New(s) | Built::Existing(s) => s,
            Built::Failed => {
                self.warnings.refused += 1;
                return Appended::Dropped;
            }
        };
        if m.previous_id == Some(-1) || m.next_id == Some(-1) {
            // legacy rrweb output (before 1.0): not replayed
            self.warnings.dropped_adds += 1;
            return Appended::Dropped;
        }
        let target_is_text = matches!(self.nodes[target as usize].data, NodeData::Text(_));
        let parent_id = self.nodes[parent as usize].id;
        let parent_is_meta = parent_id != NO_ID && self.nodes[parent as usize].meta != 0;
        match &self.nodes[parent as usize].data {
            NodeData::Element(e) if parent_is_meta && target_is_text => {
                if e.tag == "textarea" {
                    let texts: Vec<u32> = self
                        .children(parent)
                        .filter(|&c| matches!(self.nodes[c as usize].data, NodeData::Text(_)))
                        .collect();
                    for c in texts {
                        self.detach(c);
                        self.release_if_unmapped(c);
                    }
                } else if e.tag == "style" && e.meta_css.as_ref().is_none_or(|m| m.tag == "style") {
                    let first = self.nodes[parent as usize].first_child;
                    let only = first != NONE && self.nodes[first as usize].next == NONE;
                    if only && self.nodes[first as usize].id == NO_ID {
                        if let NodeData::Text(css) = &self.nodes[first as usize].data {
                            let css = css.clone();
                            if let NodeData::Text(t) = &mut self.nodes[target as usize].data {
                                *t = css;
                            }
                            self.detach(first);
                            self.release_if_unmapped(first);
                        }
                    }
                }
            }
            NodeData::Document { .. } if parent_is_meta => {
                let first = self.nodes[parent as usize].first_child;
                if matches!(self.nodes[target as usize].data, NodeData::Doctype { .. })
                    && first != NONE
                    && matches!(self.nodes[first as usize].data, NodeData::Doctype { .. })
                {
                    self.detach(first);
                    self.release_if_unmapped(first);
                }
                if self.element(target).is_some_and(|e| e.is_html("html")) {
                    if let Some(html) = self.document_element(parent) {
                        self.detach(html);
                        self.release_if_unmapped(html);
                    }
                }
            }
            _ => {}
        }
        if !self.can_insert(parent, target) {
            self.warnings.refused += 1;
            return Appended::Dropped;
        }
        let prev_next = previous.map(|p| self.nodes[p as usize].next).filter(|&s| s != NONE);
        let before = if let Some(sibling) = prev_next {
            if self.nodes[sibling as usize].parent != parent {
                self.warnings.refused += 1; // insertBefore with a foreign reference throws
                return Appended::Dropped;
            }
            sibling
        } else if let Some(next) = next.filter(|&n| self.nodes[n as usize].parent != NONE) {
            if !self.contains(parent, next) {
                NONE
            } else if self.nodes[next as usize].parent != parent {
                self.warnings.refused += 1;
                return Appended::Dropped;
            } else {
                next
            }
        } else {
            NONE
        };
        if before == target {
            // insertBefore(node, node) is a no-op in the DOM
        } else {
            self.insert(parent, target, before);
        }
        if self.element(target).is_some_and(|e| e.tag == "iframe") {
            self.attach_queued_document(target);
        }
        Appended::Done
    }

    /// The DOM would accept `child` under `parent` (no cycle; only element, text, comment and
    /// CDATA under elements and shadow roots; at most one doctype and one element under a
    /// document, no text there).
    fn can_insert(&self, parent: u32, child: u32) -> bool {
        if self.is_host_including_ancestor(child, parent) {
            return false;
        }
        let kind = &self.nodes[child as usize].data;
        match &self.nodes[parent as usize].data {
            NodeData::Element(_) | NodeData::ShadowRoot => {
                matches!(kind, NodeData::Element(_) | NodeData::Text(_) | NodeData::Comment(_) | NodeData::CData(_))
            }
            NodeData::Document { .. } => match kind {
                NodeData::Element(_) => self.document_element(parent).is_none_or(|e| e == child),
                NodeData::Doctype { .. } => self
                    .children(parent)
                    .all(|c| c == child || !matches!(self.nodes[c as usize].data, NodeData::Doctype { .. })),
                NodeData::Comment(_) => true,
                _ => false,
            },
            _ => false,
        }
    }

    fn apply_texts(&mut self, d: &MutationData) {
        // rrweb's uniqueTextMutations: the last value per node, in reverse order.
        let mut seen = rustc_hash::FxHashSet::default();
        for t in d.texts.iter().rev() {
            if !seen.insert(t.id) {
                continue;
            }
            let Some(target) = self.slot_of(t.id) else {
                if !d.removes.iter().any(|r| r.id == t.id) {
                    self.warnings.node_not_found += 1;
                }
                continue;
            };
            let value = t.value.as_deref().unwrap_or("");
            // rrweb rewrites a non-empty text whose parent is a `<style>` for hover
            let parent = self.nodes[target as usize].parent;
            if !value.is_empty() && parent != NONE && self.element(parent).is_some_and(|e| e.is_html("style")) {
                let css = self.adapt_css(value);
                self.set_text_content(target, &css);
            } else {
                self.set_text_content(target, value);
            }
        }
    }

    fn apply_attributes(&mut self, d: &MutationData) {
        for a in &d.attributes {
            let Some(target) = self.slot_of(a.id) else {
                if !d.removes.iter().any(|r| r.id == a.id) {
                    self.warnings.node_not_found += 1;
                }
                continue;
            };
            for (name, value) in &a.attributes {
                if !matches!(self.nodes[target as usize].data, NodeData::Element(_)) {
                    if matches!(value, AttrValue::Null | AttrValue::Str(_)) {
                        self.warnings.refused += 1; // no setAttribute on text nodes
                    }
                    continue;
                }
                match value {
                    AttrValue::Null => {
                        if let NodeData::Element(e) = &mut self.nodes[target as usize].data {
                            if e.remove_attr(name) {
                                self.push_change(Change::Attr(target, name.clone()));
                                self.canvas_attr_changed(target, name);
                            }
                        }
                    }
                    AttrValue::Str(v) => {
                        if name == "_cssText" && self.replace_css_element(target, &a.attributes) {
                            break; // rrweb leaves the loop over this node's attributes
                        }
                        let Some(NodeData::Element(e)) = self.nodes.get_mut(target as usize).map(|n| &mut n.data)
                        else {
                            continue;
                        };
                        if name == "value" && e.is_html("textarea") {
                            self.set_text_content(target, "");
                            let t = self.alloc(NO_ID, NodeData::Text(v.clone()), 0);
                            self.insert(target, t, NONE);
                        } else if valid_attr_name(name) {
                            e.set_attr(name, v.clone());
                            self.push_change(Change::Attr(target, name.clone()));
                            self.canvas_attr_changed(target, name);
                        } else {
                            self.warnings.refused += 1;
                        }
                    }
                    AttrValue::Style(diff) if name == "style" => {
                        if let NodeData::Element(e) = &mut self.nodes[target as usize].data {
                            let mut text = e.attr("style").unwrap_or("").to_string();
                            for (prop, v) in diff {
                                text = match v {
                                    StyleValue::Remove => remove_style_property(&text, prop),
                                    StyleValue::Set { value, priority } => {
                                        set_style_property(&text, prop, value, priority.as_deref())
                                    }
                                };
                            }
                            if e.attr("style").is_some() || !text.is_empty() {
                                e.set_attr("style", text);
                                self.push_change(Change::Attr(target, "style".into()));
                            }
                        }
                    }
                    _ => {} // numbers and booleans: rrweb ignores them in mutations
                }
            }
        }
    }

    /// A `_cssText` change on a `link` or `style` element: rrweb rebuilds the element from its
    /// serialized form with the changed attributes merged in, and puts the new one in the old
    /// one's place. False when it could not (then the attribute is set like any other).
    fn replace_css_element(&mut self, target: u32, changed: &[(String, AttrValue)]) -> bool {
        let (parent, next) = (self.nodes[target as usize].parent, self.nodes[target as usize].next);
        let Some(e) = self.element(target) else { return false };
        if !(e.is_html("link") || e.is_html("style")) || parent == NONE {
            return false;
        }
        let Some(meta) = e.meta_css.clone() else { return false };
        let super::CssMeta { tag, mut attributes, text_children } = *meta;
        for (k, v) in changed {
            match attributes.iter_mut().find(|(n, _)| n == k) {
                Some((_, old)) => *old = v.clone(),
                None => attributes.push((k.clone(), v.clone())),
            }
        }
        let id = self.nodes[target as usize].id;
        let mut tree = crate::model::NodeTree::default();
        tree.nodes.push(crate::model::SerializedNode {
            id,
            parent: None,
            kind: NodeKind::Element { tag_name: tag, attributes, is_svg: false, need_block: false, is_custom: false },
            root_id: None,
            is_shadow_host: false,
            is_shadow: false,
        });
        // Pretend the serialized text children are there so `_cssText` goes into them (and,
        // skipChild, nothing is built): rrweb then builds an empty element.
        for _ in 0..text_children {
            tree.nodes.push(crate::model::SerializedNode {
                id: NO_ID,
                parent: Some(0),
                kind: NodeKind::Text { text_content: String::new(), is_style: false },
                root_id: None,
                is_shadow_host: false,
                is_shadow: false,
            });
        }
        self.mirror.remove(&id); // force a new node
        let Built::New(new) = self.build_node(&tree, 0) else { return false };
        self.scratch = Default::default();
        self.nodes[new as usize].meta = 0;
        self.detach(target);
        self.release_if_unmapped(target);
        let before = if next != NONE && self.nodes[next as usize].parent == parent { next } else { NONE };
        self.insert(parent, new, before);
        true
    }
}

/// rrweb's `queueToResolveTrees` + `iterateResolveTree` over the queued adds (indices into
/// `adds`): returns each tree's root and its adds in the order rrweb appends them (a node,
/// then its children last to first).
fn resolve_trees(adds: &[AddedNode], queue: &[usize]) -> Vec<(usize, Vec<usize>)> {
    struct T {
        m: usize,
        parent: Option<usize>,
        children: Vec<usize>,
    }
    let mut ts: Vec<T> = Vec::with_capacity(queue.len());
    let mut by_id: FxHashMap<i64, usize> = FxHashMap::default();
    let mut roots: Vec<usize> = Vec::new();
    for &k in queue {
        let m = &adds[k];
        let id = m.node.nodes.first().map_or(NO_ID, |n| n.id);
        let me = ts.len();
        if let Some(&nt) = m.next_id.filter(|&n| n != 0).and_then(|n| by_id.get(&n)) {
            let parent = ts[nt].parent;
            ts.push(T { m: k, parent, children: Vec::new() });
            by_id.insert(id, me);
            match parent {
                Some(p) => {
                    let at = ts[p].children.iter().position(|&c| c == nt).unwrap_or(0);
                    ts[p].children.insert(at, me);
                }
                None => {
                    let at = roots.iter().position(|&c| c == nt).unwrap_or(0);
                    roots.insert(at, me);
                }
            }
            continue;
        }
        if let Some(&pt) = by_id.get(&m.parent_id) {
            ts.push(T { m: k, parent: Some(pt), children: Vec::new() });
            by_id.insert(id, me);
            ts[pt].children.push(me);
            continue;
        }
        ts.push(T { m: k, parent: None, children: Vec::new() });
        by_id.insert(id, me);
        roots.push(me);
    }
    roots
        .into_iter()
        .map(|r| {
            let mut order = Vec::new();
            let mut stack = vec![r];
            while let Some(t) = stack.pop() {
                order.push(ts[t].m);
                stack.extend(ts[t].children.iter().copied());
            }
            (ts[r].m, order)
        })
        .collect()
}
