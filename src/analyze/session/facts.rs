//! One analysed session, kept compact: the session row, the actions, and the few facts about
//! the event stream that the tables and frustration signals need. The events themselves are
//! gone once [`AnalyzedSession::from_recording`] returns. Plain data: nothing here depends on
//! the rest of [`super`].

pub(crate) use crate::analyze::element::ElementFacts;
use crate::analyze::{timeline_markdown, Action, ActionKind, PageVitals, SessionSummary, Vitals};
use serde::Serialize;

/// One row of the sessions table: one replay. The [`SessionSummary`] fields plus `n_custom`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionRow {
    /// The recording's session id (or the file name / caller's id when it had none).
    pub replay_id: String,
    /// The user, when the recording says.
    pub distinct_id: Option<String>,
    /// First event, Unix epoch milliseconds.
    pub start_time: Option<i64>,
    /// Last event, Unix epoch milliseconds.
    pub end_time: Option<i64>,
    /// `end_time - start_time`, in seconds.
    pub duration_s: f64,
    /// rrweb events.
    pub n_events: usize,
    /// User actions.
    pub n_actions: usize,
    /// Genuine clicks: click, dblclick and right_click (focus excluded).
    pub n_clicks: usize,
    /// Input actions (debounced per field).
    pub n_inputs: usize,
    /// Navigations (Meta events with a new href).
    pub n_pages: usize,
    /// Console errors.
    pub n_errors: usize,
    /// Custom events (rrweb EventType 5).
    pub n_custom: usize,
    /// First page URL.
    pub entry_url: Option<String>,
    /// Last page URL.
    pub exit_url: Option<String>,
    /// Web vitals: the worst over the session's pages, long tasks summed ([`Vitals::worst`]);
    /// `null` / empty when not recorded.
    #[serde(flatten)]
    pub vitals: Vitals,
    /// Web vitals per page: the `pages` table's rows, not sessions-table columns.
    #[serde(skip)]
    pub page_vitals: Vec<PageVitals>,
}

impl SessionRow {
    /// The row for a session summary and its number of custom events.
    pub fn from_summary(s: SessionSummary, n_custom: usize) -> Self {
        SessionRow {
            replay_id: s.replay_id,
            distinct_id: s.distinct_id,
            start_time: s.start_time,
            end_time: s.end_time,
            duration_s: s.duration_s,
            n_events: s.n_events,
            n_actions: s.n_actions,
            n_clicks: s.n_clicks,
            n_inputs: s.n_inputs,
            n_pages: s.n_pages,
            n_errors: s.n_errors,
            n_custom,
            entry_url: s.entry_url,
            exit_url: s.exit_url,
            vitals: s.vitals,
            page_vitals: s.page_vitals,
        }
    }
}

/// Facts kept per action, aligned with [`AnalyzedSession::actions`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ActionFacts {
    /// Identifies the action while the pass runs (time, kind, interaction, target), so facts
    /// follow the analyzer when it folds a focus into a click.
    pub(crate) key: (i64, ActionKind, u8, Option<i64>),
    /// For clicks, touches and inputs.
    pub(crate) element: Option<ElementFacts>,
}

/// A stretch of thrashed cursor or of back-and-forth scrolling, found during the pass.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Episode {
    /// First and last direction change, Unix epoch ms.
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    /// Direction changes in the episode.
    pub(crate) count: usize,
    /// The element under the pointer, or the scrolled element.
    pub(crate) node_id: Option<i64>,
    /// Its description when the episode was recognised.
    pub(crate) element: Option<String>,
    /// Index into [`AnalyzedSession::urls`] of the page it happened on.
    pub(crate) url: Option<u32>,
}

/// A non-empty text selection: when, and where it starts ([`ElementFacts::chain`] of the
/// element holding the selection's start).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SelectionFact {
    pub(crate) t_ms: i64,
    pub(crate) chain: Box<[i64]>,
}

/// One row of the events table as stored: 32 bytes instead of the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StoredEvent {
    pub(crate) t_ms: i64,
    /// [`NONE`] when absent.
    pub(crate) target_node_id: i64,
    /// rrweb EventType; numbers outside the `i32` range are clamped.
    pub(crate) event_type: i32,
    /// Index into [`AnalyzedSession::urls`]; `u32::MAX` before the first navigation.
    pub(crate) url: u32,
    /// IncrementalSource and MouseInteraction type, `i16::MIN` when absent (clamped).
    pub(crate) source: i16,
    pub(crate) mouse_type: i16,
}

/// Marks an absent `target_node_id` in [`StoredEvent`].
pub(crate) const NONE: i64 = i64::MIN;

/// One row of the events table: `replay_id, t_ms, type, source, mouse_type, target_node_id,
/// url`. `t_ms` is Unix epoch milliseconds; `type`, `source` and `mouse_type` are rrweb's
/// EventType, IncrementalSource and MouseInteraction numbers (`source` for IncrementalSnapshot
/// events only, `mouse_type` for MouseInteraction only); `target_node_id` is the rrweb node the
/// event is about (mouse interaction, scroll, input, media, canvas, selection start), and
/// `url` the page URL at that moment (the analyzer's: the last Meta `href`, `rewind.navigation`
/// or inferred route change).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventRow<'a> {
    /// The replay.
    pub replay_id: &'a str,
    /// Unix epoch ms.
    pub t_ms: i64,
    #[serde(rename = "type")]
    /// rrweb EventType.
    pub event_type: i64,
    /// rrweb IncrementalSource (IncrementalSnapshot events only).
    pub source: Option<i64>,
    /// rrweb MouseInteraction type (MouseInteraction events only).
    pub mouse_type: Option<i64>,
    /// The rrweb node the event is about.
    pub target_node_id: Option<i64>,
    /// The page URL at the event.
    pub url: Option<&'a str>,
}

/// One recorded session, analysed and kept compact: the session row, the actions (exactly what
/// [`crate::analyze::analyze`] returns for the same recording), one 32-byte row per event, and
/// the per-action facts, episodes and selections the frustration signals
/// ([`super::signals`]) read. Built in one pass by [`AnalyzedSession::from_recording`] or
/// [`super::AnalyzedSessionBuilder`].
#[derive(Clone, Debug)]
pub struct AnalyzedSession {
    pub(crate) session: SessionRow,
    pub(crate) actions: Vec<Action>,
    pub(crate) facts: Vec<ActionFacts>,
    pub(crate) events: Vec<StoredEvent>,
    pub(crate) urls: Vec<String>,
    pub(crate) thrash: Vec<Episode>,
    pub(crate) scrolls: Vec<Episode>,
    pub(crate) selections: Vec<SelectionFact>,
    pub(crate) redactions: usize,
    pub(crate) warnings: Vec<String>,
}

impl AnalyzedSession {
    /// The session's id (`session.replay_id`, the tables' key).
    pub fn replay_id(&self) -> &str {
        &self.session.replay_id
    }

    /// Who the session belongs to for counting users: `distinct_id`, else the replay id (a
    /// session without a user counts as its own user).
    pub fn user(&self) -> &str {
        self.session.distinct_id.as_deref().unwrap_or(&self.session.replay_id)
    }

    /// The sessions-table row.
    pub fn session(&self) -> &SessionRow {
        &self.session
    }

    /// The user actions, in time order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The user actions, in time order, without copying them (the rest is dropped).
    pub fn into_actions(self) -> Vec<Action> {
        self.actions
    }

    /// Every distinct page URL the session visited (Meta `href`s, `rewind.navigation` and inferred
    /// route changes), in order of first visit.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// What the analysis had to leave out or repair (see [`crate::analyze::Analysis::warnings`]).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Personal data values redacted in the actions (see
    /// [`crate::analyze::Analysis::redactions`]).
    pub fn redactions(&self) -> usize {
        self.redactions
    }

    /// The number of rows [`AnalyzedSession::events`] yields (= `session.n_events`).
    pub fn n_events(&self) -> usize {
        self.events.len()
    }

    /// The events table rows of this session, in time order.
    pub fn events(&self) -> impl Iterator<Item = EventRow<'_>> + '_ {
        self.events.iter().map(move |e| EventRow {
            replay_id: &self.session.replay_id,
            t_ms: e.t_ms,
            event_type: i64::from(e.event_type),
            source: (e.source != i16::MIN).then_some(i64::from(e.source)),
            mouse_type: (e.mouse_type != i16::MIN).then_some(i64::from(e.mouse_type)),
            target_node_id: (e.target_node_id != NONE).then_some(e.target_node_id),
            url: self.url(e.url),
        })
    }

    /// The markdown timeline, as [`crate::analyze::Analysis::summary_markdown`].
    pub fn summary_markdown(&self) -> String {
        timeline_markdown(&self.actions, self.session.start_time.unwrap_or(0))
    }

    /// `{"session":{…sessions row…},"actions":[…],"warnings":[…]}`: the value a JavaScript
    /// `filter` callback receives.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct View<'a> {
            session: &'a SessionRow,
            actions: &'a [Action],
            warnings: &'a [String],
        }
        serde_json::to_string(&View { session: &self.session, actions: &self.actions, warnings: &self.warnings })
            .expect("replay serializes: string keys, finite numbers")
    }

    /// Seconds from the session's first event to `t_ms`.
    pub(crate) fn offset_s(&self, t_ms: i64) -> f64 {
        t_ms.saturating_sub(self.session.start_time.unwrap_or(t_ms)) as f64 / 1000.0
    }

    pub(crate) fn url(&self, index: u32) -> Option<&str> {
        self.urls.get(index as usize).map(String::as_str)
    }
}
