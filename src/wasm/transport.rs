//! The `Transport` class exported to JS: converts and delegates to delivery's browser edge,
//! `record::transport` (its state, `sessionStorage` keys, requests and timers), which drives the
//! pure policy in [`crate::transport`] (batching, the bounded outbox, envelope + gzip, retries,
//! sessions). Error-triggered buffering's chunk (`crate::wasm::buffering`, `js/buffering.js`)
//! [`hold`](Transport::hold)s it while its session is not sending and
//! [`release`](Transport::release)s the window into the outbox on a trigger.

use crate::record::transport::inner::Waiter;
use crate::record::transport::net::{pump, send};
use crate::record::transport::{random_id, storage, Counters, Inner, Shared};
use crate::transport::envelope::{envelope_json, gzip, identify_distinct_id, split_to_fit, Sender};
use crate::transport::outbox::{event_type, Batch, Limits, Outbox};
use crate::transport::session::{valid_id, Session};
use crate::transport::KEEPALIVE_BUDGET_BYTES;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// rrweb's user interactions (`isUserInteraction` in rrweb's replayer: IncrementalSource
/// MouseMove 1 … Input 5): the events that keep a session alive. Mutations, checkouts and
/// custom events do not.
fn is_user_activity(json: &str) -> bool {
    if event_type(json) != 3 {
        return false;
    }
    let Some(i) = crate::privacy::find_str(json, "\"source\":") else { return false };
    let bytes = json.as_bytes();
    matches!(bytes.get(i + 9), Some(b'1'..=b'5')) && !bytes.get(i + 10).is_some_and(u8::is_ascii_digit)
}

/// Batches recorded events and delivers them to the collector (`POST {ingestBaseUrl}/v1/ingest`,
/// gzip body, `X-Rewind-Key` header), retrying, bounded, and surviving reloads.
#[wasm_bindgen]
pub struct Transport {
    inner: Shared,
}

fn opt_str(obj: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

fn opt_num(obj: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_f64()).filter(|n| *n > 0.0)
}

#[wasm_bindgen]
impl Transport {
    /// `options`: `{ingestBaseUrl: string, publicKey: string, appId?: string, sdkVersion?: string,
    /// batchIntervalMs? = 5000, batchMaxEvents? = 1000, batchMaxBytes? = 524288,
    /// bufferMaxBytes? = 8388608, storageKey? = "rewind"}`.
    /// `onNotice()` is called without an argument
    /// when what follows would not replay without a new FullSnapshot (a new session began, or
    /// events were dropped on overflow): call the
    /// recorder's `takeFullSnapshot()` from it; and with a message (`"delivery: …"`) when data
    /// is lost or not getting through: a batch refused for good (a 4xx other than 408/429, e.g.
    /// a wrong URL's 404), a batch still failing after 3 tries (`FINAL_FLUSH_ATTEMPTS`) (kept and
    /// retried), events dropped on overflow (once until a batch is accepted). Always
    /// asynchronously. Batches left by an earlier page of this tab are resent.
    /// Errors: a missing `ingestBaseUrl` or `publicKey`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ ingestBaseUrl: string; publicKey: string; appId?: string; \
            sdkVersion?: string; batchIntervalMs?: number; batchMaxEvents?: number; batchMaxBytes?: number; \
            bufferMaxBytes?: number; storageKey?: string }")]
        options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(failure?: string) => void")] on_notice: js_sys::Function,
    ) -> Result<Transport, JsError> {
        let base = opt_str(&options, "ingestBaseUrl").filter(|s| !s.is_empty());
        let base = base.ok_or_else(|| JsError::new("Transport: ingestBaseUrl is required"))?;
        let public_key = opt_str(&options, "publicKey").filter(|s| !s.is_empty());
        let public_key = public_key.ok_or_else(|| JsError::new("Transport: publicKey is required"))?;
        let defaults = Limits::default();
        let limits = Limits {
            interval_ms: opt_num(&options, "batchIntervalMs").unwrap_or(defaults.interval_ms),
            max_events: opt_num(&options, "batchMaxEvents").map_or(defaults.max_events, |n| n as usize),
            max_bytes: opt_num(&options, "batchMaxBytes").map_or(defaults.max_bytes, |n| n as usize),
            buffer_max_bytes: opt_num(&options, "bufferMaxBytes").map_or(defaults.buffer_max_bytes, |n| n as usize),
        };
        let storage_key = opt_str(&options, "storageKey").unwrap_or_else(|| "rewind".into());
        let now = js_sys::Date::now();
        let store = storage();
        let get = |k: &str| store.as_ref().and_then(|s| s.get_item(&format!("{storage_key}:{k}")).ok().flatten());
        let session = get("session").and_then(|t| Session::from_storage(&t)).filter(|s| !s.expired(now));
        let session = session.unwrap_or_else(|| Session::new(random_id(), now));
        let window_id = get("window").filter(|w| valid_id(w)).unwrap_or_else(random_id);
        let sender = Sender {
            session_id: session.id.clone(),
            window_id,
            app_id: opt_str(&options, "appId").unwrap_or_default(),
            sdk_version: opt_str(&options, "sdkVersion").unwrap_or_default(),
            distinct_id_json: None,
        };
        let inner = Rc::new(RefCell::new(Inner {
            endpoint: format!("{}/v1/ingest", base.trim_end_matches('/')),
            public_key,
            storage_key,
            sender,
            session,
            outbox: Outbox::new(limits),
            in_flight: Vec::new(),
            close_timer: None,
            retry_timer: None,
            waiters: Vec::new(),
            counters: Counters::default(),
            on_notice,
            snapshot_asked: false,
            online: None,
            stopped: false,
            held: false,
        }));
        {
            let mut s = inner.borrow_mut();
            s.save_session();
            let window_id = s.sender.window_id.clone();
            s.store("window", &window_id);
            s.restore_batches();
        }
        let weak = Rc::downgrade(&inner);
        let online = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                // Connectivity is back: retry now instead of waiting out the backoff.
                inner.borrow_mut().outbox.queue.iter_mut().for_each(|b| b.not_before_ms = 0.0);
                pump(&inner);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
        inner.borrow_mut().online = Some(online);
        pump(&inner);
        Ok(Transport { inner })
    }

    /// Adds one rrweb event (JSON text). A `rewind.identify` Custom event sets the envelope's
    /// `distinct_id` to its `userId` as recorded. The batch closes on the interval, the event count or
    /// the byte size; user activity after 30 min idle (or 24 h in all) starts a new session.
    /// While [held](Self::hold), the event keeps the session alive but is not queued. Returns
    /// true when this event ended its session (it was the old session's last; a new one began,
    /// and its FullSnapshot is asked for through `onNotice`).
    pub fn push(&self, event_json: String) -> bool {
        let inner = &self.inner;
        let now = js_sys::Date::now();
        let activity = is_user_activity(&event_json);
        let (full, expired) = {
            let mut s = inner.borrow_mut();
            if s.stopped {
                return false;
            }
            let expired = activity && s.session.expired(now);
            if activity {
                s.session.last_activity_ms = s.session.last_activity_ms.max(now);
            }
            // A `rewind.identify` event sets the `distinct_id` of the batches that close from
            // now on: the id as recorded (redacted or hashed), never what the app passed.
            if let Some(id) = identify_distinct_id(&event_json) {
                s.sender.distinct_id_json = id;
            }
            let held = s.held;
            let full = !held && s.outbox.push(event_json, now);
            if expired {
                // The event that ends the idle span closes the old session; the new one starts
                // with the Meta + FullSnapshot asked for below.
                s.close_pending();
                s.new_session(now);
                s.ask_full_snapshot();
            }
            if full || expired {
                s.close_pending();
            } else if !held && s.close_timer.is_none() {
                let delay = s.outbox.limits.interval_ms.clamp(0.0, u32::MAX as f64) as u32;
                let weak = Rc::downgrade(inner);
                s.close_timer = Some(Timeout::new(delay, move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.borrow_mut().close_pending();
                        pump(&inner);
                    }
                }));
            }
            (full, expired)
        };
        if full || expired {
            pump(inner);
        }
        expired
    }

    /// Holds (`true`) or stops holding (`false`) the queue: while held, [`push`](Self::push)ed
    /// events are not queued, so nothing of the session is sent (error-triggered buffering,
    /// whose chunk keeps them in its window instead; see the module docs). Batches queued before
    /// are still delivered.
    pub fn hold(&self, held: bool) {
        self.inner.borrow_mut().held = held;
    }

    /// Stops holding and queues a held window's events (JSON texts, oldest first: a Meta, its
    /// FullSnapshot and what followed) as the session's next batches, and sends them. They were
    /// [`push`](Self::push)ed already (the session's activity and identity are not read again).
    pub fn release(&self, #[wasm_bindgen(unchecked_param_type = "string[]")] events: js_sys::Array) {
        {
            let mut s = self.inner.borrow_mut();
            s.held = false;
            if s.stopped {
                return;
            }
            let now = js_sys::Date::now();
            for json in events.iter().filter_map(|e| e.as_string()) {
                if s.outbox.push(json, now) {
                    s.close_pending();
                }
            }
            s.close_pending();
        }
        pump(&self.inner);
    }

    /// The current session id.
    #[wasm_bindgen(js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.borrow().session.id.clone()
    }

    /// Closes the pending events into a batch and sends everything queued. Resolves to
    /// `{sent, failed, kept}` (batch counts) once each batch queued now was accepted (`sent`),
    /// refused for good (`failed`: a 4xx other than 408/429) or — with `final` — still not
    /// accepted after 3 attempts (`kept`: it stays stored and is resent later or by the next
    /// page of this tab). Without `final`, transient failures are retried until they succeed.
    pub fn flush(&self, #[wasm_bindgen(js_name = "final")] final_flush: bool) -> js_sys::Promise {
        let inner = self.inner.clone();
        js_sys::Promise::new(&mut |resolve, _reject| {
            {
                let mut s = inner.borrow_mut();
                s.close_pending();
                let batches: Vec<(String, u64)> =
                    s.outbox.queue.iter().map(|b| (b.session_id.clone(), b.seq)).collect();
                s.waiters.push(Waiter { resolve, batches, final_flush, sent: 0, failed: 0, kept: 0 });
                if final_flush {
                    // Try now, not after the backoff.
                    s.outbox.queue.iter_mut().for_each(|b| b.not_before_ms = 0.0);
                }
                s.settle_waiters();
            }
            pump(&inner);
        })
    }

    /// The page is going away (`pagehide`, or `visibilitychange` to hidden): closes the pending
    /// events into batches that fit the keepalive quota, stores every unsent batch, and sends
    /// as many as fit in 60 KiB with `fetch(…, {keepalive: true})`, oldest first. The rest is
    /// resent by the next page of this tab.
    #[wasm_bindgen(js_name = pageHide)]
    pub fn page_hide(&self) {
        let inner = &self.inner;
        let to_send: Vec<(String, u64, Vec<u8>)> = {
            let mut s = inner.borrow_mut();
            if s.stopped {
                return;
            }
            // A buffering session closes no batch, which is when the session is saved otherwise:
            // keep its activity time so a reload continues it.
            s.save_session();
            s.close_timer = None;
            let items = s.outbox.take_pending();
            if !items.is_empty() {
                let events: Vec<String> = items.into_iter().map(|i| i.json).collect();
                let sender = s.sender.clone();
                let now = js_sys::Date::now();
                // The seq only changes a few digits of the body: the budget has room for them.
                let seq = s.session.next_seq;
                let mut encode = |evs: &[String]| gzip(envelope_json(&sender, seq, now, evs).as_bytes());
                let parts = split_to_fit(&events, KEEPALIVE_BUDGET_BYTES, &mut encode);
                let mut start = 0;
                for (len, _) in parts {
                    for e in &events[start..start + len] {
                        s.outbox.push(e.clone(), now);
                    }
                    start += len;
                    s.close_pending();
                }
            }
            let mut budget = KEEPALIVE_BUDGET_BYTES;
            let mut out = Vec::new();
            let queue: Vec<(String, u64)> = s.outbox.queue.iter().map(|b| (b.session_id.clone(), b.seq)).collect();
            for (sid, seq) in queue {
                if s.in_flight.contains(&(sid.clone(), seq)) {
                    continue;
                }
                let Some(body) = s.body_of(&sid, seq) else { continue };
                if body.len() > budget {
                    break;
                }
                budget -= body.len();
                s.in_flight.push((sid.clone(), seq));
                out.push((sid, seq, body));
            }
            out
        };
        for (sid, seq, body) in to_send {
            send(inner, sid, seq, body, true);
        }
    }

    /// Counters: `{sessionId, queuedBatches, pendingEvents, bufferedBytes, batchesSent,
    /// batchesRetried, batchesFailed, eventsSent, bytesSent (gzip bodies), overflowEventsDropped,
    /// overflowBatchesDropped, storageErrors, lastFailure, droppedByReason: {http_401: n, …}}`.
    pub fn stats(&self) -> JsValue {
        let s = self.inner.borrow();
        let c = &s.counters;
        let o = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
        };
        set("sessionId", s.session.id.as_str().into());
        set("queuedBatches", (s.outbox.queue.len() as f64).into());
        set("pendingEvents", (s.outbox.pending_len() as f64).into());
        set("bufferedBytes", (s.outbox.bytes() as f64).into());
        set("batchesSent", (c.batches_sent as f64).into());
        set("batchesRetried", (c.batches_retried as f64).into());
        set("batchesFailed", (c.batches_failed as f64).into());
        set("eventsSent", (c.events_sent as f64).into());
        set("bytesSent", (c.bytes_sent as f64).into());
        set("overflowEventsDropped", (c.overflow_events_dropped as f64).into());
        set("overflowBatchesDropped", (c.overflow_batches_dropped as f64).into());
        set("storageErrors", (c.storage_errors as f64).into());
        set("lastFailure", c.last_failure.as_str().into());
        let reasons = js_sys::Object::new();
        for (reason, n) in &c.dropped_by_reason {
            let _ = js_sys::Reflect::set(&reasons, &JsValue::from_str(reason), &JsValue::from(*n as f64));
        }
        set("droppedByReason", reasons.into());
        o.into()
    }

    /// Stops timers and listeners; unsent batches stay stored for the next page.
    pub fn stop(&self) {
        let mut s = self.inner.borrow_mut();
        s.stopped = true;
        s.close_timer = None;
        s.retry_timer = None;
        if let (Some(w), Some(cb)) = (web_sys::window(), s.online.take()) {
            let _ = w.remove_event_listener_with_callback("online", cb.as_ref().unchecked_ref());
        }
    }

    /// Stops, and forgets every pending event and unsent batch, in memory and in storage (the
    /// user opted out).
    pub fn discard(&self) {
        self.stop();
        let mut s = self.inner.borrow_mut();
        s.outbox.take_pending();
        let queue: Vec<Batch> = s.outbox.queue.drain(..).collect();
        for b in queue {
            s.unstore(&format!("batch:{}:{}", b.session_id, b.seq));
        }
        s.unstore("session");
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.stop();
    }
}
