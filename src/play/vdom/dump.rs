//! Text forms of the virtual DOM for tests and diagnostics: [`VDom::dump`] (the page as
//! indented lines) and [`VDom::mirror_dump`] (the id → position map).

use super::{NodeData, VDom, NONE, NO_ID};
use std::fmt::Write;

impl VDom {
    /// The tree under the top document as indented lines: `<tag a="v">` (attributes sorted),
    /// `#text "…"`, `#comment`, `#document`, `#shadow-root`, with `.value`/`.checked`/`scroll`.
    /// Two virtual DOMs with equal dumps show the same page.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        if self.document == NONE {
            return out;
        }
        // (slot, depth, is_shadow_root_entry)
        let mut stack = vec![(self.document, 0usize)];
        while let Some((slot, depth)) = stack.pop() {
            let n = &self.nodes[slot as usize];
            for _ in 0..depth {
                out.push_str("  ");
            }
            let id = if n.id == NO_ID { "-".to_string() } else { n.id.to_string() };
            match &n.data {
                NodeData::Document { compat_mode } => {
                    let _ = write!(out, "#document[{id}] {compat_mode:?}");
                }
                NodeData::Doctype { name, public_id, system_id } => {
                    let _ = write!(out, "<!DOCTYPE {name} {public_id:?} {system_id:?}>[{id}]");
                }
                NodeData::Element(e) => {
                    let _ = write!(out, "<{}{}", if e.svg { "svg:" } else { "" }, e.tag);
                    let mut attrs: Vec<_> = e.attrs.iter().collect();
                    attrs.sort();
                    for (k, v) in attrs {
                        let _ = write!(out, " {k}={v:?}");
                    }
                    let _ = write!(out, ">[{id}]");
                    if let Some(v) = &e.value {
                        let _ = write!(out, " .value={v:?}");
                    }
                    if let Some(c) = e.checked {
                        let _ = write!(out, " .checked={c}");
                    }
                    if e.blocked {
                        out.push_str(" blocked");
                    }
                    if let Some(m) = &e.media {
                        let _ = write!(out, " media={m:?}");
                    }
                    if let Some(c) = &e.canvas {
                        let _ = write!(
                            out,
                            " canvas(base={} context={:?} calls={}..{} dropped={})",
                            c.base.is_some(),
                            c.context,
                            c.first,
                            c.end(),
                            c.dropped
                        );
                    }
                }
                NodeData::ShadowRoot => out.push_str("#shadow-root"),
                NodeData::Text(t) => {
                    let _ = write!(out, "#text[{id}] {t:?}");
                }
                NodeData::CData(t) => {
                    let _ = write!(out, "#cdata[{id}] {t:?}");
                }
                NodeData::Comment(t) => {
                    let _ = write!(out, "#comment[{id}] {t:?}");
                }
                NodeData::Free => out.push_str("#free"),
            }
            if let Some((x, y)) = n.scroll {
                let _ = write!(out, " scroll=({x},{y})");
            }
            self.dump_sheets_of(slot, &mut out);
            out.push('\n');
            let before = stack.len();
            if let NodeData::Element(e) = &n.data {
                if e.shadow_root != NONE {
                    stack.push((e.shadow_root, depth + 1));
                }
            }
            for c in self.children(slot) {
                stack.push((c, depth + 1));
            }
            // Pushed in order; pop in order: reverse what was pushed.
            stack[before..].reverse();
        }
        self.dump_constructed(&mut out);
        self.dump_extras(&mut out);
        self.dump_hover(&mut out);
        out
    }

    /// The mirror as sorted `id → path` lines, where the path is the node's position from its
    /// root (`d` for detached roots): equal for two virtual DOMs that map ids the same way.
    pub fn mirror_dump(&self) -> Vec<(i64, String)> {
        let mut out: Vec<(i64, String)> = self.mirror.iter().map(|(&id, &slot)| (id, self.path(slot))).collect();
        out.sort();
        out
    }

    /// The child-index path from the root of `slot`'s tree, e.g. `/1/0/3`; `#` marks a shadow
    /// root; detached trees start with `d` and their root's id.
    pub(super) fn path(&self, slot: u32) -> String {
        let mut parts = Vec::new();
        let mut s = slot;
        loop {
            let n = &self.nodes[s as usize];
            if n.parent == NONE {
                if s != self.document {
                    parts.push(format!("d{}", n.id));
                }
                break;
            }
            if matches!(n.data, NodeData::ShadowRoot) {
                parts.push("#".to_string());
            } else {
                let i = self.children(n.parent).position(|c| c == s).unwrap_or(usize::MAX);
                parts.push(i.to_string());
            }
            s = n.parent;
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    }
}
