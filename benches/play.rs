//! The player's pure core: seeking in a long single-page recording.
//!
//! Input (built in memory at start, `benches/play/synth.rs`): `fixtures/spa-navigation.json`
//! on one page for [`minutes`] minutes (default 30): its FullSnapshot once, with 300 filler
//! list items so the page has ~1,300 nodes, then its incremental events round after round, each
//! round ending with a mutation that re-renders the whole `<html>` (so the DOM does not grow).
//! No periodic FullSnapshots: the worst case for a player that seeks from the last snapshot,
//! which is what rrweb's Replayer does.
//!
//! Before criterion runs, a plain pass prints per-seek latency percentiles (criterion reports
//! means): `state_at` to 1,000 random times on the indexed [`Playback`], and to 100 random
//! times with FullSnapshot checkpoints only (rrweb's strategy, same Rust code), plus the
//! one-time indexing cost and what the checkpoints hold.
//!
//! Groups: `play/seek_indexed` (one random `state_at` per iteration, checkpoints built),
//! `play/seek_snapshots_only` (the same without copied checkpoints), `play/index` (decode →
//! `Playback::new` → every checkpoint).
//!
//! Run: `cargo bench --bench play`. `REWIND_PLAY_MINUTES=60` for an hour.
//! `REWIND_PLAY_WRITE=DIR` also writes the recordings the Chromium harness
//! (`benches/browser/play.mjs`) replays: `single-page-30min.json` and `page-loads-30mb.json`.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use rewind::play::seek::Playback;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "play/synth.rs"]
mod synth;

/// Filler list items added to the page (3 elements + 2 texts each).
const FILLER: usize = 300;

fn minutes() -> i64 {
    std::env::var("REWIND_PLAY_MINUTES").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    format!(
        "p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (n={})",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3,
        v.len()
    )
}

fn write_inputs() {
    let Some(dir) = std::env::var_os("REWIND_PLAY_WRITE") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("output directory");
    let single = synth::to_json(&synth::single_page(30 * 60_000, None, FILLER));
    std::fs::write(dir.join("single-page-30min.json"), &single).expect("write");
    let loads = synth::to_json(&synth::page_loads(30 * 1024 * 1024));
    std::fs::write(dir.join("page-loads-30mb.json"), &loads).expect("write");
    eprintln!("wrote {} ({} bytes) and page-loads-30mb.json ({} bytes)", dir.display(), single.len(), loads.len());
}

fn bench(c: &mut Criterion) {
    write_inputs();
    let json = synth::to_json(&synth::single_page(minutes() * 60_000, None, FILLER));
    let events = rewind::codec::decode(&json).expect("synthesised recording decodes").events;
    let (start, end) = (events[0].timestamp, events[events.len() - 1].timestamp);
    eprintln!(
        "input: {} min single page, {} bytes, {} events, page of {} nodes",
        (end - start) / 60_000,
        json.len(),
        events.len(),
        Playback::replay_straight(&events, 2).len()
    );

    let t0 = Instant::now();
    let mut indexed = Playback::new(events.clone());
    while !indexed.build_checkpoints(usize::MAX) {}
    let index_time = t0.elapsed();
    let stats = indexed.stats();
    eprintln!(
        "index: {:.1} ms; {} copied checkpoints holding {} nodes, {} FullSnapshot checkpoints",
        index_time.as_secs_f64() * 1e3,
        stats.copies,
        stats.copied_nodes,
        stats.snapshots
    );
    let t0 = Instant::now();
    black_box(Playback::replay_straight(&events, events.len()));
    eprintln!("straight replay of the whole recording: {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);

    let mut rng = synth::Rng(0x5eed);
    let mut lat = Vec::new();
    for _ in 0..1000 {
        let t = start + rng.below((end - start) as u64) as i64;
        let t0 = Instant::now();
        black_box(indexed.state_at(t));
        lat.push(t0.elapsed());
    }
    eprintln!("seek, checkpoints: {}", percentiles(lat));
    let mut plain = Playback::new(events.clone()).without_copies();
    let mut lat = Vec::new();
    for _ in 0..100 {
        let t = start + rng.below((end - start) as u64) as i64;
        let t0 = Instant::now();
        black_box(plain.state_at(t));
        lat.push(t0.elapsed());
    }
    eprintln!("seek, FullSnapshots only (rrweb's way): {}", percentiles(lat));

    let mut g = c.benchmark_group("play");
    g.sampling_mode(SamplingMode::Flat);
    let times: Vec<i64> = (0..4096).map(|_| start + rng.below((end - start) as u64) as i64).collect();
    let mut k = 0;
    g.bench_function("seek_indexed", |b| {
        b.iter(|| {
            k = (k + 1) % times.len();
            black_box(indexed.state_at(times[k]).len())
        })
    });
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("seek_snapshots_only", |b| {
        b.iter(|| {
            k = (k + 1) % times.len();
            black_box(plain.state_at(times[k]).len())
        })
    });
    g.bench_function("index", |b| {
        b.iter(|| {
            let events = rewind::codec::decode(&json).expect("decodes").events;
            let mut p = Playback::new(events);
            while !p.build_checkpoints(usize::MAX) {}
            black_box(p.stats())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
