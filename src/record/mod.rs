//! The recorder (wasm only): DOM snapshot, mutation and event observers, in rrweb's format.
//!
//! - [`mirror`] — node ↔ id (a JS `WeakMap` node→id plus an id→node map); the document is 1.
//! - [`serialize`] — rrweb serialized nodes written straight to JSON text, iteratively, with the
//!   privacy rules of [`crate::privacy`] applied (block, mask, URL scrubbing).
//! - [`snapshot`] — the FullSnapshot, written in time slices (`snapshotSliceMs`, default 12 ms)
//!   with the page's mutations meanwhile recorded after it (the design is in its docs).
//! - [`mutation`] — MutationObserver records → one rrweb Mutation event per callback.
//! - [`sheets`] — style sheets: `_cssText` of `<style>` sheets changed through the CSSOM, and
//!   the style mirror (`styleId`s of constructed sheets), which with the CSSOM hooks and rrweb's
//!   StyleSheetRule / StyleDeclaration / AdoptedStyleSheet data is browser glue in
//!   `js/sheets.js`.
//! - [`shadow`] — open shadow roots (`isShadowHost`/`isShadow`, as rrweb); closed ones are
//!   not recorded.
//! - [`frames`] — same-origin iframes: each document attached as an `isAttachIframe` Mutation
//!   (nodes with `rootId`), observed like the top one, re-attached when the iframe navigates;
//!   cross-origin iframes are placeholders (`rr_src`).
//! - [`observers`] — mouse, scroll, resize, input (events and value-setter hooks), selection,
//!   media, navigation (`rewind.navigation` Custom events), and the recorder's side of
//!   the CSSOM hooks of `js/sheets.js` (`insertRule`, `deleteRule`, `replace`, `replaceSync`,
//!   `setProperty`, `removeProperty`, the `adoptedStyleSheets` setter).
//! - Opt-in canvas frames and `FontFace` fonts: sampled and encoded in `js/capture-media.js`
//!   (loaded only when enabled), given node ids and queued by `wasm/recorder/media.rs`.
//! - [`transport`] — delivery's browser edge (`fetch`, timers, `sessionStorage`) driving the
//!   pure policy in [`crate::transport`].
//!
//! The `Recorder` and `Transport` classes exported to JS are in `crate::wasm`.
//!
//! Choices that differ from rrweb, all safe for rrweb's Replayer:
//! - `<script>` elements are kept as elements (so sibling ids and positions line up) but without
//!   `src` and without children; `on*` event-handler attributes are never recorded.
//! - `<textarea>` children are not recorded: the (masked) current value is its `value` attribute.
//! - A node moved within the page is recorded as a remove then an add with fresh ids.
//! - Radio/checkbox `Input.text` (their `value`) goes through the input mask like every value.
//! - Mutations still queued in the observer are recorded before each interaction event (so
//!   the target has its id and events stay in page order), and before every FullSnapshot.
//! - A MutationObserver batch bigger than `mutationLimit` (default 10,000; one per attribute or
//!   text record, added + removed nodes per childList record) is replaced by a Meta +
//!   FullSnapshot (its size counted in `stats().mutationsDropped`; the mirror drops the nodes
//!   the unprocessed records removed).
//! - A sliced FullSnapshot's events carry the time it started; the events recorded while it was
//!   being written follow it, with their own (later) times.
//!
//! Measured 2026-11-21 in headless Chromium on the 2-core dev machine (release build, 10,011
//! elements / 16,023 nodes, a fresh table each time, `slicing::snapshot_of_10000_elements_…` in
//! tests/record_web): in one task (`snapshotSliceMs: 0`, the old behaviour) the first snapshot
//! is one 250–500 ms task (it includes the fresh page's first style/layout; warm checkouts were
//! 45–100 ms); time-sliced (default 12 ms) `start()` returns in 13–15 ms and the snapshot is 9
//! slices of at most 13–15 ms, emitted 130–145 ms after start, with no `longtask` entry (no
//! task over 50 ms). rrweb 2.1.1 `record()` on the same page: 130–490 ms in one task.

mod frames;
pub(crate) mod json;
pub(crate) mod mirror;
mod mutation;
pub(crate) mod observers;
pub(crate) mod options;
mod serialize;
mod shadow;
pub(crate) mod sheets;
mod snapshot;
pub(crate) mod state;
pub mod transport;
