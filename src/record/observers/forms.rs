//! Form and content observers: input (source 5), selection (source 14) and media (source 7).
//!
//! Input is seen two ways, as rrweb does: `input`/`change` events (typed input, `userTriggered`
//! from `isTrusted`), and hooks on the `value`/`checked`/`selectedIndex`/`selected` property
//! setters of the form element prototypes, for values a page sets from script
//! (`input.value = ''`), which fire no event (`userTriggered: false`). Both go through the same
//! privacy rules (masking, `rr-ignore`, blocked elements) and the same de-duplication.

use super::{blocked, hook_setter, listen, Listener, SetterHook};
use crate::record::json::{array, Obj};
use crate::record::serialize::ElView;
use crate::record::state::{document, window, Core, State};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventTarget};

/// The property setters rrweb hooks, per prototype.
const HOOKED: &[(&str, &[&str])] = &[
    ("HTMLInputElement", &["value", "checked"]),
    ("HTMLTextAreaElement", &["value"]),
    ("HTMLSelectElement", &["value", "selectedIndex"]),
    ("HTMLOptionElement", &["selected"]),
];

/// Hooks every setter of [`HOOKED`] that exists and is configurable.
pub(super) fn hook_setters(core: &Core) -> Vec<SetterHook> {
    let win = window();
    let mut hooks = Vec::new();
    for &(class, keys) in HOOKED {
        let Ok(ctor) = Reflect::get(win.as_ref(), &JsValue::from_str(class)) else { continue };
        let Some(proto) = Reflect::get(&ctor, &JsValue::from_str("prototype")).ok().and_then(|p| p.dyn_into().ok())
        else {
            continue;
        };
        for &key in keys {
            if let Some(hook) = hook_setter(&proto, key, core, value_set) {
                hooks.push(hook);
            }
        }
    }
    hooks
}

/// A value set from script on a form element (`this`).
fn value_set(s: &mut State, this: &JsValue) {
    if let Some(el) = this.dyn_ref::<Element>() {
        // As for events: queued mutations first, so a just-added field has its id.
        s.flush_mutations();
        input_changed(s, el, false);
    }
}

pub(super) fn attach(listeners: &mut Vec<Listener>, core: &Core) {
    let doc = document();
    let doc_target: &EventTarget = doc.as_ref();

    // --- input (source 5)
    for name in ["input", "change"] {
        listen(listeners, doc_target, name, core, on_input);
    }

    // --- selection (source 14)
    listen(listeners, doc_target, "selectionchange", core, |s, _| {
        let Some(selection) = window().get_selection().ok().flatten() else { return };
        let collapsed = selection.is_collapsed();
        if collapsed && s.selection_collapsed {
            return;
        }
        s.selection_collapsed = collapsed;
        let mut ranges = Vec::new();
        for i in 0..selection.range_count() {
            let Ok(range) = selection.get_range_at(i) else { continue };
            let (Ok(start), Ok(end)) = (range.start_container(), range.end_container()) else { continue };
            let (Some(start_id), Some(end_id)) = (s.mirror.id(&start), s.mirror.id(&end)) else { continue };
            ranges.push(
                Obj::new()
                    .num("start", start_id as f64)
                    .num("startOffset", range.start_offset().unwrap_or(0) as f64)
                    .num("end", end_id as f64)
                    .num("endOffset", range.end_offset().unwrap_or(0) as f64)
                    .end(),
            );
        }
        s.push_incremental(14, &format!("\"ranges\":{}", array(ranges)));
    });

    // --- media (source 7)
    for (name, _) in MEDIA_EVENTS {
        listen(listeners, doc_target, name, core, on_media);
    }
}

/// rrweb's MediaInteractions, by event name.
pub(super) const MEDIA_EVENTS: [(&str, u8); 5] =
    [("play", 0), ("pause", 1), ("seeked", 2), ("volumechange", 3), ("ratechange", 4)];

/// A MediaInteraction (source 7) of an `<audio>`/`<video>` (also inside a shadow root, whose
/// media events, not composed, reach only the root's listener).
pub(super) fn on_media(s: &mut State, e: &Event) {
    let name = e.type_();
    let Some(&(_, kind)) = MEDIA_EVENTS.iter().find(|(n, _)| *n == name) else { return };
    let Some(media) = crate::record::shadow::origin_target(e)
        .as_ref()
        .and_then(|t| crate::record::shadow::as_element(t))
        .filter(|el| matches!(el.tag_name().to_ascii_lowercase().as_str(), "audio" | "video"))
        .map(|el| el.clone().unchecked_into::<web_sys::HtmlMediaElement>())
    else {
        return;
    };
    if blocked(s, media.as_ref()) {
        return;
    }
    let Some(id) = s.mirror.id(media.as_ref()) else { return };
    let data = Obj::new()
        .num("type", kind as f64)
        .num("id", id as f64)
        .num("currentTime", media.current_time())
        .num("volume", media.volume())
        .bool("muted", media.muted())
        .bool("loop", media.loop_())
        .num("playbackRate", media.playback_rate())
        .end();
    s.push(3, format!("{{\"source\":7,{}", data.get(1..).unwrap_or_default()));
}

/// An `input`/`change` event: the field is `composedPath()[0]` (inside an open shadow root,
/// `event.target` is the host).
pub(super) fn on_input(s: &mut State, e: &Event) {
    let target = crate::record::shadow::origin_target(e);
    let Some(el) = target.as_ref().and_then(|t| crate::record::shadow::as_element(t)) else { return };
    input_changed(s, el, e.is_trusted());
}

/// Records the current value of a form field (`el`, or the `<select>` of an `<option>`).
fn input_changed(s: &mut State, el: &Element, user_triggered: bool) {
    let mut el = el.clone();
    if el.tag_name().eq_ignore_ascii_case("option") {
        match el.closest("select").ok().flatten() {
            Some(p) => el = p,
            None => return,
        }
    }
    let tag = el.tag_name().to_ascii_lowercase();
    if !matches!(tag.as_str(), "input" | "textarea" | "select") {
        return;
    }
    let view = ElView::new(&el);
    let policy = s.privacy.element_policy(&view);
    if policy.block || policy.ignore_input {
        return;
    }
    let kind = el.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
    let (text, checked) = if kind == "radio" || kind == "checkbox" {
        let input: &web_sys::HtmlInputElement = el.unchecked_ref();
        (s.privacy.input_value(&view, &input.value()), input.checked())
    } else {
        let value = match tag.as_str() {
            "input" => el.unchecked_ref::<web_sys::HtmlInputElement>().value(),
            "textarea" => el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value(),
            _ => el.unchecked_ref::<web_sys::HtmlSelectElement>().value(),
        };
        (s.privacy.input_value(&view, &value), false)
    };
    input_event(s, &el, text, checked, user_triggered);
    // As rrweb: checking a radio unchecks the others of its group (the group of a radio inside
    // a shadow root is in that root).
    if kind == "radio" && checked {
        if let Some(name) = el.get_attribute("name").filter(|n| !n.is_empty()) {
            let root = el.get_root_node();
            let group = match crate::record::shadow::as_shadow_root(&root) {
                Some(r) => r.query_selector_all("input").ok(),
                None => Some(el.owner_document().unwrap_or_else(document).get_elements_by_name(&name)),
            };
            let Some(group) = group else { return };
            for i in 0..group.length() {
                let Some(other) = group.item(i).and_then(|n| crate::record::shadow::as_element(&n).cloned()) else {
                    continue;
                };
                if other == el
                    || other.get_attribute("type").is_none_or(|t| !t.eq_ignore_ascii_case("radio"))
                    || other.get_attribute("name").as_deref() != Some(name.as_str())
                {
                    continue;
                }
                let value = other.unchecked_ref::<web_sys::HtmlInputElement>().value();
                let value = s.privacy.input_value(&ElView::new(&other), &value);
                input_event(s, &other, value, false, false);
            }
        }
    }
}

fn input_event(s: &mut State, el: &Element, text: String, checked: bool, user_triggered: bool) {
    let Some(id) = s.mirror.id(el.as_ref()) else { return };
    if s.last_input.get(&id).is_some_and(|(t, c)| *t == text && *c == checked) {
        return;
    }
    let data = Obj::new()
        .str("text", &text)
        .bool("isChecked", checked)
        .bool("userTriggered", user_triggered)
        .num("id", id as f64)
        .end();
    s.last_input.insert(id, (text, checked));
    s.push(3, format!("{{\"source\":5,{}", data.get(1..).unwrap_or_default()));
}
