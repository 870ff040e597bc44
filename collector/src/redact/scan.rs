//! One scan of an event's JSON text for the fast path of [`super::process_batch`]: its depth,
//! its decoded strings and numbers, and what its keys are, so that the privacy rules can be
//! run over the text without decoding the event.

use super::{RULES, URL_LIST_ATTRIBUTES};
use rewind::privacy::options::URL_ATTRIBUTES;
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
    /// does not judge every JSON key (that is [`key_class`]'s job).
    pub(super) scalars: String,
    /// An object key names a secret field ([`secret_field_marker`]).
    pub(super) secret_key: bool,
    /// An object key is a URL attribute (`href`, `src`, `srcset`…, any case; not `data`,
    /// which every event has as a key).
    pub(super) url_key: bool,
    /// A `"source"` key has the number 5 as its value: the event may be an Input event
    /// (rrweb IncrementalSource 5).
    pub(super) input_source: bool,
}

impl Shape {
    /// Scans `json` (one JSON value, as text) once. String bodies are skipped with `memchr`
    /// to their closing quote or next escape, so the cost is mostly one copy of each string
    /// into [`scalars`](Self::scalars). An unterminated string ends the scan.
    pub(super) fn of(json: &str) -> Shape {
        let b = json.as_bytes();
        let mut shape = Shape { scalars: String::with_capacity(json.len()), ..Shape::default() };
        // Every range cut below starts and ends next to an ASCII byte (a quote or JSON
        // punctuation), so it lies on char boundaries.
        let text = |from: usize, to: usize| json.get(from..to).unwrap_or_default();
        let mut depth = 0usize;
        // Body of the last string, while only whitespace followed it: a key if `:` comes.
        let mut last_string: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'"' {
                let start = i + 1;
                let mut at = start;
                let mut escaped = false;
                let end = loop {
                    match memchr::memchr2(b'"', b'\\', b.get(at..).unwrap_or_default()) {
                        Some(k) if b[at + k] == b'\\' => {
                            escaped = true;
                            shape.escapes = true;
                            at += k + 2;
                        }
                        Some(k) => break Some(at + k),
                        None => break None,
                    }
                };
                let Some(end) = end else {
                    return shape; // unterminated: nothing after it is JSON
                };
                if escaped {
                    // The rules see the decoded string, as `redact_json` does.
                    let decoded = serde_json::from_str::<String>(text(i, end + 1)).unwrap_or_default();
                    shape.scalars.push_str(&decoded);
                } else {
                    shape.scalars.push_str(text(start, end));
                }
                shape.scalars.push('"');
                last_string = Some((start, end));
                i = end + 1;
                continue;
            }
            match c {
                b':' => {
                    if let Some((from, to)) = last_string {
                        let raw_key = text(from, to);
                        let key: Cow<str> = if raw_key.contains('\\') {
                            serde_json::from_str::<String>(text(from - 1, to + 1)).unwrap_or_default().into()
                        } else {
                            raw_key.into()
                        };
                        let class = key_class(&key);
                        shape.secret_key |= class.secret;
                        shape.url_key |= class.url;
                        if key == "source" {
                            let value = text(i + 1, b.len()).trim_start().as_bytes();
                            shape.input_source |=
                                value.first() == Some(&b'5') && !value.get(1).is_some_and(u8::is_ascii_digit);
                        }
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    shape.depth = shape.depth.max(depth);
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                b',' => {}
                c if c.is_ascii_whitespace() => {
                    i += 1;
                    continue; // a string followed only by whitespace may still be a key
                }
                _ => {
                    // A bare token (number, literal): read whole; a `"` ends it unless it
                    // ends the text.
                    let from = i;
                    i += 1; // `c` is a bare byte: every other byte has its arm above
                    while b.get(i).is_some_and(|&c| is_bare(c)) {
                        i += 1;
                    }
                    shape.scalars.push_str(text(from, i));
                    if i < b.len() {
                        shape.scalars.push('"');
                    }
                    last_string = None;
                    continue;
                }
            }
            last_string = None;
            i += 1;
        }
        shape
    }

    /// True when the privacy rules cannot change this JSON: no key names a secret field, and
    /// redacting [`scalars`](Self::scalars) — every decoded string and number, each ended by
    /// a `"`, which the rules treat as a word boundary like the end of a text — finds nothing.
    /// Checked over every fixture in the tests.
    pub(super) fn pii_free(&self) -> bool {
        !self.secret_key && !RULES.finds_pii(&self.scalars)
    }
}

/// A byte of a bare JSON token (number, `true`, `false`, `null`): not whitespace, not a quote
/// and not structural punctuation.
fn is_bare(c: u8) -> bool {
    !(c.is_ascii_whitespace() || matches!(c, b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':'))
}

/// What an object key is, for the fast path.
#[derive(Clone, Copy, Debug)]
pub(super) struct KeyClass {
    /// The key names a secret field: its value is replaced whole, as a string or as a number
    /// ([`secret_field_marker`]).
    pub(super) secret: bool,
    /// The key is a URL attribute ([`URL_ATTRIBUTES`] but `data`, [`URL_LIST_ATTRIBUTES`]),
    /// in any case.
    pub(super) url: bool,
}

thread_local! {
    /// [`key_class`]'s answers: events reuse a small vocabulary of keys, and every key of every
    /// event is looked up, so the map hashes with foldhash rather than SipHash (keys come from
    /// clients, but the map is bounded and cleared when full, so collisions cost little).
    static KEY_CLASSES: std::cell::RefCell<std::collections::HashMap<String, KeyClass, foldhash::fast::RandomState>> =
        Default::default();
}

/// Keys of rrweb's own event structure (rrweb-snapshot's serialized nodes, the data of each
/// event type), most frequent first: most keys of every event are one of these, and they are
/// classed without the map. None is secret or a URL attribute (checked in the tests).
pub(super) const STRUCTURAL_KEYS: &[&str] = &[
    "id",
    "type",
    "tagName",
    "attributes",
    "childNodes",
    "textContent",
    "x",
    "y",
    "timeOffset",
    "data",
    "timestamp",
    "source",
    "positions",
    "parentId",
    "nextId",
    "node",
    "adds",
    "removes",
    "texts",
    "class",
    "isSVG",
    "isStyle",
    "name",
    "publicId",
    "systemId",
];

/// Most distinct keys [`key_class`] remembers per thread before starting over.
const MAX_REMEMBERED_KEYS: usize = 4_096;

/// What object key `key` is, remembered per thread (at most [`MAX_REMEMBERED_KEYS`] keys).
pub(super) fn key_class(key: &str) -> KeyClass {
    if STRUCTURAL_KEYS.contains(&key) {
        return KeyClass { secret: false, url: false };
    }
    KEY_CLASSES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&class) = cache.get(key) {
            return class;
        }
        let class = classify(key);
        if cache.len() >= MAX_REMEMBERED_KEYS {
            cache.clear();
        }
        cache.insert(key.to_string(), class);
        class
    })
}

/// [`key_class`] without the map.
pub(super) fn classify(key: &str) -> KeyClass {
    KeyClass {
        secret: secret_field_marker(key, FieldValue::Text).is_some()
            || secret_field_marker(key, FieldValue::Number).is_some(),
        url: URL_ATTRIBUTES.iter().chain(URL_LIST_ATTRIBUTES).any(|a| *a != "data" && a.eq_ignore_ascii_case(key)),
    }
}
