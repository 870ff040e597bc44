//! The bundle's wasm surface: [`ReplayBundle`] as the JS class `ReplayBundle`, and the label
//! and URL helpers. Converts and delegates to [`crate::analyze::bundle`]; results are the core's
//! own JSON and markdown text, byte for byte what the native API gives (`js/analyze.js` parses
//! the JSON).
//!
//! Recordings are added from their raw text or bytes, decoded and analysed in Rust, so a
//! bundle built in the browser equals one built natively from the same files. Only compact
//! per-replay results are kept; the event streams are dropped as each recording is added.
//!
//! Errors are thrown as JS `Error`s with the native message. Callbacks (`filter`, label
//! functions) may throw; their exception propagates unchanged.

use super::bytes_of;
use crate::analyze::bundle::{
    default_label, selector_label, FindingKind, ReplayBundle, ReportOptions, Table, TableFormat, Where, LONG_PAUSE_S,
};
use crate::analyze::normalize::normalize_url as core_normalize_url;
use crate::analyze::session::signals::{RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use crate::analyze::Action;
use js_sys::{Array, Function, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Largest integer a JS number holds exactly (2^53 − 1): the largest accepted `seed`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("bundle results serialize")
}

/// How actions are labelled: `"default"` ([`default_label`], also for `undefined` / `null`),
/// `"selector"` ([`selector_label`]), or a JS function `(action) => string | null | undefined`
/// (null/undefined skip the action).
enum Labeler {
    Default,
    Selector,
    Js(Function),
}

impl Labeler {
    fn from_js(value: JsValue) -> Result<Labeler, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(Labeler::Default);
        }
        if let Some(name) = value.as_string() {
            return match name.as_str() {
                "default" => Ok(Labeler::Default),
                "selector" => Ok(Labeler::Selector),
                _ => Err(JsError::new(&format!(
                    "labelFn: unknown label `{name}`: expected \"default\", \"selector\" or a function"
                ))
                .into()),
            };
        }
        match value.dyn_into::<Function>() {
            Ok(f) => Ok(Labeler::Js(f)),
            Err(_) => Err(JsError::new("labelFn: expected \"default\", \"selector\" or a function").into()),
        }
    }

    fn label(&self, action: &Action) -> Result<Option<String>, JsValue> {
        match self {
            Labeler::Default => Ok(Some(default_label(action))),
            Labeler::Selector => Ok(Some(selector_label(action))),
            Labeler::Js(f) => {
                let result = f.call1(&JsValue::NULL, &JSON::parse(&json(action))?)?;
                if result.is_undefined() || result.is_null() {
                    Ok(None)
                } else if let Some(label) = result.as_string() {
                    Ok(Some(label))
                } else {
                    Err(JsError::new("labelFn must return a string, null or undefined").into())
                }
            }
        }
    }
}

/// A set of analysed sessions (see `rewind::analyze::bundle::ReplayBundle`). Build it with
/// `new ReplayBundle()` and `add` / `addEvents`; every query is synchronous. Filters return
/// new bundles that share the replays. Call `free()` when done (or let the GC's finalizer do
/// it).
#[wasm_bindgen(js_name = ReplayBundle)]
#[derive(Debug, Default)]
pub struct WasmReplayBundle {
    inner: ReplayBundle,
}

fn wrap(inner: ReplayBundle) -> WasmReplayBundle {
    WasmReplayBundle { inner }
}

fn report_options(top: Option<usize>) -> ReportOptions {
    ReportOptions { top: top.unwrap_or(ReportOptions::default().top), ..ReportOptions::default() }
}

#[wasm_bindgen(js_class = ReplayBundle)]
impl WasmReplayBundle {
    /// An empty bundle.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmReplayBundle {
        WasmReplayBundle::default()
    }

    /// Decodes and analyses one recording (as `analyzeJson` takes it: a `string`, or a
    /// `Uint8Array` / `ArrayBuffer` of JSON, JSON Lines or gzip) and adds it. `replayId` is
    /// the replay id when the recording carries no session id; `redact` (default `true`) as
    /// for `analyzeJson`. Throws the decoder's error; the bundle is unchanged then.
    pub fn add(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] input: JsValue,
        #[wasm_bindgen(js_name = replayId)] replay_id: Option<String>,
        redact: Option<bool>,
    ) -> Result<(), JsError> {
        let bytes = bytes_of(&input, "ReplayBundle.add")?;
        self.add_bytes(&bytes, replay_id, redact)
    }

    /// Adds an array of rrweb event objects (serialised with `JSON.stringify`, then as `add`).
    #[wasm_bindgen(js_name = addEvents)]
    pub fn add_events(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "unknown[]")] events: JsValue,
        #[wasm_bindgen(js_name = replayId)] replay_id: Option<String>,
        redact: Option<bool>,
    ) -> Result<(), JsError> {
        if !Array::is_array(&events) {
            return Err(JsError::new("ReplayBundle.addEvents: expected an array of rrweb events"));
        }
        let text = JSON::stringify(&events).map_err(|e| {
            let reason = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
            JsError::new(&format!("ReplayBundle.addEvents: cannot serialize events: {reason}"))
        })?;
        self.add_bytes(String::from(text).as_bytes(), replay_id, redact)
    }

    fn add_bytes(&mut self, bytes: &[u8], replay_id: Option<String>, redact: Option<bool>) -> Result<(), JsError> {
        let replay = crate::analyze::session::AnalyzedSession::from_bytes_with(
            bytes,
            replay_id.as_deref(),
            super::options(redact),
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        self.inner.push(replay);
        Ok(())
    }

    /// This bundle's replays followed by `other`'s, as a new bundle.
    pub fn concat(&self, other: &WasmReplayBundle) -> WasmReplayBundle {
        wrap(self.inner.concat(&other.inner))
    }

    /// Number of replays.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// The replay ids, in order.
    #[wasm_bindgen(js_name = replayIds)]
    pub fn replay_ids(&self) -> Vec<String> {
        self.inner.replay_ids()
    }

    /// One table as text: `table` is `sessions`, `actions`, `events`, `elements` or `pages`; `format`
    /// `csv`, `json` or `jsonl`. Throws on any other name.
    #[wasm_bindgen(js_name = exportTable)]
    pub fn export_table(&self, table: &str, format: &str) -> Result<String, JsError> {
        let table: Table = table.parse().map_err(|e: String| JsError::new(&e))?;
        let format: TableFormat = format.parse().map_err(|e: String| JsError::new(&e))?;
        Ok(self.inner.export(table, format))
    }

    /// The `n` most clicked elements, as a JSON array of `{target_desc, normalized_url,
    /// n_clicks, n_unique_replays}`.
    #[wasm_bindgen(js_name = topClicksJson)]
    pub fn top_clicks_json(&self, n: usize) -> String {
        json(&self.inner.top_clicks(n))
    }

    /// Rage clicks as a JSON array of findings; `threshold` (default 3) clicks within
    /// `windowMs` (default 1000) ms.
    #[wasm_bindgen(js_name = rageClicksJson)]
    pub fn rage_clicks_json(
        &self,
        threshold: Option<u32>,
        #[wasm_bindgen(js_name = windowMs)] window_ms: Option<f64>,
    ) -> String {
        let threshold = threshold.map_or(RAGE_CLICK_THRESHOLD, |t| t as usize);
        let window = window_ms.map_or(RAGE_CLICK_WINDOW_MS, |w| if w.is_finite() { w as i64 } else { -1 });
        json(&self.inner.rage_clicks(threshold, window))
    }

    /// Findings of one kind (`dead_click`, `error_click`, `u_turn`, `form_abandonment`,
    /// `thrashed_cursor`, `excessive_scrolling`; `rage_click` with the default parameters), or
    /// of every kind when `kind` is undefined, as a JSON array. Throws on an unknown kind.
    #[wasm_bindgen(js_name = findingsJson)]
    pub fn findings_json(&self, kind: Option<String>) -> Result<String, JsError> {
        let Some(kind) = kind else { return Ok(json(&self.inner.findings())) };
        let kind = FindingKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind)
            .ok_or_else(|| JsError::new(&format!("unknown finding kind `{kind}`")))?;
        Ok(json(&match kind {
            FindingKind::RageClick => self.inner.rage_clicks(RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS),
            FindingKind::DeadClick => self.inner.dead_clicks(),
            FindingKind::ErrorClick => self.inner.error_clicks(),
            FindingKind::UTurn => self.inner.u_turns(),
            FindingKind::FormAbandonment => self.inner.form_abandonments(),
            FindingKind::ThrashedCursor => self.inner.thrashed_cursors(),
            FindingKind::ExcessiveScrolling => self.inner.excessive_scrolling(),
        }))
    }

    /// Gaps of at least `thresholdS` (default 10) seconds between consecutive actions, as a
    /// JSON array.
    #[wasm_bindgen(js_name = longPausesJson)]
    pub fn long_pauses_json(&self, #[wasm_bindgen(js_name = thresholdS)] threshold_s: Option<f64>) -> String {
        json(&self.inner.long_pauses(threshold_s.unwrap_or(LONG_PAUSE_S)))
    }

    /// The replays with console errors, as a JSON array.
    #[wasm_bindgen(js_name = errorSessionsJson)]
    pub fn error_sessions_json(&self) -> String {
        json(&self.inner.error_sessions())
    }

    /// The friction report as JSON.
    #[wasm_bindgen(js_name = frictionJson)]
    pub fn friction_json(&self) -> String {
        self.inner.friction().to_json()
    }

    /// The friction report as markdown, the `top` (default 10) groups.
    #[wasm_bindgen(js_name = frictionMarkdown)]
    pub fn friction_markdown(&self, top: Option<usize>) -> String {
        self.inner.friction().to_markdown(report_options(top).top)
    }

    /// The whole report (`rewind report --format json`'s output, newline included).
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self, top: Option<usize>) -> String {
        self.inner.report(&report_options(top)).to_json()
    }

    /// The whole report as markdown (`rewind report`'s output).
    #[wasm_bindgen(js_name = reportMarkdown)]
    pub fn report_markdown(&self, top: Option<usize>) -> String {
        let options = report_options(top);
        self.inner.report(&options).to_markdown(options.top)
    }

    /// The replays meeting every condition of `query`, a JSON object text `{distinct_id,
    /// contains_url, has_event, min_duration_s, max_duration_s}`. Throws on unknown keys.
    #[wasm_bindgen(js_name = "where")]
    pub fn where_json(&self, query: &str) -> Result<WasmReplayBundle, JsError> {
        let query = Where::from_json(query).map_err(|e| JsError::new(&e))?;
        Ok(wrap(self.inner.where_(&query)))
    }

    /// The replays for which `keep({session, actions, warnings})` is truthy.
    pub fn filter(&self, keep: &Function) -> Result<WasmReplayBundle, JsValue> {
        let kept = self.inner.try_filter(|replay| {
            let value = JSON::parse(&replay.to_json())?;
            Ok::<bool, JsValue>(keep.call1(&JsValue::NULL, &value)?.is_truthy())
        })?;
        Ok(wrap(kept))
    }

    /// `n` replays chosen deterministically by `seed` (an integer from 0 to 2^53 − 1).
    pub fn sample(&self, n: usize, seed: f64) -> Result<WasmReplayBundle, JsError> {
        if !(seed.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&seed)) {
            return Err(JsError::new("sample: seed must be an integer from 0 to 2^53 - 1"));
        }
        Ok(wrap(self.inner.sample(n, seed as u64)))
    }

    /// The replays whose labels contain `pattern` as a contiguous run.
    #[wasm_bindgen(js_name = findPattern)]
    pub fn find_pattern(
        &self,
        pattern: Vec<String>,
        #[wasm_bindgen(js_name = labelFn, unchecked_param_type = "string | Function | undefined")] label_fn: JsValue,
    ) -> Result<WasmReplayBundle, JsValue> {
        let labeler = Labeler::from_js(label_fn)?;
        Ok(wrap(self.inner.try_find_pattern(&pattern, |a| labeler.label(a))?))
    }

    /// Each replay's labels, as a JSON array of `[replay_id, [label, …]]` pairs.
    #[wasm_bindgen(js_name = labelsJson)]
    pub fn labels_json(
        &self,
        #[wasm_bindgen(js_name = labelFn, unchecked_param_type = "string | Function | undefined")] label_fn: JsValue,
    ) -> Result<String, JsValue> {
        let labeler = Labeler::from_js(label_fn)?;
        Ok(json(&self.inner.try_labels(|a| labeler.label(a))?))
    }

    /// Label counts here and in `other`: a JSON array of `{action, self_count, other_count,
    /// delta}`.
    #[wasm_bindgen(js_name = compareJson)]
    pub fn compare_json(
        &self,
        other: &WasmReplayBundle,
        #[wasm_bindgen(js_name = labelFn, unchecked_param_type = "string | Function | undefined")] label_fn: JsValue,
    ) -> Result<String, JsValue> {
        let labeler = Labeler::from_js(label_fn)?;
        Ok(json(&self.inner.try_compare(&other.inner, |a| labeler.label(a))?))
    }
}

fn action_of(action_json: &str, what: &str) -> Result<Action, JsError> {
    // An Action's JSON fields; `metadata` and the optional fields may be absent.
    #[derive(serde::Deserialize)]
    struct In {
        #[serde(default)]
        t_ms: i64,
        action: String,
        #[serde(default)]
        target_node_id: Option<i64>,
        #[serde(default)]
        target_desc: Option<String>,
        #[serde(default)]
        description: String,
        #[serde(default)]
        url: Option<String>,
        #[serde(default)]
        metadata: serde_json::Map<String, serde_json::Value>,
    }
    let a: In = serde_json::from_str(action_json).map_err(|e| JsError::new(&format!("{what}: {e}")))?;
    use crate::analyze::ActionKind::*;
    let kind = [Navigate, Click, TouchStart, Scroll, Input, Select, ConsoleError, Custom]
        .into_iter()
        .find(|k| k.as_str() == a.action)
        .ok_or_else(|| JsError::new(&format!("{what}: unknown action `{}`", a.action)))?;
    Ok(Action {
        t_ms: a.t_ms,
        action: kind,
        target_node_id: a.target_node_id,
        target_desc: a.target_desc,
        description: a.description,
        url: a.url,
        metadata: a.metadata,
    })
}

/// `action:tag@normalized_path` for an action given as JSON text (an element of an analysis'
/// `actions`).
#[wasm_bindgen(js_name = defaultLabel)]
pub fn default_label_of(action_json: &str) -> Result<String, JsError> {
    Ok(default_label(&action_of(action_json, "defaultLabel")?))
}

/// Like `defaultLabel`, preferring a `data-*` selector of the element.
#[wasm_bindgen(js_name = selectorLabel)]
pub fn selector_label_of(action_json: &str) -> Result<String, JsError> {
    Ok(selector_label(&action_of(action_json, "selectorLabel")?))
}

/// The URL without query, fragment or credentials, identifier segments as `:id`.
#[wasm_bindgen(js_name = normalizeUrl)]
pub fn normalize_url(url: &str) -> String {
    core_normalize_url(url)
}
