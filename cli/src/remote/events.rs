//! A session's events from `GET /v1/sessions/{id}`, streamed into a time-sorted rrweb array
//! with bounded memory.
//!
//! The collector answers `{"session": {…}, "gaps": [[a, b]…], "events": […], "warnings": […]}`
//! (any key order is read), the events in `seq` order, each as stored ([`read_session`]).
//! `seq` order is nearly always time order, but a page's tabs, clock corrections or a batch
//! resent late can break it, and rrweb-player and the analyzer want the events by `timestamp`. So events pass
//! through an [`EventSorter`]: an external merge sort that keeps at most [`RUN_BYTES`] of event
//! text in memory, spills sorted runs to temporary files past that, and merges the runs while
//! writing. Events with equal timestamps keep their stored order (rrweb's Meta and FullSnapshot
//! share a millisecond, and their order matters); an event without a readable `timestamp`
//! keeps its place after the one before it. Each event's JSON text is written exactly as the
//! collector stored it (compacted onto one line for JSON Lines).

use super::RemoteError;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;
use std::io::{BufReader, BufWriter, Read, Write};

/// Event text held in memory before a sorted run is spilled to a temporary file, in bytes:
/// 64 MiB. A typical session (a few MiB) never spills; a 1 GiB one spills 16 runs.
pub const RUN_BYTES: usize = 64 << 20;

/// What the collector says of a session before its events.
#[derive(Clone, Debug, Default)]
pub struct SessionHead {
    /// The session row.
    pub session: super::query::RemoteSession,
    /// Missing `seq` ranges, inclusive.
    pub gaps: Vec<[u64; 2]>,
    /// Batches the collector could not read, one sentence each.
    pub warnings: Vec<String>,
}

impl SessionHead {
    /// The warnings an analysis of the fetched events carries first, worded as the collector's
    /// `/analysis` words them: the missing batches, then the unreadable ones.
    pub fn analysis_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.gaps.is_empty() {
            let missing: Vec<String> =
                self.gaps.iter().map(|[a, b]| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
            out.push(format!("batches missing from the session: seq {}", missing.join(", ")));
        }
        out.extend(self.warnings.iter().cloned());
        out
    }
}

/// Reads a `GET /v1/sessions/{id}` body, giving `on_event` each event's JSON text in order;
/// returns what came with them. Errors: malformed JSON ([`RemoteError::Protocol`]), a broken
/// transfer ([`RemoteError::Unreachable`]), or `on_event`'s own.
pub fn read_session(
    body: impl Read,
    mut on_event: impl FnMut(Box<RawValue>) -> Result<(), RemoteError>,
) -> Result<SessionHead, RemoteError> {
    let mut failure = None;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(body));
    let seed = SessionSeed { on_event: &mut on_event, failure: &mut failure };
    let result = seed.deserialize(&mut de).and_then(|head| de.end().map(|()| head));
    match (result, failure) {
        (_, Some(failure)) => Err(failure),
        (Ok(head), None) => Ok(head),
        (Err(e), None) if e.is_io() => Err(RemoteError::Unreachable(format!("the transfer broke off: {e}"))),
        (Err(e), None) => Err(RemoteError::Protocol(format!("the session's JSON: {e}"))),
    }
}

struct SessionSeed<'a, E> {
    on_event: &'a mut E,
    failure: &'a mut Option<RemoteError>,
}

impl<'de, E> DeserializeSeed<'de> for SessionSeed<'_, E>
where
    E: FnMut(Box<RawValue>) -> Result<(), RemoteError>,
{
    type Value = SessionHead;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<SessionHead, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, E> Visitor<'de> for SessionSeed<'_, E>
where
    E: FnMut(Box<RawValue>) -> Result<(), RemoteError>,
{
    type Value = SessionHead;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a session object {session, gaps, warnings, events}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SessionHead, A::Error> {
        let mut head = SessionHead::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "session" => head.session = map.next_value()?,
                "gaps" => head.gaps = map.next_value()?,
                "warnings" => head.warnings = map.next_value()?,
                "events" => {
                    map.next_value_seed(EventsSeed { on_event: self.on_event, failure: self.failure })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(head)
    }
}

struct EventsSeed<'a, E> {
    on_event: &'a mut E,
    failure: &'a mut Option<RemoteError>,
}

impl<'de, E: FnMut(Box<RawValue>) -> Result<(), RemoteError>> DeserializeSeed<'de> for EventsSeed<'_, E> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, E: FnMut(Box<RawValue>) -> Result<(), RemoteError>> Visitor<'de> for EventsSeed<'_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rrweb events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(event) = seq.next_element::<Box<RawValue>>()? {
            if let Err(e) = (self.on_event)(event) {
                *self.failure = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// How the fetched events are laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A JSON array, one event per line: what rrweb-player and every rewind command read.
    Array,
    /// JSON Lines: one event per line.
    Lines,
    /// `{"session_id", "distinct_id", "events": [...]}`: the array in rewind's batch envelope,
    /// so an analysis knows the session and its user (what `rewind analyze --session` reads).
    Envelope {
        /// The session id.
        session_id: String,
        /// The user.
        distinct_id: Option<String>,
    },
}

/// Where an [`EventWriter`] writes: plain, or through gzip.
enum Sink<W: Write> {
    Plain(BufWriter<W>),
    Gzip(flate2::write::GzEncoder<BufWriter<W>>),
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// Writes events in a [`Layout`], optionally gzip'd.
pub struct EventWriter<W: Write> {
    out: Sink<W>,
    layout: Layout,
    written: u64,
}

impl<W: Write> EventWriter<W> {
    /// A writer over `out`; `gzip` compresses everything written (flate2, default level).
    pub fn new(out: W, layout: Layout, gzip: bool) -> EventWriter<W> {
        let out = if gzip {
            Sink::Gzip(flate2::write::GzEncoder::new(BufWriter::new(out), flate2::Compression::default()))
        } else {
            Sink::Plain(BufWriter::new(out))
        };
        EventWriter { out, layout, written: 0 }
    }

    /// Events written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    fn envelope_head(&self) -> String {
        match &self.layout {
            Layout::Envelope { session_id, distinct_id } => format!(
                "{{\"session_id\":{},\"distinct_id\":{},\"events\":[",
                serde_json::to_string(session_id).unwrap_or_default(),
                serde_json::to_string(distinct_id).unwrap_or_default()
            ),
            _ => String::new(),
        }
    }

    /// Writes one event's JSON text.
    pub fn event(&mut self, json: &str) -> std::io::Result<()> {
        let head = match (&self.layout, self.written) {
            (Layout::Lines, _) => String::new(),
            (Layout::Array, 0) => "[\n".to_string(),
            (Layout::Envelope { .. }, 0) => self.envelope_head() + "\n",
            (_, _) => ",\n".to_string(),
        };
        self.written += 1;
        self.out.write_all(head.as_bytes())?;
        if json.contains(['\n', '\r']) {
            self.out.write_all(compact(json).as_bytes())?;
        } else {
            self.out.write_all(json.as_bytes())?;
        }
        if self.layout == Layout::Lines {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Closes the array or envelope, flushes, ends the gzip stream; returns the events written.
    pub fn finish(mut self) -> std::io::Result<u64> {
        let tail = match (&self.layout, self.written) {
            (Layout::Lines, _) => String::new(),
            (Layout::Array, 0) => "[]\n".to_string(),
            (Layout::Envelope { .. }, 0) => self.envelope_head() + "]}\n",
            (Layout::Array, _) => "\n]\n".to_string(),
            (Layout::Envelope { .. }, _) => "\n]}\n".to_string(),
        };
        self.out.write_all(tail.as_bytes())?;
        match self.out {
            Sink::Plain(mut w) => w.flush()?,
            Sink::Gzip(w) => w.finish()?.flush()?,
        }
        Ok(self.written)
    }
}

/// `json` without whitespace outside strings (JSON strings cannot hold a raw newline, so the
/// result is one line).
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// An event's sort key: its timestamp, then its place in the stream.
#[derive(Clone, Copy, Debug)]
struct Key {
    t: f64,
    seq: u64,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.t.total_cmp(&other.t).then(self.seq.cmp(&other.seq))
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}

#[derive(Deserialize)]
struct Stamp {
    timestamp: Option<f64>,
}

/// The external sort: push events in stream order, then [`EventSorter::finish`] writes them in
/// timestamp order. Memory holds at most [`RUN_BYTES`] of event text (or `run_bytes`).
pub struct EventSorter {
    run: Vec<(Key, Box<RawValue>)>,
    run_bytes: usize,
    max_run_bytes: usize,
    spilled: Vec<tempfile::NamedTempFile>,
    next_seq: u64,
    last_t: f64,
}

impl Default for EventSorter {
    fn default() -> Self {
        Self::with_run_bytes(RUN_BYTES)
    }
}

impl EventSorter {
    /// A sorter that spills runs of `max_run_bytes` of event text.
    pub fn with_run_bytes(max_run_bytes: usize) -> EventSorter {
        EventSorter { run: Vec::new(), run_bytes: 0, max_run_bytes, spilled: Vec::new(), next_seq: 0, last_t: f64::MIN }
    }

    /// Takes the next event in stream order.
    pub fn push(&mut self, event: Box<RawValue>) -> Result<(), RemoteError> {
        let t = serde_json::from_str::<Stamp>(event.get())
            .ok()
            .and_then(|s| s.timestamp)
            .filter(|t| t.is_finite())
            .unwrap_or(self.last_t);
        self.last_t = t;
        self.run_bytes += event.get().len();
        self.run.push((Key { t, seq: self.next_seq }, event));
        self.next_seq += 1;
        if self.run_bytes > self.max_run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts the run in memory and writes it to a temporary file: per event its key and
    /// length, then its text.
    fn spill(&mut self) -> Result<(), RemoteError> {
        let io = |e: std::io::Error| RemoteError::Io(format!("temporary file: {}", crate::io_reason(&e)));
        self.run.sort_unstable_by_key(|(key, _)| *key);
        let file = tempfile::NamedTempFile::new().map_err(io)?;
        let mut out = BufWriter::new(file.as_file());
        for (key, event) in self.run.drain(..) {
            let text = event.get().as_bytes();
            out.write_all(&key.t.to_le_bytes()).map_err(io)?;
            out.write_all(&key.seq.to_le_bytes()).map_err(io)?;
            out.write_all(&(text.len() as u64).to_le_bytes()).map_err(io)?;
            out.write_all(text).map_err(io)?;
        }
        out.flush().map_err(io)?;
        drop(out);
        self.spilled.push(file);
        self.run_bytes = 0;
        Ok(())
    }

    /// Writes every event in timestamp order through `write`; returns how many.
    pub fn finish(mut self, mut write: impl FnMut(&str) -> std::io::Result<()>) -> Result<u64, RemoteError> {
        let out = |e: std::io::Error| RemoteError::Io(crate::io_reason(&e));
        if self.spilled.is_empty() {
            self.run.sort_unstable_by_key(|(key, _)| *key);
            for (_, event) in &self.run {
                write(event.get()).map_err(out)?;
            }
            return Ok(self.run.len() as u64);
        }
        if !self.run.is_empty() {
            self.spill()?;
        }
        let io = |e: std::io::Error| RemoteError::Io(format!("temporary file: {}", crate::io_reason(&e)));
        let mut runs = Vec::with_capacity(self.spilled.len());
        for file in &self.spilled {
            runs.push(BufReader::new(file.reopen().map_err(io)?));
        }
        let mut heap = BinaryHeap::new();
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some((key, text)) = read_record(run).map_err(io)? {
                heap.push(std::cmp::Reverse((key, i, text)));
            }
        }
        let mut n = 0;
        while let Some(std::cmp::Reverse((_, i, text))) = heap.pop() {
            write(&text).map_err(out)?;
            n += 1;
            if let Some((key, text)) = read_record(&mut runs[i]).map_err(io)? {
                heap.push(std::cmp::Reverse((key, i, text)));
            }
        }
        Ok(n)
    }
}

/// The next spilled event of a run, `None` at its end.
fn read_record(run: &mut impl Read) -> std::io::Result<Option<(Key, String)>> {
    let mut word = [0u8; 8];
    match run.read_exact(&mut word) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let t = f64::from_le_bytes(word);
    run.read_exact(&mut word)?;
    let seq = u64::from_le_bytes(word);
    run.read_exact(&mut word)?;
    let len = usize::try_from(u64::from_le_bytes(word)).map_err(std::io::Error::other)?;
    let mut text = vec![0u8; len];
    run.read_exact(&mut text)?;
    let text = String::from_utf8(text).map_err(std::io::Error::other)?;
    Ok(Some((Key { t, seq }, text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(events: &[&str]) -> String {
        format!(
            r#"{{"session":{{"session_id":"s1","distinct_id":"u"}},"gaps":[[1,2]],"warnings":["batch 4: bad"],"events":[{}]}}"#,
            events.join(",")
        )
    }

    fn sorted(events: &[&str], run_bytes: usize) -> (Vec<String>, SessionHead) {
        let mut sorter = EventSorter::with_run_bytes(run_bytes);
        let head = read_session(body(events).as_bytes(), |e| sorter.push(e)).unwrap();
        let mut out = Vec::new();
        sorter
            .finish(|e| {
                out.push(e.to_string());
                Ok(())
            })
            .unwrap();
        (out, head)
    }

    #[test]
    fn events_come_out_in_time_order_stable_in_memory_and_through_spilled_runs() {
        let events = [
            r#"{"type":4,"timestamp":10,"data":{}}"#,
            r#"{"type":2,"timestamp":10,"data":{"a" : 1}}"#,
            r#"{"type":3,"timestamp":5}"#,
            r#"{"type":3}"#,
            r#"{"type":3,"timestamp":7.5}"#,
            r#"{"type":3,"timestamp":30}"#,
            r#"{"type":3,"timestamp":1}"#,
        ];
        let want = [6, 2, 3, 4, 0, 1, 5].map(|i| events[i].to_string());
        for run_bytes in [1 << 20, 1, 40] {
            let (out, head) = sorted(&events, run_bytes);
            assert_eq!(out, want, "run budget {run_bytes}");
            assert_eq!(head.session.session_id, "s1");
            assert_eq!(
                head.analysis_warnings(),
                ["batches missing from the session: seq 1–2", "batch 4: bad"].map(String::from)
            );
        }
    }

    #[test]
    fn layouts() {
        let write = |layout: Layout, events: &[&str]| {
            let mut buf = Vec::new();
            {
                let mut w = EventWriter::new(std::io::Cursor::new(&mut buf), layout, false);
                for e in events {
                    w.event(e).unwrap();
                }
                w.finish().unwrap();
            }
            String::from_utf8(buf).unwrap()
        };
        let pretty = "{\"a\": \"x y\",\n  \"b\": [1, 2]}";
        assert_eq!(write(Layout::Array, &["{}", pretty]), "[\n{},\n{\"a\":\"x y\",\"b\":[1,2]}\n]\n");
        assert_eq!(write(Layout::Array, &[]), "[]\n");
        assert_eq!(write(Layout::Lines, &["{}", pretty]), "{}\n{\"a\":\"x y\",\"b\":[1,2]}\n");
        let envelope = Layout::Envelope { session_id: "s\"1".into(), distinct_id: None };
        assert_eq!(
            write(envelope.clone(), &["{}"]),
            "{\"session_id\":\"s\\\"1\",\"distinct_id\":null,\"events\":[\n{}\n]}\n"
        );
        assert_eq!(write(envelope, &[]), "{\"session_id\":\"s\\\"1\",\"distinct_id\":null,\"events\":[]}\n");
    }

    #[test]
    fn damaged_answers_are_protocol_errors_and_sink_errors_stop_the_stream() {
        let cut = &body(&[r#"{"timestamp":1}"#])[..60];
        assert!(matches!(read_session(cut.as_bytes(), |_| Ok(())), Err(RemoteError::Protocol(_))));
        let mut seen = 0;
        let stopped = read_session(body(&["{}", "{}", "{}"]).as_bytes(), |_| {
            seen += 1;
            Err(RemoteError::Io("disk full".into()))
        });
        assert_eq!((stopped.unwrap_err(), seen), (RemoteError::Io("disk full".into()), 1));
    }
}
