//! The DOM tracker: the recorded page as far as the analyzer needs it to describe elements.
//!
//! Built from FullSnapshot and kept current by Mutation adds/removes/texts/attributes. Only
//! what descriptions use is kept: tag names, a fixed set of naming attributes plus `data-*`,
//! and text. Every walk is iterative, so no recording can exhaust the stack.

use crate::model::{AttrValue, Lean, MutationData, NodeKind, NodeTree};
use rustc_hash::FxHashMap;

/// Most nodes tracked at once. New nodes past it are skipped and counted
/// ([`DomTracker::skipped_nodes`]); the map never grows past it. 50,000 covers real pages
/// (the HTTP Archive's 90th-percentile page has about 3,000 elements) with a wide margin while
/// bounding the analyzer's memory on hostile input.
pub const MAX_TRACKED_NODES: usize = 50_000;

/// Most descendants of a `<select>` looked through for the chosen option's text: a long
/// country or time-zone list has a few hundred.
pub const MAX_OPTIONS_SCANNED: usize = 2_000;

/// Attributes the descriptions read; everything else (style, class, src, inlined CSS…) is
/// dropped on the way in. `data-*` attributes are kept too, as selectors.
const KEPT_ATTRIBUTES: &[&str] = &[
    "id",
    "for",
    "type",
    "href",
    "role",
    "name",
    "value",
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-labelledby",
    // Not used by descriptions: the bundle's frustration signals read it (text-editing surfaces).
    "contenteditable",
    // A checkbox's or radio's known state (rrweb writes `checked: true` when it is checked), so
    // an Input event that sets it again is recognised as no change.
    "checked",
    // Not used by descriptions: route inference (links that open elsewhere) and click outcomes
    // (live regions, dialogs, elements shown) read them.
    "target",
    "download",
    "aria-live",
    "aria-modal",
    "open",
    "hidden",
];

/// Text inside these elements is never shown to a user as text.
const TEXTLESS_PARENTS: &[&str] = &["script", "style", "noscript", "template"];

/// What the tracker drops, for decoding straight into the analyzer
/// ([`crate::codec::decode_lean_into`]): attributes not kept, and text under
/// [`TEXTLESS_PARENTS`] (by the recorded tag, any case, as the tracker lower-cases it).
pub(crate) const LEAN: Lean = Lean {
    keep_attribute: is_kept,
    keep_text_under: |tag| !TEXTLESS_PARENTS.iter().any(|t| t.eq_ignore_ascii_case(tag)),
};

#[derive(Debug)]
pub(crate) enum NodeData {
    Document,
    Element { tag: Box<str>, attributes: Vec<(Box<str>, Box<str>)> },
    Text(Box<str>),
    Other,
}

#[derive(Debug)]
pub(crate) struct TrackedNode {
    pub(crate) parent: Option<i64>,
    pub(crate) children: Vec<i64>,
    pub(crate) data: NodeData,
}

/// The tracked DOM: node id → node, plus indexes by the HTML `id` attribute and by
/// `<label for>`, kept in step with every change.
#[derive(Debug, Default)]
pub struct DomTracker {
    nodes: FxHashMap<i64, TrackedNode>,
    by_html_id: FxHashMap<Box<str>, i64>,
    label_by_for: FxHashMap<Box<str>, i64>,
    /// The document's `<title>` element: the first `title` whose parent is `head`.
    title: Option<i64>,
    skipped: u64,
    /// Bumped by every change that can alter an element's description (see
    /// [`DomTracker::generation`]).
    generation: u64,
}

impl DomTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nodes currently tracked (≤ [`MAX_TRACKED_NODES`]).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no node is tracked.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// New nodes not tracked so far because the tracker was full (or their parent was not
    /// tracked), over the whole recording.
    pub fn skipped_nodes(&self) -> u64 {
        self.skipped
    }

    /// A number that changes whenever the tracked DOM changes in a way that can change what
    /// [`super::describe`] says of any node: a snapshot, any Mutation, a live value of a
    /// button-like input ([`DomTracker::named_by_value`]). Equal numbers: equal descriptions.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Element `id` is an `<input>` whose `value` is its name (`type` submit, button or
    /// reset, as recorded), the one case where [`super::describe`] reads a live value.
    pub(crate) fn named_by_value(&self, id: i64) -> bool {
        self.tag(id) == Some("input") && matches!(self.attr(id, "type"), Some("submit" | "button" | "reset"))
    }

    /// Replaces the tracked DOM with a FullSnapshot's tree (node ids restart after a page load).
    pub fn load_snapshot(&mut self, tree: NodeTree) {
        self.generation += 1;
        self.nodes.clear();
        self.by_html_id.clear();
        self.label_by_for.clear();
        self.title = None;
        self.insert_tree(tree, None, None);
    }

    /// The document's title as the `<title>` element's text reads now, whitespace collapsed;
    /// empty when there is none. Only the first `<title>` directly under `<head>` counts (an
    /// SVG icon's `<title>` is not the document's).
    pub(crate) fn document_title(&self) -> String {
        self.title.map(|id| self.text_of(id, 512)).unwrap_or_default()
    }

    /// The node id of the document's `<title>` element, if there is one.
    pub(crate) fn title_id(&self) -> Option<i64> {
        self.title
    }

    /// The number of tracked nodes in the subtree rooted at `id` (0 when `id` is unknown).
    pub(crate) fn subtree_len(&self, id: i64) -> usize {
        let mut n = 0;
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if let Some(node) = self.nodes.get(&current) {
                n += 1;
                stack.extend(node.children.iter().copied());
            }
        }
        n
    }

    /// Applies one Mutation in rrweb's replay order: removes, adds, texts, attributes.
    pub fn apply_mutation(&mut self, mutation: MutationData) {
        self.generation += 1;
        for removed in &mutation.removes {
            self.remove_subtree(removed.id);
        }
        for added in mutation.adds {
            self.insert_tree(added.node, Some(added.parent_id), added.next_id);
        }
        for text in mutation.texts {
            let parent = match self.nodes.get(&text.id) {
                Some(TrackedNode { data: NodeData::Text(_), parent, .. }) => *parent,
                _ => continue,
            };
            let value: Box<str> =
                if self.parent_is_textless(parent) { "".into() } else { text.value.unwrap_or_default().into() };
            if let Some(TrackedNode { data: NodeData::Text(t), .. }) = self.nodes.get_mut(&text.id) {
                *t = value;
            }
        }
        for change in mutation.attributes {
            for (name, value) in change.attributes {
                self.set_attribute(change.id, &name, &value);
            }
        }
    }

    pub(crate) fn get(&self, id: i64) -> Option<&TrackedNode> {
        self.nodes.get(&id)
    }

    /// The node whose HTML `id` attribute is `html_id`.
    pub(crate) fn by_html_id(&self, html_id: &str) -> Option<i64> {
        self.by_html_id.get(html_id).copied()
    }

    /// The `<label>` whose `for` attribute is `html_id`.
    pub(crate) fn label_for(&self, html_id: &str) -> Option<i64> {
        self.label_by_for.get(html_id).copied()
    }

    /// Lower-case tag name of element `id`.
    pub(crate) fn tag(&self, id: i64) -> Option<&str> {
        match &self.nodes.get(&id)?.data {
            NodeData::Element { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// Value of a kept attribute of element `id`.
    pub(crate) fn attr(&self, id: i64, name: &str) -> Option<&str> {
        match &self.nodes.get(&id)?.data {
            NodeData::Element { attributes, .. } => attributes.iter().find(|(k, _)| &**k == name).map(|(_, v)| &**v),
            _ => None,
        }
    }

    /// Records the live state a form control's Input event reported: `value` (its text) or
    /// `checked` (`Some("")` when checked, `None` when not), stored as the attribute rrweb's
    /// snapshot writes for it, so later events are compared with what the page shows.
    pub(crate) fn set_live_state(&mut self, id: i64, name: &str, value: Option<&str>) {
        if name != "checked" && (name != "value" || self.named_by_value(id)) {
            self.generation += 1;
        }
        if let Some(TrackedNode { data: NodeData::Element { attributes, .. }, .. }) = self.nodes.get_mut(&id) {
            // Every keystroke sets `value` again: when it is already the last attribute and
            // the only one of its name, it is replaced where it is (the order removing and
            // appending it would give), without new strings when the text is unchanged.
            if let (Some(value), Some(((last, old), rest))) = (value, attributes.split_last_mut()) {
                if &**last == name && rest.iter().all(|(k, _)| &**k != name) {
                    if &**old != value {
                        *old = value.into();
                    }
                    return;
                }
            }
            attributes.retain(|(k, _)| &**k != name);
            if let Some(value) = value {
                attributes.push((name.into(), value.into()));
            }
        }
    }

    /// The text of the `<option>` of `<select>` `id` whose value is `value` (an option without a
    /// `value` attribute has its text as its value), looking through at most
    /// [`MAX_OPTIONS_SCANNED`] descendants; `None` when there is no such option or it has no text.
    pub(crate) fn option_text(&self, id: i64, value: &str) -> Option<String> {
        let mut stack: Vec<i64> = self.nodes.get(&id)?.children.iter().rev().copied().collect();
        let mut scanned = 0;
        while let Some(current) = stack.pop() {
            scanned += 1;
            if scanned > MAX_OPTIONS_SCANNED {
                return None;
            }
            match self.tag(current) {
                Some("option") => {
                    let text = self.text_of(current, 200);
                    let text = text.trim();
                    let matches = match self.attr(current, "value") {
                        Some(v) => v == value,
                        None => text == value,
                    };
                    if matches {
                        return (!text.is_empty()).then(|| text.to_string());
                    }
                }
                Some("optgroup") => {
                    if let Some(node) = self.nodes.get(&current) {
                        stack.extend(node.children.iter().rev());
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The visible text under `id` (its own text if it is a text node), whitespace collapsed,
    /// collecting at most about `limit` bytes. Form controls' inner text (options, textarea
    /// content) is skipped, being a value rather than a name, and so is media fallback content,
    /// which browsers that play the media never show.
    pub(crate) fn text_of(&self, id: i64, limit: usize) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if out.len() >= limit {
                break;
            }
            let Some(node) = self.nodes.get(&current) else { continue };
            match &node.data {
                NodeData::Text(t) => push_collapsed(&mut out, t),
                NodeData::Element { tag, .. }
                    if current != id
                        && matches!(
                            &**tag,
                            "select"
                                | "textarea"
                                | "script"
                                | "style"
                                | "video"
                                | "audio"
                                | "canvas"
                                | "object"
                                | "iframe"
                        ) => {}
                _ => stack.extend(node.children.iter().rev()),
            }
        }
        out.trim_end().to_string()
    }

    fn parent_is_textless(&self, parent: Option<i64>) -> bool {
        parent.and_then(|p| self.tag(p)).is_some_and(|t| TEXTLESS_PARENTS.contains(&t))
    }

    fn insert_tree(&mut self, tree: NodeTree, root_parent: Option<i64>, next_id: Option<i64>) {
        // Ids of the tree's nodes by arena index, for parent lookups (None: not tracked).
        let mut ids: Vec<Option<i64>> = Vec::with_capacity(tree.nodes.len());
        let mut nodes = tree.nodes;
        for (index, node) in nodes.drain(..).enumerate() {
            let parent = match node.parent {
                None => root_parent,
                Some(p) => match ids[p] {
                    Some(id) => Some(id),
                    None => {
                        // The parent was skipped, so is this whole subtree.
                        self.skipped += 1;
                        ids.push(None);
                        continue;
                    }
                },
            };
            if node.id < 0 || parent.is_some_and(|p| !self.nodes.contains_key(&p)) {
                // slimDOM's ignored nodes (id -2) and adds under an unknown parent.
                if node.id >= 0 {
                    self.skipped += 1;
                }
                ids.push(None);
                continue;
            }
            let exists = self.nodes.contains_key(&node.id);
            if exists && parent.is_some_and(|p| self.is_ancestor_or_self(node.id, p)) {
                // A move under itself or its own descendant: the DOM refuses it
                // (HierarchyRequestError), and tracking it would make the tree a cycle.
                self.skipped += 1;
                ids.push(None);
                continue;
            }
            if !exists && self.nodes.len() >= MAX_TRACKED_NODES {
                self.skipped += 1;
                ids.push(None);
                continue;
            }
            let data = match node.kind {
                NodeKind::Document { .. } => NodeData::Document,
                NodeKind::Element { tag_name, attributes, .. } => {
                    // Moved, not copied: recorded tags are almost always lower-case already.
                    let tag: Box<str> = if tag_name.bytes().any(|b| b.is_ascii_uppercase()) {
                        tag_name.to_ascii_lowercase().into()
                    } else {
                        tag_name.into()
                    };
                    let attributes: Vec<(Box<str>, Box<str>)> = attributes
                        .into_iter()
                        .filter(|(k, _)| is_kept(k))
                        .filter_map(|(k, v)| {
                            let text: Box<str> = match v {
                                AttrValue::Str(s) => s.into(),
                                other => other.as_text()?.as_ref().into(),
                            };
                            Some((Box::from(k), text))
                        })
                        .collect();
                    NodeData::Element { tag, attributes }
                }
                NodeKind::Text { text_content, .. } => {
                    if self.parent_is_textless(parent) {
                        NodeData::Text(Box::from(""))
                    } else {
                        NodeData::Text(text_content.into())
                    }
                }
                _ => NodeData::Other,
            };
            if exists {
                // A moved node: rrweb re-adds it (without children) under its new parent.
                self.detach(node.id);
                self.unindex(node.id);
                if let Some(n) = self.nodes.get_mut(&node.id) {
                    n.parent = parent;
                    n.data = data;
                }
            } else {
                self.nodes.insert(node.id, TrackedNode { parent, children: Vec::new(), data });
            }
            self.index(node.id);
            if let Some(p) = parent {
                let before = if index == 0 { next_id } else { None };
                if let Some(parent_node) = self.nodes.get_mut(&p) {
                    match before.and_then(|b| parent_node.children.iter().position(|&c| c == b)) {
                        Some(at) => parent_node.children.insert(at, node.id),
                        None => parent_node.children.push(node.id),
                    }
                }
            }
            ids.push(Some(node.id));
        }
        // Read lean (straight from the decoder), the next tree reuses this list.
        crate::model::recycle_arena(nodes);
    }

    /// `ancestor` is `id` or one of its ancestors. The parent links never form a cycle (moves
    /// that would make one are refused), so the walk ends; it is bounded by the node count anyway.
    fn is_ancestor_or_self(&self, ancestor: i64, id: i64) -> bool {
        let mut current = Some(id);
        for _ in 0..=self.nodes.len() {
            match current {
                Some(c) if c == ancestor => return true,
                Some(c) => current = self.nodes.get(&c).and_then(|n| n.parent),
                None => return false,
            }
        }
        false
    }

    fn detach(&mut self, id: i64) {
        let parent = self.nodes.get(&id).and_then(|n| n.parent);
        if let Some(parent_node) = parent.and_then(|p| self.nodes.get_mut(&p)) {
            parent_node.children.retain(|&c| c != id);
        }
    }

    fn remove_subtree(&mut self, id: i64) {
        self.detach(id);
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            self.unindex(current);
            if let Some(node) = self.nodes.remove(&current) {
                stack.extend(node.children);
            }
        }
    }

    fn set_attribute(&mut self, id: i64, name: &str, value: &AttrValue) {
        if !is_kept(name) {
            return;
        }
        self.unindex(id);
        if let Some(TrackedNode { data: NodeData::Element { attributes, .. }, .. }) = self.nodes.get_mut(&id) {
            attributes.retain(|(k, _)| &**k != name);
            if let Some(text) = value.as_text() {
                attributes.push((name.into(), text.as_ref().into()));
            }
        }
        self.index(id);
    }

    fn index(&mut self, id: i64) {
        let under_head = || self.get(id).and_then(|n| n.parent).and_then(|p| self.tag(p)) == Some("head");
        if self.title.is_none() && self.tag(id) == Some("title") && under_head() {
            self.title = Some(id);
        }
        if let Some(html_id) = self.attr(id, "id") {
            let html_id: Box<str> = html_id.into();
            self.by_html_id.insert(html_id, id);
        }
        if self.tag(id) == Some("label") {
            if let Some(target) = self.attr(id, "for") {
                let target: Box<str> = target.into();
                self.label_by_for.insert(target, id);
            }
        }
    }

    fn unindex(&mut self, id: i64) {
        if self.title == Some(id) {
            self.title = None;
        }
        if let Some(html_id) = self.attr(id, "id") {
            if self.by_html_id.get(html_id) == Some(&id) {
                let html_id: Box<str> = html_id.into();
                self.by_html_id.remove(&html_id);
            }
        }
        if let Some(target) = self.attr(id, "for") {
            if self.label_by_for.get(target) == Some(&id) {
                let target: Box<str> = target.into();
                self.label_by_for.remove(&target);
            }
        }
    }
}

fn is_kept(name: &str) -> bool {
    name.starts_with("data-") || KEPT_ATTRIBUTES.contains(&name)
}

/// Appends `text` with runs of whitespace collapsed to one space (HTML's rendering of
/// inter-element whitespace), never starting `out` with a space.
fn push_collapsed(out: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(word);
    }
    if text.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

#[cfg(test)]
#[path = "tests_dom.rs"]
mod tests;
