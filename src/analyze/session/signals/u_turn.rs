//! U-turns: to a page and straight back.

use super::finding::{finding, is_genuine_click, seconds, Draft, Finding, FindingKind};
use crate::analyze::normalize::normalize_path;
use crate::analyze::session::facts::AnalyzedSession;
use crate::analyze::{Action, ActionKind};

/// Going to a page and back to the previous one within this long is a u-turn, in ms
/// ("quick backs", a frustration signal of replay tools; the 10 s comes from the issue).
pub const U_TURN_MAX_MS: i64 = 10_000;

/// A page's identity for u-turns: its URL without query string or fragment.
fn page_of(url: &str) -> &str {
    &url[..url.find(['?', '#']).unwrap_or(url.len())]
}

/// U-turns: a navigation to a page, then back to the page before it within
/// [`U_TURN_MAX_MS`]. Pages are compared without query string and fragment, so jumping to an
/// anchor and back is not one. The finding's `url` is the page left quickly, its `element` the last click
/// that led there.
pub fn u_turns(replay: &AnalyzedSession) -> Vec<Finding> {
    let actions = &replay.actions;
    let navs: Vec<usize> =
        actions.iter().enumerate().filter(|(_, a)| a.action == ActionKind::Navigate).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for w in navs.windows(3) {
        let [from, to, back] = [&actions[w[0]], &actions[w[1]], &actions[w[2]]];
        let page = |a: &Action| a.url.as_deref().map(page_of).unwrap_or("").to_string();
        if page(back) != page(from) || page(to) == page(from) || back.t_ms - to.t_ms > U_TURN_MAX_MS {
            continue;
        }
        let click = (w[0] + 1..w[1]).rev().map(|i| &actions[i]).find(|a| is_genuine_click(a));
        let path = |a: &Action| a.url.as_deref().map(normalize_path).unwrap_or_default();
        out.push(finding(
            replay,
            Draft {
                kind: FindingKind::UTurn,
                start: to.t_ms,
                end: back.t_ms,
                element: click.and_then(|c| c.target_desc.as_deref()),
                node: click.and_then(|c| c.target_node_id),
                url: to.url.as_deref(),
                count: 1,
                explanation: format!(
                    "Went from {} to {} and came back after {} s",
                    path(from),
                    path(to),
                    seconds(back.t_ms - to.t_ms)
                ),
            },
        ));
    }
    out
}
