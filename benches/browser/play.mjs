// Player benchmark: rewind's player (js/player.js over pkg/, the default-feature wasm build) vs
// rrweb 2.1.1's Replayer and the rrweb-player package (2.1.1: the Svelte player UI around the
// same release's Replayer, what most apps embed) in the same headless Chromium. Results go in
// BENCHMARKS.md ("Player"). Not a test: it prints numbers and asserts nothing.
//
//   npm ci                                   # rrweb-player is a devDependency
//   npm run build:wasm-analyze
//   REWIND_PLAY_WRITE=/tmp/play-bench cargo bench --bench play -- --test   # writes the inputs
//   node benches/browser/play.mjs /tmp/play-bench [--reps N] [--seeks N] [--only abc]
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
//     ("cold": before any checkpoint exists past the start).
// (b) frame time while playing the 30-minute page at 1× and 8× for 10 s each: for rewind the
//     time inside `Player.frame()` per animation frame; for both, the intervals between
//     animation frames seen by a separate rAF loop (dropped frames: intervals > 25 ms).
// (c) file to first frame on the 30 MB recording: from a `File` in memory to the first page
//     shown (rewind: `await createPlayer(el, file)` then a forced layout; rrweb: `file.text()`,
//     `JSON.parse`, `new Replayer`, until its first FullSnapshot is rebuilt, then a forced
//     layout; rrweb-player: the same with `new rrwebPlayer({target, props: {events, …}})`). Fresh page per run, both players' code already loaded; median of --reps
//     (default 3). rewind reads a JSON array progressively, so its first frame comes before
//     the whole file is decoded; the times to "loaded" (all decoded), "analyzed" and "indexed"
//     (all checkpoints) are reported too, and the longest task (Long Tasks API, ≥ 50 ms) between
//     the first frame and "analyzed": how long the page stops answering input meanwhile.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { launch, newPage, serve } from '../../tests/e2e/support.mjs';

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
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : 'abc';
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
  RRWEB_PLAYER = { js: readFileSync(`${dist}rrweb-player.umd.cjs`, 'utf8'), css: readFileSync(`${dist}style.css`, 'utf8') };
} catch {
  console.error('rrweb-player is not installed: npm ci (it is a devDependency)');
  process.exit(2);
}

const server = await serve({ buildDir: dir });
const browser = await launch();
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; chromium ${browser.version()}`);

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

async function seekRewind() {
  const page = await freshPage();
  const r = await page.evaluate(async (SEEKS) => {
    const buf = await (await fetch('/build/single-page-30min.json')).arrayBuffer();
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const p = await window.__player.createPlayer(el, new Uint8Array(buf), { skipInactive: false });
    while (!p._wasm.loadStep(1000)) {}
    const positions = window.__positions(SEEKS, p.duration());
    // cold: the first seek far into the recording, before any background indexing
    let t0 = performance.now();
    p.seek(positions[0]);
    window.__layout(p.frame.contentDocument);
    const cold = performance.now() - t0;
    t0 = performance.now();
    while (!p._wasm.indexStep(1000)) {}
    const index = performance.now() - t0;
    const lat = window.__seekLatencies(positions, (ms) => p.seek(ms), () => p.frame.contentDocument);
    const nodes = p.frame.contentDocument.getElementsByTagName('*').length;
    return { cold, index, lat, nodes };
  }, SEEKS);
  await page.context().close();
  return r;
}

async function seekRrweb() {
  const page = await freshPage();
  const r = await page.evaluate(async ({ SEEKS, RRWEB_SEEKS }) => {
    const events = await (await fetch('/build/single-page-30min.json')).json();
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, triggerFocus: false });
    await new Promise((res) => setTimeout(res, 100));
    const duration = replayer.getMetaData().totalTime;
    const positions = window.__positions(SEEKS, duration).slice(0, RRWEB_SEEKS);
    const lat = window.__seekLatencies(positions, (ms) => replayer.pause(ms), () => replayer.iframe.contentDocument);
    return { lat };
  }, { SEEKS, RRWEB_SEEKS });
  await page.context().close();
  return r;
}

async function seekRrwebPlayer() {
  const page = await freshPage();
  const r = await page.evaluate(async ({ SEEKS, RRWEB_SEEKS }) => {
    const events = await (await fetch('/build/single-page-30min.json')).json();
    const player = window.__rrwebPlayer(events, { mouseTail: false, triggerFocus: false, skipInactive: false });
    const replayer = player.getReplayer();
    await new Promise((res) => setTimeout(res, 100));
    const positions = window.__positions(SEEKS, player.getMetaData().totalTime).slice(0, RRWEB_SEEKS);
    const lat = window.__seekLatencies(positions, (ms) => player.goto(ms, false), () => replayer.iframe.contentDocument);
    return { lat };
  }, { SEEKS, RRWEB_SEEKS });
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------
// (b) frame time while playing

async function framesRewind(speed) {
  const page = await freshPage();
  const r = await page.evaluate(async (speed) => {
    const buf = await (await fetch('/build/single-page-30min.json')).arrayBuffer();
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const p = await window.__player.createPlayer(el, new Uint8Array(buf), { skipInactive: false });
    await new Promise((res) => p.on('analyzed', res)); // the one-time analysis after load
    while (!p._wasm.indexStep(1000)) {}
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
  }, speed);
  await page.context().close();
  return r;
}

async function framesRrweb(speed) {
  const page = await freshPage();
  const r = await page.evaluate(async (speed) => {
    const events = await (await fetch('/build/single-page-30min.json')).json();
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: true, triggerFocus: false, speed });
    await new Promise((res) => setTimeout(res, 100));
    const intervals = await window.__frameIntervals(10_000, () => replayer.play(0));
    const played = replayer.getCurrentTime();
    replayer.pause();
    return { intervals, played };
  }, speed);
  await page.context().close();
  return r;
}

async function framesRrwebPlayer(speed) {
  const page = await freshPage();
  const r = await page.evaluate(async (speed) => {
    const events = await (await fetch('/build/single-page-30min.json')).json();
    const player = window.__rrwebPlayer(events, { mouseTail: true, triggerFocus: false, skipInactive: false, speed });
    await new Promise((res) => setTimeout(res, 100));
    const intervals = await window.__frameIntervals(10_000, () => player.play());
    const played = player.getReplayer().getCurrentTime();
    player.pause();
    return { intervals, played };
  }, speed);
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------
// (c) file to first frame

async function firstFrameRewind() {
  const page = await freshPage();
  const r = await page.evaluate(async () => {
    const buf = await (await fetch('/build/page-loads-30mb.json')).arrayBuffer();
    const file = new File([buf], 'recording.json', { type: 'application/json' });
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const t0 = performance.now();
    const p = await window.__player.createPlayer(el, file);
    window.__layout(p.frame.contentDocument);
    const first = performance.now() - t0;
    // Long tasks (≥ 50 ms: Chromium's Long Tasks API) between the first frame and the end of
    // the analysis: what the player's background work costs a page that wants to stay
    // responsive meanwhile.
    // The task that showed the first frame is reported after it ends: only tasks that
    // started after the first frame count.
    const firstAt = t0 + first;
    const longTasks = [];
    const keep = (entries) => longTasks.push(...entries.filter((e) => e.startTime >= firstAt).map((e) => e.duration));
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: 'longtask' });
    await new Promise((res) => (p.isLoaded() ? res() : p.on('loaded', res)));
    const loaded = performance.now() - t0;
    await new Promise((res) => p.on('analyzed', res));
    const analyzed = performance.now() - t0;
    await new Promise((res) => setTimeout(res, 0)); // deliver the last entries
    keep(observer.takeRecords());
    observer.disconnect();
    while (!p._wasm.indexStep(1000)) {}
    const indexed = performance.now() - t0;
    return { first, loaded, analyzed, indexed, longest: Math.max(0, ...longTasks), longTasks: longTasks.length, bytes: buf.byteLength, events: p.info().n_events };
  });
  await page.context().close();
  return r;
}

async function firstFrameRrweb() {
  const page = await freshPage();
  const r = await page.evaluate(async () => {
    const buf = await (await fetch('/build/page-loads-30mb.json')).arrayBuffer();
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
  });
  await page.context().close();
  return r;
}

async function firstFrameRrwebPlayer() {
  const page = await freshPage();
  const r = await page.evaluate(async () => {
    const buf = await (await fetch('/build/page-loads-30mb.json')).arrayBuffer();
    const file = new File([buf], 'recording.json', { type: 'application/json' });
    const t0 = performance.now();
    const events = JSON.parse(await file.text());
    const parsed = performance.now() - t0;
    const player = window.__rrwebPlayer(events, { mouseTail: false, triggerFocus: false });
    const replayer = player.getReplayer();
    await window.__rebuilt(replayer);
    window.__layout(replayer.iframe.contentDocument);
    return { first: performance.now() - t0, parsed };
  });
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------

const out = {};
if (ONLY.includes('a')) {
  const mine = await seekRewind();
  const theirs = await seekRrweb();
  const ui = await seekRrwebPlayer();
  const warm = stats(mine.lat);
  const player = stats(ui.lat);
  out.seek = {
    rewind_warm: warm,
    rewind_cold_first_seek_ms: +mine.cold.toFixed(1),
    rewind_index_ms: +mine.index.toFixed(1),
    rrweb: stats(theirs.lat),
    rrweb_player: player,
    ratio_rrweb_player_over_rewind: { p50: +(player.p50 / warm.p50).toFixed(1), p99: +(player.p99 / warm.p99).toFixed(1) },
    page_elements: mine.nodes,
  };
  console.log('(a) seek', JSON.stringify(out.seek));
}
for (const speed of ONLY.includes('b') ? [1, 8] : []) {
  const mine = await framesRewind(speed);
  const theirs = await framesRrweb(speed);
  const ui = await framesRrwebPlayer(speed);
  const dropped = (xs) => xs.filter((x) => x > 25).length;
  out[`frames_${speed}x`] = {
    rewind_frame_work: stats(mine.work),
    rewind_intervals: { ...stats(mine.intervals), over_25ms: dropped(mine.intervals) },
    rewind_played_ms: Math.round(mine.played),
    rewind_slowest_frames: mine.slowest,
    rewind_long_intervals: mine.longs,
    rrweb_intervals: { ...stats(theirs.intervals), over_25ms: dropped(theirs.intervals) },
    rrweb_played_ms: Math.round(theirs.played),
    rrweb_player_intervals: { ...stats(ui.intervals), over_25ms: dropped(ui.intervals) },
    rrweb_player_played_ms: Math.round(ui.played),
  };
  console.log(`(b) frames ${speed}x`, JSON.stringify(out[`frames_${speed}x`]));
}
if (ONLY.includes('c')) {
  const mine = [];
  const theirs = [];
  const ui = [];
  for (let i = 0; i < REPS; i++) {
    mine.push(await firstFrameRewind());
    theirs.push(await firstFrameRrweb());
    ui.push(await firstFrameRrwebPlayer());
  }
  out.first_frame = {
    bytes: mine[0].bytes,
    events: mine[0].events,
    rewind_first_frame_ms: mine.map((m) => +m.first.toFixed(0)),
    rewind_loaded_ms: mine.map((m) => +m.loaded.toFixed(0)),
    rewind_analyzed_ms: mine.map((m) => +m.analyzed.toFixed(0)),
    rewind_indexed_ms: mine.map((m) => +m.indexed.toFixed(0)),
    rewind_longest_task_after_first_frame_ms: mine.map((m) => +m.longest.toFixed(0)),
    rewind_long_tasks_after_first_frame: mine.map((m) => m.longTasks),
    rrweb_first_frame_ms: theirs.map((m) => +m.first.toFixed(0)),
    rrweb_parse_ms: theirs.map((m) => +m.parsed.toFixed(0)),
    rrweb_player_first_frame_ms: ui.map((m) => +m.first.toFixed(0)),
    rrweb_player_parse_ms: ui.map((m) => +m.parsed.toFixed(0)),
    median_ratio_rrweb_over_rewind: +(median(theirs.map((m) => m.first)) / median(mine.map((m) => m.first))).toFixed(2),
    median_ratio_rrweb_player_over_rewind: +(median(ui.map((m) => m.first)) / median(mine.map((m) => m.first))).toFixed(2),
  };
  console.log('(c) first frame', JSON.stringify(out.first_frame));
}
console.log(JSON.stringify(out, null, 2));
await browser.close();
server.close();
