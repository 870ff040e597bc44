//! The recorder (wasm only): DOM snapshot, mutation and event observers, in rrweb's format.
//!
//! - [`mirror`] — node ↔ id (a JS `WeakMap` node→id plus an id→node map); the document is 1.
//! - [`serialize`] — rrweb serialized nodes written straight to JSON text, iteratively, with the
//!   privacy rules of [`crate::privacy`] applied (block, mask, URL scrubbing).
//! - [`mutation`] — MutationObserver records → one rrweb Mutation event per callback.
//! - [`observers`] — mouse, scroll, resize, input, selection, media, navigation, console.
//! - [`bindings`] — the `Recorder` class exported to JS.
//!
//! Choices that differ from rrweb, all safe for rrweb's Replayer:
//! - `<script>` elements are kept as elements (so sibling ids and positions line up) but without
//!   `src` and without children; `on*` event-handler attributes are never recorded.
//! - `<textarea>` children are not recorded: the (masked) current value is its `value` attribute.
//! - A node moved within the page is recorded as a remove then an add with fresh ids.
//! - Radio/checkbox `Input.text` (their `value`) goes through the input mask like every value.
//! - Mutations still queued in the observer are recorded before each interaction event (so
//!   the target has its id and events stay in page order), and before every FullSnapshot.
//! - A MutationObserver batch over `mutationLimit` records (default 10,000) is replaced by a
//!   Meta + FullSnapshot (counted in `stats().mutationsDropped`).
//!
//! Measured 2026-11-21 in headless Chromium on the 2-core dev machine (release build, 10,011
//! elements / 16,023 nodes, tests/record_web.rs): cold first snapshot 250–270 ms (includes the
//! fresh page's first style/layout), warm checkouts 45–100 ms; rrweb 2.1.1 `record()` on the
//! same page in the same run: 130–490 ms. Over one 50 ms task either way: time-slicing is next.

pub mod bindings;
mod json;
mod mirror;
mod mutation;
mod observers;
mod serialize;
mod state;

pub use bindings::Recorder;
