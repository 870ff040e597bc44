//! Excessive scrolling: one element (or the page) scrolled back and forth. Recognised during
//! the pass, which feeds [`ScrollTrack`] every scroll offset; the episodes are kept in the facts.

use super::finding::{episode_findings, EpisodeUpdate, Finding, FindingKind};
use crate::analyze::session::facts::AnalyzedSession;
use std::collections::VecDeque;

/// Scroll direction reversals that make excessive scrolling. The replay tools that list the
/// signal give no numbers; rewind's definition is scrolling back and forth (searching): at least 3
/// reversals within [`EXCESSIVE_SCROLL_WINDOW_MS`], each leg at least
/// [`EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS`] viewport heights.
pub const EXCESSIVE_SCROLL_TURNS: usize = 3;
/// See [`EXCESSIVE_SCROLL_TURNS`], in ms.
pub const EXCESSIVE_SCROLL_WINDOW_MS: i64 = 10_000;
/// See [`EXCESSIVE_SCROLL_TURNS`]: half a screen, so reading back a line or two never counts.
pub const EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS: f64 = 0.5;
/// Viewport height assumed before a Meta or ViewportResize event gives one, in CSS px.
pub const FALLBACK_VIEWPORT_HEIGHT_PX: f64 = 720.0;

/// Excessive scrolling: one element (or the page) scrolled back and forth, at least
/// [`EXCESSIVE_SCROLL_TURNS`] reversals within [`EXCESSIVE_SCROLL_WINDOW_MS`], each leg at
/// least [`EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS`] of the viewport's height. `count` is the
/// reversals.
pub fn excessive_scrolling(replay: &AnalyzedSession) -> Vec<Finding> {
    episode_findings(replay, FindingKind::ExcessiveScrolling, &replay.scrolls)
}

/// Back-and-forth scrolling of one element, with hysteresis: a turn counts once the offset
/// has come back by a whole leg from the furthest point reached.
pub(crate) struct ScrollTrack {
    anchor: f64,
    extreme: f64,
    dir: i8,
    turns: VecDeque<i64>,
    /// The number of turns in the episode in progress, if any.
    open: Option<(i64, usize)>,
}

impl ScrollTrack {
    /// A tracker for an element scrolled to `start` before its first Scroll event.
    pub(crate) fn new(start: f64) -> Self {
        ScrollTrack { anchor: start, extreme: start, dir: 0, turns: VecDeque::new(), open: None }
    }

    pub(crate) fn track(&mut self, t: i64, y: f64, leg: f64) -> Option<EpisodeUpdate> {
        if self.dir == 0 {
            if (y - self.anchor).abs() >= leg {
                self.dir = if y > self.anchor { 1 } else { -1 };
                self.extreme = y;
            }
            return None;
        }
        if (y - self.extreme) * f64::from(self.dir) > 0.0 {
            self.extreme = y;
            return None;
        }
        if (self.extreme - y).abs() < leg {
            return None;
        }
        // A turn at the furthest point.
        self.anchor = self.extreme;
        self.extreme = y;
        self.dir = -self.dir;
        self.turns.push_back(t);
        while self.turns.front().is_some_and(|&f| t - f > EXCESSIVE_SCROLL_WINDOW_MS) {
            self.turns.pop_front();
        }
        if self.turns.len() < EXCESSIVE_SCROLL_TURNS {
            self.open = None;
            return None;
        }
        let (start, count, extends) = match self.open {
            Some((start, count)) => (start, count + 1, true),
            None => (self.turns[0], self.turns.len(), false),
        };
        self.open = Some((start, count));
        Some(EpisodeUpdate { start_ms: start, end_ms: t, count, node: None, extends })
    }
}
