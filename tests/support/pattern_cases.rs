// App redaction-pattern cases shared by the native privacy tests (regex-lite runs the
// patterns) and the browser tests in tests/record_web.rs (the page's own RegExp runs them, see
// src/privacy/pattern.rs): both engines must give the same answers on the syntax the two
// share. Included with `include!`; data only.
//
// (patterns, text, expected `PrivacyOptions::redact` output with the default options).
const PATTERN_CASES: &[(&[&str], &str, &str)] = &[
    (&[r"ACME-\d{6}"], "order ACME-123456 shipped", "order [REDACTED:custom] shipped"),
    (&[r"(?i)patient\s+#?\d+"], "for Patient #42 and PATIENT 7", "for [REDACTED:custom] and [REDACTED:custom]"),
    (&[r"\bID-\d+"], "XID-1 ID-2", "XID-1 [REDACTED:custom]"),
    (&[r"^start"], "start start", "[REDACTED:custom] start"),
    (&[r"(?m)^row\d"], "row1\nrow2 row3", "[REDACTED:custom]\n[REDACTED:custom] row3"),
    (&[r"(?s)BEGIN.*?END"], "a BEGIN\nx\nEND b", "a [REDACTED:custom] b"),
    (&[r"[a-z]*z|a"], "aaz a", "[REDACTED:custom] [REDACTED:custom]"),
    (&["x*", "ok"], "see ok", "see [REDACTED:custom]"),
    (&["(", "ok"], "see ok", "see [REDACTED:custom]"),
    (&["(?x)o k", "ok"], "see ok", "see [REDACTED:custom]"),
    (&["é+"], "caféé au lait", "caf[REDACTED:custom] au lait"),
    (&[r"\d{3}[a-z]"], "📞123a世456b", "📞[REDACTED:custom]世[REDACTED:custom]"),
    (&["Kunde: \\w+"], "Kunde: Anna, Kunde: Émile", "[REDACTED:custom], Kunde: Émile"),
    (&[r"ORD-\d{4}"], "ORD-1234 a@b.com", "[REDACTED:custom] [REDACTED:email]"),
];

/// A long text whose matches straddle every search window, with multi-byte text around them.
fn pattern_window_text() -> (String, usize) {
    let mut text = String::new();
    for k in 0..300 {
        text.push_str(&"é".repeat(k % 37));
        text.push_str(if k % 3 == 0 { " ID-00ff00ff00ff00ff00ff " } else { " 🙂 filler, " });
        text.push_str(&"x".repeat(k % 11));
    }
    (text, 100)
}
