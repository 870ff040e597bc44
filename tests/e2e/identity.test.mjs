// Ids and what optOut() forgets, end to end with the real collector:
// `identify('zelda@example.org')` must not reach the collector raw — not in the POST bodies, the
// stored batches, `index/<id>.json` or any answer of its GET routes — neither redacted (the default) nor
// hashed (`identity: {hash, salt}`); and unsent batches an earlier page of the tab left in
// sessionStorage are purged by optOut() on a page where no recorder runs, so a later optIn()
// never sends them under the old session id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { launch, newPage, serve, skipReason, sleep, root, until } from './support.mjs';
import { KEYS, collectorSkipReason, read, readEverything, startCollector, storedFiles, storedSeqs, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));
const SECRET = 'zelda@example.org';

/** The forms of a secret a leak may take: itself, percent-encoded, and every 6-character piece. */
function needles(secret) {
  const out = new Set([secret, encodeURIComponent(secret)]);
  for (let i = 0; i + 6 <= secret.length; i++) out.add(secret.slice(i, i + 6));
  return [...out];
}

/** Asserts no form of `secret` is in `text` (named `where`). */
function assertAbsent(text, secret, where) {
  const lower = text.toLowerCase();
  for (const needle of needles(secret)) {
    assert.ok(!lower.includes(needle.toLowerCase()), `${JSON.stringify(needle)} (from the secret) found in ${where}`);
  }
}

/** Captures the decompressed bodies of the page's POSTs to /v1/ingest. */
function captureBodies(page) {
  const bodies = [];
  page.on('request', (r) => {
    if (r.method() !== 'POST' || !r.url().endsWith('/v1/ingest')) return;
    const body = r.postDataBuffer();
    if (body) bodies.push(gunzipSync(body).toString('utf8'));
  });
  return bodies;
}

async function configure(page, config) {
  await page.addInitScript((c) => {
    window.REWIND_TEST = { ...c, ingest: c.ingest ?? location.origin };
  }, config);
}

async function recording(page) {
  await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
  return page.evaluate(() => window.rewind.sessionId());
}

/** Records a session that calls identify(SECRET), flushes, and returns what the collector and the wire hold. */
async function identifiedSession(browser, collector, config) {
  const page = await newPage(browser);
  const bodies = captureBodies(page);
  await configure(page, { key: KEYS.public, delivery: { batchIntervalMs: 300 }, identify: SECRET, ...config });
  await page.goto(`${collector.origin}/deliver.html`);
  const sessionId = await recording(page);
  await page.click('#buy');
  await until(async () => {
    await page.evaluate(() => window.rewind.flush());
    return bodies.some((b) => b.includes('rewind.identify')) && bodies.some((b) => b.includes('"distinct_id"'));
  }, 10_000, 'a batch with the identify event and a distinct_id');
  await page.evaluate(() => window.rewind.stop());
  const list = await read(collector.origin, '/v1/sessions');
  const row = list.sessions.find((s) => s.session_id === sessionId);
  assert.ok(row, `session listed: ${JSON.stringify(list)}`);
  const detail = await read(collector.origin, `/v1/sessions/${sessionId}`).catch(() => null);
  const files = await storedFiles(collector.dataDir);
  assert.ok(files.some(([p]) => p.includes(`${sessionId}`) && /\d+\.json\.gz$/.test(p)), 'batches stored');
  assert.ok(files.some(([p]) => /index/.test(p)), `an index file: ${files.map(([p]) => p).join(', ')}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  return { sessionId, bodies, list, row, detail, files };
}

test('identify(email): the envelope distinct_id is redacted like the identify event', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const { bodies, list, row, detail, files } = await identifiedSession(browser, collector, {});
  const envelopes = bodies.map((b) => JSON.parse(b));
  const identified = envelopes.filter((e) => 'distinct_id' in e);
  assert.ok(identified.length >= 1);
  for (const e of identified) assert.equal(e.distinct_id, '[REDACTED:email]');
  const event = envelopes.flatMap((e) => e.events).find((e) => e.data?.tag === 'rewind.identify');
  assert.equal(event.data.payload.userId, '[REDACTED:email]', 'the event and the envelope agree');
  assert.equal(row.distinct_id ?? null, '[REDACTED:email]');
  bodies.forEach((b, i) => assertAbsent(b, SECRET, `POST body ${i}`));
  for (const [path, text] of files) assertAbsent(text, SECRET, path);
  assertAbsent(JSON.stringify(list), SECRET, 'GET /v1/sessions');
  for (const [path, status, text] of await readEverything(collector.origin)) {
    assert.equal(status, 200, `GET ${path}`);
    assertAbsent(text, SECRET, `GET ${path}`);
  }
  if (detail) assertAbsent(JSON.stringify(detail), SECRET, 'GET /v1/sessions/<id>');
});

test('identity: {hash, salt} sends the salted SHA-256 of the id in the event and the envelope', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const salt = 'app-salt-1';
  const { bodies, list, row, files } = await identifiedSession(browser, collector, { identity: { hash: true, salt } });
  const expected = createHash('sha256').update(salt + SECRET).digest('hex');
  const envelopes = bodies.map((b) => JSON.parse(b));
  for (const e of envelopes.filter((e) => 'distinct_id' in e)) assert.equal(e.distinct_id, expected);
  const event = envelopes.flatMap((e) => e.events).find((e) => e.data?.tag === 'rewind.identify');
  assert.equal(event.data.payload.userId, expected);
  assert.equal(row.distinct_id, expected, 'the listing shows the pseudonym');
  bodies.forEach((b, i) => assertAbsent(b, SECRET, `POST body ${i}`));
  for (const [path, text] of files) assertAbsent(text, SECRET, path);
  assertAbsent(JSON.stringify(list), SECRET, 'GET /v1/sessions');
  for (const [path, status, text] of await readEverything(collector.origin)) {
    assert.equal(status, 200, `GET ${path}`);
    assertAbsent(text, SECRET, `GET ${path}`);
  }
});

test('optOut() on a page with no recorder purges the batches an earlier page left; optIn() starts afresh', { skip, timeout: 120_000 }, async (t) => {
  // Page A records while the collector is down (its batches wait in sessionStorage); page B, in
  // the same tab, has no recorder running (consent deferred) and opts out. The pages come from
  // their own server, the collector is cross-origin (as in delivery.test.mjs).
  const server = await serve();
  let collector = await startCollector({ cors: [server.origin] });
  const { dataDir, addr, origin } = collector;
  await collector.stop();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    server.close();
  });
  const page = await newPage(browser);
  await configure(page, { key: KEYS.public, ingest: origin, delivery: { batchIntervalMs: 200 }, identify: SECRET });
  await page.goto(`${server.origin}/pages/deliver.html`);
  const oldSession = await recording(page);
  for (let i = 0; i < 3; i++) {
    await page.click('#buy');
    await sleep(300);
  }
  await until(async () => (await page.evaluate(() => window.rewind.deliveryStats())).queuedBatches >= 1, 10_000, 'batches queued during the outage');

  // Page B: no recorder (consent deferred). What page A left is still there...
  await page.addInitScript(() => {
    window.REWIND_TEST.consent = 'deferred';
  });
  await page.goto(`${server.origin}/pages/deliver.html`);
  await page.waitForFunction(() => window.rewind !== undefined);
  const left = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('rewind:')));
  assert.ok(left.some((k) => k.startsWith(`rewind:batch:${oldSession}:`)), `batches left by page A: ${left}`);
  assert.ok(left.includes('rewind:window'), `window id left by page A: ${left}`);
  assert.equal(await page.evaluate(() => window.rewind.isRecording()), false);

  // ...until optOut(), which forgets all of it with no recorder running.
  await page.evaluate(() => window.rewind.optOut());
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('rewind:'))), [], 'sessionStorage after optOut');

  // The collector is back; a later optIn() records a new session and never sends the old one.
  collector = await startCollector({ addr, dataDir, cors: [server.origin] });
  assert.equal(await page.evaluate(() => window.rewind.optIn({ source: 'banner' })), true);
  const newSession = await page.evaluate(() => window.rewind.sessionId());
  assert.notEqual(newSession, oldSession, 'a new session id after optOut');
  await page.click('#buy');
  const flushed = await page.evaluate(() => window.rewind.flush());
  assert.equal(flushed.failed, 0);
  await until(async () => (await storedSeqs(dataDir, newSession)).length > 0, 10_000, 'the new session stored');
  await sleep(500);
  assert.deepEqual(await storedSeqs(dataDir, oldSession), [], 'nothing of the old session reached the collector');
  const list = await read(collector.origin, '/v1/sessions');
  assert.ok(!list.sessions.some((s) => s.session_id === oldSession), 'the old session is not listed');
  for (const [path, text] of await storedFiles(dataDir)) assertAbsent(text, SECRET, path);

  // With a recorder running, optOut() forgets the session and the window id too. (A session sent
  // in full stores no sampling decision: only the opt-in buffering chunk keeps one.)
  const stored = () => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('rewind:')).sort());
  assert.deepEqual(await stored(), ['rewind:session', 'rewind:window']);
  await page.evaluate(() => window.rewind.optOut());
  assert.deepEqual(await stored(), [], 'sessionStorage after optOut while recording');
  assert.deepEqual(page.errors, []);
});
