//! The markdown timeline: `{timestamp_seconds}: {description}` per action
//! (ARCHITECTURE.md, "Contracts kept stable"; the seed analyzer's format).

use super::Action;
use serde_json::Value;
use std::fmt::Write;

/// The whole timeline when a recording has no actions.
pub const NO_ACTIONS: &str = "No user actions recorded.";
/// Identical lines fold into one ` (×N over S s)` line only while each comes less than this
/// long after the previous one, in ms: rewind's own value, so a button clicked again half a
/// minute later stays two moments of the session.
pub const FOLD_MAX_GAP_MS: i64 = 10_000;

/// One line per action: seconds since `start_ms` with one decimal and an `s`, a colon, the
/// description. The clicks of a rage burst (`metadata.rage`) make one line,
/// `Rage-clicked {element} {count}× in {span} s`. Consecutive lines with the same text, each
/// less than [`FOLD_MAX_GAP_MS`] after the previous, fold into the first with
/// ` (×N over S s)` appended (S: first to last). Lines end in `\n`.
pub fn timeline_markdown(actions: &[Action], start_ms: i64) -> String {
    if actions.is_empty() {
        return format!("{NO_ACTIONS}\n");
    }
    let entries = entries(actions);
    let mut out = String::new();
    for (first, count, span) in fold(&entries, |e| e.0, |e| &e.1) {
        let (t, text) = &entries[first];
        let at = t.saturating_sub(start_ms) as f64 / 1000.0;
        let _ = write!(out, "{at:.1}s: {text}{}", fold_suffix(count, span));
        out.push('\n');
    }
    out
}

/// The timeline's entries before folding, `(t_ms, text)`: one per action, except that the
/// clicks of a rage burst make one `Rage-clicked {element} {count}× in {span} s` entry at the
/// first of them met.
pub(crate) fn entries(actions: &[Action]) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::with_capacity(actions.len());
    let mut burst: Option<i64> = None;
    for action in actions {
        match action.metadata.get("rage") {
            Some(rage) => {
                let start = rage.get("start_ms").and_then(Value::as_i64);
                if start.is_some() && start == burst {
                    continue;
                }
                burst = start;
                let count = rage.get("count").and_then(Value::as_u64).unwrap_or(0);
                let span = rage.get("span_ms").and_then(Value::as_i64).unwrap_or(0);
                let element = action.target_desc.as_deref().unwrap_or("element");
                out.push((action.t_ms, format!("Rage-clicked {element} {count}× in {} s", seconds(span))));
            }
            None => out.push((action.t_ms, action.description.clone())),
        }
    }
    out
}

/// Runs of consecutive items with the same text, each less than [`FOLD_MAX_GAP_MS`] after the
/// previous: `(index of the first, items in the run, ms from first to last)`.
pub(crate) fn fold<'a, T>(
    items: &'a [T],
    time: impl Fn(&T) -> i64,
    text: impl Fn(&'a T) -> &'a str,
) -> Vec<(usize, usize, i64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let mut end = i + 1;
        while end < items.len()
            && text(&items[end]) == text(&items[i])
            && time(&items[end]).saturating_sub(time(&items[end - 1])) < FOLD_MAX_GAP_MS
        {
            end += 1;
        }
        out.push((i, end - i, time(&items[end - 1]).saturating_sub(time(&items[i]))));
        i = end;
    }
    out
}

/// What a folded line ends in: nothing for one item, ` (×N over S s)` for more.
pub(crate) fn fold_suffix(count: usize, span_ms: i64) -> String {
    if count > 1 {
        format!(" (×{count} over {} s)", seconds(span_ms))
    } else {
        String::new()
    }
}

/// A duration in ms as seconds: one decimal under 10 s (`0.7`), whole seconds from there (`24`).
fn seconds(ms: i64) -> String {
    if ms < 10_000 {
        format!("{:.1}", ms as f64 / 1000.0)
    } else {
        format!("{}", (ms as f64 / 1000.0).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::ActionKind;

    fn action(t_ms: i64, description: &str) -> Action {
        Action {
            t_ms,
            action: ActionKind::Click,
            target_node_id: None,
            target_desc: None,
            description: description.into(),
            url: None,
            metadata: Default::default(),
        }
    }

    #[test]
    fn collapses_consecutive_duplicates_only() {
        let actions = [action(1000, "a"), action(1200, "b"), action(1300, "b"), action(1400, "b"), action(2500, "a")];
        assert_eq!(timeline_markdown(&actions, 1000), "0.0s: a\n0.2s: b (×3 over 0.2 s)\n1.5s: a\n");
    }

    #[test]
    fn folds_only_lines_less_than_ten_seconds_apart_and_shows_the_span() {
        // 0, 9.999 and 19.998 s: each gap under FOLD_MAX_GAP_MS, so one line over 20 s; the
        // next comes exactly 10 s later and starts a line of its own.
        let actions =
            [action(0, "b"), action(9_999, "b"), action(19_998, "b"), action(29_998, "b"), action(30_000, "c")];
        assert_eq!(timeline_markdown(&actions, 0), "0.0s: b (×3 over 20 s)\n30.0s: b\n30.0s: c\n");
    }

    #[test]
    fn a_rage_burst_is_one_line_and_an_earlier_click_stays_apart() {
        let rage = |t| {
            let mut a = action(t, "Clicked button \"Apply\"");
            a.target_desc = Some("button \"Apply\"".into());
            a.metadata.insert("rage".into(), serde_json::json!({"start_ms": 5000, "count": 3, "span_ms": 700}));
            a
        };
        let actions = [action(2000, "Clicked button \"Apply\""), rage(5000), rage(5300), action(5400, "x"), rage(5700)];
        assert_eq!(
            timeline_markdown(&actions, 0),
            "2.0s: Clicked button \"Apply\"\n5.0s: Rage-clicked button \"Apply\" 3× in 0.7 s\n5.4s: x\n"
        );
    }

    #[test]
    fn empty() {
        assert_eq!(timeline_markdown(&[], 0), "No user actions recorded.\n");
    }
}
