// Damaged copies of rrweb recordings for the hostile-recording tests (`tests/play_hostile.rs`
// natively, `tests/play_web.rs` in Chromium): valid JSON describing impossible DOM histories.
// Included with `#[path]` next to `synth` (benches/play/synth.rs), whose seeded `Rng` it uses.

use super::synth::Rng;
use serde_json::Value;

/// Keys whose numbers are node ids in rrweb's serialized nodes and incremental payloads.
const ID_KEYS: [&str; 3] = ["id", "parentId", "nextId"];

/// Every node id the recording's events mention, sorted, each once: the pool [`damage`] draws
/// from.
pub fn id_pool(events: &[Value]) -> Vec<i64> {
    let mut pool = Vec::new();
    events.iter().for_each(|e| ids(e, &mut pool));
    pool.sort_unstable();
    pool.dedup();
    pool
}

fn ids(v: &Value, out: &mut Vec<i64>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match v.as_i64() {
                    Some(id) if ID_KEYS.contains(&k.as_str()) => out.push(id),
                    _ => ids(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids(v, out)),
        _ => {}
    }
}

/// Points about one id in `one_in` at another id of the recording, or at one no node has.
fn rewire(v: &mut Value, pool: &[i64], one_in: u64, rng: &mut Rng) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if ID_KEYS.contains(&k.as_str()) && v.is_i64() {
                    if rng.below(one_in) == 0 {
                        let bogus = [-1, 0, 1, 2, i64::from(i32::MAX), (1 << 53) - 1];
                        let n = pool.len() as u64 + bogus.len() as u64;
                        let pick = rng.below(n) as usize;
                        *v = Value::from(pool.get(pick).copied().unwrap_or_else(|| bogus[pick - pool.len()]));
                    }
                } else {
                    rewire(v, pool, one_in, rng);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewire(v, pool, one_in, rng)),
        _ => {}
    }
}

/// A damaged copy: ids rewired in incremental events (and in some copies, FullSnapshots), and
/// a few incremental events dropped,
/// duplicated or moved (their data moves, timestamps stay in order).
pub fn damage(events: &[Value], pool: &[i64], rng: &mut Rng) -> Vec<Value> {
    let mut out: Vec<Value> = events.to_vec();
    let incremental = |e: &Value| e.get("type").and_then(Value::as_i64) == Some(3);
    let one_in = 2 + rng.below(12);
    let snapshot = |e: &Value| e.get("type").and_then(Value::as_i64) == Some(2);
    let damage_snapshots = rng.below(3) == 0;
    for e in out.iter_mut() {
        // FullSnapshots less often and more sparsely: one id in a snapshot repeated elsewhere
        // in it is enough to make a node its own ancestor.
        let rate = match () {
            _ if incremental(e) => one_in,
            _ if snapshot(e) && damage_snapshots => one_in * 8,
            _ => continue,
        };
        if let Some(data) = e.get_mut("data") {
            rewire(data, pool, rate, rng);
        }
    }
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() as u64) as usize;
        if !incremental(&out[at]) {
            continue;
        }
        match rng.below(3) {
            0 => {
                out.remove(at);
            }
            1 => {
                let copy = out[at].clone();
                out.insert(at, copy);
            }
            _ => {
                let other = rng.below(out.len() as u64) as usize;
                if incremental(&out[other]) {
                    let (a, b) = (out[at]["data"].take(), out[other]["data"].take());
                    out[at]["data"] = b;
                    out[other]["data"] = a;
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Damaged files for the salvage tests (`tests/salvage.rs`, `cli/tests/analyze_bad_input.rs`):
// byte-level damage (a cut, one unreadable event spliced in) whose intact part is known exactly.

/// Events that are valid JSON but that no rrweb decoder can read: `data` null, a field of the
/// wrong type, an unknown MouseInteraction payload shape. `{t}` is replaced by a timestamp.
#[allow(dead_code)]
pub const BAD_EVENTS: [&str; 3] = [
    r#"{"type":3,"data":null,"timestamp":{t}}"#,
    r#"{"type":4,"data":{"href":5,"width":"wide"},"timestamp":{t}}"#,
    r#"{"type":3,"data":{"source":2,"type":"click","id":[]},"timestamp":{t}}"#,
];

/// A recording's events as JSON texts, each exactly as recorded.
#[allow(dead_code)]
pub fn raw_events(text: &str) -> Vec<String> {
    let events: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(text).expect("a JSON array of events");
    events.into_iter().map(|e| e.get().to_string()).collect()
}

/// `[e1,e2,…]` and the byte range of each event in it.
#[allow(dead_code)]
pub fn joined(events: &[String]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::from("[");
    let mut ranges = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        ranges.push((out.len(), out.len() + e.len()));
        out.push_str(e);
    }
    out.push(']');
    (out, ranges)
}

/// Ten cut points spread evenly through a text of `len` bytes (never 0 or `len`).
#[allow(dead_code)]
pub fn cut_points(len: usize) -> Vec<usize> {
    (1..=10).map(|i| i * len / 11).collect()
}

/// For a text cut at `cut` whose events occupy `ranges`: how many events are intact, and the
/// byte where the damage starts (the first cut event's start, or the cut itself when it falls
/// between events).
#[allow(dead_code)]
pub fn intact_prefix(ranges: &[(usize, usize)], cut: usize) -> (usize, usize) {
    let intact = ranges.iter().take_while(|&&(_, end)| end <= cut).count();
    let damage_at = match ranges.get(intact) {
        Some(&(start, _)) if start < cut => start,
        _ => cut,
    };
    (intact, damage_at)
}

/// `events` with `bad` (one of [`BAD_EVENTS`]) inserted before event `at`, timestamped like its
/// neighbour; the joined text and the byte offset where the bad event starts.
#[allow(dead_code)]
pub fn splice(events: &[String], at: usize, bad: &str) -> (String, usize) {
    let t = events
        .get(at)
        .or(events.last())
        .and_then(|e| serde_json::from_str::<Value>(e).ok())
        .and_then(|v| v.get("timestamp").and_then(Value::as_i64))
        .unwrap_or(0);
    let mut with_bad = events.to_vec();
    with_bad.insert(at, bad.replace("{t}", &t.to_string()));
    let (text, ranges) = joined(&with_bad);
    (text, ranges[at].0)
}
