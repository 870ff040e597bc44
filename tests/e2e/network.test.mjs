// Network capture end to end (`capture.network`): a page doing fetch and XHR to a local server
// (success, 402, 500, network failure) while recording with the real wasm Recorder and
// delivering to the real collector. Checks the rrweb/network@1 events (metadata, headers and
// bodies only on the allow-list, no authorization/cookie, redacted bodies, no ingest request),
// that nothing is captured with the option off, that stop() puts fetch/XHR back, and that the
// collector's analysis of the session shows the failures as network_error actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { launch, newPage, skipReason, root, until } from './support.mjs';
import { KEYS, collectorSkipReason, read, startCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const NETWORK_PLUGIN = 'rrweb/network@1';

/** The page, the SDK and a small API on one origin; every API request is logged. */
function apiServer() {
  const hits = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let body = '';
    for await (const chunk of req) body += chunk;
    hits.push({ method: req.method, path, body });
    const json = (status, value, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    let m;
    if (path === '/api/detail/pay') {
      return json(402, { error: 'card declined', contact: 'billing@shop.test' }, {
        'set-cookie': 'sid=abc; Path=/', 'x-request-id': 'req-1', 'x-secret-token': 'should-not-appear',
      });
    }
    if (path === '/api/detail/ok') return json(200, { ok: true });
    if (path === '/api/detail/xhr') return json(500, { error: 'boom', echo: body });
    if (path === '/api/plain/ok') return json(200, { user: 'grace@example.com' }, { 'x-request-id': 'req-2' });
    if (path === '/api/detail/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<p>not recorded</p>');
    }
    let file;
    if ((m = /^\/(js|pkg-record)\/([\w.-]+)$/.exec(path))) file = new URL(`${m[1]}/${m[2]}`, root);
    else if ((m = /^\/pages\/([\w.-]+)$/.exec(path))) file = new URL(`tests/e2e/pages/${m[1]}`, root);
    try {
      if (!file) throw new Error('not found');
      const type = { js: 'text/javascript', html: 'text/html', wasm: 'application/wasm' }[path.split('.').pop()];
      res.writeHead(200, { 'content-type': type ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      server.origin = `http://127.0.0.1:${server.address().port}`;
      server.hits = hits;
      resolve(server);
    }),
  );
}

async function setupAll(t) {
  const server = await apiServer();
  const collector = await startCollector({ cors: [server.origin] });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    server.close();
  });
  return { server, collector, browser };
}

const networkEvents = (events) => events.filter((e) => e.type === 6 && e.data?.plugin === NETWORK_PLUGIN);
const requestsOf = (events) => networkEvents(events).flatMap((e) => e.data.payload.requests);

async function start(page, server, options) {
  await page.goto(`${server.origin}/pages/network.html`);
  await page.waitForFunction(() => window.__ready && window.__traffic);
  await page.evaluate((o) => window.__init(o), options);
  // Nothing before consent: fetch and XHR are the browser's own until optIn().
  assert.equal(await page.evaluate(() => fetch('/api/detail/ok').then(() => window.fetch === window.__original.fetch
    && XMLHttpRequest.prototype.send === window.__original.send)), true, 'not wrapped before consent');
  assert.ok(!page.requests.includes('/js/network.js'), 'the network chunk is not loaded before consent');
  assert.equal(await page.evaluate(() => window.rw.optIn()), true, page.logs.join('\n'));
}

test('fetch and XHR are recorded as rrweb/network@1, details only on the allow-list', { skip }, async (t) => {
  const { server, collector, browser } = await setupAll(t);
  const page = await newPage(browser);
  await start(page, server, {
    ingestBaseUrl: collector.origin,
    publicKey: KEYS.public,
    appId: 'e2e-network',
    delivery: { batchIntervalMs: 200 },
    capture: { network: { allowUrls: ['/api/detail/'] } },
  });
  assert.notEqual(await page.evaluate(() => window.fetch === window.__original.fetch), true, 'fetch wrapped');
  await page.click('#pay');
  await until(() => page.evaluate(() => document.getElementById('status').textContent === 'payment 402'), 5_000, 'payment');
  const statuses = await page.evaluate(() => window.__traffic());
  assert.deepEqual(statuses, [200, 200, 200, 500, 0, 0], 'the page sees its own responses unchanged');
  const events = await until(async () => {
    const all = await page.evaluate(() => window.__collect());
    return requestsOf(all).length >= 7 ? all : null;
  }, 10_000, 'seven network requests recorded');
  // Delivery ran meanwhile, through the wrapped fetch.
  await until(async () => (await page.evaluate(() => window.rw.deliveryStats())).batchesSent >= 1, 10_000, 'a batch sent');

  const requests = requestsOf(await page.evaluate(() => window.__collect()));
  const text = JSON.stringify(requests);
  assert.ok(!requests.some((r) => r.name.startsWith(collector.origin)), `no ingest request recorded: ${text}`);
  assert.equal(requests.length, 7, text);
  const byName = (suffix, method) => {
    const r = requests.find((x) => x.name.endsWith(suffix) && (!method || x.method === method));
    assert.ok(r, `${suffix} recorded: ${text}`);
    return r;
  };

  const pay = byName('/api/detail/pay', 'POST');
  assert.equal(pay.name, `${server.origin}/api/detail/pay`, 'query stripped by the privacy URL rules');
  assert.equal(pay.initiatorType, 'fetch');
  assert.equal(pay.status, 402);
  assert.ok(pay.startTime > 0 && pay.endTime >= pay.startTime && pay.duration >= 0, JSON.stringify(pay));
  assert.ok(pay.encodedBodySize > 0, `sizes from PerformanceResourceTiming: ${JSON.stringify(pay)}`);
  assert.equal(pay.requestHeaders['content-type'], 'application/json');
  assert.equal(pay.requestHeaders.authorization, undefined);
  assert.equal(pay.requestHeaders['x-trace'], '[REDACTED:email]');
  assert.equal(pay.responseHeaders['x-request-id'], 'req-1');
  assert.equal(pay.responseHeaders['x-secret-token'], '[REDACTED:secret]');
  assert.equal(pay.responseHeaders['set-cookie'], undefined);
  assert.match(pay.requestBody, /"amount":12/);
  assert.doesNotMatch(pay.requestBody, /ada@example|hunter2/);
  assert.equal(pay.responseBody, '{"error":"card declined","contact":"[REDACTED:email]"}');

  const xhr = byName('/api/detail/xhr');
  assert.equal(xhr.initiatorType, 'xmlhttprequest');
  assert.equal(xhr.status, 500);
  assert.equal(xhr.method, 'POST');
  assert.equal(xhr.requestHeaders.authorization, undefined, 'set with another case, still dropped');
  assert.doesNotMatch(xhr.requestBody, /7946/);
  assert.match(xhr.responseBody, /"error":"boom"/);
  assert.doesNotMatch(xhr.responseBody, /7946/);

  const ok = byName('/api/detail/ok');
  assert.equal(ok.status, 200);
  assert.equal(ok.responseBody, '{"ok":true}');
  const html = byName('/api/detail/html');
  assert.ok(html.responseHeaders && html.responseBody === undefined, `text/html is not on the body list: ${JSON.stringify(html)}`);

  const plain = byName('/api/plain/ok');
  assert.equal(plain.status, 200);
  for (const key of ['requestHeaders', 'responseHeaders', 'requestBody', 'responseBody']) {
    assert.equal(plain[key], undefined, `${key} of a URL not on the allow-list`);
  }
  assert.ok(!text.includes('grace@example.com') && !text.includes('s3cr3t') && !text.includes('dXNlcjpwYXNz'), text);

  const xhrDown = byName('/xhr-down');
  assert.deepEqual([xhrDown.status, xhrDown.initiatorType, xhrDown.method], [0, 'xmlhttprequest', 'GET']);
  const fetchDown = byName('/fetch-down');
  assert.deepEqual([fetchDown.status, fetchDown.initiatorType], [0, 'fetch']);

  assert.ok(!text.includes('sid=abc'), 'no cookie recorded');
  assert.ok(page.requests.includes('/js/network.js'), 'the network chunk was loaded');

  // The collector analyses the delivered session: the failures are network_error actions.
  const sessionId = await page.evaluate(() => window.rw.sessionId());
  await page.evaluate(() => window.rw.stop());
  assert.equal(await page.evaluate(() => window.fetch === window.__original.fetch), true, 'fetch restored on stop');
  assert.equal(await page.evaluate(() => XMLHttpRequest.prototype.open === window.__original.open
    && XMLHttpRequest.prototype.send === window.__original.send), true, 'XHR restored on stop');
  const analysis = await until(async () => {
    const a = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`).catch(() => null);
    return a?.actions?.filter((x) => x.action === 'network_error').length >= 4 ? a : null;
  }, 15_000, 'analysis with the network errors');
  const failures = analysis.actions.filter((x) => x.action === 'network_error').map((x) => x.description);
  assert.deepEqual(failures.sort(), [
    'Request GET http://127.0.0.1:1/fetch-down failed: network error',
    'Request GET http://127.0.0.1:1/xhr-down failed: network error',
    'Request POST /api/detail/pay failed: 402',
    'Request POST /api/detail/xhr failed: 500',
  ]);
  assert.deepEqual(page.errors, []);
  // The hits the server saw are the page's own requests, unchanged by capture.
  const pays = server.hits.filter((h) => h.path === '/api/detail/pay');
  assert.equal(pays.length, 1);
  assert.match(pays[0].body, /hunter2/, 'the request body reaches the server untouched');
});

test('with capture.network off, nothing is wrapped or recorded', { skip }, async (t) => {
  const { server, collector, browser } = await setupAll(t);
  const page = await newPage(browser);
  await start(page, server, { ingestBaseUrl: collector.origin, publicKey: KEYS.public, delivery: { batchIntervalMs: 200 } });
  assert.equal(await page.evaluate(() => window.fetch === window.__original.fetch), true);
  await page.click('#pay');
  await page.evaluate(() => window.__traffic());
  await until(async () => (await page.evaluate(() => window.rw.deliveryStats())).batchesSent >= 1, 10_000, 'a batch sent');
  const events = await page.evaluate(() => window.__collect());
  assert.ok(events.length > 0);
  assert.deepEqual(networkEvents(events), []);
  assert.ok(!page.requests.includes('/js/network.js'), 'the network chunk is not loaded');
  assert.deepEqual(page.errors, []);
});
