//! `Inner`'s bookkeeping: storage, closing batches, bodies, and settling `flush()` promises.

use super::{base64, random_id, storage, unbase64, Inner};
use crate::transport::envelope::{envelope_json, gzip, Sender};
use crate::transport::outbox::Batch;
use crate::transport::session::valid_id;
use crate::transport::session::Session;
use wasm_bindgen::JsValue;

/// Attempts a batch gets inside `flush({final: true})` before the flush gives up on it (it
/// stays queued and stored, and is resent later or by the next page of the tab); also when a
/// batch that keeps failing is reported (`onNotice`, once per batch).
pub(crate) const FINAL_FLUSH_ATTEMPTS: u32 = 3;

/// A `flush()` waiting for its batches.
pub(crate) struct Waiter {
    pub resolve: js_sys::Function,
    pub batches: Vec<(String, u64)>,
    pub final_flush: bool,
    pub sent: u32,
    pub failed: u32,
    pub kept: u32,
}

impl Inner {
    /// Calls `onNotice` from a microtask (the recorder it calls emits events that come back
    /// here through `push`, which must not find `Inner` borrowed): without an argument when a
    /// FullSnapshot is needed, with a message when delivery lost or keeps failing to send data.
    #[inline(never)]
    pub(crate) fn notify(&self, failure: Option<String>) {
        let f = self.on_notice.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = f.call1(&JsValue::NULL, &failure.map_or(JsValue::UNDEFINED, JsValue::from));
        });
    }

    pub(crate) fn ask_full_snapshot(&self) {
        self.notify(None);
    }

    pub(crate) fn store(&mut self, key: &str, value: &str) {
        let full = format!("{}:{key}", self.storage_key);
        if storage().is_none_or(|s| s.set_item(&full, value).is_err()) {
            self.counters.storage_errors += 1;
        }
    }

    pub(crate) fn unstore(&self, key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&format!("{}:{key}", self.storage_key));
        }
    }

    pub(crate) fn save_session(&mut self) {
        let text = self.session.to_storage();
        self.store("session", &text);
    }

    /// Starts a new session at `now_ms`, with a new id.
    pub(crate) fn new_session(&mut self, now_ms: f64) {
        self.session = Session::new(random_id(), now_ms);
        self.sender.session_id = self.session.id.clone();
        self.save_session();
    }

    /// Queues the batches an earlier page of this tab stored and did not see accepted.
    pub(crate) fn restore_batches(&mut self) {
        let Some(store) = storage() else { return };
        let prefix = format!("{}:batch:", self.storage_key);
        let mut found = Vec::new();
        for i in 0..store.length().unwrap_or(0) {
            let Some(key) = store.key(i).ok().flatten() else { continue };
            let Some(rest) = key.strip_prefix(&prefix) else { continue };
            let Some((sid, seq)) = rest.rsplit_once(':') else { continue };
            let (Ok(seq), true) = (seq.parse::<u64>(), valid_id(sid)) else { continue };
            let body = store.get_item(&key).ok().flatten().and_then(|t| unbase64(&t));
            match body {
                Some(body) => found.push((sid.to_string(), seq, body)),
                None => {
                    let _ = store.remove_item(&key);
                }
            }
        }
        // In (session id, seq) order. Sorted as plain (rank, seq, index) triples, unique, by
        // the crate's small heapsort (see `crate::sort`), as privacy::redact::apply_spans does.
        // Sessions in storage are a handful, so ranking them is cheap.
        let mut sids: Vec<&str> = Vec::new();
        for (sid, _, _) in &found {
            if !sids.contains(&sid.as_str()) {
                sids.push(sid);
            }
        }
        let rank = |sid: &str| sids.iter().filter(|other| **other < sid).count();
        let mut order: Vec<(usize, usize, usize)> =
            found.iter().enumerate().map(|(i, (sid, seq, _))| (rank(sid), *seq as usize, i)).collect();
        crate::sort::heapsort(&mut order);
        let mut found: Vec<Option<(String, u64, Vec<u8>)>> = found.into_iter().map(Some).collect();
        for (session_id, seq, body) in order.into_iter().filter_map(|(_, _, i)| found[i].take()) {
            let bytes = body.len();
            self.outbox.queue.push_back(Batch {
                session_id,
                seq,
                items: Vec::new(),
                body: Some(body),
                bytes,
                attempts: 0,
                not_before_ms: 0.0,
            });
        }
    }

    /// Closes the pending events into the next batch of the session, makes and stores its
    /// body, and keeps the outbox under its byte limit.
    #[inline(never)]
    pub(crate) fn close_pending(&mut self) {
        self.close_timer = None;
        if self.outbox.pending_len() == 0 {
            return;
        }
        let seq = self.session.take_seq();
        let sid = self.session.id.clone();
        self.outbox.close(&sid, seq);
        self.save_session();
        let dropped = self.outbox.enforce_limit();
        if dropped.events + dropped.batches > 0 {
            self.counters.overflow_events_dropped += dropped.events;
            self.counters.overflow_batches_dropped += dropped.batches;
            if !self.snapshot_asked {
                self.snapshot_asked = true;
                self.ask_full_snapshot();
                // Once per overflow, like the snapshot: the collector is out of reach meanwhile.
                self.notify(Some(format!(
                    "delivery: over bufferMaxBytes, {} events and {} batches dropped",
                    dropped.events, dropped.batches
                )));
            }
        }
        // Bodies of every batch whose events changed (the new one, and thinned ones) are
        // made and stored again.
        let keys: Vec<(String, u64)> =
            self.outbox.queue.iter().filter(|b| b.body.is_none()).map(|b| (b.session_id.clone(), b.seq)).collect();
        for (sid, seq) in keys {
            let _ = self.body_of(&sid, seq);
        }
    }

    /// The gzip body of a queued batch, made (and stored) on first use.
    pub(crate) fn body_of(&mut self, session_id: &str, seq: u64) -> Option<Vec<u8>> {
        let sender = Sender { session_id: session_id.to_string(), ..self.sender.clone() };
        let batch = self.outbox.queue.iter_mut().find(|b| b.seq == seq && b.session_id == session_id)?;
        if let Some(body) = &batch.body {
            return Some(body.clone());
        }
        let events: Vec<String> = batch.items.iter().map(|i| i.json.clone()).collect();
        let body = gzip(envelope_json(&sender, seq, js_sys::Date::now(), &events).as_bytes());
        batch.body = Some(body.clone());
        if let Some(text) = base64(&body) {
            self.store(&format!("batch:{session_id}:{seq}"), &text);
        }
        Some(body)
    }

    /// Records the outcome of a batch for the `flush()` promises, resolving those that are done.
    pub(crate) fn settle(&mut self, session_id: &str, seq: u64, outcome: Settled) {
        if matches!(outcome, Settled::Sent) {
            self.snapshot_asked = false; // delivery resumed: a later overflow may ask again
        }
        for w in &mut self.waiters {
            if let Some(i) = w.batches.iter().position(|(s, q)| *q == seq && s == session_id) {
                match outcome {
                    Settled::Sent => w.sent += 1,
                    Settled::Failed => w.failed += 1,
                    Settled::Retrying(attempts) if w.final_flush && attempts >= FINAL_FLUSH_ATTEMPTS => w.kept += 1,
                    Settled::Retrying(_) => continue,
                }
                w.batches.swap_remove(i);
            }
        }
        self.settle_waiters();
    }

    pub(crate) fn settle_waiters(&mut self) {
        let (done, waiting): (Vec<Waiter>, Vec<Waiter>) =
            std::mem::take(&mut self.waiters).into_iter().partition(|w| w.batches.is_empty());
        self.waiters = waiting;
        for w in done {
            let o = js_sys::Object::new();
            for (k, v) in [("sent", w.sent), ("failed", w.failed), ("kept", w.kept)] {
                let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from(v));
            }
            let _ = w.resolve.call1(&JsValue::NULL, &o);
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Settled {
    Sent,
    Failed,
    Retrying(u32),
}
