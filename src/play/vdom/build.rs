//! Building nodes from serialized rrweb nodes: rrweb-snapshot's `buildNode` (attributes, tag
//! names, inlined CSS, blocked boxes) and `buildNodeWithSN` (the mirror, reuse of an equal
//! node, whole subtrees for a FullSnapshot or an iframe document).

use super::style::set_style_property;
use super::{Change, CssMeta, Element, NodeData, VDom, NONE, NO_ID};
use crate::model::{AttrValue, NodeKind, NodeTree, SerializedNode};
use std::hash::{Hash, Hasher};

/// rrweb-snapshot's `tagMap`: `script` is rebuilt as an inert `noscript`; SVG tag names that
/// HTML parsing lower-cases get their camel case back.
const TAG_MAP: &[(&str, &str)] = &[
    ("script", "noscript"),
    ("altglyph", "altGlyph"),
    ("altglyphdef", "altGlyphDef"),
    ("altglyphitem", "altGlyphItem"),
    ("animatecolor", "animateColor"),
    ("animatemotion", "animateMotion"),
    ("animatetransform", "animateTransform"),
    ("clippath", "clipPath"),
    ("feblend", "feBlend"),
    ("fecolormatrix", "feColorMatrix"),
    ("fecomponenttransfer", "feComponentTransfer"),
    ("fecomposite", "feComposite"),
    ("feconvolvematrix", "feConvolveMatrix"),
    ("fediffuselighting", "feDiffuseLighting"),
    ("fedisplacementmap", "feDisplacementMap"),
    ("fedistantlight", "feDistantLight"),
    ("fedropshadow", "feDropShadow"),
    ("feflood", "feFlood"),
    ("fefunca", "feFuncA"),
    ("fefuncb", "feFuncB"),
    ("fefuncg", "feFuncG"),
    ("fefuncr", "feFuncR"),
    ("fegaussianblur", "feGaussianBlur"),
    ("feimage", "feImage"),
    ("femerge", "feMerge"),
    ("femergenode", "feMergeNode"),
    ("femorphology", "feMorphology"),
    ("feoffset", "feOffset"),
    ("fepointlight", "fePointLight"),
    ("fespecularlighting", "feSpecularLighting"),
    ("fespotlight", "feSpotLight"),
    ("fetile", "feTile"),
    ("feturbulence", "feTurbulence"),
    ("foreignobject", "foreignObject"),
    ("glyphref", "glyphRef"),
    ("lineargradient", "linearGradient"),
    ("radialgradient", "radialGradient"),
];

/// rrweb's `getTagName`.
fn tag_name(tag: &str, attributes: &[(String, AttrValue)]) -> String {
    let mapped = TAG_MAP.iter().find(|(k, _)| *k == tag).map_or(tag, |(_, v)| v);
    if mapped == "link" && attributes.iter().any(|(k, v)| k == "_cssText" && truthy(v)) {
        return "style".to_string();
    }
    mapped.to_string()
}

/// JavaScript truthiness of an attribute value.
fn truthy(v: &AttrValue) -> bool {
    match v {
        AttrValue::Str(s) => !s.is_empty(),
        AttrValue::Num(n) => *n != 0.0 && !n.is_nan(),
        AttrValue::Bool(b) => *b,
        AttrValue::Null => false,
        AttrValue::Style(_) => true,
    }
}

/// `value.toString()` in JavaScript for the scalar attribute values.
pub(super) fn js_string(v: &AttrValue) -> Option<String> {
    Some(match v {
        AttrValue::Str(s) => s.clone(),
        AttrValue::Num(n) => js_number(*n),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Null => return None,
        AttrValue::Style(_) => "[object Object]".to_string(),
    })
}

fn js_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == n.trunc() && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        n.to_string()
    }
}

/// A name `setAttribute` accepts (Chromium's relaxed rule: non-empty, no ASCII whitespace, NUL,
/// `/`, `>` or `=`). Others throw, which rrweb catches and skips.
pub(super) fn valid_attr_name(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(|b| matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ' | 0 | b'/' | b'>' | b'='))
}

/// rrweb-snapshot's `extractFileExtension` for a URL: the last path segment's extension.
fn file_extension(href: &str) -> Option<&str> {
    let path = href.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    Some(ext)
}

/// A hash of what rrweb's `isNodeMetaEqual` compares.
pub(super) fn meta_hash(n: &SerializedNode) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match &n.kind {
        NodeKind::Document { compat_mode } => (0u8, compat_mode).hash(&mut h),
        NodeKind::DocumentType { name, public_id, system_id } => (1u8, name, public_id, system_id).hash(&mut h),
        NodeKind::Element { tag_name, attributes, is_svg, need_block, .. } => {
            (2u8, tag_name, is_svg, need_block).hash(&mut h);
            for (k, v) in attributes {
                k.hash(&mut h);
                hash_attr(v, &mut h);
            }
        }
        NodeKind::Text { text_content, .. } => (3u8, text_content).hash(&mut h),
        NodeKind::CData => 4u8.hash(&mut h),
        NodeKind::Comment { text_content } => (5u8, text_content).hash(&mut h),
        NodeKind::Unknown { node_type } => (6u8, node_type).hash(&mut h),
    }
    h.finish() | 1 // never 0, which means "unknown"
}

fn hash_attr(v: &AttrValue, h: &mut impl Hasher) {
    match v {
        AttrValue::Str(s) => (0u8, s).hash(h),
        AttrValue::Num(n) => (1u8, n.to_bits()).hash(h),
        AttrValue::Bool(b) => (2u8, b).hash(h),
        AttrValue::Null => 3u8.hash(h),
        AttrValue::Style(s) => {
            4u8.hash(h);
            for (k, v) in s {
                k.hash(h);
                format!("{v:?}").hash(h);
            }
        }
    }
}

/// What building one element tells the subtree build (rrweb mutates the serialized node).
#[derive(Clone, Debug, Default)]
pub(super) struct Scratch {
    /// A textarea's `value` replaced its serialized children.
    pub(super) skip_children: bool,
    /// Text for serialized text children (tree index), from the parent's `_cssText`.
    pub(super) css: Vec<(usize, String)>,
}

/// Where a built node goes.
pub(super) enum Built {
    /// A new node (not yet attached).
    New(u32),
    /// The mirror already had this id with an equal serialized node: that node is reused
    /// (rrweb's `buildNodeWithSN` returns it; its serialized children are not built).
    Existing(u32),
    /// rrweb cannot build this node type.
    Failed,
}

impl VDom {
    /// rrweb's `rebuildFullSnapshot`: a fresh mirror and tree from the snapshot, then the
    /// recorded scroll offsets (`rr_scrollLeft`/`rr_scrollTop`, and the document's initial
    /// offset).
    pub(super) fn load_snapshot(&mut self, tree: &NodeTree, left: f64, top: f64) -> usize {
        self.nodes.clear();
        self.free.clear();
        self.pending_free.clear();
        self.mirror.clear();
        self.document = NONE;
        self.warnings = Default::default();
        self.sheets = Default::default(); // rrweb resets its style mirror too
        self.extras.on_snapshot();
        // Iframe documents still waiting for their iframe are forgotten: a seek in rrweb's
        // Replayer replays only from the last FullSnapshot before the target
        // (`discardPriorSnapshots`), so it never sees them, and a seek here restarts from the
        // snapshot alone. Kept, a straight replay would differ from a seek (found by fuzzing:
        // tests/fuzz_regressions.rs).
        self.new_documents.clear();
        let record = std::mem::replace(&mut self.record, false);
        let root = self.build_tree(tree, 0, NONE, true);
        self.record = record;
        self.hover_on_snapshot();
        self.focus_on_snapshot();
        if let Some(root) = root {
            if matches!(self.nodes[root as usize].data, NodeData::Document { .. }) {
                self.document = root;
                self.nodes[root as usize].scroll = Some((left, top));
            }
        }
        self.changes.clear();
        self.push_change(Change::Reset);
        tree.nodes.len()
    }

    /// Builds `tree.nodes[start]` and its serialized descendants (rrweb's `buildNodeWithSN`
    /// without `skipChild`), appending the root to `parent` unless that is [`NONE`]. Returns the
    /// root's slot.
    pub(super) fn build_tree(&mut self, tree: &NodeTree, start: usize, parent: u32, snapshot: bool) -> Option<u32> {
        // The slot of each serialized node of the subtree; NONE: not built (nor its descendants).
        let mut slots: Vec<u32> = vec![NONE; tree.nodes.len() - start];
        let mut css: Vec<(usize, String)> = Vec::new();
        let mut htmls: Vec<u32> = Vec::new();
        let mut iframes: Vec<u32> = Vec::new();
        let mut root = None;
        for i in start..tree.nodes.len() {
            let n = &tree.nodes[i];
            let parent_slot = if i == start {
                parent
            } else {
                match n.parent {
                    Some(p) if p >= start => match slots[p - start] {
                        NONE => continue,
                        ps => ps,
                    },
                    _ => break, // pre-order: the subtree ended
                }
            };
            let slot = match self.build_node(tree, i) {
                Built::New(s) => {
                    let keep_children = !std::mem::take(&mut self.scratch.skip_children);
                    css.append(&mut self.scratch.css);
                    if let Some(k) = css.iter().position(|(k, _)| *k == i) {
                        let (_, text) = css.swap_remove(k);
                        // rrweb writes the split into the serialized child, which buildNode
                        // then rewrites again when it is an `isStyle` text
                        let text = match &n.kind {
                            NodeKind::Text { is_style: true, .. } => self.adapt_css(&text),
                            _ => text,
                        };
                        if let NodeData::Text(t) = &mut self.nodes[s as usize].data {
                            *t = text;
                        }
                    }
                    if let NodeData::Element(e) = &self.nodes[s as usize].data {
                        if e.is_html("html") {
                            htmls.push(s);
                        }
                        if e.is_html("iframe") {
                            iframes.push(s);
                        }
                    }
                    if snapshot {
                        self.apply_scroll_attrs(s, n);
                    }
                    if keep_children {
                        slots[i - start] = s;
                    }
                    s
                }
                Built::Existing(s) => s, // reused with its current children; the serialized ones are not built
                Built::Failed => continue,
            };
            if i == start {
                root = Some(slot);
            }
            if parent_slot != NONE {
                self.append_built(parent_slot, slot, n.is_shadow);
            }
        }
        // rrweb appends an `<html>` to its document with its `<body>` moved to the end.
        for html in htmls {
            let parent = self.nodes[html as usize].parent;
            if parent != NONE && matches!(self.nodes[parent as usize].data, NodeData::Document { .. }) {
                let body = self.children(html).filter(|&c| self.element(c).is_some_and(|e| e.is_html("body"))).last();
                if let Some(body) = body {
                    self.insert(html, body, NONE);
                }
            }
        }
        for iframe in iframes {
            self.attach_queued_document(iframe);
        }
        root
    }

    /// Appends a built child the way rrweb's full build does: `isShadow` children into the
    /// parent's shadow root when it has one.
    fn append_built(&mut self, parent: u32, child: u32, is_shadow: bool) {
        let target = match &self.nodes[parent as usize].data {
            NodeData::Element(e) if is_shadow && e.shadow_root != NONE => e.shadow_root,
            _ => parent,
        };
        if self.is_host_including_ancestor(child, target) {
            self.warnings.refused += 1;
            return;
        }
        self.insert(target, child, NONE);
    }

    /// rrweb's `buildNodeWithSN` for one node (`skipChild`): reuse the mirror's node when its
    /// serialized form is equal, else build a new one and map the id to it.
    pub(super) fn build_node(&mut self, tree: &NodeTree, i: usize) -> Built {
        self.scratch = Scratch::default();
        let n = &tree.nodes[i];
        let meta = meta_hash(n);
        if let Some(&existing) = self.mirror.get(&n.id) {
            if self.nodes[existing as usize].meta == meta {
                return Built::Existing(existing);
            }
        }
        let data = match &n.kind {
            NodeKind::Document { compat_mode } => {
                let slot = self.alloc(n.id, NodeData::Document { compat_mode: compat_mode.clone() }, meta);
                self.mirror.insert(n.id, slot);
                if compat_mode.as_deref() == Some("BackCompat") {
                    self.quirks_doctype(tree, i, slot);
                }
                return Built::New(slot);
            }
            NodeKind::DocumentType { name, public_id, system_id } => NodeData::Doctype {
                name: if name.is_empty() { "html".into() } else { name.clone() },
                public_id: public_id.clone(),
                system_id: system_id.clone(),
            },
            NodeKind::Element { .. } => return self.build_element(tree, i, meta),
            // rrweb-snapshot's buildNode rewrites legacy `isStyle` texts for hover
            NodeKind::Text { text_content, is_style: true } => NodeData::Text(self.adapt_css(text_content)),
            NodeKind::Text { text_content, .. } => NodeData::Text(text_content.clone()),
            NodeKind::CData => NodeData::CData(String::new()),
            NodeKind::Comment { text_content } => NodeData::Comment(text_content.clone()),
            NodeKind::Unknown { .. } => return Built::Failed,
        };
        let slot = self.alloc(n.id, data, meta);
        self.mirror.insert(n.id, slot);
        Built::New(slot)
    }

    /// A quirks-mode document without a doctype: rrweb `document.write`s one into the document
    /// it re-opens (XHTML 1.0 or HTML 4.0 Transitional, by the root element's `xmlns`), which
    /// puts a doctype node in the tree.
    fn quirks_doctype(&mut self, tree: &NodeTree, i: usize, doc: u32) {
        let Some(first) = tree.nodes.get(i + 1).filter(|c| c.parent == Some(i)) else { return };
        let public_id = match &first.kind {
            NodeKind::DocumentType { .. } => return,
            NodeKind::Element { attributes, .. }
                if attributes
                    .iter()
                    .any(|(k, v)| k == "xmlns" && *v == AttrValue::Str("http://www.w3.org/1999/xhtml".into())) =>
            {
                "-//W3C//DTD XHTML 1.0 Transitional//EN"
            }
            _ => "-//W3C//DTD HTML 4.0 Transitional//EN",
        };
        let data = NodeData::Doctype { name: "html".into(), public_id: public_id.into(), system_id: String::new() };
        let doctype = self.alloc(NO_ID, data, 0);
        self.insert(doc, doctype, NONE);
    }

    /// rrweb-snapshot's `buildNode` for an element.
    fn build_element(&mut self, tree: &NodeTree, i: usize, meta: u64) -> Built {
        let n = &tree.nodes[i];
        let NodeKind::Element { tag_name: recorded, attributes, is_svg, is_custom: _, need_block: _ } = &n.kind else {
            return Built::Failed;
        };
        let tag = tag_name(recorded, attributes);
        let mut el = Element::new(tag.clone(), *is_svg);
        let get = |name: &str| attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let rel = get("rel").and_then(|v| if let AttrValue::Str(s) = v { Some(s.as_str()) } else { None });
        let has_data_url = get("rr_dataURL").is_some_and(truthy);
        let mut css_text: Option<&str> = None;
        let mut textarea_value: Option<&str> = None;
        let mut special: Vec<(&str, &AttrValue)> = Vec::new();
        for (name, value) in attributes {
            if tag == "option" && name == "selected" && *value == AttrValue::Bool(false) {
                continue;
            }
            if *value == AttrValue::Null {
                continue;
            }
            if name.starts_with("rr_") {
                special.push((name, value));
                continue;
            }
            if let AttrValue::Str(s) = value {
                if tag == "style" && name == "_cssText" {
                    css_text = Some(s);
                    continue;
                }
                if tag == "textarea" && name == "value" {
                    textarea_value = Some(s);
                    continue;
                }
            }
            let text = match value {
                AttrValue::Bool(true) => String::new(),
                v => match js_string(v) {
                    Some(t) => t,
                    None => continue,
                },
            };
            if !valid_attr_name(name) {
                self.warnings.refused += 1;
                continue;
            }
            if name == "onload" || name == "onclick" || name.starts_with("onmouse") {
                el.set_attr(&format!("_{name}"), text);
            } else if tag == "meta"
                && get("http-equiv") == Some(&AttrValue::Str("Content-Security-Policy".into()))
                && name == "content"
            {
                el.set_attr("csp-content", text);
            } else if tag == "link"
                && ((rel == Some("preload") && get("as") == Some(&AttrValue::Str("script".into())))
                    || rel == Some("modulepreload"))
            {
                // preloaded scripts are not rebuilt
            } else if tag == "link"
                && rel == Some("prefetch")
                && matches!(get("href"), Some(AttrValue::Str(h)) if file_extension(h) == Some("js"))
            {
                // prefetched scripts are not rebuilt
            } else if tag == "img" && name == "srcset" && has_data_url {
                el.set_attr("rrweb-original-srcset", text);
            } else {
                el.set_attr(name, text);
            }
        }
        el.media = super::media::from_attributes(&el.tag, el.svg, &special, self.now).map(Box::new);
        for (name, value) in special {
            let text = match value {
                AttrValue::Bool(true) => String::new(),
                v => js_string(v).unwrap_or_default(),
            };
            if tag == "img" && name == "rr_dataURL" && !el.attr("src").is_some_and(|s| s.starts_with("data:")) {
                let original = match get("src") {
                    Some(v) => js_string(v).unwrap_or_else(|| "null".into()),
                    None => "undefined".into(),
                };
                el.set_attr("rrweb-original-src", original);
                el.set_attr("src", text.clone());
            }
            if tag == "canvas" && !el.svg && name == "rr_dataURL" {
                // rrweb-snapshot's buildNode draws this picture once it has loaded
                self.extras.gen += 1;
                el.canvas = Some(Box::new(super::canvas::from_data_url(self.extras.gen, &text)));
            }
            match name {
                "rr_width" => {
                    el.blocked = true;
                    let style = set_style_property(el.attr("style").unwrap_or(""), "width", &text, None);
                    el.set_attr("style", style);
                }
                "rr_height" => {
                    el.blocked = true;
                    let style = set_style_property(el.attr("style").unwrap_or(""), "height", &text, None);
                    el.set_attr("style", style);
                }
                "rr_open_mode" => el.set_attr("rr_open_mode", text),
                _ => {} // scroll offsets: after the build; media state and iframe src: not rebuilt
            }
        }
        // The serialized text children (tree indices), which a `_cssText` is written into.
        let mut text_children = Vec::new();
        for (k, c) in tree.nodes.iter().enumerate().skip(i + 1) {
            match c.parent {
                Some(p) if p == i => {
                    if matches!(c.kind, NodeKind::Text { .. }) {
                        text_children.push(k);
                    }
                }
                Some(p) if p > i => {}
                _ => break,
            }
        }
        if tag == "style" || tag == "link" {
            el.meta_css = Some(Box::new(CssMeta {
                tag: recorded.clone(),
                attributes: attributes.clone(),
                text_children: text_children.len(),
            }));
        }
        let shadow = n.is_shadow_host;
        let slot = self.alloc(n.id, NodeData::Element(Box::new(el)), meta);
        self.mirror.insert(n.id, slot);
        if shadow {
            let root = self.alloc(NO_ID, NodeData::ShadowRoot, 0);
            self.nodes[root as usize].parent = slot;
            if let NodeData::Element(e) = &mut self.nodes[slot as usize].data {
                e.shadow_root = root;
            }
        }
        if let Some(css) = css_text {
            if text_children.is_empty() {
                let css = self.adapt_css(css);
                let t = self.alloc(NO_ID, NodeData::Text(css), 0);
                self.insert(slot, t, NONE);
            } else {
                // rrweb's `applyCssSplits`: the CSS, split at `/* rr_split */` (the last
                // pieces merged down to the number of text children), rewritten for hover as
                // a whole and cut again where each split starts, replaces their text.
                let mut splits: Vec<String> = css.split("/* rr_split */").map(str::to_string).collect();
                while splits.len() > 1 && splits.len() > text_children.len() {
                    let last = splits.pop().unwrap_or_default();
                    if let Some(prev) = splits.last_mut() {
                        prev.push_str(&last);
                    }
                }
                let adapted = self.adapt_css(&splits.concat());
                let texts = super::hover_css::split_adapted(&splits, &adapted);
                self.scratch.css = text_children.into_iter().zip(texts).collect();
            }
        }
        if let Some(v) = textarea_value {
            let t = self.alloc(NO_ID, NodeData::Text(v.to_string()), 0);
            self.insert(slot, t, NONE);
            self.scratch.skip_children = true;
        }
        Built::New(slot)
    }

    /// Sets the scroll offset recorded as `rr_scrollLeft`/`rr_scrollTop` (rrweb's
    /// `handleScroll`, run over a rebuilt snapshot).
    fn apply_scroll_attrs(&mut self, slot: u32, n: &SerializedNode) {
        let NodeKind::Element { attributes, .. } = &n.kind else { return };
        let num = |name: &str| {
            attributes.iter().find(|(k, _)| k == name).and_then(|(_, v)| match v {
                AttrValue::Num(x) => Some(*x),
                AttrValue::Str(s) => s.parse().ok(),
                _ => None,
            })
        };
        let (left, top) = (num("rr_scrollLeft"), num("rr_scrollTop"));
        if left.is_some() || top.is_some() {
            let node = &mut self.nodes[slot as usize];
            let (l0, t0) = node.scroll.unwrap_or((0.0, 0.0));
            node.scroll = Some((left.unwrap_or(l0), top.unwrap_or(t0)));
        }
    }

    /// Attaches the iframe document queued for `iframe`'s id, if any (rrweb's
    /// `newDocumentQueue`).
    pub(super) fn attach_queued_document(&mut self, iframe: u32) {
        let id = self.nodes[iframe as usize].id;
        if let Some(k) = self.new_documents.iter().position(|(p, _)| *p == id) {
            let (_, tree) = self.new_documents.remove(k);
            self.attach_document(iframe, &tree);
        }
    }

    /// rrweb's `attachDocumentToIframe`: the iframe's document is re-opened (its old content
    /// leaves, still mapped) and the added document is built into it, whole.
    pub(super) fn attach_document(&mut self, iframe: u32, tree: &NodeTree) {
        if !matches!(tree.nodes.first().map(|n| &n.kind), Some(NodeKind::Document { .. })) {
            // rrweb builds it into the iframe's document but never attaches it
            self.warnings.refused += 1;
            return;
        }
        let old: Vec<u32> = self
            .children(iframe)
            .filter(|&c| matches!(self.nodes[c as usize].data, NodeData::Document { .. }))
            .collect();
        for d in old {
            self.detach(d);
            self.release_if_unmapped(d);
        }
        self.build_tree(tree, 0, iframe, false);
    }
}
