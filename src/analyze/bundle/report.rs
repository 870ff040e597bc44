//! The friction report and the whole bundle report (`rewind report`), built from per-replay
//! parts.
//!
//! [`ReplayPart::new`] reduces one replay to what the report needs: its sessions row, its
//! element click counts, its findings (with evidence), long pauses and errors. The CLI keeps
//! only parts while it streams recordings through analysis, so memory grows with the findings,
//! not with the recordings; [`super::ReplayBundle::report`] builds the same parts from the
//! replays it holds. Both then merge with [`BundleReport::from_parts`].

use super::aggregate::{
    element_clicks, error_session, long_pauses, ElementKey, ElementTally, ErrorSession, Pause, LONG_PAUSE_S,
};
use super::tables::{to_json, ElementRow, SessionRow};
use crate::analyze::session::signals::{all_findings, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
use crate::analyze::session::{AnalyzedSession, Finding, FindingKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Parameters of a report. The defaults are the documented defaults of each aggregation.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    /// Rows of `top_clicks`, and groups listed per section in markdown (default 10).
    pub top: usize,
    /// [`crate::analyze::session::signals::rage_clicks`]' `threshold` (default [`RAGE_CLICK_THRESHOLD`]).
    pub rage_threshold: usize,
    /// Its `window_ms` (default [`RAGE_CLICK_WINDOW_MS`]).
    pub rage_window_ms: i64,
    /// [`super::aggregate::long_pauses`]' `threshold_s` (default [`LONG_PAUSE_S`]).
    pub pause_threshold_s: f64,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            top: 10,
            rage_threshold: RAGE_CLICK_THRESHOLD,
            rage_window_ms: RAGE_CLICK_WINDOW_MS,
            pause_threshold_s: LONG_PAUSE_S,
        }
    }
}

/// What the report keeps of one replay.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayPart {
    /// The replay's sessions row.
    pub session: SessionRow,
    clicks: Vec<(ElementKey, usize)>,
    /// Its findings of every kind, in time order.
    pub findings: Vec<Finding>,
    /// Its long pauses.
    pub pauses: Vec<Pause>,
    /// Its console errors, if any.
    pub errors: Option<ErrorSession>,
    /// Personal data values redacted in it ([`AnalyzedSession::redactions`]).
    pub redactions: usize,
}

impl ReplayPart {
    /// Reduces `replay` to its part of a report.
    pub fn new(replay: &AnalyzedSession, options: &ReportOptions) -> ReplayPart {
        ReplayPart {
            session: replay.session.clone(),
            clicks: element_clicks(replay),
            findings: all_findings(replay, options.rage_threshold, options.rage_window_ms),
            pauses: long_pauses(replay, options.pause_threshold_s),
            errors: error_session(replay),
            redactions: replay.redactions(),
        }
    }
}

/// Findings of one kind on one element of one page, across replays.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrictionGroup {
    /// 1 for the group most users hit.
    pub rank: usize,
    /// What was found.
    pub kind: FindingKind,
    /// The element, as descriptions read it.
    pub element: Option<String>,
    /// Normalized page URL.
    pub url: Option<String>,
    /// Distinct users (`distinct_id`, else replay id) with at least one of these findings.
    pub n_users: usize,
    /// Distinct replays among the findings.
    pub n_replays: usize,
    /// Findings in the group.
    pub n_findings: usize,
    /// Sum of the findings' `count`s (clicks, errors, fields, direction changes).
    pub total_count: usize,
    /// The findings, by replay order then time.
    pub findings: Vec<Finding>,
}

/// The friction report: every finding of a bundle, grouped by (kind, element, page) and
/// ranked by how many users hit the group — then by replays, findings, kind (in
/// [`FindingKind`] order), element and page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrictionReport {
    /// Replays in the bundle.
    pub n_replays: usize,
    /// Distinct users in the bundle (`distinct_id`, else replay id).
    pub n_users: usize,
    /// The groups, best rank first.
    pub groups: Vec<FrictionGroup>,
}

impl FrictionReport {
    /// Groups and ranks `findings` (in replay order) of a bundle of `n_replays` replays and
    /// `n_users` users.
    pub fn new(findings: Vec<Finding>, n_replays: usize, n_users: usize) -> FrictionReport {
        let mut groups: BTreeMap<(FindingKind, Option<String>, Option<String>), Vec<Finding>> = BTreeMap::new();
        for f in findings {
            groups.entry((f.kind, f.element.clone(), f.url.clone())).or_default().push(f);
        }
        let mut groups: Vec<FrictionGroup> = groups
            .into_iter()
            .map(|((kind, element, url), findings)| FrictionGroup {
                rank: 0,
                kind,
                element,
                url,
                n_users: findings.iter().map(Finding::user).collect::<BTreeSet<_>>().len(),
                n_replays: findings.iter().map(|f| f.replay_id.as_str()).collect::<BTreeSet<_>>().len(),
                n_findings: findings.len(),
                total_count: findings.iter().map(|f| f.count).sum(),
                findings,
            })
            .collect();
        // Stable: equal groups keep the BTreeMap's (kind, element, url) order.
        groups.sort_by_key(|g| std::cmp::Reverse((g.n_users, g.n_replays, g.n_findings)));
        for (i, g) in groups.iter_mut().enumerate() {
            g.rank = i + 1;
        }
        FrictionReport { n_replays, n_users, groups }
    }

    /// As JSON: `{n_replays, n_users, groups: [{rank, kind, element, url, n_users, n_replays,
    /// n_findings, total_count, findings: [{kind, replay_id, distinct_id, t_ms, end_ms,
    /// offset_s, element, target_node_id, url, count, explanation, evidence: [{t_ms,
    /// offset_s, description}]}]}]}`.
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

/// A [`FrictionGroup`] without its findings: one line of the rage and dead click tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSummary {
    /// The group's rank in the friction report.
    pub rank: usize,
    /// The element.
    pub element: Option<String>,
    /// Normalized page URL.
    pub url: Option<String>,
    /// Distinct users.
    pub n_users: usize,
    /// Distinct replays.
    pub n_replays: usize,
    /// Findings.
    pub n_findings: usize,
    /// Sum of the findings' `count`s.
    pub total_count: usize,
}

/// Everything `rewind report` shows about a bundle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundleReport {
    /// Replays in the bundle.
    pub n_replays: usize,
    /// Distinct users (`distinct_id`, else replay id).
    pub n_users: usize,
    /// The sessions table, in bundle order.
    pub sessions: Vec<SessionRow>,
    /// The `top` most clicked elements.
    pub top_clicks: Vec<ElementRow>,
    /// Friction groups of rage clicks, then of dead clicks, ranked as in `friction`
    /// (`rank` is the group's rank there).
    pub rage_clicks: Vec<GroupSummary>,
    /// See `rage_clicks`.
    pub dead_clicks: Vec<GroupSummary>,
    /// Replays with console errors, most errors first (then bundle order).
    pub error_sessions: Vec<ErrorSession>,
    /// The `top` longest pauses (then bundle order).
    pub long_pauses: Vec<Pause>,
    /// Pages with a "poor" web vital (LCP > 4 s, INP > 500 ms, CLS > 0.25, web.dev), in
    /// bundle order ([`crate::analyze::slow_pages`]); empty without `capture.performance`.
    pub slow_pages: Vec<crate::analyze::SlowPage>,
    /// The friction report ([`FrictionReport`]).
    pub friction: FrictionReport,
    /// Personal data values redacted, summed over the replays (each replay counts its
    /// distinct values; see [`crate::analyze::Analysis::redactions`]).
    pub redactions: usize,
}

impl BundleReport {
    /// Merges per-replay parts (in bundle order).
    pub fn from_parts(parts: impl IntoIterator<Item = ReplayPart>, options: &ReportOptions) -> BundleReport {
        let mut sessions = Vec::new();
        let mut users = BTreeSet::new();
        let mut tally = ElementTally::default();
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        let mut pauses = Vec::new();
        let mut redactions = 0;
        let mut slow_pages = Vec::new();
        for part in parts {
            redactions += part.redactions;
            users.insert(part.session.distinct_id.clone().unwrap_or_else(|| part.session.replay_id.clone()));
            tally.add(part.clicks);
            findings.extend(part.findings);
            errors.extend(part.errors);
            pauses.extend(part.pauses);
            slow_pages.extend(crate::analyze::slow_pages(&part.session.replay_id, &part.session.page_vitals));
            sessions.push(part.session);
        }
        let friction = FrictionReport::new(findings, sessions.len(), users.len());
        let summaries = |kind: FindingKind| -> Vec<GroupSummary> {
            friction
                .groups
                .iter()
                .filter(|g| g.kind == kind)
                .map(|g| GroupSummary {
                    rank: g.rank,
                    element: g.element.clone(),
                    url: g.url.clone(),
                    n_users: g.n_users,
                    n_replays: g.n_replays,
                    n_findings: g.n_findings,
                    total_count: g.total_count,
                })
                .collect()
        };
        errors.sort_by_key(|e| std::cmp::Reverse(e.n_errors));
        pauses.sort_by(|a, b| b.duration_s.total_cmp(&a.duration_s));
        pauses.truncate(options.top);
        let mut top_clicks = tally.rows();
        top_clicks.truncate(options.top);
        BundleReport {
            n_replays: sessions.len(),
            n_users: users.len(),
            rage_clicks: summaries(FindingKind::RageClick),
            dead_clicks: summaries(FindingKind::DeadClick),
            sessions,
            top_clicks,
            error_sessions: errors,
            long_pauses: pauses,
            slow_pages,
            friction,
            redactions,
        }
    }

    /// As one JSON object (the field names above; `friction` as [`FrictionReport::to_json`]),
    /// then a newline.
    pub fn to_json(&self) -> String {
        to_json(self) + "\n"
    }

    /// Writes [`BundleReport::to_json`]'s text to `w` as it is serialized, without holding it
    /// (a report of many replays runs to tens of MB).
    ///
    /// # Errors
    /// The writer's error.
    pub fn write_json<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        serde_json::to_writer(&mut w, self)?;
        w.write_all(b"\n")
    }
}
