// rewind-replay — web vitals' browser edge (opt-in: `init({capture: {performance: true}})`).
//
// Loaded by ./index.js only when `capture.performance` is on, as a separate chunk: it reads
// `PerformanceObserver` entries and writes one JSON payload per page, its `href` scrubbed by the
// recorder's Rust URL rules through the network chunk's small wasm (`loadNetworkWasm` of ./network.js). Checking the
// numbers is the analyzer's job (`src/analyze/vitals.rs`), which ignores a bad value with a
// warning.
//
// The metrics follow the web-vitals library's definitions (github.com/GoogleChrome/web-vitals,
// web.dev/articles/{lcp,cls,inp,fcp,ttfb}):
// - LCP: the `startTime` of the last `largest-contentful-paint` entry before the first input
//   (keydown / pointerdown / click) or the page being hidden; later entries are not counted.
// - CLS: the largest session window of `layout-shift` values, shifts with `hadRecentInput`
//   excluded; a window ends after a gap ≥ 1 s or when it would span more than 5 s.
// - INP: the `duration` of the interaction at the 98th percentile — with fewer than 50
//   interactions the worst one; then one more is skipped per 50 — over `event` entries with an
//   `interactionId` (observed with `durationThreshold: 40`), plus `first-input`.
// - FCP: the `startTime` of the `first-contentful-paint` `paint` entry.
// - TTFB: the navigation entry's `responseStart` (ms since navigation start).
// - Long tasks: the count and summed `duration` of `longtask` entries.
// All ms are relative to the navigation start (`performance.timeOrigin`).
//
// The wire format is rewind's own: a Plugin event (rrweb EventType 6)
// `{plugin: "rewind/web-vitals@1", payload: {href, lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms,
// long_tasks, long_task_ms}}`, `null` for a metric not measured, emitted once per page: when the
// page is hidden, when the route changes (history API / popstate / hashchange), and on stop. A
// page hidden and shown again reports again with its totals so far: the analyzer merges
// consecutive events with the same `href`, each metric from the last event that has it.
// After a route change the metrics that belong to the document load (LCP, FCP, TTFB) are null;
// CLS, INP and long tasks start over.

/** The plugin name (`analyze::vitals::VITALS_PLUGIN`). */
export const VITALS_PLUGIN = 'rewind/web-vitals@1';
/** CLS session windows: a gap this long ends a window, ms (web-vitals). */
const CLS_GAP_MS = 1000;
/** CLS session windows: no window spans longer, ms (web-vitals). */
const CLS_WINDOW_MS = 5000;
/** `event` entries shorter than this are not reported by the browser, ms (web-vitals' default). */
const DURATION_THRESHOLD_MS = 40;

const round = (x) => (x == null ? null : Math.round(x * 10) / 10);

/**
 * `capture`: the recorder's `capture` options (`performance: true | {wasm?}`; the network
 * chunk's wasm comes from `performance.wasm`, else `network.wasm`, else next to its glue);
 * `privacy`: the recorder's privacy options (`stripUrlQuery`, default true). Loads the network
 * chunk's wasm (`loadNetworkWasm` of ./network.js) for the page URL rules, then resolves to
 * `(recorder, onError) => stop(final)`, like the network chunk: called once recording has
 * started, it starts observing; the recorder's `addPluginEvent(plugin, payloadJson)` adds each
 * page's event, and a failure there goes to `onError`, never to the page.
 */
export async function prepare(capture, ingestBaseUrl, privacy = {}) {
  // A dynamic import: a static one would make bundlers move ./network.js into a chunk shared
  // with the recorder's.
  const { loadNetworkWasm } = await import('./network.js');
  const bindings = await loadNetworkWasm(capture.performance?.wasm ?? capture.network?.wasm);
  const strip = privacy.stripUrlQuery !== false;
  // The page's URL as the Meta href carries it, by the same Rust rules (`scrub_url`): without
  // query and hash unless `stripUrlQuery` is off, PII path segments redacted either way.
  const here = () => bindings.scrubPageUrl(location.href, strip);
  return (recorder, onError) => {
    let page;
    const fresh = (load) => ({
      url: location.href, href: here(), load, lcp: null, lcpFinal: !load, cls: 0, win: 0, winStart: 0, winLast: 0,
      inter: new Map(), fcp: null, ttfb: null, tasks: 0, taskMs: 0,
    });
    page = fresh(true);
    const nav = performance.getEntriesByType?.('navigation')?.[0];
    if (nav && nav.responseStart > 0) page.ttfb = nav.responseStart;

    const handlers = {
      'largest-contentful-paint': (e) => {
        if (!page.lcpFinal) page.lcp = e.startTime;
      },
      'layout-shift': (e) => {
        if (e.hadRecentInput) return;
        if (page.win && e.startTime - page.winLast < CLS_GAP_MS && e.startTime - page.winStart < CLS_WINDOW_MS) {
          page.win += e.value;
        } else {
          page.win = e.value;
          page.winStart = e.startTime;
        }
        page.winLast = e.startTime;
        if (page.win > page.cls) page.cls = page.win;
      },
      event: (e) => {
        if (!e.interactionId) return;
        const d = page.inter.get(e.interactionId) ?? 0;
        if (e.duration > d) page.inter.set(e.interactionId, e.duration);
      },
      paint: (e) => {
        if (e.name === 'first-contentful-paint' && page.load) page.fcp = e.startTime;
      },
      longtask: (e) => {
        page.tasks += 1;
        page.taskMs += e.duration;
      },
    };
    handlers['first-input'] = handlers.event;
    const observers = [];
    for (const type of Object.keys(handlers)) {
      try {
        const o = new PerformanceObserver((list) => list.getEntries().forEach(handlers[type]));
        o.observe({ type, buffered: true, ...(type === 'event' ? { durationThreshold: DURATION_THRESHOLD_MS } : {}) });
        observers.push(o);
      } catch {
        // an entry type this browser lacks: that metric stays null
      }
    }

    function inp() {
      const d = [...page.inter.values()].sort((a, b) => b - a);
      if (!d.length) return null;
      return d[Math.min(d.length - 1, Math.floor(d.length / 50))];
    }

    function report() {
      // Entries the browser holds but has not delivered yet belong to this page.
      for (const o of observers) {
        try {
          o.takeRecords().forEach((e) => handlers[e.entryType]?.(e));
        } catch {
          // nothing pending
        }
      }
      const p = page;
      const payload = {
        href: p.href, lcp_ms: round(p.lcp), cls: Math.round(p.cls * 10000) / 10000, inp_ms: round(inp()),
        fcp_ms: round(p.fcp), ttfb_ms: round(p.ttfb), long_tasks: p.tasks, long_task_ms: round(p.taskMs),
      };
      try {
        recorder.addPluginEvent(VITALS_PLUGIN, JSON.stringify(payload));
      } catch (error) {
        onError(error);
      }
    }

    const finalLcp = () => {
      page.lcpFinal = true;
    };
    const onHidden = () => {
      if (document.visibilityState !== 'hidden') return;
      finalLcp();
      // The page may be shown again: it keeps counting, and its next event supersedes this one.
      report();
    };
    const onRoute = () => {
      if (location.href === page.url) return;
      finalLcp();
      report();
      page = fresh(false);
    };
    const wrapped = {};
    for (const name of ['pushState', 'replaceState']) {
      const original = history[name];
      wrapped[name] = original;
      history[name] = function (...args) {
        const out = original.apply(this, args);
        try {
          onRoute();
        } catch (error) {
          onError(error);
        }
        return out;
      };
    }
    const inputs = ['keydown', 'pointerdown', 'click'];
    inputs.forEach((t) => addEventListener(t, finalLcp, { capture: true, once: true }));
    addEventListener('popstate', onRoute);
    addEventListener('hashchange', onRoute);
    document.addEventListener('visibilitychange', onHidden);

    // `final`: report the page before disconnecting (stop(); optOut() reports nothing).
    return (final) => {
      if (final) report();
      observers.forEach((o) => o.disconnect());
      inputs.forEach((t) => removeEventListener(t, finalLcp, { capture: true }));
      removeEventListener('popstate', onRoute);
      removeEventListener('hashchange', onRoute);
      document.removeEventListener('visibilitychange', onHidden);
      for (const name of Object.keys(wrapped)) history[name] = wrapped[name];
    };
  };
}
