//! Pending events and closed batches, bounded in bytes.

use super::{BATCH_INTERVAL_MS, BATCH_MAX_BYTES, BATCH_MAX_EVENTS, BUFFER_MAX_BYTES};
use std::collections::VecDeque;

/// rrweb EventType 3 (IncrementalSnapshot): the events dropped first on overflow.
use crate::protocol::event_type::INCREMENTAL_SNAPSHOT as INCREMENTAL;

/// When batches close and how much may wait.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Close a batch this long (ms) after its first event.
    pub interval_ms: f64,
    /// Close a batch at this many events.
    pub max_events: usize,
    /// Close a batch at this many bytes of event JSON.
    pub max_bytes: usize,
    /// Keep pending events plus unsent batches under this many bytes.
    pub buffer_max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            interval_ms: BATCH_INTERVAL_MS,
            max_events: BATCH_MAX_EVENTS,
            max_bytes: BATCH_MAX_BYTES,
            buffer_max_bytes: BUFFER_MAX_BYTES,
        }
    }
}

/// One recorded event: its JSON text and rrweb EventType.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub json: String,
    pub kind: u8,
}

/// The rrweb EventType of an event's JSON text (the number after its `"type":` key, which
/// rrweb and rewind write first); 0 when absent (never treated as incremental).
pub fn event_type(json: &str) -> u8 {
    let Some(i) = crate::privacy::find_str(json, "\"type\":") else { return 0 };
    let digits = json.get(i + 7..).unwrap_or_default().trim_start().bytes().take_while(u8::is_ascii_digit);
    digits.fold(0u8, |n, d| n.saturating_mul(10).saturating_add(d - b'0'))
}

/// A closed batch, waiting to be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub session_id: String,
    /// Position in its session, from 0.
    pub seq: u64,
    /// The events, when known: batches restored from storage after a reload carry only
    /// `body` (their events cannot be thinned on overflow, only dropped whole).
    pub items: Vec<Item>,
    /// The gzip'd envelope, once made (made again when overflow changes `items`).
    pub body: Option<Vec<u8>>,
    /// Bytes counted against the buffer: event JSON, or the body for restored batches.
    pub bytes: usize,
    /// Sends attempted so far.
    pub attempts: u32,
    /// Not before this time (epoch ms): the backoff.
    pub not_before_ms: f64,
}

/// What [`Outbox::enforce_limit`] dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Incremental events dropped from pending events or closed batches.
    pub events: u64,
    /// Restored batches dropped whole (their events unknown).
    pub batches: u64,
}

/// Pending events (the batch being filled) and the queue of closed, unsent batches.
#[derive(Debug, Default)]
pub struct Outbox {
    pub limits: Limits,
    pending: Vec<Item>,
    pending_bytes: usize,
    /// When the first pending event arrived (epoch ms).
    pending_since_ms: Option<f64>,
    /// Closed batches, oldest first (send order).
    pub queue: VecDeque<Batch>,
}

impl Outbox {
    pub fn new(limits: Limits) -> Self {
        Outbox { limits, ..Default::default() }
    }

    /// Adds an event to the pending batch. Returns true when the batch should close now
    /// (count or size reached).
    pub fn push(&mut self, json: String, now_ms: f64) -> bool {
        let kind = event_type(&json);
        self.pending_bytes += json.len();
        self.pending.push(Item { json, kind });
        self.pending_since_ms.get_or_insert(now_ms);
        self.pending.len() >= self.limits.max_events || self.pending_bytes >= self.limits.max_bytes
    }

    /// Number of pending (not yet batched) events.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// When the pending batch is due to close by time (epoch ms), if it has events.
    pub fn due_ms(&self) -> Option<f64> {
        self.pending_since_ms.map(|t| t + self.limits.interval_ms)
    }

    /// Takes the pending events (for a batch, or a split final flush).
    pub fn take_pending(&mut self) -> Vec<Item> {
        self.pending_bytes = 0;
        self.pending_since_ms = None;
        std::mem::take(&mut self.pending)
    }

    /// Closes the pending events into a batch of `session_id` with `seq`; `None` when nothing
    /// is pending. The body is made later ([`Batch::body`]).
    pub fn close(&mut self, session_id: &str, seq: u64) -> Option<&Batch> {
        if self.pending.is_empty() {
            return None;
        }
        let bytes = self.pending_bytes;
        let items = self.take_pending();
        self.queue.push_back(Batch {
            session_id: session_id.to_string(),
            seq,
            items,
            body: None,
            bytes,
            attempts: 0,
            not_before_ms: 0.0,
        });
        self.queue.back()
    }

    /// Bytes held: pending events plus queued batches.
    pub fn bytes(&self) -> usize {
        self.pending_bytes + self.queue.iter().map(|b| b.bytes).sum::<usize>()
    }

    /// Removes the batch `(session_id, seq)` (accepted, or failed for good).
    pub fn remove(&mut self, session_id: &str, seq: u64) -> Option<Batch> {
        let i = self.queue.iter().position(|b| b.seq == seq && b.session_id == session_id)?;
        self.queue.remove(i)
    }

    /// Keeps [`bytes`](Self::bytes) under `limits.buffer_max_bytes`: drops incremental events,
    /// oldest first (queued batches, then pending events), then restored batches whose events
    /// are unknown, oldest first. Batches keep their `seq` (possibly with no events) so the
    /// collector sees no gap. Any drop means what follows may not replay: the caller asks the
    /// recorder for a fresh FullSnapshot (once until delivery resumes, since Meta and
    /// FullSnapshot events are never dropped here: see `record::transport`).
    pub fn enforce_limit(&mut self) -> Dropped {
        let mut dropped = Dropped::default();
        let max = self.limits.buffer_max_bytes;
        let mut total = self.bytes();
        if total <= max {
            return dropped;
        }
        for batch in self.queue.iter_mut().filter(|b| !b.items.is_empty()) {
            thin(&mut batch.items, &mut batch.bytes, &mut total, max, &mut dropped.events);
            batch.body = None;
            if total <= max {
                return dropped;
            }
        }
        thin(&mut self.pending, &mut self.pending_bytes, &mut total, max, &mut dropped.events);
        while total > max {
            let Some(i) = self.queue.iter().position(|b| b.items.is_empty() && b.bytes > 0) else { break };
            if let Some(b) = self.queue.remove(i) {
                total -= b.bytes;
                dropped.batches += 1;
            }
        }
        dropped
    }
}

/// Drops incremental events from the front of `items` until `total` ≤ `max`.
fn thin(items: &mut Vec<Item>, bytes: &mut usize, total: &mut usize, max: usize, count: &mut u64) {
    items.retain(|item| {
        if *total <= max || item.kind != INCREMENTAL {
            return true;
        }
        *total -= item.json.len();
        *bytes -= item.json.len();
        *count += 1;
        false
    });
}
