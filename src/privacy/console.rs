//! rrweb's console plugin (`rrweb/console@1`) payloads as the console chunk writes them
//! (`js/console.js` with `crate::wasm::console`): each argument stringified, redacted
//! ([`PrivacyOptions::redact_console`]: URLs scrubbed, PII replaced) and truncated, stack-trace
//! lines cleaned, and at most [`CONSOLE_MAX_LOGS`] records per recording, then one final
//! warning — rrweb's console plugin's own limits and wording (rrweb `packages/rrweb/src/plugins/console/record`).
//! Pure: the browser edge hands over strings.

use super::network::push_json_str;
use super::PrivacyOptions;

/// Characters kept per argument (then `…`).
pub const CONSOLE_ARG_CHARS: usize = 1_000;
/// Records per recording; the next one becomes [`CONSOLE_LIMIT_MESSAGE`] at level `warn`, and
/// later ones are dropped.
pub const CONSOLE_MAX_LOGS: u32 = 1_000;
/// Stack-trace lines kept per record.
pub const CONSOLE_TRACE_LINES: usize = 20;
/// rrweb's message when the record limit is reached.
pub const CONSOLE_LIMIT_MESSAGE: &str = "The number of log records reached the threshold.";

/// `s` as a JSON string literal.
pub fn quoted(s: &str) -> String {
    let mut out = String::new();
    push_json_str(&mut out, s);
    out
}

/// `s` cut to [`CONSOLE_ARG_CHARS`] characters, `…` appended when cut.
pub fn truncate(s: &str) -> String {
    if s.chars().count() <= CONSOLE_ARG_CHARS {
        return s.to_string();
    }
    let mut t: String = s.chars().take(CONSOLE_ARG_CHARS).collect();
    t.push('…');
    t
}

/// A string argument (or an error's `name: message`, an uncaught error's message) as rrweb
/// writes it: redacted, truncated, then JSON-quoted (`"\"text\""` once in the payload array).
pub fn text_arg(privacy: &PrivacyOptions, text: &str) -> String {
    quoted(&truncate(&privacy.redact_console(text)))
}

/// Any other argument from its `JSON.stringify` (or `String()`) text: redacted and truncated,
/// not quoted (`42`, `{"code":500}`).
pub fn json_arg(privacy: &PrivacyOptions, json: &str) -> String {
    truncate(&privacy.redact_console(json))
}

/// The trace of an error's `stack`: the lines after the first (the message), trimmed, any
/// leading `at ` removed, empty lines dropped, at most [`CONSOLE_TRACE_LINES`], each redacted.
pub fn trace(privacy: &PrivacyOptions, stack: &str) -> Vec<String> {
    stack
        .lines()
        .skip(1)
        .map(|l| {
            let mut l = l.trim();
            while let Some(rest) = l.strip_prefix("at ") {
                l = rest;
            }
            l
        })
        .filter(|l| !l.is_empty())
        .take(CONSOLE_TRACE_LINES)
        .map(|l| privacy.redact_console(l))
        .collect()
}

/// The `rrweb/console@1` payload JSON `{"level","trace":[…],"payload":[…]}` of the `n`th record
/// of a recording (1-based): as given up to [`CONSOLE_MAX_LOGS`], the limit warning for the
/// next, `None` after. `payload` holds already-stringified arguments ([`text_arg`],
/// [`json_arg`]); rrweb's payload is a string[] of them: `"\"text\""`, `"42"`.
pub fn payload_json(n: u32, level: &str, trace: &[String], payload: &[String]) -> Option<String> {
    let limit = [quoted(CONSOLE_LIMIT_MESSAGE)];
    let (level, trace, payload) = match n {
        n if n <= CONSOLE_MAX_LOGS => (level, trace, payload),
        n if n == CONSOLE_MAX_LOGS + 1 => ("warn", &[][..], &limit[..]),
        _ => return None,
    };
    let list = |items: &[String]| {
        let mut out = String::from("[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(&mut out, item);
        }
        out.push(']');
        out
    };
    Some(format!("{{\"level\":{},\"trace\":{},\"payload\":{}}}", quoted(level), list(trace), list(payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_redacted_truncated_and_quoted_as_rrweb() {
        let p = PrivacyOptions::default();
        assert_eq!(text_arg(&p, "mail bob@example.com"), r#""mail [REDACTED:email]""#);
        assert_eq!(json_arg(&p, r#"{"code":500}"#), r#"{"code":500}"#);
        assert_eq!(text_arg(&p, "see https://app.example/a?token=x#y"), r#""see https://app.example/a""#);
        let long = "x".repeat(CONSOLE_ARG_CHARS + 5);
        let cut = json_arg(&p, &long);
        assert_eq!(cut.chars().count(), CONSOLE_ARG_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(json_arg(&p, &"y".repeat(CONSOLE_ARG_CHARS)).len(), CONSOLE_ARG_CHARS);
    }

    #[test]
    fn traces_drop_the_message_and_at_and_are_scrubbed() {
        let p = PrivacyOptions::default();
        let stack =
            "TypeError: x\n    at f (https://app.example/spa.html?email=a%40b.org:70:13)\n\n    at g (app.js:1:2)";
        assert_eq!(trace(&p, stack), ["f (https://app.example/spa.html:70:13)", "g (app.js:1:2)"]);
        let deep: String = (0..30).map(|i| format!("\n at f{i}")).collect();
        assert_eq!(trace(&p, &deep).len(), CONSOLE_TRACE_LINES);
    }

    #[test]
    fn payloads_stop_after_the_limit_with_rrwebs_warning() {
        let args = [quoted("boom"), "42".to_string()];
        let trace = ["f (a.js:1:2)".to_string()];
        assert_eq!(
            payload_json(1, "error", &trace, &args).unwrap(),
            r#"{"level":"error","trace":["f (a.js:1:2)"],"payload":["\"boom\"","42"]}"#
        );
        assert!(payload_json(CONSOLE_MAX_LOGS, "log", &[], &args).unwrap().starts_with(r#"{"level":"log""#));
        assert_eq!(
            payload_json(CONSOLE_MAX_LOGS + 1, "error", &trace, &args).unwrap(),
            r#"{"level":"warn","trace":[],"payload":["\"The number of log records reached the threshold.\""]}"#
        );
        assert_eq!(payload_json(CONSOLE_MAX_LOGS + 2, "error", &trace, &args), None);
    }
}
