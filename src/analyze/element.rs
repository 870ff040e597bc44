//! What the DOM says about the element an action targeted: the control it belongs to, and
//! whether a click there is expected to act, places a caret, or submits. The bundle's
//! frustration signals and the analyzer's rage-click line read the same facts, so the timeline
//! and the friction report agree.

use super::describe::is_interactive;
use super::dom::{DomTracker, NodeData};
use super::MAX_CONTEXT_ANCESTORS;

/// Elements kept in [`ElementFacts::chain`]: the element and four ancestors.
const CHAIN_LEN: usize = 5;

/// What the DOM said about the element an action targeted, at the moment of the action.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ElementFacts {
    /// The control the element belongs to (itself, or the nearest interactive ancestor within
    /// three levels, as descriptions find it), else the element itself. Clicks on the icon and
    /// on the text of one button share it.
    pub(crate) control_id: i64,
    /// The control is something a click is expected to act on: a link, a button (or a
    /// button-like input: submit, reset, image, checkbox, radio, file, color, range), `summary`,
    /// or an ARIA widget role (button, link, menuitem, tab, checkbox, radio, switch, option).
    pub(crate) clickable: bool,
    /// A text-editing surface: a text-like `input`, `textarea`, `select`, or anything inside a
    /// `contenteditable` element. A click there places a caret; field-notes.md excludes these
    /// from rage clicks, and they are not dead clicks either.
    pub(crate) text_entry: bool,
    /// A button (`button`, `input` type submit/button/image, role=button): clicking one after
    /// typing counts as submitting for form abandonment.
    pub(crate) button_like: bool,
    /// The element and up to four ancestors, stopping below `body`: relates a text selection
    /// to the clicks that made it.
    pub(crate) chain: Box<[i64]>,
}

/// The element itself, or the parent element of a text node.
pub(crate) fn element_of(dom: &DomTracker, id: i64) -> Option<i64> {
    let node = dom.get(id)?;
    match node.data {
        NodeData::Text(_) | NodeData::Other => node.parent.filter(|p| dom.tag(*p).is_some()),
        NodeData::Element { .. } => Some(id),
        NodeData::Document => None,
    }
}

fn parent_element(dom: &DomTracker, id: i64) -> Option<i64> {
    dom.get(id)?.parent.filter(|p| dom.tag(*p).is_some())
}

/// `id` and up to four ancestor elements, stopping below `body` and `html`.
pub(crate) fn chain(dom: &DomTracker, id: i64) -> Box<[i64]> {
    std::iter::successors(Some(id), |&n| parent_element(dom, n))
        .take_while(|&n| !matches!(dom.tag(n), Some("body" | "html")))
        .take(CHAIN_LEN)
        .collect()
}

pub(crate) fn element_facts(dom: &DomTracker, id: i64) -> ElementFacts {
    let Some(element) = element_of(dom, id) else {
        // The document, or a node the tracker does not know.
        return ElementFacts {
            control_id: id,
            clickable: false,
            text_entry: false,
            button_like: false,
            chain: [].into(),
        };
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
        .take(8)
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
    ElementFacts {
        control_id: target,
        clickable: clickable && !editable,
        text_entry: text_entry || editable,
        button_like,
        chain: chain(dom, element),
    }
}
