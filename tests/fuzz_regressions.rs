//! Inputs the fuzz targets (fuzz/, FUZZING.md) found to break rewind, minimised with
//! `cargo fuzz tmin`, each checked for the invariant it broke. The fuzz harness checks the same
//! things on every input: no panic anywhere from decode to report, and the player's seeks land
//! on exactly the state a straight replay reaches.
#![cfg(not(target_arch = "wasm32"))]

use rewind::play::seek::Playback;

/// Seeks to every event's timestamp and the millisecond before it, backwards then forwards,
/// with a checkpoint copied after every event, and compares each state with a straight replay.
fn seeks_match_a_straight_replay(json: &str) {
    let events = rewind::codec::decode(json.as_bytes()).expect("decodes").events;
    let mut p = Playback::new(events.clone()).with_checkpoint_work(1);
    while !p.build_checkpoints(1) {}
    let mut times: Vec<i64> = events.iter().flat_map(|e| [e.timestamp - 1, e.timestamp]).collect();
    times.sort_unstable();
    times.dedup();
    for &t in times.iter().rev().chain(&times) {
        let n = p.index_at(t);
        let want = Playback::replay_straight(&events, n);
        let got = p.state_at(t);
        assert!(
            *got == want,
            "seek to {t}:\n--- seek:\n{}{:?}\n{:?}\n--- straight:\n{}{:?}\n{:?}",
            got.dump(),
            got.mirror_dump(),
            got.warnings,
            want.dump(),
            want.mirror_dump(),
            want.warnings
        );
    }
}

/// A document added (isAttachIframe-style) under an iframe before any FullSnapshot, then a
/// FullSnapshot whose root is not a document: play_bytes, 2026-12-06.
#[test]
fn document_added_under_an_iframe_before_the_snapshot() {
    seeks_match_a_straight_replay(concat!(
        r#"{"type":2,"data":{"node":{"type":1,"childNodes":[{"type":2,"tagName":"","childNodes":"#,
        r#"[{"type":2,"tagName":"iframe","id":10}],"id":3}],"id":1}},"timestamp":4}"#,
        r#"{"type":3,"data":{"source":0,"adds":[{"parentId":10,"node":{"type":0,"id":2}}]},"timestamp":0}"#,
    ));
}
