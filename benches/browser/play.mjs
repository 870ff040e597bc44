// Player benchmark: rewind's player (js/player.js over pkg/, the default-feature wasm build) vs
// rrweb's Replayer (the installed `rrweb`, 2.2.2 in package.json) and the rrweb-player package
// (the Svelte player UI around its own Replayer, what most apps embed; 2.1.7 in package.json)
// in the same headless Chromium; the versions run are printed. Results go in
// BENCHMARKS.md ("Player"). Not a test: it prints numbers and asserts nothing.
//
//   npm ci                                   # rrweb-player is a devDependency
//   npm run build:wasm-analyze
//   REWIND_PLAY_WRITE=/tmp/play-bench cargo bench --bench play -- --test   # writes the inputs
//   node benches/browser/play.mjs /tmp/play-bench [--reps N] [--seeks N] [--only abc] [--input table-20mb]
//
// Inputs (benches/play/synth.rs): `single-page-30min.json` (spa-navigation on one page for 30
// minutes, one FullSnapshot, ~1,300-node page) and `page-loads-30mb.json` (every fixture whole,
// in turn, to 30 MB).
//
// rrweb-player is mounted 1280 × 720 (rewind's container size), `autoPlay: false`, with the
// Replayer options each part gives the bare Replayer (they are passed through).
//
// (a) seek latency on the 30-minute page: the same random positions for all; each seek is the
//     synchronous call (rewind `seek(ms)`, rrweb `pause(ms)`, rrweb-player `goto(ms, false)`,
//     which updates its controller and calls `pause(ms)`) plus a forced layout of the
//     replayed document, so the time covers the DOM work a frame needs. rewind is measured
//     after its background indexing finished ("warm") and on a fresh player for its first seek
//     ("cold": before any checkpoint exists past the start). `browser_floor`: the same seeks
//     done by the browser alone, each seek's final page set as HTML (`innerHTML`, the
//     browser's own parser) in an iframe of the same size and laid out; 0 when the page is the
//     one already shown. No player can show a page sooner than the browser lays it out.
// (b) frame time while playing the 30-minute page at 1× and 8× for 10 s each: for rewind the
//     time inside `Player.frame()` per animation frame; for both, the intervals between
//     animation frames seen by a separate rAF loop (dropped frames: intervals > 25 ms).
// (c) file to first frame on the 30 MB recording and on the 20 MB table: from a `File` in memory to the first page
//     shown (rewind: `await createPlayer(el, file)` then a forced layout; rrweb: `file.text()`,
//     `JSON.parse`, `new Replayer`, until its first FullSnapshot is rebuilt, then a forced
//     layout; rrweb-player: the same with `new rrwebPlayer({target, props: {events, …}})`). Fresh page per run, both players' code already loaded; median of --reps
//     (default 3). rewind reads a JSON array progressively, so its first frame comes before
//     the whole file is decoded; the times to "loaded" (all decoded), "analyzed" and "indexed"
//     (all checkpoints, the `indexed` event) are reported too, and the longest task (Long Tasks
//     API, ≥ 50 ms) from the file until "indexed", the first frame's own tasks included: how long
//     the page stops answering input meanwhile; also split at the first frame (the tasks until
//     it, as [ms from the file, duration]: decoding, the first page's build in slices).
// (d) memory: the JS heap (after CDP `HeapProfiler.collectGarbage`, `Runtime.getHeapUsage`),
//     the wasm linear memory and the DOM nodes (`Memory.getDOMCounters`) before a player, with
//     it (loaded, analysed, indexed), after `destroy()`, and after a second player and its
//     `destroy()` (linear memory never shrinks: what was freed must be reused); rrweb-player's
//     heap and nodes the same way (`$destroy()`).
// (e) the viewer (js/viewer.js, files only): from `openFiles([file])` to the table in the
//     player's iframe, to the analysis shown (the action list), to the scrubber's ticks; the
//     longest task meanwhile.
//
// The table recording (`table-20mb.json`: a 2,000-row table re-rendered 10 times by ~2 MB
// Mutations, tests/e2e/large-recording.mjs) is written into DIR when it is not there; seeks,
// frames and first frame run on it as well as on the inputs above.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { launch, memoryCounters, newPage, serve } from '../../tests/e2e/support.mjs';
import { tableRecording } from '../../tests/e2e/large-recording.mjs';

const dir = process.argv[2];
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPS = arg('--reps', 3);
const SEEKS = arg('--seeks', 200);
const RRWEB_SEEKS = arg('--rrweb-seeks', 30);
// `--only b` (or `a`, `c`, `ab`…): run only those parts
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : 'abcde';
// `--input table-20mb` (or another input's name): run the parts on that recording only
const inputAt = process.argv.indexOf('--input');
const INPUT = inputAt > 0 ? process.argv[inputAt + 1] : null;
const inputs = (names) => names.filter((n) => !INPUT || n === INPUT);
if (!dir || !existsSync(`${dir}/single-page-30min.json`) || !existsSync(`${dir}/page-loads-30mb.json`)) {
  console.error('usage: node benches/browser/play.mjs DIR  (DIR from `REWIND_PLAY_WRITE=DIR cargo bench --bench play -- --test`)');
  process.exit(2);
}
if (!/class Player\b/.test(readFileSync(new URL('../../pkg/rewind.js', import.meta.url), 'utf8'))) {
  console.error('pkg/rewind.js has no Player: run `npm run build:wasm-analyze`');
  process.exit(2);
}

// rrweb-player's UMD build and its CSS, put into each page as they are (no server route needed).
const require = createRequire(import.meta.url);
let RRWEB_PLAYER;
try {
  const dist = require.resolve('rrweb-player/dist/style.css').replace(/style\.css$/, '');
  RRWEB_PLAYER = {
    js: readFileSync(`${dist}rrweb-player.umd.cjs`, 'utf8'),
    css: readFileSync(`${dist}style.css`, 'utf8'),
    version: JSON.parse(readFileSync(`${dist}../package.json`, 'utf8')).version,
  };
} catch {
  console.error('rrweb-player is not installed: npm ci (it is a devDependency)');
  process.exit(2);
}

const TABLE = 'table-20mb';
if (!existsSync(`${dir}/${TABLE}.json`)) writeFileSync(`${dir}/${TABLE}.json`, tableRecording().json);
const LONG = 'single-page-30min';
const LOADS = 'page-loads-30mb';

const RRWEB_VERSION = JSON.parse(readFileSync(new URL('../../node_modules/rrweb/package.json', import.meta.url), 'utf8')).version;
const server = await serve({ buildDir: dir });
const browser = await launch();
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; chromium ${browser.version()}; rrweb-player ${RRWEB_PLAYER.version}, rrweb ${RRWEB_VERSION}; load average (1 min) at the start: ${os.loadavg()[0].toFixed(2)}`);

const stats = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(v.length * q))];
  return { n: v.length, p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2), max: +v.at(-1).toFixed(2), mean: +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2) };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function freshPage() {
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/replay.html`);
  await page.addScriptTag({ content: RRWEB_PLAYER.js });
  await page.addStyleTag({ content: RRWEB_PLAYER.css });
  await page.evaluate(async () => {
    // rrweb-player mounted like rewind's container: 1280 × 720, not playing.
    window.__rrwebPlayer = (events, props = {}) => {
      const target = document.createElement('div');
      document.body.append(target);
      const Player = window.rrwebPlayer.default ?? window.rrwebPlayer;
      return new Player({ target, props: { events, width: 1280, height: 720, autoPlay: false, showWarning: false, ...props } });
    };
    // Its Replayer rebuilds the first FullSnapshot while the component mounts, or just after.
    window.__rebuilt = (replayer) => new Promise((res) => {
      if (replayer.iframe.contentDocument?.body?.childElementCount) res();
      else replayer.on('fullsnapshot-rebuilded', res);
    });
    window.__player = await import('/js/player.js');
    // the code is loaded and compiled before anything is timed, as rrweb's is (the page loads
    // its script in <head>)
    await window.__player.init();
    window.__layout = (doc) => doc?.documentElement?.getBoundingClientRect();
    // Intervals (ms) between animation frames for `ms` after `start()` is called.
    window.__frameIntervals = async (ms, start) => {
      const intervals = [];
      let last = 0;
      start();
      const end = performance.now() + ms;
      await new Promise((resolve) => {
        const tick = (now) => {
          if (last) intervals.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return intervals;
    };
    // Wall time (ms) of each seek, layout of the page included.
    window.__seekLatencies = (positions, seek, doc) =>
      positions.map((ms) => {
        const s = performance.now();
        seek(ms);
        window.__layout(doc());
        return performance.now() - s;
      });
    // the same pseudo-random positions in every run
    window.__positions = (n, duration, seed = 12345) => {
      let x = seed;
      return Array.from({ length: n }, () => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        return Math.floor((x / 2 ** 32) * duration);
      });
    };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------
// (a) seek latency

async function seekRewind(name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ SEEKS, name }) => {
    const buf = await (await fetch(`/build/${name}.json`)).arrayBuffer();
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const p = await window.__player.createPlayer(el, new Uint8Array(buf), { skipInactive: false });
    const positions = window.__positions(SEEKS, p.duration());
    // while loading: a seek far in, issued before the file is decoded; the call returns at
    // once and the page lands when the background decoding reaches it
    const target = positions.find((ms) => ms > p._wasm.loadedUntil()) ?? positions[0];
    let t0 = performance.now();
    p.seek(target);
    const loadingCall = performance.now() - t0;
    while (Math.abs(p._wasm.currentTime() - target) > 0.5) await new Promise((res) => setTimeout(res, 0));
    window.__layout(p.frame.contentDocument);
    const loadingLands = performance.now() - t0;
    while (!p._wasm.loadStep(1000)) {}
    // cold: the first seek far into the recording (not where the loading seek went), before
    // any background indexing
    const cold_at = positions.find((ms) => Math.abs(ms - target) > p.duration() / 4) ?? positions[1];
    t0 = performance.now();
    p.seek(cold_at);
    window.__layout(p.frame.contentDocument);
    const cold = performance.now() - t0;
    t0 = performance.now();
    while (!p._wasm.indexStep(1000)) {}
    const index = performance.now() - t0;
    const lat = window.__seekLatencies(positions, (ms) => p.seek(ms), () => p.frame.contentDocument);
    const nodes = p.frame.contentDocument.getElementsByTagName('*').length;
    // The browser's own floor for the same seeks: the page each seek shows, given as HTML to
    // the browser's parser in a second iframe of the player's size and laid out, as a player
    // that knew every page's final DOM would at best do. A seek whose page is the one already
    // shown costs nothing there. Only distinct pages are kept (the table has 11).
    const distinct = new Map();
    const pages = positions.map((ms) => {
      p.seek(ms);
      const html = p.frame.contentDocument.documentElement.innerHTML;
      if (!distinct.has(html)) distinct.set(html, html);
      return distinct.get(html);
    });
    const floorFrame = document.createElement('iframe');
    floorFrame.style.cssText = 'width:1280px;height:720px;border:0';
    document.body.append(floorFrame);
    const floorDoc = floorFrame.contentDocument;
    let shown = null;
    const floor = pages.map((html) => {
      if (html === shown) return 0;
      shown = html;
      const s = performance.now();
      floorDoc.documentElement.innerHTML = html;
      window.__layout(floorDoc);
      return performance.now() - s;
    });
    return { cold, index, lat, nodes, loadingCall, loadingLands, floor, distinctPages: distinct.size };
  }, { SEEKS, name });
  await page.context().close();
  return r;
}

async function seekRrweb(name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ SEEKS, RRWEB_SEEKS, name }) => {
    const events = await (await fetch(`/build/${name}.json`)).json();
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, triggerFocus: false });
    await new Promise((res) => setTimeout(res, 100));
    const duration = replayer.getMetaData().totalTime;
    const positions = window.__positions(SEEKS, duration).slice(0, RRWEB_SEEKS);
    const lat = window.__seekLatencies(positions, (ms) => replayer.pause(ms), () => replayer.iframe.contentDocument);
    return { lat };
  }, { SEEKS, RRWEB_SEEKS, name });
  await page.context().close();
  return r;
}

async function seekRrwebPlayer(name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ SEEKS, RRWEB_SEEKS, name }) => {
    const events = await (await fetch(`/build/${name}.json`)).json();
    const player = window.__rrwebPlayer(events, { mouseTail: false, triggerFocus: false, skipInactive: false });
    const replayer = player.getReplayer();
    await new Promise((res) => setTimeout(res, 100));
    const positions = window.__positions(SEEKS, player.getMetaData().totalTime).slice(0, RRWEB_SEEKS);
    const lat = window.__seekLatencies(positions, (ms) => player.goto(ms, false), () => replayer.iframe.contentDocument);
    return { lat };
  }, { SEEKS, RRWEB_SEEKS, name });
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------
// (b) frame time while playing

async function framesRewind(speed, name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ speed, name }) => {
    const buf = await (await fetch(`/build/${name}.json`)).arrayBuffer();
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const p = await window.__player.createPlayer(el, new Uint8Array(buf), { skipInactive: false });
    await new Promise((res) => p.on('indexed', res)); // the one-time analysis and index after load
    const w = p._wasm; // drive the frames here to time them
    w.setSpeed(speed);
    w.play();
    const work = [];
    const slow = [];
    const longs = [];
    const intervals = [];
    let last = 0;
    const end = performance.now() + 10_000;
    await new Promise((resolve) => {
      const tick = (now) => {
        if (last) intervals.push(now - last);
        if (last && now - last > 25) longs.push([intervals.length, Math.round(w.currentTime()), Math.round(now - last)]);
        last = now;
        const s = performance.now();
        w.frame(now);
        work.push(performance.now() - s);
        slow.push([Math.round(w.currentTime()), +(performance.now() - s).toFixed(1)]);
        if (now < end) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    slow.sort((a, b) => b[1] - a[1]);
    return { work, intervals, played: w.currentTime(), slowest: slow.slice(0, 5), longs };
  }, { speed, name });
  await page.context().close();
  return r;
}

async function framesRrweb(speed, name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ speed, name }) => {
    const events = await (await fetch(`/build/${name}.json`)).json();
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: true, triggerFocus: false, speed });
    await new Promise((res) => setTimeout(res, 100));
    const intervals = await window.__frameIntervals(10_000, () => replayer.play(0));
    const played = replayer.getCurrentTime();
    replayer.pause();
    return { intervals, played };
  }, { speed, name });
  await page.context().close();
  return r;
}

async function framesRrwebPlayer(speed, name) {
  const page = await freshPage();
  const r = await page.evaluate(async ({ speed, name }) => {
    const events = await (await fetch(`/build/${name}.json`)).json();
    const player = window.__rrwebPlayer(events, { mouseTail: true, triggerFocus: false, skipInactive: false, speed });
    await new Promise((res) => setTimeout(res, 100));
    const intervals = await window.__frameIntervals(10_000, () => player.play());
    const played = player.getReplayer().getCurrentTime();
    player.pause();
    return { intervals, played };
  }, { speed, name });
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------
// (c) file to first frame

async function firstFrameRewind(name) {
  const page = await freshPage();
  const r = await page.evaluate(async (name) => {
    const buf = await (await fetch(`/build/${name}.json`)).arrayBuffer();
    const file = new File([buf], 'recording.json', { type: 'application/json' });
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    // Long tasks (≥ 50 ms: Chromium's Long Tasks API) from the file until every checkpoint is
    // built, the first frame's own task included: what loading costs a page that wants to stay
    // responsive meanwhile. Each task's entry arrives after it ends.
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask' });
    const t0 = performance.now();
    const p = await window.__player.createPlayer(el, file);
    window.__layout(p.frame.contentDocument);
    const first = performance.now() - t0;
    const firstAt = t0 + first;
    await new Promise((res) => (p.isLoaded() ? res() : p.on('loaded', res)));
    const loaded = performance.now() - t0;
    await new Promise((res) => p.on('analyzed', res));
    const analyzed = performance.now() - t0;
    await new Promise((res) => p.on('indexed', res));
    const indexed = performance.now() - t0;
    await new Promise((res) => setTimeout(res, 0)); // deliver the last entries
    tasks.push(...observer.takeRecords());
    observer.disconnect();
    const during = tasks.filter((e) => e.startTime >= t0);
    const after = during.filter((e) => e.startTime >= firstAt);
    const before = during.filter((e) => e.startTime < firstAt);
    const longest = (xs) => Math.max(0, ...xs.map((e) => e.duration));
    return {
      first, loaded, analyzed, indexed,
      longestAll: longest(during), longTasksAll: during.length,
      longestBefore: longest(before), longTasksBefore: before.map((e) => [Math.round(e.startTime - t0), Math.round(e.duration)]),
      longest: longest(after), longTasks: after.length,
      bytes: buf.byteLength, events: p.info().n_events,
    };
  }, name);
  await page.context().close();
  return r;
}

async function firstFrameRrweb(name) {
  const page = await freshPage();
  const r = await page.evaluate(async (name) => {
    const buf = await (await fetch(`/build/${name}.json`)).arrayBuffer();
    const file = new File([buf], 'recording.json', { type: 'application/json' });
    const root = document.createElement('div');
    document.body.append(root);
    const t0 = performance.now();
    const events = JSON.parse(await file.text());
    const parsed = performance.now() - t0;
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, triggerFocus: false });
    await new Promise((res) => replayer.on('fullsnapshot-rebuilded', res));
    window.__layout(replayer.iframe.contentDocument);
    return { first: performance.now() - t0, parsed };
  }, name);
  await page.context().close();
  return r;
}

async function firstFrameRrwebPlayer(name) {
  const page = await freshPage();
  const r = await page.evaluate(async (name) => {
    const buf = await (await fetch(`/build/${name}.json`)).arrayBuffer();
    const file = new File([buf], 'recording.json', { type: 'application/json' });
    const t0 = performance.now();
    const events = JSON.parse(await file.text());
    const parsed = performance.now() - t0;
    const player = window.__rrwebPlayer(events, { mouseTail: false, triggerFocus: false });
    const replayer = player.getReplayer();
    await window.__rebuilt(replayer);
    window.__layout(replayer.iframe.contentDocument);
    return { first: performance.now() - t0, parsed };
  }, name);
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------
// (d) memory, and what destroy() gives back

async function memory(name, impl) {
  const page = await freshPage();
  const measure = () => memoryCounters(page);
  // the bytes are fetched first and kept, so the input's own copy is in every measurement
  const bytes = await page.evaluate(async (name) => {
    window.__bytes = new Uint8Array(await (await fetch(`/build/${name}.json`)).arrayBuffer());
    return window.__bytes.byteLength;
  }, name);
  const open = () => page.evaluate(async (impl) => {
    if (impl === 'rewind') {
      const el = document.createElement('div');
      el.style.cssText = 'width:1280px;height:720px';
      document.body.append(el);
      const p = await window.__player.createPlayer(el, window.__bytes);
      await new Promise((res) => p.on('indexed', res));
      window.__close = () => { p.destroy(); el.remove(); };
    } else {
      const events = JSON.parse(new TextDecoder().decode(window.__bytes));
      const player = window.__rrwebPlayer(events, { mouseTail: false, triggerFocus: false });
      await window.__rebuilt(player.getReplayer());
      await new Promise((res) => setTimeout(res, 500));
      const target = player.getReplayer().wrapper.closest('.rr-player')?.parentElement;
      window.__close = () => { player.$destroy(); target?.remove(); };
    }
  }, impl);
  const close = () => page.evaluate(() => { window.__close(); window.__close = null; });
  const base = await measure();
  await open();
  const held = await measure();
  await close();
  const freed = await measure();
  await open();
  await close();
  const again = await measure();
  await page.context().close();
  const MB = (x) => +(x / 2 ** 20).toFixed(1);
  const grown = (m) => ({ heap_mb: MB(m.heap - base.heap), wasm_mb: MB(m.wasm - base.wasm), nodes: m.nodes - base.nodes });
  const total = held.heap - base.heap + held.wasm - base.wasm;
  return { bytes, held: grown(held), held_x_json: +(total / bytes).toFixed(2), after_destroy: grown(freed), after_second_destroy: grown(again) };
}

// ---------------------------------------------------------------------------------------------
// (e) the viewer: file chosen → first frame, analysis, ticks

async function viewer(name) {
  const page = await freshPage();
  const r = await page.evaluate(async (name) => {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/js/viewer.css' }));
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:900px';
    document.body.append(el);
    const { mountViewer } = await import('/js/viewer.js');
    const v = mountViewer(el, {});
    const file = new File([await (await fetch(`/build/${name}.json`)).arrayBuffer()], `${name}.json`);
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask' });
    const t0 = performance.now();
    const seen = {};
    v.openFiles([file]);
    const checks = {
      // the whole first page (it fills in over a few frames): the table's 2,000 rows
      first: () => (el.querySelector('.player-slot iframe')?.contentDocument?.querySelectorAll('#orders tbody tr').length ?? 0) >= 2000,
      analysis: () => el.querySelector('.rw-actions [role=option]') != null,
      ticks: () => el.querySelector('.rw-scrubber .rw-tick') != null,
    };
    await new Promise((resolve) => {
      const poll = () => {
        for (const [k, check] of Object.entries(checks)) if (seen[k] == null && check()) seen[k] = performance.now() - t0;
        if (Object.keys(seen).length === 3) resolve();
        else requestAnimationFrame(poll);
      };
      poll();
    });
    await new Promise((res) => setTimeout(res, 0));
    tasks.push(...observer.takeRecords());
    observer.disconnect();
    const during = tasks.filter((e) => e.startTime >= t0);
    return { ...seen, longest: Math.max(0, ...during.map((e) => e.duration)), longTasks: during.length };
  }, name);
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------

const out = {};
const RECORDINGS = [LONG, TABLE];
const fixed = (xs, d = 0) => xs.map((x) => +x.toFixed(d));
for (const name of ONLY.includes('a') ? inputs(RECORDINGS) : []) {
  const mine = await seekRewind(name);
  const theirs = await seekRrweb(name);
  const ui = await seekRrwebPlayer(name);
  const warm = stats(mine.lat);
  const player = stats(ui.lat);
  out[`seek_${name}`] = {
    rewind_warm: warm,
    rewind_seek_while_loading: { call_ms: +mine.loadingCall.toFixed(1), lands_ms: +mine.loadingLands.toFixed(1) },
    rewind_cold_first_seek_ms: +mine.cold.toFixed(1),
    rewind_index_ms: +mine.index.toFixed(1),
    browser_floor: { ...stats(mine.floor), distinct_pages: mine.distinctPages },
    rrweb: stats(theirs.lat),
    rrweb_player: player,
    ratio_rrweb_player_over_rewind: { p50: +(player.p50 / warm.p50).toFixed(1), p99: +(player.p99 / warm.p99).toFixed(1) },
    page_elements: mine.nodes,
  };
  console.log(`(a) seek ${name}`, JSON.stringify(out[`seek_${name}`]));
}
for (const name of ONLY.includes('b') ? inputs(RECORDINGS) : []) {
  for (const speed of [1, 8]) {
    const mine = await framesRewind(speed, name);
    const theirs = await framesRrweb(speed, name);
    const ui = await framesRrwebPlayer(speed, name);
    const dropped = (xs) => xs.filter((x) => x > 25).length;
    out[`frames_${name}_${speed}x`] = {
      rewind_frame_work: { ...stats(mine.work), over_16ms: mine.work.filter((x) => x > 16).length },
      rewind_intervals: { ...stats(mine.intervals), over_25ms: dropped(mine.intervals) },
      rewind_played_ms: Math.round(mine.played),
      rewind_slowest_frames: mine.slowest,
      rewind_long_intervals: mine.longs,
      rrweb_intervals: { ...stats(theirs.intervals), over_25ms: dropped(theirs.intervals) },
      rrweb_played_ms: Math.round(theirs.played),
      rrweb_player_intervals: { ...stats(ui.intervals), over_25ms: dropped(ui.intervals) },
      rrweb_player_played_ms: Math.round(ui.played),
    };
    console.log(`(b) frames ${name} ${speed}x`, JSON.stringify(out[`frames_${name}_${speed}x`]));
  }
}
for (const name of ONLY.includes('c') ? inputs([LOADS, TABLE]) : []) {
  const mine = [];
  const theirs = [];
  const ui = [];
  for (let i = 0; i < REPS; i++) {
    mine.push(await firstFrameRewind(name));
    theirs.push(await firstFrameRrweb(name));
    ui.push(await firstFrameRrwebPlayer(name));
  }
  out[`first_frame_${name}`] = {
    bytes: mine[0].bytes,
    events: mine[0].events,
    rewind_first_frame_ms: fixed(mine.map((m) => m.first)),
    rewind_loaded_ms: fixed(mine.map((m) => m.loaded)),
    rewind_analyzed_ms: fixed(mine.map((m) => m.analyzed)),
    rewind_indexed_ms: fixed(mine.map((m) => m.indexed)),
    rewind_longest_task_while_loading_ms: fixed(mine.map((m) => m.longestAll)),
    rewind_long_tasks_while_loading: mine.map((m) => m.longTasksAll),
    rewind_longest_task_until_first_frame_ms: fixed(mine.map((m) => m.longestBefore)),
    rewind_long_tasks_until_first_frame: mine.map((m) => m.longTasksBefore),
    rewind_longest_task_after_first_frame_ms: fixed(mine.map((m) => m.longest)),
    rewind_long_tasks_after_first_frame: mine.map((m) => m.longTasks),
    rrweb_first_frame_ms: fixed(theirs.map((m) => m.first)),
    rrweb_parse_ms: fixed(theirs.map((m) => m.parsed)),
    rrweb_player_first_frame_ms: fixed(ui.map((m) => m.first)),
    rrweb_player_parse_ms: fixed(ui.map((m) => m.parsed)),
    median_ratio_rrweb_over_rewind: +(median(theirs.map((m) => m.first)) / median(mine.map((m) => m.first))).toFixed(2),
    median_ratio_rrweb_player_over_rewind: +(median(ui.map((m) => m.first)) / median(mine.map((m) => m.first))).toFixed(2),
  };
  console.log(`(c) first frame ${name}`, JSON.stringify(out[`first_frame_${name}`]));
}
for (const name of ONLY.includes('d') ? inputs(RECORDINGS) : []) {
  out[`memory_${name}`] = { rewind: await memory(name, 'rewind'), rrweb_player: await memory(name, 'rrweb-player') };
  console.log(`(d) memory ${name}`, JSON.stringify(out[`memory_${name}`]));
}
if (ONLY.includes('e')) {
  const runs = [];
  for (let i = 0; i < REPS; i++) runs.push(await viewer(TABLE));
  out[`viewer_${TABLE}`] = {
    first_frame_ms: fixed(runs.map((r) => r.first)),
    analysis_shown_ms: fixed(runs.map((r) => r.analysis)),
    ticks_shown_ms: fixed(runs.map((r) => r.ticks)),
    longest_task_ms: fixed(runs.map((r) => r.longest)),
    long_tasks: runs.map((r) => r.longTasks),
  };
  console.log('(e) viewer', JSON.stringify(out[`viewer_${TABLE}`]));
}
console.log(`load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)}`);
console.log(JSON.stringify(out, null, 2));
await browser.close();
server.close();
