//! What the fuzz targets run, shared by the raw-bytes and the structure-aware targets.
//!
//! Each function takes one input and runs it through every public path of its half of rewind;
//! a panic (including an arithmetic overflow: the fuzz profile keeps overflow checks on) or a
//! broken invariant is a finding. Regression inputs found this way live in the native test
//! suite (tests/fuzz_regressions.rs), not here.

pub mod gen;

use rewind::analyze::bundle::{ReplayBundle, ReportOptions, Table, TableFormat};
use rewind::play::seek::Playback;
use rewind::play::timeline::{analysis, Timeline};

/// decode → analyze → the timeline (markdown and JSON) → the cross-session bundle report
/// (markdown, JSON, friction, every table in every format).
pub fn analyze_all(bytes: &[u8]) {
    let Ok(analysis) = rewind::analyze_bytes(bytes) else { return };
    let json = analysis.to_replay_json();
    // The JSON the CLI and the wasm build hand out must parse back.
    serde_json::from_str::<serde_json::Value>(&json).expect("replay JSON parses");
    let start = analysis.session.start_time.unwrap_or(0);
    let _ = rewind::analyze::timeline_markdown(&analysis.actions, start);

    let mut bundle = ReplayBundle::new();
    if bundle.add_bytes(bytes, Some("fuzz")).is_err() {
        return;
    }
    let options = ReportOptions { top: 3, ..ReportOptions::default() };
    let report = bundle.report(&options);
    let _ = report.to_markdown(3);
    serde_json::from_str::<serde_json::Value>(&report.to_json()).expect("report JSON parses");
    let friction = bundle.friction();
    let _ = friction.to_markdown(3);
    let _ = friction.to_json();
    let _ = bundle.long_pauses(1.0);
    let _ = bundle.error_sessions();
    for table in [Table::Sessions, Table::Actions, Table::Events, Table::Elements] {
        for format in [TableFormat::Csv, TableFormat::Json, TableFormat::Jsonl] {
            let _ = bundle.export(table, format);
        }
    }
}

/// Seeks compared with a straight replay per input.
const SEEKS: u64 = 6;

/// decode → the player's core: the virtual DOM built from each FullSnapshot and the incremental
/// events applied to it, checkpoints copied every event, seeks (which must land on exactly the
/// state a straight replay reaches), playing forward frame by frame with the change list the
/// browser edge applies, and the player's timeline (pointer, clicks, inactivity, captions).
pub fn play_all(bytes: &[u8]) {
    let Ok(recording) = rewind::codec::decode(bytes) else { return };
    let events = recording.events;
    if events.is_empty() {
        return;
    }
    let (start, end) = (events[0].timestamp, events[events.len() - 1].timestamp);
    // Timestamps are arbitrary i64s here; i128 keeps the harness's own arithmetic exact.
    let span = (i128::from(end) - i128::from(start)).max(0);
    let at = |k: u64| -> i64 {
        let t = i128::from(start) - 1 + span * i128::from(k) / i128::from(SEEKS - 1) + i128::from(k % 2);
        t.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    };

    let mut p = Playback::new(events.clone()).with_checkpoint_work(1);
    while !p.build_checkpoints(5) {}
    let _ = p.warnings();
    // Seek backwards and forwards: late first, then early, so checkpoints are restored.
    for k in (0..SEEKS).rev().chain(0..SEEKS).step_by(2) {
        let t = at(k);
        let n = p.index_at(t);
        let want = Playback::replay_straight(&events, n);
        let got = p.state_at(t);
        assert!(*got == want, "the state at {t} differs from a straight replay");
        let _ = got.dump();
    }

    let mut playing = Playback::new(events.clone());
    playing.dom_mut().set_recording(true);
    let mut changes = Vec::new();
    for k in 0..=16 {
        let t = i128::from(start) + span * k / 16;
        let n = playing.index_at(t as i64);
        playing.advance(n);
        playing.dom_mut().take_changes(&mut changes);
    }
    let want = Playback::replay_straight(&events, events.len());
    assert!(*playing.dom() == want, "playing to the end differs from a straight replay");
    let _ = playing.dom().mirror_dump();

    let mut timeline = Timeline::new(&events);
    let (actions, rage) = analysis(rewind::model::Recording { events, ..Default::default() });
    timeline.set_analysis(actions, &rage);
    for k in 0..SEEKS {
        let t = at(k);
        let _ = (timeline.url_at(t), timeline.pointer_at(t), timeline.caption_at(t), timeline.skip_from(t));
        let _ = (timeline.viewport_at(t), timeline.action_at(t), timeline.clicks_between(start, t));
        let _ = timeline.pointer_between(start, t);
    }
    let _ = timeline.duration_ms();
}

/// A decompressed ingest body through the collector's checks (`rewind_collector::ingest::
/// check_batch`); when they accept it, the read paths must read it back whole:
/// - `GET /v1/sessions/{id}`'s reader (`wire::raw_events`) gives `n_events` events;
/// - the analyzer's decoder (`codec::decode`, what `/analysis` and `rewind analyze` run) reads
///   as many events as `codec::check` counted, from the JSON and from its gzip, without salvage.
///
/// The same holds for the batch ingest stores after server-side redaction
/// (`ingest::prepare`, which checks again only the envelope and the events redaction
/// changed): it must read back whole too. (Found by this target on 2026-12-07: a structural
/// event's number that passes the card checks became `[REDACTED:card]`; structural events now
/// keep their numbers.)
pub fn ingest_roundtrip(bytes: &[u8]) {
    use rewind_collector::{ingest, redact};
    if !reads_back(bytes) {
        return;
    }
    let batch = ingest::check_batch(bytes).expect("reads_back checked it");
    if let Ok((_, Some(redacted))) = ingest::prepare(batch, bytes, &redact::Policy::default()) {
        assert!(reads_back(&redacted), "server-side redaction keeps an accepted batch readable");
    }
}

/// `false` when ingest refuses `json`; otherwise asserts that every read path reads it back.
fn reads_back(json: &[u8]) -> bool {
    use rewind_collector::{ingest, wire};
    let Ok(batch) = ingest::check_batch(json) else { return false };
    let events = wire::raw_events(json).expect("GET reads what ingest accepted");
    assert_eq!(events.len() as u64, batch.n_events, "GET gives every accepted event");
    let counted = rewind::codec::check(json).expect("accepted batches pass the decoder's check");
    let recording = rewind::codec::decode(json).expect("the analyzer decodes what ingest accepted");
    assert!(
        !recording.warnings.iter().any(|w| w.starts_with(rewind::codec::SALVAGE_WARNING)),
        "accepted batches decode without salvage: {:?}",
        recording.warnings
    );
    assert_eq!(recording.events.len(), counted, "the decoder reads every event it checked");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, json).unwrap();
    let stored = gz.finish().unwrap();
    assert_eq!(rewind::codec::decode(&stored).expect("stored gzip decodes").events.len(), counted);
    true
}
