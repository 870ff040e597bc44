//! Server-side redaction and the stored-string cap: what the collector does to a batch after
//! checking it and before anything is written (batch file, index record), so that nothing an
//! old, misconfigured or hostile SDK sends in clear reaches the store or the read API.
//!
//! The rules are the recorder's own ([`rewind::privacy`]), called through its public entry
//! points so that every improvement to them applies here too:
//!
//! - **URL stripping** ([`PrivacyOptions::scrub_url`]): the Meta `href` (rrweb `EventType.Meta`,
//!   4), URL attributes (`href`, `src`, `action`… and each URL of `srcset`, `imagesrcset`,
//!   `ping`) of FullSnapshot nodes, Mutation adds and Mutation attribute changes, and http(s)
//!   URLs inside the strings of custom (5) and plugin (6) events (console messages and stack
//!   traces) lose their query string and fragment, whatever their origin, and path segments
//!   that are tokens (long hex or base64 runs) become `[REDACTED:token]`. So do the `url(…)`s
//!   of CSS ([`PrivacyOptions::css_text`]) in any string of an event: `<style>` text,
//!   `_cssText`, `style` attributes and the rules of style events. Relative URLs stay
//!   relative (the collector does not resolve them against the page).
//! - **PII redaction** ([`PrivacyOptions::redact_json`]) of every string of every event — text
//!   nodes, attribute values, input values (IncrementalSource 5 `text`), custom event and
//!   plugin payloads, the Meta href — and of the envelope's `distinct_id` and any field the
//!   envelope does not define: emails, card numbers, phone numbers, SSNs, JWT and bearer tokens
//!   become `[REDACTED:kind]`, values of secret-named keys `[REDACTED:secret]`. Input values
//!   (IncrementalSource 5 `text`) that are the typed prefix of an email or a card
//!   (`jane.doe@exa`, `4111 1111 1`: one keystroke's event from an SDK that records unmasked
//!   inputs) are replaced too ([`rewind::privacy::redact::typed_prefix`]).
//!
//! It is not masking: the collector cannot know which elements the page marked `rr-mask` or
//! which text the app meant to show, so ordinary text is kept; only what the privacy rules
//! recognise as personal data is replaced. The envelope's `session_id`, `seq`, `window_id`,
//! `app_id`, `sdk_version` and `sent_at` are kept as sent: they are the SDK's own ids and
//! labels (a session id becomes a storage path; it is never user data).
//!
//! **String cap.** After redaction, a string longer than the cap (`--max-stored-string-bytes`,
//! [`DEFAULT_MAX_STORED_STRING_BYTES`]) keeps its first bytes (cut back to a UTF-8 character
//! boundary) followed by [`truncation_marker`], e.g. `…[TRUNCATED:50000 bytes]`, so that one
//! huge text node or data URL cannot fill the store. The cap applies with or without redaction.
//!
//! An event is decoded (a `serde_json::Value`) only when redaction is on or its JSON is longer
//! than the cap; an event nobody changed is stored byte for byte as it was received, and a
//! batch nobody changed keeps the client's own gzip body.

use rewind::privacy::PrivacyOptions;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use super::limits::MAX_LABEL_BYTES;
use scan::Shape;
use urls::{may_hold_urls, strip_event_urls};

/// The recorder's default privacy options: the rules the collector applies (no app patterns).
pub(super) static RULES: LazyLock<PrivacyOptions> = LazyLock::new(PrivacyOptions::default);

/// Default `--max-stored-string-bytes`: 16 KiB, the value rerun's collector uses
/// (`MAX_STORED_STRING_BYTES=16384`). Text nodes and attribute values are far shorter;
/// what is longer is mostly inline data URLs (images, fonts) and huge console dumps.
pub const DEFAULT_MAX_STORED_STRING_BYTES: usize = 16_384;

/// Deepest JSON nesting the collector decodes to redact an event: two JSON levels per DOM
/// level (a node object and its `childNodes` array) for [`rewind::MAX_NODE_DEPTH`] DOM levels,
/// plus 64 for the event around the tree. The recorder never records deeper trees (it blocks
/// the element instead), and the analyzer refuses them; a deeper event is refused here
/// rather than decoded with unbounded recursion.
pub const MAX_REDACT_DEPTH: usize = 2 * rewind::MAX_NODE_DEPTH + 64;

/// rrweb `EventType.IncrementalSnapshot`.
const INCREMENTAL: i64 = 3;
/// rrweb `IncrementalSource.Input`: `data.text` is an input's value.
const INPUT: i64 = 5;
/// rrweb `EventType.Meta`: `data.href` is the page URL.
const META: i64 = rewind::protocol::event_type::META as i64;
/// rrweb `EventType.Custom`.
const CUSTOM: i64 = rewind::protocol::event_type::CUSTOM as i64;
/// rrweb `EventType.Plugin` (console output, network requests).
const PLUGIN: i64 = rewind::protocol::event_type::PLUGIN as i64;

/// Attributes holding several URLs separated by whitespace (with descriptors and commas).
const URL_LIST_ATTRIBUTES: &[&str] = &["srcset", "imagesrcset", "ping"];

/// The text that replaces the end of a string longer than the cap: `…[TRUNCATED:N bytes]`,
/// where N is the string's original length in bytes (UTF-8).
pub fn truncation_marker(original_bytes: usize) -> String {
    format!("…[TRUNCATED:{original_bytes} bytes]")
}

/// What the collector does to a batch before storing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Server-side redaction (default on; `--no-server-redaction` turns it off).
    pub redact: bool,
    /// Longest stored string in bytes ([`DEFAULT_MAX_STORED_STRING_BYTES`]); 0: no cap.
    pub max_string_bytes: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { redact: true, max_string_bytes: DEFAULT_MAX_STORED_STRING_BYTES }
    }
}

impl Policy {
    /// True when a batch of `json_len` bytes (decompressed) may be changed by [`process_batch`]:
    /// always with redaction on; without it only when a string could pass the cap (a JSON
    /// string is never shorter as text than decoded).
    pub fn may_change(&self, json_len: usize) -> bool {
        self.redact || (self.max_string_bytes > 0 && json_len > self.max_string_bytes)
    }
}

/// Why a batch cannot be processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcessError {
    /// Event `index` (or an envelope field, `None`) nests deeper than [`MAX_REDACT_DEPTH`].
    TooDeep(Option<usize>),
    /// Not the JSON [`super::wire::parse_batch`] accepted (a bug if it happens).
    Json(String),
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ProcessError::TooDeep(Some(i)) => {
                write!(f, "event {i} nests deeper than {MAX_REDACT_DEPTH} JSON levels: the collector cannot redact it")
            }
            ProcessError::TooDeep(None) => {
                write!(f, "an envelope field nests deeper than {MAX_REDACT_DEPTH} JSON levels")
            }
            ProcessError::Json(m) => write!(f, "invalid JSON: {m}"),
        }
    }
}

/// A batch [`process_batch`] changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// The batch to store: the envelope with its fields in the order received and every event,
    /// changed or not.
    pub json: Vec<u8>,
    /// The events that changed, alone, as a JSON array (`[e,…]`, batch order; `[]` when only
    /// envelope fields changed): what a reader has not seen yet. Every other event in `json`
    /// is byte for byte as received.
    pub changed_events: String,
}

/// Redacts and caps one decompressed batch (already checked by [`super::wire::parse_batch`]).
/// `Ok(None)`: nothing changed, store the batch as received. `Ok(Some(processed))`: store
/// `processed.json`.
pub fn process_batch(json: &[u8], policy: &Policy) -> Result<Option<Processed>, ProcessError> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    let text = std::str::from_utf8(json).map_err(|e| ProcessError::Json(e.to_string()))?;
    let fields = serde_json::from_str::<Fields>(text).map_err(|e| ProcessError::Json(e.to_string()))?.0;
    let mut changed = false;
    let mut changed_events = String::new();
    let mut out_fields: Vec<(String, Output)> = Vec::with_capacity(fields.len());
    for (key, field) in fields {
        let value = match field {
            Field::Events(events) => match process_events(&events, policy)? {
                Some((text, changed)) => {
                    changed_events = changed;
                    Output::Text(Cow::Owned(text))
                }
                None => Output::Events(events),
            },
            Field::Raw(raw) => Output::Text(match key.as_str() {
                "session_id" | "seq" | "window_id" | "app_id" | "sdk_version" | "sent_at" => Cow::Borrowed(raw.get()),
                "distinct_id" => {
                    match process_value(raw.get(), Kind::Label, policy).map_err(|_| ProcessError::TooDeep(None))? {
                        Some(v) => Cow::Owned(v),
                        None => Cow::Borrowed(raw.get()),
                    }
                }
                _ => match process_value(raw.get(), Kind::Other, policy).map_err(|_| ProcessError::TooDeep(None))? {
                    Some(v) => Cow::Owned(v),
                    None => Cow::Borrowed(raw.get()),
                },
            }),
        };
        changed |= matches!(value, Output::Text(Cow::Owned(_)));
        out_fields.push((key, value));
    }
    if !changed {
        return Ok(None);
    }
    let mut out = String::with_capacity(json.len() + 256);
    out.push('{');
    for (i, (key, value)) in out_fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).map_err(|e| ProcessError::Json(e.to_string()))?);
        out.push(':');
        match value {
            Output::Text(text) => out.push_str(text),
            Output::Events(events) => push_events(&mut out, events.iter().map(|e| e.get())),
        }
    }
    out.push('}');
    if changed_events.is_empty() {
        changed_events.push_str("[]");
    }
    Ok(Some(Processed { json: out.into_bytes(), changed_events }))
}

/// One envelope field as stored.
enum Output<'a> {
    /// Its JSON text.
    Text(Cow<'a, str>),
    /// The `events` array, unchanged: each event as received, joined by commas.
    Events(Vec<&'a RawValue>),
}

/// Appends `[e0,e1,…]`.
fn push_events<'a>(out: &mut String, events: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, event) in events.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(event);
    }
    out.push(']');
}

/// The `events` array: `Some((new array text, the changed events' array text))` when an
/// event changed.
fn process_events(events: &[&RawValue], policy: &Policy) -> Result<Option<(String, String)>, ProcessError> {
    let mut new: Vec<Option<String>> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let processed =
            process_value(event.get(), Kind::Event, policy).map_err(|TooDeep| ProcessError::TooDeep(Some(i)))?;
        if processed.is_some() && new.is_empty() {
            new.resize(events.len(), None);
        }
        if let Some(slot) = new.get_mut(i) {
            *slot = processed;
        }
    }
    if new.is_empty() {
        return Ok(None);
    }
    let mut text = String::with_capacity(events.iter().map(|e| e.get().len() + 1).sum::<usize>() + 256);
    push_events(&mut text, events.iter().zip(&new).map(|(event, new)| new.as_deref().unwrap_or(event.get())));
    let mut changed = String::with_capacity(new.iter().flatten().map(|e| e.len() + 1).sum::<usize>() + 2);
    push_events(&mut changed, new.iter().flatten().map(String::as_str));
    Ok(Some((text, changed)))
}

/// Nested deeper than [`MAX_REDACT_DEPTH`].
struct TooDeep;

/// What a value is, for the rules that depend on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An rrweb event.
    Event,
    /// The envelope's `distinct_id`: capped at [`MAX_LABEL_BYTES`] like the other labels.
    Label,
    /// Any other envelope field.
    Other,
}

/// One JSON value: `Some(new text)` when the policy changed it.
///
/// Fast path (measured in BENCHMARKS.md, "Collector ingest"): most events hold no personal
/// data (pointer moves, scrolls, clean text), so an event's strings and numbers are first
/// scanned straight from its JSON text with the same rules ([`PrivacyOptions::finds_pii`],
/// which builds no redacted copy) and its keys classed as they pass ([`Shape::pii_free`]).
/// When that finds nothing, `redact_json` is skipped; the event is decoded only if it has
/// URLs to strip, may be a typed prefix, or has strings past the cap.
fn process_value(raw: &str, kind: Kind, policy: &Policy) -> Result<Option<String>, TooDeep> {
    let cap = policy.max_string_bytes;
    let over_cap = cap > 0 && raw.len() > cap;
    if !policy.redact && !over_cap {
        return Ok(None);
    }
    let shape = Shape::of(raw);
    if shape.depth > MAX_REDACT_DEPTH {
        return Err(TooDeep);
    }
    let pii_free = policy.redact && shape.pii_free();
    let urls = policy.redact && kind == Kind::Event && may_hold_urls(raw, &shape);
    let typed = policy.redact && kind == Kind::Event && may_be_typed(raw, &shape);
    if (pii_free || !policy.redact) && !urls && !typed && !over_cap {
        return Ok(None);
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    // Depth is bounded by the scan above, and the runtime's threads have big stacks.
    de.disable_recursion_limit();
    let Ok(mut value) = Value::deserialize(&mut de) else {
        return Ok(None); // cannot happen: `parse_batch` read this text as JSON
    };
    let mut changed = false;
    if urls {
        changed |= strip_event_urls(&mut value);
    }
    if policy.redact && !pii_free {
        let before = value.clone();
        // Numbers are data only in custom (5) and plugin (6) payloads; in the structural
        // events they are ids, coordinates and times the codec reads as numbers.
        let payload = value.get("type").and_then(Value::as_u64).is_some_and(|t| {
            t == u64::from(rewind::protocol::event_type::CUSTOM) || t == u64::from(rewind::protocol::event_type::PLUGIN)
        });
        if kind != Kind::Event || payload {
            RULES.redact_json(&mut value);
        } else {
            RULES.redact_json_strings(&mut value);
        }
        changed |= value != before;
    }
    if typed {
        changed |= redact_typed_input(&mut value);
    }
    if kind == Kind::Label {
        if let Value::String(s) = &mut value {
            if s.len() > MAX_LABEL_BYTES {
                s.truncate(floor_char_boundary(s, MAX_LABEL_BYTES));
                changed = true;
            }
        }
    } else if over_cap {
        changed |= cap_strings(&mut value, cap);
    }
    Ok(changed.then(|| value.to_string()))
}

/// True when the event (`shape` is its [`Shape`]) may be an Input event (IncrementalSource 5)
/// whose value is a typed prefix: a `"source"` key has the value 5, and a `"text"` string is one
/// ([`rewind::privacy::redact::typed_prefix`]) or holds an escape. Read from the JSON text:
/// decoding every Input event (a fifth of the fixtures' events) cost the collector more than
/// all other redaction work (BENCHMARKS.md, "Collector ingest").
fn may_be_typed(raw: &str, shape: &Shape) -> bool {
    shape.input_source
        && raw.match_indices("\"text\"").any(|(at, key)| {
            let rest = raw.get(at + key.len()..).unwrap_or_default().trim_start();
            let Some(rest) = rest.strip_prefix(':').map(str::trim_start).and_then(|r| r.strip_prefix('"')) else {
                return false;
            };
            let value = rest.find('"').map_or(rest, |end| rest.get(..end).unwrap_or_default());
            value.contains('\\') || rewind::privacy::redact::typed_prefix(value).is_some()
        })
}

/// An Input event's value (`data.text`, already redacted) with a typed prefix of an email or a
/// card replaced by its marker ([`rewind::privacy::redact::typed_prefix`]): an SDK recording
/// unmasked inputs sends one event per keystroke (`jane.doe@exa`, `4111 1111 1`), and only
/// the last one is a whole email or card. True when it changed.
fn redact_typed_input(event: &mut Value) -> bool {
    if event.get("type").and_then(Value::as_i64) != Some(INCREMENTAL) {
        return false;
    }
    let Some(data) = event.get_mut("data") else { return false };
    if data.get("source").and_then(Value::as_i64) != Some(INPUT) {
        return false;
    }
    let Some(Value::String(text)) = data.get_mut("text") else { return false };
    match rewind::privacy::redact::redact_typed_prefix(text) {
        Some(new) => {
            *text = new;
            true
        }
        None => false,
    }
}

/// Calls `f` on every string value inside `value` (keys excluded), iteratively.
fn each_string(value: &mut Value, f: &mut dyn FnMut(&mut String)) {
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => f(s),
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// Cuts every string longer than `cap` bytes to its first bytes (at a char boundary) and the
/// [`truncation_marker`]; true when one was cut.
fn cap_strings(value: &mut Value, cap: usize) -> bool {
    let mut changed = false;
    each_string(value, &mut |s| {
        if s.len() > cap {
            let original = s.len();
            s.truncate(floor_char_boundary(s, cap));
            s.push_str(&truncation_marker(original));
            changed = true;
        }
    });
    changed
}

/// The largest char boundary of `s` at or before `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The envelope's fields in the order received: `events` split into its events in the same
/// pass, every other field as its JSON text.
struct Fields<'a>(Vec<(String, Field<'a>)>);

/// One envelope field.
enum Field<'a> {
    /// The `events` array's elements.
    Events(Vec<&'a RawValue>),
    /// Any other field's JSON text.
    Raw(&'a RawValue),
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'a>, A::Error> {
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let field = if key == "events" {
                        Field::Events(map.next_value::<Vec<&'de RawValue>>()?)
                    } else {
                        Field::Raw(map.next_value::<&'de RawValue>()?)
                    };
                    fields.push((key, field));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData)).map_err(de::Error::custom)
    }
}

mod scan;
#[cfg(test)]
mod tests;
mod urls;
