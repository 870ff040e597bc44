//! The `#[wasm_bindgen]` surface of network capture's own wasm (`pkg-record/rewind_network*`,
//! feature `network`), loaded by `js/network.js` only when `capture.network` is on, so the
//! recorder every page downloads carries none of it. It converts and delegates: the policy is
//! [`crate::privacy::network`], tested natively.

use crate::privacy::network::NetworkPolicy as Policy;
use wasm_bindgen::prelude::*;

/// The network capture policy for one recorder (see `privacy::network`).
#[wasm_bindgen]
pub struct NetworkPolicy(Policy);

#[wasm_bindgen]
impl NetworkPolicy {
    /// `optionsJson`: `{privacy?, allowUrls?, bodyContentTypes?, ingestBaseUrl?}` as JSON text
    /// (`privacy` as the recorder gets it). Throws on text of another shape.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> Result<NetworkPolicy, JsError> {
        Policy::from_json(options_json).map(NetworkPolicy).map_err(|e| JsError::new(&format!("capture.network: {e}")))
    }

    /// May the edge read a body of `contentType` (`""`: none) and `contentLength` bytes (`-1`:
    /// unknown) for `url` on page `page` (`location.href`)?
    #[wasm_bindgen(js_name = bodyWanted)]
    pub fn body_wanted(&self, url: &str, page: &str, content_type: &str, content_length: f64) -> bool {
        self.0.body_wanted(url, page, content_type, content_length)
    }

    /// The `rrweb/network@1` payload JSON (`{"requests":[…]}`) for one request given as JSON
    /// (`privacy::network::RawRequest`), or `undefined` when it is not recorded (an ingest
    /// request). Throws on text of another shape.
    pub fn payload(&self, page: &str, request_json: &str) -> Result<Option<String>, JsError> {
        self.0.payload_json(page, request_json).map_err(|e| JsError::new(&format!("capture.network: {e}")))
    }
}
