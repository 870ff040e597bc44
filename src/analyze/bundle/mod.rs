//! Cross-session analytics: a [`ReplayBundle`] is a set of analysed sessions
//! ([`AnalyzedSession`], built in [`crate::analyze::session`], which never imports from here);
//! a single session is a bundle of one and has every projection.
//!
//! - **Tables** (long format, keyed by `replay_id`; [`tables`]): `sessions`, `actions`,
//!   `events`, `elements`, exported as CSV, JSON or JSON Lines ([`ReplayBundle::export`]).
//! - **Aggregations**: [`ReplayBundle::top_clicks`], [`ReplayBundle::rage_clicks`],
//!   [`ReplayBundle::long_pauses`], [`ReplayBundle::error_sessions`].
//! - **Frustration signals** (defined per session in [`signals`]): dead clicks, error clicks, thrashed cursor,
//!   u-turns, excessive scrolling, form abandonment — and the **friction report**
//!   ([`ReplayBundle::friction`]) ranking them by how many users hit each.
//! - **Filters** returning new bundles ([`filters`]): `where_`, `filter`, `sample`,
//!   `find_pattern`; and `compare` of two bundles by activity [`labels`].
//!
//! Memory: a bundle never holds event streams. [`AnalyzedSession::from_recording`] consumes
//! the events in one pass and keeps only the actions, one 32-byte row per event, and the few
//! facts the signals need. [`ReplayPart`] reduces a session further, to what [`BundleReport`] shows, so a
//! streaming caller (the CLI's `rewind report`) holds only parts.
//!
//! Everything here is pure Rust and deterministic, so the CLI and the browser (wasm) give
//! byte-identical output.

#![warn(missing_docs)]

mod aggregate;
pub mod filters;
pub mod labels;
pub mod markdown;
pub mod report;
pub mod tables;

pub use crate::analyze::session::{Evidence, Finding, FindingKind};
pub use aggregate::{error_session, long_pauses, ErrorSession, Pause, LONG_PAUSE_S};
pub use filters::{CompareRow, Where};
pub use labels::{default_label, selector_label};
pub use report::{BundleReport, FrictionGroup, FrictionReport, GroupSummary, ReplayPart, ReportOptions};
pub use tables::{ActionRow, ElementRow, EventRow, PageRow, SessionRow, Table, TableFormat};

use crate::analyze::session::{signals, AnalyzedSession};
use crate::codec::DecodeError;
use crate::model::Recording;
use aggregate::ElementTally;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A set of analysed replays, in the order they were added. Cloning and filtering share the
/// replays (reference-counted).
#[derive(Clone, Debug, Default)]
pub struct ReplayBundle {
    pub(crate) replays: Vec<Arc<AnalyzedSession>>,
}

impl FromIterator<AnalyzedSession> for ReplayBundle {
    fn from_iter<I: IntoIterator<Item = AnalyzedSession>>(iter: I) -> Self {
        ReplayBundle { replays: iter.into_iter().map(Arc::new).collect() }
    }
}

impl FromIterator<Arc<AnalyzedSession>> for ReplayBundle {
    /// A bundle of replays already shared elsewhere (a cache of analysed sessions), without
    /// copying them.
    fn from_iter<I: IntoIterator<Item = Arc<AnalyzedSession>>>(iter: I) -> Self {
        ReplayBundle { replays: iter.into_iter().collect() }
    }
}

impl From<AnalyzedSession> for ReplayBundle {
    /// A bundle of one.
    fn from(replay: AnalyzedSession) -> Self {
        ReplayBundle { replays: vec![Arc::new(replay)] }
    }
}

impl ReplayBundle {
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an analysed replay at the end.
    pub fn push(&mut self, replay: AnalyzedSession) {
        self.replays.push(Arc::new(replay));
    }

    /// Analyses a decoded recording ([`AnalyzedSession::from_recording`]) and adds it.
    pub fn add_recording(&mut self, recording: Recording) {
        self.push(AnalyzedSession::from_recording(recording));
    }

    /// Decodes and analyses raw recording bytes ([`AnalyzedSession::from_bytes`]) and adds the replay.
    ///
    /// # Errors
    /// The decoder's error; the bundle is unchanged then.
    pub fn add_bytes(&mut self, bytes: &[u8], fallback_id: Option<&str>) -> Result<(), DecodeError> {
        self.push(AnalyzedSession::from_bytes(bytes, fallback_id)?);
        Ok(())
    }

    /// The bundle followed by `other`'s replays.
    pub fn concat(&self, other: &ReplayBundle) -> ReplayBundle {
        ReplayBundle { replays: self.replays.iter().chain(&other.replays).cloned().collect() }
    }

    /// Number of replays.
    pub fn len(&self) -> usize {
        self.replays.len()
    }

    /// True when the bundle holds no replay.
    pub fn is_empty(&self) -> bool {
        self.replays.is_empty()
    }

    /// The replays, in order.
    pub fn replays(&self) -> impl ExactSizeIterator<Item = &AnalyzedSession> + '_ {
        self.replays.iter().map(|r| &**r)
    }

    /// The replay ids, in order.
    pub fn replay_ids(&self) -> Vec<String> {
        self.replays().map(|r| r.replay_id().to_string()).collect()
    }

    /// Distinct users: `distinct_id`, else the replay id.
    pub fn n_users(&self) -> usize {
        self.replays().map(AnalyzedSession::user).collect::<BTreeSet<_>>().len()
    }

    /// The sessions table: one row per replay.
    pub fn sessions(&self) -> Vec<SessionRow> {
        self.replays().map(|r| r.session.clone()).collect()
    }

    /// The elements table: every clicked element per page, most clicked first (genuine clicks:
    /// click, dblclick, right_click; focus excluded). Ties: more replays first, then
    /// description and URL.
    pub fn elements(&self) -> Vec<ElementRow> {
        let mut tally = ElementTally::default();
        for replay in self.replays() {
            tally.add(aggregate::element_clicks(replay));
        }
        tally.rows()
    }

    /// One table in one format (see [`tables`]).
    pub fn export(&self, table: Table, format: TableFormat) -> String {
        match table {
            Table::Sessions => tables::write_rows(format, self.replays().map(|r| r.session.clone())),
            Table::Actions => tables::write_rows(
                format,
                self.replays()
                    .flat_map(|r| r.actions.iter().map(move |a| ActionRow { replay_id: r.replay_id(), action: a })),
            ),
            Table::Events => tables::write_rows(format, self.replays().flat_map(AnalyzedSession::events)),
            Table::Elements => tables::write_rows(format, self.elements()),
            Table::Pages => tables::write_rows(
                format,
                self.replays().flat_map(|r| {
                    r.session.page_vitals.iter().map(move |page| PageRow { replay_id: r.replay_id(), page })
                }),
            ),
        }
    }

    /// The `n` most clicked elements: the first `n` rows of [`ReplayBundle::elements`].
    pub fn top_clicks(&self, n: usize) -> Vec<ElementRow> {
        let mut rows = self.elements();
        rows.truncate(n);
        rows
    }

    /// Rage clicks ([`signals::rage_clicks`]; defaults [`signals::RAGE_CLICK_THRESHOLD`]
    /// clicks within [`signals::RAGE_CLICK_WINDOW_MS`]), replay by replay.
    pub fn rage_clicks(&self, threshold: usize, window_ms: i64) -> Vec<Finding> {
        self.replays().flat_map(|r| signals::rage_clicks(r, threshold, window_ms)).collect()
    }

    /// Dead clicks ([`signals::dead_clicks`]).
    pub fn dead_clicks(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::dead_clicks).collect()
    }

    /// Error clicks ([`signals::error_clicks`]).
    pub fn error_clicks(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::error_clicks).collect()
    }

    /// U-turns ([`signals::u_turns`]).
    pub fn u_turns(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::u_turns).collect()
    }

    /// Form abandonments ([`signals::form_abandonments`]).
    pub fn form_abandonments(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::form_abandonments).collect()
    }

    /// Thrashed cursors ([`signals::thrashed_cursors`]).
    pub fn thrashed_cursors(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::thrashed_cursors).collect()
    }

    /// Excessive scrolling ([`signals::excessive_scrolling`]).
    pub fn excessive_scrolling(&self) -> Vec<Finding> {
        self.replays().flat_map(signals::excessive_scrolling).collect()
    }

    /// Every finding of every kind (rage clicks with the default parameters), replay by replay,
    /// each replay's in time order.
    pub fn findings(&self) -> Vec<Finding> {
        let (threshold, window) = (signals::RAGE_CLICK_THRESHOLD, signals::RAGE_CLICK_WINDOW_MS);
        self.replays().flat_map(|r| signals::all_findings(r, threshold, window)).collect()
    }

    /// Gaps of at least `threshold_s` seconds between consecutive actions ([`long_pauses`];
    /// default [`LONG_PAUSE_S`]), replay by replay.
    pub fn long_pauses(&self, threshold_s: f64) -> Vec<Pause> {
        self.replays().flat_map(|r| aggregate::long_pauses(r, threshold_s)).collect()
    }

    /// The replays with console errors, in bundle order.
    pub fn error_sessions(&self) -> Vec<ErrorSession> {
        self.replays().filter_map(aggregate::error_session).collect()
    }

    /// The friction report of the whole bundle: [`ReplayBundle::findings`] grouped and ranked
    /// ([`FrictionReport`]). For one replay's report, use a bundle of that replay.
    pub fn friction(&self) -> FrictionReport {
        FrictionReport::new(self.findings(), self.len(), self.n_users())
    }

    /// Everything `rewind report` shows ([`BundleReport`]).
    pub fn report(&self, options: &ReportOptions) -> BundleReport {
        BundleReport::from_parts(self.replays().map(|r| ReplayPart::new(r, options)), options)
    }
}

#[cfg(test)]
mod tests;
