//! The page layer's canvases: each `<canvas>` of the iframe draws its virtual-DOM
//! [`CanvasLog`] — the snapshot's `rr_dataURL` picture, then the recorded 2D calls — through
//! its own 2D context (the iframe is same-origin to the player, so its contexts are reachable).
//!
//! Images decode asynchronously (the `rr_dataURL`, `{rr_type: "HTMLImageElement", src}` and
//! `ImageBitmap` arguments). rrweb's Replayer starts them and draws whatever is ready, so a
//! call can overtake the picture it was drawn over. Here each canvas has a queue: a call
//! waiting for an image holds back the calls after it, so the result is the recorded order
//! whatever the decoding time. A seek, a resize or an edge that fell behind the log starts the
//! canvas over (`width = width` blanks the bitmap and the context state) from the whole log.
//!
//! Arguments are decoded as rrweb's `deserializeArg` does, with two differences on purpose:
//! constructors named by `rr_type` are limited to typed arrays, `DataView` and `ImageData`
//! (rrweb calls any global by name, which a crafted recording could abuse), and nesting is
//! limited to [`MAX_ARG_DEPTH`] (rrweb's forms nest three deep at most).

use super::DomView;
use crate::play::vdom::{decode_base64, CanvasContext, CanvasLog, VDom};
use js_sys::{Array, Map, Object, Promise, Reflect, Uint8Array};
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting of serialized arguments decoded (deeper: the call is refused).
const MAX_ARG_DEPTH: usize = 8;
/// Images kept for reuse by `src` (rrweb's `imageMap`); the cache starts over when full.
const MAX_CACHED_IMAGES: usize = 256;
/// Constructors a serialized argument may name (rrweb's `serializeArg` produces these).
const CONSTRUCTORS: &[&str] = &[
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "DataView",
    "ImageData",
];

/// The edge's state for all canvases.
#[derive(Default)]
pub(in crate::play::web) struct Canvases {
    queues: FxHashMap<u32, Rc<RefCell<Queue>>>,
    /// Canvas slots with new calls (or new to the edge), handled once the tree is in place.
    pending: Vec<u32>,
    images: Rc<RefCell<FxHashMap<String, JsValue>>>,
    /// 2D calls the browser refused, images that failed to decode, since creation.
    pub(in crate::play::web) refused: Rc<Cell<u64>>,
}

enum Kind {
    /// The snapshot's picture, drawn at (0, 0) at its natural size once decoded.
    Base(JsValue),
    Call {
        property: String,
        setter: bool,
    },
    /// WebGL objects dropped calls created (constructor name, count): their places are held.
    Hold(Vec<(String, u32)>),
}

enum Step {
    Ready(Array),
    Waiting,
    Failed,
}

struct Item {
    seq: u64,
    kind: Kind,
    step: Step,
}

/// One canvas's calls in order, some waiting for images.
struct Queue {
    canvas: JsValue,
    /// The context the calls go to (2D for a log with no call yet: its picture is drawn in 2D).
    kind: CanvasContext,
    ctx: Option<JsValue>,
    /// WebGL: the objects calls returned, per constructor name (`webgl`).
    vars: Map,
    gen: u32,
    /// The log's call index up to which calls are queued (or done).
    next: u64,
    items: VecDeque<Item>,
    seq: u64,
    /// Replaced or freed: pending images finish into nothing.
    dead: bool,
    refused: Rc<Cell<u64>>,
}

impl DomView {
    /// Canvas `slot` has calls the page does not show yet.
    pub(super) fn canvas_changed(&mut self, slot: u32) {
        if !self.canvases.pending.contains(&slot) {
            self.canvases.pending.push(slot);
        }
    }

    /// Forgets canvas `slot` (freed, or the page rebuilt).
    pub(super) fn canvas_freed(&mut self, slot: u32) {
        if let Some(q) = self.canvases.queues.remove(&slot) {
            q.borrow_mut().dead = true;
        }
    }

    /// Forgets every canvas (before a rebuild).
    pub(super) fn canvases_reset(&mut self) {
        for (_, q) in self.canvases.queues.drain() {
            q.borrow_mut().dead = true;
        }
        self.canvases.pending.clear();
    }

    /// The canvases drawn into, for the overlay to paint (a canvas is not shown in the
    /// scriptless frame, see `PLAYER_CSS`); `out` is cleared first.
    pub(in crate::play::web) fn painted_canvases(&self, out: &mut Vec<JsValue>) {
        out.clear();
        for q in self.canvases.queues.values() {
            let q = q.borrow();
            if !q.dead {
                out.push(q.canvas.clone());
            }
        }
    }

    /// Draws the pending canvases' new calls (after the tree and attributes are in place: a
    /// `width` change blanks a canvas, and must come before the calls after it).
    pub(super) fn sync_canvases(&mut self, vdom: &VDom) {
        let pending = std::mem::take(&mut self.canvases.pending);
        for &slot in &pending {
            let (Some(log), Some(node)) = (vdom.element(slot).and_then(|e| e.canvas.as_deref()), self.dom_node(slot))
            else {
                continue;
            };
            let mut canvas: JsValue = node.into();
            let kind = log.context.unwrap_or(CanvasContext::TwoD);
            let (fresh, had_queue) = match self.canvases.queues.get(&slot) {
                Some(q) => {
                    let q = q.borrow();
                    (q.gen != log.gen || q.next < log.first || q.canvas != canvas || q.kind != kind, true)
                }
                None => (false, false),
            };
            let fresh = fresh || !had_queue;
            if fresh && kind != CanvasContext::TwoD {
                // A WebGL context keeps its objects and state as long as its element, and an
                // element with a 2D context has no WebGL one: start over on a new element.
                let replace = had_queue || super::webgl::context(&canvas, kind).is_none();
                if replace {
                    match self.fresh_canvas(slot, &canvas) {
                        Some(c) => canvas = c,
                        None => continue,
                    }
                }
            }
            if fresh {
                self.canvas_freed(slot);
                let q = Rc::new(RefCell::new(Queue {
                    canvas: canvas.clone(),
                    kind,
                    ctx: None,
                    vars: Map::new(),
                    gen: log.gen,
                    next: log.first,
                    items: VecDeque::new(),
                    seq: 0,
                    dead: false,
                    refused: self.canvases.refused.clone(),
                }));
                // width = width: a blank bitmap and a default context state
                if let Ok(w) = Reflect::get(&canvas, &"width".into()) {
                    let _ = Reflect::set(&canvas, &"width".into(), &w);
                }
                if let Some(url) = &log.base {
                    let img = self.image(url);
                    enqueue(&q, Kind::Base(img.clone()), Ok(decoded(&img)));
                }
                if log.head > 0 {
                    // the kept first calls, then the places of what the dropped ones created
                    self.queue_range(&q, log, 0..log.head);
                    let held = log.skipped_objects.iter().map(|(n, k)| (n.to_string(), *k)).collect();
                    enqueue(&q, Kind::Hold(held), Ok(Array::new().into()));
                    q.borrow_mut().next = log.first;
                }
                self.canvases.queues.insert(slot, q);
            }
            let q = self.canvases.queues[&slot].clone();
            self.queue_calls(&q, log);
            pump(&q);
        }
        self.canvases.pending = pending;
        self.canvases.pending.clear();
    }

    /// A copy of canvas `slot`'s element, without a context, put in its place (`None` when the
    /// page refuses).
    fn fresh_canvas(&mut self, slot: u32, canvas: &JsValue) -> Option<JsValue> {
        let node: &web_sys::Node = canvas.unchecked_ref();
        let copy = node.clone_node_with_deep(false).ok()?;
        self.canvas_freed(slot);
        self.replace_node(slot, &copy).then(|| copy.into())
    }

    /// Queues the log's calls the queue has not seen.
    fn queue_calls(&self, q: &Rc<RefCell<Queue>>, log: &CanvasLog) {
        let from = log.position(q.borrow().next);
        self.queue_range(q, log, from..log.cmds.len());
        q.borrow_mut().next = log.end();
    }

    /// Queues `log.cmds[range]`.
    fn queue_range(&self, q: &Rc<RefCell<Queue>>, log: &CanvasLog, range: std::ops::Range<usize>) {
        for cmd in log.cmds.get(range).unwrap_or(&[]) {
            let args =
                js_sys::JSON::parse(&cmd.args).ok().filter(Array::is_array).map(JsValue::unchecked_into::<Array>);
            let step = match args {
                None => Err(()),
                // rrweb sets properties from the raw first argument
                Some(a) if cmd.setter => Ok(a.into()),
                Some(a) => self.decode_args(&a),
            };
            enqueue(q, Kind::Call { property: cmd.property.to_string(), setter: cmd.setter }, step);
        }
    }

    /// The call's arguments decoded: an array, or a promise of one when images must decode.
    fn decode_args(&self, args: &Array) -> Result<JsValue, ()> {
        self.decode(args.as_ref(), 0)
    }

    /// rrweb's `deserializeArg` for one value (see the module notes for the differences).
    fn decode(&self, v: &JsValue, depth: usize) -> Result<JsValue, ()> {
        if depth > MAX_ARG_DEPTH {
            return Err(());
        }
        if Array::is_array(v) {
            let out = Array::new();
            let mut waits = false;
            for x in v.unchecked_ref::<Array>().iter() {
                let d = self.decode(&x, depth + 1)?;
                waits |= d.is_instance_of::<Promise>();
                out.push(&d);
            }
            return Ok(if waits { Promise::all(&out).into() } else { out.into() });
        }
        if !v.is_object() {
            return Ok(v.clone());
        }
        let get = |k: &str| Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let has = |k: &str| Reflect::has(v, &k.into()).unwrap_or(false);
        let Some(name) = get("rr_type").as_string() else { return Ok(v.clone()) };
        let global = js_sys::global();
        if name == "ImageBitmap" && has("args") {
            let args = self.decode(&get("args"), depth + 1)?;
            if !Array::is_array(&args) {
                return Err(()); // an image argument still decoding: not a form rrweb records
            }
            let f = Reflect::get(&global, &"createImageBitmap".into()).map_err(|_| ())?;
            return f.unchecked_ref::<js_sys::Function>().apply(&JsValue::NULL, args.unchecked_ref()).map_err(|_| ());
        }
        if has("index") {
            return Ok(v.clone()); // a WebGL object: never a 2D argument
        }
        if has("args") {
            if !CONSTRUCTORS.contains(&name.as_str()) {
                return Err(());
            }
            let args = self.decode(&get("args"), depth + 1)?;
            if !Array::is_array(&args) {
                return Err(());
            }
            let ctor = Reflect::get(&global, &name.into()).map_err(|_| ())?;
            return Reflect::construct(ctor.unchecked_ref::<js_sys::Function>(), args.unchecked_ref()).map_err(|_| ());
        }
        if has("base64") {
            let bytes = get("base64").as_string().and_then(|s| decode_base64(&s)).ok_or(())?;
            return Ok(Uint8Array::from(bytes.as_slice()).buffer().into());
        }
        if has("src") {
            let src = get("src").as_string().ok_or(())?;
            let img = self.image(&src);
            return Ok(if complete(&img) { img } else { decoded(&img) });
        }
        if name == "Blob" && has("data") {
            let parts = self.decode(&get("data"), depth + 1)?;
            if !Array::is_array(&parts) {
                return Err(());
            }
            let opts = Object::new();
            let _ = Reflect::set(&opts, &"type".into(), &get("type"));
            let ctor = Reflect::get(&global, &"Blob".into()).map_err(|_| ())?;
            return Reflect::construct(ctor.unchecked_ref::<js_sys::Function>(), &Array::of2(&parts, &opts))
                .map_err(|_| ());
        }
        Ok(v.clone())
    }

    /// The player page's `<img>` for `src` (cached, as rrweb's `imageMap`).
    fn image(&self, src: &str) -> JsValue {
        let mut cache = self.canvases.images.borrow_mut();
        if let Some(img) = cache.get(src) {
            return img.clone();
        }
        if cache.len() >= MAX_CACHED_IMAGES {
            cache.clear();
        }
        let img = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("img").ok())
            .map_or(JsValue::UNDEFINED, JsValue::from);
        let _ = Reflect::set(&img, &"src".into(), &src.into());
        cache.insert(src.to_string(), img.clone());
        img
    }
}

fn complete(img: &JsValue) -> bool {
    Reflect::get(img, &"complete".into()).is_ok_and(|v| v.is_truthy())
        && Reflect::get(img, &"naturalWidth".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) > 0.0
}

/// A promise of `img` once decoded (rejected when it cannot be).
fn decoded(img: &JsValue) -> JsValue {
    let decode = Reflect::get(img, &"decode".into()).ok().filter(JsValue::is_function);
    let Some(p) = decode.and_then(|f| f.unchecked_ref::<js_sys::Function>().call0(img).ok()) else {
        return Promise::reject(&JsValue::NULL).into();
    };
    let img = img.clone();
    // Called once when the decode succeeds; on failure it is never called and stays allocated
    // (a few bytes per broken image).
    let to_img = Closure::once_into_js(move |_: JsValue| img);
    then(&p, &to_img)
}

/// Adds an item: ready, failed, or waiting for `step`'s promise.
fn enqueue(q: &Rc<RefCell<Queue>>, kind: Kind, step: Result<JsValue, ()>) {
    let mut qb = q.borrow_mut();
    qb.seq += 1;
    let seq = qb.seq;
    let step = match step {
        Err(()) => Step::Failed,
        Ok(v) if v.is_instance_of::<Promise>() => {
            let weak: Weak<RefCell<Queue>> = Rc::downgrade(q);
            let settled = Closure::once_into_js(move |results: JsValue| settle(&weak, seq, &results));
            let all = Promise::all_settled(&Array::of1(&v));
            let _ = then(&all, &settled);
            Step::Waiting
        }
        Ok(v) => Step::Ready(v.unchecked_into()),
    };
    qb.items.push_back(Item { seq, kind, step });
}

/// A waited-for promise settled: the item is ready (or failed), and the queue goes on.
fn settle(weak: &Weak<RefCell<Queue>>, seq: u64, results: &JsValue) {
    let Some(q) = weak.upgrade() else { return };
    {
        let mut qb = q.borrow_mut();
        if qb.dead {
            return;
        }
        let r = Reflect::get(results, &0.into()).unwrap_or(JsValue::UNDEFINED);
        let ok = Reflect::get(&r, &"status".into()).ok().and_then(|s| s.as_string()).as_deref() == Some("fulfilled");
        let value = Reflect::get(&r, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(item) = qb.items.iter_mut().find(|i| i.seq == seq) {
            item.step = match (&item.kind, ok) {
                (_, false) => Step::Failed,
                (Kind::Base(_), true) => Step::Ready(Array::new()),
                (Kind::Call { .. }, true) if Array::is_array(&value) => Step::Ready(value.unchecked_into()),
                (Kind::Call { .. }, true) => Step::Failed,
                (Kind::Hold(_), true) => Step::Ready(Array::new()),
            };
        }
    }
    pump(&q);
}

/// Runs the queue's calls in order until one waits.
fn pump(q: &Rc<RefCell<Queue>>) {
    let mut qb = q.borrow_mut();
    if qb.dead {
        return;
    }
    while let Some(item) = qb.items.front() {
        let done = match &item.step {
            Step::Waiting => break,
            Step::Failed => false,
            Step::Ready(args) => run(&qb, &item.kind, args),
        };
        if !done {
            qb.refused.set(qb.refused.get() + 1);
        }
        qb.items.pop_front();
        if qb.ctx.is_none() {
            qb.ctx = super::webgl::context(&qb.canvas, qb.kind);
        }
    }
}

/// `promise.then(callback)` (a callback made by `Closure::once_into_js`).
fn then(promise: &JsValue, callback: &JsValue) -> JsValue {
    let f = Reflect::get(promise, &"then".into()).ok().filter(JsValue::is_function);
    f.and_then(|f| f.unchecked_ref::<js_sys::Function>().call1(promise, callback).ok())
        .unwrap_or_else(|| Promise::reject(&JsValue::NULL).into())
}

/// One call on the canvas's context; false when it could not be made.
fn run(q: &Queue, kind: &Kind, args: &Array) -> bool {
    if let Kind::Hold(held) = kind {
        for (name, count) in held {
            super::webgl::hold_places(&q.vars, name, *count);
        }
        return true;
    }
    let ctx = match &q.ctx {
        Some(c) => c.clone(),
        None => match super::webgl::context(&q.canvas, q.kind) {
            Some(c) => c,
            None => return false,
        },
    };
    if let (Kind::Call { property, setter }, CanvasContext::WebGl | CanvasContext::WebGl2) = (kind, q.kind) {
        return super::webgl::run(&ctx, &q.vars, property, *setter, args);
    }
    match kind {
        Kind::Hold(_) => true,
        Kind::Base(img) => {
            let w = Reflect::get(img, &"width".into()).unwrap_or(JsValue::from(0));
            let h = Reflect::get(img, &"height".into()).unwrap_or(JsValue::from(0));
            call(&ctx, "drawImage", &Array::of5(img, &0.into(), &0.into(), &w, &h))
        }
        Kind::Call { property, setter: true } => Reflect::set(&ctx, &property.into(), &args.get(0)).is_ok(),
        Kind::Call { property, setter: false } => call(&ctx, property, args),
    }
}

fn call(ctx: &JsValue, name: &str, args: &Array) -> bool {
    let Some(f) = Reflect::get(ctx, &name.into()).ok().filter(JsValue::is_function) else { return false };
    f.unchecked_ref::<js_sys::Function>().apply(ctx, args).is_ok()
}
