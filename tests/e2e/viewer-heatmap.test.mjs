// The viewer's click heatmap, in Chromium against the real collector (`rewind serve` serving
// www/) and the real player: the Heatmap switch (aria-pressed, also the H key) draws the clicks of
// the page on screen as dots on a canvas in the player's scaled stage — where the recording's
// clicks were, scaled as the replay is, and nowhere else; rage clicks in the timeline's rage
// colour; redrawn for the page playback reaches; cleared when switched off; axe stays clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, launch, newPage, root } from './support.mjs';
import { collectorSkipReason, startCollector } from './collector.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /setLabels/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? collectorSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js is older than the player: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));
const AXE = fileURLToPath(new URL('node_modules/axe-core/axe.min.js', root));
const events = (name) => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, root), 'utf8'));
/** rrweb's IncrementalSource.MouseInteraction, and its Click, ContextMenu and DblClick types. */
const MOUSE_INTERACTION = 2;
const CLICKS = [2, 3, 4];

/** The rrweb clicks of a recording (right and double clicks too): `{t, x, y}`, t in ms from the first event. */
const clicksOf = (all) => all.filter((e) => e.type === 3 && e.data.source === MOUSE_INTERACTION && CLICKS.includes(e.data.type))
  .map((e) => ({ t: e.timestamp - all[0].timestamp, x: e.data.x, y: e.data.y }));

/**
 * The viewer at 1280×720 from a real collector, with fixture `name` opened as a file and played
 * once the analysis is in. Resolves to `{page, recording}` (the fixture's events).
 */
async function openFixture(t, name) {
  const collector = await startCollector({ www: WWW });
  const browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'rewind-viewer-heatmap-'));
  t.after(async () => {
    await browser.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${collector.origin}/`);
  await page.getByLabel('Read key').waitFor();
  const recording = events(name);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(recording));
  await page.setInputFiles('input[type=file]', join(dir, `${name}.json`));
  await page.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false && document.querySelector('.rw-tick'));
  await page.waitForFunction(() => window.rewindViewer.player().actions().length > 0);
  return { page, recording };
}

/**
 * What the heatmap canvas shows at recorded-viewport point (x, y): the largest alpha within
 * `r` px (bitmap pixels mapped back through the canvas's own scale), and its colour there.
 * Also the canvas's on-screen box against the replay iframe's, to check the scale.
 */
const probe = (page, points, r = 3) => page.evaluate(({ points, r }) => {
  const canvas = document.querySelector('.rw-heatmap');
  if (!canvas) return null;
  const frame = window.rewindViewer.player().frame;
  const box = canvas.getBoundingClientRect();
  const fbox = frame.getBoundingClientRect();
  const k = canvas.width / canvas.offsetWidth;
  const ctx = canvas.getContext('2d');
  const at = points.map(({ x, y }) => {
    const d = ctx.getImageData(Math.round((x - r) * k), Math.round((y - r) * k), Math.ceil(2 * r * k), Math.ceil(2 * r * k)).data;
    let best = [0, 0, 0, 0];
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > best[3]) best = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    return best;
  });
  return {
    at,
    scale: box.width / canvas.offsetWidth,
    frameScale: fbox.width / frame.offsetWidth,
    offset: [box.left - fbox.left, box.top - fbox.top],
    pointerEvents: getComputedStyle(canvas).pointerEvents,
  };
}, { points, r });

async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

test('heatmap: dots where the page was clicked, scaled with the replay, rage in its colour, off clears, axe clean', { skip, timeout: 120_000 }, async (t) => {
  const { page, recording } = await openFixture(t, 'dead-button');
  const recorded = clicksOf(recording);
  // The analyzer's clicks (a click that selected text is a selection, not one of them), each at
  // a position rrweb recorded for a click.
  const clicks = await page.evaluate(() => window.rewindViewer.player().actions().filter((a) => a.action === 'click').map((a) => ({ x: a.metadata.x, y: a.metadata.y })));
  assert.ok(clicks.length >= 6, `the fixture has clicks: ${clicks.length}`);
  for (const c of clicks) assert.ok(recorded.some((r) => r.x === c.x && r.y === c.y), `(${c.x}, ${c.y}) is a recorded click`);

  const toggle = page.getByRole('button', { name: 'Heatmap' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('.rw-heatmap').count(), 0, 'nothing drawn while off');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await page.locator('.rw-heatmap').waitFor({ state: 'attached' });

  // Far from every click: the opposite corner of the 1280×720 viewport, and its middle right.
  const far = [{ x: 1200, y: 650 }, { x: 900, y: 400 }];
  for (const f of far) assert.ok(recorded.every((c) => Math.hypot(c.x - f.x, c.y - f.y) > 200));
  const seen = await probe(page, [...clicks, ...far]);
  assert.equal(seen.pointerEvents, 'none');
  assert.ok(seen.scale < 1, `the replay is scaled down at 1280 px wide (${seen.scale})`);
  assert.ok(Math.abs(seen.scale - seen.frameScale) < 1e-3, `the dots scale as the replay does: ${seen.scale} vs ${seen.frameScale}`);
  assert.ok(Math.abs(seen.offset[0]) < 1 && Math.abs(seen.offset[1]) < 1, `over the replay: ${seen.offset}`);
  clicks.forEach((c, i) => assert.ok(seen.at[i][3] > 100, `a dot at click ${i} (${c.x}, ${c.y}): ${seen.at[i]}`));
  far.forEach((f, i) => assert.equal(seen.at[clicks.length + i][3], 0, `nothing at (${f.x}, ${f.y})`));

  // The five-click burst on "Apply coupon" is a rage cluster: the timeline's rage colour.
  const rageColour = await page.evaluate(() => getComputedStyle(document.querySelector('.rw-viewer')).getPropertyValue('--rw-kind-rage').trim());
  const hex = (rgb) => `#${rgb.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const burst = clicks.findIndex((c) => clicks.filter((o) => o.x === c.x && o.y === c.y).length >= 5);
  assert.ok(burst >= 0);
  assert.equal(hex(seen.at[burst]), rageColour, 'rage burst in the rage colour');
  assert.ok(await page.locator('.rw-heatmap-legend .rw-legend__item.rw-kind--rage').isVisible(), 'the legend says rage');

  // On screen too: the replay's pixels at a scaled click change when the heatmap is drawn.
  const spot = await page.evaluate(({ x, y }) => {
    const r = document.querySelector('.rw-heatmap').getBoundingClientRect();
    const s = r.width / document.querySelector('.rw-heatmap').offsetWidth;
    return { x: r.left + x * s - 4, y: r.top + y * s - 4, width: 8, height: 8 };
  }, clicks[burst]);
  const withDots = await page.screenshot({ clip: spot });
  assert.deepEqual(await violations(page), [], 'axe with the heatmap on');

  // Off: the canvas goes, the screen is the replay's alone again. H toggles it too.
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('.rw-heatmap').count(), 0);
  assert.ok(!(await page.locator('.rw-heatmap-legend').isVisible()));
  assert.notDeepEqual(await page.screenshot({ clip: spot }), withDots);
  await page.locator('.rw-player__play').focus();
  await page.keyboard.press('h');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await page.locator('.rw-heatmap').waitFor({ state: 'attached' });
  assert.deepEqual(page.errors, []);
});

test('heatmap: another page reached in playback redraws with that page\'s clicks only', { skip, timeout: 120_000 }, async (t) => {
  const { page } = await openFixture(t, 'spa-navigation');
  // The analyzer's clicks per page, from the player the viewer holds.
  const pages = await page.evaluate(() => {
    const p = window.rewindViewer.player();
    const start = p.info().start_time;
    const out = [];
    for (const a of p.actions()) {
      const url = a.url?.split('#')[0];
      if (!url) continue;
      if (out.at(-1)?.url !== url) out.push({ url, from: a.t_ms - start, clicks: [] });
      if (a.action === 'click' && Number.isFinite(a.metadata?.x)) out.at(-1).clicks.push({ x: a.metadata.x, y: a.metadata.y });
    }
    return out;
  });
  const withClicks = pages.filter((p) => p.clicks.length);
  assert.ok(new Set(withClicks.map((p) => p.url)).size >= 2, `clicks on two pages: ${JSON.stringify(pages.map((p) => [p.url, p.clicks.length]))}`);
  const [a, b] = [withClicks[0], withClicks.find((p) => p.url !== withClicks[0].url)];
  const only = (mine, other) => other.clicks.filter((o) => mine.clicks.every((m) => Math.hypot(m.x - o.x, m.y - o.y) > 60));
  const bOnly = only(a, b);
  const aOnly = only(b, a);
  assert.ok(bOnly.length && aOnly.length, 'each page has a click the other has not near');

  await page.getByRole('button', { name: 'Heatmap' }).click();
  await page.evaluate((ms) => window.rewindViewer.player().seek(ms), a.from + 1);
  let seen = await probe(page, [...aOnly, ...bOnly]);
  aOnly.forEach((_, i) => assert.ok(seen.at[i][3] > 100, `page ${a.url}: its click ${i}`));
  bOnly.forEach((_, i) => assert.equal(seen.at[aOnly.length + i][3], 0, `page ${a.url}: not ${b.url}'s click ${i}`));
  await page.evaluate((ms) => window.rewindViewer.player().seek(ms), b.from + 1);
  seen = await probe(page, [...aOnly, ...bOnly]);
  aOnly.forEach((_, i) => assert.equal(seen.at[i][3], 0, `page ${b.url}: not ${a.url}'s click ${i}`));
  bOnly.forEach((_, i) => assert.ok(seen.at[aOnly.length + i][3] > 100, `page ${b.url}: its click ${i}`));
  assert.deepEqual(page.errors, []);
});
