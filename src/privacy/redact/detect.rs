//! The built-in PII detectors of [`super`]: hand-written byte scanners, each linear in the
//! input. Every match starts and ends at an ASCII byte or at the text's ends. Each scanner
//! jumps to its candidates (`@`, `J` of `eyJ`, `b` of `bearer`, `:`/`=`, digits) with `memchr`
//! or eight bytes at a time, so text without them (most of it) costs little more than a read.

use super::json::secret_key;
use super::{PiiKind, Span};

mod numbers;
pub(super) use numbers::luhn;
use numbers::scan_numbers;

/// All built-in detector matches in `text` (may overlap; `apply_spans` merges them).
pub(super) fn builtin_spans(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    scan_jwts(b, out);
    scan_bearer(b, out);
    scan_emails(b, out);
    scan_numbers(b, out);
    scan_secret_pairs(text, out);
}

/// False only when [`builtin_spans`] surely finds nothing in `text` read as
/// `super::redact_text_seen` reads it: a cheap screen, so text without candidate characters
/// (most of an analysis' descriptions and URLs) skips the scanners. Each detector needs
/// something this looks for: a `%` escape (the text is read decoded), `eyJ` (a JWT), `bearer`
/// (any case), `@` (an email), 9 or more digits (the shortest SSN and phone number; cards have
/// 13), or a `:`/`=` not followed by `/` or `=` (a secret `key=value` pair).
#[cfg(feature = "analyze")]
pub(super) fn may_match(text: &str) -> bool {
    let b = text.as_bytes();
    let mut digits = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => digits += 1,
            b'@' | b'%' => return true,
            b':' | b'=' if !matches!(b.get(i + 1), Some(b'/' | b'=')) => return true,
            b'J' if i >= 2 && &b[i - 2..i] == b"ey" => return true,
            b'b' | b'B' if b.len() - i >= 6 && b[i..i + 6].eq_ignore_ascii_case(b"bearer") => return true,
            _ => {}
        }
    }
    digits >= 9
}

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
    // Candidates are found by their `J` (rare in text) with memchr, then checked for `ey`.
    while let Some(k) = memchr::memchr(b'J', b.get(i + 2..).unwrap_or_default()) {
        i += k;
        if &b[i..i + 2] != b"ey" || (i > 0 && (is_b64url(b[i - 1]) || b[i - 1] == b'.')) {
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
        match memchr::memchr2(b'b', b'B', &b[i..n - WORD.len()]) {
            Some(k) => i += k,
            None => break,
        }
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
pub(super) fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-'".contains(&c)
}

/// Email domain chars.
pub(super) fn is_domain(c: u8) -> bool {
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
    for at in memchr::memchr_iter(b'@', b) {
        if at < floor {
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
    // Found from their separator (memchr, as `:` and `=` are rare in most text), walking back
    // over spaces, one optional quote and the key. No key may start before `floor`, the end of
    // the previous pair's value.
    let mut floor = 0;
    let mut from = 0;
    while let Some(k) = memchr::memchr2(b':', b'=', b.get(from..).unwrap_or_default()) {
        let mut j = from + k;
        from = j + 1;
        if j + 1 < n && matches!(b[j + 1], b'=' | b'/') {
            continue;
        }
        let mut ke = j;
        while ke > floor && b[ke - 1] == b' ' {
            ke -= 1;
        }
        if ke > floor && (b[ke - 1] == b'"' || b[ke - 1] == b'\'') {
            ke -= 1;
        }
        let mut ks = ke;
        while ks > 0 && is_key_char(b[ks - 1]) {
            ks -= 1;
        }
        if ks == ke || ks < floor {
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
        floor = ve.max(ke);
        from = from.max(floor);
    }
}
