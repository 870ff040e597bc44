//! Form abandonment: fields filled in on the last page, never submitted.

use super::finding::{element, finding, is_genuine_click, Draft, Finding, FindingKind};
use crate::analyze::session::facts::AnalyzedSession;
use crate::analyze::ActionKind;

/// Form abandonment: on the last page of the replay (a later navigation means the user went
/// on), values typed (masked ones too) or chosen in text fields or selects, and after the last
/// of them no click on a button (`ElementFacts::button_like`). Checkbox and radio changes
/// alone do not count.
/// `count` is the fields touched; `element` the last one.
pub fn form_abandonments(replay: &AnalyzedSession) -> Vec<Finding> {
    let actions = &replay.actions;
    let page_start = actions.iter().rposition(|a| a.action == ActionKind::Navigate).map_or(0, |i| i + 1);
    let inputs: Vec<usize> = (page_start..actions.len())
        .filter(|&i| {
            actions[i].action == ActionKind::Input
                && (actions[i].metadata.contains_key("value") || actions[i].metadata.contains_key("masked"))
                && element(replay, i).is_some_and(|e| e.text_entry)
        })
        .collect();
    let (Some(&first), Some(&last)) = (inputs.first(), inputs.last()) else { return Vec::new() };
    let submitted = (last + 1..actions.len())
        .any(|i| is_genuine_click(&actions[i]) && element(replay, i).is_some_and(|e| e.button_like));
    if submitted {
        return Vec::new();
    }
    let mut fields: Vec<i64> = inputs.iter().filter_map(|&i| actions[i].target_node_id).collect();
    fields.sort_unstable();
    fields.dedup();
    let a = &actions[last];
    let el = a.target_desc.as_deref().unwrap_or("element");
    let n = fields.len();
    vec![finding(
        replay,
        Draft {
            kind: FindingKind::FormAbandonment,
            start: actions[first].t_ms,
            end: a.t_ms,
            element: a.target_desc.as_deref(),
            node: a.target_node_id,
            url: a.url.as_deref(),
            count: n,
            explanation: format!(
                "Filled in {n} field{} (last: {el}), then left without submitting",
                if n == 1 { "" } else { "s" }
            ),
        },
    )]
}
