//! What one Mutation did to the page, for route inference ([`super::routes`]) and click
//! outcomes ([`super::outcome`]): how many nodes it added and removed, whether the document's
//! `<title>` changed, and — only when a click is waiting for its outcome — the text that
//! appeared and the dialogs that opened. The text is read from the DOM tracker once the
//! Mutation is applied, so it is exactly what the recording carries (masked text stays masked).

use super::control::{element_of, parent_element};
use super::describe::truncate_chars;
use super::dom::{DomTracker, NodeData};
use super::MAX_VALUE_CHARS;
use crate::model::{AttrValue, MutationData};
use rustc_hash::FxHashSet;

/// Ancestors searched for a live region, a dialog or a `hidden` attribute above changed text.
pub(crate) const MAX_REGION_ANCESTORS: usize = 16;
/// Bytes of text read from one changed element (before cutting to [`MAX_VALUE_CHARS`]).
const TEXT_READ_BYTES: usize = 512;

/// Where text appeared. A click outcome prefers the first text of an alert, live region or
/// dialog to the first text added anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextSource {
    /// Inside `role=alert` or `role=alertdialog`.
    Alert,
    /// Inside a live region: `aria-live` polite or assertive, `role=status` or `log`, `<output>`.
    Live,
    /// Inside a dialog: `<dialog>`, `role=dialog`, or `aria-modal=true`.
    Dialog,
    /// Anywhere else on the page.
    Added,
}

impl TextSource {
    /// The name used in `metadata.outcome.source`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TextSource::Alert => "alert",
            TextSource::Live => "live",
            TextSource::Dialog => "dialog",
            TextSource::Added => "added",
        }
    }
}

/// What one Mutation did.
#[derive(Debug, Default)]
pub(crate) struct MutationEffects {
    /// The Mutation changed anything at all (adds, removes, texts or attributes).
    pub(crate) changed: bool,
    /// Nodes in the added subtrees.
    pub(crate) added_nodes: usize,
    /// Tracked nodes in the removed subtrees, counted before their removal (0 unless counts
    /// were wanted or the title changed).
    pub(crate) removed_nodes: usize,
    /// The document title before and after, when it changed.
    pub(crate) title: Option<(String, String)>,
    /// Text that appeared, in Mutation order (only when asked for): added nodes' text, text of
    /// elements shown (`hidden` removed), and text edited inside a live region, alert or
    /// dialog. Text that was removed by the same Mutation and added back unchanged (a
    /// re-render) is not new and left out.
    pub(crate) texts: Vec<(TextSource, String)>,
    /// Dialogs that opened, with their text (only when asked for).
    pub(crate) dialogs: Vec<String>,
}

/// Applies `m` to `dom` and reports what it did. `want_text`: also collect the text that
/// appeared and the dialogs that opened (a click is waiting for its outcome). `want_counts`:
/// count the removed nodes even when the title does not change (a link click is waiting for
/// its route change). The title is read only when the Mutation touches it, so most Mutations
/// cost no more than applying them.
pub(crate) fn apply_mutation(
    dom: &mut DomTracker,
    m: MutationData,
    want_text: bool,
    want_counts: bool,
) -> MutationEffects {
    let title = dom.title_id();
    let touches_title = match title {
        // A first <title> may be added anywhere under <head>: look after every Mutation.
        None => true,
        Some(title) => {
            m.adds.iter().any(|a| a.parent_id == title)
                || m.removes.iter().any(|r| r.parent_id == title || r.id == title)
                || m.texts.iter().any(|t| dom.get(t.id).and_then(|n| n.parent) == Some(title))
        }
    };
    let mut fx = MutationEffects {
        changed: !(m.adds.is_empty() && m.removes.is_empty() && m.texts.is_empty() && m.attributes.is_empty()),
        added_nodes: m.adds.iter().map(|a| a.node.nodes.len()).sum(),
        removed_nodes: if want_counts || touches_title {
            m.removes.iter().map(|r| dom.subtree_len(r.id)).sum()
        } else {
            0
        },
        ..Default::default()
    };
    let title_before = if touches_title { dom.document_title() } else { String::new() };
    // Read before the Mutation is applied: which text went away, which text nodes really
    // change, which elements are being shown (`hidden` removed) or opened (`open` set).
    let mut removed_texts: FxHashSet<String> = FxHashSet::default();
    let mut added_ids: Vec<i64> = Vec::new();
    let mut changed_texts: Vec<i64> = Vec::new();
    let mut shown: Vec<i64> = Vec::new();
    if want_text {
        for r in &m.removes {
            let text = dom.text_of(r.id, TEXT_READ_BYTES);
            if !text.is_empty() {
                removed_texts.insert(text);
            }
        }
        added_ids = m.adds.iter().flat_map(|a| a.node.nodes.iter().map(|n| n.id)).collect();
        for text in &m.texts {
            let old = match dom.get(text.id).map(|n| &n.data) {
                Some(NodeData::Text(old)) => old,
                _ => continue,
            };
            if text.value.as_deref().unwrap_or("").split_whitespace().ne(old.split_whitespace()) {
                changed_texts.push(text.id);
            }
        }
        for change in &m.attributes {
            for (name, value) in &change.attributes {
                let was = dom.attr(change.id, name).is_some();
                let shows = match name.as_str() {
                    "hidden" => was && *value == AttrValue::Null,
                    "open" => !was && value.as_text().is_some(),
                    _ => false,
                };
                if shows {
                    shown.push(change.id);
                }
            }
        }
    }
    dom.apply_mutation(m);
    if touches_title {
        let title_after = dom.document_title();
        if title_after != title_before {
            fx.title = Some((title_before, title_after));
        }
    }
    if !want_text {
        return fx;
    }
    let added: FxHashSet<i64> = added_ids.iter().copied().collect();
    let mut seen: FxHashSet<i64> = FxHashSet::default();
    // Each added subtree once, by its root (rrweb lists every added node, children after
    // their parents).
    for &id in &added_ids {
        let Some(parent) = dom.get(id).map(|n| n.parent) else { continue };
        if parent.is_none_or(|p| !added.contains(&p)) {
            push_text(dom, id, &removed_texts, &mut seen, &mut fx.texts);
        }
        if is_dialog(dom, id) && is_open(dom, id) && !is_hidden(dom, id) {
            fx.dialogs.push(clean(&dom.text_of(id, TEXT_READ_BYTES)));
        }
    }
    // Text edited in place (a counter going from 2 to 3) is not text that appeared, unless it
    // is announced: live regions are often filled by editing their text.
    for id in changed_texts {
        let announced = element_of(dom, id).and_then(|e| region(dom, e)).is_some_and(|r| r != TextSource::Added);
        if announced {
            push_text(dom, id, &removed_texts, &mut seen, &mut fx.texts);
        }
    }
    for id in shown {
        if is_dialog(dom, id) && !is_hidden(dom, id) {
            fx.dialogs.push(clean(&dom.text_of(id, TEXT_READ_BYTES)));
        } else {
            push_text(dom, id, &removed_texts, &mut seen, &mut fx.texts);
        }
    }
    fx
}

/// Records the text of `node` (an element's whole subtree, or a text node's own text) as
/// appeared, unless it is empty, not shown, or a re-render of text the Mutation removed.
fn push_text(
    dom: &DomTracker,
    node: i64,
    removed: &FxHashSet<String>,
    seen: &mut FxHashSet<i64>,
    out: &mut Vec<(TextSource, String)>,
) {
    if !seen.insert(node) {
        return;
    }
    let Some(element) = element_of(dom, node) else { return };
    let Some(source) = region(dom, element) else { return };
    let text = dom.text_of(node, TEXT_READ_BYTES);
    if text.is_empty() || removed.contains(&text) {
        return;
    }
    out.push((source, clean(&text)));
}

/// Where text under `element` shows: the nearest live region or dialog around it, else
/// [`TextSource::Added`]; `None` when it is not shown (inside `<head>`, or under a `hidden`
/// element).
fn region(dom: &DomTracker, element: i64) -> Option<TextSource> {
    let mut found = None;
    let mut node = Some(element);
    for _ in 0..MAX_REGION_ANCESTORS {
        let Some(id) = node else { break };
        let tag = dom.tag(id).unwrap_or("");
        if matches!(tag, "head" | "title") || dom.attr(id, "hidden").is_some() {
            return None;
        }
        if found.is_none() {
            let role = dom.attr(id, "role").unwrap_or("");
            let live = dom.attr(id, "aria-live").is_some_and(|v| matches!(v.trim(), "polite" | "assertive"));
            found = if matches!(role, "alert" | "alertdialog") {
                Some(TextSource::Alert)
            } else if live || matches!(role, "status" | "log") || tag == "output" {
                Some(TextSource::Live)
            } else if is_dialog(dom, id) {
                Some(TextSource::Dialog)
            } else {
                None
            };
        }
        node = parent_element(dom, id);
    }
    Some(found.unwrap_or(TextSource::Added))
}

/// `<dialog>`, `role=dialog` or `alertdialog`, or `aria-modal=true`.
fn is_dialog(dom: &DomTracker, id: i64) -> bool {
    dom.tag(id) == Some("dialog")
        || matches!(dom.attr(id, "role"), Some("dialog" | "alertdialog"))
        || dom.attr(id, "aria-modal") == Some("true")
}

/// A `<dialog>` shows only with `open`; other dialogs show when added.
fn is_open(dom: &DomTracker, id: i64) -> bool {
    dom.tag(id) != Some("dialog") || dom.attr(id, "open").is_some()
}

/// `id` or an ancestor carries `hidden`.
fn is_hidden(dom: &DomTracker, id: i64) -> bool {
    std::iter::successors(Some(id), |&n| parent_element(dom, n))
        .take(MAX_REGION_ANCESTORS)
        .any(|n| dom.attr(n, "hidden").is_some())
}

/// Whitespace collapsed, cut to [`MAX_VALUE_CHARS`].
fn clean(text: &str) -> String {
    truncate_chars(&text.split_whitespace().collect::<Vec<_>>().join(" "), MAX_VALUE_CHARS)
}
