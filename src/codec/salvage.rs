//! Salvage: what [`super::decode`] does when the strict pass fails on a damaged recording (an
//! interrupted download, a truncated gzip stream, an event with `"data": null`).
//!
//! The strict pass (`decode_batches`) stays the only path for intact input, so intact
//! recordings cost nothing extra. Salvage walks the same shapes the strict pass accepts (an
//! event array, an envelope or PostHog export object, JSON Lines of any of these) element by
//! element: each element's extent is found first (serde_json skipping it as `IgnoredAny`,
//! iteratively), then the element is read as an [`Event`] on its own. An element that is valid
//! JSON but not a readable event is skipped and counted; an element cut off by the end of the
//! input ends the walk; a syntax error resumes at the next `{` from which a whole event reads
//! and is followed by `,` or `]`. Everything read before and after the damage is kept.

use super::envelope::{BatchEnvelope, TopLevelVisitor};
use super::DecodeError;
use crate::model::Event;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::error::Category;
use std::fmt;

/// Start of the warning a salvaged recording carries in [`crate::model::Recording::warnings`]
/// (the rest is [`Salvage`]'s Display); the CLI prints such warnings on stderr too.
pub const SALVAGE_WARNING: &str = "damaged recording: ";

/// What salvage recovered from a damaged recording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Salvage {
    /// Events read intact.
    pub recovered: usize,
    /// Elements that were whole JSON values but not readable events (wrong types, `"data":
    /// null`, a node tree deeper than [`crate::model::MAX_NODE_DEPTH`]), or a run of bytes
    /// skipped over a syntax error (counted as one).
    pub skipped: usize,
    /// Byte offset where the first damage starts: the start of the first unreadable element,
    /// or where the input ends inside a value. For gzip input, an offset into the decompressed
    /// text.
    pub damage_at: usize,
    /// Why, in one line (the decoder's message for the first unreadable element, or what the
    /// input ended inside of).
    pub cause: String,
    /// The input was gzip; `Some(message)` when the gzip stream itself was corrupt or truncated
    /// (what it decompressed to before that was salvaged).
    pub gzip_error: Option<String>,
    /// The input was gzip (offsets are into the decompressed text).
    pub gzip: bool,
}

impl fmt::Display for Salvage {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{SALVAGE_WARNING}recovered {} event{}, skipped {} unreadable event{}; the damage starts at byte {}{} ({})",
            self.recovered,
            plural(self.recovered),
            self.skipped,
            plural(self.skipped),
            self.damage_at,
            if self.gzip { " of the decompressed text" } else { "" },
            self.cause,
        )?;
        if let Some(e) = &self.gzip_error {
            write!(f, "; gzip stream: {e}")?;
        }
        Ok(())
    }
}

/// Salvages `bytes` (already decompressed; a BOM already stripped). `base` is added to every
/// offset reported. Returns the batches recovered and the account of the damage.
pub(crate) fn salvage_text(bytes: &[u8], base: usize) -> (Vec<BatchEnvelope>, Salvage) {
    let resync_budget = bytes.len().saturating_mul(RESYNC_BUDGET_FACTOR);
    let mut walker = Walker { bytes, base, batches: Vec::new(), skipped: 0, first: None, resync_budget };
    walker.top_level();
    let recovered = walker.batches.iter().map(|b| b.events.len()).sum();
    // No damage in the text: only its container (a gzip stream's trailer) was.
    let (damage_at, cause) = walker.first.unwrap_or((base + bytes.len(), "the text itself is intact".to_string()));
    let salvage = Salvage { recovered, skipped: walker.skipped, damage_at, cause, gzip_error: None, gzip: false };
    (walker.batches, salvage)
}

/// The walk over one input. Positions are indexes into `bytes`.
struct Walker<'a> {
    bytes: &'a [u8],
    base: usize,
    batches: Vec<BatchEnvelope>,
    skipped: usize,
    /// The first damage: absolute offset and cause.
    first: Option<(usize, String)>,
    /// Bytes [`Walker::resync`] may still scan (see [`RESYNC_BUDGET_FACTOR`]).
    resync_budget: usize,
}

/// After a syntax error, resynchronising tries each later `{` as an event start; nested
/// objects make every try scan to the end of its object, so hostile input (`{"type":` repeated
/// and never closed) would cost quadratic time. All tries together may scan at most this many
/// times the input's length; past that the rest of the input is given up (the warning says
/// where the damage starts). Real damage resynchronises within one event.
pub const RESYNC_BUDGET_FACTOR: usize = 4;

/// The walk of one value stopped: the input ended, or a syntax error could not be skipped.
/// The position is where to resume at top level (JSON Lines: the next line).
struct Stopped(usize);

impl Walker<'_> {
    fn damage(&mut self, at: usize, cause: impl Into<String>) {
        if self.first.is_none() {
            self.first = Some((self.base + at, cause.into()));
        }
    }

    fn ws(&self, mut p: usize) -> usize {
        while self.bytes.get(p).is_some_and(u8::is_ascii_whitespace) {
            p += 1;
        }
        p
    }

    /// The end of the JSON value starting at `p`, or serde_json's error.
    /// serde_json skips a value with a loop (no recursion, no depth limit), so any nesting is
    /// safe here.
    fn extent(&self, p: usize) -> Result<usize, serde_json::Error> {
        let mut values = serde_json::Deserializer::from_slice(&self.bytes[p..]).into_iter::<IgnoredAny>();
        match values.next() {
            Some(Ok(_)) => Ok(p + values.byte_offset()),
            Some(Err(e)) => Err(e),
            None => Err(serde::de::Error::custom("no value")),
        }
    }

    /// Every top-level value in turn (one for plain JSON, one per line for JSON Lines).
    fn top_level(&mut self) {
        let mut p = 0;
        loop {
            p = self.ws(p);
            if p >= self.bytes.len() {
                return;
            }
            // An intact value (say, the lines of a JSON Lines file before the damage) reads
            // strictly, with its full envelope.
            let strict = match self.extent(p).map(|end| (end, strict_value(&self.bytes[p..end]))) {
                Ok((end, Ok(batch))) => {
                    self.batches.push(batch);
                    p = end;
                    continue;
                }
                Ok((_, Err(e))) | Err(e) => DecodeError::from(e),
            };
            let damaged_before = self.first.is_some();
            let skipped_before = self.skipped;
            let mut batch = BatchEnvelope::default();
            let walked = match self.bytes[p] {
                b'[' => self.array(p, &mut batch.events),
                b'{' => self.object(p, &mut batch, false),
                _ => Err(Stopped(p)),
            };
            if !batch.events.is_empty() || batch.session_id.is_some() {
                self.batches.push(batch);
            }
            p = match walked {
                Ok(end) => end,
                Err(Stopped(at)) => {
                    if !damaged_before && self.first.is_none() {
                        // Broken where the walk could not tell events apart (a JSON Lines line
                        // of garbage, an object cut short of its keys): the value is lost, as
                        // one unreadable event, for the strict decoder's reason.
                        self.damage(p, strip_position(&strict.to_string()).to_string());
                    }
                    if self.skipped == skipped_before && self.bytes[p] != b'[' && at < self.bytes.len() {
                        self.skipped += 1;
                    }
                    // Resume on the next line: JSON Lines values are newline-separated.
                    match self.bytes[at..].iter().position(|&b| b == b'\n') {
                        Some(nl) => at + nl + 1,
                        None => return,
                    }
                }
            };
        }
    }

    /// An array of events starting at `p0` (`[`): pushes every readable event into `out`.
    fn array(&mut self, p0: usize, out: &mut Vec<Event>) -> Result<usize, Stopped> {
        let mut p = self.ws(p0 + 1);
        if self.bytes.get(p) == Some(&b']') {
            return Ok(p + 1);
        }
        loop {
            p = self.ws(p);
            if p >= self.bytes.len() {
                self.damage(p, "the input ends inside the events array");
                return Err(Stopped(p));
            }
            match self.extent(p) {
                Ok(end) => {
                    match read_event(&self.bytes[p..end]) {
                        Ok(event) => out.push(event),
                        Err(cause) => {
                            self.skipped += 1;
                            self.damage(p, cause);
                        }
                    }
                    p = self.ws(end);
                    match self.bytes.get(p) {
                        Some(b',') => p += 1,
                        Some(b']') => return Ok(p + 1),
                        None => {
                            self.damage(p, "the input ends inside the events array");
                            return Err(Stopped(p));
                        }
                        Some(_) => {
                            self.damage(p, "expected `,` or `]` after an event");
                            p = self.resync(p)?;
                        }
                    }
                }
                Err(e) if e.is_eof() => {
                    self.damage(p, "the input ends inside an event");
                    return Err(Stopped(self.bytes.len()));
                }
                Err(e) => {
                    self.skipped += 1;
                    self.damage(p, format!("invalid JSON: {}", without_position(&e)));
                    p = self.resync(p + 1)?;
                }
            }
        }
    }

    /// The next position from `p` where a whole readable event starts and is followed by `,`
    /// or `]`: where the array walk resumes after a syntax error.
    fn resync(&mut self, p: usize) -> Result<usize, Stopped> {
        let mut at = p;
        while let Some(i) = self.bytes[at..].iter().position(|&b| b == b'{') {
            let start = at + i;
            let scanned = match self.extent(start) {
                Ok(end) => {
                    let next = self.ws(end);
                    if matches!(self.bytes.get(next), Some(b',' | b']')) && read_event(&self.bytes[start..end]).is_ok()
                    {
                        return Ok(start);
                    }
                    2 * (end - start)
                }
                Err(e) => error_offset(&self.bytes[start..], &e),
            };
            self.resync_budget = self.resync_budget.saturating_sub(scanned.max(1));
            if self.resync_budget == 0 {
                break;
            }
            at = start + 1;
        }
        Err(Stopped(self.bytes.len()))
    }

    /// An object starting at `p0` (`{`): an envelope (`events`), a PostHog export (`data` →
    /// `snapshots`), or a single event that did not read. `nested` is true inside `data`.
    fn object(&mut self, p0: usize, batch: &mut BatchEnvelope, nested: bool) -> Result<usize, Stopped> {
        let mut p = self.ws(p0 + 1);
        let mut event_like = false;
        let mut has_events = false;
        // A cut inside the `events` array was recorded there; any other cut is damage to the
        // object as a whole (a JSON Lines event, or an envelope before its events).
        let cut = |w: &mut Self, _: usize| {
            w.damage(p0, "the input ends inside an object");
            Stopped(w.bytes.len())
        };
        if self.bytes.get(p) == Some(&b'}') {
            return Ok(p + 1);
        }
        loop {
            p = self.ws(p);
            let Some(&b) = self.bytes.get(p) else { return Err(cut(self, p)) };
            if b != b'"' {
                return Err(Stopped(p));
            }
            let key_end = match self.extent(p) {
                Ok(end) => end,
                Err(e) if e.is_eof() => return Err(cut(self, p)),
                Err(_) => return Err(Stopped(p)),
            };
            let key: String = serde_json::from_slice(&self.bytes[p..key_end]).map_err(|_| Stopped(p))?;
            p = self.ws(key_end);
            match self.bytes.get(p) {
                Some(b':') => p = self.ws(p + 1),
                None => return Err(cut(self, p)),
                Some(_) => return Err(Stopped(p)),
            }
            let value_start = p;
            let end = match (key.as_str(), self.bytes.get(p)) {
                ("events" | "snapshots", Some(b'[')) => {
                    has_events = true;
                    self.array(p, &mut batch.events)?
                }
                // One level only (PostHog's export): `data` inside `data` is not walked, so
                // hostile nesting cannot recurse.
                ("data", Some(b'{')) if !event_like && !nested => self.object(p, batch, true)?,
                _ => match self.extent(p) {
                    Ok(end) => end,
                    Err(e) if e.is_eof() => return Err(cut(self, p)),
                    Err(_) => return Err(Stopped(p)),
                },
            };
            let text = &self.bytes[value_start..end];
            let string = || serde_json::from_slice::<Option<String>>(text).ok().flatten();
            match key.as_str() {
                "type" | "timestamp" => event_like = true,
                "session_id" | "sessionId" | "replay_id" | "$session_id" => batch.session_id = string(),
                "id" if nested => batch.session_id = batch.session_id.take().or_else(string),
                "distinct_id" | "distinctId" | "$distinct_id" | "user_id" => batch.distinct_id = string(),
                "window_id" | "windowId" | "$window_id" => batch.window_id = string(),
                "app_id" => batch.app_id = string(),
                "seq" => batch.seq = serde_json::from_slice(text).ok().flatten(),
                _ => {}
            }
            p = self.ws(end);
            match self.bytes.get(p) {
                Some(b',') => p += 1,
                Some(b'}') => {
                    if event_like && !has_events && !nested {
                        // A whole single event (a JSON Lines line) that did not read.
                        self.skipped += 1;
                        let cause = read_event(&self.bytes[p0..p + 1]).err().unwrap_or_default();
                        self.damage(p0, cause);
                    }
                    return Ok(p + 1);
                }
                None => return Err(cut(self, p)),
                Some(_) => return Err(Stopped(p)),
            }
        }
    }
}

/// The byte offset in `text` of serde_json's error position (its 1-based line and column):
/// how far the failed parse scanned. Costs as much as that scan did.
fn error_offset(text: &[u8], e: &serde_json::Error) -> usize {
    let mut line_start = 0;
    for _ in 1..e.line() {
        match text[line_start..].iter().position(|&b| b == b'\n') {
            Some(nl) => line_start += nl + 1,
            None => return text.len(),
        }
    }
    (line_start + e.column()).min(text.len())
}

/// One whole top-level value read as the strict decoder reads it.
fn strict_value(text: &[u8]) -> Result<BatchEnvelope, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    de.disable_recursion_limit();
    serde::de::Deserializer::deserialize_any(&mut de, TopLevelVisitor(None))
}

/// One event read on its own; the error is the cause without a position (which would be
/// relative to the element): `unreadable event: …` for valid JSON of the wrong shape,
/// the depth cap's own message, `invalid JSON: …` for a syntax error.
fn read_event(text: &[u8]) -> Result<Event, String> {
    let mut de = serde_json::Deserializer::from_slice(text);
    de.disable_recursion_limit();
    Event::deserialize(&mut de).map_err(|e| {
        let syntax = e.classify() == Category::Syntax;
        match DecodeError::from(e) {
            DecodeError::Json { message } if syntax => format!("invalid JSON: {}", strip_position(&message)),
            DecodeError::Json { message } => format!("unreadable event: {}", strip_position(&message)),
            DecodeError::TooDeep { limit, .. } => DecodeError::TooDeep { limit, at: String::new() }.to_string(),
            other => other.to_string(),
        }
    })
}

fn without_position(e: &serde_json::Error) -> String {
    strip_position(&e.to_string()).to_string()
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}
