//! IncrementalSnapshot payloads (rrweb EventType 3), one type per `IncrementalSource`.
//!
//! Numbers and field names follow rrweb `packages/types/src/index.ts` (v2.1); the payload
//! structs live in `payloads.rs`. This file maps `source` numbers to them.

use super::node::KeyStr;
pub use super::payloads::*;
use crate::protocol::incremental_source;
use serde::de::{self, value::MapAccessDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::fmt;

/// rrweb `IncrementalSource` numbers (0–16).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncrementalSource {
    Mutation = incremental_source::MUTATION as isize,
    MouseMove = incremental_source::MOUSE_MOVE as isize,
    MouseInteraction = incremental_source::MOUSE_INTERACTION as isize,
    Scroll = incremental_source::SCROLL as isize,
    ViewportResize = incremental_source::VIEWPORT_RESIZE as isize,
    Input = incremental_source::INPUT as isize,
    TouchMove = incremental_source::TOUCH_MOVE as isize,
    MediaInteraction = incremental_source::MEDIA_INTERACTION as isize,
    StyleSheetRule = incremental_source::STYLE_SHEET_RULE as isize,
    CanvasMutation = incremental_source::CANVAS_MUTATION as isize,
    Font = incremental_source::FONT as isize,
    Log = incremental_source::LOG as isize,
    Drag = incremental_source::DRAG as isize,
    StyleDeclaration = incremental_source::STYLE_DECLARATION as isize,
    Selection = incremental_source::SELECTION as isize,
    AdoptedStyleSheet = incremental_source::ADOPTED_STYLE_SHEET as isize,
    CustomElement = incremental_source::CUSTOM_ELEMENT as isize,
}

impl IncrementalSource {
    /// Maps rrweb's number to the variant; `None` for numbers rrweb does not define.
    pub fn from_number(n: i64) -> Option<Self> {
        use IncrementalSource::*;
        let Ok(n) = u8::try_from(n) else { return None };
        Some(match n {
            incremental_source::MUTATION => Mutation,
            incremental_source::MOUSE_MOVE => MouseMove,
            incremental_source::MOUSE_INTERACTION => MouseInteraction,
            incremental_source::SCROLL => Scroll,
            incremental_source::VIEWPORT_RESIZE => ViewportResize,
            incremental_source::INPUT => Input,
            incremental_source::TOUCH_MOVE => TouchMove,
            incremental_source::MEDIA_INTERACTION => MediaInteraction,
            incremental_source::STYLE_SHEET_RULE => StyleSheetRule,
            incremental_source::CANVAS_MUTATION => CanvasMutation,
            incremental_source::FONT => Font,
            incremental_source::LOG => Log,
            incremental_source::DRAG => Drag,
            incremental_source::STYLE_DECLARATION => StyleDeclaration,
            incremental_source::SELECTION => Selection,
            incremental_source::ADOPTED_STYLE_SHEET => AdoptedStyleSheet,
            incremental_source::CUSTOM_ELEMENT => CustomElement,
            _ => return None,
        })
    }
}

/// rrweb `MouseInteractions` (0–10); other numbers are kept as `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MouseInteraction {
    MouseUp,
    MouseDown,
    Click,
    ContextMenu,
    DblClick,
    Focus,
    Blur,
    TouchStart,
    /// rrweb's `TouchMove_Departed` (8).
    TouchMoveDeparted,
    TouchEnd,
    TouchCancel,
    Unknown(i64),
}

impl MouseInteraction {
    /// Maps rrweb's number (MouseUp 0 … TouchCancel 10) to the variant.
    pub fn from_number(n: i64) -> Self {
        use MouseInteraction::*;
        match n {
            0 => MouseUp,
            1 => MouseDown,
            2 => Click,
            3 => ContextMenu,
            4 => DblClick,
            5 => Focus,
            6 => Blur,
            7 => TouchStart,
            8 => TouchMoveDeparted,
            9 => TouchEnd,
            10 => TouchCancel,
            n => Unknown(n),
        }
    }

    /// rrweb's number for the variant.
    pub fn number(self) -> i64 {
        use MouseInteraction::*;
        match self {
            MouseUp => 0,
            MouseDown => 1,
            Click => 2,
            ContextMenu => 3,
            DblClick => 4,
            Focus => 5,
            Blur => 6,
            TouchStart => 7,
            TouchMoveDeparted => 8,
            TouchEnd => 9,
            TouchCancel => 10,
            Unknown(n) => n,
        }
    }
}

impl<'de> Deserialize<'de> for MouseInteraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_number(i64::deserialize(d)?))
    }
}

/// The payload of an IncrementalSnapshot, by source.
#[derive(Clone, Debug)]
pub enum IncrementalData {
    // The payloads with several lists or strings are boxed: an `Event` is moved by value from
    // the reader through the order check into its consumer, and these rarer, larger
    // payloads would otherwise set the size of every event (MouseInteraction and Input, most
    // of a recording's events, fit inline).
    Mutation(Box<MutationData>),
    MouseMove(PositionsData),
    MouseInteraction(MouseInteractionData),
    Scroll(ScrollData),
    ViewportResize(ViewportResizeData),
    Input(InputData),
    TouchMove(PositionsData),
    MediaInteraction(Box<MediaInteractionData>),
    StyleSheetRule(Box<StyleSheetRuleData>),
    CanvasMutation(Box<CanvasMutationData>),
    Font(FontData),
    /// Legacy console source; rrweb 1.x+ sends console output as Plugin events instead.
    Log(Box<RawValue>),
    Drag(PositionsData),
    StyleDeclaration(Box<StyleDeclarationData>),
    Selection(SelectionData),
    AdoptedStyleSheet(AdoptedStyleSheetData),
    CustomElement(CustomElementData),
    /// A source number rrweb does not define; the whole payload is kept as JSON text.
    Unknown {
        source: i64,
        data: Box<RawValue>,
    },
}

impl IncrementalData {
    /// The rrweb `IncrementalSource` number of this payload.
    pub fn source_number(&self) -> i64 {
        use IncrementalData::*;
        match self {
            Mutation(_) => 0,
            MouseMove(_) => 1,
            MouseInteraction(_) => 2,
            Scroll(_) => 3,
            ViewportResize(_) => 4,
            Input(_) => 5,
            TouchMove(_) => 6,
            MediaInteraction(_) => 7,
            StyleSheetRule(_) => 8,
            CanvasMutation(_) => 9,
            Font(_) => 10,
            Log(_) => 11,
            Drag(_) => 12,
            StyleDeclaration(_) => 13,
            Selection(_) => 14,
            AdoptedStyleSheet(_) => 15,
            CustomElement(_) => 16,
            Unknown { source, .. } => *source,
        }
    }
}

impl<'de> Deserialize<'de> for IncrementalData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(IncrementalVisitor)
    }
}

struct IncrementalVisitor;

impl<'de> Visitor<'de> for IncrementalVisitor {
    type Value = IncrementalData;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an rrweb incremental snapshot object with a `source`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IncrementalData, A::Error> {
        // rrweb always writes `source` first, so the rest of the map can go straight into the
        // typed payload. Other writers may order keys differently: then the entries are kept
        // as raw JSON and re-read once the source is known.
        let first = map.next_key::<KeyStr>()?;
        if let Some(KeyStr(k)) = &first {
            if k == "source" {
                let source: i64 = map.next_value()?;
                return payload_for_source(source, map);
            }
        }
        let mut entries: Vec<(String, Box<RawValue>)> = Vec::new();
        if let Some(KeyStr(k)) = first {
            entries.push((k.into_owned(), map.next_value()?));
        }
        while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
            entries.push((k, v));
        }
        let source_at =
            entries.iter().position(|(k, _)| k == "source").ok_or_else(|| de::Error::missing_field("source"))?;
        let (_, source_raw) = entries.remove(source_at);
        let source: i64 = serde_json::from_str(source_raw.get()).map_err(de::Error::custom)?;
        let rest = raw_object(&entries);
        let mut inner = serde_json::Deserializer::from_str(&rest);
        inner.disable_recursion_limit();
        inner.deserialize_map(SourceKnown(source)).map_err(de::Error::custom)
    }
}

/// Re-reads a payload whose `source` was found after other keys.
struct SourceKnown(i64);

impl<'de> Visitor<'de> for SourceKnown {
    type Value = IncrementalData;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an rrweb incremental snapshot object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<IncrementalData, A::Error> {
        payload_for_source(self.0, map)
    }
}

/// Rebuilds a JSON object from raw entries (keys re-escaped by serde_json).
pub(crate) fn raw_object(entries: &[(String, Box<RawValue>)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into()));
        out.push(':');
        out.push_str(v.get());
    }
    out.push('}');
    out
}

fn payload_for_source<'de, A: MapAccess<'de>>(source: i64, map: A) -> Result<IncrementalData, A::Error> {
    use IncrementalData as D;
    let rest = MapAccessDeserializer::new(map);
    Ok(match IncrementalSource::from_number(source) {
        Some(IncrementalSource::Mutation) => D::Mutation(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::MouseMove) => D::MouseMove(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::MouseInteraction) => D::MouseInteraction(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::Scroll) => D::Scroll(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::ViewportResize) => D::ViewportResize(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::Input) => D::Input(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::TouchMove) => D::TouchMove(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::MediaInteraction) => D::MediaInteraction(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::StyleSheetRule) => D::StyleSheetRule(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::CanvasMutation) => D::CanvasMutation(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::Font) => D::Font(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::Log) => D::Log(raw_rest(rest)?),
        Some(IncrementalSource::Drag) => D::Drag(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::StyleDeclaration) => D::StyleDeclaration(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::Selection) => D::Selection(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::AdoptedStyleSheet) => D::AdoptedStyleSheet(Deserialize::deserialize(rest)?),
        Some(IncrementalSource::CustomElement) => D::CustomElement(Deserialize::deserialize(rest)?),
        None => D::Unknown { source, data: raw_rest(rest)? },
    })
}

/// Collects the remaining entries of a map as one raw JSON object.
fn raw_rest<'de, A: MapAccess<'de>>(rest: MapAccessDeserializer<A>) -> Result<Box<RawValue>, A::Error> {
    struct Collect;
    impl<'de> Visitor<'de> for Collect {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(e) = map.next_entry::<String, Box<RawValue>>()? {
                entries.push(e);
            }
            Ok(entries)
        }
    }
    let entries = rest.deserialize_map(Collect)?;
    RawValue::from_string(raw_object(&entries)).map_err(de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttrValue;

    fn parse(json: &str) -> IncrementalData {
        let mut de = serde_json::Deserializer::from_str(json);
        de.disable_recursion_limit();
        IncrementalData::deserialize(&mut de).unwrap()
    }

    #[test]
    fn source_first_fast_path() {
        match parse(r#"{"source":2,"type":2,"id":14,"x":10.5,"y":20}"#) {
            IncrementalData::MouseInteraction(m) => {
                assert_eq!(m.interaction, MouseInteraction::Click);
                assert_eq!((m.id, m.x, m.y), (14, Some(10.5), Some(20.0)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn source_anywhere_is_accepted() {
        match parse(r#"{"id":9,"text":"***","isChecked":false,"source":5,"extra":[1]}"#) {
            IncrementalData::Input(i) => assert_eq!((i.id, i.text.as_str()), (9, "***")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_sources_are_kept_raw() {
        match parse(r#"{"source":42,"foo":{"bar":[1,2]}}"#) {
            IncrementalData::Unknown { source, data } => {
                assert_eq!(source, 42);
                assert_eq!(data.get(), r#"{"foo":{"bar":[1,2]}}"#);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mutation_payload() {
        let m = parse(
            r#"{"source":0,"texts":[{"id":5,"value":"3 items"}],
                "attributes":[{"id":6,"attributes":{"class":"on","hidden":null,"style":{"color":"red"}}}],
                "removes":[{"parentId":4,"id":7}],
                "adds":[{"parentId":4,"nextId":null,"node":{"type":2,"tagName":"li","attributes":{},"childNodes":[],"id":8}}]}"#,
        );
        let IncrementalData::Mutation(m) = m else { panic!() };
        assert_eq!(m.texts[0].value.as_deref(), Some("3 items"));
        assert_eq!(m.attributes[0].attributes[1].1, AttrValue::Null);
        assert_eq!(m.removes[0].id, 7);
        assert_eq!(m.adds[0].node.nodes[0].id, 8);
        assert_eq!(m.adds[0].next_id, None);
    }
}
