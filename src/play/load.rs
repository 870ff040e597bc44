//! Progressive decoding, so the first frame of a large recording does not wait for the rest.
//!
//! A recording that is a JSON array of events (plain or gzip'd — the common export) is read a
//! chunk of events at a time: a scanner finds where the array's elements begin and end (strings
//! and nesting only, no parsing), and each chunk is decoded by the codec's own event decoder
//! ([`crate::codec`], `decode_batches`). The first chunk runs up to the first FullSnapshot, so
//! the player can show the first page at once; the rest is decoded in slices while it is
//! shown. When everything is in, [`finish`] applies what [`crate::codec::decode`] applies to
//! the whole recording (clock-spike repair, then a stable sort by timestamp), so the events end
//! up exactly as `decode` returns them. Every other input shape (envelopes, PostHog exports,
//! JSON Lines) is decoded whole, by `decode`.
//!
//! A JSON array still arriving (a response read as it streams in) is read the same way:
//! [`start_stream`] takes its beginning, [`Loader::push`] the bytes that follow and
//! [`Loader::end`] says there are no more; a chunk holds only the elements complete so far, and
//! [`Loader::is_waiting`] says when the decoder has caught up with the input.

use crate::codec::{self, DecodeError};
use crate::model::{Event, EventData, Recording};

/// Events per chunk after the first.
pub const CHUNK_EVENTS: usize = 512;
/// A chunk also ends before the element that would take it past this many bytes of JSON (its
/// first element is always taken, however large): a recording of 2 MB Mutations (a 2,000-row
/// table re-rendered) is decoded one Mutation per chunk, ~10 ms of wasm each, not 512 of them
/// in one task. The first chunk, which ends at the first FullSnapshot, stops before a large
/// Mutation after it the same way.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// The first chunk ends at the first FullSnapshot, or after this many events without one.
pub const FIRST_CHUNK_MAX_EVENTS: usize = 4_096;
/// The first chunk is read this many events at a time, looking for the FullSnapshot.
const FIRST_CHUNK_STEP: usize = 32;
/// A streamed input drops the bytes it has decoded once they are this many, so it holds about
/// what is not decoded yet rather than the whole response (moving the rest costs less than a
/// chunk's decoding).
pub const STREAM_COMPACT_BYTES: usize = 1 << 20;

/// How a recording starts.
pub enum Start {
    /// A JSON array, read progressively: the events so far (in recorded order, not yet repaired
    /// or sorted: see [`finish`]), the time of the array's last element (the recording's end,
    /// when the input is sorted), and the reader of the rest.
    Progressive { events: Vec<Event>, last_timestamp: Option<i64>, rest: Loader },
    /// Decoded whole.
    Whole(Recording),
}

/// The rest of a JSON array of events.
pub struct Loader {
    bytes: Vec<u8>,
    /// Where the next element (or the closing `]`) starts.
    pos: usize,
    done: bool,
    /// Events decoded so far.
    pub decoded: usize,
    /// Read from a stream ([`start_stream`]): what follows the array is not read.
    stream: bool,
    /// More bytes may still come ([`start_stream`] until [`Loader::end`]).
    open: bool,
    /// An element ended at the end of the bytes so far: a `,` or `]` comes next.
    need_separator: bool,
    /// The last chunk stopped for lack of bytes (cleared by [`Loader::push`]).
    starved: bool,
}

/// Starts decoding `bytes` (any input [`codec::decode`] accepts). Errors are `decode`'s, word
/// for word, for the input as a whole.
pub fn start(bytes: Vec<u8>) -> Result<Start, DecodeError> {
    let bytes = if codec::is_gzip(&bytes) { codec::gunzip(&bytes, codec::MAX_DECOMPRESSED_BYTES)? } else { bytes };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").map_or(0, |_| 3);
    let Some(open) = bytes[body..].iter().position(|b| !b.is_ascii_whitespace()).map(|p| p + body) else {
        return Err(DecodeError::Empty);
    };
    if bytes[open] != b'[' {
        return codec::decode(&bytes).map(Start::Whole);
    }
    let last_timestamp = last_element(&bytes)
        .and_then(|r| decode_chunk(&bytes, r.0, r.1).ok())
        .and_then(|e| e.last().map(|e| e.timestamp));
    let mut rest = Loader::new(bytes, open + 1, false);
    let mut events = Vec::new();
    loop {
        match rest.next_chunk(FIRST_CHUNK_STEP) {
            Ok(chunk) => {
                let snapshot = chunk.iter().any(|e| matches!(e.data, EventData::FullSnapshot(_)));
                events.extend(chunk);
                if snapshot || rest.done || events.len() >= FIRST_CHUNK_MAX_EVENTS {
                    break;
                }
            }
            // the whole input's own error, with its real position
            Err(_) => return codec::decode(&rest.bytes).map(Start::Whole),
        }
    }
    if events.is_empty() && rest.done {
        return Ok(Start::Whole(Recording::default())); // `[]`, as `decode` reads it
    }
    // In recorded order: `finish` repairs and sorts once everything is in, as `decode` does.
    Ok(Start::Progressive { events, last_timestamp, rest })
}

/// Starts reading a JSON array of events whose bytes are still arriving (a response read as it
/// streams in; not gzip'd, as `fetch` inflates a `Content-Encoding`): `bytes` is its beginning.
/// `Ok(None)`: the complete elements so far hold no FullSnapshot yet (nor
/// [`FIRST_CHUNK_MAX_EVENTS`] events), call again with more of the input. Otherwise the events
/// up to the first FullSnapshot, as [`Start::Progressive`], and the reader of the rest, which
/// takes the next bytes through [`Loader::push`]. Anything after the array's `]` is ignored.
///
/// Errors: [`DecodeError::UnsupportedFormat`] when the input is not an array, the codec's
/// error for a malformed or invalid first chunk.
pub fn start_stream(bytes: Vec<u8>) -> Result<Option<(Vec<Event>, Loader)>, DecodeError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").map_or(0, |_| 3);
    let Some(open) = bytes.get(body..).and_then(|b| b.iter().position(|b| !b.is_ascii_whitespace())).map(|p| p + body)
    else {
        return Ok(None);
    };
    if bytes[open] != b'[' {
        return Err(DecodeError::UnsupportedFormat {
            seen: "a streamed input that is not a JSON array of events".into(),
        });
    }
    let mut rest = Loader::new(bytes, open + 1, true);
    let mut events = Vec::new();
    loop {
        let chunk = rest.next_chunk(FIRST_CHUNK_STEP)?;
        if chunk.is_empty() && rest.is_waiting() {
            return Ok(None);
        }
        let snapshot = chunk.iter().any(|e| matches!(e.data, EventData::FullSnapshot(_)));
        events.extend(chunk);
        if snapshot || rest.done || events.len() >= FIRST_CHUNK_MAX_EVENTS {
            return Ok(Some((events, rest)));
        }
    }
}

impl Loader {
    fn new(bytes: Vec<u8>, pos: usize, open: bool) -> Loader {
        Loader { bytes, pos, done: false, decoded: 0, stream: open, open, need_separator: false, starved: false }
    }

    /// Appends the next bytes of a streamed input (ignored once done).
    pub fn push(&mut self, more: &[u8]) {
        if self.done || !self.open {
            return;
        }
        if self.pos >= STREAM_COMPACT_BYTES {
            self.bytes.drain(..self.pos);
            self.pos = 0;
        }
        self.bytes.extend_from_slice(more);
        self.starved = false;
    }

    /// A streamed input is complete: what is left is read as a whole input's end is (an array
    /// not closed is an error, as `decode`'s).
    pub fn end(&mut self) {
        self.open = false;
        self.starved = false;
    }

    /// True while more bytes may be pushed.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// True while a streamed input's decoding has caught up with its bytes: the next chunk
    /// needs [`Loader::push`] or [`Loader::end`] first.
    pub fn is_waiting(&self) -> bool {
        self.open && self.starved && !self.done
    }

    /// Nothing more to decode until more bytes arrive.
    fn starve(&mut self) -> Vec<Event> {
        self.starved = true;
        Vec::new()
    }

    /// True when every element has been decoded (or decoding stopped at an error).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Bytes of the input not decoded yet (0 once done).
    pub fn remaining(&self) -> usize {
        if self.done {
            0
        } else {
            self.bytes.len().saturating_sub(self.pos)
        }
    }

    /// After the array's `]`: nothing, or more top-level values (JSON Lines), decoded whole.
    fn after_array(&mut self, from: usize) -> Result<Vec<Event>, DecodeError> {
        self.done = true;
        if self.stream {
            self.bytes = Vec::new(); // a stream's tail may be cut anywhere: ignored (start_stream)
            return Ok(Vec::new());
        }
        let tail = &self.bytes[from.min(self.bytes.len())..];
        let events = if tail.iter().all(u8::is_ascii_whitespace) {
            Vec::new()
        } else {
            codec::decode_batches(tail)?.into_iter().flat_map(|b| b.events).collect()
        };
        self.decoded += events.len();
        self.bytes = Vec::new();
        Ok(events)
    }

    /// Decodes up to `max` more events, in recorded order, and at most [`CHUNK_BYTES`] of them
    /// unless the first alone is larger.
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<Event>, DecodeError> {
        if self.done {
            return Ok(Vec::new());
        }
        let mut first = skip_ws(&self.bytes, self.pos);
        if self.need_separator {
            match self.bytes.get(first) {
                None if self.open => return Ok(self.starve()),
                Some(b',') => {
                    self.need_separator = false;
                    first = skip_ws(&self.bytes, first + 1);
                    self.pos = first;
                }
                Some(b']') => {
                    self.need_separator = false;
                    return self.after_array(first + 1);
                }
                _ => {
                    self.done = true;
                    self.bytes = Vec::new();
                    return Err(DecodeError::Json { message: "expected `,` or `]` after an event".into() });
                }
            }
        }
        if self.bytes.get(first) == Some(&b']') {
            return self.after_array(first + 1);
        }
        if first >= self.bytes.len() {
            if self.open {
                return Ok(self.starve());
            }
            self.done = true;
            return Err(DecodeError::Json { message: "EOF while parsing a list".into() });
        }
        let (mut end, mut n) = (first, 0);
        let mut next = first;
        while n < max.max(1) {
            let Some(e) = element_end(&self.bytes, next) else {
                if self.open {
                    if n == 0 {
                        return Ok(self.starve()); // this element is still arriving
                    }
                    break; // `next` stays at the element still arriving
                }
                // malformed: let the decoder say what is wrong with the rest
                end = self.bytes.len();
                self.done = true;
                break;
            };
            if n > 0 && e - first > CHUNK_BYTES {
                break; // `next` stays at this element: the next chunk starts with it
            }
            end = e;
            n += 1;
            let after = skip_ws(&self.bytes, e);
            match self.bytes.get(after) {
                Some(b',') => next = skip_ws(&self.bytes, after + 1),
                Some(b']') => {
                    next = after; // the next call reads what follows the array
                    break;
                }
                None if self.open => {
                    next = after; // the separator is still arriving
                    self.need_separator = true;
                    break;
                }
                _ => {
                    // neither `,` nor `]`: hand the rest to the decoder, which will say why
                    end = self.bytes.len();
                    self.done = true;
                    break;
                }
            }
        }
        self.pos = next;
        let events = match decode_chunk(&self.bytes, first, end) {
            Ok(e) => e,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        self.decoded += events.len();
        if self.done {
            self.bytes = Vec::new();
        }
        Ok(events)
    }
}

/// What [`codec::decode`] does to the whole recording after reading it: isolated clock spikes
/// get their predecessor's time, then a stable sort. Returns the warnings (as `decode` words
/// them) and whether any event moved or changed time.
pub fn finish(events: &mut [Event]) -> (Vec<String>, bool) {
    let retimed = codec::retime_clock_spikes(events);
    let mut warnings = Vec::new();
    if retimed > 0 {
        warnings.push(format!(
            "{retimed} events had a timestamp more than 24 h away from both neighbours; they were given their predecessor's time"
        ));
    }
    let sorted = events.windows(2).all(|w| w[0].timestamp <= w[1].timestamp);
    codec::sort_events(events);
    (warnings, retimed > 0 || !sorted)
}

/// Decodes `bytes[start..end]`, a comma-separated run of array elements.
fn decode_chunk(bytes: &[u8], start: usize, end: usize) -> Result<Vec<Event>, DecodeError> {
    let mut text = Vec::with_capacity(end - start + 2);
    text.push(b'[');
    text.extend_from_slice(&bytes[start..end]);
    text.push(b']');
    let mut batches = codec::decode_batches(&text)?;
    Ok(batches.pop().map(|b| b.events).unwrap_or_default())
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON value starting at `i`: objects and arrays by nesting (outside
/// strings), strings by their closing quote, scalars at the next delimiter. `None` at EOF.
fn element_end(bytes: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = i;
    while k < bytes.len() {
        match bytes[k] {
            b'"' => {
                k += 1;
                while k < bytes.len() {
                    match bytes[k] {
                        b'\\' => k += 2,
                        b'"' => break,
                        _ => k += 1,
                    }
                }
                if k >= bytes.len() {
                    return None;
                }
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return Some(k); // a scalar ended by the array's close
                }
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            b',' if depth == 0 => return Some(k),
            _ => {}
        }
        k += 1;
    }
    None
}

/// The byte range of the array's last element, found from the end: past the closing `]`, back
/// over nesting; a `"` seen going backwards closes a string, whose opening quote is the first
/// one before it not escaped by an odd run of backslashes.
fn last_element(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut k = bytes.len();
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k == 0 || bytes[k - 1] != b']' {
        return None;
    }
    k -= 1;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    let end = k;
    if end == 0 || bytes[end - 1] != b'}' {
        return None; // events are objects
    }
    let mut depth = 0usize;
    let mut i = end;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'"' => loop {
                if i == 0 {
                    return None;
                }
                i -= 1;
                if bytes[i] == b'"' {
                    let slashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                    if slashes % 2 == 0 {
                        break;
                    }
                }
            },
            b'}' | b']' => depth += 1,
            b'{' | b'[' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((i, end));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(json: &str, chunk: usize) -> Result<Vec<Event>, DecodeError> {
        match start(json.as_bytes().to_vec())? {
            Start::Whole(r) => Ok(r.events),
            Start::Progressive { mut events, mut rest, .. } => {
                while !rest.is_done() {
                    events.extend(rest.next_chunk(chunk)?);
                }
                finish(&mut events);
                Ok(events)
            }
        }
    }

    #[test]
    fn elements_are_found_around_strings_and_nesting() {
        let lines = "[{\"type\":5,\"data\":{},\"timestamp\":3}]\n[{\"type\":5,\"data\":{},\"timestamp\":4}]\n";
        assert_eq!(all(lines, 1).unwrap().len(), 2, "JSON Lines of arrays");
        let json = r#" [ {"type":5,"data":{"tag":"a]\"}{,","payload":[1,{"x":"\\"}]},"timestamp":2} ,
            {"type":5,"data":{"tag":"b"},"timestamp":1}] "#;
        assert_eq!(
            last_element(json.as_bytes()).map(|(a, b)| &json[a..b]),
            Some(r#"{"type":5,"data":{"tag":"b"},"timestamp":1}"#)
        );
        for chunk in 1..3 {
            let events = all(json, chunk).unwrap();
            assert_eq!(events.iter().map(|e| e.timestamp).collect::<Vec<_>>(), [1, 2]);
        }
    }

    #[test]
    fn a_chunk_stops_at_chunk_bytes_but_takes_one_large_element() {
        let big =
            format!(r#"{{"type":5,"data":{{"tag":"big","payload":"{}"}},"timestamp":2}}"#, "x".repeat(CHUNK_BYTES));
        let small = r#"{"type":5,"data":{"tag":"small"},"timestamp":3}"#;
        let meta = r#"{"type":4,"data":{"href":"https://a.example/","width":800,"height":600},"timestamp":1}"#;
        let snapshot = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":1}"#;
        let json = format!("[{meta},{snapshot},{big},{big},{small},{small}]");
        let Start::Progressive { events, mut rest, .. } = start(json.clone().into_bytes()).unwrap() else {
            panic!("an array is read progressively")
        };
        assert_eq!(events.len(), 2, "the first chunk ends before the large element after the FullSnapshot");
        assert_eq!(rest.remaining(), json.len() - json.find(r#"{"type":5"#).unwrap(), "the rest of the input");
        let sizes: Vec<usize> =
            std::iter::from_fn(|| (!rest.is_done()).then(|| rest.next_chunk(CHUNK_EVENTS).unwrap().len())).collect();
        assert_eq!(sizes, [1, 1, 2, 0], "one large element per chunk, the small ones together, then the end");
        assert_eq!(rest.remaining(), 0);
        assert_eq!(all(&json, CHUNK_EVENTS).unwrap().len(), 6);
    }

    #[test]
    fn errors_are_the_decoders() {
        for bad in ["", "  ", "[", "[{]", r#"[{"type":5,"data":{},"timestamp":1},"#, "[1,2]", r#"{"events":[]}"#, "[]"]
        {
            let want = codec::decode(bad.as_bytes()).map(|r| r.events.len());
            let got = all(bad, 1).map(|e| e.len());
            assert_eq!(got, want, "{bad:?}");
        }
    }

    /// Reads `json` as a stream cut into `piece`-byte parts: the events once all is in.
    /// `catch_up`: decode all that came after each part, else only once the input ended.
    fn streamed(json: &str, piece: usize, catch_up: bool) -> Result<Vec<Event>, DecodeError> {
        let bytes = json.as_bytes();
        let mut parts = bytes.chunks(piece.max(1));
        let mut head = Vec::new();
        let (mut events, mut rest) = loop {
            match parts.next() {
                Some(p) => head.extend_from_slice(p),
                None => return Err(DecodeError::Empty), // never started: not what these tests feed
            }
            if let Some(started) = start_stream(head.clone())? {
                break started;
            }
        };
        for part in parts {
            rest.push(part);
            while catch_up && !rest.is_done() && !rest.is_waiting() {
                events.extend(rest.next_chunk(2)?);
            }
        }
        rest.end();
        while !rest.is_done() {
            events.extend(rest.next_chunk(2)?);
        }
        finish(&mut events);
        Ok(events)
    }

    #[test]
    fn a_stream_cut_anywhere_reads_as_the_whole_input() {
        let meta = r#"{"type":4,"data":{"href":"https://a.example/","width":800,"height":600},"timestamp":1}"#;
        let snapshot = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":2}"#;
        let tricky = r#"{"type":5,"data":{"tag":"a]\"}{,","payload":[1,{"x":"\\"}]},"timestamp":4}"#;
        let late = r#"{"type":5,"data":{"tag":"b"},"timestamp":3}"#;
        let json = format!(" [ {meta} , {snapshot},{tricky}\n,{late},{late} ] ");
        let want: Vec<i64> = codec::decode(json.as_bytes()).unwrap().events.iter().map(|e| e.timestamp).collect();
        for piece in [1, 2, 3, 7, 64, json.len()] {
            // what follows the array (the collector's `"warnings"`) is not read
            let body = format!(r#"{json},"warnings":["batch 3: invalid JSON"]}}"#);
            for catch_up in [true, false] {
                let got: Vec<i64> = streamed(&json, piece, catch_up).unwrap().iter().map(|e| e.timestamp).collect();
                assert_eq!(got, want, "cut every {piece} bytes");
                let got: Vec<i64> = streamed(&body, piece, catch_up).unwrap().iter().map(|e| e.timestamp).collect();
                assert_eq!(got, want, "cut every {piece} bytes, a tail after the array");
            }
        }
        // The first chunk waits for the FullSnapshot to be complete.
        let cut = json.find(snapshot).unwrap() + snapshot.len() - 1;
        assert!(start_stream(json.as_bytes()[..cut].to_vec()).unwrap().is_none());
        let (first, rest) = start_stream(json.as_bytes()[..cut + 1].to_vec()).unwrap().unwrap();
        assert_eq!(first.len(), 2, "Meta and FullSnapshot");
        assert!(!rest.is_done());
    }

    #[test]
    fn a_stream_that_ends_early_or_is_no_array_is_an_error() {
        let snapshot = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":2}"#;
        assert!(matches!(start_stream(br#"{"events":[]}"#.to_vec()), Err(DecodeError::UnsupportedFormat { .. })));
        assert!(start_stream(b"  ".to_vec()).unwrap().is_none(), "nothing yet");
        let (_, mut rest) = start_stream(format!("[{snapshot},{{\"type\":5").into_bytes()).unwrap().unwrap();
        assert!(rest.next_chunk(CHUNK_EVENTS).unwrap().is_empty());
        assert!(rest.is_waiting(), "the second event is still arriving");
        rest.end();
        assert!(rest.next_chunk(CHUNK_EVENTS).is_err(), "cut short: the decoder's error");
        assert!(rest.is_done());
        let (_, mut rest) = start_stream(format!("[{snapshot}").into_bytes()).unwrap().unwrap();
        rest.push(b" x");
        assert!(matches!(rest.next_chunk(CHUNK_EVENTS), Err(DecodeError::Json { .. })), "no separator");
        let (_, mut rest) = start_stream(format!("[{snapshot}]").into_bytes()).unwrap().unwrap();
        assert!(rest.next_chunk(CHUNK_EVENTS).unwrap().is_empty());
        assert!(rest.is_done(), "the array's end ends it, whatever follows");
        rest.push(b"}");
        assert_eq!(rest.remaining(), 0);
    }

    #[test]
    fn a_stream_drops_what_it_decoded() {
        let snapshot = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":2}"#;
        let big = format!(
            r#"{{"type":5,"data":{{"tag":"big","payload":"{}"}},"timestamp":3}}"#,
            "x".repeat(STREAM_COMPACT_BYTES)
        );
        let (_, mut rest) = start_stream(format!("[{snapshot},{big},").into_bytes()).unwrap().unwrap();
        assert_eq!(rest.next_chunk(CHUNK_EVENTS).unwrap().len(), 1);
        rest.push(snapshot.as_bytes());
        assert!(
            rest.bytes.len() < STREAM_COMPACT_BYTES,
            "the decoded Mutation's bytes are gone ({})",
            rest.bytes.len()
        );
        rest.push(b"]");
        rest.end();
        assert_eq!(rest.next_chunk(CHUNK_EVENTS).unwrap().len(), 1);
        assert!(rest.next_chunk(CHUNK_EVENTS).unwrap().is_empty());
        assert!(rest.is_done());
    }
}
