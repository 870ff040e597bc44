//! Tools over many sessions: `get_friction_report` (the friction report of `rewind report`,
//! [`ReplayBundle::friction`]) and `compare_cohorts` (the bundle's label comparison,
//! [`ReplayBundle::compare`] with [`default_label`]). Each analyses at most
//! [`MAX_COHORT_SESSIONS`] sessions per filter, the newest first.

use super::filter::{FilterPage, SessionFilter};
use super::load::{analysed, SessionCache};
use super::output::{limit, offset_of, page, ToolOutcome};
use super::sessions::finding_json;
use crate::AppState;
use rewind::analyze::bundle::{default_label, ReplayBundle};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Most sessions analysed for one filter (the newest that match): 50. Each is analysed on
/// demand (one at a time, [`crate::read::ReadSlots::analyses`]), so this bounds a call's time;
/// `sessions_capped` says when more matched.
pub const MAX_COHORT_SESSIONS: usize = 50;
/// Friction groups per page when `limit` is not given.
pub const DEFAULT_FRICTION_GROUPS: usize = 10;
/// Most friction groups per page.
pub const MAX_FRICTION_GROUPS: usize = 25;
/// Example findings shown per friction group (the group counts them all).
pub const MAX_GROUP_EXAMPLES: usize = 3;
/// Comparison rows per page when `limit` is not given.
pub const DEFAULT_COMPARE_ROWS: usize = 25;
/// Most comparison rows per page.
pub const MAX_COMPARE_ROWS: usize = 100;

/// `compare_cohorts`' arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareParams {
    /// Cohort A (its newest 50 sessions).
    pub a: SessionFilter,
    /// Cohort B (its newest 50 sessions).
    pub b: SessionFilter,
    /// Rows per page, 1 to 100 (default 25).
    pub limit: Option<u32>,
    /// The `cursor` of a previous page, to continue after it (with the same filters).
    pub cursor: Option<String>,
}

/// The newest sessions matching `filter` (at most [`MAX_COHORT_SESSIONS`]), analysed; with the
/// number matching (up to the index's count cap), whether more matched than were analysed, and
/// the sessions that could not be analysed (id and why).
async fn cohort(
    state: &AppState,
    cache: &SessionCache,
    filter: &SessionFilter,
) -> Result<(ReplayBundle, u64, bool, Vec<Value>), String> {
    let list = filter.to_list_filter(MAX_COHORT_SESSIONS, None)?;
    let page = state.index.list(&list).await.map_err(|e| format!("the session index is unavailable: {e}"))?;
    let mut replays = Vec::with_capacity(page.sessions.len());
    let mut skipped = Vec::new();
    for record in &page.sessions {
        match analysed(state, cache, record).await {
            Ok(replay) => replays.push(replay),
            Err(why) => skipped.push(json!({ "session_id": record.session_id, "why": why })),
        }
    }
    let capped = page.next_cursor.is_some();
    Ok((replays.into_iter().collect::<ReplayBundle>(), page.total, capped, skipped))
}

/// `get_friction_report`: the ranked friction groups of the cohort, one page, each with its
/// first [`MAX_GROUP_EXAMPLES`] findings as evidence.
pub async fn friction(state: &AppState, cache: &SessionCache, params: FilterPage) -> ToolOutcome {
    let offset = offset_of(params.cursor.as_deref())?;
    let groups = limit(params.limit, DEFAULT_FRICTION_GROUPS, MAX_FRICTION_GROUPS);
    let (bundle, matching, capped, skipped) = cohort(state, cache, &params.filter).await?;
    let report = bundle.friction();
    let (range, truncated, cursor) = page(report.groups.len(), offset, groups);
    let shown: Vec<Value> = report.groups[range]
        .iter()
        .map(|g| {
            json!({
                "rank": g.rank,
                "kind": g.kind,
                "element": g.element,
                "url": g.url,
                "n_users": g.n_users,
                "n_sessions": g.n_replays,
                "n_findings": g.n_findings,
                "total_count": g.total_count,
                "examples": g.findings.iter().take(MAX_GROUP_EXAMPLES).map(finding_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({
        "sessions_analysed": report.n_replays,
        "sessions_matching": matching,
        "sessions_capped": capped,
        "sessions_skipped": skipped,
        "n_users": report.n_users,
        "n_groups": report.groups.len(),
        "groups": shown,
        "truncated": truncated,
        "cursor": cursor,
    }))
}

/// `compare_cohorts`: how often each activity label (`click:button@/cart`) occurs in cohort A
/// and in cohort B, largest difference first, with the rate per session of each cohort.
pub async fn compare(state: &AppState, cache: &SessionCache, params: CompareParams) -> ToolOutcome {
    let offset = offset_of(params.cursor.as_deref())?;
    let rows = limit(params.limit, DEFAULT_COMPARE_ROWS, MAX_COMPARE_ROWS);
    let (a, a_matching, a_capped, a_skipped) = cohort(state, cache, &params.a).await?;
    let (b, b_matching, b_capped, b_skipped) = cohort(state, cache, &params.b).await?;
    let table = a.compare(&b, |action| Some(default_label(action)));
    let per_session = |count: usize, n: usize| if n == 0 { 0.0 } else { count as f64 / n as f64 };
    let (range, truncated, cursor) = page(table.len(), offset, rows);
    let shown: Vec<Value> = table[range]
        .iter()
        .map(|r| {
            json!({
                "label": r.action,
                "a_count": r.self_count,
                "b_count": r.other_count,
                "delta": r.delta,
                "a_per_session": per_session(r.self_count, a.len()),
                "b_per_session": per_session(r.other_count, b.len()),
            })
        })
        .collect();
    let side = |bundle: &ReplayBundle, matching: u64, capped: bool, skipped: Vec<Value>| {
        json!({ "sessions_analysed": bundle.len(), "sessions_matching": matching, "sessions_capped": capped,
                "sessions_skipped": skipped, "n_users": bundle.n_users() })
    };
    Ok(json!({
        "a": side(&a, a_matching, a_capped, a_skipped),
        "b": side(&b, b_matching, b_capped, b_skipped),
        "n_rows": table.len(),
        "rows": shown,
        "truncated": truncated,
        "cursor": cursor,
    }))
}
