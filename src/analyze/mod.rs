//! The analyzer: rrweb events → user actions, an LLM-friendly markdown timeline and session
//! metrics, in a single pass over timestamp-sorted events.
//!
//! [`analyze`] takes a decoded [`Recording`]; [`Analyzer`] is the same pass fed one event at a
//! time. Pure Rust, so the CLI and the browser (wasm) produce identical output.

mod actions;
pub mod bundle;
mod control;
mod describe;
mod dom;
mod effects;
mod element;
mod gestures;
mod input;
mod network;
pub mod normalize;
mod outcome;
mod redaction;
mod routes;
pub mod session;
pub(crate) mod timeline;
mod vitals;

pub use actions::{Action, ActionKind, DEBOUNCE_MS, FOCUS_CLICK_MS, MAX_MESSAGE_CHARS, MAX_VALUE_CHARS};
pub use describe::{describe, Target, MAX_CONTEXT_ANCESTORS, MAX_NAME_CHARS};
pub use dom::{DomTracker, MAX_OPTIONS_SCANNED, MAX_TRACKED_NODES};
pub use gestures::{RAGE_CLICK_RADIUS_PX, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS, TRIPLE_CLICK_SELECTION_MS};
pub use outcome::{Outcome, OutcomeKind, OUTCOME_KEY, OUTCOME_WINDOW_MS};
pub(crate) use redaction::Redactor;
pub use redaction::{redaction_warning, AnalyzeOptions};
pub use routes::{CONTENT_SWAP_MIN_NODES, MAX_ROUTE_HISTORY, NAVIGATION_INFER_MS, NAVIGATION_TAG};
pub use timeline::{timeline_markdown, FOLD_MAX_GAP_MS, NO_ACTIONS};
pub use vitals::{
    slow_pages, PageVitals, SlowPage, Vitals, MAX_CLS, MAX_MS, POOR_CLS, POOR_INP_MS, POOR_LCP_MS, VITALS_PLUGIN,
};

use crate::codec::{self, DecodeError, EventSink};
use crate::model::{Event, EventData, Recording};
use serde::Serialize;

/// Per-session metrics (one row of the sessions table).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionSummary {
    /// The recording's session id, or `rrweb-{start_time}` when it carried none.
    pub replay_id: String,
    /// The user, when the recording says.
    pub distinct_id: Option<String>,
    /// First event, Unix epoch milliseconds (`None` for a recording without events).
    pub start_time: Option<i64>,
    /// Last event, Unix epoch milliseconds.
    pub end_time: Option<i64>,
    /// `end_time - start_time`, in seconds.
    pub duration_s: f64,
    pub n_events: usize,
    pub n_actions: usize,
    /// Genuine clicks: click, dblclick and right_click; focus-only interactions are excluded,
    /// and so are the clicks folded into a checkbox/radio tick (an input) or a text selection.
    /// Each click of a rage burst counts.
    pub n_clicks: usize,
    /// Input actions: typed entries, choices, ticks and clears.
    pub n_inputs: usize,
    /// Navigations: Meta events with a new href, `rewind.navigation` Custom events, and route
    /// changes inferred from the DOM (`metadata.inferred`).
    pub n_pages: usize,
    /// Console errors.
    pub n_errors: usize,
    pub entry_url: Option<String>,
    pub exit_url: Option<String>,
    /// Web vitals of the session (`capture.performance`): the worst over its pages, long tasks
    /// summed ([`Vitals::worst`]); all `null` when the recording has no `rewind/web-vitals@1`
    /// events.
    #[serde(flatten)]
    pub vitals: Vitals,
    /// Web vitals per page, in the order the pages were reported (left out of the JSON when
    /// empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_vitals: Vec<PageVitals>,
}

/// Everything the analyzer says about one recording.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub session: SessionSummary,
    pub actions: Vec<Action>,
    /// The timeline: one `{seconds since start}s: {description}` line per action, a rage burst
    /// as one `Rage-clicked …` line, identical lines less than [`FOLD_MAX_GAP_MS`] apart folded
    /// as ` (×N over S s)`; [`NO_ACTIONS`] when empty ([`timeline_markdown`]).
    pub summary_markdown: String,
    /// How many distinct personal data values (an email, a card number…) were replaced by
    /// `[REDACTED:kind]` markers in the outputs; a value shown in several places (a typed
    /// value in the description and in `metadata.value`) counts once. 0 with
    /// [`AnalyzeOptions::redact`] off.
    pub redactions: usize,
    /// Things the analysis had to leave out or repair (a damaged recording salvaged, DOM nodes
    /// past [`MAX_TRACKED_NODES`], values redacted), one sentence each.
    pub warnings: Vec<String>,
}

impl Analysis {
    /// The replay as one JSON object: the session summary fields, then `summary_markdown`,
    /// `actions`, `redactions` and `warnings`. This is the element of `rewind analyze --format json`'s
    /// `replays` array, and what the wasm `analyzeJson` returns, byte for byte.
    pub fn to_replay_json(&self) -> String {
        let mut out = Vec::new();
        self.write_replay_json(&mut out);
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// [`Analysis::to_replay_json`] appended to `out` (no intermediate string: the CLI writes
    /// several replays into one buffer).
    pub fn write_replay_json(&self, out: &mut Vec<u8>) {
        #[derive(Serialize)]
        struct Replay<'a> {
            #[serde(flatten)]
            session: &'a SessionSummary,
            summary_markdown: &'a str,
            actions: &'a [Action],
            redactions: usize,
            warnings: &'a [String],
        }
        serde_json::to_writer(
            out,
            &Replay {
                session: &self.session,
                summary_markdown: &self.summary_markdown,
                actions: &self.actions,
                redactions: self.redactions,
                warnings: &self.warnings,
            },
        )
        .expect("analysis serializes: string keys, finite numbers; a Vec never fails to write")
    }
}

/// Analyses a decoded recording (events already sorted, as [`crate::codec::decode`] returns
/// them), outputs redacted ([`AnalyzeOptions::default`]).
pub fn analyze(recording: Recording) -> Analysis {
    analyze_with(recording, AnalyzeOptions::default())
}

/// [`analyze`] with explicit options (e.g. redaction off).
pub fn analyze_with(recording: Recording, options: AnalyzeOptions) -> Analysis {
    let mut analyzer = Analyzer::with_options(options);
    for event in recording.events {
        analyzer.push(event);
    }
    let mut analysis = analyzer.finish(recording.session_id, recording.distinct_id);
    analysis.warnings.splice(0..0, recording.warnings);
    analysis
}

/// Decodes raw recording bytes (any format [`codec::decode`] accepts) and analyses them while
/// they are read ([`codec::decode_into`]; node trees without what the DOM tracker drops): no
/// event list of the whole recording is held. The
/// result is `analyze_with(decode(bytes)?, options)`'s, with `fallback_id` as the replay id when
/// the recording carries none ([`Recording::fill_session_id`]).
///
/// # Errors
/// The decoder's [`DecodeError`] when nothing can be decoded.
pub fn analyze_bytes_with(
    bytes: &[u8],
    fallback_id: Option<&str>,
    options: AnalyzeOptions,
) -> Result<Analysis, DecodeError> {
    let decoded = codec::decode_lean_into(bytes, || Analyzer::with_options(options), Some(dom::LEAN))?;
    Ok(finish_decoded(decoded, fallback_id))
}

/// [`analyze_bytes_with`] on the bytes `open` reads, without holding them whole: the input is
/// read in a window of about [`codec::STREAM_READ_CHUNK`] bytes ([`codec::decode_reader_into`]).
/// `open` gives a reader from the start of the input; it is called again when the input needs
/// the decoder's sorting or salvage. Native only.
///
/// Reading and decoding run on a second thread while this one analyses (at most
/// [`codec::PIPELINE_DEPTH`] chunks of decoded events between them), so one recording takes
/// about the longer of the two instead of their sum. Callers that already keep every core
/// busy with one recording each (`rewind report`'s workers) use
/// [`session::AnalyzedSession::from_reader_with`], which stays on the calling thread.
///
/// # Errors
/// `open`'s error, [`DecodeError::Io`] when the input cannot be read again or the second
/// thread cannot start, or the decoder's.
#[cfg(not(target_arch = "wasm32"))]
pub fn analyze_reader_with<R: std::io::Read>(
    open: impl FnMut() -> Result<R, DecodeError> + Send,
    fallback_id: Option<&str>,
    options: AnalyzeOptions,
) -> Result<Analysis, DecodeError> {
    let decoded = codec::decode_lean_reader_pipelined(open, || Analyzer::with_options(options), Some(dom::LEAN))?;
    Ok(finish_decoded(decoded, fallback_id))
}

fn finish_decoded((analyzer, mut recording): (Analyzer, Recording), fallback_id: Option<&str>) -> Analysis {
    if let Some(id) = fallback_id {
        recording.fill_session_id(id);
    }
    let mut analysis = analyzer.finish(recording.session_id, recording.distinct_id);
    analysis.warnings.splice(0..0, recording.warnings);
    analysis
}

/// The analysis pass, fed one event at a time in timestamp order. Events are consumed: their
/// node trees move into the DOM tracker instead of being copied.
#[derive(Default)]
pub struct Analyzer {
    actions: actions::Actions,
    n_events: usize,
    start: Option<i64>,
    end: Option<i64>,
    options: AnalyzeOptions,
    vitals: vitals::VitalsTracker,
}

impl EventSink for Analyzer {
    fn push(&mut self, event: Event) {
        Analyzer::push(self, event);
    }
}

impl Analyzer {
    /// A fresh pass, outputs redacted.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh pass with explicit options.
    pub fn with_options(options: AnalyzeOptions) -> Self {
        Analyzer { options, ..Self::default() }
    }

    /// Takes the next event (timestamps must not decrease; see [`crate::codec::sort_events`]).
    pub fn push(&mut self, event: Event) {
        self.n_events += 1;
        self.start.get_or_insert(event.timestamp);
        self.end = Some(event.timestamp);
        if let EventData::Plugin(plugin) = &event.data {
            if vitals::is_vitals(plugin) {
                self.vitals.push(event.timestamp, plugin);
            }
        }
        self.actions.push(event);
    }

    /// The actions so far. The tail may still change: debounced bursts and typed entries are
    /// updated in place, a focus is folded into the click that follows it, a click into the
    /// tick or text selection it made; rage bursts are marked (`metadata.rage`) when their run
    /// of clicks ends. Once another action follows it, an action's time, kind and interaction
    /// never change, nor does its target except a selection's. [`session`]'s pass reads it after
    /// every event.
    pub(crate) fn actions_so_far(&self) -> &[Action] {
        &self.actions.list
    }

    /// The DOM as the events so far left it.
    pub(crate) fn dom(&self) -> &DomTracker {
        &self.actions.dom
    }

    /// The page URL the events so far lead to: the last navigation's, stated or inferred.
    pub(crate) fn current_url(&self) -> Option<&str> {
        self.actions.url.as_deref()
    }

    /// Ends the pass. `replay_id` falls back to `rrweb-{start_time}`. With
    /// [`AnalyzeOptions::redact`] (the default) every action, the entry and exit URLs and so
    /// the timeline are redacted, counted in [`Analysis::redactions`] and one warning.
    pub fn finish(self, replay_id: Option<String>, distinct_id: Option<String>) -> Analysis {
        let (mut analysis, redactor) = self.finish_unwarned(replay_id, distinct_id);
        if let Some(redactor) = redactor {
            analysis.redactions = redactor.count();
            analysis.warnings.extend(redaction_warning(redactor.count()));
        }
        analysis
    }

    /// [`Analyzer::finish`] without the redaction count and warning: the redactor (when
    /// redaction is on) goes on to the session pass ([`session::AnalyzedSession`]), which redacts
    /// its own facts with it.
    pub(crate) fn finish_unwarned(
        self,
        replay_id: Option<String>,
        distinct_id: Option<String>,
    ) -> (Analysis, Option<Redactor>) {
        let Analyzer { mut actions, n_events, start, end, options, vitals: mut page_vitals } = self;
        actions.finish_outcomes();
        actions.finish();
        let redactor = options.redact.then(|| {
            let mut redactor = Redactor::default();
            actions.list.iter_mut().for_each(|a| redactor.action(a));
            actions.entry_url.iter_mut().chain(actions.url.iter_mut()).for_each(|u| redactor.text(u));
            page_vitals.pages.iter_mut().filter_map(|p| p.href.as_mut()).for_each(|u| redactor.text(u));
            redactor
        });
        let list = actions.list;
        let count = |f: &dyn Fn(&Action) -> bool| list.iter().filter(|a| f(a)).count();
        let session = SessionSummary {
            replay_id: replay_id.unwrap_or_else(|| format!("rrweb-{}", start.unwrap_or(0))),
            distinct_id,
            start_time: start,
            end_time: end,
            duration_s: match (start, end) {
                (Some(s), Some(e)) => e.saturating_sub(s) as f64 / 1000.0,
                _ => 0.0,
            },
            n_events,
            n_actions: list.len(),
            n_clicks: count(&|a| {
                a.action == ActionKind::Click && a.metadata.get("interaction").and_then(|v| v.as_str()) != Some("focus")
            }),
            n_inputs: count(&|a| a.action == ActionKind::Input),
            n_pages: count(&|a| a.action == ActionKind::Navigate),
            n_errors: count(&|a| a.action == ActionKind::ConsoleError),
            entry_url: actions.entry_url,
            exit_url: actions.url,
            vitals: Vitals::worst(page_vitals.pages.iter().map(|p| &p.vitals)),
            page_vitals: page_vitals.pages,
        };
        let mut warnings = page_vitals.warnings;
        let skipped = actions.dom.skipped_nodes();
        if skipped > 0 {
            warnings.push(format!(
                "{skipped} DOM nodes not tracked (limit {MAX_TRACKED_NODES} nodes, or parent unknown); descriptions of their elements read `element`"
            ));
        }
        let summary_markdown = timeline_markdown(&list, start.unwrap_or(0));
        (Analysis { session, actions: list, summary_markdown, redactions: 0, warnings }, redactor)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_network;
#[cfg(test)]
mod tests_routes_outcomes;
