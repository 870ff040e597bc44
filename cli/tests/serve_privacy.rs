//! `rewind serve`'s second line of defence, end to end (the real binary on 127.0.0.1, real
//! HTTP, real files): server-side redaction of what an old or hostile SDK sends in clear, the
//! stored-string cap, the `seq` cap and the `/metrics` key.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::io::Read;

/// The secrets a hostile SDK sends in clear.
const EMAIL: &str = "zelda.quokka@hyrulemoon.org";
/// A Luhn-valid Visa number, as typed.
const CARD: &str = "4539 1488 0343 6467";
/// Event times: 2023-11-14, whose digits share no 6-digit run with the card.
const T0: i64 = 1_700_000_000_000;

/// Every form of the secrets that must not be stored: each secret, the card's digits, the
/// percent-encoded forms (as a URL query carries them), and every 6-character piece of these.
fn forbidden() -> Vec<String> {
    let digits: String = CARD.chars().filter(char::is_ascii_digit).collect();
    let forms = [EMAIL.to_string(), EMAIL.replace('@', "%40"), CARD.to_string(), CARD.replace(' ', "%20"), digits];
    let mut out: Vec<String> = forms.to_vec();
    for form in &forms {
        let chars: Vec<char> = form.chars().collect();
        out.extend(chars.windows(6).map(|w| w.iter().collect::<String>()));
    }
    out.sort();
    out.dedup();
    out
}

/// Asserts that no forbidden form is in `text` (named `what` in the failure).
fn assert_clean(what: &str, text: &str) {
    for secret in forbidden() {
        assert!(!text.contains(&secret), "{what} holds {secret:?}:\n{text}");
    }
}

/// Raw events as an SDK without privacy rules records them: the secrets in the page URL, text
/// nodes, attributes, a Mutation, input values, a custom event and console output.
fn leaky_events() -> Vec<Value> {
    let pct_email = EMAIL.replace('@', "%40");
    let digits: String = CARD.chars().filter(char::is_ascii_digit).collect();
    let pct_card = CARD.replace(' ', "%20");
    let node = |id: u64, tag: &str, attributes: Value, children: Value| json!({"type": 2, "id": id, "tagName": tag, "attributes": attributes, "childNodes": children});
    let text = |id: u64, text: String| json!({"type": 3, "id": id, "textContent": text});
    let body = node(
        3,
        "body",
        json!({}),
        json!([
            text(4, format!("Welcome back {EMAIL}, card {CARD}")),
            node(
                5,
                "a",
                json!({
                    "href": format!("https://shop.test/account?email={pct_email}&card={pct_card}#{digits}"),
                    "title": format!("Signed in as {EMAIL}"),
                    "data-card": digits,
                    "srcset": format!("/avatar.png?u={pct_email} 1x, https://cdn.test/a.png?c={digits} 2x"),
                }),
                json!([text(6, format!("Pay with {digits}"))]),
            ),
            node(7, "input", json!({"type": "text", "value": EMAIL}), json!([])),
        ]),
    );
    let html = node(2, "html", json!({}), json!([body]));
    vec![
        json!({"type": 4, "timestamp": T0, "data": {
            "href": format!("https://shop.test/checkout?email={pct_email}&card={digits}#card={pct_card}"),
            "width": 1280, "height": 720}}),
        json!({"type": 2, "timestamp": T0 + 1, "data": {
            "node": {"type": 0, "id": 1, "childNodes": [html]}, "initialOffset": {"top": 0, "left": 0}}}),
        json!({"type": 3, "timestamp": T0 + 2, "data": {"source": 0,
            "texts": [{"id": 4, "value": format!("Receipt sent to {EMAIL}")}],
            "attributes": [{"id": 5, "attributes": {"href": format!("/receipt?to={pct_email}"), "data-note": CARD}}],
            "removes": [],
            "adds": [{"parentId": 3, "nextId": null, "node": {"type": 3, "id": 8, "textContent": format!("Card {digits} saved")}}]}}),
        json!({"type": 3, "timestamp": T0 + 3, "data": {"source": 5, "id": 7, "text": EMAIL, "isChecked": false}}),
        json!({"type": 3, "timestamp": T0 + 4, "data": {"source": 5, "id": 7, "text": CARD, "isChecked": false}}),
        json!({"type": 5, "timestamp": T0 + 5, "data": {"tag": "checkout", "payload": {
            "user": EMAIL, "card": CARD, "cardNumber": digits, "nested": [{"note": format!("mail {EMAIL}")}]}}}),
        json!({"type": 6, "timestamp": T0 + 6, "data": {"plugin": "rrweb/console@1", "payload": {
            "level": "error",
            "payload": [format!("\"charge failed for {EMAIL} with {CARD}\"")],
            "trace": [format!("at pay (https://shop.test/app.js?email={pct_email}&card={digits}:70:13)")]}}}),
    ]
}

/// Everything stored under the data directory, batch files decompressed, as one text.
fn stored_text(server: &Server) -> String {
    let mut all = String::new();
    for file in server.files() {
        let bytes = std::fs::read(server.data.join(&file)).unwrap();
        if file.ends_with(".gz") {
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
            all.push_str(&text);
        } else {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
        all.push('\n');
    }
    all
}

/// Every read-API answer about the stored sessions, as one text.
async fn read_api_text(server: &Server, session_id: &str) -> String {
    let mut all = String::new();
    for path in [
        "/v1/sessions".to_string(),
        format!("/v1/sessions?user={}", EMAIL.replace('@', "%40")),
        format!("/v1/sessions/{session_id}"),
        format!("/v1/sessions/{session_id}/analysis"),
    ] {
        let (status, body) = server.get(&path, READ).await;
        assert_eq!(status, 200, "{path}: {body}");
        all.push_str(&body.to_string());
        all.push('\n');
    }
    all
}

/// Posts the leaky session: batch 0 gzip'd, batch 1 uncompressed (a keepalive batch), with the
/// email as `distinct_id` and in a field the envelope does not define.
async fn post_leaky_session(server: &Server, session_id: &str) {
    let events = leaky_events();
    let (first, second) = events.split_at(3);
    for (seq, part) in [first, second].into_iter().enumerate() {
        let mut b = batch(session_id, seq as u64, part);
        b["distinct_id"] = json!(EMAIL);
        b["extra"] = json!({"contact": EMAIL});
        let json = serde_json::to_vec(&b).unwrap();
        let (status, body) = if seq == 0 {
            server.send(gzip(&json)).await
        } else {
            status_json(server.post(json, Some(PUBLIC), false).await).await
        };
        assert_eq!((status, &body["stored"]), (200, &json!(true)), "batch {seq}: {body}");
    }
}

#[tokio::test]
async fn raw_pii_from_a_hostile_sdk_is_redacted_before_it_is_stored() {
    let server = Server::start(&[]);
    assert!(server.banner.contains("redaction   on"), "{}", server.banner);
    post_leaky_session(&server, "hostile-1").await;

    assert_eq!(server.batch_files().len(), 2);
    let stored = stored_text(&server);
    assert_clean("the stored files", &stored);
    assert_clean("the read API", &read_api_text(&server, "hostile-1").await);

    // What replaced them, and what was kept: structure, ordinary text, URL paths.
    let (_, session) = server.get("/v1/sessions/hostile-1", READ).await;
    let events = session["events"].as_array().unwrap();
    assert_eq!(events.len(), leaky_events().len(), "every event is kept");
    assert_eq!(events[0]["data"]["href"], "https://shop.test/checkout");
    assert_eq!(session["session"]["entry_url"], "https://shop.test/checkout", "the index has the stripped URL");
    assert_eq!(session["session"]["distinct_id"], "[REDACTED:email]");
    let body = &events[1]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"];
    assert_eq!(body[0]["textContent"], "Welcome back [REDACTED:email], card [REDACTED:card]");
    assert_eq!(body[1]["attributes"]["href"], "https://shop.test/account");
    assert_eq!(body[1]["attributes"]["srcset"], "/avatar.png 1x, https://cdn.test/a.png 2x");
    assert_eq!(body[1]["attributes"]["title"], "Signed in as [REDACTED:email]", "redacted, not masked");
    assert_eq!(events[4]["data"]["text"], "[REDACTED:card]");
    assert_eq!(events[5]["data"]["tag"], "checkout");
    assert_eq!(events[6]["data"]["payload"]["trace"][0], "at pay (https://shop.test/app.js:70:13)");
    assert!(stored.contains("\"extra\":{\"contact\":\"[REDACTED:email]\"}"), "{stored}");
    // The same user (by the redacted id) is still one filter value.
    let (_, by_user) = server.get("/v1/sessions?user=%5BREDACTED:email%5D", READ).await;
    assert_eq!(by_user["total"], 1, "{by_user}");
}

#[tokio::test]
async fn no_server_redaction_stores_batches_as_sent() {
    let server = Server::start(&["--no-server-redaction"]);
    assert!(server.banner.contains("redaction   off"), "{}", server.banner);
    post_leaky_session(&server, "raw-1").await;
    let stored = stored_text(&server);
    let digits: String = CARD.chars().filter(char::is_ascii_digit).collect();
    for secret in [EMAIL, CARD, &digits, &EMAIL.replace('@', "%40")] {
        assert!(stored.contains(secret), "{secret} was sent and should be stored as sent");
    }
    let (_, session) = server.get("/v1/sessions/raw-1", READ).await;
    assert_eq!(session["session"]["distinct_id"], EMAIL);
    assert_eq!(session["events"][3]["data"]["text"], EMAIL);
    assert_eq!(session["events"], Value::Array(leaky_events()), "every event exactly as sent");
}

#[tokio::test]
async fn long_strings_are_stored_cut_with_a_marker() {
    // The default cap: 16,384 bytes.
    let server = Server::start(&[]);
    let long = "x".repeat(20_000);
    let event = json!({"type": 5, "timestamp": T0, "data": {"tag": "dump", "payload": long}});
    assert_eq!(server.ingest(&batch("long-1", 0, std::slice::from_ref(&event))).await.0, 200);
    let (_, session) = server.get("/v1/sessions/long-1", READ).await;
    assert_eq!(session["events"][0]["data"]["payload"], format!("{}…[TRUNCATED:20000 bytes]", "x".repeat(16_384)));
    assert_eq!(session["events"][0]["data"]["tag"], "dump");
    drop(server);

    // Set by flag, with redaction off too; a string at the cap is kept whole.
    let server = Server::start(&["--max-stored-string-bytes", "64", "--no-server-redaction"]);
    assert!(server.banner.contains("64 bytes at most"), "{}", server.banner);
    let events = [
        json!({"type": 3, "timestamp": T0, "data": {"source": 5, "id": 1, "text": "y".repeat(64), "isChecked": false}}),
        event,
    ];
    assert_eq!(server.ingest(&batch("long-2", 0, &events)).await.0, 200);
    let (_, session) = server.get("/v1/sessions/long-2", READ).await;
    assert_eq!(session["events"][0]["data"]["text"], "y".repeat(64));
    assert_eq!(session["events"][1]["data"]["payload"], format!("{}…[TRUNCATED:20000 bytes]", "x".repeat(64)));
    assert!(!stored_text(&server).contains(&"x".repeat(65)));
}

#[tokio::test]
async fn batches_past_max_seq_are_refused_with_413() {
    let server = Server::start(&[]);
    assert_eq!(server.ingest(&batch("long-session", 720, &small_events(2, T0))).await.0, 200, "720 is the last");
    let (status, body) = server.ingest(&batch("seq-721", 721, &small_events(2, T0))).await;
    assert_eq!(status, 413, "{body}");
    let reason = body["error"].as_str().unwrap();
    assert!(reason.contains("seq 721") && reason.contains("--max-seq"), "{reason}");
    assert!(server.files().iter().all(|f| !f.contains("seq-721")), "nothing stored: {:?}", server.files());
    drop(server);

    let server = Server::start(&["--max-seq", "3"]);
    assert_eq!(server.ingest(&batch("short", 3, &small_events(1, T0))).await.0, 200);
    assert_eq!(server.ingest(&batch("short", 4, &small_events(1, T0))).await.0, 413);
    assert_eq!(server.batch_files().len(), 1);
    assert!(server.metrics().await.contains("rewind_ingest_rejected_total{reason=\"seq_too_high\"} 1\n"));
}

#[tokio::test]
async fn an_event_too_deep_to_redact_is_refused() {
    let server = Server::start(&[]);
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let body = format!(
        r#"{{"session_id":"deep","seq":0,"events":[{{"type":5,"timestamp":{T0},"data":{{"tag":"t","payload":{deep}}}}}]}}"#
    );
    let (status, answer) = server.send(gzip(body.as_bytes())).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("event 0 nests deeper than"), "{answer}");
    server.assert_nothing_stored("a too-deep event");
    // Without redaction (and under the string cap) the collector does not decode it.
    let server = Server::start(&["--no-server-redaction", "--max-stored-string-bytes", "0"]);
    assert_eq!(server.send(gzip(body.as_bytes())).await.0, 200);
}

#[tokio::test]
async fn metrics_need_a_read_key_unless_public() {
    let server = Server::start(&[]);
    let url = format!("{}/metrics", server.url);
    assert_eq!(server.http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(server.http.get(&url).header("X-Rewind-Key", PUBLIC).send().await.unwrap().status(), 403);
    assert_eq!(server.http.get(&url).bearer_auth(ADMIN).send().await.unwrap().status(), 200);
    assert!(server.metrics().await.contains("rewind_ingest_batches_total"));
    assert!(server.banner.contains("(read or admin key)"), "{}", server.banner);
    drop(server);

    let server = Server::start(&["--metrics-public"]);
    let response = server.http.get(format!("{}/metrics", server.url)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("rewind_ingest_batches_total"));
}

/// Posts `events` raw as session `id` (seq 0), checks it was stored, and returns the stored
/// files' text and the session's read-API answers.
async fn post_raw(server: &Server, id: &str, events: &[Value]) -> (String, String) {
    let (status, body) = server.ingest(&batch(id, 0, events)).await;
    assert_eq!((status, &body["stored"]), (200, &json!(true)), "{body}");
    (stored_text(server), read_api_text(server, id).await)
}

#[tokio::test]
async fn token_path_segments_from_a_hostile_sdk_are_redacted() {
    // Tokens in URL paths with no `?` or `#` anywhere in the event.
    let hex = "9f86d081884c7d659a2feaa0c55ad015";
    let b64 = "rZ8kQ2vXwNaT5nP7mYqBhF3j";
    let server = Server::start(&[]);
    let events = [
        json!({"type": 4, "timestamp": T0, "data": {"href": format!("https://shop.test/reset/{hex}"), "width": 1, "height": 1}}),
        json!({"type": 3, "timestamp": T0 + 1, "data": {"source": 0, "texts": [], "removes": [], "attributes": [],
            "adds": [{"parentId": 1, "nextId": null, "node": {"type": 2, "id": 9, "tagName": "a",
                "attributes": {"href": format!("/invite/{b64}/accept")}, "childNodes": []}}]}}),
        json!({"type": 6, "timestamp": T0 + 2, "data": {"plugin": "rrweb/console@1", "payload": {"level": "error",
            "payload": [format!("\"GET https://api.test/keys/{b64} 401\"")], "trace": []}}}),
    ];
    let (stored, api) = post_raw(&server, "tokens-1", &events).await;
    for (what, text) in [("the stored files", &stored), ("the read API", &api)] {
        for token in [hex, b64] {
            for piece in token.as_bytes().windows(6) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!text.contains(piece), "{what} holds {piece:?} of {token}:\n{text}");
            }
        }
    }
    let (_, session) = server.get("/v1/sessions/tokens-1", READ).await;
    assert_eq!(session["events"][0]["data"]["href"], "https://shop.test/reset/[REDACTED:token]");
    assert_eq!(
        session["events"][1]["data"]["adds"][0]["node"]["attributes"]["href"],
        "/invite/[REDACTED:token]/accept"
    );
}

#[tokio::test]
async fn typed_prefixes_from_a_hostile_sdk_are_redacted() {
    // An SDK recording unmasked inputs: one Input event per keystroke of the email and card.
    let digits: String = CARD.chars().filter(char::is_ascii_digit).collect();
    let server = Server::start(&[]);
    let mut events = Vec::new();
    for value in [EMAIL, CARD] {
        for end in 1..=value.len() {
            let t = T0 + events.len() as i64;
            events.push(json!({"type": 3, "timestamp": t, "data": {"source": 5, "id": 7, "text": &value[..end], "isChecked": false}}));
        }
    }
    let (stored, api) = post_raw(&server, "typed-1", &events).await;
    let at = EMAIL.find('@').unwrap();
    // Past the `@`, every prefix holds the local part and must be gone; past 8 digits, the card.
    let mut secrets = vec![EMAIL[..at + 1].to_string(), digits[..9].to_string(), CARD[..11].to_string()];
    secrets.extend(EMAIL.as_bytes()[..at].windows(6).map(|w| format!("{}@", std::str::from_utf8(w).unwrap())));
    for (what, text) in [("the stored files", &stored), ("the read API", &api)] {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{what} holds {secret:?}:\n{text}");
        }
    }
    let (_, session) = server.get("/v1/sessions/typed-1", READ).await;
    let texts: Vec<&str> =
        session["events"].as_array().unwrap().iter().map(|e| e["data"]["text"].as_str().unwrap()).collect();
    assert_eq!(texts[at - 1], EMAIL[..at].to_string(), "before the @ a prefix is ordinary text");
    assert_eq!(texts[at], "[REDACTED:email]");
    assert_eq!(*texts.last().unwrap(), "[REDACTED:card]");
}

#[tokio::test]
async fn css_url_queries_from_a_hostile_sdk_are_stripped() {
    let token = "tY7uI9oPzX";
    let rule = format!(".hero{{background:url(\"https://cdn.test/hero.png?token={token}\")}}");
    let server = Server::start(&[]);
    let style = json!({"type": 2, "id": 5, "tagName": "style", "attributes": {"_cssText": &rule},
        "childNodes": [{"type": 3, "id": 6, "textContent": &rule}]});
    let events = [
        json!({"type": 4, "timestamp": T0, "data": {"href": "https://shop.test/", "width": 1, "height": 1}}),
        json!({"type": 2, "timestamp": T0 + 1, "data": {"node": {"type": 0, "id": 1, "childNodes": [
            {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [style]}]}, "initialOffset": {"top": 0, "left": 0}}}),
        json!({"type": 3, "timestamp": T0 + 2, "data": {"source": 8, "id": 5, "adds": [{"rule": &rule, "index": 1}]}}),
        json!({"type": 3, "timestamp": T0 + 3, "data": {"source": 0, "texts": [], "removes": [], "adds": [],
            "attributes": [{"id": 2, "attributes": {"style": format!("background:url(/bg.png?t={token})")}}]}}),
    ];
    let (stored, api) = post_raw(&server, "css-1", &events).await;
    for (what, text) in [("the stored files", &stored), ("the read API", &api)] {
        for piece in token.as_bytes().windows(6) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!text.contains(piece), "{what} holds {piece:?}:\n{text}");
        }
    }
    let (_, session) = server.get("/v1/sessions/css-1", READ).await;
    assert_eq!(session["events"][2]["data"]["adds"][0]["rule"], ".hero{background:url(\"https://cdn.test/hero.png\")}");
}
