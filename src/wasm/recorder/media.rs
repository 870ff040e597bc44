//! The recorder's opt-in canvas and font capture, wasm side: canvas node ids, and the queue
//! their events join. The browser work (sampling canvases, encoding frames off the main
//! thread, wrapping `FontFace`) and the events' JSON are in `js/capture-media.js`, loaded only
//! when `capture.canvas` or `capture.fonts` is set: the always-loaded recorder carries only
//! these two small methods (+0.7 KB gzip as bundled, BENCHMARKS.md).
//!
//! Shapes are rrweb 2.1.1's (`record/observers/canvas/canvas-manager.ts`, sampled mode, and
//! `initFontObserver` in `record/observer.ts`), so rrweb's Replayer replays them:
//! - IncrementalSource 9 (CanvasMutation), 2D: `{id, type: 0, commands: [clearRect(0, 0, w, h),
//!   drawImage(ImageBitmap(Blob([ArrayBuffer base64], type)), 0, 0, w, h)]}`. rrweb draws at
//!   `(0, 0)` at the bitmap's size; the extra `w, h` stretch a frame downscaled by `maxSize`
//!   back over the whole canvas.
//! - IncrementalSource 10 (Font): `{family, fontSource, buffer, descriptors}`; `fontSource` is
//!   the CSS `src` text, or (`buffer: true`) the font's bytes as a JSON array of numbers.

use super::Recorder;
use crate::record::state::INCREMENTAL;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
impl Recorder {
    /// The node id of `canvas` when its pixels may be recorded: it is recorded, the replayer
    /// has it, and it is not blocked (`rr-block`, `blockSelector`: a blocked canvas is a
    /// placeholder, and one inside a blocked element is not recorded at all). Else -1.
    #[wasm_bindgen(js_name = canvasId)]
    pub fn canvas_id(&self, #[wasm_bindgen(unchecked_param_type = "Element")] canvas: &JsValue) -> i32 {
        let Some(node) = canvas.dyn_ref::<web_sys::Node>() else { return -1 };
        let s = self.core.state.borrow();
        if !s.recording || s.mirror.event_blocked(node) {
            return -1;
        }
        s.mirror.known_id(node).unwrap_or(-1)
    }

    /// Queues an IncrementalSnapshot whose `data` is JSON text made by `js/capture-media.js`
    /// (`JSON.stringify`): a CanvasMutation (`{"source":9,...}`) of canvas `id`, or a Font
    /// (`{"source":10,...}`, `id` -1); see the module docs for the shapes. Returns whether it
    /// was recorded: not when not recording, when `data` is not an object of one of these two
    /// sources, or when canvas `id` is no longer recorded and unblocked (removed, blocked).
    #[wasm_bindgen(js_name = addMediaEvent)]
    pub fn add_media_event(&self, id: i32, data: String) -> bool {
        let canvas = data.starts_with("{\"source\":9,");
        if !(canvas || data.starts_with("{\"source\":10,")) || !data.ends_with('}') {
            return false;
        }
        self.core
            .with(|s| {
                if !s.recording || (canvas && (!s.mirror.is_known(id) || s.mirror.is_blocked_id(id))) {
                    return false;
                }
                s.push(INCREMENTAL, data);
                true
            })
            .unwrap_or(false)
    }
}
