// The viewer's pure rules, in Node: how the action list folds repeated clicks into one row
// (BURST_WINDOW_MS, RAGE_THRESHOLD) and says SDK events once, when a collector session counts as
// live (LIVE_WINDOW_MS), which captured requests are failures (the analyzer's rule), and how a
// collector session's answer is split for the player as it streams in (splitEvents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURST_WINDOW_MS, RAGE_THRESHOLD, foldActions, isDead } from '../../js/viewer/actions.js';
import { LIVE_WINDOW_MS, POLL_MAX_MS, POLL_MS, isLive } from '../../js/viewer/live.js';
import { failed } from '../../js/viewer/network-panel.js';
import { splitEvents } from '../../js/viewer/sources.js';

const click = (t, desc = 'Clicked button "Apply coupon"', node = 7) => ({ action: 'click', t_ms: t, description: desc, target_node_id: node });

test('repeated clicks on one element fold into one row; from RAGE_THRESHOLD on it is a rage burst', () => {
  const burst = Array.from({ length: 5 }, (_, i) => click(1_000 + i * 200));
  assert.deepEqual(foldActions(burst), [{ index: 0, last: 4, count: 5, rage: true }]);
  const two = [click(0), click(BURST_WINDOW_MS)];
  assert.deepEqual(foldActions(two), [{ index: 0, last: 1, count: 2, rage: false }], 'two clicks: a double, not rage');
  assert.equal(foldActions(Array.from({ length: RAGE_THRESHOLD }, (_, i) => click(i))).at(0).rage, true);
  // Just past the window, another element, or another description: rows of their own.
  assert.equal(foldActions([click(0), click(BURST_WINDOW_MS + 1)]).length, 2);
  assert.equal(foldActions([click(0), click(10, undefined, 8)]).length, 2);
  assert.equal(foldActions([click(0), click(10, 'Clicked link "Home"')]).length, 2);
  assert.equal(foldActions([click(0), { action: 'input', t_ms: 5, description: 'Typed' }, click(10)]).length, 3);
});

test('consent and identify re-sent on every page are said once, until they change', () => {
  const consent = (t, granted) => ({ action: 'custom', t_ms: t, description: 'rewind.consent', metadata: { payload: { granted, source: 'banner' } } });
  const identify = (t, userId) => ({ action: 'custom', t_ms: t, description: 'rewind.identify', metadata: { payload: { userId } } });
  const rows = foldActions([consent(0, true), identify(1, 'ada'), consent(100, true), identify(101, 'ada'), consent(200, false), identify(201, 'grace')]);
  assert.deepEqual(rows.map((r) => r.index), [0, 1, 4, 5]);
});

test('a click the page did not answer is dead; other outcomes are not', () => {
  assert.equal(isDead({ ...click(0), metadata: { outcome: { kind: 'nothing' } } }), true);
  assert.equal(isDead({ ...click(0), metadata: { outcome: { kind: 'text' } } }), false);
  assert.equal(isDead({ action: 'input', metadata: { outcome: { kind: 'nothing' } } }), false);
});

test('a session is live while its last batch is younger than LIVE_WINDOW_MS; polling bounds', () => {
  const now = 1_000_000;
  assert.equal(isLive({ last_received_at: now - LIVE_WINDOW_MS + 1 }, now), true);
  assert.equal(isLive({ last_received_at: now - LIVE_WINDOW_MS }, now), false);
  assert.equal(isLive({}, now), false);
  assert.ok(POLL_MS <= LIVE_WINDOW_MS / 2, 'a live session is polled more than once within its window');
  assert.ok(POLL_MAX_MS >= POLL_MS);
});

test('failed requests: 4xx/5xx, or 0 with a method; aborted ones are not failures', () => {
  assert.equal(failed({ method: 'POST', status: 500 }), true);
  assert.equal(failed({ method: 'GET', status: 404 }), true);
  assert.equal(failed({ method: 'GET', status: 0 }), true);
  assert.equal(failed({ status: 0 }), false, 'a PerformanceObserver entry without timing access');
  assert.equal(failed({ method: 'GET', status: 0, aborted: true }), false);
  assert.equal(failed({ method: 'GET', status: 200 }), false);
});

test('a session answer streamed in any pieces: the events array from its own key on, and the whole body parsed', async () => {
  // Decoys: `events` as a string value, inside a string, and as a key nested in the record.
  const answer = JSON.stringify({
    session: { session_id: 's "events":[', entry_url: 'https://a.example/?"events":[1]', findings: { events: [9] }, note: 'events' },
    gaps: [[1, 2]],
    events: [{ type: 4, data: { href: '"events":[', width: 1, height: 1 }, timestamp: 1 }, { type: 5, data: { tag: ']}' }, timestamp: 2 }],
    warnings: ['batch 3: invalid JSON'],
  });
  const bytes = new TextEncoder().encode(answer);
  const from = answer.indexOf('"events":[{') + '"events":'.length;
  for (const piece of [1, 2, 5, 64, bytes.length]) {
    const body = new ReadableStream({
      start(c) {
        for (let at = 0; at < bytes.length; at += piece) c.enqueue(bytes.slice(at, at + piece));
        c.close();
      },
    });
    const { events, whole } = splitEvents(body);
    let text = '';
    for await (const chunk of events) text += new TextDecoder().decode(chunk, { stream: true });
    assert.equal(text, answer.slice(from), `pieces of ${piece} bytes: from the array's [ to the end`);
    assert.deepEqual(await whole, JSON.parse(answer));
  }
  const none = splitEvents(new Response('{"session":{},"gaps":[]}').body);
  await assert.rejects(none.whole, /no events/);
});
