//! The batch envelope, its gzip body, and splitting for the keepalive quota.

use flate2::{Compress, Compression, FlushCompress, Status};

/// Who sends: the fields of the envelope besides `seq`, `sent_at` and `events`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sender {
    /// The recording session (`[A-Za-z0-9_-]`, made by [`super::session`]).
    pub session_id: String,
    /// The browser tab (one per `sessionStorage`).
    pub window_id: String,
    /// The app's id from `init({appId})`.
    pub app_id: String,
    /// This package's version.
    pub sdk_version: String,
    /// The user, as the last `rewind.identify` event carried it (see [`identify_distinct_id`]):
    /// a JSON string literal, quotes and escapes included, written into the envelope as is.
    pub distinct_id_json: Option<String>,
}

/// The start of a `rewind.identify` Custom event (rrweb EventType 5) up to its user id, as the
/// recorder writes it and as `JSON.stringify` writes it again after `beforeRecordEvent` (same
/// key order): `{type, data: {tag, payload: {userId, traits}}, timestamp}`.
const IDENTIFY_PREFIX: &str = r#"{"type":5,"data":{"tag":"rewind.identify","payload":{"userId":"#;

/// The envelope's `distinct_id` from a recorded event: the `userId` of a `rewind.identify`
/// event as the event carries it — redacted like every string of a custom payload, or the
/// SDK's salted hash (`identity.hash`) — so the envelope never holds more than the recording
/// does (an email id was once redacted in the event but sent raw in every envelope).
/// `Some(Some(literal))`: the user id as its JSON string literal (quotes and escapes as
/// written); `Some(None)`: an identify event without a string id (`null`: identity cleared);
/// `None`: any other event.
pub fn identify_distinct_id(event_json: &str) -> Option<Option<String>> {
    let rest = event_json.strip_prefix(IDENTIFY_PREFIX)?;
    let bytes = rest.as_bytes();
    if bytes.first() != Some(&b'"') {
        return Some(None);
    }
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            // `get`, not indexing: an index panic's formatting costs the recorder ~3.5 KB of
            // gzipped wasm (an ASCII quote is a char boundary anyway).
            b'"' => return Some(rest.get(..=i).map(str::to_string)),
            _ => i += 1,
        }
    }
    Some(None) // unterminated: not JSON the recorder wrote
}

/// The envelope's JSON text: `{"session_id", "window_id", "seq", "app_id", "sdk_version",
/// "sent_at" (epoch ms), "distinct_id"?, "events": [...]}`; `events` are JSON texts, written
/// as they are.
pub fn envelope_json(sender: &Sender, seq: u64, sent_at_ms: f64, events: &[String]) -> String {
    let size: usize = events.iter().map(|e| e.len() + 1).sum();
    let mut out = String::with_capacity(size + 256);
    out.push_str("{\"session_id\":");
    push_json_str(&mut out, &sender.session_id);
    out.push_str(",\"window_id\":");
    push_json_str(&mut out, &sender.window_id);
    out.push_str(",\"seq\":");
    out.push_str(&seq.to_string());
    out.push_str(",\"app_id\":");
    push_json_str(&mut out, &sender.app_id);
    out.push_str(",\"sdk_version\":");
    push_json_str(&mut out, &sender.sdk_version);
    out.push_str(",\"sent_at\":");
    out.push_str(&(sent_at_ms.max(0.0) as u64).to_string());
    if let Some(d) = &sender.distinct_id_json {
        out.push_str(",\"distinct_id\":");
        out.push_str(d);
    }
    out.push_str(",\"events\":[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str("]}");
    out
}

fn push_json_str(out: &mut String, s: &str) {
    // serde_json escapes as JSON requires; writing a str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

/// gzip (RFC 1952) of `data`: flate2's raw DEFLATE at level 6 (zlib's default: most of level
/// 9's ratio for a fraction of the time on event JSON) in gzip's fixed 10-byte header and
/// CRC-32 + length trailer. The framing is written here rather than with `flate2::GzEncoder`
/// because that one checksums with `crc32fast`, whose 16 KiB of slice-by-16 tables are
/// incompressible and would be ~10% of the recorder's gzipped wasm; the `crc` crate's
/// one-table CRC-32 is 1 KiB, and batches are small enough that its speed does not matter.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    const CRC32: crc::Crc<u32, crc::Table<1>> = crc::Crc::<u32, crc::Table<1>>::new(&crc::CRC_32_ISO_HDLC);
    // ID1 ID2, CM = 8 (deflate), FLG = 0, MTIME = 0, XFL = 0, OS = 255 (unknown).
    let mut out = Vec::with_capacity(data.len() / 6 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    // flate2's `Compress` straight into the Vec rather than its `io::Write` encoders, which
    // would bring `std::io::Error` and its formatting into the wasm (~1 KB gzip).
    let mut enc = Compress::new(Compression::new(6), false);
    loop {
        let rest = data.get(enc.total_in() as usize..).unwrap_or_default();
        match enc.compress_vec(rest, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => break,
            // Out of room in `out`: compress_vec only fills its spare capacity.
            Ok(_) => out.reserve(out.len() / 2 + 64),
            // Cannot happen with these parameters (as before: an empty deflate stream).
            Err(_) => {
                out.clear();
                break;
            }
        }
    }
    out.extend_from_slice(&CRC32.checksum(data).to_le_bytes());
    // ISIZE: the input length modulo 2^32.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Splits `events` into consecutive runs whose gzip'd envelope (as `encode` makes it) fits in
/// `budget` bytes, halving a run until it fits; returns `(events in run, gzip body)` in
/// order. A single event that does not fit alone is returned by itself (the caller decides:
/// the final flush sends it without keepalive or leaves it for the next page).
pub fn split_to_fit(
    events: &[String],
    budget: usize,
    encode: &mut dyn FnMut(&[String]) -> Vec<u8>,
) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let mut len = events.len() - start;
        loop {
            let body = encode(&events[start..start + len]);
            if body.len() <= budget || len == 1 {
                out.push((len, body));
                break;
            }
            len = len.div_ceil(2);
        }
        start += len;
    }
    out
}
