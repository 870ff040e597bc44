//! rewind: session replay for the web, in Rust compiled to WebAssembly.
//!
//! The crate is a pure core with thin edges:
//! - [`model`] — the rrweb event model (serde types for every event type, incremental source,
//!   mouse interaction and serialized node type), lenient on unknown input.
//! - [`codec`] — input detection and decoding: JSON arrays, `{"events": [...]}` envelopes,
//!   JSON Lines, gzip of each, and directories of rewind batch files.
//! - [`analyze`] — the DOM tracker, element descriptions, user actions, the markdown timeline
//!   and session metrics.
//! - [`privacy`] — masking, URL scrubbing and PII redaction, shared by record and analyze.
//! - `record` (wasm32 only) — the recorder: snapshot, observers, rrweb events; and the
//!   browser edge of delivery (`fetch`, timers, `sessionStorage`, `pagehide`).
//! - [`transport`] — delivery policy: batching, the bounded outbox, the gzip'd batch envelope,
//!   retries and session ids (pure; driven by `record`).
//! - `wasm` (wasm32 only) — every `#[wasm_bindgen]` export (analyzer, bundle, player, recorder,
//!   transport, the opt-in chunks): converts and delegates.
//! - [`play`] — the player: a virtual DOM that applies events as rrweb's Replayer does, with
//!   checkpoints for instant seeking, and the playback index (viewport, URL, pointer, clicks,
//!   inactivity, scrubber ticks) and the playback session (clock, loading, sliced passes); on
//!   wasm32 also its browser edge (`play::web`) — the page rebuilt in a sandboxed iframe and the
//!   overlay canvas, driven by the `Player` export that `js/player.js` wraps.
//!
//! Everything outside `wasm`, `record` and `play::web` is plain Rust with no browser APIs and is
//! tested natively.
//!
//! Cargo features (all on by default): `analyze` — [`model`], [`codec`], [`analyze`],
//! [`analyze_bytes`] and the analyzer's wasm exports (`wasm`); `record` — the recorder.
//! [`privacy`] is always built. `--no-default-features --features record` gives the
//! recorder-only wasm that `js/index.js` loads (`pkg-record/`). `play` (on by default, needs
//! `analyze`) adds [`play`]; the recorder-only build leaves it out.

/// Deepest node nesting in a serialized tree (DOM levels, not JSON levels): the decoder
/// ([`codec`]) rejects deeper trees with a clear error instead of exhausting the stack, and the
/// recorder records an element whose children would be deeper as a blocked placeholder
/// (`needBlock`, `rr_width`/`rr_height`), so its own FullSnapshots always decode.
///
/// 512 is Chromium's own cap on HTML parser nesting (`kMaxElementDepth` in the HTML tree
/// builder), so no page parsed from HTML is deeper; only script-built DOMs are.
pub const MAX_NODE_DEPTH: usize = 512;

/// The Custom event (rrweb EventType 5) tag of a route change rewind's recorder saw
/// (`pushState`, `replaceState`, `popstate`, `hashchange`), with payload `{href, title}` (both
/// strings; `href` scrubbed by the privacy URL rules). A Custom event rather than a bare Meta
/// because rrweb's Replayer starts a seek from the last Meta and would drop the FullSnapshot
/// before it. The analyzer and the player read it as a navigation; recordings made before it
/// carry a bare Meta per route change, and both are read.
pub const NAVIGATION_TAG: &str = "rewind.navigation";

#[cfg(feature = "analyze")]
pub mod analyze;
#[cfg(feature = "analyze")]
pub mod codec;
#[cfg(feature = "analyze")]
pub mod model;
pub mod privacy;
pub mod protocol;
mod sort;

#[cfg(all(target_arch = "wasm32", feature = "record"))]
pub mod record;
#[cfg(any(feature = "record", feature = "buffering"))]
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

// The pure core of the player (virtual DOM, checkpoints, timeline) builds natively too, so it
// is tested natively; its browser edge inside is wasm32 only.
#[cfg(feature = "play")]
pub mod play;

#[cfg(feature = "analyze")]
use codec::DecodeError;

/// Decodes and analyses raw recording bytes (any format [`codec::decode`] accepts), streaming
/// the events into the analyzer ([`analyze::analyze_bytes_with`]), outputs redacted.
#[cfg(feature = "analyze")]
pub fn analyze_bytes(bytes: &[u8]) -> Result<analyze::Analysis, DecodeError> {
    analyze::analyze_bytes_with(bytes, None, analyze::AnalyzeOptions::default())
}

/// The recorder-only wasm (`pkg-record/`, no analyzer) and the wasm of the network and
/// buffering chunks allocate with talc instead of std's dlmalloc: ~4 KB less code in the SDK every page downloads (BENCHMARKS.md, "Recorder SDK"),
/// and faster in talc's own wasm benchmarks. The analyzer/player build keeps dlmalloc.
#[cfg(all(
    target_arch = "wasm32",
    any(feature = "record", feature = "network", feature = "buffering"),
    not(feature = "analyze")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
