// The main area of the viewer: the selected session's header with its metrics, the player
// slot (URL bar, page, controls, caption: the chrome around the page, never over it) and the
// side panel's tabs (actions, console, network). Pure rendering: state lives in viewer.js.
import { h, icon, uid } from './dom.js';
import { duration, fullDate, offset, page, shortId } from './format.js';
import { renderActions } from './actions.js';

/** Nothing selected yet: what the viewer does, and the way in for files. */
export function renderEmpty({ onOpenFiles, collector }) {
  return h('div', { className: 'rw-empty' },
    h('div', { className: 'rw-empty__art', 'aria-hidden': 'true' }, icon('play', 'rw-empty__icon')),
    h('h2', {}, collector ? 'Select a session' : 'Open a recording'),
    h('p', {}, collector
      ? 'Pick a recorded session from the list to see what happened, step by step.'
      : 'Open an exported recording to see what happened, step by step.'),
    h('div', { className: 'rw-drop-hint' },
      icon('upload'),
      h('div', {},
        h('strong', {}, 'Drop recordings here'),
        h('span', {}, 'rrweb JSON, JSON Lines or gzip, several at once. They are analysed in your browser; nothing is uploaded.')),
      h('button', { type: 'button', className: 'rw-button', onclick: onOpenFiles }, 'Choose files…')));
}

export function renderLoading(row) {
  return h('div', { className: 'rw-loading', role: 'status' },
    h('span', { className: 'rw-spinner', 'aria-hidden': 'true' }),
    `Analysing ${row.name ?? `session ${row.session_id}`}…`);
}

/** A recording with no event to replay: say so instead of opening a blank player. */
export function renderEmptyRecording(row) {
  return h('div', { className: 'rw-empty', role: 'status' },
    h('div', { className: 'rw-empty__art', 'aria-hidden': 'true' }, icon('file', 'rw-icon rw-empty__icon rw-empty__icon--line')),
    h('h2', {}, 'Nothing to replay'),
    h('p', {}, row.source === 'file'
      ? `${row.name} holds no recorded events. Export the session again, or open another recording.`
      : 'This session has no stored events yet. They appear here once the recorder sends its first batch.'));
}

export function renderError(row, message) {
  return h('div', { className: 'rw-error-state', role: 'alert' },
    h('h2', {}, row.source === 'file' ? `Cannot open ${row.name}` : 'Cannot load this session'),
    h('p', {}, message));
}

/**
 * A session with its analysis. `onVisitor(id)` filters the list by a visitor (collector rows
 * only). Returns the element, with `stage` (what viewer/replay.js drives, see below) and
 * `panel` (the side panel's tabs: `add(id, label, body)` adds one).
 */
export function renderSession(row, analysis, { onVisitor } = {}) {
  const s = { ...row, ...analysis.session };
  const start = s.start_time ?? analysis.actions[0]?.t_ms ?? 0;
  const errors = analysis.actions.filter((a) => a.action === 'console_error' || a.action === 'network_error').length;
  const titleId = uid('session-title');

  const visitor = s.distinct_id
    ? (onVisitor && row.source === 'collector'
      ? h('button', { type: 'button', className: 'rw-chip rw-chip--button', title: 'Show only this visitor’s sessions', onclick: () => onVisitor(s.distinct_id) },
        icon('user'), s.distinct_id)
      : h('span', { className: 'rw-chip' }, icon('user'), s.distinct_id))
    : h('span', { className: 'rw-chip rw-chip--muted' }, icon('user'), 'Anonymous visitor');

  // The page URL is the URL bar's alone: the title names the session, not its page.
  const id = s.session_id ?? s.replay_id ?? '';
  const header = h('header', { className: 'rw-session__head' },
    h('div', { className: 'rw-session__title' },
      h('h2', { id: titleId, title: row.source === 'file' ? row.name : id }, row.source === 'file' ? row.name : `Session ${shortId(id)}`),
      h('span', { className: `rw-badge rw-badge--${row.source}` }, row.source === 'file' ? 'Local file' : 'Collector'),
      h('span', { className: 'rw-badge rw-badge--live', hidden: true }, 'Live'),
      h('button', { type: 'button', className: 'rw-button rw-button--small rw-live-jump', hidden: true, onclick: () => onJump?.() }, icon('live'), 'Jump to live')),
    h('div', { className: 'rw-session__meta' },
      visitor,
      h('span', { title: fullDate(s.start_time) }, fullDate(s.start_time) || 'No events'),
      h('dl', { className: 'rw-metrics' },
        metric('Duration', duration(s.duration_s)),
        metric('Clicks', s.n_clicks ?? 0),
        metric('Inputs', s.n_inputs ?? 0),
        metric('Pages', s.n_pages ?? 0),
        metric('Errors', s.n_errors ?? errors, (s.n_errors ?? errors) > 0 ? 'rw-metric--bad' : ''))));

  const warnings = analysis.warnings.length
    ? h('ul', { className: 'rw-warnings', 'aria-label': 'Analysis warnings' }, analysis.warnings.map((w) => h('li', {}, w)))
    : null;

  const slot = playerSlot(start);
  let onPick = null;
  const viewportOf = (action) => viewportAt(analysis.actions, action);
  const actions = renderActions(analysis.actions, start, (action, index) => {
    slot.show(action, viewportOf(action), s.entry_url);
    onPick?.(action, index);
  });
  const first = analysis.actions[0];
  slot.show(first ?? null, first ? viewportOf(first) : null, s.entry_url);

  const panel = tabs('Session panel');
  panel.add('actions', 'Actions', actions.element, actions.count);

  const article = h('article', { className: 'rw-session', 'aria-labelledby': titleId },
    header, warnings,
    h('div', { className: 'rw-stage' }, slot.element, panel.element));
  // What the replay (viewer/replay.js) drives: the player goes into `screen`, its controls into
  // `controls`, the legend into `legend`; it highlights the current action, tells the panels the
  // time (`at`, Unix epoch ms) and seeks to what is picked (`onPick`, `onSeek`).
  let shown = -1;
  const timeListeners = new Set();
  article.panel = panel;
  article.stage = {
    slot: slot.element,
    screen: slot.screen,
    controls: slot.controls,
    legend: slot.legend,
    notice: slot.notice,
    actions: analysis.actions,
    start,
    /** Corrects `start` (Unix epoch ms) once known: the captions and the panels count from it. */
    setStart(ms) {
      if (ms == null) return;
      article.stage.start = ms;
      slot.setStart(ms);
    },
    highlight(index) {
      actions.highlight(index);
      if (index === shown) return;
      shown = index;
      const action = analysis.actions[index];
      if (action) slot.show(action, viewportOf(action), s.entry_url);
    },
    at(epochMs) {
      for (const fn of timeListeners) fn(epochMs);
    },
    onTime(fn) {
      timeListeners.add(fn);
    },
    onPick(fn) {
      onPick = fn;
    },
  };
  // A session still recording: the Live badge, and `jump()` behind the "Jump to live" button.
  let onJump = null;
  article.setLive = (live, jump = null) => {
    header.querySelector('.rw-badge--live').hidden = !live;
    header.querySelector('.rw-live-jump').hidden = !live || !jump;
    onJump = jump;
  };
  return article;
}

function metric(label, value, extra = '') {
  return h('div', { className: `rw-metric ${extra}` }, h('dt', {}, label), h('dd', {}, String(value)));
}

/**
 * Tabs (the WAI-ARIA tabs pattern: ←/→ move between tabs, the panel follows). `add(id, label,
 * body, count)` adds a tab; `select(id)`; `setCount(id, n)`.
 */
function tabs(label) {
  const list = h('div', { className: 'rw-tabs', role: 'tablist', 'aria-label': label });
  const panels = h('div', { className: 'rw-tabpanels' });
  const byId = new Map();
  const select = (id, focus = false) => {
    for (const [key, { tab, body }] of byId) {
      const on = key === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      body.hidden = !on;
      if (on && focus) tab.focus();
    }
  };
  list.addEventListener('keydown', (event) => {
    const ids = [...byId.keys()];
    const at = ids.findIndex((id) => byId.get(id).tab === document.activeElement);
    if (at < 0) return;
    let to = -1;
    if (event.key === 'ArrowRight') to = (at + 1) % ids.length;
    else if (event.key === 'ArrowLeft') to = (at - 1 + ids.length) % ids.length;
    else if (event.key === 'Home') to = 0;
    else if (event.key === 'End') to = ids.length - 1;
    if (to < 0) return;
    event.preventDefault();
    select(ids[to], true);
  });
  const element = h('section', { className: 'rw-timeline rw-panel', 'aria-label': 'Analysis' }, list, panels);
  return {
    element,
    select,
    /** The id of the selected tab. */
    selected: () => [...byId].find(([, { tab }]) => tab.getAttribute('aria-selected') === 'true')?.[0] ?? null,
    add(id, text, content, n) {
      const tabId = uid(`tab-${id}`);
      const bodyId = uid(`tabpanel-${id}`);
      const count = h('span', { className: 'rw-count' }, n == null ? '' : String(n));
      const tab = h('button', {
        type: 'button', role: 'tab', id: tabId, className: 'rw-tab', 'aria-controls': bodyId, 'aria-selected': 'false', tabIndex: -1,
        dataset: { tab: id }, onclick: () => select(id),
      }, text, count);
      const body = h('div', { className: 'rw-tabpanel', role: 'tabpanel', id: bodyId, 'aria-labelledby': tabId, hidden: true }, content);
      byId.set(id, { tab, body, count });
      list.append(tab);
      panels.append(body);
      if (byId.size === 1) select(id);
    },
    setCount(id, n) {
      const entry = byId.get(id);
      if (entry) entry.count.textContent = String(n);
    },
  };
}

/** The viewport in force at `action`: the latest navigation's recorded width × height. */
function viewportAt(actions, action) {
  let size = null;
  for (const a of actions) {
    if (a.t_ms > action.t_ms) break;
    if (a.action === 'navigate' && a.metadata?.width && a.metadata?.height) size = [a.metadata.width, a.metadata.height];
    if (a === action) break;
  }
  return size ?? actions.filter((a) => a.action === 'navigate' && a.metadata?.width).map((a) => [a.metadata.width, a.metadata.height])[0] ?? null;
}

/**
 * The player's frame: the URL bar (the current page's URL, shown once, and the recorded
 * viewport) above the page, the screen the replay player (viewer/replay.js) mounts into (at the
 * recorded viewport's shape), the controls, and below them the current action's caption and the
 * legend. Nothing is drawn over the page but the pointer; the skip notice sits in the URL bar.
 */
function playerSlot(first) {
  let start = first;
  const url = h('span', { className: 'player-slot__url' });
  const size = h('strong', { className: 'player-slot__size' });
  const notice = h('span', { className: 'player-slot__notice', role: 'status', hidden: true });
  const screen = h('div', { className: 'player-slot__screen' },
    h('div', { className: 'player-slot__center' },
      h('span', { className: 'player-slot__play', 'aria-hidden': 'true' }, icon('play')),
      h('span', { className: 'player-slot__note' }, 'Loading the replay…')));
  const controls = h('div', { className: 'player-slot__controls', hidden: true });
  const caption = h('p', { className: 'player-slot__caption', 'aria-live': 'polite' });
  const legend = h('div', { className: 'player-slot__legend' });
  const element = h('section', { className: 'player-slot', 'aria-label': 'Player' },
    h('div', { className: 'player-slot__bar' },
      h('span', { className: 'player-slot__dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      url,
      notice,
      size),
    h('div', { className: 'player-slot__viewport' }, screen),
    controls,
    h('div', { className: 'player-slot__foot' }, caption, legend));
  return {
    element,
    screen,
    controls,
    legend,
    notice,
    setStart(ms) {
      start = ms;
    },
    show(action, viewport, fallbackUrl) {
      const href = action?.url ?? fallbackUrl ?? '';
      url.textContent = href ? page(href) : 'No page recorded';
      url.title = href;
      const [w, h_] = viewport ?? [1280, 720];
      element.style.setProperty('--ratio', String(w / h_));
      size.textContent = viewport ? `${w} × ${h_}` : '';
      size.title = viewport ? 'Recorded viewport' : 'Viewport not recorded';
      caption.replaceChildren(...(action ? [h('span', { className: 'rw-mono' }, offset(action.t_ms - start)), ' ', action.description] : ['No actions in this session']));
      caption.title = action?.description ?? '';
    },
  };
}
