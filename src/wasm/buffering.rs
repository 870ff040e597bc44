//! The `#[wasm_bindgen]` surface of error-triggered buffering's own wasm
//! (`pkg-record/rewind_buffering*`, feature `buffering`), loaded by `js/buffering.js` only when
//! `sampling.onError > 0` with `ingestBaseUrl`, so the recorder every page downloads carries none
//! of it. It converts, delegates and keeps the session's decision in `sessionStorage`; the policy
//! (the sampling rolls, the rolling last-minute window, the stored text, what a trigger is) is
//! [`crate::transport::buffer`], tested natively. The recorder's `Transport` only holds its
//! queue while the session is not sending (`Transport::hold`, `Transport::release`).

use crate::transport::buffer::{is_console_error, mode_from_storage, mode_to_storage, Buffer, Mode, Sampling};
use crate::transport::BUFFER_MAX_BYTES;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// A bit of [`Buffering::push`]'s result: a fresh Meta + FullSnapshot is due (the window's
/// checkout, [`crate::transport::buffer::BUFFER_CHECKOUT_MS`]).
pub const PUSH_CHECKOUT: u32 = 1;
/// A bit of [`Buffering::push`]'s result: the event is a trigger (a recorded `console.error`,
/// [`is_console_error`]).
pub const PUSH_TRIGGER: u32 = 2;

/// `obj[key]` as a number, `None` when absent or not a number.
fn number(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_f64()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// One session's error-triggered buffering: its mode (kept in `sessionStorage` under
/// `{storageKey}:sampling` as `{session_id} {s|b|w}`, see [`mode_to_storage`]) and, while it
/// is not sending, the rolling window of its events.
#[wasm_bindgen]
pub struct Buffering {
    sampling: Sampling,
    mode: Mode,
    buffer: Buffer,
    session_id: String,
    /// `{storageKey}:sampling`.
    key: String,
}

#[wasm_bindgen]
impl Buffering {
    /// `options`: `{session? = 1, onError? = 0, bufferMaxBytes? = 8388608, storageKey? =
    /// "rewind"}` (rates are fractions in [0, 1], clamped; `bufferMaxBytes` bytes of event JSON
    /// in the window). `sessionId`: the Transport's session. The mode is the one stored for this
    /// session, else rolled now from `Math.random()`; either way it is stored.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "{ session?: number; onError?: number; bufferMaxBytes?: number; storageKey?: string }"
        )]
        options: JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: String,
    ) -> Buffering {
        let defaults = Sampling::default();
        let rate = |key, default| number(&options, key).filter(|n| *n >= 0.0).unwrap_or(default);
        let sampling =
            Sampling { session: rate("session", defaults.session), on_error: rate("onError", defaults.on_error) };
        let max_bytes =
            number(&options, "bufferMaxBytes").filter(|n| *n > 0.0).map_or(BUFFER_MAX_BYTES, |n| n as usize);
        let storage_key = Reflect::get(&options, &JsValue::from_str("storageKey")).ok().and_then(|v| v.as_string());
        let key = format!("{}:sampling", storage_key.as_deref().unwrap_or("rewind"));
        let stored = storage().and_then(|s| s.get_item(&key).ok().flatten());
        let mode = stored.and_then(|t| mode_from_storage(&t, &session_id));
        let mode = mode.unwrap_or_else(|| sampling.start(js_sys::Math::random()));
        let buffering = Buffering { sampling, mode, buffer: Buffer::new(max_bytes), session_id, key };
        buffering.save();
        buffering
    }

    fn save(&self) {
        if let Some(s) = storage() {
            let _ = s.set_item(&self.key, &mode_to_storage(&self.session_id, self.mode));
        }
    }

    /// Whether the session's events are sent (sampled, or buffered and then triggered): the
    /// Transport queues them itself, and [`push`](Self::push) is not called.
    #[wasm_bindgen(getter)]
    pub fn sending(&self) -> bool {
        self.mode == Mode::Sending
    }

    /// Keeps one event (JSON text) that arrived at `nowMs` (epoch ms) in the window while the
    /// session is not sending. Returns bits: [`PUSH_CHECKOUT`] (1), ask the recorder for a fresh
    /// Meta + FullSnapshot; [`PUSH_TRIGGER`] (2), the event is a recorded `console.error`, call
    /// [`trigger`](Self::trigger).
    pub fn push(&mut self, json: String, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> u32 {
        let trigger = if is_console_error(&json) { PUSH_TRIGGER } else { 0 };
        let checkout = if self.buffer.push(json, now_ms) { PUSH_CHECKOUT } else { 0 };
        trigger | checkout
    }

    /// A new session began (`sessionId`): what the window held belongs to the old one and is
    /// forgotten, and the mode is rolled again (and stored).
    pub fn renew(&mut self, #[wasm_bindgen(js_name = sessionId)] session_id: String) {
        self.session_id = session_id;
        self.buffer.clear();
        self.mode = self.sampling.start(js_sys::Math::random());
        self.save();
    }

    /// A trigger (an uncaught error, an unhandled rejection, a recorded `console.error`,
    /// `capture()`): a buffering session rolls `onError` once (from `Math.random()`), and the
    /// result is stored. Returns whether the session is now sending; the window is then
    /// [`drain`](Self::drain)ed into the Transport.
    pub fn trigger(&mut self) -> bool {
        if self.mode == Mode::Buffering {
            self.mode = self.sampling.trigger(self.mode, js_sys::Math::random());
            self.save();
        }
        self.sending()
    }

    /// Takes the window's events (JSON texts), oldest first, leaving it empty: a Meta, its
    /// FullSnapshot and what followed, or nothing when an overflow emptied it.
    pub fn drain(&mut self) -> Vec<String> {
        self.buffer.drain().into_iter().map(|item| item.json).collect()
    }

    /// Forgets the window and the stored decision (the user opted out).
    pub fn discard(&mut self) {
        self.buffer.clear();
        if let Some(s) = storage() {
            let _ = s.remove_item(&self.key);
        }
    }
}
