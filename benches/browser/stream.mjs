// Streamed player benchmark: a large session read from the real collector (`rewind serve`, the
// binary the e2e tests use) into rewind's player, in headless Chromium, two ways:
// - "whole": what the viewer did before streaming: `GET /v1/sessions/{id}`, `res.json()`, then
//   `createPlayer(el, {events})`;
// - "streamed": what it does now: the response's body split by `splitEvents`
//   (js/viewer/sources.js) and its `events` stream given to `createPlayer`.
// For each: ms from the request to the first page shown (the FullSnapshot's table in the
// iframe, then a forced layout), to the response's last byte, and the longest main-thread task
// (Long Tasks API, >= 50 ms) until the first page. Fresh page per run; median of --reps.
// Then "viewer": the collector's own viewer opened on a deep link to the session
// (`#readKey=…&session=…`), ms from the navigation to the first page in its player and to the
// last byte of `GET /v1/sessions/{id}/analysis` (the viewer mounts the player without waiting
// for the analysis, so the first can come before the second).
// Results go in BENCHMARKS.md ("Player"). Not a test: it prints numbers and asserts nothing.
//
//   npm run build:wasm-analyze && cargo build -p rewind-cli
//   node benches/browser/stream.mjs [--reps N] [--renders N]
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launch, newPage, root } from '../../tests/e2e/support.mjs';
import { KEYS, ingest, startCollector } from '../../tests/e2e/collector.mjs';
import { tableRecording } from '../../tests/e2e/large-recording.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPS = arg('--reps', 3);
/** Renders of the table (tests/e2e/large-recording.mjs): 11 is its 20 MB default. */
const RENDERS = arg('--renders', 11);
/** Largest batch ingested, bytes of JSON (the collector takes up to 20 MiB decompressed). */
const BATCH_BYTES = 4 << 20;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const recording = tableRecording({ renders: RENDERS });
const collector = await startCollector({ www: fileURLToPath(new URL('www/', root)) });
const browser = await launch();
try {
  const session = crypto.randomUUID();
  let batch = [];
  let size = 0;
  let seq = 0;
  const flush = async () => {
    if (!batch.length) return;
    const status = await ingest(collector.origin, { session_id: session, seq: seq++, events: batch });
    if (status !== 200) throw new Error(`ingest answered ${status}`);
    batch = [];
    size = 0;
  };
  for (const event of JSON.parse(recording.json)) {
    const n = JSON.stringify(event).length;
    if (size + n > BATCH_BYTES) await flush();
    batch.push(event);
    size += n;
  }
  await flush();
  console.log(`table: ${recording.json.length} bytes, ${recording.events} events, ${seq} batches; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const results = { whole: [], streamed: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const how of ['whole', 'streamed']) {
      const page = await newPage(browser);
      await page.goto(`${collector.origin}/health`); // same origin as the read API, no viewer
      const r = await page.evaluate(async ({ how, session, key, rows }) => {
        const [{ createPlayer, init }, { splitEvents }] = await Promise.all([import('/js/player.js'), import('/js/viewer/sources.js')]);
        await init();
        const el = document.createElement('div');
        el.style.cssText = 'width:1280px;height:720px';
        document.body.replaceChildren(el);
        let longest = 0;
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
        });
        observer.observe({ type: 'longtask' });
        const t0 = performance.now();
        const res = await fetch(`/v1/sessions/${session}`, { headers: { authorization: `Bearer ${key}` }, cache: 'no-store' });
        let lastByte;
        let player;
        if (how === 'whole') {
          const body = await res.json();
          lastByte = performance.now() - t0;
          player = await createPlayer(el, body);
        } else {
          const { events, whole } = splitEvents(res.body);
          whole.then(() => (lastByte = performance.now() - t0));
          player = await createPlayer(el, events);
        }
        const table = player.frame.contentDocument.querySelector('#orders tbody');
        if (table?.rows.length !== rows) throw new Error(`the first page has ${table?.rows.length} rows`);
        void player.frame.contentDocument.body.offsetHeight;
        const first = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 100)); // the first page's own long task is reported
        const longestToFirst = longest;
        await new Promise((r) => (player.isLoaded() ? r() : player.on('loaded', r)));
        while (lastByte === undefined) await new Promise((r) => setTimeout(r, 10));
        observer.disconnect();
        player.destroy();
        return { first, lastByte, longestToFirst };
      }, { how, session, key: KEYS.read, rows: recording.rows });
      results[how].push(r);
      await page.close();
    }
  }
  results.viewer = [];
  for (let rep = 0; rep < REPS; rep++) {
    const page = await newPage(browser);
    await page.goto(`${collector.origin}/#readKey=${KEYS.read}&session=${session}`);
    const first = await (await page.waitForFunction((rows) => {
      const body = window.rewindViewer?.player()?.frame?.contentDocument?.querySelector('#orders tbody');
      return body?.rows.length === rows && performance.now();
    }, recording.rows, { polling: 'raf', timeout: 300_000 })).jsonValue();
    const analysis = await (await page.waitForFunction(() => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/analysis'));
      return entry?.responseEnd > 0 && entry.responseEnd;
    }, null, { polling: 100, timeout: 300_000 })).jsonValue();
    results.viewer.push({ first, analysis });
    await page.close();
  }
  for (const [how, runs] of Object.entries(results)) {
    if (how === 'viewer') {
      const f = (k) => `${median(runs.map((r) => r[k])).toFixed(0)} ms (${runs.map((r) => r[k].toFixed(0)).join(', ')})`;
      console.log(`viewer (deep link): first page ${f('first')}; /analysis answered ${f('analysis')} after the navigation`);
      continue;
    }
    const f = (k) => `${median(runs.map((r) => r[k])).toFixed(0)} ms (${runs.map((r) => r[k].toFixed(0)).join(', ')})`;
    console.log(`${how}: first page ${f('first')}; last byte ${f('lastByte')}; longest task to the first page ${f('longestToFirst')}`);
  }
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await browser.close();
  await collector.stop();
}
