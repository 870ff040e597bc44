//! Element descriptions: what a person would call the element a user acted on.
//!
//! `tag` plus the element's accessible name as far as the recording shows it, in the order the
//! accessible-name computation (W3C accname 1.2) consults sources: `aria-label`,
//! `aria-labelledby` (by id), `<label for=id>`, a wrapping `<label>`, `title`, `alt`, own text,
//! `placeholder`. So `<input id=cc>` labelled "Credit card number" reads
//! `input "Credit card number" type=text`, not `input #cc`. Links add `to /path`; inputs add
//! `type=…`; `#id` stands in when nothing else names the element; otherwise up to three
//! ancestors give context (`span in button "Sign in"`). The seed analyzer (Mixpanel's) stopped
//! at aria-label/title/alt/text/placeholder.

use super::dom::{DomTracker, NodeData};

/// Longest name shown, in characters; longer names end in `…`.
pub const MAX_NAME_CHARS: usize = 60;
/// Ancestors consulted for context when an element has no name of its own.
pub const MAX_CONTEXT_ANCESTORS: usize = 3;
/// Ancestors searched for a wrapping `<label>`.
const MAX_LABEL_ANCESTORS: usize = 8;

/// A described target: the text, and the `data-*` attributes of the element or its nearest
/// ancestors (nearest wins), kept as selectors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    pub desc: String,
    pub selectors: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum NameSource {
    Label,
    Alt,
    Placeholder,
}

/// Describes node `id`. Unknown nodes read `element`; text nodes are described by their element;
/// the document reads `page`.
pub fn describe(dom: &DomTracker, id: i64) -> Target {
    let Some(element) = element_of(dom, id) else {
        return Target { desc: "element".into(), selectors: Vec::new() };
    };
    if matches!(dom.get(element).map(|n| &n.data), Some(NodeData::Document)) {
        return Target { desc: "page".into(), selectors: Vec::new() };
    }
    // A click on the icon or text inside a button or link means the button or link: describe
    // the control, with the element hit as context (`span in button "Sign in"`).
    let control = if is_interactive(dom, element) {
        None
    } else {
        ancestors(dom, element).take(MAX_CONTEXT_ANCESTORS).find(|a| is_interactive(dom, *a))
    };
    if let Some(control) = control {
        let bare = bare_description(dom, element);
        let outer = own_description(dom, control).unwrap_or_else(|| bare_description(dom, control));
        return Target { desc: format!("{bare} in {outer}"), selectors: selectors(dom, element) };
    }
    let desc = match own_description(dom, element) {
        Some(desc) => desc,
        None => {
            let bare = bare_description(dom, element);
            // `body` and `html` would be "named" by the whole page's text: no context at all.
            let context = ancestors(dom, element)
                .take(MAX_CONTEXT_ANCESTORS)
                .take_while(|a| !matches!(dom.tag(*a), Some("body" | "html")))
                .find_map(|a| own_description(dom, a));
            match context {
                Some(context) => format!("{bare} in {context}"),
                None => bare,
            }
        }
    };
    Target { desc, selectors: selectors(dom, element) }
}

/// The element itself, or the parent element of a text node.
fn element_of(dom: &DomTracker, id: i64) -> Option<i64> {
    let node = dom.get(id)?;
    match node.data {
        NodeData::Text(_) | NodeData::Other => node.parent.filter(|p| dom.get(*p).is_some()),
        _ => Some(id),
    }
}

fn ancestors(dom: &DomTracker, id: i64) -> impl Iterator<Item = i64> + '_ {
    std::iter::successors(dom.get(id).and_then(|n| n.parent), move |p| dom.get(*p).and_then(|n| n.parent))
        .filter(move |p| dom.tag(*p).is_some())
}

/// `tag "name"`, `tag alt="…"`, `a … to /path`, `input … type=x`, or `tag #id`; `None` when
/// none of these says anything beyond the tag.
fn own_description(dom: &DomTracker, id: i64) -> Option<String> {
    let tag = dom.tag(id)?;
    let name = accessible_name(dom, id);
    let link = if tag == "a" { dom.attr(id, "href").and_then(link_path) } else { None };
    if name.is_none() && link.is_none() {
        let html_id = dom.attr(id, "id").filter(|v| !v.trim().is_empty())?;
        let mut out = format!("{tag} #{html_id}");
        push_type(dom, id, &mut out);
        return Some(out);
    }
    let mut out = tag.to_string();
    if let Some((source, name)) = name {
        match source {
            NameSource::Label => out.push_str(&format!(" \"{name}\"")),
            NameSource::Alt => out.push_str(&format!(" alt=\"{name}\"")),
            NameSource::Placeholder => out.push_str(&format!(" placeholder=\"{name}\"")),
        }
    }
    if let Some(path) = link {
        out.push_str(" to ");
        out.push_str(&path);
    }
    push_type(dom, id, &mut out);
    Some(out)
}

/// The tag (and input type) alone.
fn bare_description(dom: &DomTracker, id: i64) -> String {
    let mut out = dom.tag(id).unwrap_or("element").to_string();
    push_type(dom, id, &mut out);
    out
}

fn push_type(dom: &DomTracker, id: i64, out: &mut String) {
    if dom.tag(id) == Some("input") {
        let input_type = dom.attr(id, "type").map(str::trim).filter(|t| !t.is_empty()).unwrap_or("text");
        out.push_str(" type=");
        out.push_str(&input_type.to_ascii_lowercase());
    }
}

/// Elements a user operates (HTML interactive content, and the ARIA widget roles that stand in
/// for it).
pub(crate) fn is_interactive(dom: &DomTracker, id: i64) -> bool {
    let tag_says =
        matches!(dom.tag(id), Some("a" | "button" | "input" | "select" | "textarea" | "label" | "summary" | "option"));
    tag_says
        || matches!(
            dom.attr(id, "role"),
            Some("button" | "link" | "menuitem" | "tab" | "checkbox" | "radio" | "switch" | "option")
        )
}

/// Elements whose children are fallback content, never shown as their text.
fn has_fallback_content(tag: &str) -> bool {
    matches!(tag, "video" | "audio" | "canvas" | "object" | "iframe" | "picture")
}

fn is_form_field(tag: &str) -> bool {
    matches!(tag, "input" | "select" | "textarea")
}

fn accessible_name(dom: &DomTracker, id: i64) -> Option<(NameSource, String)> {
    let tag = dom.tag(id)?;
    let label = |s: Option<String>| s.and_then(|s| clean(&s)).map(|s| (NameSource::Label, s));
    if let Some(found) = label(dom.attr(id, "aria-label").map(str::to_string)) {
        return Some(found);
    }
    if let Some(ids) = dom.attr(id, "aria-labelledby") {
        let text: Vec<String> =
            ids.split_whitespace().filter_map(|html_id| dom.by_html_id(html_id)).map(|n| dom.text_of(n, 200)).collect();
        if let Some(found) = label(Some(text.join(" "))) {
            return Some(found);
        }
    }
    if let Some(html_id) = dom.attr(id, "id").filter(|v| !v.is_empty()) {
        if let Some(found) = label(dom.label_for(html_id).map(|l| dom.text_of(l, 200))) {
            return Some(found);
        }
    }
    if let Some(wrapping) = ancestors(dom, id).take(MAX_LABEL_ANCESTORS).find(|a| dom.tag(*a) == Some("label")) {
        if let Some(found) = label(Some(dom.text_of(wrapping, 200))) {
            return Some(found);
        }
    }
    if let Some(found) = label(dom.attr(id, "title").map(str::to_string)) {
        return Some(found);
    }
    if let Some(alt) = dom.attr(id, "alt").and_then(clean) {
        return Some((NameSource::Alt, alt));
    }
    if tag == "input" {
        // Button-like inputs show their value as their text.
        let button_like = dom.named_by_value(id);
        if let Some(found) = label(dom.attr(id, "value").filter(|_| button_like).map(str::to_string)) {
            return Some(found);
        }
    } else if !is_form_field(tag) && !has_fallback_content(tag) {
        if let Some(found) = label(Some(dom.text_of(id, 200))) {
            return Some(found);
        }
        // An image-only link or button: the image's alt names it.
        if let Some(alt) = descendant_alt(dom, id) {
            return Some((NameSource::Label, alt));
        }
    }
    dom.attr(id, "placeholder").and_then(clean).map(|p| (NameSource::Placeholder, p))
}

/// The first `alt` among the element's descendants (a few levels; images in links/buttons).
fn descendant_alt(dom: &DomTracker, id: i64) -> Option<String> {
    let mut stack: Vec<(i64, usize)> = vec![(id, 0)];
    while let Some((current, depth)) = stack.pop() {
        if current != id {
            if let Some(alt) = dom.attr(current, "alt").and_then(clean) {
                return Some(alt);
            }
        }
        if depth < 3 {
            if let Some(node) = dom.get(current) {
                stack.extend(node.children.iter().rev().map(|c| (*c, depth + 1)));
            }
        }
    }
    None
}

/// Whitespace collapsed and trimmed, cut to [`MAX_NAME_CHARS`]; `None` when empty.
fn clean(text: &str) -> Option<String> {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        return None;
    }
    Some(truncate_chars(&out, MAX_NAME_CHARS))
}

/// Cuts `text` to `max` characters, ending in `…` when cut.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
    }
}

/// The path and fragment of an absolute `href` (`http://x/a/b?q#h` → `/a/b#h`); `None` for
/// relative, `javascript:` or fragment-only hrefs. The query is left out: it is noise for a
/// reader and often carries tokens.
pub(crate) fn link_path(href: &str) -> Option<String> {
    let url = url::Url::parse(href.trim()).ok()?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https" | "file") {
        return None;
    }
    Some(match url.fragment().filter(|f| !f.is_empty()) {
        Some(fragment) => format!("{}#{fragment}", url.path()),
        None => url.path().to_string(),
    })
}

fn selectors(dom: &DomTracker, id: i64) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for node in std::iter::once(id).chain(ancestors(dom, id).take(MAX_CONTEXT_ANCESTORS)) {
        if let Some(NodeData::Element { attributes, .. }) = dom.get(node).map(|n| &n.data) {
            for (k, v) in attributes {
                if k.starts_with("data-") && !out.iter().any(|(existing, _)| existing == &**k) {
                    out.push((k.to_string(), v.to_string()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeTree;

    /// Builds a page from compact HTML-like JSON: `[tag, {attrs}, children...]` or a text string.
    fn page(body: &str) -> DomTracker {
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        let mut next = 3;
        fn node(v: &serde_json::Value, next: &mut i64) -> serde_json::Value {
            *next += 1;
            let id = *next;
            match v {
                serde_json::Value::String(s) => serde_json::json!({"type":3,"id":id,"textContent":s}),
                serde_json::Value::Array(a) => {
                    let children: Vec<_> = a[2..].iter().map(|c| node(c, next)).collect();
                    serde_json::json!({"type":2,"id":id,"tagName":a[0],"attributes":a[1],"childNodes":children})
                }
                _ => unreachable!(),
            }
        }
        let children: Vec<_> = body.as_array().unwrap().iter().map(|c| node(c, &mut next)).collect();
        let doc = serde_json::json!({"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
            {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":children}]}]});
        let mut dom = DomTracker::new();
        dom.load_snapshot(serde_json::from_value::<NodeTree>(doc).unwrap());
        dom
    }

    fn desc(body: &str, id: i64) -> String {
        describe(&page(body), id).desc
    }

    #[test]
    fn label_for_names_an_input() {
        let body = r#"[["label",{"for":"cc"},"Credit card number"],["input",{"id":"cc","type":"text"}]]"#;
        assert_eq!(desc(body, 6), r#"input "Credit card number" type=text"#);
    }

    #[test]
    fn wrapping_label_and_default_type() {
        let body = r#"[["label",{}," Password ",["input",{"name":"pw"}]]]"#;
        assert_eq!(desc(body, 6), r#"input "Password" type=text"#);
    }

    #[test]
    fn aria_label_beats_text_and_labelledby_resolves_ids() {
        assert_eq!(desc(r#"[["button",{"aria-label":"Close dialog"},"×"]]"#, 4), r#"button "Close dialog""#);
        let body =
            r#"[["span",{"id":"a"},"Save"],["span",{"id":"b"},"changes"],["button",{"aria-labelledby":"a b"},"?"]]"#;
        assert_eq!(desc(body, 8), r#"button "Save changes""#);
    }

    #[test]
    fn ancestor_context_for_unnamed_children() {
        let body = r#"[["button",{"type":"submit"},["span",{},["i",{}]],"Sign in"]]"#;
        assert_eq!(desc(body, 6), r#"i in button "Sign in""#);
        assert_eq!(desc(body, 5), r#"span in button "Sign in""#);
        let body = r#"[["div",{"role":"button","title":"Menu"},["svg",{},["path",{}]]]]"#;
        assert_eq!(desc(body, 6), r#"path in div "Menu""#);
        // Without an interactive ancestor, the nearest named ancestor gives context.
        let body = r#"[["section",{"aria-label":"Pricing"},["div",{},["div",{}]]]]"#;
        assert_eq!(desc(body, 6), r#"div in section "Pricing""#);
        assert_eq!(desc(r#"[["video",{},"Your browser does not support video"]]"#, 4), "video");
        // A text node is described as its element.
        assert_eq!(desc(r#"[["p",{},"Hello   world"]]"#, 5), r#"p "Hello world""#);
    }

    #[test]
    fn links_alt_placeholder_and_ids() {
        let body = r#"[["a",{"href":"https://shop.test/app/settings?tab=2"},"Settings"]]"#;
        assert_eq!(desc(body, 4), r#"a "Settings" to /app/settings"#);
        let body = r#"[["a",{"href":"https://shop.test/app/settings?tab=2#notifications"},"Jump"]]"#;
        assert_eq!(desc(body, 4), r#"a "Jump" to /app/settings#notifications"#);
        let body = r#"[["a",{"href":"https://shop.test/"},["img",{"alt":"Company logo"}]]]"#;
        assert_eq!(desc(body, 5), r#"img in a "Company logo" to /"#);
        assert_eq!(desc(r#"[["img",{"alt":"Company logo"}]]"#, 4), r#"img alt="Company logo""#);
        assert_eq!(desc(body, 4), r#"a "Company logo" to /"#);
        assert_eq!(
            desc(r#"[["input",{"type":"search","placeholder":"Search"}]]"#, 4),
            r#"input placeholder="Search" type=search"#
        );
        assert_eq!(desc(r#"[["div",{"id":"main"}]]"#, 4), "div #main");
        assert_eq!(desc(r#"[["div",{}]]"#, 4), "div");
        assert_eq!(desc(r#"[["div",{}]]"#, 999), "element");
        assert_eq!(desc(r#"[]"#, 1), "page");
    }

    #[test]
    fn long_names_are_cut_and_selectors_kept() {
        let long = "word ".repeat(40);
        let d = desc(&format!(r#"[["p",{{}},"{long}"]]"#), 4);
        assert!(d.ends_with("…\"") && d.chars().count() < MAX_NAME_CHARS + 6, "{d}");
        let dom = page(r#"[["div",{"data-testid":"promo-banner","data-x":"1"},["span",{"data-x":"2"}]]]"#);
        let t = describe(&dom, 5);
        assert_eq!(t.selectors, vec![("data-x".into(), "2".into()), ("data-testid".into(), "promo-banner".into())]);
    }
}
