//! Everything attached while recording, and its exact undoing on stop: event listeners
//! (removed with the same capture flag), the MutationObserver (disconnected), timers
//! (cleared), and the `history`/`console` methods wrapped with a `Proxy` (restored; if page
//! code wrapped them again on top of ours, our proxy is left in place but inert).

use super::json::{array, push_str, Obj};
use super::serialize::ElView;
use super::state::{document, now, num, viewport, window, Core, State, PLUGIN};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, Event, EventTarget, MutationObserver, MutationObserverInit, Node};

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

/// Console payload limits: characters kept per argument, and records per recording (then one
/// final warning, as rrweb's console plugin).
pub const CONSOLE_ARG_CHARS: usize = 1_000;
pub const CONSOLE_MAX_LOGS: u32 = 1_000;

struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

/// A `Proxy` `apply` trap: `(target, this, args) → result`.
type ApplyTrap = Closure<dyn FnMut(JsValue, JsValue, Array) -> Result<JsValue, JsValue>>;
type ObserverCallback = Closure<dyn FnMut(Array, MutationObserver)>;

struct Patch {
    object: JsValue,
    key: String,
    original: JsValue,
    proxy: JsValue,
    active: Rc<Cell<bool>>,
    apply: Option<ApplyTrap>,
}

pub struct Attached {
    listeners: Vec<Listener>,
    observer: Option<(MutationObserver, ObserverCallback)>,
    interval: Option<(i32, Closure<dyn FnMut()>)>,
    timer_callbacks: Vec<Closure<dyn FnMut()>>,
    patches: Vec<Patch>,
}

fn listen(
    list: &mut Vec<Listener>,
    target: &EventTarget,
    name: &'static str,
    core: &Core,
    mut handler: impl FnMut(&mut State, &Event) + 'static,
) {
    let core = core.clone();
    // Mutations still queued in the observer are recorded first, so the event's target has
    // its id and the events stay in page order (not for the hot mouse/touch move path).
    let flush_first = !matches!(name, "mousemove" | "touchmove");
    let callback = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        core.with(|s| {
            if s.recording {
                if flush_first {
                    s.flush_mutations();
                }
                handler(s, &event)
            }
        });
    });
    let options = AddEventListenerOptions::new();
    options.set_capture(true);
    options.set_passive(true);
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        name,
        callback.as_ref().unchecked_ref(),
        &options,
    );
    list.push(Listener { target: target.clone(), name, callback });
}

/// The event's target as an element (a text node's parent), when it is one.
fn target_element(event: &Event) -> Option<Element> {
    let target = event.target()?;
    let node: Node = target.dyn_into().ok()?;
    if node.node_type() == Node::ELEMENT_NODE {
        node.dyn_into().ok()
    } else {
        node.parent_element()
    }
}

fn blocked(s: &State, el: &Element) -> bool {
    s.mirror.event_blocked(el.as_ref())
}

/// Id for an event target: the node's, or its nearest recorded ancestor's.
fn target_id(s: &State, event: &Event) -> Option<i32> {
    let node: Node = event.target()?.dyn_into().ok()?;
    s.mirror.nearest_id(&node)
}

fn get_f64(v: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(v, &JsValue::from_str(key)).ok()?.as_f64()
}

fn set_timeout(f: &Option<Function>, ms: f64) -> Option<i32> {
    window().set_timeout_with_callback_and_timeout_and_arguments_0(f.as_ref()?, ms as i32).ok()
}

pub fn attach(core: &Core) -> Attached {
    let doc = document();
    let win = window();
    let doc_target: &EventTarget = doc.as_ref();
    let win_target: &EventTarget = win.as_ref();
    let mut listeners = Vec::new();
    let mut timer_callbacks = Vec::new();
    let mut patches = Vec::new();

    // --- DOM mutations
    let observer = {
        let c = core.clone();
        let callback = Closure::<dyn FnMut(Array, MutationObserver)>::new(move |records: Array, _| {
            c.with(|s| s.on_mutations(&records));
        });
        MutationObserver::new(callback.as_ref().unchecked_ref()).ok().map(|observer| {
            let init = MutationObserverInit::new();
            init.set_child_list(true);
            init.set_subtree(true);
            init.set_attributes(true);
            init.set_character_data(true);
            let _ = observer.observe_with_options(doc.as_ref(), &init);
            (observer, callback)
        })
    };

    // --- timers for trailing flushes
    let move_cb = {
        let c = core.clone();
        Closure::<dyn FnMut()>::new(move || {
            c.with(|s| {
                s.move_timer = None;
                s.flush_positions();
            });
        })
    };
    let scroll_cb = {
        let c = core.clone();
        Closure::<dyn FnMut()>::new(move || {
            c.with(|s| {
                s.scroll_timer = None;
                s.flush_scrolls();
            });
        })
    };
    {
        let mut s = core.state.borrow_mut();
        s.observer = observer.as_ref().map(|(o, _)| o.clone());
        s.move_fn = Some(move_cb.as_ref().unchecked_ref::<Function>().clone());
        s.scroll_fn = Some(scroll_cb.as_ref().unchecked_ref::<Function>().clone());
        s.last_size = viewport();
        s.last_href = win.location().href().unwrap_or_default();
    }
    timer_callbacks.push(move_cb);
    timer_callbacks.push(scroll_cb);

    // --- mouse / touch movement (source 1 / 6), positions batched per 500 ms
    for name in ["mousemove", "touchmove"] {
        listen(&mut listeners, doc_target, name, core, move |s, e| {
            let t = now();
            if t - s.last_move < s.opts.mousemove_throttle_ms {
                return;
            }
            let (source, x, y) = if let Some(te) = e.dyn_ref::<web_sys::TouchEvent>() {
                let Some(touch) = te.changed_touches().get(0) else { return };
                (6u8, touch.client_x() as f64, touch.client_y() as f64)
            } else if let Some(me) = e.dyn_ref::<web_sys::MouseEvent>() {
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
        });
    }

    // --- mouse interactions (source 2), with pointer events as rrweb 2.x
    let has_pointer = Reflect::has(win.as_ref(), &JsValue::from_str("PointerEvent")).unwrap_or(false);
    let kinds: &[(&'static str, u8)] = if has_pointer {
        &[
            ("pointerup", MOUSE_UP),
            ("pointerdown", MOUSE_DOWN),
            ("click", CLICK),
            ("contextmenu", CONTEXT_MENU),
            ("dblclick", DBL_CLICK),
            ("focus", FOCUS),
            ("blur", BLUR),
            ("touchcancel", TOUCH_CANCEL),
        ]
    } else {
        &[
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
        ]
    };
    for &(name, kind) in kinds {
        listen(&mut listeners, doc_target, name, core, move |s, e| mouse_interaction(s, e, kind));
    }

    // --- scroll (source 3), per target, throttled with a trailing update
    listen(&mut listeners, doc_target, "scroll", core, |s, e| {
        let Some(target) = e.target() else { return };
        let (id, x, y) = if target.dyn_ref::<web_sys::Document>().is_some() {
            let w = window();
            (1, w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0))
        } else if let Some(el) = target.dyn_ref::<Element>() {
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
        if t - last >= s.opts.scroll_throttle_ms && !s.scroll_pending.contains_key(&id) {
            s.scroll_last.insert(id, t);
            s.push_incremental(3, &format!("\"id\":{id},\"x\":{},\"y\":{}", num(x), num(y)));
        } else {
            s.scroll_pending.insert(id, (x, y));
            if s.scroll_timer.is_none() {
                let wait = (s.opts.scroll_throttle_ms - (t - last)).max(0.0);
                s.scroll_timer = set_timeout(&s.scroll_fn, wait);
            }
        }
    });

    // --- viewport resize (source 4)
    listen(&mut listeners, win_target, "resize", core, |s, _| {
        let (w, h) = viewport();
        if (w, h) != s.last_size {
            s.last_size = (w, h);
            s.push_incremental(4, &format!("\"width\":{},\"height\":{}", num(w), num(h)));
        }
    });

    // --- input (source 5)
    for name in ["input", "change"] {
        listen(&mut listeners, doc_target, name, core, on_input);
    }

    // --- selection (source 14)
    listen(&mut listeners, doc_target, "selectionchange", core, |s, _| {
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
    for (name, kind) in [("play", 0u8), ("pause", 1), ("seeked", 2), ("volumechange", 3), ("ratechange", 4)] {
        listen(&mut listeners, doc_target, name, core, move |s, e| {
            let Some(media) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlMediaElement>().ok()) else { return };
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
            s.push(3, format!("{{\"source\":7,{}", &data[1..]));
        });
    }

    // --- SPA navigation: a Meta event whenever the href changes
    for name in ["popstate", "hashchange"] {
        listen(&mut listeners, win_target, name, core, |s, _| navigated(s));
    }
    if let Ok(history) = win.history() {
        for key in ["pushState", "replaceState"] {
            let c = core.clone();
            if let Some(p) = patch(history.as_ref(), key, true, move |_| {
                c.with(|s| {
                    if s.recording {
                        navigated(s)
                    }
                });
            }) {
                patches.push(p);
            }
        }
    }

    // --- periodic checkout
    let interval = {
        let ms = core.state.borrow().opts.checkout_every_ms;
        if ms > 0.0 && ms.is_finite() {
            let c = core.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                c.with(|s| {
                    let _ = s.full_snapshot();
                });
            });
            win.set_interval_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                ms.min(i32::MAX as f64) as i32,
            )
            .ok()
            .map(|id| (id, cb))
        } else {
            None
        }
    };

    // --- console, uncaught errors, unhandled rejections (opt-in)
    let (capture_console, levels) = {
        let s = core.state.borrow();
        (s.opts.capture_console, s.opts.console_levels.clone())
    };
    if capture_console {
        if let Ok(console) = Reflect::get(win.as_ref(), &JsValue::from_str("console")) {
            for level in levels {
                let c = core.clone();
                let lvl = level.clone();
                if let Some(p) = patch(&console, &level, false, move |args| {
                    c.with(|s| {
                        if s.recording {
                            let payload: Vec<String> = args.iter().map(|a| stringify_arg(s, &a)).collect();
                            console_record(s, &lvl, Vec::new(), payload);
                        }
                    });
                }) {
                    patches.push(p);
                }
            }
        }
        listen(&mut listeners, win_target, "error", core, |s, e| {
            let Some(err) = e.dyn_ref::<web_sys::ErrorEvent>() else { return };
            let message = err.message();
            let trace = stack_of(s, &err.error());
            let payload = vec![json_string(&truncate(&s.privacy.redact(&message)))];
            console_record(s, "error", trace, payload);
        });
        listen(&mut listeners, win_target, "unhandledrejection", core, |s, e| {
            let Some(ev) = e.dyn_ref::<web_sys::PromiseRejectionEvent>() else { return };
            let reason = ev.reason();
            let trace = stack_of(s, &reason);
            let payload = vec![stringify_arg(s, &reason)];
            console_record(s, "error", trace, payload);
        });
    }

    Attached { listeners, observer, interval, timer_callbacks, patches }
}

fn navigated(s: &mut State) {
    let href = window().location().href().unwrap_or_default();
    if href != s.last_href {
        s.flush_mutations();
        s.push_meta();
    }
}

fn mouse_interaction(s: &mut State, e: &Event, kind: u8) {
    let Some(el) = target_element(e) else { return };
    if blocked(s, &el) {
        return;
    }
    let mut kind = kind;
    let mut pointer: Option<u8> = None;
    if let Some(pe) = e.dyn_ref::<web_sys::PointerEvent>() {
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
    } else if e.dyn_ref::<web_sys::TouchEvent>().is_some() {
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
    let (x, y) = if let Some(te) = e.dyn_ref::<web_sys::TouchEvent>() {
        match te.changed_touches().get(0) {
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
    s.push(3, format!("{{\"source\":2,{}", &data[1..]));
}

fn on_input(s: &mut State, e: &Event) {
    let Some(mut el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    if el.tag_name().eq_ignore_ascii_case("option") {
        match el.parent_element() {
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
    let user_triggered = e.is_trusted();
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
    // As rrweb: checking a radio unchecks the others of its group.
    if kind == "radio" && checked {
        if let Some(name) = el.get_attribute("name").filter(|n| !n.is_empty()) {
            let group = document().get_elements_by_name(&name);
            for i in 0..group.length() {
                let Some(other) = group.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
                if other == el || other.get_attribute("type").is_none_or(|t| !t.eq_ignore_ascii_case("radio")) {
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
    s.push(3, format!("{{\"source\":5,{}", &data[1..]));
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    push_str(&mut out, s);
    out
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= CONSOLE_ARG_CHARS {
        return s.to_string();
    }
    let mut t: String = s.chars().take(CONSOLE_ARG_CHARS).collect();
    t.push('…');
    t
}

/// One console argument as rrweb's console plugin writes it: JSON text (strings quoted),
/// redacted and truncated.
fn stringify_arg(s: &State, arg: &JsValue) -> String {
    if let Some(text) = arg.as_string() {
        return json_string(&truncate(&s.privacy.redact(&text)));
    }
    if arg.is_undefined() {
        return "undefined".into();
    }
    if let Some(err) = arg.dyn_ref::<js_sys::Error>() {
        let text = format!("{}: {}", String::from(err.name()), String::from(err.message()));
        return json_string(&truncate(&s.privacy.redact(&text)));
    }
    let text = js_sys::JSON::stringify(arg)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_else(|| js_sys::JsString::from(arg.clone()).into());
    truncate(&s.privacy.redact(&text))
}

fn stack_of(s: &State, error: &JsValue) -> Vec<String> {
    let stack = Reflect::get(error, &JsValue::from_str("stack")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    stack
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_start_matches("at ").to_string())
        .filter(|l| !l.is_empty())
        .take(20)
        .map(|l| s.privacy.redact(&l))
        .collect()
}

fn console_record(s: &mut State, level: &str, trace: Vec<String>, payload: Vec<String>) {
    s.stats.console_logs += 1;
    if s.stats.console_logs > CONSOLE_MAX_LOGS + 1 {
        return;
    }
    let (level, trace, payload) = if s.stats.console_logs == CONSOLE_MAX_LOGS + 1 {
        ("warn", Vec::new(), vec![json_string("The number of log records reached the threshold.")])
    } else {
        (level, trace, payload)
    };
    let trace = array(trace.iter().map(|t| json_string(t)));
    // rrweb's payload is a string[] of stringified arguments: `"\"text\""`, `"42"`.
    let payload = array(payload.iter().map(|p| json_string(p)));
    let inner = Obj::new().str("level", level).raw("trace", &trace).raw("payload", &payload).end();
    s.push(PLUGIN, Obj::new().str("plugin", "rrweb/console@1").raw("payload", &inner).end());
}

/// Replaces `object[key]` with a `Proxy` of the original whose `apply` calls `hook(args)`
/// before (or, with `after`, after) the original, which always runs with its own `this`.
fn patch(object: &JsValue, key: &str, after: bool, hook: impl Fn(&Array) + 'static) -> Option<Patch> {
    let original = Reflect::get(object, &JsValue::from_str(key)).ok()?;
    let target: Function = original.clone().dyn_into().ok()?;
    let active = Rc::new(Cell::new(true));
    let flag = active.clone();
    let apply = ApplyTrap::new(move |target: JsValue, this: JsValue, args: Array| {
        let target: Function = target.unchecked_into();
        if flag.get() && !after {
            hook(&args);
        }
        let result = Reflect::apply(&target, &this, &args)?;
        if flag.get() && after {
            hook(&args);
        }
        Ok(result)
    });
    let handler = Object::new();
    Reflect::set(&handler, &JsValue::from_str("apply"), apply.as_ref()).ok()?;
    let proxy: JsValue = js_sys::Proxy::new(&target, &handler).into();
    Reflect::set(object, &JsValue::from_str(key), &proxy).ok()?;
    Some(Patch { object: object.clone(), key: key.to_string(), original, proxy, active, apply: Some(apply) })
}

impl Attached {
    /// Undoes everything `attach` did. Timers of the trailing flushes are cleared by the caller
    /// (they live in the state).
    pub fn detach(mut self) {
        let win = window();
        for l in self.listeners.drain(..) {
            let _ = l.target.remove_event_listener_with_callback_and_bool(
                l.name,
                l.callback.as_ref().unchecked_ref(),
                true,
            );
        }
        if let Some((observer, _callback)) = self.observer.take() {
            observer.disconnect();
        }
        if let Some((id, _callback)) = self.interval.take() {
            win.clear_interval_with_handle(id);
        }
        self.timer_callbacks.clear();
        for mut p in self.patches.drain(..) {
            p.active.set(false);
            let current = Reflect::get(&p.object, &JsValue::from_str(&p.key)).unwrap_or(JsValue::UNDEFINED);
            if current == p.proxy {
                let _ = Reflect::set(&p.object, &JsValue::from_str(&p.key), &p.original);
            } else if let Some(apply) = p.apply.take() {
                // Someone wrapped our proxy: keep it callable (inert) rather than break them.
                apply.forget();
            }
        }
    }
}
