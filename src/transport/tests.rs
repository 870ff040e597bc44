use super::envelope::{envelope_json, gzip, identify_distinct_id, split_to_fit, Sender};
use super::outbox::{event_type, Limits, Outbox};
use super::retry::{backoff_ms, classify, retry_after_seconds_ms, Outcome, BACKOFF_MAX_MS};
use super::session::{valid_id, Session, SESSION_IDLE_MS, SESSION_MAX_MS};
use std::io::Read;

fn ev(kind: u8, pad: usize) -> String {
    format!(r#"{{"type":{kind},"data":{{"p":"{}"}},"timestamp":1}}"#, "x".repeat(pad))
}

fn limits(max_events: usize, max_bytes: usize, buffer_max_bytes: usize) -> Limits {
    Limits { interval_ms: 5_000.0, max_events, max_bytes, buffer_max_bytes }
}

#[test]
fn event_type_reads_the_type_key() {
    assert_eq!(event_type(r#"{"type":3,"data":{}}"#), 3);
    assert_eq!(event_type(r#"{"data":{"source":2},"type": 2}"#), 2);
    assert_eq!(event_type(r#"{"data":{}}"#), 0);
    assert_eq!(event_type(r#"{"type":999}"#), 255);
}

#[test]
fn batches_close_on_count_size_and_time() {
    let mut o = Outbox::new(limits(3, 1_000_000, usize::MAX));
    assert!(!o.push(ev(3, 0), 100.0));
    assert_eq!(o.due_ms(), Some(5_100.0));
    assert!(!o.push(ev(3, 0), 200.0));
    assert!(o.push(ev(3, 0), 300.0), "the third event reaches max_events");
    let b = o.close("s", 0).unwrap();
    assert_eq!((b.seq, b.items.len()), (0, 3));
    assert_eq!(o.due_ms(), None);
    assert!(o.close("s", 1).is_none(), "nothing pending, no empty batch");

    let mut o = Outbox::new(limits(1000, 100, usize::MAX));
    assert!(!o.push(ev(3, 10), 0.0));
    assert!(o.push(ev(3, 60), 0.0), "100 bytes reached");
}

#[test]
fn overflow_drops_oldest_incremental_events_and_keeps_seq() {
    let e = ev(3, 100).len();
    let mut o = Outbox::new(limits(1000, usize::MAX, 10 * e));
    o.push(ev(4, 100), 0.0); // Meta
    o.push(ev(2, 100), 0.0); // FullSnapshot
    for _ in 0..4 {
        o.push(ev(3, 100), 0.0);
    }
    o.close("s", 0);
    for _ in 0..6 {
        o.push(ev(3, 100), 0.0);
    }
    assert_eq!(o.bytes(), 12 * e);
    let dropped = o.enforce_limit();
    assert_eq!(dropped.events, 2);
    assert!(o.bytes() <= 10 * e);
    let first = &o.queue[0];
    assert_eq!(first.seq, 0);
    assert_eq!(first.items.iter().map(|i| i.kind).collect::<Vec<_>>(), [4, 2, 3, 3], "oldest incrementals first");
    assert_eq!(o.pending_len(), 6);

    // Nothing incremental left in the queue: pending events are thinned next.
    let mut o = Outbox::new(limits(1000, usize::MAX, 3 * e));
    o.push(ev(2, 100), 0.0);
    o.close("s", 0);
    for _ in 0..4 {
        o.push(ev(3, 100), 0.0);
    }
    assert_eq!(o.enforce_limit().events, 2);
    assert_eq!(o.pending_len(), 2);
    assert_eq!(o.queue[0].items.len(), 1, "the FullSnapshot stays");
}

#[test]
fn overflow_drops_restored_batches_whole_as_a_last_resort() {
    let mut o = Outbox::new(limits(1000, usize::MAX, 100));
    for seq in 0..3 {
        o.queue.push_back(super::outbox::Batch {
            session_id: "s".into(),
            seq,
            items: Vec::new(),
            body: Some(vec![0; 60]),
            bytes: 60,
            attempts: 0,
            not_before_ms: 0.0,
        });
    }
    let d = o.enforce_limit();
    assert_eq!((d.events, d.batches), (0, 2));
    assert_eq!(o.queue.iter().map(|b| b.seq).collect::<Vec<_>>(), [2]);
}

#[test]
fn under_the_limit_nothing_is_dropped() {
    let mut o = Outbox::new(limits(1000, usize::MAX, 10_000));
    o.push(ev(3, 10), 0.0);
    assert_eq!(o.enforce_limit(), Default::default());
    assert_eq!(o.pending_len(), 1);
}

#[test]
fn envelope_is_the_wire_format_and_gzip_round_trips() {
    let sender = Sender {
        session_id: "s-1".into(),
        window_id: "w".into(),
        app_id: "shop \"eu\"".into(),
        sdk_version: "0.1.0".into(),
        distinct_id_json: Some(r#""u\"7""#.into()),
    };
    let json = envelope_json(&sender, 4, 1_700_000_000_123.0, &[ev(4, 0), ev(3, 0)]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["session_id"], "s-1");
    assert_eq!(v["app_id"], "shop \"eu\"");
    assert_eq!(v["seq"], 4);
    assert_eq!(v["sent_at"], 1_700_000_000_123u64);
    assert_eq!(v["distinct_id"], "u\"7");
    assert_eq!(v["events"].as_array().unwrap().len(), 2);
    let body = gzip(json.as_bytes());
    assert_eq!(&body[..2], [0x1f, 0x8b]);
    let mut back = String::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut back).unwrap();
    assert_eq!(back, json);
    let anonymous = envelope_json(&Sender { distinct_id_json: None, ..sender }, 0, 0.0, &[]);
    assert!(!anonymous.contains("distinct_id") && anonymous.ends_with("\"events\":[]}"));
}

#[test]
fn distinct_id_is_the_identify_events_user_id_as_recorded() {
    let identify =
        |payload: &str| format!(r#"{{"type":5,"data":{{"tag":"rewind.identify","payload":{payload}}},"timestamp":1}}"#);
    // The recorder's redaction (or the SDK's hash) is what the envelope gets, escapes kept.
    let redacted = identify(r#"{"userId":"[REDACTED:email]","traits":{}}"#);
    assert_eq!(identify_distinct_id(&redacted), Some(Some(r#""[REDACTED:email]""#.into())));
    let escaped = identify(r#"{"userId":"a\"b\\","traits":{"userId":"no"}}"#);
    assert_eq!(identify_distinct_id(&escaped), Some(Some(r#""a\"b\\""#.into())));
    assert_eq!(identify_distinct_id(&identify(r#"{"userId":null,"traits":{}}"#)), Some(None));
    let cut = r#"{"type":5,"data":{"tag":"rewind.identify","payload":{"userId":"cut off"#;
    assert_eq!(identify_distinct_id(cut), Some(None));
    // Other events, other tags, and an id only inside traits are not identities.
    assert_eq!(
        identify_distinct_id(r#"{"type":5,"data":{"tag":"rewind.tag","payload":{"userId":"x"}},"timestamp":1}"#),
        None
    );
    assert_eq!(identify_distinct_id(r#"{"type":3,"data":{"source":2},"timestamp":1}"#), None);
    assert_eq!(identify_distinct_id(&identify(r#"{"traits":{"userId":"x"}}"#)), None);
    // What it returns is valid JSON in the envelope.
    let sender = Sender { distinct_id_json: identify_distinct_id(&escaped).flatten(), ..Sender::default() };
    let v: serde_json::Value = serde_json::from_str(&envelope_json(&sender, 0, 0.0, &[])).unwrap();
    assert_eq!(v["distinct_id"], "a\"b\\");
}

#[test]
fn final_flush_splits_under_the_budget() {
    // Incompressible-ish events: each ~2 KB of distinct digits.
    let events: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"type":3,"data":"{}"}}"#,
                (0..400).map(|j| (i * 7 + j * 13) % 97).map(|n| n.to_string()).collect::<String>()
            )
        })
        .collect();
    let mut encode = |evs: &[String]| gzip(envelope_json(&Sender::default(), 0, 0.0, evs).as_bytes());
    let whole = encode(&events).len();
    let budget = whole / 3;
    let parts = split_to_fit(&events, budget, &mut encode);
    assert!(parts.len() >= 3, "{} parts for {whole} B at {budget} B", parts.len());
    assert_eq!(parts.iter().map(|(n, _)| n).sum::<usize>(), 100, "every event once, in order");
    assert!(parts.iter().all(|(_, body)| body.len() <= budget));
    // One event bigger than the budget comes alone.
    let parts = split_to_fit(&events[..3], 10, &mut encode);
    assert_eq!(parts.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 1, 1]);
    assert!(split_to_fit(&[], 10, &mut encode).is_empty());
}

#[test]
fn retry_classification() {
    assert_eq!(classify(Some(200), None, 1, 0.5), Outcome::Accepted);
    assert_eq!(classify(Some(204), None, 1, 0.5), Outcome::Accepted);
    for s in [None, Some(408), Some(429), Some(500), Some(503), Some(599)] {
        assert!(matches!(classify(s, None, 1, 0.5), Outcome::Retry { .. }), "{s:?}");
    }
    for s in [400u16, 401, 403, 404, 413, 422, 302] {
        assert_eq!(classify(Some(s), None, 1, 0.5), Outcome::Drop { reason: format!("http_{s}") });
    }
    assert_eq!(classify(Some(429), Some(7_000.0), 1, 0.5), Outcome::Retry { delay_ms: 7_000.0 });
    assert_eq!(classify(Some(503), Some(1e9), 1, 0.5), Outcome::Retry { delay_ms: BACKOFF_MAX_MS });
}

#[test]
fn backoff_grows_with_full_jitter_and_caps() {
    assert_eq!(backoff_ms(1, 1.0), 1_000.0);
    assert_eq!(backoff_ms(2, 1.0), 2_000.0);
    assert_eq!(backoff_ms(4, 0.5), 4_000.0);
    assert_eq!(backoff_ms(30, 1.0), BACKOFF_MAX_MS);
    assert_eq!(backoff_ms(u32::MAX, 1.0), BACKOFF_MAX_MS);
    assert_eq!(backoff_ms(3, 0.0), 100.0, "floor");
}

#[test]
fn retry_after_delay_seconds() {
    assert_eq!(retry_after_seconds_ms("120"), Some(120_000.0));
    assert_eq!(retry_after_seconds_ms(" 0 "), Some(0.0));
    assert_eq!(retry_after_seconds_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert_eq!(retry_after_seconds_ms("-1"), None);
    assert_eq!(retry_after_seconds_ms(""), None);
}

#[test]
fn sessions_expire_on_idle_and_age() {
    let s = Session::new("abc".into(), 1_000.0);
    assert!(!s.expired(1_000.0 + SESSION_IDLE_MS));
    assert!(s.expired(1_000.0 + SESSION_IDLE_MS + 1.0));
    let mut active = s.clone();
    active.last_activity_ms = 1_000.0 + SESSION_MAX_MS - 10.0;
    assert!(!active.expired(1_000.0 + SESSION_MAX_MS));
    assert!(active.expired(1_000.0 + SESSION_MAX_MS + 1.0));
    assert!(!s.expired(0.0), "a clock going back does not end the session");
}

#[test]
fn session_storage_round_trip_and_rejects() {
    let mut s = Session::new("a_B-9".into(), 1_700_000_000_000.0);
    s.last_activity_ms = 1_700_000_001_000.0;
    assert_eq!(s.take_seq(), 0);
    assert_eq!(s.take_seq(), 1);
    assert_eq!(Session::from_storage(&s.to_storage()), Some(s));
    for bad in ["", "a b c", "../x 1 2 3", "a 1 2 3 4", "a x 2 3", "a 1 2 -3"] {
        assert_eq!(Session::from_storage(bad), None, "{bad:?}");
    }
    assert!(valid_id("0f3c-AB_9") && !valid_id("") && !valid_id(&"a".repeat(65)) && !valid_id("a/b"));
}

#[test]
fn gzip_framing_is_valid_for_empty_and_large_inputs() {
    // The last input barely compresses: the output outgrows the Vec's first capacity.
    let noise = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for data in [Vec::new(), b"a".to_vec(), (0..2_000_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect(), noise] {
        let body = gzip(&data);
        assert_eq!(&body[..4], [0x1f, 0x8b, 8, 0]);
        let mut back = Vec::new();
        // GzDecoder checks the CRC-32 and the length in the trailer.
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }
}

mod buffering {
    use super::super::buffer::*;
    use super::ev;

    const W: f64 = BUFFER_WINDOW_MS;

    fn kinds(items: &[super::super::outbox::Item]) -> Vec<u8> {
        items.iter().map(|i| i.kind).collect()
    }

    #[test]
    fn constants_are_sentrys_minute() {
        assert_eq!(BUFFER_WINDOW_MS, 60_000.0);
        assert_eq!(BUFFER_CHECKOUT_MS, 60_000.0);
    }

    #[test]
    fn sampling_decisions_follow_the_rates() {
        let d = Sampling::default();
        assert_eq!((d.session, d.on_error), (1.0, 0.0), "default: every session sent, as before");
        for u in [0.0, 0.5, 0.999_999] {
            assert_eq!(d.start(u), Mode::Sending);
        }
        let s = Sampling { session: 0.1, on_error: 1.0 };
        assert_eq!(s.start(0.05), Mode::Sending);
        assert_eq!(s.start(0.1), Mode::Buffering, "u must fall under the rate");
        assert_eq!(s.start(0.9), Mode::Buffering);
        assert_eq!(s.trigger(Mode::Buffering, 0.999_999), Mode::Sending);
        let never = Sampling { session: 0.0, on_error: 0.0 };
        assert_eq!(never.start(0.0), Mode::Buffering);
        assert_eq!(never.trigger(Mode::Buffering, 0.0), Mode::Withheld);
        let half = Sampling { session: 0.0, on_error: 0.5 };
        assert_eq!(half.trigger(Mode::Buffering, 0.49), Mode::Sending);
        assert_eq!(half.trigger(Mode::Buffering, 0.5), Mode::Withheld);
        // Decided once: later triggers change nothing.
        assert_eq!(half.trigger(Mode::Withheld, 0.0), Mode::Withheld);
        assert_eq!(half.trigger(Mode::Sending, 0.99), Mode::Sending);
        // Out-of-range rates clamp; NaN never passes.
        let odd = Sampling { session: f64::NAN, on_error: 7.0 };
        assert_eq!(odd.start(0.0), Mode::Buffering);
        assert_eq!(odd.trigger(Mode::Buffering, 0.999), Mode::Sending);
    }

    #[test]
    fn the_decision_is_stored_per_session() {
        for mode in [Mode::Sending, Mode::Buffering, Mode::Withheld] {
            let text = mode_to_storage("abc-1", mode);
            assert_eq!(mode_from_storage(&text, "abc-1"), Some(mode));
            assert_eq!(mode_from_storage(&text, "other"), None, "a new session rolls again");
        }
        for bad in ["", "abc-1", "abc-1 x", "abc-1 s extra", " s"] {
            assert_eq!(mode_from_storage(bad, "abc-1"), None, "{bad:?}");
        }
    }

    #[test]
    fn console_errors_are_triggers() {
        let err = r#"{"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"error","trace":[],"payload":["\"boom\""]}},"timestamp":1}"#;
        let warn = err.replace("\"error\"", "\"warn\"");
        let quoted = r#"{"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"log","trace":[],"payload":["\"plugin\":\"rrweb/console@1\",\"payload\":{\"level\":\"error\""]}},"timestamp":1}"#;
        assert!(is_console_error(err));
        assert!(!is_console_error(&warn));
        assert!(!is_console_error(quoted), "logged text is escaped and never matches");
        assert!(!is_console_error(&ev(3, 10)));
    }

    #[test]
    fn events_before_the_first_meta_are_dropped() {
        let mut b = Buffer::new(usize::MAX);
        assert!(!b.push(ev(3, 0), 0.0));
        assert!(b.is_empty(), "an event before any Meta is dropped");
        b.push(ev(4, 0), 1.0);
        b.push(ev(2, 0), 1.0);
        b.push(ev(3, 0), 2.0);
        assert_eq!(kinds(&b.drain()), [4, 2, 3]);
        assert!(b.is_empty() && b.bytes() == 0);
    }

    /// A page emitting one incremental event a second for ten minutes, with the snapshots the
    /// buffer asks for arriving 100 ms later; at every second the buffer starts with Meta +
    /// FullSnapshot, covers the last 60 s, and stays within about two windows.
    #[test]
    fn the_window_stays_replayable_and_covers_the_last_minute() {
        let mut b = Buffer::new(usize::MAX);
        b.push(ev(4, 0), 0.0);
        b.push(ev(2, 0), 0.0);
        let mut snapshots = 1;
        let mut asked_at = None;
        for s in 1..=600 {
            let now = s as f64 * 1000.0;
            if let Some(t) = asked_at.take() {
                b.push(ev(4, 0), t + 100.0);
                b.push(ev(2, 0), t + 100.0);
                snapshots += 1;
            }
            // Each event carries its second in `data.t`, to read the coverage back.
            if b.push(format!(r#"{{"type":3,"data":{{"t":{s}}},"timestamp":{now}}}"#), now) {
                asked_at = Some(now);
            }
            assert_eq!(b.head_kinds(), [4, 2], "starts with Meta + FullSnapshot at {s} s");
        }
        assert_eq!(snapshots, 10, "one checkout per 60 s of activity");
        let items = b.drain();
        let seconds: Vec<u64> = items
            .iter()
            .filter(|i| i.kind == 3)
            .filter_map(|i| i.json.split("\"t\":").nth(1)?.split('}').next()?.parse().ok())
            .collect();
        let first = *seconds.first().unwrap();
        assert!(first <= 600 - 60, "covers at least the last 60 s: first event at {first} s");
        assert!(first >= 600 - 121, "holds about two windows at most: first event at {first} s");
        assert_eq!(seconds.last(), Some(&600));
        assert!(seconds.windows(2).all(|w| w[1] == w[0] + 1), "no gap inside the window");
    }

    #[test]
    fn a_checkout_is_asked_once_per_interval() {
        let mut b = Buffer::new(usize::MAX);
        b.push(ev(4, 0), 0.0);
        b.push(ev(2, 0), 0.0);
        assert!(!b.push(ev(3, 0), BUFFER_CHECKOUT_MS - 1.0));
        assert!(b.push(ev(3, 0), BUFFER_CHECKOUT_MS), "due at 60 s");
        assert!(!b.push(ev(3, 0), BUFFER_CHECKOUT_MS + 10.0), "asked already");
        b.push(ev(4, 0), BUFFER_CHECKOUT_MS + 20.0);
        b.push(ev(2, 0), BUFFER_CHECKOUT_MS + 20.0);
        assert!(!b.push(ev(3, 0), 2.0 * BUFFER_CHECKOUT_MS));
        assert!(b.push(ev(3, 0), 2.0 * BUFFER_CHECKOUT_MS + 20.0));
        // An idle page asks for nothing until it emits again.
        assert!(!Buffer::new(10).push(ev(3, 0), 1e9));
    }

    #[test]
    fn an_old_segment_stays_until_the_next_one_covers_the_window() {
        let mut b = Buffer::new(usize::MAX);
        b.push(ev(4, 0), 0.0);
        b.push(ev(2, 0), 0.0);
        b.push(ev(4, 0), 30_000.0);
        b.push(ev(2, 0), 30_000.0);
        b.push(ev(3, 0), 30_000.0 + W - 1.0);
        assert_eq!(b.len(), 5, "the second segment is 1 ms short of the window: the first stays");
        b.push(ev(3, 0), 30_000.0 + W);
        assert_eq!(kinds(&b.drain()), [4, 2, 3, 3]);
    }

    #[test]
    fn the_buffer_is_bounded_in_bytes() {
        let e = ev(3, 100).len();
        let mut b = Buffer::new(10 * e);
        b.push(ev(4, 100), 0.0);
        b.push(ev(2, 100), 0.0);
        for t in 1..=4 {
            b.push(ev(3, 100), t as f64);
        }
        b.push(ev(4, 100), 10.0);
        b.push(ev(2, 100), 10.0);
        for t in 11..=13 {
            b.push(ev(3, 100), t as f64);
            assert!(b.bytes() <= 10 * e);
        }
        assert_eq!(b.len(), 5, "the older segment went as soon as the bytes passed the bound");
        // One segment past the bound goes whole; events wait for the next Meta.
        for t in 14..=20 {
            b.push(ev(3, 100), t as f64);
            assert!(b.bytes() <= 10 * e);
        }
        assert!(b.is_empty());
        assert!(!b.push(ev(3, 100), 21.0));
        b.push(ev(4, 100), 22.0);
        b.push(ev(2, 100), 22.0);
        assert_eq!(kinds(&b.drain()), [4, 2]);
    }

    #[test]
    fn clear_forgets_everything() {
        let mut b = Buffer::new(usize::MAX);
        b.push(ev(4, 0), 0.0);
        b.push(ev(2, 0), 0.0);
        b.clear();
        assert!(b.is_empty() && b.bytes() == 0);
        assert!(!b.push(ev(3, 0), 1e9), "no checkout clock after clear");
        assert_eq!(b.drain().len(), 0);
    }
}

#[test]
fn the_envelope_and_the_console_pattern_use_the_protocol_names() {
    use crate::protocol::{envelope, CONSOLE_PLUGIN};
    let sender = super::envelope::Sender {
        session_id: "s".into(),
        window_id: "w".into(),
        app_id: "a".into(),
        sdk_version: "v".into(),
        distinct_id_json: Some("\"u\"".into()),
    };
    let json = super::envelope::envelope_json(&sender, 1, 2.0, &[]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = [
        envelope::SESSION_ID,
        envelope::WINDOW_ID,
        envelope::SEQ,
        envelope::APP_ID,
        envelope::SDK_VERSION,
        envelope::SENT_AT,
        envelope::DISTINCT_ID,
        envelope::EVENTS,
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let error = format!(
        r#"{{"type":6,"data":{{"plugin":"{CONSOLE_PLUGIN}","payload":{{"level":"error","trace":[],"payload":[]}}}},"timestamp":1}}"#
    );
    assert!(super::buffer::is_console_error(&error));
}
