//! [`super::decode_into`] from a reader instead of a byte slice ([`decode_reader_into`]): the
//! input is read in [`STREAM_READ_CHUNK`] pieces into a window that holds only what has not
//! been parsed yet, so a file is never held whole while it is analysed (the CLI's peak memory
//! is then the analysis state, not the file plus the analysis state).
//!
//! Each event is read with serde_json's slice reader from the window (as fast as the slice
//! path); an event cut by the window's end shows as serde_json's end-of-input error and is
//! read again after the window has grown (doubling, so a large FullSnapshot is re-read a
//! bounded number of times). The structure between events (the array's `[`, `,`, `]`, an
//! envelope's keys) is walked here; what the walk cannot place, like the slice path's streaming
//! pass, falls back to [`super::decode`] on the whole input, read again from a fresh reader.
//! So a streamed result is always [`super::decode`]'s.

use super::envelope::{first_event, TopLevelVisitor};
use super::stream::{fed_from_decode, EventSink, InOrder};
use super::{is_gzip, retime_warning, DecodeError, MAX_DECOMPRESSED_BYTES};
use crate::model::{read_lean, Event, Lean, Recording};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::io::{Cursor, Read};

/// Bytes read from the input at a time (1 MiB): the window holds about this much beyond the
/// event being read, or twice the largest event when that is larger.
pub const STREAM_READ_CHUNK: usize = 1 << 20;

/// Decodes a recording from readers like [`super::decode`] on their bytes and feeds every
/// event, in [`super::decode`]'s order, to a sink made by `new_sink` — holding only a window
/// of the input, never the whole of it. `open` gives a reader from the start of the input; it
/// is called a second time (with a fresh sink) when the input needs [`super::decode`]'s
/// sorting or salvage, as [`super::decode_into`] does.
///
/// # Errors
/// `open`'s error; [`DecodeError::Io`] (the I/O error's text) when the fallback cannot read
/// the input; otherwise [`super::decode`]'s.
pub fn decode_reader_into<S: EventSink, R: Read>(
    open: impl FnMut() -> Result<R, DecodeError>,
    new_sink: impl Fn() -> S,
) -> Result<(S, Recording), DecodeError> {
    decode_lean_reader_into(open, new_sink, None)
}

/// [`decode_reader_into`] with lean node trees (see [`super::decode_lean_into`]).
pub(crate) fn decode_lean_reader_into<S: EventSink, R: Read>(
    open: impl FnMut() -> Result<R, DecodeError>,
    new_sink: impl Fn() -> S,
    lean: Option<Lean>,
) -> Result<(S, Recording), DecodeError> {
    chunked(open, new_sink, lean, STREAM_READ_CHUNK)
}

/// [`decode_lean_reader_into`] reading `chunk` bytes at a time (tests put the window's end
/// everywhere with a small one).
fn chunked<S: EventSink, R: Read>(
    mut open: impl FnMut() -> Result<R, DecodeError>,
    new_sink: impl Fn() -> S,
    lean: Option<Lean>,
    chunk: usize,
) -> Result<(S, Recording), DecodeError> {
    let mut sink = new_sink();
    let reader = open()?;
    let streamed = match lean {
        Some(lean) => read_lean(lean, || stream(reader, &mut sink, chunk)),
        None => stream(reader, &mut sink, chunk),
    };
    if let Some(recording) = streamed {
        return Ok((sink, recording));
    }
    drop(sink);
    let mut bytes = Vec::new();
    open()?.read_to_end(&mut bytes).map_err(|e| DecodeError::Io { message: e.to_string() })?;
    fed_from_decode(&bytes, new_sink)
}

/// The streaming pass; `None` when the input needs [`super::decode`] (the sink is spoiled).
fn stream<S: EventSink, R: Read>(mut reader: R, sink: &mut S, chunk: usize) -> Option<Recording> {
    // The window holds text, which gzip's bytes are not: the magic is looked for first, in
    // the raw bytes, and what was read goes back in front of the rest.
    let mut head = Vec::with_capacity(2);
    (&mut reader).take(2).read_to_end(&mut head).ok()?;
    if is_gzip(&head) {
        let inflated = flate2::read::MultiGzDecoder::new(Cursor::new(head).chain(reader));
        return walk(Window::new(inflated, MAX_DECOMPRESSED_BYTES, chunk), sink);
    }
    walk(Window::new(Cursor::new(head).chain(reader), usize::MAX, chunk), sink)
}

/// Walks the top-level values (an event array, an envelope or an event; several for JSON
/// Lines), as the slice path's `TopLevelVisitor` loop does.
fn walk<S: EventSink, R: Read>(mut window: Window<R>, sink: &mut S) -> Option<Recording> {
    window.fill(3)?;
    if window.ahead().starts_with(b"\xEF\xBB\xBF") {
        window.pos += 3;
    }
    let mut order = InOrder { sink, pending: None, last: None, retimed: 0 };
    let mut recording = Recording::default();
    let mut values = 0;
    {
        let mut push = |event: Event| order.push(event);
        while let Some(byte) = window.next_byte()? {
            match byte {
                b'[' => {
                    window.pos += 1;
                    events(&mut window, &mut push)?;
                }
                b'{' => {
                    let (session_id, distinct_id) = object(&mut window, &mut push)?;
                    // `join`'s rule: the first ids seen win.
                    recording.session_id = recording.session_id.or(session_id);
                    recording.distinct_id = recording.distinct_id.or(distinct_id);
                }
                _ => return None,
            }
            values += 1;
        }
    }
    if values == 0 {
        return None;
    }
    let retimed = order.finish()?;
    if retimed > 0 {
        recording.warnings.push(retime_warning(retimed));
    }
    Some(recording)
}

/// The elements of an event array whose `[` has been read, up to and including its `]`; the
/// first is checked like the slice path's (an array of something else is not streamed).
fn events<R: Read>(window: &mut Window<R>, push: &mut dyn FnMut(Event) -> bool) -> Option<()> {
    if window.next_byte()? == Some(b']') {
        window.pos += 1;
        return Some(());
    }
    // As deep as the slice path reads it, but with the limit: a first event nested deeper
    // than serde_json's limit falls back.
    let first: Box<RawValue> = window.parse(false)?;
    if !push(first_event(&first).ok()?) {
        return None;
    }
    loop {
        match window.next_byte()? {
            Some(b',') => window.pos += 1,
            Some(b']') => {
                window.pos += 1;
                return Some(());
            }
            _ => return None,
        }
        let event: Event = window.parse(true)?;
        if !push(event) {
            return None;
        }
    }
}

/// A top-level object at the window's position: an event (JSON Lines), an envelope with an
/// `events` (or `snapshots`) array, or anything else the slice path reads; its session and
/// user ids.
fn object<R: Read>(
    window: &mut Window<R>,
    push: &mut dyn FnMut(Event) -> bool,
) -> Option<(Option<String>, Option<String>)> {
    // An object that fits in a window's worth of input (a JSON Lines event, a small batch) is
    // read as the slice path reads it, once its extent is known.
    window.fill(window.chunk)?;
    let extent = {
        // The recursion limit stays on: nothing here checks depth (a too deep one falls back).
        let mut values = serde_json::Deserializer::from_slice(window.ahead()).into_iter::<&RawValue>();
        values.next().and_then(Result::ok).map(|_| values.byte_offset())
    };
    if let Some(end) = extent {
        let mut de = serde_json::Deserializer::from_slice(&window.ahead()[..end]);
        de.disable_recursion_limit();
        let batch = serde::Deserializer::deserialize_any(&mut de, TopLevelVisitor(Some(push))).ok()?;
        window.pos += end;
        return Some((batch.session_id, batch.distinct_id));
    }
    if window.eof {
        return None;
    }
    // A larger one (an envelope around a whole recording): its event array is streamed, and
    // its other members are read again as an object of their own, with an empty event array
    // in the array's place, so the ids and errors are the slice path's.
    window.pos += 1;
    let mut rest = b"{".to_vec();
    let mut streamed = false;
    let mut first = true;
    loop {
        match window.next_byte()? {
            Some(b'}') if first => {
                window.pos += 1;
                break;
            }
            Some(b'"') => {}
            _ => return None,
        }
        let key: String = window.parse(false)?;
        if window.next_byte()? != Some(b':') {
            return None;
        }
        window.pos += 1;
        if key == "events" || key == "snapshots" {
            if streamed || window.next_byte()? != Some(b'[') {
                return None;
            }
            window.pos += 1;
            events(window, push)?;
            streamed = true;
        } else {
            let value: Box<RawValue> = window.parse(false)?;
            if rest.len() > 1 {
                rest.push(b',');
            }
            rest.extend_from_slice(serde_json::to_string(&key).ok()?.as_bytes());
            rest.push(b':');
            rest.extend_from_slice(value.get().as_bytes());
        }
        first = false;
        match window.next_byte()? {
            Some(b',') => window.pos += 1,
            Some(b'}') => {
                window.pos += 1;
                break;
            }
            _ => return None,
        }
    }
    if streamed {
        if rest.len() > 1 {
            rest.push(b',');
        }
        rest.extend_from_slice(b"\"events\":[]");
    }
    rest.push(b'}');
    let mut de = serde_json::Deserializer::from_slice(&rest);
    de.disable_recursion_limit();
    let batch = serde::Deserializer::deserialize_any(&mut de, TopLevelVisitor(Some(push))).ok()?;
    de.end().ok()?;
    Some((batch.session_id, batch.distinct_id))
}

/// The unread part of the input: `buf[pos..]`, refilled from `src` on demand.
///
/// The window is text: bytes are checked as UTF-8 once, as they are read, so each event is
/// parsed with serde_json's `str` reader, which does not check every string it reads again (a
/// fifth of the slice reader's string time was that check). Input that is not UTF-8 is not
/// JSON: the pass gives up and the fallback reports it as always.
struct Window<R> {
    src: R,
    buf: String,
    pos: usize,
    /// Bytes read but not yet in `buf`: a character cut by the end of a read (at most 3 bytes
    /// between fills), or a read's bytes while they are checked.
    raw: Vec<u8>,
    /// `src` has no more bytes.
    eof: bool,
    /// Bytes read from `src` so far, and the most it may give ([`MAX_DECOMPRESSED_BYTES`] for
    /// gzip, as [`super::gunzip`]'s limit; past it the pass gives up and the fallback reports).
    total: usize,
    limit: usize,
    /// Bytes read at a time ([`STREAM_READ_CHUNK`]).
    chunk: usize,
}

impl<R: Read> Window<R> {
    fn new(src: R, limit: usize, chunk: usize) -> Self {
        Window { src, buf: String::new(), pos: 0, raw: Vec::new(), eof: false, total: 0, limit, chunk }
    }

    fn ahead(&self) -> &[u8] {
        &self.buf.as_bytes()[self.pos..]
    }

    /// Reads until at least `need` bytes are ahead or the input ends; drops what was parsed.
    /// `None` on a read error, past the limit, or on bytes that are not UTF-8.
    fn fill(&mut self, need: usize) -> Option<()> {
        if self.buf.len() - self.pos >= need || self.eof {
            return Some(());
        }
        // `pos` only ever moves past whole JSON tokens, so it is a character boundary.
        if !self.buf.is_char_boundary(self.pos) {
            return None;
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        while self.buf.len() < need && !self.eof {
            let len = self.raw.len();
            self.raw.resize(len + (need - self.buf.len()).max(self.chunk), 0);
            let n = loop {
                match self.src.read(&mut self.raw[len..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return None,
                }
            };
            self.raw.truncate(len + n);
            self.eof = n == 0;
            self.total += n;
            if self.total > self.limit {
                return None;
            }
            match std::str::from_utf8(&self.raw) {
                Ok(text) => {
                    self.buf.push_str(text);
                    self.raw.clear();
                }
                // A character cut by the end of this read: its first bytes wait for the next.
                Err(e) if e.error_len().is_none() && !self.eof => {
                    let valid = e.valid_up_to();
                    self.buf.push_str(std::str::from_utf8(&self.raw[..valid]).ok()?);
                    self.raw.drain(..valid);
                }
                Err(_) => return None,
            }
        }
        Some(())
    }

    /// The next byte after JSON whitespace (which is consumed); `Some(None)` at the end.
    fn next_byte(&mut self) -> Option<Option<u8>> {
        loop {
            match self.ahead().iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                Some(i) => {
                    self.pos += i;
                    return Some(Some(self.buf.as_bytes()[self.pos]));
                }
                None => {
                    self.pos = self.buf.len();
                    if self.eof {
                        return Some(None);
                    }
                    self.fill(1)?;
                }
            }
        }
    }

    /// One JSON value read as `T` from the window, which grows while the value runs past its
    /// end. `None` when it cannot be read (the input is damaged or not this shape). Only with
    /// `deep` is serde_json's recursion limit off: for values whose node trees the model's own
    /// readers depth-check (events).
    fn parse<T: DeserializeOwned>(&mut self, deep: bool) -> Option<T> {
        let mut retried = false;
        loop {
            let ahead = self.buf.get(self.pos..)?;
            let mut de = serde_json::Deserializer::from_str(ahead);
            if deep {
                de.disable_recursion_limit();
            }
            let mut values = de.into_iter::<T>();
            let need = match values.next() {
                // A number at the window's end may go on: read one more byte to know.
                Some(Ok(value)) if values.byte_offset() < ahead.len() || self.eof => {
                    self.pos += values.byte_offset();
                    return Some(value);
                }
                Some(Ok(_)) => ahead.len() + 1,
                None if !self.eof => ahead.len() + self.chunk,
                Some(Err(e)) if e.is_eof() && !self.eof => ahead.len().saturating_mul(2).max(self.chunk),
                // A cut can also look like a syntax error (`1.` then nothing reads as an invalid
                // number): one more try with more input tells the two apart.
                Some(Err(_)) if !self.eof && !retried => {
                    retried = true;
                    ahead.len() + self.chunk
                }
                _ => return None,
            };
            self.fill(need)?;
        }
    }
}

/// Reads one JSON value off `window` without keeping it (used by tests to walk values).
#[cfg(test)]
fn skip<R: Read>(window: &mut Window<R>) -> Option<()> {
    window.parse::<serde::de::IgnoredAny>(false).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode;

    /// A reader that gives at most `step` bytes per read, to put window ends everywhere.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// `decode_reader_into` agrees with `decode`; returns how many sinks were made.
    fn check(bytes: &[u8], step: usize) -> usize {
        let made = std::cell::Cell::new(0);
        let streamed = chunked(
            || Ok(Trickle { bytes, step }),
            || {
                made.set(made.get() + 1);
                Vec::new()
            },
            None,
            step,
        );
        match (streamed, decode(bytes)) {
            (Ok((events, got)), Ok(want)) => {
                assert_eq!(format!("{events:?}"), format!("{:?}", want.events));
                assert_eq!(
                    (got.session_id, got.distinct_id, got.warnings),
                    (want.session_id, want.distinct_id, want.warnings)
                );
            }
            (Err(got), Err(want)) => assert_eq!(got, want),
            (got, want) => panic!("decode_reader_into {:?} but decode {:?}", got.map(|_| ()), want.map(|_| ())),
        }
        made.get()
    }

    const EVENTS: &str = r#"[{"type":4,"data":{"href":"https://a.test/","width":1.5,"height":2},"timestamp":1000},
        {"type":3,"data":{"source":2,"type":2,"id":7,"x":1.25,"y":-3e2},"timestamp":1001.5},
        {"type":5,"data":{"tag":"t\"ag\\","payload":{"s":"é \u00e9 }]"}},"timestamp":1002}]"#;

    #[test]
    fn every_window_end_agrees_with_decode() {
        let envelope = format!(r#"{{"session_id":"s1","seq":12,"events":{EVENTS},"distinct_id":"u"}}"#);
        let lines = EVENTS.trim_matches(['[', ']']).replace(",\n", "\n");
        for input in [EVENTS.to_string(), envelope, lines, format!("\u{feff}{EVENTS}")] {
            for step in [1, 2, 3, 7, 64, 4096] {
                assert_eq!(check(input.as_bytes(), step), 1, "streamed at step {step}: {input}");
            }
        }
    }

    #[test]
    fn out_of_order_damaged_and_foreign_input_fall_back() {
        let unordered = r#"[{"type":4,"data":{"href":"h","width":1,"height":2},"timestamp":9},{"type":4,"data":{"href":"h","width":1,"height":2},"timestamp":1}]"#;
        let cut = &EVENTS[..EVENTS.len() - 20];
        for input in [unordered, cut] {
            for step in [1, 5, 4096] {
                assert_eq!(check(input.as_bytes(), step), 2, "{input}");
            }
        }
        // Errors: `decode`'s own, whichever way the stream gave up.
        for input in ["[1,2]", "{\"a\":1}", "  ", "", "[{\"type\":4,\"timestamp\":1},]", "5", "[{}"] {
            for step in [1, 5, 4096] {
                check(input.as_bytes(), step);
            }
        }
    }

    #[test]
    fn every_fixture_streams_through_small_windows() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
        assert!(paths.len() > 5, "fixtures in {dir:?}");
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            // Streamed exactly when the slice path streams.
            let slice_made = std::cell::Cell::new(0);
            let _ = crate::codec::decode_into(&bytes, || {
                slice_made.set(slice_made.get() + 1);
                Vec::new()
            });
            for step in [997, 64 * 1024] {
                assert_eq!(check(&bytes, step), slice_made.get(), "{path:?} at {step}");
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_fall_back_to_decode() {
        // The window is text: a byte that is not UTF-8 (here in a member no reader keeps, and
        // a character cut by the input's end) ends the streaming pass; `decode` has the say.
        let mut ignored = EVENTS.replace(r#""timestamp":1002}"#, r#""timestamp":1002,"x":"?"}"#).into_bytes();
        let at = ignored.iter().rposition(|&b| b == b'?').unwrap();
        ignored[at] = 0xFF;
        let mut cut = EVENTS.as_bytes().to_vec();
        cut.extend_from_slice(b" \xC3");
        for input in [ignored, cut] {
            for step in [1, 2, 4096] {
                assert_eq!(check(&input, step), 2);
            }
        }
    }

    #[test]
    fn gzip_is_inflated_into_the_window() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(EVENTS.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        for step in [1, 3, 4096] {
            assert_eq!(check(&gz, step), 1);
        }
        assert_eq!(check(&gz[..gz.len() - 10], 4096), 2);
    }

    #[test]
    fn a_value_cut_by_the_window_is_read_whole() {
        let mut window = Window::new(Trickle { bytes: b"12345 [1.5e3, \"a\\\"b\"] 7", step: 1 }, usize::MAX, 1);
        assert_eq!(window.parse::<u64>(false), Some(12345));
        skip(&mut window).unwrap();
        assert_eq!(window.parse::<u64>(false), Some(7));
        assert_eq!(window.next_byte(), Some(None));
    }
}
