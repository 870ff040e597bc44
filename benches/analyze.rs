//! Analyzer vs plain JSON parse on a large recording.
//!
//! The input is built in memory at start from the real rrweb 2.1.1 recordings in
//! `fixtures/*.json`, repeated until the serialized JSON is at least [`TARGET_BYTES`]:
//!
//! - `page_loads`: every fixture in turn (file-name order), each copy whole (Meta +
//!   FullSnapshot + its incremental events), so every copy is a page load — a long session
//!   with many navigations.
//! - `single_page`: the Meta + FullSnapshot of `spa-navigation.json` once, then only its
//!   incremental events, repeated — one long-lived page. Repeated mutations re-add the same
//!   node ids (the analyzer treats them as moved nodes).
//! - `page_loads_sorted_keys`: the `page_loads` events with every object's keys sorted (what
//!   `serde_json::Value` or a normalizing JSON store writes): `data` before `type`, `source` not
//!   first, so the decoder takes its order-independent (slower) paths.
//!
//! Every copy is re-timed so timestamps keep increasing: it starts 1 s after the previous
//! copy's last event, keeping its own relative timing. Events are copied as raw JSON with their
//! keys in recorded order (rrweb's `type`, `data`, `timestamp`; `source` first in incremental
//! data) and every value's JSON text as recorded; only `timestamp` is rewritten.
//!
//! Groups (each reports throughput via `Throughput::Bytes`; criterion prints it in MiB/s):
//! - `parse_value`: `serde_json::from_slice::<serde_json::Value>` (the baseline);
//! - `decode_only`: `rewind::codec::decode`;
//! - `decode_then_analyze`: `rewind::analyze::analyze(rewind::codec::decode(..))`: every event
//!   decoded into one list, then analysed (the analyzer before it streamed);
//! - `analyze`: `rewind::analyze_bytes` (decode + analyze, events analysed as they are
//!   decoded: the whole user-visible job).
//!
//! Outputs are dropped inside the timed loop for every group (`analyze` frees its events
//! as it goes, so the baseline pays for freeing its `Value` too).
//!
//! Run: `cargo bench --bench analyze`. `REWIND_BENCH_MB=N` changes the input size (default 50).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Default size of each generated input, in bytes (50 MiB).
const TARGET_BYTES: usize = 50 * 1024 * 1024;

/// The fixture whose incremental events make up the `single_page` variant: the recording with
/// the most DOM mutation bytes (an SPA re-rendering its content on every route change).
const SINGLE_PAGE_FIXTURE: &str = "spa-navigation.json";

fn target_bytes() -> usize {
    std::env::var("REWIND_BENCH_MB")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .map_or(TARGET_BYTES, |mb| mb * 1024 * 1024)
}

#[path = "support/raw_event.rs"]
mod raw_event;
use raw_event::RawEvent;

/// `(file name, events)` for every `fixtures/*.json`, sorted by file name.
fn load_fixtures() -> Vec<(String, Vec<RawEvent>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let events: Vec<RawEvent> =
                serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!events.is_empty(), "{}: no events", path.display());
            (path.file_name().unwrap().to_string_lossy().into_owned(), events)
        })
        .collect()
}

/// Accumulates re-timed copies of event runs and tracks the serialized size.
struct Builder {
    events: Vec<RawEvent>,
    /// Timestamp of the last event pushed.
    end: Option<i64>,
    /// Serialized size so far: `[` + events joined by `,` + `]`, plus one.
    size: usize,
}

impl Builder {
    fn new() -> Self {
        Self { events: Vec::new(), end: None, size: 2 }
    }

    /// Appends a copy of `run`, shifted so it starts 1 s after the previous copy's end.
    fn push_copy(&mut self, run: &[RawEvent]) {
        let first = run[0].timestamp();
        let start = self.end.map_or(first, |end| end + 1000);
        for event in run {
            let mut event = event.clone();
            let t = event.timestamp() - first + start;
            event.set_timestamp(t);
            self.end = Some(self.end.map_or(t, |end| end.max(t)));
            self.size += serde_json::to_vec(&event).expect("serializes").len() + 1;
            self.events.push(event);
        }
    }

    fn finish(self) -> Vec<u8> {
        let bytes = serde_json::to_vec(&self.events).expect("serializes");
        assert_eq!(bytes.len(), self.size - 1, "size bookkeeping");
        bytes
    }
}

/// Every fixture in turn, whole, until `target` bytes.
fn page_loads(fixtures: &[(String, Vec<RawEvent>)], target: usize) -> (Vec<u8>, usize) {
    let mut b = Builder::new();
    let mut copies = 0;
    while b.size < target {
        for (_, events) in fixtures {
            b.push_copy(events);
            copies += 1;
        }
    }
    (b.finish(), copies)
}

/// One Meta + FullSnapshot, then the same fixture's incremental events repeated until `target`.
fn single_page(fixtures: &[(String, Vec<RawEvent>)], target: usize) -> (Vec<u8>, usize) {
    let (_, events) = fixtures
        .iter()
        .find(|(name, _)| name == SINGLE_PAGE_FIXTURE)
        .unwrap_or_else(|| panic!("fixtures/{SINGLE_PAGE_FIXTURE} missing"));
    let snapshot_end = events.iter().position(|e| e.is_type(2)).expect("a FullSnapshot") + 1;
    let (head, rest) = events.split_at(snapshot_end);
    assert!(head.iter().any(|e| e.is_type(4)), "a Meta before the FullSnapshot");
    let incremental: Vec<RawEvent> = rest.iter().filter(|e| e.is_type(3)).cloned().collect();
    assert!(!incremental.is_empty(), "incremental events");
    let mut b = Builder::new();
    b.push_copy(head);
    let mut copies = 0;
    while b.size < target {
        b.push_copy(&incremental);
        copies += 1;
    }
    (b.finish(), copies)
}

/// The same events with every object's keys sorted, as `serde_json::Value` (without
/// `preserve_order`) writes them, and as stores that normalize JSON return them: `data` comes
/// before `type`, and `source` is no longer first in incremental data.
fn sorted_keys(bytes: &[u8]) -> Vec<u8> {
    let events: Vec<Value> = serde_json::from_slice(bytes).expect("valid JSON");
    serde_json::to_vec(&events).expect("serializes")
}

fn describe_input(name: &str, bytes: &[u8], copies: usize, what: &str) {
    let events = serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(bytes).expect("valid JSON").len();
    println!(
        "input {name}: {} bytes ({:.1} MiB), {events} events, {copies} copies of {what}",
        bytes.len(),
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
}

/// One timed job over the input bytes.
type Routine = fn(&[u8]);

fn bench(c: &mut Criterion) {
    let fixtures = load_fixtures();
    let target = target_bytes();
    let names: Vec<&str> = fixtures.iter().map(|(n, _)| n.as_str()).collect();

    let (loads, loads_copies) = page_loads(&fixtures, target);
    describe_input("page_loads", &loads, loads_copies, &format!("a whole fixture ({})", names.join(", ")));
    let (single, single_copies) = single_page(&fixtures, target);
    describe_input(
        "single_page",
        &single,
        single_copies,
        &format!("the incremental events of {SINGLE_PAGE_FIXTURE}, after its Meta + FullSnapshot once"),
    );
    let sorted = sorted_keys(&loads);
    describe_input(
        "page_loads_sorted_keys",
        &sorted,
        loads_copies,
        "the page_loads events, every object's keys sorted",
    );
    let inputs = [("page_loads", loads), ("single_page", single), ("page_loads_sorted_keys", sorted)];

    // Sanity: the analyzer accepts both inputs, and report what it found.
    for (name, bytes) in &inputs {
        let a = rewind::analyze_bytes(bytes).expect("analyzes");
        println!(
            "analysis {name}: {} events, {} actions, {} pages, {} warnings",
            a.session.n_events,
            a.session.n_actions,
            a.session.n_pages,
            a.warnings.len()
        );
    }

    let groups: [(&str, Routine); 4] = [
        ("parse_value", |b| drop(black_box(serde_json::from_slice::<Value>(black_box(b)).unwrap()))),
        ("decode_only", |b| drop(black_box(rewind::codec::decode(black_box(b)).unwrap()))),
        ("decode_then_analyze", |b| {
            drop(black_box(rewind::analyze::analyze(rewind::codec::decode(black_box(b)).unwrap())))
        }),
        ("analyze", |b| drop(black_box(rewind::analyze_bytes(black_box(b)).unwrap()))),
    ];
    for (group_name, f) in groups {
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(3))
            .measurement_time(Duration::from_secs(20));
        for (input_name, bytes) in &inputs {
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(input_name), bytes.as_slice(), |b, bytes| {
                b.iter(|| f(bytes))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
