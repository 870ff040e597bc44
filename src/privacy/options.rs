//! [`PrivacyOptions`]: what the app configures, and the per-element decisions made from it.

use serde::{Deserialize, Serialize};

use super::mask::{class_selector, mask_input_as, mask_text_as, words, MaskLength};

use super::url::Keep;
use super::{always_masked_input, redact, url, ElementView, NodePolicy};

/// Options as the JS `init({privacy: {...}})` passes them (camelCase, every field optional).
///
/// [`Default`] is the protective configuration: everything masked (Sentry's maskAllText and
/// maskAllInputs defaults, the strongest in the field), rrweb's class names, URL query strings
/// and fragments stripped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrivacyOptions {
    /// Mask all text (Sentry's `maskAllText`, default true). Text inside
    /// [`unmask_selector`](Self::unmask_selector) is not masked.
    pub mask_all_text: bool,
    /// Mask all input values (Sentry's and PostHog's `maskAllInputs`, default true). Inputs
    /// inside [`unmask_selector`](Self::unmask_selector) are not masked, except
    /// [`always_masked_input`] ones.
    pub mask_all_inputs: bool,
    /// Elements with this class are blocked (rrweb's `blockClass`, default `"rr-block"`).
    pub block_class: String,
    /// Elements matching this selector are blocked (rrweb's `blockSelector`).
    pub block_selector: Option<String>,
    /// Text and inputs inside an element with this class are masked, even inside the unmask
    /// selector (rrweb's `maskTextClass`, default `"rr-mask"`).
    pub mask_text_class: String,
    /// Text and inputs inside an element matching this selector are masked (rrweb's
    /// `maskTextSelector`).
    pub mask_text_selector: Option<String>,
    /// No input events inside an element with this class (rrweb's `ignoreClass`, default
    /// `"rr-ignore"`).
    pub ignore_class: String,
    /// No input events inside an element matching this selector (rrweb's `ignoreSelector`).
    pub ignore_selector: Option<String>,
    /// Allow-list: text and inputs inside an element matching this selector are not masked
    /// (except always-masked inputs, and explicit mask class/selector wins). A top user
    /// request (getsentry/sentry-javascript#6559); Sentry calls it `unmask`.
    pub unmask_selector: Option<String>,
    /// Strip query strings and fragments from URLs (default true): the page URL (Meta href,
    /// route changes), network request URLs, URL attributes of every origin (except
    /// [`keep_query_origins`](Self::keep_query_origins)) and the URLs inside console text and
    /// stack traces. PII path segments (emails, tokens) are redacted whatever this says.
    pub strip_url_query: bool,
    /// Origins (`https://cdn.example`, scheme + host + port) whose URLs in attributes and
    /// console text keep their query string and fragment, for URLs the replay needs whole
    /// (signed asset URLs). Default empty: every origin's query is stripped.
    #[serde(deserialize_with = "null_as_empty")]
    pub keep_query_origins: Vec<String>,
    /// How masked text and input values are written (JS `maskLength: 'char' | 'fixed'`):
    /// rrweb's one `*` per character by default, or a fixed `****` that hides lengths and the
    /// layout of masked text.
    pub mask_length: MaskLength,
    /// Extra PII patterns (regex-lite syntax) for [`redact`](Self::redact); matches become
    /// `[REDACTED:custom]`. Invalid patterns are ignored (see
    /// [`invalid_redact_patterns`](Self::invalid_redact_patterns)).
    #[serde(deserialize_with = "null_as_empty")]
    pub redact_patterns: Vec<String>,
}

/// `null` → empty list (JS callers pass `null` for "none").
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

impl Default for PrivacyOptions {
    fn default() -> Self {
        PrivacyOptions {
            mask_all_text: true,
            mask_all_inputs: true,
            block_class: "rr-block".to_string(),
            block_selector: None,
            mask_text_class: "rr-mask".to_string(),
            mask_text_selector: None,
            ignore_class: "rr-ignore".to_string(),
            ignore_selector: None,
            unmask_selector: None,
            strip_url_query: true,
            keep_query_origins: Vec::new(),
            mask_length: MaskLength::Char,
            redact_patterns: Vec::new(),
        }
    }
}

/// `Some(selector)` when set and not blank.
fn selector(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Attributes holding human-readable text, masked with the element's text (Sentry masks
/// title, placeholder and aria-label; alt and the other ARIA text attributes say as much).
const TEXT_ATTRIBUTES: &[&str] = &[
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-valuetext",
    "aria-roledescription",
    "alt",
    "label",
    "download",
];

/// `<meta name|property|http-equiv>` values whose `content` is kept: what the replay needs to
/// lay out and paint the page (viewport, color scheme, charset) and page-level directives that
/// carry no user data. Any other `content` (`csrf-token`, `user-email`, app config) is
/// dropped; description and title metadata (`description`, `og:title`) follow the text mask.
pub const SAFE_META: &[&str] = &[
    "viewport",
    "color-scheme",
    "theme-color",
    "robots",
    "referrer",
    "format-detection",
    "content-type",
    "x-ua-compatible",
];

/// `data-*` attributes that are the developers' test hooks, not user data: kept (PII-redacted)
/// when the text is masked, since the analyzer names click and input targets by them
/// (`analyze::describe`).
const TEST_ID_ATTRIBUTES: &[&str] = &["data-testid", "data-test-id", "data-test", "data-cy", "data-qa"];

/// Elements whose `value` attribute is a number the replay lays out (`<li value>` numbers the
/// list, `<meter>`/`<progress>` draw a bar), kept; any other non-field `value` (`<button>`,
/// `<data>`, `<param>`) follows the text mask.
const LAYOUT_VALUE_TAGS: &[&str] = &["li", "meter", "progress"];

/// Attributes holding one URL (the recorder's and the collector's list).
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "cite",
    "background",
    "xlink:href",
    "longdesc",
    "manifest",
];

/// Input types whose `value` is a visible button label, not user data (rrweb's
/// maskAllInputs leaves them alone too).
const BUTTON_INPUT_TYPES: &[&str] = &["submit", "button", "reset", "image"];

/// True for elements whose value [`PrivacyOptions::input_value`] concerns.
fn is_form_field(tag: &str) -> bool {
    matches!(tag, "input" | "textarea" | "select" | "option")
}

/// True for `<input type=submit|button|reset|image>`.
fn is_button_input(el: &dyn ElementView) -> bool {
    el.tag_name() == "input"
        && el.attribute("type").is_some_and(|t| BUTTON_INPUT_TYPES.iter().any(|b| t.trim().eq_ignore_ascii_case(b)))
}

impl PrivacyOptions {
    /// The privacy decisions for `el`:
    ///
    /// - `block`: `el` has [`block_class`](Self::block_class) or matches
    ///   [`block_selector`](Self::block_selector) (itself or an ancestor; the recorder does not
    ///   descend into blocked elements). rrweb's `blockClass`/`blockSelector`.
    /// - `mask_text`: an explicit mask (`closest(.mask_text_class)` or
    ///   `closest(mask_text_selector)`, rrweb's `rr-mask`) always; otherwise
    ///   [`mask_all_text`](Self::mask_all_text) unless inside
    ///   [`unmask_selector`](Self::unmask_selector).
    /// - `mask_input`: [`always_masked_input`] (password, hidden,
    ///   cc-*, secret-named; PostHog/Clarity) or an explicit mask, otherwise
    ///   [`mask_all_inputs`](Self::mask_all_inputs) unless inside the unmask selector.
    /// - `ignore_input`: `closest(.ignore_class)` or `closest(ignore_selector)` (rrweb's
    ///   `rr-ignore`: no input events).
    pub fn element_policy(&self, el: &dyn ElementView) -> NodePolicy {
        let block = (!self.block_class.is_empty() && el.has_class(&self.block_class))
            || selector(&self.block_selector).is_some_and(|s| el.closest(s));
        let explicit_mask = (!self.mask_text_class.is_empty() && el.closest(&class_selector(&self.mask_text_class)))
            || selector(&self.mask_text_selector).is_some_and(|s| el.closest(s));
        let unmasked = || selector(&self.unmask_selector).is_some_and(|s| el.closest(s));
        let (mask_text, mask_input) = if explicit_mask {
            (true, true)
        } else {
            let need_unmask_check = self.mask_all_text || self.mask_all_inputs;
            let unmasked = need_unmask_check && unmasked();
            (self.mask_all_text && !unmasked, (self.mask_all_inputs && !unmasked) || always_masked_input(el))
        };
        let ignore_input = (!self.ignore_class.is_empty() && el.closest(&class_selector(&self.ignore_class)))
            || selector(&self.ignore_selector).is_some_and(|s| el.closest(s));
        NodePolicy { block, mask_text, mask_input, ignore_input }
    }

    /// The text to record for a text node whose parent element is `parent`.
    ///
    /// - Inside `<style>`: never masked (replay needs the CSS; rrweb does the same); its
    ///   `url(…)` queries stripped ([`css_text`](Self::css_text)).
    /// - Inside `<script>`: `"SCRIPT_PLACEHOLDER"`, as rrweb records it (replay never runs
    ///   scripts, and inline scripts often carry bootstrapped user data).
    /// - Inside `<textarea>` / `<option>` (the text is the field's value or a choice):
    ///   masked with [`mask_text`](super::mask_text) when the parent's text *or* input is masked.
    /// - Otherwise masked with [`mask_text`](super::mask_text) (rrweb's algorithm) when the parent's text is.
    pub fn text_value(&self, parent: &dyn ElementView, text: &str) -> String {
        let tag = parent.tag_name();
        if matches!(tag.as_str(), "style" | "script") {
            // No policy needed (saves the DOM calls).
            return self.text_value_for(&tag, NodePolicy::default(), text);
        }
        self.text_value_for(&tag, self.element_policy(parent), text)
    }

    /// [`text_value`](Self::text_value) for a recorder that already has the parent's
    /// lower-case tag name and [`element_policy`](Self::element_policy) (computed once per
    /// element, reused for each of its text children).
    pub fn text_value_for(&self, parent_tag: &str, parent_policy: NodePolicy, text: &str) -> String {
        match parent_tag {
            "style" => return self.css_text(text),
            "script" => return "SCRIPT_PLACEHOLDER".to_string(),
            _ => {}
        }
        let masked =
            parent_policy.mask_text || (matches!(parent_tag, "textarea" | "option") && parent_policy.mask_input);
        if masked {
            self.mask(text)
        } else {
            text.to_string()
        }
    }

    /// Masked text as [`mask_length`](Self::mask_length) writes it: rrweb's
    /// [`mask_text`](super::mask_text)(super::mask_text) (`*` per non-whitespace char) or `****`.
    pub fn mask(&self, text: &str) -> String {
        mask_text_as(text, self.mask_length)
    }

    /// The value of input/textarea/select `el` to record: `*` × its length in chars (rrweb's
    /// input mask) when the element's input is masked. `<input type=submit|button|reset|
    /// image>` values are button labels and follow the text policy instead.
    pub fn input_value(&self, el: &dyn ElementView, value: &str) -> String {
        let policy = self.element_policy(el);
        let masked = if is_button_input(el) { policy.mask_text || always_masked_input(el) } else { policy.mask_input };
        if masked {
            mask_input_as(value, self.mask_length)
        } else {
            value.to_string()
        }
    }

    /// The value to record for attribute `name` of `el`; `None` drops the attribute.
    ///
    /// - title, placeholder, aria-label, aria-description, aria-placeholder, aria-valuetext,
    ///   aria-roledescription, alt, label: [`mask_text`](super::mask_text) when the element's text is masked
    ///   (Sentry masks title/placeholder/aria-label with maskAllText).
    /// - `value` of input/textarea/select/option: as [`input_value`](Self::input_value).
    /// - `value` of other elements (`<button value>`, `<data value>`, `<param value>`): masked
    ///   with the text (`<li>`, `<meter>`, `<progress>` values are layout numbers, kept).
    /// - `data-*`: masked with the text (apps put user data there: `data-user-email`; an
    ///   `unmask_selector` keeps them where styling needs them), except the test hooks
    ///   `data-testid`, `data-test-id`, `data-test`, `data-cy`, `data-qa`, which are kept
    ///   [`redact`](Self::redact)ed (the analyzer names targets by them).
    /// - `download` (a file name): masked with the text.
    /// - `<meta content>`: kept for the [`SAFE_META`] names (viewport, color-scheme,
    ///   theme-color, robots, referrer, content-type…); description/title metadata
    ///   (`description`, `og:title`, `twitter:description`…) masked with the text; any other
    ///   (`csrf-token`, `user-email`…) dropped.
    /// - `style`: each `url(…)` scrubbed as a URL attribute.
    /// - `srcdoc` (an iframe's whole HTML, text included): dropped when text is masked (the
    ///   iframe's own snapshot is masked instead).
    /// - `nonce`: dropped (a CSP secret; Chromium hides it from `getAttribute` too).
    /// - URL attributes (href, src, action, formaction, poster, data, cite, background,
    ///   xlink:href, longdesc, manifest, and each URL of srcset, imagesrcset and ping): when
    ///   [`strip_url_query`](Self::strip_url_query), http(s) URLs lose their query and
    ///   fragment (relative URLs are resolved against `page_origin` and returned absolute),
    ///   except URLs of [`keep_query_origins`](Self::keep_query_origins); PII path segments
    ///   become markers (`/user/[REDACTED:email]/profile`); `javascript:` URLs become
    ///   `javascript:void(0)`, `data:` URLs other than images, fonts, CSS and media become
    ///   `data:,`, and data-carrying fragments (`#access_token=…`) become `#` (see
    ///   `url::strip_query`). `mailto:`, `tel:` and `sms:` URLs are [`redact`](Self::redact)ed
    ///   when the element's text is masked.
    ///
    /// `page_origin` may be the origin (`https://app.example`) or, better, the page URL
    /// (`location.href` or `document.baseURI`) so path-relative URLs resolve correctly.
    /// Attribute names are compared case-insensitively.
    pub fn attribute_value(&self, el: &dyn ElementView, name: &str, value: &str, page_origin: &str) -> Option<String> {
        let lname = name.to_ascii_lowercase();
        let name = lname.as_str();
        if name == "nonce" {
            return None;
        }
        let needs_policy = TEXT_ATTRIBUTES.contains(&name)
            || name == "value"
            || name == "srcdoc"
            || name == "content"
            || name.starts_with("data-")
            || ((name == "href" || name == "xlink:href") && is_contact_url(value));
        if !needs_policy {
            return Some(self.url_attribute(name, value, page_origin));
        }
        let tag = el.tag_name();
        if name == "value" && is_form_field(&tag) {
            return Some(self.input_value(el, value));
        }
        if name == "content" && tag == "meta" && !is_text_meta(el) {
            return meta_named(el, SAFE_META).then(|| value.to_string());
        }
        let policy = self.element_policy(el);
        match name {
            "srcdoc" if policy.mask_text => None,
            "value" if LAYOUT_VALUE_TAGS.contains(&tag.as_str()) => Some(value.to_string()),
            n if TEST_ID_ATTRIBUTES.contains(&n) => Some(self.redact(value)),
            "content" if tag != "meta" => Some(value.to_string()),
            "href" | "xlink:href" if is_contact_url(value) => {
                Some(if policy.mask_text { self.redact(value) } else { value.to_string() })
            }
            _ if policy.mask_text && !matches!(name, "href" | "xlink:href" | "srcdoc") => Some(self.mask(value)),
            _ => Some(self.url_attribute(name, value, page_origin)),
        }
    }

    /// CSS text as the recorder keeps it: each `url(…)` scrubbed as in a `style` attribute
    /// (query and fragment of http(s) URLs removed unless [`keep_query_origins`](Self::keep_query_origins)
    /// keeps them, relative URLs cut at `?`/`#` and left relative, PII path segments redacted;
    /// see [`attribute_value`](Self::attribute_value)), the rest unchanged. For `<style>` text,
    /// a sheet's rules (`_cssText`) and the rules of style events, also as JSON text.
    pub fn css_text(&self, css: &str) -> String {
        self.url_attribute("style", css, "")
    }

    /// URL scrubbing for URL attributes (other attributes pass through).
    fn url_attribute(&self, name: &str, value: &str, page_origin: &str) -> String {
        let keep = self.keep();
        let one =
            |u: &str| if self.strip_url_query { url::strip_query(u, page_origin, keep) } else { url::redact_path(u) };
        if URL_ATTRIBUTES.contains(&name) {
            one(value)
        } else if name == "srcset" || name == "imagesrcset" {
            url::map_srcset(value, one)
        } else if name == "style" {
            url::map_css_urls(value, one)
        } else if name == "ping" {
            let mut out = String::new();
            for (i, u) in value.split_ascii_whitespace().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&one(u));
            }
            out
        } else {
            value.to_string()
        }
    }

    /// Which URLs keep their query in attributes and console text.
    fn keep(&self) -> Keep<'_> {
        Keep::Origins(&self.keep_query_origins)
    }

    /// The page's own URL (Meta `href`), network request URLs and the like: when
    /// [`strip_url_query`](Self::strip_url_query), the query string and fragment of an http(s)
    /// URL are removed whatever its origin (relative URLs are resolved against `page_origin`
    /// and returned absolute; unparseable text is cut at the first `?`/`#`; other schemes are
    /// unchanged). Attribute URLs go through [`attribute_value`](Self::attribute_value),
    /// which only scrubs the page's own origin.
    pub fn scrub_url(&self, url: &str, page_origin: &str) -> String {
        if self.strip_url_query {
            url::strip_query(url, page_origin, Keep::Nothing)
        } else {
            url::redact_path(url)
        }
    }

    /// Console text (a message, a stringified argument, a stack-trace line): its http(s) URLs
    /// scrubbed as attribute URLs are (query and fragment stripped unless
    /// [`keep_query_origins`](Self::keep_query_origins) keeps them or
    /// [`strip_url_query`](Self::strip_url_query) is off, a frame's `:line:column` kept, PII
    /// path segments redacted), then [`redact`](Self::redact)ed:
    /// `at f (https://app/spa.html?email=a%40b.org:70:13)` → `at f (https://app/spa.html:70:13)`.
    pub fn redact_console(&self, text: &str) -> String {
        let keep = if self.strip_url_query { self.keep() } else { Keep::Everything };
        self.redact(&url::scrub_text_urls(text, keep))
    }

    /// PII redaction of free text (console output, network bodies, custom events): emails,
    /// card numbers (13–19 digits with spaces/dashes, major-network prefix, Luhn-checked),
    /// phone numbers (international `+`/`00` forms, national forms with ≥ 9–10 digits; not
    /// dates, times, decimals, IPs or ordinary numbers), US SSNs (`123-45-6789`, SSA validity
    /// rules), JWTs and `Bearer <token>` tokens → `[REDACTED:email]`, `[REDACTED:card]`,
    /// `[REDACTED:phone]`, `[REDACTED:ssn]`, `[REDACTED:token]`; matches of
    /// [`redact_patterns`](Self::redact_patterns) → `[REDACTED:custom]`. Values of
    /// secret-named keys in `key=value` / `key: value` / `"key":"value"` text (query strings,
    /// headers, stringified objects: password, token, secret, api_key, authorization, cookie,
    /// ssn, cvv, pin…) → `[REDACTED:secret]` (an auth scheme word such as `Basic` is kept). Overlapping matches
    /// merge into one marker. Linear-time built-in scanners; never panics.
    pub fn redact(&self, text: &str) -> String {
        redact::redact_text(text, &self.redact_patterns)
    }

    /// True when [`redact`](Self::redact) would change `text`, found without building the
    /// redacted copy (the same detectors and app patterns; it may also say true, never false,
    /// where an app pattern's match happens to equal its marker). The collector screens every
    /// event's strings with this before decoding it.
    pub fn finds_pii(&self, text: &str) -> bool {
        redact::finds_pii(text, &self.redact_patterns)
    }

    /// An input value (IncrementalSource 5 `text`, an input's `value`) as a store keeps it when
    /// it was recorded unmasked: [`redact`](Self::redact), then a typed prefix of an email or
    /// a card (`jane.doe@exa`, `4111 1111 11`: what one keystroke's event of a longer value
    /// holds) replaced by its marker ([`redact::typed_prefix`]). For input values only: in
    /// other text those shapes are ordinary.
    pub fn redact_input(&self, value: &str) -> String {
        let text = self.redact(value);
        redact::redact_typed_prefix(&text).unwrap_or(text)
    }

    /// Redacts every string value inside `value` with [`redact`](Self::redact) (object keys
    /// are kept), iteratively (an explicit work list, so any depth is safe). Values of
    /// secret-named keys (`password`, `token`, `authorization`, `cookie`, `ssn`, `cvv`,
    /// `cardNumber`…) are replaced whole by `[REDACTED:secret]` / `[REDACTED:card]`.
    pub fn redact_json(&self, value: &mut serde_json::Value) {
        redact::redact_json_value(value, &self.redact_patterns);
    }

    /// [`redact_json`](Self::redact_json) with every number kept as it is: for rrweb's
    /// structural events (types 2–4), whose numbers are ids, coordinates, sizes and times that
    /// readers parse as numbers, and whose page content is always in strings.
    pub fn redact_json_strings(&self, value: &mut serde_json::Value) {
        redact::redact_json_strings(value, &self.redact_patterns);
    }

    /// The [`redact_patterns`](Self::redact_patterns) that cannot be used, with the reason
    /// (invalid syntax, too long, too large, beyond the first
    /// [`MAX_APP_PATTERNS`](redact::MAX_APP_PATTERNS)), so `init` can warn the developer.
    pub fn invalid_redact_patterns(&self) -> Vec<(String, String)> {
        self.redact_patterns
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                if i >= redact::MAX_APP_PATTERNS {
                    return Some((p.clone(), format!("only the first {} patterns are used", redact::MAX_APP_PATTERNS)));
                }
                redact::check_app_pattern(p).err().map(|e| (p.clone(), e))
            })
            .collect()
    }
}

/// True when `el`'s `name`, `property` or `http-equiv` is one of `names` (any case).
fn meta_named(el: &dyn ElementView, names: &[&str]) -> bool {
    ["name", "property", "http-equiv"]
        .iter()
        .filter_map(|a| el.attribute(a))
        .any(|n| names.iter().any(|k| n.trim().eq_ignore_ascii_case(k)))
}

/// `mailto:`, `tel:` and `sms:` URLs: contact details in an href.
fn is_contact_url(value: &str) -> bool {
    let v = value.trim_start();
    ["mailto:", "tel:", "sms:"]
        .iter()
        .any(|s| v.len() >= s.len() && v.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes()))
}

/// `<meta>` whose `name`/`property` is description or title metadata (`description`,
/// `og:title`, `twitter:description`, `og:image:alt`…).
fn is_text_meta(el: &dyn ElementView) -> bool {
    ["name", "property", "itemprop"].iter().filter_map(|a| el.attribute(a)).any(|n| {
        words(&n).any(|w| ["description", "title", "alt", "keywords"].iter().any(|k| w.eq_ignore_ascii_case(k)))
    })
}
