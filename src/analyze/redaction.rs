//! Redaction of analyzer outputs: the one place where personal data typed or shown in a
//! recording is replaced before anything leaves the analyzer.
//!
//! rrweb masks only password inputs by default, so third-party recordings carry emails, card
//! numbers and the like in clear in input values, text and URLs. Every output (timeline
//! markdown, analysis JSON, bundle tables, report, wasm results, the collector's `/analysis`)
//! is built from the actions and facts [`super::Analyzer::finish`] and the bundle pass
//! finalise, so redacting them there covers all of them. The detectors are the privacy
//! module's ([`crate::privacy::redact`]): emails, Luhn-valid card numbers, phone numbers, US
//! SSNs, JWT / bearer tokens, and values of secret-named keys in text and JSON.

use super::Action;
use crate::privacy::redact::{may_hold_builtin_pii, redact_text_seen, secret_field_marker, walk_json, FieldValue};
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::BTreeSet;

/// Most distinct object keys whose verdict [`Redactor`] remembers (metadata keys are a small
/// fixed set plus the keys of custom payloads; past this, keys are judged each time).
const MAX_KEYS_REMEMBERED: usize = 4_096;

/// How the analyzer treats what it reads. `Default`: outputs redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Replace personal data in every output string with `[REDACTED:kind]` markers (default
    /// `true`). `false` is the explicit opt-out: the CLI's `--no-redact`, the JS `{redact:
    /// false}` option.
    pub redact: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions { redact: true }
    }
}

/// The warning an output carries when `count` values were redacted (none when 0).
pub fn redaction_warning(count: usize) -> Option<String> {
    (count > 0).then(|| {
        format!(
            "{count} personal data value{} redacted (emails, card numbers, phone numbers, SSNs, tokens); \
             turn redaction off to see them (CLI --no-redact, JS {{redact: false}})",
            if count == 1 { "" } else { "s" }
        )
    })
}

/// Redacts strings in place and counts the distinct values it replaced.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    /// The original text of every value replaced, each once: an email typed into a field
    /// appears in the action's description and in its `metadata.value`, and is one value.
    values: BTreeSet<String>,
    /// Object keys already judged: `true` when the JSON walk must look at a field under such
    /// a key (the key itself may hold PII, or it names a secret).
    keys: FxHashMap<String, bool>,
    /// The last URL redacted and its result: consecutive actions share their page's URL.
    last_url: Option<(String, String)>,
}

impl Redactor {
    /// Distinct personal data values redacted so far.
    pub(crate) fn count(&self) -> usize {
        self.values.len()
    }

    /// Redacts one string.
    pub(crate) fn text(&mut self, text: &mut String) {
        if !may_hold_builtin_pii(text) {
            return;
        }
        let mut found = false;
        let out = redact_text_seen(text, &[], &mut |value| {
            found = true;
            if !self.values.contains(value) {
                self.values.insert(value.to_string());
            }
        });
        if found {
            *text = out;
        }
    }

    /// Redacts an optional string.
    pub(crate) fn opt(&mut self, text: &mut Option<String>) {
        if let Some(text) = text {
            self.text(text);
        }
    }

    /// Redacts every string an action shows: description, target description, URL and every
    /// string in its metadata (typed values, selection excerpts, console messages and traces,
    /// custom payloads, `data-*` selectors).
    pub(crate) fn action(&mut self, action: &mut Action) {
        self.text(&mut action.description);
        self.opt(&mut action.target_desc);
        if let Some(url) = &mut action.url {
            match &self.last_url {
                // Same text, same result; its values were counted the first time.
                Some((before, after)) if before == url => url.clone_from(after),
                _ => {
                    let before = url.clone();
                    self.text(url);
                    self.last_url = Some((before, url.clone()));
                }
            }
        }
        for value in action.metadata.values_mut() {
            self.json(value);
        }
    }

    /// Redacts every string inside `value`, iteratively (any depth is safe); values of
    /// secret-named keys (`password`, `token`…) are replaced whole, as the privacy module's
    /// JSON redaction does.
    pub(crate) fn json(&mut self, value: &mut Value) {
        if !self.json_may_change(value) {
            return;
        }
        let mut replaced = Vec::new();
        walk_json(value, |s| self.text(s), |old| replaced.push(old.to_string()));
        self.values.extend(replaced);
    }

    /// False only when [`walk_json`] with [`Redactor::text`] would change nothing in `value`:
    /// no string or key that may hold PII, no key naming a secret, no number of 13 or more
    /// digits (a card number; JSON floats are written with `.` or `e` and never are one).
    fn json_may_change(&mut self, value: &Value) -> bool {
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) if may_hold_builtin_pii(s) => return true,
                Value::Number(n) if n.as_u64().is_some_and(|u| u >= 1_000_000_000_000) => return true,
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => {
                    for (k, item) in map {
                        if self.key_needs_walk(k) {
                            return true;
                        }
                        stack.push(item);
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// A field under `key` needs [`walk_json`]: the key may hold PII or names a secret
    /// ([`secret_field_marker`] replaces a non-empty string under any secret key).
    fn key_needs_walk(&mut self, key: &str) -> bool {
        if let Some(&verdict) = self.keys.get(key) {
            return verdict;
        }
        let verdict = may_hold_builtin_pii(key) || secret_field_marker(key, FieldValue::Text).is_some();
        if self.keys.len() < MAX_KEYS_REMEMBERED {
            self.keys.insert(key.to_string(), verdict);
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::ActionKind;

    #[test]
    fn every_shown_string_is_redacted_and_counted() {
        let mut metadata = serde_json::Map::new();
        metadata.insert("value".into(), "4111 1111 1111 1111".into());
        metadata.insert("payload".into(), serde_json::json!({"password": "hunter2", "note": ["mail a@b.io"]}));
        let mut action = Action {
            t_ms: 0,
            action: ActionKind::Input,
            target_node_id: Some(1),
            target_desc: Some("input \"jane.doe@example.com\"".into()),
            description: "Typed \"4111 1111 1111 1111\" into input".into(),
            url: Some("https://x.test/?email=jane.doe@example.com".into()),
            metadata,
        };
        let mut r = Redactor::default();
        r.action(&mut action);
        assert_eq!(action.description, "Typed \"[REDACTED:card]\" into input");
        assert_eq!(action.target_desc.as_deref(), Some("input \"[REDACTED:email]\""));
        assert!(!action.url.as_deref().unwrap().contains("jane"), "{:?}", action.url);
        assert_eq!(action.metadata["value"], "[REDACTED:card]");
        assert_eq!(action.metadata["payload"]["password"], "[REDACTED:secret]");
        assert_eq!(action.metadata["payload"]["note"][0], "mail [REDACTED:email]");
        // The card and the email each count once although shown twice; the secret and the
        // second email once each.
        assert_eq!(r.count(), 4);
        assert!(redaction_warning(r.count()).unwrap().starts_with("4 personal data values redacted"));
        assert_eq!(redaction_warning(0), None);
    }
}
