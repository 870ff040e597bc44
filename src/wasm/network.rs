//! The `#[wasm_bindgen]` surface of network capture's own wasm (`pkg-record/rewind_network*`,
//! feature `network`), loaded by `js/network.js` only when `capture.network` is on (and by
//! `js/vitals.js` for its page URLs when `capture.performance` is, and by `js/console.js` for
//! [`super::console`] when `capture.console` is), so the recorder every page
//! downloads carries none of it. It converts and delegates: the policy is
//! [`crate::privacy::network`], tested natively. JS values are read field by field (no JSON
//! parser: serde_json's deserializer and its error formatting were most of this wasm).

use crate::privacy::network::{NetworkOptions, NetworkPolicy as Policy, RawRequest};
use crate::privacy::PrivacyOptions;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

/// `obj[key]`, `None` when absent, `undefined` or `null`.
pub(crate) fn field(obj: &JsValue, key: &str) -> Option<JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).ok()?;
    (!v.is_undefined() && !v.is_null()).then_some(v)
}

fn text(obj: &JsValue, key: &str) -> Option<String> {
    field(obj, key)?.as_string()
}

fn number(obj: &JsValue, key: &str) -> Option<f64> {
    field(obj, key)?.as_f64()
}

/// `obj[key]` as a list of strings (non-strings skipped); `None` when not an array.
pub(crate) fn texts(obj: &JsValue, key: &str) -> Option<Vec<String>> {
    let v = field(obj, key).filter(Array::is_array)?;
    Some(Array::from(&v).iter().filter_map(|s| s.as_string()).collect())
}

/// `[[name, value], …]` (anything else: none).
fn pairs(obj: &JsValue, key: &str) -> Vec<(String, String)> {
    let Some(list) = field(obj, key).filter(Array::is_array) else { return Vec::new() };
    Array::from(&list)
        .iter()
        .filter_map(|pair| {
            let pair = Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// `url` as the recorder writes a page URL (the Meta `href`, [`PrivacyOptions::scrub_url`]):
/// query and fragment removed unless `strip_url_query` is false, PII path segments (emails,
/// hex/base64 tokens, JWTs) redacted either way. For the web-vitals chunk (`js/vitals.js`),
/// whose per-page `href` must follow the same rules; it has no wasm of its own.
#[wasm_bindgen(js_name = scrubPageUrl)]
pub fn scrub_page_url(url: &str, strip_url_query: bool) -> String {
    PrivacyOptions { strip_url_query, ..PrivacyOptions::default() }.scrub_url(url, "")
}

/// The network capture policy for one recorder (see `privacy::network`).
#[wasm_bindgen]
pub struct NetworkPolicy(Policy);

#[wasm_bindgen]
impl NetworkPolicy {
    /// `options`: `{privacy?: {stripUrlQuery?, redactPatterns?}, allowUrls?: string[],
    /// bodyContentTypes?: string[], ingestBaseUrl?: string}` (`privacy` as the recorder gets
    /// it; its masking fields do not apply to requests). Fields of another type are ignored.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "object")] options: JsValue) -> NetworkPolicy {
        let mut privacy = PrivacyOptions::default();
        if let Some(p) = field(&options, "privacy") {
            if let Some(b) = field(&p, "stripUrlQuery").and_then(|v| v.as_bool()) {
                privacy.strip_url_query = b;
            }
            privacy.redact_patterns = texts(&p, "redactPatterns").unwrap_or_default();
        }
        let mut network = NetworkOptions::on();
        network.allow_urls = texts(&options, "allowUrls").unwrap_or_default();
        if let Some(types) = texts(&options, "bodyContentTypes") {
            network.body_content_types = types;
        }
        network.ingest_base_url = text(&options, "ingestBaseUrl");
        NetworkPolicy(Policy { privacy, network })
    }

    /// May the edge read a body of `contentType` (`""`: none) and `contentLength` bytes (`-1`:
    /// unknown) for `url` on page `page` (`location.href`)?
    #[wasm_bindgen(js_name = bodyWanted)]
    pub fn body_wanted(&self, url: &str, page: &str, content_type: &str, content_length: f64) -> bool {
        self.0.body_wanted(url, page, content_type, content_length)
    }

    /// The `rrweb/network@1` payload JSON (`{"requests":[…]}`) for one finished request
    /// `{method, url, initiatorType, status, startTime, endTime, transferSize?,
    /// encodedBodySize?, decodedBodySize?, requestHeaders?, responseHeaders?, requestBody?,
    /// responseBody?, aborted?}` (headers as `[name, value]` pairs, times in ms since
    /// `performance.timeOrigin`), or `undefined` when it is not recorded (an ingest request).
    pub fn payload(
        &self,
        page: &str,
        #[wasm_bindgen(unchecked_param_type = "object")] request: JsValue,
    ) -> Option<String> {
        let r = &request;
        let raw = RawRequest {
            method: text(r, "method").unwrap_or_else(|| "GET".into()),
            url: text(r, "url").unwrap_or_default(),
            initiator_type: text(r, "initiatorType").unwrap_or_default(),
            status: number(r, "status"),
            start_time: number(r, "startTime"),
            end_time: number(r, "endTime"),
            transfer_size: number(r, "transferSize"),
            encoded_body_size: number(r, "encodedBodySize"),
            decoded_body_size: number(r, "decodedBodySize"),
            request_headers: pairs(r, "requestHeaders"),
            response_headers: pairs(r, "responseHeaders"),
            request_body: text(r, "requestBody"),
            response_body: text(r, "responseBody"),
            aborted: field(r, "aborted").and_then(|v| v.as_bool()).unwrap_or(false),
        };
        self.0.payload_json(page, &raw)
    }
}
