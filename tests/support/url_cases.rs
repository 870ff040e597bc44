// URL-scrubbing cases shared by the native privacy tests (the `url` crate parses) and the
// browser tests in tests/record_web.rs (the page's own `URL` parses, see src/privacy/url.rs):
// both parsers must give the same answers. Included with `include!`; data only.
//
// (tag, attribute, value, page, expected): attribute "" means `PrivacyOptions::scrub_url`
// (any origin), otherwise `PrivacyOptions::attribute_value` on a `<tag>` (any origin too
// by default: `keep_query_origins` is empty), with the default (protective)
// options.
const URL_CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("", "", "https://app.example.com/a/b?x=1&y=2#frag", "https://app.example.com", "https://app.example.com/a/b"),
    ("", "", "https://app.example.com/a/b#/route/1", "https://app.example.com", "https://app.example.com/a/b"),
    ("", "", "https://app.example.com:8443/p?x", "https://app.example.com", "https://app.example.com:8443/p"),
    ("", "", "https://api.other.com/v1/users?email=a@b.com", "https://app.example.com", "https://api.other.com/v1/users"),
    ("", "", "/path?q=1", "https://app.example.com", "https://app.example.com/path"),
    ("", "", "https://app.example.com/x", "https://app.example.com", "https://app.example.com/x"),
    ("", "", "HTTPS://App.Example.com/x", "https://app.example.com", "HTTPS://App.Example.com/x"),
    ("", "", "mailto:a@b.com?subject=x", "https://app.example.com", "mailto:a@b.com?subject=x"),
    ("", "", "/x?y=1", "not a url", "/x"),
    ("", "", "http://[::1?x=1", "https://app.example.com", "http://[::1"),
    ("", "", "https://ann:pw@app.example.com/x", "https://app.example.com", "https://app.example.com/x"),
    ("", "", "https://bücher.example/p?q=1", "https://app.example.com", "https://xn--bcher-kva.example/p"),
    ("", "", "#top", "https://app.example.com", "#top"),
    ("a", "href", "/x?q=1", "https://app.example.com", "https://app.example.com/x"),
    ("a", "href", "https://cdn.other.com/x.js?v=3", "https://app.example.com", "https://cdn.other.com/x.js"),
    ("a", "href", "http://app.example.com/x?y=1", "https://app.example.com", "http://app.example.com/x"),
    ("a", "href", "//cdn.other.com/a.css?v=2", "https://app.example.com", "https://cdn.other.com/a.css"),
    ("a", "href", "https://other.example/reset?token=abc123&email=zelda%40example.org", "https://app.example.com", "https://other.example/reset"),
    ("a", "href", "https://other.example/cb#access_token=abc123", "https://app.example.com", "https://other.example/cb"),
    ("a", "href", "#access_token=abc123", "https://app.example.com", "#"),
    ("a", "href", "#/user/zelda@example.org", "https://app.example.com", "#/user/[REDACTED:email]"),
    ("a", "href", "#/products/42", "https://app.example.com", "#/products/42"),
    ("a", "href", "/user/zelda@example.org/profile", "https://app.example.com", "https://app.example.com/user/[REDACTED:email]/profile"),
    ("img", "src", "avatar/zelda@example.org.png", "https://app.example.com/u/", "https://app.example.com/u/avatar/[REDACTED:email]"),
    ("img", "src", "https://cdn.other.com/u/zelda%40example.org/a.png", "https://app.example.com", "https://cdn.other.com/u/[REDACTED:email]/a.png"),
    ("a", "href", "/reset/0123456789abcdef0123456789abcdef", "https://app.example.com", "https://app.example.com/reset/[REDACTED:token]"),
    ("a", "href", "JavaScript:alert('zelda@example.org')", "https://app.example.com", "javascript:void(0)"),
    ("a", "href", "data:text/html,<p>zelda@example.org</p>", "https://app.example.com", "data:,"),
    ("", "", "https://app.example.com/user/zelda@example.org?x=1", "https://app.example.com", "https://app.example.com/user/[REDACTED:email]"),
    ("a", "href", "//app.example.com/a.css?v=2", "https://app.example.com", "https://app.example.com/a.css"),
    ("a", "href", "data:image/png;base64,iVBOR?x", "https://app.example.com", "data:image/png;base64,iVBOR?x"),
    ("a", "href", "blob:https://app.example.com/1234", "https://app.example.com", "blob:https://app.example.com/1234"),
    ("a", "href", "?page=2#x", "https://app.example.com/users/42/profile?tab=1", "https://app.example.com/users/42/profile"),
    ("a", "href", "../up?x=1", "https://app.example.com/users/42/profile", "https://app.example.com/users/up"),
    ("a", "href", "#section", "https://app.example.com/users/42/profile", "#section"),
    ("img", "src", "pic.png?s=1", "https://app.example.com/users/42/profile?tab=1", "https://app.example.com/users/42/pic.png"),
    ("img", "src", " /a b.png?s=1 ", "https://app.example.com", "https://app.example.com/a%20b.png"),
    (
        "img",
        "srcset",
        "/a.png?u=1 1x, https://cdn.other.com/b.png?u=2 2x",
        "https://app.example.com",
        "https://app.example.com/a.png 1x, https://cdn.other.com/b.png 2x",
    ),
    ("a", "ping", "/p?id=1 https://t.other.com/p?id=2", "https://app.example.com", "https://app.example.com/p https://t.other.com/p"),
];
