//! The session's single pass over a recording: the analyzer runs as for `analyze`, and beside it
//! this pass keeps what the tables and frustration signals need from the events before they
//! are dropped — one compact row per event, the DOM facts of each clicked or typed-into
//! element, text selections, and the thrashed-cursor and back-and-forth-scrolling episodes
//! (which need every pointer position and scroll offset, so the signals' trackers,
//! [`PointerTrack`] and [`ScrollTrack`], are fed here as the events stream by).

use super::facts::{ActionFacts, AnalyzedSession, Episode, SelectionFact, SessionRow, StoredEvent, NONE};
use super::signals::{
    EpisodeUpdate, PointerTrack, ScrollTrack, EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS, FALLBACK_VIEWPORT_HEIGHT_PX,
};
use crate::analyze::element::{chain, element_facts, element_of};
use crate::analyze::{describe, redaction_warning, Action, ActionKind, AnalyzeOptions, Analyzer};
use crate::model::{Event, EventData, IncrementalData};
use rustc_hash::FxHashMap;
use serde_json::Value;

/// What the pass needs from an event after the analyzer has consumed it.
enum Seen {
    Nothing,
    Moves(Vec<(i64, f64, f64, Option<i64>)>),
    Scroll { id: i64, y: f64 },
    Selection(i64),
}

pub(super) struct Pass {
    analyzer: Analyzer,
    facts: Vec<ActionFacts>,
    events: Vec<StoredEvent>,
    urls: Vec<String>,
    url_ids: FxHashMap<String, u32>,
    /// The page the events so far lead to (the analyzer's, stated or inferred), interned.
    url: Option<u32>,
    viewport_height: f64,
    pointer: PointerTrack,
    /// Per scrolled element: its tracker and the index in `scroll_episodes` of its episode.
    scrolls: FxHashMap<i64, (ScrollTrack, usize)>,
    /// The document's node id and initial vertical scroll offset, from the last FullSnapshot.
    document: Option<(i64, f64)>,
    thrash: Vec<Episode>,
    scroll_episodes: Vec<Episode>,
    selections: Vec<SelectionFact>,
}

impl Pass {
    pub(super) fn new(options: AnalyzeOptions) -> Self {
        Pass {
            analyzer: Analyzer::with_options(options),
            facts: Vec::new(),
            events: Vec::new(),
            urls: Vec::new(),
            url_ids: FxHashMap::default(),
            url: None,
            viewport_height: FALLBACK_VIEWPORT_HEIGHT_PX,
            pointer: PointerTrack::default(),
            scrolls: FxHashMap::default(),
            document: None,
            thrash: Vec::new(),
            scroll_episodes: Vec::new(),
            selections: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, event: Event) {
        let t = event.timestamp;
        let mut row = StoredEvent {
            t_ms: t,
            target_node_id: NONE,
            event_type: clamp32(event.type_number()),
            url: u32::MAX,
            source: i16::MIN,
            mouse_type: i16::MIN,
        };
        let mut seen = Seen::Nothing;
        match &event.data {
            EventData::Meta(meta) if meta.height > 0.0 => self.viewport_height = meta.height,
            EventData::FullSnapshot(snapshot) => {
                // A new document: node ids restart, and the page is scrolled to its initial
                // offset (where the first scroll leg starts).
                self.scrolls.clear();
                self.document = snapshot.node.nodes.first().map(|n| (n.id, snapshot.initial_offset.top));
            }
            EventData::IncrementalSnapshot(data) => {
                row.source = clamp16(data.source_number());
                match data {
                    IncrementalData::MouseInteraction(m) => {
                        row.mouse_type = clamp16(m.interaction.number());
                        row.target_node_id = m.id;
                    }
                    IncrementalData::MouseMove(p) => {
                        let moves = p.positions.iter().map(|q| (t + q.time_offset.round() as i64, q.x, q.y, q.id));
                        seen = Seen::Moves(moves.collect());
                    }
                    IncrementalData::Scroll(s) => {
                        row.target_node_id = s.id;
                        seen = Seen::Scroll { id: s.id, y: s.y };
                    }
                    IncrementalData::ViewportResize(v) if v.height > 0.0 => self.viewport_height = v.height,
                    IncrementalData::Input(i) => row.target_node_id = i.id,
                    IncrementalData::MediaInteraction(m) => row.target_node_id = m.id,
                    IncrementalData::CanvasMutation(c) => row.target_node_id = c.id,
                    IncrementalData::Selection(s) => {
                        if let Some(first) = s.ranges.first() {
                            row.target_node_id = first.start;
                        }
                        // A collapsed range is a caret, not a highlight the user sees.
                        let selected = s.ranges.iter().find(|r| r.start != r.end || r.start_offset != r.end_offset);
                        if let Some(range) = selected {
                            seen = Seen::Selection(range.start);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }

        self.analyzer.push(event);
        self.sync_facts();
        // The analyzer's page: a Meta's href, or a route change it stated or inferred.
        if let Some(href) = self.analyzer.current_url() {
            if self.url.and_then(|u| self.urls.get(u as usize)).map(String::as_str) != Some(href) {
                let href = href.to_string();
                self.url = Some(self.intern(&href));
            }
        }
        row.url = self.url.unwrap_or(u32::MAX);
        self.events.push(row);

        match seen {
            Seen::Nothing => {}
            Seen::Moves(moves) => {
                for (at, x, y, node) in moves {
                    let Some(update) = self.pointer.track(at, x, y, node) else { continue };
                    match self.thrash.last_mut().filter(|_| update.extends) {
                        Some(episode) => {
                            episode.end_ms = update.end_ms;
                            episode.count = update.count;
                        }
                        None => {
                            let episode = self.episode(update);
                            self.thrash.push(episode);
                        }
                    }
                }
            }
            Seen::Scroll { id, y } => {
                let leg = (self.viewport_height * EXCESSIVE_SCROLL_MIN_LEG_VIEWPORTS).max(1.0);
                // Elements start unscrolled; the document at the snapshot's offset.
                let start = self.document.filter(|d| d.0 == id).map_or(0.0, |d| d.1);
                let (track, index) = self.scrolls.entry(id).or_insert_with(|| (ScrollTrack::new(start), usize::MAX));
                if let Some(update) = track.track(t, y, leg) {
                    let open = Some(*index).filter(|_| update.extends);
                    let node = Some(id);
                    match open.and_then(|i| self.scroll_episodes.get_mut(i)) {
                        Some(episode) => {
                            episode.end_ms = update.end_ms;
                            episode.count = update.count;
                        }
                        None => {
                            *index = self.scroll_episodes.len();
                            let episode = self.episode(EpisodeUpdate { node, ..update });
                            self.scroll_episodes.push(episode);
                        }
                    }
                }
            }
            Seen::Selection(start) => {
                let dom = self.analyzer.dom();
                let chain = element_of(dom, start).map(|e| chain(dom, e)).unwrap_or_default();
                self.selections.push(SelectionFact { t_ms: t, chain });
            }
        }
    }

    pub(super) fn finish(self, replay_id: Option<String>, distinct_id: Option<String>) -> AnalyzedSession {
        let Pass { analyzer, facts, events, mut urls, mut thrash, mut scroll_episodes, selections, .. } = self;
        let (mut analysis, redactor) = analyzer.finish_unwarned(replay_id, distinct_id);
        // The URLs and element descriptions kept here feed the events table and the signals:
        // redacted the same way (values already counted count once).
        if let Some(mut redactor) = redactor {
            urls.iter_mut().for_each(|u| redactor.text(u));
            for episode in thrash.iter_mut().chain(scroll_episodes.iter_mut()) {
                redactor.opt(&mut episode.element);
            }
            analysis.redactions = redactor.count();
            analysis.warnings.extend(redaction_warning(redactor.count()));
        }
        debug_assert_eq!(facts.len(), analysis.actions.len(), "facts follow the actions");
        let n_custom = analysis.actions.iter().filter(|a| a.action == ActionKind::Custom).count();
        AnalyzedSession {
            session: SessionRow::from_summary(analysis.session, n_custom),
            actions: analysis.actions,
            facts,
            events,
            urls,
            thrash,
            scrolls: scroll_episodes,
            selections,
            redactions: analysis.redactions,
            warnings: analysis.warnings,
        }
    }

    fn intern(&mut self, href: &str) -> u32 {
        if let Some(&id) = self.url_ids.get(href) {
            return id;
        }
        let id = u32::try_from(self.urls.len()).unwrap_or(u32::MAX - 1);
        self.urls.push(href.to_string());
        self.url_ids.insert(href.to_string(), id);
        id
    }

    /// Brings `facts` in line with the analyzer's actions: drops facts of actions that changed
    /// or went away (a focus folded into the next click), adds facts for new actions. Only the
    /// tail changes, so this is O(1) per event on average.
    fn sync_facts(&mut self) {
        let actions = self.analyzer.actions_so_far();
        let mut keep = self.facts.len().min(actions.len());
        while keep > 0 && self.facts[keep - 1].key != key(&actions[keep - 1]) {
            keep -= 1;
        }
        if keep < self.facts.len() {
            self.facts.truncate(keep);
        }
        let dom = self.analyzer.dom();
        for action in &actions[keep..] {
            let element = match (action.action, action.target_node_id) {
                (ActionKind::Click | ActionKind::TouchStart | ActionKind::Input, Some(id)) => {
                    Some(element_facts(dom, id))
                }
                _ => None,
            };
            self.facts.push(ActionFacts { key: key(action), element });
        }
    }

    /// A new episode from a tracker's update, its element described as the DOM is now.
    fn episode(&self, update: EpisodeUpdate) -> Episode {
        Episode {
            start_ms: update.start_ms,
            end_ms: update.end_ms,
            count: update.count,
            node_id: update.node,
            element: update.node.map(|n| describe(self.analyzer.dom(), n).desc),
            url: self.url,
        }
    }
}

/// The identity of an action while the pass runs. A selection keeps its action but may move
/// its target, so selections are identified without it.
fn key(a: &Action) -> (i64, ActionKind, u8, Option<i64>) {
    let interaction = match a.metadata.get("interaction").and_then(Value::as_str) {
        None => 0,
        Some("click") => 1,
        Some("dblclick") => 2,
        Some("right_click") => 3,
        Some("focus") => 4,
        Some(_) => 5,
    };
    let target = if a.action == ActionKind::Select { None } else { a.target_node_id };
    (a.t_ms, a.action, interaction, target)
}

fn clamp16(n: i64) -> i16 {
    n.clamp(i64::from(i16::MIN + 1), i64::from(i16::MAX)) as i16
}

fn clamp32(n: i64) -> i32 {
    n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}
