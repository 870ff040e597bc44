//! PII redaction of free text and JSON: emails, card numbers, phone numbers, US SSNs, JWTs,
//! bearer tokens, values of secret-named keys (`password=…`, `"token": "…"`), and the app's
//! own patterns.
//!
//! The built-in detectors are hand-written byte scanners, each one linear in the input
//! (every byte is looked at a bounded number of times), so a multi-megabyte console payload
//! or network body costs milliseconds, not minutes. Every match starts and ends at an ASCII
//! byte or at the text's ends, so cutting there never splits a UTF-8 sequence. App patterns
//! ([`super::pattern`]: `regex-lite` natively, the browser's `RegExp` in wasm) are capped in
//! count and size, and each search sees a bounded lookahead (see `pattern_spans`).

use std::cell::RefCell;

use serde_json::Value;

use super::mask::words;
use super::pattern::AppPattern;
pub use super::pattern::MAX_APP_PATTERN_LEN;

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
pub fn redact_text_seen(text: &str, patterns: &[String], seen: &mut dyn FnMut(&str)) -> String {
    let mut spans = Vec::new();
    builtin_spans(text, &mut spans);
    app_spans(text, patterns, &mut spans);
    apply_spans(text, spans, seen)
}

/// All built-in detector matches in `text` (may overlap; [`apply_spans`] merges them).
fn builtin_spans(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    scan_jwts(b, out);
    scan_bearer(b, out);
    scan_emails(b, out);
    scan_numbers(b, out);
    scan_secret_pairs(text, out);
}

/// Replaces each span (overlapping spans merged; the earliest-starting, then longest, span
/// names the merged one) with its marker.
fn apply_spans(text: &str, mut spans: Vec<Span>, seen: &mut dyn FnMut(&str)) -> String {
    spans.retain(|s| s.start < s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
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

// ---------------------------------------------------------------------------------------
// Built-in detectors

/// `[A-Za-z0-9_]`: chars that glue a match to the word around it.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// base64url alphabet (JWT segments).
fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// JWTs: `eyJ…` (base64url of `{"`) header of ≥ 10 chars, `.`, payload of ≥ 2 chars, `.`,
/// signature (may be empty: unsigned tokens); JWE's five parts are taken whole.
fn scan_jwts(b: &[u8], out: &mut Vec<Span>) {
    let n = b.len();
    let mut i = 0;
    while i + 3 <= n {
        if &b[i..i + 3] != b"eyJ" || (i > 0 && (is_b64url(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let seg = |from: usize| {
            let mut j = from;
            while j < n && is_b64url(b[j]) {
                j += 1;
            }
            j
        };
        let h_end = seg(i);
        let ok_header = h_end - i >= 10 && h_end < n && b[h_end] == b'.';
        if !ok_header {
            i = h_end.max(i + 1);
            continue;
        }
        let p_end = seg(h_end + 1);
        if p_end - (h_end + 1) < 2 || p_end >= n || b[p_end] != b'.' {
            i = h_end.max(i + 1);
            continue;
        }
        let mut end = seg(p_end + 1);
        // JWE: two more parts.
        let mut parts = 3;
        while parts < 5 && end < n && b[end] == b'.' && end + 1 < n && is_b64url(b[end + 1]) {
            end = seg(end + 1);
            parts += 1;
        }
        out.push(Span { start: i, end, kind: PiiKind::Token });
        i = end.max(i + 1);
    }
}

/// `Bearer <token>` (any case, RFC 6750 b64token): the token is redacted, the word kept.
/// The token must be ≥ 8 chars and look like one (a digit or one of `-._~+/=`, or ≥ 20
/// chars), so English ("bearer instruments") is left alone.
fn scan_bearer(b: &[u8], out: &mut Vec<Span>) {
    const WORD: &[u8] = b"bearer";
    let n = b.len();
    let mut i = 0;
    while i + WORD.len() < n {
        if !b[i..i + WORD.len()].eq_ignore_ascii_case(WORD) || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let mut j = i + WORD.len();
        let sp = j;
        while j < n && (b[j] == b' ' || b[j] == b'\t') && j - sp < 4 {
            j += 1;
        }
        if j == sp {
            i += 1;
            continue;
        }
        let t = j;
        while j < n && (b[j].is_ascii_alphanumeric() || b"-._~+/".contains(&b[j])) {
            j += 1;
        }
        while j < n && b[j] == b'=' {
            j += 1;
        }
        // A trailing '.' is more likely the sentence's.
        let mut end = j;
        while end > t && b[end - 1] == b'.' {
            end -= 1;
        }
        let tok = &b[t..end];
        let tokenish = tok.len() >= 20 || tok.iter().any(|c| c.is_ascii_digit() || b"-._~+/=".contains(c));
        if tok.len() >= 8 && tokenish && (j >= n || !is_word(b[j])) {
            out.push(Span { start: t, end, kind: PiiKind::Token });
        }
        i = j.max(i + 1);
    }
}

/// Email local-part chars (the common subset of RFC 5322 atext, plus `.`).
fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-'".contains(&c)
}

/// Email domain chars.
fn is_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

/// A plausible email domain: ≥ 2 non-empty labels not starting or ending with `-`, a
/// top-level label of ≥ 2 letters, and not a retina-image suffix (`icon@2x.png`).
fn valid_domain(d: &[u8]) -> bool {
    let labels: Vec<&[u8]> = d.split(|&c| c == b'.').collect();
    if labels.len() < 2 {
        return false;
    }
    if labels.iter().any(|l| l.is_empty() || l[0] == b'-' || l[l.len() - 1] == b'-') {
        return false;
    }
    let tld = labels[labels.len() - 1];
    if tld.len() < 2 || !tld.iter().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let first = labels[0];
    let scale = first.len() >= 2
        && first[first.len() - 1].eq_ignore_ascii_case(&b'x')
        && first[..first.len() - 1].iter().all(|c| c.is_ascii_digit());
    !scale
}

/// Emails: `local@domain.tld` with ASCII local part and domain (see [`valid_domain`]).
fn scan_emails(b: &[u8], out: &mut Vec<Span>) {
    let n = b.len();
    let mut floor = 0; // no match may start before the end of the previous one
    for at in 0..n {
        if b[at] != b'@' || at < floor {
            continue;
        }
        let mut s = at;
        while s > floor && is_local(b[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(b[s], b'.' | b'\'') {
            s += 1;
        }
        if s == at {
            continue;
        }
        let mut e = at + 1;
        while e < n && is_domain(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if valid_domain(&b[at + 1..e]) {
            out.push(Span { start: s, end: e, kind: PiiKind::Email });
            floor = e;
        }
    }
}

/// A maximal run of digit groups joined by short separators, as read by [`read_run`].
#[derive(Debug, Default)]
struct Run {
    /// Byte index after the last digit.
    end: usize,
    /// Digit count of each group (only the first 24 groups are kept).
    groups: Vec<usize>,
    /// The digits (only the first 20 are kept; `digit_count` has the total).
    digits: Vec<u8>,
    digit_count: usize,
    plus: bool,
    paren: bool,
    space: bool,
    dash: bool,
    dot: bool,
}

impl Run {
    fn separated(&self) -> bool {
        self.groups.len() > 1
    }
    /// True when the run's only separator kind is the given one (no parentheses).
    fn only(&self, space: bool, dash: bool, dot: bool) -> bool {
        !self.paren && self.space == space && self.dash == dash && self.dot == dot
    }
    fn first_digit(&self) -> u8 {
        self.digits.first().copied().unwrap_or(b'0')
    }
}

/// Reads the run starting at `i` (a digit, or `+`/`(` followed by a digit).
fn read_run(b: &[u8], i: usize) -> Run {
    let n = b.len();
    let mut r = Run::default();
    let mut j = i;
    if b[j] == b'+' {
        r.plus = true;
        j += 1;
    }
    loop {
        let gs = j;
        while j < n && b[j].is_ascii_digit() {
            if r.digits.len() < 20 {
                r.digits.push(b[j]);
            }
            j += 1;
        }
        if j > gs {
            if r.groups.len() < 24 {
                r.groups.push(j - gs);
            }
            r.digit_count += j - gs;
            r.end = j;
        }
        // A separator: at most one of space/dash/dot, plus at most one '(' and one ')'.
        let ss = j;
        let (mut plain, mut open, mut close) = (0, 0, 0);
        while j < n && j - ss < 3 {
            match b[j] {
                b' ' | b'-' | b'.' => plain += 1,
                b'(' => open += 1,
                b')' => close += 1,
                _ => break,
            }
            j += 1;
        }
        let ok = j > ss && plain <= 1 && open <= 1 && close <= 1 && j < n && b[j].is_ascii_digit();
        if !ok {
            break;
        }
        for &c in &b[ss..j] {
            match c {
                b' ' => r.space = true,
                b'-' => r.dash = true,
                b'.' => r.dot = true,
                _ => r.paren = true,
            }
        }
    }
    if r.end == 0 {
        r.end = j.max(i + 1);
    }
    r
}

/// Length of a calendar date at the start of `b` (`2026-11-21`, `2026.11.21`, `21.11.2026`,
/// `11-21-2026`), so dates (and the times after them) are not read as phone numbers.
fn date_prefix(b: &[u8]) -> Option<usize> {
    let num = |s: &[u8]| -> Option<u32> {
        if s.iter().all(|c| c.is_ascii_digit()) {
            Some(s.iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0')))
        } else {
            None
        }
    };
    if b.len() < 10 || b.get(10).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let sep = |c: u8| matches!(c, b'-' | b'.' | b'/');
    let month = |m: u32| (1..=12).contains(&m);
    let day = |d: u32| (1..=31).contains(&d);
    // YYYY-MM-DD
    if sep(b[4]) && b[7] == b[4] {
        if let (Some(_), Some(m), Some(d)) = (num(&b[..4]), num(&b[5..7]), num(&b[8..10])) {
            if month(m) && day(d) {
                return Some(10);
            }
        }
    }
    // DD.MM.YYYY or MM-DD-YYYY
    if sep(b[2]) && b[5] == b[2] {
        if let (Some(x), Some(y), Some(_)) = (num(&b[..2]), num(&b[3..5]), num(&b[6..10])) {
            if (day(x) && month(y)) || (month(x) && day(y)) {
                return Some(10);
            }
        }
    }
    None
}

/// Luhn checksum over ASCII digits.
fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &c) in digits.iter().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if k % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Card numbers: 13–19 digits, plain or in groups of 4–6 joined by one kind of separator
/// (space or dash), starting with a major-network digit (2–6: Mastercard 2-series, Amex,
/// Diners, JCB, Visa, Mastercard, Discover, UnionPay, Maestro) and Luhn-valid.
fn is_card(r: &Run) -> bool {
    if r.plus || r.paren || r.dot || (r.space && r.dash) || !(13..=19).contains(&r.digit_count) {
        return false;
    }
    if r.separated() && !r.groups.iter().all(|&g| (3..=6).contains(&g)) {
        return false;
    }
    matches!(r.first_digit(), b'2'..=b'6') && luhn(&r.digits)
}

/// US SSN shape: `ddd-dd-dddd` (or spaces).
fn ssn_shaped(r: &Run) -> bool {
    r.groups == [3, 2, 4] && (r.only(false, true, false) || r.only(true, false, false)) && !r.plus
}

/// A valid SSN: area not 000, 666 or 9xx; group not 00; serial not 0000 (SSA rules).
fn is_ssn(r: &Run) -> bool {
    let d = &r.digits;
    let area = &d[0..3];
    area != b"000" && area != b"666" && area[0] != b'9' && &d[3..5] != b"00" && &d[5..9] != b"0000"
}

/// Phone numbers.
///
/// - International `+…` (or `00…`): 9–15 digits (E.164 allows 15).
/// - National, with separators (`555-123-4567`, `(555) 123-4567`, `030 1234567`,
///   `06 12 34 56 78`): ≥ 10 digits, or ≥ 9 starting with `0` (trunk prefix); ≤ 15.
/// - National, plain digits: only `0` + 9–11 digits (`0612345678`); plain numbers such as
///   ids and epoch timestamps are not phones.
///
/// Not phones: dotted thousands (`1.234.567.890`), IPv4 addresses, decimals (a dotted group
/// longer than 4), lists of equal-sized numbers (`2019 2020 2021`, `100 200 300 400`), runs
/// of single digits. Dates are skipped before this (see [`date_prefix`]).
fn is_phone(r: &Run) -> bool {
    let n = r.digit_count;
    let intl = r.plus || (r.digits.starts_with(b"00") && r.digits.get(2).is_some_and(|&c| c != b'0'));
    if !(9..=15).contains(&n) {
        return false;
    }
    if !r.separated() {
        return intl || (r.digits[0] == b'0' && r.digits[1] != b'0' && (10..=12).contains(&n));
    }
    let groups = &r.groups;
    let first = groups[0];
    if r.dot {
        if groups.iter().any(|&g| g > 4) {
            return false; // decimals
        }
        if r.only(false, false, true) {
            if first <= 3 && groups[1..].iter().all(|&g| g == 3) {
                return false; // 1.234.567.890
            }
            if groups.len() == 4 && groups.iter().all(|&g| g <= 3) {
                return false; // IPv4
            }
        }
    }
    if groups[1..].iter().filter(|&&g| g == 1).count() > 1 {
        return false;
    }
    if !intl && !r.paren {
        if n < 10 && r.first_digit() != b'0' {
            return false;
        }
        if groups.len() >= 3 && groups.iter().all(|&g| g == first) && !(first == 2 && r.first_digit() == b'0') {
            return false;
        }
        if first > 5 {
            return false;
        }
    }
    true
}

/// Card numbers, SSNs and phone numbers, in one pass over digit runs. A run must stand
/// alone (no letter, digit or `_` glued to either end, and not the tail of a decimal).
fn scan_numbers(b: &[u8], out: &mut Vec<Span>) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        let opener = (c == b'+' || c == b'(') && i + 1 < n && b[i + 1].is_ascii_digit();
        if !(c.is_ascii_digit() || opener)
            || (i > 0 && is_word(b[i - 1]))
            || (i > 1 && b[i - 1] == b'.' && b[i - 2].is_ascii_digit())
        {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            if let Some(len) = date_prefix(&b[i..]) {
                i += len;
                continue;
            }
        }
        let r = read_run(b, i);
        let end = r.end;
        if end < n && is_word(b[end]) {
            // Glued to a word (an id like 4111111111111111abc): skip the whole word.
            i = end;
            while i < n && is_word(b[i]) {
                i += 1;
            }
            continue;
        }
        let kind = if ssn_shaped(&r) {
            is_ssn(&r).then_some(PiiKind::Ssn)
        } else if is_card(&r) {
            Some(PiiKind::Card)
        } else if is_phone(&r) {
            Some(PiiKind::Phone)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(Span { start: i, end, kind });
        }
        i = end.max(i + 1);
    }
}

/// Chars of a key in a `key=value` / `key: value` pair.
fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Chars that end an unquoted value.
fn is_value_end(c: u8) -> bool {
    c.is_ascii_whitespace() || b"&,;\"'}])<>".contains(&c)
}

/// HTTP auth schemes: in `Authorization: Basic xyz` the credential is the next token.
const AUTH_SCHEMES: &[&[u8]] = &[b"basic", b"bearer", b"token", b"digest", b"negotiate", b"apikey"];

/// Secret `key=value` pairs in free text: query strings (`?token=abc`), headers
/// (`Authorization: Basic xyz`), logged or stringified objects (`{"password":"hunter2"}`,
/// `password: hunter2`). The key is judged as a JSON key is (see `secret_key`); the value
/// (quoted, or up to whitespace/`&,;"'}])<>`) becomes `[REDACTED:secret]` (`[REDACTED:card]`
/// for card-number keys). For an auth scheme the scheme word is kept.
fn scan_secret_pairs(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !is_key_char(b[i]) || (i > 0 && is_key_char(b[i - 1])) {
            i += 1;
            continue;
        }
        let ks = i;
        while i < n && is_key_char(b[i]) {
            i += 1;
        }
        let ke = i;
        let mut j = ke;
        if j < n && (b[j] == b'"' || b[j] == b'\'') {
            j += 1;
        }
        while j < n && b[j] == b' ' {
            j += 1;
        }
        if j >= n || !(b[j] == b':' || b[j] == b'=') || (j + 1 < n && matches!(b[j + 1], b'=' | b'/')) {
            continue;
        }
        let Some((kind, _)) = secret_key(text.get(ks..ke).unwrap_or_default()) else {
            continue;
        };
        j += 1;
        while j < n && b[j] == b' ' {
            j += 1;
        }
        let (vs, ve) = if j < n && (b[j] == b'"' || b[j] == b'\'') {
            let q = b[j];
            let vs = j + 1;
            let mut k = vs;
            while k < n && b[k] != q && b[k] != b'\n' {
                k += if b[k] == b'\\' && k + 1 < n && b[k + 1].is_ascii() { 2 } else { 1 };
            }
            (vs, k.min(n))
        } else {
            let mut vs = j;
            let mut k = vs;
            while k < n && !is_value_end(b[k]) {
                k += 1;
            }
            let word = &b[vs..k];
            if k < n && b[k] == b' ' && AUTH_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) {
                while k < n && b[k] == b' ' {
                    k += 1;
                }
                vs = k;
                while k < n && !is_value_end(b[k]) {
                    k += 1;
                }
            }
            // A trailing '.' is more likely the sentence's.
            while k > vs && b[k - 1] == b'.' {
                k -= 1;
            }
            (vs, k)
        };
        if ve > vs {
            out.push(Span { start: vs, end: ve, kind });
        }
        i = ve.max(ke);
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// Key names whose string values are secrets wherever they appear (substring of the key,
/// lower-cased, with `_`/`-`/`.` removed).
const SECRET_KEY_SUBSTRINGS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "authorization",
    "cookie",
    "sessionid",
    "privatekey",
    "accesskey",
    "credential",
];

/// Key words (whole words of the key) whose string or number values are secrets.
const SECRET_KEY_WORDS: &[&str] = &["ssn", "cvv", "cvc", "csc", "pin", "otp", "pwd", "auth"];

/// Key names (normalised as for [`SECRET_KEY_SUBSTRINGS`]) whose values are card numbers.
const CARD_KEYS: &[&str] = &["cardnumber", "ccnumber", "creditcard", "pan"];

/// How the value of JSON key `key` must be redacted whole, if at all: `Some((kind,
/// numbers_too))`.
fn secret_key(key: &str) -> Option<(PiiKind, bool)> {
    // ASCII folding (see `mask::words`): every key word is ASCII.
    let norm: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if CARD_KEYS.iter().any(|k| norm == *k || (k.len() > 3 && super::find_str(&norm, k).is_some())) {
        return Some((PiiKind::Card, true));
    }
    if words(key).any(|w| SECRET_KEY_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s))) {
        return Some((PiiKind::Secret, true));
    }
    if SECRET_KEY_SUBSTRINGS.iter().any(|s| super::find_str(&norm, s).is_some()) {
        return Some((PiiKind::Secret, false));
    }
    None
}

/// Redacts every string value inside `value` (object keys are kept), with an explicit work
/// list instead of recursion, so any depth is safe. Values of secret-named keys
/// (`password`, `token`, `authorization`, `cookie`, `ssn`, `cvv`, `cardNumber`…) are replaced
/// whole: strings always, numbers for the short card/PIN/SSN keys.
pub(crate) fn redact_json_value(value: &mut Value, patterns: &[String]) {
    walk_json(
        value,
        |s| {
            let red = redact_text(s, patterns);
            if red != *s {
                *s = red;
            }
        },
        |_| {},
    );
}

/// The walk of [`redact_json_value`], for any redactor: `text` gets every string value, and a
/// value of a secret-named key ([`secret_field_marker`]) is replaced whole by its marker and
/// handed to `replaced` (the analyzer counts it). Iterative, so any depth is safe.
pub(crate) fn walk_json(value: &mut Value, mut text: impl FnMut(&mut String), mut replaced: impl FnMut(Value)) {
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => text(s),
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    let shape = match &*item {
                        Value::String(s) if !s.is_empty() => FieldValue::Text,
                        Value::Number(_) => FieldValue::Number,
                        _ => FieldValue::Other,
                    };
                    match secret_field_marker(k, shape) {
                        Some(marker) => replaced(std::mem::replace(item, Value::String(marker.to_string()))),
                        None => stack.push(item),
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// What an object field holds, for [`secret_field_marker`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A non-empty string.
    Text,
    /// A number.
    Number,
    /// Anything else (empty string, bool, null, array, object): never replaced whole.
    Other,
}

/// The marker that replaces the whole value of field `key` in a JSON payload, if `key` names
/// a secret (`password`, `token`, `authorization`, `cookie`, `ssn`, `cvv`, `cardNumber`…):
/// strings always, numbers for the short card/PIN/SSN keys. `None`: redact inside the value.
/// The one rule for every JSON walker (serde values here, JS values in the recorder).
pub fn secret_field_marker(key: &str, value: FieldValue) -> Option<&'static str> {
    match (secret_key(key), value) {
        (Some((kind, _)), FieldValue::Text) | (Some((kind, true)), FieldValue::Number) => Some(kind.marker()),
        _ => None,
    }
}
