//! Error-triggered buffering, as Sentry's `replaysOnErrorSampleRate`: a session that is not
//! sampled keeps only its last minute in memory, sends nothing, and is delivered (that minute,
//! then everything after it) when an error happens.
//!
//! - [`Sampling`] and [`Mode`]: the per-session decision, made from injected random numbers in
//!   [0, 1) and kept in `sessionStorage` ([`mode_to_storage`]) so a reload does not roll again.
//! - [`Buffer`]: the rolling window. It is a list of segments, each starting at a Meta event
//!   (which rewind always emits right before its FullSnapshot), so whatever is kept starts with
//!   Meta + FullSnapshot and replays.
//! - [`is_console_error`]: a recorded `console.error` (present only when console capture is
//!   on) is a trigger, like an uncaught error, an unhandled rejection or `capture()`, which the
//!   browser edge (`record::transport`, `js/index.js`) reports.

use super::outbox::{event_type, Item};

/// The buffer covers at least this long (ms) before a trigger: 60 s, Sentry's buffer for
/// `replaysOnErrorSampleRate` ("the last 60 seconds").
pub const BUFFER_WINDOW_MS: f64 = 60_000.0;
/// While buffering, a fresh Meta + FullSnapshot is asked for when an event arrives this long
/// (ms) after the newest segment began: 60 s (Sentry checks out every 60 s in buffer mode).
/// With it a segment never needs to be kept for much longer than the window, so the buffer
/// holds at most about 2 × 60 s. A page that emits nothing needs no new snapshot: the kept one
/// still describes it.
pub const BUFFER_CHECKOUT_MS: f64 = 60_000.0;

/// rrweb EventType Meta: where a segment starts.
use crate::protocol::event_type::META;

/// Sampling rates, each a fraction in [0, 1] (clamped; NaN counts as 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// Sessions sent in full from their start. Default 1 (every consented session: no buffering).
    pub session: f64,
    /// Buffered sessions sent when an error (or `capture()`) happens. Default 0.
    pub on_error: f64,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling { session: 1.0, on_error: 0.0 }
    }
}

/// `u` (uniform in [0, 1)) falls under `rate`: 1 always passes, 0 never.
fn passes(rate: f64, u: f64) -> bool {
    u < rate.clamp(0.0, 1.0)
}

/// What a session does with its events. Decided once per session and kept across reloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every event is delivered: a sampled session, or a buffered one after its trigger.
    Sending,
    /// The last minute is kept in a [`Buffer`], nothing is sent; the first trigger rolls
    /// `on_error`.
    Buffering,
    /// The `on_error` roll failed: still buffering (bounded), never sent in this session.
    Withheld,
}

impl Sampling {
    /// The mode of a new session, from `u` uniform in [0, 1).
    pub fn start(&self, u: f64) -> Mode {
        if passes(self.session, u) {
            Mode::Sending
        } else {
            Mode::Buffering
        }
    }

    /// The mode after a trigger in `mode`, from `u` uniform in [0, 1): `Buffering` becomes
    /// `Sending` when `u` passes `on_error`, else `Withheld`; other modes stay.
    pub fn trigger(&self, mode: Mode, u: f64) -> Mode {
        match mode {
            Mode::Buffering if passes(self.on_error, u) => Mode::Sending,
            Mode::Buffering => Mode::Withheld,
            other => other,
        }
    }
}

/// The storage text of a session's mode: `{session_id} {s|b|w}`. The id ties the decision to
/// its session: a new session rolls again.
pub fn mode_to_storage(session_id: &str, mode: Mode) -> String {
    let c = match mode {
        Mode::Sending => 's',
        Mode::Buffering => 'b',
        Mode::Withheld => 'w',
    };
    format!("{session_id} {c}")
}

/// Parses [`mode_to_storage`]'s text for `session_id`; `None` for another session or anything
/// else (the caller then rolls).
pub fn mode_from_storage(text: &str, session_id: &str) -> Option<Mode> {
    let (id, c) = text.split_once(' ')?;
    if id != session_id {
        return None;
    }
    match c {
        "s" => Some(Mode::Sending),
        "b" => Some(Mode::Buffering),
        "w" => Some(Mode::Withheld),
        _ => None,
    }
}

/// Whether an event is a recorded `console.error` (rewind's `rrweb/console@1` plugin event at
/// level `error`, which the recorder also writes for uncaught errors and rejections when console
/// capture is on). Matches the recorder's (and `JSON.stringify`'s) spacing; text inside a
/// logged string is escaped and cannot match.
pub fn is_console_error(json: &str) -> bool {
    event_type(json) == 6
        && crate::privacy::find_str(json, r#""plugin":"rrweb/console@1","payload":{"level":"error""#).is_some()
}

/// The rolling window of a buffering session: the fewest whole segments (each from a Meta,
/// with its FullSnapshot, up to the next Meta), oldest first, whose first one began at least
/// [`BUFFER_WINDOW_MS`] ago (or all of them when younger), held under `max_bytes` of event
/// JSON.
#[derive(Debug)]
pub struct Buffer {
    /// The events, oldest first; the first is a Meta unless empty.
    items: Vec<Item>,
    /// When each Meta in `items` arrived (epoch ms), in order. The Meta's own timestamp is at
    /// or before it, so trimming by arrival never keeps less than the window.
    starts: Vec<f64>,
    bytes: usize,
    max_bytes: usize,
    /// When the newest segment began (kept when overflow empties the buffer): the checkout
    /// clock; infinite before the first.
    last_start_ms: f64,
    /// A new snapshot was asked for and its Meta has not arrived yet.
    asked: bool,
}

impl Buffer {
    /// An empty buffer holding at most `max_bytes` bytes of event JSON.
    pub fn new(max_bytes: usize) -> Self {
        Buffer {
            items: Vec::new(),
            starts: Vec::new(),
            bytes: 0,
            max_bytes,
            last_start_ms: f64::INFINITY,
            asked: false,
        }
    }

    /// Bytes of event JSON held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Events held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Keeps an event that arrived at `now_ms` (epoch ms) and trims what the window no longer
    /// needs. An event with no segment to join (before the first Meta, or after an overflow
    /// emptied the buffer) could not replay and is dropped. Returns true when the caller
    /// should ask the recorder for a fresh Meta + FullSnapshot (once, until its Meta arrives):
    /// [`BUFFER_CHECKOUT_MS`] passed since the newest segment began.
    pub fn push(&mut self, json: String, now_ms: f64) -> bool {
        let kind = event_type(&json);
        if kind == META {
            self.starts.push(now_ms);
            self.last_start_ms = now_ms;
            self.asked = false;
        }
        if !self.starts.is_empty() {
            self.bytes += json.len();
            self.items.push(Item { json, kind });
        }
        // Drop the oldest segment while the next one alone still covers the window, or while
        // over the bytes. A single segment over the bytes goes whole: the buffer then waits
        // for the next checkout (a page writing more than `max_bytes` a minute keeps less than
        // a minute, never an unreplayable tail).
        while self.bytes > self.max_bytes || self.starts.len() >= 2 && self.starts[1] <= now_ms - BUFFER_WINDOW_MS {
            self.drop_first_segment();
        }
        if now_ms - self.last_start_ms >= BUFFER_CHECKOUT_MS && !self.asked {
            self.asked = true;
            return true;
        }
        false
    }

    fn drop_first_segment(&mut self) {
        self.starts.remove(0);
        let (mut seen, mut bytes) = (0, 0);
        // Everything before the next Meta (the first item is a Meta itself).
        self.items.retain(|item| {
            seen += usize::from(item.kind == META);
            if seen > 1 {
                return true;
            }
            bytes += item.json.len();
            false
        });
        self.bytes -= bytes;
    }

    /// Takes every event held, oldest first (to send on a trigger), leaving the buffer empty.
    /// The first event is a Meta, followed by its FullSnapshot, unless nothing was held.
    pub fn drain(&mut self) -> Vec<Item> {
        self.bytes = 0;
        self.asked = false;
        self.starts.clear();
        std::mem::take(&mut self.items)
    }

    /// The EventTypes of the first two events held (tests: the window's head).
    #[cfg(test)]
    pub(crate) fn head_kinds(&self) -> Vec<u8> {
        self.items.iter().take(2).map(|i| i.kind).collect()
    }

    /// Forgets everything (opt-out, or a new session), including the checkout clock.
    pub fn clear(&mut self) {
        self.drain();
        self.last_start_ms = f64::INFINITY;
    }
}
