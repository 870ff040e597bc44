// The cross-session heatmap's pure rules, in Node: which page is on screen at a time (pageKey,
// pageAt, urlAt), which clicks of a session are on a page (clicksOn, with its URLs normalized)
// and how far it scrolled there (stayOn), the cap on the set (capSet, MAX_HEATMAP_SESSIONS), the
// scroll-depth curve (depthCurve, medianReach), the read API filter that finds its sessions
// (pageFilter), and how clicks are binned by density (binClicks,
// BIN_PX) with the most severe kind winning a bin and opacity by count (binAlpha).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN_PX, binAlpha, binClicks, pageAt, pageKey, urlAt } from '../../js/viewer/heatmap.js';
import { MAX_HEATMAP_SESSIONS, capSet, clicksOn, depthCurve, medianReach, pageFilter, stayOn } from '../../js/viewer/heatmap-set.js';

const click = (t, x, y, url, extra = {}) => ({ action: 'click', t_ms: t, url, description: `Clicked at ${x},${y}`, target_node_id: x, metadata: { x, y }, ...extra });
const CART = 'https://shop.test/cart';
const PAY = 'https://shop.test/pay?step=1';

test('pageKey drops the fragment only; no URL is the empty page', () => {
  assert.equal(pageKey(`${CART}#coupon`), CART);
  assert.equal(pageKey(PAY), PAY, 'the query names another page');
  assert.equal(pageKey(null), '');
  assert.equal(pageKey(''), '');
});

/** A stand-in for the bundle's normalizer with its two rules these tests need: no query, no fragment. */
const normalize = (url) => url.replace(/[?#].*$/, '');

test('clicksOn keeps the clicks on one normalized page, marks rage bursts and dead clicks, skips the rest', () => {
  const actions = [
    { action: 'navigate', t_ms: 0, url: CART, metadata: {} },
    click(100, 10, 20, CART),
    // Three quick clicks on one element: a rage burst (actions.js RAGE_THRESHOLD).
    ...[0, 1, 2].map((i) => click(1_000 + i * 100, 300, 200, `${CART}#x`, { target_node_id: 9, description: 'Apply' })),
    click(2_000, 50, 60, CART, { metadata: { x: 50, y: 60, outcome: { kind: 'nothing' } } }),
    click(2_500, 70, 80, CART, { metadata: {} }), // no position: nothing to draw
    { action: 'touch_start', t_ms: 3_000, url: PAY, metadata: { x: 5, y: 6 } },
    { action: 'input', t_ms: 3_100, url: PAY, metadata: { x: 1, y: 1 } },
  ];
  assert.deepEqual(clicksOn(actions, CART, normalize).map((c) => [c.x, c.y, c.kind]), [
    [10, 20, 'click'], [300, 200, 'rage'], [300, 200, 'rage'], [300, 200, 'rage'], [50, 60, 'dead'],
  ]);
  assert.deepEqual(clicksOn(actions, 'https://shop.test/pay', normalize), [{ x: 5, y: 6, t_ms: 3_000, kind: 'click' }], 'its query dropped');
  assert.deepEqual(clicksOn(actions, PAY, normalize), [], 'compared normalized');
  assert.deepEqual(clicksOn([], CART, normalize), []);
});

test('stayOn: the first moment on the page and its deepest page scroll, element scrolls aside', () => {
  const actions = [
    { action: 'navigate', t_ms: 10, url: PAY, metadata: {} },
    { action: 'scroll', t_ms: 20, url: PAY, target_desc: 'page', metadata: { x: 0, y: 900 } },
    { action: 'navigate', t_ms: 100, url: CART, metadata: {} },
    { action: 'scroll', t_ms: 200, url: CART, target_desc: 'page', metadata: { x: 0, y: 400 } },
    { action: 'scroll', t_ms: 300, url: CART, target_desc: 'page', metadata: { x: 0, y: 250 } },
    { action: 'scroll', t_ms: 400, url: CART, target_desc: 'div "list"', metadata: { x: 0, y: 5_000 } },
  ];
  assert.deepEqual(stayOn(actions, CART, normalize), { first: 100, deepest: { t_ms: 200, y: 400 } });
  assert.deepEqual(stayOn(actions, 'https://shop.test/pay', normalize), { first: 10, deepest: { t_ms: 20, y: 900 } });
  assert.deepEqual(stayOn(actions, 'https://shop.test/none', normalize), { first: null, deepest: null });
});

test('capSet keeps the first MAX_HEATMAP_SESSIONS and says when it cut', () => {
  assert.equal(MAX_HEATMAP_SESSIONS, 20);
  const rows = Array.from({ length: 25 }, (_, i) => i);
  assert.deepEqual(capSet(rows), { rows: rows.slice(0, 20), total: 25, capped: true });
  assert.deepEqual(capSet(rows.slice(0, 3)), { rows: [0, 1, 2], total: 3, capped: false });
  // One page of a larger listing: the listing's total says it was cut.
  assert.deepEqual(capSet(rows.slice(0, 20), 20, 1_000), { rows: rows.slice(0, 20), total: 1_000, capped: true });
  assert.deepEqual(capSet([], 20, 0), { rows: [], total: 0, capped: false });
});

test('depthCurve: the share of sessions that saw each depth; medianReach', () => {
  const curve = depthCurve([1, 0.5, 0.25, null], 4);
  assert.deepEqual(curve.map((p) => p.depth), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(curve.map((p) => p.share), [1, 1, 2 / 3, 1 / 3, 1 / 3]);
  assert.deepEqual(depthCurve([]), []);
  assert.equal(medianReach([1, 0.5, 0.25, null]), 0.5);
  assert.equal(medianReach([1, 0.5]), 0.75);
  assert.equal(medianReach([]), null);
});

test('urlAt is the URL of the last action at or before the time, query and fragment kept', () => {
  const actions = [{ action: 'navigate', t_ms: 100, url: `${CART}#a` }, { action: 'navigate', t_ms: 500, url: PAY }];
  assert.equal(urlAt(actions, 0), `${CART}#a`);
  assert.equal(urlAt(actions, 600), PAY);
  assert.equal(urlAt([], 1), null);
});

test('pageAt is the page of the last action at or before the time, the first page before any', () => {
  const actions = [{ action: 'navigate', t_ms: 100, url: CART }, { action: 'custom', t_ms: 150, url: null }, click(200, 1, 1, `${CART}#a`), { action: 'navigate', t_ms: 500, url: PAY }];
  assert.equal(pageAt(actions, 0), CART);
  assert.equal(pageAt(actions, 150), CART, 'an action without a URL keeps the page');
  assert.equal(pageAt(actions, 499), CART);
  assert.equal(pageAt(actions, 500), PAY);
  assert.equal(pageAt([], 10), '');
});

test('binClicks piles clicks within one BIN_PX cell into one bin at their mean, the worst kind winning', () => {
  const { bins, max } = binClicks([
    { x: 1, y: 1, kind: 'click' }, { x: 3, y: 5, kind: 'dead' }, { x: 2, y: 3, kind: 'click' },
    { x: BIN_PX + 1, y: 1, kind: 'click' },
    { x: 100, y: 100, kind: 'rage' }, { x: 101, y: 101, kind: 'click' },
  ]);
  assert.equal(max, 3);
  assert.deepEqual(bins, [
    { x: 2, y: 3, count: 3, kind: 'dead' },
    { x: BIN_PX + 1, y: 1, count: 1, kind: 'click' },
    { x: 100.5, y: 100.5, count: 2, kind: 'rage' },
  ]);
  assert.deepEqual(binClicks([]), { bins: [], max: 0 });
  // A coarser grid merges what a finer one keeps apart.
  assert.equal(binClicks([{ x: 0, y: 0, kind: 'click' }, { x: 30, y: 0, kind: 'click' }], 64).bins.length, 1);
});

test('binAlpha: the densest bin is opaque, a single click faint but visible', () => {
  assert.equal(binAlpha(5, 5), 1);
  assert.ok(binAlpha(1, 5) > 0.3 && binAlpha(1, 5) < binAlpha(3, 5));
  assert.equal(binAlpha(1, 1), 1, 'one click on its own is the densest');
});

test('the collector is asked for sessions that visited the page, whatever its query or fragment', () => {
  assert.equal(pageFilter('https://shop.test/cart?step=2#pay'), 'https://shop.test/cart');
  assert.equal(pageFilter('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/');
  assert.equal(pageFilter(''), '');
  assert.equal(pageFilter('not a url'), '');
  assert.equal(pageFilter('data:text/html,hi'), '');
});
