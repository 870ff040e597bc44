//! The memory goal with the real binary: no request pattern of one key holder takes the
//! collector past 1 GB. Replays the read side's hostile patterns — big sessions read whole,
//! several at once, a big `/analysis` (out of order, so the analyzer cannot stream it), and
//! idle and trickling connections — and asserts the process's peak RSS (`VmHWM`).
//!
//! It moves ~320 MB of events, which takes minutes in a debug build, so it runs on request in
//! release: `cargo test --release -p rewind-cli --test serve_memory -- --ignored --nocapture`.
//! Measured 2026-12-07 on a loaded 2-core machine: peak RSS 714 MB (291 MB after the ingest of
//! ~320 MB of events), 52 s in all. Before streaming and the caps the issue measured 1.13 GB
//! for one GET of a 200 MB session and 4.7 GB for `/analysis` of 1 GB.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The goal: 1 GB.
const MAX_PEAK_KIB: u64 = 1_000_000;
/// Events per batch, and mouse positions per event: about 14 MB of JSON per batch, which
/// gzip takes to well under the 2 MiB body limit.
const EVENTS: usize = 4_000;
const POSITIONS: usize = 90;

/// A batch of `EVENTS` mouse-move events (`POSITIONS` positions each), timestamps ascending
/// from `t0`, or descending when `reversed`.
fn big_batch(session: &str, seq: u64, t0: i64, reversed: bool) -> Vec<u8> {
    let position = r#"{"x":1,"y":2,"id":3,"timeOffset":-5}"#;
    let positions = vec![position; POSITIONS].join(",");
    let mut json = format!(r#"{{"session_id":"{session}","seq":{seq},"window_id":"w","events":["#);
    for i in 0..EVENTS as i64 {
        let t = if reversed { t0 - i } else { t0 + i };
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(r#"{{"type":3,"data":{{"source":1,"positions":[{positions}]}},"timestamp":{t}}}"#));
    }
    json.push_str("]}");
    gzip(json.as_bytes())
}

#[tokio::test]
#[ignore = "minutes in a debug build: run with --release -- --ignored"]
async fn hostile_reads_keep_the_collector_under_1_gb() {
    let server = Server::start(&["--no-server-redaction", "--rate-limit", "0", "--header-timeout-secs", "30"]);
    let started = Instant::now();
    let t0 = 1_795_248_208_000_i64;
    // "big": 15 batches, ~210 MB of events; "messy": ~112 MB, each batch in reverse order.
    for seq in 0..15 {
        let (status, body) = server.send(big_batch("big", seq, t0 + seq as i64 * 10_000, false)).await;
        assert_eq!(status, 200, "{body}");
    }
    for seq in 0..8 {
        let (status, body) = server.send(big_batch("messy", seq, t0 + 1_000_000 - seq as i64 * 10_000, true)).await;
        assert_eq!(status, 200, "{body}");
    }
    let after_ingest = server.peak_rss_kib();
    eprintln!("ingest of ~320 MB of events took {:?}; peak RSS {} MB", started.elapsed(), after_ingest / 1000);

    // Idle and trickling connections, held through the reads.
    let address = server.url.trim_start_matches("http://").to_string();
    let idle: Vec<TcpStream> = (0..300).filter_map(|_| TcpStream::connect(&address).ok()).collect();
    let trickling: Vec<TcpStream> = (0..20)
        .filter_map(|_| {
            let mut s = TcpStream::connect(&address).ok()?;
            s.write_all(b"GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-Slow: a").ok()?;
            Some(s)
        })
        .collect();

    // Four whole reads of "big" at once (the most one key may have in flight), read slowly.
    let gets: Vec<_> = (0..4)
        .map(|_| {
            let http = server.http.clone();
            let url = format!("{}/v1/sessions/big", server.url);
            tokio::spawn(async move {
                let mut response = http.get(url).bearer_auth(READ).send().await.unwrap();
                assert_eq!(response.status(), 200);
                let mut bytes = 0usize;
                while let Some(chunk) = response.chunk().await.unwrap() {
                    bytes += chunk.len();
                }
                bytes
            })
        })
        .collect();
    // Analyses with the admin key meanwhile: "big" is past the limit (413, found while
    // reading), "messy" is analysed whole.
    let (status, body) = server.get("/v1/sessions/big/analysis", ADMIN).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("too large to analyse"), "{body}");
    let (status, body) = server.get("/v1/sessions/messy/analysis", ADMIN).await;
    assert_eq!(status, 200, "{body}");
    for get in gets {
        let bytes = get.await.unwrap();
        assert!(bytes > 200_000_000, "{bytes}");
    }
    drop((idle, trickling));
    let peak = server.peak_rss_kib();
    eprintln!(
        "hostile reads: peak RSS {} MB (after ingest {} MB), {:?} in all",
        peak / 1000,
        after_ingest / 1000,
        started.elapsed()
    );
    assert!(peak < MAX_PEAK_KIB, "peak RSS {peak} KiB");
    tokio::time::sleep(Duration::from_millis(10)).await;
}
