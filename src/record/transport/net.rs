//! Sending: one request at a time in order, keepalive requests on page hide.

use super::inner::Settled;
use super::Shared;
use crate::transport::retry::{classify, retry_after_seconds_ms, Outcome};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Sends the oldest batch that is due, one request at a time (the collector orders by `seq`,
/// so this is about not flooding a struggling server); schedules a retry timer otherwise.
pub(crate) fn pump(inner: &Shared) {
    let next = {
        let mut s = inner.borrow_mut();
        if s.stopped || !s.in_flight.is_empty() {
            return;
        }
        let now = js_sys::Date::now();
        let due = s.outbox.queue.iter().find(|b| b.not_before_ms <= now).map(|b| (b.session_id.clone(), b.seq));
        match due {
            Some((sid, seq)) => {
                let body = s.body_of(&sid, seq);
                body.map(|body| {
                    s.in_flight.push((sid.clone(), seq));
                    (sid, seq, body)
                })
            }
            None => {
                let wake = s.outbox.queue.iter().map(|b| b.not_before_ms).fold(f64::INFINITY, f64::min);
                if wake.is_finite() {
                    let weak = Rc::downgrade(inner);
                    let delay = (wake - now).clamp(0.0, u32::MAX as f64) as u32;
                    s.retry_timer = Some(Timeout::new(delay, move || {
                        if let Some(inner) = weak.upgrade() {
                            pump(&inner);
                        }
                    }));
                }
                None
            }
        }
    };
    if let Some((sid, seq, body)) = next {
        send(inner, sid, seq, body, false);
    }
}

pub(crate) fn send(inner: &Shared, session_id: String, seq: u64, body: Vec<u8>, keepalive: bool) {
    let inner = inner.clone();
    let (endpoint, key) = {
        let s = inner.borrow();
        (s.endpoint.clone(), s.public_key.clone())
    };
    wasm_bindgen_futures::spawn_local(async move {
        let len = body.len();
        let result = post(&endpoint, &key, &body, keepalive).await;
        let mut s = inner.borrow_mut();
        s.in_flight.retain(|(sid, q)| !(*q == seq && *sid == session_id));
        let (status, retry_after) = match &result {
            Ok((status, retry_after)) => (Some(*status), retry_after.clone()),
            Err(_) => (None, None),
        };
        let attempts = match s.outbox.queue.iter_mut().find(|b| b.seq == seq && b.session_id == session_id) {
            Some(b) => {
                b.attempts += 1;
                b.attempts
            }
            None => 1, // already settled by a parallel (keepalive) request
        };
        let retry_after_ms = retry_after.as_deref().and_then(|h| {
            retry_after_seconds_ms(h).or_else(|| {
                let at = js_sys::Date::parse(h);
                at.is_finite().then(|| at - js_sys::Date::now())
            })
        });
        match classify(status, retry_after_ms, attempts, js_sys::Math::random()) {
            Outcome::Accepted => {
                if let Some(b) = s.outbox.remove(&session_id, seq) {
                    s.counters.events_sent += b.items.len() as u64;
                }
                s.counters.batches_sent += 1;
                s.counters.bytes_sent += len as u64;
                s.unstore(&format!("batch:{session_id}:{seq}"));
                s.settle(&session_id, seq, Settled::Sent);
            }
            Outcome::Drop { reason } => {
                s.outbox.remove(&session_id, seq);
                s.counters.batches_failed += 1;
                match s.counters.dropped_by_reason.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => s.counters.dropped_by_reason.push((reason.clone(), 1)),
                }
                s.notify(Some(format!("delivery: batch {seq} refused for good ({reason}) and dropped")));
                s.counters.last_failure = reason;
                s.unstore(&format!("batch:{session_id}:{seq}"));
                s.settle(&session_id, seq, Settled::Failed);
            }
            Outcome::Retry { delay_ms } => {
                let now = js_sys::Date::now();
                if let Some(b) = s.outbox.queue.iter_mut().find(|b| b.seq == seq && b.session_id == session_id) {
                    b.not_before_ms = now + delay_ms;
                }
                s.counters.batches_retried += 1;
                s.counters.last_failure = match &result {
                    Ok((status, _)) => format!("http_{status}"),
                    Err(e) => e.clone(),
                };
                if attempts == super::inner::FINAL_FLUSH_ATTEMPTS {
                    let failure = format!(
                        "delivery: batch {seq} still failing after {attempts} tries ({}), kept and retried",
                        s.counters.last_failure
                    );
                    s.notify(Some(failure));
                }
                s.settle(&session_id, seq, Settled::Retrying(attempts));
            }
        }
        drop(s);
        pump(&inner);
    });
}

/// One POST; `Ok((status, Retry-After))` when the server answered, `Err` on a network error.
async fn post(endpoint: &str, key: &str, body: &[u8], keepalive: bool) -> Result<(u16, Option<String>), String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    // `keepalive` is not in web-sys's stable RequestInit API; it is a plain dictionary member.
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::from_bool(keepalive));
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let headers = web_sys::Headers::new().map_err(|_| "headers".to_string())?;
    let _ = headers.set("Content-Type", "application/json");
    let _ = headers.set("Content-Encoding", "gzip");
    let _ = headers.set("X-Rewind-Key", key);
    init.set_headers(&headers);
    let bytes = js_sys::Uint8Array::from(body);
    init.set_body(&bytes);
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str_and_init(endpoint, &init)).await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>().map_or_else(|| "network error".to_string(), |e| String::from(e.message()))
    })?;
    let response: web_sys::Response = response.unchecked_into();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    Ok((response.status(), retry_after))
}
