// The click heatmap over the replay: the clicks of the page on screen (the analyzer's click
// actions, their `metadata.x`/`y`, CSS px of the recorded viewport as rrweb's MouseInteraction
// reports them), binned by density and drawn as blurred dots on a canvas inside the player's
// stage, so the stage's own `scale()` fits them to the replay. Rage and no-response clicks take
// the timeline's colours (viewer.css `--rw-kind-*`, ticks.js). Redrawn when playback reaches
// another page.
import { h } from './dom.js';
import { foldActions, isDead } from './actions.js';
import { legend } from './ticks.js';

/**
 * Side of a density bin, CSS px of the recorded viewport: about a fingertip, so clicks on one
 * button pile up while neighbouring controls stay apart.
 */
export const BIN_PX = 16;
/** Radius of a drawn dot, CSS px of the recorded viewport (its blur fades out to it). */
export const DOT_RADIUS_PX = 22;
/** Opacity of a bin with one click; the densest bin is opaque. */
const MIN_ALPHA = 0.45;
/** Which kind a bin shows when its clicks differ: the worst one. */
const SEVERITY = { click: 0, dead: 1, rage: 2 };

/**
 * The page a URL is on, for grouping: the URL without its fragment (an in-page anchor is the
 * same page), or '' for none.
 */
export function pageKey(url) {
  if (typeof url !== 'string' || !url) return '';
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * The clicks of `actions` (the analyzer's, in time order) grouped by page:
 * Map<pageKey, [{x, y, t_ms, kind}]>, `kind` `click`, `rage` (one of a rage burst: the
 * analyzer's `metadata.rage`, or a burst actions.js's foldActions folds, as the list and the
 * ticks show it) or `dead` (the page did not respond). Clicks without a finite position are left
 * out, and so are clicks the analyzer folded into a text selection or a checkbox tick (they are
 * no click actions).
 */
export function clicksByPage(actions) {
  const rage = new Set();
  for (const row of foldActions(actions)) {
    if (row.rage) for (let i = row.index; i <= row.last; i++) rage.add(i);
  }
  const pages = new Map();
  actions.forEach((a, i) => {
    if (a.action !== 'click' && a.action !== 'touch_start') return;
    const x = Number(a.metadata?.x);
    const y = Number(a.metadata?.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const key = pageKey(a.url);
    if (!pages.has(key)) pages.set(key, []);
    pages.get(key).push({ x, y, t_ms: a.t_ms, kind: rage.has(i) || a.metadata?.rage ? 'rage' : isDead(a) ? 'dead' : 'click' });
  });
  return pages;
}

/**
 * The page shown at `epochMs`: the URL of the last action at or before it that has one (the
 * first action's before any), as pageKey says it.
 */
export function pageAt(actions, epochMs) {
  let url = actions.find((a) => a.url)?.url ?? null;
  for (const a of actions) {
    if (a.t_ms > epochMs) break;
    if (a.url) url = a.url;
  }
  return pageKey(url);
}

/**
 * `clicks` ({x, y, kind}) binned into `cell`-px squares: `{bins: [{x, y, count, kind}], max}`,
 * each bin at the mean position of its clicks, its kind the most severe among them, `max` the
 * largest count (0 for none). Bins in first-seen order.
 */
export function binClicks(clicks, cell = BIN_PX) {
  const bins = new Map();
  let max = 0;
  for (const c of clicks) {
    const key = `${Math.floor(c.x / cell)},${Math.floor(c.y / cell)}`;
    let bin = bins.get(key);
    if (!bin) bins.set(key, (bin = { sx: 0, sy: 0, count: 0, kind: 'click' }));
    bin.sx += c.x;
    bin.sy += c.y;
    bin.count++;
    if ((SEVERITY[c.kind] ?? 0) > SEVERITY[bin.kind]) bin.kind = c.kind;
    max = Math.max(max, bin.count);
  }
  return { bins: [...bins.values()].map((b) => ({ x: b.sx / b.count, y: b.sy / b.count, count: b.count, kind: b.kind })), max };
}

/** A bin's opacity: MIN_ALPHA for one click, 1 for the densest bin. */
export const binAlpha = (count, max) => (max <= 1 ? 1 : MIN_ALPHA + ((1 - MIN_ALPHA) * (count - 1)) / (max - 1));

/**
 * The Heatmap switch and its legend; `attach(player, actions)` once the player is mounted
 * (`actions`: a function returning the analyzer's actions). Returns `{button, legend, attach,
 * destroy()}`; the button is disabled until attached.
 */
export function mountHeatmap() {
  let on = false;
  let player = null;
  let start = 0; // the recording's first event, epoch ms
  let getActions = () => [];
  let canvas = null;
  let shown = null; // the page key drawn, or null when nothing is
  let grouped = null;
  let groupedFrom = null;
  const offs = [];

  const key = h('div', { className: 'rw-heatmap-legend', hidden: true });
  const button = h('button', {
    type: 'button', className: 'rw-switch rw-heatmap-switch', 'aria-pressed': 'false', disabled: true,
    title: 'Heatmap: where visitors clicked on this page (H)', onclick: () => toggle(),
  }, h('span', { className: 'rw-switch__track', 'aria-hidden': 'true' }), h('span', { className: 'rw-switch__label' }, 'Heatmap'));

  const pages = () => {
    const actions = getActions();
    if (actions !== groupedFrom) {
      grouped = clicksByPage(actions);
      groupedFrom = actions;
    }
    return grouped;
  };

  function draw(force = false) {
    if (!player || !on) return;
    const stage = player.canvas?.parentElement;
    if (!stage) return;
    const page = pageAt(getActions(), start + player.currentTime() + 1);
    // CSS size: the recorded viewport's (the stage scales it); bitmap: one pixel per device
    // pixel on screen, as the player's own overlay (src/play/canvas.rs), so dots stay smooth.
    const w = stage.offsetWidth;
    const hgt = stage.offsetHeight;
    const k = (w > 0 ? stage.getBoundingClientRect().width / w : 1) * Math.max(1, devicePixelRatio || 1);
    const bw = Math.max(1, Math.round(w * k));
    const bh = Math.max(1, Math.round(hgt * k));
    if (!force && page === shown && canvas?.width === bw && canvas?.height === bh) return;
    if (!canvas) {
      canvas = h('canvas', { className: 'rw-heatmap', 'aria-hidden': 'true' });
      // Under the player's own overlay: the pointer stays on top of the dots.
      stage.insertBefore(canvas, player.canvas);
    }
    canvas.width = bw;
    canvas.height = bh;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${hgt}px`;
    shown = page;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(bw / Math.max(1, w), 0, 0, bh / Math.max(1, hgt), 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const clicks = pages().get(page) ?? [];
    const { bins, max } = binClicks(clicks);
    const styles = getComputedStyle(button);
    const colour = (kind) => styles.getPropertyValue(`--rw-kind-${kind}`).trim() || '#4053d6';
    for (const b of bins) {
      const dot = ctx.createRadialGradient(b.x, b.y, 0, b.x, b.y, DOT_RADIUS_PX);
      const c = colour(b.kind);
      dot.addColorStop(0, c);
      dot.addColorStop(0.35, c);
      dot.addColorStop(1, 'transparent');
      ctx.globalAlpha = binAlpha(b.count, max);
      ctx.fillStyle = dot;
      ctx.fillRect(b.x - DOT_RADIUS_PX, b.y - DOT_RADIUS_PX, DOT_RADIUS_PX * 2, DOT_RADIUS_PX * 2);
    }
    ctx.globalAlpha = 1;
    const present = new Set(clicks.map((c) => c.kind));
    const list = legend(present);
    list.setAttribute('aria-label', 'Heatmap legend');
    key.replaceChildren(present.size ? list : h('span', { className: 'rw-heatmap-legend__none' }, 'No clicks on this page'));
  }

  function clear() {
    canvas?.remove();
    canvas = null;
    shown = null;
    key.replaceChildren();
  }

  function toggle(next = !on) {
    if (!player) return;
    on = next;
    button.setAttribute('aria-pressed', String(on));
    key.hidden = !on;
    if (on) draw(true);
    else clear();
  }

  return {
    button,
    legend: key,
    toggle,
    attach(p, actions) {
      player = p;
      start = p.info().start_time ?? 0;
      getActions = actions;
      button.disabled = false;
      offs.push(
        p.on('timeupdate', () => draw()),
        p.on('analyzed', () => draw(true)),
      );
    },
    destroy() {
      for (const off of offs) off();
      clear();
      player = null;
    },
  };
}
