//! The recorder's shared state and its one way out: events are queued while the state is
//! borrowed and handed to the JS sink after the borrow ends, so a sink that calls back into
//! the recorder (e.g. `addCustomEvent` from inside `emit`) cannot hit a borrowed `RefCell`.

use super::json::{array, Obj};
use super::mirror::Mirror;
use super::mutation;
use super::serialize::{serialize_tree, Ctx};
use crate::privacy::PrivacyOptions;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// rrweb EventType numbers.
pub const FULL_SNAPSHOT: u8 = 2;
pub const INCREMENTAL: u8 = 3;
pub const META: u8 = 4;
pub const CUSTOM: u8 = 5;
pub const PLUGIN: u8 = 6;

/// The options the JS side passes (besides `privacy`).
#[derive(Clone, Debug)]
pub struct Options {
    pub checkout_every_ms: f64,
    pub mousemove_throttle_ms: f64,
    pub scroll_throttle_ms: f64,
    pub capture_console: bool,
    pub console_levels: Vec<String>,
    /// A MutationObserver batch with more records than this is not recorded record by record:
    /// it is counted as dropped and replaced by a full snapshot.
    pub mutation_limit: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            checkout_every_ms: 300_000.0,
            mousemove_throttle_ms: 50.0,
            scroll_throttle_ms: 100.0,
            capture_console: false,
            console_levels: vec!["error".into(), "warn".into()],
            mutation_limit: 10_000,
        }
    }
}

#[derive(Default, Debug, Clone)]
pub struct Stats {
    pub events_emitted: u64,
    pub emit_errors: u64,
    pub nodes_serialized: u64,
    pub mutation_batches: u64,
    pub mutations_dropped: u64,
    pub snapshots: u64,
    pub snapshot_ms: f64,
    pub snapshot_ms_max: f64,
    pub snapshot_nodes: u64,
    pub console_logs: u32,
    /// Time spent attaching observers in `start()`, and inside the `emit` sink (all calls).
    pub attach_ms: f64,
    pub emit_ms: f64,
}

pub struct State {
    pub privacy: PrivacyOptions,
    pub opts: Options,
    pub mirror: Mirror,
    pub recording: bool,
    pub out: VecDeque<String>,
    pub stats: Stats,
    pub observer: Option<web_sys::MutationObserver>,
    // mouse move
    pub positions: Vec<(f64, f64, i32, f64)>,
    pub positions_source: u8,
    pub last_move: f64,
    pub move_timer: Option<i32>,
    // scroll
    pub scroll_last: FxHashMap<i32, f64>,
    pub scroll_pending: FxHashMap<i32, (f64, f64)>,
    pub scroll_timer: Option<i32>,
    // viewport, input, pointer, selection, navigation
    pub last_size: (f64, f64),
    pub last_input: FxHashMap<i32, (String, bool)>,
    pub current_pointer_type: Option<u8>,
    pub selection_collapsed: bool,
    pub last_href: String,
    /// Timer callbacks (owned by the attached observers) for the trailing flushes.
    pub move_fn: Option<js_sys::Function>,
    pub scroll_fn: Option<js_sys::Function>,
}

impl State {
    pub fn new(privacy: PrivacyOptions, opts: Options) -> Self {
        State {
            privacy,
            opts,
            mirror: Mirror::new(),
            recording: false,
            out: VecDeque::new(),
            stats: Stats::default(),
            observer: None,
            positions: Vec::new(),
            positions_source: 1,
            last_move: f64::NEG_INFINITY,
            move_timer: None,
            scroll_last: FxHashMap::default(),
            scroll_pending: FxHashMap::default(),
            scroll_timer: None,
            last_size: (0.0, 0.0),
            last_input: FxHashMap::default(),
            current_pointer_type: None,
            selection_collapsed: true,
            last_href: String::new(),
            move_fn: None,
            scroll_fn: None,
        }
    }

    /// Queues `{"type":kind,"data":data,"timestamp":now}` (dropped when not recording).
    pub fn push(&mut self, kind: u8, data: String) {
        if !self.recording {
            return;
        }
        let event = Obj::new().num("type", kind as f64).raw("data", &data).num("timestamp", now()).end();
        self.out.push_back(event);
    }

    /// Queues an IncrementalSnapshot whose data is `{"source":source,<rest>}`; `rest` is the
    /// inner JSON of an object without braces.
    pub fn push_incremental(&mut self, source: u8, rest: &str) {
        let data = if rest.is_empty() {
            format!("{{\"source\":{source}}}")
        } else {
            format!("{{\"source\":{source},{rest}}}")
        };
        self.push(INCREMENTAL, data);
    }

    /// The page URL, for `scrub_url` (relative URLs resolve against it).
    pub fn origin(&self) -> String {
        window().location().href().unwrap_or_default()
    }

    /// The scrubbed current href.
    pub fn href(&self) -> String {
        let href = window().location().href().unwrap_or_default();
        self.privacy.scrub_url(&href, &self.origin())
    }

    pub fn push_meta(&mut self) {
        let href = self.href();
        let (w, h) = viewport();
        self.last_href = window().location().href().unwrap_or_default();
        self.last_size = (w, h);
        self.push(META, Obj::new().str("href", &href).num("width", w).num("height", h).end());
    }

    /// Records pending mutations (so nothing is lost or reordered), then Meta + FullSnapshot.
    pub fn full_snapshot(&mut self) -> Result<(), String> {
        if !self.recording {
            return Ok(());
        }
        self.flush_mutations();
        self.flush_positions();
        let doc = document();
        let t0 = perf_now();
        let ctx = Ctx::for_document(&self.privacy, &doc);
        let Some((node, count)) = serialize_tree(doc.as_ref(), &mut self.mirror, &ctx) else {
            return Err("takeFullSnapshot: the document could not be serialized".into());
        };
        let ms = perf_now() - t0;
        self.stats.snapshots += 1;
        self.stats.snapshot_ms = ms;
        self.stats.snapshot_ms_max = self.stats.snapshot_ms_max.max(ms);
        self.stats.snapshot_nodes = count as u64;
        self.stats.nodes_serialized += count as u64;
        let w = window();
        let offset = Obj::new().num("top", w.scroll_y().unwrap_or(0.0)).num("left", w.scroll_x().unwrap_or(0.0)).end();
        self.push_meta();
        self.push(FULL_SNAPSHOT, Obj::new().raw("node", &node).raw("initialOffset", &offset).end());
        Ok(())
    }

    /// Handles one MutationObserver batch.
    pub fn on_mutations(&mut self, records: &js_sys::Array) {
        if !self.recording || records.length() == 0 {
            return;
        }
        if records.length() > self.opts.mutation_limit {
            // A mutation storm: a fresh snapshot is cheaper and always consistent.
            self.stats.mutations_dropped += records.length() as u64;
            let _ = self.full_snapshot();
            return;
        }
        self.stats.mutation_batches += 1;
        let doc = document();
        let ctx = Ctx::for_document(&self.privacy, &doc);
        let (data, count) = mutation::process(records, &mut self.mirror, &ctx);
        self.stats.nodes_serialized += count as u64;
        if let Some(data) = data {
            self.push(INCREMENTAL, data);
        }
    }

    /// Takes and records the observer's queued records now.
    pub fn flush_mutations(&mut self) {
        if let Some(observer) = &self.observer {
            let records = observer.take_records();
            self.on_mutations(&records);
        }
    }

    /// Emits the buffered mouse/touch positions (timeOffset ≤ 0, relative to now).
    pub fn flush_positions(&mut self) {
        if self.positions.is_empty() {
            return;
        }
        let t = now();
        let positions = std::mem::take(&mut self.positions);
        let items = positions.iter().map(|&(x, y, id, at)| {
            Obj::new().num("x", x).num("y", y).num("id", id as f64).num("timeOffset", at - t).end()
        });
        let rest = format!("\"positions\":{}", array(items));
        let source = self.positions_source;
        self.push_incremental(source, &rest);
    }

    pub fn flush_scrolls(&mut self) {
        let pending = std::mem::take(&mut self.scroll_pending);
        let t = now();
        for (id, (x, y)) in pending {
            self.scroll_last.insert(id, t);
            self.push_incremental(3, &format!("\"id\":{id},\"x\":{},\"y\":{}", num(x), num(y)));
        }
    }
}

pub fn num(n: f64) -> String {
    let mut s = String::new();
    super::json::push_num(&mut s, n);
    s
}

pub fn now() -> f64 {
    js_sys::Date::now().floor()
}

pub fn perf_now() -> f64 {
    window().performance().map_or_else(js_sys::Date::now, |p| p.now())
}

pub fn window() -> web_sys::Window {
    web_sys::window().expect("the recorder runs in a browser window")
}

pub fn document() -> web_sys::Document {
    window().document().expect("the window has a document")
}

pub fn viewport() -> (f64, f64) {
    let w = window();
    let width = w.inner_width().ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let height = w.inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    (width, height)
}

/// State plus the sink. Cloned into every listener closure.
#[derive(Clone)]
pub struct Core {
    pub state: Rc<RefCell<State>>,
    pub emit: Rc<js_sys::Function>,
}

impl Core {
    /// Runs `f` on the state (skipped, returning `None`, if the state is busy — a listener
    /// fired synchronously from inside the recorder), then hands queued events to the sink.
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        let result = {
            let Ok(mut state) = self.state.try_borrow_mut() else { return None };
            f(&mut state)
        };
        self.flush();
        Some(result)
    }

    /// Calls the sink once per queued event, in order. A throwing sink is counted, not fatal.
    pub fn flush(&self) {
        loop {
            let event = match self.state.try_borrow_mut() {
                Ok(mut s) => match s.out.pop_front() {
                    Some(e) => {
                        s.stats.events_emitted += 1;
                        e
                    }
                    None => return,
                },
                Err(_) => return,
            };
            let t0 = perf_now();
            let failed = self.emit.call1(&JsValue::NULL, &JsValue::from_str(&event)).is_err();
            let ms = perf_now() - t0;
            if let Ok(mut s) = self.state.try_borrow_mut() {
                s.stats.emit_ms += ms;
                s.stats.emit_errors += u64::from(failed);
            }
        }
    }
}
