//! The `#[wasm_bindgen] Player`: the playback clock, driven by `requestAnimationFrame` from
//! `js/player.js` (one [`Player::frame`] call per frame), over the pure core (checkpoints,
//! timeline) and the two browser layers (the iframe page, the overlay canvas).
//!
//! Times crossing into JavaScript are milliseconds from the recording's first event, as f64.

use super::overlay::{Overlay, Scene};
use super::dom::DomView;
use crate::play::load::{self, Loader, Start, CHUNK_EVENTS};
use crate::play::seek::Playback;
use crate::play::timeline::{analysis_of, Timeline};
use crate::play::vdom::Change;
use crate::analyze::session::{AnalyzedSession, AnalyzedSessionBuilder};
use crate::model::{EventData, Recording};
use js_sys::{Array, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// [`Player::frame`] result bits: the playback time moved.
pub const FRAME_TIME: u32 = 1;
/// The current action (index into the actions) changed.
pub const FRAME_ACTION: u32 = 2;
/// Playback reached the end (and paused).
pub const FRAME_FINISH: u32 = 4;
/// An inactive span was skipped.
pub const FRAME_SKIP: u32 = 8;

/// Speeds [`Player::set_speed`] accepts: rrweb-player's 1–8×, and 0.5× to follow fast
/// interactions (PostHog and Clarity offer it too).
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Longest wall-clock step of one frame, in ms: after a stall (a background tab, a breakpoint)
/// playback resumes where it was instead of jumping ahead.
const MAX_FRAME_STEP_MS: f64 = 250.0;
/// Events analysed between two looks at the clock in [`Player::analyze_step`]: most events
/// take microseconds, so 64 keep a slice within a fraction of a millisecond of its budget.
/// FullSnapshots and Mutations can take milliseconds each (a 2 MB Mutation adding a 2,000-row
/// table: ~10 ms), so the clock is read after each of those too ([`heavy`]).
const ANALYZE_CHECK_EVENTS: usize = 64;
/// DOM events the checkpoint pass applies between two looks at the clock in
/// [`Player::index_step`]: a few, since one Mutation can be a whole re-rendered page.
const INDEX_CHECK_EVENTS: usize = 4;

/// A player over one recording, mounted in a container element.
#[wasm_bindgen]
pub struct Player {
    playback: Playback,
    timeline: Timeline,
    dom: DomView,
    overlay: Overlay,
    /// Scratch list for `draw_with` (the page's painted canvases), kept to not allocate per frame.
    page_canvases: std::cell::RefCell<Vec<JsValue>>,
    root: HtmlElement,
    stage: HtmlElement,
    changes: Vec<Change>,
    /// Playback position, ms from the first event.
    time: f64,
    playing: bool,
    speed: f64,
    skip_inactive: bool,
    /// Whether the overlay draws the URL and caption chips over the page (a host showing them
    /// in its own chrome turns them off, so nothing covers the page).
    labels: bool,
    last_now: Option<f64>,
    action: Option<usize>,
    viewport: (f64, f64),
    /// The first FullSnapshot's time: the page shown before it is that snapshot's.
    first_snapshot: Option<i64>,
    frames_since_rebuild: u32,
    session_id: Option<String>,
    distinct_id: Option<String>,
    /// What decoding repaired (clock spikes, missing batches).
    decode_warnings: Vec<String>,
    /// The rest of a recording being decoded progressively ([`Player::load_step`]).
    loader: Option<Loader>,
    /// While loading: the last event's time as the input's last element says.
    end_hint: Option<i64>,
    /// The analysis under way ([`Player::analyze_step`]).
    analyzing: Option<Analyzing>,
}

/// Where [`Player::analyze_step`] is. Both states are boxed: they are hundreds of bytes, and
/// the player holds this field for the whole session, mostly as `None`.
enum Analyzing {
    /// The bundle pass, and the next event to give it.
    Pass(Box<AnalyzedSessionBuilder>, usize),
    /// The pass is over; its result is applied next.
    Finished(Box<AnalyzedSession>),
}

#[derive(Serialize)]
struct Info {
    start_time: i64,
    end_time: i64,
    duration_ms: i64,
    n_events: usize,
    viewport: (f64, f64),
    /// The page URL at the current time (the URL chip's).
    url: Option<String>,
    session_id: Option<String>,
    distinct_id: Option<String>,
    warnings: Vec<String>,
}

#[wasm_bindgen]
impl Player {
    /// Decodes `input` (a `string` of JSON / JSON Lines, a `Uint8Array` or `ArrayBuffer` of
    /// those or their gzip, or an array of rrweb event objects) and mounts the player in
    /// `container`: a sandboxed iframe with the page and a canvas over it, showing the first
    /// frame. Throws the decoder's error for bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(
        container: Element,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | unknown[]")] input: JsValue,
        #[wasm_bindgen(js_name = skipInactive)] skip_inactive: bool,
        speed: f64,
    ) -> Result<Player, JsError> {
        let bytes = if Array::is_array(&input) {
            let text = JSON::stringify(&input).map_err(|_| JsError::new("createPlayer: cannot serialize events"))?;
            String::from(text).into_bytes()
        } else {
            crate::wasm::bytes_of(&input, "createPlayer")?
        };
        let (recording, loader, last_timestamp) = match load::start(bytes).map_err(|e| JsError::new(&e.to_string()))? {
            Start::Whole(recording) => (recording, None, None),
            Start::Progressive { events, last_timestamp, rest } => {
                (Recording { events, ..Recording::default() }, Some(rest), last_timestamp)
            }
        };
        let mut player = Player::mount(container, recording, skip_inactive, speed).map_err(|e| {
            JsError::new(&format!("createPlayer: {}", e.as_string().unwrap_or_else(|| "cannot mount".into())))
        })?;
        if loader.is_some() {
            player.loader = loader;
            player.end_hint = last_timestamp;
        }
        Ok(player)
    }

    fn mount(container: Element, recording: Recording, skip_inactive: bool, speed: f64) -> Result<Player, JsValue> {
        let host: Document = container.owner_document().ok_or("container is not in a document")?;
        let root: HtmlElement = host.create_element("div")?.unchecked_into();
        root.set_attribute("class", "rewind-player")?;
        root.set_attribute(
            "style",
            "position:relative;width:100%;height:100%;min-height:120px;overflow:hidden;background:#e5e7eb;",
        )?;
        let stage: HtmlElement = host.create_element("div")?.unchecked_into();
        stage.set_attribute("class", "rewind-player__stage")?;
        stage.set_attribute(
            "style",
            "position:absolute;left:0;top:0;transform-origin:0 0;overflow:hidden;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15);",
        )?;
        root.append_child(&stage)?;
        let dom = DomView::new(&host, &stage)?;
        let overlay = Overlay::new(&host, &stage)?;
        container.append_child(&root)?;

        let timeline = Timeline::new(&recording.events);
        let first_snapshot =
            recording.events.iter().find(|e| matches!(e.data, EventData::FullSnapshot(_))).map(|e| e.timestamp);
        let Recording { events, session_id, distinct_id, warnings } = recording;
        let mut playback = Playback::new(events);
        playback.dom_mut().set_recording(true);
        let mut player = Player {
            playback,
            timeline,
            dom,
            overlay,
            page_canvases: Default::default(),
            root,
            stage,
            changes: Vec::new(),
            time: 0.0,
            playing: false,
            speed: if SPEEDS.contains(&speed) { speed } else { 1.0 },
            skip_inactive,
            labels: true,
            last_now: None,
            action: None,
            viewport: (0.0, 0.0),
            first_snapshot,
            frames_since_rebuild: 0,
            session_id,
            distinct_id,
            decode_warnings: warnings,
            loader: None,
            end_hint: None,
            analyzing: None,
        };
        player.resize();
        player.sync();
        player.draw();
        Ok(player)
    }

    /// Advances the clock to `now` (`performance.now()` / the rAF timestamp, ms), updates the
    /// page and redraws the overlay. Returns `FRAME_*` bits: 1 time moved, 2 current action
    /// changed, 4 finished, 8 skipped inactivity.
    pub fn frame(&mut self, now: f64) -> u32 {
        let mut flags = 0;
        // Read the page's scroll metrics before this frame's changes: the browser has just laid
        // the page out, so this costs nothing, where reading after the changes would force a
        // layout inside the frame. The scroll bar lags the page by one frame.
        let scroll = self.dom.scroll_metrics();
        if self.playing {
            let dt = self.last_now.map_or(0.0, |last| (now - last).clamp(0.0, MAX_FRAME_STEP_MS));
            self.last_now = Some(now);
            self.time += dt * self.speed;
            self.ensure_loaded_to(self.abs());
            if self.skip_inactive && self.loader.is_none() {
                if let Some(to) = self.timeline.skip_from(self.abs()) {
                    self.time = (to - self.timeline.start_ms) as f64;
                    flags |= FRAME_SKIP;
                }
            }
            let duration = self.duration();
            if self.time >= duration {
                self.time = duration;
                self.playing = false;
                self.last_now = None;
                flags |= FRAME_FINISH;
            }
            flags |= FRAME_TIME;
        }
        flags |= self.sync();
        self.draw_with(scroll);
        flags
    }

    /// Starts playing (from the start when at the end).
    pub fn play(&mut self) {
        if self.time >= self.duration() {
            self.seek(0.0);
        }
        self.playing = true;
        self.last_now = None;
    }

    /// Pauses.
    pub fn pause(&mut self) {
        self.playing = false;
        self.last_now = None;
        // the page's media stop with the player, even if no frame follows
        self.dom.sync_media(self.playback.dom(), self.dom_time(), false);
    }

    /// Whether it is playing.
    #[wasm_bindgen(getter)]
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Jumps to `ms` from the start (clamped), updates the page and overlay at once. Returns
    /// `FRAME_*` bits as [`Player::frame`] does.
    pub fn seek(&mut self, ms: f64) -> u32 {
        self.time = if ms.is_finite() { ms.clamp(0.0, self.duration()) } else { 0.0 };
        self.ensure_loaded_to(self.abs());
        self.last_now = None;
        let flags = FRAME_TIME | self.sync();
        self.draw();
        flags
    }

    /// Sets the speed: 0.5, 1, 2, 4 or 8 (others are ignored). Returns the speed in effect.
    #[wasm_bindgen(js_name = setSpeed)]
    pub fn set_speed(&mut self, speed: f64) -> f64 {
        if SPEEDS.contains(&speed) {
            self.speed = speed;
        }
        self.speed
    }

    /// The speed.
    #[wasm_bindgen(getter)]
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Skip inactive spans while playing (on by default).
    #[wasm_bindgen(js_name = setSkipInactive)]
    pub fn set_skip_inactive(&mut self, on: bool) {
        self.skip_inactive = on;
    }

    /// Whether the overlay draws the URL and caption chips (on by default); redraws at once.
    #[wasm_bindgen(js_name = setLabels)]
    pub fn set_labels(&mut self, on: bool) {
        self.labels = on;
        self.draw();
    }

    /// The playback position, ms from the first event.
    #[wasm_bindgen(js_name = currentTime)]
    pub fn current_time(&self) -> f64 {
        self.time
    }

    /// The recording's length, ms from the first event to the last (while a large recording
    /// is still being decoded, as its last event says).
    pub fn duration(&self) -> f64 {
        let end = self.end_hint.map_or(self.timeline.end_ms, |e| e.max(self.timeline.end_ms));
        (end - self.timeline.start_ms) as f64
    }

    /// Decodes more of a recording read progressively, for up to `budget_ms` of wall time;
    /// true once all of it is in (at once for recordings decoded whole). Until then the first
    /// pages play, `duration()` is the input's last event, and inactivity is not skipped.
    #[wasm_bindgen(js_name = loadStep)]
    pub fn load_step(&mut self, budget_ms: f64) -> bool {
        let start = now();
        while self.loader.is_some() {
            if self.load_chunk() {
                return true;
            }
            if now() - start >= budget_ms {
                return false;
            }
        }
        true
    }

    /// Whether the whole recording is decoded.
    #[wasm_bindgen(getter)]
    pub fn loaded(&self) -> bool {
        self.loader.is_none()
    }

    /// Bytes of the input not decoded yet: 0 once [`Player::loaded`] (or for an input decoded
    /// whole). `js/player.js` decodes up to a seek's target at once when little is left.
    #[wasm_bindgen(js_name = undecodedBytes)]
    pub fn undecoded_bytes(&self) -> f64 {
        self.loader.as_ref().map_or(0, Loader::remaining) as f64
    }

    /// How far the page can be shown without decoding more, ms from the start: the last decoded
    /// event's time while a recording is read progressively, then [`Player::duration`]. A seek
    /// past it decodes up to its target first; `js/player.js` waits for the background slices
    /// instead, so the seek costs no long task.
    #[wasm_bindgen(js_name = loadedUntil)]
    pub fn loaded_until(&self) -> f64 {
        if self.loader.is_none() {
            return self.duration();
        }
        let last = self.playback.events().last().map_or(self.timeline.start_ms, |e| e.timestamp);
        (last - self.timeline.start_ms).max(0) as f64
    }

    /// The index (into `actionsJson()`) of the last action at or before the position, or -1.
    #[wasm_bindgen(js_name = currentAction)]
    pub fn current_action(&self) -> i32 {
        self.action.map_or(-1, |a| a as i32)
    }

    /// Runs the analyzer (actions, rage clicks) for captions, ticks and `action` events, all at
    /// once ([`Player::analyze_step`] without a budget).
    pub fn analyze(&mut self) {
        self.analyze_step(f64::INFINITY);
    }

    /// Continues the analysis for up to `budget_ms` of wall time (checked every
    /// [`ANALYZE_CHECK_EVENTS`] events and after every FullSnapshot or Mutation; one event is
    /// never split, and finishing the pass and applying its result are a call each); true when
    /// it is done and its actions and rage
    /// clicks are in (a further call starts it again). Call it once the recording is loaded,
    /// between frames, so the main thread never blocks on it for long.
    #[wasm_bindgen(js_name = analyzeStep)]
    pub fn analyze_step(&mut self, budget_ms: f64) -> bool {
        let start = now();
        let (mut builder, mut next) = match self.analyzing.take() {
            Some(Analyzing::Finished(replay)) => {
                let (actions, rage) = analysis_of(*replay);
                self.timeline.set_analysis(actions, &rage);
                self.action = None;
                self.sync();
                self.draw();
                return true;
            }
            Some(Analyzing::Pass(builder, next)) => (builder, next),
            None => (Box::new(AnalyzedSessionBuilder::new()), 0),
        };
        let events = self.playback.events();
        if next >= events.len() {
            // the pass ended in the previous call; finishing is a call of its own
            self.analyzing = Some(Analyzing::Finished(Box::new(builder.finish(None, None))));
            return if budget_ms.is_infinite() { self.analyze_step(budget_ms) } else { false };
        }
        let mut since_check = 0;
        while next < events.len() {
            let event = &events[next];
            builder.push(event.clone());
            next += 1;
            since_check += 1;
            if since_check >= ANALYZE_CHECK_EVENTS || heavy(event) {
                since_check = 0;
                if now() - start >= budget_ms {
                    break;
                }
            }
        }
        self.analyzing = Some(Analyzing::Pass(builder, next));
        if budget_ms.is_infinite() {
            return self.analyze_step(budget_ms);
        }
        false
    }

    /// Continues building checkpoints for up to `budget_ms` of wall time; true when the whole
    /// recording is indexed (seeks anywhere are then cheap).
    #[wasm_bindgen(js_name = indexStep)]
    pub fn index_step(&mut self, budget_ms: f64) -> bool {
        let start = now();
        loop {
            if self.playback.build_checkpoints(INDEX_CHECK_EVENTS) {
                return true;
            }
            if now() - start >= budget_ms {
                return false;
            }
        }
    }

    /// The analyzer's actions as a JSON array (as in `analyze()`: `{t_ms, action,
    /// target_node_id, target_desc, description, url, metadata}`, `t_ms` Unix epoch ms); empty
    /// until [`Player::analyze`] ran. With `start`/`end`, only those indices (clamped), so a
    /// long list (20,000 actions on 30 MB) can be taken in pieces between frames.
    #[wasm_bindgen(js_name = actionsJson)]
    pub fn actions_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        serde_json::to_string(index_range(self.timeline.actions(), start, end)).unwrap_or_else(|_| "[]".into())
    }

    /// The scrubber's ticks as a JSON array of `{t_ms, kind, action, label}` (`kind`: click,
    /// scroll, input, page, error, rage; `t_ms` Unix epoch ms); `start`/`end` as in
    /// [`Player::actions_json`].
    #[wasm_bindgen(js_name = ticksJson)]
    pub fn ticks_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        serde_json::to_string(index_range(self.timeline.ticks(), start, end)).unwrap_or_else(|_| "[]".into())
    }

    /// The inactive spans as a JSON array of `{start_ms, end_ms}` (Unix epoch ms).
    #[wasm_bindgen(js_name = inactiveJson)]
    pub fn inactive_json(&self) -> String {
        serde_json::to_string(self.timeline.inactive()).unwrap_or_else(|_| "[]".into())
    }

    /// `{start_time, end_time, duration_ms, n_events, viewport: [w, h], url, session_id,
    /// distinct_id, warnings}` (times Unix epoch ms; `url`: the page URL at the current time,
    /// from Meta hrefs and `rewind.navigation` route changes, or null).
    #[wasm_bindgen(js_name = infoJson)]
    pub fn info_json(&self) -> String {
        let mut warnings = self.decode_warnings.clone();
        if let Some(w) = self.playback.warnings() {
            if w.total() > w.sheets + w.canvas + w.hover_css {
                warnings.push(format!(
                    "{} changes named unknown nodes, {} added nodes had no parent, {} changes the DOM refused",
                    w.node_not_found, w.dropped_adds, w.refused
                ));
            }
            if w.sheets > 0 {
                warnings.push(format!("{} style sheet changes named no sheet rrweb could find", w.sheets));
            }
            if w.hover_css > 0 {
                warnings.push(format!(
                    "{} style texts kept without hover styles (unparsable, or over {} bytes)",
                    w.hover_css,
                    crate::play::vdom::MAX_HOVER_CSS
                ));
            }
        }
        if let Some(w) = self.playback.warnings().filter(|w| w.canvas > 0) {
            warnings.push(format!(
                "{} canvas calls not replayed (for another context than the canvas's, not a canvas, or beyond the seek log)",
                w.canvas
            ));
        }
        let canvas_refused = self.dom.canvases.refused.get();
        if canvas_refused > 0 {
            warnings
                .push(format!("{canvas_refused} canvas calls the browser refused (bad arguments, images that failed)"));
        }
        if self.dom.fonts_refused > 0 {
            warnings.push(format!("{} fonts the browser refused", self.dom.fonts_refused));
        }
        if self.dom.css_refused > 0 {
            warnings.push(format!(
                "{} style sheet changes the browser refused (bad rules or indices)",
                self.dom.css_refused
            ));
        }
        let info = Info {
            start_time: self.timeline.start_ms,
            end_time: self.timeline.end_ms,
            duration_ms: self.timeline.duration_ms(),
            n_events: self.playback.events().len(),
            viewport: self.timeline.viewport_at(self.abs()),
            url: self.timeline.url_at(self.abs()).map(str::to_string),
            session_id: self.session_id.clone(),
            distinct_id: self.distinct_id.clone(),
            warnings,
        };
        serde_json::to_string(&info).unwrap_or_else(|_| "{}".into())
    }

    /// Fits the recorded viewport into the container (call when the container's size changes).
    pub fn resize(&mut self) {
        let viewport = self.timeline.viewport_at(self.abs());
        let (cw, mut ch) = (f64::from(self.root.client_width()), f64::from(self.root.client_height()));
        if ch <= 0.0 && cw > 0.0 {
            // a container without a height: take the recording's aspect ratio
            ch = (cw * viewport.1 / viewport.0).round();
            let _ = self.root.style().set_property("height", &format!("{ch}px"));
        }
        let scale = if cw > 0.0 && ch > 0.0 { (cw / viewport.0).min(ch / viewport.1) } else { 1.0 };
        let (left, top) = (((cw - viewport.0 * scale) / 2.0).max(0.0), ((ch - viewport.1 * scale) / 2.0).max(0.0));
        let style = self.stage.style();
        let _ = style.set_property("width", &format!("{}px", viewport.0));
        let _ = style.set_property("height", &format!("{}px", viewport.1));
        let _ = style.set_property("left", &format!("{left}px"));
        let _ = style.set_property("top", &format!("{top}px"));
        let _ = style.set_property("transform", &format!("scale({scale})"));
        self.dom.set_size(viewport.0, viewport.1);
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        self.overlay.resize(viewport, scale, dpr);
        self.viewport = viewport;
        self.draw();
    }

    /// Removes the player from the page. Call `free()` afterwards.
    pub fn destroy(&mut self) {
        self.playing = false;
        self.root.remove();
    }

    /// The replayed document (for tests and tools; `undefined` before it exists).
    #[wasm_bindgen(js_name = pageDocument)]
    pub fn page_document(&self) -> Option<Document> {
        self.dom.document()
    }

    /// The iframe holding the replayed page.
    #[wasm_bindgen(js_name = pageFrame)]
    pub fn page_frame(&self) -> web_sys::HtmlIFrameElement {
        self.dom.iframe.clone()
    }

    /// The overlay canvas.
    #[wasm_bindgen(js_name = overlayCanvas)]
    pub fn overlay_canvas(&self) -> web_sys::HtmlCanvasElement {
        self.overlay.canvas.clone()
    }

    /// Rebuilds the page at the current position from scratch, seeking from the nearest
    /// FullSnapshot without checkpoints (tests compare it with a seek).
    #[wasm_bindgen(js_name = rebuildStraight)]
    pub fn rebuild_straight(&mut self) {
        let n = self.playback.index_at(self.dom_time());
        let straight = Playback::replay_straight(self.playback.events(), n);
        self.dom.rebuild(&straight);
        self.dom.sync_media(&straight, self.dom_time(), false);
        // the next frame re-syncs with the playback state
        self.playback.dom_mut().push_reset();
    }

    /// The virtual DOM at the current position as text (tests).
    #[wasm_bindgen(js_name = debugDump)]
    pub fn debug_dump(&self) -> String {
        self.playback.dom().dump()
    }
}

impl Player {
    /// Everything decoded: repair and sort as the codec does (rebuilding the index when that
    /// moved anything), and index the whole recording for the timeline.
    fn finish_loading(&mut self) {
        self.loader = None;
        self.end_hint = None;
        let (warnings, changed) = load::finish(self.playback.events_mut());
        self.decode_warnings.extend(warnings);
        if changed {
            // repaired or re-sorted: index again (the next sync rebuilds the page)
            let playback = std::mem::replace(&mut self.playback, Playback::new(Vec::new()));
            self.playback = Playback::new(playback.into_events());
            self.playback.dom_mut().set_recording(true);
        }
        self.timeline = Timeline::new(self.playback.events());
        self.first_snapshot =
            self.playback.events().iter().find(|e| matches!(e.data, EventData::FullSnapshot(_))).map(|e| e.timestamp);
        self.sync();
        self.draw();
    }

    /// Decodes [`CHUNK_EVENTS`] more events; true when that finished the recording (it is then
    /// repaired, sorted and indexed as a whole).
    fn load_chunk(&mut self) -> bool {
        let Some(loader) = self.loader.as_mut() else { return true };
        match loader.next_chunk(CHUNK_EVENTS) {
            Ok(events) => self.playback.extend(events),
            Err(e) => {
                let n = self.playback.events().len();
                self.decode_warnings.push(format!("the recording could not be read past event {n}: {e}"));
                loader.next_chunk(0).ok(); // marks it done
            }
        }
        if self.loader.as_ref().is_some_and(Loader::is_done) {
            self.finish_loading();
            return true;
        }
        false
    }

    /// Playing or seeking past what is decoded: decode up to `t` now (not the whole rest: a
    /// seek early in a large recording read progressively stays as cheap as the target needs).
    fn ensure_loaded_to(&mut self, t: i64) {
        while self.loader.is_some() && self.playback.events().last().is_none_or(|e| e.timestamp <= t) {
            if self.load_chunk() {
                break;
            }
        }
    }

    fn abs(&self) -> i64 {
        self.timeline.start_ms + self.time.floor() as i64
    }

    /// The time whose DOM is shown: the position, but at least the first FullSnapshot (rrweb
    /// also shows the first page at once).
    fn dom_time(&self) -> i64 {
        let t = self.abs();
        self.first_snapshot.map_or(t, |s| t.max(s))
    }

    /// Brings the page to the current position; returns `FRAME_ACTION` when the current
    /// action changed.
    fn sync(&mut self) -> u32 {
        let n = self.playback.index_at(self.dom_time());
        self.playback.advance(n);
        self.playback.dom_mut().take_changes(&mut self.changes);
        if !self.changes.is_empty() {
            let rebuilt = self.changes.iter().any(|c| matches!(c, Change::Reset));
            self.dom.apply(self.playback.dom(), &self.changes);
            if rebuilt {
                self.frames_since_rebuild = 0;
            }
        }
        self.dom.sync_media(self.playback.dom(), self.dom_time(), self.playing);
        // Images and styles arriving after a rebuild change what can scroll: keep the
        // recorded offsets for a while.
        if self.frames_since_rebuild < 120 {
            self.frames_since_rebuild += 1;
            if self.frames_since_rebuild % 10 == 0 {
                self.dom.reapply_scrolls(self.playback.dom());
            }
        }
        if self.timeline.viewport_at(self.abs()) != self.viewport {
            self.resize();
        }
        let action = self.timeline.action_at(self.abs());
        if action != self.action {
            self.action = action;
            FRAME_ACTION
        } else {
            0
        }
    }

    fn draw(&self) {
        self.draw_with(self.dom.scroll_metrics());
    }

    fn draw_with(&self, scroll: Option<(f64, f64, f64)>) {
        let t = self.abs();
        let (url, caption) =
            if self.labels { (self.timeline.url_at(t), self.timeline.caption_at(t)) } else { (None, None) };
        let scene = Scene { t_ms: t, url, caption, scroll };
        let mut canvases = self.page_canvases.borrow_mut();
        self.dom.painted_canvases(&mut canvases);
        self.overlay.draw(&self.timeline, &scene, &canvases);
    }
}

/// `items[start..end]`, both clamped to the list (no bound: from the start, to the end).
fn index_range<T>(items: &[T], start: Option<u32>, end: Option<u32>) -> &[T] {
    let end = end.map_or(items.len(), |e| (e as usize).min(items.len()));
    &items[start.map_or(0, |s| (s as usize).min(end))..end]
}

/// Events that can take milliseconds to analyse or apply: FullSnapshots and Mutations (their
/// cost grows with the nodes they carry), after which a time-sliced pass looks at the clock.
fn heavy(event: &crate::model::Event) -> bool {
    matches!(
        event.data,
        EventData::FullSnapshot(_) | EventData::IncrementalSnapshot(crate::model::IncrementalData::Mutation(_))
    )
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}
