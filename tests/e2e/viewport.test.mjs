// ViewportResize (rrweb IncrementalSource 4) from a real window resize: the recorder emits the
// new inner size, throttled to the last size of a burst, and the analyzer reads the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE, newPage, setup, skipReason, sleep } from './support.mjs';

test('a window resize is recorded as ViewportResize with the new size', { skip: skipReason('real') ?? false }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/form.html?impl=real`);
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => {
    window.__init({ onEventsIntervalMs: 0 });
    return window.rw.optIn({ source: 'test' });
  });
  await page.setViewportSize({ width: 800, height: 600 });
  await sleep(50);
  await page.setViewportSize({ width: 640, height: 480 });
  await sleep(400);
  const events = await page.evaluate(() => window.__collect());
  const meta = events.find((e) => e.type === TYPE.Meta);
  assert.deepEqual([meta.data.width, meta.data.height], [1000, 700], 'Meta has the size at start');
  const resizes = events.filter((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 4);
  assert.ok(resizes.length >= 1, 'at least one ViewportResize');
  const last = resizes.at(-1).data;
  assert.deepEqual([last.width, last.height], [640, 480], 'the final size');
  assert.deepEqual(Object.keys(last).sort(), ['height', 'source', 'width'], "rrweb's shape");
  assert.deepEqual(page.errors, []);
});
