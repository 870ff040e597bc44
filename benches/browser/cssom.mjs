// CSSOM hook cost: the main-thread time of a hooked CSSOM call while recording, rewind's
// recorder-only build (pkg-record/, no-op sink) vs rrweb 2.1.1 `record({emit(){}})`, and with no
// recorder, in the same headless Chromium run. Results go in BENCHMARKS.md ("Recorder size
// now", the CSSOM hooks). Not a test: it prints numbers and asserts nothing.
//
//   npm run build:wasm-record && node benches/browser/cssom.mjs [--reps N] [--calls N]
//
// Each rep loads a fresh page per implementation (interleaved), starts the recorder, then
// times `--calls` calls of each kind in one synchronous loop and reports µs per call (median
// over reps):
//   - `el.style.setProperty` on an element's inline style: no style event (a Mutation later);
//   - `sheet.insertRule` then `sheet.deleteRule` on a `<style>`'s sheet: one StyleSheetRule
//     event each (reported per call, the pair divided by 2);
//   - `rule.style.setProperty` on a rule of that sheet: one StyleDeclaration event.
// REWIND_PKG_RECORD=/some/dir measures another build (e.g. a copy of an older one).
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = arg('--reps', 5);
const CALLS = arg('--calls', 2000);
const PKG_RECORD = new URL(process.env.REWIND_PKG_RECORD ? `file://${process.env.REWIND_PKG_RECORD.replace(/\/?$/, '/')}` : 'pkg-record/', root);
const IMPLS = ['none', 'rewind', 'rrweb'];

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>cssom</title>
<style id="s">.a { color: red; } .b { margin: 1px; }</style>
<script src="/rrweb/rrweb.umd.cjs"></script>
<script type="module">
import initWasm, { Recorder } from '/pkg-record/rewind_record.js';
window.__bench = { Recorder, initWasm };
</script></head><body><p id="p" class="a">text</p></body></html>`;

const TYPES = { '.js': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm' };

function serve() {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let m;
    let body;
    try {
      if (path === '/cssom.html') body = PAGE;
      else if ((m = /^\/pkg-record\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(m[1], PKG_RECORD));
      else if ((m = /^\/js\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(`js/${m[1]}`, root));
      else if ((m = /^\/rrweb\/([\w.-]+)$/.exec(path))) body = await readFile(new URL(`node_modules/rrweb/dist/${m[1]}`, root));
      else throw new Error('not found');
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** In the page: µs per call of each kind while `impl` records. */
async function run({ impl, calls }) {
  let stop = () => {};
  if (impl === 'rewind') {
    await window.__bench.initWasm();
    const rec = new window.__bench.Recorder({ checkoutEveryMs: 0 }, () => {});
    rec.start();
    stop = () => rec.stop();
  } else if (impl === 'rrweb') {
    stop = window.rrweb.record({ emit() {} });
  }
  await new Promise((r) => setTimeout(r, 100));
  const sheet = document.getElementById('s').sheet;
  const rule = sheet.cssRules[0];
  const el = document.getElementById('p');
  const time = (f) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f(i);
    return ((performance.now() - t0) * 1000) / calls;
  };
  const out = {
    inline: time((i) => el.style.setProperty('color', i & 1 ? 'red' : 'blue')),
    rule: time(() => {
      sheet.insertRule('.x { color: blue; }', 1);
      sheet.deleteRule(1);
    }) / 2,
    declaration: time((i) => rule.style.setProperty('color', i & 1 ? 'red' : 'blue')),
  };
  await new Promise((r) => setTimeout(r, 50));
  stop();
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const results = Object.fromEntries(IMPLS.map((i) => [i, []]));
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const impl of IMPLS) {
      const page = await browser.newPage();
      await page.goto(`${origin}/cssom.html`);
      await page.waitForFunction(() => window.__bench && window.rrweb);
      results[impl].push(await page.evaluate(run, { impl, calls: CALLS }));
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`## CSSOM calls while recording (µs per call, median of ${REPS} fresh pages, ${CALLS} calls each; load ${os.loadavg()[0].toFixed(1)})`);
console.log('| Call | not recording | rewind | rrweb | rewind ÷ rrweb |');
console.log('|---|---:|---:|---:|---:|');
for (const [key, label] of [['inline', '`el.style.setProperty` (inline: no style event)'], ['rule', '`sheet.insertRule` / `deleteRule` (one StyleSheetRule each)'], ['declaration', '`rule.style.setProperty` (one StyleDeclaration)']]) {
  const m = Object.fromEntries(IMPLS.map((i) => [i, median(results[i].map((r) => r[key]))]));
  console.log(`| ${label} | ${m.none.toFixed(2)} | ${m.rewind.toFixed(2)} | ${m.rrweb.toFixed(2)} | ${(m.rewind / m.rrweb).toFixed(2)} |`);
}
