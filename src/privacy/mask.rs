//! rrweb's mask algorithm and the inputs that are always masked.

use super::ElementView;

/// True for the characters JavaScript's `\s` matches, which rrweb's `/[\S]/g` keeps.
///
/// That is Unicode `White_Space` plus U+FEFF (BOM), minus U+0085 (NEL), which JS does not
/// count as whitespace.
fn is_js_whitespace(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// rrweb's text mask (`text.replace(/[\S]/g, '*')`): every non-whitespace char → `*`,
/// whitespace kept, so the length (in chars) and the line structure are preserved.
///
/// One difference from rrweb: rrweb counts UTF-16 code units (an emoji becomes `**`); this
/// counts Unicode scalar values (an emoji becomes `*`).
pub fn mask_text(text: &str) -> String {
    text.chars().map(|c| if is_js_whitespace(c) { c } else { '*' }).collect()
}

/// How masked text and input values are written ([`super::PrivacyOptions::mask_length`];
/// JS `privacy.maskLength`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaskLength {
    /// rrweb's masks (the default): one `*` per character, whitespace of text kept, so the
    /// replay keeps the page's layout and each keystroke shows the value's length.
    #[default]
    Char,
    /// [`FIXED_MASK`] for every non-blank text and every non-empty input value: neither the
    /// length of a value nor the layout of masked text is recorded.
    Fixed,
}

/// The mask of every non-blank text and non-empty value with [`MaskLength::Fixed`].
pub const FIXED_MASK: &str = "****";

/// [`mask_text`] or, with [`MaskLength::Fixed`], [`FIXED_MASK`] (blank text is kept as is:
/// it says nothing and separates inline elements).
pub fn mask_text_as(text: &str, length: MaskLength) -> String {
    match length {
        MaskLength::Fixed if text.chars().any(|c| !is_js_whitespace(c)) => FIXED_MASK.to_string(),
        _ => mask_text(text),
    }
}

/// [`mask_input_value`] or, with [`MaskLength::Fixed`], [`FIXED_MASK`] (an empty value stays
/// empty: a cleared field).
pub fn mask_input_as(value: &str, length: MaskLength) -> String {
    match length {
        MaskLength::Fixed if !value.is_empty() => FIXED_MASK.to_string(),
        _ => mask_input_value(value),
    }
}

/// rrweb's input mask (`'*'.repeat(value.length)`): `*` × the value's length in chars
/// (whitespace is masked too, unlike [`mask_text`]).
pub fn mask_input_value(value: &str) -> String {
    "*".repeat(value.chars().count())
}

/// Autocomplete tokens that always mean a secret (HTML autofill field names).
const SECRET_AUTOCOMPLETE: &[&str] = &["one-time-code", "current-password", "new-password"];

/// Words that make a field secret when they appear anywhere in its name/id/autocomplete
/// (case-insensitive substring; long enough to be unambiguous).
const SECRET_SUBSTRINGS: &[&str] = &["password", "passwd", "secret"];

/// Short words that make a field secret only as a whole word of its name/id/autocomplete
/// (`user_ssn`, `cardCvc`, `cc-csc`; not `classname`).
const SECRET_WORDS: &[&str] = &["ssn", "cvv", "cvc", "cvn", "csc", "otp", "pwd"];

/// Inputs masked always, whatever the options (even inside an unmask selector):
///
/// - `type=password` (PostHog: "password always masked"; plain rrweb masks only passwords),
/// - `type=hidden` (hidden fields carry CSRF tokens and ids),
/// - an `autocomplete` token starting with `cc-` (card data: `cc-number`, `cc-csc`, `cc-exp`…)
///   or equal to `one-time-code`, `current-password`, `new-password`,
/// - a `name`, `id` or `autocomplete` that mentions password/passwd/secret (substring) or has
///   the word ssn/cvv/cvc/cvn/csc/otp/pwd (Clarity's rule: fields whose attributes mention
///   password/secret/ssn are excluded). Clarity's broader "code" is not used:
///   it would catch postal and coupon codes; `one-time-code` covers verification codes.
pub fn always_masked_input(el: &dyn ElementView) -> bool {
    if let Some(t) = el.attribute("type") {
        let t = t.trim();
        if t.eq_ignore_ascii_case("password") || t.eq_ignore_ascii_case("hidden") {
            return true;
        }
    }
    if let Some(ac) = el.attribute("autocomplete") {
        let ac = ac.to_ascii_lowercase();
        if ac.split_ascii_whitespace().any(|tok| tok.starts_with("cc-") || SECRET_AUTOCOMPLETE.contains(&tok)) {
            return true;
        }
        if mentions_secret(&ac) {
            return true;
        }
    }
    ["name", "id"].iter().filter_map(|a| el.attribute(a)).any(|v| mentions_secret(&v))
}

/// True when `s` contains a secret substring or a secret whole word (see
/// [`always_masked_input`]). Words split at non-alphanumerics, letter/digit changes and
/// camelCase humps (`userSSN` → `user`, `ssn`).
pub(crate) fn mentions_secret(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if SECRET_SUBSTRINGS.iter().any(|w| super::find_str(&lower, w).is_some()) {
        return true;
    }
    words(s).any(|w| SECRET_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// Splits an identifier into words: at chars other than ASCII letters and digits, at
/// letter↔digit changes and before an upper-case letter that follows a lower-case one. ASCII
/// only on purpose: the words are compared with ASCII key words, a non-ASCII letter splitting a
/// word can only add matches (more redaction, never less), and Unicode case tables would be
/// ~15 KB of the recorder's wasm.
pub(crate) fn words(s: &str) -> impl Iterator<Item = &str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if !c.is_ascii_alphanumeric() {
            if let Some(st) = start.take() {
                out.push(s.get(st..i).unwrap_or_default());
            }
            prev = None;
            continue;
        }
        if let (Some(st), Some(p)) = (start, prev) {
            let hump = p.is_ascii_lowercase() && c.is_ascii_uppercase();
            let kind_change = p.is_ascii_digit() != c.is_ascii_digit();
            if hump || kind_change {
                out.push(s.get(st..i).unwrap_or_default());
                start = Some(i);
            }
        }
        if start.is_none() {
            start = Some(i);
        }
        prev = Some(c);
    }
    if let Some(st) = start {
        out.push(s.get(st..).unwrap_or_default());
    }
    out.into_iter()
}

/// CSS's hex escape of an ASCII `c` (`\\31 ` for `1`), written by hand: `format!("{:x}")`
/// would keep core's hex formatting in the recorder's wasm for this alone.
fn push_hex_escape(out: &mut String, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let n = c as usize & 0x7f;
    out.push('\\');
    if n >= 16 {
        out.push(char::from(HEX[n >> 4]));
    }
    out.push(char::from(HEX[n & 15]));
    out.push(' ');
}

/// A CSS class selector (`.name`) for `class`, with CSS.escape-style escaping so class names
/// with `:`/`.`/leading digits still form a valid selector.
pub(crate) fn class_selector(class: &str) -> String {
    let mut sel = String::with_capacity(class.len() + 1);
    sel.push('.');
    for (i, c) in class.chars().enumerate() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii() {
            if i == 0 && c.is_ascii_digit() {
                push_hex_escape(&mut sel, c);
            } else {
                sel.push(c);
            }
        } else if c.is_ascii_control() {
            push_hex_escape(&mut sel, c);
        } else {
            sel.push('\\');
            sel.push(c);
        }
    }
    sel
}
