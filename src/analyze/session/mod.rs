//! One recorded session, analysed for the cross-session analytics ([`super::bundle`]): the
//! actions, plus the per-event and per-action facts that the frustration signals need, kept
//! compact so a bundle never holds event streams.
//!
//! Dependencies point one way, and never up into [`super::bundle`]:
//!
//! - [`facts`](Replay) — the analysed session and its facts (plain data);
//! - `pass` — the single pass over the events that gathers them (running the
//!   [`Analyzer`](super::Analyzer) and, beside it, the episode trackers of [`signals`]);
//! - `builder` — [`Replay::from_recording`] / [`ReplayBuilder`], which drive the pass;
//! - [`signals`] — the frustration signals, read from the facts.

#![warn(missing_docs)]

mod builder;
mod facts;
mod pass;
pub mod signals;

pub use builder::ReplayBuilder;
pub use facts::{EventRow, Replay, SessionRow};
pub use signals::{Evidence, Finding, FindingKind};
