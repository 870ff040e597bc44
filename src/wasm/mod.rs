//! Every `#[wasm_bindgen]` export of the crate (wasm32 only), one file per JS-facing surface.
//! Each converts JS values, delegates to the pure core (or to a browser edge: `record`,
//! `play::web`) and returns the core's own results; the features pick which surfaces a wasm
//! build carries.
//!
//! - `analyze` — `analyzeJson`, `analyzeEventsJson`, `version` (feature `analyze`).
//! - `bundle` — `ReplayBundle` and the label and URL helpers (feature `analyze`).
//! - `recorder`, `transport` — `Recorder` and `Transport`, the recorder and delivery's
//!   browser edge (feature `record`; both over `record`).
//! - `network`, `console` — network capture's own wasm and console capture inside it
//!   (feature `network`; `js/network.js` and `js/console.js` load it when `capture.network` or
//!   `capture.console` is on).
//! - `buffering` — error-triggered buffering's own wasm (feature `buffering`).

#[cfg(feature = "analyze")]
mod analyze;
#[cfg(feature = "analyze")]
pub use analyze::{analyze_events_json, analyze_json, version};
#[cfg(feature = "analyze")]
pub(crate) use analyze::{bytes_of, options};

#[cfg(feature = "analyze")]
mod bundle;
#[cfg(feature = "analyze")]
pub use bundle::{default_label_of, normalize_url, selector_label_of, WasmReplayBundle};

#[cfg(feature = "play")]
pub mod player;

#[cfg(feature = "record")]
mod recorder;
#[cfg(feature = "record")]
pub use recorder::Recorder;

#[cfg(feature = "record")]
mod transport;
#[cfg(feature = "record")]
pub use transport::Transport;

#[cfg(feature = "network")]
pub mod network;

#[cfg(feature = "network")]
pub mod console;

#[cfg(feature = "buffering")]
pub mod buffering;
