//! Unit tests for the privacy rules, over a plain-struct [`ElementView`].

use serde_json::json;

use super::mask::{class_selector, mask_input_value};
use super::*;

/// A test element: its tag, attributes, own classes, and the selectors `closest` matches
/// (`.class` of itself or an ancestor, or any other selector string listed).
#[derive(Default)]
struct El {
    tag: &'static str,
    attrs: Vec<(&'static str, &'static str)>,
    classes: Vec<&'static str>,
    /// Classes of ancestors (and itself, via `classes`) for `.class` selectors.
    ancestor_classes: Vec<&'static str>,
    /// Other selectors that match this element or an ancestor.
    matches: Vec<&'static str>,
}

impl El {
    fn new(tag: &'static str) -> Self {
        El { tag, ..Default::default() }
    }
    fn attr(mut self, k: &'static str, v: &'static str) -> Self {
        self.attrs.push((k, v));
        self
    }
    fn class(mut self, c: &'static str) -> Self {
        self.classes.push(c);
        self
    }
    fn in_class(mut self, c: &'static str) -> Self {
        self.ancestor_classes.push(c);
        self
    }
    fn in_sel(mut self, s: &'static str) -> Self {
        self.matches.push(s);
        self
    }
}

impl ElementView for El {
    fn tag_name(&self) -> String {
        self.tag.to_string()
    }
    fn attribute(&self, name: &str) -> Option<String> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }
    fn has_class(&self, class: &str) -> bool {
        self.classes.contains(&class)
    }
    fn closest(&self, selector: &str) -> bool {
        if let Some(c) = selector.strip_prefix('.') {
            if self.classes.contains(&c) || self.ancestor_classes.contains(&c) {
                return true;
            }
        }
        self.matches.contains(&selector)
    }
}

fn opts() -> PrivacyOptions {
    PrivacyOptions::default()
}

fn open() -> PrivacyOptions {
    PrivacyOptions { mask_all_text: false, mask_all_inputs: false, ..PrivacyOptions::default() }
}

const ORIGIN: &str = "https://app.example.com";

// ----------------------------------------------------------------------------- options

#[test]
fn defaults_are_protective() {
    let o = opts();
    assert!(o.mask_all_text && o.mask_all_inputs && o.strip_url_query);
    assert_eq!(o.block_class, "rr-block");
    assert_eq!(o.mask_text_class, "rr-mask");
    assert_eq!(o.ignore_class, "rr-ignore");
    assert!(o.block_selector.is_none() && o.unmask_selector.is_none());
    assert!(o.redact_patterns.is_empty());
}

#[test]
fn deserializes_camel_case_with_defaults() {
    let o: PrivacyOptions = serde_json::from_value(json!({
        "maskAllText": false,
        "unmaskSelector": ".public",
        "redactPatterns": ["ACME-\\d+"],
        "somethingUnknown": 1
    }))
    .unwrap();
    assert!(!o.mask_all_text);
    assert!(o.mask_all_inputs, "missing fields keep the protective default");
    assert_eq!(o.unmask_selector.as_deref(), Some(".public"));
    assert_eq!(o.redact_patterns, vec!["ACME-\\d+".to_string()]);
    let empty: PrivacyOptions = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty, PrivacyOptions::default());
    let null_patterns: PrivacyOptions = serde_json::from_value(json!({"redactPatterns": null})).unwrap();
    assert!(null_patterns.redact_patterns.is_empty());
    // Round trip.
    let back: PrivacyOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
}

// ----------------------------------------------------------------------------- mask

#[test]
fn mask_text_keeps_whitespace_and_char_count() {
    assert_eq!(mask_text("Hello world"), "***** *****");
    assert_eq!(mask_text("  a\n\tb  "), "  *\n\t*  ");
    assert_eq!(mask_text(""), "");
    // Unicode: one '*' per char, not per byte.
    assert_eq!(mask_text("Grüße, 世界!"), "****** ***");
    assert_eq!(mask_text("héllo 👋").chars().count(), "héllo 👋".chars().count());
    // JS \s: NBSP and ideographic space kept, BOM kept, NEL masked.
    assert_eq!(mask_text("a\u{a0}b\u{3000}c\u{feff}d\u{85}"), "*\u{a0}*\u{3000}*\u{feff}**");
}

#[test]
fn input_mask_is_star_per_char_including_spaces() {
    assert_eq!(mask_input_value("ab c"), "****");
    assert_eq!(mask_input_value("пароль"), "******");
    assert_eq!(mask_input_value(""), "");
}

#[test]
fn class_selector_escapes() {
    assert_eq!(class_selector("rr-mask"), ".rr-mask");
    assert_eq!(class_selector("a:b.c"), ".a\\:b\\.c");
    assert_eq!(class_selector("1x"), ".\\31 x");
    assert_eq!(class_selector("a\tb\u{1f}"), ".a\\9 b\\1f ");
}

// ----------------------------------------------------------------------------- always masked

#[test]
fn always_masked_inputs() {
    assert!(always_masked_input(&El::new("input").attr("type", "password")));
    assert!(always_masked_input(&El::new("input").attr("type", "PASSWORD")));
    assert!(always_masked_input(&El::new("input").attr("type", "hidden")));
    assert!(always_masked_input(&El::new("input").attr("autocomplete", "cc-number")));
    assert!(always_masked_input(&El::new("input").attr("autocomplete", "section-pay billing cc-csc")));
    assert!(always_masked_input(&El::new("input").attr("autocomplete", "one-time-code")));
    assert!(always_masked_input(&El::new("input").attr("autocomplete", "current-password")));
    assert!(always_masked_input(&El::new("input").attr("autocomplete", "new-password")));
    assert!(always_masked_input(&El::new("input").attr("name", "user[password]")));
    assert!(always_masked_input(&El::new("input").attr("id", "confirmPassword")));
    assert!(always_masked_input(&El::new("input").attr("name", "client_secret")));
    assert!(always_masked_input(&El::new("input").attr("name", "ssn")));
    assert!(always_masked_input(&El::new("input").attr("id", "userSSN")));
    assert!(always_masked_input(&El::new("input").attr("name", "card-cvv")));
    assert!(always_masked_input(&El::new("input").attr("name", "cardCvc")));
    // Not secret.
    assert!(!always_masked_input(&El::new("input").attr("type", "text").attr("name", "email")));
    assert!(!always_masked_input(&El::new("input").attr("name", "classname")), "ssn only as a word");
    assert!(!always_masked_input(&El::new("input").attr("autocomplete", "email")));
    assert!(!always_masked_input(&El::new("input").attr("name", "postal_code")));
    assert!(!always_masked_input(&El::new("input")));
}

// ----------------------------------------------------------------------------- policy

#[test]
fn default_policy_masks_text_and_inputs() {
    let p = opts().element_policy(&El::new("div"));
    assert_eq!(p, NodePolicy { block: false, mask_text: true, mask_input: true, ignore_input: false });
}

#[test]
fn open_policy_masks_nothing_but_secrets() {
    let o = open();
    let p = o.element_policy(&El::new("p"));
    assert!(!p.mask_text && !p.mask_input && !p.block && !p.ignore_input);
    assert!(o.element_policy(&El::new("input").attr("type", "password")).mask_input);
    assert!(!o.element_policy(&El::new("input").attr("type", "password")).mask_text);
}

#[test]
fn block_by_class_and_selector() {
    let o = PrivacyOptions { block_selector: Some("[data-private]".into()), ..opts() };
    assert!(o.element_policy(&El::new("div").class("rr-block")).block);
    assert!(o.element_policy(&El::new("img").in_sel("[data-private]")).block);
    assert!(!o.element_policy(&El::new("div")).block);
    // The class test is on the element itself (the recorder stops at a blocked ancestor).
    assert!(!o.element_policy(&El::new("div").in_class("rr-block")).block);
    // Empty block class / blank selector block nothing.
    let none = PrivacyOptions { block_class: String::new(), block_selector: Some("  ".into()), ..opts() };
    assert!(!none.element_policy(&El::new("div").class("rr-block")).block);
    let custom = PrivacyOptions { block_class: "secret-box".into(), ..opts() };
    assert!(custom.element_policy(&El::new("div").class("secret-box")).block);
}

#[test]
fn unmask_allow_list() {
    let o = PrivacyOptions { unmask_selector: Some(".public".into()), ..opts() };
    let p = o.element_policy(&El::new("span").in_class("public"));
    assert!(!p.mask_text && !p.mask_input);
    let outside = o.element_policy(&El::new("span"));
    assert!(outside.mask_text && outside.mask_input);
}

#[test]
fn explicit_mask_wins_over_unmask() {
    let o = PrivacyOptions {
        unmask_selector: Some(".public".into()),
        mask_text_selector: Some("[data-pii]".into()),
        ..opts()
    };
    let by_class = o.element_policy(&El::new("span").in_class("public").in_class("rr-mask"));
    assert!(by_class.mask_text && by_class.mask_input);
    let by_sel = o.element_policy(&El::new("span").in_class("public").in_sel("[data-pii]"));
    assert!(by_sel.mask_text && by_sel.mask_input);
    // With everything open, the explicit mask still masks.
    let o2 = PrivacyOptions { mask_text_selector: Some("[data-pii]".into()), ..open() };
    assert!(o2.element_policy(&El::new("b").in_sel("[data-pii]")).mask_text);
    assert!(o2.element_policy(&El::new("b").in_class("rr-mask")).mask_text);
}

#[test]
fn password_masked_even_when_unmasked() {
    let o = PrivacyOptions { unmask_selector: Some("form".into()), ..opts() };
    let pw = El::new("input").attr("type", "password").in_sel("form");
    assert!(o.element_policy(&pw).mask_input);
    assert_eq!(o.input_value(&pw, "hunter2"), "*******");
    let cc = El::new("input").attr("autocomplete", "cc-number").in_sel("form");
    assert_eq!(o.input_value(&cc, "4111 1111"), "*********");
    let plain = El::new("input").attr("type", "text").in_sel("form");
    assert_eq!(o.input_value(&plain, "hello"), "hello");
    assert_eq!(open().input_value(&El::new("input").attr("type", "password"), "pw"), "**");
}

#[test]
fn ignore_by_class_and_selector() {
    let o = PrivacyOptions { ignore_selector: Some("#search".into()), ..opts() };
    assert!(o.element_policy(&El::new("input").class("rr-ignore")).ignore_input);
    assert!(o.element_policy(&El::new("input").in_class("rr-ignore")).ignore_input);
    assert!(o.element_policy(&El::new("input").in_sel("#search")).ignore_input);
    assert!(!o.element_policy(&El::new("input")).ignore_input);
    // Ignore is independent of masking.
    assert!(o.element_policy(&El::new("input").class("rr-ignore")).mask_input);
}

#[test]
fn block_mask_ignore_together() {
    let el = El::new("input").class("rr-block").in_class("rr-mask").in_class("rr-ignore");
    let p = open().element_policy(&el);
    assert_eq!(p, NodePolicy { block: true, mask_text: true, mask_input: true, ignore_input: true });
}

// ----------------------------------------------------------------------------- text & inputs

#[test]
fn text_value_rules() {
    let o = opts();
    assert_eq!(o.text_value(&El::new("p"), "Hi Ann"), "** ***");
    assert_eq!(o.text_value(&El::new("style"), ".a{color:red}"), ".a{color:red}");
    assert_eq!(o.text_value(&El::new("script"), "window.user={}"), "SCRIPT_PLACEHOLDER");
    let u = open();
    assert_eq!(u.text_value(&El::new("p"), "Hi Ann"), "Hi Ann");
    assert_eq!(u.text_value(&El::new("style"), "x"), "x");
    // Textarea/option text follows the input policy too.
    let inputs_only = PrivacyOptions { mask_all_text: false, ..opts() };
    assert_eq!(inputs_only.text_value(&El::new("textarea"), "my note"), "** ****");
    assert_eq!(inputs_only.text_value(&El::new("option"), "Ms"), "**");
    assert_eq!(inputs_only.text_value(&El::new("p"), "Ms"), "Ms");
    let unmask = PrivacyOptions { unmask_selector: Some(".ok".into()), ..opts() };
    assert_eq!(unmask.text_value(&El::new("p").in_class("ok"), "Hi"), "Hi");
    // The precomputed-policy form agrees.
    let masked = NodePolicy { mask_text: true, ..NodePolicy::default() };
    assert_eq!(opts().text_value_for("p", masked, "a b"), "* *");
    assert_eq!(opts().text_value_for("p", NodePolicy::default(), "a b"), "a b");
    assert_eq!(opts().text_value_for("style", masked, "a{}"), "a{}");
    let input_only = NodePolicy { mask_input: true, ..NodePolicy::default() };
    assert_eq!(opts().text_value_for("textarea", input_only, "ab"), "**");
}

#[test]
fn input_value_rules() {
    let o = opts();
    assert_eq!(o.input_value(&El::new("input").attr("type", "email"), "a@b.c"), "*****");
    assert_eq!(o.input_value(&El::new("textarea"), "two words"), "*********");
    assert_eq!(o.input_value(&El::new("select"), "fr"), "**");
    // Submit buttons' values are labels: masked as text.
    let submit = El::new("input").attr("type", "submit");
    assert_eq!(o.input_value(&submit, "Send it"), "*******");
    let text_open = PrivacyOptions { mask_all_text: false, ..opts() };
    assert_eq!(text_open.input_value(&submit, "Send"), "Send");
    assert_eq!(text_open.input_value(&El::new("input"), "x y"), "***");
    assert_eq!(open().input_value(&El::new("input"), "visible"), "visible");
}

// ----------------------------------------------------------------------------- attributes

#[test]
fn text_attributes_masked_with_text() {
    let o = opts();
    let el = El::new("input");
    for a in ["title", "placeholder", "aria-label", "alt", "aria-description"] {
        assert_eq!(o.attribute_value(&el, a, "Jane Doe", ORIGIN).as_deref(), Some("**** ***"), "{a}");
    }
    assert_eq!(o.attribute_value(&el, "Title", "Jane", ORIGIN).as_deref(), Some("****"));
    assert_eq!(o.attribute_value(&el, "class", "btn primary", ORIGIN).as_deref(), Some("btn primary"));
    assert_eq!(o.attribute_value(&el, "id", "main", ORIGIN).as_deref(), Some("main"));
    assert_eq!(open().attribute_value(&el, "title", "Jane", ORIGIN).as_deref(), Some("Jane"));
}

#[test]
fn value_attribute_masked_with_inputs() {
    let o = opts();
    assert_eq!(o.attribute_value(&El::new("input"), "value", "secret", ORIGIN).as_deref(), Some("******"));
    assert_eq!(o.attribute_value(&El::new("option"), "value", "fr", ORIGIN).as_deref(), Some("**"));
    assert_eq!(o.attribute_value(&El::new("li"), "value", "3", ORIGIN).as_deref(), Some("3"));
    assert_eq!(o.attribute_value(&El::new("progress"), "value", "70", ORIGIN).as_deref(), Some("70"));
    let u = open();
    assert_eq!(u.attribute_value(&El::new("input"), "value", "ok", ORIGIN).as_deref(), Some("ok"));
    let pw = El::new("input").attr("type", "password");
    assert_eq!(u.attribute_value(&pw, "value", "pw", ORIGIN).as_deref(), Some("**"));
}

#[test]
fn dropped_attributes() {
    let o = opts();
    assert_eq!(o.attribute_value(&El::new("script"), "nonce", "abc", ORIGIN), None);
    assert_eq!(o.attribute_value(&El::new("iframe"), "srcdoc", "<p>Hi</p>", ORIGIN), None);
    assert_eq!(open().attribute_value(&El::new("iframe"), "srcdoc", "<p>Hi</p>", ORIGIN).as_deref(), Some("<p>Hi</p>"));
}

#[test]
fn meta_content_masked_only_for_text_metadata() {
    let o = opts();
    let desc = El::new("meta").attr("name", "description");
    assert_eq!(o.attribute_value(&desc, "content", "Ann's page", ORIGIN).as_deref(), Some("***** ****"));
    let og = El::new("meta").attr("property", "og:title");
    assert_eq!(o.attribute_value(&og, "content", "Ann", ORIGIN).as_deref(), Some("***"));
    let vp = El::new("meta").attr("name", "viewport");
    assert_eq!(o.attribute_value(&vp, "content", "width=device-width", ORIGIN).as_deref(), Some("width=device-width"));
}

#[test]
fn same_origin_url_attributes_scrubbed() {
    let o = opts();
    let a = El::new("a");
    assert_eq!(
        o.attribute_value(&a, "href", "https://app.example.com/reset?token=abc#x", ORIGIN).as_deref(),
        Some("https://app.example.com/reset")
    );
    assert_eq!(
        o.attribute_value(&El::new("form"), "action", "/search?q=ann", ORIGIN).as_deref(),
        Some("https://app.example.com/search")
    );
    assert_eq!(
        o.attribute_value(&El::new("img"), "src", "/avatars/1.png?email=a@b.com", ORIGIN).as_deref(),
        Some("https://app.example.com/avatars/1.png")
    );
    // Nothing to strip: unchanged spelling.
    assert_eq!(
        o.attribute_value(&a, "href", "https://app.example.com/docs", ORIGIN).as_deref(),
        Some("https://app.example.com/docs")
    );
}

#[test]
fn other_origin_urls_stripped_and_other_schemes_untouched_in_attributes() {
    let o = opts();
    let a = El::new("a");
    for (v, want) in [
        ("https://cdn.other.com/x.js?v=3", "https://cdn.other.com/x.js"),
        ("http://app.example.com/x?y=1", "http://app.example.com/x"), // other scheme: other origin
        ("https://api.example.com/x?y=1", "https://api.example.com/x"),
        ("//cdn.other.com/a.css?v=2", "https://cdn.other.com/a.css"),
        ("https://cdn.other.com/x.js", "https://cdn.other.com/x.js"),
    ] {
        assert_eq!(o.attribute_value(&a, "href", v, ORIGIN).as_deref(), Some(want), "{v}");
    }
    for v in ["data:image/png;base64,iVBOR?x", "javascript:void(0)", "blob:https://app.example.com/1234"] {
        assert_eq!(o.attribute_value(&a, "href", v, ORIGIN).as_deref(), Some(v), "{v}");
    }
    let keep = PrivacyOptions { strip_url_query: false, ..opts() };
    assert_eq!(keep.attribute_value(&a, "href", "/x?q=1", ORIGIN).as_deref(), Some("/x?q=1"));
}

#[test]
fn relative_urls_resolved_against_page() {
    let o = opts();
    let img = El::new("img");
    assert_eq!(
        o.attribute_value(&img, "src", "pic.png?s=1", ORIGIN).as_deref(),
        Some("https://app.example.com/pic.png")
    );
    // With the full page URL, path-relative URLs resolve against the page's directory.
    let page = "https://app.example.com/users/42/profile?tab=1";
    assert_eq!(
        o.attribute_value(&img, "src", "pic.png?s=1", page).as_deref(),
        Some("https://app.example.com/users/42/pic.png")
    );
    assert_eq!(
        o.attribute_value(&El::new("a"), "href", "?page=2#x", page).as_deref(),
        Some("https://app.example.com/users/42/profile")
    );
    // Same-document references stay (SVG sprites, in-page anchors).
    assert_eq!(o.attribute_value(&El::new("a"), "href", "#section", page).as_deref(), Some("#section"));
    assert_eq!(o.attribute_value(&El::new("use"), "xlink:href", "#icon-x", page).as_deref(), Some("#icon-x"));
    assert_eq!(o.attribute_value(&El::new("a"), "href", "", page).as_deref(), Some(""));
}

#[test]
fn srcset_and_ping_scrubbed_per_url() {
    let o = opts();
    let img = El::new("img");
    assert_eq!(
        o.attribute_value(&img, "srcset", "/a.png?u=1 1x, https://cdn.other.com/b.png?u=2 2x", ORIGIN).as_deref(),
        Some("https://app.example.com/a.png 1x, https://cdn.other.com/b.png 2x")
    );
    assert_eq!(
        o.attribute_value(&img, "srcset", "/a.png?x=1", ORIGIN).as_deref(),
        Some("https://app.example.com/a.png")
    );
    assert_eq!(
        o.attribute_value(&El::new("a"), "ping", "/p?id=1 https://t.other.com/p?id=2", ORIGIN).as_deref(),
        Some("https://app.example.com/p https://t.other.com/p")
    );
}

#[test]
fn contact_links_redacted_when_text_masked() {
    let o = opts();
    let a = El::new("a");
    assert_eq!(
        o.attribute_value(&a, "href", "mailto:ann@example.com", ORIGIN).as_deref(),
        Some("mailto:[REDACTED:email]")
    );
    assert_eq!(o.attribute_value(&a, "href", "tel:+1-555-123-4567", ORIGIN).as_deref(), Some("tel:[REDACTED:phone]"));
    assert_eq!(
        open().attribute_value(&a, "href", "mailto:ann@example.com", ORIGIN).as_deref(),
        Some("mailto:ann@example.com")
    );
}

// ----------------------------------------------------------------------------- scrub_url

#[test]
fn scrub_url_keeps_path_strips_query_and_hash() {
    let o = opts();
    assert_eq!(o.scrub_url("https://app.example.com/a/b?x=1&y=2#frag", ORIGIN), "https://app.example.com/a/b");
    assert_eq!(o.scrub_url("https://app.example.com/a/b#/route/1", ORIGIN), "https://app.example.com/a/b");
    assert_eq!(o.scrub_url("https://app.example.com:8443/p?x", ORIGIN), "https://app.example.com:8443/p");
    // Any origin (Meta href, network URLs).
    assert_eq!(o.scrub_url("https://api.other.com/v1/users?email=a@b.com", ORIGIN), "https://api.other.com/v1/users");
    // Relative → absolute.
    assert_eq!(o.scrub_url("/path?q=1", ORIGIN), "https://app.example.com/path");
    // Nothing to strip: unchanged.
    assert_eq!(o.scrub_url("https://app.example.com/x", ORIGIN), "https://app.example.com/x");
    // Other schemes unchanged; unparseable cut textually.
    assert_eq!(o.scrub_url("mailto:a@b.com?subject=x", ORIGIN), "mailto:a@b.com?subject=x");
    assert_eq!(o.scrub_url("/x?y=1", "not a url"), "/x");
    assert_eq!(o.scrub_url("http://[::1?x=1", ORIGIN), "http://[::1");
    assert_eq!(o.scrub_url("https://ann:pw@app.example.com/x", ORIGIN), "https://app.example.com/x");
    let keep = PrivacyOptions { strip_url_query: false, ..opts() };
    assert_eq!(keep.scrub_url("https://a.com/?q=1#h", ORIGIN), "https://a.com/?q=1#h");
}

// ----------------------------------------------------------------------------- redact

// PII redaction of text and JSON: in its own file (this one was past 900 lines).
#[path = "tests_redact.rs"]
mod redact_text;

// ----------------------------------------------------------------------------- URL parity

include!("../../tests/support/url_cases.rs");

/// The shared table (also run in Chromium by tests/record_web.rs with the browser's `URL`).
#[test]
fn url_cases_with_the_url_crate() {
    let o = opts();
    for &(tag, attr, value, page, expected) in URL_CASES {
        let got = if attr.is_empty() {
            o.scrub_url(value, page)
        } else {
            o.attribute_value(&El::new(tag), attr, value, page).unwrap_or_default()
        };
        assert_eq!(got, expected, "{tag} {attr} {value:?} on {page}");
    }
}

#[test]
fn absolutize_resolves_like_rrweb() {
    use super::url::absolutize;
    assert_eq!(absolutize("img/a.png?x", "https://a.example/p/q").as_deref(), Some("https://a.example/p/img/a.png?x"));
    assert_eq!(absolutize("https://b.example", "https://a.example/").as_deref(), Some("https://b.example/"));
    assert_eq!(absolutize("/x", "not a base"), None);
}

include!("../../tests/support/pattern_cases.rs");

#[test]
fn pattern_cases_with_regex_lite() {
    for (patterns, text, want) in PATTERN_CASES {
        let o = PrivacyOptions { redact_patterns: patterns.iter().map(|p| p.to_string()).collect(), ..opts() };
        assert_eq!(o.redact(text), *want, "{patterns:?} on {text:?}");
    }
    let (text, n) = pattern_window_text();
    let o = PrivacyOptions { redact_patterns: vec![r"ID-[0-9a-f]{4,40}".into()], ..opts() };
    let red = o.redact(&text);
    assert_eq!(red.matches("[REDACTED:custom]").count(), n);
    assert!(!red.contains("ID-"));
}

#[test]
fn find_str_finds_what_str_find_finds() {
    for (hay, needle) in [
        ("", ""),
        ("abc", ""),
        ("", "a"),
        ("a", "a"),
        ("ab", "abc"),
        ("xxabcabc", "abc"),
        ("aaab", "aab"),
        ("cardnumber", "pan"),
        ("{\"type\":3,\"data\":{\"source\":2}}", "\"source\":"),
        ("päßwörd: secret", "secret"),
        ("ßß", "ß"),
    ] {
        assert_eq!(super::find_str(hay, needle), hay.find(needle), "{hay:?} / {needle:?}");
    }
}

#[test]
fn secrets_among_multibyte_text_are_redacted_and_the_text_around_kept_exactly() {
    // Every scanner slices the text by byte offsets it found; multi-byte neighbours (2, 3 and
    // 4 bytes) on both sides check that each slice lands on the intended boundaries — a wrong
    // one would lose or keep text here, whatever the panic path is.
    let secrets = [
        ("ann.lee+work@mail.example.co.uk", "email"),
        ("4111 1111 1111 1111", "card"),
        ("+44 20 7946 0958", "phone"),
        ("123-45-6789", "ssn"),
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "token"),
        ("ID-00ff00ff", "custom"),
    ];
    let fillers: Vec<char> = "é世📞ß語👋".chars().collect();
    let o = PrivacyOptions { redact_patterns: vec![r"ID-[0-9a-f]{8}".into()], ..opts() };
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for _ in 0..500 {
        let mut filler = || (0..next(9)).map(|_| fillers[next(fillers.len())]).collect::<String>();
        let (before, between, after) = (filler(), filler(), filler());
        let (first, first_kind) = secrets[next(secrets.len())];
        let (second, second_kind) = secrets[next(secrets.len())];
        let text = format!("{before} {first} {between} {second} {after}");
        let want = format!("{before} [REDACTED:{first_kind}] {between} [REDACTED:{second_kind}] {after}");
        assert_eq!(o.redact(&text), want, "{text:?}");
        let masked = mask_text(&text);
        assert_eq!(masked.chars().count(), text.chars().count(), "{text:?}");
        assert!(masked.chars().all(|c| c == '*' || c.is_whitespace()), "{masked:?}");
    }
}

// The second line of defence: URLs in paths, text and attributes, numeric cards,
// email keys, SSNs in context, fixed-length masks. In their own file: this one is long.
#[path = "tests_defence.rs"]
mod defence;
