//! Rendering state outside the node tree: the selection (rrweb IncrementalSource Selection, 14)
//! and fonts loaded through the FontFace API (Font, 10), as rrweb 2.1.1's Replayer applies them
//! (`applySelection`; the `IncrementalSource.Font` case of `applyIncremental`).
//!
//! Both are state since the last FullSnapshot: a snapshot rebuilds the document, which drops
//! the selection (its nodes are gone), and a seek in rrweb's Replayer replays only the events
//! after the last FullSnapshot before the target, so neither survives one there either.

use super::{Change, NodeData, VDom, NONE};
use crate::model::{FontData, SelectionData};
use std::fmt::Write;
use std::sync::Arc;

/// One selected range: DOM `Range` endpoints as (node slot, offset). Offsets are the DOM's:
/// UTF-16 code units in text, comment and CDATA nodes, child positions in other nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelRange {
    pub start: u32,
    pub start_offset: u32,
    pub end: u32,
    pub end_offset: u32,
}

/// Where a font's data comes from (the FontFace constructor's second argument).
#[derive(Clone, Debug, PartialEq)]
pub enum FontSource {
    /// A CSS `src` value (`url(...) format(...)`), fetched by the browser.
    Css(String),
    /// The font file's bytes (rrweb `buffer: true`: `fontSource` is a JSON array of bytes).
    Bytes(Arc<[u8]>),
}

/// A font the page added with `document.fonts.add(new FontFace(...))`.
#[derive(Clone, Debug, PartialEq)]
pub struct Font {
    pub family: String,
    pub source: FontSource,
    /// The FontFace descriptors (`{style, weight, …}`) as JSON object text, if recorded.
    pub descriptors: Option<String>,
}

/// The state besides the tree; part of every checkpoint.
#[derive(Clone, Debug, Default)]
pub(super) struct Extras {
    /// Counter for canvas bitmap generations ([`super::CanvasLog::gen`]).
    pub(super) gen: u32,
    /// Document slot → the ranges of its selection, in the order rrweb added them.
    selections: Vec<(u32, Vec<SelRange>)>,
    fonts: Vec<Font>,
}

impl Extras {
    /// A FullSnapshot: no selection, no fonts (the generation counter keeps counting, so a
    /// canvas of the new page is never mistaken for one of the old).
    pub(super) fn on_snapshot(&mut self) {
        self.selections.clear();
        self.fonts.clear();
    }

    /// Slot `slot` was freed: ranges touching it go (its DOM node is gone).
    pub(super) fn on_free(&mut self, slot: u32) {
        if self.selections.is_empty() {
            return;
        }
        self.selections.retain(|(doc, _)| *doc != slot);
        for (_, ranges) in &mut self.selections {
            ranges.retain(|r| r.start != slot && r.end != slot);
        }
    }
}

impl VDom {
    /// Every document with a selection: (document slot, its ranges).
    pub fn selections(&self) -> impl Iterator<Item = (u32, &[SelRange])> {
        self.extras.selections.iter().map(|(d, r)| (*d, r.as_slice()))
    }

    /// The ranges selected in document `doc` (empty: none).
    pub fn selection(&self, doc: u32) -> &[SelRange] {
        self.extras.selections.iter().find(|(d, _)| *d == doc).map_or(&[], |(_, r)| r.as_slice())
    }

    /// The fonts added since the last FullSnapshot, in order.
    pub fn fonts(&self) -> &[Font] {
        &self.extras.fonts
    }

    /// Selection (14), as rrweb's `applySelection`: each range whose two nodes the mirror has
    /// becomes a DOM `Range`; every document that gets one has its selection replaced by its
    /// new ranges (so an event whose nodes are all unknown changes nothing, and one with no
    /// ranges neither). An endpoint the DOM refuses (an offset past the node's length, a
    /// doctype) throws inside rrweb's `try`, before anything is cleared: the whole event is
    /// skipped, and counted as refused. A range starting at a document has no owner document to
    /// select in: skipped.
    pub(super) fn apply_selection(&mut self, d: &SelectionData) -> usize {
        let mut resolved: Vec<(u32, SelRange)> = Vec::new();
        for r in &d.ranges {
            let (Some(start), Some(end)) = (self.slot_of(r.start), self.slot_of(r.end)) else { continue };
            let (Some(so), Some(eo)) = (self.range_offset(start, r.start_offset), self.range_offset(end, r.end_offset))
            else {
                self.warnings.refused += 1;
                return 1;
            };
            if matches!(self.nodes[start as usize].data, NodeData::Document { .. }) {
                continue;
            }
            // a detached node was created by (and selects in) the top document
            let doc = match self.owner_document(start) {
                NONE => self.document,
                d => d,
            };
            resolved.push((doc, SelRange { start, start_offset: so, end, end_offset: eo }));
        }
        let mut docs: Vec<u32> = resolved.iter().map(|(d, _)| *d).collect();
        docs.sort_unstable();
        docs.dedup();
        for doc in docs {
            let ranges: Vec<SelRange> = resolved.iter().filter(|(d, _)| *d == doc).map(|(_, r)| *r).collect();
            match self.extras.selections.iter_mut().find(|(d, _)| *d == doc) {
                Some((_, old)) => *old = ranges,
                None => self.extras.selections.push((doc, ranges)),
            }
            self.push_change(Change::Selection(doc));
        }
        d.ranges.len().max(1)
    }

    /// `offset` as a `Range` boundary in node `slot`, or `None` where `setStart` throws.
    fn range_offset(&self, slot: u32, offset: i64) -> Option<u32> {
        let offset = u32::try_from(offset).ok()?;
        let len = match &self.nodes[slot as usize].data {
            NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) => t.encode_utf16().count(),
            NodeData::Doctype { .. } | NodeData::Free => return None,
            NodeData::Element(_) | NodeData::Document { .. } | NodeData::ShadowRoot => self.children(slot).count(),
        };
        (offset as usize <= len).then_some(offset)
    }

    /// Font (10), as rrweb's Replayer: `new FontFace(family, buffer ? new Uint8Array(
    /// JSON.parse(fontSource)) : fontSource, descriptors)` added to the top document's fonts.
    /// A `fontSource` that is not a JSON array (with `buffer`) makes rrweb's constructor throw:
    /// counted as refused. (A CSS source the browser cannot use fails when it loads, which the
    /// edge sees, not here.)
    pub(super) fn apply_font(&mut self, d: &FontData) -> usize {
        let source = if d.buffer {
            match serde_json::from_str::<Vec<f64>>(&d.font_source) {
                // Uint8Array's ToUint8: truncate, then modulo 256 (NaN and infinities: 0).
                Ok(v) => FontSource::Bytes(
                    v.iter()
                        .map(|x| if x.is_finite() { (x.trunc() as i64).rem_euclid(256) as u8 } else { 0 })
                        .collect(),
                ),
                Err(_) => {
                    self.warnings.refused += 1;
                    return 1;
                }
            }
        } else {
            FontSource::Css(d.font_source.clone())
        };
        let descriptors = d.descriptors.as_ref().map(|r| r.get().to_string()).filter(|s| s != "null");
        self.extras.fonts.push(Font { family: d.family.clone(), source, descriptors });
        self.push_change(Change::Font);
        1
    }

    /// The selections and fonts as `dump()` lines.
    pub(super) fn dump_extras(&self, out: &mut String) {
        for (doc, ranges) in &self.extras.selections {
            let _ = write!(out, "#selection {}:", self.path(*doc));
            for r in ranges {
                let id = |s: u32| self.nodes[s as usize].id;
                let _ = write!(out, " [{}:{} {}:{}]", id(r.start), r.start_offset, id(r.end), r.end_offset);
            }
            out.push('\n');
        }
        for f in &self.extras.fonts {
            let src = match &f.source {
                FontSource::Css(s) => format!("{s:?}"),
                FontSource::Bytes(b) => format!("{} bytes", b.len()),
            };
            let _ = writeln!(out, "#font {:?} {src} {:?}", f.family, f.descriptors);
        }
    }
}
