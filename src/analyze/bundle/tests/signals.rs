//! U-turns, form abandonment, thrashed cursor, excessive scrolling, long pauses.

use super::*;

fn kinds(r: AnalyzedSession) -> Vec<(FindingKind, usize)> {
    counts(&ReplayBundle::from(r).findings())
}

#[test]
fn u_turns_within_ten_seconds() {
    let trip = |back_ms: i64| {
        vec![
            meta(1000, "https://shop.test/products/1042?ref=x"),
            snapshot(1000),
            meta(back_ms, "https://shop.test/cart?coupon=Y"),
            snapshot(back_ms),
        ]
    };
    let r = replay(&[click(500, LINK), trip(11_000)].concat());
    let found = ReplayBundle::from(r).u_turns();
    assert_eq!(counts(&found), [(FindingKind::UTurn, 1)]);
    let f = &found[0];
    assert_eq!(f.explanation, "Went from /cart to /products/:id and came back after 10.0 s");
    assert_eq!(f.url.as_deref(), Some("https://shop.test/products/:id"));
    assert_eq!(f.element.as_deref(), Some(r#"a "Next" to /next"#));
    assert_eq!((f.t_ms, f.end_ms), (at(1000), at(11_000)));
    // 10,001 ms is not a quick back.
    assert!(ReplayBundle::from(replay(&trip(11_001))).u_turns().is_empty());
    // Jumping to an anchor and back, or going on to a third page, is not a u-turn.
    let anchor = [meta(1000, "https://shop.test/cart?coupon=X#terms"), meta(2000, "https://shop.test/cart?coupon=X")];
    assert!(ReplayBundle::from(replay(&anchor)).u_turns().is_empty());
    let onwards = [meta(1000, "https://shop.test/a"), meta(2000, "https://shop.test/b")];
    assert!(ReplayBundle::from(replay(&onwards)).u_turns().is_empty());
}

#[test]
fn form_abandonment_needs_typed_values_and_no_submit() {
    let typed = [click(100, SEARCH), vec![input(200, SEARCH, "trail shoes", false)]].concat();
    let found = ReplayBundle::from(replay(&typed)).form_abandonments();
    assert_eq!(counts(&found), [(FindingKind::FormAbandonment, 1)]);
    assert_eq!(
        found[0].explanation,
        r#"Filled in 1 field (last: input placeholder="Search" type=text), then left without submitting"#
    );
    // A click on a button after the last value: submitted.
    assert!(ReplayBundle::from(replay(&[typed.clone(), click(900, SUBMIT)].concat())).form_abandonments().is_empty());
    // A navigation after it: the user went on.
    let navigated = [typed.clone(), vec![meta(900, "https://shop.test/next")]].concat();
    assert!(ReplayBundle::from(replay(&navigated)).form_abandonments().is_empty());
    // A click on something that is not a button does not submit.
    assert_eq!(ReplayBundle::from(replay(&[typed, click(900, PLAIN)].concat())).form_abandonments().len(), 1);
    // A checkbox alone is no form filled in.
    let toggled = [click(100, CHECKBOX), vec![input(110, CHECKBOX, "on", true)]].concat();
    assert!(ReplayBundle::from(replay(&toggled)).form_abandonments().is_empty());
}

/// Pointer positions alternating between x=100 and x=`far`, `gap_ms` apart, from 1,000 ms.
fn shake(n: usize, far: f64, gap_ms: i64) -> Vec<String> {
    let positions: Vec<(f64, f64, i64)> =
        (0..n).map(|i| (if i % 2 == 0 { 100.0 } else { far }, 200.0, 1000 + gap_ms * i as i64)).collect();
    // rrweb batches positions into MouseMove events emitted every 500 ms.
    positions.chunks(4).map(|chunk| moves(chunk.last().unwrap().2, chunk)).collect()
}

#[test]
fn thrashed_cursor_needs_five_quick_direction_changes() {
    // 7 positions: 6 moves, 5 direction changes, 100 ms apart.
    let found = ReplayBundle::from(replay(&shake(7, 300.0, 100))).thrashed_cursors();
    assert_eq!(counts(&found), [(FindingKind::ThrashedCursor, 5)]);
    assert_eq!(
        found[0].explanation,
        r#"Moved the pointer back and forth over div "Plain": 5 direction changes in 0.4 s"#
    );
    // Longer shaking extends the same episode.
    assert_eq!(kinds(replay(&shake(12, 300.0, 100))), [(FindingKind::ThrashedCursor, 10)]);
    // Four direction changes are not enough.
    assert_eq!(kinds(replay(&shake(6, 300.0, 100))), []);
    // Changes 226 ms apart are too slow; exactly 225 ms is quick enough.
    assert_eq!(kinds(replay(&shake(7, 300.0, 226))), []);
    assert_eq!(kinds(replay(&shake(7, 300.0, 225))), [(FindingKind::ThrashedCursor, 5)]);
    // Moves under 20 px per sample are tremor, not thrash.
    assert_eq!(kinds(replay(&shake(9, 119.0, 60))), []);
}

#[test]
fn excessive_scrolling_is_back_and_forth() {
    // Viewport 720 px high: legs of at least 360 px count.
    let ys = |ys: &[f64], gap: i64| -> Vec<String> {
        ys.iter().enumerate().map(|(i, &y)| scroll(1000 + gap * i as i64, BOX, y)).collect()
    };
    let found = ReplayBundle::from(replay(&ys(&[0.0, 400.0, 800.0, 0.0, 800.0, 0.0], 500))).excessive_scrolling();
    assert_eq!(counts(&found), [(FindingKind::ExcessiveScrolling, 3)]);
    assert_eq!(found[0].element.as_deref(), Some(r#"div "Notes""#));
    assert_eq!(found[0].explanation, r#"Scrolled div "Notes" up and down: 3 reversals in 1.0 s"#);
    // Two reversals are not excessive; short legs (reading back a line) never count.
    assert_eq!(kinds(replay(&ys(&[0.0, 800.0, 0.0, 800.0], 500))), []);
    assert_eq!(kinds(replay(&ys(&[0.0, 300.0, 0.0, 300.0, 0.0, 300.0, 0.0], 500))), []);
    // Three reversals spread over more than 10 s are not one episode.
    assert_eq!(kinds(replay(&ys(&[0.0, 800.0, 0.0, 800.0, 0.0], 6000))), []);
    assert_eq!(kinds(replay(&ys(&[0.0, 800.0, 0.0, 800.0, 0.0], 4000))), [(FindingKind::ExcessiveScrolling, 3)]);
    // The page starts at the snapshot's offset (0 here): down, up, down, up is three reversals.
    let page: Vec<String> =
        [800.0, 0.0, 800.0, 0.0].iter().enumerate().map(|(i, &y)| scroll(1000 + 400 * i as i64, 1, y)).collect();
    let found = ReplayBundle::from(replay(&page)).excessive_scrolling();
    assert_eq!(counts(&found), [(FindingKind::ExcessiveScrolling, 3)]);
    assert_eq!(found[0].element.as_deref(), Some("page"));
    // Four reversals: one episode, extended.
    assert_eq!(kinds(replay(&ys(&[0.0, 800.0, 0.0, 800.0, 0.0, 800.0], 500))), [(FindingKind::ExcessiveScrolling, 4)]);
}

#[test]
fn long_pauses_at_the_threshold() {
    let events = [click(1000, PLAIN), click(11_000, PLAIN), click(20_999, PLAIN)].concat();
    let b = ReplayBundle::from(replay(&events));
    let pauses = b.long_pauses(10.0);
    // navigate at 0 → click at 1 s: 1 s; 1 s → 11 s: exactly 10 s (counts); 11 s → 20.999 s: not.
    assert_eq!(pauses.len(), 1);
    assert_eq!((pauses[0].start_ms, pauses[0].duration_s, pauses[0].offset_s), (at(1000), 10.0, 1.0));
    assert_eq!(pauses[0].before, r#"Clicked div "Plain""#);
    assert_eq!(b.long_pauses(0.5).len(), 3);
}
