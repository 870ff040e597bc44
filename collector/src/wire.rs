//! Reading one ingested batch: the wire envelope `{session_id, window_id, seq, app_id,
//! sdk_version, sent_at, distinct_id?, events: [...]}` (the batch contract in ARCHITECTURE.md).
//!
//! The collector does not decode events into the analyzer's model: it checks that the body is
//! well-formed JSON, that the envelope is complete, and that every event has a numeric `type`
//! and `timestamp`, and it takes what the session index needs (time span, entry URL, console
//! errors). Event `data` is skipped as raw JSON text, which serde_json does with a loop, so no
//! nesting depth can overflow the stack. One borrowed pass, no per-event allocation.

use super::limits::{valid_session_id, MAX_EVENTS_PER_BATCH, MAX_LABEL_BYTES, MAX_SEQ};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

use rewind::protocol::{event_type, CONSOLE_PLUGIN};

/// rrweb `EventType.Meta`: `data.href` is the page URL.
const META: i64 = event_type::META as i64;
/// rrweb `EventType.Plugin`: console output is `plugin: CONSOLE_PLUGIN`.
const PLUGIN: i64 = event_type::PLUGIN as i64;
/// Marks the error raised at event number [`MAX_EVENTS_PER_BATCH`] + 1.
const TOO_MANY_MARK: &str = "\u{1}too many events";

/// What the collector keeps of a valid batch. Times are Unix epoch milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchInfo {
    /// `[A-Za-z0-9_-]{1,64}` ([`valid_session_id`]).
    pub session_id: String,
    /// Position in the session, from 0, at most [`MAX_SEQ`].
    pub seq: u64,
    /// The tab (`window_id`), if sent.
    pub window_id: Option<String>,
    /// The app, if sent.
    pub app_id: Option<String>,
    /// The SDK's version, if sent.
    pub sdk_version: Option<String>,
    /// The user, if the app called `identify` (`distinct_id`).
    pub distinct_id: Option<String>,
    /// When the SDK sent the batch, by the browser's clock (`sent_at`), if sent.
    pub sent_at: Option<i64>,
    /// Events in the batch.
    pub n_events: u64,
    /// Earliest event timestamp.
    pub start_time: Option<i64>,
    /// Latest event timestamp.
    pub end_time: Option<i64>,
    /// `data.href` of the batch's first Meta event.
    pub first_href: Option<String>,
    /// Console errors (`rrweb/console@1` plugin events with level `error`).
    pub n_errors: u64,
}

/// Why a batch is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// More than [`MAX_EVENTS_PER_BATCH`] events (413).
    TooManyEvents,
    /// Not well-formed JSON (400); the message has serde_json's line and column.
    Json(String),
    /// Well-formed, but not a valid batch (400).
    Invalid(String),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            WireError::TooManyEvents => write!(f, "too many events: a batch holds at most {MAX_EVENTS_PER_BATCH}"),
            WireError::Json(m) => write!(f, "invalid JSON: {m}"),
            WireError::Invalid(m) => write!(f, "invalid batch: {m}"),
        }
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    session_id: Option<Cow<'a, str>>,
    #[serde(default)]
    seq: Option<serde_json::Number>,
    #[serde(borrow, default)]
    window_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    app_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    sdk_version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    distinct_id: Option<Cow<'a, str>>,
    #[serde(default)]
    sent_at: Option<f64>,
    #[serde(default)]
    events: Option<EventStats>,
}

#[derive(Default)]
struct EventStats {
    n: u64,
    start: Option<i64>,
    end: Option<i64>,
    first_href: Option<String>,
    n_errors: u64,
}

#[derive(Deserialize)]
struct EventHead<'a> {
    #[serde(rename = "type")]
    kind: Option<i64>,
    timestamp: Option<f64>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct MetaHead<'a> {
    #[serde(borrow)]
    href: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct PluginHead<'a> {
    #[serde(borrow)]
    plugin: Option<Cow<'a, str>>,
    #[serde(borrow)]
    payload: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ConsoleHead<'a> {
    #[serde(borrow)]
    level: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for EventStats {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(EventsVisitor)
    }
}

struct EventsVisitor;

impl<'de> Visitor<'de> for EventsVisitor {
    type Value = EventStats;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rrweb events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventStats, A::Error> {
        let mut stats = EventStats::default();
        while let Some(event) = seq.next_element::<EventHead<'de>>()? {
            if stats.n as usize == MAX_EVENTS_PER_BATCH {
                return Err(de::Error::custom(TOO_MANY_MARK));
            }
            let i = stats.n;
            stats.n += 1;
            let kind = event.kind.ok_or_else(|| de::Error::custom(format_args!("event {i} has no `type`")))?;
            let t = event
                .timestamp
                .filter(|t| t.is_finite())
                .ok_or_else(|| de::Error::custom(format_args!("event {i} has no numeric `timestamp`")))?;
            let t = t.round() as i64;
            stats.start = Some(stats.start.map_or(t, |s| s.min(t)));
            stats.end = Some(stats.end.map_or(t, |e| e.max(t)));
            let Some(data) = event.data else { continue };
            if kind == META && stats.first_href.is_none() {
                if let Ok(MetaHead { href: Some(href) }) = serde_json::from_str(data.get()) {
                    stats.first_href = Some(truncate(&href, MAX_URL_BYTES));
                }
            } else if kind == PLUGIN {
                if let Ok(PluginHead { plugin: Some(plugin), payload: Some(payload) }) =
                    serde_json::from_str(data.get())
                {
                    if plugin == CONSOLE_PLUGIN {
                        if let Ok(ConsoleHead { level: Some(level) }) = serde_json::from_str(payload.get()) {
                            stats.n_errors += u64::from(level == "error");
                        }
                    }
                }
            }
        }
        Ok(stats)
    }
}

/// Longest entry URL kept in the index, in bytes: 2,048 (longer URLs are cut at a character
/// boundary). The recorder strips query strings and hashes, so real URLs are far shorter.
pub const MAX_URL_BYTES: usize = 2_048;

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// Reads and checks one decompressed batch.
///
/// Errors: [`WireError::Json`] for malformed JSON, [`WireError::TooManyEvents`] past
/// [`MAX_EVENTS_PER_BATCH`], [`WireError::Invalid`] for a missing or bad `session_id`
/// ([`valid_session_id`]), `seq` (an integer 0..=[`MAX_SEQ`]) or `events` (an array of objects
/// with numeric `type` and `timestamp`), or a label longer than [`MAX_LABEL_BYTES`].
pub fn parse_batch(json: &[u8]) -> Result<BatchInfo, WireError> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    match json.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(WireError::Invalid("empty body".into())),
        Some(b'{') => {}
        Some(_) => return Err(WireError::Invalid("a batch is a JSON object {session_id, seq, events, ...}".into())),
    }
    let envelope: Envelope = serde_json::from_slice(json).map_err(|e| {
        let message = e.to_string();
        if message.starts_with(TOO_MANY_MARK) {
            WireError::TooManyEvents
        } else if e.is_data() {
            WireError::Invalid(message)
        } else {
            WireError::Json(message)
        }
    })?;
    let invalid = |m: String| Err(WireError::Invalid(m));
    let Some(session_id) = envelope.session_id else {
        return invalid("missing `session_id`".into());
    };
    if !valid_session_id(&session_id) {
        return invalid("`session_id` must be 1 to 64 characters of A-Z a-z 0-9 _ -".into());
    }
    let seq = match envelope.seq.map(|n| n.as_u64()) {
        None => return invalid("missing `seq`".into()),
        Some(Some(seq)) if seq <= MAX_SEQ => seq,
        Some(_) => return invalid(format!("`seq` must be an integer from 0 to {MAX_SEQ}")),
    };
    let Some(events) = envelope.events else {
        return invalid("missing `events`".into());
    };
    let label = |name: &str, value: Option<Cow<str>>| match value {
        Some(v) if v.len() > MAX_LABEL_BYTES => {
            Err(WireError::Invalid(format!("`{name}` is longer than {MAX_LABEL_BYTES} bytes")))
        }
        v => Ok(v.map(Cow::into_owned)),
    };
    Ok(BatchInfo {
        session_id: session_id.into_owned(),
        seq,
        window_id: label("window_id", envelope.window_id)?,
        app_id: label("app_id", envelope.app_id)?,
        sdk_version: label("sdk_version", envelope.sdk_version)?,
        distinct_id: label("distinct_id", envelope.distinct_id)?.filter(|d| !d.is_empty()),
        sent_at: envelope.sent_at.filter(|t| t.is_finite()).map(|t| t.round() as i64),
        n_events: events.n,
        start_time: events.start,
        end_time: events.end,
        first_href: events.first_href,
        n_errors: events.n_errors,
    })
}

/// The `events` array of a stored batch, each event as its original JSON text (a leading
/// UTF-8 byte order mark skipped, as [`parse_batch`] and the analyzer's decoder skip it).
pub fn raw_events(json: &[u8]) -> Result<Vec<&RawValue>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Events<'a> {
        #[serde(borrow)]
        events: Vec<&'a RawValue>,
    }
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    Ok(serde_json::from_slice::<Events>(json)?.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(events: &str) -> String {
        format!(
            r#"{{"session_id":"s1","window_id":"w","seq":3,"app_id":"shop","sdk_version":"0.1.0","sent_at":1700000000123,"events":{events}}}"#
        )
    }

    #[test]
    fn envelope_and_stats() {
        let events = r#"[{"type":4,"data":{"href":"https://a.test/x","width":1,"height":1},"timestamp":20},
            {"type":2,"data":{"node":{"type":0,"childNodes":[]},"initialOffset":{"top":0,"left":0}},"timestamp":20},
            {"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"error","trace":[],"payload":["\"x\""]}},"timestamp":30},
            {"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"log","trace":[],"payload":[]}},"timestamp":31},
            {"type":4,"data":{"href":"https://a.test/y"},"timestamp":10.6}]"#;
        let info = parse_batch(batch(events).as_bytes()).unwrap();
        assert_eq!(info.session_id, "s1");
        assert_eq!(info.seq, 3);
        assert_eq!(info.app_id.as_deref(), Some("shop"));
        assert_eq!(info.sent_at, Some(1_700_000_000_123));
        assert_eq!((info.n_events, info.start_time, info.end_time, info.n_errors), (5, Some(11), Some(31), 1));
        assert_eq!(info.first_href.as_deref(), Some("https://a.test/x"));
    }

    #[test]
    fn deep_data_is_skipped_without_recursion() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let events = format!(r#"[{{"type":5,"data":{{"tag":"t","payload":{deep}}},"timestamp":1}}]"#);
        assert_eq!(parse_batch(batch(&events).as_bytes()).unwrap().n_events, 1);
    }

    #[test]
    fn refusals() {
        let invalid = |body: &str| match parse_batch(body.as_bytes()) {
            Err(WireError::Invalid(m)) => m,
            other => panic!("{body}: {other:?}"),
        };
        assert!(invalid(r#"{"seq":0,"events":[]}"#).contains("missing `session_id`"));
        assert!(invalid(r#"{"session_id":"a","events":[]}"#).contains("missing `seq`"));
        assert!(invalid(r#"{"session_id":"a","seq":0}"#).contains("missing `events`"));
        assert!(invalid(r#"{"session_id":"../x","seq":0,"events":[]}"#).contains("session_id"));
        assert!(invalid(r#"{"session_id":"a","seq":-1,"events":[]}"#).contains("seq"));
        assert!(invalid(r#"{"session_id":"a","seq":1.5,"events":[]}"#).contains("seq"));
        assert!(invalid(r#"{"session_id":"a","seq":0,"events":[{"timestamp":1}]}"#).contains("event 0 has no `type`"));
        assert!(invalid(r#"{"session_id":"a","seq":0,"events":[{"type":3}]}"#).contains("timestamp"));
        assert!(invalid(r#"{"session_id":"a","seq":0,"events":{}}"#).contains("invalid type"));
        assert!(invalid("[1,2]").contains("JSON object"));
        assert!(invalid("  ").contains("empty"));
        let long = format!(r#"{{"session_id":"a","seq":0,"app_id":"{}","events":[]}}"#, "x".repeat(300));
        assert!(invalid(&long).contains("app_id"));
        assert!(matches!(parse_batch(b"{\"session_id\":\"a\",\"seq\":0,\"events\":[{"), Err(WireError::Json(_))));
        let many = format!("[{}]", vec![r#"{"type":3,"timestamp":1}"#; MAX_EVENTS_PER_BATCH + 1].join(","));
        assert_eq!(parse_batch(batch(&many).as_bytes()), Err(WireError::TooManyEvents));
        let enough = format!("[{}]", vec![r#"{"type":3,"timestamp":1}"#; MAX_EVENTS_PER_BATCH].join(","));
        assert_eq!(parse_batch(batch(&enough).as_bytes()).unwrap().n_events, MAX_EVENTS_PER_BATCH as u64);
    }

    #[test]
    fn the_envelope_fields_are_the_protocols() {
        use rewind::protocol::envelope as field;
        let body = serde_json::json!({
            field::SESSION_ID: "s", field::WINDOW_ID: "w", field::SEQ: 2, field::APP_ID: "a",
            field::SDK_VERSION: "v", field::SENT_AT: 5, field::DISTINCT_ID: "u",
            field::EVENTS: [{"type": event_type::META, "data": {"href": "https://a.test/"}, "timestamp": 1}],
        });
        let info = parse_batch(body.to_string().as_bytes()).unwrap();
        assert_eq!((info.seq, info.window_id.as_deref(), info.app_id.as_deref()), (2, Some("w"), Some("a")));
        assert_eq!(
            (info.sdk_version.as_deref(), info.distinct_id.as_deref(), info.sent_at),
            (Some("v"), Some("u"), Some(5))
        );
        assert_eq!(info.first_href.as_deref(), Some("https://a.test/"));
    }

    #[test]
    fn raw_events_keep_text() {
        let body = batch(r#"[{"type":3,"timestamp":1,"data":{"source":2, "x" : 1}}]"#);
        let events = raw_events(body.as_bytes()).unwrap();
        assert_eq!(events[0].get(), r#"{"type":3,"timestamp":1,"data":{"source":2, "x" : 1}}"#);
    }
}
