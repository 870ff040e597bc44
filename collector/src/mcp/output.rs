//! What every tool result goes through: the privacy rules, the row and line caps with their
//! cursors, and tool errors an agent can read.

use rewind::privacy::PrivacyOptions;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

/// A tool's answer: a JSON object (the result), or one line saying why not (the call's
/// arguments or the session, never the server: those are protocol errors).
pub type ToolOutcome = Result<Value, String>;

/// The [`CallToolResult`] of `outcome`: the object redacted ([`redact_strings`]) as structured
/// content (and its JSON text as the text content, for clients that read only text), or an
/// error result whose one text line says why.
pub fn tool_result(outcome: ToolOutcome) -> CallToolResult {
    match outcome {
        Ok(mut value) => {
            redact_strings(&mut value);
            CallToolResult::structured(value)
        }
        Err(why) => CallToolResult::error(vec![ContentBlock::text(PrivacyOptions::default().redact(&why))]),
    }
}

/// Every string in `value` through [`PrivacyOptions::redact`] (emails, card numbers, phone
/// numbers, SSNs, tokens → `[REDACTED:kind]`), iteratively. Object keys and numbers are kept:
/// the keys are this server's own field names, and the numbers counts, times and ids. This is
/// the last step of every result, behind the analyzer's own redaction, so that values read
/// from the index as the SDK sent them (a user id that is an email, a page title) are covered
/// too when the collector stores batches unredacted (`--no-server-redaction`).
pub fn redact_strings(value: &mut Value) {
    let privacy = PrivacyOptions::default();
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                let redacted = privacy.redact(s);
                if redacted != *s {
                    *s = redacted;
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// A page URL as results show it: query string and fragment removed (they carry ids, emails
/// and tokens), PII path segments redacted ([`PrivacyOptions::scrub_url`]).
pub fn scrub_url(url: &str) -> String {
    PrivacyOptions::default().scrub_url(url, "")
}

/// The position a `cursor` names in a list paged by offset (`None`: the start).
///
/// # Errors
/// A cursor that is not one this server gave out.
pub fn offset_of(cursor: Option<&str>) -> Result<usize, String> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c
            .strip_prefix("o")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| "`cursor` must be a `cursor` value this server returned".to_string()),
    }
}

/// One page of `len` items from `offset`, at most `limit`: the range, `truncated` (more
/// follow) and the cursor of the next page.
pub fn page(len: usize, offset: usize, limit: usize) -> (std::ops::Range<usize>, bool, Option<String>) {
    let start = offset.min(len);
    let end = start.saturating_add(limit).min(len);
    let more = end < len;
    (start..end, more, more.then(|| format!("o{end}")))
}

/// `requested` rows or lines, at least 1 and at most `max` (`None`: `default`).
pub fn limit(requested: Option<u32>, default: usize, max: usize) -> usize {
    requested.map_or(default, |n| n as usize).clamp(1, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_string_is_redacted_and_keys_and_numbers_are_kept() {
        let mut value = json!({"session_id": "s-1", "user": "jane@example.com", "n": 4111111111111111u64,
                               "lines": ["typed 4111 1111 1111 1111", "ok"]});
        redact_strings(&mut value);
        assert_eq!(
            value,
            json!({"session_id": "s-1", "user": "[REDACTED:email]", "n": 4111111111111111u64,
                   "lines": ["typed [REDACTED:card]", "ok"]})
        );
    }

    #[test]
    fn pages_and_cursors() {
        assert_eq!(page(5, 0, 2), (0..2, true, Some("o2".into())));
        assert_eq!(page(5, 4, 2), (4..5, false, None));
        assert_eq!(page(5, 9, 2), (5..5, false, None));
        assert_eq!(offset_of(Some("o2")), Ok(2));
        assert_eq!(offset_of(None), Ok(0));
        assert!(offset_of(Some("2")).is_err());
        assert_eq!(limit(None, 10, 50), 10);
        assert_eq!(limit(Some(0), 10, 50), 1);
        assert_eq!(limit(Some(500), 10, 50), 50);
    }

    #[test]
    fn urls_lose_their_query() {
        assert_eq!(scrub_url("https://shop.test/cart?email=a%40b.org#x"), "https://shop.test/cart");
    }
}
