// The viewer's cross-session heatmap, in Chromium: three sessions of one page, recorded by the
// real SDK into a real collector with different layouts (a banner of another height, a wider
// column, other viewport sizes) and scroll offsets, then opened in the real viewer — first against
// `rewind serve` (the sessions of the list), then offline as opened files (and 21 of them, past
// the cap of 20, which the view states). Every click must be
// drawn on the element it hit in the rebuilt snapshot (elementFromPoint there), including clicks
// far down the page made after scrolling; the scroll-depth bar tells the sessions that reached
// the bottom from the one that did not; axe stays clean; the view reads as a product (screenshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, realRecorderSkipReason, browserSkipReason, root, sleep, until } from './support.mjs';
import { KEYS, collectorSkipReason, read, startCollector } from './collector.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /setLabels/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? realRecorderSkipReason() ?? collectorSkipReason()
  ?? (wasmReady ? false : 'pkg/rewind.js is older than the player: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));
const AXE = fileURLToPath(new URL('node_modules/axe-core/axe.min.js', root));
const SCREENSHOTS = new URL('tests/screenshots/', root);

/**
 * The sessions: each a visitor with its viewport, the page's layout (`?banner=PX`, `?wide`) and
 * what it does. `subscribe` clicks the button at the foot of the page (scrolled to first);
 * `buys` clicks on "Add to cart" (five in a row: a rage burst); `scrollFirst` scrolls before the
 * first click; `scrollTo` where the visit ends, as a fraction of the page.
 */
const SESSIONS = [
  { user: 'hm-wide', viewport: { width: 1280, height: 720 }, query: '?banner=0', buys: 1, subscribe: true },
  { user: 'hm-rage', viewport: { width: 1000, height: 700 }, query: '?banner=320', buys: 5, scrollTo: 0.35 },
  { user: 'hm-scrolled', viewport: { width: 1200, height: 800 }, query: '?banner=120&wide', buys: 1, scrollFirst: 150, subscribe: true },
];

/** Records SESSIONS with the SDK into a collector serving the test pages; resolves to their ids. */
async function record(browser, origin) {
  const ids = [];
  for (const s of SESSIONS) {
    const context = await browser.newContext({ viewport: s.viewport });
    const page = await context.newPage();
    await page.addInitScript((c) => {
      window.REWIND_TEST = { ...c, ingest: location.origin };
    }, { key: KEYS.public, delivery: { batchIntervalMs: 300 }, identify: s.user });
    await page.goto(`${origin}/heatmap.html${s.query}`);
    await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
    const id = await page.evaluate(() => window.rewind.sessionId());
    await sleep(300);
    if (s.scrollFirst) {
      await page.mouse.wheel(0, s.scrollFirst);
      await page.waitForFunction((y) => scrollY >= y - 1, s.scrollFirst);
      await sleep(400);
    }
    for (let i = 0; i < s.buys; i++) await page.click('#buy', { position: { x: 24 + i * 3, y: 12 }, delay: 20 });
    await sleep(300);
    if (s.subscribe) {
      await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
      await sleep(400);
      await page.click('#subscribe', { position: { x: 30, y: 14 } });
    }
    if (s.scrollTo) {
      await page.evaluate((f) => scrollTo(0, f * (document.documentElement.scrollHeight - innerHeight)), s.scrollTo);
      await sleep(400);
    }
    await sleep(300);
    await until(async () => {
      await page.evaluate(() => window.rewind.flush());
      const { sessions } = await read(origin, '/v1/sessions');
      return sessions.some((r) => r.session_id === id && r.n_events > 5);
    }, 15_000, `session ${s.user} stored`);
    await page.evaluate(() => window.rewind.stop());
    await context.close();
    ids.push(id);
  }
  return ids;
}

async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

/** Turns the heatmap on (its switch) and resolves to the view's measurements once drawn. */
async function openHeatmap(page) {
  const toggle = page.getByRole('button', { name: 'Heatmap' });
  await page.waitForFunction(() => !document.querySelector('.rw-heatmap-switch')?.disabled);
  const started = Date.now();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => document.querySelector('.rw-heatmap-view')?.heatmap?.done, null, { timeout: 60_000 });
  const seen = await page.evaluate(() => document.querySelector('.rw-heatmap-view').heatmap);
  return { ...seen, ms: Date.now() - started };
}

/**
 * Each drawn point, looked up in the snapshot: the element at it (elementFromPoint in the
 * rebuilt page), the button it is in, whether its path resolves to an ancestor of that element,
 * and the heatmap canvas's alpha there.
 */
const hits = (page) => page.evaluate(() => {
  const view = document.querySelector('.rw-heatmap-view');
  const doc = view.querySelector('.rw-heatmap-snapshot').contentDocument;
  const canvas = view.querySelector('.rw-heatmap');
  const k = canvas.width / canvas.offsetWidth;
  const ctx = canvas.getContext('2d');
  // The snapshot is inert (a picture: nothing in it takes focus), which hit testing honours too;
  // the geometry is checked with that lifted for the lookup.
  if (!doc.documentElement.inert) throw new Error('the snapshot should be inert');
  doc.documentElement.inert = false;
  // The page's CSSOM-only styles (pages/heatmap.html) are in the snapshot too.
  const win = doc.defaultView;
  const styled = {
    inserted: win.getComputedStyle(doc.getElementById('subscribe')).letterSpacing,
    adopted: win.getComputedStyle(doc.querySelector('.footer')).outlineColor,
  };
  if (styled.inserted !== '3px' || styled.adopted !== 'rgb(1, 2, 3)') throw new Error(`snapshot lost CSSOM styles: ${JSON.stringify(styled)}`);
  return view.heatmap.points.map((p) => {
    const el = doc.elementFromPoint(p.x, p.y);
    const [, , , alpha] = ctx.getImageData(Math.round(p.x * k), Math.round(p.y * k), 1, 1).data;
    return { ...p, hit: el?.localName ?? null, button: el?.closest("button")?.id ?? null, onPath: Boolean(doc.querySelector(p.path)?.contains(el)), alpha };
  });
});

/** What every run of the view must show for SESSIONS. */
function checkMap(seen, points) {
  assert.equal(seen.sessions, SESSIONS.length, 'every session of the set measured');
  assert.equal(seen.capped, false);
  assert.equal(seen.missed, 0, 'every click resolved in the snapshot');
  const buys = SESSIONS.reduce((n, s) => n + s.buys, 0);
  const subs = SESSIONS.filter((s) => s.subscribe).length;
  assert.equal(points.length, buys + subs, JSON.stringify(points));
  for (const p of points) {
    assert.ok(p.button === 'buy' || p.button === 'subscribe', `a hotspot on a button: ${JSON.stringify(p)}`);
    assert.ok(p.onPath, `on the element its click hit: ${JSON.stringify(p)}`);
    assert.ok(p.alpha > 100, `drawn: ${JSON.stringify(p)}`);
  }
  assert.equal(points.filter((p) => p.button === 'buy').length, buys);
  // The clicks made after scrolling to the foot are drawn there, past the first screen: not at
  // their viewport positions.
  const foot = points.filter((p) => p.button === 'subscribe');
  assert.equal(foot.length, subs);
  for (const p of foot) assert.ok(p.y > 1500, `far down the page: ${p.y}`);
  assert.equal(new Set(points.map((p) => p.session)).size, SESSIONS.length, 'clicks of every session');
  assert.ok(points.some((p) => p.kind === 'rage'), 'the burst counts as rage');
  // Scroll depth: two sessions saw the foot, the third stopped about halfway.
  const reaches = [...seen.reaches].sort((a, b) => a - b);
  assert.equal(reaches.length, SESSIONS.length);
  assert.ok(reaches[0] > 0.3 && reaches[0] < 0.8, `the partial scroll: ${reaches}`);
  assert.ok(reaches[1] > 0.97 && reaches[2] > 0.97, `two reached the foot: ${reaches}`);
}

test('heatmap: clicks of every session of a URL on the elements they hit, across layouts and scroll; collector and opened files', { skip, timeout: 300_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-heatmap-'));
  const browser = await launch();
  let collector = await startCollector({ www: PAGES, dataDir });
  t.after(async () => {
    await browser.close();
    await collector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ids = await record(browser, collector.origin);
  // The same data, now behind the viewer.
  await collector.stop();
  collector = await startCollector({ www: WWW, dataDir });

  // ---- against the collector: the sessions of the list ----------------------------------
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${collector.origin}/`);
  await page.getByLabel('Read key').fill(KEYS.read);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.rw-list [role=option]').length === n, SESSIONS.length);
  await page.locator(`[data-key="c:${ids[2]}"]`).click();
  await page.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false && window.rewindViewer.player()?.actions().length > 0);
  const seen = await openHeatmap(page);
  t.diagnostic(`collector: ${seen.sessions} sessions measured and drawn in ${seen.ms} ms (load ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
  assert.match(seen.url, /\/heatmap\.html$/, 'the page, its query dropped by the normalizer');
  const points = await hits(page);
  checkMap(seen, points);
  assert.match(await page.locator('.rw-heatmap-view__status').textContent(), /^3 sessions on this page · 9 clicks · [1-5] rage · median scroll depth 100%$/);
  assert.match(await page.locator('.rw-heatmap-depth').getAttribute('aria-label'), /^Scroll depth over 3 sessions: /);
  assert.ok(await page.locator('.rw-heatmap-legend .rw-legend__item.rw-kind--rage').isVisible(), 'the legend says rage');
  assert.deepEqual(await violations(page), [], 'axe with the heatmap on');

  // The screenshot in theatre mode (T), the list and panel out of the way, as one studies a map.
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('.rw-player__play').focus();
  await page.keyboard.press('t');
  await page.waitForFunction(() => document.querySelector('.rw-viewer').classList.contains('is-theatre'));
  await sleep(300); // the layout transition
  await page.mouse.move(0, 0);
  await page.screenshot({ path: fileURLToPath(new URL('viewer-heatmap-1280.png', SCREENSHOTS)) });
  await page.keyboard.press('t');

  // Off (H, the switch's key): the view goes and the replay is back; playing also closes it.
  await page.locator('.rw-player__play').focus();
  await page.keyboard.press('h');
  assert.equal(await page.getByRole('button', { name: 'Heatmap' }).getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('.rw-heatmap-view').count(), 0);
  await page.keyboard.press('h');
  await page.waitForFunction(() => document.querySelector('.rw-heatmap-view')?.heatmap?.done, null, { timeout: 60_000 });
  await page.locator('.rw-player__play').click();
  await page.waitForFunction(() => !document.querySelector('.rw-heatmap-view'));
  assert.deepEqual(page.errors, []);

  // ---- offline: the three recordings opened as files form the set -------------------------
  const dir = mkdtempSync(join(tmpdir(), 'rewind-heatmap-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = [];
  for (const id of ids) {
    const { events } = await read(collector.origin, `/v1/sessions/${id}`);
    files.push(join(dir, `${id}.json`));
    writeFileSync(files.at(-1), JSON.stringify(events));
  }
  const offline = await newPage(browser);
  await offline.setViewportSize({ width: 1280, height: 720 });
  await offline.goto(`${collector.origin}/`);
  await offline.getByLabel('Read key').waitFor();
  await offline.setInputFiles('input[type=file]', files);
  await offline.waitForFunction((n) => document.querySelectorAll('.rw-list [role=option]').length === n, SESSIONS.length);
  await offline.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false && window.rewindViewer.player()?.actions().length > 0);
  const seenOffline = await openHeatmap(offline);
  t.diagnostic(`files: ${seenOffline.sessions} sessions measured and drawn in ${seenOffline.ms} ms`);
  checkMap(seenOffline, await hits(offline));
  assert.deepEqual(await violations(offline), [], 'axe offline');

  // More files than MAX_HEATMAP_SESSIONS (20): the first 20 are measured, and the view says so.
  const copies = Array.from({ length: 21 - SESSIONS.length }, (_, i) => {
    const copy = join(dir, `copy-${i}.json`);
    writeFileSync(copy, readFileSync(files[i % files.length]));
    return copy;
  });
  await offline.locator('.rw-player__play').focus();
  await offline.keyboard.press('h');
  await offline.setInputFiles('input[type=file]', copies);
  await offline.waitForFunction(() => document.querySelectorAll('.rw-list [role=option]').length === 21);
  await offline.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false && window.rewindViewer.player()?.actions().length > 0);
  const capped = await openHeatmap(offline);
  t.diagnostic(`files: ${capped.sessions} of 21 sessions measured and drawn in ${capped.ms} ms`);
  assert.equal(capped.capped, true);
  assert.equal(capped.total, 21);
  assert.equal(capped.sessions, 20);
  assert.match(await offline.locator('.rw-heatmap-view__status').textContent(), / · capped at the first 20 of 21 sessions$/);
  assert.deepEqual(offline.errors, []);
});
