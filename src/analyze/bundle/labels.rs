//! Activity labels, and the URL normalizer they use ([`crate::analyze::normalize`]).
//!
//! A label names what an action did in a few stable tokens, so sequences of them can be matched
//! ([`super::ReplayBundle::find_pattern`]) and counted ([`super::ReplayBundle::compare`]) across
//! replays: `click:button@/cart`, `input:input@/checkout`, `navigate@/products/:id`. Labels are
//! pure functions of an [`Action`] (its kind, `metadata.interaction`, `target_desc`,
//! `metadata.selectors` and `url`), so JavaScript callbacks see exactly what Rust sees.

use crate::analyze::normalize::normalize_path;
use crate::analyze::{Action, ActionKind};
use serde_json::Value;

/// `data-*` attributes preferred by [`selector_label`], most specific first: the test-id
/// conventions of Testing Library, Cypress and QA tooling.
pub const PREFERRED_SELECTORS: [&str; 5] = ["data-testid", "data-test-id", "data-test", "data-cy", "data-qa"];

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
