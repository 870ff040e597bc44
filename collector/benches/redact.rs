//! CPU per batch of [`rewind_collector::redact::process_batch`], the pass every stored batch
//! goes through after its checks: server-side redaction and the stored-string cap, without
//! HTTP, gzip or the disk, so the number is the redaction code's own.
//!
//! Batches: each recording in `fixtures/*.json` (Meta, FullSnapshot and a page visit's
//! incremental events, 25 to 100 events, real rrweb 2.x output) in the wire envelope, as
//! `cargo bench -p rewind-cli --bench ingest` sends them (uncompressed here). One iteration
//! processes all of them once; the report divides by the batch count.
//!
//! Groups:
//! - `redaction_on`: the default policy (redaction on, 16 KiB string cap);
//! - `redaction_off`: `--no-server-redaction` (only the string cap), the floor.
//!
//! Run: `cargo bench -p rewind-collector --bench redact`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rewind_collector::redact::{process_batch, Policy};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The fixture recordings as envelopes' JSON, in file-name order.
fn batches() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/")
        .map(|e| e.expect("fixtures/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .enumerate()
        .map(|(seq, f)| {
            let events: Vec<Value> = serde_json::from_slice(&std::fs::read(f).expect("fixture")).expect("fixture JSON");
            let envelope = json!({
                "session_id": "bench-session", "window_id": "w0", "seq": seq, "app_id": "bench",
                "sdk_version": "0.1.0", "sent_at": 1_795_248_208_007_i64, "events": events,
            });
            serde_json::to_vec(&envelope).expect("envelope")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let batches = batches();
    let bytes: usize = batches.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("process_batch");
    group.throughput(Throughput::Elements(batches.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    let changed =
        batches.iter().filter(|b| process_batch(b, &Policy::default()).expect("fixture batch").is_some()).count();
    // A changed batch is also re-compressed by the collector (outside this benchmark).
    println!("{} batches, {} bytes of JSON in all; redaction changes {changed} of them", batches.len(), bytes);
    for (name, policy) in
        [("redaction_on", Policy::default()), ("redaction_off", Policy { redact: false, ..Policy::default() })]
    {
        group.bench_function(name, |b| {
            b.iter(|| {
                for batch in &batches {
                    black_box(process_batch(black_box(batch), &policy).expect("fixture batch"));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
