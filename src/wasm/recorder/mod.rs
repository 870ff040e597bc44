//! The `Recorder` class exported to JS (see the module docs of `record` for the format).

use crate::record::json::Obj;
use crate::record::observers::{attach, Attached};
use crate::record::state::{window, Core, State, CUSTOM, PLUGIN};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod media;

/// Records the page as rrweb events, handed one by one (JSON text) to `emit`.
#[wasm_bindgen]
pub struct Recorder {
    core: Core,
    attached: RefCell<Option<Attached>>,
}

#[wasm_bindgen]
impl Recorder {
    /// `options`: `{privacy?: PrivacyOptions, checkoutEveryMs? = 300000 (0 = never),
    /// mousemoveThrottleMs? = 50, scrollThrottleMs? = 100, mutationLimit? = 10000,
    /// snapshotSliceMs? = 12}` (console capture is the opt-in chunk `js/console.js`).
    /// `emit(eventJson: string)` is called synchronously, in order, once per rrweb event.
    /// `mutationLimit`: a MutationObserver batch bigger than this (one per attribute or text
    /// record, added + removed nodes per childList record) is recorded as a fresh FullSnapshot.
    /// `snapshotSliceMs`: a FullSnapshot that takes longer is serialized over several tasks of
    /// about this length, and emitted when done (0 = always in one task).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ privacy?: Record<string, unknown>; checkoutEveryMs?: number; \
            mousemoveThrottleMs?: number; scrollThrottleMs?: number; mutationLimit?: number; \
            snapshotSliceMs?: number } | undefined")]
        options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(eventJson: string) => void")] emit: js_sys::Function,
    ) -> Result<Recorder, JsError> {
        let (privacy, opts) =
            crate::record::options::recorder_options(&options).map_err(|e| JsError::new(&format!("Recorder: {e}")))?;
        let state = State::new(privacy, opts);
        Ok(Recorder {
            core: Core { state: Rc::new(RefCell::new(state)), emit: Rc::new(emit) },
            attached: RefCell::new(None),
        })
    }

    /// Attaches the observers, then emits Meta then FullSnapshot: before returning when the
    /// page fits in one slice (`snapshotSliceMs`), else when the last slice is done (events of
    /// the meantime follow it). Starting twice is a no-op.
    pub fn start(&self) -> Result<(), JsError> {
        if self.attached.borrow().is_some() {
            return Ok(());
        }
        if self.core.with(|s| s.recording = true).is_none() {
            return Err(JsError::new("Recorder.start: the recorder is busy"));
        }
        // Observers first: a snapshot sliced over several tasks needs the mutations meanwhile.
        let t0 = crate::record::state::perf_now();
        *self.attached.borrow_mut() = Some(attach(&self.core));
        let ms = crate::record::state::perf_now() - t0;
        self.core.state.borrow_mut().stats.attach_ms = ms;
        let error = match self.core.with(|s| s.full_snapshot()) {
            Some(Ok(())) => return Ok(()),
            Some(Err(e)) => e,
            None => "Recorder.start: the recorder is busy".into(),
        };
        self.finish(false);
        Err(JsError::new(&error))
    }

    /// Records what is pending (queued mutations, buffered positions and scrolls), then detaches
    /// every observer, listener, timer and patch. Idempotent; nothing is emitted afterwards.
    pub fn stop(&self) {
        self.finish(true);
    }
}

impl Recorder {
    /// Ends the recording: with `flush`, pending mutations/positions/scrolls are emitted first.
    fn finish(&self, flush: bool) {
        let Some(attached) = self.attached.borrow_mut().take() else { return };
        if flush {
            self.core.with(|s| {
                s.flush_mutations();
                let _ = s.finish_snapshot_now(false);
                s.flush_positions();
                s.flush_scrolls();
            });
        }
        // Flushing may have re-entered; whatever happens, end the recording now.
        {
            let mut s = self.core.state.borrow_mut();
            s.recording = false;
            s.out.clear();
            let win = window();
            if let Some(id) = s.move_timer.take() {
                win.clear_timeout_with_handle(id);
            }
            if let Some(id) = s.scroll_timer.take() {
                win.clear_timeout_with_handle(id);
            }
            if let Some(id) = s.slice_timer.take() {
                win.clear_timeout_with_handle(id);
            }
            s.move_fn = None;
            s.scroll_fn = None;
            s.job = None;
            s.slice_post = None;
            s.slice_fn = None;
            s.slice_scheduled = false;
            s.observer = None;
            s.positions.clear();
            s.scroll_pending.clear();
            s.last_input.clear();
            s.scroll_last.clear();
            s.unwatch_roots(true);
            s.unwatch_frames(true);
            s.inner_listener = None;
            // Release every recorded node (no DOM kept alive by a stopped recorder); a later
            // start() begins again at id 1 with a new FullSnapshot, as rrweb's record() does.
            s.mirror = crate::record::mirror::Mirror::new();
            s.sheets = crate::record::sheets::Sheets::new();
        }
        attached.detach();
    }
}

/// A recorder freed from JS (`free()`) without `stop()` detaches everything, so no listener
/// is left calling a dropped closure.
impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish(false);
    }
}

#[wasm_bindgen]
impl Recorder {
    /// A new Meta + FullSnapshot now (pending mutations are recorded first), sliced as at
    /// start. No-op when not recording, or while a snapshot is in progress.
    #[wasm_bindgen(js_name = takeFullSnapshot)]
    pub fn take_full_snapshot(&self) -> Result<(), JsError> {
        match self.core.with(|s| s.full_snapshot()) {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(JsError::new(&e)),
            None => Err(JsError::new("takeFullSnapshot: the recorder is busy")),
        }
    }

    /// A Custom event `{tag, payload}`; strings in `payload` are PII-redacted. Dropped when
    /// not recording.
    #[wasm_bindgen(js_name = addCustomEvent)]
    pub fn add_custom_event(
        &self,
        tag: &str,
        #[wasm_bindgen(unchecked_param_type = "unknown")] payload: JsValue,
    ) -> Result<(), JsError> {
        let privacy = self.core.state.borrow().privacy.clone();
        let payload = crate::record::options::redacted_payload_json(&payload, &privacy)
            .map_err(|e| JsError::new(&format!("addCustomEvent: {e}")))?;
        self.core.with(|s| {
            let tag = s.privacy.redact(tag);
            s.push(CUSTOM, Obj::new().str("tag", &tag).raw("payload", &payload).end());
        });
        Ok(())
    }

    /// A Plugin event `{plugin, payload}`, after the pending mutations; `payloadJson` is
    /// written as is. For rewind's own chunks only (not app data: use `addCustomEvent`, which redacts).
    #[wasm_bindgen(js_name = addPluginEvent)]
    pub fn add_plugin_event(&self, plugin: &str, payload_json: &str) {
        // The network chunk (`js/network.js`) passes `rrweb/network@1` payloads that
        // `privacy::network` wrote in its own wasm: valid JSON, already redacted; the vitals
        // chunk (`js/vitals.js`) `rewind/web-vitals@1` payloads of numbers and the page URL from
        // `JSON.stringify`. No JSON parser here, as everywhere in the recorder.
        // The console chunk's (`js/console.js`) `rrweb/console@1` payloads come from the same
        // wasm, written and redacted by `privacy::console`. Mutations the observer still holds
        // are recorded first, as for the recorder's own listeners: events stay in page order.
        self.core.with(|s| {
            if s.recording {
                s.flush_mutations();
            }
            s.push(PLUGIN, Obj::new().str("plugin", plugin).raw("payload", payload_json).end())
        });
    }

    /// Counters: `{recording, eventsEmitted, emitErrors, nodesSerialized, mirrorSize,
    /// mutationBatches, mutationsDropped, snapshots, snapshotMs, snapshotMsMax, snapshotNodes,
    /// snapshotSlices, snapshotSliceMsMax, snapshotWallMs, snapshotInProgress, attachMs,
    /// emitMs}` (times in ms, from `performance.now()`; `snapshotMs` is the last
    /// snapshot's serializing time summed over its slices, `snapshotSliceMsMax` the longest
    /// slice so far, `snapshotWallMs` the last snapshot's start-to-emit time; `emitMs` is the
    /// time spent inside the `emit` sink, string conversion included).
    #[wasm_bindgen(unchecked_return_type = "{ recording: boolean; eventsEmitted: number; emitErrors: number; \
        nodesSerialized: number; mirrorSize: number; mutationBatches: number; mutationsDropped: number; \
        snapshots: number; snapshotMs: number; snapshotMsMax: number; snapshotNodes: number; snapshotSlices: number; \
        snapshotSliceMsMax: number; snapshotWallMs: number; snapshotInProgress: boolean; \
        attachMs: number; emitMs: number }")]
    pub fn stats(&self) -> JsValue {
        let s = self.core.state.borrow();
        let st = &s.stats;
        let text = Obj::new()
            .bool("recording", s.recording)
            .num("eventsEmitted", st.events_emitted as f64)
            .num("emitErrors", st.emit_errors as f64)
            .num("nodesSerialized", st.nodes_serialized as f64)
            .num("mirrorSize", s.mirror.len() as f64)
            .num("mutationBatches", st.mutation_batches as f64)
            .num("mutationsDropped", st.mutations_dropped as f64)
            .num("snapshots", st.snapshots as f64)
            .num("snapshotMs", st.snapshot_ms)
            .num("snapshotMsMax", st.snapshot_ms_max)
            .num("snapshotNodes", st.snapshot_nodes as f64)
            .num("snapshotSlices", st.snapshot_slices as f64)
            .num("snapshotSliceMsMax", st.snapshot_slice_ms_max)
            .num("snapshotWallMs", st.snapshot_wall_ms)
            .bool("snapshotInProgress", s.job.is_some())
            .num("attachMs", st.attach_ms)
            .num("emitMs", st.emit_ms)
            .end();
        js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
    }
}
