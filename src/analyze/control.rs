//! What kind of control a click landed on: the one classification the click outcomes
//! ([`super::outcome`]) and the bundle's frustration signals (dead and rage clicks, form
//! abandonment) share, so "a click on something clickable that did nothing" means the same
//! everywhere.

use super::describe::is_interactive;
use super::dom::{DomTracker, NodeData};
use super::MAX_CONTEXT_ANCESTORS;

/// Ancestors searched for `contenteditable`.
const MAX_EDITABLE_ANCESTORS: usize = 8;

/// The control a node belongs to, and what a click on it is expected to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Control {
    /// The node itself when interactive, else the nearest interactive ancestor within
    /// [`MAX_CONTEXT_ANCESTORS`] (as descriptions find it), else the element itself. Clicks on
    /// the icon and on the text of one button share it. For the document or an unknown node,
    /// the node id.
    pub(crate) id: i64,
    /// Something a click is expected to act on: a link, a button (or a button-like input:
    /// submit, reset, image, checkbox, radio, file, color, range), `summary`, or an ARIA widget
    /// role (button, link, menuitem, tab, checkbox, radio, switch, option).
    pub(crate) clickable: bool,
    /// A text-editing surface: a text-like `input`, `textarea`, `select`, role textbox,
    /// searchbox or combobox, or anything inside a `contenteditable` element. A click there
    /// places a caret; PostHog and Sentry exclude these from rage clicks.
    pub(crate) text_entry: bool,
    /// A button (`button`, `input` type submit/button/image, role=button): clicking one after
    /// typing counts as submitting.
    pub(crate) button_like: bool,
}

/// The element itself, or the parent element of a text node; `None` for the document and
/// unknown nodes.
pub(crate) fn element_of(dom: &DomTracker, id: i64) -> Option<i64> {
    let node = dom.get(id)?;
    match node.data {
        NodeData::Text(_) | NodeData::Other => node.parent.filter(|p| dom.tag(*p).is_some()),
        NodeData::Element { .. } => Some(id),
        NodeData::Document => None,
    }
}

/// The parent element of `id`, if tracked.
pub(crate) fn parent_element(dom: &DomTracker, id: i64) -> Option<i64> {
    dom.get(id)?.parent.filter(|p| dom.tag(*p).is_some())
}

/// Classifies the control node `id` belongs to, as the DOM is now.
pub(crate) fn control(dom: &DomTracker, id: i64) -> Control {
    let Some(element) = element_of(dom, id) else {
        return Control { id, clickable: false, text_entry: false, button_like: false };
    };
    let control = if is_interactive(dom, element) {
        Some(element)
    } else {
        std::iter::successors(parent_element(dom, element), |&n| parent_element(dom, n))
            .take(MAX_CONTEXT_ANCESTORS)
            .find(|&a| is_interactive(dom, a))
    };
    let target = control.unwrap_or(element);
    let input_type = || dom.attr(target, "type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
    let tag = dom.tag(target).unwrap_or("");
    let role = dom.attr(target, "role").unwrap_or("");
    let editable = std::iter::successors(Some(element), |&n| parent_element(dom, n))
        .take(MAX_EDITABLE_ANCESTORS)
        .any(|n| dom.attr(n, "contenteditable").is_some_and(|v| !v.eq_ignore_ascii_case("false")));
    let (clickable, text_entry, button_like) = match tag {
        "a" | "summary" => (true, false, false),
        "button" => (true, false, true),
        "textarea" | "select" => (false, true, false),
        "input" => {
            let t = input_type();
            let button = matches!(t.as_str(), "submit" | "button" | "image" | "reset");
            let control = button || matches!(t.as_str(), "checkbox" | "radio" | "file" | "color" | "range" | "hidden");
            (control, !control, button && t != "reset")
        }
        _ => {
            let widget =
                matches!(role, "button" | "link" | "menuitem" | "tab" | "checkbox" | "radio" | "switch" | "option");
            (widget, matches!(role, "textbox" | "searchbox" | "combobox"), role == "button")
        }
    };
    Control { id: target, clickable: clickable && !editable, text_entry: text_entry || editable, button_like }
}
