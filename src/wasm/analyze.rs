//! The `#[wasm_bindgen]` surface (wasm32 only): converts JS values to bytes, delegates to the
//! pure core, and returns the core's own JSON text.
//!
//! Recordings are always parsed in Rust from their raw text or bytes — never walked as JS
//! objects — so the browser and the native CLI run exactly the same decoder and analyzer and
//! produce the same bytes. `js/analyze.js` is the typed ESM wrapper over these exports.
//!
//! Errors are thrown as JS `Error`s whose `message` is the native error's Display text
//! (e.g. `empty input: no rrweb events`, `invalid JSON: …`, `unsupported format: …`).
//!
//! Cross-session analytics (`ReplayBundle`, labels, the URL normalizer) are in `bundle.rs`.

use crate::analyze;
use js_sys::{Array, ArrayBuffer, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Analyses one rrweb recording and returns the replay as a JSON object string.
///
/// `input` is the raw recording: a `string` (JSON text or JSON Lines) or a `Uint8Array` /
/// `ArrayBuffer` of bytes (UTF-8 JSON, JSON Lines, or gzip of either — detected from the bytes).
/// Accepted shapes: an array of rrweb events, an object with an `events` array (rewind batch
/// envelope or similar export), PostHog's export, or one such value per line.
///
/// `replayId` is used as `replay_id` when the recording carries no (or a blank) session id of
/// its own — the native CLI passes the file stem; without it the id falls back to
/// `rrweb-{start_time}`.
///
/// The result is exactly `rewind analyze --format json`'s element of `replays`, byte for byte:
/// `{replay_id, distinct_id, start_time, end_time, duration_s, n_events, n_actions, n_clicks,
/// n_inputs, n_pages, n_errors, entry_url, exit_url, lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms,
/// long_tasks, long_task_ms, page_vitals? (web vitals, see `analyze::Vitals`), summary_markdown,
/// actions, redactions, warnings}`.
///
/// `redact` (default `true`): personal data (emails, card numbers, phone numbers, SSNs,
/// tokens) in every output string is replaced by `[REDACTED:kind]` and counted in
/// `redactions`; `false` is the explicit opt-out. A damaged recording is salvaged as natively:
/// its `warnings` say how many events were recovered and skipped and where the damage starts.
/// Units: `start_time`, `end_time` and each action's `t_ms` are Unix epoch milliseconds;
/// `duration_s` is seconds. Each action is `{t_ms, action, target_node_id, target_desc,
/// description, url, metadata}`.
///
/// Throws an `Error` whose message is the decoder's (`empty input: …`, `invalid JSON: …`,
/// `invalid gzip: …`, `input too large: …`, `unsupported format: …`), or
/// `analyze: expected a string or a Uint8Array…` for any other input type.
#[wasm_bindgen(js_name = analyzeJson)]
pub fn analyze_json(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] input: JsValue,
    #[wasm_bindgen(js_name = replayId)] replay_id: Option<String>,
    redact: Option<bool>,
) -> Result<String, JsError> {
    analyze_bytes(&bytes_of(&input, "analyze")?, replay_id, redact)
}

/// The bytes of a `string` (UTF-8), `Uint8Array` or `ArrayBuffer`; for anything else the error
/// `{what}: expected a string or a Uint8Array of recording bytes (JSON, JSON Lines or gzip)`.
pub(crate) fn bytes_of(input: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if let Some(text) = input.as_string() {
        Ok(text.into_bytes())
    } else if let Some(array) = input.dyn_ref::<Uint8Array>() {
        Ok(array.to_vec())
    } else if input.is_instance_of::<ArrayBuffer>() {
        Ok(Uint8Array::new(input).to_vec())
    } else {
        Err(JsError::new(&format!(
            "{what}: expected a string or a Uint8Array of recording bytes (JSON, JSON Lines or gzip)"
        )))
    }
}

/// Analyses an array of rrweb event objects (as rrweb's `record({emit})` collects them) and
/// returns the same replay JSON string as `analyzeJson`.
///
/// The array is serialised with `JSON.stringify` and parsed in Rust through the same decoder,
/// so the result equals `analyzeJson(JSON.stringify(events), replayId)`. `replayId` is used
/// as `replay_id` (event arrays carry no session id); without it, `rrweb-{start_time}`.
/// `redact` as for `analyzeJson`.
///
/// Throws an `Error`: `analyzeEvents: expected an array of rrweb events` when `events` is not
/// an array, `analyzeEvents: cannot serialize events: …` when `JSON.stringify` fails (cycles,
/// BigInt), otherwise the decoder's message as for `analyzeJson`.
#[wasm_bindgen(js_name = analyzeEventsJson)]
pub fn analyze_events_json(
    #[wasm_bindgen(unchecked_param_type = "unknown[]")] events: JsValue,
    #[wasm_bindgen(js_name = replayId)] replay_id: Option<String>,
    redact: Option<bool>,
) -> Result<String, JsError> {
    if !Array::is_array(&events) {
        return Err(JsError::new("analyzeEvents: expected an array of rrweb events"));
    }
    let text = JSON::stringify(&events).map_err(|e| {
        let reason = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        JsError::new(&format!("analyzeEvents: cannot serialize events: {reason}"))
    })?;
    analyze_bytes(String::from(text).as_bytes(), replay_id, redact)
}

/// The `rewind` crate version (e.g. `"0.1.0"`).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Decode, fill in the caller's replay id when the recording has none, analyse.
fn analyze_bytes(bytes: &[u8], replay_id: Option<String>, redact: Option<bool>) -> Result<String, JsError> {
    let analysis = analyze::analyze_bytes_with(bytes, replay_id.as_deref(), options(redact))
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(analysis.to_replay_json())
}

/// The analyzer options for a JS `redact` argument (`undefined` → redacted).
pub(crate) fn options(redact: Option<bool>) -> analyze::AnalyzeOptions {
    analyze::AnalyzeOptions { redact: redact.unwrap_or(true) }
}
