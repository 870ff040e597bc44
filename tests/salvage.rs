//! Damaged copies of every Chromium-recorded fixture (`fixtures/*.json`) in every input shape
//! the codec accepts: each recovers exactly its intact events, and says so in one warning.
//!
//! - cut at ten points: the intact prefix, damage at the first cut event (or at the cut);
//! - one unreadable event spliced in: every other event, one skipped, damage at the bad one;
//! - the same in an `{events}` envelope, a PostHog export, JSON Lines, gzip (a truncated gzip
//!   stream salvages what decompressed), and a batch directory with one damaged file.
#![cfg(not(target_arch = "wasm32"))]

use rewind::codec::{decode, decode_dir, DecodeError, SALVAGE_WARNING};
use rewind::model::Recording;
use std::io::{Read, Write};
use std::path::PathBuf;

#[path = "support/hostile.rs"]
#[allow(dead_code)]
mod hostile;
#[path = "../benches/play/synth.rs"]
mod synth;

use hostile::{cut_points, intact_prefix, joined, raw_events, splice, BAD_EVENTS};

fn fixtures() -> Vec<(String, Vec<String>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<(String, Vec<String>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (p.file_name().unwrap().to_string_lossy().into_owned(), raw_events(&std::fs::read_to_string(&p).unwrap()))
        })
        .collect();
    out.sort();
    assert!(out.len() >= 9, "fixtures/*.json");
    out
}

/// The one warning a salvaged recording carries, exactly.
fn warning(recovered: usize, skipped: usize, at: usize, gzip: bool) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{SALVAGE_WARNING}recovered {recovered} event{}, skipped {skipped} unreadable event{}; the damage starts at byte {at}{}",
        s(recovered),
        s(skipped),
        if gzip { " of the decompressed text" } else { "" }
    )
}

fn damage_warning(r: &Recording) -> &str {
    let found: Vec<&String> = r.warnings.iter().filter(|w| w.starts_with(SALVAGE_WARNING)).collect();
    assert_eq!(found.len(), 1, "{:?}", r.warnings);
    found[0]
}

/// Decodes a damaged copy and checks the exact account. `want` is `None` when nothing is
/// intact (then decoding must fail).
fn check(label: &str, bytes: &[u8], want: Option<(usize, usize, usize)>, gzip: bool) -> Option<Recording> {
    match (decode(bytes), want) {
        (Ok(r), Some((recovered, skipped, at))) => {
            assert_eq!(r.events.len(), recovered, "{label}: {:?}", r.warnings);
            let w = damage_warning(&r);
            let head = warning(recovered, skipped, at, gzip);
            assert!(w.starts_with(&format!("{head} (")), "{label}:\n got {w}\nwant {head} (…)");
            Some(r)
        }
        (Err(e), None) => {
            assert!(!matches!(e, DecodeError::Empty), "{label}: {e}");
            None
        }
        (got, want) => panic!("{label}: got {:?}, want {want:?}", got.map(|r| (r.events.len(), r.warnings))),
    }
}

#[test]
fn intact_fixtures_decode_without_a_damage_warning() {
    for (name, events) in fixtures() {
        let r = decode(joined(&events).0.as_bytes()).unwrap();
        assert_eq!(r.events.len(), events.len(), "{name}");
        assert!(r.warnings.iter().all(|w| !w.starts_with(SALVAGE_WARNING)), "{name}: {:?}", r.warnings);
    }
}

#[test]
fn truncated_arrays_recover_their_intact_prefix() {
    for (name, events) in fixtures() {
        let (text, ranges) = joined(&events);
        for cut in cut_points(text.len()) {
            let (intact, at) = intact_prefix(&ranges, cut);
            let r = check(
                &format!("{name} cut at {cut}"),
                &text.as_bytes()[..cut],
                (intact > 0).then_some((intact, 0, at)),
                false,
            );
            if let Some(r) = r {
                // The prefix, in order, is what the intact file starts with.
                let whole = decode(text.as_bytes()).unwrap();
                let first: Vec<i64> = r.events.iter().map(|e| e.timestamp).collect();
                let mut want: Vec<i64> = whole.events.iter().take(intact).map(|e| e.timestamp).collect();
                want.sort();
                let mut got = first.clone();
                got.sort();
                assert_eq!(got, want, "{name} cut at {cut}");
            }
        }
    }
}

#[test]
fn one_bad_event_is_skipped_and_every_other_kept() {
    for (name, events) in fixtures() {
        for (k, bad) in BAD_EVENTS.iter().enumerate() {
            // At the start (where the strict decoder checks the format), in the middle, at the end.
            for at in [0, events.len() / 2, events.len()] {
                let (text, offset) = splice(&events, at, bad);
                let r =
                    check(&format!("{name} bad #{k} at {at}"), text.as_bytes(), Some((events.len(), 1, offset)), false)
                        .unwrap();
                assert!(damage_warning(&r).contains("unreadable event: "), "{}", damage_warning(&r));
            }
        }
    }
}

#[test]
fn a_syntax_error_mid_file_keeps_the_events_on_both_sides() {
    for (name, events) in fixtures() {
        let (text, ranges) = joined(&events);
        let mid = events.len() / 2;
        let (start, end) = ranges[mid];
        // The middle event's bytes replaced by garbage that is not JSON.
        let broken = format!("{}{{\"type\":3,\"data\":{{]]]{}", &text[..start], &text[end..]);
        check(&format!("{name} garbage at event {mid}"), broken.as_bytes(), Some((events.len() - 1, 1, start)), false);
    }
}

#[test]
fn envelopes_and_posthog_exports_salvage_their_events_array() {
    for (name, events) in fixtures() {
        let (array, ranges) = joined(&events);
        for (shape, head) in [
            ("envelope", r#"{"session_id":"s-1","events":"#),
            ("posthog", r#"{"version":"2023-04-28","data":{"id":"s-1","snapshots":"#),
        ] {
            let text = format!("{head}{array}}}{}", if shape == "posthog" { "}" } else { "" });
            for cut in cut_points(array.len()) {
                let (intact, at) = intact_prefix(&ranges, cut);
                let label = format!("{name} {shape} cut at {cut}");
                if let Some(r) = check(
                    &label,
                    &text.as_bytes()[..head.len() + cut],
                    (intact > 0).then_some((intact, 0, head.len() + at)),
                    false,
                ) {
                    assert_eq!(r.session_id.as_deref(), Some("s-1"), "{label}");
                }
            }
            let (spliced, offset) = splice(&events, events.len() / 3, BAD_EVENTS[0]);
            let text = format!("{head}{spliced}}}{}", if shape == "posthog" { "}" } else { "" });
            check(
                &format!("{name} {shape} bad event"),
                text.as_bytes(),
                Some((events.len(), 1, head.len() + offset)),
                false,
            );
        }
    }
}

#[test]
fn json_lines_keep_every_intact_line() {
    for (name, events) in fixtures() {
        let text: String = events.iter().map(|e| format!("{e}\n")).collect();
        let mut ends = Vec::new();
        let mut pos = 0;
        for e in &events {
            ends.push((pos, pos + e.len()));
            pos += e.len() + 1;
        }
        for cut in cut_points(text.len()) {
            let (intact, at) = intact_prefix(&ends, cut);
            let label = format!("{name} jsonl cut at {cut}");
            if ends.iter().any(|&(_, end)| cut == end || cut == end + 1) {
                // Cut exactly between lines: valid JSON Lines, nothing to detect.
                let r = decode(&text.as_bytes()[..cut]).unwrap();
                assert_eq!(
                    (r.events.len(), r.warnings.iter().any(|w| w.starts_with(SALVAGE_WARNING))),
                    (intact, false),
                    "{label}"
                );
                continue;
            }
            check(&label, &text.as_bytes()[..cut], (intact > 0).then_some((intact, 0, at)), false);
        }
        // A bad line in the middle: every other line kept.
        let mid = events.len() / 2;
        let bad = BAD_EVENTS[0].replace("{t}", "1");
        let with_bad: String =
            events[..mid].iter().chain([&bad]).chain(&events[mid..]).map(|e| format!("{e}\n")).collect();
        check(&format!("{name} jsonl bad line"), with_bad.as_bytes(), Some((events.len(), 1, ends[mid].0)), false);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn truncated_gzip_salvages_what_decompressed() {
    for (name, events) in fixtures() {
        let (text, ranges) = joined(&events);
        let gz = gzip(text.as_bytes());
        for cut in cut_points(gz.len()) {
            // What a streaming inflater yields from the cut stream: a prefix of the text.
            let mut inflated = Vec::new();
            let _ = flate2::read::GzDecoder::new(&gz[..cut]).read_to_end(&mut inflated);
            assert!(text.as_bytes().starts_with(&inflated), "{name}: inflated text is a prefix");
            let (intact, at) = intact_prefix(&ranges, inflated.len());
            let label = format!("{name} gzip cut at {cut} ({} bytes inflated)", inflated.len());
            if let Some(r) = check(&label, &gz[..cut], (intact > 0).then_some((intact, 0, at)), true) {
                assert!(damage_warning(&r).contains("; gzip stream: "), "{label}: {}", damage_warning(&r));
            }
        }
        // A bad event inside an intact gzip stream.
        let (spliced, offset) = splice(&events, 1, BAD_EVENTS[1]);
        check(&format!("{name} gzip bad event"), &gzip(spliced.as_bytes()), Some((events.len(), 1, offset)), true);
    }
}

#[test]
fn batch_directory_with_a_damaged_file_keeps_the_other_batches() {
    let root = std::env::temp_dir().join(format!("rewind-salvage-dir-{}", std::process::id()));
    for (name, events) in fixtures() {
        let dir = root.join(name.trim_end_matches(".json"));
        std::fs::create_dir_all(&dir).unwrap();
        // Two batches; the second is cut in the middle of its events.
        let half = events.len() / 2;
        let batch = |seq: usize, events: &[String]| {
            format!(r#"{{"session_id":"s","seq":{seq},"events":{}}}"#, joined(events).0)
        };
        std::fs::write(dir.join("0.json.gz"), gzip(batch(0, &events[..half]).as_bytes())).unwrap();
        let second = batch(1, &events[half..]);
        let head = second.find('[').unwrap();
        let (_, ranges) = joined(&events[half..]);
        let cut = head + ranges[ranges.len() / 2].0 + 3;
        std::fs::write(dir.join("1.json"), &second[..cut]).unwrap();
        let r = decode_dir(&dir).unwrap();
        let intact = ranges.len() / 2;
        assert_eq!(r.events.len(), half + intact, "{name}");
        let w = damage_warning(&r);
        let want = format!(
            "{SALVAGE_WARNING}1.json: recovered {intact} event{}, skipped 0 unreadable events; the damage starts at byte {} (",
            if intact == 1 { "" } else { "s" },
            head + ranges[intact].0
        );
        assert!(w.starts_with(&want), "{name}:\n got {w}\nwant {want}");
        // A batch file with nothing intact is left out; the others still count.
        std::fs::write(dir.join("1.json"), "[{\"type\":").unwrap();
        let r = decode_dir(&dir).unwrap();
        assert_eq!(r.events.len(), half, "{name}");
        assert!(damage_warning(&r).starts_with(&format!("{SALVAGE_WARNING}1.json left out, nothing recovered: ")));
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_snapshot_past_the_depth_cap_is_named_as_such() {
    let depth = rewind::model::MAX_NODE_DEPTH + 3;
    let mut node = String::from(r#"{"type":2,"tagName":"div","attributes":{},"childNodes":[],"id":999999}"#);
    for i in 0..depth {
        node = format!(r#"{{"type":2,"tagName":"div","attributes":{{}},"childNodes":[{node}],"id":{}}}"#, 10 + i);
    }
    let doc = format!(r#"{{"type":0,"childNodes":[{node}],"id":1}}"#);
    let snapshot =
        format!(r#"{{"type":2,"data":{{"node":{doc},"initialOffset":{{"top":0,"left":0}}}},"timestamp":2}}"#);
    let meta = r#"{"type":4,"data":{"href":"http://x/","width":1,"height":1},"timestamp":1}"#;
    // Alone: an error that names the cap, not "invalid JSON".
    let worker = std::thread::Builder::new().stack_size(64 << 20);
    let snap = snapshot.clone();
    let err = worker.spawn(move || decode(format!("[{snap}]").as_bytes()).unwrap_err()).unwrap().join().unwrap();
    assert!(matches!(err, DecodeError::TooDeep { limit: rewind::model::MAX_NODE_DEPTH, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("node tree too deep: ") && text.contains("MAX_NODE_DEPTH"), "{text}");
    assert!(!text.contains("invalid JSON"), "{text}");
    // With a readable event: salvaged, and the warning names the cap.
    let worker = std::thread::Builder::new().stack_size(64 << 20);
    let r = worker.spawn(move || decode(format!("[{meta},{snapshot}]").as_bytes()).unwrap()).unwrap().join().unwrap();
    assert_eq!(r.events.len(), 1);
    let w = damage_warning(&r);
    assert!(w.contains("node tree too deep") && w.contains(&format!("at byte {}", meta.len() + 2)), "{w}");
}
