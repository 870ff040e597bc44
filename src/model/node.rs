//! rrweb serialized nodes (`serializedNodeWithId`, rrweb-snapshot `types.ts`), stored flat.
//!
//! A FullSnapshot carries the whole page as one nested tree. Nested Rust values would be walked
//! and dropped recursively, so a hostile recording could overflow the stack; instead the tree is
//! deserialized straight into a pre-order arena ([`NodeTree`]) whose entries point at their
//! parent by index. The only recursion left is serde's descent while reading, which
//! [`MAX_NODE_DEPTH`] bounds.

use super::lean::{self, SkippedAttr, SkippedText};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

pub use crate::MAX_NODE_DEPTH;

/// Start of the error a node tree deeper than [`MAX_NODE_DEPTH`] gives; the codec turns such
/// errors into [`crate::codec::DecodeError::TooDeep`] (valid JSON past a limit, not bad JSON).
pub(crate) const TOO_DEEP_MARK: &str = "serialized node tree nested deeper than ";

/// rrweb `NodeType` (rrweb-snapshot): Document 0, DocumentType 1, Element 2, Text 3, CDATA 4,
/// Comment 5. Other numbers are kept as [`NodeKind::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    Document = 0,
    DocumentType = 1,
    Element = 2,
    Text = 3,
    CData = 4,
    Comment = 5,
}

impl NodeType {
    /// Maps rrweb's number to the variant; `None` for numbers rrweb does not define.
    pub fn from_number(n: i64) -> Option<Self> {
        Some(match n {
            0 => Self::Document,
            1 => Self::DocumentType,
            2 => Self::Element,
            3 => Self::Text,
            4 => Self::CData,
            5 => Self::Comment,
            _ => return None,
        })
    }
}

/// One value of an element attribute as rrweb writes it.
///
/// Snapshots hold `string | number | true | null`; Mutation attribute changes add `null`
/// (attribute removed) and style diff objects (`{prop: value | [value, priority] | false}`).
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    Str(String),
    Num(f64),
    Bool(bool),
    /// In a Mutation: the attribute was removed.
    Null,
    /// A `style` diff from a Mutation (rrweb `styleOMValue`).
    Style(Vec<(String, StyleValue)>),
}

impl AttrValue {
    /// The value as text when it is a string, number or `true` (rrweb writes boolean
    /// attributes such as `checked` as `true`).
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            AttrValue::Str(s) => Some(std::borrow::Cow::Borrowed(s)),
            AttrValue::Num(n) => Some(std::borrow::Cow::Owned(n.to_string())),
            AttrValue::Bool(true) => Some(std::borrow::Cow::Borrowed("")),
            _ => None,
        }
    }
}

/// One property of a rrweb style diff: set (optionally with a priority such as `important`)
/// or removed (`false`).
#[derive(Clone, Debug, PartialEq)]
pub enum StyleValue {
    Set { value: String, priority: Option<String> },
    Remove,
}

/// What a serialized node is, with the fields rrweb writes for that [`NodeType`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Document {
        compat_mode: Option<String>,
    },
    DocumentType {
        name: String,
        public_id: String,
        system_id: String,
    },
    Element {
        /// As recorded; rrweb lower-cases HTML tag names but keeps SVG case.
        tag_name: String,
        /// In recorded order.
        attributes: Vec<(String, AttrValue)>,
        is_svg: bool,
        need_block: bool,
        is_custom: bool,
    },
    Text {
        text_content: String,
        /// Deprecated rrweb flag: the text of a `<style>` element.
        is_style: bool,
    },
    CData,
    Comment {
        text_content: String,
    },
    /// A node type number rrweb does not define; kept so ids stay resolvable.
    Unknown {
        node_type: i64,
    },
}

/// One node of a [`NodeTree`].
#[derive(Clone, Debug, PartialEq)]
pub struct SerializedNode {
    /// rrweb node id (the mirror id; `-2` marks nodes dropped by slimDOM).
    pub id: i64,
    /// Index in [`NodeTree::nodes`] of the parent; `None` for the tree's root.
    pub parent: Option<usize>,
    pub kind: NodeKind,
    pub root_id: Option<i64>,
    pub is_shadow_host: bool,
    pub is_shadow: bool,
}

impl SerializedNode {
    /// The tag name for elements, `None` otherwise.
    pub fn tag_name(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Element { tag_name, .. } => Some(tag_name),
            _ => None,
        }
    }
}

/// A serialized node tree in pre-order: `nodes[0]` is the root, every node comes after its
/// parent, and siblings keep their recorded order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeTree {
    pub nodes: Vec<SerializedNode>,
}

impl<'de> Deserialize<'de> for NodeTree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut nodes = lean::spare_arena();
        NodeSeed { arena: &mut nodes, parent: None, depth: 1, textless: false }.deserialize(deserializer)?;
        Ok(NodeTree { nodes })
    }
}

struct NodeSeed<'a> {
    arena: &'a mut Vec<SerializedNode>,
    parent: Option<usize>,
    depth: usize,
    /// The parent's text is dropped by the lean reader in force ([`lean`]): read this node's
    /// `textContent` without keeping it.
    textless: bool,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an rrweb serialized node object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A node at level MAX_NODE_DEPTH is accepted, an empty `childNodes` included (the
        // recorder's placeholders for deeper subtrees are such leaves); one level more is not.
        if self.depth > MAX_NODE_DEPTH {
            return Err(de::Error::custom(format_args!("{TOO_DEEP_MARK}{MAX_NODE_DEPTH} levels")));
        }
        // Reserve the slot first so children, read before this node's fields are all known,
        // can point at it and pre-order holds.
        let index = self.arena.len();
        self.arena.push(SerializedNode {
            id: 0,
            parent: self.parent,
            kind: NodeKind::CData,
            root_id: None,
            is_shadow_host: false,
            is_shadow: false,
        });
        let mut node_type: Option<i64> = None;
        let mut id: Option<i64> = None;
        let mut tag_name = None;
        let mut attributes = Vec::new();
        let mut text_content: Option<String> = None;
        let (mut name, mut public_id, mut system_id) = (String::new(), String::new(), String::new());
        let mut compat_mode = None;
        let (mut is_svg, mut need_block, mut is_custom, mut is_style) = (false, false, false, false);
        let (mut root_id, mut is_shadow_host, mut is_shadow) = (None, false, false);
        while let Some(key) = map.next_key::<KeyStr>()? {
            match key.0.as_ref() {
                "type" => node_type = Some(map.next_value()?),
                "id" => id = Some(map.next_value()?),
                "tagName" => tag_name = Some(map.next_value::<String>()?),
                "attributes" => attributes = map.next_value::<AttrMap>()?.0,
                "childNodes" => {
                    // rrweb writes `tagName` before `childNodes`; if not, the text is kept.
                    let textless = match (lean::current(), &tag_name) {
                        (Some(lean), Some(tag)) => !(lean.keep_text_under)(tag),
                        _ => false,
                    };
                    let seed = ChildrenSeed { arena: self.arena, parent: index, depth: self.depth + 1, textless };
                    map.next_value_seed(seed)?
                }
                "textContent" if self.textless => {
                    map.next_value::<Option<SkippedText>>()?;
                }
                "textContent" => text_content = map.next_value()?,
                "name" => name = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "publicId" => public_id = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "systemId" => system_id = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "compatMode" => compat_mode = map.next_value()?,
                "isSVG" => is_svg = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "needBlock" => need_block = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "isCustom" => is_custom = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "isStyle" => is_style = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "rootId" => root_id = map.next_value()?,
                "isShadowHost" => is_shadow_host = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "isShadow" => is_shadow = map.next_value::<Option<bool>>()?.unwrap_or(false),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let node_type = node_type.ok_or_else(|| de::Error::missing_field("type"))?;
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let kind = match NodeType::from_number(node_type) {
            Some(NodeType::Document) => NodeKind::Document { compat_mode },
            Some(NodeType::DocumentType) => NodeKind::DocumentType { name, public_id, system_id },
            Some(NodeType::Element) => NodeKind::Element {
                tag_name: tag_name.ok_or_else(|| de::Error::missing_field("tagName"))?,
                attributes,
                is_svg,
                need_block,
                is_custom,
            },
            Some(NodeType::Text) => NodeKind::Text { text_content: text_content.unwrap_or_default(), is_style },
            Some(NodeType::CData) => NodeKind::CData,
            Some(NodeType::Comment) => NodeKind::Comment { text_content: text_content.unwrap_or_default() },
            None => NodeKind::Unknown { node_type },
        };
        let slot = &mut self.arena[index];
        slot.id = id;
        slot.kind = kind;
        slot.root_id = root_id;
        slot.is_shadow_host = is_shadow_host;
        slot.is_shadow = is_shadow;
        Ok(())
    }
}

struct ChildrenSeed<'a> {
    arena: &'a mut Vec<SerializedNode>,
    parent: usize,
    depth: usize,
    textless: bool,
}

impl<'de> DeserializeSeed<'de> for ChildrenSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChildrenSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rrweb serialized nodes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(NodeSeed {
                arena: self.arena,
                parent: Some(self.parent),
                depth: self.depth,
                textless: self.textless,
            })?
            .is_some()
        {}
        Ok(())
    }
    // `null` childNodes appear in some exports; treat as no children.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A map key that borrows from the input when it can (no allocation on the hot path).
pub(crate) struct KeyStr<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyStr(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyStr(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyStr(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// An rrweb attribute map (`{name: value}`) read in order into pairs.
pub(crate) struct AttrMap(pub(crate) Vec<(String, AttrValue)>);

impl<'de> Deserialize<'de> for AttrMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrMap, A::Error> {
                // Not pre-sized: serde_json gives no size hint, and read lean most elements
                // keep no attribute at all.
                let mut out = Vec::new();
                let lean = lean::current();
                while let Some(KeyStr(k)) = map.next_key()? {
                    if lean.is_none_or(|lean| (lean.keep_attribute)(&k)) {
                        out.push((k.into_owned(), map.next_value::<AttrValue>()?));
                    } else {
                        map.next_value::<SkippedAttr>()?;
                    }
                }
                Ok(AttrMap(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AttrMap, E> {
                Ok(AttrMap(Vec::new()))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute value (string, number, boolean, null or style object)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttrValue, E> {
                Ok(AttrValue::Str(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValue, E> {
                Ok(AttrValue::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValue, E> {
                Ok(AttrValue::Num(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValue, E> {
                Ok(AttrValue::Num(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AttrValue, E> {
                Ok(AttrValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<AttrValue, E> {
                Ok(AttrValue::Null)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrValue, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, StyleValue>()? {
                    out.push((k, v));
                }
                Ok(AttrValue::Style(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for StyleValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StyleValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a style value: string, [value, priority] or false")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StyleValue, E> {
                Ok(StyleValue::Set { value: v.to_owned(), priority: None })
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<StyleValue, E> {
                Ok(StyleValue::Remove)
            }
            fn visit_unit<E: de::Error>(self) -> Result<StyleValue, E> {
                Ok(StyleValue::Remove)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StyleValue, A::Error> {
                let value: String = seq.next_element()?.unwrap_or_default();
                let priority: Option<String> = seq.next_element()?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StyleValue::Set { value, priority })
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<NodeTree, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        de.disable_recursion_limit();
        NodeTree::deserialize(&mut de)
    }

    #[test]
    fn flattens_in_pre_order_with_parents() {
        let tree = parse(
            r#"{"type":0,"childNodes":[{"type":1,"name":"html","publicId":"","systemId":"","id":2},
            {"type":2,"tagName":"html","attributes":{"lang":"en"},"childNodes":[
              {"type":2,"tagName":"body","attributes":{"hidden":true,"tabindex":3},"childNodes":[
                {"type":3,"textContent":"hi","id":5}],"id":4}],"id":3}],"id":1}"#,
        )
        .unwrap();
        let ids: Vec<i64> = tree.nodes.iter().map(|n| n.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        let parents: Vec<Option<usize>> = tree.nodes.iter().map(|n| n.parent).collect();
        assert_eq!(parents, [None, Some(0), Some(0), Some(2), Some(3)]);
        match &tree.nodes[3].kind {
            NodeKind::Element { tag_name, attributes, .. } => {
                assert_eq!(tag_name, "body");
                assert_eq!(attributes[0], ("hidden".into(), AttrValue::Bool(true)));
                assert_eq!(attributes[1], ("tabindex".into(), AttrValue::Num(3.0)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_node_types_and_fields_are_kept_or_skipped() {
        let tree = parse(r#"{"type":9,"id":7,"extra":{"deep":[1,2,{"x":null}]}}"#).unwrap();
        assert_eq!(tree.nodes[0].kind, NodeKind::Unknown { node_type: 9 });
    }

    /// `levels` nested divs, the innermost with empty `childNodes`, parsed on a thread with a
    /// generous stack (the point is the decoder's answer, not the test runner's stack): the
    /// node count, or the error.
    fn parse_nested_divs(levels: usize) -> Result<usize, String> {
        let mut json = String::new();
        for i in 0..levels {
            json.push_str(&format!(r#"{{"type":2,"tagName":"div","attributes":{{}},"id":{i},"childNodes":["#));
        }
        json.push_str(&"]}".repeat(levels));
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || parse(&json).map(|t| t.nodes.len()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn depth_limit_is_an_error_not_a_stack_overflow() {
        let err = parse_nested_divs(MAX_NODE_DEPTH + 5).unwrap_err();
        assert!(err.contains("deeper than 512"), "{err}");
        assert!(parse_nested_divs(MAX_NODE_DEPTH + 1).is_err());
    }

    #[test]
    fn a_tree_exactly_max_node_depth_levels_deep_is_accepted() {
        // the last level an element with empty childNodes, as the recorder's placeholders are
        assert_eq!(parse_nested_divs(MAX_NODE_DEPTH), Ok(MAX_NODE_DEPTH));
    }

    #[test]
    fn style_diffs_parse() {
        let v: AttrValue = serde_json::from_str(r#"{"color":"red","margin":["0","important"],"top":false}"#).unwrap();
        assert_eq!(
            v,
            AttrValue::Style(vec![
                ("color".into(), StyleValue::Set { value: "red".into(), priority: None }),
                ("margin".into(), StyleValue::Set { value: "0".into(), priority: Some("important".into()) }),
                ("top".into(), StyleValue::Remove),
            ])
        );
    }
}
