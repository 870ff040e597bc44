//! PII redaction of free text and JSON: emails, card numbers, phone numbers, US SSNs, JWTs,
//! bearer tokens, values of secret-named keys (`password=…`, `"token": "…"`), and the app's
//! own patterns.
//!
//! Entry points (the recorder, the analyzer and the collector's stored-batch redaction all
//! call these; each replaced span becomes one [`PiiKind::marker`], `[REDACTED:<kind>]` with
//! kind `email`, `card`, `phone`, `ssn`, `token`, `custom` or `secret`):
//! - [`super::PrivacyOptions::redact`] / [`redact_text_seen`]: free text. Built-in detectors
//!   also read the text percent-decoded (`zelda%40example.org`), see SSNs written as 9 digits
//!   after "ssn"/"social security", and secret `key=value` pairs.
//! - [`super::PrivacyOptions::redact_json`] / [`walk_json`]: a `serde_json::Value` in place:
//!   string values and object keys redacted as text, values of secret-named keys
//!   ([`secret_field_marker`]) and card numbers given as JSON numbers ([`card_number_marker`])
//!   replaced whole.
//! - [`super::PrivacyOptions::redact_input`] / [`typed_prefix`]: an input value, where a
//!   typed prefix of an email or a card (`jane.doe@exa`, `4111 1111 11`) is redacted too.
//! - [`super::PrivacyOptions::redact_console`]: console text and stack-trace lines (URLs
//!   scrubbed first, a frame's `:line:col` kept).
//! - [`super::PrivacyOptions::scrub_url`] (a page, route or network URL) and
//!   [`super::PrivacyOptions::attribute_value`] (one DOM attribute) for URLs; PII path
//!   segments are judged by [`path_segment_kind`].
//!
//! The built-in detectors are hand-written byte scanners, each one linear in the input
//! (every byte is looked at a bounded number of times), so a multi-megabyte console payload
//! or network body costs milliseconds, not minutes. Every match starts and ends at an ASCII
//! byte or at the text's ends, so cutting there never splits a UTF-8 sequence. App patterns
//! ([`super::pattern`]: `regex-lite` natively, the browser's `RegExp` in wasm) are capped in
//! count and size, and each search sees a bounded lookahead (see `pattern_spans`).

use std::cell::RefCell;

use super::pattern::AppPattern;
pub use super::pattern::MAX_APP_PATTERN_LEN;

mod detect;
mod json;
mod typed;

#[cfg(feature = "analyze")]
use detect::may_match;
use detect::{builtin_spans, luhn};
pub(crate) use json::{redact_json_strings, redact_json_value};
pub use json::{secret_field_marker, walk_json, walk_json_strings, FieldValue};
pub use typed::{redact_typed_prefix, typed_prefix, MIN_PARTIAL_CARD_DIGITS};

/// What a redacted span was; its marker replaces it in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PiiKind {
    /// An email address → `[REDACTED:email]`.
    Email,
    /// A payment card number (13–19 digits, Luhn-valid) → `[REDACTED:card]`.
    Card,
    /// A phone number → `[REDACTED:phone]`.
    Phone,
    /// A US social security number (`123-45-6789`) → `[REDACTED:ssn]`.
    Ssn,
    /// A JWT or the token of `Bearer <token>` → `[REDACTED:token]`.
    Token,
    /// A match of one of the app's `redact_patterns` → `[REDACTED:custom]`.
    Custom,
    /// The value of a secret-named JSON key (`password`, `token`, `authorization`…) →
    /// `[REDACTED:secret]` (only from [`super::PrivacyOptions::redact_json`]).
    Secret,
}

impl PiiKind {
    /// Every kind, in declaration order.
    pub const ALL: [PiiKind; 7] =
        [PiiKind::Email, PiiKind::Card, PiiKind::Phone, PiiKind::Ssn, PiiKind::Token, PiiKind::Custom, PiiKind::Secret];

    /// The text that replaces a span of this kind.
    pub fn marker(self) -> &'static str {
        match self {
            PiiKind::Email => "[REDACTED:email]",
            PiiKind::Card => "[REDACTED:card]",
            PiiKind::Phone => "[REDACTED:phone]",
            PiiKind::Ssn => "[REDACTED:ssn]",
            PiiKind::Token => "[REDACTED:token]",
            PiiKind::Custom => "[REDACTED:custom]",
            PiiKind::Secret => "[REDACTED:secret]",
        }
    }
}

/// A byte range of the input to replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    kind: PiiKind,
}

/// At most this many app patterns are used (the rest are ignored).
pub const MAX_APP_PATTERNS: usize = 32;
/// How far one app-pattern search looks ahead of its start (bytes); see [`pattern_spans`].
const APP_LOOKAHEAD: usize = 1024;
/// App-pattern matches up to this many bytes are always found whole (PII values are short).
pub const MAX_APP_MATCH: usize = APP_LOOKAHEAD / 2;

/// Checks one app pattern with rewind's limits; `Err` explains why it is unusable.
pub fn check_app_pattern(source: &str) -> Result<(), String> {
    AppPattern::compile(source).map(drop)
}

thread_local! {
    /// The last compiled pattern list, keyed by its sources (options rarely change).
    static APP_CACHE: RefCell<(Vec<String>, Vec<AppPattern>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Redacts built-in PII kinds and matches of `patterns` in `text`.
pub(crate) fn redact_text(text: &str, patterns: &[String]) -> String {
    redact_text_seen(text, patterns, &mut |_| {})
}

/// [`redact_text`], calling `seen` with the original text of each span it replaces
/// (overlapping matches merged into one span, as into one marker). The analyzer counts the
/// distinct values it redacted with this.
///
/// The built-in detectors read the text percent-decoded (`zelda%40example.org` is an email):
/// each `%XX` escape of an ASCII byte is decoded, and a span found in the decoded text
/// replaces the bytes it came from. App patterns see the text as it is.
pub fn redact_text_seen(text: &str, patterns: &[String], seen: &mut dyn FnMut(&str)) -> String {
    apply_spans(text, spans_of(text, patterns), seen)
}

/// True when [`redact_text`] would replace something in `text`, without building the
/// redacted text: the collector's check that an event holds no PII (most do not).
pub(crate) fn finds_pii(text: &str, patterns: &[String]) -> bool {
    spans_of(text, patterns).iter().any(|s| usable(text, s))
}

/// Every span [`redact_text_seen`] replaces in `text` (may overlap, unsorted; see
/// `apply_spans`).
fn spans_of(text: &str, patterns: &[String]) -> Vec<Span> {
    let mut spans = Vec::new();
    match percent_decoded(text) {
        Some((decoded, escapes)) => {
            builtin_spans(&decoded, &mut spans);
            // Each escape before a decoded offset took two more bytes in `text`.
            let raw = |d: usize| d + 2 * escapes.iter().filter(|&&e| e < d).count();
            for s in &mut spans {
                s.start = raw(s.start);
                s.end = raw(s.end);
            }
        }
        None => builtin_spans(text, &mut spans),
    }
    app_spans(text, patterns, &mut spans);
    spans
}

/// A span `apply_spans` replaces: not empty, and cut at char boundaries of `text`.
fn usable(text: &str, s: &Span) -> bool {
    s.start < s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
}

/// False only when [`redact_text_seen`] with no app patterns would return `text` unchanged
/// and report nothing: text without any character a built-in detector starts from (see
/// `detect::may_match`). The analyzer redacts every output string and most hold no PII, so it
/// screens them with this first.
#[cfg(feature = "analyze")]
pub(crate) fn may_hold_builtin_pii(text: &str) -> bool {
    may_match(text)
}

/// `text` with every `%XX` escape of an ASCII byte (`%00`–`%7F`) decoded, and the offset in
/// the decoded text of each decoded escape; `None` when `text` has no such escape. Escapes of
/// non-ASCII bytes stay as they are, so the decoded text is valid UTF-8 and every decoded
/// char boundary maps onto one of `text`.
fn percent_decoded(text: &str) -> Option<(String, Vec<usize>)> {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut escapes = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i + 2 < b.len() {
        match memchr::memchr(b'%', &b[i..]) {
            Some(k) => i += k,
            None => break,
        }
        if i + 2 >= b.len() {
            break;
        }
        let c = match (b[i], hex_value(b[i + 1]), hex_value(b[i + 2])) {
            (b'%', Some(h), Some(l)) if h < 8 => h << 4 | l,
            _ => {
                i += 1;
                continue;
            }
        };
        // `%` is ASCII, so `copied..i` lies on char boundaries.
        out.push_str(text.get(copied..i).unwrap_or_default());
        escapes.push(out.len());
        out.push(char::from(c));
        i += 3;
        copied = i;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some((out, escapes))
}

/// The value of one hex digit.
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Shortest run of hex digits read as a token in a URL path (128 bits: MD5, UUIDs written
/// without dashes, most API keys and reset tokens).
pub const MIN_HEX_TOKEN: usize = 32;
/// Shortest run of base64/base64url chars read as a token in a URL path (18 random bytes).
pub const MIN_B64_TOKEN: usize = 24;

/// What a URL path segment is, when it is PII that must not be recorded: an email, card,
/// SSN, phone number or JWT anywhere in the percent-decoded segment (the built-in detectors
/// of [`redact_text_seen`]), or a token: a run of [`MIN_HEX_TOKEN`]+ hex digits, or of
/// [`MIN_B64_TOKEN`]+ base64 chars that looks random (letters of both cases and digits, with
/// a change of class (lower, upper, digit) at least every 4 chars, not counting a capital
/// starting a word, so `ProductDetailsPageVersion2024` is not one).
/// `None` for an ordinary segment (`users`, `42`, `profile.png`, `2026-11-21`).
pub fn path_segment_kind(segment: &str) -> Option<PiiKind> {
    if segment.len() < 6 {
        return None;
    }
    let decoded = percent_decoded(segment).map_or_else(|| segment.to_string(), |(d, _)| d);
    let mut spans = Vec::new();
    builtin_spans(&decoded, &mut spans);
    if let Some(s) = spans.iter().min_by_key(|s| s.start) {
        return Some(s.kind);
    }
    let b = decoded.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b"+_=".contains(&b[i])) {
            i += 1;
        }
        let run = &b[start..i];
        if token_like(run) {
            return Some(PiiKind::Token);
        }
        i += 1;
    }
    None
}

/// See [`path_segment_kind`].
fn token_like(run: &[u8]) -> bool {
    let hex_run = run.iter().fold((0, 0), |(best, cur), c| {
        let cur = if c.is_ascii_hexdigit() { cur + 1 } else { 0 };
        (best.max(cur), cur)
    });
    if hex_run.0 >= MIN_HEX_TOKEN {
        return true;
    }
    if run.len() < MIN_B64_TOKEN {
        return false;
    }
    let class = |c: u8| match c {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let mut seen = [false; 4];
    let mut changes = 0;
    for (k, &c) in run.iter().enumerate() {
        seen[class(c)] = true;
        // A capital starting a word (`Page`) is not a change: words are not random.
        if k > 0 && class(c) != class(run[k - 1]) && !(class(run[k - 1]) == 1 && class(c) == 0) {
            changes += 1;
        }
    }
    seen[0] && seen[1] && seen[2] && changes * 4 >= run.len()
}

/// The marker replacing a JSON number that is a payment card number (13–19 digits,
/// Luhn-valid, a major-network first digit, as in text); `None` for any other number.
/// `digits` is the number as JSON writes it (`4111111111111111`; a fraction or exponent is
/// never a card).
pub fn card_number_marker(digits: &str) -> Option<&'static str> {
    // `is_card` for one unseparated run, without building the run.
    let b = digits.as_bytes();
    let card =
        (13..=19).contains(&b.len()) && matches!(b[0], b'2'..=b'6') && b.iter().all(u8::is_ascii_digit) && luhn(b);
    card.then_some(PiiKind::Card.marker())
}

/// Replaces each span (overlapping spans merged; the earliest-starting, then longest, span
/// names the merged one) with its marker.
fn apply_spans(text: &str, mut spans: Vec<Span>, seen: &mut dyn FnMut(&str)) -> String {
    spans.retain(|s| usable(text, s));
    if spans.is_empty() {
        return text.to_string();
    }
    // Earliest start first, then longest; ties keep the push order (the detectors' order).
    // Sorted as plain (start, !end, index) triples, unique, by the crate's small heapsort
    // (`sort_unstable` costs ~4 KB of wasm; see `crate::sort`).
    let mut order: Vec<(usize, usize, usize)> =
        spans.iter().enumerate().map(|(i, s)| (s.start, usize::MAX - s.end, i)).collect();
    crate::sort::heapsort(&mut order);
    let spans = order.into_iter().map(|(_, _, i)| spans[i]);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut cur: Option<Span> = None;
    for s in spans {
        match &mut cur {
            Some(c) if s.start < c.end => c.end = c.end.max(s.end),
            _ => {
                if let Some(c) = cur.take() {
                    out.push_str(text.get(pos..c.start).unwrap_or_default());
                    out.push_str(c.kind.marker());
                    seen(text.get(c.start..c.end).unwrap_or_default());
                    pos = c.end;
                }
                cur = Some(s);
            }
        }
    }
    if let Some(c) = cur {
        out.push_str(text.get(pos..c.start).unwrap_or_default());
        out.push_str(c.kind.marker());
        seen(text.get(c.start..c.end).unwrap_or_default());
        pos = c.end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

// ---------------------------------------------------------------------------------------
// App patterns

/// Matches of the app's patterns (compiled once per distinct pattern list, per thread).
fn app_spans(text: &str, patterns: &[String], out: &mut Vec<Span>) {
    if patterns.is_empty() || text.is_empty() {
        return;
    }
    APP_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != patterns {
            cache.1 = patterns.iter().take(MAX_APP_PATTERNS).filter_map(|p| AppPattern::compile(p).ok()).collect();
            cache.0 = patterns.to_vec();
        }
        for re in &cache.1 {
            pattern_spans(re, text, out);
        }
    });
}

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary just after `i` (`i` < `text.len()` and a boundary).
fn next_boundary(text: &str, i: usize) -> usize {
    i + text.get(i..).unwrap_or_default().chars().next().map_or(1, char::len_utf8)
}

/// All matches of `re` in `text`, found with a bounded lookahead: each search sees at most
/// [`APP_LOOKAHEAD`] bytes after its start, so the work per search is bounded and, with the
/// native engine, the whole scan is O(text × lookahead × pattern) even for pathological
/// patterns (plain `find_iter` can be quadratic; the browser's backtracking `RegExp` is
/// bounded per window only for patterns without catastrophic backtracking, see `pattern`). Every match up to [`MAX_APP_MATCH`] bytes long is found exactly as an
/// unbounded leftmost-first search would find it; longer matches are cut at the lookahead.
fn pattern_spans(re: &AppPattern, text: &str, out: &mut Vec<Span>) {
    let len = text.len();
    let mut pos = 0;
    while pos < len {
        let rend = floor_boundary(text, pos + APP_LOOKAHEAD);
        let at_end = rend == len;
        match re.find_at(text.get(..rend).unwrap_or_default(), pos) {
            Some((start, end)) if at_end || start + MAX_APP_MATCH <= rend || start == pos => {
                if end > start {
                    out.push(Span { start, end, kind: PiiKind::Custom });
                    pos = end;
                } else if start < len {
                    pos = next_boundary(text, start);
                } else {
                    break;
                }
            }
            // Starts in the region's tail: search again from there with a full lookahead.
            Some((start, _)) => pos = start,
            None if at_end => break,
            // A match starting before rend - MAX_APP_MATCH would have fitted in the region.
            None => pos = floor_boundary(text, rend - MAX_APP_MATCH).max(next_boundary(text, pos)),
        }
    }
}
