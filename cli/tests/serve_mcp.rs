//! The MCP server through a real MCP client: the official Python SDK (`mcp`, installed by
//! scripts/setup.sh) drives the real `rewind serve` over Streamable HTTP (`/v1/mcp`) and the
//! real `rewind mcp` over stdio (`cli/tests/serve/mcp_client.py` has the assertions: every
//! tool with its paging, the keys, redaction, no raw events). Stored unredacted
//! (`--no-server-redaction`), with PII typed into unmasked fields, in the user id and in a page
//! URL, so what the tools return is redacted by the MCP server itself.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

/// The sessions the client test expects: (id, fixture, user).
const SESSIONS: [(&str, &str, Option<&str>); 5] = [
    ("mcp-login", "login-form", Some("jane.doe@example.com")),
    ("mcp-signup", "hesitant-signup", Some("u-signup")),
    ("mcp-dead", "dead-button", Some("u-cart")),
    ("mcp-errors", "console-error", Some("u-reports")),
    ("mcp-spa", "spa-navigation", None),
];

async fn ingest_all(server: &Server) {
    for (id, fixture, user) in SESSIONS {
        let mut events = fixture_events(fixture);
        if id == "mcp-login" {
            // PII in the page URL's query, as a careless app puts it there.
            let href = events[0]["data"]["href"].as_str().unwrap().to_string();
            events[0]["data"]["href"] = json!(format!("{href}?email=jane.doe%40example.com&card=4111111111111111"));
        }
        let (first, rest) = events.split_at(events.len() / 2);
        for (seq, part) in [first, rest].into_iter().enumerate() {
            let mut body = batch(id, seq as u64, part);
            if let Some(user) = user {
                body["distinct_id"] = json!(user);
            }
            let (status, answer) = server.ingest(&body).await;
            assert_eq!(status, 200, "{id}: {answer}");
        }
    }
    // The background analysis fills the index's signal counts (has=rage etc.).
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let list = server.list("").await;
        let sessions = list["sessions"].as_array().unwrap();
        if sessions.len() == SESSIONS.len() && sessions.iter().all(|s| s["analysis_pending"] == json!(false)) {
            break;
        }
        assert!(Instant::now() < deadline, "analysis did not finish: {list}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_through_the_python_sdk_over_http_and_stdio() {
    let server = Server::start(&["--no-server-redaction", "--analysis-idle-secs", "0"]);
    ingest_all(&server).await;

    // Without a key, with an unknown one and with a public key, before the MCP layer.
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let post = |key: Option<&str>| {
        let mut request = server
            .http
            .post(format!("{}/v1/mcp", server.url))
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(init.to_string());
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    assert_eq!(post(None).await.unwrap().status(), 401);
    assert_eq!(post(Some("wrong-key-wrong-key-0")).await.unwrap().status(), 401);
    assert_eq!(post(Some(PUBLIC)).await.unwrap().status(), 403);
    let ok = post(Some(READ)).await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = serde_json::from_str(&ok.text().await.unwrap()).unwrap();
    assert_eq!(body["result"]["serverInfo"]["name"], "rewind", "{body}");
    // A browser page may not use the key (Origin present).
    let from_page = server
        .http
        .post(format!("{}/v1/mcp", server.url))
        .header("Accept", "application/json, text/event-stream")
        .header("Origin", "https://evil.example")
        .bearer_auth(READ)
        .header("Content-Type", "application/json")
        .body(init.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(from_page.status(), 403);

    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/mcp_client.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["--url", &server.url, "--rewind", env!("CARGO_BIN_EXE_rewind")])
        .env("REWIND_READ_KEY", READ)
        .env_remove("REWIND_COLLECTOR")
        .output()
        .expect("python3 runs (scripts/setup.sh installs the mcp package)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "MCP client test failed\nstdout:\n{stdout}\nstderr:\n{stderr}\nserver log:\n{}",
        server.log()
    );
    assert!(stdout.contains("mcp client: all checks passed over http and stdio"), "{stdout}");
    // `rewind mcp` with a wrong key: one line, exit 2, before it serves anything.
    let refused = Command::new(env!("CARGO_BIN_EXE_rewind"))
        .args(["mcp", "--collector", &server.url])
        .env("REWIND_READ_KEY", "wrong-key-wrong-key-0")
        .output()
        .unwrap();
    let why = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{why}");
    assert!(why.contains("401") && why.lines().count() == 1 && !why.contains("wrong-key"), "{why}");
    assert!(refused.stdout.is_empty(), "nothing but MCP messages on stdout");
    // The key never reaches the server's log or the proxy's stderr.
    assert!(!server.log().contains(READ) && !stderr.contains(READ), "the read key was logged");
}

#[test]
fn rewind_mcp_refuses_without_a_collector_or_a_key() {
    let run = |args: &[&str], key: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rewind"));
        command.arg("mcp").args(args).env_remove("REWIND_COLLECTOR").env_remove("REWIND_READ_KEY");
        if let Some(key) = key {
            command.env("REWIND_READ_KEY", key);
        }
        let output = command.output().unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (code, err) = run(&[], Some(READ));
    assert_eq!(code, Some(2));
    assert!(err.contains("--collector"), "{err}");
    let (code, err) = run(&["--collector", "http://127.0.0.1:9"], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("REWIND_READ_KEY"), "{err}");
    let (code, err) = run(&["--collector", "http://user:pw@127.0.0.1:9"], Some(READ));
    assert_eq!(code, Some(2));
    assert!(err.contains("user name or password"), "{err}");
    // Nothing listening: one line, exit 2, no key in it; over https too (the TLS client starts).
    for collector in ["http://127.0.0.1:9", "https://127.0.0.1:9"] {
        let (code, err) = run(&["--collector", collector], Some(READ));
        assert_eq!(code, Some(2));
        assert!(err.contains("cannot connect") && !err.contains(READ), "{collector}: {err}");
    }
}
