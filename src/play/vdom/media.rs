//! Media state: rrweb IncrementalSource MediaInteraction (7) and the FullSnapshot's
//! `rr_media*` attributes, as rrweb 2.1.1's Replayer keeps them (its `MediaManager`: whether
//! the element plays, its `currentTime` at the last interaction and when that was, volume,
//! muted, loop, playback rate). The time shown at a playhead `t` is derived, not stored: while
//! playing, the recorded position plus the time since the interaction × the rate.

use super::{Change, NodeData, VDom};
use crate::model::{AttrValue, MediaInteractionData};

/// The state of an `<audio>`/`<video>` element at its last recorded interaction.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaState {
    /// Playing (after Play 0) or paused (after Pause 1, or `rr_mediaState: 'paused'`).
    pub playing: bool,
    /// `currentTime` (seconds) at `at_ms`.
    pub time_s: f64,
    /// When `time_s` held (recording time, Unix epoch ms).
    pub at_ms: i64,
    /// `playbackRate` (1 = normal).
    pub rate: f64,
    /// `volume`, 0..=1.
    pub volume: f64,
    pub muted: bool,
    /// `loop`, when recorded.
    pub looped: Option<bool>,
}

impl MediaState {
    fn new(at_ms: i64) -> Self {
        MediaState { playing: false, time_s: 0.0, at_ms, rate: 1.0, volume: 1.0, muted: false, looped: None }
    }

    /// `currentTime` (seconds) at `t_ms` (Unix epoch ms): advancing at `rate` while playing.
    pub fn time_at(&self, t_ms: i64) -> f64 {
        if self.playing {
            self.time_s + (t_ms - self.at_ms).max(0) as f64 / 1000.0 * self.rate
        } else {
            self.time_s
        }
    }

    /// Moves the anchor to `t_ms` (before the rate or the playing state changes).
    fn rebase(&mut self, t_ms: i64) {
        self.time_s = self.time_at(t_ms);
        self.at_ms = t_ms;
    }
}

/// rrweb's media element test (`audio`/`video`, HTML).
fn is_media(tag: &str, svg: bool) -> bool {
    !svg && (tag == "video" || tag == "audio")
}

fn number(v: &AttrValue) -> Option<f64> {
    match v {
        AttrValue::Num(n) => Some(*n),
        AttrValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag(v: &AttrValue) -> bool {
    match v {
        AttrValue::Bool(b) => *b,
        AttrValue::Str(s) => s == "true",
        AttrValue::Num(n) => *n != 0.0,
        _ => false,
    }
}

/// The media state a serialized element's `rr_media*` attributes describe at `at_ms`
/// (rrweb-snapshot's build plays, pauses and sets them on the new element), or `None` when it
/// is no media element or has none of them.
pub(super) fn from_attributes(tag: &str, svg: bool, special: &[(&str, &AttrValue)], at_ms: i64) -> Option<MediaState> {
    if !is_media(tag, svg) || !special.iter().any(|(n, _)| n.starts_with("rr_media")) {
        return None;
    }
    let mut m = MediaState::new(at_ms);
    for &(name, v) in special {
        match name {
            "rr_mediaState" => m.playing = matches!(v, AttrValue::Str(s) if s == "played"),
            "rr_mediaCurrentTime" => m.time_s = number(v).unwrap_or(0.0),
            "rr_mediaPlaybackRate" => m.rate = number(v).unwrap_or(1.0),
            "rr_mediaVolume" => m.volume = number(v).unwrap_or(1.0),
            "rr_mediaMuted" => m.muted = flag(v),
            "rr_mediaLoop" => m.looped = Some(flag(v)),
            _ => {}
        }
    }
    Some(m)
}

impl VDom {
    /// MediaInteraction (7), as rrweb's `MediaManager.mediaMutation`: Play 0 / Pause 1 set the
    /// playing state; any type updates the recorded `currentTime` (anchored at the event's
    /// time), volume, muted, loop and rate it carries. Not a media element, or unknown: skipped
    /// (rrweb: "node not found" debug message, not a warning).
    pub(super) fn apply_media(&mut self, d: &MediaInteractionData) -> usize {
        let now = self.now;
        let Some(slot) = self.slot_of(d.id) else { return 1 };
        let NodeData::Element(e) = &mut self.nodes[slot as usize].data else { return 1 };
        if !is_media(&e.tag, e.svg) {
            return 1;
        }
        let m = e.media.get_or_insert_with(|| Box::new(MediaState::new(now)));
        m.rebase(now);
        match d.interaction {
            0 => m.playing = true,
            1 => m.playing = false,
            _ => {}
        }
        if let Some(t) = d.current_time.filter(|t| t.is_finite()) {
            m.time_s = t.max(0.0);
        }
        if let Some(v) = d.volume.filter(|v| v.is_finite()) {
            m.volume = v.clamp(0.0, 1.0);
        }
        if let Some(x) = d.muted {
            m.muted = x;
        }
        if let Some(x) = d.looped {
            m.looped = Some(x);
        }
        if let Some(r) = d.playback_rate.filter(|r| r.is_finite() && *r > 0.0) {
            m.rate = r;
        }
        self.push_change(Change::Media(slot));
        1
    }
}
