//! Share links against the real `rewind serve` (127.0.0.1, real HTTP, real files): the secret
//! generated once into the data directory (0600) and reused across restarts, rotation with
//! `--share-secret-file` revoking every link, and neither a token nor the secret in anything
//! the collector prints. What a token opens and every refusal are in
//! `collector/tests/share.rs` (in-process).

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};

/// POST /v1/sessions/{id}/share with `key`; status and JSON answer.
async fn share(server: &Server, id: &str, key: &str, body: Value) -> (u16, Value) {
    let response = server
        .http
        .post(format!("{}/v1/sessions/{id}/share", server.url))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("share request");
    status_json(response).await
}

#[tokio::test]
async fn the_secret_is_generated_once_reused_and_rotating_it_revokes_links() {
    let server = Server::start(&[]);
    assert!(server.banner.contains("share links POST"), "{}", server.banner);
    assert!(server.banner.contains("secret generated into"), "{}", server.banner);
    let secret_path = server.data.join(SHARE_SECRET_FILE);
    let secret = std::fs::read_to_string(&secret_path).expect("the secret file");
    assert_eq!(secret.trim().len(), 64, "32 random bytes as hex");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&secret_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    let events = fixture_events("login-form");
    assert_eq!(server.ingest(&batch("sess-shared", 0, &events)).await.0, 200);
    assert_eq!(server.ingest(&batch("sess-private", 0, &events)).await.0, 200);
    let (status, answer) = share(&server, "sess-shared", READ, json!({"ttl_s": 600, "t": 3})).await;
    assert_eq!(status, 200, "{answer}");
    let raw = answer["token"].as_str().unwrap().to_string();
    let url = answer["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/#share={raw}&t=3", server.url), "the viewer of this collector");
    let token = format!("share.{raw}");

    let (status, session) = server.get("/v1/sessions/sess-shared", &token).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["events"].as_array().map(Vec::len), Some(events.len()));
    assert_eq!(server.get("/v1/sessions/sess-shared/analysis", &token).await.0, 200);
    assert_eq!(server.get("/v1/sessions/sess-private", &token).await.0, 403);
    assert_eq!(server.get("/v1/sessions", &token).await.0, 403);
    assert_eq!(server.post(gzip(b"{}"), Some(&token), true).await.status(), 403);

    // Restart over the same data directory: the same secret, so the link still works.
    let banner = server.banner.clone();
    let log = server.log();
    let root = server.stop();
    let server = Server::start_in(root, &[]);
    assert_eq!(std::fs::read_to_string(&secret_path).unwrap(), secret, "reused, not regenerated");
    assert!(server.banner.contains(&format!("secret from {}", secret_path.display())), "{}", server.banner);
    assert_eq!(server.get("/v1/sessions/sess-shared", &token).await.0, 200);

    // Rotation: another secret from a file; every earlier link is refused.
    let rotated_file = server.root.path().join("rotated-secret");
    std::fs::write(&rotated_file, "another-share-secret-for-rotation-0123456789\n").unwrap();
    let rotated_arg = rotated_file.to_str().unwrap().to_string();
    let banner2 = server.banner.clone();
    let log2 = server.log();
    let root = server.stop();
    let server = Server::start_in(root, &["--share-secret-file", &rotated_arg]);
    let (status, body) = server.get("/v1/sessions/sess-shared", &token).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"].as_str().unwrap().contains("revoked"), "{body}");
    let (status, answer) = share(&server, "sess-shared", READ, json!({})).await;
    assert_eq!(status, 200, "{answer}");
    let fresh = format!("share.{}", answer["token"].as_str().unwrap());
    assert_eq!(server.get("/v1/sessions/sess-shared", &fresh).await.0, 200);

    // A short secret is refused at start, with the flag named.
    let short = server.root.path().join("short-secret");
    std::fs::write(&short, "too-short").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(server.root.path().join("other-data"))
        .arg("--share-secret-file")
        .arg(&short)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--share-secret-file") && stderr.contains("shorter than 32"), "{stderr}");
    assert!(!stderr.contains("too-short"), "the secret is not echoed: {stderr}");

    // Nothing the collector printed, on any start, holds a token or a secret.
    let printed = [banner, log, banner2, log2, server.banner.clone(), server.log()].join("\n");
    assert!(!printed.is_empty());
    for secret_text in [raw.as_str(), &fresh[6..], secret.trim(), "another-share-secret-for-rotation"] {
        assert!(!printed.contains(secret_text), "printed: {secret_text}\n{printed}");
    }
}
