//! Lean reading of node trees, for a consumer that keeps only part of each node (the
//! analyzer's DOM tracker keeps a few naming attributes and no script or style text).
//!
//! Inside [`read_lean`], attribute values the consumer would drop, and the text of nodes
//! directly under elements whose text it would drop, are read and checked exactly as always
//! (same accepted shapes, same errors) but not copied into the model: their entries are
//! left out of [`super::SerializedNode`]'s attributes and their text is empty. Everything
//! else is read in full. The choice is per thread (serde's derived readers cannot carry it
//! down to the node trees inside Mutation adds), and undone when `read_lean` returns.

use super::node::{SerializedNode, StyleValue};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::cell::{Cell, RefCell};
use std::fmt;

/// What a lean reader keeps: attributes by name, and the text of nodes by their parent's tag
/// name (as recorded; rrweb lower-cases HTML tags).
#[derive(Clone, Copy)]
pub(crate) struct Lean {
    pub(crate) keep_attribute: fn(&str) -> bool,
    pub(crate) keep_text_under: fn(&str) -> bool,
}

thread_local! {
    static LEAN: Cell<Option<Lean>> = const { Cell::new(None) };
    /// The emptied node list of a tree the lean reader's consumer has taken apart
    /// ([`recycle_arena`]), reused by the next tree read: a FullSnapshot's list is grown once
    /// per recording instead of once per snapshot.
    static SPARE: RefCell<Vec<SerializedNode>> = const { RefCell::new(Vec::new()) };
}

/// Largest node list kept for reuse, in nodes (about 8 MiB): larger trees are read into
/// lists of their own, so a hostile snapshot's list is never held past its tree.
pub(crate) const MAX_SPARE_NODES: usize = 1 << 16;

/// Runs `read` with node trees read lean as `lean` says (see the module docs).
pub(crate) fn read_lean<R>(lean: Lean, read: impl FnOnce() -> R) -> R {
    struct Restore(Option<Lean>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LEAN.with(|l| l.set(self.0));
            if self.0.is_none() {
                SPARE.with(|s| drop(s.take()));
            }
        }
    }
    let _restore = Restore(LEAN.with(|l| l.replace(Some(lean))));
    read()
}

/// The lean reader in force on this thread, if any.
pub(super) fn current() -> Option<Lean> {
    LEAN.with(Cell::get)
}

/// An empty node list for the next tree: the spare one inside [`read_lean`], else a new one.
pub(super) fn spare_arena() -> Vec<SerializedNode> {
    if current().is_none() {
        return Vec::new();
    }
    SPARE.with(|s| s.take())
}

/// Hands back the node list of a tree its consumer has taken apart, for the next tree read
/// inside [`read_lean`] (outside, or past [`MAX_SPARE_NODES`], it is freed). The larger of it
/// and the list kept so far is kept.
pub(crate) fn recycle_arena(mut nodes: Vec<SerializedNode>) {
    if current().is_none() || nodes.capacity() > MAX_SPARE_NODES {
        return;
    }
    nodes.clear();
    SPARE.with(|s| {
        let mut spare = s.borrow_mut();
        if nodes.capacity() > spare.capacity() {
            *spare = nodes;
        }
    });
}

/// An attribute value read and dropped: accepts exactly what [`super::AttrValue`] accepts,
/// without copying strings.
pub(super) struct SkippedAttr;

impl<'de> Deserialize<'de> for SkippedAttr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SkippedAttr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute value (string, number, boolean, null or style object)")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_unit<E: de::Error>(self) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            fn visit_none<E: de::Error>(self) -> Result<SkippedAttr, E> {
                Ok(SkippedAttr)
            }
            // Style diffs (Mutations only) are rare: read as always, then dropped.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SkippedAttr, A::Error> {
                while map.next_entry::<String, StyleValue>()?.is_some() {}
                Ok(SkippedAttr)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A `textContent` read and dropped: accepts what `Option<String>` accepts (a string or
/// `null`), without copying it.
pub(super) struct SkippedText;

impl<'de> Deserialize<'de> for SkippedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SkippedText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<SkippedText, E> {
                Ok(SkippedText)
            }
        }
        deserializer.deserialize_str(V)
    }
}
