use super::scan::Shape;
use super::urls::map_tokens;
use super::*;
use serde_json::json;

const EMAIL: &str = "zelda.quokka@hyrule-mail.org";
const CARD: &str = "4539 1488 0343 6467";

fn on() -> Policy {
    Policy::default()
}

fn off() -> Policy {
    Policy { redact: false, ..Policy::default() }
}

/// The batch after `policy`, as a JSON value (the input when nothing changed).
fn run(batch: &Value, policy: &Policy) -> Value {
    let text = serde_json::to_vec(batch).unwrap();
    match process_batch(&text, policy).unwrap() {
        Some(out) => serde_json::from_slice(&out.json).unwrap(),
        None => batch.clone(),
    }
}

fn envelope(events: Value) -> Value {
    json!({"session_id": "s", "seq": 0, "window_id": "w", "distinct_id": EMAIL, "events": events})
}

#[test]
fn every_place_an_sdk_puts_text_is_redacted() {
    let events = json!([
        {"type": 4, "timestamp": 1, "data": {"href": format!("https://app.test/u?email={EMAIL}#t=1"), "width": 1, "height": 1}},
        {"type": 2, "timestamp": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [
            {"type": 2, "id": 2, "tagName": "a", "attributes": {
                "href": "https://other.test/reset?token=abc&x=1#access_token=zz",
                "srcset": "/a.png?sig=1 1x, https://cdn.test/b.png?u=2 2x",
                "title": format!("mail {EMAIL}"),
                "data-card": CARD,
            }, "childNodes": [{"type": 3, "id": 3, "textContent": format!("Card {CARD}, call +1 415 555 0100")}]}
        ]}, "initialOffset": {"top": 0, "left": 0}}},
        {"type": 3, "timestamp": 3, "data": {"source": 0, "texts": [{"id": 3, "value": EMAIL}], "attributes": [
            {"id": 2, "attributes": {"href": "/next?user=9#frag", "class": "x"}}], "removes": [],
            "adds": [{"parentId": 1, "nextId": null, "node": {"type": 3, "id": 4, "textContent": format!("ssn 123-45-6789 {EMAIL}")}}]}},
        {"type": 3, "timestamp": 4, "data": {"source": 5, "id": 9, "text": CARD, "isChecked": false}},
        {"type": 5, "timestamp": 5, "data": {"tag": "signup", "payload": {"email": EMAIL, "password": "hunter2", "card": CARD}}},
        {"type": 6, "timestamp": 6, "data": {"plugin": "rrweb/console@1", "payload": {"level": "error",
            "payload": [format!("\"failed for {EMAIL}\"")],
            "trace": ["at f (https://app.test/spa.html?email=x%40y.org&session=abc:70:13)"]}}},
    ]);
    let out = run(&envelope(events), &on());
    let text = out.to_string();
    for secret in [
        EMAIL,
        CARD,
        "4539148803436467",
        "hunter2",
        "123-45-6789",
        "415 555 0100",
        "token=abc",
        "access_token",
        "sig=1",
        "u=2",
        "user=9",
        "x%40y.org",
        "session=abc",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let events = &out["events"];
    assert_eq!(out["distinct_id"], "[REDACTED:email]");
    assert_eq!(events[0]["data"]["href"], "https://app.test/u");
    let a = &events[1]["data"]["node"]["childNodes"][0];
    assert_eq!(a["attributes"]["href"], "https://other.test/reset");
    assert_eq!(a["attributes"]["srcset"], "/a.png 1x, https://cdn.test/b.png 2x");
    assert_eq!(a["attributes"]["title"], "mail [REDACTED:email]", "redacted, not masked");
    assert_eq!(a["childNodes"][0]["textContent"], "Card [REDACTED:card], call [REDACTED:phone]");
    assert_eq!(events[2]["data"]["attributes"][0]["attributes"]["href"], "/next", "relative stays relative");
    assert_eq!(events[3]["data"]["text"], "[REDACTED:card]");
    assert_eq!(events[4]["data"]["payload"]["password"], "[REDACTED:secret]");
    assert_eq!(events[5]["data"]["payload"]["trace"][0], "at f (https://app.test/spa.html:70:13)");
    // Ordinary text, ids and structure are kept.
    assert_eq!(events[4]["data"]["tag"], "signup");
    assert_eq!(out["window_id"], "w");
    assert_eq!(events[1]["data"]["node"]["childNodes"][0]["tagName"], "a");
}

#[test]
fn unchanged_batches_and_events_are_kept_byte_for_byte() {
    let clean = r#"{"session_id":"s", "seq":0,"events":[{"type":3,"timestamp":1,"data":{"source":1,"positions":[]}}]}"#;
    assert_eq!(process_batch(clean.as_bytes(), &on()).unwrap(), None);
    // One event changes: the others keep their spelling (spaces, key order) and the envelope
    // its field order.
    let mixed = r#"{"seq":0,"session_id":"s","events":[{"timestamp":1, "type":3,"data":{}},{"type":5,"timestamp":2,"data":{"tag":"t","payload":"a@b.io"}}]}"#;
    let processed = process_batch(mixed.as_bytes(), &on()).unwrap().unwrap();
    let out = String::from_utf8(processed.json).unwrap();
    assert!(out.starts_with(r#"{"seq":0,"session_id":"s","events":[{"timestamp":1, "type":3,"data":{}},"#), "{out}");
    assert!(out.contains("[REDACTED:email]") && !out.contains("a@b.io"), "{out}");
    // Only the changed event is handed back for checking, as an array.
    assert_eq!(
        serde_json::from_str::<Value>(&processed.changed_events).unwrap(),
        json!([{"type": 5, "timestamp": 2, "data": {"tag": "t", "payload": "[REDACTED:email]"}}])
    );
    // Only an envelope field changed: no event to check.
    let id_only = r#"{"session_id":"s","seq":0,"distinct_id":"a@b.io","events":[{"type":3,"timestamp":1,"data":{"source":1,"positions":[]}}]}"#;
    let processed = process_batch(id_only.as_bytes(), &on()).unwrap().unwrap();
    assert_eq!(processed.changed_events, "[]");
    assert!(!String::from_utf8(processed.json).unwrap().contains("a@b.io"));
    // Off: nothing is decoded or changed.
    assert_eq!(process_batch(mixed.as_bytes(), &off()).unwrap(), None);
}

#[test]
fn long_strings_are_cut_with_a_marker() {
    let policy = Policy { redact: false, max_string_bytes: 10 };
    let out =
        run(&envelope(json!([{"type": 5, "timestamp": 1, "data": {"tag": "t", "payload": "é".repeat(20)}}])), &policy);
    // 40 bytes: 5 two-byte chars fit in 10 bytes.
    assert_eq!(out["events"][0]["data"]["payload"], format!("{}…[TRUNCATED:40 bytes]", "é".repeat(5)));
    assert_eq!(out["distinct_id"], EMAIL, "not redacted with redaction off");
    // A cut never splits a character, and the cap counts bytes: 9 bytes leave 4 chars.
    let policy = Policy { redact: false, max_string_bytes: 9 };
    let out = run(&envelope(json!([{"type": 5, "timestamp": 1, "data": {"payload": "é".repeat(20)}}])), &policy);
    assert_eq!(out["events"][0]["data"]["payload"], format!("{}…[TRUNCATED:40 bytes]", "é".repeat(4)));
    // Exactly the cap is kept; 0 means no cap.
    let exact = envelope(json!([{"type": 5, "timestamp": 1, "data": {"payload": "x".repeat(10)}}]));
    assert_eq!(run(&exact, &Policy { redact: false, max_string_bytes: 10 }), exact);
    let long = envelope(json!([{"type": 5, "timestamp": 1, "data": {"payload": "x".repeat(100_000)}}]));
    assert_eq!(run(&long, &Policy { redact: false, max_string_bytes: 0 }), long);
}

#[test]
fn redaction_runs_before_the_cut() {
    // An email straddling the cut would no longer look like one after it.
    let payload = format!("{}{EMAIL}", "x ".repeat(6));
    let policy = Policy { redact: true, max_string_bytes: 20 };
    let out = run(&envelope(json!([{"type": 5, "timestamp": 1, "data": {"payload": payload}}])), &policy);
    let got = out["events"][0]["data"]["payload"].as_str().unwrap();
    assert!(got.starts_with("x x x x x x [REDACTE…[TRUNCATED:"), "{got}");
    assert!(!got.contains("zelda") && !got.contains("quokka"), "{got}");
}

#[test]
fn distinct_id_stays_a_label() {
    let many = "a@b.io ".repeat(36); // 252 bytes of emails: longer than 256 once redacted
    let out = run(&json!({"session_id": "s", "seq": 0, "distinct_id": many, "events": []}), &on());
    let id = out["distinct_id"].as_str().unwrap();
    assert!(id.len() <= MAX_LABEL_BYTES && id.starts_with("[REDACTED:email]"), "{id}");
    assert!(!id.contains("a@b.io"));
    // Fields the envelope does not define are redacted too.
    let out = run(&json!({"session_id": "s", "seq": 0, "note": {"who": EMAIL}, "events": []}), &on());
    assert_eq!(out["note"]["who"], "[REDACTED:email]");
}

#[test]
fn too_deep_events_are_refused_not_recursed() {
    let deep = format!("{}{}", "[".repeat(MAX_REDACT_DEPTH), "]".repeat(MAX_REDACT_DEPTH));
    let batch = format!(r#"{{"session_id":"s","seq":0,"events":[{{"type":5,"timestamp":1,"data":{deep}}}]}}"#);
    assert_eq!(process_batch(batch.as_bytes(), &on()), Err(ProcessError::TooDeep(Some(0))));
    // Within the limit (a 512-level DOM tree fits), and off, it is fine.
    let ok = format!("{}{}", "[".repeat(MAX_REDACT_DEPTH - 2), "]".repeat(MAX_REDACT_DEPTH - 2));
    let batch_ok = format!(r#"{{"session_id":"s","seq":0,"events":[{{"type":5,"timestamp":1,"data":{ok}}}]}}"#);
    assert_eq!(process_batch(batch_ok.as_bytes(), &on()), Ok(None));
    assert_eq!(process_batch(batch.as_bytes(), &off()), Ok(None));
    let shape = Shape::of(r#"{"a":"[[[{{","b":[1,{"c":"\"]"}]}"#);
    assert_eq!((shape.depth, shape.escapes), (3, true));
}

/// [`may_be_typed`] of one event's JSON text.
fn typed_prefix_candidate(raw: &str) -> bool {
    may_be_typed(raw, &Shape::of(raw))
}

/// [`may_hold_urls`] of one event's JSON text.
fn urls(raw: &str) -> bool {
    may_hold_urls(raw, &Shape::of(raw))
}

#[test]
fn urls_in_free_text() {
    let strip = rewind::privacy::url::strip_text_urls;
    assert_eq!(strip("see https://a.test/x for more"), "see https://a.test/x for more");
    assert_eq!(
        strip("GET https://a.test/x?q=1 failed; at g (http://b.test/app.js?v=3#h:12:5)"),
        "GET https://a.test/x failed; at g (http://b.test/app.js:12:5)"
    );
    assert_eq!(map_tokens("  a  b\tc ", |t| t.to_uppercase()), "  A  B\tC ");
}

/// Every event of every fixture recording (rewind's and rrweb's own).
fn fixture_events() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("rrweb")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(events) = serde_json::from_str::<Vec<&RawValue>>(&text) else { continue };
            out.extend(events.iter().map(|e| e.get().to_string()));
        }
    }
    out
}

#[test]
fn the_fast_path_skips_only_events_redaction_would_not_change() {
    let events = fixture_events();
    assert!(events.len() > 500, "{}", events.len());
    let mut skipped = 0;
    for raw in &events {
        if Shape::of(raw).pii_free() {
            skipped += 1;
            let mut value: Value = serde_json::from_str(raw).unwrap();
            let before = value.clone();
            RULES.redact_json(&mut value);
            assert_eq!(value, before, "the fast path would have skipped a change in {raw}");
        }
    }
    assert!(skipped > events.len() / 2, "most events take the fast path: {skipped} of {}", events.len());
}

#[test]
fn what_the_text_scan_cannot_see_takes_the_full_path() {
    for (event, secret) in [
        // Keys: one the text rule would not read whole, one spelled with an escape.
        (r#"{"type":5,"timestamp":1,"data":{"tag":"t","payload":{"Password hint":"hunter2"}}}"#, "hunter2"),
        (r#"{"type":5,"timestamp":1,"data":{"tag":"t","payload":{"password":"hunter2"}}}"#, "hunter2"),
        // Escapes: an email spelled with \u0040, stringified JSON in a console message.
        (r#"{"type":5,"timestamp":1,"data":{"tag":"t","payload":"mail zelda\u0040hyrulemoon.org"}}"#, "hyrulemoon"),
        (r#"{"type":6,"timestamp":1,"data":{"plugin":"p","payload":["{\"password\":\"hunter2\"}"]}}"#, "hunter2"),
    ] {
        assert!(!Shape::of(event).pii_free(), "{event}");
        let batch = format!(r#"{{"session_id":"s","seq":0,"events":[{event}]}}"#);
        let out = String::from_utf8(process_batch(batch.as_bytes(), &on()).unwrap().expect("redacted").json).unwrap();
        assert!(!out.contains(secret) && out.contains("[REDACTED:"), "{out}");
    }
    let shape = Shape::of(r#"{"a-b_1":"x y","c":[{"d":"e f"}, 12, true],"d":-1.5e3}"#);
    assert_eq!(shape.scalars, r#"a-b_1"x y"c"d"e f"12"true"d"-1.5e3""#);
    assert!(!shape.secret_key && !shape.url_key);
    // Bare tokens end at any punctuation or whitespace; the last one ends the text.
    assert_eq!(Shape::of("[1,-2 , 3e4]").scalars, r#"1"-2"3e4""#);
    assert_eq!(Shape::of("12 34").scalars, r#"12"34"#);
    assert!(shape.pii_free() && !shape.escapes);
    assert!(!Shape::of(r#"{"pin": 1234}"#).pii_free(), "a secret key");
    assert!(!Shape::of(r#"{"n": 4539148803436467}"#).pii_free(), "a card number as a number");
    // Which events are decoded for their URLs.
    assert!(!urls(r#"{"type":3,"data":{"source":1,"positions":[]}}"#), "every event has a data key");
    assert!(urls(r#"{"type":4,"data":{"href":"https://a.test/?q"}}"#));
    assert!(urls(r#"{"type":4,"data":{"href":"https://a.test/#top"}}"#));
    assert!(!urls(r#"{"type":4,"data":{"href":"https://a.test/"}}"#), "nothing to strip");
    assert!(!urls(r##"{"attributes":{"href":"/a","style":"color: #333","fill":"#333"}}"##));
    assert!(urls(r#"{"tagName":"object","attributes":{"data":"/f.swf?x"}}"#));
    assert!(urls(r#"{"type":6,"data":{"payload":["https://a.test/?q"]}}"#));
    assert!(!urls(r#"{"type":6,"data":{"payload":["https://a.test/"]}}"#));
    // Token path segments without `?` or `#`: hex, base64, percent-escaped.
    assert!(urls(r#"{"type":4,"data":{"href":"https://a.test/reset/9f86d081884c7d659a2feaa0c55ad015"}}"#));
    assert!(urls(r#"{"attributes":{"href":"/r/rZ8kQ2vXwNaT5nP7mYqBhF3j/go"}}"#));
    assert!(urls(r#"{"attributes":{"src":"/r/rZ8kQ2vXwN%2BaT5nP7mYqBhF3j"}}"#));
    assert!(!urls(r#"{"attributes":{"href":"/products/summer-sale-2026/shoes"}}"#));
}

#[test]
fn token_path_segments_without_query_or_fragment_are_redacted() {
    let hex = "9f86d081884c7d659a2feaa0c55ad015";
    let b64 = "rZ8kQ2vXwNaT5nP7mYqBhF3j";
    let batch = envelope(json!([
        {"type": 4, "timestamp": 1, "data": {"href": format!("https://a.test/reset/{hex}"), "width": 1, "height": 1}},
        {"type": 3, "timestamp": 2, "data": {"source": 0, "texts": [], "removes": [], "adds": [],
            "attributes": [{"id": 5, "attributes": {"href": format!("/invite/{b64}/accept"), "src": format!("https://cdn.test/{hex}.png")}}]}},
        {"type": 6, "timestamp": 3, "data": {"plugin": "rrweb/console@1", "payload": {"level": "error",
            "payload": [format!("GET https://api.test/v1/keys/{b64} failed")], "trace": []}}},
    ]));
    let out = run(&batch, &on());
    let text = out.to_string();
    assert!(!text.contains(hex) && !text.contains(b64), "{text}");
    let events = &out["events"];
    assert_eq!(events[0]["data"]["href"], "https://a.test/reset/[REDACTED:token]");
    assert_eq!(events[1]["data"]["attributes"][0]["attributes"]["href"], "/invite/[REDACTED:token]/accept");
    assert_eq!(events[1]["data"]["attributes"][0]["attributes"]["src"], "https://cdn.test/[REDACTED:token]");
    assert_eq!(events[2]["data"]["payload"]["payload"][0], "GET https://api.test/v1/keys/[REDACTED:token] failed");
}

#[test]
fn typed_prefixes_in_input_events_are_redacted() {
    let input = |text: &str| json!({"type": 3, "timestamp": 1, "data": {"source": 5, "id": 7, "text": text, "isChecked": false}});
    let typed = ["jane.doe@", "jane.doe@exa", "jane.doe@example.c", "4111 1111 1", "411111111111"];
    let kept = ["hello", "@handle", "4111", "2026-11-21"];
    let events: Vec<Value> = typed.iter().chain(&kept).map(|t| input(t)).collect();
    let out = run(&envelope(Value::Array(events)), &on());
    let texts: Vec<&str> =
        out["events"].as_array().unwrap().iter().map(|e| e["data"]["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts[..typed.len()],
        ["[REDACTED:email]", "[REDACTED:email]", "[REDACTED:email]", "[REDACTED:card]", "[REDACTED:card]"]
    );
    assert_eq!(texts[typed.len()..], kept);
    // The same text elsewhere is not an input value: kept.
    let custom = json!({"type": 5, "timestamp": 1, "data": {"tag": "t", "payload": {"text": "price@10", "source": 5}}});
    assert_eq!(run(&envelope(json!([custom.clone()])), &on())["events"][0], custom);
    // Only Input events whose value may be a typed prefix are decoded.
    assert!(typed_prefix_candidate(r#"{"type":3,"data":{"source":5,"text": "jane@exa","id":7}}"#));
    assert!(typed_prefix_candidate(r#"{"type":3,"data":{"source":5,"text":"jane\u0040exa","id":7}}"#));
    assert!(!typed_prefix_candidate(r#"{"type":3,"data":{"source":5,"text":"hello","id":7}}"#));
    assert!(!typed_prefix_candidate(r#"{"type":3,"data":{"source":2,"text":"jane@exa"}}"#));
    // The fixtures type emails and cards into unmasked inputs: those prefixes are decoded, the
    // other Input events are not.
    let events = fixture_events();
    let inputs = events.iter().filter(|e| Shape::of(e).input_source).count();
    let decoded = events.iter().filter(|e| typed_prefix_candidate(e)).count();
    assert!(decoded > 0 && decoded * 4 < inputs, "{decoded} of {inputs} Input events decoded for typed prefixes");
}

#[test]
fn css_urls_lose_their_query() {
    let rule = ".a{background:url(\"https://cdn.test/a.png?token=tY7uI9oPzX\")}";
    let clean = ".a{background:url(\"https://cdn.test/a.png\")}";
    let style = |text: &str| json!({"type": 2, "id": 5, "tagName": "style", "attributes": {}, "childNodes": [{"type": 3, "id": 6, "textContent": text}]});
    let batch = envelope(json!([
        {"type": 2, "timestamp": 1, "data": {"node": {"type": 0, "id": 1, "childNodes": [style(rule)]}, "initialOffset": {"top": 0, "left": 0}}},
        {"type": 3, "timestamp": 2, "data": {"source": 0, "texts": [], "removes": [], "adds": [],
            "attributes": [{"id": 5, "attributes": {"style": "background: URL(/b.png?t=tY7uI9oPzX)", "_cssText": rule}}]}},
        {"type": 3, "timestamp": 3, "data": {"source": 8, "id": 5, "adds": [{"rule": rule, "index": 0}]}},
        {"type": 3, "timestamp": 4, "data": {"source": 13, "id": 5, "index": [0], "set": {"property": "background", "value": "url(https://cdn.test/a.png?token=tY7uI9oPzX)"}}},
        {"type": 3, "timestamp": 5, "data": {"source": 15, "id": 1, "styleIds": [1], "styles": [{"styleId": 1, "rules": [{"rule": rule, "index": 0}]}]}},
    ]));
    let out = run(&batch, &on());
    assert!(!out.to_string().contains("tY7uI9oPzX"), "{out}");
    let e = &out["events"];
    assert_eq!(e[0]["data"]["node"]["childNodes"][0]["childNodes"][0]["textContent"], clean);
    assert_eq!(e[1]["data"]["attributes"][0]["attributes"]["style"], "background: URL(/b.png)");
    assert_eq!(e[2]["data"]["adds"][0]["rule"], clean);
    assert_eq!(e[3]["data"]["set"]["value"], "url(https://cdn.test/a.png)");
    assert_eq!(e[4]["data"]["styles"][0]["rules"][0]["rule"], clean);
    // CSS without a query is not touched.
    let plain = envelope(
        json!([{"type": 3, "timestamp": 1, "data": {"source": 8, "id": 5, "adds": [{"rule": "a{background:url(/a.png)}", "index": 0}]}}]),
    );
    assert_eq!(run(&plain, &on())["events"], plain["events"]);
}

/// Found by the `ingest_roundtrip` fuzz target: a structural event's number that passes the card
/// checks (this timestamp is a Luhn-valid 13-digit number starting with 3) stays a number, so the
/// redacted batch still reads back; the same number in a custom event's payload is redacted.
#[test]
fn numbers_of_structural_events_are_kept_and_payload_numbers_redacted() {
    let events = json!([
        {"type": 3, "timestamp": 3_593_188_664_826_i64, "data": {"source": 2, "type": 0, "id": 38, "x": 471.19, "y": 239.37}},
        {"type": 5, "timestamp": 5, "data": {"tag": "t", "payload": {"n": 3_593_188_664_826_i64, "pin": 1234}}},
    ]);
    let out = run(&envelope(events), &on());
    assert_eq!(out["events"][0]["timestamp"], 3_593_188_664_826_i64);
    assert_eq!(out["events"][0]["data"]["id"], 38);
    assert_eq!(out["events"][1]["data"]["payload"]["n"], "[REDACTED:card]");
    assert_eq!(out["events"][1]["data"]["payload"]["pin"], "[REDACTED:secret]");
    let text = serde_json::to_vec(&out["events"]).unwrap();
    assert_eq!(rewind::codec::decode(&text).map(|r| r.events.len()).ok(), Some(2), "reads back");
}

#[test]
fn the_scan_classes_keys_once_whatever_their_spelling() {
    let shape = Shape::of(r#"{"type":2,"data":{"attributes":{"HREF":"/a","class":"x"}}}"#);
    assert!(shape.url_key && !shape.secret_key);
    let shape = Shape::of(r#"{"type":5,"data":{"payload":{"api\u005fToken":"t","srcset":"/a.png 2x"}}}"#);
    assert!(shape.url_key && shape.secret_key, "an escaped key is decoded first");
    let shape = Shape::of(r#"{"type":3,"data":{"source":1,"positions":[{"x":1,"y":2,"id":3,"timeOffset":0}]}}"#);
    assert!(!shape.url_key && !shape.secret_key);
    // A key spelled like a URL attribute inside a string value is not a key.
    assert!(!Shape::of(r#"{"text":"href: token"}"#).url_key);
    for key in super::scan::STRUCTURAL_KEYS {
        let class = super::scan::classify(key);
        assert!(!class.secret && !class.url, "{key} is classed without the map");
    }
    // The Input source, as a number only.
    assert!(Shape::of(r#"{"type":3,"data":{"source" : 5,"text":"a","id":3}}"#).input_source);
    for other in [r#"{"data":{"source":55}}"#, r#"{"data":{"source":"5"}}"#, r#"{"data":{"source":2,"x":5}}"#] {
        assert!(!Shape::of(other).input_source, "{other}");
    }
}
