//! Rage, dead and error clicks.

use super::*;

/// Three clicks on the button at `times` (ms), each at (x, 100) for the given x.
fn clicks_at(times: &[(i64, f64)]) -> Vec<String> {
    times
        .iter()
        .flat_map(|&(ms, x)| [mouse(ms, 1, BUTTON, Some((x, 100.0))), mouse(ms, 2, BUTTON, Some((x, 100.0)))])
        .collect()
}

fn rage(events: &[String]) -> Vec<(FindingKind, usize)> {
    counts(&ReplayBundle::from(replay(events)).rage_clicks(3, 1000))
}

#[test]
fn rage_threshold_exactly_met_at_the_window_boundary() {
    // Three clicks, first to last exactly 1,000 ms: a rage click.
    assert_eq!(rage(&clicks_at(&[(100, 10.0), (600, 10.0), (1100, 10.0)])), [(FindingKind::RageClick, 3)]);
    // One millisecond more: not.
    assert_eq!(rage(&clicks_at(&[(100, 10.0), (600, 10.0), (1101, 10.0)])), []);
    // Two clicks never are.
    assert_eq!(rage(&clicks_at(&[(100, 10.0), (200, 10.0)])), []);
    // A threshold of 2 and a shorter window are honoured.
    let b = ReplayBundle::from(replay(&clicks_at(&[(100, 10.0), (400, 10.0), (1000, 10.0)])));
    assert_eq!(counts(&b.rage_clicks(2, 300)), [(FindingKind::RageClick, 2)]);
    assert_eq!(counts(&b.rage_clicks(3, 899)), []);
}

#[test]
fn rage_bursts_merge_overlapping_windows_and_need_nearby_clicks() {
    // Six clicks 300 ms apart: every window of 3 qualifies, so one burst of 6.
    let six: Vec<(i64, f64)> = (0..6).map(|i| (100 + 300 * i, 10.0)).collect();
    let b = ReplayBundle::from(replay(&clicks_at(&six)));
    let found = b.rage_clicks(3, 1000);
    assert_eq!(counts(&found), [(FindingKind::RageClick, 6)]);
    assert_eq!(found[0].explanation, r#"Clicked button "Apply coupon" 6 times in 1.5 s"#);
    assert_eq!((found[0].t_ms, found[0].end_ms), (at(100), at(1600)));
    assert_eq!(found[0].url.as_deref(), Some("https://shop.test/cart"));
    // 30 px or more from the previous click breaks the run (PostHog's "< 30 px").
    assert_eq!(rage(&clicks_at(&[(100, 10.0), (300, 39.0), (500, 68.0)])), [(FindingKind::RageClick, 3)]);
    assert_eq!(rage(&clicks_at(&[(100, 10.0), (300, 40.0), (500, 70.0)])), []);
    // The icon and the text of one button are the same control.
    let mixed: Vec<String> = [click(100, ICON), click(300, BUTTON), click(500, BUTTON + 1)].concat();
    assert_eq!(rage(&mixed), [(FindingKind::RageClick, 3)]);
    // A click elsewhere in between ends the run.
    let broken: Vec<String> = [click(100, BUTTON), click(200, BUTTON), click(300, PLAIN), click(400, BUTTON)].concat();
    assert_eq!(rage(&broken), []);
}

#[test]
fn focus_click_pairs_count_once() {
    // A mouse click fires focus then click; the analyzer folds the focus in, so three pairs are
    // three clicks, not six.
    let pairs: Vec<String> = (0..3)
        .flat_map(|i| [mouse(100 + 200 * i, 5, BUTTON, None), mouse(100 + 200 * i, 2, BUTTON, Some((5.0, 5.0)))])
        .collect();
    assert_eq!(rage(&pairs), [(FindingKind::RageClick, 3)]);
    // Focus alone (keyboard) is no click at all.
    let focus: Vec<String> = (0..4).map(|i| mouse(100 + 100 * i, 5, BUTTON, None)).collect();
    assert_eq!(rage(&focus), []);
    let b = ReplayBundle::from(replay(&focus));
    assert!(b.top_clicks(5).is_empty());
}

#[test]
fn triple_click_selection_and_text_inputs_are_not_rage() {
    let triple: Vec<String> =
        [click(100, PARA), click(250, PARA), click(400, PARA), vec![selection(410, PARA_TEXT, 0, 19)]].concat();
    assert_eq!(rage(&triple), []);
    // The same clicks without a selection are rage; a selection elsewhere does not excuse them.
    assert_eq!(rage(&triple[..6]), [(FindingKind::RageClick, 3)]);
    let elsewhere: Vec<String> = [&triple[..6], &[selection(410, 17, 0, 4)]].concat();
    assert_eq!(rage(&elsewhere), [(FindingKind::RageClick, 3)]);
    // Nor does a selection after the grace period.
    let late: Vec<String> = [&triple[..6], &[selection(901, PARA_TEXT, 0, 4)]].concat();
    assert_eq!(rage(&late), [(FindingKind::RageClick, 3)]);
    // A button that answers every click before the next is in use (a quantity stepper).
    let stepper: Vec<String> =
        (0..4).flat_map(|i| [click(100 + 200 * i, BUTTON), vec![mutation(150 + 200 * i)]].concat()).collect();
    assert_eq!(rage(&stepper), []);
    // One unanswered click in the burst makes it rage again.
    let stalled: Vec<String> = [&stepper[..9], &click(700, BUTTON)[..]].concat();
    assert_eq!(rage(&stalled), [(FindingKind::RageClick, 4)]);
    // Text inputs and contenteditable: clicking to place the caret is not rage.
    let typing: Vec<String> = [click(100, SEARCH), click(200, SEARCH), click(300, SEARCH)].concat();
    assert_eq!(rage(&typing), []);
    let editing: Vec<String> = [click(100, EDITOR), click(200, EDITOR), click(300, EDITOR)].concat();
    assert_eq!(rage(&editing), []);
}

fn dead(events: &[String]) -> Vec<Finding> {
    ReplayBundle::from(replay(events)).dead_clicks()
}

#[test]
fn dead_click_timeout_boundary() {
    // A mutation exactly 1.5 s (the click outcome window) after the click is a response; 1 ms
    // later is not.
    let responded = [click(100, BUTTON), vec![mutation(1600), custom(5000, "end")]].concat();
    assert!(dead(&responded).is_empty());
    let late = [click(100, BUTTON), vec![mutation(1601), custom(5000, "end")]].concat();
    let found = dead(&late);
    assert_eq!(counts(&found), [(FindingKind::DeadClick, 1)]);
    assert_eq!(found[0].explanation, r#"Clicked button "Apply coupon"; nothing on the page changed within 1.5 s"#);
    // The dead click is the click whose outcome is "nothing": one fact, two readers.
    let r = replay(&late);
    assert_eq!(r.actions()[1].metadata["outcome"]["kind"], "nothing");
    assert!(r.actions()[1].description.ends_with(" → nothing visible happened"));
    // Scroll, navigation, selection and input state count as responses too.
    for response in [scroll(900, 1, 50.0), meta(900, "https://shop.test/next"), selection(900, PARA_TEXT, 0, 3)] {
        assert!(
            dead(&[click(100, BUTTON), vec![response.clone(), custom(5000, "end")]].concat()).is_empty(),
            "{response}"
        );
    }
    assert!(
        dead(&[click(100, CHECKBOX), vec![input(120, CHECKBOX, "on", true), custom(5000, "end")]].concat()).is_empty()
    );
    // The recording ends before the timeout: not judged.
    assert!(dead(&[click(100, BUTTON), vec![custom(1000, "end")]].concat()).is_empty());
}

#[test]
fn dead_clicks_need_something_clickable() {
    let later = custom(5000, "end");
    assert!(dead(&[click(100, PLAIN), vec![later.clone()]].concat()).is_empty(), "a plain div");
    assert!(dead(&[click(100, SEARCH), vec![later.clone()]].concat()).is_empty(), "a text input");
    assert!(dead(&[click(100, EDITOR), vec![later.clone()]].concat()).is_empty(), "contenteditable");
    assert_eq!(dead(&[click(100, LINK + 1), vec![later.clone()]].concat()).len(), 1, "a link's text");
    // A response between the press and the click (a handler on mousedown) counts.
    let on_press = vec![mouse(100, 1, BUTTON, None), mutation(150), mouse(250, 2, BUTTON, None), later];
    assert!(dead(&on_press).is_empty());
}

#[test]
fn dead_clicks_group_and_end_when_the_user_moves_on() {
    // Five clicks on the dead button, then the user clicks elsewhere (which changes the page):
    // the button's clicks are dead, grouped in one finding; the wait ended when they moved on.
    let events = [
        click(100, BUTTON),
        click(250, BUTTON),
        click(400, BUTTON),
        click(550, BUTTON),
        click(700, BUTTON),
        click(1000, LINK),
        vec![mutation(1100)],
    ]
    .concat();
    let found = dead(&events);
    assert_eq!(counts(&found), [(FindingKind::DeadClick, 5)]);
    assert_eq!(
        found[0].explanation,
        r#"Clicked button "Apply coupon" 5 times; nothing on the page changed in the 0.3 s before the user moved on"#
    );
    assert_eq!(found[0].evidence.len(), 3, "navigation, the five clicks (a rage burst: one entry), then the link");
    let all = ReplayBundle::from(replay(&events)).friction();
    let kinds: Vec<FindingKind> = all.groups.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, [FindingKind::RageClick, FindingKind::DeadClick]);
}

#[test]
fn error_clicks_within_one_second() {
    let events = [
        click(100, BUTTON),
        vec![console_error(1100, "first"), console_error(1100, "second")],
        click(2000, SUBMIT),
        vec![console_error(3001, "too late"), mutation(2100)],
    ]
    .concat();
    let found = ReplayBundle::from(replay(&events)).error_clicks();
    assert_eq!(counts(&found), [(FindingKind::ErrorClick, 2)]);
    assert_eq!(
        found[0].explanation,
        r#"Clicked button "Apply coupon"; console error 1.0 s later: "first" (and 1 more)"#
    );
    // An error is credited to the latest click before it.
    let events = [click(100, BUTTON), click(300, SUBMIT), vec![console_error(400, "boom")]].concat();
    let found = ReplayBundle::from(replay(&events)).error_clicks();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].element.as_deref(), Some(r#"button "Send""#));
    let sessions = ReplayBundle::from(replay(&events)).error_sessions();
    assert_eq!((sessions[0].n_errors, sessions[0].first_error.as_str()), (1, "boom"));
}

/// A `rrweb/network@1` event at `ms` with one request that took `duration` ms.
fn request(ms: i64, status: i64, duration: i64) -> String {
    format!(
        r#"{{"type":6,"timestamp":{},"data":{{"plugin":"rrweb/network@1","payload":{{"requests":[{{"name":"https://shop.test/api/pay","method":"POST","initiatorType":"fetch","status":{status},"duration":{duration}}}]}}}}}}"#,
        at(ms)
    )
}

#[test]
fn error_clicks_count_failed_requests_the_click_started() {
    // The request started 0.2 s after the click and failed 3 s later: still the click's error.
    let events = [click(100, BUTTON), vec![request(3300, 402, 3000)]].concat();
    let found = ReplayBundle::from(replay(&events)).error_clicks();
    assert_eq!(counts(&found), [(FindingKind::ErrorClick, 1)]);
    assert_eq!(
        found[0].explanation,
        r#"Clicked button "Apply coupon"; failed request 3.2 s later: "POST /api/pay failed: 402""#
    );
    // A successful request, one started before the click, one started too late: none.
    let events =
        [click(100, BUTTON), vec![request(400, 200, 100), request(900, 500, 1000), request(1500, 500, 100)]].concat();
    assert!(ReplayBundle::from(replay(&events)).error_clicks().is_empty());
    // Console errors and failed requests after one click: one finding, both counted.
    let events = [click(100, BUTTON), vec![request(300, 0, 50), console_error(400, "boom")]].concat();
    let found = ReplayBundle::from(replay(&events)).error_clicks();
    assert_eq!(counts(&found), [(FindingKind::ErrorClick, 2)]);
    assert!(
        found[0]
            .explanation
            .ends_with(r#"failed request 0.2 s later: "POST /api/pay failed: network error" (and 1 more)"#),
        "{}",
        found[0].explanation
    );
}
