//! Filters that return new bundles (`where`, `filter`, `sample`, `find_pattern`) and the
//! label-based comparison of two bundles. A filtered bundle shares its replays with the
//! original (reference-counted), so filtering copies nothing.

use super::ReplayBundle;
use crate::analyze::session::AnalyzedSession;
use crate::analyze::Action;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::convert::Infallible;

/// The conditions of [`ReplayBundle::where_`]; every condition given must hold. As JSON (the
/// wasm and JS API): `{"distinct_id": "u-1", "contains_url": "/checkout", "has_event":
/// "console_error", "min_duration_s": 5, "max_duration_s": 600}` (camelCase keys also
/// accepted; unknown keys are an error).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Where {
    /// The replay's `distinct_id` equals this.
    #[serde(alias = "distinctId")]
    pub distinct_id: Option<String>,
    /// Some page URL the replay visited (stated or inferred, [`AnalyzedSession::urls`]) contains this text
    /// (case-sensitive).
    #[serde(alias = "containsUrl")]
    pub contains_url: Option<String>,
    /// The replay has an action of this kind (`click`, `input`, `console_error`…, or a click
    /// interaction: `dblclick`, `right_click`, `focus`) or a custom event with this tag.
    #[serde(alias = "hasEvent")]
    pub has_event: Option<String>,
    /// `duration_s` is at least this (seconds).
    #[serde(alias = "minDurationS")]
    pub min_duration_s: Option<f64>,
    /// `duration_s` is at most this (seconds).
    #[serde(alias = "maxDurationS")]
    pub max_duration_s: Option<f64>,
}

impl Where {
    /// Parses the JSON form.
    ///
    /// # Errors
    /// `where: …` with serde's reason (unknown key, wrong type).
    pub fn from_json(text: &str) -> Result<Where, String> {
        serde_json::from_str(text).map_err(|e| format!("where: {e}"))
    }

    /// Whether `replay` meets every condition.
    pub fn matches(&self, replay: &AnalyzedSession) -> bool {
        let s = &replay.session;
        if self.distinct_id.as_ref().is_some_and(|d| s.distinct_id.as_ref() != Some(d)) {
            return false;
        }
        if self.contains_url.as_ref().is_some_and(|u| !replay.urls.iter().any(|url| url.contains(u.as_str()))) {
            return false;
        }
        if let Some(event) = &self.has_event {
            let found = replay.actions.iter().any(|a| {
                a.action.as_str() == event
                    || super::labels::action_name(a) == event
                    || (a.action == crate::analyze::ActionKind::Custom && &a.description == event)
            });
            if !found {
                return false;
            }
        }
        self.min_duration_s.is_none_or(|min| s.duration_s >= min)
            && self.max_duration_s.is_none_or(|max| s.duration_s <= max)
    }
}

/// One row of [`ReplayBundle::compare`]: how often a label occurs in each bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompareRow {
    /// The activity label (see [`super::labels`]).
    pub action: String,
    /// Occurrences in this bundle.
    pub self_count: usize,
    /// Occurrences in the other bundle.
    pub other_count: usize,
    /// `self_count - other_count`.
    pub delta: i64,
}

fn ok<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

impl ReplayBundle {
    /// The replays meeting every condition of `query`, in order.
    #[doc(alias = "where")]
    pub fn where_(&self, query: &Where) -> ReplayBundle {
        self.filter(|r| query.matches(r))
    }

    /// The replays for which `keep` returns true, in order.
    pub fn filter(&self, mut keep: impl FnMut(&AnalyzedSession) -> bool) -> ReplayBundle {
        ok(self.try_filter(|r| Ok(keep(r))))
    }

    /// [`ReplayBundle::filter`] with a predicate that can fail (a JavaScript callback that
    /// throws); the first error stops the filter.
    ///
    /// # Errors
    /// The predicate's error.
    pub fn try_filter<E>(&self, mut keep: impl FnMut(&AnalyzedSession) -> Result<bool, E>) -> Result<ReplayBundle, E> {
        let mut replays = Vec::new();
        for replay in &self.replays {
            if keep(replay)? {
                replays.push(replay.clone());
            }
        }
        Ok(ReplayBundle { replays })
    }

    /// `n` replays chosen at random, deterministically: the same bundle, `n` and `seed` give
    /// the same replays on every platform (the PCG generator of the `oorandom` crate, seeded
    /// with `seed`, drives a partial Fisher–Yates shuffle). The sample keeps the bundle's
    /// order. `n` at least the bundle's size gives the whole bundle.
    pub fn sample(&self, n: usize, seed: u64) -> ReplayBundle {
        let len = self.replays.len();
        if n >= len {
            return self.clone();
        }
        let mut rng = oorandom::Rand64::new(u128::from(seed));
        let mut order: Vec<usize> = (0..len).collect();
        for i in 0..n {
            let j = i + rng.rand_range(0..(len - i) as u64) as usize;
            order.swap(i, j);
        }
        order.truncate(n);
        order.sort_unstable();
        ReplayBundle { replays: order.into_iter().map(|i| self.replays[i].clone()).collect() }
    }

    /// Each replay's activity labels: `label` applied to every action, in order, skipping
    /// actions it returns `None` for. Pass [`super::labels::default_label`] or
    /// [`super::labels::selector_label`] wrapped in `Some`, or your own.
    pub fn labels(&self, mut label: impl FnMut(&Action) -> Option<String>) -> Vec<(String, Vec<String>)> {
        ok(self.try_labels(|a| Ok(label(a))))
    }

    /// [`ReplayBundle::labels`] with a labeller that can fail.
    ///
    /// # Errors
    /// The labeller's first error.
    pub fn try_labels<E>(
        &self,
        mut label: impl FnMut(&Action) -> Result<Option<String>, E>,
    ) -> Result<Vec<(String, Vec<String>)>, E> {
        let mut out = Vec::with_capacity(self.replays.len());
        for replay in &self.replays {
            let mut labels = Vec::new();
            for action in &replay.actions {
                if let Some(l) = label(action)? {
                    labels.push(l);
                }
            }
            out.push((replay.session.replay_id.clone(), labels));
        }
        Ok(out)
    }

    /// The replays whose label sequence ([`ReplayBundle::labels`]) contains `pattern` as a
    /// contiguous run (`["click:button@/cart", "navigate@/checkout"]`). An empty pattern
    /// matches every replay.
    pub fn find_pattern<S: AsRef<str>>(
        &self,
        pattern: &[S],
        mut label: impl FnMut(&Action) -> Option<String>,
    ) -> ReplayBundle {
        ok(self.try_find_pattern(pattern, |a| Ok(label(a))))
    }

    /// [`ReplayBundle::find_pattern`] with a labeller that can fail.
    ///
    /// # Errors
    /// The labeller's first error.
    pub fn try_find_pattern<S: AsRef<str>, E>(
        &self,
        pattern: &[S],
        mut label: impl FnMut(&Action) -> Result<Option<String>, E>,
    ) -> Result<ReplayBundle, E> {
        self.try_filter(|replay| {
            let mut labels = Vec::new();
            for action in &replay.actions {
                if let Some(l) = label(action)? {
                    labels.push(l);
                }
            }
            Ok(pattern.is_empty()
                || labels.windows(pattern.len()).any(|w| w.iter().zip(pattern).all(|(l, p)| l == p.as_ref())))
        })
    }

    /// How often each label occurs in this bundle and in `other`: one row per label seen in
    /// either, sorted by the size of the difference (largest first), then label.
    pub fn compare(&self, other: &ReplayBundle, mut label: impl FnMut(&Action) -> Option<String>) -> Vec<CompareRow> {
        ok(self.try_compare(other, |a| Ok(label(a))))
    }

    /// [`ReplayBundle::compare`] with a labeller that can fail.
    ///
    /// # Errors
    /// The labeller's first error.
    pub fn try_compare<E>(
        &self,
        other: &ReplayBundle,
        mut label: impl FnMut(&Action) -> Result<Option<String>, E>,
    ) -> Result<Vec<CompareRow>, E> {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (bundle, mine) in [(self, true), (other, false)] {
            for (_, labels) in bundle.try_labels(&mut label)? {
                for l in labels {
                    let entry = counts.entry(l).or_default();
                    if mine {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                }
            }
        }
        let mut rows: Vec<CompareRow> = counts
            .into_iter()
            .map(|(action, (s, o))| CompareRow {
                action,
                self_count: s,
                other_count: o,
                delta: i64::try_from(s).unwrap_or(i64::MAX) - i64::try_from(o).unwrap_or(i64::MAX),
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.delta.unsigned_abs()));
        Ok(rows)
    }
}
