//! The top-level shapes a recording arrives in, and rewind's batch envelope.

use crate::model::{Event, EventFields, KeyStr, UNSUPPORTED_MARK};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// A batch of events with what the container said about them. For rewind's own batches this is
/// the wire envelope `{session_id, window_id, seq, app_id, sdk_version, sent_at, events}`
/// (the batch contract, ARCHITECTURE.md); for a bare event array only `events` is set.
#[derive(Clone, Debug, Default)]
pub struct BatchEnvelope {
    pub session_id: Option<String>,
    pub distinct_id: Option<String>,
    pub window_id: Option<String>,
    pub app_id: Option<String>,
    /// Position of the batch in its session, from 0.
    pub seq: Option<u64>,
    pub events: Vec<Event>,
}

/// Where decoded events go when they are streamed ([`super::stream`]) instead of collected:
/// called once per event in input order; `false` stops decoding (the caller then falls back
/// to collecting).
pub(crate) type Sink<'s, 'f> = &'s mut (dyn FnMut(Event) -> bool + 'f);

/// The error a [`Sink`] that refused an event ends decoding with; never shown to a user (the
/// stream falls back to [`super::decode`], which reports real errors itself).
const SINK_STOPPED: &str = "event stream stopped by its sink";

/// Reads one top-level JSON value: an event array, an envelope object, or a single event.
/// With a sink the events go to it and the returned batch has none.
pub(crate) struct TopLevelVisitor<'s, 'f>(pub(crate) Option<Sink<'s, 'f>>);

impl<'de> Visitor<'de> for TopLevelVisitor<'_, '_> {
    type Value = BatchEnvelope;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an rrweb recording")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<BatchEnvelope, A::Error> {
        Ok(BatchEnvelope { events: EventsVisitor(self.0).visit_seq(seq)?, ..Default::default() })
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<BatchEnvelope, A::Error> {
        let mut out = BatchEnvelope::default();
        let mut events = None;
        let mut event = EventFields::default();
        let mut keys: Vec<String> = Vec::new();
        while let Some(KeyStr(key)) = map.next_key()? {
            if keys.len() < 8 {
                keys.push(shown_key(&key));
            }
            match key.as_ref() {
                "events" | "snapshots" => events = Some(map.next_value_seed(EventsSeed(self.0.as_deref_mut()))?),
                "session_id" | "sessionId" | "replay_id" | "$session_id" => out.session_id = map.next_value()?,
                "distinct_id" | "distinctId" | "$distinct_id" | "user_id" => out.distinct_id = map.next_value()?,
                "window_id" | "windowId" | "$window_id" => out.window_id = map.next_value()?,
                "app_id" => out.app_id = map.next_value()?,
                "seq" => out.seq = map.next_value()?,
                k => {
                    if !event.take(k, &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        if let Some(events) = events {
            out.events = events;
            return Ok(out);
        }
        if event.event_type.is_some() || event.timestamp.is_some() {
            let event = event.finish()?;
            match self.0 {
                Some(sink) => give(sink, event)?,
                None => out.events.push(event),
            }
            return Ok(out);
        }
        if event.any() {
            // Only `data` was present: PostHog's export wraps the replay as
            // `{"version", "data": {"id", "snapshots": [...]}}`. Rare: never streamed.
            if self.0.is_some() {
                return Err(de::Error::custom(SINK_STOPPED));
            }
            if let Some(export) = event.take_raw_data() {
                return posthog_export(&export).map_err(de::Error::custom);
            }
        }
        Err(de::Error::custom(format_args!(
            "{UNSUPPORTED_MARK}a JSON object with keys [{}] and no `events` array",
            keys.join(", ")
        )))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}a JSON string, not events")))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}a JSON number, not events")))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}a JSON number, not events")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}a JSON number, not events")))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}a JSON boolean, not events")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<BatchEnvelope, E> {
        Err(E::custom(format_args!("{UNSUPPORTED_MARK}JSON null, not events")))
    }
}

fn posthog_export(raw: &RawValue) -> Result<BatchEnvelope, serde_json::Error> {
    struct Export;
    impl<'de> Visitor<'de> for Export {
        type Value = BatchEnvelope;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an export object with `snapshots`")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BatchEnvelope, A::Error> {
            let mut out = BatchEnvelope::default();
            let mut found = false;
            while let Some(KeyStr(key)) = map.next_key()? {
                match key.as_ref() {
                    "snapshots" | "events" => {
                        out.events = map.next_value_seed(EventsSeed(None))?;
                        found = true;
                    }
                    "id" | "session_id" => out.session_id = map.next_value()?,
                    "distinct_id" => out.distinct_id = map.next_value()?,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            if !found {
                return Err(de::Error::custom(format_args!(
                    "{UNSUPPORTED_MARK}an object whose `data` has no `snapshots` or `events`"
                )));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.disable_recursion_limit();
    serde::Deserializer::deserialize_map(&mut de, Export)
}

/// Hands `event` to the sink; its refusal becomes an error that ends decoding.
fn give<E: de::Error>(sink: &mut dyn FnMut(Event) -> bool, event: Event) -> Result<(), E> {
    if sink(event) {
        Ok(())
    } else {
        Err(E::custom(SINK_STOPPED))
    }
}

struct EventsSeed<'s, 'f>(Option<Sink<'s, 'f>>);

impl<'de> DeserializeSeed<'de> for EventsSeed<'_, '_> {
    type Value = Vec<Event>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Event>, D::Error> {
        d.deserialize_seq(EventsVisitor(self.0))
    }
}

/// An array of events, collected, or handed one by one to the sink (the result is then
/// empty). The first element is checked on its own so that an array of something else
/// (numbers, objects of another product) is reported as an unsupported format rather than as a
/// field error deep in the file.
struct EventsVisitor<'s, 'f>(Option<Sink<'s, 'f>>);

impl<'de> Visitor<'de> for EventsVisitor<'_, '_> {
    type Value = Vec<Event>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rrweb events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Event>, A::Error> {
        let mut events = Vec::new();
        let Some(first) = seq.next_element::<Box<RawValue>>()? else {
            return Ok(events);
        };
        let first = first_event(&first).map_err(de::Error::custom)?;
        match self.0 {
            Some(sink) => {
                give(sink, first)?;
                while let Some(e) = seq.next_element::<Event>()? {
                    give(sink, e)?;
                }
            }
            None => {
                events.reserve(seq.size_hint().unwrap_or(0).min(1 << 16));
                events.push(first);
                while let Some(e) = seq.next_element::<Event>()? {
                    events.push(e);
                }
            }
        }
        Ok(events)
    }
}

pub(super) fn first_event(raw: &RawValue) -> Result<Event, String> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "type")]
        event_type: Option<IgnoredAny>,
        timestamp: Option<IgnoredAny>,
    }
    let text = raw.get();
    let shape = match text.as_bytes().first() {
        Some(b'{') => None,
        Some(b'[') => Some("an array of arrays"),
        Some(b'"') => Some("an array of strings"),
        Some(b't' | b'f') => Some("an array of booleans"),
        Some(b'n') => Some("an array of nulls"),
        _ => Some("an array of numbers"),
    };
    if let Some(shape) = shape {
        return Err(format!("{UNSUPPORTED_MARK}{shape}, not rrweb events"));
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| without_position(&e))?;
    if probe.event_type.is_none() || probe.timestamp.is_none() {
        let keys = object_keys(text);
        return Err(format!(
            "{UNSUPPORTED_MARK}an array of objects with keys [{}], not rrweb events (no `type`/`timestamp`)",
            keys.join(", ")
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    Event::deserialize(&mut de).map_err(|e| without_position(&e))
}

/// serde_json's message without its " at line L column C" suffix, for errors inside a value
/// re-read on its own, whose positions would not match the file.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// A key as an error message shows it: control characters escaped (messages stay one line),
/// at most 40 characters.
fn shown_key(key: &str) -> String {
    let escaped: String = key.escape_debug().take(40).collect();
    escaped
}

/// The first keys of a JSON object, for error messages.
fn object_keys(text: &str) -> Vec<String> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some(KeyStr(k)) = map.next_key()? {
                if keys.len() < 8 {
                    keys.push(shown_key(&k));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(keys)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde::Deserializer::deserialize_map(&mut de, Keys).unwrap_or_default()
}
