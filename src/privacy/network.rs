//! Network capture policy (opt-in, `init({capture: {network}})`): which requests are recorded,
//! which of their headers and bodies, how large, and the payload written for each one.
//!
//! The payload is rrweb's network plugin format, so rrweb and PostHog tools read it: a Plugin
//! event (EventType 6) `{plugin: "rrweb/network@1", payload: {requests: [request]}}`, where a
//! request has rrweb's `NetworkRequest` keys (`@rrweb/rrweb-plugin-network-record`,
//! `@rrweb/types`): `name` (the URL), `method`, `initiatorType` (`fetch` /
//! `xmlhttprequest`), `entryType` (`resource`), `status`, `startTime` / `endTime` (ms since
//! `performance.timeOrigin`, rounded, as rrweb rounds them) and `duration` (ms),
//! `requestHeaders` / `responseHeaders` (objects of lower-case names), `requestBody` /
//! `responseBody` (text). Added, as PostHog's `CapturedNetworkRequest` adds the other
//! `PerformanceResourceTiming` fields: `transferSize`, `encodedBodySize`, `decodedBodySize`
//! (bytes), and `aborted: true` for a request the page aborted. A request that failed without
//! a response (network error, CORS refusal, abort) has `status: 0`, as `XMLHttpRequest.status`
//! reports it; an opaque (`no-cors`) response, whose status the browser hides, has none.
//!
//! Everything here is plain data in, JSON text out; the browser edge (`js/network.js`, which
//! wraps `fetch` and `XMLHttpRequest`, and the `Recorder` export) only gathers the facts.
//!
//! Rules, all applied here:
//! - The SDK's own ingest requests (under `ingestBaseUrl`) are never recorded.
//! - The URL goes through the privacy URL rules ([`PrivacyOptions::scrub_url`]).
//! - Headers and bodies only for URLs on [`NetworkOptions::allow_urls`]; bodies also only for
//!   content types on [`NetworkOptions::body_content_types`].
//! - [`DENIED_HEADERS`] (`cookie`, `set-cookie`, `authorization`…) are never recorded; every
//!   other header value is PII-redacted, and replaced whole when its name is secret-like
//!   (`x-auth-token`).
//! - Bodies are PII-redacted ([`PrivacyOptions::redact`]) and cut to [`MAX_BODY_BYTES`];
//!   bodies over [`MAX_BODY_READ_BYTES`] are not read at all.

use super::redact::{secret_field_marker, FieldValue};
use super::{url, PrivacyOptions};

/// The plugin name of rrweb's network plugin (`@rrweb/rrweb-plugin-network-record`'s
/// `PLUGIN_NAME`), which PostHog's recorder also emits.
pub const NETWORK_PLUGIN: &str = "rrweb/network@1";

/// Headers never recorded, whatever the allow-list says: credentials and client addresses.
/// PostHog's deny-list (posthog.com/docs/session-replay/network-recording), plus rewind's own
/// ingest key header.
pub const DENIED_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
    "x-api-key",
    "x-csrf-token",
    "x-csrftoken",
    "x-xsrf-token",
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
    "remote-addr",
    "x-rewind-key",
];

/// Longest body kept, in bytes of UTF-8 (after redaction; cut on a character boundary and
/// marked with [`TRUNCATED_MARK`]). 16 KiB: a replay shows what an API said, and a batch
/// (512 KiB by default) should hold many requests. Sentry keeps 150 KB, PostHog 1 MB; both
/// are opt-in ceilings for debugging tools, not defaults for every session.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Bodies larger than this (bytes, by `Content-Length` before reading, by length after) are
/// neither read nor redacted: the payload says [`TOO_LARGE_BODY`] instead. 1 MiB bounds the
/// memory and redaction time one request can cost the page.
pub const MAX_BODY_READ_BYTES: usize = 1024 * 1024;
/// Most headers kept per request or response (the rest are dropped).
pub const MAX_HEADERS: usize = 64;
/// Longest header value kept, in bytes (cut like bodies).
pub const MAX_HEADER_VALUE_BYTES: usize = 1024;
/// Appended to a body or header value cut at its cap.
pub const TRUNCATED_MARK: &str = "…[truncated]";
/// The body of a request or response over [`MAX_BODY_READ_BYTES`].
pub const TOO_LARGE_BODY: &str = "[body too large]";

/// `capture.network` as configured: default off, and when on, metadata only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkOptions {
    /// Record fetch and XHR requests at all (`capture.network` set). Default `false`.
    pub enabled: bool,
    /// URLs whose headers and bodies may be recorded: an entry matches a request URL (its query
    /// and fragment left out) that starts with it — an absolute prefix
    /// (`https://api.example.com/v1/`) or, starting with `/`, a path prefix on the page's own
    /// origin (`/api/`). Prefixes rather than substrings, so `evil.example/?api.example.com`
    /// never matches. Default: none (metadata only).
    pub allow_urls: Vec<String>,
    /// Media types whose bodies may be recorded (on allowed URLs): an entry matches a
    /// `Content-Type` whose media type (before `;`, case-insensitive) equals it, or starts with
    /// it when it ends with `/` (`text/`). A request body without `Content-Type` is judged as
    /// `text/plain` (what `fetch` sends a string as). Default [`DEFAULT_BODY_CONTENT_TYPES`].
    pub body_content_types: Vec<String>,
    /// The SDK's collector (`init({ingestBaseUrl})`): requests under it are never recorded.
    pub ingest_base_url: Option<String>,
}

/// Body media types recorded by default on allowed URLs.
pub const DEFAULT_BODY_CONTENT_TYPES: &[&str] = &["application/json", "text/plain"];

/// One finished fetch or XHR, as the browser edge saw it (plain data; `js/network.js` sends it
/// with the camelCase names, `initiatorType`, `startTime`, `requestHeaders: [[name, value], …]`…).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRequest {
    /// HTTP method as the page passed it (upper-cased here).
    pub method: String,
    /// The absolute URL requested (resolved against the page by the edge).
    pub url: String,
    /// `fetch` or `xmlhttprequest` (PerformanceResourceTiming's `initiatorType`).
    pub initiator_type: String,
    /// HTTP status; 0 when no response arrived (network error, CORS refusal, abort); `None`
    /// when the browser hides it (an opaque `no-cors` response), written without `status`.
    pub status: Option<f64>,
    /// Start and end, ms since `performance.timeOrigin` (from PerformanceResourceTiming's
    /// `startTime` / `responseEnd` when the browser has an entry, else the edge's own clock).
    pub start_time: Option<f64>,
    /// End (`responseEnd`), same clock.
    pub end_time: Option<f64>,
    /// PerformanceResourceTiming sizes in bytes, when there is an entry (0 for cross-origin
    /// responses without `Timing-Allow-Origin`).
    pub transfer_size: Option<f64>,
    /// `encodedBodySize` (bytes, as sent: compressed).
    pub encoded_body_size: Option<f64>,
    /// `decodedBodySize` (bytes, decompressed).
    pub decoded_body_size: Option<f64>,
    /// Headers as `(name, value)` pairs, any case.
    pub request_headers: Vec<(String, String)>,
    /// Response headers, same shape.
    pub response_headers: Vec<(String, String)>,
    /// Body text, when the edge read it (only when [`NetworkOptions::body_wanted`] said so).
    pub request_body: Option<String>,
    /// Response body text, same rule.
    pub response_body: Option<String>,
    /// The page aborted the request (`AbortController`, `xhr.abort()`).
    pub aborted: bool,
}

impl NetworkOptions {
    /// `options` with the default body content types.
    pub fn on() -> Self {
        NetworkOptions {
            enabled: true,
            body_content_types: DEFAULT_BODY_CONTENT_TYPES.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    /// True for a request to the SDK's own collector: `url` (resolved against `page`) is
    /// under `ingest_base_url` (resolved the same way).
    pub fn is_ingest(&self, url: &str, page: &str) -> bool {
        let Some(base) = self.ingest_base_url.as_deref().and_then(|b| url::resolve(b, Some(page))) else {
            return false;
        };
        let Some(u) = url::resolve(url, Some(page)) else { return false };
        let prefix = base.stripped.trim_end_matches('/');
        u.stripped.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// Headers and bodies of `url` may be recorded: it is on [`allow_urls`](Self::allow_urls)
    /// and not an ingest request.
    pub fn detail_allowed(&self, url: &str, page: &str) -> bool {
        if !self.enabled || self.allow_urls.is_empty() || self.is_ingest(url, page) {
            return false;
        }
        let (Some(u), Some(p)) = (url::resolve(url, Some(page)), url::resolve(page, None)) else { return false };
        if !u.http {
            return false;
        }
        self.allow_urls.iter().any(|entry| {
            let entry = entry.trim();
            if entry.is_empty() {
                false
            } else if entry.starts_with('/') && !entry.starts_with("//") {
                u.origin == p.origin && u.stripped.get(u.origin.len()..).is_some_and(|path| path.starts_with(entry))
            } else {
                u.stripped.starts_with(entry)
            }
        })
    }

    /// The edge may read a body of `content_type` (`""` when there is none; a request body is
    /// then judged as `text/plain`) and `content_length` bytes (negative or NaN: unknown) for
    /// `url`: details are allowed, the media type is on the list, and the size is at most
    /// [`MAX_BODY_READ_BYTES`].
    pub fn body_wanted(&self, url: &str, page: &str, content_type: &str, content_length: f64) -> bool {
        // An unknown length (NaN, negative) may be read: the text is checked again.
        let size_ok = content_length.is_nan() || content_length <= MAX_BODY_READ_BYTES as f64;
        size_ok && self.content_type_allowed(content_type) && self.detail_allowed(url, page)
    }

    fn content_type_allowed(&self, content_type: &str) -> bool {
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let media = if media.is_empty() { "text/plain" } else { media };
        self.body_content_types.iter().any(|entry| {
            let entry = entry.trim();
            !entry.is_empty()
                && (media.eq_ignore_ascii_case(entry)
                    || entry.ends_with('/')
                        && media.get(..entry.len()).is_some_and(|head| head.eq_ignore_ascii_case(entry)))
        })
    }

    /// The JSON text of one rrweb `NetworkRequest` for `raw` (see the module docs), or `None`
    /// when it must not be recorded (capture off, or an ingest request). `page` is the page's
    /// URL (`location.href`), for resolving and scrubbing.
    pub fn request_json(&self, privacy: &PrivacyOptions, page: &str, raw: &RawRequest) -> Option<String> {
        if !self.enabled || self.is_ingest(&raw.url, page) {
            return None;
        }
        let detail = self.detail_allowed(&raw.url, page);
        let mut o = JsonObj::new();
        o.str("name", &privacy.scrub_url(&raw.url, page));
        o.str("method", &raw.method.to_ascii_uppercase());
        o.str("initiatorType", &raw.initiator_type);
        o.str("entryType", "resource");
        if let Some(status) = raw.status {
            o.int("status", status);
        }
        let (start, end) = (raw.start_time.unwrap_or(f64::NAN), raw.end_time.unwrap_or(f64::NAN));
        o.int("startTime", start);
        o.int("endTime", end);
        o.int("duration", end - start);
        for (key, v) in [
            ("transferSize", raw.transfer_size),
            ("encodedBodySize", raw.encoded_body_size),
            ("decodedBodySize", raw.decoded_body_size),
        ] {
            if let Some(v) = v {
                o.int(key, v);
            }
        }
        if raw.aborted {
            o.raw("aborted", "true");
        }
        if detail {
            o.raw("requestHeaders", &headers_json(privacy, &raw.request_headers));
            o.raw("responseHeaders", &headers_json(privacy, &raw.response_headers));
            let request_type = header(&raw.request_headers, "content-type").unwrap_or("");
            let response_type = header(&raw.response_headers, "content-type").unwrap_or("");
            for (key, body, content_type) in
                [("requestBody", &raw.request_body, request_type), ("responseBody", &raw.response_body, response_type)]
            {
                if let Some(body) = body.as_deref().filter(|_| self.content_type_allowed(content_type)) {
                    o.str(key, &body_text(privacy, body));
                }
            }
        }
        Some(o.end())
    }
}

/// The network chunk's whole policy: the page's privacy options (URL scrubbing, redaction
/// patterns) and `capture.network`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkPolicy {
    /// The recorder's privacy options.
    pub privacy: PrivacyOptions,
    /// What is captured.
    pub network: NetworkOptions,
}

impl NetworkPolicy {
    /// [`NetworkOptions::body_wanted`].
    pub fn body_wanted(&self, url: &str, page: &str, content_type: &str, content_length: f64) -> bool {
        self.network.body_wanted(url, page, content_type, content_length)
    }

    /// The `rrweb/network@1` plugin payload `{"requests":[request]}` for `raw`, or `None` when it
    /// is not recorded ([`NetworkOptions::request_json`]).
    pub fn payload_json(&self, page: &str, raw: &RawRequest) -> Option<String> {
        self.network.request_json(&self.privacy, page, raw).map(|r| format!("{{\"requests\":[{r}]}}"))
    }
}

/// The value of header `name` (case-insensitive), first one.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// True for a header that is never recorded ([`DENIED_HEADERS`]).
pub fn denied_header(name: &str) -> bool {
    DENIED_HEADERS.iter().any(|d| d.eq_ignore_ascii_case(name.trim()))
}

/// Headers as a JSON object: lower-case names, [`DENIED_HEADERS`] left out, repeated names
/// joined with `, ` (as `Headers` joins them), at most [`MAX_HEADERS`], values redacted and
/// cut at [`MAX_HEADER_VALUE_BYTES`].
fn headers_json(privacy: &PrivacyOptions, headers: &[(String, String)]) -> String {
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() || denied_header(&name) {
            continue;
        }
        let full = kept.len() >= MAX_HEADERS;
        match kept.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                v.push_str(", ");
                v.push_str(value);
            }
            None if !full => kept.push((name, value.clone())),
            None => {}
        }
    }
    let mut o = JsonObj::new();
    for (name, value) in &kept {
        let shape = if value.is_empty() { FieldValue::Other } else { FieldValue::Text };
        let value = match secret_field_marker(name, shape) {
            Some(marker) => marker.to_string(),
            None => cut(privacy.redact(value), MAX_HEADER_VALUE_BYTES),
        };
        o.str(name, &value);
    }
    o.end()
}

/// A body as recorded: [`TOO_LARGE_BODY`] past [`MAX_BODY_READ_BYTES`], else redacted then cut
/// at [`MAX_BODY_BYTES`] (redacting first, so a cut never leaves half an email unredacted).
fn body_text(privacy: &PrivacyOptions, body: &str) -> String {
    if body.len() > MAX_BODY_READ_BYTES {
        return TOO_LARGE_BODY.to_string();
    }
    cut(privacy.redact(body), MAX_BODY_BYTES)
}

/// `text` cut to at most `max` bytes on a character boundary, plus [`TRUNCATED_MARK`].
fn cut(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(TRUNCATED_MARK);
    text
}

/// A JSON object written in order (integers only: every number here is a rounded ms or a
/// byte count, and float formatting would cost the recorder's wasm its tables).
struct JsonObj(String);

impl JsonObj {
    fn new() -> Self {
        JsonObj(String::from("{"))
    }
    fn key(&mut self, k: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_json_str(&mut self.0, k);
        self.0.push(':');
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        push_json_str(&mut self.0, v);
    }
    /// `v` rounded to an integer; `null` when not finite.
    fn int(&mut self, k: &str, v: f64) {
        self.key(k);
        if v.is_finite() {
            self.0.push_str(&(v.round() as i64).to_string());
        } else {
            self.0.push_str("null");
        }
    }
    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.0.push_str(v);
    }
    fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// `s` as a JSON string literal (serde_json escapes exactly as `JSON.stringify`).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://shop.example/checkout?step=2";

    fn opts(allow: &[&str]) -> NetworkOptions {
        NetworkOptions {
            allow_urls: allow.iter().map(|s| s.to_string()).collect(),
            ingest_base_url: Some("https://replay.example/".into()),
            ..NetworkOptions::on()
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn raw(url: &str) -> RawRequest {
        RawRequest {
            method: "post".into(),
            url: url.into(),
            initiator_type: "fetch".into(),
            status: Some(402.0),
            start_time: Some(100.4),
            end_time: Some(250.6),
            transfer_size: Some(300.0),
            encoded_body_size: Some(120.0),
            decoded_body_size: Some(120.0),
            request_headers: pairs(&[
                ("Content-Type", "application/json"),
                ("Authorization", "Bearer abc.def.ghi"),
                ("Cookie", "sid=1"),
                ("X-Auth-Token", "t0ps3cret"),
                ("X-Trace", "contact ada@example.com"),
            ]),
            response_headers: pairs(&[
                ("content-type", "application/json; charset=utf-8"),
                ("set-cookie", "sid=2"),
                ("x-request-id", "r-1"),
            ]),
            request_body: Some(r#"{"email":"ada@example.com","amount":12,"password":"hunter2"}"#.into()),
            response_body: Some(r#"{"error":"card 4242 4242 4242 4242 declined"}"#.into()),
            aborted: false,
        }
    }

    fn json(o: &NetworkOptions, r: &RawRequest) -> serde_json::Value {
        serde_json::from_str(&o.request_json(&PrivacyOptions::default(), PAGE, r).expect("recorded")).unwrap()
    }

    #[test]
    fn metadata_only_by_default() {
        let v = json(&opts(&[]), &raw("/api/pay?card=4242#x"));
        assert_eq!(
            v,
            serde_json::json!({
                "name": "https://shop.example/api/pay", "method": "POST", "initiatorType": "fetch",
                "entryType": "resource", "status": 402, "startTime": 100, "endTime": 251, "duration": 150,
                "transferSize": 300, "encodedBodySize": 120, "decodedBodySize": 120,
            })
        );
    }

    #[test]
    fn url_keeps_its_query_when_the_privacy_rules_say_so() {
        let privacy = PrivacyOptions { strip_url_query: false, ..Default::default() };
        let text = opts(&[]).request_json(&privacy, PAGE, &raw("https://api.example/x?q=1")).unwrap();
        assert!(text.contains(r#""name":"https://api.example/x?q=1""#), "{text}");
    }

    #[test]
    fn off_records_nothing() {
        let o = NetworkOptions { enabled: false, ..opts(&["/api/"]) };
        assert_eq!(o.request_json(&PrivacyOptions::default(), PAGE, &raw("/api/pay")), None);
        assert!(!o.detail_allowed("/api/pay", PAGE));
        assert!(!o.body_wanted("/api/pay", PAGE, "application/json", 10.0));
        assert!(!NetworkOptions::default().enabled, "default off");
    }

    #[test]
    fn ingest_requests_are_never_recorded() {
        let o = opts(&["https://replay.example/"]);
        for url in
            ["https://replay.example/v1/ingest", "https://replay.example/v1/ingest?x=1", "https://replay.example"]
        {
            assert!(o.is_ingest(url, PAGE), "{url}");
            assert_eq!(o.request_json(&PrivacyOptions::default(), PAGE, &raw(url)), None, "{url}");
            assert!(!o.detail_allowed(url, PAGE) && !o.body_wanted(url, PAGE, "application/json", 1.0), "{url}");
        }
        // Same host, not under the base path segment; another origin.
        assert!(!o.is_ingest("https://replay.example.evil/v1/ingest", PAGE));
        let sub = NetworkOptions { ingest_base_url: Some("/rewind".into()), ..opts(&[]) };
        assert!(sub.is_ingest("/rewind/v1/ingest", PAGE));
        assert!(!sub.is_ingest("/rewinds/v1/ingest", PAGE));
        assert!(!NetworkOptions::on().is_ingest("/api", PAGE), "no ingest base: nothing is ingest");
    }

    #[test]
    fn allow_list_entries_are_prefixes_of_the_url_without_query() {
        let o = opts(&["https://api.example/v1/", "/api/"]);
        assert!(o.detail_allowed("https://api.example/v1/pay", PAGE));
        assert!(o.detail_allowed("/api/pay", PAGE), "path prefix on the page's origin");
        assert!(o.detail_allowed("https://shop.example/api/pay?x=1", PAGE));
        assert!(!o.detail_allowed("https://other.example/api/pay", PAGE), "path prefixes are same-origin only");
        assert!(!o.detail_allowed("https://api.example/v2/pay", PAGE));
        assert!(!o.detail_allowed("https://evil.example/?u=https://api.example/v1/", PAGE), "not a substring match");
        assert!(!o.detail_allowed("/apix", PAGE));
        assert!(!opts(&[""]).detail_allowed("/api/pay", PAGE), "empty entries match nothing");
        assert!(!opts(&["/"]).detail_allowed("data:text/plain,hi", PAGE), "http(s) only");
    }

    #[test]
    fn headers_and_bodies_only_on_allowed_urls_without_denied_headers() {
        let v = json(&opts(&["/api/"]), &raw("/api/pay"));
        let req = v["requestHeaders"].as_object().unwrap();
        assert_eq!(req.get("content-type").unwrap(), "application/json");
        assert!(req.get("authorization").is_none() && req.get("cookie").is_none(), "{req:?}");
        assert_eq!(req.get("x-auth-token").unwrap(), "[REDACTED:secret]", "secret-named header replaced whole");
        assert_eq!(req.get("x-trace").unwrap(), "contact [REDACTED:email]");
        let res = v["responseHeaders"].as_object().unwrap();
        assert!(res.get("set-cookie").is_none());
        assert_eq!(res.get("x-request-id").unwrap(), "r-1");
        let body = v["requestBody"].as_str().unwrap();
        assert!(!body.contains("ada@") && !body.contains("hunter2"), "{body}");
        assert!(body.contains(r#""amount":12"#), "{body}");
        assert_eq!(v["responseBody"], r#"{"error":"card [REDACTED:card] declined"}"#);

        let other = json(&opts(&["/api/"]), &raw("https://other.example/api/pay"));
        for key in ["requestHeaders", "responseHeaders", "requestBody", "responseBody"] {
            assert!(other.get(key).is_none(), "{key} of a URL not on the list: {other}");
        }
    }

    #[test]
    fn every_denied_header_is_dropped_in_any_case() {
        let headers: Vec<(String, String)> =
            DENIED_HEADERS.iter().map(|h| (h.to_ascii_uppercase(), "v".to_string())).collect();
        let r = RawRequest { request_headers: headers.clone(), response_headers: headers, ..raw("/api/x") };
        let v = json(&opts(&["/api/"]), &r);
        assert_eq!(v["requestHeaders"], serde_json::json!({}));
        assert_eq!(v["responseHeaders"], serde_json::json!({}));
        for h in ["cookie", "set-cookie", "authorization", " Authorization "] {
            assert!(denied_header(h), "{h}");
        }
        assert!(!denied_header("content-type"));
    }

    #[test]
    fn bodies_only_for_listed_content_types() {
        let o = opts(&["/api/"]);
        assert!(o.body_wanted("/api/x", PAGE, "application/json; charset=utf-8", 10.0));
        assert!(o.body_wanted("/api/x", PAGE, "Text/Plain", f64::NAN), "unknown length, any case");
        assert!(o.body_wanted("/api/x", PAGE, "", -1.0), "no content type: judged as text/plain");
        assert!(!o.body_wanted("/api/x", PAGE, "text/html", 10.0));
        assert!(!o.body_wanted("/api/x", PAGE, "application/octet-stream", 10.0));
        assert!(!o.body_wanted("/other", PAGE, "application/json", 10.0), "URL not allowed");
        let text = NetworkOptions { body_content_types: vec!["text/".into()], ..o.clone() };
        assert!(text.body_wanted("/api/x", PAGE, "text/html", 10.0), "`text/` is a prefix entry");
        assert!(!text.body_wanted("/api/x", PAGE, "application/json", 10.0));

        let html = RawRequest {
            response_headers: pairs(&[("content-type", "text/html")]),
            response_body: Some("<p>hi</p>".into()),
            ..raw("/api/x")
        };
        let v = json(&o, &html);
        assert!(v.get("responseBody").is_none(), "{v}");
        assert!(v.get("requestBody").is_some(), "the request's JSON body still is");
    }

    #[test]
    fn body_caps() {
        let o = opts(&["/api/"]);
        assert!(o.body_wanted("/api/x", PAGE, "application/json", MAX_BODY_READ_BYTES as f64));
        assert!(!o.body_wanted("/api/x", PAGE, "application/json", MAX_BODY_READ_BYTES as f64 + 1.0));

        let long = "é".repeat(MAX_BODY_BYTES); // 2 bytes each: cut mid-way, on a char boundary
        let v = json(&o, &RawRequest { response_body: Some(long), ..raw("/api/x") });
        let body = v["responseBody"].as_str().unwrap();
        assert!(body.ends_with(TRUNCATED_MARK));
        assert_eq!(body.len(), MAX_BODY_BYTES + TRUNCATED_MARK.len());

        let exact = "a".repeat(MAX_BODY_BYTES);
        let v = json(&o, &RawRequest { response_body: Some(exact.clone()), ..raw("/api/x") });
        assert_eq!(v["responseBody"], exact.as_str(), "at the cap: whole");

        let huge = "a".repeat(MAX_BODY_READ_BYTES + 1);
        let v = json(&o, &RawRequest { response_body: Some(huge), ..raw("/api/x") });
        assert_eq!(v["responseBody"], TOO_LARGE_BODY);
    }

    #[test]
    fn redaction_happens_before_the_cut() {
        let o = opts(&["/api/"]);
        // An email straddling the cap: cut first, its head would survive unredacted.
        let body = format!("{}ada.lovelace@example.com", "a ".repeat((MAX_BODY_BYTES - 6) / 2));
        let v = json(&o, &RawRequest { response_body: Some(body), ..raw("/api/x") });
        let kept = v["responseBody"].as_str().unwrap();
        assert!(!kept.contains("ada.l"), "{}", &kept[kept.len() - 40..]);
    }

    #[test]
    fn header_caps_and_repeats() {
        let o = opts(&["/api/"]);
        let mut headers: Vec<(String, String)> =
            (0..MAX_HEADERS + 10).map(|i| (format!("x-h{i}"), "v".into())).collect();
        headers.insert(0, ("X-Long".into(), "x".repeat(MAX_HEADER_VALUE_BYTES + 5)));
        headers.insert(1, ("accept".into(), "a".into()));
        headers.insert(2, ("Accept".into(), "b".into()));
        let v = json(&o, &RawRequest { request_headers: headers, ..raw("/api/x") });
        let h = v["requestHeaders"].as_object().unwrap();
        assert_eq!(h.len(), MAX_HEADERS);
        assert_eq!(h["accept"], "a, b");
        let long = h["x-long"].as_str().unwrap();
        assert_eq!(long.len(), MAX_HEADER_VALUE_BYTES + TRUNCATED_MARK.len());
    }

    #[test]
    fn failures_aborts_and_missing_timings() {
        let r = RawRequest {
            status: Some(0.0),
            aborted: true,
            transfer_size: None,
            encoded_body_size: None,
            decoded_body_size: None,
            end_time: None,
            ..raw("/api/x")
        };
        let v = json(&opts(&[]), &r);
        assert_eq!(v["status"], 0);
        assert_eq!(v["aborted"], true);
        assert!(v["endTime"].is_null() && v["duration"].is_null());
        assert!(v.get("transferSize").is_none());
        let opaque = json(&opts(&[]), &RawRequest { status: None, ..raw("https://cdn.example/x") });
        assert!(opaque.get("status").is_none(), "an opaque response's hidden status is not a 0: {opaque}");
    }

    #[test]
    fn policy_payload() {
        let policy = NetworkPolicy {
            privacy: PrivacyOptions { redact_patterns: vec![r"order-\d+".into()], ..Default::default() },
            network: opts(&["/api/"]),
        };
        assert!(policy.body_wanted("/api/x", PAGE, "application/json", 5.0));
        let r = RawRequest {
            response_headers: pairs(&[("Content-Type", "application/json")]),
            response_body: Some(r#"{"id":"order-42"}"#.into()),
            ..raw("https://shop.example/api/o?id=1")
        };
        let payload = policy.payload_json(PAGE, &r).unwrap();
        let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(v["requests"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["requests"][0]["name"], "https://shop.example/api/o");
        assert_eq!(v["requests"][0]["responseBody"], r#"{"id":"[REDACTED:custom]"}"#, "the app's patterns apply");
        assert_eq!(policy.payload_json(PAGE, &raw("https://replay.example/v1/ingest")), None);
    }
}
