// Share links and deep links in the viewer (js/viewer/location.js) against the real collector
// in Chromium: a `#share=TOKEN&t=S` link opens that one session at S without a read key, lists
// nothing, sends the token only in the Authorization header and still works after a reload;
// `#session=ID&t=S` opens a session at S for a read-key holder, the address follows the player
// while it plays (replaceState, no history entries), and "Copy link at this moment" makes a
// share link that opens at the moment it was copied; `links: false` leaves a host page's
// fragment alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, launch, newPage, playerReady, root, sleep, until } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, startCollector } from './collector.mjs';

const skip = browserSkipReason() ?? collectorSkipReason() ?? (playerReady ? false : 'pkg/rewind.js has no Player: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));
const events = JSON.parse(readFileSync(new URL('fixtures/login-form.json', root), 'utf8'));

/** A page that records every request to the collector's API: `{url, authorization}`. */
async function apiPage(browser) {
  const page = await newPage(browser);
  page.api = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/')) page.api.push({ url: r.url(), authorization: r.headers().authorization ?? null });
  });
  return page;
}

/** Waits for the player of the selected session; its time, duration and state. */
async function playerState(page) {
  await page.waitForFunction(() => window.rewindViewer?.player() && !document.querySelector('.rw-player__play')?.disabled, null, { timeout: 30_000 });
  return page.evaluate(() => {
    const p = window.rewindViewer.player();
    return { time: p.currentTime(), duration: p.duration(), playing: p.isPlaying() };
  });
}

const hashParams = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));

test('share links and deep links open a session at a moment', { skip, timeout: 120_000 }, async (t) => {
  const collector = await startCollector({ www: WWW });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
  });
  const shared = `shared-${crypto.randomUUID()}`;
  const other = `other-${crypto.randomUUID()}`;
  for (const id of [shared, other]) assert.equal(await ingest(collector.origin, { session_id: id, events }), 200);

  const res = await fetch(`${collector.origin}/v1/sessions/${shared}/share`, {
    method: 'POST', headers: { authorization: `Bearer ${KEYS.read}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttl_s: 600, t: 3 }),
  });
  const link = await res.json();
  assert.equal(res.status, 200, JSON.stringify(link));
  assert.equal(link.url, `${collector.origin}/#share=${link.token}&t=3`);

  await t.test('a share link opens its session at t, without a read key, and lists nothing', async () => {
    const page = await apiPage(browser);
    await page.goto(link.url);
    const state = await playerState(page);
    assert.ok(Math.abs(state.time - 3000) < 300, `positioned at 3 s: ${state.time} ms`);
    assert.equal(state.playing, false);
    assert.equal(await page.locator('.rw-session').count(), 1);
    assert.equal(await page.getByLabel('Read key').isVisible(), false, 'no key asked for');
    assert.equal(await page.locator('.rw-group__title').first().textContent(), 'Shared session');
    assert.equal(await page.locator('.rw-list [role=option]').count(), 1);
    // Only this session's reads, each with the token in the header and never in a URL.
    assert.ok(page.api.length >= 2, JSON.stringify(page.api));
    for (const { url, authorization } of page.api) {
      assert.match(new URL(url).pathname, new RegExp(`^/v1/sessions/${shared}(/analysis)?$`), url);
      assert.equal(authorization, `Bearer share.${link.token}`);
      assert.ok(!url.includes(link.token), url);
    }
    // Listing and other sessions stay closed to the token.
    const refused = await page.evaluate(async ([token, id]) => {
      const get = async (path) => (await fetch(path, { headers: { authorization: `Bearer share.${token}` } })).status;
      return [await get('/v1/sessions'), await get(`/v1/sessions/${id}`)];
    }, [link.token, other]);
    assert.deepEqual(refused, [403, 403]);

    // The link stays in the address: a reload opens the same session at the same moment.
    assert.equal((await hashParams(page)).share, link.token);
    await page.reload();
    const again = await playerState(page);
    assert.ok(Math.abs(again.time - 3000) < 300, `after a reload: ${again.time} ms`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  await t.test('a forged share link says why it cannot open', async () => {
    const page = await apiPage(browser);
    const [payload, mac] = link.token.split('.');
    const forged = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BA' : 'AA'}`;
    await page.goto(`${collector.origin}/#share=${forged}&t=3`);
    await page.locator('.rw-error-state', { hasText: 'invalid share token' }).waitFor();
    assert.equal(await page.getByLabel('Read key').isVisible(), false);
    assert.ok(page.api.every(({ url }) => !new URL(url).search), 'no listing');
    await page.context().close();
  });

  await t.test('#session=ID&t=S opens at S with a key; the address follows the player', async () => {
    const page = await apiPage(browser);
    await page.goto(`${collector.origin}/#readKey=${KEYS.read}&session=${other}&t=2`);
    const state = await playerState(page);
    assert.ok(Math.abs(state.time - 2000) < 300, `positioned at 2 s: ${state.time} ms`);
    assert.deepEqual(await hashParams(page), { session: other, t: '2' }, 'the key left the address');
    const historyLength = await page.evaluate(() => history.length);

    await page.getByRole('button', { name: 'Play' }).click();
    const moved = await until(async () => {
      const t_ = Number((await hashParams(page)).t);
      return t_ >= 4 && t_;
    }, 10_000, 'the address following the player');
    assert.ok(moved >= 4);
    await page.getByRole('button', { name: 'Pause' }).click().catch(() => {}); // it may have finished
    await sleep(200);
    const now = await page.evaluate(() => window.rewindViewer.player().currentTime());
    assert.equal((await hashParams(page)).t, String(Math.floor(now / 1000)), 'the paused moment');
    assert.equal(await page.evaluate(() => history.length), historyLength, 'no history entry per second');

    // "Copy link at this moment": a share link at the player's moment, opened without the key.
    await page.evaluate(() => window.rewindViewer.player().seek(4500));
    await page.getByRole('button', { name: 'Copy link at this moment' }).click();
    const copied = await until(() => page.locator('.rw-share__status').getAttribute('data-url'), 10_000, 'the copied link');
    const params = new URLSearchParams(new URL(copied).hash.slice(1));
    assert.equal(params.get('t'), '4');
    assert.ok(params.get('share') && !params.get('session'), copied);
    const fresh = await apiPage(browser);
    await fresh.goto(copied);
    const opened = await playerState(fresh);
    assert.ok(Math.abs(opened.time - 4000) < 300, `the copied moment: ${opened.time} ms`);
    assert.ok(fresh.api.every(({ url }) => url.includes(`/v1/sessions/${other}`)), JSON.stringify(fresh.api));
    assert.deepEqual([...page.errors, ...fresh.errors], []);
    await fresh.context().close();
    await page.context().close();
  });

  await t.test('links: false leaves a host page\'s own fragment alone', async () => {
    const page = await apiPage(browser);
    await page.goto(`${collector.origin}/#readKey=${KEYS.read}`);
    await page.locator('.rw-list [role=option]').first().waitFor();
    const hash = await page.evaluate(async (id) => {
      window.rewindViewer.destroy();
      history.replaceState(null, '', '#/admin/replays?tab=2');
      const { mountViewer } = await import('/viewer.js');
      window.rewindViewer = mountViewer(document.getElementById('viewer'), { source: { collector: { baseUrl: location.origin } }, links: false });
      await window.rewindViewer.refresh();
      await window.rewindViewer.select(`c:${id}`);
      return location.hash;
    }, other);
    await playerState(page);
    await page.getByRole('button', { name: 'Play' }).click();
    await sleep(1500);
    assert.equal(await page.evaluate(() => location.hash), '#/admin/replays?tab=2');
    assert.equal(hash, '#/admin/replays?tab=2');
    // Its share links open the collector's own viewer instead.
    await page.getByRole('button', { name: 'Copy link at this moment' }).click();
    const copied = await until(() => page.locator('.rw-share__status').getAttribute('data-url'), 10_000, 'the copied link');
    assert.ok(copied.startsWith(`${collector.origin}/#share=`), copied);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
