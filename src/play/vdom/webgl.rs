//! The bound on a WebGL canvas's log (CanvasMutation `type` 1 and 2).
//!
//! A WebGL context's state (shaders, programs, buffers and their data, textures, bindings)
//! lasts as long as the context, and a clear erases pixels, not state: the 2D log's compaction
//! at a whole-canvas clear does not apply. Pages set that state up first and then draw frames
//! that use it, so past [`MAX_CANVAS_COMMANDS`](super::MAX_CANVAS_COMMANDS) calls the log keeps
//! its first [`WEBGL_HEAD`] calls (the setup) and drops the oldest calls after them, a chunk at
//! a time, counting them in [`Warnings::canvas`](super::Warnings). A seek onto that canvas
//! then replays the setup and the newest frames: complete when the dropped calls only drew
//! (set uniforms, drew arrays), wrong where they changed lasting state. Live playback is
//! unaffected (the edge drew every call as it came).
//!
//! rrweb's Replayer keeps, per context and constructor name, the WebGL objects calls returned
//! (`variableListFor`), and a later argument `{rr_type: "WebGLBuffer", index: 3}` means the
//! fourth. So that dropping calls does not shift those indices, the log counts the objects the
//! dropped calls would have created ([`CanvasLog::skipped_objects`]) and the edge holds their
//! places.

use super::canvas::{CanvasCmd, CanvasLog};
use std::sync::Arc;

/// Calls kept from the start of a WebGL log once it overflows (half the bound).
pub const WEBGL_HEAD: usize = super::MAX_CANVAS_COMMANDS / 2;

/// Calls dropped at once when a WebGL log overflows (so a push costs O(1) amortised).
const WEBGL_CHUNK: usize = super::MAX_CANVAS_COMMANDS / 8;

/// Methods whose result rrweb's Replayer keeps in a variable list (`saveToWebGLVarMap`: a
/// result whose constructor is one of `WebGLVariableConstructorsNames`), with that name. A call
/// that failed on the recorded page returned null and created nothing; a dropped call is
/// assumed to have succeeded.
const CREATORS: &[(&str, &str)] = &[
    ("createBuffer", "WebGLBuffer"),
    ("createFramebuffer", "WebGLFramebuffer"),
    ("createProgram", "WebGLProgram"),
    ("createRenderbuffer", "WebGLRenderbuffer"),
    ("createShader", "WebGLShader"),
    ("createTexture", "WebGLTexture"),
    ("createVertexArray", "WebGLVertexArrayObject"),
    ("getActiveAttrib", "WebGLActiveInfo"),
    ("getActiveUniform", "WebGLActiveInfo"),
    ("getShaderPrecisionFormat", "WebGLShaderPrecisionFormat"),
    ("getUniformLocation", "WebGLUniformLocation"),
];

/// The variable list a call's result goes to, if any.
pub fn created_by(property: &str) -> Option<&'static str> {
    CREATORS.iter().find(|(p, _)| *p == property).map(|(_, c)| *c)
}

impl CanvasLog {
    /// Appends a WebGL call, keeping the log within `max` calls (see the module notes);
    /// returns the calls dropped.
    pub(super) fn push_webgl(&mut self, cmd: CanvasCmd, max: usize) -> u64 {
        self.cmds.push(cmd);
        if self.cmds.len() <= max {
            return 0;
        }
        let head = WEBGL_HEAD.min(max / 2);
        if self.head == 0 {
            // first overflow: calls 0..head stay; call `head` is now the first after them
            self.head = head;
            self.first = head as u64;
        }
        let n = (self.cmds.len() - max).max(WEBGL_CHUNK.min(max / 2)).min(self.cmds.len() - self.head);
        for c in self.cmds.drain(self.head..self.head + n) {
            if c.setter {
                continue;
            }
            if let Some(ctor) = created_by(&c.property) {
                match self.skipped_objects.iter_mut().find(|(name, _)| &**name == ctor) {
                    Some((_, k)) => *k += 1,
                    None => self.skipped_objects.push((Arc::from(ctor), 1)),
                }
            }
        }
        self.first += n as u64;
        self.dropped += n as u64;
        n as u64
    }
}
