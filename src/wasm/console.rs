//! The `#[wasm_bindgen]` surface of console capture (`rrweb/console@1`), built into network
//! capture's own wasm (`pkg-record/rewind_network*`, feature `network`) and used by
//! `js/console.js` only when `capture.console` is on, so the recorder every page downloads
//! carries none of it. It reads the JS values (arguments, errors, stacks) and delegates: the
//! formatting, limits and redaction are [`crate::privacy::console`], tested natively.

use super::network::{field, texts};
use crate::privacy::console::{json_arg, payload_json, text_arg, trace};
use crate::privacy::PrivacyOptions;
use js_sys::{Array, Reflect};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Console capture for one recording: the privacy rules and the count of records so far
/// (`privacy::console::CONSOLE_MAX_LOGS`).
#[wasm_bindgen]
pub struct ConsolePolicy {
    privacy: PrivacyOptions,
    // A Cell, not `&mut self`: `JSON.stringify` of an argument may run page code (`toJSON`)
    // that logs again, re-entering this object.
    logs: Cell<u32>,
}

#[wasm_bindgen]
impl ConsolePolicy {
    /// `privacy`: the recorder's privacy options (`{stripUrlQuery?, keepQueryOrigins?,
    /// redactPatterns?}`, as `new Recorder` gets them; the masking fields do not apply to
    /// console text). Fields of another type are ignored.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "object")] privacy: JsValue) -> ConsolePolicy {
        let mut p = PrivacyOptions::default();
        if let Some(b) = field(&privacy, "stripUrlQuery").and_then(|v| v.as_bool()) {
            p.strip_url_query = b;
        }
        p.keep_query_origins = texts(&privacy, "keepQueryOrigins").unwrap_or_default();
        p.redact_patterns = texts(&privacy, "redactPatterns").unwrap_or_default();
        ConsolePolicy { privacy: p, logs: Cell::new(0) }
    }

    /// The payload JSON of a `console[level](...args)` call, or `undefined` past the limit.
    pub fn log(&self, level: &str, args: Array) -> Option<String> {
        let payload: Vec<String> = args.iter().map(|a| self.arg(&a)).collect();
        self.record(level, Vec::new(), &payload)
    }

    /// The payload JSON of an uncaught error (an `ErrorEvent`'s `message` and `error`), level
    /// `error`, or `undefined` past the limit.
    pub fn error(&self, message: &str, error: JsValue) -> Option<String> {
        let trace = self.trace(&error);
        self.record("error", trace, &[text_arg(&self.privacy, message)])
    }

    /// The payload JSON of an unhandled rejection (its `reason`), level `error`, or
    /// `undefined` past the limit.
    pub fn rejection(&self, reason: JsValue) -> Option<String> {
        let trace = self.trace(&reason);
        let payload = [self.arg(&reason)];
        self.record("error", trace, &payload)
    }
}

impl ConsolePolicy {
    fn record(&self, level: &str, trace: Vec<String>, payload: &[String]) -> Option<String> {
        let n = self.logs.get().saturating_add(1);
        self.logs.set(n);
        payload_json(n, level, &trace, payload)
    }

    /// One argument as rrweb's console plugin writes it: strings and errors (`name: message`)
    /// quoted, `undefined` as is, anything else its `JSON.stringify` (else `String()`) text.
    fn arg(&self, arg: &JsValue) -> String {
        if let Some(text) = arg.as_string() {
            return text_arg(&self.privacy, &text);
        }
        if arg.is_undefined() {
            return "undefined".into();
        }
        if let Some(err) = arg.dyn_ref::<js_sys::Error>() {
            let text = format!("{}: {}", String::from(err.name()), String::from(err.message()));
            return text_arg(&self.privacy, &text);
        }
        let text = js_sys::JSON::stringify(arg)
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_else(|| js_sys::JsString::from(arg.clone()).into());
        json_arg(&self.privacy, &text)
    }

    fn trace(&self, error: &JsValue) -> Vec<String> {
        let stack =
            Reflect::get(error, &JsValue::from_str("stack")).ok().and_then(|v| v.as_string()).unwrap_or_default();
        trace(&self.privacy, &stack)
    }
}
