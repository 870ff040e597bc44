// Shared by the code that synthesises long recordings from the fixtures (benches/analyze.rs,
// cli/benches/report.rs and benches/play/synth.rs — itself used by the play tests —, included
// with `#[path]`): an event read and written back without interpretation, so only its timestamp
// changes.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// One event with its keys in recorded order (`type`, `data`, `timestamp` for rrweb) and every
/// value kept as raw JSON text. `serde_json::Value` would sort the keys (no `preserve_order`), and
/// key order matters to the decoder: rrweb writes `type` before `data` and `source` first in an
/// incremental `data`, and the decoder's fast paths rely on that.
pub struct RawEvent(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEvent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEvent, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push(entry);
                }
                Ok(RawEvent(entries))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for RawEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Clone for RawEvent {
    fn clone(&self) -> Self {
        RawEvent(self.0.iter().map(|(k, v)| (k.clone(), v.to_owned())).collect())
    }
}

#[allow(dead_code)] // each bench uses its own subset
impl RawEvent {
    /// The raw JSON of field `key`.
    pub fn field(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// The event's `timestamp` (Unix ms; fractional timestamps are truncated).
    pub fn timestamp(&self) -> i64 {
        let raw = self.field("timestamp").expect("fixture events have a timestamp");
        serde_json::from_str::<f64>(raw.get()).expect("numeric timestamp") as i64
    }

    /// Rewrites the event's `timestamp` (Unix ms).
    pub fn set_timestamp(&mut self, t: i64) {
        let raw = RawValue::from_string(t.to_string()).expect("an integer is JSON");
        self.0.iter_mut().find(|(k, _)| k == "timestamp").expect("timestamp").1 = raw;
    }

    /// The event's `data`, parsed.
    pub fn data(&self) -> serde_json::Value {
        serde_json::from_str(self.field("data").expect("event data").get()).expect("data is JSON")
    }

    /// The event's JSON text with `timestamp` set to `t` (Unix ms), every other entry as it was.
    pub fn json_at(&self, t: i64) -> String {
        let mut copy = self.clone();
        copy.set_timestamp(t);
        serde_json::to_string(&copy).expect("raw JSON serialises")
    }

    /// Whether the event's `type` (rrweb EventType) is `t`.
    pub fn is_type(&self, t: i64) -> bool {
        self.field("type").and_then(|raw| serde_json::from_str::<i64>(raw.get()).ok()) == Some(t)
    }
}
