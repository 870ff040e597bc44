// Web vitals end to end (`capture.performance`): a page with a late large text block (LCP), a
// layout shift (CLS), a long task and a slow click handler (INP), recorded by the real wasm
// Recorder in Chromium. Checks the `rewind/web-vitals@1` Plugin events (one per page, plausible
// values, a route change starting a new page), that the chunk loads only after consent and only
// with the option on, and that nothing is reported with it off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, skipReason, sleep, until, TYPE } from './support.mjs';

const skip = skipReason('real') ?? false;
const VITALS_PLUGIN = 'rewind/web-vitals@1';
const BUSY_CLICK_MS = 250;

const vitalsEvents = (events) => events.filter((e) => e.type === TYPE.Plugin && e.data?.plugin === VITALS_PLUGIN);

async function open(browser, server, options) {
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/vitals.html`);
  await page.waitForFunction(() => window.__ready && document.getElementById('hero'));
  await page.evaluate((o) => window.__init(o), options);
  await sleep(100);
  assert.ok(!page.requests.includes('/js/vitals.js'), 'the vitals chunk is not loaded before consent');
  assert.equal(await page.evaluate(() => window.rw.isRecording()), false);
  assert.equal(await page.evaluate(() => window.rw.optIn()), true, page.logs.join('\n'));
  return page;
}

/** The layout shift, the long task and the slow click, each separated so they count alone. */
async function exercise(page) {
  await page.evaluate(() => window.__shift());
  await sleep(100);
  await page.evaluate(() => window.__longTask());
  await sleep(100);
  await page.click('#slow');
  await until(() => page.evaluate(() => document.getElementById('status').textContent === 'clicked'), 5_000, 'click handled');
  // Event Timing entries are queued after the next paint.
  await sleep(300);
}

test('capture.performance reports LCP, CLS, INP, FCP, TTFB and long tasks per page', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await open(browser, server, { capture: { performance: true } });
  assert.ok(page.requests.includes('/js/vitals.js'), 'the vitals chunk is loaded after consent');
  await exercise(page);
  // A client-side route change ends the first page's report.
  await page.evaluate(() => history.pushState({}, '', '/pages/next?order=42#top'));
  await until(async () => vitalsEvents(await page.evaluate(() => window.__collect())).length >= 1, 5_000, 'first page reported');
  await page.evaluate(() => window.rw.stop());
  const events = vitalsEvents(await page.evaluate(() => window.__events));
  assert.equal(events.length, 2, JSON.stringify(events));
  const [first, second] = events.map((e) => e.data.payload);
  assert.deepEqual(Object.keys(first).sort(),
    ['cls', 'fcp_ms', 'href', 'inp_ms', 'lcp_ms', 'long_task_ms', 'long_tasks', 'ttfb_ms']);
  const text = JSON.stringify(first);
  t.diagnostic(`first page: ${text}`);
  assert.equal(first.href, `${server.origin}/pages/vitals.html`);
  assert.ok(first.lcp_ms > 0, `LCP: ${text}`);
  assert.ok(first.fcp_ms > 0 && first.fcp_ms <= first.lcp_ms, `FCP before LCP: ${text}`);
  assert.ok(first.ttfb_ms > 0 && first.ttfb_ms <= first.fcp_ms, `TTFB: ${text}`);
  assert.ok(first.cls > 0, `CLS of the shifted page: ${text}`);
  assert.ok(first.inp_ms >= BUSY_CLICK_MS - 8, `INP at least the busy click (durations are rounded to 8 ms): ${text}`);
  assert.ok(first.long_tasks >= 1 && first.long_task_ms >= 100, `long tasks: ${text}`);

  // The second page: a route change, so no load metrics; nothing shifted or clicked there.
  assert.equal(second.href, `${server.origin}/pages/next`, 'query and hash stripped like Meta hrefs');
  assert.deepEqual([second.lcp_ms, second.fcp_ms, second.ttfb_ms, second.inp_ms], [null, null, null, null], JSON.stringify(second));
  assert.equal(second.cls, 0);
  assert.deepEqual(page.errors, []);
  // stop() puts history back.
  assert.equal(await page.evaluate(() => History.prototype.pushState === history.pushState), true, 'pushState restored');
});

test('with capture.performance off, the chunk is not loaded and nothing is reported', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await open(browser, server, {});
  await exercise(page);
  await page.evaluate(() => window.rw.stop());
  const events = await page.evaluate(() => window.__events);
  assert.ok(events.length > 0, 'the session was recorded');
  assert.deepEqual(vitalsEvents(events), []);
  assert.ok(!page.requests.includes('/js/vitals.js'), 'the vitals chunk is never loaded');
  assert.deepEqual(page.errors, []);
});

test("each page's href follows the recorder's Rust URL rules: PII path segments redacted, query kept only with stripUrlQuery off", { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const email = 'zelda@example.org';
  const hex = '9f86d081884c7d659a2feaa0c55ad015';
  const route = `/pages/user/${email}/reset/${hex}?session=sS4dG6hJkL#access_token=aT5nP7mYqB`;
  const hrefs = async (options) => {
    const page = await open(browser, server, options);
    assert.ok(page.requests.some((r) => r.endsWith('rewind_network_bg.wasm')), `the URL rules' wasm is loaded: ${page.requests}`);
    await page.evaluate((r) => history.pushState({}, '', r), route);
    await until(async () => vitalsEvents(await page.evaluate(() => window.__collect())).length >= 1, 5_000, 'first page reported');
    await page.evaluate(() => window.rw.stop());
    const events = vitalsEvents(await page.evaluate(() => window.__events));
    assert.deepEqual(page.errors, []);
    await page.close();
    return events.map((e) => e.data.payload.href);
  };
  const stripped = await hrefs({ capture: { performance: true } });
  assert.deepEqual(stripped, [`${server.origin}/pages/vitals.html`, `${server.origin}/pages/user/[REDACTED:email]/reset/[REDACTED:token]`]);
  const kept = await hrefs({ capture: { performance: true }, privacy: { stripUrlQuery: false } });
  assert.equal(kept[1], `${server.origin}/pages/user/[REDACTED:email]/reset/[REDACTED:token]?session=sS4dG6hJkL#access_token=aT5nP7mYqB`);
  for (const href of [...stripped, ...kept]) assert.ok(!href.includes('zelda') && !href.includes(hex.slice(0, 6)), href);
});
