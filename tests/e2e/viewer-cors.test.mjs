// A viewer embedded in a page of another origin, reading a collector's sessions across origins
// (`rewind serve --read-cors-origin`): the allowed origin lists and plays a session; a page on
// an origin the collector does not list gets no session and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { browserSkipReason, launch, newPage, root } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, startCollector } from './collector.mjs';

const skip = browserSkipReason() ?? collectorSkipReason()
  ?? (existsSync(new URL('pkg/rewind_bg.wasm', root)) ? false : 'pkg/rewind_bg.wasm missing: run `npm run build:wasm-analyze`');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.html': 'text/html' };

/**
 * An app of its own on another loopback port: its page mounts the viewer (its own copy of
 * www/, js/ and pkg/, as an app bundling the package would) against `collector()`, the
 * collector's origin when the page is asked for.
 */
function hostApp(collector, { viewerFromCollector = false } = {}) {
  // `viewerFromCollector`: the page imports the viewer (and so the player and the wasm) from
  // the collector itself instead of serving a copy.
  const base = () => (viewerFromCollector ? collector() : '');
  const page = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Admin</title>
<link rel="stylesheet" href="${base()}/viewer.css"></head><body style="margin:0">
<main id="host" style="height:100vh"></main>
<script type="module">
  import { mountViewer } from '${base()}/viewer.js';
  mountViewer(document.getElementById('host'), { source: { collector: { baseUrl: ${JSON.stringify(collector())} } } });
</script></body></html>`;
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let file;
    let m;
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page());
    if ((m = /^\/(js|pkg)\/((?:viewer\/)?[\w.-]+)$/.exec(path))) file = new URL(`${m[1]}/${m[2]}`, root);
    else if ((m = /^\/([\w.-]+\.(?:js|css))$/.exec(path))) file = new URL(`www/${m[1]}`, root);
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.origin = `http://127.0.0.1:${server.address().port}`;
    resolve(server);
  }));
}

async function connect(page, origin) {
  await page.goto(`${origin}/`);
  await page.getByLabel('Read key').fill(KEYS.read);
  await page.getByRole('button', { name: 'Connect' }).click();
}

test('a viewer on another origin lists and plays sessions only when the collector allows it', { skip, timeout: 60_000 }, async (t) => {
  // The apps first: the collector is started with the allowed app's origin.
  let collector;
  const allowed = await hostApp(() => collector.origin);
  const refused = await hostApp(() => collector.origin);
  const embedded = await hostApp(() => collector.origin, { viewerFromCollector: true });
  collector = await startCollector({ extra: ['--read-cors-origin', allowed.origin, '--read-cors-origin', embedded.origin] });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    allowed.close();
    refused.close();
    embedded.close();
  });
  const id = crypto.randomUUID();
  const events = JSON.parse(readFileSync(new URL('fixtures/dead-button.json', root), 'utf8'));
  assert.equal(await ingest(collector.origin, { session_id: id, distinct_id: 'ada.l', events }), 200);

  // Allowed: the list, then the session's analysis and its replay, all read across origins.
  const page = await newPage(browser);
  const reads = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`${collector.origin}/v1/`)) reads.push([r.request().method(), r.url().slice(collector.origin.length), r.status()]);
  });
  await connect(page, allowed.origin);
  const row = page.locator(`.rw-list [data-key="c:${id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.rw-row__meta span').first().textContent(), 'ada.l');
  await row.click();
  await page.locator('.rw-session .rw-actions [role=option]').first().waitFor();
  await page.locator('.player-slot__screen.has-player iframe').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('.player-slot__screen iframe')?.contentDocument?.body?.textContent.includes('Apply coupon'));
  const paths = reads.filter(([method, , status]) => method === 'GET' && status === 200).map(([, path]) => path.split('?')[0]);
  assert.deepEqual([...new Set(paths)].sort(), ['/v1/sessions', `/v1/sessions/${id}`, `/v1/sessions/${id}/analysis`]);
  assert.deepEqual(page.errors, []);

  // Refused: the browser withholds every answer; the viewer says what to do and keeps the key
  // (the key is not the problem).
  const other = await newPage(browser);
  await connect(other, refused.origin);
  const note = other.locator('.rw-list-alert', { hasText: 'Collector unreachable' });
  await note.waitFor();
  assert.match(await note.textContent(), /--read-cors-origin/);
  assert.equal(await other.locator('.rw-list [role=option]').count(), 0);
  assert.equal(await other.getByLabel('Read key').isVisible(), false, 'not sent back to the key form');

  // The viewer imported straight from the collector (its static files are public to every
  // origin): lists, analyses and plays; the app serves nothing of rewind's.
  const third = await newPage(browser);
  await connect(third, embedded.origin);
  const row3 = third.locator(`.rw-list [data-key="c:${id}"]`);
  await row3.waitFor();
  await row3.click();
  await third.locator('.rw-session .rw-actions [role=option]').first().waitFor();
  await third.waitForFunction(() => document.querySelector('.player-slot__screen iframe')?.contentDocument?.body?.textContent.includes('Apply coupon'));
  assert.deepEqual(third.errors, []);
});
