//! The number detectors of [`super`]: payment card numbers, US SSNs and phone numbers, read
//! from runs of digit groups in one pass ([`scan_numbers`]).

use super::super::{PiiKind, Span};
use super::is_word;

/// Groups of a [`Run`] kept (a run rarely has more than 5; 24 tells the shapes apart).
const MAX_GROUPS: usize = 24;
/// Digits of a [`Run`] kept: the longest card number has 19.
const MAX_DIGITS: usize = 20;

/// A maximal run of digit groups joined by short separators, as read by [`read_run`].
#[derive(Debug)]
struct Run {
    /// Byte index after the last digit.
    end: usize,
    /// Digit count of each group (only the first [`MAX_GROUPS`] are kept): see `groups()`.
    group_sizes: [usize; MAX_GROUPS],
    group_count: usize,
    /// The digits (only the first [`MAX_DIGITS`] are kept; `digit_count` has the total): see
    /// `digits()`.
    first_digits: [u8; MAX_DIGITS],
    digit_count: usize,
    plus: bool,
    paren: bool,
    space: bool,
    dash: bool,
    dot: bool,
}

impl Run {
    fn new() -> Run {
        Run {
            end: 0,
            group_sizes: [0; MAX_GROUPS],
            group_count: 0,
            first_digits: [0; MAX_DIGITS],
            digit_count: 0,
            plus: false,
            paren: false,
            space: false,
            dash: false,
            dot: false,
        }
    }
    /// Digit count of each group (the first [`MAX_GROUPS`]).
    fn groups(&self) -> &[usize] {
        &self.group_sizes[..self.group_count]
    }
    /// The first [`MAX_DIGITS`] digits.
    fn digits(&self) -> &[u8] {
        &self.first_digits[..self.digit_count.min(MAX_DIGITS)]
    }
    fn separated(&self) -> bool {
        self.group_count > 1
    }
    /// True when the run's only separator kind is the given one (no parentheses).
    fn only(&self, space: bool, dash: bool, dot: bool) -> bool {
        !self.paren && self.space == space && self.dash == dash && self.dot == dot
    }
    fn first_digit(&self) -> u8 {
        self.digits().first().copied().unwrap_or(b'0')
    }
}

/// Reads the run starting at `i` (a digit, or `+`/`(` followed by a digit).
fn read_run(b: &[u8], i: usize) -> Run {
    let n = b.len();
    let mut r = Run::new();
    let mut j = i;
    if b[j] == b'+' {
        r.plus = true;
        j += 1;
    }
    loop {
        let gs = j;
        while j < n && b[j].is_ascii_digit() {
            if r.digit_count + (j - gs) < MAX_DIGITS {
                r.first_digits[r.digit_count + (j - gs)] = b[j];
            }
            j += 1;
        }
        if j > gs {
            if r.group_count < MAX_GROUPS {
                r.group_sizes[r.group_count] = j - gs;
                r.group_count += 1;
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
pub(in crate::privacy::redact) fn luhn(digits: &[u8]) -> bool {
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
    sum.is_multiple_of(10)
}

/// Card numbers: 13–19 digits, plain or in groups of 4–6 joined by one kind of separator
/// (space or dash), starting with a major-network digit (2–6: Mastercard 2-series, Amex,
/// Diners, JCB, Visa, Mastercard, Discover, UnionPay, Maestro) and Luhn-valid.
fn is_card(r: &Run) -> bool {
    if r.plus || r.paren || r.dot || (r.space && r.dash) || !(13..=19).contains(&r.digit_count) {
        return false;
    }
    if r.separated() && !r.groups().iter().all(|&g| (3..=6).contains(&g)) {
        return false;
    }
    matches!(r.first_digit(), b'2'..=b'6') && luhn(r.digits())
}

/// US SSN shape: `ddd-dd-dddd` (or spaces).
fn ssn_shaped(r: &Run) -> bool {
    r.groups() == [3, 2, 4] && (r.only(false, true, false) || r.only(true, false, false)) && !r.plus
}

/// Words that, just before 9 plain digits, make them an SSN (`ssn 123456789`,
/// `SSN: 123456789`, `social security number 123456789`).
const SSN_CONTEXT: &[&[u8]] = &[b"ssn", b"social security", b"social-security", b"social_security"];

/// How far before the digits [`SSN_CONTEXT`] is looked for (bytes).
const SSN_CONTEXT_BYTES: usize = 32;

/// True when one of [`SSN_CONTEXT`] (a whole word, any case) ends within
/// [`SSN_CONTEXT_BYTES`] before the end of `before`.
fn ssn_context(before: &[u8]) -> bool {
    let from = before.len().saturating_sub(SSN_CONTEXT_BYTES);
    let w = &before[from..];
    (0..w.len()).any(|i| {
        SSN_CONTEXT.iter().any(|word| {
            w.len() - i >= word.len()
                && w[i..i + word.len()].eq_ignore_ascii_case(word)
                && (i == 0 || !w[i - 1].is_ascii_alphanumeric())
                && w.get(i + word.len()).is_none_or(|c| !c.is_ascii_alphanumeric())
        })
    })
}

/// A valid SSN: area not 000, 666 or 9xx; group not 00; serial not 0000 (SSA rules).
fn is_ssn(r: &Run) -> bool {
    let d = r.digits();
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
    let d = r.digits();
    let intl = r.plus || (d.starts_with(b"00") && d.get(2).is_some_and(|&c| c != b'0'));
    if !(9..=15).contains(&n) {
        return false;
    }
    if !r.separated() {
        return intl || (d[0] == b'0' && d[1] != b'0' && (10..=12).contains(&n));
    }
    let groups = r.groups();
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

/// Bytes a run read by [`scan_numbers`] can start at: a digit, `+` or `(`.
static NUMBER_STARTS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        table[c as usize] = true;
        c += 1;
    }
    table[b'+' as usize] = true;
    table[b'(' as usize] = true;
    table
};

/// The first index at or after `i` whose byte is in [`NUMBER_STARTS`] (`b.len()` if none).
/// Eight bytes are tested per step without a branch each: most of the text the collector
/// screens (tag names, attribute values, page text) is far from any digit.
fn next_number_start(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        if chunk.iter().fold(false, |any, &c| any | NUMBER_STARTS[usize::from(c)]) {
            break;
        }
        i += 8;
    }
    while i < b.len() && !NUMBER_STARTS[usize::from(b[i])] {
        i += 1;
    }
    i
}

/// Card numbers, SSNs and phone numbers, in one pass over digit runs. A run must stand
/// alone (no letter, digit or `_` glued to either end, and not the tail of a decimal).
pub(super) fn scan_numbers(b: &[u8], out: &mut Vec<Span>) {
    let n = b.len();
    let mut i = 0;
    loop {
        i = next_number_start(b, i);
        if i >= n {
            break;
        }
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
        let kind = if ssn_shaped(&r) || (r.groups() == [9] && !r.plus && ssn_context(&b[..i])) {
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
