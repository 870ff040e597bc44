//! Pointer observers: mouse/touch movement (source 1 / 6), mouse interactions (source 2),
//! scroll (source 3) and viewport resize (source 4).

use super::{blocked, listen, set_timeout, Listener};
use crate::record::json::Obj;
use crate::record::shadow::{as_element, as_node, has, origin_target};
use crate::record::state::{document, now, num, viewport, window, Core, State};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventTarget, Node};

/// rrweb MouseInteractions numbers.
const MOUSE_UP: u8 = 0;
const MOUSE_DOWN: u8 = 1;
const CLICK: u8 = 2;
const CONTEXT_MENU: u8 = 3;
const DBL_CLICK: u8 = 4;
const FOCUS: u8 = 5;
const BLUR: u8 = 6;
const TOUCH_START: u8 = 7;
const TOUCH_END: u8 = 9;
const TOUCH_CANCEL: u8 = 10;

/// MouseInteractions by event name, where pointer events exist (as rrweb 2.x) and where not.
const POINTER_KINDS: &[(&str, u8)] = &[
    ("pointerup", MOUSE_UP),
    ("pointerdown", MOUSE_DOWN),
    ("click", CLICK),
    ("contextmenu", CONTEXT_MENU),
    ("dblclick", DBL_CLICK),
    ("focus", FOCUS),
    ("blur", BLUR),
    ("touchcancel", TOUCH_CANCEL),
];
const MOUSE_KINDS: &[(&str, u8)] = &[
    ("mouseup", MOUSE_UP),
    ("mousedown", MOUSE_DOWN),
    ("click", CLICK),
    ("contextmenu", CONTEXT_MENU),
    ("dblclick", DBL_CLICK),
    ("focus", FOCUS),
    ("blur", BLUR),
    ("touchstart", TOUCH_START),
    ("touchend", TOUCH_END),
    ("touchcancel", TOUCH_CANCEL),
];

/// A mouse/touch move (source 1 / 6): its position is buffered, the positions batched per
/// 500 ms. `clientX`/`clientY`: inside an iframe, in the iframe's viewport (as rrweb).
pub(super) fn on_move(s: &mut State, e: &Event) {
    let t = now();
    if t - s.last_move < s.opts.mousemove_throttle_ms {
        return;
    }
    // by property, not `instanceof`: an iframe's events are of its own window's classes
    let (source, x, y) = if has(e, "changedTouches") {
        let Some(touch) = e.unchecked_ref::<web_sys::TouchEvent>().changed_touches().get(0) else { return };
        (6u8, touch.client_x() as f64, touch.client_y() as f64)
    } else if has(e, "clientX") {
        let me: &web_sys::MouseEvent = e.unchecked_ref();
        (1u8, me.client_x() as f64, me.client_y() as f64)
    } else {
        return;
    };
    let Some(id) = target_id(s, e) else { return };
    s.last_move = t;
    if !s.positions.is_empty() && s.positions_source != source {
        s.flush_positions();
    }
    s.positions_source = source;
    s.positions.push((x, y, id, t));
    if t - s.positions[0].3 >= 500.0 {
        s.flush_positions();
    } else if s.move_timer.is_none() {
        s.move_timer = set_timeout(&s.move_fn, 500.0);
    }
}

/// A mouse interaction (source 2) named by its event's type (inside an iframe document).
pub(super) fn on_mouse(s: &mut State, e: &Event) {
    let name = e.type_();
    if let Some(&(_, kind)) = POINTER_KINDS.iter().chain(MOUSE_KINDS).find(|(n, _)| *n == name) {
        mouse_interaction(s, e, kind);
    }
}

/// The event's target as an element (a text node's parent), when it is one. Inside an open
/// shadow root, the element itself, not the host the event is retargeted to.
fn target_element(event: &Event) -> Option<Element> {
    let target = origin_target(event)?;
    let node = as_node(&target)?;
    match as_element(node) {
        Some(el) => Some(el.clone()),
        None => node.parent_element(),
    }
}

/// Id for an event target: the node's, or its nearest recorded ancestor's.
fn target_id(s: &State, event: &Event) -> Option<i32> {
    let target = origin_target(event)?;
    let node = as_node(&target)?;
    s.mirror.nearest_id(node)
}

fn get_f64(v: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(v, &JsValue::from_str(key)).ok()?.as_f64()
}

pub(super) fn attach(listeners: &mut Vec<Listener>, core: &Core) {
    let doc = document();
    let win = window();
    let doc_target: &EventTarget = doc.as_ref();
    let win_target: &EventTarget = win.as_ref();

    // --- mouse / touch movement (source 1 / 6), positions batched per 500 ms
    for name in ["mousemove", "touchmove"] {
        listen(listeners, doc_target, name, core, on_move);
    }

    // --- mouse interactions (source 2), with pointer events as rrweb 2.x
    let has_pointer = Reflect::has(win.as_ref(), &JsValue::from_str("PointerEvent")).unwrap_or(false);
    let kinds = if has_pointer { POINTER_KINDS } else { MOUSE_KINDS };
    for &(name, kind) in kinds {
        listen(listeners, doc_target, name, core, move |s, e| mouse_interaction(s, e, kind));
    }

    // --- scroll (source 3), per target, throttled with a trailing update
    listen(listeners, doc_target, "scroll", core, on_scroll);

    // --- viewport resize (source 4)
    listen(listeners, win_target, "resize", core, |s, _| {
        let (w, h) = viewport();
        if (w, h) != s.last_size {
            s.last_size = (w, h);
            s.push_incremental(4, &format!("\"width\":{},\"height\":{}", num(w), num(h)));
        }
    });
}

/// A scroll (source 3) of the document or of an element (also inside shadow roots, whose
/// scroll events reach only the root's listener), throttled per target with a trailing update.
pub(super) fn on_scroll(s: &mut State, e: &Event) {
    let Some(target) = origin_target(e) else { return };
    let Some(node) = as_node(&target) else { return };
    let (id, x, y) = if node.node_type() == Node::DOCUMENT_NODE {
        let doc: &web_sys::Document = node.unchecked_ref();
        // the page's, or an iframe document's (named by its id, with its window's scroll)
        let (Some(id), Some(w)) = (s.mirror.id(doc.as_ref()), doc.default_view()) else { return };
        (id, w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0))
    } else if let Some(el) = as_element(node) {
        if blocked(s, el) {
            return;
        }
        let Some(id) = s.mirror.id(el.as_ref()) else { return };
        (id, el.scroll_left() as f64, el.scroll_top() as f64)
    } else {
        return;
    };
    let t = now();
    let last = s.scroll_last.get(&id).copied().unwrap_or(f64::NEG_INFINITY);
    let pending = s.scroll_pending.iter().position(|p| p.0 == id);
    if t - last >= s.opts.scroll_throttle_ms && pending.is_none() {
        s.scroll_last.insert(id, t);
        s.push_incremental(3, &format!("\"id\":{id},\"x\":{},\"y\":{}", num(x), num(y)));
    } else {
        match pending {
            Some(i) => s.scroll_pending[i] = (id, x, y),
            None => s.scroll_pending.push((id, x, y)),
        }
        if s.scroll_timer.is_none() {
            let wait = (s.opts.scroll_throttle_ms - (t - last)).max(0.0);
            s.scroll_timer = set_timeout(&s.scroll_fn, wait);
        }
    }
}

fn mouse_interaction(s: &mut State, e: &Event, kind: u8) {
    let Some(el) = target_element(e) else { return };
    if blocked(s, &el) {
        return;
    }
    let mut kind = kind;
    let mut pointer: Option<u8> = None;
    if has(e, "pointerType") {
        let pe: &web_sys::PointerEvent = e.unchecked_ref();
        pointer = match pe.pointer_type().as_str() {
            "mouse" => Some(0),
            "pen" => Some(1),
            "touch" => Some(2),
            _ => None,
        };
        if pointer == Some(2) {
            kind = match kind {
                MOUSE_DOWN => TOUCH_START,
                MOUSE_UP => TOUCH_END,
                k => k,
            };
        }
    } else if has(e, "changedTouches") {
        pointer = Some(2);
    }
    if let Some(p) = pointer {
        s.current_pointer_type = Some(p);
        let touch_kind = matches!(kind, TOUCH_START | TOUCH_END | TOUCH_CANCEL);
        let mouse_kind = matches!(kind, MOUSE_UP | MOUSE_DOWN);
        if (touch_kind && p == 2) || (mouse_kind && p == 0) {
            pointer = None;
        }
    } else if kind == CLICK {
        pointer = s.current_pointer_type.take();
    }
    let (x, y) = if has(e, "changedTouches") {
        match e.unchecked_ref::<web_sys::TouchEvent>().changed_touches().get(0) {
            Some(t) => (Some(t.client_x() as f64), Some(t.client_y() as f64)),
            None => return,
        }
    } else {
        let v: &JsValue = e.as_ref();
        (get_f64(v, "clientX"), get_f64(v, "clientY"))
    };
    let Some(id) = target_id(s, e) else { return };
    let data = Obj::new()
        .num("type", kind as f64)
        .num("id", id as f64)
        .opt_num("x", x)
        .opt_num("y", y)
        .opt_num("pointerType", pointer.map(f64::from))
        .end();
    s.push(3, format!("{{\"source\":2,{}", data.get(1..).unwrap_or_default()));
}
