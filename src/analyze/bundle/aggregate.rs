//! Aggregations over a bundle's replays: clicked elements, long pauses, error sessions.
//!
//! Each is computed per replay and then merged, so the streaming report (`report.rs`), which
//! keeps only per-replay results, gets exactly what the in-memory bundle gets.

use super::tables::ElementRow;
use crate::analyze::normalize::normalize_url;
use crate::analyze::session::AnalyzedSession;
use crate::analyze::ActionKind;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Default gap between two consecutive actions that counts as a long pause, in seconds (the
/// Mixpanel seed's `long_pauses(threshold_s=10)`; rrweb-player also treats gaps over 10 s as
/// inactivity).
pub const LONG_PAUSE_S: f64 = 10.0;

/// An element as the elements table keys it: its description and normalized page URL.
pub(crate) type ElementKey = (String, Option<String>);

/// One replay's genuine clicks (click, dblclick, right_click; focus excluded, as `n_clicks`)
/// per element, sorted by key.
pub(crate) fn element_clicks(replay: &AnalyzedSession) -> Vec<(ElementKey, usize)> {
    let mut counts: BTreeMap<ElementKey, usize> = BTreeMap::new();
    for a in &replay.actions {
        let focus = a.metadata.get("interaction").and_then(Value::as_str) == Some("focus");
        if a.action != ActionKind::Click || focus {
            continue;
        }
        let Some(desc) = &a.target_desc else { continue };
        *counts.entry((desc.clone(), a.url.as_deref().map(normalize_url))).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// Element click counts merged over replays.
#[derive(Clone, Debug, Default)]
pub(crate) struct ElementTally {
    /// key → (clicks, replays)
    counts: BTreeMap<ElementKey, (usize, usize)>,
}

impl ElementTally {
    /// Adds one replay's [`element_clicks`].
    pub(crate) fn add(&mut self, clicks: Vec<(ElementKey, usize)>) {
        for (key, n) in clicks {
            let entry = self.counts.entry(key).or_default();
            entry.0 += n;
            entry.1 += 1;
        }
    }

    /// The rows, most clicked first; ties by more replays, then description and URL.
    pub(crate) fn rows(self) -> Vec<ElementRow> {
        let mut rows: Vec<ElementRow> = self
            .counts
            .into_iter()
            .map(|((target_desc, normalized_url), (n_clicks, n_unique_replays))| ElementRow {
                target_desc,
                normalized_url,
                n_clicks,
                n_unique_replays,
            })
            .collect();
        // Stable: equal counts keep the BTreeMap's key order.
        rows.sort_by_key(|r| std::cmp::Reverse((r.n_clicks, r.n_unique_replays)));
        rows
    }
}

/// A gap between two consecutive actions of a replay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pause {
    /// The replay.
    pub replay_id: String,
    /// Its user, when known.
    pub distinct_id: Option<String>,
    /// The action before and after the gap, Unix epoch ms.
    pub start_ms: i64,
    /// See `start_ms`.
    pub end_ms: i64,
    /// `start_ms` in seconds since the replay's first event.
    pub offset_s: f64,
    /// `end_ms - start_ms` in seconds.
    pub duration_s: f64,
    /// Descriptions of the actions before and after.
    pub before: String,
    /// See `before`.
    pub after: String,
    /// The page during the pause (normalized URL of the action before it).
    pub url: Option<String>,
}

/// Gaps of at least `threshold_s` seconds between consecutive actions of `replay`, in time
/// order. A negative or NaN threshold is taken as 0 (every gap).
pub fn long_pauses(replay: &AnalyzedSession, threshold_s: f64) -> Vec<Pause> {
    let threshold_ms = if threshold_s > 0.0 { threshold_s * 1000.0 } else { 0.0 };
    replay
        .actions
        .windows(2)
        .filter(|w| (w[1].t_ms - w[0].t_ms) as f64 >= threshold_ms)
        .map(|w| Pause {
            replay_id: replay.session.replay_id.clone(),
            distinct_id: replay.session.distinct_id.clone(),
            start_ms: w[0].t_ms,
            end_ms: w[1].t_ms,
            offset_s: replay.offset_s(w[0].t_ms),
            duration_s: (w[1].t_ms - w[0].t_ms) as f64 / 1000.0,
            before: w[0].description.clone(),
            after: w[1].description.clone(),
            url: w[0].url.as_deref().map(normalize_url),
        })
        .collect()
}

/// A replay with console errors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorSession {
    /// The replay.
    pub replay_id: String,
    /// Its user, when known.
    pub distinct_id: Option<String>,
    /// Console errors in the replay.
    pub n_errors: usize,
    /// The first error: Unix epoch ms, seconds since the replay's first event, its message and
    /// its page (normalized URL).
    pub first_error_ms: i64,
    /// Seconds since the replay's first event.
    pub offset_s: f64,
    /// The first error's message.
    pub first_error: String,
    /// The first error's page (normalized URL).
    pub url: Option<String>,
}

/// The replay's errors, when it has any (console errors, including uncaught exceptions).
pub fn error_session(replay: &AnalyzedSession) -> Option<ErrorSession> {
    let mut errors = replay.actions.iter().filter(|a| a.action == ActionKind::ConsoleError);
    let first = errors.next()?;
    let message = first.metadata.get("message").and_then(Value::as_str).unwrap_or(&first.description);
    Some(ErrorSession {
        replay_id: replay.session.replay_id.clone(),
        distinct_id: replay.session.distinct_id.clone(),
        n_errors: 1 + errors.count(),
        first_error_ms: first.t_ms,
        offset_s: replay.offset_s(first.t_ms),
        first_error: message.to_string(),
        url: first.url.as_deref().map(normalize_url),
    })
}
