//! Benchmark: wall time and peak memory of analysing one large recording, next to a plain
//! `serde_json::Value` parse of the same file, each in its own process, in the same run.
//!
//! ```sh
//! cargo bench -p rewind-cli --bench memory                    # one 50 MiB recording (default)
//! REWIND_BENCH_MB=8 cargo bench -p rewind-cli --bench memory  # a smaller one (MiB)
//! ```
//!
//! The recording is a JSON array of the project's `fixtures/*.json` (real rrweb 2.x
//! recordings) one after another, in file-name order, until it reaches the size: each copy a
//! page load (Meta + FullSnapshot + its incremental events) re-timed to start 1 s after the
//! previous copy's last event, events' keys and JSON text as recorded (the `page_loads` input
//! of `benches/analyze.rs`). It is written to `$TMPDIR/rewind-bench-memory-{MB}mb.json`, reused
//! while its size matches, and never committed.
//!
//! Each case is one process under GNU `/usr/bin/time -f '%e %M %U %S'` (wall seconds, peak
//! RSS in KiB, user and system CPU seconds), run 5 times, the cases taking turns in each round
//! so that a shared machine's changing load falls on all of them alike: median wall time,
//! least CPU time (user + system: what contention changes least), highest peak RSS. Ratios
//! are to `parse_value` in the same run. The library cases read the whole file first, so the
//! file's own bytes are in their peaks; `rewind analyze` reads a file in a window
//! (`analyze_reader_with`), so its peak is the analysis state plus a few MiB.
//! - `parse_value`: this binary re-run as `--case parse_value FILE`:
//!   `serde_json::from_slice::<serde_json::Value>` (the baseline);
//! - `skip_values`: `serde_json::from_slice::<Vec<serde::de::IgnoredAny>>`: every value read,
//!   validated and skipped (the floor of reading these bytes with serde_json at all);
//! - `decode_only`: `rewind::codec::decode_into` into a sink that drops each event at once (the
//!   decoder's share of the analysis: the model built and freed, whole node trees, no analysis);
//! - `decode_then_analyze`: `rewind::analyze::analyze(rewind::codec::decode(..))`, every event
//!   decoded into one list before the analysis (how `rewind analyze` worked before streaming);
//! - `analyze_bytes`: `rewind::analyze_bytes` (events analysed as they are decoded);
//! - `rewind analyze --format json FILE`: the real binary (`CARGO_BIN_EXE_rewind`), stdout
//!   into `/dev/null`;
//! - with `REWIND_BENCH_BASELINE=PATH`, also `baseline: rewind analyze`: the same command run
//!   by another build of the binary (e.g. one from before a change), for before/after figures
//!   from one run.
//!
//! Without GNU time only wall time is reported. Under `cargo test` (no `--bench` argument)
//! this is a smoke run: 1 MiB (or `REWIND_BENCH_MB`), one run each.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "../../benches/support/raw_event.rs"]
mod raw_event;
use raw_event::RawEvent;

/// Writes the recording (at least `target` bytes) to `path` unless a file of that size from an
/// earlier run is there; returns its size in bytes and event count.
fn generate(path: &Path, target: usize) -> (u64, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let fixtures: Vec<Vec<RawEvent>> =
        files.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect();
    let stamp = path.with_extension("size");
    let count =
        |p: &Path| serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&std::fs::read(p).unwrap()).unwrap().len();
    if std::fs::read_to_string(&stamp).ok() == Some(target.to_string()) && path.exists() {
        return (std::fs::metadata(path).unwrap().len(), count(path));
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(b"[").unwrap();
    let (mut written, mut events, mut end): (usize, usize, Option<i64>) = (1, 0, None);
    while written < target {
        for run in &fixtures {
            let first = run[0].timestamp();
            let start = end.map_or(first, |e| e + 1000);
            for event in run {
                let t = event.timestamp() - first + start;
                end = Some(end.map_or(t, |e| e.max(t)));
                let json = event.json_at(t);
                if events > 0 {
                    out.write_all(b",").unwrap();
                    written += 1;
                }
                out.write_all(json.as_bytes()).unwrap();
                written += json.len();
                events += 1;
            }
        }
    }
    out.write_all(b"]").unwrap();
    out.flush().unwrap();
    std::fs::write(&stamp, target.to_string()).unwrap();
    (std::fs::metadata(path).unwrap().len(), events)
}

/// The cases this binary runs in a child process (`--case NAME FILE`).
fn run_case(name: &str, file: &Path) {
    let bytes = std::fs::read(file).expect("the recording is readable");
    match name {
        "parse_value" => drop(black_box(serde_json::from_slice::<serde_json::Value>(&bytes).expect("JSON"))),
        "decode_then_analyze" => {
            let recording = rewind::codec::decode(&bytes).expect("decodes");
            drop(black_box(rewind::analyze::analyze(recording)));
        }
        "analyze_bytes" => drop(black_box(rewind::analyze_bytes(&bytes).expect("analyses"))),
        "skip_values" => {
            let values: Vec<serde::de::IgnoredAny> = serde_json::from_slice(&bytes).expect("a JSON array");
            drop(black_box(values));
        }
        "decode_only" => {
            /// Takes each event and drops it at once.
            struct Dropped(usize);
            impl rewind::codec::EventSink for Dropped {
                fn push(&mut self, event: rewind::model::Event) {
                    drop(black_box(event));
                    self.0 += 1;
                }
            }
            let (sink, _) = rewind::codec::decode_into(&bytes, || Dropped(0)).expect("decodes");
            black_box(sink.0);
        }
        other => panic!("unknown case {other}"),
    }
}

/// One process's wall time (s), peak RSS (KiB) and CPU time (user + system, s); the last two
/// with GNU time only.
struct Run {
    wall: f64,
    rss_kib: Option<u64>,
    cpu: Option<f64>,
}

fn measure(mut cmd: Command) -> Run {
    let gnu_time = Path::new("/usr/bin/time").exists();
    if gnu_time {
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        cmd = Command::new("/usr/bin/time");
        cmd.args(["-f", "%e %M %U %S"]).arg(program).args(args);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let output = cmd.output().expect("the case runs");
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{cmd:?} failed: {stderr}");
    if !gnu_time {
        return Run { wall: elapsed, rss_kib: None, cpu: None };
    }
    let mut last = stderr.lines().last().unwrap_or_default().split_whitespace();
    let wall = last.next().and_then(|s| s.parse().ok()).unwrap_or(elapsed);
    let rss_kib = last.next().and_then(|s| s.parse().ok());
    let user: Option<f64> = last.next().and_then(|s| s.parse().ok());
    let system: Option<f64> = last.next().and_then(|s| s.parse().ok());
    Run { wall, rss_kib, cpu: user.zip(system).map(|(u, s)| u + s) }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        run_case(&args[i + 1], Path::new(&args[i + 2]));
        return;
    }
    let bench = args.iter().any(|a| a == "--bench");
    let mb: usize =
        std::env::var("REWIND_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(if bench { 50 } else { 1 });
    let reps = if bench { 5 } else { 1 };
    let path = std::env::temp_dir().join(format!("rewind-bench-memory-{mb}mb.json"));
    let (bytes, events) = generate(&path, mb * 1024 * 1024);
    println!("recording: {bytes} bytes ({:.1} MB), {events} events, {}", bytes as f64 / 1e6, path.display());
    let me = std::env::current_exe().expect("own path");
    let baseline_bin = std::env::var_os("REWIND_BENCH_BASELINE");
    let mut cases = vec![
        "parse_value",
        "skip_values",
        "decode_only",
        "decode_then_analyze",
        "analyze_bytes",
        "rewind analyze --format json",
    ];
    if baseline_bin.is_some() {
        cases.push("baseline: rewind analyze --format json");
    }
    let command = |case: &str| {
        if let Some(bin) = baseline_bin.as_ref().filter(|_| case.starts_with("baseline: ")) {
            let mut c = Command::new(bin);
            c.args(["analyze", "--format", "json"]).arg(&path);
            c
        } else if case.starts_with("rewind ") {
            let mut c = Command::new(env!("CARGO_BIN_EXE_rewind"));
            c.args(["analyze", "--format", "json"]).arg(&path);
            c
        } else {
            let mut c = Command::new(&me);
            c.arg("--case").arg(case).arg(&path);
            c
        }
    };
    let mut runs: Vec<Vec<Run>> = cases.iter().map(|_| Vec::new()).collect();
    for _ in 0..reps {
        for (i, case) in cases.iter().enumerate() {
            runs[i].push(measure(command(case)));
        }
    }
    println!("\n| case | wall time, median of {reps} (all) | MB/s | × parse_value | CPU time, least | × parse_value | peak RSS | × file size |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut baseline: Option<(f64, Option<f64>)> = None;
    for (case, mut runs) in cases.iter().zip(runs) {
        runs.sort_by(|a, b| a.wall.total_cmp(&b.wall));
        let median = runs[runs.len() / 2].wall;
        let cpu = runs.iter().filter_map(|r| r.cpu).min_by(f64::total_cmp);
        let (base_wall, base_cpu) = *baseline.get_or_insert((median, cpu));
        let all: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.wall)).collect();
        let cpu_ratio = cpu.zip(base_cpu).map_or("–".into(), |(c, b)| format!("{:.2}", c / b));
        let cpu = cpu.map_or("–".into(), |c| format!("{c:.2} s"));
        let rss = runs.iter().filter_map(|r| r.rss_kib).max();
        let (rss, rss_ratio) = rss.map_or(("–".into(), "–".into()), |k| {
            (format!("{:.0} MiB", k as f64 / 1024.0), format!("{:.2}", k as f64 * 1024.0 / bytes as f64))
        });
        println!(
            "| `{case}` | {median:.2} s ({} s) | {:.0} | {:.2} | {cpu} | {cpu_ratio} | {rss} | {rss_ratio} |",
            all.join(", "),
            bytes as f64 / 1e6 / median,
            median / base_wall,
        );
    }
    if !bench {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(path.with_extension("size"));
    }
}
