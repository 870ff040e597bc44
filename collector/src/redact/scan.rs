//! One scan of an event's JSON text for the fast path of [`super::process_batch`]: its depth,
//! its decoded strings and numbers, and its keys, so that the privacy rules can be run over
//! the text without decoding the event.

use super::RULES;
use rewind::privacy::redact::{secret_field_marker, FieldValue};
use std::borrow::Cow;

/// What one scan of JSON text tells.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Shape {
    /// The deepest nesting of arrays and objects.
    pub(super) depth: usize,
    /// A string holds a `\` escape.
    pub(super) escapes: bool,
    /// Every string (keys included, decoded) and every number, literal or other bare token,
    /// each followed by a `"`: what the text rules must find nothing in for the event to be left
    /// alone. Keys are followed by `"`, never by their `:`, so the rule for `key: value` text
    /// does not judge every JSON key (that is [`secret_key`]'s job, once per distinct key).
    pub(super) scalars: String,
    /// The distinct object keys.
    pub(super) keys: Vec<String>,
}

impl Shape {
    pub(super) fn of(json: &[u8]) -> Shape {
        let mut shape = Shape { scalars: String::with_capacity(json.len()), ..Shape::default() };
        let (mut depth, mut in_string, mut escaped, mut start, mut had_escape) = (0usize, false, false, 0usize, false);
        let mut bare: Option<usize> = None;
        let mut last_string: Option<(usize, usize)> = None;
        let text = |from: usize, to: usize| std::str::from_utf8(&json[from..to]).unwrap_or_default();
        for (i, &b) in json.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                    shape.escapes = true;
                    had_escape = true;
                } else if b == b'"' {
                    in_string = false;
                    if had_escape {
                        // The rules see the decoded string, as `redact_json` does.
                        let decoded = serde_json::from_slice::<String>(&json[start - 1..=i]).unwrap_or_default();
                        shape.scalars.push_str(&decoded);
                    } else {
                        shape.scalars.push_str(text(start, i));
                    }
                    shape.scalars.push('"');
                    last_string = Some((start, i));
                }
                continue;
            }
            let token = !(b.is_ascii_whitespace() || matches!(b, b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':'));
            match (bare, token) {
                (None, true) => bare = Some(i),
                (Some(from), false) => {
                    shape.scalars.push_str(text(from, i));
                    shape.scalars.push('"');
                    bare = None;
                }
                _ => {}
            }
            if b == b':' {
                if let Some((from, to)) = last_string {
                    let raw_key = text(from, to);
                    let key: Cow<str> = if raw_key.contains('\\') {
                        serde_json::from_slice::<String>(&json[from - 1..=to]).unwrap_or_default().into()
                    } else {
                        raw_key.into()
                    };
                    if !shape.keys.iter().any(|k| *k == key) {
                        shape.keys.push(key.into_owned());
                    }
                }
            }
            if !b.is_ascii_whitespace() && b != b'"' {
                last_string = None;
            }
            match b {
                b'"' => {
                    in_string = true;
                    had_escape = false;
                    start = i + 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    shape.depth = shape.depth.max(depth);
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if let Some(from) = bare {
            shape.scalars.push_str(text(from, json.len()));
        }
        shape
    }

    /// True when the privacy rules cannot change this JSON: no key names a secret field, and
    /// redacting [`scalars`](Self::scalars) — every decoded string and number, each ended by
    /// a `"`, which the rules treat as a word boundary like the end of a text — finds nothing.
    /// Checked over every fixture in the tests.
    pub(super) fn pii_free(&self) -> bool {
        !self.keys.iter().any(|k| secret_key(k)) && RULES.redact(&self.scalars) == self.scalars
    }
}

thread_local! {
    /// [`secret_key`]'s answers: events reuse a small vocabulary of keys.
    static SECRET_KEYS: std::cell::RefCell<std::collections::HashMap<String, bool>> = Default::default();
}

/// True when the value of field `key` is replaced whole by the privacy rules (as a string or
/// as a number), from [`secret_field_marker`], remembered per thread (at most 4,096 keys).
pub(super) fn secret_key(key: &str) -> bool {
    SECRET_KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&secret) = cache.get(key) {
            return secret;
        }
        let secret = secret_field_marker(key, FieldValue::Text).is_some()
            || secret_field_marker(key, FieldValue::Number).is_some();
        if cache.len() >= 4_096 {
            cache.clear();
        }
        cache.insert(key.to_string(), secret);
        secret
    })
}
