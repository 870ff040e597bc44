//! Input decoding: one entry point, [`decode`], for every way an rrweb recording arrives.
//!
//! Accepted, detected from the bytes (never from a file name):
//! - a JSON array of rrweb events;
//! - an object with an `events` array (rewind's batch envelope, or any export that wraps
//!   events with session metadata such as `session_id` / `distinct_id`), or PostHog's export
//!   (`{"data": {"id", "snapshots": [...]}}`);
//! - JSON Lines: one event, event array or envelope per line (any whitespace-separated run of
//!   those values);
//! - gzip of any of these (magic bytes `1f 8b`), multi-member streams included;
//! - natively, a directory of rewind batch files for one session ([`decode_dir`]), joined in
//!   `seq` order.
//!
//! Damaged input (a truncated file or gzip stream, an event the decoder cannot read) is
//! salvaged ([`salvage`]): every intact event is kept, unreadable ones are skipped and counted,
//! and a warning starting with [`SALVAGE_WARNING`] says how many and where the damage starts.
//! Only input from which nothing can be recovered is an error.
//!
//! Pure Rust (serde_json, flate2): runs the same natively and in wasm.

#[cfg(not(target_arch = "wasm32"))]
mod dir;
mod envelope;
#[cfg(not(target_arch = "wasm32"))]
mod pipeline;
pub mod salvage;
mod stream;
#[cfg(not(target_arch = "wasm32"))]
mod stream_read;

#[cfg(not(target_arch = "wasm32"))]
pub use dir::{decode_dir, is_batch_dir};
pub use envelope::BatchEnvelope;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use pipeline::decode_lean_reader_pipelined;
#[cfg(not(target_arch = "wasm32"))]
pub use pipeline::{PIPELINE_CHUNK_WEIGHT, PIPELINE_DEPTH};
pub use salvage::{Salvage, SALVAGE_WARNING};
pub(crate) use stream::decode_lean_into;
pub use stream::{decode_into, EventSink};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use stream_read::decode_lean_reader_into;
#[cfg(not(target_arch = "wasm32"))]
pub use stream_read::{decode_reader_into, STREAM_READ_CHUNK};

use crate::model::{Event, Recording, MAX_NODE_DEPTH, TOO_DEEP_MARK, UNSUPPORTED_MARK};
use std::fmt;
use std::io::Read;

/// Largest decompressed size [`decode`] will produce from gzip input, in bytes (1 GiB).
/// Decompression stops as soon as the output passes it, so a gzip bomb costs at most this much.
pub const MAX_DECOMPRESSED_BYTES: usize = 1 << 30;

/// Why a recording could not be decoded. Each message names the problem in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// No bytes, or only whitespace.
    Empty,
    /// Malformed JSON or a known field of the wrong type; `message` includes line and column.
    Json { message: String },
    /// Corrupt or truncated gzip.
    Gzip { message: String },
    /// Decompressed input larger than `limit` bytes.
    TooLarge { limit: usize },
    /// Valid JSON that is not a web rrweb recording; `seen` says what was found instead.
    UnsupportedFormat { seen: String },
    /// Valid JSON whose serialized node tree (a FullSnapshot or Mutation `adds` node) nests
    /// deeper than `limit` ([`MAX_NODE_DEPTH`]) DOM levels; `at` is serde_json's position
    /// (`line L column C`), empty when unknown.
    TooDeep { limit: usize, at: String },
    /// A file or directory could not be read (native only).
    Io { message: String },
    /// One file of a batch directory failed; `file` is its name within the directory.
    InFile { file: String, error: Box<DecodeError> },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("empty input: no rrweb events"),
            DecodeError::Json { message } => write!(f, "invalid JSON: {message}"),
            DecodeError::Gzip { message } => write!(f, "invalid gzip: {message}"),
            DecodeError::TooLarge { limit } => {
                write!(f, "input too large: more than {limit} bytes after decompression")
            }
            DecodeError::UnsupportedFormat { seen } => write!(f, "unsupported format: {seen}"),
            DecodeError::TooDeep { limit, at } => {
                write!(f, "node tree too deep: a serialized DOM tree nests more than {limit} levels (MAX_NODE_DEPTH)")?;
                if !at.is_empty() {
                    write!(f, " at {at}")?;
                }
                Ok(())
            }
            DecodeError::Io { message } => write!(f, "{message}"),
            DecodeError::InFile { file, error } => write!(f, "{file}: {error}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        let message = e.to_string();
        if let Some(seen) = message.strip_prefix(UNSUPPORTED_MARK) {
            // The position serde_json appends is noise for a "wrong kind of file" message.
            return DecodeError::UnsupportedFormat { seen: seen.split(" at line ").next().unwrap_or(seen).to_string() };
        }
        // The mark may follow the context serde_json or a re-read adds in front of it.
        if message.contains(TOO_DEEP_MARK) {
            let at = message.rfind(" at line ").map(|i| message[i + 4..].to_string()).unwrap_or_default();
            return DecodeError::TooDeep { limit: MAX_NODE_DEPTH, at };
        }
        DecodeError::Json { message }
    }
}

/// Decodes a recording from raw bytes (JSON, JSON Lines, or gzip of either), sorting the
/// events by timestamp.
///
/// Damaged input is salvaged ([`salvage`]): when at least one event is recovered the result is
/// `Ok`, with a [`SALVAGE_WARNING`] warning first in [`Recording::warnings`].
///
/// Errors (nothing recovered): [`DecodeError::Empty`] for empty input, [`DecodeError::Gzip`] /
/// [`DecodeError::TooLarge`] for bad compressed input, [`DecodeError::Json`] for malformed JSON
/// or wrong field types, [`DecodeError::TooDeep`] for a node tree past [`MAX_NODE_DEPTH`],
/// [`DecodeError::UnsupportedFormat`] for JSON that is not web rrweb.
pub fn decode(bytes: &[u8]) -> Result<Recording, DecodeError> {
    let (batches, salvage) = decode_or_salvage(bytes)?;
    let mut recording = join(batches);
    if let Some(salvage) = salvage {
        recording.warnings.push(salvage.to_string());
    }
    finish(&mut recording);
    Ok(recording)
}

/// [`decode_batches`], falling back to salvage when it fails on damaged input. `Some` account
/// when salvage ran and recovered at least one event; the strict error when it recovered none
/// (it names the real cause). Empty, oversized and non-rrweb input is never salvaged: a
/// mobile recording must stay "unsupported", not become a few stray web events.
pub(crate) fn decode_or_salvage(bytes: &[u8]) -> Result<(Vec<BatchEnvelope>, Option<Salvage>), DecodeError> {
    let strict = match decode_batches(bytes) {
        Ok(batches) => return Ok((batches, None)),
        Err(e @ (DecodeError::Json { .. } | DecodeError::Gzip { .. } | DecodeError::TooDeep { .. })) => e,
        Err(e) => return Err(e),
    };
    let (batches, salvage) = salvage_bytes(bytes)?;
    if salvage.recovered == 0 {
        return Err(strict);
    }
    Ok((batches, Some(salvage)))
}

/// Salvages raw input (gzip inflated as far as it goes, a BOM skipped); see [`salvage`].
pub fn salvage_bytes(bytes: &[u8]) -> Result<(Vec<BatchEnvelope>, Salvage), DecodeError> {
    let mut gzip_error = None;
    let inflated;
    let mut text = bytes;
    let gzip = is_gzip(bytes);
    if gzip {
        let (out, error) = gunzip_lossy(bytes, MAX_DECOMPRESSED_BYTES)?;
        inflated = out;
        gzip_error = error;
        text = &inflated;
    }
    let bom = if text.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let (batches, mut salvage) = salvage::salvage_text(&text[bom..], bom);
    salvage.gzip = gzip;
    salvage.gzip_error = gzip_error;
    Ok((batches, salvage))
}

/// Joins batches in the given order, taking the first session and user ids seen.
fn join(batches: Vec<BatchEnvelope>) -> Recording {
    let mut recording = Recording::default();
    for batch in batches {
        recording.session_id = recording.session_id.or(batch.session_id);
        recording.distinct_id = recording.distinct_id.or(batch.distinct_id);
        if recording.events.is_empty() {
            recording.events = batch.events;
        } else {
            recording.events.extend(batch.events);
        }
    }
    recording
}

/// Repairs isolated clock spikes, then sorts.
fn finish(recording: &mut Recording) {
    let retimed = retime_clock_spikes(&mut recording.events);
    if retimed > 0 {
        recording.warnings.push(retime_warning(retimed));
    }
    sort_events(&mut recording.events);
}

/// The warning for `retimed` (> 0) events given their predecessor's time.
fn retime_warning(retimed: usize) -> String {
    format!(
        "{retimed} events had a timestamp more than 24 h away from both neighbours; they were given their predecessor's time"
    )
}

/// True when `here` (ms) is a clock spike between `prev` and `next` (see [`MAX_CLOCK_SPIKE_MS`]).
fn is_spike(prev: i64, here: i64, next: i64) -> bool {
    let far = |a: i64, b: i64| a.abs_diff(b) > MAX_CLOCK_SPIKE_MS as u64;
    far(here, prev) && far(here, next) && !far(prev, next)
}

/// A single event whose timestamp jumps more than this from both its neighbours in recorded
/// order, while the neighbours agree with each other, has a corrupt clock value (rrweb's own
/// `video-playback` test recording has one with a digit too many). 24 h is the longest a
/// session lasts (design: a new session after 24 h), so no real gap is mistaken for one.
pub const MAX_CLOCK_SPIKE_MS: i64 = 24 * 60 * 60 * 1000;

/// Gives every isolated clock spike (see [`MAX_CLOCK_SPIKE_MS`]) its predecessor's timestamp,
/// so one bad value cannot stretch a session to years. Returns how many were changed.
pub fn retime_clock_spikes(events: &mut [Event]) -> usize {
    let mut retimed = 0;
    for i in 1..events.len().saturating_sub(1) {
        let (prev, here, next) = (events[i - 1].timestamp, events[i].timestamp, events[i + 1].timestamp);
        if is_spike(prev, here, next) {
            events[i].timestamp = prev;
            retimed += 1;
        }
    }
    retimed
}

/// Sorts events by timestamp, keeping the recorded order of equal timestamps (rrweb emits a
/// Meta and its FullSnapshot in the same millisecond, and their order matters).
pub fn sort_events(events: &mut [Event]) {
    if !events.windows(2).all(|w| w[0].timestamp <= w[1].timestamp) {
        events.sort_by_key(|e| e.timestamp);
    }
}

/// The JSON text of an input: gzip inflated into `inflated` (up to [`MAX_DECOMPRESSED_BYTES`]),
/// a UTF-8 byte-order mark skipped. [`DecodeError::Empty`] when only whitespace is left.
fn json_text<'a>(bytes: &'a [u8], inflated: &'a mut Vec<u8>) -> Result<&'a [u8], DecodeError> {
    let bytes = if is_gzip(bytes) {
        *inflated = gunzip(bytes, MAX_DECOMPRESSED_BYTES)?;
        inflated.as_slice()
    } else {
        bytes
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    Ok(bytes)
}

/// Decodes every top-level value of the input (one for plain JSON, one per line for JSON Lines)
/// without sorting or merging.
pub(crate) fn decode_batches(bytes: &[u8]) -> Result<Vec<BatchEnvelope>, DecodeError> {
    let mut inflated = Vec::new();
    let bytes = json_text(bytes, &mut inflated)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // Node trees are depth-checked by the model's own seeds (MAX_NODE_DEPTH); everything else is
    // either fixed-shape or skipped iteratively, so serde_json's 128-level cap is not needed and
    // would reject real pages about 60 DOM levels deep.
    de.disable_recursion_limit();
    let mut out = Vec::new();
    loop {
        out.push(serde::de::Deserializer::deserialize_any(&mut de, envelope::TopLevelVisitor(None))?);
        // `end` only skips whitespace and reports whether input remains; on "trailing
        // characters" the next JSON Lines value starts there.
        if de.end().is_ok() {
            return Ok(out);
        }
    }
}

/// Reads `bytes` as [`decode`]'s strict pass does (every event through the model's decoder,
/// node trees depth-checked) without keeping the events or salvaging: `Ok(n)` with the number
/// of events read when [`decode`] would read all of the input whole. The collector refuses at
/// ingest what this refuses, so every stored batch decodes back whole (one decoder, one
/// definition of "readable"). Memory: one event at a time (plus the inflated input for gzip).
///
/// # Errors
/// [`decode`]'s: [`DecodeError::Empty`], [`DecodeError::Gzip`], [`DecodeError::TooLarge`],
/// [`DecodeError::Json`] (malformed JSON, or an event the model cannot read such as
/// `{"type":2,"data":5}`), [`DecodeError::TooDeep`], [`DecodeError::UnsupportedFormat`].
pub fn check(bytes: &[u8]) -> Result<usize, DecodeError> {
    let mut inflated = Vec::new();
    let bytes = json_text(bytes, &mut inflated)?;
    let mut n = 0usize;
    let mut count = |_: Event| {
        n += 1;
        true
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // As in `decode_batches`: node trees are depth-checked by the model's own seeds.
    de.disable_recursion_limit();
    loop {
        serde::de::Deserializer::deserialize_any(&mut de, envelope::TopLevelVisitor(Some(&mut count)))?;
        if de.end().is_ok() {
            break;
        }
    }
    Ok(n)
}

/// True when `bytes` start with the gzip magic number (RFC 1952: `1f 8b`).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Inflates as much of a gzip stream (all members) as is intact: the output up to the first
/// error, and that error's message. Refuses to produce more than `limit` bytes.
pub fn gunzip_lossy(bytes: &[u8], limit: usize) -> Result<(Vec<u8>, Option<String>), DecodeError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit));
    let mut reader = flate2::read::MultiGzDecoder::new(bytes).take(limit as u64 + 1);
    // `read_to_end` keeps what it read before an error.
    let error = reader.read_to_end(&mut out).err().map(|e| e.to_string());
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok((out, error))
}

/// Inflates gzip (all members), refusing to produce more than `limit` bytes.
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit));
    let mut reader = flate2::read::MultiGzDecoder::new(bytes).take(limit as u64 + 1);
    reader.read_to_end(&mut out).map_err(|e| DecodeError::Gzip { message: e.to_string() })?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_stream;
