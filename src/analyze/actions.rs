//! User actions extracted from rrweb events, one pass in timestamp order.
//!
//! Thresholds follow the published Mixpanel session-replay analyzer (this project's seed):
//! scroll and selection bursts are debounced over [`DEBOUNCE_MS`] so a drag-scroll reads as one
//! action. Typed entries, ticks and choices follow the rules in [`super::input`]. The clicks of
//! a double or triple click or of a drag that selected text are folded into that `select`
//! action; rage bursts are marked on their clicks (`metadata.rage`, [`super::gestures`]) and
//! read as one line in the timeline.

use super::describe::{describe, truncate_chars, Target, MAX_CONTEXT_ANCESTORS};
use super::dom::DomTracker;
use super::element::{chain, element_of};
use super::gestures::{is_visible_change, RageTracker, TRIPLE_CLICK_SELECTION_MS};
use super::input::Entry;
use super::outcome::Outcomes;
use super::routes::{Routes, NAVIGATION_TAG};
use crate::model::{
    Event, EventData, IncrementalData, MouseInteraction, MouseInteractionData, ScrollData, SelectionData,
};
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::{Map, Value};

/// Debounce window for scroll (per target) and text-selection actions, and the pause that ends
/// a typed entry, in ms (Mixpanel seed analyzer: 1,000 ms).
pub const DEBOUNCE_MS: i64 = 1_000;
/// Longest gap between a focus and the click that caused it, in ms. A held mouse button
/// separates them by the press duration; a second is far longer than a normal click.
pub const FOCUS_CLICK_MS: i64 = 1_000;
/// Longest typed value or selection excerpt shown in a description, in characters.
pub const MAX_VALUE_CHARS: usize = 60;
/// Longest console error message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 200;

/// The kind of a user action. Click-family detail (click, dblclick, right_click, focus) lives
/// in `metadata.interaction` so aggregations stay uniform (ARCHITECTURE.md, "Contracts kept stable").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Navigate,
    Click,
    TouchStart,
    Scroll,
    Input,
    Select,
    ConsoleError,
    /// A failed fetch/XHR (status 0, 4xx, 5xx) from the `rrweb/network@1` plugin
    /// (`super::network`).
    NetworkError,
    Custom,
}

impl ActionKind {
    /// The snake_case name used in JSON, CSV and labels.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Navigate => "navigate",
            ActionKind::Click => "click",
            ActionKind::TouchStart => "touch_start",
            ActionKind::Scroll => "scroll",
            ActionKind::Input => "input",
            ActionKind::Select => "select",
            ActionKind::ConsoleError => "console_error",
            ActionKind::NetworkError => "network_error",
            ActionKind::Custom => "custom",
        }
    }
}

/// One user action.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Action {
    /// When it happened: Unix epoch milliseconds (the rrweb event's timestamp; for debounced
    /// actions, the first event of the burst).
    pub t_ms: i64,
    pub action: ActionKind,
    /// rrweb node id of the element acted on, when there is one.
    pub target_node_id: Option<i64>,
    /// The element as [`describe`] reads it (`button "Sign in"`).
    pub target_desc: Option<String>,
    /// One line for people and LLMs (`Clicked button "Sign in"`).
    pub description: String,
    /// The page URL when the action happened: the last navigation's, stated (Meta `href`,
    /// `rewind.navigation`) or inferred (`routes.rs`).
    pub url: Option<String>,
    /// Kind-specific detail: `interaction`, `x`/`y` (CSS px), `selectors` (`data-*`), `value`
    /// (typed text, or a `<select>`'s option value with its text in `option`), `masked` and
    /// `length` (a masked entry: its character count, never its value), `checked`, `rage`
    /// (`{start_ms, count, span_ms}` on every click of a rage burst), `level`… Keys are sorted,
    /// so output is deterministic.
    pub metadata: Map<String, Value>,
}

/// The single-pass action extractor. Feed events in timestamp order with [`Actions::push`].
#[derive(Default)]
pub(crate) struct Actions {
    pub(crate) dom: DomTracker,
    pub(crate) list: Vec<Action>,
    pub(crate) url: Option<String>,
    pub(crate) entry_url: Option<String>,
    /// Index in `list` and last event time of the scroll burst in progress, with its target.
    scroll: Option<(usize, i64, i64)>,
    /// Per form control: its typed entry, open or just ended.
    pub(super) inputs: FxHashMap<i64, Entry>,
    /// Index in `list` and last event time of the selection burst in progress.
    selection: Option<(usize, i64)>,
    /// The last mouse press not yet ended by a click, Unix epoch ms.
    press: Option<i64>,
    /// The press of the last click: a dblclick follows the click of its second press.
    click_press: Option<i64>,
    rage: RageTracker,
    /// Route inference (`routes.rs`) and click outcomes (`outcome.rs`).
    pub(crate) routes: Routes,
    pub(crate) outcomes: Outcomes,
    /// The last node described, at which [`DomTracker::generation`], and what it read: typing
    /// and scrolling describe one element event after event.
    described: Option<(u64, i64, Target)>,
}

impl Actions {
    pub(crate) fn push(&mut self, event: Event) {
        let t = event.timestamp;
        self.before_event(t, &event.data);
        if is_visible_change(&event.data, self.url.as_deref()) {
            self.rage.change(t);
        }
        match event.data {
            EventData::Meta(meta) => self.navigate(t, meta.href, meta.width, meta.height),
            EventData::FullSnapshot(snapshot) => {
                // Node ids restart: entries of the old document's fields are over.
                self.inputs.clear();
                self.dom.load_snapshot(snapshot.node);
                self.snapshot_loaded();
            }
            EventData::IncrementalSnapshot(data) => match data {
                IncrementalData::Mutation(m) => self.mutation(t, *m),
                IncrementalData::MouseInteraction(m) => self.mouse(t, &m),
                IncrementalData::Scroll(s) => self.scroll(t, &s),
                IncrementalData::Input(i) => self.input(t, &i),
                IncrementalData::Selection(s) => self.selection(t, &s),
                _ => {}
            },
            EventData::Custom(custom) if custom.tag == NAVIGATION_TAG => self.custom_navigation(t, custom),
            EventData::Custom(custom) => {
                let mut metadata = Map::new();
                // Small payloads only: this is a timeline, not an event store. serde_json's
                // recursion limit guards the parse.
                if let Some(payload) = custom.payload.filter(|p| p.get().len() <= 1024) {
                    if let Ok(v) = serde_json::from_str::<Value>(payload.get()) {
                        metadata.insert("payload".into(), v);
                    }
                }
                self.add_custom(t, custom.tag, metadata);
            }
            EventData::Plugin(plugin) if super::network::is_network(&plugin) => super::network::push(self, t, &plugin),
            EventData::Plugin(plugin) => {
                if let Some(console) = plugin.console() {
                    if console.level == "error" {
                        let message = console_message(&console.payload);
                        let mut metadata = Map::new();
                        metadata.insert("level".into(), console.level.into());
                        if let Some(frame) = console.trace.first() {
                            metadata.insert("trace".into(), frame.clone().into());
                        }
                        let description = format!("Console error: {message}");
                        metadata.insert("message".into(), message.into());
                        self.add(t, ActionKind::ConsoleError, None, description, metadata);
                    }
                }
            }
            _ => {}
        }
    }

    /// Ends the pass: the last run of clicks is judged for rage.
    pub(crate) fn finish(&mut self) {
        self.rage.finish(&mut self.list);
    }

    pub(super) fn add_custom(&mut self, t: i64, tag: String, metadata: Map<String, Value>) {
        let description = if tag.is_empty() { "custom event".to_string() } else { tag };
        self.add(t, ActionKind::Custom, None, description, metadata);
    }

    pub(super) fn add_navigation(&mut self, t: i64, description: String, metadata: Map<String, Value>) {
        self.add(t, ActionKind::Navigate, None, description, metadata);
    }

    pub(super) fn add(
        &mut self,
        t: i64,
        action: ActionKind,
        target: Option<(i64, Target)>,
        description: String,
        mut metadata: Map<String, Value>,
    ) -> usize {
        let (target_node_id, target_desc) = match target {
            Some((id, target)) => {
                if !target.selectors.is_empty() {
                    let selectors: Map<String, Value> =
                        target.selectors.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                    metadata.insert("selectors".into(), Value::Object(selectors));
                }
                (Some(id), Some(target.desc))
            }
            None => (None, None),
        };
        self.list.push(Action {
            t_ms: t,
            action,
            target_node_id,
            target_desc,
            description,
            url: self.url.clone(),
            metadata,
        });
        self.list.len() - 1
    }

    /// [`describe`] of node `id`, from the last description when the DOM has not changed since.
    pub(super) fn target(&mut self, id: i64) -> Target {
        self.described_target(id).clone()
    }

    /// [`Actions::target`] borrowed from the cache, for callers that read it only.
    pub(super) fn described_target(&mut self, id: i64) -> &Target {
        let generation = self.dom.generation();
        let fresh = self.described.as_ref().is_some_and(|(g, last, _)| *g == generation && *last == id);
        if !fresh {
            self.described = Some((generation, id, describe(&self.dom, id)));
        }
        &self.described.as_ref().expect("set above").2
    }

    fn mouse(&mut self, t: i64, m: &MouseInteractionData) {
        let (kind, interaction, verb) = match m.interaction {
            MouseInteraction::Click => (ActionKind::Click, "click", "Clicked"),
            MouseInteraction::DblClick => (ActionKind::Click, "dblclick", "Double-clicked"),
            MouseInteraction::ContextMenu => (ActionKind::Click, "right_click", "Right-clicked"),
            MouseInteraction::Focus => (ActionKind::Click, "focus", "Focused"),
            MouseInteraction::TouchStart => (ActionKind::TouchStart, "touch_start", "Touched"),
            MouseInteraction::MouseDown => {
                self.press = Some(t);
                self.rage.press(t);
                return;
            }
            MouseInteraction::Blur => return self.end_entry(t, m.id),
            _ => return,
        };
        // Acting on another element ends what was being typed elsewhere.
        self.end_entries_except(t, m.id);
        let press = match interaction {
            "click" => {
                self.click_press = self.press.take();
                self.click_press
            }
            "dblclick" => self.click_press,
            _ => None,
        };
        if self.ends_selection_gesture(press, m.id) {
            return;
        }
        if interaction == "click" {
            self.drop_focus_from_click(t, m.id);
        }
        let target = self.target(m.id);
        let mut metadata = Map::new();
        metadata.insert("interaction".into(), interaction.into());
        if let (Some(x), Some(y)) = (m.x, m.y) {
            metadata.insert("x".into(), number(x));
            metadata.insert("y".into(), number(y));
        }
        let description = format!("{verb} {}", target.desc);
        let index = self.add(t, kind, Some((m.id, target)), description, metadata);
        if interaction == "click" {
            self.rage.click(&mut self.list, &self.dom, index);
        }
    }

    /// The click (or dblclick) ends a press during which the selection in progress changed: the
    /// last click of a double or triple click, or the release of a drag. It belongs to that
    /// `select` action.
    fn ends_selection_gesture(&self, press: Option<i64>, clicked: i64) -> bool {
        let (Some((index, last)), Some(press)) = (self.selection, press) else { return false };
        index + 1 == self.list.len()
            && last >= press
            && self.list[index].target_node_id.is_some_and(|s| self.related(s, clicked))
    }

    /// Nodes `a` and `b` are in one element's close family: either element is the other or
    /// one of its four nearest ancestors (a click on a paragraph, a selection in its text).
    fn related(&self, a: i64, b: i64) -> bool {
        let (Some(a), Some(b)) = (element_of(&self.dom, a), element_of(&self.dom, b)) else { return false };
        chain(&self.dom, a).contains(&b) || chain(&self.dom, b).contains(&a)
    }

    /// A mouse click fires mousedown → focus → mouseup → click; the focus it caused says
    /// nothing the click does not, so it is dropped. Focus that no click explains (keyboard
    /// navigation, script) stays.
    fn drop_focus_from_click(&mut self, t: i64, clicked: i64) {
        let Some(last) = self.list.last() else { return };
        let is_focus = last.action == ActionKind::Click
            && last.metadata.get("interaction").and_then(Value::as_str) == Some("focus");
        if !is_focus || t.saturating_sub(last.t_ms) > FOCUS_CLICK_MS {
            return;
        }
        let Some(focused) = last.target_node_id else { return };
        // The click lands on the focused control or on something inside it (an icon in a button).
        let mut node = Some(clicked);
        for _ in 0..=MAX_CONTEXT_ANCESTORS {
            match node {
                Some(n) if n == focused => {
                    self.list.pop();
                    return;
                }
                Some(n) => node = self.dom.get(n).and_then(|n| n.parent),
                None => return,
            }
        }
    }

    fn scroll(&mut self, t: i64, s: &ScrollData) {
        let target = self.target(s.id);
        let place =
            if s.x.abs() >= 0.5 { format!("x={}, y={}", round(s.x), round(s.y)) } else { format!("y={}", round(s.y)) };
        let description = format!("Scrolled {} to {place}", target.desc);
        let mut metadata = Map::new();
        metadata.insert("x".into(), number(s.x));
        metadata.insert("y".into(), number(s.y));
        if let Some((index, last, id)) = self.scroll {
            if id == s.id && t.saturating_sub(last) <= DEBOUNCE_MS {
                let action = &mut self.list[index];
                action.description = description;
                action.metadata.extend(metadata);
                self.scroll = Some((index, t, id));
                return;
            }
        }
        let index = self.add(t, ActionKind::Scroll, Some((s.id, target)), description, metadata);
        self.scroll = Some((index, t, s.id));
    }

    fn selection(&mut self, t: i64, s: &SelectionData) {
        let Some(range) = s.ranges.iter().find(|r| r.start != r.end || r.start_offset != r.end_offset) else {
            return; // cleared or collapsed: a caret, not a selection
        };
        let mut metadata = Map::new();
        let excerpt = if range.start == range.end {
            self.text_slice(range.start, range.start_offset, range.end_offset)
        } else if range.end_offset == 0 {
            // Ends at the very start of the next node: a triple click selects its paragraph up to
            // the next block, so the text is the rest of the start node.
            self.text_slice(range.start, range.start_offset, i64::MAX)
        } else {
            None
        };
        let target = self.target(range.start);
        let description = match &excerpt {
            Some(text) => format!("Selected text \"{}\" in {}", truncate_chars(text, MAX_VALUE_CHARS), target.desc),
            None => format!("Selected text in {}", target.desc),
        };
        if let Some(text) = excerpt {
            metadata.insert("excerpt".into(), text.into());
        }
        metadata.insert("ranges".into(), s.ranges.len().into());
        // The clicks of the double or triple click that made it (each within
        // TRIPLE_CLICK_SELECTION_MS of the next, on the selected text) are part of it.
        let mut at = t;
        while let Some(last) = self.list.last() {
            let multi_click = last.action == ActionKind::Click
                && matches!(last.metadata.get("interaction").and_then(Value::as_str), Some("click" | "dblclick"))
                && at.saturating_sub(last.t_ms) <= TRIPLE_CLICK_SELECTION_MS
                && last.target_node_id.is_some_and(|c| self.related(c, range.start));
            if !multi_click {
                break;
            }
            at = last.t_ms;
            self.list.pop();
        }
        if let Some((index, last)) = self.selection.filter(|&(index, _)| index < self.list.len()) {
            if t.saturating_sub(last) <= DEBOUNCE_MS {
                let action = &mut self.list[index];
                action.description = description;
                action.target_desc = Some(target.desc);
                action.target_node_id = Some(range.start);
                action.metadata = metadata;
                self.selection = Some((index, t));
                return;
            }
        }
        let index = self.add(at, ActionKind::Select, Some((range.start, target)), description, metadata);
        self.selection = Some((index, t));
    }

    /// Text of node `id` between two DOM offsets, which count UTF-16 code units.
    fn text_slice(&self, id: i64, start: i64, end: i64) -> Option<String> {
        let text = match &self.dom.get(id)?.data {
            super::dom::NodeData::Text(t) => t,
            _ => return None,
        };
        let units: Vec<u16> = text.encode_utf16().collect();
        let len = i64::try_from(units.len()).unwrap_or(i64::MAX);
        let (lo, hi) = (start.min(end).clamp(0, len) as usize, start.max(end).clamp(0, len) as usize);
        let slice = units.get(lo..hi.min(units.len()))?;
        let out = String::from_utf16_lossy(slice);
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        (!out.is_empty()).then_some(out)
    }
}

/// Joins the console plugin's stringified arguments. A string argument arrives JSON-quoted
/// (`"\"Failed\""`); it is shown unquoted, as the console would.
fn console_message(args: &[Box<serde_json::value::RawValue>]) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|raw| match serde_json::from_str::<String>(raw.get()) {
            Ok(s) => serde_json::from_str::<String>(&s).unwrap_or(s),
            Err(_) => raw.get().to_string(),
        })
        .collect();
    truncate_chars(parts.join(" ").trim(), MAX_MESSAGE_CHARS)
}

/// A JSON number, integral when the value is (so `12` not `12.0`).
pub(super) fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
    }
}

fn round(v: f64) -> i64 {
    v.round() as i64
}
