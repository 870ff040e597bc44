//! Click outcomes: what the page did after each click, within [`OUTCOME_WINDOW_MS`].
//!
//! One gesture is watched at a time, from its press (MouseDown or TouchStart; a keyboard click
//! has none, so from the click) until [`OUTCOME_WINDOW_MS`] after the click, the user's next
//! gesture (a press, a click, typing into a field) or the end of the recording, whichever comes
//! first: what happens after the next gesture is that gesture's doing. The outcome, strongest
//! first:
//!
//! - `navigated`: a navigation, stated (Meta, `rewind.navigation`) or inferred
//!   ([`super::routes`]), or a page load;
//! - `dialog`: a dialog opened (`<dialog open>`, `role=dialog`/`alertdialog`, `aria-modal`);
//! - `text`: text appeared — the first text in an alert, live region or dialog, else the first
//!   text added (re-rendered text the same Mutation removed does not count), as recorded, so
//!   masked text stays masked;
//! - `changed`: the page visibly responded without new text (a class toggled, an item removed,
//!   a scroll, a box ticked, a selection, media, stylesheet or canvas change);
//! - `nothing`: no visible response.
//!
//! It is written into the click action as `metadata.outcome` (`{kind, after_ms, text, source,
//! url, title}`, see [`Outcome`]) and appended to its description (`Clicked button "Create
//! account" → showed "You must agree to the Terms of Service."`). `changed` adds nothing to the
//! description, and `nothing` only on controls a click is expected to act on
//! ([`super::control::Control::clickable`]): a click on plain text that changes nothing is
//! ordinary. The bundle's dead and rage clicks read these same outcomes.

use super::actions::Actions;
use super::control::control;
use super::describe::link_path;
use super::effects::{apply_mutation, TextSource};
use super::{Action, ActionKind, FOCUS_CLICK_MS};
use crate::model::{EventData, IncrementalData, MouseInteraction, MutationData};
use serde_json::{Map, Value};

/// How long after a click the page's response counts as its outcome, in ms (inclusive). From
/// the issue that introduced outcomes (1.5 s); it lies between the dead-click timeouts of
/// OpenReplay (1.234 s) and PostHog (2.5 s).
pub const OUTCOME_WINDOW_MS: i64 = 1_500;

/// The key of `metadata.outcome` on click actions.
pub const OUTCOME_KEY: &str = "outcome";

/// The outcome kinds, as `metadata.outcome.kind` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// The page navigated.
    Navigated,
    /// A dialog opened.
    Dialog,
    /// Text appeared.
    Text,
    /// The page responded without new text.
    Changed,
    /// No visible response.
    Nothing,
}

impl OutcomeKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Navigated => "navigated",
            OutcomeKind::Dialog => "dialog",
            OutcomeKind::Text => "text",
            OutcomeKind::Changed => "changed",
            OutcomeKind::Nothing => "nothing",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Navigated, Self::Dialog, Self::Text, Self::Changed, Self::Nothing].into_iter().find(|k| k.as_str() == s)
    }
}

/// A click's outcome as read back from `metadata.outcome`.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// What the page did.
    pub kind: OutcomeKind,
    /// From the click to the page's first visible response, in ms (0 when the page responded
    /// to the press, before the click event); `None` for `nothing`.
    pub after_ms: Option<i64>,
}

impl Outcome {
    /// The outcome of a click action, if it has one.
    pub fn of(action: &Action) -> Option<Outcome> {
        let o = action.metadata.get(OUTCOME_KEY)?;
        Some(Outcome {
            kind: OutcomeKind::parse(o.get("kind")?.as_str()?)?,
            after_ms: o.get("after_ms").and_then(Value::as_i64),
        })
    }
}

/// The gesture being watched.
#[derive(Debug, Default)]
pub(crate) struct Outcomes {
    watch: Option<Watch>,
}

#[derive(Debug)]
struct Watch {
    /// The press, or the click when there was none.
    start: i64,
    click: Option<WatchedClick>,
    first_response: Option<i64>,
    navigated: Option<(String, String)>,
    dialog: Option<String>,
    /// The preferred text so far.
    text: Option<(TextSource, String)>,
}

#[derive(Debug)]
struct WatchedClick {
    t: i64,
    node: i64,
    clickable: bool,
}

impl Watch {
    fn new(start: i64) -> Self {
        Watch { start, click: None, first_response: None, navigated: None, dialog: None, text: None }
    }

    fn respond(&mut self, t: i64) {
        self.first_response.get_or_insert(t);
    }
}

impl Actions {
    /// Called first for every event: time passes (windows end), gestures start and end, and
    /// the page's responses other than Mutations and navigations are noted.
    pub(super) fn before_event(&mut self, t: i64, data: &EventData) {
        self.expire_watch(t);
        let mut respond = false;
        match data {
            EventData::IncrementalSnapshot(inc) => match inc {
                IncrementalData::MouseInteraction(m) => match m.interaction {
                    MouseInteraction::MouseDown | MouseInteraction::TouchStart => {
                        self.end_watch();
                        self.outcomes.watch = Some(Watch::new(t));
                    }
                    MouseInteraction::Click => {
                        let pressed = self
                            .outcomes
                            .watch
                            .as_ref()
                            .is_some_and(|w| w.click.is_none() && t.saturating_sub(w.start) <= FOCUS_CLICK_MS);
                        if !pressed {
                            self.end_watch();
                            self.outcomes.watch = Some(Watch::new(t));
                        }
                        let clickable = control(&self.dom, m.id).clickable;
                        if let Some(w) = &mut self.outcomes.watch {
                            w.click = Some(WatchedClick { t, node: m.id, clickable });
                        }
                        self.link_clicked(t, m.id);
                    }
                    _ => {}
                },
                IncrementalData::Input(i) => {
                    respond = true;
                    let tag = self.dom.tag(i.id).unwrap_or("");
                    let kind = self.dom.attr(i.id, "type").unwrap_or("");
                    let toggle = tag == "select"
                        || (tag == "input"
                            && ["checkbox", "radio", "range", "color"].iter().any(|k| kind.eq_ignore_ascii_case(k)));
                    if !toggle && i.user_triggered != Some(false) {
                        // Typing: the field shows it, then the user has moved on.
                        if let Some(w) = &mut self.outcomes.watch {
                            w.respond(t);
                        }
                        self.end_watch();
                        return;
                    }
                }
                IncrementalData::Selection(s) => {
                    respond = s.ranges.iter().any(|r| r.start != r.end || r.start_offset != r.end_offset);
                }
                IncrementalData::Scroll(_)
                | IncrementalData::MediaInteraction(_)
                | IncrementalData::CanvasMutation(_)
                | IncrementalData::StyleSheetRule(_)
                | IncrementalData::StyleDeclaration(_)
                | IncrementalData::AdoptedStyleSheet(_) => respond = true,
                _ => {}
            },
            EventData::DomContentLoaded(_) | EventData::Load(_) | EventData::FullSnapshot(_) => respond = true,
            _ => {}
        }
        if respond {
            if let Some(w) = &mut self.outcomes.watch {
                w.respond(t);
            }
        }
    }

    /// Applies a Mutation, then lets route inference and the watched click see what it did.
    pub(super) fn mutation(&mut self, t: i64, m: MutationData) {
        let fx = apply_mutation(&mut self.dom, m, self.outcomes.watch.is_some(), self.routes.waiting());
        self.mutation_seen(t, &fx);
        if let Some(w) = &mut self.outcomes.watch {
            if fx.changed {
                w.respond(t);
            }
            if w.dialog.is_none() {
                w.dialog = fx.dialogs.into_iter().next();
            }
            // The first text of an alert, live region or dialog, else the first text added.
            for (source, text) in fx.texts {
                let better = match &w.text {
                    None => true,
                    Some((best, _)) => *best == TextSource::Added && source != TextSource::Added,
                };
                if better {
                    w.text = Some((source, text));
                }
            }
        }
    }

    /// A navigation action was just added: the watched click navigated.
    pub(super) fn click_navigated(&mut self, t: i64, url: &str, title: &str) {
        if let Some(w) = &mut self.outcomes.watch {
            w.respond(t);
            w.navigated.get_or_insert_with(|| (url.to_string(), title.to_string()));
        }
    }

    /// The recording ended: the watched click resolves with what was seen.
    pub(crate) fn finish_outcomes(&mut self) {
        self.end_watch();
    }

    fn expire_watch(&mut self, t: i64) {
        let expired = self.outcomes.watch.as_ref().is_some_and(|w| match &w.click {
            Some(c) => t.saturating_sub(c.t) > OUTCOME_WINDOW_MS,
            None => t.saturating_sub(w.start) > FOCUS_CLICK_MS,
        });
        if expired {
            self.end_watch();
        }
    }

    /// Resolves the watched click, if any, into its action.
    fn end_watch(&mut self) {
        let Some(w) = self.outcomes.watch.take() else { return };
        let Some(click) = &w.click else { return };
        let Some(action) = find_click(&mut self.list, click.t, click.node) else { return };
        let mut o = Map::new();
        let (kind, suffix) = if let Some((url, title)) = &w.navigated {
            o.insert("url".into(), url.as_str().into());
            if !title.is_empty() {
                o.insert("title".into(), title.as_str().into());
            }
            let to = link_path(url).unwrap_or_else(|| url.clone());
            (OutcomeKind::Navigated, format!(" → navigated to {to}"))
        } else if let Some(text) = &w.dialog {
            let suffix = if text.is_empty() {
                " → opened a dialog".to_string()
            } else {
                format!(" → opened dialog \"{text}\"")
            };
            if !text.is_empty() {
                o.insert("text".into(), text.as_str().into());
            }
            (OutcomeKind::Dialog, suffix)
        } else if let Some((source, text)) = &w.text {
            o.insert("text".into(), text.as_str().into());
            o.insert("source".into(), source.as_str().into());
            (OutcomeKind::Text, format!(" → showed \"{text}\""))
        } else if w.first_response.is_some() {
            (OutcomeKind::Changed, String::new())
        } else if click.clickable {
            (OutcomeKind::Nothing, " → nothing visible happened".to_string())
        } else {
            (OutcomeKind::Nothing, String::new())
        };
        o.insert("kind".into(), kind.as_str().into());
        if let Some(r) = w.first_response {
            o.insert("after_ms".into(), r.saturating_sub(click.t).max(0).into());
        }
        action.description.push_str(&suffix);
        action.metadata.insert(OUTCOME_KEY.into(), Value::Object(o));
    }
}

/// The `click` action made by the Click event at `t` on `node`: near the end of the list,
/// since outcomes resolve within seconds. `None` when it is gone (folded into another action).
fn find_click(list: &mut [Action], t: i64, node: i64) -> Option<&mut Action> {
    let at = list.iter().rev().take_while(|a| a.t_ms >= t).position(|a| {
        a.t_ms == t
            && a.action == ActionKind::Click
            && a.target_node_id == Some(node)
            && a.metadata.get("interaction").and_then(Value::as_str) == Some("click")
    })?;
    let index = list.len() - 1 - at;
    list.get_mut(index)
}
