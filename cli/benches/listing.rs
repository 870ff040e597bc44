//! Collector session listing at scale: seeds a SQLite session index with synthetic sessions
//! directly through the collector's index layer (`rewind_collector::index::Index`), starts the
//! real `rewind serve` over that data directory, and times `GET /v1/sessions` with each filter
//! through HTTP on loopback: p50 / p99 per filter, and the collector's resident memory.
//!
//! ```sh
//! cargo bench -p rewind-cli --bench listing                          # 1,000,000 sessions
//! cargo bench -p rewind-cli --bench listing -- --sessions 100000 --requests 100
//! cargo bench -p rewind-cli --bench listing -- --rewind /path/to/other/rewind
//! ```
//!
//! `--rewind BIN` serves the listings with another build of `rewind` (e.g. the main branch's,
//! to measure before and after on the same machine); the seeding still goes through this
//! build's index layer, so both builds must share the index schema's migrations.
//!
//! `--index postgres://user@host:port/db` seeds and serves a PostgreSQL index instead (an
//! empty database: the collector's migrations create the schema). `--data DIR` keeps the data
//! directory: a later run with the same `--data` (and `--index`) skips seeding when the index
//! already holds sessions, so two builds can be timed on the same index.
//!
//! Sessions (deterministic, seeded PRNG): 20 apps, 50,000 users, first events spread over 30
//! days, 1–4 batches, 1–4 pages each from 400 URLs of 8 sections (with titles); 20 % have
//! console errors, 5 % rage clicks, 10 % dead clicks, 3 % error clicks; every session
//! analysed. Bounded: it sends exactly `--requests` requests per filter (after 5 warm-up ones)
//! from one keep-alive connection, and stops. Run without `--bench` (as `cargo test
//! --all-targets` does) it seeds 3,000 sessions and sends 3 requests per filter.

use rewind_collector::index::{AnalysisRow, Index, IndexConfig, ListFilter, Seeded, SessionRecord};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const READ: &str = "bench-read-key-000001";
/// Sessions inserted per transaction while seeding.
const SEED_CHUNK: usize = 5_000;
/// First event of the newest synthetic session: 2026-11-21, Unix epoch milliseconds.
const T_END: i64 = 1_795_248_000_000;
const DAY_MS: i64 = 86_400_000;
const SECTIONS: [&str; 8] = ["checkout", "cart", "product", "search", "account", "help", "blog", "home"];

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn url(i: u64) -> (String, Option<String>) {
    let section = SECTIONS[(i % SECTIONS.len() as u64) as usize];
    (format!("https://shop.example/{section}/{i}"), Some(format!("{section} page {i} – Shop")))
}

fn session(i: usize, rng: &mut Rng) -> Seeded {
    let start = T_END - rng.below(30 * DAY_MS as u64) as i64;
    let duration = 5_000 + rng.below(1_800_000) as i64;
    let n_batches = 1 + rng.below(4);
    let n_pages = 1 + rng.below(4);
    let pages: Vec<(String, Option<String>)> = (0..n_pages).map(|_| url(rng.below(400))).collect();
    let count = |rng: &mut Rng, percent| if rng.chance(percent) { 1 + rng.below(5) } else { 0 };
    let n_errors = count(rng, 20);
    let analysis = AnalysisRow {
        n_rage_clicks: Some(count(rng, 5)),
        n_dead_clicks: Some(count(rng, 10)),
        n_error_clicks: Some(count(rng, 3)),
        n_pages: Some(n_pages),
        findings: Some("{}".into()),
        note: None,
        pages: Vec::new(),
    };
    let record = SessionRecord {
        session_id: format!("s{i:08}"),
        day: "2026/11/21".into(),
        app_id: Some(format!("app-{}", rng.below(20))),
        distinct_id: rng.chance(70).then(|| format!("user-{}", rng.below(50_000))),
        sdk_version: Some("0.1.0".into()),
        start_time: Some(start),
        end_time: Some(start + duration),
        first_received_at: start + 100,
        last_received_at: start + duration + 100,
        entry_url: pages.first().map(|p| p.0.clone()),
        n_events: 40 * n_batches,
        n_batches,
        n_errors,
        bytes: 2_000 * n_batches,
        max_seq: Some(n_batches - 1),
        analysis,
        analysed_batches: n_batches,
    };
    (record, (0..n_batches).collect(), pages)
}

/// Seeds `n` sessions unless the index already holds some (a kept `--data` directory).
async fn seed(config: &IndexConfig, n: usize) {
    let index = Index::open(config).await.expect("open index");
    if !index.list(&ListFilter { limit: 1, ..Default::default() }).await.expect("list").sessions.is_empty() {
        eprintln!("  the index already holds sessions: not seeded");
        return;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let chunk: Vec<Seeded> = (done..(done + SEED_CHUNK).min(n)).map(|i| session(i, &mut rng)).collect();
        done += index.insert_records(&chunk).await.expect("seed");
        if done % 100_000 < SEED_CHUNK {
            eprintln!("  seeded {done} sessions ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(rewind: &Path, data: &Path, index: Option<&str>) -> Server {
    let mut command = Command::new(rewind);
    command.args(["serve", "--addr", "127.0.0.1:0", "--read-key", READ, "--data-dir"]).arg(data);
    if let Some(url) = index {
        command.args(["--index", url]);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("rewind serve starts");
    let mut url = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(u) = line.trim().strip_prefix("listening on ") {
            url = Some(u.to_string());
        }
        if line.starts_with("  retention") {
            break;
        }
    }
    Server { child, url: url.expect("the server printed its address") }
}

/// `VmHWM` and `VmRSS` of a process, KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The 1-minute load average (`/proc/loadavg`), as text; `?` where there is none.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().next().unwrap_or("?").to_string()
}

/// Times `requests` listings, the query of request `i` from `query(i)`; returns (p50, p99) ms
/// and the mean `total`.
async fn measure(
    http: &reqwest::Client,
    url: &str,
    requests: usize,
    query: &dyn Fn(usize) -> String,
) -> (f64, f64, f64) {
    let mut times = Vec::with_capacity(requests);
    let mut totals = 0u64;
    for i in 0..requests + 5 {
        let started = Instant::now();
        let response = http.get(format!("{url}/v1/sessions?{}", query(i))).bearer_auth(READ).send().await.expect("GET");
        assert_eq!(response.status(), 200, "{}", query(i));
        let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON");
        if i >= 5 {
            times.push(started.elapsed());
            totals += body["total"].as_u64().unwrap_or(0);
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1].as_secs_f64() * 1e3;
    (pct(0.50), pct(0.99), totals as f64 / requests as f64)
}

fn main() {
    // `cargo test --all-targets` runs this without `--bench`: then a small smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let mut sessions = if full { 1_000_000usize } else { 3_000 };
    let mut requests = if full { 200usize } else { 3 };
    let mut parent = std::env::temp_dir();
    let mut rewind = std::path::PathBuf::from(env!("CARGO_BIN_EXE_rewind"));
    let mut index: Option<String> = None;
    let mut kept: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sessions" => sessions = args.next().and_then(|v| v.parse().ok()).expect("--sessions N"),
            "--requests" => requests = args.next().and_then(|v| v.parse().ok()).expect("--requests N"),
            "--dir" => parent = args.next().expect("--dir DIR").into(),
            "--rewind" => rewind = args.next().expect("--rewind BIN").into(),
            "--index" => index = Some(args.next().expect("--index postgres://…")),
            "--data" => kept = Some(std::path::PathBuf::from(args.next().expect("--data DIR"))),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let root = tempfile::tempdir_in(parent).expect("temp dir");
    let data = kept.unwrap_or_else(|| root.path().join("data"));
    std::fs::create_dir_all(&data).unwrap();
    let config = match &index {
        Some(url) => IndexConfig::Postgres(url.clone()),
        None => IndexConfig::Sqlite(data.join("index.sqlite")),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    eprintln!("seeding {sessions} sessions");
    let started = Instant::now();
    runtime.block_on(seed(&config, sessions));
    let size: u64 = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!(
        "seeded {sessions} sessions in {:.0} s; {} {:.0} MB",
        started.elapsed().as_secs_f64(),
        if index.is_some() { "data directory (the index is in PostgreSQL)" } else { "index" },
        size as f64 / 1e6
    );

    let server = start(&rewind, &data, index.as_deref());
    let (_, rss_idle) = memory_kib(server.child.id());
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let day = |i: usize| T_END - (i % 28) as i64 * DAY_MS;
    type Query = Box<dyn Fn(usize) -> String>;
    let filters: Vec<(&str, Query)> = vec![
        ("none (first page)", Box::new(|_| "limit=50".into())),
        ("app", Box::new(|i| format!("app=app-{}", i % 20))),
        ("user", Box::new(|i| format!("user=user-{}", (i * 7_919) % 50_000))),
        ("has=errors", Box::new(|_| "has=errors".into())),
        ("has=rage", Box::new(|_| "has=rage".into())),
        ("has=dead + app", Box::new(|i| format!("has=dead&app=app-{}", i % 20))),
        ("from/to (1 day)", Box::new(move |i| format!("from={}&to={}", day(i) - DAY_MS, day(i)))),
        (
            "app + from/to (1 day) + has=errors",
            Box::new(move |i| format!("app=app-{}&from={}&to={}&has=errors", i % 20, day(i) - DAY_MS, day(i))),
        ),
        ("url_prefix (section)", Box::new(|i| format!("url_prefix=https://shop.example/{}/", SECTIONS[i % 8]))),
        (
            "url_prefix (one page)",
            Box::new(|i| format!("url_prefix=https://shop.example/{}/{}", SECTIONS[i % 8], (i * 8 + i % 8) % 400)),
        ),
        ("offset 5,000", Box::new(|_| "offset=5000".into())),
        ("url (substring)", Box::new(|i| format!("url=/{}/{}", SECTIONS[i % 8], i % 400))),
        ("q (URL or title text)", Box::new(|i| format!("q=page {}", i % 400))),
        // user-100 … user-499 each match ~111 of the 50,000 user ids (user-1000…, user-10000…).
        ("q (user id text)", Box::new(|i| format!("q=user-{}", 100 + i % 400))),
    ];
    println!("| filter | p50 ms | p99 ms | mean total | load (1 min) |");
    println!("|---|---:|---:|---:|---:|");
    runtime.block_on(async {
        for (name, query) in &filters {
            let n = if name.starts_with("url (") || name.starts_with("q (") { requests.min(20) } else { requests };
            let (p50, p99, total) = measure(&http, &server.url, n, query.as_ref()).await;
            println!("| {name} | {p50:.1} | {p99:.1} | {total:.0} | {} |", load_average());
        }
        // Cursor paging: 40 pages deep, following next_cursor.
        let mut times = Vec::new();
        let mut cursor = String::new();
        for _ in 0..40 {
            let started = Instant::now();
            let body = http
                .get(format!("{}/v1/sessions?limit=50&cursor={cursor}", server.url))
                .bearer_auth(READ)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            times.push(started.elapsed().as_secs_f64() * 1e3);
            cursor = body["next_cursor"].as_str().unwrap().to_string();
        }
        times.sort_by(f64::total_cmp);
        println!("| cursor pages 1–40 | {:.1} | {:.1} (max of 40) | | {} |", times[20], times[39], load_average());
    });
    let (peak, rss) = memory_kib(server.child.id());
    println!(
        "collector RSS: {:.0} MB after start, {:.0} MB after the listings, peak {:.0} MB",
        rss_idle as f64 / 1024.0,
        rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}
