//! `rewind serve --store s3://…` against a real S3-compatible server: moto's
//! (`pip install 'moto[server]'`), run on 127.0.0.1. Two collectors share one bucket and one
//! PostgreSQL index (`--index postgres://…`, a server the test starts: serve/postgres.rs).
//!
//! Runs when `moto_server` is on `PATH` or `REWIND_MOTO_SERVER` names it, and PostgreSQL is
//! installed; otherwise the test prints that it was skipped and passes.

#[path = "serve/harness.rs"]
mod harness;
#[path = "serve/moto.rs"]
mod moto;
#[path = "serve/postgres.rs"]
mod postgres;

use harness::*;
use moto::{moto_server, set_aws_env, start_moto, BUCKET, SKIP};
use serde_json::json;

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
async fn two_collectors_share_an_s3_bucket_and_a_postgres_index() {
    let Some(program) = moto_server() else {
        eprintln!("{SKIP}");
        return;
    };
    let Some((_moto, endpoint)) = start_moto(&program).await else {
        eprintln!("{SKIP}: {program} exited");
        return;
    };
    let pg = match postgres::Postgres::start() {
        Ok(pg) => pg,
        Err(skip) => {
            eprintln!("{skip}");
            return;
        }
    };
    // The collector reads AWS_* from its environment, which the children inherit.
    set_aws_env();
    let store = format!("s3://{BUCKET}/replays");
    let flags = [
        "--store",
        store.as_str(),
        "--s3-endpoint",
        endpoint.as_str(),
        "--rate-limit",
        "0",
        "--index",
        pg.url.as_str(),
        "--analysis-idle-secs",
        "0",
    ];
    let a = Server::start(&flags);
    let b = Server::start(&flags);
    assert!(a.banner.contains("s3://rewind-test/replays"), "{}", a.banner);
    assert!(a.banner.contains("index       postgres://127.0.0.1:"), "{}", a.banner);

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
    // Either collector's worker analyses the session once it is idle, and both see the result.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let list = b.list("").await;
        if list["sessions"][0]["analysis_pending"] == false {
            assert_eq!(list["sessions"][0]["n_pages"], 1, "{list}");
            assert_eq!(list["sessions"][0]["analysis_note"], serde_json::Value::Null, "{list}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never analysed: {list}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(a.list("url=checkout").await["total"], 1, "pages are shared");

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
