//! Style sheets changed through the CSSOM: rrweb IncrementalSource StyleSheetRule (8),
//! StyleDeclaration (13) and AdoptedStyleSheet (15), as rrweb 2.1.1's Replayer applies them
//! (`applyStyleSheetMutation` → `applyStyleSheetRule` / `applyStyleDeclaration`, and
//! `applyAdoptedStyleSheet` with its `StyleSheetMirror` of constructed sheets).
//!
//! The virtual DOM does not parse CSS. Like rrweb's own virtual DOM (rrdom keeps the rule
//! events of a `<style>` and replays them on the real sheet after a diff), each sheet is a log
//! of CSSOM operations ([`SheetOp`]) applied, in order, on top of what the browser builds from
//! the sheet's source: a `<style>`'s text, or nothing for a constructed sheet. The browser
//! edge replays the log on the real sheet, so whatever the browser accepts, normalises or
//! refuses (a bad rule, an index past the end) is exactly what rrweb's Replayer gets in the
//! same browser; refusals are counted there.
//!
//! What the virtual DOM must know is when a log stops applying, because the browser threw the
//! sheet away: a `<style>`'s sheet is re-parsed from its text when its children change (a text
//! added, removed or edited: rrweb's Mutation texts, adds and removes) and dropped when the
//! element leaves the document; a constructed sheet is replaced when an AdoptedStyleSheet event
//! brings a sheet with the same `styleId`; a FullSnapshot forgets every sheet (rrweb resets its
//! style mirror). Each log therefore carries a generation, new whenever its sheet is new, so a
//! [`Change`] about an older sheet is recognisably stale.

use super::{Change, NodeData, VDom, NONE};
use crate::model::{AdoptedStyleSheetData, RuleIndex, StyleDeclarationData, StyleSheetRuleData};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One CSSOM call on a sheet. Index paths are rrweb's: `[i]` is rule `i` of the sheet,
/// `[i, j]` rule `j` of grouping rule `i`'s `cssRules`, and so on.
#[derive(Clone, Debug, PartialEq)]
pub enum SheetOp {
    /// `insertRule(rule, index)` on the sheet or, with a path, on a grouping rule ([`InsertAt`]).
    Insert { rule: String, at: InsertAt },
    /// `deleteRule(index)` on the sheet, or on the grouping rule at `path[..n-1]`.
    Delete { path: Vec<i64> },
    /// `replaceSync(text)` (rrweb's `replace` too: the promise only matters for `@import`s,
    /// which constructed sheets ignore either way).
    Replace(String),
    /// `style.setProperty(property, value, priority)` on the rule at `path`.
    SetProperty { path: Vec<i64>, property: String, value: String, priority: String },
    /// `style.removeProperty(property)` on the rule at `path`.
    RemoveProperty { path: Vec<i64>, property: String },
}

/// Where an inserted rule goes.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertAt {
    /// rrweb's plain index: `min(index, cssRules.length)`.
    Clamped(i64),
    /// No index in the event: `insertRule(rule, undefined)`, i.e. position 0.
    Front,
    /// A nested index: the grouping rule at `path[..n-1]`, position `path[n-1]`.
    Path(Vec<i64>),
}

/// The operations applied to one sheet since the browser (re)built it.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetLog {
    /// Distinguishes this sheet from earlier ones of the same element or `styleId`.
    pub gen: u32,
    /// For constructed sheets: the slot of the document whose window constructs it (rrweb
    /// creates it in the target's window, and only same-window documents can adopt it).
    pub realm: u32,
    pub ops: Vec<SheetOp>,
}

/// A constructed sheet's key: rrweb's `styleId` and the generation of the sheet holding it.
pub type SheetKey = (i64, u32);

/// Every sheet the CSSOM events changed, and the sheets documents and shadow roots adopted.
#[derive(Clone, Debug, Default)]
pub struct Sheets {
    /// `<style>` / `<link>` element slot → its sheet's log (only connected elements).
    elements: FxHashMap<u32, SheetLog>,
    /// Constructed sheets (rrweb's style mirror), including replaced ones still adopted.
    constructed: BTreeMap<SheetKey, SheetLog>,
    /// `styleId` → the generation it names now.
    current: FxHashMap<i64, u32>,
    /// Document or shadow-root slot → the sheets it adopted, in order.
    adopted: FxHashMap<u32, Vec<SheetKey>>,
    next_gen: u32,
}

impl Sheets {
    /// The log of the sheet of element `slot`, if its sheet was changed through the CSSOM.
    pub fn element(&self, slot: u32) -> Option<&SheetLog> {
        self.elements.get(&slot)
    }

    /// Every changed element sheet: (element slot, log), in slot order.
    pub fn elements(&self) -> Vec<(u32, &SheetLog)> {
        let mut v: Vec<_> = self.elements.iter().map(|(&s, l)| (s, l)).collect();
        v.sort_by_key(|&(s, _)| s);
        v
    }

    /// A constructed sheet.
    pub fn constructed(&self, key: SheetKey) -> Option<&SheetLog> {
        self.constructed.get(&key)
    }

    /// Every constructed sheet, by key.
    pub fn all_constructed(&self) -> impl Iterator<Item = (SheetKey, &SheetLog)> {
        self.constructed.iter().map(|(&k, l)| (k, l))
    }

    /// The sheets document or shadow root `slot` adopted.
    pub fn adopted(&self, slot: u32) -> Option<&[SheetKey]> {
        self.adopted.get(&slot).map(Vec::as_slice)
    }

    /// Every adoption: (document or shadow-root slot, sheets), in slot order.
    pub fn all_adopted(&self) -> Vec<(u32, &[SheetKey])> {
        let mut v: Vec<_> = self.adopted.iter().map(|(&s, l)| (s, l.as_slice())).collect();
        v.sort_by_key(|&(s, _)| s);
        v
    }

    /// Nothing recorded: the hooks on every insert and remove return at once.
    fn is_empty(&self) -> bool {
        self.elements.is_empty() && self.adopted.is_empty()
    }

    fn gen(&mut self) -> u32 {
        self.next_gen = self.next_gen.wrapping_add(1);
        self.next_gen
    }

    /// Rough size for checkpoint costs: one unit per op.
    pub(super) fn size(&self) -> usize {
        self.elements.values().chain(self.constructed.values()).map(|l| l.ops.len()).sum()
    }
}

/// Which sheet an event names.
enum Target {
    Element(u32),
    Constructed(SheetKey),
}

impl VDom {
    /// The CSSOM state: changed sheets and adoptions.
    pub fn sheets(&self) -> &Sheets {
        &self.sheets
    }

    /// rrweb's lookup: a `styleId` names a constructed sheet, else `id` a `<style>`/`<link>`
    /// element whose sheet exists (the element is in the document). rrweb returns silently
    /// when there is none; counted in [`super::Warnings::sheets`].
    fn sheet_target(&mut self, id: Option<i64>, style_id: Option<i64>) -> Option<Target> {
        if let Some(sid) = style_id.filter(|&s| s != 0) {
            let found = self.sheets.current.get(&sid).map(|&g| Target::Constructed((sid, g)));
            if found.is_none() {
                self.warnings.sheets += 1;
            }
            return found;
        }
        let slot = id.filter(|&i| i != 0).and_then(|i| self.slot_of(i));
        let ok = slot.filter(|&s| {
            self.element(s).is_some_and(|e| e.tag == "style" || e.is_html("link")) && self.is_connected(s)
        });
        if ok.is_none() {
            self.warnings.sheets += 1;
        }
        ok.map(Target::Element)
    }

    /// Appends `ops` to the target's log and records the change for the edge.
    fn push_ops(&mut self, target: Target, ops: Vec<SheetOp>) -> usize {
        let n = ops.len();
        if n == 0 {
            return 0;
        }
        match target {
            Target::Element(slot) => {
                if !self.sheets.elements.contains_key(&slot) {
                    let gen = self.sheets.gen();
                    self.sheets.elements.insert(slot, SheetLog { gen, realm: NONE, ops: Vec::new() });
                }
                let log = self.sheets.elements.get_mut(&slot).expect("inserted above");
                let from = log.ops.len();
                log.ops.extend(ops);
                let change = Change::SheetOps { slot, gen: log.gen, from, to: log.ops.len() };
                self.push_change(change);
            }
            Target::Constructed(key) => {
                let Some(log) = self.sheets.constructed.get_mut(&key) else { return 0 };
                let from = log.ops.len();
                log.ops.extend(ops);
                let change = Change::StyleOps { key, from, to: log.ops.len() };
                self.push_change(change);
            }
        }
        n
    }

    /// StyleSheetRule (8): adds, then removes, then `replace`, then `replaceSync`, as rrweb's
    /// `applyStyleSheetRule`. `replace`/`replaceSync` on an element's sheet throw in the
    /// browser (only constructed sheets have them): skipped and counted.
    pub(super) fn apply_style_sheet_rule(&mut self, d: &StyleSheetRuleData) -> usize {
        let Some(target) = self.sheet_target(d.id, d.style_id) else { return 1 };
        let mut ops = Vec::new();
        for a in d.adds.iter().flatten() {
            let at = match &a.index {
                None => InsertAt::Front,
                Some(RuleIndex::At(i)) => InsertAt::Clamped(*i),
                Some(RuleIndex::Path(p)) => InsertAt::Path(p.clone()),
            };
            ops.push(SheetOp::Insert { rule: a.rule.clone(), at });
        }
        for r in d.removes.iter().flatten() {
            let path = match &r.index {
                RuleIndex::At(i) => vec![*i],
                RuleIndex::Path(p) => p.clone(),
            };
            ops.push(SheetOp::Delete { path });
        }
        for text in [&d.replace, &d.replace_sync].into_iter().flatten() {
            if matches!(target, Target::Element(_)) {
                self.warnings.sheets += 1;
            } else {
                ops.push(SheetOp::Replace(text.clone()));
            }
        }
        self.push_ops(target, ops).max(1)
    }

    /// StyleDeclaration (13): `set`, then `remove`, on the rule at `index`, as rrweb's
    /// `applyStyleDeclaration`.
    pub(super) fn apply_style_declaration(&mut self, d: &StyleDeclarationData) -> usize {
        let Some(target) = self.sheet_target(d.id, d.style_id) else { return 1 };
        let mut ops = Vec::new();
        if let Some(s) = &d.set {
            ops.push(SheetOp::SetProperty {
                path: d.index.clone(),
                property: s.property.clone(),
                value: s.value.clone().unwrap_or_default(),
                priority: s.priority.clone().unwrap_or_default(),
            });
        }
        if let Some(r) = &d.remove {
            ops.push(SheetOp::RemoveProperty { path: d.index.clone(), property: r.property.clone() });
        }
        self.push_ops(target, ops).max(1)
    }

    /// AdoptedStyleSheet (15), as rrweb's `applyAdoptedStyleSheet`: the target `id` is a
    /// document or a shadow host (else nothing happens); each of `styles` becomes a new
    /// constructed sheet under its `styleId` (its rules inserted at their indices), then the
    /// target's adopted list becomes the sheets `styleIds` name now. rrweb retries a few times
    /// over ~4.5 s when a `styleId` is unknown; here it is left out at once and counted.
    pub(super) fn apply_adopted_style_sheet(&mut self, d: &AdoptedStyleSheetData) -> usize {
        let Some(target) = self.slot_of(d.id) else {
            self.warnings.sheets += 1;
            return 1;
        };
        let root = match &self.nodes[target as usize].data {
            NodeData::Document { .. } => target,
            NodeData::Element(e) => e.shadow_root,
            _ => NONE,
        };
        if root == NONE {
            self.warnings.sheets += 1;
            return 1;
        }
        let realm = self.owner_document(target);
        let mut cost = 1;
        for style in d.styles.iter().flatten() {
            let gen = self.sheets.gen();
            let key = (style.style_id, gen);
            let ops: Vec<SheetOp> = style
                .rules
                .iter()
                .map(|a| SheetOp::Insert {
                    rule: a.rule.clone(),
                    at: match &a.index {
                        None => InsertAt::Front,
                        Some(RuleIndex::At(i)) => InsertAt::Clamped(*i),
                        Some(RuleIndex::Path(p)) => InsertAt::Path(p.clone()),
                    },
                })
                .collect();
            cost += ops.len();
            let to = ops.len();
            self.sheets.constructed.insert(key, SheetLog { gen, realm, ops });
            if let Some(old) = self.sheets.current.insert(style.style_id, gen) {
                self.drop_if_unadopted((style.style_id, old));
            }
            self.push_change(Change::StyleOps { key, from: 0, to });
        }
        let mut list = Vec::with_capacity(d.style_ids.len());
        for sid in &d.style_ids {
            match self.sheets.current.get(sid) {
                Some(&g) => list.push((*sid, g)),
                None => self.warnings.sheets += 1,
            }
        }
        let old = self.sheets.adopted.insert(root, list).unwrap_or_default();
        for key in old {
            self.drop_if_unadopted(key);
        }
        self.push_change(Change::Adopt(root));
        cost
    }

    /// Forgets a replaced constructed sheet once nothing adopts it (nothing can reach it).
    fn drop_if_unadopted(&mut self, key: SheetKey) {
        if self.sheets.current.get(&key.0) == Some(&key.1) {
            return;
        }
        if !self.sheets.adopted.values().any(|l| l.contains(&key)) {
            self.sheets.constructed.remove(&key);
        }
    }

    /// The document `slot` belongs to (itself for a document), or [`NONE`].
    pub(super) fn owner_document(&self, slot: u32) -> u32 {
        let mut s = slot;
        while s != NONE {
            if matches!(self.nodes[s as usize].data, NodeData::Document { .. }) {
                return s;
            }
            s = self.nodes[s as usize].parent;
        }
        NONE
    }

    /// In the top document (through shadow roots and iframe documents): where an element has
    /// a sheet.
    fn is_connected(&self, slot: u32) -> bool {
        let mut s = slot;
        loop {
            if s == self.document {
                return true;
            }
            let p = self.nodes[s as usize].parent;
            if p == NONE {
                return false;
            }
            s = p;
        }
    }

    // ---- hooks from the tree primitives: when the browser throws a sheet away ----

    /// `slot` is leaving `parent`: a sheet under it is dropped (its element leaves the
    /// document), and `parent`'s own sheet is re-parsed if it is a changed `<style>`.
    pub(super) fn sheets_on_detach(&mut self, slot: u32, parent: u32) {
        if self.sheets.is_empty() {
            return;
        }
        self.sheets.elements.remove(&parent);
        if self.sheets.elements.is_empty() {
            return;
        }
        // Few sheets are ever changed: test each against the subtree rather than walk it.
        let gone: Vec<u32> =
            self.sheets.elements.keys().copied().filter(|&e| self.is_host_including_ancestor(slot, e)).collect();
        for e in gone {
            self.sheets.elements.remove(&e);
        }
    }

    /// A child was inserted into `parent`, or `parent`'s text changed: a changed `<style>`
    /// re-parses its text.
    pub(super) fn sheets_on_child_change(&mut self, parent: u32) {
        if !self.sheets.elements.is_empty() {
            self.sheets.elements.remove(&parent);
        }
    }

    /// Slot `slot` is freed: forget what was keyed by it.
    pub(super) fn sheets_on_free(&mut self, slot: u32) {
        if self.sheets.is_empty() {
            return;
        }
        self.sheets.elements.remove(&slot);
        if let Some(list) = self.sheets.adopted.remove(&slot) {
            for key in list {
                self.drop_if_unadopted(key);
            }
        }
    }

    /// The sheet lines of [`VDom::dump`] for node `slot` (appended to its line).
    pub(super) fn dump_sheets_of(&self, slot: u32, out: &mut String) {
        if let Some(log) = self.sheets.elements.get(&slot) {
            let _ = write!(out, " sheet={:?}", log.ops);
        }
        if let Some(list) = self.sheets.adopted.get(&slot) {
            let _ = write!(out, " adopted={list:?}");
        }
    }

    /// The constructed sheets for [`VDom::dump`].
    pub(super) fn dump_constructed(&self, out: &mut String) {
        for ((id, gen), log) in &self.sheets.constructed {
            let current = self.sheets.current.get(id) == Some(gen);
            let _ = writeln!(out, "@sheet {id}#{gen}{} {:?}", if current { "" } else { " (replaced)" }, log.ops);
        }
    }
}
