//! `decode_into` gives `decode`'s events, in `decode`'s order, whichever path it takes.

use super::*;
use std::cell::Cell;
use std::io::Write;

const META: &str = r#"{"type":4,"data":{"href":"http://x/","width":10,"height":10},"timestamp":100}"#;
const CLICK: &str = r#"{"type":3,"data":{"source":2,"type":2,"id":1},"timestamp":200}"#;

fn ev(t: i64) -> String {
    format!(r#"{{"type":3,"data":{{"source":2,"type":2,"id":{t}}},"timestamp":{t}}}"#)
}

/// `decode_into` with a `Vec` sink next to `decode`; returns how many sinks were made (1: the
/// stream went through, 2: it fell back to `decode`).
fn same_as_decode(bytes: &[u8]) -> usize {
    let made = Cell::new(0);
    let streamed = decode_into(bytes, || {
        made.set(made.get() + 1);
        Vec::new()
    });
    match (streamed, decode(bytes)) {
        (Ok((events, info)), Ok(want)) => {
            assert_eq!(format!("{events:?}"), format!("{:?}", want.events));
            assert!(info.events.is_empty());
            assert_eq!((info.session_id, info.distinct_id), (want.session_id, want.distinct_id));
            assert_eq!(info.warnings, want.warnings);
        }
        (Err(got), Err(want)) => assert_eq!(got, want),
        (got, want) => panic!("decode_into {:?} but decode {:?}", got.map(|_| ()), want.map(|_| ())),
    }
    made.get()
}

#[test]
fn in_order_input_streams_in_one_pass() {
    assert_eq!(same_as_decode(format!("[{META},{CLICK}]").as_bytes()), 1);
    let envelope = format!(r#"{{"session_id":"s1","events":[{META},{CLICK}],"distinct_id":"u"}}"#);
    assert_eq!(same_as_decode(envelope.as_bytes()), 1);
    // JSON Lines of events and batches; the first ids seen win, as when batches are joined.
    let lines =
        format!("{META}\n{{\"session_id\":\"a\",\"events\":[{CLICK}]}}\n{{\"session_id\":\"b\",\"events\":[]}}");
    assert_eq!(same_as_decode(lines.as_bytes()), 1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("\u{feff}[{META},{CLICK}]").as_bytes()).unwrap();
    assert_eq!(same_as_decode(&gz.finish().unwrap()), 1);
    assert_eq!(same_as_decode(b"[]"), 1);
    // Equal timestamps are in order; their recorded order is kept.
    assert_eq!(same_as_decode(format!("[{},{},{}]", ev(5), META.replace("100", "5"), ev(5)).as_bytes()), 1);
}

#[test]
fn out_of_order_input_falls_back_to_the_sorted_decode() {
    assert_eq!(same_as_decode(format!("[{CLICK},{META}]").as_bytes()), 2);
    assert_eq!(same_as_decode(format!("[{},{},{},{}]", ev(1), ev(3), ev(2), ev(4)).as_bytes()), 2);
    // The last event earlier than the one before it.
    assert_eq!(same_as_decode(format!("[{},{},{}]", ev(1), ev(3), ev(2)).as_bytes()), 2);
    assert_eq!(same_as_decode(format!("{CLICK}\n{META}\n").as_bytes()), 2);
}

#[test]
fn clock_spikes_are_retimed_while_streaming() {
    let day = MAX_CLOCK_SPIKE_MS;
    for json in [
        format!("[{},{},{},{}]", ev(1000), ev(1000 + 10 * day), ev(2000), ev(3000)),
        // Two spikes in a row are not isolated: left alone, so the order breaks and decode sorts.
        format!("[{},{},{},{}]", ev(1000), ev(1000 + 10 * day), ev(1000 + 10 * day), ev(3000)),
        // A spike into the past.
        format!("[{},{},{},{}]", ev(10 * day), ev(1), ev(10 * day + 5), ev(10 * day + 6)),
        format!("[{},{},{}]", ev(1000), ev(1000 + 2 * day), ev(1001 + 2 * day)),
    ] {
        same_as_decode(json.as_bytes());
    }
    let json = format!("[{},{},{},{}]", ev(1000), ev(1000 + 10 * day), ev(2000), ev(3000));
    assert_eq!(same_as_decode(json.as_bytes()), 1);
}

#[test]
fn damaged_empty_and_foreign_input_take_decode_s_answer() {
    let text = format!("[{META},{CLICK},{CLICK}]");
    assert_eq!(same_as_decode(&text.as_bytes()[..text.len() - 9]), 2);
    let bad = r#"{"type":3,"data":null,"timestamp":150}"#;
    assert_eq!(same_as_decode(format!("[{META},{bad},{CLICK}]").as_bytes()), 2);
    for foreign in [&b""[..], b"  \n", b"[1,2]", br#"{"a":1}"#, b"nope", br#"{"data":{"id":"p","snapshots":[]}}"#] {
        same_as_decode(foreign);
    }
}
