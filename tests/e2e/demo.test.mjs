// The demo app (www/demo/) end to end: the shop records itself through the real SDK into the
// real collector (`rewind serve --www www/`). Nothing is fetched or sent before the consent
// banner's Allow; after it, the scripted interactions on two pages arrive as one session that
// the collector lists and analyses to those interactions, without the typed email or card.
// Decline records nothing. Writes tests/screenshots/demo.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newPage, root, skipReason, sleep, until } from './support.mjs';
import { KEYS, collectorSkipReason, read, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const WWW = fileURLToPath(new URL('www/', root));
const SCREENSHOTS = new URL('tests/screenshots/', root);
const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';

/** Requests that would mean recording started: the recorder's wasm or a batch. */
const recordingRequests = (page) => page.requests.filter((p) => p.startsWith('/pkg-record/') || p.endsWith('.wasm') || p === '/v1/ingest');

const setup = (t) => withCollector(t, { www: WWW });

test('consent, then the shop session arrives, is listed and analyses to what was done', { skip, timeout: 60_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${collector.origin}/demo/#key=${KEYS.public}`);
  await page.locator('#consent').waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the key is removed from the address bar');

  // Before consent: the page works, but nothing is fetched for recording and nothing is sent.
  await page.fill('#search', 'before consent');
  await page.fill('#search', '');
  await sleep(500);
  assert.deepEqual(recordingRequests(page), [], 'no wasm, no batch before consent');
  assert.equal(await page.evaluate(() => window.rewindDemo.consentStatus()), 'deferred');

  await page.click('#consent-allow');
  await page.waitForFunction(() => window.rewindDemo.isRecording(), null, { timeout: 15_000 });
  const sessionId = await page.evaluate(() => window.rewindDemo.sessionId());
  await page.locator('#rec-status.is-recording').waitFor();
  assert.match(await page.textContent('#rec-status'), new RegExp(`Recording · session ${sessionId.slice(0, 8)}`));

  await page.click('button[data-sku="NW-101"]');
  await page.fill('#qty-NW-104', '2');
  await page.click('button[data-sku="NW-104"]');
  assert.equal(await page.textContent('#cart-count'), '3');
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: fileURLToPath(new URL('demo.png', SCREENSHOTS)) });

  await page.fill('#search', 'desk');
  assert.equal(await page.locator('.product:visible').count(), 2, 'search filters the products');
  await page.fill('#email', EMAIL);
  await page.fill('#card', CARD);
  await page.click('#place-order');
  await page.locator('#checkout-message .rr-mask').waitFor();
  await page.click('#apply-coupon'); // throws, on purpose: console capture records it
  await page.click('#about-link');
  await page.waitForURL('**/demo/about.html');
  await page.waitForFunction(() => window.rewindDemo?.isRecording(), null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.rewindDemo.sessionId()), sessionId, 'the second page continues the session');
  assert.ok(await page.locator('#consent').isHidden(), 'consent is remembered for the tab');
  await page.click('#back-to-shop');
  await page.waitForURL('**/demo/');
  await page.waitForFunction(() => window.rewindDemo?.isRecording(), null, { timeout: 15_000 });
  const flushed = await page.evaluate(() => window.rewindDemo.flush({ final: true }));
  assert.equal(flushed.failed, 0, JSON.stringify(flushed));

  const analysis = await until(async () => {
    const a = await read(collector.origin, `/v1/sessions/${sessionId}/analysis`);
    return a.actions.filter((x) => x.action === 'navigate').length >= 3 && a.actions.some((x) => x.action === 'console_error') && a;
  }, 20_000, 'the session with three page views and the error');
  const describe = analysis.actions.map((a) => `${a.action}: ${a.description}`).join('\n');
  const has = (re, what) => assert.ok(analysis.actions.some((a) => re.test(`${a.action}: ${a.description}`)), `${what} in\n${describe}`);
  has(/^click: Clicked button "Add Linen Overshirt to cart"/, 'the click on the first add-to-cart');
  has(/^click: Clicked button "Add Walnut Desk Tray to cart"/, 'the click on the second add-to-cart');
  has(/^input: Typed "desk" into input "Search the shop"/, 'the search (unmasked by the allow-list)');
  has(/^input: Typed \d+ masked characters into input "Email"/, 'the email, masked (counted, never shown)');
  has(/^custom: .*add_to_cart/, 'the app’s custom event');
  has(/^console_error: Console error: .*reading 'lookup'/, 'the coupon error');
  const pages = analysis.actions.filter((a) => a.action === 'navigate').map((a) => new URL(a.url).pathname);
  assert.deepEqual(pages, ['/demo/', '/demo/about.html', '/demo/'], 'the page views, in order');
  assert.ok(analysis.actions.every((a) => !a.url || !a.url.includes('#')), 'no fragment (the key) in recorded URLs');

  const list = await read(collector.origin, '/v1/sessions');
  const row = list.sessions.find((s) => s.session_id === sessionId);
  assert.ok(row, `session listed: ${JSON.stringify(list)}`);
  assert.equal(row.app_id, 'rewind-demo-shop');
  assert.match(row.distinct_id, /^shopper-\d{4}$/, 'the pseudonymous visitor id');
  assert.ok(row.n_errors >= 1, 'the error is counted');
  assert.ok(row.entry_url.endsWith('/demo/'), row.entry_url);

  const stored = JSON.stringify(await read(collector.origin, `/v1/sessions/${sessionId}`));
  for (const secret of [EMAIL, 'jane.doe', CARD, CARD.replaceAll(' ', ''), '1111 1111', KEYS.public]) {
    assert.ok(!stored.includes(secret), `${secret} must not be stored`);
  }
  assert.ok(!stored.includes('before consent'), 'nothing typed before consent is stored');
  assert.equal(page.errors.length, 1, page.errors.join('\n'));
  assert.match(page.errors[0], /reading 'lookup'/);
});

test('Decline records nothing; without a key the demo says how to start', { skip, timeout: 60_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${collector.origin}/demo/#key=${KEYS.public}`);
  await page.locator('#consent').waitFor();
  await page.click('#consent-decline');
  assert.ok(await page.locator('#consent').isHidden());
  assert.equal(await page.textContent('#rec-status'), 'Not recording (declined)');
  await page.click('button[data-sku="NW-102"]');
  await page.fill('#email', EMAIL);
  await page.click('#about-link');
  await page.waitForURL('**/demo/about.html');
  assert.ok(await page.locator('#consent').isHidden(), 'the decision is remembered for the tab');
  await page.click('#back-to-shop');
  await page.waitForURL('**/demo/');
  await sleep(2_500); // longer than the demo's batch interval
  assert.deepEqual(recordingRequests(page), [], 'no wasm, no batch after Decline');
  assert.equal((await read(collector.origin, '/v1/sessions')).total, 0, 'nothing stored');

  const fresh = await newPage(browser);
  await fresh.goto(`${collector.origin}/demo/`);
  await fresh.locator('#no-key').waitFor();
  assert.match(await fresh.textContent('#no-key'), /scripts\/run\.sh/);
  assert.ok(await fresh.locator('#consent').isHidden(), 'no banner without a key');
  assert.deepEqual(recordingRequests(fresh), []);
  assert.deepEqual([...page.errors, ...fresh.errors], []);
});
