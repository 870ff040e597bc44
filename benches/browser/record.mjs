// Recorder benchmark: rewind's wasm Recorder (the recorder-only build in pkg-record/) vs
// rrweb 2.1.1 `record()` in the same headless Chromium run. Results go in BENCHMARKS.md
// ("Recorder vs rrweb.record"). Not a test: it prints numbers and asserts nothing.
//
//   npm run build:wasm-record && npm run bench:record [-- --reps N]
//   npm run bench:record -- --size-only      the shipped-size lines only (no browser)
//
// Scenarios, each on fresh page loads, implementations interleaved:
//   (a) snapshot: a page of 10,000 elements; time from start()/record() to the FullSnapshot
//       being emitted, the synchronous length of that call, and the longest `longtask` entry in
//       the 1 s after it; bytes of the events emitted (Meta + FullSnapshot …).
//   (b) table: a 2,000-row table whose tbody is replaced (innerHTML) 10×; main-thread time of
//       each re-render plus the microtask checkpoint that delivers MutationObserver records (both
//       recorders emit their Mutation event from the observer callback), summed; the same loop
//       with no recorder is the baseline; recorder share = with − baseline.
//   (c) bytes of the collected event streams: raw JSON and gzip (node zlib, level 6 and 9).
// Also the shipped size: rewind (pkg-record wasm + its wasm-bindgen JS + js/index.js, js/sheets.js, js/hooks.js) vs rrweb
// (the UMD bundle, and a record-only ESM bundle made here with esbuild from rrweb's ESM build).
//
// Masking: rewind records with its defaults (all text and all input values masked). rrweb is run
// with `maskAllInputs: true, maskTextSelector: '*'`, its closest equivalent. rewind's emit
// receives JSON text (serialised in Rust); rrweb's emit receives objects, which this harness
// keeps as objects (the rrweb+stringify rows add `JSON.stringify` in emit, as a shipping SDK must).
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 7;
const SIZE_ONLY = process.argv.includes('--size-only');
const TABLE_ROWS = 2000;
// The recorder build to measure (default: the repo's pkg-record/); REWIND_PKG_RECORD=/some/dir
// pins a copy, so a concurrent `npm run build:wasm` cannot change it mid-run.
const PKG_RECORD = new URL(process.env.REWIND_PKG_RECORD ? `file://${process.env.REWIND_PKG_RECORD.replace(/\/?$/, '/')}` : 'pkg-record/', root);
const RERENDERS = 10;

for (const f of [new URL('rewind_record.js', PKG_RECORD), new URL('rewind_record_bg.wasm', PKG_RECORD), new URL('node_modules/rrweb/dist/rrweb.umd.cjs', root)]) {
  if (!existsSync(f)) {
    console.error(`missing ${f}: run \`npm ci\` and \`npm run build:wasm-record\``);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Pages

function bigPage() {
  // 1,000 cards × 10 elements = 10,000 elements in <body> (plus html/head/body/style/script).
  const cards = [];
  for (let i = 0; i < 1000; i++) {
    cards.push(
      `<div class="card" id="c${i}"><h3>Card number ${i}</h3><p>Some descriptive text for item ${i} ` +
        `<a href="/item/${i}?ref=list#top">open item ${i}</a> <span class="tag">tag ${i % 17}</span> ` +
        `<b>bold ${i}</b></p><ul><li>first point ${i}</li><li>second point</li></ul>` +
        `<input name="q${i}" value="value ${i}"></div>`,
    );
  }
  return page(
    '<style>.card{border:1px solid #ccc;margin:4px;padding:4px}.tag{color:#06c}h3{font-size:14px;margin:0}</style>',
    cards.join('\n'),
  );
}

function tablePage() {
  return page('<style>td{padding:1px 4px;border-bottom:1px solid #eee}</style>', '<table id="t"><tbody></tbody></table>');
}

function page(head, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>${head}
<script src="/rrweb/rrweb.umd.cjs"></script>
<script type="module">
import initWasm, { Recorder } from '/pkg-record/rewind_record.js';
window.__bench = { Recorder, initWasm };
window.__benchReady = true;
</script></head><body>${body}</body></html>`;
}

// ---------------------------------------------------------------------------------------------
// Server

const TYPES = { '.js': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };
const PAGES = { '/big.html': bigPage(), '/table.html': tablePage() };

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

/** Loads the wasm (not timed as part of the snapshot; its time is returned) and waits for two frames. */
async function prepare() {
  while (!window.__benchReady) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  await window.__bench.initWasm();
  const wasmInitMs = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  await new Promise((r) => setTimeout(r, 200));
  return wasmInitMs;
}

/** Starts a recorder; returns {stop, events (JSON texts), stats}. */
function makeRecorder(impl) {
  const texts = [];
  const objects = [];
  let onEmit = () => {};
  let stopFn;
  const start = () => {
    if (impl === 'rewind') {
      const rec = new window.__bench.Recorder({ checkoutEveryMs: 0 }, (json) => {
        texts.push(json);
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
          if (stringify) texts.push(JSON.stringify(event));
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
    count: () => texts.length + objects.length,
  };
}

async function snapshotRun(impl) {
  const wasmInitMs = await window.__prepare();
  const longtasks = [];
  const po = new PerformanceObserver((list) => longtasks.push(...list.getEntries()));
  po.observe({ type: 'longtask', buffered: false });
  const elements = document.getElementsByTagName('*').length;
  const nodes = (() => {
    let n = 0;
    const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (w.nextNode()) n++;
    return n + 1;
  })();
  const rec = window.__makeRecorder(impl);
  let tFull = null;
  rec.onEmit = (type) => {
    if (type === 2 && tFull === null) tFull = performance.now();
  };
  const t0 = performance.now();
  rec.start();
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  po.disconnect();
  rec.stop();
  const lt = longtasks.filter((e) => e.startTime + e.duration >= t0);
  return {
    elements,
    nodes,
    wasmInitMs,
    toFullSnapshotMs: tFull === null ? null : tFull - t0,
    startCallMs: t1 - t0,
    longestTaskMs: lt.length ? Math.max(...lt.map((e) => e.duration)) : 0,
    longtasks: lt.length,
    events: rec.count(),
    json: rec.json(),
  };
}

async function tableRun({ impl, rows, rerenders }) {
  await window.__prepare();
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
  const rec = impl === 'none' ? null : window.__makeRecorder(impl);
  let emitted = 0;
  if (rec) {
    rec.start();
    rec.onEmit = () => emitted++;
  }
  await new Promise((r) => setTimeout(r, 200));
  const perRender = [];
  const emittedInLoop = [];
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
  const lateEvents = emitted - emittedInLoop.reduce((a, b) => a + b, 0);
  rec?.stop();
  return {
    totalMs: perRender.reduce((a, b) => a + b, 0),
    perRender,
    emittedInLoop,
    lateEvents,
    nodesPerRender: rows * 13,
    json: rec ? rec.json() : '[]',
  };
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
    // js/network.js and its glue (capture.network), js/vitals.js (capture.performance) — load
    // only when enabled: reported, not counted in the recorder's size after consent.
    minified = out.outputFiles.map((o) => ({
      f: `minified ${o.path.split('/').pop()}`, raw: o.contents.length, gz9: gz(Buffer.from(o.contents), 9),
      optIn: /capture-media|network|vitals|load-error/.test(o.path.split('/').pop()),
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
  console.log(`# Chromium ${browser.version()}  node ${process.version}  reps ${REPS}  recorder ${PKG_RECORD.pathname}`);
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', String(e)));
  await page.addInitScript(`window.__makeRecorder = ${makeRecorder.toString()}; window.__prepare = ${prepare.toString()};`);

  const IMPLS = ['rewind', 'rrweb', 'rrweb+stringify'];
  // (a)
  const snap = Object.fromEntries(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < REPS; r++) {
    for (const impl of r % 2 ? [...IMPLS].reverse() : IMPLS) {
      await page.goto(`${origin}/big.html`);
      snap[impl].push(await page.evaluate(snapshotRun, impl));
    }
  }
  // (b)
  const TIMPLS = ['none', ...IMPLS];
  const table = Object.fromEntries(TIMPLS.map((i) => [i, []]));
  for (let r = 0; r < REPS; r++) {
    for (const impl of r % 2 ? [...TIMPLS].reverse() : TIMPLS) {
      await page.goto(`${origin}/table.html`);
      table[impl].push(await page.evaluate(tableRun, { impl, rows: TABLE_ROWS, rerenders: RERENDERS }));
    }
  }
  await browser.close();
  server.close();
  console.log(`# loadavg at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const first = snap.rewind[0];
  console.log(`\n## (a) snapshot of ${first.elements} elements / ${first.nodes} DOM nodes (document.getElementsByTagName('*'), TreeWalker SHOW_ALL + document), ${REPS} fresh loads each`);
  console.log('| impl | to FullSnapshot median ms | p90 | min | max | start() call median ms | longest longtask median ms | max | events | JSON bytes | gzip-6 | gzip-9 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const snapSummary = {};
  for (const impl of IMPLS) {
    const rs = snap[impl];
    const t = rs.map((x) => x.toFullSnapshotMs);
    const json = Buffer.from(rs[0].json);
    const s = {
      med: median(t), p90: quantile(t, 0.9), min: Math.min(...t), max: Math.max(...t), call: median(rs.map((x) => x.startCallMs)),
      lt: median(rs.map((x) => x.longestTaskMs)), ltMax: Math.max(...rs.map((x) => x.longestTaskMs)), events: rs[0].events,
      raw: json.length, gz6: gz(json, 6), gz9: gz(json, 9),
    };
    snapSummary[impl] = s;
    console.log(`| ${impl} | ${fmt(s.med)} | ${fmt(s.p90)} | ${fmt(s.min)} | ${fmt(s.max)} | ${fmt(s.call)} | ${fmt(s.lt)} | ${fmt(s.ltMax)} | ${s.events} | ${s.raw} | ${s.gz6} | ${s.gz9} |`);
  }
  console.log(`raw to-FullSnapshot ms: ${IMPLS.map((i) => `${i}: ${snap[i].map((x) => fmt(x.toFullSnapshotMs)).join(', ')}`).join('; ')}`);
  console.log(`raw longest longtask ms: ${IMPLS.map((i) => `${i}: ${snap[i].map((x) => fmt(x.longestTaskMs, 0)).join(', ')}`).join('; ')}`);
  console.log(`rewind wasm init (fetch + compile + instantiate) ms: ${snap.rewind.map((x) => fmt(x.wasmInitMs)).join(', ')}`);

  console.log(`\n## (b) ${TABLE_ROWS}-row table, tbody.innerHTML replaced ${RERENDERS}×, ${REPS} fresh loads each`);
  console.log('| impl | loop total median ms | p90 | recorder share (median − none median) ms | events in loop (median) | late events | JSON bytes | gzip-6 | gzip-9 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const base = median(table.none.map((x) => x.totalMs));
  const tableSummary = {};
  for (const impl of TIMPLS) {
    const rs = table[impl];
    const t = rs.map((x) => x.totalMs);
    const json = Buffer.from(rs[0].json);
    const s = {
      med: median(t), p90: quantile(t, 0.9), share: median(t) - base,
      inLoop: median(rs.map((x) => x.emittedInLoop.reduce((a, b) => a + b, 0))), late: Math.max(...rs.map((x) => x.lateEvents)),
      raw: json.length, gz6: gz(json, 6), gz9: gz(json, 9),
    };
    tableSummary[impl] = s;
    console.log(`| ${impl} | ${fmt(s.med)} | ${fmt(s.p90)} | ${impl === 'none' ? '—' : fmt(s.share)} | ${s.inLoop} | ${s.late} | ${impl === 'none' ? '—' : s.raw} | ${impl === 'none' ? '—' : s.gz6} | ${impl === 'none' ? '—' : s.gz9} |`);
  }
  console.log(`raw loop totals ms: ${TIMPLS.map((i) => `${i}: ${table[i].map((x) => fmt(x.totalMs, 0)).join(', ')}`).join('; ')}`);

  const { rwTotal, minTotal, sizes } = await printSizes();
  console.log('\n## ratios rewind / rrweb (rrweb as-is; in brackets: vs rrweb+stringify)');
  const r = (a, b) => fmt(a / b, 2);
  const a = snapSummary;
  console.log(`(a) to FullSnapshot median ${r(a.rewind.med, a.rrweb.med)} [${r(a.rewind.med, a['rrweb+stringify'].med)}], p90 ${r(a.rewind.p90, a.rrweb.p90)} [${r(a.rewind.p90, a['rrweb+stringify'].p90)}], longest task median ${r(a.rewind.lt, a.rrweb.lt)} [${r(a.rewind.lt, a['rrweb+stringify'].lt)}]`);
  const b = tableSummary;
  console.log(`(b) recorder share ${r(b.rewind.share, b.rrweb.share)} [${r(b.rewind.share, b['rrweb+stringify'].share)}]`);
  console.log(`(c) snapshot JSON ${r(a.rewind.raw, a.rrweb.raw)}, gzip-6 ${r(a.rewind.gz6, a.rrweb.gz6)}; table stream JSON ${r(b.rewind.raw, b.rrweb.raw)}, gzip-6 ${r(b.rewind.gz6, b.rrweb.gz6)}`);
  const umdMin = sizes.rrweb[1].gz9;
  const recOnly = sizes.rrweb[2].gz9;
  console.log(`size: rewind ${rwTotal} B gzip vs rrweb UMD min ${umdMin} (${r(rwTotal, umdMin)}), vs rrweb record-only bundle ${recOnly} (${r(rwTotal, recOnly)})`);
  console.log(`size as bundled: rewind ${minTotal} B gzip vs rrweb record-only bundle ${recOnly} (${r(minTotal, recOnly)})`);
}

await main();
