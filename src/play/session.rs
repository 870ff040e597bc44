//! [`Session`]: one recording being played, as pure logic — the playback clock (speeds,
//! inactivity skipping, the end), progressive loading, the time-sliced analysis and checkpoint
//! passes, and what the page should show at the current position. No browser API: the edge
//! (`play::web`, driven by the `Player` export in `wasm/`) passes the wall clock in, applies the
//! [`Change`]s this hands out to the real page, and draws the overlay from [`Session::timeline`].
//!
//! Times are ms: `now` arguments are the caller's monotonic clock (`performance.now()` in the
//! browser), positions are ms from the recording's first event (f64, as they cross into JS),
//! and [`Session::abs`] / [`Session::dom_time`] are Unix epoch ms, the events' own clock.

use super::load::{self, Loader, Start, CHUNK_EVENTS};
use super::seek::Playback;
use super::timeline::{analysis_of, Timeline};
use super::vdom::{Change, VDom};
use crate::analyze::session::{AnalyzedSession, AnalyzedSessionBuilder};
use crate::codec::DecodeError;
use crate::model::{Event, EventData, IncrementalData, Recording};
use serde::Serialize;

/// [`Session::tick`] result bits (and the `Player.frame()` ones): the playback time moved.
pub const FRAME_TIME: u32 = 1;
/// The current action (index into the actions) changed.
pub const FRAME_ACTION: u32 = 2;
/// Playback reached the end (and paused).
pub const FRAME_FINISH: u32 = 4;
/// An inactive span was skipped.
pub const FRAME_SKIP: u32 = 8;

/// Speeds [`Session::set_speed`] accepts: rrweb-player's 1–8×, and 0.5× to follow fast
/// interactions (PostHog and Clarity offer it too).
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Longest wall-clock step of one frame, in ms: after a stall (a background tab, a breakpoint)
/// playback resumes where it was instead of jumping ahead.
pub const MAX_FRAME_STEP_MS: f64 = 250.0;
/// Events analysed between two looks at the clock in [`Session::analyze_step`]: most events
/// take microseconds, so 64 keep a slice within a fraction of a millisecond of its budget.
/// FullSnapshots and Mutations can take milliseconds each (a 2 MB Mutation adding a 2,000-row
/// table: ~10 ms), so the clock is read after each of those too ([`heavy`]).
pub const ANALYZE_CHECK_EVENTS: usize = 64;
/// DOM events the checkpoint pass applies between two looks at the clock in
/// [`Session::index_step`]: a few, since one Mutation can be a whole re-rendered page.
pub const INDEX_CHECK_EVENTS: usize = 4;

/// One recording being played: its events and checkpoints, its timeline, the clock, and the
/// passes still to run (the rest of the input, the analysis, the checkpoints).
pub struct Session {
    playback: Playback,
    timeline: Timeline,
    /// Playback position, ms from the first event.
    time: f64,
    playing: bool,
    speed: f64,
    skip_inactive: bool,
    last_now: Option<f64>,
    action: Option<usize>,
    /// The first FullSnapshot's time: the page shown before it is that snapshot's.
    first_snapshot: Option<i64>,
    session_id: Option<String>,
    distinct_id: Option<String>,
    /// What decoding repaired (clock spikes, missing batches).
    decode_warnings: Vec<String>,
    /// The rest of a recording being decoded progressively ([`Session::load_step`]).
    loader: Option<Loader>,
    /// While loading: the last event's time as the input's last element says.
    end_hint: Option<i64>,
    /// The analysis under way ([`Session::analyze_step`]).
    analyzing: Option<Analyzing>,
}

/// Where [`Session::analyze_step`] is. Both states are boxed: they are hundreds of bytes, and
/// the session holds this field for its whole life, mostly as `None`.
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

impl Session {
    /// Starts decoding `bytes` (any input `codec::decode` accepts): a JSON array of events
    /// (plain or gzip'd) is read up to its first FullSnapshot now and the rest by
    /// [`Session::load_step`]; other shapes are decoded whole. `speed` outside [`SPEEDS`] is 1.
    /// Errors are the decoder's, for the input as a whole.
    pub fn open(bytes: Vec<u8>, skip_inactive: bool, speed: f64) -> Result<Session, DecodeError> {
        Ok(match load::start(bytes)? {
            Start::Whole(recording) => Session::new(recording, skip_inactive, speed),
            Start::Progressive { events, last_timestamp, rest } => {
                let mut session = Session::new(Recording { events, ..Recording::default() }, skip_inactive, speed);
                session.loader = Some(rest);
                session.end_hint = last_timestamp;
                session
            }
        })
    }

    /// Starts a session on the beginning of a recording still arriving (`head`: the first bytes
    /// of a JSON array of events, e.g. a response being read; not gzip'd): `Ok(None)` until
    /// those bytes hold the first FullSnapshot (call again with more of them), else the session
    /// showing it. The rest goes in through [`Session::push_input`] and
    /// [`Session::end_input`], decoded by [`Session::load_step`] as it comes. Errors:
    /// [`DecodeError::UnsupportedFormat`] when the input is not an array, the codec's error when
    /// its first chunk is invalid.
    pub fn open_stream(head: Vec<u8>, skip_inactive: bool, speed: f64) -> Result<Option<Session>, DecodeError> {
        let Some((events, rest)) = load::start_stream(head)? else {
            return Ok(None);
        };
        let mut session = Session::new(Recording { events, ..Recording::default() }, skip_inactive, speed);
        session.loader = Some(rest);
        Ok(Some(session))
    }

    /// The next bytes of a recording opened by [`Session::open_stream`] (ignored otherwise, and
    /// after [`Session::end_input`]).
    pub fn push_input(&mut self, bytes: &[u8]) {
        if let Some(loader) = self.loader.as_mut() {
            loader.push(bytes);
        }
    }

    /// No more bytes will come: the rest is decoded by [`Session::load_step`] as usual (an
    /// array left open is the decoder's warning, and what came plays).
    pub fn end_input(&mut self) {
        if let Some(loader) = self.loader.as_mut() {
            loader.end();
        }
    }

    /// True while a streamed recording's decoding has caught up with the bytes received:
    /// [`Session::load_step`] has nothing to do until [`Session::push_input`] or
    /// [`Session::end_input`], and a seek past what arrived stays where the decoding is.
    pub fn waiting(&self) -> bool {
        self.loader.as_ref().is_some_and(Loader::is_waiting)
    }

    /// A session over a decoded recording, paused at its start.
    pub fn new(recording: Recording, skip_inactive: bool, speed: f64) -> Session {
        let timeline = Timeline::new(&recording.events);
        let first_snapshot = first_snapshot(&recording.events);
        let Recording { events, session_id, distinct_id, warnings } = recording;
        let mut playback = Playback::new(events);
        playback.dom_mut().set_recording(true);
        Session {
            playback,
            timeline,
            time: 0.0,
            playing: false,
            speed: if SPEEDS.contains(&speed) { speed } else { 1.0 },
            skip_inactive,
            last_now: None,
            action: None,
            first_snapshot,
            session_id,
            distinct_id,
            decode_warnings: warnings,
            loader: None,
            end_hint: None,
            analyzing: None,
        }
    }

    /// Advances the clock to `now` (ms) while playing: by the wall time since the previous
    /// tick × speed (at most [`MAX_FRAME_STEP_MS`] of wall time; the first tick after
    /// [`Session::play`] or a seek only takes the time), decoding up to the new position and
    /// skipping inactive spans. Returns `FRAME_TIME` (plus `FRAME_SKIP`, `FRAME_FINISH`) while
    /// playing, 0 when paused. The page is brought along by [`Session::advance`].
    pub fn tick(&mut self, now: f64) -> u32 {
        if !self.playing {
            return 0;
        }
        let mut flags = FRAME_TIME;
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
        flags
    }

    /// Starts playing from the position (the edge seeks to 0 first when [`Session::at_end`]).
    pub fn play(&mut self) {
        self.playing = true;
        self.last_now = None;
    }

    /// Pauses.
    pub fn pause(&mut self) {
        self.playing = false;
        self.last_now = None;
    }

    /// Holds the clock at the position for this frame (the page is not shown yet): the next
    /// [`Session::tick`] only takes the time, so playing goes on from where the page is shown
    /// instead of jumping by the wait.
    pub fn hold(&mut self) {
        self.last_now = None;
    }

    /// Whether it is playing.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Whether the position is at the end.
    pub fn at_end(&self) -> bool {
        self.time >= self.duration()
    }

    /// Moves to `ms` from the start (clamped; not finite: 0), decoding up to it first.
    pub fn seek(&mut self, ms: f64) {
        self.time = if ms.is_finite() { ms.clamp(0.0, self.duration()) } else { 0.0 };
        self.ensure_loaded_to(self.abs());
        self.last_now = None;
    }

    /// Sets the speed when it is one of [`SPEEDS`] (others are ignored); returns the speed in
    /// effect.
    pub fn set_speed(&mut self, speed: f64) -> f64 {
        if SPEEDS.contains(&speed) {
            self.speed = speed;
        }
        self.speed
    }

    /// The speed.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Skip inactive spans while playing.
    pub fn set_skip_inactive(&mut self, on: bool) {
        self.skip_inactive = on;
    }

    /// The playback position, ms from the first event.
    pub fn current_time(&self) -> f64 {
        self.time
    }

    /// The recording's length, ms from the first event to the last (while a large recording
    /// is still being decoded, as its last event says).
    pub fn duration(&self) -> f64 {
        let end = self.end_hint.map_or(self.timeline.end_ms, |e| e.max(self.timeline.end_ms));
        (end - self.timeline.start_ms) as f64
    }

    /// Decodes more of a recording read progressively until `clock()` (ms) says `budget_ms`
    /// have passed (a chunk is never split); true once all of it is in (at once for recordings
    /// decoded whole). Until then the first pages play, `duration()` is the input's last
    /// event (for a stream: the latest event received), and inactivity is not skipped. A
    /// stream's step also returns false, early, once it has caught up with the bytes received
    /// ([`Session::waiting`]).
    pub fn load_step(&mut self, budget_ms: f64, clock: &mut impl FnMut() -> f64) -> bool {
        let start = clock();
        while self.loader.is_some() {
            if self.load_chunk() {
                return true;
            }
            if self.waiting() || clock() - start >= budget_ms {
                return false;
            }
        }
        true
    }

    /// Whether the whole recording is decoded.
    pub fn loaded(&self) -> bool {
        self.loader.is_none()
    }

    /// Bytes of the input not decoded yet: 0 once [`Session::loaded`] (or for an input decoded
    /// whole).
    pub fn undecoded_bytes(&self) -> usize {
        self.loader.as_ref().map_or(0, Loader::remaining)
    }

    /// How far the page can be shown without decoding more, ms from the start: the last decoded
    /// event's time while a recording is read progressively, then [`Session::duration`].
    pub fn loaded_until(&self) -> f64 {
        if self.loader.is_none() {
            return self.duration();
        }
        let last = self.playback.events().last().map_or(self.timeline.start_ms, |e| e.timestamp);
        (last - self.timeline.start_ms).max(0) as f64
    }

    /// The index (into the actions) of the last action at or before the position, as of the
    /// last [`Session::update_action`].
    pub fn current_action(&self) -> Option<usize> {
        self.action
    }

    /// Continues the analysis (actions, rage clicks) until `clock()` says `budget_ms` have
    /// passed (checked every [`ANALYZE_CHECK_EVENTS`] events and after every FullSnapshot or
    /// Mutation; one event is never split, and finishing the pass and applying its result are a
    /// call each; an infinite budget does it all at once); true when it is done and its actions
    /// and rage clicks are in (a further call starts it again). The current action is then
    /// unset, so the edge's next [`Session::update_action`] reports it.
    pub fn analyze_step(&mut self, budget_ms: f64, clock: &mut impl FnMut() -> f64) -> bool {
        let start = clock();
        let (mut builder, mut next) = match self.analyzing.take() {
            Some(Analyzing::Finished(replay)) => {
                let (actions, rage) = analysis_of(*replay);
                self.timeline.set_analysis(actions, &rage);
                self.action = None;
                return true;
            }
            Some(Analyzing::Pass(builder, next)) => (builder, next),
            None => (Box::new(AnalyzedSessionBuilder::new()), 0),
        };
        let events = self.playback.events();
        if next >= events.len() {
            // the pass ended in the previous call; finishing is a call of its own
            self.analyzing = Some(Analyzing::Finished(Box::new(builder.finish(None, None))));
            return if budget_ms.is_infinite() { self.analyze_step(budget_ms, clock) } else { false };
        }
        let mut since_check = 0;
        while next < events.len() {
            let event = &events[next];
            builder.push(event.clone());
            next += 1;
            since_check += 1;
            if since_check >= ANALYZE_CHECK_EVENTS || heavy(event) {
                since_check = 0;
                if clock() - start >= budget_ms {
                    break;
                }
            }
        }
        self.analyzing = Some(Analyzing::Pass(builder, next));
        if budget_ms.is_infinite() {
            return self.analyze_step(budget_ms, clock);
        }
        false
    }

    /// Continues building checkpoints until `clock()` says `budget_ms` have passed; true when
    /// the whole recording is indexed (seeks anywhere are then cheap).
    pub fn index_step(&mut self, budget_ms: f64, clock: &mut impl FnMut() -> f64) -> bool {
        let start = clock();
        loop {
            if self.playback.build_checkpoints(INDEX_CHECK_EVENTS) {
                return true;
            }
            if clock() - start >= budget_ms {
                return false;
            }
        }
    }

    /// The analyzer's actions as a JSON array (as in `analyze()`: `{t_ms, action,
    /// target_node_id, target_desc, description, url, metadata}`, `t_ms` Unix epoch ms); empty
    /// until the analysis ran. With `start`/`end`, only those indices (clamped), so a long list
    /// (20,000 actions on 30 MB) can be taken in pieces between frames.
    pub fn actions_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        serde_json::to_string(index_range(self.timeline.actions(), start, end)).unwrap_or_else(|_| "[]".into())
    }

    /// The scrubber's ticks as a JSON array of `{t_ms, kind, action, label}` (`kind`: click,
    /// scroll, input, page, error, rage; `t_ms` Unix epoch ms); `start`/`end` as in
    /// [`Session::actions_json`].
    pub fn ticks_json(&self, start: Option<u32>, end: Option<u32>) -> String {
        serde_json::to_string(index_range(self.timeline.ticks(), start, end)).unwrap_or_else(|_| "[]".into())
    }

    /// The inactive spans as a JSON array of `{start_ms, end_ms}` (Unix epoch ms).
    pub fn inactive_json(&self) -> String {
        serde_json::to_string(self.timeline.inactive()).unwrap_or_else(|_| "[]".into())
    }

    /// `{start_time, end_time, duration_ms, n_events, viewport: [w, h], url, session_id,
    /// distinct_id, warnings}` (times Unix epoch ms; `url`: the page URL at the current time,
    /// from Meta hrefs and `rewind.navigation` route changes, or null). `warnings` are the
    /// decoder's, the virtual DOM's, then `edge_warnings` (what the browser refused).
    pub fn info_json(&self, edge_warnings: Vec<String>) -> String {
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
                    super::vdom::MAX_HOVER_CSS
                ));
            }
        }
        if let Some(w) = self.playback.warnings().filter(|w| w.canvas > 0) {
            warnings.push(format!(
                "{} canvas calls not replayed (for another context than the canvas's, not a canvas, or beyond the seek log)",
                w.canvas
            ));
        }
        warnings.extend(edge_warnings);
        let info = Info {
            start_time: self.timeline.start_ms,
            end_time: self.timeline.end_ms,
            duration_ms: self.timeline.duration_ms(),
            n_events: self.playback.events().len(),
            viewport: self.viewport(),
            url: self.timeline.url_at(self.abs()).map(str::to_string),
            session_id: self.session_id.clone(),
            distinct_id: self.distinct_id.clone(),
            warnings,
        };
        serde_json::to_string(&info).unwrap_or_else(|_| "{}".into())
    }

    /// Brings the virtual DOM to [`Session::dom_time`] and moves what that changed into
    /// `changes` (cleared first) for the edge to apply to the page.
    pub fn advance(&mut self, changes: &mut Vec<Change>) {
        let n = self.playback.index_at(self.dom_time());
        self.playback.advance(n);
        self.playback.dom_mut().take_changes(changes);
    }

    /// Looks up the current action at the position; `FRAME_ACTION` when it changed, else 0.
    pub fn update_action(&mut self) -> u32 {
        let action = self.timeline.action_at(self.abs());
        if action != self.action {
            self.action = action;
            FRAME_ACTION
        } else {
            0
        }
    }

    /// The virtual DOM as of the last [`Session::advance`].
    pub fn vdom(&self) -> &VDom {
        self.playback.dom()
    }

    /// The virtual DOM at [`Session::dom_time`] replayed from the nearest FullSnapshot without
    /// checkpoints (tests compare it with a seek). The next [`Session::advance`] hands out a
    /// `Reset`, so the page is rebuilt from the playback state again.
    pub fn replay_straight(&mut self) -> VDom {
        let n = self.playback.index_at(self.dom_time());
        let straight = Playback::replay_straight(self.playback.events(), n);
        self.playback.dom_mut().push_reset();
        straight
    }

    /// The timeline (pointer, clicks, URL, captions, ticks), for the overlay.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The recorded viewport at the position, CSS px `(width, height)`.
    pub fn viewport(&self) -> (f64, f64) {
        self.timeline.viewport_at(self.abs())
    }

    /// The position as a Unix epoch ms timestamp.
    pub fn abs(&self) -> i64 {
        self.timeline.start_ms + self.time.floor() as i64
    }

    /// The time whose DOM is shown: the position, but at least the first FullSnapshot (rrweb
    /// also shows the first page at once).
    pub fn dom_time(&self) -> i64 {
        let t = self.abs();
        self.first_snapshot.map_or(t, |s| t.max(s))
    }

    /// Everything decoded: repair and sort as the codec does (rebuilding the index when that
    /// moved anything), and index the whole recording for the timeline.
    fn finish_loading(&mut self) {
        self.loader = None;
        self.end_hint = None;
        let (warnings, changed) = load::finish(self.playback.events_mut());
        self.decode_warnings.extend(warnings);
        if changed {
            // repaired or re-sorted: index again (the next advance rebuilds the page)
            let playback = std::mem::replace(&mut self.playback, Playback::new(Vec::new()));
            self.playback = Playback::new(playback.into_events());
            self.playback.dom_mut().set_recording(true);
        }
        self.timeline = Timeline::new(self.playback.events());
        self.first_snapshot = first_snapshot(self.playback.events());
    }

    /// Decodes [`CHUNK_EVENTS`] more events; true when that finished the recording (it is then
    /// repaired, sorted and indexed as a whole).
    fn load_chunk(&mut self) -> bool {
        let Some(loader) = self.loader.as_mut() else { return true };
        match loader.next_chunk(CHUNK_EVENTS) {
            Ok(events) => {
                // A streamed recording has no last element to read its end from: it grows.
                if let Some(last) = events.iter().map(|e| e.timestamp).max().filter(|_| loader.is_open()) {
                    self.end_hint = Some(self.end_hint.map_or(last, |h| h.max(last)));
                }
                self.playback.extend(events)
            }
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
    /// A stream stops at what has arrived ([`Session::waiting`]).
    fn ensure_loaded_to(&mut self, t: i64) {
        while self.loader.is_some() && self.playback.events().last().is_none_or(|e| e.timestamp <= t) {
            if self.load_chunk() || self.waiting() {
                break;
            }
        }
    }
}

fn first_snapshot(events: &[Event]) -> Option<i64> {
    events.iter().find(|e| matches!(e.data, EventData::FullSnapshot(_))).map(|e| e.timestamp)
}

/// `items[start..end]`, both clamped to the list (no bound: from the start, to the end).
fn index_range<T>(items: &[T], start: Option<u32>, end: Option<u32>) -> &[T] {
    let end = end.map_or(items.len(), |e| (e as usize).min(items.len()));
    &items[start.map_or(0, |s| (s as usize).min(end))..end]
}

/// Events that can take milliseconds to analyse or apply: FullSnapshots and Mutations (their
/// cost grows with the nodes they carry), after which a time-sliced pass looks at the clock.
fn heavy(event: &Event) -> bool {
    matches!(event.data, EventData::FullSnapshot(_) | EventData::IncrementalSnapshot(IncrementalData::Mutation(_)))
}

#[cfg(test)]
mod tests;
