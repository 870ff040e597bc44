//! Benchmark: `rewind report` over a corpus of recordings synthesised from the real rrweb
//! 2.1.1 recordings in `fixtures/*.json` — wall time, throughput and peak memory of the real
//! binary (`CARGO_BIN_EXE_rewind`, built with the bench profile).
//!
//! ```sh
//! cargo bench -p rewind-cli --bench report          # 1,000 recordings, 1 GiB (default)
//! REWIND_BENCH_MB=64 REWIND_BENCH_FILES=100 cargo bench -p rewind-cli --bench report
//! ```
//!
//! The corpus is generated into `$REWIND_BENCH_DIR` (default
//! `$TMPDIR/rewind-bench-report-{MB}mb-{FILES}`) and reused while its parameters match; it is
//! never committed. Each recording is a `{"session_id", "distinct_id", "events"}` envelope
//! holding the project's fixtures one after another (each copy a page load, re-timed to start
//! 1 s after the previous copy's last event; events keep their recorded key order and JSON
//! text), starting at a different fixture per recording, until it reaches its share of the
//! corpus. Three recordings per user (`distinct_id`), so the friction report counts fewer
//! users than replays.
//!
//! Measured (each run 3 times: median wall time; least CPU time, user + system, which a busy
//! shared machine disturbs far less; highest peak RSS of the process):
//! - `rewind report --format json` (rayon: one worker per CPU);
//! - the same with `RAYON_NUM_THREADS=1`;
//! - `rewind analyze --format json` (sequential, and it keeps every analysis until it prints);
//! - `rewind export --format parquet` into a fresh local directory each run (feature `export`;
//!   the "output" column is then the lake's size).
//!
//! `REWIND_BENCH_ONLY=export` (or `report`, `analyze`) runs only that command's rows.
//!
//! Peak memory comes from `/usr/bin/time -f '%e %M'` (GNU time); without it only wall time is
//! reported. Under `cargo test` (no `--bench` argument) this is a smoke run: 20 recordings,
//! `REWIND_BENCH_MB` MiB in total (default 1), one run each, checking the report parses.

use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "../../benches/support/raw_event.rs"]
mod raw_event;
use raw_event::RawEvent;

struct Fixture {
    events: Vec<RawEvent>,
    /// Milliseconds from its first to its last event.
    span: i64,
    bytes: usize,
}

fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let events: Vec<RawEvent> = serde_json::from_str(&text).unwrap();
            let first = events.first().map_or(0, RawEvent::timestamp);
            let span = events.iter().map(RawEvent::timestamp).max().unwrap_or(first) - first;
            Fixture { events, span, bytes: text.len() }
        })
        .collect()
}

/// Writes `files` recordings of about `total / files` bytes each into `dir`; returns the bytes.
fn generate(dir: &Path, total: usize, files: usize) -> u64 {
    let stamp = dir.join(".complete");
    let want = format!("{total} {files}");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return dir_bytes(dir);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut fixtures = fixtures();
    let per_file = total / files;
    let started = Instant::now();
    for i in 0..files {
        let mut t = 1_790_000_000_000 + i as i64 * 3_600_000;
        let path = dir.join(format!("session-{i:04}.json"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(out, r#"{{"session_id":"session-{i:04}","distinct_id":"user-{:03}","events":["#, i / 3).unwrap();
        let (mut written, mut first, mut k) = (0usize, true, i);
        while written < per_file || first {
            let n = fixtures.len();
            let fixture = &mut fixtures[k % n];
            k += 1;
            let start = fixture.events.first().map_or(0, RawEvent::timestamp);
            for event in &mut fixture.events {
                let original = event.timestamp();
                event.set_timestamp(t + (original - start));
                if !first {
                    out.write_all(b",").unwrap();
                }
                first = false;
                serde_json::to_writer(&mut out, event).unwrap();
                event.set_timestamp(original);
            }
            written += fixture.bytes;
            t += fixture.span + 1000;
        }
        out.write_all(b"]}\n").unwrap();
        out.flush().unwrap();
    }
    std::fs::write(&stamp, want).unwrap();
    eprintln!("generated {files} recordings in {:.1} s", started.elapsed().as_secs_f64());
    dir_bytes(dir)
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

/// Bytes of every file under `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .map(|e| e.unwrap())
        .map(|e| if e.file_type().unwrap().is_dir() { tree_bytes(&e.path()) } else { e.metadata().unwrap().len() })
        .sum()
}

struct Run {
    seconds: f64,
    /// User + system CPU seconds (from GNU time).
    cpu_seconds: Option<f64>,
    max_rss_kib: Option<u64>,
    stdout_bytes: u64,
}

/// Runs `rewind ARGS DIR` with stdout into a file; wall time from `/usr/bin/time` when
/// present (it also gives peak RSS), else measured here.
fn run(args: &[&str], threads: Option<&str>, dir: &Path, out: &Path) -> Run {
    let bin = env!("CARGO_BIN_EXE_rewind");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%e %M %U %S", bin]);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args).arg(dir).stdout(std::fs::File::create(out).unwrap()).stderr(Stdio::piped());
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n);
    }
    let started = Instant::now();
    let output = cmd.output().expect("rewind runs");
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "rewind {args:?} failed: {stderr}");
    let stdout_bytes = std::fs::metadata(out).unwrap().len();
    if gnu_time {
        let last = stderr.lines().last().unwrap_or_default();
        let mut parts = last.split_whitespace();
        let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(elapsed);
        let max_rss_kib = parts.next().and_then(|s| s.parse().ok());
        let user: Option<f64> = parts.next().and_then(|s| s.parse().ok());
        let system: Option<f64> = parts.next().and_then(|s| s.parse().ok());
        Run { seconds, cpu_seconds: user.zip(system).map(|(u, s)| u + s), max_rss_kib, stdout_bytes }
    } else {
        Run { seconds: elapsed, cpu_seconds: None, max_rss_kib: None, stdout_bytes }
    }
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let mb = env_usize("REWIND_BENCH_MB").unwrap_or(if bench { 1024 } else { 1 });
    let files = env_usize("REWIND_BENCH_FILES").unwrap_or(if bench { 1000 } else { 20 }).max(1);
    let reps = if bench { 3 } else { 1 };
    let dir = match std::env::var_os("REWIND_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None if bench => std::env::temp_dir().join(format!("rewind-bench-report-{mb}mb-{files}")),
        None => std::env::temp_dir().join(format!("rewind-bench-report-smoke-{}", std::process::id())),
    };
    let bytes = generate(&dir, mb * 1024 * 1024, files);
    let out = dir.with_extension("out");
    println!("corpus: {files} recordings, {bytes} bytes ({:.1} MB), {}", bytes as f64 / 1e6, dir.display());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let lake = dir.with_extension("lake");
    let lake_arg = lake.display().to_string();
    // (name, arguments, RAYON_NUM_THREADS, threads doing the work)
    let mut cases: Vec<(&str, Vec<&str>, Option<&str>, usize)> = vec![
        ("report (rayon, one worker per CPU)", vec!["report", "--format", "json"], None, cpus),
        ("report (RAYON_NUM_THREADS=1)", vec!["report", "--format", "json"], Some("1"), 1),
        ("analyze (sequential, keeps all)", vec!["analyze", "--format", "json"], None, 1),
    ];
    if cfg!(feature = "export") {
        cases.push(("export parquet (rayon, one worker per CPU)", vec!["export", "--out", &lake_arg], None, cpus));
    }
    if let Ok(only) = std::env::var("REWIND_BENCH_ONLY") {
        cases.retain(|(_, args, _, _)| args[0] == only);
    }
    let mut summary = String::new();
    println!("\n| command | threads | wall time (median of {reps}) | MB/s | CPU time (user+sys) | MB per CPU-s | peak RSS | output |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, args, threads, workers) in cases {
        let args = &args[..];
        let fresh = |args: &[&str]| {
            // A full export each time: an existing lake would make the re-run write nothing.
            let _ = std::fs::remove_dir_all(&lake);
            let mut r = run(args, threads, &dir, &out);
            if args[0] == "export" {
                r.stdout_bytes = tree_bytes(&lake);
            }
            r
        };
        let mut runs: Vec<Run> = (0..reps).map(|_| fresh(args)).collect();
        runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        let median = &runs[runs.len() / 2];
        let rss = runs
            .iter()
            .filter_map(|r| r.max_rss_kib)
            .max()
            .map_or("–".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        let all: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.seconds)).collect();
        let cpu_min = runs.iter().filter_map(|r| r.cpu_seconds).min_by(f64::total_cmp);
        let cpu = cpu_min.map_or("–".to_string(), |c| format!("{c:.2} s"));
        let per_cpu = cpu_min.map_or("–".to_string(), |c| format!("{:.0}", bytes as f64 / 1e6 / c));
        println!(
            "| `{name}` | {workers} | {:.2} s ({} s) | {:.0} | {cpu} | {per_cpu} | {rss} | {:.1} MB |",
            median.seconds,
            all.join(", "),
            bytes as f64 / 1e6 / median.seconds,
            median.stdout_bytes as f64 / 1e6,
        );
        if args[0] == "report" {
            // Only the counts: the findings' details are skipped, not held.
            #[derive(Deserialize)]
            struct Group {
                n_findings: u64,
            }
            #[derive(Deserialize)]
            struct Friction {
                groups: Vec<Group>,
            }
            #[derive(Deserialize)]
            struct Report {
                n_replays: u64,
                n_users: u64,
                friction: Friction,
            }
            let file = std::io::BufReader::new(std::fs::File::open(&out).unwrap());
            let report: Report = serde_json::from_reader(file).expect("the report is JSON");
            assert_eq!(report.n_replays, files as u64, "every recording reported");
            let findings: u64 = report.friction.groups.iter().map(|g| g.n_findings).sum();
            summary = format!(
                "report: {} replays, {} users, {} friction groups, {findings} findings",
                report.n_replays,
                report.n_users,
                report.friction.groups.len()
            );
        }
    }
    if lake.exists() {
        let mut sessions = 0;
        for entry in std::fs::read_dir(lake.join("_rewind/days")).unwrap() {
            let manifest: serde_json::Value =
                serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
            sessions += manifest["rows"]["sessions"].as_u64().unwrap();
        }
        assert_eq!(sessions, files as u64, "every recording exported");
        summary.push_str(&format!("\nexport: {sessions} sessions, lake {:.1} MB", tree_bytes(&lake) as f64 / 1e6));
        let _ = std::fs::remove_dir_all(&lake);
    }
    println!("\n{summary}");
    let _ = std::fs::remove_file(&out);
    if !bench {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
