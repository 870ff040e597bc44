//! The player's core on recordings that are valid JSON but describe impossible DOM histories:
//! node ids pointing at the wrong node (a parent under its own child, a node before itself, a
//! removed or never-seen id, the document), incremental events dropped, duplicated and swapped.
//! A replayer meets these in exports of tools that lost or reordered events. Whatever the input,
//! the player must not panic, and a seek through checkpoints must still land on exactly the state
//! a straight replay reaches — checkpoints must copy whatever odd tree the events built.
//!
//! The damage is seeded, so every run checks the same copies. To search further:
//! `HOSTILE_SEED=<n> cargo test --release --test play_hostile`; with `HOSTILE_TRACE=1` each copy
//! is named on stderr before it runs and written to `$TMPDIR/hostile.json` (the one that hangs
//! or panics is the last one).
#![cfg(not(target_arch = "wasm32"))]

use rewind::analyze::bundle::{ReplayBundle, ReportOptions, Table, TableFormat};
use rewind::play::seek::Playback;
use serde_json::Value;

#[path = "../benches/play/synth.rs"]
mod synth;

include!("support/fixtures.rs");

macro_rules! source {
    ($dir:literal, $stem:literal) => {
        ($stem, concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $stem, ".json"))
    };
}

const FIXTURES: &[(&str, &str)] = &with_fixtures!(source);
/// Damaged copies of each fixture.
const VARIANTS: u64 = 24;
/// Seeks compared with a straight replay per copy.
const SEEKS: usize = 8;
/// Keys whose numbers are node ids in rrweb's serialized nodes and incremental payloads.
const ID_KEYS: [&str; 3] = ["id", "parentId", "nextId"];

/// Every node id the recording mentions.
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
fn rewire(v: &mut Value, pool: &[i64], one_in: u64, rng: &mut synth::Rng) {
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
fn damage(events: &[Value], pool: &[i64], rng: &mut synth::Rng) -> Vec<Value> {
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

#[test]
fn impossible_dom_histories_replay_without_panic_and_seek_like_a_straight_replay() {
    let seed = std::env::var("HOSTILE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_0000);
    let trace = std::env::var_os("HOSTILE_TRACE").is_some();
    let mut replayed = 0;
    let mut with_warnings = 0;
    for &(stem, path) in FIXTURES {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let mut pool = Vec::new();
        ids(&Value::Array(events.clone()), &mut pool);
        pool.sort_unstable();
        pool.dedup();
        let mut rng = synth::Rng(seed ^ (stem.len() as u64) << 8 ^ events.len() as u64);
        for variant in 0..VARIANTS {
            let damaged = serde_json::to_vec(&damage(&events, &pool, &mut rng)).unwrap();
            if trace {
                eprintln!("{stem} variant {variant}");
                std::fs::write(std::env::temp_dir().join("hostile.json"), &damaged).unwrap();
            }
            let _ = rewind::analyze_bytes(&damaged);
            // The cross-session pass (frustration signals, element tables) reads the same tree.
            let mut bundle = ReplayBundle::new();
            if bundle.add_bytes(&damaged, Some(stem)).is_ok() {
                let _ = bundle.report(&ReportOptions::default());
                let _ = bundle.export(Table::Elements, TableFormat::Csv);
            }
            let Ok(recording) = rewind::codec::decode(&damaged) else { continue };
            let events = recording.events;
            if events.is_empty() {
                continue;
            }
            let mut p = Playback::new(events.clone()).with_checkpoint_work(1);
            while !p.build_checkpoints(5) {}
            with_warnings += usize::from(p.warnings().is_some_and(|w| w.total() > 0));
            let (start, end) = (events[0].timestamp, events[events.len() - 1].timestamp);
            for _ in 0..SEEKS {
                let t = start + rng.below((end - start + 2) as u64) as i64 - 1;
                let n = p.index_at(t);
                let want = Playback::replay_straight(&events, n);
                let got = p.state_at(t);
                assert!(
                    *got == want,
                    "{stem} variant {variant}: the state at {t} differs from a straight replay\n--- seek:\n{}\n--- straight:\n{}",
                    got.dump(),
                    want.dump()
                );
            }
            // Playing forward frame by frame, with the change list the browser edge applies.
            let mut playing = Playback::new(events.clone());
            playing.dom_mut().set_recording(true);
            let mut changes = Vec::new();
            let frame = ((end - start) / 40).max(16);
            let mut t = start;
            while t <= end + frame {
                let n = playing.index_at(t);
                playing.advance(n);
                playing.dom_mut().take_changes(&mut changes);
                t += frame;
            }
            let want = Playback::replay_straight(&events, events.len());
            assert!(
                *playing.dom() == want,
                "{stem} variant {variant}: playing to the end differs from a straight replay"
            );
            replayed += 1;
        }
    }
    assert!(replayed >= FIXTURES.len() * VARIANTS as usize / 2, "only {replayed} damaged copies decoded");
    // The damage must reach the tree: many copies replay with warnings (unknown parents, cycles…).
    // Not all: rewiring an id to one that also fits, or dropping a scroll, is a quiet change.
    assert!(with_warnings * 3 >= replayed, "only {with_warnings} of {replayed} copies warned");
    eprintln!("{replayed} damaged copies replayed, {with_warnings} with warnings");
}
