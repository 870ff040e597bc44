//! Cross-session analytics: a [`ReplayBundle`] is a set of analysed replays; a single replay is
//! a bundle of one and has every projection.
//!
//! - **Tables** (long format, keyed by `replay_id`; [`tables`]): `sessions`, `actions`,
//!   `events`, `elements`, exported as CSV, JSON or JSON Lines ([`ReplayBundle::export`]).
//! - **Aggregations**: [`ReplayBundle::top_clicks`], [`ReplayBundle::rage_clicks`],
//!   [`ReplayBundle::long_pauses`], [`ReplayBundle::error_sessions`].
//! - **Frustration signals** ([`frustration`]): dead clicks, error clicks, thrashed cursor,
//!   u-turns, excessive scrolling, form abandonment — and the **friction report**
//!   ([`ReplayBundle::friction`]) ranking them by how many users hit each.
//! - **Filters** returning new bundles ([`filters`]): `where_`, `filter`, `sample`,
//!   `find_pattern`; and `compare` of two bundles by activity [`labels`].
//!
//! Memory: a bundle never holds event streams. [`Replay::from_recording`] consumes the events
//! in one pass and keeps only the actions, one 32-byte row per event, and the few facts the
//! signals need. [`ReplayPart`] reduces a replay further, to what [`BundleReport`] shows, so a
//! streaming caller (the CLI's `rewind report`) holds only parts.
//!
//! Everything here is pure Rust and deterministic, so the CLI and the browser (wasm) give
//! byte-identical output.

#![warn(missing_docs)]

mod aggregate;
pub mod filters;
pub mod frustration;
pub mod labels;
pub mod markdown;
mod pass;
mod replay;
pub mod report;
pub mod tables;

pub use aggregate::{error_session, long_pauses, ErrorSession, Pause, LONG_PAUSE_S};
pub use filters::{CompareRow, Where};
pub use frustration::{Evidence, Finding, FindingKind};
pub use labels::{default_label, normalize_path, normalize_url, selector_label};
pub use replay::{EventRow, Replay, ReplayBuilder};
pub use report::{BundleReport, FrictionGroup, FrictionReport, GroupSummary, ReplayPart, ReportOptions};
pub use tables::{ActionRow, ElementRow, PageRow, SessionRow, Table, TableFormat};

use crate::codec::DecodeError;
use crate::model::Recording;
use aggregate::ElementTally;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A set of analysed replays, in the order they were added. Cloning and filtering share the
/// replays (reference-counted).
#[derive(Clone, Debug, Default)]
pub struct ReplayBundle {
    pub(crate) replays: Vec<Arc<Replay>>,
}

impl FromIterator<Replay> for ReplayBundle {
    fn from_iter<I: IntoIterator<Item = Replay>>(iter: I) -> Self {
        ReplayBundle { replays: iter.into_iter().map(Arc::new).collect() }
    }
}

impl From<Replay> for ReplayBundle {
    /// A bundle of one.
    fn from(replay: Replay) -> Self {
        ReplayBundle { replays: vec![Arc::new(replay)] }
    }
}

impl ReplayBundle {
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an analysed replay at the end.
    pub fn push(&mut self, replay: Replay) {
        self.replays.push(Arc::new(replay));
    }

    /// Analyses a decoded recording ([`Replay::from_recording`]) and adds it.
    pub fn add_recording(&mut self, recording: Recording) {
        self.push(Replay::from_recording(recording));
    }

    /// Decodes and analyses raw recording bytes ([`Replay::from_bytes`]) and adds the replay.
    ///
    /// # Errors
    /// The decoder's error; the bundle is unchanged then.
    pub fn add_bytes(&mut self, bytes: &[u8], fallback_id: Option<&str>) -> Result<(), DecodeError> {
        self.push(Replay::from_bytes(bytes, fallback_id)?);
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
    pub fn replays(&self) -> impl ExactSizeIterator<Item = &Replay> + '_ {
        self.replays.iter().map(|r| &**r)
    }

    /// The replay ids, in order.
    pub fn replay_ids(&self) -> Vec<String> {
        self.replays().map(|r| r.replay_id().to_string()).collect()
    }

    /// Distinct users: `distinct_id`, else the replay id.
    pub fn n_users(&self) -> usize {
        self.replays().map(Replay::user).collect::<BTreeSet<_>>().len()
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
            Table::Events => tables::write_rows(format, self.replays().flat_map(Replay::events)),
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

    /// Rage clicks ([`frustration::rage_clicks`]; defaults [`frustration::RAGE_CLICK_THRESHOLD`]
    /// clicks within [`frustration::RAGE_CLICK_WINDOW_MS`]), replay by replay.
    pub fn rage_clicks(&self, threshold: usize, window_ms: i64) -> Vec<Finding> {
        self.replays().flat_map(|r| frustration::rage_clicks(r, threshold, window_ms)).collect()
    }

    /// Dead clicks ([`frustration::dead_clicks`]).
    pub fn dead_clicks(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::dead_clicks).collect()
    }

    /// Error clicks ([`frustration::error_clicks`]).
    pub fn error_clicks(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::error_clicks).collect()
    }

    /// U-turns ([`frustration::u_turns`]).
    pub fn u_turns(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::u_turns).collect()
    }

    /// Form abandonments ([`frustration::form_abandonments`]).
    pub fn form_abandonments(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::form_abandonments).collect()
    }

    /// Thrashed cursors ([`frustration::thrashed_cursors`]).
    pub fn thrashed_cursors(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::thrashed_cursors).collect()
    }

    /// Excessive scrolling ([`frustration::excessive_scrolling`]).
    pub fn excessive_scrolling(&self) -> Vec<Finding> {
        self.replays().flat_map(frustration::excessive_scrolling).collect()
    }

    /// Every finding of every kind (rage clicks with the default parameters), replay by replay,
    /// each replay's in time order.
    pub fn findings(&self) -> Vec<Finding> {
        let (threshold, window) = (frustration::RAGE_CLICK_THRESHOLD, frustration::RAGE_CLICK_WINDOW_MS);
        self.replays().flat_map(|r| frustration::all_findings(r, threshold, window)).collect()
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
