//! [`super::decode_reader_into`] on two threads: a reading thread reads and decodes the input
//! while the calling thread feeds the events to its sink, so decoding (about 40 % of
//! `rewind analyze`'s CPU time) overlaps the analysis instead of preceding each event's turn.
//!
//! The sink never leaves the calling thread (it need not be `Send`); events cross in chunks
//! through a bounded channel, so at most [`PIPELINE_DEPTH`] chunks wait between the threads
//! and a slow sink slows the reader instead of letting decoded events pile up. A chunk ends
//! when its weight (one per event plus one per node of its trees) reaches
//! [`PIPELINE_CHUNK_WEIGHT`]: large enough that hand-offs, each a thread wake-up, are rare,
//! small enough that what is in flight stays a few MB.
//!
//! The result is [`super::decode_reader_into`]'s with the same `new_sink`: the reading thread
//! runs exactly that function with a sink that forwards, and every sink it makes (a second
//! one when the input needs the decoder's sorting or salvage) makes a fresh sink here, in
//! the same order.
//!
//! Native only (wasm has one thread).

use super::stream::EventSink;
use super::stream_read::decode_lean_reader_into;
use super::DecodeError;
use crate::model::{Event, EventData, IncrementalData, Lean, Recording};
use std::io::Read;
use std::sync::mpsc::{sync_channel, SyncSender};

/// Weight of a chunk handed from the reading thread to the sink's thread: events plus the
/// nodes of their node trees (FullSnapshots, Mutation adds). A chunk is sent once it reaches
/// this, so an event heavier than this ends the chunk it joins. A node read lean is about
/// 100 bytes, so a chunk is a few MB at most beside the event that ends it.
pub const PIPELINE_CHUNK_WEIGHT: usize = 4_096;

/// Chunks waiting between the threads, at most: the reader is one chunk ahead while the
/// sink works through another, and blocks beyond that.
pub const PIPELINE_DEPTH: usize = 2;

/// What the reading thread hands over.
enum Handoff {
    /// The decoder made a sink: start a fresh one (the first, or the fallback's).
    NewSink,
    /// The next events for the current sink, in order.
    Events(Vec<Event>),
}

/// The sink the decoder feeds on the reading thread: collects a chunk and sends it.
struct Forward {
    to: SyncSender<Handoff>,
    chunk: Vec<Event>,
    weight: usize,
}

impl Forward {
    fn send(&mut self) {
        if !self.chunk.is_empty() {
            let chunk = std::mem::take(&mut self.chunk);
            self.weight = 0;
            // The receiver is gone only when the sink's thread has stopped (it panicked): what
            // is left to decode has nowhere to go, and the caller re-raises that panic.
            let _ = self.to.send(Handoff::Events(chunk));
        }
    }
}

impl EventSink for Forward {
    fn push(&mut self, event: Event) {
        self.weight += 1 + match &event.data {
            EventData::FullSnapshot(snapshot) => snapshot.node.nodes.len(),
            EventData::IncrementalSnapshot(IncrementalData::Mutation(mutation)) => {
                mutation.adds.iter().map(|add| add.node.nodes.len()).sum()
            }
            _ => 0,
        };
        self.chunk.push(event);
        if self.weight >= PIPELINE_CHUNK_WEIGHT {
            self.send();
        }
    }
}

impl Drop for Forward {
    /// The decoder drops a sink when it is done with it (returned whole, or spoiled before
    /// the fallback): its last events go first, so the order seen here is the decoder's.
    fn drop(&mut self) {
        self.send();
    }
}

/// [`decode_lean_reader_into`] with the reading and decoding on a second thread (see the
/// module docs). Same arguments, result and errors; `open` runs on the reading thread.
///
/// # Panics
/// Re-raises a panic of the reading thread (a decoder bug) on the calling thread.
pub(crate) fn decode_lean_reader_pipelined<S: EventSink, R: Read>(
    open: impl FnMut() -> Result<R, DecodeError> + Send,
    new_sink: impl Fn() -> S,
    lean: Option<Lean>,
) -> Result<(S, Recording), DecodeError> {
    let (to, from) = sync_channel::<Handoff>(PIPELINE_DEPTH);
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("rewind-decode".into())
            .spawn_scoped(scope, move || {
                let forward = || {
                    let _ = to.send(Handoff::NewSink);
                    Forward { to: to.clone(), chunk: Vec::new(), weight: 0 }
                };
                // The returned sink is dropped here, sending its last chunk; `to` goes with
                // the closure, which ends the loop below.
                decode_lean_reader_into(open, forward, lean).map(|(_, recording)| recording)
            })
            .map_err(|e| DecodeError::Io { message: format!("cannot start the decoding thread: {e}") })?;
        let mut sink: Option<S> = None;
        for handoff in from {
            match handoff {
                Handoff::NewSink => sink = Some(new_sink()),
                Handoff::Events(events) => {
                    if let Some(sink) = sink.as_mut() {
                        events.into_iter().for_each(|event| sink.push(event));
                    }
                }
            }
        }
        let recording = match reader.join() {
            Ok(result) => result?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // The decoder makes its sink before it reads anything, so a result without one
        // cannot happen; a fresh sink keeps that an empty analysis rather than a panic.
        Ok((sink.unwrap_or_else(&new_sink), recording))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_reader_into;
    use std::io::Cursor;

    /// Every event a sink saw, as (timestamp, debug text), and how many sinks were made.
    #[derive(Default)]
    struct Log(Vec<(i64, String)>);

    impl EventSink for Log {
        fn push(&mut self, event: Event) {
            self.0.push((event.timestamp, format!("{:?}", event.data)));
        }
    }

    type Decoded = Result<(Log, Recording), DecodeError>;

    /// One thread, then two.
    fn both(bytes: &[u8]) -> (Decoded, Decoded) {
        let open = || Ok(Cursor::new(bytes.to_vec()));
        (decode_reader_into(open, Log::default), decode_lean_reader_pipelined(open, Log::default, None))
    }

    fn assert_same(bytes: &[u8]) {
        match both(bytes) {
            (Ok((a, ra)), Ok((b, rb))) => {
                assert_eq!(a.0, b.0);
                assert_eq!(ra.warnings, rb.warnings);
                assert_eq!(ra.session_id, rb.session_id);
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("one path failed: {:?} vs {:?}", a.err(), b.err()),
        }
    }

    #[test]
    fn every_fixture_reaches_the_sink_as_on_one_thread() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                assert_same(&std::fs::read(&path).unwrap());
                n += 1;
            }
        }
        assert!(n >= 10, "fixtures found: {n}");
    }

    #[test]
    fn the_fallback_makes_a_fresh_sink_and_errors_come_through() {
        let event = |t: i64| format!(r#"{{"type":3,"timestamp":{t},"data":{{"source":1,"positions":[]}}}}"#);
        // Many events, then one out of order: the streaming pass has sent chunks to the first
        // sink before it gives up and the fallback feeds a second one.
        let mut events: Vec<String> = (0..2_000).map(|i| event(1_000 + i)).collect();
        events.push(event(500));
        let out_of_order = format!("[{}]", events.join(","));
        let (one, two) = both(out_of_order.as_bytes());
        let (one, two) = (one.unwrap().0 .0, two.unwrap().0 .0);
        assert_eq!(one.len(), 2_001);
        assert_eq!(one, two);
        assert_eq!(two[0].0, 500, "sorted by the fallback");
        // Damaged: salvage, through the fallback.
        assert_same(format!("[{},{{\"type\":3,\"data\":null}}", events[..10].join(",")).as_bytes());
        // Nothing to decode: the same error.
        assert_same(b"not json");
        assert_same(b"");
    }

    #[test]
    fn a_failing_open_is_the_error() {
        let result = decode_lean_reader_pipelined(
            || Err::<Cursor<Vec<u8>>, _>(DecodeError::Io { message: "gone".into() }),
            Log::default,
            None,
        );
        assert!(matches!(result, Err(DecodeError::Io { message }) if message == "gone"));
    }
}
