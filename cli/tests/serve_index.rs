//! The session index database of `rewind serve`: the old `index/*.json` layout imported at
//! first start, and a PostgreSQL index (`--index postgres://…`) on a server the test starts
//! (serve/postgres.rs; skipped with a message when PostgreSQL is not installed).

#[path = "serve/harness.rs"]
mod harness;
#[path = "serve/postgres.rs"]
mod postgres;

use harness::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Polls the list until `session_id` is analysed; returns its entry.
async fn analysed(server: &Server, session_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = server.list("").await;
        let entry = list["sessions"].as_array().unwrap().iter().find(|s| s["session_id"] == session_id).cloned();
        if let Some(entry) = entry.filter(|e| e["analysis_pending"] == false) {
            return entry;
        }
        assert!(Instant::now() < deadline, "{session_id} never analysed: {list}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_old_json_index_is_imported_at_first_start() {
    // A data directory as collectors before the database left it: batches 0 and 2 stored,
    // `index/{id}.json` listing them (seq 1 lost), and a damaged record beside it.
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let events = fixture_events("dead-button");
    let (first, second) = events.split_at(12);
    let dir = data.join("sessions/2026/11/21/old-1");
    std::fs::create_dir_all(&dir).unwrap();
    let b0 = gzip(&serde_json::to_vec(&batch("old-1", 0, first)).unwrap());
    let b2 = gzip(&serde_json::to_vec(&batch("old-1", 2, second)).unwrap());
    std::fs::write(dir.join("0.json.gz"), &b0).unwrap();
    std::fs::write(dir.join("2.json.gz"), &b2).unwrap();
    std::fs::create_dir_all(data.join("index")).unwrap();
    let start = events[0]["timestamp"].as_i64().unwrap();
    let end = events.last().unwrap()["timestamp"].as_i64().unwrap();
    let record = json!({"session_id": "old-1", "day": "2026/11/21", "app_id": "test-app", "distinct_id": "ann",
        "sdk_version": "0.1.0", "start_time": start, "end_time": end, "first_received_at": start + 5,
        "last_received_at": end + 5, "entry_url": "http://shop.rewind.test/cart", "n_events": events.len(),
        "n_batches": 2, "n_errors": 0, "bytes": b0.len() + b2.len(), "seqs": [[0, 0], [2, 2]],
        "n_rage_clicks": 1, "rage_batches": 2});
    std::fs::write(data.join("index/old-1.json"), record.to_string()).unwrap();
    std::fs::write(data.join("index/torn.json"), &record.to_string()[..4_096.min(record.to_string().len() / 2)])
        .unwrap();

    let server = Server::start_in(root, &["--analysis-idle-secs", "0"]);
    assert!(server.log().contains("imported 1 sessions"), "{}", server.log());
    assert!(server.log().contains("index/torn.json not imported"), "{}", server.log());
    let entry = analysed(&server, "old-1").await;
    assert_eq!((entry["n_batches"].clone(), entry["missing_batches"].clone()), (json!(2), json!(1)), "{entry}");
    assert_eq!((entry["distinct_id"].clone(), entry["n_events"].clone()), (json!("ann"), json!(events.len())));
    assert_eq!(entry["n_rage_clicks"], 1, "analysed again from the stored batches: {entry}");
    assert_eq!(server.list("user=ann&url=cart").await["total"], 1);
    let (status, session) = server.get("/v1/sessions/old-1", READ).await;
    assert_eq!(status, 200);
    assert_eq!(session["events"], json!(events));
    assert_eq!(session["gaps"], json!([[1, 1]]));

    // The imported seqs are rows: a resent batch is a duplicate, the lost one is counted.
    let (status, answer) = server.ingest(&batch("old-1", 0, first)).await;
    assert_eq!((status, answer["stored"].clone()), (200, json!(false)));
    assert_eq!(server.ingest(&batch("old-1", 1, &small_events(1, end))).await.0, 200);
    let entry = server.list("user=ann").await["sessions"][0].clone();
    assert_eq!((entry["n_batches"].clone(), entry["missing_batches"].clone()), (json!(3), json!(0)), "{entry}");

    // Imported once: a restart does not import again (the JSON files are left in place).
    let root = server.stop();
    let server = Server::start_in(root, &[]);
    assert!(!server.log().contains("imported"), "{}", server.log());
    assert_eq!(server.list("").await["sessions"][0]["n_batches"], 3);
}

#[tokio::test]
async fn a_postgres_index_lists_filters_analyses_and_deletes() {
    let pg = match postgres::Postgres::start() {
        Ok(pg) => pg,
        Err(skip) => {
            eprintln!("{skip}");
            return;
        }
    };
    let server = Server::start(&["--index", &pg.url, "--analysis-idle-secs", "0", "--rate-limit", "0"]);
    assert!(server.banner.contains("index       postgres://127.0.0.1:"), "{}", server.banner);
    assert!(!server.banner.contains("rewind@"), "the user and password are not shown: {}", server.banner);
    let events = fixture_events("dead-button");
    let chunks: Vec<&[Value]> = events.chunks(7).collect();
    // Every batch sent twice, concurrently: each counted once.
    let sends = chunks.iter().enumerate().flat_map(|(seq, chunk)| {
        let mut body = batch("pg-1", seq as u64, chunk);
        body["distinct_id"] = json!("Shopper-42");
        [body.clone(), body]
    });
    let server = &server;
    let answers = futures_util::future::join_all(sends.map(|b| async move { server.ingest(&b).await })).await;
    assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, a)| a["stored"] == true).count(), chunks.len());
    let entry = analysed(server, "pg-1").await;
    assert_eq!((entry["n_batches"].clone(), entry["n_events"].clone()), (json!(chunks.len()), json!(events.len())));
    assert_eq!(entry["n_rage_clicks"], 1, "{entry}");
    assert_eq!(server.list("has=rage").await["total"], 1);
    assert_eq!(server.list("has=dead&url=CART").await["total"], 1, "ILIKE: any case");
    assert_eq!(server.list("has=error_clicks").await["total"], 0);
    // Free text over the user id through `user_texts` (pg_trgm), any case, and a short one (ILIKE).
    assert_eq!(server.list("q=PER-4").await["total"], 1);
    assert_eq!(server.list("q=42").await["total"], 1);
    assert_eq!(server.list("q=shopper-43").await["total"], 0);
    let (status, deleted) = server.delete("/v1/sessions/pg-1", ADMIN).await;
    assert_eq!((status, deleted["batches"].clone()), (200, json!(chunks.len())));
    assert_eq!(server.list("").await["total"], 0);
}
