// Delivery end to end: the SDK's wasm Transport in Chromium posting gzip batches to the real
// collector (`rewind serve`), which stores them and analyses the session. Covers the happy path,
// the final flush when the page goes away, and a collector outage with a reload in the middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, newPage, serve, skipReason, sleep, root, until } from './support.mjs';
import { KEYS, collectorSkipReason, read, startCollector, storedSeqs, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));
/** The outage of the issue ("stop the collector for 30 s mid-session"). */
const OUTAGE_MS = 30_000;

async function configure(page, config) {
  await page.addInitScript((c) => {
    window.REWIND_TEST = { ...c, ingest: c.ingest ?? location.origin };
  }, config);
}

async function recording(page) {
  await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
  return page.evaluate(() => window.rewind.sessionId());
}

const actionsText = (analysis) => JSON.stringify(analysis);
/** Genuine clicks on the (masked) "Buy now" button in an analysis. */
const buyClicks = (analysis) =>
  analysis.actions.filter((a) => a.action === 'click' && a.metadata?.interaction === 'click' && /^button/.test(a.target_desc))
    .length;

test('batches reach the collector, are listed and analyse to the scripted actions', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  await configure(page, { key: KEYS.public, delivery: { batchIntervalMs: 300 } });
  await page.goto(`${collector.origin}/deliver.html?token=secret-query#frag`);
  const sessionId = await recording(page);
  await page.fill('#name', 'Ada Lovelace');
  await page.click('#buy');
  await page.click('#buy');
  // The 300 ms batch timer may already have delivered everything, so flush() can find nothing
  // left to send: what must hold is that nothing failed and nothing is left behind.
  const result = await page.evaluate(() => window.rewind.flush());
  assert.equal(result.failed, 0, JSON.stringify(result));
  const stats = await page.evaluate(() => window.rewind.deliveryStats());
  assert.ok(stats.batchesSent >= 1, JSON.stringify(stats));
  assert.equal(stats.batchesFailed, 0);
  assert.equal(stats.queuedBatches, 0);
  assert.equal(stats.pendingEvents, 0);

  const list = await read(collector.origin, '/v1/sessions');
  const row = list.sessions.find((s) => s.session_id === sessionId);
  assert.ok(row, `session ${sessionId} listed: ${JSON.stringify(list)}`);
  assert.equal(row.app_id, 'e2e-delivery');
  assert.ok(row.entry_url.endsWith('/deliver.html'), `query and hash stripped: ${row.entry_url}`);
  const seqs = await storedSeqs(collector.dataDir, sessionId);
  assert.deepEqual(seqs, [...seqs.keys()], 'seq 0..n, each once');

  const analysis = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
  const text = actionsText(analysis);
  assert.equal(buyClicks(analysis), 2, 'the clicks on the button');
  assert.ok(analysis.actions.some((a) => a.action === 'input'), 'the typing');
  assert.doesNotMatch(text, /Ada Lovelace/, 'input values are masked');
  assert.deepEqual(page.errors, []);
});

test('the final events arrive when the page goes away (cross-origin, keepalive)', { skip }, async (t) => {
  const server = await serve();
  const collector = await startCollector({ cors: [server.origin] });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    server.close();
  });
  const page = await newPage(browser);
  // The default 5 s interval: nothing is sent before the page goes away.
  await configure(page, { key: KEYS.public, ingest: collector.origin });
  await page.goto(`${server.origin}/pages/deliver.html`);
  const sessionId = await recording(page);
  await page.fill('#name', 'x');
  await page.click('#buy');
  await page.goto(`${server.origin}/pages/list.html`);
  const analysis = await until(async () => {
    const a = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
    return buyClicks(a) === 1 && a;
  }, 10_000, 'the click recorded just before leaving');
  assert.ok(analysis);
  assert.deepEqual(page.errors, []);
});

test('a 30 s collector outage with a reload in the middle loses nothing', { skip, timeout: 180_000 }, async (t) => {
  const server = await serve();
  let collector = await startCollector({ cors: [server.origin] });
  const { dataDir, addr } = collector;
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    server.close();
  });
  const page = await newPage(browser);
  await configure(page, { key: KEYS.public, ingest: collector.origin, delivery: { batchIntervalMs: 300 } });
  await page.goto(`${server.origin}/pages/deliver.html`);
  const sessionId = await recording(page);
  await page.click('#buy');
  await until(async () => (await storedSeqs(dataDir, sessionId)).length > 0, 10_000, 'a first batch');

  await collector.stop();
  const down = Date.now();
  await page.click('#buy');
  await page.fill('#name', 'during the outage');
  await sleep(1_500);
  const failing = await page.evaluate(() => window.rewind.deliveryStats());
  assert.ok(failing.batchesRetried >= 1 && failing.queuedBatches >= 1, JSON.stringify(failing));

  await page.reload(); // mid-outage: unsent batches must survive in sessionStorage
  assert.equal(await recording(page), sessionId, 'the reload continues the session');
  await page.click('#buy');
  await page.evaluate(() => document.getElementById('buy').setAttribute('data-after', 'reload'));
  await sleep(1_000);
  const lastSeq = await page.evaluate(() => Number(sessionStorage.getItem('rewind:session').split(' ')[3]) - 1);

  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));
  collector = await startCollector({ addr, dataDir, cors: [server.origin] });
  const seqs = await until(async () => {
    const s = await storedSeqs(dataDir, sessionId);
    return s.length >= lastSeq + 1 && s;
  }, 90_000, `seq 0..${lastSeq} after the outage`);
  assert.deepEqual(seqs, [...Array(seqs.length).keys()], 'every seq from 0 stored exactly once');
  const analysis = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
  assert.equal(buyClicks(analysis), 3, 'the clicks before, during and after the reload');
  const session = await read(collector.origin, `/v1/sessions/${sessionId}`);
  assert.equal(session.missing_batches ?? 0, 0, 'no gap reported');
  assert.deepEqual(page.errors, []);
});

test('refused batches are dropped and counted; a full buffer thins and re-snapshots', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  // A wrong key: 401 is not retried, the batch is dropped, nothing is stored.
  const page = await newPage(browser);
  await configure(page, { key: 'pk_not_a_real_key_000000', delivery: { batchIntervalMs: 200 } });
  await page.goto(`${collector.origin}/deliver.html`);
  const sessionId = await recording(page);
  await page.click('#buy');
  const result = await page.evaluate(() => window.rewind.flush());
  assert.equal(result.sent, 0, JSON.stringify(result));
  // The 200 ms batch timer may have sent (and lost) the click's batch before flush() ran, so
  // flush can find nothing pending: count on the stats, not on what flush saw.
  const stats = await until(async () => {
    const s = await page.evaluate(() => window.rewind.deliveryStats());
    return s.batchesFailed >= 1 && s;
  }, 10_000, 'the refused batch');
  assert.equal(stats.lastFailure, 'http_401');
  assert.deepEqual(stats.droppedByReason, { http_401: stats.batchesFailed }, 'the reason is counted');
  assert.equal(stats.batchesRetried, 0, '401 is final');
  assert.deepEqual(await storedSeqs(collector.dataDir, sessionId), []);

  // Nothing listening: every batch waits; a 3 KB buffer overflows, drops the oldest incremental
  // events and asks the recorder for a new FullSnapshot.
  const offline = await newPage(browser);
  await configure(offline, {
    key: KEYS.public,
    ingest: 'http://127.0.0.1:9', // discard port: connection refused
    delivery: { batchIntervalMs: 100, bufferMaxBytes: 3_000 },
  });
  await offline.goto(`${collector.origin}/deliver.html`);
  await recording(offline);
  const snapshotsBefore = await offline.evaluate(() => window.rewind.stats().snapshots);
  for (let i = 0; i < 20; i++) {
    await offline.mouse.move(50 + i * 10, 50 + i * 5);
    await offline.click('#buy');
  }
  await until(async () => {
    const s = await offline.evaluate(() => window.rewind.deliveryStats());
    return s.overflowEventsDropped > 0 && s;
  }, 10_000, 'overflow drops');
  await until(
    async () => (await offline.evaluate(() => window.rewind.stats().snapshots)) > snapshotsBefore,
    5_000,
    'a new FullSnapshot after the drop',
  );
  // More activity while still unreachable: more overflows, but no further FullSnapshot until
  // a batch gets through (snapshots are never thinned, so one per overflow would pile up).
  const snapshotsAfter = await offline.evaluate(() => window.rewind.stats().snapshots);
  for (let i = 0; i < 20; i++) await offline.click('#buy');
  await sleep(500);
  assert.equal(await offline.evaluate(() => window.rewind.stats().snapshots), snapshotsAfter, 'one re-snapshot per outage');
  const s = await offline.evaluate(() => window.rewind.deliveryStats());
  // The limit, plus what is never thinned: the FullSnapshot from before the outage and the
  // one taken after the first overflow (about 1 KB each on this page; seen at 4.1 KB in all).
  assert.ok(s.bufferedBytes <= 3_000 + 2 * 32 * 1024, `bounded: ${s.bufferedBytes}`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offline.errors, []);
});

test('after 30 min without activity a new session starts with Meta + FullSnapshot', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  await page.clock.install();
  await configure(page, { key: KEYS.public, delivery: { batchIntervalMs: 200 } });
  await page.goto(`${collector.origin}/deliver.html`);
  const first = await recording(page);
  await page.click('#buy');
  await page.clock.fastForward('31:00');
  await page.click('#buy');
  await page.clock.runFor(1_000);
  const second = await page.evaluate(() => window.rewind.sessionId());
  assert.notEqual(second, first, 'a new session id');
  await page.evaluate(() => window.rewind.flush());
  const session = await until(async () => {
    const s = await read(collector.origin, `/v1/sessions/${second}`);
    return s.events?.length >= 2 && s;
  }, 10_000, 'the new session stored');
  assert.deepEqual(session.events.slice(0, 2).map((e) => e.type), [4, 2], 'Meta then FullSnapshot first');
  assert.deepEqual(await storedSeqs(collector.dataDir, second), [...(await storedSeqs(collector.dataDir, second)).keys()]);
  assert.equal((await storedSeqs(collector.dataDir, second))[0], 0, 'seq restarts at 0');
  assert.deepEqual(page.errors, []);
});

test('offline batches wait, and go out as soon as the browser is back online', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  await configure(page, { key: KEYS.public, delivery: { batchIntervalMs: 200 } });
  await page.goto(`${collector.origin}/deliver.html`);
  const sessionId = await recording(page);
  await page.evaluate(() => window.rewind.flush());
  await page.context().setOffline(true);
  for (let i = 0; i < 4; i++) {
    await page.click('#buy');
    await sleep(700); // several failed attempts: the backoff grows past the test's wait below
  }
  const offline = await page.evaluate(() => window.rewind.deliveryStats());
  assert.ok(offline.batchesRetried >= 2 && offline.queuedBatches >= 1, JSON.stringify(offline));
  const back = Date.now();
  await page.context().setOffline(false); // fires `online`
  await until(async () => {
    const s = await page.evaluate(() => window.rewind.deliveryStats());
    return s.queuedBatches === 0 && s.pendingEvents === 0;
  }, 1_500, 'the queue drained on `online`, before any backoff timer');
  assert.ok(Date.now() - back < 1_500);
  const analysis = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
  assert.equal(buyClicks(analysis), 4);
  assert.deepEqual(page.errors, []);
});
