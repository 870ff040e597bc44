// Error-triggered buffering end to end: the SDK in Chromium with
// `sampling: {session: 0, onError: …}` against the real collector. A buffering session makes no
// request at all (the page's requests and the collector's ingest byte counter both stay empty);
// a thrown error or `capture()` delivers a replayable session that starts at a Meta +
// FullSnapshot no more than 60 s before the trigger and goes on after it; under Playwright's
// clock, minutes of buffering are trimmed to a window that covers the last 60 s (at most ~120 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { newPage, skipReason, root, sleep, until, TYPE } from './support.mjs';
import { KEYS, collectorSkipReason, read, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));
/** BUFFER_WINDOW_MS in src/transport/buffer.rs. */
const WINDOW_MS = 60_000;

async function open(browser, origin, config, { random } = {}) {
  const page = await newPage(browser);
  await page.addInitScript(
    ({ c, random }) => {
      window.REWIND_TEST = { ...c, ingest: location.origin };
      // A fixed "random" number, to make a sampling roll come out one way.
      if (random !== undefined) Math.random = () => random;
    },
    { c: config, random },
  );
  await page.goto(`${origin}/deliver.html`);
  await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
  return page;
}

const ingestBytes = async (origin) => {
  // /metrics needs the read key (rewind serve --metrics-public would open it).
  const text = await (await fetch(`${origin}/metrics`, { headers: { 'X-Rewind-Key': KEYS.read } })).text();
  return Number(/^rewind_ingest_received_bytes_total (\d+)$/m.exec(text)[1]);
};
/**
 * The session's stored sampling mode (`{key}:sampling` = `{session_id} {s|b|w}`, see
 * src/transport/buffer.rs): sending, buffering, or withheld (the onError roll failed).
 */
const MODES = { s: 'sending', b: 'buffering', w: 'withheld' };
const mode = async (page) => {
  const [sid, m] = (await page.evaluate(() => sessionStorage.getItem('rewind:sampling')) ?? '').split(' ');
  assert.equal(sid, await page.evaluate(() => window.rewind.sessionId()), 'the decision is the session\'s');
  return MODES[m];
};
const ingestRequests = (page) => page.requests.filter((p) => p === '/v1/ingest');
const buyClicks = (analysis) =>
  analysis.actions.filter((a) => a.action === 'click' && a.metadata?.interaction === 'click' && /^button/.test(a.target_desc));

/** Clicks and typing before the trigger, then nothing sent: the state every test starts from. */
async function actBeforeTheTrigger(page, origin) {
  await page.fill('#name', 'before');
  await page.click('#buy');
  await sleep(1_200); // four batch intervals: a sending session would have posted by now
  assert.equal(await mode(page), 'buffering');
  assert.deepEqual(ingestRequests(page), [], 'no request before the trigger');
  assert.equal(await ingestBytes(origin), 0, 'the collector received nothing');
}

/** The stored session after the trigger at `triggerAt`, checked replayable and complete. */
async function checkDelivered(page, origin, sessionId, triggerAt) {
  await page.click('#buy'); // after the trigger: the session goes on
  const analysis = await until(async () => {
    const a = await read(origin, `/v1/sessions/${sessionId}/analysis`);
    return buyClicks(a).length === 2 && a;
  }, 15_000, 'both clicks, before and after the trigger, in the analysis');
  const [before, after] = buyClicks(analysis).map((a) => a.t_ms);
  assert.ok(before < triggerAt && after > triggerAt, `click times ${before}, ${after} around ${triggerAt}`);
  assert.ok(analysis.actions.some((a) => a.action === 'input' && a.t_ms < triggerAt), 'the typing before');

  const { events } = await read(origin, `/v1/sessions/${sessionId}`);
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), [TYPE.Meta, TYPE.FullSnapshot], 'starts replayable');
  assert.ok(events[0].timestamp >= triggerAt - WINDOW_MS, 'starts no more than 60 s before the trigger');
  assert.ok(events[0].timestamp <= before, 'and before the first action');
  assert.equal(await mode(page), 'sending');
}

test('an uncaught error sends the buffered minute and the session goes on', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const config = { key: KEYS.public, delivery: { batchIntervalMs: 300 }, sampling: { session: 0, onError: 1 } };
  const page = await open(browser, collector.origin, config);
  const sessionId = await page.evaluate(() => window.rewind.sessionId());
  await actBeforeTheTrigger(page, collector.origin);

  const triggerAt = await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('checkout failed');
    });
    return Date.now();
  });
  assert.ok(page.requests.some((p) => p.includes('rewind_buffering_bg.wasm')), 'the buffering chunk was loaded');
  await until(() => ingestRequests(page).length > 0, 5_000, 'a request after the error');
  await checkDelivered(page, collector.origin, sessionId, triggerAt);
  assert.deepEqual(page.errors.map((e) => e.replace(/^Error: /, '')), ['checkout failed']);

  // The decision holds across a reload: the same session, still sending.
  await page.reload();
  await page.waitForFunction(() => window.rewind?.isRecording());
  assert.equal(await page.evaluate(() => window.rewind.sessionId()), sessionId);
  assert.equal(await mode(page), 'sending');
});

test('capture() sends the buffer like an error does', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const config = { key: KEYS.public, delivery: { batchIntervalMs: 300 }, sampling: { session: 0, onError: 1 } };
  const page = await open(browser, collector.origin, config);
  const sessionId = await page.evaluate(() => window.rewind.sessionId());
  await actBeforeTheTrigger(page, collector.origin);
  const [sending, triggerAt] = await page.evaluate(() => [window.rewind.capture(), Date.now()]);
  assert.equal(sending, true);
  await checkDelivered(page, collector.origin, sessionId, triggerAt);
  assert.deepEqual(page.errors, []);
});

test('a recorded console.error is a trigger when console capture is on', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const config = {
    key: KEYS.public,
    delivery: { batchIntervalMs: 300 },
    sampling: { session: 0, onError: 1 },
    capture: { console: true },
  };
  const page = await open(browser, collector.origin, config);
  const sessionId = await page.evaluate(() => window.rewind.sessionId());
  await page.evaluate(() => console.warn('only a warning'));
  await actBeforeTheTrigger(page, collector.origin);
  const triggerAt = await page.evaluate(() => {
    const at = Date.now();
    console.error('payment declined');
    return at;
  });
  await checkDelivered(page, collector.origin, sessionId, triggerAt);
});

test('a failed onError roll keeps buffering and never sends, across a reload', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const config = { key: KEYS.public, delivery: { batchIntervalMs: 300 }, sampling: { session: 0.5, onError: 0.5 } };
  // Every roll gives 0.75: not sampled (≥ 0.5), and the error roll fails (≥ 0.5).
  const page = await open(browser, collector.origin, config, { random: 0.75 });
  await actBeforeTheTrigger(page, collector.origin);
  assert.equal(await page.evaluate(() => window.rewind.capture()), false);
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('ignored');
    });
  });
  await page.click('#buy');
  await sleep(1_200);
  assert.equal(await mode(page), 'withheld');
  assert.deepEqual(ingestRequests(page), []);
  assert.equal(await ingestBytes(collector.origin), 0);

  // After a reload every roll would pass (0), but the session's decision stands.
  await page.addInitScript(() => {
    Math.random = () => 0;
  });
  await page.reload();
  await page.waitForFunction(() => window.rewind?.isRecording());
  assert.equal(await page.evaluate(() => window.rewind.capture()), false);
  assert.equal(await mode(page), 'withheld');

  // Opting out drops the buffer and the decision.
  await page.evaluate(() => window.rewind.optOut());
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rewind:sampling')), null);
  await sleep(500);
  assert.deepEqual(ingestRequests(page), []);
  assert.equal(await ingestBytes(collector.origin), 0);
});

test('onError: 0 never sends: an unsampled session is not even recorded', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.REWIND_TEST = { key: 'pk_e2e_public_0123456789', ingest: location.origin, delivery: { batchIntervalMs: 300 }, sampling: { session: 0, onError: 0 } };
  });
  await page.goto(`${collector.origin}/deliver.html`);
  await page.click('#buy');
  assert.equal(await page.evaluate(() => window.rewind.capture()), false);
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('ignored');
    });
  });
  await sleep(1_200);
  assert.equal(await page.evaluate(() => window.rewind.isRecording()), false);
  assert.deepEqual(ingestRequests(page), []);
  assert.ok(!page.requests.some((p) => p.includes('rewind_record')), 'the recorder was not even loaded');
  assert.equal(await ingestBytes(collector.origin), 0);
});

test('a session sent in full does not load the buffering chunk', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await open(browser, collector.origin, { key: KEYS.public, delivery: { batchIntervalMs: 300 } });
  await page.click('#buy');
  await until(() => ingestRequests(page).length > 0, 5_000, 'a request without a trigger');
  assert.ok(page.requests.some((p) => p.includes('rewind_record_bg.wasm')), 'the recorder was loaded');
  assert.ok(!page.requests.some((p) => /buffering/.test(p)), `no buffering chunk: ${page.requests}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rewind:sampling')), null, 'no sampling decision');
});

test('three minutes of buffering keep a replayable window of the last minute or two', { skip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  // Playwright's clock drives Date.now and the timers of the page (and so of the wasm), so
  // three minutes of activity take a few seconds; the defaults (60 s window and checkout) apply.
  await page.clock.install();
  await page.addInitScript((key) => {
    window.REWIND_TEST = { key, ingest: location.origin, delivery: { batchIntervalMs: 300 }, sampling: { session: 0, onError: 1 } };
  }, KEYS.public);
  await page.goto(`${collector.origin}/deliver.html`);
  await page.clock.runFor(100);
  await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
  const sessionId = await page.evaluate(() => window.rewind.sessionId());
  const clicks = [];
  for (let i = 0; i < 18; i++) {
    clicks.push(await page.evaluate(() => Date.now()));
    await page.click('#buy');
    await page.clock.runFor(10_000);
  }
  assert.deepEqual(ingestRequests(page), [], 'no request in three minutes of buffering');
  assert.equal(await ingestBytes(collector.origin), 0);
  const [sending, triggerAt] = await page.evaluate(() => [window.rewind.capture(), Date.now()]);
  assert.equal(sending, true);
  const { events } = await until(async () => {
    await page.clock.runFor(500); // the batch timers
    const session = await read(collector.origin, `/v1/sessions/${sessionId}`);
    return session.events.length > 0 && session;
  }, 15_000, 'the buffered window stored');
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), [TYPE.Meta, TYPE.FullSnapshot], 'starts replayable');
  const start = events[0].timestamp;
  assert.ok(start <= triggerAt - WINDOW_MS, `covers the last 60 s: starts ${triggerAt - start} ms before`);
  // The installed clock also flows in real time between runFor calls (clicks, evaluations), so a
  // checkout can land a little later than a multiple of 60 s: 5 s of slack on a loaded machine,
  // far below the 60 s an untrimmed older minute would add.
  assert.ok(start >= triggerAt - 2 * WINDOW_MS - 5_000, `older minutes trimmed: starts ${triggerAt - start} ms before`);
  assert.ok(events.filter((e) => e.type === TYPE.FullSnapshot).length >= 2, 'a checkout inside the window');
  const analysis = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
  const kept = buyClicks(analysis).map((a) => a.t_ms);
  assert.ok(kept.every((c) => c >= start), 'no click before the window\'s snapshot');
  assert.ok(kept.filter((c) => c >= triggerAt - WINDOW_MS).length >= 5, `the last minute's five clicks (one per 10 s, the last 10 s before the trigger): ${kept}`);
  assert.ok(kept.at(-1) >= clicks.at(-1), 'up to the last click');
  assert.ok(kept.slice(1).every((c, i) => c - kept[i] < 11_000), `no click missing inside the window: ${kept}`);
  assert.ok(kept.length < clicks.length, 'the first clicks were trimmed');
});
