//! Unit tests for PII redaction of free text and JSON ([`crate::privacy::PrivacyOptions::redact`],
//! [`crate::privacy::PrivacyOptions::redact_json`]).

use super::*;

fn r(text: &str) -> String {
    opts().redact(text)
}

#[test]
fn redacts_emails_in_sentences() {
    assert_eq!(r("Contact ann.lee+work@mail.example.co.uk today."), "Contact [REDACTED:email] today.");
    assert_eq!(r("(bob@example.com), 'c_d@x.io'"), "([REDACTED:email]), '[REDACTED:email]'");
    assert_eq!(r("a@b.com;c@d.org"), "[REDACTED:email];[REDACTED:email]");
    assert_eq!(r("ends with a@b.com."), "ends with [REDACTED:email].");
    assert_eq!(r("Grüße an jo@example.de!"), "Grüße an [REDACTED:email]!");
}

#[test]
fn not_emails() {
    for s in ["icon@2x.png", "user@localhost", "@handle", "a@b", "x@.com", "a@b.c", "npm i pkg@1.2.3", "@@@"] {
        assert_eq!(r(s), s, "{s}");
    }
}

#[test]
fn redacts_luhn_valid_cards_only() {
    assert_eq!(r("card 4111 1111 1111 1111 ok"), "card [REDACTED:card] ok");
    assert_eq!(r("card 4111-1111-1111-1111"), "card [REDACTED:card]");
    assert_eq!(r("4111111111111111"), "[REDACTED:card]");
    assert_eq!(r("amex 3782 822463 10005"), "amex [REDACTED:card]");
    assert_eq!(r("mc 5555555555554444."), "mc [REDACTED:card].");
    // Luhn-invalid, glued to letters, or not a card prefix: kept.
    assert_eq!(r("4111 1111 1111 1112"), "4111 1111 1111 1112");
    assert_eq!(r("id4111111111111111"), "id4111111111111111");
    assert_eq!(r("4111111111111111abc"), "4111111111111111abc");
    assert_eq!(r("ts 1700000000000"), "ts 1700000000000");
}

#[test]
fn redacts_phone_numbers() {
    for (s, want) in [
        ("call +1 (555) 123-4567 now", "call [REDACTED:phone] now"),
        ("+44 20 7946 0958", "[REDACTED:phone]"),
        ("+4915112345678", "[REDACTED:phone]"),
        ("(555) 123-4567", "[REDACTED:phone]"),
        ("555-123-4567", "[REDACTED:phone]"),
        ("555.123.4567", "[REDACTED:phone]"),
        ("1-555-123-4567", "[REDACTED:phone]"),
        ("tel 030 1234567", "tel [REDACTED:phone]"),
        ("06 12 34 56 78", "[REDACTED:phone]"),
        ("0612345678", "[REDACTED:phone]"),
        ("0049 30 1234567", "[REDACTED:phone]"),
        ("+44 (0)20 7946 0958", "[REDACTED:phone]"),
        ("+1 555 123 4567", "[REDACTED:phone]"),
        ("555 123 4567", "[REDACTED:phone]"),
        ("Tel.555-123-4567", "Tel.[REDACTED:phone]"),
        ("tel:+33612345678;", "tel:[REDACTED:phone];"),
    ] {
        assert_eq!(r(s), want, "{s}");
    }
}

#[test]
fn ordinary_numbers_dates_and_times_untouched() {
    for s in [
        "2026",
        "price 12.50 EUR",
        "1,234,567,890",
        "1.234.567.890",
        "2026-11-21",
        "2026-11-21 08:54:45",
        "2026-11-21T08:54:45.123Z",
        "21.11.2026 08:54",
        "11/21/2026",
        "192.168.100.200",
        "10.0.0.1",
        "3.14159265358979",
        "order 123456",
        "1700000000",
        "2019 2020 2021",
        "100 200 300 400",
        "1 2 3 4 5 6 7 8 9 10",
        "v1.2.3",
        "550e8400-e29b-41d4-a716-446655440000",
        "0000012345",
        "+1",
        "(",
        "+",
    ] {
        assert_eq!(r(s), s, "{s}");
    }
}

#[test]
fn redacts_ssn() {
    assert_eq!(r("SSN 123-45-6789."), "SSN [REDACTED:ssn].");
    assert_eq!(r("ssn: 123 45 6789"), "ssn: [REDACTED:ssn]");
    // Invalid SSNs (area 000/666/9xx, group 00, serial 0000) are not SSNs nor phones.
    for s in ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"] {
        assert_eq!(r(s), s, "{s}");
    }
}

#[test]
fn redacts_jwts() {
    let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assert_eq!(r(&format!("token={jwt}; path=/")), "token=[REDACTED:token]; path=/");
    assert_eq!(r(&format!("\"{jwt}\"")), "\"[REDACTED:token]\"");
    // Unsigned (empty signature) and five-part JWE.
    assert_eq!(r("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. x"), "[REDACTED:token] x");
    assert_eq!(r("eyJhbGciOiJSU0EtT0FFUCJ9.OKOawDo13gRp2oja.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIz.XFBoMYUZodetZdvTiFvSkQ x"), "[REDACTED:token] x");
    // Two parts, or not at a word start: kept.
    assert_eq!(r("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi"), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi");
    assert_eq!(r("xeyJhbGciOiJIUzI1NiJ9.eyJz.abc"), "xeyJhbGciOiJIUzI1NiJ9.eyJz.abc");
}

#[test]
fn redacts_bearer_tokens() {
    assert_eq!(r("Authorization: Bearer abc123DEF456ghi789"), "Authorization: Bearer [REDACTED:token]");
    assert_eq!(r("authorization=bearer  sk-live_9a8b7c6d."), "authorization=bearer  [REDACTED:token].");
    assert_eq!(r("BEARER dGVzdDp0ZXN0dGVzdA=="), "BEARER [REDACTED:token]");
    // English, short words, no token after: kept.
    for s in ["the bearer instruments", "Bearer token", "Bearer", "Bearer ", "bearers 12345678"] {
        assert_eq!(r(s), s, "{s}");
    }
}

#[test]
fn app_patterns_redact_as_custom() {
    let o = PrivacyOptions { redact_patterns: vec![r"ACME-\d{6}".into(), r"(?i)patient\s+#?\d+".into()], ..opts() };
    assert_eq!(o.redact("order ACME-123456 for Patient #42"), "order [REDACTED:custom] for [REDACTED:custom]");
    // Built-ins still apply; overlapping spans merge.
    assert_eq!(o.redact("ACME-123456 a@b.com"), "[REDACTED:custom] [REDACTED:email]");
    // Invalid and empty-matching patterns are ignored, not fatal.
    let bad = PrivacyOptions { redact_patterns: vec!["(".into(), "x*".into(), "ok".into()], ..opts() };
    assert_eq!(bad.redact("see ok"), "see [REDACTED:custom]");
    let invalid = bad.invalid_redact_patterns();
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].0, "(");
    // Changing the patterns recompiles (cache keyed by the sources).
    let other = PrivacyOptions { redact_patterns: vec!["look".into()], ..opts() };
    assert_eq!(other.redact("look ok"), "[REDACTED:custom] ok");
    assert_eq!(bad.redact("see ok"), "see [REDACTED:custom]");
}

#[test]
fn app_patterns_limits() {
    let many = PrivacyOptions { redact_patterns: (0..40).map(|i| format!("w{i}x")).collect(), ..opts() };
    assert_eq!(many.redact("w0x w31x w32x"), "[REDACTED:custom] [REDACTED:custom] w32x");
    assert_eq!(many.invalid_redact_patterns().len(), 8);
    let long = PrivacyOptions { redact_patterns: vec!["a".repeat(2000)], ..opts() };
    assert_eq!(long.invalid_redact_patterns().len(), 1);
    // Long text: matches in every window, including across the default window size.
    let o = PrivacyOptions { redact_patterns: vec![r"ID-\d+".into()], ..opts() };
    let text = "word ID-7 ".repeat(5000);
    let red = o.redact(&text);
    assert_eq!(red.matches("[REDACTED:custom]").count(), 5000);
    assert!(!red.contains("ID-"));
}

#[test]
fn overlapping_builtins_merge() {
    // An SSN-looking local part is part of the email.
    assert_eq!(r("123-45-6789@example.com"), "[REDACTED:email]");
    // Bearer + JWT.
    assert_eq!(r("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"), "Bearer [REDACTED:token]");
}

#[test]
fn redact_never_panics_on_unicode_and_edges() {
    let samples = [
        "",
        "@",
        "+",
        "(",
        "eyJ",
        "bearer",
        "é@é.é",
        "ü4111 1111 1111 1111ü",
        "📞+1 555 123 4567📞",
        "a@b.cö",
        "日本語のテキスト test@example.jp です",
        "\u{0}\u{ffff}",
        "1-",
        "+(",
        "((((1",
        "eyJ\u{1F600}.eyJ.x",
        "Bearer 👋👋👋👋👋👋👋👋👋",
    ];
    for s in samples {
        let out = r(s);
        assert!(out.is_char_boundary(out.len()));
    }
    assert_eq!(r("ü4111 1111 1111 1111ü"), "ü[REDACTED:card]ü");
    assert_eq!(r("日本語のテキスト test@example.jp です"), "日本語のテキスト [REDACTED:email] です");
    assert_eq!(r("📞+1 555 123 4567📞"), "📞[REDACTED:phone]📞");
    // Every prefix of a mixed string (cuts inside multi-byte chars are impossible for &str,
    // but every char boundary is tried).
    let mixed = "Grüße 📞 +49 30 1234567, mail jo@ex.de, card 4111-1111-1111-1111 🎉";
    for (i, _) in mixed.char_indices() {
        let _ = r(&mixed[..i]);
        let _ = r(&mixed[i..]);
    }
}

#[test]
fn redact_is_fast_on_long_hostile_inputs() {
    let inputs = [
        "@".repeat(200_000),
        "a".repeat(200_000) + "@",
        "a@".repeat(100_000),
        "eyJ".repeat(100_000),
        "eyJaaaaaaaaaaa.".repeat(20_000),
        "1-".repeat(100_000),
        "1 ".repeat(100_000),
        "(1".repeat(100_000),
        "bearer ".repeat(30_000),
        "9".repeat(200_000),
        "x.".repeat(100_000) + "@" + &"y.".repeat(100_000),
        "password=".repeat(50_000),
        "\"token\":\"".to_string() + &"a".repeat(200_000),
        "token: ".repeat(50_000),
        "a-".repeat(100_000) + ":",
    ];
    let start = std::time::Instant::now();
    for s in &inputs {
        let _ = opts().redact(s);
    }
    // A pathological app pattern (every search scans to the window's end): windows bound it.
    let o = PrivacyOptions { redact_patterns: vec![r"[a-z]*z|a".into()], ..opts() };
    let red = o.redact(&"a".repeat(2_000));
    assert_eq!(red, "[REDACTED:custom]".repeat(2_000));
    // Debug builds: linear scanners finish well under this; quadratic ones would not.
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn redact_json_values_only_iteratively() {
    let o = opts();
    let mut v = json!({
        "user": {"email": "ann@example.com", "note": "call 555-123-4567"},
        "items": ["ok", "4111 1111 1111 1111", 42, null, true],
        "ann@example.com": "key kept",
        "password": "hunter2",
        "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "text/html"},
        "cvv": 123,
        "max_tokens": 4096,
        "cardNumber": "4111111111111111",
        "password_hint": ""
    });
    o.redact_json(&mut v);
    assert_eq!(v["user"]["email"], "[REDACTED:email]");
    assert_eq!(v["user"]["note"], "call [REDACTED:phone]");
    assert_eq!(v["items"], json!(["ok", "[REDACTED:card]", 42, null, true]));
    // Keys are redacted too (an email used as an object key leaked once).
    assert_eq!(v["[REDACTED:email]"], "key kept");
    assert!(v.get("ann@example.com").is_none());
    assert_eq!(v["password"], "[REDACTED:secret]");
    assert_eq!(v["headers"]["Authorization"], "[REDACTED:secret]");
    assert_eq!(v["headers"]["Accept"], "text/html");
    assert_eq!(v["cvv"], "[REDACTED:secret]");
    assert_eq!(v["max_tokens"], 4096, "numbers under substring keys are kept");
    assert_eq!(v["cardNumber"], "[REDACTED:card]");
    assert_eq!(v["password_hint"], "");
}

#[test]
fn redact_json_deep_nesting_does_not_overflow() {
    // Build a 100k-deep array without recursion, redact it, then take it apart iteratively.
    let mut v = json!("a@b.com");
    for _ in 0..100_000 {
        v = serde_json::Value::Array(vec![v]);
    }
    opts().redact_json(&mut v);
    let mut cur = v;
    loop {
        match cur {
            serde_json::Value::Array(mut a) => cur = a.pop().unwrap(),
            other => {
                assert_eq!(other, json!("[REDACTED:email]"));
                break;
            }
        }
    }
}

// regex-lite is the native engine only (wasm32 uses the browser's RegExp).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn app_patterns_match_like_an_unbounded_search() {
    // Matches straddling every lookahead boundary, multi-byte text around them: the bounded
    // search must agree with regex-lite's own replace_all.
    let pattern = r"(?i)ID-[0-9a-f]{4,40}|Kunde: \w+ \w+";
    let re = regex_lite::Regex::new(pattern).unwrap();
    let o = PrivacyOptions { redact_patterns: vec![pattern.into()], ..opts() };
    let mut text = String::new();
    for k in 0..400 {
        text.push_str(&"é".repeat(k % 37));
        text.push_str(if k % 3 == 0 { " id-00ff00ff00ff00ff00ff " } else { " Kunde: Anna Lee, " });
        text.push_str(&"x".repeat(k % 11));
    }
    let want = re.replace_all(&text, "[REDACTED:custom]").into_owned();
    assert_eq!(o.redact(&text), want);
}

#[test]
fn redact_fuzz_no_panics_and_no_marker_corruption() {
    // Deterministic xorshift over an alphabet of the characters the scanners care about.
    let alphabet: Vec<char> = "@.-+()_ 0123456789aeyJzBbr\n\t:/#?=é📞世".chars().collect();
    let o = PrivacyOptions { redact_patterns: vec![r"\d{3}[a-z]".into(), "é+".into()], ..opts() };
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3_000 {
        let mut s = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 80) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        let out = o.redact(&s);
        // Text outside markers is the input's own text, in order.
        let stripped: String = out.split("[REDACTED:").map(|p| p.split_once(']').map_or(p, |(_, rest)| rest)).collect();
        assert!(stripped.chars().count() <= s.chars().count(), "{s:?} -> {out:?}");
        let mut v = serde_json::Value::String(s.clone());
        o.redact_json(&mut v);
        assert_eq!(v, serde_json::Value::String(out));
    }
}

#[test]
fn redacts_secret_key_value_pairs_in_text() {
    for (s, want) in [
        ("GET /reset?token=abc123&lang=en", "GET /reset?token=[REDACTED:secret]&lang=en"),
        ("{\"password\":\"hunter 2\",\"user\":\"x\"}", "{\"password\":\"[REDACTED:secret]\",\"user\":\"x\"}"),
        ("{'api_key': 'k-1'}", "{'api_key': '[REDACTED:secret]'}"),
        ("password: hunter2.", "password: [REDACTED:secret]."),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED:secret]"),
        ("Cookie=sid=abc; theme=dark", "Cookie=[REDACTED:secret]; theme=dark"),
        ("cardNumber=4111111111111112", "cardNumber=[REDACTED:card]"),
        ("{\"secret\":\"a\\\"b\"}", "{\"secret\":\"[REDACTED:secret]\"}"),
        ("ssn: 123 45 6789", "ssn: [REDACTED:ssn]"),
    ] {
        assert_eq!(r(s), want, "{s}");
    }
    for s in [
        "name=ann&lang=en",
        "classname: big",
        "the password is wrong",
        "token",
        "password:",
        "password=",
        "x == token",
        "https://tokens.example",
        "password==1",
    ] {
        assert_eq!(r(s), s, "{s}");
    }
}

/// Throughput of the built-in scanners on a realistic mixed log (run with
/// `cargo test --release -p rewind --lib redact_throughput -- --ignored --nocapture`).
#[test]
#[ignore]
fn redact_throughput() {
    let line = "2026-11-21 08:54:45 INFO user ann.lee@example.com paid 12.50 EUR with 4111 1111 1111 1111, \
                call +1 (555) 123-4567, GET /api/orders?id=42&token=abc123 took 35 ms; Grüße 世界\n";
    let text = line.repeat(20_000);
    let o = opts();
    let start = std::time::Instant::now();
    let out = o.redact(&text);
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{} MB in {:.1} ms = {:.0} MB/s", text.len() / 1_000_000, secs * 1e3, text.len() as f64 / 1e6 / secs);
    assert_eq!(out.matches("[REDACTED:email]").count(), 20_000);
    assert_eq!(out.matches("[REDACTED:card]").count(), 20_000);
    assert_eq!(out.matches("[REDACTED:phone]").count(), 20_000);
    assert_eq!(out.matches("[REDACTED:secret]").count(), 20_000);
}

#[test]
fn typed_prefixes_of_emails_and_cards_in_input_values() {
    use crate::privacy::redact::typed_prefix;
    let o = opts();
    // Each keystroke's value of `jane.doe@example.com` and `4111 1111 1111 1111` once the
    // shape shows.
    for (typed, want) in [
        ("jane.doe@", "[REDACTED:email]"),
        ("jane.doe@exa", "[REDACTED:email]"),
        ("jane.doe@example.", "[REDACTED:email]"),
        ("jane.doe@example.c", "[REDACTED:email]"),
        ("jane.doe@example.com", "[REDACTED:email]"),
        ("  jane.doe@exa ", "  [REDACTED:email] "),
        ("mail me at jane.doe@exa", "mail me at [REDACTED:email]"),
        ("(jane@exa", "([REDACTED:email]"),
        ("4111 1111 1", "[REDACTED:card]"),
        // Ten digits in groups are a phone number to the complete-PII rules already.
        ("4111 1111 11", "[REDACTED:phone]"),
        ("4111 1111 1111 ", "[REDACTED:card] "),
        ("4111-1111-1111-", "[REDACTED:card]"),
        ("411111111111", "[REDACTED:card]"),
        ("3782 82246", "[REDACTED:card]"),
        ("4111 1111 1111 1111", "[REDACTED:card]"),
    ] {
        assert_eq!(o.redact_input(typed), want, "{typed:?}");
    }
    // Ordinary values stay: no local part, `@` not in the last word, too few digits, not a
    // network's first digit, grouped unlike a card.
    for kept in [
        "",
        "hello world",
        "@handle",
        "meet @ noon",
        "a@b and more",
        "C# and F#",
        "jane.doe",
        "4111 1111",
        "41111111",
        "1234 5678 9012",
        "9999 9999 9",
        "2026-11-21",
        "4111 11 111",
        "4111  1111 1",
        "order 4111 1111 1 shipped",
        "42",
        "3.14159265358",
    ] {
        assert_eq!(o.redact_input(kept), kept, "{kept:?}");
    }
    assert_eq!(typed_prefix("jane@ex"), Some((0, 7, PiiKind::Email)));
    assert_eq!(typed_prefix("x"), None);
    // Only input values: free text keeps these shapes.
    assert_eq!(o.redact("price@10"), "price@10");
    assert_eq!(o.redact("4111 1111 1"), "4111 1111 1");
}

/// The analyzer's screen (`redact::may_hold_builtin_pii`) never passes over text the
/// detectors would change: checked on generated strings made of the characters the detectors
/// start from, and on one example of each kind.
#[cfg(feature = "analyze")]
#[test]
fn the_pii_screen_never_skips_what_the_detectors_find() {
    use crate::privacy::redact::{may_hold_builtin_pii, redact_text_seen};
    for pii in [
        "a@b.io",
        "4111 1111 1111 1111",
        "123-45-6789",
        "ssn 123456789",
        "+44 20 7946 0958",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.sig",
        "Bearer abc.def-123",
        "password=hunter2",
        "zelda%40example.org",
    ] {
        assert!(may_hold_builtin_pii(pii), "{pii}");
        assert_ne!(redact_text_seen(pii, &[], &mut |_| {}), pii);
    }
    // Digits weigh most: the number detectors (cards, SSNs, phones) have the subtlest shapes.
    const ALPHABET: &[u8] = b"aeyJbBrR 0123456789012345678901234567890123456789 -.()+/:=_xs";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut screened_out, mut found) = (0, 0);
    for _ in 0..50_000 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let len = (seed >> 58) as usize;
        let text: String = (0..len)
            .map(|k| {
                let x = seed.rotate_left(7 * k as u32 + 3) ^ (k as u64).wrapping_mul(0x2545_f491_4f6c_dd1d);
                ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
            })
            .collect();
        let changed = redact_text_seen(&text, &[], &mut |_| {}) != text;
        if changed {
            found += 1;
            assert!(may_hold_builtin_pii(&text), "screened out but redacted: {text:?}");
        }
        if !may_hold_builtin_pii(&text) {
            screened_out += 1;
        }
    }
    // Both sides were exercised, so the check above means something.
    assert!(screened_out > 1_000 && found > 100, "screened out {screened_out}, redacted {found}");
}

#[test]
fn finds_pii_agrees_with_redact() {
    let app = PrivacyOptions { redact_patterns: vec![r"ACME-\d{6}".into()], ..opts() };
    let texts = [
        "nothing to see here",
        "",
        "mail zelda@example.org now",
        "zelda%40example.org",
        "icon@2x.png 2026-11-21 1.234.567.890",
        "card 4111 1111 1111 1111",
        "4111111111111112",
        "ssn 123456789",
        "call +33 6 12 34 56 78",
        "Authorization: Bearer abcdefgh12345678",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
        "password=hunter2&x=1",
        "color: red; width=3",
        "Grüße, 1700000000000 ms",
        "order ACME-123456 shipped",
        "%E2%9C%93 done",
    ];
    for t in texts {
        for o in [opts(), app.clone()] {
            assert_eq!(o.finds_pii(t), o.redact(t) != t, "{t:?} with {:?}", o.redact_patterns);
        }
    }
}
