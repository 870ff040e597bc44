//! Privacy rules shared by the recorder and the analyzer: masking, URL scrubbing, PII redaction.
//!
//! Everything here is pure Rust (no `web-sys`): the recorder implements [`ElementView`] over
//! `web_sys::Element`, and the tests implement it over a plain struct.
//!
//! - [`options`] — [`PrivacyOptions`] (the JS `init({privacy})` options, protective defaults)
//!   and the per-element decisions: [`PrivacyOptions::element_policy`],
//!   [`PrivacyOptions::text_value`], [`PrivacyOptions::input_value`],
//!   [`PrivacyOptions::attribute_value`].
//! - [`mask`] — rrweb's mask algorithm ([`mask_text`]) and the inputs that are masked whatever
//!   the options say ([`always_masked_input`]).
//! - [`url`] — query/fragment stripping ([`PrivacyOptions::scrub_url`]) and `srcset` handling.
//! - [`network`] — the opt-in network capture policy (allow-list, denied headers, caps) and
//!   its rrweb `rrweb/network@1` request payload.
//! - [`redact`] — PII redaction of free text and JSON ([`PrivacyOptions::redact`],
//!   [`PrivacyOptions::redact_json`]).
//!
//! Sources for the defaults, from each product's published privacy defaults: Sentry (maskAllText,
//! maskAllInputs, title/placeholder/aria-label masked), PostHog (passwords always masked),
//! Clarity (fields mentioning password/secret/ssn excluded), rrweb (mask algorithm, the
//! `rr-block` / `rr-mask` / `rr-ignore` class conventions, `SCRIPT_PLACEHOLDER`).

#![warn(missing_docs)]

pub mod console;
pub mod mask;
pub mod network;
pub mod options;
mod pattern;
pub mod redact;
pub mod url;

#[cfg(test)]
mod tests;

pub use mask::{always_masked_input, mask_input_value, mask_text, MaskLength};
pub use options::PrivacyOptions;
pub use redact::PiiKind;

/// Byte offset of the first `needle` in `hay`, as `hay.find(needle)` gives it. A plain scan
/// instead of `str`'s two-way searcher: the needles here are short key words, and the
/// searcher (with the panic paths of its slicing) is ~4 KB of the recorder's wasm.
pub(crate) fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return Some(0) };
    // A match of valid UTF-8 in valid UTF-8 starts and ends on char boundaries.
    (0..hay.len().saturating_sub(rest.len())).find(|&i| hay[i] == first && hay[i + 1..].starts_with(rest))
}

/// What the recorder knows about an element; implemented over `web_sys::Element` by the
/// recorder and by a plain struct in the tests.
pub trait ElementView {
    /// The element's tag name, lower-case (`"input"`, `"div"`, `"style"`).
    fn tag_name(&self) -> String;
    /// The value of attribute `name` (lower-case), `None` when absent.
    fn attribute(&self, name: &str) -> Option<String>;
    /// True when the element's own `class` list contains `class` (DOM `classList.contains`).
    fn has_class(&self, class: &str) -> bool;
    /// True when this element or an ancestor matches the CSS selector (DOM `closest`).
    /// Invalid selectors → false.
    fn closest(&self, selector: &str) -> bool;
}

/// The privacy decisions for one element, from [`PrivacyOptions::element_policy`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodePolicy {
    /// Record a placeholder instead of the element: rrweb's blocked box, which keeps only
    /// `class`, `rr_width` and `rr_height` ("Npx") and has no children. The recorder does not
    /// descend into a blocked element.
    pub block: bool,
    /// Text inside this element is masked with [`mask_text`] (and its title/placeholder/
    /// aria-label/alt attributes too).
    pub mask_text: bool,
    /// The value of this input/textarea/select (and its `value` attribute) is masked.
    pub mask_input: bool,
    /// Record no input events for this element (rrweb's `rr-ignore`).
    pub ignore_input: bool,
}
