//! The markdown timeline: `{timestamp_seconds}: {description}` per action
//! (`../shared/design.md`, the seed analyzer's format).

use super::Action;
use std::fmt::Write;

/// The whole timeline when a recording has no actions.
pub const NO_ACTIONS: &str = "No user actions recorded.";

/// One line per action: seconds since `start_ms` with one decimal and an `s`, a colon, the
/// description. Consecutive actions with the same description collapse into the first line
/// with ` (×N)` appended. Lines end in `\n`.
pub fn timeline_markdown(actions: &[Action], start_ms: i64) -> String {
    if actions.is_empty() {
        return format!("{NO_ACTIONS}\n");
    }
    let mut out = String::new();
    let mut i = 0;
    while i < actions.len() {
        let first = &actions[i];
        let run = actions[i..].iter().take_while(|a| a.description == first.description).count();
        let seconds = first.t_ms.saturating_sub(start_ms) as f64 / 1000.0;
        let _ = write!(out, "{seconds:.1}s: {}", first.description);
        if run > 1 {
            let _ = write!(out, " (×{run})");
        }
        out.push('\n');
        i += run;
    }
    out
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
        assert_eq!(timeline_markdown(&actions, 1000), "0.0s: a\n0.2s: b (×3)\n1.5s: a\n");
    }

    #[test]
    fn empty() {
        assert_eq!(timeline_markdown(&[], 0), "No user actions recorded.\n");
    }
}
