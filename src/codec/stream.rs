//! Decoding straight into a consumer ([`decode_into`]): each event goes to an [`EventSink`]
//! (the analyzer) as soon as it is read, so no `Vec<Event>` of the whole recording is held and
//! each event's node trees are freed once the consumer has taken what it needs.
//!
//! The result is exactly [`decode`]'s events fed in order. Streaming is only possible when the
//! input is already in timestamp order (rrweb's own output is) and intact; otherwise
//! [`decode_into`] starts again with a fresh sink on [`decode`]'s result, which sorts, salvages
//! and reports errors as always. So out-of-order or damaged input costs a second parse, and
//! in-order input costs one.

use super::envelope::TopLevelVisitor;
use super::{decode, gunzip, is_gzip, is_spike, retime_warning, DecodeError, MAX_DECOMPRESSED_BYTES};
use crate::model::{read_lean, Event, Lean, Recording};

/// A consumer of a recording's events, taking each one in [`decode`]'s order (timestamp
/// order, equal timestamps in recorded order).
pub trait EventSink {
    /// Takes the next event.
    fn push(&mut self, event: Event);
}

impl EventSink for Vec<Event> {
    fn push(&mut self, event: Event) {
        Vec::push(self, event);
    }
}

/// Decodes `bytes` like [`decode`] and feeds every event, in [`decode`]'s order, to a sink made
/// by `new_sink`. Returns the sink and the recording's session id, user id and warnings
/// (`events` empty).
///
/// In-order, intact input is decoded in one streaming pass. Anything else (events out of
/// timestamp order, damage, an unsupported shape) makes `new_sink` run a second time and the
/// fresh sink is fed from [`decode`], so the outcome never depends on which path ran.
///
/// # Errors
/// [`decode`]'s, when nothing can be decoded.
pub fn decode_into<S: EventSink>(bytes: &[u8], new_sink: impl Fn() -> S) -> Result<(S, Recording), DecodeError> {
    decode_lean_into(bytes, new_sink, None)
}

/// [`decode_into`] for a sink that keeps only part of each node tree: with `lean`, the
/// streamed events' node trees leave out what `lean` says the sink drops (see
/// [`crate::model::read_lean`]); events fed from the fallback are whole. Either way the sink
/// must end up in the same state.
pub(crate) fn decode_lean_into<S: EventSink>(
    bytes: &[u8],
    new_sink: impl Fn() -> S,
    lean: Option<Lean>,
) -> Result<(S, Recording), DecodeError> {
    let mut sink = new_sink();
    let streamed = match lean {
        Some(lean) => read_lean(lean, || stream(bytes, &mut sink)),
        None => stream(bytes, &mut sink),
    };
    if let Some(recording) = streamed {
        return Ok((sink, recording));
    }
    drop(sink);
    fed_from_decode(bytes, new_sink)
}

/// The fallback of every streaming pass: [`decode`] (sort, salvage, errors) and a fresh sink
/// fed from its events.
pub(super) fn fed_from_decode<S: EventSink>(
    bytes: &[u8],
    new_sink: impl Fn() -> S,
) -> Result<(S, Recording), DecodeError> {
    let Recording { events, session_id, distinct_id, warnings } = decode(bytes)?;
    let mut sink = new_sink();
    for event in events {
        sink.push(event);
    }
    Ok((sink, Recording { events: Vec::new(), session_id, distinct_id, warnings }))
}

/// The streaming pass; `None` when the input needs [`decode`] (the sink is then spoiled).
fn stream<S: EventSink>(bytes: &[u8], sink: &mut S) -> Option<Recording> {
    let inflated;
    let mut bytes = bytes;
    if is_gzip(bytes) {
        inflated = gunzip(bytes, MAX_DECOMPRESSED_BYTES).ok()?;
        bytes = &inflated;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let mut order = InOrder { sink, pending: None, last: None, retimed: 0 };
    let mut recording = Recording::default();
    {
        let mut push = |event: Event| order.push(event);
        // Checked as UTF-8 once, the input is read with serde_json's `str` reader, which does
        // not check every string again as the slice reader does; input that is not UTF-8 is
        // not JSON, and the fallback reports it.
        let text = std::str::from_utf8(bytes).ok()?;
        let mut de = serde_json::Deserializer::from_str(text);
        // As in `decode_batches`: node trees are depth-checked by the model's own seeds.
        de.disable_recursion_limit();
        loop {
            let batch = serde::de::Deserializer::deserialize_any(&mut de, TopLevelVisitor(Some(&mut push))).ok()?;
            // `join`'s rule: the first ids seen win.
            recording.session_id = recording.session_id.or(batch.session_id);
            recording.distinct_id = recording.distinct_id.or(batch.distinct_id);
            if de.end().is_ok() {
                break;
            }
        }
    }
    let retimed = order.finish()?;
    if retimed > 0 {
        recording.warnings.push(retime_warning(retimed));
    }
    Some(recording)
}

/// [`super::retime_clock_spikes`] and the order check of [`super::sort_events`], one event at
/// a time: an event is passed on once its successor is known (a spike is judged against both
/// neighbours), and the stream stops at the first event earlier than the one before it.
pub(super) struct InOrder<'a, S> {
    pub(super) sink: &'a mut S,
    /// The event read last, not yet passed on.
    pub(super) pending: Option<Event>,
    /// Timestamp (ms) of the event passed on last, after retiming.
    pub(super) last: Option<i64>,
    pub(super) retimed: usize,
}

impl<S: EventSink> InOrder<'_, S> {
    /// Takes the next event in recorded order; `false` when the events are not in timestamp
    /// order.
    pub(super) fn push(&mut self, next: Event) -> bool {
        if let Some(mut here) = self.pending.take() {
            if let Some(prev) = self.last {
                if is_spike(prev, here.timestamp, next.timestamp) {
                    here.timestamp = prev;
                    self.retimed += 1;
                }
            }
            if !self.emit(here) {
                return false;
            }
        }
        self.pending = Some(next);
        true
    }

    fn emit(&mut self, event: Event) -> bool {
        if self.last.is_some_and(|last| event.timestamp < last) {
            return false;
        }
        self.last = Some(event.timestamp);
        self.sink.push(event);
        true
    }

    /// Passes on the last event (never a spike: it has one neighbour); the number of events
    /// retimed, or `None` when the order broke.
    pub(super) fn finish(mut self) -> Option<usize> {
        if let Some(last) = self.pending.take() {
            if !self.emit(last) {
                return None;
            }
        }
        Some(self.retimed)
    }
}
