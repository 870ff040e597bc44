use super::*;
use crate::codec;

/// `[Meta, FullSnapshot]` at 0 (viewport 1000 × 800), then the given incremental `data`
/// objects at their times, as a JSON array.
fn recording_json(incremental: &[(i64, &str)]) -> String {
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
    json
}

const MOVE: &str = r#"{"source":1,"positions":[{"x":10,"y":20,"id":4,"timeOffset":0}]}"#;
const CLICK: &str = r#"{"source":2,"type":2,"id":4,"x":10,"y":20}"#;

fn session(incremental: &[(i64, &str)], skip_inactive: bool) -> Session {
    let recording = codec::decode(recording_json(incremental).as_bytes()).unwrap();
    Session::new(recording, skip_inactive, 1.0)
}

/// A clock that moves 1 ms each time it is read: a budget of `n` ms allows about `n` looks.
fn ticking() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

#[test]
fn the_clock_moves_by_wall_time_times_speed_and_a_stall_costs_at_most_one_step() {
    let mut s = session(&[(1_000, MOVE), (60_000, MOVE)], false);
    assert_eq!(s.tick(5_000.0), 0, "paused: nothing moves");
    s.play();
    assert_eq!(s.tick(1_000.0), FRAME_TIME, "the first tick only takes the time");
    assert_eq!(s.current_time(), 0.0);
    s.tick(1_100.0);
    assert_eq!(s.current_time(), 100.0);
    assert_eq!(s.set_speed(2.0), 2.0);
    s.tick(1_200.0);
    assert_eq!(s.current_time(), 300.0);
    // a background tab comes back 10 s later: one capped step
    s.tick(11_200.0);
    assert_eq!(s.current_time(), 300.0 + MAX_FRAME_STEP_MS * 2.0);
    // a clock going backwards does not rewind
    s.tick(11_000.0);
    assert_eq!(s.current_time(), 300.0 + MAX_FRAME_STEP_MS * 2.0);
}

#[test]
fn a_held_frame_does_not_move_the_clock_and_playing_goes_on_from_there() {
    let mut s = session(&[(1_000, MOVE), (60_000, MOVE)], false);
    s.play();
    s.tick(1_000.0);
    s.tick(1_100.0);
    assert_eq!(s.current_time(), 100.0);
    // the page is being built for 200 ms: the frames meanwhile hold the clock
    s.hold();
    s.hold();
    assert_eq!(s.tick(1_300.0), FRAME_TIME, "the first tick after holding only takes the time");
    assert_eq!(s.current_time(), 100.0, "no jump by the time the page took");
    s.tick(1_316.0);
    assert_eq!(s.current_time(), 116.0);
    assert!(s.playing());
}

#[test]
fn speeds_outside_the_list_are_ignored() {
    let mut s = session(&[(1_000, MOVE)], false);
    assert_eq!(s.set_speed(3.0), 1.0);
    assert_eq!(s.set_speed(0.5), 0.5);
    assert_eq!(s.set_speed(f64::NAN), 0.5);
    let recording = codec::decode(recording_json(&[(1_000, MOVE)]).as_bytes()).unwrap();
    assert_eq!(Session::new(recording, true, 16.0).speed(), 1.0);
}

#[test]
fn playing_to_the_end_pauses_there() {
    let mut s = session(&[(1_000, MOVE), (1_200, MOVE)], false);
    assert_eq!(s.duration(), 1_200.0);
    s.play();
    s.tick(0.0);
    let mut flags = 0;
    for frame in 1..=10 {
        flags = s.tick(f64::from(frame) * 200.0);
        if !s.playing() {
            break;
        }
    }
    assert_eq!(flags, FRAME_TIME | FRAME_FINISH);
    assert_eq!(s.current_time(), 1_200.0);
    assert!(s.at_end());
    assert_eq!(s.tick(5_000.0), 0);
}

#[test]
fn seeks_are_clamped_and_a_non_finite_target_is_the_start() {
    let mut s = session(&[(1_000, MOVE), (5_000, MOVE)], false);
    s.seek(2_500.0);
    assert_eq!(s.current_time(), 2_500.0);
    assert_eq!(s.abs(), 2_500);
    s.seek(99_000.0);
    assert_eq!(s.current_time(), 5_000.0);
    s.seek(-3.0);
    assert_eq!(s.current_time(), 0.0);
    s.seek(f64::NAN);
    assert_eq!(s.current_time(), 0.0);
}

#[test]
fn inactive_spans_are_skipped_while_playing_only_when_asked() {
    let incremental = [(1_000, MOVE), (30_000, MOVE), (31_000, MOVE)];
    for skip in [true, false] {
        let mut s = session(&incremental, skip);
        s.seek(1_500.0);
        s.play();
        s.tick(0.0);
        assert_eq!(s.tick(400.0), FRAME_TIME, "the first second after an interaction plays");
        let flags = s.tick(650.0);
        if skip {
            assert_eq!(flags, FRAME_TIME | FRAME_SKIP);
            // to a second before the next interaction
            assert_eq!(s.current_time(), 29_000.0);
        } else {
            assert_eq!(flags, FRAME_TIME);
            assert_eq!(s.current_time(), 2_000.0, "two capped steps");
        }
    }
}

#[test]
fn advancing_hands_out_the_page_once_then_only_what_changed() {
    let text = r#"{"source":0,"texts":[{"id":5,"value":"Paid"}],"attributes":[],"removes":[],"adds":[]}"#;
    let mut s = session(&[(1_000, MOVE), (2_000, text)], false);
    let mut changes = Vec::new();
    s.advance(&mut changes);
    assert!(changes.iter().any(|c| matches!(c, Change::Reset)), "the first page is a rebuild");
    s.advance(&mut changes);
    assert!(changes.is_empty(), "nothing moved, nothing to apply");
    s.seek(2_500.0);
    s.advance(&mut changes);
    assert!(changes.iter().any(|c| matches!(c, Change::Text(..))), "{changes:?}");
    assert!(s.vdom().dump().contains("Paid"));
}

#[test]
fn a_json_array_loads_in_slices_and_ends_with_the_decoders_events() {
    let moves: Vec<(i64, &str)> = (1..=3_000).map(|i| (i * 10, MOVE)).collect();
    let json = recording_json(&moves);
    let mut s = Session::open(json.clone().into_bytes(), true, 1.0).unwrap();
    assert!(!s.loaded());
    assert!(s.undecoded_bytes() > 0);
    assert_eq!(s.duration(), 30_000.0, "the input's last event, before it is decoded");
    assert!(s.loaded_until() < s.duration());
    let mut clock = ticking();
    let mut slices = 1;
    while !s.load_step(0.0, &mut clock) {
        slices += 1;
    }
    assert!(slices >= 3_000 / CHUNK_EVENTS, "one chunk per zero-budget slice: {slices}");
    assert!(s.loaded());
    assert_eq!(s.undecoded_bytes(), 0);
    assert_eq!(s.loaded_until(), s.duration());
    let want = codec::decode(json.as_bytes()).unwrap().events;
    assert_eq!(format!("{:?}", s.playback.events()), format!("{want:?}"));
    assert!(s.load_step(0.0, &mut clock), "a further step has nothing to do");
}

#[test]
fn seeking_past_what_is_decoded_decodes_up_to_the_target_not_the_rest() {
    let moves: Vec<(i64, &str)> = (1..=5_000).map(|i| (i * 10, MOVE)).collect();
    let mut s = Session::open(recording_json(&moves).into_bytes(), true, 1.0).unwrap();
    s.seek(12_000.0);
    assert!(s.loaded_until() >= 12_000.0);
    assert!(!s.loaded(), "the rest is left to the slices");
    s.seek(f64::INFINITY);
    assert_eq!(s.current_time(), 0.0);
    s.seek(50_000.0);
    assert!(s.loaded());
    assert_eq!(s.current_time(), 50_000.0);
}

#[test]
fn a_broken_recording_plays_up_to_the_break_with_a_warning() {
    let mut json = recording_json(&(1..=2_000).map(|i| (i * 10, MOVE)).collect::<Vec<_>>());
    json.truncate(json.len() - 40);
    json.push_str("}, oops]");
    let mut s = Session::open(json.into_bytes(), true, 1.0).unwrap();
    while !s.load_step(f64::INFINITY, &mut ticking()) {}
    let info: serde_json::Value = serde_json::from_str(&s.info_json(vec!["edge said no".into()])).unwrap();
    let warnings = info["warnings"].as_array().unwrap();
    assert!(warnings[0].as_str().unwrap().starts_with("the recording could not be read past event"), "{warnings:?}");
    assert_eq!(warnings.last().unwrap(), "edge said no", "the edge's warnings come last");
    assert!(info["n_events"].as_u64().unwrap() > 1_000);
}

#[test]
fn input_errors_are_the_decoders() {
    for bad in [&b""[..], b"[{", b"{\"nope\": 1}"] {
        let want = codec::decode(bad).unwrap_err().to_string();
        assert_eq!(Session::open(bad.to_vec(), true, 1.0).err().unwrap().to_string(), want);
    }
}

#[test]
fn the_analysis_runs_in_slices_then_sets_actions_ticks_and_the_current_action() {
    let mut incremental = vec![(500, MOVE)];
    incremental.extend((0..200).map(|i| (1_000 + i * 20, MOVE)));
    incremental.push((6_000, CLICK));
    incremental.push((9_000, MOVE));
    let mut s = session(&incremental, false);
    assert_eq!(s.actions_json(None, None), "[]");
    let mut clock = ticking();
    let mut slices = 1;
    while !s.analyze_step(0.0, &mut clock) {
        slices += 1;
    }
    // 203 events looked at every ANALYZE_CHECK_EVENTS (or after the FullSnapshot), then
    // finishing, then applying: a call each
    assert!(slices >= 5, "{slices}");
    let actions: serde_json::Value = serde_json::from_str(&s.actions_json(None, None)).unwrap();
    let clicks: Vec<_> = actions.as_array().unwrap().iter().filter(|a| a["action"] == "click").collect();
    assert_eq!(clicks.len(), 1, "{actions}");
    assert_eq!(clicks[0]["t_ms"], 6_000);
    let ticks: serde_json::Value = serde_json::from_str(&s.ticks_json(None, None)).unwrap();
    assert!(ticks.as_array().unwrap().iter().any(|t| t["kind"] == "click" && t["t_ms"] == 6_000), "{ticks}");
    assert_eq!(s.actions_json(Some(5), Some(2)), "[]", "clamped, never a panic");
    s.seek(6_500.0);
    assert_eq!(s.update_action(), FRAME_ACTION);
    assert_eq!(s.update_action(), 0);
    let at = s.current_action().unwrap();
    assert_eq!(actions[at]["t_ms"], 6_000);
    // all at once, as `analyze()` does
    let mut again = session(&incremental, false);
    assert!(again.analyze_step(f64::INFINITY, &mut ticking()));
    assert_eq!(again.actions_json(None, None), s.actions_json(None, None));
}

#[test]
fn the_checkpoint_pass_runs_in_slices_and_ends() {
    let mutation = |i: i64| {
        format!(r#"{{"source":0,"texts":[{{"id":5,"value":"v{i}"}}],"attributes":[],"removes":[],"adds":[]}}"#)
    };
    let texts: Vec<String> = (1..=400).map(mutation).collect();
    let incremental: Vec<(i64, &str)> = texts.iter().enumerate().map(|(i, t)| (i as i64 * 10, t.as_str())).collect();
    let mut s = session(&incremental, false);
    let mut clock = ticking();
    let mut slices = 1;
    while !s.index_step(0.0, &mut clock) {
        slices += 1;
    }
    assert!(slices >= 400 / INDEX_CHECK_EVENTS, "{slices}");
    assert!(s.index_step(0.0, &mut clock));
}

#[test]
fn the_page_before_the_first_snapshot_is_the_snapshot_and_info_says_where_it_is() {
    let json = r#"[{"type":3,"data":{"source":1,"positions":[{"x":1,"y":2,"id":4,"timeOffset":0}]},"timestamp":100},
        {"type":4,"data":{"href":"http://a.test/late","width":640,"height":480},"timestamp":2000},
        {"type":2,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"top":0,"left":0}},"timestamp":2000}]"#;
    let mut s = Session::new(codec::decode(json.as_bytes()).unwrap(), true, 1.0);
    assert_eq!(s.abs(), 100);
    assert_eq!(s.dom_time(), 2_000);
    s.seek(1_950.0);
    let info: serde_json::Value = serde_json::from_str(&s.info_json(Vec::new())).unwrap();
    assert_eq!(info["url"], "http://a.test/late");
    assert_eq!(info["viewport"], serde_json::json!([640.0, 480.0]));
    assert_eq!((info["start_time"].as_i64(), info["duration_ms"].as_i64()), (Some(100), Some(1_900)));
}

/// Opens `json` as a stream fed `piece` bytes at a time: the session, once the bytes so far
/// hold the first FullSnapshot, and how many bytes it took.
fn open_streamed(json: &[u8], piece: usize) -> (Session, usize) {
    let mut n = 0;
    loop {
        n = (n + piece).min(json.len());
        if let Some(s) = Session::open_stream(json[..n].to_vec(), true, 1.0).unwrap() {
            return (s, n);
        }
        assert!(n < json.len(), "the whole input holds a FullSnapshot");
    }
}

#[test]
fn a_stream_opens_at_its_first_snapshot_and_decodes_what_arrives_in_partial_chunks() {
    let moves: Vec<(i64, &str)> = (1..=2_000).map(|i| (i * 10, MOVE)).collect();
    let json = recording_json(&moves).into_bytes();
    assert!(Session::open_stream(json[..40].to_vec(), true, 1.0).unwrap().is_none(), "no snapshot yet");
    let (mut s, mut fed) = open_streamed(&json, 97);
    assert!(fed < json.len() / 10, "mounted on the head, not the whole input: {fed}");
    assert!(!s.loaded());
    let mut clock = ticking();
    let mut durations = Vec::new();
    // pieces cut inside elements, strings and separators alike, up to the array's `]`
    let close = json.len() - 1;
    while fed < close {
        let next = (fed + 1_013).min(close);
        s.push_input(&json[fed..next]);
        fed = next;
        assert!(!s.load_step(f64::INFINITY, &mut clock), "open input: never loaded");
        assert!(s.waiting(), "caught up with the bytes received");
        assert!(!s.load_step(f64::INFINITY, &mut clock), "waiting: nothing to do");
        assert_eq!(s.loaded_until(), s.duration(), "the end so far is the latest event received");
        durations.push(s.duration());
    }
    assert!(durations.windows(2).all(|w| w[0] <= w[1]) && durations[0] < 20_000.0, "{durations:?}");
    s.end_input();
    assert!(!s.waiting(), "the end of input is news to decode");
    assert!(s.load_step(f64::INFINITY, &mut clock));
    let info: serde_json::Value = serde_json::from_str(&s.info_json(Vec::new())).unwrap();
    assert_eq!(info["n_events"], 2_002, "all that came plays");
    assert_eq!(info["warnings"].as_array().unwrap().len(), 1, "with the decoder's word on the open array");
    // the same feed with its `]`: loaded, whether or not the end of input came
    let (mut s, mut fed) = open_streamed(&json, 97);
    while fed < json.len() {
        let next = (fed + 1_013).min(json.len());
        s.push_input(&json[fed..next]);
        fed = next;
        s.load_step(f64::INFINITY, &mut clock);
    }
    assert!(s.loaded(), "the array's `]` ends the recording");
    assert_eq!(s.duration(), 20_000.0);
    let want = codec::decode(&json).unwrap().events;
    assert_eq!(format!("{:?}", s.playback.events()), format!("{want:?}"));
    s.push_input(b"garbage");
    assert!(s.load_step(0.0, &mut clock), "bytes after the end are ignored");
}

#[test]
fn a_seek_past_what_arrived_waits_at_the_decoded_end_then_lands() {
    let moves: Vec<(i64, &str)> = (1..=3_000).map(|i| (i * 10, MOVE)).collect();
    let json = recording_json(&moves).into_bytes();
    let (mut s, opened) = open_streamed(&json, 4_096);
    let half = json.len() / 2;
    s.push_input(&json[opened..half]);
    let mut clock = ticking();
    while !s.waiting() {
        assert!(!s.load_step(0.0, &mut clock));
    }
    let arrived = s.loaded_until();
    assert!(arrived > 0.0 && arrived < 25_000.0, "{arrived}");
    assert_eq!(s.duration(), arrived, "the end so far is the latest event received");
    s.seek(25_000.0);
    assert_eq!(s.current_time(), arrived, "clamped to what arrived");
    assert!(s.waiting(), "and nothing more to decode: the edge keeps the target and waits");
    // playing on at the end so far does not spin either: it stops there
    s.play();
    assert_ne!(s.tick(0.0) & FRAME_FINISH, 0);
    assert_eq!(s.current_time(), arrived);
    s.push_input(&json[half..json.len() - 1]);
    while s.loaded_until() <= 25_000.0 {
        assert!(!s.load_step(0.0, &mut clock));
    }
    s.seek(25_000.0);
    assert_eq!(s.current_time(), 25_000.0, "the bytes came and were decoded: the seek lands");
    assert!(!s.loaded(), "the input is still open");
    s.push_input(b"]");
    s.end_input();
    while !s.load_step(0.0, &mut clock) {}
    s.seek(f64::MAX);
    assert_eq!(s.current_time(), 30_000.0, "all in: the end is the recording's");
}

#[test]
fn the_end_of_input_ends_the_recording_where_it_stopped() {
    let moves: Vec<(i64, &str)> = (1..=1_000).map(|i| (i * 10, MOVE)).collect();
    let json = recording_json(&moves).into_bytes();
    let (mut s, opened) = open_streamed(&json, 512);
    // the stream fails mid-element: what came plays, with the decoder's warning
    let cut = json.len() * 2 / 3;
    s.push_input(&json[opened..cut]);
    s.end_input();
    let mut clock = ticking();
    while !s.load_step(0.0, &mut clock) {}
    assert!(s.loaded() && !s.waiting());
    let info: serde_json::Value = serde_json::from_str(&s.info_json(Vec::new())).unwrap();
    let n = info["n_events"].as_u64().unwrap();
    assert!(n > 500 && n < 1_002, "{n}");
    let warnings = info["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("could not be read past event")), "{warnings:?}");
    // a whole stream followed by what is not the array (the read route's warnings) ends at `]`
    let mut tail = json.clone();
    tail.extend_from_slice(br#"],"warnings":["x"]}"#);
    let (mut s, opened) = open_streamed(&tail, 8_192);
    s.push_input(&tail[opened..]);
    s.end_input();
    assert!(s.load_step(f64::INFINITY, &mut clock));
    let info: serde_json::Value = serde_json::from_str(&s.info_json(Vec::new())).unwrap();
    assert_eq!(info["n_events"], 1_002);
    assert_eq!(info["warnings"], serde_json::json!([]));
}

#[test]
fn stream_input_errors_are_the_decoders_and_other_sessions_ignore_the_feed() {
    let err = Session::open_stream(b"  {\"events\": []}".to_vec(), true, 1.0).err().unwrap();
    assert!(matches!(err, DecodeError::UnsupportedFormat { .. }), "{err}");
    assert!(Session::open_stream(b"[{\"type\":2,\"timestamp\":".to_vec(), true, 1.0).unwrap().is_none());
    assert!(Session::open_stream(b"[{\"type\":2,\"data\":7,\"timestamp\":0},".to_vec(), true, 1.0).is_err());
    let mut s = session(&[(1_000, MOVE)], true);
    s.push_input(b"[1,2");
    s.end_input();
    assert!(!s.waiting() && s.loaded());
    assert_eq!(s.duration(), 1_000.0);
}
