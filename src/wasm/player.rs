//! The `#[wasm_bindgen] Player` that `js/player.js` wraps: the playback clock, driven by
//! `requestAnimationFrame` (one [`Player::frame`] call per frame). It converts and delegates:
//! the clock, loading and analysis are [`Session`] (pure, tested natively), the page and the
//! overlay canvas are [`PlayerView`] (`play::web`).
//!
//! Times crossing into JavaScript are milliseconds from the recording's first event, as f64.

use crate::play::session::Session;
pub use crate::play::session::{FRAME_ACTION, FRAME_FINISH, FRAME_SKIP, FRAME_TIME, SPEEDS};
use crate::play::web::player::{now, PlayerView};
use js_sys::{Array, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

/// A player over one recording, mounted in a container element.
#[wasm_bindgen]
pub struct Player {
    session: Session,
    view: PlayerView,
}

#[wasm_bindgen]
impl Player {
    /// Decodes `input` (a `string` of JSON / JSON Lines, a `Uint8Array` or `ArrayBuffer` of
    /// those or their gzip, or an array of rrweb event objects) up to its first page and mounts
    /// the player in `container`: a sandboxed iframe for the page and a canvas over it. The page
    /// itself is built by [`Player::build_step`] (`building` until then). Throws the decoder's
    /// error for bad input.
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
            super::bytes_of(&input, "createPlayer")?
        };
        let session = Session::open(bytes, skip_inactive, speed).map_err(|e| JsError::new(&e.to_string()))?;
        Player::mount(&container, session)
    }

    /// Mounts a player on the beginning of a recording still arriving (`head`: the first bytes
    /// of a JSON array of events, e.g. a response being read): `undefined` until those bytes
    /// hold the first FullSnapshot (call again with more of them), else the player showing it.
    /// The rest goes in through [`Player::push_input`] and [`Player::end_input`], decoded by
    /// [`Player::load_step`] as it comes. Throws when the input is not an array or its first
    /// chunk is invalid.
    #[wasm_bindgen(js_name = fromStream)]
    pub fn from_stream(
        container: Element,
        head: Vec<u8>,
        #[wasm_bindgen(js_name = skipInactive)] skip_inactive: bool,
        speed: f64,
    ) -> Result<Option<Player>, JsError> {
        match Session::open_stream(head, skip_inactive, speed).map_err(|e| JsError::new(&e.to_string()))? {
            Some(session) => Player::mount(&container, session).map(Some),
            None => Ok(None),
        }
    }

    /// True while the page is being built in slices: after mounting (the first step brings the
    /// virtual DOM to the position, the next ones build the document from the top, `<head>`
    /// first, so the browser lays it out between slices) and after a seek issued meanwhile
    /// (the build starts over for it). The clock holds until [`Player::build_step`] returns
    /// true. `js/player.js` builds the first page this way before `createPlayer` resolves.
    #[wasm_bindgen(getter)]
    pub fn building(&self) -> bool {
        self.view.building()
    }

    /// Goes on building the page for up to `budget_ms` of wall time; true once it is shown (or
    /// when no build is in progress). A seek or the rest of the file decoded meanwhile restarts
    /// the build for the new position.
    #[wasm_bindgen(js_name = buildStep)]
    pub fn build_step(&mut self, budget_ms: f64) -> bool {
        self.view.build_step(&mut self.session, budget_ms)
    }

    /// The next bytes of a recording mounted by [`Player::from_stream`] (ignored otherwise).
    #[wasm_bindgen(js_name = pushInput)]
    pub fn push_input(&mut self, bytes: &[u8]) {
        self.session.push_input(bytes);
    }

    /// No more bytes will come: the rest is decoded by [`Player::load_step`] as usual.
    #[wasm_bindgen(js_name = endInput)]
    pub fn end_input(&mut self) {
        self.session.end_input();
    }

    /// True while a streamed recording's decoding has caught up with the bytes received:
    /// [`Player::load_step`] has nothing to do until [`Player::push_input`] or
    /// [`Player::end_input`].
    #[wasm_bindgen(getter)]
    pub fn waiting(&self) -> bool {
        self.session.waiting()
    }

    /// Advances the clock to `now` (`performance.now()` / the rAF timestamp, ms), updates the
    /// page and redraws the overlay. Returns `FRAME_*` bits: 1 time moved, 2 current action
    /// changed, 4 finished, 8 skipped inactivity.
    pub fn frame(&mut self, now: f64) -> u32 {
        self.view.frame(&mut self.session, now)
    }

    /// Starts playing (from the start when at the end).
    pub fn play(&mut self) {
        self.view.play(&mut self.session);
    }

    /// Pauses.
    pub fn pause(&mut self) {
        self.view.pause(&mut self.session);
    }

    /// Whether it is playing.
    #[wasm_bindgen(getter)]
    pub fn playing(&self) -> bool {
        self.session.playing()
    }

    /// Jumps to `ms` from the start (clamped), updates the page and overlay at once. Returns
    /// `FRAME_*` bits as [`Player::frame`] does.
    pub fn seek(&mut self, ms: f64) -> u32 {
        self.view.seek(&mut self.session, ms)
    }

    /// Sets the speed: 0.5, 1, 2, 4 or 8 (others are ignored). Returns the speed in effect.
    #[wasm_bindgen(js_name = setSpeed)]
    pub fn set_speed(&mut self, speed: f64) -> f64 {
        self.session.set_speed(speed)
    }

    /// The speed.
    #[wasm_bindgen(getter)]
    pub fn speed(&self) -> f64 {
        self.session.speed()
    }

    /// Skip inactive spans while playing (on by default).
    #[wasm_bindgen(js_name = setSkipInactive)]
    pub fn set_skip_inactive(&mut self, on: bool) {
        self.session.set_skip_inactive(on);
    }

    /// Whether the overlay draws the URL and caption chips (on by default); redraws at once.
    #[wasm_bindgen(js_name = setLabels)]
    pub fn set_labels(&mut self, on: bool) {
        self.view.set_labels(&self.session, on);
    }

    /// The playback position, ms from the first event.
    #[wasm_bindgen(js_name = currentTime)]
    pub fn current_time(&self) -> f64 {
        self.session.current_time()
    }

    /// The recording's length, ms from the first event to the last (while a large recording
    /// is still being decoded, as its last event says).
    pub fn duration(&self) -> f64 {
        self.session.duration()
    }

    /// Decodes more of a recording read progressively, for up to `budget_ms` of wall time;
    /// true once all of it is in (at once for recordings decoded whole). Until then the first
    /// pages play, `duration()` is the input's last event (for a stream: the latest received),
    /// and inactivity is not skipped. A stream's step returns early once it has caught up with
    /// the bytes received ([`Player::waiting`]).
    #[wasm_bindgen(js_name = loadStep)]
    pub fn load_step(&mut self, budget_ms: f64) -> bool {
        let was_loading = !self.session.loaded();
        let done = self.session.load_step(budget_ms, &mut now);
        if done && was_loading {
            // repaired, sorted and indexed as a whole: show the position again
            self.view.refresh(&mut self.session);
        }
        done
    }

    /// Whether the whole recording is decoded.
    #[wasm_bindgen(getter)]
    pub fn loaded(&self) -> bool {
        self.session.loaded()
    }

    /// Bytes of the input not decoded yet: 0 once [`Player::loaded`] (or for an input decoded
    /// whole). `js/player.js` decodes up to a seek's target at once when little is left.
    #[wasm_bindgen(js_name = undecodedBytes)]
    pub fn undecoded_bytes(&self) -> f64 {
        self.session.undecoded_bytes() as f64
    }

    /// How far the page can be shown without decoding more, ms from the start: the last decoded
    /// event's time while a recording is read progressively, then [`Player::duration`]. A seek
    /// past it decodes up to its target first; `js/player.js` waits for the background slices
    /// instead, so the seek costs no long task.
    #[wasm_bindgen(js_name = loadedUntil)]
    pub fn loaded_until(&self) -> f64 {
        self.session.loaded_until()
    }

    /// The index (into `actionsJson()`) of the last action at or before the position, or -1.
    #[wasm_bindgen(js_name = currentAction)]
    pub fn current_action(&self) -> i32 {
        self.session.current_action().map_or(-1, |a| a as i32)
    }

    /// Runs the analyzer (actions, rage clicks) for captions, ticks and `action` events, all at
    /// once ([`Player::analyze_step`] without a budget).
    pub fn analyze(&mut self) {
        self.analyze_step(f64::INFINITY);
    }

    /// Continues the analysis for up to `budget_ms` of wall time (checked every
    /// `ANALYZE_CHECK_EVENTS` events and after every FullSnapshot or Mutation; one event is
    /// never split, and finishing the pass and applying its result are a call each); true when
    /// it is done and its actions and rage
    /// clicks are in (a further call starts it again). Call it once the recording is loaded,
    /// between frames, so the main thread never blocks on it for long.
    #[wasm_bindgen(js_name = analyzeStep)]
    pub fn analyze_step(&mut self, budget_ms: f64) -> bool {
        let done = self.session.analyze_step(budget_ms, &mut now);
        if done {
            self.view.refresh(&mut self.session);
        }
        done
    }

    /// Continues building checkpoints for up to `budget_ms` of wall time; true when the whole
    /// recording is indexed (seeks anywhere are then cheap).
    #[wasm_bindgen(js_name = indexStep)]
    pub fn index_step(&mut self, budget_ms: f64) -> bool {
        self.session.index_step(budget_ms, &mut now)
    }

    /// The analyzer's actions as a JSON array (as in `analyze()`: `{t_ms, action,
    /// target_node_id, target_desc, description, url, metadata}`, `t_ms` Unix epoch ms); empty
    /// until [`Player::analyze`] ran. With `start`/`end`, only those indices (clamped), so a
    /// long list (20,000 actions on 30 MB) can be taken in pieces between frames.
    #[wasm_bindgen(js_name = actionsJson)]
    pub fn actions_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        self.session.actions_json(start, end)
    }

    /// The scrubber's ticks as a JSON array of `{t_ms, kind, action, label}` (`kind`: click,
    /// scroll, input, page, error, rage; `t_ms` Unix epoch ms); `start`/`end` as in
    /// [`Player::actions_json`].
    #[wasm_bindgen(js_name = ticksJson)]
    pub fn ticks_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        self.session.ticks_json(start, end)
    }

    /// The inactive spans as a JSON array of `{start_ms, end_ms}` (Unix epoch ms).
    #[wasm_bindgen(js_name = inactiveJson)]
    pub fn inactive_json(&self) -> String {
        self.session.inactive_json()
    }

    /// `{start_time, end_time, duration_ms, n_events, viewport: [w, h], url, session_id,
    /// distinct_id, warnings}` (times Unix epoch ms; `url`: the page URL at the current time,
    /// from Meta hrefs and `rewind.navigation` route changes, or null).
    #[wasm_bindgen(js_name = infoJson)]
    pub fn info_json(&self) -> String {
        self.session.info_json(self.view.warnings())
    }

    /// Fits the recorded viewport into the container (call when the container's size changes).
    pub fn resize(&mut self) {
        self.view.resize(&self.session);
    }

    /// Removes the player from the page. Call `free()` afterwards.
    pub fn destroy(&mut self) {
        self.session.pause();
        self.view.destroy();
    }

    /// The replayed document (for tests and tools; `undefined` before it exists).
    #[wasm_bindgen(js_name = pageDocument)]
    pub fn page_document(&self) -> Option<Document> {
        self.view.page_document()
    }

    /// The iframe holding the replayed page.
    #[wasm_bindgen(js_name = pageFrame)]
    pub fn page_frame(&self) -> web_sys::HtmlIFrameElement {
        self.view.page_frame()
    }

    /// The overlay canvas.
    #[wasm_bindgen(js_name = overlayCanvas)]
    pub fn overlay_canvas(&self) -> web_sys::HtmlCanvasElement {
        self.view.overlay_canvas()
    }

    /// Rebuilds the page at the current position from scratch, seeking from the nearest
    /// FullSnapshot without checkpoints (tests compare it with a seek).
    #[wasm_bindgen(js_name = rebuildStraight)]
    pub fn rebuild_straight(&mut self) {
        self.view.rebuild_straight(&mut self.session);
    }

    /// The virtual DOM at the current position as text (tests).
    #[wasm_bindgen(js_name = debugDump)]
    pub fn debug_dump(&self) -> String {
        self.session.vdom().dump()
    }
}

impl Player {
    /// Shows `session` in `container` ([`PlayerView::mount`]); its errors are `createPlayer`'s.
    fn mount(container: &Element, mut session: Session) -> Result<Player, JsError> {
        let view = PlayerView::mount(container, &mut session).map_err(|e| {
            JsError::new(&format!("createPlayer: {}", e.as_string().unwrap_or_else(|| "cannot mount".into())))
        })?;
        Ok(Player { session, view })
    }
}
