//! rrweb events: `{type, data, timestamp, delay?}` (rrweb `eventWithTime`).

use super::incremental::IncrementalData;
use super::node::{KeyStr, NodeTree};
use crate::protocol::event_type;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::fmt;

/// Prefix of a deserialization error that means "this is not web rrweb at all"; the codec turns
/// such errors into [`crate::codec::DecodeError::UnsupportedFormat`].
pub(crate) const UNSUPPORTED_MARK: &str = "unsupported recording format: ";

/// rrweb `EventType` numbers (0–7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    DomContentLoaded = event_type::DOM_CONTENT_LOADED as isize,
    Load = event_type::LOAD as isize,
    FullSnapshot = event_type::FULL_SNAPSHOT as isize,
    IncrementalSnapshot = event_type::INCREMENTAL_SNAPSHOT as isize,
    Meta = event_type::META as isize,
    Custom = event_type::CUSTOM as isize,
    Plugin = event_type::PLUGIN as isize,
    /// New in rrweb 2.1 (#1833): an asset (canvas data, stylesheet text) sent out of band.
    Asset = event_type::ASSET as isize,
}

impl EventType {
    /// Maps rrweb's number to the variant; `None` for numbers rrweb does not define.
    pub fn from_number(n: i64) -> Option<Self> {
        use EventType::*;
        let Ok(n) = u8::try_from(n) else { return None };
        Some(match n {
            event_type::DOM_CONTENT_LOADED => DomContentLoaded,
            event_type::LOAD => Load,
            event_type::FULL_SNAPSHOT => FullSnapshot,
            event_type::INCREMENTAL_SNAPSHOT => IncrementalSnapshot,
            event_type::META => Meta,
            event_type::CUSTOM => Custom,
            event_type::PLUGIN => Plugin,
            event_type::ASSET => Asset,
            _ => return None,
        })
    }
}

/// Largest size of an [`Event`] value, in bytes: events are passed by value from the reader
/// to their consumer, so the large, rarer payloads are boxed ([`IncrementalData`]) and the
/// common ones (MouseInteraction, Input) set this size.
pub const MAX_EVENT_BYTES: usize = 104;

/// One rrweb event.
#[derive(Clone, Debug)]
pub struct Event {
    /// Unix epoch milliseconds (rrweb `Date.now()`); fractional input is rounded.
    pub timestamp: i64,
    pub data: EventData,
    /// rrweb's optional replay `delay` (ms), kept as given.
    pub delay: Option<f64>,
}

impl Event {
    /// The rrweb `EventType` number of this event.
    pub fn type_number(&self) -> i64 {
        match &self.data {
            EventData::DomContentLoaded(_) => 0,
            EventData::Load(_) => 1,
            EventData::FullSnapshot(_) => 2,
            EventData::IncrementalSnapshot(_) => 3,
            EventData::Meta(_) => 4,
            EventData::Custom(_) => 5,
            EventData::Plugin(_) => 6,
            EventData::Asset(_) => 7,
            EventData::Unknown { event_type, .. } => *event_type,
        }
    }
}

/// The `data` of an event, by [`EventType`].
#[derive(Clone, Debug)]
pub enum EventData {
    DomContentLoaded(Option<Box<RawValue>>),
    Load(Option<Box<RawValue>>),
    FullSnapshot(FullSnapshotData),
    IncrementalSnapshot(IncrementalData),
    Meta(MetaData),
    Custom(CustomData),
    Plugin(PluginData),
    Asset(Box<RawValue>),
    /// An event type number rrweb does not define; `data` kept as JSON text.
    Unknown {
        event_type: i64,
        data: Option<Box<RawValue>>,
    },
}

/// FullSnapshot (2): the whole document, and the page's scroll offset (CSS px) at that moment.
#[derive(Clone, Debug)]
pub struct FullSnapshotData {
    pub node: NodeTree,
    pub initial_offset: Offset,
}

/// A scroll offset in CSS pixels.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Offset {
    pub top: f64,
    pub left: f64,
}

/// Meta (4): the page URL and viewport size (CSS px). rrweb emits one before every
/// FullSnapshot, so a Meta marks a page load or a periodic checkout.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MetaData {
    pub href: String,
    pub width: f64,
    pub height: f64,
}

/// Custom (5): an app-defined event (`rrweb.record.addCustomEvent(tag, payload)`).
#[derive(Clone, Debug, Deserialize)]
pub struct CustomData {
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub payload: Option<Box<RawValue>>,
}

/// Plugin (6): output of a record plugin, e.g. `rrweb/console@1` (see [`ConsolePayload`]).
#[derive(Clone, Debug, Deserialize)]
pub struct PluginData {
    #[serde(default)]
    pub plugin: String,
    #[serde(default)]
    pub payload: Option<Box<RawValue>>,
}

/// The payload of the rrweb console plugin (`rrweb/console@1`): `level` (log, warn, error…),
/// the stack `trace`, and `payload`, the logged arguments, each already stringified by the
/// plugin (so a string argument arrives JSON-quoted).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsolePayload {
    pub level: String,
    pub trace: Vec<String>,
    pub payload: Vec<Box<RawValue>>,
}

impl PluginData {
    /// True for rrweb's console plugin at any version (`rrweb/console@*`).
    pub fn is_console(&self) -> bool {
        self.plugin.starts_with("rrweb/console@")
    }

    /// Reads the console payload; `None` when the plugin is not the console plugin or its
    /// payload does not have the console shape.
    pub fn console(&self) -> Option<ConsolePayload> {
        if !self.is_console() {
            return None;
        }
        serde_json::from_str(self.payload.as_ref()?.get()).ok()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EventVisitor)
    }
}

/// Parses an event's `data` once its type is known.
pub(crate) struct DataSeed(pub(crate) i64);

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = EventData;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<EventData, D::Error> {
        Ok(match EventType::from_number(self.0) {
            Some(EventType::DomContentLoaded) => EventData::DomContentLoaded(Deserialize::deserialize(d)?),
            Some(EventType::Load) => EventData::Load(Deserialize::deserialize(d)?),
            Some(EventType::FullSnapshot) => EventData::FullSnapshot(d.deserialize_map(FullSnapshotVisitor)?),
            Some(EventType::IncrementalSnapshot) => EventData::IncrementalSnapshot(Deserialize::deserialize(d)?),
            Some(EventType::Meta) => EventData::Meta(Deserialize::deserialize(d)?),
            Some(EventType::Custom) => EventData::Custom(Deserialize::deserialize(d)?),
            Some(EventType::Plugin) => EventData::Plugin(Deserialize::deserialize(d)?),
            Some(EventType::Asset) => EventData::Asset(Deserialize::deserialize(d)?),
            None => EventData::Unknown { event_type: self.0, data: Deserialize::deserialize(d)? },
        })
    }
}

struct FullSnapshotVisitor;

impl<'de> Visitor<'de> for FullSnapshotVisitor {
    type Value = FullSnapshotData;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("FullSnapshot data `{node, initialOffset}`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FullSnapshotData, A::Error> {
        let mut node = None;
        let mut initial_offset = Offset::default();
        let mut wireframes = false;
        while let Some(KeyStr(key)) = map.next_key()? {
            match key.as_ref() {
                "node" => node = Some(map.next_value::<NodeTree>()?),
                "initialOffset" => initial_offset = map.next_value::<Option<Offset>>()?.unwrap_or_default(),
                other => {
                    wireframes |= other == "wireframes";
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match node {
            Some(node) => Ok(FullSnapshotData { node, initial_offset }),
            // PostHog's and others' mobile SDKs reuse rrweb's envelope but send screen
            // "wireframes" instead of a DOM: nothing in it can be analysed as a web page.
            None if wireframes => Err(de::Error::custom(format_args!(
                "{UNSUPPORTED_MARK}mobile replay (FullSnapshot with `wireframes` instead of a DOM `node`)"
            ))),
            None => Err(de::Error::missing_field("node")),
        }
    }
}

/// Reads a timestamp that may be written as an integer or a float.
pub(crate) struct Millis(pub(crate) i64);

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Millis;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp in epoch milliseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Millis, E> {
                Ok(Millis(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Millis, E> {
                i64::try_from(v).map(Millis).map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Millis, E> {
                if v.is_finite() && v.abs() < 9.0e15 {
                    Ok(Millis(v.round() as i64))
                } else {
                    Err(E::custom("timestamp out of range"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Event;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an rrweb event object `{type, data, timestamp}`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let mut fields = EventFields::default();
        while let Some(KeyStr(key)) = map.next_key()? {
            if !fields.take(&key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        fields.finish()
    }
}

/// The fields of an event as they arrive, in any key order. Shared by the event visitor and
/// the codec's top-level visitor (which also accepts a bare event per JSON Lines line).
#[derive(Default)]
pub(crate) struct EventFields {
    pub(crate) event_type: Option<i64>,
    data: Option<EventData>,
    /// `data` seen before `type` (never in rrweb's own output): kept raw, typed in `finish`.
    raw_data: Option<Box<RawValue>>,
    pub(crate) timestamp: Option<i64>,
    delay: Option<f64>,
}

impl EventFields {
    /// Consumes the value of `key` if it is an event field; `false` leaves it unread.
    pub(crate) fn take<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "type" => self.event_type = Some(map.next_value()?),
            "data" => match self.event_type {
                Some(t) => self.data = Some(map.next_value_seed(DataSeed(t))?),
                None => self.raw_data = Some(map.next_value()?),
            },
            "timestamp" => self.timestamp = Some(map.next_value::<Millis>()?.0),
            "delay" => self.delay = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// True once anything event-like was seen.
    pub(crate) fn any(&self) -> bool {
        self.event_type.is_some() || self.timestamp.is_some() || self.data.is_some() || self.raw_data.is_some()
    }

    /// The `data` value when it arrived without a `type` (see the codec's export handling).
    pub(crate) fn take_raw_data(&mut self) -> Option<Box<RawValue>> {
        self.raw_data.take()
    }

    pub(crate) fn finish<E: de::Error>(self) -> Result<Event, E> {
        let event_type = self.event_type.ok_or_else(|| E::missing_field("type"))?;
        let timestamp = self.timestamp.ok_or_else(|| E::missing_field("timestamp"))?;
        let data = match (self.data, self.raw_data) {
            (Some(data), _) => data,
            (None, Some(raw)) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                de.disable_recursion_limit();
                DataSeed(event_type).deserialize(&mut de).map_err(E::custom)?
            }
            (None, None) => match EventType::from_number(event_type) {
                Some(EventType::DomContentLoaded) => EventData::DomContentLoaded(None),
                Some(EventType::Load) => EventData::Load(None),
                None => EventData::Unknown { event_type, data: None },
                Some(_) => return Err(E::missing_field("data")),
            },
        };
        Ok(Event { timestamp, data, delay: self.delay })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Event, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        de.disable_recursion_limit();
        Event::deserialize(&mut de)
    }

    #[test]
    fn meta_event() {
        let e = parse(r#"{"type":4,"data":{"href":"http://a/b","width":800,"height":600},"timestamp":1700000000000}"#)
            .unwrap();
        assert_eq!(e.timestamp, 1_700_000_000_000);
        let EventData::Meta(m) = e.data else { panic!() };
        assert_eq!((m.href.as_str(), m.width, m.height), ("http://a/b", 800.0, 600.0));
    }

    #[test]
    fn data_before_type_and_float_timestamps() {
        let e = parse(r#"{"data":{"tag":"checkout","payload":{"n":1}},"timestamp":12.6,"type":5}"#).unwrap();
        assert_eq!(e.timestamp, 13);
        let EventData::Custom(c) = e.data else { panic!() };
        assert_eq!(c.tag, "checkout");
        assert_eq!(c.payload.unwrap().get(), r#"{"n":1}"#);
    }

    #[test]
    fn unknown_types_are_kept() {
        let e = parse(r#"{"type":99,"data":[1,{"a":2}],"timestamp":5,"windowId":"w"}"#).unwrap();
        assert_eq!(e.type_number(), 99);
    }

    #[test]
    fn wrong_types_are_errors() {
        let err = parse(r#"{"type":"4","data":{},"timestamp":1}"#).unwrap_err().to_string();
        assert!(err.contains("invalid type"), "{err}");
        let err = parse(r#"{"type":4,"data":{}}"#).unwrap_err().to_string();
        assert!(err.contains("missing field `timestamp`"), "{err}");
    }

    #[test]
    fn mobile_wireframes_are_flagged_unsupported() {
        let err = parse(r#"{"type":2,"data":{"wireframes":[],"initialOffset":{"top":0,"left":0}},"timestamp":1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(UNSUPPORTED_MARK), "{err}");
    }

    #[test]
    fn an_event_stays_small_enough_to_move_by_value() {
        // Every event is moved several times on its way into the analyzer; the boxed
        // IncrementalData variants keep it at this size (176 bytes on x86_64 before them).
        assert!(std::mem::size_of::<Event>() <= MAX_EVENT_BYTES, "{}", std::mem::size_of::<Event>());
    }

    #[test]
    fn console_plugin_payload() {
        let e = parse(
            r#"{"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"error","trace":["at x"],"payload":["\"boom\"","{\"code\":500}"]}},"timestamp":1}"#,
        )
        .unwrap();
        let EventData::Plugin(p) = e.data else { panic!() };
        let c = p.console().unwrap();
        assert_eq!(c.level, "error");
        assert_eq!(c.payload.len(), 2);
    }
}
