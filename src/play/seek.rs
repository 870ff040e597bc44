//! Seeking: the recording's events, checkpoints of the virtual DOM, and the current state.
//!
//! A checkpoint is the virtual DOM after the first `applied` events. There are two kinds: the
//! recording's own FullSnapshots (free: rebuilt from the snapshot event itself) and copies made
//! by a pass over the recording whenever the work replayed since the last checkpoint exceeds
//! both [`MIN_CHECKPOINT_WORK`] and the current DOM size (so the copies together cost about as
//! much memory as the mutations they summarise, and a seek costs at most about two DOM sizes
//! of work: one copy, then at most that much replay).
//!
//! The pass runs in slices ([`Playback::build_checkpoints`]) so a player can show its first
//! frame at once and finish indexing while idle; a seek past the pass's frontier replays from
//! the last FullSnapshot before the target (as rrweb does) or advances the pass.

use super::vdom::{VDom, Warnings};
use crate::model::{Event, EventData};

/// Least replay work (events that change the DOM, plus nodes and values they touch) between
/// two copied checkpoints. Measured in `benches/play.rs`: replaying 4,096 units of the
/// synthesized recordings takes well under a millisecond natively.
pub const MIN_CHECKPOINT_WORK: usize = 4_096;

/// Events (that change the DOM) replayed incrementally by [`Playback::advance`] before it
/// prefers restoring a checkpoint.
const MAX_INCREMENTAL_EVENTS: usize = 256;

#[derive(Clone, Debug)]
enum Saved {
    /// The event at `applied - 1` is a FullSnapshot: rebuild from it.
    Snapshot,
    /// A copy.
    Copy(Box<VDom>),
}

#[derive(Clone, Debug)]
struct Checkpoint {
    /// Events applied (`events[..applied]`).
    applied: usize,
    saved: Saved,
}

/// The pass that makes copied checkpoints.
#[derive(Clone, Debug)]
struct Builder {
    dom: VDom,
    /// Warnings of the pages before the current one (a FullSnapshot resets the DOM's own).
    earlier: Warnings,
    /// Index into `dom_events` of the next event to apply.
    next: usize,
    work: usize,
}

/// How a state was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reached {
    /// Already there.
    Unchanged,
    /// By applying the events in between to the current state (changes recorded when asked).
    Forward,
    /// From a checkpoint (or from scratch): rebuild everything.
    Restored,
}

/// Statistics about a [`Playback`], for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeekStats {
    /// Copied checkpoints.
    pub copies: usize,
    /// FullSnapshot checkpoints.
    pub snapshots: usize,
    /// Nodes held by copies.
    pub copied_nodes: usize,
    /// Events replayed by the last seek.
    pub last_replayed: usize,
    /// Whether the checkpoint pass has covered the whole recording.
    pub indexed: bool,
}

/// The recording's events and the virtual DOM at the playback position.
#[derive(Clone, Debug)]
pub struct Playback {
    events: Vec<Event>,
    /// Indices of the events that change the virtual DOM.
    dom_events: Vec<u32>,
    checkpoints: Vec<Checkpoint>,
    builder: Option<Builder>,
    current: VDom,
    /// Events applied to `current`.
    applied: usize,
    /// Whether to make copied checkpoints at all (off: FullSnapshots only, like rrweb).
    copies: bool,
    /// Least work between copies: [`MIN_CHECKPOINT_WORK`] or the DOM size, whichever is
    /// larger; a fixed number when set for tests.
    fixed_work: Option<usize>,
    last_replayed: usize,
}

impl Playback {
    /// Takes the recording's events (sorted by time, as [`crate::codec::decode`] returns them).
    /// Nothing is replayed yet: the state is the empty page before the first event.
    pub fn new(events: Vec<Event>) -> Self {
        let dom_events: Vec<u32> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| VDom::affects(e))
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        let checkpoints = events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.data, EventData::FullSnapshot(_)))
            .map(|(i, _)| Checkpoint { applied: i + 1, saved: Saved::Snapshot })
            .collect();
        Playback {
            events,
            dom_events,
            checkpoints,
            builder: Some(Builder { dom: VDom::new(), earlier: Warnings::default(), next: 0, work: 0 }),
            current: VDom::new(),
            applied: 0,
            copies: true,
            fixed_work: None,
            last_replayed: 0,
        }
    }

    /// FullSnapshot checkpoints only, no copies: every seek replays from the last FullSnapshot
    /// before it, as rrweb's Replayer does. For comparisons.
    pub fn without_copies(mut self) -> Self {
        self.copies = false;
        self.builder = None;
        self
    }

    /// Copies a checkpoint after every `work` units (instead of the larger of
    /// [`MIN_CHECKPOINT_WORK`] and the DOM size): small values make many checkpoints, for tests.
    pub fn with_checkpoint_work(mut self, work: usize) -> Self {
        self.fixed_work = Some(work.max(1));
        self
    }

    /// The events.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The virtual DOM after [`Playback::applied`] events.
    pub fn dom(&self) -> &VDom {
        &self.current
    }

    /// Mutable access, for the edge to switch change recording on and take changes.
    pub fn dom_mut(&mut self) -> &mut VDom {
        &mut self.current
    }

    /// Events applied to the current state.
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// The number of events at or before `t_ms` (Unix epoch ms): the state at `t_ms` has them
    /// all applied.
    pub fn index_at(&self, t_ms: i64) -> usize {
        self.events.partition_point(|e| e.timestamp <= t_ms)
    }

    /// The virtual DOM at `t_ms` (Unix epoch ms): every event with `timestamp <= t_ms` applied.
    pub fn state_at(&mut self, t_ms: i64) -> &VDom {
        let n = self.index_at(t_ms);
        self.seek(n);
        &self.current
    }

    /// Statistics.
    pub fn stats(&self) -> SeekStats {
        let mut s = SeekStats { last_replayed: self.last_replayed, indexed: self.indexed(), ..SeekStats::default() };
        for c in &self.checkpoints {
            match &c.saved {
                Saved::Snapshot => s.snapshots += 1,
                Saved::Copy(d) => {
                    s.copies += 1;
                    s.copied_nodes += d.len();
                }
            }
        }
        s
    }

    /// Continues the checkpoint pass by up to `max_events` DOM-changing events; true when the
    /// whole recording is indexed.
    pub fn build_checkpoints(&mut self, max_events: usize) -> bool {
        let Some(mut b) = self.builder.take() else { return true };
        let end = b.next.saturating_add(max_events).min(self.dom_events.len());
        self.run_builder(&mut b, end);
        self.builder = Some(b);
        self.indexed()
    }

    /// Whether the checkpoint pass has covered every event (or makes no copies).
    pub fn indexed(&self) -> bool {
        self.builder.as_ref().is_none_or(|b| b.next >= self.dom_events.len())
    }

    /// What the Replayer would have warned about over the whole recording, once the checkpoint
    /// pass is done.
    pub fn warnings(&self) -> Option<Warnings> {
        let b = self.builder.as_ref()?;
        if b.next < self.dom_events.len() {
            return None;
        }
        let mut w = b.earlier;
        w.add(&b.dom.warnings);
        Some(w)
    }

    /// Appends events recorded after the ones so far (progressive loading): they join the
    /// index and the checkpoint pass picks them up.
    pub fn extend(&mut self, more: Vec<Event>) {
        let base = self.events.len();
        for (k, e) in more.iter().enumerate() {
            let i = base + k;
            if VDom::affects(e) {
                self.dom_events.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
            if matches!(e.data, EventData::FullSnapshot(_)) {
                self.checkpoints.push(Checkpoint { applied: i + 1, saved: Saved::Snapshot });
            }
        }
        self.events.extend(more);
    }

    /// The events, to repair or re-sort them in place: after changing any timestamp or the
    /// order, make a new playback from [`Playback::into_events`].
    pub fn events_mut(&mut self) -> &mut [Event] {
        &mut self.events
    }

    /// The events, taken back.
    pub fn into_events(self) -> Vec<Event> {
        self.events
    }

    /// Applies DOM events `b.next..end` (indices into `dom_events`) to the builder, saving
    /// copies on the way.
    fn run_builder(&mut self, b: &mut Builder, end: usize) {
        while b.next < end {
            let i = self.dom_events[b.next] as usize;
            let event = &self.events[i];
            let snapshot = matches!(event.data, EventData::FullSnapshot(_));
            if snapshot {
                b.earlier.add(&b.dom.warnings);
            }
            b.work += 1 + b.dom.apply(event);
            b.next += 1;
            if snapshot {
                b.work = 0;
            } else if b.work >= self.fixed_work.unwrap_or_else(|| MIN_CHECKPOINT_WORK.max(b.dom.weight())) {
                let applied = i + 1;
                let at = self.checkpoints.partition_point(|c| c.applied < applied);
                self.checkpoints.insert(at, Checkpoint { applied, saved: Saved::Copy(Box::new(b.dom.clone())) });
                b.work = 0;
            }
        }
    }

    /// The state after `events[..n]`. Returns how it was reached.
    pub fn seek(&mut self, n: usize) -> Reached {
        let n = n.min(self.events.len());
        if n == self.applied {
            self.last_replayed = 0;
            return Reached::Unchanged;
        }
        // A seek beyond the checkpoint pass's frontier (and beyond any FullSnapshot there)
        // advances the pass first, so the next seek there is instant.
        if let Some(mut b) = self.builder.take() {
            let frontier = self.dom_events.get(b.next).map_or(self.events.len(), |&i| i as usize);
            let snapshot_ahead = self.checkpoints.iter().any(|c| c.applied > frontier && c.applied <= n);
            if n > frontier && !snapshot_ahead {
                let end = self.dom_events.partition_point(|&i| (i as usize) < n);
                self.run_builder(&mut b, end);
            }
            self.builder = Some(b);
        }
        let best = self.checkpoints.partition_point(|c| c.applied <= n);
        let from = best.checked_sub(1).map(|k| self.checkpoints[k].applied).unwrap_or(0);
        if n > self.applied && self.applied >= from {
            self.forward(n);
            return Reached::Forward;
        }
        self.restore(best.checked_sub(1));
        self.forward(n);
        Reached::Restored
    }

    /// Like [`Playback::seek`], but prefers applying the events in between (with changes
    /// recorded into the virtual DOM, for the edge) when going forward by a few events.
    pub fn advance(&mut self, n: usize) -> Reached {
        let n = n.min(self.events.len());
        if n > self.applied {
            let lo = self.dom_events.partition_point(|&i| (i as usize) < self.applied);
            let hi = self.dom_events.partition_point(|&i| (i as usize) < n);
            if hi - lo <= MAX_INCREMENTAL_EVENTS {
                self.forward(n);
                return Reached::Forward;
            }
        }
        self.seek(n)
    }

    fn restore(&mut self, checkpoint: Option<usize>) {
        let record = self.current.is_recording();
        self.current.set_recording(false);
        match checkpoint.map(|k| &self.checkpoints[k]) {
            None => {
                self.current = VDom::new();
                self.applied = 0;
            }
            Some(Checkpoint { applied, saved: Saved::Copy(dom) }) => {
                self.current.clone_from(dom);
                self.applied = *applied;
            }
            Some(Checkpoint { applied, saved: Saved::Snapshot }) => {
                let applied = *applied;
                self.current = VDom::new();
                self.current.apply(&self.events[applied - 1]);
                self.applied = applied;
            }
        }
        self.current.set_recording(record);
        if record {
            self.current.push_reset();
        }
    }

    fn forward(&mut self, n: usize) {
        let lo = self.dom_events.partition_point(|&i| (i as usize) < self.applied);
        let hi = self.dom_events.partition_point(|&i| (i as usize) < n);
        for &i in &self.dom_events[lo..hi] {
            self.current.apply(&self.events[i as usize]);
        }
        self.last_replayed = hi - lo;
        self.applied = n;
    }

    /// The virtual DOM after `events[..n]`, replayed from the first event (what a seek must
    /// equal).
    pub fn replay_straight(events: &[Event], n: usize) -> VDom {
        let mut dom = VDom::new();
        for e in &events[..n.min(events.len())] {
            dom.apply(e);
        }
        dom
    }
}
