//! Analysing while decoding (`rewind::analyze::analyze_bytes_with`,
//! `AnalyzedSession::from_bytes_with`: events streamed into the analysis, node trees read
//! lean) gives exactly what decoding the whole recording first and analysing it gives
//! (`analyze_with(decode(..))`, `AnalyzedSession::from_recording_with`), on every fixture and
//! on copies in other shapes: out of order, damaged (truncated, a bad event spliced in), JSON
//! Lines, gzip, keys sorted. Reading from a reader in a window (`analyze_reader_with`,
//! `AnalyzedSession::from_reader_with`, the CLI's file input) gives the same again.
#![cfg(not(target_arch = "wasm32"))]

use rewind::analyze::session::AnalyzedSession;
use rewind::analyze::{analyze_bytes_with, analyze_reader_with, analyze_with, AnalyzeOptions};
use rewind::codec::decode;
use std::io::Write;

include!("support/fixtures.rs");

const FIXTURES: &[(&str, &str)] = &with_fixtures!(fixture_path);

#[path = "support/hostile.rs"]
#[allow(dead_code)]
mod hostile;
#[path = "../benches/play/synth.rs"]
mod synth;

use hostile::{cut_points, joined, raw_events, splice, BAD_EVENTS};

/// Both ways of analysing `bytes`, as JSON (the analysis) and as Debug text (the session's
/// facts), must agree, errors included.
fn same_both_ways(label: &str, bytes: &[u8]) {
    for redact in [true, false] {
        let options = AnalyzeOptions { redact };
        let streamed = analyze_bytes_with(bytes, Some("stem"), options).map(|a| a.to_replay_json());
        let whole = decode(bytes).map(|mut r| {
            r.fill_session_id("stem");
            analyze_with(r, options).to_replay_json()
        });
        assert_eq!(streamed, whole, "{label}: analysis (redact {redact})");
        let read = analyze_reader_with(|| Ok(bytes), Some("stem"), options).map(|a| a.to_replay_json());
        assert_eq!(read, whole, "{label}: analysis read in a window (redact {redact})");
        let streamed = AnalyzedSession::from_bytes_with(bytes, Some("stem"), options).map(|s| format!("{s:?}"));
        let whole = decode(bytes).map(|mut r| {
            r.fill_session_id("stem");
            format!("{:?}", AnalyzedSession::from_recording_with(r, options))
        });
        assert_eq!(streamed, whole, "{label}: session (redact {redact})");
        let read = AnalyzedSession::from_reader_with(|| Ok(bytes), Some("stem"), options).map(|s| format!("{s:?}"));
        assert_eq!(read, whole, "{label}: session read in a window (redact {redact})");
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn every_fixture_analyses_the_same_streamed() {
    for &(stem, path) in FIXTURES {
        let text = std::fs::read_to_string(path).unwrap();
        same_both_ways(stem, text.as_bytes());
        same_both_ways(&format!("{stem} gzip"), &gzip(text.as_bytes()));
        let events = raw_events(&text);
        if events.len() < 2 {
            continue;
        }
        // JSON Lines, one event a line; and an envelope.
        same_both_ways(&format!("{stem} lines"), events.join("\n").as_bytes());
        let envelope = format!(r#"{{"session_id":"s","events":{}}}"#, joined(&events).0);
        same_both_ways(&format!("{stem} envelope"), envelope.as_bytes());
        // Keys sorted (`data` before `type`), as a normalising store writes them.
        let sorted: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        same_both_ways(&format!("{stem} sorted keys"), serde_json::to_string(&sorted).unwrap().as_bytes());
        // Out of order: the last event first.
        let mut shuffled = events.clone();
        shuffled.rotate_right(1);
        same_both_ways(&format!("{stem} out of order"), joined(&shuffled).0.as_bytes());
    }
}

#[test]
fn damaged_copies_analyse_the_same_streamed() {
    for &(stem, path) in FIXTURES.iter().filter(|(_, p)| !p.contains("/rrweb/")) {
        let events = raw_events(&std::fs::read_to_string(path).unwrap());
        let (text, _) = joined(&events);
        for cut in cut_points(text.len()) {
            same_both_ways(&format!("{stem} cut at {cut}"), &text.as_bytes()[..cut]);
        }
        for bad in BAD_EVENTS {
            let (spliced, _) = splice(&events, events.len() / 2, bad);
            same_both_ways(&format!("{stem} with {bad}"), spliced.as_bytes());
        }
    }
}
