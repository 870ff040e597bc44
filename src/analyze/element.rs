//! What the DOM said about the element an action targeted, kept per action: its control's
//! classification ([`super::control`]) and its nearest ancestors. The bundle's frustration
//! signals and the analyzer's rage-click line read the same facts, so the timeline and the
//! friction report agree.

use super::control::{control, parent_element};
use super::dom::DomTracker;

pub(crate) use super::control::element_of;

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
    /// `contenteditable` element. A click there places a caret; PostHog and Sentry exclude these
    /// from rage clicks, and they are not dead clicks either.
    pub(crate) text_entry: bool,
    /// A button (`button`, `input` type submit/button/image, role=button): clicking one after
    /// typing counts as submitting for form abandonment.
    pub(crate) button_like: bool,
    /// The element and up to four ancestors, stopping below `body`: relates a text selection
    /// to the clicks that made it.
    pub(crate) chain: Box<[i64]>,
}

/// `id` and up to four ancestor elements, stopping below `body` and `html`.
pub(crate) fn chain(dom: &DomTracker, id: i64) -> Box<[i64]> {
    std::iter::successors(Some(id), |&n| parent_element(dom, n))
        .take_while(|&n| !matches!(dom.tag(n), Some("body" | "html")))
        .take(CHAIN_LEN)
        .collect()
}

/// The facts of node `id` as the DOM is now: its control's classification ([`control`]) and
/// its element's chain.
pub(crate) fn element_facts(dom: &DomTracker, id: i64) -> ElementFacts {
    let c = control(dom, id);
    ElementFacts {
        control_id: c.id,
        clickable: c.clickable,
        text_entry: c.text_entry,
        button_like: c.button_like,
        chain: element_of(dom, id).map(|e| chain(dom, e)).unwrap_or_default(),
    }
}
