// The cross-session click heatmap (switch in the controls, H): for the page on screen (its URL
// as the bundle's `url_normalizer` says it), the clicks, rage and dead clicks of every session in
// the current set — the list's filter against the collector, the opened files offline, at most
// MAX_HEATMAP_SESSIONS — drawn over a snapshot of that page rebuilt at full height, each click on
// the element it hit (viewer/heatmap-set.js), with a scroll-depth bar beside it. Rage and
// no-response clicks take the timeline's colours (viewer.css `--rw-kind-*`, ticks.js).
//
// The snapshot is the replay's own page at the moment the switch is turned on, copied into a
// sandboxed iframe (no script runs, as in the player) as tall as the page, so a click far down a
// long page is drawn where it was and not at its viewport position.
import { h } from './dom.js';
import { legend } from './ticks.js';
import { MAX_HEATMAP_SESSIONS, SEVERITY, depthCurve, measureSession, medianReach, resolvePath } from './heatmap-set.js';

export { MAX_HEATMAP_SESSIONS };

/**
 * Side of a density bin, CSS px of the snapshot page: about a fingertip, so clicks on one button
 * pile up while neighbouring controls stay apart.
 */
export const BIN_PX = 16;
/** Radius of a drawn dot, CSS px of the snapshot page (its blur fades out to it). */
export const DOT_RADIUS_PX = 22;
/**
 * Tallest snapshot drawn, CSS px: a canvas this tall at the view's scale stays under Chromium's
 * bitmap limits; a longer page is cut there (its clicks below are counted, not drawn).
 */
export const MAX_PAGE_PX = 16_000;
/** Width of the scroll-depth column beside the snapshot, CSS px on screen (viewer.css). */
const DEPTH_BAR_PX = 72;
/** The view body's padding on both sides and the gap before the depth column (viewer.css). */
const BODY_CHROME_PX = 12 + 12 + 12;
/** Opacity of a bin with one click; the densest bin is opaque. */
const MIN_ALPHA = 0.45;

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
 * The URL shown at `epochMs`: the URL of the last action at or before it that has one (the
 * first action's before any), or null.
 */
export function urlAt(actions, epochMs) {
  let url = actions.find((a) => a.url)?.url ?? null;
  for (const a of actions) {
    if (a.t_ms > epochMs) break;
    if (a.url) url = a.url;
  }
  return url;
}

/** The page shown at `epochMs`, as pageKey says it. */
export const pageAt = (actions, epochMs) => pageKey(urlAt(actions, epochMs));

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

/** `n` and its noun, plural past one. */
const count = (n, noun) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
const percent = (f) => `${Math.round(f * 100)}%`;

/** The rules of a stylesheet as CSS text, or null when they cannot be read. */
function sheetText(sheet) {
  try {
    return Array.from(sheet.cssRules, (rule) => rule.cssText).join('\n');
  } catch {
    return null;
  }
}

/**
 * Copies into `snap` the styles `importNode` leaves behind: it copies nodes, not the CSSOM, so
 * rules added with `insertRule` (CSS-in-JS, and the player replaying rrweb's StyleSheetRule
 * events) are in no `<style>`'s text, and adopted stylesheets belong to no node. Without them a
 * CSS-in-JS page's snapshot is unstyled and its hotspots sit on a different layout.
 */
export function copyStyles(source, snap) {
  const copies = snap.querySelectorAll('style');
  source.querySelectorAll('style').forEach((style, i) => {
    const text = style.sheet ? sheetText(style.sheet) : null;
    if (text != null && copies[i]) copies[i].textContent = text;
  });
  const adopted = source.adoptedStyleSheets ?? [];
  const Sheet = snap.defaultView?.CSSStyleSheet;
  if (!adopted.length || !Sheet) return;
  snap.adoptedStyleSheets = adopted.map((sheet) => {
    const copy = new Sheet();
    try {
      copy.replaceSync(sheetText(sheet) ?? '');
    } catch {
      // a rule the constructed sheet refuses (@import): the others still apply
    }
    return copy;
  });
}

/**
 * The Heatmap switch, its legend and its view. `gather({url, raw})`: the page's normalized and
 * recorded URL; resolves to the set,
 * `{sessions: [{key, input(), actions()}], total, capped}` (viewer.js: the list's filter or the
 * opened files; `input()` what createPlayer takes, `actions()` the analysis actions, both
 * promises). `loadPlayer()`: resolves to js/player.js. `attach(player, actions, screen)` once
 * the replay's player is mounted in `screen`. Returns `{button, legend, attach, toggle,
 * destroy()}`; the button is disabled until attached.
 */
export function mountHeatmap({ gather = async () => ({ sessions: [], total: 0, capped: false }), loadPlayer = () => import('../player.js') } = {}) {
  let on = false;
  let player = null;
  let screen = null;
  let getActions = () => [];
  let view = null;
  let run = 0; // bumped on every open and close: a measurement of a closed view is dropped

  const key = h('div', { className: 'rw-heatmap-legend', hidden: true });
  const button = h('button', {
    type: 'button', className: 'rw-switch rw-heatmap-switch', 'aria-pressed': 'false', disabled: true,
    title: 'Heatmap: where visitors of the sessions listed clicked on this page, and how far they scrolled (H)', onclick: () => toggle(),
  }, h('span', { className: 'rw-switch__track', 'aria-hidden': 'true' }), h('span', { className: 'rw-switch__label' }, 'Heatmap'));

  async function open() {
    const mine = ++run;
    const [{ normalizeUrl, init }] = await Promise.all([import('../analyze.js')]);
    await init();
    if (mine !== run) return;
    player.pause();
    const start = player.info().start_time ?? 0;
    const raw = urlAt(getActions(), start + player.currentTime() + 1);
    const url = raw ? normalizeUrl(raw) : '';
    const source = player.frame?.contentDocument;

    const status = h('p', { className: 'rw-heatmap-view__status', role: 'status' }, 'Rebuilding the page…');
    const title = h('h3', { className: 'rw-heatmap-view__title' }, 'Clicks on ', h('span', { className: 'rw-mono' }, shortUrl(url) || 'this page'));
    const frame = h('iframe', { className: 'rw-heatmap-snapshot', title: `Snapshot of ${url || 'the page'}`, tabIndex: -1 });
    frame.setAttribute('sandbox', 'allow-same-origin'); // readable by the viewer, no script runs
    const canvas = h('canvas', { className: 'rw-heatmap', 'aria-hidden': 'true' });
    const scaled = h('div', { className: 'rw-heatmap-view__scaled' }, frame, canvas);
    const pageBox = h('div', { className: 'rw-heatmap-view__page' }, scaled);
    const depth = h('div', { className: 'rw-heatmap-depth', role: 'img', 'aria-label': 'Scroll depth: measuring' });
    // Focusable: it scrolls, and a keyboard must scroll it too.
    const body = h('div', { className: 'rw-heatmap-view__body', role: 'region', tabIndex: 0, 'aria-label': 'Heatmap of the page' }, pageBox,
      h('div', { className: 'rw-heatmap-depth-column' }, h('p', { className: 'rw-heatmap-depth-column__title', 'aria-hidden': 'true', title: 'Share of sessions that scrolled at least this far down' }, 'Scroll reach'), depth));
    view = h('div', { className: 'rw-heatmap-view' },
      h('header', { className: 'rw-heatmap-view__head' }, title, status), body);
    view.heatmap = { url, sessions: 0, total: 0, capped: false, points: [], reaches: [], done: false };
    screen.classList.add('has-heatmap');
    screen.append(view);

    // The snapshot: the replayed page, copied node for node (no serialization, so what the
    // player built — inline styles, form values aside — is what is shown).
    const width = player.frame?.offsetWidth || source?.documentElement?.clientWidth || 1024;
    frame.style.width = `${width}px`;
    frame.style.height = `${player.frame?.offsetHeight || 768}px`;
    await new Promise((resolve) => {
      frame.addEventListener('load', resolve, { once: true });
      frame.srcdoc = '<!DOCTYPE html><html></html>';
    });
    if (mine !== run) return;
    const snap = frame.contentDocument;
    if (source?.documentElement) {
      snap.replaceChild(snap.importNode(source.documentElement, true), snap.documentElement);
      copyStyles(source, snap);
    }
    // A picture of the page: its controls take no focus (the iframe is out of the tab order).
    snap.documentElement.inert = true;
    const height = Math.min(MAX_PAGE_PX, Math.max(snap.documentElement.scrollHeight, snap.body?.scrollHeight ?? 0, 1));
    frame.style.height = `${height}px`;
    const layout = () => {
      const avail = Math.max(120, body.clientWidth - DEPTH_BAR_PX - BODY_CHROME_PX);
      const k = Math.min(1, avail / width);
      scaled.style.width = `${width}px`;
      scaled.style.height = `${height}px`;
      scaled.style.transform = `scale(${k})`;
      pageBox.style.width = `${width * k}px`;
      pageBox.style.height = `${height * k}px`;
      depth.style.height = `${height * k}px`;
      return k;
    };
    let drawn = null; // the points once measured
    // Theatre mode, fullscreen or a resized window: the page is fitted to the new width.
    const fit = new ResizeObserver(() => {
      if (mine !== run) return fit.disconnect();
      const k = layout();
      if (drawn) draw(canvas, drawn, width, height, k);
    });
    fit.observe(body);
    layout();

    // The set, measured one session at a time (each is a player of its own, out of sight).
    status.textContent = 'Collecting the sessions…';
    let set;
    try {
      set = await gather({ url, raw });
    } catch (error) {
      if (mine === run) status.textContent = `Cannot collect the sessions: ${error?.message ?? error}`;
      return;
    }
    if (mine !== run) return;
    const { createPlayer } = await loadPlayer();
    const points = [];
    const reaches = [];
    let visited = 0;
    let missed = 0;
    for (const [i, s] of set.sessions.entries()) {
      status.textContent = `Measuring session ${i + 1} of ${set.sessions.length}…`;
      let m;
      try {
        const actions = await s.actions();
        if (mine !== run) return;
        m = await measureSession({ createPlayer, input: s.input, actions, url, normalize: normalizeUrl, host: view });
      } catch {
        continue; // a session that cannot be replayed is left out of the map, not fatal to it
      }
      if (mine !== run) return;
      if (!m.visited) continue;
      visited++;
      if (m.reach !== null) reaches.push(m.reach);
      for (const c of m.clicks) {
        const el = resolvePath(snap, c.path);
        const r = el?.getBoundingClientRect();
        if (!r || (r.width === 0 && r.height === 0) || r.top > height) {
          missed++;
          continue;
        }
        points.push({ x: r.left + c.fx * r.width, y: r.top + c.fy * r.height, kind: c.kind, path: c.path, session: s.key });
      }
    }
    drawn = points;
    draw(canvas, points, width, height, layout());
    drawDepth(depth, reaches);
    const present = new Set(points.map((p) => p.kind));
    const list = legend(present);
    list.setAttribute('aria-label', 'Heatmap legend');
    key.replaceChildren(present.size ? list : h('span', { className: 'rw-heatmap-legend__none' }, 'No clicks on this page'));
    const rage = points.filter((p) => p.kind === 'rage').length;
    const dead = points.filter((p) => p.kind === 'dead').length;
    const median = medianReach(reaches);
    status.textContent = [
      `${count(visited, 'session')} on this page`,
      count(points.length, 'click'),
      rage ? `${rage} rage` : '',
      dead ? `${dead} with no response` : '',
      median === null ? '' : `median scroll depth ${percent(median)}`,
      missed ? `${count(missed, 'click')} on elements this snapshot lacks` : '',
      set.capped ? `capped at the first ${set.sessions.length} of ${set.total} sessions` : '',
    ].filter(Boolean).join(' · ');
    view.heatmap = { url, sessions: visited, total: set.total, capped: set.capped, points, reaches, missed, height, width, done: true };
    view.dispatchEvent(new Event('heatmapready'));
  }

  function draw(canvas, points, width, height, k) {
    // Bitmap: one pixel per device pixel on screen, so dots stay smooth at the view's scale.
    const ratio = k * Math.max(1, devicePixelRatio || 1);
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const { bins, max } = binClicks(points);
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
  }

  function close() {
    run++;
    view?.remove();
    view = null;
    screen?.classList.remove('has-heatmap');
    key.replaceChildren();
  }

  function toggle(next = !on) {
    if (!player) return;
    on = next;
    button.setAttribute('aria-pressed', String(on));
    key.hidden = !on;
    if (on) {
      open().catch((error) => {
        const status = view?.querySelector('.rw-heatmap-view__status');
        if (status) status.textContent = `Cannot draw the heatmap: ${error?.message ?? error}`;
      });
    } else close();
  }

  return {
    button,
    legend: key,
    toggle,
    /** The open view (tests read its `heatmap` property), or null. */
    get view() {
      return view;
    },
    attach(p, actions, into) {
      player = p;
      getActions = actions;
      screen = into;
      button.disabled = false;
      // Playing again means watching the session, not the map: the view gives way.
      p.on('play', () => {
        if (on) toggle(false);
      });
    },
    destroy() {
      close();
      player = null;
    },
  };
}

/** The scroll-depth bar: the share of sessions that saw each depth, as a fading fill and marks. */
function drawDepth(bar, reaches) {
  const curve = depthCurve(reaches);
  if (!curve.length) {
    bar.setAttribute('aria-label', 'Scroll depth: no session measured');
    bar.replaceChildren(h('span', { className: 'rw-heatmap-depth__none', 'aria-hidden': 'true' }, 'No scroll data'));
    return;
  }
  const stops = curve.map(({ depth, share }) => `rgb(64 83 214 / ${(0.12 + 0.78 * share).toFixed(3)}) ${percent(depth)}`);
  bar.style.background = `linear-gradient(to bottom, ${stops.join(', ')})`;
  // A mark where the share first falls under 75 %, 50 % and 25 % of the sessions.
  const marks = [0.75, 0.5, 0.25].map((level) => {
    const at = curve.find((p) => p.share < level);
    return at ? { level, depth: at.depth } : null;
  }).filter(Boolean);
  bar.replaceChildren(
    h('span', { className: 'rw-heatmap-depth__mark', style: { top: '0%' }, 'aria-hidden': 'true' }, 'All'),
    ...marks.map((m) => h('span', { className: 'rw-heatmap-depth__mark', style: { top: percent(m.depth) }, 'aria-hidden': 'true' }, `${percent(m.level)}`)));
  const said = marks.map((m) => `fewer than ${percent(m.level)} of them scrolled past ${percent(m.depth)} of the page`).join('; ');
  bar.setAttribute('aria-label', `Scroll depth over ${count(reaches.length, 'session')}: ${said || 'every session saw the whole page'}`);
  bar.title = 'Share of sessions that scrolled at least this far down';
}

/** A URL as the view's title shows it: the path, with the host when it has one. */
function shortUrl(url) {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}
