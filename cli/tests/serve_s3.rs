//! `rewind serve --store s3://…` against a real S3-compatible server: moto's
//! (`pip install 'moto[server]'`), run on 127.0.0.1. Two collectors share one bucket.
//!
//! Runs when `moto_server` is on `PATH` or `REWIND_MOTO_SERVER` names it; otherwise the test
//! prints that it was skipped and passes.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BUCKET: &str = "rewind-test";

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto_server() -> Option<String> {
    if let Ok(path) = std::env::var("REWIND_MOTO_SERVER") {
        return Some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("moto_server")).find(|p| p.is_file()).map(|p| p.display().to_string())
}

/// Starts moto on a free port and creates the bucket; returns the endpoint URL, or `None` when
/// `program` exits at once (e.g. a pyenv shim for a Python without moto).
async fn start_moto(program: &str) -> Option<(Moto, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut moto = Moto(child);
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // moto does not check signatures: a plain PUT creates the bucket.
        if let Ok(response) = http.put(format!("{endpoint}/{BUCKET}")).send().await {
            assert!(response.status().is_success(), "create bucket: {}", response.status());
            return Some((moto, endpoint));
        }
        if moto.0.try_wait().ok().flatten().is_some() {
            return None;
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends batches `order` of the session to `server`; returns how many it stored.
async fn send(server: &Server, chunks: &[Vec<serde_json::Value>], order: Vec<usize>) -> usize {
    let mut stored = 0;
    for seq in order {
        let (status, answer) = server.ingest(&batch("s3-session", seq as u64, &chunks[seq])).await;
        assert_eq!(status, 200, "{answer}");
        stored += usize::from(answer["stored"] == true);
    }
    stored
}

#[tokio::test]
async fn two_collectors_share_an_s3_bucket() {
    let skip = "skipped: moto_server not found (pip install 'moto[server]', or set REWIND_MOTO_SERVER)";
    let Some(program) = moto_server() else {
        eprintln!("{skip}");
        return;
    };
    let Some((_moto, endpoint)) = start_moto(&program).await else {
        eprintln!("{skip}: {program} exited");
        return;
    };
    // The collector reads AWS_* from its environment, which the children inherit.
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    std::env::set_var("AWS_REGION", "us-east-1");
    let store = format!("s3://{BUCKET}/replays");
    let flags = ["--store", store.as_str(), "--s3-endpoint", endpoint.as_str(), "--rate-limit", "0"];
    let a = Server::start(&flags);
    let b = Server::start(&flags);
    assert!(a.banner.contains("s3://rewind-test/replays"), "{}", a.banner);

    // Both collectors receive batches of the same session at the same time, and every batch
    // is sent to both: each is stored once, and the shared index counts every batch once.
    let events = fixture_events("checkout-dynamic");
    let chunks: Vec<Vec<serde_json::Value>> = events.chunks(10).map(<[_]>::to_vec).collect();
    let n = chunks.len();
    let (from_a, from_b) = tokio::join!(send(&a, &chunks, (0..n).collect()), send(&b, &chunks, (0..n).rev().collect()));
    assert_eq!(from_a + from_b, n, "each batch stored by exactly one collector");
    a.assert_nothing_stored("S3 mode: nothing in the local data directory");

    for server in [&a, &b] {
        let (status, list) = server.get("/v1/sessions", READ).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["total"], 1);
        assert_eq!(list["sessions"][0]["n_batches"], n);
        assert_eq!(list["sessions"][0]["n_events"], events.len());
        assert_eq!(list["sessions"][0]["missing_batches"], 0);
    }
    let (_, full) = b.get("/v1/sessions/s3-session", READ).await;
    assert_eq!(full["events"], json!(events));
    let (status, analysis) = a.get("/v1/sessions/s3-session/analysis", READ).await;
    assert_eq!(status, 200, "{analysis}");
    assert!(!analysis["actions"].as_array().unwrap().is_empty());

    let (status, deleted) = a.delete("/v1/sessions/s3-session", ADMIN).await;
    assert_eq!((status, deleted["batches"].clone()), (200, json!(n)));
    assert_eq!(b.get("/v1/sessions", READ).await.1["total"], 0, "the other collector sees the delete");
    assert_eq!(b.get("/v1/sessions/s3-session", READ).await.0, 404);
}
