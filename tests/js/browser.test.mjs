// js/analyze.js in headless Chromium, loaded the way a site loads it: an ES module served over
// HTTP, the wasm fetched by the default init (relative to pkg/rewind.js, instantiateStreaming).
// Needs pkg/ (`npm run build:wasm`), /usr/bin/chromium and playwright-core; skips without the last two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const rrwebDir = new URL('../../fixtures/rrweb/', import.meta.url);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.html': 'text/html' };

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  // reported by the skip below
}

/** Serves the repo's js/ and pkg/, and the vendored rrweb fixtures under /rrweb/. */
function serve() {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const file = path === '/' ? null
      : path.startsWith('/rrweb/') ? new URL(path.slice('/rrweb/'.length), rrwebDir)
      : /^\/(js|pkg)\/[\w.-]+$/.test(path) ? new URL(path.slice(1), root) : undefined;
    try {
      const body = file === null ? '<!doctype html><title>rewind</title>' : await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('analyze, analyzeEvents and errors in Chromium match the native expected output', async (t) => {
  if (!chromium || !existsSync(CHROMIUM)) {
    t.skip(`needs playwright-core (npm ci) and Chromium at ${CHROMIUM}`);
    return;
  }
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  t.after(async () => {
    await browser.close();
    server.close();
  });
  const page = await browser.newPage();
  const consoleMessages = [];
  page.on('console', (m) => consoleMessages.push(m.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);

  const stems = ['input', 'selection', 'scroll', 'iframe', 'dialog-playback', 'shadow-dom'];
  const result = await page.evaluate(async (stems) => {
    const wasmRequests = () => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length;
    const m = await import('/js/analyze.js');
    const before = wasmRequests();
    const out = { before, json: {}, events: {}, gzip: {}, errors: [] };
    for (const stem of stems) {
      const text = await (await fetch(`/rrweb/${stem}.json`)).text();
      out.json[stem] = await m.analyzeToJson(text, stem);
      out.events[stem] = await m.analyzeEvents(JSON.parse(text), stem);
      const gz = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
      out.gzip[stem] = await m.analyzeToJson(gz, stem);
    }
    for (const bad of ['', '{"foo":1}', '[{"type":4']) {
      await m.analyze(bad).then(() => out.errors.push('resolved'), (e) => out.errors.push(`${e instanceof Error}: ${e.message}`));
    }
    out.after = wasmRequests();
    out.version = await m.version();
    return out;
  }, stems);

  assert.equal(result.before, 0, 'importing js/analyze.js fetched the wasm');
  assert.equal(result.after, 1, 'the wasm is fetched once');
  for (const stem of stems) {
    const expected = (await readFile(new URL(`tests/expected/${stem}.json`, root), 'utf8')).trimEnd();
    assert.equal(result.json[stem], expected, `${stem}: text`);
    assert.equal(result.gzip[stem], expected, `${stem}: gzip made by the browser's CompressionStream`);
    const { summary_markdown, actions, redactions, warnings, ...session } = JSON.parse(expected);
    assert.deepEqual(result.events[stem], { session, actions, summaryMarkdown: summary_markdown, redactions, warnings }, `${stem}: events`);
  }
  assert.equal(result.errors[0], 'true: empty input: no rrweb events');
  assert.match(result.errors[1], /^true: unsupported format: /);
  assert.match(result.errors[2], /^true: invalid JSON: /);
  assert.equal(result.version, JSON.parse(await readFile(new URL('package.json', root), 'utf8')).version);
  assert.deepEqual(consoleMessages, [], 'console output (e.g. a wrong wasm MIME type warning)');
});
