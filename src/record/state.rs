//! The recorder's shared state and its one way out: events are queued while the state is
//! borrowed and handed to the JS sink after the borrow ends, so a sink that calls back into
//! the recorder (e.g. `addCustomEvent` from inside `emit`) cannot hit a borrowed `RefCell`.

use super::json::{array, push_num, Obj};
use super::mirror::Mirror;
use super::mutation;
use super::serialize::Ctx;
use super::sheets::Sheets;
use super::snapshot::SnapshotJob;
use crate::privacy::PrivacyOptions;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// rrweb EventType numbers (the FullSnapshot's is written by `snapshot`): [`crate::protocol`].
pub use crate::protocol::event_type::{CUSTOM, INCREMENTAL_SNAPSHOT as INCREMENTAL, META, PLUGIN};

pub use crate::NAVIGATION_TAG;

/// The options the JS side passes (besides `privacy`).
#[derive(Clone, Debug)]
pub struct Options {
    pub checkout_every_ms: f64,
    pub mousemove_throttle_ms: f64,
    pub scroll_throttle_ms: f64,
    /// A MutationObserver batch with more records than this is not recorded record by record:
    /// it is counted as dropped and replaced by a full snapshot. A batch's size counts one per
    /// attribute or text record and, for a childList record, its added plus removed nodes (so
    /// one `innerHTML` replacing 2,000 rows counts 4,000, not 1).
    pub mutation_limit: u32,
    /// Time budget of one FullSnapshot slice (ms); a bigger page is serialized over several
    /// tasks (see `snapshot`). 0 = always in one task.
    pub snapshot_slice_ms: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            checkout_every_ms: 300_000.0,
            mousemove_throttle_ms: 50.0,
            scroll_throttle_ms: 100.0,
            mutation_limit: 10_000,
            snapshot_slice_ms: 12.0,
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
    /// Slices of the last FullSnapshot, the longest slice ever (the longest task a snapshot
    /// caused), and the last snapshot's time from start to emit (slices plus the page's tasks
    /// in between).
    pub snapshot_slices: u32,
    pub snapshot_slice_ms_max: f64,
    pub snapshot_wall_ms: f64,
    /// Time spent attaching observers in `start()`, and inside the `emit` sink (all calls).
    pub attach_ms: f64,
    pub emit_ms: f64,
}

pub struct State {
    pub privacy: PrivacyOptions,
    pub opts: Options,
    pub mirror: Mirror,
    /// Constructed sheets' `styleId`s and the sheets changed through the CSSOM.
    pub sheets: Sheets,
    pub recording: bool,
    /// Events for the sink, as JS strings (the JSON text leaves wasm memory when queued; the
    /// FullSnapshot's is handed over in pieces as it is written: see `snapshot`).
    pub out: VecDeque<JsValue>,
    pub stats: Stats,
    pub observer: Option<web_sys::MutationObserver>,
    // mouse move
    pub positions: Vec<(f64, f64, i32, f64)>,
    pub positions_source: u8,
    pub last_move: f64,
    pub move_timer: Option<i32>,
    // scroll
    pub scroll_last: FxHashMap<i32, f64>,
    /// Positions waiting for the trailing flush, `(id, x, y)` in first-scrolled order: the
    /// few elements scrolled within one throttle window (a list, not a map: each hash map
    /// type adds ~1 KB of wasm).
    pub scroll_pending: Vec<(i32, f64, f64)>,
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
    /// The FullSnapshot in progress (sliced); events recorded meanwhile are held in it.
    pub job: Option<SnapshotJob>,
    /// While the events that are part of a FullSnapshot (its document's adopted sheets) are
    /// pushed: the snapshot's timestamp, so a replayer paused at the snapshot's moment shows
    /// them (one millisecond later, they would be a change it has not reached yet).
    snapshot_stamp: Option<f64>,
    /// How the next slice is run in a new task (set by `attach`): a `MessageChannel` port and
    /// its `postMessage`, or else the callback for `setTimeout(0)`. Without either, snapshots
    /// are synchronous.
    pub slice_post: Option<(JsValue, js_sys::Function)>,
    pub slice_fn: Option<js_sys::Function>,
    pub slice_scheduled: bool,
    pub slice_timer: Option<i32>,
    /// Open shadow roots watched (observed, with `SHADOW_ROOT_EVENTS` listeners), and the set
    /// of them (a `WeakSet`) to watch each once.
    pub shadow_roots: Vec<web_sys::ShadowRoot>,
    pub shadow_seen: js_sys::WeakSet,
    /// Same-origin iframes whose document is attached (observed, with `FRAME_EVENTS`
    /// listeners), with that document (see `frames`).
    pub frames: Vec<(web_sys::Element, web_sys::Document)>,
    /// The listener shadow roots and iframe documents share (set by `attach`).
    pub inner_listener: Option<js_sys::Function>,
}

/// The events listened to on each open shadow root: they are not composed, so the document's
/// capturing listeners never see them when they happen inside one (`load`: of an iframe).
pub const SHADOW_ROOT_EVENTS: [&str; 8] =
    ["scroll", "change", "load", "play", "pause", "seeked", "volumechange", "ratechange"];

/// What the recorder's MutationObserver observes, on the document and on each open shadow root.
pub fn observer_init() -> web_sys::MutationObserverInit {
    let init = web_sys::MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attributes(true);
    init.set_character_data(true);
    init
}

impl State {
    pub fn new(privacy: PrivacyOptions, opts: Options) -> Self {
        State {
            privacy,
            opts,
            mirror: Mirror::new(),
            sheets: Sheets::new(),
            recording: false,
            out: VecDeque::new(),
            stats: Stats::default(),
            observer: None,
            positions: Vec::new(),
            positions_source: 1,
            last_move: f64::NEG_INFINITY,
            move_timer: None,
            scroll_last: FxHashMap::default(),
            scroll_pending: Vec::new(),
            scroll_timer: None,
            last_size: (0.0, 0.0),
            last_input: FxHashMap::default(),
            current_pointer_type: None,
            selection_collapsed: true,
            last_href: String::new(),
            move_fn: None,
            scroll_fn: None,
            job: None,
            snapshot_stamp: None,
            slice_post: None,
            slice_fn: None,
            slice_scheduled: false,
            slice_timer: None,
            shadow_roots: Vec::new(),
            shadow_seen: js_sys::WeakSet::new(),
            frames: Vec::new(),
            inner_listener: None,
        }
    }

    /// Watches open shadow roots found while serializing their hosts (each once): the
    /// MutationObserver observes them and their `SHADOW_ROOT_EVENTS` are listened to.
    ///
    /// Seam for adopted stylesheets (IncrementalSource 15): `roots` holds every open root whose
    /// host was just serialized (by each FullSnapshot, checkouts included, or by an add; events
    /// pushed meanwhile follow the snapshot) plus a root attached later to a recorded host
    /// (`attachShadow` hook), before the watch-once filter below. A root's sheets are recorded
    /// with `id` = its host's node id, `self.mirror.live_id(root.host().as_ref())`.
    pub fn watch_roots(&mut self, roots: Vec<web_sys::ShadowRoot>) {
        let init = observer_init();
        for root in roots {
            if self.shadow_seen.has(root.as_ref()) {
                continue;
            }
            self.shadow_seen.add(root.as_ref());
            if let Some(observer) = &self.observer {
                let _ = observer.observe_with_options(root.as_ref(), &init);
            }
            self.listen_inner(root.as_ref(), &SHADOW_ROOT_EVENTS, true);
            self.shadow_roots.push(root);
        }
    }

    /// Stops watching the roots whose host left the page (all of them with `all`, on stop).
    /// A root watched again later (its host re-added) is found again when serialized.
    pub fn unwatch_roots(&mut self, all: bool) {
        for root in std::mem::take(&mut self.shadow_roots) {
            if !all && root.host().is_connected() {
                self.shadow_roots.push(root);
                continue;
            }
            self.listen_inner(root.as_ref(), &SHADOW_ROOT_EVENTS, false);
            self.shadow_seen.delete(root.as_ref());
        }
    }

    /// Queues `{"type":kind,"data":data,"timestamp":now}` (dropped when not recording). While a
    /// FullSnapshot is in progress, events are held until it is emitted.
    pub fn push(&mut self, kind: u8, data: String) {
        if !self.recording {
            return;
        }
        let event = event_text(kind, data, self.snapshot_stamp.unwrap_or_else(now));
        match &mut self.job {
            Some(job) => job.deferred.push(event),
            None => self.out.push_back(JsValue::from_str(&event)),
        }
    }

    /// Queues an IncrementalSnapshot whose data is `{"source":source,<rest>}`; `rest` is the
    /// inner JSON of an object without braces.
    pub fn push_incremental(&mut self, source: u8, rest: &str) {
        let mut data = String::with_capacity(rest.len() + 64);
        data.push_str("{\"source\":");
        push_num(&mut data, f64::from(source));
        if !rest.is_empty() {
            data.push(',');
            data.push_str(rest);
        }
        data.push('}');
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

    /// The Meta event's data now (and `last_href`/`last_size` updated).
    fn meta_data(&mut self) -> String {
        let href = self.href();
        let (w, h) = viewport();
        self.last_href = window().location().href().unwrap_or_default();
        self.last_size = (w, h);
        Obj::new().str("href", &href).num("width", w).num("height", h).end()
    }

    /// A route change (`pushState`, `replaceState`, `popstate`, `hashchange` to a new href):
    /// the Custom event [`NAVIGATION_TAG`] with payload `{href, title}`: `href` scrubbed as
    /// Meta hrefs are, `title` (`document.title`) through the text rules of the `<title>`
    /// element (masked like the page's text). Not a Meta: rrweb's Replayer starts a seek at
    /// the last Meta and would drop the FullSnapshot before it.
    pub fn push_navigation(&mut self) {
        let href = self.href();
        self.last_href = window().location().href().unwrap_or_default();
        let doc = document();
        let title = match doc.query_selector("title").ok().flatten() {
            Some(el) => self.privacy.text_value(&super::serialize::ElView::new(&el), &doc.title()),
            None => String::new(),
        };
        let payload = Obj::new().str("href", &href).str("title", &title).end();
        self.push(CUSTOM, Obj::new().str("tag", NAVIGATION_TAG).raw("payload", &payload).end());
    }

    /// Records pending mutations (so nothing is lost or reordered), then Meta + FullSnapshot:
    /// at once when the page fits in one slice budget, else over several tasks (see
    /// `snapshot`). While one is in progress, a new request is that snapshot.
    pub fn full_snapshot(&mut self) -> Result<(), String> {
        if !self.recording || self.job.is_some() {
            return Ok(());
        }
        self.flush_mutations();
        self.flush_positions();
        if self.job.is_some() {
            return Ok(()); // the flushed records were a storm, which started a snapshot
        }
        let w = window();
        let offset = Obj::new().num("top", w.scroll_y().unwrap_or(0.0)).num("left", w.scroll_x().unwrap_or(0.0)).end();
        let meta = self.meta_data();
        let doc = document();
        self.unwatch_roots(false);
        self.unwatch_frames(false);
        let doc_id = self.mirror.id_or_assign(doc.as_ref());
        let timestamp = now();
        self.job = Some(SnapshotJob::event(doc.as_ref(), timestamp, perf_now(), meta, offset));
        self.mirror.track_known(true);
        // The document's adopted sheets as they are now, right after the FullSnapshot and at
        // its timestamp (held in the job like every event of the meantime, so later changes
        // to them follow).
        self.sheets.reset();
        self.snapshot_stamp = Some(timestamp);
        self.push_adopted(
            doc_id,
            &js_sys::Reflect::get(doc.as_ref(), &"adoptedStyleSheets".into()).unwrap_or_default(),
            false,
        );
        self.snapshot_stamp = None;
        self.snapshot_slice(true)
    }

    /// The `adoptedStyleSheets` of shadow roots whose hosts were just serialized, each named
    /// by its host's id (rrweb's AdoptedStyleSheet convention for shadow roots). Call it after
    /// the event that carries the hosts.
    pub(super) fn push_roots_adopted(&mut self, roots: &[web_sys::ShadowRoot]) {
        for root in roots {
            let Some(host_id) = self.mirror.known_id(root.host().as_ref()) else { continue };
            let sheets = js_sys::Reflect::get(root.as_ref(), &"adoptedStyleSheets".into()).unwrap_or_default();
            self.push_adopted(host_id, &sheets, false);
        }
    }

    /// Records that node `target_id` (the document, or a shadow host for its shadow root)
    /// adopts `sheets` (its `adoptedStyleSheets` array): an AdoptedStyleSheet event (source
    /// 15), with the rules of sheets new since the last FullSnapshot. An empty list is recorded
    /// only with `keep_empty` (a setter emptied it; a snapshot has nothing to say). Call it
    /// after the event that gives the replayer `target_id`.
    pub fn push_adopted(&mut self, target_id: i32, sheets: &JsValue, keep_empty: bool) {
        if let Some(rest) = self.sheets.adopted(target_id, sheets, keep_empty) {
            // The rules' `url(…)`s, as in `<style>` text.
            self.push_incremental(15, &self.privacy.css_text(&rest));
        }
    }

    /// Runs the next slice of the snapshot in progress (the first one with `first`), then
    /// emits it when done, or schedules the next slice.
    pub fn snapshot_slice(&mut self, first: bool) -> Result<(), String> {
        if self.job.is_none() {
            return Ok(());
        }
        if !first {
            // Records queued since the last slice, processed against the written prefix; their
            // events are held in the job. A storm among them finishes this job.
            self.flush_mutations();
        }
        let can_yield = self.opts.snapshot_slice_ms > 0.0 && (self.slice_post.is_some() || self.slice_fn.is_some());
        let budget = if can_yield { self.opts.snapshot_slice_ms } else { f64::INFINITY };
        let done = self.run_job(budget);
        match done {
            None => Ok(()),
            Some(true) => self.complete_snapshot(),
            Some(false) => {
                self.schedule_slice();
                Ok(())
            }
        }
    }

    /// Runs the job for up to `budget` ms: `Some(done)`, or `None` without a job.
    fn run_job(&mut self, budget: f64) -> Option<bool> {
        let mut job = self.job.take()?;
        let perf = window().performance();
        let clock = || perf.as_ref().map_or_else(js_sys::Date::now, |p| p.now());
        let t0 = clock();
        let doc = document();
        let ctx = Ctx::for_document(&self.privacy, &self.sheets, &doc);
        let done = job.run(&mut self.mirror, &ctx, t0 + budget, &clock);
        let (roots, frames) = (ctx.roots.take(), ctx.frames.take());
        let ms = clock() - t0;
        job.busy_ms += ms;
        job.slice_ms_max = job.slice_ms_max.max(ms);
        self.job = Some(job);
        // With the job back in place, so the roots' AdoptedStyleSheet events are held until
        // the FullSnapshot that gives their hosts' ids is emitted.
        self.push_roots_adopted(&roots);
        self.watch_roots(roots);
        self.attach_frames(frames);
        Some(done)
    }

    /// Finishes the snapshot in progress now, in this task (on stop, or before a storm's fresh
    /// snapshot; with `stale_mirror`, every stacked node is checked).
    pub fn finish_snapshot_now(&mut self, stale_mirror: bool) -> Result<(), String> {
        let Some(job) = self.job.as_mut() else { return Ok(()) };
        job.check_all |= stale_mirror;
        self.run_job(f64::INFINITY);
        self.complete_snapshot()
    }

    /// Emits Meta + FullSnapshot (timestamped at the start), then the events held meanwhile.
    fn complete_snapshot(&mut self) -> Result<(), String> {
        let Some(job) = self.job.take() else { return Ok(()) };
        self.mirror.track_known(false);
        let (timestamp, slices, busy, slice_max, count) =
            (job.timestamp, job.slices, job.busy_ms, job.slice_ms_max, job.count);
        let wall = perf_now() - job.started;
        let (node, meta, deferred) = job.finish_event();
        let result = match node {
            Some(node) if self.recording => {
                let st = &mut self.stats;
                st.snapshots += 1;
                st.snapshot_ms = busy;
                st.snapshot_ms_max = st.snapshot_ms_max.max(busy);
                st.snapshot_nodes = count as u64;
                st.nodes_serialized += count as u64;
                st.snapshot_slices = slices;
                st.snapshot_slice_ms_max = st.snapshot_slice_ms_max.max(slice_max);
                st.snapshot_wall_ms = wall;
                self.out.push_back(JsValue::from_str(&event_text(META, meta, timestamp)));
                self.out.push_back(node.into());
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err("takeFullSnapshot: the document could not be serialized".into()),
        };
        if self.recording {
            for event in deferred {
                self.out.push_back(JsValue::from_str(&event));
            }
        }
        result
    }

    /// Runs `snapshot_slice` in a new task: a `MessageChannel` message (not clamped like nested
    /// timers), else `setTimeout(0)`; at most one pending.
    fn schedule_slice(&mut self) {
        if self.slice_scheduled {
            return;
        }
        if let Some((port, post)) = &self.slice_post {
            if post.call1(port, &JsValue::UNDEFINED).is_ok() {
                self.slice_scheduled = true;
                return;
            }
        }
        if let Some(f) = &self.slice_fn {
            if let Ok(id) = window().set_timeout_with_callback_and_timeout_and_arguments_0(f, 0) {
                self.slice_timer = Some(id);
                self.slice_scheduled = true;
                return;
            }
        }
        // No way to yield: finish now.
        let _ = self.finish_snapshot_now(false);
    }

    /// The size of a MutationObserver batch, as `mutation_limit` counts it.
    fn batch_size(records: &js_sys::Array) -> u64 {
        use wasm_bindgen::JsCast;
        let mut size = 0u64;
        for rec in records.iter() {
            let rec: web_sys::MutationRecord = rec.unchecked_into();
            size += if rec.type_() == "childList" {
                u64::from(rec.added_nodes().length()) + u64::from(rec.removed_nodes().length())
            } else {
                1
            };
        }
        size
    }

    /// Handles one MutationObserver batch.
    pub fn on_mutations(&mut self, records: &js_sys::Array) {
        if !self.recording || records.length() == 0 {
            return;
        }
        let size = Self::batch_size(records);
        if size > u64::from(self.opts.mutation_limit) {
            // A mutation storm: a fresh snapshot is cheaper and always consistent. A snapshot in
            // progress is finished first (its held events belong before the storm); the nodes
            // the dropped records removed leave the mirror.
            self.stats.mutations_dropped += size;
            let _ = self.finish_snapshot_now(true);
            self.mirror.prune_disconnected();
            let _ = self.full_snapshot();
            return;
        }
        self.stats.mutation_batches += 1;
        let doc = document();
        let ctx = Ctx::for_document(&self.privacy, &self.sheets, &doc);
        let (data, count) = mutation::process(records, &mut self.mirror, &ctx);
        let (roots, frames) = (ctx.roots.take(), ctx.frames.take());
        self.stats.nodes_serialized += count as u64;
        if let Some(data) = data {
            self.push(INCREMENTAL, data);
        }
        // After the Mutation that added their hosts (iframes).
        self.push_roots_adopted(&roots);
        self.watch_roots(roots);
        if !self.frames.is_empty() {
            self.unwatch_frames(false); // iframes removed by this batch
        }
        self.attach_frames(frames);
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
        for (id, x, y) in pending {
            self.scroll_last.insert(id, t);
            self.push_incremental(3, &format!("\"id\":{id},\"x\":{},\"y\":{}", num(x), num(y)));
        }
    }
}

/// `{"type":kind,"data":data,"timestamp":timestamp}`. The head goes in front of `data` in
/// place: a Mutation's data can be megabytes, and is made with room for it (no second copy).
fn event_text(kind: u8, mut data: String, timestamp: f64) -> String {
    let mut head = String::from("{\"type\":");
    push_num(&mut head, f64::from(kind));
    head.push_str(",\"data\":");
    data.reserve(head.len() + 32);
    data.insert_str(0, &head);
    data.push_str(",\"timestamp\":");
    push_num(&mut data, timestamp);
    data.push('}');
    data
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
            let failed = self.emit.call1(&JsValue::NULL, &event).is_err();
            let ms = perf_now() - t0;
            if let Ok(mut s) = self.state.try_borrow_mut() {
                s.stats.emit_ms += ms;
                s.stats.emit_errors += u64::from(failed);
            }
        }
    }
}
