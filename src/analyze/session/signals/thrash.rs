//! Thrashed cursor: the pointer darting back and forth. Recognised during the pass, which
//! feeds [`PointerTrack`] every pointer sample; the episodes are kept in the facts.

use super::finding::{episode_findings, EpisodeUpdate, Finding, FindingKind};
use crate::analyze::session::facts::AnalyzedSession;

/// Pointer direction changes that make a thrashed cursor. OpenReplay: "> 4
/// direction changes".
pub const THRASH_DIRECTION_CHANGES: usize = 5;
/// Longest gap between consecutive direction changes of one thrash, in ms.
/// OpenReplay's "~225 ms windows". rrweb samples the pointer at most every 50 ms, so five
/// changes inside one 225 ms window cannot be recorded; rewind applies the window between
/// consecutive changes instead.
pub const THRASH_MAX_GAP_MS: i64 = 225;
/// Least movement along an axis between two pointer samples for it to count towards a
/// direction change, in CSS px: rewind's stand-in for OpenReplay's "high acceleration" (20 px
/// per ≤ 50 ms sample is ≥ 400 px/s); slower drift and hand tremor never count.
pub const THRASH_MIN_SEGMENT_PX: f64 = 20.0;

/// Thrashed cursor: more than four pointer direction changes ([`THRASH_DIRECTION_CHANGES`]),
/// each within [`THRASH_MAX_GAP_MS`] of the previous, counting movements of at least
/// [`THRASH_MIN_SEGMENT_PX`] per sample. `element` is what the pointer was over.
pub fn thrashed_cursors(replay: &AnalyzedSession) -> Vec<Finding> {
    episode_findings(replay, FindingKind::ThrashedCursor, &replay.thrash)
}

/// Pointer direction changes, fed every pointer sample during the pass (the constants above
/// say the thresholds).
#[derive(Default)]
pub(crate) struct PointerTrack {
    last: Option<(i64, f64, f64)>,
    dir: (i8, i8),
    /// The current run of direction changes, each within THRASH_MAX_GAP_MS of the previous.
    run: Vec<i64>,
}

impl PointerTrack {
    pub(crate) fn track(&mut self, t: i64, x: f64, y: f64, node: Option<i64>) -> Option<EpisodeUpdate> {
        let Some((lt, lx, ly)) = self.last else {
            self.last = Some((t, x, y));
            return None;
        };
        let t = t.max(lt);
        self.last = Some((t, x, y));
        let mut turned = false;
        for (delta, dir) in [(x - lx, &mut self.dir.0), (y - ly, &mut self.dir.1)] {
            if delta.abs() >= THRASH_MIN_SEGMENT_PX {
                let sign = if delta > 0.0 { 1 } else { -1 };
                turned |= *dir != 0 && *dir != sign;
                *dir = sign;
            }
        }
        if !turned {
            return None;
        }
        if self.run.last().is_some_and(|&prev| t - prev > THRASH_MAX_GAP_MS) {
            self.run.clear();
        }
        self.run.push(t);
        (self.run.len() >= THRASH_DIRECTION_CHANGES).then(|| EpisodeUpdate {
            start_ms: self.run[0],
            end_ms: t,
            count: self.run.len(),
            node,
            extends: self.run.len() > THRASH_DIRECTION_CHANGES,
        })
    }
}
