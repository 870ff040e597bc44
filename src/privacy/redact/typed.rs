//! Typed prefixes: what an input value looks like halfway through typing an email or a card
//! number. An SDK that records unmasked inputs sends one IncrementalSource 5 (Input) event per
//! keystroke, so the store sees `jane.doe@exa`, `jane.doe@example.c`, `4111 1111 11` before
//! the whole value, and none of these is a complete email or a Luhn-valid card for
//! [`super::redact_text_seen`]. These rules are for input values only: in free text the same
//! shapes are ordinary (`price@10`, an order number), and nothing is being typed.

use super::detect::{is_domain, is_local};
use super::PiiKind;

/// Fewest digits of a typed card prefix that are redacted. PCI DSS (req. 3.4.1) lets an app
/// show at most the first six or eight digits (the BIN) and the last four: a prefix of up to
/// eight digits reveals nothing a receipt may not show, and shorter digit runs in a form are
/// mostly amounts, postcodes and quantities.
pub const MIN_PARTIAL_CARD_DIGITS: usize = 9;

/// What an input value (the whole value of one IncrementalSource 5 event, after the
/// complete-PII rules) is the typed prefix of, and the byte range to replace:
///
/// - a card number: the trimmed value is digits only, or digit groups joined by one kind of
///   separator (single spaces or single dashes) as cards are written (every group but the last
///   of 4 digits, or Amex's 4-6-5), starts with a major-network digit (2–6, as
///   [`super::card_number_marker`]), and has [`MIN_PARTIAL_CARD_DIGITS`] to 19 digits →
///   [`PiiKind::Card`] over the trimmed value;
/// - an email: the value's last whitespace-separated word (typing happens at the end) is
///   `local@` followed by nothing or by domain characters (`jane.doe@`, `jane.doe@exa`,
///   `jane.doe@example.c`), the local part at least one email local-part character →
///   [`PiiKind::Email`] over that word from its local part on.
///
/// `None` for anything else: text without `@` or with `@` not ending the value's last word as
/// above (`@handle`, `meet @ noon`, `a@b and more`), numbers too short, starting with 0, 1, 7,
/// 8 or 9, or grouped unlike a card (`2026-11-21`, `555-123-4567`).
pub fn typed_prefix(value: &str) -> Option<(usize, usize, PiiKind)> {
    let trimmed = value.trim();
    let start = value.len() - value.trim_start().len();
    if partial_card(trimmed.as_bytes()) {
        return Some((start, start + trimmed.len(), PiiKind::Card));
    }
    let end = start + trimmed.len();
    let b = value.as_bytes();
    let word = b[..end].iter().rposition(u8::is_ascii_whitespace).map_or(0, |i| i + 1);
    let at = word + b[word..end].iter().position(|&c| c == b'@')?;
    if !b[at + 1..end].iter().all(|&c| is_domain(c)) {
        return None;
    }
    let mut local = at;
    while local > word && is_local(b[local - 1]) {
        local -= 1;
    }
    // `(jane@…`: the local part starts after the punctuation; `a.@`, `'@`: no local part.
    while local < at && matches!(b[local], b'.' | b'\'') {
        local += 1;
    }
    (local < at).then_some((local, end, PiiKind::Email))
}

/// See [`typed_prefix`].
fn partial_card(b: &[u8]) -> bool {
    if !matches!(b.first(), Some(b'2'..=b'6')) {
        return false;
    }
    // A separator just typed (`4111-1111-`; a trailing space is trimmed already).
    let b = b.strip_suffix(b"-").unwrap_or(b);
    let sep = b.iter().copied().find(|c| !c.is_ascii_digit());
    if !matches!(sep, None | Some(b' ' | b'-')) {
        return false;
    }
    let mut groups = Vec::new();
    for group in b.split(|&c| Some(c) == sep) {
        if group.is_empty() || !group.iter().all(u8::is_ascii_digit) {
            return false;
        }
        groups.push(group.len());
    }
    let digits: usize = groups.iter().sum();
    if !(MIN_PARTIAL_CARD_DIGITS..=19).contains(&digits) {
        return false;
    }
    let Some((last, head)) = groups.split_last() else { return false };
    let four_by_four = head.iter().all(|&g| g == 4) && *last <= 4;
    let amex = match groups[..] {
        [4, g] => g <= 6,
        [4, 6, g] => g <= 5,
        _ => false,
    };
    sep.is_none() || four_by_four || amex
}

/// `value` with its typed prefix ([`typed_prefix`]) replaced by the kind's marker; `None`
/// when it holds none.
pub fn redact_typed_prefix(value: &str) -> Option<String> {
    let (start, end, kind) = typed_prefix(value)?;
    let mut out = String::with_capacity(value.len());
    out.push_str(value.get(..start).unwrap_or_default());
    out.push_str(kind.marker());
    out.push_str(value.get(end..).unwrap_or_default());
    Some(out)
}
