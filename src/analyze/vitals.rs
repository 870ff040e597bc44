//! Web vitals per page, read from rewind's own Plugin event (rrweb EventType 6)
//! `{plugin: "rewind/web-vitals@1", payload: {href, lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms,
//! long_tasks, long_task_ms}}`, which the recorder's opt-in `capture.performance` chunk
//! (`js/vitals.js`) writes once per page: when the page is hidden, when the route changes, and
//! on stop. Times are milliseconds since the navigation start; `cls` is unitless; any metric may
//! be `null` (not measured: LCP, FCP and TTFB after a client-side route change, a browser without
//! that entry type).
//!
//! The metrics follow the web-vitals library's definitions (github.com/GoogleChrome/web-vitals;
//! web.dev/articles/lcp, /cls, /inp, /fcp, /ttfb): LCP is the last `largest-contentful-paint`
//! before the first input or hide; CLS the largest session window of `layout-shift` values
//! (shifts with `hadRecentInput` excluded, windows end after a 1 s gap or at 5 s); INP the
//! interaction at the 98th percentile of `event` entries with an `interactionId`
//! (`durationThreshold` 40 ms); FCP the `first-contentful-paint` paint entry; TTFB the
//! navigation entry's `responseStart`. Long tasks are the count and summed duration of
//! `longtask` entries.
//!
//! A page reported again (hidden, shown, then stopped) sends its totals so far: consecutive
//! events with the same `href` are one page, each metric taken from the last event that has it
//! (with `privacy.stripUrlQuery`, two pages that differ only in query or hash count as one). A value of the wrong type, negative, not
//! finite or past [`MAX_MS`] / [`MAX_CLS`] is ignored (that metric reads as not measured) with
//! one warning per event; a payload that is not an object is skipped with a warning.

use crate::model::PluginData;
use serde::Serialize;
use serde_json::{Map, Value};

/// The plugin name `js/vitals.js` writes (`VITALS_PLUGIN` there).
pub const VITALS_PLUGIN: &str = "rewind/web-vitals@1";
/// Largest time accepted for a metric, ms (one hour): beyond it the value is taken as bad data.
pub const MAX_MS: f64 = 3_600_000.0;
/// Largest CLS accepted: a session window of shifts can sum past 1, but not plausibly past this.
pub const MAX_CLS: f64 = 100.0;
/// "Poor" LCP: above 4000 ms (web.dev/articles/lcp, "What is a good LCP score?").
pub const POOR_LCP_MS: f64 = 4000.0;
/// "Poor" INP: above 500 ms (web.dev/articles/inp, "What is a good INP score?").
pub const POOR_INP_MS: f64 = 500.0;
/// "Poor" CLS: above 0.25 (web.dev/articles/cls, "What is a good CLS score?").
pub const POOR_CLS: f64 = 0.25;

/// The vitals of one page, or of a session (the worst over its pages: see [`Vitals::worst`]).
/// `None`: not measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Vitals {
    /// Largest Contentful Paint, ms since the navigation start.
    pub lcp_ms: Option<f64>,
    /// Cumulative Layout Shift (largest session window), unitless.
    pub cls: Option<f64>,
    /// Interaction to Next Paint, ms.
    pub inp_ms: Option<f64>,
    /// First Contentful Paint, ms since the navigation start.
    pub fcp_ms: Option<f64>,
    /// Time To First Byte (navigation `responseStart`), ms.
    pub ttfb_ms: Option<f64>,
    /// Long tasks (`longtask` entries, ≥ 50 ms each) seen.
    pub long_tasks: Option<u64>,
    /// Their summed duration, ms.
    pub long_task_ms: Option<f64>,
}

impl Vitals {
    /// The session's figures: the worst (largest) LCP, CLS, INP, FCP and TTFB over its pages,
    /// long tasks and their time summed. All `None` for a session without vitals events.
    pub fn worst<'a>(pages: impl IntoIterator<Item = &'a Vitals>) -> Vitals {
        let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        };
        let sum = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => Some(x + y),
            (x, y) => x.or(y),
        };
        pages.into_iter().fold(Vitals::default(), |acc, p| Vitals {
            lcp_ms: max(acc.lcp_ms, p.lcp_ms),
            cls: max(acc.cls, p.cls),
            inp_ms: max(acc.inp_ms, p.inp_ms),
            fcp_ms: max(acc.fcp_ms, p.fcp_ms),
            ttfb_ms: max(acc.ttfb_ms, p.ttfb_ms),
            long_tasks: match (acc.long_tasks, p.long_tasks) {
                (Some(x), Some(y)) => Some(x.saturating_add(y)),
                (x, y) => x.or(y),
            },
            long_task_ms: sum(acc.long_task_ms, p.long_task_ms),
        })
    }

    /// Which of the metrics are "poor" by web.dev's boundaries ([`POOR_LCP_MS`], [`POOR_INP_MS`],
    /// [`POOR_CLS`]), as `LCP 5200 ms`-style phrases; empty when none is.
    pub fn poor(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = self.lcp_ms.filter(|v| *v > POOR_LCP_MS) {
            out.push(format!("LCP {} ms", v.round()));
        }
        if let Some(v) = self.inp_ms.filter(|v| *v > POOR_INP_MS) {
            out.push(format!("INP {} ms", v.round()));
        }
        if let Some(v) = self.cls.filter(|v| *v > POOR_CLS) {
            out.push(format!("CLS {}", (v * 1000.0).round() / 1000.0));
        }
        out
    }
}

/// One page's vitals, as reported: one row of the bundle's `pages` table (with the replay id).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageVitals {
    /// When the (last) report for the page was recorded, Unix epoch ms.
    pub t_ms: i64,
    /// The page's URL as the recorder saw it (redacted like the other URLs).
    pub href: Option<String>,
    /// Its vitals.
    #[serde(flatten)]
    pub vitals: Vitals,
}

/// A page with at least one "poor" web vital (LCP > 4 s, INP > 500 ms or CLS > 0.25: web.dev's
/// boundaries, [`POOR_LCP_MS`], [`POOR_INP_MS`], [`POOR_CLS`]): one line of the report's
/// `slow_pages`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlowPage {
    /// The replay.
    pub replay_id: String,
    /// The page and its vitals.
    #[serde(flatten)]
    pub page: PageVitals,
    /// The poor metrics, as [`Vitals::poor`] words them (`LCP 5200 ms`).
    pub poor: Vec<String>,
}

/// The slow pages of one replay's pages, in their order.
pub fn slow_pages(replay_id: &str, pages: &[PageVitals]) -> Vec<SlowPage> {
    pages
        .iter()
        .filter_map(|p| {
            let poor = p.vitals.poor();
            (!poor.is_empty()).then(|| SlowPage { replay_id: replay_id.to_owned(), page: p.clone(), poor })
        })
        .collect()
}

/// True for rewind's web-vitals plugin at any version.
pub(super) fn is_vitals(plugin: &PluginData) -> bool {
    plugin.plugin.starts_with("rewind/web-vitals@")
}

/// The pages reported so far, and the warnings about bad payloads.
#[derive(Default)]
pub(super) struct VitalsTracker {
    pub(super) pages: Vec<PageVitals>,
    pub(super) warnings: Vec<String>,
}

impl VitalsTracker {
    /// Reads one vitals event at `t` (Unix epoch ms).
    pub(super) fn push(&mut self, t: i64, plugin: &PluginData) {
        let payload = plugin.payload.as_ref().and_then(|p| serde_json::from_str::<Value>(p.get()).ok());
        let Some(Value::Object(payload)) = payload else {
            self.warnings.push(format!("web-vitals event at {t} skipped: its payload is not a JSON object"));
            return;
        };
        let mut bad = Vec::new();
        let mut ms = |key: &str, max: f64| read_number(&payload, key, max, &mut bad);
        let vitals = Vitals {
            lcp_ms: ms("lcp_ms", MAX_MS),
            cls: ms("cls", MAX_CLS),
            inp_ms: ms("inp_ms", MAX_MS),
            fcp_ms: ms("fcp_ms", MAX_MS),
            ttfb_ms: ms("ttfb_ms", MAX_MS),
            long_tasks: ms("long_tasks", MAX_MS).map(|n| n.round() as u64),
            long_task_ms: ms("long_task_ms", MAX_MS),
        };
        let href = payload.get("href").and_then(Value::as_str).map(str::to_owned);
        if !bad.is_empty() {
            self.warnings.push(format!(
                "web-vitals event at {t}: ignored bad values ({}): a metric must be a number from 0 to its limit",
                bad.join(", ")
            ));
        }
        match self.pages.last_mut() {
            Some(last) if last.href == href => {
                let old = &last.vitals;
                last.vitals = Vitals {
                    lcp_ms: vitals.lcp_ms.or(old.lcp_ms),
                    cls: vitals.cls.or(old.cls),
                    inp_ms: vitals.inp_ms.or(old.inp_ms),
                    fcp_ms: vitals.fcp_ms.or(old.fcp_ms),
                    ttfb_ms: vitals.ttfb_ms.or(old.ttfb_ms),
                    long_tasks: vitals.long_tasks.or(old.long_tasks),
                    long_task_ms: vitals.long_task_ms.or(old.long_task_ms),
                };
                last.t_ms = t;
            }
            _ => self.pages.push(PageVitals { t_ms: t, href, vitals }),
        }
    }
}

/// The number at `key`: `None` when absent or `null`; also `None`, named in `bad`, when it is
/// not a finite number in `0..=max`.
fn read_number(payload: &Map<String, Value>, key: &str, max: f64, bad: &mut Vec<String>) -> Option<f64> {
    match payload.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64().filter(|n| n.is_finite() && (0.0..=max).contains(n)) {
            Some(n) => Some(n),
            None => {
                let mut shown = v.to_string();
                if shown.len() > 40 {
                    shown = format!("{}…", crate::analyze::describe::truncate_chars(&shown, 40));
                }
                bad.push(format!("{key}={shown}"));
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    fn plugin(payload: &str) -> PluginData {
        PluginData { plugin: VITALS_PLUGIN.into(), payload: Some(RawValue::from_string(payload.into()).unwrap()) }
    }

    #[test]
    fn reads_pages_and_merges_reports_of_the_same_page() {
        let mut v = VitalsTracker::default();
        v.push(10, &plugin(r#"{"href":"https://a.test/","lcp_ms":1200.5,"cls":0.1,"inp_ms":null,"fcp_ms":800,"ttfb_ms":90,"long_tasks":1,"long_task_ms":70}"#));
        v.push(20, &plugin(r#"{"href":"https://a.test/","lcp_ms":null,"cls":0.3,"inp_ms":240,"fcp_ms":800,"ttfb_ms":90,"long_tasks":2,"long_task_ms":150}"#));
        v.push(30, &plugin(r#"{"href":"https://a.test/b","lcp_ms":null,"cls":0,"inp_ms":600,"fcp_ms":null,"ttfb_ms":null,"long_tasks":0,"long_task_ms":0}"#));
        assert!(v.warnings.is_empty(), "{:?}", v.warnings);
        assert_eq!(v.pages.len(), 2);
        assert_eq!(v.pages[0].t_ms, 20);
        assert_eq!(
            v.pages[0].vitals,
            Vitals {
                lcp_ms: Some(1200.5),
                cls: Some(0.3),
                inp_ms: Some(240.0),
                fcp_ms: Some(800.0),
                ttfb_ms: Some(90.0),
                long_tasks: Some(2),
                long_task_ms: Some(150.0)
            }
        );
        assert_eq!(v.pages[1].href.as_deref(), Some("https://a.test/b"));
        let worst = Vitals::worst(v.pages.iter().map(|p| &p.vitals));
        assert_eq!(worst.lcp_ms, Some(1200.5));
        assert_eq!(worst.inp_ms, Some(600.0));
        assert_eq!(worst.cls, Some(0.3));
        assert_eq!(worst.long_tasks, Some(2));
        assert_eq!(worst.long_task_ms, Some(150.0));
        assert_eq!(worst.poor(), vec!["INP 600 ms".to_string(), "CLS 0.3".to_string()]);
        assert_eq!(Vitals::worst([]), Vitals::default());
        let slow = slow_pages("r1", &v.pages);
        assert_eq!(slow.len(), 2);
        assert_eq!((slow[0].replay_id.as_str(), slow[0].page.t_ms), ("r1", 20));
        assert_eq!(slow[0].poor, vec!["CLS 0.3"]);
        assert_eq!(slow[1].poor, vec!["INP 600 ms"]);
    }

    #[test]
    fn bad_values_are_ignored_with_a_warning_and_bad_payloads_skipped() {
        let mut v = VitalsTracker::default();
        v.push(
            5,
            &plugin(
                r#"{"href":"https://a.test/","lcp_ms":-3,"cls":"big","inp_ms":1e300,"fcp_ms":700,"long_tasks":[1]}"#,
            ),
        );
        assert_eq!(v.pages.len(), 1);
        let p = &v.pages[0].vitals;
        assert_eq!((p.lcp_ms, p.cls, p.inp_ms, p.fcp_ms, p.long_tasks), (None, None, None, Some(700.0), None));
        assert_eq!(v.warnings.len(), 1);
        let w = &v.warnings[0];
        for key in ["lcp_ms=-3", "cls=\"big\"", "inp_ms=1e+300", "long_tasks=[1]"] {
            assert!(w.contains(key), "{w}");
        }
        v.push(6, &plugin("[1,2]"));
        v.push(7, &PluginData { plugin: VITALS_PLUGIN.into(), payload: None });
        assert_eq!(v.pages.len(), 1);
        assert_eq!(v.warnings.len(), 3);
        assert!(v.warnings[1].contains("not a JSON object"));
    }

    #[test]
    fn poor_uses_web_dev_boundaries_exclusively() {
        let at = Vitals { lcp_ms: Some(4000.0), inp_ms: Some(500.0), cls: Some(0.25), ..Vitals::default() };
        assert!(at.poor().is_empty());
        let past = Vitals { lcp_ms: Some(4100.4), inp_ms: Some(501.0), cls: Some(0.26), ..Vitals::default() };
        assert_eq!(past.poor(), vec!["LCP 4100 ms", "INP 501 ms", "CLS 0.26"]);
    }
}
