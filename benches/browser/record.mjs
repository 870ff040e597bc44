// Recorder benchmark: rewind's wasm Recorder (the recorder-only build in pkg-record/) vs
// rrweb's `record()` (the version installed in node_modules: 2.2.2, the newest release) in the
// same headless Chromium run, side by side. Results go in BENCHMARKS.md ("Recorder vs
// rrweb.record"). Not a test: it prints numbers and asserts nothing.
//
//   npm run build:wasm-record && npm run bench:record [-- --reps N]
//   npm run bench:record -- --size-only      the shipped-size lines only (no browser)
//   npm run bench:record -- --only snapshot,storm,memory      some scenarios only
//
// Scenarios, each on fresh page loads, implementations interleaved (order reversed on odd
// repetitions); medians over the repetitions, and ratios rewind / rrweb of the medians:
//   (a) snapshot: three pages of ~10,000 elements (record-pages.mjs: cards, a table, widgets
//       with SVG and many attributes); time from start()/record() to the FullSnapshot being
//       emitted, the synchronous length of that call, and the `longtask` entries (tasks
//       ≥ 50 ms, PerformanceObserver) in the 1 s after it; bytes of the events emitted.
//   (b) storm: a 2,000-row table whose tbody is replaced (innerHTML) 10×; main-thread time of
//       each re-render plus the microtask checkpoint that delivers MutationObserver records (both
//       recorders emit their Mutation event from the observer callback), summed; the same loop
//       with no recorder is the baseline; recorder share = with − baseline; the longest
//       `longtask` during the loop.
//   (c) bytes of the collected event streams of (a) and (b): raw JSON and gzip (node zlib,
//       level 6 and 9). rewind strips the query and fragment of the page's own URLs by default
//       and rrweb has no such option, so the streams differ in content, not only in encoding;
//       the like-for-like ratio also compares against rrweb's JSON with the same stripping
//       applied to its same-origin URLs (`sameUrlStripping`), which isolates the encoding.
//   CPU: for (a) and (b), also the CPU time the renderer's main thread used (Linux
//       /proc/<pid>/task/<pid>/schedstat of this run's renderer processes), from start()/
//       record() to 1 s after it in (a), over the re-render loop in (b): unlike wall time, it
//       does not grow when other processes take the machine's cores (this machine is shared).
//   (d) memory over baseline, while recording: after the cards page's FullSnapshot (+1 s), and
//       after (b)'s storm, the recorder still attached and its emitted events dropped (emit only
//       counts them, so what is measured is what the recorder itself keeps). Two full GCs
//       (CDP `HeapProfiler.collectGarbage`), then CDP `Runtime.getHeapUsage`: V8 heap used +
//       Blink's heap (`embedderHeapUsedSize`: DOM and other C++ objects) + ArrayBuffer backing
//       stores, plus the wasm linear memory (`memory.buffer.byteLength`: a wasm memory is not in
//       any of those three, and it never shrinks, so this is also its peak). The same page and
//       script with no recorder (and no wasm loaded) is the baseline; over baseline =
//       impl − median(baseline).
// Also the shipped size: rewind (pkg-record wasm + its wasm-bindgen JS + js/index.js, js/sheets.js, js/hooks.js) vs rrweb
// (the UMD bundle, and a record-only ESM bundle made here with esbuild from rrweb's ESM build).
//
// Masking: rewind records with its defaults (all text and all input values masked). rrweb is run
// with `maskAllInputs: true, maskTextSelector: '*'`, its closest equivalent. rewind's emit
// receives JSON text (serialised in Rust); rrweb's emit receives objects, which this harness
// keeps as objects (the rrweb+stringify rows add `JSON.stringify` in emit, as a shipping SDK must).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { snapshotPages, stormPage } from './record-pages.mjs';

const root = new URL('../../', import.meta.url);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 7;
const SIZE_ONLY = process.argv.includes('--size-only');
const argOnly = process.argv.indexOf('--only');
const ONLY = argOnly > 0 ? process.argv[argOnly + 1].split(',') : ['snapshot', 'storm', 'memory'];
const RRWEB_VERSION = JSON.parse(readFileSync(new URL('node_modules/rrweb/package.json', root), 'utf8')).version;
const TABLE_ROWS = 2000;
// The recorder build to measure (default: the repo's pkg-record/); REWIND_PKG_RECORD=/some/dir
// pins a copy, so a concurrent `npm run build:wasm` cannot change it mid-run.
const PKG_RECORD = new URL(process.env.REWIND_PKG_RECORD ? `file://${process.env.REWIND_PKG_RECORD.replace(/\/?$/, '/')}` : 'pkg-record/', root);
const RERENDERS = 10;
// REWIND_BENCH_DUMP=/some/dir writes the first repetition's events of each page and impl there
// (`cards-rewind.json`, `storm-rrweb.json`, …), to compare the recordings themselves.
const DUMP = process.env.REWIND_BENCH_DUMP;
const dump = (name, json) => DUMP && writeFileSync(`${DUMP.replace(/\/$/, '')}/${name}.json`, json);

for (const f of [new URL('rewind_record.js', PKG_RECORD), new URL('rewind_record_bg.wasm', PKG_RECORD), new URL('node_modules/rrweb/dist/rrweb.umd.cjs', root)]) {
  if (!existsSync(f)) {
    console.error(`missing ${f}: run \`npm ci\` and \`npm run build:wasm-record\``);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Server

const TYPES = { '.js': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };
const SNAPSHOT_PAGES = snapshotPages();
const PAGES = { ...Object.fromEntries(SNAPSHOT_PAGES.map((p) => [p.path, p.html])), '/table.html': stormPage() };

function serve() {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let m;
    let body;
    try {
      if (PAGES[path]) body = PAGES[path];
      else if ((m = /^\/pkg-record\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(m[1], PKG_RECORD));
      // the recorder's CSSOM glue, which the wasm glue imports as ../js/sheets.js
      else if ((m = /^\/js\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(`js/${m[1]}`, root));
      else if ((m = /^\/rrweb\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(`node_modules/rrweb/dist/${m[1]}`, root));
      else throw new Error('not found');
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------------------------
// In-page code (runs in Chromium)

/** Loads the wasm for rewind (not timed as part of the snapshot; its time is returned) and
 * waits for two frames. Other implementations load no wasm (the memory baseline has none). */
async function prepare(impl) {
  while (!window.__benchReady) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  if (impl === 'rewind') window.__wasm = await window.__bench.initWasm();
  const wasmInitMs = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  await new Promise((r) => setTimeout(r, 200));
  return wasmInitMs;
}

/** Starts a recorder; returns {stop, events (JSON texts), stats}. With `keep: false` the
 * events are counted and dropped (the memory scenario measures the recorder, not the harness). */
function makeRecorder(impl, { keep = true } = {}) {
  const texts = [];
  const objects = [];
  let dropped = 0;
  let onEmit = () => {};
  let stopFn;
  const start = () => {
    if (impl === 'rewind') {
      const rec = new window.__bench.Recorder({ checkoutEveryMs: 0 }, (json) => {
        if (keep) texts.push(json);
        else dropped++;
        onEmit(json.charCodeAt(8) - 48); // '{"type":N' — N is one digit for rrweb's types
      });
      rec.start();
      stopFn = () => {
        rec.stop();
        rec.free();
      };
    } else {
      const stringify = impl === 'rrweb+stringify';
      stopFn = window.rrweb.record({
        emit: (event) => {
          if (!keep) dropped++;
          else if (stringify) texts.push(JSON.stringify(event));
          else objects.push(event);
          onEmit(event.type);
        },
        maskAllInputs: true,
        maskTextSelector: '*',
      });
    }
  };
  return {
    start,
    set onEmit(f) {
      onEmit = f;
    },
    stop: () => stopFn?.(),
    json: () => (texts.length ? `[${texts.join(',')}]` : JSON.stringify(objects)),
    count: () => texts.length + objects.length + dropped,
  };
}

/** `longtask` entries from now on: `{stop() → entries}`. */
function watchLongTasks() {
  const entries = [];
  const po = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  po.observe({ type: 'longtask', buffered: false });
  return {
    stop(since) {
      po.disconnect();
      const lt = entries.filter((e) => e.startTime + e.duration >= since);
      return { longestTaskMs: lt.length ? Math.max(...lt.map((e) => e.duration)) : 0, longtasks: lt.length };
    },
  };
}

/** (a), and (d) after a snapshot with `memory`: the recorder is left running (`__rec`). */
async function snapshotRun({ impl, memory = false, wasmInitMs = 0 }) {
  const elements = document.getElementsByTagName('*').length;
  const nodes = (() => {
    let n = 0;
    const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (w.nextNode()) n++;
    return n + 1;
  })();
  if (impl === 'none') {
    await new Promise((r) => setTimeout(r, 1000));
    return { elements, nodes, wasmBytes: 0 };
  }
  // Start from a task of the page's own event loop: tasks the harness starts through the
  // DevTools protocol get no `longtask` entries.
  await new Promise((r) => setTimeout(r, 0));
  const lts = window.__watchLongTasks();
  const rec = window.__makeRecorder(impl, { keep: !memory });
  let tFull = null;
  rec.onEmit = (type) => {
    if (type === 2 && tFull === null) tFull = performance.now();
  };
  const t0 = performance.now();
  rec.start();
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  const lt = lts.stop(t0);
  const out = {
    elements,
    nodes,
    wasmInitMs,
    toFullSnapshotMs: tFull === null ? null : tFull - t0,
    startCallMs: t1 - t0,
    ...lt,
    events: rec.count(),
    wasmBytes: window.__wasm?.memory.buffer.byteLength ?? 0,
  };
  if (memory) window.__rec = rec;
  else {
    rec.stop();
    out.json = rec.json();
  }
  return out;
}

/** (b), and (d) after the storm with `memory`: the recorder is left running (`__rec`). */
async function tableRun({ impl, rows, rerenders, memory = false }) {
  const tbody = document.querySelector('#t tbody');
  const html = (v) => {
    const out = [];
    for (let i = 0; i < rows; i++) {
      out.push(`<tr><td>${i}</td><td>row ${i} version ${v}</td><td><a href="/r/${i}">edit</a></td><td><input type="checkbox"${(i + v) % 3 ? '' : ' checked'}></td></tr>`);
    }
    return out.join('');
  };
  const versions = Array.from({ length: rerenders + 1 }, (_, v) => html(v));
  tbody.innerHTML = versions[0];
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const rec = impl === 'none' ? null : window.__makeRecorder(impl, { keep: !memory });
  let emitted = 0;
  if (rec) {
    rec.start();
    rec.onEmit = () => emitted++;
  }
  await new Promise((r) => setTimeout(r, 200)); // (also: the loop runs in a page task, see snapshotRun)
  const perRender = [];
  const emittedInLoop = [];
  const lts = window.__watchLongTasks();
  const tLoop = performance.now();
  for (let v = 1; v <= rerenders; v++) {
    const before = emitted;
    const t0 = performance.now();
    tbody.innerHTML = versions[v];
    await Promise.resolve(); // the MutationObserver microtask was queued first and has run now
    perRender.push(performance.now() - t0);
    emittedInLoop.push(emitted - before);
    await new Promise((r) => setTimeout(r, 50)); // let the page render between re-renders
  }
  await new Promise((r) => setTimeout(r, 300));
  const lt = lts.stop(tLoop);
  const lateEvents = emitted - emittedInLoop.reduce((a, b) => a + b, 0);
  const out = {
    totalMs: perRender.reduce((a, b) => a + b, 0),
    perRender,
    emittedInLoop,
    lateEvents,
    ...lt,
    nodesPerRender: rows * 13,
    wasmBytes: window.__wasm?.memory.buffer.byteLength ?? 0,
  };
  if (memory) window.__rec = rec;
  else {
    rec?.stop();
    out.json = rec ? rec.json() : '[]';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Driver

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const gz = (buf, level) => zlib.gzipSync(buf, { level }).length;
/** rrweb's JSON with rewind's default URL stripping applied (query and fragment of `origin`'s URLs). */
function sameUrlStripping(json, origin) {
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return Buffer.from(json.toString().replace(new RegExp(`(${escaped}[^"?#]*)[?#][^"]*`, 'g'), '$1'));
}
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

async function shippedSizes() {
  const file = (f) => readFileSync(f.startsWith('pkg-record/') ? new URL(f.slice(11), PKG_RECORD) : new URL(f, root));
  // js/sheets.js and js/hooks.js: browser glue that the wasm glue imports (../js/).
  const rewindFiles = ['pkg-record/rewind_record_bg.wasm', 'pkg-record/rewind_record.js', 'js/index.js', 'js/sheets.js', 'js/hooks.js'];
  const rewind = rewindFiles.map((f) => ({ f, raw: file(f).length, gz9: gz(file(f), 9) }));
  const rrweb = ['node_modules/rrweb/dist/rrweb.umd.cjs', 'node_modules/rrweb/dist/rrweb.umd.min.cjs'].map((f) => ({ f, raw: file(f).length, gz9: gz(file(f), 9) }));
  try {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      stdin: { contents: "export { record } from 'rrweb';", resolveDir: new URL('.', root).pathname, loader: 'js' },
      bundle: true, minify: true, format: 'esm', write: false, platform: 'browser', logLevel: 'silent',
    });
    const code = Buffer.from(out.outputFiles[0].contents);
    rrweb.push({ f: "esbuild --bundle --minify of `export { record } from 'rrweb'`", raw: code.length, gz9: gz(code, 9) });
  } catch (e) {
    rrweb.push({ f: `record-only bundle failed: ${e.message}`, raw: NaN, gz9: NaN });
  }
  // rewind's JS as an app's bundler ships it: minified, the same treatment as rrweb's
  // record-only bundle above (js/index.js loads the wasm-bindgen glue with a dynamic import,
  // hence two chunks; the .wasm is fetched as it is).
  let minified = [];
  try {
    const esbuild = await import('esbuild');
    const glue = new URL('rewind_record.js', PKG_RECORD).pathname;
    const out = await esbuild.build({
      entryPoints: [new URL('js/index.js', root).pathname],
      bundle: true, minify: true, format: 'esm', splitting: true, write: false, outdir: '/tmp/rewind-min',
      platform: 'browser', logLevel: 'silent',
      // the glue of the build being measured (REWIND_PKG_RECORD), not necessarily the repo's
      plugins: [{ name: 'pkg-record', setup: (b) => b.onResolve({ filter: /rewind_record\.js$/ }, () => ({ path: glue })) }],
    });
    // The opt-in capture chunks — js/capture-media.js (capture.canvas / capture.fonts),
    // js/network.js and its glue (capture.network), js/vitals.js (capture.performance), js/console.js (capture.console),
    // js/buffering.js and its glue (sampling.onError) — load only when enabled: reported, not counted in the recorder's size after consent.
    minified = out.outputFiles.map((o) => ({
      f: `minified ${o.path.split('/').pop()}`, raw: o.contents.length, gz9: gz(Buffer.from(o.contents), 9),
      optIn: /capture-media|network|vitals|console|buffering|load-error/.test(o.path.split('/').pop()),
    }));
  } catch (e) {
    minified = [{ f: `minified bundle failed: ${e.message}`, raw: NaN, gz9: NaN }];
  }
  return { rewind, rrweb, minified };
}

/** Prints the shipped sizes; returns the totals the ratios use. */
async function printSizes() {
  const sizes = await shippedSizes();
  console.log('\n## shipped size (gzip -9 = node zlib level 9)');
  for (const side of ['rewind', 'rrweb']) for (const x of sizes[side]) console.log(`${side}: ${x.f}: ${x.raw} B raw, ${x.gz9} B gzip`);
  const rwTotal = sizes.rewind.reduce((a, x) => a + x.gz9, 0);
  const rwRaw = sizes.rewind.reduce((a, x) => a + x.raw, 0);
  console.log(`rewind total (${sizes.rewind.length} files, each gzipped): ${rwRaw} B raw, ${rwTotal} B gzip`);
  for (const x of sizes.minified) console.log(`rewind: ${x.f}: ${x.raw} B raw, ${x.gz9} B gzip${x.optIn ? ' (opt-in or failed-load chunk, not counted)' : ''}`);
  const minTotal = sizes.rewind[0].gz9 + sizes.minified.reduce((a, x) => a + (x.optIn ? 0 : x.gz9), 0);
  console.log(`rewind total as bundled (wasm + minified JS chunks, each gzipped): ${minTotal} B gzip`);

  return { rwTotal, minTotal, sizes };
}

/** CPU ns used so far by the main threads of this process's Chromium renderers (Linux
 * schedstat; 0 elsewhere). */
function rendererCpuNs() {
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      procs.push({ pid: Number(d), ppid: Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]), cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8') });
    } catch {
      // gone, or not readable
    }
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const mine = (p) => {
    for (let q = p; q; q = byPid.get(q.ppid)) if (q.pid === process.pid) return true;
    return false;
  };
  let ns = 0;
  for (const p of procs) {
    if (!p.cmd.includes('--type=renderer') || !mine(p)) continue;
    try {
      ns += Number(readFileSync(`/proc/${p.pid}/task/${p.pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // gone
    }
  }
  return ns;
}

/** Runs `fn(arg)` in the page after `__prepare`; adds `cpuMs`, the renderer main thread's CPU
 * time during `fn`. */
async function timed(page, fn, arg) {
  const wasmInitMs = await page.evaluate((impl) => window.__prepare(impl), arg.impl);
  const c0 = rendererCpuNs();
  const res = await page.evaluate(fn, { ...arg, wasmInitMs });
  return { ...res, cpuMs: (rendererCpuNs() - c0) / 1e6 };
}

/** Two full GCs, then the renderer's heap figures (see (d) in the header), in bytes. */
async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  return { js: h.usedSize, blink: h.embedderHeapUsedSize ?? 0, buffers: h.backingStorageSize ?? 0 };
}

async function main() {
  if (SIZE_ONLY) {
    const { minTotal, sizes } = await printSizes();
    console.log(`size as bundled: rewind ${minTotal} B gzip vs rrweb record-only bundle ${sizes.rrweb[2].gz9}`);
    return;
  }
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  console.log(`# ${new Date().toISOString()}  ${os.cpus().length} CPUs (${os.cpus()[0]?.model})  loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`# Chromium ${browser.version()}  node ${process.version}  rrweb ${RRWEB_VERSION}  reps ${REPS}  recorder ${PKG_RECORD.pathname}`);
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', String(e)));
  await page.addInitScript(`window.__makeRecorder = ${makeRecorder.toString()}; window.__prepare = ${prepare.toString()}; window.__watchLongTasks = ${watchLongTasks.toString()};`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const interleave = (impls, r) => (r % 2 ? [...impls].reverse() : impls);

  const IMPLS = ['rewind', 'rrweb', 'rrweb+stringify'];
  // (a)
  const snap = {};
  if (ONLY.includes('snapshot')) {
    for (const p of SNAPSHOT_PAGES) {
      snap[p.shape] = Object.fromEntries(IMPLS.map((i) => [i, []]));
      for (let r = 0; r < REPS; r++) {
        for (const impl of interleave(IMPLS, r)) {
          await page.goto(`${origin}${p.path}`);
          snap[p.shape][impl].push(await timed(page, snapshotRun, { impl }));
        }
      }
    }
  }
  // (b)
  const TIMPLS = ['none', ...IMPLS];
  const table = Object.fromEntries(TIMPLS.map((i) => [i, []]));
  if (ONLY.includes('storm')) {
    for (let r = 0; r < REPS; r++) {
      for (const impl of interleave(TIMPLS, r)) {
        await page.goto(`${origin}/table.html`);
        table[impl].push(await timed(page, tableRun, { impl, rows: TABLE_ROWS, rerenders: RERENDERS }));
      }
    }
  }
  // (d)
  const MIMPLS = ['none', 'rewind', 'rrweb'];
  const MEMORY = [
    { name: 'after the cards page\'s FullSnapshot', path: '/cards.html', run: snapshotRun, args: {} },
    { name: `after the storm (${TABLE_ROWS}-row table, ${RERENDERS} re-renders)`, path: '/table.html', run: tableRun, args: { rows: TABLE_ROWS, rerenders: RERENDERS } },
  ];
  const mem = MEMORY.map(() => Object.fromEntries(MIMPLS.map((i) => [i, []])));
  if (ONLY.includes('memory')) {
    for (const [k, m] of MEMORY.entries()) {
      for (let r = 0; r < REPS; r++) {
        for (const impl of interleave(MIMPLS, r)) {
          await page.goto(`${origin}${m.path}`);
          const res = await timed(page, m.run, { impl, memory: true, ...m.args });
          const heap = await heapAfterGc(cdp);
          mem[k][impl].push({ ...heap, wasm: res.wasmBytes, total: heap.js + heap.blink + heap.buffers + res.wasmBytes });
          await page.evaluate(() => window.__rec?.stop());
        }
      }
    }
  }
  await browser.close();
  server.close();
  console.log(`# loadavg at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const r = (a, b) => fmt(a / b, 2);
  const ratios = [];
  const snapSummary = {};
  if (ONLY.includes('snapshot')) {
    for (const p of SNAPSHOT_PAGES) {
      const first = snap[p.shape].rewind[0];
      console.log(`\n## (a) snapshot, ${p.shape}: ${p.what}; ${first.elements} elements / ${first.nodes} DOM nodes (document.getElementsByTagName('*'), TreeWalker SHOW_ALL + document), ${REPS} fresh loads each`);
      console.log('| impl | to FullSnapshot median ms | p90 | min | max | start() call median ms | main-thread CPU median ms | longest longtask median ms | max | events | JSON bytes | gzip-6 | gzip-9 |');
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      const sum = {};
      for (const impl of IMPLS) {
        const rs = snap[p.shape][impl];
        const t = rs.map((x) => x.toFullSnapshotMs);
        const json = Buffer.from(rs[0].json);
        dump(`${p.shape}-${impl}`, json);
        const s = {
          med: median(t), p90: quantile(t, 0.9), min: Math.min(...t), max: Math.max(...t), call: median(rs.map((x) => x.startCallMs)),
          cpu: median(rs.map((x) => x.cpuMs)),
          lt: median(rs.map((x) => x.longestTaskMs)), ltMax: Math.max(...rs.map((x) => x.longestTaskMs)), events: rs[0].events,
          raw: json.length, gz6: gz(json, 6), gz9: gz(json, 9),
          gz6SameUrls: impl === 'rewind' ? undefined : gz(sameUrlStripping(json, origin), 6),
        };
        sum[impl] = s;
        console.log(`| ${impl} | ${fmt(s.med)} | ${fmt(s.p90)} | ${fmt(s.min)} | ${fmt(s.max)} | ${fmt(s.call)} | ${fmt(s.cpu)} | ${fmt(s.lt)} | ${fmt(s.ltMax)} | ${s.events} | ${s.raw} | ${s.gz6} | ${s.gz9} |`);
      }
      snapSummary[p.shape] = sum;
      console.log(`raw to-FullSnapshot ms: ${IMPLS.map((i) => `${i}: ${snap[p.shape][i].map((x) => fmt(x.toFullSnapshotMs)).join(', ')}`).join('; ')}`);
      console.log(`raw longest longtask ms: ${IMPLS.map((i) => `${i}: ${snap[p.shape][i].map((x) => fmt(x.longestTaskMs, 0)).join(', ')}`).join('; ')}`);
      console.log(`rewind wasm init (fetch + compile + instantiate) ms: ${snap[p.shape].rewind.map((x) => fmt(x.wasmInitMs)).join(', ')}; wasm memory after: ${snap[p.shape].rewind.map((x) => x.wasmBytes).join(', ')} B`);
      const a = sum;
      ratios.push([`(a) ${p.shape}: to FullSnapshot, median`, r(a.rewind.med, a.rrweb.med), r(a.rewind.med, a['rrweb+stringify'].med)]);
      ratios.push([`(a) ${p.shape}: main-thread CPU, start to +1 s, median`, r(a.rewind.cpu, a.rrweb.cpu), r(a.rewind.cpu, a['rrweb+stringify'].cpu)]);
      ratios.push([`(a) ${p.shape}: longest task, median ms (rewind / rrweb)`, `${fmt(a.rewind.lt, 0)} / ${fmt(a.rrweb.lt, 0)}`, `${fmt(a.rewind.lt, 0)} / ${fmt(a['rrweb+stringify'].lt, 0)}`]);
      ratios.push([`(c) ${p.shape}: snapshot bytes, JSON / gzip-6`, `${r(a.rewind.raw, a.rrweb.raw)} / ${r(a.rewind.gz6, a.rrweb.gz6)}`, '']);
      ratios.push([`(c) ${p.shape}: snapshot gzip-6, like for like (rrweb's URLs stripped as rewind's are)`, `${fmt(a.rewind.gz6 / a.rrweb.gz6SameUrls, 3)} (${a.rewind.gz6} / ${a.rrweb.gz6SameUrls} B)`, '']);
    }
  }

  if (ONLY.includes('storm')) {
    console.log(`\n## (b) ${TABLE_ROWS}-row table, tbody.innerHTML replaced ${RERENDERS}×, ${REPS} fresh loads each`);
    console.log('| impl | loop total median ms | p90 | recorder share (median − none median) ms | main-thread CPU median ms | CPU share (− none) ms | longest longtask median ms | events in loop (median) | late events | JSON bytes | gzip-6 | gzip-9 |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const base = median(table.none.map((x) => x.totalMs));
    const cpuBase = median(table.none.map((x) => x.cpuMs));
    const b = {};
    for (const impl of TIMPLS) {
      const rs = table[impl];
      const t = rs.map((x) => x.totalMs);
      const json = Buffer.from(rs[0].json);
      if (impl !== 'none') dump(`storm-${impl}`, json);
      const s = {
        med: median(t), p90: quantile(t, 0.9), share: median(t) - base, lt: median(rs.map((x) => x.longestTaskMs)),
        cpu: median(rs.map((x) => x.cpuMs)), cpuShare: median(rs.map((x) => x.cpuMs)) - cpuBase,
        inLoop: median(rs.map((x) => x.emittedInLoop.reduce((a, c) => a + c, 0))), late: Math.max(...rs.map((x) => x.lateEvents)),
        raw: json.length, gz6: gz(json, 6), gz9: gz(json, 9),
      };
      b[impl] = s;
      const none = impl === 'none';
      console.log(`| ${impl} | ${fmt(s.med)} | ${fmt(s.p90)} | ${none ? '—' : fmt(s.share)} | ${fmt(s.cpu)} | ${none ? '—' : fmt(s.cpuShare)} | ${fmt(s.lt)} | ${s.inLoop} | ${s.late} | ${none ? '—' : s.raw} | ${none ? '—' : s.gz6} | ${none ? '—' : s.gz9} |`);
    }
    console.log(`raw loop totals ms: ${TIMPLS.map((i) => `${i}: ${table[i].map((x) => fmt(x.totalMs, 0)).join(', ')}`).join('; ')}`);
    ratios.push(['(b) storm: recorder share', r(b.rewind.share, b.rrweb.share), r(b.rewind.share, b['rrweb+stringify'].share)]);
    ratios.push(['(b) storm: recorder CPU share (whole run, loop and its snapshot)', r(b.rewind.cpuShare, b.rrweb.cpuShare), r(b.rewind.cpuShare, b['rrweb+stringify'].cpuShare)]);
    ratios.push(['(b) storm: longest task, median ms (rewind / rrweb / none)', `${fmt(b.rewind.lt, 0)} / ${fmt(b.rrweb.lt, 0)} / ${fmt(b.none.lt, 0)}`, '']);
    ratios.push(['(c) storm stream bytes, JSON / gzip-6', `${r(b.rewind.raw, b.rrweb.raw)} / ${r(b.rewind.gz6, b.rrweb.gz6)}`, '']);
  }

  if (ONLY.includes('memory')) {
    const MB = (x) => fmt(x / 2 ** 20, 2);
    for (const [k, m] of MEMORY.entries()) {
      console.log(`\n## (d) memory over baseline, ${m.name}, recorder attached, emitted events dropped; MiB, medians of ${REPS} fresh loads`);
      console.log('| impl | total | over baseline | V8 heap | Blink heap | ArrayBuffers | wasm memory |');
      console.log('|---|---:|---:|---:|---:|---:|---:|');
      const base = median(mem[k].none.map((x) => x.total));
      const over = {};
      for (const impl of MIMPLS) {
        const rs = mem[k][impl];
        const med = (f) => median(rs.map(f));
        over[impl] = med((x) => x.total) - base;
        console.log(`| ${impl} | ${MB(med((x) => x.total))} | ${impl === 'none' ? '—' : MB(over[impl])} | ${MB(med((x) => x.js))} | ${MB(med((x) => x.blink))} | ${MB(med((x) => x.buffers))} | ${MB(med((x) => x.wasm))} |`);
      }
      console.log(`raw totals MiB: ${MIMPLS.map((i) => `${i}: ${mem[k][i].map((x) => MB(x.total)).join(', ')}`).join('; ')}`);
      ratios.push([`(d) memory over baseline, ${m.name}`, r(over.rewind, over.rrweb), '']);
    }
  }

  const { rwTotal, minTotal, sizes } = await printSizes();
  console.log(`\n## side by side: rewind / rrweb ${RRWEB_VERSION} (rrweb as-is; last column: vs rrweb+stringify)`);
  console.log('| measure | rewind / rrweb | rewind / rrweb+stringify |');
  console.log('|---|---:|---:|');
  for (const [what, a, b] of ratios) console.log(`| ${what} | ${a} | ${b} |`);
  const umdMin = sizes.rrweb[1].gz9;
  const recOnly = sizes.rrweb[2].gz9;
  console.log(`size: rewind ${rwTotal} B gzip vs rrweb UMD min ${umdMin} (${r(rwTotal, umdMin)}), vs rrweb record-only bundle ${recOnly} (${r(rwTotal, recOnly)})`);
  console.log(`size as bundled: rewind ${minTotal} B gzip vs rrweb record-only bundle ${recOnly} (${r(minTotal, recOnly)})`);
}

await main();
