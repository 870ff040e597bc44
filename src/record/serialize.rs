//! rrweb serialized nodes, written straight to JSON text with an explicit stack (no recursion),
//! with the privacy rules applied.
//!
//! Node shapes (rrweb-snapshot 2.x, `id` on every node): Document 0 `{compatMode, childNodes}`,
//! DocumentType 1 `{name, publicId, systemId}`, Element 2 `{tagName, attributes, childNodes,
//! isSVG?, needBlock?}`, Text 3 `{textContent}`, CDATA 4 `{textContent: ""}`, Comment 5. Keys
//! in rrweb's order (see [`Tail`]).

use super::json::{push_num, push_str};
use super::mirror::Mirror;
use super::sheets::{self, sheet_text, Sheets};
use crate::privacy::{ElementView, PrivacyOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// `privacy::ElementView` over a live DOM element, built for speed: the tag name and `class`
/// are read once, simple class selectors (`.rr-mask`) are answered in Rust, and `closest`
/// answers are cached per element and inherited from the parent's view during a traversal, so
/// the privacy policy of a subtree costs one `matches` per element and selector at most.
pub struct ElView {
    el: Element,
    tag: String,
    /// `tagName` had no lower-case letter: an HTML element of an HTML document (whose
    /// `tagName` is upper-cased), so not SVG without asking for its namespace.
    upper: bool,
    class: Option<String>,
    /// Every attribute, read once (name, value) in document order.
    attrs: Vec<(String, String)>,
    parent: Option<Rc<ElView>>,
    cache: RefCell<Vec<(String, bool)>>,
}

impl ElView {
    pub fn new(el: &Element) -> Self {
        Self::with_parent(el, None)
    }

    /// `parent` must be the view of `el`'s parent element.
    pub fn with_parent(el: &Element, parent: Option<Rc<ElView>>) -> Self {
        let map = el.attributes();
        let mut attrs = Vec::with_capacity(map.length() as usize);
        let mut class = None;
        for i in 0..map.length() {
            if let Some(attr) = map.item(i) {
                let (name, value) = (attr.name(), attr.value());
                if name == "class" {
                    class = Some(value.clone());
                }
                attrs.push((name, value));
            }
        }
        let tag = el.tag_name();
        let mut upper = true;
        for b in tag.bytes() {
            upper &= !b.is_ascii_lowercase();
        }
        ElView {
            el: el.clone(),
            upper,
            tag: tag.to_ascii_lowercase(),
            class,
            attrs,
            parent,
            cache: RefCell::new(Vec::new()),
        }
    }

    fn cached(&self, selector: &str) -> Option<bool> {
        self.cache.borrow().iter().find(|(s, _)| s == selector).map(|&(_, v)| v)
    }

    fn store(&self, selector: &str, value: bool) {
        self.cache.borrow_mut().push((selector.to_string(), value));
    }

    fn own_matches(&self, selector: &str) -> bool {
        match simple_class(selector) {
            Some(class) => self.has_class(class),
            None => self.el.matches(selector).unwrap_or(false),
        }
    }
}

/// `foo` for a selector that is exactly one class (`.foo`).
fn simple_class(selector: &str) -> Option<&str> {
    let class = selector.strip_prefix('.')?;
    (!class.is_empty() && class.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')).then_some(class)
}

impl ElementView for ElView {
    fn tag_name(&self) -> String {
        self.tag.clone()
    }
    fn attribute(&self, name: &str) -> Option<String> {
        self.attrs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
    fn has_class(&self, class: &str) -> bool {
        self.class.as_deref().is_some_and(|c| c.split_ascii_whitespace().any(|x| x == class))
    }
    fn closest(&self, selector: &str) -> bool {
        // Walk up the views (iteratively) to a cached answer or a match; past the topmost view,
        // ask the DOM.
        let mut chain: Vec<&ElView> = Vec::new();
        let mut cur = Some(self);
        let mut result = None;
        while let Some(v) = cur {
            if let Some(c) = v.cached(selector) {
                result = Some(c);
                break;
            }
            if v.own_matches(selector) {
                v.store(selector, true);
                result = Some(true);
                break;
            }
            chain.push(v);
            cur = v.parent.as_deref();
        }
        let result = result.unwrap_or_else(|| {
            let top = chain.last().expect("at least self");
            super::shadow::composed_parent_element(top.el.as_ref())
                .is_some_and(|p| super::shadow::composed_closest(&p, selector))
        });
        for v in chain {
            v.store(selector, result);
        }
        result
    }
}

/// What serializing needs besides the node: the privacy rules, the page's URLs, and which
/// sheets were changed through the CSSOM.
pub struct Ctx<'a> {
    pub privacy: &'a PrivacyOptions,
    pub sheets: &'a Sheets,
    /// The page URL (`document.baseURI`), for `attribute_value`: same-origin URLs lose their
    /// query, relative ones resolve against it.
    pub origin: String,
    /// `document.baseURI` when it parses, to absolutize relative `src`/`href` as rrweb does.
    pub base: Option<String>,
    /// `base` is an http(s) URL without credentials (see `relative_url`).
    plain_base: bool,
    /// Open shadow roots of the hosts serialized meanwhile, for the caller to watch
    /// (`State::watch_roots`).
    pub roots: RefCell<Vec<web_sys::ShadowRoot>>,
    /// `<iframe>`s serialized meanwhile (not blocked), whose documents the caller attaches
    /// (`State::attach_frames`).
    pub frames: RefCell<Vec<Element>>,
}

impl Ctx<'_> {
    pub fn for_document<'a>(privacy: &'a PrivacyOptions, sheets: &'a Sheets, doc: &web_sys::Document) -> Ctx<'a> {
        let origin = doc.base_uri().ok().flatten().unwrap_or_default();
        let resolved = crate::privacy::url::resolve(&origin, None);
        let plain_base = resolved.as_ref().is_some_and(|r| r.http && r.href.starts_with(&r.origin));
        let base = resolved.map(|_| origin.clone());
        Ctx {
            privacy,
            sheets,
            origin,
            base,
            plain_base,
            roots: RefCell::new(Vec::new()),
            frames: RefCell::new(Vec::new()),
        }
    }

    /// A path-absolute URL attribute value (`/item/1?ref=x`) on a page whose base is a plain
    /// http(s) URL, when `strip_url_query`: what [`Ctx::absolutize`] then the privacy rules'
    /// `attribute_value` (`url::strip_query`) return for it — the absolute URL without query
    /// and fragment, its PII path segments redacted (it has the page's origin, and the base
    /// has no credentials) — from one
    /// `URL` parse instead of three. `None` for anything else (`//host`, backslashes or control
    /// characters, which the parser may turn into a host; a trailing `?` or `#`, which
    /// `strip_query` keeps), which takes the general path. On a page of 2,000 links this took
    /// the FullSnapshot's CPU time from 104 to 68 ms (BENCHMARKS.md).
    fn relative_url(&self, value: &str) -> Option<String> {
        let v = value.trim();
        let b = v.as_bytes();
        if !(self.plain_base && self.privacy.strip_url_query && b.first() == Some(&b'/'))
            || matches!(b.get(1), Some(b'/'))
            || matches!(b.last(), Some(b'?' | b'#'))
            || b.iter().any(|&c| c < 0x20 || c == b'\\')
        {
            return None;
        }
        let href = crate::privacy::url::absolutize(v, self.base.as_deref()?)?;
        // `strip_query` also redacts the path's PII segments (`/user/a@b.c/` → a marker): the
        // same textual pass here, or this path would record what the general one hides.
        Some(crate::privacy::url::redact_path(crate::privacy::url::strip_textually(&href)))
    }

    fn absolutize(&self, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("data:") {
            return value.to_string();
        }
        match &self.base {
            Some(base) => crate::privacy::url::absolutize(trimmed, base).unwrap_or_else(|| value.to_string()),
            None => value.to_string(),
        }
    }
}

/// An attribute value: a string, `true` (`checked`, `selected`) or a number
/// (`rr_mediaCurrentTime`, in seconds, as rrweb writes it).
enum Val {
    S(String),
    True,
    Num(f64),
}

/// A node's keys after its `childNodes` (after its text for the other nodes), in the order
/// rrweb-snapshot writes them (`serializeNode`'s `isSVG`, `needBlock`, `rootId`; then
/// `serializeNodeWithId`'s `id`, then `isShadowHost` and `isShadow`), kept as flags so that an
/// open element holds no text while its children are written. The order matters for bytes:
/// with `id` before `childNodes` every node broke the run of keys that repeats from node to
/// node (`"attributes":{},"childNodes":[{"type":2,"tagName":"td",…`), which cost 8 % at gzip-6
/// on a 2,000-row table (BENCHMARKS.md, "Recorder vs rrweb.record").
#[derive(Clone, Copy)]
pub struct Tail {
    /// The node's id (assigned by `open_node`).
    pub id: i32,
    svg: bool,
    block: bool,
    host: bool,
    /// A shadow root's child (`isShadow`).
    pub shadow: bool,
    /// Inside an iframe's document (see `frames`): the document's id; 0 outside (ids start at 1).
    pub root_id: i32,
}

impl Tail {
    fn new(id: i32) -> Self {
        Tail { id, svg: false, block: false, host: false, shadow: false, root_id: 0 }
    }

    /// Appends the keys (each with its leading comma).
    pub fn push(&self, out: &mut String) {
        if self.svg {
            out.push_str(",\"isSVG\":true");
        }
        if self.block {
            out.push_str(",\"needBlock\":true");
        }
        if self.root_id != 0 {
            push_int(out, ",\"rootId\":", self.root_id);
        }
        push_int(out, ",\"id\":", self.id);
        if self.host {
            out.push_str(",\"isShadowHost\":true");
        }
        if self.shadow {
            out.push_str(",\"isShadow\":true");
        }
    }
}

/// One node's JSON up to (not including) `childNodes`, and whether it has children to record.
pub struct Open {
    /// JSON text of the node up to its `childNodes` (an element or the document) or up to its
    /// [`Tail`] (the other nodes), without the closing brace.
    pub head: String,
    /// What follows the children.
    pub tail: Tail,
    /// Element or Document: the node takes a `childNodes` array.
    pub container: bool,
    /// Its children are recorded (false for blocked elements, `<script>`, `<textarea>`).
    pub recurse: bool,
    /// The element's open shadow root, whose children are recorded after the light-DOM ones
    /// (only when `recurse`).
    pub shadow: Option<web_sys::ShadowRoot>,
}

impl Open {
    /// The node alone, `childNodes: []` — one entry of a Mutation's `adds`.
    pub fn shallow(self) -> String {
        let mut s = self.head;
        if self.container {
            s.push_str(",\"childNodes\":[]");
        }
        self.tail.push(&mut s);
        s.push('}');
        s
    }
}

/// Serializes `node` itself (assigning its id), or `None` for node types rrweb does not record.
/// `parent` is the view of the node's parent element when the caller has it; an element's own
/// view is returned for its children. `too_deep`: an element whose children would be nested
/// deeper than [`crate::MAX_NODE_DEPTH`] is recorded as a blocked placeholder, as the decoder
/// refuses deeper trees.
pub fn open_node(
    node: &Node,
    parent: Option<&Rc<ElView>>,
    mirror: &mut Mirror,
    ctx: &Ctx,
    too_deep: bool,
) -> Option<(Open, Option<Rc<ElView>>)> {
    let mut head = String::with_capacity(64);
    let kind = node.node_type();
    match kind {
        Node::ELEMENT_NODE => {
            let el: &Element = node.unchecked_ref();
            let view = Rc::new(ElView::with_parent(el, parent.cloned()));
            let open = open_element(el, &view, node, mirror, ctx, too_deep)?;
            return Some((open, Some(view)));
        }
        Node::DOCUMENT_NODE => {
            head.push_str("{\"type\":0,\"compatMode\":");
            push_str(&mut head, &node.unchecked_ref::<web_sys::Document>().compat_mode());
        }
        Node::DOCUMENT_TYPE_NODE => {
            let dt: &web_sys::DocumentType = node.unchecked_ref();
            head.push_str("{\"type\":1,\"name\":");
            push_str(&mut head, &dt.name());
            head.push_str(",\"publicId\":");
            push_str(&mut head, &dt.public_id());
            head.push_str(",\"systemId\":");
            push_str(&mut head, &dt.system_id());
        }
        Node::TEXT_NODE | Node::COMMENT_NODE => {
            let text = text_of(node, parent.map(|p| &**p), ctx);
            head.push_str(if kind == Node::TEXT_NODE { "{\"type\":3" } else { "{\"type\":5" });
            head.push_str(",\"textContent\":");
            push_str(&mut head, &text);
        }
        Node::CDATA_SECTION_NODE => head.push_str("{\"type\":4,\"textContent\":\"\""),
        _ => return None,
    }
    let tail = Tail::new(mirror.id_or_assign(node));
    // only the document among these has children
    let container = kind == Node::DOCUMENT_NODE;
    Some((Open { head, tail, container, recurse: container, shadow: None }, None))
}

/// `key` (JSON text such as `,"rootId":`) then `n`.
pub fn push_int(out: &mut String, key: &str, n: i32) {
    out.push_str(key);
    out.push_str(&n.to_string());
}

/// A text or comment node's recorded text: `<style>` text as is (it is CSS), other text
/// through the privacy rules of its parent element.
pub fn text_of(node: &Node, parent: Option<&ElView>, ctx: &Ctx) -> String {
    let raw = node.text_content().unwrap_or_default();
    if let Some(view) = parent {
        return ctx.privacy.text_value(view, &raw);
    }
    match super::shadow::composed_parent_element(node) {
        Some(p) => ctx.privacy.text_value(&ElView::new(&p), &raw),
        None => ctx.privacy.mask(&raw),
    }
}

fn open_element(
    el: &Element,
    view: &ElView,
    node: &Node,
    mirror: &mut Mirror,
    ctx: &Ctx,
    too_deep: bool,
) -> Option<Open> {
    let tag = view.tag.clone();
    let block = too_deep || ctx.privacy.element_policy(view).block;
    // (`createElementNS(svg, "G")` reads as HTML here: upper-case SVG names are not SVG's.)
    let is_svg = tag == "svg" || (!view.upper && el.namespace_uri().as_deref() == Some(SVG_NS));
    let mut attrs: Vec<(String, Val)> = Vec::new();
    let recurse = if block {
        if let Some(class) = view.class.clone() {
            attrs.push(("class".into(), Val::S(class)));
        }
        let rect = el.get_bounding_client_rect();
        attrs.push(("rr_width".into(), Val::S(px(rect.width()))));
        attrs.push(("rr_height".into(), Val::S(px(rect.height()))));
        false
    } else {
        element_attributes(el, &tag, view, ctx, &mut attrs);
        tag != "script" && tag != "textarea"
    };
    let id = mirror.id_or_assign(node);
    if too_deep {
        // Descendants known from earlier adds are not in the replay any more.
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            mirror.remove_subtree(&c);
        }
    }
    mirror.set_opaque(id, !recurse, block);
    let mut head = String::with_capacity(64 + attrs.len() * 24);
    head.push_str("{\"type\":2,\"tagName\":");
    push_str(&mut head, &tag);
    head.push_str(",\"attributes\":{");
    for (i, (name, val)) in attrs.iter().enumerate() {
        if i > 0 {
            head.push(',');
        }
        push_str(&mut head, name);
        head.push(':');
        match val {
            Val::S(s) => push_str(&mut head, s),
            Val::True => head.push_str("true"),
            Val::Num(n) => push_num(&mut head, *n),
        }
    }
    head.push('}');
    // Closed roots read as null here: they are not recorded (see `shadow`).
    let shadow = if recurse { el.shadow_root() } else { None };
    if let Some(root) = &shadow {
        ctx.roots.borrow_mut().push(root.clone());
    }
    if recurse && tag == "iframe" {
        ctx.frames.borrow_mut().push(el.clone());
    }
    let tail = Tail { svg: is_svg, block, host: shadow.is_some(), ..Tail::new(id) };
    Some(Open { head, tail, container: true, recurse, shadow })
}

fn px(n: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, n);
    s.push_str("px");
    s
}

/// Whether attribute `name` of `tag` holds a URL rrweb absolutizes.
fn is_url_attribute(tag: &str, name: &str, value: &str) -> bool {
    match name {
        "src" | "background" | "poster" | "action" => true,
        "href" => !(tag == "use" && value.starts_with('#')),
        _ => false,
    }
}

/// The transformed value of one attribute, or `None` when it is not recorded.
pub fn attribute(el: &Element, tag: &str, view: &ElView, ctx: &Ctx, name: &str, value: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("on") || (tag == "script" && lower == "src") {
        return None;
    }
    let _ = el;
    let url = is_url_attribute(tag, &lower, value);
    if let Some(v) = url.then(|| ctx.relative_url(value)).flatten() {
        return Some(v);
    }
    let value = if url { ctx.absolutize(value) } else { value.to_string() };
    ctx.privacy.attribute_value(view, name, &value, &ctx.origin)
}

fn element_attributes(el: &Element, tag: &str, view: &ElView, ctx: &Ctx, out: &mut Vec<(String, Val)>) {
    let is_form_field = matches!(tag, "input" | "textarea" | "select");
    for (name, value) in &view.attrs {
        let name = name.clone();
        if is_form_field && (name == "value" || name == "checked") {
            continue; // the live value and checkedness are written below, masked
        }
        if tag == "option" && name == "selected" {
            continue;
        }
        if tag == "iframe" && name == "src" {
            // As rrweb: never `src` (the replay must not load it). A frame whose document
            // cannot be read (cross-origin) keeps its address as `rr_src`; a same-origin one's
            // document is recorded (see `frames`).
            if super::frames::content_document(el).is_none() {
                if let Some(v) = attribute(el, tag, view, ctx, "src", value) {
                    out.push(("rr_src".into(), Val::S(v)));
                }
            }
            continue;
        }
        if let Some(v) = attribute(el, tag, view, ctx, &name, value) {
            out.push((name, Val::S(v)));
        }
    }
    match tag {
        "input" => {
            let input: &web_sys::HtmlInputElement = el.unchecked_ref();
            let kind = input.type_().to_ascii_lowercase();
            let value = input.value();
            if !matches!(kind.as_str(), "radio" | "checkbox" | "submit" | "button") && !value.is_empty() {
                out.push(("value".into(), Val::S(ctx.privacy.input_value(view, &value))));
            } else if matches!(kind.as_str(), "radio" | "checkbox" | "submit" | "button") {
                if let Some(v) = view.attribute("value") {
                    if let Some(v) = attribute(el, tag, view, ctx, "value", &v) {
                        out.push(("value".into(), Val::S(v)));
                    }
                }
                if input.checked() {
                    out.push(("checked".into(), Val::True));
                }
            }
        }
        "textarea" | "select" => {
            let value = if tag == "select" {
                el.unchecked_ref::<web_sys::HtmlSelectElement>().value()
            } else {
                el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value()
            };
            if !value.is_empty() {
                out.push(("value".into(), Val::S(ctx.privacy.input_value(view, &value))));
            }
        }
        "option" if el.unchecked_ref::<web_sys::HtmlOptionElement>().selected() => {
            out.push(("selected".into(), Val::True));
        }
        "link" => {
            let rel = view.attribute("rel").unwrap_or_default().to_ascii_lowercase();
            if rel.split_ascii_whitespace().any(|r| r == "stylesheet") {
                if let Some(css) = el.unchecked_ref::<web_sys::HtmlLinkElement>().sheet().and_then(|s| sheet_text(&s)) {
                    // As rrweb: the inlined sheet replaces the link's address.
                    out.retain(|(n, _)| n != "rel" && n != "href");
                    out.push(("_cssText".into(), Val::S(ctx.privacy.css_text(&css))));
                }
            }
        }
        "style" => {
            if let Some(css) = changed_style_css(el, ctx) {
                out.push(("_cssText".into(), Val::S(css)));
            }
        }
        // As rrweb 2.x: an open dialog says whether it was opened with `showModal()` (the
        // top layer, the page behind inert), so replayers can open it the same way.
        "dialog" if view.attribute("open").is_some() => {
            out.push(("rr_open_mode".into(), Val::S(dialog_mode(el).into())));
        }
        "video" | "audio" => {
            let media: &web_sys::HtmlMediaElement = el.unchecked_ref();
            out.push(("rr_mediaState".into(), Val::S(if media.paused() { "paused" } else { "played" }.into())));
            out.push(("rr_mediaCurrentTime".into(), Val::Num(media.current_time())));
        }
        _ => {}
    }
}

/// `_cssText` for a `<style>` whose sheet is not what its text says: rules inserted (or deleted,
/// or edited) through the CSSOM are in the sheet only, so rrweb inlines the sheet. That is a
/// style with no text (CSS-in-JS in production: emotion, styled-components), one whose sheet
/// the CSSOM hooks saw change while recording, or one whose sheet has more top-level rules
/// than its text (rules inserted before the recording started). Rules deleted or edited in
/// place before the start, in a style that has text, are not detected.
fn changed_style_css(el: &Element, ctx: &Ctx) -> Option<String> {
    let sheet: JsValue = el.unchecked_ref::<web_sys::HtmlStyleElement>().sheet()?.into();
    let text = el.text_content().unwrap_or_default();
    let count = || sheets::get(&sheets::get(&sheet, "cssRules"), "length").as_f64().unwrap_or(0.0) as usize;
    let empty = text.trim().is_empty();
    if !(empty || ctx.sheets.is_modified(&sheet) || count() > sheets::top_level_rules(&text)) {
        return None;
    }
    let css = sheet_text(&sheet)?;
    if empty && css.is_empty() {
        return None;
    }
    let mut texts = 0;
    let mut child = el.first_child();
    while let Some(c) = child {
        texts += usize::from(c.node_type() == Node::TEXT_NODE);
        child = c.next_sibling();
    }
    Some(sheets::style_css_text(ctx.privacy.css_text(&css), texts))
}

/// `"modal"` for a dialog opened with `showModal()` (it matches `:modal`), else `"non-modal"`
/// (rrweb 2.x's `rr_open_mode` values).
pub fn dialog_mode(el: &Element) -> &'static str {
    if el.matches(":modal").unwrap_or(false) {
        "modal"
    } else {
        "non-modal"
    }
}
