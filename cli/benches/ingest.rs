//! Collector ingest throughput: starts `rewind serve` on loopback with a temporary data
//! directory and sends it a fixed number of real batches from K concurrent keep-alive
//! connections, then prints batches/s, MB/s of gzip bodies and latency percentiles.
//!
//! ```sh
//! cargo bench -p rewind-cli --bench ingest                      # 20,000 batches, 16 connections
//! cargo bench -p rewind-cli --bench ingest -- --batches 5000 --connections 4
//! cargo bench -p rewind-cli --bench ingest -- --dir /dev/shm    # data directory on tmpfs
//! ```
//!
//! Batches: each is one of the recordings in `fixtures/*.json` (Meta, FullSnapshot and the
//! incremental events of a page visit, 25 to 100 events), re-timed and wrapped in the wire
//! envelope, gzip'd at level 6 before the clock starts; session `c{K}-{n}` gets `seq` 0..49,
//! then the connection moves on to a new session. Every answer must be 200 with
//! `"stored":true`, and the stored file count is checked at the end. Bounded: it sends exactly
//! warm-up + `--batches` requests and stops.

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PUBLIC: &str = "bench-public-key-0001";
/// Batches per session before a connection starts the next session.
const BATCHES_PER_SESSION: usize = 50;
/// Batches sent (and stored) before measuring, per connection.
const WARMUP_PER_CONNECTION: usize = 20;

fn main() {
    let mut batches = 20_000usize;
    let mut connections = 16usize;
    let mut parent = std::env::temp_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--batches" => batches = args.next().and_then(|v| v.parse().ok()).expect("--batches N"),
            "--connections" => connections = args.next().and_then(|v| v.parse().ok()).expect("--connections K"),
            "--dir" => parent = args.next().expect("--dir DIR").into(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(batches, connections.max(1), &parent));
}

async fn run(total: usize, connections: usize, parent: &Path) {
    let root = tempfile::tempdir_in(parent).expect("temp dir");
    let data = root.path().join("data");
    let mut server = Command::new(env!("CARGO_BIN_EXE_rewind"))
        .args(["serve", "--addr", "127.0.0.1:0", "--rate-limit", "0", "--public-key", PUBLIC])
        .arg("--data-dir")
        .arg(&data)
        .current_dir(root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("rewind serve starts");
    let mut url = None;
    for line in BufReader::new(server.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(u) = line.trim().strip_prefix("listening on ") {
            url = Some(format!("{u}/v1/ingest"));
        }
        if line.starts_with("  retention") {
            break;
        }
    }
    let url = url.expect("the server printed its address");

    let templates = templates();
    let per_connection = total.div_ceil(connections);
    println!(
        "collector ingest: {connections} connections x {per_connection} batches (+{WARMUP_PER_CONNECTION} warm-up each), \
         {} fixture batch shapes",
        templates.len()
    );
    // All bodies are built before the clock starts.
    let bodies: Vec<Vec<Vec<u8>>> = (0..connections)
        .map(|c| (0..WARMUP_PER_CONNECTION + per_connection).map(|i| body(&templates, c, i)).collect())
        .collect();
    let sent_bytes: usize = bodies.iter().flat_map(|b| b[WARMUP_PER_CONNECTION..].iter()).map(Vec::len).sum();
    let sent_json: usize = (0..connections * per_connection).map(|i| templates[i % templates.len()].1).sum();

    let http = reqwest::Client::builder().pool_max_idle_per_host(connections).build().unwrap();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(connections + 1));
    let mut tasks = Vec::new();
    for connection_bodies in bodies {
        let (http, url, barrier) = (http.clone(), url.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(connection_bodies.len());
            for (i, body) in connection_bodies.into_iter().enumerate() {
                if i == WARMUP_PER_CONNECTION {
                    barrier.wait().await;
                }
                let start = Instant::now();
                let response = http
                    .post(&url)
                    .header("X-Rewind-Key", PUBLIC)
                    .header("Content-Encoding", "gzip")
                    .body(body)
                    .send()
                    .await
                    .expect("request");
                let status = response.status();
                let text = response.text().await.expect("answer");
                assert!(status == 200 && text.contains("\"stored\":true"), "{status} {text}");
                if i >= WARMUP_PER_CONNECTION {
                    latencies.push(start.elapsed());
                }
            }
            latencies
        }));
    }
    barrier.wait().await;
    let cpu_before = cpu_seconds(server.id());
    let start = Instant::now();
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(server.id()) - cpu_before;
    latencies.sort();
    let n = latencies.len();
    let pct = |p: f64| latencies[((n as f64 * p).ceil() as usize).clamp(1, n) - 1].as_secs_f64() * 1000.0;
    let stored = count_files(&data.join("sessions"));
    println!("data directory       {}", data.display());
    println!("batches measured     {n}");
    println!("wall time            {elapsed:.2} s");
    println!("throughput           {:.0} batches/s", n as f64 / elapsed);
    println!(
        "gzip bodies          {:.2} MB/s (mean body {:.0} bytes gzip, {:.0} bytes JSON)",
        sent_bytes as f64 / elapsed / 1e6,
        sent_bytes as f64 / n as f64,
        sent_json as f64 / n as f64
    );
    println!("latency p50 / p99    {:.2} ms / {:.2} ms (max {:.2} ms)", pct(0.50), pct(0.99), pct(1.0));
    println!(
        "server CPU           {server_cpu:.2} s user+sys = {:.2} cores busy, {:.0} batches per CPU-second",
        server_cpu / elapsed,
        n as f64 / server_cpu
    );
    println!("stored batch files   {stored} (expected {})", n + connections * WARMUP_PER_CONNECTION);
    assert_eq!(stored, n + connections * WARMUP_PER_CONNECTION, "every batch stored once");
    let _ = server.kill();
    let _ = server.wait();
}

/// The fixtures' events, each recording one batch shape, with its JSON size.
fn templates() -> Vec<(Vec<Value>, usize)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let events: Vec<Value> = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
            let size = serde_json::to_vec(&events).unwrap().len();
            (events, size)
        })
        .collect()
}

/// Batch `i` of connection `c`: a fixture re-timed to the session's clock, in an envelope, gzip'd.
fn body(templates: &[(Vec<Value>, usize)], c: usize, i: usize) -> Vec<u8> {
    let (events, _) = &templates[i % templates.len()];
    let session = format!("c{c}-{}", i / BATCHES_PER_SESSION);
    let seq = i % BATCHES_PER_SESSION;
    let t0 = events[0]["timestamp"].as_i64().unwrap();
    let base = 1_795_248_208_007_i64 + seq as i64 * 5_000;
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["timestamp"] = json!(base + e["timestamp"].as_i64().unwrap() - t0);
            e
        })
        .collect();
    let envelope = json!({
        "session_id": session, "window_id": format!("w{c}"), "seq": seq, "app_id": "bench",
        "sdk_version": "0.1.0", "sent_at": base + 5_000, "events": events,
    });
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    encoder.finish().unwrap()
}

/// User + system CPU time of process `pid` so far, in seconds (Linux `/proc/PID/stat`, fields
/// 14 and 15, in clock ticks of 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).map(|p| if p.is_dir() { count_files(&p) } else { 1 }).sum())
        .unwrap_or(0)
}
