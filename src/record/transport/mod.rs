//! The state behind the `Transport` export (`wasm/transport.rs`): the browser edge of
//! delivery. The policy (batching, the bounded outbox, envelope + gzip, retries, sessions) is
//! [`crate::transport`]; this module only does what needs the browser: `fetch`, timers,
//! `sessionStorage`, the `online` event.
//!
//! Storage (`sessionStorage`, per tab, survives reloads and same-tab navigation):
//! `{key}:session` (the session, see [`Session::to_storage`]), `{key}:window` (the tab's id),
//! `{key}:batch:{session_id}:{seq}` (a closed, unsent batch: its gzip body in base64). A batch
//! is written when it closes and removed when it is accepted or dropped, so a reload (or a
//! page that died mid-outage) resends what was not confirmed; the collector stores each
//! `(session_id, seq)` once.
//!
//! Error-triggered buffering ([`crate::transport::buffer`]) is an opt-in chunk with its own wasm
//! (`crate::wasm::buffering`, `js/buffering.js`), which decides the session's mode and keeps
//! the window: while the session is not sending it `hold`s the Transport ([`Inner::held`]:
//! events keep the session alive but queue nothing, so no request is made), and on a trigger
//! it `release`s the window into the outbox.

pub(crate) mod inner;
pub(crate) mod net;

use crate::transport::envelope::Sender;
use crate::transport::outbox::Outbox;
use crate::transport::session::Session;
use gloo_timers::callback::Timeout;
use inner::Waiter;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) batches_sent: u64,
    pub(crate) batches_retried: u64,
    pub(crate) batches_failed: u64,
    pub(crate) events_sent: u64,
    pub(crate) bytes_sent: u64,
    pub(crate) overflow_events_dropped: u64,
    pub(crate) overflow_batches_dropped: u64,
    pub(crate) storage_errors: u64,
    pub(crate) last_failure: String,
    /// Batches dropped for good, per reason (`http_401`, …), in first-seen order.
    pub(crate) dropped_by_reason: Vec<(String, u64)>,
}

pub(crate) struct Inner {
    pub(crate) endpoint: String,
    pub(crate) public_key: String,
    pub(crate) storage_key: String,
    pub(crate) sender: Sender,
    pub(crate) session: Session,
    pub(crate) outbox: Outbox,
    /// Batches with a request in flight.
    pub(crate) in_flight: Vec<(String, u64)>,
    pub(crate) close_timer: Option<Timeout>,
    pub(crate) retry_timer: Option<Timeout>,
    pub(crate) waiters: Vec<Waiter>,
    pub(crate) counters: Counters,
    pub(crate) on_notice: js_sys::Function,
    /// A FullSnapshot was asked for after an overflow and no batch has been accepted since.
    /// Snapshot events are never thinned, so asking again on every overflow while the
    /// collector is out of reach would add one snapshot per batch to a buffer meant to be
    /// bounded; one is enough until delivery resumes.
    pub(crate) snapshot_asked: bool,
    pub(crate) online: Option<Closure<dyn FnMut()>>,
    pub(crate) stopped: bool,
    /// Events queue nothing: an unsent error-triggered buffering session's window is kept by
    /// the buffering chunk ([`Transport::hold`]).
    pub(crate) held: bool,
}

pub(crate) type Shared = Rc<RefCell<Inner>>;

pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub(crate) fn random_id() -> String {
    let uuid = web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid());
    // Without `crypto.randomUUID` (pages not served over https): 32 hex digits from
    // `Math.random()`, written by hand (no `format!("{:x}")` machinery in the wasm for this).
    uuid.unwrap_or_else(|| {
        (0..32).map(|_| char::from(b"0123456789abcdef"[(js_sys::Math::random() * 16.0) as usize & 15])).collect()
    })
}

pub(crate) fn base64(bytes: &[u8]) -> Option<String> {
    // btoa takes a "binary string": one char per byte (U+0000–U+00FF).
    let binary: String = bytes.iter().map(|&b| b as char).collect();
    web_sys::window()?.btoa(&binary).ok()
}

pub(crate) fn unbase64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    binary.chars().map(|c| u8::try_from(c as u32).ok()).collect()
}
