// Route changes and seeking: an SPA with 6 route changes (pushState, replaceState,
// popstate, hashchange) is recorded, and its events are replayed in rrweb 2.x's own Replayer and
// in rewind's player, seeking to 0.6 s after each route change: each seek must show that route's
// page. rewind records a route change as a Custom `rewind.navigation` event; a bare Meta per route
// change (what it emitted before) makes rrweb's Replayer start its seek at that Meta and drop the
// FullSnapshot before it, which the test also shows.
//
// impl "fake" records with the real rrweb.record (which records no route change: the harness and
// the Replayer must give 6/6 anyway); impl "real" records with rewind's wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, TYPE, newPage, playerReady, setup, skipReason, sleep } from './support.mjs';

/** The route changes: how, where, the page (`#view[data-testid]`) shown, the recorded path. */
const ROUTES = [
  ['push', '/pages/spa/products', 'products', '/pages/spa/products'],
  ['push', '/pages/spa/products/42', 'product-42', '/pages/spa/products/42'],
  ['replace', '/pages/spa/products/42?tab=reviews', 'reviews-42', '/pages/spa/products/42'],
  ['back', null, 'products', '/pages/spa/products'],
  ['hash', 'cart', 'cart', '/pages/spa/products'], // the fragment is scrubbed like the query
  ['push', '/pages/spa/checkout', 'checkout', '/pages/spa/checkout'],
];
const SEEK_AFTER_MS = 600;
const GAP_MS = 1000;


async function record(browser, origin, impl) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/spa.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => window.__init({ onEventsIntervalMs: 0 }));
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test', version: '1' })), true);
  await sleep(GAP_MS);
  const times = [];
  for (const [how, path, want] of ROUTES) {
    times.push(await page.evaluate(([how, path]) => {
      const at = Date.now();
      window.__go(how, path);
      return at;
    }, [how, path]));
    await page.waitForFunction((want) => document.getElementById('view')?.dataset.testid === want, want);
    await sleep(GAP_MS);
  }
  const events = await page.evaluate(() => window.__collect());
  assert.deepEqual(page.errors, [], 'page errors while recording');
  await page.context().close();
  return { events, times };
}

/** The page each rrweb Replayer seek shows (`data-testid`), forwards then backwards. */
async function rrwebSeeks(page, events, offsets) {
  return page.evaluate(async ({ events, offsets }) => {
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, triggerFocus: false });
    const seen = (order) => {
      const out = [];
      for (const i of order) {
        replayer.pause(offsets[i]);
        out[i] = replayer.iframe.contentDocument.getElementById('view')?.dataset.testid ?? null;
      }
      return out;
    };
    const forwards = seen(offsets.map((_, i) => i));
    const backwards = seen(offsets.map((_, i) => offsets.length - 1 - i));
    replayer.destroy?.();
    root.remove();
    return { forwards, backwards };
  }, { events, offsets });
}

for (const impl of IMPLS) {
  test(`seeking across route changes in rrweb's Replayer and rewind's player (${impl} recorder)`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    const { events, times } = await record(browser, server.origin, impl);
    const start = events[0].timestamp;
    const offsets = times.map((at) => at - start + SEEK_AFTER_MS);
    const want = ROUTES.map((r) => r[2]);
    const navigations = events.filter((e) => e.type === TYPE.Custom && e.data.tag === 'rewind.navigation');
    if (impl === 'real') {
      assert.equal(events.filter((e) => e.type === TYPE.Meta).length, 1, 'one Meta: the start (a route change is no Meta)');
      assert.deepEqual(
        navigations.map((e) => new URL(e.data.payload.href).pathname + new URL(e.data.payload.href).hash),
        ROUTES.map((r) => r[3]),
        'one rewind.navigation per route change, query scrubbed',
      );
      assert.ok(navigations.every((e) => /^\**$/.test(e.data.payload.title.replace(/\s/g, '')) && e.data.payload.title.length > 0), 'titles masked');
    }

    const page = await newPage(browser);
    await page.goto(`${server.origin}/pages/replay.html`);
    const rrwebSeen = await rrwebSeeks(page, events, offsets);
    assert.deepEqual(rrwebSeen.forwards, want, "rrweb's Replayer, seeking forwards");
    assert.deepEqual(rrwebSeen.backwards, want, "rrweb's Replayer, seeking backwards");

    if (impl === 'real') {
      // The test is not blind: the same stream with a bare Meta per route change (the older
      // format) does not seek in rrweb's Replayer.
      const meta = events.find((e) => e.type === TYPE.Meta);
      const older = events.map((e) =>
        e.type === TYPE.Custom && e.data.tag === 'rewind.navigation'
          ? { type: TYPE.Meta, data: { href: e.data.payload.href, width: meta.data.width, height: meta.data.height }, timestamp: e.timestamp }
          : e,
      );
      const olderSeen = await rrwebSeeks(page, older, offsets);
      const right = olderSeen.forwards.filter((p, i) => p === want[i]).length;
      t.diagnostic(`bare Metas: ${right}/${want.length} seeks right (${olderSeen.forwards})`);
      assert.equal(right, 0, `bare Metas: ${right}/${want.length} right (${olderSeen.forwards})`);
    }

    if (playerReady) {
      const mine = await page.evaluate(async ({ events, offsets }) => {
        const { createPlayer } = await import('/js/player.js');
        const el = document.createElement('div');
        el.style.cssText = 'width:800px;height:600px';
        document.body.append(el);
        const p = await createPlayer(el, events, { skipInactive: false });
        const out = [];
        for (const ms of [...offsets, ...[...offsets].reverse()]) {
          p.seek(ms);
          out.push({ page: p.frame.contentDocument.getElementById('view')?.dataset.testid ?? null, url: p.info().url });
        }
        p.destroy();
        el.remove();
        return out;
      }, { events, offsets });
      const pages = mine.map((m) => m.page);
      assert.deepEqual(pages, [...want, ...[...want].reverse()], "rewind's player, seeking forwards then backwards");
      if (impl === 'real') {
        const urls = mine.slice(0, ROUTES.length).map((m) => new URL(m.url).pathname + new URL(m.url).hash);
        assert.deepEqual(urls, ROUTES.map((r) => r[3]), "rewind's player: the URL at each seek");
      }
    }
    assert.deepEqual(page.errors, [], 'replay page errors');
  });
}
