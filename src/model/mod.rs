//! The rrweb event model: serde types for every rrweb EventType (0–7), IncrementalSource
//! (0–16), MouseInteractions (0–10) and serialized NodeType (0–5), per rrweb
//! `packages/types/src/index.ts` and `packages/rrweb-snapshot/src/types.ts` (v2.1).
//!
//! Lenient on input: unknown event types and sources are kept as raw JSON, unknown fields are
//! skipped, keys may come in any order. Wrong types in known fields are errors.
//! Pure Rust: no browser APIs.

mod event;
mod incremental;
mod lean;
mod node;
mod payloads;

pub use event::{
    ConsolePayload, CustomData, Event, EventData, EventType, FullSnapshotData, MetaData, Offset, PluginData,
    MAX_EVENT_BYTES,
};
pub(crate) use event::{EventFields, UNSUPPORTED_MARK};
pub use incremental::*;
pub(crate) use lean::{read_lean, recycle_arena, Lean};
pub use node::{AttrValue, NodeKind, NodeTree, NodeType, SerializedNode, StyleValue, MAX_NODE_DEPTH};
pub(crate) use node::{KeyStr, TOO_DEEP_MARK};

/// A decoded recording: rrweb events in timestamp order plus what the container said about the
/// session.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// Sorted by `timestamp` (stable: equal timestamps keep their recorded order).
    pub events: Vec<Event>,
    /// The session (replay) id, when the input carried one (`session_id`, `sessionId`,
    /// `replay_id`, `$session_id`).
    pub session_id: Option<String>,
    /// The user, when the input carried one (`distinct_id`, `distinctId`, `$distinct_id`, `user_id`).
    pub distinct_id: Option<String>,
    /// What decoding had to repair or found missing (a damaged recording salvaged — see
    /// [`crate::codec::SALVAGE_WARNING`] —, clock spikes, missing batches), one sentence each;
    /// the analyzer passes them on in its own warnings.
    pub warnings: Vec<String>,
}

impl Recording {
    /// Uses `fallback` as the session id when the recording carries none (or a blank one):
    /// the CLI passes the file name, the wasm API the caller's `replayId`.
    pub fn fill_session_id(&mut self, fallback: impl Into<String>) {
        if self.session_id.as_deref().is_none_or(|id| id.trim().is_empty()) {
            self.session_id = Some(fallback.into());
        }
    }
}
