//! The player: plays a recording back as the page it was (rebuilt in a sandboxed iframe) with
//! the user's pointer, clicks and scrolling drawn over it on a canvas.
//!
//! - [`vdom`] — a virtual DOM that applies rrweb events exactly as rrweb's Replayer does.
//!   [`vdom::VDom::outline`] reads it back as a compact, redacted text outline (what a user saw,
//!   for agents without pixels).
//! - [`seek`] — [`seek::Playback`]: the events, checkpoints (copies of the virtual DOM) and the
//!   current state; `state_at(t)` starts from the nearest checkpoint, never from the beginning.
//! - [`load`] — progressive decoding: a JSON array of events is read a chunk at a time, so the
//!   first page shows before a large recording is fully decoded.
//! - [`timeline`] — [`timeline::Timeline`]: the index a player needs besides the DOM: times,
//!   the recorded viewport, the page URL, pointer positions, clicks, inactivity to skip, and the
//!   scrubber's ticks (from the analyzer's actions and rage clicks).
//! - [`session`] — [`session::Session`]: one recording being played — the clock, speeds,
//!   inactivity skipping, progressive loading and the time-sliced analysis and checkpoint
//!   passes, with the wall clock passed in.
//! - `web` (wasm32 only) — the browser edge: the iframe rebuild and its incremental updates
//!   (`web::dom`), the overlay canvas (`web::overlay`), and the page that drives a session
//!   (`web::player`). The `#[wasm_bindgen] Player` over both is `crate::wasm::player`.
//!
//! Everything but the browser edge is plain Rust and tested natively (`session/tests.rs`,
//! `tests/play*.rs`).

pub mod load;
pub mod seek;
pub mod text;
pub mod timeline;
pub mod vdom;

pub mod session;
#[cfg(target_arch = "wasm32")]
pub(crate) mod web;
