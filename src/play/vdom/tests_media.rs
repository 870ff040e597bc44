//! MediaInteraction (7) and the `rr_media*` snapshot attributes, against hand-built streams.

use super::tests::{el, events, page};
use super::*;

fn media_of(dom: &VDom, id: i64) -> MediaState {
    *dom.element(dom.slot_of(id).unwrap()).unwrap().media.clone().expect("media state")
}

#[test]
fn snapshot_attributes_and_interactions_give_the_time_at_any_playhead() {
    let video = el(
        6,
        "video",
        r#""rr_mediaState":"played","rr_mediaCurrentTime":2,"rr_mediaPlaybackRate":2,"rr_mediaMuted":true,"rr_mediaVolume":0.5"#,
        "",
    );
    let ev = |t: i64, body: &str| format!(r#"{{"type":3,"data":{{"source":7,{body}}},"timestamp":{t}}}"#);
    let json = format!(
        "[{},{},{},{},{}]",
        page(&video),
        ev(3000, r#""type":1,"id":6,"currentTime":6.1"#),
        ev(4000, r#""type":4,"id":6,"playbackRate":0.5"#),
        ev(5000, r#""type":0,"id":6,"volume":1,"muted":false"#),
        ev(6000, r#""type":0,"id":5,"currentTime":1"#), // the body: no media state
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.apply(&evs[0]);
    dom.apply(&evs[1]);
    let m = media_of(&dom, 6);
    assert!(m.playing && m.muted && m.volume == 0.5 && m.rate == 2.0);
    // snapshot at 1000 ms, playing at 2x from 2 s
    assert_eq!(m.time_at(1000), 2.0);
    assert_eq!(m.time_at(2500), 5.0);
    dom.apply(&evs[2]); // paused at 6.1 s
    assert_eq!(media_of(&dom, 6).time_at(9000), 6.1);
    dom.apply(&evs[3]); // rate changed while paused
    dom.apply(&evs[4]); // playing from 6.1 s at 0.5x
    let m = media_of(&dom, 6);
    assert!(m.playing && !m.muted && m.volume == 1.0);
    assert_eq!(m.time_at(7000), 6.1 + 1.0);
    dom.apply(&evs[5]);
    assert!(dom.element(dom.slot_of(5).unwrap()).unwrap().media.is_none());
    assert!(dom.dump().contains("media=MediaState { playing: true"));
}

#[test]
fn a_video_without_recorded_state_has_none_until_an_interaction() {
    let json = format!(
        r#"[{},{{"type":3,"data":{{"source":7,"type":2,"id":6,"currentTime":3.5}},"timestamp":2000}}]"#,
        page(&el(6, "audio", r#""src":"a.mp3""#, ""))
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.apply(&evs[0]); // Meta
    dom.apply(&evs[1]);
    assert!(dom.element(dom.slot_of(6).unwrap()).unwrap().media.is_none());
    dom.set_recording(true);
    dom.apply(&evs[2]);
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    assert_eq!(changes, [Change::Media(dom.slot_of(6).unwrap())]);
    let m = media_of(&dom, 6);
    assert!(!m.playing);
    assert_eq!(m.time_at(10_000), 3.5);
}
