// The viewer's pure rules, in Node: how the action list folds repeated clicks into one row
// (BURST_WINDOW_MS, RAGE_THRESHOLD) and says SDK events once, when a collector session counts as
// live (LIVE_WINDOW_MS), and which captured requests are failures (the analyzer's rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURST_WINDOW_MS, RAGE_THRESHOLD, foldActions, isDead } from '../../js/viewer/actions.js';
import { LIVE_WINDOW_MS, POLL_MAX_MS, POLL_MS, isLive } from '../../js/viewer/live.js';
import { failed } from '../../js/viewer/network-panel.js';

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
