// Replayed focus rings, in Chromium with the real player (js/player.js + src/play): where the
// recording shows focus moving (rrweb MouseInteraction Focus 5 / Blur 6, and Input on a field),
// the rebuilt page shows a ring on that element at that time — after a seek forwards or
// backwards, and while playing — and on no element once it is blurred.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserSkipReason, newPage, playerReady, root, setup } from './support.mjs';

const skip = browserSkipReason() ?? (playerReady ? false : 'pkg/rewind.js has no player: run `npm run build:wasm-analyze`');
const events = JSON.parse(readFileSync(new URL('fixtures/login-form.json', root), 'utf8'));
const start = events[0].timestamp;
/** rrweb: IncrementalSnapshot 3; sources MouseInteraction 2 and Input 5; Focus 5, Blur 6. */
const focusEvents = events.filter((e) => e.type === 3 && e.data.source === 2 && (e.data.type === 5 || e.data.type === 6))
  .map((e) => ({ t: e.timestamp - start, kind: e.data.type === 5 ? 'focus' : 'blur', id: e.data.id }));

/** The FullSnapshot node with rrweb id `id`: its tag and attributes. */
function recordedNode(id) {
  const walk = (n) => (n.id === id ? n : (n.childNodes ?? []).map(walk).find(Boolean));
  const node = walk(events.find((e) => e.type === 2).data.node);
  assert.ok(node?.tagName, `node ${id} is an element of the snapshot`);
  return node;
}

/** The elements with the ring in the replayed page: tag, id/name/type, computed outline. */
const ringed = (page) => page.evaluate(() => {
  const doc = window.__p.frame.contentDocument;
  return [...doc.querySelectorAll('.rewind-focus')].map((el) => {
    const s = doc.defaultView.getComputedStyle(el);
    return { tag: el.localName, id: el.getAttribute('id'), name: el.getAttribute('name'), type: el.getAttribute('type'), outline: `${s.outlineStyle} ${s.outlineColor} ${s.outlineWidth}` };
  });
});

function assertRing(seen, id, what) {
  const want = recordedNode(id);
  assert.equal(seen.length, 1, `one ring ${what}: ${JSON.stringify(seen)}`);
  const [ring] = seen;
  assert.equal(ring.tag, want.tagName, what);
  for (const attr of ['id', 'name', 'type']) assert.equal(ring[attr], want.attributes[attr] ?? null, `${what}: ${attr}`);
  assert.equal(ring.outline, 'solid rgb(64, 83, 214) 3px', what);
}

test('focus rings: on the focused element after seeks either way and while playing, none after blur', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/replay.html`);
  await page.evaluate(async (recording) => {
    const { createPlayer } = await import('/js/player.js');
    const el = document.createElement('div');
    el.style.cssText = 'width: 800px; height: 600px';
    document.body.append(el);
    window.__p = await createPlayer(el, recording, { skipInactive: false });
  }, events);
  const seek = (ms) => page.evaluate((ms) => window.__p.seek(ms), ms);

  const [first] = focusEvents;
  assert.equal(first.kind, 'focus');
  assert.ok(focusEvents.some((e) => e.kind === 'blur'), 'the fixture blurs too');
  await seek(first.t - 1);
  assert.deepEqual(await ringed(page), [], 'no ring before the first focus');
  // Every focus change, seeking forwards, then again backwards from the end.
  const moments = focusEvents.map((e, i) => ({ ...e, until: focusEvents[i + 1]?.t ?? Infinity }))
    .filter((e) => e.until > e.t); // a blur and a focus at the same ms: the later one counts
  for (const order of [moments, [...moments].reverse()]) {
    for (const m of order) {
      await seek(m.t); // a seek applies the events up to and including its time
      const seen = await ringed(page);
      if (m.kind === 'focus') assertRing(seen, m.id, `after focus at ${m.t} ms`);
      else assert.deepEqual(seen, [], `no ring after the blur at ${m.t} ms`);
    }
  }
  // Playing across the first focus: the ring appears as playback passes it.
  await seek(first.t - 300);
  assert.deepEqual(await ringed(page), []);
  await page.evaluate(() => window.__p.play());
  await page.waitForFunction((t) => window.__p.currentTime() > t + 50, first.t, { timeout: 10_000 });
  await page.evaluate(() => window.__p.pause());
  const now = await page.evaluate(() => window.__p.currentTime());
  const current = moments.filter((m) => m.t <= now).at(-1);
  if (current.kind === 'focus') assertRing(await ringed(page), current.id, `playing, at ${now} ms`);
  assert.deepEqual(page.errors, []);
});
