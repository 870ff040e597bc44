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

#[path = "support/hostile.rs"]
mod hostile;
#[path = "../benches/play/synth.rs"]
mod synth;

include!("support/fixtures.rs");

const FIXTURES: &[(&str, &str)] = &with_fixtures!(fixture_path);
/// Damaged copies of each fixture.
const VARIANTS: u64 = 24;
/// Seeks compared with a straight replay per copy.
const SEEKS: usize = 8;
#[test]
fn impossible_dom_histories_replay_without_panic_and_seek_like_a_straight_replay() {
    let seed = std::env::var("HOSTILE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_0000);
    let trace = std::env::var_os("HOSTILE_TRACE").is_some();
    let mut replayed = 0;
    let mut with_warnings = 0;
    for &(stem, path) in FIXTURES {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let pool = hostile::id_pool(&events);
        let mut rng = synth::Rng(seed ^ (stem.len() as u64) << 8 ^ events.len() as u64);
        for variant in 0..VARIANTS {
            let damaged = serde_json::to_vec(&hostile::damage(&events, &pool, &mut rng)).unwrap();
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
