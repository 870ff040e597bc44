//! Everything attached while recording, and its exact undoing on stop: event listeners
//! (removed with the same capture flag), the MutationObserver (disconnected), timers
//! (cleared), the `history`/`attachShadow` methods wrapped with a `Proxy` and the
//! form value setters hooked the same way (restored; if page code wrapped them again on top of
//! ours, our proxy is left in place but inert), and the CSSOM hooks of `js/sheets.js` (undone
//! the same way there).
//!
//! The observers themselves live in the submodules: [`pointer`] (mouse/touch movement, mouse
//! interactions, scroll, resize), [`forms`] (input, selection, media), [`navigation`]
//! (SPA navigation) and [`sheets`] (the recorder's side of the CSSOM
//! rule, declaration and adopted-sheet hooks).

mod forms;
mod navigation;
mod pointer;
mod sheets;

use super::state::{document, viewport, window, Core, State};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, Event, EventTarget, MutationObserver};

struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

/// A hook of `js/hooks.js`: `(this, args)` of the wrapped call.
type Hook = Closure<dyn FnMut(JsValue, Array)>;
type ObserverCallback = Closure<dyn FnMut(Array, MutationObserver)>;
/// A `MessageChannel`'s `(port1, port2)`.
type Ports = (JsValue, JsValue);
/// The FullSnapshot slice callback, and the channel that runs it.
type SliceScheduler = (Closure<dyn FnMut()>, Option<Ports>);

/// A method wrapped or a setter hooked by `js/hooks.js`: its undo, and the hook it calls
/// (kept alive until the undo has turned it off).
struct Patch {
    undo: Function,
    _hook: Hook,
}

/// A hooked property setter (form values).
type SetterHook = Patch;

#[wasm_bindgen(raw_module = "../js/hooks.js")]
extern "C" {
    /// Wraps the function `object[key]` (`hook(this, args)` before the original, or after it
    /// with `after`); the undo, or `None` when it is not a function.
    #[wasm_bindgen(js_name = wrapMethod)]
    fn wrap_method(object: &JsValue, key: &str, after: bool, hook: &JsValue) -> Option<Function>;

    /// Hooks the setter of the accessor `proto[key]` (its own, configurable): `hook(this,
    /// args)` after each set; the undo, or `None`.
    #[wasm_bindgen(js_name = wrapSetter)]
    fn wrap_setter(proto: &JsValue, key: &str, hook: &JsValue) -> Option<Function>;
}

pub struct Attached {
    listeners: Vec<Listener>,
    observer: Option<(MutationObserver, ObserverCallback)>,
    interval: Option<(i32, Closure<dyn FnMut()>)>,
    timer_callbacks: Vec<Closure<dyn FnMut()>>,
    patches: Vec<Patch>,
    setters: Vec<SetterHook>,
    /// The FullSnapshot slice scheduler: the callback, and the `MessageChannel` ports.
    slices: Option<SliceScheduler>,
    /// The CSSOM hooks' undo and the callback they call (`sheets`).
    sheet_hooks: (Function, sheets::SheetCallback),
    /// The listener of every watched shadow root and attached iframe document
    /// (`State::watch_roots`, `State::attach_frames`; removed by the caller with
    /// `State::unwatch_roots`/`unwatch_frames` before this is dropped).
    _inner_listener: Closure<dyn FnMut(Event)>,
}

/// Adds a capturing, passive listener. The handler is boxed (not generic) so every listener
/// shares one closure type: wasm-bindgen emits an invoke shim and JS glue per closure type,
/// ~3 KB of the recorder for a dozen listeners.
fn listen(
    list: &mut Vec<Listener>,
    target: &EventTarget,
    name: &'static str,
    core: &Core,
    handler: impl FnMut(&mut State, &Event) + 'static,
) {
    listen_boxed(list, target, name, core, Box::new(handler));
}

type Handler = Box<dyn FnMut(&mut State, &Event)>;

fn listen_boxed(list: &mut Vec<Listener>, target: &EventTarget, name: &'static str, core: &Core, mut handler: Handler) {
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

fn blocked(s: &State, el: &Element) -> bool {
    s.mirror.event_blocked(el.as_ref())
}

fn set_timeout(f: &Option<Function>, ms: f64) -> Option<i32> {
    window().set_timeout_with_callback_and_timeout_and_arguments_0(f.as_ref()?, ms as i32).ok()
}

pub fn attach(core: &Core) -> Attached {
    let doc = document();
    let win = window();
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
            let _ = observer.observe_with_options(doc.as_ref(), &super::state::observer_init());
            (observer, callback)
        })
    };

    // --- events inside open shadow roots and iframe documents that do not reach the
    // document (see `shadow`, `frames`)
    let inner_listener = {
        let c = core.clone();
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            c.with(|s| {
                if s.recording {
                    on_inner_event(s, &event);
                }
            });
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
        s.inner_listener = Some(inner_listener.as_ref().unchecked_ref::<Function>().clone());
        s.move_fn = Some(move_cb.as_ref().unchecked_ref::<Function>().clone());
        s.scroll_fn = Some(scroll_cb.as_ref().unchecked_ref::<Function>().clone());
        s.last_size = viewport();
        s.last_href = win.location().href().unwrap_or_default();
    }
    timer_callbacks.push(move_cb);
    timer_callbacks.push(scroll_cb);

    // --- FullSnapshot slices, each in its own task
    let slices = {
        let c = core.clone();
        let cb = Closure::<dyn FnMut()>::new(move || {
            c.with(|s| {
                s.slice_scheduled = false;
                s.slice_timer = None;
                let _ = s.snapshot_slice(false);
            });
        });
        let ports = message_channel(&cb);
        let mut s = core.state.borrow_mut();
        s.slice_fn = Some(cb.as_ref().unchecked_ref::<Function>().clone());
        s.slice_post = ports.as_ref().and_then(|(_, port2)| {
            let post = Reflect::get(port2, &JsValue::from_str("postMessage")).ok()?.dyn_into::<Function>().ok()?;
            Some((port2.clone(), post))
        });
        Some((cb, ports))
    };
    // --- a page being hidden or left: a sliced snapshot in progress is finished now, so the
    // app's final flush has it (one long task, while nobody is looking)
    for (target, name) in [(win.as_ref(), "pagehide"), (doc.as_ref(), "visibilitychange")] {
        listen(&mut listeners, target, name, core, move |s, _| {
            let hidden = name == "pagehide"
                || Reflect::get(document().as_ref(), &JsValue::from_str("visibilityState"))
                    .is_ok_and(|v| v.as_string().as_deref() == Some("hidden"));
            if hidden {
                let _ = s.finish_snapshot_now(false);
            }
        });
    }

    pointer::attach(&mut listeners, core);
    // --- an iframe loaded a document (navigation): attached again (see `frames`); the shared
    // inner listener, removed on stop by `State::unwatch_frames`
    core.state.borrow().listen_inner(doc.as_ref(), &["load"], true);
    forms::attach(&mut listeners, core);
    navigation::attach_navigation(&mut listeners, &mut patches, core);
    patches.extend(hook_attach_shadow(core));

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

    // --- programmatic value changes (`input.value = …`), as Input events
    let setters = forms::hook_setters(core);

    // --- CSSOM changes: rule and declaration edits, adopted sheets
    let sheet_hooks = sheets::attach(core);

    Attached {
        listeners,
        observer,
        interval,
        timer_callbacks,
        patches,
        setters,
        slices,
        sheet_hooks,
        _inner_listener: inner_listener,
    }
}

/// One event on a shadow root or an iframe document (`SHADOW_ROOT_EVENTS`, `FRAME_EVENTS`).
fn on_inner_event(s: &mut State, event: &Event) {
    let name = event.type_();
    if !matches!(name.as_str(), "mousemove" | "touchmove") {
        s.flush_mutations(); // as `listen` does: the target has its id, events in page order
    }
    match name.as_str() {
        "mousemove" | "touchmove" => pointer::on_move(s, event),
        "scroll" => pointer::on_scroll(s, event),
        "input" | "change" => forms::on_input(s, event),
        "load" => {
            if let Some(iframe) = super::shadow::origin_target(event).as_ref().and_then(|t| super::frames::as_iframe(t))
            {
                s.frame_loaded(iframe);
            }
        }
        n if forms::MEDIA_EVENTS.iter().any(|(m, _)| *m == n) => forms::on_media(s, event),
        _ => pointer::on_mouse(s, event),
    }
}

/// Shadow roots attached after start: `Element.prototype.attachShadow` is wrapped so a root
/// attached to a host already recorded (children recorded) is watched at once; a root of a
/// host not yet recorded (a custom element's constructor) is found when the host is added.
fn hook_attach_shadow(core: &Core) -> Option<Patch> {
    let proto = Reflect::get(window().as_ref(), &JsValue::from_str("Element"))
        .and_then(|ctor| Reflect::get(&ctor, &JsValue::from_str("prototype")))
        .ok()?;
    let c = core.clone();
    patch(&proto, "attachShadow", true, move |this, _| {
        let Some(host) = this.dyn_ref::<Element>() else { return };
        let Some(root) = host.shadow_root() else { return }; // closed: not recorded
        c.with(|s| {
            let recorded = s.mirror.live_id(host.as_ref()).is_some_and(|id| s.mirror.children_recorded(id));
            if s.recording && recorded {
                s.watch_roots(vec![root]);
            }
        });
    })
}

/// A `MessageChannel` whose `port1` calls `cb` on each message: `(port1, port2)`. Built through
/// `Reflect` (no eval), `None` where the constructor is missing.
fn message_channel(cb: &Closure<dyn FnMut()>) -> Option<Ports> {
    let ctor: Function = Reflect::get(window().as_ref(), &JsValue::from_str("MessageChannel")).ok()?.dyn_into().ok()?;
    let channel = Reflect::construct(&ctor, &Array::new()).ok()?;
    let port1 = Reflect::get(&channel, &JsValue::from_str("port1")).ok()?;
    let port2 = Reflect::get(&channel, &JsValue::from_str("port2")).ok()?;
    Reflect::set(&port1, &JsValue::from_str("onmessage"), cb.as_ref()).ok()?;
    Some((port1, port2))
}

/// Replaces `object[key]` with a `Proxy` of the original (`js/hooks.js`) that calls
/// `hook(this, args)` before (or, with `after`, after) the original, which always runs with its
/// own `this`.
fn patch(object: &JsValue, key: &str, after: bool, hook: impl Fn(&JsValue, &Array) + 'static) -> Option<Patch> {
    let hook = Hook::new(move |this: JsValue, args: Array| hook(&this, &args));
    let undo = wrap_method(object, key, after, hook.as_ref())?;
    Some(Patch { undo, _hook: hook })
}

/// Hooks the setter of accessor `proto[key]` (if it exists and is configurable,
/// `js/hooks.js`): after each successful set, while recording, `hook(state, this)`.
fn hook_setter(proto: &Object, key: &'static str, core: &Core, hook: fn(&mut State, &JsValue)) -> Option<SetterHook> {
    let c = core.clone();
    let hook = Hook::new(move |this: JsValue, _: Array| {
        c.with(|s| {
            if s.recording {
                hook(s, &this)
            }
        });
    });
    let undo = wrap_setter(proto, key, hook.as_ref())?;
    Some(Patch { undo, _hook: hook })
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
        if let Some((_callback, Some((port1, port2)))) = self.slices.take() {
            {
                let _ = Reflect::set(&port1, &JsValue::from_str("onmessage"), &JsValue::NULL);
                for port in [port1, port2] {
                    if let Ok(close) =
                        Reflect::get(&port, &JsValue::from_str("close")).and_then(|f| f.dyn_into::<Function>())
                    {
                        let _ = close.call0(&port);
                    }
                }
            }
        }
        // Each hook is inert from its undo on (the closures are dropped with `self`).
        for p in self.setters.iter().chain(&self.patches) {
            let _ = p.undo.call0(&JsValue::NULL);
        }
        // Inert from here on (the callback is dropped with `self`).
        let _ = self.sheet_hooks.0.call0(&JsValue::NULL);
    }
}
