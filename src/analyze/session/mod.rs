//! One recorded session, analysed for the cross-session analytics ([`super::bundle`]): the
//! actions, plus the per-event and per-action facts that the frustration signals need, kept
//! compact so a bundle never holds event streams.
//!
//! Dependencies point one way — `builder` → `pass` → [`signals`] → `facts` — and never up
//! into [`super::bundle`], which builds on this module:
//!
//! - `facts`: [`AnalyzedSession`], one analysed session and its facts (plain data);
//! - [`signals`]: the frustration signals, read from the facts, and the pointer and scroll
//!   trackers that recognise thrash and scroll episodes;
//! - `pass`: the single pass over the events, running the [`Analyzer`](super::Analyzer) and,
//!   beside it, gathering the facts and feeding the trackers;
//! - `builder`: [`AnalyzedSession::from_recording`] and [`AnalyzedSessionBuilder`], which
//!   drive the pass.

#![warn(missing_docs)]

mod builder;
mod facts;
mod pass;
pub mod signals;

pub use builder::AnalyzedSessionBuilder;
pub use facts::{AnalyzedSession, EventRow, SessionRow};
pub use signals::{Evidence, Finding, FindingKind};
