//! MutationObserver records → one rrweb Mutation (IncrementalSnapshot source 0) per batch.
//!
//! Removes first, then adds, then texts and attributes, read from the DOM as it is now (as
//! rrweb does). Adds are ordered so that a replayer can apply them one by one: every node
//! comes after its parent and after its following siblings, so `nextId` always names a node
//! the replayer already has (or is null for "append"). Each added node is its own entry with
//! `childNodes: []`.

use super::json::{push_str, Obj};
use super::mirror::Mirror;
use super::serialize::{attribute, open_node, text_of, Ctx, ElView};
use js_sys::Array;
use rustc_hash::{FxHashMap, FxHashSet};
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationRecord, Node};

/// What one batch produced: the Mutation's `data` JSON (None when nothing to record) and the
/// number of nodes serialized.
pub fn process(records: &Array, mirror: &mut Mirror, ctx: &Ctx) -> (Option<String>, usize) {
    let batch_start = mirror.next_id();
    let mut removes: Vec<String> = Vec::new();
    let mut texts: Vec<(i32, Node)> = Vec::new();
    let mut text_seen: FxHashSet<i32> = FxHashSet::default();
    let mut attrs: Vec<(i32, Element, Vec<String>)> = Vec::new();
    let mut attr_index: FxHashMap<i32, usize> = FxHashMap::default();
    let mut dirty: Vec<(i32, Node)> = Vec::new();
    // A host's light DOM and its shadow root are two parents: the host's id, and its
    // complement (`!id`, negative) for the root. One key type with `text_seen` and the
    // mirror's sets: each hash set type adds ~0.6 KB of wasm.
    let mut dirty_seen: FxHashSet<i32> = FxHashSet::default();

    for rec in records.iter() {
        let Ok(rec) = rec.dyn_into::<MutationRecord>() else { continue };
        let Some(target) = rec.target() else { continue };
        match rec.type_().as_str() {
            "characterData" => {
                if let Some(id) = mirror.known_id(&target) {
                    if text_seen.insert(id) {
                        texts.push((id, target));
                    }
                }
            }
            "attributes" => {
                let (Some(id), Some(name)) = (mirror.known_id(&target), rec.attribute_name()) else { continue };
                let Some(el) = super::shadow::as_element(&target).cloned() else { continue };
                let i = *attr_index.entry(id).or_insert_with(|| {
                    attrs.push((id, el, Vec::new()));
                    attrs.len() - 1
                });
                if !attrs[i].2.contains(&name) {
                    attrs[i].2.push(name);
                }
            }
            "childList" => {
                // a shadow root's records name its host (see `shadow`)
                let parent = mirror.parent_known_id(&target);
                let removed = rec.removed_nodes();
                for i in 0..removed.length() {
                    let Some(node) = removed.item(i) else { continue };
                    if let (Some((parent_id, shadow)), Some(id)) = (parent, mirror.known_id(&node)) {
                        let flag = if shadow { ",\"isShadow\":true" } else { "" };
                        removes.push(format!("{{\"parentId\":{parent_id},\"id\":{id}{flag}}}"));
                    }
                    // Known or not (a node a sliced snapshot has not written yet), its ids go.
                    if mirror.live_id(&node).is_some() {
                        mirror.remove_subtree(&node);
                    }
                }
                let Some((parent_id, shadow)) = parent else { continue };
                let key = if shadow { !parent_id } else { parent_id };
                if rec.added_nodes().length() > 0 && dirty_seen.insert(key) {
                    dirty.push((parent_id, target));
                }
            }
            _ => {}
        }
    }

    let mut adds: Vec<String> = Vec::new();
    let mut count = 0usize;
    let mut stack: Vec<(Node, Option<std::rc::Rc<ElView>>)> = Vec::new();
    let top: Node = super::state::document().into();
    for (parent_id, parent) in dirty {
        if !mirror.is_known(parent_id) || !parent.is_connected() || !mirror.children_recorded(parent_id) {
            continue;
        }
        // Inside an iframe's document, every added node names it (`rootId`, see `frames`).
        let doc = if parent.node_type() == Node::DOCUMENT_NODE {
            Some(parent.clone())
        } else {
            parent.owner_document().map(Node::from)
        };
        let root_id = doc.filter(|d| *d != top).and_then(|d| mirror.known_id(&d));
        // Last child first, so each node's following siblings are known before it.
        let mut child = parent.last_child();
        while let Some(c) = child {
            child = c.previous_sibling();
            if mirror.known_id(&c).is_some() {
                continue;
            }
            stack.push((c, None));
            while let Some((n, parent_view)) = stack.pop() {
                let Some(p) = n.parent_node() else { continue };
                let Some((pid, shadow)) = mirror.parent_known_id(&p) else { continue };
                if !mirror.children_recorded(pid) || mirror.known_id(&n).is_some() {
                    continue;
                }
                let mut next_id = None;
                let mut sib = n.next_sibling();
                while let Some(s) = sib {
                    if let Some(id) = mirror.known_id(&s) {
                        next_id = Some(id);
                        break;
                    }
                    sib = s.next_sibling();
                }
                let Some((mut open, view)) = open_node(&n, parent_view.as_ref(), mirror, ctx, false) else { continue };
                count += 1;
                open.tail.shadow = shadow;
                open.tail.root_id = root_id.unwrap_or(0);
                let recurse = open.container && open.recurse;
                let root = open.shadow.take();
                let next = next_id.map_or_else(|| "null".to_string(), |id| id.to_string());
                adds.push(format!("{{\"parentId\":{pid},\"nextId\":{next},\"node\":{}}}", open.shallow()));
                if recurse {
                    // Pushed first to last: popped last to first (reverse pre-order).
                    let mut gc = n.first_child();
                    while let Some(g) = gc {
                        gc = g.next_sibling();
                        stack.push((g, view.clone()));
                    }
                    // the open shadow root's children (the host's view is their parent's)
                    let mut gc = root.as_ref().and_then(|r| r.first_child());
                    while let Some(g) = gc {
                        gc = g.next_sibling();
                        stack.push((g, view.clone()));
                    }
                }
            }
        }
    }

    let texts: Vec<String> = texts
        .into_iter()
        .filter(|(id, _)| *id < batch_start && mirror.is_known(*id))
        .map(|(id, node)| Obj::new().num("id", id as f64).str("value", &text_of(&node, None, ctx)).end())
        .collect();

    let mut attributes: Vec<String> = Vec::new();
    for (id, el, names) in attrs {
        if id >= batch_start || !mirror.is_known(id) {
            continue;
        }
        let view = ElView::new(&el);
        if ctx.privacy.element_policy(&view).block {
            continue;
        }
        let tag = el.tag_name().to_ascii_lowercase();
        let form_field = matches!(tag.as_str(), "input" | "textarea" | "select");
        let mut body = String::from("{");
        let mut first = true;
        // As rrweb 2.x: a dialog opening (`show()`/`showModal()`) says how it opened.
        if tag == "dialog" && names.iter().any(|n| n == "open") && el.has_attribute("open") {
            body.push_str("\"rr_open_mode\":");
            push_str(&mut body, super::serialize::dialog_mode(&el));
            first = false;
        }
        for name in &names {
            let (attr, mut name) = (name.as_str(), name.as_str());
            if tag == "iframe" && name == "src" {
                // As rrweb: a same-origin frame's new document comes with its `load` (see
                // `frames`); a cross-origin one's address is `rr_src`, never `src`.
                if super::frames::content_document(&el).is_some() {
                    continue;
                }
                name = "rr_src";
            }
            let value = match el.get_attribute(attr) {
                None => None,
                Some(v) if form_field && name == "value" => Some(ctx.privacy.input_value(&view, &v)),
                Some(v) => match attribute(&el, &tag, &view, ctx, attr, &v) {
                    Some(v) => Some(v),
                    None => continue, // not recorded at all
                },
            };
            if !first {
                body.push(',');
            }
            first = false;
            push_str(&mut body, name);
            body.push(':');
            match value {
                Some(v) => push_str(&mut body, &v),
                None => body.push_str("null"),
            }
        }
        body.push('}');
        if !first {
            attributes.push(format!("{{\"id\":{id},\"attributes\":{body}}}"));
        }
    }

    if adds.is_empty() && removes.is_empty() && texts.is_empty() && attributes.is_empty() {
        return (None, count);
    }
    // One buffer of the final size (a storm's Mutation can be megabytes: no growth by
    // doubling, no copy of each array), with room for the event around it (`State::push`).
    let parts = [("texts", &texts), ("attributes", &attributes), ("removes", &removes), ("adds", &adds)];
    let mut size = 64;
    for (_, items) in &parts {
        for item in items.iter() {
            size += item.len() + 1;
        }
        size += 16;
    }
    let mut data = String::with_capacity(size);
    data.push_str("{\"source\":0");
    for (key, items) in parts {
        data.push_str(",\"");
        data.push_str(key);
        data.push_str("\":[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                data.push(',');
            }
            data.push_str(item);
        }
        data.push(']');
    }
    data.push('}');
    (Some(data), count)
}
