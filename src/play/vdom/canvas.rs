//! Canvas drawing: rrweb IncrementalSource CanvasMutation (9) for 2D contexts, as rrweb 2.1.1's
//! Replayer's `canvasMutation` applies it (with `UNSAFE_replayCanvas`), and the FullSnapshot's
//! `rr_dataURL` on a `<canvas>` (rrweb-snapshot's `buildNode` draws that image at (0, 0) once it
//! has loaded).
//!
//! The virtual DOM does not draw. Each canvas keeps a [`CanvasLog`]: the picture it started
//! from (`rr_dataURL`) and the 2D context calls recorded since, as rrweb serialized them (raw
//! JSON, decoded by the browser edge, `play::web::dom::canvas`). A seek replays the log onto a fresh
//! canvas; playing forward, the edge appends the new calls.
//!
//! The log is bounded ([`MAX_CANVAS_COMMANDS`]). It restarts when the browser itself would
//! start over: a `width`/`height` attribute change resets a canvas's bitmap and context state
//! (HTML spec), as does `reset()`. Past the bound, the log is compacted at the last `clearRect`
//! that covers the whole canvas (when nothing logged before it transforms or clips, so the clear
//! really erased everything): what came before is dropped except the state a later call may
//! read (every setter's last value, the last `setLineDash`, the path since the last
//! `beginPath`). When no such clear exists, the oldest calls are dropped and counted in
//! [`Warnings::canvas`](super::Warnings): a seek onto that canvas then shows only the newest
//! calls (live playback is unaffected; the edge drew every call as it came).
//!
//! WebGL (CanvasMutation `type` 1 and 2) logs the same way, bounded differently (`webgl.rs`):
//! its state (programs, buffers, textures) lives as long as the context, so nothing can be
//! compacted at a clear.

use super::{Change, NodeData, VDom};
use crate::model::{CanvasCommand, CanvasMutationData};
use serde_json::value::RawValue;
use std::sync::Arc;

/// Most 2D calls kept per canvas for seeking. rrweb records each call of an animation frame,
/// so a canvas redrawn at 60 fps with ~80 calls a frame fills this in about 2 s; pages that
/// redraw clear first, which lets the log compact instead of dropping anything.
pub const MAX_CANVAS_COMMANDS: usize = 10_000;

/// One recorded call on a 2D context.
#[derive(Clone, Debug, PartialEq)]
pub struct CanvasCmd {
    /// Method or property name (`fillRect`, `fillStyle`).
    pub property: Arc<str>,
    /// The serialized `args` as a JSON array (rrweb's `serializeArg` forms, not decoded).
    pub args: Arc<str>,
    /// A property set (`ctx[property] = args[0]`) rather than a method call.
    pub setter: bool,
}

/// The rendering context a canvas's calls go to (rrweb's `CanvasContext`: 2D 0, WebGL 1,
/// WebGL2 2). A canvas has one: the browser's `getContext` returns null for another kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanvasContext {
    TwoD,
    WebGl,
    WebGl2,
}

/// What a canvas shows: a starting picture and the calls since.
#[derive(Clone, Debug, PartialEq)]
pub struct CanvasLog {
    /// Distinguishes this bitmap from earlier ones of the same element (after a reset).
    pub gen: u32,
    /// The FullSnapshot's `rr_dataURL` (drawn at (0, 0) before any call), if any.
    pub base: Option<Arc<str>>,
    /// The context of the calls (`None`: no call yet).
    pub context: Option<CanvasContext>,
    /// Calls, oldest first. `cmds[..head]` are calls `0..head` of this bitmap (a WebGL log
    /// keeps its first calls, see `webgl.rs`; 0 for 2D); `cmds[head]` is call number `first`.
    pub cmds: Vec<CanvasCmd>,
    /// The number of leading calls kept from the start (WebGL only).
    pub head: usize,
    /// The call number of `cmds[head]`: calls `head..first` were compacted or dropped.
    pub first: u64,
    /// Calls dropped without an equivalent (the log is incomplete for seeking).
    pub dropped: u64,
    /// WebGL objects the dropped calls created, per rrweb constructor name (`WebGLBuffer`):
    /// the edge holds their places in its variable lists, so later `{rr_type, index}`
    /// arguments still name the right objects.
    pub skipped_objects: Vec<(Arc<str>, u32)>,
}

impl CanvasLog {
    fn new(gen: u32, base: Option<Arc<str>>) -> Self {
        CanvasLog {
            gen,
            base,
            context: None,
            cmds: Vec::new(),
            head: 0,
            first: 0,
            dropped: 0,
            skipped_objects: Vec::new(),
        }
    }

    /// The number of calls this bitmap has had (the absolute index after the last one).
    pub fn end(&self) -> u64 {
        self.first + (self.cmds.len() - self.head) as u64
    }

    /// The position in `cmds` of call number `n` (≥ [`CanvasLog::first`]).
    pub fn position(&self, n: u64) -> usize {
        self.head + n.saturating_sub(self.first) as usize
    }

    /// Appends a call, keeping the log within `max` calls; returns calls dropped without an
    /// equivalent. `size`: the canvas's `width`×`height` (px).
    fn push(&mut self, cmd: CanvasCmd, size: (f64, f64), max: usize) -> u64 {
        if &*cmd.property == "reset" && !cmd.setter {
            // CanvasRenderingContext2D.reset(): a blank bitmap and default state.
            self.base = None;
            self.first = self.end() + 1;
            self.cmds.clear();
            return 0;
        }
        self.cmds.push(cmd);
        if self.cmds.len() <= max {
            return 0;
        }
        // After calls were dropped, what they did (a transform, a clip) is unknown, so no clear
        // can be trusted to have blanked the canvas: no compaction until the bitmap restarts.
        if self.dropped == 0 && self.compact(size) && self.cmds.len() <= max {
            return 0;
        }
        let over = self.cmds.len() - max;
        self.cmds.drain(..over);
        self.first += over as u64;
        self.base = None;
        self.dropped += over as u64;
        over as u64
    }

    /// Drops what the last whole-canvas `clearRect` erased (see the module notes); false when
    /// there is no such clear.
    fn compact(&mut self, (w, h): (f64, f64)) -> bool {
        let mut clear = None;
        for (i, c) in self.cmds.iter().enumerate() {
            if c.setter {
                continue;
            }
            match &*c.property {
                "clearRect" if covers(&c.args, w, h) => clear = Some(i),
                p if PATH.contains(&p) || DRAW.contains(&p) => {}
                _ => break, // transforms, clips, save/restore: a clear no longer means "blank"
            }
        }
        let Some(at) = clear.filter(|&i| i > 0) else { return false };
        let mut kept: Vec<CanvasCmd> = Vec::new();
        let path_from = self.cmds[..at].iter().rposition(|c| !c.setter && &*c.property == "beginPath");
        for (i, c) in self.cmds[..at].iter().enumerate() {
            let keep = if c.setter || &*c.property == "setLineDash" {
                // only the last of each property
                !self.cmds[i + 1..at].iter().any(|d| d.setter == c.setter && d.property == c.property)
            } else {
                path_from.is_some_and(|p| i >= p) && PATH.contains(&&*c.property)
            };
            if keep {
                kept.push(c.clone());
            }
        }
        let removed = at - kept.len();
        kept.extend(self.cmds.drain(at..));
        self.cmds = kept;
        self.base = None;
        self.first += removed as u64;
        true
    }
}

/// Calls that build the current path (no pixels drawn).
const PATH: &[&str] = &[
    "beginPath",
    "closePath",
    "moveTo",
    "lineTo",
    "bezierCurveTo",
    "quadraticCurveTo",
    "arc",
    "arcTo",
    "ellipse",
    "rect",
    "roundRect",
];
/// Calls that draw or set absolute state; with [`PATH`], the calls that neither transform nor
/// clip.
const DRAW: &[&str] = &[
    "fill",
    "stroke",
    "fillRect",
    "strokeRect",
    "clearRect",
    "fillText",
    "strokeText",
    "drawImage",
    "putImageData",
    "setLineDash",
    "drawFocusIfNeeded",
];

/// `clearRect(x, y, w, h)` args covering (0, 0)–(`w`, `h`).
fn covers(args: &str, w: f64, h: f64) -> bool {
    let Ok(v) = serde_json::from_str::<[f64; 4]>(args) else { return false };
    v[0] <= 0.0 && v[1] <= 0.0 && v[0] + v[2] >= w && v[1] + v[3] >= h
}

/// The JSON array text of a command's raw args.
fn args_text(args: &[Box<RawValue>]) -> String {
    let mut s = String::with_capacity(2 + args.iter().map(|a| a.get().len() + 1).sum::<usize>());
    s.push('[');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(a.get());
    }
    s.push(']');
    s
}

/// A canvas's bitmap size from its attributes (HTML defaults 300×150), for compaction.
fn size_of(e: &super::Element) -> (f64, f64) {
    let dim =
        |name: &str, default: f64| e.attr(name).and_then(|v| v.trim().parse::<u32>().ok()).map_or(default, f64::from);
    (dim("width", 300.0), dim("height", 150.0))
}

/// A new log for a canvas built with `rr_dataURL` (`gen` from [`VDom`]'s counter).
pub(super) fn from_data_url(gen: u32, url: &str) -> CanvasLog {
    CanvasLog::new(gen, Some(url.into()))
}

impl VDom {
    /// CanvasMutation (9). Calls go to the canvas's log: 2D (`type` 0, or no type: rrweb's
    /// legacy single command), WebGL (1) and WebGL2 (2). The first call decides the context;
    /// calls for another kind are dropped and counted (the browser gives rrweb no context for
    /// them), as is a target that is no `<canvas>` or an unknown `type`. A WebGL log has no
    /// starting picture: while seeking, rrweb applies the calls before its `rr_dataURL` image
    /// has loaded, and that image's 2D `getContext` then returns null. An unknown id is
    /// skipped (rrweb: "node not found" debug message, not a warning). Returns the work
    /// (calls logged).
    pub(super) fn apply_canvas(&mut self, d: &CanvasMutationData) -> usize {
        let Some(slot) = self.slot_of(d.id) else { return 1 };
        let gen = &mut self.extras.gen;
        let NodeData::Element(e) = &mut self.nodes[slot as usize].data else {
            self.warnings.canvas += 1;
            return 1;
        };
        let context = match d.context.unwrap_or(0) {
            0 => CanvasContext::TwoD,
            1 => CanvasContext::WebGl,
            2 => CanvasContext::WebGl2,
            _ => {
                self.warnings.canvas += 1;
                return 1;
            }
        };
        if e.svg || e.tag != "canvas" {
            self.warnings.canvas += 1;
            return 1;
        }
        let size = size_of(e);
        let log = e.canvas.get_or_insert_with(|| {
            *gen += 1;
            Box::new(CanvasLog::new(*gen, None))
        });
        match log.context {
            None if context != CanvasContext::TwoD && log.base.is_some() => {
                *gen += 1;
                **log = CanvasLog::new(*gen, None);
                log.context = Some(context);
            }
            None => log.context = Some(context),
            Some(c) if c != context => {
                let n = d.commands.as_ref().map_or(1, Vec::len) as u64;
                self.warnings.canvas += n;
                return 1;
            }
            Some(_) => {}
        }
        let single;
        let commands: &[CanvasCommand] = match (&d.commands, &d.property) {
            (Some(c), _) => c,
            (None, Some(p)) => {
                single =
                    [CanvasCommand { property: p.clone(), args: d.args.clone().unwrap_or_default(), setter: d.setter }];
                &single
            }
            (None, None) => &[],
        };
        let mut dropped = 0;
        for c in commands {
            let cmd = CanvasCmd {
                property: c.property.as_str().into(),
                args: args_text(&c.args).into(),
                setter: c.setter == Some(true),
            };
            dropped += if context == CanvasContext::TwoD {
                log.push(cmd, size, MAX_CANVAS_COMMANDS)
            } else {
                log.push_webgl(cmd, MAX_CANVAS_COMMANDS)
            };
        }
        let change = Change::Canvas { slot, gen: log.gen };
        self.warnings.canvas += dropped;
        self.push_change(change);
        commands.len().max(1)
    }

    /// A `width`/`height` attribute of element `slot` changed: a 2D canvas starts a blank
    /// bitmap. A WebGL context keeps its objects and state (only the drawing buffer is
    /// resized and cleared), so its log goes on.
    pub(super) fn canvas_attr_changed(&mut self, slot: u32, name: &str) {
        if name != "width" && name != "height" {
            return;
        }
        let gen = &mut self.extras.gen;
        if let NodeData::Element(e) = &mut self.nodes[slot as usize].data {
            if let Some(log) = e.canvas.as_deref_mut() {
                if matches!(log.context, Some(CanvasContext::WebGl | CanvasContext::WebGl2)) {
                    return;
                }
                *gen += 1;
                *log = CanvasLog::new(*gen, None);
            }
        }
    }
}

/// Decodes standard base64 (padding optional, whitespace skipped), as rrweb's `decode` does for
/// `{rr_type: "ArrayBuffer", base64}` args. `None` on a character outside the alphabet.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
