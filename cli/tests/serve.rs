//! `rewind serve` end to end: the real binary on 127.0.0.1, real HTTP, real files.
//! Every refused request is followed by a check that nothing was stored.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn batches_are_stored_listed_read_and_analysed() {
    // Stored as sent (serve_privacy.rs has what server-side redaction changes); the analysis
    // is redacted on its own.
    let server = Server::start(&["--no-server-redaction"]);
    assert_eq!(reqwest::get(format!("{}/health", server.url)).await.unwrap().text().await.unwrap(), "ok");

    let events = fixture_events("login-form");
    let (first, rest) = events.split_at(events.len() / 2);
    let (middle, last) = rest.split_at(rest.len() / 2);
    let mut batch0 = batch("sess-login_1", 0, first);
    batch0["distinct_id"] = json!("jane");
    assert_eq!(
        server.ingest(&batch0).await,
        (
            200,
            json!({"stored": true, "duplicate": false, "session_id": "sess-login_1", "seq": 0, "events": first.len()})
        )
    );
    let (status, _) = server.ingest(&batch("sess-login_1", 1, middle)).await;
    assert_eq!(status, 200);
    // A small keepalive batch may come uncompressed (no Content-Encoding): stored as gzip.
    let plain = serde_json::to_vec(&batch("sess-login_1", 2, last)).unwrap();
    let (status, body) = status_json(server.post(plain, Some(PUBLIC), false).await).await;
    assert_eq!((status, &body["stored"]), (200, &json!(true)), "{body}");

    let dir = server.session_dir("sess-login_1");
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["0.json.gz", "1.json.gz", "2.json.gz"]);
    assert!(std::fs::read(dir.join("2.json.gz")).unwrap().starts_with(&[0x1f, 0x8b]));
    let today = server.batch_files()[0].split('/').skip(1).take(3).collect::<Vec<_>>().join("/");
    assert_eq!(today.len(), 10, "sessions/YYYY/MM/DD/…");

    let (status, list) = server.get("/v1/sessions", READ).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    let session = &list["sessions"][0];
    assert_eq!(session["session_id"], "sess-login_1");
    assert_eq!(session["n_batches"], 3);
    assert_eq!(session["n_events"], events.len());
    assert_eq!(session["distinct_id"], "jane");
    assert_eq!(session["app_id"], "test-app");
    assert_eq!(session["entry_url"], events[0]["data"]["href"]);
    assert_eq!(session["start_time"], events[0]["timestamp"]);
    assert_eq!(session["missing_batches"], 0);

    let (status, full) = server.get("/v1/sessions/sess-login_1", READ).await;
    assert_eq!(status, 200);
    assert_eq!(full["events"], Value::Array(events.clone()), "every event, in seq order, as sent");
    assert_eq!(full["gaps"], json!([]));
    assert_eq!(full["session"]["n_events"], events.len());

    // The analysis endpoint says what `rewind analyze DIR` says of the stored directory.
    let (status, analysis) = server.get("/v1/sessions/sess-login_1/analysis", READ).await;
    assert_eq!(status, 200, "{analysis}");
    assert_eq!(analysis["replay_id"], "sess-login_1");
    assert_eq!(analysis["distinct_id"], "jane");
    assert!(analysis["actions"].as_array().unwrap().len() >= 5, "{analysis}");
    assert!(analysis["summary_markdown"].as_str().unwrap().contains("Sign in"));
    // Redacted, as every analyzer output is by default: the email and the card number typed
    // into unmasked inputs do not show.
    let text = analysis.to_string();
    assert!(!text.contains("jane.doe@example.com") && !text.contains("4111 1111 1111 1111"), "{analysis}");
    assert!(analysis["redactions"].as_u64().unwrap() >= 2, "{analysis}");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"))
        .args(["analyze", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(cli["replays"][0], analysis);

    let metrics = server.metrics().await;
    assert!(metrics.contains("rewind_ingest_batches_total{outcome=\"stored\"} 3\n"), "{metrics}");
    assert!(metrics.contains(&format!("rewind_ingest_events_total {}\n", events.len())));
    assert!(!metrics.contains("sess-login") && !metrics.contains("jane") && !metrics.contains("shop.rewind.test"));
}

#[tokio::test]
async fn a_resent_batch_is_stored_once_and_gaps_are_reported() {
    let server = Server::start(&[]);
    let events = small_events(10, now_ms());
    let b = batch("dup", 0, &events);
    assert_eq!(server.ingest(&b).await.1["stored"], true);
    let (status, body) = server.ingest(&b).await;
    assert_eq!((status, body["stored"].clone(), body["duplicate"].clone()), (200, json!(false), json!(true)));
    assert_eq!(server.batch_files().len(), 1);
    // seq 3 arrives before 1 and 2: the gap is reported, then closed.
    assert_eq!(server.ingest(&batch("dup", 3, &small_events(1, now_ms()))).await.0, 200);
    let (_, full) = server.get("/v1/sessions/dup", READ).await;
    assert_eq!(full["gaps"], json!([[1, 2]]));
    assert_eq!(full["session"]["missing_batches"], 2);
    let (_, analysis) = server.get("/v1/sessions/dup/analysis", READ).await;
    assert_eq!(analysis["warnings"][0], "batches missing from the session: seq 1–2");
    let (_, list) = server.get("/v1/sessions", READ).await;
    assert_eq!(
        (list["sessions"][0]["n_batches"].clone(), list["sessions"][0]["n_events"].clone()),
        (json!(2), json!(11))
    );
    let metrics = server.metrics().await;
    assert!(metrics.contains("rewind_ingest_batches_total{outcome=\"duplicate\"} 1\n"), "{metrics}");
}

#[tokio::test]
async fn keys_are_separate() {
    let server = Server::start(&[]);
    let body = || gzip(&serde_json::to_vec(&batch("k", 0, &small_events(3, now_ms()))).unwrap());
    for (key, status) in [(None, 401), (Some("wrong-key-wrong-key"), 401), (Some(READ), 403), (Some(ADMIN), 403)] {
        let (got, error) = status_json(server.post(body(), key, true).await).await;
        assert_eq!(got, status, "{key:?}: {error}");
        assert!(error["error"].as_str().is_some_and(|e| !e.is_empty() && !e.contains('\n')), "{error}");
        server.assert_nothing_stored(&format!("ingest with {key:?}"));
    }
    assert_eq!(server.post(body(), Some(PUBLIC), true).await.status(), 200);

    assert_eq!(server.get("/v1/sessions", PUBLIC).await.0, 403);
    assert_eq!(server.get("/v1/sessions/k", PUBLIC).await.0, 403);
    assert_eq!(server.get("/v1/sessions/k/analysis", PUBLIC).await.0, 403);
    assert_eq!(server.get("/v1/sessions", "nope-nope-nope-nope").await.0, 401);
    let unauthenticated = server.http.get(format!("{}/v1/sessions", server.url)).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_eq!(server.get("/v1/sessions/k", ADMIN).await.0, 200, "admin can read");
    assert_eq!(server.delete("/v1/sessions/k", PUBLIC).await.0, 403);
    assert_eq!(server.delete("/v1/sessions/k", READ).await.0, 403);
    assert_eq!(server.batch_files().len(), 1, "still stored");

    let (status, body) = server.delete("/v1/sessions/k", ADMIN).await;
    assert_eq!((status, body["batches"].clone()), (200, json!(1)), "{body}");
    server.assert_nothing_stored("admin delete");
    assert_eq!(server.get("/v1/sessions/k", READ).await.0, 404);
    assert_eq!(server.get("/v1/sessions", READ).await.1["total"], 0);
    assert_eq!(server.delete("/v1/sessions/k", ADMIN).await.0, 404);
}

#[tokio::test]
async fn limits_refuse_without_storing() {
    let server = Server::start(&[]);
    // Over 2 MiB as sent: refused by Content-Length, and while streaming when there is none.
    let noise: Vec<u8> = (0..(2u32 << 20) + 1).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    refused(&server, "oversize body", 413, "larger than", server.send(noise.clone()).await).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = noise.chunks(64 << 10).map(|c| Ok(c.to_vec())).collect();
    let streamed = server
        .http
        .post(format!("{}/v1/ingest", server.url))
        .header("X-Rewind-Key", PUBLIC)
        .header("Content-Encoding", "gzip")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    refused(&server, "oversize chunked body", 413, "larger than", status_json(streamed).await).await;

    // A gzip bomb: 100 gzip members of 10 MiB of zeros (~1 GiB inflated, ~1 MiB sent).
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, &vec![0u8; 10 << 20]).unwrap();
    let member = encoder.finish().unwrap();
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 100).collect();
    assert!(bomb.len() < 2 << 20);
    refused(&server, "gzip bomb", 413, "after decompression", server.send(bomb).await).await;
    let peak_mib = server.peak_rss_kib() / 1024;
    assert!(peak_mib < 100, "the server's memory stays bounded, peak {peak_mib} MiB");

    let good = serde_json::to_vec(&batch("lim", 0, &small_events(2, now_ms()))).unwrap();
    let mut corrupt = gzip(&good);
    let n = corrupt.len();
    corrupt[n / 2..n - 8].iter_mut().for_each(|b| *b = 0xff);
    refused(&server, "corrupt gzip", 400, "gzip", server.send(corrupt).await).await;
    refused(&server, "plain body labelled gzip", 400, "gzip", server.send(good.clone()).await).await;
    let truncated = gzip(&good)[..20].to_vec();
    refused(&server, "truncated gzip", 400, "gzip", server.send(truncated).await).await;
    let bad_json = gzip(b"{\"session_id\": \"lim\", \"seq\": 0, \"events\": [");
    refused(&server, "bad JSON", 400, "invalid JSON", server.send(bad_json).await).await;
    let no_session = gzip(br#"{"seq": 0, "events": []}"#);
    refused(&server, "no session_id", 400, "session_id", server.send(no_session).await).await;
    let no_seq = gzip(br#"{"session_id": "lim", "events": []}"#);
    refused(&server, "no seq", 400, "seq", server.send(no_seq).await).await;
    let too_many = gzip(&serde_json::to_vec(&batch("lim", 0, &small_events(5_001, now_ms()))).unwrap());
    refused(&server, "5,001 events", 413, "too many events", server.send(too_many).await).await;
    let brotli = server
        .http
        .post(format!("{}/v1/ingest", server.url))
        .header("X-Rewind-Key", PUBLIC)
        .header("Content-Encoding", "br")
        .body(good.clone())
        .send()
        .await
        .unwrap();
    refused(&server, "brotli", 415, "Content-Encoding", status_json(brotli).await).await;

    // Session ids become paths: anything but [A-Za-z0-9_-]{1,64} is refused.
    for id in ["../../etc", "a/b", "..", "a.b", "", &"x".repeat(65)] {
        let body = gzip(&serde_json::to_vec(&batch(id, 0, &small_events(1, now_ms()))).unwrap());
        refused(&server, "bad session id", 400, "session_id", server.send(body).await).await;
    }
    for path in ["/v1/sessions/..%2F..%2Fetc", "/v1/sessions/a.b", "/v1/sessions/a%00/analysis"] {
        let (status, _) = server.get(path, READ).await;
        assert_eq!(status, 400, "{path}");
    }
    assert!(server.data.parent().unwrap().join("etc").read_dir().is_err());

    // 5,000 events is still fine.
    assert_eq!(server.ingest(&batch("lim", 0, &small_events(5_000, now_ms()))).await.0, 200);
    let metrics = server.metrics().await;
    for (reason, n) in [("body_too_large", 2), ("decompressed_too_large", 1), ("bad_gzip", 3), ("too_many_events", 1)] {
        assert!(
            metrics.contains(&format!("rewind_ingest_rejected_total{{reason=\"{reason}\"}} {n}\n")),
            "{reason}: {metrics}"
        );
    }
}

/// Asserts a refusal: the status, a one-line JSON error mentioning `needle`, nothing stored.
async fn refused(server: &Server, what: &str, status: u16, needle: &str, (got, body): (u16, Value)) {
    assert_eq!(got, status, "{what}: {body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(error.contains(needle) && !error.contains('\n'), "{what}: {error:?} should mention {needle:?}");
    server.assert_nothing_stored(what);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let server = Server::start(&["--rate-limit", "1", "--rate-burst", "2"]);
    let events = small_events(1, now_ms());
    assert_eq!(server.ingest(&batch("rl", 0, &events)).await.0, 200);
    assert_eq!(server.ingest(&batch("rl", 1, &events)).await.0, 200);
    let body = gzip(&serde_json::to_vec(&batch("rl", 2, &events)).unwrap());
    let response = server.post(body, Some(PUBLIC), true).await;
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    assert_eq!(server.batch_files().len(), 2, "the refused batch is not stored");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(server.ingest(&batch("rl", 2, &events)).await.0, 200, "a token is back after 1 s");
}

#[tokio::test]
async fn cors_allows_listed_origins_only() {
    let server = Server::start(&["--cors-origin", "http://shop.test", "--cors-origin", "https://app.test"]);
    let preflight = |origin: &'static str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, format!("{}/v1/ingest", server.url))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,content-encoding,x-rewind-key")
            .send()
    };
    let foreign = preflight("http://evil.test").await.unwrap();
    assert!(foreign.headers().get("access-control-allow-origin").is_none(), "{:?}", foreign.headers());
    let allowed = preflight("https://app.test").await.unwrap();
    assert!(allowed.status().is_success());
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], "https://app.test");
    assert!(headers["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    let allow_headers = headers["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    for h in ["content-type", "content-encoding", "x-rewind-key"] {
        assert!(allow_headers.contains(h), "{allow_headers}");
    }
    server.assert_nothing_stored("preflights");
    // The real request from an allowed origin carries the header too (so the SDK can read 429s).
    let body = gzip(&serde_json::to_vec(&batch("cors", 0, &small_events(1, now_ms()))).unwrap());
    let response = server
        .http
        .post(format!("{}/v1/ingest", server.url))
        .header("Origin", "http://shop.test")
        .header("X-Rewind-Key", PUBLIC)
        .header("Content-Encoding", "gzip")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "http://shop.test");
}

#[tokio::test]
async fn read_api_cors_is_for_listed_origins_only() {
    let preflight = |server: &Server, origin: &'static str, method: &'static str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, format!("{}/v1/sessions", server.url))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let get = |server: &Server, origin: &'static str| {
        server
            .http
            .get(format!("{}/v1/sessions", server.url))
            .header("Origin", origin)
            .header("Authorization", format!("Bearer {READ}"))
            .send()
    };

    // Default: same origin only. The ingest flag does not open the read API either.
    let server = Server::start(&["--cors-origin", "http://shop.test"]);
    assert!(server.banner.contains("read CORS   none (same origin only)"), "{}", server.banner);
    let refused = preflight(&server, "http://shop.test", "GET").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none(), "{:?}", refused.headers());
    let response = get(&server, "http://shop.test").await.unwrap();
    assert_eq!(response.status(), 200, "the server answers; the browser withholds it");
    assert!(response.headers().get("access-control-allow-origin").is_none());
    drop(server);

    let server =
        Server::start(&["--read-cors-origin", "http://admin.test:8080", "--read-cors-origin", "https://ops.test/"]);
    let allowed = preflight(&server, "http://admin.test:8080", "GET").await.unwrap();
    assert!(allowed.status().is_success());
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], "http://admin.test:8080");
    assert!(headers.get("access-control-allow-credentials").is_none(), "no cookies: {headers:?}");
    let allow_headers = headers["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(allow_headers.contains("authorization") && allow_headers.contains("x-rewind-key"), "{allow_headers}");
    assert_eq!(headers["access-control-allow-methods"], "GET", "deleting stays same-origin");
    let response = get(&server, "https://ops.test").await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "https://ops.test", "trailing slash dropped");
    assert!(response.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("origin"));
    for origin in ["http://admin.test", "http://evil.test", "null"] {
        let response = preflight(&server, origin, "GET").await.unwrap();
        assert!(response.headers().get("access-control-allow-origin").is_none(), "{origin}");
    }
    // The read origins cannot ingest.
    let ingest = preflight_path(&server, "/v1/ingest", "http://admin.test:8080", "POST").await;
    assert!(ingest.headers().get("access-control-allow-origin").is_none());

    // No wildcard, and malformed origins are refused at startup.
    for bad in ["*", "admin.test", "http://admin.test/viewer", ""] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"))
            .args(["serve", "--addr", "127.0.0.1:0", "--read-cors-origin", bad, "--data-dir"])
            .arg(server.root.path().join("other"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--read-cors-origin"), "{bad:?}: {stderr}");
    }
}

async fn preflight_path(server: &Server, path: &str, origin: &str, method: &str) -> reqwest::Response {
    server
        .http
        .request(reqwest::Method::OPTIONS, format!("{}{path}", server.url))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn retention_deletes_old_sessions() {
    let server = Server::start(&[]);
    let old = 1_577_836_800_000; // 2020-01-01
    assert_eq!(server.ingest(&batch("old-session", 0, &small_events(3, old))).await.0, 200);
    assert_eq!(server.ingest(&batch("new-session", 0, &small_events(3, now_ms()))).await.0, 200);
    let root = server.stop();
    let server = Server::start_in(root, &["--retention-days", "30"]);
    assert!(server.banner.contains("retention   30 days"), "{}", server.banner);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, list) = server.get("/v1/sessions", READ).await;
        if list["total"] == 1 {
            assert_eq!(list["sessions"][0]["session_id"], "new-session");
            break;
        }
        assert!(Instant::now() < deadline, "the startup sweep did not run: {list}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let files = server.files();
    assert!(files.iter().all(|f| !f.contains("old-session")), "{files:?}");
    assert_eq!(files.len(), 1, "the new session's batch (the index is a database): {files:?}");
    let metrics = server.metrics().await;
    assert!(metrics.contains("rewind_sessions_deleted_total{cause=\"retention\"} 1\n"), "{metrics}");
}

#[tokio::test]
async fn concurrent_clients_store_every_batch_once() {
    const CLIENTS: usize = 20;
    const BATCHES: u64 = 50;
    let server = Server::start(&["--rate-limit", "0"]);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let http = server.http.clone();
        let url = format!("{}/v1/ingest", server.url);
        tasks.push(tokio::spawn(async move {
            let session = format!("load-{client}");
            for seq in 0..BATCHES {
                let events = small_events(20, 1_795_248_208_007 + seq as i64 * 100);
                let body = gzip(&serde_json::to_vec(&batch(&session, seq, &events)).unwrap());
                // Every third batch is sent twice, as a client retrying after a lost answer would.
                for _ in 0..if seq % 3 == 0 { 2 } else { 1 } {
                    let response = http
                        .post(&url)
                        .header("X-Rewind-Key", PUBLIC)
                        .header("Content-Encoding", "gzip")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200, "{session} seq {seq}");
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(60), "load took {:?}", started.elapsed());
    assert_eq!(server.batch_files().len(), CLIENTS * BATCHES as usize);
    let (_, list) = server.get("/v1/sessions?limit=100", READ).await;
    assert_eq!(list["total"], CLIENTS);
    for session in list["sessions"].as_array().unwrap() {
        assert_eq!(session["n_batches"], BATCHES, "{session}");
        assert_eq!(session["n_events"], BATCHES * 20);
        assert_eq!(session["missing_batches"], 0);
    }
    let metrics = server.metrics().await;
    let duplicates = CLIENTS * (BATCHES as usize).div_ceil(3);
    assert!(
        metrics.contains(&format!("rewind_ingest_batches_total{{outcome=\"duplicate\"}} {duplicates}\n")),
        "{metrics}"
    );
}

#[tokio::test]
async fn listing_pages_filters_and_caps() {
    let server = Server::start(&[]);
    let t0 = now_ms();
    for i in 0..5 {
        let mut b = batch(&format!("s{i}"), 0, &small_events(1, t0 + i * 1_000));
        b["distinct_id"] = json!(if i % 2 == 0 { "even" } else { "odd" });
        assert_eq!(server.ingest(&b).await.0, 200);
    }
    let ids = |list: &Value| -> Vec<String> {
        list["sessions"].as_array().unwrap().iter().map(|s| s["session_id"].as_str().unwrap().to_string()).collect()
    };
    let (_, all) = server.get("/v1/sessions", READ).await;
    assert_eq!(ids(&all), ["s4", "s3", "s2", "s1", "s0"], "newest first");
    assert_eq!((all["total"].clone(), all["limit"].clone()), (json!(5), json!(50)));
    let (_, page) = server.get("/v1/sessions?limit=2&offset=1", READ).await;
    assert_eq!(ids(&page), ["s3", "s2"]);
    assert_eq!(page["total"], 5);
    let (_, even) = server.get("/v1/sessions?user=even", READ).await;
    assert_eq!((ids(&even), even["total"].clone()), (vec!["s4".to_string(), "s2".into(), "s0".into()], json!(3)));
    assert_eq!(server.get("/v1/sessions?limit=1000", READ).await.1["limit"], 100);
    assert_eq!(server.get("/v1/sessions?limit=ten", READ).await.0, 400);

    // Cursor paging gives the same pages as offsets.
    let first = server.list("limit=2").await;
    assert_eq!(ids(&first), ["s4", "s3"]);
    let cursor = first["next_cursor"].as_str().expect("a full page has a next cursor").to_string();
    let second = server.list(&format!("limit=2&cursor={cursor}")).await;
    assert_eq!(ids(&second), ["s2", "s1"]);
    assert_eq!(server.get(&format!("/v1/sessions?cursor={cursor}&offset=2"), READ).await.0, 400);
    assert_eq!(server.get("/v1/sessions?cursor=nonsense", READ).await.0, 400);
    // Time range (first event, epoch ms), app, visited URL, text search, signals.
    let window = server.list(&format!("from={}&to={}", t0 + 1_000, t0 + 3_000)).await;
    assert_eq!(ids(&window), ["s2", "s1"]);
    assert_eq!(server.list("app=test-app").await["total"], 5);
    assert_eq!(server.list("app=other").await["total"], 0);
    assert_eq!(server.list("has=errors").await["total"], 0);
    assert_eq!(server.get("/v1/sessions?has=everything", READ).await.0, 400);
    assert_eq!(server.get("/v1/sessions?from=yesterday", READ).await.0, 400);
    let mut visit = batch("shopper", 0, &small_events(1, t0 + 9_000));
    visit["events"].as_array_mut().unwrap().insert(
        0,
        json!({"type": 4, "timestamp": t0 + 9_000, "data": {"href": "https://shop.example/Checkout/pay", "width": 800, "height": 600}}),
    );
    assert_eq!(server.ingest(&visit).await.0, 200);
    assert_eq!(ids(&server.list("url=checkout").await), ["shopper"], "substring, any case");
    assert_eq!(ids(&server.list("url_prefix=https://shop.example/Check").await), ["shopper"]);
    assert_eq!(server.list("url_prefix=https://shop.example/check").await["total"], 0, "a prefix is exact");
    assert_eq!(ids(&server.list("q=pay").await), ["shopper"]);
    assert_eq!(server.list("q=100%25").await["total"], 0, "% is a literal character");
    assert_eq!(server.list("min_duration_ms=1").await["total"], 0, "one-event sessions last 0 ms");
}

#[tokio::test]
async fn serves_static_files_and_stops_on_sigterm() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("www")).unwrap();
    std::fs::write(root.path().join("www/index.html"), "<h1>viewer</h1>").unwrap();
    std::fs::create_dir_all(root.path().join("pkg")).unwrap();
    std::fs::write(root.path().join("pkg/rewind_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::create_dir_all(root.path().join("js")).unwrap();
    std::fs::write(root.path().join("js/index.js"), "export {}").unwrap();
    let server = Server::start_in(root, &[]);
    let get = |path: &str| reqwest::get(format!("{}{path}", server.url));
    let index = get("/").await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(index.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(index.text().await.unwrap(), "<h1>viewer</h1>");
    let wasm = get("/pkg/rewind_bg.wasm").await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    let js = get("/js/index.js").await.unwrap();
    assert!(js.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert_eq!(get("/nope.html").await.unwrap().status(), 404);
    assert_eq!(get("/pkg-record/x.js").await.unwrap().status(), 404);
    // Public code loads from any origin (an app importing the viewer from the collector);
    // reading sessions does not follow (no --read-cors-origin here).
    for path in ["/", "/pkg/rewind_bg.wasm", "/js/index.js"] {
        assert_eq!(get(path).await.unwrap().headers()["access-control-allow-origin"], "*", "{path}");
    }
    let sessions = reqwest::Client::new()
        .get(format!("{}/v1/sessions", server.url))
        .header("Origin", "http://admin.test")
        .header("Authorization", format!("Bearer {READ}"))
        .send()
        .await
        .unwrap();
    assert!(sessions.headers().get("access-control-allow-origin").is_none());

    let pid = server.pid().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{pid}/status")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default().contains("State:\tZ")
    {
        assert!(Instant::now() < deadline, "the server stops on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(server.log().contains("stopped"), "{}", server.log());
}

/// Polls the list until `session_id`'s rage-click count covers every stored batch; returns
/// its list entry.
async fn settled(server: &Server, session_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, list) = server.get("/v1/sessions", READ).await;
        assert_eq!(status, 200, "{list}");
        let entry = list["sessions"].as_array().unwrap().iter().find(|s| s["session_id"] == session_id).cloned();
        if let Some(entry) = entry.filter(|e| e["rage_clicks_pending"] == false) {
            return entry;
        }
        assert!(Instant::now() < deadline, "rage count of {session_id} never settled: {list}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn rage_clicks_split_across_batches_are_counted_in_any_order() {
    // Analysed as soon as a session is idle (the default waits 10 s without a batch).
    let server = Server::start(&["--analysis-idle-secs", "0"]);
    // dead-button: five clicks on "Apply coupon" within 0.6 s (click events 6, 9, 12, 15, 19).
    // Without the fifth (events 17-19: down, up, click), four clicks; the split leaves two in
    // batch 0 and two in batch 1: neither is a burst (3 clicks) alone.
    let mut events = fixture_events("dead-button");
    assert_eq!(events[19]["data"]["type"], 2, "the fifth click");
    events.drain(17..20);
    let (first, second) = events.split_at(11);
    assert_eq!(server.ingest(&batch("rage-1", 1, second)).await.0, 200, "the second half first");
    let entry = settled(&server, "rage-1").await;
    assert_eq!(entry["n_rage_clicks"], 0, "two clicks are not a burst: {entry}");
    assert_eq!(entry["missing_batches"], 1);

    assert_eq!(server.ingest(&batch("rage-1", 0, first)).await.0, 200);
    let entry = settled(&server, "rage-1").await;
    assert_eq!(entry["n_rage_clicks"], 1, "one burst across the two batches: {entry}");
    assert_eq!((entry["n_batches"].clone(), entry["missing_batches"].clone()), (json!(2), json!(0)));
    // The rest of the analysis fills the row too: pages and the other findings.
    assert_eq!(entry["n_pages"], 1, "{entry}");
    assert_eq!(entry["findings"]["rage_click"], 1, "{entry}");
    assert!(entry["n_dead_clicks"].as_u64().is_some() && entry["n_error_clicks"].as_u64().is_some(), "{entry}");
    assert_eq!((entry["analysis_pending"].clone(), entry["analysis_note"].clone()), (json!(false), Value::Null));

    // A session without rage clicks, and the filters.
    let calm = fixture_events("login-form");
    assert_eq!(server.ingest(&batch("calm-1", 0, &calm)).await.0, 200);
    assert_eq!(settled(&server, "calm-1").await["n_rage_clicks"], 0);
    let ids = |list: Value| -> Vec<Value> {
        list["sessions"].as_array().unwrap().iter().map(|s| s["session_id"].clone()).collect()
    };
    assert_eq!(ids(server.get("/v1/sessions?min_rage_clicks=1", READ).await.1), [json!("rage-1")]);
    assert_eq!(server.get("/v1/sessions?min_rage_clicks=2", READ).await.1["total"], 0);
    assert_eq!(server.get("/v1/sessions?min_errors=1", READ).await.1["total"], 0);
    assert_eq!(server.get("/v1/sessions?min_rage_clicks=x", READ).await.0, 400);
    assert_eq!(ids(server.get("/v1/sessions?has=rage", READ).await.1), [json!("rage-1")]);
    assert_eq!(server.get("/v1/sessions?has=rage,errors", READ).await.1["total"], 0);

    // The count is in the index record, so a restarted collector lists it without recounting.
    let root = server.stop();
    let server = Server::start_in(root, &["--analysis-idle-secs", "0"]);
    let (_, list) = server.get("/v1/sessions?min_rage_clicks=1", READ).await;
    assert_eq!((list["total"].clone(), list["sessions"][0]["rage_clicks_pending"].clone()), (json!(1), json!(false)));
}
