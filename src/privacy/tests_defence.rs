//! Unit tests for the privacy rules of the second line of defence, with the cases an audit
//! found leaking: `zelda@example.org` in paths, links, stack traces, keys and numbers.

use serde_json::json;

use super::super::mask::{MaskLength, FIXED_MASK};
use super::super::redact::{card_number_marker, path_segment_kind, walk_json, PiiKind};
use super::{opts, El, ORIGIN};
use crate::privacy::PrivacyOptions;

// ----------------------------------------------------------------------------- URL paths

#[test]
fn path_segments_with_pii_are_redacted() {
    let o = opts();
    let a = El::new("a");
    let img = El::new("img");
    let cases = [
        (&a, "href", "/user/zelda@example.org/profile", "https://app.example.com/user/[REDACTED:email]/profile"),
        (&img, "src", "/avatar/zelda@example.org.png", "https://app.example.com/avatar/[REDACTED:email]"),
        (&img, "src", "/avatar/zelda%40example.org.png", "https://app.example.com/avatar/[REDACTED:email]"),
        (
            &a,
            "href",
            "/r/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ6ZWxkYSJ9.c2lnbmF0dXJl/x",
            "https://app.example.com/r/[REDACTED:token]/x",
        ),
        (&a, "href", "/reset/9f86d081884c7d659a2feaa0c55ad015", "https://app.example.com/reset/[REDACTED:token]"),
        (&a, "href", "/invite/Xk3pQ9zL2mT7vB1nR8sW4yA6", "https://app.example.com/invite/[REDACTED:token]"),
        (&a, "href", "/cards/4111111111111111/edit", "https://app.example.com/cards/[REDACTED:card]/edit"),
    ];
    for (el, attr, value, want) in cases {
        assert_eq!(o.attribute_value(el, attr, value, ORIGIN).as_deref(), Some(want), "{value}");
    }
    // Ordinary segments stay: ids, slugs, dates, file names, camel-case words, short hex.
    for path in [
        "/users/42/profile",
        "/blog/2026-11-21/introduction-to-rust-programming",
        "/assets/ProductDetailsPageVersion2024.js",
        "/img/icon@2x.png",
        "/commit/9f86d081",
        "/orders/550e8400-e29b-41d4-a716-446655440000",
    ] {
        let want = format!("{ORIGIN}{path}");
        assert_eq!(o.attribute_value(&a, "href", path, ORIGIN).as_deref(), Some(want.as_str()), "{path}");
    }
    // The page's own URL (Meta href, route changes) and network URLs too.
    assert_eq!(
        o.scrub_url("https://app.example.com/user/zelda@example.org/profile?tab=1", ORIGIN),
        "https://app.example.com/user/[REDACTED:email]/profile"
    );
    // With stripping off, paths are still redacted.
    let keep = PrivacyOptions { strip_url_query: false, ..opts() };
    assert_eq!(keep.scrub_url("/user/zelda@example.org?x=1", ORIGIN), "/user/[REDACTED:email]?x=1");
}

#[test]
fn path_segment_kinds() {
    assert_eq!(path_segment_kind("zelda@example.org"), Some(PiiKind::Email));
    assert_eq!(path_segment_kind("zelda%40example.org.png"), Some(PiiKind::Email));
    assert_eq!(path_segment_kind("0123456789ABCDEF0123456789abcdef"), Some(PiiKind::Token));
    assert_eq!(path_segment_kind("0123456789abcdef0123456789abcde"), None, "31 hex digits");
    assert_eq!(path_segment_kind("Xk3pQ9zL2mT7vB1nR8sW4yA6"), Some(PiiKind::Token));
    assert_eq!(path_segment_kind("Xk3pQ9zL2mT7vB1nR8sW4yA"), None, "23 chars");
    assert_eq!(path_segment_kind("123-45-6789"), Some(PiiKind::Ssn));
    for plain in ["", "users", "42", "profile.png", "2026-11-21", "ProductDetailsPageVersion2024", "v1"] {
        assert_eq!(path_segment_kind(plain), None, "{plain}");
    }
}

// ----------------------------------------------------------------------------- cross-origin

#[test]
fn cross_origin_urls_lose_query_and_hash_unless_allow_listed() {
    let o = opts();
    let a = El::new("a");
    let reset = "https://other.example/reset?token=abc123XYZ&email=zelda%40example.org";
    assert_eq!(o.attribute_value(&a, "href", reset, ORIGIN).as_deref(), Some("https://other.example/reset"));
    let cb = "https://other.example/cb#access_token=abc123XYZ";
    assert_eq!(o.attribute_value(&a, "href", cb, ORIGIN).as_deref(), Some("https://other.example/cb"));
    assert_eq!(o.attribute_value(&a, "href", "#access_token=abc123XYZ", ORIGIN).as_deref(), Some("#"));
    assert_eq!(o.attribute_value(&a, "href", "#top", ORIGIN).as_deref(), Some("#top"));
    assert_eq!(o.attribute_value(&a, "href", "#/products/42", ORIGIN).as_deref(), Some("#/products/42"));
    assert_eq!(
        o.attribute_value(&a, "href", "#/user/zelda%40example.org", ORIGIN).as_deref(),
        Some("#/user/[REDACTED:email]")
    );
    assert_eq!(o.attribute_value(&a, "href", "#/search?q=zelda", ORIGIN).as_deref(), Some("#"));

    let allow = PrivacyOptions { keep_query_origins: vec!["https://cdn.example/".into()], ..opts() };
    let img = El::new("img");
    let signed = "https://CDN.example/a.png?sig=abc#x";
    assert_eq!(allow.attribute_value(&img, "src", signed, ORIGIN).as_deref(), Some(signed));
    assert_eq!(
        allow.attribute_value(&img, "src", "https://cdn.example:8443/a.png?sig=abc", ORIGIN).as_deref(),
        Some("https://cdn.example:8443/a.png"),
        "another port is another origin"
    );
    // Allow-listed or not, PII path segments go.
    assert_eq!(
        allow.attribute_value(&img, "src", "https://cdn.example/u/zelda@example.org/a.png?sig=1", ORIGIN).as_deref(),
        Some("https://cdn.example/u/[REDACTED:email]/a.png?sig=1")
    );
    // The allow-list is for attributes and console text; the page's own URL is always stripped.
    let page = PrivacyOptions { keep_query_origins: vec![ORIGIN.into()], ..opts() };
    assert_eq!(page.scrub_url("https://app.example.com/a?b=1", ORIGIN), "https://app.example.com/a");
}

#[test]
fn options_deserialize_from_camel_case() {
    let o: PrivacyOptions =
        serde_json::from_value(json!({"keepQueryOrigins": ["https://cdn.example"], "maskLength": "fixed"})).unwrap();
    assert_eq!(o.keep_query_origins, vec!["https://cdn.example".to_string()]);
    assert_eq!(o.mask_length, MaskLength::Fixed);
    let d: PrivacyOptions = serde_json::from_value(json!({"keepQueryOrigins": null})).unwrap();
    assert!(d.keep_query_origins.is_empty());
    assert_eq!(d.mask_length, MaskLength::Char);
    assert!(serde_json::from_value::<PrivacyOptions>(json!({"maskLength": "short"})).is_err());
}

// ----------------------------------------------------------------------------- console text

#[test]
fn stack_trace_urls_lose_query_and_keep_position() {
    let o = opts();
    let line = "handler (https://app.example.com/spa.html?email=zelda%40example.org&session=s3cr3tS3ss10n:70:13)";
    assert_eq!(o.redact_console(line), "handler (https://app.example.com/spa.html:70:13)");
    assert_eq!(
        o.redact_console("https://app.example.com/spa.html#token=abc:12"),
        "https://app.example.com/spa.html:12"
    );
    assert_eq!(
        o.redact_console("at https://app.example.com/user/zelda@example.org/app.js:1:2"),
        "at https://app.example.com/user/[REDACTED:email]/app.js:1:2"
    );
    assert_eq!(
        o.redact_console("GET \"https://other.example/reset?token=abc&email=x\" failed"),
        "GET \"https://other.example/reset\" failed"
    );
    // Nothing to strip: as is.
    assert_eq!(
        o.redact_console("at f (https://app.example.com/app.js:1:2)"),
        "at f (https://app.example.com/app.js:1:2)"
    );
    let allow = PrivacyOptions { keep_query_origins: vec!["https://cdn.example".into()], ..opts() };
    assert_eq!(allow.redact_console("see https://cdn.example/a.js?v=2"), "see https://cdn.example/a.js?v=2");
    let keep = PrivacyOptions { strip_url_query: false, ..opts() };
    assert_eq!(keep.redact_console("https://a.example/x?v=2"), "https://a.example/x?v=2");
}

#[test]
fn percent_encoded_pii_in_text_is_redacted() {
    let o = opts();
    assert_eq!(o.redact("signup failed for zelda%40example.org"), "signup failed for [REDACTED:email]");
    assert_eq!(
        o.redact("next=%2Fhome&who=zelda%40example.org&x=%E2%9C%93"),
        "next=%2Fhome&who=[REDACTED:email]&x=%E2%9C%93"
    );
    assert_eq!(o.redact("card 4111%201111%201111%201111 ok"), "card [REDACTED:card] ok");
    assert_eq!(o.redact("50%25 off"), "50%25 off", "decoding changes nothing else");
    assert_eq!(o.redact("%zz%4"), "%zz%4");
    assert_eq!(o.redact_console("zelda%40example.org"), "[REDACTED:email]");
}

// ----------------------------------------------------------------------------- numbers, keys, SSNs

#[test]
fn numeric_cards_email_keys_and_ssns_in_json() {
    let o = opts();
    let mut v = json!({
        "order": {"card": 4111111111111111u64, "total": 4200, "ts": 1764547200000u64},
        "zelda@example.org": {"plan": "pro"},
        "note": "ssn 123456789",
        "list": [5555555555554444u64, 12, 3.5],
    });
    o.redact_json(&mut v);
    assert_eq!(v["order"], json!({"card": "[REDACTED:card]", "total": 4200, "ts": 1764547200000u64}));
    assert_eq!(v["[REDACTED:email]"], json!({"plan": "pro"}));
    assert_eq!(v["note"], "ssn [REDACTED:ssn]");
    assert_eq!(v["list"], json!(["[REDACTED:card]", 12, 3.5]));
    let text = v.to_string();
    assert!(!text.contains("zelda") && !text.contains("4111111111111111"), "{text}");
}

#[test]
fn colliding_redacted_keys_keep_every_value() {
    let mut v = json!({"a@example.org": 1, "b@example.org": 2});
    let mut replaced = Vec::new();
    walk_json(&mut v, |s| *s = opts().redact(s), |old| replaced.push(old));
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "{v}");
    assert!(obj.contains_key("[REDACTED:email]") && obj.contains_key("[REDACTED:email] #2"), "{v}");
    assert!(replaced.is_empty());
    let mut n = json!([4111111111111111u64]);
    walk_json(&mut n, |_| {}, |old| replaced.push(old));
    assert_eq!(replaced, vec![json!(4111111111111111u64)], "a replaced number is reported");
}

#[test]
fn card_number_marker_only_for_card_numbers() {
    assert_eq!(card_number_marker("4111111111111111"), Some("[REDACTED:card]"));
    assert_eq!(card_number_marker("4111111111111112"), None, "Luhn");
    assert_eq!(card_number_marker("1764547200000"), None, "epoch ms");
    assert_eq!(card_number_marker("4111111111111111.5"), None);
    assert_eq!(card_number_marker("-4111111111111111"), None);
    assert_eq!(card_number_marker(""), None);
}

#[test]
fn ssns_without_dashes_only_in_context() {
    let o = opts();
    for (text, want) in [
        ("ssn 123456789", "ssn [REDACTED:ssn]"),
        ("SSN: 123456789", "SSN: [REDACTED:ssn]"),
        ("{\"userSsn\":\"x\",\"n\":\"social security number 123456789\"}", "[REDACTED:ssn]"),
        ("Social-Security #123456789.", "Social-Security #[REDACTED:ssn]."),
        ("order 123456789", "order 123456789"),
        ("ssn 000456789", "ssn 000456789"),
        ("lessn 123456789", "lessn 123456789"),
        ("123-45-6789", "[REDACTED:ssn]"),
    ] {
        let got = o.redact(text);
        assert!(got.contains(want), "{text:?} → {got:?}");
    }
}

// ----------------------------------------------------------------------------- attributes

#[test]
fn data_and_value_attributes_follow_the_text_mask() {
    let o = opts();
    let div = El::new("div");
    assert_eq!(
        o.attribute_value(&div, "data-user-email", "zelda@example.org", ORIGIN).as_deref(),
        Some("*****************")
    );
    assert_eq!(o.attribute_value(&El::new("button"), "value", "zelda", ORIGIN).as_deref(), Some("*****"));
    assert_eq!(o.attribute_value(&El::new("data"), "value", "4111", ORIGIN).as_deref(), Some("****"));
    // Layout numbers stay.
    assert_eq!(o.attribute_value(&El::new("li"), "value", "3", ORIGIN).as_deref(), Some("3"));
    assert_eq!(o.attribute_value(&El::new("progress"), "value", "70", ORIGIN).as_deref(), Some("70"));
    // Unmasked by a selector, or with text masking off: kept.
    let un = PrivacyOptions { unmask_selector: Some(".public".into()), ..opts() };
    let public = El::new("div").in_class("public");
    assert_eq!(un.attribute_value(&public, "data-state", "open", ORIGIN).as_deref(), Some("open"));
    let open = PrivacyOptions { mask_all_text: false, ..opts() };
    assert_eq!(open.attribute_value(&div, "data-state", "open", ORIGIN).as_deref(), Some("open"));
    // rr-mask wins over the unmask selector.
    assert_eq!(
        un.attribute_value(&El::new("div").in_class("public").in_class("rr-mask"), "data-x", "ab", ORIGIN).as_deref(),
        Some("**")
    );
    assert_eq!(o.attribute_value(&El::new("a"), "download", "zelda.pdf", ORIGIN).as_deref(), Some("*********"));
    // Test hooks stay (the analyzer names targets by them), PII-redacted.
    assert_eq!(o.attribute_value(&div, "data-testid", "sign-in", ORIGIN).as_deref(), Some("sign-in"));
    assert_eq!(
        o.attribute_value(&div, "data-cy", "row:zelda@example.org", ORIGIN).as_deref(),
        Some("row:[REDACTED:email]")
    );
}

#[test]
fn meta_content_kept_only_for_the_safe_list() {
    let o = opts();
    for (attr, name) in [("name", "viewport"), ("name", "color-scheme"), ("name", "theme-color"), ("name", "robots")] {
        let meta = El::new("meta").attr(attr, name);
        assert_eq!(o.attribute_value(&meta, "content", "v", ORIGIN).as_deref(), Some("v"), "{name}");
    }
    let ct = El::new("meta").attr("http-equiv", "Content-Type");
    assert_eq!(
        o.attribute_value(&ct, "content", "text/html; charset=utf-8", ORIGIN).as_deref(),
        Some("text/html; charset=utf-8")
    );
    for name in ["csrf-token", "user-email", "api-key", "app-config"] {
        let meta = El::new("meta").attr("name", name);
        assert_eq!(o.attribute_value(&meta, "content", "zelda@example.org", ORIGIN), None, "{name}");
        // Whatever the text mask says.
        let open = PrivacyOptions { mask_all_text: false, ..opts() };
        assert_eq!(open.attribute_value(&meta, "content", "zelda@example.org", ORIGIN), None, "{name}");
    }
    let refresh = El::new("meta").attr("http-equiv", "refresh");
    assert_eq!(o.attribute_value(&refresh, "content", "0;url=/x?token=1", ORIGIN), None);
    let desc = El::new("meta").attr("name", "description");
    assert_eq!(o.attribute_value(&desc, "content", "Ann", ORIGIN).as_deref(), Some("***"));
}

#[test]
fn style_urls_javascript_and_data_urls() {
    let o = opts();
    let div = El::new("div");
    assert_eq!(
        o.attribute_value(&div, "style", "background: URL( \"/bg.png?token=abc\" ) no-repeat; color: red", ORIGIN)
            .as_deref(),
        Some("background: URL( \"https://app.example.com/bg.png\" ) no-repeat; color: red")
    );
    assert_eq!(
        o.attribute_value(&div, "style", "background:url(https://cdn.other.com/a.png?t=1),url('b.png#x')", ORIGIN)
            .as_deref(),
        Some("background:url(https://cdn.other.com/a.png),url('https://app.example.com/b.png')")
    );
    assert_eq!(o.attribute_value(&div, "style", "color: red", ORIGIN).as_deref(), Some("color: red"));
    let a = El::new("a");
    assert_eq!(
        o.attribute_value(&a, "href", " java\tscript:send('zelda@example.org')", ORIGIN).as_deref(),
        Some("javascript:void(0)")
    );
    assert_eq!(o.attribute_value(&a, "href", "data:text/plain,zelda@example.org", ORIGIN).as_deref(), Some("data:,"));
    assert_eq!(o.attribute_value(&a, "href", "data:,zelda@example.org", ORIGIN).as_deref(), Some("data:,"));
    let png = "data:image/png;base64,iVBORw0KGgo=";
    assert_eq!(o.attribute_value(&El::new("img"), "src", png, ORIGIN).as_deref(), Some(png));
    let font = "data:font/woff2;base64,d09GMgAB";
    assert_eq!(o.attribute_value(&div, "style", &format!("src:url({font})"), ORIGIN), Some(format!("src:url({font})")));
}

#[test]
fn css_text_urls_lose_their_query() {
    let o = opts();
    let style = El::new("style");
    let css = ".a{background:url(https://cdn.other.com/a.png?token=tY7uI9oPzX)} .b{background:URL( '/b.png?t=1#x' )}";
    let want = ".a{background:url(https://cdn.other.com/a.png)} .b{background:URL( '/b.png' )}";
    assert_eq!(o.text_value(&style, css), want, "<style> text");
    assert_eq!(o.css_text(css), want, "a sheet's rules (_cssText)");
    // The same rule inside the JSON of a style event (StyleSheetRule, StyleDeclaration,
    // AdoptedStyleSheet): the escaped quotes are kept, the JSON stays valid.
    let event = r#""adds":[{"rule":".c{background:url(\"https://x.test/c.png?token=abc\")}","index":0}]"#;
    let out = o.css_text(event);
    assert_eq!(out, r#""adds":[{"rule":".c{background:url(\"https://x.test/c.png\")}","index":0}]"#);
    let parsed: serde_json::Value = serde_json::from_str(&format!("{{{out}}}")).unwrap();
    assert_eq!(parsed["adds"][0]["rule"], ".c{background:url(\"https://x.test/c.png\")}");
    // What replay needs is kept: fragment references, drawn data: URLs, clean URLs, paths
    // without PII; path tokens are redacted.
    for kept in [
        "svg{filter:url(#blur)}",
        "@font-face{src:url(data:font/woff2;base64,d09GMgAB)}",
        "a{background:url(/img/a.png)} b{background:url(https://cdn.test/b.png)}",
        "a{color:red}",
    ] {
        assert_eq!(o.css_text(kept), kept);
    }
    assert_eq!(
        o.css_text("a{background:url(/u/zelda@example.org/a.png)}"),
        "a{background:url(/u/[REDACTED:email]/a.png)}"
    );
    // An app's allow-listed origin keeps its query, as in attributes.
    let keep = PrivacyOptions { keep_query_origins: vec!["https://cdn.test".into()], ..opts() };
    assert_eq!(
        keep.css_text("a{background:url(https://cdn.test/a.png?v=2)}"),
        "a{background:url(https://cdn.test/a.png?v=2)}"
    );
}

// ----------------------------------------------------------------------------- maskLength

#[test]
fn fixed_mask_length_hides_lengths_and_layout() {
    let fixed = PrivacyOptions { mask_length: MaskLength::Fixed, ..opts() };
    let input = El::new("input").attr("type", "password");
    assert_eq!(fixed.input_value(&input, "correct horse 15"), FIXED_MASK);
    assert_eq!(fixed.input_value(&El::new("input"), "4111 1111 1111 1111"), FIXED_MASK);
    assert_eq!(fixed.input_value(&El::new("input"), ""), "", "a cleared field stays empty");
    let p = El::new("p");
    assert_eq!(fixed.text_value(&p, "  Zelda  Example\n  lives here "), FIXED_MASK);
    assert_eq!(fixed.text_value(&p, "\n   "), "\n   ", "blank text says nothing");
    assert_eq!(fixed.attribute_value(&El::new("div"), "title", "Zelda", ORIGIN).as_deref(), Some(FIXED_MASK));
    // The default is rrweb's per-character mask.
    assert_eq!(opts().input_value(&input, "abc"), "***");
    assert_eq!(opts().text_value(&p, "a b"), "* *");
}
