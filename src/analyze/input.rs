//! Input actions: what the user typed, chose or ticked, told apart from what the page set.
//!
//! rrweb records an Input event whenever a form control's value or checked state is set, by the
//! user or by script (rrweb hooks the `value` and `checked` setters), and without
//! `userTriggeredOnInput` it does not say which. So:
//!
//! - **Known state.** The tracked DOM holds every control's value and checked state (from the
//!   snapshot's `value`/`checked` attributes, attribute Mutations and earlier Input events). An
//!   Input event that leaves it unchanged — a list re-render setting every checkbox again — is
//!   not an action. `userTriggered`, when recorded, is trusted either way.
//! - **Typed entries.** One entry per thing typed: it starts at its first keystroke and ends when
//!   the value is cleared or replaced by something that is not an edit of it, when the user
//!   clicks, touches or focuses another element or the field loses focus, or after more than
//!   [`DEBOUNCE_MS`] without typing. rrweb records no key presses: Enter in a field submits its
//!   form through a synthetic click on the form's default button, which rrweb records as a
//!   Click (at 0, 0) and which ends the entry like any click elsewhere; a submit without such a
//!   button shows only as the app clearing the field. The entry keeps the value it had before
//!   the clear, and a clear that ends an entry (or comes within [`DEBOUNCE_MS`] after one
//!   ended: the app resetting the field after a submit) is not an action of its own.
//! - **Masked values** (all `*`, as rrweb writes masked inputs) are counted, never shown.
//! - **`<select>`** changes show the chosen option's text.
//! - **Ticks.** A checkbox or radio tick is one `input` action: the click on the control or its
//!   label that caused it is folded in (the action keeps the click's time and position).

use super::actions::{Action, ActionKind, Actions, DEBOUNCE_MS, FOCUS_CLICK_MS, MAX_VALUE_CHARS};
use super::describe::truncate_chars;
use crate::model::InputData;
use serde_json::{Map, Value};

/// Ancestors of a clicked element searched for the `<label>` of a ticked control.
const MAX_LABEL_DEPTH: usize = 4;

/// The typed entry of one field, open or recently ended.
pub(super) struct Entry {
    /// Index of its action in the list.
    index: usize,
    /// Its last keystroke, Unix epoch ms.
    last: i64,
    /// The value it shows.
    value: String,
    /// When a click, touch or focus elsewhere, a blur or a clear ended it (`None`: still open).
    ended: Option<i64>,
}

impl Actions {
    /// An Input event: the known state is updated whatever happens, then the rules in the
    /// module docs decide whether and how it is an action.
    pub(super) fn input(&mut self, t: i64, i: &InputData) {
        // Read without copies: an Input event comes with every keystroke.
        let tag = self.dom.tag(i.id).unwrap_or("");
        let (is_input, is_select) = (tag == "input", tag == "select");
        let input_type = self.dom.attr(i.id, "type").map(str::trim);
        let radio = input_type.is_some_and(|t| t.eq_ignore_ascii_case("radio"));
        let toggle = is_input && (radio || input_type.is_some_and(|t| t.eq_ignore_ascii_case("checkbox")));
        let unchanged = if toggle {
            self.dom.attr(i.id, "checked").is_some() == i.is_checked
        } else {
            self.dom.attr(i.id, "value").unwrap_or("") == i.text
        };
        if toggle {
            self.dom.set_live_state(i.id, "checked", i.is_checked.then_some(""));
        } else {
            self.dom.set_live_state(i.id, "value", Some(&i.text));
        }
        match i.user_triggered {
            Some(false) => return,       // set by the page's own script
            None if unchanged => return, // the page set what was already there
            _ => {}
        }
        if toggle {
            // rrweb also reports the radios a click unchecked; the checked one is the action.
            if radio && !i.is_checked {
                return;
            }
            self.tick(t, i.id, i.is_checked);
        } else if is_select {
            self.choose(t, i.id, &i.text);
        } else {
            self.typed(t, i.id, &i.text);
        }
    }

    /// A checkbox or radio changed state; the click that did it (on the control or its label)
    /// becomes part of this action.
    fn tick(&mut self, t: i64, id: i64, checked: bool) {
        let mut metadata = Map::new();
        let mut at = t;
        let click = self.list.last().filter(|a| {
            a.action == ActionKind::Click
                && a.metadata.get("interaction").and_then(Value::as_str) == Some("click")
                && t.saturating_sub(a.t_ms) <= FOCUS_CLICK_MS
                && a.target_node_id.is_some_and(|clicked| self.clicks_toggle(clicked, id))
        });
        if click.is_some() {
            let click = self.list.pop().expect("checked above");
            // A click on a label focuses its control first; that focus is part of the tick too.
            let focus = self.list.last().is_some_and(|f| {
                f.target_node_id == Some(id)
                    && f.metadata.get("interaction").and_then(Value::as_str) == Some("focus")
                    && click.t_ms.saturating_sub(f.t_ms) <= FOCUS_CLICK_MS
            });
            if focus {
                self.list.pop();
            }
            at = click.t_ms;
            for key in ["x", "y"] {
                if let Some(v) = click.metadata.get(key) {
                    metadata.insert(key.into(), v.clone());
                }
            }
        }
        metadata.insert("checked".into(), checked.into());
        let target = self.target(id);
        let description = format!("{} {}", if checked { "Checked" } else { "Unchecked" }, target.desc);
        self.add(at, ActionKind::Input, Some((id, target)), description, metadata);
    }

    /// The clicked element is the toggle `id`, inside it, or a `<label>` for it.
    fn clicks_toggle(&self, clicked: i64, id: i64) -> bool {
        let mut node = Some(clicked);
        for _ in 0..=MAX_LABEL_DEPTH {
            let Some(n) = node else { return false };
            if n == id {
                return true;
            }
            if self.dom.tag(n) == Some("label") {
                return match self.dom.attr(n, "for") {
                    Some(for_id) => self.dom.by_html_id(for_id) == Some(id),
                    None => self.is_inside(id, n),
                };
            }
            node = self.dom.get(n).and_then(|n| n.parent);
        }
        false
    }

    fn is_inside(&self, id: i64, ancestor: i64) -> bool {
        std::iter::successors(self.dom.get(id).and_then(|n| n.parent), |p| self.dom.get(*p).and_then(|n| n.parent))
            .take(MAX_LABEL_DEPTH + 4)
            .any(|p| p == ancestor)
    }

    /// A `<select>` changed: the chosen option's text, changes within [`DEBOUNCE_MS`] (arrowing
    /// through the options) updating one action.
    fn choose(&mut self, t: i64, id: i64, value: &str) {
        let target = self.target(id);
        let shown = self.dom.option_text(id, value).unwrap_or_else(|| value.to_string());
        let description = format!("Chose \"{}\" in {}", truncate_chars(&shown, MAX_VALUE_CHARS), target.desc);
        let mut metadata = Map::new();
        metadata.insert("value".into(), value.into());
        if shown != value {
            metadata.insert("option".into(), shown.into());
        }
        if let Some(entry) = self.inputs.get_mut(&id).filter(|e| e.ended.is_none() && t - e.last <= DEBOUNCE_MS) {
            entry.last = t;
            update(&mut self.list[entry.index], description, metadata);
            return;
        }
        let index = self.add(t, ActionKind::Input, Some((id, target)), description, metadata);
        self.inputs.insert(id, Entry { index, last: t, value: value.to_string(), ended: None });
    }

    /// A text field's value changed: the typed-entry rules in the module docs.
    fn typed(&mut self, t: i64, id: i64, value: &str) {
        let open = self.inputs.get(&id).filter(|e| e.ended.is_none() && t.saturating_sub(e.last) <= DEBOUNCE_MS);
        if let Some(entry) = open {
            if value.is_empty() {
                let entry = self.inputs.get_mut(&id).expect("found above");
                entry.ended = Some(t);
                return;
            }
            if is_edit_of(&entry.value, value) {
                let index = entry.index;
                let (description, metadata) = self.typed_description(id, value);
                update(&mut self.list[index], description, metadata);
                let entry = self.inputs.get_mut(&id).expect("found above");
                entry.last = t;
                entry.value.clear();
                entry.value.push_str(value);
                return;
            }
        }
        if value.is_empty() {
            let just_ended =
                self.inputs.get(&id).and_then(|e| e.ended).is_some_and(|end| t.saturating_sub(end) <= DEBOUNCE_MS);
            self.inputs.remove(&id);
            if !just_ended {
                let target = self.target(id);
                let mut metadata = Map::new();
                metadata.insert("value".into(), "".into());
                let description = format!("Cleared {}", target.desc);
                self.add(t, ActionKind::Input, Some((id, target)), description, metadata);
            }
            return;
        }
        let target = self.target(id);
        let (description, metadata) = self.typed_description(id, value);
        let index = self.add(t, ActionKind::Input, Some((id, target)), description, metadata);
        self.inputs.insert(id, Entry { index, last: t, value: value.to_string(), ended: None });
    }

    fn typed_description(&mut self, id: i64, value: &str) -> (String, Map<String, Value>) {
        // The description's text only: the cached target is borrowed, not cloned.
        let desc = &self.described_target(id).desc;
        let mut metadata = Map::new();
        if is_masked(value) {
            let n = value.chars().count();
            metadata.insert("masked".into(), true.into());
            metadata.insert("length".into(), n.into());
            let s = if n == 1 { "" } else { "s" };
            return (format!("Typed {n} masked character{s} into {desc}"), metadata);
        }
        metadata.insert("value".into(), value.into());
        (format!("Typed \"{}\" into {desc}", truncate_chars(value, MAX_VALUE_CHARS)), metadata)
    }

    /// The user acted on `target` (click, touch, focus): every other field's entry ends.
    /// Entries that ended more than [`DEBOUNCE_MS`] ago are forgotten here, so the map holds
    /// only the fields of the last moments.
    pub(super) fn end_entries_except(&mut self, t: i64, target: i64) {
        self.inputs.retain(|_, e| e.ended.is_none_or(|end| t.saturating_sub(end) <= DEBOUNCE_MS));
        for (&id, entry) in self.inputs.iter_mut() {
            if id != target && entry.ended.is_none() {
                entry.ended = Some(t);
            }
        }
    }

    /// Field `id` lost focus: its entry ends.
    pub(super) fn end_entry(&mut self, t: i64, id: i64) {
        if let Some(entry) = self.inputs.get_mut(&id).filter(|e| e.ended.is_none()) {
            entry.ended = Some(t);
        }
    }
}

/// The entry's action now reads `description` with `metadata`; what [`Actions::add`] took from
/// the element (its `data-*` selectors) stays.
fn update(action: &mut Action, description: String, mut metadata: Map<String, Value>) {
    if let Some(selectors) = action.metadata.remove("selectors") {
        metadata.insert("selectors".into(), selectors);
    }
    action.description = description;
    action.metadata = metadata;
}

/// rrweb writes a masked value as one `*` per character.
fn is_masked(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '*')
}

/// `new` continues typing `old`: it extends or shortens it, or edits it in place (the two share
/// their first or their last character). Anything else replaced the value (select-all and
/// type, an autocomplete pick).
fn is_edit_of(old: &str, new: &str) -> bool {
    old.is_empty()
        || new.starts_with(old)
        || old.starts_with(new)
        || old.chars().next() == new.chars().next()
        || old.chars().next_back() == new.chars().next_back()
}
