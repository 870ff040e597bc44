//! Activity labels and the URL normalizer.
//!
//! A label names what an action did in a few stable tokens, so sequences of them can be matched
//! ([`super::ReplayBundle::find_pattern`]) and counted ([`super::ReplayBundle::compare`]) across
//! replays: `click:button@/cart`, `input:input@/checkout`, `navigate@/products/:id`. Labels are
//! pure functions of an [`Action`] (its kind, `metadata.interaction`, `target_desc`,
//! `metadata.selectors` and `url`), so JavaScript callbacks see exactly what Rust sees.

use crate::analyze::{Action, ActionKind};
use serde_json::Value;

/// Placeholder for an identifier path segment in a normalized URL.
pub const ID_SEGMENT: &str = ":id";

/// Shortest run of hexadecimal characters (with at least one digit) read as an identifier
/// (`/commits/3f2a9c0d1e4b5a6f` → `/commits/:id`): long enough for Mongo ObjectIds (24), UUIDs
/// without dashes (32) and SHA hashes (40), short enough that no English word qualifies.
pub const LONG_HEX_MIN_CHARS: usize = 16;

/// `data-*` attributes preferred by [`selector_label`], most specific first: the test-id
/// conventions of Testing Library, Cypress and QA tooling.
pub const PREFERRED_SELECTORS: [&str; 5] = ["data-testid", "data-test-id", "data-test", "data-cy", "data-qa"];

/// The URL without query string, fragment or user info, with identifier path segments replaced
/// by [`ID_SEGMENT`]: all-digit segments, UUIDs (`8-4-4-4-12` hex), and hexadecimal runs of at
/// least [`LONG_HEX_MIN_CHARS`] characters containing a digit. Scheme and host are lower-cased
/// (as the `url` crate parses them); a default port is dropped.
///
/// `https://Shop.test/orders/1042/items/9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6f?ref=mail#top` →
/// `https://shop.test/orders/:id/items/:id`. Input that is not an absolute URL (a path, or text)
/// is cut at the first `?` or `#` and its `/`-separated segments normalized the same way.
pub fn normalize_url(url: &str) -> String {
    let trimmed = url.trim();
    if let Ok(parsed) = url::Url::parse(trimmed) {
        if !parsed.cannot_be_a_base() {
            let mut out = format!("{}://", parsed.scheme());
            if let Some(host) = parsed.host_str() {
                out.push_str(host);
            }
            if let Some(port) = parsed.port() {
                out.push(':');
                out.push_str(&port.to_string());
            }
            out.push_str(&normalize_segments(parsed.path()));
            return out;
        }
    }
    normalize_segments(before_query(trimmed))
}

/// The normalized path alone (`https://shop.test/orders/1042?x=1` → `/orders/:id`): what labels
/// use. For input that is not an absolute URL, as [`normalize_url`].
pub fn normalize_path(url: &str) -> String {
    let trimmed = url.trim();
    match url::Url::parse(trimmed) {
        Ok(parsed) if !parsed.cannot_be_a_base() => normalize_segments(parsed.path()),
        _ => normalize_segments(before_query(trimmed)),
    }
}

fn before_query(text: &str) -> &str {
    &text[..text.find(['?', '#']).unwrap_or(text.len())]
}

fn normalize_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').map(|s| if is_identifier(s) { ID_SEGMENT } else { s }).collect();
    segments.join("/")
}

/// True for the path segments [`normalize_url`] replaces.
pub fn is_identifier(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let bytes = segment.as_bytes();
    let uuid = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    uuid || (bytes.len() >= LONG_HEX_MIN_CHARS
        && bytes.iter().all(u8::is_ascii_hexdigit)
        && bytes.iter().any(u8::is_ascii_digit))
}

/// The action part of a label: the action kind, except for the click family, where the
/// interaction says more (`click`, `dblclick`, `right_click`, `focus`).
pub fn action_name(action: &Action) -> &str {
    if action.action == ActionKind::Click {
        if let Some(interaction) = action.metadata.get("interaction").and_then(Value::as_str) {
            return interaction;
        }
    }
    action.action.as_str()
}

/// The tag a description names. Descriptions (see [`crate::analyze::describe`]) start with the
/// tag of the element acted on; `span in button "Sign in"` describes the element by the control
/// or named region around it, and then that outer tag is the label's (`button`). An element
/// that is itself a control keeps its own tag (`input type=text in form #signup` → `input`).
/// `page` (the document) and `element` (unknown node) are returned as they are.
pub fn label_tag(target_desc: &str) -> &str {
    let (first, rest) = target_desc.split_once(' ').unwrap_or((target_desc, ""));
    if matches!(first, "a" | "button" | "input" | "select" | "textarea" | "label" | "summary" | "option") {
        return first;
    }
    match rest.strip_prefix("in ") {
        Some(outer) => outer.split(' ').next().filter(|t| !t.is_empty()).unwrap_or(first),
        None => first,
    }
}

/// `action:tag@normalized_path`: [`action_name`], the [`label_tag`] of the target, and
/// [`normalize_path`] of the page URL (`click:button@/cart`). Actions without an element leave
/// out `:tag` (`navigate@/products/:id`, `console_error@/cart`); a custom event uses its own tag
/// (`custom:checkout_started@/cart`). Without a page URL the path is empty (`click:button@`).
pub fn default_label(action: &Action) -> String {
    let path = action.url.as_deref().map(normalize_path).unwrap_or_default();
    let name = action_name(action);
    match (&action.target_desc, action.action) {
        (Some(desc), _) => format!("{name}:{}@{path}", label_tag(desc)),
        (None, ActionKind::Custom) => format!("{name}:{}@{path}", action.description),
        (None, _) => format!("{name}@{path}"),
    }
}

/// Like [`default_label`], but names the element by a `data-*` attribute when the element or a
/// near ancestor has one (`metadata.selectors`): the first of [`PREFERRED_SELECTORS`] present,
/// else the alphabetically first `data-*` key. `click:[data-testid="promo-banner"]@/login`.
/// Falls back to [`default_label`] when there is none.
pub fn selector_label(action: &Action) -> String {
    let Some(Value::Object(selectors)) = action.metadata.get("selectors") else {
        return default_label(action);
    };
    let key = PREFERRED_SELECTORS
        .iter()
        .copied()
        .find(|k| selectors.contains_key(*k))
        .or_else(|| selectors.keys().map(String::as_str).min());
    let Some((key, value)) = key.and_then(|k| Some((k, selectors.get(k)?.as_str()?))) else {
        return default_label(action);
    };
    let path = action.url.as_deref().map(normalize_path).unwrap_or_default();
    let value = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{}:[{key}=\"{value}\"]@{path}", action_name(action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn action(kind: ActionKind, desc: Option<&str>, url: Option<&str>, metadata: Value) -> Action {
        let metadata: Map<String, Value> = serde_json::from_value(metadata).unwrap();
        Action {
            t_ms: 0,
            action: kind,
            target_node_id: desc.map(|_| 7),
            target_desc: desc.map(str::to_string),
            description: "Custom tag".into(),
            url: url.map(str::to_string),
            metadata,
        }
    }

    #[test]
    fn urls_lose_query_fragment_credentials_and_ids() {
        let uuid = "9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6f";
        assert_eq!(
            normalize_url(&format!("https://u:p@Shop.TEST:443/orders/1042/items/{uuid}?ref=mail#top")),
            "https://shop.test/orders/:id/items/:id"
        );
        assert_eq!(normalize_url("http://x.test:8080/c/3f2a9c0d1e4b5a6f/d"), "http://x.test:8080/c/:id/d");
        // 15 hex chars, or hex without a digit, or a word: kept.
        assert_eq!(
            normalize_url("http://x.test/3f2a9c0d1e4b5a6/deadbeefdeadbeefcafe/v2"),
            "http://x.test/3f2a9c0d1e4b5a6/deadbeefdeadbeefcafe/v2"
        );
        assert_eq!(normalize_url("/app/42?tab=1"), "/app/:id");
        assert_eq!(normalize_url("  /a/b#c  "), "/a/b");
        assert_eq!(normalize_path("https://shop.test/products/17?x=1"), "/products/:id");
        assert_eq!(normalize_path("https://shop.test"), "/");
        assert_eq!(normalize_url(""), "");
        assert!(!is_identifier("v2") && !is_identifier("") && is_identifier("007"));
        assert!(!is_identifier("9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6g"));
    }

    #[test]
    fn label_tags_follow_the_description_grammar() {
        assert_eq!(label_tag(r#"span in button "Sign in""#), "button");
        assert_eq!(label_tag(r#"a "Log in now" to /login"#), "a");
        assert_eq!(label_tag("input type=email in form #signup"), "input");
        assert_eq!(label_tag(r#"div in section "Pricing""#), "section");
        assert_eq!(label_tag(r#"h2 "Trail running shoes""#), "h2");
        assert_eq!(label_tag("page"), "page");
        assert_eq!(label_tag(""), "");
    }

    #[test]
    fn default_and_selector_labels() {
        let url = Some("https://shop.test/cart/1042?coupon=x");
        let click = action(
            ActionKind::Click,
            Some(r#"svg in button "Apply coupon""#),
            url,
            json!({"interaction": "click", "selectors": {"data-role": "x", "data-testid": "apply"}}),
        );
        assert_eq!(default_label(&click), "click:button@/cart/:id");
        assert_eq!(selector_label(&click), r#"click:[data-testid="apply"]@/cart/:id"#);
        let other = action(
            ActionKind::Click,
            Some("div"),
            url,
            json!({"interaction": "dblclick", "selectors": {"data-z": "1", "data-b": "q\"t"}}),
        );
        assert_eq!(selector_label(&other), r#"dblclick:[data-b="q\"t"]@/cart/:id"#);
        let plain = action(ActionKind::Input, Some("input type=text"), url, json!({}));
        assert_eq!(selector_label(&plain), "input:input@/cart/:id");
        assert_eq!(default_label(&action(ActionKind::Navigate, None, url, json!({}))), "navigate@/cart/:id");
        assert_eq!(default_label(&action(ActionKind::Custom, None, None, json!({}))), "custom:Custom tag@");
    }
}
