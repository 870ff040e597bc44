// What the cross-session heatmap measures in each session of the set (viewer/heatmap.js draws
// it): the clicks on one page (URLs compared as the bundle's `url_normalizer` says them,
// src/analyze/normalize.rs through js/analyze.js's normalizeUrl), each anchored to the element it
// hit, and how far down the page the session scrolled.
//
// The anchor comes from the session's own replay: a player mounted out of sight seeks to each
// click and asks its rebuilt page which element is under the recorded point (`elementFromPoint`,
// so the page's scroll offset at that moment is the player's), then keeps that element's path and
// the click's offset inside its box as fractions. Resolved in another rebuilt page of the same
// URL, the path and fractions put the click on the same element whatever its position there, so
// sessions with other layouts, viewport widths or scroll offsets do not smear the map.
import { foldActions, isDead } from './actions.js';

/**
 * Sessions measured for one heatmap at most: each is replayed out of sight (about 50–200 ms for
 * a small session on this machine), so this bounds the wait to seconds; a larger set is cut to
 * the first ones in list order and the view says so.
 */
export const MAX_HEATMAP_SESSIONS = 20;

/**
 * Longest element path kept, in steps from the element up: deeper pages still resolve through
 * their nearest `id` or `data-*` anchor, and a path never grows without bound.
 */
export const MAX_PATH_STEPS = 32;

/** `data-*` attributes a path may anchor on, most specific first (the analyzer's `selectors`). */
const ANCHOR_ATTRIBUTES = ['data-testid', 'data-test', 'data-cy', 'data-qa', 'data-id'];

/** Which kind a click counts as when several apply: the worst one. */
export const SEVERITY = { click: 0, dead: 1, rage: 2 };

/**
 * The read API's `url` filter (a visited URL contains it) for the page a heatmap is drawn for:
 * its origin and path, without query or fragment, so sessions that visited the page with other
 * parameters are found too; '' (no filter) for a URL that does not parse.
 */
export function pageFilter(raw) {
  try {
    const u = new URL(raw);
    return u.origin === 'null' ? '' : `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}

/**
 * The first `max` of `rows`, with `capped` saying whether any were left out and `total` how many
 * there were (`total` may be given when `rows` is already one page of a larger set).
 */
export function capSet(rows, max = MAX_HEATMAP_SESSIONS, total = rows.length) {
  const kept = rows.slice(0, max);
  return { rows: kept, total: Math.max(total, rows.length), capped: Math.max(total, rows.length) > kept.length };
}

/**
 * The clicks of `actions` (the analyzer's, time order) on the page `url` (already normalized):
 * `[{t_ms, x, y, kind}]`, `kind` `rage` (a click of a rage burst: the analyzer's
 * `metadata.rage`, or a burst actions.js folds), `dead` (no response) or `click`. Clicks without
 * a finite position are left out.
 */
export function clicksOn(actions, url, normalize) {
  const rage = new Set();
  for (const row of foldActions(actions)) {
    if (row.rage) for (let i = row.index; i <= row.last; i++) rage.add(i);
  }
  const out = [];
  actions.forEach((a, i) => {
    if (a.action !== 'click' && a.action !== 'touch_start') return;
    if (!a.url || normalize(a.url) !== url) return;
    const x = Number(a.metadata?.x);
    const y = Number(a.metadata?.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    out.push({ t_ms: a.t_ms, x, y, kind: rage.has(i) || a.metadata?.rage ? 'rage' : isDead(a) ? 'dead' : 'click' });
  });
  return out;
}

/**
 * The session's stay on page `url`: `{first, deepest}`: the epoch ms of its first action there
 * (null when it never was there), and the page scroll that went furthest down there as
 * `{t_ms, y}` (the analyzer's `scroll` actions on the page itself, whose `metadata.y` is where a
 * burst of scrolling ended, CSS px), or null when it did not scroll.
 */
export function stayOn(actions, url, normalize) {
  let first = null;
  let deepest = null;
  for (const a of actions) {
    if (!a.url || normalize(a.url) !== url) continue;
    first ??= a.t_ms;
    const y = Number(a.metadata?.y);
    if (a.action === 'scroll' && a.target_desc === 'page' && Number.isFinite(y) && (!deepest || y > deepest.y)) deepest = { t_ms: a.t_ms, y };
  }
  return { first, deepest };
}

/**
 * A CSS selector for `el` within its document: from the nearest ancestor (or itself) with a
 * unique `id` or anchoring `data-*` attribute, else from `html`, then one `tag:nth-of-type(i)`
 * step per level (so siblings of other tags, such as a banner one layout adds, do not shift it).
 */
export function elementPath(el) {
  const doc = el.ownerDocument;
  const esc = (s) => (globalThis.CSS?.escape ? CSS.escape(s) : String(s).replace(/[^\w-]/g, (c) => `\\${c}`));
  const unique = (selector) => {
    try {
      return doc.querySelectorAll(selector).length === 1;
    } catch {
      return false;
    }
  };
  const steps = [];
  for (let n = el; n && n.nodeType === 1 && steps.length < MAX_PATH_STEPS; n = n.parentElement) {
    if (n === doc.documentElement) return ['html', ...steps].join(' > ');
    if (n.id && unique(`#${esc(n.id)}`)) return [`#${esc(n.id)}`, ...steps].join(' > ');
    const attr = ANCHOR_ATTRIBUTES.find((a) => n.hasAttribute(a) && unique(`[${a}="${esc(n.getAttribute(a))}"]`));
    if (attr) return [`[${attr}="${esc(n.getAttribute(attr))}"]`, ...steps].join(' > ');
    let i = 1;
    for (let s = n.previousElementSibling; s; s = s.previousElementSibling) if (s.localName === n.localName) i++;
    steps.unshift(`${esc(n.localName)}:nth-of-type(${i})`);
  }
  return steps.length ? steps.join(' > ') : null;
}

/** `selector` in `doc`, or null (no match, or not a selector). */
export function resolvePath(doc, selector) {
  if (!selector) return null;
  try {
    return doc.querySelector(selector);
  } catch {
    return null;
  }
}

const clamp01 = (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);

/**
 * Measures one session of the set on page `url` (normalized) by replaying it in a player
 * mounted in `host` (out of sight; removed after). `createPlayer`: js/player.js's; `input()`:
 * resolves to what it takes (called only when the session was on the page, so the events of a
 * session that never was are not fetched); `actions`: the session's analysis actions. Resolves to `{visited, clicks: [{kind,
 * path, fx, fy}], reach}`: `path` the hit element's elementPath (null when the rebuilt page had
 * nothing there), `fx`/`fy` the click's offset in that element's box (0–1), and `reach` the
 * fraction of the page's height the session saw (the bottom of its deepest viewport over the
 * page's scroll height, at most 1), null when it never was on the page.
 */
export async function measureSession({ createPlayer, input, actions, url, normalize, host }) {
  const clicks = clicksOn(actions, url, normalize);
  const { first, deepest } = stayOn(actions, url, normalize);
  if (first === null) return { visited: false, clicks: [], reach: null };
  const box = host.ownerDocument.createElement('div');
  box.className = 'rw-heatmap-probe';
  box.setAttribute('aria-hidden', 'true');
  box.inert = true;
  host.append(box);
  let player = null;
  try {
    player = await createPlayer(box, await input(), { skipInactive: false, labels: false });
    if (!player.isLoaded()) await new Promise((resolve) => player.on('loaded', resolve));
    const start = player.info().start_time ?? 0;
    let bottom = 0;
    let height = 0;
    const at = (tMs) => {
      player.seek(tMs - start);
      const doc = player.frame?.contentDocument;
      const root = doc?.scrollingElement ?? doc?.documentElement;
      if (root) {
        bottom = Math.max(bottom, root.scrollTop + doc.defaultView.innerHeight);
        height = Math.max(height, root.scrollHeight);
      }
      return doc;
    };
    const measured = [];
    for (const c of clicks) {
      const doc = at(c.t_ms);
      const el = doc?.elementFromPoint(c.x, c.y);
      if (!el) {
        measured.push({ kind: c.kind, path: null, fx: 0.5, fy: 0.5 });
        continue;
      }
      const r = el.getBoundingClientRect();
      measured.push({
        kind: c.kind,
        path: elementPath(el),
        fx: r.width > 0 ? clamp01((c.x - r.left) / r.width) : 0.5,
        fy: r.height > 0 ? clamp01((c.y - r.top) / r.height) : 0.5,
      });
    }
    at(first);
    // The scroll action's time is where its burst began; its `y` is where the burst ended.
    if (deepest) {
      const doc = at(deepest.t_ms);
      if (doc) bottom = Math.max(bottom, deepest.y + doc.defaultView.innerHeight);
    }
    return { visited: true, clicks: measured, reach: height > 0 ? Math.min(1, bottom / height) : null };
  } finally {
    player?.destroy();
    box.remove();
  }
}

/**
 * The scroll-depth curve: for each of `steps` + 1 depths (0, 1/steps, …, 1 of the page's
 * height), the share of `reaches` (fractions, nulls ignored) at or below which a session saw the
 * page — 1 at the top. Empty input gives an empty curve.
 */
export function depthCurve(reaches, steps = 20) {
  const seen = reaches.filter((r) => Number.isFinite(r));
  if (!seen.length) return [];
  return Array.from({ length: steps + 1 }, (_, i) => {
    const depth = i / steps;
    return { depth, share: i === 0 ? 1 : seen.filter((r) => r >= depth - 1e-9).length / seen.length };
  });
}

/** The median of `reaches` (nulls ignored), or null for none. */
export function medianReach(reaches) {
  const seen = reaches.filter((r) => Number.isFinite(r)).sort((a, b) => a - b);
  if (!seen.length) return null;
  const mid = seen.length >> 1;
  return seen.length % 2 ? seen[mid] : (seen[mid - 1] + seen[mid]) / 2;
}
