// The viewer (www/index.html + js/viewer.js, which www/viewer.js re-exports) in Chromium against the real collector: the read
// key form (sessionStorage only, `#readKey=` adopted once), the session list (search, visitor
// filter, paging, error and rage-click badges), the analysis panel, keyboard use, and offline files (picker
// and drop; JSON, JSON Lines, gzip; nothing uploaded), and mountViewer in another page.
// Writes tests/screenshots/viewer-1280x720.png and viewer-1920x1080.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserSkipReason, launch, newPage, root, until } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, read, startCollector } from './collector.mjs';

const skip = browserSkipReason() ?? collectorSkipReason() ?? false;
/** Offline analysis runs the wasm analyzer (pkg/, `npm run build:wasm`). */
const skipOffline = skip || (existsSync(new URL('pkg/rewind_bg.wasm', root)) ? false : 'pkg/rewind_bg.wasm missing: run `npm run build:wasm`');
const WWW = fileURLToPath(new URL('www/', root));
const SCREENSHOTS = new URL('tests/screenshots/', root);
const fixture = (name) => readFileSync(new URL(`fixtures/${name}.json`, root), 'utf8');
const DAY = 86_400_000;

/** The fixtures stored as sessions, with the visitor each belongs to. */
const SESSIONS = [
  ['console-error', 'grace.h'], ['checkout-dynamic', 'ada.l'], ['login-form', 'linus.t'], ['dead-button', 'ada.l'],
  ['spa-navigation', 'margaret.h'], ['scroll-select', null], ['touch', 'grace.h'], ['hesitant-signup', null], ['u-turn', 'ada.l'],
];
/** Older copies of one fixture, so there is more than one page (the viewer asks for 50). */
const OLD_COPIES = 52;

async function setup(t) {
  const collector = await startCollector({ www: WWW });
  const ids = {};
  for (const [name, visitor] of SESSIONS) {
    ids[name] = crypto.randomUUID();
    const status = await ingest(collector.origin, { session_id: ids[name], distinct_id: visitor ?? undefined, events: JSON.parse(fixture(name)) });
    assert.equal(status, 200, name);
  }
  const old = JSON.parse(fixture('u-turn'));
  await Promise.all(Array.from({ length: OLD_COPIES }, async (_, i) => {
    const events = old.map((e) => ({ ...e, timestamp: e.timestamp - (i + 2) * DAY }));
    assert.equal(await ingest(collector.origin, { session_id: `old-${i}`, distinct_id: 'returning.visitor', events }), 200);
  }));
  // The collector counts rage clicks in the background after ingest.
  await until(async () => (await read(collector.origin, '/v1/sessions?limit=100')).sessions.every((s) => !s.rage_clicks_pending), 30_000, 'rage-click counts');
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
  });
  return { collector, browser, ids };
}

async function viewerPage(browser, origin, size = { width: 1280, height: 720 }) {
  const page = await newPage(browser);
  await page.setViewportSize(size);
  page.apiCalls = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/')) page.apiCalls.push(r.url().slice(origin.length));
  });
  return page;
}

const rows = (page) => page.locator('.rw-list [role=option]');
/** With a session open below 1440 px the list is a drawer (the replay has the width): open it. */
async function openList(page) {
  const toggle = page.getByRole('button', { name: 'Sessions', exact: true });
  if (!(await toggle.isVisible()) || (await toggle.getAttribute('aria-expanded')) === 'true') return;
  await toggle.click();
  await page.waitForFunction(() => { const s = getComputedStyle(document.querySelector('.rw-sidebar')); return s.visibility === 'visible' && s.opacity === '1'; });
}
/** Picks a row of the list, opening the drawer first when it is closed. */
async function pick(page, row) {
  await openList(page);
  await row.click();
}
const titles = (page) => page.locator('.rw-list [role=option] .rw-row__title').allTextContents();
/** Waits until the list has loaded, under a group title starting with `title`. */
const listed = (page, title) =>
  page.waitForFunction((t) => {
    const list = document.querySelector('.rw-list');
    return list?.getAttribute('aria-busy') === 'false' && list.querySelector('.rw-group__title')?.textContent.startsWith(t);
  }, title);

async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: fileURLToPath(new URL(name, SCREENSHOTS)) });
}

test('the collector\'s sessions: key, list, filters, paging, analysis, keyboard', { skip, timeout: 60_000 }, async (t) => {
  const { collector, browser, ids } = await setup(t);
  const page = await viewerPage(browser, collector.origin);
  await page.goto(`${collector.origin}/`);

  // No key yet: a form, no list, no request to the read API.
  await page.getByLabel('Read key').waitFor();
  assert.deepEqual(page.apiCalls, []);
  await page.getByLabel('Read key').fill('rk_wrong_key_0000000000');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('The collector refused this read key').waitFor();
  assert.equal(await page.evaluate(() => Object.keys(sessionStorage).length), 0, 'a refused key is not kept');

  await page.getByLabel('Read key').fill(KEYS.read);
  await page.keyboard.press('Enter');
  await rows(page).first().waitFor();
  const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.keys(localStorage), cookie: document.cookie }));
  assert.deepEqual(stored, { session: [KEYS.read], local: [], cookie: '' }, 'the read key lives in sessionStorage only');
  assert.equal(await rows(page).count(), 50, 'one page of 50');
  const keys = await rows(page).evaluateAll((els) => els.map((e) => e.dataset.key));
  assert.deepEqual(new Set(keys.slice(0, SESSIONS.length)), new Set(Object.values(ids).map((id) => `c:${id}`)), 'newest first');
  assert.equal(await page.locator('.rw-pager__info').textContent(), `1–50 of ${SESSIONS.length + OLD_COPIES}`);

  // Error badge on the session with console errors, not on the others.
  const errorRow = page.locator(`[data-key="c:${ids['console-error']}"]`);
  assert.equal(await errorRow.locator('.rw-badge--error').textContent(), '2 errors');
  assert.equal(await page.locator('.rw-badge--error').count(), 1);
  // Rage-click badge on dead-button (one burst of five clicks on "Apply coupon"), only there.
  const rageBadge = page.locator(`[data-key="c:${ids['dead-button']}"] .rw-badge--rage`);
  assert.equal(await rageBadge.textContent(), '1 rage');
  assert.match(await rageBadge.getAttribute('title'), /^1 rage-click burst:/);
  assert.equal(await page.locator('.rw-badge--rage').count(), 1);
  // Only sessions with rage clicks / errors: asked of the collector (paging stays right).
  const flags = page.getByRole('group', { name: 'Only sessions with' });
  await flags.getByRole('checkbox', { name: 'Rage clicks' }).check();
  await page.waitForFunction(() => document.querySelectorAll('.rw-list [role=option]').length === 1);
  assert.deepEqual(await rows(page).evaluateAll((els) => els.map((e) => e.dataset.key)), [`c:${ids['dead-button']}`]);
  assert.ok(page.apiCalls.some((c) => c.includes('min_rage_clicks=1') && c.includes('offset=0')), page.apiCalls.join('\n'));
  await flags.getByRole('checkbox', { name: 'Errors' }).check();
  await listed(page, 'Recorded sessions');
  await page.getByText('No session with errors and rage clicks.').waitFor();
  await flags.getByRole('checkbox', { name: 'Rage clicks' }).uncheck();
  await page.waitForFunction(() => document.querySelectorAll('.rw-list [role=option]').length === 1);
  assert.deepEqual(await rows(page).evaluateAll((els) => els.map((e) => e.dataset.key)), [`c:${ids['console-error']}`]);
  await flags.getByRole('checkbox', { name: 'Errors' }).uncheck();
  await page.waitForFunction(() => document.querySelectorAll('.rw-list [role=option]').length === 50);

  // Select it: the analysis panel.
  await errorRow.click();
  const panel = page.locator('.rw-session');
  await panel.waitFor();
  // The replay mounts at once; the panel is busy until the collector's analysis is in.
  await page.locator('.rw-session:not([aria-busy])').waitFor();
  assert.equal(await errorRow.getAttribute('aria-selected'), 'true');
  const metric = (label) => panel.locator('.rw-metric', { hasText: label }).locator('dd').textContent();
  assert.equal(await metric('Clicks'), '3');
  assert.equal(await metric('Errors'), '2');
  assert.equal(await metric('Pages'), '1');
  const actions = panel.locator('.rw-actions [role=option]');
  assert.equal(await actions.count(), 6);
  assert.deepEqual(await actions.locator('.rw-action__time').allTextContents(), ['0:00', '0:00', '0:00', '0:00', '0:01', '0:01']);
  assert.match(await actions.nth(1).textContent(), /Clicked button "Load data"/);
  assert.equal(await panel.locator('.rw-action--console_error').count(), 2, 'errors highlighted');
  assert.equal(await page.locator('.player-slot .player-slot__url').textContent(), 'shop.rewind.test/reports/monthly');
  assert.equal(await page.locator('.player-slot .player-slot__size').textContent(), '1280 × 720');
  // The replay of the stored events (GET /v1/sessions/{id}) plays in the slot, ticks on its scrubber.
  await page.locator('.player-slot__screen.has-player iframe').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelectorAll('.rw-scrubber .rw-tick.rw-kind--error').length === 2);
  assert.ok(page.apiCalls.includes(`/v1/sessions/${ids['console-error']}`), page.apiCalls.join('\n'));
  await page.locator('.rw-list').evaluate((list) => list.scrollTo(0, 0));
  await screenshot(page, 'viewer-1280x720.png');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'viewer-1920x1080.png');
  await page.setViewportSize({ width: 1280, height: 720 });
  await panel.getByRole('button', { name: /Errors only/ }).click();
  assert.equal(await actions.locator('visible=true').count(), 2, 'the errors-only filter');

  // Search filters the loaded page by entry URL, visitor or id.
  await openList(page);
  await page.getByLabel('Search', { exact: true }).fill('login');
  assert.deepEqual(await titles(page), ['shop.rewind.test/login']);
  await page.getByLabel('Search', { exact: true }).fill('margaret');
  assert.deepEqual(await titles(page), ['shop.rewind.test/app']);
  await page.getByLabel('Search', { exact: true }).fill(ids.touch.slice(0, 8));
  assert.deepEqual(await titles(page), ['shop.rewind.test/m/plans']);
  await page.getByLabel('Search', { exact: true }).fill('');

  // Visitor filter: the API's `user` parameter.
  await page.getByLabel('Visitor').fill('ada.l');
  await listed(page, 'Sessions of ada.l');
  assert.ok(page.apiCalls.some((u) => u.startsWith('/v1/sessions?') && u.includes('user=ada.l')), page.apiCalls.join('\n'));
  assert.deepEqual((await titles(page)).sort(), ['shop.rewind.test/cart', 'shop.rewind.test/checkout', 'shop.rewind.test/shop']);
  await page.getByLabel('Visitor').fill('');
  await listed(page, 'Recorded sessions');

  // Paging.
  await page.getByRole('button', { name: 'Next page' }).click();
  await listed(page, 'Recorded sessions');
  assert.equal(await page.locator('.rw-pager__info').textContent(), `51–${SESSIONS.length + OLD_COPIES} of ${SESSIONS.length + OLD_COPIES}`);
  assert.equal(await rows(page).count(), SESSIONS.length + OLD_COPIES - 50);
  assert.ok(page.apiCalls.some((u) => u.includes('offset=50')));
  assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
  await page.getByRole('button', { name: 'Previous page' }).click();
  await listed(page, 'Recorded sessions');
  assert.equal(await rows(page).count(), 50);

  // Keyboard: after opening the viewer again (the key survives in the tab; without the
  // `#session=` the address now carries, which would reopen the session: share.test.mjs), Tab
  // reaches the list, arrows move, Enter selects.
  assert.match(await page.evaluate(() => location.hash), /^#session=/);
  await page.goto(`${collector.origin}/`);
  await rows(page).first().waitFor();
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.getAttribute('role') === 'option'))) {
    await page.keyboard.press('Tab');
    assert.ok(++tabs <= 8, 'the list is reached within a few Tabs');
  }
  assert.equal(await page.evaluate(() => document.activeElement.closest('.rw-sidebar') !== null), true);
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.dataset.key);
  assert.equal(focused, (await rows(page).nth(1).getAttribute('data-key')));
  await page.keyboard.press('Enter');
  await page.locator('.rw-session').waitFor();
  assert.equal(await rows(page).nth(1).getAttribute('aria-selected'), 'true');
  // And on into the timeline: Enter on an action shows it in the player slot.
  const action = page.locator('.rw-actions [role=option][tabindex="0"]');
  await action.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const picked = page.locator('.rw-actions [aria-selected="true"]');
  assert.equal(await picked.getAttribute('data-index'), '1');
  // The caption follows the player's time as well as the pick: until the seek has landed (the
  // player builds a page in slices), a time update may show another action for a moment.
  const desc = await picked.locator('.rw-action__desc').textContent();
  await page.waitForFunction((text) => document.querySelector('.player-slot__caption')?.textContent.includes(text), desc, { timeout: 5000 })
    .catch(async () => assert.fail(`the caption never showed the picked action: ${await page.locator('.player-slot__caption').textContent()}`));

  // Forget the key: back to the form, the key gone from the tab.
  await page.getByRole('button', { name: 'Forget read key' }).click();
  await page.getByLabel('Read key').waitFor();
  assert.equal(await page.evaluate(() => Object.keys(sessionStorage).length), 0);
  assert.deepEqual(page.errors, []);
});

test('#readKey= in the address bar is adopted once and removed', { skip, timeout: 60_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const page = await viewerPage(browser, collector.origin);
  await page.goto(`${collector.origin}/#readKey=${KEYS.read}`);
  await rows(page).first().waitFor();
  assert.equal(page.url(), `${collector.origin}/`, 'the key is gone from the address bar');
  assert.deepEqual(await page.evaluate(() => Object.values(sessionStorage)), [KEYS.read]);
  assert.ok(page.apiCalls.every((u) => !u.includes(KEYS.read)), 'never in a URL');
  assert.deepEqual(page.errors, []);
});

test('offline: files are analysed in the browser and never uploaded; mountViewer embeds', { skip: skipOffline, timeout: 60_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const dir = mkdtempSync(join(tmpdir(), 'rewind-viewer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const login = fixture('login-form');
  const files = {
    'login-form.json': login,
    'console-error.json.gz': gzipSync(fixture('console-error')),
    'spa-navigation.jsonl': JSON.parse(fixture('spa-navigation')).map((e) => JSON.stringify(e)).join('\n'),
    'not-a-recording.json': '{"hello": "world"}',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);

  const page = await viewerPage(browser, collector.origin);
  const sent = [];
  page.on('request', (r) => sent.push({ method: r.method(), path: new URL(r.url()).pathname, body: r.postDataBuffer() }));
  await page.goto(`${collector.origin}/`);
  await page.getByLabel('Read key').waitFor();
  const before = sent.length;

  await page.setInputFiles('input[type=file]', Object.keys(files).map((f) => join(dir, f)));
  // The first file plays at once; its view is busy until the analysis is put in (viewer/early.js).
  await page.locator('.rw-session:not([aria-busy])').waitFor();
  const fileRows = page.locator('.rw-group', { hasText: 'Opened files' }).locator('[role=option]');
  assert.equal(await fileRows.count(), 4);
  assert.deepEqual(await fileRows.locator('.rw-row__title').allTextContents(), Object.keys(files));
  assert.match(await fileRows.nth(3).locator('.rw-row__error').textContent(), /unsupported format|events/i, 'a bad file says why');
  // The first file is selected and analysed.
  assert.match(await page.locator('.rw-session h2').textContent(), /login-form\.json/);
  assert.match(await page.locator('.rw-actions').textContent(), /Clicked span in button "Sign in"/);
  await pick(page, fileRows.nth(1));
  await page.locator('.rw-session h2', { hasText: 'console-error.json.gz' }).waitFor();
  assert.equal(await page.locator('.rw-action--console_error').count(), 2, 'gzip analysed');
  await pick(page, fileRows.nth(2));
  await page.locator('.rw-session h2', { hasText: 'spa-navigation.jsonl' }).waitFor();
  assert.match(await page.locator('.rw-actions').textContent(), /Clicked a "Billing" to \/app\/billing/, 'JSON Lines analysed');
  await pick(page, fileRows.nth(3));
  await page.getByRole('alert').filter({ hasText: 'Cannot open not-a-recording.json' }).waitFor();

  // A drop (a synthetic one: DataTransfer with a File, as a real drag delivers it).
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped-login.json', { type: 'application/json' }));
    const target = document.querySelector('.rw-main');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, login);
  await page.locator('.rw-session h2', { hasText: 'dropped-login.json' }).waitFor();
  assert.equal(await fileRows.count(), 5);
  // The email typed in clear is redacted by the analyzer, in the browser as natively.
  assert.match(await page.locator('.rw-actions').textContent(), /Typed "\[REDACTED:email\]" into input "Email address"/);
  assert.equal(await page.locator('.rw-viewer.is-dragging').count(), 0, 'the drop overlay is gone');
  // Every opened file has been counted (null = not counted); none of these has a rage burst.
  await page.waitForFunction(() => document.querySelectorAll('.rw-row').length >= 5);
  assert.equal(await page.locator('.rw-group', { hasText: 'Opened files' }).locator('.rw-badge--rage').count(), 0);

  // Nothing was uploaded: only GETs of the analyzer's code after the files were opened.
  const after = sent.slice(before);
  assert.deepEqual(after.filter((r) => r.method !== 'GET' || r.body), [], 'no request carries a body');
  assert.deepEqual([...new Set(after.map((r) => r.path))].sort(), ['/js/analyze.js', '/js/hooks.js', '/js/player.js', '/js/sheets.js', '/js/viewer/analyze-worker.js', '/js/viewer/rage.js', '/pkg/rewind.js', '/pkg/rewind_bg.wasm']);
  assert.ok(sent.every((r) => !r.path.includes('login')), 'no file name in a URL');

  // mountViewer in another page of the same origin, offline only (files given up front).
  const embed = await newPage(browser);
  await embed.goto(`${collector.origin}/health`);
  await embed.evaluate(async (text) => {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/viewer.css' }));
    const host = Object.assign(document.createElement('div'), { id: 'host' });
    host.style.height = '600px';
    document.body.append(host);
    const { mountViewer } = await import('/viewer.js');
    window.embedded = mountViewer(host, { source: { files: [{ name: 'given.json', text }] } });
  }, fixture('dead-button'));
  await embed.locator('#host .rw-session h2', { hasText: 'given.json' }).waitFor();
  // Opened files get the rage-click badge too (counted after the analysis, in the worker).
  const givenRage = embed.locator('#host .rw-group', { hasText: 'Opened files' }).locator('.rw-badge--rage');
  await givenRage.waitFor({ state: 'attached' }); // in the list's closed drawer
  assert.equal(await givenRage.textContent(), '1 rage');
  assert.equal(await embed.locator('#host .rw-connect').isHidden(), true, 'no key form without a collector');
  assert.ok(await embed.locator('#host .rw-actions [role=option]').count() > 3);
  assert.ok(embed.requests.every((p) => !p.startsWith('/v1/')), 'no read API call without a collector');
  assert.deepEqual([...page.errors, ...embed.errors], []);
});
