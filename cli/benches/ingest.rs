//! Collector ingest throughput: starts `rewind serve` on loopback with a temporary data
//! directory and sends it a fixed number of real batches from K concurrent keep-alive
//! connections, then prints batches/s, MB/s of gzip bodies and latency percentiles.
//!
//! ```sh
//! cargo bench -p rewind-cli --bench ingest                      # 20,000 batches, 16 connections
//! cargo bench -p rewind-cli --bench ingest -- --batches 5000 --connections 4
//! cargo bench -p rewind-cli --bench ingest -- --dir /dev/shm    # data directory on tmpfs
//! cargo bench -p rewind-cli --bench ingest -- --redaction on    # one collector only
//! cargo bench -p rewind-cli --bench ingest -- --baseline /path/to/old/rewind
//! ```
//!
//! `--baseline BIN` also measures another build of `rewind` (e.g. the main branch's) in the same
//! run, each of its phases beside the same phase of this build, so both see the same machine.
//!
//! By default it measures two collectors in the same run, one with server-side redaction (the
//! default) and one with `--no-server-redaction`, in `--rounds` rounds (default 2) ordered
//! off/on then on/off, and prints each phase (with the 1-minute load average after it) and the
//! on/off ratios of throughput and of server CPU per batch.
//!
//! Batches: each is one of the recordings in `fixtures/*.json` (Meta, FullSnapshot and the
//! incremental events of a page visit, 25 to 100 events), re-timed and wrapped in the wire
//! envelope, gzip'd at level 6 before the clock starts; session `c{K}-{n}` gets `seq` 0..49,
//! then the connection moves on to a new session. Every answer must be 200 with
//! `"stored":true`, and the stored file count is checked at the end. Bounded: it sends exactly
//! warm-up + `--batches` requests and stops. Run without `--bench` (as `cargo test
//! --all-targets` does) it sends 400 batches per collector in one round: a smoke run.

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

/// Which collectors a run measures (`--redaction`).
#[derive(Clone, Copy, PartialEq)]
enum Modes {
    /// Server-side redaction on (the default) and off (`--no-server-redaction`), alternating.
    Both,
    On,
    Off,
}

/// Batches and rounds per collector when run by `cargo test --all-targets` (no `--bench`): a
/// smoke run of every phase and check, not a measurement.
const SMOKE_BATCHES: usize = 400;

fn main() {
    let mut batches: Option<usize> = None;
    let mut connections = 16usize;
    let mut rounds: Option<usize> = None;
    let mut bench = false;
    let mut modes = Modes::Both;
    let mut parent = std::env::temp_dir();
    let mut baseline: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--batches" => batches = Some(args.next().and_then(|v| v.parse().ok()).expect("--batches N")),
            "--connections" => connections = args.next().and_then(|v| v.parse().ok()).expect("--connections K"),
            "--rounds" => rounds = Some(args.next().and_then(|v| v.parse().ok()).expect("--rounds R")),
            "--dir" => parent = args.next().expect("--dir DIR").into(),
            "--baseline" => baseline = Some(args.next().expect("--baseline BIN").into()),
            "--redaction" => {
                modes = match args.next().as_deref() {
                    Some("both") => Modes::Both,
                    Some("on") => Modes::On,
                    Some("off") => Modes::Off,
                    _ => panic!("--redaction both|on|off"),
                }
            }
            "--bench" => bench = true, // passed by `cargo bench`
            _ => {}
        }
    }
    let batches = batches.unwrap_or(if bench { 20_000 } else { SMOKE_BATCHES });
    let rounds = rounds.unwrap_or(if bench { 2 } else { 1 });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(batches, connections.max(1), rounds.max(1), modes, &parent, baseline.as_deref()));
}

/// A collector under test.
struct Collector {
    process: std::process::Child,
    url: String,
    data: std::path::PathBuf,
    redaction: bool,
    /// Started from `--baseline`'s binary.
    baseline: bool,
    /// Batch files it should hold so far.
    expected: usize,
    _root: tempfile::TempDir,
}

impl Collector {
    fn start(parent: &Path, redaction: bool, binary: Option<&Path>) -> Collector {
        let root = tempfile::tempdir_in(parent).expect("temp dir");
        let data = root.path().join("data");
        let mut command = Command::new(binary.unwrap_or(Path::new(env!("CARGO_BIN_EXE_rewind"))));
        command.args(["serve", "--addr", "127.0.0.1:0", "--rate-limit", "0", "--public-key", PUBLIC]);
        if !redaction {
            command.arg("--no-server-redaction");
        }
        let mut process = command
            .arg("--data-dir")
            .arg(&data)
            .current_dir(root.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rewind serve starts");
        let mut url = None;
        for line in BufReader::new(process.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            if let Some(u) = line.trim().strip_prefix("listening on ") {
                url = Some(format!("{u}/v1/ingest"));
            }
            if line.starts_with("  retention") {
                break;
            }
        }
        let url = url.expect("the server printed its address");
        Collector { process, url, data, redaction, baseline: binary.is_some(), expected: 0, _root: root }
    }

    fn name(&self) -> String {
        let build = if self.baseline { "baseline " } else { "" };
        format!("{build}redaction {}", if self.redaction { "on" } else { "off" })
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// What one measured phase gave.
struct Phase {
    batches_per_s: f64,
    mb_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    cores_busy: f64,
    per_cpu_s: f64,
}

async fn run(total: usize, connections: usize, rounds: usize, modes: Modes, parent: &Path, baseline: Option<&Path>) {
    let templates = templates();
    let per_connection = total.div_ceil(connections);
    let redactions = match modes {
        Modes::Both => vec![false, true],
        Modes::On => vec![true],
        Modes::Off => vec![false],
    };
    let mut collectors: Vec<Collector> = Vec::new();
    for redaction in redactions {
        collectors.push(Collector::start(parent, redaction, None));
        if let Some(binary) = baseline {
            collectors.push(Collector::start(parent, redaction, Some(binary)));
        }
    }
    println!(
        "collector ingest: {connections} connections x {per_connection} batches (+{WARMUP_PER_CONNECTION} warm-up each), \
         {} fixture batch shapes (mean {} bytes of JSON), {rounds} round(s) per collector, load average {}",
        templates.len(),
        templates.iter().map(|t| t.1).sum::<usize>() / templates.len(),
        load_average()
    );
    let mut results: Vec<(bool, bool, Phase)> = Vec::new();
    let mut phase = 0;
    for round in 0..rounds {
        // A B, then B A: drift in the machine's load touches both alike.
        let order: Vec<usize> =
            if round % 2 == 0 { (0..collectors.len()).collect() } else { (0..collectors.len()).rev().collect() };
        for i in order {
            let collector = &mut collectors[i];
            let result = measure(collector, &templates, phase, connections, per_connection).await;
            println!(
                "round {round} {:<14} {:>6.0} batches/s  {:>5.2} MB/s gzip  p50 {:>5.2} ms  p99 {:>6.2} ms  \
                 server {:.2} cores, {:.0} batches per CPU-second  (load {})",
                collector.name(),
                result.batches_per_s,
                result.mb_per_s,
                result.p50_ms,
                result.p99_ms,
                result.cores_busy,
                result.per_cpu_s,
                load_average()
            );
            results.push((collector.redaction, collector.baseline, result));
            phase += 1;
        }
    }
    let average = |redaction: bool, base: bool, value: fn(&Phase) -> f64| {
        let runs: Vec<f64> =
            results.iter().filter(|(r, b, _)| *r == redaction && *b == base).map(|(_, _, p)| value(p)).collect();
        (!runs.is_empty()).then(|| runs.iter().sum::<f64>() / runs.len() as f64)
    };
    let mean = |redaction: bool| average(redaction, false, |p| p.batches_per_s);
    let cpu = |redaction: bool| average(redaction, false, |p| p.per_cpu_s);
    for redaction in [false, true] {
        if let (Some(this), Some(base)) =
            (average(redaction, false, |p| p.batches_per_s), average(redaction, true, |p| p.batches_per_s))
        {
            let mode = if redaction { "on" } else { "off" };
            println!(
                "mean batches/s       redaction {mode}: this build {this:.0}, baseline {base:.0}: {:.2}×",
                this / base
            );
        }
    }
    if let (Some(off), Some(on)) = (mean(false), mean(true)) {
        println!("mean batches/s       redaction off {off:.0}, on {on:.0}: on/off = {:.2}", on / off);
    }
    if let (Some(off), Some(on)) = (cpu(false), cpu(true)) {
        println!(
            "server CPU per batch redaction off {:.3} ms, on {:.3} ms: on/off = {:.2}",
            1000.0 / off,
            1000.0 / on,
            off / on
        );
    }
}

/// One measured phase against `collector`: warm-up, then `per_connection` batches on each of
/// `connections` connections; sessions are named after `phase` so every batch is new.
async fn measure(
    collector: &mut Collector,
    templates: &[(Vec<Value>, usize)],
    phase: usize,
    connections: usize,
    per_connection: usize,
) -> Phase {
    // All bodies are built before the clock starts.
    let bodies: Vec<Vec<Vec<u8>>> = (0..connections)
        .map(|c| (0..WARMUP_PER_CONNECTION + per_connection).map(|i| body(templates, phase, c, i)).collect())
        .collect();
    let sent_bytes: usize = bodies.iter().flat_map(|b| b[WARMUP_PER_CONNECTION..].iter()).map(Vec::len).sum();

    let http = reqwest::Client::builder().pool_max_idle_per_host(connections).build().unwrap();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(connections + 1));
    let mut tasks = Vec::new();
    for connection_bodies in bodies {
        let (http, url, barrier) = (http.clone(), collector.url.clone(), barrier.clone());
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
    let cpu_before = cpu_seconds(collector.process.id());
    let start = Instant::now();
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(collector.process.id()) - cpu_before;
    latencies.sort();
    let n = latencies.len();
    let pct = |p: f64| latencies[((n as f64 * p).ceil() as usize).clamp(1, n) - 1].as_secs_f64() * 1000.0;
    collector.expected += n + connections * WARMUP_PER_CONNECTION;
    let stored = count_files(&collector.data.join("sessions"));
    assert_eq!(stored, collector.expected, "every batch stored once");
    Phase {
        batches_per_s: n as f64 / elapsed,
        mb_per_s: sent_bytes as f64 / elapsed / 1e6,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        cores_busy: server_cpu / elapsed,
        per_cpu_s: n as f64 / server_cpu,
    }
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from))
        .unwrap_or_default()
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

/// Batch `i` of connection `c` in phase `phase`: a fixture re-timed to the session's clock, in
/// an envelope, gzip'd.
fn body(templates: &[(Vec<Value>, usize)], phase: usize, c: usize, i: usize) -> Vec<u8> {
    let (events, _) = &templates[i % templates.len()];
    let session = format!("p{phase}c{c}-{}", i / BATCHES_PER_SESSION);
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
