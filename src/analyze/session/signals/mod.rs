//! Frustration signals: where a session shows a user struggling.
//!
//! Definitions follow the published ones of PostHog, Sentry, Datadog, OpenReplay and the Mixpanel
//! seed analyzer;
//! every threshold is a constant below that says where it comes from. Each detector returns
//! [`Finding`]s: one per episode (a burst of rage clicks is one finding with `count` clicks),
//! with the element, the page, a one-line explanation and the actions around it as evidence.
//! All text comes from the recording's own (already masked) descriptions; URLs are normalized
//! ([`normalize_url`](crate::analyze::normalize::normalize_url)), so query strings never reach a finding.
//!
//! Detectors that need every pointer position or scroll offset (thrashed cursor, excessive
//! scrolling) are fed every sample by the session's single pass (`session/pass.rs`); the others
//! read the actions and the per-action facts kept in [`AnalyzedSession`].
//!
//! One file per signal; `finding.rs` holds what they share, and this module only gathers them
//! ([`all_findings`]).

mod dead;
mod error;
mod finding;
mod form;
mod rage;
mod scroll;
mod thrash;
mod u_turn;

pub use dead::{dead_clicks, DEAD_CLICK_TIMEOUT_MS};
pub use error::{error_clicks, ERROR_CLICK_WINDOW_MS};
pub(crate) use finding::EpisodeUpdate;
pub use finding::{Evidence, Finding, FindingKind, EVIDENCE_AFTER, EVIDENCE_BEFORE, MAX_EVIDENCE_DURING};
pub use form::form_abandonments;
pub use rage::{
    rage_clicks, RAGE_CLICK_RADIUS_PX, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS, TRIPLE_CLICK_SELECTION_MS,
};
pub(crate) use scroll::ScrollTrack;
pub use scroll::{
    excessive_scrolling, EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS, EXCESSIVE_SCROLL_TURNS, EXCESSIVE_SCROLL_WINDOW_MS,
    FALLBACK_VIEWPORT_HEIGHT_PX,
};
pub(crate) use thrash::PointerTrack;
pub use thrash::{thrashed_cursors, THRASH_DIRECTION_CHANGES, THRASH_MAX_GAP_MS, THRASH_MIN_SEGMENT_PX};
pub use u_turn::{u_turns, U_TURN_MAX_MS};

use super::facts::AnalyzedSession;

/// Every kind of finding in `replay`, rage clicks with the given parameters, sorted by time
/// then kind.
pub fn all_findings(replay: &AnalyzedSession, rage_threshold: usize, rage_window_ms: i64) -> Vec<Finding> {
    let mut out = rage_clicks(replay, rage_threshold, rage_window_ms);
    out.extend(dead_clicks(replay));
    out.extend(error_clicks(replay));
    out.extend(u_turns(replay));
    out.extend(form_abandonments(replay));
    out.extend(thrashed_cursors(replay));
    out.extend(excessive_scrolling(replay));
    out.sort_by_key(|f| (f.t_ms, f.kind));
    out
}
