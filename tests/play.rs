//! The player's pure core on real recordings: seeking through checkpoints lands on exactly the
//! state a straight replay reaches, on every fixture and on a long synthesised recording, with
//! bounded work per seek; the timeline's viewport, URL, pointer, clicks, inactivity and ticks.
#![cfg(not(target_arch = "wasm32"))]

use rewind::model::{Event, Recording};
use rewind::play::seek::{Playback, Reached, MIN_CHECKPOINT_WORK};
use rewind::play::timeline::{analysis, ClickKind, Span, TickKind, Timeline, INACTIVITY_THRESHOLD_MS, SKIP_MARGIN_MS};
use rewind::play::vdom::VDom;

#[path = "../benches/play/synth.rs"]
mod synth;

include!("support/fixtures.rs");

const FIXTURES: &[(&str, &str)] = &with_fixtures!(fixture_path);

fn decode(path: &str) -> Recording {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    rewind::codec::decode(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every event time, a millisecond before each, and the ends, in a shuffled order.
fn seek_times(events: &[Event], seed: u64) -> Vec<i64> {
    let mut times: Vec<i64> = events.iter().flat_map(|e| [e.timestamp, e.timestamp - 1]).collect();
    times.push(i64::MIN + 1);
    times.push(events.last().map_or(0, |e| e.timestamp) + 1);
    times.dedup();
    let mut rng = synth::Rng(seed);
    for i in (1..times.len()).rev() {
        times.swap(i, rng.below(i as u64 + 1) as usize);
    }
    times
}

fn assert_same(stem: &str, t: i64, got: &VDom, want: &VDom) {
    if got != want {
        let (g, w) = (got.dump(), want.dump());
        let line = g.lines().zip(w.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{stem}: state at {t} differs from a straight replay (first difference at line {line})\n--- seek:\n{g}\n--- straight:\n{w}\nwarnings {:?} vs {:?}",
            got.warnings, want.warnings
        );
    }
}

#[test]
fn every_fixture_seeks_to_the_state_a_straight_replay_reaches() {
    let mut with_copies = 0;
    for &(stem, path) in FIXTURES {
        let events = decode(path).events;
        // fully indexed, half indexed, and FullSnapshots only (rrweb's way)
        let mut full = Playback::new(events.clone()).with_checkpoint_work(1);
        while !full.build_checkpoints(7) {}
        with_copies += usize::from(full.stats().copies > 0);
        let mut half = Playback::new(events.clone()).with_checkpoint_work(1);
        half.build_checkpoints(events.len() / 2);
        let mut plain = Playback::new(events.clone()).without_copies();
        for (k, t) in seek_times(&events, 0x9e37_79b9 ^ stem.len() as u64).into_iter().enumerate() {
            let n = full.index_at(t);
            let want = Playback::replay_straight(&events, n);
            assert_same(stem, t, full.state_at(t), &want);
            assert_same(stem, t, half.state_at(t), &want);
            if k % 3 == 0 {
                assert_same(stem, t, plain.state_at(t), &want);
            }
        }
    }
    assert!(with_copies >= 20, "only {with_copies} recordings made copied checkpoints");
}

#[test]
fn incremental_playback_reaches_the_same_state_as_seeking() {
    for &(stem, path) in FIXTURES {
        let events = decode(path).events;
        let mut playing = Playback::new(events.clone());
        playing.dom_mut().set_recording(true);
        let mut changes = Vec::new();
        let (start, end) = (events[0].timestamp, events[events.len() - 1].timestamp);
        let mut t = start;
        while t <= end + 16 {
            let n = playing.index_at(t);
            playing.advance(n);
            playing.dom_mut().take_changes(&mut changes);
            t += 16; // a 60 fps frame
        }
        let want = Playback::replay_straight(&events, events.len());
        assert_same(stem, end, playing.dom(), &want);
    }
}

#[test]
fn the_fixtures_replay_with_the_warnings_rrweb_gives() {
    // rrweb's own test recordings include deliberately broken ones; our recordings must be clean.
    for &(stem, path) in FIXTURES {
        let events = decode(path).events;
        let mut p = Playback::new(events);
        while !p.build_checkpoints(usize::MAX) {}
        let w = p.warnings().expect("indexed");
        eprintln!("{stem}: {w:?}");
        if path.contains("/fixtures/") {
            assert_eq!(w.total(), 0, "{stem}: {w:?}");
        }
        let dom = p.state_at(i64::MAX);
        assert!(dom.document() != rewind::play::vdom::NONE, "{stem}: no document");
    }
}

#[test]
fn a_long_single_page_recording_seeks_with_bounded_work() {
    // 4 minutes, one FullSnapshot, a page of ~1,200 nodes: rrweb would replay from the start.
    let json = synth::to_json(&synth::single_page(4 * 60_000, None, 300));
    let events = rewind::codec::decode(&json).unwrap().events;
    let (start, end) = (events[0].timestamp, events[events.len() - 1].timestamp);
    assert!(end - start >= 4 * 60_000);
    let mut p = Playback::new(events.clone());
    while !p.build_checkpoints(10_000) {}
    let stats = p.stats();
    assert_eq!(stats.snapshots, 1);
    assert!(stats.copies >= 2, "{stats:?}");
    assert_eq!(p.warnings().unwrap().total(), 0, "the synthesised rounds must be consistent");
    let dom_size = p.state_at(end).len();
    let mut rng = synth::Rng(42);
    for _ in 0..60 {
        let t = start + rng.below((end - start) as u64) as i64;
        let n = p.index_at(t);
        p.state_at(t);
        // from the nearest checkpoint: at most about MIN_CHECKPOINT_WORK (or a DOM size) of
        // work, never the whole recording
        assert!(p.stats().last_replayed <= MIN_CHECKPOINT_WORK.max(dom_size), "{:?}", p.stats());
        if rng.below(6) == 0 {
            assert_same("single_page", t, p.dom(), &Playback::replay_straight(&events, n));
        }
    }
    // Far ahead before indexing: the first seek advances the checkpoint pass, later ones are cheap.
    let mut fresh = Playback::new(events);
    assert_eq!(fresh.seek(fresh.index_at(end)), Reached::Restored);
    fresh.state_at(start + (end - start) / 3);
    assert!(fresh.stats().last_replayed <= MIN_CHECKPOINT_WORK.max(dom_size), "{:?}", fresh.stats());
}

/// `[Meta, FullSnapshot]` at 0, then the given incremental `data` objects at their times.
fn recording(incremental: &[(i64, &str)]) -> Vec<Event> {
    let mut json = String::from(
        r#"[{"type":4,"data":{"href":"http://a.test/one","width":1000,"height":800},"timestamp":0},
        {"type":2,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
          {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[
            {"type":2,"id":4,"tagName":"button","attributes":{},"childNodes":[{"type":3,"id":5,"textContent":"Pay"}]}]}]}]},
          "initialOffset":{"top":0,"left":0}},"timestamp":0}"#,
    );
    for (t, data) in incremental {
        json.push_str(&format!(r#",{{"type":3,"data":{data},"timestamp":{t}}}"#));
    }
    json.push(']');
    rewind::codec::decode(json.as_bytes()).unwrap().events
}

const MOVE: &str =
    r#"{"source":1,"positions":[{"x":10,"y":20,"id":4,"timeOffset":-50},{"x":30,"y":40,"id":4,"timeOffset":0}]}"#;

#[test]
fn inactivity_is_found_between_user_interactions() {
    let events = recording(&[
        (1_000, MOVE),
        (3_000, r#"{"source":0,"texts":[{"id":5,"value":"Paid"}],"attributes":[],"removes":[],"adds":[]}"#),
        (30_000, MOVE), // 27 s without interaction (a mutation is not one)
        (35_000, r#"{"source":3,"id":1,"x":0,"y":100}"#),
        (50_000, r#"{"source":2,"type":2,"id":4,"x":30,"y":40}"#),
    ]);
    let t = Timeline::new(&events);
    assert_eq!(t.inactive(), [Span { start_ms: 1_000, end_ms: 30_000 }, Span { start_ms: 35_000, end_ms: 50_000 }]);
    const { assert!(50_000 - 35_000 > INACTIVITY_THRESHOLD_MS) };
    assert_eq!(t.skip_from(1_500), None, "the first second after the last interaction plays");
    assert_eq!(t.skip_from(2_000), Some(30_000 - SKIP_MARGIN_MS));
    assert_eq!(t.skip_from(29_500), None);
    assert_eq!(t.skip_from(36_000), Some(50_000 - SKIP_MARGIN_MS));
}

#[test]
fn viewport_url_pointer_and_clicks_by_time() {
    let events = recording(&[
        (1_000, MOVE),
        (1_200, r#"{"source":4,"width":500,"height":400}"#),
        (2_000, r#"{"source":2,"type":2,"id":4,"x":31,"y":41}"#),
        (2_500, r#"{"source":2,"type":4,"id":4,"x":31,"y":41}"#),
    ]);
    let t = Timeline::new(&events);
    assert_eq!(t.viewport_at(0), (1000.0, 800.0));
    assert_eq!(t.viewport_at(1_200), (500.0, 400.0));
    assert_eq!(t.url_at(10), Some("http://a.test/one"));
    assert_eq!(t.pointer_at(900), None);
    assert_eq!(t.pointer_at(950), Some((10.0, 20.0)));
    assert_eq!(t.pointer_at(975), Some((20.0, 30.0)), "interpolated");
    assert_eq!(t.pointer_at(1_500), Some((30.0, 40.0)), "the next sample is too far to interpolate");
    assert_eq!(t.pointer_between(0, 1_000).len(), 2);
    let clicks: Vec<ClickKind> = t.clicks().iter().map(|c| c.kind).collect();
    assert_eq!(clicks, [ClickKind::Click, ClickKind::DoubleClick]);
    assert_eq!(t.clicks_between(2_000, 3_000).len(), 1);
}

#[test]
fn route_changes_set_the_url_from_navigation_events_and_from_older_bare_metas() {
    let mut events = recording(&[]);
    let extra = r#"[
        {"type":5,"data":{"tag":"rewind.navigation","payload":{"href":"http://a.test/two","title":"Two"}},"timestamp":1000},
        {"type":5,"data":{"tag":"rewind.navigation","payload":"not an object"},"timestamp":1500},
        {"type":5,"data":{"tag":"app.other","payload":{"href":"http://a.test/not-a-route"}},"timestamp":1600},
        {"type":4,"data":{"href":"http://a.test/three","width":1000,"height":800},"timestamp":2000},
        {"type":5,"data":{"tag":"rewind.navigation","payload":{"href":"http://a.test/four","title":""}},"timestamp":3000}
    ]"#;
    events.extend(rewind::codec::decode(extra.as_bytes()).unwrap().events);
    let t = Timeline::new(&events);
    assert_eq!(t.url_at(500), Some("http://a.test/one"));
    assert_eq!(t.url_at(1_000), Some("http://a.test/two"), "a rewind.navigation event");
    assert_eq!(t.url_at(1_700), Some("http://a.test/two"), "malformed and other tags are no route change");
    assert_eq!(t.url_at(2_000), Some("http://a.test/three"), "a bare Meta of an older recording");
    assert_eq!(t.url_at(3_500), Some("http://a.test/four"));
}

#[test]
fn actions_become_ticks_and_rage_clicks_are_marked() {
    let click = |x: i32| format!(r#"{{"source":2,"type":2,"id":4,"x":{x},"y":40}}"#);
    let (c1, c2, c3) = (click(30), click(31), click(32));
    let events =
        recording(&[(1_000, &c1), (1_300, &c2), (1_600, &c3), (5_000, r#"{"source":3,"id":1,"x":0,"y":300}"#)]);
    let mut t = Timeline::new(&events);
    let (actions, rage) = analysis(Recording { events, ..Recording::default() });
    assert_eq!(rage.len(), 1, "three clicks in 0.6 s on a button that never responds");
    t.set_analysis(actions, &rage);
    assert!(t.clicks().iter().all(|c| c.rage));
    let kinds: Vec<TickKind> = t.ticks().iter().map(|k| k.kind).collect();
    assert_eq!(
        kinds,
        [TickKind::Page, TickKind::Click, TickKind::Rage, TickKind::Click, TickKind::Click, TickKind::Scroll]
    );
    assert_eq!(t.caption_at(1_400), Some(t.actions()[2].description.as_str()));
    assert_eq!(t.caption_at(4_700), None, "captions last three seconds");
}

/// Progressive decoding (`play::load`) of `bytes`, `chunk` events at a time.
fn progressive(bytes: &[u8], chunk: usize) -> (Vec<Event>, Vec<String>) {
    use rewind::play::load::{finish, start, Start};
    match start(bytes.to_vec()).unwrap() {
        Start::Whole(r) => (r.events, r.warnings),
        Start::Progressive { mut events, mut rest, last_timestamp } => {
            assert!(last_timestamp.is_some());
            while !rest.is_done() {
                events.extend(rest.next_chunk(chunk).unwrap());
            }
            let (warnings, _) = finish(&mut events);
            (events, warnings)
        }
    }
}

#[test]
fn progressive_decoding_gives_the_decoders_events() {
    use std::io::Write;
    let mut inputs: Vec<(String, Vec<u8>)> =
        FIXTURES.iter().map(|&(stem, path)| (stem.to_string(), std::fs::read(path).unwrap())).collect();
    inputs.push(("page_loads 2 MB".into(), synth::to_json(&synth::page_loads(2 << 20))));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&inputs[30].1).unwrap();
    inputs.push(("gzip".into(), gz.finish().unwrap()));
    for (name, bytes) in &inputs {
        let want = rewind::codec::decode(bytes).unwrap();
        for chunk in [1, 7, 512] {
            let (events, warnings) = progressive(bytes, chunk);
            assert_eq!(format!("{events:?}"), format!("{:?}", want.events), "{name}, chunks of {chunk}");
            assert_eq!(warnings, want.warnings, "{name}");
        }
    }
}

#[test]
fn a_playback_grown_chunk_by_chunk_seeks_like_one_built_whole() {
    use rewind::play::load::{finish, start, Start};
    let json = synth::to_json(&synth::single_page(2 * 60_000, Some(45_000), 50));
    let whole = rewind::codec::decode(&json).unwrap().events;
    let Start::Progressive { events, mut rest, .. } = start(json).unwrap() else { panic!("an array") };
    let mut p = Playback::new(events);
    let mut rng = synth::Rng(99);
    let (start, end) = (whole[0].timestamp, whole[whole.len() - 1].timestamp);
    while !rest.is_done() {
        p.extend(rest.next_chunk(100).unwrap());
        p.build_checkpoints(37);
        let t = start + rng.below((p.events().last().unwrap().timestamp - start) as u64) as i64;
        let n = p.index_at(t);
        assert_same("growing", t, p.state_at(t), &Playback::replay_straight(&whole, n));
    }
    let mut all = p.into_events();
    let (_, changed) = finish(&mut all);
    assert!(!changed);
    assert_eq!(format!("{all:?}"), format!("{whole:?}"));
    let _ = end;
}
