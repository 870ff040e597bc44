//! The page layer's media: `<audio>`/`<video>` elements of the iframe follow the virtual DOM's
//! [`MediaState`](crate::play::vdom::MediaState) at the playhead — `currentTime`, `volume`, `muted`,
//! `loop`, `playbackRate`, and playing only while both the recording and the player play
//! (rrweb's Replayer likewise pauses recorded media when it pauses). The player's clock is the
//! reference: a playing element drifting from it by more than [`MAX_DRIFT_S`] is put back.
//!
//! A sandboxed frame often cannot load the recorded source; the properties still hold (a
//! media element without data keeps `currentTime` as its default playback start position).

use super::DomView;
use crate::play::vdom::VDom;
use js_sys::Reflect;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// How far (seconds) a playing element may drift from the player's clock before it is seeked.
const MAX_DRIFT_S: f64 = 0.3;

impl DomView {
    /// Brings every media element to its state at `t_ms` (recording time, Unix epoch ms);
    /// `playing`: whether the player itself is playing.
    pub(in crate::play::web) fn sync_media(&mut self, vdom: &VDom, t_ms: i64, playing: bool) {
        let mut k = 0;
        while k < self.media.len() {
            let slot = self.media[k];
            let state = vdom.element(slot).and_then(|e| e.media.as_deref());
            let (Some(m), Some(node)) = (state, self.dom_node(slot)) else {
                self.media.swap_remove(k);
                continue;
            };
            k += 1;
            let set = |name: &str, v: JsValue| {
                if Reflect::get(&node, &name.into()).ok().as_ref() != Some(&v) {
                    let _ = Reflect::set(&node, &name.into(), &v);
                }
            };
            set("muted", m.muted.into());
            set("volume", m.volume.into());
            set("playbackRate", m.rate.into());
            if let Some(l) = m.looped {
                set("loop", l.into());
            }
            let want = m.time_at(t_ms);
            let now = Reflect::get(&node, &"currentTime".into()).ok().and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
            let paused = Reflect::get(&node, &"paused".into()).map_or(true, |v| v.is_truthy());
            let run = m.playing && playing;
            let tolerance = if run { MAX_DRIFT_S } else { 0.001 };
            // NaN (no currentTime yet) counts as drifted.
            let in_step = (now - want).abs() <= tolerance;
            if !in_step {
                let _ = Reflect::set(&node, &"currentTime".into(), &want.into());
            }
            if run && paused {
                // play() answers with a promise that rejects when the frame may not play
                // (no source, autoplay policy): expected, and not an error of the page.
                if let Ok(p) = call0(&node, "play") {
                    if let Ok(catch) = Reflect::get(&p, &"catch".into()) {
                        if let Some(f) = catch.dyn_ref::<js_sys::Function>() {
                            let _ = f.call1(&p, self.ignore.as_ref().unchecked_ref());
                        }
                    }
                }
            } else if !run && !paused {
                let _ = call0(&node, "pause");
            }
        }
    }

    /// Starts following element `slot` (its state changed, or it was built with one).
    pub(super) fn track_media(&mut self, slot: u32) {
        if !self.media.contains(&slot) {
            self.media.push(slot);
        }
    }
}

/// A no-op callback (for rejected `play()` promises).
pub(super) fn ignore() -> Closure<dyn FnMut(JsValue)> {
    Closure::new(|_: JsValue| {})
}

fn call0(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f = Reflect::get(target, &name.into())?;
    if !f.is_function() {
        return Err(JsValue::from_str("not a function"));
    }
    f.unchecked_ref::<js_sys::Function>().call0(target)
}
