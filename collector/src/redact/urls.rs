//! URL stripping of one event (the module docs of [`super`], "URL stripping"): the page URL of
//! a Meta, URL attributes of snapshot nodes and Mutations, http(s) URLs in custom and plugin
//! payloads and CSS `url(…)`s in any string, and the quick test that decides whether an event
//! needs it at all.

use super::scan::Shape;
use super::{each_string, CUSTOM, META, PLUGIN, RULES, URL_LIST_ATTRIBUTES};
use rewind::privacy::options::URL_ATTRIBUTES;
use rewind::privacy::redact::MIN_B64_TOKEN;
use serde_json::Value;

/// True when `strip_event_urls` may change the event (`shape` is its [`Shape`]): it names a
/// URL attribute as a key, or holds an `<object>` (whose `data` is a URL), an http(s) URL or
/// a CSS `url(`; and it has a query or fragment mark, or a run of characters long enough to
/// be a token path segment. A quick superset: most events (pointer moves, scrolls, inputs,
/// snapshots of pages whose URLs have no query and no token in their paths) are not decoded
/// for URLs. The cheap tests come first: most events fail the first.
pub(super) fn may_hold_urls(raw: &str, shape: &Shape) -> bool {
    let named = shape.url_key
        || memchr::memmem::find(raw.as_bytes(), b"http").is_some()
        || memchr::memmem::find(raw.as_bytes(), b"\"object\"").is_some()
        || has_css_url(raw);
    if !named {
        return false;
    }
    let b = raw.as_bytes();
    // Stripping changes a URL only if it has a query or a fragment: a `?`, or a `#` glued to a
    // URL character (not CSS colours such as `"#333"` or `color: #333`); or if a path segment
    // is a token (emails, JWTs, cards… in a path are found by the text rules anyway).
    memchr::memchr(b'?', b).is_some()
        || memchr::memchr_iter(b'#', b)
            .any(|at| at > 0 && (b[at - 1].is_ascii_alphanumeric() || matches!(b[at - 1], b'/' | b'.' | b'_' | b'-')))
        || has_token_run(b)
}

/// True when `text` holds a CSS `url(` (any case, as CSS reads function names).
fn has_css_url(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'(', b).any(|at| at >= 3 && b[at - 3..at].eq_ignore_ascii_case(b"url"))
}

/// True when `b` has a run of [`MIN_B64_TOKEN`] or more bytes that may belong to a token path
/// segment ([`rewind::privacy::redact::path_segment_kind`]: base64 chars `A-Za-z0-9+_=`, and
/// `%` for escapes it decodes). A hex token ([`rewind::privacy::redact::MIN_HEX_TOKEN`] digits)
/// is longer than that, so it is found too. Linear, no allocation: this runs on every event.
fn has_token_run(b: &[u8]) -> bool {
    let mut run = 0;
    for &c in b {
        if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'_' | b'=' | b'%') {
            run += 1;
            if run >= MIN_B64_TOKEN {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Strips query strings and fragments from the URLs of one event (see the module doc); true
/// when one changed.
pub(super) fn strip_event_urls(event: &mut Value) -> bool {
    let mut changed = false;
    let kind = event.get("type").and_then(Value::as_i64);
    let Some(data) = event.get_mut("data") else { return false };
    match kind {
        Some(META) => {
            if let Some(Value::String(href)) = data.get_mut("href") {
                let new = scrub(href);
                replace(href, new, &mut changed);
            }
        }
        Some(CUSTOM | PLUGIN) => each_string(data, &mut |s| {
            if s.contains("http") {
                let new = rewind::privacy::url::strip_text_urls(s);
                replace(s, new, &mut changed);
            }
        }),
        _ => {}
    }
    // CSS wherever it is: `<style>` text nodes, `_cssText`, `style` attributes, the rules of
    // StyleSheetRule / StyleDeclaration / AdoptedStyleSheet events. Any string with `url(` is
    // read as CSS: in other text only a `url(…)` with a query changes.
    each_string(data, &mut |s| {
        if has_css_url(s) {
            let new = RULES.css_text(s);
            replace(s, new, &mut changed);
        }
    });
    // Node attributes (FullSnapshot, Mutation adds) and Mutation attribute changes are both
    // `"attributes": {name: value}` objects.
    let mut stack: Vec<&mut Value> = vec![data];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    match item {
                        Value::Object(attributes) if key == "attributes" => {
                            for (name, value) in attributes.iter_mut() {
                                if let Value::String(value) = value {
                                    if let Some(new) = strip_attribute(name, value) {
                                        replace(value, new, &mut changed);
                                    }
                                }
                            }
                        }
                        Value::Object(_) | Value::Array(_) => stack.push(item),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

/// `*s = new`, noting whether that changed it.
fn replace(s: &mut String, new: String, changed: &mut bool) {
    if *s != new {
        *s = new;
        *changed = true;
    }
}

/// One attribute's value with its URLs stripped; `None` for attributes that hold no URL.
fn strip_attribute(name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if URL_ATTRIBUTES.contains(&name.as_str()) {
        Some(scrub(value))
    } else if URL_LIST_ATTRIBUTES.contains(&name.as_str()) {
        Some(map_tokens(value, |token| {
            // A URL may be glued to the comma ending its srcset candidate.
            let url = token.trim_end_matches(',');
            let mut out = scrub(url);
            out.push_str(&token[url.len()..]);
            out
        }))
    } else {
        None
    }
}

/// The recorder's URL rule for the page URL: query and fragment removed from http(s) URLs of
/// any origin; relative URLs cut at the first `?` or `#` (no page to resolve them against).
fn scrub(url: &str) -> String {
    RULES.scrub_url(url, "")
}

/// `text` with `f` applied to each run of non-whitespace, whitespace kept.
pub(super) fn map_tokens(text: &str, mut f: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let space = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..space]);
        rest = &rest[space..];
        let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        if end > 0 {
            out.push_str(&f(&rest[..end]));
        }
        rest = &rest[end..];
    }
    out
}
