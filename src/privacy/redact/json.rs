//! The JSON walk of [`super`]: string values and keys redacted as text, values of
//! secret-named keys and card numbers given as numbers replaced whole.

use serde_json::Value;

use super::{card_number_marker, redact_text, PiiKind};
use crate::privacy::mask::words;

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
pub(super) fn secret_key(key: &str) -> Option<(PiiKind, bool)> {
    // ASCII folding (see `mask::words`): every key word is ASCII.
    let norm: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if CARD_KEYS.iter().any(|k| norm == *k || (k.len() > 3 && crate::privacy::find_str(&norm, k).is_some())) {
        return Some((PiiKind::Card, true));
    }
    if words(key).any(|w| SECRET_KEY_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s))) {
        return Some((PiiKind::Secret, true));
    }
    if SECRET_KEY_SUBSTRINGS.iter().any(|s| crate::privacy::find_str(&norm, s).is_some()) {
        return Some((PiiKind::Secret, false));
    }
    None
}

/// Redacts every string value inside `value` (object keys are kept), with an explicit work
/// list instead of recursion, so any depth is safe. Values of secret-named keys
/// (`password`, `token`, `authorization`, `cookie`, `ssn`, `cvv`, `cardNumber`…) are replaced
/// whole: strings always, numbers for the short card/PIN/SSN keys.
pub(crate) fn redact_json_value(value: &mut Value, patterns: &[String]) {
    redact_json_with(value, patterns, true);
}

/// [`redact_json_value`] with every number kept ([`walk_json_strings`]).
pub(crate) fn redact_json_strings(value: &mut Value, patterns: &[String]) {
    redact_json_with(value, patterns, false);
}

fn redact_json_with(value: &mut Value, patterns: &[String], numbers: bool) {
    walk(
        value,
        numbers,
        |s| {
            let red = redact_text(s, patterns);
            if red != *s {
                *s = red;
            }
        },
        |_| {},
    );
}

/// The JSON walk every redactor uses (the recorder's custom events, the analyzer's counted
/// output, the collector's stored batches), for any text redactor:
///
/// - `text` gets every string value and every object key (a key that is an email, as in
///   `{"zelda@example.org": 1}`, is redacted like text; if two keys become the same, the later
///   one gets a ` #2`, ` #3`… suffix, so no value is lost);
/// - a value of a secret-named key ([`secret_field_marker`]) is replaced whole by its marker
///   (judged on the original key), and a number that is a card number
///   ([`card_number_marker`]) by `[REDACTED:card]`; each replaced value is handed to
///   `replaced` (the analyzer counts them).
///
/// Iterative (an explicit work list), so any depth is safe.
pub fn walk_json(value: &mut Value, text: impl FnMut(&mut String), replaced: impl FnMut(Value)) {
    walk(value, true, text, replaced);
}

/// [`walk_json`] with every number kept as it is: no card-number rule, and a secret-named key
/// whose value is a number keeps it. For rrweb's structural events (Meta, FullSnapshot,
/// incremental: types 2–4), whose numbers are node ids, coordinates, sizes, sources and times
/// that readers parse as numbers (a timestamp such as `3593188664826` passes the card checks),
/// while the page's content is always in strings.
pub fn walk_json_strings(value: &mut Value, text: impl FnMut(&mut String), replaced: impl FnMut(Value)) {
    walk(value, false, text, replaced);
}

fn walk(value: &mut Value, numbers: bool, mut text: impl FnMut(&mut String), mut replaced: impl FnMut(Value)) {
    let shape = |item: &Value| match field_shape(item) {
        FieldValue::Number if !numbers => FieldValue::Other,
        other => other,
    };
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => text(s),
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Number(n) if numbers => {
                if let Some(marker) = card_number_marker(&n.to_string()) {
                    replaced(std::mem::replace(v, Value::String(marker.to_string())));
                }
            }
            Value::Object(map) => {
                let renamed: Vec<(String, String)> = map
                    .keys()
                    .filter_map(|k| {
                        let mut new = k.clone();
                        text(&mut new);
                        (new != *k).then(|| (k.clone(), new))
                    })
                    .collect();
                for (old, new) in renamed {
                    let mut key = new.clone();
                    let mut n = 1;
                    while map.contains_key(&key) {
                        n += 1;
                        key = format!("{new} #{n}");
                    }
                    if let Some(item) = map.remove(&old) {
                        // Judged on the original key: `user_ssn@x.org` stays a secret field.
                        let item = match secret_field_marker(&old, shape(&item)) {
                            Some(marker) => {
                                replaced(item);
                                Value::String(marker.to_string())
                            }
                            None => item,
                        };
                        map.insert(key, item);
                    }
                }
                for (k, item) in map.iter_mut() {
                    match secret_field_marker(k, shape(item)) {
                        Some(marker) => replaced(std::mem::replace(item, Value::String(marker.to_string()))),
                        None => stack.push(item),
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// What `item` is, for [`secret_field_marker`].
fn field_shape(item: &Value) -> FieldValue {
    match item {
        Value::String(s) if !s.is_empty() => FieldValue::Text,
        Value::Number(_) => FieldValue::Number,
        _ => FieldValue::Other,
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
