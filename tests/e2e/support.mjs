// Shared helpers of the end-to-end tests (not a test file): a static server for the repo's js/,
// pkg/, the e2e pages, rrweb's dist and an optional build dir; Chromium via playwright-core; and
// which recorder implementations can run.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';

export const root = new URL('../../', import.meta.url);
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.map': 'application/json', '.ttf': 'font/ttf',
};

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  // reported by browserSkipReason()
}

/** Why browser tests cannot run here, or null. */
export function browserSkipReason() {
  if (!chromium) return 'needs playwright-core (npm ci)';
  if (!existsSync(CHROMIUM)) return `needs Chromium at ${CHROMIUM}`;
  return null;
}

/** Why the real wasm Recorder cannot run, or null (it needs `npm run build:wasm` with src/record). */
export function realRecorderSkipReason() {
  const file = new URL('pkg-record/rewind_record.js', root);
  if (!existsSync(file)) return 'pkg-record/rewind_record.js missing: run `npm run build:wasm`';
  if (!/class Recorder\b/.test(readFileSync(file, 'utf8'))) {
    return 'the wasm Recorder is not in pkg-record/rewind_record.js yet (src/record bindings not built): run `npm run build:wasm`';
  }
  return null;
}

/**
 * The recorder implementations a test runs against: "real" (the wasm Recorder) and "fake" (the
 * private `_recorderFactory` hook backed by the real rrweb.record — it exercises the JS layer and
 * proves the harness; see pages/fake-recorder.js).
 */
export const IMPLS = ['fake', 'real'];

export function skipReason(impl) {
  return browserSkipReason() ?? (impl === 'real' ? realRecorderSkipReason() : null);
}

/**
 * Serves `/js/*` (and `/js/viewer/*`), `/pkg/*` and `/pkg-record/*` from the repo, `/pages/*` from tests/e2e/pages, `/rrweb/*` from
 * node_modules/rrweb/dist, `/build/*` from `buildDir` (when given). Records every request path.
 */
export function serve({ buildDir } = {}) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requests.push(path);
    let file;
    let m;
    if ((m = /^\/(js|pkg|pkg-record)\/((?:viewer\/)?[\w.-]+)$/.exec(path))) file = new URL(`${m[1]}/${m[2]}`, root);
    else if ((m = /^\/pages\/([\w.-]+)$/.exec(path))) file = new URL(`tests/e2e/pages/${m[1]}`, root);
    else if ((m = /^\/rrweb\/([\w.-]+)$/.exec(path))) file = new URL(`node_modules/rrweb/dist/${m[1]}`, root);
    else if (buildDir && (m = /^\/build\/([\w.-]+)$/.exec(path))) file = new URL(m[1], `file://${buildDir}/`);
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      server.origin = `http://127.0.0.1:${server.address().port}`;
      server.requests = requests;
      resolve(server);
    }),
  );
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser and a server for one test file; closed after the test `t` (or suite). */
export async function setup(t, serveOptions) {
  const server = await serve(serveOptions);
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    server.close();
  });
  return { server, browser };
}

/** A new page that fails the test on page errors and collects console messages. */
export async function newPage(browser, { gpc = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  if (gpc) {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }),
    );
  }
  const page = await context.newPage();
  page.errors = [];
  page.logs = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => page.logs.push(`${m.type()}: ${m.text()}`));
  page.requests = [];
  page.on('request', (r) => page.requests.push(new URL(r.url()).pathname));
  return page;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** rrweb EventType names for messages. */
export const TYPE = { DomContentLoaded: 0, Load: 1, FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5, Plugin: 6 };

/**
 * Polls `check` (async, truthy = done) until it passes or `ms` runs out; returns its value.
 * On timeout throws, naming `what` and the last value or error.
 */
export async function until(check, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 2000)}`);
}

/** rewind's player is built (`pkg/rewind.js` with the `Player` class: `npm run build:wasm`). */
export const playerReady = existsSync(new URL('pkg/rewind.js', root))
  && /class Player\b/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));

/**
 * Replays `events` to the end in rrweb's own Replayer and in rewind's player (when built), on a
 * fresh page with the script `probe`, which defines `window.__probe(document, ...probeArgs)`;
 * returns `{rrweb, rewind, errors}`: each replay's probe result (rewind's `null` when the player
 * is not built) and the page's errors. `replayerOptions` add to the Replayer's; `preloadMs` waits
 * before seeking (rrweb decodes canvas images ahead); `settleMs` waits after the seek (images,
 * fonts).
 */
export async function replayBoth(browser, origin, events, probe, { replayerOptions = {}, preloadMs = 0, settleMs = 50, probeArgs = [true] } = {}) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/replay.html`);
  await page.addScriptTag({ content: probe });
  const rrweb = await page.evaluate(async ({ events, replayerOptions, preloadMs, settleMs, probeArgs }) => {
    const replayer = new window.rrweb.Replayer(events, {
      root: document.getElementById('root'),
      showWarning: false,
      mouseTail: false,
      triggerFocus: false,
      ...replayerOptions,
    });
    if (preloadMs) await new Promise((r) => setTimeout(r, preloadMs));
    replayer.pause(replayer.getMetaData().totalTime + 1);
    await new Promise((r) => setTimeout(r, settleMs));
    const result = await window.__probe(replayer.iframe.contentDocument, ...probeArgs);
    replayer.destroy?.();
    return result;
  }, { events, replayerOptions, preloadMs, settleMs, probeArgs });
  let rewind = null;
  if (playerReady) {
    rewind = await page.evaluate(async ({ events, settleMs, probeArgs }) => {
      const { createPlayer } = await import('/js/player.js');
      const el = document.createElement('div');
      el.style.cssText = 'width:1000px;height:700px';
      document.body.append(el);
      const p = await createPlayer(el, events, { skipInactive: false });
      p.seek(p.duration());
      await new Promise((r) => setTimeout(r, settleMs));
      return window.__probe(p.frame.contentDocument, ...probeArgs);
    }, { events, settleMs, probeArgs });
  }
  const errors = page.errors;
  await page.context().close();
  return { rrweb, rewind, errors };
}

/**
 * What a page holds after two full garbage collections (CDP `HeapProfiler.collectGarbage`):
 * `heap`, the JS heap in use (`Runtime.getHeapUsage`, bytes); `nodes` and `documents`, live DOM
 * nodes and documents (`Memory.getDOMCounters`); `wasm`, the byte length of the linear memory
 * of `/pkg/rewind.js` (which never shrinks: freed memory is reused by the wasm allocator). For
 * player memory tests and the player benchmark; headless Chromium has no
 * `performance.measureUserAgentSpecificMemory`.
 */
export async function memoryCounters(page) {
  page.cdp ??= await page.context().newCDPSession(page);
  await page.cdp.send('HeapProfiler.collectGarbage');
  await page.cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await page.cdp.send('Runtime.getHeapUsage');
  const { nodes, documents } = await page.cdp.send('Memory.getDOMCounters');
  const wasm = await page.evaluate(async () => (await (await import('/pkg/rewind.js')).default()).memory.buffer.byteLength);
  return { heap: usedSize, nodes, documents, wasm };
}

const AXE = new URL('node_modules/axe-core/axe.min.js', root);

/**
 * axe-core's violations (Deque's rule engine: WCAG 2.x A and AA plus its best practices) on the
 * page as it is now, one `rule (impact): target — why` line each.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: readFileSync(AXE, 'utf8') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}
